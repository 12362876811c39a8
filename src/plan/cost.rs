//! Cost-optimal staffing: the per-interval staffing with the least expected total cost
//! (agents + telephony + proactive contact + lost customers, the `total_cost` KPI of
//! `[costs]`), and the cost curve around it.
//!
//! Each round simulates three days with the same seeds: the current staffing, one agent more
//! in every interval and one fewer. Common random numbers make the per-interval cost
//! differences between them precise, and each interval moves in the direction that lowered its
//! own cost. The moves are kept if the whole day's cost falls; if not, only the better half of
//! them is tried, and so on down to the single best move. It stops when no move lowers the
//! day's cost.

use super::PlanError;
use super::evaluate::Evaluator;
use crate::simulate::ScenarioResult;
use crate::stats::{Kpi, MeanCi};

/// Rounds of the cost search before it stops where it is.
const MAX_ROUNDS: usize = 40;

/// Agents added to (or taken from) every interval for the cost curve.
const CURVE_SHIFTS: std::ops::RangeInclusive<i64> = -3..=3;

/// One point of the cost curve: the plan with every interval shifted by the same number of
/// agents.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct CostPoint {
    /// Agents added to every interval (negative: taken away; no interval below the minimum).
    pub shift: i64,
    /// Agent-hours on the phones over the day.
    pub agent_hours: f64,
    /// Total cost of the day (mean and 95% half-width), currency units.
    pub total_cost: MeanCi,
    /// Lost customers over the day (mean and 95% half-width).
    pub lost_customers: MeanCi,
}

/// Total cost of interval `k` (`None`: the whole day) in `result`; NaN without `[costs]`.
fn cost(result: &ScenarioResult, k: Option<usize>) -> f64 {
    let set = match k {
        Some(k) => &result.intervals[k],
        None => &result.total,
    };
    set.get(Kpi::TotalCost).map_or(f64::NAN, |v| v.mean)
}

/// The staffing shifted by one agent in every interval (`up`, or down), within the bounds.
fn shifted(agents: &[u32], up: bool, floor: &[u32], cap: &[u32]) -> Vec<u32> {
    agents
        .iter()
        .enumerate()
        .map(|(k, &a)| {
            if up {
                a.saturating_add(1).min(cap[k]).max(a)
            } else {
                a.saturating_sub(1).max(floor[k]).min(a)
            }
        })
        .collect()
}

/// Searches the staffing of least total cost from `start`, never below `floor` nor above
/// `cap` in any interval; returns the agents on the phones per interval.
pub(crate) fn minimise(
    eval: &mut Evaluator,
    start: Vec<u32>,
    floor: &[u32],
    cap: &[u32],
) -> Result<Vec<u32>, PlanError> {
    let mut agents: Vec<u32> = start
        .iter()
        .enumerate()
        .map(|(k, &a)| a.clamp(floor[k], cap[k]))
        .collect();
    let mut current = eval.run(&agents)?.result;
    if cost(&current, None).is_nan() {
        return Err(PlanError::Invalid(
            "the simulation gave no total cost; the scenario needs a [costs] section".into(),
        ));
    }
    for _ in 0..MAX_ROUNDS {
        let up = shifted(&agents, true, floor, cap);
        let down = shifted(&agents, false, floor, cap);
        let (with_up, with_down) = (eval.run(&up)?.result, eval.run(&down)?.result);
        // (gain in the interval's own cost, interval, new agents)
        let mut moves: Vec<(f64, usize, u32)> = (0..agents.len())
            .filter_map(|k| {
                let here = cost(&current, Some(k));
                let gain = |other: &ScenarioResult, to: u32| {
                    (to != agents[k]).then(|| (here - cost(other, Some(k)), k, to))
                };
                [gain(&with_up, up[k]), gain(&with_down, down[k])]
                    .into_iter()
                    .flatten()
                    .filter(|(g, _, _)| *g > 1e-9 * here.abs().max(1.0))
                    .max_by(|a, b| a.0.total_cmp(&b.0))
            })
            .collect();
        if moves.is_empty() {
            break;
        }
        moves.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let day = cost(&current, None);
        let mut take = moves.len();
        let improved = loop {
            let mut candidate = agents.clone();
            for &(_, k, to) in &moves[..take] {
                candidate[k] = to;
            }
            let result = eval.run(&candidate)?.result;
            if cost(&result, None) < day {
                agents = candidate;
                current = result;
                break true;
            }
            if take == 1 {
                break false;
            }
            take /= 2;
        };
        if !improved {
            break;
        }
    }
    Ok(agents)
}

/// The cost curve: `agents` shifted by the same number of agents in every interval (never
/// below `min_agents`), each simulated with the evaluator's seeds.
pub(crate) fn curve(
    eval: &mut Evaluator,
    agents: &[u32],
    min_agents: u32,
) -> Result<Vec<CostPoint>, crate::simulate::RunError> {
    let mut points: Vec<CostPoint> = Vec::new();
    let mut previous: Option<Vec<u32>> = None;
    for shift in CURVE_SHIFTS {
        let staffing: Vec<u32> = agents
            .iter()
            .map(|&a| {
                (i64::from(a) + shift).clamp(i64::from(min_agents), i64::from(u32::MAX)) as u32
            })
            .collect();
        // Shifts that hit the minimum everywhere give the same staffing: keep one.
        if previous.as_ref() == Some(&staffing) {
            continue;
        }
        let agent_sum = staffing.iter().map(|&a| u64::from(a)).sum::<u64>();
        let result = eval.run(&staffing)?.result;
        let interval_h = result.scenario.interval_s / 3600.0;
        let nan = MeanCi {
            mean: f64::NAN,
            ci95: f64::NAN,
            n: 0,
        };
        points.push(CostPoint {
            shift,
            agent_hours: agent_sum as f64 * interval_h,
            total_cost: result.total.get(Kpi::TotalCost).unwrap_or(nan),
            lost_customers: result.total.get(Kpi::LostCustomers).unwrap_or(nan),
        });
        previous = Some(staffing);
    }
    Ok(points)
}

/// The last step of the cost optimisation: the search ran on the tuning seeds, and with few
/// lost customers per day its optimum can be noise. The cost curve, simulated with fresh
/// seeds, says where the cheapest uniform shift of that staffing lies; the plan moves there
/// when the shifted staffing keeps every interval within `floor` (the hard targets) and `cap`.
/// Returns the staffing and the shift taken (0: the search's optimum stands).
pub(crate) fn follow_curve(
    agents: &[u32],
    curve: &[CostPoint],
    floor: &[u32],
    cap: &[u32],
) -> (Vec<u32>, i64) {
    let allowed = |shift: i64| {
        agents.iter().zip(floor).zip(cap).all(|((&a, &lo), &hi)| {
            let moved = i64::from(a) + shift;
            moved >= i64::from(lo) && moved <= i64::from(hi)
        })
    };
    let best = curve
        .iter()
        .filter(|p| p.total_cost.mean.is_finite() && allowed(p.shift))
        .min_by(|a, b| a.total_cost.mean.total_cmp(&b.total_cost.mean));
    match best {
        Some(p) if p.shift != 0 => {
            let moved = agents
                .iter()
                .map(|&a| (i64::from(a) + p.shift) as u32)
                .collect();
            (moved, p.shift)
        }
        _ => (agents.to_vec(), 0),
    }
}

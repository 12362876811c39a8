//! Staffing: the inverse problems of the Erlang formulas, and shrinkage.
//!
//! - [`required_agents`]: the fewest agents on the phones that meet a service-level target
//!   (e.g. 80 % answered within 20 s), a maximum abandonment rate and/or a maximum ASA, each
//!   under an optional maximum occupancy (e.g. 85 %).
//! - [`max_calls_per_hour`]: the most calls per hour a given staff can take and still meet
//!   the targets.
//! - [`scheduled_agents`]: heads to schedule so that, after shrinkage (breaks, training,
//!   absence), enough agents are on the phones.
//!
//! Every KPI is monotone in the number of agents (and in the arrival rate), so the searches
//! step up exponentially from the smallest sensible staff and then bisect: a few dozen
//! evaluations even for thousands of agents.

use super::classic::{erlang_b_step, erlang_c_from_b};
use super::{
    ErlangError, Traffic, check_agents, check_patience, check_threshold, erlang_a, erlang_c,
};

/// Upper limit of the agents searched for.
const MAX_AGENTS: u32 = 2_000_000;

/// Which queueing model the calculator uses.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Model {
    /// Erlang C (M/M/c): nobody abandons; needs load < agents.
    ErlangC,
    /// Erlang A (M/M/c+M): callers abandon after an exponential patience.
    ErlangA {
        /// Mean patience, seconds.
        patience_s: f64,
    },
}

impl Model {
    /// `"erlang_c"` or `"erlang_a"`.
    pub fn name(&self) -> &'static str {
        match self {
            Model::ErlangC => "erlang_c",
            Model::ErlangA { .. } => "erlang_a",
        }
    }
}

/// Which service level a target refers to. They coincide for Erlang C; with abandonment they
/// differ a lot (answered-only hides the callers who gave up).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SlDefinition {
    /// Answered within the threshold ÷ all callers (callsim's `service_level`; the default).
    #[default]
    Offered,
    /// Answered within the threshold ÷ answered calls (`service_level_answered`).
    Answered,
    /// Offered (virtual) wait within the threshold ÷ all callers.
    Virtual,
}

/// The KPIs of one interval, as a planner reads them off an Erlang calculator.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Kpis {
    /// Number of agents on the phones.
    pub agents: u32,
    /// Offered load, Erlangs.
    pub offered_load_erlangs: f64,
    /// Probability that a caller has to wait.
    pub prob_wait: f64,
    /// Service level: answered within the threshold ÷ all callers.
    pub service_level: f64,
    /// Service level of answered calls: answered within the threshold ÷ answered.
    pub service_level_answered: f64,
    /// Share of callers whose offered (virtual) wait is within the threshold.
    pub service_level_virtual: f64,
    /// ASA: mean wait of answered calls, seconds.
    pub asa_s: f64,
    /// Mean wait over all callers (abandoned included), seconds.
    pub mean_wait_s: f64,
    /// Abandonment rate: abandoned ÷ all callers (0 for Erlang C).
    pub abandon_rate: f64,
    /// Occupancy: share of agent time spent handling calls.
    pub occupancy: f64,
}

impl Kpis {
    /// The service level of the given definition.
    pub fn service_level_of(&self, definition: SlDefinition) -> f64 {
        match definition {
            SlDefinition::Offered => self.service_level,
            SlDefinition::Answered => self.service_level_answered,
            SlDefinition::Virtual => self.service_level_virtual,
        }
    }
}

/// KPIs of `agents` agents facing `traffic` under `model`, service level within
/// `threshold_s` seconds.
pub fn kpis(
    traffic: &Traffic,
    agents: u32,
    model: Model,
    threshold_s: f64,
) -> Result<Kpis, ErlangError> {
    match model {
        Model::ErlangC => Ok(from_c(&erlang_c(traffic, agents, threshold_s)?)),
        Model::ErlangA { patience_s } => {
            let a = erlang_a(traffic, agents, patience_s, threshold_s)?;
            Ok(Kpis {
                agents,
                offered_load_erlangs: a.offered_load_erlangs,
                prob_wait: a.prob_wait,
                service_level: a.sl_offered,
                service_level_answered: a.sl_answered,
                service_level_virtual: a.sl_virtual,
                asa_s: a.asa_s,
                mean_wait_s: a.mean_wait_s,
                abandon_rate: a.prob_abandon,
                occupancy: a.occupancy,
            })
        }
    }
}

fn from_c(c: &super::ErlangC) -> Kpis {
    Kpis {
        agents: c.agents,
        offered_load_erlangs: c.offered_load_erlangs,
        prob_wait: c.prob_wait,
        service_level: c.service_level,
        service_level_answered: c.service_level,
        service_level_virtual: c.service_level,
        asa_s: c.asa_s,
        mean_wait_s: c.asa_s,
        abandon_rate: 0.0,
        occupancy: c.occupancy,
    }
}

/// Staffing targets: any of a minimum service level, a maximum abandonment rate, a maximum
/// ASA and a maximum occupancy; all that are set must be met.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Targets {
    /// Service-level threshold, seconds (e.g. 20 for "80/20").
    pub threshold_s: f64,
    /// Minimum service level, a share in (0, 1) (e.g. 0.8).
    pub service_level: Option<f64>,
    /// Which service level `service_level` refers to.
    pub sl_definition: SlDefinition,
    /// Maximum abandonment rate, a share in (0, 1) (e.g. 0.05).
    pub max_abandon: Option<f64>,
    /// Maximum ASA (mean wait of answered calls), seconds.
    pub max_asa_s: Option<f64>,
    /// Maximum occupancy, a share in (0, 1] (e.g. 0.85).
    pub max_occupancy: Option<f64>,
}

impl Targets {
    /// Targets with the given threshold (seconds) and nothing else set.
    pub fn new(threshold_s: f64) -> Self {
        Self {
            threshold_s,
            service_level: None,
            sl_definition: SlDefinition::Offered,
            max_abandon: None,
            max_asa_s: None,
            max_occupancy: None,
        }
    }

    /// Checks ranges; at least one target must be set.
    pub fn validate(&self) -> Result<(), ErlangError> {
        check_threshold(self.threshold_s)?;
        let share = |name: &str, v: f64, upper_inclusive: bool| {
            let ok = v.is_finite() && v > 0.0 && (v < 1.0 || (upper_inclusive && v == 1.0));
            if ok {
                Ok(())
            } else {
                let range = if upper_inclusive { "(0, 1]" } else { "(0, 1)" };
                Err(ErlangError::InvalidInput(format!(
                    "{name} must be a share in {range} (e.g. 0.8 for 80 %), got {v}"
                )))
            }
        };
        if let Some(v) = self.service_level {
            share("the service-level target", v, false)?;
        }
        if let Some(v) = self.max_abandon {
            share("the maximum abandonment rate", v, false)?;
        }
        if let Some(v) = self.max_occupancy {
            share("the maximum occupancy", v, true)?;
        }
        if let Some(v) = self.max_asa_s
            && !(v.is_finite() && v > 0.0)
        {
            return Err(ErlangError::InvalidInput(format!(
                "the maximum ASA must be a number of seconds > 0, got {v}"
            )));
        }
        if !self.any() {
            return Err(ErlangError::InvalidInput(
                "give a target: a service level, a maximum abandonment rate, a maximum ASA \
                 or a maximum occupancy"
                    .into(),
            ));
        }
        Ok(())
    }

    /// Whether any target is set.
    pub fn any(&self) -> bool {
        self.service_level.is_some()
            || self.max_abandon.is_some()
            || self.max_asa_s.is_some()
            || self.max_occupancy.is_some()
    }

    /// Whether the KPIs meet every target.
    pub fn met_by(&self, k: &Kpis) -> bool {
        self.service_level
            .is_none_or(|t| k.service_level_of(self.sl_definition) >= t)
            && self.max_abandon.is_none_or(|m| k.abandon_rate <= m)
            && self.max_asa_s.is_none_or(|m| k.asa_s <= m)
            && self.max_occupancy.is_none_or(|m| k.occupancy <= m)
    }
}

/// Checks the model; an infinite patience is Erlang C.
fn check_model(model: Model) -> Result<Model, ErlangError> {
    if let Model::ErlangA { patience_s } = model {
        check_patience(patience_s)?;
        if patience_s.is_infinite() {
            return Ok(Model::ErlangC);
        }
    }
    Ok(model)
}

/// The fewest agents on the phones for which `traffic` meets every target under `model`.
///
/// Returns [`ErlangError::Infeasible`] if even 2,000,000 agents would not do.
pub fn required_agents(
    traffic: &Traffic,
    model: Model,
    targets: &Targets,
) -> Result<u32, ErlangError> {
    targets.validate()?;
    let model = check_model(model)?;
    let load = traffic.offered_load();
    match model {
        Model::ErlangC => required_erlang_c(traffic, targets, load),
        Model::ErlangA { .. } => {
            let meets = |c: u32| -> Result<bool, ErlangError> {
                Ok(targets.met_by(&kpis(traffic, c, model, targets.threshold_s)?))
            };
            smallest(1, meets)
        }
    }
}

/// Erlang C: step the Erlang B recursion up from the stability limit in O(1) per agent,
/// doubling the step, then bisect.
fn required_erlang_c(traffic: &Traffic, targets: &Targets, load: f64) -> Result<u32, ErlangError> {
    let first = load.floor() + 1.0;
    if first > f64::from(MAX_AGENTS) {
        return Err(infeasible());
    }
    let first = (first as u32).max(1);
    let meets = |c: u32, b: f64| -> Result<bool, ErlangError> {
        let k = from_c(&erlang_c_from_b(traffic, c, targets.threshold_s, b)?);
        Ok(targets.met_by(&k))
    };
    let mut b = super::classic::erlang_b_unchecked(first, load);
    let mut c = first;
    // Walk up agent by agent while cheap; most requirements are within a few sqrt(load).
    let walk_limit = c.saturating_add(4096).min(MAX_AGENTS);
    loop {
        if meets(c, b)? {
            return Ok(c);
        }
        if c >= walk_limit {
            break;
        }
        c += 1;
        b = erlang_b_step(b, c, load);
    }
    // Far away (tight targets on small loads never get here): generic search.
    smallest(c + 1, |c| {
        let k = from_c(&erlang_c(traffic, c, targets.threshold_s)?);
        Ok(targets.met_by(&k))
    })
}

fn infeasible() -> ErlangError {
    ErlangError::Infeasible(format!(
        "not even {MAX_AGENTS} agents meet the targets; check the targets and the traffic"
    ))
}

/// Smallest `c >= lo` with `meets(c)`, for a monotone predicate: exponential steps, then
/// bisection.
fn smallest(lo: u32, meets: impl Fn(u32) -> Result<bool, ErlangError>) -> Result<u32, ErlangError> {
    if meets(lo)? {
        return Ok(lo);
    }
    let mut bad = lo;
    let mut step = 1u32;
    let good = loop {
        let probe = bad.saturating_add(step).min(MAX_AGENTS);
        if meets(probe)? {
            break probe;
        }
        if probe >= MAX_AGENTS {
            return Err(infeasible());
        }
        bad = probe;
        step = step.saturating_mul(2);
    };
    let (mut bad, mut good) = (bad, good);
    while good - bad > 1 {
        let mid = bad + (good - bad) / 2;
        if meets(mid)? {
            good = mid;
        } else {
            bad = mid;
        }
    }
    Ok(good)
}

/// The most calls per hour that `agents` agents with handle time `aht_s` seconds can take
/// while meeting every target under `model` (bisection on the arrival rate, to a relative
/// 1e-10).
pub fn max_calls_per_hour(
    aht_s: f64,
    agents: u32,
    model: Model,
    targets: &Targets,
) -> Result<f64, ErlangError> {
    targets.validate()?;
    let model = check_model(model)?;
    check_agents(agents)?;
    let meets = |rate: f64| -> Result<bool, ErlangError> {
        let traffic = Traffic::new(rate, aht_s)?;
        Ok(targets.met_by(&kpis(&traffic, agents, model, targets.threshold_s)?))
    };
    // Rate at which the agents are fully busy: c / AHT calls per second.
    let full = f64::from(agents) / Traffic::new(0.0, aht_s)?.aht_s;
    let mut lo = 0.0;
    let mut hi = match model {
        Model::ErlangC => full,
        Model::ErlangA { .. } => {
            let mut hi = full;
            let mut doublings = 0;
            while meets(hi)? {
                lo = hi;
                hi *= 2.0;
                doublings += 1;
                if doublings > 60 {
                    return Err(ErlangError::Infeasible(
                        "the targets are met at any arrival rate".into(),
                    ));
                }
            }
            hi
        }
    };
    for _ in 0..200 {
        if hi - lo <= 1e-10 * hi {
            break;
        }
        let mid = 0.5 * (lo + hi);
        let ok = match meets(mid) {
            Ok(ok) => ok,
            Err(ErlangError::Unstable { .. }) => false,
            Err(e) => return Err(e),
        };
        if ok {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    Ok(lo * 3600.0)
}

/// Scheduled heads for `agents_on_phones` agents when a share `shrinkage` in [0, 1) of paid
/// time is lost to breaks, training and absence: `agents / (1 - shrinkage)`, rounded up
/// (values within 1e-9 of a whole number are not pushed to the next one by rounding error).
pub fn scheduled_agents(agents_on_phones: u32, shrinkage: f64) -> Result<u32, ErlangError> {
    if !(shrinkage.is_finite() && (0.0..1.0).contains(&shrinkage)) {
        return Err(ErlangError::InvalidInput(format!(
            "shrinkage must be a share in [0, 1) (e.g. 0.3 for 30 %), got {shrinkage}"
        )));
    }
    let exact = f64::from(agents_on_phones) / (1.0 - shrinkage);
    let heads = (exact - exact * 1e-9).ceil();
    if heads > f64::from(u32::MAX) {
        return Err(ErlangError::InvalidInput(format!(
            "{agents_on_phones} agents with shrinkage {shrinkage} is too many heads"
        )));
    }
    Ok(heads as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cch() -> Traffic {
        Traffic::from_calls_per_hour(200.0, 180.0).unwrap()
    }

    fn sl_target(target: f64) -> Targets {
        Targets {
            service_level: Some(target),
            ..Targets::new(20.0)
        }
    }

    #[test]
    fn call_centre_helper_needs_14_agents() {
        assert_eq!(
            required_agents(&cch(), Model::ErlangC, &sl_target(0.8)).unwrap(),
            14
        );
        // ASA at 14 agents is 7.84 s, at 13 it is above 15 s.
        let t = Targets {
            max_asa_s: Some(15.0),
            ..Targets::new(20.0)
        };
        assert_eq!(required_agents(&cch(), Model::ErlangC, &t).unwrap(), 14);
        // Occupancy at most 70 %: 10 / 0.7 = 14.3 -> 15.
        let t = Targets {
            max_occupancy: Some(0.7),
            ..sl_target(0.8)
        };
        assert_eq!(required_agents(&cch(), Model::ErlangC, &t).unwrap(), 15);
    }

    #[test]
    fn erlang_a_staffing() {
        // Golden A01: 14 agents offered, patience 120 s: abandon <= 5 % needs 13, SL 80/20 12.
        let model = Model::ErlangA { patience_s: 120.0 };
        let t = Targets {
            max_abandon: Some(0.05),
            ..Targets::new(20.0)
        };
        assert_eq!(required_agents(&cch(), model, &t).unwrap(), 13);
        assert_eq!(required_agents(&cch(), model, &sl_target(0.8)).unwrap(), 12);
        let answered = Targets {
            sl_definition: SlDefinition::Answered,
            ..sl_target(0.8)
        };
        assert_eq!(required_agents(&cch(), model, &answered).unwrap(), 11);
    }

    #[test]
    fn staffing_is_fast_for_thousands_of_agents() {
        let traffic = Traffic::new(9990.0 / 300.0, 300.0).unwrap();
        let c = required_agents(&traffic, Model::ErlangC, &sl_target(0.8)).unwrap();
        assert!(c > 9990 && c < 10_100, "{c}");
        let a = required_agents(
            &traffic,
            Model::ErlangA { patience_s: 120.0 },
            &sl_target(0.8),
        )
        .unwrap();
        assert!(a <= c, "{a} {c}");
    }

    #[test]
    fn max_calls_per_hour_inverts_required_agents() {
        let t = sl_target(0.8);
        let cph = max_calls_per_hour(180.0, 14, Model::ErlangC, &t).unwrap();
        assert!(cph > 200.0 && cph < 14.0 * 20.0, "{cph}");
        let at = Traffic::from_calls_per_hour(cph, 180.0).unwrap();
        let k = kpis(&at, 14, Model::ErlangC, 20.0).unwrap();
        assert!((k.service_level - 0.8).abs() < 1e-8, "{k:?}");
        let model = Model::ErlangA { patience_s: 60.0 };
        let cph = max_calls_per_hour(180.0, 14, model, &t).unwrap();
        let at = Traffic::from_calls_per_hour(cph, 180.0).unwrap();
        let k = kpis(&at, 14, model, 20.0).unwrap();
        assert!((k.service_level - 0.8).abs() < 1e-8, "{k:?}");
    }

    #[test]
    fn shrinkage_rounds_up_without_float_noise() {
        assert_eq!(scheduled_agents(10, 0.2).unwrap(), 13);
        assert_eq!(scheduled_agents(8, 0.2).unwrap(), 10);
        assert_eq!(scheduled_agents(7, 0.3).unwrap(), 10);
        assert_eq!(scheduled_agents(14, 0.0).unwrap(), 14);
        assert_eq!(scheduled_agents(14, 0.3).unwrap(), 20);
        assert!(scheduled_agents(14, 1.0).is_err());
        assert!(scheduled_agents(14, -0.1).is_err());
    }

    #[test]
    fn bad_targets_are_errors() {
        assert!(required_agents(&cch(), Model::ErlangC, &Targets::new(20.0)).is_err());
        assert!(required_agents(&cch(), Model::ErlangC, &sl_target(1.0)).is_err());
        assert!(required_agents(&cch(), Model::ErlangC, &sl_target(0.0)).is_err());
        assert!(
            required_agents(&cch(), Model::ErlangA { patience_s: -1.0 }, &sl_target(0.8)).is_err()
        );
    }
}

//! `intervals.csv`: one row per reporting interval, every KPI's mean and 95% half-width (and
//! with several days `days.csv`: one row per day).

use crate::model::Scenario;
use crate::simulate::skills::{GROUP_KPIS, TYPE_KPIS};
use crate::simulate::{KpiSet, ScenarioResult, SkillResult};
use crate::stats::Kpi;
use crate::units::format_clock;
use std::io;

/// A number for CSV: its shortest round-trip form, empty when undefined (NaN, infinite).
pub fn csv_number(x: f64) -> String {
    if x.is_finite() {
        x.to_string()
    } else {
        String::new()
    }
}

/// The first columns of a row of interval `k` of the run: `interval, start`, and before
/// them `day` (from 1) with several days, the interval then counted within its day.
fn interval_cells(sc: &Scenario, k: usize) -> Vec<String> {
    let n = sc.intervals().max(1);
    let within = k % n;
    let mut cells = Vec::with_capacity(3);
    if sc.days > 1 {
        cells.push((k / n + 1).to_string());
    }
    cells.push(within.to_string());
    cells.push(format_clock(sc.interval_start_clock_s(within)));
    cells
}

/// The names of [`interval_cells`].
fn interval_header(sc: &Scenario) -> Vec<String> {
    let days = (sc.days > 1).then(|| "day".to_string());
    days.into_iter()
        .chain(["interval".to_string(), "start".to_string()])
        .collect()
}

/// The CSV text: columns `interval, start, staffed_agents` (with several days, `day` first),
/// then `<kpi>, <kpi>_ci95` for KPI the scenario produces. `start` is the clock time (working
/// day) or the time since the start of the run (steady state); undefined values are empty.
pub fn intervals_csv(result: &ScenarioResult) -> io::Result<Vec<u8>> {
    let sc = &result.scenario;
    let mut header = interval_header(sc);
    header.push("staffed_agents".to_string());
    let rows = result.intervals.iter().enumerate().map(|(k, set)| {
        let mut cells = interval_cells(sc, k);
        cells.push(sc.agents[k % sc.intervals().max(1)].to_string());
        (cells, set)
    });
    kpi_rows(header, result.total.kpis(), rows)
}

/// With several days, `days.csv`: one row per day, columns `day` (from 1), then `<kpi>,
/// <kpi>_ci95` for every KPI of the whole day.
pub fn days_csv(result: &ScenarioResult) -> io::Result<Vec<u8>> {
    let rows = (result.days.iter().enumerate()).map(|(d, set)| (vec![(d + 1).to_string()], set));
    kpi_rows(vec!["day".to_string()], result.total.kpis(), rows)
}

/// A CSV of KPI values: the columns `header`, then `<kpi>, <kpi>_ci95` for each of `kpis`;
/// each row its first cells, then its values (empty where undefined).
fn kpi_rows<'a>(
    mut header: Vec<String>,
    kpis: &[Kpi],
    rows: impl Iterator<Item = (Vec<String>, &'a KpiSet)>,
) -> io::Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    for kpi in kpis {
        header.push(kpi.name().to_string());
        header.push(format!("{}_ci95", kpi.name()));
    }
    w.write_record(&header)?;
    for (mut row, set) in rows {
        for (_, v) in set.iter() {
            row.push(csv_number(v.mean));
            row.push(csv_number(v.ci95));
        }
        w.write_record(&row)?;
    }
    csv_bytes(w)
}

/// The pooled wait distribution of answered calls: columns `wait_from_s, wait_to_s, calls`,
/// one row per non-empty histogram bucket (waits of exactly 0 s as the row `0, 0`).
pub fn waits_csv(result: &ScenarioResult) -> io::Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["wait_from_s", "wait_to_s", "calls"])?;
    for (from, to, calls) in result.waits.buckets() {
        w.write_record([from.to_string(), to.to_string(), calls.to_string()])?;
    }
    csv_bytes(w)
}

/// The bytes of a CSV written to memory.
pub fn csv_bytes(w: csv::Writer<Vec<u8>>) -> io::Result<Vec<u8>> {
    w.into_inner().map_err(|e| io::Error::other(e.to_string()))
}

/// Multi-skill scenarios, `types.csv`: one row per interval and call type, columns
/// `interval, start, call_type`, then `<kpi>, <kpi>_ci95` (service level against the type's
/// own threshold).
pub fn types_csv(result: &ScenarioResult, skills: &SkillResult) -> io::Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header = interval_header(&result.scenario);
    header.push("call_type".into());
    let kpis = skills.by_type.first().map_or(TYPE_KPIS, |t| t.total.kpis());
    for kpi in kpis {
        header.push(kpi.name().to_string());
        header.push(format!("{}_ci95", kpi.name()));
    }
    w.write_record(&header)?;
    for k in 0..result.intervals.len() {
        for ty in &skills.by_type {
            let mut row = interval_cells(&result.scenario, k);
            row.push(ty.name.clone());
            for (_, v) in ty.intervals[k].iter() {
                row.extend([csv_number(v.mean), csv_number(v.ci95)]);
            }
            w.write_record(&row)?;
        }
    }
    csv_bytes(w)
}

/// Multi-skill scenarios, `groups.csv`: one row per interval and agent group, columns
/// `interval, start, agent_group, scheduled_agents`, then `occupancy, busy_agents,
/// staffed_agents, handled`, each with its `_ci95`.
pub fn groups_csv(result: &ScenarioResult, skills: &SkillResult) -> io::Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header = interval_header(&result.scenario);
    header.extend(["agent_group".into(), "scheduled_agents".into()]);
    for name in GROUP_KPIS {
        header.push(name.to_string());
        header.push(format!("{name}_ci95"));
    }
    w.write_record(&header)?;
    let model = result.scenario.skills.as_ref();
    let n = result.scenario.intervals().max(1);
    for k in 0..result.intervals.len() {
        for (g, group) in skills.by_group.iter().enumerate() {
            let scheduled = model.map_or(String::new(), |m| m.groups[g].agents[k % n].to_string());
            let mut row = interval_cells(&result.scenario, k);
            row.extend([group.name.clone(), scheduled]);
            for (_, v) in group.intervals[k].iter() {
                row.extend([csv_number(v.mean), csv_number(v.ci95)]);
            }
            w.write_record(&row)?;
        }
    }
    csv_bytes(w)
}

/// Multi-skill scenarios, `handled.csv`: calls handled over the whole run by call type and
/// agent group, columns `call_type, agent_group, handled, handled_ci95`.
pub fn handled_csv(skills: &SkillResult) -> io::Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["call_type", "agent_group", "handled", "handled_ci95"])?;
    for (t, ty) in skills.by_type.iter().enumerate() {
        for (g, group) in skills.by_group.iter().enumerate() {
            let v = skills.handled[t][g];
            w.write_record([
                ty.name.clone(),
                group.name.clone(),
                csv_number(v.mean),
                csv_number(v.ci95),
            ])?;
        }
    }
    csv_bytes(w)
}

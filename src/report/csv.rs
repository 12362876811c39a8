//! `intervals.csv`: one row per reporting interval, every KPI's mean and 95% half-width.

use crate::scenario::duration::format_clock;
use crate::simulate::ScenarioResult;
use std::io;

fn number(x: f64) -> String {
    if x.is_finite() {
        x.to_string()
    } else {
        String::new()
    }
}

/// The CSV text: columns `interval, start, staffed_agents`, then `<kpi>, <kpi>_ci95` for KPI
/// the scenario produces. `start` is the clock time (working day) or the time since the start of the run
/// (steady state); undefined values are empty.
pub fn intervals_csv(result: &ScenarioResult) -> io::Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header = vec![
        "interval".to_string(),
        "start".to_string(),
        "staffed_agents".to_string(),
    ];
    for &kpi in result.total.kpis() {
        header.push(kpi.name().to_string());
        header.push(format!("{}_ci95", kpi.name()));
    }
    w.write_record(&header)?;
    let sc = &result.scenario;
    for (k, set) in result.intervals.iter().enumerate() {
        let mut row = vec![
            k.to_string(),
            format_clock(sc.interval_start_clock_s(k)),
            sc.agents[k].to_string(),
        ];
        for (_, v) in set.iter() {
            row.push(number(v.mean));
            row.push(number(v.ci95));
        }
        w.write_record(&row)?;
    }
    w.into_inner().map_err(|e| io::Error::other(e.to_string()))
}

/// The pooled wait distribution of answered calls: columns `wait_from_s, wait_to_s, calls`,
/// one row per non-empty histogram bucket (waits of exactly 0 s as the row `0, 0`).
pub fn waits_csv(result: &ScenarioResult) -> io::Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["wait_from_s", "wait_to_s", "calls"])?;
    for (from, to, calls) in result.waits.buckets() {
        w.write_record([from.to_string(), to.to_string(), calls.to_string()])?;
    }
    w.into_inner().map_err(|e| io::Error::other(e.to_string()))
}

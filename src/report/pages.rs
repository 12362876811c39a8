//! Charts (SVG, optionally PNG) and the self-contained HTML report, drawn from the result
//! files of a run (so that `callsim report DIR` rebuilds exactly what `run` wrote).
//!
//! What is written:
//! - `OUT/<name>/day-profile.svg`, `waits.svg`, `cost-breakdown.svg` (when the scenario has
//!   cost KPIs), and `report.html` with all of them inline;
//! - `OUT/index.html`: the comparison of the command's scenarios first when there are several
//!   (`OUT/comparison.svg`, `OUT/cost-breakdown.svg` when any has costs), then one section
//!   per scenario, then links to the sweeps and to earlier commands' scenarios in `OUT`
//!   (`callsim report OUT` compares every scenario in `OUT`);
//! - for a sweep folder, `OUT/<sweep>/headline.svg` and `report.html`.
//!
//! Each chart also as `.png` when asked for. Every file goes through [`write_atomic`].

use super::charts::{
    self, Chart, bars, day_profile::DayProfile, sweep::SweepChart, waits::WaitDistribution,
};
use super::html::{self, Figure};
use super::load::{self, CsvTable, SavedResult};
use super::write_atomic;
use crate::simulate::ScenarioResult;
use std::io;
use std::path::Path;

/// Options of the charts and pages.
#[derive(Debug, Clone, Copy, Default)]
pub struct ReportOptions {
    /// Write a PNG beside every SVG chart.
    pub png: bool,
}

/// A scenario's saved result with the charts drawn from it.
pub type Drawn = (SavedResult, Vec<Figure>);

/// What a rebuild wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Rebuilt {
    /// Scenario folders whose charts and page were drawn.
    pub scenarios: usize,
    /// Sweep folders whose charts and page were drawn.
    pub sweeps: usize,
}

/// Draws `chart` into `dir/<stem>.svg` (and `.png` when asked) and returns it as a figure.
fn write_chart(
    dir: &Path,
    stem: &str,
    chart: &impl Chart,
    caption: String,
    options: ReportOptions,
) -> io::Result<Figure> {
    let drawn = charts::render(chart, options.png)?;
    write_atomic(&dir.join(format!("{stem}.svg")), drawn.svg.as_bytes())?;
    if let Some(png) = &drawn.png {
        write_atomic(&dir.join(format!("{stem}.png")), png)?;
    }
    Ok(Figure {
        svg: drawn.svg,
        caption,
    })
}

/// Draws the charts of one saved scenario into its folder; returns them for the pages.
fn scenario_charts(r: &SavedResult, options: ReportOptions) -> io::Result<Vec<Figure>> {
    let mut figures = vec![write_chart(
        &r.dir,
        "day-profile",
        &DayProfile::from_result(r)?,
        format!(
            "Day profile of {}: offered calls and agents per interval; service level \
             (answered within {} s ÷ offered) against the {:.0}% target, and abandonment.",
            r.name,
            r.threshold_s,
            100.0 * r.target
        ),
        options,
    )?];
    if !r.waits.is_empty() {
        let waits = WaitDistribution::from_result(r);
        figures.push(write_chart(
            &r.dir,
            "waits",
            &waits,
            format!("{} (all replications pooled).", waits.title()),
            options,
        )?);
    }
    figures.extend(skill_charts(r, options)?);
    if let Some(costs) = bars::cost_breakdown(&[r]) {
        figures.push(write_chart(
            &r.dir,
            "cost-breakdown",
            &costs,
            format!("Cost breakdown of {}.", r.name),
            options,
        )?);
    }
    Ok(figures)
}

/// Several call types: each type's service level and each group's occupancy per interval,
/// and the calls handled by type × group, from the saved `types.csv`, `groups.csv` and
/// `handled.csv` (none for a single queue).
fn skill_charts(r: &SavedResult, options: ReportOptions) -> io::Result<Vec<Figure>> {
    use charts::skills::{HandledMatrix, SharesPerInterval};
    let (types, groups, handled) = (
        r.dir.join("types.csv"),
        r.dir.join("groups.csv"),
        r.dir.join("handled.csv"),
    );
    if !(types.is_file() && groups.is_file() && handled.is_file()) {
        return Ok(Vec::new());
    }
    let by_type = SharesPerInterval::from_table(
        &CsvTable::read(&types)?,
        "call_type",
        "service_level",
        format!("Service level of each call type: {}", r.name),
        "Answered within the type's threshold ÷ offered",
    )?;
    let by_group = SharesPerInterval::from_table(
        &CsvTable::read(&groups)?,
        "agent_group",
        "occupancy",
        format!("Occupancy of each agent group: {}", r.name),
        "Busy ÷ available agent time",
    )?;
    let matrix = HandledMatrix::from_table(
        &CsvTable::read(&handled)?,
        format!(
            "Calls handled per day by call type and agent group: {}",
            r.name
        ),
    )?;
    Ok(vec![
        write_chart(
            &r.dir,
            "service-level-by-type",
            &by_type,
            "Service level of each call type per interval, each against its own threshold, \
             with 95% confidence bands."
                .into(),
            options,
        )?,
        write_chart(
            &r.dir,
            "occupancy-by-group",
            &by_group,
            "Occupancy of each agent group per interval, with 95% confidence bands.".into(),
            options,
        )?,
        write_chart(
            &r.dir,
            "handled-matrix",
            &matrix,
            "Calls handled by type (rows) and group (columns), mean per replication: who \
             answers what."
                .into(),
            options,
        )?,
    ])
}

/// Draws the charts and writes `report.html` of one saved scenario; returns its charts.
pub(crate) fn write_scenario_report(
    r: &SavedResult,
    options: ReportOptions,
) -> io::Result<Vec<Figure>> {
    let figures = scenario_charts(r, options)?;
    let body = format!(
        "<nav><a href=\"../index.html\">All results</a></nav>\n{}",
        html::scenario_section(r, &figures, 1, None)
    );
    write_atomic(
        &r.dir.join("report.html"),
        html::page(&format!("callsim: {}", r.name), &body).as_bytes(),
    )?;
    Ok(figures)
}

/// Writes (or removes, when `chart` is `None`) a chart of the index, in `out`.
fn index_chart(
    out: &Path,
    stem: &str,
    chart: Option<&impl Chart>,
    caption: &str,
    options: ReportOptions,
) -> io::Result<Option<Figure>> {
    match chart {
        Some(chart) => write_chart(out, stem, chart, caption.to_string(), options).map(Some),
        None => {
            for ext in ["svg", "png"] {
                let stale = out.join(format!("{stem}.{ext}"));
                if stale.is_file() {
                    std::fs::remove_file(&stale)?;
                }
            }
            Ok(None)
        }
    }
}

/// Writes `out/index.html` over the given scenarios (with their charts) and sweeps, and a
/// list of links to `others`: scenario folders in `out` from earlier commands, not compared.
fn write_index(
    out: &Path,
    scenarios: &[(SavedResult, Vec<Figure>)],
    sweeps: &[String],
    others: &[String],
    options: ReportOptions,
) -> io::Result<()> {
    let results: Vec<&SavedResult> = scenarios.iter().map(|(r, _)| r).collect();
    let mut body = String::from("<h1>callsim results</h1>\n");
    let several = results.len() > 1;
    let comparison = several.then(|| bars::kpi_comparison(&results));
    let comparison = index_chart(
        out,
        "comparison",
        comparison.as_ref(),
        "Service level, abandonment and occupancy of every scenario, with 95% confidence whiskers.",
        options,
    )?;
    let costs = if several {
        bars::cost_breakdown(&results)
    } else {
        None
    };
    let costs = index_chart(
        out,
        "cost-breakdown",
        costs.as_ref(),
        "Cost breakdown of every scenario that has costs.",
        options,
    )?;
    if several {
        body.push_str("<h2>Scenarios compared</h2>\n");
        body.push_str(&html::comparison_table(&results));
        for f in comparison.iter().chain(&costs) {
            body.push_str(&html::figure(f));
        }
    }
    for (heading, folders) in [
        ("Sweeps", sweeps),
        ("Earlier results in this folder", others),
    ] {
        if folders.is_empty() {
            continue;
        }
        body.push_str(&format!("<h2>{heading}</h2>\n<ul>\n"));
        for s in folders {
            let s = html::escape(s);
            body.push_str(&format!("<li><a href=\"{s}/report.html\">{s}</a></li>\n"));
        }
        body.push_str("</ul>\n");
    }
    for (r, figures) in scenarios {
        let link = format!("{}/report.html", r.name);
        body.push_str(&html::scenario_section(r, figures, 2, Some(&link)));
    }
    write_atomic(
        &out.join("index.html"),
        html::page("callsim results", &body).as_bytes(),
    )
}

fn folder_name(dir: &Path) -> String {
    dir.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Draws the charts and pages of a finished run into `out` (the folder holding one
/// sub-folder per scenario, and `index.html`).
pub fn write_run_report(out: &Path, results: &[ScenarioResult]) -> io::Result<()> {
    write_run_report_with(out, results, ReportOptions::default())
}

/// [`write_run_report`] with options (PNG charts). The scenarios just run are drawn from
/// their saved files; the index compares them, and links the other scenario folders of
/// `out` (earlier commands') without comparing them.
pub fn write_run_report_with(
    out: &Path,
    results: &[ScenarioResult],
    options: ReportOptions,
) -> io::Result<()> {
    let just_run: Vec<&str> = results.iter().map(|r| r.scenario.name.as_str()).collect();
    run_index(out, &just_run, Vec::new(), options)
}

/// Writes `out/index.html` after a run whose scenarios' charts and pages were drawn with
/// their folders ([`super::write_scenario_with`]): `drawn` holds them, and the index
/// compares them; the other scenario folders of `out` are linked, not compared.
pub fn write_run_index(out: &Path, drawn: Vec<Drawn>, options: ReportOptions) -> io::Result<()> {
    run_index(out, &[], drawn, options)
}

/// The index of a run: `just_run` are drawn anew, `drawn` taken as they are; both are the
/// command's scenarios, compared in the index; other scenario folders are only linked.
fn run_index(
    out: &Path,
    just_run: &[&str],
    mut drawn: Vec<Drawn>,
    options: ReportOptions,
) -> io::Result<()> {
    let mut scenarios = Vec::new();
    let mut others = Vec::new();
    for dir in load::result_dirs(out)? {
        if let Some(i) = drawn.iter().position(|(r, _)| r.dir == dir) {
            scenarios.push(drawn.swap_remove(i));
        } else if just_run.contains(&folder_name(&dir).as_str()) {
            let r = load::load_result(&dir)?;
            let figures = write_scenario_report(&r, options)?;
            scenarios.push((r, figures));
        } else if dir.join("report.html").is_file() {
            others.push(folder_name(&dir));
        }
    }
    let sweeps: Vec<String> = load::sweep_dirs(out)?
        .iter()
        .map(|d| folder_name(d))
        .collect();
    write_index(out, &scenarios, &sweeps, &others, options)
}

/// Rebuilds charts and pages from saved results, without simulating: `dir` is a results
/// folder (every scenario and sweep folder in it, and `index.html`), or one scenario folder
/// (holding `summary.json`), or one sweep folder (holding `sweep.csv`).
pub fn rebuild_report(dir: &Path, options: ReportOptions) -> io::Result<Rebuilt> {
    if dir.join("summary.json").is_file() {
        write_scenario_report(&load::load_result(dir)?, options)?;
        return Ok(Rebuilt {
            scenarios: 1,
            sweeps: 0,
        });
    }
    if dir.join("sweep.csv").is_file() {
        write_sweep_charts_with(dir, options)?;
        return Ok(Rebuilt {
            scenarios: 0,
            sweeps: 1,
        });
    }
    let sweep_dirs = load::sweep_dirs(dir)?;
    let result_dirs = load::result_dirs(dir)?;
    if sweep_dirs.is_empty() && result_dirs.is_empty() {
        return Err(io::Error::new(
            io::ErrorKind::NotFound,
            format!(
                "{}: no saved results here (no summary.json or sweep.csv in it or in its \
                 sub-folders); give the folder that `callsim run --out` wrote",
                dir.display()
            ),
        ));
    }
    for sweep in &sweep_dirs {
        write_sweep_charts_with(sweep, options)?;
    }
    let mut scenarios = Vec::new();
    for result in &result_dirs {
        let r = load::load_result(result)?;
        let figures = write_scenario_report(&r, options)?;
        scenarios.push((r, figures));
    }
    let sweeps: Vec<String> = sweep_dirs.iter().map(|d| folder_name(d)).collect();
    write_index(dir, &scenarios, &sweeps, &[], options)?;
    Ok(Rebuilt {
        scenarios: result_dirs.len(),
        sweeps: sweep_dirs.len(),
    })
}

/// Draws the headline chart of the sweep in `sweep_dir` from its `sweep.csv` (agents on x,
/// lost customers or abandonment and total cost, one line per proactive-coverage level, the
/// cost optimum): writes `headline.svg` and `report.html` there.
pub fn write_sweep_charts(sweep_dir: &Path) -> io::Result<()> {
    write_sweep_charts_with(sweep_dir, ReportOptions::default())
}

/// [`write_sweep_charts`] with options (PNG charts).
pub fn write_sweep_charts_with(sweep_dir: &Path, options: ReportOptions) -> io::Result<()> {
    let table = CsvTable::read(&sweep_dir.join("sweep.csv"))?;
    let name = folder_name(sweep_dir);
    let chart = SweepChart::from_table(&name, &table)?;
    let caption = format!(
        "{}. Lines are means over replications, bands their 95% confidence intervals.",
        chart.title()
    );
    let figure = write_chart(sweep_dir, "headline", &chart, caption, options)?;
    write_atomic(
        &sweep_dir.join("report.html"),
        html::sweep_page(&name, &table, &figure).as_bytes(),
    )
}

//! The HTML pages: `OUT/index.html` (a comparison of all scenarios first when there are
//! several, then one section per scenario), `OUT/<name>/report.html` and the sweep page.
//!
//! Pages are self-contained so that they can be mailed or projected from a USB stick: CSS
//! inline, charts as inline SVG, no scripts, no fonts, no images, nothing fetched. Links go
//! only to the sibling pages.

use super::load::{CsvTable, Estimate, SavedResult};
use crate::stats::Kpi;

/// The page style: large, plain, printable.
const CSS: &str = "\
body{font-family:'DejaVu Sans',Verdana,sans-serif;margin:0 auto;max-width:1280px;padding:1em 2em;color:#111;line-height:1.4}
h1{font-size:2em;margin:.4em 0}h2{font-size:1.5em;margin:1.6em 0 .5em;border-bottom:2px solid #ddd}
h3{font-size:1.2em;margin:1.2em 0 .4em}
table{border-collapse:collapse;margin:.5em 0 1em;font-size:1em}
th,td{padding:.3em .8em;border-bottom:1px solid #ddd;text-align:right;vertical-align:top}
th:first-child,td:first-child,td.note,th.note{text-align:left}
td.note{color:#555;font-size:.9em}
thead th{border-bottom:2px solid #444}
figure{margin:1em 0 2em}figure svg{width:100%;height:auto;display:block}
figcaption{color:#444;font-size:.95em;margin-top:.3em}
pre{background:#f6f6f6;padding:1em;overflow-x:auto;font-size:.9em;border-left:4px solid #ddd}
.facts{color:#333}nav{margin:.5em 0;font-size:.95em}
";

/// Escapes text for HTML content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A whole page around `body`.
pub fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>\n{CSS}</style>\n</head>\n<body>\n{body}</body>\n</html>\n",
        escape(title)
    )
}

/// A chart drawn, ready to be put on a page.
#[derive(Debug, Clone)]
pub struct Figure {
    /// The SVG document.
    pub svg: String,
    /// Caption under it.
    pub caption: String,
}

/// A figure with its SVG inline. The SVG namespace declaration is dropped: HTML does not need
/// it, and the page then names no address at all.
pub fn figure(f: &Figure) -> String {
    let svg = f
        .svg
        .replacen(" xmlns=\"http://www.w3.org/2000/svg\"", "", 1);
    let svg = svg
        .trim_start_matches("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
        .trim();
    format!(
        "<figure role=\"img\" aria-label=\"{0}\">\n{svg}\n<figcaption>{0}</figcaption>\n</figure>\n",
        escape(&f.caption)
    )
}

/// Mean and half-width of KPI `name`, in the KPI's one format ([`Kpi::format`]); a name
/// that is no KPI (an agent group's `staffed_agents`, `busy_agents`, `handled`) as a plain
/// number.
fn value_cells(name: &str, v: Estimate) -> (String, String) {
    let kpi = Kpi::named(name).unwrap_or(Kpi::Agents);
    let (mean, ci) = kpi.format(v.mean, v.ci95);
    let ci = if v.ci95.is_finite() {
        format!("± {ci}")
    } else {
        ci
    };
    (mean, ci)
}

/// What KPI `name` means ([`Kpi::meaning`]), with the service-level threshold of the run in
/// seconds in place of "the threshold"; empty for a name that is no KPI.
fn meaning(name: &str, threshold_s: f64) -> String {
    let Some(kpi) = Kpi::named(name) else {
        return String::new();
    };
    if threshold_s.is_finite() {
        kpi.meaning()
            .replace("the threshold", &format!("{threshold_s} s"))
    } else {
        kpi.meaning().to_string()
    }
}

/// The KPI table of one scenario: every KPI its summary holds, in file order.
pub fn kpi_table(r: &SavedResult, only: impl Fn(&str) -> bool) -> String {
    let mut rows = String::new();
    for (name, v) in r.kpis.iter().filter(|(n, _)| only(n)) {
        let (mean, ci) = value_cells(name, *v);
        rows.push_str(&format!(
            "<tr><td><code>{}</code></td><td>{mean}</td><td>{ci}</td><td class=\"note\">{}</td></tr>\n",
            escape(name),
            escape(&meaning(name, r.threshold_s))
        ));
    }
    format!(
        "<table>\n<thead><tr><th>KPI</th><th>mean</th><th>95% CI</th><th class=\"note\">meaning</th></tr></thead>\n<tbody>\n{rows}</tbody>\n</table>\n"
    )
}

/// KPIs shown in the comparison table of the index, when any scenario has them.
const COMPARED: [&str; 12] = [
    "offered",
    "answered",
    "service_level",
    "service_level_answered",
    "abandon_rate",
    "asa_s",
    "wait_p90_s",
    "occupancy",
    "agents",
    "blocked",
    "lost_customers",
    "total_cost",
];

/// The comparison table: one row per scenario, one column per KPI of `COMPARED` present.
pub fn comparison_table(results: &[&SavedResult]) -> String {
    let columns: Vec<&str> = COMPARED
        .into_iter()
        .filter(|k| results.iter().any(|r| r.kpi(k).is_some()))
        .collect();
    let mut out = String::from("<table>\n<thead><tr><th>scenario</th>");
    for c in &columns {
        out.push_str(&format!("<th><code>{c}</code></th>"));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for r in results {
        out.push_str(&format!(
            "<tr><td><a href=\"{0}/report.html\">{0}</a></td>",
            escape(&r.name)
        ));
        for c in &columns {
            match r.kpi(c) {
                Some(v) => {
                    let (mean, ci) = value_cells(c, v);
                    out.push_str(&format!("<td>{mean}<br><small>{ci}</small></td>"));
                }
                None => out.push_str("<td>–</td>"),
            }
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
    out
}

/// What kind of run, how many replications, which seed, which service-level definition.
fn facts(r: &SavedResult) -> String {
    let kind = match r.kind.as_str() {
        "working_day" => "a working day",
        "steady_state" => "a steady state",
        _ => "a run",
    };
    format!(
        "<p class=\"facts\">Simulated as {kind}, {} replications, seed {}. Every KPI is the mean \
         over replications with its 95% confidence half-width. <b>Service level</b> here is \
         <i>answered within {} s ÷ offered</i> (target {:.0}%); <code>service_level_answered</code> \
         divides by the answered calls instead.</p>\n",
        r.replications,
        r.seed,
        r.threshold_s,
        100.0 * r.target
    )
}

/// The body of one scenario (its page, and its section of the index): description, facts,
/// KPI table, cost breakdown, charts and the scenario file. `level` is the heading level of
/// its title (1 on its own page, 2 in the index).
pub fn scenario_section(
    r: &SavedResult,
    figures: &[Figure],
    level: u8,
    title_link: Option<&str>,
) -> String {
    let sub = level + 1;
    let name = escape(&r.name);
    let title = match title_link {
        Some(href) => format!("<a href=\"{}\">{name}</a>", escape(href)),
        None => name,
    };
    let mut out = format!("<section>\n<h{level}>{title}</h{level}>\n");
    if let Some(d) = &r.description {
        out.push_str(&format!("<p>{}</p>\n", escape(d)));
    }
    out.push_str(&facts(r));
    out.push_str(&format!("<h{sub}>KPIs of the whole run</h{sub}>\n"));
    out.push_str(&kpi_table(r, |n| {
        !n.starts_with("cost_") && n != "total_cost"
    }));
    if r.kpis
        .iter()
        .any(|(n, _)| n.starts_with("cost_") || n == "total_cost")
    {
        out.push_str(&format!("<h{sub}>Cost breakdown</h{sub}>\n"));
        out.push_str(&kpi_table(r, |n| {
            n.starts_with("cost_") || n == "total_cost"
        }));
    }
    out.push_str(&format!("<h{sub}>Charts</h{sub}>\n"));
    for f in figures {
        out.push_str(&figure(f));
    }
    if let Some(toml) = &r.scenario_toml {
        out.push_str(&format!(
            "<h{sub}>Parameters: the scenario file</h{sub}>\n<pre>{}</pre>\n",
            escape(toml)
        ));
    }
    out.push_str("</section>\n");
    out
}

/// The page of a sweep: the headline chart and a table of every point with its axis values
/// and the main KPIs formatted for people (the full table is `sweep.csv`, linked).
pub fn sweep_page(name: &str, table: &CsvTable, headline: &Figure) -> String {
    let mut body = format!(
        "<nav><a href=\"../index.html\">All results</a></nav>\n<h1>{}</h1>\n{}",
        escape(name),
        figure(headline)
    );
    let kpis = table.kpi_columns();
    let first_kpi = kpis.first().and_then(|k| table.index(k)).unwrap_or(0);
    let axes = &table.columns[1.min(first_kpi)..first_kpi];
    // the KPIs a planner compares points by, where the sweep has them
    let shown: Vec<&str> = SWEEP_PAGE_KPIS
        .iter()
        .copied()
        .filter(|k| kpis.contains(k))
        .collect();
    let estimates: Vec<Vec<Estimate>> = shown
        .iter()
        .map(|k| table.estimates(k).ok().flatten().unwrap_or_default())
        .collect();
    body.push_str(&format!(
        "<h2>The points (mean ± 95% half-width)</h2>\n<p>Every KPI of every point, at full \
         precision, is in <code>sweep.csv</code> beside this page ({} KPIs).</p>\n\
         <table>\n<thead><tr><th>point</th>",
        kpis.len()
    ));
    for a in axes {
        body.push_str(&format!("<th><code>{}</code></th>", escape(a)));
    }
    for k in &shown {
        body.push_str(&format!("<th><code>{k}</code></th>"));
    }
    body.push_str("</tr></thead>\n<tbody>\n");
    for (r, row) in table.rows.iter().enumerate() {
        body.push_str(&format!("<tr><td>{}</td>", escape(&row[0])));
        for cell in &row[1.min(first_kpi)..first_kpi] {
            body.push_str(&format!("<td>{}</td>", escape(&axis_cell(cell))));
        }
        for (k, values) in shown.iter().zip(&estimates) {
            let cell = values.get(r).map_or_else(
                || "–".to_string(),
                |v| {
                    let (mean, ci) = value_cells(k, *v);
                    format!("{mean} {ci}")
                },
            );
            body.push_str(&format!("<td>{}</td>", escape(&cell)));
        }
        body.push_str("</tr>\n");
    }
    body.push_str("</tbody>\n</table>\n");
    page(&format!("callsim sweep: {name}"), &body)
}

/// The KPIs of a sweep's page, in its column order (those the sweep has).
const SWEEP_PAGE_KPIS: [&str; 6] = [
    "service_level",
    "abandon_rate",
    "lost_customers",
    "occupancy",
    "asa_s",
    "total_cost",
];

/// An axis value for people: a number to 6 decimals at most, without trailing zeros (a step
/// of 0.1 gives 0.3, not 0.30000000000000004); text as it is.
fn axis_cell(cell: &str) -> String {
    match cell.parse::<f64>() {
        Ok(x) if x.is_finite() => {
            let fixed = format!("{x:.6}");
            fixed
                .trim_end_matches('0')
                .trim_end_matches('.')
                .to_string()
        }
        _ => cell.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axis_values_are_written_for_people() {
        assert_eq!(axis_cell("4"), "4");
        assert_eq!(axis_cell("0.30000000000000004"), "0.3");
        assert_eq!(axis_cell("2m"), "2m");
        assert_eq!(axis_cell("-1.5"), "-1.5");
    }

    #[test]
    fn escaping() {
        assert_eq!(
            escape("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }

    #[test]
    fn inline_svg_names_no_address() {
        let f = Figure {
            svg: "<svg width=\"1\" height=\"1\" viewBox=\"0 0 1 1\" xmlns=\"http://www.w3.org/2000/svg\">\n</svg>".into(),
            caption: "a < b".into(),
        };
        let html = figure(&f);
        assert!(!html.contains("http"), "{html}");
        assert!(html.contains("a &lt; b"));
    }

    #[test]
    fn shares_are_percentages() {
        let v = Estimate {
            mean: 0.8123,
            ci95: 0.012,
        };
        assert_eq!(
            value_cells("service_level", v),
            ("81.2%".into(), "± 1.2%".into())
        );
        assert_eq!(
            value_cells(
                "asa_s",
                Estimate {
                    mean: 12.34,
                    ci95: f64::NAN
                }
            )
            .1,
            "–"
        );
    }
}

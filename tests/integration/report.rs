//! Charts and HTML pages: drawn for the example scenarios by `run`, valid SVG and PNG with
//! their axis titles and legends, rebuilt byte for byte by `callsim report`, self-contained,
//! and shown by a real browser.

use crate::common::{callsim, chromium, example_folders, repo, tree};
use predicates::prelude::*;
use std::path::{Path, PathBuf};

/// The text of every `<text>` element of an SVG file, which must parse as XML.
fn svg_texts(path: &Path) -> Vec<String> {
    let svg = std::fs::read_to_string(path).unwrap();
    let doc = roxmltree::Document::parse(&svg)
        .unwrap_or_else(|e| panic!("{} is not valid XML: {e}", path.display()));
    assert_eq!(doc.root_element().tag_name().name(), "svg");
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| n.text().unwrap_or_default().to_string())
        .collect()
}

/// Asserts that the chart at `path` is a valid SVG showing every one of `texts`.
fn assert_chart(path: &Path, texts: &[&str]) {
    let found = svg_texts(path);
    for t in texts {
        assert!(
            found.iter().any(|f| f.contains(t)),
            "{}: no text containing {t:?}; texts: {found:?}",
            path.display()
        );
    }
}

/// Decodes a PNG and returns (width, height, RGB(A) bytes, channels).
fn decode_png(path: &Path) -> (u32, u32, Vec<u8>, usize) {
    let file = std::fs::File::open(path).unwrap();
    let mut reader = png::Decoder::new(std::io::BufReader::new(file))
        .read_info()
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    buf.truncate(info.buffer_size());
    (info.width, info.height, buf, info.color_type.samples())
}

/// Share of pixels that are not (near) white.
fn ink(pixels: &[u8], channels: usize) -> f64 {
    let px = pixels.chunks(channels);
    let n = px.len().max(1);
    px.filter(|p| p[..3].iter().any(|&c| c < 235)).count() as f64 / n as f64
}

/// Whether some pixel is close to `rgb` (a series colour of the palette).
fn has_colour(pixels: &[u8], channels: usize, rgb: [u8; 3]) -> bool {
    pixels
        .chunks(channels)
        .any(|p| (0..3).all(|i| p[i].abs_diff(rgb[i]) <= 12))
}

/// Runs every example scenario (all example folders at once) into a fresh folder.
fn run_examples() -> tempfile::TempDir {
    let out = tempfile::tempdir().unwrap();
    callsim()
        .arg("run")
        .args(example_folders())
        .arg("--out")
        .arg(out.path())
        .assert()
        .success();
    out
}

/// The scenario folders of a results folder.
fn scenario_dirs(out: &Path) -> Vec<PathBuf> {
    callsim::report::load::result_dirs(out).unwrap()
}

/// A page references nothing outside itself: no address, no file, no script.
fn assert_self_contained(path: &Path) {
    let html = std::fs::read_to_string(path).unwrap();
    let lower = html.to_lowercase();
    for banned in [
        "http:", "https:", "//", "src=", "<script", "<link", "<img", "@import", "url(",
    ] {
        assert!(
            !lower.contains(banned),
            "{} contains {banned:?}",
            path.display()
        );
    }
    for href in lower.split("href=\"").skip(1) {
        let target = href.split('"').next().unwrap_or_default();
        assert!(
            target.ends_with(".html") && !target.contains(':'),
            "{}: link to {target}",
            path.display()
        );
    }
    assert!(
        lower.contains("<svg"),
        "{}: no inline chart",
        path.display()
    );
}

#[test]
fn run_draws_every_chart_and_page_of_the_examples() {
    let out = run_examples();
    let dirs = scenario_dirs(out.path());
    assert!(dirs.len() >= 3);
    for dir in &dirs {
        let summary: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.join("summary.json")).unwrap()).unwrap();
        let threshold = summary["service_level_threshold_s"].as_f64().unwrap();
        assert_chart(
            &dir.join("day-profile.svg"),
            &[
                "Offered calls per interval",
                "Agents staffed",
                "Interval start",
                "Share of offered calls",
                "Offered calls (mean)",
                "Agents staffed (right axis)",
                &format!("Service level: answered within {threshold} s ÷ offered"),
                "Target ",
                "Abandoned ÷ offered",
                "95% confidence band",
            ],
        );
        assert_chart(
            &dir.join("waits.svg"),
            &[
                "Wait before answer (seconds)",
                // a count on the left, a percentage on the right: not to be mistaken
                "bin (mean per run)",
                "Share of answered calls that waited at most x",
                "Answered calls in the bin, mean per run (left axis, calls)",
                "Share answered within x (right axis, %)",
                &format!("Threshold {threshold} s (service level of offered calls: "),
                // the title says which service level its share is
                &format!("of them within {threshold} s"),
            ],
        );
        // the examples have no [costs] yet; when they do, the chart must be there
        let has_costs = summary["kpis"].get("total_cost").is_some();
        assert_eq!(dir.join("cost-breakdown.svg").is_file(), has_costs);
        if has_costs {
            assert_chart(
                &dir.join("cost-breakdown.svg"),
                &[
                    "(currency units)",
                    "Scenario",
                    "Agents",
                    "Total with its 95% CI",
                ],
            );
        }
        let page = std::fs::read_to_string(dir.join("report.html")).unwrap();
        assert!(page.contains("answered within"), "service-level definition");
        assert!(page.contains("<pre>"), "the scenario file");
        assert!(page.contains("95% CI"));
        // several call types: service level by type, occupancy by group, handled matrix
        let skills = dir.join("types.csv").is_file();
        if skills {
            assert_chart(
                &dir.join("service-level-by-type.svg"),
                &[
                    "Service level of each call type",
                    "Interval start",
                    "95% confidence band",
                ],
            );
            assert_chart(
                &dir.join("occupancy-by-group.svg"),
                &[
                    "Occupancy of each agent group",
                    "Busy ÷ available agent time",
                ],
            );
            assert_chart(
                &dir.join("handled-matrix.svg"),
                &["Calls handled per day", "Agent group", "Call type"],
            );
        }
        assert_eq!(
            page.matches("<svg").count(),
            2 + usize::from(has_costs) + 3 * usize::from(skills)
        );
        assert_self_contained(&dir.join("report.html"));
    }
    assert_chart(
        &out.path().join("comparison.svg"),
        &[
            "Scenarios compared",
            "Scenario",
            "Share of offered calls / of agent time",
            "Service level (answered within 20 s ÷ offered)",
            "Abandoned ÷ offered",
            "Agent occupancy",
            // names are shortened when many scenarios share the axis, keeping both ends
            "sm…s",
            "la…r",
        ],
    );
    let index = out.path().join("index.html");
    assert_self_contained(&index);
    let index = std::fs::read_to_string(index).unwrap();
    assert!(index.contains("Scenarios compared"));
    for dir in &dirs {
        let name = dir.file_name().unwrap().to_string_lossy();
        assert!(index.contains(&format!("href=\"{name}/report.html\"")));
    }
}

#[test]
fn report_rebuilds_the_same_files_from_saved_results_and_draws_png() {
    let out = run_examples();
    let written = tree(out.path());
    // in place: nothing changes
    callsim().arg("report").arg(out.path()).assert().success();
    assert_eq!(tree(out.path()), written, "report changed files of run");
    // from the result files alone, in a fresh folder: the same files
    let copy = tempfile::tempdir().unwrap();
    for dir in scenario_dirs(out.path()) {
        let to = copy.path().join(dir.file_name().unwrap());
        std::fs::create_dir(&to).unwrap();
        for f in [
            "summary.json",
            "intervals.csv",
            "waits.csv",
            "scenario.toml",
        ] {
            std::fs::copy(dir.join(f), to.join(f)).unwrap();
        }
        // result files of several call types (and of several days), copied as they are
        for f in ["types.csv", "groups.csv", "handled.csv", "days.csv"] {
            if dir.join(f).is_file() {
                std::fs::copy(dir.join(f), to.join(f)).unwrap();
            }
        }
    }
    callsim().arg("report").arg(copy.path()).assert().success();
    assert_eq!(tree(copy.path()), written, "report differs from run");

    // PNG beside every SVG, decodable, of the SVG's size, not blank
    callsim()
        .args(["report", "--png"])
        .arg(copy.path())
        .assert()
        .success();
    let svgs: Vec<PathBuf> = tree(copy.path())
        .into_iter()
        .map(|(p, _)| copy.path().join(p))
        .filter(|p| p.extension().is_some_and(|e| e == "svg"))
        .collect();
    let with_costs = scenario_dirs(copy.path())
        .iter()
        .filter(|d| d.join("cost-breakdown.svg").is_file())
        .count();
    let scenarios = scenario_dirs(copy.path()).len();
    let with_skills = scenario_dirs(copy.path())
        .iter()
        .filter(|d| d.join("types.csv").is_file())
        .count();
    let index_charts = 1 + usize::from(with_costs > 0);
    assert_eq!(
        svgs.len(),
        2 * scenarios + with_costs + 3 * with_skills + index_charts
    );
    for svg in svgs {
        let text = std::fs::read_to_string(&svg).unwrap();
        let doc = roxmltree::Document::parse(&text).unwrap();
        let size = |a| {
            doc.root_element()
                .attribute(a)
                .unwrap()
                .parse::<u32>()
                .unwrap()
        };
        let (w, h, pixels, channels) = decode_png(&svg.with_extension("png"));
        assert_eq!((w, h), (size("width"), size("height")), "{}", svg.display());
        let ink = ink(&pixels, channels);
        assert!(ink > 0.03 && ink < 0.8, "{}: ink {ink}", svg.display());
    }
    let (_, _, pixels, channels) =
        decode_png(&copy.path().join("small-business").join("day-profile.png"));
    assert!(
        has_colour(&pixels, channels, [0x56, 0xB4, 0xE9]),
        "offered bars"
    );
    assert!(
        has_colour(&pixels, channels, [0x00, 0x72, 0xB2]),
        "service level"
    );
}

/// Adds cost KPIs to a saved summary, as a scenario with a `[costs]` section would have.
fn add_costs(summary: &Path) {
    let mut v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(summary).unwrap()).unwrap();
    let kpis = v["kpis"].as_object_mut().unwrap();
    for (k, mean, ci) in [
        ("cost_agents", 480.0, 0.0),
        ("cost_telephony", 61.5, 2.0),
        ("cost_proactive", 12.0, 0.5),
        ("cost_lost_customers", 950.0, 60.0),
        ("total_cost", 1503.5, 61.0),
    ] {
        kpis.insert(k.into(), serde_json::json!({"mean": mean, "ci95": ci}));
    }
    std::fs::write(summary, serde_json::to_vec_pretty(&v).unwrap()).unwrap();
}

#[test]
fn cost_breakdown_is_drawn_when_the_results_have_costs() {
    let out = run_examples();
    add_costs(&out.path().join("small-business").join("summary.json"));
    add_costs(&out.path().join("large-center").join("summary.json"));
    callsim()
        .args(["report", "--png"])
        .arg(out.path())
        .assert()
        .success();
    let legend = [
        "Cost per day (currency units)",
        "Scenario",
        "Agents",
        "Telephony",
        "Proactive contact",
        "Lost customers",
        "Total with its 95% CI",
    ];
    let chart = out.path().join("small-business").join("cost-breakdown.svg");
    assert_chart(&chart, &legend);
    assert_chart(&chart, &["total 1\u{2009}504"]);
    assert_chart(&out.path().join("cost-breakdown.svg"), &legend);
    decode_png(&chart.with_extension("png"));
    assert!(
        !out.path()
            .join("steady-mmc-abandon/cost-breakdown.svg")
            .exists()
    );
    let page = std::fs::read_to_string(out.path().join("small-business/report.html")).unwrap();
    assert!(page.contains("<h2>Cost breakdown</h2>"));
    // each KPI row says what it means, in the words of its one definition
    assert!(page.contains(callsim::stats::Kpi::CostLostCustomers.meaning()));
    assert_self_contained(&out.path().join("index.html"));
}

#[test]
fn the_headline_chart_is_drawn_from_a_sweep_table() {
    let dir = tempfile::tempdir().unwrap();
    let sweep = dir.path().join("staffing-vs-proactive");
    std::fs::create_dir(&sweep).unwrap();
    std::fs::copy(
        repo("tests/data/report/staffing-vs-proactive/sweep.csv"),
        sweep.join("sweep.csv"),
    )
    .unwrap();
    callsim::report::pages::write_sweep_charts(&sweep).unwrap();
    let texts = [
        "lost customers and total cost by agents staffed",
        "Agents staffed",
        "Lost customers (mean per run)",
        "Total cost (mean per run, currency units)",
        "proactive coverage 0%",
        "proactive coverage 25%",
        "proactive coverage 50%",
        "95% confidence band",
        "Cost optimum: 6 agents staffed, proactive coverage 50%",
    ];
    assert_chart(&sweep.join("headline.svg"), &texts);
    assert_self_contained(&sweep.join("report.html"));
    // the same through the command, with PNG, from the folder holding the sweep
    callsim()
        .args(["report", "--png"])
        .arg(dir.path())
        .assert()
        .success();
    let (w, h, pixels, channels) = decode_png(&sweep.join("headline.png"));
    assert_eq!(
        (w, h),
        (1600, 1400),
        "two panels: this table has no service level"
    );
    assert!(ink(&pixels, channels) > 0.03);
    let index = std::fs::read_to_string(dir.path().join("index.html")).unwrap();
    assert!(index.contains("href=\"staffing-vs-proactive/report.html\""));
}

#[test]
fn broken_result_files_are_reported_by_name() {
    let out = run_examples();
    let csv = out.path().join("small-business").join("intervals.csv");
    let text = std::fs::read_to_string(&csv).unwrap();
    let broken = text.replacen(",2,", ",two,", 1);
    assert_ne!(broken, text);
    std::fs::write(&csv, broken).unwrap();
    callsim()
        .arg("report")
        .arg(out.path())
        .assert()
        .failure()
        .stderr(predicates::str::contains("intervals.csv").and(predicates::str::contains("`two`")));
    std::fs::write(out.path().join("large-center/summary.json"), "{").unwrap();
    callsim()
        .arg("report")
        .arg(out.path().join("large-center"))
        .assert()
        .failure()
        .stderr(predicates::str::contains("summary.json"));
    let empty = tempfile::tempdir().unwrap();
    callsim()
        .arg("report")
        .arg(empty.path())
        .assert()
        .failure()
        .stderr(predicates::str::contains("no saved results here"));
}

#[test]
fn the_report_renders_in_headless_chromium() {
    let Some(browser) = chromium() else {
        let msg = "chromium is not installed (apt-get install -y chromium)";
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("{msg}: CI must run this test");
        }
        eprintln!("skipped: {msg}");
        return;
    };
    let out = run_examples();
    let page = out.path().join("small-business").join("report.html");
    let profile = tempfile::tempdir().unwrap();
    let shot = out.path().join("screenshot.png");
    let mut child = std::process::Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--window-size=1280,2000",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--screenshot={}", shot.display()))
        .arg(format!("file://{}", page.display()))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed().as_secs() > 90 {
            let _ = child.kill();
            panic!("chromium did not finish in 90 s");
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let (w, h, pixels, channels) = decode_png(&shot);
    assert_eq!((w, h), (1280, 2000));
    let ink = ink(&pixels, channels);
    assert!(ink > 0.05, "the page looks blank: {ink} of pixels inked");
    // the charts have a size: the day profile's bars and lines are on screen
    assert!(
        has_colour(&pixels, channels, [0x56, 0xB4, 0xE9]),
        "no offered-call bars"
    );
    assert!(
        has_colour(&pixels, channels, [0x00, 0x72, 0xB2]),
        "no service-level line"
    );
}

/// Issue 19: a run's index compares the scenarios of that command, not every folder ever
/// written into `--out`; earlier ones are linked under their own heading.
#[test]
fn the_index_compares_the_scenarios_of_the_command() {
    let out = tempfile::tempdir().unwrap();
    let run = |files: &[&str]| {
        let mut cmd = callsim();
        cmd.arg("run")
            .args(["--replications", "2", "--out"])
            .arg(out.path());
        for f in files {
            cmd.arg(repo(f));
        }
        cmd.assert().success();
        std::fs::read_to_string(out.path().join("index.html")).unwrap()
    };
    let first = run(&[
        "scenarios/small-business.toml",
        "scenarios/steady-mmc-abandon.toml",
    ]);
    assert!(first.contains("Scenarios compared"), "{first}");
    assert!(!first.contains("Earlier results"));
    let second = run(&[
        "scenarios/hold-or-callback/hold.toml",
        "scenarios/hold-or-callback/callback.toml",
    ]);
    let compared = &second[..second
        .find("Earlier results in this folder")
        .expect("earlier heading")];
    assert!(compared.contains("Scenarios compared"));
    for name in ["hold", "callback"] {
        assert!(
            compared.contains(&format!("href=\"{name}/report.html\"")),
            "{name}"
        );
    }
    for earlier in ["small-business", "steady-mmc-abandon"] {
        assert!(!compared.contains(earlier), "{earlier} compared again");
        assert!(second.contains(&format!(
            "<li><a href=\"{earlier}/report.html\">{earlier}</a></li>"
        )));
    }
}

/// Issue 19: a sweep's page shows the service level beside lost customers and cost, its
/// table formatted for people (the wide data stays in sweep.csv), and every link holds.
#[test]
fn a_sweep_page_shows_service_level_and_people_numbers_and_no_broken_link() {
    let out = tempfile::tempdir().unwrap();
    callsim()
        .arg("sweep")
        .arg(repo("scenarios/sweeps/staffing-vs-proactive.toml"))
        .args(["--replications", "3", "--out"])
        .arg(out.path())
        .assert()
        .success();
    let dir = out.path().join("staffing-vs-proactive");
    assert_chart(
        &dir.join("headline.svg"),
        &[
            "service level, lost customers and total cost by agents staffed",
            "Service level (answered in time ÷ offered)",
            "Lost customers (mean per run)",
            "Total cost (mean per run, currency units)",
        ],
    );
    let page = std::fs::read_to_string(dir.join("report.html")).unwrap();
    assert_self_contained(&dir.join("report.html"));
    // one cell per shown KPI, mean and half-width together, shares as percentages
    let row = page
        .lines()
        .find(|l| l.starts_with("<tr><td>0</td>"))
        .expect("point 0");
    assert!(row.contains("%") && row.contains(" ± "), "{row}");
    assert!(!row.contains("e-") && !row.contains("0000000"), "{row}");
    let header = page
        .lines()
        .find(|l| l.starts_with("<table>") || l.contains("<thead>"))
        .unwrap();
    assert!(!header.contains("_ci95"), "{header}");
    // every link of every page leads to a file that exists
    for html in [dir.join("report.html"), out.path().join("index.html")] {
        let text = std::fs::read_to_string(&html).unwrap();
        for href in text.split("href=\"").skip(1) {
            let target = href.split('"').next().unwrap();
            let path = html.parent().unwrap().join(target);
            assert!(path.exists(), "{}: {target} does not exist", html.display());
        }
    }
}

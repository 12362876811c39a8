//! `callsim erlang`: analytic Erlang C / Erlang A for one interval.
//!
//! Without a target it evaluates the given agents. With a target (`--target-sl`,
//! `--max-abandon`, `--max-asa`, `--max-occupancy`) it finds the fewest agents on the phones
//! that meet all of them, and the scheduled heads after shrinkage; without `--agents` it also
//! prints a small table of agents around the requirement, the way planners read an Erlang
//! calculator; with `--agents` it says whether that staff meets the targets and how many calls
//! per hour it could take.

use super::{out, outln};
use crate::erlang::{
    self, ErlangError, Kpis, Model, SlDefinition, Targets, Traffic, kpis, max_calls_per_hour,
    required_agents, scheduled_agents,
};
use anyhow::{Context, bail};
use serde::Serialize;

/// Which service level `--target-sl` refers to (Erlang A; they coincide for Erlang C).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(super) enum SlBasis {
    /// Answered within the threshold ÷ all offered calls (abandoned count as failures).
    Offered,
    /// Answered within the threshold ÷ answered calls.
    Answered,
}

/// Arguments of `callsim erlang`.
#[derive(Debug, clap::Args)]
pub(super) struct ErlangArgs {
    /// Calls offered per hour.
    #[arg(long, value_name = "X", allow_negative_numbers = true, value_parser = calls_per_hour_arg)]
    calls_per_hour: f64,
    /// Average handle time (talk + hold + wrap-up): seconds, or a duration such as 4m or 3m30s.
    #[arg(long, value_name = "DUR", allow_hyphen_values = true, value_parser = aht_arg)]
    aht: f64,
    /// Agents on the phones. Optional with a target: then a table around the requirement.
    #[arg(long, value_name = "N")]
    agents: Option<u32>,
    /// Mean patience (e.g. 90s, 2m): Erlang A (callers abandon). Without it: Erlang C.
    #[arg(long, value_name = "DUR", allow_hyphen_values = true, value_parser = super::duration_arg)]
    patience: Option<f64>,
    /// Service-level threshold (e.g. 20s).
    #[arg(long, value_name = "DUR", default_value = "20s", allow_hyphen_values = true, value_parser = super::duration_arg)]
    threshold: f64,
    /// Service-level target, a share in (0, 1), e.g. 0.8 for 80 % within the threshold.
    #[arg(long, value_name = "P", allow_negative_numbers = true)]
    target_sl: Option<f64>,
    /// Which service level the target and the table use (Erlang A).
    #[arg(long, value_enum, default_value_t = SlBasis::Offered)]
    sl_basis: SlBasis,
    /// Maximum abandonment rate, a share in (0, 1), e.g. 0.05 (Erlang A).
    #[arg(long, value_name = "P", allow_negative_numbers = true)]
    max_abandon: Option<f64>,
    /// Maximum ASA (mean wait of answered calls), e.g. 30s.
    #[arg(long, value_name = "DUR", allow_hyphen_values = true, value_parser = super::duration_arg)]
    max_asa: Option<f64>,
    /// Maximum occupancy, a share in (0, 1], e.g. 0.85.
    #[arg(long, value_name = "P", allow_negative_numbers = true)]
    max_occupancy: Option<f64>,
    /// Shrinkage, a share of paid time off the phones in [0, 1), e.g. 0.3.
    #[arg(
        long,
        value_name = "S",
        default_value_t = 0.0,
        allow_negative_numbers = true
    )]
    shrinkage: f64,
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
}

/// The KPIs of one staffing level.
#[derive(Debug, Clone, Serialize)]
pub(super) struct Row {
    /// Agents on the phones.
    pub agents: u32,
    /// Heads to schedule: agents ÷ (1 − shrinkage), rounded up.
    pub scheduled_agents: u32,
    /// Probability that a caller has to wait.
    pub prob_wait: f64,
    /// Service level: answered within the threshold ÷ offered calls.
    pub service_level: f64,
    /// Answered within the threshold ÷ answered calls (equals `service_level` for Erlang C).
    pub service_level_answered: f64,
    /// ASA: mean wait of answered calls, seconds.
    pub asa_s: f64,
    /// Mean wait over all callers who arrive (abandoned included), seconds.
    pub mean_wait_s: f64,
    /// Abandonment rate: abandoned ÷ offered (0 for Erlang C).
    pub abandon_rate: f64,
    /// Occupancy: share of agent time spent handling calls.
    pub occupancy: f64,
    /// Whether this staffing meets every target (absent when no target was given).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meets_targets: Option<bool>,
}

/// The targets asked for, echoed in the JSON output.
#[derive(Debug, Clone, Serialize)]
pub(super) struct TargetsOut {
    /// Minimum service level (share), if asked for.
    pub service_level: Option<f64>,
    /// Maximum abandonment rate (share), if asked for.
    pub max_abandon: Option<f64>,
    /// Maximum ASA, seconds, if asked for.
    pub max_asa_s: Option<f64>,
    /// Maximum occupancy (share), if asked for.
    pub max_occupancy: Option<f64>,
}

/// JSON output of `callsim erlang`. The KPIs at the top level are those of `agents`: the
/// given agents without a target, the required agents with one.
#[derive(Debug, Clone, Serialize)]
pub(super) struct ErlangReport {
    /// `"erlang_c"` (no abandonment) or `"erlang_a"` (exponential patience).
    pub model: &'static str,
    /// Calls offered per hour.
    pub calls_per_hour: f64,
    /// Average handle time, seconds.
    pub aht_s: f64,
    /// Mean patience, seconds (Erlang A only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub patience_s: Option<f64>,
    /// Offered load, Erlangs: calls per second × AHT.
    pub offered_load_erlangs: f64,
    /// Service-level threshold, seconds.
    pub threshold_s: f64,
    /// What `service_level` means, in words.
    pub service_level_definition: &'static str,
    /// Which service level the target refers to: `"offered"` or `"answered"`.
    pub target_sl_basis: &'static str,
    /// Shrinkage used for `scheduled_agents`.
    pub shrinkage: f64,
    /// The targets (absent without any).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub targets: Option<TargetsOut>,
    /// Agents on the phones, scheduled heads and their KPIs.
    #[serde(flatten)]
    pub kpis: Row,
    /// With a target and `--agents`: the KPIs of the given agents (absent if that staff is
    /// unstable under Erlang C).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub given: Option<Row>,
    /// With a target and `--agents`: the most calls per hour the given agents can take while
    /// meeting the targets.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_calls_per_hour: Option<f64>,
    /// With a target and no `--agents`: rows around the requirement.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub table: Option<Vec<Row>>,
}

/// `--calls-per-hour X`: a number from 0 to a scenario's limit
/// ([`crate::scenario::validate::MAX_CALLS_PER_HOUR`]).
fn calls_per_hour_arg(text: &str) -> Result<f64, String> {
    let value = super::number_arg(text)?;
    let max = crate::scenario::validate::MAX_CALLS_PER_HOUR;
    if (0.0..=max).contains(&value) {
        Ok(value)
    } else {
        Err(format!("expected calls per hour from 0 to {max}"))
    }
}

/// `--aht DUR`: a duration over 0 (and at most a year), checked as the calculator checks it
/// ([`Traffic::new`]). Returns seconds.
fn aht_arg(text: &str) -> Result<f64, String> {
    let aht_s = super::duration_arg(text)?;
    Traffic::new(0.0, aht_s).map_err(super::erlang_message)?;
    Ok(aht_s)
}

/// Runs `callsim erlang`.
pub(super) fn execute(args: ErlangArgs) -> anyhow::Result<()> {
    let report = build(&args)?;
    if args.json {
        outln!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        out!("{}", render(&report, &args));
    }
    Ok(())
}

/// Computes the report (no printing).
fn build(args: &ErlangArgs) -> anyhow::Result<ErlangReport> {
    let traffic = Traffic::from_calls_per_hour(args.calls_per_hour, args.aht)?;
    let model = match args.patience {
        Some(p) if p.is_nan() || p <= 0.0 => {
            bail!("--patience must be a number of seconds > 0, got {p}")
        }
        Some(p) if p.is_infinite() => Model::ErlangC,
        Some(p) => Model::ErlangA { patience_s: p },
        None => Model::ErlangC,
    };
    if !(args.threshold.is_finite() && args.threshold >= 0.0) {
        bail!(
            "--threshold must be a number of seconds >= 0, got {}",
            args.threshold
        );
    }
    // Validates the shrinkage early, with its own message.
    scheduled_agents(1, args.shrinkage).context("--shrinkage")?;
    let targets = Targets {
        service_level: args.target_sl,
        sl_definition: match args.sl_basis {
            SlBasis::Offered => SlDefinition::Offered,
            SlBasis::Answered => SlDefinition::Answered,
        },
        max_abandon: args.max_abandon,
        max_asa_s: args.max_asa,
        max_occupancy: args.max_occupancy,
        ..Targets::new(args.threshold)
    };
    let with_target = targets.any();
    if with_target {
        targets.validate().map_err(flag_names)?;
    }
    if args.agents == Some(0) {
        bail!("--agents must be at least 1");
    }
    let threshold = args.threshold;
    let row = |agents: u32| -> anyhow::Result<Row> {
        let k = kpis(&traffic, agents, model, threshold)?;
        to_row(&k, args.shrinkage, with_target.then(|| targets.met_by(&k)))
    };

    let mut given = None;
    let mut max_cph = None;
    let mut table = None;
    let main = match (args.agents, with_target) {
        (None, false) => bail!(
            "give --agents N, or a target (--target-sl, --max-abandon, --max-asa, \
             --max-occupancy) to find the agents needed"
        ),
        (Some(n), false) => row(n)?,
        (agents, true) => {
            let need = required_agents(&traffic, model, &targets)?;
            match agents {
                Some(n) => {
                    given = match row(n) {
                        Ok(r) => Some(r),
                        Err(e) if is_unstable(&e) => None,
                        Err(e) => return Err(e),
                    };
                    max_cph = Some(max_calls_per_hour(args.aht, n, model, &targets)?);
                }
                None => {
                    let lowest = match model {
                        Model::ErlangC => (traffic.offered_load().floor() as u32).saturating_add(1),
                        Model::ErlangA { .. } => 1,
                    };
                    let from = need.saturating_sub(3).max(lowest).max(1);
                    let rows = (from..=need.saturating_add(3))
                        .map(&row)
                        .collect::<anyhow::Result<Vec<_>>>()?;
                    table = Some(rows);
                }
            }
            row(need)?
        }
    };
    Ok(ErlangReport {
        model: model.name(),
        calls_per_hour: args.calls_per_hour,
        aht_s: args.aht,
        patience_s: match model {
            Model::ErlangA { patience_s } => Some(patience_s),
            Model::ErlangC => None,
        },
        offered_load_erlangs: traffic.offered_load(),
        threshold_s: threshold,
        service_level_definition: "answered within the threshold / offered calls",
        target_sl_basis: match args.sl_basis {
            SlBasis::Offered => "offered",
            SlBasis::Answered => "answered",
        },
        shrinkage: args.shrinkage,
        targets: with_target.then_some(TargetsOut {
            service_level: targets.service_level,
            max_abandon: targets.max_abandon,
            max_asa_s: targets.max_asa_s,
            max_occupancy: targets.max_occupancy,
        }),
        kpis: main,
        given,
        max_calls_per_hour: max_cph,
        table,
    })
}

fn is_unstable(e: &anyhow::Error) -> bool {
    matches!(
        e.downcast_ref::<ErlangError>(),
        Some(ErlangError::Unstable { .. })
    )
}

/// Names the command-line flags in target errors.
fn flag_names(e: ErlangError) -> anyhow::Error {
    let msg = e
        .to_string()
        .replace("the service-level target", "--target-sl")
        .replace("the maximum abandonment rate", "--max-abandon")
        .replace("the maximum occupancy", "--max-occupancy")
        .replace("the maximum ASA", "--max-asa");
    anyhow::anyhow!(msg)
}

fn to_row(k: &Kpis, shrinkage: f64, meets: Option<bool>) -> anyhow::Result<Row> {
    Ok(Row {
        agents: k.agents,
        scheduled_agents: erlang::scheduled_agents(k.agents, shrinkage)?,
        prob_wait: k.prob_wait,
        service_level: k.service_level,
        service_level_answered: k.service_level_answered,
        asa_s: k.asa_s,
        mean_wait_s: k.mean_wait_s,
        abandon_rate: k.abandon_rate,
        occupancy: k.occupancy,
        meets_targets: meets,
    })
}

fn pct(v: f64) -> String {
    format!("{:.2}%", 100.0 * v)
}

fn trim(v: f64) -> String {
    let s = format!("{v:.3}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.to_string()
}

/// The human-readable output: a header and an aligned table.
fn render(r: &ErlangReport, args: &ErlangArgs) -> String {
    let abandon = r.model == "erlang_a";
    let mut out = String::new();
    let model = match r.patience_s {
        Some(p) => format!("Erlang A (mean patience {} s)", trim(p)),
        None => "Erlang C (no abandonment)".to_string(),
    };
    out.push_str(&format!(
        "{model}: {} calls/h, AHT {} s, offered load {:.3} Erlangs\n",
        trim(r.calls_per_hour),
        trim(r.aht_s),
        r.offered_load_erlangs
    ));
    let t = trim(r.threshold_s);
    out.push_str(&format!(
        "service level = answered within {t} s / offered calls{}\n",
        if abandon {
            format!("; SL answered = answered within {t} s / answered calls")
        } else {
            String::new()
        }
    ));
    if let Some(tg) = &r.targets {
        let mut parts = Vec::new();
        if let Some(v) = tg.service_level {
            let basis = if args.sl_basis == SlBasis::Answered && abandon {
                "SL answered"
            } else {
                "service level"
            };
            parts.push(format!("{basis} >= {} within {t} s", pct(v)));
        }
        if let Some(v) = tg.max_abandon {
            parts.push(format!("abandon <= {}", pct(v)));
        }
        if let Some(v) = tg.max_asa_s {
            parts.push(format!("ASA <= {} s", trim(v)));
        }
        if let Some(v) = tg.max_occupancy {
            parts.push(format!("occupancy <= {}", pct(v)));
        }
        out.push_str(&format!("targets: {}\n", parts.join(", ")));
    }
    if r.shrinkage > 0.0 {
        out.push_str(&format!(
            "shrinkage {}: scheduled = agents / (1 - shrinkage), rounded up\n",
            pct(r.shrinkage)
        ));
    }
    out.push('\n');

    let mut header = vec!["agents", "scheduled", "P(wait)", "service level"];
    if abandon {
        header.push("SL answered");
    }
    header.push("ASA s");
    if abandon {
        header.extend(["mean wait s", "abandon"]);
    }
    header.push("occupancy");
    let cells = |row: &Row| -> Vec<String> {
        let mut c = vec![
            row.agents.to_string(),
            row.scheduled_agents.to_string(),
            pct(row.prob_wait),
            pct(row.service_level),
        ];
        if abandon {
            c.push(pct(row.service_level_answered));
        }
        c.push(format!("{:.2}", row.asa_s));
        if abandon {
            c.push(format!("{:.2}", row.mean_wait_s));
            c.push(pct(row.abandon_rate));
        }
        c.push(pct(row.occupancy));
        c
    };
    let mut rows: Vec<(String, Vec<String>)> = Vec::new();
    match (&r.table, &r.given) {
        (Some(table), _) => {
            for row in table {
                let mark = if row.agents == r.kpis.agents {
                    "*"
                } else {
                    " "
                };
                rows.push((mark.to_string(), cells(row)));
            }
        }
        (None, given) => {
            if let Some(g) = given {
                let mark = if g.meets_targets == Some(true) {
                    " "
                } else {
                    "!"
                };
                rows.push((mark.to_string(), cells(g)));
            }
            let mark = if r.targets.is_some() { "*" } else { " " };
            if given.as_ref().is_none_or(|g| g.agents != r.kpis.agents) {
                rows.push((mark.to_string(), cells(&r.kpis)));
            }
        }
    }
    let widths: Vec<usize> = header
        .iter()
        .enumerate()
        .map(|(i, h)| {
            rows.iter()
                .map(|(_, c)| c[i].len())
                .max()
                .unwrap_or(0)
                .max(h.len())
        })
        .collect();
    let line = |mark: &str, cols: &[String]| -> String {
        let body: Vec<String> = cols
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:>w$}"))
            .collect();
        format!("{mark} {}\n", body.join("  "))
    };
    let header: Vec<String> = header.iter().map(|h| h.to_string()).collect();
    out.push_str(&line(" ", &header));
    for (mark, cols) in &rows {
        out.push_str(&line(mark, cols));
    }
    if r.targets.is_some() {
        out.push_str(&format!(
            "\n* required: {} agents on the phones, {} scheduled\n",
            r.kpis.agents, r.kpis.scheduled_agents
        ));
        if let Some(n) = args.agents {
            match &r.given {
                Some(g) if g.meets_targets == Some(true) => {
                    out.push_str(&format!("  {n} agents meet the targets\n"));
                }
                Some(_) => out.push_str(&format!("! {n} agents do not meet the targets\n")),
                None => out.push_str(&format!(
                    "! {n} agents: unstable (offered load >= agents)\n"
                )),
            }
            if let Some(cph) = r.max_calls_per_hour {
                out.push_str(&format!(
                    "  {n} agents can take at most {cph:.1} calls/h at these targets\n"
                ));
            }
        }
    }
    out
}

//! callsim: a call-center queue simulator and capacity planner.
//!
//! Data flows one way: **scenario file → validated [`Scenario`] → simulation runs
//! (replications, in parallel) → statistics → reports**.
//!
//! - [`scenario`] reads TOML scenario files and validates them, pointing at file, line and key.
//! - [`engine`] is the discrete-event core (clock, event calendar, random streams); it knows
//!   nothing about calls.
//! - [`model`] is the call center on top of the engine: callers, agents, queue, abandonment.
//! - [`stats`] holds streaming accumulators and confidence intervals.
//! - [`simulate`](mod@simulate) runs every (scenario, replication) in parallel and averages the results.
//! - [`report`] writes `summary.json` and `intervals.csv`.
//! - [`serve`] is the live what-if page for workshops (`callsim serve`).
//! - [`erlang`] is the analytic side: Erlang B, C and A.
//! - [`plan`] plans the agents of each interval and agent group by simulation, for one queue
//!   or for call types: one entry point, one [`plan::Plan`].
//! - [`fit`] fits scenario sections (arrivals, handle time, patience) to real data.
//! - [`roster`] turns a staffing plan into shifts (a covering LP) and checks them by simulation.
//! - [`cli`] is the command line; it is the only module that prints or exits.
//! - [`units`] formats and parses clock times, durations for people and weekday names; it is
//!   below everything.
//!
//! # Quick start
//!
//! A steady state of 50 calls per hour, 4-minute calls and 5 agents, nobody hanging up:
//! simulated, and set beside Erlang C, whose answer the 95% interval of the simulation holds.
//!
//! ```
//! use callsim::erlang::{Traffic, erlang_c};
//! use callsim::stats::Kpi;
//! use std::path::Path;
//!
//! let text = r#"
//!     seed = 7
//!     replications = 30
//!     [time]
//!     horizon = "100h"
//!     warmup = "2h"
//!     [arrivals]
//!     calls_per_hour = 50
//!     [handle_time]
//!     distribution = "exponential"
//!     mean = "4m"
//!     [staffing]
//!     agents = 5
//!     [service_level]
//!     threshold = "20s"
//! "#;
//! let scenario = callsim::scenario::parse(text, "quick.toml", Path::new("."), "quick")
//!     .expect("a valid scenario");
//! let result = callsim::simulate::simulate_one(&scenario).expect("it runs");
//! let simulated = result.total.get(Kpi::ServiceLevel).expect("a service level");
//!
//! let theory = erlang_c(&Traffic::new(50.0 / 3600.0, 240.0).unwrap(), 5, 20.0).unwrap();
//! assert!((simulated.mean - theory.service_level).abs() <= simulated.ci95);
//! println!(
//!     "service level: simulated {:.3} ± {:.3}, Erlang C {:.3}",
//!     simulated.mean, simulated.ci95, theory.service_level
//! );
//! ```
//!
//! The command line (`callsim run FILE`) does the same from a file and writes the tables,
//! CSVs, charts and an HTML page; see the README.

#![warn(missing_docs, unreachable_pub)]

pub mod cli;
pub mod engine;
pub mod erlang;
pub mod fit;
pub mod forecast;
pub mod input;
pub mod model;
pub mod plan;
pub mod report;
pub mod roster;
pub mod scenario;
pub mod serve;
pub mod simulate;
pub mod stats;
pub mod sweep;
pub mod units;

pub use model::Scenario;
pub use simulate::{ScenarioResult, simulate};

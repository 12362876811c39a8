//! All integration tests in one binary (one link instead of many): one module per behaviour.

mod cli_check;
mod cli_help;
mod cli_run;
mod common;
mod days;
mod erlang;
mod fit;
mod flags;
mod forecast;
mod layering;
mod mechanisms;
mod mutation;
mod outputs;
mod people;
mod plan;
mod precision;
mod proactive;
mod report;
mod roster;
mod runaway;
mod serve;
mod skill_mechanisms;
mod skills;
mod snapshots;
mod sweep;
mod theory;

//! The validated description of one scenario: everything the simulation needs, in seconds and
//! calls per second, with every check already done. Built by [`crate::scenario`] from a file.

use super::balking::BalkingCurve;
use super::callback::CallbackPolicy;
use super::costs::CostModel;
use super::dist::Dist;
use super::lines::Lines;
use super::proactive::ProactivePolicy;
use super::retrials::RetrialPolicy;
use super::routing::SkillModel;
use std::path::PathBuf;

/// What kind of run a scenario describes.
#[derive(Debug, Clone, PartialEq)]
pub enum RunKind {
    /// A working day: opens empty at `open_s` seconds after midnight; arrivals stop at close;
    /// callers still waiting then are served by the last interval's agents (overtime).
    WorkingDay {
        /// Opening time, seconds after midnight (e.g. 32,400 for 09:00).
        open_s: f64,
    },
    /// A long stationary run for comparison with queueing theory; statistics of the first
    /// `warmup_s` seconds are discarded.
    SteadyState {
        /// Length of the discarded warm-up, seconds.
        warmup_s: f64,
    },
}

/// Service-level goal: a share `target` of calls answered within `threshold_s` seconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ServiceLevelGoal {
    /// Seconds within which a call counts as answered in time (e.g. 20).
    pub threshold_s: f64,
    /// Share of calls to answer in time (e.g. 0.8).
    pub target: f64,
}

/// A validated scenario.
///
/// Simulation time 0 is the opening (working day) or the start of the warm-up (steady
/// state). Reporting interval `k` covers `[measure_start_s + k·interval_s, … + interval_s)`;
/// arrivals stop at the end of the last interval.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// Name used for output folders (defaults to the file name).
    pub name: String,
    /// Free text for reports.
    pub description: String,
    /// The file it was read from, if any.
    pub source: Option<PathBuf>,
    /// Seed of every random stream.
    pub seed: u64,
    /// Number of independent replications (days, or steady-state runs); with a
    /// [`Scenario::precision`], the first batch.
    pub replications: u32,
    /// Run replications until these whole-run KPIs are this precise (95% half-widths), up to
    /// a maximum; `None`: exactly [`Scenario::replications`].
    pub precision: Option<crate::stats::Precision>,
    /// Estimate the whole-run KPIs with the customers who called as a control variate (their
    /// expectation is known from the arrival rates; see [`crate::stats::control`]); false:
    /// plain means.
    pub control_variate: bool,
    /// Stratified days: replication `j` of each block of [`super::arrivals::STRATA`] draws
    /// its busyness from the `j`-th equally likely slice of its distribution, and the
    /// whole-run KPIs are estimated by the stratified mean (see [`crate::stats::stratified`]);
    /// false: each day's busyness drawn alone, plain means.
    pub stratified_days: bool,
    /// Working day or steady state.
    pub kind: RunKind,
    /// Consecutive days each replication runs (working days only; 1: a day alone). Day `d`
    /// of replication `r` draws the random numbers of replication `r × days + d` of a day
    /// alone.
    pub days: u32,
    /// With several days: customers still due to call again or to be called back at closing
    /// call again (or are called back) after the next opening (see [`super::carry`]); false:
    /// each day alone, those customers lost.
    pub carry_over: bool,
    /// Length of one reporting interval, seconds.
    pub interval_s: f64,
    /// Mean arrival rate in each interval, calls per second (before the busyness factor).
    /// In steady state the warm-up uses the first interval's rate. With call types
    /// ([`Scenario::skills`]): the sum over the types.
    pub arrival_rate: Vec<f64>,
    /// Coefficient of variation of the day-level busyness factor (gamma, mean 1); 0 = none.
    pub busyness_cv: f64,
    /// Talk time of an answered call. With call types: the first type's (each type's own is
    /// in [`Scenario::skills`], which the multi-skill loop reads).
    pub handle_time: Dist,
    /// How long a caller is willing to wait; `None`: nobody abandons. With call types: the
    /// first type's.
    pub patience: Option<Dist>,
    /// Agents on the phones in each interval. In steady state the warm-up uses the first.
    /// With agent groups: the sum over the groups.
    pub agents: Vec<u32>,
    /// Service-level goal (threshold and target). With call types: the default of the types
    /// that set none; each call counts against its own type's threshold.
    pub service_level: ServiceLevelGoal,
    /// `[lines]`: finite trunk lines (busy signals); `None`: unlimited.
    pub lines: Option<Lines>,
    /// `[balking]`: hanging up on the announced wait; `None`: nobody balks.
    pub balking: Option<BalkingCurve>,
    /// `[callback]`: virtual hold; `None`: no callbacks offered.
    pub callback: Option<CallbackPolicy>,
    /// `[retrials]`: calling again after a failed attempt; `None`: nobody calls again.
    pub retrials: Option<RetrialPolicy>,
    /// `[proactive]`: contacting customers before they call; `None`: no campaign.
    pub proactive: Option<ProactivePolicy>,
    /// `[costs]`: prices; `None`: no cost KPIs.
    pub costs: Option<CostModel>,
    /// `[[call_type]]`, `[[agent_group]]` and `[routing]`: several call types served by
    /// skilled agent groups; `None`: one queue served by one pool of agents.
    pub skills: Option<SkillModel>,
}

impl Scenario {
    /// Turns on [`Scenario::stratified_days`]: the replications, and a precision's first
    /// batch and maximum, rounded up to whole blocks of [`super::arrivals::STRATA`], at least
    /// four (the stratified variance is pooled from the spread within each slice; from two
    /// days a slice, the busiest tenth's spread is too rough a guess to size the next batch
    /// on). A run of several days cannot be stratified day by day; the error says why.
    pub fn stratify_days(&mut self) -> Result<(), &'static str> {
        if self.days > 1 {
            return Err(
                "no stratified days in a run of several days (its days would share \
                        their slices)",
            );
        }
        let block = super::arrivals::STRATA;
        let least = 4 * block;
        self.replications = self.replications.max(least).next_multiple_of(block);
        if let Some(p) = &mut self.precision {
            p.max_replications = p.max_replications.max(least).next_multiple_of(block);
        }
        self.stratified_days = true;
        Ok(())
    }

    /// True when customers can make more than one attempt, so that they are tracked across
    /// attempts (retrials, or callbacks that may be retried).
    pub fn tracks_customers(&self) -> bool {
        self.retrials.is_some() || self.callback.is_some()
    }

    /// Number of reporting intervals.
    pub fn intervals(&self) -> usize {
        self.arrival_rate.len()
    }

    /// Reporting intervals of one replication: the day's, once for each of its
    /// [`Scenario::days`] (day `d`'s interval `k` is `d × intervals + k`).
    pub fn run_intervals(&self) -> usize {
        self.intervals() * self.days.max(1) as usize
    }

    /// Simulation time at which statistics start (0, or the end of the warm-up), seconds.
    pub fn measure_start_s(&self) -> f64 {
        match self.kind {
            RunKind::WorkingDay { .. } => 0.0,
            RunKind::SteadyState { warmup_s } => warmup_s,
        }
    }

    /// The reporting interval containing simulation time `t`; `None` in a warm-up (or after
    /// the last interval).
    pub fn interval_of(&self, t: f64) -> Option<usize> {
        let offset = t - self.measure_start_s();
        if offset < 0.0 {
            return None;
        }
        let k = (offset / self.interval_s) as usize;
        (k < self.intervals()).then_some(k)
    }

    /// Simulation time at which arrivals stop (close, or the end of the horizon), seconds.
    pub fn arrivals_end_s(&self) -> f64 {
        self.measure_start_s() + self.interval_s * self.intervals() as f64
    }

    /// Start of interval `k` as a clock time in seconds after midnight (working day), or as
    /// seconds since the start of the run (steady state).
    pub fn interval_start_clock_s(&self, k: usize) -> f64 {
        let offset = match self.kind {
            RunKind::WorkingDay { open_s } => open_s,
            RunKind::SteadyState { .. } => 0.0,
        };
        offset + self.measure_start_s() + self.interval_s * k as f64
    }
}

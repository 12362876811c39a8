//! Statistics: streaming accumulators for one replication, and means with 95% confidence
//! intervals across replications.
//!
//! Everything here is plain data and arithmetic. Memory never grows with the number of calls:
//! a replication keeps counters, sums and fixed-resolution histograms per interval.

mod ci;
mod compare;
pub mod control;
mod histogram;
pub mod precision;
pub mod stratified;
mod tally;
mod time_weighted;

pub use ci::{MeanCi, MeanCiTally, mean_ci, student_t_975};
pub use compare::{paired_difference, unpaired_difference};
pub use control::control_variate_mean;
pub use histogram::WaitHistogram;
pub use precision::{HalfWidth, Precision, PrecisionReached};
pub use stratified::stratified_mean;
pub use tally::{IntervalTally, Kpi, Mechanism};
pub use time_weighted::TimeWeighted;

//! The discrete-event core: an event calendar (with timers kept beside it) and random-number
//! streams.
//!
//! Nothing here knows about calls or agents. Time is `f64` seconds from the start of a run.
//! The model on top owns the clock (the time of the event it is handling) and decides what an
//! event means.

mod calendar;
mod rng;
mod timers;

pub use calendar::Calendar;
pub use rng::{Stream, StreamRng, streams};
pub use timers::Timers;

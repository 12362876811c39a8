//! Precision on demand: instead of a number of replications, the 95% half-widths the whole-run
//! KPIs must reach ("service level to ±0.5 points"). Replications run in batches until every
//! named KPI is that precise, or a maximum is reached. Each batch's size follows from the
//! results folded so far (in replication order) and the targets alone, never from timing, so
//! the same seed and targets give the same replications, whatever the threads.

use super::{Kpi, MeanCi};
use std::cmp::Ordering;
use std::fmt;

/// Most replications a run to a precision makes unless told otherwise.
pub const DEFAULT_MAX_REPLICATIONS: u32 = 10_000;

/// Fewest replications of the first batch: a half-width from fewer days is itself too noisy
/// to stop on.
pub const MIN_FIRST_BATCH: u32 = 10;

/// How wide a KPI's 95% confidence interval may be, on either side of its mean.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum HalfWidth {
    /// In the KPI's own unit (a share for rates: 0.005 is half a point).
    Absolute(f64),
    /// A share of the KPI's mean (0.02 is 2% of it).
    Relative(f64),
}

impl HalfWidth {
    /// The half-width allowed around `mean`.
    pub fn allowed(self, mean: f64) -> f64 {
        match self {
            HalfWidth::Absolute(h) => h,
            HalfWidth::Relative(r) => r * mean.abs(),
        }
    }
}

impl fmt::Display for HalfWidth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HalfWidth::Absolute(h) => write!(f, "±{h}"),
            HalfWidth::Relative(r) => write!(f, "±{}%", r * 100.0),
        }
    }
}

/// The precision asked of a run: each named whole-run KPI's 95% half-width, and the most
/// replications to spend on it.
#[derive(Debug, Clone, PartialEq)]
pub struct Precision {
    /// (KPI, half-width allowed), in the KPIs' output order ([`Kpi::ALL`]).
    pub targets: Vec<(Kpi, HalfWidth)>,
    /// Most replications (days) to run; the run stops there, precise enough or not.
    pub max_replications: u32,
}

/// How far a run got towards its precision.
#[derive(Debug, Clone, PartialEq)]
pub struct PrecisionReached {
    /// Replications run.
    pub replications: u32,
    /// Per target: the KPI, the half-width allowed (in the KPI's unit) and the one reached.
    pub kpis: Vec<(Kpi, HalfWidth, f64, f64)>,
    /// True when every target was met (false: stopped at the maximum).
    pub met: bool,
}

/// A precision asked that cannot be read (`--precision`, `[precision]`): what was wrong, as
/// the user typed it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PrecisionError {
    /// A part without `=`.
    #[error("`{0}`: expected KPI=HALF_WIDTH, e.g. service_level=0.005 or asa_s=2%")]
    NotKpiEqualsHalfWidth(String),
    /// A name that is no KPI of `summary.json`.
    #[error(
        "`{0}` is not a KPI (service_level, abandon_rate, asa_s, occupancy, \
         lost_customers, total_cost, ... as in summary.json)"
    )]
    UnknownKpi(String),
    /// A KPI's half-width that cannot be read.
    #[error("{kpi}: `{value}`: {why}")]
    HalfWidth {
        /// The KPI's name as given.
        kpi: String,
        /// The half-width as given.
        value: String,
        /// What is wrong with it.
        why: HalfWidthError,
    },
    /// A KPI named twice.
    #[error("{0} is given twice")]
    Twice(String),
    /// Nothing asked.
    #[error("no KPI given: e.g. service_level=0.005 (±0.5 points) or asa_s=2% (±2% of it)")]
    Empty,
}

/// Characters of what was typed that an error quotes back (a hostile argument of 100,000
/// digits gives a short message).
const QUOTED_CHARS: usize = 40;

/// `text` as an error quotes it back: whole, or cut to [`QUOTED_CHARS`] and `…`.
fn quoted(text: &str) -> String {
    crate::units::shortened(text, 0, QUOTED_CHARS)
}

/// A half-width that cannot be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum HalfWidthError {
    /// Neither a number nor a percentage.
    #[error("expected a half-width: a number (0.005) or a percentage (2%)")]
    NotANumber,
    /// Zero, negative or not finite.
    #[error("a half-width must be a number > 0")]
    NotPositive,
}

impl Precision {
    /// Parses `service_level=0.005,asa_s=2%` (KPI names as in summary.json; a number in the
    /// KPI's unit, or a percentage of its mean), with `max_replications`.
    pub fn parse(text: &str, max_replications: u32) -> Result<Self, PrecisionError> {
        let targets = Precision::typed_targets(text)?;
        Ok(Precision::new(
            targets
                .into_iter()
                .map(|(kpi, half, _)| (kpi, half))
                .collect(),
            max_replications,
        ))
    }

    /// The targets of `service_level=0.005,asa_s=2%` as [`Precision::parse`] reads (and
    /// refuses) them, in the order typed: each KPI, its half-width, and the half-width as typed
    /// (trimmed: `2%`), for a `[precision]` table that says what was typed.
    pub fn typed_targets(text: &str) -> Result<Vec<(Kpi, HalfWidth, &str)>, PrecisionError> {
        let mut targets: Vec<(Kpi, HalfWidth, &str)> = Vec::new();
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let Some((name, value)) = part.split_once('=') else {
                return Err(PrecisionError::NotKpiEqualsHalfWidth(quoted(part)));
            };
            let (name, value) = (name.trim(), value.trim());
            let kpi = Kpi::named(name).ok_or_else(|| PrecisionError::UnknownKpi(quoted(name)))?;
            let half = HalfWidth::parse(value).map_err(|why| PrecisionError::HalfWidth {
                kpi: quoted(name),
                value: quoted(value),
                why,
            })?;
            if targets.iter().any(|(k, _, _)| *k == kpi) {
                return Err(PrecisionError::Twice(quoted(name)));
            }
            targets.push((kpi, half, value));
        }
        if targets.is_empty() {
            return Err(PrecisionError::Empty);
        }
        Ok(targets)
    }

    /// The precision of `targets` (put in the KPIs' output order) and `max_replications`.
    pub fn new(mut targets: Vec<(Kpi, HalfWidth)>, max_replications: u32) -> Self {
        targets.sort_by_key(|(kpi, _)| kpi.index());
        Precision {
            targets,
            max_replications,
        }
    }

    /// Where `total` (the whole-run KPIs after `n` replications) stands against the targets.
    /// A KPI that no replication defined (no calls) cannot be made more precise: it counts as
    /// met. A KPI with a value but no half-width yet (one replication) is not.
    pub fn reached(&self, n: u32, total: impl Fn(Kpi) -> Option<MeanCi>) -> PrecisionReached {
        let kpis: Vec<(Kpi, HalfWidth, f64, f64)> = self
            .targets
            .iter()
            .map(|&(kpi, half)| {
                let v = total(kpi).unwrap_or(MeanCi {
                    mean: f64::NAN,
                    ci95: f64::NAN,
                    n: 0,
                });
                (kpi, half, half.allowed(v.mean), v.ci95)
            })
            .collect();
        let met = kpis.iter().all(|&(kpi, _, allowed, reached)| {
            let defined = total(kpi).is_some_and(|v| v.n > 0);
            !defined || reached <= allowed
        });
        PrecisionReached {
            replications: n,
            kpis,
            met,
        }
    }

    /// The replications to have run after the next batch, from where `reached` stands after
    /// `n`: the half-width shrinks as 1/√n, so each target asks for n × (reached ÷ allowed)²;
    /// the largest of those and a tenth more for the noise of the estimate, but never more
    /// than 2n (a half-width from few days is itself noisy: growing at most twofold, the last
    /// batch is sized from at least half the days the run ends with), at least 10 more, at
    /// most the maximum.
    pub fn next_total(&self, reached: &PrecisionReached) -> u32 {
        let n = f64::from(reached.replications);
        let wanted = reached
            .kpis
            .iter()
            // still too wide, or not comparable yet (no half-width)
            .filter(|&&(_, _, allowed, hw)| {
                !matches!(
                    hw.partial_cmp(&allowed),
                    Some(Ordering::Less | Ordering::Equal)
                )
            })
            .map(|&(_, _, allowed, hw)| {
                if allowed > 0.0 && hw.is_finite() {
                    replications_to_reach(n, hw, allowed)
                } else {
                    // no half-width yet, or a target of zero: double
                    2.0 * n
                }
            })
            .fold(0.0, f64::max);
        let next = wanted
            .ceil()
            .min(2.0 * n)
            .max(n + f64::from(MIN_FIRST_BATCH))
            .min(f64::from(self.max_replications));
        next as u32
    }
}

/// The replications after which a 95% half-width of `reached` (after `n` replications)
/// shrinks to `allowed`: it falls as 1/√n, so n × (reached ÷ allowed)², and a tenth more for
/// the noise of the half-width itself.
pub fn replications_to_reach(n: f64, reached: f64, allowed: f64) -> f64 {
    n * (reached / allowed).powi(2) * 1.1
}

impl HalfWidth {
    /// `0.005` (absolute) or `2%` (relative); positive and finite.
    pub fn parse(text: &str) -> Result<Self, HalfWidthError> {
        let (number, relative) = match text.strip_suffix('%') {
            Some(n) => (n.trim(), true),
            None => (text, false),
        };
        let x: f64 = number.parse().map_err(|_| HalfWidthError::NotANumber)?;
        if !(x.is_finite() && x > 0.0) {
            return Err(HalfWidthError::NotPositive);
        }
        Ok(if relative {
            HalfWidth::Relative(x / 100.0)
        } else {
            HalfWidth::Absolute(x)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(mean: f64, ci95: f64) -> Option<MeanCi> {
        Some(MeanCi { mean, ci95, n: 40 })
    }

    #[test]
    fn a_long_argument_is_quoted_back_shortened() {
        let long = format!("service_level={}", "9".repeat(100_000));
        let message = Precision::parse(&long, 10).unwrap_err().to_string();
        assert_eq!(
            message,
            format!(
                "service_level: `{}…`: a half-width must be a number > 0",
                "9".repeat(40)
            )
        );
        // up to 40 characters, whole (counted in characters, not bytes)
        let name = "é".repeat(40);
        assert_eq!(quoted(&name), name);
        assert_eq!(quoted(&"é".repeat(41)), format!("{name}…"));
    }

    #[test]
    fn targets_parse_by_kpi_name_absolute_or_relative() {
        let p = Precision::parse("service_level=0.005, asa_s=2%", 500).unwrap();
        assert_eq!(
            p.targets,
            vec![
                (Kpi::ServiceLevel, HalfWidth::Absolute(0.005)),
                (Kpi::AsaS, HalfWidth::Relative(0.02))
            ]
        );
        assert_eq!(p.max_replications, 500);
        for (bad, says) in [
            ("", "no KPI given"),
            ("service_level", "expected KPI=HALF_WIDTH"),
            ("sl=0.01", "`sl` is not a KPI"),
            ("service_level=-1", "must be a number > 0"),
            ("service_level=wide", "expected a half-width"),
            ("asa_s=1,asa_s=2", "given twice"),
        ] {
            let e = Precision::parse(bad, 10).unwrap_err();
            assert!(e.to_string().contains(says), "{bad}: {e}");
        }
    }

    #[test]
    fn the_next_batch_asks_for_what_the_widest_target_needs() {
        let p = Precision::parse("service_level=0.005,asa_s=10%", 10_000).unwrap();
        let total = |kpi| match kpi {
            Kpi::ServiceLevel => at(0.8, 0.01), // twice too wide: 4 × n
            Kpi::AsaS => at(30.0, 2.0),         // 2 s allowed of 30 × 10% = 3 s: met
            _ => None,
        };
        let r = p.reached(40, total);
        assert!(!r.met);
        assert_eq!(r.kpis[1].2, 3.0);
        // 40 × 4 × 1.1 = 176 asked, but a batch at most doubles the days so far
        assert_eq!(p.next_total(&r), 80);
        // 200 days, a tenth too wide: 200 × 1.21 × 1.1 = 266.2, within double
        let r = p.reached(200, |kpi| match kpi {
            Kpi::ServiceLevel => at(0.8, 0.0055),
            _ => at(30.0, 1.0),
        });
        assert_eq!(p.next_total(&r), 267);
        // barely too wide after 40: 40 × 1.004 × 1.1 = 44.2, but at least 10 more
        let r = p.reached(40, |kpi| match kpi {
            Kpi::ServiceLevel => at(0.8, 0.00501),
            _ => at(30.0, 1.0),
        });
        assert_eq!(p.next_total(&r), 50);
        // no half-width yet (one replication): double, at least 10 more
        let r = p.reached(1, |kpi| match kpi {
            Kpi::ServiceLevel => at(0.8, f64::NAN),
            _ => at(30.0, 1.0),
        });
        assert_eq!(p.next_total(&r), 11);
        // met: nothing more is needed
        let r = p.reached(40, |kpi| match kpi {
            Kpi::AsaS => at(30.0, 1.0),
            _ => at(0.8, 0.004),
        });
        assert!(r.met);
        // capped at the maximum
        let small = Precision::parse("service_level=0.0001", 60).unwrap();
        assert_eq!(small.next_total(&small.reached(40, total)), 60);
        // a KPI without calls in any replication cannot get more precise: met
        let r = p.reached(40, |kpi| match kpi {
            Kpi::AsaS => Some(MeanCi {
                mean: f64::NAN,
                ci95: f64::NAN,
                n: 0,
            }),
            _ => at(0.8, 0.001),
        });
        assert!(r.met);
    }
}

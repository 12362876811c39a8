//! Values that are legal but implausible for a call center, said as warnings (the scenario
//! still runs): a mean handle time of a few seconds, or a patience of a few seconds, is
//! usually a duration meant in minutes but written as a bare number (seconds).

use super::Diagnostic;
use crate::model::{Dist, Scenario};

/// Shortest mean handle time (seconds) not warned about: no real call is shorter.
pub const MIN_PLAUSIBLE_HANDLE_S: f64 = 10.0;

/// Shortest mean patience (seconds) not warned about.
pub const MIN_PLAUSIBLE_PATIENCE_S: f64 = 5.0;

/// The warnings of `scenario`, read from `text` (named `file`), each pointing at its value.
pub fn warnings(scenario: &Scenario, text: &str, file: &str) -> Vec<Diagnostic> {
    // (dotted key prefix, handle time, patience) of the center or of each call type
    let mut checked: Vec<(String, &Dist, Option<&Dist>)> = Vec::new();
    match &scenario.skills {
        Some(model) => {
            for ty in &model.types {
                let prefix = format!("call_type[{}].", ty.name);
                checked.push((prefix, &ty.handle_time, ty.patience.as_ref()));
            }
        }
        None => checked.push((
            String::new(),
            &scenario.handle_time,
            scenario.patience.as_ref(),
        )),
    }
    let mut out = Vec::new();
    for (prefix, handle, patience) in checked {
        let mut warn = |key: String, what: &str, mean: f64, least: f64| {
            if mean < least {
                let span = super::deserialize::span_of(text, &key).unwrap_or(0..0);
                out.push(Diagnostic::at(
                    file,
                    text,
                    span,
                    &key,
                    format!(
                        "a mean {what} of {} s is implausibly short for a call (under {least} s): \
                         a bare number is seconds; write \"{}m\" for minutes",
                        trim(mean),
                        trim(mean)
                    ),
                ));
            }
        };
        warn(
            format!("{prefix}handle_time.mean"),
            "handle time",
            handle.mean(),
            MIN_PLAUSIBLE_HANDLE_S,
        );
        if let Some(p) = patience {
            warn(
                format!("{prefix}patience.mean"),
                "patience",
                p.mean(),
                MIN_PLAUSIBLE_PATIENCE_S,
            );
        }
    }
    out
}

fn trim(x: f64) -> String {
    let fixed = format!("{x:.2}");
    fixed
        .trim_end_matches('0')
        .trim_end_matches('.')
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    const SHOP: &str = "[time]\nhorizon = \"10h\"\n[arrivals]\ncalls_per_hour = 60\n\
        [handle_time]\ndistribution = \"exponential\"\nmean = 4\n[patience]\n\
        distribution = \"exponential\"\nmean = 2\n[staffing]\nagents = 3\n";

    #[test]
    fn minutes_written_as_seconds_are_warned_about_at_their_line() {
        let sc = super::super::parse(SHOP, "shop.toml", Path::new("."), "shop").unwrap();
        let w: Vec<String> = warnings(&sc, SHOP, "shop.toml")
            .iter()
            .map(|d| d.to_string())
            .collect();
        assert_eq!(w.len(), 2, "{w:?}");
        assert!(
            w[0].starts_with("shop.toml:7:8: handle_time.mean: a mean handle time of "),
            "{}",
            w[0]
        );
        assert!(
            w[0].contains("handle time of 4 s is implausibly short"),
            "{}",
            w[0]
        );
        assert!(w[0].contains("write \"4m\" for minutes"), "{}", w[0]);
        assert!(
            w[1].starts_with("shop.toml:10:8: patience.mean: "),
            "{}",
            w[1]
        );
        let fine = SHOP
            .replace("mean = 4", "mean = \"4m\"")
            .replace("mean = 2", "mean = 90");
        let sc = super::super::parse(&fine, "shop.toml", Path::new("."), "shop").unwrap();
        assert!(warnings(&sc, &fine, "shop.toml").is_empty());
    }
}

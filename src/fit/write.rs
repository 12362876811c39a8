//! Fits as scenario sections: TOML text whose comment lines are the summary of the fit, so
//! that the text can be printed, read, and pasted into a scenario file as it is.

use super::arrivals::ArrivalFit;
use super::calls::CallsFit;
use super::mle::{Family, Fitted};
use crate::units::{WEEKDAYS, format_clock, format_duration};

/// `[time]` and `[arrivals]` of a working day from an arrivals fit. With `weekday`
/// (0 = Monday) the profile is scaled by that day's factor.
pub fn arrivals_toml(fit: &ArrivalFit, source: &str, weekday: Option<usize>) -> String {
    let first = fit.days.first().map_or("", |d| d.date.as_str());
    let last = fit.days.last().map_or("", |d| d.date.as_str());
    let close = fit.open_s + fit.interval_s * fit.profile.len() as f64;
    let mut out = format!(
        "# fitted by callsim fit arrivals from {source}\n\
         # {} days ({first} to {last}), {}-{} in {} intervals of {}, from counts per {}\n",
        fit.days.len(),
        format_clock(fit.open_s),
        format_clock(close),
        fit.profile.len(),
        format_duration(fit.interval_s),
        format_duration(fit.data_interval_s),
    );
    if fit.counts_outside > 0 || !fit.incomplete_days.is_empty() {
        out.push_str(&format!(
            "# left out: {} count(s) after {} (not a whole interval), {} day(s) with missing counts{}\n",
            fit.counts_outside,
            format_clock(close),
            fit.incomplete_days.len(),
            if fit.incomplete_days.is_empty() {
                String::new()
            } else {
                format!(
                    " ({})",
                    fit.incomplete_days
                        .iter()
                        .map(|(d, _)| d.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            }
        ));
    }
    let mean_total = fit.days.iter().map(|d| d.total as f64).sum::<f64>() / fit.days.len() as f64;
    let d = &fit.dispersion;
    out.push_str(&format!(
        "# day-of-week factors (mean day total of that weekday / mean day total): {}\n\
         # day totals: mean {:.0} calls, cv {:.4} as they are; busyness cv {:.4} with day-of-week effects removed\n\
         # Poisson arrivals {}: dispersion index {:.2} (chi-square {:.1} on {} df), p {}\n",
        fit.weekday_text(),
        mean_total,
        fit.total_cv,
        fit.busyness_cv,
        if d.p_value < 0.05 { "rejected" } else { "not rejected" },
        d.index,
        d.statistic,
        d.df,
        p_text(d.p_value),
    ));
    let factor = weekday.and_then(|w| fit.weekday_factors.get(w).copied().flatten());
    let note = match (weekday, factor) {
        (Some(w), Some(f)) => format!(
            "mean calls of each interval on a {} (x {f:.3})",
            WEEKDAYS[w]
        ),
        _ => "mean calls of each interval over all days".to_string(),
    };
    let scaled: Vec<f64> = fit
        .profile
        .iter()
        .map(|p| p * factor.unwrap_or(1.0))
        .collect();
    out.push_str(&format!(
        "\n[time]\nopen = \"{}\"\ninterval = \"{}\"\nintervals = {}\n\n[arrivals]\n# {note}\nper_interval = {}\nbusyness_cv = {:.4}\n",
        format_clock(fit.open_s),
        format_duration(fit.interval_s),
        fit.profile.len(),
        number_list(&scaled),
        fit.busyness_cv,
    ));
    out
}

/// `[handle_time]` and `[patience]` from a call-log fit.
pub fn calls_toml(fit: &CallsFit, source: &str) -> String {
    let [answered, abandoned, blocked, balked, callback] = fit.outcomes;
    let mut out = format!(
        "# fitted by callsim fit calls from {source}\n\
         # {} attempts: {answered} answered, {abandoned} abandoned, {blocked} blocked, {balked} balked, {callback} callbacks\n\
         # handle time of the {answered} answered calls, maximum likelihood, best AIC first (± 95% CI):\n",
        fit.outcomes.iter().sum::<usize>(),
    );
    for f in &fit.handle {
        out.push_str(&format!("#   {}\n", describe(f)));
    }
    out.push_str(&format!(
        "# patience: {} callers answered or abandoned, {} hung up (patience seen); the answered are censored (patience > their wait){}\n",
        fit.patience_n,
        fit.patience_events,
        if fit.abandoned_at_once > 0 {
            format!("; {} hung up at 0 s, left out", fit.abandoned_at_once)
        } else {
            String::new()
        }
    ));
    if let Some(e) = fit.patience_fit(Family::Exponential) {
        let waited: f64 = fit.patience_events as f64 / e.params[0].value;
        out.push_str(&format!(
            "#   exponential MLE: {} abandonments / {:.0} s waited = {:.6} ± {:.6} per second\n",
            fit.patience_events, waited, e.params[0].value, e.params[0].ci95
        ));
    }
    for f in &fit.patience {
        out.push_str(&format!("#   {}\n", describe(f)));
    }
    let km_at: Vec<String> = [30.0, 60.0, 120.0, 300.0, 600.0]
        .iter()
        .filter_map(|&t| {
            let last = fit.km.iter().take_while(|s| s.t <= t).last();
            let beyond = fit.km.last().is_some_and(|s| s.t >= t);
            beyond.then(|| {
                format!(
                    "{} {:.3}",
                    format_duration(t),
                    last.map_or(1.0, |s| s.survival)
                )
            })
        })
        .collect();
    if !km_at.is_empty() {
        out.push_str(&format!(
            "#   Kaplan-Meier share still willing to wait: {}\n",
            km_at.join(", ")
        ));
    }
    out.push_str("\n[handle_time]\n");
    out.push_str(&section(&fit.handle[0]));
    out.push_str("\n[patience]\n");
    match fit.patience.first() {
        Some(best) => out.push_str(&section(best)),
        None => {
            out.push_str("distribution = \"none\"          # nobody hung up: no patience seen\n")
        }
    }
    out
}

/// The keys of a fitted distribution in a scenario section.
fn section(f: &Fitted) -> String {
    let mut out = format!(
        "distribution = \"{}\"\nmean = {:.1}                    # seconds\n",
        f.family.name(),
        f.mean.value
    );
    match f.family {
        Family::Exponential => {}
        Family::Weibull => out.push_str(&format!("shape = {:.4}\n", f.params[0].value)),
        Family::Lognormal | Family::Gamma => out.push_str(&format!("cv = {:.4}\n", f.cv.value)),
    }
    out
}

/// One line describing a fit: family, mean and cv, parameters, AIC and KS distance.
pub fn describe(f: &Fitted) -> String {
    let params: Vec<String> = f
        .family
        .parameter_names()
        .iter()
        .zip(&f.params)
        .map(|(name, e)| format!("{name} {}", pm(e.value, e.ci95)))
        .collect();
    let ks =
        f.ks.map(|k| format!(", KS distance {k:.4}"))
            .unwrap_or_default();
    format!(
        "{:<12} mean {} s, cv {}; {}; AIC {:.1}{ks}",
        f.family.name(),
        pm(f.mean.value, f.mean.ci95),
        pm(f.cv.value, f.cv.ci95),
        params.join(", "),
        f.aic
    )
}

/// `value ± half-width` with four significant digits.
fn pm(value: f64, ci95: f64) -> String {
    format!("{} ± {}", sig4(value), sig4(ci95))
}

fn sig4(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        return format!("{x}");
    }
    let decimals = (3 - x.abs().log10().floor() as i32).clamp(0, 10) as usize;
    format!("{x:.decimals$}")
}

fn p_text(p: f64) -> String {
    if p < 1e-300 {
        "< 1e-300".into()
    } else {
        format!("= {p:.3e}")
    }
}

/// `[a, b, ...]` with one decimal, ten numbers a line.
fn number_list(values: &[f64]) -> String {
    let lines: Vec<String> = values
        .chunks(10)
        .map(|c| {
            c.iter()
                .map(|v| format!("{v:.1}"))
                .collect::<Vec<_>>()
                .join(", ")
        })
        .collect();
    format!("[{}]", lines.join(",\n                "))
}

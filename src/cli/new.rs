//! `callsim new [NAME]`: write an annotated example scenario to start from.

use super::outln;
use std::path::PathBuf;

/// The annotated starting point, with `{name}` where the scenario's name goes.
const TEMPLATE: &str = include_str!("../../assets/templates/new-scenario.toml");

/// Arguments of `callsim new`.
#[derive(Debug, clap::Args)]
pub(super) struct NewArgs {
    /// Scenario name; the file written is NAME.toml in the current folder.
    #[arg(default_value = "my-scenario")]
    pub name: String,
}

/// Runs `callsim new`.
pub(super) fn execute(args: NewArgs) -> anyhow::Result<()> {
    let name = args.name.trim_end_matches(".toml");
    if !crate::scenario::validate::usable_name(name) {
        anyhow::bail!(
            "give a plain name such as `callsim new my-shop` (letters, digits, spaces, '-', '_' \
             or '.', not . or .., at most {} bytes), got \"{}\"",
            crate::scenario::validate::MAX_NAME_BYTES,
            args.name
        );
    }
    let path = PathBuf::from(format!("{name}.toml"));
    if path.exists() {
        anyhow::bail!(
            "{} exists already; choose another name or remove it",
            path.display()
        );
    }
    // a usable name has no quote or backslash: it stands in the TOML strings as it is
    let text = TEMPLATE.replace("{name}", name);
    crate::report::write_atomic(&path, text.as_bytes())?;
    outln!(
        "wrote {}: an annotated working-day scenario. Edit it, then: callsim run {}",
        path.display(),
        path.display()
    );
    Ok(())
}

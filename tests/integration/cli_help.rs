//! `--help` of every command, shell completions and man pages.

use crate::common::callsim;

const COMMANDS: [&str; 14] = [
    "run",
    "check",
    "erlang",
    "new",
    "plan",
    "roster",
    "sweep",
    "merge",
    "report",
    "fit",
    "forecast",
    "serve",
    "completions",
    "man",
];

#[test]
fn every_help_ends_with_examples_that_name_real_files() {
    for command in COMMANDS {
        let out = callsim().args([command, "--help"]).assert().success();
        let help = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
        let (_, examples) = help
            .rsplit_once("\nExample")
            .unwrap_or_else(|| panic!("{command} --help has no examples:\n{help}"));
        for line in examples.lines().skip(1).filter(|l| !l.trim().is_empty()) {
            assert!(
                line.trim_start().starts_with("callsim "),
                "{command}: {line}"
            );
            // every example file that ships with the repository exists
            for word in line.split_whitespace() {
                if word.starts_with("scenarios/") || word.starts_with("data/") {
                    let path = crate::common::repo(word.trim_end_matches('/'));
                    assert!(path.exists(), "{command}: {word} does not exist");
                }
            }
        }
    }
}

#[test]
fn completions_and_man_pages_are_generated() {
    let out = callsim().args(["completions", "bash"]).assert().success();
    let script = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    for command in COMMANDS {
        assert!(
            script.contains(command),
            "{command} missing from the bash completion"
        );
    }
    callsim().args(["completions", "tcsh"]).assert().failure();

    let dir = tempfile::tempdir().unwrap();
    callsim()
        .args(["man", "--out"])
        .arg(dir.path())
        .assert()
        .success();
    for page in [
        "callsim.1",
        "callsim-run.1",
        "callsim-fit-arrivals.1",
        "callsim-man.1",
    ] {
        let text = std::fs::read_to_string(dir.path().join(page)).unwrap();
        assert!(
            text.starts_with(".ie"),
            "{page} is not a man page: {text:.80}"
        );
        assert!(text.contains(".SH NAME"), "{page}");
    }
}

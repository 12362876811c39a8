//! The arrows of the architecture point down (DESIGN.md): `engine` and `units` use nothing of
//! ours, and `model` (the simulated call center) uses only `engine` and `stats`: no shift
//! rules, sweeps, forecasts, outputs or command line in it.

use crate::common::repo;

/// The `crate::` modules the Rust files under `dir` name (outside comments).
fn uses(dir: &str) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let mut stack = vec![repo(dir)];
    while let Some(path) = stack.pop() {
        if path.is_dir() {
            stack.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
            continue;
        }
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        for line in std::fs::read_to_string(&path).unwrap().lines() {
            let code = line.split("//").next().unwrap_or("");
            for (at, _) in code.match_indices("crate::") {
                let module: String = code[at + 7..]
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                found.push((path.display().to_string(), module));
            }
        }
    }
    found
}

#[test]
fn lower_layers_use_nothing_above_them() {
    for (dir, allowed) in [
        ("src/engine", &["engine"][..]),
        ("src/units.rs", &[][..]),
        ("src/model", &["model", "engine", "stats"][..]),
    ] {
        for (file, module) in uses(dir) {
            assert!(
                allowed.contains(&module.as_str()),
                "{file} uses crate::{module}"
            );
        }
    }
}

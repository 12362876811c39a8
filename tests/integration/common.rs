//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};

/// The callsim binary built by cargo for these tests.
pub fn callsim() -> assert_cmd::Command {
    assert_cmd::Command::cargo_bin("callsim").expect("the callsim binary is built")
}

/// A path inside the repository.
pub fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// Every folder under `scenarios/` that holds example scenario files (sweep files excluded).
pub fn example_folders() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        if entries
            .iter()
            .any(|p| p.extension().is_some_and(|e| e == "toml"))
        {
            out.push(dir.to_path_buf());
        }
        for sub in entries.iter().filter(|p| p.is_dir()) {
            if sub.file_name().is_some_and(|n| n != "sweeps") {
                walk(sub, out);
            }
        }
    }
    let mut out = Vec::new();
    walk(&repo("scenarios"), &mut out);
    out
}

/// Every file of a folder tree, as (relative path, bytes), sorted.
pub fn tree(root: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<(PathBuf, Vec<u8>)>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                let rel = p.strip_prefix(root).unwrap().to_path_buf();
                out.push((rel, std::fs::read(&p).unwrap()));
            }
        }
    }
    let mut out = Vec::new();
    walk(root, root, &mut out);
    out.sort();
    out
}

/// The Chromium binary, if one is installed.
pub fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .flat_map(|name| std::env::split_paths(&path).map(move |d| d.join(name)))
        .find(|p| p.is_file())
}

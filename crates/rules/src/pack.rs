//! The rule pack built into trailhound: the files under `rules/` in the repository, embedded
//! at build time. `trailhound hunt` runs it when no `--rules` is given. Rule test files (under
//! a `tests/` folder) are embedded too and used by `trailhound rules test`.

use crate::{LoadOptions, LoadReport};

include!(concat!(env!("OUT_DIR"), "/pack.rs"));

/// Name under which pack files appear in messages and alerts.
pub fn display_name(path: &str) -> String {
    format!("<bundled>/rules/{path}")
}

/// The pack's rule files (test files excluded), as `(display name, text)`.
pub fn rule_sources() -> Vec<(String, String)> {
    FILES
        .iter()
        .filter(|(path, _)| {
            !path.split('/').any(|seg| seg == "tests") && !path.ends_with(".test.json")
        })
        .map(|(path, text)| (display_name(path), (*text).to_owned()))
        .collect()
}

/// Loads and compiles the bundled pack.
pub fn load(options: &LoadOptions) -> LoadReport {
    crate::load_sources(&rule_sources(), options, LoadReport::default())
}

/// The pack's rule test files (`*.test.json`), as `(display name, text)`.
pub fn test_sources() -> Vec<(String, String)> {
    FILES
        .iter()
        .filter(|(path, _)| path.ends_with(".test.json"))
        .map(|(path, text)| (display_name(path), (*text).to_owned()))
        .collect()
}

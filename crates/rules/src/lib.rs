//! Rule files of every source, loaded into compiled rules.
//!
//! | file | format |
//! |---|---|
//! | `*.toml` with `[rule]` | Elastic detection rule (KQL, EQL, ES\|QL, threshold, new_terms) |
//! | `*.toml` with `[hunt]` | Elastic hunting query (ES\|QL) |
//! | `*.json`, or `*.yml`/`*.yaml` with `queries` and `cases` | Datadog Cloud SIEM rule |
//! | `*.yml`/`*.yaml` otherwise | Sigma rules, correlations and filters |
//!
//! Loading never stops at a bad file: every rule ends up compiled, not runnable (with the
//! reason), or an error with file, line and column ([`LoadReport`]).
#![deny(missing_docs)]

pub mod compile_elastic;
pub mod compile_esql;
pub mod datadog;
pub mod duration;
pub mod elastic;
pub mod exceptions;
pub mod pack;
pub mod report;
pub mod sigma;
pub mod testing;

pub use report::{LoadReport, NotRunnable, RuleError, RuleOutcome};

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use trailhound_event::Generation;

/// Settings for loading and compiling rules.
#[derive(Clone, Debug)]
pub struct LoadOptions {
    /// Elastic pipeline generation the ECS view reproduces.
    pub generation: Generation,
    /// Keys each stateful rule may hold.
    pub max_keys: usize,
    /// A Sigma field-mapping pipeline (`--sigma-mapping`), with placeholder values.
    pub sigma_pipeline: Option<trailhound_lang_sigma::Pipeline>,
    /// What `NOW()` is in ES|QL queries (the CLI's `--now`).
    pub now: jiff::Timestamp,
    /// Schedule replay is on: ES|QL rules run once per Elastic execution window.
    pub replay: bool,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            generation: Generation::Latest,
            max_keys: trailhound_engine::state::DEFAULT_MAX_KEYS,
            sigma_pipeline: None,
            now: jiff::Timestamp::now(),
            replay: true,
        }
    }
}

/// The kinds of rule file, told apart by extension and content.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    /// Elastic rule or hunting TOML.
    ElasticToml,
    /// A Datadog rule (JSON, or YAML with `queries` and `cases`).
    Datadog,
    /// Sigma YAML.
    Sigma,
}

/// The kind of a rule file by extension, or `None` when it is not a rule file (README,
/// provenance…). YAML files are told apart by [`yaml_kind`].
pub fn file_kind(path: &Path) -> Option<FileKind> {
    if is_test_file(path) {
        return None;
    }
    match path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("toml") => Some(FileKind::ElasticToml),
        Some("json") => Some(FileKind::Datadog),
        Some("yml" | "yaml") => Some(FileKind::Sigma),
        _ => None,
    }
}

/// A rule test file (`*.test.json`, see [`testing`]): never loaded as a rule.
pub fn is_test_file(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.to_ascii_lowercase().ends_with(".test.json"))
}

/// Datadog when a YAML document has top-level `queries:` and `cases:` keys, Sigma otherwise.
pub fn yaml_kind(text: &str) -> FileKind {
    let top = |key: &str| text.lines().any(|l| l.starts_with(key));
    if top("queries:") && top("cases:") {
        FileKind::Datadog
    } else {
        FileKind::Sigma
    }
}

/// Rule files under `paths` (directories walked recursively, sorted; hidden entries skipped).
/// Paths that do not exist are returned as errors.
pub fn rule_files(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<RuleError>) {
    fn walk(
        p: &Path,
        out: &mut Vec<PathBuf>,
        errors: &mut Vec<RuleError>,
        explicit: bool,
        depth: usize,
    ) {
        if depth > 64 {
            return;
        }
        if p.is_dir() {
            let mut entries: Vec<PathBuf> = match std::fs::read_dir(p) {
                Ok(rd) => rd.filter_map(|e| e.ok()).map(|e| e.path()).collect(),
                Err(e) => {
                    errors.push(RuleError::whole_file(
                        &p.display().to_string(),
                        "rules::io",
                        e.to_string(),
                    ));
                    return;
                }
            };
            entries.retain(|e| {
                !e.file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with('.'))
            });
            entries.sort();
            for e in entries {
                walk(&e, out, errors, false, depth + 1);
            }
        } else if p.is_file() {
            if file_kind(p).is_some() {
                out.push(p.to_path_buf());
            } else if explicit && !is_test_file(p) {
                errors.push(RuleError::whole_file(
                    &p.display().to_string(),
                    "rules::unknown_kind",
                    "not a rule file (.toml, .json, .yml, .yaml)".into(),
                ));
            }
        } else {
            errors.push(RuleError::whole_file(
                &p.display().to_string(),
                "rules::io",
                "no such file or directory".into(),
            ));
        }
    }
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for p in paths {
        walk(p, &mut out, &mut errors, true, 0);
    }
    (out, errors)
}

/// Loads rule files from disk.
pub fn load_paths(paths: &[PathBuf], options: &LoadOptions) -> LoadReport {
    let (files, errors) = rule_files(paths);
    let mut sources = Vec::new();
    let mut report = LoadReport {
        errors,
        ..LoadReport::default()
    };
    for f in files {
        match std::fs::read_to_string(&f) {
            Ok(text) => sources.push((f.display().to_string(), text)),
            Err(e) => report.errors.push(RuleError::whole_file(
                &f.display().to_string(),
                "rules::io",
                e.to_string(),
            )),
        }
    }
    load_sources(&sources, options, report)
}

/// Loads rules from `(name, text)` pairs (the bundled pack, tests), adding to `report`.
pub fn load_sources(
    sources: &[(String, String)],
    options: &LoadOptions,
    mut report: LoadReport,
) -> LoadReport {
    let mut outcomes: Vec<(String, RuleOutcome)> = Vec::new();
    let mut sigma_sources = Vec::new();
    for (name, text) in sources {
        report.files += 1;
        let Some(mut kind) = file_kind(Path::new(name)) else {
            continue;
        };
        if kind == FileKind::Sigma {
            kind = yaml_kind(text);
        }
        match kind {
            FileKind::ElasticToml => match elastic::parse(name, text) {
                Ok(elastic::Parsed::Rules(rules)) => {
                    outcomes.extend(rules.into_iter().map(|r| {
                        (
                            name.clone(),
                            compile_elastic::compile(name, text, r, options),
                        )
                    }));
                }
                Ok(elastic::Parsed::NotRunnable(meta, why)) => {
                    outcomes.push((name.clone(), RuleOutcome::NotRunnable(meta, why)))
                }
                Err(e) => outcomes.push((name.clone(), RuleOutcome::Error(e))),
            },
            FileKind::Datadog => {
                outcomes.push((name.clone(), datadog::compile(name, text, options)))
            }
            FileKind::Sigma => {
                if let Some(src) = sigma::parse(name, text, options, &mut report) {
                    sigma_sources.push(src);
                }
            }
        }
    }
    for (_, outcome) in outcomes {
        match outcome {
            RuleOutcome::Rule(rule, warnings) => {
                report.warnings.extend(warnings);
                report.rules.push(*rule);
            }
            RuleOutcome::NotRunnable(meta, reason) => report.not_runnable.push(NotRunnable {
                meta: *meta,
                reason,
            }),
            RuleOutcome::Error(e) => report.errors.push(e),
        }
    }
    sigma::compile_all(&sigma_sources, options, &mut report);
    dedupe(&mut report);
    unchain(&mut report);
    report
}

/// Rules fed with the alerts of rules that did not load (not runnable, failed, or not among
/// the files given) cannot run: they are listed as not runnable, naming the missing rule.
fn unchain(report: &mut LoadReport) {
    fn absent(rules: &[trailhound_engine::Rule], rule: &trailhound_engine::Rule) -> Vec<String> {
        let trailhound_engine::Logic::Chained { upstream, .. } = &rule.logic else {
            return Vec::new();
        };
        upstream
            .iter()
            .filter(|id| {
                !rules
                    .iter()
                    .any(|u| u.meta.id == **id && u.meta.source == rule.meta.source)
            })
            .cloned()
            .collect()
    }
    while let Some((i, missing)) = report.rules.iter().enumerate().find_map(|(i, r)| {
        let a = absent(&report.rules, r);
        (!a.is_empty()).then_some((i, a))
    }) {
        let rule = report.rules.remove(i);
        report.not_runnable.push(NotRunnable {
            meta: (*rule.meta).clone(),
            reason: format!(
                "correlates the alerts of rule {}, which is not loaded",
                missing.join(", ")
            ),
        });
    }
}

/// Keeps the first rule of each id within a rule source (the same rule loaded from two
/// paths); later ones are reported as duplicates. Ids of different sources never clash.
fn dedupe(report: &mut LoadReport) {
    let mut seen: HashMap<(Option<trailhound_engine::RuleSource>, String), String> = HashMap::new();
    let rules = std::mem::take(&mut report.rules);
    for rule in rules {
        let key = (rule.meta.source, rule.meta.id.clone());
        match seen.get(&key) {
            Some(first) => report.duplicates.push((
                rule.meta.id.clone(),
                first.clone(),
                rule.meta.file.clone(),
            )),
            None => {
                seen.insert(key, rule.meta.file.clone());
                report.rules.push(rule);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rule test files sit beside rules (`tests/*.test.json`) and are never loaded as rules,
    /// whether found by walking a folder or named on the command line.
    #[test]
    fn test_files_are_not_rules() {
        let dir = std::env::temp_dir().join(format!("trailhound-rules-{}", std::process::id()));
        let tests = dir.join("tests");
        std::fs::create_dir_all(&tests).expect("dir");
        let rule = r#"{"name":"r","type":"log_detection","queries":[{"query":"@evt.name:X","groupByFields":[],"aggregation":"count"}],"cases":[{"status":"low","condition":"a > 0"}],"options":{"detectionMethod":"threshold","evaluationWindow":300,"keepAlive":300,"maxSignalDuration":300},"message":"m","tags":[]}"#;
        std::fs::write(dir.join("r.json"), rule).expect("write");
        let test = r#"{"rule":"r","cases":[]}"#;
        std::fs::write(tests.join("r.test.json"), test).expect("write");
        std::fs::write(dir.join("R.TEST.JSON"), test).expect("write");
        assert!(is_test_file(Path::new("a/b.test.json")));
        assert!(!is_test_file(Path::new("a/test.json")));
        let report = load_paths(
            &[dir.clone(), tests.join("r.test.json")],
            &LoadOptions::default(),
        );
        let _ = std::fs::remove_dir_all(&dir);
        assert!(
            report.errors.is_empty(),
            "{:?}",
            report.errors.first().map(|e| e.to_string())
        );
        assert_eq!(report.rules.len(), 1);
    }
}

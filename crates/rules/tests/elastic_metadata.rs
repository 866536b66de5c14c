//! Every shared Elastic rule and hunting file reads into metadata; the counts are those of
//! `reference/elastic-rules.md` §2.

use std::collections::BTreeMap;
use std::path::PathBuf;
use trailhound_rules::elastic::{ElasticLogic, Parsed, parse};

fn dir(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/corpus")
        .join(name)
}

fn toml_files(name: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir(name))
        .expect("corpus folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    files
}

#[test]
fn elastic_rules_metadata() {
    let mut by_type: BTreeMap<String, usize> = BTreeMap::new();
    let mut not_runnable = Vec::new();
    for path in toml_files("elastic-rules") {
        let text = std::fs::read_to_string(&path).expect("readable");
        match parse(&path.display().to_string(), &text).unwrap_or_else(|e| panic!("{e}")) {
            Parsed::Rules(rules) => {
                for r in rules {
                    assert!(!r.meta.threat.is_empty(), "{}: ATT&CK mapping", r.meta.file);
                    assert!(r.meta.severity.is_some());
                    let kind = match r.logic {
                        ElasticLogic::Query { .. } => "query",
                        ElasticLogic::Eql { .. } => "eql",
                        ElasticLogic::Esql { .. } => "esql",
                        ElasticLogic::Threshold { .. } => "threshold",
                        ElasticLogic::NewTerms { .. } => "new_terms",
                    };
                    *by_type.entry(kind.to_owned()).or_default() += 1;
                }
            }
            Parsed::NotRunnable(meta, reason) => {
                not_runnable.push((meta.rule_type.clone(), reason))
            }
        }
    }
    let want: BTreeMap<String, usize> = [
        ("query", 67),
        ("new_terms", 42),
        ("eql", 23),
        ("esql", 22),
        ("threshold", 4),
    ]
    .map(|(k, v)| (k.to_owned(), v))
    .into();
    assert_eq!(by_type, want);
    assert_eq!(not_runnable.len(), 4);
    assert!(
        not_runnable
            .iter()
            .all(|(t, why)| t == "machine_learning" && why.contains("ML job"))
    );
}

#[test]
fn hunting_queries_metadata() {
    let mut queries = 0;
    for path in toml_files("elastic-hunting") {
        let text = std::fs::read_to_string(&path).expect("readable");
        match parse(&path.display().to_string(), &text).unwrap_or_else(|e| panic!("{e}")) {
            Parsed::Rules(rules) => {
                for r in rules {
                    assert!(matches!(r.logic, ElasticLogic::Esql { hunt: true }));
                    assert!(r.query.0.to_ascii_lowercase().contains("from "));
                    queries += 1;
                }
            }
            Parsed::NotRunnable(..) => panic!("hunting queries are runnable"),
        }
    }
    assert_eq!(queries, 24);
}

#[test]
fn elastic_rules_compile() {
    let report = trailhound_rules::load_paths(
        &[dir("elastic-rules")],
        &trailhound_rules::LoadOptions::default(),
    );
    for e in &report.errors {
        eprintln!("{e}");
    }
    for n in &report.not_runnable {
        eprintln!(
            "not runnable: {} ({}): {}",
            n.meta.name, n.meta.file, n.reason
        );
    }
    eprintln!(
        "rules {} not runnable {} errors {} warnings {}",
        report.rules.len(),
        report.not_runnable.len(),
        report.errors.len(),
        report.warnings.len()
    );
    assert!(report.errors.is_empty());
}

//! Every shared rule corpus loads through the one loader: each rule ends up compiled, not
//! runnable with its reason, or an error; the counts are asserted.

use std::path::PathBuf;
use trailhound_rules::{LoadOptions, LoadReport, load_paths};

fn corpus(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/corpus")
        .join(name)
}

fn load(name: &str) -> LoadReport {
    let mut options = LoadOptions::default();
    if name == "sigma-cloudtrail" {
        // The placeholder rule needs values for %Legitimate_Countries% and
        // %Legitimate_IP_Ranges%, and maps its src_ip/src_country fields.
        let pipeline = trailhound_lang_sigma::parse_pipeline(
            "field_mappings:\n  src_ip: sourceIPAddress\nplaceholders:\n  Legitimate_Countries: [US]\n  Legitimate_IP_Ranges: ['10.*']\n",
        )
        .expect("pipeline parses");
        options.sigma_pipeline = Some(pipeline);
    }
    load_paths(&[corpus(name)], &options)
}

fn summary(r: &LoadReport) -> (usize, usize, usize, usize) {
    for e in &r.errors {
        eprintln!("{e}");
    }
    for n in &r.not_runnable {
        eprintln!("not runnable: {} — {}", n.meta.name, n.reason);
    }
    (
        r.rules.len(),
        r.not_runnable.len(),
        r.errors.len(),
        r.duplicates.len(),
    )
}

#[test]
fn sigma_corpus() {
    let r = load("sigma-cloudtrail");
    // 47 rules + the placeholder rule run per event, the 3 legacy `count()` aggregations run as
    // event_count correlations; `near` and a timeframe without aggregation cannot run.
    assert_eq!(summary(&r), (51, 2, 0, 0));
    let correlations = r
        .rules
        .iter()
        .filter(|r| r.meta.rule_type == "sigma/correlation:eventcount")
        .count();
    assert_eq!(correlations, 3);
    let mut reasons: Vec<&str> = r.not_runnable.iter().map(|n| n.reason.as_str()).collect();
    reasons.sort();
    assert!(reasons[0].contains("`near`"), "{reasons:?}");
    assert!(
        reasons[1].contains("`timeframe` without an aggregation"),
        "{reasons:?}"
    );
    assert!(r.rules.iter().all(
        |r| !r.meta.threat.is_empty() || r.meta.tags.iter().all(|t| !t.starts_with("attack.t"))
    ));
}

#[test]
fn datadog_corpus() {
    let r = load("datadog-rules");
    assert_eq!(summary(&r), (63, 3, 0, 0));
    let mut reasons: Vec<String> = r
        .not_runnable
        .iter()
        .map(|n| n.reason.split(':').next().unwrap_or("").to_owned())
        .collect();
    reasons.sort();
    assert_eq!(
        reasons,
        [
            "deprecated by Datadog (isDeprecated)",
            "detection method anomaly_detection",
            "detection method anomaly_detection",
        ]
    );
    let cis: Vec<&str> = r
        .rules
        .iter()
        .flat_map(|r| r.meta.compliance.iter().map(|c| c.control.as_str()))
        .collect();
    assert!(
        cis.contains(&"4.3") && cis.contains(&"4.14"),
        "CIS AWS controls are carried: {cis:?}"
    );
}

#[test]
fn elastic_corpus() {
    let r = load("elastic-rules");
    let (rules, not_runnable, errors, duplicates) = summary(&r);
    assert_eq!((errors, duplicates), (0, 0));
    assert_eq!(rules + not_runnable, 162);
    assert_eq!(
        r.not_runnable
            .iter()
            .filter(|n| n.reason.contains("machine_learning"))
            .count(),
        4
    );
}

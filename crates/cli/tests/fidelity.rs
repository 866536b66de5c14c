//! The fidelity test: a 100,000-event simulation with every attack technique injected, hunted
//! with the bundled pack and scored against its ground truth. Every technique is detected, every
//! bundled rule with a simulated technique fires on attack traffic, and the background raises no
//! more alerts than documented (README, "Rule pack").

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

/// Bundled rules no simulated technique exercises (each has positive rule tests instead).
const NO_SIMULATED_TECHNIQUE: [&str; 12] = [
    "AWS root user console login from a new address",
    "AWS KMS keys scheduled for deletion or disabled",
    "AWS GuardDuty Detector Deleted, Disabled or Detached From Its Administrator",
    "AWS S3 Server Access Logging Disabled on a Bucket",
    "AWS GuardDuty Findings Auto-Archived or Addresses Trusted",
    "AWS Config Recorder or Delivery Channel Stopped or Deleted",
    "AWS S3 Block Public Access Removed or Weakened",
    "AWS S3 Bucket or Object ACL Grants Access to All Users",
    "AWS IAM SAML or OIDC Identity Provider Created or Changed",
    "AWS RDS Database Deleted Without a Final Snapshot",
    "AWS S3 Bucket Versioning Suspended",
    // Needs one identity to tamper with three kinds of logging; each simulated technique uses
    // its own identity.
    "AWS Several Logging or Monitoring Controls Tampered With by One Identity",
];

/// Most alerts a rule may raise on this simulation's background traffic, and why it raises any.
const BACKGROUND: [(&str, usize); 4] = [
    // CIS 4.4 alerts on every policy change: the simulated Terraform pipeline makes them.
    ("AWS IAM policy changed", 30),
    // The legacy reporting user signs in without MFA from its office addresses.
    ("AWS console login without MFA from a new address", 3),
    // The first root sign-in of each account.
    ("AWS root user console login from a new address", 3),
    // The hunt counts `Invoke*` grants to AWS services by CI as write actions.
    ("Lambda Add Permissions for Write Actions to Function", 5),
];

fn trailhound(args: &[&str]) -> std::process::Output {
    let out = Command::new(env!("CARGO_BIN_EXE_trailhound"))
        .args(args)
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Simulates `events` over twelve days with every technique on day eleven (so new-terms rules
/// have their history), hunts with the bundled pack, and returns the fidelity report.
fn fidelity(dir: &Path, events: &str) -> serde_json::Value {
    let list = trailhound(&["simulate", "--list-attacks"]);
    let ids: Vec<String> = String::from_utf8_lossy(&list.stdout)
        .lines()
        .skip(1)
        .filter_map(|l| l.split_whitespace().next().map(str::to_owned))
        .collect();
    assert_eq!(ids.len(), 49);
    let day11 = jiff::Timestamp::from_second(1_704_067_200 + 10 * 86_400 + 6 * 3600).expect("time");
    let attacks: Vec<String> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| {
            format!(
                "{id}@{}",
                day11 + jiff::SignedDuration::from_mins(15 * i as i64)
            )
        })
        .collect();
    let s = |p: &str| dir.join(p).to_string_lossy().into_owned();
    let mut args = vec![
        "simulate".to_owned(),
        "-q".into(),
        "--seed".into(),
        "11".into(),
        "-n".into(),
        events.into(),
        "-d".into(),
        "12".into(),
        "--start".into(),
        "2024-01-01".into(),
        "--ndjson".into(),
        s("trail.ndjson"),
        "--ground-truth".into(),
        s("truth.jsonl"),
    ];
    for a in &attacks {
        args.push("-a".into());
        args.push(a.clone());
    }
    trailhound(&args.iter().map(String::as_str).collect::<Vec<_>>());
    trailhound(&[
        "hunt",
        "--no-progress",
        "-q",
        "-f",
        "jsonl",
        "-o",
        &s("alerts.jsonl"),
        &s("trail.ndjson"),
    ]);
    let report = trailhound(&[
        "fidelity",
        "--json",
        "--ground-truth",
        &s("truth.jsonl"),
        "--alerts",
        &s("alerts.jsonl"),
    ]);
    serde_json::from_slice(&report.stdout).expect("JSON report")
}

fn pack_rule_names() -> Vec<String> {
    let out = trailhound(&["rules", "list", "--json"]);
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).expect("JSON")["name"]
                .as_str()
                .expect("name")
                .to_owned()
        })
        .collect()
}

fn check(report: &serde_json::Value, background_scale: usize) {
    let techniques = report["techniques"].as_array().expect("techniques");
    assert_eq!(techniques.len(), 49);
    let missed: Vec<&str> = techniques
        .iter()
        .filter(|t| t["detected"] != true)
        .filter_map(|t| t["id"].as_str())
        .collect();
    assert!(missed.is_empty(), "techniques missed: {missed:?}");
    let fired: Vec<&str> = techniques
        .iter()
        .flat_map(|t| t["rules"].as_array().into_iter().flatten())
        .filter_map(|r| r["rule"].as_str())
        .collect();
    let silent: Vec<String> = pack_rule_names()
        .into_iter()
        .filter(|n| !fired.contains(&n.as_str()) && !NO_SIMULATED_TECHNIQUE.contains(&n.as_str()))
        .collect();
    assert!(
        silent.is_empty(),
        "bundled rules that fire on no simulated technique: {silent:?}"
    );
    let bounds: BTreeMap<&str, usize> = BACKGROUND.into_iter().collect();
    for b in report["background"].as_array().expect("background") {
        let rule = b["rule"].as_str().expect("rule");
        let n = b["alerts"].as_u64().expect("count") as usize;
        let bound = bounds.get(rule).copied().unwrap_or(0) * background_scale;
        assert!(
            n <= bound,
            "{rule}: {n} alerts on background traffic, documented at most {bound}"
        );
    }
    assert!(
        report["without_events"]
            .as_array()
            .is_some_and(Vec::is_empty),
        "{}",
        report["without_events"]
    );
}

#[test]
fn hundred_thousand_events_every_technique_detected() {
    let tmp = tempfile::tempdir().expect("temp dir");
    check(&fidelity(tmp.path(), "100000"), 1);
}

/// One million events: `cargo test --release -p trailhound --test fidelity -- --ignored`.
#[test]
#[ignore = "one million events: run with --ignored, in release"]
fn one_million_events_every_technique_detected() {
    let tmp = tempfile::tempdir().expect("temp dir");
    check(&fidelity(tmp.path(), "1000000"), 10);
}

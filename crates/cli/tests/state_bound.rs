//! `hunt --max-keys`: a stateful rule past its key bound evicts, and the summary says how many
//! keys were evicted (nothing is dropped silently).

use std::process::Command;

const NEW_TERMS: &str = r#"[metadata]
creation_date = "2026/01/01"
[rule]
author = ["trailhound"]
description = "A principal's first API call."
index = ["logs-aws.cloudtrail-*"]
risk_score = 21
severity = "low"
rule_id = "6a1f0e52-3c1b-4f0e-9b7e-0c2d4e6f8a10"
name = "First call by a principal"
type = "new_terms"
language = "kuery"
query = 'event.dataset:aws.cloudtrail'
[rule.new_terms]
field = "new_terms_fields"
value = ["aws.cloudtrail.user_identity.arn"]
[[rule.new_terms.history_window_start]]
field = "history_window_start"
value = "now-7d"
"#;

fn hunt(dir: &std::path::Path, max_keys: &str) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_trailhound"))
        .args([
            "hunt",
            "--no-progress",
            "-f",
            "jsonl",
            "-o",
            "/dev/null",
            "--max-keys",
            max_keys,
            "-r",
        ])
        .arg(dir.join("rule.toml"))
        .arg(dir.join("events.ndjson"))
        .output()
        .expect("runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn evictions_past_the_key_bound_are_reported() {
    let tmp = tempfile::tempdir().expect("temp dir");
    std::fs::write(tmp.path().join("rule.toml"), NEW_TERMS).expect("write");
    let sim = Command::new(env!("CARGO_BIN_EXE_trailhound"))
        .args(["simulate", "-q", "-n", "3000", "--seed", "4", "--ndjson"])
        .arg(tmp.path().join("events.ndjson"))
        .status()
        .expect("simulate runs");
    assert!(sim.success());
    let bounded = hunt(tmp.path(), "5");
    let line = bounded
        .lines()
        .find(|l| l.contains("keys evicted"))
        .unwrap_or_else(|| panic!("{bounded}"));
    let n: u64 = line
        .split_whitespace()
        .nth(1)
        .and_then(|w| w.parse().ok())
        .expect("a count");
    assert!(n > 0, "{line}");
    // With room for every principal nothing is evicted.
    let roomy = hunt(tmp.path(), "1000000");
    assert!(!roomy.contains("keys evicted"), "{roomy}");
}

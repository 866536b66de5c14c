//! `trailhound simulate` and `trailhound fidelity`, end to end: a simulation with the seed
//! scenarios injected, hunted with the bundled pack, scored against its ground truth.

use std::path::Path;
use std::process::{Command, Output};

fn trailhound(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_trailhound"))
        .args(args)
        .output()
        .expect("runs")
}

fn ok(out: &Output) {
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

const SEEDS: [&str; 5] = [
    "seed.lambda-public-invoke",
    "seed.lambda-cross-account-invoke",
    "seed.lambda-permission-by-iam-user",
    "seed.lambda-write-permission",
    "seed.iam-policy-change",
];

#[test]
fn ndjson_output_is_deterministic_for_a_seed() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let path = |name: &str| tmp.path().join(name).to_string_lossy().into_owned();
    for (name, seed) in [("a", "1"), ("b", "1"), ("c", "2")] {
        ok(&trailhound(&[
            "simulate",
            "--ndjson",
            &path(name),
            "--ground-truth",
            &path(&format!("{name}.gt")),
            "-n",
            "2000",
            "--seed",
            seed,
            "-a",
            "aws.defense-evasion.cloudtrail-stop",
            "-q",
        ]));
    }
    let read = |name: &str| std::fs::read(tmp.path().join(name)).expect("read");
    assert_eq!(read("a"), read("b"));
    assert_ne!(read("a"), read("c"));
    let lines = String::from_utf8(read("a")).expect("UTF-8");
    assert_eq!(
        lines.lines().count(),
        2002,
        "2000 background + GetTrailStatus, StopLogging"
    );
    let gt = String::from_utf8(read("a.gt")).expect("UTF-8");
    assert_eq!(gt.lines().count(), 2);
    assert!(gt.contains(r#""event_name":"StopLogging""#), "{gt}");
}

#[test]
fn seed_scenarios_are_detected_by_the_bundled_pack() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = tmp.path().join("trail");
    let dir_s = dir.to_string_lossy().into_owned();
    let mut args = vec![
        "simulate", "--out", &dir_s, "-n", "5000", "--seed", "9", "-q",
    ];
    for s in SEEDS {
        args.extend(["-a", s]);
    }
    ok(&trailhound(&args));
    assert!(dir.join("ground-truth.jsonl").is_file());
    let alerts = tmp.path().join("alerts.jsonl");
    let hunt = Command::new(env!("CARGO_BIN_EXE_trailhound"))
        .args(["hunt", "-f", "jsonl", "--no-progress", "-o"])
        .arg(&alerts)
        .arg(dir.join("AWSLogs"))
        .output()
        .expect("runs");
    assert_eq!(
        hunt.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&hunt.stderr)
    );
    let report = fidelity(&dir.join("ground-truth.jsonl"), &alerts);
    let techniques = report["techniques"].as_array().expect("techniques");
    assert_eq!(techniques.len(), 5);
    for t in techniques {
        assert_eq!(t["detected"], true, "{t}");
    }
    let rules_of = |id: &str| -> Vec<String> {
        techniques
            .iter()
            .find(|t| t["id"] == id)
            .expect("technique")["rules"]
            .as_array()
            .expect("rules")
            .iter()
            .map(|r| r["rule"].as_str().expect("name").to_owned())
            .collect()
    };
    assert!(rules_of("seed.iam-policy-change").contains(&"AWS IAM policy changed".to_owned()));
    assert!(
        rules_of("seed.lambda-public-invoke")
            .contains(&"AWS Lambda Function Policy Updated to Allow Public Invocation".to_owned())
    );
    assert_eq!(report["summary"]["detected"], 5);
    // The table form says the same.
    let table = trailhound(&[
        "fidelity",
        "--ground-truth",
        &dir.join("ground-truth.jsonl").to_string_lossy(),
        "--alerts",
        &alerts.to_string_lossy(),
    ]);
    ok(&table);
    assert!(String::from_utf8_lossy(&table.stdout).contains("5 of 5 techniques detected"));
}

fn fidelity(gt: &Path, alerts: &Path) -> serde_json::Value {
    let out = trailhound(&[
        "fidelity",
        "--json",
        "--ground-truth",
        &gt.to_string_lossy(),
        "--alerts",
        &alerts.to_string_lossy(),
    ]);
    ok(&out);
    serde_json::from_slice(&out.stdout).expect("JSON report")
}

#[test]
fn attacks_are_listed_and_unknown_ones_rejected() {
    let list = trailhound(&["simulate", "--list-attacks"]);
    ok(&list);
    let text = String::from_utf8_lossy(&list.stdout);
    for s in SEEDS {
        assert!(text.contains(s), "{s}");
    }
    assert!(text.contains("aws.persistence.lambda-backdoor-function"));
    let tmp = tempfile::tempdir().expect("temp dir");
    let out = tmp.path().join("x").to_string_lossy().into_owned();
    let bad = trailhound(&["simulate", "--out", &out, "-a", "aws.nope"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--list-attacks"));
    let bad_time = trailhound(&[
        "simulate",
        "--out",
        &out,
        "-a",
        "seed.iam-policy-change@yesterday-ish",
    ]);
    assert_eq!(bad_time.status.code(), Some(2));
}

//! `trailhound rules list | validate | coverage | test` over every shared corpus and the bundled
//! pack, compared with reviewed snapshots (`tests/snapshots/rules_*.txt`; `UPDATE_SNAPSHOTS=1`
//! rewrites them), and `rules validate` on one deliberately broken rule per language, which must
//! name the file, line and column of the mistake.

use std::path::{Path, PathBuf};
use std::process::Command;

fn shared() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus")
}

/// Runs `trailhound ARGS` in `dir` (so paths print relative): exit code, stdout, stderr.
fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_trailhound"))
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn snapshot(name: &str, actual: &str) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots")
        .join(format!("rules_{name}.txt"));
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, actual).expect("write snapshot");
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    if expected != actual {
        let (old, new): (Vec<&str>, Vec<&str>) =
            (expected.lines().collect(), actual.lines().collect());
        let gone: Vec<&&str> = old.iter().filter(|l| !new.contains(l)).collect();
        let added: Vec<&&str> = new.iter().filter(|l| !old.contains(l)).collect();
        panic!(
            "{name} changed.\nno longer:\n{gone:#?}\nnew:\n{added:#?}\n(UPDATE_SNAPSHOTS=1 rewrites the snapshot after review)"
        );
    }
}

fn transcript(dir: &Path, args: &[&str]) -> String {
    let (code, out, err) = run(dir, args);
    format!(
        "$ trailhound {}\n[exit {code}]\n{out}{err}\n",
        args.join(" ")
    )
}

#[test]
fn every_corpus_and_the_pack_through_the_rule_commands() {
    let corpus = shared();
    let mut text = String::new();
    for sub in [
        "elastic-rules",
        "elastic-hunting",
        "datadog-rules",
        "sigma-cloudtrail",
    ] {
        for cmd in ["list", "validate", "coverage"] {
            text.push_str(&transcript(&corpus, &["rules", cmd, sub]));
        }
    }
    snapshot("corpora", &text);

    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut text = String::new();
    for cmd in ["list", "validate", "coverage", "test"] {
        text.push_str(&transcript(&root, &["rules", cmd]));
    }
    snapshot("pack", &text);
}

/// An Elastic rule whose query (from line 14 of the file) is `query`.
fn elastic(n: u32, what: &str, language: &str, kind: &str, query: &str) -> String {
    format!(
        "[metadata]\ncreation_date = \"2026/01/01\"\n[rule]\nauthor = [\"test\"]\n\
         description = \"Broken: {what}.\"\nindex = [\"logs-aws.cloudtrail-*\"]\n\
         language = \"{language}\"\nname = \"Broken {language}\"\nrisk_score = 21\n\
         rule_id = \"00000000-0000-4000-8000-00000000000{n}\"\nseverity = \"low\"\n\
         type = \"{kind}\"\nquery = \'\'\'\n{query}\n\'\'\'\n"
    )
}

const DATADOG: &str = r#"{
  "name": "Broken Datadog search",
  "type": "log_detection",
  "queries": [
    {"query": "source:cloudtrail @evt.name:(CreateUser OR", "groupByFields": [], "aggregation": "count"}
  ],
  "cases": [{"status": "low", "condition": "a > 0"}],
  "options": {"detectionMethod": "threshold", "evaluationWindow": 300, "keepAlive": 300, "maxSignalDuration": 900},
  "message": "broken",
  "tags": []
}
"#;

const SIGMA: &str = "title: Broken Sigma modifier
logsource:
  product: aws
  service: cloudtrail
detection:
  selection:
    eventName|contans: Policy
  condition: selection
";

#[test]
fn validate_names_the_position_of_each_broken_rule() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let kql = "event.dataset:aws.cloudtrail and event.action:(CreateUser or DeleteUser";
    let eql = "any where event.dataset == \"aws.cloudtrail\" and\n  stringContainz(event.action, \"Policy\")";
    let esql = "from logs-aws.cloudtrail-*\n| where event.provider = \"iam.amazonaws.com\"";
    for (name, text) in [
        (
            "broken_kql.toml",
            elastic(1, "an unclosed list", "kuery", "query", kql),
        ),
        (
            "broken_eql.toml",
            elastic(2, "an unknown function", "eql", "eql", eql),
        ),
        (
            "broken_esql.toml",
            elastic(3, "a single `=`", "esql", "esql", esql),
        ),
        ("broken_datadog.json", DATADOG.to_owned()),
        ("broken_sigma.yml", SIGMA.to_owned()),
    ] {
        std::fs::write(tmp.path().join(name), text).expect("write");
    }
    let (code, out, err) = run(tmp.path(), &["rules", "validate", "."]);
    let err = format!("{out}{err}");
    assert_eq!(code, 2, "{err}");
    // The exact position of each mistake (line and column within the file).
    for position in [
        "broken_kql.toml:14:47: unclosed `(`",
        "broken_eql.toml:15:3: unknown function [stringContainz]",
        "broken_esql.toml:15:24: mismatched input '='",
        "broken_datadog.json:5:56: `OR` has nothing after it",
        "broken_sigma.yml:7:15: unknown modifier `contans`",
    ] {
        assert!(err.contains(position), "{position} in\n{err}");
    }
    snapshot("broken", &err);
}

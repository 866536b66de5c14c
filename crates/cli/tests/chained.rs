//! `hunt` with rules fed by other rules' alerts, end to end: a Sigma correlation over a
//! correlation (the repository's example rule; the inner correlation is hidden unless building
//! blocks are asked for) and the shared
//! corpus's Datadog signal correlation.

use std::path::Path;
use std::process::Command;

fn login(n: u32, minute: u32, ip: &str, outcome: &str) -> String {
    format!(
        r#"{{"eventID":"l{n}","eventTime":"2024-05-01T10:{minute:02}:00Z","eventName":"ConsoleLogin","eventSource":"signin.amazonaws.com","eventType":"AwsConsoleSignIn","sourceIPAddress":"{ip}","userIdentity":{{"type":"IAMUser","userName":"alice"}},"responseElements":{{"ConsoleLogin":"{outcome}"}}}}"#
    )
}

fn explorer(n: u32, name: &str, hour: u32, key: &str) -> String {
    format!(
        r#"{{"eventID":"x{n}","eventTime":"2024-05-01T{hour:02}:00:00Z","eventName":"{name}","eventSource":"resource-explorer-2.amazonaws.com","eventType":"AwsApiCall","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.9","userIdentity":{{"type":"IAMUser","userName":"dev","accessKeyId":"{key}"}}}}"#
    )
}

fn hunt(dir: &Path, extra: &[&str]) -> Vec<String> {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/datadog-rules");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_trailhound"));
    let example = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/rules/console_brute_force_then_success.yml");
    cmd.args(["hunt", "--no-progress", "-f", "jsonl", "-r"])
        .arg(example);
    for id in ["def-000-h6a", "def-000-8qc", "def-000-nlb"] {
        cmd.arg("-r").arg(corpus.join(format!("{id}.json")));
    }
    let out = cmd
        .args(extra)
        .arg(dir.join("events.ndjson"))
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut names: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("jsonl");
            let group: Vec<&str> = v["group"]
                .as_object()
                .map(|g| g.values().filter_map(|x| x.as_str()).collect())
                .unwrap_or_default();
            format!(
                "{} {}",
                v["rule"]["name"].as_str().unwrap_or(""),
                group.join(",")
            )
        })
        .collect();
    names.sort();
    names
}

#[test]
fn rules_over_rules_from_the_command_line() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let mut lines = Vec::new();
    // Burst then success from .1; a burst only from .2.
    for (n, m) in [(1, 0), (2, 1), (3, 2)] {
        lines.push(login(n, m, "198.51.100.1", "Failure"));
        lines.push(login(n + 10, m, "198.51.100.2", "Failure"));
    }
    lines.push(login(4, 30, "198.51.100.1", "Success"));
    lines.push(explorer(1, "CreateIndex", 10, "AKIA1"));
    lines.push(explorer(2, "ListResources", 12, "AKIA1"));
    lines.push(explorer(3, "ListResources", 10, "AKIA2"));
    std::fs::write(tmp.path().join("events.ndjson"), lines.join("\n")).expect("write");

    let explorer_signals = [
        "AWS CreateIndex by long term access key AKIA1,us-east-1",
        "AWS ListResources by long term access key AKIA1,us-east-1",
        "AWS ListResources by long term access key AKIA2,us-east-1",
    ];
    let correlated = [
        "AWS CreateIndex followed by ListResources via long term access key AKIA1,us-east-1",
        "Failed console logins, then a successful one, from one address 198.51.100.1",
    ];
    let mut expected: Vec<&str> = explorer_signals
        .iter()
        .chain(&correlated)
        .copied()
        .collect();
    expected.sort();
    assert_eq!(hunt(tmp.path(), &[]), expected);

    let mut with_inner = expected.clone();
    with_inner.extend([
        "Three failed console logins from one address 198.51.100.1",
        "Three failed console logins from one address 198.51.100.2",
    ]);
    with_inner.sort();
    assert_eq!(hunt(tmp.path(), &["--include-building-blocks"]), with_inner);
}

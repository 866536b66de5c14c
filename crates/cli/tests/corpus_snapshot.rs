//! Every shared rule corpus (Elastic, Sigma, Datadog) over the shared CloudTrail logs, through
//! `trailhound hunt` as a user runs it: which rule raised which alert on which events. The
//! snapshot (`tests/snapshots/corpus_alerts.txt`) was reviewed rule by rule; a change shows as
//! a diff. `UPDATE_SNAPSHOTS=1` rewrites it.

use std::path::PathBuf;
use std::process::Command;

fn shared(sub: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/corpus")
        .join(sub)
}

fn short(path: &str) -> String {
    path.rsplit('/').next().unwrap_or(path).to_owned()
}

#[test]
fn shared_rules_over_shared_logs() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let mapping = tmp.path().join("sigma-mapping.yml");
    std::fs::write(
        &mapping,
        "field_mappings:\n  src_ip: sourceIPAddress\nplaceholders:\n  Legitimate_Countries: [US]\n  Legitimate_IP_Ranges: ['10.*']\n",
    )
    .expect("write");
    let out = Command::new(env!("CARGO_BIN_EXE_trailhound"))
        .args([
            "hunt",
            "--format",
            "jsonl",
            "--include-building-blocks",
            "--sigma-mapping",
        ])
        .arg(&mapping)
        .arg("--rules")
        .arg(shared("elastic-rules"))
        .arg("--rules")
        .arg(shared("elastic-hunting"))
        .arg("--rules")
        .arg(shared("sigma-cloudtrail"))
        .arg("--rules")
        .arg(shared("datadog-rules"))
        .args(["--now", "2023-07-11T00:00:00Z"])
        .arg(shared("cloudtrail/invictus-aws-dataset/CloudTrail"))
        .arg(shared("cloudtrail/traildiscover/logExamples"))
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    // The one broken rule of the corpora: a hunting query written with `=` for `==`. It is
    // reported with its position, the rest run, and the exit code says a rule failed.
    let errors: Vec<&str> = stderr
        .lines()
        .filter(|l| {
            l.contains("[esql::")
                || l.contains("[kql::")
                || l.contains("[eql::")
                || l.contains("[sigma::")
                || l.contains("[datadog::")
        })
        .filter(|l| !l.starts_with("warning:"))
        .collect();
    assert_eq!(errors.len(), 1, "{stderr}");
    assert!(
        errors[0]
            .contains("servicequotas_discovery_multi_region_get_service_quota_calls.toml:25:62"),
        "{}",
        errors[0]
    );
    assert!(errors[0].contains("[esql::single_equals]"), "{}", errors[0]);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    let mut lines: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| {
            let a: serde_json::Value = serde_json::from_str(l).expect("alert JSON");
            let mut ids: Vec<String> = a["events"]
                .as_array()
                .map(|e| {
                    e.iter()
                        .map(|e| {
                            e["eventID"]
                                .as_str()
                                .unwrap_or("?")
                                .chars()
                                .take(8)
                                .collect()
                        })
                        .collect()
                })
                .unwrap_or_default();
            ids.sort();
            let group = if a["group"].as_object().is_some_and(|g| !g.is_empty()) {
                format!(" group={}", a["group"])
            } else {
                String::new()
            };
            format!(
                "{} {} [{}] {} count={} events={}{}",
                a["rule"]["source"].as_str().unwrap_or(""),
                short(a["rule"]["file"].as_str().unwrap_or("")),
                a["rule"]["type"].as_str().unwrap_or(""),
                a["@timestamp"].as_str().unwrap_or(""),
                a["count"],
                ids.join(","),
                group
            )
        })
        .collect();
    lines.sort();
    let summary = stderr
        .lines()
        .filter(|l| l.starts_with("trailhound:") && !l.contains(" s, "))
        .collect::<Vec<_>>()
        .join("\n");
    let text = format!(
        "# trailhound hunt over shared/corpus/cloudtrail with every shared rule corpus (tests/corpus_snapshot.rs).\n# {} alerts. Reviewed: see the issue notes.\n{summary}\n{}\n",
        lines.len(),
        lines.join("\n")
    );
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots/corpus_alerts.txt");
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, &text).expect("write snapshot");
        return;
    }
    let want = std::fs::read_to_string(&path).unwrap_or_default();
    if want != text {
        let want_lines: std::collections::BTreeSet<&str> = want.lines().collect();
        let got_lines: std::collections::BTreeSet<&str> = text.lines().collect();
        let missing: Vec<&&str> = want_lines.difference(&got_lines).collect();
        let extra: Vec<&&str> = got_lines.difference(&want_lines).collect();
        panic!(
            "corpus alerts changed.\nno longer produced:\n{missing:#?}\nnew:\n{extra:#?}\n(UPDATE_SNAPSHOTS=1 rewrites the snapshot after review)"
        );
    }
}

//! Every `hunt --format` from the command line (the alerts crate's golden tests check each
//! format's exact bytes; these check the CLI picks the right one and writes to `--output`).

use std::process::Command;

const EVENT: &str = r#"{"eventVersion":"1.08","userIdentity":{"type":"IAMUser","principalId":"AIDA1","arn":"arn:aws:iam::111122223333:user/mallory","accountId":"111122223333","accessKeyId":"AKIAEXAMPLE1","userName":"mallory"},"eventTime":"2024-05-01T10:00:00Z","eventSource":"lambda.amazonaws.com","eventName":"AddPermission20150331v2","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.9","userAgent":"aws-cli/2.15.0 Python/3.11","requestParameters":{"functionName":"backdoor","statementId":"s1","action":"lambda:InvokeFunction","principal":"*"},"eventID":"ev-public","eventType":"AwsApiCall","recipientAccountId":"111122223333"}"#;

fn hunt(format: &str) -> String {
    let tmp = tempfile::tempdir().expect("temp dir");
    let log = tmp.path().join("log.ndjson");
    std::fs::write(&log, EVENT).expect("write");
    let out_file = tmp.path().join("out");
    let out = Command::new(env!("CARGO_BIN_EXE_trailhound"))
        .args(["hunt", "--no-progress", "-q", "-f", format, "-o"])
        .arg(&out_file)
        .arg(&log)
        .output()
        .expect("runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stdout.is_empty(), "--output takes the alerts");
    std::fs::read_to_string(&out_file).expect("output file")
}

const PUBLIC: &str = "AWS Lambda Function Policy Updated to Allow Public Invocation";

#[test]
fn jsonl_and_csv() {
    let jsonl = hunt("jsonl");
    let names: Vec<String> = jsonl
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).expect("JSON")["rule"]["name"]
                .as_str()
                .expect("name")
                .to_owned()
        })
        .collect();
    assert!(names.contains(&PUBLIC.to_owned()), "{names:?}");
    let csv = hunt("csv");
    // Messages may span lines inside quotes; records start with the alert's time.
    let records = csv.lines().filter(|l| l.starts_with("2024-05-01T")).count();
    assert!(csv.starts_with("timestamp,alert_id,severity"));
    assert_eq!(records, names.len(), "one row per alert");
    assert!(csv.contains(PUBLIC));
}

#[test]
fn ecs_bulk_lines_pair_actions_with_documents() {
    let text = hunt("ecs");
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON"))
        .collect();
    assert!(lines.len() >= 2 && lines.len().is_multiple_of(2));
    for pair in lines.chunks(2) {
        assert_eq!(
            pair[0]["create"]["_index"],
            ".alerts-security.alerts-default"
        );
        assert!(
            pair[1]["kibana.alert.rule.name"].is_string()
                || pair[1]["kibana"]["alert"]["rule"]["name"].is_string(),
            "{}",
            pair[1]
        );
    }
    assert!(text.contains(PUBLIC));
}

#[test]
fn sarif_is_one_document() {
    let doc: serde_json::Value = serde_json::from_str(&hunt("sarif")).expect("one JSON document");
    assert_eq!(doc["version"], "2.1.0");
    let results = doc["runs"][0]["results"].as_array().expect("results");
    assert!(!results.is_empty());
}

#[test]
fn timeline_groups_by_principal() {
    let text = hunt("timeline");
    assert!(
        text.starts_with("arn:aws:iam::111122223333:user/mallory"),
        "{text}"
    );
    assert!(text.contains(PUBLIC));
    assert!(!text.contains('\u{1b}'), "no colour in a file");
}

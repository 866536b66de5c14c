//! `trailhound explain` renders an alert's investigation guide with the triggering event's
//! values filled in (seed 002, bundled pack).

use std::process::Command;

const EVENT: &str = r#"{"eventVersion":"1.08","userIdentity":{"type":"IAMUser","principalId":"AIDA1","arn":"arn:aws:iam::111122223333:user/mallory","accountId":"111122223333","accessKeyId":"AKIAEXAMPLE1","userName":"mallory"},"eventTime":"2024-05-01T10:00:00Z","eventSource":"lambda.amazonaws.com","eventName":"AddPermission20150331v2","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.9","userAgent":"aws-cli/2.15.0 Python/3.11","requestParameters":{"functionName":"backdoor","statementId":"s1","action":"lambda:InvokeFunction","principal":"*"},"eventID":"ev-public","eventType":"AwsApiCall","recipientAccountId":"111122223333"}"#;

#[test]
fn explain_fills_the_seed_002_guide() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let log = tmp.path().join("log.ndjson");
    std::fs::write(&log, EVENT).expect("write");
    let hunt = Command::new(env!("CARGO_BIN_EXE_trailhound"))
        .args(["hunt", "--format", "jsonl"])
        .arg(&log)
        .output()
        .expect("runs");
    let alerts = String::from_utf8_lossy(&hunt.stdout).into_owned();
    let line = alerts
        .lines()
        .find(|l| l.contains("Allow Public Invocation"))
        .expect("seed 002 fires");
    let alert: serde_json::Value = serde_json::from_str(line).expect("JSON");
    let id = alert["alert"]["id"].as_str().expect("id");
    let file = tmp.path().join("alerts.jsonl");
    std::fs::write(&file, &alerts).expect("write");
    let out = Command::new(env!("CARGO_BIN_EXE_trailhound"))
        .args(["explain", &id[..10], "--alerts"])
        .arg(&file)
        .output()
        .expect("runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.starts_with("AWS Lambda Function Policy Updated to Allow Public Invocation"),
        "{text}"
    );
    assert!(text.contains("Triage and analysis"));
    // Actor ARN, request parameters, source IP and user agent of the triggering event.
    assert!(
        text.contains("`arn:aws:iam::111122223333:user/mallory` called `AddPermission20150331v2`"),
        "{text}"
    );
    assert!(
        text.contains(
            "{principal=*, functionName=backdoor, statementId=s1, action=lambda:InvokeFunction}"
        ),
        "{text}"
    );
    assert!(text.contains("`source.ip` (203.0.113.9)"), "{text}");
    assert!(
        text.contains("`user_agent.original` (aws-cli/2.15.0 Python/3.11)"),
        "{text}"
    );
    assert!(text.contains("Investigation fields"));
    assert!(!text.contains('\u{1b}'), "no colour off a terminal");

    let missing = Command::new(env!("CARGO_BIN_EXE_trailhound"))
        .args(["explain", "ffffffff", "--alerts"])
        .arg(&file)
        .output()
        .expect("runs");
    assert_eq!(missing.status.code(), Some(2));
}

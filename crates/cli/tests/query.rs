//! `trailhound query` (KQL, EQL, ES|QL, Datadog) and `trailhound hunt-query`, end to end.

use std::path::Path;
use std::process::{Command, Output};

fn event(id: &str, time: &str, name: &str, user: &str, action: &str) -> String {
    format!(
        r#"{{"eventVersion":"1.08","userIdentity":{{"type":"IAMUser","principalId":"AIDA1","arn":"arn:aws:iam::111122223333:user/{user}","accountId":"111122223333","userName":"{user}"}},"eventTime":"{time}","eventSource":"lambda.amazonaws.com","eventName":"{name}","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.9","userAgent":"aws-cli/2.15.0","requestParameters":{{"functionName":"backdoor","statementId":"{id}","action":"lambda:{action}","principal":"*"}},"eventID":"{id}","eventType":"AwsApiCall","recipientAccountId":"111122223333"}}"#
    )
}

fn logs(dir: &Path) -> std::path::PathBuf {
    let lines = [
        event(
            "e1",
            "2024-05-01T10:00:00Z",
            "AddPermission20150331v2",
            "mallory",
            "InvokeFunction",
        ),
        event(
            "e2",
            "2024-05-01T10:01:00Z",
            "GetPolicy20150331v2",
            "mallory",
            "GetPolicy",
        ),
        event(
            "e3",
            "2024-05-01T10:02:00Z",
            "AddPermission20150331v2",
            "alice",
            "GetFunction",
        ),
        event(
            "e4",
            "2024-05-01T10:03:00Z",
            "AddPermission20150331v2",
            "mallory",
            "UpdateFunctionCode",
        ),
    ];
    let path = dir.join("log.ndjson");
    std::fs::write(&path, lines.join("\n")).expect("write");
    path
}

fn run(args: &[&str], log: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_trailhound"))
        .args(args)
        .arg(log)
        .arg("--no-progress")
        .output()
        .expect("runs")
}

fn ids(out: &Output) -> Vec<String> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| !l.is_empty())
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("JSON line");
            v["eventID"]
                .as_str()
                .or_else(|| v["event"]["id"].as_str())
                .expect("an id")
                .to_owned()
        })
        .collect()
}

#[test]
fn kql_is_exact_on_keywords_and_takes_wildcards() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let log = logs(tmp.path());
    // event.action is a keyword: the bare API name does not match the versioned one.
    let exact = run(&["query", "-l", "kql", "event.action:AddPermission"], &log);
    assert_eq!(exact.status.code(), Some(0));
    assert!(ids(&exact).is_empty());
    let wild = run(
        &[
            "query",
            "-l",
            "kql",
            "event.action:AddPermission* and not user.name:alice",
        ],
        &log,
    );
    assert_eq!(ids(&wild), ["e1", "e4"]);
    // --view ecs prints the ECS document.
    let ecs = run(
        &["query", "-l", "kql", "user.name:alice", "--view", "ecs"],
        &log,
    );
    let line = String::from_utf8_lossy(&ecs.stdout).into_owned();
    let doc: serde_json::Value = serde_json::from_str(line.trim()).expect("JSON");
    assert_eq!(doc["event"]["id"], "e3");
    assert_eq!(doc["event"]["provider"], "lambda.amazonaws.com");
}

#[test]
fn eql_event_queries_pipes_and_sequences() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let log = logs(tmp.path());
    // `:` is case-insensitive in EQL, `==` is not.
    let ci = run(
        &["query", "-l", "eql", r#"any where user.name : "MALLORY""#],
        &log,
    );
    assert_eq!(ids(&ci), ["e1", "e2", "e4"]);
    let cs = run(
        &["query", "-l", "eql", r#"any where user.name == "MALLORY""#],
        &log,
    );
    assert!(ids(&cs).is_empty());
    let tail = run(
        &[
            "query",
            "-l",
            "eql",
            r#"any where user.name : "mallory" | tail 1"#,
        ],
        &log,
    );
    assert_eq!(ids(&tail), ["e4"]);
    // A sequence prints its events in order, a blank line after each sequence.
    let seq = run(
        &[
            "query",
            "-l",
            "eql",
            r#"sequence by user.name with maxspan=5m [any where event.action : "GetPolicy*"] [any where event.action : "AddPermission*"]"#,
        ],
        &log,
    );
    assert_eq!(
        seq.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&seq.stderr)
    );
    assert_eq!(ids(&seq), ["e2", "e4"]);
    assert!(String::from_utf8_lossy(&seq.stdout).contains("}\n\n"));
}

#[test]
fn datadog_queries_run_over_the_datadog_view() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let log = logs(tmp.path());
    let out = run(
        &[
            "query",
            "-l",
            "datadog",
            "@evt.name:AddPermission* -@userIdentity.userName:alice",
        ],
        &log,
    );
    assert_eq!(ids(&out), ["e1", "e4"]);
}

#[test]
fn esql_prints_a_table_in_three_formats() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let log = logs(tmp.path());
    let q = "FROM logs-aws.cloudtrail-* | STATS calls = COUNT(*) BY user.name | SORT calls DESC, user.name";
    let jsonl = run(&["query", "-l", "esql", q, "-f", "jsonl"], &log);
    assert_eq!(
        jsonl.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&jsonl.stderr)
    );
    let rows: Vec<serde_json::Value> = String::from_utf8_lossy(&jsonl.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON"))
        .collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["user.name"], "mallory");
    assert_eq!(rows[0]["calls"], 3);
    assert_eq!(rows[1]["calls"], 1);
    let csv = run(&["query", "-l", "esql", q, "-f", "csv"], &log);
    assert_eq!(
        String::from_utf8_lossy(&csv.stdout),
        "calls,user.name\n3,mallory\n1,alice\n"
    );
    let table = run(&["query", "-l", "esql", q], &log);
    let text = String::from_utf8_lossy(&table.stdout);
    assert!(
        text.lines()
            .next()
            .is_some_and(|h| h.starts_with("calls") && h.contains("user.name")),
        "{text}"
    );
    assert!(text.contains("mallory"));
}

#[test]
fn query_errors_point_at_the_query() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let log = logs(tmp.path());
    for (lang, q) in [
        ("kql", "event.action:(a or"),
        ("eql", "any where ("),
        ("esql", "FROM x | STATS"),
        ("datadog", "@a:(b OR"),
    ] {
        let out = run(&["query", "-l", lang, q], &log);
        assert_eq!(out.status.code(), Some(2), "{lang}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("<query>:1:"), "{lang}: {err}");
    }
}

#[test]
fn hunt_query_lists_and_runs_bundled_hunts() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let log = logs(tmp.path());
    let list = Command::new(env!("CARGO_BIN_EXE_trailhound"))
        .args(["hunt-query", "list"])
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&list.stdout);
    assert!(
        text.contains("lambda_add_permissions_for_write_actions"),
        "{text}"
    );
    let out = run(
        &[
            "hunt-query",
            "run",
            "lambda_add_permissions_for_write_actions",
            "-f",
            "jsonl",
        ],
        &log,
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let actions: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).expect("JSON")["action_value"]
                .as_str()
                .expect("action")
                .to_owned()
        })
        .collect();
    // GetFunction is not a write action; GetPolicy is not AddPermission.
    assert_eq!(actions, ["InvokeFunction", "UpdateFunctionCode"]);
    let missing = run(&["hunt-query", "run", "no_such_hunt"], &log);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("hunt-query list"));
}

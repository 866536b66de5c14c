//! `hunt --exceptions`: an exception suppresses exactly what it names, in every condition
//! language, is counted, and the suppressed alerts can be listed (`--excepted`).

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Output};

fn event(
    id: &str,
    minute: u32,
    user: &str,
    ip: &str,
    name: &str,
    source: &str,
    params: &str,
) -> String {
    format!(
        r#"{{"eventVersion":"1.08","userIdentity":{{"type":"IAMUser","principalId":"AIDA{user}","arn":"arn:aws:iam::111122223333:user/{user}","accountId":"111122223333","userName":"{user}"}},"eventTime":"2024-05-01T10:{minute:02}:00Z","eventSource":"{source}","eventName":"{name}","awsRegion":"us-east-1","sourceIPAddress":"{ip}","userAgent":"aws-cli/2.15.0","requestParameters":{params},"eventID":"{id}","eventType":"AwsApiCall","recipientAccountId":"111122223333"}}"#
    )
}

fn logs(dir: &Path) -> std::path::PathBuf {
    let lambda = "lambda.amazonaws.com";
    let iam = "iam.amazonaws.com";
    let lines = [
        // Public grant by mallory: the public-invocation rule, the write-actions hunt, the
        // Datadog IAM-user rule.
        event(
            "e1",
            0,
            "mallory",
            "203.0.113.9",
            "AddPermission20150331v2",
            lambda,
            r#"{"functionName":"backdoor","statementId":"s1","action":"lambda:InvokeFunction","principal":"*"}"#,
        ),
        // Cross-account grant by alice.
        event(
            "e2",
            1,
            "alice",
            "198.51.100.7",
            "AddPermission20150331v2",
            lambda,
            r#"{"functionName":"reports","statementId":"s2","action":"lambda:InvokeFunction","principal":"444455556666"}"#,
        ),
        // IAM policy changes by both.
        event(
            "e3",
            2,
            "mallory",
            "203.0.113.9",
            "AttachUserPolicy",
            iam,
            r#"{"userName":"mallory","policyArn":"arn:aws:iam::aws:policy/AdministratorAccess"}"#,
        ),
        event(
            "e4",
            3,
            "alice",
            "198.51.100.7",
            "PutUserPolicy",
            iam,
            r#"{"userName":"alice","policyName":"p","policyDocument":"{}"}"#,
        ),
    ];
    let path = dir.join("log.ndjson");
    std::fs::write(&path, lines.join("\n")).expect("write");
    path
}

const SIGMA_RULE: &str = "title: Policy attached to a user
id: 5d0c9a8e-2b4f-4c1e-9f7a-3e6b1d2c4a55
status: test
logsource:
  product: aws
  service: cloudtrail
detection:
  selection:
    eventSource: iam.amazonaws.com
    eventName: AttachUserPolicy
  condition: selection
level: medium
";

struct Run {
    out: Output,
    /// (rule name, event ids) of every alert.
    alerts: BTreeSet<(String, String)>,
    excepted: BTreeSet<(String, String)>,
}

fn key(line: &str) -> (String, String) {
    let v: serde_json::Value = serde_json::from_str(line).expect("JSON");
    let ids: Vec<&str> = v["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter_map(|e| e["eventID"].as_str())
        .collect();
    (
        v["rule"]["name"].as_str().expect("name").to_owned(),
        ids.join(","),
    )
}

fn hunt(dir: &Path, exceptions: Option<&str>) -> Run {
    let log = logs(dir);
    let sigma_dir = dir.join("sigma");
    std::fs::create_dir_all(&sigma_dir).expect("dir");
    std::fs::write(sigma_dir.join("attach.yml"), SIGMA_RULE).expect("write");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_trailhound"));
    cmd.args(["hunt", "--no-progress", "-f", "jsonl", "--no-replay", "-r"])
        .arg(dir.parent().expect("parent").join("pack-copy"))
        .arg("-r")
        .arg(&sigma_dir);
    let excepted = dir.join("excepted.jsonl");
    if let Some(x) = exceptions {
        let file = dir.join("exceptions.toml");
        std::fs::write(&file, x).expect("write");
        cmd.arg("--exceptions")
            .arg(&file)
            .arg("--excepted")
            .arg(&excepted);
    }
    let out = cmd.arg(&log).output().expect("runs");
    let alerts = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(key)
        .collect();
    let excepted = std::fs::read_to_string(&excepted)
        .unwrap_or_default()
        .lines()
        .map(key)
        .collect();
    Run {
        out,
        alerts,
        excepted,
    }
}

/// The bundled pack's seed rules, copied out of the repository for `-r`.
fn with_pack(f: impl FnOnce(&Path)) {
    let tmp = tempfile::tempdir().expect("temp dir");
    let pack = tmp.path().join("pack-copy");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../rules");
    for (sub, file) in [
        ("elastic", "lambda_policy_public_invocation.toml"),
        ("elastic", "lambda_policy_cross_account_invocation.toml"),
        (
            "elastic/hunting",
            "lambda_add_permissions_for_write_actions.toml",
        ),
        ("datadog", "iam_policy_changed.json"),
        (
            "datadog",
            "lambda_resource_policy_modified_by_iam_user.json",
        ),
    ] {
        std::fs::create_dir_all(pack.join(sub)).expect("dir");
        std::fs::copy(root.join(sub).join(file), pack.join(sub).join(file)).expect("copy");
    }
    let work = tmp.path().join("work");
    std::fs::create_dir_all(&work).expect("dir");
    f(&work);
}

const PUBLIC: &str = "AWS Lambda Function Policy Updated to Allow Public Invocation";
const CROSS: &str = "AWS Lambda Function Policy Updated to Allow Cross-Account Invocation";
const HUNT: &str = "Lambda Add Permissions for Write Actions to Function";
const IAM: &str = "AWS IAM policy changed";
const SIGMA: &str = "Policy attached to a user";

fn pair(rule: &str, ids: &str) -> (String, String) {
    (rule.to_owned(), ids.to_owned())
}

fn stderr(run: &Run) -> String {
    String::from_utf8_lossy(&run.out.stderr).into_owned()
}

#[test]
fn baseline_without_exceptions() {
    with_pack(|dir| {
        let run = hunt(dir, None);
        assert_eq!(run.out.status.code(), Some(0), "{}", stderr(&run));
        for p in [
            pair(PUBLIC, "e1"),
            pair(CROSS, "e2"),
            pair(HUNT, "e1"),
            pair(HUNT, "e2"),
            pair(SIGMA, "e3"),
        ] {
            assert!(run.alerts.contains(&p), "{p:?} in {:?}", run.alerts);
        }
        // The Datadog threshold rule groups by principal.
        assert!(run.alerts.contains(&pair(IAM, "e3")), "{:?}", run.alerts);
        assert!(run.alerts.contains(&pair(IAM, "e4")), "{:?}", run.alerts);
    });
}

/// Runs with `exceptions` and checks that exactly `removed` alerts left the output, and that
/// those of per-event rules (`listed`) went to the `--excepted` file; the ES|QL hunt is
/// stateful, so the exception keeps its event out rather than listing an alert.
fn check(exceptions: &str, removed: &[(&str, &str)], listed: &[(&str, &str)]) -> Run {
    let mut result = None;
    with_pack(|dir| {
        let base = hunt(dir, None);
        let run = hunt(dir, Some(exceptions));
        assert_eq!(run.out.status.code(), Some(0), "{}", stderr(&run));
        let removed: BTreeSet<(String, String)> = removed.iter().map(|(r, i)| pair(r, i)).collect();
        let expected: BTreeSet<(String, String)> =
            base.alerts.difference(&removed).cloned().collect();
        // Stateful alerts change shape rather than vanish; compare the per-event ones only.
        let per_event = |s: &BTreeSet<(String, String)>| -> BTreeSet<(String, String)> {
            s.iter()
                .filter(|(r, _)| r != IAM && !r.contains("resource-based"))
                .cloned()
                .collect()
        };
        assert_eq!(
            per_event(&run.alerts),
            per_event(&expected),
            "{}",
            stderr(&run)
        );
        let listed: BTreeSet<(String, String)> = listed.iter().map(|(r, i)| pair(r, i)).collect();
        assert_eq!(run.excepted, listed);
        result = Some(run);
    });
    result.expect("ran")
}

#[test]
fn kql_exception_scoped_to_one_rule_by_name() {
    let run = check(
        "[[exception]]\nname = \"lab\"\nrules = [\"AWS Lambda Function Policy Updated to Allow Public Invocation\"]\nkql = 'user.name : \"mallory\"'\n",
        &[(PUBLIC, "e1")],
        &[(PUBLIC, "e1")],
    );
    assert!(
        stderr(&run).contains("exception `lab`: 1 alerts suppressed, 0 events"),
        "{}",
        stderr(&run)
    );
}

#[test]
fn eql_exception_scoped_to_a_source() {
    // Every Elastic rule, alice's address: the cross-account rule and the hunt on e2.
    check(
        "[[exception]]\nname = \"alice office\"\nsources = [\"elastic\"]\neql = 'source.ip == \"198.51.100.7\"'\n",
        &[(CROSS, "e2"), (HUNT, "e2")],
        &[(CROSS, "e2")],
    );
}

#[test]
fn datadog_exception_keeps_events_out_of_a_threshold_rule() {
    let run = check(
        "[[exception]]\nname = \"alice\"\ntags = [\"control:4.4\"]\ndatadog = '@userIdentity.userName:alice'\n",
        &[],
        &[],
    );
    // The IAM rule now counts mallory's change only.
    assert!(run.alerts.contains(&pair(IAM, "e3")), "{:?}", run.alerts);
    assert!(!run.alerts.contains(&pair(IAM, "e4")), "{:?}", run.alerts);
    assert!(
        stderr(&run).contains(
            "exception `alice`: 0 alerts suppressed, 1 events kept out of stateful rules"
        ),
        "{}",
        stderr(&run)
    );
}

#[test]
fn sigma_exception_applies_to_all_rules_without_scope() {
    let run = check(
        "[[exception]]\nname = \"admin attach\"\nsigma = '''\nadmin:\n  requestParameters.policyArn|endswith: /AdministratorAccess\ncondition: admin\n'''\n",
        &[(SIGMA, "e3")],
        &[(SIGMA, "e3")],
    );
    assert!(run.alerts.contains(&pair(IAM, "e4")), "{:?}", run.alerts);
    assert!(!run.alerts.contains(&pair(IAM, "e3")), "{:?}", run.alerts);
}

#[test]
fn expired_exceptions_are_not_applied() {
    with_pack(|dir| {
        let run = hunt(
            dir,
            Some(
                "[[exception]]\nname = \"old\"\nexpires = \"2020-01-01\"\nkql = 'user.name : *'\n",
            ),
        );
        assert!(run.alerts.contains(&pair(PUBLIC, "e1")));
        assert!(run.excepted.is_empty());
        assert!(
            stderr(&run).contains("exception `old` expired on 2020-01-01; not applied"),
            "{}",
            stderr(&run)
        );
    });
}

#[test]
fn a_broken_exceptions_file_stops_the_run_with_its_position() {
    with_pack(|dir| {
        let run = hunt(
            dir,
            Some("[[exception]]\nname = \"x\"\nkql = 'user.name : (a or'\n"),
        );
        assert_eq!(run.out.status.code(), Some(2));
        let err = stderr(&run);
        assert!(err.contains("exceptions.toml:3:"), "{err}");
        assert!(run.alerts.is_empty());
    });
}

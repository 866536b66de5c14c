//! Alerts for the integration tests: a fixed set built here (golden tests) and the alerts the
//! corpus rules raise on the corpus logs (schema tests), the sinks' output, and JSON Schema
//! validation through Python's `jsonschema` package.
#![allow(dead_code)] // each test binary uses a different part of this module

use serde_json::Value;
use std::borrow::Cow;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use trailhound_alerts::{
    AlertSink, CsvSink, EcsSink, JsonlSink, SarifSink, TableSink, TableStyle, TimelineSink,
};
use trailhound_engine::{
    Alert, AttackRef, Compliance, Detection, RuleMeta, RuleSet, RuleSource, RuntimeOptions,
    Severity, Suppression, Technique, Threat, run_in_order,
};
use trailhound_event::{Event, Origin, View};

/// The repository root (`crates/alerts/../..`).
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The shared corpus beside the repository.
pub fn corpus() -> PathBuf {
    repo().join("../shared/corpus")
}

fn event(raw: &str, record: u64) -> Arc<Event<'static>> {
    let doc: sonic_rs::Value = sonic_rs::from_str(raw).expect("fixture records are JSON");
    Arc::new(Event::new(
        Cow::Owned(raw.to_owned()),
        doc,
        Origin { source: 0, record },
    ))
}

fn threat(tactic: (&str, &str), technique: (&str, &str), sub: Option<(&str, &str)>) -> Threat {
    Threat {
        framework: "MITRE ATT&CK".into(),
        tactic: AttackRef::new(tactic.0, tactic.1),
        technique: vec![Technique {
            technique: AttackRef::new(technique.0, technique.1),
            subtechnique: sub
                .map(|(id, name)| AttackRef::new(id, name))
                .into_iter()
                .collect(),
        }],
    }
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

fn alert(rule: RuleMeta, view: View, detection: Detection) -> Alert {
    Alert::new(Arc::new(rule), view, detection)
}

fn time(ev: &Arc<Event<'static>>) -> i64 {
    ev.time_millis().expect("fixture records have eventTime")
}

/// Four alerts with fixed rules, events and times, in the order an engine might raise them
/// (not time order): an Elastic EQL rule with suppression, an Elastic threshold rule over five
/// failed calls (three kept), a Datadog rule whose case raises the severity, and an informational Sigma rule
/// on a failed call by an assumed role.
pub fn fixture_alerts() -> Vec<Alert> {
    let lambda = event(
        r#"{"eventVersion":"1.08","userIdentity":{"type":"IAMUser","principalId":"AIDAEXAMPLEBOB00001","arn":"arn:aws:iam::111122223333:user/bob","accountId":"111122223333","accessKeyId":"AKIAEXAMPLEBOB00001","userName":"bob"},"eventTime":"2024-05-01T10:05:00Z","eventSource":"lambda.amazonaws.com","eventName":"AddPermission20150331v2","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.9","userAgent":"aws-cli/2.15.0","requestParameters":{"functionName":"billing-export","statementId":"public-invoke","action":"lambda:InvokeFunction","principal":"*"},"responseElements":{"statement":"{\"Sid\":\"public-invoke\",\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"lambda:InvokeFunction\"}"},"requestID":"5f1c9b57-0000-4000-8000-00000000a001","eventID":"0f2c1a8e-0000-4000-8000-000000000001","readOnly":false,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"111122223333","eventCategory":"Management"}"#,
        1,
    );
    let mut suppressed = alert(
        RuleMeta {
            id: "151d8f72-0747-11ef-a0c2-f661ea17fbcc".into(),
            name: "AWS Lambda Function Policy Updated to Allow Public Invocation".into(),
            description: "Identifies when an AWS Lambda function policy is updated to allow public invocation.".into(),
            source: Some(RuleSource::Elastic),
            rule_type: "eql".into(),
            language: "eql".into(),
            file: "rules/elastic/lambda_policy_public_invocation.toml".into(),
            version: Some("5".into()),
            severity: Some(Severity::Medium),
            risk_score: 47,
            tags: strings(&["Domain: Cloud", "Data Source: AWS", "Tactic: Persistence"]),
            references: strings(&[
                "https://docs.aws.amazon.com/lambda/latest/dg/access-control-resource-based.html",
            ]),
            false_positives: strings(&["Functions that are meant to be public."]),
            note: Some("## Triage and analysis\n\nCheck who changed the policy and whether the function is meant to be public.\n".into()),
            threat: vec![threat(
                ("TA0003", "Persistence"),
                ("T1546", "Event Triggered Execution"),
                None,
            )],
            investigation_fields: strings(&["source.ip", "user.name", "event.action"]),
            suppression: Some(Suppression {
                group_by: strings(&["user.name"]),
                duration_ms: Some(300_000),
                suppress_missing: true,
            }),
            ..RuleMeta::default()
        },
        View::ECS,
        Detection {
            time_ms: time(&lambda),
            events: vec![lambda],
            count: 1,
            ..Detection::default()
        },
    );
    suppressed.suppressed_count = 2;

    let denied: Vec<_> = ["00", "20", "40"]
        .iter()
        .enumerate()
        .map(|(i, s)| {
            event(
                &format!(
                    r#"{{"eventVersion":"1.08","userIdentity":{{"type":"IAMUser","principalId":"AIDAEXAMPLEBOB00001","arn":"arn:aws:iam::111122223333:user/bob","accountId":"111122223333","userName":"bob"}},"eventTime":"2024-05-01T10:00:{s}Z","eventSource":"sts.amazonaws.com","eventName":"AssumeRole","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.9","userAgent":"aws-cli/2.15.0","errorCode":"AccessDenied","errorMessage":"User: arn:aws:iam::111122223333:user/bob is not authorized to perform: sts:AssumeRole","requestParameters":null,"responseElements":null,"requestID":"5f1c9b57-0000-4000-8000-00000000b0{i}0","eventID":"0f2c1a8e-0000-4000-8000-0000000000b{i}","readOnly":true,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"111122223333","eventCategory":"Management"}}"#
                ),
                2 + i as u64,
            )
        })
        .collect();
    let threshold = alert(
        RuleMeta {
            id: "7c3e1a44-5b1d-4c58-9e51-0d8b2a3f6e10".into(),
            name: "AWS STS AssumeRole Denied Repeatedly".into(),
            description:
                "Three or more denied AssumeRole calls by one identity within five minutes.".into(),
            source: Some(RuleSource::Elastic),
            rule_type: "threshold".into(),
            language: "kuery".into(),
            file: "rules/elastic/sts_assume_role_denied.toml".into(),
            version: Some("1".into()),
            severity: Some(Severity::High),
            risk_score: 73,
            tags: strings(&["Domain: Cloud", "Tactic: Credential Access"]),
            threat: vec![threat(
                ("TA0006", "Credential Access"),
                ("T1110", "Brute Force"),
                None,
            )],
            ..RuleMeta::default()
        },
        View::ECS,
        Detection {
            time_ms: time(&denied[2]),
            events: denied,
            group: vec![(
                "aws.cloudtrail.user_identity.arn".into(),
                serde_json::json!("arn:aws:iam::111122223333:user/bob"),
            )],
            // Five calls counted, three kept as the sample.
            count: 5,
            fields: vec![
                ("threshold.count".into(), serde_json::json!(5)),
                (
                    "threshold.from".into(),
                    serde_json::json!("2024-05-01T09:54:40.000Z"),
                ),
                (
                    "threshold.run".into(),
                    serde_json::json!("2024-05-01T10:00:40.000Z"),
                ),
                (
                    "threshold.cardinality.source.ip".into(),
                    serde_json::json!(1),
                ),
                (
                    "threshold.values.source.ip".into(),
                    serde_json::json!(["203.0.113.9"]),
                ),
            ],
            ..Detection::default()
        },
    );

    let attach = event(
        r#"{"eventVersion":"1.09","userIdentity":{"type":"IAMUser","principalId":"AIDAEXAMPLEALICE001","arn":"arn:aws:iam::111122223333:user/alice","accountId":"111122223333","userName":"alice"},"eventTime":"2024-05-01T11:30:00Z","eventSource":"iam.amazonaws.com","eventName":"AttachUserPolicy","awsRegion":"us-east-1","sourceIPAddress":"198.51.100.7","userAgent":"console.amazonaws.com","requestParameters":{"userName":"mallory","policyArn":"arn:aws:iam::aws:policy/AdministratorAccess"},"responseElements":null,"requestID":"5f1c9b57-0000-4000-8000-00000000c001","eventID":"0f2c1a8e-0000-4000-8000-0000000000c1","readOnly":false,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"111122223333","eventCategory":"Management"}"#,
        5,
    );
    let datadog = alert(
        RuleMeta {
            id: "def-000-adm".into(),
            name: "AWS IAM AdministratorAccess policy was applied to a user".into(),
            description: "Detect when the AdministratorAccess policy is attached to an AWS IAM user.".into(),
            source: Some(RuleSource::Datadog),
            rule_type: "log_detection/threshold".into(),
            language: "datadog".into(),
            file: "rules/datadog/aws-iam-administratoraccess-user.json".into(),
            severity: Some(Severity::High),
            risk_score: 73,
            tags: strings(&["source:cloudtrail", "tactic:TA0004-privilege-escalation", "security:attack"]),
            note: Some("## Goal\nDetect when the AdministratorAccess policy is attached to a user.\n\n## Triage and response\n1. Confirm the change with {{@userIdentity.arn}}.\n".into()),
            threat: vec![threat(
                ("TA0004", "Privilege Escalation"),
                ("T1098", "Account Manipulation"),
                Some(("T1098.003", "Additional Cloud Roles")),
            )],
            compliance: vec![Compliance {
                framework: "cis-aws".into(),
                control: "1.16".into(),
                requirement: "Identity and Access Management".into(),
            }],
            ..RuleMeta::default()
        },
        View::Datadog,
        Detection {
            time_ms: time(&attach),
            events: vec![attach],
            group: vec![(
                "@userIdentity.arn".into(),
                serde_json::json!("arn:aws:iam::111122223333:user/alice"),
            )],
            count: 1,
            fields: vec![
                ("admin_policy_attached.count".into(), serde_json::json!(1)),
                ("signal.firings".into(), serde_json::json!(1)),
            ],
            severity: Some(Severity::Critical),
            message: Some("## Goal\nDetect when the AdministratorAccess policy is attached to a user.\n\n## Triage and response\n1. Confirm the change with arn:aws:iam::111122223333:user/alice.\n".into()),
            label: Some("admin policy attached".into()),
        },
    );

    let stop = event(
        r#"{"eventVersion":"1.08","userIdentity":{"type":"AssumedRole","principalId":"AROAEXAMPLECAROL001:carol","arn":"arn:aws:sts::111122223333:assumed-role/Admin/carol","accountId":"111122223333","sessionContext":{"sessionIssuer":{"type":"Role","principalId":"AROAEXAMPLECAROL001","arn":"arn:aws:iam::111122223333:role/Admin","accountId":"111122223333","userName":"Admin"},"attributes":{"creationDate":"2024-05-01T09:50:00Z","mfaAuthenticated":"false"}}},"eventTime":"2024-05-01T09:58:00Z","eventSource":"cloudtrail.amazonaws.com","eventName":"StopLogging","awsRegion":"eu-west-1","sourceIPAddress":"192.0.2.44","userAgent":"Boto3/1.34.69","errorCode":"AccessDenied","errorMessage":"User is not authorized to perform: cloudtrail:StopLogging","requestParameters":{"name":"org-trail"},"responseElements":null,"requestID":"5f1c9b57-0000-4000-8000-00000000d001","eventID":"0f2c1a8e-0000-4000-8000-0000000000d1","readOnly":false,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"111122223333","eventCategory":"Management"}"#,
        6,
    );
    let sigma = alert(
        RuleMeta {
            id: "4db60cc0-36fb-4ed0-a2e3-19a5b3a2b2c0".into(),
            name: "CloudTrail logging stopped, or a \"trail\" deleted".into(),
            description: "Detects StopLogging and DeleteTrail calls.".into(),
            source: Some(RuleSource::Sigma),
            rule_type: "sigma".into(),
            language: "sigma".into(),
            file: "rules/sigma/cloudtrail_stopped.yml".into(),
            version: Some("2024-02-01".into()),
            severity: Some(Severity::Info),
            risk_score: 0,
            tags: strings(&["attack.defense-evasion", "attack.t1562.008"]),
            references: strings(&[
                "https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_StopLogging.html",
            ]),
            false_positives: strings(&["Trail maintenance"]),
            note: Some("## CloudTrail logging stopped, or a \"trail\" deleted\n\nDetects StopLogging and DeleteTrail calls.\n".into()),
            threat: vec![threat(
                ("TA0005", "Defense Evasion"),
                ("T1562", "Impair Defenses"),
                Some(("T1562.008", "Disable or Modify Cloud Logs")),
            )],
            ..RuleMeta::default()
        },
        View::Raw,
        Detection {
            time_ms: time(&stop),
            events: vec![stop],
            count: 1,
            ..Detection::default()
        },
    );
    vec![suppressed, threshold, datadog, sigma]
}

/// Every alert the corpus's Elastic, Datadog and Sigma rules raise on the Invictus CloudTrail
/// data set (records in time order, one run, every match reported).
pub fn corpus_alerts() -> Vec<Alert> {
    let c = corpus();
    let paths = [
        c.join("elastic-rules"),
        c.join("datadog-rules"),
        c.join("sigma-cloudtrail/rules"),
    ];
    let report = trailhound_rules::load_paths(&paths, &trailhound_rules::LoadOptions::default());
    assert!(!report.rules.is_empty(), "no corpus rules loaded");
    let set = RuleSet::new(report.rules);
    let dir = c.join("cloudtrail/invictus-aws-dataset/CloudTrail");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    let mut records: Vec<(String, String)> = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        let doc: Value = serde_json::from_str(&text).expect("delivery files are JSON");
        for r in doc["Records"].as_array().into_iter().flatten() {
            let t = r["eventTime"].as_str().unwrap_or_default().to_owned();
            records.push((t, r.to_string()));
        }
    }
    records.sort_by(|a, b| a.0.cmp(&b.0));
    let events = records.into_iter().enumerate().map(|(i, (_, raw))| {
        let doc: sonic_rs::Value = sonic_rs::from_str(&raw).expect("records are JSON");
        let origin = Origin {
            source: 0,
            record: i as u64 + 1,
        };
        Event::new(Cow::Owned(raw), doc, origin)
    });
    let options = RuntimeOptions {
        replay: false,
        ..RuntimeOptions::default()
    };
    run_in_order(&set, options, events)
}

/// An output format and how it is drawn.
#[derive(Clone, Copy, Debug)]
pub enum Format {
    /// The table.
    Table(TableStyle),
    /// JSON Lines.
    Jsonl,
    /// CSV.
    Csv,
    /// Elastic `_bulk`.
    Ecs,
    /// SARIF.
    Sarif,
    /// The timeline.
    Timeline(TableStyle),
}

/// The alerts written in `format`.
pub fn render(format: Format, alerts: &[Alert]) -> String {
    let mut buf = Vec::new();
    {
        let mut sink: Box<dyn AlertSink + '_> = match format {
            Format::Table(style) => Box::new(TableSink::new(&mut buf, style)),
            Format::Jsonl => Box::new(JsonlSink::new(&mut buf)),
            Format::Csv => Box::new(CsvSink::new(&mut buf)),
            Format::Ecs => Box::new(EcsSink::new(&mut buf)),
            Format::Sarif => Box::new(SarifSink::new(&mut buf)),
            Format::Timeline(style) => Box::new(TimelineSink::new(&mut buf, style)),
        };
        for a in alerts {
            sink.alert(a).expect("writes to memory");
        }
        sink.finish().expect("writes to memory");
    }
    String::from_utf8(buf).expect("sinks write UTF-8")
}

/// The JSON documents of a line-oriented output.
pub fn json_lines(text: &str) -> Vec<Value> {
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

/// The text without SGR escape sequences (`ESC [ … m`).
pub fn strip_ansi(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c == 'm' {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

const VALIDATE: &str = r#"
import json, sys
try:
    import jsonschema
except ImportError as e:
    print(json.dumps({"skip": "the Python jsonschema package is not installed (pip install jsonschema): %s" % e}))
    sys.exit(0)
schema = json.load(open(sys.argv[1]))
cls = jsonschema.validators.validator_for(schema)
cls.check_schema(schema)
validator = cls(schema, format_checker=cls.FORMAT_CHECKER)
errors = []
for n, line in enumerate(sys.stdin, 1):
    doc = json.loads(line)
    for e in sorted(validator.iter_errors(doc), key=lambda e: list(map(str, e.absolute_path))):
        path = "/".join(str(p) for p in e.absolute_path)
        errors.append("document %d: /%s: %s" % (n, path, e.message[:300]))
print(json.dumps({"errors": errors, "validator": cls.__name__}))
"#;

/// Validates each document against the JSON Schema at `schema` with Python's `jsonschema`
/// package (the validator its `$schema` names). `Ok` holds the errors (empty when all are
/// valid); `Err` says why validation could not run (no `python3`, no package).
pub fn validate(schema: &Path, docs: &[Value]) -> Result<Vec<String>, String> {
    let mut child = match Command::new("python3")
        .arg("-c")
        .arg(VALIDATE)
        .arg(schema)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(c) => c,
        Err(e) => return Err(format!("python3 cannot be run: {e}")),
    };
    let mut input = String::new();
    for d in docs {
        input.push_str(&d.to_string());
        input.push('\n');
    }
    // Python stops reading early when it skips; the broken pipe that leaves is not an error,
    // and any other failure shows in its exit status and output below.
    let written = child
        .stdin
        .take()
        .expect("stdin is piped")
        .write_all(input.as_bytes());
    let out = child.wait_with_output().expect("python finishes");
    assert!(
        out.status.success(),
        "validation failed to run (is the schema valid?): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).expect("python prints JSON");
    if let Some(reason) = report["skip"].as_str() {
        return Err(reason.to_owned());
    }
    written.expect("python reads its input");
    Ok(report["errors"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e.as_str().map(str::to_owned))
        .collect())
}

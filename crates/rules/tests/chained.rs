//! Rules fed with other rules' alerts: Datadog signal correlation (the shared corpus's
//! Resource Explorer rules) and Sigma correlations over correlations, on hand-made timelines.

use std::path::PathBuf;
use trailhound_engine::{Alert, RuleSet, RuntimeOptions, run_in_order};
use trailhound_event::Event;
use trailhound_rules::{LoadOptions, LoadReport, load_sources};

fn set(report: &LoadReport) -> RuleSet {
    for e in &report.errors {
        eprintln!("{e}");
    }
    assert!(report.errors.is_empty(), "rules load");
    assert!(report.not_runnable.is_empty(), "{:?}", report.not_runnable);
    RuleSet::new(report.rules.clone())
}

fn run(set: &RuleSet, events: &[String]) -> Vec<Alert> {
    let events = events
        .iter()
        .map(|raw| Event::parse(raw).expect("valid").into_owned());
    run_in_order(set, RuntimeOptions::default(), events)
}

fn group_of(a: &Alert) -> Vec<String> {
    a.detection
        .group
        .iter()
        .map(|(_, v)| v.as_str().unwrap_or_default().to_owned())
        .collect()
}

fn datadog_corpus(ids: &[&str]) -> Vec<(String, String)> {
    let dir =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/datadog-rules");
    ids.iter()
        .map(|id| {
            let path = dir.join(format!("{id}.json"));
            let text = std::fs::read_to_string(&path).expect("shared corpus beside the checkout");
            (path.display().to_string(), text)
        })
        .collect()
}

fn explorer(n: u32, name: &str, time: &str, key: &str, region: &str) -> String {
    format!(
        r#"{{"eventVersion":"1.08","eventID":"e{n}","eventTime":"{time}","eventName":"{name}","eventSource":"resource-explorer-2.amazonaws.com","awsRegion":"{region}","sourceIPAddress":"203.0.113.9","userIdentity":{{"type":"IAMUser","userName":"dev","accessKeyId":"{key}","arn":"arn:aws:iam::111122223333:user/dev"}}}}"#
    )
}

#[test]
fn datadog_signal_correlation_follows_the_order_and_the_correlated_fields() {
    let report = load_sources(
        &datadog_corpus(&["def-000-h6a", "def-000-8qc", "def-000-nlb"]),
        &LoadOptions::default(),
        LoadReport::default(),
    );
    let set = set(&report);
    assert!(set.unresolved_chains().is_empty());
    let events = [
        // AKIA1: CreateIndex, then ListResources two hours later in the same region: fires.
        explorer(
            1,
            "CreateIndex",
            "2024-05-01T10:00:00Z",
            "AKIA1",
            "us-east-1",
        ),
        explorer(
            2,
            "ListResources",
            "2024-05-01T12:00:00Z",
            "AKIA1",
            "us-east-1",
        ),
        // AKIA2: the other order.
        explorer(
            3,
            "ListResources",
            "2024-05-01T10:05:00Z",
            "AKIA2",
            "us-east-1",
        ),
        explorer(
            4,
            "CreateIndex",
            "2024-05-01T11:00:00Z",
            "AKIA2",
            "us-east-1",
        ),
        // AKIA3: same key, another region.
        explorer(
            5,
            "CreateIndex",
            "2024-05-01T10:10:00Z",
            "AKIA3",
            "us-east-1",
        ),
        explorer(
            6,
            "ListResources",
            "2024-05-01T11:10:00Z",
            "AKIA3",
            "eu-west-1",
        ),
        // AKIA4: more than the 24-hour window apart.
        explorer(
            7,
            "CreateIndex",
            "2024-05-01T10:20:00Z",
            "AKIA4",
            "us-east-1",
        ),
        explorer(
            8,
            "ListResources",
            "2024-05-02T12:20:00Z",
            "AKIA4",
            "us-east-1",
        ),
        // A temporary key (ASIA) never makes the upstream signals.
        explorer(
            9,
            "CreateIndex",
            "2024-05-01T10:30:00Z",
            "ASIA5",
            "us-east-1",
        ),
        explorer(
            10,
            "ListResources",
            "2024-05-01T10:40:00Z",
            "ASIA5",
            "us-east-1",
        ),
    ];
    let alerts = run(&set, &events);
    let of = |id: &str| -> Vec<&Alert> { alerts.iter().filter(|a| a.rule.id == id).collect() };
    // Every AKIA event raised its upstream signal.
    assert_eq!(of("def-000-h6a").len(), 4);
    assert_eq!(of("def-000-8qc").len(), 4);
    let correlated = of("def-000-nlb");
    assert_eq!(correlated.len(), 1, "{correlated:#?}");
    let a = correlated[0];
    assert_eq!(group_of(a), ["AKIA1", "us-east-1"]);
    assert_eq!(a.detection.time_ms, events_time("2024-05-01T12:00:00Z"));
    // The alert's events are the correlated signals: their rule and the triggering record.
    let signals: Vec<(String, String)> = a
        .detection
        .events
        .iter()
        .map(|ev| {
            let v: serde_json::Value = serde_json::from_str(ev.raw()).expect("json");
            (
                v["trailhound"]["signal"]["rule_id"]
                    .as_str()
                    .unwrap_or("")
                    .to_owned(),
                v["eventID"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    assert_eq!(
        signals,
        [
            ("def-000-h6a".to_owned(), "e1".to_owned()),
            ("def-000-8qc".to_owned(), "e2".to_owned())
        ]
    );
    // Its message is rendered from the signal's attributes.
    let message = a.detection.message.as_deref().unwrap_or("");
    assert!(message.contains("`AKIA1`"), "{message}");
}

fn events_time(iso: &str) -> i64 {
    events_time_of(&format!(r#"{{"eventTime":"{iso}"}}"#))
}

#[test]
fn a_signal_correlation_whose_rule_is_missing_is_not_runnable() {
    let report = load_sources(
        &datadog_corpus(&["def-000-h6a", "def-000-nlb"]),
        &LoadOptions::default(),
        LoadReport::default(),
    );
    assert_eq!(report.rules.len(), 1);
    assert_eq!(report.not_runnable.len(), 1);
    assert_eq!(
        report.not_runnable[0].reason,
        "correlates the alerts of rule def-000-8qc, which is not loaded"
    );
}

/// The repository's example of a correlation over a correlation.
fn brute_force() -> Vec<(String, String)> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/rules/console_brute_force_then_success.yml");
    let text = std::fs::read_to_string(&path).expect("example rule");
    vec![(path.display().to_string(), text)]
}

fn login(n: u32, time: &str, ip: &str, outcome: &str) -> String {
    format!(
        r#"{{"eventID":"l{n}","eventTime":"{time}","eventName":"ConsoleLogin","eventSource":"signin.amazonaws.com","sourceIPAddress":"{ip}","userIdentity":{{"type":"IAMUser","userName":"alice"}},"responseElements":{{"ConsoleLogin":"{outcome}"}}}}"#
    )
}

#[test]
fn sigma_correlation_over_a_correlation() {
    let report = load_sources(
        &brute_force(),
        &LoadOptions::default(),
        LoadReport::default(),
    );
    let set = set(&report);
    let mut events = Vec::new();
    let mut n = 0;
    let mut push = |time: &str, ip: &str, outcome: &str| {
        n += 1;
        events.push(login(n, time, ip, outcome));
    };
    // A: three failures, then a success within the hour: fires.
    for t in ["10:00", "10:01", "10:02"] {
        push(&format!("2024-05-01T{t}:00Z"), "198.51.100.1", "Failure");
    }
    push("2024-05-01T10:30:00Z", "198.51.100.1", "Success");
    // B: the success comes first.
    push("2024-05-01T10:00:30Z", "198.51.100.2", "Success");
    for t in ["10:10", "10:11", "10:12"] {
        push(&format!("2024-05-01T{t}:00Z"), "198.51.100.2", "Failure");
    }
    // C: two failures only.
    for t in ["10:00", "10:05"] {
        push(&format!("2024-05-01T{t}:10Z"), "198.51.100.3", "Failure");
    }
    push("2024-05-01T10:20:00Z", "198.51.100.3", "Success");
    // D: the success more than an hour after the burst.
    for t in ["10:00", "10:01", "10:02"] {
        push(&format!("2024-05-01T{t}:20Z"), "198.51.100.4", "Failure");
    }
    push("2024-05-01T11:30:00Z", "198.51.100.4", "Success");
    events.sort_by_key(|raw| events_time_of(raw));
    let alerts = run(&set, &events);
    let outer: Vec<&Alert> = alerts
        .iter()
        .filter(|a| a.rule.id == "4f1f3f0a-6f2b-4c55-8f59-7c1b2b8f9e21")
        .collect();
    assert_eq!(outer.len(), 1, "{outer:#?}");
    assert_eq!(group_of(outer[0]), ["198.51.100.1"]);
    assert!(!outer[0].rule.building_block);
    // The inner correlation fired for A, D and B, in that order; its alerts are hidden (its only reader does not
    // `generate` them), and the base rules raise nothing of their own.
    let inner: Vec<Vec<String>> = alerts
        .iter()
        .filter(|a| a.rule.id == "9d7a4c2e-0b7e-4a51-9a43-1f0e3c6b2a10")
        .map(|a| {
            assert!(a.rule.building_block);
            group_of(a)
        })
        .collect();
    assert_eq!(
        inner,
        [["198.51.100.1"], ["198.51.100.4"], ["198.51.100.2"]]
    );
    assert_eq!(alerts.len(), 4);
}

fn events_time_of(raw: &str) -> i64 {
    Event::parse(raw)
        .expect("valid")
        .time_millis()
        .expect("time")
}

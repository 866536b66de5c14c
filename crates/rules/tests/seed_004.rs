//! The bundled seed `004` rule (AWS IAM policy changed), through the loader and the runtime:
//! each of the seventeen IAM policy calls raises one signal per principal, and one principal's
//! calls within the rule's windows fold into one signal with their count.

use std::path::PathBuf;
use trailhound_engine::{RuleSet, RuntimeOptions, run_in_order};
use trailhound_event::Event;
use trailhound_rules::{LoadOptions, LoadReport, load_sources};

const CALLS: [&str; 17] = [
    "DeleteGroupPolicy",
    "DeleteRolePolicy",
    "DeleteUserPolicy",
    "PutGroupPolicy",
    "PutRolePolicy",
    "PutUserPolicy",
    "CreatePolicy",
    "DeletePolicy",
    "SetDefaultPolicyVersion",
    "CreatePolicyVersion",
    "DeletePolicyVersion",
    "AttachRolePolicy",
    "DetachRolePolicy",
    "AttachUserPolicy",
    "DetachUserPolicy",
    "AttachGroupPolicy",
    "DetachGroupPolicy",
];

fn set() -> RuleSet {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../rules/datadog/iam_policy_changed.json");
    let text = std::fs::read_to_string(&path).expect("pack rule");
    let report = load_sources(
        &[(path.display().to_string(), text)],
        &LoadOptions::default(),
        LoadReport::default(),
    );
    assert_eq!(report.rules.len(), 1, "{:?}", report.errors);
    RuleSet::new(report.rules)
}

fn call(n: usize, name: &str, user: &str, time: &str) -> Event<'static> {
    let raw = format!(
        r#"{{"eventID":"p{n}","eventTime":"{time}","eventSource":"iam.amazonaws.com","eventName":"{name}","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.7","userIdentity":{{"type":"IAMUser","userName":"{user}","arn":"arn:aws:iam::111122223333:user/{user}"}}}}"#
    );
    Event::parse(&raw).expect("valid").into_owned()
}

#[test]
fn each_policy_call_raises_one_signal_per_principal_and_window() {
    let set = set();
    // One principal per call: seventeen signals, each naming its call.
    let events = CALLS
        .iter()
        .enumerate()
        .map(|(i, name)| call(i, name, &format!("u{i}"), "2024-05-01T10:00:00Z"));
    let alerts = run_in_order(&set, RuntimeOptions::default(), events);
    assert_eq!(alerts.len(), 17);
    let mut names: Vec<&str> = alerts
        .iter()
        .map(|a| a.detection.events[0].raw_str(&["eventName"]).unwrap_or(""))
        .collect();
    names.sort_unstable();
    let mut want = CALLS.to_vec();
    want.sort_unstable();
    assert_eq!(names, want);
    assert!(alerts.iter().all(|a| a.detection.count == 1));

    // One principal making every call a minute apart: one signal (keepAlive one hour) with 17
    // firings; the same calls again two hours later open a second signal.
    let mut events = Vec::new();
    for (i, name) in CALLS.iter().enumerate() {
        events.push(call(i, name, "ops", &format!("2024-05-01T10:{i:02}:00Z")));
    }
    events.push(call(99, "PutUserPolicy", "ops", "2024-05-01T12:30:00Z"));
    let alerts = run_in_order(&set, RuntimeOptions::default(), events);
    let counts: Vec<u64> = alerts.iter().map(|a| a.detection.count).collect();
    assert_eq!(counts, [17, 1]);
}

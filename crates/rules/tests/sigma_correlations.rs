//! Sigma correlation types through the loader and the runtime, each at its window edge: events
//! exactly `timespan` apart share a window (it is inclusive), one second more and they do not.
//! Each scenario has a group that fires and groups that must not.

use trailhound_engine::{RuleSet, RuntimeOptions, run_in_order};
use trailhound_event::Event;
use trailhound_rules::{LoadOptions, LoadReport, load_sources};

/// Two base rules (`a`: eventName A, `b`: eventName B) and `correlation`.
fn rules(correlation: &str) -> RuleSet {
    let text = format!(
        "title: A\nname: a\nlogsource: {{product: aws, service: cloudtrail}}\ndetection:\n  sel: {{eventName: A}}\n  condition: sel\n---\n\
         title: B\nname: b\nlogsource: {{product: aws, service: cloudtrail}}\ndetection:\n  sel: {{eventName: B}}\n  condition: sel\n---\n\
         title: Correlated\nid: 0f7c3a52-7d0e-4c43-9d4b-5f0b8a1d2e33\ncorrelation:\n{correlation}"
    );
    let report = load_sources(
        &[("c.yml".to_owned(), text)],
        &LoadOptions::default(),
        LoadReport::default(),
    );
    for e in &report.errors {
        eprintln!("{e}");
    }
    assert!(report.errors.is_empty() && report.not_runnable.is_empty());
    RuleSet::new(report.rules)
}

/// `(seconds after 10:00, name, user, bytes)`.
type Ev = (u32, &'static str, &'static str, u64);

/// The users whose group fired, in firing order.
fn fired(set: &RuleSet, events: &[Ev]) -> Vec<String> {
    let mut sorted = events.to_vec();
    sorted.sort_by_key(|e| e.0);
    let events = sorted.iter().enumerate().map(|(i, (s, name, user, bytes))| {
        let raw = format!(
            r#"{{"eventID":"e{i}","eventTime":"2024-05-01T{:02}:{:02}:{:02}Z","eventName":"{name}","eventSource":"s3.amazonaws.com","userIdentity":{{"userName":"{user}"}},"additionalEventData":{{"bytesTransferredOut":{bytes}}}}}"#,
            10 + s / 3600,
            s / 60 % 60,
            s % 60
        );
        Event::parse(&raw).expect("valid").into_owned()
    });
    run_in_order(set, RuntimeOptions::default(), events)
        .iter()
        .filter(|a| a.rule.id == "0f7c3a52-7d0e-4c43-9d4b-5f0b8a1d2e33")
        .map(|a| {
            a.detection
                .group
                .iter()
                .map(|(_, v)| v.as_str().unwrap_or_default().to_owned())
                .collect::<Vec<_>>()
                .join(",")
        })
        .collect()
}

const TEN_MIN: u32 = 600;

#[test]
fn event_count() {
    let set = rules(
        "  type: event_count\n  rules: [a]\n  group-by: [userIdentity.userName]\n  timespan: 10m\n  condition: {gte: 3}\n",
    );
    let events = [
        (0, "A", "edge", 0),
        (300, "A", "edge", 0),
        (TEN_MIN, "A", "edge", 0),
        (0, "A", "late", 0),
        (300, "A", "late", 0),
        (TEN_MIN + 1, "A", "late", 0),
        // B events are not counted.
        (0, "A", "mixed", 0),
        (1, "B", "mixed", 0),
        (2, "A", "mixed", 0),
    ];
    assert_eq!(fired(&set, &events), ["edge"]);
}

#[test]
fn value_count() {
    let set = rules(
        "  type: value_count\n  rules: [a]\n  group-by: [eventSource]\n  timespan: 10m\n  condition: {gte: 3, field: userIdentity.userName}\n",
    );
    // All events share one source; distinct users within a window decide.
    let three = [
        (0, "A", "u1", 0),
        (300, "A", "u2", 0),
        (TEN_MIN, "A", "u3", 0),
    ];
    assert_eq!(fired(&set, &three), ["s3.amazonaws.com"]);
    let repeated = [
        (0, "A", "u1", 0),
        (300, "A", "u1", 0),
        (TEN_MIN, "A", "u2", 0),
    ];
    assert!(fired(&set, &repeated).is_empty());
    let spread = [
        (0, "A", "u1", 0),
        (300, "A", "u2", 0),
        (TEN_MIN + 1, "A", "u3", 0),
    ];
    assert!(fired(&set, &spread).is_empty());
}

#[test]
fn temporal() {
    let set = rules(
        "  type: temporal\n  rules: [a, b]\n  group-by: [userIdentity.userName]\n  timespan: 10m\n",
    );
    let events = [
        // Any order within the window.
        (0, "B", "edge", 0),
        (TEN_MIN, "A", "edge", 0),
        (0, "A", "late", 0),
        (TEN_MIN + 1, "B", "late", 0),
        // Only one of the two rules.
        (0, "A", "half", 0),
        (60, "A", "half", 0),
    ];
    assert_eq!(fired(&set, &events), ["edge"]);
}

#[test]
fn temporal_ordered() {
    let set = rules(
        "  type: temporal_ordered\n  rules: [a, b]\n  group-by: [userIdentity.userName]\n  timespan: 10m\n",
    );
    let events = [
        (0, "A", "edge", 0),
        (TEN_MIN, "B", "edge", 0),
        (0, "B", "reversed", 0),
        (300, "A", "reversed", 0),
        (0, "A", "late", 0),
        (TEN_MIN + 1, "B", "late", 0),
    ];
    assert_eq!(fired(&set, &events), ["edge"]);
}

#[test]
fn value_sum() {
    let set = rules(
        "  type: value_sum\n  rules: [a]\n  group-by: [userIdentity.userName]\n  timespan: 10m\n  condition: {gt: 1000000, field: additionalEventData.bytesTransferredOut}\n",
    );
    let events = [
        (0, "A", "edge", 600_000),
        (TEN_MIN, "A", "edge", 500_000),
        (0, "A", "late", 600_000),
        (TEN_MIN + 1, "A", "late", 500_000),
        (0, "A", "small", 600_000),
        (60, "A", "small", 400_000),
    ];
    assert_eq!(fired(&set, &events), ["edge"]);
}

#[test]
fn value_avg() {
    let set = rules(
        "  type: value_avg\n  rules: [a]\n  group-by: [userIdentity.userName]\n  timespan: 10m\n  condition: {gt: 500000, field: additionalEventData.bytesTransferredOut}\n",
    );
    let events = [
        (0, "A", "high", 400_000),
        (TEN_MIN, "A", "high", 700_000),
        (0, "A", "low", 400_000),
        (60, "A", "low", 500_000),
        // Alone after the window, 700k is above the mean on its own: the first event has left.
        (0, "A", "late", 100_000),
        (TEN_MIN + 1, "A", "late", 950_000),
    ];
    assert_eq!(fired(&set, &events), ["high", "late"]);
}

#[test]
fn value_percentile() {
    let set = rules(
        "  type: value_percentile\n  rules: [a]\n  group-by: [userIdentity.userName]\n  timespan: 10m\n  condition: {gte: 800, field: additionalEventData.bytesTransferredOut, percentile: 50}\n",
    );
    // Nearest rank: the median of three values is the second smallest.
    let events = [
        (0, "A", "high", 100),
        (60, "A", "high", 900),
        (120, "A", "high", 1000),
        (0, "A", "low", 100),
        (60, "A", "low", 200),
        (120, "A", "low", 1000),
    ];
    assert_eq!(fired(&set, &events), ["high"]);
}

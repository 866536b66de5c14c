//! Helpers shared by the ES|QL integration tests.
#![allow(dead_code)]

use std::borrow::Cow;
use trailhound_event::{Event, Origin, View};
use trailhound_lang_esql::{EsqlType, Plan, PlanContext, Table, run_query};
use trailhound_syntax::Diagnostic;

/// `NOW()` of the tests: the day after the Invictus logs.
pub const NOW: &str = "2023-07-11T00:00:00Z";

pub fn now() -> jiff::Timestamp {
    NOW.parse().expect("valid timestamp")
}

pub fn ctx() -> PlanContext {
    PlanContext::new(now(), View::ECS)
}

/// An owned event from CloudTrail JSON.
pub fn event(json: &str) -> Event<'static> {
    let doc: sonic_rs::Value =
        sonic_rs::from_str(json).unwrap_or_else(|e| panic!("bad test event {json}: {e}"));
    Event::new(Cow::Owned(json.to_owned()), doc, Origin::default())
}

/// A CloudTrail record: `eventTime`, `eventName`, `eventSource` plus extra top-level JSON members.
pub fn ct(id: &str, time: &str, name: &str, source: &str, extra: &str) -> Event<'static> {
    let sep = if extra.is_empty() { "" } else { "," };
    event(&format!(
        r#"{{"eventVersion":"1.08","eventID":"{id}","eventTime":"{time}","eventName":"{name}","eventSource":"{source}","awsRegion":"us-east-1"{sep}{extra}}}"#
    ))
}

pub fn plan(q: &str) -> Plan {
    Plan::parse(q, &ctx()).unwrap_or_else(|d| panic!("{}", d.render("query", q)))
}

pub fn plan_err(q: &str) -> Diagnostic {
    match Plan::parse(q, &ctx()) {
        Ok(_) => panic!("expected a planning error for {q}"),
        Err(d) => d,
    }
}

pub fn run(q: &str, events: &[Event<'static>]) -> Table {
    let p = plan(q);
    run_query(&p, events.iter())
}

/// The single value of `ROW v = <expr>` as text, with its type.
pub fn value(expr: &str) -> (String, EsqlType) {
    let t = run(&format!("ROW v = {expr}"), &[]);
    assert_eq!(t.rows.len(), 1, "{expr}");
    (t.rows[0][0].to_string(), t.columns[0].1)
}

/// The single value of `ROW v = <expr>` as text.
pub fn v(expr: &str) -> String {
    value(expr).0
}

/// Value text and warnings of `ROW v = <expr>`.
pub fn v_warn(expr: &str) -> (String, Vec<String>) {
    let t = run(&format!("ROW v = {expr}"), &[]);
    (t.rows[0][0].to_string(), t.warnings)
}

/// Rows as `a | b | c` lines.
pub fn lines(t: &Table) -> Vec<String> {
    t.rows
        .iter()
        .map(|r| {
            r.iter()
                .map(|v| v.to_string())
                .collect::<Vec<_>>()
                .join(" | ")
        })
        .collect()
}

pub fn names(t: &Table) -> Vec<String> {
    t.columns.iter().map(|(n, _)| n.clone()).collect()
}

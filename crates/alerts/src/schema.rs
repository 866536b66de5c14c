//! The alert document: one JSON shape for every rule source.
//!
//! # Wire format (`--format jsonl`: one document per line)
//!
//! | key | type | meaning |
//! |---|---|---|
//! | `@timestamp` | string | event time of the alert (ISO 8601, UTC, milliseconds) |
//! | `alert.id` | string | stable id: the same rule on the same events gives the same id |
//! | `alert.severity` | string | `info`/`low`/`medium`/`high`/`critical` (a Datadog case may raise it) |
//! | `alert.risk_score` | number | 0–100 |
//! | `alert.building_block` | bool | alerts of building-block rules (hidden by default) |
//! | `alert.label` | string? | what matched, when a rule has several cases or steps |
//! | `rule.id`, `.name`, `.source`, `.type`, `.language`, `.file`, `.version`, `.severity`, `.risk_score`, `.tags`, `.references`, `.description` | | the rule |
//! | `threat` | array | ATT&CK mapping in ECS shape: `framework`, `tactic{id,name,reference}`, `technique[{id,name,reference,subtechnique[]}]` |
//! | `compliance` | array | `{framework, control, requirement}` (e.g. CIS AWS 4.4) |
//! | `group` | object | group-by values (threshold, sequences by key, Datadog group-by) |
//! | `count` | number | events folded into the alert |
//! | `suppressed_count` | number | alerts folded into this one by suppression |
//! | `exception` | string? | only in `--excepted` output: the exception that suppressed the alert |
//! | `message` | string | the rendered message or a one-line summary of the event |
//! | `investigation_fields` | object | the rule's investigation fields with their values from the first event |
//! | `fields` | object | extra values the detection produced (ES\|QL row columns, distinct values, new terms) |
//! | `events` | array | the contributing CloudTrail records, exactly as read |
//!
//! Example (abridged):
//! ```json
//! {"@timestamp":"2024-05-01T10:00:00.000Z","alert":{"id":"…","severity":"medium","risk_score":47,"building_block":false},
//!  "rule":{"id":"151d8f72-…","name":"AWS Lambda Function Policy Updated to Allow Public Invocation","source":"elastic","type":"eql",…},
//!  "threat":[{"framework":"MITRE ATT&CK","tactic":{"id":"TA0003","name":"Persistence","reference":"…"},"technique":[…]}],
//!  "compliance":[],"group":{},"count":1,"suppressed_count":0,
//!  "message":"AddPermission20150331v2 by arn:aws:iam::111122223333:user/bob from 203.0.113.9 (111122223333/us-east-1)",
//!  "investigation_fields":{"source.ip":"203.0.113.9",…},"fields":{},"events":[{"eventVersion":"1.08",…}]}
//! ```
//! The JSON Schema is `docs/schemas/alert.schema.json` in the repository, and `docs/alerts.md`
//! describes each field.

use crate::summary::Summary;
use serde::Serialize;
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use trailhound_engine::rule::{Compliance, Threat};
use trailhound_engine::{Alert, RuleMeta};

#[derive(Serialize)]
struct AlertPart<'a> {
    id: &'a str,
    severity: &'static str,
    risk_score: u8,
    building_block: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    label: Option<&'a str>,
}

#[derive(Serialize)]
struct RulePart<'a> {
    id: &'a str,
    name: &'a str,
    source: &'static str,
    #[serde(rename = "type")]
    rule_type: &'a str,
    language: &'a str,
    file: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    version: Option<&'a str>,
    severity: &'static str,
    risk_score: u8,
    tags: &'a [String],
    references: &'a [String],
    #[serde(skip_serializing_if = "str::is_empty")]
    description: &'a str,
}

#[derive(Serialize)]
struct Document<'a> {
    #[serde(rename = "@timestamp")]
    timestamp: String,
    alert: AlertPart<'a>,
    rule: RulePart<'a>,
    threat: &'a [Threat],
    compliance: &'a [Compliance],
    group: Map<String, Value>,
    count: u64,
    suppressed_count: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    exception: Option<&'a str>,
    message: String,
    investigation_fields: Map<String, Value>,
    fields: Map<String, Value>,
    events: Vec<&'a RawValue>,
}

/// `2024-05-01T10:00:00.000Z` for epoch milliseconds.
pub fn iso_millis(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .map(trailhound_event::time::format_millis)
        .unwrap_or_else(|_| ms.to_string())
}

fn rule_part<'a>(rule: &'a RuleMeta, severity: trailhound_engine::Severity) -> RulePart<'a> {
    RulePart {
        id: &rule.id,
        name: &rule.name,
        source: rule.source.map_or("trailhound", |s| s.name()),
        rule_type: &rule.rule_type,
        language: &rule.language,
        file: &rule.file,
        version: rule.version.as_deref(),
        severity: rule.severity.unwrap_or(severity).name(),
        risk_score: rule.risk_score,
        tags: &rule.tags,
        references: &rule.references,
        description: &rule.description,
    }
}

/// The rule's investigation fields with their values in the alert's first event (a field with
/// several values becomes an array; absent fields are left out).
pub fn investigation_fields(alert: &Alert) -> Map<String, Value> {
    let mut out = Map::new();
    let d = &alert.detection;
    for name in &alert.rule.investigation_fields {
        let values = d
            .events
            .first()
            .map(|ev| alert.view.resolve(name).field.values(ev))
            .unwrap_or_default();
        let json = match values.len() {
            // Not in the event: a column of the alert itself (an ES|QL result column such as
            // `Esql.*`, a group-by value), as Kibana puts a result row's columns on the alert.
            0 => match d.fields.iter().chain(&d.group).find(|(k, _)| k == name) {
                Some((_, v)) if !v.is_null() => v.clone(),
                _ => continue,
            },
            1 => values[0].to_json(),
            _ => Value::Array(values.iter().map(|v| v.to_json()).collect()),
        };
        out.insert(name.clone(), json);
    }
    out
}

/// The alert as one line of JSON.
pub fn to_json_line(alert: &Alert) -> String {
    let d = &alert.detection;
    let severity = alert.severity();
    // Records are embedded exactly as read, except that a pretty-printed record is written
    // compactly: a line of JSON Lines cannot contain a newline.
    let compact: Vec<Option<String>> = d
        .events
        .iter()
        .map(|e| {
            e.raw()
                .contains(['\n', '\r'])
                .then(|| sonic_rs::to_string(e.doc()).unwrap_or_default())
        })
        .collect();
    let events: Vec<&RawValue> = d
        .events
        .iter()
        .zip(&compact)
        .filter_map(|(e, c)| {
            // Raw records were validated as JSON when read; a record whose text does not
            // re-validate (impossible in practice) is left out rather than corrupt the output.
            let raw: &str = c.as_deref().unwrap_or_else(|| e.raw());
            serde_json::from_str::<&RawValue>(raw).ok()
        })
        .collect();
    let doc = Document {
        timestamp: iso_millis(d.time_ms),
        alert: AlertPart {
            id: &alert.id,
            severity: severity.name(),
            risk_score: alert.rule.risk_score,
            building_block: alert.rule.building_block,
            label: d.label.as_deref(),
        },
        rule: rule_part(&alert.rule, severity),
        threat: &alert.rule.threat,
        compliance: &alert.rule.compliance,
        group: d.group.iter().cloned().collect(),
        count: d.count,
        suppressed_count: alert.suppressed_count,
        exception: alert.exception.as_deref(),
        message: message(alert),
        investigation_fields: investigation_fields(alert),
        fields: d.fields.iter().cloned().collect(),
        events,
    };
    serde_json::to_string(&doc).unwrap_or_default()
}

/// The alert's message: the rendered one when the rule produced one, otherwise
/// [`event_summary`].
pub fn message(alert: &Alert) -> String {
    match &alert.detection.message {
        Some(m) => m.clone(),
        None => event_summary(alert),
    }
}

/// A one-line summary of the alert's first event (`AddPermission20150331v2 by arn:… from
/// 203.0.113.9 (111122223333/us-east-1)`), prefixed with the number of events when there are
/// several; the rule name when there is no event.
pub fn event_summary(alert: &Alert) -> String {
    let summary = alert.detection.events.first().map(|e| Summary::of(e));
    let mut text = match summary {
        Some(s) => s.sentence(),
        None => alert.rule.name.clone(),
    };
    if alert.detection.count > 1 {
        text = format!("{} events; first: {text}", alert.detection.count);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use trailhound_engine::{Detection, RuleMeta};
    use trailhound_event::View;

    /// Investigation fields come from the event, or else from the alert's own columns (ES|QL
    /// result columns, group-by values), as Kibana copies a result row onto its alert.
    #[test]
    fn investigation_fields_fall_back_to_alert_columns() {
        let raw = r#"{"eventName":"GetSecretValue","sourceIPAddress":"203.0.113.9","eventTime":"2024-05-01T10:00:00Z"}"#;
        let ev = trailhound_event::Event::parse(raw)
            .expect("valid")
            .into_owned();
        let rule = RuleMeta {
            investigation_fields: vec![
                "source.ip".into(),
                "Esql.secret_count".into(),
                "user.name".into(),
                "cloud.region".into(),
            ],
            ..RuleMeta::default()
        };
        let detection = Detection {
            events: vec![Arc::new(ev)],
            fields: vec![("Esql.secret_count".into(), Value::from(12))],
            group: vec![("cloud.region".into(), Value::from("us-east-1"))],
            ..Detection::default()
        };
        let alert = Alert::new(Arc::new(rule), View::ECS, detection);
        let fields = investigation_fields(&alert);
        assert_eq!(fields["source.ip"], "203.0.113.9");
        assert_eq!(fields["Esql.secret_count"], 12);
        assert_eq!(fields["cloud.region"], "us-east-1");
        assert!(
            !fields.contains_key("user.name"),
            "absent everywhere: left out"
        );
    }
}

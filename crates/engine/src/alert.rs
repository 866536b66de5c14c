//! Alerts: what a rule raises, in one shape for every rule source.

use crate::rule::{RuleMeta, Severity};
use std::sync::Arc;
use trailhound_event::{Event, View};

/// A matched event kept by an alert or an operator's state.
pub type SharedEvent = Arc<Event<'static>>;

/// What an operator (or a per-event rule) reports before the runtime turns it into an alert.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct Detection {
    /// Event time of the alert in epoch milliseconds (usually the last contributing event).
    pub time_ms: i64,
    /// Contributing events, in time order (may be a sample when many).
    #[serde(with = "crate::state::shared_events")]
    pub events: Vec<SharedEvent>,
    /// Group-by values (`field`, value as JSON).
    pub group: Vec<(String, serde_json::Value)>,
    /// Events folded into the alert.
    pub count: u64,
    /// Extra columns (threshold cardinality values, ES|QL row columns, new terms).
    pub fields: Vec<(String, serde_json::Value)>,
    /// Severity decided at run time (Datadog case status), overriding the rule's.
    pub severity: Option<Severity>,
    /// A rendered message that replaces the rule's guide (Datadog templates).
    pub message: Option<String>,
    /// A label of what matched (Datadog case name, sequence step names).
    pub label: Option<String>,
}

/// An alert.
#[derive(Clone, Debug)]
pub struct Alert {
    /// Stable id: the same rule on the same events gives the same id.
    pub id: String,
    /// The rule.
    pub rule: Arc<RuleMeta>,
    /// The vocabulary the rule's field names (investigation fields, group-by) are written in.
    pub view: View,
    /// What the rule detected.
    pub detection: Detection,
    /// Similar alerts folded into this one by suppression.
    pub suppressed_count: u64,
    /// The exception that suppressed this alert: such alerts are not raised, only listed and
    /// counted.
    pub exception: Option<Arc<str>>,
}

impl Alert {
    /// An alert for `detection`, with its stable id.
    pub fn new(rule: Arc<RuleMeta>, view: View, detection: Detection) -> Alert {
        let id = alert_id(&rule, &detection);
        Alert {
            id,
            rule,
            view,
            detection,
            suppressed_count: 0,
            exception: None,
        }
    }

    /// Effective severity.
    pub fn severity(&self) -> Severity {
        self.detection
            .severity
            .or(self.rule.severity)
            .unwrap_or(Severity::Medium)
    }
}

/// The event through which `alert` feeds the rules chained to its rule ([`Logic::Chained`]):
/// its last event, with `eventTime` set to the alert's time (the original, when different, is
/// kept as `trailhound.signal.event_time`) and a `trailhound.signal` object: `rule_id`,
/// `rule_name`, `alert_id`, `count`, `group` (the group values by position: `group.0`, ...)
/// and `group_names`.
///
/// [`Logic::Chained`]: crate::Logic::Chained
pub fn signal_event(alert: &Alert) -> SharedEvent {
    use serde_json::{Map, Value, json};
    let d = &alert.detection;
    let base = d.events.last();
    let mut doc: Map<String, Value> = base
        .and_then(|ev| serde_json::from_str::<Map<String, Value>>(ev.raw()).ok())
        .unwrap_or_default();
    let time = iso(d.time_ms);
    let original = doc.insert("eventTime".to_owned(), Value::String(time.clone()));
    let group: Map<String, Value> = d
        .group
        .iter()
        .enumerate()
        .map(|(i, (_, v))| (i.to_string(), v.clone()))
        .collect();
    let mut signal = json!({
        "rule_id": alert.rule.id,
        "rule_name": alert.rule.name,
        "alert_id": alert.id,
        "count": d.count,
        "group": group,
        "group_names": d.group.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>(),
    });
    if let Some(o) = original.filter(|o| o.as_str() != Some(time.as_str())) {
        signal["event_time"] = o;
    }
    doc.insert("trailhound".to_owned(), json!({ "signal": signal }));
    let raw = Value::Object(doc).to_string();
    // The text was just written by serde_json, so it is valid JSON.
    let parsed: sonic_rs::Value = sonic_rs::from_str(&raw).unwrap_or_default();
    let origin = base.map(|ev| ev.origin()).unwrap_or_default();
    Arc::new(Event::new(std::borrow::Cow::Owned(raw), parsed, origin))
}

/// `2024-05-01T10:00:00.000Z` for epoch milliseconds.
pub fn iso(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .map(trailhound_event::time::format_millis)
        .unwrap_or_else(|_| ms.to_string())
}

/// FNV-1a, 64 bit: small, stable across platforms and versions (ids must not change between
/// runs or releases).
pub fn fnv1a(bytes: &[u8], mut h: u64) -> u64 {
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

fn event_key(ev: &Event<'_>) -> String {
    ev.raw_str(&["eventID"]).map_or_else(
        || format!("{}:{}", ev.origin().source, ev.origin().record),
        str::to_owned,
    )
}

/// The id of an alert: rule id, the events' `eventID`s (or positions), group values and the
/// label, hashed twice with different seeds into 32 hex digits.
pub fn alert_id(rule: &RuleMeta, d: &Detection) -> String {
    let mut text = String::with_capacity(128);
    text.push_str(&rule.id);
    for ev in &d.events {
        text.push('\u{1f}');
        text.push_str(&event_key(ev));
    }
    for (k, v) in &d.group {
        text.push('\u{1e}');
        text.push_str(k);
        text.push('=');
        text.push_str(&v.to_string());
    }
    if let Some(label) = &d.label {
        text.push('\u{1d}');
        text.push_str(label);
    }
    if d.events.is_empty() {
        text.push_str(&d.time_ms.to_string());
    }
    let a = fnv1a(text.as_bytes(), FNV_OFFSET);
    let b = fnv1a(text.as_bytes(), a ^ 0x9e37_79b9_7f4a_7c15);
    format!("{a:016x}{b:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::borrow::Cow;

    fn ev(id: &str) -> SharedEvent {
        let raw = format!(r#"{{"eventID":"{id}","eventName":"X"}}"#);
        let doc: sonic_rs::Value = sonic_rs::from_str(&raw).expect("valid");
        Arc::new(Event::new(Cow::Owned(raw), doc, Default::default()))
    }

    #[test]
    fn ids_are_stable_and_distinct() {
        let rule = RuleMeta {
            id: "r1".into(),
            ..RuleMeta::default()
        };
        let d = |ids: &[&str]| Detection {
            events: ids.iter().map(|i| ev(i)).collect(),
            ..Detection::default()
        };
        let a = alert_id(&rule, &d(&["e1"]));
        assert_eq!(a, alert_id(&rule, &d(&["e1"])));
        assert_eq!(a.len(), 32);
        assert_ne!(a, alert_id(&rule, &d(&["e2"])));
        let other = RuleMeta {
            id: "r2".into(),
            ..RuleMeta::default()
        };
        assert_ne!(a, alert_id(&other, &d(&["e1"])));
        // Known value: guards against accidental changes of the id scheme.
        assert_eq!(fnv1a(b"a", FNV_OFFSET), 0xaf63_dc4c_8601_ec8c);
    }
}

//! Alerts as Elastic Security stores them: one document per alert in the layout of the
//! `.alerts-security.alerts-<space>` indices, written as `_bulk` requests.
//!
//! # Wire format (`--format ecs`: two lines per alert)
//!
//! ```text
//! {"create":{"_index":".alerts-security.alerts-default","_id":"<kibana.alert.uuid>"}}
//! {"@timestamp":"…","cloud":{…},"event":{"kind":"signal",…},…,"kibana.alert.uuid":"…",…}
//! ```
//!
//! The output can be posted as it is to Elasticsearch's `_bulk` endpoint. `create` with the alert
//! id as `_id` makes a second post of the same alerts a no-op (each line answers 409) instead of
//! a duplicate, as Kibana itself does with its alert ids.
//!
//! # The document
//!
//! Field names and meanings follow Elastic's "Alert schema" reference
//! (<https://www.elastic.co/guide/en/security/current/alert-schema.html>) and the layout Kibana's
//! detection engine writes: the source event's ECS fields as nested objects, and the
//! `kibana.*` fields as flat dotted keys at the top level (Elasticsearch indexes both forms the
//! same way). `docs/schemas/ecs-alert.schema.json` in the repository is the JSON Schema of the
//! documents this module writes.
//!
//! | field | value here |
//! |---|---|
//! | `@timestamp` | the detection time: when a scheduled run of the rule would have created the alert |
//! | source ECS fields (`cloud.*`, `event.*`, `source.*`, `user.*`, `aws.cloudtrail.*`, …) | the first event through the ECS view, as Elastic's AWS integration indexes it |
//! | `event.kind` | `signal` |
//! | `kibana.alert.uuid` | the alert id (the same as `alert.id` in JSON Lines) |
//! | `kibana.alert.status`, `kibana.alert.workflow_status` | `active`, `open` |
//! | `kibana.alert.severity` | `low`/`medium`/`high`/`critical` (Kibana has no `info`: informational alerts are `low`) |
//! | `kibana.alert.risk_score` | the rule's risk score |
//! | `kibana.alert.reason` | a sentence in the shape of Kibana's: `iam event with source 203.0.113.9 by bob created high alert <rule>.` |
//! | `kibana.alert.original_time` | the first event's time |
//! | `kibana.alert.intended_timestamp` | the same as `@timestamp` |
//! | `kibana.alert.depth`, `kibana.alert.ancestors` | 1; one ancestor per contributing event: `{id: eventID, type: "event", index: <data stream>, depth: 0}` |
//! | `kibana.alert.original_event.*` | each `event.*` field of the source before `event.kind` became `signal` |
//! | `kibana.alert.original_data_stream.*` | the source's `data_stream.*` |
//! | `kibana.alert.building_block_type` | `default` for alerts of building-block rules |
//! | `kibana.alert.threshold_result` | threshold-like rules: `terms` (group-by values), `cardinality`, `count`, `from` |
//! | `kibana.alert.new_terms` | new-terms-like rules: the new values |
//! | `kibana.alert.suppression.docs_count`, `.terms` | rules with alert suppression: alerts folded into this one, and the suppression fields' values |
//! | `kibana.alert.rule.*` | the rule: `uuid`, `rule_id`, `name`, `description`, `severity`, `risk_score`, `type`, `rule_type_id`, `category`, `consumer`, `producer`, `tags`, `threat`, `references`, `false_positives`, `note`, `version`, `from`, `to`, `interval`, `max_signals`, `enabled`, `timestamp_override`, `parameters`, `meta.*`, `execution.type` |
//! | `kibana.space_ids` | the Kibana space (`default` unless set) |
//!
//! Rules of every source are given the Kibana rule type closest in behaviour
//! ([`kibana_rule_type`]), so Kibana's alert views treat them as they treat Elastic's own. Where
//! the rule came from is kept in `kibana.alert.rule.meta.source`, `.source_rule_type` and
//! `.file`.

use crate::schema::iso_millis;
use crate::sink::AlertSink;
use serde_json::{Map, Value, json};
use std::io::{self, Write};
use trailhound_engine::alert::fnv1a;
use trailhound_engine::{Alert, RuleMeta, Severity, SharedEvent};
use trailhound_event::{View, document};

/// The Kibana space alerts are written for unless another is chosen.
pub const DEFAULT_SPACE: &str = "default";

/// The alerts index (alias) of a Kibana space: `.alerts-security.alerts-default`.
pub fn alerts_index(space: &str) -> String {
    format!(".alerts-security.alerts-{space}")
}

/// Elastic alert documents in `_bulk` format (see the [module documentation](self)).
pub struct EcsSink<W: Write> {
    out: W,
    space: String,
}

impl<W: Write> EcsSink<W> {
    /// A sink writing to `out`, for the `default` Kibana space.
    pub fn new(out: W) -> EcsSink<W> {
        EcsSink::with_space(out, DEFAULT_SPACE)
    }

    /// A sink writing to `out`, for the Kibana space `space` (index and `kibana.space_ids`).
    pub fn with_space(out: W, space: &str) -> EcsSink<W> {
        EcsSink {
            out,
            space: space.to_owned(),
        }
    }
}

impl<W: Write> AlertSink for EcsSink<W> {
    fn alert(&mut self, alert: &Alert) -> io::Result<()> {
        let action = json!({"create": {"_index": alerts_index(&self.space), "_id": alert.id}});
        let doc = ecs_document(alert, &self.space);
        writeln!(self.out, "{action}")?;
        writeln!(self.out, "{doc}")
    }

    fn finish(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// How Kibana would have typed the rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KibanaRuleType {
    /// `kibana.alert.rule.type`: `query`, `eql`, `threshold`, `new_terms`, `esql`.
    pub rule_type: &'static str,
    /// `kibana.alert.rule.rule_type_id`: `siem.queryRule`, `siem.eqlRule`, ….
    pub rule_type_id: &'static str,
    /// `kibana.alert.rule.category`: the rule type's display name (`Custom Query Rule`, …).
    pub category: &'static str,
}

const QUERY: KibanaRuleType = KibanaRuleType {
    rule_type: "query",
    rule_type_id: "siem.queryRule",
    category: "Custom Query Rule",
};
const EQL: KibanaRuleType = KibanaRuleType {
    rule_type: "eql",
    rule_type_id: "siem.eqlRule",
    category: "Event Correlation Rule",
};
const THRESHOLD: KibanaRuleType = KibanaRuleType {
    rule_type: "threshold",
    rule_type_id: "siem.thresholdRule",
    category: "Threshold Rule",
};
const NEW_TERMS: KibanaRuleType = KibanaRuleType {
    rule_type: "new_terms",
    rule_type_id: "siem.newTermsRule",
    category: "New Terms Rule",
};
const ESQL: KibanaRuleType = KibanaRuleType {
    rule_type: "esql",
    rule_type_id: "siem.esqlRule",
    category: "ES|QL Rule",
};

/// The Kibana rule type closest to the rule:
///
/// | source | rule type | Kibana |
/// |---|---|---|
/// | Elastic | `query`, `eql` (also `eql/sequence`, `eql/sample`), `threshold`, `new_terms`, `esql` | the same type |
/// | Elastic | `hunt` (hunting query) | by language: `kuery`/`lucene` → query, `eql` → eql, `esql` → esql |
/// | Datadog | `log_detection/threshold` | threshold (counts per group-by over a window) |
/// | Datadog | `log_detection/new_value` | new_terms (first value of a group) |
/// | Datadog | `log_detection/signal_correlation` | eql (correlation of several queries) |
/// | Datadog | `log_detection/impossible_travel` and others | query |
/// | Sigma | `sigma` | query |
/// | Sigma | `sigma/correlation:event_count`, `value_count` | threshold |
/// | Sigma | `sigma/correlation:temporal`, `temporal_ordered` | eql (a sequence) |
///
/// Anything else is a query rule.
pub fn kibana_rule_type(rule: &RuleMeta) -> KibanaRuleType {
    let ty = rule.rule_type.to_ascii_lowercase();
    if let Some(kind) = ty.strip_prefix("sigma/correlation:") {
        return match kind.replace('_', "").as_str() {
            "eventcount" | "valuecount" => THRESHOLD,
            "temporal" | "temporalordered" => EQL,
            _ => QUERY,
        };
    }
    if let Some(method) = ty.strip_prefix("log_detection/") {
        return match method {
            "threshold" => THRESHOLD,
            "new_value" => NEW_TERMS,
            "signal_correlation" => EQL,
            _ => QUERY,
        };
    }
    let base = ty.split('/').next().unwrap_or_default();
    match base {
        "eql" => EQL,
        "threshold" => THRESHOLD,
        "new_terms" => NEW_TERMS,
        "esql" => ESQL,
        "hunt" => match rule.language.to_ascii_lowercase().as_str() {
            "eql" => EQL,
            "esql" => ESQL,
            _ => QUERY,
        },
        _ => QUERY,
    }
}

/// Kibana's severity word: its scale has no `info`, so informational alerts are `low`.
pub fn kibana_severity(sev: Severity) -> &'static str {
    match sev {
        Severity::Info | Severity::Low => "low",
        Severity::Medium => "medium",
        Severity::High => "high",
        Severity::Critical => "critical",
    }
}

/// A stable UUID for the rule (`kibana.alert.rule.uuid`, which in Kibana is the id of the rule's
/// saved object): 122 bits of FNV-1a hashes of source and rule id, laid out as an RFC 9562
/// version 8 (custom) UUID.
pub fn rule_uuid(rule: &RuleMeta) -> String {
    let key = format!(
        "{}\u{1f}{}",
        rule.source.map_or("trailhound", |s| s.name()),
        rule.id
    );
    let a = fnv1a(key.as_bytes(), 0xcbf2_9ce4_8422_2325);
    let b = fnv1a(key.as_bytes(), a ^ 0x9e37_79b9_7f4a_7c15);
    let a = (a & !0xf000) | 0x8000; // version 8 in bits 48..52
    let b = (b & !(0b11 << 62)) | (0b10 << 62); // variant 10
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xffff,
        b >> 48,
        b & 0xffff_ffff_ffff
    )
}

/// A duration as Kibana writes rule schedules: `5m`, `360s`, `1h`.
fn duration(ms: i64) -> String {
    if ms > 0 && ms % 3_600_000 == 0 {
        format!("{}h", ms / 3_600_000)
    } else if ms > 0 && ms % 60_000 == 0 {
        format!("{}m", ms / 60_000)
    } else {
        // Kibana's date math has no milliseconds; round up to whole seconds.
        format!("{}s", (ms.max(0) + 999) / 1000)
    }
}

/// Inserts `value` at dotted `path` unless something is already there (or on the way).
fn insert_absent(root: &mut Map<String, Value>, path: &str, value: Value) {
    let mut cur = root;
    let mut parts = path.split('.').peekable();
    while let Some(part) = parts.next() {
        if parts.peek().is_none() {
            cur.entry(part.to_owned()).or_insert(value);
            return;
        }
        let entry = cur
            .entry(part.to_owned())
            .or_insert_with(|| Value::Object(Map::new()));
        match entry {
            Value::Object(next) => cur = next,
            _ => return,
        }
    }
}

fn as_keyword(v: &Value) -> Value {
    match v {
        Value::String(_) | Value::Null => v.clone(),
        Value::Array(items) => Value::Array(items.iter().map(as_keyword).collect()),
        other => Value::String(other.to_string()),
    }
}

fn text_list(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|i| i.as_str().map(str::to_owned))
            .collect(),
        _ => Vec::new(),
    }
}

fn event_time(ev: &SharedEvent) -> Option<String> {
    ev.time_millis().map(iso_millis)
}

fn ancestor_id(ev: &SharedEvent) -> String {
    ev.raw_str(&["eventID"]).map_or_else(
        || format!("{}:{}", ev.origin().source, ev.origin().record),
        str::to_owned,
    )
}

/// `iam event with source 203.0.113.9 by bob created high alert <rule>.`, after Kibana's reason
/// sentence (event category, source, user, severity, rule name).
fn reason(source: &Map<String, Value>, severity: &str, alert: &Alert) -> String {
    let get = |path: &[&str]| -> Option<&Value> {
        let mut cur = source.get(*path.first()?)?;
        // `path` has a first element (checked above), so `1..` is in bounds.
        for p in &path[1..] {
            cur = cur.get(*p)?;
        }
        Some(cur)
    };
    let mut out = String::new();
    let category = text_list(get(&["event", "category"]));
    if !category.is_empty() {
        out.push_str(&category.join(", "));
        out.push(' ');
    }
    out.push_str("event");
    if let Some(ip) = get(&["source", "ip"]).and_then(Value::as_str) {
        out.push_str(" with source ");
        out.push_str(ip);
    }
    if let Some(user) = get(&["user", "name"]).and_then(Value::as_str) {
        out.push_str(" by ");
        out.push_str(user);
    }
    out.push_str(&format!(" created {severity} alert {}", alert.rule.name));
    if let Some(label) = &alert.detection.label {
        out.push_str(&format!(" ({label})"));
    }
    out.push('.');
    out
}

/// The Elastic alert document of `alert` for Kibana space `space`.
pub fn ecs_document(alert: &Alert, space: &str) -> Value {
    let rule = &alert.rule;
    let d = &alert.detection;
    let kind = kibana_rule_type(rule);
    let timestamp = iso_millis(d.time_ms);
    let first = d.events.first();

    // The source event's fields, nested as Elastic's integration indexes them.
    let mut source = match first.map(|ev| document(ev, View::ECS)) {
        Some(Value::Object(m)) => m,
        _ => Map::new(),
    };
    source.remove("@timestamp");
    if kind == ESQL {
        // ES|QL rows become alert fields in Kibana; metadata columns (`_id`, `_index`) and
        // nulls are left out, and the source's own values win.
        for (name, value) in &d.fields {
            if !name.starts_with('_') && !value.is_null() {
                insert_absent(&mut source, name, value.clone());
            }
        }
    }
    let original_event = match source.get("event") {
        Some(Value::Object(e)) => e.clone(),
        _ => Map::new(),
    };
    let original_data_stream = match source.get("data_stream") {
        Some(Value::Object(e)) => e.clone(),
        _ => Map::new(),
    };
    match source.get_mut("event") {
        Some(Value::Object(e)) => {
            e.insert("kind".into(), json!("signal"));
        }
        _ => {
            source.insert("event".into(), json!({"kind": "signal"}));
        }
    }

    let severity = kibana_severity(alert.severity());
    let rule_severity = kibana_severity(rule.severity.unwrap_or(alert.severity()));
    let original_time = first
        .and_then(event_time)
        .unwrap_or_else(|| timestamp.clone());
    let index = {
        let ds = |k: &str| original_data_stream.get(k).and_then(Value::as_str);
        match (ds("type"), ds("dataset"), ds("namespace")) {
            (Some(t), Some(s), Some(n)) => format!("{t}-{s}-{n}"),
            _ => "logs-aws.cloudtrail-default".to_owned(),
        }
    };
    let ancestors: Vec<Value> = d
        .events
        .iter()
        .map(|ev| json!({"id": ancestor_id(ev), "type": "event", "index": index, "depth": 0}))
        .collect();

    let mut doc = Map::new();
    doc.insert("@timestamp".into(), json!(timestamp));
    let reason = reason(&source, severity, alert);
    doc.extend(source);
    let mut put = |k: &str, v: Value| {
        doc.insert(k.to_owned(), v);
    };
    put("kibana.alert.uuid", json!(alert.id));
    put("kibana.alert.status", json!("active"));
    put("kibana.alert.workflow_status", json!("open"));
    put("kibana.alert.workflow_tags", json!([]));
    put("kibana.alert.workflow_assignee_ids", json!([]));
    put("kibana.alert.severity", json!(severity));
    put("kibana.alert.risk_score", json!(rule.risk_score));
    put("kibana.alert.reason", json!(reason));
    put("kibana.alert.original_time", json!(original_time));
    put("kibana.alert.intended_timestamp", json!(timestamp));
    put("kibana.alert.depth", json!(1));
    put("kibana.alert.ancestors", Value::Array(ancestors));
    for (k, v) in original_event {
        put(&format!("kibana.alert.original_event.{k}"), v);
    }
    for (k, v) in original_data_stream {
        put(&format!("kibana.alert.original_data_stream.{k}"), v);
    }
    if rule.building_block {
        put("kibana.alert.building_block_type", json!("default"));
    }
    if kind == THRESHOLD {
        put("kibana.alert.threshold_result", threshold_result(alert));
    }
    if kind == NEW_TERMS {
        let terms = d
            .fields
            .iter()
            .find(|(k, _)| k == "new_terms")
            .map(|(_, v)| as_keyword(v))
            .unwrap_or_else(|| Value::Array(d.group.iter().map(|(_, v)| as_keyword(v)).collect()));
        put("kibana.alert.new_terms", terms);
    }
    if let Some(s) = &rule.suppression {
        put(
            "kibana.alert.suppression.docs_count",
            json!(alert.suppressed_count),
        );
        let terms: Vec<Value> = s
            .group_by
            .iter()
            .map(|field| {
                let values: Vec<Value> = first
                    .map(|ev| {
                        alert
                            .view
                            .resolve(field)
                            .field
                            .values(ev)
                            .iter()
                            .map(|v| as_keyword(&v.to_json()))
                            .collect()
                    })
                    .unwrap_or_default();
                let value = if values.is_empty() {
                    Value::Null
                } else {
                    Value::Array(values)
                };
                json!({"field": field, "value": value})
            })
            .collect();
        put("kibana.alert.suppression.terms", Value::Array(terms));
    } else if alert.suppressed_count > 0 {
        put(
            "kibana.alert.suppression.docs_count",
            json!(alert.suppressed_count),
        );
    }
    put("kibana.alert.rule.uuid", json!(rule_uuid(rule)));
    put("kibana.alert.rule.rule_id", json!(rule.id));
    put("kibana.alert.rule.name", json!(rule.name));
    if !rule.description.is_empty() {
        put("kibana.alert.rule.description", json!(rule.description));
    }
    put("kibana.alert.rule.severity", json!(rule_severity));
    put("kibana.alert.rule.risk_score", json!(rule.risk_score));
    put("kibana.alert.rule.type", json!(kind.rule_type));
    put("kibana.alert.rule.rule_type_id", json!(kind.rule_type_id));
    put("kibana.alert.rule.category", json!(kind.category));
    put("kibana.alert.rule.consumer", json!("siem"));
    put("kibana.alert.rule.producer", json!("siem"));
    put("kibana.alert.rule.tags", json!(rule.tags));
    put("kibana.alert.rule.threat", json!(rule.threat));
    put("kibana.alert.rule.references", json!(rule.references));
    put(
        "kibana.alert.rule.false_positives",
        json!(rule.false_positives),
    );
    if let Some(note) = &rule.note {
        put("kibana.alert.rule.note", json!(note));
    }
    if let Some(v) = &rule.version {
        // Elastic rule versions are integers; other sources' versions (Sigma dates) stay text.
        let version = v.parse::<u64>().map_or_else(|_| json!(v), |n| json!(n));
        put("kibana.alert.rule.version", version);
    }
    let schedule = &rule.schedule;
    let from = format!("now-{}", duration(schedule.lookback_ms));
    put("kibana.alert.rule.from", json!(from));
    put("kibana.alert.rule.to", json!("now"));
    put(
        "kibana.alert.rule.interval",
        json!(duration(schedule.interval_ms)),
    );
    put("kibana.alert.rule.max_signals", json!(schedule.max_signals));
    put("kibana.alert.rule.enabled", json!(true));
    put("kibana.alert.rule.exceptions_list", json!([]));
    put("kibana.alert.rule.actions", json!([]));
    if let Some(t) = &rule.timestamp_override {
        put("kibana.alert.rule.timestamp_override", json!(t));
    }
    if rule.building_block {
        put("kibana.alert.rule.building_block_type", json!("default"));
    }
    put(
        "kibana.alert.rule.parameters",
        parameters(rule, kind, &from, rule_severity),
    );
    put(
        "kibana.alert.rule.meta.source",
        json!(rule.source.map_or("trailhound", |s| s.name())),
    );
    put(
        "kibana.alert.rule.meta.source_rule_type",
        json!(rule.rule_type),
    );
    put("kibana.alert.rule.meta.file", json!(rule.file));
    if !rule.compliance.is_empty() {
        put("kibana.alert.rule.meta.compliance", json!(rule.compliance));
    }
    put("kibana.alert.rule.execution.type", json!("scheduled"));
    put("kibana.space_ids", json!([space]));
    Value::Object(doc)
}

/// `kibana.alert.threshold_result`: group-by values as `terms`, distinct counts as
/// `cardinality`, the event count and the start of the counted window.
fn threshold_result(alert: &Alert) -> Value {
    let d = &alert.detection;
    let field = |name: &str| d.fields.iter().find(|(k, _)| k == name).map(|(_, v)| v);
    let mut out = Map::new();
    if !d.group.is_empty() {
        let terms: Vec<Value> = d
            .group
            .iter()
            .map(|(k, v)| json!({"field": k, "value": as_keyword(v)}))
            .collect();
        out.insert("terms".into(), Value::Array(terms));
    }
    let cardinality: Vec<Value> = d
        .fields
        .iter()
        .filter_map(|(k, v)| {
            k.strip_prefix("threshold.cardinality.")
                .map(|f| json!({"field": f, "value": v}))
        })
        .collect();
    if !cardinality.is_empty() {
        out.insert("cardinality".into(), Value::Array(cardinality));
    }
    let count = field("threshold.count")
        .and_then(Value::as_u64)
        .unwrap_or(d.count);
    out.insert("count".into(), json!(count));
    let from = field("threshold.from")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .or_else(|| d.events.first().and_then(event_time))
        .unwrap_or_else(|| iso_millis(d.time_ms));
    out.insert("from".into(), json!(from));
    Value::Object(out)
}

/// `kibana.alert.rule.parameters` (a flattened field in Kibana's mapping): the rule's
/// parameters in the snake_case names of Kibana's rule API.
fn parameters(rule: &RuleMeta, kind: KibanaRuleType, from: &str, severity: &str) -> Value {
    let mut p = Map::new();
    p.insert("rule_id".into(), json!(rule.id));
    p.insert("type".into(), json!(kind.rule_type));
    if !rule.language.is_empty() {
        p.insert("language".into(), json!(rule.language));
    }
    p.insert("severity".into(), json!(severity));
    p.insert("risk_score".into(), json!(rule.risk_score));
    p.insert("from".into(), json!(from));
    p.insert("to".into(), json!("now"));
    p.insert("max_signals".into(), json!(rule.schedule.max_signals));
    if let Some(t) = &rule.timestamp_override {
        p.insert("timestamp_override".into(), json!(t));
    }
    if !rule.investigation_fields.is_empty() {
        p.insert(
            "investigation_fields".into(),
            json!({"field_names": rule.investigation_fields}),
        );
    }
    if let Some(s) = &rule.suppression {
        let mut sup = Map::new();
        sup.insert("group_by".into(), json!(s.group_by));
        if let Some(ms) = s.duration_ms {
            let text = duration(ms);
            // `duration` always ends with a one-byte unit letter.
            let (value, unit) = text.split_at(text.len() - 1);
            let value: u64 = value.parse().unwrap_or(0);
            sup.insert("duration".into(), json!({"value": value, "unit": unit}));
        }
        let strategy = if s.suppress_missing {
            "suppress"
        } else {
            "doNotSuppress"
        };
        sup.insert("missing_fields_strategy".into(), json!(strategy));
        p.insert("alert_suppression".into(), Value::Object(sup));
    }
    Value::Object(p)
}

#[cfg(test)]
mod tests {
    use super::*;
    use trailhound_engine::RuleSource;

    fn rule(source: RuleSource, ty: &str, lang: &str) -> RuleMeta {
        RuleMeta {
            id: "r".into(),
            source: Some(source),
            rule_type: ty.into(),
            language: lang.into(),
            ..RuleMeta::default()
        }
    }

    #[test]
    fn rule_types() {
        use RuleSource::*;
        let cases = [
            (Elastic, "query", "kuery", "siem.queryRule"),
            (Elastic, "eql", "eql", "siem.eqlRule"),
            (Elastic, "eql/sequence", "eql", "siem.eqlRule"),
            (Elastic, "eql/sample", "eql", "siem.eqlRule"),
            (Elastic, "threshold", "kuery", "siem.thresholdRule"),
            (Elastic, "new_terms", "kuery", "siem.newTermsRule"),
            (Elastic, "esql", "esql", "siem.esqlRule"),
            (Elastic, "hunt", "esql", "siem.esqlRule"),
            (Elastic, "hunt", "eql", "siem.eqlRule"),
            (Elastic, "hunt", "kuery", "siem.queryRule"),
            (
                Datadog,
                "log_detection/threshold",
                "datadog",
                "siem.thresholdRule",
            ),
            (
                Datadog,
                "log_detection/new_value",
                "datadog",
                "siem.newTermsRule",
            ),
            (
                Datadog,
                "log_detection/signal_correlation",
                "datadog",
                "siem.eqlRule",
            ),
            (
                Datadog,
                "log_detection/impossible_travel",
                "datadog",
                "siem.queryRule",
            ),
            (Sigma, "sigma", "sigma", "siem.queryRule"),
            (
                Sigma,
                "sigma/correlation:event_count",
                "sigma",
                "siem.thresholdRule",
            ),
            (
                Sigma,
                "sigma/correlation:valuecount",
                "sigma",
                "siem.thresholdRule",
            ),
            (
                Sigma,
                "sigma/correlation:temporal_ordered",
                "sigma",
                "siem.eqlRule",
            ),
            (Trailhound, "", "", "siem.queryRule"),
        ];
        for (source, ty, lang, want) in cases {
            let got = kibana_rule_type(&rule(source, ty, lang));
            assert_eq!(got.rule_type_id, want, "{ty} ({lang})");
        }
        assert_eq!(
            kibana_rule_type(&rule(Elastic, "eql/sequence", "eql")).category,
            "Event Correlation Rule"
        );
    }

    #[test]
    fn durations() {
        let cases = [
            (300_000, "5m"),
            (360_000, "6m"),
            (3_600_000, "1h"),
            (90_000, "90s"),
            (1_500, "2s"),
            (0, "0s"),
        ];
        for (ms, want) in cases {
            assert_eq!(duration(ms), want, "{ms}");
        }
    }

    #[test]
    fn rule_uuids_are_version_8_and_stable() {
        let a = rule_uuid(&rule(RuleSource::Elastic, "query", "kuery"));
        assert_eq!(a, rule_uuid(&rule(RuleSource::Elastic, "query", "kuery")));
        assert_ne!(a, rule_uuid(&rule(RuleSource::Sigma, "query", "kuery")));
        let parts: Vec<&str> = a.split('-').collect();
        assert_eq!(
            parts.iter().map(|p| p.len()).collect::<Vec<_>>(),
            [8, 4, 4, 4, 12]
        );
        assert!(parts[2].starts_with('8'), "{a}");
        assert!(
            matches!(parts[3].chars().next(), Some('8' | '9' | 'a' | 'b')),
            "{a}"
        );
    }

    #[test]
    fn insert_absent_keeps_what_is_there() {
        let mut m = match json!({"user": {"name": "bob"}, "count": 1}) {
            Value::Object(m) => m,
            _ => unreachable!("an object literal"),
        };
        insert_absent(&mut m, "user.name", json!("eve"));
        insert_absent(&mut m, "user.id", json!("42"));
        insert_absent(&mut m, "count.total", json!(3));
        insert_absent(&mut m, "source.ip", json!("192.0.2.1"));
        assert_eq!(
            Value::Object(m),
            json!({"user": {"name": "bob", "id": "42"}, "count": 1, "source": {"ip": "192.0.2.1"}})
        );
    }

    #[test]
    fn esql_rows_become_fields() {
        let raw = r#"{"eventID":"e1","eventTime":"2024-05-01T10:00:00Z","eventName":"CreateAccessKey","eventSource":"iam.amazonaws.com","userIdentity":{"type":"IAMUser","userName":"bob","arn":"arn:aws:iam::111122223333:user/bob"}}"#;
        let doc: sonic_rs::Value = sonic_rs::from_str(raw).expect("valid");
        let ev = std::sync::Arc::new(trailhound_event::Event::new(
            std::borrow::Cow::Owned(raw.to_owned()),
            doc,
            Default::default(),
        ));
        let detection = trailhound_engine::Detection {
            time_ms: ev.time_millis().expect("time"),
            events: vec![ev],
            count: 1,
            fields: vec![
                ("Esql.key_count".into(), json!(3)),
                ("user.name".into(), json!("someone else")),
                ("_id".into(), json!("metadata")),
                ("source.geo.city_name".into(), Value::Null),
            ],
            ..Default::default()
        };
        let alert = Alert::new(
            std::sync::Arc::new(rule(RuleSource::Elastic, "esql", "esql")),
            View::ECS,
            detection,
        );
        let doc = ecs_document(&alert, "default");
        assert_eq!(doc["Esql"], json!({"key_count": 3}));
        assert_eq!(doc["user"]["name"], "bob", "the source's value wins");
        assert!(doc.get("_id").is_none());
        assert!(doc["source"].get("geo").is_none());
        assert_eq!(doc["kibana.alert.rule.rule_type_id"], "siem.esqlRule");
        assert_eq!(doc["event"]["kind"], "signal");
        assert_eq!(doc["kibana.alert.original_event.kind"], "event");
        assert_eq!(
            doc["kibana.alert.ancestors"],
            json!([{"id": "e1", "type": "event", "index": "logs-aws.cloudtrail-default", "depth": 0}])
        );
    }

    #[test]
    fn severities() {
        let cases = [
            (Severity::Info, "low"),
            (Severity::Low, "low"),
            (Severity::Medium, "medium"),
            (Severity::High, "high"),
            (Severity::Critical, "critical"),
        ];
        for (s, want) in cases {
            assert_eq!(kibana_severity(s), want);
        }
    }
}

//! Alerts as a SARIF 2.1.0 log, for CI systems and code-scanning dashboards.
//!
//! # Wire format (`--format sarif`: one JSON document, written at the end of the run)
//!
//! One run whose tool is `trailhound`. The driver lists each rule that raised an alert once
//! (a `reportingDescriptor`), the results refer to it by `ruleId` and `ruleIndex`:
//!
//! | SARIF | from |
//! |---|---|
//! | `rules[].id`, `.name`, `.shortDescription` | rule id and name |
//! | `rules[].fullDescription` | rule description (when it has one) |
//! | `rules[].help` | the investigation guide (Elastic `note`, Datadog `message`, Sigma description) as `text` and `markdown`; the description when there is none |
//! | `rules[].helpUri` | the rule's first web reference |
//! | `rules[].defaultConfiguration.level` | rule severity (below) |
//! | `rules[].properties` | `tags` (`security`, the rule's tags, `external/mitre-attack/<id>` per tactic and technique), `security-severity` (risk score ÷ 10, the scale GitHub reads), `source`, `type`, `file` |
//! | `results[].level` | alert severity: critical and high → `error`, medium → `warning`, low and info → `note` |
//! | `results[].message` | `text`: the alert's one-line summary (preceded by its label when it has one); `markdown`: the rule's rendered message (Datadog) |
//! | `results[].locations[].logicalLocations` | the principal (`kind: resource`, fully qualified by its ARN) and the API call (`kind: function`, fully qualified as an IAM action, `lambda:AddPermission20150331v2`) of the first event |
//! | `results[].partialFingerprints` | `alertId/v1`: the alert id, stable across runs |
//! | `results[].properties` | `timestamp`, `severity`, `riskScore`, `count`, `suppressedCount`, `account`, `region`, `sourceIp`, `eventIds`, `label`, `group` |
//!
//! Results are in time order (then rule id, then alert id); rules in order of first result.
//! Two different rules with the same id are listed once, under the first.
//!
//! CloudTrail records have no file and line, so results carry logical locations only; viewers
//! that insist on a physical location (GitHub code scanning does) will not place them on a file.

use crate::schema::{event_summary, iso_millis};
use crate::sink::AlertSink;
use crate::summary::Summary;
use serde_json::{Map, Value, json};
use std::collections::HashMap;
use std::io::{self, Write};
use std::sync::Arc;
use trailhound_engine::{Alert, RuleMeta, Severity};

/// The schema URI written in `$schema`.
pub const SARIF_SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// A SARIF 2.1.0 log of every alert (see the [module documentation](self)). Alerts are held
/// until [`AlertSink::finish`], which writes the document.
pub struct SarifSink<W: Write> {
    out: W,
    results: Vec<Pending>,
}

struct Pending {
    time_ms: i64,
    id: String,
    rule: Arc<RuleMeta>,
    result: Map<String, Value>,
}

impl<W: Write> SarifSink<W> {
    /// A sink writing to `out`.
    pub fn new(out: W) -> SarifSink<W> {
        SarifSink {
            out,
            results: Vec::new(),
        }
    }
}

/// The SARIF level of a severity.
pub fn level(sev: Severity) -> &'static str {
    match sev {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

impl<W: Write> AlertSink for SarifSink<W> {
    fn alert(&mut self, alert: &Alert) -> io::Result<()> {
        self.results.push(Pending {
            time_ms: alert.detection.time_ms,
            id: alert.id.clone(),
            rule: alert.rule.clone(),
            result: result(alert),
        });
        Ok(())
    }

    fn finish(&mut self) -> io::Result<()> {
        self.results
            .sort_by(|a, b| (a.time_ms, &a.rule.id, &a.id).cmp(&(b.time_ms, &b.rule.id, &b.id)));
        let mut index: HashMap<String, usize> = HashMap::new();
        let mut rules = Vec::new();
        let mut results = Vec::with_capacity(self.results.len());
        for p in self.results.drain(..) {
            let n = *index.entry(p.rule.id.clone()).or_insert_with(|| {
                rules.push(descriptor(&p.rule));
                rules.len() - 1
            });
            let mut r = Map::new();
            r.insert("ruleId".into(), json!(p.rule.id));
            r.insert("ruleIndex".into(), json!(n));
            r.extend(p.result);
            results.push(Value::Object(r));
        }
        let log = json!({
            "$schema": SARIF_SCHEMA,
            "version": "2.1.0",
            "runs": [{
                "tool": {"driver": {
                    "name": "trailhound",
                    "version": env!("CARGO_PKG_VERSION"),
                    "informationUri": env!("CARGO_PKG_REPOSITORY"),
                    "rules": rules,
                }},
                "results": results,
            }],
        });
        let text = serde_json::to_string_pretty(&log).map_err(io::Error::other)?;
        self.out.write_all(text.as_bytes())?;
        self.out.write_all(b"\n")?;
        self.out.flush()
    }
}

/// Distinct strings in first-seen order (SARIF's `tags` must not repeat).
fn unique(items: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for i in items {
        if !out.contains(&i) {
            out.push(i);
        }
    }
    out
}

fn descriptor(rule: &RuleMeta) -> Value {
    let severity = rule.severity.unwrap_or(Severity::Medium);
    let mut d = Map::new();
    d.insert("id".into(), json!(rule.id));
    d.insert("name".into(), json!(rule.name));
    d.insert("shortDescription".into(), json!({"text": rule.name}));
    if !rule.description.is_empty() {
        d.insert("fullDescription".into(), json!({"text": rule.description}));
    }
    let help = match &rule.note {
        Some(note) if !note.trim().is_empty() => json!({"text": note, "markdown": note}),
        _ if !rule.description.is_empty() => json!({"text": rule.description}),
        _ => json!({"text": rule.name}),
    };
    d.insert("help".into(), help);
    if let Some(uri) = rule
        .references
        .iter()
        .find(|r| r.starts_with("https://") || r.starts_with("http://"))
    {
        d.insert("helpUri".into(), json!(uri));
    }
    d.insert(
        "defaultConfiguration".into(),
        json!({"level": level(severity)}),
    );
    let attack = rule
        .tactics()
        .into_iter()
        .chain(rule.techniques())
        .map(|id| format!("external/mitre-attack/{id}"));
    let tags = unique(
        std::iter::once("security".to_owned())
            .chain(rule.tags.iter().cloned())
            .chain(attack),
    );
    d.insert(
        "properties".into(),
        json!({
            "tags": tags,
            "security-severity": format!("{:.1}", f64::from(rule.risk_score) / 10.0),
            "source": rule.source.map_or("trailhound", |s| s.name()),
            "type": rule.rule_type,
            "file": rule.file,
        }),
    );
    Value::Object(d)
}

/// The service prefix of an event source: `lambda` for `lambda.amazonaws.com`.
fn service_prefix(source: &str) -> &str {
    source.strip_suffix(".amazonaws.com").unwrap_or(source)
}

/// The last segment of an ARN's resource (`bob` for `…:user/bob`), or the whole name.
fn short_name(principal: &str) -> &str {
    principal
        .rsplit_once('/')
        .map_or(principal, |(_, last)| last)
}

fn result(alert: &Alert) -> Map<String, Value> {
    let d = &alert.detection;
    let s = d.events.first().map(|e| Summary::of(e)).unwrap_or_default();
    let mut text = event_summary(alert);
    if let Some(label) = &d.label {
        text = format!("{label}: {text}");
    }
    let mut message = Map::new();
    message.insert("text".into(), json!(text));
    if let Some(m) = &d.message {
        message.insert("markdown".into(), json!(m));
    }
    let mut logical = Vec::new();
    if !s.principal.is_empty() {
        logical.push(json!({
            "name": short_name(&s.principal),
            "fullyQualifiedName": s.principal,
            "kind": "resource",
        }));
    }
    if !s.action.is_empty() {
        let qualified = if s.service.is_empty() {
            s.action.clone()
        } else {
            format!("{}:{}", service_prefix(&s.service), s.action)
        };
        logical.push(json!({
            "name": s.action,
            "fullyQualifiedName": qualified,
            "kind": "function",
        }));
    }
    let mut r = Map::new();
    r.insert("level".into(), json!(level(alert.severity())));
    r.insert("message".into(), Value::Object(message));
    if !logical.is_empty() {
        r.insert("locations".into(), json!([{"logicalLocations": logical}]));
    }
    r.insert(
        "partialFingerprints".into(),
        json!({"alertId/v1": alert.id}),
    );
    let event_ids: Vec<&str> = d
        .events
        .iter()
        .filter_map(|e| e.raw_str(&["eventID"]))
        .collect();
    let mut props = Map::new();
    props.insert("timestamp".into(), json!(iso_millis(d.time_ms)));
    props.insert("severity".into(), json!(alert.severity().name()));
    props.insert("riskScore".into(), json!(alert.rule.risk_score));
    props.insert("count".into(), json!(d.count));
    props.insert("suppressedCount".into(), json!(alert.suppressed_count));
    for (key, value) in [
        ("account", &s.account),
        ("region", &s.region),
        ("sourceIp", &s.source_ip),
    ] {
        if !value.is_empty() {
            props.insert(key.into(), json!(value));
        }
    }
    props.insert("eventIds".into(), json!(event_ids));
    if let Some(label) = &d.label {
        props.insert("label".into(), json!(label));
    }
    if !d.group.is_empty() {
        let group: Map<String, Value> = d.group.iter().cloned().collect();
        props.insert("group".into(), Value::Object(group));
    }
    r.insert("properties".into(), Value::Object(props));
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels() {
        let cases = [
            (Severity::Critical, "error"),
            (Severity::High, "error"),
            (Severity::Medium, "warning"),
            (Severity::Low, "note"),
            (Severity::Info, "note"),
        ];
        for (s, want) in cases {
            assert_eq!(level(s), want);
        }
    }

    #[test]
    fn names() {
        let cases = [
            ("arn:aws:iam::111122223333:user/bob", "bob"),
            (
                "arn:aws:sts::111122223333:assumed-role/Admin/carol",
                "carol",
            ),
            ("cloudtrail.amazonaws.com", "cloudtrail.amazonaws.com"),
            ("", ""),
        ];
        for (p, want) in cases {
            assert_eq!(short_name(p), want);
        }
        assert_eq!(service_prefix("lambda.amazonaws.com"), "lambda");
        assert_eq!(service_prefix("custom"), "custom");
    }

    #[test]
    fn tags_are_distinct() {
        let got = unique(["a", "b", "a", "c", "b"].map(str::to_owned));
        assert_eq!(got, ["a", "b", "c"]);
    }
}

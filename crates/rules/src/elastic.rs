//! Elastic detection-rule TOML (`[metadata]`, `[rule]`, `[[rule.threat]]`, …) and hunting
//! TOML (`[hunt]`), as elastic/detection-rules writes them.
//!
//! Every field an alert or report needs is kept in [`RuleMeta`]; the fields that change
//! execution (`type`, `language`, `query`, `index`, `from`, `interval`, `max_signals`,
//! `timestamp_override`, `event_category_override`, `new_terms`, `threshold`,
//! `alert_suppression`, `building_block_type`) drive compilation.

use crate::duration::{parse_duration, parse_now_minus};
use crate::report::RuleError;
use serde::Deserialize;
use std::collections::BTreeMap;
use toml::Spanned;
use trailhound_engine::rule::{
    AttackRef, RuleMeta, RuleSource, Schedule, Severity, Suppression, Technique, Threat,
};

#[derive(Debug, Deserialize)]
struct File {
    #[serde(default)]
    metadata: Option<toml::Table>,
    #[serde(default)]
    rule: Option<RuleToml>,
    #[serde(default)]
    hunt: Option<HuntToml>,
}

#[derive(Debug, Default, Deserialize)]
struct RuleToml {
    #[serde(default)]
    rule_id: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    severity: String,
    #[serde(default)]
    risk_score: Option<f64>,
    #[serde(rename = "type", default)]
    rule_type: String,
    #[serde(default)]
    language: Option<String>,
    #[serde(default)]
    query: Option<Spanned<String>>,
    #[serde(default)]
    index: Option<Vec<String>>,
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    interval: Option<String>,
    #[serde(default)]
    max_signals: Option<u32>,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    references: Vec<String>,
    #[serde(default)]
    false_positives: Vec<String>,
    #[serde(default)]
    note: Option<String>,
    #[serde(default)]
    setup: Option<String>,
    #[serde(default)]
    version: Option<toml::Value>,
    #[serde(default)]
    timestamp_override: Option<String>,
    #[serde(default)]
    event_category_override: Option<String>,
    #[serde(default)]
    building_block_type: Option<String>,
    #[serde(default)]
    threat: Vec<ThreatToml>,
    #[serde(default)]
    investigation_fields: Option<InvestigationFields>,
    #[serde(default)]
    new_terms: Option<NewTermsToml>,
    #[serde(default)]
    threshold: Option<ThresholdToml>,
    #[serde(default)]
    alert_suppression: Option<SuppressionToml>,
    #[serde(default)]
    machine_learning_job_id: Option<toml::Value>,
}

#[derive(Debug, Deserialize)]
struct ThreatToml {
    #[serde(default)]
    framework: String,
    tactic: RefToml,
    #[serde(default)]
    technique: Vec<TechniqueToml>,
}

#[derive(Debug, Deserialize)]
struct RefToml {
    id: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    reference: String,
}

#[derive(Debug, Deserialize)]
struct TechniqueToml {
    id: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    reference: String,
    #[serde(default)]
    subtechnique: Vec<RefToml>,
}

#[derive(Debug, Deserialize)]
struct InvestigationFields {
    #[serde(default)]
    field_names: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct NewTermsToml {
    #[serde(default)]
    value: Vec<String>,
    #[serde(default)]
    history_window_start: Vec<FieldValue>,
}

#[derive(Debug, Deserialize)]
struct FieldValue {
    #[serde(default)]
    value: String,
}

#[derive(Debug, Deserialize)]
struct ThresholdToml {
    #[serde(default)]
    field: FieldList,
    value: u64,
    #[serde(default)]
    cardinality: Vec<CardinalityToml>,
}

/// `threshold.field` is a list, or a single string in older rules.
#[derive(Debug, Default, Deserialize)]
#[serde(untagged)]
enum FieldList {
    #[default]
    None,
    One(String),
    Many(Vec<String>),
}

#[derive(Debug, Deserialize)]
struct CardinalityToml {
    field: String,
    value: u64,
}

#[derive(Debug, Deserialize)]
struct SuppressionToml {
    #[serde(default)]
    group_by: Vec<String>,
    #[serde(default)]
    duration: Option<DurationToml>,
    #[serde(default)]
    missing_fields_strategy: Option<String>,
}

#[derive(Debug, Deserialize)]
struct DurationToml {
    value: i64,
    unit: String,
}

#[derive(Debug, Deserialize)]
struct HuntToml {
    #[serde(default)]
    name: String,
    #[serde(default)]
    uuid: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    author: Option<String>,
    #[serde(default)]
    integration: Vec<String>,
    #[serde(default)]
    language: Vec<String>,
    #[serde(default)]
    query: Vec<Spanned<String>>,
    #[serde(default)]
    notes: Vec<String>,
    #[serde(default)]
    mitre: Vec<String>,
    #[serde(default)]
    references: Vec<String>,
}

/// What kind of logic an Elastic rule has.
#[derive(Clone, Debug)]
pub enum ElasticLogic {
    /// `type = "query"` with a KQL (or Lucene) query.
    Query {
        /// `kuery` or `lucene`.
        language: String,
    },
    /// `type = "eql"`.
    Eql {
        /// The field `<category> where` tests (`event_category_override`).
        category_field: Option<String>,
    },
    /// `type = "esql"`, and hunting queries.
    Esql {
        /// True for a hunting query (runs once, not on a schedule).
        hunt: bool,
    },
    /// `type = "threshold"`.
    Threshold {
        /// Group-by fields.
        fields: Vec<String>,
        /// Minimum count.
        value: u64,
        /// `(field, minimum distinct values)`.
        cardinality: Vec<(String, u64)>,
    },
    /// `type = "new_terms"`.
    NewTerms {
        /// The fields whose combination must be new.
        fields: Vec<String>,
        /// History window in milliseconds.
        history_ms: i64,
    },
}

/// A parsed Elastic rule or hunting query: metadata, logic and its query text.
#[derive(Clone, Debug)]
pub struct ElasticRule {
    /// Metadata.
    pub meta: RuleMeta,
    /// The logic kind.
    pub logic: ElasticLogic,
    /// The query text and its byte offset in the file.
    pub query: (String, usize),
}

/// The outcome of reading one Elastic TOML file.
#[derive(Debug)]
pub enum Parsed {
    /// Rules to compile (one per hunting query; one for a rule file).
    Rules(Vec<ElasticRule>),
    /// A rule that cannot run on CloudTrail, with the reason.
    NotRunnable(Box<RuleMeta>, String),
}

fn severity(s: &str) -> Option<Severity> {
    Severity::parse(s)
}

fn threat(t: Vec<ThreatToml>) -> Vec<Threat> {
    t.into_iter()
        .map(|t| Threat {
            framework: if t.framework.is_empty() {
                "MITRE ATT&CK".to_owned()
            } else {
                t.framework
            },
            tactic: attack(t.tactic),
            technique: t
                .technique
                .into_iter()
                .map(|tech| Technique {
                    technique: attack(RefToml {
                        id: tech.id,
                        name: tech.name,
                        reference: tech.reference,
                    }),
                    subtechnique: tech.subtechnique.into_iter().map(attack).collect(),
                })
                .collect(),
        })
        .collect()
}

fn attack(r: RefToml) -> AttackRef {
    let mut a = AttackRef::new(&r.id, &r.name);
    if !r.reference.is_empty() {
        a.reference = r.reference;
    }
    a
}

/// True when an index pattern would read the Elastic AWS CloudTrail data stream
/// (`logs-aws.cloudtrail-default`) or Filebeat's indices.
pub fn index_covers_cloudtrail(pattern: &str) -> bool {
    let glob = trailhound_engine::Glob::parse_backslash(pattern.trim(), false);
    ["logs-aws.cloudtrail-default", "filebeat-8.0.0-2024.01.01"]
        .iter()
        .any(|i| glob.matches(i))
}

/// Offset of the first character of a TOML string value whose value span is `span`: past the
/// opening quotes, and past a newline right after a multi-line opener (TOML trims it).
pub(crate) fn content_offset(text: &str, span: std::ops::Range<usize>) -> usize {
    let raw = text.get(span.clone()).unwrap_or("");
    let mut off = span.start;
    for opener in ["'''", "\"\"\"", "'", "\""] {
        if raw.starts_with(opener) {
            off += opener.len();
            if opener.len() == 3 {
                if raw[3..].starts_with("\r\n") {
                    off += 2;
                } else if raw[3..].starts_with('\n') {
                    off += 1;
                }
            }
            break;
        }
    }
    off
}

/// Parses one Elastic TOML file.
pub fn parse(file: &str, text: &str) -> Result<Parsed, RuleError> {
    let parsed: File = toml::from_str(text).map_err(|e| {
        let offset = e.span().map_or(0, |s| s.start);
        RuleError::at(file, text, offset, "elastic::toml", e.message().to_owned())
    })?;
    if let Some(hunt) = parsed.hunt {
        return Ok(Parsed::Rules(hunting(file, text, hunt)));
    }
    let Some(rule) = parsed.rule else {
        return Err(RuleError::at(
            file,
            text,
            0,
            "elastic::no_rule",
            "no [rule] or [hunt] table".into(),
        ));
    };
    let maturity = parsed
        .metadata
        .as_ref()
        .and_then(|m| m.get("maturity"))
        .and_then(|v| v.as_str())
        .unwrap_or("");
    let sev = severity(&rule.severity);
    let mut meta = RuleMeta {
        id: rule.rule_id.clone(),
        name: rule.name.clone(),
        description: rule.description.trim().to_owned(),
        source: Some(RuleSource::Elastic),
        rule_type: rule.rule_type.clone(),
        language: rule.language.clone().unwrap_or_default(),
        file: file.to_owned(),
        version: rule
            .version
            .as_ref()
            .map(|v| v.to_string().trim_matches('"').to_owned()),
        severity: sev,
        risk_score: rule.risk_score.map_or_else(
            || sev.map_or(0, Severity::default_risk_score),
            |r| r.clamp(0.0, 100.0) as u8,
        ),
        tags: rule.tags.clone(),
        references: rule.references.clone(),
        false_positives: rule
            .false_positives
            .iter()
            .map(|s| s.trim().to_owned())
            .collect(),
        note: rule.note.clone(),
        setup: rule.setup.clone(),
        building_block: rule.building_block_type.is_some(),
        threat: threat(rule.threat),
        compliance: Vec::new(),
        investigation_fields: rule
            .investigation_fields
            .map(|i| i.field_names)
            .unwrap_or_default(),
        reads_clock: false,
        schedule: Schedule {
            interval_ms: rule
                .interval
                .as_deref()
                .and_then(parse_duration)
                .unwrap_or(5 * 60_000),
            lookback_ms: rule
                .from
                .as_deref()
                .and_then(parse_now_minus)
                .unwrap_or(6 * 60_000),
            max_signals: rule.max_signals.unwrap_or(100),
        },
        timestamp_override: rule.timestamp_override.clone(),
        suppression: rule.alert_suppression.map(|s| Suppression {
            group_by: s.group_by,
            duration_ms: s
                .duration
                .and_then(|d| parse_duration(&format!("{}{}", d.value, d.unit))),
            suppress_missing: s.missing_fields_strategy.as_deref() != Some("doNotSuppress"),
        }),
    };
    if maturity == "deprecated" {
        meta.tags.push("Deprecated".into());
    }
    if meta.id.is_empty() || meta.name.is_empty() {
        return Err(RuleError::at(
            file,
            text,
            0,
            "elastic::missing_field",
            "a rule needs rule_id and name".into(),
        ));
    }
    if meta.severity.is_none() {
        return Err(RuleError::at(
            file,
            text,
            0,
            "elastic::severity",
            format!("unknown severity {:?}", rule.severity),
        ));
    }
    let logic = match rule.rule_type.as_str() {
        "machine_learning" => {
            let job = rule
                .machine_learning_job_id
                .map(|v| v.to_string())
                .unwrap_or_default();
            return Ok(Parsed::NotRunnable(
                Box::new(meta),
                format!(
                    "machine_learning rule: needs Elastic ML job {job}, which has no equivalent outside Elasticsearch"
                ),
            ));
        }
        "query" => ElasticLogic::Query {
            language: rule.language.clone().unwrap_or_else(|| "kuery".into()),
        },
        "eql" => ElasticLogic::Eql {
            category_field: rule.event_category_override.clone(),
        },
        "esql" => ElasticLogic::Esql { hunt: false },
        "threshold" => {
            let Some(t) = rule.threshold else {
                return Err(RuleError::at(
                    file,
                    text,
                    0,
                    "elastic::threshold",
                    "threshold rule without [rule.threshold]".into(),
                ));
            };
            let fields = match t.field {
                FieldList::None => Vec::new(),
                FieldList::One(f) if f.is_empty() => Vec::new(),
                FieldList::One(f) => vec![f],
                FieldList::Many(v) => v,
            };
            ElasticLogic::Threshold {
                fields,
                value: t.value,
                cardinality: t
                    .cardinality
                    .into_iter()
                    .map(|c| (c.field, c.value))
                    .collect(),
            }
        }
        "new_terms" => {
            let Some(nt) = rule.new_terms else {
                return Err(RuleError::at(
                    file,
                    text,
                    0,
                    "elastic::new_terms",
                    "new_terms rule without [rule.new_terms]".into(),
                ));
            };
            let start = nt
                .history_window_start
                .first()
                .map(|h| h.value.clone())
                .unwrap_or_default();
            let Some(history_ms) = parse_now_minus(&start) else {
                return Err(RuleError::at(
                    file,
                    text,
                    0,
                    "elastic::new_terms",
                    format!("history_window_start {start:?} is not now-<duration>"),
                ));
            };
            ElasticLogic::NewTerms {
                fields: nt.value,
                history_ms,
            }
        }
        other => {
            return Ok(Parsed::NotRunnable(
                Box::new(meta),
                format!("rule type {other:?} is not supported"),
            ));
        }
    };
    if let ElasticLogic::Query { language } = &logic
        && language != "kuery"
    {
        return Ok(Parsed::NotRunnable(
            Box::new(meta),
            format!("query language {language:?} is not supported (KQL is)"),
        ));
    }
    if !matches!(logic, ElasticLogic::Esql { .. })
        && let Some(index) = &rule.index
        && !index.iter().any(|i| index_covers_cloudtrail(i))
    {
        return Ok(Parsed::NotRunnable(
            Box::new(meta),
            format!("index {index:?} does not include CloudTrail (logs-aws.cloudtrail-*)"),
        ));
    }
    let Some(query) = rule.query else {
        return Err(RuleError::at(
            file,
            text,
            0,
            "elastic::no_query",
            format!("{} rule without a query", rule.rule_type),
        ));
    };
    let offset = content_offset(text, query.span());
    Ok(Parsed::Rules(vec![ElasticRule {
        meta,
        logic,
        query: (query.into_inner(), offset),
    }]))
}

fn hunting(file: &str, text: &str, hunt: HuntToml) -> Vec<ElasticRule> {
    let count = hunt.query.len();
    let mut tags: Vec<String> = hunt
        .integration
        .iter()
        .map(|i| format!("Integration: {i}"))
        .collect();
    tags.push("Hunting".into());
    let mut threat: BTreeMap<String, Threat> = BTreeMap::new();
    for t in &hunt.mitre {
        // Hunting files list technique ids only; tactics are not named.
        let entry = threat.entry(String::new()).or_insert_with(|| Threat {
            framework: "MITRE ATT&CK".into(),
            tactic: AttackRef::default(),
            technique: Vec::new(),
        });
        let (base, sub) = t
            .split_once('.')
            .map_or((t.as_str(), None), |(b, _)| (b, Some(t.as_str())));
        let tech = Technique {
            technique: AttackRef::new(base, ""),
            subtechnique: sub.map(|s| vec![AttackRef::new(s, "")]).unwrap_or_default(),
        };
        entry.technique.push(tech);
    }
    hunt.query
        .into_iter()
        .enumerate()
        .map(|(i, q)| {
            let offset = content_offset(text, q.span());
            let id = if count > 1 {
                format!("{}-{}", hunt.uuid, i + 1)
            } else {
                hunt.uuid.clone()
            };
            let meta = RuleMeta {
                id,
                name: hunt.name.clone(),
                description: hunt.description.trim().to_owned(),
                source: Some(RuleSource::Elastic),
                rule_type: "hunt".into(),
                language: hunt
                    .language
                    .first()
                    .cloned()
                    .unwrap_or_else(|| "ES|QL".into()),
                file: file.to_owned(),
                severity: Some(Severity::Low),
                risk_score: Severity::Low.default_risk_score(),
                tags: tags.clone(),
                references: hunt.references.clone(),
                note: (!hunt.notes.is_empty()).then(|| {
                    hunt.notes
                        .iter()
                        .filter(|n| !n.is_empty())
                        .map(|n| format!("- {n}"))
                        .collect::<Vec<_>>()
                        .join("\n")
                }),
                threat: threat.values().cloned().collect(),
                ..RuleMeta::default()
            };
            let _ = &hunt.author;
            ElasticRule {
                meta,
                logic: ElasticLogic::Esql { hunt: true },
                query: (q.into_inner(), offset),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED_LIKE: &str = r#"[metadata]
maturity = "production"
[rule]
rule_id = "abc"
name = "Test"
description = "d"
severity = "medium"
risk_score = 47
type = "eql"
language = "eql"
from = "now-9m"
interval = "8m"
index = ["filebeat-*", "logs-aws.cloudtrail-*"]
event_category_override = "event.type"
query = '''
info where event.action == "X"
'''
[[rule.threat]]
framework = "MITRE ATT&CK"
[[rule.threat.technique]]
id = "T1578"
name = "Modify Cloud Compute Infrastructure"
reference = "https://attack.mitre.org/techniques/T1578/"
[[rule.threat.technique.subtechnique]]
id = "T1578.005"
name = "Modify Cloud Compute Configurations"
reference = "https://attack.mitre.org/techniques/T1578/005/"
[rule.threat.tactic]
id = "TA0005"
name = "Defense Evasion"
reference = "https://attack.mitre.org/tactics/TA0005/"
[rule.alert_suppression]
group_by = ["source.ip"]
duration = {value = 5, unit = "m"}
missing_fields_strategy = "doNotSuppress"
"#;

    #[test]
    fn reads_metadata_schedule_and_query_position() {
        let Parsed::Rules(rules) = parse("x.toml", SEED_LIKE).expect("parses") else {
            panic!("runnable")
        };
        let r = &rules[0];
        assert_eq!(
            r.meta.schedule,
            Schedule {
                interval_ms: 8 * 60_000,
                lookback_ms: 9 * 60_000,
                max_signals: 100
            }
        );
        assert_eq!(r.meta.techniques(), ["T1578", "T1578.005"]);
        assert_eq!(r.meta.tactics(), ["TA0005"]);
        assert!(
            matches!(&r.logic, ElasticLogic::Eql { category_field: Some(f) } if f == "event.type")
        );
        let (query, offset) = &r.query;
        assert_eq!(query.trim(), r#"info where event.action == "X""#);
        assert_eq!(&SEED_LIKE[*offset..*offset + 4], "info");
        let s = r.meta.suppression.as_ref().expect("suppression");
        assert_eq!((s.duration_ms, s.suppress_missing), (Some(300_000), false));
    }

    #[test]
    fn not_runnable_rules_say_why() {
        let ml = SEED_LIKE.replace(
            "type = \"eql\"",
            "type = \"machine_learning\"\nmachine_learning_job_id = \"rare_method\"",
        );
        match parse("ml.toml", &ml).expect("parses") {
            Parsed::NotRunnable(_, why) => assert!(why.contains("rare_method"), "{why}"),
            Parsed::Rules(_) => panic!("ML rules cannot run"),
        }
        let other = SEED_LIKE.replace(
            r#"index = ["filebeat-*", "logs-aws.cloudtrail-*"]"#,
            r#"index = ["logs-okta.system-*"]"#,
        );
        assert!(
            matches!(parse("o.toml", &other).expect("parses"), Parsed::NotRunnable(_, why) if why.contains("does not include CloudTrail"))
        );
    }

    #[test]
    fn toml_errors_have_positions() {
        let err = parse("bad.toml", "[rule]\nname = \"x\nseverity = 1\n").expect_err("bad TOML");
        assert_eq!((err.line, err.code), (2, "elastic::toml"));
    }

    #[test]
    fn index_patterns() {
        assert!(index_covers_cloudtrail("logs-aws.cloudtrail-*"));
        assert!(index_covers_cloudtrail("logs-aws.cloudtrail*"));
        assert!(index_covers_cloudtrail("filebeat-*"));
        assert!(index_covers_cloudtrail("logs-*"));
        assert!(!index_covers_cloudtrail("logs-aws.guardduty-*"));
    }
}

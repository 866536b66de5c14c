//! Rule metadata every rule source maps onto: identity, severity, ATT&CK mapping, guide text,
//! schedule. Alerts carry it; `rules list` and `rules coverage` read it.

use serde::{Deserialize, Serialize};

/// Where a rule comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RuleSource {
    /// Elastic detection rules and hunting queries (KQL, EQL, ES|QL).
    Elastic,
    /// Datadog Cloud SIEM rules.
    Datadog,
    /// Sigma rules.
    Sigma,
    /// trailhound's own rules.
    Trailhound,
}

impl RuleSource {
    /// The source with lowercase name `name`.
    pub fn parse(name: &str) -> Option<RuleSource> {
        [
            RuleSource::Elastic,
            RuleSource::Datadog,
            RuleSource::Sigma,
            RuleSource::Trailhound,
        ]
        .into_iter()
        .find(|s| s.name() == name)
    }

    /// Lowercase name.
    pub fn name(self) -> &'static str {
        match self {
            RuleSource::Elastic => "elastic",
            RuleSource::Datadog => "datadog",
            RuleSource::Sigma => "sigma",
            RuleSource::Trailhound => "trailhound",
        }
    }
}

/// Alert severity on one scale for every source.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Informational (Sigma `informational`, Datadog `info`).
    Info,
    /// Low.
    Low,
    /// Medium.
    Medium,
    /// High.
    High,
    /// Critical.
    Critical,
}

impl Severity {
    /// Parses the words the rule formats use (`low`, `Medium`, `info`, `informational`).
    pub fn parse(s: &str) -> Option<Severity> {
        Some(match s.trim().to_ascii_lowercase().as_str() {
            "info" | "informational" => Severity::Info,
            "low" => Severity::Low,
            "medium" => Severity::Medium,
            "high" => Severity::High,
            "critical" => Severity::Critical,
            _ => return None,
        })
    }

    /// Lowercase name.
    pub fn name(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    /// Elastic's default risk score for the severity (21/47/73/99; 0 for info).
    pub fn default_risk_score(self) -> u8 {
        match self {
            Severity::Info => 0,
            Severity::Low => 21,
            Severity::Medium => 47,
            Severity::High => 73,
            Severity::Critical => 99,
        }
    }
}

/// A MITRE ATT&CK reference (tactic, technique or sub-technique).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct AttackRef {
    /// `TA0003`, `T1098`, `T1578.005`.
    pub id: String,
    /// Human name.
    pub name: String,
    /// URL.
    pub reference: String,
}

impl AttackRef {
    /// A reference with the canonical attack.mitre.org URL for the id.
    pub fn new(id: &str, name: &str) -> AttackRef {
        let id = id.trim().to_ascii_uppercase();
        let reference = if id.starts_with("TA") {
            format!("https://attack.mitre.org/tactics/{id}/")
        } else {
            format!(
                "https://attack.mitre.org/techniques/{}/",
                id.replace('.', "/")
            )
        };
        AttackRef {
            id,
            name: name.to_owned(),
            reference,
        }
    }
}

/// The tactics of ATT&CK Enterprise: id, name, the short name used in Sigma tags
/// (`attack.privilege-escalation`) and Datadog tags (`TA0004-privilege-escalation`).
pub const TACTICS: &[(&str, &str, &str)] = &[
    ("TA0043", "Reconnaissance", "reconnaissance"),
    ("TA0042", "Resource Development", "resource-development"),
    ("TA0001", "Initial Access", "initial-access"),
    ("TA0002", "Execution", "execution"),
    ("TA0003", "Persistence", "persistence"),
    ("TA0004", "Privilege Escalation", "privilege-escalation"),
    ("TA0005", "Defense Evasion", "defense-evasion"),
    ("TA0006", "Credential Access", "credential-access"),
    ("TA0007", "Discovery", "discovery"),
    ("TA0008", "Lateral Movement", "lateral-movement"),
    ("TA0009", "Collection", "collection"),
    ("TA0011", "Command and Control", "command-and-control"),
    ("TA0010", "Exfiltration", "exfiltration"),
    ("TA0040", "Impact", "impact"),
];

/// The tactic with this id (`TA0003`) or short name (`persistence`, `privilege_escalation`).
pub fn tactic(id_or_name: &str) -> Option<AttackRef> {
    let key = id_or_name.trim().to_ascii_lowercase().replace('_', "-");
    TACTICS
        .iter()
        .find(|(id, name, short)| {
            id.eq_ignore_ascii_case(&key) || *short == key || name.eq_ignore_ascii_case(&key)
        })
        .map(|(id, name, _)| AttackRef::new(id, name))
}

/// A technique and its sub-techniques.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Technique {
    /// The technique.
    #[serde(flatten)]
    pub technique: AttackRef,
    /// Sub-techniques under it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub subtechnique: Vec<AttackRef>,
}

/// One ATT&CK mapping entry in Elastic's (ECS `threat`) shape.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Threat {
    /// Always `MITRE ATT&CK`.
    pub framework: String,
    /// The tactic.
    pub tactic: AttackRef,
    /// Techniques under the tactic.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub technique: Vec<Technique>,
}

/// A compliance control a rule evidences (Datadog's CIS tags).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Compliance {
    /// e.g. `cis-aws`.
    pub framework: String,
    /// e.g. `4.4`.
    pub control: String,
    /// e.g. `Monitoring`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub requirement: String,
}

/// How Elastic would have scheduled the rule (used by schedule replay).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Schedule {
    /// Run interval in milliseconds (Elastic default 5 minutes).
    pub interval_ms: i64,
    /// Look-back in milliseconds: `from = "now-6m"` is 6 minutes.
    pub lookback_ms: i64,
    /// Alerts per run (Elastic default 100).
    pub max_signals: u32,
}

impl Default for Schedule {
    fn default() -> Self {
        Schedule {
            interval_ms: 5 * 60_000,
            lookback_ms: 6 * 60_000,
            max_signals: 100,
        }
    }
}

/// Elastic's `[rule.alert_suppression]`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suppression {
    /// Fields whose values group alerts.
    pub group_by: Vec<String>,
    /// Window in milliseconds (`None`: per rule execution).
    pub duration_ms: Option<i64>,
    /// `suppress` (alerts missing a group field are suppressed together) or `doNotSuppress`.
    pub suppress_missing: bool,
}

/// Everything known about a rule besides its logic.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RuleMeta {
    /// Stable id (Elastic `rule_id`, Datadog `id`, Sigma `id`).
    pub id: String,
    /// Display name.
    pub name: String,
    /// Description.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// Origin.
    pub source: Option<RuleSource>,
    /// Rule type as its source calls it (`query`, `eql`, `threshold`, `new_terms`, `esql`,
    /// `log_detection/threshold`, `sigma`, `sigma/correlation:event_count`, ...).
    pub rule_type: String,
    /// Query language (`kuery`, `eql`, `esql`, `datadog`, `sigma`).
    pub language: String,
    /// File it was loaded from.
    pub file: String,
    /// Version, when the source has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Severity.
    pub severity: Option<Severity>,
    /// Risk score 0-100.
    pub risk_score: u8,
    /// Tags.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Reference URLs.
    #[serde(default)]
    pub references: Vec<String>,
    /// Known false positives.
    #[serde(default)]
    pub false_positives: Vec<String>,
    /// The investigation guide (Elastic `note`, Datadog `message`, Sigma description).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Setup notes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub setup: Option<String>,
    /// Building-block rules produce hidden alerts.
    #[serde(default)]
    pub building_block: bool,
    /// ATT&CK mapping.
    #[serde(default)]
    pub threat: Vec<Threat>,
    /// Compliance controls.
    #[serde(default)]
    pub compliance: Vec<Compliance>,
    /// Fields to show with the alert.
    #[serde(default)]
    pub investigation_fields: Vec<String>,
    /// The query reads the current time (ES|QL `NOW()`), so its results depend on `--now`.
    #[serde(default)]
    pub reads_clock: bool,
    /// Elastic schedule.
    #[serde(default)]
    pub schedule: Schedule,
    /// The timestamp field windows run on (`@timestamp`, or the override).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp_override: Option<String>,
    /// Alert suppression.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suppression: Option<Suppression>,
}

impl RuleMeta {
    /// Tactic ids of the mapping.
    pub fn tactics(&self) -> Vec<&str> {
        self.threat.iter().map(|t| t.tactic.id.as_str()).collect()
    }

    /// Technique and sub-technique ids of the mapping.
    pub fn techniques(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        // A technique listed under several tactics is one technique.
        let ids = self
            .threat
            .iter()
            .flat_map(|t| &t.technique)
            .flat_map(|tech| {
                std::iter::once(tech.technique.id.as_str())
                    .chain(tech.subtechnique.iter().map(|s| s.id.as_str()))
            });
        for id in ids {
            if !out.contains(&id) {
                out.push(id);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severities_and_scores() {
        assert_eq!(Severity::parse("Medium"), Some(Severity::Medium));
        assert_eq!(Severity::parse("informational"), Some(Severity::Info));
        assert_eq!(Severity::parse("bad"), None);
        assert_eq!(Severity::High.default_risk_score(), 73);
        assert!(Severity::Critical > Severity::Low);
    }

    #[test]
    fn tactics_by_id_and_name() {
        assert_eq!(
            tactic("privilege-escalation").map(|t| t.id),
            Some("TA0004".to_string())
        );
        assert_eq!(tactic("TA0040").map(|t| t.name), Some("Impact".to_string()));
        assert_eq!(
            tactic("credential_access").map(|t| t.id),
            Some("TA0006".to_string())
        );
        assert!(tactic("t1098").is_none());
    }

    #[test]
    fn attack_urls() {
        assert_eq!(
            AttackRef::new("ta0003", "Persistence").reference,
            "https://attack.mitre.org/tactics/TA0003/"
        );
        assert_eq!(
            AttackRef::new("T1578.005", "x").reference,
            "https://attack.mitre.org/techniques/T1578/005/"
        );
    }
}

//! The rule object of Datadog's security monitoring API (`/api/v2/security_monitoring/rules`),
//! as plain serde types. Field names follow the API (camelCase); every field that the API may
//! omit is optional or defaults to empty.
//!
//! Reference: `DataDog/terraform-provider-datadog` `docs/resources/security_monitoring_rule.md`
//! and the recorded API responses in `corpus/datadog-rules/`.

use std::collections::BTreeMap;

use serde::Deserialize;

macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $text:literal,)* }) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash, Deserialize)]
        #[serde(from = "String")]
        pub enum $name {
            $($(#[$vmeta])* $variant,)*
            /// A value this crate does not know, kept as written.
            Other(String),
        }

        impl From<String> for $name {
            fn from(text: String) -> Self {
                match text.as_str() {
                    $($text => $name::$variant,)*
                    _ => $name::Other(text),
                }
            }
        }

        impl $name {
            /// The value as the API writes it.
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $text,)*
                    $name::Other(text) => text,
                }
            }
        }
    };
}

string_enum! {
    /// `type`: what the rule analyses.
    RuleType {
        /// Log detection (Cloud SIEM real-time rules over logs).
        LogDetection => "log_detection",
        /// Signal correlation: combines signals of other rules.
        SignalCorrelation => "signal_correlation",
        /// Workload Protection.
        WorkloadSecurity => "workload_security",
        /// App and API Protection.
        ApplicationSecurity => "application_security",
        /// Cloud misconfiguration.
        CloudConfiguration => "cloud_configuration",
        /// Infrastructure misconfiguration.
        InfrastructureConfiguration => "infrastructure_configuration",
    }
}

string_enum! {
    /// `options.detectionMethod`.
    DetectionMethod {
        /// Counts over a sliding window compared with thresholds.
        Threshold => "threshold",
        /// A value never seen before (after a learning period).
        NewValue => "new_value",
        /// A dynamic threshold learned from history.
        AnomalyDetection => "anomaly_detection",
        /// Two logins farther apart than a person can travel in the time between them.
        ImpossibleTravel => "impossible_travel",
        /// Datadog-internal logic.
        Hardcoded => "hardcoded",
        /// Findings forwarded from another product.
        ThirdParty => "third_party",
        /// Anomaly score against a threshold.
        AnomalyThreshold => "anomaly_threshold",
        /// Ordered steps.
        SequenceDetection => "sequence_detection",
    }
}

string_enum! {
    /// `queries[].aggregation`.
    Aggregation {
        /// Number of matching events.
        Count => "count",
        /// Number of distinct values of `distinctFields`.
        Cardinality => "cardinality",
        /// Sum of `metric`.
        Sum => "sum",
        /// Maximum of `metric`.
        Max => "max",
        /// New-value detection on `metric`/`metrics`.
        NewValue => "new_value",
        /// Locations for impossible travel (`metric` is `@network.client.geoip`).
        GeoData => "geo_data",
        /// Signals of a correlated rule.
        EventCount => "event_count",
        /// No aggregation.
        None => "none",
    }
}

string_enum! {
    /// `cases[].status`: the severity of the generated signal.
    Severity {
        /// Informational.
        Info => "info",
        /// Low.
        Low => "low",
        /// Medium.
        Medium => "medium",
        /// High.
        High => "high",
        /// Critical.
        Critical => "critical",
    }
}

string_enum! {
    /// `filters[].action`.
    FilterAction {
        /// Generate a signal only for events matching the filter query.
        Require => "require",
        /// Generate no signal for events matching the filter query.
        Suppress => "suppress",
    }
}

string_enum! {
    /// `options.newValueOptions.learningMethod`.
    LearningMethod {
        /// Learn for `learningDuration` days before alerting.
        Duration => "duration",
        /// Alert once a value has been seen fewer than `learningThreshold` times.
        Threshold => "threshold",
    }
}

string_enum! {
    /// `cases[].actions[].type`: automatic response actions.
    ActionType {
        /// Block the client IP (App and API Protection).
        BlockIp => "block_ip",
        /// Block the user (App and API Protection).
        BlockUser => "block_user",
        /// Record user behaviour.
        UserBehavior => "user_behavior",
        /// Flag the client IP.
        FlagIp => "flag_ip",
    }
}

/// A detection rule.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Rule {
    /// Rule name; also the signal title (may contain template variables).
    pub name: String,
    /// Notification message (Markdown template).
    #[serde(default)]
    pub message: String,
    /// Tags such as `source:cloudtrail` and `tactic:TA0003-persistence`.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Whether the rule runs (absent: enabled).
    #[serde(default = "yes")]
    pub is_enabled: bool,
    /// Rule type (absent: `log_detection`).
    #[serde(rename = "type", default = "log_detection")]
    pub rule_type: RuleType,
    /// The queries; referenced from case conditions by name, or `a`, `b`, ... when unnamed.
    pub queries: Vec<RuleQuery>,
    /// Cases, evaluated in order: the first that matches generates the signal.
    #[serde(default)]
    pub cases: Vec<RuleCase>,
    /// Detection options.
    #[serde(default)]
    pub options: RuleOptions,
    /// Legacy in-rule suppression and requirement filters.
    #[serde(default)]
    pub filters: Vec<RuleFilter>,
    /// Cases of `third_party` rules.
    #[serde(default)]
    pub third_party_cases: Vec<ThirdPartyCase>,
    /// Rule id (e.g. `eh4-lwa-d9z`).
    pub id: Option<String>,
    /// Version of the rule content.
    pub version: Option<u64>,
    /// An out-of-the-box rule.
    pub is_default: Option<bool>,
    /// Deprecated rule.
    pub is_deprecated: Option<bool>,
    /// Id of the out-of-the-box rule this one derives from.
    pub default_rule_id: Option<String>,
    /// Creation time, milliseconds since the Unix epoch.
    pub created_at: Option<i64>,
    /// Last update time, milliseconds since the Unix epoch.
    pub updated_at: Option<i64>,
    /// Whether the signal title includes the group-by values.
    pub has_extended_title: Option<bool>,
    /// Tags of the out-of-the-box version.
    #[serde(default)]
    pub default_tags: Vec<String>,
    /// Top-level fields this crate does not model (`metadata`, `creator`, `blocking`, ...),
    /// filled in by [`load_rule`](super::load_rule).
    #[serde(skip)]
    pub extra: BTreeMap<String, serde_json::Value>,
}

/// The top-level keys [`Rule`] models; every other key goes to [`Rule::extra`].
pub(crate) const RULE_FIELDS: &[&str] = &[
    "name",
    "message",
    "tags",
    "isEnabled",
    "type",
    "queries",
    "cases",
    "options",
    "filters",
    "thirdPartyCases",
    "id",
    "version",
    "isDefault",
    "isDeprecated",
    "defaultRuleId",
    "createdAt",
    "updatedAt",
    "hasExtendedTitle",
    "defaultTags",
];

fn yes() -> bool {
    true
}

fn log_detection() -> RuleType {
    RuleType::LogDetection
}

/// One query of a rule.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct RuleQuery {
    /// Log search query; absent for signal-correlation queries.
    pub query: Option<String>,
    /// Label used in conditions; empty means `a`, `b`, ... by position.
    pub name: String,
    /// Signals are generated per distinct tuple of these attributes.
    pub group_by_fields: Vec<String>,
    /// Attributes counted by `cardinality`.
    pub distinct_fields: Vec<String>,
    /// How matching events are aggregated.
    pub aggregation: Option<Aggregation>,
    /// The attribute aggregated by `sum`, `max`, `new_value`, `geo_data`.
    pub metric: Option<String>,
    /// The attributes of `new_value` (up to five) or `geo_data`.
    pub metrics: Vec<String>,
    /// `false`: drop events missing a group-by value; `true`: group them under a placeholder.
    pub has_optional_group_by_fields: Option<bool>,
    /// `logs`, `audit`, ...
    pub data_source: Option<String>,
    /// Signal correlation: the correlated rule.
    pub rule_id: Option<String>,
    /// Signal correlation: the correlated out-of-the-box rule.
    pub default_rule_id: Option<String>,
    /// Signal correlation: attributes that must be equal across the correlated signals.
    pub correlated_by_fields: Vec<String>,
    /// Signal correlation: the query whose group-by the correlation uses.
    pub correlated_query_index: Option<u32>,
    /// Log indexes searched (scheduled rules).
    pub indexes: Vec<String>,
}

/// One case of a rule.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RuleCase {
    /// Appended to the rule name in the signal title.
    #[serde(default)]
    pub name: String,
    /// Severity of the signal.
    pub status: Severity,
    /// Condition over query labels; absent for `new_value` and `impossible_travel`.
    pub condition: Option<String>,
    /// Notification handles (`@slack-x`, `@me`).
    #[serde(default)]
    pub notifications: Vec<String>,
    /// Automatic responses.
    #[serde(default)]
    pub actions: Vec<CaseAction>,
}

/// An automatic response of a case.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct CaseAction {
    /// What to do.
    #[serde(rename = "type")]
    pub action: ActionType,
    /// Action options (e.g. `{"duration": 900}`), as written.
    #[serde(default)]
    pub options: serde_json::Value,
}

/// Detection options.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct RuleOptions {
    /// The detection method (absent: `threshold`).
    pub detection_method: Option<DetectionMethod>,
    /// Sliding evaluation window, seconds.
    pub evaluation_window: Option<u64>,
    /// A signal stays open while a case matches again within this many seconds.
    pub keep_alive: Option<u64>,
    /// A signal closes this many seconds after it was first seen.
    pub max_signal_duration: Option<u64>,
    /// Options of `new_value`.
    pub new_value_options: Option<NewValueOptions>,
    /// Options of `impossible_travel`.
    pub impossible_travel_options: Option<ImpossibleTravelOptions>,
    /// Options of `anomaly_detection`.
    pub anomaly_detection_options: Option<AnomalyDetectionOptions>,
    /// Options of `third_party`.
    pub third_party_rule_options: Option<ThirdPartyRuleOptions>,
    /// Lower the severity by one level for signals whose `env` tag starts with `staging`, `test`
    /// or `dev`.
    pub decrease_criticality_based_on_env: Option<bool>,
}

impl RuleOptions {
    /// The detection method, `threshold` when absent.
    pub fn method(&self) -> DetectionMethod {
        self.detection_method
            .clone()
            .unwrap_or(DetectionMethod::Threshold)
    }
}

/// `options.newValueOptions`.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct NewValueOptions {
    /// Days after which an unseen value is forgotten (1–30).
    pub forget_after: Option<u32>,
    /// Days of learning before alerting (0–30; the API default is 1).
    pub learning_duration: Option<u32>,
    /// How learning works.
    pub learning_method: Option<LearningMethod>,
    /// Occurrences needed for a value to be learned (`threshold` method).
    pub learning_threshold: Option<u32>,
    /// Learn from already-ingested history instead of waiting.
    pub instantaneous_baseline: Option<bool>,
    /// Time allowed to build the instantaneous baseline, minutes.
    pub instantaneous_baseline_timeout_minutes: Option<u32>,
}

/// `options.impossibleTravelOptions`.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ImpossibleTravelOptions {
    /// Learn each user's usual locations for 24 hours before alerting.
    pub baseline_user_locations: Option<bool>,
    /// Also alert on IP transitions.
    pub detect_ip_transition: Option<bool>,
}

/// `options.anomalyDetectionOptions`.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct AnomalyDetectionOptions {
    /// Bucket size, seconds.
    pub bucket_duration: Option<u64>,
    /// Learning period, hours.
    pub learning_duration: Option<u64>,
    /// Sensitivity, 1–5.
    pub detection_tolerance: Option<u32>,
    /// Learning period baseline, hours.
    pub learning_period_baseline: Option<u64>,
    /// Learn from already-ingested history.
    pub instantaneous_baseline: Option<bool>,
    /// Time allowed to build the instantaneous baseline, minutes.
    pub instantaneous_baseline_timeout_minutes: Option<u32>,
}

/// `options.thirdPartyRuleOptions`.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ThirdPartyRuleOptions {
    /// Severity when no third-party case matches.
    pub default_status: Option<Severity>,
    /// Queries selecting the forwarded findings.
    pub root_queries: Vec<ThirdPartyRootQuery>,
    /// Signal title template.
    pub signal_title_template: Option<String>,
    /// Notification handles when no case matches.
    pub default_notifications: Vec<String>,
}

/// `options.thirdPartyRuleOptions.rootQueries[]`.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ThirdPartyRootQuery {
    /// Log search query.
    pub query: String,
    /// Group-by attributes.
    pub group_by_fields: Vec<String>,
}

/// `thirdPartyCases[]`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ThirdPartyCase {
    /// Case name.
    #[serde(default)]
    pub name: String,
    /// Severity.
    pub status: Severity,
    /// Log search query selecting the findings of this case.
    pub query: Option<String>,
    /// Notification handles.
    #[serde(default)]
    pub notifications: Vec<String>,
}

/// `filters[]`: a legacy suppression (`suppress`) or requirement (`require`) query.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct RuleFilter {
    /// What a match does.
    pub action: FilterAction,
    /// Log search query.
    #[serde(default)]
    pub query: String,
}

//! Rule plans: what the stateful engine needs to run a rule, as plain data ([`plan()`]).
//!
//! A [`RulePlan`] is a rule with every search compiled to a [`Pred`] over
//! [`trailhound_event::View::Datadog`], every field name resolved to a
//! [`trailhound_event::Field`] ([`FieldRef`]), durations in milliseconds, defaults filled in
//! and tags mapped to ATT&CK and compliance references. It holds no state and runs nothing: the
//! engine that counts, learns and opens signals reads it. The meaning of each part is the
//! crate's *Semantics — Detection methods* section; the docs below say where each value comes
//! from.
//!
//! [`select_case`] is the one piece of run-time logic that needs no state: picking the case of a
//! threshold rule from the aggregates of one group.

mod attack;

pub use attack::{Attack, compliance, compliance_label};
pub use trailhound_engine::{AttackRef, Compliance};

use trailhound_engine::Pred;
use trailhound_syntax::{Diagnostic, Span};

use crate::compile::compile_query;
use crate::condition::Condition;
use crate::fields::FieldRef;
use crate::rule::{
    Aggregation, CaseAction, CompiledRule, DetectionMethod, FilterAction, LearningMethod,
    RuleQuery, RuleType, Severity,
};
use crate::tags::RuleTags;
use crate::template::Template;

/// Everything the stateful engine needs to run one rule.
#[derive(Clone, Debug)]
pub struct RulePlan {
    /// The rule's `id` (e.g. `mjz-2eq-rtp`).
    pub id: Option<String>,
    /// The rule's `name` as written.
    pub name: String,
    /// The name as a template: signal titles may use variables.
    pub title: Template,
    /// `isEnabled` (absent: enabled). Disabled rules are planned too; the engine decides.
    pub enabled: bool,
    /// `isDeprecated`.
    pub deprecated: bool,
    /// How events become signals, with the method's own options.
    pub method: Method,
    /// One entry per `queries[]`, in order (referenced by [`QueryPlan::label`] from conditions).
    pub queries: Vec<QueryPlan>,
    /// One entry per `cases[]`, in order: the first case that holds decides the signal
    /// ([`select_case`]).
    pub cases: Vec<CasePlan>,
    /// The time windows of `options`.
    pub windows: Windows,
    /// `options.decreaseCriticalityBasedOnEnv`: lower the severity one level (critical → high →
    /// medium → info) for signals whose `env` tag starts with `staging`, `test` or `dev`.
    /// CloudTrail events carry no `env` tag, so for them this never applies.
    pub decrease_criticality_based_on_env: bool,
    /// Legacy `filters[]` with action `suppress`: an event matching any of these is dropped
    /// before aggregation.
    pub suppress: Vec<Pred>,
    /// Legacy `filters[]` with action `require`: when not empty, only events matching all of
    /// these are aggregated.
    pub require: Vec<Pred>,
    /// The notification message (render with [`crate::render`] and
    /// [`crate::event_variable`]).
    pub message: Template,
    /// ATT&CK tactics and techniques from the `tactic:`/`technique:` tags.
    pub attack: Attack,
    /// Compliance controls from the `framework:`/`control:`/`requirement:` tags
    /// ([`compliance()`]; [`compliance_label`] gives `CIS AWS 4.4`).
    pub compliance: Vec<Compliance>,
    /// All tags, sorted into groups.
    pub tags: RuleTags,
    /// Parts of the rule that can never match CloudTrail events, and lint of its queries.
    pub warnings: Vec<PlanWarning>,
}

/// A detection method and its options.
#[derive(Clone, Debug, PartialEq)]
pub enum Method {
    /// `detectionMethod: threshold` (the default) on a log detection rule: each query counts
    /// per group-by tuple over the sliding [`Windows::evaluation_window_ms`]; the first case whose
    /// condition holds opens (or updates) a signal.
    Threshold,
    /// `detectionMethod: new_value`: a signal for a value of the query's [`QueryPlan::metrics`]
    /// not seen before in its group, after learning.
    NewValue(NewValuePlan),
    /// `detectionMethod: impossible_travel`: a signal when two consecutive accesses of one
    /// group-by value (the user) are farther apart than travel allows in the time between them.
    ImpossibleTravel(ImpossibleTravelPlan),
    /// `type: signal_correlation`: each query counts the signals of another rule
    /// ([`QueryInput::Signals`]) per correlated-by tuple; cases compare the counts as for
    /// thresholds (with `THEN` ordering).
    SignalCorrelation,
    /// A method or rule type trailhound cannot run.
    NotRunnable {
        /// The method (or rule type) as the rule writes it, e.g. `anomaly_detection`.
        method: String,
        /// Why it cannot run.
        reason: String,
    },
}

impl Method {
    /// `threshold`, `new_value`, `impossible_travel`, `signal_correlation` or `not_runnable`.
    pub fn kind(&self) -> &'static str {
        match self {
            Method::Threshold => "threshold",
            Method::NewValue(_) => "new_value",
            Method::ImpossibleTravel(_) => "impossible_travel",
            Method::SignalCorrelation => "signal_correlation",
            Method::NotRunnable { .. } => "not_runnable",
        }
    }

    /// Whether the engine can run it.
    pub fn is_runnable(&self) -> bool {
        !matches!(self, Method::NotRunnable { .. })
    }
}

/// `options.newValueOptions`, defaults applied.
#[derive(Clone, Debug, PartialEq)]
pub struct NewValuePlan {
    /// `learningDuration` in ms (days × 86 400 000; default 1 day). No signal is generated while
    /// a group is learning; 0 alerts on every value after the first.
    pub learning_duration_ms: u64,
    /// `learningMethod` (default `duration`).
    pub learning_method: LearningMethod,
    /// `learningThreshold` (default 0): occurrences after which a value counts as learned for
    /// the `threshold` method.
    pub learning_threshold: u32,
    /// `forgetAfter` in ms: a value not seen for this long is forgotten and alerts again.
    /// `None` when the rule does not set it (never forget).
    pub forget_after_ms: Option<u64>,
    /// `instantaneousBaseline`: learn from history already ingested instead of waiting.
    pub instantaneous_baseline: bool,
}

/// `options.impossibleTravelOptions`, and where locations come from.
#[derive(Clone, Debug, PartialEq)]
pub struct ImpossibleTravelPlan {
    /// Signals are suppressed for this long (24 h with `baselineUserLocations`, else 0) while
    /// each user's usual locations are learned.
    pub baseline_ms: u64,
    /// `detectIpTransition`.
    pub detect_ip_transition: bool,
    /// The location of an access. The rules name the metric `@network.client.geoip`, an object
    /// the `datadog` view only exposes leaf by leaf; these are the leaves. They are absent
    /// unless events carry GeoIP enrichment.
    pub location: GeoFields,
}

/// The GeoIP attributes of the client address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GeoFields {
    /// `@network.client.ip`.
    pub ip: FieldRef,
    /// `@network.client.geoip.location.latitude`.
    pub latitude: FieldRef,
    /// `@network.client.geoip.location.longitude`.
    pub longitude: FieldRef,
    /// `@network.client.geoip.country.name`.
    pub country: FieldRef,
    /// `@network.client.geoip.city.name`.
    pub city: FieldRef,
}

/// One query of a rule.
#[derive(Clone, Debug)]
pub struct QueryPlan {
    /// The name conditions use: the query's `name`, or `a`, `b`, ... by position.
    pub label: String,
    /// What the query reads.
    pub input: QueryInput,
    /// `aggregation` (default `count`; `event_count` for signal queries).
    pub aggregation: Aggregation,
    /// `groupByFields`: aggregates are kept per distinct tuple of their values (an event with
    /// several values for a field belongs to each).
    pub group_by: Vec<FieldRef>,
    /// `hasOptionalGroupByFields` (default false): false drops events lacking a group-by value;
    /// true groups them under a placeholder value.
    pub has_optional_group_by_fields: bool,
    /// `distinctFields`: `cardinality` counts distinct tuples of their values.
    pub distinct_fields: Vec<FieldRef>,
    /// `metrics`, or the single `metric` when `metrics` is empty: the field `sum`/`max`
    /// aggregate, the (up to five) fields whose values `new_value` learns, or the location of
    /// `geo_data`.
    pub metrics: Vec<FieldRef>,
}

/// Where a query's items come from.
#[derive(Clone, Debug)]
pub enum QueryInput {
    /// Log events matching a search.
    Events {
        /// The query text.
        query: String,
        /// The compiled search.
        pred: Pred,
    },
    /// Signals of another rule (signal correlation).
    Signals {
        /// `ruleId`, or `defaultRuleId` when absent.
        rule_id: String,
        /// `correlatedByFields`: signals are correlated when these attributes are equal.
        correlated_by: Vec<FieldRef>,
        /// `correlatedQueryIndex`: the query of the correlated rule whose group-by is used.
        correlated_query_index: Option<u32>,
    },
}

impl QueryInput {
    /// The compiled search of an event query.
    pub fn pred(&self) -> Option<&Pred> {
        match self {
            QueryInput::Events { pred, .. } => Some(pred),
            QueryInput::Signals { .. } => None,
        }
    }
}

/// One case of a rule.
#[derive(Clone, Debug, PartialEq)]
pub struct CasePlan {
    /// `name`, appended to the rule name in the signal title (may be empty).
    pub name: String,
    /// `status`: the signal's severity.
    pub severity: Severity,
    /// The condition over query labels; `None` for new value and impossible travel, where the
    /// case always applies.
    pub condition: Option<Condition>,
    /// `notifications`.
    pub notifications: Vec<String>,
    /// `actions`.
    pub actions: Vec<CaseAction>,
}

impl CasePlan {
    /// Whether the condition is a `THEN` sequence, whose steps must hold in order.
    pub fn is_sequence(&self) -> bool {
        self.condition.as_ref().is_some_and(|c| c.steps.len() > 1)
    }

    /// The severity on the engine's scale; `None` for a status Datadog does not define (plans
    /// of runnable rules never have one).
    pub fn engine_severity(&self) -> Option<trailhound_engine::Severity> {
        trailhound_engine::Severity::parse(self.severity.as_str())
    }
}

/// The time windows of `options`, in milliseconds; `None` where the rule omits them (the API
/// always returns them; all 66 corpus rules set all three).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Windows {
    /// `evaluationWindow`: the sliding window over which queries are aggregated.
    pub evaluation_window_ms: Option<u64>,
    /// `keepAlive`: a signal stays open (and is updated) while a case holds again within this.
    pub keep_alive_ms: Option<u64>,
    /// `maxSignalDuration`: a signal closes this long after it was first seen.
    pub max_signal_duration_ms: Option<u64>,
}

/// A warning about one text of the rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlanWarning {
    /// JSON pointer of the text, e.g. `/queries/0/query` or `/queries/0/groupByFields/1`.
    pub pointer: String,
    /// The warning; its span is a byte range of that text.
    pub diagnostic: Diagnostic,
}

/// The index of the first case whose condition holds for one group's aggregates, if any
/// ("the first case to match generates the signal"). `counts(label)` returns the aggregate of
/// the query with that label, or `None` when the query has none for the group (a comparison
/// with a missing aggregate is false). A case without condition always holds.
///
/// For a `THEN` case ([`CasePlan::is_sequence`]) this checks that every step holds now; the
/// caller must also have seen the steps become true in order.
pub fn select_case(cases: &[CasePlan], counts: impl Fn(&str) -> Option<f64>) -> Option<usize> {
    cases
        .iter()
        .position(|case| case.condition.as_ref().is_none_or(|c| c.eval(&counts)))
}

const MS_PER_SECOND: u64 = 1_000;
const MS_PER_DAY: u64 = 86_400_000;

/// Builds the plan of a compiled rule.
///
/// Errors (each message names the JSON pointer of the part at fault, spans point into that
/// part's text): searches that cannot be compiled ([`compile_query`]), field names that do not
/// name a field, unknown filter actions, and, for runnable methods, rules whose shape the method
/// cannot use (`datadog::invalid_plan`): a threshold case without condition or with an unknown
/// severity, an aggregation the method does not define, `cardinality` without distinct fields,
/// `sum`/`max`/`new_value` without metric, impossible travel without a group-by user, a signal
/// query in a log rule or an event query in a correlation rule.
///
/// Methods trailhound cannot run (`anomaly_detection`, `third_party`, `hardcoded`, ...) give a
/// plan with [`Method::NotRunnable`]; their queries and filters are compiled where they can be,
/// and what fails is only a warning.
pub fn plan(rule: &CompiledRule) -> Result<RulePlan, Vec<Diagnostic>> {
    let r = &rule.rule;
    let method = Planner::method(rule);
    let runnable = method.is_runnable();
    let mut p = Planner {
        lenient: !runnable,
        ..Planner::default()
    };
    let mut queries = Vec::new();
    for (i, (compiled, raw)) in rule.queries.iter().zip(&r.queries).enumerate() {
        let pointer = format!("/queries/{i}");
        let input = match (&compiled.search, raw.query.as_deref()) {
            (Some(search), Some(text)) => match compile_query(search) {
                Ok(c) => {
                    p.warn_all(&format!("{pointer}/query"), c.warnings);
                    Some(QueryInput::Events {
                        query: text.to_string(),
                        pred: c.pred,
                    })
                }
                Err(e) => {
                    p.error(&format!("{pointer}/query"), e);
                    None
                }
            },
            _ => p.signals(&pointer, raw),
        };
        let Some(input) = input else { continue };
        let aggregation = raw.aggregation.clone().unwrap_or(match input {
            QueryInput::Events { .. } => Aggregation::Count,
            QueryInput::Signals { .. } => Aggregation::EventCount,
        });
        let metrics = if raw.metrics.is_empty() {
            p.fields(&format!("{pointer}/metric"), raw.metric.iter(), false)
        } else {
            p.fields(&format!("{pointer}/metrics"), raw.metrics.iter(), true)
        };
        queries.push(QueryPlan {
            label: compiled.label.clone(),
            input,
            aggregation,
            group_by: p.fields(
                &format!("{pointer}/groupByFields"),
                raw.group_by_fields.iter(),
                true,
            ),
            has_optional_group_by_fields: raw.has_optional_group_by_fields.unwrap_or(false),
            distinct_fields: p.fields(
                &format!("{pointer}/distinctFields"),
                raw.distinct_fields.iter(),
                true,
            ),
            metrics,
        });
    }
    let cases: Vec<CasePlan> = r
        .cases
        .iter()
        .zip(&rule.cases)
        .map(|(case, compiled)| CasePlan {
            name: case.name.clone(),
            severity: case.status.clone(),
            condition: compiled.condition.clone(),
            notifications: case.notifications.clone(),
            actions: case.actions.clone(),
        })
        .collect();
    if runnable {
        p.validate(&method, &queries, &cases);
    }
    let (mut suppress, mut require) = (Vec::new(), Vec::new());
    for (i, (filter, query)) in r.filters.iter().zip(&rule.filters).enumerate() {
        let pointer = format!("/filters/{i}/query");
        let compiled = match compile_query(query) {
            Ok(c) => c,
            Err(e) => {
                p.error(&pointer, e);
                continue;
            }
        };
        p.warn_all(&pointer, compiled.warnings);
        match &filter.action {
            FilterAction::Suppress => suppress.push(compiled.pred),
            FilterAction::Require => require.push(compiled.pred),
            FilterAction::Other(action) => p.invalid(
                &format!("/filters/{i}/action"),
                format!("unknown filter action `{action}`"),
                "filter actions are `suppress` and `require`",
            ),
        }
    }
    if !p.errors.is_empty() {
        return Err(p.errors);
    }
    let seconds = |s: Option<u64>| s.map(|s| s.saturating_mul(MS_PER_SECOND));
    Ok(RulePlan {
        id: r.id.clone(),
        name: r.name.clone(),
        title: rule.title.clone(),
        enabled: r.is_enabled,
        deprecated: r.is_deprecated.unwrap_or(false),
        method,
        queries,
        cases,
        windows: Windows {
            evaluation_window_ms: seconds(r.options.evaluation_window),
            keep_alive_ms: seconds(r.options.keep_alive),
            max_signal_duration_ms: seconds(r.options.max_signal_duration),
        },
        decrease_criticality_based_on_env: r
            .options
            .decrease_criticality_based_on_env
            .unwrap_or(false),
        suppress,
        require,
        message: rule.message.clone(),
        attack: Attack::from_tags(&rule.tags),
        compliance: compliance(&rule.tags),
        tags: rule.tags.clone(),
        warnings: p.warnings,
    })
}

#[derive(Default)]
struct Planner {
    errors: Vec<Diagnostic>,
    warnings: Vec<PlanWarning>,
    /// Errors are only warnings: the rule will not run anyway.
    lenient: bool,
}

impl Planner {
    fn error(&mut self, pointer: &str, mut diagnostic: Diagnostic) {
        if self.lenient {
            self.warn(pointer, diagnostic);
        } else {
            diagnostic.message = format!("{} (in {pointer})", diagnostic.message);
            self.errors.push(diagnostic);
        }
    }

    fn invalid(&mut self, pointer: &str, message: String, help: &str) {
        self.error(
            pointer,
            Diagnostic::new("datadog::invalid_plan", message, Span::default()).with_help(help),
        );
    }

    fn warn(&mut self, pointer: &str, diagnostic: Diagnostic) {
        self.warnings.push(PlanWarning {
            pointer: pointer.to_string(),
            diagnostic,
        });
    }

    fn warn_all(&mut self, pointer: &str, diagnostics: Vec<Diagnostic>) {
        for d in diagnostics {
            self.warn(pointer, d);
        }
    }

    fn method(rule: &CompiledRule) -> Method {
        let r = &rule.rule;
        let not_runnable = |method: &str, reason: &str| Method::NotRunnable {
            method: method.to_string(),
            reason: reason.to_string(),
        };
        match &r.rule_type {
            RuleType::SignalCorrelation => return Method::SignalCorrelation,
            RuleType::LogDetection => {}
            other => {
                return not_runnable(
                    other.as_str(),
                    "only log detection and signal correlation rules analyse logs",
                );
            }
        }
        let options = &r.options;
        match options.method() {
            DetectionMethod::Threshold => Method::Threshold,
            DetectionMethod::NewValue => {
                let nv = options.new_value_options.clone().unwrap_or_default();
                Method::NewValue(NewValuePlan {
                    learning_duration_ms: u64::from(nv.learning_duration.unwrap_or(1))
                        .saturating_mul(MS_PER_DAY),
                    learning_method: nv.learning_method.unwrap_or(LearningMethod::Duration),
                    learning_threshold: nv.learning_threshold.unwrap_or(0),
                    forget_after_ms: nv
                        .forget_after
                        .map(|d| u64::from(d).saturating_mul(MS_PER_DAY)),
                    instantaneous_baseline: nv.instantaneous_baseline.unwrap_or(false),
                })
            }
            DetectionMethod::ImpossibleTravel => {
                let it = options
                    .impossible_travel_options
                    .clone()
                    .unwrap_or_default();
                let geo = |suffix: &str| -> FieldRef {
                    let name = format!("@network.client.{suffix}");
                    FieldRef {
                        field: trailhound_event::View::Datadog.resolve(&name).field,
                        name,
                    }
                };
                Method::ImpossibleTravel(ImpossibleTravelPlan {
                    baseline_ms: if it.baseline_user_locations.unwrap_or(false) {
                        MS_PER_DAY
                    } else {
                        0
                    },
                    detect_ip_transition: it.detect_ip_transition.unwrap_or(false),
                    location: GeoFields {
                        ip: geo("ip"),
                        latitude: geo("geoip.location.latitude"),
                        longitude: geo("geoip.location.longitude"),
                        country: geo("geoip.country.name"),
                        city: geo("geoip.city.name"),
                    },
                })
            }
            DetectionMethod::AnomalyDetection => not_runnable(
                "anomaly_detection",
                "the threshold is learned from Datadog's history of the metric \
                 (anomalyDetectionOptions), a model trailhound does not have",
            ),
            DetectionMethod::ThirdParty => not_runnable(
                "third_party",
                "third-party rules relay findings forwarded by other security products",
            ),
            DetectionMethod::Hardcoded => not_runnable(
                "hardcoded",
                "the detection logic is internal to Datadog and not described by the rule",
            ),
            DetectionMethod::AnomalyThreshold => not_runnable(
                "anomaly_threshold",
                "the anomaly score is computed by Datadog and not described by the rule",
            ),
            DetectionMethod::SequenceDetection => not_runnable(
                "sequence_detection",
                "sequence detection steps (sequenceDetectionOptions) are not modelled",
            ),
            DetectionMethod::Other(name) => not_runnable(name.as_str(), "unknown detection method"),
        }
    }

    /// A query without search text: a signal query when it names a rule.
    fn signals(&mut self, pointer: &str, raw: &RuleQuery) -> Option<QueryInput> {
        let Some(rule_id) = raw.rule_id.clone().or_else(|| raw.default_rule_id.clone()) else {
            self.invalid(
                pointer,
                "the query has neither a search nor a rule to correlate".to_string(),
                "log queries need `query`; signal correlation queries need `ruleId`",
            );
            return None;
        };
        Some(QueryInput::Signals {
            rule_id,
            correlated_by: self.fields(
                &format!("{pointer}/correlatedByFields"),
                raw.correlated_by_fields.iter(),
                true,
            ),
            correlated_query_index: raw.correlated_query_index,
        })
    }

    /// Resolves field names (`indexed`: the pointer gets `/i` per name).
    fn fields<'a>(
        &mut self,
        pointer: &str,
        names: impl Iterator<Item = &'a String>,
        indexed: bool,
    ) -> Vec<FieldRef> {
        let mut out = Vec::new();
        for (i, name) in names.enumerate() {
            let pointer = if indexed {
                format!("{pointer}/{i}")
            } else {
                pointer.to_string()
            };
            match FieldRef::resolve(name) {
                Ok((field, warning)) => {
                    self.warn_all(&pointer, warning.into_iter().collect());
                    out.push(field);
                }
                Err(e) => self.error(&pointer, e),
            }
        }
        out
    }

    fn validate(&mut self, method: &Method, queries: &[QueryPlan], cases: &[CasePlan]) {
        let correlation = matches!(method, Method::SignalCorrelation);
        for (i, q) in queries.iter().enumerate() {
            let pointer = format!("/queries/{i}");
            let signals = matches!(q.input, QueryInput::Signals { .. });
            if signals != correlation {
                let what = if signals {
                    "a signal query"
                } else {
                    "an event query"
                };
                self.invalid(
                    &pointer,
                    format!("{what} in a {} rule", method.kind()),
                    "log detection queries search events; signal correlation queries name rules",
                );
                continue;
            }
            let allowed: &[Aggregation] = match method {
                Method::Threshold => &[
                    Aggregation::Count,
                    Aggregation::Cardinality,
                    Aggregation::Sum,
                    Aggregation::Max,
                ],
                Method::NewValue(_) => &[Aggregation::NewValue],
                Method::ImpossibleTravel(_) => &[Aggregation::GeoData],
                Method::SignalCorrelation => &[Aggregation::EventCount],
                Method::NotRunnable { .. } => &[],
            };
            if !allowed.contains(&q.aggregation) {
                self.invalid(
                    &format!("{pointer}/aggregation"),
                    format!(
                        "aggregation `{}` is not defined for {} rules",
                        q.aggregation.as_str(),
                        method.kind()
                    ),
                    &format!(
                        "use {}",
                        allowed
                            .iter()
                            .map(|a| format!("`{}`", a.as_str()))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                );
                continue;
            }
            let metrics = match q.aggregation {
                Aggregation::Sum | Aggregation::Max | Aggregation::GeoData => 1..=1,
                Aggregation::NewValue => 1..=5,
                _ => 0..=usize::MAX,
            };
            if !metrics.contains(&q.metrics.len()) {
                self.invalid(
                    &pointer,
                    format!(
                        "`{}` needs {} to {} metric fields, the query has {}",
                        q.aggregation.as_str(),
                        metrics.start(),
                        metrics.end(),
                        q.metrics.len()
                    ),
                    "set `metric` or `metrics`",
                );
            }
            if q.aggregation == Aggregation::Cardinality && q.distinct_fields.is_empty() {
                self.invalid(
                    &pointer,
                    "`cardinality` needs `distinctFields`".to_string(),
                    "name the attribute whose distinct values are counted",
                );
            }
            if matches!(method, Method::ImpossibleTravel(_)) && q.group_by.is_empty() {
                self.invalid(
                    &pointer,
                    "impossible travel needs the user as group-by field".to_string(),
                    "set `groupByFields`, e.g. `@usr.name`",
                );
            }
        }
        let needs_condition = matches!(method, Method::Threshold | Method::SignalCorrelation);
        for (i, case) in cases.iter().enumerate() {
            if needs_condition && case.condition.is_none() {
                self.invalid(
                    &format!("/cases/{i}/condition"),
                    "the case has no condition".to_string(),
                    "write a condition over the query labels, e.g. `a > 0`",
                );
            }
            if let Severity::Other(status) = &case.severity {
                self.invalid(
                    &format!("/cases/{i}/status"),
                    format!("unknown severity `{status}`"),
                    "severities are info, low, medium, high and critical",
                );
            }
        }
        if cases.is_empty() {
            self.invalid(
                "/cases",
                "the rule has no case".to_string(),
                "a rule needs at least one case to generate signals",
            );
        }
    }
}

#[cfg(test)]
mod tests;

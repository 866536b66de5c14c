//! Datadog Cloud SIEM rules (the security monitoring API's rule objects, JSON or YAML) into
//! engine rules: threshold rules with cases on the sliding-window operator, new value on the
//! new-terms operator, impossible travel on the travel operator.

use crate::LoadOptions;
use crate::report::{RuleError, RuleOutcome};
use std::collections::HashMap;
use std::sync::Arc;
use trailhound_engine::operators::new_terms::{NewTermsFactory, NewTermsSpec};
use trailhound_engine::operators::travel::{TravelFactory, TravelSpec};
use trailhound_engine::operators::window::{
    Emission, InputAggregate, Verdict, WindowCondition, WindowFactory, WindowInput, WindowSpec,
};
use trailhound_engine::rule::{RuleMeta, RuleSource, Severity, Technique, Threat};
use trailhound_engine::{Detection, Logic, MessageTemplate, Pred, Rule};
use trailhound_event::View;
use trailhound_lang_datadog as dd;
use trailhound_lang_datadog::plan::{Method, QueryInput};
use trailhound_lang_datadog::rule::Aggregation;

/// Loads one Datadog rule file.
pub fn compile(file: &str, text: &str, options: &LoadOptions) -> RuleOutcome {
    let format = dd::Format::detect(text);
    let compiled = match dd::load_rule(text, format) {
        Ok(c) => c,
        Err(dd::LoadError::Decode {
            line,
            column,
            message,
            ..
        }) => {
            return RuleOutcome::Error(RuleError {
                file: file.to_owned(),
                line,
                column,
                code: "datadog::decode",
                message: message.clone(),
                rendered: format!("{file}:{line}:{column}: {message} [datadog::decode]"),
            });
        }
        Err(dd::LoadError::Invalid(errors)) => {
            let first = errors.first();
            let rendered: Vec<String> = errors.iter().map(|e| e.render(file, text)).collect();
            let (line, column) = first
                .and_then(|e| e.file_span)
                .map(|s| {
                    let lc = trailhound_syntax::LineCol::of(text, s.start);
                    (lc.line, lc.column)
                })
                .unwrap_or((1, 1));
            return RuleOutcome::Error(RuleError {
                file: file.to_owned(),
                line,
                column,
                code: first.map_or("datadog::invalid", |e| e.diagnostic.code),
                message: first.map_or_else(String::new, |e| e.diagnostic.message.clone()),
                rendered: rendered.join(""),
            });
        }
    };
    let plan = match dd::plan(&compiled) {
        Ok(p) => p,
        Err(diags) => {
            let d = &diags[0];
            return RuleOutcome::Error(RuleError::at(file, text, 0, d.code, d.message.clone()));
        }
    };
    let warnings: Vec<RuleError> = plan
        .warnings
        .iter()
        .map(|w| {
            RuleError::at(
                file,
                text,
                0,
                w.diagnostic.code,
                format!("{} (in {})", w.diagnostic.message, w.pointer),
            )
        })
        .collect();
    let meta = meta_of(&plan, &compiled, file);
    if plan.deprecated {
        return RuleOutcome::NotRunnable(
            Box::new(meta),
            "deprecated by Datadog (isDeprecated)".into(),
        );
    }
    let (filters, logic) = match &plan.method {
        Method::NotRunnable { method, reason } => {
            return RuleOutcome::NotRunnable(
                Box::new(meta),
                format!("detection method {method}: {reason}"),
            );
        }
        Method::SignalCorrelation => signal_correlation(&plan, options),
        Method::Threshold => threshold(&plan, options),
        Method::NewValue(nv) => {
            let Some(q) = plan.queries.first() else {
                return RuleOutcome::Error(RuleError::at(
                    file,
                    text,
                    0,
                    "datadog::invalid",
                    "no query".into(),
                ));
            };
            let mut fields: Vec<(String, trailhound_event::Field)> = q
                .group_by
                .iter()
                .map(|f| (f.name.clone(), f.field.clone()))
                .collect();
            fields.extend(q.metrics.iter().map(|f| (f.name.clone(), f.field.clone())));
            let spec = NewTermsSpec {
                fields,
                history_ms: nv
                    .forget_after_ms
                    .map_or(i64::MAX, |m| i64::try_from(m).unwrap_or(i64::MAX)),
                learning_ms: i64::try_from(nv.learning_duration_ms).unwrap_or(i64::MAX),
                max_keys: options.max_keys,
            };
            (
                vec![filter(&plan, q.input.pred())],
                Logic::Operator(Arc::new(NewTermsFactory(spec))),
            )
        }
        Method::ImpossibleTravel(it) => {
            let Some(q) = plan.queries.first() else {
                return RuleOutcome::Error(RuleError::at(
                    file,
                    text,
                    0,
                    "datadog::invalid",
                    "no query".into(),
                ));
            };
            let spec = TravelSpec {
                filter: 0,
                group_by: q
                    .group_by
                    .iter()
                    .map(|f| (f.name.clone(), f.field.clone()))
                    .collect(),
                lat: it.location.latitude.field.clone(),
                lon: it.location.longitude.field.clone(),
                country: it.location.country.field.clone(),
                city: it.location.city.field.clone(),
                max_speed_kmh: 1000.0,
                min_distance_km: 500.0,
                baseline_ms: (it.baseline_ms > 0)
                    .then(|| i64::try_from(it.baseline_ms).unwrap_or(i64::MAX)),
                max_keys: options.max_keys,
            };
            (
                vec![filter(&plan, q.input.pred())],
                Logic::Operator(Arc::new(TravelFactory(spec))),
            )
        }
    };
    let template = DatadogMessage {
        message: plan.message.clone(),
        cases: plan.cases.iter().map(|c| c.name.clone()).collect(),
    };
    let rule = Rule {
        meta: Arc::new(meta),
        view: View::Datadog,
        filters,
        logic,
        message: Some(Arc::new(template)),
    };
    RuleOutcome::Rule(Box::new(rule), warnings)
}

/// A query's filter with the rule's legacy `require`/`suppress` filters applied.
fn filter(plan: &dd::RulePlan, pred: Option<&Pred>) -> Pred {
    let mut parts = vec![pred.cloned().unwrap_or(Pred::Const(false))];
    parts.extend(plan.require.iter().cloned());
    parts.extend(plan.suppress.iter().cloned().map(Pred::negate));
    Pred::and(parts)
}

fn threshold(plan: &dd::RulePlan, options: &LoadOptions) -> (Vec<Pred>, Logic) {
    let mut filters = Vec::new();
    let mut inputs = Vec::new();
    let mut aggregations = HashMap::new();
    for q in &plan.queries {
        let QueryInput::Events { pred, .. } = &q.input else {
            continue;
        };
        aggregations.insert(q.label.clone(), q.aggregation.clone());
        inputs.push(WindowInput {
            filter: filters.len(),
            label: q.label.clone(),
            group_by: q.group_by.iter().map(|f| f.field.clone()).collect(),
            optional_group: q.has_optional_group_by_fields,
            distinct: q.distinct_fields.iter().map(|f| f.field.clone()).collect(),
            value: q.metrics.first().map(|m| m.field.clone()),
        });
        filters.push(filter(plan, Some(pred)));
    }
    let group_names = plan
        .queries
        .first()
        .map(|q| q.group_by.iter().map(|f| f.name.clone()).collect())
        .unwrap_or_default();
    let spec = window_spec(plan, options, inputs, group_names, aggregations);
    (filters, Logic::Operator(Arc::new(WindowFactory(spec))))
}

/// A signal correlation: the threshold machinery over the signals of other rules, grouped by
/// each query's `correlatedByFields` read from the signal's last event (Datadog's signal
/// attributes are those of its triggering log).
fn signal_correlation(plan: &dd::RulePlan, options: &LoadOptions) -> (Vec<Pred>, Logic) {
    let mut inputs = Vec::new();
    let mut upstream = Vec::new();
    let mut aggregations = HashMap::new();
    for q in &plan.queries {
        let QueryInput::Signals {
            rule_id,
            correlated_by,
            ..
        } = &q.input
        else {
            continue;
        };
        aggregations.insert(q.label.clone(), q.aggregation.clone());
        inputs.push(WindowInput {
            filter: upstream.len(),
            label: q.label.clone(),
            group_by: correlated_by.iter().map(|f| f.field.clone()).collect(),
            optional_group: q.has_optional_group_by_fields,
            distinct: Vec::new(),
            value: None,
        });
        upstream.push(rule_id.clone());
    }
    let group_names = plan
        .queries
        .iter()
        .find_map(|q| match &q.input {
            QueryInput::Signals { correlated_by, .. } => {
                Some(correlated_by.iter().map(|f| f.name.clone()).collect())
            }
            QueryInput::Events { .. } => None,
        })
        .unwrap_or_default();
    let spec = window_spec(plan, options, inputs, group_names, aggregations);
    (
        Vec::new(),
        Logic::Chained {
            upstream,
            factory: Arc::new(WindowFactory(spec)),
        },
    )
}

/// The windowed aggregation of a threshold or signal-correlation rule.
fn window_spec(
    plan: &dd::RulePlan,
    options: &LoadOptions,
    inputs: Vec<WindowInput>,
    group_names: Vec<String>,
    aggregations: HashMap<String, Aggregation>,
) -> WindowSpec {
    let to_ms =
        |v: Option<u64>, default: i64| v.map_or(default, |v| i64::try_from(v).unwrap_or(i64::MAX));
    WindowSpec {
        inputs,
        group_names,
        window_ms: to_ms(plan.windows.evaluation_window_ms, 300_000),
        condition: Arc::new(Cases {
            cases: plan.cases.clone(),
            aggregations,
        }),
        emission: Emission::Signal {
            keep_alive_ms: to_ms(plan.windows.keep_alive_ms, 3_600_000),
            max_duration_ms: to_ms(plan.windows.max_signal_duration_ms, 86_400_000),
        },
        max_keys: options.max_keys,
        samples: 10,
    }
}

/// Datadog's cases: the first whose condition holds fires, with its severity.
#[derive(Debug)]
struct Cases {
    cases: Vec<dd::plan::CasePlan>,
    aggregations: HashMap<String, Aggregation>,
}

impl Cases {
    fn value(&self, aggs: &HashMap<String, InputAggregate>, label: &str) -> Option<f64> {
        let a = aggs.get(label)?;
        if a.count == 0 {
            return None;
        }
        Some(match self.aggregations.get(label) {
            Some(Aggregation::Cardinality) => a.distinct as f64,
            Some(Aggregation::Sum) => a.sum(),
            Some(Aggregation::Max) => a.max()?,
            _ => a.count as f64,
        })
    }
}

impl WindowCondition for Cases {
    fn check(&self, aggs: &HashMap<String, InputAggregate>) -> Option<Verdict> {
        let i = dd::select_case(&self.cases, |label| self.value(aggs, label))?;
        let case = &self.cases[i];
        // THEN: each step's queries must first have had events in step order.
        if let Some(c) = case.condition.as_ref().filter(|c| c.steps.len() > 1) {
            let mut after = i64::MIN;
            for step in &c.steps {
                let one = dd::Condition {
                    steps: vec![step.clone()],
                    span: c.span,
                };
                let first = one
                    .labels()
                    .iter()
                    .filter_map(|(l, _)| aggs.get(*l).and_then(|a| a.times.first().copied()))
                    .min()?;
                if first < after {
                    return None;
                }
                after = first;
            }
        }
        Some(Verdict {
            severity: case.engine_severity(),
            label: (!case.name.is_empty()).then(|| case.name.clone()),
        })
    }
}

/// Renders the rule's message template from a signal.
#[derive(Debug)]
struct DatadogMessage {
    message: dd::Template,
    cases: Vec<String>,
}

impl MessageTemplate for DatadogMessage {
    fn render(&self, rule: &RuleMeta, d: &Detection) -> String {
        let ev = d.events.last();
        let lookup = |name: &str| -> Option<String> {
            match name {
                "rule_name" => Some(rule.name.clone()),
                "case_name" => d.label.clone().or_else(|| self.cases.first().cloned()),
                "severity" => Some(
                    d.severity
                        .or(rule.severity)
                        .unwrap_or(Severity::Medium)
                        .name()
                        .to_owned(),
                ),
                "events_matched" => Some(d.count.to_string()),
                "timestamp" | "last_seen" => Some(trailhound_engine::alert::iso(d.time_ms)),
                "first_seen" => d
                    .events
                    .first()
                    .and_then(|e| e.time_millis())
                    .map(trailhound_engine::alert::iso),
                _ => ev.and_then(|e| dd::event_variable(e, name)),
            }
        };
        dd::render(&self.message, &lookup)
    }
}

fn meta_of(plan: &dd::RulePlan, compiled: &dd::CompiledRule, file: &str) -> RuleMeta {
    let severity = plan
        .cases
        .iter()
        .filter_map(|c| c.engine_severity())
        .max()
        .unwrap_or(Severity::Medium);
    let message = compiled.rule.message.clone();
    let description = goal_of(&message);
    let techniques: Vec<Technique> = plan
        .attack
        .techniques
        .iter()
        .map(|t| Technique {
            technique: t.clone(),
            subtechnique: vec![],
        })
        .collect();
    let threat = plan
        .attack
        .tactics
        .iter()
        .map(|t| Threat {
            framework: "MITRE ATT&CK".into(),
            tactic: t.clone(),
            technique: techniques.clone(),
        })
        .collect();
    RuleMeta {
        id: plan.id.clone().unwrap_or_else(|| plan.name.clone()),
        name: plan.name.clone(),
        description,
        source: Some(RuleSource::Datadog),
        rule_type: format!("log_detection/{}", plan.method.kind()),
        language: "datadog".into(),
        file: file.to_owned(),
        version: compiled.rule.version.map(|v| v.to_string()),
        severity: Some(severity),
        risk_score: severity.default_risk_score(),
        tags: compiled.rule.tags.clone(),
        note: Some(message),
        threat,
        compliance: plan.compliance.clone(),
        ..RuleMeta::default()
    }
}

/// The text of the `## Goal` section of a Datadog message, or its first paragraph.
fn goal_of(message: &str) -> String {
    let mut lines = message
        .lines()
        .skip_while(|l| !l.trim_start().starts_with("## Goal"))
        .skip(1);
    let goal: Vec<&str> = lines
        .by_ref()
        .take_while(|l| !l.trim_start().starts_with("## "))
        .collect();
    let text = goal.join("\n").trim().to_owned();
    if text.is_empty() {
        message
            .lines()
            .find(|l| !l.trim().is_empty() && !l.starts_with('#'))
            .unwrap_or("")
            .trim()
            .to_owned()
    } else {
        text
    }
}

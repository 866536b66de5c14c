//! Elastic rules into engine rules: KQL and EQL queries compiled to predicates, threshold and
//! new_terms to their operators, EQL sequences and samples to theirs.

use crate::LoadOptions;
use crate::elastic::{ElasticLogic, ElasticRule};
use crate::report::{RuleError, RuleOutcome};
use std::sync::Arc;
use trailhound_engine::operators::new_terms::{NewTermsFactory, NewTermsSpec};
use trailhound_engine::operators::sequence::{
    KeySpec, Limit, SampleFactory, SampleSpec, SequenceFactory, SequenceSpec, StepSpec,
};
use trailhound_engine::operators::threshold::{ThresholdFactory, ThresholdSpec};
use trailhound_engine::{Logic, Pred, Rule};
use trailhound_event::View;
use trailhound_syntax::Diagnostic;

/// Compiles one parsed Elastic rule.
pub fn compile(file: &str, text: &str, rule: ElasticRule, options: &LoadOptions) -> RuleOutcome {
    let view = View::Ecs(options.generation);
    let (query, offset) = (&rule.query.0, rule.query.1);
    let err = |d: &Diagnostic| RuleError::from_query(file, text, offset, d);
    let mut warnings = Vec::new();
    let mut meta = rule.meta;
    let fields = |names: &[String]| {
        names
            .iter()
            .map(|n| (n.clone(), view.resolve(n).field))
            .collect::<Vec<_>>()
    };
    let (filters, logic) = match &rule.logic {
        ElasticLogic::Query { .. }
        | ElasticLogic::Threshold { .. }
        | ElasticLogic::NewTerms { .. } => {
            let compiled = match trailhound_lang_kql::compile_str(query, view) {
                Ok(c) => c,
                Err(d) => return RuleOutcome::Error(err(&d)),
            };
            warnings.extend(compiled.warnings.iter().map(&err));
            let logic = match &rule.logic {
                ElasticLogic::Threshold {
                    fields: group,
                    value,
                    cardinality,
                } => {
                    let spec = ThresholdSpec {
                        group_by: fields(group),
                        min_count: *value,
                        cardinality: cardinality
                            .iter()
                            .map(|(f, v)| (f.clone(), view.resolve(f).field, *v))
                            .collect(),
                        schedule: meta.schedule.clone(),
                        max_keys: options.max_keys,
                        samples: 5,
                    };
                    Logic::Operator(Arc::new(ThresholdFactory(spec)))
                }
                ElasticLogic::NewTerms {
                    fields: terms,
                    history_ms,
                } => {
                    let spec = NewTermsSpec {
                        fields: fields(terms),
                        history_ms: *history_ms,
                        learning_ms: *history_ms,
                        max_keys: options.max_keys,
                    };
                    Logic::Operator(Arc::new(NewTermsFactory(spec)))
                }
                _ => Logic::PerEvent,
            };
            (vec![compiled.pred], logic)
        }
        ElasticLogic::Eql { category_field } => {
            let parsed = match trailhound_lang_eql::parse(query) {
                Ok(q) => q,
                Err(d) => return RuleOutcome::Error(err(&d)),
            };
            let eql_options = trailhound_lang_eql::CompileOptions {
                view,
                category_field: category_field.clone(),
            };
            let compiled = match trailhound_lang_eql::compile(&parsed, &eql_options) {
                Ok(c) => c,
                Err(d) => return RuleOutcome::Error(err(&d)),
            };
            warnings.extend(compiled.warnings.iter().map(&err));
            let eql = eql_logic(compiled.plan, options.max_keys);
            if !eql.event_limits.is_empty() {
                return RuleOutcome::NotRunnable(
                    Box::new(meta),
                    "EQL pipes (`| head`, `| tail`) on an event query in a rule; run it with `trailhound query --lang eql`".into(),
                );
            }
            if let Some(kind) = eql.kind {
                meta.rule_type = kind.into();
            }
            (eql.filters, eql.logic)
        }
        ElasticLogic::Esql { .. } => {
            return crate::compile_esql::compile(file, text, meta, query, offset, options);
        }
    };
    RuleOutcome::Rule(
        Box::new(Rule {
            meta: Arc::new(meta),
            view,
            filters,
            logic,
            message: None,
        }),
        warnings,
    )
}

fn keys(keys: &[trailhound_lang_eql::JoinKey]) -> Vec<KeySpec> {
    keys.iter()
        .map(|k| KeySpec {
            name: k.name.clone(),
            field: k.field.clone(),
            optional: k.optional,
        })
        .collect()
}

fn limits(pipes: &[trailhound_lang_eql::Limit]) -> Vec<Limit> {
    pipes
        .iter()
        .map(|p| match p {
            trailhound_lang_eql::Limit::Head(n) => {
                Limit::Head(usize::try_from(*n).unwrap_or(usize::MAX))
            }
            trailhound_lang_eql::Limit::Tail(n) => {
                Limit::Tail(usize::try_from(*n).unwrap_or(usize::MAX))
            }
        })
        .collect()
}

/// An EQL plan as engine filters and logic.
pub struct EqlLogic {
    /// The filters the logic's slots refer to.
    pub filters: Vec<Pred>,
    /// Per-event for event queries, an operator for sequences and samples.
    pub logic: Logic,
    /// `eql/sequence` or `eql/sample`; `None` for an event query.
    pub kind: Option<&'static str>,
    /// `| head` and `| tail` of an event query (rules cannot run them; queries can).
    pub event_limits: Vec<Limit>,
}

/// Turns a compiled EQL plan into engine filters and logic, with at most `max_keys` join keys
/// held by a stateful operator.
pub fn eql_logic(plan: trailhound_lang_eql::Plan, max_keys: usize) -> EqlLogic {
    match plan {
        trailhound_lang_eql::Plan::Event { filter, pipes } => EqlLogic {
            filters: vec![filter],
            logic: Logic::PerEvent,
            kind: None,
            event_limits: limits(&pipes),
        },
        trailhound_lang_eql::Plan::Sequence(plan) => {
            let mut filters = Vec::new();
            let mut steps = Vec::new();
            for step in plan.steps {
                steps.push(StepSpec {
                    filter: filters.len(),
                    keys: keys(&step.keys),
                    missing: step.missing,
                });
                filters.push(step.filter);
            }
            let until = plan.until.map(|u| {
                let s = StepSpec {
                    filter: filters.len(),
                    keys: keys(&u.keys),
                    missing: false,
                };
                filters.push(u.filter);
                s
            });
            let spec = SequenceSpec {
                steps,
                maxspan_ms: plan
                    .maxspan_ms
                    .map(|m| i64::try_from(m).unwrap_or(i64::MAX)),
                until,
                limits: limits(&plan.pipes),
                max_keys,
            };
            EqlLogic {
                filters,
                logic: Logic::Operator(Arc::new(SequenceFactory(spec))),
                kind: Some("eql/sequence"),
                event_limits: Vec::new(),
            }
        }
        trailhound_lang_eql::Plan::Sample(plan) => {
            let mut filters = Vec::new();
            let mut steps = Vec::new();
            for step in plan.steps {
                steps.push(StepSpec {
                    filter: filters.len(),
                    keys: keys(&step.keys),
                    missing: false,
                });
                filters.push(step.filter);
            }
            let spec = SampleSpec {
                steps,
                per_key: 1,
                max_keys,
            };
            EqlLogic {
                filters,
                logic: Logic::Operator(Arc::new(SampleFactory(spec))),
                kind: Some("eql/sample"),
                event_limits: Vec::new(),
            }
        }
    }
}

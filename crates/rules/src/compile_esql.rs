//! ES|QL rules and hunting queries into engine rules.
//!
//! An ES|QL rule runs on the ES|QL operator: its leading `WHERE` clauses become the filter the
//! dispatch index sees (a necessary condition, never dropping a row the query keeps), and the
//! whole query runs in the operator — once per Elastic execution window under schedule replay,
//! or once over everything. A hunting query runs once, with `NOW()` at the run's `--now`.

use crate::LoadOptions;
use crate::report::{RuleError, RuleOutcome};
use std::sync::Arc;
use trailhound_engine::{Logic, Rule, RuleMeta};
use trailhound_event::View;
use trailhound_lang_esql::{EsqlOperatorFactory, Plan, PlanContext};

/// Compiles an ES|QL rule or hunting query whose text starts at byte `offset` of `text`.
pub fn compile(
    file: &str,
    text: &str,
    mut meta: RuleMeta,
    query: &str,
    offset: usize,
    options: &LoadOptions,
) -> RuleOutcome {
    let view = View::Ecs(options.generation);
    let context = PlanContext::new(options.now, view).with_source(query);
    let plan = match Plan::parse(query, &context) {
        Ok(p) => p,
        Err(d) if d.code == "esql::not_runnable" => {
            return RuleOutcome::NotRunnable(Box::new(meta), d.message);
        }
        Err(d) => return RuleOutcome::Error(RuleError::from_query(file, text, offset, &d)),
    };
    let warnings = plan
        .warnings()
        .iter()
        .map(|w| RuleError::at(file, text, offset, "esql::warning", w.clone()))
        .collect();
    meta.reads_clock = plan.uses_now();
    let hunt = meta.rule_type == "hunt";
    if !hunt {
        meta.rule_type = "esql".into();
    }
    let schedule = (options.replay && !hunt).then(|| meta.schedule.clone());
    let prefilter = plan.prefilter();
    let factory = EsqlOperatorFactory::new(Arc::new(plan), schedule);
    let rule = Rule {
        meta: Arc::new(meta),
        view,
        filters: vec![prefilter],
        logic: Logic::Operator(Arc::new(factory)),
        message: None,
    };
    RuleOutcome::Rule(Box::new(rule), warnings)
}

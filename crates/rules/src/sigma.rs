//! Sigma rules, correlations and filters into engine rules.
//!
//! Sigma files are loaded together because filters and correlations name rules in other files:
//! every file is parsed first, then rules are compiled, filters applied, correlations planned,
//! and each correlation becomes a windowed operator over its rules' events.

use crate::report::{NotRunnable, RuleError};
use crate::{LoadOptions, LoadReport};
use std::collections::HashMap;
use std::sync::Arc;
use trailhound_engine::operators::window::{
    Emission, InputAggregate, Verdict, WindowCondition, WindowFactory, WindowInput, WindowSpec,
};
use trailhound_engine::rule::{
    AttackRef, RuleMeta, RuleSource, Severity, Technique, Threat, tactic,
};
use trailhound_engine::{Logic, Pred, Rule};
use trailhound_event::View;
use trailhound_lang_sigma as sigma;

/// A parsed Sigma file.
pub struct SigmaSource {
    /// Display name.
    pub name: String,
    /// Text.
    pub text: String,
    /// Its documents.
    pub file: sigma::SigmaFile,
}

/// Parses one Sigma file, reporting errors into `report`.
pub fn parse(
    name: &str,
    text: &str,
    options: &LoadOptions,
    report: &mut LoadReport,
) -> Option<SigmaSource> {
    let load = options
        .sigma_pipeline
        .as_ref()
        .map(|p| p.load_options())
        .unwrap_or_default();
    match sigma::parse(text, &load) {
        Ok(file) => {
            report.warnings.extend(
                file.warnings
                    .iter()
                    .map(|d| RuleError::from_diagnostic(name, text, d)),
            );
            Some(SigmaSource {
                name: name.to_owned(),
                text: text.to_owned(),
                file,
            })
        }
        Err(errors) => {
            report.errors.extend(
                errors
                    .iter()
                    .map(|d| RuleError::from_diagnostic(name, text, d)),
            );
            None
        }
    }
}

fn severity(level: Option<sigma::Level>) -> Severity {
    match level {
        Some(sigma::Level::Informational) => Severity::Info,
        Some(sigma::Level::Low) => Severity::Low,
        Some(sigma::Level::Medium) | None => Severity::Medium,
        Some(sigma::Level::High) => Severity::High,
        Some(sigma::Level::Critical) => Severity::Critical,
    }
}

/// ATT&CK mapping from `attack.*` tags: every tactic tag becomes a threat entry listing every
/// technique tag (Sigma does not say which technique belongs to which tactic).
pub fn threat_from_tags(tags: &[String]) -> Vec<Threat> {
    let mut tactics: Vec<AttackRef> = Vec::new();
    let mut techniques: Vec<Technique> = Vec::new();
    for tag in tags {
        let Some(rest) = tag.strip_prefix("attack.") else {
            continue;
        };
        let upper = rest.to_ascii_uppercase();
        if upper.starts_with('T')
            && upper[1..]
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_digit())
        {
            match upper.split_once('.') {
                Some((base, _)) => {
                    let sub = AttackRef::new(&upper, "");
                    match techniques.iter_mut().find(|t| t.technique.id == base) {
                        Some(t) => t.subtechnique.push(sub),
                        None => techniques.push(Technique {
                            technique: AttackRef::new(base, ""),
                            subtechnique: vec![sub],
                        }),
                    }
                }
                None => {
                    if !techniques.iter().any(|t| t.technique.id == upper) {
                        techniques.push(Technique {
                            technique: AttackRef::new(&upper, ""),
                            subtechnique: vec![],
                        });
                    }
                }
            }
        } else if let Some(t) = tactic(rest)
            && !tactics.contains(&t)
        {
            tactics.push(t);
        }
    }
    if tactics.is_empty() && !techniques.is_empty() {
        return vec![Threat {
            framework: "MITRE ATT&CK".into(),
            tactic: AttackRef::default(),
            technique: techniques,
        }];
    }
    tactics
        .into_iter()
        .map(|t| Threat {
            framework: "MITRE ATT&CK".into(),
            tactic: t,
            technique: techniques.clone(),
        })
        .collect()
}

fn meta_of(
    m: &sigma::Metadata,
    level: Option<sigma::Level>,
    file: &str,
    rule_type: &str,
) -> RuleMeta {
    let tags: Vec<String> = m.tags.iter().map(|t| t.value.clone()).collect();
    let sev = severity(level);
    let description = m
        .description
        .as_ref()
        .map(|d| d.value.trim().to_owned())
        .unwrap_or_default();
    let falsepositives: Vec<String> = m.falsepositives.iter().map(|f| f.value.clone()).collect();
    let mut note = format!("## {}\n\n{}\n", m.title.value, description);
    if !falsepositives.is_empty() {
        note.push_str("\n### False positives\n");
        for f in &falsepositives {
            note.push_str(&format!("- {f}\n"));
        }
    }
    RuleMeta {
        id: m
            .id
            .as_ref()
            .map(|i| i.value.clone())
            .or_else(|| m.name.as_ref().map(|n| n.value.clone()))
            .unwrap_or_else(|| m.title.value.clone()),
        name: m.title.value.clone(),
        description,
        source: Some(RuleSource::Sigma),
        rule_type: rule_type.to_owned(),
        language: "sigma".into(),
        file: file.to_owned(),
        version: m
            .modified
            .as_ref()
            .or(m.date.as_ref())
            .map(|d| d.value.clone()),
        severity: Some(sev),
        risk_score: sev.default_risk_score(),
        threat: threat_from_tags(&tags),
        tags,
        references: m.references.iter().map(|r| r.value.clone()).collect(),
        false_positives: falsepositives,
        note: Some(note),
        investigation_fields: m.fields.iter().map(|f| f.value.clone()).collect(),
        ..RuleMeta::default()
    }
}

/// Compiles every parsed Sigma file into `report`.
pub fn compile_all(sources: &[SigmaSource], options: &LoadOptions, report: &mut LoadReport) {
    let compile_options = sigma::CompileOptions {
        pipeline: options.sigma_pipeline.clone(),
        semantics: sigma::ValueSemantics::Sigma,
    };
    // Rules (with their file and metadata), filters, correlations.
    let mut rules: Vec<sigma::CompiledRule> = Vec::new();
    let mut rule_origin: Vec<(usize, RuleMeta)> = Vec::new();
    let mut filters: Vec<sigma::FilterRule> = Vec::new();
    let mut correlations: Vec<(usize, sigma::CorrelationRule)> = Vec::new();
    for (fi, src) in sources.iter().enumerate() {
        for doc in &src.file.documents {
            match doc {
                sigma::Document::Rule(rule) => match sigma::compile_rule(rule, &compile_options) {
                    Ok(compiled) => {
                        report.warnings.extend(
                            compiled
                                .warnings
                                .iter()
                                .map(|d| RuleError::from_diagnostic(&src.name, &src.text, d)),
                        );
                        let meta = meta_of(&rule.meta, compiled.level, &src.name, "sigma");
                        if let Err(why) = compiled.applies_to_cloudtrail() {
                            report.not_runnable.push(NotRunnable { meta, reason: why });
                            continue;
                        }
                        rules.push(compiled);
                        rule_origin.push((fi, meta));
                    }
                    Err(errors) => report.errors.extend(
                        errors
                            .iter()
                            .map(|d| RuleError::from_diagnostic(&src.name, &src.text, d)),
                    ),
                },
                sigma::Document::Filter(f) => filters.push((**f).clone()),
                sigma::Document::Correlation(c) => correlations.push((fi, (**c).clone())),
            }
        }
    }
    // Filters: their diagnostics point into the filter's file, which is not tracked per
    // filter; they are reported against the first file that declares a filter.
    let filter_file = sources.iter().find(|s| {
        s.file
            .documents
            .iter()
            .any(|d| matches!(d, sigma::Document::Filter(_)))
    });
    for d in sigma::apply_filters(&mut rules, &filters, &compile_options) {
        if let Some(src) = filter_file {
            let e = RuleError::from_diagnostic(&src.name, &src.text, &d);
            if d.code.contains("lint") {
                report.warnings.push(e)
            } else {
                report.errors.push(e)
            }
        }
    }
    let corr_docs: Vec<sigma::CorrelationRule> =
        correlations.iter().map(|(_, c)| c.clone()).collect();
    let planned = sigma::plan_correlations(&rules, &corr_docs, &compile_options);
    for rejected in &planned.rejected {
        let src = correlations
            .iter()
            .find(|(_, c)| c.meta.title.value == rejected.title)
            .map(|(fi, _)| &sources[*fi]);
        for d in &rejected.diagnostics {
            match src {
                Some(s) => report
                    .errors
                    .push(RuleError::from_diagnostic(&s.name, &s.text, d)),
                None => report.errors.push(RuleError::at(
                    &rejected.title,
                    "",
                    0,
                    d.code,
                    d.message.clone(),
                )),
            }
        }
    }
    for (i, rule) in rules.iter().enumerate() {
        let (_, meta) = &rule_origin[i];
        match &rule.kind {
            sigma::RuleKind::Event => {
                if planned.rule_alerts(&rules, i) {
                    report_rule(
                        report,
                        meta.clone(),
                        vec![rule.pred.clone()],
                        Logic::PerEvent,
                    );
                }
            }
            sigma::RuleKind::Aggregation(_) => {} // runs as its legacy plan below
            sigma::RuleKind::Unsupported(why) => {
                report.not_runnable.push(NotRunnable {
                    meta: meta.clone(),
                    reason: format!("legacy Sigma construct: {why}"),
                });
            }
        }
    }
    // Metadata first: a chained correlation names the plans it reads by their rule ids.
    let mut metas = Vec::with_capacity(planned.plans.len());
    for (pi, plan) in planned.plans.iter().enumerate() {
        let (file, level_meta) = match plan.origin {
            sigma::PlanOrigin::LegacyAggregation(ri) => (
                rule_origin[ri].1.file.clone(),
                Some(rule_origin[ri].1.clone()),
            ),
            sigma::PlanOrigin::Correlation => {
                let file = correlations
                    .iter()
                    .find(|(_, c)| c.meta.title.value == plan.title)
                    .map(|(fi, _)| sources[*fi].name.clone())
                    .unwrap_or_default();
                (file, None)
            }
        };
        let kind = format!("{:?}", plan.kind).to_ascii_lowercase();
        let mut meta = match (
            &level_meta,
            correlations
                .iter()
                .find(|(_, c)| c.meta.title.value == plan.title),
        ) {
            (Some(m), _) => m.clone(),
            (None, Some((_, c))) => meta_of(&c.meta, plan.level, &file, ""),
            (None, None) => RuleMeta {
                id: plan.title.clone(),
                name: plan.title.clone(),
                file: file.clone(),
                source: Some(RuleSource::Sigma),
                ..RuleMeta::default()
            },
        };
        meta.rule_type = format!("sigma/correlation:{kind}");
        if let Some(l) = plan.level {
            let sev = severity(Some(l));
            meta.severity = Some(sev);
            meta.risk_score = sev.default_risk_score();
        }
        if let Some(id) = &plan.id {
            meta.id = id.clone();
        }
        // A plan whose every reader says `generate: false` still runs, for them, but its
        // alerts are hidden like those of a building block.
        if !planned.plan_alerts(pi) {
            meta.building_block = true;
        }
        metas.push(meta);
    }
    for (plan, meta) in planned.plans.iter().zip(metas.iter()) {
        let meta = meta.clone();
        match correlation_rule(plan, &rules, &metas, options) {
            Ok((filters, logic)) => report_rule(report, meta, filters, logic),
            Err(why) => report.not_runnable.push(NotRunnable { meta, reason: why }),
        }
    }
}

fn report_rule(report: &mut LoadReport, meta: RuleMeta, filters: Vec<Pred>, logic: Logic) {
    report.rules.push(Rule {
        meta: Arc::new(meta),
        view: View::Raw,
        filters,
        logic,
        message: None,
    });
}

/// The Sigma correlation condition over window aggregates.
#[derive(Debug)]
struct CorrelationCondition {
    kind: sigma::CorrelationType,
    labels: Vec<String>,
    bounds: Vec<sigma::Bound>,
    percentile: Option<u8>,
}

impl WindowCondition for CorrelationCondition {
    fn check(&self, aggs: &HashMap<String, InputAggregate>) -> Option<Verdict> {
        use sigma::CorrelationType as T;
        let all = || self.labels.iter().filter_map(|l| aggs.get(l));
        let holds = |v: f64| self.bounds.iter().all(|b| b.holds(v));
        let fired = match self.kind {
            T::EventCount => holds(all().map(|a| a.count).sum::<u64>() as f64),
            T::ValueCount => holds(all().map(|a| a.distinct).sum::<usize>() as f64),
            T::Temporal => {
                let present = all().filter(|a| a.count > 0).count() as f64;
                if self.bounds.is_empty() {
                    present >= self.labels.len() as f64
                } else {
                    holds(present)
                }
            }
            T::TemporalOrdered => {
                // Some event of each rule, in the order of `rules`.
                let mut after = i64::MIN;
                self.labels.iter().all(|l| {
                    match aggs
                        .get(l)
                        .and_then(|a| a.times.iter().find(|t| **t >= after))
                    {
                        Some(t) => {
                            after = *t;
                            true
                        }
                        None => false,
                    }
                })
            }
            T::ValueSum => holds(all().map(InputAggregate::sum).sum()),
            T::ValueAvg => {
                let values: Vec<f64> = all().flat_map(|a| a.values.iter().copied()).collect();
                !values.is_empty() && holds(values.iter().sum::<f64>() / values.len() as f64)
            }
            T::ValuePercentile => {
                let merged = InputAggregate {
                    values: all().flat_map(|a| a.values.iter().copied()).collect(),
                    ..InputAggregate::default()
                };
                merged
                    .percentile(f64::from(self.percentile.unwrap_or(50)))
                    .is_some_and(holds)
            }
        };
        fired.then(Verdict::default)
    }
}

/// A correlation's operator. Inputs that are rules read events through event filters; inputs
/// that are other correlations read those correlations' alerts ([`Logic::Chained`]), whose
/// group values arrive as `trailhound.signal.group.N`.
fn correlation_rule(
    plan: &sigma::CorrelationPlan,
    rules: &[sigma::CompiledRule],
    plan_metas: &[RuleMeta],
    options: &LoadOptions,
) -> Result<(Vec<Pred>, Logic), String> {
    let mut filters = Vec::new();
    let mut upstream: Vec<String> = Vec::new();
    let mut inputs = Vec::new();
    let mut labels = Vec::new();
    // Inputs fed by other correlations, to be given slots after the event filters.
    let mut chained: Vec<(usize, usize)> = Vec::new();
    for input in &plan.inputs {
        let key = |k: &sigma::KeySource| match k {
            sigma::KeySource::Field(f) => f.clone(),
            sigma::KeySource::Group(g) => {
                View::Raw
                    .resolve(&format!("trailhound.signal.group.{g}"))
                    .field
            }
        };
        let group_by = input.group_by.iter().map(key).collect::<Vec<_>>();
        let values = input.values.iter().map(key).collect::<Vec<_>>();
        let label = format!("{}#{}", input.reference, inputs.len());
        let (distinct, value) = match plan.kind {
            sigma::CorrelationType::ValueCount => (values, None),
            sigma::CorrelationType::ValueSum
            | sigma::CorrelationType::ValueAvg
            | sigma::CorrelationType::ValuePercentile => (Vec::new(), values.into_iter().next()),
            _ => (Vec::new(), None),
        };
        let slot = match input.source {
            sigma::InputSource::Rule(ri) => {
                filters.push(rules.get(ri).map_or(Pred::Const(false), |r| r.pred.clone()));
                filters.len() - 1
            }
            sigma::InputSource::Correlation(pj) => {
                let Some(m) = plan_metas.get(pj) else {
                    return Err(format!("correlation `{}` is not planned", input.reference));
                };
                chained.push((inputs.len(), upstream.len()));
                upstream.push(m.id.clone());
                0
            }
        };
        inputs.push(WindowInput {
            filter: slot,
            label: label.clone(),
            group_by,
            optional_group: false,
            distinct,
            value,
        });
        labels.push(label);
    }
    for (input, k) in chained {
        inputs[input].filter = filters.len() + k;
    }
    let condition = CorrelationCondition {
        kind: plan.kind,
        labels,
        bounds: plan.bounds.clone(),
        percentile: plan.percentile,
    };
    let spec = WindowSpec {
        inputs,
        group_names: plan.group_by.clone(),
        window_ms: i64::try_from(plan.timespan_ms).unwrap_or(i64::MAX),
        condition: Arc::new(condition),
        emission: Emission::Reset,
        max_keys: options.max_keys,
        samples: 10,
    };
    let factory = Arc::new(WindowFactory(spec));
    Ok(if upstream.is_empty() {
        (filters, Logic::Operator(factory))
    } else {
        (filters, Logic::Chained { upstream, factory })
    })
}

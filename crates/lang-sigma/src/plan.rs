//! Correlation plans: plain data telling the stateful engine what to count, per group, in which
//! window, for Sigma correlation documents and legacy (Sigma 1.x) aggregations.
//!
//! [`plan_correlations`] resolves every `rules:` reference to a compiled rule (by `id` or
//! `name`, [`CompiledRule::is_named`]) or to another plan, resolves `group-by` names per input
//! (through `aliases`, then the options' field mapping for that rule's logsource) to
//! [`Field`]s, and orders plans so that a plan only references plans before it.
//!
//! # Contract for the stateful engine
//!
//! The semantics are those of the crate's `# Semantics` section, "Correlations"; in terms of
//! this data:
//!
//! - **Inputs.** An event *enters* a plan through input `k` when
//!   [`PlanInput::source`] is [`InputSource::Rule`]`(i)` and `rules[i].pred` holds for it
//!   (`rules` being the slice given to [`plan_correlations`], after
//!   [`apply_filters`](crate::apply_filters)); or, for [`InputSource::Correlation`]`(j)`, when
//!   plan `j` fires (a chained correlation's "event" is its firing, carrying its group key and
//!   the time of the event that made it fire). One event may enter through several inputs.
//! - **Group key.** [`PlanInput::group_by`] gives, aligned with [`CorrelationPlan::group_by`],
//!   where each component comes from: [`KeySource::Field`] is the first non-null value of that
//!   field in the event, as text ([`Val::to_text`](trailhound_event::Val::to_text): strings
//!   as they are, numbers and booleans as JSON writes them, objects as compact JSON);
//!   [`KeySource::Group`]`(n)` is component `n` of the firing plan's key. An event that lacks
//!   any component is not correlated. An empty `group_by` is one group for all events.
//! - **Window.** Sliding, [`CorrelationPlan::timespan_ms`] long, inclusive: events at `a` and
//!   `b` share a window when `|b - a| <= timespan_ms` (event time: `eventTime`).
//! - **Aggregate** per group and window, by [`CorrelationPlan::kind`]: `event_count` the
//!   number of entering events; `value_count` the number of distinct values of
//!   [`PlanInput::values`] (distinct tuples when there are several; events lacking one are not
//!   counted); `value_sum` / `value_avg` the sum / mean of the numeric values (JSON numbers, or
//!   text that parses as a number; others are ignored); `value_percentile` the
//!   [`CorrelationPlan::percentile`]-th percentile (nearest rank); `temporal` the number of
//!   distinct inputs that have entered; `temporal_ordered` the same, counting only inputs
//!   whose first entries are in input order (equal times: in arrival order).
//! - **Fire** when every [`Bound`] of [`CorrelationPlan::bounds`] holds for the aggregate.
//!   Lower bounds only (`gt`, `gte`): at the event that makes them hold. Otherwise (`lt`,
//!   `lte`, `eq`, `neq`, ranges, which a later event could falsify): when the window that
//!   started with the group's first event closes.
//! - **Alerts.** A plan alerts when it fires ([`Planned::plan_alerts`]). A rule of kind
//!   [`RuleKind::Event`] alerts on its own events unless every plan referencing it has
//!   `generate: false` ([`Planned::rule_alerts`]); legacy aggregation rules never alert on
//!   their own, and [`RuleKind::Unsupported`] rules are not run.

use trailhound_event::Field;
use trailhound_syntax::Diagnostic;

use crate::compile::{CompileOptions, CompiledRule, RuleKind, raw_field};
use crate::condition::LegacyCorrelation;
use crate::correlation::{CorrOp, Correlation, CorrelationType, Timespan};
use crate::document::CorrelationRule;
use crate::matcher::Spanned;
use crate::meta::Level;

/// One comparison of a correlation condition.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bound {
    /// The operator, aggregate on the left (`gte: 10` is aggregate >= 10).
    pub op: CorrOp,
    /// The threshold.
    pub value: f64,
}

impl Bound {
    /// Whether `aggregate op value` holds.
    pub fn holds(&self, aggregate: f64) -> bool {
        match self.op {
            CorrOp::Gt => aggregate > self.value,
            CorrOp::Gte => aggregate >= self.value,
            CorrOp::Lt => aggregate < self.value,
            CorrOp::Lte => aggregate <= self.value,
            CorrOp::Eq => aggregate == self.value,
            CorrOp::Neq => aggregate != self.value,
        }
    }

    /// Whether one more event can only keep it true (`gt`, `gte`), so it may fire early.
    pub fn is_lower_bound(&self) -> bool {
        matches!(self.op, CorrOp::Gt | CorrOp::Gte)
    }
}

/// Where an input's events come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputSource {
    /// A detection rule: index into the rules given to [`plan_correlations`].
    Rule(usize),
    /// Another plan's firings: index into [`Planned::plans`] (always smaller than this plan's).
    Correlation(usize),
}

/// Where one component of a group key (or aggregated value) comes from.
#[derive(Clone, Debug, PartialEq)]
pub enum KeySource {
    /// A field of the rule's events.
    Field(Field),
    /// That component of the referenced plan's group key.
    Group(usize),
}

/// One referenced rule or correlation.
#[derive(Clone, Debug, PartialEq)]
pub struct PlanInput {
    /// The reference as written in `rules:` (for legacy aggregations: the rule's title).
    pub reference: String,
    /// What it resolved to.
    pub source: InputSource,
    /// One entry per [`CorrelationPlan::group_by`] name.
    pub group_by: Vec<KeySource>,
    /// One entry per [`CorrelationPlan::value_fields`] name (empty for `event_count` and the
    /// temporal types).
    pub values: Vec<KeySource>,
}

/// What a plan was made from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlanOrigin {
    /// A `correlation:` document.
    Correlation,
    /// A rule's legacy aggregation (`| count() by f > n` with `timeframe`): index of the rule.
    LegacyAggregation(usize),
}

/// A correlation ready for the stateful engine (see the module's contract).
#[derive(Clone, Debug, PartialEq)]
pub struct CorrelationPlan {
    /// `title` (of the correlation, or of the rule for a legacy aggregation).
    pub title: String,
    /// `id`.
    pub id: Option<String>,
    /// `name`.
    pub name: Option<String>,
    /// `level`.
    pub level: Option<Level>,
    /// Where it came from.
    pub origin: PlanOrigin,
    /// The correlation type.
    pub kind: CorrelationType,
    /// The referenced rules and plans, in `rules:` order.
    pub inputs: Vec<PlanInput>,
    /// `group-by` names as written (alias names included): labels for output.
    pub group_by: Vec<String>,
    /// `timespan` in milliseconds.
    pub timespan_ms: u64,
    /// The condition: one or two bounds, all of which must hold.
    pub bounds: Vec<Bound>,
    /// The condition's `field` names (`value_*` types).
    pub value_fields: Vec<String>,
    /// `percentile` for `value_percentile`.
    pub percentile: Option<u8>,
    /// `generate`: the referenced rules and plans also alert on their own.
    pub generate: bool,
}

/// A correlation document that could not be planned.
#[derive(Clone, Debug, PartialEq)]
pub struct RejectedCorrelation {
    /// Its title.
    pub title: String,
    /// Why (spans point into the correlation's file).
    pub diagnostics: Vec<Diagnostic>,
}

/// The result of [`plan_correlations`].
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Planned {
    /// Plans in dependency order: legacy aggregations first, then correlations.
    pub plans: Vec<CorrelationPlan>,
    /// Correlations that could not be planned.
    pub rejected: Vec<RejectedCorrelation>,
}

impl Planned {
    fn silenced(&self, source: InputSource) -> bool {
        let mut referencing = self
            .plans
            .iter()
            .filter(|p| p.inputs.iter().any(|i| i.source == source))
            .peekable();
        referencing.peek().is_some() && referencing.all(|p| !p.generate)
    }

    /// Whether rule `index` raises alerts for its own events: it is a per-event rule and not
    /// every plan that references it has `generate: false`.
    pub fn rule_alerts(&self, rules: &[CompiledRule], index: usize) -> bool {
        rules.get(index).is_some_and(|r| r.kind == RuleKind::Event)
            && !self.silenced(InputSource::Rule(index))
    }

    /// Whether plan `index` raises alerts when it fires: not every plan that chains it has
    /// `generate: false`.
    pub fn plan_alerts(&self, index: usize) -> bool {
        index < self.plans.len() && !self.silenced(InputSource::Correlation(index))
    }
}

fn timespan_ms(t: &Timespan) -> Result<u64, Diagnostic> {
    t.seconds()
        .and_then(|s| s.checked_mul(1000))
        .ok_or_else(|| Diagnostic::new("sigma::bad_timespan", "timespan too long", t.span))
}

/// The plan of a legacy aggregation of rule `index`.
fn legacy_plan(
    rule: &CompiledRule,
    index: usize,
    lc: &LegacyCorrelation,
) -> Result<CorrelationPlan, Diagnostic> {
    let fields = |names: &[String]| {
        names
            .iter()
            .map(|n| KeySource::Field(raw_field(n)))
            .collect()
    };
    let value_fields: Vec<String> = lc.field.iter().cloned().collect();
    Ok(CorrelationPlan {
        title: rule.title.clone(),
        id: rule.id.clone(),
        name: rule.name.clone(),
        level: rule.level,
        origin: PlanOrigin::LegacyAggregation(index),
        kind: lc.kind,
        inputs: vec![PlanInput {
            reference: rule.title.clone(),
            source: InputSource::Rule(index),
            group_by: fields(&lc.group_by),
            values: fields(&value_fields),
        }],
        group_by: lc.group_by.clone(),
        timespan_ms: timespan_ms(&lc.timespan)?,
        bounds: vec![Bound {
            op: lc.op,
            value: lc.threshold.as_f64(),
        }],
        value_fields,
        percentile: None,
        generate: false,
    })
}

/// What a reference resolved to, before inputs are built.
enum Target {
    Rule(usize),
    Plan(usize),
    /// A correlation document not planned yet (index into the documents).
    Pending,
}

/// Plans the legacy aggregations of `rules` and the `correlations`. References name rules or
/// correlations by `id` or `name` (a legacy aggregation rule stands for its plan); a
/// correlation is rejected when a reference is unknown, ambiguous, an unsupported rule, a
/// rejected correlation or part of a cycle, or when a `group-by` name cannot be resolved for
/// some input.
pub fn plan_correlations(
    rules: &[CompiledRule],
    correlations: &[CorrelationRule],
    options: &CompileOptions,
) -> Planned {
    let mut out = Planned::default();
    // Rule index -> plan index of its legacy aggregation.
    let mut legacy: Vec<(usize, usize)> = Vec::new();
    for (i, r) in rules.iter().enumerate() {
        if let RuleKind::Aggregation(lc) = &r.kind {
            match legacy_plan(r, i, lc) {
                Ok(p) => {
                    legacy.push((i, out.plans.len()));
                    out.plans.push(p);
                }
                Err(d) => out.rejected.push(RejectedCorrelation {
                    title: r.title.clone(),
                    diagnostics: vec![d],
                }),
            }
        }
    }
    // Correlation document index -> plan index once planned.
    let mut planned: Vec<Option<usize>> = vec![None; correlations.len()];
    let mut failed: Vec<bool> = vec![false; correlations.len()];
    // Plan whatever has its correlation references planned, until nothing moves (iterative,
    // so chains of any length cannot overflow the stack).
    loop {
        let mut progress = false;
        for (ci, c) in correlations.iter().enumerate() {
            if planned[ci].is_some() || failed[ci] {
                continue;
            }
            let resolved: Vec<Result<Target, Diagnostic>> = c
                .correlation
                .rules
                .iter()
                .map(|r| resolve(r, rules, correlations, &legacy, &planned, &failed))
                .collect();
            if resolved.iter().any(|t| matches!(t, Ok(Target::Pending))) {
                continue;
            }
            progress = true;
            match build_plan(c, resolved, rules, &out.plans, options) {
                Ok(p) => {
                    planned[ci] = Some(out.plans.len());
                    out.plans.push(p);
                }
                Err(diagnostics) => {
                    failed[ci] = true;
                    out.rejected.push(RejectedCorrelation {
                        title: c.meta.title.value.clone(),
                        diagnostics,
                    });
                }
            }
        }
        if !progress {
            break;
        }
    }
    for (ci, c) in correlations.iter().enumerate() {
        if planned[ci].is_none() && !failed[ci] {
            out.rejected.push(RejectedCorrelation {
                title: c.meta.title.value.clone(),
                diagnostics: vec![Diagnostic::new(
                    "sigma::correlation_cycle",
                    "this correlation references itself through other correlations",
                    c.correlation.span,
                )],
            });
        }
    }
    out
}

fn names(meta: &crate::meta::Metadata, reference: &str) -> bool {
    meta.id.as_ref().is_some_and(|s| s.value == reference)
        || meta.name.as_ref().is_some_and(|s| s.value == reference)
}

fn resolve(
    r: &Spanned<String>,
    rules: &[CompiledRule],
    correlations: &[CorrelationRule],
    legacy: &[(usize, usize)],
    planned: &[Option<usize>],
    failed: &[bool],
) -> Result<Target, Diagnostic> {
    let reference = r.value.as_str();
    let rule_hits: Vec<usize> = (0..rules.len())
        .filter(|&i| rules[i].is_named(reference))
        .collect();
    let corr_hits: Vec<usize> = (0..correlations.len())
        .filter(|&i| names(&correlations[i].meta, reference))
        .collect();
    let err = |msg: String, help: &str| {
        Err(Diagnostic::new("sigma::correlation_reference", msg, r.span)
            .with_help(help.to_string()))
    };
    match (rule_hits.as_slice(), corr_hits.as_slice()) {
        ([], []) => err(
            format!("no rule or correlation has the id or name `{reference}`"),
            "reference rules by their `id` or `name`, and load them together with the correlation",
        ),
        ([i], []) => match &rules[*i].kind {
            RuleKind::Event => Ok(Target::Rule(*i)),
            RuleKind::Aggregation(_) => match legacy.iter().find(|(ri, _)| ri == i) {
                Some((_, p)) => Ok(Target::Plan(*p)),
                None => err(
                    format!(
                        "rule `{reference}` has a legacy aggregation that could not be planned"
                    ),
                    "fix the referenced rule",
                ),
            },
            RuleKind::Unsupported(why) => err(
                format!("rule `{reference}` is not supported: {why}"),
                "fix the referenced rule",
            ),
        },
        ([], [c]) => match (planned[*c], failed[*c]) {
            (Some(p), _) => Ok(Target::Plan(p)),
            (None, true) => err(
                format!("correlation `{reference}` was rejected"),
                "fix the referenced correlation",
            ),
            (None, false) => Ok(Target::Pending),
        },
        _ => err(
            format!("`{reference}` names several rules or correlations"),
            "ids and names must be unique among the loaded documents",
        ),
    }
}

/// The field name an input uses for a `group-by` name: the alias's entry for this input if the
/// name is an alias, else the name itself.
fn aliased<'a>(
    corr: &'a Correlation,
    name: &'a str,
    input: &Spanned<String>,
    matches_input: &dyn Fn(&str) -> bool,
) -> Result<&'a str, Diagnostic> {
    let Some(alias) = corr.aliases.iter().find(|a| a.alias.value == name) else {
        return Ok(name);
    };
    alias
        .fields
        .iter()
        .find(|(rule, _)| rule.value == input.value || matches_input(&rule.value))
        .map(|(_, field)| field.value.as_str())
        .ok_or_else(|| {
            Diagnostic::new(
                "sigma::correlation_alias",
                format!("alias `{name}` gives no field for `{}`", input.value),
                alias.alias.span,
            )
            .with_help("list every referenced rule under the alias")
        })
}

fn build_plan(
    c: &CorrelationRule,
    resolved: Vec<Result<Target, Diagnostic>>,
    rules: &[CompiledRule],
    plans: &[CorrelationPlan],
    options: &CompileOptions,
) -> Result<CorrelationPlan, Vec<Diagnostic>> {
    let corr = &c.correlation;
    let mut errors = Vec::new();
    let mut inputs = Vec::new();
    let group_names: Vec<&Spanned<String>> = corr.group_by.iter().collect();
    let value_names: Vec<&Spanned<String>> = corr.condition.fields.iter().collect();
    for (r, target) in corr.rules.iter().zip(resolved) {
        let source = match target {
            Ok(Target::Rule(i)) => InputSource::Rule(i),
            Ok(Target::Plan(p)) => InputSource::Correlation(p),
            // `plan_correlations` only builds once nothing is pending.
            Ok(Target::Pending) => continue,
            Err(d) => {
                errors.push(d);
                continue;
            }
        };
        let matches_input = |reference: &str| match source {
            InputSource::Rule(i) => rules.get(i).is_some_and(|rule| rule.is_named(reference)),
            InputSource::Correlation(p) => plans.get(p).is_some_and(|plan| {
                plan.id.as_deref() == Some(reference) || plan.name.as_deref() == Some(reference)
            }),
        };
        let key = |name: &Spanned<String>, use_aliases: bool| -> Result<KeySource, Diagnostic> {
            let field = if use_aliases {
                aliased(corr, &name.value, r, &matches_input)?
            } else {
                name.value.as_str()
            };
            match source {
                InputSource::Rule(i) => {
                    let ls = rules.get(i).map(|rule| &rule.logsource);
                    let mapped = options
                        .pipeline
                        .as_ref()
                        .and_then(|p| p.map_field(ls, field))
                        .unwrap_or(field);
                    Ok(KeySource::Field(raw_field(mapped)))
                }
                InputSource::Correlation(p) => plans
                    .get(p)
                    .and_then(|plan| plan.group_by.iter().position(|g| g == field))
                    .map(KeySource::Group)
                    .ok_or_else(|| {
                        Diagnostic::new(
                            "sigma::correlation_group_by",
                            format!("correlation `{}` does not group by `{field}`", r.value),
                            name.span,
                        )
                        .with_help("a chained correlation's events carry only its group-by values")
                    }),
            }
        };
        let mut group_by = Vec::new();
        for g in &group_names {
            match key(g, true) {
                Ok(k) => group_by.push(k),
                Err(d) => errors.push(d),
            }
        }
        let mut values = Vec::new();
        for v in &value_names {
            match key(v, false) {
                Ok(k) => values.push(k),
                Err(d) => errors.push(d),
            }
        }
        inputs.push(PlanInput {
            reference: r.value.clone(),
            source,
            group_by,
            values,
        });
    }
    let timespan = match timespan_ms(&corr.timespan) {
        Ok(ms) => ms,
        Err(d) => {
            errors.push(d);
            0
        }
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(CorrelationPlan {
        title: c.meta.title.value.clone(),
        id: c.meta.id.as_ref().map(|s| s.value.clone()),
        name: c.meta.name.as_ref().map(|s| s.value.clone()),
        level: c.meta.level.as_ref().map(|l| l.value),
        origin: PlanOrigin::Correlation,
        kind: corr.kind,
        inputs,
        group_by: corr.group_by.iter().map(|g| g.value.clone()).collect(),
        timespan_ms: timespan,
        bounds: corr
            .condition
            .bounds
            .iter()
            .map(|(op, n)| Bound {
                op: *op,
                value: n.as_f64(),
            })
            .collect(),
        value_fields: corr
            .condition
            .fields
            .iter()
            .map(|f| f.value.clone())
            .collect(),
        percentile: corr.condition.percentile,
        generate: corr.generate,
    })
}

#[cfg(test)]
mod tests;

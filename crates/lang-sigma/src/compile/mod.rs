//! Compiling Sigma rules to trailhound's predicate IR ([`trailhound_engine::Pred`]).
//!
//! [`compile_rule`] turns one parsed [`Rule`] into a [`CompiledRule`]: the per-event filter over
//! the raw CloudTrail record ([`View::Raw`](trailhound_event::View::Raw) dotted paths, after the
//! optional field-mapping [`Pipeline`]), what kind of detector the rule is ([`RuleKind`]: one
//! alert per matching event, a legacy aggregation to run as a correlation, or a construct that
//! is not supported, with the reason), and whether its `logsource` is CloudTrail
//! ([`CompiledRule::applies_to_cloudtrail`]). [`apply_filters`] adds global filter documents to
//! the rules they name; [`crate::plan`] turns correlations and legacy aggregations into plans for
//! the stateful engine.
//!
//! Every value rule is the crate's `# Semantics` section; [`ValueSemantics::ChainsawCompat`]
//! switches three of them to Chainsaw's behaviour, for comparing hit counts with it.

mod custom;
mod filter;
mod value;

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::sync::Arc;

use trailhound_engine::Pred;
use trailhound_syntax::{Diagnostic, Span};

use crate::condition::{CondExpr, LegacyCorrelation, LegacyRejection, OfTarget, Quantifier};
use crate::detection::{Detection, SearchDef};
use crate::document::{Document, Rule};
use crate::mapping::Pipeline;
use crate::matcher::Matcher;
use crate::meta::{Level, LogSource};

pub use filter::apply_filters;
pub(crate) use value::raw_field;

/// How rule values meet record values.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ValueSemantics {
    /// The crate's `# Semantics` (pySigma-backend behaviour on raw CloudTrail).
    #[default]
    Sigma,
    /// Chainsaw v2.16's behaviour for the three differences the reference notes list (§1.2
    /// items 2, 4, 5; §3.1), everything else unchanged: `field: null` matches only an explicit
    /// JSON `null` (not a missing field); rule strings never match JSON booleans (`'true'` does
    /// not match `true`; an unquoted YAML boolean matches only a JSON boolean); objects have no
    /// text, so string matchers never match an object-valued field. For comparing results with
    /// Chainsaw, not for detection.
    ChainsawCompat,
}

/// Options for [`compile_rule`], [`apply_filters`] and [`crate::plan::plan_correlations`].
#[derive(Clone, Debug, Default)]
pub struct CompileOptions {
    /// Field renames applied before compiling ([`Pipeline::apply`]; its placeholder values are
    /// used at parse time, through [`Pipeline::load_options`]).
    pub pipeline: Option<Pipeline>,
    /// Value semantics.
    pub semantics: ValueSemantics,
}

/// What kind of detector a compiled rule is.
#[derive(Clone, Debug, PartialEq)]
pub enum RuleKind {
    /// Every event that satisfies [`CompiledRule::pred`] is an alert.
    Event,
    /// A legacy (Sigma 1.x) aggregation such as `selection | count() by src > 5` with a
    /// `timeframe`: [`CompiledRule::pred`] selects the events, and
    /// [`crate::plan::plan_correlations`] turns this into a correlation plan over the rule.
    /// The rule raises no alert of its own.
    Aggregation(LegacyCorrelation),
    /// A construct with no per-event or correlation meaning here (`near`, `min`/`max`, an
    /// aggregation without `timeframe`, a `timeframe` without aggregation, aggregations in a
    /// condition list). The rule must not be run; the reason says why.
    Unsupported(LegacyRejection),
}

/// A rule compiled to a predicate over one raw CloudTrail record.
#[derive(Clone, Debug)]
pub struct CompiledRule {
    /// `title`.
    pub title: String,
    /// `id`.
    pub id: Option<String>,
    /// `name` (correlations may reference it).
    pub name: Option<String>,
    /// `level`.
    pub level: Option<Level>,
    /// `logsource`.
    pub logsource: LogSource,
    /// The per-event condition: the rule's conditions (OR-linked, legacy aggregations left
    /// out), AND the conditions of the filters applied to it.
    pub pred: Pred,
    /// What the rule is.
    pub kind: RuleKind,
    /// Titles of the global filters [`apply_filters`] added, in order.
    pub filters: Vec<String>,
    /// `sigma::lint_*` warnings found while compiling.
    pub warnings: Vec<Diagnostic>,
}

impl CompiledRule {
    /// Whether the rule's `logsource` is AWS CloudTrail (`product: aws`, `service: cloudtrail`,
    /// any `category`, values compared exactly, as pySigma's logsource conditions do). `Err`
    /// gives the reason, starting with "not applicable: logsource".
    pub fn applies_to_cloudtrail(&self) -> Result<(), String> {
        cloudtrail_logsource(&self.logsource)
    }

    /// Whether `reference` (as written in a correlation's or filter's `rules`) names this rule:
    /// its `id` or its `name`.
    pub fn is_named(&self, reference: &str) -> bool {
        self.id.as_deref() == Some(reference) || self.name.as_deref() == Some(reference)
    }
}

fn cloudtrail_logsource(ls: &LogSource) -> Result<(), String> {
    let product = ls.get("product");
    let service = ls.get("service");
    if product == Some("aws") && service == Some("cloudtrail") {
        return Ok(());
    }
    let shown: Vec<String> = ["category", "product", "service"]
        .iter()
        .filter_map(|k| ls.get(k).map(|v| format!("{k}: {v}")))
        .collect();
    Err(format!(
        "not applicable: logsource {{{}}} is not {{product: aws, service: cloudtrail}}",
        shown.join(", ")
    ))
}

/// Compiles a rule: applies the options' field mapping, compiles every search identifier and
/// condition, and classifies legacy constructs. Errors are `sigma::*` diagnostics with spans
/// into the rule's file (for example a regular expression Rust's `regex` cannot compile).
pub fn compile_rule(
    rule: &Rule,
    options: &CompileOptions,
) -> Result<CompiledRule, Vec<Diagnostic>> {
    let mapped;
    let rule = match &options.pipeline {
        Some(p) => {
            let mut doc = Document::Rule(Box::new(rule.clone()));
            p.apply(&mut doc);
            mapped = doc;
            match &mapped {
                Document::Rule(r) => &**r,
                // `apply` keeps the document's kind.
                _ => rule,
            }
        }
        None => rule,
    };
    let pred = compile_detection(&rule.detection, options.semantics)?;
    let kind = classify(&rule.detection);
    let mut warnings = Vec::new();
    if cloudtrail_logsource(&rule.logsource).is_ok() {
        lint_fields(&rule.detection, &mut warnings);
    }
    Ok(CompiledRule {
        title: rule.meta.title.value.clone(),
        id: rule.meta.id.as_ref().map(|s| s.value.clone()),
        name: rule.meta.name.as_ref().map(|s| s.value.clone()),
        level: rule.meta.level.as_ref().map(|l| l.value),
        logsource: rule.logsource.clone(),
        pred,
        kind,
        filters: Vec::new(),
        warnings,
    })
}

/// The detector kind from the conditions' legacy aggregations and `timeframe`.
fn classify(det: &Detection) -> RuleKind {
    let aggregations: Vec<_> = det
        .conditions
        .iter()
        .filter_map(|c| c.aggregation.as_ref())
        .collect();
    match aggregations.as_slice() {
        [] if det.timeframe.is_some() => {
            RuleKind::Unsupported(LegacyRejection::TimeframeWithoutAggregation)
        }
        [] => RuleKind::Event,
        [agg] if det.conditions.len() == 1 => {
            match agg.correlation_equivalent(det.timeframe.as_ref()) {
                Ok(c) => RuleKind::Aggregation(c),
                Err(r) => RuleKind::Unsupported(r),
            }
        }
        _ => RuleKind::Unsupported(LegacyRejection::AggregationInConditionList),
    }
}

/// Compiles a detection (a rule's or a filter's): its conditions, OR-linked.
pub(crate) fn compile_detection(
    det: &Detection,
    sem: ValueSemantics,
) -> Result<Pred, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    let mut idents: BTreeMap<&str, Pred> = BTreeMap::new();
    for ident in &det.identifiers {
        match compile_search(&ident.definition, sem) {
            Ok(p) => {
                idents.insert(ident.name.as_str(), p);
            }
            Err(mut e) => errors.append(&mut e),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut conds = Vec::with_capacity(det.conditions.len());
    for c in &det.conditions {
        match compile_condition(&c.expr, det, &idents) {
            Ok(p) => conds.push(p),
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(Pred::or(conds))
    } else {
        Err(errors)
    }
}

/// A search identifier's definition. Recursion follows the YAML nesting, which the loader caps.
fn compile_search(def: &SearchDef, sem: ValueSemantics) -> Result<Pred, Vec<Diagnostic>> {
    match def {
        SearchDef::AllOf { items, .. } => {
            let mut preds = Vec::with_capacity(items.len());
            let mut errors = Vec::new();
            for item in items {
                match value::compile_item(item, sem) {
                    Ok(p) => preds.push(p),
                    Err(e) => errors.push(e),
                }
            }
            if errors.is_empty() {
                Ok(Pred::and(preds))
            } else {
                Err(errors)
            }
        }
        SearchDef::AnyOf { items, .. } => {
            let mut preds = Vec::with_capacity(items.len());
            let mut errors = Vec::new();
            for d in items {
                match compile_search(d, sem) {
                    Ok(p) => preds.push(p),
                    Err(mut e) => errors.append(&mut e),
                }
            }
            if errors.is_empty() {
                Ok(Pred::or(preds))
            } else {
                Err(errors)
            }
        }
        SearchDef::Keywords(item) => value::compile_item(item, sem).map_err(|e| vec![e]),
    }
}

/// A condition expression. Recursion follows the expression, whose depth the parser caps
/// ([`crate::condition::MAX_CONDITION_DEPTH`]).
fn compile_condition(
    expr: &CondExpr,
    det: &Detection,
    idents: &BTreeMap<&str, Pred>,
) -> Result<Pred, Diagnostic> {
    let ident = |name: &str, span: Span| {
        idents.get(name).cloned().ok_or_else(|| {
            Diagnostic::new(
                "sigma::undefined_identifier",
                format!("undefined search identifier `{name}`"),
                span,
            )
        })
    };
    Ok(match expr {
        CondExpr::Ident { name, span } => ident(name, *span)?,
        CondExpr::Not { expr, .. } => Pred::negate(compile_condition(expr, det, idents)?),
        CondExpr::And { operands, .. } => Pred::and(
            operands
                .iter()
                .map(|o| compile_condition(o, det, idents))
                .collect::<Result<_, _>>()?,
        ),
        CondExpr::Or { operands, .. } => Pred::or(
            operands
                .iter()
                .map(|o| compile_condition(o, det, idents))
                .collect::<Result<_, _>>()?,
        ),
        CondExpr::Of {
            quantifier,
            target,
            span,
        } => {
            let names = det.resolve_target(target);
            if names.is_empty() {
                let what = match target {
                    OfTarget::Them => "them".to_string(),
                    OfTarget::Pattern(p) => p.clone(),
                };
                return Err(Diagnostic::new(
                    "sigma::pattern_matches_nothing",
                    format!("`{what}` matches no search identifier"),
                    *span,
                ));
            }
            let children = names
                .iter()
                .map(|n| ident(n, *span))
                .collect::<Result<Vec<_>, _>>()?;
            match *quantifier {
                Quantifier::All => Pred::and(children),
                Quantifier::AtLeast(n) => {
                    let n = usize::try_from(n).unwrap_or(usize::MAX);
                    match n {
                        0 => Pred::Const(true),
                        1 => Pred::or(children),
                        n if n == children.len() => Pred::and(children),
                        n if n > children.len() => Pred::Const(false),
                        n => Pred::Custom(Arc::new(custom::AtLeast { n, children })),
                    }
                }
            }
        }
    })
}

/// Top-level keys of a CloudTrail record (AWS CloudTrail User Guide, "CloudTrail record
/// contents for management, data, and network activity events", and the Insights record
/// contents page for `insightDetails`).
const CLOUDTRAIL_KEYS: [&str; 32] = [
    "eventTime",
    "eventVersion",
    "userIdentity",
    "eventSource",
    "eventName",
    "awsRegion",
    "sourceIPAddress",
    "userAgent",
    "errorCode",
    "errorMessage",
    "requestParameters",
    "responseElements",
    "additionalEventData",
    "requestID",
    "eventID",
    "eventType",
    "apiVersion",
    "managementEvent",
    "readOnly",
    "resources",
    "recipientAccountId",
    "serviceEventDetails",
    "sharedEventID",
    "vpcEndpointId",
    "vpcEndpointAccountId",
    "eventCategory",
    "addendum",
    "sessionCredentialFromConsole",
    "edgeDeviceDetails",
    "tlsDetails",
    "eventContext",
    "insightDetails",
];

/// Warns about fields whose first path segment is not a CloudTrail record key: such an item can
/// never match a raw record (`status`, or `src_ip` without a field mapping).
fn lint_fields(det: &Detection, warnings: &mut Vec<Diagnostic>) {
    let mut det = det.clone();
    let mut items = det.items_mut();
    items.sort_by_key(|i| i.span.start);
    for item in items {
        let mut names: Vec<(&str, Span)> = Vec::new();
        if let Some(f) = item.key.field.as_deref() {
            names.push((f, item.key.field_span));
        }
        if let Matcher::FieldRef(fr) = &item.matcher {
            names.extend(fr.fields.iter().map(|f| (f.value.as_str(), f.span)));
        }
        for (name, span) in names {
            let root = name.split('.').next().unwrap_or_default();
            if !CLOUDTRAIL_KEYS.contains(&root) {
                warnings.push(
                    Diagnostic::new(
                        "sigma::lint_unknown_cloudtrail_field",
                        format!("`{name}` is not a field of CloudTrail records: this item never sees a value"),
                        span,
                    )
                    .with_help("field names are dotted paths into the raw record (`userIdentity.arn`); map other names with a pipeline's `field_mappings`"),
                );
            }
        }
    }
}

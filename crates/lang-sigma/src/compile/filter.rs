//! Global filters (`sigma-filters-specification.md`) applied to compiled rules the way pySigma
//! does it (`sigma/filters.py`, `SigmaFilter.apply_on_rule`): each rule condition becomes
//! `(rule condition) and (filter condition)`.

use trailhound_engine::Pred;
use trailhound_syntax::Diagnostic;

use super::{CompileOptions, CompiledRule, compile_detection};
use crate::document::{Document, FilterRule, FilterTargets};
use crate::meta::LogSource;

/// pySigma's `rule.logsource in filter.logsource`: every attribute the filter's logsource gives
/// (`category`, `product`, `service`) has the same value in the rule's.
fn logsource_covers(filter: &LogSource, rule: &LogSource) -> bool {
    ["category", "product", "service"]
        .iter()
        .all(|k| filter.get(k).is_none_or(|v| rule.get(k) == Some(v)))
}

/// Adds each filter to the rules it targets: rules named by `id` or `name` in its `rules` (or
/// every rule for `rules: any`) whose logsource the filter's logsource covers. The rule's
/// predicate becomes `pred and filter`; as in pySigma the filter's own condition does the
/// negating (`condition: not selection`). The filter's search identifiers are its own (pySigma
/// renames them to avoid clashes; here they never meet the rule's). Filters do not apply to
/// correlations, and a rule's legacy aggregation then counts only the events that pass.
///
/// Returns problems: errors for filters that cannot be compiled (those are not applied) and
/// `sigma::lint_filter_unknown_rule` warnings for references that name no rule at all.
pub fn apply_filters(
    rules: &mut [CompiledRule],
    filters: &[FilterRule],
    options: &CompileOptions,
) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    for filter in filters {
        let mapped;
        let filter = match &options.pipeline {
            Some(p) => {
                let mut doc = Document::Filter(Box::new(filter.clone()));
                p.apply(&mut doc);
                mapped = doc;
                match &mapped {
                    Document::Filter(f) => &**f,
                    // `apply` keeps the document's kind.
                    _ => filter,
                }
            }
            None => filter,
        };
        let aggregations: Vec<Diagnostic> = filter
            .detection
            .conditions
            .iter()
            .filter(|c| c.aggregation.is_some())
            .map(|c| {
                Diagnostic::new(
                    "sigma::filter_aggregation",
                    "a filter condition cannot have an aggregation",
                    c.span,
                )
            })
            .collect();
        if !aggregations.is_empty() {
            problems.extend(aggregations);
            continue;
        }
        let pred = match compile_detection(&filter.detection, options.semantics) {
            Ok(p) => p,
            Err(mut e) => {
                problems.append(&mut e);
                continue;
            }
        };
        if let FilterTargets::Rules(refs) = &filter.targets {
            for r in refs {
                if !rules.iter().any(|rule| rule.is_named(&r.value)) {
                    problems.push(
                        Diagnostic::new(
                            "sigma::lint_filter_unknown_rule",
                            format!("no rule has the id or name `{}`", r.value),
                            r.span,
                        )
                        .with_help("filters name rules by `id` or `name`"),
                    );
                }
            }
        }
        for rule in rules.iter_mut() {
            let named = match &filter.targets {
                FilterTargets::Any => true,
                FilterTargets::Rules(refs) => refs.iter().any(|r| rule.is_named(&r.value)),
            };
            if named && logsource_covers(&filter.logsource, &rule.logsource) {
                let current = std::mem::replace(&mut rule.pred, Pred::Const(true));
                rule.pred = Pred::and(vec![current, pred.clone()]);
                rule.filters.push(filter.meta.title.value.clone());
            }
        }
    }
    problems
}

//! The `detection` section: search identifiers, condition(s) and the legacy `timeframe`.

use trailhound_syntax::{Diagnostic, Span};

use crate::condition::{Aggregation, CondExpr, Condition, OfTarget, Quantifier, parse_condition};
use crate::context::Ctx;
use crate::correlation::Timespan;
use crate::item::{DetectionItem, build_item, build_keywords};
use crate::yaml::{Yaml, YamlNode};

/// What a search identifier is defined as.
#[derive(Clone, Debug, PartialEq)]
pub enum SearchDef {
    /// A mapping: every item must match (AND).
    AllOf {
        /// The items, in document order.
        items: Vec<DetectionItem>,
        /// Position.
        span: Span,
    },
    /// A list of mappings (or mixed definitions): any must match (OR).
    AnyOf {
        /// The alternatives.
        items: Vec<SearchDef>,
        /// Position.
        span: Span,
    },
    /// A value or list of values searched in the whole event (keywords).
    Keywords(DetectionItem),
}

/// A named search (`selection: ...`).
#[derive(Clone, Debug, PartialEq)]
pub struct SearchIdentifier {
    /// The name.
    pub name: String,
    /// Position of the name.
    pub name_span: Span,
    /// The definition.
    pub definition: SearchDef,
}

/// The `detection` section (or the body of a filter document).
#[derive(Clone, Debug, PartialEq)]
pub struct Detection {
    /// Search identifiers in document order.
    pub identifiers: Vec<SearchIdentifier>,
    /// The conditions; several are OR-linked.
    pub conditions: Vec<Condition>,
    /// Legacy `timeframe` (Sigma 1.x, used by aggregations).
    pub timeframe: Option<Timespan>,
    /// Position.
    pub span: Span,
}

impl Detection {
    /// The identifier named `name`.
    pub fn identifier(&self, name: &str) -> Option<&SearchIdentifier> {
        self.identifiers.iter().find(|i| i.name == name)
    }

    /// Names matched by an `x of` target, in document order: `them` is every identifier not
    /// starting with `_`; a pattern matches whole names with `*` as any characters, and (as in
    /// pySigma) `_`-prefixed names only when the pattern itself starts with `_`.
    pub fn resolve_target(&self, target: &OfTarget) -> Vec<&str> {
        self.identifiers
            .iter()
            .map(|i| i.name.as_str())
            .filter(|n| match target {
                OfTarget::Them => !n.starts_with('_'),
                OfTarget::Pattern(p) => {
                    glob_match(p, n) && (p.starts_with('_') || !n.starts_with('_'))
                }
            })
            .collect()
    }

    /// Every detection item, depth first (filters, field mappings and compilers walk these).
    pub fn items_mut(&mut self) -> Vec<&mut DetectionItem> {
        let mut out = Vec::new();
        let mut todo: Vec<&mut SearchDef> = self
            .identifiers
            .iter_mut()
            .map(|i| &mut i.definition)
            .collect();
        while let Some(d) = todo.pop() {
            match d {
                SearchDef::AllOf { items, .. } => out.extend(items.iter_mut()),
                SearchDef::AnyOf { items, .. } => todo.extend(items.iter_mut()),
                SearchDef::Keywords(item) => out.push(item),
            }
        }
        out
    }
}

/// `*`-only glob over identifier names (iterative, linear backtracking).
pub(crate) fn glob_match(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    let (mut pi, mut ni) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while ni < n.len() {
        match p.get(pi) {
            Some('*') => {
                star = Some((pi, ni));
                pi += 1;
            }
            Some(&c) if n.get(ni) == Some(&c) => {
                pi += 1;
                ni += 1;
            }
            _ => match star {
                Some((sp, sn)) => {
                    pi = sp + 1;
                    ni = sn + 1;
                    star = Some((sp, sn + 1));
                }
                None => return false,
            },
        }
    }
    p.get(pi..)
        .is_some_and(|rest| rest.iter().all(|&c| c == '*'))
}

/// Builds a detection from a mapping; `skip` lists keys that are not identifiers (`rules` in
/// filters).
pub(crate) fn build_detection(
    ctx: &mut Ctx<'_>,
    node: &YamlNode,
    skip: &[&str],
) -> Option<Detection> {
    let Some(entries) = node.as_map() else {
        ctx.error(Diagnostic::new(
            "sigma::wrong_type",
            format!("the detection must be a mapping, not {}", node.kind_name()),
            node.span,
        ));
        return None;
    };
    let errors_before = ctx.errors.len();
    let mut identifiers = Vec::new();
    let mut condition_node = None;
    let mut timeframe = None;
    for (k, v) in entries {
        let name = k.scalar_text().unwrap_or_default();
        if skip.contains(&name) {
            continue;
        }
        match name {
            "condition" => condition_node = Some((k, v)),
            "timeframe" => match v.scalar_text() {
                Some(t) if !matches!(v.value, Yaml::Null) => {
                    timeframe = ctx.ok(Timespan::parse(t, v.span))
                }
                _ => ctx.error(Diagnostic::new(
                    "sigma::bad_timespan",
                    "`timeframe` must be a string like `5m`",
                    v.span,
                )),
            },
            _ => {
                if let Some(definition) = build_search(ctx, v, name, k.span) {
                    identifiers.push(SearchIdentifier {
                        name: name.to_string(),
                        name_span: k.span,
                        definition,
                    });
                }
            }
        }
    }
    if identifiers.is_empty() && ctx.errors.len() == errors_before {
        ctx.error(Diagnostic::new(
            "sigma::empty_detection",
            "the detection defines no search identifier",
            node.span,
        ));
    }
    let Some((_, cond_node)) = condition_node else {
        ctx.error(Diagnostic::new(
            "sigma::missing_key",
            "the detection has no `condition`",
            Span::at(node.span.start),
        ));
        return None;
    };
    let cond_nodes: Vec<&YamlNode> = match &cond_node.value {
        Yaml::Seq(items) if !items.is_empty() => items.iter().collect(),
        _ => vec![cond_node],
    };
    let mut conditions = Vec::new();
    for c in cond_nodes {
        match (&c.value, c.as_str()) {
            (Yaml::String(_), Some(text)) => {
                if let Some(cond) =
                    ctx.ok(parse_condition(text, c.verbatim_start(ctx.source), c.span))
                {
                    conditions.push(cond);
                }
            }
            _ => ctx.error(Diagnostic::new(
                "sigma::wrong_type",
                format!("a condition must be a string, not {}", c.kind_name()),
                c.span,
            )),
        }
    }
    if ctx.errors.len() != errors_before {
        return None;
    }
    let det = Detection {
        identifiers,
        conditions,
        timeframe,
        span: node.span,
    };
    for c in &det.conditions {
        check_references(ctx, &det, c);
    }
    (ctx.errors.len() == errors_before).then_some(det)
}

/// Builds one search identifier's definition; `name_span` locates the identifier.
fn build_search(
    ctx: &mut Ctx<'_>,
    node: &YamlNode,
    name: &str,
    name_span: Span,
) -> Option<SearchDef> {
    match &node.value {
        Yaml::Map(entries) if entries.is_empty() => {
            ctx.error(Diagnostic::new(
                "sigma::empty_search",
                format!("search identifier `{name}` is empty"),
                node.span,
            ));
            None
        }
        Yaml::Map(entries) => {
            let mut items = Vec::new();
            let mut ok = true;
            for (k, v) in entries {
                match build_item(ctx, k, v) {
                    Some(i) => items.push(i),
                    None => ok = false,
                }
            }
            ok.then_some(SearchDef::AllOf {
                items,
                span: node.span,
            })
        }
        Yaml::Seq(items) if items.is_empty() => {
            ctx.error(Diagnostic::new(
                "sigma::empty_search",
                format!("search identifier `{name}` is an empty list"),
                node.span,
            ));
            None
        }
        Yaml::Seq(items)
            if items
                .iter()
                .all(|i| !matches!(i.value, Yaml::Seq(_) | Yaml::Map(_))) =>
        {
            build_keywords(ctx, node).map(SearchDef::Keywords)
        }
        Yaml::Seq(items) => {
            // YAML depth is capped at load time, so this recursion is bounded.
            let mut out = Vec::new();
            let mut ok = true;
            for i in items {
                match build_search(ctx, i, name, name_span) {
                    Some(d) => out.push(d),
                    None => ok = false,
                }
            }
            ok.then_some(SearchDef::AnyOf {
                items: out,
                span: node.span,
            })
        }
        Yaml::Null => {
            ctx.error(
                Diagnostic::new(
                    "sigma::empty_search",
                    format!("search identifier `{name}` has no definition"),
                    name_span,
                )
                .with_help("`null` must be bound to a field: `field: null`"),
            );
            None
        }
        _ => build_keywords(ctx, node).map(SearchDef::Keywords),
    }
}

/// Every identifier and `x of` pattern in a condition must name defined search identifiers.
fn check_references(ctx: &mut Ctx<'_>, det: &Detection, cond: &Condition) {
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    cond.expr.walk(|e| match e {
        CondExpr::Ident { name, span } if det.identifier(name).is_none() => {
            let mut d = Diagnostic::new(
                "sigma::undefined_identifier",
                format!("undefined search identifier `{name}`"),
                *span,
            );
            if ["AND", "OR", "NOT", "And", "Or", "Not"].contains(&name.as_str()) {
                d = d.with_help("condition operators are lowercase: `and`, `or`, `not`");
            } else if name == "timeframe" {
                d = d.with_help("`timeframe` is not a search identifier");
            } else {
                let names: Vec<&str> = det.identifiers.iter().map(|i| i.name.as_str()).collect();
                d = d.with_help(format!("defined identifiers: {}", names.join(", ")));
            }
            errors.push(d);
        }
        CondExpr::Of {
            quantifier,
            target,
            span,
        } => {
            let matched = det.resolve_target(target);
            if matched.is_empty() {
                let what = match target {
                    OfTarget::Them => "`them`: every search identifier starts with `_`".to_string(),
                    OfTarget::Pattern(p) => format!("`{p}` matches no search identifier"),
                };
                errors.push(Diagnostic::new(
                    "sigma::pattern_matches_nothing",
                    what,
                    *span,
                ));
            } else if let Quantifier::AtLeast(n) = quantifier
                && usize::try_from(*n).unwrap_or(usize::MAX) > matched.len()
            {
                warnings.push(Diagnostic::new(
                    "sigma::lint_quantifier",
                    format!(
                        "`{n} of` can never match: only {} identifiers match",
                        matched.len()
                    ),
                    *span,
                ));
            }
        }
        _ => {}
    });
    if let Some(Aggregation::Near { terms, .. }) = &cond.aggregation {
        for t in terms {
            if det.identifier(&t.identifier).is_none() {
                errors.push(Diagnostic::new(
                    "sigma::undefined_identifier",
                    format!("undefined search identifier `{}`", t.identifier),
                    t.span,
                ));
            }
        }
    }
    errors.into_iter().for_each(|d| ctx.error(d));
    warnings.into_iter().for_each(|d| ctx.warn(d));
}

#[cfg(test)]
mod tests {
    use super::glob_match;

    #[test]
    fn identifier_globs() {
        let cases = [
            ("selection_*", "selection_a", true),
            ("selection_*", "selection", false),
            ("*", "anything", true),
            ("*_main_*", "filter_main_x", true),
            ("s*n*", "selection", true),
            ("a*b", "aXbXb", true),
            ("a*b", "aXbX", false),
            ("exact", "exact", true),
            ("exact", "exactly", false),
        ];
        for (p, n, m) in cases {
            assert_eq!(glob_match(p, n), m, "{p} vs {n}");
        }
    }
}

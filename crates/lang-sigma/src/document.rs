//! Documents of a Sigma file (rules, correlations, filters) and collection actions.

use trailhound_syntax::{Diagnostic, Span};

use crate::condition::{AggFunc, Aggregation};
use crate::context::Ctx;
use crate::correlation::{Correlation, build_correlation};
use crate::detection::{Detection, build_detection};
use crate::matcher::Spanned;
use crate::meta::{LogSource, Metadata, build_logsource, build_metadata, scalar_list};
use crate::yaml::{Yaml, YamlNode};

/// A detection rule.
#[derive(Clone, Debug, PartialEq)]
pub struct Rule {
    /// Metadata.
    pub meta: Metadata,
    /// `logsource`.
    pub logsource: LogSource,
    /// `detection`.
    pub detection: Detection,
    /// The document in the file (for merged collection documents: the rule's own document).
    pub span: Span,
}

/// A legacy (Sigma 1.x) construct a rule uses; loading keeps it as data so that callers can
/// map it to a correlation or reject the rule with this reason.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LegacyConstruct {
    /// `| count() ...`, `| max(f) ...` etc.
    Aggregation {
        /// The function.
        func: AggFunc,
        /// The aggregated field.
        field: Option<String>,
        /// The `by` field.
        group_by: Option<String>,
    },
    /// `| near ...`.
    Near,
    /// A `timeframe` with no aggregation in any condition: a per-event engine ignores it, so
    /// the author's intent (usually "these events within N minutes") is lost.
    TimeframeWithoutAggregation,
}

impl Rule {
    /// The legacy constructs of this rule, in condition order.
    pub fn legacy_constructs(&self) -> Vec<LegacyConstruct> {
        let mut out: Vec<LegacyConstruct> = self
            .detection
            .conditions
            .iter()
            .filter_map(|c| c.aggregation.as_ref())
            .map(|a| match a {
                Aggregation::Function {
                    func,
                    field,
                    group_by,
                    ..
                } => LegacyConstruct::Aggregation {
                    func: *func,
                    field: field.clone(),
                    group_by: group_by.clone(),
                },
                Aggregation::Near { .. } => LegacyConstruct::Near,
            })
            .collect();
        if out.is_empty() && self.detection.timeframe.is_some() {
            out.push(LegacyConstruct::TimeframeWithoutAggregation);
        }
        out
    }
}

/// A correlation document.
#[derive(Clone, Debug, PartialEq)]
pub struct CorrelationRule {
    /// Metadata.
    pub meta: Metadata,
    /// The `correlation` section.
    pub correlation: Correlation,
    /// The document.
    pub span: Span,
}

/// Which rules a filter applies to.
#[derive(Clone, Debug, PartialEq)]
pub enum FilterTargets {
    /// `rules: any` (or an empty list): every rule whose log source matches.
    Any,
    /// Rules by id or name.
    Rules(Vec<Spanned<String>>),
}

/// A filter document (`filter:`), per `sigma-filters-specification.md`.
#[derive(Clone, Debug, PartialEq)]
pub struct FilterRule {
    /// Metadata.
    pub meta: Metadata,
    /// `logsource`: the filter applies to rules whose log source has these attributes.
    pub logsource: LogSource,
    /// `filter.rules`.
    pub targets: FilterTargets,
    /// The filter's search identifiers and condition (every key of `filter` except `rules`).
    pub detection: Detection,
    /// The document.
    pub span: Span,
}

/// One document of a Sigma file.
#[derive(Clone, Debug, PartialEq)]
pub enum Document {
    /// A detection rule.
    Rule(Box<Rule>),
    /// A correlation rule.
    Correlation(Box<CorrelationRule>),
    /// A global filter.
    Filter(Box<FilterRule>),
}

impl Document {
    /// The document's metadata.
    pub fn meta(&self) -> &Metadata {
        match self {
            Document::Rule(r) => &r.meta,
            Document::Correlation(c) => &c.meta,
            Document::Filter(f) => &f.meta,
        }
    }
}

/// Deep merge as the reference implementations do it (legacy sigmac and pySigma
/// `deep_dict_update`): mappings merge key by key, recursively; any other value from `src`
/// replaces the one in `dest` (lists are replaced, not concatenated). New keys are appended.
pub(crate) fn merge_into(dest: &mut YamlNode, src: &YamlNode) {
    let (Yaml::Map(d), Yaml::Map(s)) = (&mut dest.value, &src.value) else {
        *dest = src.clone();
        return;
    };
    for (k, v) in s {
        match d.iter_mut().find(|(dk, _)| dk.text == k.text) {
            Some((_, dv))
                if matches!(dv.value, Yaml::Map(_)) && matches!(v.value, Yaml::Map(_)) =>
            {
                merge_into(dv, v)
            }
            Some((_, dv)) => *dv = v.clone(),
            None => d.push((k.clone(), v.clone())),
        }
    }
}

fn without_action(doc: &YamlNode) -> YamlNode {
    let mut d = doc.clone();
    if let Yaml::Map(entries) = &mut d.value {
        entries.retain(|(k, _)| k.text.as_deref() != Some("action"));
    }
    d
}

/// Turns the YAML documents of a file into Sigma documents, applying collection actions:
/// `action: global` documents accumulate into a template merged into every following rule
/// (the template wins on conflicting non-mapping values, as in sigmac and pySigma);
/// `action: reset` clears the template; `action: repeat` re-emits the previous rule with this
/// document merged over it. Correlation and filter documents are not merged with the template.
pub(crate) fn build_documents(ctx: &mut Ctx<'_>, docs: Vec<Option<YamlNode>>) -> Vec<Document> {
    let mut out = Vec::new();
    let mut global: Option<YamlNode> = None;
    let mut prev: Option<YamlNode> = None;
    for doc in docs.into_iter().flatten() {
        if !matches!(doc.value, Yaml::Map(_)) {
            ctx.error(Diagnostic::new(
                "sigma::not_a_mapping",
                format!(
                    "a Sigma document must be a mapping, not {}",
                    doc.kind_name()
                ),
                doc.span,
            ));
            continue;
        }
        let action = doc
            .get("action")
            .map(|a| (a.as_str().map(str::to_string), a.span));
        match action {
            Some((Some(a), _)) if a == "global" => {
                let body = without_action(&doc);
                match &mut global {
                    Some(g) => merge_into(g, &body),
                    None => global = Some(body),
                }
            }
            Some((Some(a), _)) if a == "reset" => global = None,
            Some((Some(a), span)) if a == "repeat" => match &prev {
                Some(p) => {
                    let mut merged = p.clone();
                    merge_into(&mut merged, &without_action(&doc));
                    merged.span = doc.span;
                    out.extend(build_one(ctx, &merged));
                    prev = Some(merged);
                }
                None => ctx.error(Diagnostic::new(
                    "sigma::repeat_without_rule",
                    "`action: repeat` needs a rule before it",
                    span,
                )),
            },
            Some((a, span)) => ctx.error(
                Diagnostic::new(
                    "sigma::unknown_action",
                    format!("unknown collection action `{}`", a.unwrap_or_default()),
                    span,
                )
                .with_help("one of global, reset, repeat"),
            ),
            None if doc.get("correlation").is_some() || doc.get("filter").is_some() => {
                out.extend(build_one(ctx, &doc))
            }
            None => {
                let mut merged = doc.clone();
                if let Some(g) = &global {
                    merge_into(&mut merged, g);
                }
                out.extend(build_one(ctx, &merged));
                prev = Some(merged);
            }
        }
    }
    out
}

/// Builds one (already merged) document.
fn build_one(ctx: &mut Ctx<'_>, doc: &YamlNode) -> Option<Document> {
    let errors_before = ctx.errors.len();
    let has = |k: &str| doc.get(k).is_some();
    let kinds = [has("detection"), has("correlation"), has("filter")]
        .iter()
        .filter(|&&b| b)
        .count();
    if kinds > 1 {
        ctx.error(Diagnostic::new(
            "sigma::ambiguous_document",
            "a document has only one of `detection`, `correlation` and `filter`",
            Span::at(doc.span.start),
        ));
        return None;
    }
    let document = if let Some(c) = doc.get("correlation") {
        let meta = build_metadata(ctx, doc, &["correlation", "generate"]);
        let correlation = build_correlation(ctx, c);
        Document::Correlation(Box::new(CorrelationRule {
            meta,
            correlation: correlation?,
            span: doc.span,
        }))
    } else if let Some(f) = doc.get("filter") {
        let meta = build_metadata(ctx, doc, &["filter", "logsource"]);
        let logsource = require(ctx, doc, "logsource").and_then(|l| build_logsource(ctx, l));
        let targets = build_targets(ctx, f);
        let detection = if f.as_map().is_some() {
            build_detection(ctx, f, &["rules"])
        } else {
            ctx.error(Diagnostic::new(
                "sigma::wrong_type",
                format!("`filter` must be a mapping, not {}", f.kind_name()),
                f.span,
            ));
            None
        };
        let detection = detection?;
        lint_filter(ctx, &detection);
        Document::Filter(Box::new(FilterRule {
            meta,
            logsource: logsource?,
            targets: targets?,
            detection,
            span: doc.span,
        }))
    } else {
        let meta = build_metadata(ctx, doc, &["logsource", "detection"]);
        let logsource = require(ctx, doc, "logsource").and_then(|l| build_logsource(ctx, l));
        let detection = require(ctx, doc, "detection").and_then(|d| build_detection(ctx, d, &[]));
        Document::Rule(Box::new(Rule {
            meta,
            logsource: logsource?,
            detection: detection?,
            span: doc.span,
        }))
    };
    (ctx.errors.len() == errors_before).then_some(document)
}

fn require<'n>(ctx: &mut Ctx<'_>, doc: &'n YamlNode, key: &str) -> Option<&'n YamlNode> {
    let found = doc.get(key);
    if found.is_none() {
        ctx.error(Diagnostic::new(
            "sigma::missing_key",
            format!("the document has no `{key}`"),
            Span::at(doc.span.start),
        ));
    }
    found
}

fn build_targets(ctx: &mut Ctx<'_>, filter: &YamlNode) -> Option<FilterTargets> {
    let Some(rules) = filter.get("rules") else {
        ctx.error(
            Diagnostic::new(
                "sigma::missing_key",
                "the filter has no `rules`",
                filter.span,
            )
            .with_help("list rule ids or names, or write `rules: any`"),
        );
        return None;
    };
    match &rules.value {
        Yaml::String(s) if s.eq_ignore_ascii_case("any") => Some(FilterTargets::Any),
        Yaml::Seq(items) if items.is_empty() => Some(FilterTargets::Any),
        _ => Some(FilterTargets::Rules(scalar_list(
            ctx,
            rules,
            "filter rules",
        ))),
    }
}

/// pySigma applies a filter as `(rule condition) and (filter condition)`, so the filter's own
/// condition must do the negating (`not selection`).
fn lint_filter(ctx: &mut Ctx<'_>, det: &Detection) {
    use crate::condition::CondExpr;
    for c in &det.conditions {
        let mut has_not = false;
        c.expr
            .walk(|e| has_not |= matches!(e, CondExpr::Not { .. }));
        if !has_not {
            ctx.warn(
                Diagnostic::new("sigma::lint_filter_without_not", "this filter condition has no `not`: it restricts rules instead of suppressing matches", c.span)
                    .with_help("filters are AND-ed onto rules (pySigma); write `condition: not selection` to suppress what the selection matches"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::load_stream;

    fn node(text: &str) -> YamlNode {
        load_stream(text)
            .ok()
            .and_then(|mut d| d.pop().flatten())
            .unwrap_or_else(|| panic!("bad yaml {text}"))
    }

    #[test]
    fn merge_semantics() {
        let cases = [
            (
                "a: 1\nm: {x: 1, y: 2}\n",
                "a: 2\nm: {y: 3, z: 4}\nl: [1]\n",
                "{a: 2, m: {x: 1, y: 3, z: 4}, l: [1]}",
            ),
            ("l: [1, 2]\n", "l: [3]\n", "{l: [3]}"),
            ("m: {x: 1}\n", "m: 5\n", "{m: 5}"),
            ("m: 5\n", "m: {x: 1}\n", "{m: {x: 1}}"),
        ];
        for (dest, src, expected) in cases {
            let mut d = node(dest);
            merge_into(&mut d, &node(src));
            assert_eq!(d.to_string(), expected);
        }
    }
}

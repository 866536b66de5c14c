//! Correlation documents (`correlation:`), per `sigma-correlation-rules-specification.md` v2.1.

use std::fmt;

use trailhound_syntax::{Diagnostic, Span};

use crate::context::Ctx;
use crate::matcher::Spanned;
use crate::number::Number;
use crate::yaml::{Yaml, YamlNode};

/// The correlation types of specification v2.1.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CorrelationType {
    /// `event_count`: number of matching events per group.
    EventCount,
    /// `value_count`: number of distinct values of `field` per group.
    ValueCount,
    /// `temporal`: every referenced rule matched within the timespan (any order).
    Temporal,
    /// `temporal_ordered`: like `temporal`, in the order of `rules`.
    TemporalOrdered,
    /// `value_sum`: sum of `field` per group.
    ValueSum,
    /// `value_avg`: average of `field` per group.
    ValueAvg,
    /// `value_percentile`: the `percentile`-th percentile of `field` per group.
    ValuePercentile,
}

impl CorrelationType {
    fn from_name(s: &str) -> Option<CorrelationType> {
        Some(match s {
            "event_count" => CorrelationType::EventCount,
            "value_count" => CorrelationType::ValueCount,
            "temporal" => CorrelationType::Temporal,
            "temporal_ordered" => CorrelationType::TemporalOrdered,
            "value_sum" => CorrelationType::ValueSum,
            "value_avg" => CorrelationType::ValueAvg,
            "value_percentile" => CorrelationType::ValuePercentile,
            _ => return None,
        })
    }

    /// Whether the type aggregates a `field` (`value_*`).
    pub fn needs_field(self) -> bool {
        matches!(
            self,
            CorrelationType::ValueCount
                | CorrelationType::ValueSum
                | CorrelationType::ValueAvg
                | CorrelationType::ValuePercentile
        )
    }

    /// Whether the type is `temporal` or `temporal_ordered`.
    pub fn is_temporal(self) -> bool {
        matches!(
            self,
            CorrelationType::Temporal | CorrelationType::TemporalOrdered
        )
    }
}

impl fmt::Display for CorrelationType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CorrelationType::EventCount => "event_count",
            CorrelationType::ValueCount => "value_count",
            CorrelationType::Temporal => "temporal",
            CorrelationType::TemporalOrdered => "temporal_ordered",
            CorrelationType::ValueSum => "value_sum",
            CorrelationType::ValueAvg => "value_avg",
            CorrelationType::ValuePercentile => "value_percentile",
        })
    }
}

/// A correlation condition operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CorrOp {
    /// `gt`
    Gt,
    /// `gte`
    Gte,
    /// `lt`
    Lt,
    /// `lte`
    Lte,
    /// `eq`
    Eq,
    /// `neq`
    Neq,
}

impl CorrOp {
    fn from_name(s: &str) -> Option<CorrOp> {
        Some(match s {
            "gt" => CorrOp::Gt,
            "gte" => CorrOp::Gte,
            "lt" => CorrOp::Lt,
            "lte" => CorrOp::Lte,
            "eq" => CorrOp::Eq,
            "neq" => CorrOp::Neq,
            _ => return None,
        })
    }

    fn is_lower_bound(self) -> bool {
        matches!(self, CorrOp::Gt | CorrOp::Gte)
    }

    fn is_upper_bound(self) -> bool {
        matches!(self, CorrOp::Lt | CorrOp::Lte)
    }
}

/// A unit of a [`Timespan`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimeUnit {
    /// `s`
    Second,
    /// `m`
    Minute,
    /// `h`
    Hour,
    /// `d`
    Day,
    /// `w` (pySigma extension)
    Week,
}

/// A duration written `<number><unit>` (`30m`, `1h`): correlation `timespan`, legacy `timeframe`.
#[derive(Clone, Debug, PartialEq)]
pub struct Timespan {
    /// The number.
    pub count: u64,
    /// The unit.
    pub unit: TimeUnit,
    /// Position.
    pub span: Span,
}

impl Timespan {
    /// Parses `Ns`, `Nm`, `Nh`, `Nd` (specification) or `Nw` (pySigma).
    pub fn parse(s: &str, span: Span) -> Result<Timespan, Diagnostic> {
        let bad = || {
            Diagnostic::new(
                "sigma::bad_timespan",
                format!("invalid timespan `{s}`"),
                span,
            )
            .with_help("write a number and a lowercase unit: `30s`, `5m`, `1h`, `7d`")
        };
        let unit = match s.chars().last() {
            Some('s') => TimeUnit::Second,
            Some('m') => TimeUnit::Minute,
            Some('h') => TimeUnit::Hour,
            Some('d') => TimeUnit::Day,
            Some('w') => TimeUnit::Week,
            _ => return Err(bad()),
        };
        // The last character is one of the ASCII unit letters matched above.
        let digits = &s[..s.len() - 1];
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let count: u64 = digits.parse().map_err(|_| bad())?;
        let t = Timespan { count, unit, span };
        if count == 0 || t.seconds().is_none() {
            return Err(bad());
        }
        Ok(t)
    }

    /// The duration in seconds (`None` on overflow).
    pub fn seconds(&self) -> Option<u64> {
        let per = match self.unit {
            TimeUnit::Second => 1,
            TimeUnit::Minute => 60,
            TimeUnit::Hour => 3600,
            TimeUnit::Day => 86_400,
            TimeUnit::Week => 604_800,
        };
        self.count.checked_mul(per)
    }
}

impl fmt::Display for Timespan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let u = match self.unit {
            TimeUnit::Second => 's',
            TimeUnit::Minute => 'm',
            TimeUnit::Hour => 'h',
            TimeUnit::Day => 'd',
            TimeUnit::Week => 'w',
        };
        write!(f, "{}{u}", self.count)
    }
}

/// The `condition` of a correlation.
#[derive(Clone, Debug, PartialEq)]
pub struct CorrelationCondition {
    /// One or two comparisons, AND-linked (two form a range: one lower, one upper bound).
    pub bounds: Vec<(CorrOp, Number)>,
    /// `field`: the aggregated field(s) of `value_*` types (several are AND-linked for
    /// `value_count`: distinct combinations).
    pub fields: Vec<Spanned<String>>,
    /// `percentile` (0–100) for `value_percentile` (pySigma's key; the specification's example
    /// omits it).
    pub percentile: Option<u8>,
    /// `true` when not written: temporal types default to `gte: <number of rules>`.
    pub implicit: bool,
    /// Position.
    pub span: Span,
}

/// `aliases`: one alias name mapped to a field per referenced rule.
#[derive(Clone, Debug, PartialEq)]
pub struct FieldAlias {
    /// The alias (usable in `group-by`).
    pub alias: Spanned<String>,
    /// Rule name → field name in that rule's events.
    pub fields: Vec<(Spanned<String>, Spanned<String>)>,
}

/// The `correlation:` section.
#[derive(Clone, Debug, PartialEq)]
pub struct Correlation {
    /// `type`.
    pub kind: CorrelationType,
    /// `rules`: ids or names of rules or other correlations.
    pub rules: Vec<Spanned<String>>,
    /// `group-by` (empty when absent: one group for all events, as pySigma does).
    pub group_by: Vec<Spanned<String>>,
    /// `timespan`.
    pub timespan: Timespan,
    /// `condition`.
    pub condition: CorrelationCondition,
    /// `aliases`.
    pub aliases: Vec<FieldAlias>,
    /// `generate`: also run the referenced rules on their own (default `false`).
    pub generate: bool,
    /// Position of the section.
    pub span: Span,
}

fn string_list(ctx: &mut Ctx<'_>, node: &YamlNode, what: &str) -> Vec<Spanned<String>> {
    let items: Vec<&YamlNode> = match &node.value {
        Yaml::Seq(items) => items.iter().collect(),
        _ => vec![node],
    };
    let mut out = Vec::new();
    for item in items {
        match (&item.value, item.scalar_text()) {
            (Yaml::Null, _) | (_, None) => ctx.error(Diagnostic::new(
                "sigma::wrong_type",
                format!(
                    "{what} must be a string or a list of strings, not {}",
                    item.kind_name()
                ),
                item.span,
            )),
            (_, Some(t)) => out.push(Spanned::new(t.to_string(), item.span)),
        }
    }
    out
}

const KNOWN_KEYS: [&str; 7] = [
    "type",
    "rules",
    "group-by",
    "timespan",
    "condition",
    "aliases",
    "generate",
];

/// Builds the correlation section of a document.
pub(crate) fn build_correlation(ctx: &mut Ctx<'_>, node: &YamlNode) -> Option<Correlation> {
    let Some(entries) = node.as_map() else {
        ctx.error(Diagnostic::new(
            "sigma::wrong_type",
            format!("`correlation` must be a mapping, not {}", node.kind_name()),
            node.span,
        ));
        return None;
    };
    for (k, _) in entries {
        let name = k.scalar_text().unwrap_or_default();
        if !KNOWN_KEYS.contains(&name) {
            ctx.warn(
                Diagnostic::new(
                    "sigma::lint_unknown_key",
                    format!("unknown correlation key `{name}`"),
                    k.span,
                )
                .with_help(format!("known keys: {}", KNOWN_KEYS.join(", "))),
            );
        }
    }
    let errors_before = ctx.errors.len();
    let kind = match node.get("type") {
        Some(t) => match t.as_str().and_then(CorrelationType::from_name) {
            Some(k) => Some(k),
            None => {
                ctx.error(Diagnostic::new("sigma::unknown_correlation_type", format!("unknown correlation type `{t}`"), t.span)
                    .with_help("one of event_count, value_count, temporal, temporal_ordered, value_sum, value_avg, value_percentile"));
                None
            }
        },
        None => {
            ctx.error(missing("type", node.span));
            None
        }
    };
    let rules = match node.get("rules") {
        Some(r) => string_list(ctx, r, "`rules`"),
        None => {
            ctx.error(missing("rules", node.span));
            Vec::new()
        }
    };
    if node.get("rules").is_some() && rules.is_empty() && ctx.errors.len() == errors_before {
        ctx.error(Diagnostic::new(
            "sigma::correlation",
            "`rules` is empty",
            node.get("rules").map_or(node.span, |r| r.span),
        ));
    }
    let group_by = match node.get("group-by") {
        Some(g) => string_list(ctx, g, "`group-by`"),
        None => {
            ctx.warn(Diagnostic::new("sigma::lint_missing_group_by", "correlation without `group-by`", node.span)
                .with_help("the specification makes `group-by` mandatory; without it all events form one group (pySigma's behaviour)"));
            Vec::new()
        }
    };
    let timespan = match node.get("timespan") {
        Some(t) => match t.scalar_text() {
            Some(s) if !matches!(t.value, Yaml::Null) => ctx.ok(Timespan::parse(s, t.span)),
            _ => {
                ctx.error(Diagnostic::new(
                    "sigma::bad_timespan",
                    "`timespan` must be a string like `5m`",
                    t.span,
                ));
                None
            }
        },
        None => {
            ctx.error(missing("timespan", node.span));
            None
        }
    };
    let generate = match node.get("generate") {
        None => false,
        Some(YamlNode {
            value: Yaml::Bool(b),
            ..
        }) => *b,
        Some(g) => {
            ctx.error(Diagnostic::new(
                "sigma::wrong_type",
                format!("`generate` must be true or false, not {}", g.kind_name()),
                g.span,
            ));
            false
        }
    };
    let aliases = node
        .get("aliases")
        .map(|a| build_aliases(ctx, a))
        .unwrap_or_default();
    let kind = kind?;
    let condition = build_condition(ctx, node, kind, rules.len())?;
    let timespan = timespan?;
    (ctx.errors.len() == errors_before).then_some(Correlation {
        kind,
        rules,
        group_by,
        timespan,
        condition,
        aliases,
        generate,
        span: node.span,
    })
}

fn missing(key: &str, span: Span) -> Diagnostic {
    Diagnostic::new(
        "sigma::missing_key",
        format!("correlation has no `{key}`"),
        span,
    )
}

fn build_aliases(ctx: &mut Ctx<'_>, node: &YamlNode) -> Vec<FieldAlias> {
    let Some(entries) = node.as_map() else {
        ctx.error(Diagnostic::new(
            "sigma::wrong_type",
            "`aliases` must be a mapping of alias → {rule: field}",
            node.span,
        ));
        return Vec::new();
    };
    let mut out = Vec::new();
    for (alias, mapping) in entries {
        let Some(pairs) = mapping.as_map() else {
            ctx.error(Diagnostic::new(
                "sigma::wrong_type",
                "an alias must map rule names to field names",
                mapping.span,
            ));
            continue;
        };
        let mut fields = Vec::new();
        for (rule, field) in pairs {
            match field.scalar_text() {
                Some(f) if !matches!(field.value, Yaml::Null) => fields.push((
                    Spanned::new(
                        rule.scalar_text().unwrap_or_default().to_string(),
                        rule.span,
                    ),
                    Spanned::new(f.to_string(), field.span),
                )),
                _ => ctx.error(Diagnostic::new(
                    "sigma::wrong_type",
                    "an alias field must be a field name",
                    field.span,
                )),
            }
        }
        out.push(FieldAlias {
            alias: Spanned::new(
                alias.scalar_text().unwrap_or_default().to_string(),
                alias.span,
            ),
            fields,
        });
    }
    out
}

fn build_condition(
    ctx: &mut Ctx<'_>,
    node: &YamlNode,
    kind: CorrelationType,
    rule_count: usize,
) -> Option<CorrelationCondition> {
    let Some(cond) = node.get("condition") else {
        if kind.is_temporal() {
            let n = i64::try_from(rule_count).unwrap_or(i64::MAX);
            return Some(CorrelationCondition {
                bounds: vec![(CorrOp::Gte, Number::Int(n))],
                fields: Vec::new(),
                percentile: None,
                implicit: true,
                span: node.span,
            });
        }
        ctx.error(
            missing("condition", node.span)
                .with_help(format!("`{kind}` needs a condition such as `gte: 10`")),
        );
        return None;
    };
    let Some(entries) = cond.as_map() else {
        ctx.error(Diagnostic::new(
            "sigma::correlation_condition",
            "the correlation condition must be a mapping like `{gte: 10}`",
            cond.span,
        ));
        return None;
    };
    let mut bounds: Vec<(CorrOp, Number)> = Vec::new();
    let mut fields = Vec::new();
    let mut percentile = None;
    for (k, v) in entries {
        let name = k.scalar_text().unwrap_or_default();
        if let Some(op) = CorrOp::from_name(name) {
            match &v.value {
                Yaml::Number(n) if n.is_finite() => bounds.push((op, *n)),
                _ => ctx.error(Diagnostic::new(
                    "sigma::correlation_condition",
                    format!("`{name}` needs a number, not {}", v.kind_name()),
                    v.span,
                )),
            }
        } else if name == "field" {
            fields = string_list(ctx, v, "`field`");
        } else if name == "percentile" {
            match &v.value {
                Yaml::Number(n) => match n.as_i64().filter(|p| (0..=100).contains(p)) {
                    // Range-checked to 0..=100 just above.
                    Some(p) => percentile = Some(p as u8),
                    None => ctx.error(Diagnostic::new(
                        "sigma::correlation_condition",
                        "`percentile` must be an integer from 0 to 100",
                        v.span,
                    )),
                },
                _ => ctx.error(Diagnostic::new(
                    "sigma::correlation_condition",
                    "`percentile` must be an integer from 0 to 100",
                    v.span,
                )),
            }
        } else {
            ctx.error(
                Diagnostic::new(
                    "sigma::correlation_condition",
                    format!("unknown condition key `{name}`"),
                    k.span,
                )
                .with_help(
                    "use gt, gte, lt, lte, eq, neq, field (and percentile for value_percentile)",
                ),
            );
        }
    }
    let err = |msg: String, help: &str| {
        Diagnostic::new("sigma::correlation_condition", msg, cond.span).with_help(help.to_string())
    };
    match bounds.as_slice() {
        [] => ctx.error(err(
            "the correlation condition has no comparison".into(),
            "add one of gt, gte, lt, lte, eq, neq",
        )),
        [_] => {}
        [(a, _), (b, _)]
            if (a.is_lower_bound() && b.is_upper_bound())
                || (a.is_upper_bound() && b.is_lower_bound()) => {}
        [_, _] => ctx.error(err(
            "two comparisons must form a range".into(),
            "combine one of gt/gte with one of lt/lte",
        )),
        _ => ctx.error(err(
            "at most two comparisons are allowed".into(),
            "chain correlations for more complex conditions",
        )),
    }
    if kind.needs_field() && fields.is_empty() {
        ctx.error(err(
            format!("`{kind}` needs `field` in its condition"),
            "name the aggregated field: `field: User`",
        ));
    }
    if !kind.needs_field() && !fields.is_empty() {
        ctx.error(err(
            format!("`field` has no meaning for `{kind}`"),
            "only value_* correlations aggregate a field",
        ));
    }
    match (kind, percentile) {
        (CorrelationType::ValuePercentile, None) => ctx.error(err(
            "`value_percentile` needs `percentile` in its condition".into(),
            "pySigma requires it (e.g. `percentile: 95`); the specification's example leaves it implicit",
        )),
        (CorrelationType::ValuePercentile, Some(_)) | (_, None) => {}
        (_, Some(_)) => ctx.error(err(format!("`percentile` has no meaning for `{kind}`"), "only value_percentile uses it")),
    }
    Some(CorrelationCondition {
        bounds,
        fields,
        percentile,
        implicit: false,
        span: cond.span,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timespans() {
        let ok = [
            ("30s", 30),
            ("5m", 300),
            ("1h", 3600),
            ("7d", 604_800),
            ("2w", 1_209_600),
        ];
        for (s, secs) in ok {
            let t = Timespan::parse(s, Span::default()).unwrap_or_else(|d| panic!("{d}"));
            assert_eq!(t.seconds(), Some(secs));
            assert_eq!(t.to_string(), s);
        }
        for bad in [
            "",
            "m",
            "5",
            "5M",
            "1y",
            "-5m",
            "0m",
            "5 m",
            "99999999999999999999d",
        ] {
            assert_eq!(
                Timespan::parse(bad, Span::default()).err().map(|d| d.code),
                Some("sigma::bad_timespan"),
                "{bad:?}"
            );
        }
    }
}

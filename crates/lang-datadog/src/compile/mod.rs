//! Compiling log search queries to the engine's predicate IR ([`compile_query`]).
//!
//! The result is a [`Pred`] over the `datadog` view of CloudTrail events
//! ([`trailhound_event::View::Datadog`]) that implements the crate's *Semantics — Search*
//! section. How each construct becomes IR:
//!
//! | query | predicate |
//! |---|---|
//! | `@f:v` | case-sensitive whole-value text test on the JSON text of scalars; a numeric `v` also equals a JSON number of that value |
//! | `@f:v*`, `@f:v?` | case-sensitive [`Glob`] over the whole value |
//! | `@f:"v*"` | literal text (wildcards in quotes are characters) |
//! | `@f:*` / `-@f:*` | [`Pred::Exists`] and its negation (`null` counts as absent) |
//! | `-x`, `NOT x` | [`Pred::Not`]: true when the field is missing; "no element matches" for arrays |
//! | `@f:(a OR b)`, `@f:(a -b)` | the same boolean structure over single-value tests; equalities are merged into one set test |
//! | `@f:>v`, `@f:[a TO b]` | a custom predicate: numeric when the bounds and the value are numbers, else by code point |
//! | `CIDR(@f, ...)` | [`Test::Cidr`] on text values |
//! | `source:`, `status:`, `service:` | the view's derived reserved attributes |
//! | `key:v` (a tag) | the emulated tag ([`crate::fields::EMULATED_TAGS`]), or never present |
//! | `*:v` | a custom predicate: case-insensitive whole-value test of every attribute leaf |
//! | free text, `message:v`, `host:v` | never true (CloudTrail logs have no message or host), with a warning |
//! | empty query, `*` | always true |

mod custom;

use std::sync::Arc;

use trailhound_engine::{CmpOp, Glob, GlobPart, Pred, Test, TextMode, TextOp};
use trailhound_event::Field;
use trailhound_syntax::Diagnostic;

use crate::fields::{Resolution, resolve_kind};
use crate::search::{CompareOp, Expr, ExprKind, Part, Query, Range, Value, ValueExpr, ValueKind};
use custom::{Bound, FullText, Ordered, Tags, decimal};

/// Numeric query values also match JSON numbers of equal value only below 2^53, where `f64`
/// holds every integer exactly; larger ones (account and key ids) compare as text only.
const MAX_EXACT_INTEGER: f64 = 9_007_199_254_740_992.0;

/// A compiled search query.
#[derive(Clone, Debug)]
pub struct Compiled {
    /// The condition an event must meet.
    pub pred: Pred,
    /// Things worth telling the rule's author: the parser's lint ([`Query::warnings`]) and parts
    /// of the query that can never match CloudTrail events (`datadog::free_text`,
    /// `datadog::absent_field`, `datadog::unknown_tag`). Spans point into the query text.
    pub warnings: Vec<Diagnostic>,
}

/// Compiles a parsed query to a predicate over [`trailhound_event::View::Datadog`].
///
/// Errors (with the span of the offending part): calculated fields (`#name`,
/// `datadog::calculated_field`), `timestamp:` searches, and comparisons or ranges on `*` or `tags`
/// (`datadog::unsupported`).
pub fn compile_query(q: &Query) -> Result<Compiled, Diagnostic> {
    let mut warnings = q.warnings();
    let pred = match &q.expr {
        Some(expr) => compile_expr(expr, &mut warnings)?,
        None => Pred::Const(true),
    };
    Ok(Compiled { pred, warnings })
}

fn compile_expr(e: &Expr, warnings: &mut Vec<Diagnostic>) -> Result<Pred, Diagnostic> {
    Ok(match &e.kind {
        ExprKind::And(items) => Pred::and(
            items
                .iter()
                .map(|i| compile_expr(i, warnings))
                .collect::<Result<_, _>>()?,
        ),
        ExprKind::Or(items) => any_of(
            items
                .iter()
                .map(|i| compile_expr(i, warnings))
                .collect::<Result<_, _>>()?,
        ),
        ExprKind::Not(inner, _) => Pred::negate(compile_expr(inner, warnings)?),
        ExprKind::Group(inner) => compile_expr(inner, warnings)?,
        ExprKind::MatchAll => Pred::Const(true),
        ExprKind::FreeText(_) => {
            warnings.push(
                Diagnostic::new(
                    "datadog::free_text",
                    "free text searches the log message, which CloudTrail logs do not have: \
                     this term never matches",
                    e.span,
                )
                .with_help("search an attribute instead, e.g. `@evt.name:value` or `*:value`"),
            );
            Pred::Const(false)
        }
        ExprKind::Field(field, value) => {
            let target = match resolve_kind(field.kind, &field.name, field.span)? {
                Resolution::Field(f, warning) => {
                    warnings.extend(warning);
                    Target::Field(f)
                }
                Resolution::AllAttributes => Target::AllAttributes,
                Resolution::Tags => Target::Tags,
            };
            compile_value(&target, value)?
        }
        ExprKind::Cidr(cidr) => {
            let field = match resolve_kind(cidr.field.kind, &cidr.field.name, cidr.field.span)? {
                Resolution::Field(f, warning) => {
                    warnings.extend(warning);
                    f
                }
                Resolution::AllAttributes | Resolution::Tags => {
                    return Err(unsupported(e.span, "`CIDR` needs a single attribute"));
                }
            };
            let mut nets = Vec::with_capacity(cidr.blocks.len());
            for block in &cidr.blocks {
                let text = format!("{}/{}", block.addr, block.prefix);
                // The parser validated address and prefix length, so this always parses.
                let net = trailhound_engine::Cidr::parse(&text).ok_or_else(|| {
                    Diagnostic::new(
                        "datadog::invalid_cidr",
                        format!("`{text}` is not a CIDR block"),
                        block.span,
                    )
                })?;
                nets.push(net);
            }
            Pred::Test(field, Test::Cidr(nets))
        }
    })
}

/// What a `field:value` clause tests.
enum Target {
    /// One field.
    Field(Field),
    /// `*`: every attribute, case-insensitively.
    AllAttributes,
    /// The reserved `tags`.
    Tags,
}

fn compile_value(target: &Target, v: &ValueExpr) -> Result<Pred, Diagnostic> {
    Ok(match &v.kind {
        ValueKind::And(items) => Pred::and(
            items
                .iter()
                .map(|i| compile_value(target, i))
                .collect::<Result<_, _>>()?,
        ),
        ValueKind::Or(items) => any_of(
            items
                .iter()
                .map(|i| compile_value(target, i))
                .collect::<Result<_, _>>()?,
        ),
        ValueKind::Not(inner, _) => Pred::negate(compile_value(target, inner)?),
        ValueKind::Group(inner) => compile_value(target, inner)?,
        ValueKind::Match(value) => match target {
            Target::Field(field) => {
                let text = Pred::Test(field.clone(), text_test(value, false));
                match value.as_number().filter(|n| n.abs() < MAX_EXACT_INTEGER) {
                    Some(n) => Pred::or(vec![
                        text,
                        Pred::Test(
                            field.clone(),
                            Test::Num {
                                op: CmpOp::Eq,
                                value: n,
                                parse_text: false,
                            },
                        ),
                    ]),
                    None => text,
                }
            }
            Target::AllAttributes => Pred::Custom(Arc::new(FullText::Test(text_test(value, true)))),
            Target::Tags => Pred::Custom(Arc::new(Tags {
                test: text_test(value, false),
            })),
        },
        ValueKind::Exists => match target {
            Target::Field(field) => Pred::Exists(field.clone()),
            Target::AllAttributes => Pred::Custom(Arc::new(FullText::Any)),
            // Every event carries `source:cloudtrail`.
            Target::Tags => Pred::Const(true),
        },
        ValueKind::Compare(op, value) => {
            let bound = Some(bound(value, matches!(op, CompareOp::Ge | CompareOp::Le)));
            let (lower, upper) = match op {
                CompareOp::Gt | CompareOp::Ge => (bound, None),
                CompareOp::Lt | CompareOp::Le => (None, bound),
            };
            ordered(target, lower, upper, v)?
        }
        ValueKind::Range(Range {
            lower,
            lower_inclusive,
            upper,
            upper_inclusive,
        }) => ordered(
            target,
            lower.as_ref().map(|b| bound(b, *lower_inclusive)),
            upper.as_ref().map(|b| bound(b, *upper_inclusive)),
            v,
        )?,
    })
}

fn ordered(
    target: &Target,
    lower: Option<Bound>,
    upper: Option<Bound>,
    v: &ValueExpr,
) -> Result<Pred, Diagnostic> {
    match target {
        Target::Field(field) => Ok(Pred::Custom(Arc::new(Ordered {
            field: field.clone(),
            lower,
            upper,
        }))),
        Target::AllAttributes | Target::Tags => Err(unsupported(
            v.span,
            "comparisons and ranges need a single attribute",
        )),
    }
}

fn bound(value: &Value, inclusive: bool) -> Bound {
    let text = literal_text(value);
    Bound {
        number: decimal(&text),
        text,
        inclusive,
    }
}

/// The text of a value, wildcards as the characters `*` and `?` (comparisons have none: the
/// parser rejects them, and range bounds are literal).
fn literal_text(value: &Value) -> String {
    let mut out = String::new();
    for part in &value.parts {
        match part {
            Part::Text(t) => out.push_str(t),
            Part::AnyChars => out.push('*'),
            Part::AnyChar => out.push('?'),
        }
    }
    out
}

/// A whole-value text test on scalars (strings, and numbers and booleans by their JSON text).
fn text_test(value: &Value, case_insensitive: bool) -> Test {
    let op = match value.literal() {
        Some(text) => TextOp::Eq(text.into()),
        None => TextOp::Glob(Glob::new(
            value
                .parts
                .iter()
                .map(|p| match p {
                    Part::Text(t) => GlobPart::Lit(t.as_str().into()),
                    Part::AnyChars => GlobPart::Any,
                    Part::AnyChar => GlobPart::One,
                })
                .collect(),
            case_insensitive,
        )),
    };
    Test::text(op, case_insensitive, TextMode::Scalars)
}

/// `a OR b OR ...`, with case-sensitive equalities on one field merged into a set test (so
/// `@evt.name:(A OR B OR C)` is one lookup, and the dispatch index sees every name).
fn any_of(children: Vec<Pred>) -> Pred {
    let mut sets: Vec<(Field, Vec<Box<str>>)> = Vec::new();
    let mut rest = Vec::new();
    for child in flatten_or(children) {
        match child {
            Pred::Test(
                field,
                Test::Text {
                    op: TextOp::Eq(text),
                    case_insensitive: false,
                    mode: TextMode::Scalars,
                },
            ) => match sets.iter_mut().find(|(f, _)| *f == field) {
                Some((_, values)) => values.push(text),
                None => sets.push((field, vec![text])),
            },
            other => rest.push(other),
        }
    }
    let mut out: Vec<Pred> = sets
        .into_iter()
        .map(|(field, mut values)| {
            let op = match values.len() {
                1 => TextOp::Eq(values.pop().unwrap_or_default()),
                _ => TextOp::In(values.into_iter().collect()),
            };
            Pred::Test(field, Test::text(op, false, TextMode::Scalars))
        })
        .collect();
    out.extend(rest);
    Pred::or(out)
}

fn flatten_or(children: Vec<Pred>) -> Vec<Pred> {
    let mut out = Vec::with_capacity(children.len());
    for child in children {
        match child {
            Pred::Or(inner) => out.extend(inner),
            other => out.push(other),
        }
    }
    out
}

fn unsupported(span: trailhound_syntax::Span, message: &str) -> Diagnostic {
    Diagnostic::new("datadog::unsupported", message.to_string(), span)
        .with_help("compare a named attribute, e.g. `@http.status_code:>=400`")
}

#[cfg(test)]
mod tests;

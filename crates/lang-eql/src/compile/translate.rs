//! From a checked condition to the engine IR, leaf by leaf, the way Elasticsearch's EQL
//! `QueryTranslator` splits a condition into index queries and scripts:
//!
//! * **index-query leaves** — a bare field compared with constants (`f == c`, `f < c`,
//!   `f in (..)`, `f : ".."`, `like`, `regex`, `f == null`), `stringContains(f, c)` and
//!   `endsWith(f, c)` (wildcard queries `*c*` / `*c`, the constant *not* escaped), `startsWith(f,
//!   c)` (prefix query), `cidrMatch(f, c..)` (terms query on an `ip` field) — become
//!   [`Pred::Test`]s (or the custom leaves of [`super::leaves`]): true when some indexed value
//!   passes, false on a missing field;
//! * `and` / `or` become [`Pred::and`] / [`Pred::or`]; `not` over an index query is
//!   [`Pred::negate`] (`bool.must_not`: true on a missing field);
//! * every other leaf, and `not` over such a leaf, is one script ([`ScriptPred`]) with
//!   three-valued logic.

use std::sync::Arc;

use trailhound_engine::{Cidr, CmpOp, Pred, Test, TextMode, TextOp};

use super::fields::{EsType, FieldRef};
use super::java;
use super::leaves::{self, DateCmp, IpCmp};
use super::patterns::lucene_wildcard;
use super::script::{SVal, ScriptPred};
use super::typed::TExpr;
use crate::Function;

/// A translated condition: an index query, or a script still to be wrapped.
enum Node {
    Query(Pred),
    Script(TExpr),
}

/// Translates a boolean condition. Errors are the failures Elasticsearch reports when it builds
/// the query (a constant the field's type cannot parse).
pub(crate) fn condition(e: &TExpr) -> Result<Pred, String> {
    Ok(to_pred(node(e)?))
}

/// Checks that a leaf which will become an index query can be built.
pub(crate) fn check_leaf(e: &TExpr) -> Result<(), String> {
    if matches!(e, TExpr::Field(_)) {
        // A bare field is a leaf only in a condition position (`where bool_field`).
        return Ok(());
    }
    match pushdown(e) {
        Some(r) => r.map(|_| ()),
        None => Ok(()),
    }
}

fn to_pred(n: Node) -> Pred {
    match n {
        Node::Query(p) => p,
        Node::Script(e) => {
            let text = e.to_string();
            Pred::Custom(Arc::new(ScriptPred::new(e, text)))
        }
    }
}

fn node(e: &TExpr) -> Result<Node, String> {
    if let Some(leaf) = pushdown(e) {
        return leaf.map(Node::Query);
    }
    Ok(match e {
        TExpr::Lit(SVal::Bool(b)) => Node::Query(Pred::Const(*b)),
        TExpr::Lit(_) => Node::Query(Pred::Const(false)),
        TExpr::And(items) => Node::Query(Pred::and(preds(items)?)),
        TExpr::Or(items) => Node::Query(Pred::or(preds(items)?)),
        TExpr::Not(inner) => match node(inner)? {
            Node::Query(p) => Node::Query(Pred::negate(p)),
            Node::Script(s) => Node::Script(TExpr::Not(Box::new(s))),
        },
        other => Node::Script(other.clone()),
    })
}

fn preds(items: &[TExpr]) -> Result<Vec<Pred>, String> {
    items.iter().map(|i| node(i).map(to_pred)).collect()
}

/// The index query of a leaf that Elasticsearch pushes down, if `e` is one.
fn pushdown(e: &TExpr) -> Option<Result<Pred, String>> {
    match e {
        // A bare boolean field as the condition: `field == true`.
        TExpr::Field(slot) => Some(compare(&slot.field, CmpOp::Eq, &SVal::Bool(true))),
        TExpr::IsNull(inner) => match inner.as_ref() {
            TExpr::Field(slot) => Some(Ok(Pred::negate(leaves::exists(&slot.field)))),
            _ => None,
        },
        TExpr::Cmp(op, l, r) => match (l.as_ref(), r.as_ref()) {
            (TExpr::Field(slot), TExpr::Lit(v)) if *v != SVal::Null => {
                Some(compare(&slot.field, *op, v))
            }
            _ => None,
        },
        TExpr::In(value, list, ci) => match value.as_ref() {
            TExpr::Field(slot) => {
                let mut constants = Vec::with_capacity(list.len());
                for item in list {
                    match item {
                        TExpr::Lit(SVal::Null) => {}
                        TExpr::Lit(v) => constants.push(v),
                        _ => return None,
                    }
                }
                Some(terms(&slot.field, &constants, *ci))
            }
            _ => None,
        },
        TExpr::Match(value, _, patterns) => match value.as_ref() {
            TExpr::Field(slot) => Some(Ok(Pred::or(
                patterns
                    .iter()
                    .map(|(_, m)| leaves::test(&slot.field, m.test()))
                    .collect(),
            ))),
            _ => None,
        },
        TExpr::Call(f, ci, args) => match (f, args.as_slice()) {
            (Function::StringContains, [TExpr::Field(s), TExpr::Lit(c)]) => Some(Ok(wildcard(
                &s.field,
                &format!("*{}*", wildcard_text(c)),
                *ci,
            ))),
            (Function::EndsWith, [TExpr::Field(s), TExpr::Lit(c)]) => Some(Ok(wildcard(
                &s.field,
                &format!("*{}", wildcard_text(c)),
                *ci,
            ))),
            (Function::StartsWith, [TExpr::Field(s), TExpr::Lit(c)]) => Some(match c {
                SVal::Str(p) => Ok(leaves::test(
                    &s.field,
                    Test::text(TextOp::Prefix(p.as_str().into()), *ci, TextMode::Scalars),
                )),
                _ => Err("[prefix] value cannot be null".to_string()),
            }),
            (Function::CidrMatch, [TExpr::Field(s), blocks @ ..])
                if blocks.iter().all(|b| matches!(b, TExpr::Lit(_))) =>
            {
                Some(cidr(&s.field, blocks))
            }
            _ => None,
        },
        _ => None,
    }
}

/// The constant of a pushed-down `stringContains` / `endsWith` as Java concatenates it into
/// the wildcard (`"*" + null + "*"` is `*null*`).
fn wildcard_text(c: &SVal) -> String {
    c.to_java_string().unwrap_or_else(|| "null".into())
}

fn wildcard(f: &Arc<FieldRef>, pattern: &str, ci: bool) -> Pred {
    let glob = lucene_wildcard(pattern, ci);
    leaves::test(f, Test::text(TextOp::Glob(glob), ci, TextMode::Scalars))
}

fn cidr(f: &Arc<FieldRef>, blocks: &[TExpr]) -> Result<Pred, String> {
    let mut nets = Vec::with_capacity(blocks.len());
    for b in blocks {
        match b {
            TExpr::Lit(SVal::Str(s)) => nets.push(
                Cidr::parse(s)
                    .ok_or_else(|| format!("'{s}' is not an IP string literal or CIDR block"))?,
            ),
            _ => return Err("cidrMatch: a CIDR block cannot be null".to_string()),
        }
    }
    Ok(leaves::test(f, Test::Cidr(nets)))
}

/// The text a keyword term query looks for: strings as they are, numbers and booleans as Java
/// prints them (`1`, `1.5`, `true`).
fn term_text(v: &SVal) -> String {
    v.to_java_string().unwrap_or_default()
}

fn number_term(f: &FieldRef, v: &SVal) -> Result<f64, String> {
    match v {
        SVal::Int(i) => Ok(*i as f64),
        SVal::Double(d) => Ok(*d),
        SVal::Str(s) => java::parse_double(s).ok_or_else(|| {
            format!(
                "failed to create query: For input string: \"{s}\" (field [{}] is numeric)",
                f.name
            )
        }),
        other => Err(format!(
            "failed to create query: [{}] is a numeric field, cannot compare it with [{}]",
            f.name,
            term_text(other)
        )),
    }
}

fn bool_term(f: &FieldRef, v: &SVal) -> Result<bool, String> {
    match v {
        SVal::Bool(b) => Ok(*b),
        SVal::Str(s) if s == "true" => Ok(true),
        SVal::Str(s) if s == "false" => Ok(false),
        other => Err(format!(
            "failed to create query: Can't parse boolean value [{}] of field [{}], expected [true] or [false]",
            term_text(other),
            f.name
        )),
    }
}

fn date_term(f: &FieldRef, v: &SVal) -> Result<i64, String> {
    match v {
        SVal::Int(ms) => Ok(*ms),
        SVal::Str(s) if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) => {
            s.parse().map_err(|_| format!("failed to parse date [{s}]"))
        }
        SVal::Str(s) => trailhound_event::time::parse_iso8601(s)
            .map(|t| t.as_millisecond())
            .ok_or_else(|| format!("failed to parse date field [{s}] of [{}]", f.name)),
        other => Err(format!(
            "failed to parse date field [{}] of [{}]",
            term_text(other),
            f.name
        )),
    }
}

/// `field <op> constant` as the term or range query Elasticsearch builds for the field's type.
fn compare(f: &Arc<FieldRef>, op: CmpOp, v: &SVal) -> Result<Pred, String> {
    if op == CmpOp::Ne {
        // `NotEquals` is `must_not` of the term query.
        return compare(f, CmpOp::Eq, v).map(Pred::negate);
    }
    Ok(match f.ty {
        // A raw field has no mapping: numbers compare as numbers, booleans as booleans.
        EsType::Dynamic if matches!(v, SVal::Int(_) | SVal::Double(_)) => leaves::test(
            f,
            Test::Num {
                op,
                value: number_term(f, v)?,
                parse_text: true,
            },
        ),
        EsType::Dynamic if matches!(v, SVal::Bool(_)) && op == CmpOp::Eq => leaves::test(
            f,
            Test::Bool {
                value: bool_term(f, v)?,
                text: true,
            },
        ),
        EsType::Keyword | EsType::Dynamic => {
            let text = term_text(v);
            if op == CmpOp::Eq {
                leaves::test(
                    f,
                    Test::text(TextOp::Eq(text.into()), false, TextMode::Scalars),
                )
            } else {
                leaves::test(
                    f,
                    Test::TextRange {
                        op,
                        bound: text.into(),
                        mode: TextMode::Scalars,
                    },
                )
            }
        }
        EsType::Long | EsType::Double => leaves::test(
            f,
            Test::Num {
                op,
                value: number_term(f, v)?,
                parse_text: true,
            },
        ),
        EsType::Boolean => {
            let bound = bool_term(f, v)?;
            Pred::or(
                [false, true]
                    .into_iter()
                    .filter(|b| leaves::bool_holds(op, *b, bound))
                    .map(|b| {
                        leaves::test(
                            f,
                            Test::Bool {
                                value: b,
                                text: true,
                            },
                        )
                    })
                    .collect(),
            )
        }
        EsType::Date => Pred::Custom(Arc::new(DateCmp {
            field: f.clone(),
            op,
            millis: date_term(f, v)?,
        })),
        EsType::Ip => {
            let text = term_text(v);
            if op == CmpOp::Eq {
                // A term query on an `ip` field accepts an address or a CIDR block.
                let net = Cidr::parse(&text)
                    .ok_or_else(|| format!("'{text}' is not an IP string literal."))?;
                leaves::test(f, Test::Cidr(vec![net]))
            } else {
                let addr = text
                    .trim()
                    .parse()
                    .map_err(|_| format!("'{text}' is not an IP string literal."))?;
                Pred::Custom(Arc::new(IpCmp {
                    field: f.clone(),
                    op,
                    addr,
                }))
            }
        }
        EsType::Text | EsType::Unsupported(_) => {
            return Err(format!(
                "field [{}] of type [{}] cannot be queried",
                f.name,
                f.ty.name()
            ));
        }
    })
}

/// `field in (constants)`: a terms query (`null` candidates were dropped).
fn terms(f: &Arc<FieldRef>, constants: &[&SVal], ci: bool) -> Result<Pred, String> {
    if constants.is_empty() {
        return Ok(Pred::Const(false));
    }
    Ok(match f.ty {
        EsType::Keyword => leaves::test(
            f,
            Test::text(
                TextOp::In(constants.iter().map(|c| term_text(c).into()).collect()),
                ci,
                TextMode::Scalars,
            ),
        ),
        _ if ci => {
            let mut alternatives = Vec::with_capacity(constants.len());
            for c in constants {
                alternatives.push(match c {
                    SVal::Str(s) => leaves::test(
                        f,
                        Test::text(TextOp::Eq(s.as_str().into()), true, TextMode::Scalars),
                    ),
                    other => compare(f, CmpOp::Eq, other)?,
                });
            }
            Pred::or(alternatives)
        }
        _ => {
            let mut alternatives = Vec::with_capacity(constants.len());
            for c in constants {
                alternatives.push(compare(f, CmpOp::Eq, c)?);
            }
            Pred::or(alternatives)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compile::typed::Resolver;
    use trailhound_event::View;

    fn shape(condition: &str) -> String {
        let e = crate::parse_expression(condition).expect("parses");
        let t = Resolver::new(View::ECS).condition(&e).expect("resolves");
        let p = condition_pred(&t);
        describe(&p)
    }

    fn condition_pred(t: &TExpr) -> Pred {
        super::condition(t).expect("translates")
    }

    /// `Q` for an index query leaf, `S` for a script, `G` for an `ignore_above` guard.
    fn describe(p: &Pred) -> String {
        match p {
            Pred::Const(b) => b.to_string(),
            Pred::And(c) => format!(
                "and({})",
                c.iter().map(describe).collect::<Vec<_>>().join(",")
            ),
            Pred::Or(c) => format!(
                "or({})",
                c.iter().map(describe).collect::<Vec<_>>().join(",")
            ),
            Pred::Not(c) => format!("not({})", describe(c)),
            Pred::Test(..) | Pred::Exists(_) => "Q".into(),
            Pred::Custom(c) if format!("{c:?}").starts_with("script(") => "S".into(),
            Pred::Custom(c)
                if format!("{c:?}").starts_with("indexed(") && format!("{c:?}").contains(',') =>
            {
                "Q".into()
            }
            Pred::Custom(c) if format!("{c:?}").starts_with("indexed(") => "G".into(),
            Pred::Custom(_) => "Q".into(),
        }
    }

    #[test]
    fn leaves_become_index_queries_or_scripts() {
        let cases = [
            (r#"event.action == "a""#, "and(Q,G)"),
            (r#"event.action != "a""#, "not(and(Q,G))"),
            (r#"data_stream.dataset == "aws.cloudtrail""#, "Q"),
            (r#"event.type == "info""#, "Q"),
            (
                r#"stringContains(aws.cloudtrail.request_parameters, "x")"#,
                "and(Q,G)",
            ),
            (
                r#"not stringContains(aws.cloudtrail.request_parameters, event.action)"#,
                "S",
            ),
            (
                r#"length(event.action) > 3 and source.ip != null"#,
                "and(S,Q)",
            ),
            (
                r#"not (length(event.action) > 3 or event.action : "a*")"#,
                "not(or(S,and(Q,G)))",
            ),
            ("source.ip == null", "not(Q)"),
            (r#"cidrMatch(source.ip, "10.0.0.0/8")"#, "Q"),
            (r#"endsWith(concat(event.action, "x"), "x")"#, "S"),
            ("aws.cloudtrail.read_only", "Q"),
            (r#"@timestamp > "2020-01-01""#, "Q"),
        ];
        for (input, want) in cases {
            assert_eq!(shape(input), want, "{input}");
        }
    }
}

//! One KQL leaf on one field: `f: v` (Kibana's `is`), `f: *` (`exists`) and `f < v`
//! (`range`), by the field's mapping type. Each rule below names the query Kibana builds
//! (`kbn-es-query/src/kuery/functions/is.ts`, `range.ts`) and what Elasticsearch does with it
//! on that type; the crate's `# Semantics` section numbers are given as §n.

use crate::compile::custom::{DateCmp, FlatKey, Indexed, IpCmp, ip_key};
use crate::compile::date::{self, DateError};
use crate::compile::target::{Kind, Target};
use crate::{Constant, Literal, Piece, RangeOp};
use std::net::IpAddr;
use std::sync::Arc;
use trailhound_engine::{Cidr, CmpOp, Glob, GlobPart, Pred, Test, TextMode, TextOp};
use trailhound_event::javamap;
use trailhound_syntax::{Diagnostic, Span};

/// `f: *` (§7): Kibana's `exists` query. The field has a value Elasticsearch indexed: on keyword
/// fields one no longer than `ignore_above`; on a flattened root any leaf; on a flattened key a
/// leaf at exactly that key; on an object (Elasticsearch retries `f.*`) any field below it.
pub(crate) fn exists(t: &Target) -> Pred {
    match &t.kind {
        Kind::Object(children) => Pred::or(children.iter().map(exists).collect()),
        _ => with_test(t, None),
    }
}

/// `f: v`, `v` not a lone `*` (§5, §6). `field` is where the field name is, for warnings.
pub(crate) fn is(
    t: &Target,
    field: Span,
    lit: &Literal,
    warnings: &mut Vec<Diagnostic>,
) -> Result<Pred, Diagnostic> {
    if lit.constant() == Some(Constant::Null) {
        return Err(Diagnostic::new("kql::null_value", "Elasticsearch rejects `null` as a value to match", lit.span)
            .with_help("to match a missing field write `not f: *`; to match the text null, quote it: `\"null\"`"));
    }
    match &t.kind {
        // Unquoted `true`/`false` are JSON booleans, which a keyword field matches as the text
        // `true`/`false` (§5): the literal's text is the keyword either way.
        Kind::Keyword { split, .. } if lit.is_wildcard() => {
            if *split {
                // Not `keyword` alone in the data view: `query_string` (§6).
                Ok(Pred::or(query_string_terms(lit).into_iter().map(|test| with_test(t, Some(test))).collect()))
            } else {
                // `wildcard` query (§6): whole value, case-sensitive, only `*` is special.
                Ok(with_test(t, Some(glob_test(whole_pattern(lit)))))
            }
        }
        Kind::Keyword { .. } => Ok(keyword_eq(t, &lit.text, lit.span, warnings)),
        // Flattened leaves are keywords (§5); a wildcard is a `query_string` on the key (§6).
        Kind::Flattened { .. } if lit.is_wildcard() => {
            Ok(Pred::or(query_string_terms(lit).into_iter().map(|test| with_test(t, Some(test))).collect()))
        }
        Kind::Flattened { .. } => Ok(with_test(t, Some(Test::eq(&lit.text)))),
        Kind::Object(_) => {
            warnings.push(object_warning(t, field));
            Ok(never(t))
        }
        _ if lit.is_wildcard() => Err(wildcard_error(t, lit.span)),
        Kind::Long | Kind::Double => {
            let value = number(t, lit)?;
            Ok(Pred::Test(t.field.clone(), Test::Num { op: CmpOp::Eq, value, parse_text: true }))
        }
        Kind::Boolean => Ok(Pred::Test(t.field.clone(), Test::Bool { value: boolean(t, lit)?, text: true })),
        Kind::Ip => match networks(&lit.text) {
            Some(nets) => Ok(Pred::Test(t.field.clone(), Test::Cidr(nets))),
            None => Err(Diagnostic::new(
                "kql::invalid_ip",
                format!("`{}` is an ip field and `{}` is not an address or CIDR block", t.name, lit.text),
                lit.span,
            )
            .with_help("Elasticsearch fails the search; write an address (`10.1.2.3`, `2001:db8::1`) or a block (`10.0.0.0/8`)")),
        },
        Kind::Date => {
            let span = date_span(t, lit)?;
            Ok(date_cmp(t, Some((span.lo, true)), Some((span.hi, true))))
        }
        Kind::Unsupported(ty) => Err(unsupported(t, ty, lit.span)),
    }
}

/// `f < v`, `f <= v`, `f > v`, `f >= v` (§8). The bound is the literal's text (a `*` in it is
/// literal, as Kibana sends the text). An unquoted `null` is an open bound, so the range is
/// the field existing.
pub(crate) fn range(
    t: &Target,
    field: Span,
    op: RangeOp,
    lit: &Literal,
    warnings: &mut Vec<Diagnostic>,
) -> Result<Pred, Diagnostic> {
    if lit.constant() == Some(Constant::Null) {
        return Ok(exists(t));
    }
    let cmp = match op {
        RangeOp::Lt => CmpOp::Lt,
        RangeOp::Lte => CmpOp::Le,
        RangeOp::Gt => CmpOp::Gt,
        RangeOp::Gte => CmpOp::Ge,
    };
    match &t.kind {
        // Keyword-like fields compare as strings, by code point (UTF-8 byte order is the same).
        Kind::Keyword { .. } | Kind::Flattened { .. } => {
            let test = Test::TextRange {
                op: cmp,
                bound: lit.text.as_str().into(),
                mode: TextMode::Scalars,
            };
            Ok(with_test(t, Some(test)))
        }
        Kind::Long | Kind::Double => {
            let value = number(t, lit)?;
            Ok(Pred::Test(
                t.field.clone(),
                Test::Num {
                    op: cmp,
                    value,
                    parse_text: true,
                },
            ))
        }
        // `false < true`, as Elasticsearch indexes booleans as 0 and 1.
        Kind::Boolean => {
            let bound = boolean(t, lit)?;
            let cases = [false, true]
                .into_iter()
                .filter(|v| cmp.holds(v.cmp(&bound)))
                .map(|value| Pred::Test(t.field.clone(), Test::Bool { value, text: true }))
                .collect();
            Ok(Pred::or(cases))
        }
        // Missing components round down for `gte`/`lt` and up for `gt`/`lte`.
        Kind::Date => {
            let span = date_span(t, lit)?;
            Ok(match op {
                RangeOp::Lt => date_cmp(t, None, Some((span.lo, false))),
                RangeOp::Lte => date_cmp(t, None, Some((span.hi, true))),
                RangeOp::Gt => date_cmp(t, Some((span.hi, false)), None),
                RangeOp::Gte => date_cmp(t, Some((span.lo, true)), None),
            })
        }
        Kind::Ip => match lit.text.trim().parse::<IpAddr>() {
            Ok(ip) => Ok(Pred::Custom(Arc::new(IpCmp {
                field: t.field.clone(),
                op: cmp,
                bound: ip_key(ip),
            }))),
            Err(_) => Err(Diagnostic::new(
                "kql::invalid_ip",
                format!(
                    "`{}` is an ip field and `{}` is not an address",
                    t.name, lit.text
                ),
                lit.span,
            )
            .with_help(
                "Elasticsearch fails the search; a range bound on an ip field is a single address",
            )),
        },
        Kind::Object(_) => {
            warnings.push(object_warning(t, field));
            Ok(never(t))
        }
        Kind::Unsupported(ty) => Err(unsupported(t, ty, lit.span)),
    }
}

/// Free text against one field (§10, lenient, never an error). Leaves whose document value is
/// text (keyword-like fields, and `ip` and `date` values, which the document holds as strings)
/// match by the keyword rules: exact text, or a wildcard split at whitespace as `query_string`
/// splits it. Numbers and booleans match when the value parses as one. `None` when the field
/// cannot match.
pub(crate) fn free_text(t: &Target, lit: &Literal) -> Option<Pred> {
    match &t.kind {
        Kind::Keyword { .. } | Kind::Flattened { .. } | Kind::Ip | Kind::Date => {
            Some(if lit.is_wildcard() {
                Pred::or(
                    query_string_terms(lit)
                        .into_iter()
                        .map(|test| with_test(t, Some(test)))
                        .collect(),
                )
            } else {
                keyword_eq(t, &lit.text, lit.span, &mut Vec::new())
            })
        }
        _ if lit.is_wildcard() => None,
        Kind::Long | Kind::Double => number(t, lit).ok().map(|value| {
            Pred::Test(
                t.field.clone(),
                Test::Num {
                    op: CmpOp::Eq,
                    value,
                    parse_text: true,
                },
            )
        }),
        Kind::Boolean => boolean(t, lit)
            .ok()
            .map(|value| Pred::Test(t.field.clone(), Test::Bool { value, text: true })),
        Kind::Object(_) | Kind::Unsupported(_) => None,
    }
}

/// A test on a keyword-like field, or its existence when `test` is `None`, with the field's
/// indexing rules: `ignore_above` on keyword fields, exact keys on flattened ones.
fn with_test(t: &Target, test: Option<Test>) -> Pred {
    let plain = |test: Option<Test>| match test {
        Some(test) => Pred::Test(t.field.clone(), test),
        None => Pred::Exists(t.field.clone()),
    };
    match &t.kind {
        Kind::Keyword {
            ignore_above: Some(max),
            multi,
            ..
        } => {
            if *multi {
                Pred::Custom(Arc::new(Indexed {
                    field: t.field.clone(),
                    test,
                    max: *max,
                }))
            } else {
                // One value: the test and the length can be checked apart, which keeps the
                // test visible to the dispatch index.
                let indexed = Pred::Custom(Arc::new(Indexed {
                    field: t.field.clone(),
                    test: None,
                    max: *max,
                }));
                Pred::and(vec![plain(test), indexed])
            }
        }
        Kind::Flattened { root, key } if !key.is_empty() => Pred::Custom(Arc::new(FlatKey {
            root: *root,
            key: key.clone(),
            field: t.field.clone(),
            test,
        })),
        _ => plain(test),
    }
}

/// `term` on a keyword-like field: exact, case-sensitive equality with the text. A value longer
/// than `ignore_above` was never indexed, so the term matches nothing (with a warning); a value
/// equal to a shorter text is short enough, so the test needs no length check.
fn keyword_eq(t: &Target, text: &str, span: Span, warnings: &mut Vec<Diagnostic>) -> Pred {
    match t.kind {
        Kind::Keyword {
            ignore_above: Some(max),
            ..
        } if javamap::java_len(text) > max => {
            warnings.push(
                Diagnostic::new(
                    "kql::above_ignore_above",
                    format!("this value is longer than the {max} characters `{}` indexes: it never matches", t.name),
                    span,
                )
                .with_help("Elasticsearch does not index longer values (`ignore_above`); use a wildcard on a shorter part"),
            );
            Pred::Const(false)
        }
        Kind::Keyword { .. } => Pred::Test(t.field.clone(), Test::eq(text)),
        _ => with_test(t, Some(Test::eq(text))),
    }
}

/// A field that is never present: how a leaf on an object compiles.
fn never(t: &Target) -> Pred {
    Pred::Exists(trailhound_event::Field::Missing(t.name.as_str().into()))
}

fn object_warning(t: &Target, span: Span) -> Diagnostic {
    Diagnostic::new(
        "kql::object_field",
        format!(
            "`{}` is an object, not a field: only `{}: *` can match it",
            t.name, t.name
        ),
        span,
    )
    .with_help(format!("name a field below it, such as `{}.*`", t.name))
}

fn wildcard_error(t: &Target, span: Span) -> Diagnostic {
    let (ty, help) = match t.kind {
        Kind::Ip => ("ip", "use a CIDR block such as `10.0.0.0/8`"),
        Kind::Long | Kind::Double => ("numeric", "use a range such as `f >= 100 and f < 200`"),
        Kind::Boolean => ("boolean", "write `true` or `false`"),
        Kind::Date => (
            "date",
            "use a range such as `f >= 2024-05-01 and f < 2024-06-01`",
        ),
        _ => ("non-keyword", "match the value exactly"),
    };
    Diagnostic::new(
        "kql::wildcard_on_type",
        format!(
            "`{}` is a {ty} field: Elasticsearch fails the search on a wildcard there",
            t.name
        ),
        span,
    )
    .with_help(format!(
        "only keyword and text fields take wildcards; {help}"
    ))
}

fn unsupported(t: &Target, ty: &str, span: Span) -> Diagnostic {
    Diagnostic::new(
        "kql::unsupported_field_type",
        format!(
            "`{}` is a {ty} field, which KQL rules here cannot query",
            t.name
        ),
        span,
    )
}

/// The literal as a number, as Elasticsearch parses the value of a `match` on a numeric field.
fn number(t: &Target, lit: &Literal) -> Result<f64, Diagnostic> {
    lit.text
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|n| n.is_finite())
        .ok_or_else(|| {
            Diagnostic::new(
                "kql::invalid_number",
                format!(
                    "`{}` is a numeric field and `{}` is not a number",
                    t.name, lit.text
                ),
                lit.span,
            )
            .with_help("Elasticsearch fails the search on a value that does not parse as a number")
        })
}

/// An address or CIDR block as the networks [`Test::Cidr`] needs to match what Elasticsearch
/// matches. Elasticsearch keeps every address as IPv6, IPv4 ones mapped into `::ffff:0:0/96`,
/// so an IPv4-mapped IPv6 block is that IPv4 block, and an IPv6 block wide enough to contain
/// all of `::ffff:0:0/96` (such as `::/0`) contains every IPv4 address. `None` when the text
/// is neither an address nor a block.
fn networks(text: &str) -> Option<Vec<Cidr>> {
    let text = text.trim();
    let (addr, len) = match text.split_once('/') {
        Some((addr, len)) => (addr.parse::<IpAddr>().ok()?, Some(len.parse::<u8>().ok()?)),
        None => (text.parse::<IpAddr>().ok()?, None),
    };
    let IpAddr::V6(v6) = addr else {
        return Cidr::parse(text).map(|net| vec![net]);
    };
    let len = len.unwrap_or(128);
    if len > 128 {
        return None;
    }
    match v6.to_ipv4_mapped() {
        Some(v4) if len >= 96 => Cidr::parse(&format!("{v4}/{}", len - 96)).map(|net| vec![net]),
        _ => {
            let mut nets = vec![Cidr::parse(&format!("{v6}/{len}"))?];
            let mask = if len == 0 {
                0
            } else {
                u128::MAX << (128 - u32::from(len))
            };
            if len <= 96 && u128::from(v6) & mask == 0xffff_u128 << 32 & mask {
                nets.extend(Cidr::parse("0.0.0.0/0"));
            }
            Some(nets)
        }
    }
}

/// `true` or `false` (quoted or not), the only values a `boolean` field accepts.
fn boolean(t: &Target, lit: &Literal) -> Result<bool, Diagnostic> {
    match lit.text.as_str() {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(Diagnostic::new(
            "kql::invalid_boolean",
            format!(
                "`{}` is a boolean field and `{}` is neither `true` nor `false`",
                t.name, lit.text
            ),
            lit.span,
        )
        .with_help("Elasticsearch fails the search on any other value (case matters)")),
    }
}

fn date_span(t: &Target, lit: &Literal) -> Result<date::Span, Diagnostic> {
    date::parse_span(&lit.text).map_err(|e| match e {
        DateError::Math => Diagnostic::new(
            "kql::date_math",
            format!("date math in `{}` depends on when the rule runs, which a replay over logs cannot know", lit.text),
            lit.span,
        )
        .with_help("write an absolute date such as `2024-05-01` or `2024-05-01T10:00:00Z`"),
        DateError::Invalid => Diagnostic::new(
            "kql::invalid_date",
            format!("`{}` is a date field and `{}` is not a date", t.name, lit.text),
            lit.span,
        )
        .with_help("write `yyyy-MM-dd`, optionally with `THH:mm:ss`, fractions and a zone, or epoch milliseconds"),
    })
}

fn date_cmp(t: &Target, lo: Option<(i64, bool)>, hi: Option<(i64, bool)>) -> Pred {
    Pred::Custom(Arc::new(DateCmp {
        field: t.field.clone(),
        lo,
        hi,
    }))
}

fn glob_test(parts: Vec<GlobPart>) -> Test {
    Test::text(
        TextOp::Glob(Glob::new(parts, false)),
        false,
        TextMode::Scalars,
    )
}

/// The literal as one wildcard pattern: its live `*`s, everything else literal (`?` included).
fn whole_pattern(lit: &Literal) -> Vec<GlobPart> {
    lit.pieces()
        .into_iter()
        .map(|p| match p {
            Piece::Text(s) => GlobPart::Lit(s.into()),
            Piece::Any => GlobPart::Any,
        })
        .collect()
}

/// How `query_string` reads a wildcard value: split at whitespace into terms joined by `or`;
/// a term with a `*` is a wildcard query, one without is a term query (keyword analysis).
fn query_string_terms(lit: &Literal) -> Vec<Test> {
    let is_space = |c: char| matches!(c, ' ' | '\t' | '\n' | '\r' | '\u{3000}');
    let mut terms: Vec<Vec<GlobPart>> = Vec::new();
    let mut current: Vec<GlobPart> = Vec::new();
    for piece in lit.pieces() {
        match piece {
            Piece::Any => current.push(GlobPart::Any),
            Piece::Text(text) => {
                for (i, word) in text.split(is_space).enumerate() {
                    if i > 0 && !current.is_empty() {
                        terms.push(std::mem::take(&mut current));
                    }
                    if !word.is_empty() {
                        current.push(GlobPart::Lit(word.into()));
                    }
                }
            }
        }
    }
    if !current.is_empty() {
        terms.push(current);
    }
    terms
        .into_iter()
        .map(|parts| {
            if parts.contains(&GlobPart::Any) {
                glob_test(parts)
            } else {
                let text: String = parts
                    .iter()
                    .filter_map(|p| {
                        if let GlobPart::Lit(l) = p {
                            Some(&**l)
                        } else {
                            None
                        }
                    })
                    .collect();
                Test::eq(&text)
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unquoted(text: &str) -> Literal {
        let wildcards = text.match_indices('*').map(|(i, _)| i).collect();
        Literal {
            text: text.into(),
            quoted: false,
            wildcards,
            span: Span::default(),
        }
    }

    fn describe(test: &Test) -> String {
        match test {
            Test::Text {
                op: TextOp::Glob(g),
                ..
            } => format!("glob {g}"),
            Test::Text {
                op: TextOp::Eq(s), ..
            } => format!("eq {s}"),
            other => format!("{other:?}"),
        }
    }

    #[test]
    fn query_string_splits_at_whitespace() {
        let cases: &[(&str, &[&str])] = &[
            ("*S3 Browser*", &["glob *S3", "glob Browser*"]),
            ("a* b c*", &["glob a*", "eq b", "glob c*"]),
            ("*x*", &["glob *x*"]),
            ("a *", &["eq a", "glob *"]),
            ("a?b*", &["glob a\\?b*"]),
        ];
        for (value, want) in cases {
            let got: Vec<String> = query_string_terms(&unquoted(value))
                .iter()
                .map(describe)
                .collect();
            assert_eq!(&got, want, "{value}");
        }
    }

    #[test]
    fn ipv6_blocks_cover_mapped_ipv4() {
        let covers = |block: &str, ip: &str| {
            networks(block).is_some_and(|nets| nets.iter().any(|n| n.contains_text(ip)))
        };
        let cases = [
            ("::/0", "8.8.8.8", true),
            ("::/0", "2001:db8::1", true),
            ("::ffff:0:0/96", "8.8.8.8", true),
            ("::ffff:10.0.0.0/104", "10.1.2.3", true),
            ("::ffff:10.0.0.0/104", "11.1.2.3", false),
            ("::ffff:10.1.2.3", "10.1.2.3", true),
            ("2001:db8::/32", "8.8.8.8", false),
            ("2001:db8::/32", "2001:db8::1", true),
            ("10.0.0.0/8", "10.9.9.9", true),
        ];
        for (block, ip, want) in cases {
            assert_eq!(covers(block, ip), want, "{block} {ip}");
        }
        assert!(networks("::/129").is_none());
        assert!(networks("10.0.0.0/33").is_none());
        assert!(networks("nope").is_none());
    }

    #[test]
    fn whole_patterns_keep_whitespace_and_question_marks() {
        let glob = Glob::new(whole_pattern(&unquoted("*S3 Browser?*")), false);
        assert!(glob.matches("x S3 Browser? y"));
        assert!(!glob.matches("x S3 Browsers y"));
    }
}

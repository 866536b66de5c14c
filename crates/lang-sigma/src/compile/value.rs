//! Detection items to predicates: each [`Matcher`] becomes engine tests on a raw field (or, for
//! keywords, on every value of the record), with the value rules of the crate's `# Semantics`.

use std::sync::Arc;

use trailhound_engine::{Cidr, CmpOp as EngineCmp, Glob, GlobPart, Pred, Test, TextMode, TextOp};
use trailhound_event::{Field, Path, View};
use trailhound_syntax::{Diagnostic, Span};

use super::ValueSemantics;
use super::custom::{FieldRef, KeywordSearch, Presence, PresenceTest, StrictText, TimeTest};
use crate::item::DetectionItem;
use crate::matcher::{CmpOp, Matcher, RegexMatch, StrMatch, StrValue};
use crate::pattern::{Pattern, PatternPart};

/// Resolves a Sigma field name (a dotted path into the raw record).
pub(crate) fn raw_field(name: &str) -> Field {
    View::Raw.resolve(name).field
}

/// Compiles one detection item, `neq` included.
pub(crate) fn compile_item(item: &DetectionItem, sem: ValueSemantics) -> Result<Pred, Diagnostic> {
    let pred = match item.field() {
        None => keyword(item)?,
        Some(name) => field_item(name, &item.matcher, sem)?,
    };
    Ok(if item.negated {
        Pred::negate(pred)
    } else {
        pred
    })
}

fn field_item(name: &str, matcher: &Matcher, sem: ValueSemantics) -> Result<Pred, Diagnostic> {
    let field = raw_field(name);
    let combine = |all: bool, preds: Vec<Pred>| {
        if all {
            Pred::and(preds)
        } else {
            Pred::or(preds)
        }
    };
    Ok(match matcher {
        Matcher::Str(m) => str_match(&field, m, sem)?,
        Matcher::Regex(m) => {
            let tests = regex_groups(m)?;
            let mode = text_mode(sem);
            combine(
                m.all,
                tests
                    .into_iter()
                    .map(|alts| {
                        Pred::or(
                            alts.into_iter()
                                .map(|re| text_pred(&field, re_test(re, mode), sem))
                                .collect(),
                        )
                    })
                    .collect(),
            )
        }
        Matcher::Cidr(m) => {
            let mut nets = Vec::new();
            for n in &m.networks {
                // `IpNet` prints as `addr/prefix`, which `Cidr::parse` reads back.
                let net = Cidr::parse(&n.value.to_string()).ok_or_else(|| {
                    Diagnostic::new(
                        "sigma::bad_cidr",
                        format!("invalid CIDR network `{}`", n.value),
                        n.span,
                    )
                })?;
                nets.push(net);
            }
            if m.all {
                Pred::and(
                    nets.into_iter()
                        .map(|n| Pred::Test(field.clone(), Test::Cidr(vec![n])))
                        .collect(),
                )
            } else {
                Pred::Test(field, Test::Cidr(nets))
            }
        }
        Matcher::NumCmp(m) => combine(
            m.all,
            m.values
                .iter()
                .map(|v| {
                    Pred::Test(
                        field.clone(),
                        Test::Num {
                            op: engine_op(m.op),
                            value: v.value.as_f64(),
                            parse_text: true,
                        },
                    )
                })
                .collect(),
        ),
        Matcher::Time(m) => Pred::Custom(Arc::new(TimeTest {
            field,
            part: m.part,
            op: m.op,
            all: m.all,
            values: m.values.iter().map(|v| v.value).collect(),
        })),
        Matcher::Exists(want) => {
            let present = Pred::Custom(Arc::new(Presence {
                path: Path::parse(name),
                test: PresenceTest::Exists,
            }));
            if *want {
                present
            } else {
                Pred::negate(present)
            }
        }
        Matcher::FieldRef(m) => Pred::Custom(Arc::new(FieldRef {
            field,
            refs: m.fields.iter().map(|f| raw_field(&f.value)).collect(),
            kind: m.kind,
            cased: m.cased,
            all: m.all,
        })),
        Matcher::Null => match sem {
            ValueSemantics::Sigma => Pred::Custom(Arc::new(Presence {
                path: Path::parse(name),
                test: PresenceTest::Null,
            })),
            ValueSemantics::ChainsawCompat => Pred::Test(field, Test::Null),
        },
    })
}

fn engine_op(op: CmpOp) -> EngineCmp {
    match op {
        CmpOp::Lt => EngineCmp::Lt,
        CmpOp::Lte => EngineCmp::Le,
        CmpOp::Gt => EngineCmp::Gt,
        CmpOp::Gte => EngineCmp::Ge,
    }
}

/// Which values have text: objects too (as compact JSON) under Sigma semantics; under the
/// Chainsaw comparison mode [`StrictText`] additionally hides booleans.
fn text_mode(sem: ValueSemantics) -> TextMode {
    match sem {
        ValueSemantics::Sigma => TextMode::Json,
        ValueSemantics::ChainsawCompat => TextMode::Scalars,
    }
}

/// A text test on a field, wrapped so that the Chainsaw mode never coerces booleans.
fn text_pred(field: &Field, test: Test, sem: ValueSemantics) -> Pred {
    match sem {
        ValueSemantics::Sigma => Pred::Test(field.clone(), test),
        ValueSemantics::ChainsawCompat => Pred::Custom(Arc::new(StrictText {
            field: field.clone(),
            test,
        })),
    }
}

fn re_test(re: regex::Regex, mode: TextMode) -> Test {
    Test::Text {
        op: TextOp::Regex(re),
        case_insensitive: false,
        mode,
    }
}

/// Builds every regular expression: one list of alternatives per written value.
fn regex_groups(m: &RegexMatch) -> Result<Vec<Vec<regex::Regex>>, Diagnostic> {
    m.groups
        .iter()
        .map(|g| {
            g.alternatives
                .iter()
                .map(|text| {
                    regex::RegexBuilder::new(text)
                        .case_insensitive(m.flags.ignore_case)
                        .multi_line(m.flags.multi_line)
                        .dot_matches_new_line(m.flags.dot_all)
                        .build()
                        .map_err(|e| {
                            Diagnostic::new(
                                "sigma::bad_regex",
                                format!("the regular expression cannot be compiled: {e}"),
                                g.span,
                            )
                            .with_help("Rust's `regex` crate runs Sigma regular expressions; it has no look-around or backreferences and limits compiled size")
                        })
                })
                .collect()
        })
        .collect()
}

/// `s` as it appears inside a JSON string literal, when that differs from `s`: how a rule's
/// quotes and backslashes look in the JSON text of an object (see the crate's `# Semantics`).
/// Escapes exactly as the compact serialiser does: `"`, `\`, `\b \f \n \r \t`, other control
/// characters as `\u00xx`.
pub(crate) fn json_escaped(s: &str) -> Option<String> {
    if !s.chars().any(|c| c == '"' || c == '\\' || c < ' ') {
        return None;
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if c < ' ' => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    Some(out)
}

/// A Sigma pattern as an engine glob; with `escape`, literals in their JSON-escaped form.
fn glob(p: &Pattern, case_insensitive: bool, escape: bool) -> Result<Glob, String> {
    let mut parts = Vec::with_capacity(p.parts.len());
    for part in &p.parts {
        parts.push(match part {
            PatternPart::Literal(s) if escape => {
                GlobPart::Lit(json_escaped(s).unwrap_or_else(|| s.clone()).into())
            }
            PatternPart::Literal(s) => GlobPart::Lit(s.as_str().into()),
            PatternPart::AnyChars => GlobPart::Any,
            PatternPart::AnyChar => GlobPart::One,
            PatternPart::Placeholder(name) => {
                return Err(format!("placeholder %{name}% was not expanded"));
            }
        });
    }
    Ok(Glob::new(parts, case_insensitive))
}

/// Tests for the string-like alternatives of one field item, OR-linked: exact texts (including
/// the text of unquoted numbers and booleans) gathered into one set test, the rest one test each.
fn alternatives<'a>(
    field: &Field,
    values: impl Iterator<Item = &'a StrValue>,
    case_insensitive: bool,
    sem: ValueSemantics,
) -> Result<Pred, String> {
    let mode = text_mode(sem);
    let text = |op: TextOp| Test::text(op, case_insensitive, mode);
    // The JSON-escaped twin of a needle finds it inside string values of an object's JSON text
    // (Sigma semantics only: Chainsaw gives objects no text).
    let escaped = |s: &str| match sem {
        ValueSemantics::Sigma => json_escaped(s),
        ValueSemantics::ChainsawCompat => None,
    };
    let mut exact: Vec<String> = Vec::new();
    let mut out: Vec<Pred> = Vec::new();
    for v in values {
        match v {
            StrValue::Exact(s) => exact.push(s.clone()),
            StrValue::Contains(s) | StrValue::Prefix(s) | StrValue::Suffix(s) => {
                let make = |needle: String| match v {
                    StrValue::Contains(_) => TextOp::Contains(needle.into()),
                    StrValue::Prefix(_) => TextOp::Prefix(needle.into()),
                    _ => TextOp::Suffix(needle.into()),
                };
                out.push(text_pred(field, text(make(s.clone())), sem));
                if let Some(e) = escaped(s) {
                    out.push(text_pred(field, text(make(e)), sem));
                }
            }
            StrValue::Glob(p) => {
                out.push(text_pred(
                    field,
                    text(TextOp::Glob(glob(p, case_insensitive, false)?)),
                    sem,
                ));
                let needs_escape = p
                    .parts
                    .iter()
                    .any(|part| matches!(part, PatternPart::Literal(s) if escaped(s).is_some()));
                if needs_escape {
                    out.push(text_pred(
                        field,
                        text(TextOp::Glob(glob(p, case_insensitive, true)?)),
                        sem,
                    ));
                }
            }
            StrValue::Number(n) => {
                exact.push(n.to_string());
                out.push(Pred::Test(
                    field.clone(),
                    Test::Num {
                        op: EngineCmp::Eq,
                        value: n.as_f64(),
                        parse_text: false,
                    },
                ));
            }
            StrValue::Bool(b) => match sem {
                ValueSemantics::Sigma => exact.push(b.to_string()),
                ValueSemantics::ChainsawCompat => out.push(Pred::Test(
                    field.clone(),
                    Test::Bool {
                        value: *b,
                        text: false,
                    },
                )),
            },
        }
    }
    let set = match exact.len() {
        0 => None,
        1 => exact.pop().map(|s| TextOp::Eq(s.into())),
        _ => Some(TextOp::In(exact.into_iter().map(Box::from).collect())),
    };
    if let Some(op) = set {
        out.insert(0, text_pred(field, text(op), sem));
    }
    Ok(Pred::or(out))
}

fn str_match(field: &Field, m: &StrMatch, sem: ValueSemantics) -> Result<Pred, Diagnostic> {
    let ci = !m.cased;
    let err = |span: Span| move |msg: String| Diagnostic::new("sigma::bad_value", msg, span);
    if m.all {
        let mut groups = Vec::with_capacity(m.groups.len());
        for g in &m.groups {
            groups.push(alternatives(field, g.alternatives.iter(), ci, sem).map_err(err(g.span))?);
        }
        Ok(Pred::and(groups))
    } else {
        let span = m.groups.first().map_or(Span::default(), |g| g.span);
        alternatives(
            field,
            m.groups.iter().flat_map(|g| g.alternatives.iter()),
            ci,
            sem,
        )
        .map_err(err(span))
    }
}

/// Keyword (field-less) items: every scalar leaf of the record, by text (numbers and booleans
/// included), case-insensitive unless `cased`.
fn keyword(item: &DetectionItem) -> Result<Pred, Diagnostic> {
    let (groups, all) = match &item.matcher {
        Matcher::Str(m) => {
            let mut groups = Vec::with_capacity(m.groups.len());
            for g in &m.groups {
                let mut tests = Vec::with_capacity(g.alternatives.len());
                for v in &g.alternatives {
                    tests.push(
                        keyword_test(v, !m.cased)
                            .map_err(|msg| Diagnostic::new("sigma::bad_value", msg, g.span))?,
                    );
                }
                groups.push(tests);
            }
            (groups, m.all)
        }
        Matcher::Regex(m) => {
            let groups = regex_groups(m)?
                .into_iter()
                .map(|alts| {
                    alts.into_iter()
                        .map(|re| re_test(re, TextMode::Scalars))
                        .collect()
                })
                .collect();
            (groups, m.all)
        }
        // The parser only lets string and regex matchers through without a field.
        _ => {
            return Err(Diagnostic::new(
                "sigma::modifier_combination",
                "this modifier needs a field",
                item.span,
            ));
        }
    };
    Ok(Pred::Custom(Arc::new(KeywordSearch { groups, all })))
}

fn keyword_test(v: &StrValue, ci: bool) -> Result<Test, String> {
    let text = |op: TextOp| Test::text(op, ci, TextMode::Scalars);
    Ok(match v {
        StrValue::Exact(s) => text(TextOp::Eq(s.as_str().into())),
        StrValue::Contains(s) => text(TextOp::Contains(s.as_str().into())),
        StrValue::Prefix(s) => text(TextOp::Prefix(s.as_str().into())),
        StrValue::Suffix(s) => text(TextOp::Suffix(s.as_str().into())),
        StrValue::Glob(p) => text(TextOp::Glob(glob(p, ci, false)?)),
        StrValue::Number(n) => text(TextOp::Contains(n.to_string().into())),
        StrValue::Bool(b) => text(TextOp::Contains(b.to_string().into())),
    })
}

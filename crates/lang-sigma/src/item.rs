//! One detection item (`field|modifiers: value(s)`): modifier validation and value
//! transformation into a [`Matcher`].

use trailhound_syntax::{Diagnostic, Span};

use crate::context::Ctx;
use crate::matcher::{
    CidrMatch, CmpOp, FieldRefMatch, Group, IpNet, Matcher, NumCmp, RefKind, RegexFlags,
    RegexMatch, Spanned, StrMatch, StrValue, TimeMatch,
};
use crate::modifier::{FieldKey, Modifier, ModifierUse, TimePart};
use crate::number::Number;
use crate::pattern::{Pattern, PatternPart};
use crate::transform::{self, ExpandError, Utf16};
use crate::yaml::{Yaml, YamlNode};

/// A field condition or keyword search after modifiers were applied.
#[derive(Clone, Debug, PartialEq)]
pub struct DetectionItem {
    /// The key as written (field and modifier chain).
    pub key: FieldKey,
    /// `|neq`: the item matches when the matcher does not.
    pub negated: bool,
    /// What the field (or, for keywords, any value of the event) is compared with.
    pub matcher: Matcher,
    /// The key and value in the file.
    pub span: Span,
}

impl DetectionItem {
    /// The field, or `None` for a keyword search.
    pub fn field(&self) -> Option<&str> {
        self.key.field.as_deref()
    }
}

/// A value while modifiers are being applied.
#[derive(Clone, Debug)]
enum Work {
    /// A YAML string not yet read as a Sigma string (`re` needs the raw text).
    Str(String),
    Text(Pattern),
    Bytes(Vec<u8>),
    Num(Number),
    Bool(bool),
    Null,
    Regex(String),
    Cidr(IpNet),
    Cmp(CmpOp, Number),
    Time(TimePart, Option<CmpOp>, i64),
    Exists(bool),
    FieldRef(String),
}

impl Work {
    fn describe(&self) -> &'static str {
        match self {
            Work::Str(_) | Work::Text(_) => "a string",
            Work::Bytes(_) => "UTF-16 bytes",
            Work::Num(_) => "a number",
            Work::Bool(_) => "a boolean",
            Work::Null => "null",
            Work::Regex(_) => "a regular expression",
            Work::Cidr(_) => "a CIDR network",
            Work::Cmp(..) => "a numeric comparison",
            Work::Time(..) => "a timestamp part",
            Work::Exists(_) => "an existence test",
            Work::FieldRef(_) => "a field reference",
        }
    }
}

/// Item-wide state accumulated while walking the modifier chain.
#[derive(Default)]
struct State {
    all: bool,
    negated: bool,
    cased: bool,
    regex: Option<RegexFlags>,
    ref_prefix: bool,
    ref_suffix: bool,
    /// An encoding or `windash` ran: placeholders can no longer be expanded.
    transformed: Option<&'static str>,
    expand: bool,
    /// A `base64offset` ran and no `contains` followed yet.
    offset_without_contains: Option<Span>,
}

/// Builds one item from a key and its YAML value.
pub(crate) fn build_item(
    ctx: &mut Ctx<'_>,
    key_node: &YamlNode,
    value: &YamlNode,
) -> Option<DetectionItem> {
    let key_text = key_node.scalar_text().unwrap_or_default();
    let key = ctx.ok(FieldKey::parse(
        key_text,
        key_node.verbatim_start(ctx.source),
        key_node.span,
    ))?;
    let span = key_node.span.to(value.span);
    build(ctx, key, value, span)
}

/// Builds a keyword item (no key) from a plain value or list of values.
pub(crate) fn build_keywords(ctx: &mut Ctx<'_>, value: &YamlNode) -> Option<DetectionItem> {
    let key = FieldKey {
        field: None,
        field_span: Span::at(value.span.start),
        modifiers: Vec::new(),
    };
    build(ctx, key, value, value.span)
}

fn build(ctx: &mut Ctx<'_>, key: FieldKey, value: &YamlNode, span: Span) -> Option<DetectionItem> {
    let values = collect_values(ctx, value, &key)?;
    let mut groups: Vec<(Vec<Work>, &YamlNode)> =
        values.iter().map(|v| (vec![initial(v)], *v)).collect();
    let mut st = State {
        expand: key.has(Modifier::Expand),
        ..State::default()
    };
    let mut seen: Vec<Modifier> = Vec::new();
    for (i, m) in key.modifiers.iter().enumerate() {
        if seen.contains(&m.modifier) && m.modifier != Modifier::Base64 {
            ctx.warn(Diagnostic::new(
                "sigma::lint_duplicate_modifier",
                format!("modifier `{}` is applied twice", m.name),
                m.span,
            ));
        }
        seen.push(m.modifier);
        let before = key.modifiers.get(..i).unwrap_or_default();
        ctx.ok(check_chain(&key, m, before, values.len()))?;
        let opts = ctx.opts;
        for (alts, node) in &mut groups {
            let current = std::mem::take(alts);
            let mut next = Vec::with_capacity(current.len());
            for w in current {
                next.extend(ctx.ok(apply(&opts.placeholders, &mut st, m, w, node.span))?);
            }
            if next.len() > transform::MAX_EXPANSION {
                ctx.error(too_large(m, node.span));
                return None;
            }
            *alts = next;
        }
        if m.modifier == Modifier::Base64Offset
            && !key
                .modifiers
                .iter()
                .skip(i)
                .any(|u| u.modifier == Modifier::Contains)
        {
            st.offset_without_contains = Some(m.span);
        }
    }
    if let Some(at) = st.offset_without_contains {
        ctx.warn(
            Diagnostic::new("sigma::lint_base64offset_without_contains", "`base64offset` without a later `contains`", at)
                .with_help("the encodings omit the bytes that depend on neighbours, so they only match inside a longer value; add `|contains`"),
        );
    }
    if st.all {
        let all_span = key
            .modifiers
            .iter()
            .find(|m| m.modifier == Modifier::All)
            .map_or(span, |m| m.span);
        if !matches!(value.value, Yaml::Seq(_)) || values.len() < 2 {
            ctx.error(
                Diagnostic::new("sigma::all_single_value", "`all` needs a list of at least two values", all_span)
                    .with_help("the specification forbids `all` on a single value; drop `|all` or list the values"),
            );
            return None;
        }
    }
    let matcher = finish(ctx, &key, &st, groups)?;
    lint_values(ctx, &key, &matcher, &values);
    Some(DetectionItem {
        key,
        negated: st.negated,
        matcher,
        span,
    })
}

fn too_large(m: &ModifierUse, span: Span) -> Diagnostic {
    Diagnostic::new(
        "sigma::expansion_too_large",
        format!(
            "`{}` expands this value into more than {} alternatives",
            m.name,
            transform::MAX_EXPANSION
        ),
        span,
    )
}

/// The written values: a scalar, or the scalars of a list. Nulls in lists, nested lists and
/// mappings are errors.
fn collect_values<'n>(
    ctx: &mut Ctx<'_>,
    value: &'n YamlNode,
    key: &FieldKey,
) -> Option<Vec<&'n YamlNode>> {
    match &value.value {
        Yaml::Seq(items) if items.is_empty() => {
            ctx.error(
                Diagnostic::new("sigma::empty_list", "empty list of values", value.span)
                    .with_help("give at least one value"),
            );
            None
        }
        Yaml::Seq(items) => {
            let mut ok = true;
            for item in items {
                let bad = match &item.value {
                    Yaml::Null => Some(
                        Diagnostic::new("sigma::null_in_list", "`null` cannot be part of a list of values", item.span).with_help(
                            "null is its own type; test it in a separate search identifier and combine with `1 of` (specification, Special Field Values)",
                        ),
                    ),
                    Yaml::Seq(_) | Yaml::Map(_) => Some(Diagnostic::new(
                        "sigma::bad_value",
                        format!("a list of values cannot contain {}", item.kind_name()),
                        item.span,
                    )),
                    _ => None,
                };
                if let Some(d) = bad {
                    ctx.error(d);
                    ok = false;
                }
            }
            ok.then(|| items.iter().collect())
        }
        Yaml::Map(_) => {
            let what = key
                .field
                .as_deref()
                .map_or("a keyword".to_string(), |f| format!("field `{f}`"));
            ctx.error(
                Diagnostic::new(
                    "sigma::bad_value",
                    format!("the value of {what} cannot be a mapping"),
                    value.span,
                )
                .with_help("nested fields are written as dotted names: `parent.child: value`"),
            );
            None
        }
        _ => Some(vec![value]),
    }
}

fn initial(v: &YamlNode) -> Work {
    match &v.value {
        Yaml::Null => Work::Null,
        Yaml::Bool(b) => Work::Bool(*b),
        Yaml::Number(n) => Work::Num(*n),
        Yaml::String(s) => Work::Str(s.clone()),
        // Collections were rejected by `collect_values`.
        Yaml::Seq(_) | Yaml::Map(_) => Work::Null,
    }
}

fn bad_combo(m: &ModifierUse, msg: impl Into<String>, help: impl Into<String>) -> Diagnostic {
    Diagnostic::new("sigma::modifier_combination", msg, m.span).with_help(help)
}

/// Checks that do not depend on the values: position in the chain, field presence.
fn check_chain(
    key: &FieldKey,
    m: &ModifierUse,
    before: &[ModifierUse],
    count: usize,
) -> Result<(), Diagnostic> {
    let only_list_mods_before = before
        .iter()
        .all(|b| matches!(b.modifier, Modifier::All | Modifier::Neq));
    let needs_field = matches!(
        m.modifier,
        Modifier::Exists
            | Modifier::FieldRef
            | Modifier::Cidr
            | Modifier::Lt
            | Modifier::Lte
            | Modifier::Gt
            | Modifier::Gte
            | Modifier::Time(_)
    );
    if needs_field && key.field.is_none() {
        return Err(bad_combo(
            m,
            format!("`{}` needs a field", m.name),
            "keyword searches (no field name) take string modifiers only",
        ));
    }
    match m.modifier {
        Modifier::Re | Modifier::Cidr | Modifier::Exists if !only_list_mods_before => {
            Err(bad_combo(
                m,
                format!("`{}` must be the first modifier", m.name),
                "only `all` and `neq` may come before it (pySigma: \"only applicable to unmodified values\")",
            ))
        }
        Modifier::Exists if count != 1 => Err(bad_combo(
            m,
            "`exists` takes a single boolean",
            "write `field|exists: true` or `false`",
        )),
        Modifier::Expand => match before.iter().find(|b| {
            matches!(
                b.modifier,
                Modifier::Windash
                    | Modifier::Base64
                    | Modifier::Base64Offset
                    | Modifier::Utf16
                    | Modifier::Utf16Be
                    | Modifier::Utf16Le
                    | Modifier::FieldRef
                    | Modifier::Cidr
            )
        }) {
            Some(b) => Err(bad_combo(
                m,
                format!("`expand` must come before `{}`", b.name),
                "placeholders are replaced before values are transformed",
            )),
            None => Ok(()),
        },
        _ => Ok(()),
    }
}

fn type_error(m: &ModifierUse, w: &Work) -> Diagnostic {
    let help = match (m.modifier, w) {
        (
            Modifier::Lt | Modifier::Lte | Modifier::Gt | Modifier::Gte | Modifier::Time(_),
            Work::Str(_) | Work::Text(_),
        ) => "write the number without quotes",
        (_, Work::Num(_) | Work::Bool(_)) => "quote the value to match its text: `'123'`",
        (_, Work::Bytes(_)) => "follow a utf16 modifier with `base64` or `base64offset`",
        (_, Work::Regex(_)) => {
            "regular expressions take only `i`, `m`, `s`, `expand`, `all` and `neq` after `re`"
        }
        _ => "see the modifier list in the Sigma specification's modifier appendix",
    };
    Diagnostic::new(
        "sigma::modifier_value_type",
        format!("`{}` cannot be applied to {}", m.name, w.describe()),
        m.span,
    )
    .with_help(help)
}

fn text_of(w: Work, expand: bool) -> Option<Pattern> {
    match w {
        Work::Str(s) => Some(Pattern::parse(&s, expand)),
        Work::Text(p) => Some(p),
        _ => None,
    }
}

/// Pattern for encodings/field references: no wildcards, no unexpanded placeholders.
fn plain_text(m: &ModifierUse, p: &Pattern, span: Span) -> Result<String, Diagnostic> {
    if p.has_placeholders() {
        return Err(bad_combo(
            m,
            format!("`expand` must come before `{}`", m.name),
            "placeholders are replaced before values are transformed",
        ));
    }
    p.as_literal().ok_or_else(|| {
        Diagnostic::new(
            "sigma::wildcard_not_allowed",
            format!("`{}` cannot be applied to a value with wildcards", m.name),
            span,
        )
        .with_help("escape `*` and `?` with a backslash to mean them literally")
    })
}

fn apply(
    placeholders: &std::collections::BTreeMap<String, Vec<String>>,
    st: &mut State,
    m: &ModifierUse,
    w: Work,
    span: Span,
) -> Result<Vec<Work>, Diagnostic> {
    let one = |w: Work| Ok(vec![w]);
    match m.modifier {
        Modifier::All => {
            st.all = true;
            one(w)
        }
        Modifier::Neq => {
            st.negated = true;
            one(w)
        }
        Modifier::Contains | Modifier::StartsWith | Modifier::EndsWith => {
            let (head, tail) = match m.modifier {
                Modifier::Contains => (true, true),
                Modifier::StartsWith => (false, true),
                _ => (true, false),
            };
            match w {
                Work::Str(_) | Work::Text(_) => {
                    let p = text_of(w, st.expand).unwrap_or_default();
                    let mut out = Pattern {
                        parts: Vec::new(),
                        expand: p.expand,
                    };
                    if head && !p.starts_with_any() {
                        out.push(PatternPart::AnyChars);
                    }
                    out.extend(&p);
                    if tail && !p.ends_with_any() {
                        out.push(PatternPart::AnyChars);
                    }
                    one(Work::Text(out))
                }
                Work::FieldRef(_) => {
                    st.ref_prefix |= tail;
                    st.ref_suffix |= head;
                    one(w)
                }
                // Regular expressions are searched unanchored: pySigma's `.*` padding changes nothing.
                Work::Regex(_) => one(w),
                w => Err(type_error(m, &w)),
            }
        }
        Modifier::Cased => match w {
            Work::Str(_) | Work::Text(_) | Work::FieldRef(_) => {
                st.cased = true;
                one(w)
            }
            w => Err(type_error(m, &w)),
        },
        Modifier::Windash => match w {
            Work::Str(_) | Work::Text(_) => {
                let p = text_of(w, st.expand).unwrap_or_default();
                if p.has_placeholders() {
                    return Err(bad_combo(
                        m,
                        "`expand` must come before `windash`",
                        "placeholders are replaced before values are transformed",
                    ));
                }
                st.transformed = Some("windash");
                let variants = transform::windash(&p).ok_or_else(|| too_large(m, span))?;
                Ok(variants.into_iter().map(Work::Text).collect())
            }
            w => Err(type_error(m, &w)),
        },
        Modifier::Re => {
            st.regex = Some(RegexFlags::default());
            match w {
                Work::Str(s) => one(Work::Regex(s)),
                Work::Num(n) => one(Work::Regex(n.to_string())),
                Work::Bool(b) => one(Work::Regex(b.to_string())),
                w => Err(type_error(m, &w)),
            }
        }
        Modifier::ReI | Modifier::ReM | Modifier::ReS => {
            let Some(flags) = st.regex.as_mut() else {
                return Err(bad_combo(
                    m,
                    format!("`{}` is a flag of `re`", m.name),
                    format!("write `field|re|{}`", m.name),
                ));
            };
            match m.modifier {
                Modifier::ReI => flags.ignore_case = true,
                Modifier::ReM => flags.multi_line = true,
                _ => flags.dot_all = true,
            }
            one(w)
        }
        Modifier::Base64 | Modifier::Base64Offset => {
            let bytes = match w {
                Work::Bytes(b) => b,
                Work::Str(_) | Work::Text(_) => {
                    let p = text_of(w, st.expand).unwrap_or_default();
                    plain_text(m, &p, span)?.into_bytes()
                }
                w => return Err(type_error(m, &w)),
            };
            st.transformed = Some("base64");
            if m.modifier == Modifier::Base64 {
                return one(Work::Text(Pattern::literal(&transform::base64(&bytes))));
            }
            let variants = transform::base64offset(&bytes).ok_or_else(|| {
                Diagnostic::new(
                    "sigma::modifier_value_type",
                    "value too short for `base64offset`",
                    span,
                )
                .with_help(
                    "at least one encoding would be empty; use a value of three or more bytes",
                )
            })?;
            Ok(variants
                .iter()
                .map(|v| Work::Text(Pattern::literal(v)))
                .collect())
        }
        Modifier::Utf16Le | Modifier::Utf16Be | Modifier::Utf16 => match w {
            Work::Str(_) | Work::Text(_) => {
                let p = text_of(w, st.expand).unwrap_or_default();
                let text = plain_text(m, &p, span)?;
                let kind = match m.modifier {
                    Modifier::Utf16Le => Utf16::Le,
                    Modifier::Utf16Be => Utf16::Be,
                    _ => Utf16::LeBom,
                };
                st.transformed = Some("utf16");
                one(Work::Bytes(transform::utf16(&text, kind)))
            }
            w => Err(type_error(m, &w)),
        },
        Modifier::Lt | Modifier::Lte | Modifier::Gt | Modifier::Gte => {
            let op = match m.modifier {
                Modifier::Lt => CmpOp::Lt,
                Modifier::Lte => CmpOp::Lte,
                Modifier::Gt => CmpOp::Gt,
                _ => CmpOp::Gte,
            };
            match w {
                Work::Num(n) if n.is_finite() => one(Work::Cmp(op, n)),
                Work::Time(part, None, v) => one(Work::Time(part, Some(op), v)),
                w => Err(type_error(m, &w)),
            }
        }
        Modifier::Time(part) => match w {
            Work::Num(n) => {
                let (lo, hi) = part.range();
                match n.as_i64() {
                    Some(v) if (lo..=hi).contains(&v) => one(Work::Time(part, None, v)),
                    _ => Err(Diagnostic::new(
                        "sigma::bad_time_value",
                        format!("`{}` takes an integer from {lo} to {hi}", m.name),
                        span,
                    )),
                }
            }
            w => Err(type_error(m, &w)),
        },
        Modifier::Cidr => match w {
            Work::Str(s) => IpNet::parse(&s).map(|n| vec![Work::Cidr(n)]).map_err(|e| {
                Diagnostic::new(
                    "sigma::bad_cidr",
                    format!("invalid CIDR network: {e}"),
                    span,
                )
            }),
            w => Err(type_error(m, &w)),
        },
        Modifier::Exists => match w {
            Work::Bool(b) => one(Work::Exists(b)),
            w => Err(Diagnostic::new(
                "sigma::modifier_value_type",
                format!("`exists` takes true or false, not {}", w.describe()),
                span,
            )
            .with_help("write `true` or `false` without quotes")),
        },
        Modifier::Expand => match w {
            Work::Str(_) | Work::Text(_) => {
                let p = text_of(w, true).unwrap_or_default();
                let out =
                    transform::expand(&p, placeholders).map_err(|e| expand_error(e, m, span))?;
                Ok(out.into_iter().map(Work::Text).collect())
            }
            Work::Regex(r) => {
                let out = transform::expand_regex(&r, placeholders)
                    .map_err(|e| expand_error(e, m, span))?;
                Ok(out.into_iter().map(Work::Regex).collect())
            }
            w => Err(type_error(m, &w)),
        },
        Modifier::FieldRef => match w {
            Work::Str(_) | Work::Text(_) => {
                let p = text_of(w, st.expand).unwrap_or_default();
                let name = plain_text(m, &p, span)?;
                one(Work::FieldRef(name))
            }
            w => Err(type_error(m, &w)),
        },
    }
}

fn expand_error(e: ExpandError, m: &ModifierUse, span: Span) -> Diagnostic {
    match e {
        ExpandError::Missing(name) => Diagnostic::new("sigma::missing_placeholder", format!("placeholder %{name}% has no value"), span)
            .with_help(format!(
                "supply it with `placeholders: {{{name}: [...]}}` in a field-mapping pipeline file (or LoadOptions::placeholders); the specification requires rejecting rules whose placeholders cannot be handled"
            )),
        ExpandError::TooLarge => too_large(m, span),
    }
}

/// Converts the transformed values into the item's matcher.
fn finish(
    ctx: &mut Ctx<'_>,
    key: &FieldKey,
    st: &State,
    groups: Vec<(Vec<Work>, &YamlNode)>,
) -> Option<Matcher> {
    let keyword = key.field.is_none();
    let first = groups.first().and_then(|(alts, _)| alts.first()).cloned()?;
    let null_modifiers = key
        .modifiers
        .iter()
        .find(|m| !matches!(m.modifier, Modifier::Neq | Modifier::All));
    match first {
        Work::Null => {
            if let Some(m) = null_modifiers {
                ctx.error(Diagnostic::new(
                    "sigma::modifier_value_type",
                    format!("`{}` cannot be applied to null", m.name),
                    m.span,
                ));
                return None;
            }
            if keyword {
                ctx.error(Diagnostic::new(
                    "sigma::bad_value",
                    "a keyword search cannot be null",
                    groups.first().map_or(key.field_span, |g| g.1.span),
                ));
                return None;
            }
            Some(Matcher::Null)
        }
        Work::Exists(b) => Some(Matcher::Exists(b)),
        Work::Bytes(_) => {
            let m = key.modifiers.iter().rev().find(|m| {
                matches!(
                    m.modifier,
                    Modifier::Utf16 | Modifier::Utf16Be | Modifier::Utf16Le
                )
            });
            ctx.error(
                Diagnostic::new(
                    "sigma::modifier_combination",
                    format!(
                        "`{}` produces bytes that are not text",
                        m.map_or("utf16", |m| m.name.as_str())
                    ),
                    m.map_or(key.field_span, |m| m.span),
                )
                .with_help(
                    "UTF-16 modifiers are used with Base64: write `|utf16le|base64offset|contains`",
                ),
            );
            None
        }
        Work::Regex(_) => {
            let flags = st.regex.unwrap_or_default();
            let mut out = Vec::new();
            for (alts, node) in groups {
                let mut res = Vec::new();
                for w in alts {
                    if let Work::Regex(r) = w {
                        if let Err(e) = check_regex(&r, flags) {
                            ctx.error(Diagnostic::new(
                                "sigma::bad_regex",
                                format!("invalid regular expression: {e}"),
                                node.span,
                            ));
                            return None;
                        }
                        res.push(r);
                    }
                }
                out.push(Group {
                    alternatives: res,
                    span: node.span,
                });
            }
            Some(Matcher::Regex(RegexMatch {
                flags,
                all: st.all,
                groups: out,
            }))
        }
        Work::Cidr(_) => Some(Matcher::Cidr(CidrMatch {
            all: st.all,
            networks: flat(groups, |w| match w {
                Work::Cidr(n) => Some(n),
                _ => None,
            }),
        })),
        Work::Cmp(op, _) => Some(Matcher::NumCmp(NumCmp {
            op,
            all: st.all,
            values: flat(groups, |w| match w {
                Work::Cmp(_, n) => Some(n),
                _ => None,
            }),
        })),
        Work::Time(part, op, _) => Some(Matcher::Time(TimeMatch {
            part,
            op,
            all: st.all,
            values: flat(groups, |w| match w {
                Work::Time(_, _, v) => Some(v),
                _ => None,
            }),
        })),
        Work::FieldRef(_) => {
            let kind = match (st.ref_prefix, st.ref_suffix) {
                (true, true) => RefKind::Contains,
                (true, false) => RefKind::Prefix,
                (false, true) => RefKind::Suffix,
                (false, false) => RefKind::Equals,
            };
            Some(Matcher::FieldRef(FieldRefMatch {
                kind,
                cased: st.cased,
                all: st.all,
                fields: flat(groups, |w| match w {
                    Work::FieldRef(f) => Some(f),
                    _ => None,
                }),
            }))
        }
        Work::Str(_) | Work::Text(_) | Work::Num(_) | Work::Bool(_) => {
            let mut out = Vec::new();
            for (alts, node) in groups {
                let mut res = Vec::new();
                for w in alts {
                    let v = match w {
                        Work::Num(n) if !n.is_finite() => {
                            ctx.error(Diagnostic::new(
                                "sigma::bad_value",
                                "infinite or NaN numbers cannot be matched",
                                node.span,
                            ));
                            return None;
                        }
                        Work::Num(n) if keyword => {
                            StrValue::classify(implicit_contains(Pattern::literal(&n.to_string())))
                        }
                        Work::Bool(b) if keyword => {
                            StrValue::classify(implicit_contains(Pattern::literal(&b.to_string())))
                        }
                        Work::Num(n) => StrValue::Number(n),
                        Work::Bool(b) => StrValue::Bool(b),
                        Work::Str(_) | Work::Text(_) => {
                            let p = text_of(w, st.expand).unwrap_or_default();
                            StrValue::classify(if keyword { implicit_contains(p) } else { p })
                        }
                        Work::Null => {
                            ctx.error(Diagnostic::new(
                                "sigma::null_in_list",
                                "`null` cannot be part of a list of values",
                                node.span,
                            ));
                            return None;
                        }
                        other => {
                            ctx.error(Diagnostic::new(
                                "sigma::bad_value",
                                format!("unexpected {} among string values", other.describe()),
                                node.span,
                            ));
                            return None;
                        }
                    };
                    res.push(v);
                }
                out.push(Group {
                    alternatives: res,
                    span: node.span,
                });
            }
            Some(Matcher::Str(StrMatch {
                cased: st.cased,
                all: st.all,
                groups: out,
            }))
        }
    }
}

/// Keyword values are searched inside event values: `*value*`.
fn implicit_contains(p: Pattern) -> Pattern {
    let mut out = Pattern {
        parts: Vec::new(),
        expand: p.expand,
    };
    out.push(PatternPart::AnyChars);
    out.extend(&p);
    out.push(PatternPart::AnyChars);
    out
}

fn flat<T>(
    groups: Vec<(Vec<Work>, &YamlNode)>,
    pick: impl Fn(Work) -> Option<T>,
) -> Vec<Spanned<T>> {
    groups
        .into_iter()
        .flat_map(|(alts, node)| {
            alts.into_iter()
                .filter_map(&pick)
                .map(move |v| Spanned::new(v, node.span))
        })
        .collect()
}

fn check_regex(re: &str, flags: RegexFlags) -> Result<(), String> {
    regex_syntax::ParserBuilder::new()
        .case_insensitive(flags.ignore_case)
        .multi_line(flags.multi_line)
        .dot_matches_new_line(flags.dot_all)
        .nest_limit(256)
        .build()
        .parse(re)
        .map(|_| ())
        .map_err(|e| match e {
            regex_syntax::Error::Parse(p) => p.kind().to_string(),
            regex_syntax::Error::Translate(t) => t.kind().to_string(),
            other => other.to_string(),
        })
}

/// Warnings about values that are legal but probably not what the author meant.
fn lint_values(ctx: &mut Ctx<'_>, key: &FieldKey, matcher: &Matcher, values: &[&YamlNode]) {
    for v in values {
        if let (true, Some(text)) = (v.plain, v.as_str())
            && ["yes", "no", "on", "off", "y", "n"].contains(&text.to_ascii_lowercase().as_str())
        {
            ctx.warn(
                Diagnostic::new(
                    "sigma::lint_yaml11_bool",
                    format!("unquoted `{text}` is a string here but a boolean in YAML 1.1 tools"),
                    v.span,
                )
                .with_help(format!(
                    "pySigma (PyYAML) reads it as a boolean; write '{text}' to be unambiguous"
                )),
            );
        }
    }
    if let Matcher::Str(sm) = matcher {
        for g in &sm.groups {
            let looks_like_path = g.alternatives.iter().any(|a| match a {
                StrValue::Exact(s)
                | StrValue::Contains(s)
                | StrValue::Prefix(s)
                | StrValue::Suffix(s) => looks_like_field_path(s),
                _ => false,
            });
            if looks_like_path && key.field.is_some() {
                ctx.warn(
                    Diagnostic::new(
                        "sigma::lint_value_looks_like_field",
                        "this value looks like a field name but is matched as literal text",
                        g.span,
                    )
                    .with_help("to compare with another field of the event, use `|fieldref`"),
                );
            }
        }
        let wild = sm.groups.iter().all(|g| {
            g.alternatives.iter().all(|a| {
                matches!(
                    a,
                    StrValue::Exact(_) | StrValue::Number(_) | StrValue::Bool(_)
                )
            })
        });
        if sm.all && key.field.is_some() && wild {
            ctx.warn(
                Diagnostic::new("sigma::lint_all_without_contains", "`all` with exact values can only match array fields", key.field_span)
                    .with_help("a single value cannot equal two different values; did you mean `|contains|all`?"),
            );
        }
    }
}

/// A dotted path whose first segment is camelCase (`responseElements.accessKey.userName`), unlike
/// host names (`iam.amazonaws.com`).
fn looks_like_field_path(s: &str) -> bool {
    let segments: Vec<&str> = s.split('.').collect();
    let ident = |seg: &str| {
        let mut cs = seg.chars();
        cs.next().is_some_and(|c| c.is_ascii_alphabetic())
            && cs.all(|c| c.is_ascii_alphanumeric() || c == '_')
    };
    let camel = |seg: &str| {
        seg.starts_with(|c: char| c.is_ascii_lowercase())
            && seg.chars().any(|c| c.is_ascii_uppercase())
    };
    segments.len() >= 2
        && segments.iter().all(|s| ident(s))
        && segments.first().is_some_and(|s| camel(s))
}

#[cfg(test)]
mod tests;

//! YAML loading into a small node tree whose every node carries a byte-offset [`Span`].
//!
//! `saphyr-parser` reports positions in characters; this module converts them to byte offsets
//! into the original text so that [`Diagnostic`]s point at the right `line:column`. Scalars are
//! resolved with the YAML 1.2 core schema (the Sigma specification names YAML 1.2). Duplicate
//! mapping keys are rejected (as pySigma's loader does), nesting is capped, and alias expansion
//! is budgeted so that a "billion laughs" document cannot exhaust memory.

use std::collections::HashMap;
use std::fmt;

use saphyr_parser::{Event, Parser, ScalarStyle};
use trailhound_syntax::{Diagnostic, LineCol, Span};

use crate::number::Number;

/// Deepest nesting of sequences and mappings accepted in a document.
pub const MAX_YAML_DEPTH: usize = 256;

/// Most nodes that alias expansion may copy in one stream.
const ALIAS_BUDGET: usize = 100_000;

/// A YAML value with the span of its source text.
#[derive(Clone, Debug, PartialEq)]
pub struct YamlNode {
    /// The resolved value.
    pub value: Yaml,
    /// Where the node is in the source (quotes included for quoted scalars).
    pub span: Span,
    /// For scalars: the scalar's text before type resolution (`"0x10"`, `"yes"`, `"~"`).
    pub text: Option<String>,
    /// For scalars: whether it was written plain (unquoted, not a block scalar).
    pub plain: bool,
}

/// A YAML value, resolved with the YAML 1.2 core schema.
#[derive(Clone, Debug, PartialEq)]
pub enum Yaml {
    /// `null`, `~`, or nothing.
    Null,
    /// `true` / `false` (any of `true`, `True`, `TRUE`).
    Bool(bool),
    /// An integer or float.
    Number(Number),
    /// Any other scalar.
    String(String),
    /// A sequence.
    Seq(Vec<YamlNode>),
    /// A mapping, in document order. Keys are unique.
    Map(Vec<(YamlNode, YamlNode)>),
}

impl YamlNode {
    /// The scalar text for strings, numbers, booleans and nulls (`None` for collections).
    pub fn scalar_text(&self) -> Option<&str> {
        self.text.as_deref()
    }

    /// The string value, if this is a string scalar.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Yaml::String(s) => Some(s),
            _ => None,
        }
    }

    /// The entries, if this is a mapping.
    pub fn as_map(&self) -> Option<&[(YamlNode, YamlNode)]> {
        match &self.value {
            Yaml::Map(m) => Some(m),
            _ => None,
        }
    }

    /// The value under `key` in a mapping.
    pub fn get(&self, key: &str) -> Option<&YamlNode> {
        self.as_map()?
            .iter()
            .find(|(k, _)| k.scalar_text() == Some(key))
            .map(|(_, v)| v)
    }

    /// A short name of the node's kind, for messages.
    pub fn kind_name(&self) -> &'static str {
        match &self.value {
            Yaml::Null => "null",
            Yaml::Bool(_) => "a boolean",
            Yaml::Number(_) => "a number",
            Yaml::String(_) => "a string",
            Yaml::Seq(_) => "a list",
            Yaml::Map(_) => "a mapping",
        }
    }

    /// Byte offset in `source` where the scalar's text starts, when the source holds the text
    /// verbatim (plain, or quoted without escapes); used to point inside values and conditions.
    pub(crate) fn verbatim_start(&self, source: &str) -> Option<usize> {
        let text = self.scalar_text()?;
        let raw = source.get(self.span.range())?;
        if raw == text {
            return Some(self.span.start);
        }
        let inner = raw.get(1..raw.len().checked_sub(1)?)?;
        let quoted = (raw.starts_with('\'') && raw.ends_with('\'') && !inner.contains('\''))
            || (raw.starts_with('"') && raw.ends_with('"') && !inner.contains('\\'));
        (quoted && inner == text).then_some(self.span.start + 1)
    }
}

impl fmt::Display for YamlNode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.value {
            Yaml::Seq(items) => {
                f.write_str("[")?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{item}")?;
                }
                f.write_str("]")
            }
            Yaml::Map(entries) => {
                f.write_str("{")?;
                for (i, (k, v)) in entries.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{}: {v}", k.text.as_deref().unwrap_or_default())?;
                }
                f.write_str("}")
            }
            Yaml::String(s) => write!(f, "'{}'", s.replace('\'', "''")),
            _ => f.write_str(self.text.as_deref().unwrap_or("null")),
        }
    }
}

/// Converts saphyr's character indices to byte offsets.
struct Offsets {
    /// Byte offset of each character, plus the text length; empty for ASCII text (identity).
    table: Vec<usize>,
    len: usize,
}

impl Offsets {
    fn new(text: &str) -> Offsets {
        let table = if text.is_ascii() {
            Vec::new()
        } else {
            text.char_indices()
                .map(|(i, _)| i)
                .chain(std::iter::once(text.len()))
                .collect()
        };
        Offsets {
            table,
            len: text.len(),
        }
    }

    fn byte(&self, char_index: usize) -> usize {
        if self.table.is_empty() {
            char_index.min(self.len)
        } else {
            self.table.get(char_index).copied().unwrap_or(self.len)
        }
    }

    fn span(&self, s: saphyr_parser::Span) -> Span {
        Span::new(self.byte(s.start.index()), self.byte(s.end.index()))
    }
}

/// A collection being built from events.
enum Frame {
    Seq {
        items: Vec<YamlNode>,
        start: usize,
        anchor: usize,
    },
    Map {
        entries: Vec<(YamlNode, YamlNode)>,
        key: Option<YamlNode>,
        start: usize,
        anchor: usize,
    },
}

/// Parses every document of a YAML stream. Empty documents (`---` with nothing after it) are
/// returned as `None` so that callers can skip them.
pub fn load_stream(text: &str) -> Result<Vec<Option<YamlNode>>, Diagnostic> {
    let offsets = Offsets::new(text);
    let mut docs = Vec::new();
    let mut stack: Vec<Frame> = Vec::new();
    let mut root: Option<YamlNode> = None;
    let mut anchors: HashMap<usize, YamlNode> = HashMap::new();
    let mut budget = ALIAS_BUDGET;
    for event in Parser::new_from_str(text) {
        let (event, yspan) = event.map_err(|e| {
            let at = offsets.byte(e.marker().index());
            Diagnostic::new(
                "sigma::yaml",
                format!("invalid YAML: {}", e.info()),
                Span::at(at),
            )
        })?;
        let span = offsets.span(yspan);
        let node = match event {
            Event::StreamStart | Event::StreamEnd | Event::Nothing => continue,
            Event::DocumentStart(_) => {
                anchors.clear();
                root = None;
                continue;
            }
            Event::DocumentEnd => {
                docs.push(root.take().filter(|n| !matches!(n.value, Yaml::Null)));
                continue;
            }
            Event::SequenceStart(anchor, tag) => {
                check_tag(tag.as_deref(), "seq", span)?;
                if stack.len() >= MAX_YAML_DEPTH {
                    return Err(depth_error(span));
                }
                stack.push(Frame::Seq {
                    items: Vec::new(),
                    start: span.start,
                    anchor,
                });
                continue;
            }
            Event::MappingStart(anchor, tag) => {
                check_tag(tag.as_deref(), "map", span)?;
                if stack.len() >= MAX_YAML_DEPTH {
                    return Err(depth_error(span));
                }
                stack.push(Frame::Map {
                    entries: Vec::new(),
                    key: None,
                    start: span.start,
                    anchor,
                });
                continue;
            }
            Event::SequenceEnd => match stack.pop() {
                Some(Frame::Seq {
                    items,
                    start,
                    anchor,
                }) => {
                    let node = YamlNode {
                        value: Yaml::Seq(items),
                        span: Span::new(start, span.end.max(start)),
                        text: None,
                        plain: false,
                    };
                    remember(&mut anchors, anchor, &node);
                    node
                }
                _ => {
                    return Err(Diagnostic::new(
                        "sigma::yaml",
                        "invalid YAML: unbalanced sequence",
                        span,
                    ));
                }
            },
            Event::MappingEnd => match stack.pop() {
                Some(Frame::Map {
                    entries,
                    start,
                    anchor,
                    key: None,
                }) => {
                    let node = YamlNode {
                        value: Yaml::Map(entries),
                        span: Span::new(start, span.end.max(start)),
                        text: None,
                        plain: false,
                    };
                    remember(&mut anchors, anchor, &node);
                    node
                }
                _ => {
                    return Err(Diagnostic::new(
                        "sigma::yaml",
                        "invalid YAML: unbalanced mapping",
                        span,
                    ));
                }
            },
            Event::Scalar(value, style, anchor, tag) => {
                let node = resolve_scalar(&value, style, tag.as_deref(), span)?;
                remember(&mut anchors, anchor, &node);
                node
            }
            Event::Alias(id) => {
                let Some(target) = anchors.get(&id) else {
                    return Err(Diagnostic::new(
                        "sigma::yaml",
                        "invalid YAML: unknown alias",
                        span,
                    ));
                };
                let size = node_count(target);
                budget = budget.checked_sub(size).ok_or_else(|| {
                    Diagnostic::new(
                        "sigma::yaml_alias_budget",
                        "YAML aliases expand to too many nodes",
                        span,
                    )
                    .with_help(format!(
                        "a stream may copy at most {ALIAS_BUDGET} nodes through aliases"
                    ))
                })?;
                let mut copy = target.clone();
                copy.span = span;
                copy
            }
        };
        attach(&mut stack, &mut root, node, text)?;
    }
    Ok(docs)
}

fn depth_error(span: Span) -> Diagnostic {
    Diagnostic::new(
        "sigma::yaml_depth",
        format!("YAML nesting deeper than {MAX_YAML_DEPTH} levels"),
        span,
    )
}

fn remember(anchors: &mut HashMap<usize, YamlNode>, anchor: usize, node: &YamlNode) {
    if anchor != 0 {
        anchors.insert(anchor, node.clone());
    }
}

fn node_count(node: &YamlNode) -> usize {
    // Iterative walk: anchored nodes can be as deep as the depth cap allows.
    let mut count = 0usize;
    let mut todo = vec![node];
    while let Some(n) = todo.pop() {
        count = count.saturating_add(1);
        match &n.value {
            Yaml::Seq(items) => todo.extend(items.iter()),
            Yaml::Map(entries) => todo.extend(entries.iter().flat_map(|(k, v)| [k, v])),
            _ => {}
        }
    }
    count
}

/// Adds a finished node to the collection on top of the stack, or makes it the document root.
fn attach(
    stack: &mut [Frame],
    root: &mut Option<YamlNode>,
    node: YamlNode,
    text: &str,
) -> Result<(), Diagnostic> {
    match stack.last_mut() {
        None => *root = Some(node),
        Some(Frame::Seq { items, .. }) => items.push(node),
        Some(Frame::Map { entries, key, .. }) => match key.take() {
            None => {
                if node.text.is_none() {
                    return Err(Diagnostic::new(
                        "sigma::yaml",
                        "mapping keys must be scalars",
                        node.span,
                    ));
                }
                if let Some((first, _)) = entries.iter().find(|(k, _)| k.text == node.text) {
                    let at = LineCol::of(text, first.span.start);
                    return Err(Diagnostic::new(
                        "sigma::duplicate_key",
                        format!(
                            "duplicate key `{}`",
                            node.text.as_deref().unwrap_or_default()
                        ),
                        node.span,
                    )
                    .with_help(format!(
                        "first defined at line {}, column {}",
                        at.line, at.column
                    )));
                }
                *key = Some(node);
            }
            Some(k) => entries.push((k, node)),
        },
    }
    Ok(())
}

fn check_tag(
    tag: Option<&saphyr_parser::Tag>,
    expected: &str,
    span: Span,
) -> Result<(), Diagnostic> {
    match tag {
        None => Ok(()),
        Some(t) if t.handle == "tag:yaml.org,2002:" && t.suffix == expected => Ok(()),
        Some(t) => Err(unsupported_tag(t, span)),
    }
}

fn unsupported_tag(t: &saphyr_parser::Tag, span: Span) -> Diagnostic {
    Diagnostic::new(
        "sigma::yaml_tag",
        format!("unsupported YAML tag `{}{}`", t.handle, t.suffix),
        span,
    )
    .with_help("Sigma rules use plain YAML values; remove the tag")
}

fn resolve_scalar(
    value: &str,
    style: ScalarStyle,
    tag: Option<&saphyr_parser::Tag>,
    span: Span,
) -> Result<YamlNode, Diagnostic> {
    let plain = style == ScalarStyle::Plain;
    let text = Some(value.to_string());
    let typed = match tag {
        None if plain => resolve_plain(value),
        None => Yaml::String(value.to_string()),
        Some(t) if t.handle == "tag:yaml.org,2002:" => {
            let bad = || {
                Diagnostic::new(
                    "sigma::yaml_tag",
                    format!("`{value}` is not a valid !!{}", t.suffix),
                    span,
                )
            };
            match t.suffix.as_str() {
                "str" => Yaml::String(value.to_string()),
                "null" => match resolve_plain(value) {
                    Yaml::Null => Yaml::Null,
                    _ => return Err(bad()),
                },
                "bool" => match resolve_plain(value) {
                    v @ Yaml::Bool(_) => v,
                    _ => return Err(bad()),
                },
                "int" | "float" => match resolve_plain(value) {
                    v @ Yaml::Number(_) => v,
                    _ => return Err(bad()),
                },
                _ => return Err(unsupported_tag(t, span)),
            }
        }
        Some(t) => return Err(unsupported_tag(t, span)),
    };
    Ok(YamlNode {
        value: typed,
        span,
        text,
        plain,
    })
}

/// YAML 1.2 core schema resolution of a plain scalar.
fn resolve_plain(s: &str) -> Yaml {
    match s {
        "" | "~" | "null" | "Null" | "NULL" => return Yaml::Null,
        "true" | "True" | "TRUE" => return Yaml::Bool(true),
        "false" | "False" | "FALSE" => return Yaml::Bool(false),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Yaml::Number(Number::Float(f64::INFINITY));
        }
        "-.inf" | "-.Inf" | "-.INF" => return Yaml::Number(Number::Float(f64::NEG_INFINITY)),
        ".nan" | ".NaN" | ".NAN" => return Yaml::Number(Number::Float(f64::NAN)),
        _ => {}
    }
    if let Some(hex) = s.strip_prefix("0x") {
        if !hex.is_empty()
            && hex.bytes().all(|b| b.is_ascii_hexdigit())
            && let Ok(v) = i64::from_str_radix(hex, 16)
        {
            return Yaml::Number(Number::Int(v));
        }
        return Yaml::String(s.to_string());
    }
    if let Some(oct) = s.strip_prefix("0o") {
        if !oct.is_empty()
            && oct.bytes().all(|b| (b'0'..=b'7').contains(&b))
            && let Ok(v) = i64::from_str_radix(oct, 8)
        {
            return Yaml::Number(Number::Int(v));
        }
        return Yaml::String(s.to_string());
    }
    let digits = s.strip_prefix(['-', '+']).unwrap_or(s);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        return match s.parse::<i64>() {
            Ok(v) => Yaml::Number(Number::Int(v)),
            Err(_) => s.parse::<f64>().map_or_else(
                |_| Yaml::String(s.to_string()),
                |f| Yaml::Number(Number::Float(f)),
            ),
        };
    }
    if is_core_float(digits)
        && let Ok(f) = s.parse::<f64>()
    {
        return Yaml::Number(Number::Float(f));
    }
    Yaml::String(s.to_string())
}

/// `(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?` (sign already stripped).
fn is_core_float(s: &str) -> bool {
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        // `i` is the position of an ASCII `e`/`E`: slicing around it stays on boundaries.
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let mantissa_ok = match mantissa.split_once('.') {
        Some((int, frac)) => {
            (int.bytes().all(|b| b.is_ascii_digit()) && frac.bytes().all(|b| b.is_ascii_digit()))
                && (!int.is_empty() || !frac.is_empty())
        }
        None => !mantissa.is_empty() && mantissa.bytes().all(|b| b.is_ascii_digit()),
    };
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && e.bytes().all(|b| b.is_ascii_digit())
    });
    mantissa_ok && exponent_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> YamlNode {
        match load_stream(text) {
            Ok(mut docs) => docs.remove(0).unwrap_or_else(|| panic!("empty document")),
            Err(d) => panic!("{}", d.render("t", text)),
        }
    }

    #[test]
    fn core_schema_resolution() {
        let cases: &[(&str, Yaml)] = &[
            ("x: 42", Yaml::Number(Number::Int(42))),
            ("x: -7", Yaml::Number(Number::Int(-7))),
            ("x: 0x1F", Yaml::Number(Number::Int(31))),
            ("x: 0o17", Yaml::Number(Number::Int(15))),
            ("x: 1.5", Yaml::Number(Number::Float(1.5))),
            ("x: 1e3", Yaml::Number(Number::Float(1000.0))),
            ("x: true", Yaml::Bool(true)),
            ("x: FALSE", Yaml::Bool(false)),
            ("x: ~", Yaml::Null),
            ("x:", Yaml::Null),
            ("x: null", Yaml::Null),
            ("x: 'null'", Yaml::String("null".into())),
            ("x: '42'", Yaml::String("42".into())),
            ("x: yes", Yaml::String("yes".into())),
            ("x: NO", Yaml::String("NO".into())),
            ("x: 2020/02/11", Yaml::String("2020/02/11".into())),
            ("x: 2020-02-11", Yaml::String("2020-02-11".into())),
            ("x: 1.2.3", Yaml::String("1.2.3".into())),
            ("x: 0xZZ", Yaml::String("0xZZ".into())),
            ("x: !!str 12", Yaml::String("12".into())),
        ];
        for (text, expected) in cases {
            let doc = one(text);
            assert_eq!(doc.get("x").map(|n| &n.value), Some(expected), "{text}");
        }
    }

    #[test]
    fn spans_are_byte_offsets() {
        let text = "é: 'ü v'\nk: w\n";
        let doc = one(text);
        let v = doc.get("é").unwrap_or_else(|| panic!("no key"));
        assert_eq!(&text[v.span.range()], "'ü v'");
        assert_eq!(v.verbatim_start(text), Some(5));
        let w = doc.get("k").unwrap_or_else(|| panic!("no key"));
        assert_eq!(&text[w.span.range()], "w");
    }

    #[test]
    fn errors_have_codes_and_positions() {
        let cases: &[(&str, &str, (usize, usize))] = &[
            ("a: 1\na: 2\n", "sigma::duplicate_key", (2, 1)),
            ("a: b\n  c: d\n", "sigma::yaml", (2, 4)),
            ("a: !custom x\n", "sigma::yaml_tag", (1, 4)),
            ("a: *nope\n", "sigma::yaml", (1, 4)),
        ];
        for (text, code, (line, col)) in cases {
            let err = load_stream(text)
                .err()
                .unwrap_or_else(|| panic!("accepted {text:?}"));
            assert_eq!(err.code, *code, "{text:?}");
            let at = LineCol::of(text, err.span.start);
            assert_eq!((at.line, at.column), (*line, *col), "{text:?}");
        }
    }

    #[test]
    fn deep_nesting_is_capped() {
        let text = format!("{}x\n", "- ".repeat(MAX_YAML_DEPTH + 1));
        let err = load_stream(&text).err();
        assert_eq!(err.as_ref().map(|d| d.code), Some("sigma::yaml_depth"));
        assert_eq!(err.map(|d| d.span.start), Some(2 * MAX_YAML_DEPTH));
        let block = format!("{}x\n", "- ".repeat(MAX_YAML_DEPTH));
        assert!(load_stream(&block).is_ok());
        let ok = format!("{}{}", "[".repeat(10), "]".repeat(10));
        assert!(load_stream(&ok).is_ok());
    }

    #[test]
    fn alias_expansion_is_budgeted() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..8 {
            let refs = vec![format!("*a{}", i - 1); 10].join(", ");
            text.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
        }
        assert_eq!(
            load_stream(&text).err().map(|d| d.code),
            Some("sigma::yaml_alias_budget")
        );
        let small = one("a: &x [1, 2]\nb: *x\n");
        assert_eq!(
            small.get("a").map(|n| &n.value),
            small.get("b").map(|n| &n.value)
        );
    }

    #[test]
    fn multi_document_streams() {
        let docs = load_stream("a: 1\n---\n---\nb: 2\n").unwrap_or_default();
        assert_eq!(docs.len(), 3);
        assert!(docs[1].is_none());
        assert_eq!(load_stream("").map(|d| d.len()), Ok(0));
    }
}

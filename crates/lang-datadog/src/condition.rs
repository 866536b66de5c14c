//! Rule case conditions: `a > 3`, `failed_login > 5 && successful_login > 0`,
//! `create > 0 THEN list > 0`.
//!
//! A condition compares per-query aggregates (event counts, distinct counts, anomaly scores) with
//! numbers. [`Condition::eval`] is pure: the caller supplies each label's value.

use std::fmt::{self, Display, Formatter};

use trailhound_syntax::{Diagnostic, Span};

/// Deepest parenthesis nesting accepted in a condition.
pub const MAX_CONDITION_DEPTH: usize = 64;

/// A parsed case condition: one expression, or a `THEN` sequence of them.
#[derive(Clone, Debug, PartialEq)]
pub struct Condition {
    /// The steps; more than one means `step1 THEN step2 ...` (each must become true, in order).
    pub steps: Vec<CondExpr>,
    /// The whole condition text.
    pub span: Span,
}

/// A boolean expression over query aggregates.
#[derive(Clone, Debug, PartialEq)]
pub struct CondExpr {
    /// What the expression is.
    pub kind: CondKind,
    /// Where it was written.
    pub span: Span,
}

/// The kinds of [`CondExpr`].
#[derive(Clone, Debug, PartialEq)]
pub enum CondKind {
    /// `x && y && ...`
    And(Vec<CondExpr>),
    /// `x || y || ...`
    Or(Vec<CondExpr>),
    /// `( x )`
    Group(Box<CondExpr>),
    /// `label op number`.
    Compare {
        /// A query name, or `a`, `b`, ... for unnamed queries.
        label: String,
        /// Where the label was written.
        label_span: Span,
        /// The comparison.
        op: CondOp,
        /// The threshold (a float for anomaly rules, e.g. `0.995`).
        value: f64,
    },
}

/// Comparison operators of conditions. Datadog documents `>` and `>=`; the others are accepted
/// for forward compatibility.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CondOp {
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `==`
    Eq,
    /// `!=`
    Ne,
}

impl CondOp {
    /// The operator as written.
    pub fn as_str(self) -> &'static str {
        match self {
            CondOp::Gt => ">",
            CondOp::Ge => ">=",
            CondOp::Lt => "<",
            CondOp::Le => "<=",
            CondOp::Eq => "==",
            CondOp::Ne => "!=",
        }
    }

    fn apply(self, left: f64, right: f64) -> bool {
        match self {
            CondOp::Gt => left > right,
            CondOp::Ge => left >= right,
            CondOp::Lt => left < right,
            CondOp::Le => left <= right,
            CondOp::Eq => left == right,
            CondOp::Ne => left != right,
        }
    }
}

impl Condition {
    /// Whether every step holds for the given aggregates. `value(label)` returns the aggregate
    /// of the query with that label for the group being evaluated, or `None` when the query
    /// has no value for the group; a comparison with a missing value is false.
    ///
    /// For a `THEN` sequence this checks only that each step holds: the caller must also check
    /// that step *n* first held before step *n + 1* (see the crate's semantics section).
    pub fn eval(&self, value: impl Fn(&str) -> Option<f64>) -> bool {
        self.steps.iter().all(|step| step.eval(&value))
    }

    /// The labels the condition mentions, in order of appearance (with repeats).
    pub fn labels(&self) -> Vec<(&str, Span)> {
        let mut out = Vec::new();
        for step in &self.steps {
            step.collect_labels(&mut out);
        }
        out
    }
}

impl CondExpr {
    /// Whether the expression holds (see [`Condition::eval`]).
    pub fn eval(&self, value: &dyn Fn(&str) -> Option<f64>) -> bool {
        match &self.kind {
            CondKind::And(items) => items.iter().all(|i| i.eval(value)),
            CondKind::Or(items) => items.iter().any(|i| i.eval(value)),
            CondKind::Group(inner) => inner.eval(value),
            CondKind::Compare {
                label,
                op,
                value: threshold,
                ..
            } => value(label).is_some_and(|v| op.apply(v, *threshold)),
        }
    }

    fn collect_labels<'a>(&'a self, out: &mut Vec<(&'a str, Span)>) {
        match &self.kind {
            CondKind::And(items) | CondKind::Or(items) => {
                items.iter().for_each(|i| i.collect_labels(out))
            }
            CondKind::Group(inner) => inner.collect_labels(out),
            CondKind::Compare {
                label, label_span, ..
            } => out.push((label, *label_span)),
        }
    }
}

impl Display for Condition {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        for (i, step) in self.steps.iter().enumerate() {
            if i > 0 {
                f.write_str(" THEN ")?;
            }
            step.fmt(f)?;
        }
        Ok(())
    }
}

impl Display for CondExpr {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let join = |f: &mut Formatter<'_>, items: &[CondExpr], sep: &str| -> fmt::Result {
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    f.write_str(sep)?;
                }
                item.fmt(f)?;
            }
            Ok(())
        };
        match &self.kind {
            CondKind::And(items) => join(f, items, " && "),
            CondKind::Or(items) => join(f, items, " || "),
            CondKind::Group(inner) => write!(f, "({inner})"),
            CondKind::Compare {
                label, op, value, ..
            } => write!(f, "{label} {} {value}", op.as_str()),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Label(String),
    Number(f64),
    Op(CondOp),
    AndAnd,
    OrOr,
    Open,
    Close,
    Then,
}

fn lex(src: &str) -> Result<Vec<(Tok, Span)>, Diagnostic> {
    let mut out = Vec::new();
    let mut chars = src.char_indices().peekable();
    while let Some(&(start, c)) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        let take_while = |chars: &mut std::iter::Peekable<std::str::CharIndices<'_>>,
                          pred: fn(char) -> bool| {
            let mut end = start;
            while let Some(&(i, c)) = chars.peek() {
                if !pred(c) {
                    break;
                }
                end = i + c.len_utf8();
                chars.next();
            }
            end
        };
        let two = src.get(start..start + 2).unwrap_or_default();
        let (tok, end) = if let Some(op) = ["&&", "||", ">=", "<=", "==", "!="]
            .iter()
            .find(|op| two == **op)
        {
            chars.next();
            chars.next();
            let tok = match *op {
                "&&" => Tok::AndAnd,
                "||" => Tok::OrOr,
                ">=" => Tok::Op(CondOp::Ge),
                "<=" => Tok::Op(CondOp::Le),
                "==" => Tok::Op(CondOp::Eq),
                _ => Tok::Op(CondOp::Ne),
            };
            (tok, start + 2)
        } else if c.is_ascii_digit() || c == '.' || c == '-' {
            chars.next();
            let end = take_while(&mut chars, |c| {
                c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-')
            });
            let end = end.max(start + 1);
            let text = src.get(start..end).unwrap_or_default();
            let number = text
                .parse::<f64>()
                .ok()
                .filter(|n| n.is_finite())
                .ok_or_else(|| {
                    Diagnostic::new(
                        "datadog::condition_syntax",
                        format!("`{text}` is not a number"),
                        Span::new(start, end),
                    )
                    .with_help("thresholds are decimal numbers such as `3` or `0.995`")
                })?;
            (Tok::Number(number), end)
        } else if c.is_alphabetic() || c == '_' {
            let end = take_while(&mut chars, |c| c.is_alphanumeric() || c == '_' || c == '-');
            let text = src.get(start..end).unwrap_or_default();
            (
                if text == "THEN" {
                    Tok::Then
                } else {
                    Tok::Label(text.to_string())
                },
                end,
            )
        } else {
            chars.next();
            let end = start + c.len_utf8();
            let tok = match c {
                '>' => Tok::Op(CondOp::Gt),
                '<' => Tok::Op(CondOp::Lt),
                '(' => Tok::Open,
                ')' => Tok::Close,
                _ => {
                    let help = match c {
                        '&' => "write `&&`",
                        '|' => "write `||`",
                        '=' => "write `==`, or `>=`",
                        _ => {
                            "conditions use query labels, numbers, `>`, `>=`, `&&`, `||`, parentheses and `THEN`"
                        }
                    };
                    return Err(Diagnostic::new(
                        "datadog::condition_syntax",
                        format!("unexpected `{c}`"),
                        Span::new(start, end),
                    )
                    .with_help(help));
                }
            };
            (tok, end)
        };
        out.push((tok, Span::new(start, end)));
    }
    Ok(out)
}

/// Parses a case condition.
pub fn parse_condition(src: &str) -> Result<Condition, Diagnostic> {
    let tokens = lex(src)?;
    let mut p = CondParser {
        tokens,
        pos: 0,
        depth: 0,
        end: src.len(),
    };
    if p.tokens.is_empty() {
        return Err(Diagnostic::new(
            "datadog::condition_syntax",
            "empty condition",
            Span::new(0, src.len()),
        )
        .with_help("write a comparison such as `a > 0`"));
    }
    let mut steps = vec![p.parse_or()?];
    loop {
        match p.next() {
            None => break,
            Some((Tok::Then, _)) => steps.push(p.parse_or()?),
            Some((Tok::Close, span)) => {
                return Err(
                    Diagnostic::new("datadog::condition_syntax", "unmatched `)`", span)
                        .with_help("remove it or add the matching `(`"),
                );
            }
            Some((tok, span)) => return Err(unexpected(&tok, span)),
        }
    }
    Ok(Condition {
        steps,
        span: Span::new(0, src.len()),
    })
}

struct CondParser {
    tokens: Vec<(Tok, Span)>,
    pos: usize,
    depth: usize,
    end: usize,
}

fn unexpected(tok: &Tok, span: Span) -> Diagnostic {
    let (what, help) = match tok {
        Tok::Label(l) => (
            format!("unexpected `{l}`"),
            "join comparisons with `&&` or `||`",
        ),
        Tok::Number(_) => (
            "a condition must start with a query label".to_string(),
            "the query label comes first: write `a > 3`, not `3 < a`",
        ),
        Tok::Then => (
            "`THEN` must separate whole comparisons, outside parentheses".to_string(),
            "write `a > 0 THEN b > 0`",
        ),
        _ => (
            "unexpected operator".to_string(),
            "write a comparison such as `a > 0`",
        ),
    };
    Diagnostic::new("datadog::condition_syntax", what, span).with_help(help)
}

impl CondParser {
    fn peek(&self) -> Option<&Tok> {
        self.tokens.get(self.pos).map(|(t, _)| t)
    }

    fn next(&mut self) -> Option<(Tok, Span)> {
        let tok = self.tokens.get(self.pos).cloned();
        self.pos += usize::from(tok.is_some());
        tok
    }

    fn end_span(&self) -> Span {
        Span::at(self.end)
    }

    fn parse_or(&mut self) -> Result<CondExpr, Diagnostic> {
        let mut items = vec![self.parse_and()?];
        while self.peek() == Some(&Tok::OrOr) {
            self.next();
            items.push(self.parse_and()?);
        }
        Ok(fold(items, CondKind::Or))
    }

    fn parse_and(&mut self) -> Result<CondExpr, Diagnostic> {
        let mut items = vec![self.parse_atom()?];
        while self.peek() == Some(&Tok::AndAnd) {
            self.next();
            items.push(self.parse_atom()?);
        }
        Ok(fold(items, CondKind::And))
    }

    fn parse_atom(&mut self) -> Result<CondExpr, Diagnostic> {
        match self.next() {
            Some((Tok::Open, open)) => {
                if self.depth >= MAX_CONDITION_DEPTH {
                    return Err(Diagnostic::new(
                        "datadog::too_deep",
                        "condition nests too deeply",
                        open,
                    )
                    .with_help("remove redundant parentheses"));
                }
                self.depth += 1;
                let inner = self.parse_or()?;
                self.depth -= 1;
                match self.next() {
                    Some((Tok::Close, close)) => Ok(CondExpr {
                        kind: CondKind::Group(Box::new(inner)),
                        span: open.to(close),
                    }),
                    Some((Tok::Then, span)) => Err(unexpected(&Tok::Then, span)),
                    _ => Err(Diagnostic::new(
                        "datadog::condition_syntax",
                        "`(` is never closed",
                        open,
                    )
                    .with_help("add the matching `)`")),
                }
            }
            Some((Tok::Label(label), label_span)) => {
                let op = match self.next() {
                    Some((Tok::Op(op), _)) => op,
                    other => {
                        let span = other.map_or(self.end_span(), |(_, s)| s);
                        return Err(Diagnostic::new(
                            "datadog::condition_syntax",
                            format!("`{label}` must be followed by a comparison"),
                            span,
                        )
                        .with_help(format!("write `{label} > 0`")));
                    }
                };
                match self.next() {
                    Some((Tok::Number(value), value_span)) => Ok(CondExpr {
                        kind: CondKind::Compare {
                            label,
                            label_span,
                            op,
                            value,
                        },
                        span: label_span.to(value_span),
                    }),
                    other => {
                        let span = other.map_or(self.end_span(), |(_, s)| s);
                        Err(Diagnostic::new(
                            "datadog::condition_syntax",
                            format!("`{label} {}` must be followed by a number", op.as_str()),
                            span,
                        )
                        .with_help(
                            "compare a query with a number: `a > 3` (not with another query)",
                        ))
                    }
                }
            }
            Some((tok, span)) => Err(unexpected(&tok, span)),
            None => Err(Diagnostic::new(
                "datadog::condition_syntax",
                "condition ends early",
                self.end_span(),
            )
            .with_help("add a comparison such as `b > 0`")),
        }
    }
}

fn fold(mut items: Vec<CondExpr>, make: fn(Vec<CondExpr>) -> CondKind) -> CondExpr {
    match (items.first(), items.last()) {
        (Some(first), Some(last)) if items.len() > 1 => {
            let span = first.span.to(last.span);
            CondExpr {
                kind: make(items),
                span,
            }
        }
        // Operand lists are never empty; a single operand is returned unchanged.
        _ => items.pop().unwrap_or(CondExpr {
            kind: make(Vec::new()),
            span: Span::default(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn parse(src: &str) -> Condition {
        parse_condition(src).unwrap_or_else(|d| panic!("{}", d.render("condition", src)))
    }

    #[test]
    fn parses_and_prints_conditions() {
        let table: &[(&str, &str)] = &[
            ("a > 0", "a > 0"),
            ("a>3", "a > 3"),
            ("a >= 1 && b > 0", "a >= 1 && b > 0"),
            (
                "failed_login > 5 && successful_login_without_mfa > 0",
                "failed_login > 5 && successful_login_without_mfa > 0",
            ),
            ("a > 0 || b > 0 && c > 0", "a > 0 || b > 0 && c > 0"),
            ("(a > 0 || b > 0) && c > 0", "(a > 0 || b > 0) && c > 0"),
            ("waf_traffic_block > 0.995", "waf_traffic_block > 0.995"),
            ("a > 0 THEN b > 0", "a > 0 THEN b > 0"),
            (
                "a > 0 && b > 1 THEN c >= 2 THEN d > 0",
                "a > 0 && b > 1 THEN c >= 2 THEN d > 0",
            ),
            (
                "a < 5 && b <= 5 && c == 1 && d != 2",
                "a < 5 && b <= 5 && c == 1 && d != 2",
            ),
            ("a > 1e2", "a > 100"),
            ("q-1 > 0", "q-1 > 0"),
        ];
        for (input, printed) in table {
            let c = parse(input);
            assert_eq!(c.to_string(), *printed, "display of {input:?}");
            assert_eq!(parse(printed), c, "round trip of {input:?}");
        }
    }

    #[test]
    fn rejects_bad_conditions() {
        let table: &[(&str, std::ops::Range<usize>)] = &[
            ("", 0..0),
            ("3 < a", 0..1),
            ("a", 1..1),
            ("a >", 3..3),
            ("a > b", 4..5),
            ("a > 0 &&", 8..8),
            ("a > 0 & b > 0", 6..7),
            ("a > 0 | b > 0", 6..7),
            ("a = 1", 2..3),
            ("(a > 0", 0..1),
            ("a > 0)", 5..6),
            ("(a > 0 THEN b > 0)", 7..11),
            ("a > 0 b > 0", 6..7),
            ("a > 1.2.3", 4..9),
            ("a > 0 then b > 0", 6..10),
            ("a > 0 THEN", 10..10),
            ("a > 0 ; b", 6..7),
        ];
        for (input, range) in table {
            match parse_condition(input) {
                Ok(c) => panic!("{input:?} parsed as {c}"),
                Err(d) => {
                    assert_eq!(d.code, "datadog::condition_syntax", "{input:?}");
                    assert_eq!(d.span.range(), *range, "{input:?}: {}", d.message);
                    assert!(d.help.is_some(), "{input:?} has no help");
                }
            }
        }
        let deep = format!("{}a > 0{}", "(".repeat(1000), ")".repeat(1000));
        assert_eq!(
            parse_condition(&deep).err().map(|d| d.code),
            Some("datadog::too_deep")
        );
    }

    #[test]
    fn evaluates_against_aggregates() {
        let counts: HashMap<&str, f64> = [
            ("a", 3.0),
            ("b", 0.0),
            ("failed_login", 6.0),
            ("successful_login", 1.0),
            ("score", 0.996),
        ]
        .into();
        let lookup = |label: &str| counts.get(label).copied();
        let table: &[(&str, bool)] = &[
            ("a > 0", true),
            ("a > 3", false),
            ("a >= 3", true),
            ("b > 0", false),
            ("a > 0 && b > 0", false),
            ("a > 0 || b > 0", true),
            ("failed_login > 5 && successful_login > 0", true),
            ("score > 0.995", true),
            ("score > 0.997", false),
            ("missing > 0", false),
            ("missing < 1", false),
            ("missing > 0 || a > 2", true),
            ("(b > 0 || a > 2) && failed_login >= 6", true),
            ("a > 0 THEN failed_login > 5", true),
            ("a > 0 THEN b > 0", false),
            ("a < 4 && a <= 3 && a == 3 && a != 2", true),
        ];
        for (input, expected) in table {
            assert_eq!(parse(input).eval(lookup), *expected, "{input}");
        }
    }

    #[test]
    fn lists_labels_with_spans() {
        let c = parse("x > 0 && (yy > 1 || x > 2) THEN z > 0");
        let labels: Vec<_> = c
            .labels()
            .into_iter()
            .map(|(l, s)| (l, s.range()))
            .collect();
        assert_eq!(
            labels,
            [("x", 0..1), ("yy", 10..12), ("x", 20..21), ("z", 32..33)]
        );
    }
}

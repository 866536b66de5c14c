//! Printing the tree back as KQL that re-parses to an equal tree.
//!
//! Operators are printed in lower case with single spaces, `field: value` with one space after
//! the colon, and parentheses only where the shape needs them. Unquoted literals are re-escaped
//! so that their text, wildcards and keyword-looking words survive the round trip.

use crate::ast::{Expr, Literal, ValueExpr};
use crate::scan::{is_space, is_special, starts_with_ci};
use std::fmt::{self, Display, Formatter, Write};

impl Display for Expr {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Expr::Or { terms, .. } => join(f, terms, " or ", |t| matches!(t, Expr::Or { .. })),
            Expr::And { terms, .. } => join(f, terms, " and ", |t| {
                matches!(t, Expr::Or { .. } | Expr::And { .. })
            }),
            Expr::Not { expr, .. } => {
                f.write_str("not ")?;
                let grouped = matches!(
                    **expr,
                    Expr::Or { .. } | Expr::And { .. } | Expr::Not { .. }
                );
                group(f, expr, grouped)
            }
            Expr::Match { field, value, .. } => {
                write!(f, "{field}: ")?;
                match value {
                    ValueExpr::Value(literal) => write!(f, "{literal}"),
                    list => write!(f, "({list})"),
                }
            }
            Expr::Range {
                field, op, value, ..
            } => write!(f, "{field} {} {value}", op.as_str()),
            Expr::Nested { field, query, .. } => write!(f, "{field}: {{ {query} }}"),
            Expr::FreeText { value, .. } => write!(f, "{value}"),
        }
    }
}

/// Prints a value list without its outer parentheses (the caller adds them).
impl Display for ValueExpr {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            ValueExpr::Or { terms, .. } => {
                join(f, terms, " or ", |t| matches!(t, ValueExpr::Or { .. }))
            }
            ValueExpr::And { terms, .. } => join(f, terms, " and ", |t| {
                matches!(t, ValueExpr::Or { .. } | ValueExpr::And { .. })
            }),
            ValueExpr::Not { value, .. } => {
                f.write_str("not ")?;
                group(f, value, !matches!(**value, ValueExpr::Value(_)))
            }
            ValueExpr::Value(literal) => write!(f, "{literal}"),
        }
    }
}

fn group(f: &mut Formatter<'_>, item: &impl Display, grouped: bool) -> fmt::Result {
    if grouped {
        write!(f, "({item})")
    } else {
        write!(f, "{item}")
    }
}

fn join<T: Display>(
    f: &mut Formatter<'_>,
    terms: &[T],
    separator: &str,
    grouped: fn(&T) -> bool,
) -> fmt::Result {
    for (i, term) in terms.iter().enumerate() {
        if i > 0 {
            f.write_str(separator)?;
        }
        group(f, term, grouped(term))?;
    }
    Ok(())
}

/// A quoted literal prints with `\\` and `\"` escaped and everything else as is. An unquoted
/// one escapes special characters, prints whitespace characters as `\t` `\r` `\n`, and escapes
/// the words Kibana would read as keywords. Unquoted text cannot start or end with whitespace
/// (Kibana trims it), so a literal built with such text does not survive the round trip.
impl Display for Literal {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        if self.quoted {
            f.write_char('"')?;
            for c in self.text.chars() {
                if matches!(c, '\\' | '"') {
                    f.write_char('\\')?;
                }
                f.write_char(c)?;
            }
            return f.write_char('"');
        }
        if self.text.is_empty() {
            // An escaped tab is trimmed away: the only way to write an empty unquoted value.
            return f.write_str("\\t");
        }
        let text = &self.text;
        let mut skip_to = 0;
        for (at, c) in text.char_indices() {
            if at < skip_to {
                continue;
            }
            if c == '*' && self.wildcards.binary_search(&at).is_ok() {
                f.write_char('*')?;
                continue;
            }
            match c {
                '\t' => f.write_str("\\t")?,
                '\r' => f.write_str("\\r")?,
                '\n' => f.write_str("\\n")?,
                c if is_special(c) => write!(f, "\\{c}")?,
                _ => {
                    let rest = &text[at..];
                    let raw_space =
                        |s: &str| s.chars().next().is_none_or(|c| c == ' ' || c == '\u{A0}');
                    if starts_with_ci(rest, "not") && raw_space(&rest[3..]) {
                        // `\not` would read as `\n` + `ot`: escape the `n` as a code point.
                        write!(f, "\\u{:04X}", u32::from(c))?;
                        continue;
                    }
                    let after_space = text[..at].chars().next_back().is_some_and(is_space);
                    if let Some(word) = ["or", "and"].into_iter().find(|word| {
                        after_space && starts_with_ci(rest, word) && raw_space(&rest[word.len()..])
                    }) {
                        write!(f, "\\{}", &rest[..word.len()])?;
                        skip_to = at + word.len();
                        continue;
                    }
                    f.write_char(c)?;
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::{ParseMode, parse_with};

    /// (query, canonical form)
    const CASES: &[(&str, &str)] = &[
        ("a", "a"),
        ("  foo  ", "foo"),
        ("f:v", "f: v"),
        ("f : v", "f: v"),
        ("F:\"v\"", "F: \"v\""),
        ("a AND b OR c", "a and b or c"),
        ("a or b and c or d", "a or b and c or d"),
        ("(a or b) and c", "(a or b) and c"),
        ("(a or b) or c", "(a or b) or c"),
        ("a and (b and c)", "a and (b and c)"),
        ("not a and b", "not a and b"),
        ("not (a and b)", "not (a and b)"),
        ("not (not a)", "not (not a)"),
        ("((a))", "a"),
        ("f:(a)", "f: a"),
        ("f:(a or b)", "f: (a or b)"),
        ("f:((a or b) and not c)", "f: ((a or b) and not c)"),
        ("f:(not (a or b))", "f: (not (a or b))"),
        ("f:(not (not a))", "f: (not (not a))"),
        ("f:((a or b) or c)", "f: ((a or b) or c)"),
        ("f:*", "f: *"),
        ("f: *a\\*b*", "f: *a\\*b*"),
        ("host.*:x", "host.*: x"),
        ("\"my field\": x", "\"my field\": x"),
        ("n >= 10 and n<20", "n >= 10 and n < 20"),
        ("t <= \"2020-01-01\"", "t <= \"2020-01-01\""),
        ("top:{a:1 and b:{c:2}}", "top: { a: 1 and b: { c: 2 } }"),
        ("f: a \\or b", "f: a \\or b"),
        ("f: a \\AND b", "f: a \\AND b"),
        ("f: \\u006Eot", "f: \\u006Eot"),
        ("f: \\not", "f: ot"),
        ("f: \\u006Eot x", "f: \\u006Eot x"),
        ("f: \\NOT x", "f: \\u004EOT x"),
        ("f: a\\tb", "f: a\\tb"),
        ("f: \\t", "f: \\t"),
        ("f: \\u00e9", "f: é"),
        ("f: \"a\\\\b\\\"c\"", "f: \"a\\\\b\\\"c\""),
        ("f: \"C:\\new\"", "f: \"C:\new\""),
        (
            "f: \\\\server\\(x\\)\\:\\<\\>\\{\\}",
            "f: \\\\server\\(x\\)\\:\\<\\>\\{\\}",
        ),
        ("*: *", "*: *"),
    ];

    #[test]
    fn canonical_forms() {
        for (src, expected) in CASES {
            let ast = parse_with(src, ParseMode::Kibana).unwrap_or_else(|e| panic!("{src:?}: {e}"));
            assert_eq!(ast.to_string(), *expected, "{src:?}");
        }
    }

    #[test]
    fn round_trip_is_stable() {
        for (src, _) in CASES {
            let ast = parse_with(src, ParseMode::Kibana).unwrap();
            let printed = ast.to_string();
            let again = parse_with(&printed, ParseMode::Kibana)
                .unwrap_or_else(|e| panic!("{printed:?}: {e}"));
            assert_eq!(again, ast, "{src:?} printed as {printed:?}");
            assert_eq!(again.to_string(), printed);
        }
    }

    #[test]
    fn keyword_words_survive_inside_values() {
        // Texts that contain keywords in every position a parser could misread them.
        let texts = [
            "a or b",
            "or x",
            "x or",
            "x and",
            "not",
            "not x",
            "x not",
            "cannot find",
            "a\u{A0}or\u{A0}b",
            "x NoT y",
        ];
        for text in texts {
            for quoted in [false, true] {
                let literal = crate::ast::Literal {
                    text: text.into(),
                    quoted,
                    wildcards: Vec::new(),
                    span: Default::default(),
                };
                let expr = crate::ast::Expr::Or {
                    terms: vec![
                        crate::ast::Expr::Match {
                            field: literal.clone(),
                            value: crate::ast::ValueExpr::Value(literal.clone()),
                            span: Default::default(),
                        },
                        crate::ast::Expr::FreeText {
                            value: literal,
                            span: Default::default(),
                        },
                    ],
                    span: Default::default(),
                };
                let printed = expr.to_string();
                let again = parse_with(&printed, ParseMode::Kibana)
                    .unwrap_or_else(|e| panic!("{printed:?}: {e}"));
                assert_eq!(again, expr, "{text:?} printed as {printed:?}");
            }
        }
    }

    /// Queries assembled from KQL's tricky pieces: none may panic, and every one that parses
    /// must print as text that parses back to the same tree.
    #[test]
    fn generated_queries_round_trip() {
        #[rustfmt::skip]
        const PIECES: &[&str] = &[
            "f", "g.h", ":", ": ", " ", "  ", "\t", "\n", "\u{A0}", "\\t", "\\n", "\\u00e9", "\\u006Eot", "(", ")",
            "{", "}", "\"", "\\\"", "\\", "\\\\", "*", "\\*", "\\:", "\\(", " or ", " and ", "not ", " OR ", "or",
            "and", "not", "x", "cannot", "<", ">=", "true", "null", "1.5", "\\or", "\\AND", "\\NOT", "é",
        ];
        let mut state: u64 = 0x2545_F491_4F6C_DD1D;
        let mut parsed = 0;
        for _ in 0..20_000 {
            let mut query = String::new();
            // xorshift64: a fixed, dependency-free sequence.
            let mut next = || {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                state
            };
            let len = 1 + next() % 12;
            for _ in 0..len {
                let index = usize::try_from(next() % PIECES.len() as u64).unwrap_or(0);
                query.push_str(PIECES.get(index).copied().unwrap_or_default());
            }
            let Ok(ast) = parse_with(&query, ParseMode::Kibana) else {
                continue;
            };
            parsed += 1;
            let printed = ast.to_string();
            let again = parse_with(&printed, ParseMode::Kibana);
            assert_eq!(again.as_ref(), Ok(&ast), "{query:?} printed as {printed:?}");
        }
        assert!(parsed > 2_000, "only {parsed} generated queries parsed");
    }
}

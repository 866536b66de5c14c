//! Sigma string values: literal text, `*` / `?` wildcards and `%name%` placeholders.
//!
//! Escapes follow the specification ("Escape Character") and pySigma's `SigmaString`: a
//! backslash escapes `*`, `?` and `\` (and, in `|expand` values, `%`); before any other character,
//! or at the end of the value, a backslash is a plain backslash.
//!
//! | written      | meaning                                        |
//! |--------------|------------------------------------------------|
//! | `C:\Windows` | literal `C:\Windows` (lone `\` before `W`)     |
//! | `\*`         | literal `*`                                    |
//! | `\\*`        | literal `\` followed by the `*` wildcard       |
//! | `\\\*`       | literal `\*`                                   |
//! | `\\\\`       | literal `\\` (three backslashes also give `\\`)|
//! | `abc\`       | literal `abc\`                                 |

use std::fmt;

/// One piece of a Sigma string value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PatternPart {
    /// Characters matched literally (case rules are decided by the matcher).
    Literal(String),
    /// `*`: any sequence of characters, including none.
    AnyChars,
    /// `?`: exactly one character.
    AnyChar,
    /// `%name%` in an `|expand` value, replaced by the placeholder's values.
    Placeholder(String),
}

/// A Sigma string value parsed into literal text and wildcards.
///
/// Adjacent literals are merged and runs of `*` collapse into one, so equal meanings compare
/// equal.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Pattern {
    /// The pieces in order.
    pub parts: Vec<PatternPart>,
    /// Whether the value was read with `|expand` placeholder syntax (`%name%`, `\%`).
    pub expand: bool,
}

impl Pattern {
    /// Parses a Sigma string value; `expand` enables `%name%` placeholders and the `\%` escape.
    pub fn parse(s: &str, expand: bool) -> Pattern {
        let mut p = Pattern {
            parts: Vec::new(),
            expand,
        };
        let mut chars = s.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '\\' => match chars.peek() {
                    Some(&n) if n == '*' || n == '?' || n == '\\' || (expand && n == '%') => {
                        chars.next();
                        p.push_char(n);
                    }
                    _ => p.push_char('\\'),
                },
                '*' => p.push(PatternPart::AnyChars),
                '?' => p.push(PatternPart::AnyChar),
                '%' if expand => {
                    let rest: String = chars.clone().take_while(|&c| c != '%').collect();
                    let closed = chars.clone().nth(rest.chars().count()) == Some('%');
                    if closed && !rest.is_empty() && !rest.contains(['*', '?', '\\']) {
                        for _ in 0..=rest.chars().count() {
                            chars.next();
                        }
                        p.push(PatternPart::Placeholder(rest));
                    } else {
                        p.push_char('%');
                    }
                }
                c => p.push_char(c),
            }
        }
        p
    }

    /// A pattern matching exactly `s` (no wildcards).
    pub fn literal(s: &str) -> Pattern {
        let mut p = Pattern::default();
        if !s.is_empty() {
            p.parts.push(PatternPart::Literal(s.to_string()));
        }
        p
    }

    /// Appends a part, keeping the normal form (merged literals, single `*`).
    pub fn push(&mut self, part: PatternPart) {
        match (self.parts.last_mut(), part) {
            (_, PatternPart::Literal(s)) if s.is_empty() => {}
            (Some(PatternPart::Literal(last)), PatternPart::Literal(s)) => last.push_str(&s),
            (Some(PatternPart::AnyChars), PatternPart::AnyChars) => {}
            (_, part) => self.parts.push(part),
        }
    }

    fn push_char(&mut self, c: char) {
        match self.parts.last_mut() {
            Some(PatternPart::Literal(last)) => last.push(c),
            _ => self.parts.push(PatternPart::Literal(c.to_string())),
        }
    }

    /// Appends all parts of `other`.
    pub fn extend(&mut self, other: &Pattern) {
        for part in &other.parts {
            self.push(part.clone());
        }
    }

    /// Whether the pattern has `*` or `?`.
    pub fn has_wildcards(&self) -> bool {
        self.parts
            .iter()
            .any(|p| matches!(p, PatternPart::AnyChars | PatternPart::AnyChar))
    }

    /// Whether the pattern has unexpanded placeholders.
    pub fn has_placeholders(&self) -> bool {
        self.parts
            .iter()
            .any(|p| matches!(p, PatternPart::Placeholder(_)))
    }

    /// Names of the placeholders, in order of appearance.
    pub fn placeholders(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|p| match p {
            PatternPart::Placeholder(n) => Some(n.as_str()),
            _ => None,
        })
    }

    /// The text, if the pattern is only literal text.
    pub fn as_literal(&self) -> Option<String> {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                PatternPart::Literal(s) => out.push_str(s),
                _ => return None,
            }
        }
        Some(out)
    }

    /// Whether the pattern starts with `*`.
    pub fn starts_with_any(&self) -> bool {
        matches!(self.parts.first(), Some(PatternPart::AnyChars))
    }

    /// Whether the pattern ends with `*`.
    pub fn ends_with_any(&self) -> bool {
        matches!(self.parts.last(), Some(PatternPart::AnyChars))
    }
}

/// Prints the value in Sigma syntax: `Pattern::parse(&p.to_string(), p.expand) == p`.
impl fmt::Display for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for part in &self.parts {
            match part {
                PatternPart::Literal(s) => {
                    for c in s.chars() {
                        match c {
                            '*' | '?' | '\\' => write!(f, "\\{c}")?,
                            '%' if self.expand => f.write_str("\\%")?,
                            c => write!(f, "{c}")?,
                        }
                    }
                }
                PatternPart::AnyChars => f.write_str("*")?,
                PatternPart::AnyChar => f.write_str("?")?,
                PatternPart::Placeholder(name) => write!(f, "%{name}%")?,
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use PatternPart::*;

    fn lit(s: &str) -> PatternPart {
        Literal(s.to_string())
    }

    #[test]
    fn escapes_follow_the_specification() {
        let cases: Vec<(&str, Vec<PatternPart>)> = vec![
            (r"C:\Windows\System32", vec![lit(r"C:\Windows\System32")]),
            (r"\*", vec![lit("*")]),
            (r"\?", vec![lit("?")]),
            (r"\\*", vec![lit(r"\"), AnyChars]),
            (r"\\\*", vec![lit(r"\*")]),
            (r"\\\\", vec![lit(r"\\")]),
            (r"\\\", vec![lit(r"\\")]),
            (r"abc\", vec![lit(r"abc\")]),
            (r"a\%b", vec![lit(r"a\%b")]),
            (
                "a*b?c",
                vec![lit("a"), AnyChars, lit("b"), AnyChar, lit("c")],
            ),
            ("**x***", vec![AnyChars, lit("x"), AnyChars]),
            ("%name%", vec![lit("%name%")]),
            ("", vec![]),
        ];
        for (input, parts) in cases {
            assert_eq!(Pattern::parse(input, false).parts, parts, "{input:?}");
        }
    }

    #[test]
    fn placeholders_only_with_expand() {
        let cases: Vec<(&str, Vec<PatternPart>)> = vec![
            ("%name%", vec![Placeholder("name".into())]),
            (
                "a%x%b%y%",
                vec![
                    lit("a"),
                    Placeholder("x".into()),
                    lit("b"),
                    Placeholder("y".into()),
                ],
            ),
            (
                r"\%plain%name%",
                vec![lit("%plain"), Placeholder("name".into())],
            ),
            ("50%", vec![lit("50%")]),
            ("%%", vec![lit("%%")]),
            ("%a*b%", vec![lit("%a"), AnyChars, lit("b%")]),
            (r"\\%x%", vec![lit(r"\"), Placeholder("x".into())]),
        ];
        for (input, parts) in cases {
            assert_eq!(Pattern::parse(input, true).parts, parts, "{input:?}");
        }
    }

    #[test]
    fn display_round_trips() {
        for (input, expand) in [
            (r"C:\Windows\*.exe", false),
            (r"\\\*lit?x*", false),
            ("a%b", true),
            ("%x%-%y%", true),
            (r"\%plain%name%", true),
            (r"end\", false),
        ] {
            let p = Pattern::parse(input, expand);
            assert_eq!(
                Pattern::parse(&p.to_string(), expand),
                p,
                "{input:?} printed as {p}"
            );
        }
    }

    #[test]
    fn queries() {
        let p = Pattern::parse("*ab*", false);
        assert!(p.has_wildcards() && p.starts_with_any() && p.ends_with_any());
        assert_eq!(p.as_literal(), None);
        assert_eq!(
            Pattern::parse(r"a\*", false).as_literal(),
            Some("a*".into())
        );
        let e = Pattern::parse("%a%%b%", true);
        assert_eq!(e.placeholders().collect::<Vec<_>>(), ["a", "b"]);
    }
}

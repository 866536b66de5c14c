//! The three pattern languages EQL uses, turned into the engine's matchers:
//!
//! * **EQL wildcards** (`:`, `like`, `like~`): `*` any run, `?` one character, **no escape**
//!   (`util/StringUtils.toLikePattern` only protects `%` and `_`; a backslash is an ordinary
//!   character).
//! * **Lucene wildcards** (the pushed-down `stringContains` / `endsWith` constant): `*`, `?`, and
//!   `\` escaping the next character (a trailing lone `\` is literal), as Lucene's
//!   `WildcardQuery` parses them.
//! * **Lucene regular expressions** (`regex`, `regex~`): translated by
//!   `trailhound_engine::lucene`, anchored.

use regex::{Regex, RegexBuilder};
use trailhound_engine::lucene::{LuceneRegex, REGEX_SIZE_LIMIT};
use trailhound_engine::{Glob, GlobPart, Test, TextMode, TextOp, fold};

use crate::MatchOp;

/// One compiled pattern of `:`, `like`, `regex` and their `~` forms.
#[derive(Clone, Debug)]
pub(crate) enum Matcher {
    /// `:` without wildcards: case-insensitive equality (`InsensitiveEquals`); the folded text.
    Equals(String),
    /// A wildcard pattern (its own case flag).
    Glob(Glob),
    /// An anchored regular expression (case folding compiled in).
    Regex(Regex),
}

impl Matcher {
    /// Compiles `pattern` for `op`.
    pub(crate) fn new(op: MatchOp, pattern: &str) -> Result<Matcher, String> {
        Ok(match op {
            MatchOp::Colon if !pattern.contains(['*', '?']) => {
                Matcher::Equals(fold(pattern).into_owned())
            }
            MatchOp::Colon | MatchOp::LikeInsensitive => Matcher::Glob(eql_wildcard(pattern, true)),
            MatchOp::Like => Matcher::Glob(eql_wildcard(pattern, false)),
            MatchOp::Regex => Matcher::Regex(lucene_regex(pattern, false)?),
            MatchOp::RegexInsensitive => Matcher::Regex(lucene_regex(pattern, true)?),
        })
    }

    /// Whether `text` matches.
    pub(crate) fn matches(&self, text: &str) -> bool {
        match self {
            Matcher::Equals(folded) => fold(text) == folded.as_str(),
            Matcher::Glob(g) => g.matches(text),
            Matcher::Regex(r) => r.is_match(text),
        }
    }

    /// The same test as an engine [`Test`] on keyword text.
    pub(crate) fn test(&self) -> Test {
        match self {
            Matcher::Equals(folded) => {
                Test::text(TextOp::Eq(folded.as_str().into()), true, TextMode::Scalars)
            }
            Matcher::Glob(g) => Test::text(
                TextOp::Glob(g.clone()),
                g.is_case_insensitive(),
                TextMode::Scalars,
            ),
            Matcher::Regex(r) => Test::text(TextOp::Regex(r.clone()), false, TextMode::Scalars),
        }
    }
}

/// An EQL wildcard pattern: `*` and `?` are wildcards, every other character (backslash
/// included) is literal.
pub(crate) fn eql_wildcard(pattern: &str, case_insensitive: bool) -> Glob {
    let mut parts = Vec::new();
    let mut lit = String::new();
    for c in pattern.chars() {
        match c {
            '*' | '?' => {
                if !lit.is_empty() {
                    parts.push(GlobPart::Lit(std::mem::take(&mut lit).into()));
                }
                parts.push(if c == '*' {
                    GlobPart::Any
                } else {
                    GlobPart::One
                });
            }
            other => lit.push(other),
        }
    }
    if !lit.is_empty() {
        parts.push(GlobPart::Lit(lit.into()));
    }
    Glob::new(parts, case_insensitive)
}

/// A Lucene wildcard pattern (`\` escapes the next character).
pub(crate) fn lucene_wildcard(pattern: &str, case_insensitive: bool) -> Glob {
    Glob::parse_backslash(pattern, case_insensitive)
}

/// A Lucene regular expression, anchored, as a `regex::Regex`.
pub(crate) fn lucene_regex(pattern: &str, case_insensitive: bool) -> Result<Regex, String> {
    let lucene = LuceneRegex::new(pattern, case_insensitive).map_err(|e| e.message)?;
    RegexBuilder::new(lucene.as_regex())
        .size_limit(REGEX_SIZE_LIMIT)
        .dfa_size_limit(REGEX_SIZE_LIMIT)
        .build()
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eql_wildcards_have_no_escape() {
        let cases = [
            ("AddPermission*", "AddPermission20150331v2", false, true),
            ("a\\*", "a\\xyz", false, true),
            ("a\\*", "a*", false, false),
            ("a?c", "abc", false, true),
            ("a?c", "ABC", false, false),
            ("a?c", "ABC", true, true),
            ("100%_x", "100%_x", false, true),
        ];
        for (pat, value, ci, want) in cases {
            assert_eq!(
                eql_wildcard(pat, ci).matches(value),
                want,
                "{pat} ~ {value}"
            );
        }
    }

    #[test]
    fn lucene_wildcards_escape() {
        let cases = [
            ("*principal=\\**", "{principal=*, action=x}", true),
            ("*principal=\\**", "{principal=123}", false),
            ("*valuesToAdd=[*]*", "{valuesToAdd=[123456789012]}", true),
            ("*a\\", "xa\\", true),
        ];
        for (pat, value, want) in cases {
            assert_eq!(
                lucene_wildcard(pat, false).matches(value),
                want,
                "{pat} ~ {value}"
            );
        }
    }

    #[test]
    fn matchers_per_operator() {
        let cases = [
            (
                MatchOp::Colon,
                "addpermission20150331V2",
                "AddPermission20150331v2",
                true,
            ),
            (MatchOp::Colon, "ADDPERM*", "AddPermission", true),
            (MatchOp::Colon, "a", "ab", false),
            (MatchOp::Like, "Add*", "AddPermission", true),
            (MatchOp::Like, "add*", "AddPermission", false),
            (MatchOp::LikeInsensitive, "add*", "AddPermission", true),
            (MatchOp::Regex, "Add.*", "AddPermission", true),
            (MatchOp::Regex, "Add", "AddPermission", false),
            (MatchOp::Regex, "add.*", "AddPermission", false),
            (MatchOp::RegexInsensitive, "add.*", "AddPermission", true),
        ];
        for (op, pat, value, want) in cases {
            let m = Matcher::new(op, pat).expect("valid pattern");
            assert_eq!(m.matches(value), want, "{pat} {value}");
            let ev = format!(r#"{{"eventName":"{value}"}}"#);
            let ev = trailhound_event::Event::parse(&ev).expect("valid");
            let f = trailhound_event::View::ECS.resolve("event.action").field;
            assert_eq!(
                f.any(&ev, |v| m.test().check(v)),
                want,
                "test {pat} {value}"
            );
        }
        assert!(Matcher::new(MatchOp::Regex, "(").is_err());
    }
}

//! ES|QL `LIKE` wildcard patterns.
//!
//! - `*` matches any sequence of characters (including none and line breaks),
//! - `?` matches exactly one character (one Unicode code point),
//! - `\` escapes the next character, which must be `*`, `?` or `\` (anything else, or a trailing
//!   `\`, is the error "Invalid sequence - escape character is not followed by special wildcard
//!   char", raised when the query is parsed),
//! - every other character, including SQL's `%` and `_`, matches itself.
//!
//! The whole value must match, case-sensitively. Sources: ES|QL `LIKE` operator docs
//! (<https://www.elastic.co/docs/reference/query-languages/esql/functions-operators/operators#esql-like>,
//! "`*` matches zero or more characters, `?` matches one character") and Elasticsearch's
//! `WildcardPattern` / `StringUtils.wildcardToJavaPattern` (escape validation).

use regex::Regex;

/// The error Elasticsearch raises for a bad escape.
pub const INVALID_ESCAPE: &str =
    "Invalid sequence - escape character is not followed by special wildcard char";

/// A compiled `LIKE` pattern.
#[derive(Clone, Debug)]
pub struct LikePattern {
    regex: Regex,
}

impl LikePattern {
    /// Compiles `pattern`, validating escapes as Elasticsearch does.
    pub fn new(pattern: &str) -> Result<LikePattern, String> {
        let mut re = String::from("\\A(?s:");
        let mut chars = pattern.chars();
        while let Some(c) = chars.next() {
            match c {
                '*' => re.push_str(".*"),
                '?' => re.push('.'),
                '\\' => match chars.next() {
                    Some(e @ ('*' | '?' | '\\')) => {
                        re.push_str(&regex::escape(e.encode_utf8(&mut [0u8; 4])))
                    }
                    _ => return Err(INVALID_ESCAPE.to_string()),
                },
                c => re.push_str(&regex::escape(c.encode_utf8(&mut [0u8; 4]))),
            }
        }
        re.push_str(")\\z");
        // Only literals, `.` and `.*`: the program is linear in the pattern length.
        let regex = Regex::new(&re).map_err(|e| e.to_string())?;
        Ok(LikePattern { regex })
    }

    /// Whether the whole of `value` matches.
    pub fn is_match(&self, value: &str) -> bool {
        self.regex.is_match(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matching_table() {
        let cases: &[(&str, &str, bool)] = &[
            ("*Terraform*", "aws-sdk Terraform/1.5", true),
            ("*Terraform*", "terraform", false), // case-sensitive
            ("Invoke*", "InvokeFunction", true),
            ("Invoke*", "xInvoke", false),
            ("*:i-*", "AROAEXAMPLE:i-0123456789", true),
            ("a?c", "abc", true),
            ("a?c", "ac", false),
            ("a?c", "aéc", true), // one code point
            ("*", "", true),
            ("", "", true),
            ("", "x", false),
            ("100%", "100%", true),
            (
                "%/document/orchestration/%",
                "/var/lib/amazon/ssm/document/orchestration/abc/x",
                false,
            ), // % is literal
            ("a_b", "axb", false),
            ("a\\*b", "a*b", true),
            ("a\\*b", "axb", false),
            ("a\\?b", "a?b", true),
            ("a\\\\b", "a\\b", true),
            ("*\n*", "x\ny", true),
            ("Deprecated - *", "Deprecated - Old rule", true),
            (
                "*static/js/*.js*",
                "{key=site/static/js/main.abc.js, x=y}",
                true,
            ),
            ("a.b", "axb", false),
        ];
        for (p, v, want) in cases {
            assert_eq!(
                LikePattern::new(p).unwrap().is_match(v),
                *want,
                "{p:?} on {v:?}"
            );
        }
    }

    #[test]
    fn bad_escapes() {
        for p in ["a\\", "a\\b", "\\%"] {
            assert_eq!(LikePattern::new(p).unwrap_err(), INVALID_ESCAPE, "{p}");
        }
    }
}

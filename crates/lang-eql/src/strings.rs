//! String literals: lexing of `"..."` and `"""..."""`, escape decoding, and rejection of the
//! legacy quoting forms (`'...'`, `?"..."`, `?'...'`) that Elasticsearch reports as errors.

use crate::ast::StringLit;
use crate::diag;
use trailhound_syntax::{Diagnostic, Span};

/// Lexes the string literal that starts at byte `start` of `src` (which holds `"`).
/// Returns the literal and the byte offset just past it.
pub(crate) fn lex_double_quoted(src: &str, start: usize) -> Result<(StringLit, usize), Diagnostic> {
    let rest = src.get(start..).unwrap_or("");
    if rest.starts_with("\"\"\"") {
        return lex_raw(src, start);
    }
    let mut value = String::new();
    // Skip the opening quote (one byte).
    let mut chars = rest.char_indices().skip(1).peekable();
    while let Some((off, c)) = chars.next() {
        let at = start + off;
        match c {
            '"' => {
                let end = at + 1;
                let source = src.get(start + 1..at).unwrap_or("").to_string();
                let lit = StringLit {
                    value,
                    source,
                    raw: false,
                    span: Span::new(start, end),
                };
                return Ok((lit, end));
            }
            '\r' | '\n' => return Err(diag::unterminated_string(Span::new(start, at))),
            '\\' => {
                let Some((eoff, e)) = chars.next() else {
                    return Err(diag::unterminated_string(Span::new(start, src.len())));
                };
                let esc_end = start + eoff + e.len_utf8();
                match e {
                    'b' => value.push('\u{8}'),
                    't' => value.push('\t'),
                    'n' => value.push('\n'),
                    'f' => value.push('\u{c}'),
                    'r' => value.push('\r'),
                    '"' => value.push('"'),
                    '\'' => value.push('\''),
                    '\\' => value.push('\\'),
                    'u' => {
                        let (ch, after) = unicode_escape(src, at, esc_end)?;
                        value.push(ch);
                        // Advance the iterator past the `{...}` part we consumed.
                        while chars.peek().is_some_and(|&(o, _)| start + o < after) {
                            chars.next();
                        }
                    }
                    '\r' | '\n' => return Err(diag::unterminated_string(Span::new(start, at))),
                    other => return Err(diag::invalid_escape(other, Span::new(at, esc_end))),
                }
            }
            other => value.push(other),
        }
    }
    Err(diag::unterminated_string(Span::new(start, src.len())))
}

/// Decodes `\u{XXXX}`: `backslash` is the offset of `\`, `after_u` the offset just past `u`.
/// Returns the character and the offset just past `}`.
fn unicode_escape(
    src: &str,
    backslash: usize,
    after_u: usize,
) -> Result<(char, usize), Diagnostic> {
    let rest = src.get(after_u..).unwrap_or("");
    let bad = |end: usize| {
        diag::invalid_unicode_escape(
            "expected `\\u{` followed by 2 to 8 hex digits and `}`",
            Span::new(backslash, end),
        )
    };
    if !rest.starts_with('{') {
        return Err(bad(after_u));
    }
    // `rest` starts with the one-byte `{`, so byte 1 is a character boundary.
    let after_brace = rest.get(1..).unwrap_or("");
    let hex_len = after_brace
        .bytes()
        .take_while(u8::is_ascii_hexdigit)
        .count();
    let digits = &after_brace[..hex_len]; // hex digits are ASCII: a boundary
    let close = after_u + 1 + hex_len;
    if digits.is_empty() || !after_brace[hex_len..].starts_with('}') {
        return Err(bad(close));
    }
    let span = Span::new(backslash, close + 1);
    if !(2..=8).contains(&digits.len()) {
        return Err(diag::invalid_unicode_escape(
            &format!(
                "a unicode escape needs 2 to 8 hex digits, `{digits}` has {}",
                digits.len()
            ),
            span,
        ));
    }
    let code = u32::from_str_radix(digits, 16).map_err(|_| bad(close + 1))?;
    if (0xD800..=0xDFFF).contains(&code) {
        return Err(diag::invalid_unicode_escape(
            &format!("`{digits}` is a surrogate code point"),
            span,
        ));
    }
    let ch = char::from_u32(code).ok_or_else(|| {
        diag::invalid_unicode_escape(
            &format!("`{digits}` is not a valid unicode code point"),
            span,
        )
    })?;
    Ok((ch, close + 1))
}

/// Lexes `"""..."""`: no escapes, no line breaks, ends at the first `"""`; up to two further `"`
/// directly after it still belong to the content (as in Elasticsearch's lexer).
fn lex_raw(src: &str, start: usize) -> Result<(StringLit, usize), Diagnostic> {
    let body_start = start + 3;
    let rest = src.get(body_start..).unwrap_or("");
    // `find` returns character boundaries, and `"` is ASCII: every slice below is on a boundary.
    let line_end = rest.find(['\r', '\n']).unwrap_or(rest.len());
    let line = &rest[..line_end];
    let Some(close) = line.find("\"\"\"") else {
        return Err(diag::unterminated_raw_string(Span::new(
            start,
            body_start + line_end,
        )));
    };
    let mut content_end = close;
    let after = &line[close + 3..];
    let extra = after.bytes().take(2).take_while(|&b| b == b'"').count();
    content_end += extra;
    let source = line[..content_end].to_string();
    let end = body_start + content_end + 3;
    let lit = StringLit {
        value: source.clone(),
        source,
        raw: true,
        span: Span::new(start, end),
    };
    Ok((lit, end))
}

/// Measures a legacy single-quoted string (or `?"`/`?'` raw string) starting at `start` so that the
/// error can cover all of it. `quote` is the closing quote character, `skip` the prefix length.
pub(crate) fn legacy_string_end(src: &str, start: usize, skip: usize, quote: char) -> usize {
    let rest = src.get(start + skip..).unwrap_or("");
    let mut escaped = false;
    for (off, c) in rest.char_indices() {
        match c {
            '\r' | '\n' => return start + skip + off,
            '\\' if !escaped => escaped = true,
            c if c == quote && !escaped => return start + skip + off + 1,
            _ => escaped = false,
        }
    }
    src.len()
}

/// Renders `value` as the body of a double-quoted EQL string (escaping what must be escaped).
pub(crate) fn escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:04x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lex(src: &str) -> Result<(String, String, bool, usize), &'static str> {
        lex_double_quoted(src, 0)
            .map(|(l, end)| (l.value, l.source, l.raw, end))
            .map_err(|d| d.code)
    }

    #[test]
    fn decodes_escapes() {
        let cases: &[(&str, &str, &str)] = &[
            (r#""abc""#, "abc", "abc"),
            (r#""""#, "", ""),
            (r#""a\"b""#, "a\"b", r#"a\"b"#),
            (r#""\n\t\r\b\f""#, "\n\t\r\u{8}\u{c}", r"\n\t\r\b\f"),
            (r#""\\\\""#, "\\\\", r"\\\\"),
            (r#""principal=\\*""#, r"principal=\*", r"principal=\\*"),
            (r#""it\'s""#, "it's", r"it\'s"),
            (
                r#""\u{41}\u{00000042}\u{200f}""#,
                "AB\u{200f}",
                r"\u{41}\u{00000042}\u{200f}",
            ),
            (r#""é ü""#, "é ü", "é ü"),
        ];
        for (src, value, source) in cases {
            let (v, s, raw, end) = lex(src).unwrap_or_else(|e| panic!("{src}: {e}"));
            assert_eq!(
                (v.as_str(), s.as_str(), raw, end),
                (*value, *source, false, src.len()),
                "{src}"
            );
        }
    }

    #[test]
    fn raw_strings_keep_backslashes() {
        let cases: &[(&str, &str)] = &[
            (r#""""C:\Windows\""""#, r"C:\Windows\"),
            (r#""""a " b""""#, r#"a " b"#),
            (r#""""a""""""#, r#"a"""#),
            (r#""""""""#, ""),
        ];
        for (src, value) in cases {
            let (v, s, raw, end) = lex(src).unwrap_or_else(|e| panic!("{src}: {e}"));
            assert_eq!(
                (v.as_str(), s.as_str(), raw, end),
                (*value, *value, true, src.len()),
                "{src}"
            );
        }
        // Only the first `"""` closes the string.
        assert_eq!(lex(r#""""a""" b"""#).map(|r| r.3), Ok(7));
    }

    #[test]
    fn rejects_bad_strings() {
        let cases: &[(&str, &str)] = &[
            (r#""abc"#, "eql::unterminated_string"),
            ("\"ab\ncd\"", "eql::unterminated_string"),
            (r#""a\"#, "eql::unterminated_string"),
            (r#""\w""#, "eql::invalid_escape"),
            (r#""\u41""#, "eql::invalid_unicode_escape"),
            (r#""\u{4}""#, "eql::invalid_unicode_escape"),
            (r#""\u{123456789}""#, "eql::invalid_unicode_escape"),
            (r#""\u{d800}""#, "eql::invalid_unicode_escape"),
            (r#""\u{110000}""#, "eql::invalid_unicode_escape"),
            (r#""\u{zz}""#, "eql::invalid_unicode_escape"),
            (r#""\u{41""#, "eql::invalid_unicode_escape"),
            ("\"\"\"abc\n\"\"\"", "eql::unterminated_raw_string"),
        ];
        for (src, code) in cases {
            assert_eq!(lex(src).map(|_| ()), Err(*code), "{src}");
        }
    }

    #[test]
    fn escape_round_trips_through_the_lexer() {
        for value in [
            "plain",
            "q\"uote",
            "back\\slash",
            "nl\nx",
            "tab\t",
            "\u{1}ctl",
            "principal=\\*",
        ] {
            let src = format!("\"{}\"", escape(value));
            let (v, ..) = lex(&src).unwrap_or_else(|e| panic!("{src}: {e}"));
            assert_eq!(v, value);
        }
    }

    #[test]
    fn legacy_string_extent() {
        assert_eq!(legacy_string_end("'abc' x", 0, 1, '\''), 5);
        assert_eq!(legacy_string_end(r"'a\'b' x", 0, 1, '\''), 6);
        assert_eq!(legacy_string_end("?\"ab\" x", 0, 2, '"'), 5);
        assert_eq!(legacy_string_end("'abc", 0, 1, '\''), 4);
        assert_eq!(legacy_string_end("'ab\ncd'", 0, 1, '\''), 3);
    }
}

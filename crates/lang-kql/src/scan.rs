//! Character classes and the scanning of literals (quoted strings and unquoted values), with
//! Kibana's escape rules.

use crate::ast::Literal;
use trailhound_syntax::{Diagnostic, Span};

/// Kibana's `Space`: the only characters that separate tokens.
pub(crate) fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n' | '\u{A0}')
}

/// Characters that end an unquoted literal unless escaped with `\`.
pub(crate) fn is_special(c: char) -> bool {
    matches!(
        c,
        '\\' | '(' | ')' | ':' | '<' | '>' | '"' | '*' | '{' | '}'
    )
}

/// The characters JavaScript's `String.prototype.trim` removes (Kibana trims unquoted literals
/// with it): ECMAScript WhiteSpace and LineTerminator.
fn is_js_trim_space(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\u{B}' | '\u{C}' | '\r' | ' ' | '\u{A0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200A}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{202F}'
                | '\u{205F}'
                | '\u{3000}'
                | '\u{FEFF}'
    )
}

/// Whether `s` starts with the ASCII word `word`, ignoring ASCII case.
pub(crate) fn starts_with_ci(s: &str, word: &str) -> bool {
    s.as_bytes()
        .get(..word.len())
        .is_some_and(|b| b.eq_ignore_ascii_case(word.as_bytes()))
}

fn first_is_space(s: &str) -> bool {
    s.chars().next().is_some_and(is_space)
}

/// Kibana's `Keyword` look-ahead at `pos`: `␣or␣`, `␣and␣` or `not␣` (any case). Where it
/// matches, an unquoted literal ends.
pub(crate) fn keyword_at(src: &str, pos: usize) -> bool {
    let Some(rest) = src.get(pos..) else {
        return false;
    };
    if let Some(space) = rest.chars().next().filter(|&c| is_space(c)) {
        let after = &rest[space.len_utf8()..];
        for word in ["or", "and"] {
            // The word is ASCII, so a match ends on a character boundary.
            if starts_with_ci(after, word) && first_is_space(&after[word.len()..]) {
                return true;
            }
        }
    }
    starts_with_ci(rest, "not") && first_is_space(&rest[3..])
}

/// Scans a literal at `pos`: a quoted string or an unquoted value. Returns the literal and the
/// position after it (for an unquoted one, after any whitespace it swallowed), or `None` when no
/// character at `pos` can start a literal.
pub(crate) fn literal(src: &str, pos: usize) -> Result<Option<(Literal, usize)>, Diagnostic> {
    if src.get(pos..).is_some_and(|rest| rest.starts_with('"')) {
        quoted(src, pos).map(Some)
    } else {
        unquoted(src, pos)
    }
}

fn quoted(src: &str, start: usize) -> Result<(Literal, usize), Diagnostic> {
    let mut text = String::new();
    let mut pos = start + 1;
    loop {
        let rest = src.get(pos..).unwrap_or_default();
        let Some(c) = rest.chars().next() else {
            return Err(Diagnostic::new(
                "kql::unterminated_string",
                "unterminated quoted string",
                Span::new(start, src.len()),
            )
            .with_help(
                "close the string with `\"`; inside a string, write a quote as `\\\"` and a backslash as `\\\\`",
            ));
        };
        match c {
            '"' => {
                let end = pos + 1;
                let literal = Literal {
                    text,
                    quoted: true,
                    wildcards: Vec::new(),
                    span: Span::new(start, end),
                };
                return Ok((literal, end));
            }
            '\\' => {
                let next = rest[1..].chars().next();
                if let Some(ws) = next.and_then(escaped_whitespace) {
                    text.push(ws);
                    pos += 2;
                } else if let Some((ch, end)) = unicode_escape(src, pos)? {
                    text.push(ch);
                    pos = end;
                } else if let Some(q @ ('\\' | '"')) = next {
                    text.push(q);
                    pos += 2;
                } else {
                    // Any other backslash is an ordinary character inside quotes.
                    text.push('\\');
                    pos += 1;
                }
            }
            _ => {
                text.push(c);
                pos += c.len_utf8();
            }
        }
    }
}

/// `\t`, `\r`, `\n` (case-sensitive) stand for the whitespace character.
fn escaped_whitespace(after_backslash: char) -> Option<char> {
    match after_backslash {
        't' => Some('\t'),
        'r' => Some('\r'),
        'n' => Some('\n'),
        _ => None,
    }
}

fn hex4(src: &str, pos: usize) -> Option<u32> {
    let digits = src.get(pos..pos + 4)?;
    if digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        u32::from_str_radix(digits, 16).ok()
    } else {
        None
    }
}

/// `\uXXXX` at `pos` (the backslash). JavaScript strings are UTF-16, so a character outside the
/// BMP is written as two escapes; a lone half cannot be represented and is an error.
fn unicode_escape(src: &str, pos: usize) -> Result<Option<(char, usize)>, Diagnostic> {
    if src.get(pos + 1..pos + 2) != Some("u") {
        return Ok(None);
    }
    let Some(unit) = hex4(src, pos + 2) else {
        return Ok(None);
    };
    let end = pos + 6;
    if (0xD800..0xDC00).contains(&unit)
        && src.get(end..end + 2) == Some("\\u")
        && let Some(low @ 0xDC00..0xE000) = hex4(src, end + 2)
        && let Some(c) = char::from_u32(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))
    {
        return Ok(Some((c, end + 6)));
    }
    match char::from_u32(unit) {
        Some(c) => Ok(Some((c, end))),
        None => Err(Diagnostic::new(
            "kql::invalid_escape",
            format!("`{}` is half of a UTF-16 surrogate pair", &src[pos..end]),
            Span::new(pos, end),
        )
        .with_help(
            "write the character itself, or both halves of the pair (for example `\\uD83D\\uDE00`)",
        )),
    }
}

/// One character of an unquoted literal and where it came from.
struct Char {
    c: char,
    live_wildcard: bool,
    start: usize,
    end: usize,
}

/// The escape at `pos` (a backslash) inside an unquoted literal, in Kibana's order: whitespace,
/// special character, unicode, keyword. `None` when the backslash starts no escape.
fn unquoted_escape(
    src: &str,
    pos: usize,
    out: &mut Vec<Char>,
) -> Result<Option<usize>, Diagnostic> {
    let rest = src.get(pos + 1..).unwrap_or_default();
    let Some(next) = rest.chars().next() else {
        return Ok(None);
    };
    if let Some(ws) = escaped_whitespace(next) {
        out.push(Char {
            c: ws,
            live_wildcard: false,
            start: pos,
            end: pos + 2,
        });
        return Ok(Some(pos + 2));
    }
    if is_special(next) {
        let end = pos + 1 + next.len_utf8();
        out.push(Char {
            c: next,
            live_wildcard: false,
            start: pos,
            end,
        });
        return Ok(Some(end));
    }
    if let Some((c, end)) = unicode_escape(src, pos)? {
        out.push(Char {
            c,
            live_wildcard: false,
            start: pos,
            end,
        });
        return Ok(Some(end));
    }
    for word in ["or", "and", "not"] {
        if starts_with_ci(rest, word) {
            let end = pos + 1 + word.len();
            for c in rest[..word.len()].chars() {
                out.push(Char {
                    c,
                    live_wildcard: false,
                    start: pos,
                    end,
                });
            }
            return Ok(Some(end));
        }
    }
    Ok(None)
}

fn unquoted(src: &str, start: usize) -> Result<Option<(Literal, usize)>, Diagnostic> {
    let mut chars = Vec::new();
    let mut pos = start;
    while let Some(c) = src.get(pos..).and_then(|rest| rest.chars().next()) {
        if c == '\\' {
            match unquoted_escape(src, pos, &mut chars)? {
                Some(end) => pos = end,
                None => break,
            }
        } else if c == '*' {
            chars.push(Char {
                c,
                live_wildcard: true,
                start: pos,
                end: pos + 1,
            });
            pos += 1;
        } else if is_special(c) || keyword_at(src, pos) {
            break;
        } else {
            chars.push(Char {
                c,
                live_wildcard: false,
                start: pos,
                end: pos + c.len_utf8(),
            });
            pos += c.len_utf8();
        }
    }
    if chars.is_empty() {
        return Ok(None);
    }
    let trimmed = |ch: &Char| !ch.live_wildcard && is_js_trim_space(ch.c);
    let first = chars.iter().position(|ch| !trimmed(ch));
    let last = chars.iter().rposition(|ch| !trimmed(ch));
    let kept = match (first, last) {
        (Some(first), Some(last)) => &chars[first..=last],
        _ => &[],
    };
    let mut text = String::new();
    let mut wildcards = Vec::new();
    for ch in kept {
        if ch.live_wildcard {
            wildcards.push(text.len());
        }
        text.push(ch.c);
    }
    let span = match (kept.first(), kept.last()) {
        (Some(first), Some(last)) => Span::new(first.start, last.end),
        _ => Span::new(start, pos),
    };
    Ok(Some((
        Literal {
            text,
            quoted: false,
            wildcards,
            span,
        },
        pos,
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (source, expected text, expected live wildcard offsets, expected end of scan)
    type Case = (&'static str, &'static str, &'static [usize], usize);

    #[test]
    fn unquoted_literals() {
        let cases: &[Case] = &[
            ("foo", "foo", &[], 3),
            ("foo bar", "foo bar", &[], 7),
            ("foo   ", "foo", &[], 6),
            ("foo or bar", "foo", &[], 3),
            ("foo  or bar", "foo", &[], 4),
            ("foo OR bar", "foo", &[], 3),
            ("foo\u{A0}and\u{A0}bar", "foo", &[], 3),
            ("foo\nand bar", "foo", &[], 3),
            // A keyword needs whitespace on both sides (`not`: after only).
            ("foo or", "foo or", &[], 6),
            ("foo orbit", "foo orbit", &[], 9),
            ("oregon", "oregon", &[], 6),
            ("nothing here", "nothing here", &[], 12),
            ("cannot find", "can", &[], 3),
            ("not", "not", &[], 3),
            ("*or something*", "*or something*", &[0, 13], 14),
            // Special characters end the literal.
            ("foo:bar", "foo", &[], 3),
            ("a(b", "a", &[], 1),
            ("a<b", "a", &[], 1),
            ("a}b", "a", &[], 1),
            ("a\"b", "a", &[], 1),
            // Wildcards.
            ("*", "*", &[0], 1),
            ("*a*b*", "*a*b*", &[0, 2, 4], 5),
            ("S3 B*owser", "S3 B*owser", &[4], 10),
            // Escapes.
            (r"\*", "*", &[], 2),
            (r"foo\*bar*", "foo*bar*", &[7], 9),
            (r#"\\\(\)\:\<\>\"\*\{\}"#, "\\():<>\"*{}", &[], 20),
            (r"a\tb\rc\nd", "a\tb\rc\nd", &[], 10),
            (r"\u00e9t\u00C9", "étÉ", &[], 13),
            (r"\uD83D\uDE00!", "😀!", &[], 13),
            (r"\\u00A0", "\\u00A0", &[], 7),
            (r"foo \or bar", "foo or bar", &[], 11),
            (r"foo \AND bar", "foo AND bar", &[], 12),
            (r"\Not x", "Not x", &[], 6),
            // `\n` wins over the keyword escape: `\not` is a newline then `ot`.
            (r"a\not", "a\not", &[], 5),
            (r"*\: No such file*", "*: No such file*", &[0, 15], 17),
            (
                r"arn\:aws\:iam\:\:aws\:policy*",
                "arn:aws:iam::aws:policy*",
                &[23],
                29,
            ),
            // Escaped whitespace at the ends is trimmed like any whitespace.
            (r"\tfoo\n", "foo", &[], 7),
            (r"\t", "", &[], 2),
            ("é ü", "é ü", &[], 5),
        ];
        for &(src, text, wildcards, end) in cases {
            let (literal, scanned_end) = literal(src, 0).unwrap().unwrap();
            assert_eq!(literal.text, text, "text of {src:?}");
            assert_eq!(literal.wildcards, wildcards, "wildcards of {src:?}");
            assert!(!literal.quoted);
            assert_eq!(scanned_end, end, "end of {src:?}");
        }
    }

    #[test]
    fn unquoted_span_excludes_trimmed_whitespace() {
        let (literal, end) = literal("x:  foo bar  ", 4).unwrap().unwrap();
        assert_eq!(literal.span.range(), 4..11);
        assert_eq!(end, 13);
    }

    #[test]
    fn no_literal_where_nothing_can_start_one() {
        for src in [
            ")", ":", "<", "{", "}", "\\", "\\q", "\\'", "\\u12", "not x", "NOT\tx", "",
        ] {
            assert!(literal(src, 0).unwrap().is_none(), "{src:?}");
        }
    }

    #[test]
    fn quoted_literals() {
        let cases: &[(&str, &str, usize)] = &[
            (r#""foo bar""#, "foo bar", 9),
            (r#""a\"b""#, "a\"b", 6),
            (r#""a\\b""#, "a\\b", 6),
            // Wildcards and other specials are literal; an unknown escape keeps its backslash.
            (r#""*text*""#, "*text*", 8),
            (r#""\():<>*""#, "\\():<>*", 9),
            (r#""a\*""#, "a\\*", 5),
            (r#""C:\new""#, "C:\new", 8),
            (r#""\u0041\uZZ""#, "A\\uZZ", 12),
            (r#""or and not""#, "or and not", 12),
            ("\"multi\nline\"", "multi\nline", 12),
            (r#""""#, "", 2),
        ];
        for &(src, text, end) in cases {
            let (literal, scanned_end) = literal(src, 0).unwrap().unwrap();
            assert_eq!(literal.text, text, "{src:?}");
            assert!(literal.quoted && literal.wildcards.is_empty());
            assert_eq!(scanned_end, end, "{src:?}");
            assert_eq!(literal.span.range(), 0..end);
        }
    }

    #[test]
    fn scan_errors() {
        let cases: &[(&str, &str, std::ops::Range<usize>)] = &[
            (r#""abc"#, "kql::unterminated_string", 0..4),
            (r#""abc\""#, "kql::unterminated_string", 0..6),
            (r"\uD83D", "kql::invalid_escape", 0..6),
            (r"a\uDE00", "kql::invalid_escape", 1..7),
            (r#""\uD83Dx""#, "kql::invalid_escape", 1..7),
        ];
        for (src, code, span) in cases {
            let err = literal(src, 0).unwrap_err();
            assert_eq!(err.code, *code, "{src:?}");
            assert_eq!(err.span.range(), span.clone(), "{src:?}");
            assert!(err.help.is_some());
        }
    }

    #[test]
    fn keyword_lookahead() {
        let cases = [
            (" or x", true),
            (" OR\tx", true),
            (" and\nx", true),
            ("not x", true),
            ("NoT\u{A0}x", true),
            ("or x", false),
            (" or", false),
            (" orx", false),
            ("notx", false),
            ("not", false),
            (" not x", false),
        ];
        for (src, expected) in cases {
            assert_eq!(keyword_at(src, 0), expected, "{src:?}");
        }
    }
}

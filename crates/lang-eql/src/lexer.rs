//! Tokenizer. Follows the lexer rules of Elasticsearch's `EqlBase.g4`: lowercase keywords only,
//! `@`-prefixed identifiers, backtick-quoted identifiers, `name~` function names, `//` and nested
//! `/* */` comments, and the legacy string forms reported as errors.

use crate::ast::StringLit;
use crate::{diag, strings};
use std::fmt;
use trailhound_syntax::{Diagnostic, Span};

/// Reserved words. They are only recognised in lowercase; `AND` is an ordinary identifier.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kw {
    And,
    Any,
    By,
    False,
    In,
    InInsensitive,
    Join,
    Like,
    LikeInsensitive,
    Maxspan,
    Not,
    Null,
    Of,
    Or,
    Regex,
    RegexInsensitive,
    Sample,
    Sequence,
    True,
    Until,
    Where,
    With,
}

impl Kw {
    const ALL: [(Kw, &'static str); 22] = [
        (Kw::And, "and"),
        (Kw::Any, "any"),
        (Kw::By, "by"),
        (Kw::False, "false"),
        (Kw::In, "in"),
        (Kw::InInsensitive, "in~"),
        (Kw::Join, "join"),
        (Kw::Like, "like"),
        (Kw::LikeInsensitive, "like~"),
        (Kw::Maxspan, "maxspan"),
        (Kw::Not, "not"),
        (Kw::Null, "null"),
        (Kw::Of, "of"),
        (Kw::Or, "or"),
        (Kw::Regex, "regex"),
        (Kw::RegexInsensitive, "regex~"),
        (Kw::Sample, "sample"),
        (Kw::Sequence, "sequence"),
        (Kw::True, "true"),
        (Kw::Until, "until"),
        (Kw::Where, "where"),
        (Kw::With, "with"),
    ];

    pub(crate) fn text(self) -> &'static str {
        Kw::ALL
            .iter()
            .find(|(k, _)| *k == self)
            .map_or("?", |(_, t)| t)
    }

    pub(crate) fn from_text(text: &str) -> Option<Kw> {
        Kw::ALL.iter().find(|(_, t)| *t == text).map(|(k, _)| *k)
    }
}

/// Whether `name` is a reserved word (so it needs backticks to be used as a field name).
pub(crate) fn is_keyword(name: &str) -> bool {
    Kw::from_text(name).is_some()
}

/// Whether `name` can be written as an unquoted identifier.
pub(crate) fn is_plain_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    (first.is_ascii_alphabetic() || first == '_' || first == '@')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !is_keyword(name)
}

/// A token's kind and payload.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Tok {
    Ident(String),
    /// Backtick-quoted identifier, already unescaped.
    QuotedIdent(String),
    /// `name~`, stored without the tilde.
    TildeIdent(String),
    Str(StringLit),
    Int(String),
    Decimal(String),
    Kw(Kw),
    /// `:`
    Colon,
    /// `=`
    Assign,
    EqEq,
    NotEq,
    Lt,
    LtEq,
    Gt,
    GtEq,
    Plus,
    Minus,
    Star,
    Slash,
    Percent,
    Dot,
    Comma,
    LBracket,
    RBracket,
    LParen,
    RParen,
    Pipe,
    /// `?` before an optional field.
    Question,
    /// `![`
    MissingOpen,
    Eof,
}

impl fmt::Display for Tok {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = match self {
            Tok::Ident(n) => return write!(f, "identifier `{n}`"),
            Tok::QuotedIdent(n) => return write!(f, "quoted identifier `{n}`"),
            Tok::TildeIdent(n) => return write!(f, "`{n}~`"),
            Tok::Str(_) => "string",
            Tok::Int(n) | Tok::Decimal(n) => return write!(f, "number `{n}`"),
            Tok::Kw(k) => return write!(f, "`{}`", k.text()),
            Tok::Colon => "`:`",
            Tok::Assign => "`=`",
            Tok::EqEq => "`==`",
            Tok::NotEq => "`!=`",
            Tok::Lt => "`<`",
            Tok::LtEq => "`<=`",
            Tok::Gt => "`>`",
            Tok::GtEq => "`>=`",
            Tok::Plus => "`+`",
            Tok::Minus => "`-`",
            Tok::Star => "`*`",
            Tok::Slash => "`/`",
            Tok::Percent => "`%`",
            Tok::Dot => "`.`",
            Tok::Comma => "`,`",
            Tok::LBracket => "`[`",
            Tok::RBracket => "`]`",
            Tok::LParen => "`(`",
            Tok::RParen => "`)`",
            Tok::Pipe => "`|`",
            Tok::Question => "`?`",
            Tok::MissingOpen => "`![`",
            Tok::Eof => "end of query",
        };
        f.write_str(s)
    }
}

/// A token and where it is.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Token {
    pub(crate) tok: Tok,
    pub(crate) span: Span,
}

/// Splits `src` into tokens, ending with [`Tok::Eof`]. Stops at the first lexical error.
pub(crate) fn tokenize(src: &str) -> Result<Vec<Token>, Diagnostic> {
    let bytes = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i]; // i < len
        let next = bytes.get(i + 1).copied();
        let start = i;
        let single = |tok: Tok| Some((tok, 1));
        let two = |tok: Tok| Some((tok, 2));
        let simple = match (b, next) {
            (b' ' | b'\t' | b'\r' | b'\n', _) => {
                i += 1;
                continue;
            }
            (b'/', Some(b'/')) => {
                i = src[i..].find('\n').map_or(bytes.len(), |p| i + p + 1); // `/` is ASCII: boundary
                continue;
            }
            (b'/', Some(b'*')) => {
                i = skip_block_comment(src, i)?;
                continue;
            }
            (b'=', Some(b'=')) => two(Tok::EqEq),
            (b'!', Some(b'=')) => two(Tok::NotEq),
            (b'!', Some(b'[')) => two(Tok::MissingOpen),
            (b'<', Some(b'=')) => two(Tok::LtEq),
            (b'>', Some(b'=')) => two(Tok::GtEq),
            (b'=', _) => single(Tok::Assign),
            (b':', _) => single(Tok::Colon),
            (b'<', _) => single(Tok::Lt),
            (b'>', _) => single(Tok::Gt),
            (b'+', _) => single(Tok::Plus),
            (b'-', _) => single(Tok::Minus),
            (b'*', _) => single(Tok::Star),
            (b'/', _) => single(Tok::Slash),
            (b'%', _) => single(Tok::Percent),
            (b',', _) => single(Tok::Comma),
            (b'[', _) => single(Tok::LBracket),
            (b']', _) => single(Tok::RBracket),
            (b'(', _) => single(Tok::LParen),
            (b')', _) => single(Tok::RParen),
            (b'|', Some(b'|')) => {
                return Err(Diagnostic::new(
                    "eql::invalid_character",
                    "unexpected `||`",
                    Span::new(i, i + 2),
                )
                .with_help("use `or`"));
            }
            (b'|', _) => single(Tok::Pipe),
            (b'.', Some(d)) if d.is_ascii_digit() => None,
            (b'.', _) => single(Tok::Dot),
            (b'?', Some(b'"')) => {
                return Err(diag::legacy_raw_string(Span::new(
                    i,
                    strings::legacy_string_end(src, i, 2, '"'),
                )));
            }
            (b'?', Some(b'\'')) => {
                return Err(diag::legacy_raw_string(Span::new(
                    i,
                    strings::legacy_string_end(src, i, 2, '\''),
                )));
            }
            (b'?', _) => single(Tok::Question),
            (b'\'', _) => {
                return Err(diag::single_quoted_string(Span::new(
                    i,
                    strings::legacy_string_end(src, i, 1, '\''),
                )));
            }
            _ => None,
        };
        if let Some((tok, len)) = simple {
            out.push(Token {
                tok,
                span: Span::new(start, start + len),
            });
            i += len;
            continue;
        }
        let (tok, end) = match b {
            b'"' => {
                let (lit, end) = strings::lex_double_quoted(src, i)?;
                (Tok::Str(lit), end)
            }
            b'0'..=b'9' | b'.' => lex_number(src, i),
            b'`' => lex_quoted_ident(src, i)?,
            b if b.is_ascii_alphabetic() || b == b'_' || b == b'@' => lex_word(src, i),
            _ => {
                let c = src[i..].chars().next().unwrap_or('\u{fffd}'); // i is a boundary: we only stop on ASCII
                return Err(diag::invalid_character(c, Span::new(i, i + c.len_utf8())));
            }
        };
        out.push(Token {
            tok,
            span: Span::new(start, end),
        });
        i = end;
    }
    out.push(Token {
        tok: Tok::Eof,
        span: Span::at(src.len()),
    });
    Ok(out)
}

/// Skips a (nested) block comment starting at `start` (`/*`); returns the offset after it.
fn skip_block_comment(src: &str, start: usize) -> Result<usize, Diagnostic> {
    let bytes = src.as_bytes();
    let mut depth = 0usize;
    let mut i = start;
    while i < bytes.len() {
        match (bytes[i], bytes.get(i + 1)) {
            (b'/', Some(b'*')) => {
                depth += 1;
                i += 2;
            }
            (b'*', Some(b'/')) => {
                depth -= 1; // depth >= 1 here: we entered at `/*`
                i += 2;
                if depth == 0 {
                    return Ok(i);
                }
            }
            _ => i += 1,
        }
    }
    Err(diag::unterminated_comment(Span::new(
        start,
        (start + 2).min(src.len()),
    )))
}

/// `DIGIT+ ('.' DIGIT*)? EXPONENT?` or `'.' DIGIT+ EXPONENT?`.
fn lex_number(src: &str, start: usize) -> (Tok, usize) {
    let bytes = src.as_bytes();
    let digits = |from: usize| {
        bytes
            .get(from..)
            .map_or(0, |s| s.iter().take_while(|b| b.is_ascii_digit()).count())
    };
    let mut i = start + digits(start);
    let mut decimal = false;
    if bytes.get(i) == Some(&b'.') {
        decimal = true;
        i += 1 + digits(i + 1);
    }
    if matches!(bytes.get(i), Some(b'e' | b'E')) {
        let mut j = i + 1;
        if matches!(bytes.get(j), Some(b'+' | b'-')) {
            j += 1;
        }
        let n = digits(j);
        if n > 0 {
            decimal = true;
            i = j + n;
        }
    }
    let text = src[start..i].to_string(); // all ASCII: boundaries
    (
        if decimal {
            Tok::Decimal(text)
        } else {
            Tok::Int(text)
        },
        i,
    )
}

/// `` `...` `` with ``` `` ``` standing for one backtick.
fn lex_quoted_ident(src: &str, start: usize) -> Result<(Tok, usize), Diagnostic> {
    let mut name = String::new();
    let mut chars = src[start + 1..].char_indices().peekable(); // '`' is ASCII
    while let Some((off, c)) = chars.next() {
        if c == '`' {
            if chars.peek().map(|&(_, c)| c) == Some('`') {
                chars.next();
                name.push('`');
            } else {
                return Ok((Tok::QuotedIdent(name), start + 1 + off + 1));
            }
        } else {
            name.push(c);
        }
    }
    Err(Diagnostic::new(
        "eql::unterminated_identifier",
        "unterminated quoted identifier",
        Span::new(start, src.len()),
    )
    .with_help("close the field name with a backtick; write a backtick inside it as ``"))
}

/// Identifier, keyword, or `name~` (function name / `in~`, `like~`, `regex~`).
fn lex_word(src: &str, start: usize) -> (Tok, usize) {
    let bytes = src.as_bytes();
    // `start` holds an ASCII letter, `_` or `@`, so `start + 1 <= len`; words are ASCII.
    let len = bytes[start + 1..]
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
        .count();
    let end = start + 1 + len;
    let word = &src[start..end];
    if bytes.get(end) == Some(&b'~') && bytes[start].is_ascii_alphabetic() {
        let with_tilde = &src[start..end + 1]; // bytes[end] is `~`
        return match Kw::from_text(with_tilde) {
            Some(kw) => (Tok::Kw(kw), end + 1),
            None => (Tok::TildeIdent(word.to_string()), end + 1),
        };
    }
    match Kw::from_text(word) {
        Some(kw) => (Tok::Kw(kw), end),
        None => (Tok::Ident(word.to_string()), end),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> Vec<Tok> {
        tokenize(src)
            .unwrap_or_else(|d| panic!("{src}: {d}"))
            .into_iter()
            .map(|t| t.tok)
            .collect()
    }

    fn id(s: &str) -> Tok {
        Tok::Ident(s.into())
    }

    #[test]
    fn tokens() {
        use Tok::*;
        let cases: Vec<(&str, Vec<Tok>)> = vec![
            (
                "any where true",
                vec![
                    Kw(super::Kw::Any),
                    Kw(super::Kw::Where),
                    Kw(super::Kw::True),
                    Eof,
                ],
            ),
            (
                "a.b == 1",
                vec![id("a"), Dot, id("b"), EqEq, Int("1".into()), Eof],
            ),
            (
                "@timestamp >= 1.5e3",
                vec![id("@timestamp"), GtEq, Decimal("1.5e3".into()), Eof],
            ),
            ("x != .5", vec![id("x"), NotEq, Decimal(".5".into()), Eof]),
            (
                "1. 2e 3E-2",
                vec![
                    Decimal("1.".into()),
                    Int("2".into()),
                    id("e"),
                    Decimal("3E-2".into()),
                    Eof,
                ],
            ),
            (
                "in in~ like~ regex~",
                vec![
                    Kw(super::Kw::In),
                    Kw(super::Kw::InInsensitive),
                    Kw(super::Kw::LikeInsensitive),
                    Kw(super::Kw::RegexInsensitive),
                    Eof,
                ],
            ),
            (
                "startsWith~(",
                vec![TildeIdent("startsWith".into()), LParen, Eof],
            ),
            ("AND Where", vec![id("AND"), id("Where"), Eof]),
            (
                "`my field`.`a``b`",
                vec![
                    QuotedIdent("my field".into()),
                    Dot,
                    QuotedIdent("a`b".into()),
                    Eof,
                ],
            ),
            (
                "?f ![ ]",
                vec![Question, id("f"), MissingOpen, RBracket, Eof],
            ),
            ("a // c\n/* x /* y */ z */ b", vec![id("a"), id("b"), Eof]),
            ("a//end", vec![id("a"), Eof]),
            (
                "<<=>>=:=% / *",
                vec![Lt, LtEq, Gt, GtEq, Colon, Assign, Percent, Slash, Star, Eof],
            ),
            (
                "| + - , ( ) [ ]",
                vec![
                    Pipe, Plus, Minus, Comma, LParen, RParen, LBracket, RBracket, Eof,
                ],
            ),
        ];
        for (src, expected) in cases {
            assert_eq!(kinds(src), expected, "{src}");
        }
    }

    #[test]
    fn spans_are_byte_offsets() {
        let toks = tokenize("é == \"ü\"").map(|_| ());
        assert!(toks.is_err(), "non-ASCII identifiers are rejected");
        let toks = tokenize("a == \"ü\" ").unwrap_or_default();
        let spans: Vec<_> = toks.iter().map(|t| t.span.range()).collect();
        assert_eq!(spans, vec![0..1, 2..4, 5..9, 10..10]);
    }

    #[test]
    fn lexical_errors() {
        let cases: &[(&str, &str, std::ops::Range<usize>)] = &[
            ("a == 'x'", "eql::single_quoted_string", 5..8),
            ("a == ?\"x\"", "eql::legacy_raw_string", 5..9),
            ("a == ?'x'", "eql::legacy_raw_string", 5..9),
            ("a == \"x", "eql::unterminated_string", 5..7),
            ("a && b", "eql::invalid_character", 2..3),
            ("a || b", "eql::invalid_character", 2..4),
            ("!a", "eql::invalid_character", 0..1),
            ("a ~ b", "eql::invalid_character", 2..3),
            ("a # b", "eql::invalid_character", 2..3),
            ("`abc", "eql::unterminated_identifier", 0..4),
            ("a /* b", "eql::unterminated_comment", 2..4),
            ("a é", "eql::invalid_character", 2..4),
        ];
        for (src, code, span) in cases {
            let err = tokenize(src).map(|_| ()).expect_err(src);
            assert_eq!((err.code, err.span.range()), (*code, span.clone()), "{src}");
        }
    }

    #[test]
    fn keyword_helpers() {
        assert!(
            is_keyword("sequence")
                && is_keyword("in~")
                && !is_keyword("runs")
                && !is_keyword("AND")
        );
        assert!(is_plain_identifier("@timestamp") && is_plain_identifier("_a1"));
        assert!(
            !is_plain_identifier("1a")
                && !is_plain_identifier("a-b")
                && !is_plain_identifier("where")
        );
        assert!(!is_plain_identifier(""));
    }
}

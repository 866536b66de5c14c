//! Mode-dependent tokenizer.
//!
//! Like Elasticsearch's ANTLR lexer, ES|QL text is tokenized differently depending on the command
//! being parsed: expressions (`WHERE`, `EVAL`, ...), index sources (`FROM`, `LOOKUP JOIN`), and
//! field-name patterns (`KEEP`, `DROP`, `RENAME`, `ENRICH ... WITH`). The parser asks for the next
//! token in the mode it needs at its current byte offset; whitespace and comments (`//` to end of
//! line, nestable `/* */`) are skipped in every mode.

use trailhound_syntax::{Diagnostic, Span};

/// Expression-mode keywords (matched case-insensitively; they cannot be used as unquoted
/// identifiers inside expressions).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kw {
    And,
    Or,
    Not,
    In,
    Is,
    Like,
    RLike,
    Null,
    Nulls,
    True,
    False,
    Asc,
    Desc,
    First,
    Last,
    By,
    Where,
}

impl Kw {
    fn from_word(word: &str) -> Option<Kw> {
        let kw = match word.to_ascii_lowercase().as_str() {
            "and" => Kw::And,
            "or" => Kw::Or,
            "not" => Kw::Not,
            "in" => Kw::In,
            "is" => Kw::Is,
            "like" => Kw::Like,
            "rlike" => Kw::RLike,
            "null" => Kw::Null,
            "nulls" => Kw::Nulls,
            "true" => Kw::True,
            "false" => Kw::False,
            "asc" => Kw::Asc,
            "desc" => Kw::Desc,
            "first" => Kw::First,
            "last" => Kw::Last,
            "by" => Kw::By,
            "where" => Kw::Where,
            _ => return None,
        };
        Some(kw)
    }
}

/// Whether `word` is an expression-mode keyword (such names must be backquoted).
pub(crate) fn is_keyword(word: &str) -> bool {
    Kw::from_word(word).is_some()
}

/// Expression-mode token kinds.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Tok {
    Pipe,
    /// A string literal's unescaped value.
    Str(String),
    /// Integer literal digits.
    Int(String),
    /// Decimal literal text.
    Decimal(String),
    /// Unquoted identifier.
    Ident(String),
    /// Backquoted identifier (unescaped).
    QuotedIdent(String),
    Kw(Kw),
    Assign,
    CastOp,
    Colon,
    Comma,
    Dot,
    /// `?` (None), `?name` / `?1` (Some).
    Param(Option<String>),
    /// `??` / `??name` (development-only double parameters).
    DoubleParam,
    Eq,
    CiEq,
    Neq,
    Lt,
    Lte,
    Gt,
    Gte,
    Plus,
    Minus,
    Star,
    Slash,
    Percent,
    LBrace,
    RBrace,
    LBracket,
    RBracket,
    LParen,
    RParen,
    /// `;` (ends a `SET` directive).
    Semicolon,
    Eof,
}

impl Tok {
    /// How the token is quoted in error messages (ANTLR style: `'text'`).
    pub(crate) fn describe(&self) -> String {
        match self {
            Tok::Pipe => "'|'".into(),
            Tok::Str(_) => "string literal".into(),
            Tok::Int(t) | Tok::Decimal(t) | Tok::Ident(t) => format!("'{t}'"),
            Tok::QuotedIdent(t) => format!("'`{t}`'"),
            Tok::Kw(k) => format!("'{}'", format!("{k:?}").to_ascii_lowercase()),
            Tok::Assign => "'='".into(),
            Tok::CastOp => "'::'".into(),
            Tok::Colon => "':'".into(),
            Tok::Comma => "','".into(),
            Tok::Dot => "'.'".into(),
            Tok::Param(None) => "'?'".into(),
            Tok::Param(Some(n)) => format!("'?{n}'"),
            Tok::DoubleParam => "'??'".into(),
            Tok::Eq => "'=='".into(),
            Tok::CiEq => "'=~'".into(),
            Tok::Neq => "'!='".into(),
            Tok::Lt => "'<'".into(),
            Tok::Lte => "'<='".into(),
            Tok::Gt => "'>'".into(),
            Tok::Gte => "'>='".into(),
            Tok::Plus => "'+'".into(),
            Tok::Minus => "'-'".into(),
            Tok::Star => "'*'".into(),
            Tok::Slash => "'/'".into(),
            Tok::Percent => "'%'".into(),
            Tok::LBrace => "'{'".into(),
            Tok::RBrace => "'}'".into(),
            Tok::LBracket => "'['".into(),
            Tok::RBracket => "']'".into(),
            Tok::LParen => "'('".into(),
            Tok::RParen => "')'".into(),
            Tok::Semicolon => "';'".into(),
            Tok::Eof => "<EOF>".into(),
        }
    }
}

/// A token with its byte span.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Token {
    pub(crate) tok: Tok,
    pub(crate) span: Span,
}

/// Tokens of source mode (`FROM`, `LOOKUP JOIN`).
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum SrcTok {
    /// Unquoted index name/pattern text.
    Unquoted(String),
    /// Quoted string value.
    Quoted(String),
    Comma,
    Colon,
    CastOp,
    Pipe,
    /// Any other character sequence the parser must reject (e.g. `[`, `(`, `=`).
    Other(String),
    Eof,
}

/// Tokens of field-pattern mode (`KEEP`, `DROP`, `RENAME`, `ENRICH` fields, `MV_EXPAND`, ...).
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum PatTok {
    /// An `ID_PATTERN`: unquoted (`*` allowed) and backquoted segments.
    Pattern(Vec<crate::ast::PatternSegment>),
    Dot,
    Comma,
    Assign,
    Pipe,
    Param,
    /// Anything else (reported as an error by the parser).
    Other(String),
    Eof,
}

/// Shared scanning helpers over the query text.
pub(crate) struct Lexer<'a> {
    pub(crate) src: &'a str,
}

fn is_letter(c: char) -> bool {
    c.is_ascii_alphabetic()
}

fn is_id_body(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

impl<'a> Lexer<'a> {
    pub(crate) fn new(src: &'a str) -> Lexer<'a> {
        Lexer { src }
    }

    fn rest(&self, pos: usize) -> &'a str {
        self.src.get(pos..).unwrap_or("")
    }

    fn char_at(&self, pos: usize) -> Option<char> {
        self.rest(pos).chars().next()
    }

    /// Skips whitespace and comments; returns the next significant offset.
    pub(crate) fn skip_trivia(&self, mut pos: usize) -> Result<usize, Diagnostic> {
        loop {
            let rest = self.rest(pos);
            if let Some(c) = rest
                .chars()
                .next()
                .filter(|c| matches!(c, ' ' | '\t' | '\r' | '\n'))
            {
                pos += c.len_utf8();
            } else if rest.starts_with("//") {
                pos += rest.find('\n').map_or(rest.len(), |i| i + 1);
            } else if rest.starts_with("/*") {
                pos = self.skip_block_comment(pos)?;
            } else {
                return Ok(pos);
            }
        }
    }

    /// Skips a (nestable) block comment starting at `start`.
    fn skip_block_comment(&self, start: usize) -> Result<usize, Diagnostic> {
        let bytes = self.src.as_bytes();
        let mut depth = 0usize;
        let mut i = start;
        while i + 1 < bytes.len() + 1 {
            match (bytes.get(i), bytes.get(i + 1)) {
                (Some(b'/'), Some(b'*')) => {
                    depth += 1;
                    i += 2;
                }
                (Some(b'*'), Some(b'/')) => {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        return Ok(i);
                    }
                }
                (Some(_), _) => i += 1,
                (None, _) => break,
            }
        }
        Err(Diagnostic::new(
            "esql::syntax",
            "unterminated block comment",
            Span::new(start, self.src.len()),
        )
        .with_help("close the comment with `*/`"))
    }

    /// Reads a command word (letters, digits, `_`) at `pos` (after trivia).
    pub(crate) fn command_word(&self, pos: usize) -> (String, Span) {
        let rest = self.rest(pos);
        let len = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        (rest[..len].to_string(), Span::new(pos, pos + len))
    }

    /// Reads one expression-mode token at `pos` (which must already be past trivia).
    pub(crate) fn expr_token(&self, pos: usize) -> Result<Token, Diagnostic> {
        let rest = self.rest(pos);
        let Some(c) = rest.chars().next() else {
            return Ok(Token {
                tok: Tok::Eof,
                span: Span::at(pos),
            });
        };
        let tok = |tok: Tok, len: usize| {
            Ok(Token {
                tok,
                span: Span::new(pos, pos + len),
            })
        };
        let two = rest.get(..2).unwrap_or("");
        match two {
            "::" => return tok(Tok::CastOp, 2),
            "==" => return tok(Tok::Eq, 2),
            "=~" => return tok(Tok::CiEq, 2),
            "!=" => return tok(Tok::Neq, 2),
            "<=" => return tok(Tok::Lte, 2),
            ">=" => return tok(Tok::Gte, 2),
            _ => {}
        }
        match c {
            '|' => tok(Tok::Pipe, 1),
            '"' => self.string(pos),
            '`' => self.quoted_ident(pos).map(|(name, span)| Token {
                tok: Tok::QuotedIdent(name),
                span,
            }),
            '0'..='9' => Ok(self.number(pos)),
            // Safe: `rest` starts with the ASCII `.`.
            '.' if rest[1..].starts_with(|d: char| d.is_ascii_digit()) => Ok(self.number(pos)),
            '.' => tok(Tok::Dot, 1),
            '=' => tok(Tok::Assign, 1),
            ':' => tok(Tok::Colon, 1),
            ',' => tok(Tok::Comma, 1),
            '<' => tok(Tok::Lt, 1),
            '>' => tok(Tok::Gt, 1),
            '+' => tok(Tok::Plus, 1),
            '-' => tok(Tok::Minus, 1),
            '*' => tok(Tok::Star, 1),
            '/' => tok(Tok::Slash, 1),
            '%' => tok(Tok::Percent, 1),
            '{' => tok(Tok::LBrace, 1),
            '}' => tok(Tok::RBrace, 1),
            '[' => tok(Tok::LBracket, 1),
            ']' => tok(Tok::RBracket, 1),
            '(' => tok(Tok::LParen, 1),
            ')' => tok(Tok::RParen, 1),
            ';' => tok(Tok::Semicolon, 1),
            '?' => Ok(self.param(pos)),
            c if is_letter(c) || c == '_' || c == '@' => self.word(pos),
            other => Err(self.unrecognized(pos, other)),
        }
    }

    fn unrecognized(&self, pos: usize, c: char) -> Diagnostic {
        let rest = self.rest(pos);
        let span = Span::new(pos, pos + c.len_utf8());
        let d = Diagnostic::new(
            "esql::syntax",
            format!("token recognition error at: '{c}'"),
            span,
        );
        match c {
            '\'' => d.with_help(
                "ES|QL strings use double quotes: \"text\" (or \"\"\"text\"\"\" without escapes)",
            ),
            '&' if rest.starts_with("&&") => d.with_help("use `AND`"),
            '!' => d.with_help("use `NOT` for negation and `!=` for inequality"),
            _ => d,
        }
    }

    /// `?`, `?name`, `?1`, `??...`.
    fn param(&self, pos: usize) -> Token {
        let rest = self.rest(pos);
        if let Some(after) = rest.strip_prefix("??") {
            let len = 2 + after.find(|c: char| !is_id_body(c)).unwrap_or(after.len());
            return Token {
                tok: Tok::DoubleParam,
                span: Span::new(pos, pos + len),
            };
        }
        // Safe: `rest` starts with the ASCII `?`.
        let after = &rest[1..];
        let len = match after.chars().next() {
            Some(c) if is_letter(c) || c == '_' => {
                after.find(|c: char| !is_id_body(c)).unwrap_or(after.len())
            }
            Some(c) if c.is_ascii_digit() => after
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(after.len()),
            _ => 0,
        };
        let name = (len > 0).then(|| after[..len].to_string());
        Token {
            tok: Tok::Param(name),
            span: Span::new(pos, pos + 1 + len),
        }
    }

    /// Identifier or keyword. `_` and `@` must be followed by at least one body character.
    fn word(&self, pos: usize) -> Result<Token, Diagnostic> {
        let rest = self.rest(pos);
        let first = rest.chars().next().unwrap_or(' ');
        // Safe: the first character is ASCII (a letter, `_` or `@`).
        let body_len = rest[1..]
            .find(|c: char| !is_id_body(c))
            .unwrap_or(rest.len() - 1);
        if (first == '_' || first == '@') && body_len == 0 {
            return Err(Diagnostic::new(
                "esql::syntax",
                format!("token recognition error at: '{first}'"),
                Span::new(pos, pos + 1),
            )
            .with_help(
                "a lone `_` or `@` is not an identifier; quote unusual names with backticks",
            ));
        }
        let text = &rest[..1 + body_len];
        let span = Span::new(pos, pos + text.len());
        let tok = match Kw::from_word(text) {
            Some(kw) => Tok::Kw(kw),
            None => Tok::Ident(text.to_string()),
        };
        Ok(Token { tok, span })
    }

    /// Integer or decimal literal at `pos` (ES|QL `INTEGER_LITERAL` / `DECIMAL_LITERAL`).
    fn number(&self, pos: usize) -> Token {
        let b = self.rest(pos).as_bytes();
        let digits = |mut i: usize| {
            while b.get(i).is_some_and(|c| c.is_ascii_digit()) {
                i += 1;
            }
            i
        };
        let int_end = digits(0);
        let mut end = int_end;
        let mut decimal = false;
        if b.get(end) == Some(&b'.') {
            let frac_end = digits(end + 1);
            // `DIGIT+ '.' DIGIT*` or `'.' DIGIT+`
            if int_end > 0 || frac_end > end + 1 {
                end = frac_end;
                decimal = true;
            }
        }
        if matches!(b.get(end), Some(b'e' | b'E')) {
            let mut j = end + 1;
            if matches!(b.get(j), Some(b'+' | b'-')) {
                j += 1;
            }
            let exp_end = digits(j);
            if exp_end > j {
                end = exp_end;
                decimal = true;
            }
        }
        // Safe: `end` only advances over ASCII bytes.
        let text = self.rest(pos)[..end].to_string();
        let tok = if decimal {
            Tok::Decimal(text)
        } else {
            Tok::Int(text)
        };
        Token {
            tok,
            span: Span::new(pos, pos + end),
        }
    }

    /// String literal (`"..."` with `\t \n \r \" \\` escapes, or `"""..."""` verbatim).
    pub(crate) fn string(&self, pos: usize) -> Result<Token, Diagnostic> {
        let rest = self.rest(pos);
        if let Some(body) = rest.strip_prefix("\"\"\"") {
            // Lazy content up to the first `"""`, no line breaks; up to two more quotes belong
            // to the content (ES|QL `'"""' (~[\r\n])*? '"""' '"'? '"'?`).
            let line_end = body.find(['\r', '\n']).unwrap_or(body.len());
            // Safe: `line_end`, `close` and `end` are offsets of ASCII characters in `body`.
            if let Some(close) = body[..line_end].find("\"\"\"") {
                let mut end = close + 3;
                let mut extra = 0;
                while extra < 2 && body[end..].starts_with('"') {
                    end += 1;
                    extra += 1;
                }
                let value = body[..end - 3].to_string();
                return Ok(Token {
                    tok: Tok::Str(value),
                    span: Span::new(pos, pos + 3 + end),
                });
            }
            // ANTLR would match the empty string `""` here; report the real problem instead.
            return Err(Diagnostic::new(
                "esql::syntax",
                "unterminated triple-quoted string",
                Span::new(pos, pos + 3 + line_end),
            )
            .with_help("triple-quoted strings must end with `\"\"\"` on the same line"));
        }
        let mut value = String::new();
        let mut chars = rest.char_indices().skip(1);
        while let Some((i, c)) = chars.next() {
            match c {
                '"' => {
                    return Ok(Token {
                        tok: Tok::Str(value),
                        span: Span::new(pos, pos + i + 1),
                    });
                }
                '\\' => match chars.next() {
                    Some((_, 't')) => value.push('\t'),
                    Some((_, 'n')) => value.push('\n'),
                    Some((_, 'r')) => value.push('\r'),
                    Some((_, '"')) => value.push('"'),
                    Some((_, '\\')) => value.push('\\'),
                    Some((j, other)) => {
                        return Err(Diagnostic::new(
                            "esql::syntax",
                            format!("token recognition error at: '\\{other}'"),
                            Span::new(pos + i, pos + j + other.len_utf8()),
                        )
                        .with_help(
                            "only \\t \\n \\r \\\" and \\\\ are escapes; write \\\\ for a backslash or use \"\"\"...\"\"\"",
                        ));
                    }
                    None => break,
                },
                '\r' | '\n' => {
                    return Err(Diagnostic::new(
                        "esql::syntax",
                        "unterminated string literal",
                        Span::new(pos, pos + i),
                    )
                    .with_help("strings cannot span lines; use \\n"));
                }
                c => value.push(c),
            }
        }
        Err(Diagnostic::new(
            "esql::syntax",
            "unterminated string literal",
            Span::new(pos, self.src.len()),
        ))
    }

    /// Backquoted identifier at `pos`: returns the unescaped name and span.
    pub(crate) fn quoted_ident(&self, pos: usize) -> Result<(String, Span), Diagnostic> {
        let rest = self.rest(pos);
        let mut name = String::new();
        let mut chars = rest.char_indices().skip(1).peekable();
        while let Some((i, c)) = chars.next() {
            if c == '`' {
                if chars.peek().map(|&(_, n)| n) == Some('`') {
                    chars.next();
                    name.push('`');
                    continue;
                }
                if name.is_empty() {
                    return Err(Diagnostic::new(
                        "esql::syntax",
                        "empty quoted identifier",
                        Span::new(pos, pos + i + 1),
                    ));
                }
                return Ok((name, Span::new(pos, pos + i + 1)));
            }
            name.push(c);
        }
        Err(Diagnostic::new(
            "esql::syntax",
            "unterminated quoted identifier",
            Span::new(pos, self.src.len()),
        )
        .with_help("close the identifier with a backtick; write `` for a literal backtick"))
    }

    /// One source-mode token at `pos` (after trivia).
    pub(crate) fn source_token(&self, pos: usize) -> Result<(SrcTok, Span), Diagnostic> {
        let rest = self.rest(pos);
        let Some(c) = rest.chars().next() else {
            return Ok((SrcTok::Eof, Span::at(pos)));
        };
        let one = |t: SrcTok, n: usize| Ok((t, Span::new(pos, pos + n)));
        match c {
            '|' => one(SrcTok::Pipe, 1),
            ',' => one(SrcTok::Comma, 1),
            ':' if rest.starts_with("::") => one(SrcTok::CastOp, 2),
            ':' => one(SrcTok::Colon, 1),
            '"' => {
                let t = self.string(pos)?;
                match t.tok {
                    Tok::Str(v) => Ok((SrcTok::Quoted(v), t.span)),
                    _ => one(SrcTok::Other("\"".into()), 1),
                }
            }
            '=' | '[' | ']' => one(SrcTok::Other(c.to_string()), 1),
            _ => {
                // UNQUOTED_SOURCE: ~[:"=|,[\]/ \t\r\n] or '/' not followed by '*' or '/'.
                let mut len = 0;
                let mut it = rest.char_indices().peekable();
                while let Some((i, ch)) = it.next() {
                    let ok = match ch {
                        ':' | '"' | '=' | '|' | ',' | '[' | ']' | ' ' | '\t' | '\r' | '\n' => false,
                        '/' => !matches!(it.peek(), Some((_, '*' | '/')) | None),
                        _ => true,
                    };
                    if !ok {
                        break;
                    }
                    len = i + ch.len_utf8();
                    if ch == '/' {
                        // the following character is part of the same `'/' ~[*/]` unit
                        if let Some((j, n)) = it.next() {
                            len = j + n.len_utf8();
                        }
                    }
                }
                if len == 0 {
                    return one(SrcTok::Other(c.to_string()), c.len_utf8());
                }
                Ok((
                    SrcTok::Unquoted(rest[..len].to_string()),
                    Span::new(pos, pos + len),
                ))
            }
        }
    }

    /// One field-pattern-mode token at `pos` (after trivia).
    pub(crate) fn pattern_token(&self, pos: usize) -> Result<(PatTok, Span), Diagnostic> {
        use crate::ast::PatternSegment;
        let rest = self.rest(pos);
        let Some(c) = rest.chars().next() else {
            return Ok((PatTok::Eof, Span::at(pos)));
        };
        let one = |t: PatTok, n: usize| Ok((t, Span::new(pos, pos + n)));
        match c {
            '|' => return one(PatTok::Pipe, 1),
            '.' => return one(PatTok::Dot, 1),
            ',' => return one(PatTok::Comma, 1),
            '=' => return one(PatTok::Assign, 1),
            '?' => return one(PatTok::Param, 1),
            _ => {}
        }
        // ID_PATTERN: (UNQUOTED_ID_PATTERN | QUOTED_ID)+
        let mut segments = Vec::new();
        let mut i = pos;
        loop {
            match self.char_at(i) {
                Some('`') => {
                    let (name, span) = self.quoted_ident(i)?;
                    segments.push(PatternSegment::Quoted(name));
                    i = span.end;
                }
                Some(ch) if is_letter(ch) || ch == '*' || ch == '_' || ch == '@' => {
                    let r = self.rest(i);
                    // Safe: the first character is ASCII.
                    let body = r[1..]
                        .find(|c: char| !(is_id_body(c) || c == '*'))
                        .unwrap_or(r.len() - 1);
                    if (ch == '_' || ch == '@') && body == 0 {
                        break;
                    }
                    segments.push(PatternSegment::Unquoted(r[..1 + body].to_string()));
                    i += 1 + body;
                }
                _ => break,
            }
        }
        if segments.is_empty() {
            let len = c.len_utf8();
            return one(PatTok::Other(c.to_string()), len);
        }
        Ok((PatTok::Pattern(segments), Span::new(pos, i)))
    }

    /// Reads an `ENRICH` policy name (`ENRICH_POLICY_NAME`) at `pos`.
    pub(crate) fn policy_name(&self, pos: usize) -> (String, Span) {
        let rest = self.rest(pos);
        let stop = |c: char| {
            matches!(
                c,
                '\\' | '/' | '?' | '"' | '<' | '>' | '|' | ' ' | ',' | '#' | '\t' | '\r' | '\n'
            )
        };
        let len = rest.find(stop).unwrap_or(rest.len());
        (rest[..len].to_string(), Span::new(pos, pos + len))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(src: &str) -> Vec<Tok> {
        let lx = Lexer::new(src);
        let mut pos = 0;
        let mut out = Vec::new();
        loop {
            pos = lx.skip_trivia(pos).unwrap();
            let t = lx.expr_token(pos).unwrap();
            pos = t.span.end;
            if t.tok == Tok::Eof {
                return out;
            }
            out.push(t.tok);
        }
    }

    #[test]
    fn expression_tokens() {
        use Tok::*;
        let cases: Vec<(&str, Vec<Tok>)> = vec![
            ("a == 1", vec![Ident("a".into()), Eq, Int("1".into())]),
            (
                "@timestamp >= now()",
                vec![
                    Ident("@timestamp".into()),
                    Gte,
                    Ident("now".into()),
                    LParen,
                    RParen,
                ],
            ),
            (
                "1.5 .5 1. 1e3 2E-2",
                vec![
                    Decimal("1.5".into()),
                    Decimal(".5".into()),
                    Decimal("1.".into()),
                    Decimal("1e3".into()),
                    Decimal("2E-2".into()),
                ],
            ),
            ("7day", vec![Int("7".into()), Ident("day".into())]),
            (
                "x::long",
                vec![Ident("x".into()), CastOp, Ident("long".into())],
            ),
            ("`a``b`", vec![QuotedIdent("a`b".into())]),
            (
                "AND or Not",
                vec![Kw(super::Kw::And), Kw(super::Kw::Or), Kw(super::Kw::Not)],
            ),
            (
                "a // comment\n b",
                vec![Ident("a".into()), Ident("b".into())],
            ),
            (
                "a /* x /* nested */ y */ b",
                vec![Ident("a".into()), Ident("b".into())],
            ),
            ("a / b", vec![Ident("a".into()), Slash, Ident("b".into())]),
            (
                "? ?name ?1",
                vec![
                    Param(None),
                    Param(Some("name".into())),
                    Param(Some("1".into())),
                ],
            ),
            ("=~ =", vec![CiEq, Assign]),
            (r#""a\"b\\c\td""#, vec![Str("a\"b\\c\td".into())]),
            ("\"\"\"a\\b\"c\"\"\"", vec![Str("a\\b\"c".into())]),
            ("\"\"\"a\"\"\"\"", vec![Str("a\"".into())]),
            ("\"\"\"a\"\"\"\"\"", vec![Str("a\"\"".into())]),
            ("\"\"\"\"\"\"", vec![Str("".into())]),
            ("\"\"\"\"a\"\"\"", vec![Str("\"a".into())]),
            ("\"\"", vec![Str("".into())]),
            (
                "Esql_priv.x",
                vec![Ident("Esql_priv".into()), Dot, Ident("x".into())],
            ),
        ];
        for (src, want) in cases {
            assert_eq!(toks(src), want, "{src}");
        }
    }

    #[test]
    fn lexer_errors() {
        let cases = [
            ("'single'", "token recognition error at: '''"),
            ("\"bad \\x escape\"", "token recognition error at: '\\x'"),
            ("\"open", "unterminated string literal"),
            ("\"line\nbreak\"", "unterminated string literal"),
            ("\"\"\"open", "unterminated triple-quoted string"),
            ("_", "token recognition error at: '_'"),
            ("`open", "unterminated quoted identifier"),
            ("#", "token recognition error at: '#'"),
        ];
        for (src, msg) in cases {
            let lx = Lexer::new(src);
            let err = lx.expr_token(0).unwrap_err();
            assert_eq!(err.message, msg, "{src}");
        }
        let lx = Lexer::new("/* open");
        assert_eq!(
            lx.skip_trivia(0).unwrap_err().message,
            "unterminated block comment"
        );
    }

    #[test]
    fn source_tokens() {
        let lx = Lexer::new("logs-aws.cloudtrail-*, \"quoted\" metadata");
        let (t, s) = lx.source_token(0).unwrap();
        assert_eq!(t, SrcTok::Unquoted("logs-aws.cloudtrail-*".into()));
        assert_eq!(s.range(), 0..21);
        assert_eq!(lx.source_token(21).unwrap().0, SrcTok::Comma);
        assert_eq!(
            lx.source_token(23).unwrap().0,
            SrcTok::Quoted("quoted".into())
        );
        let lx = Lexer::new("logs-%{+yyyy/MM}//c");
        assert_eq!(
            lx.source_token(0).unwrap().0,
            SrcTok::Unquoted("logs-%{+yyyy/MM}".into())
        );
    }

    #[test]
    fn pattern_tokens() {
        use crate::ast::PatternSegment::*;
        let lx = Lexer::new("aws.*");
        assert_eq!(
            lx.pattern_token(0).unwrap().0,
            PatTok::Pattern(vec![Unquoted("aws".into())])
        );
        assert_eq!(lx.pattern_token(3).unwrap().0, PatTok::Dot);
        assert_eq!(
            lx.pattern_token(4).unwrap().0,
            PatTok::Pattern(vec![Unquoted("*".into())])
        );
        let lx = Lexer::new("a`b.c`*");
        assert_eq!(
            lx.pattern_token(0).unwrap().0,
            PatTok::Pattern(vec![
                Unquoted("a".into()),
                Quoted("b.c".into()),
                Unquoted("*".into())
            ])
        );
    }
}

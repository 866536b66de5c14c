//! Recursive-descent parser for the log search syntax (grammar in the crate documentation).

use std::net::IpAddr;

use trailhound_syntax::{Diagnostic, Span};

use super::ast::{
    Cidr, CidrBlock, CompareOp, Expr, ExprKind, Field, FieldKind, NotStyle, Part, Query,
    RESERVED_ATTRIBUTES, Range, Value, ValueExpr, ValueKind,
};

/// Deepest nesting of parentheses and negations accepted before giving up.
pub const MAX_DEPTH: usize = 128;

type PResult<T> = Result<T, Diagnostic>;

/// Parses a Datadog log search query.
///
/// An empty or all-whitespace query parses to a [`Query`] without expression (it matches every
/// event). Errors carry byte spans into `src`.
pub fn parse_query(src: &str) -> Result<Query, Diagnostic> {
    let mut p = Parser {
        src,
        pos: 0,
        depth: 0,
    };
    p.skip_ws();
    let span = Span::new(0, src.len());
    if p.peek().is_none() {
        return Ok(Query { expr: None, span });
    }
    let expr = p.parse_or(Parser::parse_term)?;
    p.skip_ws();
    if p.peek() == Some(')') {
        return Err(
            Diagnostic::new("datadog::unmatched_paren", "unmatched `)`", p.char_span())
                .with_help("remove it, or escape it as `\\)` to search for a parenthesis"),
        );
    }
    Ok(Query {
        expr: Some(expr),
        span,
    })
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Keyword {
    And,
    Or,
    Not,
}

impl Keyword {
    fn text(self) -> &'static str {
        match self {
            Keyword::And => "AND",
            Keyword::Or => "OR",
            Keyword::Not => "NOT",
        }
    }
}

/// The boolean layer shared by queries ([`Expr`]) and value groups ([`ValueExpr`]).
trait BoolNode: Sized {
    fn span(&self) -> Span;
    fn and(items: Vec<Self>, span: Span) -> Self;
    fn or(items: Vec<Self>, span: Span) -> Self;
    fn not(inner: Self, style: NotStyle, span: Span) -> Self;
    fn group(inner: Self, span: Span) -> Self;
}

impl BoolNode for Expr {
    fn span(&self) -> Span {
        self.span
    }
    fn and(items: Vec<Self>, span: Span) -> Self {
        Expr {
            kind: ExprKind::And(items),
            span,
        }
    }
    fn or(items: Vec<Self>, span: Span) -> Self {
        Expr {
            kind: ExprKind::Or(items),
            span,
        }
    }
    fn not(inner: Self, style: NotStyle, span: Span) -> Self {
        Expr {
            kind: ExprKind::Not(Box::new(inner), style),
            span,
        }
    }
    fn group(inner: Self, span: Span) -> Self {
        Expr {
            kind: ExprKind::Group(Box::new(inner)),
            span,
        }
    }
}

impl BoolNode for ValueExpr {
    fn span(&self) -> Span {
        self.span
    }
    fn and(items: Vec<Self>, span: Span) -> Self {
        ValueExpr {
            kind: ValueKind::And(items),
            span,
        }
    }
    fn or(items: Vec<Self>, span: Span) -> Self {
        ValueExpr {
            kind: ValueKind::Or(items),
            span,
        }
    }
    fn not(inner: Self, style: NotStyle, span: Span) -> Self {
        ValueExpr {
            kind: ValueKind::Not(Box::new(inner), style),
            span,
        }
    }
    fn group(inner: Self, span: Span) -> Self {
        ValueExpr {
            kind: ValueKind::Group(Box::new(inner)),
            span,
        }
    }
}

/// One operand list folded into a single node (a lone operand is returned as is).
fn combine<N: BoolNode>(mut items: Vec<N>, make: fn(Vec<N>, Span) -> N) -> N {
    match (items.first(), items.last()) {
        (Some(first), Some(last)) if items.len() > 1 => {
            let span = first.span().to(last.span());
            make(items, span)
        }
        // The operand lists built by the parser are never empty; a lone item is unwrapped.
        _ => items
            .pop()
            .unwrap_or_else(|| make(Vec::new(), Span::default())),
    }
}

/// An unquoted run of characters.
struct Word {
    parts: Vec<Part>,
    span: Span,
    /// The first character was written with a backslash (so `\@x` is not an attribute).
    first_escaped: bool,
}

impl Word {
    fn text(&self) -> String {
        let mut out = String::new();
        for part in &self.parts {
            if let Part::Text(t) = part {
                out.push_str(t);
            }
        }
        out
    }
}

/// Appends text and wildcards, merging adjacent text.
fn push_char(parts: &mut Vec<Part>, c: char) {
    if let Some(Part::Text(text)) = parts.last_mut() {
        text.push(c);
    } else {
        parts.push(Part::Text(c.to_string()));
    }
}

fn text_parts(text: String) -> Vec<Part> {
    if text.is_empty() {
        Vec::new()
    } else {
        vec![Part::Text(text)]
    }
}

fn is_boundary(c: Option<char>) -> bool {
    c.is_none_or(|c| c.is_whitespace() || c == ')')
}

struct Parser<'a> {
    src: &'a str,
    pos: usize,
    depth: usize,
}

impl<'a> Parser<'a> {
    fn rest(&self) -> &'a str {
        self.src.get(self.pos..).unwrap_or_default()
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn peek2(&self) -> Option<char> {
        self.rest().chars().nth(1)
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    fn skip_ws(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.bump();
        }
    }

    /// The span of the character at the cursor (empty at the end).
    fn char_span(&self) -> Span {
        Span::new(self.pos, self.pos + self.peek().map_or(0, char::len_utf8))
    }

    fn keyword(&self) -> Option<(Keyword, Span)> {
        let rest = self.rest();
        [Keyword::And, Keyword::Or, Keyword::Not]
            .into_iter()
            .find_map(|kw| {
                let after = rest.strip_prefix(kw.text())?;
                let next = after.chars().next();
                next.is_none_or(|c| c.is_whitespace() || matches!(c, '(' | ')' | '"'))
                    .then(|| (kw, Span::new(self.pos, self.pos + kw.text().len())))
            })
    }

    /// Nothing that can start an operand follows (end, `)`, or a binary operator).
    fn at_operand_end(&self) -> bool {
        match self.peek() {
            None | Some(')') => true,
            _ => matches!(self.keyword(), Some((Keyword::And | Keyword::Or, _))),
        }
    }

    fn nested<T>(&mut self, f: impl FnOnce(&mut Self) -> PResult<T>) -> PResult<T> {
        if self.depth >= MAX_DEPTH {
            return Err(too_deep(self.char_span()));
        }
        self.depth += 1;
        let result = f(self);
        self.depth -= 1;
        result
    }

    fn parse_or<N: BoolNode>(&mut self, leaf: fn(&mut Self) -> PResult<N>) -> PResult<N> {
        let mut items = vec![self.parse_and(leaf)?];
        loop {
            self.skip_ws();
            let Some((Keyword::Or, op)) = self.keyword() else {
                break;
            };
            self.pos = op.end;
            self.skip_ws();
            if self.at_operand_end() {
                return Err(missing_operand(Keyword::Or, op));
            }
            items.push(self.parse_and(leaf)?);
        }
        Ok(combine(items, N::or))
    }

    fn parse_and<N: BoolNode>(&mut self, leaf: fn(&mut Self) -> PResult<N>) -> PResult<N> {
        let mut items = vec![self.parse_unary(leaf)?];
        loop {
            self.skip_ws();
            if matches!(self.peek(), None | Some(')')) {
                break;
            }
            match self.keyword() {
                Some((Keyword::Or, _)) => break,
                Some((Keyword::And, op)) => {
                    self.pos = op.end;
                    self.skip_ws();
                    if self.at_operand_end() {
                        return Err(missing_operand(Keyword::And, op));
                    }
                }
                _ => {}
            }
            items.push(self.parse_unary(leaf)?);
        }
        Ok(combine(items, N::and))
    }

    fn parse_unary<N: BoolNode>(&mut self, leaf: fn(&mut Self) -> PResult<N>) -> PResult<N> {
        let start = self.pos;
        match self.keyword() {
            Some((Keyword::Not, op)) => {
                self.pos = op.end;
                self.skip_ws();
                if self.at_operand_end() {
                    return Err(missing_operand(Keyword::Not, op));
                }
                let inner = self.nested(|p| p.parse_unary(leaf))?;
                let span = Span::new(start, inner.span().end);
                Ok(N::not(inner, NotStyle::Keyword, span))
            }
            Some((kw, op)) => Err(missing_left_operand(kw, op)),
            None if self.peek() == Some('-') => {
                if is_boundary(self.peek2()) {
                    return Err(dangling_minus(self.char_span()));
                }
                self.bump();
                let inner = self.nested(|p| p.parse_unary(leaf))?;
                let span = Span::new(start, inner.span().end);
                Ok(N::not(inner, NotStyle::Minus, span))
            }
            None if self.peek() == Some('(') => self.parse_group(leaf),
            None => leaf(self),
        }
    }

    fn parse_group<N: BoolNode>(&mut self, leaf: fn(&mut Self) -> PResult<N>) -> PResult<N> {
        let start = self.pos;
        self.bump();
        let open = Span::new(start, start + 1);
        let inner = self.nested(|p| {
            p.skip_ws();
            match p.peek() {
                None => return Err(unclosed_paren(open)),
                Some(')') => return Err(empty_group(Span::new(start, p.pos + 1))),
                _ => {}
            }
            let inner = p.parse_or(leaf)?;
            p.skip_ws();
            // `parse_or` stops only at the end of input or at `)`.
            if p.bump() != Some(')') {
                return Err(unclosed_paren(open));
            }
            Ok(inner)
        })?;
        let group = N::group(inner, Span::new(start, self.pos));
        self.expect_boundary()?;
        Ok(group)
    }

    /// A query operand that is not a boolean operator or a parenthesised group.
    fn parse_term(&mut self) -> PResult<Expr> {
        let start = self.pos;
        let expr = match self.peek() {
            Some('"') => {
                let value = self.scan_phrase()?;
                Expr {
                    span: value.span,
                    kind: ExprKind::FreeText(value),
                }
            }
            _ if self.rest().starts_with("CIDR(") => self.parse_cidr()?,
            _ => {
                let word = self.scan_word(false, &[])?;
                if self.peek() == Some(':') {
                    let field = self.make_field(&word)?;
                    self.bump();
                    let value = self.parse_field_value()?;
                    Expr {
                        span: Span::new(start, value.span.end),
                        kind: ExprKind::Field(field, value),
                    }
                } else if word.parts.is_empty() {
                    return Err(self.unexpected_char());
                } else {
                    let text = word.text();
                    if !word.first_escaped && (text.starts_with('@') || text.starts_with('#')) {
                        return Err(Diagnostic::new(
                            "datadog::missing_value",
                            format!("`{text}` names an attribute but gives no value"),
                            word.span,
                        )
                        .with_help(format!(
                            "write `{text}:value`, or `{text}:*` to test that it exists"
                        )));
                    }
                    let kind = if word.parts == [Part::AnyChars] {
                        ExprKind::MatchAll
                    } else {
                        ExprKind::FreeText(Value {
                            quoted: false,
                            parts: word.parts,
                            span: word.span,
                        })
                    };
                    Expr {
                        kind,
                        span: word.span,
                    }
                }
            }
        };
        self.expect_boundary()?;
        Ok(expr)
    }

    fn make_field(&self, word: &Word) -> PResult<Field> {
        let span = word.span;
        if word.parts.is_empty() {
            return Err(Diagnostic::new(
                "datadog::missing_field",
                "`:` has no field name before it",
                self.char_span(),
            )
            .with_help("write `@attr:value`, or escape the colon as `\\:`"));
        }
        if word.parts == [Part::AnyChars] {
            return Ok(Field {
                kind: FieldKind::FullText,
                name: String::new(),
                span,
            });
        }
        if word.parts.iter().any(|p| !matches!(p, Part::Text(_))) {
            return Err(Diagnostic::new(
                "datadog::wildcard_field",
                "wildcards are not allowed in field names",
                span,
            )
            .with_help("use `*:value` to search every attribute"));
        }
        let text = word.text();
        let prefixed = |prefix: char, kind: FieldKind| -> Option<PResult<Field>> {
            let name = text.strip_prefix(prefix).filter(|_| !word.first_escaped)?;
            Some(if name.is_empty() {
                Err(Diagnostic::new(
                    "datadog::missing_field",
                    format!("`{prefix}` needs a name after it"),
                    span,
                )
                .with_help(format!("write `{prefix}name:value`")))
            } else {
                Ok(Field {
                    kind,
                    name: name.to_string(),
                    span,
                })
            })
        };
        if let Some(field) = prefixed('@', FieldKind::Attribute) {
            return field;
        }
        if let Some(field) = prefixed('#', FieldKind::Calculated) {
            return field;
        }
        let kind = if RESERVED_ATTRIBUTES.contains(&text.as_str()) {
            FieldKind::Reserved
        } else {
            FieldKind::Tag
        };
        Ok(Field {
            kind,
            name: text,
            span,
        })
    }

    /// The value after `field:` (the colon has been consumed).
    fn parse_field_value(&mut self) -> PResult<ValueExpr> {
        let colon = Span::new(self.pos.saturating_sub(1), self.pos);
        match self.peek() {
            None | Some(')') => Err(missing_value(
                colon,
                "write `field:value`, or `field:*` to test that it exists",
            )),
            Some(c) if c.is_whitespace() => Err(missing_value(
                colon,
                "remove the space after `:` (write `@attr:value`)",
            )),
            Some('(') => self.parse_group(Parser::parse_value_leaf),
            Some('[' | '{') => self.parse_range(),
            Some('>' | '<') => self.parse_compare(),
            Some('"') => {
                let value = self.scan_phrase()?;
                Ok(ValueExpr {
                    span: value.span,
                    kind: ValueKind::Match(value),
                })
            }
            Some('*') if is_boundary(self.peek2()) => {
                let span = self.char_span();
                self.bump();
                Ok(ValueExpr {
                    kind: ValueKind::Exists,
                    span,
                })
            }
            _ => {
                let leading_dash =
                    self.peek() == Some('-') && self.peek2().is_some_and(|c| c.is_ascii_digit());
                let word = self.scan_word(leading_dash, &[])?;
                if word.parts.is_empty() {
                    return Err(self.unexpected_char());
                }
                Ok(ValueExpr {
                    span: word.span,
                    kind: ValueKind::Match(word_value(word)),
                })
            }
        }
    }

    /// An operand inside a value group `field:( ... )`.
    fn parse_value_leaf(&mut self) -> PResult<ValueExpr> {
        let value = match self.peek() {
            Some('"') => {
                let value = self.scan_phrase()?;
                ValueExpr {
                    span: value.span,
                    kind: ValueKind::Match(value),
                }
            }
            Some('[' | '{') => self.parse_range()?,
            Some('>' | '<') => self.parse_compare()?,
            Some('*') if is_boundary(self.peek2()) => {
                let span = self.char_span();
                self.bump();
                ValueExpr {
                    kind: ValueKind::Exists,
                    span,
                }
            }
            _ => {
                let word = self.scan_word(false, &[])?;
                if self.peek() == Some(':') {
                    return Err(Diagnostic::new(
                        "datadog::field_in_value_group",
                        "a value group holds values, not `field:value` clauses",
                        word.span.to(self.char_span()),
                    )
                    .with_help("close the group first: `@a:(x OR y) OR @b:z`, or escape the colon as `\\:`"));
                }
                if word.parts.is_empty() {
                    return Err(self.unexpected_char());
                }
                ValueExpr {
                    span: word.span,
                    kind: ValueKind::Match(word_value(word)),
                }
            }
        };
        self.expect_boundary()?;
        Ok(value)
    }

    fn parse_compare(&mut self) -> PResult<ValueExpr> {
        let start = self.pos;
        let rest = self.rest();
        let (op, len) = if rest.starts_with(">=") {
            (CompareOp::Ge, 2)
        } else if rest.starts_with("<=") {
            (CompareOp::Le, 2)
        } else if rest.starts_with('>') {
            (CompareOp::Gt, 1)
        } else {
            (CompareOp::Lt, 1)
        };
        self.pos += len;
        let value = match self.peek() {
            Some('"') => self.scan_phrase()?,
            c if is_boundary(c) => {
                return Err(Diagnostic::new(
                    "datadog::missing_value",
                    format!("`{}` has no value to compare with", op.as_str()),
                    Span::new(start, self.pos),
                )
                .with_help(format!("write `@attr:{}100`", op.as_str())));
            }
            _ => {
                let leading_dash =
                    self.peek() == Some('-') && self.peek2().is_some_and(|c| c.is_ascii_digit());
                let word = self.scan_word(leading_dash, &[])?;
                if word.parts.is_empty() {
                    return Err(self.unexpected_char());
                }
                word_value(word)
            }
        };
        if value.has_wildcards() {
            return Err(Diagnostic::new(
                "datadog::wildcard_comparison",
                "wildcards are not allowed in comparisons",
                value.span,
            )
            .with_help("compare with a plain number, e.g. `@attr:>100`"));
        }
        let span = Span::new(start, value.span.end);
        Ok(ValueExpr {
            kind: ValueKind::Compare(op, value),
            span,
        })
    }

    fn parse_range(&mut self) -> PResult<ValueExpr> {
        let start = self.pos;
        let lower_inclusive = self.bump() == Some('[');
        self.skip_ws();
        let lower = self.scan_bound()?;
        let had_space = self.peek().is_some_and(char::is_whitespace);
        self.skip_ws();
        let to = self
            .rest()
            .strip_prefix("TO")
            .is_some_and(|after| after.starts_with(char::is_whitespace));
        if !had_space || !to {
            return Err(Diagnostic::new("datadog::invalid_range", "expected ` TO ` between the range bounds", self.char_span())
                .with_help("ranges are written `[low TO high]` (inclusive) or `{low TO high}` (exclusive), with an uppercase `TO`"));
        }
        self.pos += 2;
        self.skip_ws();
        let upper = self.scan_bound()?;
        self.skip_ws();
        let upper_inclusive = match self.peek() {
            Some(']') => true,
            Some('}') => false,
            _ => {
                return Err(Diagnostic::new(
                    "datadog::invalid_range",
                    "expected `]` or `}` to close the range",
                    Span::new(start, self.pos),
                )
                .with_help("`]` includes the upper bound, `}` excludes it"));
            }
        };
        self.bump();
        let range = Range {
            lower,
            lower_inclusive,
            upper,
            upper_inclusive,
        };
        Ok(ValueExpr {
            kind: ValueKind::Range(range),
            span: Span::new(start, self.pos),
        })
    }

    /// One range bound; `None` for an unescaped `*`.
    fn scan_bound(&mut self) -> PResult<Option<Value>> {
        let start = self.pos;
        if self.peek() == Some('"') {
            return self.scan_phrase().map(Some);
        }
        let mut text = String::new();
        let mut escaped = false;
        while let Some(c) = self.peek() {
            if c.is_whitespace() || c == ']' || c == '}' {
                break;
            }
            self.bump();
            if c == '\\' {
                text.push(self.escaped_char()?);
                escaped = true;
            } else {
                text.push(c);
            }
        }
        if text.is_empty() {
            return Err(Diagnostic::new(
                "datadog::invalid_range",
                "missing range bound",
                self.char_span(),
            )
            .with_help("write a value, or `*` for an open bound: `[100 TO *]`"));
        }
        if text == "*" && !escaped {
            return Ok(None);
        }
        Ok(Some(Value {
            quoted: false,
            parts: text_parts(text),
            span: Span::new(start, self.pos),
        }))
    }

    fn parse_cidr(&mut self) -> PResult<Expr> {
        let start = self.pos;
        self.pos += "CIDR(".len();
        let open = Span::new(start, self.pos);
        self.skip_ws();
        let word = self.scan_word(false, &[','])?;
        if word.parts.is_empty() {
            return Err(Diagnostic::new(
                "datadog::invalid_cidr",
                "`CIDR(` needs an attribute as its first argument",
                self.char_span(),
            )
            .with_help("write `CIDR(@network.client.ip, 10.0.0.0/8)`"));
        }
        let field = self.make_field(&word)?;
        if field.kind == FieldKind::FullText {
            return Err(Diagnostic::new(
                "datadog::invalid_cidr",
                "`CIDR` needs a named attribute, not `*`",
                word.span,
            )
            .with_help("write `CIDR(@network.client.ip, 10.0.0.0/8)`"));
        }
        self.skip_ws();
        if self.bump() != Some(',') {
            return Err(Diagnostic::new(
                "datadog::invalid_cidr",
                "expected `,` and a CIDR block after the attribute",
                word.span,
            )
            .with_help("write `CIDR(@network.client.ip, 10.0.0.0/8)`"));
        }
        let mut blocks = Vec::new();
        loop {
            self.skip_ws();
            let block_start = self.pos;
            while self
                .peek()
                .is_some_and(|c| !(c.is_whitespace() || c == ',' || c == ')'))
            {
                self.bump();
            }
            let span = Span::new(block_start, self.pos);
            blocks.push(parse_cidr_block(
                self.src.get(span.range()).unwrap_or_default(),
                span,
            )?);
            self.skip_ws();
            match self.bump() {
                Some(',') => {}
                Some(')') => break,
                _ => {
                    return Err(Diagnostic::new(
                        "datadog::invalid_cidr",
                        "`CIDR(` is not closed",
                        open,
                    )
                    .with_help("separate blocks with `,` and close with `)`"));
                }
            }
        }
        let span = Span::new(start, self.pos);
        Ok(Expr {
            kind: ExprKind::Cidr(Cidr { field, blocks }),
            span,
        })
    }

    /// An unquoted term. Stops before whitespace, `(`, `)`, `:` and any character in `stop`;
    /// rejects unescaped special characters. A leading `-` is text only when `leading_dash`.
    fn scan_word(&mut self, leading_dash: bool, stop: &[char]) -> PResult<Word> {
        let start = self.pos;
        let mut parts = Vec::new();
        let mut first_escaped = false;
        while let Some(c) = self.peek() {
            if c.is_whitespace() || matches!(c, '(' | ')' | ':') || stop.contains(&c) {
                break;
            }
            let at_start = self.pos == start;
            match c {
                '\\' => {
                    self.bump();
                    first_escaped |= at_start;
                    push_char(&mut parts, self.escaped_char()?);
                    continue;
                }
                '*' => parts.push(Part::AnyChars),
                '?' => parts.push(Part::AnyChar),
                '-' if at_start && !leading_dash => {
                    return Err(special_char(c, self.char_span(), true));
                }
                '+' | '=' if at_start => return Err(special_char(c, self.char_span(), true)),
                '&' | '|' if self.peek2() == Some(c) => {
                    let op = if c == '&' { "AND" } else { "OR" };
                    return Err(Diagnostic::new(
                        "datadog::unsupported_operator",
                        format!("`{c}{c}` is not a Datadog search operator"),
                        Span::new(self.pos, self.pos + 2),
                    )
                    .with_help(format!(
                        "write `{op}`, or escape the characters as `\\{c}\\{c}`"
                    )));
                }
                '"' | '[' | ']' | '{' | '}' | '<' | '>' | '~' | '^' | '!' | '“' | '”' => {
                    return Err(special_char(c, self.char_span(), at_start));
                }
                _ => push_char(&mut parts, c),
            }
            self.bump();
        }
        Ok(Word {
            parts,
            span: Span::new(start, self.pos),
            first_escaped,
        })
    }

    /// The character after a consumed backslash.
    fn escaped_char(&mut self) -> PResult<char> {
        self.bump().ok_or_else(|| {
            Diagnostic::new(
                "datadog::dangling_escape",
                "`\\` at the end of the query escapes nothing",
                Span::new(self.pos.saturating_sub(1), self.pos),
            )
            .with_help("write `\\\\` to search for a backslash")
        })
    }

    /// A `"..."` phrase; `\` escapes any character, wildcards are literal.
    fn scan_phrase(&mut self) -> PResult<Value> {
        let start = self.pos;
        self.bump();
        let mut text = String::new();
        loop {
            match self.bump() {
                Some('"') => break,
                Some('\\') => match self.bump() {
                    Some(c) => text.push(c),
                    None => return Err(unclosed_quote(start, self.pos)),
                },
                Some(c) => text.push(c),
                None => return Err(unclosed_quote(start, self.pos)),
            }
        }
        Ok(Value {
            quoted: true,
            parts: text_parts(text),
            span: Span::new(start, self.pos),
        })
    }

    /// After an operand: whitespace, `)` or the end must follow.
    fn expect_boundary(&self) -> PResult<()> {
        match self.peek() {
            None => Ok(()),
            Some(c) if c.is_whitespace() || c == ')' => Ok(()),
            Some(':') => Err(Diagnostic::new(
                "datadog::unescaped_special",
                "unexpected `:` after the value",
                self.char_span(),
            )
            .with_help("escape it as `\\:` or put the whole value in double quotes")),
            Some('(') => Err(Diagnostic::new(
                "datadog::unexpected_char",
                "missing space before `(`",
                self.char_span(),
            )
            .with_help("separate terms with a space; a literal parenthesis is written `\\(`")),
            Some(_) => Err(self.unexpected_char()),
        }
    }

    fn unexpected_char(&self) -> Diagnostic {
        match self.peek() {
            Some(c) => Diagnostic::new(
                "datadog::unexpected_char",
                format!("unexpected `{c}`"),
                self.char_span(),
            )
            .with_help("separate terms with a space, or escape the character with `\\`"),
            None => Diagnostic::new(
                "datadog::unexpected_end",
                "unexpected end of query",
                self.char_span(),
            ),
        }
    }
}

fn word_value(word: Word) -> Value {
    Value {
        quoted: false,
        parts: word.parts,
        span: word.span,
    }
}

fn parse_cidr_block(text: &str, span: Span) -> PResult<CidrBlock> {
    let invalid = |message: String| {
        Diagnostic::new("datadog::invalid_cidr", message, span)
            .with_help("write an address and a prefix length, e.g. `10.0.0.0/8`, `10.1.2.3/32` or `2001:db8::/32`")
    };
    if text.is_empty() {
        return Err(invalid("missing CIDR block".to_string()));
    }
    let (addr, prefix) = text
        .split_once('/')
        .ok_or_else(|| invalid(format!("`{text}` has no prefix length")))?;
    let addr: IpAddr = addr
        .parse()
        .map_err(|_| invalid(format!("`{addr}` is not an IP address")))?;
    let max = if addr.is_ipv4() { 32 } else { 128 };
    let prefix = prefix
        .parse::<u8>()
        .ok()
        .filter(|p| *p <= max)
        .ok_or_else(|| {
            invalid(format!(
                "prefix length `{prefix}` is not between 0 and {max}"
            ))
        })?;
    Ok(CidrBlock { addr, prefix, span })
}

#[cold]
#[inline(never)]
fn missing_operand(kw: Keyword, op: Span) -> Diagnostic {
    Diagnostic::new(
        "datadog::missing_operand",
        format!("`{}` has nothing after it", kw.text()),
        op,
    )
    .with_help(format!(
        "put a term after `{0}`, or write `\\{0}` to search for the word",
        kw.text()
    ))
}

#[cold]
#[inline(never)]
fn missing_value(colon: Span, help: &str) -> Diagnostic {
    Diagnostic::new("datadog::missing_value", "missing value after `:`", colon).with_help(help)
}

#[cold]
#[inline(never)]
fn unclosed_paren(open: Span) -> Diagnostic {
    Diagnostic::new("datadog::unclosed_paren", "`(` is never closed", open)
        .with_help("add the matching `)`")
}

#[cold]
#[inline(never)]
fn unclosed_quote(start: usize, end: usize) -> Diagnostic {
    Diagnostic::new(
        "datadog::unclosed_quote",
        "unterminated quoted phrase",
        Span::new(start, end),
    )
    .with_help("add the closing `\"`; a literal quote inside a phrase is written `\\\"`")
}

#[cold]
#[inline(never)]
fn special_char(c: char, span: Span, at_start: bool) -> Diagnostic {
    let help = match c {
        '!' if at_start => "negate with `NOT` or `-`, or write `\\!`".to_string(),
        '-' => "a `-` starting a value is written `\\-` (negation goes before the field: `-@attr:value`)".to_string(),
        '<' | '>' if at_start => format!("comparisons need an attribute: `@attr:{c}100`"),
        '[' | '{' if at_start => "ranges need an attribute: `@attr:[1 TO 5]`".to_string(),
        '“' | '”' => "curly quotes do not quote; use straight double quotes `\"`".to_string(),
        '"' => "a quoted phrase must be its own term; escape a literal quote as `\\\"`".to_string(),
        _ => format!("write `\\{c}`, or put the value in double quotes"),
    };
    Diagnostic::new(
        "datadog::unescaped_special",
        format!("special character `{c}` must be escaped"),
        span,
    )
    .with_help(help)
}

#[cold]
#[inline(never)]
fn too_deep(span: Span) -> Diagnostic {
    Diagnostic::new(
        "datadog::too_deep",
        format!("query nests deeper than {MAX_DEPTH} levels"),
        span,
    )
    .with_help("flatten the parentheses and negations")
}

#[cold]
#[inline(never)]
fn missing_left_operand(kw: Keyword, op: Span) -> Diagnostic {
    Diagnostic::new(
        "datadog::missing_operand",
        format!("`{}` has no left operand", kw.text()),
        op,
    )
    .with_help(format!(
        "put a term before `{0}`, or write `\\{0}` to search for the word",
        kw.text()
    ))
}

#[cold]
#[inline(never)]
fn dangling_minus(span: Span) -> Diagnostic {
    Diagnostic::new(
        "datadog::dangling_minus",
        "`-` must be glued to the term it excludes",
        span,
    )
    .with_help("write `-@attr:value` with no space after `-`, or `\\-` for a literal dash")
}

#[cold]
#[inline(never)]
fn empty_group(span: Span) -> Diagnostic {
    Diagnostic::new("datadog::empty_group", "empty parentheses", span)
        .with_help("put a term inside, or remove the parentheses")
}

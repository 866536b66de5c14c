//! Parser following Kibana's PEG grammar, with diagnostics that say why a query is not KQL.
//!
//! The grammar is written so that once an operator or delimiter has been read, no other
//! alternative can succeed (where the PEG backtracks, its parse fails later anyway), so this
//! parser commits and reports the first error where it is found. Parentheses, braces and `not`
//! are kept on an explicit stack rather than the call stack, so hostile nesting costs heap, not
//! stack; [`MAX_DEPTH`] still bounds it so that the tree stays shallow for its recursive users
//! (`Display`, `Drop`, evaluators).

use crate::ast::{Expr, Literal, RangeOp, ValueExpr};
use crate::scan::{self, is_space, starts_with_ci};
use std::mem;
use trailhound_syntax::{Diagnostic, Span};

/// Deepest nesting of parentheses, braces and `not` that [`parse`](crate::parse) accepts.
pub const MAX_DEPTH: usize = 256;

/// What came just before the current position, for error messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum After {
    Start,
    Open,
    Brace,
    Or,
    And,
    Not,
    Colon,
    Range(RangeOp),
}

impl After {
    fn describe(self) -> String {
        match self {
            After::Start => "at the start of the query".into(),
            After::Open => "after `(`".into(),
            After::Brace => "after `{`".into(),
            After::Or => "after `or`".into(),
            After::And => "after `and`".into(),
            After::Not => "after `not`".into(),
            After::Colon => "after `:`".into(),
            After::Range(op) => format!("after `{}`", op.as_str()),
        }
    }
}

/// The delimiter the parser is inside of, when it finds something it cannot continue with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Inside {
    Query,
    Paren(usize),
    Brace(usize),
}

/// The two kinds of boolean trees: queries and value lists.
trait Node: Sized {
    fn and(terms: Vec<Self>, span: Span) -> Self;
    fn or(terms: Vec<Self>, span: Span) -> Self;
    fn not(operand: Self, span: Span) -> Self;
}

impl Node for Expr {
    fn and(terms: Vec<Expr>, span: Span) -> Expr {
        Expr::And { terms, span }
    }
    fn or(terms: Vec<Expr>, span: Span) -> Expr {
        Expr::Or { terms, span }
    }
    fn not(operand: Expr, span: Span) -> Expr {
        Expr::Not {
            expr: Box::new(operand),
            span,
        }
    }
}

impl Node for ValueExpr {
    fn and(terms: Vec<ValueExpr>, span: Span) -> ValueExpr {
        ValueExpr::And { terms, span }
    }
    fn or(terms: Vec<ValueExpr>, span: Span) -> ValueExpr {
        ValueExpr::Or { terms, span }
    }
    fn not(operand: ValueExpr, span: Span) -> ValueExpr {
        ValueExpr::Not {
            value: Box::new(operand),
            span,
        }
    }
}

/// A node with its extent in the text (which, for a parenthesised group, includes the
/// parentheses).
type Spanned<T> = (T, Span);

/// `items` followed by `last`, combined with `make` unless `last` is alone.
fn fold<T>(
    mut items: Vec<Spanned<T>>,
    last: Spanned<T>,
    make: fn(Vec<T>, Span) -> T,
) -> Spanned<T> {
    let Some(&(_, first)) = items.first() else {
        return last;
    };
    let span = first.to(last.1);
    items.push(last);
    (
        make(items.into_iter().map(|(node, _)| node).collect(), span),
        span,
    )
}

/// The operands read so far at one level of parentheses: finished `and` chains joined by `or`,
/// and the `and` chain in progress.
struct Level<T> {
    ors: Vec<Spanned<T>>,
    ands: Vec<Spanned<T>>,
}

impl<T: Node> Level<T> {
    fn new() -> Level<T> {
        Level {
            ors: Vec::new(),
            ands: Vec::new(),
        }
    }

    /// `operand` is followed by `or`: its `and` chain is complete.
    fn end_chain(&mut self, operand: Spanned<T>) {
        let chain = fold(mem::take(&mut self.ands), operand, T::and);
        self.ors.push(chain);
    }

    /// `operand` ends the level.
    fn finish(self, operand: Spanned<T>) -> Spanned<T> {
        let chain = fold(self.ands, operand, T::and);
        fold(self.ors, chain, T::or)
    }
}

/// An open construct waiting for its operand or its closing delimiter; each holds the level it
/// interrupted.
enum Frame<T> {
    Not(usize),
    Paren(usize, Level<T>),
    Brace(Literal, usize, Level<T>),
}

/// What follows an operand.
enum Next<T> {
    /// An operator was read; another operand follows it.
    Operand(After),
    /// No operator: the operand is the last of its level.
    Close(Spanned<T>),
}

/// What a literal at operand position turned out to start.
enum Leaf {
    Expr(Spanned<Expr>),
    /// `field: {`, with the position at the brace.
    Nested(Literal),
}

pub(crate) struct Parser<'a> {
    src: &'a str,
    pos: usize,
    depth: usize,
    /// The last unquoted value read and where its scan ended, for help text.
    last_value: Option<(Literal, usize)>,
}

fn skip_spaces(src: &str, mut pos: usize) -> usize {
    while let Some(c) = src
        .get(pos..)
        .and_then(|rest| rest.chars().next())
        .filter(|&c| is_space(c))
    {
        pos += c.len_utf8();
    }
    pos
}

impl<'a> Parser<'a> {
    pub(crate) fn new(src: &'a str) -> Parser<'a> {
        Parser {
            src,
            pos: 0,
            depth: 0,
            last_value: None,
        }
    }

    /// Parses the whole text. `Ok(None)` for a query that is empty or only whitespace.
    pub(crate) fn query(mut self) -> Result<Option<Expr>, Diagnostic> {
        self.skip_ws();
        if self.rest().is_empty() {
            return Ok(None);
        }
        self.boolean_query().map(Some)
    }

    fn rest(&self) -> &'a str {
        self.src.get(self.pos..).unwrap_or_default()
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn skip_ws(&mut self) {
        self.pos = skip_spaces(self.src, self.pos);
    }

    fn enter(&mut self, at: usize) -> Result<(), Diagnostic> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(Diagnostic::new(
                "kql::too_deep",
                format!("query nests deeper than {MAX_DEPTH} levels"),
                Span::new(at, at + 1),
            ));
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.depth -= 1;
    }

    /// `␣+word␣+` at the current position (Kibana's `Or`/`And`); the position after it.
    fn separator(&self, word: &str) -> Option<usize> {
        let start = skip_spaces(self.src, self.pos);
        if start == self.pos || !starts_with_ci(self.src.get(start..)?, word) {
            return None;
        }
        let after = start + word.len();
        let end = skip_spaces(self.src, after);
        (end > after).then_some(end)
    }

    /// `not␣+` at the current position (Kibana's `Not`); the position after it.
    fn not_keyword(&self) -> Option<usize> {
        if !starts_with_ci(self.rest(), "not") {
            return None;
        }
        let after = self.pos + 3;
        let end = skip_spaces(self.src, after);
        (end > after).then_some(end)
    }

    /// Reads `not` and `(` at operand position onto `stack`; `Ok(true)` when one was read.
    fn open<T>(
        &mut self,
        stack: &mut Vec<Frame<T>>,
        level: &mut Level<T>,
        after: &mut After,
    ) -> Result<bool, Diagnostic>
    where
        T: Node,
    {
        if let Some(next) = self.not_keyword() {
            if *after == After::Not {
                return Err(self.misplaced_not(After::Not));
            }
            self.enter(self.pos)?;
            stack.push(Frame::Not(self.pos));
            self.pos = next;
            *after = After::Not;
            return Ok(true);
        }
        if self.peek() == Some('(') {
            self.enter(self.pos)?;
            stack.push(Frame::Paren(self.pos, mem::replace(level, Level::new())));
            self.pos += 1;
            self.skip_ws();
            *after = After::Open;
            return Ok(true);
        }
        Ok(false)
    }

    /// Applies the `not`s waiting on the stack to a finished operand.
    fn close_nots<T: Node>(
        &mut self,
        stack: &mut Vec<Frame<T>>,
        mut operand: Spanned<T>,
    ) -> Spanned<T> {
        while let Some(&Frame::Not(start)) = stack.last() {
            stack.pop();
            self.leave();
            let span = Span::new(start, operand.1.end);
            operand = (T::not(operand.0, span), span);
        }
        operand
    }

    /// After an operand: `and` or `or` (the operand joins `level`), or neither (the operand is
    /// handed back and the level must close).
    fn operator<T: Node>(&mut self, level: &mut Level<T>, operand: Spanned<T>) -> Next<T> {
        if let Some(next) = self.separator("and") {
            self.pos = next;
            level.ands.push(operand);
            return Next::Operand(After::And);
        }
        if let Some(next) = self.separator("or") {
            self.pos = next;
            level.end_chain(operand);
            return Next::Operand(After::Or);
        }
        self.skip_ws();
        Next::Close(operand)
    }

    /// The whole query: `or_query` with its parentheses, `not`s and nested braces.
    fn boolean_query(&mut self) -> Result<Expr, Diagnostic> {
        let mut stack: Vec<Frame<Expr>> = Vec::new();
        let mut level = Level::new();
        let mut after = After::Start;
        loop {
            let leaf = loop {
                if self.open(&mut stack, &mut level, &mut after)? {
                    continue;
                }
                match self.leaf(after)? {
                    Leaf::Expr(expr) => break expr,
                    Leaf::Nested(field) => {
                        self.enter(self.pos)?;
                        stack.push(Frame::Brace(
                            field,
                            self.pos,
                            mem::replace(&mut level, Level::new()),
                        ));
                        self.pos += 1;
                        self.skip_ws();
                        after = After::Brace;
                    }
                }
            };
            let mut operand = leaf;
            after = loop {
                operand = self.close_nots(&mut stack, operand);
                let finished = match self.operator(&mut level, operand) {
                    Next::Operand(after) => break after,
                    Next::Close(finished) => finished,
                };
                match (stack.pop(), self.peek()) {
                    (Some(Frame::Paren(open, outer)), Some(')')) => {
                        let (inner, _) = mem::replace(&mut level, outer).finish(finished);
                        self.pos += 1;
                        self.leave();
                        operand = (inner, Span::new(open, self.pos));
                    }
                    (Some(Frame::Brace(field, _, outer)), Some('}')) => {
                        let (inner, _) = mem::replace(&mut level, outer).finish(finished);
                        self.pos += 1;
                        self.leave();
                        let span = Span::new(field.span.start, self.pos);
                        operand = (
                            Expr::Nested {
                                field,
                                query: Box::new(inner),
                                span,
                            },
                            span,
                        );
                    }
                    (None, None) => return Ok(level.finish(finished).0),
                    (frame, _) => {
                        let inside = match frame {
                            Some(Frame::Paren(open, _)) => Inside::Paren(open),
                            Some(Frame::Brace(_, open, _)) => Inside::Brace(open),
                            _ => Inside::Query,
                        };
                        return Err(self.leftover(inside));
                    }
                }
            };
        }
    }

    /// A range, field match or free-text value, or the start of a nested query: all start with
    /// a literal.
    fn leaf(&mut self, after: After) -> Result<Leaf, Diagnostic> {
        let Some((field, end)) = scan::literal(self.src, self.pos)? else {
            return Err(self.missing(after, "term"));
        };
        self.pos = end;
        let after_literal = self.pos;
        self.skip_ws();
        if self.peek() == Some(':') {
            self.pos += 1;
            self.skip_ws();
            let (value, extent) = match self.peek() {
                Some('{') => return Ok(Leaf::Nested(field)),
                Some('(') => self.value_list()?,
                _ => {
                    let literal = self.value_literal(After::Colon)?;
                    let span = literal.span;
                    (ValueExpr::Value(literal), span)
                }
            };
            let span = Span::new(field.span.start, extent.end);
            return Ok(Leaf::Expr((Expr::Match { field, value, span }, span)));
        }
        if let Some((op, len)) = self.range_op() {
            self.pos += len;
            self.skip_ws();
            let value = self.value_literal(After::Range(op))?;
            let span = Span::new(field.span.start, value.span.end);
            return Ok(Leaf::Expr((
                Expr::Range {
                    field,
                    op,
                    value,
                    span,
                },
                span,
            )));
        }
        self.pos = after_literal;
        if !field.quoted {
            self.last_value = Some((field.clone(), after_literal));
        }
        let span = field.span;
        Ok(Leaf::Expr((Expr::FreeText { value: field, span }, span)))
    }

    fn range_op(&self) -> Option<(RangeOp, usize)> {
        let rest = self.rest();
        [
            ("<=", RangeOp::Lte),
            (">=", RangeOp::Gte),
            ("<", RangeOp::Lt),
            (">", RangeOp::Gt),
        ]
        .into_iter()
        .find(|(text, _)| rest.starts_with(text))
        .map(|(text, op)| (op, text.len()))
    }

    /// A parenthesised value list after `field:`, the position at its `(`.
    fn value_list(&mut self) -> Result<Spanned<ValueExpr>, Diagnostic> {
        let mut stack: Vec<Frame<ValueExpr>> = Vec::new();
        let mut level = Level::new();
        let mut after = After::Colon;
        loop {
            let leaf = loop {
                if self.open(&mut stack, &mut level, &mut after)? {
                    continue;
                }
                let literal = self.value_literal(after)?;
                let span = literal.span;
                break (ValueExpr::Value(literal), span);
            };
            let mut operand = leaf;
            after = loop {
                operand = self.close_nots(&mut stack, operand);
                let finished = match self.operator(&mut level, operand) {
                    Next::Operand(after) => break after,
                    Next::Close(finished) => finished,
                };
                match (stack.pop(), self.peek()) {
                    (Some(Frame::Paren(open, outer)), Some(')')) => {
                        let (inner, _) = mem::replace(&mut level, outer).finish(finished);
                        self.pos += 1;
                        self.leave();
                        operand = (inner, Span::new(open, self.pos));
                        if stack.is_empty() {
                            return Ok(operand);
                        }
                    }
                    (frame, _) => {
                        let inside = match frame {
                            Some(Frame::Paren(open, _)) => Inside::Paren(open),
                            _ => Inside::Query,
                        };
                        return Err(self.leftover(inside));
                    }
                }
            };
        }
    }

    fn value_literal(&mut self, after: After) -> Result<Literal, Diagnostic> {
        let Some((literal, end)) = scan::literal(self.src, self.pos)? else {
            return Err(self.missing(after, "value"));
        };
        self.pos = end;
        if !literal.quoted {
            self.last_value = Some((literal.clone(), end));
        }
        Ok(literal)
    }

    // ---- diagnostics -------------------------------------------------------------------

    fn here(&self, len: usize) -> Span {
        Span::new(self.pos, (self.pos + len).min(self.src.len()))
    }

    /// No literal could start at the current position, where `after` expected a `what`.
    fn missing(&self, after: After, what: &str) -> Diagnostic {
        let Some(c) = self.peek() else {
            return Diagnostic::new(
                "kql::expected_term",
                format!(
                    "expected a {what} {}, found the end of the query",
                    after.describe()
                ),
                Span::at(self.src.len()),
            );
        };
        if self.not_keyword().is_some() {
            return self.misplaced_not(after);
        }
        match c {
            '\\' => self.invalid_escape(),
            ')' | '}' => Diagnostic::new(
                "kql::expected_term",
                format!("expected a {what} {}, found `{c}`", after.describe()),
                self.here(1),
            ),
            ':' | '<' | '>' => Diagnostic::new(
                "kql::expected_term",
                format!("missing field name before `{c}`"),
                self.here(1),
            )
            .with_help("write the field name first, for example `event.action: value`"),
            '{' => Diagnostic::new("kql::unexpected", "unexpected `{`", self.here(1)).with_help(
                "a nested query is written `field: { query }`; escape a literal brace as `\\{`",
            ),
            _ => self.unexpected(c),
        }
    }

    fn misplaced_not(&self, after: After) -> Diagnostic {
        let span = self.here(3);
        match after {
            After::Not => Diagnostic::new("kql::misplaced_not", "`not` cannot directly follow `not`", span)
                .with_help("Kibana's grammar allows one `not` per operand; write `not (not x)` if a double negation is really meant"),
            After::Colon => Diagnostic::new("kql::misplaced_not", "`not` cannot follow `field:`", span).with_help(
                "write `not field: value`, or negate inside a value list: `field: (not value)`; to search for the word, quote it",
            ),
            _ => Diagnostic::new("kql::expected_term", format!("expected a term {}", after.describe()), span),
        }
    }

    fn invalid_escape(&self) -> Diagnostic {
        let escaped = self.rest().chars().nth(1);
        let len = 1 + escaped.map_or(0, char::len_utf8);
        let message = match escaped {
            Some(c) => format!("`\\{c}` is not a KQL escape"),
            None => "`\\` at the end of the query escapes nothing".into(),
        };
        Diagnostic::new("kql::invalid_escape", message, self.here(len)).with_help(
            "KQL escapes `\\\\ \\( \\) \\: \\< \\> \\\" \\* \\{ \\}`, `\\t \\r \\n`, `\\uXXXX` and the words `\\or \\and \\not`; write a backslash as `\\\\`",
        )
    }

    fn unexpected(&self, c: char) -> Diagnostic {
        let help = match c {
            '(' | ')' | ':' | '<' | '>' | '{' | '}' => {
                format!(
                    "to search for `{c}`, escape it as `\\{c}` or quote the value (quoted values have no wildcards)"
                )
            }
            _ => "join terms with `and` or `or`".into(),
        };
        Diagnostic::new(
            "kql::unexpected",
            format!("unexpected `{c}`"),
            self.here(c.len_utf8()),
        )
        .with_help(help)
    }

    fn previous_char(&self) -> Option<char> {
        self.src
            .get(..self.pos)
            .and_then(|before| before.chars().next_back())
    }

    /// The unquoted value that ends right at the current position, if any.
    fn value_before(&self) -> Option<&Literal> {
        self.last_value
            .as_ref()
            .filter(|(_, end)| *end == self.pos)
            .map(|(value, _)| value)
    }

    fn missing_operator(&self, c: char, lucene: bool) -> Diagnostic {
        let mut help =
            "KQL does not split on whitespace: join terms with `and` or `or`".to_string();
        if lucene {
            help.push_str("; `&&` and `||` are not KQL operators");
        }
        Diagnostic::new(
            "kql::missing_operator",
            format!("expected `and`, `or` or the end of the query before `{c}`"),
            self.here(c.len_utf8()),
        )
        .with_help(help)
    }

    /// A complete term was read but what follows cannot continue the query.
    fn leftover(&mut self, inside: Inside) -> Diagnostic {
        self.skip_ws();
        let rest = self.rest();
        let Some(c) = rest.chars().next() else {
            return match inside {
                Inside::Paren(open) => Diagnostic::new(
                    "kql::unbalanced_paren",
                    "unclosed `(`",
                    Span::new(open, open + 1),
                )
                .with_help("add the matching `)`"),
                Inside::Brace(open) => Diagnostic::new(
                    "kql::unbalanced_brace",
                    "unclosed `{`",
                    Span::new(open, open + 1),
                )
                .with_help("add the matching `}`"),
                // The top level never calls this at the end of the text.
                Inside::Query => Diagnostic::new(
                    "kql::unexpected",
                    "unexpected end of query",
                    Span::at(self.pos),
                ),
            };
        };
        match c {
            ')' if !matches!(inside, Inside::Paren(_)) => {
                return Diagnostic::new("kql::unbalanced_paren", "unmatched `)`", self.here(1))
                    .with_help("remove it, or add the `(` it should close; escape a literal parenthesis as `\\)`");
            }
            '}' if !matches!(inside, Inside::Brace(_)) => {
                return Diagnostic::new("kql::unbalanced_brace", "unmatched `}`", self.here(1))
                    .with_help("remove it, or escape a literal brace as `\\}`");
            }
            '\\' => return self.invalid_escape(),
            _ => {}
        }
        for keyword in ["and", "or"] {
            if starts_with_ci(rest, keyword) {
                let spaced_before = self.previous_char().is_some_and(is_space);
                let next = rest[keyword.len()..].chars().next();
                let spaced_after = next.is_some_and(is_space);
                let glued_word = next.is_some_and(char::is_alphanumeric);
                if !glued_word && (!spaced_before || !spaced_after) {
                    return Diagnostic::new(
                        "kql::keyword_spacing",
                        format!(
                            "`{}` needs whitespace on both sides",
                            &rest[..keyword.len()]
                        ),
                        self.here(keyword.len()),
                    )
                    .with_help(format!("write ` {keyword} ` between the two terms"));
                }
            }
        }
        if self.not_keyword().is_some() {
            let cut_word =
                self.value_before().is_some() && !self.previous_char().is_some_and(is_space);
            return if cut_word {
                Diagnostic::new(
                    "kql::keyword_in_value",
                    "`not` followed by whitespace ends an unquoted value, even inside a word",
                    self.here(3),
                )
                .with_help("quote the value (quoted values have no wildcards) or write the `n` as `\\u006E`")
            } else {
                Diagnostic::new(
                    "kql::misplaced_not",
                    "`not` cannot follow a term",
                    self.here(3),
                )
                .with_help("write `and not` (or `or not`) between the two terms")
            };
        }
        let Some(value) = self.value_before() else {
            return self.missing_operator(c, false);
        };
        let last_word = value.text.rsplit(is_space).next().unwrap_or_default();
        if c == '('
            && let Some(keyword) = ["not", "or", "and"]
                .into_iter()
                .find(|kw| last_word.eq_ignore_ascii_case(kw))
        {
            return Diagnostic::new(
                "kql::keyword_spacing",
                format!("`{keyword}` must be followed by whitespace before `(`"),
                self.here(1),
            )
            .with_help(format!("write `{keyword} (`"));
        }
        let lucene = value
            .text
            .split(is_space)
            .any(|word| word == "&&" || word == "||");
        if lucene || c == '"' || (c == ':' && value.text.contains(is_space)) {
            return self.missing_operator(c, lucene);
        }
        self.unexpected(c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(src: &str) -> Result<Option<Expr>, Diagnostic> {
        Parser::new(src).query()
    }

    /// (query, code, span of the error)
    type ErrorCase = (&'static str, &'static str, std::ops::Range<usize>);

    #[test]
    fn errors_point_at_the_problem() {
        let cases: &[ErrorCase] = &[
            // Unbalanced delimiters.
            ("(a or b", "kql::unbalanced_paren", 0..1),
            ("f: (a or b", "kql::unbalanced_paren", 3..4),
            ("a)", "kql::unbalanced_paren", 1..2),
            ("(a))", "kql::unbalanced_paren", 3..4),
            ("f:{ a: 1", "kql::unbalanced_brace", 2..3),
            ("a}", "kql::unbalanced_brace", 1..2),
            ("f:{ a: 1 )", "kql::unbalanced_paren", 9..10),
            // Strings and escapes.
            ("f: \"abc", "kql::unterminated_string", 3..7),
            (r"f: a\qb", "kql::invalid_escape", 4..6),
            (r"f: foo\'bar", "kql::invalid_escape", 6..8),
            (r"a\", "kql::invalid_escape", 1..2),
            (r"\q", "kql::invalid_escape", 0..2),
            // Missing terms.
            ("a or ", "kql::expected_term", 5..5),
            ("a and ", "kql::expected_term", 6..6),
            ("not ", "kql::expected_term", 4..4),
            ("f:", "kql::expected_term", 2..2),
            ("f: ()", "kql::expected_term", 4..5),
            ("()", "kql::expected_term", 1..2),
            ("f < ", "kql::expected_term", 4..4),
            (": a", "kql::expected_term", 0..1),
            ("a or : b", "kql::expected_term", 5..6),
            ("(a or )", "kql::expected_term", 6..7),
            // Operators and keywords.
            ("\"a\" \"b\"", "kql::missing_operator", 4..5),
            ("f: a \"b\"", "kql::missing_operator", 5..6),
            ("a:b c:d", "kql::missing_operator", 5..6),
            ("(a) b", "kql::missing_operator", 4..5),
            ("\"a\" orange", "kql::missing_operator", 4..5),
            ("\"a\" or\"b\"", "kql::keyword_spacing", 4..6),
            ("\"a\"and \"b\"", "kql::keyword_spacing", 3..6),
            ("(a)or(b)", "kql::keyword_spacing", 3..5),
            ("(a) or(b)", "kql::keyword_spacing", 4..6),
            ("not(a)", "kql::keyword_spacing", 3..4),
            ("a or(b)", "kql::keyword_spacing", 4..5),
            ("not not a", "kql::misplaced_not", 4..7),
            ("f: not a", "kql::misplaced_not", 3..6),
            ("f: (not not a)", "kql::misplaced_not", 8..11),
            (
                "process.name: not not not foo",
                "kql::misplaced_not",
                14..17,
            ),
            ("a not b", "kql::misplaced_not", 2..5),
            ("\"a\" not b", "kql::misplaced_not", 4..7),
            ("f: cannot find", "kql::keyword_in_value", 6..9),
            ("f: *not this*", "kql::keyword_in_value", 4..7),
            // Misplaced special characters.
            ("f: *:i-*", "kql::unexpected", 4..5),
            ("f: foo<bar*", "kql::unexpected", 6..7),
            ("f: *foo bar>baz*", "kql::unexpected", 11..12),
            ("f: a(b)", "kql::unexpected", 4..5),
            ("a {", "kql::unexpected", 2..3),
            ("f: {", "kql::expected_term", 4..4),
            ("f < 1 < 2", "kql::unexpected", 6..7),
        ];
        for (src, code, span) in cases {
            let err = parse(src).expect_err(src);
            assert_eq!(
                (err.code, err.span.range()),
                (*code, span.clone()),
                "{src:?}: {}",
                err.message
            );
        }
    }

    #[test]
    fn help_lines_explain_porting_mistakes() {
        let cases: &[(&str, &str)] = &[
            ("f: a && g: b", "`&&` and `||` are not KQL operators"),
            ("a:b c:d", "does not split on whitespace"),
            ("f: not a", "`not field: value`"),
            ("f: (a", "add the matching `)`"),
            ("f: *:x", "escape it as `\\:`"),
            ("f: cannot find", "`\\u006E`"),
            ("not(a)", "`not (`"),
            (r"f: a\'b", "write a backslash as `\\\\`"),
        ];
        for (src, help) in cases {
            let err = parse(src).expect_err(src);
            let text = err.help.unwrap_or_default();
            assert!(text.contains(help), "{src:?}: help {text:?} lacks {help:?}");
        }
    }

    #[test]
    fn nesting_is_capped() {
        let ok = format!("{}a{}", "(".repeat(MAX_DEPTH), ")".repeat(MAX_DEPTH));
        assert!(parse(&ok).is_ok());
        let deep = format!(
            "{}a{}",
            "(".repeat(MAX_DEPTH + 1),
            ")".repeat(MAX_DEPTH + 1)
        );
        assert_eq!(parse(&deep).unwrap_err().code, "kql::too_deep");
        let nots = "not (".repeat(MAX_DEPTH) + "a" + &")".repeat(MAX_DEPTH);
        assert_eq!(parse(&nots).unwrap_err().code, "kql::too_deep");
        let hostile = format!("f:{}", "(".repeat(100_000));
        assert_eq!(parse(&hostile).unwrap_err().code, "kql::too_deep");
        let nested = "f:{".repeat(100_000);
        assert_eq!(parse(&nested).unwrap_err().code, "kql::too_deep");
    }

    #[test]
    fn empty_and_blank_queries() {
        for src in ["", "   ", "\n\t\u{A0}"] {
            assert_eq!(parse(src).unwrap(), None, "{src:?}");
        }
    }
}

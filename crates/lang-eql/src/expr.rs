//! Expression parsing by precedence climbing, with the levels of Elasticsearch's `EqlBase.g4`
//! (loosest first):
//!
//! 1. `or` (left-associative, n-ary in the tree)
//! 2. `and` (left-associative, n-ary in the tree)
//! 3. prefix `not`
//! 4. comparison `== != < <= > >=` (non-associative: `a < b < c` is an error)
//! 5. `+ -` (left-associative)
//! 6. `* / %` (left-associative)
//! 7. prefix `-` / `+`
//! 8. postfix predicates on a primary: `[not] in (...)`, `in~`, `:`, `like`, `like~`, `regex`, `regex~`
//! 9. primaries: constants, function calls, fields, `( expression )`
//!
//! The predicate level binds tighter than arithmetic: `a + b in (1)` is `a + (b in (1))`, exactly
//! as in Elasticsearch.

use crate::ast::*;
use crate::functions::{Function, unknown_function_help};
use crate::lexer::{Kw, Tok, Token};
use crate::parser::{PResult, Parser};
use trailhound_syntax::{Diagnostic, Span};

impl Parser {
    // The functions on the recursion path (expr, climb, prefix, predicated, primary, call,
    // in_list) keep their frames small: diagnostics are built in `#[cold]` helpers, so that the
    // 256-level nesting limit fits a small thread stack even in unoptimised builds.

    /// A full expression.
    pub(crate) fn expr(&mut self) -> PResult<Expr> {
        self.enter()?;
        let e = self.climb(OR)?;
        self.depth -= 1;
        Ok(e)
    }

    /// Precedence climbing over the binary levels: parses an operand, then every binary operator
    /// binding at least as tightly as `min`.
    fn climb(&mut self, min: u8) -> PResult<Expr> {
        let mut left = self.prefix(min)?;
        let mut levels = 0;
        while let Some(op) = binary_op(&self.peek().tok) {
            let prec = op.precedence();
            if prec < min {
                break;
            }
            self.advance();
            left = match op {
                BinOp::Or | BinOp::And => self.chain(op, left)?,
                BinOp::Compare(cop) => {
                    let right = self.climb(ADDITIVE)?;
                    if let Some(BinOp::Compare(_)) = binary_op(&self.peek().tok) {
                        return Err(chained_comparison(self.peek().span));
                    }
                    compare(cop, left, right)?
                }
                BinOp::Arith(aop) => {
                    self.enter()?;
                    levels += 1;
                    let right = self.climb(prec + 1)?;
                    let span = left.span.to(right.span);
                    Expr {
                        span,
                        kind: ExprKind::Arithmetic {
                            op: aop,
                            left: Box::new(left),
                            right: Box::new(right),
                        },
                    }
                }
            };
        }
        self.depth -= levels;
        if min <= COMPARISON && self.at(&Tok::Assign) {
            return Err(crate::diag::assignment(self.peek().span));
        }
        Ok(left)
    }

    /// The rest of an `and` / `or` chain whose first operand and operator are consumed.
    fn chain(&mut self, op: BinOp, first: Expr) -> PResult<Expr> {
        let operand_level = op.precedence() + 1;
        let mut items = vec![first, self.climb(operand_level)?];
        while binary_op(&self.peek().tok) == Some(op) {
            self.advance();
            items.push(self.climb(operand_level)?);
        }
        let span = span_of(&items);
        Ok(Expr {
            span,
            kind: if op == BinOp::Or {
                ExprKind::Or(items)
            } else {
                ExprKind::And(items)
            },
        })
    }

    /// Prefix operators (`not` where a boolean is allowed, unary `-`/`+`) and predicated primaries.
    fn prefix(&mut self, min: u8) -> PResult<Expr> {
        let (negate, level) = match &self.peek().tok {
            Tok::Kw(Kw::Not) if min <= NOT => (false, NOT),
            Tok::Minus => (true, UNARY),
            Tok::Plus => (false, UNARY),
            Tok::Ident(_) if min <= NOT && *self.peek_at(1) == Tok::Kw(Kw::Of) => {
                return Err(relationship_unsupported(self.peek()));
            }
            _ => return self.predicated(),
        };
        let start = self.advance();
        self.enter()?;
        let inner = if level == NOT {
            self.climb(NOT)?
        } else {
            self.prefix(UNARY)?
        };
        self.depth -= 1;
        let span = start.to(inner.span);
        let kind = if level == NOT {
            ExprKind::Not(Box::new(inner))
        } else if negate {
            ExprKind::Negate(Box::new(inner))
        } else {
            inner.kind // Elasticsearch drops a unary plus.
        };
        Ok(Expr { span, kind })
    }

    /// A primary, optionally followed by an `in` / pattern predicate.
    fn predicated(&mut self) -> PResult<Expr> {
        let value = self.primary()?;
        match self.peek().tok {
            Tok::Kw(Kw::Not | Kw::In | Kw::InInsensitive) => self.in_list(value),
            Tok::Colon
            | Tok::Kw(Kw::Like | Kw::LikeInsensitive | Kw::Regex | Kw::RegexInsensitive) => {
                self.patterns(value)
            }
            _ => Ok(value),
        }
    }

    /// `[not] in (...)` / `[not] in~ (...)` after `value`.
    fn in_list(&mut self, value: Expr) -> PResult<Expr> {
        let negated = self.at_kw(Kw::Not);
        if negated {
            match self.peek_at(1) {
                Tok::Kw(Kw::In | Kw::InInsensitive) => {
                    self.advance();
                }
                Tok::Colon
                | Tok::Kw(Kw::Like | Kw::LikeInsensitive | Kw::Regex | Kw::RegexInsensitive) => {
                    return Err(not_before_pattern(self.peek().span, self.peek_at(1)));
                }
                // A stray `not`: let the caller report it.
                _ => return Ok(value),
            }
        }
        let case_insensitive = self.at_kw(Kw::InInsensitive);
        self.advance();
        self.expect(&Tok::LParen, "`(` starting the list")?;
        let mut list = Vec::new();
        loop {
            list.push(self.expr()?);
            if self.eat(&Tok::Comma).is_none() {
                break;
            }
        }
        let close = self.expect(&Tok::RParen, "`,` or `)` in the list")?;
        let span = value.span.to(close);
        Ok(Expr {
            span,
            kind: ExprKind::In {
                value: Box::new(value),
                list,
                negated,
                case_insensitive,
            },
        })
    }

    /// `: pattern`, `like (p, ...)`, ... after `value`.
    fn patterns(&mut self, value: Expr) -> PResult<Expr> {
        let op = match self.bump().tok {
            Tok::Colon => MatchOp::Colon,
            Tok::Kw(Kw::Like) => MatchOp::Like,
            Tok::Kw(Kw::LikeInsensitive) => MatchOp::LikeInsensitive,
            Tok::Kw(Kw::Regex) => MatchOp::Regex,
            _ => MatchOp::RegexInsensitive,
        };
        let mut patterns = Vec::new();
        let end = if self.eat(&Tok::LParen).is_some() {
            loop {
                patterns.push(self.pattern(op)?);
                if self.eat(&Tok::Comma).is_none() {
                    break;
                }
            }
            self.expect(&Tok::RParen, "`,` or `)` in the pattern list")?
        } else {
            let p = self.pattern(op)?;
            let end = p.span;
            patterns.push(p);
            end
        };
        Ok(Expr {
            span: value.span.to(end),
            kind: ExprKind::Match {
                value: Box::new(value),
                op,
                patterns,
            },
        })
    }

    /// The string constant right of `:`, `like`, `regex`...
    fn pattern(&mut self, op: MatchOp) -> PResult<StringLit> {
        if let Tok::Str(_) = self.peek().tok
            && let Tok::Str(s) = self.bump().tok
        {
            return Ok(s);
        }
        Err(self.pattern_error(op))
    }

    #[cold]
    fn pattern_error(&self, op: MatchOp) -> Diagnostic {
        let t = self.peek();
        match t.tok {
            Tok::Int(_) | Tok::Decimal(_) | Tok::Kw(Kw::Null | Kw::True | Kw::False) => {
                Diagnostic::new(
                    "eql::pattern_not_string",
                    format!("`{}` compares strings only", op.symbol()),
                    t.span,
                )
                .with_help(
                    "quote the value, or use `==` / `in` to compare numbers, booleans and null",
                )
            }
            Tok::Ident(_) | Tok::QuotedIdent(_) | Tok::Question | Tok::TildeIdent(_) => {
                Diagnostic::new(
                    "eql::pattern_not_string",
                    format!(
                        "the right side of `{}` must be a string constant, not a field or function",
                        op.symbol()
                    ),
                    t.span,
                )
                .with_help("Elasticsearch EQL cannot compare a field to another field")
            }
            _ => self.unexpected("a double-quoted string"),
        }
    }

    fn primary(&mut self) -> PResult<Expr> {
        match &self.peek().tok {
            Tok::Kw(Kw::Null | Kw::True | Kw::False)
            | Tok::Int(_)
            | Tok::Decimal(_)
            | Tok::Str(_) => self.literal(),
            Tok::Ident(_) if *self.peek_at(1) == Tok::LParen => self.call(),
            Tok::TildeIdent(_) => self.call(),
            Tok::Ident(_) | Tok::QuotedIdent(_) | Tok::Question => {
                let f = self.field()?;
                Ok(Expr {
                    span: f.span,
                    kind: ExprKind::Field(f),
                })
            }
            Tok::LParen => {
                let open = self.advance();
                let inner = self.expr()?;
                let close = self.expect(&Tok::RParen, "`)`")?;
                Ok(Expr {
                    span: open.to(close),
                    kind: inner.kind,
                })
            }
            Tok::Kw(kw) => Err(keyword_in_expression(*kw, self.peek().span)),
            _ => Err(self.unexpected("an expression")),
        }
    }

    fn literal(&mut self) -> PResult<Expr> {
        let t = self.bump();
        let lit = match t.tok {
            Tok::Kw(Kw::True) => Literal::Boolean(true),
            Tok::Kw(Kw::False) => Literal::Boolean(false),
            Tok::Int(raw) => Literal::Number(number(&raw, false, t.span)?),
            Tok::Decimal(raw) => Literal::Number(number(&raw, true, t.span)?),
            Tok::Str(s) => Literal::String(s),
            _ => Literal::Null,
        };
        Ok(Expr {
            span: t.span,
            kind: ExprKind::Literal(lit),
        })
    }

    /// `[?] segment (. segment)*`
    pub(crate) fn field(&mut self) -> PResult<Field> {
        let start = self.peek().span;
        let optional = self.eat(&Tok::Question).is_some();
        let mut segments = vec![self.segment()?];
        loop {
            match (&self.peek().tok, self.peek_at(1)) {
                (Tok::Dot, _) => {
                    self.bump();
                    segments.push(self.segment()?);
                }
                (Tok::LBracket, Tok::Int(_)) => {
                    return Err(Diagnostic::new("eql::array_index", "array indexes are not supported", self.peek().span)
                        .with_help("compare the field itself: a multi-valued field matches if any of its values matches"));
                }
                _ => break,
            }
        }
        Ok(Field {
            optional,
            segments,
            span: start.to(Span::at(self.prev_end())),
        })
    }

    fn segment(&mut self) -> PResult<Segment> {
        let t = self.peek().clone();
        match t.tok {
            Tok::Ident(name) => {
                self.bump();
                Ok(Segment {
                    name,
                    quoted: false,
                })
            }
            Tok::QuotedIdent(name) => {
                self.bump();
                Ok(Segment { name, quoted: true })
            }
            Tok::Kw(kw) => Err(Diagnostic::new(
                "eql::keyword_as_field",
                format!(
                    "`{}` is a reserved word and cannot be a field name segment",
                    kw.text()
                ),
                t.span,
            )
            .with_help(format!("escape it with backticks: `` `{}` ``", kw.text()))),
            _ => Err(self.unexpected("a field name")),
        }
    }

    fn call(&mut self) -> PResult<Expr> {
        let name_tok = self.bump();
        let (name, case_insensitive) = match name_tok.tok {
            Tok::Ident(n) => (n, false),
            Tok::TildeIdent(n) => (n, true),
            _ => return Err(self.unexpected("a function name")),
        };
        if !self.at(&Tok::LParen) {
            return Err(self.unexpected("`(` after a `name~` function name"));
        }
        self.advance();
        let mut args = Vec::new();
        if !self.at(&Tok::RParen) {
            loop {
                args.push(self.expr()?);
                if self.eat(&Tok::Comma).is_none() {
                    break;
                }
            }
        }
        let close = self.expect(&Tok::RParen, "`,` or `)` in the argument list")?;
        let span = name_tok.span.to(close);
        let call = Call {
            function: Function::Add,
            name,
            case_insensitive,
            args,
            name_span: name_tok.span,
        };
        let call = check_call(call, span)?;
        Ok(Expr {
            span,
            kind: ExprKind::Call(call),
        })
    }
}

/// Resolves the function of `call` and checks `~` and arity.
fn check_call(mut call: Call, span: Span) -> PResult<Call> {
    let Some(function) = Function::lookup(&call.name) else {
        return Err(Diagnostic::new(
            "eql::unknown_function",
            format!("unknown function [{}]", call.name),
            call.name_span,
        )
        .with_help(unknown_function_help(&call.name)));
    };
    call.function = function;
    if call.case_insensitive && !function.supports_case_insensitive() {
        return Err(Diagnostic::new(
            "eql::case_insensitive_unsupported",
            format!(
                "function [{}] does not support case-insensitivity (`~`)",
                function.name()
            ),
            call.name_span,
        )
        .with_help(
            "only between, endsWith, indexOf, startsWith and stringContains have a `~` form",
        ));
    }
    let (min, max) = function.arity();
    let n = call.args.len();
    if n < min || max.is_some_and(|m| n > m) {
        let expected = match max {
            Some(m) if m == min => format!("{min}"),
            Some(m) => format!("{min} to {m}"),
            None => format!("at least {min}"),
        };
        return Err(Diagnostic::new(
            "eql::function_arity",
            format!(
                "function [{}] expects {expected} arguments, found {n}",
                function.name()
            ),
            span,
        ));
    }
    Ok(call)
}

#[cold]
fn chained_comparison(span: Span) -> Diagnostic {
    Diagnostic::new(
        "eql::chained_comparison",
        "comparisons cannot be chained",
        span,
    )
    .with_help("join the comparisons with `and`: `a < b and b <= c`")
}

#[cold]
fn relationship_unsupported(t: &Token) -> Diagnostic {
    let name = if let Tok::Ident(n) = &t.tok {
        n.as_str()
    } else {
        "..."
    };
    Diagnostic::new(
        "eql::process_relationship_unsupported",
        format!("process relationships (`{name} of [...]`) are not supported"),
        t.span,
    )
    .with_help("Elasticsearch EQL has no `child of`, `descendant of` or `event of`; use a `sequence by` process id")
}

#[cold]
fn not_before_pattern(span: Span, op: &Tok) -> Diagnostic {
    let op = op.to_string();
    Diagnostic::new(
        "eql::unexpected_token",
        format!("`not` cannot precede {op}"),
        span,
    )
    .with_help(format!(
        "negate the whole test instead: `not <field> {} <pattern>`",
        op.trim_matches('`')
    ))
}

#[cold]
fn keyword_in_expression(kw: Kw, span: Span) -> Diagnostic {
    Diagnostic::new(
        "eql::unexpected_token",
        format!("expected an expression, found keyword `{}`", kw.text()),
        span,
    )
    .with_help(format!(
        "to use `{0}` as a field name, escape it with backticks: `` `{0}` ``",
        kw.text()
    ))
}

// Binding strength of the binary levels (and of the prefix levels between them).
const OR: u8 = 1;
const AND: u8 = 2;
const NOT: u8 = 3;
const COMPARISON: u8 = 4;
const ADDITIVE: u8 = 5;
const MULTIPLICATIVE: u8 = 6;
const UNARY: u8 = 7;

#[derive(Clone, Copy, PartialEq, Eq)]
enum BinOp {
    Or,
    And,
    Compare(CompareOp),
    Arith(ArithOp),
}

impl BinOp {
    fn precedence(self) -> u8 {
        match self {
            BinOp::Or => OR,
            BinOp::And => AND,
            BinOp::Compare(_) => COMPARISON,
            BinOp::Arith(ArithOp::Add | ArithOp::Sub) => ADDITIVE,
            BinOp::Arith(_) => MULTIPLICATIVE,
        }
    }
}

fn binary_op(tok: &Tok) -> Option<BinOp> {
    Some(match tok {
        Tok::Kw(Kw::Or) => BinOp::Or,
        Tok::Kw(Kw::And) => BinOp::And,
        Tok::EqEq => BinOp::Compare(CompareOp::Eq),
        Tok::NotEq => BinOp::Compare(CompareOp::NotEq),
        Tok::Lt => BinOp::Compare(CompareOp::Lt),
        Tok::LtEq => BinOp::Compare(CompareOp::LtEq),
        Tok::Gt => BinOp::Compare(CompareOp::Gt),
        Tok::GtEq => BinOp::Compare(CompareOp::GtEq),
        Tok::Plus => BinOp::Arith(ArithOp::Add),
        Tok::Minus => BinOp::Arith(ArithOp::Sub),
        Tok::Star => BinOp::Arith(ArithOp::Mul),
        Tok::Slash => BinOp::Arith(ArithOp::Div),
        Tok::Percent => BinOp::Arith(ArithOp::Mod),
        _ => return None,
    })
}

/// Builds a comparison, rejecting field-to-field comparisons as Elasticsearch does.
fn compare(op: CompareOp, left: Expr, right: Expr) -> PResult<Expr> {
    if !left.is_constant() && !right.is_constant() {
        return Err(Diagnostic::new(
            "eql::field_comparison",
            "comparing a field to another field is not supported",
            left.span.to(right.span),
        )
        .with_help("Elasticsearch EQL compares fields only with constants, even when the fields are wrapped in functions"));
    }
    Ok(Expr {
        span: left.span.to(right.span),
        kind: ExprKind::Compare {
            op,
            left: Box::new(left),
            right: Box::new(right),
        },
    })
}

fn span_of(items: &[Expr]) -> Span {
    match (items.first(), items.last()) {
        (Some(a), Some(b)) => a.span.to(b.span),
        _ => Span::default(),
    }
}

/// Integer (i64, else f64 as Elasticsearch falls back to a double) or decimal literal.
fn number(raw: &str, decimal: bool, span: Span) -> PResult<Number> {
    let value = if decimal {
        None
    } else {
        raw.parse::<i64>().ok().map(NumberValue::Integer)
    };
    let value = match value {
        Some(v) => v,
        None => match raw.parse::<f64>() {
            Ok(f) if f.is_finite() => NumberValue::Float(f),
            _ => return Err(crate::diag::invalid_number(raw, span)),
        },
    };
    Ok(Number {
        raw: raw.to_string(),
        value,
    })
}

//! The detection `condition` expression, including the legacy (Sigma 1.x) aggregation after `|`.
//!
//! ```text
//! condition   := expr [ "|" aggregation ]
//! expr        := and_expr { "or" and_expr }
//! and_expr    := not_expr { "and" not_expr }
//! not_expr    := "not" not_expr | of_expr
//! of_expr     := quantifier "of" target | primary
//! quantifier  := "1" | "any" | "all" | N                  (N >= 1; `any` is pySigma's synonym of 1)
//! target      := "them" | pattern                         (pattern: identifier chars and `*`)
//! primary     := "(" expr ")" | identifier                (identifier: [A-Za-z0-9_-]+)
//! aggregation := func "(" [ field ] ")" [ "by" field ] op number
//!              | "near" identifier { "and" [ "not" ] identifier }
//! func        := "count" | "min" | "max" | "avg" | "sum"
//! op          := "==" | "=" | "<" | "<=" | ">" | ">="
//! ```
//! Keywords are lowercase (pySigma's grammar is case-sensitive). Precedence, least to most
//! binding: `or`, `and`, `not`, `x of`, parentheses (specification, "Condition").

use std::fmt;

use trailhound_syntax::{Diagnostic, Span};

use crate::correlation::{CorrOp, CorrelationType, Timespan};
use crate::number::Number;

/// Deepest nesting of parentheses and `not` accepted (the parser recurses; 64 keeps debug
/// builds well inside a 2 MiB thread stack).
pub const MAX_CONDITION_DEPTH: usize = 64;

/// One condition string: a search expression and an optional legacy aggregation.
#[derive(Clone, Debug, PartialEq)]
pub struct Condition {
    /// The boolean search expression.
    pub expr: CondExpr,
    /// Legacy `| count() ...` / `| near ...` (Sigma 1.x; replaced by correlations in 2.0).
    pub aggregation: Option<Aggregation>,
    /// The condition's text in the file.
    pub span: Span,
}

/// `1 of`, `N of`, `all of`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Quantifier {
    /// At least this many of the matched identifiers (`1 of` and `any of` are `AtLeast(1)`).
    AtLeast(u32),
    /// Every matched identifier.
    All,
}

/// What `x of` ranges over.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OfTarget {
    /// Every search identifier not starting with `_`.
    Them,
    /// Identifiers whose names match the pattern (`*` = any characters).
    Pattern(String),
}

/// A boolean search expression.
#[derive(Clone, Debug, PartialEq)]
pub enum CondExpr {
    /// A search identifier.
    Ident {
        /// Its name.
        name: String,
        /// Position.
        span: Span,
    },
    /// `1 of selection_*`, `all of them`.
    Of {
        /// How many must match.
        quantifier: Quantifier,
        /// Which identifiers.
        target: OfTarget,
        /// Position of the whole `x of y`.
        span: Span,
    },
    /// `not x`.
    Not {
        /// The operand.
        expr: Box<CondExpr>,
        /// Position.
        span: Span,
    },
    /// `a and b and ...` (two or more operands).
    And {
        /// The operands.
        operands: Vec<CondExpr>,
        /// Position.
        span: Span,
    },
    /// `a or b or ...` (two or more operands).
    Or {
        /// The operands.
        operands: Vec<CondExpr>,
        /// Position.
        span: Span,
    },
}

impl CondExpr {
    /// The expression's position.
    pub fn span(&self) -> Span {
        match self {
            CondExpr::Ident { span, .. }
            | CondExpr::Of { span, .. }
            | CondExpr::Not { span, .. }
            | CondExpr::And { span, .. }
            | CondExpr::Or { span, .. } => *span,
        }
    }

    /// Calls `f` on this node and every descendant (iteratively; depth is already capped).
    pub fn walk(&self, mut f: impl FnMut(&CondExpr)) {
        let mut todo = vec![self];
        while let Some(e) = todo.pop() {
            f(e);
            match e {
                CondExpr::Not { expr, .. } => todo.push(expr),
                CondExpr::And { operands, .. } | CondExpr::Or { operands, .. } => {
                    todo.extend(operands.iter().rev())
                }
                CondExpr::Ident { .. } | CondExpr::Of { .. } => {}
            }
        }
    }
}

/// A legacy aggregation function.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AggFunc {
    /// `count()` (events) or `count(field)` (distinct values).
    Count,
    /// `min(field)`.
    Min,
    /// `max(field)`.
    Max,
    /// `avg(field)`.
    Avg,
    /// `sum(field)`.
    Sum,
}

/// A legacy aggregation comparison.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AggOp {
    /// `==` (also written `=`).
    Eq,
    /// `<`
    Lt,
    /// `<=`
    Lte,
    /// `>`
    Gt,
    /// `>=`
    Gte,
}

/// One operand of `near`.
#[derive(Clone, Debug, PartialEq)]
pub struct NearTerm {
    /// `and not x`.
    pub negated: bool,
    /// The search identifier.
    pub identifier: String,
    /// Position.
    pub span: Span,
}

/// A legacy aggregation (`selection | count() by src > 5`, `a | near b`).
#[derive(Clone, Debug, PartialEq)]
pub enum Aggregation {
    /// `func([field]) [by group] op threshold`.
    Function {
        /// The function.
        func: AggFunc,
        /// The aggregated field (`None` only for `count()`).
        field: Option<String>,
        /// The `by` field.
        group_by: Option<String>,
        /// The comparison.
        op: AggOp,
        /// The threshold.
        threshold: Number,
        /// Position.
        span: Span,
    },
    /// `near a [and b | and not c]...`: events of the search expression with (or without) events
    /// of the named identifiers within the rule's `timeframe`.
    Near {
        /// The identifiers (the first is never negated).
        terms: Vec<NearTerm>,
        /// Position.
        span: Span,
    },
}

/// A legacy aggregation expressed as a v2 correlation (see [`Aggregation::correlation_equivalent`]).
#[derive(Clone, Debug, PartialEq)]
pub struct LegacyCorrelation {
    /// The correlation type.
    pub kind: CorrelationType,
    /// `group-by` (the `by` field, or none).
    pub group_by: Vec<String>,
    /// The condition's `field` (for `value_*` types).
    pub field: Option<String>,
    /// The condition.
    pub op: CorrOp,
    /// The threshold.
    pub threshold: Number,
    /// The rule's `timeframe`.
    pub timespan: Timespan,
}

/// Why a legacy construct has no correlation equivalent (the first three come from
/// [`Aggregation::correlation_equivalent`], the others from the rule as a whole).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LegacyRejection {
    /// The rule has no `timeframe`, and correlations need a `timespan`.
    MissingTimeframe,
    /// `min`/`max` have no correlation type (v2.1 has `value_sum`, `value_avg`,
    /// `value_percentile`).
    NoCorrelationType(AggFunc),
    /// `near` relates different search identifiers of one rule; a correlation relates rules, so
    /// the rule must be split into one rule per identifier first.
    Near,
    /// A `timeframe` without any aggregation: Sigma 1.x used it only with aggregations, so the
    /// author meant events *within* that time (usually of different search identifiers, which
    /// one event can never satisfy together); a per-event engine would silently drop it.
    TimeframeWithoutAggregation,
    /// Several conditions (a condition list) of which some carry an aggregation: there is no
    /// single correlation to map them to.
    AggregationInConditionList,
}

impl fmt::Display for LegacyRejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LegacyRejection::MissingTimeframe => f.write_str("the aggregation has no `timeframe`"),
            LegacyRejection::NoCorrelationType(func) => {
                write!(f, "`{func}` has no Sigma correlation equivalent")
            }
            LegacyRejection::Near => {
                f.write_str("`near` correlates search identifiers of one rule, not rules")
            }
            LegacyRejection::TimeframeWithoutAggregation => f.write_str(
                "`timeframe` without an aggregation: the condition was meant over a time window, not one event",
            ),
            LegacyRejection::AggregationInConditionList => {
                f.write_str("an aggregation inside a list of conditions")
            }
        }
    }
}

impl Aggregation {
    /// The v2 correlation this aggregation means, or why there is none: `count()` →
    /// `event_count`, `count(f)` → `value_count` on `f`, `sum(f)` → `value_sum`, `avg(f)` →
    /// `value_avg`; `by g` → `group-by: [g]`; the rule's `timeframe` → `timespan`.
    pub fn correlation_equivalent(
        &self,
        timeframe: Option<&Timespan>,
    ) -> Result<LegacyCorrelation, LegacyRejection> {
        let Aggregation::Function {
            func,
            field,
            group_by,
            op,
            threshold,
            ..
        } = self
        else {
            return Err(LegacyRejection::Near);
        };
        let kind = match (func, field) {
            (AggFunc::Count, None) => CorrelationType::EventCount,
            (AggFunc::Count, Some(_)) => CorrelationType::ValueCount,
            (AggFunc::Sum, _) => CorrelationType::ValueSum,
            (AggFunc::Avg, _) => CorrelationType::ValueAvg,
            (AggFunc::Min | AggFunc::Max, _) => {
                return Err(LegacyRejection::NoCorrelationType(*func));
            }
        };
        let timespan = timeframe
            .cloned()
            .ok_or(LegacyRejection::MissingTimeframe)?;
        let op = match op {
            AggOp::Eq => CorrOp::Eq,
            AggOp::Lt => CorrOp::Lt,
            AggOp::Lte => CorrOp::Lte,
            AggOp::Gt => CorrOp::Gt,
            AggOp::Gte => CorrOp::Gte,
        };
        Ok(LegacyCorrelation {
            kind,
            group_by: group_by.iter().cloned().collect(),
            field: field.clone(),
            op,
            threshold: *threshold,
            timespan,
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Lexer

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Word(String),
    LParen,
    RParen,
    Pipe,
    Op(AggOp),
}

#[derive(Clone, Debug)]
struct Token {
    tok: Tok,
    start: usize,
    end: usize,
}

fn is_word_char(c: char, agg: bool) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '*' || (agg && c == '.')
}

fn lex(s: &str, agg: bool, span: &dyn Fn(usize, usize) -> Span) -> Result<Vec<Token>, Diagnostic> {
    let mut out = Vec::new();
    let mut it = s.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        let single = |out: &mut Vec<Token>, tok: Tok, len: usize| {
            out.push(Token {
                tok,
                start: i,
                end: i + len,
            })
        };
        match c {
            c if c.is_whitespace() => {}
            '(' => single(&mut out, Tok::LParen, 1),
            ')' => single(&mut out, Tok::RParen, 1),
            '|' if !agg => {
                single(&mut out, Tok::Pipe, 1);
                // The rest is the aggregation; the caller lexes it separately.
                return Ok(out);
            }
            '<' | '>' | '=' if agg => {
                let two = it.peek().is_some_and(|&(_, n)| n == '=');
                if two {
                    it.next();
                }
                let op = match (c, two) {
                    ('<', false) => AggOp::Lt,
                    ('<', true) => AggOp::Lte,
                    ('>', false) => AggOp::Gt,
                    ('>', true) => AggOp::Gte,
                    _ => AggOp::Eq,
                };
                single(&mut out, Tok::Op(op), if two { 2 } else { 1 });
            }
            c if is_word_char(c, agg) => {
                let mut end = i + c.len_utf8();
                while let Some(&(j, n)) = it.peek() {
                    if !is_word_char(n, agg) {
                        break;
                    }
                    end = j + n.len_utf8();
                    it.next();
                }
                // `i` and `end` come from `char_indices`: both are character boundaries.
                out.push(Token {
                    tok: Tok::Word(s[i..end].to_string()),
                    start: i,
                    end,
                });
            }
            c => {
                return Err(Diagnostic::new(
                    "sigma::condition_syntax",
                    format!("unexpected character `{c}` in condition"),
                    span(i, i + c.len_utf8()),
                ));
            }
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Parser

struct Parser<'a> {
    toks: Vec<Token>,
    pos: usize,
    depth: usize,
    len: usize,
    span: &'a dyn Fn(usize, usize) -> Span,
}

const KEYWORDS: [&str; 5] = ["and", "or", "not", "of", "them"];

impl Parser<'_> {
    fn peek_word(&self) -> Option<&str> {
        match self.toks.get(self.pos).map(|t| &t.tok) {
            Some(Tok::Word(w)) => Some(w),
            _ => None,
        }
    }

    fn at(&self, i: usize) -> Span {
        match self.toks.get(i) {
            Some(t) => (self.span)(t.start, t.end),
            None => (self.span)(self.len, self.len),
        }
    }

    fn start(&self) -> usize {
        self.toks.get(self.pos).map_or(self.len, |t| t.start)
    }

    fn prev_end(&self) -> usize {
        self.pos
            .checked_sub(1)
            .and_then(|p| self.toks.get(p))
            .map_or(0, |t| t.end)
    }

    fn err(&self, msg: impl Into<String>) -> Diagnostic {
        Diagnostic::new("sigma::condition_syntax", msg, self.at(self.pos))
    }

    fn describe(&self) -> String {
        match self.toks.get(self.pos).map(|t| &t.tok) {
            None => "end of condition".into(),
            Some(Tok::Word(w)) => format!("`{w}`"),
            Some(Tok::LParen) => "`(`".into(),
            Some(Tok::RParen) => "`)`".into(),
            Some(Tok::Pipe) => "`|`".into(),
            Some(Tok::Op(_)) => "an operator".into(),
        }
    }

    fn enter(&mut self) -> Result<(), Diagnostic> {
        self.depth += 1;
        if self.depth > MAX_CONDITION_DEPTH {
            return Err(Diagnostic::new(
                "sigma::condition_depth",
                format!("condition nested deeper than {MAX_CONDITION_DEPTH} levels"),
                self.at(self.pos),
            ));
        }
        Ok(())
    }

    fn binary(&mut self, kw: &str) -> Result<CondExpr, Diagnostic> {
        let start = self.start();
        let mut operands = vec![if kw == "or" {
            self.binary("and")?
        } else {
            self.not_expr()?
        }];
        while self.peek_word() == Some(kw) {
            self.pos += 1;
            operands.push(if kw == "or" {
                self.binary("and")?
            } else {
                self.not_expr()?
            });
        }
        if operands.len() == 1 {
            return Ok(operands.remove(0));
        }
        let span = (self.span)(start, self.prev_end());
        Ok(if kw == "or" {
            CondExpr::Or { operands, span }
        } else {
            CondExpr::And { operands, span }
        })
    }

    fn not_expr(&mut self) -> Result<CondExpr, Diagnostic> {
        if self.peek_word() == Some("not") {
            let start = self.start();
            self.pos += 1;
            self.enter()?;
            let expr = self.not_expr()?;
            self.depth -= 1;
            return Ok(CondExpr::Not {
                expr: Box::new(expr),
                span: (self.span)(start, self.prev_end()),
            });
        }
        self.of_expr()
    }

    fn of_expr(&mut self) -> Result<CondExpr, Diagnostic> {
        let next_is_of =
            matches!(self.toks.get(self.pos + 1).map(|t| &t.tok), Some(Tok::Word(w)) if w == "of");
        let Some(q) = self.peek_word().filter(|_| next_is_of).map(str::to_string) else {
            return self.primary();
        };
        let start = self.start();
        let quantifier =
            match q.as_str() {
                "all" => Quantifier::All,
                "any" => Quantifier::AtLeast(1),
                n => match n.parse::<u32>() {
                    Ok(n) if n >= 1 => Quantifier::AtLeast(n),
                    _ => return Err(self.err(format!(
                        "`{q} of`: the quantifier must be `1`, `any`, `all` or a positive number"
                    ))),
                },
            };
        self.pos += 2;
        let target = match self.peek_word() {
            Some("them") => OfTarget::Them,
            Some(w) if !KEYWORDS.contains(&w) => OfTarget::Pattern(w.to_string()),
            _ => {
                return Err(self.err(format!(
                    "expected `them` or a search identifier pattern after `of`, found {}",
                    self.describe()
                )));
            }
        };
        self.pos += 1;
        Ok(CondExpr::Of {
            quantifier,
            target,
            span: (self.span)(start, self.prev_end()),
        })
    }

    fn primary(&mut self) -> Result<CondExpr, Diagnostic> {
        match self.toks.get(self.pos).map(|t| t.tok.clone()) {
            Some(Tok::LParen) => {
                let open = self.pos;
                self.pos += 1;
                self.enter()?;
                let e = self.binary("or")?;
                self.depth -= 1;
                if self.toks.get(self.pos).map(|t| &t.tok) != Some(&Tok::RParen) {
                    return Err(Diagnostic::new(
                        "sigma::condition_syntax",
                        format!("expected `)`, found {}", self.describe()),
                        self.at(self.pos),
                    )
                    .with_help(format!("the `(` at {:?} is not closed", self.at(open))));
                }
                self.pos += 1;
                Ok(e)
            }
            Some(Tok::Word(w)) if !KEYWORDS.contains(&w.as_str()) => {
                if w.contains('*') {
                    return Err(self.err(format!(
                        "`{w}`: wildcards are only allowed after `1 of` or `all of`"
                    )));
                }
                let span = self.at(self.pos);
                self.pos += 1;
                Ok(CondExpr::Ident { name: w, span })
            }
            _ => Err(self.err(format!(
                "expected a search identifier, `not`, `(` or `x of`, found {}",
                self.describe()
            ))),
        }
    }
}

/// Parses a condition string. `base` is the byte offset of the text in the file when the file
/// holds it verbatim; otherwise every span is `whole`.
pub fn parse_condition(
    text: &str,
    base: Option<usize>,
    whole: Span,
) -> Result<Condition, Diagnostic> {
    let span_fn = move |s: usize, e: usize| base.map_or(whole, |b| Span::new(b + s, b + e));
    let toks = lex(text, false, &span_fn)?;
    let pipe = toks.iter().position(|t| t.tok == Tok::Pipe);
    let search_toks: Vec<Token> = toks
        .iter()
        .take(pipe.unwrap_or(toks.len()))
        .cloned()
        .collect();
    let search_end = pipe
        .and_then(|p| toks.get(p))
        .map_or(text.len(), |t| t.start);
    let mut p = Parser {
        toks: search_toks,
        pos: 0,
        depth: 0,
        len: search_end,
        span: &span_fn,
    };
    if p.toks.is_empty() {
        return Err(Diagnostic::new(
            "sigma::condition_syntax",
            "empty condition",
            span_fn(0, text.len()),
        ));
    }
    let expr = p.binary("or")?;
    if p.pos < p.toks.len() {
        return Err(p
            .err(format!(
                "unexpected {} after a complete expression",
                p.describe()
            ))
            .with_help("combine expressions with `and` / `or`"));
    }
    let aggregation = match pipe.and_then(|i| toks.get(i)) {
        Some(t) => {
            // `t.end` is just past the ASCII `|`: a character boundary.
            let rest = &text[t.end..];
            let offset = t.end;
            let shifted = move |s: usize, e: usize| span_fn(offset + s, offset + e);
            Some(parse_aggregation(rest, &shifted)?)
        }
        None => None,
    };
    Ok(Condition {
        expr,
        aggregation,
        span: span_fn(0, text.len()),
    })
}

fn parse_aggregation(
    text: &str,
    span: &dyn Fn(usize, usize) -> Span,
) -> Result<Aggregation, Diagnostic> {
    let toks = lex(text, true, span)?;
    let mut p = Parser {
        toks,
        pos: 0,
        depth: 0,
        len: text.len(),
        span,
    };
    let agg_err =
        |p: &Parser<'_>, msg: String| Diagnostic::new("sigma::bad_aggregation", msg, p.at(p.pos));
    let start = p.start();
    let func_at = p.pos;
    let Some(func) = p.peek_word().map(str::to_string) else {
        return Err(agg_err(
            &p,
            format!(
                "expected an aggregation (`count()`, `near ...`) after `|`, found {}",
                p.describe()
            ),
        ));
    };
    p.pos += 1;
    let agg = if func == "near" {
        let mut terms = Vec::new();
        loop {
            let negated = !terms.is_empty() && p.peek_word() == Some("not");
            if negated {
                p.pos += 1;
            }
            let term_start = p.start();
            match p.peek_word() {
                Some(w) if !KEYWORDS.contains(&w) && !w.contains('*') => {
                    terms.push(NearTerm {
                        negated,
                        identifier: w.to_string(),
                        span: span(term_start, p.toks.get(p.pos).map_or(term_start, |t| t.end)),
                    });
                    p.pos += 1;
                }
                _ => {
                    return Err(agg_err(
                        &p,
                        format!(
                            "expected a search identifier in `near`, found {}",
                            p.describe()
                        ),
                    ));
                }
            }
            if p.peek_word() != Some("and") {
                break;
            }
            p.pos += 1;
        }
        Aggregation::Near {
            terms,
            span: span(start, p.prev_end()),
        }
    } else {
        let func = match func.as_str() {
            "count" => AggFunc::Count,
            "min" => AggFunc::Min,
            "max" => AggFunc::Max,
            "avg" => AggFunc::Avg,
            "sum" => AggFunc::Sum,
            other => {
                return Err(Diagnostic::new(
                    "sigma::bad_aggregation",
                    format!("unknown aggregation function `{other}`"),
                    p.at(func_at),
                )
                .with_help("legacy Sigma knows count, min, max, avg, sum and near"));
            }
        };
        if p.toks.get(p.pos).map(|t| &t.tok) != Some(&Tok::LParen) {
            return Err(agg_err(
                &p,
                format!("expected `(` after `{func}`, found {}", p.describe()),
            ));
        }
        p.pos += 1;
        let field = match p.peek_word() {
            Some(w) => {
                let w = w.to_string();
                p.pos += 1;
                Some(w)
            }
            None => None,
        };
        if p.toks.get(p.pos).map(|t| &t.tok) != Some(&Tok::RParen) {
            return Err(agg_err(&p, format!("expected `)`, found {}", p.describe())));
        }
        p.pos += 1;
        if field.is_none() && func != AggFunc::Count {
            return Err(Diagnostic::new(
                "sigma::bad_aggregation",
                format!("`{func}()` needs a field"),
                p.at(func_at),
            )
            .with_help(format!("write `{func}(field)`")));
        }
        let group_by = if p.peek_word() == Some("by") {
            p.pos += 1;
            match p.peek_word() {
                Some(w) => {
                    let w = w.to_string();
                    p.pos += 1;
                    Some(w)
                }
                None => {
                    return Err(agg_err(
                        &p,
                        format!("expected a field after `by`, found {}", p.describe()),
                    ));
                }
            }
        } else {
            None
        };
        let op = match p.toks.get(p.pos).map(|t| &t.tok) {
            Some(Tok::Op(op)) => *op,
            _ => {
                return Err(agg_err(
                    &p,
                    format!(
                        "expected a comparison (`>`, `>=`, `<`, `<=`, `==`), found {}",
                        p.describe()
                    ),
                ));
            }
        };
        p.pos += 1;
        let threshold = match p.peek_word().and_then(Number::parse) {
            Some(n) => n,
            None => {
                return Err(agg_err(
                    &p,
                    format!("expected a number, found {}", p.describe()),
                ));
            }
        };
        p.pos += 1;
        Aggregation::Function {
            func,
            field,
            group_by,
            op,
            threshold,
            span: span(start, p.prev_end()),
        }
    };
    if p.pos < p.toks.len() {
        return Err(agg_err(
            &p,
            format!("unexpected {} after the aggregation", p.describe()),
        ));
    }
    Ok(agg)
}

// ---------------------------------------------------------------------------------------------
// Display

impl fmt::Display for Quantifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Quantifier::All => f.write_str("all"),
            Quantifier::AtLeast(n) => write!(f, "{n}"),
        }
    }
}

fn write_operand(f: &mut fmt::Formatter<'_>, e: &CondExpr, parent_and: bool) -> fmt::Result {
    // Nested same-kind lists only come from explicit parentheses; keep them.
    let paren = match e {
        CondExpr::Or { .. } => true,
        CondExpr::And { .. } => parent_and,
        _ => false,
    };
    if paren {
        write!(f, "({e})")
    } else {
        write!(f, "{e}")
    }
}

/// Prints valid condition syntax that parses back to an equal expression.
impl fmt::Display for CondExpr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CondExpr::Ident { name, .. } => f.write_str(name),
            CondExpr::Of {
                quantifier, target, ..
            } => match target {
                OfTarget::Them => write!(f, "{quantifier} of them"),
                OfTarget::Pattern(p) => write!(f, "{quantifier} of {p}"),
            },
            CondExpr::Not { expr, .. } => match **expr {
                CondExpr::And { .. } | CondExpr::Or { .. } => write!(f, "not ({expr})"),
                _ => write!(f, "not {expr}"),
            },
            CondExpr::And { operands, .. } => {
                for (i, o) in operands.iter().enumerate() {
                    if i > 0 {
                        f.write_str(" and ")?;
                    }
                    write_operand(f, o, true)?;
                }
                Ok(())
            }
            CondExpr::Or { operands, .. } => {
                for (i, o) in operands.iter().enumerate() {
                    if i > 0 {
                        f.write_str(" or ")?;
                    }
                    match o {
                        CondExpr::Or { .. } => write!(f, "({o})")?,
                        _ => write!(f, "{o}")?,
                    }
                }
                Ok(())
            }
        }
    }
}

impl fmt::Display for AggFunc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            AggFunc::Count => "count",
            AggFunc::Min => "min",
            AggFunc::Max => "max",
            AggFunc::Avg => "avg",
            AggFunc::Sum => "sum",
        })
    }
}

impl fmt::Display for AggOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            AggOp::Eq => "==",
            AggOp::Lt => "<",
            AggOp::Lte => "<=",
            AggOp::Gt => ">",
            AggOp::Gte => ">=",
        })
    }
}

impl fmt::Display for Aggregation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Aggregation::Function {
                func,
                field,
                group_by,
                op,
                threshold,
                ..
            } => {
                write!(f, "{func}({})", field.as_deref().unwrap_or_default())?;
                if let Some(g) = group_by {
                    write!(f, " by {g}")?;
                }
                write!(f, " {op} {threshold}")
            }
            Aggregation::Near { terms, .. } => {
                f.write_str("near")?;
                for (i, t) in terms.iter().enumerate() {
                    if i > 0 {
                        f.write_str(" and")?;
                    }
                    if t.negated {
                        f.write_str(" not")?;
                    }
                    write!(f, " {}", t.identifier)?;
                }
                Ok(())
            }
        }
    }
}

impl fmt::Display for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.expr)?;
        if let Some(a) = &self.aggregation {
            write!(f, " | {a}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;

//! Recursive-descent parser for statements: event queries, sequences, samples and pipes.
//! Expressions are parsed in [`crate::expr`].

use crate::ast::*;
use crate::functions::edit_distance;
use crate::lexer::{self, Kw, Tok, Token};
use trailhound_syntax::{Diagnostic, Span};

/// Deepest expression nesting accepted (parentheses, `not`, unary minus, calls, arithmetic
/// chains). Each level costs up to ~13 KiB of stack in an unoptimised build, so 64 levels stay
/// under 1 MiB; real rules nest fewer than 10 levels.
pub(crate) const MAX_DEPTH: usize = 64;

/// Most `with runs=N` repetitions Elasticsearch accepts.
const MAX_RUNS: u64 = 100;

pub(crate) type PResult<T> = Result<T, Diagnostic>;

/// Parser state: the token list and a cursor.
pub(crate) struct Parser {
    toks: Vec<Token>,
    pos: usize,
    pub(crate) depth: usize,
}

/// Parses a full statement.
pub(crate) fn parse_query(src: &str) -> PResult<Query> {
    let mut p = Parser::new(src)?;
    let q = p.statement()?;
    p.expect_end()?;
    Ok(q)
}

/// Parses a lone expression (what follows `where`).
pub(crate) fn parse_expression(src: &str) -> PResult<Expr> {
    let mut p = Parser::new(src)?;
    let e = p.expr()?;
    p.expect_end()?;
    Ok(e)
}

impl Parser {
    fn new(src: &str) -> PResult<Parser> {
        Ok(Parser {
            toks: lexer::tokenize(src)?,
            pos: 0,
            depth: 0,
        })
    }

    // ---- token helpers -------------------------------------------------------------------

    pub(crate) fn peek(&self) -> &Token {
        // The list always ends with Eof and `pos` never moves past it.
        &self.toks[self.pos.min(self.toks.len() - 1)]
    }

    pub(crate) fn peek_at(&self, ahead: usize) -> &Tok {
        &self.toks[(self.pos + ahead).min(self.toks.len() - 1)].tok // non-empty: ends with Eof
    }

    pub(crate) fn at(&self, tok: &Tok) -> bool {
        &self.peek().tok == tok
    }

    pub(crate) fn at_kw(&self, kw: Kw) -> bool {
        self.peek().tok == Tok::Kw(kw)
    }

    /// Consumes the current token and returns it (moved out: consumed tokens are never read again).
    pub(crate) fn bump(&mut self) -> Token {
        let span = self.peek().span;
        match self.toks.get_mut(self.pos) {
            Some(t) if t.tok != Tok::Eof => {
                self.pos += 1;
                Token {
                    tok: std::mem::replace(&mut t.tok, Tok::Eof),
                    span,
                }
            }
            _ => Token {
                tok: Tok::Eof,
                span,
            },
        }
    }

    /// Consumes the current token, returning only its span.
    pub(crate) fn advance(&mut self) -> Span {
        let span = self.peek().span;
        if self.peek().tok != Tok::Eof {
            self.pos += 1;
        }
        span
    }

    pub(crate) fn eat(&mut self, tok: &Tok) -> Option<Span> {
        if self.at(tok) {
            Some(self.advance())
        } else {
            None
        }
    }

    pub(crate) fn expect(&mut self, tok: &Tok, what: &str) -> PResult<Span> {
        match self.eat(tok) {
            Some(s) => Ok(s),
            None => Err(self.unexpected(what)),
        }
    }

    pub(crate) fn prev_end(&self) -> usize {
        self.pos
            .checked_sub(1)
            .and_then(|i| self.toks.get(i))
            .map_or(0, |t| t.span.end)
    }

    /// "expected X, found Y", with help for common porting mistakes.
    pub(crate) fn unexpected(&self, expected: &str) -> Diagnostic {
        let t = self.peek();
        let code = if t.tok == Tok::Eof {
            "eql::unexpected_end"
        } else {
            "eql::unexpected_token"
        };
        let d = Diagnostic::new(
            code,
            format!("expected {expected}, found {}", t.tok),
            t.span,
        );
        match &t.tok {
            Tok::Ident(w)
                if w.to_ascii_lowercase() != *w && lexer::is_keyword(&w.to_ascii_lowercase()) =>
            {
                d.with_help(format!(
                    "keywords are lowercase in Elasticsearch EQL: write `{}`",
                    w.to_ascii_lowercase()
                ))
            }
            Tok::Assign => crate::diag::assignment(t.span),
            Tok::QuotedIdent(_) if expected.contains("category") => {
                d.with_help("quote an event category with double quotes, not backticks")
            }
            _ => d,
        }
    }

    fn expect_end(&mut self) -> PResult<()> {
        if self.at(&Tok::Eof) {
            return Ok(());
        }
        let t = self.peek().clone();
        let mut d = Diagnostic::new(
            "eql::trailing_input",
            format!("unexpected {} after the end of the query", t.tok),
            t.span,
        );
        d.help = self.unexpected("").help;
        if d.help.is_none() {
            d.help = Some(match t.tok {
                Tok::Kw(Kw::Join) | Tok::Kw(Kw::Sequence) | Tok::Kw(Kw::Sample) => {
                    "a statement holds exactly one query".to_string()
                }
                Tok::LBracket => "a `[...]` step must follow `sequence` or `sample`".to_string(),
                _ => "combine conditions with `and` / `or`; pipes start with `|`".to_string(),
            });
        }
        Err(d)
    }

    /// Records one more nesting level; errors past [`MAX_DEPTH`].
    pub(crate) fn enter(&mut self) -> PResult<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(crate::diag::nesting_too_deep(MAX_DEPTH, self.peek().span));
        }
        Ok(())
    }

    // ---- statements ----------------------------------------------------------------------

    fn statement(&mut self) -> PResult<Query> {
        let start = self.peek().span.start;
        let body = match &self.peek().tok {
            Tok::Kw(Kw::Sequence) => QueryBody::Sequence(self.sequence()?),
            Tok::Kw(Kw::Sample) => QueryBody::Sample(self.sample()?),
            Tok::Kw(Kw::Join) => {
                return Err(Diagnostic::new("eql::join_unsupported", "join is not supported", self.peek().span)
                    .with_help("Elasticsearch EQL has no `join`; use `sample by ...` for unordered correlation or `sequence by ...`"));
            }
            _ => QueryBody::Event(self.event_query()?),
        };
        let mut pipes = Vec::new();
        while self.at(&Tok::Pipe) {
            pipes.push(self.pipe()?);
        }
        if let (QueryBody::Sample(_), Some(p)) = (&body, pipes.first()) {
            return Err(Diagnostic::new(
                "eql::sample_pipes",
                "pipes are not supported for sample queries",
                p.span,
            )
            .with_help(
                "remove the pipe; the number of samples is set by the search request's size",
            ));
        }
        Ok(Query {
            body,
            pipes,
            span: Span::new(start, self.prev_end()),
        })
    }

    /// `(any | identifier | string) where expression`.
    fn event_query(&mut self) -> PResult<EventQuery> {
        let t = self.peek().clone();
        let category = match t.tok {
            Tok::Kw(Kw::Any) => Category::Any {
                span: self.advance(),
            },
            Tok::Ident(name) => {
                self.bump();
                Category::Identifier { name, span: t.span }
            }
            Tok::Str(s) => {
                self.bump();
                Category::String(s)
            }
            _ => {
                return Err(
                    self.unexpected("an event category (a name, `any`, or a double-quoted string)")
                );
            }
        };
        if !self.at_kw(Kw::Where) {
            let mut d = self.unexpected("`where`");
            if d.help.is_none() {
                d.help = Some(
                    "an event query reads `<category> where <condition>`, e.g. `any where true`"
                        .into(),
                );
            }
            return Err(d);
        }
        self.bump();
        let condition = self.expr()?;
        Ok(EventQuery {
            span: category.span().to(condition.span),
            category,
            condition,
        })
    }

    /// `by key, key, ...` (each key a field) — or nothing.
    fn join_keys(&mut self) -> PResult<Vec<Field>> {
        if self.eat(&Tok::Kw(Kw::By)).is_none() {
            return Ok(Vec::new());
        }
        let mut keys = Vec::new();
        loop {
            let e = self.expr()?;
            match e.kind {
                ExprKind::Field(f) => keys.push(f),
                _ => {
                    return Err(Diagnostic::new(
                        "eql::join_key_not_field",
                        "join keys must be field names",
                        e.span,
                    )
                    .with_help(
                        "write `by field.name`; expressions and constants cannot be join keys",
                    ));
                }
            }
            if self.eat(&Tok::Comma).is_none() {
                return Ok(keys);
            }
        }
    }

    /// `[` or `![` then `event_query` then `]`; returns (missing, query, span).
    fn subquery(&mut self) -> PResult<(bool, EventQuery, Span)> {
        let open = self.peek().clone();
        let missing = match open.tok {
            Tok::LBracket => false,
            Tok::MissingOpen => true,
            _ => return Err(self.unexpected("`[` starting a step")),
        };
        self.bump();
        let query = self.event_query()?;
        let close = self.expect(&Tok::RBracket, "`]` closing the step")?;
        Ok((missing, query, open.span.to(close)))
    }

    fn sequence(&mut self) -> PResult<Sequence> {
        let start = self.advance(); // `sequence`
        let by = self.join_keys()?;
        let maxspan = self.maxspan()?;
        if maxspan.is_some() && self.at_kw(Kw::By) {
            let at = self.peek().span;
            return Err(Diagnostic::new(
                "eql::by_after_with",
                "specify sequence [by] before [with], not after",
                at,
            )
            .with_help("write `sequence by <keys> with maxspan=<time>`"));
        }
        let mut steps = Vec::new();
        while matches!(self.peek().tok, Tok::LBracket | Tok::MissingOpen) {
            steps.push(self.sequence_step()?);
        }
        if steps.is_empty() {
            return Err(self.unexpected("a `[ ... ]` sequence step"));
        }
        let until = if self.eat(&Tok::Kw(Kw::Until)).is_some() {
            Some(self.sequence_step()?)
        } else {
            None
        };
        let seq = Sequence {
            by,
            maxspan,
            steps,
            until,
            span: start.to(Span::at(self.prev_end())),
        };
        validate_sequence(&seq)?;
        Ok(seq)
    }

    fn sequence_step(&mut self) -> PResult<SequenceStep> {
        let (missing, query, sub_span) = self.subquery()?;
        let by = self.join_keys()?;
        let runs = self.runs()?;
        Ok(SequenceStep {
            missing,
            query,
            by,
            runs,
            span: sub_span.to(Span::at(self.prev_end())),
        })
    }

    /// `with maxspan=<integer><unit>` or nothing.
    fn maxspan(&mut self) -> PResult<Option<MaxSpan>> {
        if !self.at(&Tok::Kw(Kw::With)) {
            return Ok(None);
        }
        self.bump();
        self.expect(&Tok::Kw(Kw::Maxspan), "`maxspan` after `with`")?;
        if self.at(&Tok::EqEq) {
            return Err(Diagnostic::new(
                "eql::unexpected_token",
                "expected `=` after `maxspan`, found `==`",
                self.peek().span,
            )
            .with_help("write `with maxspan=5m`"));
        }
        self.expect(&Tok::Assign, "`=` after `maxspan`")?;
        let num = self.peek().clone();
        let help = "write a positive integer followed by ms, s, m, h or d, e.g. `maxspan=15m`";
        if matches!(num.tok, Tok::Int(_) | Tok::Decimal(_) | Tok::Minus) {
            self.bump();
        }
        let value = match &num.tok {
            Tok::Int(text) => match text.parse::<u64>() {
                Ok(v) if v > 0 => v,
                _ => {
                    return Err(Diagnostic::new(
                        "eql::invalid_maxspan",
                        format!("a positive maxspan value is required; found [{text}]"),
                        num.span,
                    )
                    .with_help(help));
                }
            },
            Tok::Decimal(text) => {
                return Err(Diagnostic::new(
                    "eql::invalid_maxspan",
                    format!("decimal time interval [{text}] not supported"),
                    num.span,
                )
                .with_help(help));
            }
            Tok::Minus => {
                return Err(Diagnostic::new(
                    "eql::invalid_maxspan",
                    "a positive maxspan value is required",
                    num.span,
                )
                .with_help(help));
            }
            _ => return Err(self.unexpected("a time value such as `15m`")),
        };
        let unit_tok = self.peek().clone();
        let unit = match &unit_tok.tok {
            // `15m` lexes as `15` `m`; there may be spaces or comments between them, as in Elasticsearch.
            Tok::Ident(u) => {
                match crate::ast::TimeUnit::from_suffix(u) {
                    Some(unit) => {
                        self.bump();
                        unit
                    }
                    None => {
                        return Err(Diagnostic::new(
                        "eql::invalid_maxspan",
                        format!("unrecognized time unit [{u}], please specify one of [ms, s, m, h, d]"),
                        unit_tok.span,
                    )
                    .with_help(help));
                    }
                }
            }
            _ => {
                return Err(Diagnostic::new(
                    "eql::invalid_maxspan",
                    format!("no time unit specified, did you mean [s] as in [{value}s]?"),
                    num.span,
                )
                .with_help(help));
            }
        };
        Ok(Some(MaxSpan {
            value,
            unit,
            span: num.span.to(unit_tok.span),
        }))
    }

    /// `with runs=N` or nothing.
    fn runs(&mut self) -> PResult<Option<Runs>> {
        if !self.at_kw(Kw::With) {
            return Ok(None);
        }
        let start = self.advance();
        let key = self.bump();
        match &key.tok {
            Tok::Ident(k) if k == "runs" => {}
            Tok::Kw(Kw::Maxspan) => {
                return Err(Diagnostic::new(
                    "eql::unexpected_token",
                    "`maxspan` belongs after `sequence [by ...]`",
                    key.span,
                )
                .with_help(
                    "write `sequence by <keys> with maxspan=<time>` before the first step",
                ));
            }
            _ => {
                return Err(Diagnostic::new(
                    "eql::unexpected_token",
                    format!("expected `runs` after `with`, found {}", key.tok),
                    key.span,
                )
                .with_help("a step accepts `with runs=N`"));
            }
        }
        self.expect(&Tok::Assign, "`=` after `runs`")?;
        let num = self.bump();
        let count = match &num.tok {
            Tok::Int(text) => text
                .parse::<u64>()
                .ok()
                .filter(|n| (1..=MAX_RUNS).contains(n)),
            _ => None,
        };
        match count {
            Some(n) => Ok(Some(Runs {
                count: n as u32,
                span: start.to(num.span),
            })), // n <= 100
            None => Err(Diagnostic::new(
                "eql::invalid_runs",
                "the `runs` value must be an integer between 1 and 100",
                num.span,
            )),
        }
    }

    fn sample(&mut self) -> PResult<Sample> {
        let start = self.advance(); // `sample`
        let by = self.join_keys()?;
        let mut steps = Vec::new();
        while matches!(self.peek().tok, Tok::LBracket | Tok::MissingOpen) {
            let (missing, query, sub_span) = self.subquery()?;
            if missing {
                return Err(Diagnostic::new(
                    "eql::sample_missing_event",
                    "missing-event steps `![...]` are only supported in sequences",
                    sub_span,
                ));
            }
            let step_by = self.join_keys()?;
            if self.at_kw(Kw::With) {
                return Err(Diagnostic::new(
                    "eql::sample_with",
                    "samples do not support `with runs` or `with maxspan`",
                    self.peek().span,
                ));
            }
            steps.push(SampleStep {
                query,
                by: step_by,
                span: sub_span.to(Span::at(self.prev_end())),
            });
        }
        if steps.is_empty() {
            let mut d = self.unexpected("a `[ ... ]` sample step");
            if self.at_kw(Kw::With) {
                d = Diagnostic::new(
                    "eql::sample_with",
                    "samples do not support `with maxspan`",
                    self.peek().span,
                );
            }
            return Err(d);
        }
        if self.at_kw(Kw::Until) {
            return Err(Diagnostic::new(
                "eql::sample_until",
                "samples do not support `until`",
                self.peek().span,
            ));
        }
        let sample = Sample {
            by,
            steps,
            span: start.to(Span::at(self.prev_end())),
        };
        check_key_counts(
            sample.by.len(),
            sample.steps.iter().map(|s| (s.by.len(), s.span)),
        )?;
        Ok(sample)
    }

    // ---- pipes ---------------------------------------------------------------------------

    fn pipe(&mut self) -> PResult<Pipe> {
        let bar = self.advance(); // `|`
        let name_tok = self.peek().clone();
        let Tok::Ident(name) = &name_tok.tok else {
            return Err(self.unexpected("a pipe name such as `head` or `tail`"));
        };
        self.bump();
        const PIPES: [&str; 7] = [
            "head",
            "tail",
            "count",
            "filter",
            "sort",
            "unique",
            "unique_count",
        ];
        if !PIPES.contains(&name.as_str()) {
            let mut d = Diagnostic::new(
                "eql::unknown_pipe",
                format!("unrecognized pipe [{name}]"),
                name_tok.span,
            );
            let similar: Vec<_> = PIPES
                .iter()
                .filter(|p| edit_distance(&name.to_ascii_lowercase(), p) <= 2)
                .collect();
            d.help = Some(match similar.first() {
                Some(p) => format!("did you mean `{p}`?"),
                None => "Elasticsearch supports `| head N` and `| tail N`".into(),
            });
            return Err(d);
        }
        // Arguments: a comma-separated list of expressions, possibly empty.
        let mut args = Vec::new();
        if !matches!(self.peek().tok, Tok::Pipe | Tok::Eof) {
            loop {
                args.push(self.expr()?);
                if self.eat(&Tok::Comma).is_none() {
                    break;
                }
            }
        }
        let span = bar.to(Span::at(self.prev_end()));
        let kind = match name.as_str() {
            "head" | "tail" => {
                let n = pipe_int_argument(name, &args, span)?;
                if name == "head" {
                    PipeKind::Head(n)
                } else {
                    PipeKind::Tail(n)
                }
            }
            "filter" => match <[Expr; 1]>::try_from(args) {
                Ok([cond]) => PipeKind::Filter(cond),
                Err(args) => {
                    return Err(pipe_arg_count(
                        "filter",
                        "exactly one condition",
                        args.len(),
                        span,
                    ));
                }
            },
            "count" => PipeKind::Count(args),
            other => {
                if args.is_empty() {
                    return Err(pipe_arg_count(other, "at least one field", 0, span));
                }
                match other {
                    "sort" => PipeKind::Sort(args),
                    "unique" => PipeKind::Unique(args),
                    _ => PipeKind::UniqueCount(args),
                }
            }
        };
        Ok(Pipe { kind, span })
    }
}

fn pipe_arg_count(name: &str, expected: &str, found: usize, span: Span) -> Diagnostic {
    Diagnostic::new(
        "eql::pipe_argument",
        format!("pipe [{name}] expects {expected} but found [{found}] arguments"),
        span,
    )
}

/// `head`/`tail` take one non-negative integer literal.
fn pipe_int_argument(name: &str, args: &[Expr], span: Span) -> PResult<u64> {
    let [arg] = args else {
        return Err(
            pipe_arg_count(name, "exactly one argument", args.len(), span)
                .with_help(format!("write `| {name} 10`")),
        );
    };
    match &arg.kind {
        ExprKind::Literal(Literal::Number(Number {
            value: NumberValue::Integer(n),
            ..
        })) if *n >= 0 => Ok(*n as u64), // n >= 0
        _ => Err(Diagnostic::new(
            "eql::pipe_argument",
            format!("pipe [{name}] expects a positive integer"),
            arg.span,
        )
        .with_help(format!("write `| {name} 10`"))),
    }
}

/// Checks that every step has as many join keys as the first (`expected`/`found` count only the
/// step's own keys, as Elasticsearch reports them).
fn check_key_counts(shared: usize, steps: impl Iterator<Item = (usize, Span)>) -> PResult<()> {
    let mut first: Option<usize> = None;
    for (own, span) in steps {
        match first {
            None => first = Some(own),
            Some(n) if n != own => {
                return Err(Diagnostic::new(
                    "eql::join_key_count",
                    format!("inconsistent number of join keys specified; expected [{n}] but found [{own}]"),
                    span,
                )
                .with_help(format!(
                    "every step needs the same number of `by` keys ({} shared by `sequence by`/`sample by` plus its own)",
                    shared
                )));
            }
            Some(_) => {}
        }
    }
    Ok(())
}

/// Rules Elasticsearch enforces after parsing a sequence.
fn validate_sequence(seq: &Sequence) -> PResult<()> {
    let keyed = seq
        .steps
        .iter()
        .chain(seq.until.iter())
        .map(|s| (s.by.len(), s.span));
    check_key_counts(seq.by.len(), keyed)?;
    let total: usize = seq.steps.iter().map(SequenceStep::repeat).sum();
    if total < 2 {
        return Err(Diagnostic::new(
            "eql::sequence_too_short",
            "a sequence requires a minimum of 2 queries",
            seq.span,
        )
        .with_help("add another `[ ... ]` step, or use `with runs=N` to repeat one"));
    }
    if seq.steps.iter().all(|s| s.missing) {
        return Err(Diagnostic::new(
            "eql::missing_event_only",
            "a sequence needs at least one step that is not a missing event",
            seq.span,
        ));
    }
    if seq.maxspan.is_none()
        && let Some(step) = seq.steps.iter().find(|s| s.missing)
    {
        return Err(Diagnostic::new(
            "eql::missing_event_requires_maxspan",
            "sequences with missing-event steps `![...]` require `with maxspan`",
            step.span,
        )
        .with_help("add `with maxspan=<time>` after `sequence [by ...]`"));
    }
    Ok(())
}

#[cfg(test)]
mod tests;

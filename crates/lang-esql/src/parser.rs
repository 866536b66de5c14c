//! Recursive-descent parser for ES|QL (see the `# Grammar` section of the crate docs).

use trailhound_syntax::{Diagnostic, Span};

use crate::ast::*;
use crate::lexer::{Kw, Lexer, PatTok, SrcTok, Tok, Token};

/// Maximum depth of the expression tree (and of nested `FORK`s).
pub const MAX_DEPTH: usize = 256;
/// Maximum syntactic nesting (parentheses, function calls, prefix operators) while parsing; keeps
/// the recursive descent within a small thread stack.
pub const MAX_NESTING: usize = 32;

/// Parses one ES|QL query.
pub fn parse(src: &str) -> Result<Query, Diagnostic> {
    let mut p = Parser {
        lx: Lexer::new(src),
        src,
        pos: 0,
        last_end: 0,
        nesting: 0,
        fork_depth: 0,
    };
    p.query()
}

/// An expression with its tree depth (for [`MAX_DEPTH`]).
struct E {
    e: Expr,
    d: usize,
}

type R<T> = Result<T, Diagnostic>;

struct Parser<'a> {
    lx: Lexer<'a>,
    src: &'a str,
    pos: usize,
    last_end: usize,
    nesting: usize,
    fork_depth: usize,
}

const PROCESSING_COMMANDS: &str = "WHERE, EVAL, STATS, INLINE STATS, KEEP, DROP, RENAME, SORT, LIMIT, DISSECT, GROK, MV_EXPAND, ENRICH, LOOKUP JOIN, CHANGE_POINT, SAMPLE, FORK";

/// Commands that exist in Elasticsearch but that this crate does not parse.
const UNSUPPORTED_COMMANDS: &[&str] = &[
    "completion",
    "rerank",
    "fuse",
    "uri_parts",
    "metrics_info",
    "registered_domain",
    "user_agent",
    "ip_location",
    "mmr",
    "insist",
    "explain",
    "ts",
    "promql",
    "set",
    "dedup",
    "topk",
    "bottomk",
    "limitk",
    "highlight",
    "ts_collapse",
    "ts_info",
    "dense_vector",
    "unpivot",
    "untable",
    "collect",
    "distinct",
    "metrics",
    "meta",
];

fn single_equals(span: Span) -> Diagnostic {
    Diagnostic::new("esql::single_equals", "mismatched input '=': a single `=` is not a comparison", span).with_help(
        "use `==` to compare values; `=` only names a column (EVAL x = ..., STATS x = ..., BY x = ..., ROW x = ...)",
    )
}

fn unsupported_command(name: &str, span: Span) -> Diagnostic {
    Diagnostic::new(
        "esql::unsupported_command",
        format!("unsupported command [{}]", name.to_ascii_uppercase()),
        span,
    )
    .with_help(format!(
        "supported processing commands: {PROCESSING_COMMANDS}"
    ))
}

impl<'a> Parser<'a> {
    // ----- token plumbing -------------------------------------------------------------------

    fn peek(&self) -> R<Token> {
        let start = self.lx.skip_trivia(self.pos)?;
        self.lx.expr_token(start)
    }

    fn bump(&mut self) -> R<Token> {
        let t = self.peek()?;
        self.pos = t.span.end;
        self.last_end = t.span.end;
        Ok(t)
    }

    fn at(&self, tok: &Tok) -> R<bool> {
        Ok(&self.peek()?.tok == tok)
    }

    fn eat(&mut self, tok: &Tok) -> R<bool> {
        if self.at(tok)? {
            self.bump()?;
            return Ok(true);
        }
        Ok(false)
    }

    fn eat_kw(&mut self, kw: Kw) -> R<bool> {
        self.eat(&Tok::Kw(kw))
    }

    fn expect(&mut self, tok: Tok, expecting: &str) -> R<Token> {
        let t = self.peek()?;
        if t.tok == tok {
            return self.bump();
        }
        Err(self.unexpected(&t, expecting))
    }

    fn unexpected(&self, t: &Token, expecting: &str) -> Diagnostic {
        match t.tok {
            Tok::Assign => single_equals(t.span),
            Tok::CiEq => {
                Diagnostic::new("esql::syntax", "mismatched input '=~': the `=~` operator is not available", t.span)
                    .with_help("Elasticsearch disabled `=~` (PR #105611); compare TO_LOWER(x) == \"value\" instead")
            }
            Tok::DoubleParam => Diagnostic::new(
                "esql::syntax",
                "double parameters `??` are only available in development builds",
                t.span,
            ),
            _ => Diagnostic::new(
                "esql::syntax",
                format!("mismatched input {} expecting {expecting}", t.tok.describe()),
                t.span,
            ),
        }
    }

    fn trivia_pos(&self) -> R<usize> {
        self.lx.skip_trivia(self.pos)
    }

    fn span_from(&self, start: usize) -> Span {
        Span::new(start, self.last_end.max(start))
    }

    fn enter(&mut self, span: Span) -> R<()> {
        self.nesting += 1;
        if self.nesting > MAX_NESTING {
            return Err(Diagnostic::new(
                "esql::too_deep",
                format!("expression nested more than {MAX_NESTING} levels deep"),
                span,
            )
            .with_help("simplify the expression"));
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.nesting -= 1;
    }

    fn node(&self, e: Expr, d: usize) -> R<E> {
        if d > MAX_DEPTH {
            return Err(Diagnostic::new(
                "esql::too_deep",
                format!("expression tree deeper than {MAX_DEPTH} levels"),
                e.span(),
            )
            .with_help("split long AND/OR or arithmetic chains, or use IN (...)"));
        }
        Ok(E { e, d })
    }

    fn binary(&self, op: BinaryOp, l: E, r: E) -> R<E> {
        let span = l.e.span().to(r.e.span());
        let d = l.d.max(r.d) + 1;
        self.node(
            Expr::Binary {
                op,
                left: Box::new(l.e),
                right: Box::new(r.e),
                span,
            },
            d,
        )
    }

    // ----- query structure --------------------------------------------------------------------

    fn query(&mut self) -> R<Query> {
        let start = self.trivia_pos()?;
        if start >= self.src.len() {
            return Err(
                Diagnostic::new("esql::syntax", "empty query", Span::at(start))
                    .with_help("start with FROM, ROW or SHOW INFO"),
            );
        }
        let source = self.source_command()?;
        let mut commands = Vec::new();
        loop {
            let t = self.peek()?;
            match t.tok {
                Tok::Eof => break,
                Tok::Pipe => {
                    self.bump()?;
                    commands.push(self.processing_command()?);
                }
                _ => return Err(self.unexpected(&t, "{<EOF>, '|'}")),
            }
        }
        Ok(Query {
            source,
            commands,
            span: Span::new(start, self.last_end),
        })
    }

    fn source_command(&mut self) -> R<SourceCommand> {
        let start = self.trivia_pos()?;
        let (word, wspan) = self.lx.command_word(start);
        let lower = word.to_ascii_lowercase();
        self.pos = wspan.end;
        self.last_end = wspan.end;
        match lower.as_str() {
            "from" => self.parse_from(start).map(SourceCommand::From),
            "row" => {
                let fields = self.fields()?;
                self.command_end()?;
                Ok(SourceCommand::Row {
                    fields,
                    span: self.span_from(start),
                })
            }
            "show" => {
                let t = self.bump()?;
                match t.tok {
                    Tok::Ident(ref w) if w.eq_ignore_ascii_case("info") => {}
                    _ => return Err(self.unexpected(&t, "'info'")),
                }
                self.command_end()?;
                Ok(SourceCommand::ShowInfo {
                    span: self.span_from(start),
                })
            }
            w if UNSUPPORTED_COMMANDS.contains(&w) => Err(unsupported_command(&word, wspan)),
            w if is_processing_command(w) => Err(Diagnostic::new(
                "esql::syntax",
                format!("mismatched input '{word}' expecting a source command {{FROM, ROW, SHOW}}"),
                wspan,
            )
            .with_help("a query starts with FROM, e.g. `FROM logs-* | WHERE ...`")),
            _ => {
                let span = if wspan.start == wspan.end {
                    Span::new(start, start + 1)
                } else {
                    wspan
                };
                let shown = if word.is_empty() {
                    self.src[start..]
                        .chars()
                        .next()
                        .map(String::from)
                        .unwrap_or_default()
                } else {
                    word
                };
                Err(Diagnostic::new(
                    "esql::syntax",
                    format!("mismatched input '{shown}' expecting {{FROM, ROW, SHOW}}"),
                    span,
                ))
            }
        }
    }

    fn processing_command(&mut self) -> R<ProcessingCommand> {
        let start = self.trivia_pos()?;
        let (word, wspan) = self.lx.command_word(start);
        let lower = word.to_ascii_lowercase();
        self.pos = wspan.end;
        self.last_end = wspan.end;
        let cmd = match lower.as_str() {
            "where" => {
                let c = self.bool_expr()?;
                ProcessingCommand::Where {
                    condition: c.e,
                    span: self.span_from(start),
                }
            }
            "eval" => {
                let fields = self.fields()?;
                ProcessingCommand::Eval {
                    fields,
                    span: self.span_from(start),
                }
            }
            "stats" => ProcessingCommand::Stats(self.stats_body(start)?),
            "inlinestats" => ProcessingCommand::InlineStats(self.stats_body(start)?),
            "inline" => {
                let at = self.trivia_pos()?;
                let (w2, s2) = self.lx.command_word(at);
                if !w2.eq_ignore_ascii_case("stats") {
                    return Err(Diagnostic::new(
                        "esql::syntax",
                        format!("mismatched input '{w2}' expecting 'stats'"),
                        s2,
                    ));
                }
                self.pos = s2.end;
                self.last_end = s2.end;
                ProcessingCommand::InlineStats(self.stats_body(start)?)
            }
            "keep" | "drop" => {
                let patterns = self.name_patterns()?;
                let span = self.span_from(start);
                if lower == "keep" {
                    ProcessingCommand::Keep { patterns, span }
                } else {
                    ProcessingCommand::Drop { patterns, span }
                }
            }
            "rename" => self.rename(start)?,
            "sort" => self.sort(start)?,
            "limit" => self.limit(start)?,
            "dissect" => self.dissect(start)?,
            "grok" => self.grok(start)?,
            "mv_expand" => {
                let field = self.pattern_name()?;
                ProcessingCommand::MvExpand {
                    field,
                    span: self.span_from(start),
                }
            }
            "enrich" => self.enrich(start)?,
            "lookup" => {
                let at = self.trivia_pos()?;
                let (w2, s2) = self.lx.command_word(at);
                if !w2.eq_ignore_ascii_case("join") {
                    return Err(unsupported_command("lookup", wspan)
                        .with_help("only `LOOKUP JOIN index ON field` is supported"));
                }
                self.pos = s2.end;
                self.last_end = s2.end;
                self.lookup_join(start)?
            }
            "change_point" => self.change_point(start)?,
            "sample" => {
                let t = self.bump()?;
                let value = match t.tok {
                    Tok::Decimal(ref text) => LiteralValue::Double(parse_f64(text, t.span)?),
                    Tok::Int(ref text) => int_literal(text, false, t.span)?,
                    _ => return Err(self.unexpected(&t, "a probability between 0 and 1")),
                };
                ProcessingCommand::Sample {
                    probability: Literal {
                        value,
                        span: t.span,
                    },
                    span: self.span_from(start),
                }
            }
            "fork" => self.fork(start)?,
            w if UNSUPPORTED_COMMANDS.contains(&w) => {
                return Err(unsupported_command(&word, wspan));
            }
            "from" | "row" | "show" => {
                return Err(Diagnostic::new(
                    "esql::syntax",
                    format!("mismatched input '{word}' expecting a processing command"),
                    wspan,
                )
                .with_help("source commands (FROM, ROW, SHOW) can only start a query"));
            }
            _ => {
                let span = if wspan.start == wspan.end {
                    Span::new(start, (start + 1).min(self.src.len()))
                } else {
                    wspan
                };
                let shown = if word.is_empty() {
                    self.src[start..]
                        .chars()
                        .next()
                        .map(String::from)
                        .unwrap_or_else(|| "<EOF>".into())
                } else {
                    word
                };
                return Err(Diagnostic::new(
                    "esql::syntax",
                    format!("mismatched input '{shown}' expecting a processing command"),
                    span,
                )
                .with_help(format!("processing commands: {PROCESSING_COMMANDS}")));
            }
        };
        self.command_end()?;
        Ok(cmd)
    }

    /// After a command: `|`, end of input, or `)` closing a FORK branch.
    fn command_end(&mut self) -> R<()> {
        let t = self.peek()?;
        match t.tok {
            Tok::Pipe | Tok::Eof => Ok(()),
            Tok::RParen if self.fork_depth > 0 => Ok(()),
            _ => Err(self.unexpected(&t, "{<EOF>, '|'}")),
        }
    }

    // ----- source commands ----------------------------------------------------------------------

    fn src_peek(&self) -> R<(SrcTok, Span)> {
        let at = self.trivia_pos()?;
        self.lx.source_token(at)
    }

    fn src_bump(&mut self) -> R<(SrcTok, Span)> {
        let (t, s) = self.src_peek()?;
        self.pos = s.end;
        self.last_end = s.end;
        Ok((t, s))
    }

    fn parse_from(&mut self, start: usize) -> R<FromCommand> {
        let mut indices = vec![self.index_pattern()?];
        let mut metadata = Vec::new();
        loop {
            let (t, s) = self.src_peek()?;
            match t {
                SrcTok::Comma => {
                    self.src_bump()?;
                    indices.push(self.index_pattern()?);
                }
                SrcTok::Unquoted(ref w) if w.eq_ignore_ascii_case("metadata") => {
                    self.src_bump()?;
                    loop {
                        let (t, s) = self.src_bump()?;
                        match t {
                            SrcTok::Unquoted(name) => {
                                if !METADATA_FIELDS.contains(&name.as_str()) {
                                    return Err(Diagnostic::new(
                                        "esql::syntax",
                                        format!("unsupported metadata field [{name}]"),
                                        s,
                                    )
                                    .with_help(format!(
                                        "known metadata fields: {}",
                                        METADATA_FIELDS.join(", ")
                                    )));
                                }
                                metadata.push(Name { name, span: s });
                            }
                            other => {
                                return Err(src_unexpected(&other, s, "a metadata field name"));
                            }
                        }
                        if self.src_peek()?.0 != SrcTok::Comma {
                            break;
                        }
                        self.src_bump()?;
                    }
                    break;
                }
                SrcTok::Pipe | SrcTok::Eof => break,
                other => return Err(src_unexpected(&other, s, "{',', 'metadata', '|', <EOF>}")),
            }
        }
        let (t, s) = self.src_peek()?;
        if !matches!(t, SrcTok::Pipe | SrcTok::Eof) {
            return Err(src_unexpected(&t, s, "{',', '|', <EOF>}"));
        }
        Ok(FromCommand {
            indices,
            metadata,
            span: self.span_from(start),
        })
    }

    fn index_pattern(&mut self) -> R<IndexPattern> {
        let (t, s) = self.src_bump()?;
        match t {
            SrcTok::Quoted(v) => Ok(IndexPattern {
                cluster: None,
                index: v,
                selector: None,
                quoted: true,
                span: s,
            }),
            SrcTok::Unquoted(first) => {
                let mut cluster = None;
                let mut index = first;
                let mut end = s.end;
                if self.src_peek()?.0 == SrcTok::Colon {
                    self.src_bump()?;
                    let (t2, s2) = self.src_bump()?;
                    match t2 {
                        SrcTok::Unquoted(ix) => {
                            cluster = Some(index);
                            index = ix;
                            end = s2.end;
                        }
                        other => return Err(src_unexpected(&other, s2, "an index name")),
                    }
                }
                let mut selector = None;
                if self.src_peek()?.0 == SrcTok::CastOp {
                    self.src_bump()?;
                    let (t3, s3) = self.src_bump()?;
                    match t3 {
                        SrcTok::Unquoted(sel) => {
                            selector = Some(sel);
                            end = s3.end;
                        }
                        other => {
                            return Err(src_unexpected(
                                &other,
                                s3,
                                "a selector such as 'failures'",
                            ));
                        }
                    }
                }
                Ok(IndexPattern {
                    cluster,
                    index,
                    selector,
                    quoted: false,
                    span: Span::new(s.start, end),
                })
            }
            other => Err(src_unexpected(&other, s, "an index pattern")),
        }
    }

    // ----- field lists --------------------------------------------------------------------------

    fn fields(&mut self) -> R<Vec<Field>> {
        let mut out = vec![self.field()?];
        while self.eat(&Tok::Comma)? {
            out.push(self.field()?);
        }
        Ok(out)
    }

    /// `[qualifiedName =] booleanExpression`.
    fn field(&mut self) -> R<Field> {
        let start = self.trivia_pos()?;
        let saved = (self.pos, self.last_end);
        if let Some(name) = self.try_qualified_name()?
            && self.eat(&Tok::Assign)?
        {
            let v = self.bool_expr()?;
            return Ok(Field {
                name: Some(name),
                expr: v.e,
                span: self.span_from(start),
            });
        }
        (self.pos, self.last_end) = saved;
        let v = self.bool_expr()?;
        Ok(Field {
            name: None,
            expr: v.e,
            span: self.span_from(start),
        })
    }

    /// Parses `ident (. ident)*` if the next token is an identifier; otherwise consumes nothing.
    fn try_qualified_name(&mut self) -> R<Option<QualifiedName>> {
        let t = self.peek()?;
        let Some(first) = ident_of(&t) else {
            return Ok(None);
        };
        self.bump()?;
        let mut parts = vec![first];
        loop {
            let saved = (self.pos, self.last_end);
            if !self.eat(&Tok::Dot)? {
                break;
            }
            let t = self.peek()?;
            match ident_of(&t) {
                Some(id) => {
                    self.bump()?;
                    parts.push(id);
                }
                None => {
                    (self.pos, self.last_end) = saved;
                    return Err(self.unexpected(&t, "an identifier after '.'"));
                }
            }
        }
        // Safe: `parts` starts with `first` and only grows.
        let span = parts[0].span.to(parts[parts.len() - 1].span);
        Ok(Some(QualifiedName { parts, span }))
    }

    fn stats_body(&mut self, start: usize) -> R<StatsCommand> {
        let mut aggregates = Vec::new();
        let t = self.peek()?;
        let stop = |t: &Tok, fork: bool| {
            matches!(t, Tok::Pipe | Tok::Eof | Tok::Kw(Kw::By)) || (fork && *t == Tok::RParen)
        };
        if !stop(&t.tok, self.fork_depth > 0) {
            loop {
                let item_start = self.trivia_pos()?;
                let field = self.field()?;
                let filter = if self.eat_kw(Kw::Where)? {
                    Some(self.bool_expr()?.e)
                } else {
                    None
                };
                aggregates.push(AggField {
                    field,
                    filter,
                    span: self.span_from(item_start),
                });
                if !self.eat(&Tok::Comma)? {
                    break;
                }
            }
        }
        let groups = if self.eat_kw(Kw::By)? {
            self.fields()?
        } else {
            Vec::new()
        };
        Ok(StatsCommand {
            aggregates,
            groups,
            span: self.span_from(start),
        })
    }

    fn sort(&mut self, start: usize) -> R<ProcessingCommand> {
        let mut keys = Vec::new();
        loop {
            let k_start = self.trivia_pos()?;
            let expr = self.bool_expr()?.e;
            let order = if self.eat_kw(Kw::Asc)? {
                Some(SortOrder::Asc)
            } else if self.eat_kw(Kw::Desc)? {
                Some(SortOrder::Desc)
            } else {
                None
            };
            let nulls = if self.eat_kw(Kw::Nulls)? {
                if self.eat_kw(Kw::First)? {
                    Some(NullsOrder::First)
                } else if self.eat_kw(Kw::Last)? {
                    Some(NullsOrder::Last)
                } else {
                    let t = self.peek()?;
                    return Err(self.unexpected(&t, "{'first', 'last'}"));
                }
            } else {
                None
            };
            keys.push(SortKey {
                expr,
                order,
                nulls,
                span: self.span_from(k_start),
            });
            if !self.eat(&Tok::Comma)? {
                break;
            }
        }
        Ok(ProcessingCommand::Sort {
            keys,
            span: self.span_from(start),
        })
    }

    fn limit(&mut self, start: usize) -> R<ProcessingCommand> {
        let t = self.bump()?;
        let (negative, t) = if t.tok == Tok::Minus {
            (true, self.bump()?)
        } else {
            (false, t)
        };
        let count = match t.tok {
            Tok::Int(ref text) if !negative => match text
                .parse::<u32>()
                .ok()
                .filter(|v| i32::try_from(*v).is_ok())
            {
                Some(v) => LimitCount::Value(v),
                None => {
                    return Err(Diagnostic::new(
                        "esql::syntax",
                        format!(
                            "value of [limit {text}] must be a non-negative integer no larger than 2147483647"
                        ),
                        t.span,
                    ));
                }
            },
            Tok::Param(ref name) if !negative => LimitCount::Param(Param {
                name: name.clone(),
                span: t.span,
            }),
            Tok::Int(ref text) => {
                return Err(Diagnostic::new(
                    "esql::syntax",
                    format!("value of [limit -{text}] must be a non-negative integer"),
                    t.span,
                ));
            }
            _ => return Err(self.unexpected(&t, "an integer row count")),
        };
        Ok(ProcessingCommand::Limit {
            count,
            span: self.span_from(start),
        })
    }

    fn string_lit(&mut self, expecting: &str) -> R<StringLit> {
        let t = self.peek()?;
        match t.tok {
            Tok::Str(value) => {
                self.bump()?;
                Ok(StringLit {
                    value,
                    span: t.span,
                })
            }
            _ => Err(self.unexpected(&t, expecting)),
        }
    }

    fn dissect(&mut self, start: usize) -> R<ProcessingCommand> {
        let input = self.postfix()?.e;
        let pattern = self.string_lit("a dissect pattern string")?;
        let mut append_separator = None;
        let mut first = true;
        loop {
            let t = self.peek()?;
            let name = match &t.tok {
                Tok::Ident(n) | Tok::QuotedIdent(n) => n.clone(),
                _ if first => break,
                _ => return Err(self.unexpected(&t, "a dissect option name")),
            };
            first = false;
            self.bump()?;
            if !name.eq_ignore_ascii_case("append_separator") {
                return Err(Diagnostic::new(
                    "esql::syntax",
                    format!("Invalid option for dissect: [{name}]"),
                    t.span,
                )
                .with_help("the only DISSECT option is APPEND_SEPARATOR=\"...\""));
            }
            self.expect(Tok::Assign, "'='")?;
            let v = self.peek()?;
            match v.tok {
                Tok::Str(value) => {
                    self.bump()?;
                    append_separator = Some(StringLit {
                        value,
                        span: v.span,
                    });
                }
                _ => {
                    let shown = self.src.get(v.span.range()).unwrap_or("").to_string();
                    return Err(Diagnostic::new(
                        "esql::syntax",
                        format!(
                            "Invalid value for dissect append_separator: expected a string, but was [{shown}]"
                        ),
                        v.span,
                    ));
                }
            }
            if !self.eat(&Tok::Comma)? {
                break;
            }
        }
        let sep = append_separator.as_ref().map_or("", |s| s.value.as_str());
        match crate::dissect::DissectPattern::parse(&pattern.value, sep) {
            Ok(parsed) => {
                if let Some(r) = parsed.reference_keys().first() {
                    return Err(Diagnostic::new(
                        "esql::dissect",
                        format!("Reference keys not supported in dissect patterns: [%{{*{r}}}]"),
                        pattern.span,
                    ));
                }
            }
            Err(e) => {
                return Err(Diagnostic::new(
                    "esql::dissect",
                    format!("Invalid pattern for dissect: [{}]", pattern.value),
                    pattern.span,
                )
                .with_help(e.message));
            }
        }
        Ok(ProcessingCommand::Dissect {
            input,
            pattern,
            append_separator,
            span: self.span_from(start),
        })
    }

    fn grok(&mut self, start: usize) -> R<ProcessingCommand> {
        let input = self.postfix()?.e;
        let mut patterns = vec![self.string_lit("a grok pattern string")?];
        while self.eat(&Tok::Comma)? {
            patterns.push(self.string_lit("a grok pattern string")?);
        }
        for p in &patterns {
            if let Err(e) = crate::grok::GrokPattern::compile(&p.value) {
                return Err(e.to_diagnostic(&p.value, p.span));
            }
        }
        Ok(ProcessingCommand::Grok {
            input,
            patterns,
            span: self.span_from(start),
        })
    }

    fn fork(&mut self, start: usize) -> R<ProcessingCommand> {
        let mut branches = Vec::new();
        while self.at(&Tok::LParen)? {
            let open = self.bump()?;
            if self.fork_depth >= 8 {
                return Err(Diagnostic::new(
                    "esql::too_deep",
                    "FORK nested too deeply",
                    open.span,
                ));
            }
            self.fork_depth += 1;
            let mut cmds = vec![self.processing_command()?];
            while self.eat(&Tok::Pipe)? {
                cmds.push(self.processing_command()?);
            }
            self.fork_depth -= 1;
            self.expect(Tok::RParen, "')'")?;
            branches.push(cmds);
        }
        if branches.is_empty() {
            let t = self.peek()?;
            return Err(self.unexpected(&t, "'(' starting a FORK branch"));
        }
        Ok(ProcessingCommand::Fork {
            branches,
            span: self.span_from(start),
        })
    }

    // ----- field-pattern commands ---------------------------------------------------------------

    fn pat_peek(&self) -> R<(PatTok, Span)> {
        let at = self.trivia_pos()?;
        self.lx.pattern_token(at)
    }

    fn pat_bump(&mut self) -> R<(PatTok, Span)> {
        let (t, s) = self.pat_peek()?;
        self.pos = s.end;
        self.last_end = s.end;
        Ok((t, s))
    }

    /// Whether the next pattern token is the bare word `kw` (case-insensitive).
    fn pat_at_word(&self, kw: &str) -> R<bool> {
        Ok(match self.pat_peek()?.0 {
            PatTok::Pattern(segs) => {
                matches!(segs.as_slice(), [PatternSegment::Unquoted(w)] if w.eq_ignore_ascii_case(kw))
            }
            _ => false,
        })
    }

    fn name_pattern(&mut self) -> R<NamePattern> {
        let mut parts = Vec::new();
        let mut span: Option<Span> = None;
        loop {
            let (t, s) = self.pat_bump()?;
            match t {
                PatTok::Pattern(segments) => parts.push(PatternPart { segments }),
                PatTok::Param => {
                    return Err(Diagnostic::new(
                        "esql::unsupported",
                        "parameters in field name patterns are not supported",
                        s,
                    ));
                }
                other => return Err(pat_unexpected(&other, s, "a field name or pattern")),
            }
            span = Some(span.map_or(s, |sp| sp.to(s)));
            if self.pat_peek()?.0 != PatTok::Dot {
                break;
            }
            self.pat_bump()?;
        }
        Ok(NamePattern {
            parts,
            span: span.unwrap_or_default(),
        })
    }

    fn name_patterns(&mut self) -> R<Vec<NamePattern>> {
        let mut out = vec![self.name_pattern()?];
        while self.pat_peek()?.0 == PatTok::Comma {
            self.pat_bump()?;
            out.push(self.name_pattern()?);
        }
        self.pat_command_end()?;
        Ok(out)
    }

    fn pat_command_end(&self) -> R<()> {
        let (t, s) = self.pat_peek()?;
        match t {
            PatTok::Pipe | PatTok::Eof => Ok(()),
            PatTok::Other(ref c) if c == ")" && self.fork_depth > 0 => Ok(()),
            other => Err(pat_unexpected(&other, s, "{',', '|', <EOF>}")),
        }
    }

    /// A plain (wildcard-free) dotted name read in field-pattern mode.
    fn pattern_name(&mut self) -> R<QualifiedName> {
        let p = self.name_pattern()?;
        let mut parts = Vec::new();
        for part in &p.parts {
            match part.segments.as_slice() {
                [PatternSegment::Unquoted(n)] if !n.contains('*') => parts.push(Ident {
                    name: n.clone(),
                    quoted: false,
                    span: p.span,
                }),
                [PatternSegment::Quoted(n)] => parts.push(Ident {
                    name: n.clone(),
                    quoted: true,
                    span: p.span,
                }),
                _ => {
                    return Err(Diagnostic::new(
                        "esql::syntax",
                        format!("expected a field name, found pattern [{}]", p.text()),
                        p.span,
                    ));
                }
            }
        }
        Ok(QualifiedName {
            parts,
            span: p.span,
        })
    }

    fn rename(&mut self, start: usize) -> R<ProcessingCommand> {
        let mut clauses = Vec::new();
        loop {
            let first = self.name_pattern()?;
            let (form, second) = if self.pat_at_word("as")? {
                self.pat_bump()?;
                (RenameForm::As, self.name_pattern()?)
            } else if self.pat_peek()?.0 == PatTok::Assign {
                self.pat_bump()?;
                (RenameForm::Assign, self.name_pattern()?)
            } else {
                let (t, s) = self.pat_peek()?;
                return Err(pat_unexpected(&t, s, "{'as', '='}"));
            };
            let span = first.span.to(second.span);
            let (old, new) = match form {
                RenameForm::As => (first, second),
                RenameForm::Assign => (second, first),
            };
            if old.has_wildcard() || new.has_wildcard() {
                return Err(Diagnostic::new(
                    "esql::syntax",
                    format!(
                        "Using wildcards [*] in RENAME is not allowed [{}]",
                        self.src.get(span.range()).unwrap_or("")
                    ),
                    span,
                ));
            }
            clauses.push(RenameClause {
                old,
                new,
                form,
                span,
            });
            if self.pat_peek()?.0 != PatTok::Comma {
                break;
            }
            self.pat_bump()?;
        }
        self.pat_command_end()?;
        Ok(ProcessingCommand::Rename {
            clauses,
            span: self.span_from(start),
        })
    }

    fn enrich(&mut self, start: usize) -> R<ProcessingCommand> {
        let at = self.trivia_pos()?;
        let (policy, policy_quoted) = match self.src[at..].chars().next() {
            Some('"') => {
                let t = self.lx.string(at)?;
                match t.tok {
                    Tok::Str(v) => (
                        Name {
                            name: v,
                            span: t.span,
                        },
                        true,
                    ),
                    _ => {
                        return Err(Diagnostic::new(
                            "esql::syntax",
                            "expected a policy name",
                            t.span,
                        ));
                    }
                }
            }
            Some('[') => {
                return Err(Diagnostic::new(
                    "esql::unsupported",
                    "ENRICH settings ([ccq.mode:...]) are not supported",
                    Span::new(at, at + 1),
                ));
            }
            _ => {
                let (name, span) = self.lx.policy_name(at);
                if name.is_empty() {
                    return Err(Diagnostic::new(
                        "esql::syntax",
                        "missing enrich policy name",
                        Span::new(at, at),
                    ));
                }
                (Name { name, span }, false)
            }
        };
        self.pos = policy.span.end;
        self.last_end = policy.span.end;
        let on = if self.pat_at_word("on")? {
            self.pat_bump()?;
            Some(self.name_pattern()?)
        } else {
            None
        };
        let mut with = Vec::new();
        if self.pat_at_word("with")? {
            self.pat_bump()?;
            loop {
                let first = self.name_pattern()?;
                let item = if self.pat_peek()?.0 == PatTok::Assign {
                    self.pat_bump()?;
                    let field = self.name_pattern()?;
                    EnrichWith {
                        span: first.span.to(field.span),
                        new_name: Some(first),
                        field,
                    }
                } else {
                    EnrichWith {
                        span: first.span,
                        new_name: None,
                        field: first,
                    }
                };
                with.push(item);
                if self.pat_peek()?.0 != PatTok::Comma {
                    break;
                }
                self.pat_bump()?;
            }
        }
        self.pat_command_end()?;
        Ok(ProcessingCommand::Enrich(EnrichCommand {
            policy,
            policy_quoted,
            on,
            with,
            span: self.span_from(start),
        }))
    }

    fn lookup_join(&mut self, start: usize) -> R<ProcessingCommand> {
        let index = self.index_pattern()?;
        if !self.pat_at_word("on")? {
            let (t, s) = self.src_peek()?;
            return Err(src_unexpected(&t, s, "'on'"));
        }
        self.pat_bump()?;
        let mut on = vec![self.value_expr()?.e];
        while self.eat(&Tok::Comma)? {
            on.push(self.value_expr()?.e);
        }
        Ok(ProcessingCommand::LookupJoin {
            index,
            on,
            span: self.span_from(start),
        })
    }

    fn change_point(&mut self, start: usize) -> R<ProcessingCommand> {
        let value = self.pattern_name()?;
        let key = if self.pat_at_word("on")? {
            self.pat_bump()?;
            Some(self.pattern_name()?)
        } else {
            None
        };
        let output = if self.pat_at_word("as")? {
            self.pat_bump()?;
            let a = self.pattern_name()?;
            let (t, s) = self.pat_bump()?;
            if t != PatTok::Comma {
                return Err(pat_unexpected(&t, s, "','"));
            }
            Some((a, self.pattern_name()?))
        } else {
            None
        };
        self.pat_command_end()?;
        Ok(ProcessingCommand::ChangePoint {
            value,
            key,
            output,
            span: self.span_from(start),
        })
    }

    // ----- expressions --------------------------------------------------------------------------

    /// booleanExpression (the entry point for nested expressions).
    fn bool_expr(&mut self) -> R<E> {
        let at = Span::at(self.trivia_pos()?);
        self.enter(at)?;
        let r = self.or_expr();
        self.leave();
        r
    }

    fn or_expr(&mut self) -> R<E> {
        let mut l = self.and_expr()?;
        while self.eat_kw(Kw::Or)? {
            let r = self.and_expr()?;
            l = self.binary(BinaryOp::Or, l, r)?;
        }
        Ok(l)
    }

    fn and_expr(&mut self) -> R<E> {
        let mut l = self.not_expr()?;
        while self.eat_kw(Kw::And)? {
            let r = self.not_expr()?;
            l = self.binary(BinaryOp::And, l, r)?;
        }
        Ok(l)
    }

    fn not_expr(&mut self) -> R<E> {
        let t = self.peek()?;
        if t.tok == Tok::Kw(Kw::Not) {
            self.bump()?;
            self.enter(t.span)?;
            let inner = self.not_expr();
            self.leave();
            let inner = inner?;
            let span = t.span.to(inner.e.span());
            return self.node(
                Expr::Not {
                    operand: Box::new(inner.e),
                    span,
                },
                inner.d + 1,
            );
        }
        self.predicate()
    }

    /// valueExpression followed by an optional `[NOT] IN`, `[NOT] [R]LIKE`, `IS [NOT] NULL`, or
    /// the `:` match operator.
    fn predicate(&mut self) -> R<E> {
        let v = self.value_expr()?;
        let t = self.peek()?;
        match t.tok {
            Tok::Colon => self.match_expr(v),
            Tok::Kw(Kw::Not) => {
                self.bump()?;
                let t2 = self.peek()?;
                match t2.tok {
                    Tok::Kw(Kw::In) => self.in_list(v, true),
                    Tok::Kw(Kw::Like) => self.like(v, LikeKind::Like, true),
                    Tok::Kw(Kw::RLike) => self.like(v, LikeKind::RLike, true),
                    _ => Err(self.unexpected(&t2, "{'in', 'like', 'rlike'} after 'not'")),
                }
            }
            Tok::Kw(Kw::In) => self.in_list(v, false),
            Tok::Kw(Kw::Like) => self.like(v, LikeKind::Like, false),
            Tok::Kw(Kw::RLike) => self.like(v, LikeKind::RLike, false),
            Tok::Kw(Kw::Is) => {
                self.bump()?;
                let negated = self.eat_kw(Kw::Not)?;
                let n = self.expect(Tok::Kw(Kw::Null), "'null'")?;
                let span = v.e.span().to(n.span);
                self.node(
                    Expr::IsNull {
                        expr: Box::new(v.e),
                        negated,
                        span,
                    },
                    v.d + 1,
                )
            }
            _ => Ok(v),
        }
    }

    fn in_list(&mut self, v: E, negated: bool) -> R<E> {
        self.bump()?; // IN
        self.expect(Tok::LParen, "'('")?;
        let mut list = Vec::new();
        let mut d = v.d;
        loop {
            let item = self.value_expr()?;
            d = d.max(item.d);
            list.push(item.e);
            if !self.eat(&Tok::Comma)? {
                break;
            }
        }
        let close = self.expect(Tok::RParen, "{',', ')'}")?;
        let span = v.e.span().to(close.span);
        self.node(
            Expr::In {
                expr: Box::new(v.e),
                list,
                negated,
                span,
            },
            d + 1,
        )
    }

    fn like(&mut self, v: E, kind: LikeKind, negated: bool) -> R<E> {
        self.bump()?; // LIKE / RLIKE
        let what = if kind == LikeKind::Like {
            "a LIKE pattern string"
        } else {
            "an RLIKE pattern string"
        };
        let (patterns, list, end) = if self.eat(&Tok::LParen)? {
            let mut ps = vec![self.pattern_string(what)?];
            while self.eat(&Tok::Comma)? {
                ps.push(self.pattern_string(what)?);
            }
            let close = self.expect(Tok::RParen, "{',', ')'}")?;
            (ps, true, close.span)
        } else {
            let p = self.pattern_string(what)?;
            let end = p.span;
            (vec![p], false, end)
        };
        for p in &patterns {
            let checked = match kind {
                LikeKind::Like => crate::like_pattern::LikePattern::new(&p.value)
                    .map(|_| ())
                    .map_err(|m| ("esql::like_pattern", m)),
                LikeKind::RLike => crate::lucene_regex::LuceneRegex::new(&p.value, false)
                    .map(|_| ())
                    .map_err(|e| (e.code, e.message)),
            };
            if let Err((code, message)) = checked {
                return Err(Diagnostic::new(code, message, p.span));
            }
        }
        let span = v.e.span().to(end);
        self.node(
            Expr::Like {
                kind,
                expr: Box::new(v.e),
                patterns,
                list,
                negated,
                span,
            },
            v.d + 1,
        )
    }

    fn pattern_string(&mut self, what: &str) -> R<StringLit> {
        let t = self.peek()?;
        if let Tok::Param(_) = t.tok {
            return Err(Diagnostic::new(
                "esql::unsupported",
                "parameters as LIKE/RLIKE patterns are not supported",
                t.span,
            ));
        }
        self.string_lit(what)
    }

    fn match_expr(&mut self, v: E) -> R<E> {
        let colon = self.bump()?;
        let (field, ty) = match v.e {
            Expr::Field(f) => (f, None),
            Expr::Cast { expr, ty, .. } => match *expr {
                Expr::Field(f) => (f, Some(*ty)),
                other => {
                    return Err(Diagnostic::new(
                        "esql::syntax",
                        "the `:` match operator needs a field on its left",
                        other.span(),
                    ));
                }
            },
            other => {
                return Err(Diagnostic::new(
                    "esql::syntax",
                    "the `:` match operator needs a field on its left",
                    other.span().to(colon.span),
                ));
            }
        };
        let query = self.constant()?;
        let span = field.span.to(query.span);
        self.node(
            Expr::Match(Box::new(MatchExpr {
                field,
                ty,
                query,
                span,
            })),
            2,
        )
    }

    /// valueExpression: operatorExpression [comparison operatorExpression].
    fn value_expr(&mut self) -> R<E> {
        let l = self.additive()?;
        let t = self.peek()?;
        let op = match t.tok {
            Tok::Eq => BinaryOp::Eq,
            Tok::Neq => BinaryOp::Neq,
            Tok::Lt => BinaryOp::Lt,
            Tok::Lte => BinaryOp::Lte,
            Tok::Gt => BinaryOp::Gt,
            Tok::Gte => BinaryOp::Gte,
            Tok::Assign | Tok::CiEq => return Err(self.unexpected(&t, "a comparison operator")),
            _ => return Ok(l),
        };
        self.bump()?;
        let r = self.additive()?;
        let next = self.peek()?;
        if matches!(
            next.tok,
            Tok::Eq | Tok::Neq | Tok::Lt | Tok::Lte | Tok::Gt | Tok::Gte
        ) {
            return Err(self
                .unexpected(&next, "{<EOF>, '|', 'and', 'or'}")
                .with_help("comparisons cannot be chained; combine them with AND"));
        }
        if matches!(next.tok, Tok::Assign | Tok::CiEq) {
            return Err(self.unexpected(&next, "{<EOF>, '|', 'and', 'or'}"));
        }
        self.binary(op, l, r)
    }

    fn additive(&mut self) -> R<E> {
        let mut l = self.multiplicative()?;
        loop {
            let op = match self.peek()?.tok {
                Tok::Plus => BinaryOp::Add,
                Tok::Minus => BinaryOp::Sub,
                _ => return Ok(l),
            };
            self.bump()?;
            let r = self.multiplicative()?;
            l = self.binary(op, l, r)?;
        }
    }

    fn multiplicative(&mut self) -> R<E> {
        let mut l = self.unary()?;
        loop {
            let op = match self.peek()?.tok {
                Tok::Star => BinaryOp::Mul,
                Tok::Slash => BinaryOp::Div,
                Tok::Percent => BinaryOp::Mod,
                _ => return Ok(l),
            };
            self.bump()?;
            let r = self.unary()?;
            l = self.binary(op, l, r)?;
        }
    }

    fn unary(&mut self) -> R<E> {
        let t = self.peek()?;
        let op = match t.tok {
            Tok::Minus => UnaryOp::Neg,
            Tok::Plus => UnaryOp::Plus,
            _ => return self.postfix(),
        };
        // A sign directly before a number is part of the constant (ES|QL `integerValue` /
        // `decimalValue`), so `-5` is the literal -5 and `-7 days` a negative time span.
        self.bump()?;
        let next = self.peek()?;
        if matches!(next.tok, Tok::Int(_) | Tok::Decimal(_)) {
            let lit = self.number_literal(Some(op == UnaryOp::Neg), t.span.start)?;
            return self.postfix_from(E {
                e: Expr::Literal(lit),
                d: 1,
            });
        }
        self.enter(t.span)?;
        let inner = self.unary();
        self.leave();
        let inner = inner?;
        let span = t.span.to(inner.e.span());
        self.node(
            Expr::Unary {
                op,
                operand: Box::new(inner.e),
                span,
            },
            inner.d + 1,
        )
    }

    /// primaryExpression with `::type` casts.
    fn postfix(&mut self) -> R<E> {
        let p = self.primary()?;
        self.postfix_from(p)
    }

    fn postfix_from(&mut self, mut p: E) -> R<E> {
        while self.eat(&Tok::CastOp)? {
            let t = self.peek()?;
            let ty = match ident_of(&t) {
                Some(id) => {
                    self.bump()?;
                    id
                }
                None => return Err(self.unexpected(&t, "a data type name")),
            };
            let span = p.e.span().to(ty.span);
            p = self.node(
                Expr::Cast {
                    expr: Box::new(p.e),
                    ty: Box::new(ty),
                    span,
                },
                p.d + 1,
            )?;
        }
        Ok(p)
    }

    /// A numeric literal (after an optional sign already consumed at `start`), including the
    /// `integer UNIT` time-span form.
    fn number_literal(&mut self, negative: Option<bool>, start: usize) -> R<Literal> {
        let t = self.bump()?;
        let neg = negative == Some(true);
        let value = match t.tok {
            Tok::Int(ref text) => {
                let next = self.peek()?;
                if let Tok::Ident(unit_text) = next.tok {
                    let Some(unit) = TimeUnit::parse(&unit_text) else {
                        return Err(Diagnostic::new("esql::syntax", format!("Unexpected temporal unit: '{unit_text}'"), next.span)
                            .with_help("units: millisecond(s)/ms, second(s)/sec/s, minute(s)/min/m, hour(s)/h, day(s)/d, week(s)/w, month(s)/mo, quarter(s)/q, year(s)/yr/y"));
                    };
                    self.bump()?;
                    let amount = text
                        .parse::<i64>()
                        .ok()
                        .and_then(|a| if neg { a.checked_neg() } else { Some(a) });
                    let Some(amount) =
                        amount.filter(|a| i32::try_from(*a).is_ok() || !unit.is_date_period())
                    else {
                        return Err(Diagnostic::new(
                            "esql::syntax",
                            format!("time span amount [{text}] is out of range"),
                            t.span,
                        ));
                    };
                    LiteralValue::TimeSpan { amount, unit }
                } else {
                    int_literal(text, neg, t.span)?
                }
            }
            Tok::Decimal(ref text) => {
                let v = parse_f64(text, t.span)?;
                if let Tok::Ident(unit) = self.peek()?.tok
                    && TimeUnit::parse(&unit).is_some()
                {
                    let n = self.peek()?;
                    return Err(self
                        .unexpected(&n, "{<EOF>, '|', ...}")
                        .with_help("time spans need an integer amount, e.g. `90 minutes`"));
                }
                LiteralValue::Double(if neg { -v } else { v })
            }
            _ => return Err(self.unexpected(&t, "a number")),
        };
        Ok(Literal {
            value,
            span: Span::new(start, self.last_end),
        })
    }

    fn primary(&mut self) -> R<E> {
        // Kept small: it is on the recursion path of nested parentheses and calls.
        let t = self.peek()?;
        match t.tok {
            Tok::LParen => {
                self.bump()?;
                let inner = self.bool_expr()?;
                self.expect(Tok::RParen, "')'")?;
                Ok(inner)
            }
            Tok::Ident(_) | Tok::QuotedIdent(_) => {
                let qn = self.qualified_name_at(&t)?;
                if self.at(&Tok::LParen)? {
                    let name = function_name(qn)?;
                    return self.function_call(name);
                }
                Ok(E {
                    e: Expr::Field(qn),
                    d: 1,
                })
            }
            _ => self.primary_atom(t),
        }
    }

    fn qualified_name_at(&mut self, t: &Token) -> R<QualifiedName> {
        match self.try_qualified_name()? {
            Some(qn) => Ok(qn),
            None => Err(self.unexpected(t, "an identifier")),
        }
    }

    /// Constants, parameters and the errors of [`Parser::primary`].
    #[inline(never)]
    fn primary_atom(&mut self, t: Token) -> R<E> {
        match t.tok {
            Tok::Int(_) | Tok::Decimal(_) => {
                let lit = self.number_literal(None, t.span.start)?;
                Ok(E { e: Expr::Literal(lit), d: 1 })
            }
            Tok::Str(_) | Tok::Kw(Kw::Null | Kw::True | Kw::False) | Tok::LBracket => {
                let lit = self.constant()?;
                Ok(E { e: Expr::Literal(lit), d: 1 })
            }
            Tok::Param(ref name) => {
                self.bump()?;
                if self.at(&Tok::LParen)? {
                    return Err(Diagnostic::new(
                        "esql::unsupported",
                        format!(
                            "parameters as function names are not supported (?{})",
                            name.clone().unwrap_or_default()
                        ),
                        t.span,
                    ));
                }
                Ok(E { e: Expr::Param(Param { name: name.clone(), span: t.span }), d: 1 })
            }
            Tok::Kw(Kw::First | Kw::Last) => Err(Diagnostic::new(
                "esql::unsupported",
                format!(
                    "{} is a reserved keyword; the FIRST(value BY sort)/LAST(...) aggregations are not supported",
                    t.tok.describe()
                ),
                t.span,
            )
            .with_help("quote a column with this name in backticks")),
            Tok::Kw(kw) => Err(self.unexpected(&t, "an expression").with_help(format!(
                "`{}` is a keyword; quote a column with this name in backticks",
                format!("{kw:?}").to_ascii_lowercase()
            ))),
            _ => Err(self.unexpected(&t, "an expression")),
        }
    }

    fn function_call(&mut self, name: Ident) -> R<E> {
        let open = self.bump()?; // (
        self.enter(open.span)?;
        let r = self.function_args();
        self.leave();
        let (args, options, d) = r?;
        let close = self.expect(Tok::RParen, "{',', ')'}")?;
        let span = name.span.to(close.span);
        self.node(
            Expr::Function(Box::new(FunctionCall {
                name,
                args,
                options,
                span,
            })),
            d + 1,
        )
    }

    fn function_args(&mut self) -> R<(FunctionArgs, Option<MapExpr>, usize)> {
        if self.at(&Tok::RParen)? {
            return Ok((FunctionArgs::List(Vec::new()), None, 0));
        }
        if self.eat(&Tok::Star)? {
            return Ok((FunctionArgs::Star, None, 0));
        }
        let mut args = Vec::new();
        let mut d = 0;
        let mut options = None;
        loop {
            if self.at(&Tok::LBrace)? && !args.is_empty() {
                options = Some(self.map_expr()?);
                break;
            }
            let a = self.bool_expr()?;
            d = d.max(a.d);
            args.push(a.e);
            if !self.eat(&Tok::Comma)? {
                break;
            }
        }
        Ok((FunctionArgs::List(args), options, d))
    }

    fn map_expr(&mut self) -> R<MapExpr> {
        let open = self.bump()?; // {
        let mut entries = Vec::new();
        if !self.at(&Tok::RBrace)? {
            loop {
                let key = self.string_lit("a string option name")?;
                self.expect(Tok::Colon, "':'")?;
                let value = self.constant()?;
                entries.push((key, value));
                if !self.eat(&Tok::Comma)? {
                    break;
                }
            }
        }
        let close = self.expect(Tok::RBrace, "{',', '}'}")?;
        Ok(MapExpr {
            entries,
            span: open.span.to(close.span),
        })
    }

    /// ES|QL `constant`: null, numbers (optionally signed), time spans, booleans, strings,
    /// parameters and homogeneous arrays.
    fn constant(&mut self) -> R<Literal> {
        let t = self.peek()?;
        match t.tok {
            Tok::Kw(Kw::Null) => {
                self.bump()?;
                Ok(Literal {
                    value: LiteralValue::Null,
                    span: t.span,
                })
            }
            Tok::Kw(Kw::True) | Tok::Kw(Kw::False) => {
                self.bump()?;
                Ok(Literal {
                    value: LiteralValue::Bool(t.tok == Tok::Kw(Kw::True)),
                    span: t.span,
                })
            }
            Tok::Str(v) => {
                self.bump()?;
                Ok(Literal {
                    value: LiteralValue::String(v),
                    span: t.span,
                })
            }
            Tok::Int(_) | Tok::Decimal(_) => self.number_literal(None, t.span.start),
            Tok::Minus | Tok::Plus => {
                self.bump()?;
                let n = self.peek()?;
                if !matches!(n.tok, Tok::Int(_) | Tok::Decimal(_)) {
                    return Err(self.unexpected(&n, "a number"));
                }
                self.number_literal(Some(t.tok == Tok::Minus), t.span.start)
            }
            Tok::LBracket => self.array_literal(),
            _ => Err(self.unexpected(&t, "a constant")),
        }
    }

    fn array_literal(&mut self) -> R<Literal> {
        let open = self.bump()?;
        let mut items = Vec::new();
        let mut kind: Option<u8> = None;
        loop {
            let item = self.constant()?;
            let k = match item.value {
                LiteralValue::Integer(_)
                | LiteralValue::UnsignedLong(_)
                | LiteralValue::Double(_) => 0,
                LiteralValue::Bool(_) => 1,
                LiteralValue::String(_) => 2,
                _ => 3,
            };
            if k == 3 || kind.is_some_and(|prev| prev != k) {
                return Err(Diagnostic::new(
                    "esql::syntax",
                    "array constants must hold only numbers, only booleans or only strings",
                    item.span,
                ));
            }
            kind = Some(k);
            items.push(item.value);
            if !self.eat(&Tok::Comma)? {
                break;
            }
        }
        let close = self.expect(Tok::RBracket, "{',', ']'}")?;
        Ok(Literal {
            value: LiteralValue::Array(items),
            span: open.span.to(close.span),
        })
    }
}

const METADATA_FIELDS: &[&str] = &[
    "_id",
    "_index",
    "_version",
    "_ignored",
    "_source",
    "_index_mode",
    "_score",
    "_tsid",
];

fn is_processing_command(w: &str) -> bool {
    matches!(
        w,
        "where"
            | "eval"
            | "stats"
            | "inlinestats"
            | "inline"
            | "keep"
            | "drop"
            | "rename"
            | "sort"
            | "limit"
            | "dissect"
            | "grok"
            | "mv_expand"
            | "enrich"
            | "lookup"
            | "change_point"
            | "sample"
            | "fork"
    )
}

/// A call's name must be a single identifier.
#[inline(never)]
fn function_name(qn: QualifiedName) -> R<Ident> {
    if qn.parts.len() != 1 {
        return Err(Diagnostic::new(
            "esql::syntax",
            format!("invalid function name [{}]", qn.name()),
            qn.span,
        ));
    }
    let span = qn.span;
    qn.parts
        .into_iter()
        .next()
        .ok_or_else(|| Diagnostic::new("esql::syntax", "missing function name", span))
}

fn ident_of(t: &Token) -> Option<Ident> {
    match &t.tok {
        Tok::Ident(n) => Some(Ident {
            name: n.clone(),
            quoted: false,
            span: t.span,
        }),
        Tok::QuotedIdent(n) => Some(Ident {
            name: n.clone(),
            quoted: true,
            span: t.span,
        }),
        _ => None,
    }
}

fn src_unexpected(t: &SrcTok, s: Span, expecting: &str) -> Diagnostic {
    let shown = match t {
        SrcTok::Unquoted(v) => format!("'{v}'"),
        SrcTok::Quoted(v) => format!("'\"{v}\"'"),
        SrcTok::Comma => "','".into(),
        SrcTok::Colon => "':'".into(),
        SrcTok::CastOp => "'::'".into(),
        SrcTok::Pipe => "'|'".into(),
        SrcTok::Other(o) => format!("'{o}'"),
        SrcTok::Eof => "<EOF>".into(),
    };
    Diagnostic::new(
        "esql::syntax",
        format!("mismatched input {shown} expecting {expecting}"),
        s,
    )
}

fn pat_unexpected(t: &PatTok, s: Span, expecting: &str) -> Diagnostic {
    let shown = match t {
        PatTok::Pattern(_) => "a name".to_string(),
        PatTok::Dot => "'.'".into(),
        PatTok::Comma => "','".into(),
        PatTok::Assign => "'='".into(),
        PatTok::Pipe => "'|'".into(),
        PatTok::Param => "'?'".into(),
        PatTok::Other(o) => format!("'{o}'"),
        PatTok::Eof => "<EOF>".into(),
    };
    Diagnostic::new(
        "esql::syntax",
        format!("mismatched input {shown} expecting {expecting}"),
        s,
    )
}

fn parse_f64(text: &str, span: Span) -> R<f64> {
    match text.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        _ => Err(Diagnostic::new(
            "esql::syntax",
            format!("Number [{text}] is too large"),
            span,
        )),
    }
}

/// Integer literal typing: `i64` when it fits, then `unsigned_long`, then `double`.
fn int_literal(text: &str, negative: bool, span: Span) -> R<LiteralValue> {
    let signed = if negative {
        format!("-{text}")
    } else {
        text.to_string()
    };
    if let Ok(v) = signed.parse::<i64>() {
        return Ok(LiteralValue::Integer(v));
    }
    if !negative && let Ok(v) = text.parse::<u64>() {
        return Ok(LiteralValue::UnsignedLong(v));
    }
    parse_f64(&signed, span).map(LiteralValue::Double)
}

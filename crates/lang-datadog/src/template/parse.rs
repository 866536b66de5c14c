//! Parser for notification message templates (grammar in the crate documentation).

use trailhound_syntax::{Diagnostic, Span};

use super::ast::{Arg, Block, Call, Node, NodeKind, Template};

/// Deepest nesting of conditional blocks accepted.
pub const MAX_BLOCK_DEPTH: usize = 64;

type TResult<T> = Result<T, Diagnostic>;

/// Parses a notification message (or signal title) template.
pub fn parse_template(src: &str) -> Result<Template, Diagnostic> {
    let mut p = TParser { src, pos: 0 };
    let (nodes, end) = p.parse_seq(0)?;
    match end {
        End::Eof => Ok(Template { nodes }),
        End::Else(span) => Err(Diagnostic::new(
            "datadog::template_syntax",
            "`{{else}}` outside a block",
            span,
        )
        .with_help("`{{else}}` goes between `{{#is_match ...}}` and `{{/is_match}}`")),
        End::Close(name, span) => Err(Diagnostic::new(
            "datadog::template_syntax",
            format!("`{{{{/{name}}}}}` closes no block"),
            span,
        )
        .with_help(format!("open it with `{{{{#{name} ...}}}}`, or remove it"))),
    }
}

/// What stopped a sequence of nodes.
enum End {
    Eof,
    Else(Span),
    Close(String, Span),
}

struct TParser<'a> {
    src: &'a str,
    pos: usize,
}

fn is_block_helper_with_args(name: &str) -> Option<(usize, &'static str)> {
    match name {
        "is_match" | "is_exact_match" => Some((2, "`{{#is_match \"@attr\" \"text\"}}`")),
        "if" => Some((1, "`{{#if @attr}}`")),
        _ => None,
    }
}

impl<'a> TParser<'a> {
    fn rest(&self) -> &'a str {
        self.src.get(self.pos..).unwrap_or_default()
    }

    fn parse_seq(&mut self, depth: usize) -> TResult<(Vec<Node>, End)> {
        let mut nodes = Vec::new();
        loop {
            let Some(offset) = self.rest().find("{{") else {
                push_text(&mut nodes, self.rest(), self.pos);
                self.pos = self.src.len();
                return Ok((nodes, End::Eof));
            };
            push_text(
                &mut nodes,
                self.rest().get(..offset).unwrap_or_default(),
                self.pos,
            );
            self.pos += offset;
            let start = self.pos;
            if self.rest().starts_with("{{{{") {
                nodes.push(self.parse_raw()?);
            } else if self.rest().starts_with("{{{") {
                let (inner, span) = self.take_tag(3)?;
                if inner.is_empty() || inner.contains(char::is_whitespace) {
                    return Err(Diagnostic::new(
                        "datadog::template_syntax",
                        "`{{{...}}}` must hold one variable name",
                        span,
                    )
                    .with_help("write `{{{@attribute}}}`"));
                }
                nodes.push(Node {
                    kind: NodeKind::Variable {
                        name: inner.to_string(),
                        triple: true,
                    },
                    span,
                });
            } else {
                let (inner, span) = self.take_tag(2)?;
                if let Some(rest) = inner.strip_prefix('/') {
                    return Ok((nodes, End::Close(rest.trim().to_string(), span)));
                }
                if inner == "else" {
                    return Ok((nodes, End::Else(span)));
                }
                if let Some((inverted, rest)) = inner
                    .strip_prefix('#')
                    .map(|r| (false, r))
                    .or_else(|| inner.strip_prefix('^').map(|r| (true, r)))
                {
                    let call = parse_call(rest, span)?;
                    nodes.push(self.parse_block(call, inverted, start, span, depth)?);
                    continue;
                }
                let call = parse_call(inner, span)?;
                let helper = !call.args.is_empty()
                    || matches!(call.name.as_str(), "eval" | "urlencode" | "local_time");
                let kind = if helper {
                    NodeKind::Helper(check_inline_helper(call, span)?)
                } else {
                    NodeKind::Variable {
                        name: call.name,
                        triple: false,
                    }
                };
                nodes.push(Node { kind, span });
            }
        }
    }

    fn parse_block(
        &mut self,
        call: Call,
        inverted: bool,
        start: usize,
        open: Span,
        depth: usize,
    ) -> TResult<Node> {
        if depth >= MAX_BLOCK_DEPTH {
            return Err(Diagnostic::new(
                "datadog::too_deep",
                format!("blocks nest deeper than {MAX_BLOCK_DEPTH} levels"),
                open,
            )
            .with_help("flatten the conditional blocks"));
        }
        if let Some((min_args, example)) = is_block_helper_with_args(&call.name)
            && call.args.len() < min_args
        {
            return Err(Diagnostic::new(
                "datadog::template_syntax",
                format!("`{}` needs more arguments", call.name),
                open,
            )
            .with_help(format!("write {example}")));
        }
        let unclosed = |name: &str| {
            Diagnostic::new(
                "datadog::template_syntax",
                format!("`{{{{#{name}}}}}` is never closed"),
                open,
            )
            .with_help(format!("add `{{{{/{name}}}}}`"))
        };
        let (body, mut end) = self.parse_seq(depth + 1)?;
        let mut else_body = None;
        if let End::Else(else_span) = end {
            let (other, next) = self.parse_seq(depth + 1)?;
            if let End::Else(span) = next {
                return Err(Diagnostic::new(
                    "datadog::template_syntax",
                    "second `{{else}}` in one block",
                    span,
                )
                .with_help(format!(
                    "a block has at most one `{{{{else}}}}` (the first is at byte {})",
                    else_span.start
                )));
            }
            else_body = Some(other);
            end = next;
        }
        match end {
            End::Close(name, _) if name == call.name => {
                let span = Span::new(start, self.pos);
                Ok(Node {
                    kind: NodeKind::Block(Block {
                        call,
                        inverted,
                        body,
                        else_body,
                    }),
                    span,
                })
            }
            End::Close(name, span) => Err(Diagnostic::new(
                "datadog::template_syntax",
                format!("`{{{{/{name}}}}}` does not close `{{{{#{}}}}}`", call.name),
                span,
            )
            .with_help(format!(
                "close the innermost block first: `{{{{/{}}}}}`",
                call.name
            ))),
            End::Eof | End::Else(_) => Err(unclosed(&call.name)),
        }
    }

    /// `{{{{raw}}}}...{{{{/raw}}}}` or `{{{{helper args}}}}...{{{{/helper}}}}`.
    fn parse_raw(&mut self) -> TResult<Node> {
        let start = self.pos;
        let (inner, open) = self.take_tag(4)?;
        let call = parse_call(inner, open)?;
        let close = format!("{{{{{{{{/{}}}}}}}}}", call.name);
        let Some(len) = self.rest().find(&close) else {
            return Err(Diagnostic::new(
                "datadog::template_syntax",
                format!("`{{{{{{{{{}}}}}}}}}` is never closed", call.name),
                open,
            )
            .with_help(format!("add `{close}`")));
        };
        let text = self.rest().get(..len).unwrap_or_default().to_string();
        self.pos += len + close.len();
        let call = match call.name.as_str() {
            "raw" if call.args.is_empty() => None,
            "raw" => {
                return Err(Diagnostic::new(
                    "datadog::template_syntax",
                    "`{{{{raw}}}}` takes no arguments",
                    open,
                )
                .with_help("write `{{{{raw}}}}...{{{{/raw}}}}`"));
            }
            _ => Some(call),
        };
        Ok(Node {
            kind: NodeKind::Raw { call, text },
            span: Span::new(start, self.pos),
        })
    }

    /// Consumes `{`×n ... `}`×n and returns the trimmed inside and the tag's span.
    fn take_tag(&mut self, braces: usize) -> TResult<(&'a str, Span)> {
        let start = self.pos;
        let closing = "}".repeat(braces);
        let after_open = self.rest().get(braces..).unwrap_or_default();
        let Some(len) = after_open.find(&closing) else {
            let open = Span::new(start, start + braces);
            return Err(Diagnostic::new("datadog::template_syntax", format!("`{}` is never closed", "{".repeat(braces)), open)
                .with_help(format!("add `{closing}`, or write the braces inside `{{{{{{{{raw}}}}}}}}...{{{{{{{{/raw}}}}}}}}`")));
        };
        let inner = after_open.get(..len).unwrap_or_default();
        self.pos = start + braces + len + braces;
        let span = Span::new(start, self.pos);
        let inner = inner.trim();
        if inner.is_empty() {
            return Err(
                Diagnostic::new("datadog::template_syntax", "empty template tag", span)
                    .with_help("write a variable such as `{{@usr.id}}`"),
            );
        }
        Ok((inner, span))
    }
}

fn push_text(nodes: &mut Vec<Node>, text: &str, start: usize) {
    if !text.is_empty() {
        nodes.push(Node {
            kind: NodeKind::Text(text.to_string()),
            span: Span::new(start, start + text.len()),
        });
    }
}

/// Splits `name arg "arg" 'arg'` into a call.
fn parse_call(inner: &str, span: Span) -> TResult<Call> {
    let mut tokens = Vec::new();
    let mut chars = inner.trim().chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        if c == '"' || c == '\'' {
            chars.next();
            let mut value = String::new();
            loop {
                match chars.next() {
                    Some(q) if q == c => break,
                    Some(other) => value.push(other),
                    None => {
                        return Err(Diagnostic::new(
                            "datadog::template_syntax",
                            "unterminated string in template tag",
                            span,
                        )
                        .with_help(format!("close the string with `{c}`")));
                    }
                }
            }
            tokens.push(Arg::Str { value, quote: c });
        } else {
            let mut word = String::new();
            while let Some(&c) = chars.peek().filter(|c| !c.is_whitespace()) {
                word.push(c);
                chars.next();
            }
            tokens.push(Arg::Path(word));
        }
    }
    let mut tokens = tokens.into_iter();
    match tokens.next() {
        Some(Arg::Path(name))
            if !name.starts_with(['#', '^', '/', '{', '}']) && !name.contains('}') =>
        {
            Ok(Call {
                name,
                args: tokens.collect(),
            })
        }
        _ => Err(Diagnostic::new(
            "datadog::template_syntax",
            "a template tag must start with a variable or helper name",
            span,
        )
        .with_help(
            "write `{{@attribute}}`, `{{#is_match \"@attr\" \"text\"}}` or `{{urlencode \"var\"}}`",
        )),
    }
}

/// Checks the argument count of the inline helpers Datadog documents.
fn check_inline_helper(call: Call, span: Span) -> TResult<Call> {
    let expected = match call.name.as_str() {
        "eval" => Some((1, "`{{eval \"first_seen_epoch-15*60*1000\"}}`")),
        "urlencode" => Some((1, "`{{urlencode \"service.name\"}}`")),
        "local_time" => Some((2, "`{{local_time \"last_seen\" \"Asia/Tokyo\"}}`")),
        _ => None,
    };
    match expected {
        Some((n, example)) if call.args.len() != n => Err(Diagnostic::new(
            "datadog::template_syntax",
            format!("`{}` takes {n} argument(s)", call.name),
            span,
        )
        .with_help(format!("write {example}"))),
        _ => Ok(call),
    }
}

//! Syntax tree of a notification message template, and its printer.

use std::fmt::{self, Display, Formatter};

use trailhound_syntax::Span;

/// A parsed message template: text interleaved with `{{...}}` constructs.
#[derive(Clone, Debug, PartialEq)]
pub struct Template {
    /// The top-level nodes, in order. Two text nodes are never adjacent.
    pub nodes: Vec<Node>,
}

/// One piece of a template.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// What the piece is.
    pub kind: NodeKind,
    /// Where it was written (for a block: from its opening tag to its closing tag).
    pub span: Span,
}

/// The kinds of [`Node`].
#[derive(Clone, Debug, PartialEq)]
pub enum NodeKind {
    /// Literal text (Markdown), copied as is.
    Text(String),
    /// `{{name}}` or, with `triple`, `{{{name}}}`. `name` is trimmed, e.g. `@userIdentity.arn`,
    /// `severity`, `region.name`, `[dot.key].name`; see [`VarKind`] for what it refers to.
    Variable {
        /// The variable as written, without braces and surrounding blanks.
        name: String,
        /// Written with three braces (Datadog's "do not escape" form).
        triple: bool,
    },
    /// An inline helper call such as `{{eval "x*2"}}`, `{{local_time "last_seen" "UTC"}}` or
    /// `{{urlencode "service.name"}}`.
    Helper(Call),
    /// `{{#name args}}body{{else}}other{{/name}}`, or `{{^name args}}...` when inverted.
    Block(Block),
    /// `{{{{raw}}}}text{{{{/raw}}}}` (no `call`) or `{{{{is_match "v" "p"}}}}text{{{{/is_match}}}}`:
    /// text that is not interpreted, shown unconditionally or when the call's condition holds.
    Raw {
        /// The condition, or `None` for `raw`.
        call: Option<Call>,
        /// The uninterpreted text.
        text: String,
    },
}

/// A helper name with its arguments.
#[derive(Clone, Debug, PartialEq)]
pub struct Call {
    /// `is_match`, `is_exact_match`, `if`, `eval`, `local_time`, `urlencode`, ...
    pub name: String,
    /// The arguments in order.
    pub args: Vec<Arg>,
}

/// A helper argument.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Arg {
    /// A quoted string; `quote` is `"` or `'`.
    Str {
        /// The text between the quotes.
        value: String,
        /// The quote character used.
        quote: char,
    },
    /// A bare word such as `@network.client.ip`.
    Path(String),
}

impl Arg {
    /// The argument's text (without quotes).
    pub fn text(&self) -> &str {
        match self {
            Arg::Str { value, .. } | Arg::Path(value) => value,
        }
    }
}

/// A conditional section.
#[derive(Clone, Debug, PartialEq)]
pub struct Block {
    /// The helper and its arguments.
    pub call: Call,
    /// Written `{{^...}}`: the body shows when the condition is false.
    pub inverted: bool,
    /// Shown when the (possibly inverted) condition holds.
    pub body: Vec<Node>,
    /// After `{{else}}`: shown otherwise.
    pub else_body: Option<Vec<Node>>,
}

/// Template variables whose values come from the signal rather than an event or tag
/// (<https://docs.datadoghq.com/security/notifications/variables/#template-variables>).
pub const SIGNAL_VARIABLES: &[&str] = &[
    "severity",
    "timestamp",
    "timestamp_epoch",
    "first_seen",
    "first_seen_epoch",
    "last_seen",
    "last_seen_epoch",
    "rule_name",
    "case_name",
    "events_matched",
];

/// What a variable name refers to; see [`VarKind::of`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VarKind<'a> {
    /// `@path`: an attribute of the triggering event (the text after the first `@`, so the
    /// corpus typo `@@userIdentity.arn` gives `@userIdentity.arn`, which no event has).
    Attribute(&'a str),
    /// One of [`SIGNAL_VARIABLES`].
    Signal(&'a str),
    /// `events_matched_per_query.<query name>`: the query's name.
    EventsMatchedPerQuery(&'a str),
    /// `key.name` or `[dot.key].name`: the value of the signal's `key:value` tag.
    TagValue(&'a str),
    /// A bare name such as `env`: a tag of the signal.
    Tag(&'a str),
    /// Anything else (monitor-style variables such as `log.attributes.x`).
    Other(&'a str),
}

impl<'a> VarKind<'a> {
    /// Classifies a variable name as written in `{{...}}`.
    pub fn of(name: &'a str) -> VarKind<'a> {
        if let Some(path) = name.strip_prefix('@') {
            return VarKind::Attribute(path);
        }
        if SIGNAL_VARIABLES.contains(&name) {
            return VarKind::Signal(name);
        }
        if let Some(query) = name.strip_prefix("events_matched_per_query.") {
            return VarKind::EventsMatchedPerQuery(query);
        }
        if let Some(key) = name.strip_suffix(".name") {
            let key = key
                .strip_prefix('[')
                .and_then(|k| k.strip_suffix(']'))
                .unwrap_or(key);
            if !key.is_empty() {
                return VarKind::TagValue(key);
            }
        }
        let plain = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-'));
        if plain {
            VarKind::Tag(name)
        } else {
            VarKind::Other(name)
        }
    }
}

impl Display for Template {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write_nodes(f, &self.nodes)
    }
}

fn write_nodes(f: &mut Formatter<'_>, nodes: &[Node]) -> fmt::Result {
    nodes.iter().try_for_each(|n| n.fmt(f))
}

impl Display for Node {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match &self.kind {
            NodeKind::Text(text) => f.write_str(text),
            NodeKind::Variable { name, triple: true } => write!(f, "{{{{{{{name}}}}}}}"),
            NodeKind::Variable {
                name,
                triple: false,
            } => write!(f, "{{{{{name}}}}}"),
            NodeKind::Helper(call) => write!(f, "{{{{{call}}}}}"),
            NodeKind::Block(block) => {
                let sigil = if block.inverted { '^' } else { '#' };
                write!(f, "{{{{{sigil}{}}}}}", block.call)?;
                write_nodes(f, &block.body)?;
                if let Some(other) = &block.else_body {
                    f.write_str("{{else}}")?;
                    write_nodes(f, other)?;
                }
                write!(f, "{{{{/{}}}}}", block.call.name)
            }
            NodeKind::Raw { call: None, text } => {
                write!(f, "{{{{{{{{raw}}}}}}}}{text}{{{{{{{{/raw}}}}}}}}")
            }
            NodeKind::Raw {
                call: Some(call),
                text,
            } => {
                write!(
                    f,
                    "{{{{{{{{{call}}}}}}}}}{text}{{{{{{{{/{}}}}}}}}}",
                    call.name
                )
            }
        }
    }
}

impl Display for Call {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)?;
        for arg in &self.args {
            match arg {
                Arg::Str { value, quote } => write!(f, " {quote}{value}{quote}")?,
                Arg::Path(path) => write!(f, " {path}")?,
            }
        }
        Ok(())
    }
}

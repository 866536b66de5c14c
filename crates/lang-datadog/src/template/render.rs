//! Rendering templates against a variable lookup.

use std::fmt::Write;

use super::ast::{Arg, Call, Node, NodeKind, Template};

/// How a variable without a value is rendered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Missing {
    /// `<missing NAME>`, e.g. `<missing @userIdentity.arn>`; helpers that are not evaluated show
    /// as their call in angle brackets, e.g. `<eval "x*2">`. The default of [`render`].
    Marker,
    /// Nothing, as Datadog itself renders a variable the event lacks.
    Empty,
}

/// Renders a template; missing variables show as `<missing NAME>` (see [`Missing::Marker`]).
///
/// `lookup` receives each variable name as written inside the braces (trimmed), for example
/// `@userIdentity.arn`, `severity`, `region.name` or `[dot.key].name`, and returns its value;
/// [`VarKind::of`](super::VarKind::of) classifies a name. Never panics.
pub fn render(template: &Template, lookup: &dyn Fn(&str) -> Option<String>) -> String {
    template.render_with(lookup, Missing::Marker)
}

impl Template {
    /// Renders with the chosen treatment of missing values (see [`render`]).
    pub fn render_with(&self, lookup: &dyn Fn(&str) -> Option<String>, missing: Missing) -> String {
        let mut out = String::new();
        render_nodes(&self.nodes, &Ctx { lookup, missing }, &mut out);
        out
    }
}

struct Ctx<'a> {
    lookup: &'a dyn Fn(&str) -> Option<String>,
    missing: Missing,
}

impl Ctx<'_> {
    fn value_or_marker(&self, name: &str, out: &mut String) {
        match ((self.lookup)(name), self.missing) {
            (Some(value), _) => out.push_str(&value),
            (None, Missing::Marker) => {
                let _ = write!(out, "<missing {name}>");
            }
            (None, Missing::Empty) => {}
        }
    }
}

fn render_nodes(nodes: &[Node], ctx: &Ctx<'_>, out: &mut String) {
    for node in nodes {
        match &node.kind {
            NodeKind::Text(text) => out.push_str(text),
            NodeKind::Variable { name, .. } => ctx.value_or_marker(name, out),
            NodeKind::Helper(call) => render_helper(call, ctx, out),
            NodeKind::Block(block) => {
                if condition(&block.call, ctx) != block.inverted {
                    render_nodes(&block.body, ctx, out);
                } else if let Some(other) = &block.else_body {
                    render_nodes(other, ctx, out);
                }
            }
            NodeKind::Raw { call: None, text } => out.push_str(text),
            NodeKind::Raw {
                call: Some(call),
                text,
            } => {
                if condition(call, ctx) {
                    out.push_str(text);
                }
            }
        }
    }
}

fn render_helper(call: &Call, ctx: &Ctx<'_>, out: &mut String) {
    match (call.name.as_str(), call.args.as_slice()) {
        ("urlencode", [arg]) => match (ctx.lookup)(arg.text()) {
            Some(value) => percent_encode(&value, out),
            None => ctx.value_or_marker(arg.text(), out),
        },
        _ if ctx.missing == Missing::Marker => {
            let _ = write!(out, "<{call}>");
        }
        _ => {}
    }
}

/// RFC 3986 percent-encoding: everything but unreserved characters.
fn percent_encode(value: &str, out: &mut String) {
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(byte));
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
}

/// Whether a block's (non-inverted) condition holds.
fn condition(call: &Call, ctx: &Ctx<'_>) -> bool {
    let variable = call.args.first().map(Arg::text);
    let patterns = || call.args.iter().skip(1).map(Arg::text);
    match call.name.as_str() {
        "is_match" => variable.and_then(ctx.lookup).is_some_and(|value| {
            patterns().any(|p| {
                if p.is_empty() {
                    !value.is_empty()
                } else {
                    value.contains(p)
                }
            })
        }),
        "is_exact_match" => variable
            .and_then(ctx.lookup)
            .is_some_and(|value| patterns().any(|p| p == value || numerically_equal(p, &value))),
        "if" => variable.and_then(ctx.lookup).is_some(),
        name => (ctx.lookup)(name).is_some_and(|v| !v.is_empty() && v != "false"),
    }
}

fn numerically_equal(a: &str, b: &str) -> bool {
    match (a.trim().parse::<f64>(), b.trim().parse::<f64>()) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}

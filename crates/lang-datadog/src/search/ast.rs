//! Syntax tree of a Datadog log search query.
//!
//! Every node carries the [`Span`] it was parsed from. `Group` nodes record parentheses so that
//! [`Display`](std::fmt::Display) reproduces the query's structure; an evaluator treats them as
//! transparent.

use std::net::IpAddr;

use trailhound_syntax::Span;

/// A parsed search query.
#[derive(Clone, Debug, PartialEq)]
pub struct Query {
    /// The query's expression; `None` for an empty (or all-whitespace) query, which matches every
    /// event.
    pub expr: Option<Expr>,
    /// The whole query text.
    pub span: Span,
}

/// A boolean expression over events.
#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    /// What the expression is.
    pub kind: ExprKind,
    /// Where it was written.
    pub span: Span,
}

/// The kinds of [`Expr`].
#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    /// All operands match: juxtaposition or explicit `AND` (two or more operands).
    And(Vec<Expr>),
    /// At least one operand matches: `OR` (two or more operands).
    Or(Vec<Expr>),
    /// The operand does not match: `NOT x` or `-x`.
    Not(Box<Expr>, NotStyle),
    /// Parentheses around an expression.
    Group(Box<Expr>),
    /// A bare term or quoted phrase: free-text search of the log message.
    FreeText(Value),
    /// A lone `*`: every event.
    MatchAll,
    /// `field:value`, `field:(value group)`, `field:>n`, `field:[a TO b]`, `field:*`.
    Field(Field, ValueExpr),
    /// `CIDR(@field, block, ...)`.
    Cidr(Cidr),
}

/// How a negation was written (both mean the same).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NotStyle {
    /// The `NOT` keyword.
    Keyword,
    /// A `-` prefix glued to its operand.
    Minus,
}

/// The left-hand side of `field:value`.
#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    /// Which namespace the name lives in.
    pub kind: FieldKind,
    /// The name without its prefix (`@`, `#`) and with escapes removed, e.g. `userIdentity.arn`.
    /// Empty for [`FieldKind::FullText`].
    pub name: String,
    /// Where the field (prefix included) was written.
    pub span: Span,
}

impl Field {
    /// The dot-separated segments of the name (`evt.name` gives `["evt", "name"]`).
    pub fn segments(&self) -> impl Iterator<Item = &str> {
        self.name.split('.')
    }
}

/// The namespace of a [`Field`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldKind {
    /// `@path`: an event attribute.
    Attribute,
    /// A bare reserved attribute: `host`, `source`, `status`, `service`, `trace_id`, `message`,
    /// `timestamp` or `tags` (see [`RESERVED_ATTRIBUTES`]).
    Reserved,
    /// Any other bare `key`: a `key:value` tag of the event.
    Tag,
    /// `#name`: a calculated field.
    Calculated,
    /// `*`: full-text search across every attribute.
    FullText,
}

/// Bare names that search a reserved attribute rather than a tag.
pub const RESERVED_ATTRIBUTES: &[&str] = &[
    "host",
    "source",
    "status",
    "service",
    "trace_id",
    "message",
    "timestamp",
    "tags",
];

/// The right-hand side of `field:...`: one value predicate or a boolean group of them.
#[derive(Clone, Debug, PartialEq)]
pub struct ValueExpr {
    /// What the value expression is.
    pub kind: ValueKind,
    /// Where it was written.
    pub span: Span,
}

/// The kinds of [`ValueExpr`].
#[derive(Clone, Debug, PartialEq)]
pub enum ValueKind {
    /// All operands match (inside a value group).
    And(Vec<ValueExpr>),
    /// At least one operand matches (inside a value group).
    Or(Vec<ValueExpr>),
    /// The operand does not match (inside a value group).
    Not(Box<ValueExpr>, NotStyle),
    /// Parentheses; the outermost one is the value group `field:( ... )` itself.
    Group(Box<ValueExpr>),
    /// The field's value equals the value (wildcards allowed when unquoted).
    Match(Value),
    /// `field:*`: the field is present.
    Exists,
    /// `field:>v`, `>=`, `<`, `<=`.
    Compare(CompareOp, Value),
    /// `field:[a TO b]` and friends.
    Range(Range),
}

/// A numeric (or ordered) comparison operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompareOp {
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `<`
    Lt,
    /// `<=`
    Le,
}

impl CompareOp {
    /// The operator as written.
    pub fn as_str(self) -> &'static str {
        match self {
            CompareOp::Gt => ">",
            CompareOp::Ge => ">=",
            CompareOp::Lt => "<",
            CompareOp::Le => "<=",
        }
    }
}

/// `[lower TO upper]`; `[`/`]` include the bound, `{`/`}` exclude it, `*` leaves it open.
#[derive(Clone, Debug, PartialEq)]
pub struct Range {
    /// Lower bound; `None` for `*`.
    pub lower: Option<Value>,
    /// Whether the lower bound itself matches (`[`).
    pub lower_inclusive: bool,
    /// Upper bound; `None` for `*`.
    pub upper: Option<Value>,
    /// Whether the upper bound itself matches (`]`).
    pub upper_inclusive: bool,
}

/// A term or phrase: literal text with, when unquoted, `*` and `?` wildcards.
#[derive(Clone, Debug, PartialEq)]
pub struct Value {
    /// Written between double quotes (wildcards are then literal).
    pub quoted: bool,
    /// The text, escapes removed, split at wildcards. Adjacent text is merged and empty text
    /// dropped, so `""` has no parts.
    pub parts: Vec<Part>,
    /// Where it was written (quotes included).
    pub span: Span,
}

/// A piece of a [`Value`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Part {
    /// Literal text.
    Text(String),
    /// `*`: any sequence of characters, possibly empty.
    AnyChars,
    /// `?`: exactly one character.
    AnyChar,
}

impl Value {
    /// The literal text when the value has no wildcard (`Some("")` for `""`).
    pub fn literal(&self) -> Option<&str> {
        match self.parts.as_slice() {
            [] => Some(""),
            [Part::Text(text)] => Some(text),
            _ => None,
        }
    }

    /// Whether any `*` or `?` wildcard is present.
    pub fn has_wildcards(&self) -> bool {
        self.parts.iter().any(|p| !matches!(p, Part::Text(_)))
    }

    /// The value as a number, when it is a wildcard-free decimal literal (`200`, `-1.5`, `1E3`).
    pub fn as_number(&self) -> Option<f64> {
        let text = self.literal()?;
        let numeric = !text.is_empty()
            && text
                .chars()
                .all(|c| c.is_ascii_digit() || matches!(c, '-' | '+' | '.' | 'e' | 'E'));
        if numeric { text.parse().ok() } else { None }
    }
}

/// `CIDR(@field, block, ...)`.
#[derive(Clone, Debug, PartialEq)]
pub struct Cidr {
    /// The attribute holding IP addresses.
    pub field: Field,
    /// The blocks; an address matches when it is in any of them.
    pub blocks: Vec<CidrBlock>,
}

/// One IPv4 or IPv6 block such as `10.0.0.0/8`.
#[derive(Clone, Debug, PartialEq)]
pub struct CidrBlock {
    /// The network address as written (host bits are not required to be zero).
    pub addr: IpAddr,
    /// The prefix length (at most 32 for IPv4, 128 for IPv6).
    pub prefix: u8,
    /// Where it was written.
    pub span: Span,
}

impl CidrBlock {
    /// Whether `ip` is inside the block. An IPv4 address never matches an IPv6 block and vice
    /// versa.
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.addr, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX
                    .checked_shl(32u32.saturating_sub(u32::from(self.prefix)))
                    .unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX
                    .checked_shl(128u32.saturating_sub(u32::from(self.prefix)))
                    .unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

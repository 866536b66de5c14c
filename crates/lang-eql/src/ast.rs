//! The typed syntax tree. Every node carries the [`Span`] of the text it came from; spans compare
//! equal regardless of position, so trees compare by shape.
//!
//! The tree keeps what evaluation needs and drops what it does not: parentheses are implied by the
//! tree shape, a unary `+` is dropped (as Elasticsearch does), `!=` stays a comparison operator
//! (Elasticsearch rewrites it to `not ==`, see the crate's semantics section).

use crate::functions::Function;
use crate::strings;
use trailhound_syntax::Span;

/// A whole EQL statement: a query and its pipes.
#[derive(Clone, Debug, PartialEq)]
pub struct Query {
    /// Event query, sequence or sample.
    pub body: QueryBody,
    /// The `| head 5`-style pipes, in order.
    pub pipes: Vec<Pipe>,
    /// The whole statement.
    pub span: Span,
}

/// The kinds of query.
#[derive(Clone, Debug, PartialEq)]
pub enum QueryBody {
    /// `<category> where <condition>`.
    Event(EventQuery),
    /// `sequence ... [..] [..]`.
    Sequence(Sequence),
    /// `sample ... [..] [..]`.
    Sample(Sample),
}

/// `<category> where <condition>`.
#[derive(Clone, Debug, PartialEq)]
pub struct EventQuery {
    /// The event category before `where`.
    pub category: Category,
    /// The condition after `where`.
    pub condition: Expr,
    /// From the category to the end of the condition.
    pub span: Span,
}

/// The event category of an event query.
#[derive(Clone, Debug, PartialEq)]
pub enum Category {
    /// `any`: no category filter.
    Any {
        /// The `any` keyword.
        span: Span,
    },
    /// An unquoted category such as `process` or `iam`.
    Identifier {
        /// The category as written.
        name: String,
        /// The identifier.
        span: Span,
    },
    /// A quoted category such as `"my-category"`; its value is the category.
    String(StringLit),
}

impl Category {
    /// The category value to compare with the event category field, or `None` for `any`.
    pub fn name(&self) -> Option<&str> {
        match self {
            Category::Any { .. } => None,
            Category::Identifier { name, .. } => Some(name),
            Category::String(s) => Some(&s.value),
        }
    }

    /// Where the category is written.
    pub fn span(&self) -> Span {
        match self {
            Category::Any { span } | Category::Identifier { span, .. } => *span,
            Category::String(s) => s.span,
        }
    }
}

/// `sequence [by keys] [with maxspan=N<unit>] steps... [until step]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Sequence {
    /// Join keys shared by every step (`sequence by a, b`).
    pub by: Vec<Field>,
    /// `with maxspan=...`, if given.
    pub maxspan: Option<MaxSpan>,
    /// The steps in order, as written (`with runs=N` is not expanded; see [`SequenceStep::repeat`]).
    pub steps: Vec<SequenceStep>,
    /// The `until [...]` expiration step, if any.
    pub until: Option<SequenceStep>,
    /// The whole sequence.
    pub span: Span,
}

impl Sequence {
    /// The join keys of `step`: the sequence-level keys followed by the step's own.
    pub fn keys_of<'a>(&'a self, step: &'a SequenceStep) -> impl Iterator<Item = &'a Field> {
        self.by.iter().chain(step.by.iter())
    }

    /// The steps with `with runs=N` expanded into N copies, as Elasticsearch executes them.
    pub fn expanded_steps(&self) -> Vec<&SequenceStep> {
        self.steps
            .iter()
            .flat_map(|s| std::iter::repeat_n(s, s.repeat()))
            .collect()
    }
}

/// One bracketed step of a sequence: `[query] [by keys] [with runs=N]`, or `![query] ...` for a
/// missing event.
#[derive(Clone, Debug, PartialEq)]
pub struct SequenceStep {
    /// Written `![ ... ]`: the sequence matches only if no such event occurs (see semantics).
    pub missing: bool,
    /// The event filter inside the brackets.
    pub query: EventQuery,
    /// The step's own join keys (after the sequence-level ones).
    pub by: Vec<Field>,
    /// `with runs=N`.
    pub runs: Option<Runs>,
    /// From the opening bracket to the end of the step.
    pub span: Span,
}

impl SequenceStep {
    /// How many consecutive steps this one stands for (`runs`, or 1).
    pub fn repeat(&self) -> usize {
        self.runs.map_or(1, |r| r.count as usize)
    }
}

/// `with runs=N` on a sequence step.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Runs {
    /// N, between 1 and 100.
    pub count: u32,
    /// The `with runs=N` clause.
    pub span: Span,
}

/// `with maxspan=<value><unit>`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MaxSpan {
    /// The positive integer before the unit.
    pub value: u64,
    /// The unit.
    pub unit: TimeUnit,
    /// The `value unit` text.
    pub span: Span,
}

impl MaxSpan {
    /// The span in milliseconds (saturating).
    pub fn millis(&self) -> u64 {
        self.value.saturating_mul(self.unit.millis())
    }
}

/// Time units accepted by `maxspan`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimeUnit {
    /// `ms`
    Milliseconds,
    /// `s`
    Seconds,
    /// `m`
    Minutes,
    /// `h`
    Hours,
    /// `d`
    Days,
}

impl TimeUnit {
    /// Every unit with its suffix.
    pub const ALL: [(TimeUnit, &'static str); 5] = [
        (TimeUnit::Milliseconds, "ms"),
        (TimeUnit::Seconds, "s"),
        (TimeUnit::Minutes, "m"),
        (TimeUnit::Hours, "h"),
        (TimeUnit::Days, "d"),
    ];

    /// The unit's suffix (`ms`, `s`, `m`, `h`, `d`).
    pub fn suffix(self) -> &'static str {
        TimeUnit::ALL
            .iter()
            .find(|(u, _)| *u == self)
            .map_or("", |(_, s)| s)
    }

    /// The unit for a suffix; suffixes are case-sensitive (`15M` is an error).
    pub fn from_suffix(s: &str) -> Option<TimeUnit> {
        TimeUnit::ALL.iter().find(|(_, t)| *t == s).map(|(u, _)| *u)
    }

    /// Milliseconds in one unit.
    pub fn millis(self) -> u64 {
        match self {
            TimeUnit::Milliseconds => 1,
            TimeUnit::Seconds => 1_000,
            TimeUnit::Minutes => 60_000,
            TimeUnit::Hours => 3_600_000,
            TimeUnit::Days => 86_400_000,
        }
    }
}

/// `sample [by keys] steps...`.
#[derive(Clone, Debug, PartialEq)]
pub struct Sample {
    /// Join keys shared by every step.
    pub by: Vec<Field>,
    /// The steps (their order does not constrain time order).
    pub steps: Vec<SampleStep>,
    /// The whole sample.
    pub span: Span,
}

/// One bracketed step of a sample: `[query] [by keys]`.
#[derive(Clone, Debug, PartialEq)]
pub struct SampleStep {
    /// The event filter inside the brackets.
    pub query: EventQuery,
    /// The step's own join keys.
    pub by: Vec<Field>,
    /// From the opening bracket to the end of the step.
    pub span: Span,
}

/// A `| name args` pipe.
#[derive(Clone, Debug, PartialEq)]
pub struct Pipe {
    /// Which pipe, with its arguments.
    pub kind: PipeKind,
    /// From `|` to the end of the arguments.
    pub span: Span,
}

/// The pipes. Only `head` and `tail` run in Elasticsearch; the others are the legacy Endgame pipes
/// that Elasticsearch parses and then rejects with "Pipe [..] is not supported" — an evaluator
/// must reject them too (see [`PipeKind::supported_by_elasticsearch`]).
#[derive(Clone, Debug, PartialEq)]
pub enum PipeKind {
    /// `head N`: the first N results (earliest).
    Head(u64),
    /// `tail N`: the last N results (latest).
    Tail(u64),
    /// `count [expr, ...]` (unsupported by Elasticsearch).
    Count(Vec<Expr>),
    /// `filter <condition>` (unsupported by Elasticsearch).
    Filter(Expr),
    /// `sort expr, ...` (unsupported by Elasticsearch).
    Sort(Vec<Expr>),
    /// `unique expr, ...` (unsupported by Elasticsearch).
    Unique(Vec<Expr>),
    /// `unique_count expr, ...` (unsupported by Elasticsearch).
    UniqueCount(Vec<Expr>),
}

impl PipeKind {
    /// The pipe's name as written after `|`.
    pub fn name(&self) -> &'static str {
        match self {
            PipeKind::Head(_) => "head",
            PipeKind::Tail(_) => "tail",
            PipeKind::Count(_) => "count",
            PipeKind::Filter(_) => "filter",
            PipeKind::Sort(_) => "sort",
            PipeKind::Unique(_) => "unique",
            PipeKind::UniqueCount(_) => "unique_count",
        }
    }

    /// Whether Elasticsearch executes this pipe (`head`, `tail`); the others are rejected there
    /// with "Pipe \[name\] is not supported".
    pub fn supported_by_elasticsearch(&self) -> bool {
        matches!(self, PipeKind::Head(_) | PipeKind::Tail(_))
    }
}

/// An expression with its span.
#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    /// What the expression is.
    pub kind: ExprKind,
    /// Where it is written (including any parentheses around it).
    pub span: Span,
}

/// Expression forms.
#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    /// A constant.
    Literal(Literal),
    /// A field reference.
    Field(Field),
    /// A function call.
    Call(Call),
    /// `not <expr>`.
    Not(Box<Expr>),
    /// `a and b and ...` (two or more operands, left to right).
    And(Vec<Expr>),
    /// `a or b or ...` (two or more operands, left to right).
    Or(Vec<Expr>),
    /// `left <op> right` with `==`, `!=`, `<`, `<=`, `>`, `>=`.
    Compare {
        /// The operator.
        op: CompareOp,
        /// Left operand.
        left: Box<Expr>,
        /// Right operand.
        right: Box<Expr>,
    },
    /// `left <op> right` with `+`, `-`, `*`, `/`, `%`.
    Arithmetic {
        /// The operator.
        op: ArithOp,
        /// Left operand.
        left: Box<Expr>,
        /// Right operand.
        right: Box<Expr>,
    },
    /// Unary minus.
    Negate(Box<Expr>),
    /// `value [not] in (list)` or `value [not] in~ (list)`.
    In {
        /// The tested value.
        value: Box<Expr>,
        /// The candidates (any expressions).
        list: Vec<Expr>,
        /// `not in` / `not in~`.
        negated: bool,
        /// `in~`: case-insensitive string equality.
        case_insensitive: bool,
    },
    /// `value : pattern(s)`, `like`, `like~`, `regex`, `regex~`: a string matched against one or
    /// more string constants (true if any matches).
    Match {
        /// The tested value.
        value: Box<Expr>,
        /// The operator.
        op: MatchOp,
        /// The string constants (one, or a parenthesised list).
        patterns: Vec<StringLit>,
    },
}

/// Comparison operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompareOp {
    /// `==`
    Eq,
    /// `!=`
    NotEq,
    /// `<`
    Lt,
    /// `<=`
    LtEq,
    /// `>`
    Gt,
    /// `>=`
    GtEq,
}

impl CompareOp {
    /// The operator's symbol.
    pub fn symbol(self) -> &'static str {
        match self {
            CompareOp::Eq => "==",
            CompareOp::NotEq => "!=",
            CompareOp::Lt => "<",
            CompareOp::LtEq => "<=",
            CompareOp::Gt => ">",
            CompareOp::GtEq => ">=",
        }
    }
}

/// Arithmetic operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArithOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `%`
    Mod,
}

impl ArithOp {
    /// The operator's symbol.
    pub fn symbol(self) -> &'static str {
        match self {
            ArithOp::Add => "+",
            ArithOp::Sub => "-",
            ArithOp::Mul => "*",
            ArithOp::Div => "/",
            ArithOp::Mod => "%",
        }
    }
}

/// String pattern operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MatchOp {
    /// `:` — case-insensitive equality; `*` and `?` in the pattern are wildcards.
    Colon,
    /// `like` — case-sensitive wildcard match.
    Like,
    /// `like~` — case-insensitive wildcard match.
    LikeInsensitive,
    /// `regex` — case-sensitive Lucene regular expression, anchored.
    Regex,
    /// `regex~` — case-insensitive Lucene regular expression, anchored.
    RegexInsensitive,
}

impl MatchOp {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            MatchOp::Colon => ":",
            MatchOp::Like => "like",
            MatchOp::LikeInsensitive => "like~",
            MatchOp::Regex => "regex",
            MatchOp::RegexInsensitive => "regex~",
        }
    }

    /// Whether letter case is ignored.
    pub fn case_insensitive(self) -> bool {
        matches!(
            self,
            MatchOp::Colon | MatchOp::LikeInsensitive | MatchOp::RegexInsensitive
        )
    }

    /// Whether patterns are regular expressions (otherwise `*`/`?` wildcards).
    pub fn is_regex(self) -> bool {
        matches!(self, MatchOp::Regex | MatchOp::RegexInsensitive)
    }
}

/// A constant.
#[derive(Clone, Debug, PartialEq)]
pub enum Literal {
    /// `null`
    Null,
    /// `true` / `false`
    Boolean(bool),
    /// An integer or decimal number.
    Number(Number),
    /// A string.
    String(StringLit),
}

/// A number literal as written and as a value.
#[derive(Clone, Debug, PartialEq)]
pub struct Number {
    /// The text as written (`15`, `1.5e3`, `.5`).
    pub raw: String,
    /// The value.
    pub value: NumberValue,
}

/// The value of a number literal.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum NumberValue {
    /// An integer that fits `i64`.
    Integer(i64),
    /// A decimal, or an integer too large for `i64` (Elasticsearch also falls back to a double).
    Float(f64),
}

/// A string constant: both the text between the quotes and the decoded value.
#[derive(Clone, Debug, PartialEq)]
pub struct StringLit {
    /// The decoded value (`"principal=\\*"` gives `principal=\*`).
    pub value: String,
    /// The text between the delimiters exactly as written, escapes included.
    pub source: String,
    /// Written as a raw string `"""..."""` (no escapes).
    pub raw: bool,
    /// The literal including its quotes.
    pub span: Span,
}

impl StringLit {
    /// A (non-raw) string literal for `value`, escaping as needed.
    pub fn new(value: impl Into<String>) -> StringLit {
        let value = value.into();
        StringLit {
            source: strings::escape(&value),
            value,
            raw: false,
            span: Span::default(),
        }
    }
}

/// A field reference such as `process.name`, ``?`my field`.x`` .
#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    /// `?field`: if no index maps the field, it is `null` instead of an error, and as a join key
    /// it may join on `null`.
    pub optional: bool,
    /// The dotted segments.
    pub segments: Vec<Segment>,
    /// The field reference including `?`.
    pub span: Span,
}

impl Field {
    /// A non-optional field from a dotted path (segments needing quotes are quoted on display).
    pub fn new(path: &str) -> Field {
        let segments = path
            .split('.')
            .map(|s| Segment {
                name: s.to_string(),
                quoted: false,
            })
            .collect();
        Field {
            optional: false,
            segments,
            span: Span::default(),
        }
    }

    /// The full field name, segments joined by `.` (quoting removed): the name to look up.
    pub fn path(&self) -> String {
        self.segments
            .iter()
            .map(|s| s.name.as_str())
            .collect::<Vec<_>>()
            .join(".")
    }
}

/// One segment of a field path.
#[derive(Clone, Debug, PartialEq)]
pub struct Segment {
    /// The name, unescaped.
    pub name: String,
    /// Written in backticks.
    pub quoted: bool,
}

/// A function call such as `startsWith~(process.name, "cmd")`.
#[derive(Clone, Debug, PartialEq)]
pub struct Call {
    /// The function.
    pub function: Function,
    /// The name as written, without `~` (function names are case-insensitive).
    pub name: String,
    /// Written with `~`: case-insensitive variant.
    pub case_insensitive: bool,
    /// The arguments.
    pub args: Vec<Expr>,
    /// The name (and `~`).
    pub name_span: Span,
}

impl Expr {
    /// The field, if this expression is a bare field reference.
    pub fn as_field(&self) -> Option<&Field> {
        match &self.kind {
            ExprKind::Field(f) => Some(f),
            _ => None,
        }
    }

    /// The string constant, if this expression is one.
    pub fn as_string(&self) -> Option<&StringLit> {
        match &self.kind {
            ExprKind::Literal(Literal::String(s)) => Some(s),
            _ => None,
        }
    }

    /// Whether the expression mentions no field (Elasticsearch can fold it to a constant).
    pub fn is_constant(&self) -> bool {
        match &self.kind {
            ExprKind::Literal(_) => true,
            ExprKind::Field(_) => false,
            ExprKind::Call(c) => c.args.iter().all(Expr::is_constant),
            ExprKind::Not(e) | ExprKind::Negate(e) => e.is_constant(),
            ExprKind::And(es) | ExprKind::Or(es) => es.iter().all(Expr::is_constant),
            ExprKind::Compare { left, right, .. } | ExprKind::Arithmetic { left, right, .. } => {
                left.is_constant() && right.is_constant()
            }
            ExprKind::In { value, list, .. } => {
                value.is_constant() && list.iter().all(Expr::is_constant)
            }
            ExprKind::Match { value, .. } => value.is_constant(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maxspan_units() {
        let cases = [
            ("ms", 1),
            ("s", 1_000),
            ("m", 60_000),
            ("h", 3_600_000),
            ("d", 86_400_000),
        ];
        for (suffix, ms) in cases {
            let unit = TimeUnit::from_suffix(suffix).unwrap_or(TimeUnit::Milliseconds);
            assert_eq!((unit.suffix(), unit.millis()), (suffix, ms));
        }
        assert_eq!(TimeUnit::from_suffix("M"), None);
        assert_eq!(TimeUnit::from_suffix("sec"), None);
        let span = MaxSpan {
            value: 15,
            unit: TimeUnit::Minutes,
            span: Span::default(),
        };
        assert_eq!(span.millis(), 900_000);
        assert_eq!(
            MaxSpan {
                value: u64::MAX,
                ..span
            }
            .millis(),
            u64::MAX
        );
    }

    #[test]
    fn field_paths() {
        let f = Field {
            optional: true,
            segments: vec![
                Segment {
                    name: "a".into(),
                    quoted: false,
                },
                Segment {
                    name: "b.c".into(),
                    quoted: true,
                },
            ],
            span: Span::default(),
        };
        assert_eq!(f.path(), "a.b.c");
        assert_eq!(Field::new("event.category").path(), "event.category");
    }

    #[test]
    fn pipe_support() {
        let cases = [
            (PipeKind::Head(1), "head", true),
            (PipeKind::Tail(1), "tail", true),
            (PipeKind::Count(vec![]), "count", false),
            (PipeKind::Unique(vec![]), "unique", false),
            (PipeKind::UniqueCount(vec![]), "unique_count", false),
            (PipeKind::Sort(vec![]), "sort", false),
        ];
        for (kind, name, supported) in cases {
            assert_eq!(
                (kind.name(), kind.supported_by_elasticsearch()),
                (name, supported)
            );
        }
    }
}

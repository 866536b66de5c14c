//! The typed ES|QL syntax tree.
//!
//! Every node carries a [`Span`] (byte offsets into the query text). [`Span`]'s `PartialEq` ignores
//! positions, so two trees compare equal when they have the same shape. Printing a node with
//! `Display` gives ES|QL text that parses back to an equal tree.

use trailhound_syntax::Span;

/// A whole query: one source command followed by zero or more piped processing commands.
#[derive(Clone, Debug, PartialEq)]
pub struct Query {
    /// The first command (`FROM`, `ROW`, `SHOW INFO`).
    pub source: SourceCommand,
    /// The `| command` stages, in order.
    pub commands: Vec<ProcessingCommand>,
    /// The whole query.
    pub span: Span,
}

/// A command that produces the initial table.
#[derive(Clone, Debug, PartialEq)]
pub enum SourceCommand {
    /// `FROM pattern, ... [METADATA field, ...]`.
    From(FromCommand),
    /// `ROW field, ...`: one row of constant expressions.
    Row {
        /// The columns.
        fields: Vec<Field>,
        /// The command.
        span: Span,
    },
    /// `SHOW INFO`.
    ShowInfo {
        /// The command.
        span: Span,
    },
}

/// `FROM index_pattern, ... [METADATA _id, ...]`.
#[derive(Clone, Debug, PartialEq)]
pub struct FromCommand {
    /// The index patterns, in order.
    pub indices: Vec<IndexPattern>,
    /// Metadata fields requested with `METADATA` (empty when absent).
    pub metadata: Vec<Name>,
    /// The command.
    pub span: Span,
}

/// One index pattern of `FROM` or `LOOKUP JOIN`, e.g. `logs-aws.cloudtrail-*`.
#[derive(Clone, Debug, PartialEq)]
pub struct IndexPattern {
    /// Remote cluster prefix (`cluster:index`), if any.
    pub cluster: Option<String>,
    /// The index name or wildcard pattern (unquoted value). May hold several comma-separated
    /// patterns when written as one quoted string, exactly as Elasticsearch accepts it.
    pub index: String,
    /// Index component selector after `::` (e.g. `failures`), if any.
    pub selector: Option<String>,
    /// Whether the pattern was written as a quoted string.
    pub quoted: bool,
    /// The pattern.
    pub span: Span,
}

/// A plain (non-dotted) name with its span, e.g. a `METADATA` field or an `ENRICH` policy.
#[derive(Clone, Debug, PartialEq)]
pub struct Name {
    /// The name.
    pub name: String,
    /// Where it was written.
    pub span: Span,
}

/// A processing command (everything after a `|`).
#[derive(Clone, Debug, PartialEq)]
pub enum ProcessingCommand {
    /// `WHERE condition`.
    Where {
        /// The filter; rows where it is not `true` are dropped.
        condition: Expr,
        /// The command.
        span: Span,
    },
    /// `EVAL field, ...`.
    Eval {
        /// Computed columns.
        fields: Vec<Field>,
        /// The command.
        span: Span,
    },
    /// `STATS agg [WHERE cond], ... [BY group, ...]`.
    Stats(StatsCommand),
    /// `INLINE STATS ...` (or the older `INLINESTATS`): like `STATS` but keeps the input rows.
    InlineStats(StatsCommand),
    /// `KEEP pattern, ...`.
    Keep {
        /// Field name patterns.
        patterns: Vec<NamePattern>,
        /// The command.
        span: Span,
    },
    /// `DROP pattern, ...`.
    Drop {
        /// Field name patterns.
        patterns: Vec<NamePattern>,
        /// The command.
        span: Span,
    },
    /// `RENAME old AS new, ...` or `RENAME new = old, ...`.
    Rename {
        /// The renames, in order.
        clauses: Vec<RenameClause>,
        /// The command.
        span: Span,
    },
    /// `SORT key [ASC|DESC] [NULLS FIRST|LAST], ...`.
    Sort {
        /// Sort keys, most significant first.
        keys: Vec<SortKey>,
        /// The command.
        span: Span,
    },
    /// `LIMIT n`.
    Limit {
        /// The row count.
        count: LimitCount,
        /// The command.
        span: Span,
    },
    /// `DISSECT input "pattern" [APPEND_SEPARATOR="sep"]`.
    Dissect {
        /// The string to dissect.
        input: Expr,
        /// The dissect pattern (validated by [`crate::dissect::DissectPattern::parse`]).
        pattern: StringLit,
        /// The `APPEND_SEPARATOR` option, if given.
        append_separator: Option<StringLit>,
        /// The command.
        span: Span,
    },
    /// `GROK input "pattern" [, "pattern" ...]`.
    Grok {
        /// The string to match.
        input: Expr,
        /// The grok patterns (validated by [`crate::grok::GrokPattern::compile`]).
        patterns: Vec<StringLit>,
        /// The command.
        span: Span,
    },
    /// `MV_EXPAND field`.
    MvExpand {
        /// The multi-valued column to expand into one row per value.
        field: QualifiedName,
        /// The command.
        span: Span,
    },
    /// `ENRICH policy [ON field] [WITH [new =] field, ...]`. Needs an enrich index: parsed only.
    Enrich(EnrichCommand),
    /// `LOOKUP JOIN index ON condition, ...`. Needs a lookup index: parsed only.
    LookupJoin {
        /// The lookup index.
        index: IndexPattern,
        /// Join keys or conditions.
        on: Vec<Expr>,
        /// The command.
        span: Span,
    },
    /// `CHANGE_POINT value [ON key] [AS type_name, pvalue_name]`.
    ChangePoint {
        /// The metric column.
        value: QualifiedName,
        /// The ordering column (defaults to `@timestamp`).
        key: Option<QualifiedName>,
        /// Output column names for the change type and p-value.
        output: Option<(QualifiedName, QualifiedName)>,
        /// The command.
        span: Span,
    },
    /// `SAMPLE probability`.
    Sample {
        /// The sampling probability literal.
        probability: Literal,
        /// The command.
        span: Span,
    },
    /// `FORK (pipeline) (pipeline) ...`: runs each branch on the same input.
    Fork {
        /// The branches, each a non-empty list of processing commands.
        branches: Vec<Vec<ProcessingCommand>>,
        /// The command.
        span: Span,
    },
}

/// The body of `STATS` / `INLINE STATS`.
#[derive(Clone, Debug, PartialEq)]
pub struct StatsCommand {
    /// Aggregations (may be empty: `STATS BY x`).
    pub aggregates: Vec<AggField>,
    /// Grouping expressions (empty when there is no `BY`).
    pub groups: Vec<Field>,
    /// The command.
    pub span: Span,
}

/// One aggregation of `STATS`, optionally filtered: `name = AGG(x) WHERE cond`.
#[derive(Clone, Debug, PartialEq)]
pub struct AggField {
    /// The (optionally named) aggregate expression.
    pub field: Field,
    /// Per-aggregate filter (`WHERE` after the aggregate).
    pub filter: Option<Expr>,
    /// The whole item.
    pub span: Span,
}

/// A possibly named expression: `name = expr` or just `expr` (then the column is named after
/// the expression's source text).
#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    /// The column name, when given with `=`.
    pub name: Option<QualifiedName>,
    /// The value.
    pub expr: Expr,
    /// The whole item.
    pub span: Span,
}

/// `LIMIT` argument.
#[derive(Clone, Debug, PartialEq)]
pub enum LimitCount {
    /// A non-negative integer constant.
    Value(u32),
    /// A query parameter (`?` / `?name`).
    Param(Param),
}

/// One `SORT` key.
#[derive(Clone, Debug, PartialEq)]
pub struct SortKey {
    /// The expression to order by.
    pub expr: Expr,
    /// `ASC`/`DESC` when written (the default is ascending).
    pub order: Option<SortOrder>,
    /// `NULLS FIRST`/`NULLS LAST` when written (see the crate docs for the defaults).
    pub nulls: Option<NullsOrder>,
    /// The whole key.
    pub span: Span,
}

/// Sort direction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SortOrder {
    /// `ASC`.
    Asc,
    /// `DESC`.
    Desc,
}

/// Placement of nulls in a sort.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NullsOrder {
    /// `NULLS FIRST`.
    First,
    /// `NULLS LAST`.
    Last,
}

/// One rename of `RENAME`.
#[derive(Clone, Debug, PartialEq)]
pub struct RenameClause {
    /// The existing column.
    pub old: NamePattern,
    /// The new name.
    pub new: NamePattern,
    /// Which spelling was used (kept so that printing reproduces it).
    pub form: RenameForm,
    /// The clause.
    pub span: Span,
}

/// The two spellings of a rename.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RenameForm {
    /// `old AS new`.
    As,
    /// `new = old` (Elasticsearch 9.1+).
    Assign,
}

/// `ENRICH` command body.
#[derive(Clone, Debug, PartialEq)]
pub struct EnrichCommand {
    /// The policy name, possibly with a `mode:` prefix (e.g. `_remote:policy`).
    pub policy: Name,
    /// Whether the policy was written as a quoted string.
    pub policy_quoted: bool,
    /// The match field (`ON`), if given.
    pub on: Option<NamePattern>,
    /// The enrich fields to add (`WITH`), empty when absent.
    pub with: Vec<EnrichWith>,
    /// The command.
    pub span: Span,
}

/// One `WITH` item of `ENRICH`: `[new_name =] enrich_field`.
#[derive(Clone, Debug, PartialEq)]
pub struct EnrichWith {
    /// The output column name, if renamed.
    pub new_name: Option<NamePattern>,
    /// The enrich index field.
    pub field: NamePattern,
    /// The item.
    pub span: Span,
}

/// A field name pattern of `KEEP`/`DROP`/`RENAME`/`ENRICH`: dot-separated parts where unquoted
/// `*` is a wildcard.
#[derive(Clone, Debug, PartialEq)]
pub struct NamePattern {
    /// The dot-separated parts.
    pub parts: Vec<PatternPart>,
    /// The pattern.
    pub span: Span,
}

/// One dot-separated part of a [`NamePattern`]: a sequence of unquoted and backquoted segments
/// (Elasticsearch's `ID_PATTERN` token allows mixing them, e.g. ``a`b.c`*``).
#[derive(Clone, Debug, PartialEq)]
pub struct PatternPart {
    /// The segments in order.
    pub segments: Vec<PatternSegment>,
}

/// A segment of a [`PatternPart`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PatternSegment {
    /// Unquoted text; `*` is a wildcard.
    Unquoted(String),
    /// Backquoted text (unescaped); matched literally.
    Quoted(String),
}

/// A column reference: dot-separated identifiers such as `aws.cloudtrail.user_identity.arn`.
#[derive(Clone, Debug, PartialEq)]
pub struct QualifiedName {
    /// The identifiers between dots.
    pub parts: Vec<Ident>,
    /// The name.
    pub span: Span,
}

/// One identifier: unquoted (`a_b`, `@timestamp`) or backquoted (`` `source.as.organization.name` ``).
#[derive(Clone, Debug, PartialEq)]
pub struct Ident {
    /// The identifier text (backquotes removed, doubled backquotes unescaped).
    pub name: String,
    /// Whether it was backquoted.
    pub quoted: bool,
    /// Where it was written.
    pub span: Span,
}

/// A string literal: its unescaped value and where it was written.
#[derive(Clone, Debug, PartialEq)]
pub struct StringLit {
    /// The value after escape processing (`"..."`) or verbatim (`"""..."""`).
    pub value: String,
    /// The literal including its quotes.
    pub span: Span,
}

/// An expression.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    /// A constant.
    Literal(Literal),
    /// A column reference.
    Field(QualifiedName),
    /// A query parameter (`?`, `?name`, `?1`): parsed, not evaluated.
    Param(Param),
    /// A function call.
    Function(Box<FunctionCall>),
    /// `-x` or `+x`.
    Unary {
        /// The operator.
        op: UnaryOp,
        /// The operand.
        operand: Box<Expr>,
        /// The expression.
        span: Span,
    },
    /// Arithmetic, comparison and `AND`/`OR`.
    Binary {
        /// The operator.
        op: BinaryOp,
        /// Left operand.
        left: Box<Expr>,
        /// Right operand.
        right: Box<Expr>,
        /// The expression.
        span: Span,
    },
    /// `NOT x`.
    Not {
        /// The negated condition.
        operand: Box<Expr>,
        /// The expression.
        span: Span,
    },
    /// `x [NOT] LIKE "p"`, `x [NOT] RLIKE "p"`, and the list forms `x LIKE ("p1", "p2")`.
    Like {
        /// `LIKE` (wildcards) or `RLIKE` (Lucene regular expression).
        kind: LikeKind,
        /// The value tested.
        expr: Box<Expr>,
        /// The patterns (one, or several for the list form; any may match).
        patterns: Vec<StringLit>,
        /// Whether the list form `(...)` was written.
        list: bool,
        /// `NOT LIKE` / `NOT RLIKE`.
        negated: bool,
        /// The expression.
        span: Span,
    },
    /// `x [NOT] IN (a, b, ...)`.
    In {
        /// The value tested.
        expr: Box<Expr>,
        /// The candidates.
        list: Vec<Expr>,
        /// `NOT IN`.
        negated: bool,
        /// The expression.
        span: Span,
    },
    /// `x IS [NOT] NULL`.
    IsNull {
        /// The value tested.
        expr: Box<Expr>,
        /// `IS NOT NULL`.
        negated: bool,
        /// The expression.
        span: Span,
    },
    /// `x::type` inline cast.
    Cast {
        /// The value converted.
        expr: Box<Expr>,
        /// The target type name as written (e.g. `long`, `datetime`).
        ty: Box<Ident>,
        /// The expression.
        span: Span,
    },
    /// `field[::type] : query` full-text match operator. Needs an inverted index: parsed only.
    Match(Box<MatchExpr>),
}

/// The `field[::type] : query` match operator.
#[derive(Clone, Debug, PartialEq)]
pub struct MatchExpr {
    /// The field searched.
    pub field: QualifiedName,
    /// Optional cast of the field.
    pub ty: Option<Ident>,
    /// The query constant.
    pub query: Literal,
    /// The expression.
    pub span: Span,
}

/// `LIKE` or `RLIKE`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LikeKind {
    /// Wildcard match (`*`, `?`), see [`crate::like_pattern`].
    Like,
    /// Lucene regular expression, see [`crate::lucene_regex`].
    RLike,
}

/// Prefix arithmetic operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnaryOp {
    /// `-x`.
    Neg,
    /// `+x` (no-op on numbers).
    Plus,
}

/// Binary operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinaryOp {
    /// `+`.
    Add,
    /// `-`.
    Sub,
    /// `*`.
    Mul,
    /// `/`.
    Div,
    /// `%`.
    Mod,
    /// `==`.
    Eq,
    /// `!=`.
    Neq,
    /// `<`.
    Lt,
    /// `<=`.
    Lte,
    /// `>`.
    Gt,
    /// `>=`.
    Gte,
    /// `AND`.
    And,
    /// `OR`.
    Or,
}

impl BinaryOp {
    /// The operator as written in ES|QL.
    pub fn symbol(self) -> &'static str {
        match self {
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
            BinaryOp::Mod => "%",
            BinaryOp::Eq => "==",
            BinaryOp::Neq => "!=",
            BinaryOp::Lt => "<",
            BinaryOp::Lte => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::Gte => ">=",
            BinaryOp::And => "AND",
            BinaryOp::Or => "OR",
        }
    }

    /// Whether this is one of `== != < <= > >=`.
    pub fn is_comparison(self) -> bool {
        matches!(
            self,
            BinaryOp::Eq
                | BinaryOp::Neq
                | BinaryOp::Lt
                | BinaryOp::Lte
                | BinaryOp::Gt
                | BinaryOp::Gte
        )
    }
}

/// A function call such as `DATE_TRUNC(30 seconds, @timestamp)` or `COUNT(*)`.
#[derive(Clone, Debug, PartialEq)]
pub struct FunctionCall {
    /// The function name as written (function names are case-insensitive).
    pub name: Ident,
    /// The arguments.
    pub args: FunctionArgs,
    /// Trailing named options `{"key": value, ...}` (e.g. for `MATCH`), if any.
    pub options: Option<MapExpr>,
    /// The call.
    pub span: Span,
}

/// Arguments of a function call.
#[derive(Clone, Debug, PartialEq)]
pub enum FunctionArgs {
    /// `f(*)` (only meaningful for `COUNT`).
    Star,
    /// `f(a, b, ...)` (possibly empty).
    List(Vec<Expr>),
}

/// Function named options: `{"name": constant, ...}`.
#[derive(Clone, Debug, PartialEq)]
pub struct MapExpr {
    /// The entries in order.
    pub entries: Vec<(StringLit, Literal)>,
    /// The map.
    pub span: Span,
}

/// A query parameter placeholder.
#[derive(Clone, Debug, PartialEq)]
pub struct Param {
    /// `None` for an anonymous `?`, else the name or position after `?`.
    pub name: Option<String>,
    /// Where it was written.
    pub span: Span,
}

/// A constant.
#[derive(Clone, Debug, PartialEq)]
pub struct Literal {
    /// The value.
    pub value: LiteralValue,
    /// Where it was written.
    pub span: Span,
}

/// Constant values.
#[derive(Clone, Debug, PartialEq)]
pub enum LiteralValue {
    /// `null`.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// An integer literal that fits in a signed 64-bit integer; its ES|QL type is `integer` when it
    /// fits in 32 bits and `long` otherwise (see [`LiteralValue::integer_type`]).
    Integer(i64),
    /// An integer literal above `i64::MAX` that fits in 64 unsigned bits (`unsigned_long`).
    UnsignedLong(u64),
    /// A decimal literal, or an integer literal too large for `unsigned_long` (`double`).
    Double(f64),
    /// A string (`keyword`).
    String(String),
    /// A time span such as `7 day` or `10 minutes`.
    TimeSpan {
        /// The signed amount.
        amount: i64,
        /// The unit.
        unit: TimeUnit,
    },
    /// A constant multi-value `[1, 2]`, `["a", "b"]`, `[true, false]`.
    Array(Vec<LiteralValue>),
}

impl LiteralValue {
    /// The ES|QL type of an [`LiteralValue::Integer`]: `"integer"` or `"long"`.
    pub fn integer_type(value: i64) -> &'static str {
        if i32::try_from(value).is_ok() {
            "integer"
        } else {
            "long"
        }
    }
}

/// Temporal units of time-span literals.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TimeUnit {
    /// `millisecond(s)`, `ms` (a `time_duration`).
    Millisecond,
    /// `second(s)`, `sec`, `s` (a `time_duration`).
    Second,
    /// `minute(s)`, `min`, `m` (a `time_duration`).
    Minute,
    /// `hour(s)`, `h` (a `time_duration`).
    Hour,
    /// `day(s)`, `d` (a `date_period`).
    Day,
    /// `week(s)`, `w` (a `date_period`).
    Week,
    /// `month(s)`, `mo` (a `date_period`).
    Month,
    /// `quarter(s)`, `q` (a `date_period`, three months).
    Quarter,
    /// `year(s)`, `yr`, `y` (a `date_period`).
    Year,
}

impl TimeUnit {
    /// Parses a unit spelling (case-insensitive) as Elasticsearch's `EsqlDataTypeConverter` does.
    pub fn parse(text: &str) -> Option<TimeUnit> {
        let unit = match text.to_ascii_lowercase().as_str() {
            "millisecond" | "milliseconds" | "ms" => TimeUnit::Millisecond,
            "second" | "seconds" | "sec" | "s" => TimeUnit::Second,
            "minute" | "minutes" | "min" | "m" => TimeUnit::Minute,
            "hour" | "hours" | "h" => TimeUnit::Hour,
            "day" | "days" | "d" => TimeUnit::Day,
            "week" | "weeks" | "w" => TimeUnit::Week,
            "month" | "months" | "mo" => TimeUnit::Month,
            "quarter" | "quarters" | "q" => TimeUnit::Quarter,
            "year" | "years" | "yr" | "y" => TimeUnit::Year,
            _ => return None,
        };
        Some(unit)
    }

    /// The canonical singular spelling, used when printing.
    pub fn name(self) -> &'static str {
        match self {
            TimeUnit::Millisecond => "millisecond",
            TimeUnit::Second => "second",
            TimeUnit::Minute => "minute",
            TimeUnit::Hour => "hour",
            TimeUnit::Day => "day",
            TimeUnit::Week => "week",
            TimeUnit::Month => "month",
            TimeUnit::Quarter => "quarter",
            TimeUnit::Year => "year",
        }
    }

    /// Whether the unit makes a calendar `date_period` (day and longer) rather than a fixed
    /// `time_duration`.
    pub fn is_date_period(self) -> bool {
        matches!(
            self,
            TimeUnit::Day | TimeUnit::Week | TimeUnit::Month | TimeUnit::Quarter | TimeUnit::Year
        )
    }
}

impl QualifiedName {
    /// The full column name: parts joined with `.` (backquotes removed). `` `a.b` `` and `a.b`
    /// name the same column.
    pub fn name(&self) -> String {
        let mut out = String::new();
        for (i, part) in self.parts.iter().enumerate() {
            if i > 0 {
                out.push('.');
            }
            out.push_str(&part.name);
        }
        out
    }
}

impl NamePattern {
    /// Whether the pattern contains an unquoted `*` wildcard.
    pub fn has_wildcard(&self) -> bool {
        self.parts
            .iter()
            .flat_map(|p| &p.segments)
            .any(|s| matches!(s, PatternSegment::Unquoted(t) if t.contains('*')))
    }

    /// Whether `column` matches this pattern: the parts are joined with `.`, an unquoted `*`
    /// matches any run of characters (dots included), everything else matches literally.
    pub fn matches(&self, column: &str) -> bool {
        // Tokens: Some(c) literal char, None wildcard.
        let mut tokens: Vec<Option<char>> = Vec::new();
        for (i, part) in self.parts.iter().enumerate() {
            if i > 0 {
                tokens.push(Some('.'));
            }
            for seg in &part.segments {
                match seg {
                    PatternSegment::Unquoted(t) => {
                        tokens.extend(t.chars().map(|c| if c == '*' { None } else { Some(c) }))
                    }
                    PatternSegment::Quoted(t) => tokens.extend(t.chars().map(Some)),
                }
            }
        }
        glob_match(&tokens, &column.chars().collect::<Vec<_>>())
    }

    /// The pattern text as a plain string (unquoted `*` kept, quotes removed).
    pub fn text(&self) -> String {
        let mut out = String::new();
        for (i, part) in self.parts.iter().enumerate() {
            if i > 0 {
                out.push('.');
            }
            for seg in &part.segments {
                match seg {
                    PatternSegment::Unquoted(t) | PatternSegment::Quoted(t) => out.push_str(t),
                }
            }
        }
        out
    }
}

/// Iterative wildcard match (`None` = any run of characters) without backtracking blow-up.
fn glob_match(pattern: &[Option<char>], text: &[char]) -> bool {
    let (mut p, mut t) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some(None) => {
                star = Some((p, t));
                p += 1;
            }
            Some(Some(c)) if text.get(t) == Some(c) => {
                p += 1;
                t += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    p = sp + 1;
                    t = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    pattern[p.min(pattern.len())..].iter().all(|x| x.is_none())
}

impl Expr {
    /// The expression's span.
    pub fn span(&self) -> Span {
        match self {
            Expr::Literal(l) => l.span,
            Expr::Field(f) => f.span,
            Expr::Param(p) => p.span,
            Expr::Function(f) => f.span,
            Expr::Unary { span, .. }
            | Expr::Binary { span, .. }
            | Expr::Not { span, .. }
            | Expr::Like { span, .. }
            | Expr::In { span, .. }
            | Expr::IsNull { span, .. }
            | Expr::Cast { span, .. } => *span,
            Expr::Match(m) => m.span,
        }
    }
}

impl ProcessingCommand {
    /// The command keyword as printed (e.g. `"WHERE"`, `"LOOKUP JOIN"`).
    pub fn keyword(&self) -> &'static str {
        match self {
            ProcessingCommand::Where { .. } => "WHERE",
            ProcessingCommand::Eval { .. } => "EVAL",
            ProcessingCommand::Stats(_) => "STATS",
            ProcessingCommand::InlineStats(_) => "INLINE STATS",
            ProcessingCommand::Keep { .. } => "KEEP",
            ProcessingCommand::Drop { .. } => "DROP",
            ProcessingCommand::Rename { .. } => "RENAME",
            ProcessingCommand::Sort { .. } => "SORT",
            ProcessingCommand::Limit { .. } => "LIMIT",
            ProcessingCommand::Dissect { .. } => "DISSECT",
            ProcessingCommand::Grok { .. } => "GROK",
            ProcessingCommand::MvExpand { .. } => "MV_EXPAND",
            ProcessingCommand::Enrich(_) => "ENRICH",
            ProcessingCommand::LookupJoin { .. } => "LOOKUP JOIN",
            ProcessingCommand::ChangePoint { .. } => "CHANGE_POINT",
            ProcessingCommand::Sample { .. } => "SAMPLE",
            ProcessingCommand::Fork { .. } => "FORK",
        }
    }

    /// Whether a local executor can run this command without an external index
    /// (`ENRICH`, `LOOKUP JOIN` need one; `CHANGE_POINT`, `SAMPLE` and `FORK` are out of scope).
    pub fn is_executable_locally(&self) -> bool {
        !matches!(
            self,
            ProcessingCommand::Enrich(_)
                | ProcessingCommand::LookupJoin { .. }
                | ProcessingCommand::ChangePoint { .. }
                | ProcessingCommand::Sample { .. }
                | ProcessingCommand::Fork { .. }
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pat(parts: &[&[PatternSegment]]) -> NamePattern {
        NamePattern {
            parts: parts
                .iter()
                .map(|s| PatternPart {
                    segments: s.to_vec(),
                })
                .collect(),
            span: Span::default(),
        }
    }

    #[test]
    fn name_patterns_match_across_dots() {
        use PatternSegment::*;
        let cases: &[(NamePattern, &str, bool)] = &[
            (
                pat(&[&[Unquoted("aws".into())], &[Unquoted("*".into())]]),
                "aws.cloudtrail.user_identity.arn",
                true,
            ),
            (
                pat(&[&[Unquoted("aws".into())], &[Unquoted("*".into())]]),
                "awsx.y",
                false,
            ),
            (
                pat(&[&[Unquoted("Esql".into())], &[Unquoted("*".into())]]),
                "Esql.x",
                true,
            ),
            (pat(&[&[Unquoted("*".into())]]), "", true),
            (pat(&[&[Unquoted("a*c".into())]]), "abbbc", true),
            (pat(&[&[Unquoted("a*c".into())]]), "abbbcd", false),
            (pat(&[&[Quoted("a*".into())]]), "ab", false),
            (pat(&[&[Quoted("a*".into())]]), "a*", true),
            (
                pat(&[
                    &[Unquoted("source".into())],
                    &[Unquoted("geo".into())],
                    &[Unquoted("*".into())],
                ]),
                "source.geo.city_name",
                true,
            ),
        ];
        for (p, col, want) in cases {
            assert_eq!(p.matches(col), *want, "{} vs {col}", p.text());
        }
    }

    #[test]
    fn time_units_follow_elasticsearch_spellings() {
        let cases = [
            ("day", Some(TimeUnit::Day)),
            ("DAYS", Some(TimeUnit::Day)),
            ("d", Some(TimeUnit::Day)),
            ("minute", Some(TimeUnit::Minute)),
            ("minutes", Some(TimeUnit::Minute)),
            ("min", Some(TimeUnit::Minute)),
            ("m", Some(TimeUnit::Minute)),
            ("mo", Some(TimeUnit::Month)),
            ("seconds", Some(TimeUnit::Second)),
            ("sec", Some(TimeUnit::Second)),
            ("ms", Some(TimeUnit::Millisecond)),
            ("h", Some(TimeUnit::Hour)),
            ("hr", None),
            ("q", Some(TimeUnit::Quarter)),
            ("yr", Some(TimeUnit::Year)),
            ("weeks", Some(TimeUnit::Week)),
            ("fortnight", None),
        ];
        for (text, want) in cases {
            assert_eq!(TimeUnit::parse(text), want, "{text}");
        }
        assert!(TimeUnit::Day.is_date_period());
        assert!(!TimeUnit::Hour.is_date_period());
    }

    #[test]
    fn integer_literal_types() {
        assert_eq!(LiteralValue::integer_type(2_147_483_647), "integer");
        assert_eq!(LiteralValue::integer_type(2_147_483_648), "long");
        assert_eq!(LiteralValue::integer_type(-2_147_483_648), "integer");
    }
}

//! ES|QL (Elasticsearch Query Language) for trailhound: a parser into a typed syntax tree, and the
//! self-contained pattern engines ES|QL queries need (DISSECT, GROK, Lucene regular expressions for
//! `RLIKE`, wildcards for `LIKE`).
//!
//! - [`parse`] turns query text into a [`Query`] (module [`ast`]); every node has a
//!   [`Span`](trailhound_syntax::Span). Errors are [`Diagnostic`](trailhound_syntax::Diagnostic)s
//!   worded like Elasticsearch's where reasonable (`mismatched input '=' ...`,
//!   `Invalid pattern for dissect: [...]`, `Unexpected temporal unit: 'x'`).
//! - `Display` on the tree prints canonical ES|QL that parses back to an equal tree.
//! - [`dissect`], [`grok`], [`lucene_regex`] and [`like_pattern`] execute patterns on strings.
//!   The parser validates every `DISSECT`/`GROK`/`LIKE`/`RLIKE` pattern with them, so a query
//!   that parses can be executed pattern-wise.
//! - `ENRICH`, `LOOKUP JOIN`, `CHANGE_POINT`, `SAMPLE`, `FORK` and the `:` match operator are
//!   parsed into the tree but cannot be executed over plain CloudTrail events (they need an
//!   enrich or lookup index, an inverted index, or are statistical); see
//!   [`ProcessingCommand::is_executable_locally`]. Other Elasticsearch commands (`COMPLETION`,
//!   `RERANK`, `FUSE`, `TS`, `SET`, ...) are reported as `esql::unsupported_command`.
//!
//! - [`Plan::new`] / [`Plan::parse`] resolve a query against CloudTrail events read through the
//!   ECS view (`FROM` patterns, column types, Elasticsearch-worded verification errors) and
//!   derive a [`Plan::prefilter`] for the engine's dispatch index; [`Executor`] runs a plan over
//!   pushed events and returns a [`Table`] ([`run_query`] does both for hunting queries and
//!   `trailhound query --lang esql`); [`EsqlOperatorFactory`] runs an ES|QL *rule* as an engine
//!   operator, one [`Detection`](trailhound_engine::Detection) per result row, optionally per
//!   Kibana execution window (overlapping windows share work, see [`Sharing`], without changing
//!   any result).
//!
//! The `# Semantics` section is the language as Elasticsearch defines it; `# Execution` records
//! how trailhound runs it over CloudTrail and where it deliberately differs.
//!
//! # Grammar
//!
//! Written from Elasticsearch's `EsqlBaseLexer.g4`/`EsqlBaseParser.g4` (x-pack/plugin/esql,
//! including `lexer/*.g4` and `parser/Expression.g4`, `parser/Join.g4`). Keywords are
//! case-insensitive. Whitespace and comments (`// ...` to end of line, `/* ... */` nestable) may
//! appear between any two tokens.
//!
//! ```text
//! query        := source ('|' processing)*
//! source       := FROM index (',' index)* [METADATA name (',' name)*]
//!               | ROW field (',' field)*
//!               | SHOW INFO
//! index        := [cluster ':'] unquoted_source ['::' selector] | string
//! processing   := WHERE bool
//!               | EVAL field (',' field)*
//!               | STATS [agg (',' agg)*] [BY field (',' field)*]
//!               | INLINE STATS agg (',' agg)* [BY field (',' field)*]      (also INLINESTATS)
//!               | KEEP pattern (',' pattern)* | DROP pattern (',' pattern)*
//!               | RENAME rename (',' rename)*
//!               | SORT bool [ASC|DESC] [NULLS (FIRST|LAST)] (',' ...)*
//!               | LIMIT (integer | param)
//!               | DISSECT primary string [APPEND_SEPARATOR '=' string]
//!               | GROK primary string (',' string)*
//!               | MV_EXPAND name
//!               | ENRICH policy [ON pattern] [WITH [pattern '='] pattern (',' ...)*]
//!               | LOOKUP JOIN index ON value (',' value)*
//!               | CHANGE_POINT name [ON name] [AS name ',' name]
//!               | SAMPLE number
//!               | FORK ('(' processing ('|' processing)* ')')+
//! field        := [qualified_name '='] bool
//! agg          := field [WHERE bool]
//! rename       := pattern AS pattern | pattern '=' pattern               (new = old)
//! pattern      := id_pattern ('.' id_pattern)*      id_pattern: letters/digits/_/*, backquoted parts
//!
//! bool         := bool OR bool | bool AND bool | NOT bool | predicate     (OR < AND < NOT)
//! predicate    := value [NOT] IN '(' value (',' value)* ')'
//!               | value [NOT] (LIKE | RLIKE) string
//!               | value [NOT] (LIKE | RLIKE) '(' string (',' string)* ')'
//!               | value IS [NOT] NULL
//!               | qualified_name ['::' type] ':' constant                  (match operator)
//!               | value
//! value        := operator [('==' | '!=' | '<' | '<=' | '>' | '>=') operator]   (not chainable)
//! operator     := operator ('+' | '-') operator | operator ('*' | '/' | '%') operator
//!               | ('-' | '+') operator | primary
//! primary      := constant | qualified_name | function | '(' bool ')' | primary '::' type
//! function     := identifier '(' [ '*' | bool (',' bool)* [',' map] ] ')'
//! map          := '{' [string ':' constant (',' ...)*] '}'
//! constant     := null | true | false | ['+'|'-'] integer [unit] | ['+'|'-'] decimal
//!               | string | param | '[' constant (',' constant)* ']'      (homogeneous)
//! qualified_name := identifier ('.' identifier)*
//! identifier   := [A-Za-z][A-Za-z0-9_]* | [_@][A-Za-z0-9_]+ | '`' ([^`] | '``')+ '`'
//! param        := '?' | '?' name | '?' digits
//! string       := '"' ([^"\\\r\n] | '\' [tnr"\\])* '"' | '"""' [^\r\n]*? '"""' '"'? '"'?
//! integer      := [0-9]+
//! decimal      := [0-9]+ '.' [0-9]* | '.' [0-9]+ | with exponent [eE][+-]?[0-9]+
//! unit         := millisecond(s) ms | second(s) sec s | minute(s) min m | hour(s) h
//!               | day(s) d | week(s) w | month(s) mo | quarter(s) q | year(s) yr y
//! ```
//!
//! Notes:
//!
//! - Precedence, loosest first: `OR`, `AND`, `NOT`, the predicates (`IN`, `LIKE`, `RLIKE`,
//!   `IS NULL`, `:`), comparisons, `+ -`, `* / %`, unary `- +`, `::`. `NOT a AND b` is
//!   `(NOT a) AND b`; `NOT a IN (..)` is `NOT (a IN (..))`; `-x::long` is `-(x::long)`.
//! - A sign directly before a number belongs to the constant: `-5` is the literal −5 and
//!   `-7 days` a negative time span.
//! - An integer immediately followed by an unquoted identifier is a time span (`1day`, `7 day`);
//!   an unknown unit is the error `Unexpected temporal unit: 'x'`.
//! - Expression keywords (`and or not in is like rlike null nulls true false asc desc first last
//!   by where`) must be backquoted to be used as names. `as`, `on`, `with`, `metadata` are
//!   keywords only inside the commands that use them.
//! - `=` never compares: `WHERE a = "x"` is the error `esql::single_equals` with a help line.
//!   `=~` (case-insensitive equality) is disabled in Elasticsearch and rejected here too.
//! - Source names (`FROM`, `LOOKUP JOIN`) are runs of any characters except
//!   `: " = | , [ ] /` and whitespace (a `/` not followed by `*` or `/` is allowed).
//! - Expressions nest at most [`MAX_DEPTH`] levels deep (the tree) and [`MAX_NESTING`] levels
//!   syntactically (parentheses, calls, prefix operators); deeper input is the error
//!   `esql::too_deep`.
//!
//! # Semantics
//!
//! Sources: the Elasticsearch ES|QL reference (<https://www.elastic.co/docs/reference/query-languages/esql>),
//! pages named below, and Elasticsearch pull requests where the docs are silent.
//!
//! **Query shape.** A query is a pipeline: each command consumes the table produced by the
//! previous one ("Basic ES|QL syntax"). Without `LIMIT`, Elasticsearch adds `LIMIT 1000`; no query
//! returns more than 10 000 rows whatever its `LIMIT` (settings
//! `esql.query.result_truncation_default_size` / `_max_size`; "LIMIT", result-set size
//! limitation). The limit applies to output rows only: filtering and `STATS` see all data.
//!
//! **Types.** `keyword`/`text` (strings; compared as `keyword`), `integer` (32-bit), `long`,
//! `unsigned_long`, `double`, `boolean`, `date` (millisecond instant, shown in UTC ISO-8601),
//! `date_nanos`, `ip`, `version`, and the literal-only `date_period` (days, weeks, months,
//! quarters, years: calendar arithmetic) and `time_duration` (milliseconds to hours: exact).
//! Integer literals are `integer` if they fit in 32 bits, else `long` (else `unsigned_long`,
//! else `double`); decimals are `double`; strings are `keyword` ("Basic syntax", literals).
//! Numeric operands widen `integer` < `long` < `double` ("Operators" type tables). String
//! literals are implicitly cast when compared with or passed where a `date`, `ip`, `version` or
//! `boolean` is expected (`@timestamp > "2024-01-01"`), and to `date_period`/`time_duration` in
//! functions ("Implicit casting"). `DISSECT` outputs `keyword` columns; `GROK` outputs `keyword`
//! unless a `:int`/`:float` suffix is given.
//!
//! **NULL and three-valued logic** ("Working with NULL values in ES|QL"). A missing field is
//! `null`. Comparisons with `null` give `null`; arithmetic and most functions return `null`
//! for a `null` input. `AND`: false if either side is false, else null if either is null, else
//! true. `OR`: true if either is true, else null if either is null, else false. `NOT null` is
//! null. `WHERE` keeps only rows where the condition is `true` (so `WHERE f != "x"` drops rows
//! without `f`, and so does `WHERE NOT f == "x"`). `IS NULL`/`IS NOT NULL` never return null.
//! `x IN (a, b)` is true if `x` equals some element, null if `x` is null or no element equals
//! and some element is null, else false (SQL three-valued semantics; the docs only say `IN` tests
//! equality with an element of the list).
//! `COALESCE` returns the first non-null argument; `CASE(c1, v1, ..., [else])` takes the first
//! condition that is `true` (null counts as not true) and returns null without an else.
//!
//! **Multi-valued fields** ("ES|QL multivalued fields"). A field can hold several values
//! (CloudTrail arrays, e.g. `event.type`, `related.entity`); a one-element list behaves as a
//! single value, `null`s inside lists are dropped and an empty list is `null`. Unless a function
//! is documented otherwise (`MV_*`, aggregations, `VALUES`, `COUNT`), a function or operator
//! applied to a multi-valued value returns `null` and adds the warning
//! `evaluation of [expr] failed, treating result as null` /
//! `java.lang.IllegalArgumentException: single-value function encountered multi-value`. This
//! includes `==`, `!=`, `<`..`>=`, `LIKE`, `RLIKE`, `IN` and arithmetic: `event.type == "info"`
//! is `null` (row dropped by `WHERE`) when `event.type` is `["change", "info"]` — not "any value
//! matches" as in KQL/EQL (elastic/elasticsearch#114322, #120782; PR #102417). `IS NULL` is
//! false for a multi-value. `DISSECT`/`GROK`/`MV_EXPAND` process each value. A multi-valued
//! `STATS ... BY` key puts the row in every group (one per value, cartesian product across
//! keys). `SORT` on a multi-value uses the lowest value ascending and the highest descending.
//!
//! **Case sensitivity.** `==`, `!=`, `<`..`>=` on strings compare exactly (case-sensitive,
//! by UTF-8 bytes / code points). `LIKE` and `RLIKE` are case-sensitive. The `=~` operator was
//! disabled (PR #105611); case-insensitive matching is written `TO_LOWER(x) == "..."`.
//! Function names, command names and keywords are case-insensitive; column names are
//! case-sensitive.
//!
//! **`LIKE`** ([`like_pattern`]): `*` any run of characters, `?` one character, `\` escapes `*`,
//! `?`, `\`; `%` and `_` are literal; whole-value, case-sensitive match. The list form
//! `x LIKE ("a*", "b*")` is true if any pattern matches.
//!
//! **`RLIKE`** ([`lucene_regex`]): Lucene regular expression with all optional operators,
//! always anchored to the whole value, no `^`/`$` anchors (they are literal characters), `\d`
//! `\w` `\s` are ASCII classes, case-sensitive. `NOT RLIKE`/`NOT LIKE` negate (null stays null).
//!
//! **Arithmetic** ("Operators"). Integer `/` truncates toward zero ("Division of two integer
//! types will yield an integer result, rounding towards 0"); `%` is the remainder with the
//! dividend's sign (Java). Overflow of `integer`/`long` arithmetic, division or modulo by zero,
//! and non-finite `double` results give `null` plus a warning instead of wrapping or
//! infinity/NaN (PR #107076 "Divide by zero should return null", PR #98899). `integer` op
//! `long` is computed as `long`; any `double` operand makes a `double`.
//!
//! **Dates and time spans** ("ES|QL time spans"). `date + time_duration` and
//! `date - time_duration` add exact milliseconds; `date ± date_period` adds calendar days,
//! weeks, months, quarters, years (UTC). `NOW()` is the query's start time, the same value for
//! every row of one query (trailhound: the evaluation time of the rule run). 23 hunting queries
//! filter `@timestamp > now() - 7 day`. `DATE_TRUNC(span, date)` rounds down to a multiple of
//! the span (calendar units align to calendar boundaries).
//!
//! **`STATS`** ("STATS"). Without `BY`: exactly one output row (even over zero input rows).
//! With `BY`: one row per distinct key combination; a `null` key forms its own group. Output
//! columns: the aggregates in order, then the grouping columns; a name used twice keeps only the
//! rightmost; unnamed expressions are named by their source text (e.g. `COUNT(*)`). Aggregates
//! skip `null` inputs: `COUNT(*)`/`COUNT()` count rows, `COUNT(x)` counts values (each value of a
//! multi-value), `COUNT(null)` is 0; `SUM`/`MIN`/`MAX`/`AVG` over no values are null;
//! `VALUES(x)` is the multi-value of distinct values (order unspecified); `COUNT_DISTINCT` is
//! approximate above about 3000 values. `agg WHERE cond` aggregates only rows where `cond` is
//! true. `INLINE STATS` appends the aggregates to every input row instead of collapsing.
//!
//! **`SORT`** ("SORT"). Default ascending. `null` sorts as larger than any value: last when
//! ascending, first when descending, unless `NULLS FIRST|LAST`. Equal keys keep no defined
//! order; more keys break ties.
//!
//! **`KEEP`/`DROP`/`RENAME`** ("KEEP"). Patterns match column names as whole strings; an unquoted
//! `*` matches any characters including `.` ([`NamePattern::matches`]). `KEEP` outputs columns in
//! pattern order, each column once: when several patterns match a column, a complete name beats
//! a partial wildcard (`aws.*`), which beats a lone `*`; between equals the rightmost pattern
//! wins. A lone `*` means "all columns not matched by another pattern". `DROP` removes matching
//! columns. `RENAME` wildcards are rejected; renaming onto an existing name replaces it.
//!
//! **`EVAL`/`ROW`**: columns are added in order, a later one may use an earlier one, and a name
//! that already exists replaces the old column (moved to the end).
//!
//! **`DISSECT`** ([`dissect`]): on no match all extracted columns are `null`; reference keys are
//! rejected; on a name clash the new column replaces the existing one. **`GROK`** ([`grok`]):
//! unanchored search; no match gives `null` columns; duplicate names give a multi-value.
//!
//! **`FROM`**: index patterns select data streams (`logs-aws.cloudtrail-*`); trailhound evaluates
//! every query over CloudTrail events mapped to ECS. `METADATA _id, _index, _version` adds those
//! columns.

//!
//! # Execution
//!
//! - **Sources.** A `FROM` pattern reads the loaded CloudTrail events when it matches the data
//!   stream `logs-aws.cloudtrail-default`, one of its backing indices or Filebeat's
//!   `filebeat-<version>` (`logs-aws.cloudtrail*`, `logs-*`, `*`, `filebeat-*`); `-pattern`
//!   exclusions apply. Other patterns (`logs-endpoint.events.process-*`, `.alerts-security.*`,
//!   remote `cluster:index`, `::failures`) read nothing and give a plan warning; when no pattern
//!   reads CloudTrail the plan fails with `esql::not_runnable`. With such a foreign source, a
//!   column that is not a CloudTrail field is a null `keyword` column with a warning (its index
//!   would have defined it); without one it is `Unknown column [x]`.
//! - **Columns.** Every field of the ECS view ([`trailhound_event::ecs::field_names`]) with its
//!   mapping type, sorted by name as Elasticsearch lists a mapping, then the `METADATA` fields in
//!   the order written: `_id` = `eventID`, `_index` = `.ds-logs-aws.cloudtrail-default-<yyyy.MM.dd
//!   of the event>-000001`, `_version` = 1, `_ignored` = null. The `aws.cloudtrail.flattened.*`
//!   objects are `unsupported` (ES|QL cannot read `flattened` fields: they are null, and using
//!   one in an expression is an error; their sub-fields are unknown columns). `event.ingested`
//!   is mapped but never set on raw CloudTrail: a null `date` column with a note.
//! - **Field values.** Values are converted to the column type; unconvertible values are
//!   skipped (`ignore_malformed`). Multi-values come in doc-values order: `keyword` and `ip`
//!   sorted and de-duplicated, numbers, dates and booleans sorted ("ES|QL multivalued fields":
//!   "Some field types, like keyword, remove duplicate values on write"). `ignore_above` is not
//!   modelled (Elasticsearch loads such values from `_source` anyway).
//! - **Prefilter.** [`Plan::prefilter`] is a necessary condition built from the `WHERE` clauses
//!   before the first `STATS`, `LIMIT` or `MV_EXPAND` that compare *unmodified source columns*
//!   with constants: `==`/`IN`/`LIKE`/literal-prefix `RLIKE`/`STARTS_WITH` on keyword fields
//!   become the IR's any-value text tests (an ES|QL `true` needs a single value equal to the
//!   constant, so the any-value test holds), `!=` and `NOT` become "has a value and the test
//!   fails", anything else on a field becomes `Exists(field)`, and everything else `true`.
//!   Conditions with `NOW()` are never pushed (replay changes `NOW()` per window).
//! - **LIMIT and SORT.** Without any `LIMIT` the result is capped at [`DEFAULT_LIMIT`] (1000);
//!   with a `LIMIT` anywhere in the query, at [`MAX_LIMIT`] (10 000) (Elasticsearch's
//!   `AddImplicitLimit` rule). Sort keys are evaluated where `SORT` is written and the sort runs
//!   where its `LIMIT` (or the implicit one) is, as a bounded top-N; `WHERE`, `EVAL`, `KEEP`,
//!   `DROP`, `RENAME`, `DISSECT`, `GROK` in between are fine (filters commute with sorting), a
//!   `SORT` before `STATS` is dropped, and a `SORT` that only an `MV_EXPAND` separates from its
//!   limit before any `STATS` is the error `Unbounded SORT not supported yet [..] please add a
//!   LIMIT`. Ties keep input order. A `LIMIT` with no aggregation or sort before it stops
//!   reading input once full ([`Executor::is_saturated`]).
//! - **STATS.** Groups are kept in a hash map bounded by [`ExecOptions::group_limit`] (default
//!   1 000 000); rows of new groups beyond it are refused and counted in a warning. Groups are
//!   output in first-seen order. `COUNT_DISTINCT`, `MEDIAN`, `PERCENTILE` and
//!   `MEDIAN_ABSOLUTE_DEVIATION` are exact (Elasticsearch: HyperLogLog++ above 3000 values,
//!   t-digest); `VALUES` is sorted (unspecified in Elasticsearch); `SUM` overflow is null plus
//!   a warning; aggregates may be nested in scalar expressions (`ROUND(AVG(x), 1)`) and refer to
//!   `BY` columns.
//! - **Warnings.** An expression that fails (multi-value in a single-value function, overflow,
//!   division by zero, failed conversion or date parse) is null for that row, and the table
//!   carries `Line L:C: evaluation of [expr] failed, treating result as null. Only first 20
//!   failures recorded. (n failures)` plus the distinct Java exception lines Elasticsearch
//!   reports (`java.lang.IllegalArgumentException: single-value function encountered
//!   multi-value`, `java.lang.ArithmeticException: / by zero`, ...). Events the prefilter
//!   skips are never evaluated, so they raise no warning.
//! - **Dates.** UTC throughout. `DATE_FORMAT`/`DATE_PARSE` take Java `DateTimeFormatter`
//!   patterns ([`javatime`]): `mm` minutes, `MM` months, `YYYY` week-based year with ISO weeks;
//!   `TO_DATETIME` and implicit casts use `strict_date_optional_time`. `DATE_TRUNC` of calendar
//!   periods follows Elasticsearch's `DateTrunc` (1 day, 1 week from Monday, months, quarters,
//!   years). `DATE_DIFF` counts whole units as `ChronoUnit.between`.
//! - **Not supported** (planning fails naming them): `ENRICH`, `LOOKUP JOIN`, `INLINE STATS`,
//!   `CHANGE_POINT`, `SAMPLE`, `FORK`, `SHOW INFO`, query parameters, the `:` operator and the
//!   full-text functions (`KQL`, `MATCH`, `QSTR`, `MATCH_PHRASE`, `MULTI_MATCH`, `KNN`, `SCORE`),
//!   `CATEGORIZE`, the four-argument `BUCKET`, spatial, vector and time-series functions,
//!   `date_nanos`, and `METADATA _score`/`_source`/`_index_mode`.
//! - **Rules.** [`EsqlOperatorFactory`] without replay runs the query once over every event
//!   that passes the prefilter, at the end; with a [`Schedule`](trailhound_engine::Schedule) it
//!   runs it like Kibana at each `T = k * interval` over the events with
//!   `T - look-back < @timestamp <= T` and `NOW()` = `T`, skipping executions whose window holds
//!   no event. Each row is a detection: fields = the row's columns, events = the row's event
//!   (no `STATS`) or up to [`ExecOptions::samples_per_group`] events of its group, group = the
//!   `BY` values, time = the row's `@timestamp` when it has a single date there, else the window
//!   end (replay) or the latest contributing event. Overlapping windows share work
//!   ([`Sharing`], default [`Sharing::Aggregates`]): the leading row-local stages without
//!   `NOW()` run once per event, and a `STATS` right after them whose aggregates merge exactly
//!   (all but `AVG`, `STD_DEV`, `WEIGHTED_AVG` and `SUM` of doubles, whose floating-point
//!   rounding depends on the order of additions) aggregates each `gcd(interval, look-back)` run
//!   of events once; executions merge runs in time order. Rows, their order, detections and each
//!   execution's warnings (evaluation failures are counted per execution, as Elasticsearch
//!   counts them per query) are those of evaluating every window from scratch
//!   ([`Sharing::Nothing`]).

#![deny(missing_docs)]

mod agg;
pub mod ast;
mod display;
pub mod dissect;
mod exec;
mod expr;
mod func;
pub mod grok;
pub mod grok_patterns;
pub mod javatime;
mod lexer;
pub mod like_pattern;
/// Lucene regular expressions (shared with EQL `regex`; they live in the engine).
pub use trailhound_engine::lucene as lucene_regex;
pub mod onig;
mod operator;
mod parser;
mod plan;
pub mod value;

#[cfg(test)]
mod corpus_tests;
#[cfg(test)]
mod parser_tests;
#[cfg(test)]
mod replay_tests;

pub use ast::*;
pub use display::quote_string;
pub use exec::{ExecOptions, Executor, Table, run_query};
pub use operator::{EsqlOperatorFactory, Sharing};
pub use parser::{MAX_DEPTH, MAX_NESTING, parse};
pub use plan::{DEFAULT_LIMIT, MAX_LIMIT, Plan, PlanContext};
pub use value::{EsqlType, EsqlValue};

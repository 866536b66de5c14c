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
//! The executor is a later phase; the `# Semantics` section below is its specification.
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

#![deny(missing_docs)]

pub mod ast;
mod display;
pub mod dissect;
pub mod grok;
pub mod grok_patterns;
mod lexer;
pub mod like_pattern;
pub mod lucene_regex;
pub mod onig;
mod parser;

#[cfg(test)]
mod corpus_tests;
#[cfg(test)]
mod parser_tests;

pub use ast::*;
pub use display::quote_string;
pub use parser::{MAX_DEPTH, MAX_NESTING, parse};

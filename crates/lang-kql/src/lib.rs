//! KQL, the Kibana Query Language (`language = "kuery"` in Elastic detection rules): parser
//! and compiler to the engine's predicate IR.
//!
//! [`parse`] turns query text into an [`Expr`] tree whose nodes carry byte [`Span`]s into the
//! text; every failure is a [`Diagnostic`] with a stable `kql::*` code, a span and, where
//! something useful can be said, a help line. The tree prints back as KQL
//! ([`Display`](std::fmt::Display)) that re-parses to an equal tree.
//!
//! The accepted language is exactly Kibana's: the grammar below is a transcription of
//! `grammar.peggy` in `src/platform/packages/shared/kbn-es-query/src/kuery/grammar/` of
//! elastic/kibana (the PEG that Kibana's `fromKueryExpression` runs). [`ParseMode::Strict`],
//! the default, additionally rejects text that Kibana would accept only by reading it as a
//! plain value: Lucene operators (`&&`, `[a TO b]`, `_exists_`), `field=value`, and `and`/`or`/
//! `not` stranded at the edge of a value. [`ParseMode::Kibana`] accepts what Kibana accepts,
//! including the empty query.
//!
//! [`compile()`] (or [`compile_str`]) turns a tree into a [`trailhound_engine::Pred`] for events
//! read through a [`trailhound_event::View`] (normally the ECS view), implementing the
//! [Semantics](#semantics) section below, with warnings for what never matches (fields the view
//! does not produce) and errors for what Elasticsearch would refuse to run.
//!
//! # Grammar
//!
//! Kibana's PEG, in its own terms. Alternatives are tried in order (`/`), repetition is greedy
//! and `&x` / `!x` are look-aheads that consume nothing. Keywords match in any case.
//!
//! ```text
//! query          = ws* or_query? ws*             ; empty: see ParseMode
//! or_query       = and_query (OR and_query)*
//! and_query      = not_query (AND not_query)*
//! not_query      = NOT sub_query / sub_query     ; one `not` per operand: `not not a` is an error
//! sub_query      = "(" ws* or_query ws* ")" / nested / expression
//! nested         = literal ws* ":" ws* "{" ws* or_query ws* "}"
//! expression     = literal ws* range_op ws* literal      ; Expr::Range
//!                / literal ws* ":" ws* value_list        ; Expr::Match
//!                / literal                               ; Expr::FreeText
//! value_list     = "(" ws* or_values ws* ")" / literal   ; `f: not v` is an error
//! or_values      = and_values (OR and_values)*
//! and_values     = not_values (AND not_values)*
//! not_values     = NOT value_list / value_list
//! range_op       = "<=" / ">=" / "<" / ">"
//! OR             = ws+ "or" ws+
//! AND            = ws+ "and" ws+
//! NOT            = "not" ws+
//! ws             = " " / TAB / CR / LF / U+00A0
//!
//! literal        = quoted / unquoted
//! quoted         = '"' q_char* '"'
//! q_char         = "\t" / "\r" / "\n"            ; the whitespace character
//!                / "\u" hex hex hex hex          ; that UTF-16 code unit
//!                / "\\" / "\""                   ; backslash, quote
//!                / any character but '"'         ; so `"a\*"` is `a\*` and `*` is literal
//! unquoted       = u_char+                       ; then trimmed of surrounding whitespace
//! u_char         = "\t" / "\r" / "\n" / "\u" hex{4}
//!                / "\" special                   ; that character (`\*` is a literal star)
//!                / "\" ("or" / "and" / "not")    ; the word, as written (but `\n` wins: `\not`
//!                                                ;  is a newline then `ot`; write `\u006Eot`)
//!                / "*"                           ; a live wildcard
//!                / !special !KEYWORD any-char    ; whitespace included: `f: foo bar` is one value
//! KEYWORD        = ws "or" ws / ws "and" ws / "not" ws   ; look-ahead only
//! special        = one of  \ ( ) : < > " * { }
//! ```
//!
//! Consequences worth knowing (all from the grammar, all tested):
//!
//! - An unquoted value runs until a special character or a `KEYWORD`: `f: foo bar` is the value
//!   `foo bar`; `f: a or` is the value `a or` (no space after `or`); `f: cannot find` stops at
//!   `not␣` inside the word and fails.
//! - `and`/`or` need whitespace on both sides and `not` after it: `not(a)`, `a or(b)` and
//!   `"a"and "b"` are errors.
//! - `field: and` is the value `and` (a keyword needs whitespace around it); `field: not x` is an
//!   error (`field: not` alone is the value `not`).
//! - Field names are literals too: `"my field": v`, `host.*: v` (wildcards), `a\:b: v`.
//! - A lone `\` that starts no escape is an error (`\'`, `\q`).
//! - Unquoted `true`, `false` and `null` become JSON constants ([`Literal::constant`]); numbers
//!   stay text (`070`, `1.0` are kept as written).
//! - Wildcards are only live in unquoted literals; [`Literal::wildcards`] records which `*` were
//!   written bare, so `foo\*bar*` keeps its literal first star.
//!
//! Free-text values (no field) were recently added to elastic/detection-rules' own KQL parser
//! (`lib/kql`, commit 14cf530f, "\[FR\] Add free text support to KQL (#6487)"); Kibana's grammar
//! always had them (`ValueExpression`). Where detection-rules' Lark grammar (`kql.g`) is looser
//! than Kibana's (`f: not v`, `not not v`, `f: *not this*`), this crate follows Kibana.
//!
//! # Semantics
//!
//! How Kibana's detection engine runs a KQL rule, which the evaluator must reproduce over
//! documents it has no Elasticsearch mapping for. Sources: Kibana
//! `kbn-es-query/src/kuery/functions/{is,range,exists,not,and,or,nested}.ts`,
//! `kuery/node_types/wildcard.ts` and `kuery/types.ts`; the security solution's
//! `detection_engine/rule_types/utils/get_query_filter.ts` and `get_query_fields.ts`; the
//! Elasticsearch query DSL reference (term, wildcard, exists, query_string, multi_match) and
//! field type pages (keyword, flattened, ip, date) at <https://www.elastic.co/docs/reference>;
//! Kibana's KQL page <https://www.elastic.co/docs/reference/query-languages/kql>.
//!
//! **Engine settings.** `getQueryFilter` builds the query with `allowLeadingWildcards: true`,
//! `dateFormatTZ: "Zulu"`, `ignoreFilterIfFieldNotInIndex: false`, and no `caseInsensitive`. The
//! fields the query names are looked up in a data view over the rule's `index` patterns
//! (`getQueryFields`), so Kibana knows each field's Elasticsearch type(s). `queryStringOptions`
//! applies to Lucene queries only.
//!
//! 1. **Boolean structure.** `or` → `bool.should` (at least one), `and` → `bool.filter`, `not` →
//!    `bool.must_not`. Logic is two-valued per document: a leaf that reads a missing field is
//!    false, so `not f: v` is **true when `f` is missing** (or null, or `[]`).
//! 2. **Value lists** are shorthand: `f: (a or b and not c)` is `f: a or (f: b and not f: c)`.
//!    Each leaf is evaluated on its own with the any-value rule below, so on a multi-valued `f`,
//!    `f: (a and b)` is true when some value is `a` and some value is `b`, and
//!    `f: (* and not (x* or y*))` means "`f` exists and no value of `f` matches `x*` or `y*`".
//! 3. **Field names.** A quoted or wildcard-free name is exact (case-sensitive, dotted path). A
//!    name with live wildcards is expanded against the mapped field names (`*` matches any run of
//!    characters, dots included) and the leaf is true if it is true for any of them; a pattern
//!    matching nothing is sent as written and matches nothing. `*: *` is `match_all` (it is also
//!    what Kibana makes of an empty query).
//! 4. **Multi-valued fields and arrays.** A leaf is true when **any** value of the field
//!    satisfies it. Arrays of objects are flattened: `a.b` over `a: [{b: 1}, {b: 2}]` has the
//!    values `1` and `2`.
//! 5. **`f: v`, `v` without live wildcards** (Kibana's `is`), by the field's type:
//!    - `keyword` (the only type in the mapping): `term` query, exact and **case-sensitive**:
//!      Kibana adds `case_insensitive` only when its `caseInsensitive` option is set, and neither
//!      the detection engine nor the UI (`getEsQueryConfig`) sets it; ECS keyword fields have no
//!      normalizer. Quoted and unquoted values are identical here. This is why rules list both
//!      `*Terraform*` and `*terraform*`.
//!    - any other type, or a field the data view does not know (every `flattened` sub-field):
//!      unquoted → `match`, quoted → `match_phrase`. On keyword-like types (`constant_keyword`,
//!      `wildcard`, flattened leaves) both are again exact, case-sensitive equality. On `text`
//!      fields they are analysed full-text queries; no corpus rule relies on that, and the
//!      evaluator may reject text fields.
//!    - numeric: `v` parsed as a number (`"216025"` matches `216025`, so does `2.16025e5`); text
//!      that does not parse makes Elasticsearch fail the search, so reject it. A fraction on an
//!      integer field, or a value out of its range, matches nothing (`NumberFieldMapper`'s
//!      `termQuery` returns "match no docs"), as a numeric comparison does.
//!    - `boolean`: `true`/`false` (quoted or not, lower case); anything else fails the search.
//!    - `ip`: an address, or CIDR `addr/len` (IPv4 or IPv6) matching every address in the prefix.
//!      Elasticsearch keeps IPv4 addresses as IPv4-mapped IPv6, so `::ffff:10.0.0.0/104` is
//!      `10.0.0.0/8` and `::/0` holds every IPv4 address. Anything else fails the search.
//!    - `date`: Kibana sends `range {gte: v, lte: v, time_zone: "Zulu"}` (no time zone when `v`
//!      is all digits, an epoch). Elasticsearch fills the components `v` leaves out with their
//!      minimum for `gte` and their maximum for `lte` (range query reference, "Missing date
//!      components"), so `v` denotes a span: `@timestamp: 2024-05-01` is the whole day. Date
//!      fields have millisecond resolution.
//!    - `text` and `geo_point` fields: not in the ECS view; rejected.
//!    - unquoted `true`/`false` are JSON booleans, which match the strings `"true"`/`"false"` on
//!      keyword-like fields; unquoted `null` is JSON `null`, which Elasticsearch rejects (`term`
//!      "value cannot be null", `match` "unknown token"): the rule cannot run, so reject it.
//!    - `flattened` (`aws.cloudtrail.flattened.*`): every leaf is indexed as a keyword: strings as
//!      they are, numbers and booleans by their JSON text. `true` and `"true"` both match a JSON
//!      `true`; `22` matches `22` but not `22.0`. A sub-field is a *key*: it matches the leaves
//!      at exactly that key path (arrays are transparent), so an object at the key is not a
//!      value of it (its leaves have longer keys) and `….ipPermissions: *` is false
//!      (`KeyedFlattenedFieldType`: term `key\0value`, exists = prefix `key\0`). The root field
//!      holds every leaf. The copy exists only when the Java string is under 32766 characters.
//!    - a keyword value longer than the field's `ignore_above` (Fleet's default 1024; 8191 for
//!      `aws.cloudtrail.request_parameters`/`response_elements`, `fields.yml`) is not indexed
//!      and matches nothing, not even `f: *`; Java counts the length in UTF-16 units.
//!      `constant_keyword` fields (`data_stream.*`, `event.dataset`, `event.module`) have none.
//! 6. **Wildcards** (`v` with live `*`): a live `*` matches any sequence of characters, including
//!    none and including newlines; every other character, `?` included, is literal (Kibana
//!    escapes it); the pattern is anchored at both ends; matching is case-sensitive. On `keyword`
//!    fields Kibana sends a `wildcard` query (whitespace is literal). On any other field, or one
//!    the data view does not know (flattened sub-fields), it sends `query_string` with that
//!    field, which splits the pattern on whitespace into terms joined by OR (`*S3 Browser*`
//!    becomes `*S3` or `Browser*`; a term without `*` is an exact term); no corpus rule has a
//!    space in a wildcard on such a field. This includes `constant_keyword` fields, whose
//!    `esTypes` are not `["keyword"]`.
//!    Wildcards on `ip`, numeric, `date` or `boolean` fields make the search fail: reject them.
//!    Leading wildcards are allowed (the grammar's `allowLeadingWildcards` defaults to true and
//!    the detection engine passes true).
//! 7. **Exists** (`f: *`, only a lone unquoted star; `f: "*"` and `f: \*` search for a star): the
//!    field has at least one non-null value. An empty string exists; `null`, `[]` and `[null]` do
//!    not. If `f` is an object rather than a leaf, Elasticsearch retries the pattern `f.*`
//!    (`ExistsQueryBuilder`): true when any leaf under `f` exists. `host.*: *` is exists on each
//!    matching field. `not f: *` is true exactly when `f` is missing.
//! 8. **Ranges** `f < v` etc.: the value is sent as text; numeric fields compare as numbers,
//!    dates as instants (`time_zone` Zulu; a partial date rounds down for `gte`/`lt` and up for
//!    `gt`/`lte`, so `f > 2024-05-01` starts on May 2), `ip` as addresses (IPv4 as mapped IPv6),
//!    booleans with `false < true`, keyword-like and flattened fields as strings in code-point
//!    order. Any value in range makes the leaf true; missing fields are false. A `*` in a range
//!    value is not a wildcard; an unquoted `null` is an open bound (the field exists). Date math
//!    (`now-1d`, `…||+1M`, `/d`) depends on when the rule runs: a replay over logs cannot
//!    evaluate it, so the compiler rejects it.
//! 9. **Nested** `f: { q }`: Elasticsearch `nested` query on path `f`, with the field names in `q`
//!    prefixed by `f.`: true when a single object of `f` satisfies all of `q`. Elasticsearch fails
//!    the search unless `f` is mapped `nested`; CloudTrail has no such field. Proposed semantics
//!    for raw documents: true when `f` is an object satisfying `q`, or an array with one element
//!    that satisfies the whole of `q`. In the ECS view the arrays of objects are
//!    `aws.cloudtrail.resources` and those below a flattened root; any other path names one
//!    object (`user: { name: a and id: b }` is `user.name: a and user.id: b`, `user` existing).
//! 10. **Free text** (no field): Kibana sends `multi_match` with `type` `phrase` (quoted) or
//!     `best_fields` (unquoted) and `lenient: true`, or, for a wildcard value, `query_string`; in
//!     both cases without `fields`, so Elasticsearch searches the index's
//!     `index.query.default_field` (default `*`: every field that supports term queries).
//!     Proposed semantics without an index, consistent with detection-rules' evaluator since
//!     #6487 (it collects every leaf of the document): true when any leaf value anywhere in the
//!     document matches `v` by the keyword rules above (strings exactly and case-sensitively;
//!     numbers and booleans when `v` parses as that value, never an error, as `lenient` does);
//!     a wildcard value is matched against string leaves only, split on whitespace like
//!     `query_string`; a lone `*` matches every document. "Every leaf" is every field of the ECS
//!     view and every leaf of the flattened objects; string leaves include `ip` and `date`
//!     values (exact text: `192.0.2.44`, not a CIDR block). Keyword values over `ignore_above`
//!     are not indexed. Note that the integration's index template (Fleet's
//!     `buildDefaultSettings`) sets `index.query.default_field` to its `keyword` and `text`
//!     fields only, so a real cluster searches neither numbers, booleans, ip, date nor
//!     flattened fields: this proposal is wider.
//! 11. **Text of values.** [`Literal::text`] is already unescaped. Quoted strings still decode
//!     `\t`, `\r`, `\n` and `\uXXXX` (so `"C:\new"` contains a newline), and keep other
//!     backslashes. Unquoted values are trimmed and may contain inner whitespace.
//!
//! # Diagnostics
//!
//! Codes: `kql::empty_query`, `kql::unterminated_string`, `kql::invalid_escape`,
//! `kql::unbalanced_paren`, `kql::unbalanced_brace`, `kql::expected_term`,
//! `kql::missing_operator` (two terms with no `and`/`or`, the usual Lucene habit),
//! `kql::keyword_spacing`, `kql::misplaced_not`, `kql::keyword_in_value`, `kql::unexpected`,
//! `kql::too_deep` (more than [`MAX_DEPTH`] levels), and in strict mode only
//! `kql::lucene_syntax` and `kql::dangling_keyword`.
//!
//! [`compile()`] errors (queries Elasticsearch would fail, and date math): `kql::null_value`,
//! `kql::wildcard_on_type`, `kql::invalid_number`, `kql::invalid_boolean`, `kql::invalid_ip`,
//! `kql::invalid_date`, `kql::date_math`, `kql::unsupported_field_type`,
//! `kql::nested_wildcard`, `kql::too_deep`. Warnings ([`Compiled::warnings`]):
//! `kql::unknown_field` (never present), `kql::object_field` (a value or range on an object),
//! `kql::not_an_object` (a nested query on a leaf), `kql::above_ignore_above` (a value too long
//! to be indexed), `kql::free_text_view` (free text in a view without a field list).
#![deny(missing_docs)]

mod ast;
mod compile;
mod display;
mod lint;
mod parser;
mod scan;

#[cfg(test)]
mod corpus_tests;
#[cfg(test)]
mod tests;

pub use ast::{Constant, Expr, Literal, Piece, RangeOp, ValueExpr};
pub use compile::{Compiled, compile, compile_str};
pub use parser::MAX_DEPTH;
pub use trailhound_syntax::{Diagnostic, Span};

/// How much of what Kibana accepts to accept.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum ParseMode {
    /// Kibana's grammar, minus an empty query and minus text Kibana would read as a value but
    /// that is Lucene syntax or a stranded operator (`kql::lucene_syntax`,
    /// `kql::dangling_keyword`).
    #[default]
    Strict,
    /// Exactly Kibana's grammar. An empty or blank query parses as `*: *` (match all), which is
    /// what Kibana builds for it.
    Kibana,
}

/// Parses a KQL query in [`ParseMode::Strict`].
pub fn parse(text: &str) -> Result<Expr, Diagnostic> {
    parse_with(text, ParseMode::Strict)
}

/// Parses a KQL query in the given mode.
pub fn parse_with(text: &str, mode: ParseMode) -> Result<Expr, Diagnostic> {
    match parser::Parser::new(text).query()? {
        Some(expr) => {
            if mode == ParseMode::Strict {
                lint::check(text, &expr)?;
            }
            Ok(expr)
        }
        None if mode == ParseMode::Kibana => {
            let star = Literal {
                text: "*".into(),
                quoted: false,
                wildcards: vec![0],
                span: Span::at(0),
            };
            let span = Span::new(0, text.len());
            Ok(Expr::Match {
                field: star.clone(),
                value: ValueExpr::Value(star),
                span,
            })
        }
        None => Err(Diagnostic::new(
            "kql::empty_query",
            "the query is empty",
            Span::new(0, text.len()),
        )
        .with_help(
            "Kibana runs an empty KQL query as match-all; write `*: *` if that is intended",
        )),
    }
}

//! Parser and compiler for **Elasticsearch EQL** (Event Query Language), the dialect that
//! Elasticsearch's `_eql/search` API and Elastic Security `eql` rules run — not the legacy Endgame
//! dialect of the Python `eql` package.
//!
//! [`parse`] turns a statement into a typed [`Query`] whose nodes carry byte-offset
//! [`Span`]s; [`parse_expression`] parses a lone condition. Failures are
//! [`Diagnostic`]s with a stable `eql::*` code, the offending span and, for common porting mistakes
//! (single quotes, `=`, upper-case keywords, legacy functions, `&&`), a help line. The tree prints
//! back to valid EQL through `Display`, and the printed text parses to an equal tree.
//!
//! Beyond the grammar, the parser enforces the checks Elasticsearch makes while building its plan,
//! so that a query this crate accepts is one Elasticsearch accepts: known function names, arity,
//! `~` only on case-aware functions, no field-to-field comparison, `maxspan` units, `runs` range,
//! join-key counts, `with maxspan` when a sequence has missing events, no array indexes, no `join`
//! or process relationships, no pipes on samples. The legacy pipes `count`, `filter`, `sort`,
//! `unique` and `unique_count` are parsed into [`PipeKind`] but Elasticsearch rejects them when it
//! plans the query ("Pipe [..] is not supported"); an evaluator must reject them the same way
//! ([`PipeKind::supported_by_elasticsearch`]).
//!
//! [`compile`] turns a parsed query into the engine IR with Elasticsearch's semantics: a
//! [`Plan`] holding a [`trailhound_engine::Pred`] for an event query, or plain data for the
//! stateful engine for a sequence or sample (see [Compilation](#compilation)).
//!
//! Sources: the grammar `x-pack/plugin/eql/src/main/antlr/EqlBase.g4` and the parser classes
//! (`ExpressionBuilder`, `LogicalPlanBuilder`, `AbstractBuilder`) of elastic/elasticsearch, and
//! the reference pages cited in [Semantics](#semantics).
//!
//! # Grammar
//!
//! Keywords are reserved and **lowercase only** (`AND`, `Where` are identifiers; Elasticsearch
//! dropped its case-insensitive token stream on purpose, elastic/elasticsearch#49658). Function
//! names are matched ignoring case. Whitespace and `//`, `/* */` (nestable) comments may appear
//! between any two tokens — also inside a dotted field name (`a . b` is `a.b`) and between the
//! number and the unit of `maxspan`.
//!
//! ```text
//! statement      := query pipe*
//! query          := sequence | sample | event_query
//! event_query    := category "where" expr
//! category       := "any" | IDENT | STRING
//! sequence       := "sequence" [join_keys] ["with" "maxspan" "=" INT UNIT]
//!                   seq_step+ ["until" seq_step]
//! seq_step       := ("[" | "![") event_query "]" [join_keys] ["with" "runs" "=" INT]
//! sample         := "sample" [join_keys] ("[" event_query "]" [join_keys])+
//! join_keys      := "by" field ("," field)*
//! pipe           := "|" IDENT [expr ("," expr)*]      (head/tail: one integer)
//!
//! expr           := and_expr ("or" and_expr)*
//! and_expr       := not_expr ("and" not_expr)*
//! not_expr       := "not" not_expr | comparison
//! comparison     := arith [("==" | "!=" | "<" | "<=" | ">" | ">=") arith]
//! arith          := term (("+" | "-") term)*
//! term           := unary (("*" | "/" | "%") unary)*
//! unary          := ("-" | "+") unary | predicated
//! predicated     := primary [predicate]
//! predicate      := ["not"] ("in" | "in~") "(" expr ("," expr)* ")"
//!                 | (":" | "like" | "like~" | "regex" | "regex~") (STRING | "(" STRING ("," STRING)* ")")
//! primary        := "null" | "true" | "false" | NUMBER | STRING
//!                 | FUNC_NAME ["~"] "(" [expr ("," expr)*] ")"
//!                 | field | "(" expr ")"
//! field          := ["?"] segment ("." segment)*
//! segment        := IDENT | "`" ( [^`] | "``" )* "`"
//!
//! IDENT          := [A-Za-z_@][A-Za-z0-9_]*   (not a keyword)
//! INT            := [0-9]+
//! NUMBER         := INT | INT "." [0-9]* [EXP] | "." [0-9]+ [EXP] | INT EXP ;  EXP := [eE][+-]?[0-9]+
//! STRING         := '"' (char | escape)* '"'   (no raw line breaks)
//!                 | '"""' any* '"""' '"'? '"'?  (raw: no escapes, no line breaks, ends at the first """)
//! escape         := \n \r \t \b \f \" \' \\ | \u{HHHH} (2 to 8 hex digits, not a surrogate)
//! UNIT           := ms | s | m | h | d          (case-sensitive)
//! keywords       := and any by false in in~ join like like~ maxspan not null of or regex regex~
//!                   sample sequence true until where with
//! ```
//!
//! Precedence is that of Elasticsearch's grammar, loosest first: `or` < `and` < `not` <
//! comparison (non-associative) < `+ -` < `* / %` < unary `-` < the postfix predicates, which
//! bind to a single primary: `a + b in (1)` is `a + (b in (1))`, `-x : "a"` is `-(x : "a")`, and
//! `not a == b` is `not (a == b)`. `not a and b` is `(not a) and b`.
//!
//! Rejected with a diagnostic (as Elasticsearch does): `'single quotes'`, `?"raw"`/`?'raw'`
//! strings, `=` as a comparison, chained comparisons, `field == other_field` (either side may
//! be wrapped in functions: one side must be constant), array indexes `a[0]`, `join`, `x of [..]`,
//! a non-field join key, `with maxspan` before `by`, a decimal/zero/unit-less `maxspan`, `runs`
//! outside 1..=100, steps with different numbers of join keys, a sequence of fewer than two
//! queries (after `runs` expansion), a sequence made only of missing events, missing events
//! without `with maxspan`, pipes after `sample`, unknown pipes, `head`/`tail` without one
//! non-negative integer, unknown functions, wrong arity, `~` on a function without a
//! case-insensitive form, non-string constants right of `:`/`like`/`regex`, nesting deeper than
//! 64 levels (parentheses, `not`, unary minus, calls and arithmetic chains count; `and`/`or`
//! chains of any length are flat and do not). An `until ![...]` step is accepted because Elasticsearch accepts it (and ignores
//! the `!`, elastic/elasticsearch#132787).
//!
//! # Semantics
//!
//! This is the specification the evaluator implements. Main sources:
//! [EQL syntax reference] (`docs/reference/query-languages/eql/eql-syntax.md`),
//! [EQL function reference], [EQL pipe reference], [EQL search] and the Elasticsearch source
//! (`x-pack/plugin/eql`: `ExpressionBuilder`, `Optimizer`, `QueryTranslator`,
//! `util/StringUtils.toLikePattern`, `SequenceMatcher`, `TumblingWindow`; QL's
//! `ExpressionTranslators`).
//!
//! [EQL syntax reference]: https://www.elastic.co/guide/en/elasticsearch/reference/current/eql-syntax.html
//! [EQL function reference]: https://www.elastic.co/guide/en/elasticsearch/reference/current/eql-function-ref.html
//! [EQL pipe reference]: https://www.elastic.co/guide/en/elasticsearch/reference/current/eql-pipe-ref.html
//! [EQL search]: https://www.elastic.co/guide/en/elasticsearch/reference/current/eql.html
//! [regexp syntax]: https://www.elastic.co/guide/en/elasticsearch/reference/current/regexp-syntax.html
//!
//! ## How Elasticsearch evaluates a condition
//!
//! Elasticsearch does not interpret the condition itself. It compiles each event filter to Query
//! DSL, leaf by leaf (`QueryTranslator`):
//!
//! * a leaf with **a field on the left and constants on the right** (`f == "x"`, `f : "a*"`,
//!   `f in (...)`, `f like ...`, `f regex ...`, `stringContains(f, "c")`, `endsWith(f, "c")`,
//!   `startsWith(f, "c")`, `cidrMatch(f, "10.0.0.0/8")`, `f == null`) becomes an index query
//!   (term / terms / wildcard / regexp / prefix / range / exists). Constants on the left are moved
//!   to the right first (`"x" == f` is `f == "x"`).
//! * any other leaf (arithmetic, nested functions, `length(f) > 3`, field-to-field function calls
//!   such as `stringContains(f, g)`) becomes a Painless script with three-valued logic.
//! * `and` / `or` combine the leaves' queries (bool must / should); `not` and `!=` on an index
//!   query become `bool.must_not`; `not` on a script negates inside the script.
//!
//! The two forms differ on missing values, so the evaluator must follow this split:
//!
//! * **Index-query leaves** match an event iff some value of the field satisfies them. A missing
//!   field, a `null`, or an empty array has no value: the leaf is false. Its negation
//!   (`not leaf`, `f != c`, `f not in (...)`, `not f : "..."`, `not stringContains(f, "c")`) is
//!   **true** for such events — `must_not` keeps documents without the field. Corpus example:
//!   `not stringContains(aws.cloudtrail.request_parameters, "userName=")` matches events that
//!   have no `request_parameters`; `not source.address == "backup.amazonaws.com"` matches events
//!   without `source.address`. On a multi-valued field the negation is true only if **no** value
//!   satisfies the leaf (`f != "x"` is false for `["x", "y"]`).
//! * **Script leaves** use SQL-style three-valued logic: a `null` operand makes comparisons,
//!   arithmetic and (most) functions `null`; `not null` is `null`; `null and false` is `false`,
//!   `null or true` is `true`; the filter keeps an event only when the result is `true`.
//!   Multi-valued fields in scripts: the script is evaluated per value and matches if any value
//!   does (`MultiValueAwareScriptQuery`).
//! * `f == null` is rewritten to `IsNull(f)` (= `must_not exists`): true when the field is
//!   missing, `null` or an empty array. `f != null` is `exists`. Either side may be the `null`
//!   (`null == f`). `null == null` folds to `true`, `null != null` to `false` (so an unmapped
//!   `?f != null` matches nothing, as the syntax reference says).
//! * `f in (a, null, b)` ignores the `null` candidates (terms query over the non-null ones).
//!
//! ## Types and coercion
//!
//! Elasticsearch type-checks against the index mapping before running (`Verifier`,
//! `TypeResolutions`), then the index query converts constants to the field's type:
//!
//! * verification errors: `:`, `like`, `regex` on a non-string (`first argument of [:] must be
//!   [string] ...; consider using [==] instead`); an `in` list whose constants are not of a
//!   compatible type family (`DataTypes.areCompatible`: strings, numbers, booleans, dates, IPs;
//!   `null` goes with all); function arguments of the wrong type (numbers for the arithmetic
//!   functions, strings for the string functions, integers for positions, an `ip` field for
//!   `cidrMatch`); a condition that is not boolean; a `text` field without a keyword
//!   sub-field; a field of a type EQL does not support (`flattened`, `geo_point`,
//!   elastic/elasticsearch#101985);
//! * **not** a verification error: `==`, `!=` and ranges between any two types (the verifier's
//!   own tests accept `serial_event_id == "abcdef"` on a `long` field, "Mismatched type, still
//!   ok"). The term or range query then converts the constant: a number or boolean looked up
//!   in a keyword field is its text (`keyword == 1` finds `"1"`); a string looked up in a
//!   numeric field must parse as a number, in a `boolean` field be `true`/`false`, in an `ip`
//!   field be an address or CIDR block, in a `date` field a date — otherwise the search fails.
//!   Inside a script, a number and a string never compare (the comparison is `null`).
//!
//! Over raw JSON the evaluator types fields from the ECS mapping (`ecs-mapping.md`); for keyword
//! fields holding JSON numbers or booleans, compare their JSON text (Elasticsearch indexes `123`
//! into a keyword field as `"123"`, and `true` as `"true"`). A keyword value longer than the
//! field's `ignore_above` (1024 in ECS and Fleet's templates; 8191 for
//! `aws.cloudtrail.request_parameters` and `response_elements`) is not indexed and has no doc
//! value: every test sees the field as missing.
//! String ordering (`<`, `>=` on keywords) is case-sensitive, by Unicode code point. Integer
//! division truncates (`4 / 3 == 1`; `4.0 / 3` is `1.333…`).
//!
//! ## Event category
//!
//! `any where` applies no category filter (it also matches events with no category field).
//! `<name> where` adds `event_category_field == "<name>"` — a case-sensitive term query, true if
//! **any** element of the (ECS array) field equals the name. The field is `event.category` unless
//! the request sets `event_category_field`; Elastic detection rules set it through the rule's
//! `event_category_override` (10 corpus rules use `event.type`, so `info where` means
//! `event.type == "info"`). A quoted category (`"my-cat" where`) is unescaped like any string.
//!
//! ## Fields
//!
//! A field path is its segments joined by `.` after removing backticks ([`Field::path`]), so
//! ``a.`b.c` `` and `a.b.c` name the same field. `?f` marks an optional field: if no searched index
//! maps it, every occurrence is replaced by `null` instead of failing with "Unknown column"; as a
//! join key it may join on `null` (below). Field names are case-sensitive.
//!
//! ## Operators: case and patterns
//!
//! | operator | case | pattern | notes |
//! |---|---|---|---|
//! | `==`, `!=` | sensitive | none: `*`, `?` are literal | `!=` is `not ==` (missing field: true) |
//! | `<` `<=` `>` `>=` | sensitive | none | range query; strings by code point |
//! | `:` | **insensitive** | `*`, `?` wildcards | without `*`/`?` it is case-insensitive equality |
//! | `like` / `like~` | sensitive / insensitive | `*`, `?` wildcards | |
//! | `regex` / `regex~` | sensitive / insensitive | Lucene regex | anchored to the whole value |
//! | `in` / `not in` | sensitive | none | any-of equality; `null` candidates ignored |
//! | `in~` / `not in~` | insensitive | none | `in~` never expands wildcards (elastic/elasticsearch#68176) |
//!
//! A list (`f : ("a*", "b")`, `f like (...)`, `f regex (...)`) is an `or` of the single tests.
//!
//! **Wildcards** (`:`, `like`, `like~`; `util/StringUtils.toLikePattern`): `*` matches any run of
//! characters (also none), `?` exactly one character, the pattern must match the **whole** value,
//! and there is **no escape**: a backslash is an ordinary character, so `"a\\*"` (text `a\*`)
//! matches `a\` followed by anything. A literal `*` or `?` cannot be matched with these
//! operators. Case-insensitive matching compares characters after lower-casing both sides
//! (Lucene's `case_insensitive` flag).
//!
//! **Regular expressions** (`regex`, `regex~`): [regexp syntax] of Lucene, always anchored at both
//! ends (no `^`/`$`); `.` `?` `+` `*` `|` `{}` `[]` `()` `"` `\` are operators, and with the
//! default flags also `#` (empty), `@` (any string), `&` (intersection), `<n-m>` (numeric
//! interval), `~` (complement). There are no lazy quantifiers: `.*?` is `(.*)?`, which matches the
//! same strings as `.*`. `regex~` matches case-insensitively. A pattern with no operator
//! characters is optimised into `==` (`regex`) or case-insensitive equality (`regex~`), which
//! gives the same result.
//!
//! ## Functions
//!
//! Names are case-insensitive; the `name~(...)` form (between, endsWith, indexOf, startsWith,
//! stringContains only) makes the string matching case-insensitive. From the [EQL function
//! reference]:
//!
//! * `add/subtract/multiply/divide/modulo(a, b)`: `null` if either is `null`; integer operands
//!   give integer results (`divide(4, 3)` is 1); `modulo` follows Java's `%` (sign of the
//!   dividend: `modulo(-10, 6)` is -4).
//! * `between(source, left, right[, greedy=false])`: the text between the first `left` and the
//!   following `right` (greedy: the last `right`); `""` if either delimiter is not found or the
//!   source is empty; `null` if source is `null`.
//! * `cidrMatch(ip, cidr...)`: true if the IPv4/IPv6 address is in any block; `null` if any
//!   argument is `null`. Pushed down as a terms query on an `ip` field.
//! * `concat(v...)`: the string forms joined; `null` if **any** argument is `null`.
//! * `endsWith(source, s)`, `startsWith(source, s)`: `null` if either is `null`;
//!   `endsWith("", "")` is true.
//! * `indexOf(source, s[, start=0])`: zero-based position of the first `s` at or after `start`,
//!   negative `start` counts as 0, `null` if not found, if any argument is `null`, or if `start`
//!   exceeds the length; `indexOf(x, "")` is `start` (or 0).
//! * `length(s)`: characters; `null` for `null`.
//! * `number(s[, base])`: integer or float from a string; surrounding whitespace ignored, a sign
//!   allowed, a `0x` prefix means base 16 by default; an explicit `null` base means the default
//!   (16 for `0x…`, else 10); `null` for `null`.
//! * `string(v)`: string form (`"42"`, `"42.5"`, `"true"`); `null` for `null`.
//! * `stringContains(source, s)`: `null` if either is `null`; see the trap below.
//! * `substring(source, start[, end])`: zero-based, `end` exclusive, negative positions count from
//!   the end (`substring("start regsvr32.exe", -4)` is `".exe"`, `(-4, -1)` is `".ex"`); an
//!   empty string when start is beyond end or the length.
//!
//! **The `stringContains` / `endsWith` wildcard trap.** When the first argument is a field and the
//! second a constant, Elasticsearch pushes `stringContains(f, c)` down as the wildcard query
//! `*c*` and `endsWith(f, c)` as `*c` **without escaping `c`** (`QueryTranslator`, PR
//! elastic/elasticsearch#61189). So in the constant, `*` matches any run and `?` one character,
//! and Lucene wildcard escaping applies: `\*` is a literal star and `\\` a literal backslash.
//! The EQL string `"principal=\\*"` is the text `principal=\*`, i.e. the wildcard `*principal=\**`,
//! which matches values containing `principal=*` literally; `"valuesToAdd=[*]"` and
//! `"masterUserPassword=*"` use `*` as a wildcard. The match is case-sensitive (`~`:
//! insensitive) and, like every index query, true if any value of a multi-valued field matches.
//! With a field as the second argument (`stringContains(f, g)`), it runs as a script: a literal,
//! case-sensitive substring test, `null` if `f` is `null`. `startsWith(f, c)` becomes a prefix
//! query: `c` is literal (no wildcards). The function reference also says
//! `stringContains(x, "")` is false; the pushed-down `**` matches any value — follow the pushdown.
//! (The reference's example `stringContains~(... "Regsvr32") // returns false` is a typo: `~`
//! makes it true.)
//!
//! ## Sequences
//!
//! (Syntax reference "Sequences"; `SequenceMatcher`, `TumblingWindow`.)
//!
//! * Events are ordered by timestamp (`@timestamp` unless `timestamp_field`; detection rules may
//!   set `timestamp_override`), then by the tiebreaker field if configured, then by index order.
//!   Each step's event must come **strictly after** the previous step's event in that order.
//! * `with runs=N` repeats a step N times ([`Sequence::expanded_steps`]); 1..=100.
//! * Join keys: a step's keys are the `sequence by` keys followed by its own `by` keys; steps
//!   join when their key tuples are equal position by position (different field names allowed).
//!   A non-optional key that is `null`/missing excludes the event from the sequence entirely
//!   (Elasticsearch adds an `exists` filter, elastic/elasticsearch#78195, #79677); an optional
//!   key (`by ?f`) joins on `null`. A multi-valued key makes the event take part once per value,
//!   the cartesian product over several multi-valued keys (#89965).
//! * `maxspan` is **inclusive**: a match is rejected only when
//!   `timestamp(event) - timestamp(first event) > maxspan` (`exceedsMaxSpan`).
//! * State machine: per key, each step holds at most one pending sequence; a new event for step
//!   *k* extends the **latest** pending sequence of step *k-1* that precedes it and discards older
//!   pending sequences of that step; a new first-step event replaces the pending one. Only one
//!   match per pending sequence is reported (syntax reference, "How sequence queries handle
//!   matches", has a worked example).
//! * `until [q]`: a pending sequence whose last matched event and the next candidate event have
//!   an `until` event (same keys) strictly between them is dropped; an `until` event after the
//!   final step does not cancel a completed match. The `until` step needs the same number of keys.
//!   `until ![q]` behaves like `until [q]`.
//! * Missing events `![q]` (requires `maxspan`; at least one positive step): the positive steps
//!   match as above; then, for each completed candidate, with the same key values:
//!   - a missing step **between** two positive steps rejects the candidate if an event matching
//!     it has a timestamp strictly between those two events' timestamps (millisecond precision);
//!   - **leading** missing steps look for the latest matching event before the first positive
//!     event, **trailing** ones for the earliest matching event after the last positive event;
//!     the candidate is kept if no such event exists, or if it is farther than `maxspan` from the
//!     other end of the sequence (`TumblingWindow#doCheckMissingEvents`: leading event to the last
//!     positive event, first positive event to the trailing event, or leading to trailing when both
//!     ends are missing).
//!
//!   A trailing missing step can only be confirmed once `maxspan` has passed after the last
//!   positive event; Elasticsearch reports it early when the search window ends sooner
//!   (elastic/elasticsearch#145323) — an engine should wait for the window instead.
//! * A sequence result is the list of matched events (missing steps appear as placeholders) and
//!   the join key values.
//!
//! ## Samples
//!
//! `sample by k [q1] by x [q2] by y` (elastic/elasticsearch#91312): finds, for each distinct join
//! key tuple, events matching **each** filter with equal key values, in **any** time order (no
//! timestamp needed). At most `max_samples_per_key` samples (default 1) per key tuple and `size`
//! samples in total; no `maxspan`, `runs`, `until` or pipes.
//!
//! ## Pipes
//!
//! `| head N` keeps the first N results (earliest) and `| tail N` the last N (most recent), for
//! events or for whole sequences (ordered by their first event). Consecutive limits combine
//! (`| tail 5 | head 2` is the two earliest of the five latest). Without a pipe Elasticsearch
//! returns the first `size` results. `count`, `filter`, `sort`, `unique`, `unique_count` are
//! Endgame pipes that Elasticsearch rejects.
//!
//! ## Strings
//!
//! A string's value is its text with escapes decoded ([`StringLit::value`]); raw strings
//! `"""..."""` keep backslashes. [`StringLit::source`] keeps the text as written, which matters
//! only for diagnostics: every operator sees the decoded value (so the wildcard constant of
//! `stringContains(f, "principal=\\*")` is `principal=\*`).
//!
//! # Compilation
//!
//! [`compile`] replays what Elasticsearch does between parsing and searching, then expresses the
//! result in the engine IR. Decisions, each with its source:
//!
//! * **Fields** resolve through [`CompileOptions::view`] (ECS for Elastic rules). A name the view
//!   does not know is a warning (`eql::unknown_field`) and a field that is never present —
//!   Elasticsearch would reject the query with "Unknown column", but a rule naming a field the
//!   integration does not produce should still run. An optional `?field` the view does not know
//!   is the `null` literal, as Elasticsearch substitutes it (also warned).
//! * **Optimizer rules that change results** are replayed (`x-pack/plugin/eql/.../Optimizer`):
//!   `f == null` / `f != null` become `IsNull` / `not IsNull` (`ReplaceNullChecks`); constants move
//!   to the right (`LiteralsOnTheRight`); `expr == true` / `expr == false` become `expr` /
//!   `not expr` when `expr` is not a bare field (`BooleanFunctionEqualsElimination` — so
//!   `stringContains(f, "x") == false` is true on events without `f`); `(f + c1) op c2` becomes
//!   `f op c2 - c1` for integer constants (`SimplifyComparisonsArithmetics`; `*` and `/` are left
//!   as scripts); constant subexpressions are folded, and an error while folding is the query's
//!   error (`ConstantFolding`); `not not x` is `x`. `not` is never pushed into `and`/`or` or
//!   comparisons (`EqlBooleanSimplification` turns that rule off).
//! * **Index-query leaves vs scripts** follow `QueryTranslator` (see
//!   [How Elasticsearch evaluates a condition](#how-elasticsearch-evaluates-a-condition)): a leaf
//!   with a bare field on the left and constants on the right is an engine [`Test`] (term,
//!   terms, range, wildcard, regexp, prefix, CIDR, exists), any-value on multi-valued fields,
//!   false on a missing field, and its negation (`not`, `!=`, `not in`) true there. Every other
//!   leaf is one [`Pred::Custom`] script evaluated with three-valued logic, once per
//!   combination of the values of the fields it reads (`MultiValueAwareScriptQuery`): the
//!   event matches if any combination yields `true`; `not` over a script stays inside it.
//! * **Pushed-down functions**: `stringContains(f, c)` and `endsWith(f, c)` are Lucene wildcard
//!   queries `*c*` / `*c` built from the unescaped constant (`*`, `?` wildcards, `\` escapes;
//!   a `null` constant is the text `null`, as Java's string concatenation makes it);
//!   `startsWith(f, c)` is a literal prefix query; `cidrMatch(f, ..)` a terms query on an `ip`
//!   field. The `~` forms set the query's `case_insensitive` flag.
//! * **Types**: see [Types and coercion](#types-and-coercion). Dates compare as instants
//!   (ISO 8601 or epoch milliseconds), IP addresses as addresses (an `==` constant may be a CIDR
//!   block, as the `ip` term query allows), booleans as `false < true`. Raw-view fields have no
//!   mapping: numbers compare numerically, booleans as booleans, everything else as text.
//! * **`ignore_above`** is applied to keyword fields: the structured test is kept (for dispatch
//!   and explain) next to a guard that drops too-long values.
//! * **Script values** are doc values: keyword text, numbers, booleans; dates as
//!   `yyyy-MM-ddTHH:mm:ss.SSSZ` text, IPs as canonical text. A runtime error (a bad `number()`
//!   string, `/ by zero`, integer overflow) fails the search in Elasticsearch; here the script
//!   is not `true`, so the condition does not match (negated or not). Script regular
//!   expressions use the Lucene translation too (Elasticsearch hands a script `regex` to Java's
//!   regex engine; the two agree on the common syntax). `number()` follows the current
//!   `ToNumberFunctionProcessor`: `Long.valueOf`, else `Double.valueOf` (which is where the
//!   surrounding whitespace is ignored, so `number(" 12 ")` is the float `12.0`).
//! * **Sequences and samples** compile to [`SequencePlan`] / [`SamplePlan`]: `runs` expanded,
//!   keys per step (sequence keys then step keys) with their `?` flag, the category filter and
//!   the mandatory-key filter (`AddMandatoryJoinKeyFilter`: every non-optional key exists) in
//!   each step's predicate, `maxspan` in milliseconds, the `until` step, the `head`/`tail`
//!   pipes. Keys at the same position must have compatible types (`eql::join_key_type`).
//!   [`JoinKey::values`] reads an event's key values in a canonical form.
//! * **Pipes**: `head` and `tail` become [`Limit`]s; the Endgame pipes are rejected
//!   (`eql::unsupported_pipe`), as Elasticsearch rejects them.
//! * **Edges not confirmed against a running Elasticsearch**: a range comparison with a `null`
//!   constant (`f < null`) is `null`, so false; a bare boolean field as a condition is
//!   `field == true`; a greedy `between` whose last `right` precedes `left` gives `""`; the
//!   any-combination evaluation of a script stops after 4096 value combinations.
//!
//! [`Test`]: trailhound_engine::Test
//! [`Pred::Custom`]: trailhound_engine::Pred::Custom
#![deny(missing_docs)]

mod ast;
mod compile;
mod diag;
mod display;
mod expr;
mod functions;
mod lexer;
mod parser;
mod strings;

#[cfg(test)]
mod corpus;

pub use ast::*;
pub use compile::{
    CompileOptions, Compiled, JoinKey, Limit, Plan, SamplePlan, SequencePlan, SequenceStepPlan,
    StepPlan, compile,
};
pub use functions::Function;
pub use trailhound_syntax::{Diagnostic, Span};

/// Parses an EQL statement (query and pipes).
///
/// ```
/// let q = trailhound_lang_eql::parse(r#"any where event.action : "AddPermission*""#).unwrap();
/// assert_eq!(q.to_string(), r#"any where event.action : "AddPermission*""#);
/// ```
pub fn parse(text: &str) -> Result<Query, Diagnostic> {
    parser::parse_query(text)
}

/// Parses a lone condition, such as the text after `where`.
pub fn parse_expression(text: &str) -> Result<Expr, Diagnostic> {
    parser::parse_expression(text)
}

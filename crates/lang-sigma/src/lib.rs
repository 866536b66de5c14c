//! Sigma rules for trailhound: loading YAML rule files into a typed model with precise positions.
//!
//! [`parse`] reads one file (one or many YAML documents) into [`Document`]s: detection
//! [`Rule`]s, [`CorrelationRule`]s and global [`FilterRule`]s, applying collection actions
//! (`action: global` / `reset` / `repeat`). Every value of a detection is normalised into a
//! [`Matcher`] (string shapes, regex, CIDR, numeric and time comparisons, existence, field
//! references, null) with all modifiers applied, including the pure string transformations
//! (`windash`, `base64`, `base64offset`, `utf16*`, `expand`). Conditions are parsed into a
//! [`CondExpr`] tree; legacy Sigma 1.x aggregations (`| count() by f > 5`, `| near`) are kept as
//! [`Aggregation`] data with [`Aggregation::correlation_equivalent`] to map or reject them.
//! [`parse_pipeline`] reads a small field-mapping / placeholder file ([`mapping`] module docs)
//! whose [`Pipeline::apply`] renames fields.
//!
//! Errors are [`Diagnostic`]s (`sigma::*` codes) whose spans are byte offsets into the file;
//! warnings (`sigma::lint_*`) flag legal constructs that probably do not do what the author
//! meant.
//!
//! [`compile_rule`] compiles a rule to the engine's predicate IR over the raw CloudTrail record
//! (with the `# Semantics` below), classifies its legacy constructs ([`RuleKind`]) and routes it
//! by `logsource` ([`CompiledRule::applies_to_cloudtrail`]); [`apply_filters`] adds global
//! filters; [`plan_correlations`] turns correlations and legacy aggregations into
//! [`CorrelationPlan`]s, plain data for the stateful engine (the [`plan`] module states that
//! contract).
//!
//! # Grammar
//!
//! A file is a YAML 1.2 stream (`---`-separated documents), read with the core schema: plain
//! `null`/`~`/empty, `true`/`false` (and `True`, `TRUE`...), decimal/`0x`/`0o` integers and
//! floats are typed; everything else, and every quoted scalar, is a string. Duplicate keys are
//! errors. A document is one of:
//!
//! ```text
//! action document : action: global | reset | repeat, plus any rule keys
//! rule            : title, logsource, detection, [metadata...]
//! correlation     : title, correlation: {type, rules, group-by, timespan, condition,
//!                   aliases, generate}, [metadata...]
//! filter          : title, logsource, filter: {rules, <identifier>..., condition}
//!
//! detection       : { <identifier>: search, ..., condition: cond | [cond, ...],
//!                     [timeframe: timespan] }
//! search          : { key: values, ... }          AND of items
//!                 | [ search | scalar, ... ]      OR (a list of only scalars is a keyword list)
//!                 | scalar                        one keyword
//! key             : [field] { "|" modifier }      ('|all' alone: keyword AND)
//! values          : scalar | [scalar, ...]        OR, or AND with `all`
//! timespan        : <digits>(s|m|h|d|w)
//! ```
//!
//! String values are Sigma strings: `*` any characters, `?` one character, `\` escapes `*`, `?`
//! and `\` (and `%` under `|expand`); a `\` before anything else is literal. So `\\*` is a
//! backslash then a wildcard, `\\\*` is a literal backslash-star, `C:\Windows` needs no
//! escaping. With `|expand`, `%name%` is a placeholder (see [`pattern`]).
//!
//! Modifiers (`field|m1|m2`, applied left to right, specification v2.1 appendix): `contains`,
//! `startswith`, `endswith`, `all`, `exists`, `cased`, `neq`, `windash`, `re` + `i`/`m`/`s`
//! (pySigma aliases `ignorecase`/`multiline`/`dotall`), `base64`, `base64offset`,
//! `utf16le`/`wide`, `utf16be`, `utf16`, `lt`/`lte`/`gt`/`gte`, `minute`/`hour`/`day`/`week`/
//! `month`/`year`, `cidr`, `expand`, `fieldref`. Legal chains:
//!
//! - `re`, `cidr`, `exists` come first (only `all`/`neq` may precede them); `i`/`m`/`s` only
//!   after `re`; after `re` only flags, `expand`, `all`, `neq` (and `contains`/`startswith`/
//!   `endswith`, accepted as no-ops because regexes are searched unanchored).
//! - `exists` needs a field and a single unquoted boolean.
//! - `base64`, `base64offset`, `utf16*` and `fieldref` reject values with wildcards;
//!   `utf16*` must be followed by `base64`/`base64offset` (bytes are not text).
//! - `lt`/`lte`/`gt`/`gte` and time modifiers need unquoted numbers; a time modifier may be
//!   followed by one comparison (`hour|gte: 22`); time values must be in range.
//! - `expand` must precede `windash`, encodings, `fieldref` and `cidr`.
//! - `all` needs a list of at least two values; `null` cannot be in a list, or take modifiers
//!   other than `neq`.
//! - `cidr`, `exists`, `fieldref`, numeric and time modifiers need a field.
//!
//! Conditions: see [`condition`] for the grammar (`and`/`or`/`not`, parentheses, `1 of`,
//! `any of`, `all of`, `N of`, `them`, `*` patterns, legacy `| aggregation`).
//!
//! # Semantics
//!
//! Sources: Sigma specification v2.1.0 (`SigmaHQ/sigma-specification@ba9251aa`):
//! `specification/sigma-rules-specification.md` (R), `sigma-appendix-modifiers.md` (M),
//! `sigma-correlation-rules-specification.md` (C), `sigma-filters-specification.md` (F); the
//! v1 text in the same repository's history (`4d06f83:archives/wiki.md`, "Rule Collections",
//! "Condition"); pySigma (`SigmaHQ/pySigma@0c15d53`, the reference implementation:
//! `sigma/types.py`, `modifiers.py`, `conditions.py`, `collection.py`, `correlations.py`,
//! `filters.py`); legacy sigmac (`SigmaHQ/sigma:tools/sigma/parser/`); and the CloudTrail
//! decisions of trailhound's reference notes §1.2 (marked CT).
//!
//! **Field access.** A field name is a dotted path into the JSON event (`userIdentity.type`;
//! CT 1). If a path step meets an array, every element is followed (any-element semantics).
//!
//! **Values of a field.** The "values" of a field are: its scalar if it is a scalar; each element
//! (recursively flattened) if it is an array; and, for an object, its compact JSON text (CT 5:
//! compact form, keys in the record's order, no spaces, strings JSON-escaped, so a
//! JSON-encoded string inside the object appears with `\"` escapes). An item matches when any
//! value of the field matches; an empty array has no values. Booleans and numbers are compared
//! by their JSON text (`true`, `false`; integers in decimal, other numbers in shortest
//! round-trip form with a fraction, `1.0`), CT 4; a YAML number written without quotes
//! ([`StrValue::Number`], canonical text `1` for `1.0`) also equals a JSON number of the same
//! numeric value, and a YAML boolean ([`StrValue::Bool`]) is its text `true`/`false`, so it
//! equals the JSON boolean and the strings `true`/`false`.
//!
//! **Quotes and backslashes in object text** (trailhound's decision for CT 5). A rule that
//! matches an object as text is written as if the object were text a human reads:
//! `requestParameters|contains: '"s3:GetObject"'` expects the quoted action of a policy. In raw
//! CloudTrail the policy is a JSON document *inside a string* (`policyDocument`), so its quotes
//! are `\"` in the object's JSON text and the needle as written never occurs. Therefore every
//! non-exact string needle (`contains`, `startswith`, `endswith`, other wildcard shapes) whose
//! text has a character JSON escapes (`"`, `\`, control characters) also matches in its
//! JSON-escaped form (the text as it appears inside a JSON string literal, wildcards kept): the
//! item `'"s3:GetObject"'` finds both `"s3:GetObject"` (quotes of the object's own text, e.g. a
//! key) and `\"s3:GetObject\"` (quotes inside a string value), and `C:\Windows` finds the
//! string value `C:\Windows` whose JSON text is `C:\\Windows`. Exact equality is not widened. The
//! escaped form can also match a plain string that itself contains JSON escapes (a document
//! encoded twice); nothing else changes for strings. A needle straddling a string boundary or
//! mixing escaped and unescaped quotes is not found. No specification covers this; Elastic's
//! `aws.cloudtrail.request_parameters` (a Java-style `{key=value}` rendering of the object,
//! strings unescaped) shows the policy's quotes as the rule writes them, which this reproduces,
//! while a search in raw JSON text (Splunk `_raw`) would miss like the plain JSON text does.
//!
//! **Case.** String comparisons are case-insensitive unless `|cased` (R "General": "All values
//! are treated as case-insensitive strings"; M `cased`); CT 3. Case-insensitive means both
//! sides are lowercased with Unicode's full lowercase mapping (the engine's `fold`, as
//! Elasticsearch's `case_insensitive` does); `|re|i` uses the `regex` crate's simple case
//! folding. They differ only for rare characters (`İ`, final sigma). `|re` is case-sensitive
//! unless `|i` (R "General", M "Regular Expression").
//!
//! **String shapes.** [`StrValue::Exact`] = whole value equal; `Contains`/`Prefix`/`Suffix` =
//! substring/prefix/suffix; [`StrValue::Glob`]: `*` matches any run of characters including
//! none and newlines, `?` exactly one character, anchored at both ends. `contains` wraps the
//! value in `*` (pySigma: only where not already present), so wildcards inside values stay live
//! (CT 6: `|contains: '*'` means "any value", i.e. the field has at least one value). The empty
//! string `''` is a value (it does not match a missing field); it differs from `null` (R
//! "Special Field Values").
//!
//! **Null.** `field: null` ([`Matcher::Null`]) matches when the field is missing or JSON `null`
//! (CT 2: pySigma backends emit `isnull(field)`/`IS NULL`; R says null handling "depends on the
//! target"). It does not match `""`, `0`, `false`, `[]` or `{}`. Precisely: the path reaches
//! no node at all (through arrays, every element is tried), or some node it reaches is JSON
//! `null`; a path ending at an array reaches the array itself, so `[]` and `[null]` are not
//! null. Chainsaw matches only an explicit JSON `null` (reference notes §3.1).
//!
//! **Missing fields.** Every matcher except `Null`, `Exists(false)` is false for a missing
//! field or a JSON `null` field value (a JSON null array element is skipped).
//!
//! **Lists and `all`.** Values of one item are OR-linked; with `|all` AND-linked (M `all`). Each
//! written value is a [`Group`] whose alternatives (from `windash`, `base64offset`, `expand`)
//! are always OR-linked, also under `all` (pySigma `SigmaExpansion`). Items of a map are
//! AND-linked, maps of a list OR-linked (R "Lists", "Maps"). With arrays, each group is checked
//! against any element independently.
//!
//! **`neq`.** ([`DetectionItem::negated`]) The item matches exactly when it would not match
//! without `neq`: pySigma's `neq` is a negation of the whole detection item
//! (`SigmaNegateModifier` → `ConditionNOT`), so `field|neq: [a, b]` is `not (a or b)` and a
//! missing field matches. (M also lists `neq` under numeric modifiers; it applies to any type.)
//!
//! **Keywords.** A field-less value is searched in every scalar value of the event (all leaves,
//! recursively; object/array containers are not stringified) as a substring: values are stored
//! already wrapped in `*` (R "Keywords search": "applied to the full log message"; pySigma
//! backends emit unbound full-text searches, `"value"` in Splunk/Lucene or `"*value*"`, which
//! find the value inside longer text). Numbers and booleans are searched by their JSON text,
//! `null` and object keys are not values. A list is OR, `'|all': [..]` AND (each value may be
//! found in a different field).
//!
//! **Regular expressions.** [`RegexMatch`]: searched unanchored in each value (as PCRE,
//! Python `re.search`, Splunk `regex` do; SigmaHQ rules anchor with `^`/`$` explicitly), so
//! `contains`/`startswith`/`endswith` after `re` change nothing. Flags: `i` case-insensitive, `m`
//! multi-line anchors, `s` dot matches newline (M). The text was validated with `regex-syntax`
//! (the spec's PCRE subset is a subset of it; lookaround/backreferences are rejected, as M
//! declares everything outside the subset unsupported) and runs on the `regex` crate, whose
//! classes are Unicode-aware (`\d` is any Unicode digit, `\w` any Unicode word character),
//! unlike PCRE's ASCII defaults.
//!
//! **Encodings.** `base64`: standard alphabet with padding, of the UTF-8 bytes (or of the
//! UTF-16 bytes after a `utf16*` modifier). `base64offset`: three alternatives, the encodings of
//! the value preceded by 0, 1, 2 bytes with the position-dependent leading/trailing characters
//! removed (pySigma's algorithm); meant with `contains`. `utf16le`/`wide`, `utf16be`, `utf16`
//! (BOM `FF FE` then little-endian, as M's example shows; pySigma encodes its BOM as UTF-8
//! `EF BB BF`, a deviation we do not copy). Any Unicode text is accepted (pySigma only ASCII for
//! `wide`).
//!
//! **windash.** Each `-` or `/` that has no word character before it and a word character after
//! it (pySigma's `\B[-/]\b`, per literal run) becomes each of `-`, `/`, en dash, em dash,
//! horizontal bar; other dashes stay. M says "all possible permutations" without the boundary
//! rule; we follow the reference implementation.
//!
//! **expand.** `%name%` placeholders are replaced by every configured value (cartesian product
//! for several placeholders); values are Sigma strings. A placeholder without a value is an
//! error, as R requires ("If the tool isn't able to handle placeholders, it must reject the
//! rule"); CT 8. `\%` is a literal percent; `\\%x%` is a backslash then a placeholder (pySigma's
//! regex treats that `%` as escaped; we read escapes left to right).
//!
//! **Numeric and time.** [`NumCmp`]: the field's value as a number (a JSON number, or a string
//! that parses as a number after trimming spaces: Rust's `f64` syntax, so `1e3` and `inf` count)
//! compared with `op`; other values (booleans, objects, other text) do not match.
//! [`TimeMatch`]: the field's value parsed as an RFC 3339 timestamp (CloudTrail `eventTime`) or
//! epoch seconds, in UTC; `week` is the ISO 8601 week; compared for equality or with `op` (M:
//! "not designed to handle timezone or format conversions").
//!
//! **cidr.** [`CidrMatch`]: the value is a string that parses (after trimming spaces) as an IP
//! address inside the network, v4 and v6. An IPv4-mapped IPv6 address (`::ffff:10.0.0.1`) counts
//! as its IPv4 address (the engine's `Cidr`); otherwise an address never matches a network of
//! the other family. CloudTrail's `sourceIPAddress` also holds service names
//! (`ec2.amazonaws.com`, `AWS Internal`), which never match. Host bits must be zero in the rule
//! (pySigma uses Python's strict `ip_network`).
//!
//! **exists.** `true` when the path resolves to a value, including JSON `null`, `""`, `[]` (M:
//! "only verifies the presence of a field, not its value"); through arrays, any element.
//!
//! **fieldref.** [`FieldRefMatch`]: the field's value compared with the referenced field's value
//! in the same event (M `fieldref`): `Equals` / `Contains` / `Prefix` / `Suffix` (from a
//! following `contains`/`startswith`/`endswith`, as pySigma's `starts_with`/`ends_with`),
//! case-insensitive unless `cased`, any value of either side. Missing referenced field: no
//! match (and with `neq`, a match). Note CT 7: `aws_iam_backdoor_users_keys.yml` writes a field
//! path as a plain `contains` value, which is a literal by the spec; `sigma::lint_value_looks_like_field`
//! flags it.
//!
//! **Conditions.** `1 of P`/`any of P` = at least one of the identifiers matched by `P`;
//! `N of P` at least N (trailhound extension; pySigma accepts `1`, `any`, `all`); `all of P` =
//! every one. `them` excludes `_`-prefixed identifiers (R); a pattern matches whole names with
//! `*` anywhere and, as pySigma does, `_`-prefixed names only if the pattern starts with `_`.
//! A pattern without `*` names one identifier (v2 meaning; in v1 `all of keywords` meant all
//! values of that list). `timeframe` is not an identifier (sigmac skipped it; pySigma would
//! treat it as a keyword search). Several conditions are OR-linked (R "Condition").
//!
//! **Collections.** (v1 "Rule Collections", sigmac and pySigma `collection.py`.) `global`
//! documents accumulate (sigmac; pySigma replaces) into a template deep-merged into each
//! following rule document: mappings merge recursively, other values from the template replace
//! the rule's (both implementations give the template precedence), lists are replaced.
//! `reset` clears it. `repeat` merges the document over the previous rule (after its template
//! merge) and emits the result. Correlation and filter documents are never merged.
//!
//! **Correlations** (C). Events of the referenced rules are grouped by the `group-by` values
//! (aliases give a per-rule field for an alias name; an event lacking a group-by field is not
//! correlated). Windows slide: a correlation fires when some window of length `timespan`
//! (inclusive: events `a`, `b` are in one window when `|t_b - t_a| <= timespan`) satisfies the
//! condition, since C warns that fixed windows cause false negatives and says windows "should
//! not be restricted to boundaries". For lower-bound conditions (`gt`, `gte`) fire at the event
//! that makes the condition true; for conditions that an additional event could falsify
//! (`lt`, `lte`, `eq`, `neq`, ranges) evaluate when a window closes (`timespan` after its first
//! event). `event_count`: events; `value_count`: distinct values (distinct tuples for several
//! fields); `value_sum`/`value_avg`: sum/mean of the numeric values (non-numeric ignored);
//! `value_percentile`: the `percentile`-th percentile (nearest-rank) of the values.
//! `temporal`: number of distinct referenced rules matched in the window, default condition
//! `gte: <number of rules>` (pySigma), i.e. all of them, in any order. `temporal_ordered`: in
//! addition, the rules' first matches occur in the order of `rules` (timestamps non-decreasing,
//! ties broken by input order; CloudTrail has second resolution). `generate: false` (default):
//! the referenced rules produce no alerts of their own; `true`: they alert too (C "Generate").
//! Rules may reference correlations (chaining): a correlation's matches are its events, carrying
//! its group-by values. A legacy `selection | count() [by f] op n` with `timeframe` is the
//! `event_count` correlation of the rule with itself (`count(f)`: `value_count`, `sum`/`avg`:
//! `value_sum`/`value_avg`); [`plan`] states all of this as the contract of
//! [`CorrelationPlan`].
//!
//! **Filters** (F, pySigma `filters.py`). A filter applies to rules listed by id or name (or
//! `any`) whose logsource has every attribute the filter's logsource gives. Its search
//! identifiers are its own (pySigma renames them to avoid clashes with the rule's). pySigma rewrites the
//! rule condition to `(rule condition) and (filter condition)`; the filter's condition therefore
//! carries the negation (`not selection`), as pySigma's tests write it. The reference notes'
//! "AND-NOTed" reading would invert such filters; `sigma::lint_filter_without_not` warns on filter
//! conditions without `not`.
//!
//! **Log source.** A rule is for trailhound when its logsource has `product: aws` and `service:
//! cloudtrail` (the official taxonomy, `SigmaHQ/sigma:tests/logsource.json`), compared exactly as
//! pySigma's logsource conditions do; a `category` does not matter. Field names are then checked
//! against the top-level keys of CloudTrail records (AWS CloudTrail User Guide, "CloudTrail
//! record contents"): `sigma::lint_unknown_cloudtrail_field` warns about items that can never
//! see a value (`status`, or `src_ip` without a field mapping).
//!
//! **Comparing with Chainsaw.** [`ValueSemantics::ChainsawCompat`] switches three rules to
//! Chainsaw's (null = JSON null only; no boolean-to-text coercion; objects have no text) for
//! comparing hit counts; it is not meant for detection.
//!
//! **YAML.** YAML 1.2 core schema, as R names YAML 1.2. pySigma reads YAML 1.1 (PyYAML), where
//! unquoted `yes`/`no`/`on`/`off` are booleans; here they are strings and
//! `sigma::lint_yaml11_bool` warns.
#![deny(missing_docs)]

use std::collections::BTreeMap;

use trailhound_syntax::Diagnostic;

pub mod compile;
pub mod condition;
mod context;
pub mod correlation;
pub mod detection;
pub mod document;
pub mod item;
pub mod mapping;
pub mod matcher;
pub mod meta;
pub mod modifier;
pub mod number;
pub mod pattern;
pub mod plan;
pub mod transform;
pub mod yaml;

pub use compile::{
    CompileOptions, CompiledRule, RuleKind, ValueSemantics, apply_filters, compile_rule,
};
pub use condition::{
    AggFunc, AggOp, Aggregation, CondExpr, Condition, LegacyCorrelation, LegacyRejection, OfTarget,
    Quantifier,
};
pub use correlation::{
    CorrOp, Correlation, CorrelationCondition, CorrelationType, FieldAlias, Timespan,
};
pub use detection::{Detection, SearchDef, SearchIdentifier};
pub use document::{CorrelationRule, Document, FilterRule, FilterTargets, LegacyConstruct, Rule};
pub use item::DetectionItem;
pub use mapping::{MappingBlock, Pipeline, parse_pipeline};
pub use matcher::{
    CidrMatch, CmpOp, FieldRefMatch, Group, IpNet, Matcher, NumCmp, RefKind, RegexFlags,
    RegexMatch, Spanned, StrMatch, StrValue, TimeMatch,
};
pub use meta::{Level, LogSource, Metadata, Related};
pub use modifier::{FieldKey, Modifier, ModifierUse, TimePart};
pub use number::Number;
pub use pattern::{Pattern, PatternPart};
pub use plan::{
    Bound, CorrelationPlan, InputSource, KeySource, PlanInput, PlanOrigin, Planned,
    RejectedCorrelation, plan_correlations,
};

/// Options for [`parse`].
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LoadOptions {
    /// Values of `|expand` placeholders, by name (without `%`).
    pub placeholders: BTreeMap<String, Vec<String>>,
}

/// The documents of one file and the warnings raised while reading it.
#[derive(Clone, Debug, PartialEq)]
pub struct SigmaFile {
    /// Rules, correlations and filters in file order (action documents are consumed).
    pub documents: Vec<Document>,
    /// `sigma::lint_*` warnings.
    pub warnings: Vec<Diagnostic>,
}

/// Parses a Sigma YAML file. On failure returns every error found (the file is rejected as a
/// whole; warnings are dropped).
pub fn parse(source: &str, options: &LoadOptions) -> Result<SigmaFile, Vec<Diagnostic>> {
    let docs = yaml::load_stream(source).map_err(|d| vec![d])?;
    let mut ctx = context::Ctx::new(source, options);
    let documents = document::build_documents(&mut ctx, docs);
    if !ctx.errors.is_empty() {
        return Err(ctx.errors);
    }
    if documents.is_empty() {
        return Err(vec![Diagnostic::new(
            "sigma::empty_file",
            "the file has no Sigma document",
            trailhound_syntax::Span::at(0),
        )]);
    }
    Ok(SigmaFile {
        documents,
        warnings: ctx.warnings,
    })
}

#[cfg(test)]
mod tests;

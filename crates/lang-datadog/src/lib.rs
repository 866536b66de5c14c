//! Datadog Cloud SIEM detection rules for trailhound: parsing and models.
//!
//! A Datadog rule is a JSON object of the security monitoring API
//! (`GET /api/v2/security_monitoring/rules`) that embeds three small languages. This crate reads
//! all of them, compiles searches to the engine's predicate IR over CloudTrail events, and turns
//! rules into plain-data plans for the stateful engine (which counts, learns and opens signals).
//!
//! | Module | Reads | Main entry points |
//! |---|---|---|
//! | [`rule`] | the rule object, from JSON or YAML | [`load_rule`], [`Rule`], [`CompiledRule`] |
//! | [`search`] | log search queries (`queries[].query`, `filters[].query`) | [`parse_query`], [`Query`] |
//! | [`condition`] | case conditions (`cases[].condition`) | [`parse_condition`], [`Condition::eval`] |
//! | [`template`] | notification messages and titles (`message`, `name`) | [`parse_template`], [`render`] |
//! | [`tags`] | rule tags (`tactic:`, `technique:`, `security:`, ...) | [`RuleTags`] |
//! | [`compile`] | a parsed search → [`trailhound_engine::Pred`] over the `datadog` view | [`compile_query`] |
//! | [`fields`] | group-by, distinct, metric names → [`trailhound_event::Field`] | [`FieldRef::resolve`] |
//! | [`plan`](mod@plan) | a compiled rule → [`RulePlan`] for the stateful engine | [`plan()`], [`select_case`] |
//! | [`variables`] | template variables from the triggering event | [`event_variable`] |
//!
//! Every parser returns a [`trailhound_syntax::Diagnostic`] with a byte span into the text it
//! parsed and a help line. [`load_rule`] collects the errors of all embedded texts as
//! [`rule::FieldError`]s, each with the JSON pointer of its field and, for JSON files (and
//! YAML files where the text is written verbatim once), the span in the file itself. Every AST
//! prints (`Display`) as source text that parses back to an equal AST.
//!
//! ```
//! use trailhound_lang_datadog::{Format, load_rule, render};
//!
//! let rule = load_rule(r#"{
//!   "name": "Root login", "type": "log_detection",
//!   "queries": [{"query": "source:cloudtrail @evt.name:ConsoleLogin @userIdentity.type:Root",
//!                "groupByFields": ["@network.client.ip"], "aggregation": "count"}],
//!   "cases": [{"status": "medium", "condition": "a > 0"}],
//!   "options": {"detectionMethod": "threshold", "evaluationWindow": 900},
//!   "message": "Root login from {{@network.client.ip}} by {{@usr.name}}"
//! }"#, Format::Json).unwrap();
//! assert_eq!(rule.queries[0].label, "a");
//! assert!(rule.cases[0].condition.as_ref().unwrap().eval(|label| (label == "a").then_some(1.0)));
//! let text = render(&rule.message, &|name| (name == "@network.client.ip").then(|| "1.2.3.4".into()));
//! assert_eq!(text, "Root login from 1.2.3.4 by <missing @usr.name>");
//! ```
//!
//! Compiling and planning:
//!
//! ```
//! use trailhound_event::Event;
//! use trailhound_lang_datadog::{Format, Method, compile_query, load_rule, parse_query, plan, select_case};
//!
//! let query = parse_query("source:cloudtrail @evt.name:AddPermission* -@level:Error").unwrap();
//! let pred = compile_query(&query).unwrap().pred;
//! let ev = Event::parse(r#"{"eventName":"AddPermission20150331v2","eventSource":"lambda.amazonaws.com"}"#).unwrap();
//! assert!(pred.eval(&ev));
//!
//! let rule = load_rule(r#"{"name": "r", "queries": [{"query": "@evt.name:DeleteTrail"}],
//!     "cases": [{"status": "high", "condition": "a > 0"}]}"#, Format::Json).unwrap();
//! let plan = plan(&rule).unwrap();
//! assert_eq!(plan.method, Method::Threshold);
//! assert_eq!(select_case(&plan.cases, |label| (label == "a").then_some(1.0)), Some(0));
//! ```
//!
//! # Grammar
//!
//! ## Log search queries ([`search`])
//!
//! ```text
//! query      = ws* [ or ] ws*                       (empty: every event)
//! or         = and { ws+ "OR" ws+ and }
//! and        = unary { ws+ [ "AND" ws+ ] unary }    (juxtaposition is AND)
//! unary      = "NOT" ws* unary | "-" unary          ("-" glued to its operand)
//!            | "(" or ")" | term
//! term       = phrase                               (free text)
//!            | word                                 (free text; a lone "*" is every event)
//!            | field ":" value
//!            | "CIDR(" field "," block { "," block } ")"
//! field      = "@" name                             (attribute)
//!            | "#" name                             (calculated field)
//!            | "*"                                  (every attribute: full-text search)
//!            | name                                 (reserved attribute or tag)
//! value      = "*"                                  (exists)
//!            | phrase | word                        (match; a word may start "-digit")
//!            | (">" | ">=" | "<" | "<=") (phrase | word)
//!            | ("[" | "{") bound ws+ "TO" ws+ bound ("]" | "}")
//!            | "(" vor ")"                          (value group)
//! vor        = vand { "OR" vand };  vand = vunary { ["AND"] vunary }
//! vunary     = "NOT" vunary | "-" vunary | "(" vor ")" | value-without-group
//! bound      = "*" | phrase | { any char but blank, "]", "}" ; "\" escapes }
//! phrase     = '"' { any char but '"' ; "\" escapes any char } '"'
//! word       = { char | "\" any | "*" | "?" }       (stops at blank, "(", ")", ":")
//! block      = ipv4 "/" 0..32 | ipv6 "/" 0..128
//! ```
//!
//! `AND`, `OR` and `NOT` are operators only in upper case and only as whole words (followed by a
//! blank, `(`, `)`, `"` or the end). In a word, these characters are errors unless escaped with
//! `\`: `" [ ] { } < > ~ ^ ! “ ”`, the pairs `&&` and `||`, and `+`, `=`, `-` at its start
//! (`-` is allowed after a `field:` when a digit follows). `-`, `+`, `=`, `#`, `@`, `/`, `,` are
//! plain characters inside a word: the corpus writes `@requestParameters.x-amz-acl:public-read`.
//! Any character may be escaped; `\/` is `/` and `\A` is `A` (so the corpus's `\APN\/*` is the
//! prefix `APN/`). Wildcards are not allowed in field names or comparisons; in a range bound an
//! unescaped lone `*` is an open bound and every other character is literal.
//! Parentheses and negations nest at most [`search::MAX_DEPTH`] deep.
//!
//! ## Case conditions ([`condition`])
//!
//! ```text
//! condition  = or { "THEN" or }
//! or         = and { "||" and };   and = atom { "&&" atom }
//! atom       = "(" or ")" | label op number
//! op         = ">" | ">=" | "<" | "<=" | "==" | "!="
//! label      = (letter | "_") { letter | digit | "_" | "-" }
//! number     = decimal, optionally signed, fraction and exponent (e.g. 3, 0.995)
//! ```
//!
//! ## Message templates ([`template`])
//!
//! ```text
//! template   = { text | tag }
//! tag        = "{{" ws* name ws* "}}"                          (variable)
//!            | "{{{" ws* name ws* "}}}"                        (unescaped variable)
//!            | "{{" name arg+ "}}"                             (helper: eval, local_time, urlencode)
//!            | "{{" ("#" | "^") name arg* "}}" template
//!                  [ "{{else}}" template ] "{{/" name "}}"     (block)
//!            | "{{{{raw}}}}" text "{{{{/raw}}}}"
//!            | "{{{{" name arg+ "}}}}" text "{{{{/" name "}}}}"   (raw block shown if name holds)
//! arg        = '"' chars '"' | "'" chars "'" | bare-word
//! ```
//!
//! `is_match` and `is_exact_match` take a variable name and at least one pattern; `if` takes a
//! variable name. Blocks nest at most [`template::MAX_BLOCK_DEPTH`] deep.
//!
//! # Semantics
//!
//! What the evaluator must implement. Sources: the Datadog documentation pages named below
//! (their text is in `DataDog/documentation`, `content/en/...`), Datadog's own open-source
//! implementation of the search syntax in `vectordotdev/vector` (`lib/datadog/search-syntax`,
//! used by Observability Pipelines), and the rule corpus. Points marked *decision* are not
//! documented; the reason is given.
//!
//! ## Search
//!
//! Sources: <https://docs.datadoghq.com/logs/explorer/search_syntax/> (LS),
//! <https://docs.datadoghq.com/observability_pipelines/search_syntax/logs/> (OP),
//! <https://docs.datadoghq.com/observability_pipelines/guide/upgrade_your_filter_queries_to_the_new_search_syntax/> (OPU).
//!
//! 1. **Operators.** `AND`, `OR`, `-`/`NOT` are case-sensitive; juxtaposition is `AND` (LS
//!    "Overview", OP "Boolean operators"). Lowercase `and`/`or`/`not` are therefore search terms
//!    ([`Query::warnings`] flags them). *Decision:* `NOT`/`-` bind tightest, then `AND`, then
//!    `OR`. Datadog does not document precedence, and Vector's parser follows Lucene's
//!    MUST/SHOULD rules instead, under which `a OR b c` means `c`. The corpus never mixes
//!    `AND` and `OR` at one level without parentheses, and [`Query::warnings`] flags queries
//!    that do.
//! 2. **Free text** (bare words and phrases) searches only the log `message`, case-insensitively
//!    (LS "Full-text search" table, OP "Free text search"); `"hello world"` matches the word
//!    sequence, so also `hello-world` and `Hello, world` (OP). CloudTrail records have no
//!    `message`, so free text matches nothing unless the pipeline emulation builds one. The corpus
//!    has no free-text terms.
//! 3. **Full text** `*:term` searches every attribute, the message included, case-insensitively
//!    (LS "Full-text search"; LS notes it is not available in pipeline filters).
//! 4. **Attributes** `@a.b.c:v`: the path is split at `.` and followed through nested objects.
//!    Attribute matching is **case-sensitive** (LS "Attributes search" note 2: "use full-text
//!    search to get case insensitive results"); the corpus has both `-@level:Error` and
//!    `-@level:error`, which differ. The value must match the *whole* attribute value (LS:
//!    `@http.url:/api\-v1/*` "start with `/api-v1/`"), unlike free text.
//! 5. **Arrays** at any level of the path are traversed: `@a.b:v` matches when any reachable
//!    value matches, and arrays of objects are searched by the flattened path (LS "Arrays":
//!    `@Event.EventData.Data.Name:ObjectServer`; OP "Arrays"). The corpus relies on this
//!    (`@requestParameters.ipPermissions.items.ipRanges.items.cidrIp:("0.0.0.0/0" OR "::/0")`).
//! 6. **Scalars.** *Decision:* numbers and booleans match by their JSON text: `@x:true` matches
//!    `true` and `"true"`, `@x:200` matches `200` and `"200"`, and a numeric query value also
//!    equals a JSON number of the same value (`200.0`). The corpus needs both forms:
//!    `@requestParameters.enabled:true` is a JSON boolean in CloudTrail, while
//!    `@userIdentity.sessionContext.attributes.mfaAuthenticated:false` is the string `"false"`.
//! 7. **Wildcards.** In unquoted values `*` matches any run of characters (also empty) and `?`
//!    exactly one character, including a blank or special character (LS "Search wildcard");
//!    inside double quotes both are literal (LS "Wildcards": `"*test*"`). Wildcards apply to the
//!    whole value for attributes and tags (`service:web*` starts with `web`). A backslash makes
//!    any character literal; `/` needs no escape (LS "Escape special characters").
//! 8. **Negation** `-x` / `NOT x` is the complement over all events: `-@f:v` matches events where
//!    `f` is missing, and for arrays it means "no element matches". Sources: LS
//!    (`-@http.status_code:*` "all logs not containing the attribute"), Vector (`-@a:bla`
//!    compiles to `!(.custom.a == "bla")`, true when `a` is absent), and the corpus
//!    (`-@threat_intel.results.category:corp_vpn` must let through the events that have no
//!    threat-intel attribute at all, i.e. almost all of them).
//! 9. **Exists** `@f:*` holds when the path reaches at least one value; `-@f:*` when it reaches
//!    none (LS). *Decision:* JSON `null` counts as absent, an empty string as present.
//! 10. **Value groups** `@f:(a OR b)` mean `@f:a OR @f:b`, `@f:(a b)` means `@f:a @f:b` (each
//!     operand may match a different array element), `@f:(a -b)` means `@f:a -@f:b`
//!     (LS "Tags": `env:(prod OR test)`, OP "Boolean operators").
//! 11. **Comparisons and ranges** `@f:>100`, `>=`, `<`, `<=`, `[a TO b]` (inclusive), `{a TO b}`
//!     (exclusive), mixed brackets, `*` for an open bound (LS "Numerical values", OP "Attribute
//!     search"). Datadog requires a numeric facet; *decision:* compare numerically when both the
//!     attribute value (number or numeric string) and the bound are numbers, otherwise compare
//!     strings by code point. Missing attributes never satisfy a comparison.
//! 12. **CIDR** `CIDR(@f, block, ...)` holds when the attribute (or any array element) is an IP
//!     address inside any block, IPv4 or IPv6 (LS "Search using CIDR notation"); values that are
//!     not IP addresses never match; `NOT(CIDR(...))` is the complement ([`search::CidrBlock::contains`]).
//!     *Decision:* [`compile_query`] uses the engine's [`trailhound_engine::Cidr`], under which an
//!     IPv4-mapped IPv6 address (`::ffff:10.0.0.1`) is inside the IPv4 blocks that hold it.
//! 13. **Reserved attributes and tags.** Without `@`, `host`, `source`, `status`, `service`,
//!     `trace_id`, `message`, `timestamp` and `tags` are the log's reserved attributes (OPU
//!     "Legacy syntax reserved fields"); any other `key:value` searches the event's tags
//!     (`key:value` entries) (LS "Tags", OPU). For CloudTrail, the pipeline emulation supplies
//!     `source:cloudtrail`, `service:cloudtrail` and a lowercase `status` (`error` when
//!     `errorCode` is present, otherwise `info`; reference §2.4); `host`, `trace_id` and
//!     `message` are absent. Matching is case-sensitive as for attributes. *Decision:* the
//!     emulated tags are `source`, `service`, `account`/`aws_account` (`recipientAccountId`: the
//!     corpus rule `xvo-lqg-7bu` calls its `account` group-by "your AWS account", as opposed to
//!     the caller's `@usr.account_id`) and `region` (`awsRegion`), see
//!     [`fields::EMULATED_TAGS`]; any other tag is absent. `tags:v` matches the `key:value`
//!     text of an emulated tag. Searching `timestamp` is rejected.
//! 14. **Calculated fields** `#name` refer to fields computed by the rule's `calculatedFields`
//!     (LS "Calculated fields"); an evaluator without them must reject the query (trailhound
//!     does: `datadog::calculated_field`).
//! 15. An empty query and a lone `*` match every event (`*:*` holds when any attribute exists).
//! 16. **Full text** `*:v` is a whole-value match, like an attribute search but case-insensitive:
//!     LS "Full-text search" gives `*:hello` as "the exact string `hello`" in any attribute,
//!     `*:hello*` as strings starting with `hello`, `*:"hello world"` as the exact string. The
//!     attributes searched are every scalar leaf of the record and every attribute the pipeline
//!     emulation derives. Comparisons and ranges on `*` are rejected.
//! 17. *Decision:* a numeric query value matches a JSON number of equal value only below 2^53,
//!     where `f64` holds every integer exactly; larger values (ids) compare as text only.
//! 18. Threat-intelligence attributes (`@threat_intel.*`) are Datadog's enrichment and absent:
//!     `-@threat_intel.results.category:corp_vpn` holds for every event, and
//!     `@threat_intel.results.intention:(suspicious OR malicious)` for none
//!     ([`compile_query`] warns).
//!
//! ## Detection methods
//!
//! Sources: <https://docs.datadoghq.com/security/cloud_siem/log_detection_rules/> (LDR) and the
//! "time windows" text it includes, the pages under
//! <https://docs.datadoghq.com/security/cloud_siem/detect_and_monitor/custom_detection_rules/>
//! (`threshold`, `new_value`, `impossible_travel`, `signal_correlation_rules`).
//!
//! - **Queries** are referenced by their `name`, or by `a`, `b`, ... in order when unnamed
//!   ([`rule::positional_label`]). Each query counts events per distinct tuple of
//!   `groupByFields`; queries are joined on the group-by value, and "if a group by value doesn't
//!   exist, the case will never be met" (LDR "Joining queries"). With
//!   `hasOptionalGroupByFields: false` events lacking a group-by value are dropped; with `true`
//!   a placeholder value is used instead (threshold page, "Enable Optional Group By").
//!   `count` counts events, `cardinality` counts distinct values of `distinctFields`, `sum` and
//!   `max` aggregate `metric`.
//! - **Cases** are evaluated in order and "the first case to match generates the signal", with
//!   that case's `status` as severity; the case name is appended to the rule name (LDR "Set a rule
//!   case"). Conditions compare the labels' aggregates; the label must come first (`a > 3`, not
//!   `3 < a`). [`Condition::eval`] treats a label without a value as failing its comparison.
//! - **Threshold** (the default method): the `evaluationWindow` "is a sliding window and
//!   evaluates cases in real-time". Once a signal exists it stays open, and is updated rather than
//!   duplicated, while a case matches again within `keepAlive`; it closes `maxSignalDuration`
//!   after it was first seen, regardless of matches. The evaluation window must be at most
//!   `keepAlive` and `maxSignalDuration` (LDR "Time windows").
//! - **`THEN`** (`a > 0 THEN b > 0`): the case holds when query `a`'s condition is met and
//!   afterwards `b`'s, within the window; only one case of a rule may use `THEN` (LDR "Trigger").
//!   [`Condition::eval`] checks each step only; the evaluator must check the order.
//! - **New value** (`aggregation: new_value`, values of `metric`/`metrics`, up to five, scoped by
//!   `groupByFields`): values are learned for `newValueOptions.learningDuration` days, during
//!   which no signal is generated; afterwards a value not yet seen for its group generates a
//!   signal and is learned. A value not observed for `forgetAfter` days is forgotten and alerts
//!   again (new value page). `learningMethod: threshold` needs no warm-up. Cases have no
//!   condition. `keepAlive`/`maxSignalDuration` of 0 give one signal per new value (LDR).
//! - **Impossible travel** (`aggregation: geo_data`, `metric: @network.client.geoip`, the user is
//!   the group-by field): a signal when two consecutive accesses of a user are farther apart than
//!   a person can travel in the time between them. With `baselineUserLocations`, signals are
//!   suppressed for the first 24 hours while usual locations are learned (impossible travel
//!   page). No case condition.
//! - **Anomaly detection**: a dynamic threshold learned from history
//!   (`anomalyDetectionOptions`); a group seen for the first time never alerts (LDR). The corpus
//!   conditions compare an anomaly score (`waf_traffic_block > 0.995`).
//! - **Signal correlation** (`type: signal_correlation`): each query names a rule (`ruleId` or
//!   `defaultRuleId`); signals of those rules are correlated by `correlatedByFields` (at most 3)
//!   within a sliding window, and cases count signals per query label (signal correlation page).
//! - **Severity decrease** (`decreaseCriticalityBasedOnEnv`): signals whose `env` tag starts
//!   with `staging`, `test` or `dev` are lowered one level: critical to high, high to medium,
//!   medium to info, info stays info (LDR table; it does not list `low`).
//! - **Filters** (legacy `filters[]`): `suppress` drops matching events, `require` keeps only
//!   matching ones (LDR "Exclude benign activity"; deprecated for log detection in favour of
//!   separate suppression objects, reference §2.2).
//! - **Plans** ([`plan()`]): defaults are those of the Terraform provider's
//!   `security_monitoring_rule` schema: `detectionMethod` threshold, `aggregation` count
//!   (`event_count` for signal queries), `hasOptionalGroupByFields` false,
//!   `newValueOptions.learningDuration` 1 day, `learningMethod` duration, `learningThreshold` 0.
//!   Windows have no documented default and stay `None` when absent. Runnable methods are
//!   threshold, new value, impossible travel and signal correlation; anomaly detection (learned
//!   thresholds), third party (forwarded findings), hardcoded, anomaly threshold and sequence
//!   detection are planned as [`Method::NotRunnable`] with the reason. Impossible travel reads
//!   the location from the `network.client.geoip.*` leaves, present only with GeoIP enrichment.
//!
//! ## Message templates
//!
//! Sources: <https://docs.datadoghq.com/security/notifications/variables/> (SNV) and
//! <https://docs.datadoghq.com/monitors/notify/variables/> (MNV).
//!
//! - `{{@a.b}}` is the attribute of the triggering event (JSON dot notation), `{{key.name}}` the
//!   value of the signal's `key:value` tag, `{{[dot.key].name}}` for keys with dots,
//!   `{{severity}}`, `{{timestamp}}`, `{{first_seen}}`, `{{last_seen}}` (and `_epoch` forms),
//!   `{{rule_name}}`, `{{case_name}}`, `{{events_matched}}`,
//!   `{{events_matched_per_query.<q>}}` come from the signal (SNV). [`template::VarKind::of`]
//!   classifies names; [`render`] passes each name as written to the caller's lookup.
//! - [`event_variable`] supplies the event's part: `{{@a.b}}` through the `datadog` view (values
//!   reached through arrays joined with `, `, objects as compact JSON, `null` absent) and
//!   `{{key.name}}` for the emulated tags; the signal's variables are the engine's.
//! - A missing variable renders empty in Datadog (MNV "Matching attribute/tag variables").
//!   [`render`] instead writes `<missing NAME>` so that gaps are visible
//!   ([`template::Missing::Empty`] restores Datadog's behaviour). The corpus typo
//!   `{{@@userIdentity.arn}}` is an attribute named `@userIdentity.arn` and is always missing.
//! - `{{#is_match "v" "p1" "p2"}}`: the value of `v` contains `p1` or `p2` (substring, several
//!   patterns OR'ed); an empty pattern tests that the value is not empty (MNV "is_match").
//!   *Decision:* patterns are literal (no wildcards) and case-sensitive, since the docs define
//!   them as substrings and say nothing of case; a missing variable never matches (MNV warns not to
//!   route on variables that may be absent).
//! - `{{#is_exact_match "v" "s1" ...}}`: the value equals one of the strings; numbers compare by
//!   value regardless of type (MNV table). `{{^...}}` inverts a block; `{{else}}` gives the
//!   alternative (MNV).
//! - `{{#if @a}}`: the attribute exists (SNV "Conditional variables"); an empty string exists.
//!   Other blocks (`{{#is_alert}}` and the like) hold when the lookup returns a value other than
//!   empty or `false` (Mustache sections).
//! - `{{{{raw}}}}...{{{{/raw}}}}` outputs its text verbatim, and `{{{{is_match ...}}}}` does so
//!   when the condition holds (SNV "Raw format"). `{{urlencode "v"}}` percent-encodes the value
//!   (RFC 3986 unreserved characters kept). `{{eval "..."}}` and `{{local_time "v" "tz"}}` are
//!   parsed but not evaluated: they render as `<eval "...">` / `<local_time ...>`. Triple braces
//!   turn off Datadog's escaping (MNV "Character escape"); [`render`] never escapes.
#![deny(missing_docs)]

pub mod compile;
pub mod condition;
pub mod fields;
pub mod plan;
pub mod rule;
pub mod search;
pub mod tags;
pub mod template;
pub mod variables;

pub use compile::{Compiled, compile_query};
pub use condition::{Condition, parse_condition};
pub use fields::FieldRef;
pub use plan::{Method, RulePlan, plan, select_case};
pub use rule::{CompiledRule, Format, LoadError, Rule, load_rule};
pub use search::{Query, parse_query};
pub use tags::RuleTags;
pub use template::{Template, parse_template, render};
pub use variables::event_variable;

//! Specification tests per ES|QL processing command, written from Elastic's command reference
//! (<https://www.elastic.co/docs/reference/query-languages/esql/commands>) and the pages on
//! NULL values and multivalued fields. Each case is (query, expected rows/columns/error).

mod common;
use common::*;
use trailhound_event::Event;
use trailhound_lang_esql::EsqlType;

/// Four events: two CreateUser calls (one failed), an AssumeRole touching two resources, a
/// GetObject from an AWS service address (no `source.ip`).
fn events() -> Vec<Event<'static>> {
    vec![
        ct(
            "e1",
            "2023-07-10T10:00:00Z",
            "CreateUser",
            "iam.amazonaws.com",
            r#""userIdentity":{"type":"IAMUser","userName":"alice","arn":"arn:aws:iam::111:user/alice","accountId":"111"},"sourceIPAddress":"1.2.3.4","userAgent":"aws-cli/2.0","requestParameters":{"userName":"mallory"}"#,
        ),
        ct(
            "e2",
            "2023-07-10T10:01:30Z",
            "CreateUser",
            "iam.amazonaws.com",
            r#""userIdentity":{"type":"IAMUser","userName":"bob","arn":"arn:aws:iam::111:user/bob","accountId":"111"},"sourceIPAddress":"10.0.0.7","errorCode":"AccessDenied","requestParameters":{"userName":"eve"}"#,
        ),
        ct(
            "e3",
            "2023-07-10T10:02:00Z",
            "AssumeRole",
            "sts.amazonaws.com",
            r#""userIdentity":{"type":"AWSService","invokedBy":"ec2.amazonaws.com"},"sourceIPAddress":"ec2.amazonaws.com","resources":[{"ARN":"arn:aws:iam::111:role/b","accountId":"111"},{"ARN":"arn:aws:iam::111:role/a","accountId":"111"}]"#,
        ),
        ct(
            "e4",
            "2023-07-10T10:04:59Z",
            "GetObject",
            "s3.amazonaws.com",
            r#""userIdentity":{"type":"IAMUser","userName":"alice","arn":"arn:aws:iam::111:user/alice","accountId":"111"},"sourceIPAddress":"s3.amazonaws.com","requestParameters":{"bucketName":"b1","key":"k.txt"}"#,
        ),
    ]
}

fn q(query: &str) -> Vec<String> {
    lines(&run(query, &events()))
}

#[test]
fn from_resolves_index_patterns() {
    let ok = [
        "FROM logs-aws.cloudtrail-*",
        "FROM logs-aws.cloudtrail*",
        "FROM logs-*",
        "FROM *",
        "FROM filebeat-*",
        "FROM \"logs-aws.cloudtrail-*,logs-endpoint*\"",
        "FROM logs-*, -logs-endpoint*",
    ];
    for f in ok {
        assert_eq!(q(&format!("{f} | STATS c = COUNT(*)")), ["4"], "{f}");
    }
    // A CloudTrail pattern next to a foreign one: runs, with a warning for the foreign one.
    let p = plan("FROM logs-aws.cloudtrail*, logs-endpoint.events.process-* | KEEP event.action");
    assert_eq!(p.warnings().len(), 1, "{:?}", p.warnings());
    assert!(
        p.warnings()[0].contains("logs-endpoint.events.process-*"),
        "{:?}",
        p.warnings()
    );
    // Only foreign sources (or CloudTrail excluded): not runnable, with the reason.
    for f in [
        "FROM .alerts-security.*",
        "FROM logs-endpoint.events.process-*",
        "FROM remote:logs-aws.cloudtrail-*",
        "FROM logs-*, -logs-aws*",
        "FROM logs-aws.cloudtrail-*::failures",
    ] {
        let d = plan_err(f);
        assert_eq!(d.code, "esql::not_runnable", "{f}");
        assert!(
            d.message.contains("reads no CloudTrail data"),
            "{f}: {}",
            d.message
        );
    }
}

#[test]
fn from_lists_columns_alphabetically_then_metadata() {
    let p = plan("FROM logs-* METADATA _index, _id, _version");
    let cols = p.columns();
    let names: Vec<&str> = cols.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names[0], "@timestamp");
    let fields = &names[..names.len() - 3];
    let mut sorted = fields.to_vec();
    sorted.sort();
    assert_eq!(fields, sorted.as_slice());
    assert_eq!(&names[names.len() - 3..], ["_index", "_id", "_version"]);
    let ty = |n: &str| cols.iter().find(|(c, _)| c == n).map(|(_, t)| *t);
    assert_eq!(ty("@timestamp"), Some(EsqlType::Date));
    assert_eq!(ty("source.ip"), Some(EsqlType::Ip));
    assert_eq!(ty("source.as.number"), Some(EsqlType::Long));
    assert_eq!(ty("aws.cloudtrail.read_only"), Some(EsqlType::Boolean));
    assert_eq!(
        ty("aws.cloudtrail.flattened.request_parameters"),
        Some(EsqlType::Unsupported)
    );
    assert_eq!(ty("_version"), Some(EsqlType::Long));
    assert_eq!(
        q(
            "FROM logs-* METADATA _id, _index, _version | WHERE event.action == \"GetObject\" | KEEP _id, _index, _version"
        ),
        ["e4 | .ds-logs-aws.cloudtrail-default-2023.07.10-000001 | 1"]
    );
    assert!(
        plan_err("FROM logs-* METADATA _foo")
            .message
            .contains("_foo")
    );
    assert_eq!(
        plan_err("FROM logs-* METADATA _score").code,
        "esql::unsupported_function"
    );
}

#[test]
fn where_keeps_only_true_rows() {
    let cases: &[(&str, &[&str])] = &[
        ("event.action == \"CreateUser\"", &["e1", "e2"]),
        // Case-sensitive equality.
        ("event.action == \"createuser\"", &[]),
        ("TO_LOWER(event.action) == \"createuser\"", &["e1", "e2"]),
        // A missing field is null: != is null too, the row is dropped.
        ("user.name != \"alice\"", &["e2"]),
        ("NOT user.name == \"alice\"", &["e2"]),
        ("user.name IS NULL", &["e3"]),
        ("user.name IS NOT NULL", &["e1", "e2", "e4"]),
        // Three-valued OR / AND.
        (
            "user.name == \"alice\" OR event.action == \"AssumeRole\"",
            &["e1", "e3", "e4"],
        ),
        (
            "user.name != \"zz\" AND event.outcome == \"success\"",
            &["e1", "e4"],
        ),
        // IN with null in the list: no match gives null.
        ("user.name IN (\"bob\", null)", &["e2"]),
        ("user.name NOT IN (\"bob\", null)", &[]),
        ("user.name NOT IN (\"bob\")", &["e1", "e4"]),
        // LIKE / RLIKE: whole value, case-sensitive.
        ("event.action LIKE \"Create*\"", &["e1", "e2"]),
        ("event.action LIKE \"create*\"", &[]),
        ("event.action LIKE \"Get?bject\"", &["e4"]),
        ("event.action NOT LIKE \"Create*\"", &["e3", "e4"]),
        ("event.action RLIKE \"Create.*\"", &["e1", "e2"]),
        ("event.action RLIKE \"Create\"", &[]),
        ("event.action LIKE (\"Get*\", \"Assume*\")", &["e3", "e4"]),
        // Multi-valued field: comparisons are null (not "any value matches").
        (
            "aws.cloudtrail.resources.arn == \"arn:aws:iam::111:role/a\"",
            &[],
        ),
        ("aws.cloudtrail.resources.arn IS NOT NULL", &["e3"]),
        ("MV_COUNT(aws.cloudtrail.resources.arn) == 2", &["e3"]),
        // IPs and dates with implicit casts of string literals.
        ("source.ip == \"10.0.0.7\"", &["e2"]),
        ("CIDR_MATCH(source.ip, \"10.0.0.0/8\")", &["e2"]),
        (
            "@timestamp >= \"2023-07-10T10:01:30Z\"",
            &["e2", "e3", "e4"],
        ),
        ("@timestamp > now() - 14 hours", &["e2", "e3", "e4"]),
        ("event.category == \"iam\"", &["e1", "e2"]),
    ];
    for (cond, ids) in cases {
        let got = q(&format!(
            "FROM logs-* METADATA _id | WHERE {cond} | SORT _id | KEEP _id"
        ));
        assert_eq!(got, *ids, "{cond}");
    }
}

#[test]
fn where_warns_on_multi_values() {
    let t = run(
        "FROM logs-* | WHERE aws.cloudtrail.resources.arn == \"arn:aws:iam::111:role/a\" | KEEP event.action",
        &events(),
    );
    assert!(t.rows.is_empty());
    assert!(
        t.warnings.iter().any(|w| w.contains("Line 1:21: evaluation of [aws.cloudtrail.resources.arn == \"arn:aws:iam::111:role/a\"] failed, treating result as null")),
        "{:?}",
        t.warnings
    );
    assert!(t.warnings.iter().any(|w| w.ends_with(
        "java.lang.IllegalArgumentException: single-value function encountered multi-value"
    )));
}

#[test]
fn where_type_errors() {
    let cases = [
        (
            "FROM logs-* | WHERE event.action",
            "Condition expression needs to be boolean, found [keyword]",
        ),
        (
            "FROM logs-* | WHERE event.action == 1",
            "first argument of [event.action == 1] is [keyword] so second argument must also be [keyword] but was [integer]",
        ),
        (
            "FROM logs-* | WHERE evnt.action == \"x\"",
            "Unknown column [evnt.action], did you mean any of [event.action",
        ),
        ("FROM logs-* | WHERE nope == \"x\"", "Unknown column [nope]"),
        (
            "FROM logs-* | WHERE @timestamp > \"yesterday\"",
            "Cannot convert string [yesterday] to [DATETIME]",
        ),
        (
            "FROM logs-* | WHERE aws.cloudtrail.flattened.request_parameters IS NULL",
            "Cannot use field [aws.cloudtrail.flattened.request_parameters] with unsupported type [flattened]",
        ),
        (
            "FROM logs-* | WHERE aws.cloudtrail.flattened.request_parameters.userName == \"x\"",
            "Unknown column [aws.cloudtrail.flattened.request_parameters.userName]",
        ),
    ];
    for (query, msg) in cases {
        let d = plan_err(query);
        assert!(d.message.starts_with(msg), "{query}: {}", d.message);
    }
    // Unknown columns point at the name.
    let text = "FROM logs-*\n| WHERE nope == \"x\"";
    let d = plan_err(text);
    assert_eq!(d.code, "esql::unknown_column");
    assert!(
        d.render("q", text)
            .starts_with("q:2:9: Unknown column [nope]"),
        "{}",
        d.render("q", text)
    );
}

#[test]
fn eval_adds_and_replaces_columns() {
    let t = run(
        "FROM logs-* | WHERE event.action == \"GetObject\" | EVAL a = 1, b = a + 1, a = \"x\" | KEEP a, b",
        &events(),
    );
    assert_eq!(lines(&t), ["x | 2"]);
    assert_eq!(
        t.columns,
        [
            ("a".to_string(), EsqlType::Keyword),
            ("b".to_string(), EsqlType::Integer)
        ]
    );
    // Unnamed expressions are named by their source text.
    let t = run(
        "FROM logs-* | WHERE event.action == \"GetObject\" | EVAL LENGTH(event.action)  + 1 | KEEP `LENGTH(event.action)  + 1`",
        &events(),
    );
    assert_eq!(names(&t), ["LENGTH(event.action)  + 1"]);
    assert_eq!(lines(&t), ["10"]);
    // A replaced column moves to the end.
    let t = run("ROW a = 1, b = 2 | EVAL a = 3", &[]);
    assert_eq!(names(&t), ["b", "a"]);
    assert_eq!(
        plan_err("ROW a = 1 | EVAL b = 7 days").message,
        "EVAL does not support type [date_period] as the return data type of expression [7 days]"
    );
}

#[test]
fn keep_drop_rename() {
    let base = "FROM logs-* | WHERE event.action == \"GetObject\" | EVAL x = 1, y = 2, z = 3";
    let cases: &[(&str, &[&str])] = &[
        ("KEEP z, x", &["z", "x"]),
        ("KEEP x, y, x", &["y", "x"]),
        ("KEEP x*, y", &["x", "y"]),
        ("KEEP event.a*", &["event.action"]),
        ("KEEP y, *", &[]),
        (
            "KEEP user.*, z",
            &[
                "user.name",
                "user.id",
                "user.email",
                "user.target.name",
                "user.target.id",
                "user.changes.name",
                "z",
            ],
        ),
        (
            "DROP x, y | KEEP *.provider, z",
            &["cloud.provider", "event.provider", "z"],
        ),
        ("RENAME x AS w | KEEP w, z", &["w", "z"]),
        ("RENAME w = x | KEEP w", &["w"]),
        ("RENAME x AS z | KEEP z, y", &["z", "y"]),
    ];
    for (cmd, want) in cases {
        let t = run(&format!("{base} | {cmd}"), &events());
        if want.is_empty() {
            // `KEEP y, *`: y first, then every other column.
            assert_eq!(names(&t)[0], "y");
            assert_eq!(names(&t).len(), plan("FROM logs-*").columns().len() + 3);
            continue;
        }
        let mut sorted_user: Vec<String> = want.iter().map(|s| s.to_string()).collect();
        if cmd.starts_with("KEEP user.*") {
            // Columns keep the table's (alphabetical) order within a wildcard.
            let mut users: Vec<String> = sorted_user[..6].to_vec();
            users.sort();
            sorted_user.splice(..6, users);
        }
        assert_eq!(names(&t), sorted_user, "{cmd}");
    }
    let t = run(&format!("{base} | RENAME x AS z | KEEP z"), &events());
    assert_eq!(lines(&t), ["1"]);
    for (cmd, msg) in [
        ("KEEP nope", "Unknown column [nope]"),
        ("KEEP nope*", "No matches found for pattern [nope*]"),
        ("DROP nope*", "No matches found for pattern [nope*]"),
        ("RENAME nope AS x", "Unknown column [nope]"),
    ] {
        assert!(
            plan_err(&format!("{base} | {cmd}"))
                .message
                .starts_with(msg),
            "{cmd}"
        );
    }
}

#[test]
fn sort_and_limit() {
    let t = run(
        "FROM logs-* METADATA _id | SORT @timestamp DESC | LIMIT 2 | KEEP _id",
        &events(),
    );
    assert_eq!(lines(&t), ["e4", "e3"]);
    // Nulls last ascending, first descending; NULLS FIRST overrides.
    assert_eq!(
        q("FROM logs-* METADATA _id | SORT user.name, _id | KEEP _id, user.name"),
        ["e1 | alice", "e4 | alice", "e2 | bob", "e3 | null"]
    );
    assert_eq!(
        q("FROM logs-* METADATA _id | SORT user.name DESC, _id | KEEP _id"),
        ["e3", "e2", "e1", "e4"]
    );
    assert_eq!(
        q("FROM logs-* METADATA _id | SORT user.name NULLS FIRST, _id | KEEP _id"),
        ["e3", "e1", "e4", "e2"]
    );
    // A WHERE after SORT filters before the limit.
    assert_eq!(
        q(
            "FROM logs-* METADATA _id | SORT _id | WHERE user.name == \"alice\" | LIMIT 1 | KEEP _id"
        ),
        ["e1"]
    );
    // LIMIT before WHERE takes rows first.
    assert_eq!(
        q("FROM logs-* METADATA _id | SORT _id | LIMIT 1 | WHERE user.name == \"bob\" | KEEP _id"),
        Vec::<String>::new()
    );
    // A multi-value sorts by its lowest value ascending.
    assert_eq!(q("ROW a = [3, 1], b = 1 | SORT a | KEEP b"), ["1"]);
    // Default LIMIT 1000; an explicit LIMIT anywhere raises the cap to 10000.
    let many: Vec<Event<'static>> = (0..1500)
        .map(|i| {
            ct(
                &format!("x{i}"),
                "2023-07-10T10:00:00Z",
                "ListBuckets",
                "s3.amazonaws.com",
                "",
            )
        })
        .collect();
    assert_eq!(
        run("FROM logs-* | KEEP event.action", &many).rows.len(),
        1000
    );
    assert_eq!(
        run("FROM logs-* | LIMIT 1200 | KEEP event.action", &many)
            .rows
            .len(),
        1200
    );
    assert_eq!(run("FROM logs-* | LIMIT 20000", &many).rows.len(), 1500);
    assert_eq!(
        run("FROM logs-* | STATS c = COUNT(*)", &many).rows[0][0].to_string(),
        "1500"
    );
    // SORT before MV_EXPAND in the per-event part cannot be bounded.
    assert!(
        plan_err("FROM logs-* | SORT @timestamp | MV_EXPAND event.type")
            .message
            .starts_with("Unbounded SORT not supported yet")
    );
}

#[test]
fn stats_groups_and_aggregates() {
    let t = run(
        "FROM logs-* | STATS n = COUNT(*), users = COUNT(user.name), earliest = MIN(@timestamp), acts = VALUES(event.action) BY event.provider | SORT event.provider",
        &events(),
    );
    assert_eq!(
        names(&t),
        ["n", "users", "earliest", "acts", "event.provider"]
    );
    assert_eq!(
        lines(&t),
        [
            "2 | 2 | 2023-07-10T10:00:00.000Z | CreateUser | iam.amazonaws.com",
            "1 | 1 | 2023-07-10T10:04:59.000Z | GetObject | s3.amazonaws.com",
            "1 | 0 | 2023-07-10T10:02:00.000Z | AssumeRole | sts.amazonaws.com",
        ]
    );
    assert_eq!(t.columns[0].1, EsqlType::Long);
    // No BY: one row even over no input.
    assert_eq!(
        q("FROM logs-* | WHERE event.action == \"nope\" | STATS c = COUNT(*), m = MAX(@timestamp)"),
        ["0 | null"]
    );
    // A null key is its own group; a multi-valued key puts the row in every group.
    assert_eq!(
        q("FROM logs-* | STATS c = COUNT(*) BY user.name | SORT user.name"),
        ["2 | alice", "1 | bob", "1 | null"]
    );
    assert_eq!(
        q(
            "FROM logs-* | STATS c = COUNT(*) BY aws.cloudtrail.resources.arn | SORT aws.cloudtrail.resources.arn"
        ),
        [
            "1 | arn:aws:iam::111:role/a",
            "1 | arn:aws:iam::111:role/b",
            "3 | null"
        ]
    );
    // Computed keys, per-aggregate WHERE, expressions over aggregates.
    assert_eq!(
        q(
            "FROM logs-* | STATS ok = COUNT(*) WHERE event.outcome == \"success\", all = COUNT(*), r = ROUND(COUNT(*) / 2.0, 1) BY w = DATE_TRUNC(5 minutes, @timestamp) | SORT w"
        ),
        ["3 | 4 | 2.0 | 2023-07-10T10:00:00.000Z"]
    );
    assert_eq!(
        q("FROM logs-* | STATS BY event.provider | SORT event.provider"),
        ["iam.amazonaws.com", "s3.amazonaws.com", "sts.amazonaws.com"]
    );
    // The rightmost of two same-named columns wins.
    assert_eq!(
        names(&run(
            "FROM logs-* | STATS x = COUNT(*), x = MAX(@timestamp)",
            &events()
        )),
        ["x"]
    );
    // Unnamed aggregates are named by their text.
    assert_eq!(
        names(&run(
            "FROM logs-* | STATS count(*), COUNT_DISTINCT(user.name) BY event.outcome",
            &events()
        )),
        ["count(*)", "COUNT_DISTINCT(user.name)", "event.outcome"]
    );
    for (query, msg) in [
        (
            "FROM logs-* | STATS x = event.action",
            "column [event.action] must appear in the STATS BY clause or be used in an aggregate function",
        ),
        (
            "FROM logs-* | STATS x = 1",
            "expected an aggregate function but found [1]",
        ),
        (
            "FROM logs-* | STATS x = COUNT(*) + event.action",
            "column [event.action] must appear in the STATS BY clause",
        ),
        (
            "FROM logs-* | EVAL x = COUNT(*)",
            "aggregate function [COUNT(*)] not allowed outside STATS command",
        ),
        (
            "FROM logs-* | STATS SUM(event.action)",
            "argument of [SUM(event.action)] must be [numeric",
        ),
        (
            "FROM logs-* | STATS COUNT(*) | KEEP event.action",
            "Unknown column [event.action]",
        ),
    ] {
        let d = plan_err(query);
        assert!(d.message.starts_with(msg), "{query}: {}", d.message);
    }
}

#[test]
fn stats_group_limit_is_reported() {
    use trailhound_lang_esql::{ExecOptions, Executor};
    let p = plan("FROM logs-* | STATS c = COUNT(*) BY event.action | SORT event.action");
    let mut exec = Executor::with_options(
        &p,
        None,
        ExecOptions {
            group_limit: 2,
            samples_per_group: 1,
        },
    );
    for e in events() {
        exec.push(&e);
    }
    let t = exec.finish();
    assert_eq!(lines(&t), ["1 | AssumeRole", "2 | CreateUser"]);
    assert!(
        t.warnings
            .iter()
            .any(|w| w.contains("group limit of 2 groups reached: 1 input rows")),
        "{:?}",
        t.warnings
    );
}

#[test]
fn dissect_extracts_keyword_columns() {
    let base = "FROM logs-* | WHERE event.action == \"CreateUser\" | SORT @timestamp";
    let t = run(
        &format!(
            "{base} | DISSECT aws.cloudtrail.user_identity.arn \"arn:aws:iam::%{{acct}}:%{{?kind}}/%{{who}}\" | KEEP acct, who"
        ),
        &events(),
    );
    assert_eq!(lines(&t), ["111 | alice", "111 | bob"]);
    assert_eq!(t.columns[0].1, EsqlType::Keyword);
    // No match: null columns.
    assert_eq!(
        q(&format!(
            "{base} | DISSECT event.action \"x=%{{a}}\" | KEEP a"
        )),
        ["null", "null"]
    );
    // A missing input: null columns.
    assert_eq!(
        q(
            "FROM logs-* | WHERE event.action == \"AssumeRole\" | DISSECT user.name \"%{a}\" | KEEP a"
        ),
        ["null"]
    );
    // Existing columns are replaced.
    assert_eq!(
        q(&format!(
            "{base} | DISSECT user.name \"%{{event.action}}\" | KEEP event.action"
        )),
        ["alice", "bob"]
    );
    assert!(
        plan_err("FROM logs-* | DISSECT @timestamp \"%{a}\"")
            .message
            .starts_with("Dissect only supports KEYWORD or TEXT values")
    );
}

#[test]
fn grok_extracts_typed_columns() {
    let t = run(
        "ROW s = \"1.2.3.4 took 17ms ok\" | GROK s \"%{IP:ip} took %{NUMBER:ms:int}ms %{WORD:status}\" | KEEP ip, ms, status",
        &[],
    );
    assert_eq!(names(&t), ["ip", "ms", "status"]);
    assert_eq!(t.columns[1].1, EsqlType::Integer);
    assert_eq!(lines(&t), ["1.2.3.4 | 17 | ok"]);
    assert_eq!(
        lines(&run(
            "ROW s = \"id=i-123, x\" | GROK s \"id=(?<Esql.id>[^,]+)\" | KEEP Esql.id",
            &[]
        )),
        ["i-123"]
    );
    assert_eq!(v("\"x\" | GROK v \"(?<a>y)\" | KEEP a"), "null");
    // Output columns are sorted by name.
    assert_eq!(
        names(&run(
            "ROW s = \"a b\" | GROK s \"%{WORD:z} %{WORD:b}\" | KEEP z, b | EVAL t = 1 | DROP t",
            &[]
        )),
        ["z", "b"]
    );
    assert_eq!(
        names(&run(
            "ROW s = \"a b\" | GROK s \"%{WORD:z} %{WORD:b}\"",
            &[]
        )),
        ["s", "b", "z"]
    );
}

#[test]
fn mv_expand_makes_a_row_per_value() {
    assert_eq!(
        q(
            "FROM logs-* | WHERE event.action == \"AssumeRole\" | MV_EXPAND aws.cloudtrail.resources.arn | KEEP aws.cloudtrail.resources.arn"
        ),
        ["arn:aws:iam::111:role/a", "arn:aws:iam::111:role/b"]
    );
    assert_eq!(
        lines(&run("ROW a = [1, 2], b = \"x\" | MV_EXPAND a", &[])),
        ["1 | x", "2 | x"]
    );
    assert_eq!(
        lines(&run("ROW a = null, b = \"x\" | MV_EXPAND a", &[])),
        ["null | x"]
    );
}

#[test]
fn unsupported_commands_fail_loudly() {
    let cases = [
        (
            "FROM logs-* | ENRICH languages_policy ON x",
            "ENRICH is not supported",
        ),
        (
            "FROM logs-* | LOOKUP JOIN threat_list ON source.ip",
            "LOOKUP JOIN is not supported",
        ),
        (
            "FROM logs-* | INLINE STATS c = COUNT(*) BY user.name",
            "INLINE STATS is not supported",
        ),
        ("FROM logs-* | SAMPLE 0.5", "SAMPLE is not supported"),
        (
            "FROM logs-* | WHERE KQL(\"event.action: x\")",
            "function [KQL] is not supported by trailhound: it is a full-text search function",
        ),
        (
            "FROM logs-* | WHERE MATCH(event.action, \"x\")",
            "function [MATCH] is not supported",
        ),
        (
            "FROM logs-* | WHERE QSTR(\"x\")",
            "function [QSTR] is not supported",
        ),
        (
            "FROM logs-* | WHERE event.action : \"x\"",
            "the match operator [:] is not supported",
        ),
        (
            "FROM logs-* | EVAL x = ST_X(y)",
            "function [ST_X] is not supported",
        ),
        ("FROM logs-* | EVAL x = FOO(1)", "Unknown function [FOO]"),
        ("SHOW INFO", "SHOW INFO"),
    ];
    for (query, msg) in cases {
        let d = plan_err(query);
        assert!(d.message.contains(msg), "{query}: {}", d.message);
        assert!(
            d.code.starts_with("esql::unsupported") || d.code == "esql::unknown_function",
            "{query}: {}",
            d.code
        );
    }
}

#[test]
fn columns_of_foreign_sources_are_null_with_a_warning() {
    let t = run(
        "FROM logs-aws.cloudtrail*, logs-endpoint.events.process-* | EVAL p = process.name | WHERE event.action == \"GetObject\" | KEEP p",
        &events(),
    );
    assert_eq!(lines(&t), ["null"]);
    assert!(
        t.warnings
            .iter()
            .any(|w| w.contains("column [process.name] is not a CloudTrail field")),
        "{:?}",
        t.warnings
    );
    // Without a foreign source the same column is unknown.
    assert_eq!(
        plan_err("FROM logs-* | EVAL p = process.name").code,
        "esql::unknown_column"
    );
    // Mapped fields that CloudTrail events never carry are null, with a note.
    let t = run(
        "FROM logs-* | WHERE event.action == \"GetObject\" | EVAL i = COALESCE(event.ingested, @timestamp) | KEEP i",
        &events(),
    );
    assert_eq!(lines(&t), ["2023-07-10T10:04:59.000Z"]);
    assert!(
        t.warnings
            .iter()
            .any(|w| w.contains("[event.ingested] is never set"))
    );
}

#[test]
fn prefilter_is_a_necessary_condition() {
    use trailhound_engine::Pred;
    let queries = [
        "FROM logs-* | WHERE event.action == \"CreateUser\"",
        "FROM logs-* | WHERE event.action != \"CreateUser\"",
        "FROM logs-* | WHERE NOT event.action == \"CreateUser\"",
        "FROM logs-* | WHERE event.action IN (\"GetObject\", \"AssumeRole\")",
        "FROM logs-* | WHERE event.action NOT IN (\"GetObject\")",
        "FROM logs-* | WHERE event.action LIKE \"Get*\" OR user.name IS NULL",
        "FROM logs-* | WHERE event.action RLIKE \"Assume.*\"",
        "FROM logs-* | WHERE NOT (event.action LIKE \"Get*\" AND user.name == \"alice\")",
        "FROM logs-* | WHERE user.name IS NOT NULL AND STARTS_WITH(event.action, \"Create\")",
        "FROM logs-* | WHERE aws.cloudtrail.resources.arn IS NOT NULL",
        "FROM logs-* | WHERE event.type == \"creation\"",
        "FROM logs-* | EVAL event.action = \"GetObject\" | WHERE event.action == \"GetObject\"",
        "FROM logs-* | WHERE source.ip IS NULL",
    ];
    for query in queries {
        let p = plan(query);
        let pre = p.prefilter();
        for e in events() {
            let kept = !run(
                &format!("{query} | KEEP @timestamp"),
                std::slice::from_ref(&e),
            )
            .rows
            .is_empty();
            if kept {
                assert!(pre.eval(&e), "{query}: prefilter drops {}", e.raw());
            }
        }
    }
    // It is selective where it can be.
    let p =
        plan("FROM logs-* | WHERE event.action == \"CreateUser\" AND @timestamp > now() - 7 days");
    let passing = events().iter().filter(|e| p.prefilter().eval(e)).count();
    assert_eq!(passing, 2);
    // Redefined columns are not pushed down; nothing after STATS or LIMIT is.
    assert!(matches!(
        plan("FROM logs-* | EVAL event.action = \"x\" | WHERE event.action == \"y\"").prefilter(),
        Pred::Const(true)
    ));
    assert!(matches!(
        plan("FROM logs-* | STATS c = COUNT(*) BY event.action | WHERE event.action == \"y\"")
            .prefilter(),
        Pred::Const(true)
    ));
    assert!(matches!(
        plan("FROM logs-* | LIMIT 5 | WHERE event.action == \"y\"").prefilter(),
        Pred::Const(true)
    ));
}

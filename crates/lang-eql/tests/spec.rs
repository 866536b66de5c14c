//! The specification suite: every operator, function, `~` variant, escape and case rule of
//! Elasticsearch EQL (syntax reference, function reference; see the crate's `# Semantics`),
//! evaluated on hand-made CloudTrail records.
//!
//! Each row gives a condition and the exact set of events (by letter) it matches; every other
//! event must not match, so each row is a positive and a negative test at once.

mod common;

use common::*;
use trailhound_event::{Event, View};
use trailhound_lang_eql::{CompileOptions, Limit, Plan, compile, parse};

/// The events of the tables, by letter.
fn events() -> Vec<(char, String)> {
    vec![
        ('P', public_grant()),
        ('X', add_permission("123456789012", "lambda:InvokeFunction")),
        (
            'V',
            add_permission("s3.amazonaws.com", "lambda:InvokeFunction"),
        ),
        ('D', denied_grant()),
        ('G', GET_USER.to_string()),
        ('C', CREATE_USER.to_string()),
        ('L', TAG_USER.to_string()),
        ('S', share_snapshot(r#""valuesToAdd":["123456789012"]"#)),
        ('R', share_snapshot(r#""valuesToRemove":["123456789012"]"#)),
        ('O', PUT_OBJECT.to_string()),
        ('E', r#"{"eventName":"Other"}"#.to_string()),
    ]
}

const ALL: &str = "PXVDGCLSROE";

/// Every event except those listed.
fn but(except: &str) -> String {
    ALL.chars().filter(|c| !except.contains(*c)).collect()
}

/// Checks each `(condition, matching events)` row against every event.
fn check(rows: &[(&str, &str)]) {
    let events = events();
    let mut failures = Vec::new();
    for (condition, want) in rows {
        let got: String = events
            .iter()
            .filter(|(_, raw)| matches(condition, raw))
            .map(|(c, _)| *c)
            .collect();
        let want: String = ALL.chars().filter(|c| want.contains(*c)).collect();
        if got != want {
            failures.push(format!("{condition}\n    want {want:?}, got {got:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn equality_is_case_sensitive_and_literal() {
    check(&[
        (r#"event.action == "AddPermission20150331v2""#, "PXVD"),
        (r#"event.action == "addpermission20150331v2""#, ""),
        (r#"event.action == "AddPermission*""#, ""),
        (r#""lambda.amazonaws.com" == event.provider"#, "PXVD"),
        (r#"event.outcome == "failure""#, "D"),
        // A number against a keyword field: the term query looks for its text.
        (
            "aws.cloudtrail.recipient_account_id == 111122223333",
            &but("E"),
        ),
        (r#"aws.cloudtrail.management_event == "true""#, &but("OE")),
    ]);
}

#[test]
fn not_equal_and_not_match_events_without_the_field() {
    check(&[
        (r#"event.action != "AddPermission20150331v2""#, "GCLSROE"),
        (r#"aws.cloudtrail.error_code != "AccessDenied""#, &but("D")),
        (
            r#"not aws.cloudtrail.error_code == "AccessDenied""#,
            &but("D"),
        ),
        (r#"aws.cloudtrail.error_code == "AccessDenied""#, "D"),
        (
            r#"(aws.cloudtrail.error_code == "AccessDenied") == false"#,
            &but("D"),
        ),
        (r#"not event.provider == "lambda.amazonaws.com""#, "GCLSROE"),
    ]);
}

#[test]
fn ranges_on_keywords_compare_code_points() {
    check(&[
        (r#"event.provider < "m""#, "PXVDGCL"),
        (r#"event.provider >= "rds.amazonaws.com""#, "SRO"),
        (r#"event.action > "Z""#, ""),
        (r#"event.action <= "AddPermission20150331v2""#, "PXVD"),
    ]);
}

#[test]
fn colon_is_case_insensitive_with_wildcards_and_no_escape() {
    check(&[
        (r#"event.action : "addpermission20150331V2""#, "PXVD"),
        (r#"event.action : "addperm*""#, "PXVD"),
        (r#"event.action : "*USER""#, "GCL"),
        (r#"event.action : "Add?ermission20150331v2""#, "PXVD"),
        (r#"event.action : ("x", "MODIFYDB*")"#, "SR"),
        (r#"event.provider : "LAMBDA.amazonaws.com""#, "PXVD"),
        (r#"event.provider == "LAMBDA.amazonaws.com""#, ""),
        // `\\` is one backslash in the value, an ordinary character in the pattern.
        (r#"user_agent.original : "*c:\\tools*""#, "G"),
        (r#"user_agent.original : "*\\*""#, "G"),
        (r#"user_agent.original : "literal\\*star""#, ""),
        (r#"user_agent.original : "literal?star""#, "CL"),
        (r#"not user_agent.original : "literal*""#, &but("CL")),
    ]);
}

#[test]
fn like_and_like_insensitive() {
    check(&[
        (r#"event.action like "AddPermission*""#, "PXVD"),
        (r#"event.action like "addpermission*""#, ""),
        (r#"event.action like~ "addpermission*""#, "PXVD"),
        (r#"event.action like ("x*", "Get?ser", "Create*")"#, "GC"),
        (r#"event.action like "GetUser""#, "G"),
        (r#"event.action like~ "*USER""#, "GCL"),
    ]);
}

#[test]
fn regex_is_lucene_and_anchored() {
    check(&[
        (r#"event.action regex "AddPermission[0-9]+v2""#, "PXVD"),
        (r#"event.action regex "AddPermission""#, ""),
        (r#"event.action regex "addpermission.*""#, ""),
        (r#"event.action regex~ "addpermission.*""#, "PXVD"),
        (r#"event.action regex ".*User""#, "GCL"),
        (r#"event.action regex "Add@""#, "PXVD"),
        (
            r#"event.action regex "AddPermission<20150000-20159999>v2""#,
            "PXVD",
        ),
        (r#"event.action regex "^Add.*""#, ""),
        (r#"event.action regex ("Get.*", "Tag.*")"#, "GL"),
        (
            r#"aws.cloudtrail.resources.arn regex~ "arn:aws:s3:::[^/]+/.*?(DECRYPT|ransom).*""#,
            "O",
        ),
    ]);
}

#[test]
fn in_lists() {
    check(&[
        (r#"event.action in ("X", "GetUser", "CreateUser")"#, "GC"),
        (r#"event.action in ("getuser")"#, ""),
        (r#"event.action in~ ("getuser", "CREATEUSER")"#, "GC"),
        (r#"event.action in~ ("get*")"#, ""),
        (
            r#"event.action not in ("GetUser", "CreateUser")"#,
            &but("GC"),
        ),
        (r#"event.action not in~ ("GETUSER")"#, &but("G")),
        (
            r#"aws.cloudtrail.error_code not in ("AccessDenied")"#,
            &but("D"),
        ),
        (
            r#"aws.cloudtrail.error_code in ("AccessDenied", null)"#,
            "D",
        ),
        ("aws.cloudtrail.error_code in (null)", ""),
        ("aws.cloudtrail.error_code not in (null)", ALL),
        (r#"event.type in ("creation", "change")"#, "CLO"),
        (r#"length(event.action) in (7, 8)"#, "GL"),
    ]);
}

#[test]
fn null_comparisons_and_optional_fields() {
    check(&[
        ("aws.cloudtrail.error_code == null", &but("D")),
        ("aws.cloudtrail.error_code != null", "D"),
        ("null == aws.cloudtrail.error_code", &but("D")),
        ("source.ip == null", "OE"),
        ("source.ip != null", &but("OE")),
        ("aws.cloudtrail.response_elements == null", "DGLOE"),
        ("?no.such.field == null", ALL),
        ("?no.such.field != null", ""),
        (r#"?user.name == "alice""#, "PXVGCLSR"),
        // An unmapped optional field is a null literal: a script, three-valued.
        (r#"not ?no.such.field : "x""#, ""),
        // An unknown field is never present: an index query, and its negation matches.
        (r#"not no.such.field : "x""#, ALL),
        ("null == null", ALL),
        ("null != null", ""),
        (
            "concat(event.provider, aws.cloudtrail.error_code) == null",
            &but("D"),
        ),
    ]);
}

#[test]
fn multi_valued_fields_match_on_any_value() {
    check(&[
        (r#"event.type == "info""#, "PXVDGSRE"),
        (r#"event.type == "user""#, "GCL"),
        (r#"event.type != "info""#, "CLO"),
        (r#"event.type : "INFO""#, "PXVDGSRE"),
        (r#"event.type like "inf?""#, "PXVDGSRE"),
        (r#"not event.type : "user""#, &but("GCL")),
        (r#"event.category == "iam""#, "GCL"),
        (r#"event.category == "file""#, "O"),
        (
            r#"aws.cloudtrail.resources.arn == "arn:aws:s3:::logs""#,
            "O",
        ),
        // Scripts run once per value.
        ("length(event.type) == 8", "C"),
        ("length(event.type) == 4", &but("O")),
        (r#"substring(event.type, 0, 2) == "cr""#, "C"),
        (r#"startsWith(event.type, "inf") == false"#, "CLO"),
    ]);
}

#[test]
fn string_contains_pushes_down_a_wildcard_query() {
    check(&[
        // The rule idiom: `\\*` is an escaped, literal star.
        (
            r#"stringContains(aws.cloudtrail.request_parameters, "principal=\\*")"#,
            "PD",
        ),
        // An unescaped `*` is a wildcard.
        (
            r#"stringContains(aws.cloudtrail.request_parameters, "principal=*")"#,
            "PXVD",
        ),
        (
            r#"stringContains(aws.cloudtrail.request_parameters, "valuesToAdd=[*]")"#,
            "S",
        ),
        (
            r#"stringContains(aws.cloudtrail.request_parameters, "valuesToAdd=[123456789012]")"#,
            "S",
        ),
        (
            r#"stringContains(aws.cloudtrail.request_parameters, "lambda?InvokeFunction")"#,
            "PXVD",
        ),
        (
            r#"stringContains(aws.cloudtrail.request_parameters, "literal*star")"#,
            "CL",
        ),
        // Case-sensitive, `~` folds case.
        (
            r#"stringContains(aws.cloudtrail.request_parameters, "Principal=\\*")"#,
            "",
        ),
        (
            r#"stringContains~(aws.cloudtrail.request_parameters, "Principal=\\*")"#,
            "PD",
        ),
        // `**` matches any value (the pushdown wins over the function reference's "false").
        (
            r#"stringContains(aws.cloudtrail.request_parameters, "")"#,
            &but("E"),
        ),
        (
            r#"not stringContains(aws.cloudtrail.request_parameters, "userName=")"#,
            "PXVDSROE",
        ),
    ]);
}

#[test]
fn string_contains_between_fields_is_a_literal_script() {
    check(&[
        (
            "stringContains(aws.cloudtrail.request_parameters, user_agent.original)",
            "C",
        ),
        // Three-valued: a missing argument makes the script null, and `not null` is null.
        (
            "not stringContains(aws.cloudtrail.request_parameters, aws.cloudtrail.recipient_account_id)",
            &but("CE"),
        ),
        (
            r#"stringContains("lambda.amazonaws.com/x", event.provider)"#,
            "PXVD",
        ),
    ]);
}

#[test]
fn ends_with_and_starts_with() {
    check(&[
        (r#"endsWith(event.action, "v2")"#, "PXVD"),
        (r#"endsWith(event.action, "V2")"#, ""),
        (r#"endsWith~(event.action, "V2")"#, "PXVD"),
        // Pushed down as the wildcard `*c`: a `*` in the constant is a wildcard.
        (r#"endsWith(event.action, "*v2")"#, "PXVD"),
        (r#"endsWith(event.action, "User")"#, "GCL"),
        (r#"endsWith(user_agent.original, "run.py")"#, "G"),
        (r#"startsWith(event.action, "Add")"#, "PXVD"),
        (r#"startsWith(event.action, "add")"#, ""),
        (r#"startsWith~(event.action, "add")"#, "PXVD"),
        // A prefix query: no wildcards.
        (r#"startsWith(event.action, "Add*")"#, ""),
        (
            r#"not startsWith(aws.cloudtrail.error_code, "Access")"#,
            &but("D"),
        ),
        (
            r#"startsWith("lambda.amazonaws.com/x", event.provider)"#,
            "PXVD",
        ),
        (
            r#"endsWith("Boto3/1.26 C:\\tools\\run.py", user_agent.original)"#,
            "G",
        ),
    ]);
}

#[test]
fn cidr_match_and_ip_fields() {
    check(&[
        (r#"cidrMatch(source.ip, "203.0.113.0/24")"#, "PXVGCL"),
        (
            r#"cidrMatch(source.ip, "10.0.0.0/8", "198.51.100.23/32")"#,
            "D",
        ),
        (r#"not cidrMatch(source.ip, "0.0.0.0/0")"#, "OE"),
        (r#"source.ip == "192.0.2.0/24""#, "SR"),
        (r#"source.ip == "192.0.2.10""#, "SR"),
        (r#"source.ip < "198.0.0.0""#, "SR"),
        (r#"source.address == "backup.amazonaws.com""#, "O"),
    ]);
}

#[test]
fn functions_in_scripts() {
    check(&[
        ("length(event.action) == 23", "PXVD"),
        ("length(event.action) > 30", ""),
        ("not length(aws.cloudtrail.error_code) > 3", ""),
        ("not length(aws.cloudtrail.error_code) > 20", "D"),
        ("add(length(event.provider), 1) == 21", "PXVD"),
        (r#"indexOf(event.provider, ".") == 6"#, "PXVD"),
        (r#"indexOf~(event.action, "PERMISSION") == 3"#, "PXVD"),
        (r#"indexOf(event.action, "PERMISSION") == null"#, ALL),
        (
            r#"between(event.provider, "lambda.", ".com") == "amazonaws""#,
            "PXVD",
        ),
        (
            r#"between~(event.action, "add", "2015") == "Permission""#,
            "PXVD",
        ),
        (r#"substring(event.action, 0, 3) == "Get""#, "G"),
        (r#"substring(event.action, -4) == "User""#, "GCL"),
        (
            r#"concat(event.provider, "/", event.action) == "iam.amazonaws.com/GetUser""#,
            "G",
        ),
        (r#"string(aws.cloudtrail.read_only) == "true""#, "G"),
        (
            "number(substring(event.action, 13, 21)) == 20150331",
            "PXVD",
        ),
        (
            "modulo(number(substring(event.action, 13, 21)), 100) == 31",
            "PXVD",
        ),
        ("divide(length(event.action), 2) == 11", "PXVD"),
        ("divide(length(event.action), 2.0) == 11.5", "PXVD"),
        ("multiply(length(event.action), 2) == 46", "PXVD"),
        ("subtract(length(event.action), 3) == 20", "PXVD"),
        ("length(event.action) + 1 == 24", "PXVD"),
        ("length(event.action) * 2 - 6 == 40", "PXVD"),
        ("-length(event.action) == -23", "PXVD"),
        // A runtime error (Elasticsearch fails the search) matches nothing, negated or not.
        ("number(event.action) == 1", ""),
        ("not number(event.action) == 1", ""),
        (r#"stringContains~(event.provider, "LAMBDA")"#, "PXVD"),
        ("length(user_agent.original) == 12", "CL"),
        (r#"string(length(event.action)) == "23""#, "PXVD"),
    ]);
}

#[test]
fn boolean_fields() {
    check(&[
        ("aws.cloudtrail.read_only == false", &but("GE")),
        (r#"aws.cloudtrail.read_only == "false""#, &but("GE")),
        ("aws.cloudtrail.read_only", "G"),
        ("not aws.cloudtrail.read_only", &but("G")),
        ("aws.cloudtrail.read_only > false", "G"),
    ]);
}

#[test]
fn string_escapes() {
    check(&[
        (r#"event.action == "Add\u{50}ermission20150331v2""#, "PXVD"),
        (
            r#"user_agent.original == "Boto3/1.26 C:\\tools\\run.py""#,
            "G",
        ),
        (
            r#"user_agent.original == """Boto3/1.26 C:\tools\run.py""""#,
            "G",
        ),
        (r#"event.action == "Get\tUser""#, ""),
        (r#"event.action : "get\u{55}ser""#, "G"),
    ]);
}

#[test]
fn dates_compare_as_instants() {
    check(&[
        (r#"@timestamp >= "2024-05-02T00:00:00Z""#, "GCLSRO"),
        (r#"@timestamp == "2024-05-01T12:00:00.000Z""#, "PXV"),
        (r#"@timestamp == "2024-05-01T14:00:00+02:00""#, "PXV"),
        (r#"@timestamp < "2024-05-01""#, ""),
        ("@timestamp > 1714564800000", "DGCLSRO"),
    ]);
}

#[test]
fn constant_conditions_fold() {
    check(&[
        ("true", ALL),
        ("false", ""),
        ("null", ""),
        ("1 + 1 == 2", ALL),
        (r#"stringContains("abc", "b") and not length("") > 0"#, ALL),
        (r#"event.action == "GetUser" or true"#, ALL),
    ]);
}

#[test]
fn event_category_and_its_override() {
    let cases = [
        // (query, category field, matching events)
        ("any where true", None, ALL),
        ("info where true", None, ""),
        ("iam where true", None, "GCL"),
        ("file where true", None, "O"),
        ("IAM where true", None, ""),
        (r#""iam" where true"#, None, "GCL"),
        ("info where true", Some("event.type"), "PXVDGSRE"),
        ("user where true", Some("event.type"), "GCL"),
        ("creation where true", Some("event.type"), "C"),
        (
            r#"info where event.action : "get*""#,
            Some("event.type"),
            "G",
        ),
    ];
    let events = events();
    for (query, category, want) in cases {
        let f = filter(query, category);
        let got: String = events
            .iter()
            .filter(|(_, raw)| f.eval(&Event::parse(raw).expect("valid")))
            .map(|(c, _)| *c)
            .collect();
        let want: String = ALL.chars().filter(|c| want.contains(*c)).collect();
        assert_eq!(got, want, "{query} (category field {category:?})");
    }
}

#[test]
fn errors_where_elasticsearch_fails_the_query() {
    let cases = [
        (r#"any where source.ip : "1.2.3.4""#, "eql::type_mismatch"),
        (
            r#"any where aws.cloudtrail.read_only like "t*""#,
            "eql::type_mismatch",
        ),
        (
            r#"any where event.action in (1, "x")"#,
            "eql::type_mismatch",
        ),
        (
            r#"any where source.ip in ("1.2.3.4")"#,
            "eql::type_mismatch",
        ),
        ("any where add(event.action, 1) == 2", "eql::type_mismatch"),
        ("any where length(source.ip) > 1", "eql::type_mismatch"),
        (
            r#"any where substring(event.action, "1") == "x""#,
            "eql::type_mismatch",
        ),
        (
            r#"any where between(event.action, "a", "b", "yes") == "x""#,
            "eql::type_mismatch",
        ),
        (
            r#"any where cidrMatch(source.address, "10.0.0.0/8")"#,
            "eql::type_mismatch",
        ),
        (
            "any where cidrMatch(source.ip, event.action)",
            "eql::type_mismatch",
        ),
        (
            r#"any where number("12", length(event.action)) == 12"#,
            "eql::type_mismatch",
        ),
        ("any where length(event.action)", "eql::type_mismatch"),
        ("any where event.action", "eql::type_mismatch"),
        ("any where not event.action", "eql::type_mismatch"),
        (
            "any where event.action in (event.provider)",
            "eql::field_comparison",
        ),
        (
            r#"any where aws.cloudtrail.flattened.request_parameters.principal == "*""#,
            "eql::unsupported_type",
        ),
        (r#"any where source.ip == "not-an-ip""#, "eql::query_error"),
        (
            r#"any where aws.cloudtrail.read_only == "yes""#,
            "eql::query_error",
        ),
        (r#"any where @timestamp == "yesterday""#, "eql::query_error"),
        (
            r#"any where cidrMatch(source.ip, "10.0.0.0/33")"#,
            "eql::query_error",
        ),
        (
            "any where startsWith(event.action, null)",
            "eql::query_error",
        ),
        (r#"any where event.action regex "(""#, "eql::invalid_regex"),
        (
            r#"any where event.action regex "a&b""#,
            "eql::invalid_regex",
        ),
        ("any where 1 / 0 == 1", "eql::evaluation_error"),
        (r#"any where number("abc") == 1"#, "eql::evaluation_error"),
        ("any where true | count", "eql::unsupported_pipe"),
        (
            "any where true | unique event.action",
            "eql::unsupported_pipe",
        ),
        (
            "sequence [any where true] by event.action [any where true] by @timestamp",
            "eql::join_key_type",
        ),
    ];
    for (query, code) in cases {
        assert_eq!(error_code(query), code, "{query}");
    }
}

#[test]
fn mismatched_types_that_elasticsearch_accepts() {
    // The verifier accepts `==` between any types ("Mismatched type, still ok" in its tests);
    // the term query then converts the constant.
    for query in [
        "any where event.action == 1",
        "any where event.action == true",
        "any where event.action < 5",
        "any where aws.cloudtrail.read_only == \"true\"",
        "any where source.ip == \"10.0.0.0/8\"",
        "any where length(event.action) == \"3\"",
    ] {
        let q = parse(query).expect("parses");
        assert!(compile(&q, &CompileOptions::default()).is_ok(), "{query}");
    }
    // In a script a number never equals a string.
    check(&[(r#"length(event.action) == "23""#, "")]);
}

#[test]
fn unknown_fields_warn() {
    let c = compiled(
        r#"any where no.such.field == "x" or ?other.field == null or no.such.field == "y""#,
        None,
    );
    let codes: Vec<_> = c
        .warnings
        .iter()
        .map(|w| (w.code, w.message.contains("optional")))
        .collect();
    assert_eq!(
        codes,
        [("eql::unknown_field", false), ("eql::unknown_field", true)]
    );
    assert!(
        compiled("any where event.action == \"x\"", None)
            .warnings
            .is_empty()
    );
    // The category field is resolved too.
    let c = compiled("info where true", Some("no.such.category"));
    assert_eq!(c.warnings.len(), 1);
}

#[test]
fn raw_view_compares_json_types() {
    let q = |text: &str| {
        let q = parse(text).expect("parses");
        let options = CompileOptions {
            view: View::Raw,
            category_field: Some("eventCategory".into()),
        };
        match compile(&q, &options).expect("compiles").plan {
            Plan::Event { filter, .. } => filter,
            _ => panic!("event query"),
        }
    };
    let ev = Event::parse(
        r#"{"eventName":"AssumeRole","eventCategory":"Management","readOnly":true,"requestParameters":{"durationSeconds":3600,"roleSessionName":"ci"}}"#,
    )
    .expect("valid");
    let cases = [
        (r#"Management where eventName == "AssumeRole""#, true),
        ("any where requestParameters.durationSeconds == 3600", true),
        ("any where requestParameters.durationSeconds > 1000.5", true),
        ("any where requestParameters.durationSeconds == 60", false),
        ("any where readOnly == true", true),
        ("any where readOnly == false", false),
        (
            "any where requestParameters.durationSeconds + 1 == 3601",
            true,
        ),
        (
            r#"any where requestParameters.roleSessionName : "C*""#,
            true,
        ),
        ("any where requestParameters.missing == null", true),
    ];
    for (text, want) in cases {
        assert_eq!(q(text).eval(&ev), want, "{text}");
    }
}

#[test]
fn pipes_are_kept_in_order() {
    let c = compiled("any where true | tail 5 | head 2", None);
    let Plan::Event { pipes, .. } = c.plan else {
        panic!("event query")
    };
    assert_eq!(pipes, [Limit::Tail(5), Limit::Head(2)]);
}

#[test]
fn sequence_plans() {
    let c = compiled(
        r#"sequence by user.name with maxspan=15m
             [iam where event.action == "GetUser"] by source.ip with runs=2
             ![any where event.action == "TagUser"] by source.ip
             [any where true] by ?no.such.key
           until [any where event.action == "DeleteUser"] by source.ip
           | head 3"#,
        None,
    );
    let Plan::Sequence(seq) = c.plan else {
        panic!("a sequence")
    };
    assert_eq!(seq.maxspan_ms, Some(900_000));
    assert_eq!(seq.pipes, [Limit::Head(3)]);
    let shape: Vec<(bool, Vec<(&str, bool)>)> = seq
        .steps
        .iter()
        .map(|s| {
            (
                s.missing,
                s.keys
                    .iter()
                    .map(|k| (k.name.as_str(), k.optional))
                    .collect(),
            )
        })
        .collect();
    assert_eq!(
        shape,
        [
            (false, vec![("user.name", false), ("source.ip", false)]),
            (false, vec![("user.name", false), ("source.ip", false)]),
            (true, vec![("user.name", false), ("source.ip", false)]),
            (false, vec![("user.name", false), ("no.such.key", true)]),
        ]
    );
    let until = seq.until.expect("until step");
    assert_eq!(until.keys.len(), 2);

    let get_user = Event::parse(GET_USER).expect("valid");
    let tag_user = Event::parse(TAG_USER).expect("valid");
    let no_user = Event::parse(PUT_OBJECT).expect("valid");
    let first = &seq.steps[0];
    assert!(first.filter.eval(&get_user));
    assert!(!first.filter.eval(&tag_user));
    assert!(seq.steps[2].filter.eval(&tag_user));
    // Mandatory keys: an event without `user.name` cannot fill any step...
    assert!(!seq.steps[3].filter.eval(&no_user));
    assert!(seq.steps[3].filter.eval(&get_user));
    // ...but the until step has no key filter.
    let delete = Event::parse(
        r#"{"eventName":"DeleteUser","eventSource":"iam.amazonaws.com","sourceIPAddress":"backup.amazonaws.com"}"#,
    )
    .expect("valid");
    assert!(until.filter.eval(&delete));
    // Key values: canonical text; an optional unknown key is null.
    assert_eq!(first.keys[0].values(&get_user), [Some("alice".to_string())]);
    assert_eq!(
        first.keys[1].values(&get_user),
        [Some("203.0.113.7".to_string())]
    );
    assert_eq!(seq.steps[3].keys[1].values(&get_user), [None]);
}

#[test]
fn sample_plans_and_multi_valued_keys() {
    let c = compiled(
        r#"sample by event.type [iam where true] [any where event.action == "GetUser"]"#,
        None,
    );
    let Plan::Sample(sample) = c.plan else {
        panic!("a sample")
    };
    assert_eq!(sample.steps.len(), 2);
    let ev = Event::parse(GET_USER).expect("valid");
    assert!(sample.steps.iter().all(|s| s.filter.eval(&ev)));
    assert_eq!(
        sample.steps[0].keys[0].values(&ev),
        [Some("user".to_string()), Some("info".to_string())]
    );
}

#[test]
fn null_constants_in_pushed_down_functions_are_the_text_null() {
    // `"*" + null + "*"` in Java is `*null*`: the wildcard query looks for the text `null`.
    let with = r#"{"eventName":"X","userAgent":"nullable-agent/1.0"}"#;
    let without = r#"{"eventName":"X","userAgent":"agent/1.0"}"#;
    for (condition, raw, want) in [
        ("stringContains(user_agent.original, null)", with, true),
        ("stringContains(user_agent.original, null)", without, false),
        ("endsWith(user_agent.original, null)", with, false),
        // In a script the same call is null.
        (
            r#"stringContains(concat(user_agent.original, ""), null)"#,
            with,
            false,
        ),
    ] {
        assert_eq!(matches(condition, raw), want, "{condition} on {raw}");
    }
}

#[test]
fn plans_can_cross_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Plan>();
    assert_send_sync::<trailhound_lang_eql::Compiled>();
}

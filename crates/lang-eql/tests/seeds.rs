//! The seed rules 002 (public Lambda invocation) and 003 (cross-account Lambda invocation),
//! verbatim from the seed texts, on hand-made `AddPermission` records: each case asserts exactly
//! which of the two rules fires.

mod common;

use common::*;
use trailhound_event::Event;

/// Seed 002 (`shared/seeds/002_60113096bbbaa96e.txt`); its TOML sets
/// `event_category_override = "event.type"`.
const SEED_002: &str = r#"info where data_stream.dataset == "aws.cloudtrail"
and event.provider == "lambda.amazonaws.com"
and event.outcome == "success"
and event.action : "AddPermission*"
and stringContains(aws.cloudtrail.request_parameters, "lambda:InvokeFunction")
and stringContains(aws.cloudtrail.request_parameters, "principal=\\*")"#;

/// Seed 003 (`shared/seeds/003_8d01c83751da5bac.txt`), an `any where` rule.
const SEED_003: &str = r#"any where data_stream.dataset == "aws.cloudtrail"
and event.provider == "lambda.amazonaws.com"
and event.outcome == "success"
and event.action : "AddPermission*"
and stringContains(aws.cloudtrail.request_parameters, "lambda:InvokeFunction")
and not stringContains(aws.cloudtrail.request_parameters, "principal=\\*")
and not stringContains(aws.cloudtrail.request_parameters, ".amazonaws.com")"#;

/// The seed texts themselves contain these queries (guards against drift).
#[test]
fn queries_are_the_seed_texts() {
    let seeds = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/seeds/");
    for (file, query) in [
        ("002_60113096bbbaa96e.txt", SEED_002),
        ("003_8d01c83751da5bac.txt", SEED_003),
    ] {
        let text = std::fs::read_to_string(format!("{seeds}{file}"))
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        let text = text.replace("Rule query\nedit", "");
        assert!(text.contains(query), "{file} does not contain the query");
    }
}

#[test]
fn each_add_permission_case_fires_exactly_the_expected_rule() {
    let public = filter(SEED_002, Some("event.type"));
    let cross_account = filter(SEED_003, None);
    let cases = [
        // (case, record, 002 fires, 003 fires)
        ("public principal *", public_grant(), true, false),
        (
            "another account",
            add_permission("123456789012", "lambda:InvokeFunction"),
            false,
            true,
        ),
        (
            "service principal",
            add_permission("s3.amazonaws.com", "lambda:InvokeFunction"),
            false,
            false,
        ),
        ("failed call (AccessDenied)", denied_grant(), false, false),
        (
            "not an invoke permission",
            add_permission("*", "lambda:GetFunction"),
            false,
            false,
        ),
        (
            "not an invoke permission, other account",
            add_permission("123456789012", "lambda:GetFunction"),
            false,
            false,
        ),
    ];
    for (case, raw, want_002, want_003) in cases {
        let ev = Event::parse(&raw).expect("valid record");
        assert_eq!(
            (public.eval(&ev), cross_account.eval(&ev)),
            (want_002, want_003),
            "{case}"
        );
    }
}

#[test]
fn the_public_rule_needs_the_category_override() {
    // With the default category field, `info where` looks for `event.category == "info"`,
    // which AddPermission does not have.
    let raw = public_grant();
    let ev = Event::parse(&raw).expect("valid record");
    assert!(!filter(SEED_002, None).eval(&ev));
    assert!(filter(SEED_002, Some("event.type")).eval(&ev));
}

#[test]
fn seed_rules_are_indexed_by_the_dispatcher() {
    // Both pin `eventSource` and `eventName` through index-query leaves, so the dispatch index
    // only offers them lambda `AddPermission*` events.
    let preds = [filter(SEED_002, Some("event.type")), filter(SEED_003, None)];
    let dispatch = trailhound_engine::Dispatch::build(&preds);
    assert_eq!(dispatch.unindexed(), 0);
    let mut scratch = trailhound_engine::Scratch::default();
    let raw = public_grant();
    dispatch.candidates(&Event::parse(&raw).expect("valid"), &mut scratch);
    assert_eq!(scratch.out, [0, 1]);
    dispatch.candidates(&Event::parse(GET_USER).expect("valid"), &mut scratch);
    assert!(scratch.out.is_empty());
}

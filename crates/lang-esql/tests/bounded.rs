//! `STATS ... BY` over a million generated events in bounded memory. Ignored by default; run in
//! release mode, e.g. under `/usr/bin/time -v`:
//! `cargo test --release -p trailhound-lang-esql --test bounded -- --ignored --nocapture`.

mod common;
use common::*;
use std::time::Instant;
use trailhound_event::Event;
use trailhound_lang_esql::{ExecOptions, Executor};

const QUERY: &str = r#"FROM logs-aws.cloudtrail-*
| WHERE event.provider == "iam.amazonaws.com" AND @timestamp > now() - 7 day
| STATS calls = COUNT(*), regions = COUNT_DISTINCT(cloud.region), latest = MAX(@timestamp) BY user.name, event.action
| SORT calls DESC, user.name, event.action
| LIMIT 5"#;

const ACTIONS: [&str; 50] = [
    "CreateUser",
    "DeleteUser",
    "GetUser",
    "ListUsers",
    "UpdateUser",
    "CreateRole",
    "DeleteRole",
    "GetRole",
    "ListRoles",
    "UpdateRole",
    "AttachUserPolicy",
    "DetachUserPolicy",
    "AttachRolePolicy",
    "DetachRolePolicy",
    "PutUserPolicy",
    "PutRolePolicy",
    "CreateAccessKey",
    "DeleteAccessKey",
    "ListAccessKeys",
    "UpdateAccessKey",
    "CreateGroup",
    "DeleteGroup",
    "AddUserToGroup",
    "RemoveUserFromGroup",
    "GetGroup",
    "ListGroups",
    "CreatePolicy",
    "DeletePolicy",
    "GetPolicy",
    "ListPolicies",
    "CreateLoginProfile",
    "UpdateLoginProfile",
    "DeleteLoginProfile",
    "GetLoginProfile",
    "ChangePassword",
    "EnableMFADevice",
    "DeactivateMFADevice",
    "ListMFADevices",
    "TagUser",
    "UntagUser",
    "TagRole",
    "UntagRole",
    "GetAccountSummary",
    "ListAttachedUserPolicies",
    "ListAttachedRolePolicies",
    "SimulatePrincipalPolicy",
    "GenerateCredentialReport",
    "GetCredentialReport",
    "ListInstanceProfiles",
    "PassRole",
];

fn record(i: usize, principal: usize, action: &str) -> String {
    let region = ["us-east-1", "us-west-2", "eu-west-1"][i % 3];
    format!(
        r#"{{"eventVersion":"1.08","eventID":"ev-{i}","eventTime":"2023-07-10T{:02}:{:02}:{:02}Z","eventName":"{action}","eventSource":"iam.amazonaws.com","awsRegion":"{region}","sourceIPAddress":"10.0.{}.{}","userIdentity":{{"type":"IAMUser","userName":"user-{principal}","arn":"arn:aws:iam::123456789012:user/user-{principal}","accountId":"123456789012"}},"requestParameters":{{"userName":"target-{}"}}}}"#,
        (i / 3600) % 24,
        (i / 60) % 60,
        i % 60,
        i % 256,
        (i / 256) % 256,
        i % 17
    )
}

fn run_million(
    principal_of: impl Fn(usize) -> usize,
    action_of: impl Fn(usize) -> usize,
    options: ExecOptions,
) -> trailhound_lang_esql::Table {
    let p = plan(QUERY);
    let pre = p.prefilter();
    let mut exec = Executor::with_options(&p, None, options);
    let start = Instant::now();
    for i in 0..1_000_000 {
        let text = record(i, principal_of(i), ACTIONS[action_of(i) % ACTIONS.len()]);
        let ev = Event::parse(&text).unwrap_or_else(|e| panic!("{e}"));
        if pre.eval(&ev) {
            exec.push(&ev);
        }
    }
    let pushed = start.elapsed();
    let t = exec.finish();
    eprintln!(
        "1,000,000 events: {:.2?} to push, {:.2?} in all",
        pushed,
        start.elapsed()
    );
    eprintln!("{}", t.to_text());
    for w in &t.warnings {
        eprintln!("warning: {w}");
    }
    t
}

/// 1,000 principals x 50 actions: 50,000 groups of 20 events each.
#[test]
#[ignore = "a million events; run in release mode"]
fn one_million_events_fifty_thousand_groups() {
    let t = run_million(|i| i % 1000, |i| (i / 1000) % 50, ExecOptions::default());
    assert_eq!(t.rows.len(), 5);
    let first: Vec<String> = t.rows[0].iter().map(|v| v.to_string()).collect();
    assert_eq!(
        (
            first[0].as_str(),
            first[1].as_str(),
            first[3].as_str(),
            first[4].as_str()
        ),
        ("20", "3", "user-0", "AddUserToGroup")
    );
    assert!(t.warnings.is_empty(), "{:?}", t.warnings);
}

/// A million distinct (principal, action) groups against a limit of 100,000: the rest are
/// refused and reported, memory stays bounded.
#[test]
#[ignore = "a million events; run in release mode"]
fn one_million_groups_against_the_group_limit() {
    let t = run_million(
        |i| i % 100_003,
        |i| i % 13,
        ExecOptions {
            group_limit: 100_000,
            samples_per_group: 0,
        },
    );
    assert!(
        t.warnings
            .iter()
            .any(|w| w.contains("group limit of 100000 groups reached: 900000 input rows")),
        "{:?}",
        t.warnings
    );
}

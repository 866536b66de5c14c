//! The two Datadog seed detections of the project, written as rules, run on CloudTrail events.
//!
//! The seeds are Datadog's documentation pages of two out-of-the-box rules (no queries): 000 is
//! *AWS Lambda function resource-based policy modified by IAM user*, 004 *AWS IAM policy
//! changed*. Their queries are written here from the pages' text; the corpus holds later
//! versions of both rules (`mjz-2eq-rtp`, `z8s-u06-ctu`), which must agree on the same events.

use std::collections::BTreeSet;

use serde_json::json;
use trailhound_event::Event;
use trailhound_lang_datadog::plan::{QueryInput, compliance_label};
use trailhound_lang_datadog::rule::Severity;
use trailhound_lang_datadog::{
    Format, RulePlan, event_variable, load_rule, plan, render, select_case,
};

const SEEDS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/seeds");
const RULES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/corpus/datadog-rules"
);

/// Seed 000: the Lambda `AddPermission` call by an IAM user. CloudTrail names the call with
/// its API version (`AddPermission20150331v2`), hence the wildcard; SNS and SQS have their own
/// `AddPermission`, hence the event source.
const SEED_000_QUERY: &str = "source:cloudtrail @eventSource:lambda.amazonaws.com @evt.name:AddPermission* @userIdentity.type:IAMUser";

/// Seed 004: the seventeen IAM policy calls its Strategy lists, by the API names its links
/// point to (the page's `SetPolicyVersion` links to `SetDefaultPolicyVersion`, the real call).
/// Organizations also has `CreatePolicy`/`DeletePolicy`, hence the event source.
const SEED_004_QUERY: &str = "source:cloudtrail @eventSource:iam.amazonaws.com @evt.name:(DeleteGroupPolicy OR DeleteRolePolicy OR DeleteUserPolicy OR PutGroupPolicy OR PutRolePolicy OR PutUserPolicy OR CreatePolicy OR DeletePolicy OR SetDefaultPolicyVersion OR CreatePolicyVersion OR DeletePolicyVersion OR AttachRolePolicy OR DetachRolePolicy OR AttachUserPolicy OR DetachUserPolicy OR AttachGroupPolicy OR DetachGroupPolicy)";

fn read(path: &str) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn seed(name: &str) -> String {
    read(&format!("{SEEDS}/{name}"))
}

/// The text from the heading line starting with `heading` to the next `## ` heading.
fn section(text: &str, heading: &str) -> String {
    let start = text.find(heading).unwrap_or_else(|| panic!("no {heading}"));
    let rest = &text[start..];
    let end = rest[heading.len()..]
        .find("\n## ")
        .map_or(rest.len(), |i| i + heading.len());
    rest[..end].to_string()
}

fn planned(rule: &serde_json::Value) -> RulePlan {
    let compiled = load_rule(&rule.to_string(), Format::Json).unwrap_or_else(|e| panic!("{e}"));
    plan(&compiled).unwrap_or_else(|e| panic!("{e:#?}"))
}

fn corpus_plan(id: &str) -> RulePlan {
    let compiled = load_rule(&read(&format!("{RULES}/{id}.json")), Format::Json)
        .unwrap_or_else(|e| panic!("{id}: {e}"));
    plan(&compiled).unwrap_or_else(|e| panic!("{id}: {e:#?}"))
}

/// Labels of the plan's queries that match the event.
fn hits(plan: &RulePlan, event: &str) -> Vec<String> {
    let ev = Event::parse(event).unwrap_or_else(|e| panic!("{e}: {event}"));
    plan.queries
        .iter()
        .filter(|q| q.input.pred().is_some_and(|p| p.eval(&ev)))
        .map(|q| q.label.clone())
        .collect()
}

fn event(
    source: &str,
    name: &str,
    identity: serde_json::Value,
    extra: serde_json::Value,
) -> String {
    let mut ev = json!({
        "eventVersion": "1.08", "eventID": format!("{name}-1"), "eventTime": "2024-08-18T09:53:52Z",
        "eventSource": source, "eventName": name, "awsRegion": "us-east-1",
        "sourceIPAddress": "198.51.100.23", "userAgent": "aws-cli/2.17.32",
        "recipientAccountId": "111111111111", "userIdentity": identity,
    });
    if let (Some(ev), Some(extra)) = (ev.as_object_mut(), extra.as_object()) {
        ev.extend(extra.clone());
    }
    ev.to_string()
}

fn iam_user() -> serde_json::Value {
    json!({"type": "IAMUser", "principalId": "AIDAEXAMPLE", "userName": "alice",
           "arn": "arn:aws:iam::111111111111:user/alice", "accountId": "111111111111",
           "accessKeyId": "AKIAEXAMPLE"})
}

fn assumed_role() -> serde_json::Value {
    json!({"type": "AssumedRole", "principalId": "AROAEXAMPLE:deploy",
           "arn": "arn:aws:sts::111111111111:assumed-role/Deployer/deploy", "accountId": "111111111111",
           "sessionContext": {"sessionIssuer": {"type": "Role", "userName": "Deployer"}}})
}

fn seed_000() -> RulePlan {
    let page = seed("000_25a36302cd9eb9d3.txt");
    let title = page
        .lines()
        .find_map(|l| l.strip_prefix("title: "))
        .expect("title");
    assert!(page.contains("[TA0003-persistence]") && page.contains("[T1098-account-manipulation]"));
    planned(&json!({
        "name": title,
        "type": "log_detection",
        "tags": ["source:cloudtrail", "security:attack", "tactic:TA0003-persistence",
                 "technique:T1098-account-manipulation"],
        "queries": [{"query": SEED_000_QUERY, "name": "lambda_policy_modified",
                     "groupByFields": ["@userIdentity.arn"], "aggregation": "count"}],
        "cases": [{"status": "low", "condition": "lambda_policy_modified > 0"}],
        "options": {"detectionMethod": "threshold", "evaluationWindow": 3600,
                    "keepAlive": 3600, "maxSignalDuration": 86400},
        "message": section(&page, "## Triage and response"),
    }))
}

fn add_permission(identity: serde_json::Value) -> String {
    event(
        "lambda.amazonaws.com",
        "AddPermission20150331v2",
        identity,
        json!({"requestParameters": {"functionName": "my-function", "statementId": "ext",
                                     "action": "lambda:InvokeFunction", "principal": "*"},
               "responseElements": {"statement": "{\"Sid\":\"ext\",\"Effect\":\"Allow\",\"Principal\":\"*\"}"}}),
    )
}

#[test]
fn seed_000_matches_add_permission_by_an_iam_user_only() {
    let seed = seed_000();
    let corpus = corpus_plan("mjz-2eq-rtp");
    let table: &[(String, bool)] = &[
        (add_permission(iam_user()), true),
        (add_permission(assumed_role()), false),
        (
            add_permission(json!({"type": "Root", "arn": "arn:aws:iam::111111111111:root"})),
            false,
        ),
        (
            event(
                "lambda.amazonaws.com",
                "RemovePermission20150331v2",
                iam_user(),
                json!({}),
            ),
            false,
        ),
        (
            event("sns.amazonaws.com", "AddPermission", iam_user(), json!({})),
            false,
        ),
        (
            event(
                "lambda.amazonaws.com",
                "GetPolicy20150331v2",
                iam_user(),
                json!({}),
            ),
            false,
        ),
    ];
    for (ev, want) in table {
        let matched = !hits(&seed, ev).is_empty();
        assert_eq!(matched, *want, "seed 000 on {ev}");
        // The corpus version of the rule agrees on these events.
        assert_eq!(!hits(&corpus, ev).is_empty(), *want, "mjz-2eq-rtp on {ev}");
    }
    // The versioned event name is why the query needs its wildcard.
    let exact = planned(
        &json!({"name": "x", "queries": [{"query": "@evt.name:AddPermission"}],
                                "cases": [{"status": "low", "condition": "a > 0"}]}),
    );
    assert!(hits(&exact, &add_permission(iam_user())).is_empty());
    // The corpus version also leaves out calls CloudFormation makes for the user.
    let via_cfn = add_permission(
        json!({"type": "IAMUser", "arn": "arn:aws:iam::111111111111:user/alice",
                                        "invokedBy": "cloudformation.amazonaws.com"}),
    );
    assert_eq!(
        (hits(&seed, &via_cfn).len(), hits(&corpus, &via_cfn).len()),
        (1, 0)
    );
    // A real recording (TrailDiscover): an IAM user's denied AddPermission.
    let real = read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/corpus/cloudtrail/traildiscover/logExamples/AddPermission20150331v2.json.cloudtrail"
    ));
    let record: serde_json::Value = serde_json::from_str(&real).expect("json");
    assert_eq!(
        hits(&seed, &record[0].to_string()),
        ["lambda_policy_modified"]
    );
}

#[test]
fn seed_000_signal_message_is_filled_from_the_triggering_event() {
    let seed = seed_000();
    let ev_text = add_permission(iam_user());
    let ev = Event::parse(&ev_text).expect("valid");
    let rendered = render(&seed.message, &|name| event_variable(&ev, name));

    let arn = "arn:aws:iam::111111111111:user/alice";
    let statement = r#"{"Sid":"ext","Effect":"Allow","Principal":"*"}"#;
    let triage = section(&seed_page_000(), "## Triage and response");
    let expected = triage
        .replace("{{@userIdentity.arn}}", arn)
        .replace("{{@responseElements.statement}}", statement)
        .replace("{{@network.client.ip}}", "198.51.100.23");
    assert_eq!(rendered, expected);
    assert_eq!(rendered.matches(&format!("`{arn}`")).count(), 3);
    assert!(rendered.contains("`198.51.100.23`"));
    assert!(rendered.contains(&format!("`{statement}`")));
    assert!(
        !rendered.contains("{{") && !rendered.contains("<missing"),
        "{rendered}"
    );
    // The attribute named without braces stays as text.
    assert!(rendered.contains("`@requestParameters.functionName`"));

    // The case, severity and ATT&CK mapping of the signal.
    let case = select_case(&seed.cases, |label| {
        (label == "lambda_policy_modified").then_some(1.0)
    });
    assert_eq!(case, Some(0));
    assert_eq!(seed.cases[0].severity, Severity::Low);
    assert_eq!(seed.attack.tactics[0].id, "TA0003");
    assert_eq!(seed.attack.techniques[0].name, "Account Manipulation");
}

fn seed_page_000() -> String {
    seed("000_25a36302cd9eb9d3.txt")
}

/// The seed 004 page: its front matter as tags, its Strategy's call labels, and the API names
/// its reference links point to.
struct Page004 {
    tags: Vec<String>,
    labels: Vec<String>,
    linked: Vec<String>,
    message: String,
}

fn page_004() -> Page004 {
    let page = seed("004_34163993f4146a14.txt");
    let front = page.split("---").nth(1).expect("front matter");
    let tags = front
        .lines()
        .filter_map(|l| l.split_once(": "))
        .filter(|(k, _)| {
            [
                "control",
                "framework",
                "requirement",
                "scope",
                "security",
                "source",
                "tactic",
                "technique",
                "iaas",
            ]
            .contains(k)
        })
        .map(|(k, v)| format!("{k}:{}", v.trim_matches('\'')))
        .collect();
    let strategy = section(&page, "## Strategy");
    let labels = strategy
        .lines()
        .filter_map(|l| l.strip_prefix("* ["))
        .filter_map(|l| l.split(']').next())
        .map(str::to_string)
        .collect();
    let linked = page
        .lines()
        .filter(|l| l.starts_with('['))
        .filter_map(|l| l.split("/API_").nth(1))
        .filter_map(|l| l.strip_suffix(".html"))
        .map(str::to_string)
        .collect();
    Page004 {
        tags,
        labels,
        linked,
        message: section(&page, "## Triage and response"),
    }
}

fn seed_004() -> (RulePlan, Page004) {
    let page = page_004();
    let plan = planned(&json!({
        "name": "AWS IAM policy changed",
        "tags": page.tags,
        "queries": [{"query": SEED_004_QUERY, "groupByFields": ["@userIdentity.arn"]}],
        "cases": [{"status": "info", "condition": "a > 0"}],
        "options": {"evaluationWindow": 900, "keepAlive": 3600, "maxSignalDuration": 86400},
        "message": page.message,
    }));
    (plan, page)
}

fn query_names(query: &str) -> BTreeSet<String> {
    let inner = query
        .split_once('(')
        .and_then(|(_, r)| r.strip_suffix(')'))
        .expect("value group");
    inner.split(" OR ").map(str::to_string).collect()
}

#[test]
fn seed_004_names_seventeen_iam_policy_calls() {
    let page = page_004();
    assert_eq!((page.labels.len(), page.linked.len()), (17, 17));
    let linked: BTreeSet<String> = page.linked.iter().cloned().collect();
    assert_eq!(query_names(SEED_004_QUERY), linked);
    // The one label that is not an API name.
    let labels: BTreeSet<String> = page.labels.iter().cloned().collect();
    let odd: Vec<_> = labels.symmetric_difference(&linked).collect();
    assert_eq!(odd, ["SetDefaultPolicyVersion", "SetPolicyVersion"]);
}

#[test]
fn seed_004_matches_each_policy_call_and_no_read() {
    let (seed, page) = seed_004();
    let corpus = corpus_plan("z8s-u06-ctu");
    for name in &page.linked {
        let ev = event("iam.amazonaws.com", name, iam_user(), json!({}));
        assert_eq!(hits(&seed, &ev), ["a"], "{name}");
        // The corpus version splits the calls into five queries; each call is in exactly one.
        assert_eq!(hits(&corpus, &ev).len(), 1, "z8s-u06-ctu on {name}");
    }
    for (source, name) in [
        ("iam.amazonaws.com", "GetPolicy"),
        ("iam.amazonaws.com", "GetPolicyVersion"),
        ("iam.amazonaws.com", "ListPolicies"),
        ("iam.amazonaws.com", "ListAttachedRolePolicies"),
        ("iam.amazonaws.com", "SetPolicyVersion"),
        ("iam.amazonaws.com", "CreateUser"),
        ("organizations.amazonaws.com", "CreatePolicy"),
        ("organizations.amazonaws.com", "DeletePolicy"),
    ] {
        let ev = event(source, name, iam_user(), json!({}));
        assert!(hits(&seed, &ev).is_empty(), "{source} {name}");
        assert!(
            hits(&corpus, &ev).is_empty(),
            "z8s-u06-ctu on {source} {name}"
        );
    }
    // Differences of the later version: it adds UpdateAssumeRolePolicy and skips failed calls.
    let update = event(
        "iam.amazonaws.com",
        "UpdateAssumeRolePolicy",
        assumed_role(),
        json!({}),
    );
    assert!(hits(&seed, &update).is_empty());
    assert_eq!(hits(&corpus, &update), ["role_policy_modified"]);
    let denied = event(
        "iam.amazonaws.com",
        "PutRolePolicy",
        iam_user(),
        json!({"errorCode": "AccessDenied"}),
    );
    assert_eq!(hits(&seed, &denied), ["a"]);
    assert!(hits(&corpus, &denied).is_empty());
    // The corpus rule's cases follow its queries: a role policy change is the second case.
    let counted = hits(
        &corpus,
        &event(
            "iam.amazonaws.com",
            "AttachRolePolicy",
            iam_user(),
            json!({}),
        ),
    );
    let case = select_case(&corpus.cases, |label| {
        counted.iter().any(|c| c == label).then_some(1.0)
    });
    assert_eq!(
        case.map(|i| corpus.cases[i].name.as_str()),
        Some("role policy changed")
    );
}

#[test]
fn seed_004_maps_to_cis_aws_and_attack() {
    let (seed, _) = seed_004();
    let compliance: Vec<String> = seed.compliance.iter().map(compliance_label).collect();
    assert_eq!(compliance, ["CIS AWS 4.4"]);
    assert_eq!(seed.compliance[0].requirement, "Monitoring");
    let attack: Vec<String> = seed
        .attack
        .tactics
        .iter()
        .chain(&seed.attack.techniques)
        .map(|r| format!("{} {}", r.id, r.name))
        .collect();
    assert_eq!(attack, ["TA0003 Persistence", "T1098 Account Manipulation"]);
    assert!(
        matches!(&seed.queries[0].input, QueryInput::Events { query, .. } if query == SEED_004_QUERY)
    );
    let ev_text = event("iam.amazonaws.com", "PutUserPolicy", iam_user(), json!({}));
    let ev = Event::parse(&ev_text).expect("valid");
    let rendered = render(&seed.message, &|name| event_variable(&ev, name));
    assert!(
        rendered.contains(
            "arn: arn:aws:iam::111111111111:user/alice and determine if PutUserPolicy API"
        ),
        "{rendered}"
    );
}

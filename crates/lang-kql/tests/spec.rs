//! The KQL specification, as tests: every construct, escape, case rule and type rule of KQL as
//! Elastic's detection engine runs it, over small hand-made CloudTrail events read through the
//! ECS view.
//!
//! Sources: Kibana's KQL reference (<https://www.elastic.co/docs/reference/query-languages/kql>),
//! `kbn-es-query/src/kuery` (`grammar.peggy`, `functions/is.ts`, `range.ts`, `exists.ts`,
//! `node_types/wildcard.ts`), the Elasticsearch query DSL and field type references, and the
//! Elastic AWS integration's field definitions. The crate's `# Semantics` section gives the
//! rules; each table row below is one of them applied.
//!
//! Each case lists the events a query matches: every other event is a negative case, so each
//! row tests both directions.

mod mmdb;

use std::collections::BTreeSet;
use std::sync::{Arc, OnceLock};
use trailhound_event::{Enrichment, Event, View};
use trailhound_lang_kql::{Compiled, compile, compile_str, parse};

/// The events, by name. Addresses: 203.0.113.0/24 is AS64500 "Evil VPN Inc" in Amsterdam,
/// 198.51.100.0/24 is AS16509 "AMAZON-02", 192.0.2.0/24 is AS15169 "Google LLC".
const EVENTS: &[(&str, &str)] = &[
    (
        "create_user",
        r#"{"eventVersion":"1.09","eventTime":"2024-05-01T10:00:00Z","eventSource":"iam.amazonaws.com","eventName":"CreateUser","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.9","userAgent":"APN/1.0 HashiCorp/1.0 Terraform/1.5.7","userIdentity":{"type":"IAMUser","principalId":"AIDAEXAMPLE","arn":"arn:aws:iam::111122223333:user/alice","accountId":"111122223333","accessKeyId":"AKIAEXAMPLE","userName":"alice"},"requestParameters":{"userName":"eve","path":"/"},"responseElements":{"user":{"userName":"eve","userId":"AIDAEVE","arn":"arn:aws:iam::111122223333:user/eve"}},"readOnly":false,"eventID":"e-create-user","eventType":"AwsApiCall","recipientAccountId":"111122223333"}"#,
    ),
    (
        "delete_user",
        r#"{"eventTime":"2024-05-01T12:00:00Z","eventSource":"iam.amazonaws.com","eventName":"DeleteUser","sourceIPAddress":"198.51.100.20","userAgent":"terraform-provider-aws/5.31.0","userIdentity":{"type":"IAMUser","principalId":"AIDAEXAMPLE","arn":"arn:aws:iam::111122223333:user/alice","accountId":"111122223333","accessKeyId":"ASIAEXAMPLE","userName":"alice"},"requestParameters":{"userName":"mallory"},"readOnly":false,"eventID":"e-delete-user"}"#,
    ),
    (
        "sg",
        r#"{"eventTime":"2024-05-02T00:00:00Z","eventSource":"ec2.amazonaws.com","eventName":"AuthorizeSecurityGroupIngress","sourceIPAddress":"198.51.100.7","userAgent":"aws-cli/2.15.0","userIdentity":{"type":"AssumedRole","principalId":"AROAEXAMPLE:i-0123456789abcdef0","arn":"arn:aws:sts::111122223333:assumed-role/WebRole/i-0123456789abcdef0","accountId":"111122223333","sessionContext":{"sessionIssuer":{"type":"Role","userName":"WebRole","arn":"arn:aws:iam::111122223333:role/WebRole"}}},"requestParameters":{"groupId":"sg-1","ipPermissions":{"items":[{"ipProtocol":"tcp","fromPort":22,"toPort":22,"ipRanges":{"items":[{"cidrIp":"10.0.0.0/8"}]}},{"ipProtocol":"tcp","fromPort":443,"toPort":443,"ipRanges":{"items":[{"cidrIp":"0.0.0.0/0"}]},"ipv6Ranges":{"items":[{"cidrIpv6":"::/0"}]}}]}},"eventID":"e-sg"}"#,
    ),
    (
        "sg_open",
        r#"{"eventTime":"2024-05-02T01:00:00Z","eventSource":"ec2.amazonaws.com","eventName":"AuthorizeSecurityGroupIngress","sourceIPAddress":"192.0.2.44","userAgent":"console.amazonaws.com","userIdentity":{"type":"IAMUser","principalId":"AIDACAROL","userName":"carol","accountId":"111122223333"},"requestParameters":{"groupId":"sg-2","ipPermissions":{"items":[{"ipProtocol":"tcp","fromPort":3389,"toPort":3389,"ipRanges":{"items":[{"cidrIp":"0.0.0.0/0","description":"S3 Browser access"}]}}]}},"eventID":"e-sg-open"}"#,
    ),
    (
        "ipset",
        r#"{"eventTime":"2024-05-02T02:00:00Z","eventSource":"guardduty.amazonaws.com","eventName":"CreateIPSet","sourceIPAddress":"203.0.113.50","userAgent":"Boto3/1.34","userIdentity":{"type":"IAMUser","userName":"alice","principalId":"AIDAEXAMPLE"},"requestParameters":{"detectorId":"d1","name":"trusted","format":"TXT","location":"https://example.com/ips.txt","activate":true},"eventID":"e-ipset"}"#,
    ),
    (
        "ipset_text",
        r#"{"eventTime":"2024-05-02T03:00:00Z","eventSource":"guardduty.amazonaws.com","eventName":"CreateIPSet","sourceIPAddress":"203.0.113.50","userAgent":"Boto3/1.34","userIdentity":{"type":"IAMUser","userName":"alice","principalId":"AIDAEXAMPLE"},"requestParameters":{"detectorId":"d1","name":"trusted","activate":"true"},"eventID":"e-ipset-text"}"#,
    ),
    (
        "detector_off",
        r#"{"eventTime":"2024-05-02T04:00:00Z","eventSource":"guardduty.amazonaws.com","eventName":"UpdateDetector","sourceIPAddress":"203.0.113.50","userAgent":"Boto3/1.34","userIdentity":{"type":"IAMUser","userName":"alice","principalId":"AIDAEXAMPLE"},"requestParameters":{"detectorId":"d1","enable":false},"eventID":"e-detector-off"}"#,
    ),
    (
        "selectors",
        r#"{"eventTime":"2024-05-03T00:00:00Z","eventSource":"cloudtrail.amazonaws.com","eventName":"PutEventSelectors","sourceIPAddress":"203.0.113.9","userAgent":"aws-cli/2.15.0","userIdentity":{"type":"IAMUser","userName":"alice","principalId":"AIDAEXAMPLE"},"requestParameters":{"trailName":"main","eventSelectors":[{"readWriteType":"All","includeManagementEvents":false,"dataResources":[]}]},"eventID":"e-selectors"}"#,
    ),
    (
        "selectors_on",
        r#"{"eventTime":"2024-05-03T01:00:00Z","eventSource":"cloudtrail.amazonaws.com","eventName":"PutEventSelectors","sourceIPAddress":"203.0.113.9","userAgent":"aws-cli/2.15.0","userIdentity":{"type":"IAMUser","userName":"alice","principalId":"AIDAEXAMPLE"},"requestParameters":{"trailName":"main","eventSelectors":[{"readWriteType":"All","includeManagementEvents":true}]},"eventID":"e-selectors-on"}"#,
    ),
    (
        "console",
        r#"{"eventTime":"2024-05-03T08:30:00Z","eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","sourceIPAddress":"192.0.2.44","userAgent":"Mozilla/5.0","userIdentity":{"type":"IAMUser","principalId":"AIDABOB","arn":"arn:aws:iam::111122223333:user/bob","accountId":"111122223333","userName":"bob"},"responseElements":{"ConsoleLogin":"Success"},"additionalEventData":{"LoginTo":"https://console.aws.amazon.com","MobileVersion":"No","MFAUsed":"No"},"readOnly":true,"eventID":"e-console"}"#,
    ),
    (
        "service",
        r#"{"eventTime":"2024-05-04T00:00:00Z","eventSource":"sts.amazonaws.com","eventName":"AssumeRole","sourceIPAddress":"ssm.amazonaws.com","userAgent":"ssm.amazonaws.com","userIdentity":{"type":"AWSService","invokedBy":"ssm.amazonaws.com"},"requestParameters":{"roleArn":"arn:aws:iam::111122223333:role/Admin","roleSessionName":"s"},"resources":[{"ARN":"arn:aws:iam::111122223333:role/Admin","accountId":"111122223333","type":"AWS::IAM::Role"},{"ARN":"arn:aws:iam::111122223333:role/Other","accountId":"111122223333","type":"AWS::IAM::Policy"}],"eventID":"e-service"}"#,
    ),
    (
        "star",
        r#"{"eventTime":"2024-05-05T00:00:00Z","eventSource":"x.amazonaws.com","eventName":"Get*Thing","eventID":"e-star"}"#,
    ),
    (
        "starx",
        r#"{"eventTime":"2024-05-05T00:00:00Z","eventSource":"x.amazonaws.com","eventName":"GetXThing","eventID":"e-starx"}"#,
    ),
];

/// An event whose `request_parameters` string (over 8191 characters) and user agent (over
/// 1024) are too long for their keyword fields to index; the flattened copy stays.
fn big_event() -> String {
    let policy = format!("{}includeManagementEvents false", "x".repeat(9000));
    let agent = format!("Terraform {}", "a".repeat(1100));
    format!(
        r#"{{"eventTime":"2024-05-06T00:00:00Z","eventSource":"s3.amazonaws.com","eventName":"PutBucketPolicy","sourceIPAddress":"203.0.113.9","userAgent":"{agent}","userIdentity":{{"type":"IAMUser","userName":"alice"}},"requestParameters":{{"bucketName":"logs","policy":"{policy}"}},"eventID":"e-big"}}"#
    )
}

fn enrichment() -> Arc<Enrichment> {
    static DB: OnceLock<Arc<Enrichment>> = OnceLock::new();
    DB.get_or_init(|| {
        let mut e = Enrichment::default();
        let asn = mmdb::database(
            "GeoLite2-ASN",
            vec![
                ("203.0.113.0/24", mmdb::asn(64500, "Evil VPN Inc")),
                ("198.51.100.0/24", mmdb::asn(16509, "AMAZON-02")),
                ("192.0.2.0/24", mmdb::asn(15169, "Google LLC")),
            ],
        );
        let city = mmdb::database(
            "GeoLite2-City",
            vec![(
                "203.0.113.0/24",
                mmdb::city("Amsterdam", "NL", "Netherlands", 52.37, 4.89),
            )],
        );
        e.add_bytes(asn).expect("valid ASN test database");
        e.add_bytes(city).expect("valid city test database");
        Arc::new(e)
    })
    .clone()
}

/// Every event as (name, raw JSON), the big one included.
fn events() -> Vec<(&'static str, String)> {
    let mut all: Vec<(&str, String)> = EVENTS
        .iter()
        .map(|(n, raw)| (*n, (*raw).to_owned()))
        .collect();
    all.push(("big", big_event()));
    all
}

fn compiled(query: &str) -> Compiled {
    compile_str(query, View::ECS)
        .unwrap_or_else(|e| panic!("{query}: {}", e.render("query", query)))
}

/// The names of the events `query` matches.
fn matches(query: &str) -> BTreeSet<&'static str> {
    let pred = compiled(query).pred;
    let mut out = BTreeSet::new();
    for (name, raw) in events() {
        let ev = Event::parse(&raw)
            .unwrap_or_else(|e| panic!("{name}: {e}"))
            .with_enrichment(Some(enrichment()));
        if pred.eval(&ev) {
            out.insert(name);
        }
    }
    out
}

/// Runs a table of (query, events it must match and no others).
fn check(cases: &[(&str, &[&'static str])]) {
    let mut failures = Vec::new();
    for (query, want) in cases {
        let want: BTreeSet<&str> = want.iter().copied().collect();
        let got = matches(query);
        if got != want {
            failures.push(format!("{query}\n    want {want:?}\n    got  {got:?}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

const ALL: &[&str] = &[
    "create_user",
    "delete_user",
    "sg",
    "sg_open",
    "ipset",
    "ipset_text",
    "detector_off",
    "selectors",
    "selectors_on",
    "console",
    "service",
    "star",
    "starx",
    "big",
];

/// All events but the listed ones.
fn all_but(skip: &[&'static str]) -> Vec<&'static str> {
    ALL.iter().copied().filter(|n| !skip.contains(n)).collect()
}

#[test]
fn the_event_table_is_complete() {
    let names: Vec<&str> = events().iter().map(|(n, _)| *n).collect();
    assert_eq!(names, ALL);
    assert_eq!(matches("*: *").len(), ALL.len());
}

#[test]
fn keyword_values_are_exact_and_case_sensitive() {
    check(&[
        ("event.action: CreateUser", &["create_user"]),
        ("event.action: \"CreateUser\"", &["create_user"]),
        ("event.action: createuser", &[]),
        ("event.action: CREATEUSER", &[]),
        ("event.action: Create", &[]),
        ("event.action: CreateUse", &[]),
        (
            "event.provider: iam.amazonaws.com",
            &["create_user", "delete_user"],
        ),
        // Case rules also hold inside wildcards: the rules list both spellings for this reason.
        ("user_agent.original: *Terraform*", &["create_user"]),
        ("user_agent.original: *terraform*", &["delete_user"]),
        (
            "user_agent.original: (*Terraform* or *terraform*)",
            &["create_user", "delete_user"],
        ),
        ("user.name: Alice", &[]),
        (
            "user.name: alice",
            &[
                "create_user",
                "delete_user",
                "ipset",
                "ipset_text",
                "detector_off",
                "selectors",
                "selectors_on",
                "big",
            ],
        ),
        // Inner whitespace is part of an unquoted value.
        (
            "user_agent.original: APN/1.0 HashiCorp/1.0 Terraform/1.5.7",
            &["create_user"],
        ),
        // `\u` escapes decode to the character.
        ("event.action: \\u0043reateUser", &["create_user"]),
        ("event.action: \"\\u0043reateUser\"", &["create_user"]),
    ]);
}

#[test]
fn wildcards_are_live_only_when_unquoted_and_unescaped() {
    check(&[
        (
            "event.action: Create*",
            &["create_user", "ipset", "ipset_text"],
        ),
        ("event.action: *User", &["create_user", "delete_user"]),
        (
            "event.action: *eate*",
            &["create_user", "ipset", "ipset_text"],
        ),
        ("event.action: C*e*U*r", &["create_user"]),
        ("event.action: *", ALL),
        // Quoted: the star is a character.
        ("event.action: \"Create*\"", &[]),
        ("event.action: \"Get*Thing\"", &["star"]),
        // Escaped: the star is a character; another star can still be live.
        ("event.action: Get\\*Thing", &["star"]),
        ("event.action: Get\\**", &["star"]),
        ("event.action: Get*Thing", &["star", "starx"]),
        // `?` is not a wildcard in KQL.
        ("event.action: Create?ser", &[]),
        ("event.action: Get?Thing", &[]),
        // Wildcards match across characters KQL needs escaped: `\:` is a colon.
        ("user.id: *\\:i-*", &["sg"]),
        ("user.id: \"AROAEXAMPLE:i-0123456789abcdef0\"", &["sg"]),
        ("user.id: AROAEXAMPLE\\:i-0123456789abcdef0", &["sg"]),
        (
            "aws.cloudtrail.user_identity.arn: arn\\:aws\\:sts\\:\\:*/i-*",
            &["sg"],
        ),
        // Whitespace is literal in a `wildcard` query on a keyword field.
        (
            "user_agent.original: *HashiCorp/1.0 Terraform*",
            &["create_user"],
        ),
        ("user_agent.original: *HashiCorp/1.0 Terraform/1.5.7x*", &[]),
    ]);
}

#[test]
fn value_lists_distribute_over_the_field() {
    check(&[
        (
            "event.action: (CreateUser or DeleteUser)",
            &["create_user", "delete_user"],
        ),
        (
            "event.action: (\"CreateUser\" or Delete*)",
            &["create_user", "delete_user"],
        ),
        ("event.action: (CreateUser and DeleteUser)", &[]),
        ("event.action: (not CreateUser)", &all_but(&["create_user"])),
        (
            "event.provider: iam.amazonaws.com and event.action: (not CreateUser)",
            &["delete_user"],
        ),
        (
            "event.action: (* and not (Create* or Delete* or Get*))",
            &all_but(&[
                "create_user",
                "delete_user",
                "star",
                "starx",
                "ipset",
                "ipset_text",
            ]),
        ),
        (
            "event.action: (CreateUser or (DeleteUser and not Delete*))",
            &["create_user"],
        ),
    ]);
}

#[test]
fn boolean_operators_and_missing_fields() {
    check(&[
        (
            "event.action: CreateUser and user.name: alice",
            &["create_user"],
        ),
        (
            "event.action: CreateUser or event.action: DeleteUser",
            &["create_user", "delete_user"],
        ),
        (
            "not event.provider: iam.amazonaws.com",
            &all_but(&["create_user", "delete_user"]),
        ),
        (
            "event.provider: iam.amazonaws.com and not user_agent.original: *Terraform*",
            &["delete_user"],
        ),
        // `not f: v` is true when f is missing: `invoked_by` only exists on the service event.
        (
            "not aws.cloudtrail.user_identity.invoked_by: \"ssm.amazonaws.com\"",
            &all_but(&["service"]),
        ),
        ("not aws.cloudtrail.user_identity.invoked_by: x", ALL),
        ("aws.cloudtrail.user_identity.invoked_by: *", &["service"]),
        (
            "not aws.cloudtrail.user_identity.invoked_by: *",
            &all_but(&["service"]),
        ),
        (
            "not (event.action: CreateUser or event.action: DeleteUser)",
            &all_but(&["create_user", "delete_user"]),
        ),
        (
            "NOT event.action: CreateUser AND event.provider: iam.amazonaws.com",
            &["delete_user"],
        ),
        // `and` binds tighter than `or`.
        (
            "event.action: CreateUser or event.action: DeleteUser and user_agent.original: *terraform*",
            &["create_user", "delete_user"],
        ),
        (
            "event.action: CreateUser or event.action: DeleteUser and user_agent.original: *Terraform*",
            &["create_user"],
        ),
        (
            "(event.action: CreateUser or event.action: DeleteUser) and user_agent.original: *Terraform*",
            &["create_user"],
        ),
    ]);
}

#[test]
fn exists_on_present_missing_and_object_fields() {
    check(&[
        // `source.ip` is only set when sourceIPAddress is an address.
        ("source.ip: *", &all_but(&["service", "star", "starx"])),
        ("not source.ip: *", &["service", "star", "starx"]),
        ("source.address: *", &all_but(&["star", "starx"])),
        // An object matches `*` when any field below it exists (Elasticsearch retries `f.*`).
        ("source.as: *", &all_but(&["service", "star", "starx"])),
        (
            "source.geo: *",
            &[
                "create_user",
                "ipset",
                "ipset_text",
                "detector_off",
                "selectors",
                "selectors_on",
                "big",
            ],
        ),
        ("aws.cloudtrail.flattened: *", &all_but(&["star", "starx"])),
        (
            "aws.cloudtrail.flattened.additional_eventdata: *",
            &["console"],
        ),
        // Quoted or escaped, the star is a value: no event has the value `*`.
        ("event.action: \"*\"", &[]),
        ("event.action: \\*", &[]),
    ]);
}

#[test]
fn multi_valued_fields_match_any_value() {
    let admin = "arn\\:aws\\:iam\\:\\:111122223333\\:role/Admin";
    let other = "\"arn:aws:iam::111122223333:role/Other\"";
    check(&[
        (
            &format!("aws.cloudtrail.resources.arn: {admin}"),
            &["service"],
        ),
        (
            &format!("aws.cloudtrail.resources.arn: {other}"),
            &["service"],
        ),
        (
            &format!("aws.cloudtrail.resources.arn: ({admin} and {other})"),
            &["service"],
        ),
        (
            &format!("aws.cloudtrail.resources.arn: ({admin} and not {other})"),
            &[],
        ),
        (
            &format!("not aws.cloudtrail.resources.arn: {other}"),
            &all_but(&["service"]),
        ),
        (
            "aws.cloudtrail.resources.type: \"AWS::IAM::Policy\"",
            &["service"],
        ),
        ("event.type: creation", &["create_user"]),
        ("event.type: (user and creation)", &["create_user"]),
        ("event.type: (user and not creation)", &["delete_user"]),
        (
            "event.category: iam and not event.type: info",
            &["create_user", "delete_user"],
        ),
        ("related.user: eve", &["create_user"]),
        ("related.user: (alice and mallory)", &["delete_user"]),
        ("related.user: AIDAEVE", &["create_user"]),
    ]);
}

#[test]
fn flattened_leaves_are_keywords_through_arrays() {
    let cidr =
        "aws.cloudtrail.flattened.request_parameters.ipPermissions.items.ipRanges.items.cidrIp";
    let port = "aws.cloudtrail.flattened.request_parameters.ipPermissions.items.fromPort";
    check(&[
        (
            &format!("{cidr}: (\"0.0.0.0/0\" or \"::/0\")"),
            &["sg", "sg_open"],
        ),
        (&format!("{cidr}: \"10.0.0.0/8\""), &["sg"]),
        (&format!("{cidr}: 10.*"), &["sg"]),
        // Numbers are indexed by their JSON text.
        (
            &format!("{port}: (21 or 22 or 23 or 445 or 3389)"),
            &["sg", "sg_open"],
        ),
        (&format!("{port}: \"3389\""), &["sg_open"]),
        (&format!("{port}: 22.0"), &[]),
        (&format!("{port}: 4*"), &["sg"]),
        // Not nested: the two leaves may come from different items.
        (&format!("{port}: 22 and {cidr}: \"0.0.0.0/0\""), &["sg"]),
        // Booleans are indexed as `true`/`false`: the constant and the string match both.
        (
            "aws.cloudtrail.flattened.request_parameters.activate: (true or \"true\")",
            &["ipset", "ipset_text"],
        ),
        (
            "aws.cloudtrail.flattened.request_parameters.activate: true",
            &["ipset", "ipset_text"],
        ),
        (
            "aws.cloudtrail.flattened.request_parameters.activate: \"true\"",
            &["ipset", "ipset_text"],
        ),
        (
            "aws.cloudtrail.flattened.request_parameters.activate: True",
            &[],
        ),
        (
            "aws.cloudtrail.flattened.request_parameters.enable: (false or \"false\")",
            &["detector_off"],
        ),
        (
            "aws.cloudtrail.flattened.request_parameters.eventSelectors.includeManagementEvents: false",
            &["selectors"],
        ),
        // Flattened keys are exact: an object is not a value of its key, the root holds all leaves.
        (
            "aws.cloudtrail.flattened.request_parameters.ipPermissions: *",
            &[],
        ),
        (
            "aws.cloudtrail.flattened.request_parameters.ipPermissions.items.ipRanges.items: *",
            &[],
        ),
        (&format!("{cidr}: *"), &["sg", "sg_open"]),
        (
            "aws.cloudtrail.flattened.request_parameters: sg-2",
            &["sg_open"],
        ),
        (
            "aws.cloudtrail.flattened.request_parameters: 3389",
            &["sg_open"],
        ),
        // Empty values are removed by the pipeline: `dataResources: []` is not there.
        (
            "aws.cloudtrail.flattened.request_parameters.eventSelectors.dataResources: *",
            &[],
        ),
        // Wildcards on flattened leaves go through `query_string`: split at whitespace.
        (
            "aws.cloudtrail.flattened.request_parameters.ipPermissions.items.ipRanges.items.description: *access nothing*",
            &["sg_open"],
        ),
        (
            "aws.cloudtrail.flattened.request_parameters.ipPermissions.items.ipRanges.items.description: S3 Browser*",
            &[],
        ),
        (
            "aws.cloudtrail.flattened.request_parameters.ipPermissions.items.ipRanges.items.description: \"S3 Browser access\"",
            &["sg_open"],
        ),
        // Key names keep their case.
        (
            "aws.cloudtrail.flattened.request_parameters.GroupId: *",
            &[],
        ),
        (
            "aws.cloudtrail.flattened.request_parameters.groupId: *",
            &["sg", "sg_open"],
        ),
    ]);
}

#[test]
fn java_strings_match_with_wildcards() {
    check(&[
        (
            "aws.cloudtrail.request_parameters: *includeManagementEvents*false*",
            &["selectors"],
        ),
        (
            "aws.cloudtrail.request_parameters: *includeManagementEvents=false*",
            &["selectors"],
        ),
        (
            "aws.cloudtrail.request_parameters: *includeManagementEvents=true*",
            &["selectors_on"],
        ),
        (
            "aws.cloudtrail.request_parameters: \"{detectorId=d1, enable=false}\"",
            &["detector_off"],
        ),
        // Too long to be indexed (ignore_above 8191): no query matches, not even exists.
        (
            "aws.cloudtrail.request_parameters: *includeManagementEvents*",
            &["selectors", "selectors_on"],
        ),
        (
            "aws.cloudtrail.request_parameters: *",
            &all_but(&["star", "starx", "console", "big"]),
        ),
        (
            "aws.cloudtrail.flattened.request_parameters.bucketName: logs",
            &["big"],
        ),
        // user_agent.original: ignore_above 1024.
        ("user_agent.original: Terraform*", &[]),
        (
            "user_agent.original: *",
            &all_but(&["star", "starx", "big"]),
        ),
        ("not user_agent.original: *", &["star", "starx", "big"]),
    ]);
}

#[test]
fn numeric_fields_compare_numbers() {
    check(&[
        (
            "source.as.number: 64500",
            &[
                "create_user",
                "ipset",
                "ipset_text",
                "detector_off",
                "selectors",
                "selectors_on",
                "big",
            ],
        ),
        ("source.as.number: \"16509\"", &["delete_user", "sg"]),
        ("source.as.number: 16509.0", &["delete_user", "sg"]),
        ("source.as.number: 1.6509e4", &["delete_user", "sg"]),
        ("source.as.number: 16509.5", &[]),
        (
            "source.as.number: (216025 or 57138 or 15169)",
            &["sg_open", "console"],
        ),
        ("source.as.number: 123", &[]),
        (
            "source.as.number > 20000",
            &[
                "create_user",
                "ipset",
                "ipset_text",
                "detector_off",
                "selectors",
                "selectors_on",
                "big",
            ],
        ),
        (
            "source.as.number <= 16509",
            &["delete_user", "sg", "sg_open", "console"],
        ),
        ("source.as.number < 16509", &["sg_open", "console"]),
        (
            "source.as.number >= 16509.5",
            &[
                "create_user",
                "ipset",
                "ipset_text",
                "detector_off",
                "selectors",
                "selectors_on",
                "big",
            ],
        ),
        (
            "not source.as.number: 64500",
            &[
                "delete_user",
                "sg",
                "sg_open",
                "console",
                "service",
                "star",
                "starx",
            ],
        ),
        (
            "source.geo.location.lat > 50",
            &[
                "create_user",
                "ipset",
                "ipset_text",
                "detector_off",
                "selectors",
                "selectors_on",
                "big",
            ],
        ),
    ]);
}

#[test]
fn organisation_names_exclude_with_wildcards() {
    check(&[
        (
            "source.as.organization.name:(* and not (Amazon* or AMAZON* or Google*))",
            &[
                "create_user",
                "ipset",
                "ipset_text",
                "detector_off",
                "selectors",
                "selectors_on",
                "big",
            ],
        ),
        (
            "source.as.organization.name: (Amazon* or AMAZON* or Google*)",
            &["delete_user", "sg", "sg_open", "console"],
        ),
        ("source.as.organization.name: amazon*", &[]),
        (
            "not source.as.organization.name: (Amazon* or AMAZON* or Google*)",
            &all_but(&["delete_user", "sg", "sg_open", "console"]),
        ),
        (
            "source.as.organization.name: \"Google LLC\"",
            &["sg_open", "console"],
        ),
        (
            "source.as.organization.name: Google LLC",
            &["sg_open", "console"],
        ),
        (
            "source.geo.country_iso_code: NL",
            &[
                "create_user",
                "ipset",
                "ipset_text",
                "detector_off",
                "selectors",
                "selectors_on",
                "big",
            ],
        ),
    ]);
}

#[test]
fn ip_fields_take_addresses_and_cidr_blocks() {
    check(&[
        (
            "source.ip: 203.0.113.0/24",
            &[
                "create_user",
                "ipset",
                "ipset_text",
                "detector_off",
                "selectors",
                "selectors_on",
                "big",
            ],
        ),
        (
            "source.ip: \"203.0.113.9\"",
            &["create_user", "selectors", "selectors_on", "big"],
        ),
        (
            "source.ip: 203.0.113.9",
            &["create_user", "selectors", "selectors_on", "big"],
        ),
        (
            "source.ip: \"::ffff:203.0.113.9\"",
            &["create_user", "selectors", "selectors_on", "big"],
        ),
        (
            "source.ip: (10.0.0.0/8 or 192.0.2.0/24)",
            &["sg_open", "console"],
        ),
        // Elasticsearch stores IPv4 addresses mapped into IPv6.
        (
            "source.ip: \"::ffff:203.0.113.0/120\"",
            &[
                "create_user",
                "ipset",
                "ipset_text",
                "detector_off",
                "selectors",
                "selectors_on",
                "big",
            ],
        ),
        (
            "source.ip: \"::/0\"",
            &all_but(&["service", "star", "starx"]),
        ),
        ("source.ip: \"2001:db8::/32\"", &[]),
        (
            "source.ip: 0.0.0.0/0",
            &all_but(&["service", "star", "starx"]),
        ),
        ("not source.ip: 10.0.0.0/8", ALL),
        (
            "source.ip >= 198.51.100.0 and source.ip < 198.51.101.0",
            &["delete_user", "sg"],
        ),
        (
            "source.ip > 198.51.100.7",
            &[
                "delete_user",
                "create_user",
                "ipset",
                "ipset_text",
                "detector_off",
                "selectors",
                "selectors_on",
                "big",
            ],
        ),
        ("related.ip: 192.0.2.44", &["sg_open", "console"]),
        // source.address is a keyword: no CIDR there.
        ("source.address: 192.0.2.0/24", &[]),
        ("source.address: 192.0.2.*", &["sg_open", "console"]),
    ]);
}

#[test]
fn boolean_fields_take_true_and_false() {
    check(&[
        (
            "aws.cloudtrail.console_login.additional_eventdata.mfa_used: false",
            &["console"],
        ),
        (
            "aws.cloudtrail.console_login.additional_eventdata.mfa_used: \"false\"",
            &["console"],
        ),
        (
            "aws.cloudtrail.console_login.additional_eventdata.mfa_used: true",
            &[],
        ),
        (
            "not aws.cloudtrail.console_login.additional_eventdata.mfa_used: true",
            ALL,
        ),
        ("aws.cloudtrail.read_only: true", &["console"]),
        (
            "aws.cloudtrail.read_only: false",
            &["create_user", "delete_user"],
        ),
        (
            "aws.cloudtrail.read_only < true",
            &["create_user", "delete_user"],
        ),
        (
            "aws.cloudtrail.read_only >= false",
            &["create_user", "delete_user", "console"],
        ),
        ("aws.cloudtrail.read_only > true", &[]),
    ]);
}

#[test]
fn date_fields_compare_instants() {
    check(&[
        ("@timestamp: 2024-05-01", &["create_user", "delete_user"]),
        ("@timestamp: \"2024-05-01T10:00:00Z\"", &["create_user"]),
        ("@timestamp: 2024-05-01T10\\:00\\:00.000Z", &["create_user"]),
        (
            "@timestamp: 2024-05-01T12\\:00\\:00+02\\:00",
            &["create_user"],
        ),
        ("@timestamp: 1714557600000", &["create_user"]),
        ("@timestamp: 2024-05", &all_but(&[])),
        ("@timestamp < 2024-05-02", &["create_user", "delete_user"]),
        ("@timestamp <= 2024-05-01", &["create_user", "delete_user"]),
        (
            "@timestamp > 2024-05-01",
            &all_but(&["create_user", "delete_user"]),
        ),
        ("@timestamp >= 2024-05-01T12", &all_but(&["create_user"])),
        // `gt` rounds a partial value up: after the whole hour 10.
        ("@timestamp > \"2024-05-01T10\"", &all_but(&["create_user"])),
        (
            "@timestamp > 2024-05-05 and @timestamp < 2024-05-07",
            &["big"],
        ),
        ("@timestamp >= 2024-05-05", &["star", "starx", "big"]),
    ]);
}

#[test]
fn ranges_on_keywords_compare_strings() {
    check(&[
        (
            "event.action < D",
            &[
                "create_user",
                "sg",
                "sg_open",
                "ipset",
                "ipset_text",
                "service",
                "console",
            ],
        ),
        (
            "event.action < CreateUser",
            &["sg", "sg_open", "service", "console", "ipset", "ipset_text"],
        ),
        (
            "event.action <= CreateUser",
            &[
                "create_user",
                "sg",
                "sg_open",
                "ipset",
                "ipset_text",
                "service",
                "console",
            ],
        ),
        (
            "event.action >= PutEventSelectors",
            &["selectors", "selectors_on", "detector_off"],
        ),
        // Code-point order: upper case sorts before lower case.
        ("event.action > a", &[]),
        // A star in a range bound is a character.
        (
            "event.action >= Get*Thing and event.action <= Get*Thing",
            &["star"],
        ),
        (
            "aws.cloudtrail.flattened.request_parameters.ipPermissions.items.fromPort < 3",
            &["sg"],
        ),
    ]);
}

#[test]
fn field_names_with_wildcards_expand_over_the_view() {
    check(&[
        ("event.act*: CreateUser", &["create_user"]),
        ("*.action: CreateUser", &["create_user"]),
        ("user.*: eve", &["create_user"]),
        ("user.target.*: *", &["create_user", "delete_user"]),
        ("aws.cloudtrail.flattened.*: 3389", &["sg_open"]),
        ("\"event.action\": CreateUser", &["create_user"]),
        ("*: *", ALL),
    ]);
}

#[test]
fn free_text_searches_every_field() {
    check(&[
        ("CreateUser", &["create_user"]),
        ("\"CreateUser\"", &["create_user"]),
        ("createuser", &[]),
        ("eve", &["create_user"]),
        ("Terraform", &[]),
        // The long user agent of `big` is not indexed (ignore_above).
        ("*Terraform*", &["create_user"]),
        ("*", ALL),
        ("sg-2", &["sg_open"]),
        (
            "64500",
            &[
                "create_user",
                "ipset",
                "ipset_text",
                "detector_off",
                "selectors",
                "selectors_on",
                "big",
            ],
        ),
        ("192.0.2.0/24", &[]),
        ("192.0.2.44", &["sg_open", "console"]),
        ("0.0.0.0/0", &["sg", "sg_open"]),
        // Split at whitespace: `*access` matches the description and the event.type `access`.
        ("*access nothing*", &["sg", "sg_open"]),
        ("*S3 Browser*", &[]),
        ("\"S3 Browser access\"", &["sg_open"]),
        ("2024-05-04", &[]),
        ("\"2024-05-04T00:00:00.000Z\"", &["service"]),
        ("CreateUser and alice", &["create_user"]),
        ("not eve", &all_but(&["create_user"])),
    ]);
}

#[test]
fn nested_queries_need_one_object_to_satisfy_all() {
    let items = "aws.cloudtrail.flattened.request_parameters.ipPermissions.items";
    check(&[
        (
            &format!("{items}: {{ fromPort: 22 and ipRanges.items.cidrIp: \"0.0.0.0/0\" }}"),
            &[],
        ),
        (
            &format!("{items}: {{ fromPort: 22 and ipRanges.items.cidrIp: \"10.0.0.0/8\" }}"),
            &["sg"],
        ),
        (
            &format!(
                "{items}: {{ fromPort: (22 or 3389) and ipRanges.items.cidrIp: \"0.0.0.0/0\" }}"
            ),
            &["sg_open"],
        ),
        (
            &format!("{items}: {{ ipRanges.items: {{ cidrIp: 0.0.0.0/0 and description: * }} }}"),
            &["sg_open"],
        ),
        (
            &format!("{items}: {{ not fromPort: 22 }}"),
            &["sg", "sg_open"],
        ),
        (
            "aws.cloudtrail.resources: { arn: *Admin and type: \"AWS::IAM::Role\" }",
            &["service"],
        ),
        (
            "aws.cloudtrail.resources: { arn: *Admin and type: \"AWS::IAM::Policy\" }",
            &[],
        ),
        (
            "aws.cloudtrail.resources.arn: *Admin and aws.cloudtrail.resources.type: \"AWS::IAM::Policy\"",
            &["service"],
        ),
        (
            "user: { name: alice and target.name: eve }",
            &["create_user"],
        ),
        ("source: { as.number: 16509 }", &["delete_user", "sg"]),
        (
            "not aws.cloudtrail.resources: { arn: * }",
            &all_but(&["service"]),
        ),
    ]);
}

/// (query, diagnostic code): queries Elasticsearch would refuse to run, and date math.
#[test]
fn type_errors_are_compile_errors() {
    let cases = [
        ("source.ip: 203.0.113.*", "kql::wildcard_on_type"),
        ("source.ip: foo", "kql::invalid_ip"),
        ("source.ip: 10.0.0.0/33", "kql::invalid_ip"),
        ("source.ip < 10.0.0.0/8", "kql::invalid_ip"),
        ("source.as.number: 645*", "kql::wildcard_on_type"),
        ("source.as.number: AS64500", "kql::invalid_number"),
        ("source.as.number: true", "kql::invalid_number"),
        ("source.as.number > high", "kql::invalid_number"),
        ("aws.cloudtrail.read_only: yes", "kql::invalid_boolean"),
        ("aws.cloudtrail.read_only: TRUE", "kql::invalid_boolean"),
        ("aws.cloudtrail.read_only: t*", "kql::wildcard_on_type"),
        ("@timestamp: 2024*", "kql::wildcard_on_type"),
        ("@timestamp: now-1d", "kql::date_math"),
        ("@timestamp >= now-7d/d", "kql::date_math"),
        ("@timestamp < \"2024-05-01||+1M\"", "kql::date_math"),
        ("@timestamp: yesterday", "kql::invalid_date"),
        ("@timestamp > 2024-02-30", "kql::invalid_date"),
        ("event.action: null", "kql::null_value"),
        ("null", "kql::null_value"),
        // Every field includes dates and numbers, which cannot take text.
        ("*: CreateUser", "kql::invalid_date"),
        ("aws.*.resources: { arn: x }", "kql::nested_wildcard"),
    ];
    for (query, code) in cases {
        match compile_str(query, View::ECS) {
            Ok(c) => panic!("{query}: compiled to {:?}", c.pred),
            Err(d) => {
                assert_eq!(d.code, code, "{query}: {}", d.render("query", query));
                assert!(
                    d.span.end <= query.len() && d.span.start <= d.span.end,
                    "{query}: span {:?}",
                    d.span
                );
                assert!(
                    d.help.is_some() || d.code == "kql::nested_wildcard",
                    "{query}: no help"
                );
            }
        }
    }
    // The span points at the value.
    let query = "event.action: x and source.ip: 10.*";
    let d = compile_str(query, View::ECS).expect_err("wildcard on an ip field");
    assert_eq!(&query[d.span.range()], "10.*");
}

/// (query, warning codes with the text they point at).
#[test]
fn warnings_name_what_never_matches() {
    let cases: &[(&str, &[(&str, &str)])] = &[
        ("event.action: CreateUser", &[]),
        ("host.name: x", &[("kql::unknown_field", "host.name")]),
        (
            "not related.entity: arn\\:aws\\:iam\\:\\:aws\\:policy*",
            &[("kql::unknown_field", "related.entity")],
        ),
        ("nosuch.*: x", &[("kql::unknown_field", "nosuch.*")]),
        ("user: bob", &[("kql::object_field", "user")]),
        ("source.geo > a", &[("kql::object_field", "source.geo")]),
        (
            "event.action: { x: 1 }",
            &[
                ("kql::unknown_field", "x"),
                ("kql::not_an_object", "event.action"),
            ],
        ),
        (
            "nothing: { x: 1 }",
            &[
                ("kql::unknown_field", "x"),
                ("kql::unknown_field", "nothing"),
            ],
        ),
    ];
    for (query, want) in cases {
        let got: Vec<(&str, &str)> = compiled(query)
            .warnings
            .iter()
            .map(|w| (w.code, &query[w.span.range()]))
            .collect();
        assert_eq!(&got, want, "{query}");
    }
    // A keyword value longer than `ignore_above` can never match.
    let long = format!("user_agent.original: {}", "a".repeat(1025));
    let c = compiled(&long);
    assert_eq!(
        c.warnings.iter().map(|w| w.code).collect::<Vec<_>>(),
        ["kql::above_ignore_above"]
    );
    assert!(matches!(c.pred, trailhound_engine::Pred::Const(false)));
    assert!(
        compiled(&format!("user_agent.original: {}", "a".repeat(1024)))
            .warnings
            .is_empty()
    );
    // Unknown fields never match, and their negation always does.
    check(&[
        ("host.name: *", &[]),
        ("not host.name: *", ALL),
        (
            "related.entity: x or event.action: CreateUser",
            &["create_user"],
        ),
    ]);
}

#[test]
fn compile_takes_parsed_trees_and_other_views() {
    let expr =
        parse("eventName: Create* and not userIdentity.type: AWSService").expect("valid KQL");
    let raw = compile(&expr, View::Raw).expect("compiles on raw names");
    assert!(raw.warnings.is_empty());
    let (_, create) = EVENTS[0];
    let (_, service) = EVENTS[10];
    assert!(raw.pred.eval(&Event::parse(create).expect("valid")));
    assert!(!raw.pred.eval(&Event::parse(service).expect("valid")));
    // The same names are unknown to the ECS view.
    let ecs = compile(&expr, View::ECS).expect("compiles");
    assert_eq!(ecs.warnings.len(), 2);
    // Parse errors come through compile_str.
    assert_eq!(
        compile_str("event.action: (a", View::ECS)
            .expect_err("unbalanced")
            .code,
        "kql::unbalanced_paren"
    );
}

#[test]
fn hostile_nesting_is_an_error_not_a_stack_overflow() {
    use trailhound_lang_kql::{Expr, Literal, Span, ValueExpr};
    let leaf = |text: &str| Literal {
        text: text.into(),
        quoted: false,
        wildcards: Vec::new(),
        span: Span::default(),
    };
    let mut expr = Expr::Match {
        field: leaf("event.action"),
        value: ValueExpr::Value(leaf("x")),
        span: Span::default(),
    };
    for _ in 0..5000 {
        expr = Expr::Not {
            expr: Box::new(expr),
            span: Span::default(),
        };
    }
    assert_eq!(
        compile(&expr, View::ECS).expect_err("too deep").code,
        "kql::too_deep"
    );
    // Just within the limit: compiles and evaluates (`not` of `not` folds away).
    let mut expr = Expr::Match {
        field: leaf("event.action"),
        value: ValueExpr::Value(leaf("CreateUser")),
        span: Span::default(),
    };
    for i in 0..2 * trailhound_lang_kql::MAX_DEPTH {
        expr = if i % 2 == 0 {
            Expr::Not {
                expr: Box::new(expr),
                span: Span::default(),
            }
        } else {
            let star = Literal {
                wildcards: vec![0],
                ..leaf("*")
            };
            Expr::And {
                terms: vec![
                    expr,
                    Expr::FreeText {
                        value: star,
                        span: Span::default(),
                    },
                ],
                span: Span::default(),
            }
        };
    }
    let pred = compile(&expr, View::ECS).expect("within the limit").pred;
    let (_, create) = EVENTS[0];
    assert!(pred.eval(&Event::parse(create).expect("valid")));
    // The deepest queries the parser accepts compile (it counts brackets and `not`s).
    let n = trailhound_lang_kql::MAX_DEPTH / 2 - 1;
    let deep = format!(
        "{}event.action: x{}",
        "event.action: y or not (".repeat(n),
        ")".repeat(n)
    );
    assert!(parse(&deep).is_ok());
    assert!(compile_str(&deep, View::ECS).is_ok());
    let deep = format!(
        "event.action: ({}x{})",
        "y or not (".repeat(n - 1),
        ")".repeat(n - 1)
    );
    assert!(parse(&deep).is_ok());
    assert!(compile_str(&deep, View::ECS).is_ok());
}

#[test]
fn exact_values_keep_the_dispatch_index_useful() {
    use trailhound_engine::Dispatch;
    let preds: Vec<_> = [
        "event.provider: iam.amazonaws.com and event.action: (CreateUser or DeleteUser)",
        "event.action: Create* and user.name: alice",
        "event.provider: guardduty.amazonaws.com",
        "not event.action: CreateUser",
    ]
    .iter()
    .map(|q| compiled(q).pred)
    .collect();
    let dispatch = Dispatch::build(&preds);
    assert_eq!(dispatch.unindexed(), 1);
}

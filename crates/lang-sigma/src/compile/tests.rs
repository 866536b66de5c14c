//! The specification suite: every modifier and condition form, positive and negative, evaluated
//! on hand-made CloudTrail records (`Event::parse` + `Pred::eval`).

use std::collections::BTreeMap;

use trailhound_engine::{Dispatch, Pred, Scratch};
use trailhound_event::Event;

use super::value::json_escaped;
use super::*;
use crate::{Document, LoadOptions, SigmaFile, parse, parse_pipeline};

/// Indents every line of `text` by four spaces.
fn indent(text: &str) -> String {
    text.lines().map(|l| format!("    {l}\n")).collect()
}

/// A CloudTrail rule around a detection body.
fn rule_text(detection: &str) -> String {
    format!(
        "title: spec\nid: 00000000-0000-0000-0000-000000000001\nname: spec_rule\nlogsource:\n    product: aws\n    service: cloudtrail\ndetection:\n{}",
        indent(detection)
    )
}

/// A detection body whose only search identifier is `selection`.
fn sel(items: &str) -> String {
    format!("selection:\n{}condition: selection\n", indent(items))
}

fn load(text: &str, opts: &LoadOptions) -> SigmaFile {
    parse(text, opts).unwrap_or_else(|e| {
        panic!(
            "{}",
            e.iter().map(|d| d.render("rule", text)).collect::<String>()
        )
    })
}

fn first_rule(file: &SigmaFile) -> &Rule {
    match file.documents.first() {
        Some(Document::Rule(r)) => r,
        other => panic!("not a rule: {other:?}"),
    }
}

fn compile_with(detection: &str, opts: &CompileOptions) -> CompiledRule {
    let text = rule_text(detection);
    let file = load(&text, &LoadOptions::default());
    compile_rule(first_rule(&file), opts).unwrap_or_else(|e| {
        panic!(
            "{}",
            e.iter()
                .map(|d| d.render("rule", &text))
                .collect::<String>()
        )
    })
}

fn compile(detection: &str) -> CompiledRule {
    compile_with(detection, &CompileOptions::default())
}

fn eval(pred: &Pred, event: &str) -> bool {
    let ev = Event::parse(event).unwrap_or_else(|e| panic!("bad test event {event}: {e}"));
    pred.eval(&ev)
}

/// Checks `(detection, event, expected)` rows; the dispatch index must agree with plain
/// evaluation on every row too.
fn table(rows: &[(&str, &str, bool)]) {
    table_with(rows, &CompileOptions::default());
}

fn table_with(rows: &[(&str, &str, bool)], opts: &CompileOptions) {
    let mut failures = Vec::new();
    for (det, event, want) in rows {
        let body = if det.contains("condition:") {
            det.to_string()
        } else {
            sel(det)
        };
        let r = compile_with(&body, opts);
        let got = eval(&r.pred, event);
        let ev = Event::parse(event).unwrap_or_else(|e| panic!("{e}"));
        let dispatch = Dispatch::build([&r.pred]);
        let mut scratch = Scratch::default();
        dispatch.candidates(&ev, &mut scratch);
        if got && scratch.out.is_empty() {
            failures.push(format!("dispatch lost a match: {det} on {event}"));
        }
        if got != *want {
            failures.push(format!("{det}\n  on {event}\n  gave {got}, want {want}"));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n\n"));
}

// ---------------------------------------------------------------------------------------------
// Equality, case, wildcards, escapes

#[test]
fn equality_is_case_insensitive_unless_cased() {
    table(&[
        (
            "eventName: CreateUser",
            r#"{"eventName":"CreateUser"}"#,
            true,
        ),
        (
            "eventName: createuser",
            r#"{"eventName":"CreateUser"}"#,
            true,
        ),
        (
            "eventName: CREATEUSER",
            r#"{"eventName":"createUser"}"#,
            true,
        ),
        (
            "eventName: CreateUser",
            r#"{"eventName":"CreateUsers"}"#,
            false,
        ),
        (
            "eventName: CreateUser",
            r#"{"eventName":"XCreateUser"}"#,
            false,
        ),
        ("eventName: CreateUser", r#"{"eventSource":"iam"}"#, false),
        (
            "eventName|cased: CreateUser",
            r#"{"eventName":"CreateUser"}"#,
            true,
        ),
        (
            "eventName|cased: createuser",
            r#"{"eventName":"CreateUser"}"#,
            false,
        ),
        (
            "eventName|contains|cased: User",
            r#"{"eventName":"CreateUser"}"#,
            true,
        ),
        (
            "eventName|contains|cased: user",
            r#"{"eventName":"CreateUser"}"#,
            false,
        ),
        ("userAgent: 'ÉCOLE'", r#"{"userAgent":"école"}"#, true),
        (
            "userAgent|cased: 'ÉCOLE'",
            r#"{"userAgent":"école"}"#,
            false,
        ),
        // Dotted names are nested paths (reference notes §1.2 item 1).
        (
            "userIdentity.type: Root",
            r#"{"userIdentity":{"type":"Root"}}"#,
            true,
        ),
        (
            "userIdentity.type: Root",
            r#"{"userIdentity.type":"Root"}"#,
            false,
        ),
    ]);
}

#[test]
fn wildcards_and_escapes() {
    // Events are JSON: "\\" is one backslash in the value.
    table(&[
        (
            "eventName: 'Create*'",
            r#"{"eventName":"CreateUser"}"#,
            true,
        ),
        (
            "eventName: 'Create*'",
            r#"{"eventName":"DeleteUser"}"#,
            false,
        ),
        ("eventName: '*User'", r#"{"eventName":"CreateUser"}"#, true),
        (
            "eventName: 'Cre?teUser'",
            r#"{"eventName":"CreateUser"}"#,
            true,
        ),
        (
            "eventName: 'Cre?teUser'",
            r#"{"eventName":"CreteUser"}"#,
            false,
        ),
        ("eventName: 'C*U?er'", r#"{"eventName":"CreateUser"}"#, true),
        (
            "eventName: 'C*U?er'",
            r#"{"eventName":"CreateUsers"}"#,
            false,
        ),
        ("eventName: '*'", r#"{"eventName":""}"#, true),
        // `\*` is a literal star.
        (r"userAgent: 'a\*b'", r#"{"userAgent":"a*b"}"#, true),
        (r"userAgent: 'a\*b'", r#"{"userAgent":"axxb"}"#, false),
        (r"userAgent: 'a\?b'", r#"{"userAgent":"a?b"}"#, true),
        (r"userAgent: 'a\?b'", r#"{"userAgent":"axb"}"#, false),
        // `\\*` is a backslash, then a wildcard.
        (
            r"userAgent: 'C:\\*'",
            r#"{"userAgent":"C:\\Windows"}"#,
            true,
        ),
        (r"userAgent: 'C:\\*'", r#"{"userAgent":"C:\\"}"#, true),
        (r"userAgent: 'C:\\*'", r#"{"userAgent":"C:Windows"}"#, false),
        // `\\\*` is a literal backslash and star.
        (r"userAgent: 'a\\\*'", r#"{"userAgent":"a\\*"}"#, true),
        (r"userAgent: 'a\\\*'", r#"{"userAgent":"a\\x"}"#, false),
        (r"userAgent: 'a\\\*'", r#"{"userAgent":"a\\"}"#, false),
        // A lone backslash before another character is literal.
        (
            r"userAgent: 'C:\Windows'",
            r#"{"userAgent":"c:\\windows"}"#,
            true,
        ),
        (
            r"userAgent: 'C:\Windows'",
            r#"{"userAgent":"C:Windows"}"#,
            false,
        ),
        // Wildcards stay live inside modifier values (reference notes §1.2 item 6).
        (
            "userAgent|contains: 'S3*Browser'",
            r#"{"userAgent":"x S3 Browser 9"}"#,
            true,
        ),
        (
            "userAgent|contains: 'S3*Browser'",
            r#"{"userAgent":"Browser S3"}"#,
            false,
        ),
        (
            "userAgent|contains: '*'",
            r#"{"userAgent":"anything"}"#,
            true,
        ),
        ("userAgent|contains: '*'", r#"{"userAgent":""}"#, true),
        ("userAgent|contains: '*'", r#"{"eventName":"x"}"#, false),
        ("userAgent|contains: '*'", r#"{"userAgent":null}"#, false),
        (r"userAgent|contains: '\*'", r#"{"userAgent":"a*b"}"#, true),
        (r"userAgent|contains: '\*'", r#"{"userAgent":"ab"}"#, false),
    ]);
}

#[test]
fn contains_startswith_endswith() {
    table(&[
        (
            "userAgent|contains: trufflehog",
            r#"{"userAgent":"TruffleHog/3.1"}"#,
            true,
        ),
        (
            "userAgent|contains: trufflehog",
            r#"{"userAgent":"truffle hog"}"#,
            false,
        ),
        (
            "eventName|startswith: 'Delete'",
            r#"{"eventName":"DeleteBucket"}"#,
            true,
        ),
        (
            "eventName|startswith: 'Delete'",
            r#"{"eventName":"BatchDelete"}"#,
            false,
        ),
        (
            "eventName|endswith: 'bucket'",
            r#"{"eventName":"DeleteBucket"}"#,
            true,
        ),
        (
            "eventName|endswith: 'bucket'",
            r#"{"eventName":"DeleteBuckets"}"#,
            false,
        ),
        (
            "eventName|startswith: 'De*te'",
            r#"{"eventName":"DeleteBucket"}"#,
            true,
        ),
        (
            "eventName|startswith: 'De*te'",
            r#"{"eventName":"Dxxtx"}"#,
            false,
        ),
        ("eventName|contains: ''", r#"{"eventName":"x"}"#, true),
        ("eventName|contains: ''", r#"{"eventSource":"x"}"#, false),
    ]);
}

#[test]
fn lists_and_all() {
    table(&[
        (
            "eventName: [CreateUser, DeleteUser]",
            r#"{"eventName":"deleteuser"}"#,
            true,
        ),
        (
            "eventName: [CreateUser, DeleteUser]",
            r#"{"eventName":"GetUser"}"#,
            false,
        ),
        (
            "userAgent|contains|all: [aws-cli, 'linux']",
            r#"{"userAgent":"aws-cli/2 os/Linux"}"#,
            true,
        ),
        (
            "userAgent|contains|all: [aws-cli, 'linux']",
            r#"{"userAgent":"aws-cli/2 os/windows"}"#,
            false,
        ),
        (
            "userAgent|contains: [boto3, 'aws-cli']",
            r#"{"userAgent":"Boto3/1"}"#,
            true,
        ),
        (
            "userAgent|contains: [boto3, 'aws-cli']",
            r#"{"userAgent":"console"}"#,
            false,
        ),
        // Each value of `all` may match a different element of an array.
        (
            "requestParameters.tags|all: [a, b]",
            r#"{"requestParameters":{"tags":["A","b"]}}"#,
            true,
        ),
        (
            "requestParameters.tags|all: [a, b]",
            r#"{"requestParameters":{"tags":["a","c"]}}"#,
            false,
        ),
    ]);
}

// ---------------------------------------------------------------------------------------------
// Null, missing, empty; neq; booleans and numbers as text

#[test]
fn null_missing_and_empty() {
    table(&[
        // `null` = missing or JSON null (reference notes §1.2 item 2).
        ("errorCode: null", r#"{"eventName":"DeleteBucket"}"#, true),
        ("errorCode: null", r#"{"errorCode":null}"#, true),
        ("errorCode: null", r#"{"errorCode":""}"#, false),
        ("errorCode: null", r#"{"errorCode":"AccessDenied"}"#, false),
        ("errorCode: null", r#"{"errorCode":[]}"#, false),
        ("errorCode: null", r#"{"errorCode":{}}"#, false),
        ("errorCode: null", r#"{"errorCode":0}"#, false),
        ("errorCode: null", r#"{"errorCode":false}"#, false),
        (
            "requestParameters.x: null",
            r#"{"requestParameters":null}"#,
            true,
        ),
        (
            "requestParameters.x: null",
            r#"{"requestParameters":{"x":null}}"#,
            true,
        ),
        (
            "requestParameters.x: null",
            r#"{"requestParameters":{"x":"v"}}"#,
            false,
        ),
        // Through arrays: some element's value is null, or no element has it at all.
        (
            "resources.ARN: null",
            r#"{"resources":[{"ARN":"a"},{"ARN":null}]}"#,
            true,
        ),
        (
            "resources.ARN: null",
            r#"{"resources":[{"ARN":"a"},{"type":"t"}]}"#,
            false,
        ),
        (
            "resources.ARN: null",
            r#"{"resources":[{"type":"t"}]}"#,
            true,
        ),
        // `''` is a value: it differs from null and from missing.
        ("errorCode: ''", r#"{"errorCode":""}"#, true),
        ("errorCode: ''", r#"{"eventName":"x"}"#, false),
        ("errorCode: ''", r#"{"errorCode":null}"#, false),
        ("errorCode: ''", r#"{"errorCode":"x"}"#, false),
        // `neq` negates the item: a missing field is "not equal".
        ("errorCode|neq: null", r#"{"errorCode":"x"}"#, true),
        ("errorCode|neq: null", r#"{"errorCode":null}"#, false),
        ("errorCode|neq: null", r#"{"eventName":"x"}"#, false),
    ]);
}

#[test]
fn neq_negates_the_item() {
    table(&[
        (
            "errorCode|neq: AccessDenied",
            r#"{"errorCode":"Throttling"}"#,
            true,
        ),
        (
            "errorCode|neq: AccessDenied",
            r#"{"errorCode":"accessdenied"}"#,
            false,
        ),
        ("errorCode|neq: AccessDenied", r#"{"eventName":"x"}"#, true),
        ("errorCode|neq: [A, B]", r#"{"errorCode":"b"}"#, false),
        ("errorCode|neq: [A, B]", r#"{"errorCode":"c"}"#, true),
        (
            "userAgent|neq|contains: aws",
            r#"{"userAgent":"AWS Internal"}"#,
            false,
        ),
        (
            "userAgent|neq|contains: aws",
            r#"{"userAgent":"curl"}"#,
            true,
        ),
    ]);
}

#[test]
fn booleans_and_numbers_compare_as_text() {
    table(&[
        // Quoted booleans match JSON booleans by text (reference notes §1.2 item 4).
        (
            "requestParameters.enable: 'false'",
            r#"{"requestParameters":{"enable":false}}"#,
            true,
        ),
        (
            "requestParameters.enable: 'false'",
            r#"{"requestParameters":{"enable":true}}"#,
            false,
        ),
        (
            "requestParameters.enable: 'false'",
            r#"{"requestParameters":{"enable":"False"}}"#,
            true,
        ),
        (
            "requestParameters.enable: 'false'",
            r#"{"requestParameters":{"enable":0}}"#,
            false,
        ),
        (
            "requestParameters.enable|cased: 'False'",
            r#"{"requestParameters":{"enable":false}}"#,
            false,
        ),
        (
            "responseElements.publiclyAccessible: 'true'",
            r#"{"responseElements":{"publiclyAccessible":true}}"#,
            true,
        ),
        // Unquoted YAML booleans: the same, by text.
        (
            "requestParameters.enable: false",
            r#"{"requestParameters":{"enable":false}}"#,
            true,
        ),
        (
            "requestParameters.enable: false",
            r#"{"requestParameters":{"enable":"false"}}"#,
            true,
        ),
        (
            "requestParameters.enable: false",
            r#"{"requestParameters":{"enable":true}}"#,
            false,
        ),
        ("readOnly|contains: ru", r#"{"readOnly":true}"#, true),
        // Unquoted numbers: by text, and numerically against JSON numbers.
        (
            "requestParameters.port: 22",
            r#"{"requestParameters":{"port":22}}"#,
            true,
        ),
        (
            "requestParameters.port: 22",
            r#"{"requestParameters":{"port":22.0}}"#,
            true,
        ),
        (
            "requestParameters.port: 22",
            r#"{"requestParameters":{"port":"22"}}"#,
            true,
        ),
        (
            "requestParameters.port: 22",
            r#"{"requestParameters":{"port":"22.0"}}"#,
            false,
        ),
        (
            "requestParameters.port: 22",
            r#"{"requestParameters":{"port":23}}"#,
            false,
        ),
        // Quoted numbers: by text only.
        (
            "requestParameters.port: '22'",
            r#"{"requestParameters":{"port":22}}"#,
            true,
        ),
        (
            "requestParameters.port: '22'",
            r#"{"requestParameters":{"port":22.0}}"#,
            false,
        ),
        (
            "requestParameters.port|startswith: '2'",
            r#"{"requestParameters":{"port":22}}"#,
            true,
        ),
        (
            "requestParameters.port: [22, 3389]",
            r#"{"requestParameters":{"port":3389}}"#,
            true,
        ),
        (
            "requestParameters.port: [22, 3389]",
            r#"{"requestParameters":{"port":80}}"#,
            false,
        ),
    ]);
}

#[test]
fn arrays_match_any_element() {
    table(&[
        (
            "requestParameters.layers|contains: 'layer:evil'",
            r#"{"requestParameters":{"layers":["arn:aws:lambda:us-east-1:1:layer:good:1","arn:aws:lambda:us-east-1:2:layer:evil:3"]}}"#,
            true,
        ),
        (
            "requestParameters.layers|contains: 'layer:evil'",
            r#"{"requestParameters":{"layers":["arn:aws:lambda:us-east-1:1:layer:good:1"]}}"#,
            false,
        ),
        (
            "requestParameters.layers|contains: 'x'",
            r#"{"requestParameters":{"layers":[]}}"#,
            false,
        ),
        (
            "resources.ARN: 'arn:2'",
            r#"{"resources":[{"ARN":"arn:1"},{"ARN":"arn:2"}]}"#,
            true,
        ),
        (
            "resources.ARN: 'arn:3'",
            r#"{"resources":[{"ARN":"arn:1"},{"ARN":"arn:2"}]}"#,
            false,
        ),
        (
            "requestParameters.containerDefinitions.command|contains: '$AWS_CONTAINER_CREDENTIALS_RELATIVE_URI'",
            r#"{"requestParameters":{"containerDefinitions":[{"command":["sh","-c","curl 169.254.170.2$AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"]}]}}"#,
            true,
        ),
        ("x: a", r#"{"x":[["b"],["A"]]}"#, true),
        ("x: a", r#"{"x":[null,"b"]}"#, false),
    ]);
}

// ---------------------------------------------------------------------------------------------
// Objects as JSON text

/// A PutUserPolicy record as CloudTrail writes it: `policyDocument` is a JSON document inside a
/// string, so its quotes are escaped in the record's text.
const PUT_USER_POLICY: &str = r#"{"eventSource":"iam.amazonaws.com","eventName":"PutUserPolicy","userAgent":"S3 Browser 11.5.7 https://s3browser.com","requestParameters":{"userName":"bob","policyName":"s3browser","policyDocument":"{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n      \"Effect\": \"Allow\",\n      \"Action\": [\"s3:GetObject\", \"s3:PutObject\"],\n      \"Resource\": \"arn:aws:s3:::<YOUR-BUCKET-NAME>/*\"\n    }\n  ]\n}"}}"#;

/// The detection of the corpus rule `aws_iam_s3browser_templated_s3_bucket_policy_creation.yml`.
const S3_BROWSER_POLICY: &str = "selection:
    eventSource: iam.amazonaws.com
    eventName: PutUserPolicy
    userAgent|contains: 'S3 Browser'
    requestParameters|contains|all:
        - '\"arn:aws:s3:::<YOUR-BUCKET-NAME>/*\"'
        - '\"s3:GetObject\"'
        - '\"Allow\"'
condition: selection
";

#[test]
fn objects_match_by_their_json_text() {
    table(&[
        // Delimiter quotes of the object's own text are written as they are.
        (
            r#"requestParameters|contains: '"userName":"bob"'"#,
            r#"{"requestParameters":{"userName":"bob","n":1}}"#,
            true,
        ),
        (
            r#"requestParameters|contains: '"userName":"bob"'"#,
            r#"{"requestParameters":{"userName":"alice"}}"#,
            false,
        ),
        (
            "requestParameters|contains: '\"n\":1}'",
            r#"{"requestParameters":{"userName":"bob","n":1}}"#,
            true,
        ),
        (
            "requestParameters|startswith: '{\"a\"'",
            r#"{"requestParameters":{"a":{"b":[1,true,null]}}}"#,
            true,
        ),
        (
            "requestParameters: '{\"a\":{\"b\":[1,true,null]}}'",
            r#"{"requestParameters":{"a":{"b":[1,true,null]}}}"#,
            true,
        ),
        (
            "requestParameters: '{\"a\":{\"b\":[1,true,null]}}'",
            r#"{"requestParameters":{"a":{"b":[1, true, null]}}}"#,
            true,
        ),
        (
            "requestParameters|contains: 'userName'",
            r#"{"requestParameters":null}"#,
            false,
        ),
        // A JSON document inside a string: the rule's quotes also match in escaped form.
        (S3_BROWSER_POLICY, PUT_USER_POLICY, true),
        (
            r#"requestParameters|contains: '"s3:GetObject"'"#,
            PUT_USER_POLICY,
            true,
        ),
        (
            r#"requestParameters|contains: '"s3:DeleteObject"'"#,
            PUT_USER_POLICY,
            false,
        ),
        (
            r#"requestParameters|contains|all: ['"s3:GetObject"', '"Deny"']"#,
            PUT_USER_POLICY,
            false,
        ),
        // Partial quotes: `Action"` is found (as `Action\"`), `"Action: ` is not (the policy has
        // `"Action": `).
        (
            r#"requestParameters|contains: 'Action"'"#,
            PUT_USER_POLICY,
            true,
        ),
        (
            r#"requestParameters|contains: '"Action: '"#,
            PUT_USER_POLICY,
            false,
        ),
        // The string field itself holds the document unescaped.
        (
            r#"requestParameters.policyDocument|contains: '"Effect": "Allow"'"#,
            PUT_USER_POLICY,
            true,
        ),
        // Backslashes inside object strings are escaped in the text; the rule writes them once.
        (
            r"requestParameters|contains: 'C:\Windows\'",
            r#"{"requestParameters":{"path":"C:\\Windows\\x"}}"#,
            true,
        ),
        (
            r"requestParameters|contains: 'C:\Temp'",
            r#"{"requestParameters":{"path":"C:\\Windows\\x"}}"#,
            false,
        ),
    ]);
}

#[test]
fn chainsaw_compat_changes_exactly_three_things() {
    let chainsaw = CompileOptions {
        semantics: ValueSemantics::ChainsawCompat,
        ..CompileOptions::default()
    };
    table_with(
        &[
            // null matches only an explicit JSON null.
            ("errorCode: null", r#"{"eventName":"DeleteBucket"}"#, false),
            ("errorCode: null", r#"{"errorCode":null}"#, true),
            // No boolean to text coercion.
            (
                "requestParameters.enable: 'false'",
                r#"{"requestParameters":{"enable":false}}"#,
                false,
            ),
            (
                "requestParameters.enable: 'false'",
                r#"{"requestParameters":{"enable":"false"}}"#,
                true,
            ),
            (
                "requestParameters.enable: false",
                r#"{"requestParameters":{"enable":false}}"#,
                true,
            ),
            (
                "requestParameters.enable: false",
                r#"{"requestParameters":{"enable":"false"}}"#,
                false,
            ),
            // Objects have no text.
            (S3_BROWSER_POLICY, PUT_USER_POLICY, false),
            (
                r#"requestParameters|contains: '"userName":"bob"'"#,
                r#"{"requestParameters":{"userName":"bob"}}"#,
                false,
            ),
            // Unchanged: case, numbers as text, strings.
            (
                "eventName: createuser",
                r#"{"eventName":"CreateUser"}"#,
                true,
            ),
            (
                "requestParameters.port: '22'",
                r#"{"requestParameters":{"port":22}}"#,
                true,
            ),
            (
                "requestParameters.policyDocument|contains: 'Allow'",
                PUT_USER_POLICY,
                true,
            ),
        ],
        &chainsaw,
    );
}

#[test]
fn json_escaping_agrees_with_the_object_serialiser() {
    assert_eq!(json_escaped("plain"), None);
    assert_eq!(json_escaped("é/ü"), None);
    assert_eq!(json_escaped("\"a\\b\"").as_deref(), Some("\\\"a\\\\b\\\""));
    // Whatever a string holds, its escaped form is what the object's JSON text contains.
    for s in [
        "\"q\"",
        "back\\slash",
        "new\nline\ttab\r",
        "ctl\u{1}\u{1f}\u{8}\u{c}",
        "é \"x\" /",
    ] {
        let event = format!(
            r#"{{"requestParameters":{{"k":{}}}}}"#,
            serde_json_string(s)
        );
        let ev = Event::parse(&event).unwrap_or_else(|e| panic!("{e}"));
        let text = raw_field("requestParameters")
            .first(&ev)
            .and_then(|v| v.to_text())
            .unwrap_or_default();
        let needle = json_escaped(s).unwrap_or_else(|| s.to_string());
        assert!(text.contains(&needle), "{text} lacks {needle}");
    }
}

/// A JSON string literal for `s` (test helper; independent of the code under test).
fn serde_json_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c < ' ' => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

// ---------------------------------------------------------------------------------------------
// Regular expressions, CIDR, numbers, exists, fieldref, encodings, time

#[test]
fn regular_expressions() {
    table(&[
        // Searched unanchored, case-sensitive unless `i`.
        (
            "eventName|re: 'User$'",
            r#"{"eventName":"CreateUser"}"#,
            true,
        ),
        (
            "eventName|re: '^User'",
            r#"{"eventName":"CreateUser"}"#,
            false,
        ),
        (
            "eventName|re: 'eate'",
            r#"{"eventName":"CreateUser"}"#,
            true,
        ),
        (
            "eventName|re: 'createuser'",
            r#"{"eventName":"CreateUser"}"#,
            false,
        ),
        (
            "eventName|re|i: 'createuser'",
            r#"{"eventName":"CreateUser"}"#,
            true,
        ),
        (
            "eventName|re: '^Create(User|Role)$'",
            r#"{"eventName":"CreateRole"}"#,
            true,
        ),
        (
            "eventName|re: '^Create(User|Role)$'",
            r#"{"eventName":"CreateRoles"}"#,
            false,
        ),
        // `m`: anchors at line ends; `s`: dot matches newline.
        ("errorMessage|re: '^b'", r#"{"errorMessage":"a\nb"}"#, false),
        (
            "errorMessage|re|m: '^b'",
            r#"{"errorMessage":"a\nb"}"#,
            true,
        ),
        (
            "errorMessage|re: 'a.b'",
            r#"{"errorMessage":"a\nb"}"#,
            false,
        ),
        (
            "errorMessage|re|s: 'a.b'",
            r#"{"errorMessage":"a\nb"}"#,
            true,
        ),
        // Lists, `all`, numbers and objects by text.
        (
            "eventName|re: ['^Get', '^List']",
            r#"{"eventName":"ListUsers"}"#,
            true,
        ),
        (
            "eventName|re|all: ['^Get', 'Users$']",
            r#"{"eventName":"ListUsers"}"#,
            false,
        ),
        (
            "eventName|re|all: ['^List', 'Users$']",
            r#"{"eventName":"ListUsers"}"#,
            true,
        ),
        (
            "requestParameters.port|re: '^2[0-9]$'",
            r#"{"requestParameters":{"port":22}}"#,
            true,
        ),
        (
            "requestParameters|re: '\"port\":22'",
            r#"{"requestParameters":{"port":22}}"#,
            true,
        ),
        ("eventName|re: 'x'", r#"{"eventSource":"x"}"#, false),
        (
            "eventName|re|neq: '^Get'",
            r#"{"eventName":"ListUsers"}"#,
            true,
        ),
    ]);
}

#[test]
fn regex_constructs_rust_lacks_are_rejected_with_a_diagnostic() {
    for (re, why) in [
        ("(?=x)", "look-around"),
        ("(?<!x)y", "look-around"),
        ("(a)\\1", "backreferences"),
    ] {
        let text = rule_text(&sel(&format!("eventName|re: '{re}'")));
        let errs = parse(&text, &LoadOptions::default())
            .err()
            .unwrap_or_default();
        assert_eq!(
            errs.iter().map(|d| d.code).collect::<Vec<_>>(),
            ["sigma::bad_regex"],
            "{re}"
        );
        assert!(
            errs.iter().any(|d| d.message.contains(why)),
            "{re}: {:?}",
            errs
        );
    }
}

#[test]
fn regexes_too_large_for_rust_are_compile_errors() {
    let text = rule_text(&sel(r"eventName|re: '\w{1000}{100}'"));
    let file = load(&text, &LoadOptions::default());
    let errs = compile_rule(first_rule(&file), &CompileOptions::default())
        .err()
        .unwrap_or_default();
    assert_eq!(
        errs.iter().map(|d| d.code).collect::<Vec<_>>(),
        ["sigma::bad_regex"]
    );
    let at = errs.first().map_or(0, |d| d.span.start);
    assert_eq!(text.get(at..at + 1), Some("'"), "points at the value");
}

#[test]
fn cidr() {
    table(&[
        (
            "sourceIPAddress|cidr: 10.0.0.0/8",
            r#"{"sourceIPAddress":"10.1.2.3"}"#,
            true,
        ),
        (
            "sourceIPAddress|cidr: 10.0.0.0/8",
            r#"{"sourceIPAddress":"11.1.2.3"}"#,
            false,
        ),
        (
            "sourceIPAddress|cidr: 10.0.0.0/8",
            r#"{"sourceIPAddress":"AWS Internal"}"#,
            false,
        ),
        (
            "sourceIPAddress|cidr: 10.0.0.0/8",
            r#"{"sourceIPAddress":"ec2.amazonaws.com"}"#,
            false,
        ),
        (
            "sourceIPAddress|cidr: 10.0.0.0/8",
            r#"{"eventName":"x"}"#,
            false,
        ),
        (
            "sourceIPAddress|cidr: ['192.168.0.0/16', '2001:db8::/32']",
            r#"{"sourceIPAddress":"2001:db8::7"}"#,
            true,
        ),
        (
            "sourceIPAddress|cidr: ['192.168.0.0/16', '2001:db8::/32']",
            r#"{"sourceIPAddress":"2001:db9::7"}"#,
            false,
        ),
        (
            "sourceIPAddress|cidr: 1.2.3.4",
            r#"{"sourceIPAddress":"1.2.3.4"}"#,
            true,
        ),
        (
            "sourceIPAddress|cidr|all: ['10.0.0.0/8', '10.1.0.0/16']",
            r#"{"sourceIPAddress":"10.1.9.9"}"#,
            true,
        ),
        (
            "sourceIPAddress|cidr|all: ['10.0.0.0/8', '10.1.0.0/16']",
            r#"{"sourceIPAddress":"10.2.9.9"}"#,
            false,
        ),
        (
            "sourceIPAddress|cidr|neq: 10.0.0.0/8",
            r#"{"sourceIPAddress":"8.8.8.8"}"#,
            true,
        ),
    ]);
}

#[test]
fn numeric_comparisons() {
    table(&[
        (
            "requestParameters.maxResults|gt: 100",
            r#"{"requestParameters":{"maxResults":101}}"#,
            true,
        ),
        (
            "requestParameters.maxResults|gt: 100",
            r#"{"requestParameters":{"maxResults":100}}"#,
            false,
        ),
        (
            "requestParameters.maxResults|gte: 100",
            r#"{"requestParameters":{"maxResults":100}}"#,
            true,
        ),
        (
            "requestParameters.maxResults|gte: 100",
            r#"{"requestParameters":{"maxResults":99.5}}"#,
            false,
        ),
        (
            "requestParameters.maxResults|lt: 10",
            r#"{"requestParameters":{"maxResults":9}}"#,
            true,
        ),
        (
            "requestParameters.maxResults|lt: 10",
            r#"{"requestParameters":{"maxResults":10}}"#,
            false,
        ),
        (
            "requestParameters.maxResults|lte: 10",
            r#"{"requestParameters":{"maxResults":10}}"#,
            true,
        ),
        (
            "requestParameters.maxResults|lte: 10",
            r#"{"requestParameters":{"maxResults":11}}"#,
            false,
        ),
        // Numeric text counts; other text, booleans and missing fields do not.
        (
            "requestParameters.maxResults|gt: 100",
            r#"{"requestParameters":{"maxResults":"1000"}}"#,
            true,
        ),
        (
            "requestParameters.maxResults|gt: 100",
            r#"{"requestParameters":{"maxResults":"many"}}"#,
            false,
        ),
        (
            "requestParameters.maxResults|gt: 0",
            r#"{"requestParameters":{"maxResults":true}}"#,
            false,
        ),
        (
            "requestParameters.maxResults|gt: 0",
            r#"{"requestParameters":{}}"#,
            false,
        ),
        (
            "requestParameters.maxResults|gt: 1.5",
            r#"{"requestParameters":{"maxResults":2}}"#,
            true,
        ),
        (
            "requestParameters.sizes|gt: 5",
            r#"{"requestParameters":{"sizes":[1,2,9]}}"#,
            true,
        ),
        (
            "requestParameters.sizes|gt: 10",
            r#"{"requestParameters":{"sizes":[1,2,9]}}"#,
            false,
        ),
        (
            "requestParameters.maxResults|gt: [5, 500]",
            r#"{"requestParameters":{"maxResults":6}}"#,
            true,
        ),
        (
            "requestParameters.maxResults|gt|all: [5, 500]",
            r#"{"requestParameters":{"maxResults":6}}"#,
            false,
        ),
    ]);
}

#[test]
fn exists() {
    table(&[
        ("errorCode|exists: true", r#"{"errorCode":"x"}"#, true),
        ("errorCode|exists: true", r#"{"errorCode":""}"#, true),
        ("errorCode|exists: true", r#"{"errorCode":null}"#, true),
        ("errorCode|exists: true", r#"{"errorCode":[]}"#, true),
        ("errorCode|exists: true", r#"{"eventName":"x"}"#, false),
        ("errorCode|exists: false", r#"{"eventName":"x"}"#, true),
        ("errorCode|exists: false", r#"{"errorCode":"x"}"#, false),
        (
            "requestParameters.a.b|exists: true",
            r#"{"requestParameters":{"a":{"b":1}}}"#,
            true,
        ),
        (
            "requestParameters.a.b|exists: true",
            r#"{"requestParameters":{"a":{"c":1}}}"#,
            false,
        ),
        (
            "resources.ARN|exists: true",
            r#"{"resources":[{"type":"t"},{"ARN":"a"}]}"#,
            true,
        ),
    ]);
}

#[test]
fn field_references() {
    table(&[
        // The corpus rule aws_update_login_profile.yml: not (arn == userName).
        (
            "userIdentity.arn|fieldref: requestParameters.userName",
            r#"{"userIdentity":{"arn":"Bob"},"requestParameters":{"userName":"bob"}}"#,
            true,
        ),
        (
            "userIdentity.arn|fieldref: requestParameters.userName",
            r#"{"userIdentity":{"arn":"arn:aws:iam::1:user/bob"},"requestParameters":{"userName":"bob"}}"#,
            false,
        ),
        (
            "userIdentity.arn|fieldref: requestParameters.userName",
            r#"{"userIdentity":{"arn":"bob"}}"#,
            false,
        ),
        (
            "userIdentity.arn|fieldref|cased: requestParameters.userName",
            r#"{"userIdentity":{"arn":"Bob"},"requestParameters":{"userName":"bob"}}"#,
            false,
        ),
        (
            "userIdentity.arn|fieldref|endswith: requestParameters.userName",
            r#"{"userIdentity":{"arn":"arn:aws:iam::1:user/Bob"},"requestParameters":{"userName":"bob"}}"#,
            true,
        ),
        (
            "userIdentity.arn|fieldref|endswith: requestParameters.userName",
            r#"{"userIdentity":{"arn":"arn:aws:iam::1:user/bob2"},"requestParameters":{"userName":"bob"}}"#,
            false,
        ),
        (
            "userIdentity.arn|fieldref|startswith: requestParameters.userName",
            r#"{"userIdentity":{"arn":"bob/x"},"requestParameters":{"userName":"bob"}}"#,
            true,
        ),
        (
            "userIdentity.arn|fieldref|contains: requestParameters.userName",
            r#"{"userIdentity":{"arn":"x/bob/y"},"requestParameters":{"userName":"BOB"}}"#,
            true,
        ),
        (
            "userIdentity.arn|fieldref|contains: requestParameters.userName",
            r#"{"userIdentity":{"arn":"x/alice/y"},"requestParameters":{"userName":"bob"}}"#,
            false,
        ),
        // With neq: a missing referenced field makes the item true.
        (
            "userIdentity.arn|fieldref|neq: requestParameters.userName",
            r#"{"userIdentity":{"arn":"bob"}}"#,
            true,
        ),
        (
            "userIdentity.arn|fieldref|neq: requestParameters.userName",
            r#"{"userIdentity":{"arn":"bob"},"requestParameters":{"userName":"bob"}}"#,
            false,
        ),
        // Several references: any, or every one with `all`; numbers by text.
        ("a|fieldref: [b, c]", r#"{"a":"1","c":1}"#, true),
        ("a|fieldref|all: [b, c]", r#"{"a":"1","c":1}"#, false),
        ("a|fieldref|all: [b, c]", r#"{"a":"1","b":"1","c":1}"#, true),
        ("a|fieldref: b", r#"{"a":["x","y"],"b":["z","Y"]}"#, true),
        ("a|fieldref: b", r#"{"a":null,"b":null}"#, false),
    ]);
    // The rule written before `fieldref` existed compares with the literal text.
    table(&[(
        "userIdentity.arn|contains: responseElements.accessKey.userName",
        r#"{"userIdentity":{"arn":"arn:aws:iam::1:user/bob"},"responseElements":{"accessKey":{"userName":"bob"}}}"#,
        false,
    )]);
}

#[test]
fn encodings_and_windash() {
    // `abc` is `YWJj` in Base64; the offsets of `http` inside longer encodings are `aHR0cA`,
    // `h0dH`, `odHRw`.
    table(&[
        (
            "requestParameters.userData|base64: abc",
            r#"{"requestParameters":{"userData":"YWJj"}}"#,
            true,
        ),
        (
            "requestParameters.userData|base64: abc",
            r#"{"requestParameters":{"userData":"ywjj"}}"#,
            true,
        ),
        (
            "requestParameters.userData|base64: abc",
            r#"{"requestParameters":{"userData":"YWJk"}}"#,
            false,
        ),
        (
            "requestParameters.userData|base64|cased: abc",
            r#"{"requestParameters":{"userData":"ywjj"}}"#,
            false,
        ),
        (
            "requestParameters.userData|base64|contains: abc",
            r#"{"requestParameters":{"userData":"xxYWJjxx"}}"#,
            true,
        ),
        (
            "requestParameters.userData|base64offset|contains: http",
            r#"{"requestParameters":{"userData":"IyEvYmluL3NoCmN1cmwgaHR0cDovL3g="}}"#,
            true,
        ),
        (
            "requestParameters.userData|base64offset|contains: http",
            r#"{"requestParameters":{"userData":"IyEvYmluL3NoCmN1cmwgZnRwOi8veA=="}}"#,
            false,
        ),
        (
            "requestParameters.userData|base64offset|contains: 'curl '",
            r#"{"requestParameters":{"userData":"IyEvYmluL3NoCmN1cmwgaHR0cDovL3g="}}"#,
            true,
        ),
        // UTF-16LE `ab` is 61 00 62 00: Base64 `YQBiAA==`.
        (
            "requestParameters.userData|utf16le|base64: ab",
            r#"{"requestParameters":{"userData":"YQBiAA=="}}"#,
            true,
        ),
        (
            "requestParameters.userData|utf16be|base64: ab",
            r#"{"requestParameters":{"userData":"YQBiAA=="}}"#,
            false,
        ),
        (
            "requestParameters.userData|wide|base64offset|contains: ab",
            r#"{"requestParameters":{"userData":"xxYQBiAA"}}"#,
            true,
        ),
        // windash: `-p` also as `/p` and the Unicode dashes.
        (
            "requestParameters.command|windash|contains: ' -p'",
            r#"{"requestParameters":{"command":"run /p x"}}"#,
            true,
        ),
        (
            "requestParameters.command|windash|contains: ' -p'",
            "{\"requestParameters\":{\"command\":\"run \u{2013}p x\"}}",
            true,
        ),
        (
            "requestParameters.command|windash|contains: ' -p'",
            r#"{"requestParameters":{"command":"run p x"}}"#,
            false,
        ),
    ]);
}

#[test]
fn placeholders_expand_from_the_load_options() {
    let text = rule_text(&sel("sourceIPAddress|expand: '%Trusted%'"));
    let mut placeholders = BTreeMap::new();
    placeholders.insert(
        "Trusted".to_string(),
        vec!["10.*".to_string(), "192.168.1.1".to_string()],
    );
    let file = load(&text, &LoadOptions { placeholders });
    let r = compile_rule(first_rule(&file), &CompileOptions::default())
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert!(eval(&r.pred, r#"{"sourceIPAddress":"10.9.9.9"}"#));
    assert!(eval(&r.pred, r#"{"sourceIPAddress":"192.168.1.1"}"#));
    assert!(!eval(&r.pred, r#"{"sourceIPAddress":"192.168.1.2"}"#));
}

#[test]
fn timestamp_parts() {
    let ev = r#"{"eventTime":"2024-08-18T11:47:32Z","epoch":1723981652}"#;
    table(&[
        ("eventTime|hour: 11", ev, true),
        ("eventTime|hour: 12", ev, false),
        ("eventTime|minute: 47", ev, true),
        ("eventTime|day: 18", ev, true),
        ("eventTime|month: 8", ev, true),
        ("eventTime|year: 2024", ev, true),
        ("eventTime|week: 33", ev, true),
        ("eventTime|week: 34", ev, false),
        ("eventTime|hour|gte: 22", ev, false),
        ("eventTime|hour|lt: 12", ev, true),
        ("epoch|hour: 11", ev, true),
        ("eventTime|hour: [1, 11]", ev, true),
        ("eventName|hour: 11", r#"{"eventName":"CreateUser"}"#, false),
    ]);
}

// ---------------------------------------------------------------------------------------------
// Keywords

#[test]
fn keywords_search_every_value() {
    let ev = r#"{"eventName":"CreateUser","userAgent":"Mozilla","requestParameters":{"userName":"EvilBob","tags":[{"k":"team"}],"n":12345,"flag":true,"none":null}}"#;
    table(&[
        ("keywords: evilbob\ncondition: keywords", ev, true),
        (
            "keywords: [nothing, mozilla]\ncondition: keywords",
            ev,
            true,
        ),
        ("keywords: [nothing, else]\ncondition: keywords", ev, false),
        // Keys are not values.
        ("keywords: userName\ncondition: keywords", ev, false),
        // Nested arrays and objects are searched; numbers and booleans by text.
        ("keywords: team\ncondition: keywords", ev, true),
        ("keywords: 234\ncondition: keywords", ev, true),
        ("keywords: 'rue'\ncondition: keywords", ev, true),
        ("keywords: 'null'\ncondition: keywords", ev, false),
        // Wildcards, `all` (values may sit in different fields), `cased`, `re`, `neq`-free negation.
        ("keywords: 'Evil*Bob'\ncondition: keywords", ev, true),
        ("keywords: 'Evil?Bob'\ncondition: keywords", ev, false),
        (
            "keywords:\n    '|all': [evil, mozilla]\ncondition: keywords",
            ev,
            true,
        ),
        (
            "keywords:\n    '|all': [evil, chrome]\ncondition: keywords",
            ev,
            false,
        ),
        (
            "keywords:\n    '|cased': evilbob\ncondition: keywords",
            ev,
            false,
        ),
        (
            "keywords:\n    '|cased': EvilBob\ncondition: keywords",
            ev,
            true,
        ),
        (
            "keywords:\n    '|re': '^Evil'\ncondition: keywords",
            ev,
            true,
        ),
        (
            "keywords:\n    '|re': '^evil'\ncondition: keywords",
            ev,
            false,
        ),
        ("keywords: evil\ncondition: not keywords", ev, false),
        // A keyword and a field condition together.
        (
            "keywords: evil\nselection:\n    eventName: CreateUser\ncondition: keywords and selection",
            ev,
            true,
        ),
    ]);
}

// ---------------------------------------------------------------------------------------------
// Conditions

const A: &str = r#"{"eventName":"A"}"#;
const AB: &str = r#"{"eventName":"A","eventSource":"B"}"#;
const B: &str = r#"{"eventSource":"B"}"#;
const NONE: &str = r#"{"awsRegion":"x"}"#;

/// Identifiers `a` (eventName A), `b` (eventSource B), `c` (awsRegion C), plus the condition.
fn abc(condition: &str) -> String {
    format!(
        "a:\n    eventName: A\nb:\n    eventSource: B\nc:\n    awsRegion: C\ncondition: {condition}\n"
    )
}

#[test]
fn boolean_operators_and_precedence() {
    let rows: Vec<(String, &str, bool)> = vec![
        (abc("a and b"), AB, true),
        (abc("a and b"), A, false),
        (abc("a or b"), B, true),
        (abc("a or b"), NONE, false),
        (abc("not a"), B, true),
        (abc("not a"), AB, false),
        // `and` binds tighter than `or`: a or (b and c).
        (abc("a or b and c"), A, true),
        (abc("a or b and c"), B, false),
        (abc("(a or b) and c"), A, false),
        // `not` binds tighter than `and`: (not a) and b.
        (abc("not a and b"), B, true),
        (abc("not a and b"), AB, false),
        (abc("not (a and b)"), A, true),
        (abc("not (a and b)"), AB, false),
        (abc("not not a"), A, true),
        (abc("a and not b"), A, true),
        (abc("a and not b"), AB, false),
    ];
    let rows: Vec<(&str, &str, bool)> = rows.iter().map(|(d, e, w)| (d.as_str(), *e, *w)).collect();
    table(&rows);
}

#[test]
fn quantified_conditions() {
    let det = |condition: &str| {
        format!(
            "selection_a:\n    eventName: A\nselection_b:\n    eventSource: B\nfilter_c:\n    awsRegion: C\n_hidden:\n    userAgent: U\ncondition: {condition}\n"
        )
    };
    let abc_ev = r#"{"eventName":"A","eventSource":"B","awsRegion":"C"}"#;
    let rows: Vec<(String, &str, bool)> = vec![
        (det("1 of selection_*"), B, true),
        (det("1 of selection_*"), NONE, false),
        (det("any of selection_*"), A, true),
        (det("all of selection_*"), AB, true),
        (det("all of selection_*"), A, false),
        (det("1 of *_b"), B, true),
        (det("1 of sel*_a"), B, false),
        (det("1 of them"), r#"{"awsRegion":"C"}"#, true),
        (det("1 of them"), r#"{"userAgent":"U"}"#, false),
        (det("all of them"), abc_ev, true),
        (det("all of them"), AB, false),
        // `_`-prefixed identifiers only through a pattern that starts with `_`.
        (det("1 of _*"), r#"{"userAgent":"U"}"#, true),
        // N of.
        (det("2 of them"), AB, true),
        (det("2 of them"), A, false),
        (det("3 of them"), abc_ev, true),
        (det("4 of them"), abc_ev, false),
        // Combined with other operators (the corpus shape).
        (det("selection_a and not 1 of filter_*"), A, true),
        (
            det("selection_a and not 1 of filter_*"),
            r#"{"eventName":"A","awsRegion":"C"}"#,
            false,
        ),
    ];
    let rows: Vec<(&str, &str, bool)> = rows.iter().map(|(d, e, w)| (d.as_str(), *e, *w)).collect();
    table(&rows);
}

#[test]
fn condition_lists_are_or_linked() {
    let det = "a:\n    eventName: A\nb:\n    eventSource: B\ncondition:\n    - a\n    - b\n";
    table(&[(det, A, true), (det, B, true), (det, NONE, false)]);
}

#[test]
fn search_identifier_shapes() {
    let det = "selection:\n    - eventName: A\n      awsRegion: R\n    - eventSource: B\ncondition: selection\n";
    table(&[
        (det, r#"{"eventName":"A","awsRegion":"R"}"#, true),
        (det, A, false),
        (det, B, true),
    ]);
}

// ---------------------------------------------------------------------------------------------
// Rule-level behaviour: mapping, routing, legacy constructs, lints

#[test]
fn field_mapping_pipeline_renames_before_compiling() {
    let pipeline = parse_pipeline(
        "logsource: {product: aws, service: cloudtrail}\nfield_mappings:\n  src_ip: sourceIPAddress\n",
    )
    .unwrap_or_else(|e| panic!("{e:?}"));
    let opts = CompileOptions {
        pipeline: Some(pipeline),
        ..CompileOptions::default()
    };
    let r = compile_with(&sel("src_ip|cidr: 10.0.0.0/8"), &opts);
    assert!(eval(&r.pred, r#"{"sourceIPAddress":"10.0.0.1"}"#));
    assert!(!eval(&r.pred, r#"{"src_ip":"10.0.0.1"}"#));
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    // Without the mapping the item reads `src_ip`, which CloudTrail records do not have.
    let unmapped = compile(&sel("src_ip|cidr: 10.0.0.0/8"));
    assert_eq!(
        unmapped.warnings.iter().map(|d| d.code).collect::<Vec<_>>(),
        ["sigma::lint_unknown_cloudtrail_field"]
    );
}

#[test]
fn logsource_routing() {
    let cases = [
        ("product: aws\n    service: cloudtrail", Ok(())),
        ("category: api\n    product: aws\n    service: cloudtrail", Ok(())),
        (
            "product: aws",
            Err("not applicable: logsource {product: aws} is not {product: aws, service: cloudtrail}".to_string()),
        ),
        (
            "product: windows\n    service: security",
            Err("not applicable: logsource {product: windows, service: security} is not {product: aws, service: cloudtrail}".to_string()),
        ),
        (
            "product: AWS\n    service: CloudTrail",
            Err("not applicable: logsource {product: AWS, service: CloudTrail} is not {product: aws, service: cloudtrail}".to_string()),
        ),
    ];
    for (ls, want) in cases {
        let text = format!(
            "title: t\nlogsource:\n    {ls}\ndetection:\n    selection:\n        status: x\n    condition: selection\n"
        );
        let file = load(&text, &LoadOptions::default());
        let r = compile_rule(first_rule(&file), &CompileOptions::default())
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(r.applies_to_cloudtrail(), want, "{ls}");
        // The CloudTrail field lint only runs for CloudTrail rules.
        assert_eq!(r.warnings.is_empty(), want.is_err(), "{ls}");
    }
}

#[test]
fn legacy_constructs_are_classified() {
    let kind = |det: &str| compile(det).kind;
    let count = kind(
        "selection:\n    eventName: A\ntimeframe: 10m\ncondition: selection | count() by sourceIPAddress > 5\n",
    );
    match count {
        RuleKind::Aggregation(lc) => {
            assert_eq!(lc.kind, crate::CorrelationType::EventCount);
            assert_eq!(lc.group_by, ["sourceIPAddress"]);
            assert_eq!(lc.timespan.seconds(), Some(600));
        }
        other => panic!("{other:?}"),
    }
    let cases = [
        (
            "a:\n    eventName: A\nb:\n    eventName: B\ncondition: a | near b\n",
            LegacyRejection::Near,
        ),
        (
            "a:\n    eventName: A\nb:\n    eventName: B\ntimeframe: 5m\ncondition: a and b\n",
            LegacyRejection::TimeframeWithoutAggregation,
        ),
        (
            "a:\n    eventName: A\ncondition: a | count() > 5\n",
            LegacyRejection::MissingTimeframe,
        ),
        (
            "a:\n    eventName: A\ntimeframe: 5m\ncondition: a | max(x) > 5\n",
            LegacyRejection::NoCorrelationType(crate::AggFunc::Max),
        ),
        (
            "a:\n    eventName: A\ntimeframe: 5m\ncondition:\n    - a | count() > 5\n    - a\n",
            LegacyRejection::AggregationInConditionList,
        ),
    ];
    for (det, why) in cases {
        assert_eq!(kind(det), RuleKind::Unsupported(why), "{det}");
    }
    assert_eq!(kind(&sel("eventName: A")), RuleKind::Event);
    // The event filter of an aggregation is the expression before `|`.
    let r = compile(
        "selection:\n    eventName: A\ntimeframe: 10m\ncondition: selection | count() > 5\n",
    );
    assert!(eval(&r.pred, A));
    assert!(!eval(&r.pred, B));
}

#[test]
fn compiled_rules_keep_their_identity() {
    let r = compile(&sel("eventName: A"));
    assert_eq!(r.title, "spec");
    assert_eq!(
        r.id.as_deref(),
        Some("00000000-0000-0000-0000-000000000001")
    );
    assert_eq!(r.name.as_deref(), Some("spec_rule"));
    assert!(r.is_named("spec_rule") && r.is_named("00000000-0000-0000-0000-000000000001"));
    assert!(!r.is_named("spec"));
}

// ---------------------------------------------------------------------------------------------
// Filters

fn filter_docs(text: &str) -> Vec<crate::FilterRule> {
    load(text, &LoadOptions::default())
        .documents
        .into_iter()
        .filter_map(|d| match d {
            Document::Filter(f) => Some(*f),
            _ => None,
        })
        .collect()
}

#[test]
fn filters_apply_to_the_rules_they_name() {
    let rule = || compile(&sel("eventName: CreateUser"));
    let filters = filter_docs(
        "title: by id\nlogsource: {product: aws}\nfilter:\n  rules: [00000000-0000-0000-0000-000000000001]\n  selection:\n    userIdentity.type: AWSService\n  condition: not selection\n---\ntitle: by name, other logsource\nlogsource: {product: gcp}\nfilter:\n  rules: [spec_rule]\n  selection:\n    awsRegion: us-east-1\n  condition: not selection\n---\ntitle: any\nlogsource: {service: cloudtrail}\nfilter:\n  rules: any\n  selection:\n    sourceIPAddress|cidr: 10.0.0.0/8\n  condition: not selection\n---\ntitle: someone else\nlogsource: {product: aws}\nfilter:\n  rules: [other_rule]\n  selection:\n    eventName: CreateUser\n  condition: not selection\n",
    );
    let mut rules = vec![rule()];
    let problems = apply_filters(&mut rules, &filters, &CompileOptions::default());
    assert_eq!(
        problems
            .iter()
            .map(|d| (d.code, d.message.as_str()))
            .collect::<Vec<_>>(),
        [(
            "sigma::lint_filter_unknown_rule",
            "no rule has the id or name `other_rule`"
        )]
    );
    assert_eq!(rules[0].filters, ["by id", "any"]);
    let pred = &rules[0].pred;
    assert!(eval(
        pred,
        r#"{"eventName":"CreateUser","userIdentity":{"type":"IAMUser"},"awsRegion":"us-east-1"}"#
    ));
    assert!(!eval(
        pred,
        r#"{"eventName":"CreateUser","userIdentity":{"type":"AWSService"}}"#
    ));
    assert!(!eval(
        pred,
        r#"{"eventName":"CreateUser","sourceIPAddress":"10.1.1.1"}"#
    ));
    assert!(!eval(pred, r#"{"eventName":"DeleteUser"}"#));
}

#[test]
fn filter_errors_leave_rules_untouched() {
    let filters = filter_docs(
        "title: agg\nlogsource: {product: aws}\nfilter:\n  rules: any\n  selection:\n    eventName: X\n  condition: selection | count() > 1\n",
    );
    let mut rules = vec![compile(&sel("eventName: CreateUser"))];
    let problems = apply_filters(&mut rules, &filters, &CompileOptions::default());
    assert_eq!(
        problems.iter().map(|d| d.code).collect::<Vec<_>>(),
        ["sigma::filter_aggregation"]
    );
    assert!(rules[0].filters.is_empty());
    assert!(eval(&rules[0].pred, r#"{"eventName":"CreateUser"}"#));
}

#[test]
fn filters_see_field_mappings_of_their_logsource() {
    let filters = filter_docs(
        "title: trusted\nlogsource: {product: aws, service: cloudtrail}\nfilter:\n  rules: any\n  trusted:\n    src_ip|cidr: 10.0.0.0/8\n  condition: not trusted\n",
    );
    let pipeline = parse_pipeline("field_mappings:\n  src_ip: sourceIPAddress\n")
        .unwrap_or_else(|e| panic!("{e:?}"));
    let opts = CompileOptions {
        pipeline: Some(pipeline),
        ..CompileOptions::default()
    };
    let mut rules = vec![compile_with(&sel("eventName: CreateUser"), &opts)];
    assert!(apply_filters(&mut rules, &filters, &opts).is_empty());
    assert!(!eval(
        &rules[0].pred,
        r#"{"eventName":"CreateUser","sourceIPAddress":"10.0.0.1"}"#
    ));
    assert!(eval(
        &rules[0].pred,
        r#"{"eventName":"CreateUser","sourceIPAddress":"8.8.8.8"}"#
    ));
}

//! Seed 001 (`shared/seeds/001_a6b705015a070050.txt`, hunting query "Lambda Add Permissions for
//! Write Actions to Function"), verbatim, over hand-made `AddPermission` events.

mod common;
use common::*;
use trailhound_lang_esql::EsqlType;

const SEED: &str = r#"from logs-aws.cloudtrail-*
| where @timestamp > now() - 7 day
| where
    event.dataset == "aws.cloudtrail"
    and event.provider == "lambda.amazonaws.com"
    and event.action RLIKE "AddPermission.*"
| dissect aws.cloudtrail.request_parameters "{%{?principal_key}=%{principal_id}, %{?function_name_key}=%{function_name}, %{?statement_key}=%{statement_value}, %{?action_key}=lambda:%{action_value}}"
| eval write_action = (starts_with(action_value, "Invoke") or starts_with("Update", action_value) or starts_with("Put", action_value))
| where write_action == true
| keep @timestamp, principal_id, event.provider, event.action, aws.cloudtrail.request_parameters, principal_id, function_name, action_value, statement_value, write_action"#;

fn add_permission(id: &str, time: &str, params: &str) -> trailhound_event::Event<'static> {
    ct(
        id,
        time,
        "AddPermission20150331v2",
        "lambda.amazonaws.com",
        &format!(r#""requestParameters":{params}"#),
    )
}

fn perm(action: &str) -> String {
    format!(
        r#"{{"functionName":"fn-{action}","statementId":"sid-{action}","action":"lambda:{action}","principal":"*"}}"#
    )
}

#[test]
fn seed_001_runs_verbatim() {
    // The seed file holds the query verbatim.
    let seed = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/seeds/001_a6b705015a070050.txt"
    ))
    .expect("seed 001");
    assert!(
        seed.contains(SEED),
        "the test query must be the seed's query"
    );
    let t0 = "2023-07-10T10:00:00Z";
    let events = vec![
        add_permission("invoke", t0, &perm("InvokeFunction")),
        // The swapped `starts_with("Update", action_value)` asks whether "Update" starts with the
        // action: false for UpdateFunctionCode, true for the prefixes "Update", "Upd", ...
        add_permission("update-code", t0, &perm("UpdateFunctionCode")),
        add_permission("update", t0, &perm("Update")),
        add_permission("upd", t0, &perm("Upd")),
        // Likewise `starts_with("Put", action_value)`: PutFunctionConcurrency is not flagged,
        // "P" is.
        add_permission("put", t0, &perm("PutFunctionConcurrency")),
        add_permission("p", t0, &perm("P")),
        add_permission("get", t0, &perm("GetFunction")),
        // Outside the 7-day window.
        add_permission("old", "2023-07-01T10:00:00Z", &perm("InvokeFunction")),
        // An extra key moves the Java map order: principal, sourceArn, functionName, statementId,
        // action. The pattern then reads the source ARN as the function name.
        add_permission(
            "with-source-arn",
            t0,
            r#"{"functionName":"fn-x","statementId":"sid-x","action":"lambda:InvokeFunction","principal":"s3.amazonaws.com","sourceArn":"arn:aws:s3:::bucket"}"#,
        ),
        // No `lambda:` prefix: DISSECT does not match, everything is null, the row is dropped.
        add_permission(
            "no-prefix",
            t0,
            r#"{"functionName":"f","statementId":"s","action":"InvokeFunction","principal":"*"}"#,
        ),
        ct(
            "remove",
            t0,
            "RemovePermission20150331v2",
            "lambda.amazonaws.com",
            &format!(r#""requestParameters":{}"#, perm("InvokeFunction")),
        ),
    ];
    let t = run(SEED, &events);
    assert_eq!(
        names(&t),
        [
            "@timestamp",
            "event.provider",
            "event.action",
            "aws.cloudtrail.request_parameters",
            "principal_id",
            "function_name",
            "action_value",
            "statement_value",
            "write_action"
        ]
    );
    assert_eq!(
        t.columns
            .iter()
            .filter(|(_, ty)| *ty == EsqlType::Keyword)
            .count(),
        7
    );
    let got: Vec<String> = t
        .rows
        .iter()
        .map(|r| format!("{} {} {} {} {}", r[4], r[5], r[6], r[7], r[8]))
        .collect();
    assert_eq!(
        got,
        [
            "* fn-InvokeFunction InvokeFunction sid-InvokeFunction true",
            "* fn-Update Update sid-Update true",
            "* fn-Upd Upd sid-Upd true",
            "* fn-P P sid-P true",
            "s3.amazonaws.com arn:aws:s3:::bucket InvokeFunction fn-x true",
        ]
    );
    assert_eq!(
        t.rows[0][3].to_string(),
        "{principal=*, functionName=fn-InvokeFunction, statementId=sid-InvokeFunction, action=lambda:InvokeFunction}"
    );
    assert_eq!(t.rows[0][0].to_string(), "2023-07-10T10:00:00.000Z");
    assert!(t.warnings.is_empty(), "{:?}", t.warnings);
}

#[test]
fn seed_001_prefilter_narrows_to_lambda_add_permission() {
    let p = plan(SEED);
    let pre = p.prefilter();
    let yes = add_permission("a", "2023-07-10T10:00:00Z", &perm("InvokeFunction"));
    let no = ct(
        "b",
        "2023-07-10T10:00:00Z",
        "RemovePermission",
        "lambda.amazonaws.com",
        "",
    );
    let other = ct(
        "c",
        "2023-07-10T10:00:00Z",
        "AddPermission",
        "sns.amazonaws.com",
        "",
    );
    assert!(pre.eval(&yes));
    assert!(!pre.eval(&no));
    assert!(!pre.eval(&other));
}

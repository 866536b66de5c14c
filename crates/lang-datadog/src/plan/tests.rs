//! Rule plans: methods, defaults, field resolution, validation and case selection.

use std::collections::BTreeMap;

use trailhound_event::{Event, Field, View};

use super::*;
use crate::{Format, load_rule};

fn rule(json: &str) -> CompiledRule {
    load_rule(json, Format::Json).unwrap_or_else(|e| panic!("{e}\n{json}"))
}

fn planned(json: &str) -> RulePlan {
    plan(&rule(json)).unwrap_or_else(|e| panic!("{e:#?}\n{json}"))
}

fn plan_errors(json: &str) -> Vec<String> {
    match plan(&rule(json)) {
        Ok(p) => panic!("planned {:?}", p.method),
        Err(errors) => errors
            .iter()
            .map(|e| format!("{}: {}", e.code, e.message))
            .collect(),
    }
}

/// A rule with one query and one case, `extra` merged into the top level.
fn threshold(query: &str, extra: &str) -> String {
    format!(
        r#"{{"name": "t", "queries": [{{"query": {}, "groupByFields": ["@userIdentity.arn"]}}],
            "cases": [{{"status": "high", "condition": "a > 0"}}],
            "options": {{"evaluationWindow": 300, "keepAlive": 3600, "maxSignalDuration": 86400}}{extra}}}"#,
        serde_json::Value::from(query)
    )
}

#[test]
fn detection_methods() {
    let with_method = |method: &str, queries: &str, cases: &str| {
        format!(
            r#"{{"name": "m", "queries": {queries}, "cases": {cases},
                "options": {{"detectionMethod": "{method}"}}}}"#
        )
    };
    let q = r#"[{"query": "@evt.name:X", "groupByFields": ["@usr.name"], "aggregation": "count"}]"#;
    let nv =
        r#"[{"query": "@evt.name:X", "aggregation": "new_value", "metric": "@usr.account_id"}]"#;
    let geo = r#"[{"query": "@evt.name:ConsoleLogin", "aggregation": "geo_data", "groupByFields": ["@usr.name"], "metric": "@network.client.geoip"}]"#;
    let cond = r#"[{"status": "low", "condition": "a > 0"}]"#;
    let bare = r#"[{"status": "low"}]"#;
    let table: &[(String, &str)] = &[
        (with_method("threshold", q, cond), "threshold"),
        (with_method("new_value", nv, bare), "new_value"),
        (
            with_method("impossible_travel", geo, bare),
            "impossible_travel",
        ),
        (
            r#"{"name": "c", "type": "signal_correlation",
                "queries": [{"ruleId": "abc-def-ghi", "correlatedByFields": ["@usr.name"]}],
                "cases": [{"status": "high", "condition": "a > 0"}]}"#
                .to_string(),
            "signal_correlation",
        ),
        (
            with_method("anomaly_detection", q, cond),
            "not_runnable anomaly_detection",
        ),
        (
            with_method("third_party", "[]", "[]"),
            "not_runnable third_party",
        ),
        (with_method("hardcoded", q, cond), "not_runnable hardcoded"),
        (
            with_method("sequence_detection", q, cond),
            "not_runnable sequence_detection",
        ),
        (with_method("magic", q, cond), "not_runnable magic"),
        (
            r#"{"name": "w", "type": "workload_security", "queries": [{"query": "@evt.name:X"}],
                "cases": [{"status": "low"}]}"#
                .to_string(),
            "not_runnable workload_security",
        ),
    ];
    for (json, want) in table {
        let p = planned(json);
        let got = match &p.method {
            Method::NotRunnable { method, reason } => {
                assert!(!reason.is_empty());
                format!("not_runnable {method}")
            }
            other => other.kind().to_string(),
        };
        assert_eq!(&got, want, "{json}");
        assert_eq!(p.method.is_runnable(), !want.starts_with("not_runnable"));
    }
}

#[test]
fn threshold_plan_fields_and_defaults() {
    let p = planned(&threshold(
        "source:cloudtrail @evt.name:ConsoleLogin",
        r#", "id": "abc-123", "isEnabled": false, "tags": ["tactic:TA0001-initial-access", "framework:cis-aws", "control:4.3"],
            "filters": [{"action": "suppress", "query": "@usr.name:robot"}, {"action": "require", "query": "@awsRegion:us-east-1"}],
            "message": "Login by {{@usr.name}}""#,
    ));
    assert_eq!(
        (p.id.as_deref(), p.enabled, p.deprecated),
        (Some("abc-123"), false, false)
    );
    assert_eq!(p.method, Method::Threshold);
    let q = &p.queries[0];
    assert_eq!(q.label, "a");
    assert_eq!(q.aggregation, Aggregation::Count);
    assert!(!q.has_optional_group_by_fields);
    assert_eq!(
        q.group_by,
        [FieldRef {
            name: "@userIdentity.arn".into(),
            field: View::Datadog.resolve("@userIdentity.arn").field,
        }]
    );
    assert!(q.distinct_fields.is_empty() && q.metrics.is_empty());
    assert!(
        matches!(&q.input, QueryInput::Events { query, .. } if query == "source:cloudtrail @evt.name:ConsoleLogin")
    );
    assert_eq!(
        p.windows,
        Windows {
            evaluation_window_ms: Some(300_000),
            keep_alive_ms: Some(3_600_000),
            max_signal_duration_ms: Some(86_400_000),
        }
    );
    assert_eq!(p.cases[0].severity, Severity::High);
    assert_eq!(p.attack.tactics[0].name, "Initial Access");
    assert_eq!(compliance_label(&p.compliance[0]), "CIS AWS 4.3");
    assert_eq!(
        p.cases[0].engine_severity(),
        Some(trailhound_engine::Severity::High)
    );
    assert_eq!((p.suppress.len(), p.require.len()), (1, 1));
    let ev = Event::parse(r#"{"eventName":"ConsoleLogin","awsRegion":"us-east-1","userIdentity":{"userName":"robot"}}"#)
        .expect("valid");
    assert!(q.input.pred().is_some_and(|pred| pred.eval(&ev)));
    assert!(p.suppress[0].eval(&ev) && p.require[0].eval(&ev));
    assert!(p.warnings.is_empty(), "{:?}", p.warnings);
}

#[test]
fn query_options_are_carried_over() {
    let p = planned(
        r#"{"name": "q", "queries": [
              {"query": "@evt.name:ListSecrets", "name": "list", "aggregation": "cardinality",
               "groupByFields": ["@userIdentity.arn", "account"], "distinctFields": ["@awsRegion"],
               "hasOptionalGroupByFields": true},
              {"query": "@evt.name:GetSecretValue", "aggregation": "sum", "metrics": ["@requestParameters.n"]}],
            "cases": [{"name": "many", "status": "medium", "condition": "list > 3 && b > 0",
                       "notifications": ["@me"], "actions": [{"type": "block_ip", "options": {"duration": 900}}]}]}"#,
    );
    let names = |fields: &[FieldRef]| fields.iter().map(|f| f.name.clone()).collect::<Vec<_>>();
    let (list, sum) = (&p.queries[0], &p.queries[1]);
    assert_eq!((list.label.as_str(), sum.label.as_str()), ("list", "b"));
    assert_eq!(list.aggregation, Aggregation::Cardinality);
    assert!(list.has_optional_group_by_fields);
    assert_eq!(names(&list.group_by), ["@userIdentity.arn", "account"]);
    // The `account` tag is read from `recipientAccountId`.
    assert_eq!(
        list.group_by[1].field,
        View::Datadog.resolve("@recipientAccountId").field
    );
    assert_eq!(names(&list.distinct_fields), ["@awsRegion"]);
    assert_eq!(names(&sum.metrics), ["@requestParameters.n"]);
    let case = &p.cases[0];
    assert_eq!(
        (
            case.name.as_str(),
            case.notifications.len(),
            case.actions.len()
        ),
        ("many", 1, 1)
    );
    assert!(!case.is_sequence());
    assert_eq!(p.windows, Windows::default());
}

#[test]
fn new_value_and_impossible_travel_options() {
    let p = planned(
        r#"{"name": "nv", "queries": [{"query": "@evt.name:AssumeRole", "aggregation": "new_value",
              "groupByFields": ["account"], "metric": "@usr.account_id", "metrics": ["@usr.account_id", "@awsRegion"]}],
            "cases": [{"status": "high"}],
            "options": {"detectionMethod": "new_value", "newValueOptions": {"forgetAfter": 28, "learningDuration": 7}}}"#,
    );
    assert_eq!(
        p.method,
        Method::NewValue(NewValuePlan {
            learning_duration_ms: 7 * 86_400_000,
            learning_method: LearningMethod::Duration,
            learning_threshold: 0,
            forget_after_ms: Some(28 * 86_400_000),
            instantaneous_baseline: false,
        })
    );
    let metrics: Vec<&str> = p.queries[0]
        .metrics
        .iter()
        .map(|m| m.name.as_str())
        .collect();
    assert_eq!(metrics, ["@usr.account_id", "@awsRegion"]);
    let defaults = planned(
        r#"{"name": "nv", "queries": [{"query": "*", "aggregation": "new_value", "metric": "@usr.name"}],
            "cases": [{"status": "low"}], "options": {"detectionMethod": "new_value"}}"#,
    );
    assert!(matches!(&defaults.method, Method::NewValue(nv)
        if nv.learning_duration_ms == 86_400_000 && nv.forget_after_ms.is_none()));

    let p = planned(
        r#"{"name": "it", "queries": [{"query": "@evt.name:ConsoleLogin", "aggregation": "geo_data",
              "groupByFields": ["@usr.name"], "metric": "@network.client.geoip"}],
            "cases": [{"status": "medium"}],
            "options": {"detectionMethod": "impossible_travel",
                        "impossibleTravelOptions": {"baselineUserLocations": true}}}"#,
    );
    let Method::ImpossibleTravel(it) = &p.method else {
        panic!("{:?}", p.method)
    };
    assert_eq!(
        (it.baseline_ms, it.detect_ip_transition),
        (86_400_000, false)
    );
    assert_eq!(
        it.location.latitude.field,
        View::Datadog
            .resolve("@network.client.geoip.location.latitude")
            .field
    );
    assert!(matches!(it.location.ip.field, Field::Datadog(_)));
}

#[test]
fn signal_correlation_queries() {
    let p = planned(
        r#"{"name": "c", "type": "signal_correlation",
            "queries": [{"defaultRuleId": "def-000-h6a", "name": "create", "correlatedByFields": ["@userIdentity.accessKeyId", "@awsRegion"]},
                        {"ruleId": "abc", "defaultRuleId": "def-000-8qc", "name": "list", "correlatedQueryIndex": 1}],
            "cases": [{"status": "high", "condition": "create > 0 THEN list > 0"}],
            "options": {"evaluationWindow": 86400}}"#,
    );
    assert_eq!(p.method, Method::SignalCorrelation);
    let QueryInput::Signals {
        rule_id,
        correlated_by,
        correlated_query_index,
    } = &p.queries[0].input
    else {
        panic!("{:?}", p.queries[0].input)
    };
    assert_eq!(
        (
            rule_id.as_str(),
            correlated_by.len(),
            *correlated_query_index
        ),
        ("def-000-h6a", 2, None)
    );
    assert!(
        matches!(&p.queries[1].input, QueryInput::Signals { rule_id, correlated_query_index: Some(1), .. } if rule_id == "abc")
    );
    assert_eq!(p.queries[0].aggregation, Aggregation::EventCount);
    assert!(p.queries[0].input.pred().is_none());
    assert!(p.cases[0].is_sequence());
}

#[test]
fn rejects_shapes_the_method_cannot_run() {
    let table: &[(String, &str)] = &[
        (threshold("#calc:1", ""), "datadog::calculated_field: calculated field `#calc` is not supported (in /queries/0/query)"),
        (
            r#"{"name": "t", "queries": [{"query": "*", "groupByFields": ["*"]}], "cases": [{"status": "low", "condition": "a > 0"}]}"#.into(),
            "datadog::unsupported: `*` does not name a single field (in /queries/0/groupByFields/0)",
        ),
        (
            r#"{"name": "t", "queries": [{"query": "*"}], "cases": [{"status": "low"}]}"#.into(),
            "datadog::invalid_plan: the case has no condition (in /cases/0/condition)",
        ),
        (
            r#"{"name": "t", "queries": [{"query": "*"}], "cases": []}"#.into(),
            "datadog::invalid_plan: the rule has no case (in /cases)",
        ),
        (
            r#"{"name": "t", "queries": [{"query": "*"}], "cases": [{"status": "urgent", "condition": "a > 0"}]}"#.into(),
            "datadog::invalid_plan: unknown severity `urgent` (in /cases/0/status)",
        ),
        (
            r#"{"name": "t", "queries": [{"query": "*", "aggregation": "cardinality"}], "cases": [{"status": "low", "condition": "a > 0"}]}"#.into(),
            "datadog::invalid_plan: `cardinality` needs `distinctFields` (in /queries/0)",
        ),
        (
            r#"{"name": "t", "queries": [{"query": "*", "aggregation": "max"}], "cases": [{"status": "low", "condition": "a > 0"}]}"#.into(),
            "datadog::invalid_plan: `max` needs 1 to 1 metric fields, the query has 0 (in /queries/0)",
        ),
        (
            r#"{"name": "t", "queries": [{"query": "*", "aggregation": "new_value"}], "cases": [{"status": "low", "condition": "a > 0"}]}"#.into(),
            "datadog::invalid_plan: aggregation `new_value` is not defined for threshold rules (in /queries/0/aggregation)",
        ),
        (
            r#"{"name": "t", "queries": [{"query": "*", "aggregation": "new_value"}], "cases": [{"status": "low"}], "options": {"detectionMethod": "new_value"}}"#.into(),
            "datadog::invalid_plan: `new_value` needs 1 to 5 metric fields, the query has 0 (in /queries/0)",
        ),
        (
            r#"{"name": "t", "queries": [{"query": "*", "aggregation": "geo_data", "metric": "@network.client.geoip"}], "cases": [{"status": "low"}], "options": {"detectionMethod": "impossible_travel"}}"#.into(),
            "datadog::invalid_plan: impossible travel needs the user as group-by field (in /queries/0)",
        ),
        (
            r#"{"name": "t", "queries": [{"ruleId": "x"}], "cases": [{"status": "low", "condition": "a > 0"}]}"#.into(),
            "datadog::invalid_plan: a signal query in a threshold rule (in /queries/0)",
        ),
        (
            r#"{"name": "t", "type": "signal_correlation", "queries": [{"query": "*", "aggregation": "event_count"}], "cases": [{"status": "low", "condition": "a > 0"}]}"#.into(),
            "datadog::invalid_plan: an event query in a signal_correlation rule (in /queries/0)",
        ),
        (
            r#"{"name": "t", "queries": [{"name": "x"}], "cases": [{"status": "low", "condition": "x > 0"}]}"#.into(),
            "datadog::invalid_plan: the query has neither a search nor a rule to correlate (in /queries/0)",
        ),
        (
            threshold("*", r#", "filters": [{"action": "drop", "query": "*"}]"#),
            "datadog::invalid_plan: unknown filter action `drop` (in /filters/0/action)",
        ),
    ];
    for (json, want) in table {
        let errors = plan_errors(json);
        assert_eq!(errors, [*want], "{json}");
    }
}

#[test]
fn warnings_carry_the_pointer_of_their_text() {
    let p = planned(
        r#"{"name": "w", "queries": [{"query": "source:cloudtrail env:prod", "groupByFields": ["@usr.name", "team"]}],
            "cases": [{"status": "low", "condition": "a > 0"}], "filters": [{"action": "require", "query": "bar"}]}"#,
    );
    let got: Vec<String> = p
        .warnings
        .iter()
        .map(|w| format!("{} {}", w.pointer, w.diagnostic.code))
        .collect();
    assert_eq!(
        got,
        [
            "/queries/0/query datadog::unknown_tag",
            "/queries/0/groupByFields/1 datadog::unknown_tag",
            "/filters/0/query datadog::free_text",
        ]
    );
}

#[test]
fn rules_that_will_not_run_only_warn() {
    let p = planned(
        r##"{"name": "a", "queries": [{"query": "#score:>1"}, {"query": "service:waf"}],
            "cases": [{"status": "whatever"}], "options": {"detectionMethod": "anomaly_detection"}}"##,
    );
    assert!(!p.method.is_runnable());
    assert_eq!(p.queries.len(), 1);
    assert_eq!(p.warnings.len(), 1);
    assert_eq!(p.warnings[0].pointer, "/queries/0/query");
}

#[test]
fn select_case_takes_the_first_case_that_holds() {
    let p = planned(
        r#"{"name": "bf", "queries": [{"query": "*", "name": "failed"}, {"query": "*", "name": "ok"}],
            "cases": [{"status": "high", "condition": "failed > 5 && ok > 0"},
                      {"status": "info", "condition": "failed > 5"},
                      {"status": "low", "condition": "ok >= 10"}]}"#,
    );
    type Counts<'a> = &'a [(&'a str, f64)];
    let table: &[(Counts<'_>, Option<usize>)] = &[
        (&[("failed", 6.0), ("ok", 1.0)], Some(0)),
        (&[("failed", 6.0), ("ok", 0.0)], Some(1)),
        (&[("failed", 6.0)], Some(1)),
        (&[("failed", 5.0), ("ok", 10.0)], Some(2)),
        (&[("failed", 100.0), ("ok", 10.0)], Some(0)),
        (&[("failed", 5.0), ("ok", 9.0)], None),
        (&[], None),
    ];
    for (counts, want) in table {
        let map: BTreeMap<&str, f64> = counts.iter().copied().collect();
        assert_eq!(
            select_case(&p.cases, |label| map.get(label).copied()),
            *want,
            "{counts:?}"
        );
    }
    // Cases without condition (new value, impossible travel) always hold.
    let nv = planned(
        r#"{"name": "nv", "queries": [{"query": "*", "aggregation": "new_value", "metric": "@usr.name"}],
            "cases": [{"status": "low"}], "options": {"detectionMethod": "new_value"}}"#,
    );
    assert_eq!(select_case(&nv.cases, |_| None), Some(0));
    assert_eq!(select_case(&[], |_| Some(1.0)), None);
}

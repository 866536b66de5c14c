//! ES|QL rules through the engine: one detection per result row, with contributing events,
//! group values and times; schedule replay runs the query per Kibana execution window.

mod common;
use common::*;
use std::sync::Arc;
use trailhound_engine::{
    Detection, Logic, OperatorFactory, Rule, RuleMeta, RuleSet, Runtime, RuntimeOptions, Schedule,
    SharedEvent, Slot,
};
use trailhound_event::View;
use trailhound_lang_esql::{EsqlOperatorFactory, Sharing};

/// `discovery_ec2_multi_region_describe_instances.toml`, trimmed to the relevant part.
const MULTI_REGION: &str = r#"from logs-aws.cloudtrail-* metadata _id, _version, _index
| where event.dataset == "aws.cloudtrail" and event.provider == "ec2.amazonaws.com" and event.action == "DescribeInstances"
| eval Esql.time_window_date_trunc = date_trunc(30 seconds, @timestamp)
| stats Esql.cloud_region_count_distinct = count_distinct(cloud.region), Esql.event_count = count(*),
    Esql.cloud_region_values = VALUES(cloud.region)
  by Esql.time_window_date_trunc, aws.cloudtrail.user_identity.arn
| where Esql.cloud_region_count_distinct >= 10 and Esql.event_count >= 10"#;

fn describe(i: usize, time: &str, region: &str, arn: &str) -> SharedEvent {
    Arc::new(event(&format!(
        r#"{{"eventID":"d{i}","eventTime":"{time}","eventName":"DescribeInstances","eventSource":"ec2.amazonaws.com","awsRegion":"{region}","userIdentity":{{"type":"IAMUser","arn":"{arn}"}}}}"#
    )))
}

fn burst() -> Vec<SharedEvent> {
    let regions = [
        "us-east-1",
        "us-east-2",
        "us-west-1",
        "us-west-2",
        "eu-west-1",
        "eu-west-2",
        "eu-west-3",
        "eu-central-1",
        "ap-south-1",
        "ap-northeast-1",
        "sa-east-1",
        "ca-central-1",
    ];
    let mut evs: Vec<SharedEvent> = regions
        .iter()
        .enumerate()
        .map(|(i, r)| {
            describe(
                i,
                &format!("2023-07-10T10:00:{:02}Z", 5 + i),
                r,
                "arn:aws:iam::1:user/attacker",
            )
        })
        .collect();
    // A quieter principal and a later call outside the 30-second bucket.
    evs.push(describe(
        100,
        "2023-07-10T10:00:07Z",
        "us-east-1",
        "arn:aws:iam::1:user/dev",
    ));
    evs.push(describe(
        101,
        "2023-07-10T10:20:00Z",
        "us-east-1",
        "arn:aws:iam::1:user/attacker",
    ));
    evs
}

fn drive(factory: &EsqlOperatorFactory, events: &[SharedEvent]) -> Vec<Detection> {
    let mut op = factory.create();
    let mut out = Vec::new();
    for ev in events {
        op.on_event(0, ev, &mut out);
        op.on_watermark(ev.time_millis().unwrap_or(0) - 1, &mut out);
    }
    op.finish(&mut out);
    out
}

fn ids(d: &Detection) -> Vec<&str> {
    d.events
        .iter()
        .filter_map(|e| e.raw_str(&["eventID"]))
        .collect()
}

#[test]
fn stats_rows_become_detections_with_group_and_samples() {
    let plan = Arc::new(plan(MULTI_REGION));
    let out = drive(&EsqlOperatorFactory::new(plan.clone(), None), &burst());
    assert_eq!(out.len(), 1);
    let d = &out[0];
    assert_eq!(d.count, 12);
    assert_eq!(
        ids(d),
        ["d0", "d1", "d2", "d3", "d4"],
        "five sample events of the group"
    );
    assert_eq!(
        d.group,
        [
            (
                "Esql.time_window_date_trunc".to_string(),
                serde_json::json!("2023-07-10T10:00:00.000Z")
            ),
            (
                "aws.cloudtrail.user_identity.arn".to_string(),
                serde_json::json!("arn:aws:iam::1:user/attacker")
            ),
        ]
    );
    let field = |n: &str| {
        d.fields
            .iter()
            .find(|(k, _)| k == n)
            .map(|(_, v)| v.clone())
    };
    assert_eq!(
        field("Esql.cloud_region_count_distinct"),
        Some(serde_json::json!(12))
    );
    assert_eq!(
        field("Esql.cloud_region_values").and_then(|v| v.as_array().map(Vec::len)),
        Some(12)
    );
    // Without replay and without an @timestamp column: the latest sample's time.
    assert_eq!(
        d.time_ms,
        "2023-07-10T10:00:09Z"
            .parse::<jiff::Timestamp>()
            .map(|t| t.as_millisecond())
            .unwrap_or(0)
    );
}

#[test]
fn replay_runs_per_window_with_the_window_end_as_time() {
    let plan = Arc::new(plan(MULTI_REGION));
    let schedule = Schedule {
        interval_ms: 5 * 60_000,
        lookback_ms: 6 * 60_000,
        max_signals: 100,
    };
    let out = drive(&EsqlOperatorFactory::new(plan, Some(schedule)), &burst());
    assert_eq!(out.len(), 1);
    assert_eq!(
        out[0].time_ms,
        "2023-07-10T10:05:00Z"
            .parse::<jiff::Timestamp>()
            .map(|t| t.as_millisecond())
            .unwrap_or(0)
    );
    // A burst split across the boundary of two 30-second buckets does not alert.
    let mut split = burst();
    split.truncate(12);
    let shifted: Vec<SharedEvent> = split
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let region = e.raw_str(&["awsRegion"]).unwrap_or("x").to_owned();
            describe(
                i,
                &format!("2023-07-10T10:00:{:02}Z", 24 + i),
                &region,
                "arn:aws:iam::1:user/attacker",
            )
        })
        .collect();
    assert!(
        drive(
            &EsqlOperatorFactory::new(Arc::new(plan_from(MULTI_REGION)), None),
            &shifted
        )
        .is_empty()
    );
}

fn plan_from(q: &str) -> trailhound_lang_esql::Plan {
    plan(q)
}

#[test]
fn now_is_the_window_end_under_replay() {
    // Each event alerts only in executions less than an hour after it.
    let q = "FROM logs-* | WHERE event.action == \"ConsoleLogin\" AND @timestamp >= NOW() - 1 hour | KEEP @timestamp, event.action";
    let evs: Vec<SharedEvent> = ["2023-07-10T10:00:00Z", "2023-07-10T12:00:00Z"]
        .iter()
        .enumerate()
        .map(|(i, t)| {
            Arc::new(ct(
                &format!("c{i}"),
                t,
                "ConsoleLogin",
                "signin.amazonaws.com",
                "",
            ))
        })
        .collect();
    let schedule = Schedule {
        interval_ms: 60 * 60_000,
        lookback_ms: 7 * 24 * 3_600_000,
        max_signals: 100,
    };
    let out = drive(
        &EsqlOperatorFactory::new(Arc::new(plan(q)), Some(schedule)),
        &evs,
    );
    // Executions at 10:00 (c0), 11:00 (c0 is exactly an hour old), 12:00 (c1), 13:00 (c1).
    let got: Vec<Vec<&str>> = out.iter().map(ids).collect();
    assert_eq!(got, [vec!["c0"], vec!["c0"], vec!["c1"], vec!["c1"]]);
    // The same query run once at the CLI's `now` (2023-07-11) finds nothing.
    assert!(drive(&EsqlOperatorFactory::new(Arc::new(plan(q)), None), &evs).is_empty());
}

#[test]
fn runs_inside_the_engine_runtime() {
    let p = Arc::new(plan(
        "FROM logs-* METADATA _id | WHERE event.action == \"CreateUser\" | KEEP _id, @timestamp",
    ));
    let rule = Rule {
        meta: Arc::new(RuleMeta {
            id: "esql-test".into(),
            ..RuleMeta::default()
        }),
        view: View::ECS,
        filters: vec![p.prefilter()],
        logic: Logic::Operator(Arc::new(EsqlOperatorFactory::new(p.clone(), None))),
        message: None,
    };
    let set = RuleSet::new(vec![rule]);
    let mut rt = Runtime::new(
        &set,
        RuntimeOptions {
            replay: false,
            ..RuntimeOptions::default()
        },
    );
    let mut alerts = Vec::new();
    let mut scratch = trailhound_engine::Scratch::default();
    for (i, name) in ["CreateUser", "DeleteUser", "CreateUser"]
        .iter()
        .enumerate()
    {
        let ev = ct(
            &format!("u{i}"),
            &format!("2023-07-10T10:0{i}:00Z"),
            name,
            "iam.amazonaws.com",
            "",
        );
        let mut slots: Vec<Slot> = Vec::new();
        set.matches(&ev, &mut scratch, &mut slots);
        if !slots.is_empty() {
            rt.on_hit(
                trailhound_engine::Hit {
                    event: ev,
                    slots,
                    excepted: Vec::new(),
                },
                &mut alerts,
            );
        }
    }
    rt.finish(&mut alerts);
    let got: Vec<&str> = alerts
        .iter()
        .flat_map(|a| {
            a.detection
                .events
                .iter()
                .filter_map(|e| e.raw_str(&["eventID"]))
        })
        .collect();
    assert_eq!(got, ["u0", "u2"]);
    assert_eq!(
        set.unindexed_filters(),
        0,
        "the prefilter pins event.action for the dispatch index"
    );
}

/// A detection as compared: time, event ids, group, count and fields.
type Seen = (
    i64,
    Vec<String>,
    Vec<(String, serde_json::Value)>,
    u64,
    Vec<(String, serde_json::Value)>,
);

fn seen(d: &Detection) -> Seen {
    (
        d.time_ms,
        ids(d).into_iter().map(str::to_owned).collect(),
        d.group.clone(),
        d.count,
        d.fields.clone(),
    )
}

#[test]
fn sharing_work_between_executions_keeps_the_detections() {
    let queries = [
        MULTI_REGION,
        "FROM logs-* | WHERE event.action == \"DescribeInstances\" | EVAL r = TO_UPPER(cloud.region) | STATS c = COUNT(*), rs = VALUES(r) BY aws.cloudtrail.user_identity.arn",
        "FROM logs-* | EVAL r = cloud.region | SORT r DESC | LIMIT 2 | KEEP @timestamp, r",
    ];
    let schedule = Schedule {
        interval_ms: 60_000,
        lookback_ms: 10 * 60_000,
        max_signals: 100,
    };
    for q in queries {
        let run = |sharing: Sharing| {
            let mut f = EsqlOperatorFactory::new(Arc::new(plan(q)), Some(schedule.clone()));
            f.sharing = sharing;
            drive(&f, &burst()).iter().map(seen).collect::<Vec<_>>()
        };
        let reference = run(Sharing::Nothing);
        assert!(!reference.is_empty(), "{q}");
        assert_eq!(run(Sharing::Rows), reference, "{q}");
        assert_eq!(run(Sharing::Aggregates), reference, "{q}");
    }
}

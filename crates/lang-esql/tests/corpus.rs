//! Conformance over the shared corpus: every hunting query and every ES|QL rule that reads only
//! CloudTrail plans and runs; the hunting queries' results over all corpus events (with `NOW()`
//! pinned to 2023-07-11T00:00:00Z, the day after the Invictus logs) are checked against
//! `tests/snapshots/hunting_results.txt` (`UPDATE_SNAPSHOTS=1` rewrites it), and the rules'
//! detections through [`EsqlOperatorFactory`] against `tests/snapshots/rule_detections.txt`.

mod common;
use common::*;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use trailhound_engine::{Detection, OperatorFactory, Schedule, SharedEvent};
use trailhound_event::Event;
use trailhound_ingest::{Delivery, Options, Processor, expand, run as ingest};
use trailhound_lang_esql::{EsqlOperatorFactory, Plan, run_query};

fn corpus(sub: &str) -> PathBuf {
    Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/corpus"
    ))
    .join(sub)
}

fn toml_files(dir: &str) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(corpus(dir))
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    out.sort();
    out
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn load(p: &Path) -> toml::Table {
    std::fs::read_to_string(p)
        .unwrap_or_else(|e| panic!("{}: {e}", p.display()))
        .parse()
        .unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn hunting() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for p in toml_files("elastic-hunting") {
        let t = load(&p);
        for q in t
            .get("hunt")
            .and_then(|h| h.get("query"))
            .and_then(|q| q.as_array())
            .into_iter()
            .flatten()
        {
            out.push((file_name(&p), q.as_str().unwrap_or_default().to_owned()));
        }
    }
    out
}

/// (file, query, schedule) of every `language = "esql"` rule.
fn rules() -> Vec<(String, String, Schedule)> {
    let mut out = Vec::new();
    for p in toml_files("elastic-rules") {
        let t = load(&p);
        let Some(rule) = t.get("rule") else { continue };
        if rule.get("language").and_then(|l| l.as_str()) != Some("esql") {
            continue;
        }
        let ms = |s: &str| -> i64 {
            let s = s.trim_start_matches("now-");
            let (n, unit) = s.split_at(s.len() - 1);
            let n: i64 = n.parse().unwrap_or(0);
            n * match unit {
                "s" => 1000,
                "m" => 60_000,
                "h" => 3_600_000,
                _ => 86_400_000,
            }
        };
        let interval = rule
            .get("interval")
            .and_then(|v| v.as_str())
            .map_or(5 * 60_000, ms);
        let lookback = rule
            .get("from")
            .and_then(|v| v.as_str())
            .map_or(6 * 60_000, ms);
        let schedule = Schedule {
            interval_ms: interval,
            lookback_ms: lookback,
            max_signals: 100,
        };
        out.push((
            file_name(&p),
            rule.get("query")
                .and_then(|q| q.as_str())
                .unwrap_or_default()
                .to_owned(),
            schedule,
        ));
    }
    out
}

struct Collect;

impl Processor for Collect {
    type Out = Event<'static>;
    fn process(&self, ev: Event<'_>, out: &mut Vec<Event<'static>>) {
        out.push(ev.into_owned());
    }
}

/// Every event of `shared/corpus/cloudtrail`, in input order.
fn corpus_events() -> &'static [SharedEvent] {
    static EVENTS: OnceLock<Vec<SharedEvent>> = OnceLock::new();
    EVENTS.get_or_init(|| {
        let paths = [
            corpus("cloudtrail/invictus-aws-dataset/CloudTrail"),
            corpus("cloudtrail/traildiscover/logExamples"),
        ];
        let paths: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        let (inputs, errors) = expand(&paths);
        assert!(errors.is_empty(), "{errors:?}");
        let mut events = Vec::new();
        ingest(
            &inputs,
            &Collect,
            &Options {
                threads: 2,
                ..Options::default()
            },
            |d| {
                if let Delivery::Batch(b) = d {
                    events.extend(b.outputs.into_iter().map(Arc::new));
                }
            },
        );
        events
    })
}

/// The hunting query that compares with a single `=` (invalid ES|QL).
const SINGLE_EQUALS: &str = "servicequotas_discovery_multi_region_get_service_quota_calls.toml";
/// Rules that read something besides CloudTrail: Kibana alerts, Elastic Defend process events.
const ALERTS_RULE: &str =
    "credential_access_iam_long_term_access_key_correlated_with_elevated_detection_alerts.toml";
const ENDPOINT_RULE: &str = "execution_aws_ec2_lolbin_via_ssm.toml";

#[test]
fn hunting_queries_plan_and_match_the_snapshot() {
    let queries = hunting();
    assert_eq!(queries.len(), 24);
    let events = corpus_events();
    assert_eq!(events.len(), 3463);
    let mut text = String::new();
    let mut planned = 0;
    for (file, q) in &queries {
        text.push_str(&format!("=== {file}\n"));
        match Plan::parse(q, &ctx()) {
            Ok(p) => {
                planned += 1;
                let t = run_query(&p, events.iter().map(|e| &**e));
                text.push_str(&format!("{} rows\n", t.rows.len()));
                text.push_str(&t.to_text());
                for w in &t.warnings {
                    text.push_str(&format!("warning: {w}\n"));
                }
            }
            Err(d) => {
                assert_eq!(file, SINGLE_EQUALS, "{}", d.render(file, q));
                assert_eq!(d.code, "esql::single_equals");
                text.push_str(&format!("error: [{}] {}\n", d.code, d.message));
            }
        }
        text.push('\n');
    }
    assert_eq!(
        planned, 23,
        "every hunting query but the single-`=` one plans and runs"
    );
    snapshot("hunting_results.txt", &text);
}

#[test]
fn esql_rules_plan_and_run() {
    let rules = rules();
    assert_eq!(rules.len(), 22);
    let mut cloudtrail_only = 0;
    for (file, q, _) in &rules {
        match Plan::parse(q, &ctx()) {
            Ok(p)
                if p.warnings()
                    .iter()
                    .any(|w| w.contains("does not match CloudTrail data")) =>
            {
                assert_eq!(file, ENDPOINT_RULE, "{:?}", p.warnings());
                // It plans (its endpoint columns are null, with warnings) but cannot match.
                assert!(p.warnings().iter().any(|w| {
                    w.contains("column [process.command_line] is not a CloudTrail field")
                }));
            }
            Ok(_) => cloudtrail_only += 1,
            Err(d) => {
                assert_eq!(file, ALERTS_RULE, "{}", d.render(file, q));
                assert_eq!(d.code, "esql::not_runnable");
            }
        }
    }
    assert_eq!(cloudtrail_only, 20);
}

/// Runs each CloudTrail-only rule through its operator, once at the end and with schedule
/// replay, and records the number of detections and the first one's fields.
#[test]
fn esql_rules_detect_through_the_operator() {
    let events = corpus_events();
    let mut sorted: Vec<SharedEvent> = events.to_vec();
    sorted.sort_by_key(|e| e.time_millis().unwrap_or(i64::MIN));
    let mut text = String::new();
    for (file, q, schedule) in rules() {
        if file == ALERTS_RULE || file == ENDPOINT_RULE {
            continue;
        }
        let plan =
            Arc::new(Plan::parse(&q, &ctx()).unwrap_or_else(|d| panic!("{}", d.render(&file, &q))));
        text.push_str(&format!(
            "=== {file} (interval {}s, look-back {}s)\n",
            schedule.interval_ms / 1000,
            schedule.lookback_ms / 1000
        ));
        for (label, replay) in [("once", None), ("replay", Some(schedule.clone()))] {
            let factory = EsqlOperatorFactory::new(plan.clone(), replay);
            let mut op = factory.create();
            let mut out: Vec<Detection> = Vec::new();
            let pre = plan.prefilter();
            for ev in &sorted {
                if pre.eval(ev) {
                    op.on_event(0, ev, &mut out);
                    if let Some(t) = ev.time_millis() {
                        op.on_watermark(t - 1, &mut out);
                    }
                }
            }
            op.finish(&mut out);
            text.push_str(&format!("{label}: {} detections\n", out.len()));
            for d in out.iter().take(3) {
                let ids: Vec<&str> = d
                    .events
                    .iter()
                    .filter_map(|e| e.raw_str(&["eventID"]))
                    .collect();
                text.push_str(&format!(
                    "  time {} events {:?} count {}\n",
                    d.time_ms, ids, d.count
                ));
                for (k, v) in &d.fields {
                    text.push_str(&format!("    {k} = {v}\n"));
                }
            }
        }
        text.push('\n');
    }
    snapshot("rule_detections.txt", &text);
}

fn snapshot(name: &str, actual: &str) {
    let path = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/snapshots")).join(name);
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap_or(Path::new(".")))
            .unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(&path, actual).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    if expected != actual {
        let mut diff = String::new();
        let (e, a): (Vec<&str>, Vec<&str>) = (expected.lines().collect(), actual.lines().collect());
        for i in 0..e.len().max(a.len()) {
            let (x, y) = (e.get(i).copied(), a.get(i).copied());
            if x != y {
                diff.push_str(&format!(
                    "line {}:\n- {}\n+ {}\n",
                    i + 1,
                    x.unwrap_or("<none>"),
                    y.unwrap_or("<none>")
                ));
                if diff.len() > 4000 {
                    break;
                }
            }
        }
        panic!("snapshot {name} differs (UPDATE_SNAPSHOTS=1 rewrites it):\n{diff}");
    }
}

//! Schedule replay gives the same executions whatever work they share ([`Sharing`]): every
//! execution's table (rows, columns, warnings) and row origins (events, groups, counts) are
//! compared between re-evaluating everything, deriving rows once per event, and merging run
//! aggregates, over synthetic CloudTrail events, for representative queries and the corpus's
//! ES|QL rules.

use crate::exec::{ExecOptions, Origin, Prefix, Table};
use crate::operator::{EsqlOperatorFactory, Sharing};
use crate::plan::{Plan, PlanContext};
use std::borrow::Cow;
use std::sync::Arc;
use trailhound_engine::{Operator, Schedule, SharedEvent};
use trailhound_event::{Event, View};

const MINUTE: i64 = 60_000;
const HOUR: i64 = 60 * MINUTE;
/// 2023-07-10T00:00:00Z.
const BASE_MS: i64 = 1_688_947_200_000;

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len() as u64) as usize]
    }
}

fn iso(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .map(|t| t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_default()
}

/// `n` CloudTrail events over about 17 hours in time order, with equal times, quiet hours,
/// missing and multi-valued fields, and values that make conversions fail.
fn events(seed: u64, n: usize) -> Vec<SharedEvent> {
    let mut r = Rng(seed);
    let actions = [
        ("CreateUser", "iam"),
        ("AttachUserPolicy", "iam"),
        ("AssumeRole", "sts"),
        ("GetCallerIdentity", "sts"),
        ("DescribeInstances", "ec2"),
        ("ConsoleLogin", "signin"),
        ("ListBuckets", "s3"),
        ("GetSecretValue", "secretsmanager"),
    ];
    let arns = [
        "arn:aws:iam::1:user/alice",
        "arn:aws:iam::1:user/bob",
        "arn:aws:sts::1:assumed-role/app/i-1",
        "arn:aws:iam::1:root",
    ];
    let resources = [
        "arn:aws:s3:::logs",
        "arn:aws:s3:::backups",
        "arn:aws:iam::1:role/admin",
        "arn:aws:ec2:us-east-1:1:instance/i-1",
        "arn:aws:secretsmanager:us-east-1:1:secret:db",
    ];
    let mut t = BASE_MS;
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        // Mostly a few minutes apart, sometimes the same second, now and then a quiet spell.
        t += match r.below(20) {
            0..=2 => 0,
            3 => (90 + r.below(60) as i64) * MINUTE,
            _ => (r.below(240) as i64 + 1) * 1000,
        };
        let (action, service) = actions[r.below(actions.len() as u64) as usize];
        let mut identity = format!(
            r#""type":"{}","accessKeyId":"AKIA{}""#,
            r.pick(&["IAMUser", "AssumedRole", "Root"]),
            r.below(5)
        );
        if r.below(6) != 0 {
            identity.push_str(&format!(r#","arn":"{}""#, r.pick(&arns)));
        }
        if r.below(3) != 0 {
            identity.push_str(&format!(
                r#","userName":"{}""#,
                r.pick(&["bob", "alice", "1234", "svc-9"])
            ));
        }
        let mut extra = String::new();
        if r.below(5) == 0 {
            extra.push_str(r#","errorCode":"AccessDenied""#);
        }
        let max_results = r.pick(&["12", "500", "\"abc\"", "7"]);
        extra.push_str(&format!(
            r#","requestParameters":{{"userName":"{}","maxResults":{max_results}}}"#,
            r.pick(&["bob", "alice", "eve42", "1234"])
        ));
        let held = r.below(4);
        if held > 0 {
            let list: Vec<String> = (0..held)
                .map(|_| format!(r#"{{"ARN":"{}"}}"#, r.pick(&resources)))
                .collect();
            extra.push_str(&format!(r#","resources":[{}]"#, list.join(",")));
        }
        if action == "AssumeRole" {
            extra.push_str(&format!(
                r#","responseElements":{{"credentials":{{"accessKeyId":"ASIA{}","sessionToken":"x"}}}}"#,
                r.below(3)
            ));
        }
        let json = format!(
            r#"{{"eventVersion":"1.08","eventID":"e{i}","eventTime":"{}","eventName":"{action}","eventSource":"{service}.amazonaws.com","awsRegion":"{}","sourceIPAddress":"{}","userAgent":"{}","userIdentity":{{{identity}}}{extra}}}"#,
            iso(t),
            r.pick(&["us-east-1", "us-west-2", "eu-west-1", "ap-south-1"]),
            r.pick(&[
                "198.51.100.7",
                "203.0.113.9",
                "10.0.0.5",
                "ec2.amazonaws.com",
                "2001:db8::1"
            ]),
            r.pick(&["aws-cli/2.13", "Boto3/1.28", "console.amazonaws.com"]),
        );
        let doc: sonic_rs::Value = match sonic_rs::from_str(&json) {
            Ok(d) => d,
            Err(e) => panic!("bad generated event {json}: {e}"),
        };
        out.push(Arc::new(Event::new(
            Cow::Owned(json),
            doc,
            trailhound_event::Origin::default(),
        )));
    }
    out
}

/// Swaps some neighbours so that a few events arrive after later ones.
fn shuffled(events: &[SharedEvent], seed: u64) -> Vec<SharedEvent> {
    let mut r = Rng(seed);
    let mut v = events.to_vec();
    for i in 1..v.len() {
        if r.below(8) == 0 {
            v.swap(i - 1, i);
        }
    }
    v
}

/// One execution as compared: time, table, and per row its events' ids, group and count.
type Execution = (i64, Table, Vec<(Vec<String>, String, u64)>);

fn project(t: i64, table: Table, origins: Vec<Origin>) -> Execution {
    let origins = origins
        .into_iter()
        .map(|o| {
            let ids = o
                .events
                .iter()
                .map(|e| e.parsed().raw_str(&["eventID"]).unwrap_or("?").to_owned())
                .collect();
            (ids, format!("{:?}", o.group), o.count)
        })
        .collect();
    (t, table, origins)
}

/// How a case is replayed.
#[derive(Clone)]
struct Setup {
    schedule: Schedule,
    options: ExecOptions,
    max_buffered: usize,
    /// Executions run when the input is this far behind the latest event.
    slack_ms: i64,
}

fn schedule(interval_ms: i64, lookback_ms: i64) -> Schedule {
    Schedule {
        interval_ms,
        lookback_ms,
        max_signals: 100,
    }
}

fn setup(interval_ms: i64, lookback_ms: i64) -> Setup {
    Setup {
        schedule: schedule(interval_ms, lookback_ms),
        options: ExecOptions::default(),
        max_buffered: 1_000_000,
        slack_ms: 0,
    }
}

fn replay(plan: &Arc<Plan>, s: &Setup, sharing: Sharing, input: &[SharedEvent]) -> Vec<Execution> {
    let mut f = EsqlOperatorFactory::new(plan.clone(), Some(s.schedule.clone()))
        .with_options(s.options.clone());
    f.sharing = sharing;
    f.max_buffered = s.max_buffered;
    let mut w = f.windows(&s.schedule);
    let mut got = Vec::new();
    let mut sink =
        |t: i64, table: Table, origins: Vec<Origin>| got.push(project(t, table, origins));
    let mut latest = i64::MIN;
    for ev in input {
        w.on_event(0, ev, &mut Vec::new());
        latest = latest.max(ev.time_millis().unwrap_or(i64::MIN));
        w.run_until(latest - s.slack_ms - 1, &mut sink);
    }
    w.run_until(i64::MAX, &mut sink);
    got
}

fn context() -> PlanContext {
    PlanContext::new(
        jiff::Timestamp::from_millisecond(BASE_MS + 48 * HOUR).unwrap_or_default(),
        View::ECS,
    )
}

fn plan(q: &str) -> Arc<Plan> {
    match Plan::parse(q, &context()) {
        Ok(p) => Arc::new(p),
        Err(d) => panic!("{}", d.render("query", q)),
    }
}

/// Replays `plan` all three ways and asserts equal executions; returns the reference ones.
fn same_all_ways(name: &str, plan: &Arc<Plan>, s: &Setup, input: &[SharedEvent]) -> Vec<Execution> {
    let reference = replay(plan, s, Sharing::Nothing, input);
    for sharing in [Sharing::Rows, Sharing::Aggregates] {
        let got = replay(plan, s, sharing, input);
        assert_eq!(
            got.len(),
            reference.len(),
            "{name}: executions with {sharing:?}"
        );
        for (g, r) in got.iter().zip(&reference) {
            assert_eq!(g, r, "{name}: execution at {} with {sharing:?}", iso(r.0));
        }
    }
    reference
}

/// (name, query, whether some execution warns, whether run aggregates merge).
const QUERIES: &[(&str, &str, bool, bool)] = &[
    (
        "mergeable aggregates, filtered count, WHERE and KEEP after STATS",
        r#"FROM logs-aws.cloudtrail-*
| WHERE event.provider IN ("iam.amazonaws.com", "sts.amazonaws.com", "ec2.amazonaws.com")
| EVAL len = LENGTH(event.action)
| STATS c = COUNT(*), cd = COUNT_DISTINCT(event.action), acts = VALUES(event.action),
    ips = VALUES(source.ip), earliest = MIN(@timestamp), latest = MAX(@timestamp), s = SUM(len),
    mx = MAX(event.action), mn = MIN(source.ip), t = TOP(len, 2, "desc"), med = MEDIAN(len),
    p90 = PERCENTILE(len, 90), err = PRESENT(aws.cloudtrail.error_code),
    denied = COUNT(*) WHERE aws.cloudtrail.error_code == "AccessDenied"
  BY aws.cloudtrail.user_identity.arn
| WHERE c >= 2
| KEEP aws.cloudtrail.user_identity.arn, c, cd, acts, ips, earliest, latest, s, mx, mn, t, med, p90, err, denied"#,
        false,
        true,
    ),
    (
        "floating-point aggregates do not merge",
        r#"FROM logs-*
| EVAL len = LENGTH(event.action)
| STATS a = AVG(len), sd = STD_DEV(len), w = WEIGHTED_AVG(len, len), d = SUM(TO_DOUBLE(len)) / 3
  BY cloud.region"#,
        false,
        false,
    ),
    (
        "GROK with failing conversions",
        r#"FROM logs-*
| GROK aws.cloudtrail.request_parameters "maxResults=%{WORD:mr:int}"
| EVAL mr2 = mr * 2
| STATS n = COUNT(mr), total = SUM(mr2), users = VALUES(user.name) BY event.action"#,
        true,
        true,
    ),
    (
        "DISSECT, TO_LONG failures, WHERE dropping warned rows",
        r#"FROM logs-*
| DISSECT aws.cloudtrail.request_parameters "{maxResults=%{m}, userName=%{u}}"
| EVAL m = TO_LONG(m), n = TO_LONG(u)
| WHERE u != "eve42"
| STATS c = COUNT(*), ms = VALUES(m), ns = MAX(n) BY u"#,
        true,
        true,
    ),
    (
        "EVAL CASE and LIKE, multi-value failures",
        r#"FROM logs-*
| EVAL kind = CASE(event.action IN ("CreateUser", "AttachUserPolicy"), "persist",
    event.action LIKE "Get*", "cred", "other"),
  rl = LENGTH(aws.cloudtrail.resources.arn)
| WHERE kind != "other" OR rl > 20
| STATS c = COUNT(*), ks = VALUES(kind), rls = VALUES(rl)
  BY aws.cloudtrail.user_identity.access_key_id
| WHERE c > 1"#,
        true,
        true,
    ),
    (
        "NOW() in the head",
        r#"FROM logs-*
| WHERE event.action == "ConsoleLogin" AND @timestamp > NOW() - 20 minutes
| STATS c = COUNT(*), seen = MAX(@timestamp) BY source.ip"#,
        false,
        false,
    ),
    (
        "NOW() after STATS",
        r#"FROM logs-*
| WHERE event.provider == "sts.amazonaws.com"
| STATS seen = MAX(@timestamp), c = COUNT(*) BY aws.cloudtrail.user_identity.arn
| EVAL mins = DATE_DIFF("minute", seen, NOW())
| WHERE mins < 30"#,
        false,
        true,
    ),
    (
        "NOW() in STATS arguments",
        r#"FROM logs-*
| STATS recent = COUNT(*) WHERE @timestamp > NOW() - 10 minutes, c = COUNT(*) BY event.action"#,
        false,
        false,
    ),
    (
        "MV_EXPAND before STATS",
        r#"FROM logs-*
| WHERE aws.cloudtrail.resources.arn IS NOT NULL
| MV_EXPAND aws.cloudtrail.resources.arn
| EVAL l = LENGTH(aws.cloudtrail.resources.arn)
| STATS c = COUNT(*), who = VALUES(aws.cloudtrail.user_identity.arn), l = MAX(l)
  BY aws.cloudtrail.resources.arn"#,
        false,
        true,
    ),
    (
        "SORT and LIMIT without STATS",
        r#"FROM logs-*
| WHERE event.action IN ("CreateUser", "AssumeRole")
| EVAL u = TO_UPPER(event.action)
| SORT @timestamp DESC, u
| LIMIT 3
| KEEP @timestamp, u, source.ip"#,
        false,
        false,
    ),
    (
        "LIMIT filling up inside MV_EXPAND, with failures after it",
        r#"FROM logs-*
| MV_EXPAND aws.cloudtrail.resources.arn
| EVAL x = TO_LONG(aws.cloudtrail.resources.arn)
| LIMIT 4
| KEEP @timestamp, aws.cloudtrail.resources.arn, x"#,
        true,
        false,
    ),
    (
        "STATS without BY: one row per execution",
        r#"FROM logs-*
| WHERE event.action == "DeleteUser" OR aws.cloudtrail.error_code == "AccessDenied"
| STATS c = COUNT(*), v = VALUES(source.ip), m = MIN(@timestamp)"#,
        false,
        true,
    ),
    (
        "multi-valued and computed group keys",
        r#"FROM logs-*
| STATS c = COUNT(*), r = MAX(cloud.region), u = COUNT_DISTINCT(user.name)
  BY aws.cloudtrail.resources.arn, hour = DATE_TRUNC(1 hour, @timestamp)"#,
        false,
        true,
    ),
    (
        "LIMIT before STATS",
        r#"FROM logs-*
| WHERE event.provider == "iam.amazonaws.com"
| LIMIT 5
| STATS c = COUNT(*) BY event.action"#,
        false,
        false,
    ),
    (
        "STATS then SORT and LIMIT",
        r#"FROM logs-*
| STATS c = COUNT(*), t = TOP(event.action, 3, "asc") BY source.ip
| SORT c DESC, source.ip
| LIMIT 2"#,
        false,
        true,
    ),
    (
        "failures in STATS arguments",
        r#"FROM logs-*
| STATS v = VALUES(TO_LONG(user.name)), s = SUM(TO_LONG(user.name)), c = COUNT(*)
  BY aws.cloudtrail.user_identity.type"#,
        true,
        true,
    ),
];

fn total_rows(execs: &[Execution]) -> usize {
    execs.iter().map(|e| e.1.rows.len()).sum()
}

fn warns(execs: &[Execution]) -> bool {
    execs
        .iter()
        .any(|e| e.1.warnings.iter().any(|w| w.contains("evaluation of [")))
}

#[test]
fn sharing_work_between_executions_changes_no_execution() {
    let input = events(0x9E37_79B9_7F4A_7C15, 400);
    let setups = [
        ("1h/3h", setup(HOUR, 3 * HOUR)),
        ("5m/6m", setup(5 * MINUTE, 6 * MINUTE)),
        ("10m/10m", setup(10 * MINUTE, 10 * MINUTE)),
        ("7m/3h", setup(7 * MINUTE, 3 * HOUR)),
    ];
    for (name, q, warned, merges) in QUERIES {
        let p = plan(q);
        assert_eq!(
            Prefix::of(&p).is_some_and(|pre| pre.merges(&p)),
            *merges,
            "{name}: whether run aggregates merge"
        );
        for (sname, s) in &setups {
            let reference = same_all_ways(&format!("{name} ({sname})"), &p, s, &input);
            assert!(!reference.is_empty(), "{name} ({sname}): no execution");
            assert!(total_rows(&reference) > 0, "{name} ({sname}): no row");
            assert_eq!(warns(&reference), *warned, "{name} ({sname}): warnings");
        }
    }
}

#[test]
fn sharing_holds_under_limits_evictions_and_late_events() {
    let input = events(42, 300);
    let late = shuffled(&input, 7);
    let mut small_groups = setup(HOUR, 3 * HOUR);
    small_groups.options.group_limit = 3;
    let mut few_buffered = setup(10 * MINUTE, HOUR);
    few_buffered.max_buffered = 12;
    let late_setup = setup(5 * MINUTE, 30 * MINUTE);
    let mut lagging = setup(5 * MINUTE, 30 * MINUTE);
    lagging.slack_ms = 4 * MINUTE;
    // 1 440 one-minute runs per window: too many to merge, rows are aggregated one by one.
    let many_runs = setup(7 * MINUTE, 24 * HOUR);
    let cases: [(&str, &Setup, &[SharedEvent]); 5] = [
        ("group limit", &small_groups, &input),
        ("evictions", &few_buffered, &input),
        ("late events", &late_setup, &late),
        ("late events, lagging executions", &lagging, &late),
        ("too many runs", &many_runs, &input[..120]),
    ];
    for (cname, s, evs) in cases {
        for (name, q, _, _) in QUERIES {
            same_all_ways(&format!("{name} ({cname})"), &plan(q), s, evs);
        }
    }
    // The group limit is reached and reported.
    let p = plan(QUERIES[0].1);
    let limited = replay(&p, &small_groups, Sharing::Aggregates, &input);
    assert!(
        limited
            .iter()
            .any(|e| e.1.warnings.iter().any(|w| w.contains("group limit"))),
        "the group limit of 3 is reached"
    );
}

/// The corpus's ES|QL rules with their own schedules.
#[test]
fn corpus_rules_replay_the_same_with_sharing() {
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/corpus/elastic-rules"
    );
    let Ok(entries) = std::fs::read_dir(dir) else {
        panic!("corpus missing: {dir}")
    };
    let mut paths: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    let input = events(0x5EED, 400);
    let mut ran = 0;
    let mut not_runnable = 0;
    let mut rows = 0;
    let mut merging = 0;
    for path in paths {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let Ok(doc) = text.parse::<toml::Table>() else {
            continue;
        };
        let Some(rule) = doc.get("rule").and_then(|r| r.as_table()) else {
            continue;
        };
        if rule.get("language").and_then(|l| l.as_str()) != Some("esql") {
            continue;
        }
        let Some(q) = rule.get("query").and_then(|q| q.as_str()) else {
            continue;
        };
        let ms = |key: &str, default: i64| {
            rule.get(key)
                .and_then(|v| v.as_str())
                .and_then(|v| duration_ms(v.trim_start_matches("now-")))
                .unwrap_or(default)
        };
        let s = setup(ms("interval", 5 * MINUTE), ms("from", 6 * MINUTE));
        let name = path.display().to_string();
        let p = match Plan::parse(q, &context()) {
            Ok(p) => Arc::new(p),
            Err(d) if d.code == "esql::not_runnable" => {
                not_runnable += 1;
                continue;
            }
            Err(d) => panic!("{name}: {}", d.render("query", q)),
        };
        same_all_ways(&name, &p, &s, &input);
        // Their thresholds keep synthetic events from alerting: without them rows come out.
        let relaxed = without_where_after_stats(q);
        let reference = same_all_ways(&format!("{name}, relaxed"), &plan(&relaxed), &s, &input);
        ran += 1;
        rows += total_rows(&reference);
        merging += usize::from(Prefix::of(&p).is_some_and(|pre| pre.merges(&p)));
    }
    assert_eq!(
        (ran, not_runnable),
        (21, 1),
        "the corpus's ES|QL rules: replayed, not runnable (reading no CloudTrail data)"
    );
    assert_eq!(merging, 13, "rules whose run aggregates merge");
    assert!(
        rows > 100,
        "relaxed corpus rules find rows in the synthetic events"
    );
}

/// `query` without the `| WHERE` commands after its first `| STATS` (one command per line).
fn without_where_after_stats(query: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    let mut after_stats = false;
    let mut dropping = false;
    for line in query.lines() {
        let t = line.trim_start().to_ascii_lowercase();
        if t.starts_with('|') {
            let command = t.trim_start_matches('|').trim_start();
            dropping = after_stats && command.starts_with("where ");
            after_stats |= command.starts_with("stats ") || command == "stats";
        }
        if !dropping {
            out.push(line);
        }
    }
    out.join("\n")
}

/// `30s`, `6m`, `1h`, `2d` in milliseconds.
fn duration_ms(s: &str) -> Option<i64> {
    let split = s.find(|c: char| !c.is_ascii_digit())?;
    let (n, unit) = s.split_at(split);
    let n: i64 = n.parse().ok()?;
    let unit_ms = match unit {
        "s" => 1000,
        "m" => MINUTE,
        "h" => HOUR,
        "d" => 24 * HOUR,
        _ => return None,
    };
    Some(n * unit_ms)
}

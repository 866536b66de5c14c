//! `trailhound investigate`: one actor (a principal, an access key or a source address) across
//! the logs, the pivot the seeds' triage steps send a responder to.

use crate::args::InvestigateArgs;
use crate::hunt::{load_options, load_rules, print_load_report};
use crate::{Fatal, Prepared, TimeWindow, exit_code, prepare, text_table};
use std::cell::RefCell;
use std::collections::HashMap;
use std::process::ExitCode;
use trailhound_engine::{
    Alert, Cidr, Hit, InputFacts, RuleSet, Runtime, RuntimeOptions, Scratch, Slot,
};
use trailhound_event::Event;
use trailhound_ingest::{Delivery, Processor};

/// Who is investigated.
enum Actor {
    /// An ARN; for a role, also its sessions (`arn:…:sts::ACCOUNT:assumed-role/NAME/`).
    Principal {
        arn: String,
        sessions: Option<String>,
    },
    AccessKey(String),
    Ip(Cidr),
}

impl Actor {
    fn from_args(args: &InvestigateArgs) -> Result<Actor, Fatal> {
        if let Some(arn) = &args.principal {
            return Ok(Actor::Principal {
                arn: arn.clone(),
                sessions: role_sessions(arn),
            });
        }
        if let Some(key) = &args.access_key {
            return Ok(Actor::AccessKey(key.clone()));
        }
        let ip = args.ip.as_deref().unwrap_or_default();
        let cidr = if ip.contains('/') {
            Cidr::parse(ip)
        } else {
            Cidr::parse(&format!("{ip}/{}", if ip.contains(':') { 128 } else { 32 }))
        };
        cidr.map(Actor::Ip)
            .ok_or_else(|| Fatal(format!("--ip {ip}: not an IP address or CIDR block")))
    }

    fn matches(&self, ev: &Event<'_>) -> bool {
        match self {
            Actor::Principal { arn, sessions } => {
                let own = ev.raw_str(&["userIdentity", "arn"]);
                own == Some(arn.as_str())
                    || ev.raw_str(&["userIdentity", "sessionContext", "sessionIssuer", "arn"])
                        == Some(arn.as_str())
                    || sessions
                        .as_deref()
                        .is_some_and(|p| own.is_some_and(|a| a.starts_with(p)))
            }
            Actor::AccessKey(key) => {
                ev.raw_str(&["userIdentity", "accessKeyId"]) == Some(key.as_str())
            }
            Actor::Ip(cidr) => ev
                .raw_str(&["sourceIPAddress"])
                .is_some_and(|ip| cidr.contains_text(ip)),
        }
    }

    fn describe(&self, args: &InvestigateArgs) -> String {
        match self {
            Actor::Principal { .. } => format!(
                "principal {}",
                args.principal.as_deref().unwrap_or_default()
            ),
            Actor::AccessKey(k) => format!("access key {k}"),
            Actor::Ip(_) => format!("source address {}", args.ip.as_deref().unwrap_or_default()),
        }
    }
}

/// `arn:aws:iam::A:role/path/NAME` → `arn:aws:sts::A:assumed-role/NAME/`.
fn role_sessions(arn: &str) -> Option<String> {
    let (head, role) = arn.split_once(":role/")?;
    let name = role.rsplit('/').next()?;
    let head = head.replacen(":iam::", ":sts::", 1);
    Some(format!("{head}:assumed-role/{name}/"))
}

/// What one of the actor's events contributes.
struct Seen {
    time: Option<i64>,
    action: String,
    error: Option<String>,
    region: String,
    agent: String,
    ip: String,
    principal: String,
    key: String,
    account: String,
}

enum Item {
    Hit(Box<Hit>),
    Seen(Seen),
}

thread_local! {
    static SCRATCH: RefCell<(Scratch, Vec<Slot>)> = RefCell::new((Scratch::default(), Vec::new()));
}

struct InvestigateProcessor<'s> {
    set: &'s RuleSet,
    actor: &'s Actor,
    window: TimeWindow,
}

impl Processor for InvestigateProcessor<'_> {
    type Out = Item;
    fn process(&self, ev: Event<'_>, out: &mut Vec<Item>) {
        if !self.window.contains(&ev) {
            return;
        }
        if self.actor.matches(&ev) {
            let s = |path: &[&str]| ev.raw_str(path).unwrap_or_default().to_owned();
            out.push(Item::Seen(Seen {
                time: ev.time_millis(),
                action: format!(
                    "{} {}",
                    s(&["eventSource"]).trim_end_matches(".amazonaws.com"),
                    s(&["eventName"])
                ),
                error: ev.raw_str(&["errorCode"]).map(str::to_owned),
                region: s(&["awsRegion"]),
                agent: s(&["userAgent"]),
                ip: s(&["sourceIPAddress"]),
                principal: s(&["userIdentity", "arn"]),
                key: s(&["userIdentity", "accessKeyId"]),
                account: s(&["recipientAccountId"]),
            }));
        }
        SCRATCH.with(|cell| {
            let mut guard = cell.borrow_mut();
            let (scratch, slots) = &mut *guard;
            self.set.matches(&ev, scratch, slots);
            if let Some(hit) = RuleSet::hit(ev, scratch, slots) {
                out.push(Item::Hit(Box::new(hit)));
            }
        });
    }
}

/// Counts per distinct value.
#[derive(Default)]
struct Counter(HashMap<String, (u64, u64)>);

impl Counter {
    fn add(&mut self, key: &str, error: bool) {
        if key.is_empty() {
            return;
        }
        let e = self.0.entry(key.to_owned()).or_default();
        e.0 += 1;
        e.1 += u64::from(error);
    }

    /// Most frequent first, ties by name.
    fn top(&self, n: usize) -> Vec<(&str, u64, u64)> {
        let mut v: Vec<(&str, u64, u64)> = self
            .0
            .iter()
            .map(|(k, (c, e))| (k.as_str(), *c, *e))
            .collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        v.truncate(n);
        v
    }

    fn json(&self, n: usize) -> serde_json::Value {
        self.top(n)
            .into_iter()
            .map(|(k, c, e)| serde_json::json!({"value": k, "count": c, "errors": e}))
            .collect()
    }
}

#[derive(Default)]
struct Profile {
    events: u64,
    errors: u64,
    first: Option<i64>,
    last: Option<i64>,
    actions: Counter,
    error_codes: Counter,
    regions: Counter,
    agents: Counter,
    ips: Counter,
    principals: Counter,
    keys: Counter,
    accounts: Counter,
}

impl Profile {
    fn add(&mut self, s: &Seen) {
        let failed = s.error.is_some();
        self.events += 1;
        self.errors += u64::from(failed);
        if let Some(t) = s.time {
            self.first = Some(self.first.map_or(t, |f| f.min(t)));
            self.last = Some(self.last.map_or(t, |l| l.max(t)));
        }
        self.actions.add(&s.action, failed);
        if let Some(code) = &s.error {
            self.error_codes.add(code, true);
        }
        self.regions.add(&s.region, failed);
        self.agents.add(&s.agent, failed);
        self.ips.add(&s.ip, failed);
        self.principals.add(&s.principal, failed);
        self.keys.add(&s.key, failed);
        self.accounts.add(&s.account, failed);
    }

    fn sections(&self) -> [(&'static str, &Counter); 8] {
        [
            ("ACTION", &self.actions),
            ("ERROR", &self.error_codes),
            ("REGION", &self.regions),
            ("SOURCE IP", &self.ips),
            ("USER AGENT", &self.agents),
            ("PRINCIPAL", &self.principals),
            ("ACCESS KEY", &self.keys),
            ("ACCOUNT", &self.accounts),
        ]
    }
}

fn when(ms: Option<i64>) -> String {
    ms.map_or_else(|| "-".into(), trailhound_engine::alert::iso)
}

pub fn investigate(args: InvestigateArgs) -> Result<ExitCode, Fatal> {
    let actor = Actor::from_args(&args)?;
    let Prepared {
        inputs,
        mut options,
        window,
        mut reporter,
        now,
    } = prepare(&args.input)?;
    let mut load = load_options(None)?;
    load.now = now;
    let report = load_rules(&args.rules, &load);
    print_load_report(&report, true);
    let facts = InputFacts {
        geoip: options.enrichment.is_some(),
    };
    let set = RuleSet::for_input(report.rules, Vec::new(), facts);
    let mut runtime = Runtime::new(&set, RuntimeOptions::default());
    options.track_time = true;
    let processor = InvestigateProcessor {
        set: &set,
        actor: &actor,
        window,
    };
    let mut profile = Profile::default();
    let mut alerts: Vec<Alert> = Vec::new();
    let mut mine: Vec<Alert> = Vec::new();
    let mut keep = |alerts: &mut Vec<Alert>| {
        mine.extend(
            alerts
                .drain(..)
                .filter(|a| a.detection.events.iter().any(|e| actor.matches(e))),
        );
    };
    trailhound_ingest::run(&inputs, &processor, &options, |d| {
        reporter.observe(&d);
        if let Delivery::Batch(b) = d {
            if let Some((lo, _)) = b.time_range {
                runtime.batch_start(lo);
            }
            for item in b.outputs {
                match item {
                    Item::Seen(s) => profile.add(&s),
                    Item::Hit(h) => runtime.on_hit(*h, &mut alerts),
                }
            }
            if let Some((_, hi)) = b.time_range {
                runtime.batch_end(hi, &mut alerts);
            }
            keep(&mut alerts);
        }
    });
    runtime.finish(&mut alerts);
    keep(&mut alerts);
    mine.sort_by(|a, b| {
        a.detection
            .time_ms
            .cmp(&b.detection.time_ms)
            .then_with(|| a.rule.name.cmp(&b.rule.name))
    });
    reporter.extra = vec![
        ("events of the actor".into(), profile.events),
        ("alerts".into(), mine.len() as u64),
    ];
    reporter.finish();
    let who = actor.describe(&args);
    if args.json {
        let doc = serde_json::json!({
            "actor": who,
            "events": profile.events,
            "errors": profile.errors,
            "first_seen": profile.first.map(trailhound_engine::alert::iso),
            "last_seen": profile.last.map(trailhound_engine::alert::iso),
            "actions": profile.actions.json(args.top),
            "error_codes": profile.error_codes.json(args.top),
            "regions": profile.regions.json(args.top),
            "source_ips": profile.ips.json(args.top),
            "user_agents": profile.agents.json(args.top),
            "principals": profile.principals.json(args.top),
            "access_keys": profile.keys.json(args.top),
            "accounts": profile.accounts.json(args.top),
            "alerts": mine.iter().map(|a| serde_json::json!({
                "@timestamp": trailhound_engine::alert::iso(a.detection.time_ms),
                "id": a.id,
                "rule": a.rule.name,
                "severity": a.rule.severity.map(|s| s.name()),
                "count": a.detection.count,
            })).collect::<Vec<_>>(),
        });
        println!("{doc}");
        return Ok(exit_code(&reporter));
    }
    let width = text_table::stdout_width();
    println!("{who}");
    println!(
        "  {} events ({} failed), first seen {}, last seen {}, {} alerts",
        profile.events,
        profile.errors,
        when(profile.first),
        when(profile.last),
        mine.len()
    );
    for (title, counter) in profile.sections() {
        let rows: Vec<Vec<String>> = counter
            .top(args.top)
            .into_iter()
            .map(|(k, c, e)| vec![k.to_owned(), c.to_string(), e.to_string()])
            .collect();
        if rows.is_empty() {
            continue;
        }
        println!();
        print!(
            "{}",
            text_table::render(&[title, "EVENTS", "FAILED"], &rows, &[16, 6, 6], width)
        );
        if counter.0.len() > args.top {
            println!("  … {} more (--top N)", counter.0.len() - args.top);
        }
    }
    if !mine.is_empty() {
        let rows: Vec<Vec<String>> = mine
            .iter()
            .map(|a| {
                vec![
                    trailhound_engine::alert::iso(a.detection.time_ms),
                    a.rule.severity.map_or("-", |s| s.name()).to_owned(),
                    a.rule.name.clone(),
                    a.id.chars().take(12).collect(),
                ]
            })
            .collect();
        println!();
        print!(
            "{}",
            text_table::render(
                &["TIME", "SEVERITY", "ALERT", "ID"],
                &rows,
                &[20, 8, 16, 12],
                width
            )
        );
    }
    Ok(exit_code(&reporter))
}

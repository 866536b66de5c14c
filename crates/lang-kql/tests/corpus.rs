//! The Elastic AWS rules of `shared/corpus/elastic-rules`, compiled and run over the real
//! CloudTrail logs of `shared/corpus/cloudtrail`.
//!
//! Every `language = "kuery"` query must compile, with exactly the listed warnings. Which
//! events each rule matches is kept in `tests/snapshots/corpus_hits.txt`; a change shows as a
//! per-rule diff. `UPDATE_SNAPSHOTS=1 cargo test -p trailhound-lang-kql --test corpus`
//! rewrites the file after a deliberate change (review the diff before committing it).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use trailhound_engine::Pred;
use trailhound_event::{Event, View};
use trailhound_ingest::{Delivery, Options, Processor, expand, run};
use trailhound_lang_kql::compile_str;

const RULES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/corpus/elastic-rules"
);
const LOGS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/corpus/cloudtrail"
);
const SNAPSHOT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/snapshots/corpus_hits.txt"
);

/// (file name, query) of every rule with `language = "kuery"`, sorted by file name.
fn kuery_rules() -> Vec<(String, String)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(Path::new(RULES))
        .expect("corpus directory")
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "toml"))
        .collect();
    files.sort();
    let mut rules = Vec::new();
    for path in files {
        let text = std::fs::read_to_string(&path).expect("readable rule");
        let doc: toml::Table = text
            .parse()
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let Some(rule) = doc.get("rule").and_then(|r| r.as_table()) else {
            continue;
        };
        if rule.get("language").and_then(|l| l.as_str()) != Some("kuery") {
            continue;
        }
        let query = rule
            .get("query")
            .and_then(|q| q.as_str())
            .expect("kuery rule has a query");
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        rules.push((name, query.to_owned()));
    }
    rules
}

#[test]
fn every_kuery_rule_compiles_with_the_expected_warnings() {
    let rules = kuery_rules();
    assert_eq!(rules.len(), 113);
    let mut failures = Vec::new();
    let mut warnings = Vec::new();
    let mut compiled = 0;
    for (name, query) in &rules {
        match compile_str(query, View::ECS) {
            Ok(c) => {
                compiled += 1;
                for w in c.warnings {
                    warnings.push(format!("{name}: {} `{}`", w.code, &query[w.span.range()]));
                }
            }
            Err(d) => failures.push(d.render(name, query)),
        }
    }
    assert!(
        failures.is_empty(),
        "{} rules failed to compile:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(compiled, 113);
    // `related.entity` comes from the integration's actor/target script, which trailhound does
    // not model (`trailhound_event::ecs`, "Not produced"): the rule's exclusion never applies.
    assert_eq!(
        warnings,
        [
            "privilege_escalation_iam_customer_managed_policy_attached_to_role.toml: kql::unknown_field `related.entity`"
        ]
    );
}

/// Evaluates every rule on every event; outputs (rule index, eventID, eventName) per hit.
struct Hunt {
    preds: Vec<Pred>,
}

impl Processor for Hunt {
    type Out = (usize, String, String);

    fn process(&self, ev: Event<'_>, out: &mut Vec<Self::Out>) {
        for (i, pred) in self.preds.iter().enumerate() {
            if pred.eval(&ev) {
                let text = |key: &str| ev.raw_str(&[key]).unwrap_or("?").to_owned();
                out.push((i, text("eventID"), text("eventName")));
            }
        }
    }
}

/// Rule file → sorted "eventID eventName" lines.
type Hits = BTreeMap<String, Vec<String>>;

fn fresh_hits() -> (Hits, u64) {
    let rules = kuery_rules();
    let preds = rules
        .iter()
        .map(|(name, q)| {
            compile_str(q, View::ECS)
                .unwrap_or_else(|e| panic!("{name}: {e}"))
                .pred
        })
        .collect();
    let hunt = Hunt { preds };
    let paths = [
        format!("{LOGS}/invictus-aws-dataset/CloudTrail"),
        format!("{LOGS}/traildiscover/logExamples"),
    ];
    let (inputs, errors) = expand(&paths);
    assert!(errors.is_empty(), "{errors:?}");
    let mut hits: Hits = rules
        .iter()
        .map(|(name, _)| (name.clone(), Vec::new()))
        .collect();
    let mut events = 0;
    let mut problems = Vec::new();
    run(
        &inputs,
        &hunt,
        &Options {
            threads: 2,
            ..Options::default()
        },
        |d| match d {
            Delivery::Batch(b) => {
                events += b.events;
                for (i, id, action) in b.outputs {
                    if let Some(list) = rules.get(i).and_then(|(name, _)| hits.get_mut(name)) {
                        list.push(format!("{id} {action}"));
                    }
                }
            }
            Delivery::Error(e) => problems.push(e.to_string()),
            Delivery::Done(_) => {}
        },
    );
    assert!(problems.is_empty(), "{problems:?}");
    for list in hits.values_mut() {
        list.sort();
    }
    (hits, events)
}

fn render(hits: &Hits, events: u64) -> String {
    let mut out = format!(
        "# Events of shared/corpus/cloudtrail ({events} events: invictus-aws-dataset/CloudTrail and\n\
         # traildiscover/logExamples, without GeoIP databases) matched by each KQL rule of\n\
         # shared/corpus/elastic-rules, compiled for the ECS view. Per rule: `== file (hits)`, then\n\
         # `eventID eventName` per hit, sorted (an event present twice in the logs is listed twice).\n\
         # Checked by tests/corpus.rs; UPDATE_SNAPSHOTS=1 rewrites it.\n"
    );
    for (rule, list) in hits {
        out.push_str(&format!("\n== {rule} ({})\n", list.len()));
        for line in list {
            out.push_str(&format!("   {line}\n"));
        }
    }
    out
}

fn parse_snapshot(text: &str) -> Hits {
    let mut hits = Hits::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        if let Some(header) = line.strip_prefix("== ") {
            let rule = header
                .rsplit_once(" (")
                .map_or(header, |(rule, _)| rule)
                .to_owned();
            hits.insert(rule.clone(), Vec::new());
            current = Some(rule);
        } else if let (Some(hit), Some(rule)) = (line.strip_prefix("   "), &current) {
            hits.entry(rule.clone()).or_default().push(hit.to_owned());
        }
    }
    hits
}

/// Per rule, the hits only in `old` (`-`) and only in `new` (`+`).
fn diff(old: &Hits, new: &Hits) -> String {
    let mut out = String::new();
    let rules: std::collections::BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    for rule in rules {
        let (a, b) = (old.get(rule), new.get(rule));
        if a == b {
            continue;
        }
        out.push_str(&format!(
            "{rule}{}\n",
            if a.is_none() {
                " (new rule)"
            } else if b.is_none() {
                " (gone)"
            } else {
                ""
            }
        ));
        let (a, b) = (
            a.cloned().unwrap_or_default(),
            b.cloned().unwrap_or_default(),
        );
        let mut rest = b.clone();
        for line in &a {
            match rest.iter().position(|l| l == line) {
                Some(i) => {
                    rest.remove(i);
                }
                None => out.push_str(&format!("  - {line}\n")),
            }
        }
        for line in rest {
            out.push_str(&format!("  + {line}\n"));
        }
    }
    out
}

#[test]
fn corpus_hits_match_the_snapshot() {
    let (hits, events) = fresh_hits();
    assert_eq!(events, 3463);
    let text = render(&hits, events);
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some_and(|v| v == "1") {
        std::fs::create_dir_all(Path::new(SNAPSHOT).parent().expect("snapshot directory"))
            .expect("create snapshots/");
        std::fs::write(SNAPSHOT, &text).expect("write the snapshot");
        return;
    }
    let stored = std::fs::read_to_string(SNAPSHOT).unwrap_or_default();
    let changes = diff(&parse_snapshot(&stored), &hits);
    assert!(
        changes.is_empty(),
        "corpus hits differ from {SNAPSHOT} (UPDATE_SNAPSHOTS=1 rewrites it):\n{changes}"
    );
    assert_eq!(
        stored, text,
        "the snapshot's layout is stale; UPDATE_SNAPSHOTS=1 rewrites it"
    );
}

#[test]
fn snapshot_diff_reports_per_rule_changes() {
    let old = parse_snapshot("# c\n\n== a.toml (2)\n   1 X\n   2 Y\n\n== b.toml (0)\n");
    assert_eq!(old.get("a.toml").map(Vec::len), Some(2));
    let mut new = old.clone();
    new.insert("a.toml".into(), vec!["1 X".into(), "3 Z".into()]);
    new.remove("b.toml");
    assert_eq!(
        diff(&old, &new),
        "a.toml\n  - 2 Y\n  + 3 Z\nb.toml (gone)\n"
    );
    assert_eq!(diff(&old, &old), "");
}

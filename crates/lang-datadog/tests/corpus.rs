//! The 66 Datadog CloudTrail rules of the shared corpus: every query compiles, every rule
//! plans, and the hits of every query over the shared CloudTrail logs match a reviewed snapshot
//! (`tests/snapshots/corpus_hits.txt`; `UPDATE_SNAPSHOTS=1` rewrites it).

use std::collections::BTreeMap;
use std::path::PathBuf;

use trailhound_engine::{Dispatch, Pred, Scratch};
use trailhound_event::Event;
use trailhound_ingest::{Delivery, Options, Processor, Tally, expand, run};
use trailhound_lang_datadog::plan::QueryInput;
use trailhound_lang_datadog::{Format, Method, RulePlan, load_rule, plan};

const RULES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/corpus/datadog-rules"
);
const LOGS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/corpus/cloudtrail"
);
const SNAPSHOT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/snapshots/corpus_hits.txt"
);

fn plans() -> Vec<RulePlan> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(RULES)
        .unwrap_or_else(|e| panic!("{RULES}: {e}"))
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|path| {
            let text =
                std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let rule = load_rule(&text, Format::Json)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            plan(&rule).unwrap_or_else(|e| panic!("{}: {e:#?}", path.display()))
        })
        .collect()
}

fn count<K: Ord>(items: impl IntoIterator<Item = K>) -> BTreeMap<K, usize> {
    let mut out = BTreeMap::new();
    for k in items {
        *out.entry(k).or_insert(0) += 1;
    }
    out
}

#[test]
fn every_corpus_rule_plans() {
    let plans = plans();
    assert_eq!(plans.len(), 66);
    let methods = count(plans.iter().map(|p| match &p.method {
        Method::NotRunnable { method, reason } => format!("not runnable: {method}: {reason}"),
        other => other.kind().to_string(),
    }));
    let expected: BTreeMap<String, usize> = [
        ("threshold", 56),
        ("new_value", 5),
        ("impossible_travel", 2),
        ("signal_correlation", 1),
        (
            "not runnable: anomaly_detection: the threshold is learned from Datadog's history of \
             the metric (anomalyDetectionOptions), a model trailhound does not have",
            2,
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    assert_eq!(methods, expected);

    let queries: Vec<_> = plans.iter().flat_map(|p| &p.queries).collect();
    let inputs = count(queries.iter().map(|q| match &q.input {
        QueryInput::Events { .. } => "events",
        QueryInput::Signals { .. } => "signals",
    }));
    assert_eq!(inputs, BTreeMap::from([("events", 94), ("signals", 2)]));
    let aggregations = count(queries.iter().map(|q| q.aggregation.as_str().to_string()));
    let want: BTreeMap<String, usize> = [
        ("count", 77),
        ("cardinality", 10),
        ("new_value", 5),
        ("geo_data", 2),
        ("event_count", 2),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    assert_eq!(aggregations, want);
    let cases: usize = plans.iter().map(|p| p.cases.len()).sum();
    let sequences = plans
        .iter()
        .flat_map(|p| &p.cases)
        .filter(|c| c.is_sequence())
        .count();
    assert_eq!((cases, sequences), (93, 2));
    let filters: usize = plans
        .iter()
        .map(|p| p.suppress.len() + p.require.len())
        .sum();
    assert_eq!(filters, 2);
    let disabled: Vec<&str> = plans
        .iter()
        .filter(|p| !p.enabled)
        .filter_map(|p| p.id.as_deref())
        .collect();
    assert_eq!(disabled, ["def-000-vfj"]);

    // What can never match CloudTrail, rule by rule.
    let warnings = count(plans.iter().flat_map(|p| {
        p.warnings.iter().map(move |w| {
            let id = p.id.as_deref().unwrap_or("?");
            format!("{id} {} {}", w.pointer, w.diagnostic.code)
        })
    }));
    let listed: Vec<String> = warnings.iter().map(|(w, n)| format!("{w} x{n}")).collect();
    assert_eq!(
        listed,
        [
            "a1n-son-6bk /queries/0/query datadog::absent_field x1",
            "def-000-1sc /queries/0/query datadog::absent_field x1",
            "def-000-8qc /queries/0/query datadog::absent_field x1",
            "def-000-8qc /queries/1/query datadog::absent_field x2",
            "def-000-h6a /queries/0/query datadog::absent_field x1",
            "def-000-h6a /queries/1/query datadog::absent_field x2",
            "o2p-sbu-rlg /filters/0/query datadog::free_text x1",
            "o2p-sbu-rlg /filters/1/query datadog::free_text x1",
            "ori-yda-7sc /queries/0/query datadog::absent_field x1",
            "vbv-f3o-8zo /queries/0/query datadog::absent_field x1",
        ]
    );
}

/// Evaluates every event query on each event, directly and through the dispatch index.
struct Hits {
    preds: Vec<Pred>,
    dispatch: Dispatch,
}

impl Processor for Hits {
    /// The event's id, the queries it matched, and the ones it matched via dispatch.
    type Out = (String, Vec<u32>, Vec<u32>);

    fn process(&self, ev: Event<'_>, out: &mut Vec<Self::Out>) {
        let direct: Vec<u32> = (0u32..)
            .zip(&self.preds)
            .filter(|(_, p)| p.eval(&ev))
            .map(|(i, _)| i)
            .collect();
        let mut scratch = Scratch::default();
        self.dispatch.candidates(&ev, &mut scratch);
        let via: Vec<u32> = scratch
            .out
            .iter()
            .copied()
            .filter(|&i| self.preds.get(i as usize).is_some_and(|p| p.eval(&ev)))
            .collect();
        out.push((
            ev.raw_str(&["eventID"]).unwrap_or("?").to_owned(),
            direct,
            via,
        ));
    }
}

#[test]
fn corpus_hits_match_the_snapshot() {
    let plans = plans();
    let mut names = Vec::new();
    let mut preds = Vec::new();
    for p in &plans {
        for q in &p.queries {
            if let Some(pred) = q.input.pred() {
                names.push(format!("{} {}", p.id.as_deref().unwrap_or("?"), q.label));
                preds.push(pred.clone());
            }
        }
    }
    let dispatch = Dispatch::build(&preds);
    // Three queries pin no event name or service; the literal gate admits them by text
    // (`Root`, …), so none is checked on every event.
    assert_eq!(dispatch.unindexed(), 0, "queries checked on every event");
    assert_eq!(dispatch.literal_gated(), 3, "queries admitted by a literal");
    let processor = Hits { preds, dispatch };

    let paths = [
        format!("{LOGS}/invictus-aws-dataset/CloudTrail"),
        format!("{LOGS}/traildiscover/logExamples"),
    ];
    let (inputs, errors) = expand(&paths);
    assert!(errors.is_empty(), "{errors:?}");
    let mut tally = Tally::default();
    let mut hits: Vec<Vec<String>> = vec![Vec::new(); names.len()];
    let mut problems = Vec::new();
    run(
        &inputs,
        &processor,
        &Options {
            threads: 2,
            ..Options::default()
        },
        |d| {
            tally.observe(&d);
            match d {
                Delivery::Batch(batch) => {
                    for (id, direct, via) in batch.outputs {
                        if direct != via {
                            problems.push(format!("{id}: dispatch {via:?} vs direct {direct:?}"));
                        }
                        for i in direct {
                            if let Some(list) = hits.get_mut(i as usize) {
                                list.push(id.clone());
                            }
                        }
                    }
                }
                Delivery::Error(e) => problems.push(e.to_string()),
                Delivery::Done(_) => {}
            }
        },
    );
    assert!(problems.is_empty(), "{problems:#?}");
    assert_eq!(tally.events, 3463);

    let mut text = String::from(
        "# Hits of every event query of shared/corpus/datadog-rules over the 3463 events of\n\
         # shared/corpus/cloudtrail (invictus-aws-dataset/CloudTrail, traildiscover/logExamples):\n\
         # `<rule id> <query label> <hits>`, then the matching eventIDs, sorted.\n\
         # Rewrite with UPDATE_SNAPSHOTS=1 cargo test -p trailhound-lang-datadog --test corpus\n",
    );
    for (name, mut ids) in names.iter().zip(hits) {
        ids.sort();
        text.push_str(&format!("{name} {}\n", ids.len()));
        for id in ids {
            text.push_str(&format!("  {id}\n"));
        }
    }
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(SNAPSHOT, &text).unwrap_or_else(|e| panic!("{SNAPSHOT}: {e}"));
        return;
    }
    let expected = std::fs::read_to_string(SNAPSHOT).unwrap_or_default();
    if expected != text {
        panic!(
            "{SNAPSHOT} differs (UPDATE_SNAPSHOTS=1 rewrites it):\n{}",
            diff(&expected, &text)
        );
    }
}

/// Lines only in `old` (`-`) and only in `new` (`+`), with the rule heading they are under.
fn diff(old: &str, new: &str) -> String {
    let lines = |text: &str| -> Vec<String> {
        let mut heading = String::new();
        text.lines()
            .map(|l| {
                if !l.starts_with(' ') {
                    heading = l.to_string();
                    l.to_string()
                } else {
                    format!("{heading} |{l}")
                }
            })
            .collect()
    };
    let (old, new) = (lines(old), lines(new));
    let mut out = String::new();
    for l in old.iter().filter(|l| !new.contains(l)) {
        out.push_str(&format!("- {l}\n"));
    }
    for l in new.iter().filter(|l| !old.contains(l)) {
        out.push_str(&format!("+ {l}\n"));
    }
    out
}

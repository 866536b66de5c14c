//! Conformance over the shared corpus: every EQL rule of `shared/corpus/elastic-rules`
//! compiles (with its `event_category_override`), and every single-event rule runs over every
//! record of `shared/corpus/cloudtrail`. The hits are kept in `tests/snapshots/corpus_hits.txt`
//! (rule file, then the sorted `eventID`s it matches); a change fails with a diff, and
//! `UPDATE_SNAPSHOTS=1` rewrites the file. Every rule with hits was reviewed by reading its
//! query against the matching records (see the crate's report).

use std::collections::BTreeMap;
use std::path::PathBuf;

use trailhound_engine::Pred;
use trailhound_event::{Event, View};
use trailhound_ingest::{Delivery, Options, Processor, expand, run};
use trailhound_lang_eql::{CompileOptions, Plan, compile, parse};

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

/// One EQL rule of the corpus.
struct Rule {
    file: String,
    query: String,
    category_field: Option<String>,
}

fn eql_rules() -> Vec<Rule> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(RULES)
        .unwrap_or_else(|e| panic!("{RULES}: {e}"))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    let mut out = Vec::new();
    for path in files {
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let doc: toml::Table =
            toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let Some(rule) = doc.get("rule").and_then(|r| r.as_table()) else {
            continue;
        };
        let get = |k: &str| rule.get(k).and_then(|v| v.as_str()).map(str::to_string);
        if get("language").as_deref() != Some("eql") {
            continue;
        }
        let file = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        out.push(Rule {
            file,
            query: get("query").unwrap_or_default(),
            category_field: get("event_category_override"),
        });
    }
    out
}

/// Evaluates every filter on each event; outputs `(filter index, eventID, eventName, where)`.
struct Hits {
    filters: Vec<Pred>,
    inputs: BTreeMap<u32, String>,
}

impl Processor for Hits {
    type Out = (usize, String);
    fn process(&self, ev: Event<'_>, out: &mut Vec<(usize, String)>) {
        for (i, f) in self.filters.iter().enumerate() {
            if f.eval(&ev) {
                let origin = ev.origin();
                let input = self.inputs.get(&origin.source).map_or("?", String::as_str);
                let input = input.strip_prefix(LOGS).unwrap_or(input);
                out.push((
                    i,
                    format!(
                        "{} {} ({input}#{})",
                        ev.raw_str(&["eventID"]).unwrap_or("(no eventID)"),
                        ev.raw_str(&["eventName"]).unwrap_or("?"),
                        origin.record
                    ),
                ));
            }
        }
    }
}

#[test]
fn all_eql_rules_compile_and_their_hits_match_the_snapshot() {
    let rules = eql_rules();
    assert_eq!(rules.len(), 23, "EQL rules in the corpus");

    let mut compiled = Vec::new();
    let mut failures = Vec::new();
    for rule in &rules {
        let parsed = match parse(&rule.query) {
            Ok(q) => q,
            Err(d) => {
                failures.push(format!(
                    "{}: {}",
                    rule.file,
                    d.render(&rule.file, &rule.query)
                ));
                continue;
            }
        };
        let options = CompileOptions {
            view: View::ECS,
            category_field: rule.category_field.clone(),
        };
        match compile(&parsed, &options) {
            Ok(c) => {
                for w in &c.warnings {
                    failures.push(format!(
                        "{}: warning {}",
                        rule.file,
                        w.render(&rule.file, &rule.query)
                    ));
                }
                compiled.push((rule.file.clone(), c.plan));
            }
            Err(d) => failures.push(format!(
                "{}: {}",
                rule.file,
                d.render(&rule.file, &rule.query)
            )),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(compiled.len(), 23, "EQL rules that compile");
    let overrides = rules.iter().filter(|r| r.category_field.is_some()).count();
    assert_eq!(overrides, 10, "rules with event_category_override");

    // Single-event rules run over every corpus record.
    let mut names = Vec::new();
    let mut filters = Vec::new();
    let mut sequences = Vec::new();
    for (file, plan) in compiled {
        match plan {
            Plan::Event { filter, .. } => {
                names.push(file);
                filters.push(filter);
            }
            _ => sequences.push(file),
        }
    }
    assert_eq!(sequences.len(), 1, "the corpus has one sequence rule");

    let (inputs, errors) = expand(&[LOGS.to_string()]);
    assert!(errors.is_empty(), "{errors:?}");
    let mut hits: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    let mut events = 0;
    let processor = Hits {
        filters,
        inputs: inputs.iter().map(|i| (i.id, i.name())).collect(),
    };
    run(
        &inputs,
        &processor,
        &Options {
            threads: 2,
            ..Options::default()
        },
        |d| {
            if let Delivery::Batch(b) = d {
                events += b.events;
                for (i, id) in b.outputs {
                    hits.entry(i).or_default().push(id);
                }
            }
        },
    );
    assert_eq!(events, 3844, "corpus records");

    let mut actual = String::from(
        "# Hits of the corpus EQL rules over shared/corpus/cloudtrail (trailhound-lang-eql tests/corpus.rs).\n\
         # One section per rule file: the sorted eventIDs it matches. UPDATE_SNAPSHOTS=1 rewrites this file.\n",
    );
    for (i, name) in names.iter().enumerate() {
        let mut ids = hits.remove(&i).unwrap_or_default();
        ids.sort();
        actual.push_str(&format!("\n{name}: {} hits\n", ids.len()));
        for id in ids {
            actual.push_str(&format!("  {id}\n"));
        }
    }
    for name in &sequences {
        actual.push_str(&format!("\n{name}: sequence (not evaluated here)\n"));
    }

    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(SNAPSHOT, &actual).unwrap_or_else(|e| panic!("{SNAPSHOT}: {e}"));
        return;
    }
    let expected = std::fs::read_to_string(SNAPSHOT).unwrap_or_default();
    if expected != actual {
        panic!(
            "corpus hits differ from {SNAPSHOT} (UPDATE_SNAPSHOTS=1 rewrites it):\n{}",
            diff(&expected, &actual)
        );
    }
}

/// Lines only in `expected` (`-`) or only in `actual` (`+`), with the rule they belong to.
fn diff(expected: &str, actual: &str) -> String {
    let sections = |text: &str| -> BTreeMap<String, Vec<String>> {
        let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut current = String::new();
        for line in text.lines() {
            if let Some(id) = line.strip_prefix("  ") {
                out.entry(current.clone()).or_default().push(id.to_string());
            } else if let Some((name, _)) = line.split_once(": ") {
                current = name.to_string();
                out.entry(current.clone()).or_default();
            }
        }
        out
    };
    let (e, a) = (sections(expected), sections(actual));
    let mut lines = Vec::new();
    for name in e.keys().chain(a.keys().filter(|k| !e.contains_key(*k))) {
        let (old, new) = (e.get(name), a.get(name));
        let empty = Vec::new();
        let (old, new) = (old.unwrap_or(&empty), new.unwrap_or(&empty));
        let removed: Vec<_> = old.iter().filter(|id| !new.contains(id)).collect();
        let added: Vec<_> = new.iter().filter(|id| !old.contains(id)).collect();
        if removed.is_empty() && added.is_empty() && e.contains_key(name) == a.contains_key(name) {
            continue;
        }
        lines.push(format!("{name}:"));
        lines.extend(removed.iter().map(|id| format!("- {id}")));
        lines.extend(added.iter().map(|id| format!("+ {id}")));
    }
    if lines.is_empty() {
        lines.push("(same hits, different text: compare the files)".into());
    }
    lines.join("\n")
}

//! The documented schemas hold for what the sinks write.
//!
//! Every JSON Lines alert must validate against `docs/schemas/alert.schema.json` and every
//! Elastic document against `docs/schemas/ecs-alert.schema.json`; the SARIF log must validate
//! against `tests/sarif-2.1.0-subset.schema.json` (the part of SARIF 2.1.0 trailhound writes,
//! written from the specification; the OASIS schema itself is not shipped here) and pass the
//! structural checks below. The alerts are the fixed set of the golden tests and every alert the
//! corpus rules raise on the Invictus CloudTrail data set.
//!
//! Validation runs Python's `jsonschema` package (CI installs it). Without `python3` or the
//! package the validating tests print why and pass without validating; the structural checks
//! in Rust always run. Each validating test first checks that a broken document is rejected,
//! so a validator that accepts everything cannot pass.

mod common;

use common::{Format, corpus_alerts, fixture_alerts, json_lines, render, repo, validate};
use serde_json::{Value, json};
use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::OnceLock;
use trailhound_alerts::ecs::alerts_index;
use trailhound_engine::Alert;

/// Fixture alerts followed by the corpus alerts (computed once per test binary).
fn alerts() -> &'static [Alert] {
    static ALERTS: OnceLock<Vec<Alert>> = OnceLock::new();
    ALERTS.get_or_init(|| {
        let mut all = fixture_alerts();
        let corpus = corpus_alerts();
        assert!(
            corpus.len() >= 40,
            "the corpus rules raise at least 40 alerts on the Invictus data set, got {}",
            corpus.len()
        );
        all.extend(corpus);
        all
    })
}

fn schema(name: &str) -> PathBuf {
    repo().join("docs/schemas").join(name)
}

/// Validates `docs` against `schema`, after checking that `broken` is rejected. Returns false
/// (after printing why) when validation cannot run here.
fn check(schema: &std::path::Path, docs: &[Value], broken: Value) -> bool {
    match validate(schema, &[broken]) {
        Err(reason) => {
            eprintln!("skipped: {reason}");
            return false;
        }
        Ok(errors) => assert!(
            !errors.is_empty(),
            "{}: the broken document was accepted",
            schema.display()
        ),
    }
    match validate(schema, docs) {
        Err(reason) => {
            eprintln!("skipped: {reason}");
            false
        }
        Ok(errors) => {
            assert!(
                errors.is_empty(),
                "{}: {} errors:\n{}",
                schema.display(),
                errors.len(),
                errors
                    .iter()
                    .take(40)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join("\n")
            );
            true
        }
    }
}

#[test]
fn jsonl_alerts_match_the_alert_schema() {
    let docs = json_lines(&render(Format::Jsonl, alerts()));
    assert_eq!(docs.len(), alerts().len());
    let mut broken = docs[0].clone();
    broken["alert"]["severity"] = json!("urgent");
    if check(&schema("alert.schema.json"), &docs, broken) {
        eprintln!("{} JSON Lines alerts validated", docs.len());
    }
}

/// The bulk action lines pair with the documents and name their alert.
#[test]
fn ecs_output_is_a_bulk_request() {
    let lines = json_lines(&render(Format::Ecs, alerts()));
    assert_eq!(lines.len(), 2 * alerts().len());
    let mut ids = HashSet::new();
    for (pair, alert) in lines.chunks(2).zip(alerts()) {
        let (action, doc) = (&pair[0], &pair[1]);
        assert_eq!(
            action,
            &json!({"create": {"_index": alerts_index("default"), "_id": alert.id}})
        );
        assert_eq!(doc["kibana.alert.uuid"], json!(alert.id));
        assert_eq!(doc["event"]["kind"], "signal");
        assert_eq!(doc["kibana.space_ids"], json!(["default"]));
        assert_eq!(
            doc["kibana.alert.ancestors"].as_array().map(Vec::len),
            Some(alert.detection.events.len())
        );
        ids.insert(alert.id.clone());
    }
    assert_eq!(ids.len(), alerts().len(), "alert ids are distinct");
}

#[test]
fn ecs_documents_match_the_ecs_alert_schema() {
    let lines = json_lines(&render(Format::Ecs, alerts()));
    let docs: Vec<Value> = lines.into_iter().skip(1).step_by(2).collect();
    let mut broken = docs[0].clone();
    broken["kibana.alert.rule.nmae"] = json!("a misspelt field");
    if check(&schema("ecs-alert.schema.json"), &docs, broken) {
        eprintln!("{} Elastic alert documents validated", docs.len());
    }
}

#[test]
fn sarif_log_has_the_required_structure() {
    let log: Value = serde_json::from_str(&render(Format::Sarif, alerts())).expect("JSON");
    assert_eq!(log["version"], "2.1.0");
    let runs = log["runs"].as_array().expect("runs");
    assert_eq!(runs.len(), 1, "one run");
    let driver = &runs[0]["tool"]["driver"];
    assert_eq!(driver["name"], "trailhound");
    let rules = driver["rules"].as_array().expect("rules");
    let rule_ids: Vec<&str> = rules.iter().filter_map(|r| r["id"].as_str()).collect();
    assert_eq!(rule_ids.len(), rules.len(), "every rule has an id");
    assert_eq!(
        rule_ids.iter().collect::<HashSet<_>>().len(),
        rule_ids.len(),
        "rule ids are distinct"
    );
    for r in rules {
        assert!(r["help"]["text"].is_string(), "help text: {r}");
        assert!(r["shortDescription"]["text"].is_string(), "{r}");
    }
    let results = runs[0]["results"].as_array().expect("results");
    assert_eq!(results.len(), alerts().len());
    let wanted: HashSet<&str> = alerts().iter().map(|a| a.rule.id.as_str()).collect();
    assert_eq!(wanted, rule_ids.iter().copied().collect(), "each rule once");
    let mut last_time = String::new();
    for r in results {
        let index = r["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(
            r["ruleId"], rules[index]["id"],
            "ruleIndex points at ruleId"
        );
        assert!(
            ["none", "note", "warning", "error"].contains(&r["level"].as_str().unwrap_or("")),
            "{r}"
        );
        assert!(
            r["message"]["text"].as_str().is_some_and(|t| !t.is_empty()),
            "{r}"
        );
        let time = r["properties"]["timestamp"].as_str().expect("timestamp");
        assert!(*time >= *last_time, "results in time order");
        last_time = time.to_owned();
        for loc in r["locations"].as_array().into_iter().flatten() {
            assert!(
                !loc["logicalLocations"]
                    .as_array()
                    .is_none_or(|l| l.is_empty()),
                "{loc}"
            );
        }
    }
}

#[test]
fn sarif_log_matches_the_sarif_subset_schema() {
    let log: Value = serde_json::from_str(&render(Format::Sarif, alerts())).expect("JSON");
    let mut broken = log.clone();
    broken["runs"][0]["results"][0]["level"] = json!("fatal");
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/sarif-2.1.0-subset.schema.json");
    if check(&path, &[log], broken) {
        eprintln!("SARIF log validated against the subset schema");
    }
}

/// `docs/alerts.md` documents every field of the schema, and its example is a valid alert.
#[test]
fn the_alerts_page_covers_the_schema() {
    let page = std::fs::read_to_string(repo().join("docs/alerts.md")).expect("docs/alerts.md");
    let path = schema("alert.schema.json");
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(&path).expect("schema"))
        .expect("the schema is JSON");
    let props = |v: &Value| -> Vec<String> {
        v["properties"]
            .as_object()
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default()
    };
    let mut missing = Vec::new();
    for key in props(&doc) {
        if !page.contains(&format!("### `{key}`")) {
            missing.push(key.clone());
        }
        for sub in props(&doc["properties"][&key]) {
            if !page.contains(&format!("| `{key}.{sub}` |")) {
                missing.push(format!("{key}.{sub}"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "not described in docs/alerts.md: {missing:?}"
    );

    let example = page
        .split("```json\n")
        .nth(1)
        .and_then(|rest| rest.split("\n```").next())
        .expect("docs/alerts.md has a JSON example");
    let example: Value = serde_json::from_str(example).expect("the example is JSON");
    let mut broken = example.clone();
    broken["count"] = json!(-1);
    check(&path, &[example], broken);
}

//! Conformance with Elastic's own pipeline fixtures (`../shared/corpus/ecs-mapping/`).
//!
//! Every `.log` line is normalised through the ECS view of the pipeline generation its expected
//! file was recorded with (see `reference/ecs-mapping.md` §1–§3 and the fixture notes), and the
//! fields of §7 are compared byte for byte in both directions: every expected value must be
//! produced, and nothing must be produced that the fixture does not have.

use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::path::PathBuf;
use trailhound_event::{Event, Generation, Retain, View, document, document_with};

fn corpus() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/ecs-mapping")
}

/// Pipeline generation of each expected file, from the commit the fixture notes give for it.
const FIXTURES: &[(&str, Generation)] = &[
    ("test-console-login-json", Generation::V0f775e78),
    ("test-assume-role-json", Generation::V0f775e78),
    ("test-stop-configuration-recorder", Generation::V0f775e78),
    ("test-attach-user-policy-json", Generation::Latest),
    (
        "test-authorize-security-group-ingress-json",
        Generation::V0b97ab02,
    ),
    ("test-us-gov-arn", Generation::V02fd8215),
    // Commit 17c5e852 sits between 0f775e78 and 0b97ab02 for the fields compared here (IAM-user
    // events only: no role session name, table entries identical).
    ("test-get-password-data-json", Generation::V0f775e78),
    ("test-create-key-pair-json", Generation::Legacy),
    ("test-delete-bucket-json", Generation::Legacy),
    ("test-copy-object-json-minimal", Generation::Latest),
    ("test-tls-details-json", Generation::Legacy),
    ("test-modify-snapshot-attribute-json", Generation::V0f775e78),
];

/// Fields compared (section 7): exact names, and prefixes compared leaf by leaf.
const EXACT: &[&str] = &[
    "@timestamp",
    "event.action",
    "event.provider",
    "event.outcome",
    "event.id",
    "event.kind",
    "event.category",
    "event.type",
    "cloud.account.id",
    "cloud.region",
    "source.address",
    "source.ip",
    "user.name",
    "user.id",
    "user.email",
    "user.target.name",
    "user_agent.original",
    "related.user",
];
const PREFIXES: &[&str] = &["tls.", "aws.cloudtrail."];

fn flatten(prefix: &str, v: &Value, out: &mut BTreeMap<String, Value>) {
    match v {
        Value::Object(map) => {
            for (k, v) in map {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(&key, v, out);
            }
        }
        other => {
            out.insert(prefix.to_owned(), other.clone());
        }
    }
}

fn compared(doc: &Value) -> BTreeMap<String, Value> {
    let mut all = BTreeMap::new();
    flatten("", doc, &mut all);
    all.into_iter()
        .filter(|(k, _)| {
            (EXACT.contains(&k.as_str()) || PREFIXES.iter().any(|p| k.starts_with(p)))
                && !k.starts_with("aws.cloudtrail.flattened.digest")
        })
        .collect()
}

#[test]
fn every_fixture_field_matches_byte_for_byte() {
    let mut documents = 0;
    let mut fields = 0;
    let mut failures = Vec::new();
    for (name, generation) in FIXTURES {
        let log = std::fs::read_to_string(corpus().join(format!("{name}.log")))
            .expect("fixture log is readable");
        let expected: Value = serde_json::from_str(
            &std::fs::read_to_string(corpus().join(format!("{name}.log-expected.json")))
                .expect("expected file"),
        )
        .expect("expected file is JSON");
        let expected: Vec<&Map<String, Value>> = expected["expected"]
            .as_array()
            .expect("expected array")
            .iter()
            .filter_map(Value::as_object)
            // A trailing blank line in a .log makes an almost empty document with no original.
            .filter(|d| d.get("event").and_then(|e| e.get("original")).is_some())
            .collect();
        let lines: Vec<&str> = log.lines().filter(|l| !l.trim().is_empty()).collect();
        assert_eq!(
            lines.len(),
            expected.len(),
            "{name}: one expected document per line"
        );
        for (line, want) in lines.iter().zip(expected) {
            assert_eq!(
                want["event"]["original"].as_str(),
                Some(*line),
                "{name}: event.original is the line"
            );
            let ev = Event::parse(line).expect("fixture line parses");
            // The one fixture with an input config: `_conf.retain: minimal`.
            let retain = if name.ends_with("-minimal") {
                Retain::Minimal
            } else {
                Retain::All
            };
            let got = compared(&document_with(&ev, View::Ecs(*generation), retain));
            let want = compared(&Value::Object(want.clone()));
            for key in want
                .keys()
                .chain(got.keys())
                .collect::<std::collections::BTreeSet<_>>()
            {
                fields += 1;
                if want.get(key) != got.get(key) {
                    failures.push(format!(
                        "{name} [{}] {key}:\n   want {:?}\n    got {:?}",
                        ev_id(line),
                        want.get(key),
                        got.get(key)
                    ));
                }
            }
            documents += 1;
        }
    }
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(documents, 17, "documents compared");
    assert!(fields > 500, "fields compared: {fields}");
}

fn ev_id(line: &str) -> String {
    serde_json::from_str::<Value>(line)
        .ok()
        .and_then(|v| v["eventID"].as_str().map(str::to_owned))
        .unwrap_or_default()
}

#[test]
fn every_parameters_string_matches_the_hashmap_model() {
    // Independent of generation: the four Java strings of every fixture document.
    let mut checked = 0;
    for (name, _) in FIXTURES {
        let log = std::fs::read_to_string(corpus().join(format!("{name}.log"))).expect("log");
        let expected: Value = serde_json::from_str(
            &std::fs::read_to_string(corpus().join(format!("{name}.log-expected.json")))
                .expect("exp"),
        )
        .expect("json");
        let docs: Vec<&Value> = expected["expected"]
            .as_array()
            .expect("array")
            .iter()
            .filter(|d| d["event"]["original"].is_string())
            .collect();
        for (line, want) in log.lines().filter(|l| !l.trim().is_empty()).zip(docs) {
            let ev = Event::parse(line).expect("parses");
            let got = document(&ev, View::ECS);
            for key in [
                "request_parameters",
                "response_elements",
                "additional_eventdata",
                "service_event_details",
            ] {
                let w = &want["aws"]["cloudtrail"][key];
                if w.is_string() {
                    assert_eq!(&got["aws"]["cloudtrail"][key], w, "{name} {key}");
                    checked += 1;
                }
            }
        }
    }
    assert_eq!(
        checked, 29,
        "the reference counts 29 parameter strings in the fixtures"
    );
}

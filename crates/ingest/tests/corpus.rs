//! Every record of the shared real CloudTrail logs decodes, through the parallel pipeline.

use std::collections::BTreeMap;
use std::path::PathBuf;
use trailhound_event::Event;
use trailhound_ingest::{Delivery, Format, Options, Processor, Tally, expand, run};

fn corpus(sub: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/corpus/cloudtrail")
        .join(sub)
        .display()
        .to_string()
}

/// Collects each event's eventID, so tests can check order and completeness.
struct Ids;

impl Processor for Ids {
    type Out = String;
    fn process(&self, ev: Event<'_>, out: &mut Vec<String>) {
        out.push(ev.raw_str(&["eventID"]).unwrap_or("?").to_owned());
    }
}

fn hunt(paths: &[String], threads: usize) -> (Tally, Vec<String>, Vec<String>) {
    let (inputs, errors) = expand(paths);
    assert!(errors.is_empty(), "{errors:?}");
    let mut tally = Tally::default();
    let mut ids = Vec::new();
    let mut problems = Vec::new();
    let options = Options {
        threads,
        ..Options::default()
    };
    run(&inputs, &Ids, &options, |d| {
        tally.observe(&d);
        match d {
            Delivery::Batch(b) => ids.extend(b.outputs),
            Delivery::Error(e) => problems.push(e.to_string()),
            Delivery::Done(_) => {}
        }
    });
    (tally, ids, problems)
}

#[test]
fn invictus_s3_delivery_files_decode_completely() {
    let (tally, ids, problems) = hunt(&[corpus("invictus-aws-dataset")], 2);
    // SOURCE.md sits beside the logs: one problem for the whole file, the logs all decode.
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0]
            .ends_with("SOURCE.md: not JSON: starts with \"# invictus-aws-d\"; input skipped"),
        "{}",
        problems[0]
    );
    assert_eq!(
        (tally.inputs, tally.input_errors, tally.skipped_records),
        (56, 1, 0)
    );
    assert_eq!(tally.events, 2900);
    assert_eq!(
        tally.per_format,
        BTreeMap::from([((Format::Records, false), 2900)])
    );
    assert_eq!(ids.len(), 2900);
}

#[test]
fn traildiscover_examples_decode_completely() {
    let (tally, ids, problems) = hunt(&[corpus("traildiscover/logExamples")], 2);
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(tally.inputs, 584);
    assert_eq!(tally.events, 563);
    let arrays = tally
        .per_format
        .get(&(Format::Array, false))
        .copied()
        .unwrap_or(0);
    let singles = tally
        .per_format
        .get(&(Format::Concatenated, false))
        .copied()
        .unwrap_or(0);
    assert_eq!((arrays, singles), (543, 20));
    assert_eq!(ids.len(), 563);
}

#[test]
fn output_order_does_not_depend_on_thread_count() {
    let paths = [
        corpus("invictus-aws-dataset/CloudTrail"),
        corpus("traildiscover/logExamples"),
    ];
    let (_, one, _) = hunt(&paths, 1);
    let (_, two, _) = hunt(&paths, 2);
    let (_, four, _) = hunt(&paths, 4);
    assert_eq!(one.len(), 3463);
    assert_eq!(one, two);
    assert_eq!(one, four);
}

//! The simulated trail decodes through trailhound's own ingest pipeline, in both layouts, record
//! for record.

use std::collections::BTreeSet;
use trailhound_event::Event;
use trailhound_ingest::{Delivery, Format, Options, Processor, Tally, expand, run};
use trailhound_sim::{AttackId, Layout, SimOptions, simulate};

/// An event's eventID, time in milliseconds and user type.
type Row = (String, Option<i64>, String);

/// Collects each event's [`Row`].
struct Fields;

impl Processor for Fields {
    type Out = Row;
    fn process(&self, ev: Event<'_>, out: &mut Vec<Self::Out>) {
        out.push((
            ev.raw_str(&["eventID"]).unwrap_or("?").to_owned(),
            ev.time_millis(),
            ev.raw_str(&["userIdentity", "type"])
                .unwrap_or("?")
                .to_owned(),
        ));
    }
}

fn ingest(paths: &[String]) -> (Tally, Vec<Row>, Vec<String>) {
    let (inputs, errors) = expand(paths);
    assert!(errors.is_empty(), "{errors:?}");
    let mut tally = Tally::default();
    let mut out = Vec::new();
    let mut problems = Vec::new();
    run(
        &inputs,
        &Fields,
        &Options {
            threads: 2,
            ..Options::default()
        },
        |d| {
            tally.observe(&d);
            match d {
                Delivery::Batch(b) => out.extend(b.outputs),
                Delivery::Error(e) => problems.push(e.to_string()),
                Delivery::Done(_) => {}
            }
        },
    );
    (tally, out, problems)
}

#[test]
fn both_layouts_decode_completely_through_ingest() {
    let attacks: Vec<_> = AttackId::all().map(|a| (a, None)).collect();
    let dir = tempfile::tempdir().expect("tempdir");
    let s3_dir = dir.path().join("s3");
    let ndjson_path = dir.path().join("trail.ndjson");

    let mut o = SimOptions::new(Layout::S3 {
        dir: s3_dir.clone(),
    });
    o.seed = 31;
    o.events = 30_000;
    o.attacks = attacks.clone();
    let s3 = simulate(o).expect("simulates");

    let file = std::fs::File::create(&ndjson_path).expect("creates");
    let mut o = SimOptions::new(Layout::Ndjson {
        events: Box::new(file),
        ground_truth: None,
    });
    o.seed = 31;
    o.events = 30_000;
    o.attacks = attacks;
    let nd = simulate(o).expect("simulates");
    let total = nd.background_events + nd.attack_events;
    assert_eq!(total, s3.background_events + s3.attack_events);

    let (tally, s3_events, problems) = ingest(&[s3_dir.join("AWSLogs").display().to_string()]);
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(
        (tally.inputs, tally.events, tally.skipped_records),
        (s3.files, total, 0)
    );
    assert_eq!(
        tally.per_format.get(&(Format::Records, true)).copied(),
        Some(total)
    );

    let (tally, nd_events, problems) = ingest(&[ndjson_path.display().to_string()]);
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(
        (tally.inputs, tally.events, tally.skipped_records),
        (1, total, 0)
    );

    // Every record has a parseable time and a user type; the layouts hold the same events; the
    // ground truth's events are all there.
    assert!(
        nd_events
            .iter()
            .all(|(_, t, kind)| t.is_some() && kind != "?")
    );
    let ids = |v: &[Row]| {
        v.iter()
            .map(|(id, _, _)| id.clone())
            .collect::<BTreeSet<_>>()
    };
    let (a, b) = (ids(&s3_events), ids(&nd_events));
    assert_eq!(a.len() as u64, total);
    assert_eq!(a, b);
    assert!(nd.ground_truth.iter().all(|g| a.contains(&g.event_id)));
    // NDJSON arrives in time order.
    assert!(nd_events.windows(2).all(|w| w[0].1 <= w[1].1));
}

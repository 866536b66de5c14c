//! Data for trailhound's benchmarks: simulated CloudTrail records (the same generator as
//! `trailhound simulate`, so benchmarks and the end-to-end script see the same traffic), parsed
//! events, and the rule sets the benchmarks run.
//!
//! Run the micro-benchmarks with `cargo bench -p trailhound-bench`; the end-to-end suite is
//! `bench/run.sh` at the repository root.

use std::borrow::Cow;
use std::path::PathBuf;
use trailhound_event::{Event, Origin};
use trailhound_rules::{LoadOptions, LoadReport};
use trailhound_sim::{AttackId, Layout, SimOptions};

/// `n` simulated background records (seed 7, one day, every attack technique injected once),
/// one JSON text each.
pub fn records(n: u64) -> Vec<String> {
    let mut buf: Vec<u8> = Vec::new();
    {
        let mut options = SimOptions::new(Layout::Ndjson {
            events: Box::new(&mut buf),
            ground_truth: None,
        });
        options.seed = 7;
        options.events = n;
        options.attacks = AttackId::all().map(|a| (a, None)).collect();
        // The options are valid: defaults plus a seed, a count and the catalogue's attacks.
        trailhound_sim::simulate(options).expect("simulation");
    }
    String::from_utf8_lossy(&buf)
        .lines()
        .map(str::to_owned)
        .collect()
}

/// A record parsed into an event that owns its text.
pub fn event(record: &str) -> Event<'static> {
    // Records come from the simulator, which writes valid JSON.
    let doc: sonic_rs::Value = sonic_rs::from_str(record).expect("simulated records are JSON");
    Event::new(
        Cow::Owned(record.to_owned()),
        doc,
        Origin {
            source: 0,
            record: 1,
        },
    )
}

/// The shared conformance corpus (`../shared/corpus` beside the checkout), if present.
pub fn corpus() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus");
    dir.is_dir().then_some(dir)
}

/// Every rule of the shared corpus (Elastic rules and hunting queries, Sigma, Datadog), or the
/// bundled pack when the corpus is absent.
pub fn corpus_rules() -> LoadReport {
    let options = LoadOptions::default();
    match corpus() {
        Some(c) => trailhound_rules::load_paths(
            &[
                c.join("elastic-rules"),
                c.join("elastic-hunting"),
                c.join("sigma-cloudtrail"),
                c.join("datadog-rules"),
            ],
            &options,
        ),
        None => trailhound_rules::pack::load(&options),
    }
}

/// The bundled rule pack.
pub fn pack_rules() -> LoadReport {
    trailhound_rules::pack::load(&LoadOptions::default())
}

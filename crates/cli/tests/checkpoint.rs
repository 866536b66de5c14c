//! Operator state checkpoints: every stateful rule of the bundled pack, fed a simulated week
//! with attacks, gives the same detections when its state is saved as JSON text half-way and
//! restored into a fresh operator as when it runs straight through. (Hunting queries run once
//! over the whole input and have no schedule to resume: they are the exception, counted.)

use std::process::Command;
use trailhound_engine::{Detection, Operator, RuleSet, Scratch};
use trailhound_event::Event;
use trailhound_rules::{LoadOptions, pack};

fn simulated() -> Vec<trailhound_engine::SharedEvent> {
    let tmp = tempfile::tempdir().expect("temp dir");
    let file = tmp.path().join("events.ndjson");
    let out = Command::new(env!("CARGO_BIN_EXE_trailhound"))
        .args([
            "simulate",
            "-n",
            "60000",
            "-d",
            "7",
            "--seed",
            "3",
            "--all-attacks",
            "--ndjson",
        ])
        .arg(&file)
        .output()
        .expect("simulate runs");
    assert!(out.status.success());
    let text = std::fs::read_to_string(&file).expect("read");
    let mut events: Vec<Event<'static>> = text
        .lines()
        .map(|l| Event::parse(l).expect("valid").into_owned())
        .collect();
    events.sort_by_key(|e| e.time_millis());
    events.into_iter().map(std::sync::Arc::new).collect()
}

/// What a detection says, comparably.
fn describe(d: &Detection) -> String {
    let ids: Vec<&str> = d
        .events
        .iter()
        .filter_map(|e| e.raw_str(&["eventID"]))
        .collect();
    format!(
        "{} {:?} {:?} {} {:?} {:?}",
        d.time_ms, ids, d.group, d.count, d.label, d.fields
    )
}

/// Feeds `inputs` from `start` on, as the runtime does (watermark after each event), and
/// finishes when asked.
fn feed(
    op: &mut dyn Operator,
    inputs: &[(usize, trailhound_engine::SharedEvent)],
    finish: bool,
    out: &mut Vec<Detection>,
) {
    for (slot, ev) in inputs {
        op.on_event(*slot, ev, out);
        if let Some(t) = ev.time_millis() {
            op.on_watermark(t, out);
        }
    }
    if finish {
        op.finish(out);
    }
}

#[test]
fn every_pack_operator_resumes_from_a_checkpoint() {
    let events = simulated();
    let report = pack::load(&LoadOptions::default());
    let set = RuleSet::new(report.rules);
    // Per rule, the (slot, event) pairs its filters pass, in time order.
    let mut inputs: Vec<Vec<(usize, trailhound_engine::SharedEvent)>> =
        vec![Vec::new(); set.rules().len()];
    let mut scratch = Scratch::default();
    let mut slots = Vec::new();
    for ev in &events {
        set.matches(ev, &mut scratch, &mut slots);
        if slots.is_empty() {
            continue;
        }
        for s in &slots {
            inputs[s.rule as usize].push((s.filter as usize, ev.clone()));
        }
    }
    let start = events.first().and_then(|e| e.time_millis()).expect("time");
    let mut operators = 0;
    let mut detections = 0;
    let mut once = 0;
    for (r, rule) in set.rules().iter().enumerate() {
        let Some(factory) = rule.logic.factory() else {
            continue;
        };
        operators += 1;
        let all = &inputs[r];
        let mut straight = Vec::new();
        let mut op = factory.create();
        op.observe_data_start(start);
        feed(op.as_mut(), all, true, &mut straight);

        let half = all.len() / 2;
        let mut resumed = Vec::new();
        let mut first = factory.create();
        first.observe_data_start(start);
        feed(first.as_mut(), &all[..half], false, &mut resumed);
        let saved = match first.checkpoint() {
            Ok(saved) => saved,
            // Hunting queries run once over the whole input, not on a schedule: a continuous
            // run has nothing of theirs to checkpoint.
            Err(_) if rule.meta.rule_type == "hunt" => {
                once += 1;
                continue;
            }
            Err(e) => panic!("{}: {e}", rule.meta.name),
        };
        let text = serde_json::to_string(&saved).expect("state is JSON");
        drop(first);
        let mut second = factory.create();
        second
            .restore(serde_json::from_str(&text).expect("parses"))
            .unwrap_or_else(|e| panic!("{}: {e}", rule.meta.name));
        feed(second.as_mut(), &all[half..], true, &mut resumed);

        let a: Vec<String> = straight.iter().map(describe).collect();
        let b: Vec<String> = resumed.iter().map(describe).collect();
        assert_eq!(a, b, "{}", rule.meta.name);
        detections += a.len();
    }
    assert!(operators >= 35, "stateful pack rules: {operators}");
    assert_eq!(once, 4, "the pack's four hunting queries");
    eprintln!("{operators} operators, {detections} detections compared");
    assert!(detections >= 40, "detections compared: {detections}");
}

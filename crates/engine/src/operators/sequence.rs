//! Ordered sequences (EQL `sequence`) and unordered samples (EQL `sample`), language-neutral.
//!
//! Semantics follow Elasticsearch's EQL (`SequenceMatcher`, `TumblingWindow`; summarised in
//! `trailhound-lang-eql`'s docs):
//!
//! * Events are ordered by event time, then by input position; each step's event must come
//!   strictly after the previous step's.
//! * Join keys: each step names its key fields; steps join when their key tuples are equal
//!   position by position. A missing non-optional key excludes the event; an optional key joins
//!   on `null`. Multi-valued keys take part once per value (cartesian product).
//! * Per key, each stage holds at most one pending sequence: an event of step *k* extends the
//!   pending sequence of stage *k-1* (if it precedes the event) and a first-step event replaces
//!   the pending one. An event matching several steps is applied to the later step first, so it
//!   can complete a sequence and start a new one.
//! * `maxspan` is inclusive: a sequence is dropped when an event would make it span more.
//! * `until`: an until event with the key cancels the key's pending sequences.
//! * Missing steps (`![q]`): a candidate is rejected when an event of the missing step with the
//!   same key lies strictly between its neighbouring positive events; leading missing steps look
//!   for the latest such event before the first positive event, trailing ones for the earliest
//!   after the last, each rejecting only within `maxspan` of the other end. A candidate with a
//!   trailing missing step is held until `maxspan` has passed (or the input ends).
//! * `head N` reports the first N sequences; `tail N` the last N (held until the end).

use super::{combinations, key_of};
use crate::alert::{Detection, SharedEvent};
use crate::ruleset::{Operator, OperatorFactory, OperatorStats};
use crate::state::{Keyed, StoredEvent};
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;
use trailhound_event::Field;

/// One join key of a step.
#[derive(Clone, Debug)]
pub struct KeySpec {
    /// The key's name as written (for the alert's group values).
    pub name: String,
    /// How to read it.
    pub field: Field,
    /// `?field`: a missing value joins as `null` instead of excluding the event.
    pub optional: bool,
}

/// One step of a sequence.
#[derive(Clone, Debug)]
pub struct StepSpec {
    /// The rule filter (slot) whose events feed this step.
    pub filter: usize,
    /// The step's join keys (sequence-level keys first).
    pub keys: Vec<KeySpec>,
    /// A missing-event step (`![...]`).
    pub missing: bool,
}

/// Result limiting pipe.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Limit {
    /// The first N results.
    Head(usize),
    /// The last N results.
    Tail(usize),
}

/// A sequence's parameters.
#[derive(Clone, Debug)]
pub struct SequenceSpec {
    /// Steps in order.
    pub steps: Vec<StepSpec>,
    /// Largest time between the first and last event, inclusive.
    pub maxspan_ms: Option<i64>,
    /// The `until` step.
    pub until: Option<StepSpec>,
    /// `head`/`tail` pipes, applied in order.
    pub limits: Vec<Limit>,
    /// Most join keys held.
    pub max_keys: usize,
}

/// Factory for [`SequenceOperator`].
#[derive(Debug)]
pub struct SequenceFactory(pub SequenceSpec);

impl OperatorFactory for SequenceFactory {
    fn create(&self) -> Box<dyn Operator> {
        Box::new(SequenceOperator::new(self.0.clone()))
    }
}

type Order = (i64, u32, u64);

fn order(ev: &SharedEvent) -> Order {
    let o = ev.origin();
    (ev.time_millis().unwrap_or(i64::MIN), o.source, o.record)
}

#[derive(Clone, Debug, Serialize, Deserialize)]
struct Partial {
    events: Vec<StoredEvent>,
}

impl Partial {
    fn first(&self) -> Order {
        self.events
            .first()
            .map_or((i64::MIN, 0, 0), |e| order(&e.0))
    }
    fn last(&self) -> Order {
        self.events.last().map_or((i64::MIN, 0, 0), |e| order(&e.0))
    }
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct KeyState {
    /// Pending sequence that has completed positive stage `i`.
    stages: Vec<Option<Partial>>,
    /// Recent event times per missing step (by step index), for the missing-step checks.
    missing: Vec<VecDeque<i64>>,
    values: Vec<String>,
}

/// The running state of one sequence rule.
#[derive(Debug)]
pub struct SequenceOperator {
    spec: SequenceSpec,
    /// Indices of positive steps in `spec.steps`.
    positive: Vec<usize>,
    keys: Keyed<KeyState>,
    /// Candidates waiting for a trailing missing step's window: (key, values, partial).
    waiting: Vec<(String, Vec<String>, Partial)>,
    emitted: usize,
    tail: VecDeque<Detection>,
}

impl SequenceOperator {
    /// Fresh state.
    pub fn new(spec: SequenceSpec) -> SequenceOperator {
        let positive = spec
            .steps
            .iter()
            .enumerate()
            .filter(|(_, s)| !s.missing)
            .map(|(i, _)| i)
            .collect();
        let keys = Keyed::new(spec.max_keys);
        SequenceOperator {
            spec,
            positive,
            keys,
            waiting: Vec::new(),
            emitted: 0,
            tail: VecDeque::new(),
        }
    }

    fn key_combos(ev: &SharedEvent, keys: &[KeySpec]) -> Option<Vec<Vec<String>>> {
        let mut combos: Vec<Vec<String>> = vec![Vec::new()];
        for k in keys {
            let one = [(k.name.clone(), k.field.clone())];
            let values: Vec<String> = match combinations(ev, &one) {
                Some(c) => c.into_iter().flatten().collect(),
                None if k.optional => vec!["\u{0}null".to_owned()],
                None => return None,
            };
            let mut next = Vec::new();
            for c in &combos {
                for v in &values {
                    let mut c = c.clone();
                    c.push(v.clone());
                    next.push(c);
                }
            }
            combos = next;
            combos.truncate(1024);
        }
        Some(combos)
    }

    fn positive_stage(&self, step: usize) -> Option<usize> {
        self.positive.iter().position(|&s| s == step)
    }

    fn within(&self, first: i64, t: i64) -> bool {
        self.spec
            .maxspan_ms
            .is_none_or(|m| t.saturating_sub(first) <= m)
    }

    fn on_step(&mut self, step: usize, ev: &SharedEvent, out: &mut Vec<Detection>) {
        let Some(combos) = Self::key_combos(ev, &self.spec.steps[step].keys) else {
            return;
        };
        let t = order(ev);
        let n_stages = self.positive.len();
        let n_steps = self.spec.steps.len();
        let missing_step = self.spec.steps[step].missing;
        let stage = self.positive_stage(step);
        for values in combos {
            let key = key_of(&values);
            let state = self.keys.entry(&key, t.0, || KeyState {
                stages: vec![None; n_stages],
                missing: vec![VecDeque::new(); n_steps],
                values: Vec::new(),
            });
            if state.values.is_empty() {
                state.values = values.clone();
            }
            if missing_step {
                let times = &mut state.missing[step];
                let pos = times.partition_point(|x| *x <= t.0);
                times.insert(pos, t.0);
                if times.len() > 4096 {
                    times.pop_front();
                }
                continue;
            }
            let Some(stage) = stage else { continue };
            let mut completed: Option<Partial> = None;
            if stage == 0 {
                let p = Partial {
                    events: vec![StoredEvent(ev.clone())],
                };
                if n_stages == 1 {
                    completed = Some(p);
                } else {
                    state.stages[0] = Some(p);
                }
            } else if let Some(prev) = state.stages[stage - 1].take() {
                let fits = prev.last() < t
                    && self
                        .spec
                        .maxspan_ms
                        .is_none_or(|m| t.0.saturating_sub(prev.first().0) <= m);
                if fits {
                    let mut next = prev;
                    next.events.push(StoredEvent(ev.clone()));
                    if stage + 1 == n_stages {
                        completed = Some(next);
                    } else {
                        state.stages[stage] = Some(next);
                    }
                } else if prev.last() >= t {
                    // The pending sequence does not precede this event: keep it.
                    state.stages[stage - 1] = Some(prev);
                }
            }
            if let Some(p) = completed {
                self.candidate(key, values, p, out);
            }
        }
    }

    /// Checks a completed candidate against its missing steps.
    fn candidate(
        &mut self,
        key: String,
        values: Vec<String>,
        p: Partial,
        out: &mut Vec<Detection>,
    ) {
        let steps = &self.spec.steps;
        let Some(state) = self.keys.get(&key) else {
            return;
        };
        let times: Vec<i64> = p.events.iter().map(|e| order(&e.0).0).collect();
        let first_pos = steps.iter().position(|s| !s.missing).unwrap_or(0);
        let last_pos = steps.iter().rposition(|s| !s.missing).unwrap_or(0);
        let mut trailing = false;
        for (i, s) in steps.iter().enumerate() {
            if !s.missing {
                continue;
            }
            let seen = &state.missing[i];
            if i < first_pos {
                // Leading: the latest missing event before the first positive one.
                let first = times[0];
                let last = times[times.len() - 1];
                if let Some(&m) = seen.iter().rev().find(|&&m| m < first)
                    && self.within(m, last)
                {
                    return;
                }
            } else if i > last_pos {
                trailing = true;
            } else {
                // Between positive steps: which positive events surround it.
                let before = steps[..i].iter().filter(|s| !s.missing).count() - 1;
                let (lo, hi) = (times[before], times[before + 1]);
                if seen.iter().any(|&m| m > lo && m < hi) {
                    return;
                }
            }
        }
        if trailing {
            self.waiting.push((key, values, p));
        } else {
            self.report(values, p, out);
        }
    }

    /// Releases held candidates whose trailing window has passed (`all`: the input ended).
    fn release_waiting(&mut self, now: i64, all: bool, out: &mut Vec<Detection>) {
        let maxspan = self.spec.maxspan_ms.unwrap_or(0);
        let steps = self.spec.steps.clone();
        let last_pos = steps.iter().rposition(|s| !s.missing).unwrap_or(0);
        let waiting = std::mem::take(&mut self.waiting);
        for (key, values, p) in waiting {
            let first = p.first().0;
            let last = p.last().0;
            let state = self.keys.get(&key);
            let rejected = steps
                .iter()
                .enumerate()
                .skip(last_pos + 1)
                .filter(|(_, s)| s.missing)
                .any(|(i, _)| {
                    state.is_some_and(|st| {
                        st.missing[i]
                            .iter()
                            .find(|&&m| m > last)
                            .is_some_and(|&m| m.saturating_sub(first) <= maxspan)
                    })
                });
            if rejected {
                continue;
            }
            if all || now.saturating_sub(first) > maxspan {
                self.report(values, p, out);
            } else {
                self.waiting.push((key, values, p));
            }
        }
    }

    fn report(&mut self, values: Vec<String>, p: Partial, out: &mut Vec<Detection>) {
        let names = self
            .spec
            .steps
            .iter()
            .find(|s| !s.missing)
            .map(|s| s.keys.clone())
            .unwrap_or_default();
        let group = names
            .iter()
            .zip(&values)
            .map(|(k, v)| {
                (
                    k.name.clone(),
                    if v == "\u{0}null" {
                        serde_json::Value::Null
                    } else {
                        serde_json::json!(v)
                    },
                )
            })
            .collect();
        let events: Vec<SharedEvent> = p.events.iter().map(|e| e.0.clone()).collect();
        let d = Detection {
            time_ms: p.last().0,
            count: events.len() as u64,
            events,
            group,
            ..Detection::default()
        };
        match self.spec.limits.first() {
            Some(Limit::Head(n)) => {
                if self.emitted < *n {
                    self.emitted += 1;
                    out.push(d);
                }
            }
            Some(Limit::Tail(n)) => {
                self.tail.push_back(d);
                if self.tail.len() > *n {
                    self.tail.pop_front();
                }
            }
            None => out.push(d),
        }
    }
}

impl Operator for SequenceOperator {
    fn checkpoint(&self) -> Result<serde_json::Value, String> {
        crate::state::save(&(&self.keys, &self.waiting, self.emitted, &self.tail))
    }

    fn restore(&mut self, state: serde_json::Value) -> Result<(), String> {
        type Saved = (
            serde_json::Value,
            Vec<(String, Vec<String>, Partial)>,
            usize,
            VecDeque<Detection>,
        );
        let (keys, waiting, emitted, tail): Saved = crate::state::load(state)?;
        self.keys = crate::state::load_keyed(keys)?;
        self.waiting = waiting;
        self.emitted = emitted;
        self.tail = tail;
        Ok(())
    }

    fn on_event(&mut self, slot: usize, ev: &SharedEvent, out: &mut Vec<Detection>) {
        if let Some(until) = &self.spec.until
            && until.filter == slot
            && let Some(combos) = Self::key_combos(ev, &until.keys)
        {
            let t = order(ev);
            for values in combos {
                if let Some(state) = self.keys.get_mut(&key_of(&values)) {
                    for s in state.stages.iter_mut() {
                        if s.as_ref().is_some_and(|p| p.last() < t) {
                            *s = None;
                        }
                    }
                }
            }
        }
        // Later steps first: one event can complete a sequence and start the next.
        let steps: Vec<usize> = (0..self.spec.steps.len())
            .rev()
            .filter(|&i| self.spec.steps[i].filter == slot)
            .collect();
        for step in steps {
            self.on_step(step, ev, out);
        }
        if let Some(t) = ev.time_millis()
            && !self.waiting.is_empty()
        {
            self.release_waiting(t, false, out);
        }
    }

    fn on_watermark(&mut self, watermark_ms: i64, out: &mut Vec<Detection>) {
        if !self.waiting.is_empty() {
            self.release_waiting(watermark_ms, false, out);
        }
        // Pending sequences that can no longer complete within maxspan are dropped.
        if let Some(m) = self.spec.maxspan_ms {
            let horizon = watermark_ms.saturating_sub(m.saturating_mul(2));
            self.keys.expire_before(horizon);
        }
    }

    fn finish(&mut self, out: &mut Vec<Detection>) {
        self.release_waiting(i64::MAX, true, out);
        let mut tail: Vec<Detection> = self.tail.drain(..).collect();
        if let Some(Limit::Head(n)) = self.spec.limits.get(1) {
            tail.truncate(*n);
        }
        out.extend(tail);
    }

    fn stats(&self) -> OperatorStats {
        self.keys.stats()
    }
}

/// A sample's parameters (`sample by k [q1] by x [q2] by y`).
#[derive(Clone, Debug)]
pub struct SampleSpec {
    /// One entry per filter: its join keys.
    pub steps: Vec<StepSpec>,
    /// Samples per key tuple (Elasticsearch default 1).
    pub per_key: usize,
    /// Most key tuples held.
    pub max_keys: usize,
}

/// Factory for [`SampleOperator`].
#[derive(Debug)]
pub struct SampleFactory(pub SampleSpec);

impl OperatorFactory for SampleFactory {
    fn create(&self) -> Box<dyn Operator> {
        Box::new(SampleOperator {
            keys: Keyed::new(self.0.max_keys),
            spec: self.0.clone(),
        })
    }
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct SampleState {
    slots: Vec<Option<StoredEvent>>,
    done: usize,
}

/// The running state of one sample rule: events of every filter with equal keys, any order.
#[derive(Debug)]
pub struct SampleOperator {
    spec: SampleSpec,
    keys: Keyed<SampleState>,
}

impl Operator for SampleOperator {
    fn checkpoint(&self) -> Result<serde_json::Value, String> {
        crate::state::save(&&self.keys)
    }

    fn restore(&mut self, state: serde_json::Value) -> Result<(), String> {
        self.keys = crate::state::load_keyed(state)?;
        Ok(())
    }

    fn on_event(&mut self, slot: usize, ev: &SharedEvent, out: &mut Vec<Detection>) {
        let n = self.spec.steps.len();
        for (i, step) in self.spec.steps.iter().enumerate() {
            if step.filter != slot {
                continue;
            }
            let Some(combos) = SequenceOperator::key_combos(ev, &step.keys) else {
                continue;
            };
            for values in combos {
                let key = key_of(&values);
                let t = ev.time_millis().unwrap_or(0);
                let state = self.keys.entry(&key, t, || SampleState {
                    slots: vec![None; n],
                    done: 0,
                });
                if state.done >= self.spec.per_key || state.slots[i].is_some() {
                    continue;
                }
                state.slots[i] = Some(StoredEvent(ev.clone()));
                if state.slots.iter().all(Option::is_some) {
                    let mut events: Vec<SharedEvent> = state
                        .slots
                        .iter_mut()
                        .filter_map(|s| s.take())
                        .map(|e| e.0)
                        .collect();
                    state.done += 1;
                    events.sort_by_key(order);
                    let time_ms = events
                        .iter()
                        .filter_map(|e| e.time_millis())
                        .max()
                        .unwrap_or(t);
                    let group = step
                        .keys
                        .iter()
                        .zip(&values)
                        .map(|(k, v)| (k.name.clone(), serde_json::json!(v)))
                        .collect();
                    out.push(Detection {
                        time_ms,
                        count: events.len() as u64,
                        events,
                        group,
                        ..Detection::default()
                    });
                }
            }
        }
    }

    fn stats(&self) -> OperatorStats {
        self.keys.stats()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::borrow::Cow;
    use std::sync::Arc;
    use trailhound_event::{Event, Origin, View};

    fn ev(n: u64, t: &str, name: &str, key: &str) -> SharedEvent {
        let raw = format!(
            r#"{{"eventID":"e{n}","eventTime":"{t}","eventName":"{name}","userIdentity":{{"accessKeyId":"{key}"}}}}"#
        );
        let doc: sonic_rs::Value = sonic_rs::from_str(&raw).expect("valid");
        Arc::new(Event::new(
            Cow::Owned(raw),
            doc,
            Origin {
                source: 0,
                record: n,
            },
        ))
    }

    fn key() -> KeySpec {
        KeySpec {
            name: "k".into(),
            field: View::ECS
                .resolve("aws.cloudtrail.user_identity.access_key_id")
                .field,
            optional: false,
        }
    }

    fn step(filter: usize, missing: bool) -> StepSpec {
        StepSpec {
            filter,
            keys: vec![key()],
            missing,
        }
    }

    fn spec(steps: Vec<StepSpec>, maxspan: Option<i64>) -> SequenceSpec {
        SequenceSpec {
            steps,
            maxspan_ms: maxspan,
            until: None,
            limits: vec![],
            max_keys: 100,
        }
    }

    /// Feeds events; each event's filter slot is given by its name: A→0, B→1, C→2, U→9.
    fn run(spec: SequenceSpec, events: &[SharedEvent]) -> Vec<Vec<String>> {
        let mut op = SequenceOperator::new(spec);
        let mut out = Vec::new();
        for e in events {
            let name = e.raw_str(&["eventName"]).unwrap_or("");
            // Later slots first, as the runtime calls them.
            for (i, c) in ["A", "B", "C"].iter().enumerate().rev() {
                if name.contains(c) {
                    op.on_event(i, e, &mut out);
                }
            }
            if name == "U" {
                op.on_event(9, e, &mut out);
            }
        }
        op.finish(&mut out);
        out.iter()
            .map(|d| {
                d.events
                    .iter()
                    .map(|e| e.raw_str(&["eventID"]).unwrap_or("").to_owned())
                    .collect()
            })
            .collect()
    }

    #[test]
    fn latest_pending_sequence_wins() {
        // The documented example: A1 A2 B → [A2, B].
        let events = [
            ev(1, "2024-01-01T10:00:00Z", "A", "k1"),
            ev(2, "2024-01-01T10:00:01Z", "A", "k1"),
            ev(3, "2024-01-01T10:00:02Z", "B", "k1"),
        ];
        assert_eq!(
            run(spec(vec![step(0, false), step(1, false)], None), &events),
            [["e2", "e3"]]
        );
    }

    #[test]
    fn keys_must_match_and_order_is_strict() {
        let events = [
            ev(1, "2024-01-01T10:00:00Z", "A", "k1"),
            ev(2, "2024-01-01T10:00:01Z", "B", "k2"),
            ev(3, "2024-01-01T10:00:02Z", "B", "k1"),
        ];
        assert_eq!(
            run(spec(vec![step(0, false), step(1, false)], None), &events),
            [["e1", "e3"]]
        );
        let before = [
            ev(1, "2024-01-01T10:00:05Z", "B", "k1"),
            ev(2, "2024-01-01T10:00:06Z", "A", "k1"),
        ];
        assert!(run(spec(vec![step(0, false), step(1, false)], None), &before).is_empty());
    }

    #[test]
    fn maxspan_is_inclusive() {
        let at = |secs: u32| format!("2024-01-01T10:00:{secs:02}Z");
        let ok = [ev(1, &at(0), "A", "k"), ev(2, &at(10), "B", "k")];
        assert_eq!(
            run(
                spec(vec![step(0, false), step(1, false)], Some(10_000)),
                &ok
            )
            .len(),
            1
        );
        let late = [ev(1, &at(0), "A", "k"), ev(2, &at(11), "B", "k")];
        assert!(
            run(
                spec(vec![step(0, false), step(1, false)], Some(10_000)),
                &late
            )
            .is_empty()
        );
    }

    #[test]
    fn one_event_can_complete_and_start() {
        // "AB" matches both steps: it completes [A, AB] and starts a new sequence with itself.
        let events = [
            ev(1, "2024-01-01T10:00:00Z", "A", "k"),
            ev(2, "2024-01-01T10:00:01Z", "AB", "k"),
            ev(3, "2024-01-01T10:00:02Z", "B", "k"),
        ];
        assert_eq!(
            run(spec(vec![step(0, false), step(1, false)], None), &events),
            [["e1", "e2"], ["e2", "e3"]]
        );
    }

    #[test]
    fn until_cancels_pending_sequences() {
        let mut s = spec(vec![step(0, false), step(1, false)], None);
        s.until = Some(step(9, false));
        let events = [
            ev(1, "2024-01-01T10:00:00Z", "A", "k"),
            ev(2, "2024-01-01T10:00:01Z", "U", "k"),
            ev(3, "2024-01-01T10:00:02Z", "B", "k"),
        ];
        assert!(run(s.clone(), &events).is_empty());
        let other_key = [
            ev(1, "2024-01-01T10:00:00Z", "A", "k"),
            ev(2, "2024-01-01T10:00:01Z", "U", "zz"),
            ev(3, "2024-01-01T10:00:02Z", "B", "k"),
        ];
        assert_eq!(run(s, &other_key).len(), 1);
    }

    #[test]
    fn missing_steps_in_the_middle_and_at_the_end() {
        let middle = spec(
            vec![step(0, false), step(2, true), step(1, false)],
            Some(60_000),
        );
        let clean = [
            ev(1, "2024-01-01T10:00:00Z", "A", "k"),
            ev(3, "2024-01-01T10:00:02Z", "B", "k"),
        ];
        assert_eq!(run(middle.clone(), &clean).len(), 1);
        let broken = [
            ev(1, "2024-01-01T10:00:00Z", "A", "k"),
            ev(2, "2024-01-01T10:00:01Z", "C", "k"),
            ev(3, "2024-01-01T10:00:02Z", "B", "k"),
        ];
        assert!(run(middle, &broken).is_empty());

        let trailing = spec(
            vec![step(0, false), step(1, false), step(2, true)],
            Some(60_000),
        );
        let within = [
            ev(1, "2024-01-01T10:00:00Z", "A", "k"),
            ev(2, "2024-01-01T10:00:10Z", "B", "k"),
            ev(3, "2024-01-01T10:00:50Z", "C", "k"),
        ];
        assert!(
            run(trailing.clone(), &within).is_empty(),
            "C within maxspan of A rejects"
        );
        let after = [
            ev(1, "2024-01-01T10:00:00Z", "A", "k"),
            ev(2, "2024-01-01T10:00:10Z", "B", "k"),
            ev(3, "2024-01-01T10:02:00Z", "C", "k"),
        ];
        assert_eq!(run(trailing, &after).len(), 1, "C beyond maxspan does not");
    }

    #[test]
    fn head_and_tail() {
        let events: Vec<SharedEvent> = (0..6)
            .map(|i| {
                ev(
                    i,
                    &format!("2024-01-01T10:00:{:02}Z", i),
                    if i % 2 == 0 { "A" } else { "B" },
                    "k",
                )
            })
            .collect();
        let mut s = spec(vec![step(0, false), step(1, false)], None);
        s.limits = vec![Limit::Head(2)];
        assert_eq!(run(s.clone(), &events), [["e0", "e1"], ["e2", "e3"]]);
        s.limits = vec![Limit::Tail(1)];
        assert_eq!(run(s, &events), [["e4", "e5"]]);
    }

    #[test]
    fn samples_join_in_any_order() {
        let spec = SampleSpec {
            steps: vec![step(0, false), step(1, false)],
            per_key: 1,
            max_keys: 10,
        };
        let mut op = SampleOperator {
            keys: Keyed::new(10),
            spec,
        };
        let mut out = Vec::new();
        op.on_event(1, &ev(1, "2024-01-01T10:00:00Z", "B", "k"), &mut out);
        op.on_event(0, &ev(2, "2024-01-01T10:00:01Z", "A", "k"), &mut out);
        op.on_event(0, &ev(3, "2024-01-01T10:00:02Z", "A", "k"), &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].events.len(), 2);
    }
}

//! The serial stage: hits in, alerts out.
//!
//! Workers hand over [`Hit`]s in input order. Stateful rules need event-time order, which input
//! order is not (CloudTrail files arrive per account and region), so hits pass through a bounded
//! reorder buffer: a hit is released once the newest event time seen is more than the reorder
//! window past it. A hit older than what was already released is *late*: it is still processed,
//! and counted. Released hits go to per-event rules (one detection each) and to the operators of
//! stateful rules. Detections then go through, in order:
//!
//! 1. **schedule replay** (when on): Elastic runs a rule every `interval` over a look-back of
//!    `from`, raising at most `max_signals` alerts per run. A detection is assigned to the first
//!    run whose window covers it that still has room (overlapping look-back gives a second
//!    chance); otherwise it is dropped and counted, as Kibana would have dropped it.
//! 2. **de-duplication** by alert id (the same rule on the same events).
//! 3. **alert suppression** (Elastic `[rule.alert_suppression]`): alerts with the same values of
//!    the group-by fields within `duration` of the first are folded into it (`suppressed_count`);
//!    the first is held until its window closes so the count is final when it is written.

use crate::alert::{Alert, Detection, SharedEvent};
use crate::rule::{RuleMeta, Suppression};
use crate::ruleset::{Hit, Logic, Operator, RuleSet, Slot};
use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::Arc;
use trailhound_event::{Event, Val};

/// Runtime settings.
#[derive(Clone, Debug)]
pub struct RuntimeOptions {
    /// Replay Elastic's schedule (`interval`, `from`, `max_signals`).
    pub replay: bool,
    /// How far behind the newest event a hit may arrive and still be put in order.
    pub reorder_window_ms: i64,
    /// Hits held for reordering at most; beyond it the oldest are released early.
    pub max_buffered: usize,
}

impl Default for RuntimeOptions {
    fn default() -> Self {
        RuntimeOptions {
            replay: true,
            reorder_window_ms: 30 * 60_000,
            max_buffered: 500_000,
        }
    }
}

/// Counters for the end-of-run report.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RuntimeStats {
    /// Hits received.
    pub hits: u64,
    /// Hits that arrived after later events had been released.
    pub late: u64,
    /// Hits released early because the reorder buffer was full.
    pub forced: u64,
    /// Alerts emitted.
    pub alerts: u64,
    /// Detections dropped by `max_signals` under schedule replay.
    pub dropped_by_max_signals: u64,
    /// Alerts folded into another by suppression.
    pub suppressed: u64,
    /// Duplicate alerts dropped.
    pub duplicates: u64,
    /// Detections made while learning history (`--history` inputs), not alerted.
    pub training: u64,
    /// Per exception of the rule set (same order), what it kept out.
    pub excepted: Vec<crate::ExceptionCount>,
}

/// An item held in a heap until event time passes it: ordered by time, then arrival.
struct Timed<T> {
    time: i64,
    seq: u64,
    item: T,
}

impl<T> PartialEq for Timed<T> {
    fn eq(&self, other: &Self) -> bool {
        (self.time, self.seq) == (other.time, other.seq)
    }
}
impl<T> Eq for Timed<T> {}
impl<T> PartialOrd for Timed<T> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl<T> Ord for Timed<T> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.time, self.seq).cmp(&(other.time, other.seq))
    }
}

/// A hit waiting in the reorder buffer.
struct Pending {
    event: SharedEvent,
    slots: Vec<Slot>,
}

/// An alert on its way to a chained rule: the slot it feeds and its event.
struct Signal {
    slot: usize,
    event: SharedEvent,
}

struct Held {
    alert: Alert,
    window_end: i64,
}

/// The serial stage of a run.
pub struct Runtime<'s> {
    set: &'s RuleSet,
    options: RuntimeOptions,
    operators: Vec<Option<Box<dyn Operator>>>,
    buffer: BinaryHeap<Reverse<Timed<Pending>>>,
    max_time: i64,
    released: i64,
    last_watermark: i64,
    seq: u64,
    runs: Vec<HashMap<i64, u32>>,
    held: Vec<HashMap<String, Held>>,
    seen: HashSet<String>,
    stats: RuntimeStats,
    detections: Vec<Detection>,
    data_start: i64,
    training: bool,
    /// Per chained rule, alerts of the rules feeding it, released in time order once the
    /// watermark minus the rule's chain lag passes them.
    signals: Vec<BinaryHeap<Reverse<Timed<Signal>>>>,
    /// Per chained rule, the watermark it was given last.
    signal_marks: Vec<i64>,
}

impl<'s> Runtime<'s> {
    /// A runtime over `set`.
    pub fn new(set: &'s RuleSet, options: RuntimeOptions) -> Runtime<'s> {
        let operators = set
            .rules()
            .iter()
            .map(|r| r.logic.factory().map(|f| f.create()))
            .collect();
        let n = set.rules().len();
        Runtime {
            set,
            options,
            operators,
            buffer: BinaryHeap::new(),
            max_time: i64::MIN,
            released: i64::MIN,
            last_watermark: i64::MIN,
            seq: 0,
            runs: vec![HashMap::new(); n],
            held: (0..n).map(|_| HashMap::new()).collect(),
            seen: HashSet::new(),
            stats: RuntimeStats {
                excepted: vec![crate::ExceptionCount::default(); set.exceptions().len()],
                ..RuntimeStats::default()
            },
            detections: Vec::new(),
            data_start: i64::MAX,
            training: false,
            signals: (0..n).map(|_| BinaryHeap::new()).collect(),
            signal_marks: vec![i64::MIN; n],
        }
    }

    /// In training mode rules learn (new terms, baselines) but raise nothing: for history
    /// preloaded from other logs.
    pub fn set_training(&mut self, training: bool) {
        self.training = training;
    }

    /// Before a batch's hits: the earliest event time of the batch (matching or not), so
    /// operators know where the data starts before they see its first event.
    pub fn batch_start(&mut self, min_ms: i64) {
        if min_ms < self.data_start {
            self.data_start = min_ms;
            for op in self.operators.iter_mut().flatten() {
                op.observe_data_start(min_ms);
            }
        }
    }

    /// After a batch's hits: the latest event time of the batch (matching or not) advances event
    /// time for windowed operators. Only after the hits: a batch can span more than the reorder
    /// window, and its early hits would otherwise be late behind its own last record.
    pub fn batch_end(&mut self, max_ms: i64, out: &mut Vec<Alert>) {
        if max_ms > self.max_time {
            self.max_time = max_ms;
            let watermark = self.max_time.saturating_sub(self.options.reorder_window_ms);
            self.release(watermark, out);
        }
    }

    /// Counters so far.
    pub fn stats(&self) -> &RuntimeStats {
        &self.stats
    }

    /// State accounting per rule (rule index, stats) for rules with operators.
    pub fn operator_stats(&self) -> Vec<(usize, crate::ruleset::OperatorStats)> {
        self.operators
            .iter()
            .enumerate()
            .filter_map(|(i, op)| op.as_ref().map(|op| (i, op.stats())))
            .collect()
    }

    /// Takes a hit from the workers. Alerts that become final go to `out`.
    pub fn on_hit(&mut self, hit: Hit, out: &mut Vec<Alert>) {
        let event = Arc::new(hit.event);
        if !hit.excepted.is_empty() {
            self.on_excepted(&event, hit.excepted, out);
            if hit.slots.is_empty() {
                return;
            }
        }
        self.stats.hits += 1;
        let time = event.time_millis().unwrap_or(if self.max_time == i64::MIN {
            0
        } else {
            self.max_time
        });
        if time < self.released {
            self.stats.late += 1;
            self.dispatch(time, &event, &hit.slots, out);
            return;
        }
        self.max_time = self.max_time.max(time);
        self.seq += 1;
        self.buffer.push(Reverse(Timed {
            time,
            seq: self.seq,
            item: Pending {
                event,
                slots: hit.slots,
            },
        }));
        let watermark = self.max_time.saturating_sub(self.options.reorder_window_ms);
        self.release(watermark, out);
        while self.buffer.len() > self.options.max_buffered {
            if let Some(Reverse(p)) = self.buffer.pop() {
                self.stats.forced += 1;
                self.released = self.released.max(p.time);
                self.dispatch(p.time, &p.item.event, &p.item.slots, out);
            }
        }
    }

    /// Counts what exceptions kept out; for per-event rules, hands out the alert the event would
    /// have raised, marked with the exception (outside replay and suppression: it is a record of
    /// what was excepted, not an alert).
    fn on_excepted(&mut self, ev: &SharedEvent, excepted: Vec<(Slot, u32)>, out: &mut Vec<Alert>) {
        for (slot, e) in excepted {
            let rule = &self.set.rules()[slot.rule as usize];
            let Some(count) = self.stats.excepted.get_mut(e as usize) else {
                continue;
            };
            match rule.logic {
                Logic::PerEvent if slot.filter == 0 => {
                    count.alerts += 1;
                    if self.training {
                        continue;
                    }
                    let mut d = Detection {
                        time_ms: ev.time_millis().unwrap_or(0),
                        events: vec![ev.clone()],
                        count: 1,
                        ..Detection::default()
                    };
                    if let Some(t) = &rule.message {
                        d.message = Some(t.render(&rule.meta, &d));
                    }
                    let mut alert = Alert::new(rule.meta.clone(), rule.view, d);
                    alert.exception =
                        Some(Arc::from(self.set.exceptions()[e as usize].name.as_str()));
                    out.push(alert);
                }
                _ => count.events += 1,
            }
        }
    }

    fn release(&mut self, watermark: i64, out: &mut Vec<Alert>) {
        while self
            .buffer
            .peek()
            .is_some_and(|Reverse(p)| p.time <= watermark)
        {
            let Some(Reverse(p)) = self.buffer.pop() else {
                break;
            };
            self.released = self.released.max(p.time);
            self.dispatch(p.time, &p.item.event, &p.item.slots, out);
        }
        if watermark >= self.last_watermark.saturating_add(60_000) || watermark == i64::MAX {
            self.last_watermark = watermark;
            let set = self.set;
            for &i in set.chain_order() {
                let i = i as usize;
                if set.is_chained(i) {
                    let mark = watermark.saturating_sub(set.chain_lag_ms(i));
                    self.advance_chained(i, mark, out);
                } else if let Some(op) = self.operators[i].as_mut() {
                    op.on_watermark(watermark, &mut self.detections);
                    self.flush_detections(i, out);
                }
            }
            self.close_held(watermark, out);
        }
    }

    fn dispatch(&mut self, time: i64, event: &SharedEvent, slots: &[Slot], out: &mut Vec<Alert>) {
        // Later filters first: an event matching two steps of a sequence completes the earlier
        // sequence before it starts a new one.
        for slot in slots.iter().rev() {
            let r = slot.rule as usize;
            match self.operators[r].as_mut() {
                Some(op) => {
                    op.on_event(slot.filter as usize, event, &mut self.detections);
                    self.flush_detections(r, out);
                }
                None if slot.filter == 0 => {
                    let d = Detection {
                        time_ms: time,
                        events: vec![event.clone()],
                        count: 1,
                        ..Detection::default()
                    };
                    self.detection(r, d, out);
                }
                None => {}
            }
        }
    }

    /// Feeds chained rule `rule` the alerts up to `mark`, in time order, then the watermark.
    fn advance_chained(&mut self, rule: usize, mark: i64, out: &mut Vec<Alert>) {
        while self.signals[rule]
            .peek()
            .is_some_and(|Reverse(s)| s.time <= mark)
        {
            let Some(Reverse(s)) = self.signals[rule].pop() else {
                break;
            };
            self.feed(rule, s.item.slot, &s.item.event, out);
        }
        self.signal_marks[rule] = self.signal_marks[rule].max(mark);
        if let Some(op) = self.operators[rule].as_mut() {
            op.on_watermark(mark, &mut self.detections);
            self.flush_detections(rule, out);
        }
    }

    fn feed(&mut self, rule: usize, slot: usize, event: &SharedEvent, out: &mut Vec<Alert>) {
        if let Some(op) = self.operators[rule].as_mut() {
            op.on_event(slot, event, &mut self.detections);
            self.flush_detections(rule, out);
        }
    }

    /// Hands `alert` to the rules chained to its rule: held until their watermark passes it,
    /// or at once when it already has (a late alert).
    fn forward(&mut self, rule: usize, alert: &Alert, out: &mut Vec<Alert>) {
        let set = self.set;
        let downstream = set.downstream(rule);
        if downstream.is_empty() {
            return;
        }
        let event = crate::alert::signal_event(alert);
        let time = alert.detection.time_ms;
        for s in downstream {
            let (r, slot) = (s.rule as usize, s.filter as usize);
            if time <= self.signal_marks[r] {
                self.feed(r, slot, &event, out);
            } else {
                self.seq += 1;
                self.signals[r].push(Reverse(Timed {
                    time,
                    seq: self.seq,
                    item: Signal {
                        slot,
                        event: event.clone(),
                    },
                }));
            }
        }
    }

    fn flush_detections(&mut self, rule: usize, out: &mut Vec<Alert>) {
        let pending = std::mem::take(&mut self.detections);
        for d in pending {
            self.detection(rule, d, out);
        }
    }

    fn detection(&mut self, rule: usize, mut d: Detection, out: &mut Vec<Alert>) {
        if self.training {
            self.stats.training += 1;
            return;
        }
        if d.message.is_none()
            && let Some(t) = &self.set.rules()[rule].message
        {
            d.message = Some(t.render(&self.set.rules()[rule].meta, &d));
        }
        let meta = self.set.rules()[rule].meta.clone();
        if self.options.replay && !self.admit(rule, &meta, d.time_ms) {
            self.stats.dropped_by_max_signals += 1;
            return;
        }
        let alert = Alert::new(meta.clone(), self.set.rules()[rule].view, d);
        if !self.seen.insert(alert.id.clone()) {
            self.stats.duplicates += 1;
            return;
        }
        self.forward(rule, &alert, out);
        match &meta.suppression {
            Some(s) => self.suppress(rule, s, alert, out),
            None => self.emit(alert, out),
        }
    }

    /// Schedule replay: finds a run with room for a detection at `t`.
    fn admit(&mut self, rule: usize, meta: &RuleMeta, t: i64) -> bool {
        let interval = meta.schedule.interval_ms.max(1);
        let lookback = meta.schedule.lookback_ms.max(interval);
        let first = t.div_euclid(interval) + i64::from(t.rem_euclid(interval) != 0);
        let runs = &mut self.runs[rule];
        // Forget runs that can no longer receive detections (input is in time order, up to the
        // reorder window).
        if runs.len() > 64 {
            runs.retain(|&k, _| k >= first - 2);
        }
        let mut k = first;
        while k * interval - lookback < t {
            let used = runs.entry(k).or_insert(0);
            if *used < meta.schedule.max_signals {
                *used += 1;
                return true;
            }
            k += 1;
        }
        false
    }

    fn suppress(&mut self, rule: usize, s: &Suppression, alert: Alert, out: &mut Vec<Alert>) {
        let view = self.set.rules()[rule].view;
        let first = alert.detection.events.first().cloned();
        let mut key = String::new();
        let mut missing = false;
        for name in &s.group_by {
            let field = view.resolve(name).field;
            let value = first
                .as_ref()
                .and_then(|ev| field.first(ev).map(|v: Val<'_>| v.to_string()));
            match value {
                Some(v) => key.push_str(&v),
                None => missing = true,
            }
            key.push('\u{1f}');
        }
        if missing && !s.suppress_missing {
            return self.emit(alert, out);
        }
        let time = alert.detection.time_ms;
        // Without a duration Elastic suppresses within one rule execution.
        let duration = s.duration_ms.unwrap_or(alert.rule.schedule.interval_ms);
        let held = &mut self.held[rule];
        if let Some(h) = held.get_mut(&key)
            && time < h.window_end
        {
            h.alert.suppressed_count += 1;
            self.stats.suppressed += 1;
            return;
        }
        if let Some(old) = held.insert(
            key,
            Held {
                alert,
                window_end: time.saturating_add(duration),
            },
        ) {
            self.emit(old.alert, out);
        }
    }

    fn close_held(&mut self, watermark: i64, out: &mut Vec<Alert>) {
        for rule in 0..self.held.len() {
            if self.held[rule].is_empty() {
                continue;
            }
            let done: Vec<String> = self.held[rule]
                .iter()
                .filter(|(_, h)| h.window_end <= watermark)
                .map(|(k, _)| k.clone())
                .collect();
            let mut closing: Vec<Alert> = done
                .iter()
                .filter_map(|k| self.held[rule].remove(k))
                .map(|h| h.alert)
                .collect();
            closing.sort_by_key(|a| a.detection.time_ms);
            for a in closing {
                self.emit(a, out);
            }
        }
    }

    fn emit(&mut self, alert: Alert, out: &mut Vec<Alert>) {
        self.stats.alerts += 1;
        out.push(alert);
    }

    /// Releases every buffered hit (used after preloading history in training mode, so the
    /// learned events are in the operators' state before real input starts).
    pub fn flush_training(&mut self, out: &mut Vec<Alert>) {
        self.release(i64::MAX - 1, out);
        self.last_watermark = i64::MIN;
    }

    /// End of input: releases every buffered hit, finishes operators and held alerts.
    pub fn finish(&mut self, out: &mut Vec<Alert>) {
        self.release(i64::MAX - 1, out);
        let set = self.set;
        for &i in set.chain_order() {
            let i = i as usize;
            if set.is_chained(i) {
                self.advance_chained(i, i64::MAX - 1, out);
            }
            if let Some(op) = self.operators[i].as_mut() {
                op.finish(&mut self.detections);
                self.flush_detections(i, out);
            }
        }
        self.last_watermark = i64::MIN;
        self.release(i64::MAX, out);
    }
}

/// Runs `set` over `events` in the order given, on the calling thread, and returns every alert,
/// including those `finish` flushes: the same steps the command line takes over its pipeline, for
/// rule tests and for tests of the engine's users.
pub fn run_in_order(
    set: &RuleSet,
    options: RuntimeOptions,
    events: impl IntoIterator<Item = Event<'static>>,
) -> Vec<Alert> {
    let mut runtime = Runtime::new(set, options);
    let mut alerts = Vec::new();
    let mut scratch = crate::Scratch::default();
    let mut slots = Vec::new();
    for ev in events {
        set.matches(&ev, &mut scratch, &mut slots);
        let time = ev.time_millis();
        if let Some(t) = time {
            runtime.batch_start(t);
        }
        if let Some(hit) = RuleSet::hit(ev, &scratch, &slots) {
            runtime.on_hit(hit, &mut alerts);
        }
        if let Some(t) = time {
            runtime.batch_end(t, &mut alerts);
        }
    }
    runtime.finish(&mut alerts);
    alerts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{Pred, Test};
    use crate::rule::Schedule;
    use crate::ruleset::Rule;
    use std::borrow::Cow;
    use trailhound_event::{Event, View};

    fn event(id: u32, time: &str, user: &str) -> Event<'static> {
        let raw = format!(
            r#"{{"eventID":"e{id}","eventName":"X","eventTime":"{time}","userIdentity":{{"userName":"{user}"}}}}"#
        );
        let doc: sonic_rs::Value = sonic_rs::from_str(&raw).expect("valid");
        Event::new(Cow::Owned(raw), doc, Default::default())
    }

    fn set(meta: RuleMeta) -> RuleSet {
        RuleSet::new(vec![Rule {
            meta: Arc::new(meta),
            view: View::ECS,
            filters: vec![Pred::Test(
                View::ECS.resolve("event.action").field,
                Test::eq("X"),
            )],
            logic: Logic::PerEvent,
            message: None,
        }])
    }

    fn run(
        set: &RuleSet,
        options: RuntimeOptions,
        events: Vec<Event<'static>>,
    ) -> (Vec<Alert>, RuntimeStats) {
        let mut rt = Runtime::new(set, options);
        let mut out = Vec::new();
        for ev in events {
            rt.on_hit(hit_on_rule_0(ev), &mut out);
        }
        rt.finish(&mut out);
        (out, rt.stats().clone())
    }

    fn hit_on_rule_0(event: Event<'static>) -> Hit {
        Hit {
            event,
            slots: vec![Slot { rule: 0, filter: 0 }],
            excepted: Vec::new(),
        }
    }

    fn ids(alerts: &[Alert]) -> Vec<String> {
        alerts
            .iter()
            .map(|a| {
                a.detection.events[0]
                    .raw_str(&["eventID"])
                    .unwrap_or("?")
                    .to_owned()
            })
            .collect()
    }

    #[test]
    fn out_of_order_input_is_released_in_time_order() {
        let s = set(RuleMeta {
            id: "r".into(),
            ..RuleMeta::default()
        });
        let evs = vec![
            event(2, "2024-01-01T10:05:00Z", "a"),
            event(1, "2024-01-01T10:00:00Z", "a"),
            event(3, "2024-01-01T10:10:00Z", "a"),
        ];
        let (alerts, stats) = run(&s, RuntimeOptions::default(), evs);
        assert_eq!(ids(&alerts), ["e1", "e2", "e3"]);
        assert_eq!(stats.late, 0);
    }

    /// Raises a detection for every event that arrives at or before a watermark it was
    /// already given: the contract operators rely on is that this never happens.
    #[derive(Debug)]
    struct WatermarkCheck;
    struct Check(i64);
    impl Operator for Check {
        fn on_event(&mut self, _slot: usize, ev: &SharedEvent, out: &mut Vec<Detection>) {
            if ev.time_millis().is_some_and(|t| t <= self.0) {
                out.push(Detection {
                    time_ms: self.0,
                    events: vec![ev.clone()],
                    count: 1,
                    ..Detection::default()
                });
            }
        }
        fn on_watermark(&mut self, watermark_ms: i64, _out: &mut Vec<Detection>) {
            self.0 = self.0.max(watermark_ms);
        }
    }
    impl crate::ruleset::OperatorFactory for WatermarkCheck {
        fn create(&self) -> Box<dyn Operator> {
            Box::new(Check(i64::MIN))
        }
    }

    #[test]
    fn a_batch_longer_than_the_reorder_window_gives_operators_no_event_behind_their_watermark() {
        let s = RuleSet::new(vec![Rule {
            meta: Arc::new(RuleMeta {
                id: "r".into(),
                ..RuleMeta::default()
            }),
            view: View::ECS,
            filters: vec![Pred::Const(true)],
            logic: Logic::Operator(Arc::new(WatermarkCheck)),
            message: None,
        }]);
        let mut rt = Runtime::new(
            &s,
            RuntimeOptions {
                replay: false,
                ..RuntimeOptions::default()
            },
        );
        let mut out = Vec::new();
        // Two batches of time-ordered records, each spanning two hours; the last record of
        // each (2 h after its first) matches nothing. Event time may advance to it only after
        // the batch's hits are in.
        for (day, first) in [(1, "2024-01-01T10:00:00Z"), (2, "2024-01-01T12:00:01Z")] {
            let hits: Vec<Event<'static>> = (0..4u32)
                .map(|i| {
                    let t = jiff::Timestamp::from_second(
                        first.parse::<jiff::Timestamp>().expect("time").as_second()
                            + i64::from(i) * 1800,
                    )
                    .expect("time");
                    event(day * 10 + i, &t.to_string(), "a")
                })
                .collect();
            let lo = hits[0].time_millis().expect("time");
            rt.batch_start(lo);
            for ev in hits {
                rt.on_hit(hit_on_rule_0(ev), &mut out);
            }
            rt.batch_end(lo + 2 * 3_600_000, &mut out);
        }
        rt.finish(&mut out);
        assert!(
            out.is_empty(),
            "events behind the watermark: {:?}",
            ids(&out)
        );
        assert_eq!(rt.stats().late, 0);
    }

    #[test]
    fn events_older_than_the_window_are_late_but_kept() {
        let s = set(RuleMeta {
            id: "r".into(),
            ..RuleMeta::default()
        });
        let evs = vec![
            event(1, "2024-01-01T12:00:00Z", "a"),
            event(2, "2024-01-01T13:00:00Z", "a"),
            event(3, "2024-01-01T11:00:00Z", "a"),
        ];
        let (alerts, stats) = run(
            &s,
            RuntimeOptions {
                replay: false,
                ..RuntimeOptions::default()
            },
            evs,
        );
        assert_eq!(alerts.len(), 3);
        assert_eq!(stats.late, 1);
    }

    #[test]
    fn max_signals_caps_each_run_with_a_second_chance_in_the_overlap() {
        let meta = RuleMeta {
            id: "r".into(),
            schedule: Schedule {
                interval_ms: 5 * 60_000,
                lookback_ms: 6 * 60_000,
                max_signals: 2,
            },
            ..RuleMeta::default()
        };
        let s = set(meta);
        // Run at 10:05 covers (09:59, 10:05]; run at 10:10 covers (10:04, 10:10].
        let evs = || {
            vec![
                event(1, "2024-01-01T10:01:00Z", "a"),
                event(2, "2024-01-01T10:02:00Z", "a"),
                event(3, "2024-01-01T10:03:00Z", "a"), // run 10:05 full, 10:10 does not reach back
                event(4, "2024-01-01T10:04:30Z", "a"), // run 10:05 full, 10:10 covers it
                event(5, "2024-01-01T10:06:00Z", "a"), // run 10:10
                event(6, "2024-01-01T10:07:00Z", "a"), // run 10:10 full, 10:15 does not reach
            ]
        };
        let (alerts, stats) = run(&s, RuntimeOptions::default(), evs());
        assert_eq!(ids(&alerts), ["e1", "e2", "e4", "e5"]);
        assert_eq!(stats.dropped_by_max_signals, 2);
        let (all, _) = run(
            &s,
            RuntimeOptions {
                replay: false,
                ..RuntimeOptions::default()
            },
            evs(),
        );
        assert_eq!(all.len(), 6);
    }

    #[test]
    fn suppression_folds_alerts_per_group_and_window() {
        let meta = RuleMeta {
            id: "r".into(),
            suppression: Some(Suppression {
                group_by: vec!["user.name".into()],
                duration_ms: Some(5 * 60_000),
                suppress_missing: true,
            }),
            ..RuleMeta::default()
        };
        let s = set(meta);
        let evs = vec![
            event(1, "2024-01-01T10:00:00Z", "alice"),
            event(2, "2024-01-01T10:01:00Z", "alice"),
            event(3, "2024-01-01T10:02:00Z", "bob"),
            event(4, "2024-01-01T10:04:59Z", "alice"),
            event(5, "2024-01-01T10:05:00Z", "alice"), // window [10:00, 10:05) closed
        ];
        let (alerts, stats) = run(
            &s,
            RuntimeOptions {
                replay: false,
                ..RuntimeOptions::default()
            },
            evs,
        );
        let summary: Vec<(String, u64)> = alerts
            .iter()
            .map(|a| (ids(std::slice::from_ref(a))[0].clone(), a.suppressed_count))
            .collect();
        assert_eq!(
            summary,
            [
                ("e1".to_string(), 2),
                ("e3".to_string(), 0),
                ("e5".to_string(), 0)
            ]
        );
        assert_eq!(stats.suppressed, 2);
    }

    #[test]
    fn the_same_event_twice_is_one_alert() {
        let s = set(RuleMeta {
            id: "r".into(),
            ..RuleMeta::default()
        });
        let (alerts, stats) = run(
            &s,
            RuntimeOptions::default(),
            vec![
                event(1, "2024-01-01T10:00:00Z", "a"),
                event(1, "2024-01-01T10:00:00Z", "a"),
            ],
        );
        assert_eq!(alerts.len(), 1);
        assert_eq!(stats.duplicates, 1);
    }

    /// Kibana's schedule, executed window by window: at each `T = k * interval` the rule sees the
    /// events with `T - lookback < time <= T` it has not alerted on yet, earliest first, and
    /// alerts on at most `max_signals` of them.
    fn window_by_window(times: &[(i64, usize)], schedule: Schedule) -> Vec<usize> {
        let mut sorted = times.to_vec();
        sorted.sort_by_key(|&(t, _)| t); // stable: ties keep arrival order
        let Some(&(first, _)) = sorted.first() else {
            return Vec::new();
        };
        let last = sorted.last().map_or(first, |&(t, _)| t);
        let interval = schedule.interval_ms;
        let lookback = schedule.lookback_ms.max(interval);
        let mut alerted: Vec<usize> = Vec::new();
        let mut k = first.div_euclid(interval);
        while k * interval - lookback < last {
            let t_run = k * interval;
            let fresh: Vec<usize> = sorted
                .iter()
                .filter(|&&(t, id)| t_run - lookback < t && t <= t_run && !alerted.contains(&id))
                .map(|&(_, id)| id)
                .take(schedule.max_signals as usize)
                .collect();
            alerted.extend(fresh);
            k += 1;
        }
        alerted.sort_unstable();
        alerted
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        /// A week of bursty traffic replayed in one pass alerts on exactly the events the schedule
        /// run window by window alerts on, whatever the interval, look-back and max_signals, and
        /// with arrival order shuffled within the reorder window.
        #[test]
        fn replay_matches_the_schedule_run_window_by_window(
            bursts in proptest::collection::vec((0i64..7 * 86_400, 1usize..40, 1i64..600), 1..25),
            interval_min in proptest::sample::select(vec![1i64, 5, 60]),
            extra_min in proptest::sample::select(vec![0i64, 1, 4, 55, 1440]),
            max_signals in proptest::sample::select(vec![1u32, 3, 10, 100]),
            swaps in proptest::collection::vec(0usize..1000, 0..50),
        ) {
            let start = 1_704_067_200i64; // 2024-01-01T00:00:00Z
            let mut times: Vec<i64> = Vec::new();
            for (at, n, spread) in bursts {
                for j in 0..n as i64 {
                    times.push((start + at + (j * spread) / n as i64) * 1000);
                }
            }
            times.sort_unstable();
            let mut arrivals: Vec<(i64, usize)> = times.iter().enumerate().map(|(i, &t)| (t, i)).collect();
            // Late arrivals, as CloudTrail delivers: neighbours less than 10 minutes apart swap.
            for s in swaps {
                let i = s % arrivals.len().max(1);
                if i + 1 < arrivals.len() && arrivals[i + 1].0 - arrivals[i].0 < 600_000 {
                    arrivals.swap(i, i + 1);
                }
            }
            let schedule = Schedule {
                interval_ms: interval_min * 60_000,
                lookback_ms: (interval_min + extra_min) * 60_000,
                max_signals,
            };
            let s = set(RuleMeta { id: "r".into(), schedule: schedule.clone(), ..RuleMeta::default() });
            let events = arrivals
                .iter()
                .map(|&(t, id)| {
                    let time = jiff::Timestamp::from_millisecond(t).expect("in range").to_string();
                    event(id as u32, &time, "u")
                })
                .collect();
            let (alerts, _) = run(&s, RuntimeOptions { replay: true, ..RuntimeOptions::default() }, events);
            let mut got: Vec<usize> = ids(&alerts)
                .iter()
                .map(|id| id.trim_start_matches('e').parse().expect("numeric id"))
                .collect();
            got.sort_unstable();
            proptest::prop_assert_eq!(got, window_by_window(&arrivals, schedule));
        }
    }
}

//! Sliding-window aggregation per group: the shared core of Datadog threshold rules and Sigma
//! correlations (event_count, value_count, temporal, temporal_ordered, value_sum, value_avg,
//! value_percentile).
//!
//! Each *input* is the events of one filter (a Datadog query, a Sigma rule) grouped by its own
//! group-by fields (positionally: the i-th field of every input forms the i-th key component).
//! For each event the operator updates its group's window — the events of the last `window_ms`
//! milliseconds, inclusive — and asks the rule's [`WindowCondition`] whether the group's
//! aggregates fire. What happens then is the [`Emission`] policy: Sigma fires once and starts
//! counting again; Datadog opens a *signal* that folds further firings while they recur within
//! `keep_alive` and closes `max_duration` after it opened.

use super::key_of;
use crate::alert::{Detection, SharedEvent};
use crate::rule::Severity;
use crate::ruleset::{Operator, OperatorFactory, OperatorStats};
use crate::state::{Keyed, StoredEvent};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::sync::Arc;
use trailhound_event::Field;

/// Entries kept per input and group; beyond it the oldest are dropped (and counted).
const MAX_ENTRIES: usize = 100_000;

/// One input of the aggregation.
#[derive(Clone, Debug)]
pub struct WindowInput {
    /// The rule filter (slot) that feeds it.
    pub filter: usize,
    /// Its label in conditions (`a`, `b`, a rule name).
    pub label: String,
    /// Group-by fields, by position.
    pub group_by: Vec<Field>,
    /// A missing group-by value counts as `N/A` instead of excluding the event (Datadog's
    /// `hasOptionalGroupByFields`).
    pub optional_group: bool,
    /// Fields whose distinct values are counted (Datadog cardinality, Sigma value_count).
    pub distinct: Vec<Field>,
    /// A numeric field summed, maximised, averaged (Datadog sum/max, Sigma value_*).
    pub value: Option<Field>,
}

/// What a group's window holds for one input, for the condition.
#[derive(Debug, Default)]
pub struct InputAggregate {
    /// Events in the window.
    pub count: u64,
    /// Distinct values of the distinct fields (joined per event) in the window.
    pub distinct: usize,
    /// Numeric values in the window (events whose value field is numeric).
    pub values: Vec<f64>,
    /// Event times in the window, ascending.
    pub times: Vec<i64>,
}

impl InputAggregate {
    /// Sum of the values.
    pub fn sum(&self) -> f64 {
        self.values.iter().sum()
    }
    /// Largest value.
    pub fn max(&self) -> Option<f64> {
        self.values.iter().copied().reduce(f64::max)
    }
    /// Mean of the values.
    pub fn avg(&self) -> Option<f64> {
        (!self.values.is_empty()).then(|| self.sum() / self.values.len() as f64)
    }
    /// Nearest-rank percentile (0–100) of the values.
    pub fn percentile(&self, p: f64) -> Option<f64> {
        if self.values.is_empty() {
            return None;
        }
        let mut v = self.values.clone();
        v.sort_by(f64::total_cmp);
        let rank = ((p / 100.0) * v.len() as f64).ceil().max(1.0) as usize;
        v.get(rank.min(v.len()) - 1).copied()
    }
}

/// A rule's firing condition over a group's aggregates (by input label).
pub trait WindowCondition: Send + Sync + fmt::Debug {
    /// `Some` when the group fires now.
    fn check(&self, aggregates: &HashMap<String, InputAggregate>) -> Option<Verdict>;
}

/// What a firing says.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Verdict {
    /// Severity decided by the firing (a Datadog case's status).
    pub severity: Option<Severity>,
    /// Which case or condition fired.
    pub label: Option<String>,
}

/// What happens after a group fires.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Emission {
    /// Report once and clear the group's window (Sigma correlations).
    Reset,
    /// Datadog signals: firings recurring within `keep_alive_ms` fold into one signal, which is
    /// written when they stop recurring or `max_duration_ms` after it opened.
    Signal {
        /// Silence after which an open signal closes.
        keep_alive_ms: i64,
        /// Longest life of a signal.
        max_duration_ms: i64,
    },
}

/// A windowed aggregation rule.
#[derive(Clone, Debug)]
pub struct WindowSpec {
    /// Inputs.
    pub inputs: Vec<WindowInput>,
    /// Names of the group-by components, for the alert.
    pub group_names: Vec<String>,
    /// Window length in milliseconds.
    pub window_ms: i64,
    /// When a group fires.
    pub condition: Arc<dyn WindowCondition>,
    /// What happens then.
    pub emission: Emission,
    /// Most groups held.
    pub max_keys: usize,
    /// Events kept per group as examples for the alert.
    pub samples: usize,
}

/// Factory for [`WindowOperator`].
#[derive(Debug)]
pub struct WindowFactory(pub WindowSpec);

impl OperatorFactory for WindowFactory {
    fn create(&self) -> Box<dyn Operator> {
        Box::new(WindowOperator::new(self.0.clone()))
    }

    /// A signal is written `keep_alive` after its last firing at the latest; a condition that
    /// a later event could falsify is decided when its window closes. Watermarks advance in
    /// steps of a minute, hence the margin.
    fn emission_delay_ms(&self) -> i64 {
        let held = match self.0.emission {
            Emission::Signal { keep_alive_ms, .. } => keep_alive_ms,
            Emission::Reset => self.0.window_ms,
        };
        held.saturating_add(120_000)
    }
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct InputWindow {
    entries: VecDeque<(i64, Option<String>, Option<f64>)>,
}

#[derive(Debug, Serialize, Deserialize)]
struct Signal {
    first: i64,
    last: i64,
    firings: u64,
    verdict: Verdict,
    events: Vec<StoredEvent>,
    aggregates: Vec<(String, serde_json::Value)>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Group {
    values: Vec<String>,
    inputs: Vec<InputWindow>,
    samples: VecDeque<(i64, StoredEvent)>,
    signal: Option<Signal>,
}

/// The running state of one windowed rule.
#[derive(Debug)]
pub struct WindowOperator {
    spec: WindowSpec,
    groups: Keyed<Group>,
    dropped_entries: u64,
}

impl WindowOperator {
    /// Fresh state.
    pub fn new(spec: WindowSpec) -> WindowOperator {
        let groups = Keyed::new(spec.max_keys);
        WindowOperator {
            spec,
            groups,
            dropped_entries: 0,
        }
    }

    fn group_keys(input: &WindowInput, ev: &SharedEvent) -> Option<Vec<Vec<String>>> {
        let mut combos: Vec<Vec<String>> = vec![Vec::new()];
        for f in &input.group_by {
            let mut values: Vec<String> = Vec::new();
            f.visit(ev, &mut |v| {
                if let Some(t) = v.to_text()
                    && !values.contains(&t)
                {
                    values.push(t);
                }
                false
            });
            if values.is_empty() {
                if input.optional_group {
                    values.push("N/A".to_owned());
                } else {
                    return None;
                }
            }
            let mut next = Vec::new();
            for c in &combos {
                for v in &values {
                    let mut c = c.clone();
                    c.push(v.clone());
                    next.push(c);
                }
            }
            combos = next;
            combos.truncate(256);
        }
        Some(combos)
    }

    fn aggregates(spec: &WindowSpec, g: &Group) -> HashMap<String, InputAggregate> {
        let mut out: HashMap<String, InputAggregate> = HashMap::new();
        for (i, input) in spec.inputs.iter().enumerate() {
            let agg = out.entry(input.label.clone()).or_default();
            let Some(w) = g.inputs.get(i) else { continue };
            let mut distinct: std::collections::HashSet<&str> = std::collections::HashSet::new();
            for (t, d, v) in &w.entries {
                agg.count += 1;
                agg.times.push(*t);
                if let Some(d) = d {
                    distinct.insert(d);
                }
                if let Some(v) = v {
                    agg.values.push(*v);
                }
            }
            agg.distinct += distinct.len();
            agg.times.sort_unstable();
        }
        out
    }

    fn summary(aggs: &HashMap<String, InputAggregate>) -> Vec<(String, serde_json::Value)> {
        let mut labels: Vec<&String> = aggs.keys().collect();
        labels.sort();
        let mut out = Vec::new();
        for l in labels {
            let a = &aggs[l];
            out.push((format!("{l}.count"), serde_json::json!(a.count)));
            if a.distinct > 0 {
                out.push((format!("{l}.distinct"), serde_json::json!(a.distinct)));
            }
            if !a.values.is_empty() {
                out.push((format!("{l}.sum"), serde_json::json!(a.sum())));
            }
        }
        out
    }

    fn detection(
        &self,
        values: &[String],
        time_ms: i64,
        events: Vec<SharedEvent>,
        count: u64,
        verdict: Verdict,
        fields: Vec<(String, serde_json::Value)>,
    ) -> Detection {
        let group = self
            .spec
            .group_names
            .iter()
            .zip(values)
            .map(|(n, v)| (n.clone(), serde_json::json!(v)))
            .collect();
        Detection {
            time_ms,
            events,
            group,
            count,
            fields,
            severity: verdict.severity,
            label: verdict.label,
            message: None,
        }
    }

    fn close_signals(&mut self, now: i64, all: bool, out: &mut Vec<Detection>) {
        let Emission::Signal {
            keep_alive_ms,
            max_duration_ms,
        } = self.spec.emission
        else {
            return;
        };
        let mut closed: Vec<(Vec<String>, Signal)> = Vec::new();
        for (_, g) in self.groups.iter_mut() {
            let done = g.signal.as_ref().is_some_and(|s| {
                all || now - s.last > keep_alive_ms || now - s.first > max_duration_ms
            });
            if done && let Some(s) = g.signal.take() {
                closed.push((g.values.clone(), s));
            }
        }
        closed.sort_by_key(|(_, s)| s.last);
        for (values, s) in closed {
            let events = s.events.iter().map(|e| e.0.clone()).collect();
            let mut fields = s.aggregates;
            fields.push(("signal.firings".to_owned(), serde_json::json!(s.firings)));
            out.push(self.detection(&values, s.last, events, s.firings, s.verdict, fields));
        }
    }
}

impl Operator for WindowOperator {
    fn checkpoint(&self) -> Result<serde_json::Value, String> {
        crate::state::save(&(&self.groups, self.dropped_entries))
    }

    fn restore(&mut self, state: serde_json::Value) -> Result<(), String> {
        let (groups, dropped): (serde_json::Value, u64) = crate::state::load(state)?;
        self.groups = crate::state::load_keyed(groups)?;
        self.dropped_entries = dropped;
        Ok(())
    }

    fn on_event(&mut self, slot: usize, ev: &SharedEvent, out: &mut Vec<Detection>) {
        let Some(t) = ev.time_millis() else { return };
        let n_inputs = self.spec.inputs.len();
        for (i, input) in self.spec.inputs.iter().enumerate() {
            if input.filter != slot {
                continue;
            }
            let Some(keys) = Self::group_keys(input, ev) else {
                continue;
            };
            let distinct: Option<String> = (!input.distinct.is_empty()).then(|| {
                input
                    .distinct
                    .iter()
                    .map(|f| f.first(ev).and_then(|v| v.to_text()).unwrap_or_default())
                    .collect::<Vec<_>>()
                    .join("\u{1f}")
            });
            let value: Option<f64> = input.value.as_ref().and_then(|f| {
                f.first(ev).and_then(|v| {
                    v.as_f64()
                        .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
                })
            });
            for values in keys {
                let key = key_of(&values);
                let samples = self.spec.samples;
                let window = self.spec.window_ms;
                let g = self.groups.entry(&key, t, || Group {
                    inputs: (0..n_inputs).map(|_| InputWindow::default()).collect(),
                    ..Group::default()
                });
                if g.values.is_empty() {
                    g.values = values.clone();
                }
                let w = &mut g.inputs[i];
                let pos = w.entries.partition_point(|(et, _, _)| *et <= t);
                w.entries.insert(pos, (t, distinct.clone(), value));
                if w.entries.len() > MAX_ENTRIES {
                    w.entries.pop_front();
                    self.dropped_entries += 1;
                }
                for w in g.inputs.iter_mut() {
                    while w.entries.front().is_some_and(|(et, _, _)| *et < t - window) {
                        w.entries.pop_front();
                    }
                }
                while g.samples.front().is_some_and(|(et, _)| *et < t - window) {
                    g.samples.pop_front();
                }
                if g.samples.len() < samples {
                    g.samples.push_back((t, StoredEvent(ev.clone())));
                }
                let aggs = Self::aggregates(&self.spec, g);
                let Some(verdict) = self.spec.condition.check(&aggs) else {
                    continue;
                };
                let summary = Self::summary(&aggs);
                match self.spec.emission {
                    Emission::Reset => {
                        let events: Vec<SharedEvent> =
                            g.samples.iter().map(|(_, e)| e.0.clone()).collect();
                        let count = aggs.values().map(|a| a.count).sum();
                        for w in g.inputs.iter_mut() {
                            w.entries.clear();
                        }
                        g.samples.clear();
                        let values = g.values.clone();
                        let d = self.detection(&values, t, events, count, verdict, summary);
                        out.push(d);
                    }
                    Emission::Signal {
                        keep_alive_ms,
                        max_duration_ms,
                    } => {
                        // A late event (older than the signal's last one) folds in when it is
                        // within keep-alive of the signal's span; otherwise, as for a new
                        // event, the open signal closes and a new one opens.
                        let reopen = g.signal.as_ref().is_some_and(|s| {
                            t - s.last > keep_alive_ms
                                || t - s.first > max_duration_ms
                                || s.first - t > keep_alive_ms
                        });
                        let mut finished = None;
                        if reopen {
                            finished = g.signal.take();
                        }
                        match g.signal.as_mut() {
                            Some(s) => {
                                s.last = s.last.max(t);
                                s.first = s.first.min(t);
                                s.firings += 1;
                                s.aggregates = summary;
                                if s.events.len() < samples {
                                    s.events.push(StoredEvent(ev.clone()));
                                }
                                // A more severe case raises the signal's severity.
                                if verdict.severity > s.verdict.severity {
                                    s.verdict = verdict;
                                }
                            }
                            None => {
                                let events = g.samples.iter().map(|(_, e)| e.clone()).collect();
                                g.signal = Some(Signal {
                                    first: t,
                                    last: t,
                                    firings: 1,
                                    verdict,
                                    events,
                                    aggregates: summary,
                                });
                            }
                        }
                        if let Some(s) = finished {
                            let values = g.values.clone();
                            let events = s.events.iter().map(|e| e.0.clone()).collect();
                            let mut fields = s.aggregates;
                            fields
                                .push(("signal.firings".to_owned(), serde_json::json!(s.firings)));
                            out.push(
                                self.detection(
                                    &values, s.last, events, s.firings, s.verdict, fields,
                                ),
                            );
                        }
                    }
                }
            }
        }
    }

    fn on_watermark(&mut self, watermark_ms: i64, out: &mut Vec<Detection>) {
        self.close_signals(watermark_ms, false, out);
        let horizon = watermark_ms.saturating_sub(self.spec.window_ms);
        self.groups.retain(|_, g| {
            g.signal.is_some()
                || g.inputs
                    .iter()
                    .any(|w| w.entries.back().is_some_and(|(t, _, _)| *t >= horizon))
        });
    }

    fn finish(&mut self, out: &mut Vec<Detection>) {
        self.close_signals(i64::MAX, true, out);
    }

    fn stats(&self) -> OperatorStats {
        let mut s = self.groups.stats();
        s.evictions += self.dropped_entries;
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::borrow::Cow;
    use trailhound_event::{Event, View};

    /// `a.count >= n`.
    #[derive(Debug)]
    struct AtLeast(u64);
    impl WindowCondition for AtLeast {
        fn check(&self, aggs: &HashMap<String, InputAggregate>) -> Option<Verdict> {
            (aggs.get("a").map_or(0, |a| a.count) >= self.0).then(Verdict::default)
        }
    }

    fn ev(n: u64, t: &str, user: &str, ip: &str) -> SharedEvent {
        let raw = format!(
            r#"{{"eventID":"e{n}","eventTime":"{t}","eventName":"X","sourceIPAddress":"{ip}","userIdentity":{{"arn":"{user}"}}}}"#
        );
        let doc: sonic_rs::Value = sonic_rs::from_str(&raw).expect("valid");
        Arc::new(Event::new(
            Cow::Owned(raw),
            doc,
            trailhound_event::Origin {
                source: 0,
                record: n,
            },
        ))
    }

    fn spec(n: u64, emission: Emission) -> WindowSpec {
        WindowSpec {
            inputs: vec![WindowInput {
                filter: 0,
                label: "a".into(),
                group_by: vec![View::Datadog.resolve("@userIdentity.arn").field],
                optional_group: false,
                distinct: vec![View::Datadog.resolve("@network.client.ip").field],
                value: None,
            }],
            group_names: vec!["@userIdentity.arn".into()],
            window_ms: 300_000,
            condition: Arc::new(AtLeast(n)),
            emission,
            max_keys: 100,
            samples: 5,
        }
    }

    fn run(spec: WindowSpec, events: &[SharedEvent]) -> Vec<Detection> {
        let mut op = WindowOperator::new(spec);
        let mut out = Vec::new();
        for e in events {
            op.on_event(0, e, &mut out);
        }
        op.finish(&mut out);
        out
    }

    #[test]
    fn reset_fires_at_the_count_and_starts_again() {
        let at = |m: u32, s: u32| format!("2024-01-01T10:{m:02}:{s:02}Z");
        let events: Vec<SharedEvent> = (0..7)
            .map(|i| ev(i, &at(0, i as u32), "alice", "1.1.1.1"))
            .collect();
        let out = run(spec(3, Emission::Reset), &events);
        assert_eq!(out.len(), 2, "7 events, fire at 3 and 6");
        assert_eq!(out[0].count, 3);
        assert_eq!(
            out[0].group,
            vec![("@userIdentity.arn".to_string(), serde_json::json!("alice"))]
        );
    }

    #[test]
    fn the_window_slides_and_is_inclusive() {
        // 10:00:00 and 10:05:00 are exactly 5 minutes apart: both inside.
        let out = run(
            spec(2, Emission::Reset),
            &[
                ev(1, "2024-01-01T10:00:00Z", "a", "x"),
                ev(2, "2024-01-01T10:05:00Z", "a", "x"),
            ],
        );
        assert_eq!(out.len(), 1);
        let out = run(
            spec(2, Emission::Reset),
            &[
                ev(1, "2024-01-01T10:00:00Z", "a", "x"),
                ev(2, "2024-01-01T10:05:01Z", "a", "x"),
            ],
        );
        assert!(out.is_empty());
    }

    #[test]
    fn signals_fold_while_alive_and_close_after() {
        let keep = Emission::Signal {
            keep_alive_ms: 60_000,
            max_duration_ms: 600_000,
        };
        let events = [
            ev(1, "2024-01-01T10:00:00Z", "a", "x"),
            ev(2, "2024-01-01T10:00:30Z", "a", "x"), // fires (2 >= 1 ... every event fires)
            ev(3, "2024-01-01T10:01:00Z", "a", "x"),
            ev(4, "2024-01-01T10:05:00Z", "a", "x"), // 4 minutes of silence: a new signal
        ];
        let out = run(spec(1, keep), &events);
        assert_eq!(out.iter().map(|d| d.count).collect::<Vec<_>>(), [3, 1]);
    }

    #[test]
    fn late_events_do_not_move_a_signal_back_in_time() {
        let keep = Emission::Signal {
            keep_alive_ms: 60_000,
            max_duration_ms: 600_000,
        };
        let events = [
            ev(1, "2024-01-01T10:00:00Z", "a", "x"),
            ev(2, "2024-01-01T10:00:30Z", "a", "x"),
            ev(3, "2023-01-01T10:00:00Z", "a", "x"), // a year late: a signal of its own
            ev(4, "2024-01-01T10:00:40Z", "a", "x"),
        ];
        let out = run(spec(1, keep), &events);
        let mut counts: Vec<u64> = out.iter().map(|d| d.count).collect();
        counts.sort_unstable();
        assert_eq!(counts, [1, 1, 2], "{out:?}");
    }

    #[test]
    fn distinct_counts() {
        #[derive(Debug)]
        struct Distinct(usize);
        impl WindowCondition for Distinct {
            fn check(&self, aggs: &HashMap<String, InputAggregate>) -> Option<Verdict> {
                (aggs["a"].distinct >= self.0).then(Verdict::default)
            }
        }
        let mut s = spec(0, Emission::Reset);
        s.condition = Arc::new(Distinct(2));
        let out = run(
            s,
            &[
                ev(1, "2024-01-01T10:00:00Z", "a", "1.1.1.1"),
                ev(2, "2024-01-01T10:00:01Z", "a", "1.1.1.1"),
                ev(3, "2024-01-01T10:00:02Z", "a", "2.2.2.2"),
            ],
        );
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].events.len(), 3);
    }

    #[test]
    fn percentile_is_nearest_rank() {
        let a = InputAggregate {
            values: vec![15.0, 20.0, 35.0, 40.0, 50.0],
            ..InputAggregate::default()
        };
        assert_eq!(a.percentile(30.0), Some(20.0));
        assert_eq!(a.percentile(100.0), Some(50.0));
        assert_eq!(a.avg(), Some(32.0));
    }
}

//! Elastic `threshold` rules, replayed run by run.
//!
//! Kibana runs a threshold rule every `interval` over the look-back window `from`, aggregates
//! the matching documents by up to three `field`s (a terms/composite aggregation: one bucket per
//! value, documents missing a field in no bucket) and raises one alert per bucket whose count
//! reaches `value` (and, with `cardinality`, whose number of distinct values of the cardinality
//! field reaches its `value`). To avoid alerting twice on the same events in overlapping
//! windows, Kibana remembers per bucket when it last alerted and only counts later events
//! (threshold signal history); this operator does the same.
//!
//! Runs are aligned to multiples of the interval since the epoch; a run at `r` covers
//! `(r - lookback, r]`. The operator sees events in time order, evaluates every run whose time
//! has passed, and keeps per group only the events the next run can still see.

use super::{combinations, key_of};
use crate::alert::{Detection, SharedEvent};
use crate::rule::Schedule;
use crate::ruleset::{Operator, OperatorFactory, OperatorStats};
use crate::state::{Keyed, StoredEvent};
use serde::{Deserialize, Serialize};
use std::collections::{HashSet, VecDeque};
use trailhound_event::Field;

/// A threshold rule's parameters.
#[derive(Clone, Debug)]
pub struct ThresholdSpec {
    /// Group-by fields (0 to 3 in Elastic), name and resolver.
    pub group_by: Vec<(String, Field)>,
    /// Minimum count.
    pub min_count: u64,
    /// Cardinality conditions: field, resolver, minimum distinct values.
    pub cardinality: Vec<(String, Field, u64)>,
    /// The rule's schedule.
    pub schedule: Schedule,
    /// Most groups held at once.
    pub max_keys: usize,
    /// Events kept per group as examples for the alert.
    pub samples: usize,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Group {
    values: Vec<String>,
    /// Event times in the current look-back, with the cardinality field values.
    entries: VecDeque<(i64, Vec<Option<String>>)>,
    samples: VecDeque<(i64, StoredEvent)>,
    /// Time of the run that last alerted (signal history).
    last_alert: i64,
}

/// Factory for [`ThresholdOperator`].
#[derive(Debug)]
pub struct ThresholdFactory(pub ThresholdSpec);

impl OperatorFactory for ThresholdFactory {
    fn create(&self) -> Box<dyn Operator> {
        Box::new(ThresholdOperator::new(self.0.clone()))
    }
}

/// The running state of one threshold rule.
#[derive(Debug)]
pub struct ThresholdOperator {
    spec: ThresholdSpec,
    groups: Keyed<Group>,
    /// The next run not yet evaluated.
    next_run: Option<i64>,
}

impl ThresholdOperator {
    /// Fresh state.
    pub fn new(spec: ThresholdSpec) -> ThresholdOperator {
        let groups = Keyed::new(spec.max_keys);
        ThresholdOperator {
            spec,
            groups,
            next_run: None,
        }
    }

    fn interval(&self) -> i64 {
        self.spec.schedule.interval_ms.max(1)
    }

    fn lookback(&self) -> i64 {
        self.spec.schedule.lookback_ms.max(self.interval())
    }

    /// Evaluates all runs at or before `t` (their time has passed).
    fn run_until(&mut self, t: i64, out: &mut Vec<Detection>) {
        while let Some(run) = self.next_run {
            if run >= t {
                break;
            }
            if self.groups.is_empty() {
                // Nothing to evaluate until the next event, which sets the next run again.
                self.next_run = None;
                break;
            }
            self.evaluate(run, out);
            self.next_run = Some(run + self.interval());
        }
    }

    fn evaluate(&mut self, run: i64, out: &mut Vec<Detection>) {
        let window_start = run - self.lookback();
        let spec = &self.spec;
        let mut fired: Vec<(i64, Detection)> = Vec::new();
        for (_, g) in self.groups.iter_mut() {
            let from = window_start.max(g.last_alert);
            let in_window: Vec<&(i64, Vec<Option<String>>)> = g
                .entries
                .iter()
                .filter(|(t, _)| *t > from && *t <= run)
                .collect();
            let count = in_window.len() as u64;
            if count == 0 || count < spec.min_count {
                continue;
            }
            let mut distinct: Vec<(String, Vec<String>)> = Vec::new();
            let mut meets = true;
            for (i, (name, _, min)) in spec.cardinality.iter().enumerate() {
                let set: HashSet<&str> = in_window
                    .iter()
                    .filter_map(|(_, c)| c.get(i).and_then(|v| v.as_deref()))
                    .collect();
                if (set.len() as u64) < *min {
                    meets = false;
                }
                let mut values: Vec<String> = set.into_iter().map(str::to_owned).collect();
                values.sort();
                distinct.push((name.clone(), values));
            }
            if !meets {
                continue;
            }
            g.last_alert = run;
            let last = in_window.last().map_or(run, |(t, _)| *t);
            let events: Vec<SharedEvent> = g
                .samples
                .iter()
                .filter(|(t, _)| *t > from && *t <= run)
                .map(|(_, e)| e.0.clone())
                .collect();
            let mut fields = vec![
                ("threshold.count".to_owned(), serde_json::json!(count)),
                (
                    "threshold.from".to_owned(),
                    serde_json::json!(crate::alert::iso(from.max(window_start))),
                ),
                (
                    "threshold.run".to_owned(),
                    serde_json::json!(crate::alert::iso(run)),
                ),
            ];
            for (name, values) in distinct {
                fields.push((
                    format!("threshold.cardinality.{name}"),
                    serde_json::json!(values.len()),
                ));
                fields.push((
                    format!("threshold.values.{name}"),
                    serde_json::json!(values.iter().take(50).collect::<Vec<_>>()),
                ));
            }
            let group = spec
                .group_by
                .iter()
                .zip(&g.values)
                .map(|((n, _), v)| (n.clone(), serde_json::json!(v)))
                .collect();
            fired.push((
                last,
                Detection {
                    time_ms: last,
                    events,
                    group,
                    count,
                    fields,
                    ..Detection::default()
                },
            ));
        }
        fired.sort_by_key(|(t, _)| *t);
        out.extend(fired.into_iter().map(|(_, d)| d));
        // Keep only what the next run can see.
        let keep_after = run + self.interval() - self.lookback();
        self.groups.retain(|_, g| {
            while g.entries.front().is_some_and(|(t, _)| *t <= keep_after) {
                g.entries.pop_front();
            }
            while g.samples.front().is_some_and(|(t, _)| *t <= keep_after) {
                g.samples.pop_front();
            }
            !g.entries.is_empty()
        });
    }
}

impl Operator for ThresholdOperator {
    fn checkpoint(&self) -> Result<serde_json::Value, String> {
        crate::state::save(&(&self.groups, self.next_run))
    }

    fn restore(&mut self, state: serde_json::Value) -> Result<(), String> {
        let (groups, next_run): (serde_json::Value, Option<i64>) = crate::state::load(state)?;
        self.groups = crate::state::load_keyed(groups)?;
        self.next_run = next_run;
        Ok(())
    }

    fn on_event(&mut self, _slot: usize, ev: &SharedEvent, out: &mut Vec<Detection>) {
        let Some(t) = ev.time_millis() else { return };
        let interval = self.interval();
        if self.next_run.is_none() {
            // The first run that covers the event (the first one, or the first after a gap).
            self.next_run = Some(
                t.div_euclid(interval) * interval
                    + if t.rem_euclid(interval) == 0 {
                        0
                    } else {
                        interval
                    },
            );
        }
        self.run_until(t, out);
        let Some(combos) = combinations(ev, &self.spec.group_by) else {
            return;
        };
        let card: Vec<Option<String>> = self
            .spec
            .cardinality
            .iter()
            .map(|(_, f, _)| f.first(ev).and_then(|v| v.to_text()))
            .collect();
        let samples = self.spec.samples;
        for values in combos {
            let key = key_of(&values);
            let g = self.groups.entry(&key, t, Group::default);
            if g.values.is_empty() {
                g.values = values;
            }
            // Late events (behind the reorder window) are inserted in order.
            let pos = g.entries.partition_point(|(et, _)| *et <= t);
            g.entries.insert(pos, (t, card.clone()));
            if g.samples.len() < samples {
                g.samples.push_back((t, StoredEvent(ev.clone())));
            }
        }
    }

    fn on_watermark(&mut self, watermark_ms: i64, out: &mut Vec<Detection>) {
        self.run_until(watermark_ms, out);
    }

    fn finish(&mut self, out: &mut Vec<Detection>) {
        // Runs until the last one that can still see an event.
        let last = self
            .groups
            .iter()
            .filter_map(|(_, g)| g.entries.back().map(|(t, _)| *t))
            .max();
        if let (Some(last), Some(_)) = (last, self.next_run) {
            self.run_until(last + self.lookback() + 1, out);
        }
    }

    fn stats(&self) -> OperatorStats {
        self.groups.stats()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::borrow::Cow;
    use std::sync::Arc;
    use trailhound_event::{Event, View};

    fn ev(t: &str, user: &str, id: u32) -> SharedEvent {
        let raw = format!(
            r#"{{"eventID":"{id}","eventTime":"{t}","eventName":"ConsoleLogin","userIdentity":{{"type":"IAMUser","userName":"{user}","accountId":"1"}}}}"#
        );
        let doc: sonic_rs::Value = sonic_rs::from_str(&raw).expect("valid");
        Arc::new(Event::new(Cow::Owned(raw), doc, Default::default()))
    }

    fn spec(min: u64) -> ThresholdSpec {
        ThresholdSpec {
            group_by: vec![("user.name".into(), View::ECS.resolve("user.name").field)],
            min_count: min,
            cardinality: vec![],
            schedule: Schedule {
                interval_ms: 5 * 60_000,
                lookback_ms: 6 * 60_000,
                max_signals: 100,
            },
            max_keys: 1000,
            samples: 3,
        }
    }

    fn run(spec: ThresholdSpec, events: Vec<SharedEvent>) -> Vec<Detection> {
        let mut op = ThresholdOperator::new(spec);
        let mut out = Vec::new();
        for e in &events {
            op.on_event(0, e, &mut out);
        }
        op.finish(&mut out);
        out
    }

    #[test]
    fn fires_once_per_group_when_the_count_is_reached() {
        let events = vec![
            ev("2024-01-01T10:00:10Z", "alice", 1),
            ev("2024-01-01T10:01:00Z", "alice", 2),
            ev("2024-01-01T10:02:00Z", "bob", 3),
            ev("2024-01-01T10:03:00Z", "alice", 4),
        ];
        let out = run(spec(3), events);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].count, 3);
        assert_eq!(
            out[0].group,
            vec![("user.name".to_string(), serde_json::json!("alice"))]
        );
        assert_eq!(out[0].events.len(), 3);
    }

    #[test]
    fn window_edges() {
        // Run at 10:05 sees (09:59, 10:05]; the event at 09:59:00 exactly is outside it.
        let out = run(
            spec(2),
            vec![
                ev("2024-01-01T09:59:00Z", "a", 1),
                ev("2024-01-01T10:05:00Z", "a", 2),
            ],
        );
        // Run 10:00 sees (09:54, 10:00]: one event. Run 10:05: (09:59, 10:05]: one. No alert.
        assert!(out.is_empty(), "{out:?}");
        let out = run(
            spec(2),
            vec![
                ev("2024-01-01T09:59:01Z", "a", 1),
                ev("2024-01-01T10:05:00Z", "a", 2),
            ],
        );
        assert_eq!(out.len(), 1, "both inside (09:59, 10:05]");
    }

    #[test]
    fn overlapping_runs_do_not_alert_twice_on_the_same_events() {
        // Three events at 10:04:10-10:04:50 fall in runs 10:05 and 10:10 (look-back 6m).
        let events = vec![
            ev("2024-01-01T10:04:10Z", "a", 1),
            ev("2024-01-01T10:04:30Z", "a", 2),
            ev("2024-01-01T10:04:50Z", "a", 3),
        ];
        let out = run(spec(3), events);
        assert_eq!(out.len(), 1);
        // New events after the alert count afresh.
        let mut events = vec![
            ev("2024-01-01T10:04:10Z", "a", 1),
            ev("2024-01-01T10:04:30Z", "a", 2),
            ev("2024-01-01T10:04:50Z", "a", 3),
        ];
        events.extend([
            ev("2024-01-01T10:06:00Z", "a", 4),
            ev("2024-01-01T10:07:00Z", "a", 5),
            ev("2024-01-01T10:08:00Z", "a", 6),
        ]);
        let out = run(spec(3), events);
        assert_eq!(out.len(), 2);
        assert_eq!(out[1].count, 3);
    }

    #[test]
    fn a_far_watermark_ends_quickly() {
        let mut op = ThresholdOperator::new(spec(1));
        let mut out = Vec::new();
        op.on_event(0, &ev("2024-01-01T10:00:10Z", "a", 1), &mut out);
        op.on_watermark(i64::MAX - 1, &mut out);
        assert_eq!(out.len(), 1);
        op.on_event(0, &ev("2024-02-01T10:00:10Z", "a", 2), &mut out);
        op.finish(&mut out);
        assert_eq!(out.len(), 2, "a later event after the gap starts a new run");
    }

    #[test]
    fn cardinality_condition() {
        let mut s = spec(1);
        s.group_by.clear();
        s.cardinality = vec![("user.name".into(), View::ECS.resolve("user.name").field, 2)];
        let out = run(
            s.clone(),
            vec![
                ev("2024-01-01T10:00:10Z", "a", 1),
                ev("2024-01-01T10:00:20Z", "a", 2),
            ],
        );
        assert!(out.is_empty());
        let out = run(
            s,
            vec![
                ev("2024-01-01T10:00:10Z", "a", 1),
                ev("2024-01-01T10:00:20Z", "b", 2),
            ],
        );
        assert_eq!(out.len(), 1);
        let values = out[0]
            .fields
            .iter()
            .find(|(k, _)| k == "threshold.values.user.name")
            .map(|(_, v)| v.clone());
        assert_eq!(values, Some(serde_json::json!(["a", "b"])));
    }

    #[test]
    fn out_of_order_within_a_run_gives_the_same_alerts() {
        let sorted = vec![
            ev("2024-01-01T10:01:00Z", "a", 1),
            ev("2024-01-01T10:02:00Z", "a", 2),
            ev("2024-01-01T10:03:00Z", "a", 3),
        ];
        let shuffled = vec![sorted[2].clone(), sorted[0].clone(), sorted[1].clone()];
        let a = run(spec(3), sorted);
        let b = run(spec(3), shuffled);
        assert_eq!(a.len(), 1);
        assert_eq!(b.len(), 1);
        assert_eq!(a[0].count, b[0].count);
    }
}

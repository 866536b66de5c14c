//! ES|QL rules as engine operators: each result row becomes a [`Detection`].
//!
//! Without schedule replay the query runs once over every event that passes the rule's filter
//! (the plan's [`Plan::prefilter`]), at the end of the input. With replay it runs as Kibana runs
//! an ES|QL rule: at every execution time `T = k * interval` over the events with
//! `T - lookback < @timestamp <= T`, with `NOW()` = `T` (executions whose window holds no event
//! are skipped). Events are buffered for one look-back, at most
//! [`EsqlOperatorFactory::max_buffered`] of them (older ones are evicted and counted).

use crate::exec::{ExecOptions, Executor, Origin, Table};
use crate::plan::Plan;
use crate::value::EsqlValue;
use std::collections::VecDeque;
use std::sync::Arc;
use trailhound_engine::{
    Detection, Operator, OperatorFactory, OperatorStats, Schedule, SharedEvent,
};

/// Creates the per-run state of an ES|QL rule.
#[derive(Debug)]
pub struct EsqlOperatorFactory {
    plan: Arc<Plan>,
    replay: Option<Schedule>,
    options: ExecOptions,
    /// Events buffered per look-back window under replay, at most.
    pub max_buffered: usize,
}

impl EsqlOperatorFactory {
    /// A factory for `plan`; with `replay`, the query runs per execution window of that schedule.
    pub fn new(plan: Arc<Plan>, replay: Option<Schedule>) -> EsqlOperatorFactory {
        EsqlOperatorFactory {
            plan,
            replay,
            options: ExecOptions::default(),
            max_buffered: 1_000_000,
        }
    }

    /// Sets the execution limits.
    pub fn with_options(mut self, options: ExecOptions) -> EsqlOperatorFactory {
        self.options = options;
        self
    }
}

impl OperatorFactory for EsqlOperatorFactory {
    fn create(&self) -> Box<dyn Operator> {
        match &self.replay {
            None => Box::new(Once {
                plan: self.plan.clone(),
                exec: Some(Executor::tracking(
                    self.plan.clone(),
                    None,
                    self.options.clone(),
                )),
                options: self.options.clone(),
                peak: 0,
                refused: 0,
            }),
            Some(s) => Box::new(Windows {
                plan: self.plan.clone(),
                interval: s.interval_ms.max(1),
                lookback: s.lookback_ms.max(s.interval_ms.max(1)),
                options: self.options.clone(),
                max_buffered: self.max_buffered.max(1),
                buffer: VecDeque::new(),
                next_run: None,
                stats: OperatorStats::default(),
            }),
        }
    }

    fn needs_order(&self) -> bool {
        self.replay.is_some()
    }
}

struct Once {
    plan: Arc<Plan>,
    exec: Option<Executor<'static>>,
    options: ExecOptions,
    peak: u64,
    refused: u64,
}

impl Operator for Once {
    fn on_event(&mut self, _slot: usize, ev: &SharedEvent, _out: &mut Vec<Detection>) {
        if let Some(exec) = self.exec.as_mut() {
            exec.push_shared(ev);
            let (held, refused) = exec.group_counts();
            self.peak = self.peak.max(held);
            self.refused = refused;
        }
    }

    fn finish(&mut self, out: &mut Vec<Detection>) {
        let exec = self
            .exec
            .take()
            .unwrap_or_else(|| Executor::tracking(self.plan.clone(), None, self.options.clone()));
        let (table, origins) = exec.finish_detailed();
        let fallback = origins
            .iter()
            .flat_map(|o| o.events.iter())
            .filter_map(|e| e.time_millis())
            .max()
            .unwrap_or(0);
        detections(&table, origins, fallback, out);
    }

    fn stats(&self) -> OperatorStats {
        let held = self.exec.as_ref().map_or(0, |e| e.group_counts().0);
        OperatorStats {
            keys: held,
            peak_keys: self.peak,
            evictions: self.refused,
        }
    }
}

struct Windows {
    plan: Arc<Plan>,
    interval: i64,
    lookback: i64,
    options: ExecOptions,
    max_buffered: usize,
    buffer: VecDeque<(i64, SharedEvent)>,
    next_run: Option<i64>,
    stats: OperatorStats,
}

impl Windows {
    fn first_window_at_or_after(&self, t: i64) -> i64 {
        t.div_euclid(self.interval) * self.interval
            + if t.rem_euclid(self.interval) == 0 {
                0
            } else {
                self.interval
            }
    }

    fn run_until(&mut self, watermark: i64, out: &mut Vec<Detection>) {
        while let Some(t) = self.next_run.filter(|t| *t <= watermark) {
            let from = t - self.lookback;
            let mut exec = Executor::tracking(self.plan.clone(), Some(t), self.options.clone());
            for (time, ev) in &self.buffer {
                if *time > from && *time <= t && self.plan.prefilter.eval(ev) {
                    exec.push_shared(ev);
                }
            }
            let (table, origins) = exec.finish_detailed();
            detections(&table, origins, t, out);
            // Events at or before the next window's start can no longer be read.
            let horizon = t + self.interval - self.lookback;
            while self
                .buffer
                .front()
                .is_some_and(|(time, _)| *time <= horizon)
            {
                self.buffer.pop_front();
            }
            self.stats.keys = self.buffer.len() as u64;
            self.next_run = self
                .buffer
                .front()
                .map(|(t0, _)| (t + self.interval).max(self.first_window_at_or_after(*t0)));
        }
    }
}

impl Operator for Windows {
    fn on_event(&mut self, _slot: usize, ev: &SharedEvent, _out: &mut Vec<Detection>) {
        let Some(t) = ev.time_millis() else { return };
        // Insert in time order (late events land before later ones).
        let pos = self
            .buffer
            .iter()
            .rposition(|(bt, _)| *bt <= t)
            .map_or(0, |p| p + 1);
        self.buffer.insert(pos, (t, ev.clone()));
        if self.buffer.len() > self.max_buffered {
            self.buffer.pop_front();
            self.stats.evictions += 1;
        }
        let w = self.first_window_at_or_after(t);
        self.next_run = Some(self.next_run.map_or(w, |n| n.min(w)));
        self.stats.keys = self.buffer.len() as u64;
        self.stats.peak_keys = self.stats.peak_keys.max(self.stats.keys);
    }

    fn on_watermark(&mut self, watermark_ms: i64, out: &mut Vec<Detection>) {
        self.run_until(watermark_ms, out);
    }

    fn finish(&mut self, out: &mut Vec<Detection>) {
        self.run_until(i64::MAX, out);
    }

    fn stats(&self) -> OperatorStats {
        self.stats
    }
}

/// One detection per row: the row's columns as fields, its contributing events, its group;
/// time = the row's `@timestamp` when it has a single date there, else `fallback_ms`.
fn detections(table: &Table, origins: Vec<Origin>, fallback_ms: i64, out: &mut Vec<Detection>) {
    let ts_col = table.columns.iter().position(|(n, _)| n == "@timestamp");
    for (i, origin) in origins.into_iter().enumerate() {
        let time = ts_col
            .and_then(|c| table.rows.get(i).and_then(|r| r.get(c)))
            .and_then(|v| match v {
                EsqlValue::Date(ms) => Some(*ms),
                _ => None,
            })
            .unwrap_or(fallback_ms);
        out.push(Detection {
            time_ms: time,
            events: origin.events,
            group: origin.group,
            count: origin.count.max(1),
            fields: table.row_json(i),
            ..Detection::default()
        });
    }
}

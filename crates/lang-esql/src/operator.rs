//! ES|QL rules as engine operators: each result row becomes a [`Detection`].
//!
//! Without schedule replay the query runs once over every event that passes the rule's filter
//! (the plan's [`Plan::prefilter`]), at the end of the input. With replay it runs as Kibana runs
//! an ES|QL rule: at every execution time `T = k * interval` over the events with
//! `T - lookback < @timestamp <= T`, with `NOW()` = `T` (executions whose window holds no event
//! are skipped). Events are buffered for one look-back, at most
//! [`EsqlOperatorFactory::max_buffered`] of them (older ones are evicted and counted).
//!
//! An event falls in `lookback / interval` windows; [`Sharing`] says how much of the work
//! on it executions share (all of it gives the same detections):
//! - the stages at the head of the query that read one row at a time and not `NOW()`
//!   (`WHERE`, `EVAL`, `DISSECT`, `GROK`, `MV_EXPAND`) give an event the same rows in every
//!   execution, so the event goes through them once, on arrival; what is buffered is its rows
//!   (only the columns later stages read, with the event for alerts), which every execution
//!   feeds to the rest of the query;
//! - when a `STATS` follows that head, reads no `NOW()` per row and has only aggregates that
//!   merge exactly (not `AVG`, `STD_DEV`, `WEIGHTED_AVG`, `SUM` of doubles), the rows of each
//!   run of `gcd(interval, lookback)` milliseconds are aggregated once and every execution
//!   merges the runs of its window, in time order (groups keep their order of appearance,
//!   contributing-event samples their first events). An execution whose merge would pass the
//!   group limit aggregates its rows one by one instead, as without sharing.
//!
//! Warnings stay per execution, as Elasticsearch reports them per query: the evaluation
//! failures an event's head raised are recorded in order and reported again in each execution
//! that reads the event, where that execution would have raised them; a run's warnings are
//! merged into each execution that reads the run.

use crate::exec::{Derived, Deriver, EventRef, ExecOptions, Executor, Origin, Partial, Table};
use crate::plan::Plan;
use crate::value::EsqlValue;
use foldhash::{HashMap, HashMapExt};
use std::collections::VecDeque;
use std::sync::Arc;
use trailhound_engine::state::StoredEvent;
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
    /// How much work executions under replay share.
    pub sharing: Sharing,
}

/// How much work the executions of a replayed ES|QL rule share (see the module docs); the
/// detections are the same whatever the choice.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Sharing {
    /// None: every execution runs every event of its window through the whole query, as
    /// Kibana does (the reference the others are tested against).
    Nothing,
    /// Each event goes through the query's row-local head once.
    Rows,
    /// Also, a leading `STATS` aggregates each run of `gcd(interval, lookback)` once, when its
    /// aggregates merge exactly.
    #[default]
    Aggregates,
}

/// Most runs one window is merged from; with more (a look-back that is no small multiple of
/// the interval's common divisor with it), executions aggregate rows one by one.
const MAX_RUNS_PER_WINDOW: i64 = 1024;

impl EsqlOperatorFactory {
    /// A factory for `plan`; with `replay`, the query runs per execution window of that schedule.
    pub fn new(plan: Arc<Plan>, replay: Option<Schedule>) -> EsqlOperatorFactory {
        EsqlOperatorFactory {
            plan,
            replay,
            options: ExecOptions::default(),
            max_buffered: 1_000_000,
            sharing: Sharing::default(),
        }
    }

    /// Sets the execution limits.
    pub fn with_options(mut self, options: ExecOptions) -> EsqlOperatorFactory {
        self.options = options;
        self
    }

    /// The replaying operator for schedule `s`.
    pub(crate) fn windows(&self, s: &Schedule) -> Windows {
        let interval = s.interval_ms.max(1);
        let lookback = s.lookback_ms.max(interval);
        let deriver = match self.sharing {
            Sharing::Nothing => None,
            Sharing::Rows | Sharing::Aggregates => Deriver::new(self.plan.clone()),
        };
        let width = gcd(interval, lookback);
        let runs = deriver
            .as_ref()
            .filter(|d| {
                self.sharing == Sharing::Aggregates
                    && d.prefix().merges(&self.plan)
                    && lookback / width <= MAX_RUNS_PER_WINDOW
            })
            .map(|_| Runs {
                width,
                partials: HashMap::new(),
            });
        Windows {
            plan: self.plan.clone(),
            interval,
            lookback,
            options: self.options.clone(),
            max_buffered: self.max_buffered.max(1),
            deriver,
            runs,
            buffer: VecDeque::new(),
            next_run: None,
            stats: OperatorStats::default(),
        }
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
            Some(s) => Box::new(self.windows(s)),
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

/// Where an execution's result goes: its time, table and row origins.
pub(crate) type Sink<'a> = &'a mut dyn FnMut(i64, Table, Vec<Origin>);

/// The operator of a replayed rule.
pub(crate) struct Windows {
    plan: Arc<Plan>,
    interval: i64,
    lookback: i64,
    options: ExecOptions,
    max_buffered: usize,
    /// Set when events go through the query's head once ([`Sharing::Rows`] and up).
    deriver: Option<Deriver>,
    /// Set when runs are aggregated once ([`Sharing::Aggregates`], where possible).
    runs: Option<Runs>,
    /// Buffered events in time order.
    buffer: VecDeque<(i64, Held)>,
    next_run: Option<i64>,
    stats: OperatorStats,
}

/// What is buffered of an event.
enum Held {
    /// The event itself, run through the whole query by each execution.
    Event(SharedEvent),
    /// Its derived rows; `None` when it yields nothing (it still counts as an event of its
    /// window, which then runs).
    Derived(Option<Box<Derived>>),
}

/// Aggregates of runs: run `k` holds the events with `(k - 1) * width < @timestamp <= k *
/// width`; windows start and end on run bounds, as `width` divides interval and look-back.
struct Runs {
    width: i64,
    /// Aggregates computed so far, dropped when an event of the run arrives late or leaves the
    /// buffer; `None` when the group limit refused rows of the run.
    partials: HashMap<i64, Option<Partial>>,
}

impl Runs {
    fn run_of(&self, t: i64) -> i64 {
        t.div_euclid(self.width) + i64::from(t.rem_euclid(self.width) != 0)
    }
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

    /// Runs the execution at `t` over the buffered events in `(t - lookback, t]`.
    fn execute(&mut self, t: i64) -> (Table, Vec<Origin>) {
        let from = t - self.lookback;
        if let Some(exec) = self.merged(from, t) {
            return exec.finish_detailed();
        }
        let mut exec = Executor::tracking(self.plan.clone(), Some(t), self.options.clone());
        for (_, held) in self.window(from, t) {
            match (held, &self.deriver) {
                (Held::Event(ev), _) => {
                    if self.plan.prefilter.eval(ev) {
                        exec.push_shared(ev);
                    }
                }
                (Held::Derived(Some(d)), Some(deriver)) => {
                    exec.push_derived(deriver.prefix(), d);
                }
                (Held::Derived(_), _) => {}
            }
        }
        exec.finish_detailed()
    }

    /// The buffered events in `(from, to]`.
    fn window(&self, from: i64, to: i64) -> impl Iterator<Item = &(i64, Held)> {
        let start = self.buffer.partition_point(|(time, _)| *time <= from);
        let end = self.buffer.partition_point(|(time, _)| *time <= to);
        self.buffer.range(start..end.max(start))
    }

    /// The execution at `t` with the aggregates of the runs of `(from, t]` merged, when runs
    /// are aggregated and every merge is exact.
    fn merged(&mut self, from: i64, t: i64) -> Option<Executor<'static>> {
        let runs = self.runs.as_ref()?;
        let deriver = self.deriver.as_ref()?;
        let (first, last) = (runs.run_of(from) + 1, runs.run_of(t));
        let width = runs.width;
        let mut missing = Vec::new();
        for k in first..=last {
            if !runs.partials.contains_key(&k) {
                let events = self
                    .window((k - 1) * width, k * width)
                    .filter_map(|(_, held)| match held {
                        Held::Derived(Some(d)) => Some(&**d),
                        _ => None,
                    });
                let p = Partial::build(&self.plan, deriver.prefix(), &self.options, events);
                missing.push((k, p));
            }
        }
        let runs = self.runs.as_mut()?;
        runs.partials.extend(missing);
        let mut exec = Executor::tracking(self.plan.clone(), Some(t), self.options.clone());
        for k in first..=last {
            let p = runs.partials.get(&k)?.as_ref()?;
            if !exec.merge(deriver.prefix(), p) {
                return None;
            }
        }
        Some(exec)
    }

    /// Runs the executions due by `watermark`.
    pub(crate) fn run_until(&mut self, watermark: i64, sink: Sink<'_>) {
        while let Some(t) = self.next_run.filter(|t| *t <= watermark) {
            let (table, origins) = self.execute(t);
            sink(t, table, origins);
            // Events at or before the next window's start can no longer be read.
            let horizon = t + self.interval - self.lookback;
            while self
                .buffer
                .front()
                .is_some_and(|(time, _)| *time <= horizon)
            {
                self.buffer.pop_front();
            }
            if let Some(runs) = self.runs.as_mut() {
                let done = runs.run_of(horizon);
                runs.partials.retain(|k, _| *k > done);
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
    /// The buffered events (as raw text; an event whose head yielded nothing as its time only)
    /// and the schedule position. Derived rows and run aggregates are recomputed on restore.
    fn checkpoint(&self) -> Result<serde_json::Value, String> {
        let buffered: Vec<(i64, Option<StoredEvent>)> = self
            .buffer
            .iter()
            .map(|(t, held)| {
                let ev = match held {
                    Held::Event(ev) => Some(ev.clone()),
                    Held::Derived(d) => d.as_ref().map(|d| std::sync::Arc::new(d.event().parse())),
                };
                (*t, ev.map(StoredEvent))
            })
            .collect();
        trailhound_engine::state::save(&(buffered, self.next_run, self.stats))
    }

    fn restore(&mut self, state: serde_json::Value) -> Result<(), String> {
        type Saved = (Vec<(i64, Option<StoredEvent>)>, Option<i64>, OperatorStats);
        let (buffered, next_run, stats): Saved = trailhound_engine::state::load(state)?;
        self.buffer.clear();
        for (t, ev) in buffered {
            let held = match (ev, self.deriver.as_mut()) {
                (Some(ev), Some(d)) => Held::Derived(d.derive(&ev.0).map(Box::new)),
                (Some(ev), None) => Held::Event(ev.0),
                (None, _) => Held::Derived(None),
            };
            self.buffer.push_back((t, held));
        }
        if let Some(runs) = self.runs.as_mut() {
            runs.partials.clear();
        }
        self.next_run = next_run;
        self.stats = stats;
        Ok(())
    }

    fn on_event(&mut self, _slot: usize, ev: &SharedEvent, _out: &mut Vec<Detection>) {
        let Some(t) = ev.time_millis() else { return };
        // Insert in time order (late events land before later ones).
        let pos = self
            .buffer
            .iter()
            .rposition(|(bt, _)| *bt <= t)
            .map_or(0, |p| p + 1);
        let held = match self.deriver.as_mut() {
            Some(d) => Held::Derived(d.derive(ev).map(Box::new)),
            None => Held::Event(ev.clone()),
        };
        self.buffer.insert(pos, (t, held));
        if let Some(runs) = self.runs.as_mut() {
            let k = runs.run_of(t);
            runs.partials.remove(&k);
        }
        if self.buffer.len() > self.max_buffered
            && let Some((gone, _)) = self.buffer.pop_front()
        {
            self.stats.evictions += 1;
            if let Some(runs) = self.runs.as_mut() {
                let k = runs.run_of(gone);
                runs.partials.remove(&k);
            }
        }
        let w = self.first_window_at_or_after(t);
        self.next_run = Some(self.next_run.map_or(w, |n| n.min(w)));
        self.stats.keys = self.buffer.len() as u64;
        self.stats.peak_keys = self.stats.peak_keys.max(self.stats.keys);
    }

    fn on_watermark(&mut self, watermark_ms: i64, out: &mut Vec<Detection>) {
        self.run_until(watermark_ms, &mut |t, table, origins| {
            detections(&table, origins, t, out);
        });
    }

    fn finish(&mut self, out: &mut Vec<Detection>) {
        self.run_until(i64::MAX, &mut |t, table, origins| {
            detections(&table, origins, t, out);
        });
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
            events: origin.events.iter().map(EventRef::parsed).collect(),
            group: origin.group,
            count: origin.count.max(1),
            fields: table.row_json(i),
            ..Detection::default()
        });
    }
}

fn gcd(a: i64, b: i64) -> i64 {
    let (mut a, mut b) = (a.unsigned_abs(), b.unsigned_abs());
    while b != 0 {
        (a, b) = (b, a % b);
    }
    i64::try_from(a).unwrap_or(1).max(1)
}

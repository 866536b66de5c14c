//! Streaming execution of a [`Plan`]: events are pushed one at a time through the per-row
//! stages; `STATS` aggregates in bounded memory, `SORT ... LIMIT` keeps a bounded top-N, and
//! everything after a blocking stage runs at [`Executor::finish`].

use crate::agg::AggState;
use crate::expr::{ColId, Cx, Logged, Row, Warnings};
use crate::func::EvalError;
use crate::plan::{Plan, SortSpec, Stage, StatsPlan};
use crate::value::{EsqlType, EsqlValue};
use foldhash::HashMap;
use std::cmp::Ordering;
use std::fmt::Write as _;
use std::sync::Arc;
use trailhound_engine::SharedEvent;
use trailhound_event::Event;
use trailhound_event::EventText;

/// Most groups one row may fall into through multi-valued `STATS ... BY` keys.
const MAX_KEY_COMBINATIONS: usize = 10_000;

/// Execution limits.
#[derive(Clone, Debug)]
pub struct ExecOptions {
    /// Most `STATS` groups held at once; rows of new groups beyond it are refused and counted
    /// (reported as a warning), never silently dropped.
    pub group_limit: usize,
    /// Contributing events kept per `STATS` group for alerts (only when events are tracked).
    pub samples_per_group: usize,
}

impl Default for ExecOptions {
    fn default() -> Self {
        ExecOptions {
            group_limit: 1_000_000,
            samples_per_group: 5,
        }
    }
}

/// A query result: typed columns, rows, and warnings (plan-time notes, evaluation failures,
/// refused groups).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Table {
    /// Column names and types, in order.
    pub columns: Vec<(String, EsqlType)>,
    /// Rows; each has one value per column.
    pub rows: Vec<Vec<EsqlValue>>,
    /// Warnings, in Elasticsearch's wording where one exists.
    pub warnings: Vec<String>,
}

impl Table {
    /// Renders the table as Elasticsearch's `format=txt` does: a header, a dash rule, one line
    /// per row, columns padded and separated by `|`; multi-values as `[a, b]`.
    pub fn to_text(&self) -> String {
        let cells: Vec<Vec<String>> = self
            .rows
            .iter()
            .map(|r| r.iter().map(|v| v.to_string()).collect())
            .collect();
        let mut widths: Vec<usize> = self
            .columns
            .iter()
            .map(|(n, _)| n.chars().count())
            .collect();
        for row in &cells {
            for (i, c) in row.iter().enumerate() {
                if let Some(w) = widths.get_mut(i) {
                    *w = (*w).max(c.chars().count());
                }
            }
        }
        let line = |out: &mut String, items: &mut dyn Iterator<Item = (usize, &str)>| {
            let mut first = true;
            for (i, s) in items {
                if !first {
                    out.push('|');
                }
                first = false;
                let _ = write!(
                    out,
                    "{s:<width$}",
                    width = widths.get(i).copied().unwrap_or(0)
                );
            }
            while out.ends_with(' ') {
                out.pop();
            }
            out.push('\n');
        };
        let mut out = String::new();
        line(
            &mut out,
            &mut self
                .columns
                .iter()
                .enumerate()
                .map(|(i, (n, _))| (i, n.as_str())),
        );
        let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
        out.push_str(&rule.join("+"));
        out.push('\n');
        for row in &cells {
            line(
                &mut out,
                &mut row.iter().enumerate().map(|(i, s)| (i, s.as_str())),
            );
        }
        out
    }

    /// Row `i` as `(column, JSON value)` pairs.
    pub fn row_json(&self, i: usize) -> Vec<(String, serde_json::Value)> {
        let Some(row) = self.rows.get(i) else {
            return Vec::new();
        };
        self.columns
            .iter()
            .zip(row)
            .map(|((n, _), v)| (n.clone(), v.to_json()))
            .collect()
    }
}

/// An event a result row came from: parsed, or kept as its text by a replayed rule's buffer
/// (which holds every matching event of a look-back; the text is parsed again only for the
/// events an alert shows).
#[derive(Clone, Debug)]
pub(crate) enum EventRef {
    /// The parsed event.
    Parsed(SharedEvent),
    /// Its text.
    Text(EventText),
}

impl EventRef {
    /// Event time.
    pub(crate) fn time_millis(&self) -> Option<i64> {
        match self {
            EventRef::Parsed(ev) => ev.time_millis(),
            EventRef::Text(t) => t.time_millis(),
        }
    }

    /// The parsed event.
    pub(crate) fn parsed(&self) -> SharedEvent {
        match self {
            EventRef::Parsed(ev) => ev.clone(),
            EventRef::Text(t) => std::sync::Arc::new(t.parse()),
        }
    }
}

/// Where a result row came from (tracked for alerts).
#[derive(Clone, Debug, Default)]
pub(crate) struct Origin {
    /// The contributing event, or a sample of a group's events.
    pub events: Vec<EventRef>,
    /// `STATS ... BY` key values.
    pub group: Vec<(String, serde_json::Value)>,
    /// Input rows folded into the row.
    pub count: u64,
}

struct Buffered {
    keys: Vec<EsqlValue>,
    seq: u64,
    vals: Vec<Option<EsqlValue>>,
    origin: Option<Origin>,
}

#[derive(Clone)]
struct Group {
    key: Vec<EsqlValue>,
    states: Vec<AggState>,
    samples: Vec<EventRef>,
    rows: u64,
}

#[derive(Default)]
struct StatsState {
    index: HashMap<Vec<EsqlValue>, usize>,
    groups: Vec<Group>,
    refused_rows: u64,
}

enum StageState {
    Stateless,
    Limit(usize),
    Buffer(Vec<Buffered>),
    Stats(StatsState),
}

/// The row-local head of a plan: the stages before the first one whose output depends on other
/// rows (`LIMIT`, `SORT`, `STATS`) or on the execution (`NOW()`). What they make of an event is
/// the same in every execution that reads the event, so under schedule replay it is computed
/// once per event ([`Deriver`]) and fed to each execution ([`Executor::push_derived`]).
#[derive(Debug)]
pub(crate) struct Prefix {
    /// Index of the first stage that is not part of the prefix.
    end: usize,
    /// The columns the stages from `end` on read (see [`Plan::needed`]).
    keep: Vec<ColId>,
}

impl Prefix {
    /// The prefix of `plan`; `None` for a query that reads no events (`ROW`).
    pub(crate) fn of(plan: &Plan) -> Option<Prefix> {
        if !plan.reads_events {
            return None;
        }
        let end = plan
            .stages
            .iter()
            .position(|s| !s.is_row_local() || s.uses_now())
            .unwrap_or(plan.stages.len());
        Some(Prefix {
            end,
            keep: plan.needed.get(end).cloned().unwrap_or_default(),
        })
    }

    /// Whether the stage after the prefix is a `STATS` whose aggregates all merge exactly
    /// ([`AggState::mergeable`]) and whose per-row work does not read `NOW()`: the rows of an
    /// execution can then be aggregated in runs ([`Partial`]) shared by executions.
    pub(crate) fn merges(&self, plan: &Plan) -> bool {
        match plan.stages.get(self.end) {
            Some(stage @ Stage::Stats(sp)) => {
                !stage.uses_now() && sp.aggs.iter().all(|a| AggState::mergeable(&a.spec))
            }
            _ => false,
        }
    }
}

/// The `STATS` state (groups, samples, warnings) of a run of consecutive rows, as an execution
/// would hold it after them; merged into executions whose rows include the run
/// ([`Executor::merge`]).
pub(crate) struct Partial {
    stats: StatsState,
    warnings: Warnings,
}

impl Partial {
    /// Aggregates the derived rows of `events` (in order) with the `STATS` after `prefix`
    /// (which [merges](Prefix::merges)); `None` when the group limit refused rows.
    pub(crate) fn build<'a>(
        plan: &Plan,
        prefix: &Prefix,
        options: &ExecOptions,
        events: impl IntoIterator<Item = &'a Derived>,
    ) -> Option<Partial> {
        let mut st = State::new(plan, plan.now_ms, options.clone(), true);
        for d in events {
            st.push_derived(plan, prefix, d);
        }
        let stage = std::mem::replace(st.stages.get_mut(prefix.end)?, StageState::Stateless);
        match stage {
            StageState::Stats(stats) if stats.refused_rows == 0 => Some(Partial {
                stats,
                warnings: st.warnings,
            }),
            _ => None,
        }
    }
}

/// What the stages of a [`Prefix`] make of one event: its rows at the end of the prefix (only
/// the columns later stages read), and the warning events evaluating them raised, in order.
#[derive(Debug)]
pub(crate) struct Derived {
    /// The event as text: its rows hold every column later stages read.
    event: EventText,
    rows: Vec<DerivedRow>,
    /// Warning events after the last row (rows that a `WHERE` dropped, for instance).
    tail: Vec<Logged>,
}

impl Derived {
    /// The event the rows came from.
    pub(crate) fn event(&self) -> &EventText {
        &self.event
    }
}

#[derive(Debug)]
struct DerivedRow {
    /// Values of [`Prefix::keep`], in its order.
    vals: Box<[EsqlValue]>,
    /// Warning events raised since the previous row (or the start of the event).
    before: Vec<Logged>,
}

/// Derives the prefix rows of events for one plan, reusing its state from event to event.
pub(crate) struct Deriver {
    plan: Arc<Plan>,
    prefix: Prefix,
    st: State,
}

impl Deriver {
    /// A deriver for `plan`; `None` when the plan reads no events.
    pub(crate) fn new(plan: Arc<Plan>) -> Option<Deriver> {
        let prefix = Prefix::of(&plan)?;
        let mut st = State::new(&plan, plan.now_ms, ExecOptions::default(), false);
        st.warnings = Warnings::recording();
        st.capture = Some(Capture {
            end: prefix.end,
            keep: prefix.keep.clone(),
            rows: Vec::new(),
        });
        Some(Deriver { plan, prefix, st })
    }

    /// The prefix rows are derived for.
    pub(crate) fn prefix(&self) -> &Prefix {
        &self.prefix
    }

    /// The prefix rows of `ev`; `None` when the event yields no row and no warning (it fails
    /// the plan's prefilter or a `WHERE` of the prefix, quietly).
    pub(crate) fn derive(&mut self, ev: &SharedEvent) -> Option<Derived> {
        if !self.plan.prefilter.eval(ev) {
            return None;
        }
        self.st.push(&self.plan, ev, None);
        let rows = self
            .st
            .capture
            .as_mut()
            .map(|c| std::mem::take(&mut c.rows))
            .unwrap_or_default();
        let tail = self.st.warnings.take_log();
        if rows.is_empty() && tail.is_empty() {
            return None;
        }
        Some(Derived {
            event: ev.to_text(),
            rows,
            tail,
        })
    }
}

/// Where a deriving state stops rows and what it keeps of them.
struct Capture {
    end: usize,
    keep: Vec<ColId>,
    rows: Vec<DerivedRow>,
}

/// Mutable execution state, kept apart from the plan so the plan can be borrowed while state
/// changes.
struct State {
    now: i64,
    options: ExecOptions,
    track: bool,
    stages: Vec<StageState>,
    rows: Vec<Vec<EsqlValue>>,
    origins: Vec<Origin>,
    warnings: Warnings,
    seq: u64,
    saturated: bool,
    max_time: Option<i64>,
    scratch: Vec<Option<EsqlValue>>,
    /// Set when deriving prefix rows: rows reaching the end of the prefix stop there.
    capture: Option<Capture>,
}

/// Runs a [`Plan`] over events pushed one by one.
pub struct Executor<'p> {
    plan: PlanRef<'p>,
    st: State,
}

enum PlanRef<'p> {
    Borrowed(&'p Plan),
    Shared(Arc<Plan>),
}

impl std::ops::Deref for PlanRef<'_> {
    type Target = Plan;
    fn deref(&self) -> &Plan {
        match self {
            PlanRef::Borrowed(p) => p,
            PlanRef::Shared(p) => p,
        }
    }
}

impl<'p> Executor<'p> {
    /// An executor with `NOW()` from the plan and default limits.
    pub fn new(plan: &'p Plan) -> Executor<'p> {
        Executor::with_options(plan, None, ExecOptions::default())
    }

    /// An executor with `NOW()` overridden (epoch milliseconds) and the given limits.
    pub fn with_options(plan: &'p Plan, now_ms: Option<i64>, options: ExecOptions) -> Executor<'p> {
        let now = now_ms.unwrap_or(plan.now_ms);
        Executor {
            st: State::new(plan, now, options, false),
            plan: PlanRef::Borrowed(plan),
        }
    }

    /// Pushes one event.
    pub fn push(&mut self, ev: &Event<'_>) {
        self.st.push(&self.plan, ev, None);
    }

    /// True once a `LIMIT` with no aggregation or sort before it is full: further events cannot
    /// change the result.
    pub fn is_saturated(&self) -> bool {
        self.st.saturated
    }

    /// Ends the input; runs the stages after each aggregation/sort; returns the result.
    pub fn finish(self) -> Table {
        self.finish_detailed().0
    }

    pub(crate) fn finish_detailed(self) -> (Table, Vec<Origin>) {
        let Executor { plan, st } = self;
        st.finish(&plan)
    }
}

impl Executor<'static> {
    /// An executor over a shared plan that records, for each result row, its contributing
    /// events (for alerts).
    pub(crate) fn tracking(
        plan: Arc<Plan>,
        now_ms: Option<i64>,
        options: ExecOptions,
    ) -> Executor<'static> {
        let now = now_ms.unwrap_or(plan.now_ms);
        Executor {
            st: State::new(&plan, now, options, true),
            plan: PlanRef::Shared(plan),
        }
    }

    /// Pushes one event, remembered as the origin of the rows it produces.
    pub(crate) fn push_shared(&mut self, ev: &SharedEvent) {
        self.st.push(&self.plan, ev, Some(ev.clone()));
    }

    /// Pushes one event whose prefix rows were derived (by a [`Deriver`] of this executor's
    /// plan): the same result, origins and warnings as [`Executor::push_shared`] of the event.
    pub(crate) fn push_derived(&mut self, prefix: &Prefix, d: &Derived) {
        self.st.push_derived(&self.plan, prefix, d);
    }

    /// Folds in `p`, the state of rows that follow those pushed so far, as if they had been
    /// pushed. Only for a `prefix` that [merges](Prefix::merges), between
    /// [`Executor::push_derived`] of whole events. False (and the executor then unusable) when
    /// that cannot be done exactly: a new group beyond the group limit, whose rows the
    /// execution would have refused one by one.
    pub(crate) fn merge(&mut self, prefix: &Prefix, p: &Partial) -> bool {
        let (Some(Stage::Stats(sp)), Some(StageState::Stats(ss))) = (
            self.plan.stages.get(prefix.end),
            self.st.stages.get_mut(prefix.end),
        ) else {
            return false;
        };
        let samples = self.st.options.samples_per_group;
        for g in &p.stats.groups {
            let held = ss.index.get(&g.key).and_then(|gi| ss.groups.get_mut(*gi));
            match held {
                Some(acc) => {
                    acc.rows += g.rows;
                    for ((a, st), later) in sp.aggs.iter().zip(&mut acc.states).zip(&g.states) {
                        if !st.merge(&a.spec, later) {
                            return false;
                        }
                    }
                    for ev in &g.samples {
                        if acc.samples.len() < samples {
                            acc.samples.push(ev.clone());
                        }
                    }
                }
                None => {
                    if ss.groups.len() >= self.st.options.group_limit {
                        return false;
                    }
                    ss.index.insert(g.key.clone(), ss.groups.len());
                    ss.groups.push(g.clone());
                }
            }
        }
        self.st.warnings.absorb(&p.warnings);
        true
    }

    /// Groups held now and rows refused by the group limit.
    pub(crate) fn group_counts(&self) -> (u64, u64) {
        let mut held = 0;
        let mut refused = 0;
        for s in &self.st.stages {
            if let StageState::Stats(ss) = s {
                held += ss.groups.len() as u64;
                refused += ss.refused_rows;
            }
        }
        (held, refused)
    }
}

/// Runs `plan` once over `events` (skipping those that fail its prefilter) and returns the table.
pub fn run_query<'a, 'e: 'a, I>(plan: &Plan, events: I) -> Table
where
    I: IntoIterator<Item = &'a Event<'e>>,
{
    let mut exec = Executor::new(plan);
    for ev in events {
        if exec.is_saturated() {
            break;
        }
        if plan.prefilter.eval(ev) {
            exec.push(ev);
        }
    }
    exec.finish()
}

impl State {
    fn new(plan: &Plan, now: i64, options: ExecOptions, track: bool) -> State {
        let stages = plan
            .stages
            .iter()
            .map(|s| match s {
                Stage::Limit(_) => StageState::Limit(0),
                Stage::TopN { .. } | Stage::Sort { .. } => StageState::Buffer(Vec::new()),
                Stage::Stats(_) => StageState::Stats(StatsState::default()),
                _ => StageState::Stateless,
            })
            .collect();
        State {
            now,
            options,
            track,
            stages,
            rows: Vec::new(),
            origins: Vec::new(),
            warnings: Warnings::default(),
            seq: 0,
            saturated: false,
            max_time: None,
            scratch: Vec::new(),
            capture: None,
        }
    }

    fn push(&mut self, plan: &Plan, ev: &Event<'_>, shared: Option<SharedEvent>) {
        if self.saturated || !plan.reads_events {
            return;
        }
        if let Some(t) = ev.time_millis() {
            self.max_time = Some(self.max_time.map_or(t, |m| m.max(t)));
        }
        // The row buffer is reused from event to event.
        let mut vals = std::mem::take(&mut self.scratch);
        vals.clear();
        vals.resize(plan.ncols, None);
        let mut row = Row { ev: Some(ev), vals };
        let origin = self.track.then(|| Origin {
            events: shared.into_iter().map(EventRef::Parsed).collect(),
            group: Vec::new(),
            count: 1,
        });
        self.run(plan, 0, &mut row, origin);
        self.scratch = row.vals;
    }

    fn push_derived(&mut self, plan: &Plan, prefix: &Prefix, d: &Derived) {
        if self.saturated || !plan.reads_events {
            return;
        }
        if let Some(t) = d.event.time_millis() {
            self.max_time = Some(self.max_time.map_or(t, |m| m.max(t)));
        }
        for r in &d.rows {
            self.warnings.replay(&r.before);
            let mut vals = std::mem::take(&mut self.scratch);
            vals.clear();
            vals.resize(plan.ncols, None);
            for (id, v) in prefix.keep.iter().zip(r.vals.iter()) {
                if let Some(slot) = vals.get_mut(*id) {
                    *slot = Some(v.clone());
                }
            }
            // The rows hold every column the rest of the query reads (`Prefix::keep`), so the
            // parsed event is not needed.
            let mut row = Row { ev: None, vals };
            let origin = self.track.then(|| Origin {
                events: vec![EventRef::Text(d.event.clone())],
                group: Vec::new(),
                count: 1,
            });
            self.run(plan, prefix.end, &mut row, origin);
            self.scratch = row.vals;
            // As an `MV_EXPAND` stops fanning out once a `LIMIT` is full.
            if self.saturated {
                return;
            }
        }
        self.warnings.replay(&d.tail);
    }

    fn run(&mut self, plan: &Plan, start: usize, row: &mut Row<'_>, origin: Option<Origin>) {
        let mut i = start;
        loop {
            if let Some(c) = self.capture.as_mut()
                && c.end == i
            {
                row.load_all(&c.keep, &plan.sources);
                let vals = c
                    .keep
                    .iter()
                    .map(|id| {
                        row.vals
                            .get(*id)
                            .cloned()
                            .flatten()
                            .unwrap_or(EsqlValue::Null)
                    })
                    .collect();
                c.rows.push(DerivedRow {
                    vals,
                    before: self.warnings.take_log(),
                });
                return;
            }
            let Some(stage) = plan.stages.get(i) else {
                break;
            };
            let mut cx = Cx {
                now: self.now,
                sources: &plan.sources,
                warnings: &mut self.warnings,
            };
            match stage {
                Stage::Where(c) => {
                    if c.eval(row, &mut cx).as_bool() != Some(true) {
                        return;
                    }
                }
                Stage::Eval(fields) => {
                    for (id, c) in fields {
                        let v = c.eval(row, &mut cx);
                        row.set(*id, v);
                    }
                }
                Stage::Dissect {
                    input,
                    pattern,
                    outputs,
                } => {
                    let v = input.eval(row, &mut cx);
                    let mut got: Vec<Vec<EsqlValue>> = vec![Vec::new(); outputs.len()];
                    for x in v.values() {
                        if let Some(pairs) = x.as_str().and_then(|s| pattern.execute(s)) {
                            let keys = pattern.output_keys();
                            for (k, val) in pairs {
                                if let Some(pos) = keys.iter().position(|n| *n == k)
                                    && let Some(slot) = got.get_mut(pos)
                                {
                                    slot.push(EsqlValue::str(&val));
                                }
                            }
                        }
                    }
                    for (id, vals) in outputs.iter().zip(got) {
                        row.set(*id, EsqlValue::from_values(vals));
                    }
                }
                Stage::Grok {
                    input,
                    patterns,
                    outputs,
                    site,
                } => {
                    let v = input.eval(row, &mut cx);
                    let mut got: Vec<Vec<EsqlValue>> = vec![Vec::new(); outputs.len()];
                    for x in v.values() {
                        let Some(s) = x.as_str() else { continue };
                        for p in patterns {
                            match p.captures(s) {
                                crate::grok::GrokMatch::NoMatch => continue,
                                crate::grok::GrokMatch::ConversionFailed { field, text } => {
                                    cx.warnings.fail(
                                        *site,
                                        &EvalError::illegal(format!(
                                            "Cannot convert [{text}] of field [{field}]"
                                        )),
                                    );
                                    break;
                                }
                                crate::grok::GrokMatch::Matched(fields) => {
                                    for (name, vals) in fields {
                                        if let Some(pos) =
                                            outputs.iter().position(|(_, n, _)| *n == name)
                                        {
                                            got[pos].extend(vals.into_iter().map(grok_value));
                                        }
                                    }
                                    break;
                                }
                            }
                        }
                    }
                    for ((id, _, _), vals) in outputs.iter().zip(got) {
                        row.set(*id, EsqlValue::from_values(vals));
                    }
                }
                Stage::MvExpand { from, to } => {
                    let v = row.get(*from, &plan.sources);
                    if let EsqlValue::Multi(vs) = v {
                        for x in vs.iter() {
                            let mut copy = Row {
                                ev: row.ev,
                                vals: row.vals.clone(),
                            };
                            copy.set(*to, x.clone());
                            self.run(plan, i + 1, &mut copy, origin.clone());
                            if self.saturated {
                                return;
                            }
                        }
                        return;
                    }
                    row.set(*to, v);
                }
                Stage::Limit(n) => {
                    let no_blocker_before = !plan.stages[..i].iter().any(Stage::is_blocking);
                    if let Some(StageState::Limit(seen)) = self.stages.get_mut(i) {
                        if *seen >= *n {
                            if no_blocker_before {
                                self.saturated = true;
                            }
                            return;
                        }
                        *seen += 1;
                        if *seen >= *n && no_blocker_before {
                            // This row is the last one that can pass.
                            self.saturated = true;
                        }
                    }
                }
                Stage::TopN { keys, n } => {
                    let k = sort_keys(keys, row, &mut cx);
                    row.load_all(&plan.needed[i + 1], &plan.sources);
                    self.seq += 1;
                    let b = Buffered {
                        keys: k,
                        seq: self.seq,
                        vals: row.vals.clone(),
                        origin,
                    };
                    if let Some(StageState::Buffer(buf)) = self.stages.get_mut(i) {
                        buf.push(b);
                        if buf.len() >= n.saturating_mul(2).max(64) {
                            sort_buffer(buf, keys);
                            buf.truncate(*n);
                        }
                    }
                    return;
                }
                Stage::Sort { keys } => {
                    let k = sort_keys(keys, row, &mut cx);
                    row.load_all(&plan.needed[i + 1], &plan.sources);
                    self.seq += 1;
                    let b = Buffered {
                        keys: k,
                        seq: self.seq,
                        vals: row.vals.clone(),
                        origin,
                    };
                    if let Some(StageState::Buffer(buf)) = self.stages.get_mut(i) {
                        buf.push(b);
                    }
                    return;
                }
                Stage::Stats(sp) => {
                    self.aggregate(plan, i, sp, row, origin);
                    return;
                }
            }
            i += 1;
        }
        // Output sink.
        let ids: Vec<usize> = plan.output.iter().map(|(_, _, id)| *id).collect();
        row.load_all(&ids, &plan.sources);
        let values: Vec<EsqlValue> = ids
            .iter()
            .map(|id| {
                row.vals
                    .get(*id)
                    .cloned()
                    .flatten()
                    .unwrap_or(EsqlValue::Null)
            })
            .collect();
        self.rows.push(values);
        self.origins.push(origin.unwrap_or_default());
    }

    fn aggregate(
        &mut self,
        plan: &Plan,
        i: usize,
        sp: &StatsPlan,
        row: &mut Row<'_>,
        origin: Option<Origin>,
    ) {
        let mut cx = Cx {
            now: self.now,
            sources: &plan.sources,
            warnings: &mut self.warnings,
        };
        // Group keys: a multi-valued key puts the row in one group per value.
        let keys: Vec<EsqlValue> = sp
            .groups
            .iter()
            .map(|(_, _, e)| e.eval(row, &mut cx))
            .collect();
        let product = keys
            .iter()
            .map(|k| k.values().len().max(1))
            .fold(1usize, usize::saturating_mul);
        if product > MAX_KEY_COMBINATIONS {
            self.warnings.note(format!(
                "a row whose multi-valued STATS keys make more than {MAX_KEY_COMBINATIONS} groups was skipped"
            ));
            return;
        }
        let mut combos: Vec<Vec<EsqlValue>> = vec![Vec::with_capacity(keys.len())];
        for k in &keys {
            let vals: Vec<EsqlValue> = if k.is_null() {
                vec![EsqlValue::Null]
            } else {
                k.values().to_vec()
            };
            if vals.len() == 1 {
                for c in &mut combos {
                    c.push(vals[0].clone());
                }
            } else {
                let mut next = Vec::with_capacity(combos.len() * vals.len());
                for c in &combos {
                    for v in &vals {
                        let mut c2 = c.clone();
                        c2.push(v.clone());
                        next.push(c2);
                    }
                }
                combos = next;
            }
        }
        // Aggregate inputs, evaluated once per row.
        let inputs: Vec<Option<Vec<EsqlValue>>> = sp
            .aggs
            .iter()
            .map(|a| {
                let pass = a
                    .filter
                    .as_ref()
                    .is_none_or(|f| f.eval(row, &mut cx).as_bool() == Some(true));
                pass.then(|| a.args.iter().map(|e| e.eval(row, &mut cx)).collect())
            })
            .collect();
        let limit = self.options.group_limit;
        let samples = self.options.samples_per_group;
        let Some(StageState::Stats(ss)) = self.stages.get_mut(i) else {
            return;
        };
        for key in combos {
            let gi = match ss.index.get(&key) {
                Some(gi) => *gi,
                None => {
                    if ss.groups.len() >= limit {
                        ss.refused_rows += 1;
                        continue;
                    }
                    let states = sp.aggs.iter().map(|a| AggState::new(&a.spec)).collect();
                    ss.groups.push(Group {
                        key: key.clone(),
                        states,
                        samples: Vec::new(),
                        rows: 0,
                    });
                    ss.index.insert(key, ss.groups.len() - 1);
                    ss.groups.len() - 1
                }
            };
            let g = &mut ss.groups[gi];
            g.rows += origin.as_ref().map_or(1, |o| o.count);
            for ((a, st), input) in sp.aggs.iter().zip(g.states.iter_mut()).zip(&inputs) {
                if let Some(args) = input {
                    st.add(&a.spec, args);
                }
            }
            if let Some(o) = &origin {
                for ev in &o.events {
                    if g.samples.len() < samples {
                        g.samples.push(ev.clone());
                    }
                }
            }
        }
    }

    fn finish(mut self, plan: &Plan) -> (Table, Vec<Origin>) {
        if !plan.reads_events {
            let mut row = Row {
                ev: None,
                vals: vec![None; plan.ncols],
            };
            let origin = self.track.then(Origin::default);
            self.run(plan, 0, &mut row, origin);
        }
        for i in 0..plan.stages.len() {
            let Some(state) = self.stages.get_mut(i) else {
                continue;
            };
            match (
                &plan.stages[i],
                std::mem::replace(state, StageState::Stateless),
            ) {
                (Stage::TopN { keys, n }, StageState::Buffer(mut buf)) => {
                    sort_buffer(&mut buf, keys);
                    buf.truncate(*n);
                    for b in buf {
                        self.run(
                            plan,
                            i + 1,
                            &mut Row {
                                ev: None,
                                vals: b.vals,
                            },
                            b.origin,
                        );
                    }
                }
                (Stage::Sort { keys }, StageState::Buffer(mut buf)) => {
                    sort_buffer(&mut buf, keys);
                    for b in buf {
                        self.run(
                            plan,
                            i + 1,
                            &mut Row {
                                ev: None,
                                vals: b.vals,
                            },
                            b.origin,
                        );
                    }
                }
                (Stage::Stats(sp), StageState::Stats(mut ss)) => {
                    if ss.refused_rows > 0 {
                        self.warnings.note(format!(
                            "STATS group limit of {} groups reached: {} input rows of further groups were refused; the result is incomplete",
                            self.options.group_limit, ss.refused_rows
                        ));
                    }
                    if sp.groups.is_empty() && ss.groups.is_empty() {
                        // STATS without BY always yields one row.
                        let states = sp.aggs.iter().map(|a| AggState::new(&a.spec)).collect();
                        ss.groups.push(Group {
                            key: Vec::new(),
                            states,
                            samples: Vec::new(),
                            rows: 0,
                        });
                    }
                    for g in ss.groups {
                        let (mut row, origin) = self.group_row(plan, sp, g);
                        self.run(plan, i + 1, &mut row, origin);
                    }
                }
                (_, other) => *state_slot(&mut self.stages, i) = other,
            }
        }
        let mut warnings = plan.warnings.clone();
        warnings.extend(self.warnings.render(&plan.sites));
        let table = Table {
            columns: plan.columns(),
            rows: self.rows,
            warnings,
        };
        (table, self.origins)
    }

    fn group_row(
        &mut self,
        plan: &Plan,
        sp: &StatsPlan,
        g: Group,
    ) -> (Row<'static>, Option<Origin>) {
        let mut row = Row {
            ev: None,
            vals: vec![None; plan.ncols],
        };
        let mut group_json = Vec::new();
        for ((id, name, _), v) in sp.groups.iter().zip(&g.key) {
            group_json.push((name.clone(), v.to_json()));
            row.set(*id, v.clone());
        }
        for (a, st) in sp.aggs.iter().zip(g.states) {
            let v = match st.finish(&a.spec) {
                Ok(v) => v,
                Err(e) => {
                    self.warnings.fail(a.site, &e);
                    EsqlValue::Null
                }
            };
            row.set(a.slot, v);
        }
        let mut cx = Cx {
            now: self.now,
            sources: &plan.sources,
            warnings: &mut self.warnings,
        };
        for (id, e) in &sp.outputs {
            let v = e.eval(&mut row, &mut cx);
            row.set(*id, v);
        }
        let origin = self.track.then(|| Origin {
            events: g.samples,
            group: group_json,
            count: g.rows,
        });
        (row, origin)
    }
}

fn state_slot(stages: &mut [StageState], i: usize) -> &mut StageState {
    &mut stages[i]
}

fn grok_value(v: crate::grok::GrokValue) -> EsqlValue {
    use crate::grok::GrokValue as G;
    match v {
        G::String(s) => EsqlValue::str(&s),
        G::Integer(i) => EsqlValue::Int(i),
        G::Long(l) => EsqlValue::Long(l),
        G::Float(f) => EsqlValue::Double(f64::from(f)),
        G::Double(d) => EsqlValue::Double(d),
        G::Boolean(b) => EsqlValue::Bool(b),
    }
}

/// Sort key values: a multi-value sorts by its lowest value ascending, its highest descending.
fn sort_keys(keys: &[SortSpec], row: &mut Row<'_>, cx: &mut Cx<'_>) -> Vec<EsqlValue> {
    keys.iter()
        .map(|k| {
            let v = k.expr.eval(row, cx);
            match v {
                EsqlValue::Multi(vs) => {
                    let pick = if k.desc {
                        vs.iter().max_by(|a, b| a.total_cmp(b))
                    } else {
                        vs.iter().min_by(|a, b| a.total_cmp(b))
                    };
                    pick.cloned().unwrap_or(EsqlValue::Null)
                }
                other => other,
            }
        })
        .collect()
}

fn compare_keys(a: &Buffered, b: &Buffered, specs: &[SortSpec]) -> Ordering {
    for (i, s) in specs.iter().enumerate() {
        let (x, y) = (a.keys.get(i), b.keys.get(i));
        let o = match (
            x.is_none_or(EsqlValue::is_null),
            y.is_none_or(EsqlValue::is_null),
        ) {
            (true, true) => Ordering::Equal,
            (true, false) => {
                if s.nulls_first {
                    Ordering::Less
                } else {
                    Ordering::Greater
                }
            }
            (false, true) => {
                if s.nulls_first {
                    Ordering::Greater
                } else {
                    Ordering::Less
                }
            }
            (false, false) => {
                let o = match (x, y) {
                    (Some(x), Some(y)) => x.total_cmp(y),
                    _ => Ordering::Equal,
                };
                if s.desc { o.reverse() } else { o }
            }
        };
        if o != Ordering::Equal {
            return o;
        }
    }
    a.seq.cmp(&b.seq)
}

fn sort_buffer(buf: &mut [Buffered], specs: &[SortSpec]) {
    buf.sort_by(|a, b| compare_keys(a, b, specs));
}

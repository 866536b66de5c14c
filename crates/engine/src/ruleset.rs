//! Compiled rules and the per-event matching that runs on worker threads.
//!
//! A [`Rule`] is metadata, the field vocabulary it reads, a list of event *filters* (one for a
//! plain query rule; one per step for an EQL sequence; one per query for a Datadog rule) and its
//! [`Logic`]: either one alert per event that passes filter 0, or a stateful [`Operator`] fed with
//! the events that pass any of its filters. A [`RuleSet`] flattens every filter of every rule
//! into one list behind one dispatch index, so an event is tested only against the filters its
//! `eventName`/`eventSource` can satisfy, whatever language they came from.

use crate::alert::{Detection, SharedEvent};
use crate::dispatch::{Dispatch, Scratch};
use crate::exception::Exception;
use crate::ir::Pred;
use crate::rule::RuleMeta;
use std::fmt;
use std::sync::Arc;
use trailhound_event::{Event, View};

/// A stateful detection: fed, in event-time order, the events that passed the rule's filters.
pub trait Operator: Send {
    /// An event that passed filter `slot`. Detections go to `out`.
    fn on_event(&mut self, slot: usize, ev: &SharedEvent, out: &mut Vec<Detection>);
    /// Event time has advanced to `watermark_ms` (no earlier event is expected): close windows.
    fn on_watermark(&mut self, _watermark_ms: i64, _out: &mut Vec<Detection>) {}
    /// The input has ended.
    fn finish(&mut self, _out: &mut Vec<Detection>) {}
    /// The earliest event time of the whole input so far (not only of matching events), for
    /// operators that must know how much history the data holds.
    fn observe_data_start(&mut self, _start_ms: i64) {}
    /// State size and evictions, for the end-of-run report.
    fn stats(&self) -> OperatorStats {
        OperatorStats::default()
    }
    /// The operator's state as JSON (events as their raw text), so that a continuous run can
    /// checkpoint it and a key partition can move to another worker.
    fn checkpoint(&self) -> Result<serde_json::Value, String> {
        Err("this operator cannot checkpoint its state".into())
    }
    /// Replaces the state with a checkpoint taken from an operator of the same rule.
    fn restore(&mut self, _state: serde_json::Value) -> Result<(), String> {
        Err("this operator cannot restore a checkpoint".into())
    }
}

/// Creates the operator state of a rule for one run.
pub trait OperatorFactory: Send + Sync + fmt::Debug {
    /// Fresh state.
    fn create(&self) -> Box<dyn Operator>;
    /// True when the operator needs events in time order (all windowed ones do).
    fn needs_order(&self) -> bool {
        true
    }
    /// How long after the event time of a detection the operator may report it, at most, in
    /// event time (a signal held open while it recurs). Rules fed with this rule's alerts wait
    /// that long before they consider their inputs complete.
    fn emission_delay_ms(&self) -> i64 {
        0
    }
}

/// State accounting of an operator.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct OperatorStats {
    /// Keys held now.
    pub keys: u64,
    /// Most keys held at once.
    pub peak_keys: u64,
    /// Keys evicted because a bound was reached.
    pub evictions: u64,
}

/// Renders an alert's message from its detection (Datadog's notification templates).
pub trait MessageTemplate: Send + Sync + fmt::Debug {
    /// The message for a detection of the rule.
    fn render(&self, rule: &RuleMeta, detection: &Detection) -> String;
}

/// What a rule does with the events its filters pass.
#[derive(Clone, Debug)]
pub enum Logic {
    /// One alert per event passing filter 0.
    PerEvent,
    /// A stateful operator.
    Operator(Arc<dyn OperatorFactory>),
    /// A stateful operator fed with the alerts of other rules as well as events: slots
    /// `0..filters.len()` are the rule's event filters, slot `filters.len() + i` the alerts of
    /// the rules with id `upstream[i]` (in the same rule source). Datadog signal correlation and
    /// Sigma correlations over correlations. Each alert arrives as its last event, with
    /// `eventTime` set to the alert's time and a `trailhound.signal` object holding the rule,
    /// the alert id and the group values (`trailhound.signal.group.0`, `.1`, ...).
    Chained {
        /// Ids of the rules whose alerts feed the operator.
        upstream: Vec<String>,
        /// The operator.
        factory: Arc<dyn OperatorFactory>,
    },
}

impl Logic {
    /// The operator factory, for stateful logic.
    pub fn factory(&self) -> Option<&Arc<dyn OperatorFactory>> {
        match self {
            Logic::PerEvent => None,
            Logic::Operator(f) | Logic::Chained { factory: f, .. } => Some(f),
        }
    }
}

/// A compiled rule.
#[derive(Clone, Debug)]
pub struct Rule {
    /// Metadata.
    pub meta: Arc<RuleMeta>,
    /// The vocabulary its fields (group-by, investigation fields) are named in.
    pub view: View,
    /// Event filters.
    pub filters: Vec<Pred>,
    /// What to do with matching events.
    pub logic: Logic,
    /// How to render the alert message, when the rule has a template.
    pub message: Option<Arc<dyn MessageTemplate>>,
}

impl Rule {
    /// True when a filter tests a field only a GeoIP database supplies: without `--geoip` such
    /// a test never sees a value.
    pub fn reads_geoip(&self) -> bool {
        self.filters
            .iter()
            .any(|p| p.fields().iter().any(trailhound_event::Field::needs_geoip))
    }
}

/// Which filter of which rule an event passed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Slot {
    /// Rule index in the set.
    pub rule: u32,
    /// Filter index in the rule.
    pub filter: u32,
}

/// All rules of a run, with the dispatch index over their filters.
#[derive(Debug)]
pub struct RuleSet {
    rules: Vec<Rule>,
    slots: Vec<Slot>,
    dispatch: Dispatch,
    exceptions: Vec<Exception>,
    /// Per rule, the exceptions that apply to it.
    rule_exceptions: Vec<Vec<u32>>,
    chains: Chains,
}

/// How alerts flow between rules ([`Logic::Chained`]).
#[derive(Debug, Default)]
struct Chains {
    /// Per rule, the (rule, slot) pairs its alerts feed.
    downstream: Vec<Vec<Slot>>,
    /// Per rule, true when alerts of other rules feed it.
    fed: Vec<bool>,
    /// Per rule, how far behind the event-time watermark its alert inputs are complete.
    lag_ms: Vec<i64>,
    /// Rules in an order where every rule comes after the rules that feed it.
    order: Vec<u32>,
    /// `(rule, upstream id)` references that name no loaded rule, or close a cycle.
    unresolved: Vec<(u32, String)>,
}

impl Chains {
    fn build(rules: &[Rule]) -> Chains {
        let n = rules.len();
        let mut c = Chains {
            downstream: vec![Vec::new(); n],
            fed: vec![false; n],
            lag_ms: vec![0; n],
            order: Vec::with_capacity(n),
            unresolved: Vec::new(),
        };
        // Feeding edges, upstream -> (downstream, slot).
        let mut feeds: Vec<(usize, Slot)> = Vec::new();
        for (r, rule) in rules.iter().enumerate() {
            let Logic::Chained { upstream, .. } = &rule.logic else {
                continue;
            };
            c.fed[r] = true;
            for (i, id) in upstream.iter().enumerate() {
                let from: Vec<usize> = (0..n)
                    .filter(|&u| {
                        u != r
                            && rules[u].meta.id == *id
                            && rules[u].meta.source == rule.meta.source
                    })
                    .collect();
                if from.is_empty() {
                    c.unresolved.push((r as u32, id.clone()));
                }
                let slot = Slot {
                    rule: r as u32,
                    filter: (rule.filters.len() + i) as u32,
                };
                feeds.extend(from.into_iter().map(|u| (u, slot)));
            }
        }
        // Kahn's algorithm; rules left over are on a cycle and lose their incoming edges.
        let mut indegree = vec![0usize; n];
        for (_, s) in &feeds {
            indegree[s.rule as usize] += 1;
        }
        let mut ready: Vec<usize> = (0..n).rev().filter(|&r| indegree[r] == 0).collect();
        let mut placed = vec![false; n];
        while let Some(u) = ready.pop() {
            placed[u] = true;
            c.order.push(u as u32);
            for (from, s) in &feeds {
                if *from == u {
                    let d = s.rule as usize;
                    indegree[d] -= 1;
                    if indegree[d] == 0 {
                        ready.push(d);
                    }
                }
            }
        }
        for (r, &done) in placed.iter().enumerate() {
            if !done {
                c.order.push(r as u32);
                c.unresolved
                    .push((r as u32, "(a cycle of chained rules)".to_owned()));
            }
        }
        let delay = |u: usize| {
            rules[u]
                .logic
                .factory()
                .map_or(0, |f| f.emission_delay_ms())
        };
        for &u in &c.order {
            let u = u as usize;
            if !placed[u] {
                continue;
            }
            for (from, s) in &feeds {
                if *from == u && placed[s.rule as usize] {
                    let d = s.rule as usize;
                    let lag = c.lag_ms[u].saturating_add(delay(u));
                    c.lag_ms[d] = c.lag_ms[d].max(lag);
                    c.downstream[u].push(*s);
                }
            }
        }
        c
    }
}

/// What is known of the input before it is read ([`RuleSet::for_input`]).
#[derive(Clone, Copy, Debug)]
pub struct InputFacts {
    /// Events may carry GeoIP/ASN data (`--geoip` was given). Without it, tests on GeoIP
    /// fields are decided as on a field that is never present.
    pub geoip: bool,
}

impl Default for InputFacts {
    /// Nothing assumed.
    fn default() -> Self {
        InputFacts { geoip: true }
    }
}

/// An event that passed at least one filter, on its way from a worker to the runtime.
#[derive(Debug)]
pub struct Hit {
    /// The event, owning its text.
    pub event: Event<'static>,
    /// The filters it passed, ascending.
    pub slots: Vec<Slot>,
    /// Filters it passed that an exception (by index) keeps it out of.
    pub excepted: Vec<(Slot, u32)>,
}

impl RuleSet {
    /// Indexes the rules' filters.
    pub fn new(rules: Vec<Rule>) -> RuleSet {
        RuleSet::with_exceptions(rules, Vec::new())
    }

    /// Indexes the rules' filters, with exceptions that keep events out of the rules in their
    /// scope.
    pub fn with_exceptions(rules: Vec<Rule>, exceptions: Vec<Exception>) -> RuleSet {
        RuleSet::for_input(rules, exceptions, InputFacts::default())
    }

    /// Like [`RuleSet::with_exceptions`], deciding beforehand the tests `facts` settle: tests on
    /// fields with the same values in every event (see [`Field::is_invariant`]) become
    /// constants, so dead branches cost nothing and the rest of a filter can be indexed.
    ///
    /// [`Field::is_invariant`]: trailhound_event::Field::is_invariant
    pub fn for_input(
        mut rules: Vec<Rule>,
        mut exceptions: Vec<Exception>,
        facts: InputFacts,
    ) -> RuleSet {
        let invariant = |f: &trailhound_event::Field| f.is_invariant(facts.geoip);
        for rule in &mut rules {
            for filter in &mut rule.filters {
                *filter = std::mem::replace(filter, Pred::Const(false)).fold_invariant(&invariant);
            }
        }
        for e in &mut exceptions {
            e.pred = std::mem::replace(&mut e.pred, Pred::Const(false)).fold_invariant(&invariant);
        }
        let rule_exceptions = rules
            .iter()
            .map(|r| {
                (0..exceptions.len() as u32)
                    .filter(|&e| exceptions[e as usize].scope.applies(&r.meta))
                    .collect()
            })
            .collect();
        let mut slots = Vec::new();
        let mut preds: Vec<&Pred> = Vec::new();
        for (r, rule) in rules.iter().enumerate() {
            for (f, pred) in rule.filters.iter().enumerate() {
                slots.push(Slot {
                    rule: r as u32,
                    filter: f as u32,
                });
                preds.push(pred);
            }
        }
        let dispatch = Dispatch::build(preds);
        let chains = Chains::build(&rules);
        RuleSet {
            rules,
            slots,
            dispatch,
            exceptions,
            rule_exceptions,
            chains,
        }
    }

    /// The (rule, slot) pairs that rule `r`'s alerts feed.
    pub fn downstream(&self, r: usize) -> &[Slot] {
        self.chains.downstream.get(r).map_or(&[], Vec::as_slice)
    }

    /// Whether alerts of other rules feed rule `r`.
    pub fn is_chained(&self, r: usize) -> bool {
        self.chains.fed.get(r).copied().unwrap_or(false)
    }

    /// How far behind the event-time watermark rule `r`'s alert inputs are complete.
    pub fn chain_lag_ms(&self, r: usize) -> i64 {
        self.chains.lag_ms.get(r).copied().unwrap_or(0)
    }

    /// Rule indexes in an order where each rule comes after the rules whose alerts feed it.
    pub fn chain_order(&self) -> &[u32] {
        &self.chains.order
    }

    /// Chained references that could not be wired: `(rule index, upstream id)`; a rule on a
    /// cycle of chained rules is listed with `(a cycle of chained rules)` and gets no alerts.
    pub fn unresolved_chains(&self) -> &[(u32, String)] {
        &self.chains.unresolved
    }

    /// The exceptions.
    pub fn exceptions(&self) -> &[Exception] {
        &self.exceptions
    }

    /// How many rules exception `e` applies to.
    pub fn exception_reach(&self, e: usize) -> usize {
        self.rule_exceptions
            .iter()
            .filter(|es| es.contains(&(e as u32)))
            .count()
    }

    /// The rules.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// Total number of filters.
    pub fn filter_count(&self) -> usize {
        self.slots.len()
    }

    /// Filters checked for every event (not indexed by event name or source, nor gated by a
    /// literal of the record text).
    pub fn unindexed_filters(&self) -> usize {
        self.dispatch.unindexed()
    }

    /// Filters checked only for records whose text holds one of their literals.
    pub fn literal_gated_filters(&self) -> usize {
        self.dispatch.literal_gated()
    }

    /// The filters `ev` passes, into `out` (cleared first); filters it passes but an exception
    /// keeps it out of go to `scratch.excepted` (cleared first). Returns how many filters were
    /// evaluated (the dispatch candidates), for the rules-per-record statistic.
    pub fn matches(&self, ev: &Event<'_>, scratch: &mut Scratch, out: &mut Vec<Slot>) -> usize {
        out.clear();
        scratch.excepted.clear();
        self.dispatch.candidates(ev, scratch);
        for &i in &scratch.out {
            let slot = self.slots[i as usize];
            let rule = slot.rule as usize;
            if !self.rules[rule].filters[slot.filter as usize].eval(ev) {
                continue;
            }
            let excepted = self.rule_exceptions[rule]
                .iter()
                .find(|&&e| self.exceptions[e as usize].pred.eval(ev));
            match excepted {
                Some(&e) => scratch.excepted.push((slot, e)),
                None => out.push(slot),
            }
        }
        scratch.out.len()
    }

    /// The hit for `ev` after [`RuleSet::matches`] filled `slots` and `scratch`: `None` when it
    /// passed no filter.
    pub fn hit(ev: Event<'_>, scratch: &Scratch, slots: &[Slot]) -> Option<Hit> {
        if slots.is_empty() && scratch.excepted.is_empty() {
            return None;
        }
        Some(Hit {
            event: ev.into_owned(),
            slots: slots.to_vec(),
            excepted: scratch.excepted.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::Test;

    #[test]
    fn matches_report_rule_and_filter() {
        let rule = |id: &str, filters: Vec<Pred>| Rule {
            meta: Arc::new(RuleMeta {
                id: id.into(),
                ..RuleMeta::default()
            }),
            view: View::ECS,
            filters,
            logic: Logic::PerEvent,
            message: None,
        };
        let action = |a: &str| Pred::Test(View::ECS.resolve("event.action").field, Test::eq(a));
        let set = RuleSet::new(vec![
            rule("a", vec![action("CreateUser")]),
            rule("b", vec![action("DeleteUser"), action("CreateUser")]),
            rule("c", vec![Pred::Const(true)]),
        ]);
        assert_eq!(set.filter_count(), 4);
        assert_eq!(set.unindexed_filters(), 1);
        let ev = Event::parse(r#"{"eventName":"CreateUser"}"#).expect("valid");
        let mut scratch = Scratch::default();
        let mut out = Vec::new();
        let evaluated = set.matches(&ev, &mut scratch, &mut out);
        assert_eq!(evaluated, 3);
        assert_eq!(
            out,
            [
                Slot { rule: 0, filter: 0 },
                Slot { rule: 1, filter: 1 },
                Slot { rule: 2, filter: 0 }
            ]
        );
    }
}

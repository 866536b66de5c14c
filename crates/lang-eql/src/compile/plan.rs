//! The compiled form of a query: the contract between this crate and the engine.
//!
//! An event query is a single predicate. Sequences and samples are plain data for the stateful
//! engine: one predicate per step, with the category filter and the mandatory-join-key filter
//! already folded in, the join keys of each step, and the sequence options. Nothing here
//! depends on time or on other events; all of that is the engine's job, following the crate's
//! [Semantics](crate#semantics) (sections *Sequences*, *Samples*, *Pipes*).

use std::sync::Arc;

use trailhound_engine::Pred;
use trailhound_event::{Event, Field, View};

use super::fields::FieldRef;

/// Options of [`compile`](crate::compile).
#[derive(Clone, Debug)]
pub struct CompileOptions {
    /// The vocabulary the query's field names are resolved in (Elastic rules: [`View::ECS`]).
    pub view: View,
    /// The event category field (`event_category_field` of the EQL search API; detection
    /// rules set it with `event_category_override`). `None`: `event.category`.
    pub category_field: Option<String>,
}

impl Default for CompileOptions {
    /// The ECS view and `event.category`.
    fn default() -> CompileOptions {
        CompileOptions {
            view: View::ECS,
            category_field: None,
        }
    }
}

/// A compiled query and what the compiler noticed on the way.
#[derive(Clone, Debug)]
pub struct Compiled {
    /// What to run.
    pub plan: Plan,
    /// Warnings (`eql::unknown_field`: a field the view does not know; it is never present,
    /// or `null` for an optional `?field`).
    pub warnings: Vec<Diagnostic>,
}

use trailhound_syntax::Diagnostic;

/// What a query asks the engine to do.
#[derive(Clone, Debug)]
pub enum Plan {
    /// `<category> where <condition> | pipes`: every event for which `filter` holds is a
    /// result, in event order; then the `pipes` apply to the list of results, in order.
    Event {
        /// Category filter and condition.
        filter: Pred,
        /// `| head N`, `| tail N`, in the order written.
        pipes: Vec<Limit>,
    },
    /// `sequence ...`.
    Sequence(SequencePlan),
    /// `sample ...`.
    Sample(SamplePlan),
}

/// A result-limiting pipe. Applied in the order written to the ordered list of results (events
/// by time; sequences by the time of their first event): `| tail 5 | head 2` is the two
/// earliest of the five latest. Elasticsearch rejects every other pipe, and so does
/// [`compile`](crate::compile).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Limit {
    /// `| head N`: the first (earliest) N results.
    Head(u64),
    /// `| tail N`: the last (latest) N results.
    Tail(u64),
}

/// A `sequence` query.
///
/// The engine matches `steps` in order, each event strictly after the previous step's event,
/// all with equal join-key tuples (position by position: `keys[i]` of every step are compared,
/// whatever their field names), within `maxspan_ms` of the first event (inclusive), and drops a
/// pending sequence when an `until` event with the same keys comes between its last event and
/// the next candidate. Steps with `missing: true` are missing-event steps (`![...]`). The full
/// state-machine rules are in the crate's [Semantics](crate#semantics), section *Sequences*.
#[derive(Clone, Debug)]
pub struct SequencePlan {
    /// The steps, `with runs=N` already expanded into N identical consecutive steps.
    pub steps: Vec<SequenceStepPlan>,
    /// The `until [...]` step: its filter and keys (same number of keys as every step).
    pub until: Option<StepPlan>,
    /// `with maxspan=...` in milliseconds.
    pub maxspan_ms: Option<u64>,
    /// `| head N` / `| tail N` over whole sequences.
    pub pipes: Vec<Limit>,
}

/// One step of a sequence.
#[derive(Clone, Debug)]
pub struct SequenceStepPlan {
    /// The events that may fill the step: category filter, condition, and — for every join key
    /// that is not optional — "the key field exists" (Elasticsearch's
    /// `AddMandatoryJoinKeyFilter`: an event with a missing or `null` non-optional key never
    /// takes part in a sequence).
    pub filter: Pred,
    /// The join keys: the sequence's `by` fields followed by the step's own `by` fields.
    pub keys: Vec<JoinKey>,
    /// `![...]`: the sequence matches only if no such event occurs (see *Sequences*).
    pub missing: bool,
}

/// A step of a sample, or the `until` step of a sequence.
#[derive(Clone, Debug)]
pub struct StepPlan {
    /// The events of the step: category filter and condition; for sample steps also the
    /// mandatory-join-key filter (as for [`SequenceStepPlan::filter`]). The `until` step has
    /// no key filter (Elasticsearch adds it to the sequence's queries only).
    pub filter: Pred,
    /// The join keys (sample or sequence keys followed by the step's own).
    pub keys: Vec<JoinKey>,
}

/// A `sample` query: for each join-key tuple, one event per step with those key values, in any
/// time order. `max_samples_per_key` and `size` are request parameters, not part of the query.
#[derive(Clone, Debug)]
pub struct SamplePlan {
    /// The steps.
    pub steps: Vec<StepPlan>,
}

/// One join key of a step.
#[derive(Clone, Debug)]
pub struct JoinKey {
    /// The field name as written (backticks removed, without `?`).
    pub name: String,
    /// How to read it ([`Field::Missing`] when the view does not know the name).
    pub field: Field,
    /// Written `?name`: an event whose key is missing or `null` still takes part and joins on
    /// `null`. Keys without `?` are guaranteed present by the step filter.
    pub optional: bool,
    reader: Arc<FieldRef>,
}

impl JoinKey {
    /// The key `name` (optional when written `?name`) in `view`.
    pub fn resolve(view: View, name: &str, optional: bool) -> JoinKey {
        JoinKey::from_ref(Arc::new(FieldRef::resolve(view, name)), optional)
    }

    pub(crate) fn from_ref(reader: Arc<FieldRef>, optional: bool) -> JoinKey {
        JoinKey {
            name: reader.name.clone(),
            field: reader.field.clone(),
            optional,
            reader,
        }
    }

    pub(crate) fn reader(&self) -> &Arc<FieldRef> {
        &self.reader
    }

    /// The values the event joins with on this key, distinct, as canonical text: keyword text,
    /// numbers (`1` and `1.0` are both `1`), `true`/`false`, dates as epoch milliseconds, IP
    /// addresses in their canonical form. Values Elasticsearch does not index (a keyword longer
    /// than `ignore_above`) are left out. A missing or `null` key is `[None]`.
    ///
    /// A multi-valued key makes the event take part once per value; with several keys, once
    /// per combination (the cartesian product of the keys' values, elastic/elasticsearch#89965).
    pub fn values(&self, ev: &Event<'_>) -> Vec<Option<String>> {
        self.reader.key_values(ev)
    }
}

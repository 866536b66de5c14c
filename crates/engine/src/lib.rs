//! The detection engine: one predicate IR for every rule language, its evaluator, the dispatch
//! index that keeps per-event work small, and the stateful operators.
//!
//! Languages compile to [`ir::Pred`] (see its module docs for the semantics contract);
//! [`dispatch::Dispatch`] picks the candidate predicates for an event from its `eventName` and
//! `eventSource`; [`pattern`] holds the text matchers all languages share.
#![deny(missing_docs)]

pub mod alert;
pub mod dispatch;
pub mod exception;
pub mod ir;
pub mod lucene;
pub mod operators;
pub mod pattern;
pub mod rule;
pub mod ruleset;
pub mod runtime;
pub mod state;

pub use alert::{Alert, Detection, SharedEvent};
pub use dispatch::{Dispatch, Scratch};
pub use exception::{Exception, ExceptionCount, ExceptionScope};
pub use ir::{CmpOp, EventPredicate, Pred, Test, TextMode, TextOp};
pub use pattern::{Cidr, Glob, GlobPart, fold};
pub use rule::{
    AttackRef, Compliance, RuleMeta, RuleSource, Schedule, Severity, Suppression, Technique, Threat,
};
pub use ruleset::{
    Hit, InputFacts, Logic, MessageTemplate, Operator, OperatorFactory, OperatorStats, Rule,
    RuleSet, Slot,
};
pub use runtime::{Runtime, RuntimeOptions, RuntimeStats, run_in_order};

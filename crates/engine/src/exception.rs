//! Exceptions: conditions that keep events out of the rules they apply to, like Elastic's
//! exception lists (`must_not` clauses added to a rule's query) and Datadog's suppression queries
//! (logs matching them are excluded from the rule's evaluation).
//!
//! An exception acts on *events*, before a rule's logic: an event it matches does not reach
//! the rules in its scope, so a threshold rule does not count it and a sequence cannot use it as a
//! step. For a per-event rule that event would have been an alert; the runtime builds that alert
//! anyway and hands it out marked with the exception's name ([`Alert::exception`]), so nothing is
//! lost: callers list such alerts apart and count them per exception.
//!
//! [`Alert::exception`]: crate::Alert::exception

use crate::ir::Pred;
use crate::rule::{RuleMeta, RuleSource};

/// Which rules an exception applies to. Each non-empty list must match (a rule id or name in
/// `rules`, one of the rule's tags in `tags`, the rule's source in `sources`); with every list
/// empty it applies to all rules.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ExceptionScope {
    /// Rule ids or exact names.
    pub rules: Vec<String>,
    /// Rule tags (exact, case-sensitive as Elastic's and Datadog's tags are).
    pub tags: Vec<String>,
    /// Rule sources.
    pub sources: Vec<RuleSource>,
}

impl ExceptionScope {
    /// Whether a rule is in scope.
    pub fn applies(&self, meta: &RuleMeta) -> bool {
        (self.rules.is_empty() || self.rules.iter().any(|r| *r == meta.id || *r == meta.name))
            && (self.tags.is_empty() || self.tags.iter().any(|t| meta.tags.contains(t)))
            && (self.sources.is_empty() || meta.source.is_some_and(|s| self.sources.contains(&s)))
    }
}

/// A compiled exception.
#[derive(Clone, Debug)]
pub struct Exception {
    /// Its name, as reported.
    pub name: String,
    /// The events it keeps out.
    pub pred: Pred,
    /// The rules it applies to.
    pub scope: ExceptionScope,
}

/// What an exception did in a run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ExceptionCount {
    /// Alerts of per-event rules it suppressed.
    pub alerts: u64,
    /// Events it kept out of stateful rules (threshold, sequence, new terms, …).
    pub events: u64,
}

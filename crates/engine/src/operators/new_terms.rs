//! Elastic `new_terms` rules.
//!
//! A matching event alerts when its combination of values of the new-terms fields (1 to 3;
//! every combination for multi-valued fields) was not seen in matching events during the
//! history window before it (`history_window_start`, e.g. `now-10d`). In a hunt over past logs
//! the history comes from the same logs, in time order: a combination is new when it was never
//! seen, or last seen longer ago than the history window. Events in the first history window of
//! the data (before enough history exists to judge) only teach; they never alert. History can
//! also be preloaded from other logs (the runtime's training mode).
//!
//! State is one entry per combination, bounded; evicting a combination makes it new again when
//! it reappears, which is counted in the operator's evictions.

use super::{combinations, key_of};
use crate::alert::{Detection, SharedEvent};
use crate::ruleset::{Operator, OperatorFactory, OperatorStats};
use crate::state::Keyed;
use trailhound_event::Field;

/// A new-terms rule's parameters.
#[derive(Clone, Debug)]
pub struct NewTermsSpec {
    /// The fields whose value combinations must be new.
    pub fields: Vec<(String, Field)>,
    /// History window length in milliseconds: a combination last seen longer ago is new again.
    pub history_ms: i64,
    /// Learning period from the start of the data during which nothing alerts (Elastic: the
    /// history window; Datadog new value: `learningDuration`).
    pub learning_ms: i64,
    /// Most combinations remembered.
    pub max_keys: usize,
}

/// Factory for [`NewTermsOperator`].
#[derive(Debug)]
pub struct NewTermsFactory(pub NewTermsSpec);

impl OperatorFactory for NewTermsFactory {
    fn create(&self) -> Box<dyn Operator> {
        Box::new(NewTermsOperator::new(self.0.clone()))
    }
}

/// The running state of one new-terms rule.
#[derive(Debug)]
pub struct NewTermsOperator {
    spec: NewTermsSpec,
    /// Combination → last time seen.
    seen: Keyed<i64>,
    /// Earliest event time of the data: history is complete from here on.
    data_start: Option<i64>,
}

impl NewTermsOperator {
    /// Fresh state.
    pub fn new(spec: NewTermsSpec) -> NewTermsOperator {
        let seen = Keyed::new(spec.max_keys);
        NewTermsOperator {
            spec,
            seen,
            data_start: None,
        }
    }
}

impl Operator for NewTermsOperator {
    fn checkpoint(&self) -> Result<serde_json::Value, String> {
        crate::state::save(&(&self.seen, self.data_start))
    }

    fn restore(&mut self, state: serde_json::Value) -> Result<(), String> {
        let (seen, data_start): (serde_json::Value, Option<i64>) = crate::state::load(state)?;
        self.seen = crate::state::load_keyed(seen)?;
        self.data_start = data_start;
        Ok(())
    }

    fn on_event(&mut self, _slot: usize, ev: &SharedEvent, out: &mut Vec<Detection>) {
        let Some(t) = ev.time_millis() else { return };
        let start = *self.data_start.get_or_insert(t);
        let Some(combos) = combinations(ev, &self.spec.fields) else {
            return;
        };
        let judged = t >= start.saturating_add(self.spec.learning_ms);
        for values in combos {
            let key = key_of(&values);
            let previous = self.seen.get(&key).copied();
            let is_new = match previous {
                None => true,
                Some(last) => last < t.saturating_sub(self.spec.history_ms),
            };
            let last = self.seen.entry(&key, t, || t);
            *last = (*last).max(t);
            if is_new && judged {
                let group: Vec<(String, serde_json::Value)> = self
                    .spec
                    .fields
                    .iter()
                    .zip(&values)
                    .map(|((n, _), v)| (n.clone(), serde_json::json!(v)))
                    .collect();
                out.push(Detection {
                    time_ms: t,
                    events: vec![ev.clone()],
                    count: 1,
                    fields: vec![("new_terms".to_owned(), serde_json::json!(values))],
                    group,
                    ..Detection::default()
                });
            }
        }
    }

    fn observe_data_start(&mut self, start_ms: i64) {
        self.data_start = Some(self.data_start.map_or(start_ms, |s| s.min(start_ms)));
    }

    fn stats(&self) -> OperatorStats {
        self.seen.stats()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::borrow::Cow;
    use std::sync::Arc;
    use trailhound_event::{Event, View};

    fn ev(t: &str, user: &str, ip: &str) -> SharedEvent {
        let raw = format!(
            r#"{{"eventTime":"{t}","eventName":"GetSecretValue","sourceIPAddress":"{ip}","userIdentity":{{"arn":"{user}","accountId":"1"}}}}"#
        );
        let doc: sonic_rs::Value = sonic_rs::from_str(&raw).expect("valid");
        Arc::new(Event::new(Cow::Owned(raw), doc, Default::default()))
    }

    fn op(fields: &[&str]) -> NewTermsOperator {
        NewTermsOperator::new(NewTermsSpec {
            fields: fields
                .iter()
                .map(|f| ((*f).to_owned(), View::ECS.resolve(f).field))
                .collect(),
            history_ms: 7 * 86_400_000,
            learning_ms: 7 * 86_400_000,
            max_keys: 100,
        })
    }

    fn feed(op: &mut NewTermsOperator, events: &[SharedEvent]) -> Vec<String> {
        let mut out = Vec::new();
        for e in events {
            op.on_event(0, e, &mut out);
        }
        out.iter().map(|d| d.fields[0].1.to_string()).collect()
    }

    #[test]
    fn new_after_the_history_window_only() {
        let mut o = op(&["aws.cloudtrail.user_identity.arn"]);
        let got = feed(
            &mut o,
            &[
                ev("2024-01-01T00:00:00Z", "alice", "1.1.1.1"), // learning
                ev("2024-01-05T00:00:00Z", "bob", "1.1.1.1"),   // learning
                ev("2024-01-08T00:00:00Z", "alice", "1.1.1.1"), // known
                ev("2024-01-08T00:00:01Z", "carol", "1.1.1.1"), // new
                ev("2024-01-08T00:00:02Z", "carol", "1.1.1.1"), // now known
                ev("2024-01-20T00:00:00Z", "bob", "1.1.1.1"),   // last seen 15 days ago: new again
            ],
        );
        assert_eq!(got, [r#"["carol"]"#, r#"["bob"]"#]);
    }

    #[test]
    fn combinations_of_two_fields() {
        let mut o = op(&["aws.cloudtrail.user_identity.arn", "source.ip"]);
        o.observe_data_start(0);
        let got = feed(
            &mut o,
            &[
                ev("2024-01-10T00:00:00Z", "alice", "1.1.1.1"),
                ev("2024-01-10T00:01:00Z", "alice", "2.2.2.2"),
                ev("2024-01-10T00:02:00Z", "alice", "1.1.1.1"),
            ],
        );
        assert_eq!(got, [r#"["alice","1.1.1.1"]"#, r#"["alice","2.2.2.2"]"#]);
    }

    #[test]
    fn events_missing_a_field_are_not_judged() {
        let mut o = op(&["user.name"]);
        o.observe_data_start(0);
        assert!(feed(&mut o, &[ev("2024-01-10T00:00:00Z", "alice", "1.1.1.1")]).is_empty());
    }
}

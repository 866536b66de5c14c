//! The dispatch index: from an event's `eventName` and `eventSource` to the few predicates that
//! could match it.
//!
//! Most rules pin the API call (`event.action`, `eventName`, `@evt.name` are all `eventName`
//! underneath) or at least the service. At build time each predicate is analysed for a set of
//! values its event must have (a *necessary* condition: any superset is correct); at run time
//! an event meets only the predicates indexed under its own values, plus those that pin
//! nothing. Keys are case-folded, so one index serves case-sensitive Elastic rules and
//! case-insensitive Sigma rules; the predicate itself still decides.

use crate::ir::{Pred, Test, TextOp};
use crate::pattern::{GlobPart, fold};
use std::collections::HashMap;
use trailhound_event::Event;

/// Values a field must take for a predicate to hold.
#[derive(Clone, Debug, Default, PartialEq)]
struct Keys {
    exact: Vec<Box<str>>,
    prefixes: Vec<Box<str>>,
}

impl Keys {
    fn union(mut self, other: Keys) -> Keys {
        self.exact.extend(other.exact);
        self.prefixes.extend(other.prefixes);
        self
    }

    fn weight(&self) -> usize {
        self.exact.len() + 4 * self.prefixes.len()
    }
}

/// Necessary values of the raw field `raw` for `p` to hold, if any can be derived.
fn keys(p: &Pred, raw: &str) -> Option<Keys> {
    match p {
        Pred::Test(field, Test::Text { op, .. }) if field.raw_copy().as_deref() == Some(raw) => {
            match op {
                TextOp::Eq(v) => Some(Keys {
                    exact: vec![fold(v).into()],
                    prefixes: vec![],
                }),
                TextOp::In(set) => Some(Keys {
                    exact: set.iter().map(|v| fold(v).into()).collect(),
                    prefixes: vec![],
                }),
                TextOp::Prefix(v) if !v.is_empty() => Some(Keys {
                    exact: vec![],
                    prefixes: vec![fold(v).into()],
                }),
                TextOp::Glob(g) => match g.parts().first() {
                    Some(GlobPart::Lit(l)) if g.parts().len() == 1 => Some(Keys {
                        exact: vec![fold(l).into()],
                        prefixes: vec![],
                    }),
                    Some(GlobPart::Lit(l)) => Some(Keys {
                        exact: vec![],
                        prefixes: vec![fold(l).into()],
                    }),
                    _ => None,
                },
                _ => None,
            }
        }
        Pred::And(children) => children
            .iter()
            .filter_map(|c| keys(c, raw))
            .min_by_key(Keys::weight),
        Pred::Or(children) => {
            let mut acc = Keys::default();
            for c in children {
                acc = acc.union(keys(c, raw)?);
            }
            Some(acc)
        }
        Pred::Const(false) => Some(Keys::default()),
        _ => None,
    }
}

/// The index over a list of predicates, identified by their position.
#[derive(Debug, Default)]
pub struct Dispatch {
    by_name: HashMap<Box<str>, Vec<u32>>,
    name_prefixes: Vec<(Box<str>, u32)>,
    by_source: HashMap<Box<str>, Vec<u32>>,
    source_prefixes: Vec<(Box<str>, u32)>,
    always: Vec<u32>,
}

/// Reusable buffers for [`Dispatch::candidates`], so dispatch allocates nothing per event.
#[derive(Debug, Default)]
pub struct Scratch {
    folded: String,
    /// The candidates of the last call, ascending.
    pub out: Vec<u32>,
    /// Filters the last [`RuleSet::matches`](crate::RuleSet::matches) call found passed but
    /// excepted, with the exception's index.
    pub excepted: Vec<(crate::Slot, u32)>,
}

impl Dispatch {
    /// Indexes `preds`; predicate `i` is reported as candidate `i`.
    pub fn build<'a>(preds: impl IntoIterator<Item = &'a Pred>) -> Dispatch {
        let mut d = Dispatch::default();
        for (i, p) in preds.into_iter().enumerate() {
            let id = i as u32;
            if let Some(k) = keys(p, "eventName") {
                for v in k.exact {
                    d.by_name.entry(v).or_default().push(id);
                }
                d.name_prefixes
                    .extend(k.prefixes.into_iter().map(|p| (p, id)));
            } else if let Some(k) = keys(p, "eventSource") {
                for v in k.exact {
                    d.by_source.entry(v).or_default().push(id);
                }
                d.source_prefixes
                    .extend(k.prefixes.into_iter().map(|p| (p, id)));
            } else {
                d.always.push(id);
            }
        }
        d
    }

    /// Number of predicates that are checked for every event.
    pub fn unindexed(&self) -> usize {
        self.always.len()
    }

    /// Fills `scratch.out` with the predicates that could match `ev`, ascending, no repeats.
    pub fn candidates(&self, ev: &Event<'_>, scratch: &mut Scratch) {
        scratch.out.clear();
        scratch.out.extend_from_slice(&self.always);
        for (key, map, prefixes) in [
            ("eventName", &self.by_name, &self.name_prefixes),
            ("eventSource", &self.by_source, &self.source_prefixes),
        ] {
            if map.is_empty() && prefixes.is_empty() {
                continue;
            }
            let Some(value) = ev.raw_str(&[key]) else {
                continue;
            };
            scratch.folded.clear();
            scratch
                .folded
                .extend(value.chars().flat_map(char::to_lowercase));
            if let Some(ids) = map.get(scratch.folded.as_str()) {
                scratch.out.extend_from_slice(ids);
            }
            for (prefix, id) in prefixes {
                if scratch.folded.starts_with(&**prefix) {
                    scratch.out.push(*id);
                }
            }
        }
        scratch.out.sort_unstable();
        scratch.out.dedup();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::TextMode;
    use crate::pattern::Glob;
    use trailhound_event::View;

    fn t(view: View, name: &str, test: Test) -> Pred {
        Pred::Test(view.resolve(name).field, test)
    }

    fn cands(d: &Dispatch, raw: &str) -> Vec<u32> {
        let ev = Event::parse(raw).expect("valid");
        let mut s = Scratch::default();
        d.candidates(&ev, &mut s);
        s.out
    }

    #[test]
    fn indexes_every_vocabulary_of_the_event_name() {
        let preds = vec![
            // 0: ECS, case-sensitive
            Pred::and(vec![
                t(View::ECS, "event.provider", Test::eq("iam.amazonaws.com")),
                t(View::ECS, "event.action", Test::eq("CreateUser")),
            ]),
            // 1: Sigma, case-insensitive list
            t(
                View::Raw,
                "eventName",
                Test::text(
                    TextOp::In(
                        ["createuser".into(), "DeleteUser".into()]
                            .into_iter()
                            .collect(),
                    ),
                    true,
                    TextMode::Scalars,
                ),
            ),
            // 2: Datadog, prefix wildcard
            t(
                View::Datadog,
                "@evt.name",
                Test::text(
                    TextOp::Glob(Glob::parse_backslash("Create*", false)),
                    false,
                    TextMode::Scalars,
                ),
            ),
            // 3: only the service
            t(
                View::ECS,
                "event.provider",
                Test::eq("lambda.amazonaws.com"),
            ),
            // 4: nothing to index
            Pred::negate(t(View::ECS, "event.action", Test::eq("X"))),
            // 5: an or of names
            Pred::or(vec![
                t(View::ECS, "event.action", Test::eq("A")),
                t(View::ECS, "event.action", Test::eq("B")),
            ]),
            // 6: an or where one branch pins nothing: unindexed
            Pred::or(vec![
                t(View::ECS, "event.action", Test::eq("A")),
                t(View::ECS, "user.name", Test::eq("B")),
            ]),
        ];
        let d = Dispatch::build(&preds);
        assert_eq!(d.unindexed(), 2);
        assert_eq!(
            cands(
                &d,
                r#"{"eventName":"CreateUser","eventSource":"iam.amazonaws.com"}"#
            ),
            [0, 1, 2, 4, 6]
        );
        assert_eq!(cands(&d, r#"{"eventName":"DeleteUser"}"#), [1, 4, 6]);
        assert_eq!(
            cands(
                &d,
                r#"{"eventName":"Invoke","eventSource":"lambda.amazonaws.com"}"#
            ),
            [3, 4, 6]
        );
        assert_eq!(cands(&d, r#"{"eventName":"B"}"#), [4, 5, 6]);
        assert_eq!(cands(&d, r#"{}"#), [4, 6]);
    }

    #[test]
    fn candidates_are_a_superset_of_matches() {
        // Whatever the index says, evaluation must agree with evaluating everything.
        let preds = vec![
            t(View::ECS, "event.action", Test::eq("CreateUser")),
            t(
                View::Raw,
                "eventName",
                Test::text(TextOp::Eq("createuser".into()), true, TextMode::Scalars),
            ),
            t(
                View::ECS,
                "event.action",
                Test::text(
                    TextOp::Glob(Glob::parse_backslash("*User", false)),
                    false,
                    TextMode::Scalars,
                ),
            ),
        ];
        let d = Dispatch::build(&preds);
        for raw in [
            r#"{"eventName":"CreateUser"}"#,
            r#"{"eventName":"CREATEUSER"}"#,
            r#"{"eventName":"GetUser"}"#,
        ] {
            let ev = Event::parse(raw).expect("valid");
            let all: Vec<u32> = (0..preds.len() as u32)
                .filter(|&i| preds[i as usize].eval(&ev))
                .collect();
            let mut s = Scratch::default();
            d.candidates(&ev, &mut s);
            let via: Vec<u32> = s
                .out
                .iter()
                .copied()
                .filter(|&i| preds[i as usize].eval(&ev))
                .collect();
            assert_eq!(all, via, "{raw}");
        }
    }
}

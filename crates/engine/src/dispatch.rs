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
use foldhash::HashMap;
use sonic_rs::JsonValueTrait;
use trailhound_event::{Event, Path};

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

    /// How many records the keys are likely to admit, relatively: an exact name admits one
    /// API, a prefix many (`Get` half of all calls), the shorter the more.
    fn weight(&self) -> usize {
        self.exact.len()
            + self
                .prefixes
                .iter()
                .map(|p| if p.len() >= 8 { 4 } else { 64 })
                .sum::<usize>()
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

/// A literal shorter than this is too common in records to be worth a look-up.
const MIN_LITERAL: usize = 3;

/// The longest run of `needle` the gate looks for in a field's decoded string values: printable
/// ASCII without quotes, backslashes, brackets, braces, commas and spaces, holding a letter, at
/// least [`MIN_LITERAL`] long. Any such run of `needle` is in every value that contains `needle`;
/// the character rules only keep the literals short words of the value.
fn literal_run(needle: &str) -> Option<Box<str>> {
    let allowed =
        |c: char| c.is_ascii_graphic() && !matches!(c, '"' | '\\' | '{' | '}' | '[' | ']' | ',');
    needle
        .split(|c: char| !allowed(c))
        .filter(|run| run.len() >= MIN_LITERAL && run.bytes().any(|b| b.is_ascii_alphabetic()))
        .max_by_key(|run| run.len())
        .map(|run| run.to_ascii_lowercase().into())
}

/// A literal one of a predicate's raw fields must contain for it to hold.
type FieldLiteral = (Box<str>, Box<str>);

/// Literals that must all occur (each in its field's values) for one way of holding.
type Conjunction = Vec<FieldLiteral>;

/// How selective a set of alternatives is: more literal text per alternative, and fewer
/// alternatives, is better.
fn selectivity(alts: &[Conjunction]) -> (usize, std::cmp::Reverse<usize>) {
    let weakest = alts
        .iter()
        .map(|c| c.iter().map(|(_, l)| l.len()).sum::<usize>())
        .min()
        .unwrap_or(usize::MAX);
    (weakest.min(16), std::cmp::Reverse(alts.len()))
}

/// Alternatives of `(raw field, literal)` conjunctions: `p` can hold only if, for one
/// alternative, each field has a string value containing its literal (ASCII
/// case-insensitively), if such a condition can be derived. Only fields that copy a raw
/// CloudTrail value verbatim count. A wildcard pattern needs every literal run it has
/// (`arn:aws:sts::*:assumed-role/*/i-*` needs `/i-` as well as the common prefix).
fn literals(p: &Pred) -> Option<Vec<Conjunction>> {
    match p {
        Pred::Test(field, Test::Text { op, .. }) => {
            let path: Box<str> = field.raw_copy()?.into();
            let needles: Vec<&str> = match op {
                TextOp::Eq(v) | TextOp::Prefix(v) | TextOp::Suffix(v) | TextOp::Contains(v) => {
                    vec![v]
                }
                TextOp::In(set) => set.iter().map(|v| &**v).collect(),
                TextOp::Glob(g) => {
                    let runs: Conjunction = g
                        .parts()
                        .iter()
                        .filter_map(|part| match part {
                            GlobPart::Lit(l) => literal_run(l).map(|l| (path.clone(), l)),
                            _ => None,
                        })
                        .collect();
                    return (!runs.is_empty()).then(|| vec![runs]);
                }
                TextOp::Regex(_) => return None,
            };
            needles
                .into_iter()
                .map(|n| literal_run(n).map(|l| vec![(path.clone(), l)]))
                .collect()
        }
        Pred::And(children) => children
            .iter()
            .filter_map(literals)
            .max_by_key(|l| selectivity(l)),
        Pred::Or(children) => {
            let mut acc = Vec::new();
            for c in children {
                acc.extend(literals(c)?);
            }
            Some(acc)
        }
        Pred::Const(false) => Some(Vec::new()),
        _ => None,
    }
}

/// Necessary event names and sources for `p`: it can hold only if the record's `eventName` is
/// among the name keys or its `eventSource` among the source keys (an `or` of a name condition
/// and a service condition indexes under both). `None` when some branch pins neither.
fn name_or_source_keys(p: &Pred) -> Option<(Keys, Keys)> {
    match p {
        Pred::Test(..) => keys(p, "eventName")
            .map(|k| (k, Keys::default()))
            .or_else(|| keys(p, "eventSource").map(|k| (Keys::default(), k))),
        Pred::Const(false) => Some((Keys::default(), Keys::default())),
        Pred::Or(children) => {
            let (mut names, mut sources) = (Keys::default(), Keys::default());
            for c in children {
                let (n, s) = name_or_source_keys(c)?;
                names = names.union(n);
                sources = sources.union(s);
            }
            Some((names, sources))
        }
        Pred::And(children) => children
            .iter()
            .filter_map(name_or_source_keys)
            // A service admits many more calls than a name.
            .min_by_key(|(n, s)| n.weight() + 16 * s.weight()),
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
    /// Predicates that pin neither name nor source but need one of some literals in the text.
    literal: Option<LiteralGate>,
    always: Vec<u32>,
}

/// Predicates admitted by literals of their raw fields' values.
#[derive(Debug)]
struct LiteralGate {
    fields: Vec<FieldGate>,
    /// Per gated predicate, its alternatives as lists of pattern numbers (over all fields).
    preds: Vec<(u32, Vec<Vec<usize>>)>,
    /// Patterns over all fields.
    patterns: usize,
}

/// The literals of one raw field, searched for in its values with one automaton.
#[derive(Debug)]
struct FieldGate {
    path: Path,
    matcher: aho_corasick::AhoCorasick,
    /// Number of this field's first pattern over all fields.
    first: usize,
    /// Its number of patterns.
    len: usize,
}

impl LiteralGate {
    fn build(gated: Vec<(u32, Vec<Conjunction>)>) -> Option<LiteralGate> {
        // Per field: its patterns, deduplicated.
        let mut by_field: Vec<(Box<str>, Vec<Box<str>>)> = Vec::new();
        let mut locate = |field: &str, lit: &str| -> (usize, usize) {
            let f = match by_field.iter().position(|(name, _)| &**name == field) {
                Some(i) => i,
                None => {
                    by_field.push((field.into(), Vec::new()));
                    by_field.len() - 1
                }
            };
            let pats = &mut by_field[f].1;
            let i = match pats.iter().position(|p| &**p == lit) {
                Some(i) => i,
                None => {
                    pats.push(lit.into());
                    pats.len() - 1
                }
            };
            (f, i)
        };
        // (pred, alternatives of (field, pattern within field)).
        type Located = (u32, Vec<Vec<(usize, usize)>>);
        let local: Vec<Located> = gated
            .iter()
            .map(|(pred, alts)| {
                let alts = alts
                    .iter()
                    .map(|c| c.iter().map(|(f, l)| locate(f, l)).collect())
                    .collect();
                (*pred, alts)
            })
            .collect();
        let mut fields = Vec::new();
        let mut first = 0;
        for (field, patterns) in &by_field {
            let matcher = aho_corasick::AhoCorasick::builder()
                .ascii_case_insensitive(true)
                .build(patterns.iter().map(|p| p.as_bytes()))
                .ok()?;
            fields.push(FieldGate {
                path: Path::parse(field),
                matcher,
                first,
                len: patterns.len(),
            });
            first += patterns.len();
        }
        let preds = local
            .into_iter()
            .map(|(pred, alts)| {
                let alts = alts
                    .into_iter()
                    .map(|c| c.into_iter().map(|(f, i)| fields[f].first + i).collect())
                    .collect();
                (pred, alts)
            })
            .collect();
        Some(LiteralGate {
            fields,
            preds,
            patterns: first,
        })
    }

    /// Adds the predicates one of whose alternatives has all its literals in their fields'
    /// values to `out`.
    fn admit(&self, ev: &Event<'_>, seen: &mut Vec<bool>, out: &mut Vec<u32>) {
        seen.clear();
        seen.resize(self.patterns, false);
        for gate in &self.fields {
            let mut undecided = false;
            gate.path.visit(ev.doc(), &mut |node| {
                match node.as_str() {
                    // Non-ASCII text may case-fold onto ASCII letters (the Kelvin sign onto
                    // `k`): only ASCII strings are judged by the scan.
                    Some(text) if text.is_ascii() => {
                        for m in gate.matcher.find_overlapping_iter(text) {
                            if let Some(flag) = seen.get_mut(gate.first + m.pattern().as_usize()) {
                                *flag = true;
                            }
                        }
                        // On to the next value (a path through an array reaches several).
                        false
                    }
                    // Numbers, booleans, objects (matched by their JSON text) and non-ASCII
                    // strings: every literal of the field counts as present.
                    _ => {
                        undecided = true;
                        true
                    }
                }
            });
            if undecided && let Some(flags) = seen.get_mut(gate.first..gate.first + gate.len) {
                flags.fill(true);
            }
        }
        for (pred, alts) in &self.preds {
            if alts
                .iter()
                .any(|c| c.iter().all(|&i| seen.get(i).copied().unwrap_or(true)))
            {
                out.push(*pred);
            }
        }
    }
}

/// Reusable buffers for [`Dispatch::candidates`], so dispatch allocates nothing per event.
#[derive(Debug, Default)]
pub struct Scratch {
    folded: String,
    seen: Vec<bool>,
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
        let mut gated: Vec<(u32, Vec<Conjunction>)> = Vec::new();
        for (i, p) in preds.into_iter().enumerate() {
            let id = i as u32;
            if let Some((names, sources)) = name_or_source_keys(p) {
                for v in names.exact {
                    d.by_name.entry(v).or_default().push(id);
                }
                d.name_prefixes
                    .extend(names.prefixes.into_iter().map(|p| (p, id)));
                for v in sources.exact {
                    d.by_source.entry(v).or_default().push(id);
                }
                d.source_prefixes
                    .extend(sources.prefixes.into_iter().map(|p| (p, id)));
            } else if let Some(lits) = literals(p) {
                gated.push((id, lits));
            } else {
                d.always.push(id);
            }
        }
        if !gated.is_empty() {
            let ids: Vec<u32> = gated.iter().map(|(id, _)| *id).collect();
            match LiteralGate::build(gated) {
                Some(gate) => d.literal = Some(gate),
                None => d.always.extend(ids),
            }
        }
        d
    }

    /// Number of predicates that are checked for every event.
    pub fn unindexed(&self) -> usize {
        self.always.len()
    }

    /// Number of predicates admitted by a literal scan of the record text.
    pub fn literal_gated(&self) -> usize {
        self.literal.as_ref().map_or(0, |g| g.preds.len())
    }

    /// Fills `scratch.out` with the predicates that could match `ev`, ascending, no repeats.
    pub fn candidates(&self, ev: &Event<'_>, scratch: &mut Scratch) {
        scratch.out.clear();
        scratch.out.extend_from_slice(&self.always);
        if let Some(gate) = &self.literal {
            gate.admit(ev, &mut scratch.seen, &mut scratch.out);
        }
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
    fn an_or_of_a_name_and_a_service_is_indexed_under_both() {
        let preds = vec![
            // 0: every S3 call, or GetCallerIdentity wherever it comes from
            Pred::or(vec![
                t(View::ECS, "event.provider", Test::eq("s3.amazonaws.com")),
                t(View::ECS, "event.action", Test::eq("GetCallerIdentity")),
            ]),
            // 1: a service and a short name prefix: either key is necessary
            Pred::and(vec![
                t(View::Raw, "eventSource", Test::eq("iam.amazonaws.com")),
                t(
                    View::Raw,
                    "eventName",
                    Test::text(
                        TextOp::Glob(Glob::parse_backslash("Put*", false)),
                        false,
                        TextMode::Scalars,
                    ),
                ),
            ]),
        ];
        let d = Dispatch::build(&preds);
        assert_eq!(d.unindexed(), 0);
        let s3 = r#"{"eventName":"PutObject","eventSource":"s3.amazonaws.com"}"#;
        assert_eq!(cands(&d, s3), [0]);
        let sts = r#"{"eventName":"GetCallerIdentity","eventSource":"sts.amazonaws.com"}"#;
        assert_eq!(cands(&d, sts), [0]);
        let iam = r#"{"eventName":"PutUserPolicy","eventSource":"iam.amazonaws.com"}"#;
        assert_eq!(cands(&d, iam), [1]);
        let ec2 = r#"{"eventName":"RunInstances","eventSource":"ec2.amazonaws.com"}"#;
        assert!(cands(&d, ec2).is_empty());
        // Whatever was chosen as the key, no record that satisfies a predicate is left out.
        for raw in [s3, sts, iam, ec2] {
            let ev = Event::parse(raw).expect("valid");
            for (i, p) in preds.iter().enumerate() {
                if p.eval(&ev) {
                    assert!(cands(&d, raw).contains(&(i as u32)), "{i} {raw}");
                }
            }
        }
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

    fn sigma_contains(field: &str, needle: &str) -> Pred {
        t(
            View::Raw,
            field,
            Test::text(TextOp::Contains(needle.into()), true, TextMode::Scalars),
        )
    }

    #[test]
    fn literal_gate_admits_only_records_holding_a_literal() {
        let preds = vec![
            // 0: Sigma, case-insensitive contains
            sigma_contains("userAgent", "TruffleHog"),
            // 1: Datadog-style exact type, inside an and with an unindexable part
            Pred::and(vec![
                t(View::Raw, "userIdentity.type", Test::eq("Root")),
                Pred::negate(t(View::Raw, "userIdentity.invokedBy", Test::eq("x"))),
            ]),
            // 2: a needle with no usable literal (too short): checked on every record
            sigma_contains("userAgent", "ab"),
            // 3: an or of literals
            Pred::or(vec![
                sigma_contains("userAgent", "kali"),
                sigma_contains("userAgent", "parrot"),
            ]),
        ];
        let d = Dispatch::build(&preds);
        assert_eq!(d.literal_gated(), 3);
        assert_eq!(d.unindexed(), 1);
        let cands = |raw: &str| cands(&d, raw);
        assert_eq!(cands(r#"{"userAgent":"trufflehog/3.63"}"#), [0, 2]);
        assert_eq!(cands(r#"{"userIdentity":{"type":"Root"}}"#), [1, 2]);
        assert_eq!(cands(r#"{"userAgent":"curl (Kali Linux)"}"#), [2, 3]);
        assert_eq!(cands(r#"{"userAgent":"aws-cli/2"}"#), [2]);
        // Only the rule's own field counts: the literal elsewhere in the record admits nothing.
        assert_eq!(
            cands(r#"{"userAgent":"aws-cli/2","requestParameters":{"name":"trufflehog kali"}}"#),
            [2]
        );
        // Every value of a path through arrays counts.
        assert_eq!(
            cands(r#"{"userAgent":["aws-cli/2","curl (kali)"]}"#),
            [2, 3]
        );
        // Values are judged decoded, so escapes spell the same text.
        assert_eq!(cands(r#"{"userAgent":"\u0054ruffleHog"}"#), [0, 2]);
        assert_eq!(cands(r#"{"userAgent":"a\/b"}"#), [2]);
        // Non-ASCII text (the Kelvin sign folds onto `k`) and non-string values: no judgement
        // on that field's predicates.
        assert_eq!(cands(r#"{"userAgent":"\u212aali"}"#), [0, 2, 3]);
        assert_eq!(cands("{\"userAgent\":\"é\"}"), [0, 2, 3]);
        assert_eq!(cands(r#"{"userIdentity":{"type":{"nested":1}}}"#), [1, 2]);
        assert_eq!(cands(r#"{"userIdentity":{"type":7}}"#), [1, 2]);
    }

    #[test]
    fn a_wildcard_pattern_needs_all_its_literal_runs() {
        let arn = |pattern: &str| {
            t(
                View::ECS,
                "aws.cloudtrail.user_identity.arn",
                Test::text(
                    TextOp::Glob(Glob::parse_backslash(pattern, true)),
                    true,
                    TextMode::Scalars,
                ),
            )
        };
        let preds = vec![
            // 0: an instance role's session (its name is the instance id)
            arn("arn:aws:sts::*:assumed-role/*/i-*"),
            // 1: or of two patterns: either conjunction admits
            Pred::or(vec![arn("*:user/ci-*"), arn("*:root")]),
        ];
        let d = Dispatch::build(&preds);
        assert_eq!(d.literal_gated(), 2);
        let ev = |arn: &str| format!(r#"{{"userIdentity":{{"arn":"{arn}"}}}}"#);
        let instance = ev("arn:aws:sts::111122223333:assumed-role/web/i-0abc");
        assert_eq!(cands(&d, &instance), [0]);
        // The common prefix alone no longer admits the instance-role rule.
        let person = ev("arn:aws:sts::111122223333:assumed-role/Admin/alice");
        assert!(cands(&d, &person).is_empty());
        assert_eq!(
            cands(&d, &ev("arn:aws:iam::111122223333:user/ci-deploy")),
            [1]
        );
        assert_eq!(cands(&d, &ev("arn:aws:iam::111122223333:root")), [1]);
        assert!(cands(&d, &ev("arn:aws:iam::111122223333:user/bob")).is_empty());
        for raw in [instance, person] {
            let e = Event::parse(&raw).expect("valid");
            for (i, p) in preds.iter().enumerate() {
                if p.eval(&e) {
                    assert!(cands(&d, &raw).contains(&(i as u32)), "{i} {raw}");
                }
            }
        }
    }

    proptest::proptest! {
        /// Whatever the record, every predicate that holds is a candidate.
        #[test]
        fn literal_gate_never_drops_a_match(
            seed in proptest::sample::select(vec!["", "TruffleHog/", "kALi ", "s/AB", "\u{212A}ali", "ſ/ab", "hOg s/aB"]),
            tail in "[a-zA-Z /\\\\\"é\u{212A}ſ0-9]{0,24}",
            kind in proptest::sample::select(vec!["Root", "root", "IAMUser", "R\u{212A}oot"]),
            escape in proptest::bool::ANY,
            shape in 0..3u8,
        ) {
            let preds = vec![
                sigma_contains("userAgent", "hog"),
                sigma_contains("userAgent", "Kali"),
                t(View::Raw, "userIdentity.type", Test::eq("Root")),
                t(View::Raw, "userIdentity.type", Test::text(TextOp::Eq("root".into()), true, TextMode::Scalars)),
                t(View::Raw, "userAgent", Test::text(TextOp::Glob(Glob::parse_backslash("*s/ab*", true)), true, TextMode::Scalars)),
                // Two literal runs, both required.
                t(View::Raw, "userAgent", Test::text(TextOp::Glob(Glob::parse_backslash("*hog*s/ab*", true)), true, TextMode::Scalars)),
            ];
            let d = Dispatch::build(&preds);
            let agent = format!("{seed}{tail}");
            // The agent as a string, as the second element of an array, or beside a number.
            let agent = match shape {
                0 => serde_json::json!(agent),
                1 => serde_json::json!(["aws-cli/2", agent]),
                _ => serde_json::json!([7, agent]),
            };
            let mut raw = serde_json::json!({"userAgent": agent, "userIdentity": {"type": kind}}).to_string();
            if escape {
                // Spell the first letter of the type as a unicode escape, as JSON allows.
                raw = raw.replacen("\"type\":\"R", "\"type\":\"\\u0052", 1);
            }
            let ev = Event::parse(&raw).expect("valid JSON");
            let mut scratch = Scratch::default();
            d.candidates(&ev, &mut scratch);
            for (i, p) in preds.iter().enumerate() {
                if p.eval(&ev) {
                    proptest::prop_assert!(scratch.out.contains(&(i as u32)), "{} matches {}", i, raw);
                }
            }
        }
    }
}

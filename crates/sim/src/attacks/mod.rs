//! Attack techniques: the catalogue ([`techniques`]), their identifiers ([`AttackId`]), and the
//! planning of injected chains over a run.

mod catalog;
pub(crate) mod chain;
mod steps;

use catalog::TECHNIQUES;

use crate::rng::Rng;
use crate::world::World;
use chain::{AttackEvent, Chain};
use std::fmt;
use std::str::FromStr;

/// A MITRE ATT&CK tactic.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tactic {
    /// `TA0003`.
    pub id: &'static str,
    /// `Persistence`.
    pub name: &'static str,
}

/// A MITRE ATT&CK technique or sub-technique.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Technique {
    /// `T1098.001`.
    pub id: &'static str,
    /// `Account Manipulation: Additional Cloud Credentials`.
    pub name: &'static str,
}

/// Where a technique comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// A Stratus Red Team AWS technique (<https://stratus-red-team.cloud/attack-techniques/AWS/>).
    StratusRedTeam,
    /// One of the project's seed detections.
    Seed,
}

/// An injectable attack technique.
#[derive(Debug)]
pub struct TechniqueInfo {
    /// The identifier given to `--attack` (`aws.persistence.lambda-backdoor-function`).
    pub id: &'static str,
    /// A short title.
    pub name: &'static str,
    /// Where the technique is defined.
    pub origin: Origin,
    /// ATT&CK tactics.
    pub tactics: &'static [Tactic],
    /// ATT&CK techniques.
    pub techniques: &'static [Technique],
    /// The calls of the injected chain, in order of first appearance, as `service:EventName`.
    pub api_calls: &'static [&'static str],
    /// What the chain does.
    pub description: &'static str,
    build: fn(&mut Chain<'_>),
}

/// The identifier of an attack technique: an index into [`techniques`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AttackId(u16);

impl AttackId {
    /// The technique with identifier `id`, if there is one.
    pub fn parse(id: &str) -> Option<AttackId> {
        TECHNIQUES
            .iter()
            .position(|t| t.id == id)
            .map(|i| AttackId(i as u16))
    }

    /// The technique's identifier.
    pub fn as_str(self) -> &'static str {
        self.info().id
    }

    /// The technique's description.
    pub fn info(self) -> &'static TechniqueInfo {
        // AttackIds are only made from positions in TECHNIQUES.
        &TECHNIQUES[usize::from(self.0)]
    }

    /// Every technique, in catalogue order.
    pub fn all() -> impl Iterator<Item = AttackId> {
        (0..TECHNIQUES.len()).map(|i| AttackId(i as u16))
    }
}

impl fmt::Display for AttackId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An unknown technique identifier.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownAttack(pub String);

impl fmt::Display for UnknownAttack {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown attack technique `{}` (see `trailhound simulate --list-attacks`)",
            self.0
        )
    }
}

impl std::error::Error for UnknownAttack {}

impl FromStr for AttackId {
    type Err = UnknownAttack;
    fn from_str(s: &str) -> Result<AttackId, UnknownAttack> {
        AttackId::parse(s).ok_or_else(|| UnknownAttack(s.to_owned()))
    }
}

/// Every injectable technique: the Stratus Red Team AWS techniques, then the seed scenarios.
pub fn techniques() -> &'static [TechniqueInfo] {
    TECHNIQUES
}

/// One injected event, as the ground-truth file lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroundTruth {
    /// The record's `eventID`.
    pub event_id: String,
    /// `eventName`.
    pub event_name: String,
    /// `eventSource`.
    pub event_source: String,
    /// `eventTime` (`2024-01-01T12:00:00Z`).
    pub event_time: String,
    /// `recipientAccountId`.
    pub account: String,
    /// `awsRegion`.
    pub region: String,
    /// The technique.
    pub technique: AttackId,
    /// The technique's title.
    pub technique_name: &'static str,
    /// ATT&CK tactic ids.
    pub tactics: Vec<&'static str>,
    /// ATT&CK technique ids.
    pub attack_techniques: Vec<&'static str>,
    /// Position of the attack in [`SimOptions::attacks`](crate::SimOptions::attacks).
    pub attack: usize,
}

impl GroundTruth {
    /// The entry as one line of JSON (no newline).
    ///
    /// Keys are snake_case on purpose: a line with CloudTrail's own keys (`eventID`,
    /// `eventName`, …) would be read as a CloudTrail record by trailhound's ingest when a hunt
    /// is pointed at the whole output directory.
    pub fn to_json(&self) -> String {
        serde_json::json!({
            "event_id": self.event_id,
            "event_name": self.event_name,
            "event_source": self.event_source,
            "event_time": self.event_time,
            "account": self.account,
            "region": self.region,
            "technique": self.technique.as_str(),
            "technique_name": self.technique_name,
            "tactics": self.tactics,
            "attack_techniques": self.attack_techniques,
            "attack": self.attack,
        })
        .to_string()
    }
}

/// The injected chains of a run, merged in time order.
pub(crate) struct Plan {
    pub(crate) events: Vec<AttackEvent>,
    pub(crate) truth: Vec<GroundTruth>,
}

/// Writes the chains of `attacks` (technique and start time, in seconds) against `world`.
pub(crate) fn plan(world: &World, seed: u64, attacks: &[(AttackId, i64)]) -> Plan {
    let mut events = Vec::new();
    let mut truth = Vec::new();
    let weights = crate::rng::Weighted::new(
        world
            .accounts
            .iter()
            .enumerate()
            .map(|(i, a)| (i, a.weight)),
    );
    let region = world
        .regions
        .first()
        .map_or("us-east-1", |r| r.name.as_str());
    for (index, &(id, start)) in attacks.iter().enumerate() {
        let mut rng = Rng::derive(seed, &[2, index as u64]);
        let acct = if weights.is_empty() {
            0
        } else {
            *weights.pick(&mut rng)
        };
        let mut chain = Chain::new(world, acct, region, start, rng, id, index);
        (id.info().build)(&mut chain);
        let mut seq: Vec<(AttackEvent, GroundTruth)> =
            chain.events.into_iter().zip(chain.truth).collect();
        events.reserve(seq.len());
        truth.reserve(seq.len());
        for (e, t) in seq.drain(..) {
            events.push(e);
            truth.push(t);
        }
    }
    // Stable: events of one chain keep their order, chains interleave by time.
    let mut order: Vec<usize> = (0..events.len()).collect();
    order.sort_by_key(|&i| events[i].time);
    let events_sorted = order.iter().map(|&i| events[i].clone()).collect();
    let truth_sorted = order.iter().map(|&i| truth[i].clone()).collect();
    Plan {
        events: events_sorted,
        truth: truth_sorted,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crate_documentation_lists_every_technique_and_its_calls() {
        let docs = include_str!("../lib.rs");
        for t in techniques() {
            let calls: Vec<String> = t.api_calls.iter().map(|c| format!("`{c}`")).collect();
            let row = format!("| `{}` |", t.id);
            let line = docs
                .lines()
                .find(|l| l.contains(&row))
                .unwrap_or_else(|| panic!("{} not documented", t.id));
            assert!(
                line.ends_with(&format!("| {} |", calls.join(", "))),
                "{line}"
            );
            for technique in t.techniques {
                assert!(line.contains(technique.id), "{line}");
            }
        }
    }

    #[test]
    fn ids_parse_and_round_trip() {
        for id in AttackId::all() {
            assert_eq!(AttackId::parse(id.as_str()), Some(id));
            assert_eq!(id.to_string().parse::<AttackId>(), Ok(id));
        }
        assert!(AttackId::parse("aws.nope").is_none());
        assert_eq!(
            "aws.nope".parse::<AttackId>().map_err(|e| e.to_string()),
            Err(
                "unknown attack technique `aws.nope` (see `trailhound simulate --list-attacks`)"
                    .to_owned()
            )
        );
    }

    #[test]
    fn catalogue_is_well_formed() {
        let all = techniques();
        let stratus = all
            .iter()
            .filter(|t| t.origin == Origin::StratusRedTeam)
            .count();
        let seeds = all.iter().filter(|t| t.origin == Origin::Seed).count();
        assert_eq!((stratus, seeds), (44, 5));
        let mut ids: Vec<&str> = all.iter().map(|t| t.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), all.len());
        for t in all {
            assert!(
                !t.tactics.is_empty() && !t.techniques.is_empty() && !t.api_calls.is_empty(),
                "{}",
                t.id
            );
            assert!(t.tactics.iter().all(|x| x.id.starts_with("TA")));
            assert!(t.techniques.iter().all(|x| x.id.starts_with('T')));
            assert!(t.api_calls.iter().all(|c| c.contains(':')));
            let prefix = if t.origin == Origin::Seed {
                "seed."
            } else {
                "aws."
            };
            assert!(t.id.starts_with(prefix), "{}", t.id);
        }
        for seed in [
            "seed.lambda-public-invoke",
            "seed.lambda-cross-account-invoke",
            "seed.lambda-permission-by-iam-user",
            "seed.lambda-write-permission",
            "seed.iam-policy-change",
        ] {
            assert!(AttackId::parse(seed).is_some(), "{seed}");
        }
    }
}

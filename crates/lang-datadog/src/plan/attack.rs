//! MITRE ATT&CK and compliance references of a rule, from its tags, in the engine's shared
//! shapes ([`AttackRef`], [`Compliance`]).

use trailhound_engine::{AttackRef, Compliance};

use crate::tags::{MitreRef, RuleTags};

/// ATT&CK references of a rule (`tactic:` and `technique:` tags, in tag order). Each
/// [`AttackRef`] has the id, a name and the attack.mitre.org URL. Tactic names are the official
/// ATT&CK Enterprise names (`Defense Evasion`); technique names are the tag's slug in title case
/// (`account-manipulation` → `Account Manipulation`), since Datadog tags carry no other name
/// (empty when the tag has no slug). Datadog tags do not say which technique belongs to which
/// tactic, so the two lists stay apart.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Attack {
    /// Tactics, e.g. `TA0003` Persistence.
    pub tactics: Vec<AttackRef>,
    /// Techniques and sub-techniques, e.g. `T1098` Account Manipulation.
    pub techniques: Vec<AttackRef>,
}

/// The 14 tactics of ATT&CK Enterprise (<https://attack.mitre.org/tactics/enterprise/>).
const TACTICS: &[(&str, &str)] = &[
    ("TA0043", "Reconnaissance"),
    ("TA0042", "Resource Development"),
    ("TA0001", "Initial Access"),
    ("TA0002", "Execution"),
    ("TA0003", "Persistence"),
    ("TA0004", "Privilege Escalation"),
    ("TA0005", "Defense Evasion"),
    ("TA0006", "Credential Access"),
    ("TA0007", "Discovery"),
    ("TA0008", "Lateral Movement"),
    ("TA0009", "Collection"),
    ("TA0011", "Command and Control"),
    ("TA0010", "Exfiltration"),
    ("TA0040", "Impact"),
];

/// Display names of the frameworks Datadog tags rules with.
const FRAMEWORKS: &[(&str, &str)] = &[("cis-aws", "CIS AWS"), ("cis", "CIS"), ("pci", "PCI DSS")];

impl Attack {
    /// The ATT&CK references of a rule's tags.
    pub fn from_tags(tags: &RuleTags) -> Attack {
        let tactic = |r: &MitreRef| {
            let name = TACTICS
                .iter()
                .find(|(id, _)| *id == r.id)
                .map_or_else(|| title_case(&r.name), |(_, name)| (*name).to_string());
            AttackRef::new(&r.id, &name)
        };
        let technique = |r: &MitreRef| AttackRef::new(&r.id, &title_case(&r.name));
        Attack {
            tactics: tags.tactics.iter().map(tactic).collect(),
            techniques: tags.techniques.iter().map(technique).collect(),
        }
    }
}

/// The compliance controls of a rule's tags: every `framework:` with every `control:`
/// (Datadog's tags do not say which control belongs to which framework; the corpus never tags
/// more than one framework per rule), each with the first `requirement:` (empty when none).
pub fn compliance(tags: &RuleTags) -> Vec<Compliance> {
    let requirement = tags.requirements.first().cloned().unwrap_or_default();
    tags.frameworks
        .iter()
        .flat_map(|framework| {
            tags.controls.iter().map(|control| Compliance {
                framework: framework.clone(),
                control: control.clone(),
                requirement: requirement.clone(),
            })
        })
        .collect()
}

/// A control for people: `CIS AWS 4.4`, `PCI DSS 7.2.1`; unknown frameworks in upper case
/// (`nist-csf` → `NIST CSF`).
pub fn compliance_label(c: &Compliance) -> String {
    match FRAMEWORKS.iter().find(|(slug, _)| *slug == c.framework) {
        Some((_, name)) => format!("{name} {}", c.control),
        None => format!(
            "{} {}",
            c.framework.to_uppercase().replace('-', " "),
            c.control
        ),
    }
}

/// `valid-accounts-cloud-accounts` → `Valid Accounts Cloud Accounts`; short connectives stay
/// lower case after the first word (`Transfer Data to Cloud Account`).
fn title_case(slug: &str) -> String {
    const SMALL: &[&str] = &[
        "a", "an", "and", "for", "from", "in", "of", "or", "over", "the", "to", "via", "with",
    ];
    slug.split('-')
        .filter(|w| !w.is_empty())
        .enumerate()
        .map(|(i, word)| {
            if i > 0 && SMALL.contains(&word) {
                word.to_string()
            } else {
                let mut chars = word.chars();
                chars.next().map_or_else(String::new, |first| {
                    first.to_uppercase().chain(chars).collect()
                })
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_tactics_and_techniques() {
        let tags = RuleTags::parse(&[
            "tactic:TA0003-persistence",
            "tactic:TA0011-command-and-control",
            "tactic:TA0099-made-up-tactic",
            "technique:T1098-account-manipulation",
            "technique:T1537-transfer-data-to-cloud-account",
            "technique:T1078.004-valid-accounts-cloud-accounts",
            "technique:T1110",
        ]);
        let attack = Attack::from_tags(&tags);
        let pairs = |refs: &[AttackRef]| -> Vec<String> {
            refs.iter()
                .map(|r| format!("{} {}", r.id, r.name))
                .collect()
        };
        assert_eq!(
            pairs(&attack.tactics),
            [
                "TA0003 Persistence",
                "TA0011 Command and Control",
                "TA0099 Made Up Tactic"
            ]
        );
        assert_eq!(
            pairs(&attack.techniques),
            [
                "T1098 Account Manipulation",
                "T1537 Transfer Data to Cloud Account",
                "T1078.004 Valid Accounts Cloud Accounts",
                "T1110 "
            ]
        );
    }

    #[test]
    fn pairs_frameworks_and_controls() {
        let table: &[(&[&str], &[&str])] = &[
            (
                &["framework:cis-aws", "control:4.4", "requirement:Monitoring"],
                &["CIS AWS 4.4 (Monitoring)"],
            ),
            (&["control:7.2.1", "framework:pci"], &["PCI DSS 7.2.1"]),
            (&["framework:cis", "control:cis-3.10"], &["CIS cis-3.10"]),
            (
                &["framework:nist-csf", "control:DE.CM-1"],
                &["NIST CSF DE.CM-1"],
            ),
            (&["framework:cis-aws"], &[]),
            (&["control:4.4"], &[]),
        ];
        for (tags, want) in table {
            let got: Vec<String> = compliance(&RuleTags::parse(tags))
                .iter()
                .map(|c| match c.requirement.as_str() {
                    "" => compliance_label(c),
                    r => format!("{} ({r})", compliance_label(c)),
                })
                .collect();
            assert_eq!(&got, want, "{tags:?}");
        }
    }
}

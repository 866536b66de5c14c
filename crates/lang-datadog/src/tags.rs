//! Rule tags: MITRE ATT&CK tactics and techniques, classification and compliance tags.
//!
//! Datadog writes ATT&CK references as `tactic:TA0003-persistence` and
//! `technique:T1098-account-manipulation` (sub-techniques `T1078.004-...`), classifies rules with
//! `security:attack|compliance` and scopes them with `scope:`/`source:`; CIS and PCI mappings use
//! `framework:`, `control:` and `requirement:`.

/// An ATT&CK tactic or technique reference.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MitreRef {
    /// `TA0003`, `T1098` or `T1078.004`.
    pub id: String,
    /// The slug after the id, e.g. `account-manipulation`; empty when the tag has none.
    pub name: String,
}

impl MitreRef {
    /// Parses `TA0003-persistence` (when `tactic`) or `T1078.004-valid-accounts` (otherwise).
    /// Returns `None` when the id is not of the ATT&CK form.
    pub fn parse(value: &str, tactic: bool) -> Option<MitreRef> {
        let (id, name) = value.split_once('-').unwrap_or((value, ""));
        let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
        let valid = if tactic {
            id.strip_prefix("TA").is_some_and(|d| digits(d, 4))
        } else {
            id.strip_prefix('T')
                .is_some_and(|rest| match rest.split_once('.') {
                    Some((main, sub)) => digits(main, 4) && digits(sub, 3),
                    None => digits(rest, 4),
                })
        };
        valid.then(|| MitreRef {
            id: id.to_string(),
            name: name.to_string(),
        })
    }
}

/// A rule's tags, sorted into the groups detection reports use.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RuleTags {
    /// `tactic:` tags.
    pub tactics: Vec<MitreRef>,
    /// `technique:` tags (techniques and sub-techniques).
    pub techniques: Vec<MitreRef>,
    /// `security:` values (`attack`, `compliance`, `threat-intel`, `anomaly`, `data-leak`).
    pub security: Vec<String>,
    /// `scope:` values (the AWS service, e.g. `iam`).
    pub scope: Vec<String>,
    /// `source:` values (`cloudtrail`).
    pub source: Vec<String>,
    /// `framework:` values (`cis-aws`, `pci`).
    pub frameworks: Vec<String>,
    /// `control:` values (`4.4`).
    pub controls: Vec<String>,
    /// `requirement:` values (`Monitoring`).
    pub requirements: Vec<String>,
    /// Every other tag as `(key, value)`; a tag without `:` has an empty value, and a
    /// `tactic:`/`technique:` tag whose id is malformed lands here too.
    pub other: Vec<(String, String)>,
}

impl RuleTags {
    /// Sorts tags such as `tactic:TA0003-persistence` into groups (order is kept within each).
    pub fn parse<S: AsRef<str>>(tags: &[S]) -> RuleTags {
        let mut out = RuleTags::default();
        for tag in tags {
            let tag = tag.as_ref();
            let (key, value) = tag.split_once(':').unwrap_or((tag, ""));
            let list = match key {
                "tactic" | "technique" => {
                    match MitreRef::parse(value, key == "tactic") {
                        Some(r) if key == "tactic" => out.tactics.push(r),
                        Some(r) => out.techniques.push(r),
                        None => out.other.push((key.to_string(), value.to_string())),
                    }
                    continue;
                }
                "security" => &mut out.security,
                "scope" => &mut out.scope,
                "source" => &mut out.source,
                "framework" => &mut out.frameworks,
                "control" => &mut out.controls,
                "requirement" => &mut out.requirements,
                _ => {
                    out.other.push((key.to_string(), value.to_string()));
                    continue;
                }
            };
            list.push(value.to_string());
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_mitre_references() {
        type Case<'a> = (&'a str, bool, Option<(&'a str, &'a str)>);
        let table: &[Case<'_>] = &[
            ("TA0003-persistence", true, Some(("TA0003", "persistence"))),
            ("TA0040-impact", true, Some(("TA0040", "impact"))),
            (
                "T1098-account-manipulation",
                false,
                Some(("T1098", "account-manipulation")),
            ),
            (
                "T1078.004-valid-accounts-cloud-accounts",
                false,
                Some(("T1078.004", "valid-accounts-cloud-accounts")),
            ),
            ("T1110", false, Some(("T1110", ""))),
            ("T1098-account-manipulation", true, None),
            ("TA0003-persistence", false, None),
            ("T10-x", false, None),
            ("T1078.04-x", false, None),
            ("t1098-x", false, None),
            ("", false, None),
        ];
        for (value, tactic, expected) in table {
            let got = MitreRef::parse(value, *tactic);
            let got = got.as_ref().map(|r| (r.id.as_str(), r.name.as_str()));
            assert_eq!(got, *expected, "{value} (tactic: {tactic})");
        }
    }

    #[test]
    fn sorts_rule_tags() {
        let tags = RuleTags::parse(&[
            "security:compliance",
            "scope:ec2",
            "iaas:aws",
            "tactic:TA0009-collection",
            "source:cloudtrail",
            "technique:T1530-data-from-cloud-storage",
            "technique:T1078.004-valid-accounts-cloud-accounts",
            "technique:bogus",
            "framework:cis-aws",
            "control:4.4",
            "requirement:Monitoring",
            "security:attack",
            "lonely",
        ]);
        let ids = |v: &[MitreRef]| v.iter().map(|r| r.id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(&tags.tactics), ["TA0009"]);
        assert_eq!(ids(&tags.techniques), ["T1530", "T1078.004"]);
        assert_eq!(tags.security, ["compliance", "attack"]);
        assert_eq!(
            (tags.scope.as_slice(), tags.source.as_slice()),
            (&["ec2".to_string()][..], &["cloudtrail".to_string()][..])
        );
        assert_eq!(
            (
                tags.frameworks.len(),
                tags.controls.len(),
                tags.requirements.len()
            ),
            (1, 1, 1)
        );
        let other: Vec<_> = tags.other.iter().map(|(k, v)| format!("{k}={v}")).collect();
        assert_eq!(other, ["iaas=aws", "technique=bogus", "lonely="]);
    }
}

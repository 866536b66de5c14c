//! Rule tests: example events a rule must fire on, and events it must not fire on.
//!
//! A rule test file is JSON named `*.test.json`, usually in a `tests/` folder beside the rules:
//!
//! ```json
//! {
//!   "rule": "AWS IAM policy changed",
//!   "cases": [
//!     { "name": "an admin policy attached to a user",
//!       "expect": "alert", "count": 1,
//!       "events": [ { "eventTime": "2024-05-01T10:00:00Z", "eventSource": "iam.amazonaws.com",
//!                     "eventName": "AttachUserPolicy", "...": "..." } ] },
//!     { "name": "reading a policy", "expect": "no_alert",
//!       "events": [ { "eventName": "GetPolicy", "...": "..." } ] }
//!   ]
//! }
//! ```
//!
//! `rule` names the rule by id or name. Each case runs on its own: a fresh run of that rule
//! alone over the case's events (CloudTrail records, in order), every match reported (no
//! schedule replay). `expect` is `alert` (at least one alert; with `count`, exactly that many)
//! or `no_alert`. A case passes or fails with a description of what fired.

use crate::RuleError;
use serde::Deserialize;
use std::borrow::Cow;
use trailhound_engine::{Alert, Rule, RuleSet, RuntimeOptions, run_in_order};
use trailhound_event::{Event, Origin};

/// A rule test file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TestFile {
    /// The rule's id or name.
    pub rule: String,
    /// The cases.
    pub cases: Vec<TestCase>,
}

/// One case.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TestCase {
    /// What the case shows.
    pub name: String,
    /// What must happen.
    pub expect: Expect,
    /// With `alert`: exactly this many alerts.
    #[serde(default)]
    pub count: Option<usize>,
    /// CloudTrail records, in order.
    pub events: Vec<serde_json::Value>,
}

/// The expected outcome of a case.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Expect {
    /// The rule fires.
    Alert,
    /// The rule stays silent.
    NoAlert,
}

/// The outcome of one case.
#[derive(Debug)]
pub struct CaseResult {
    /// The test file.
    pub file: String,
    /// The rule as named in the file.
    pub rule: String,
    /// The case name.
    pub case: String,
    /// Whether it passed.
    pub passed: bool,
    /// What was expected and what fired, for a failure (or a summary for a pass).
    pub detail: String,
}

/// Parses a test file.
pub fn parse(file: &str, text: &str) -> Result<TestFile, RuleError> {
    serde_json::from_str(text).map_err(|e| {
        let offset = line_col_offset(text, e.line(), e.column());
        RuleError::at(file, text, offset, "rules::test_file", e.to_string())
    })
}

fn line_col_offset(text: &str, line: usize, column: usize) -> usize {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    (start + column.saturating_sub(1)).min(text.len())
}

/// Runs one rule over `events` on its own, every match reported.
pub fn run_rule(rule: &Rule, events: &[serde_json::Value]) -> Result<Vec<Alert>, String> {
    let set = RuleSet::new(vec![rule.clone()]);
    let mut parsed = Vec::with_capacity(events.len());
    for (i, value) in events.iter().enumerate() {
        let text = serde_json::to_string(value).map_err(|e| e.to_string())?;
        let doc: sonic_rs::Value =
            sonic_rs::from_str(&text).map_err(|e| format!("event {}: {e}", i + 1))?;
        let origin = Origin {
            source: 0,
            record: i as u64 + 1,
        };
        parsed.push(Event::new(Cow::Owned(text), doc, origin));
    }
    let options = RuntimeOptions {
        replay: false,
        ..RuntimeOptions::default()
    };
    Ok(run_in_order(&set, options, parsed))
}

fn describe(alerts: &[Alert]) -> String {
    if alerts.is_empty() {
        return "nothing fired".to_owned();
    }
    let parts: Vec<String> = alerts
        .iter()
        .map(|a| {
            let ids: Vec<&str> = a
                .detection
                .events
                .iter()
                .map(|e| e.raw_str(&["eventID"]).unwrap_or("?"))
                .collect();
            format!("alert on [{}]", ids.join(", "))
        })
        .collect();
    format!("{} alert(s): {}", alerts.len(), parts.join("; "))
}

/// Runs every case of `test` against the rule it names among `rules`.
pub fn run_file(file: &str, test: &TestFile, rules: &[Rule]) -> Vec<CaseResult> {
    let rule = rules
        .iter()
        .find(|r| r.meta.id == test.rule || r.meta.name == test.rule);
    test.cases
        .iter()
        .map(|case| {
            let result = |passed: bool, detail: String| CaseResult {
                file: file.to_owned(),
                rule: test.rule.clone(),
                case: case.name.clone(),
                passed,
                detail,
            };
            let Some(rule) = rule else {
                return result(
                    false,
                    format!("no loaded rule has the id or name {:?}", test.rule),
                );
            };
            match run_rule(rule, &case.events) {
                Err(e) => result(false, format!("bad event: {e}")),
                Ok(alerts) => {
                    let fired = describe(&alerts);
                    let passed = match (case.expect, case.count) {
                        (Expect::NoAlert, _) => alerts.is_empty(),
                        (Expect::Alert, Some(n)) => alerts.len() == n,
                        (Expect::Alert, None) => !alerts.is_empty(),
                    };
                    let wanted = match (case.expect, case.count) {
                        (Expect::NoAlert, _) => "no alert".to_owned(),
                        (Expect::Alert, Some(n)) => format!("{n} alert(s)"),
                        (Expect::Alert, None) => "an alert".to_owned(),
                    };
                    result(passed, format!("expected {wanted}; {fired}"))
                }
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{LoadOptions, LoadReport, load_sources};

    const RULE: &str = r#"[metadata]
maturity = "production"
[rule]
rule_id = "t1"
name = "Create user"
description = "d"
severity = "low"
risk_score = 21
type = "query"
language = "kuery"
index = ["logs-aws.cloudtrail-*"]
query = 'event.action: "CreateUser"'
[[rule.threat]]
framework = "MITRE ATT&CK"
[rule.threat.tactic]
id = "TA0003"
name = "Persistence"
reference = "https://attack.mitre.org/tactics/TA0003/"
"#;

    const TESTS: &str = r#"{"rule": "t1", "cases": [
        {"name": "fires", "expect": "alert", "count": 1,
         "events": [{"eventTime": "2024-01-01T00:00:00Z", "eventName": "CreateUser", "eventID": "a"}]},
        {"name": "silent", "expect": "no_alert",
         "events": [{"eventTime": "2024-01-01T00:00:00Z", "eventName": "GetUser", "eventID": "b"}]},
        {"name": "wrong expectation", "expect": "no_alert",
         "events": [{"eventTime": "2024-01-01T00:00:00Z", "eventName": "CreateUser", "eventID": "c"}]}
    ]}"#;

    #[test]
    fn cases_pass_and_fail_with_what_fired() {
        let report = load_sources(
            &[("r.toml".into(), RULE.into())],
            &LoadOptions::default(),
            LoadReport::default(),
        );
        assert_eq!(report.rules.len(), 1);
        let test = parse("r.test.json", TESTS).expect("parses");
        let results = run_file("r.test.json", &test, &report.rules);
        let outcome: Vec<(bool, &str)> = results
            .iter()
            .map(|r| (r.passed, r.detail.as_str()))
            .collect();
        assert_eq!(
            outcome,
            [
                (true, "expected 1 alert(s); 1 alert(s): alert on [a]"),
                (true, "expected no alert; nothing fired"),
                (false, "expected no alert; 1 alert(s): alert on [c]"),
            ]
        );
        let missing = parse(
            "x.test.json",
            r#"{"rule": "nope", "cases": [{"name": "n", "expect": "alert", "events": []}]}"#,
        )
        .expect("parses");
        assert!(!run_file("x", &missing, &report.rules)[0].passed);
    }

    #[test]
    fn malformed_test_files_have_positions() {
        let err = parse("bad.test.json", "{\n  \"rule\": 1\n}").expect_err("bad");
        assert_eq!((err.line, err.code), (2, "rules::test_file"));
    }
}

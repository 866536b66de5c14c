//! Correlation plan construction: reference resolution, aliases, chaining, legacy
//! aggregations, field mapping, alert suppression and rejections.

use super::*;
use crate::{CompileOptions, Document, LoadOptions, RuleKind, compile_rule, parse, parse_pipeline};

const RULES: &str = "\
title: Console login
id: 10000000-0000-0000-0000-000000000001
name: console_login
logsource: {product: aws, service: cloudtrail}
detection:
    selection:
        eventName: ConsoleLogin
    condition: selection
---
title: Create access key
id: 10000000-0000-0000-0000-000000000002
name: create_key
logsource: {product: aws, service: cloudtrail}
detection:
    selection:
        eventName: CreateAccessKey
    condition: selection
---
title: Many list calls
id: 10000000-0000-0000-0000-000000000003
name: many_lists
logsource: {product: aws, service: cloudtrail}
detection:
    selection:
        eventName|startswith: List
    timeframe: 10m
    condition: selection | count() by sourceIPAddress > 5
---
title: Near
id: 10000000-0000-0000-0000-000000000004
name: near_rule
logsource: {product: aws, service: cloudtrail}
detection:
    a:
        eventName: A
    b:
        eventName: B
    condition: a | near b
";

/// Compiles `RULES` plus `extra` (correlation documents) and plans them.
fn plan_with(extra: &str, options: &CompileOptions) -> (Vec<CompiledRule>, Planned) {
    let text = format!("{RULES}---\n{extra}");
    let file = parse(&text, &LoadOptions::default()).unwrap_or_else(|e| {
        panic!(
            "{}",
            e.iter().map(|d| d.render("t", &text)).collect::<String>()
        )
    });
    let mut rules = Vec::new();
    let mut correlations = Vec::new();
    for d in file.documents {
        match d {
            Document::Rule(r) => {
                rules.push(compile_rule(&r, options).unwrap_or_else(|e| panic!("{e:?}")))
            }
            Document::Correlation(c) => correlations.push(*c),
            Document::Filter(_) => {}
        }
    }
    let planned = plan_correlations(&rules, &correlations, options);
    (rules, planned)
}

fn plan(extra: &str) -> (Vec<CompiledRule>, Planned) {
    plan_with(extra, &CompileOptions::default())
}

fn field(name: &str) -> KeySource {
    KeySource::Field(raw_field(name))
}

fn codes(p: &Planned) -> Vec<(String, Vec<&'static str>)> {
    p.rejected
        .iter()
        .map(|r| {
            (
                r.title.clone(),
                r.diagnostics.iter().map(|d| d.code).collect(),
            )
        })
        .collect()
}

#[test]
fn legacy_aggregations_become_plans() {
    let (rules, p) = plan(
        "title: nothing\ncorrelation:\n  type: event_count\n  rules: console_login\n  timespan: 1h\n  condition: {gte: 100}\n",
    );
    assert_eq!(
        rules[2].kind,
        match &rules[2].kind {
            RuleKind::Aggregation(_) => rules[2].kind.clone(),
            other => panic!("{other:?}"),
        }
    );
    let legacy = &p.plans[0];
    assert_eq!(
        legacy,
        &CorrelationPlan {
            title: "Many list calls".into(),
            id: Some("10000000-0000-0000-0000-000000000003".into()),
            name: Some("many_lists".into()),
            level: None,
            origin: PlanOrigin::LegacyAggregation(2),
            kind: CorrelationType::EventCount,
            inputs: vec![PlanInput {
                reference: "Many list calls".into(),
                source: InputSource::Rule(2),
                group_by: vec![field("sourceIPAddress")],
                values: vec![],
            }],
            group_by: vec!["sourceIPAddress".into()],
            timespan_ms: 600_000,
            bounds: vec![Bound {
                op: CorrOp::Gt,
                value: 5.0
            }],
            value_fields: vec![],
            percentile: None,
            generate: false,
        }
    );
    // The `near` rule is not planned; it is unsupported on its own.
    assert_eq!(p.plans.len(), 2);
    assert!(p.rejected.is_empty(), "{:?}", p.rejected);
    // Legacy aggregation rules never alert alone; unsupported rules never run.
    assert!(!p.rule_alerts(&rules, 2));
    assert!(!p.rule_alerts(&rules, 3));
    assert!(p.rule_alerts(&rules, 1));
    assert!(!p.rule_alerts(&rules, 0), "referenced with generate: false");
    assert!(!p.rule_alerts(&rules, 99));
}

#[test]
fn event_and_value_counts() {
    let (_, p) = plan(
        "title: brute force
id: 20000000-0000-0000-0000-000000000001
level: high
correlation:
  type: event_count
  rules: [10000000-0000-0000-0000-000000000001]
  group-by: [sourceIPAddress, userIdentity.arn]
  timespan: 5m
  condition: {gte: 10, lt: 100}
---
title: many users
correlation:
  type: value_count
  rules: console_login
  group-by: [sourceIPAddress]
  timespan: 2h
  condition: {gt: 3, field: userIdentity.arn}
  generate: true
",
    );
    assert_eq!(p.plans.len(), 3);
    let bf = &p.plans[1];
    assert_eq!(bf.origin, PlanOrigin::Correlation);
    assert_eq!(bf.level, Some(Level::High));
    assert_eq!(bf.kind, CorrelationType::EventCount);
    assert_eq!(bf.timespan_ms, 300_000);
    assert_eq!(
        bf.bounds,
        [
            Bound {
                op: CorrOp::Gte,
                value: 10.0
            },
            Bound {
                op: CorrOp::Lt,
                value: 100.0
            }
        ]
    );
    assert_eq!(
        bf.inputs,
        [PlanInput {
            reference: "10000000-0000-0000-0000-000000000001".into(),
            source: InputSource::Rule(0),
            group_by: vec![field("sourceIPAddress"), field("userIdentity.arn")],
            values: vec![],
        }]
    );
    let vc = &p.plans[2];
    assert_eq!(vc.kind, CorrelationType::ValueCount);
    assert_eq!(vc.value_fields, ["userIdentity.arn"]);
    assert_eq!(vc.inputs[0].values, [field("userIdentity.arn")]);
    assert!(vc.generate);
    assert_eq!(vc.timespan_ms, 7_200_000);
}

#[test]
fn generate_true_on_any_referencing_plan_keeps_rule_alerts() {
    let (rules, p) = plan(
        "title: a
correlation: {type: event_count, rules: console_login, timespan: 1m, condition: {gte: 2}}
---
title: b
correlation: {type: event_count, rules: console_login, timespan: 1m, condition: {gte: 3}, generate: true}
",
    );
    assert!(p.rule_alerts(&rules, 0));
    let (rules, p) = plan(
        "title: a
correlation: {type: event_count, rules: console_login, timespan: 1m, condition: {gte: 2}}
",
    );
    assert!(!p.rule_alerts(&rules, 0));
}

#[test]
fn temporal_with_aliases_and_chaining() {
    // The chained correlation is written first: plans are still ordered by dependency.
    let (_, p) = plan(
        "title: outer
correlation:
  type: event_count
  rules: login_then_key
  group-by: [user]
  timespan: 1d
  condition: {gte: 2}
---
title: login then key
name: login_then_key
correlation:
  type: temporal_ordered
  rules: [console_login, create_key]
  group-by: [user, sourceIPAddress]
  timespan: 10m
  aliases:
    user:
      console_login: userIdentity.arn
      10000000-0000-0000-0000-000000000002: requestParameters.userName
",
    );
    assert!(p.rejected.is_empty(), "{:?}", p.rejected);
    let inner = &p.plans[1];
    assert_eq!(inner.title, "login then key");
    assert_eq!(inner.kind, CorrelationType::TemporalOrdered);
    // Temporal types default to "all referenced rules".
    assert_eq!(
        inner.bounds,
        [Bound {
            op: CorrOp::Gte,
            value: 2.0
        }]
    );
    assert_eq!(inner.group_by, ["user", "sourceIPAddress"]);
    assert_eq!(
        inner
            .inputs
            .iter()
            .map(|i| (i.source, i.group_by.clone()))
            .collect::<Vec<_>>(),
        [
            (
                InputSource::Rule(0),
                vec![field("userIdentity.arn"), field("sourceIPAddress")]
            ),
            (
                InputSource::Rule(1),
                vec![
                    field("requestParameters.userName"),
                    field("sourceIPAddress")
                ]
            ),
        ]
    );
    let outer = &p.plans[2];
    assert_eq!(outer.title, "outer");
    assert_eq!(outer.inputs[0].source, InputSource::Correlation(1));
    assert_eq!(outer.inputs[0].group_by, [KeySource::Group(0)]);
    // The chained correlation fires into the outer one only.
    assert!(!p.plan_alerts(1));
    assert!(p.plan_alerts(2));
    assert!(!p.plan_alerts(9));
}

#[test]
fn correlations_over_legacy_aggregation_rules_chain_their_plan() {
    let (_, p) = plan(
        "title: lists twice
correlation:
  type: event_count
  rules: many_lists
  group-by: [sourceIPAddress]
  timespan: 1h
  condition: {gte: 2}
",
    );
    assert!(p.rejected.is_empty(), "{:?}", p.rejected);
    assert_eq!(p.plans[1].inputs[0].source, InputSource::Correlation(0));
    assert_eq!(p.plans[1].inputs[0].group_by, [KeySource::Group(0)]);
}

#[test]
fn group_by_names_go_through_the_field_mapping_of_each_rule() {
    let pipeline = parse_pipeline(
        "logsource: {product: aws, service: cloudtrail}\nfield_mappings:\n  src_ip: sourceIPAddress\n",
    )
    .unwrap_or_else(|e| panic!("{e:?}"));
    let opts = CompileOptions {
        pipeline: Some(pipeline),
        ..CompileOptions::default()
    };
    let (_, p) = plan_with(
        "title: by src
correlation: {type: event_count, rules: console_login, group-by: [src_ip], timespan: 1m, condition: {gte: 2}}
",
        &opts,
    );
    assert_eq!(p.plans[1].group_by, ["src_ip"]);
    assert_eq!(p.plans[1].inputs[0].group_by, [field("sourceIPAddress")]);
}

#[test]
fn unresolvable_correlations_are_rejected_with_reasons() {
    let (_, p) = plan(
        "title: unknown
correlation: {type: event_count, rules: [nope], timespan: 1m, condition: {gte: 2}}
---
title: unsupported
correlation: {type: event_count, rules: [near_rule], timespan: 1m, condition: {gte: 2}}
---
title: alias gap
correlation:
  type: temporal
  rules: [console_login, create_key]
  group-by: [user]
  timespan: 1m
  aliases:
    user:
      console_login: userIdentity.arn
---
title: cycle one
name: c1
correlation: {type: event_count, rules: [c2], timespan: 1m, condition: {gte: 2}}
---
title: cycle two
name: c2
correlation: {type: event_count, rules: [c1], timespan: 1m, condition: {gte: 2}}
---
title: depends on rejected
correlation: {type: event_count, rules: [bad_group], timespan: 1m, condition: {gte: 2}}
---
title: not carried
name: bad_group
correlation: {type: event_count, rules: [inner], group-by: [userIdentity.arn], timespan: 1m, condition: {gte: 2}}
---
title: inner
name: inner
correlation: {type: event_count, rules: [console_login], group-by: [sourceIPAddress], timespan: 1m, condition: {gte: 2}}
",
    );
    let mut got = codes(&p);
    got.sort();
    assert_eq!(
        got,
        [
            ("alias gap".to_string(), vec!["sigma::correlation_alias"]),
            ("cycle one".to_string(), vec!["sigma::correlation_cycle"]),
            ("cycle two".to_string(), vec!["sigma::correlation_cycle"]),
            (
                "depends on rejected".to_string(),
                vec!["sigma::correlation_reference"]
            ),
            (
                "not carried".to_string(),
                vec!["sigma::correlation_group_by"]
            ),
            ("unknown".to_string(), vec!["sigma::correlation_reference"]),
            (
                "unsupported".to_string(),
                vec!["sigma::correlation_reference"]
            ),
        ]
    );
    let msg = |title: &str| {
        p.rejected
            .iter()
            .find(|r| r.title == title)
            .map(|r| r.diagnostics[0].message.clone())
            .unwrap_or_default()
    };
    assert_eq!(
        msg("unknown"),
        "no rule or correlation has the id or name `nope`"
    );
    assert_eq!(
        msg("unsupported"),
        "rule `near_rule` is not supported: `near` correlates search identifiers of one rule, not rules"
    );
    assert_eq!(
        msg("alias gap"),
        "alias `user` gives no field for `create_key`"
    );
    assert_eq!(
        msg("not carried"),
        "correlation `inner` does not group by `userIdentity.arn`"
    );
    assert_eq!(
        msg("depends on rejected"),
        "correlation `bad_group` was rejected"
    );
    // The sound one is planned.
    assert_eq!(
        p.plans.iter().map(|p| p.title.as_str()).collect::<Vec<_>>(),
        ["Many list calls", "inner"]
    );
}

#[test]
fn ambiguous_references_are_rejected() {
    let (_, p) = plan(
        "title: twin
name: console_login
correlation: {type: event_count, rules: [create_key], timespan: 1m, condition: {gte: 2}}
---
title: which
correlation: {type: event_count, rules: [console_login], timespan: 1m, condition: {gte: 2}}
",
    );
    assert_eq!(
        codes(&p),
        [("which".to_string(), vec!["sigma::correlation_reference"])]
    );
    assert_eq!(
        p.rejected[0].diagnostics[0].message,
        "`console_login` names several rules or correlations"
    );
}

#[test]
fn bounds_hold() {
    let cases = [
        (CorrOp::Gt, 5.0, 6.0, true),
        (CorrOp::Gt, 5.0, 5.0, false),
        (CorrOp::Gte, 5.0, 5.0, true),
        (CorrOp::Lt, 5.0, 4.0, true),
        (CorrOp::Lt, 5.0, 5.0, false),
        (CorrOp::Lte, 5.0, 5.0, true),
        (CorrOp::Eq, 5.0, 5.0, true),
        (CorrOp::Eq, 5.0, 4.0, false),
        (CorrOp::Neq, 5.0, 4.0, true),
        (CorrOp::Neq, 5.0, 5.0, false),
    ];
    for (op, value, aggregate, want) in cases {
        let b = Bound { op, value };
        assert_eq!(b.holds(aggregate), want, "{op:?} {value} on {aggregate}");
        assert_eq!(b.is_lower_bound(), matches!(op, CorrOp::Gt | CorrOp::Gte));
    }
}

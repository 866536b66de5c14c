//! File-level tests: documents, collections, correlations, filters, errors with positions and
//! the CloudTrail corpus.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use trailhound_syntax::LineCol;

use super::*;

fn ok(text: &str) -> SigmaFile {
    parse(text, &LoadOptions::default()).unwrap_or_else(|e| {
        panic!(
            "{}",
            e.iter().map(|d| d.render("t", text)).collect::<String>()
        )
    })
}

fn rules(file: &SigmaFile) -> Vec<&Rule> {
    file.documents
        .iter()
        .filter_map(|d| match d {
            Document::Rule(r) => Some(&**r),
            _ => None,
        })
        .collect()
}

/// (code, line, column, message) of every error.
fn errors(text: &str) -> Vec<(&'static str, usize, usize, String)> {
    match parse(text, &LoadOptions::default()) {
        Ok(_) => panic!("accepted:\n{text}"),
        Err(e) => e
            .into_iter()
            .map(|d| {
                let at = LineCol::of(text, d.span.start);
                (d.code, at.line, at.column, d.message)
            })
            .collect(),
    }
}

const RULE: &str = "\
title: Test rule
id: 929a690e-bef0-4204-a928-ef5e620d6fcc
name: test_rule
status: test
description: d
license: DRL-1.1
references:
    - https://example.com
author: someone
date: 2024-01-02
modified: 2024/1/3
tags:
    - attack.t1078
related:
    - id: 08fbc97d-0a2f-491c-ae21-8ffcfd3174e9
      type: derived
logsource:
    product: aws
    service: cloudtrail
    definition: raw records
    custom_ls: 1
detection:
    selection:
        eventName: 'ConsoleLogin'
    condition: selection
fields:
    - sourceIPAddress
falsepositives: Unknown
level: high
scope:
    - server
x-custom:
    nested: [1, 2]
";

#[test]
fn metadata_is_kept() {
    let file = ok(RULE);
    let r = rules(&file)[0];
    let m = &r.meta;
    assert_eq!(m.title.value, "Test rule");
    assert_eq!(
        m.id.as_ref().map(|s| s.value.as_str()),
        Some("929a690e-bef0-4204-a928-ef5e620d6fcc")
    );
    assert_eq!(m.name.as_ref().map(|s| s.value.as_str()), Some("test_rule"));
    assert_eq!(m.status.as_ref().map(|s| s.value.as_str()), Some("test"));
    assert_eq!(
        m.license.as_ref().map(|s| s.value.as_str()),
        Some("DRL-1.1")
    );
    assert_eq!(
        m.date.as_ref().map(|s| s.value.as_str()),
        Some("2024-01-02")
    );
    assert_eq!(
        m.modified.as_ref().map(|s| s.value.as_str()),
        Some("2024/1/3")
    );
    assert_eq!(m.references.len(), 1);
    assert_eq!(m.tags[0].value, "attack.t1078");
    assert_eq!(
        (m.related[0].kind.value.as_str(), m.related.len()),
        ("derived", 1)
    );
    assert_eq!(m.falsepositives[0].value, "Unknown");
    assert_eq!(m.level.as_ref().map(|l| l.value), Some(Level::High));
    assert_eq!(m.fields[0].value, "sourceIPAddress");
    assert_eq!(m.scope[0].value, "server");
    assert_eq!(m.custom.len(), 1);
    assert_eq!(
        (m.custom[0].0.as_str(), m.custom[0].1.to_string()),
        ("x-custom", "{nested: [1, 2]}".to_string())
    );
    assert_eq!(r.logsource.get("product"), Some("aws"));
    assert_eq!(r.logsource.get("service"), Some("cloudtrail"));
    assert_eq!(r.logsource.get("definition"), Some("raw records"));
    assert_eq!(r.logsource.custom[0].0, "custom_ls");
    assert!(file.warnings.is_empty(), "{:?}", file.warnings);
    // Positions: the title value is on line 1, column 8.
    assert_eq!(
        LineCol::of(RULE, m.title.span.start),
        LineCol { line: 1, column: 8 }
    );
}

#[test]
fn search_identifier_shapes() {
    let text = "title: t\nlogsource: {product: aws}\ndetection:\n    maps:\n        - a: 1\n        - b: 2\n          c: 3\n    keywords:\n        - evil\n        - 42\n    one: single\n    and_keywords:\n        '|all': [x, y]\n    mixed:\n        - kw\n        - f: v\n    _hidden: {z: 1}\n    condition: 1 of them\n";
    let file = ok(text);
    let det = &rules(&file)[0].detection;
    let shape = |name: &str| match det.identifier(name).map(|i| &i.definition) {
        Some(SearchDef::AllOf { items, .. }) => format!("all{}", items.len()),
        Some(SearchDef::AnyOf { items, .. }) => format!(
            "any[{}]",
            items
                .iter()
                .map(|i| match i {
                    SearchDef::AllOf { items, .. } => format!("all{}", items.len()),
                    SearchDef::AnyOf { .. } => "any".into(),
                    SearchDef::Keywords(_) => "kw".into(),
                })
                .collect::<Vec<_>>()
                .join(",")
        ),
        Some(SearchDef::Keywords(item)) => match &item.matcher {
            Matcher::Str(s) => format!("kw{}{}", s.groups.len(), if s.all { "all" } else { "" }),
            _ => "kw?".into(),
        },
        None => "none".into(),
    };
    assert_eq!(shape("maps"), "any[all1,all2]");
    assert_eq!(shape("keywords"), "kw2");
    assert_eq!(shape("one"), "kw1");
    assert_eq!(shape("and_keywords"), "all1");
    assert_eq!(shape("mixed"), "any[kw,all1]");
    // Keyword values are searched as substrings.
    let kw = match det.identifier("keywords").map(|i| &i.definition) {
        Some(SearchDef::Keywords(item)) => item.matcher.clone(),
        other => panic!("{other:?}"),
    };
    let expected = Matcher::Str(StrMatch {
        cased: false,
        all: false,
        groups: vec![
            Group {
                alternatives: vec![StrValue::Contains("evil".into())],
                span: Default::default(),
            },
            Group {
                alternatives: vec![StrValue::Contains("42".into())],
                span: Default::default(),
            },
        ],
    });
    assert_eq!(kw, expected);
    let them: Vec<&str> = det.resolve_target(&OfTarget::Them);
    assert_eq!(them, ["maps", "keywords", "one", "and_keywords", "mixed"]);
    assert_eq!(
        det.resolve_target(&OfTarget::Pattern("_*".into())),
        ["_hidden"]
    );
    assert_eq!(det.resolve_target(&OfTarget::Pattern("*".into())).len(), 5);
}

#[test]
fn collection_actions() {
    let text = "\
action: global
title: Base
logsource: {product: aws, service: cloudtrail}
detection:
    selection:
        eventSource: s3.amazonaws.com
    condition: selection
level: low
---
action: global
level: high
---
title: First
detection:
    sel2:
        eventName: A
level: medium
---
action: repeat
title: Second
detection:
    sel2:
        eventName: B
---
action: reset
---
title: Third
logsource: {product: gcp}
detection:
    x:
        f: v
    condition: x
";
    let file = ok(text);
    let rs = rules(&file);
    type Summary = (String, Option<Level>, Vec<String>, Option<String>);
    let summary: Vec<Summary> = rs
        .iter()
        .map(|r| {
            (
                r.meta.title.value.clone(),
                r.meta.level.as_ref().map(|l| l.value),
                r.detection
                    .identifiers
                    .iter()
                    .map(|i| i.name.clone())
                    .collect(),
                r.logsource.get("product").map(str::to_string),
            )
        })
        .collect();
    // The template wins on conflicting scalars (title, level): sigmac and pySigma merge it last.
    assert_eq!(
        summary,
        vec![
            (
                "Base".to_string(),
                Some(Level::High),
                vec!["sel2".to_string(), "selection".to_string()],
                Some("aws".to_string())
            ),
            (
                "Second".to_string(),
                Some(Level::High),
                vec!["sel2".to_string(), "selection".to_string()],
                Some("aws".to_string())
            ),
            (
                "Third".to_string(),
                None,
                vec!["x".to_string()],
                Some("gcp".to_string())
            ),
        ]
    );
    let second_sel2 = match rs[1].detection.identifier("sel2").map(|i| &i.definition) {
        Some(SearchDef::AllOf { items, .. }) => items[0].matcher.clone(),
        other => panic!("{other:?}"),
    };
    assert_eq!(
        second_sel2,
        Matcher::Str(StrMatch {
            cased: false,
            all: false,
            groups: vec![Group {
                alternatives: vec![StrValue::Exact("B".into())],
                span: Default::default()
            }]
        })
    );
}

#[test]
fn collection_errors() {
    assert_eq!(
        errors("action: repeat\ntitle: x\n"),
        vec![(
            "sigma::repeat_without_rule",
            1,
            9,
            "`action: repeat` needs a rule before it".to_string()
        )]
    );
    assert_eq!(
        errors("action: merge\n"),
        vec![(
            "sigma::unknown_action",
            1,
            9,
            "unknown collection action `merge`".to_string()
        )]
    );
    assert_eq!(
        errors("- a\n"),
        vec![(
            "sigma::not_a_mapping",
            1,
            1,
            "a Sigma document must be a mapping, not a list".to_string()
        )]
    );
    assert_eq!(
        errors("---\n"),
        vec![(
            "sigma::empty_file",
            1,
            1,
            "the file has no Sigma document".to_string()
        )]
    );
}

const CORRELATION: &str = "\
title: Correlation - Multiple Failed Logins Followed by Successful Login
id: b180ead8-d58f-40b2-ae54-c8940995b9b6
status: experimental
correlation:
    type: temporal_ordered
    rules:
        - multiple_failed_login
        - successful_login
    group-by:
        - User
    timespan: 10m
    generate: true
falsepositives:
    - Unlikely
level: high
---
title: Multiple failed logons
id: a8418a5a-5fc4-46b5-b23b-6c73beb19d41
name: multiple_failed_login
correlation:
    type: event_count
    rules:
        - failed_login
    group-by:
        - User
    timespan: 10m
    condition:
        gte: 10
---
title: Single failed login
name: failed_login
logsource:
    product: windows
    service: security
detection:
    selection:
        EventID:
            - 529
            - 4625
    condition: selection
---
title: Exfiltration
correlation:
    type: value_percentile
    rules: website_access
    group-by: [SourceIP]
    timespan: 1h
    aliases:
        ip:
            website_access: source.ip
            other: destination.ip
    condition:
        field: bytes_sent
        percentile: 95
        gt: 100
        lte: 200
";

#[test]
fn correlation_documents() {
    let file = ok(CORRELATION);
    let corr: Vec<&CorrelationRule> = file
        .documents
        .iter()
        .filter_map(|d| match d {
            Document::Correlation(c) => Some(&**c),
            _ => None,
        })
        .collect();
    assert_eq!((corr.len(), rules(&file).len()), (3, 1));
    let c0 = &corr[0].correlation;
    assert_eq!(c0.kind, CorrelationType::TemporalOrdered);
    assert_eq!(
        c0.rules
            .iter()
            .map(|r| r.value.as_str())
            .collect::<Vec<_>>(),
        ["multiple_failed_login", "successful_login"]
    );
    assert_eq!(c0.group_by[0].value, "User");
    assert_eq!(c0.timespan.seconds(), Some(600));
    assert!(c0.generate);
    assert!(c0.condition.implicit);
    assert_eq!(c0.condition.bounds, vec![(CorrOp::Gte, Number::Int(2))]);
    assert_eq!(
        corr[0].meta.level.as_ref().map(|l| l.value),
        Some(Level::High)
    );
    let c1 = &corr[1].correlation;
    assert_eq!(
        (c1.kind, c1.condition.bounds.clone(), c1.generate),
        (
            CorrelationType::EventCount,
            vec![(CorrOp::Gte, Number::Int(10))],
            false
        )
    );
    assert_eq!(
        corr[1].meta.name.as_ref().map(|n| n.value.as_str()),
        Some("multiple_failed_login")
    );
    let c2 = &corr[2].correlation;
    assert_eq!(c2.kind, CorrelationType::ValuePercentile);
    assert_eq!(c2.rules[0].value, "website_access");
    assert_eq!(c2.condition.fields[0].value, "bytes_sent");
    assert_eq!(c2.condition.percentile, Some(95));
    assert_eq!(
        c2.condition.bounds,
        vec![
            (CorrOp::Gt, Number::Int(100)),
            (CorrOp::Lte, Number::Int(200))
        ]
    );
    assert_eq!(c2.aliases[0].alias.value, "ip");
    assert_eq!(
        c2.aliases[0]
            .fields
            .iter()
            .map(|(r, f)| (r.value.as_str(), f.value.as_str()))
            .collect::<Vec<_>>(),
        [("website_access", "source.ip"), ("other", "destination.ip")]
    );
}

#[test]
fn correlation_errors() {
    let doc = |body: &str| format!("title: c\ncorrelation:\n{body}");
    let cases: Vec<(String, &str, usize, usize, &str)> = vec![
        (
            doc(
                "    type: event_sum\n    rules: [a]\n    group-by: [u]\n    timespan: 1h\n    condition: {gt: 1}\n",
            ),
            "sigma::unknown_correlation_type",
            3,
            11,
            "unknown correlation type `'event_sum'`",
        ),
        (
            doc(
                "    type: event_count\n    rules: [a]\n    group-by: [u]\n    timespan: 1y\n    condition: {gt: 1}\n",
            ),
            "sigma::bad_timespan",
            6,
            15,
            "invalid timespan `1y`",
        ),
        (
            doc("    type: event_count\n    rules: [a]\n    group-by: [u]\n    timespan: 1h\n"),
            "sigma::missing_key",
            3,
            5,
            "correlation has no `condition`",
        ),
        (
            doc(
                "    type: value_count\n    rules: [a]\n    group-by: [u]\n    timespan: 1h\n    condition: {gt: 1}\n",
            ),
            "sigma::correlation_condition",
            7,
            16,
            "`value_count` needs `field` in its condition",
        ),
        (
            doc(
                "    type: event_count\n    rules: [a]\n    group-by: [u]\n    timespan: 1h\n    condition: {gt: 1, gte: 2}\n",
            ),
            "sigma::correlation_condition",
            7,
            16,
            "two comparisons must form a range",
        ),
        (
            doc(
                "    type: event_count\n    rules: [a]\n    group-by: [u]\n    timespan: 1h\n    condition: {gt: x}\n",
            ),
            "sigma::correlation_condition",
            7,
            21,
            "`gt` needs a number, not a string",
        ),
        (
            doc(
                "    type: value_percentile\n    rules: [a]\n    group-by: [u]\n    timespan: 1h\n    condition: {field: f, lte: 1}\n",
            ),
            "sigma::correlation_condition",
            7,
            16,
            "`value_percentile` needs `percentile` in its condition",
        ),
        (
            doc(
                "    type: event_count\n    rules: [a]\n    group-by: [u]\n    timespan: 1h\n    condition: {gt: 1}\n    generate: yes\n",
            ),
            "sigma::wrong_type",
            8,
            15,
            "`generate` must be true or false, not a string",
        ),
        (
            doc("    type: temporal\n    group-by: [u]\n    timespan: 1h\n"),
            "sigma::missing_key",
            3,
            5,
            "correlation has no `rules`",
        ),
    ];
    for (text, code, line, col, msg) in cases {
        let errs = errors(&text);
        assert_eq!(
            errs.first().map(|e| (e.0, e.1, e.2, e.3.as_str())),
            Some((code, line, col, msg)),
            "{text}"
        );
    }
    let warned = ok(&doc(
        "    type: event_count\n    rules: [a]\n    timespan: 1h\n    condition: {gt: 1}\n    extra: 1\n",
    ));
    assert_eq!(
        warned.warnings.iter().map(|d| d.code).collect::<Vec<_>>(),
        ["sigma::lint_unknown_key", "sigma::lint_missing_group_by"]
    );
}

#[test]
fn filter_documents() {
    let text = "\
title: Filter Administrator account
logsource:
    product: aws
filter:
    rules:
        - 6f3e2987-db24-4c78-a860-b4f4095a7095
        - some_rule_name
    selection:
        userIdentity.userName|startswith: 'adm_'
    condition: not selection
---
title: Any
logsource: {product: aws}
filter:
    rules: any
    sel: {f: x}
    condition: sel
";
    let file = ok(text);
    let filters: Vec<&FilterRule> = file
        .documents
        .iter()
        .filter_map(|d| match d {
            Document::Filter(f) => Some(&**f),
            _ => None,
        })
        .collect();
    assert_eq!(filters.len(), 2);
    match &filters[0].targets {
        FilterTargets::Rules(r) => assert_eq!(
            r.iter().map(|s| s.value.as_str()).collect::<Vec<_>>(),
            ["6f3e2987-db24-4c78-a860-b4f4095a7095", "some_rule_name"]
        ),
        FilterTargets::Any => panic!("expected rule list"),
    }
    assert_eq!(filters[0].detection.identifiers.len(), 1);
    assert_eq!(
        filters[0].detection.conditions[0].to_string(),
        "not selection"
    );
    assert_eq!(filters[1].targets, FilterTargets::Any);
    // The second filter's condition has no `not`: it would restrict, not suppress.
    assert_eq!(
        file.warnings
            .iter()
            .map(|d| (d.code, LineCol::of(text, d.span.start).line))
            .collect::<Vec<_>>(),
        [("sigma::lint_filter_without_not", 17)]
    );
    assert_eq!(errors("title: f\nlogsource: {product: aws}\nfilter:\n    sel: {f: x}\n    condition: not sel\n")[0].3, "the filter has no `rules`");
}

#[test]
fn document_errors_point_at_the_cause() {
    let base =
        |detection: &str| format!("title: t\nlogsource: {{product: aws}}\ndetection:\n{detection}");
    let cases: Vec<(String, &str, usize, usize, &str)> = vec![
        (base("    sel: {f: x}\n    condition: sel and filter\n"), "sigma::undefined_identifier", 5, 24, "undefined search identifier `filter`"),
        (base("    sel: {f: x}\n    condition: sel AND sel\n"), "sigma::condition_syntax", 5, 20, "unexpected `AND` after a complete expression"),
        (base("    sel: {f: x}\n    condition: 1 of filter_*\n"), "sigma::pattern_matches_nothing", 5, 16, "`filter_*` matches no search identifier"),
        (base("    _sel: {f: x}\n    condition: 1 of them\n"), "sigma::pattern_matches_nothing", 5, 16, "`them`: every search identifier starts with `_`"),
        (base("    sel: {f: x}\n    condition: sel and (sel\n"), "sigma::condition_syntax", 5, 28, "expected `)`, found end of condition"),
        (base("    sel: {f: x}\n"), "sigma::missing_key", 4, 5, "the detection has no `condition`"),
        (base("    sel: {f: x}\n    condition: 5\n"), "sigma::wrong_type", 5, 16, "a condition must be a string, not a number"),
        (base("    sel:\n    condition: sel\n"), "sigma::empty_search", 4, 5, "search identifier `sel` has no definition"),
        (base("    sel: {}\n    condition: sel\n"), "sigma::empty_search", 4, 10, "search identifier `sel` is empty"),
        (base("    condition: sel\n"), "sigma::empty_detection", 4, 5, "the detection defines no search identifier"),
        (base("    sel: {f: x}\n    timeframe: 5 minutes\n    condition: sel\n"), "sigma::bad_timespan", 5, 16, "invalid timespan `5 minutes`"),
        (base("    sel: {f: x}\n    condition: sel | near other\n"), "sigma::undefined_identifier", 5, 27, "undefined search identifier `other`"),
        (base("    sel:\n        f: x\n        f: y\n    condition: sel\n"), "sigma::duplicate_key", 6, 9, "duplicate key `f`"),
        (base("    sel: {f: [a, null]}\n    condition: sel\n"), "sigma::null_in_list", 4, 18, "`null` cannot be part of a list of values"),
        (base("    sel: {f|all: a}\n    condition: sel\n"), "sigma::all_single_value", 4, 13, "`all` needs a list of at least two values"),
        (base("    sel: {f|startwith: a}\n    condition: sel\n"), "sigma::unknown_modifier", 4, 13, "unknown modifier `startwith`"),
        ("logsource: {product: aws}\ndetection: {s: {f: x}, condition: s}\n".to_string(), "sigma::missing_key", 1, 1, "the document has no `title`"),
        ("title: t\ndetection: {s: {f: x}, condition: s}\n".to_string(), "sigma::missing_key", 1, 1, "the document has no `logsource`"),
        ("title: t\nlogsource: {definition: x}\ndetection: {s: {f: x}, condition: s}\n".to_string(), "sigma::empty_logsource", 2, 12, "`logsource` needs a category, product or service"),
        ("title: t\nlevel: severe\nlogsource: {product: x}\ndetection: {s: {f: x}, condition: s}\n".to_string(), "sigma::unknown_level", 2, 8, "unknown level `severe`"),
        ("title: [t]\nlogsource: {product: x}\ndetection: {s: {f: x}, condition: s}\n".to_string(), "sigma::wrong_type", 1, 8, "`title` must be a string, not a list"),
    ];
    for (text, code, line, col, msg) in cases {
        let errs = errors(&text);
        assert_eq!(
            errs.first().map(|e| (e.0, e.1, e.2, e.3.as_str())),
            Some((code, line, col, msg)),
            "{text}"
        );
    }
}

#[test]
fn condition_lists_and_utf8_positions() {
    let text = "title: ünïcödé\nlogsource: {product: aws}\ndetection:\n    a: {f: x}\n    b: {g: y}\n    condition:\n        - a\n        - b and not a\n";
    let file = ok(text);
    let conds: Vec<String> = rules(&file)[0]
        .detection
        .conditions
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(conds, ["a", "b and not a"]);
    // Byte offsets after multi-byte characters still give the right column.
    let bad = "title: ünïcödé\nlogsource: {product: aws}\ndetection: {a: {f: x}, condition: 'ä'}\n";
    let e = &errors(bad)[0];
    assert_eq!((e.0, e.1, e.2), ("sigma::condition_syntax", 3, 36));
    let bad = "title: 'ü'\nlogsource: {product: aws}\ndetection: {a: {f|é: x}, condition: a}\n";
    let e = &errors(bad)[0];
    assert_eq!((e.0, e.1, e.2), ("sigma::unknown_modifier", 3, 19));
}

#[test]
fn deeply_nested_search_lists_do_not_overflow() {
    let depth = 200;
    let text = format!(
        "title: t\nlogsource: {{product: aws}}\ndetection:\n    sel: {}{{f: x}}{}\n    condition: sel\n",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    let file = ok(&text);
    let mut def = &rules(&file)[0].detection.identifiers[0].definition;
    let mut levels = 0;
    while let SearchDef::AnyOf { items, .. } = def {
        levels += 1;
        def = &items[0];
    }
    assert_eq!(levels, depth);
}

#[test]
fn several_errors_are_reported_together() {
    let text = "title: t\nlogsource: {product: aws}\ndetection:\n    a: {f|nope: x}\n    b: {g: [null]}\n    condition: a and b\n";
    let codes: Vec<&str> = errors(text).into_iter().map(|e| e.0).collect();
    assert_eq!(codes, ["sigma::unknown_modifier", "sigma::null_in_list"]);
}

#[test]
fn quoted_condition_positions_and_folded_fallback() {
    let text = "title: t\nlogsource: {product: aws}\ndetection:\n    sel: {f: x}\n    condition: 'sel and nope'\n";
    assert_eq!(errors(text)[0].1..=errors(text)[0].2, 5..=25);
    // A folded block scalar is not verbatim in the file: the whole scalar is reported.
    let folded = "title: t\nlogsource: {product: aws}\ndetection:\n    sel: {f: x}\n    condition: >\n        sel and\n        nope\n";
    let e = &errors(folded)[0];
    assert_eq!((e.0, e.1, e.2), ("sigma::undefined_identifier", 6, 9));
}

#[test]
fn pipeline_mapping_is_applied() {
    let pipeline = parse_pipeline(
        "logsource: {product: aws, service: cloudtrail}\nfield_mappings:\n  src_ip: sourceIPAddress\n  user: userIdentity.arn\nplaceholders:\n  Nets: ['10.*']\n",
    )
    .unwrap_or_else(|e| panic!("{e:?}"));
    let text = "title: t\nlogsource: {product: aws, service: cloudtrail}\ndetection:\n    sel:\n        src_ip|expand: '%Nets%'\n        other|fieldref: user\n    condition: sel | count(user) by src_ip > 3\n    timeframe: 5m\nfields: [src_ip]\n";
    let mut file = parse(text, &pipeline.load_options()).unwrap_or_else(|e| panic!("{e:?}"));
    for d in &mut file.documents {
        pipeline.apply(d);
    }
    let r = rules(&file)[0];
    let items = match &r.detection.identifiers[0].definition {
        SearchDef::AllOf { items, .. } => items,
        other => panic!("{other:?}"),
    };
    assert_eq!(items[0].field(), Some("sourceIPAddress"));
    assert_eq!(
        items[0].matcher,
        Matcher::Str(StrMatch {
            cased: false,
            all: false,
            groups: vec![Group {
                alternatives: vec![StrValue::Prefix("10.".into())],
                span: Default::default()
            }]
        })
    );
    assert_eq!(items[1].field(), Some("other"));
    assert_eq!(
        items[1].matcher,
        Matcher::FieldRef(FieldRefMatch {
            kind: RefKind::Equals,
            cased: false,
            all: false,
            fields: vec![Spanned::new("userIdentity.arn".into(), Default::default())]
        })
    );
    assert_eq!(
        r.detection.conditions[0].to_string(),
        "sel | count(userIdentity.arn) by sourceIPAddress > 3"
    );
    assert_eq!(r.meta.fields[0].value, "sourceIPAddress");
    let equivalent = r.detection.conditions[0].aggregation.as_ref().map(|a| {
        a.correlation_equivalent(r.detection.timeframe.as_ref())
            .map(|c| c.kind)
    });
    assert_eq!(equivalent, Some(Ok(CorrelationType::ValueCount)));
}

// -------------------------------------------------------------------------------------------
// Corpus

fn corpus_dir() -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/corpus/sigma-cloudtrail"
    ))
}

fn yaml_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                todo.push(p);
            } else if p.extension().is_some_and(|x| x == "yml" || x == "yaml") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

#[test]
fn corpus_rules_all_load() {
    let files = yaml_files(&corpus_dir().join("rules"));
    assert_eq!(files.len(), 47);
    let mut loaded = 0;
    let mut warnings = Vec::new();
    for p in &files {
        let text = read(p);
        match parse(&text, &LoadOptions::default()) {
            Ok(file) => {
                loaded += 1;
                assert_eq!(file.documents.len(), 1);
                let r = rules(&file)[0];
                assert_eq!(
                    (r.logsource.get("product"), r.logsource.get("service")),
                    (Some("aws"), Some("cloudtrail"))
                );
                assert!(r.legacy_constructs().is_empty(), "{}", p.display());
                for c in &r.detection.conditions {
                    let printed = c.to_string();
                    let again = condition::parse_condition(&printed, None, Default::default())
                        .unwrap_or_else(|d| panic!("{printed}: {d}"));
                    assert_eq!(&again, c, "round trip of {printed}");
                }
                for w in file.warnings {
                    let name = p
                        .file_name()
                        .map(|n| n.to_string_lossy().to_string())
                        .unwrap_or_default();
                    warnings.push((name, w.code, LineCol::of(&text, w.span.start).line));
                }
            }
            Err(e) => panic!(
                "{}: {}",
                p.display(),
                e.iter().map(|d| d.render("f", &text)).collect::<String>()
            ),
        }
    }
    assert_eq!(loaded, 47);
    // The only warning: the rule written before `fieldref` existed (reference notes §1.2 item 7).
    assert_eq!(
        warnings,
        [(
            "aws_iam_backdoor_users_keys.yml".to_string(),
            "sigma::lint_value_looks_like_field",
            25
        )]
    );
}

#[test]
fn corpus_feature_inventory() {
    // Counts from the reference notes §1.2, recomputed from the typed model.
    let mut contains = 0;
    let mut nulls = 0;
    let mut fieldrefs = 0;
    let mut lists = 0;
    let mut all_lists = 0;
    let mut startswith = 0;
    for p in yaml_files(&corpus_dir().join("rules")) {
        let mut file = ok(&read(&p));
        let Some(Document::Rule(r)) = file.documents.pop() else {
            panic!()
        };
        let mut r = *r;
        for item in r.detection.items_mut() {
            let mods: Vec<Modifier> = item.key.modifiers.iter().map(|m| m.modifier).collect();
            contains += usize::from(mods.contains(&Modifier::Contains));
            startswith += usize::from(mods.contains(&Modifier::StartsWith));
            match &item.matcher {
                Matcher::Null => nulls += 1,
                Matcher::FieldRef(_) => fieldrefs += 1,
                Matcher::Str(s) if s.all => all_lists += 1,
                Matcher::Str(s) if s.groups.len() > 1 => lists += 1,
                _ => {}
            }
        }
    }
    // The notes count 9 `contains` items plus the `contains|all` one, and 18 OR-lists over all 53
    // files (two of them in `unsupported/`).
    assert_eq!(
        (contains, startswith, nulls, fieldrefs, lists, all_lists),
        (10, 1, 4, 1, 16, 1)
    );
}

#[test]
fn corpus_placeholder_rule_needs_values() {
    let files = yaml_files(&corpus_dir().join("rules-placeholder"));
    assert_eq!(files.len(), 1);
    let text = read(&files[0]);
    let errs = parse(&text, &LoadOptions::default())
        .err()
        .unwrap_or_default();
    let got: Vec<(&str, String, usize)> = errs
        .iter()
        .map(|d| {
            (
                d.code,
                d.message.clone(),
                LineCol::of(&text, d.span.start).line,
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                "sigma::missing_placeholder",
                "placeholder %Legitimate_Countries% has no value".to_string(),
                25
            ),
            (
                "sigma::missing_placeholder",
                "placeholder %Legitimate_IP_Ranges% has no value".to_string(),
                27
            ),
        ]
    );
    let mut placeholders = BTreeMap::new();
    placeholders.insert(
        "Legitimate_Countries".to_string(),
        vec!["US".to_string(), "DE".to_string()],
    );
    placeholders.insert("Legitimate_IP_Ranges".to_string(), vec!["10.*".to_string()]);
    let file = parse(&text, &LoadOptions { placeholders }).unwrap_or_else(|e| panic!("{e:?}"));
    let r = rules(&file)[0];
    let country = match r
        .detection
        .identifier("filter_main_country")
        .map(|i| &i.definition)
    {
        Some(SearchDef::AllOf { items, .. }) => items[0].matcher.clone(),
        other => panic!("{other:?}"),
    };
    let alts = match country {
        Matcher::Str(s) => s
            .groups
            .into_iter()
            .flat_map(|g| g.alternatives)
            .collect::<Vec<_>>(),
        other => panic!("{other:?}"),
    };
    assert_eq!(
        alts,
        [StrValue::Exact("US".into()), StrValue::Exact("DE".into())]
    );
    assert_eq!(
        r.detection.conditions[0].to_string(),
        "selection and not 1 of filter_main_*"
    );
}

#[test]
fn corpus_unsupported_rules_load_with_their_legacy_constructs() {
    let files = yaml_files(&corpus_dir().join("unsupported"));
    type Row = (
        String,
        Vec<LegacyConstruct>,
        Option<String>,
        Result<CorrelationType, LegacyRejection>,
    );
    let got: Vec<Row> = files
        .iter()
        .map(|p| {
            let file = ok(&read(p));
            let r = rules(&file)[0];
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default();
            let mapped = match r.detection.conditions[0].aggregation.as_ref() {
                Some(a) => a
                    .correlation_equivalent(r.detection.timeframe.as_ref())
                    .map(|c| c.kind),
                None => Err(LegacyRejection::MissingTimeframe),
            };
            (
                name,
                r.legacy_constructs(),
                r.detection.timeframe.as_ref().map(|t| t.to_string()),
                mapped,
            )
        })
        .collect();
    let count = |group_by: Option<&str>| {
        vec![LegacyConstruct::Aggregation {
            func: AggFunc::Count,
            field: None,
            group_by: group_by.map(str::to_string),
        }]
    };
    assert_eq!(
        got,
        vec![
            (
                "aws_ec2_download_userdata.yml".to_string(),
                count(None),
                Some("30m".to_string()),
                Ok(CorrelationType::EventCount)
            ),
            (
                "aws_enum_storage.yml".to_string(),
                count(None),
                Some("10m".to_string()),
                Ok(CorrelationType::EventCount)
            ),
            (
                "aws_lambda_function_created_or_invoked.yml".to_string(),
                vec![LegacyConstruct::Near],
                None,
                Err(LegacyRejection::Near)
            ),
            (
                "aws_macic_evasion.yml".to_string(),
                count(Some("sourceIPAddress")),
                Some("10m".to_string()),
                Ok(CorrelationType::EventCount)
            ),
            (
                "aws_ses_messaging_enabled.yml".to_string(),
                vec![LegacyConstruct::TimeframeWithoutAggregation],
                Some("5m".to_string()),
                Err(LegacyRejection::MissingTimeframe)
            ),
        ]
    );
}

#[test]
fn every_corpus_file_is_accounted_for() {
    let all = yaml_files(&corpus_dir());
    let loaded_without_options = all
        .iter()
        .filter(|p| parse(&read(p), &LoadOptions::default()).is_ok())
        .count();
    assert_eq!((all.len(), loaded_without_options), (53, 52));
}

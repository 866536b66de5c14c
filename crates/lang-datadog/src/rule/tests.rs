//! Rule decoding and compilation, including every rule of the CloudTrail corpus.

use std::path::PathBuf;

use super::*;
use crate::condition::CondKind;
use crate::search::{ExprKind, Query};
use crate::template::{Missing, render};

const CORPUS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/corpus/datadog-rules"
);

fn corpus() -> Vec<(String, String)> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(CORPUS)
        .unwrap_or_else(|e| panic!("{CORPUS}: {e}"))
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let name = p
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            let text =
                std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            (name, text)
        })
        .collect()
}

fn load(name: &str) -> CompiledRule {
    let (_, text) = corpus()
        .into_iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("no rule {name}"));
    load_rule(&text, Format::Json).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn every_corpus_rule_loads_and_parses() {
    let rules = corpus();
    assert_eq!(rules.len(), 66, "rules in {CORPUS}");
    let (mut queries, mut conditions, mut filters, mut failures) = (0, 0, 0, Vec::new());
    for (name, text) in &rules {
        match load_rule(text, Format::Json) {
            Ok(rule) => {
                queries += rule.queries.iter().filter(|q| q.search.is_some()).count();
                conditions += rule.cases.iter().filter(|c| c.condition.is_some()).count();
                filters += rule.filters.len();
                assert_eq!(rule.queries.len(), rule.rule.queries.len(), "{name}");
                for q in rule.queries.iter().filter_map(|q| q.search.as_ref()) {
                    let printed = q.to_string();
                    assert_eq!(
                        crate::search::parse_query(&printed).as_ref(),
                        Ok(q),
                        "{name}: round trip of {printed}"
                    );
                }
                for c in rule.cases.iter().filter_map(|c| c.condition.as_ref()) {
                    assert_eq!(
                        crate::condition::parse_condition(&c.to_string()).as_ref(),
                        Ok(c),
                        "{name}"
                    );
                }
                assert_eq!(
                    crate::template::parse_template(&rule.message.to_string()).as_ref(),
                    Ok(&rule.message),
                    "{name}"
                );
            }
            Err(e) => failures.push(format!("{name}: {e}")),
        }
    }
    assert!(
        failures.is_empty(),
        "{} rules failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    // 96 queries of which 2 (the signal correlation's) have no search text; 93 cases of which 7
    // (new value, impossible travel) have no condition; one rule carries two legacy filters.
    assert_eq!((queries, conditions, filters), (94, 86, 2));
}

#[test]
fn every_corpus_message_renders_with_an_empty_lookup() {
    let mut missing_markers = 0;
    for (name, text) in corpus() {
        let rule = load_rule(&text, Format::Json).unwrap_or_else(|e| panic!("{name}: {e}"));
        let rendered = render(&rule.message, &|_| None);
        missing_markers += rendered.matches("<missing ").count();
        assert!(!rendered.contains("{{"), "{name} left a tag unrendered");
        assert_eq!(
            rule.message
                .render_with(&|_| None, Missing::Empty)
                .matches("<missing")
                .count(),
            0,
            "{name}"
        );
        let title = render(&rule.title, &|_| None);
        assert_eq!(title, rule.rule.name, "{name}: titles have no variables");
    }
    // 145 `{{@...}}` uses, one `{{env}}` and the typo `{{@@userIdentity.arn}}`.
    assert_eq!(missing_markers, 147);
    let typo = load("def-000-192");
    assert!(render(&typo.message, &|_| None).contains("<missing @@userIdentity.arn>"));
    let with_value = render(&typo.message, &|name| {
        (name == "@userIdentity.arn").then(|| "arn:x".to_string())
    });
    assert!(with_value.contains("<missing @@userIdentity.arn>") && with_value.contains("arn:x"));
}

#[test]
fn corpus_rules_decode_identically_from_yaml() {
    for (name, text) in corpus() {
        let value: serde_json::Value =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        let yaml = serde_norway::to_string(&value).unwrap_or_else(|e| panic!("{name}: {e}"));
        let from_json = load_rule(&text, Format::Json).unwrap_or_else(|e| panic!("{name}: {e}"));
        let from_yaml = load_rule(&yaml, Format::detect(&yaml))
            .unwrap_or_else(|e| panic!("{name} (yaml): {e}"));
        assert_eq!(from_yaml, from_json, "{name}");
    }
}

#[test]
fn corpus_queries_have_no_warnings() {
    let mut warnings = Vec::new();
    for (name, text) in corpus() {
        let rule = load_rule(&text, Format::Json).unwrap_or_else(|e| panic!("{name}: {e}"));
        for q in rule.queries.iter().filter_map(|q| q.search.as_ref()) {
            warnings.extend(
                q.warnings()
                    .into_iter()
                    .map(|w| format!("{name}: {}", w.message)),
            );
        }
    }
    assert!(warnings.is_empty(), "{warnings:#?}");
}

#[test]
fn decodes_rule_fields() {
    let ami = load("eh4-lwa-d9z");
    let r = &ami.rule;
    assert_eq!(
        (r.rule_type.clone(), r.is_enabled, r.version, r.is_default),
        (RuleType::LogDetection, true, Some(22), Some(true))
    );
    assert_eq!(
        (r.created_at, r.updated_at, r.default_rule_id.as_deref()),
        (
            Some(1674195804021),
            Some(1740655005316),
            Some("93d-bf1-e17")
        )
    );
    assert_eq!(r.options.method(), DetectionMethod::Threshold);
    assert_eq!(
        (
            r.options.evaluation_window,
            r.options.keep_alive,
            r.options.max_signal_duration
        ),
        (Some(300), Some(3600), Some(3600))
    );
    assert_eq!(r.options.decrease_criticality_based_on_env, Some(true));
    assert_eq!(r.queries[0].group_by_fields, ["@userIdentity.arn"]);
    assert_eq!(
        (
            r.queries[0].aggregation.clone(),
            r.queries[0].has_optional_group_by_fields
        ),
        (Some(Aggregation::Count), Some(false))
    );
    assert_eq!(r.queries[0].data_source.as_deref(), Some("logs"));
    assert_eq!(
        (r.cases[0].status.clone(), ami.queries[0].label.as_str()),
        (Severity::High, "a")
    );
    let extra: Vec<&str> = r.extra.keys().map(String::as_str).collect();
    assert_eq!(
        extra,
        [
            "blocking",
            "creator",
            "isBeta",
            "isDeleted",
            "isPartner",
            "metadata",
            "updater"
        ]
    );
    assert_eq!(ami.tags.tactics[0].id, "TA0009");

    let new_value = load("bqf-dnx-o50");
    let nv = new_value
        .rule
        .options
        .new_value_options
        .clone()
        .unwrap_or_default();
    assert_eq!(new_value.rule.options.method(), DetectionMethod::NewValue);
    assert_eq!(
        (nv.forget_after, nv.learning_duration, nv.learning_threshold),
        (Some(28), Some(7), Some(0))
    );
    assert_eq!(
        (
            nv.learning_method,
            nv.instantaneous_baseline_timeout_minutes
        ),
        (Some(LearningMethod::Duration), Some(30))
    );
    assert_eq!(new_value.rule.queries[0].metrics, ["@userIdentity.arn"]);
    assert!(new_value.cases[0].condition.is_none());

    let travel = load("a1n-son-6bk");
    let it = travel
        .rule
        .options
        .impossible_travel_options
        .clone()
        .unwrap_or_default();
    assert_eq!(
        (it.baseline_user_locations, it.detect_ip_transition),
        (Some(true), Some(false))
    );
    assert_eq!(
        travel.rule.queries[0].aggregation,
        Some(Aggregation::GeoData)
    );
    assert_eq!(
        travel.rule.queries[0].metric.as_deref(),
        Some("@network.client.geoip")
    );

    let anomaly = load("imr-goq-uww");
    let ad = anomaly
        .rule
        .options
        .anomaly_detection_options
        .clone()
        .unwrap_or_default();
    assert_eq!(
        (
            ad.bucket_duration,
            ad.learning_duration,
            ad.detection_tolerance
        ),
        (Some(300), Some(24), Some(5))
    );
    assert!(
        anomaly.cases[0]
            .condition
            .as_ref()
            .is_some_and(|c| c.eval(|_| Some(0.996)))
    );

    let correlation = load("def-000-nlb");
    assert_eq!(correlation.rule.rule_type, RuleType::SignalCorrelation);
    assert!(correlation.queries.iter().all(|q| q.search.is_none()));
    assert_eq!(
        correlation.rule.queries[0].default_rule_id.as_deref(),
        Some("def-000-h6a")
    );
    assert_eq!(
        correlation.rule.queries[1].correlated_by_fields,
        ["@userIdentity.accessKeyId", "@awsRegion"]
    );
    assert_eq!(
        correlation.rule.queries[0].aggregation,
        Some(Aggregation::EventCount)
    );
    let steps = correlation.cases[0]
        .condition
        .as_ref()
        .map_or(0, |c| c.steps.len());
    assert_eq!(steps, 2, "THEN sequence");

    let filtered = load("o2p-sbu-rlg");
    let actions: Vec<_> = filtered
        .rule
        .filters
        .iter()
        .map(|f| f.action.clone())
        .collect();
    assert_eq!(actions, [FilterAction::Suppress, FilterAction::Require]);
    assert_eq!(filtered.rule.cases[0].notifications, ["@me"]);
    assert_eq!(
        filtered
            .filters
            .iter()
            .map(Query::to_string)
            .collect::<Vec<_>>(),
        ["foo", "bar"]
    );

    let escaped = load("8js-pr5-qga");
    let printed = escaped.queries[0]
        .search
        .as_ref()
        .map(Query::to_string)
        .unwrap_or_default();
    assert!(printed.ends_with("-@http.useragent:APN/*"), "{printed}");
}

#[test]
fn keeps_unknown_values_and_defaults() {
    let yaml = "
name: custom
type: workload_security
queries:
  - query: '@a:b'
    aggregation: percentile
cases:
  - status: urgent
    condition: a > 0
    actions:
      - type: block_ip
        options: {duration: 900}
options:
  detectionMethod: sequence_detection
  brandNew: 1
";
    let rule = load_rule(yaml, Format::detect(yaml)).unwrap_or_else(|e| panic!("{e}"));
    let r = &rule.rule;
    assert_eq!(r.rule_type, RuleType::WorkloadSecurity);
    assert_eq!(
        r.queries[0].aggregation,
        Some(Aggregation::Other("percentile".into()))
    );
    assert_eq!(r.cases[0].status, Severity::Other("urgent".into()));
    assert_eq!(r.cases[0].status.as_str(), "urgent");
    assert_eq!(r.cases[0].actions[0].action, ActionType::BlockIp);
    assert_eq!(r.cases[0].actions[0].options["duration"], 900);
    assert_eq!(r.options.method(), DetectionMethod::SequenceDetection);
    assert!(r.is_enabled && r.message.is_empty() && r.tags.is_empty() && r.extra.is_empty());
    let minimal = load_rule(r#"{"name": "n", "queries": []}"#, Format::Json)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        (minimal.rule.rule_type, minimal.rule.options.method()),
        (RuleType::LogDetection, DetectionMethod::Threshold)
    );
}

#[test]
fn decode_errors_report_line_and_column() {
    let table: &[(&str, Format, usize, usize)] = &[
        (
            "{\n  \"name\": \"x\",\n  \"queries\": [}\n",
            Format::Json,
            3,
            15,
        ),
        ("{\"queries\": []}", Format::Json, 1, 15),
        (
            "{\n \"name\": \"x\",\n \"queries\": [{\"aggregation\": 5}]\n}",
            Format::Json,
            3,
            30,
        ),
        ("name: x\nqueries:\n  - query: [1\n", Format::Yaml, 3, 12),
        ("name: x\nqueries: 5\n", Format::Yaml, 2, 10),
    ];
    for (text, format, line, column) in table {
        match Rule::decode(text, *format) {
            Err(LoadError::Decode {
                line: l,
                column: c,
                format: f,
                ..
            }) => {
                assert_eq!((f, l, c), (*format, *line, *column), "{text:?}")
            }
            other => panic!("{text:?}: {other:?}"),
        }
    }
}

#[test]
fn field_errors_point_into_the_file() {
    let json = r#"{
  "name": "t",
  "queries": [
    {"query": "source:cloudtrail", "name": "ok"},
    {"query": "@a:\"x\" \\APN\\/ (b", "name": "bad"}
  ],
  "cases": [{"status": "low", "condition": "ok > 0 && nope > 1"}],
  "message": "{{#if @a}}never closed"
}"#;
    let Err(LoadError::Invalid(errors)) = load_rule(json, Format::Json) else {
        panic!("loaded")
    };
    let summary: Vec<_> = errors
        .iter()
        .map(|e| (e.pointer.as_str(), e.diagnostic.code))
        .collect();
    assert_eq!(
        summary,
        [
            ("/queries/1/query", "datadog::unclosed_paren"),
            ("/cases/0/condition", "datadog::unknown_query"),
            ("/message", "datadog::template_syntax"),
        ]
    );
    let file_text = |e: &FieldError| {
        e.file_span
            .and_then(|s| json.get(s.range()))
            .map(str::to_string)
    };
    assert_eq!(file_text(&errors[0]).as_deref(), Some("("));
    assert_eq!(file_text(&errors[1]).as_deref(), Some("nope"));
    assert_eq!(file_text(&errors[2]).as_deref(), Some("{{#if @a}}"));
    let report = errors[0].render("rule.json", json);
    assert!(
        report.starts_with(
            "rule.json:5:34: `(` is never closed (in /queries/1/query) [datadog::unclosed_paren]"
        ),
        "{report}"
    );
    assert!(
        errors[1]
            .diagnostic
            .help
            .as_deref()
            .is_some_and(|h| h.contains("`ok`, `bad`"))
    );

    let yaml = "name: t\nqueries:\n  - query: 'source:x @f:'\n  - query: '@f:'\n";
    let Err(LoadError::Invalid(errors)) = load_rule(yaml, Format::Yaml) else {
        panic!("loaded")
    };
    assert_eq!(errors[0].file_span.map(|s| s.range()), Some(40..41));
    assert_eq!(errors[1].file_span, None, "`@f:` is not unique in the file");
    assert!(
        errors[1]
            .render("r.yaml", yaml)
            .starts_with("r.yaml#/queries/1/query:1:3: missing value after `:`")
    );
}

#[test]
fn labels_queries_by_name_or_position() {
    let table = [
        (0, "a"),
        (1, "b"),
        (25, "z"),
        (26, "aa"),
        (27, "ab"),
        (51, "az"),
        (52, "ba"),
        (701, "zz"),
        (702, "aaa"),
    ];
    for (index, label) in table {
        assert_eq!(positional_label(index), label, "{index}");
    }
    let rule = load("csj-nez-h1v");
    let labels: Vec<_> = rule.queries.iter().map(|q| q.label.as_str()).collect();
    assert_eq!(
        labels,
        [
            "failed_login",
            "successful_login_without_mfa",
            "successful_login_with_mfa"
        ]
    );
    let first_case = rule.cases[0].condition.as_ref().map(|c| &c.steps[0].kind);
    assert!(matches!(first_case, Some(CondKind::And(items)) if items.len() == 2));
    let search = rule.queries[0]
        .search
        .as_ref()
        .and_then(|q| q.expr.as_ref())
        .map(|e| &e.kind);
    assert!(matches!(search, Some(ExprKind::And(items)) if items.len() == 3));
}

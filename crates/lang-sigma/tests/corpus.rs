//! The SigmaHQ CloudTrail rules of the shared corpus: every file compiles (the placeholder rule
//! with user-supplied values), legacy constructs are classified and planned, and every per-event
//! filter runs over every real CloudTrail record of the corpus. Hits are kept in
//! `tests/snapshots/corpus_hits.txt` (run with `UPDATE_SNAPSHOTS=1` to rewrite it), together
//! with the hits that differ under Chainsaw's value semantics.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use trailhound_engine::{Dispatch, Pred, Scratch};
use trailhound_event::Event;
use trailhound_ingest::{Delivery, Options, Processor, expand, run};
use trailhound_lang_sigma::{
    AggFunc, CompileOptions, CompiledRule, CorrOp, CorrelationType, Document, InputSource,
    KeySource, LegacyConstruct, LegacyRejection, PlanOrigin, RuleKind, ValueSemantics,
    compile_rule, parse, parse_pipeline, plan_correlations,
};

fn shared(sub: &str) -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/corpus"
    ))
    .join(sub)
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
            } else if p.extension().is_some_and(|x| x == "yml") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// What a user of the placeholder rule supplies: values for its two placeholders, and the
/// CloudTrail name of its `src_ip` field (`src_country` has no CloudTrail equivalent).
const PIPELINE: &str = "\
logsource: {product: aws, service: cloudtrail}
field_mappings:
  src_ip: sourceIPAddress
placeholders:
  Legitimate_Countries: [US, DE]
  Legitimate_IP_Ranges: ['10.*']
";

struct Loaded {
    /// Path relative to the Sigma corpus folder.
    file: String,
    rule: CompiledRule,
    chainsaw: CompiledRule,
    legacy: Vec<LegacyConstruct>,
}

fn load_corpus() -> Vec<Loaded> {
    let root = shared("sigma-cloudtrail");
    let pipeline = parse_pipeline(PIPELINE).unwrap_or_else(|e| panic!("{e:?}"));
    let load_options = pipeline.load_options();
    let sigma = CompileOptions {
        pipeline: Some(pipeline.clone()),
        semantics: ValueSemantics::Sigma,
    };
    let chainsaw = CompileOptions {
        pipeline: Some(pipeline),
        semantics: ValueSemantics::ChainsawCompat,
    };
    let mut out = Vec::new();
    for path in yaml_files(&root) {
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{e}"));
        let file =
            parse(&text, &load_options).unwrap_or_else(|e| panic!("{}: {e:?}", path.display()));
        assert_eq!(file.documents.len(), 1, "{}", path.display());
        let Some(Document::Rule(r)) = file.documents.first() else {
            panic!("{}: not a rule", path.display())
        };
        let compile = |o: &CompileOptions| {
            compile_rule(r, o).unwrap_or_else(|e| panic!("{}: {e:?}", path.display()))
        };
        out.push(Loaded {
            file: path
                .strip_prefix(&root)
                .map(|p| p.display().to_string())
                .unwrap_or_default(),
            rule: compile(&sigma),
            chainsaw: compile(&chainsaw),
            legacy: r.legacy_constructs(),
        });
    }
    out
}

fn name(file: &str) -> &str {
    file.rsplit('/').next().unwrap_or(file)
}

#[test]
fn every_corpus_rule_compiles_and_is_classified() {
    let corpus = load_corpus();
    assert_eq!(corpus.len(), 53);
    let applicable = corpus
        .iter()
        .filter(|l| l.rule.applies_to_cloudtrail().is_ok())
        .count();
    assert_eq!(
        applicable, 53,
        "every file is product: aws, service: cloudtrail"
    );
    let count = |f: &dyn Fn(&RuleKind) -> bool| corpus.iter().filter(|l| f(&l.rule.kind)).count();
    assert_eq!(count(&|k| *k == RuleKind::Event), 48);
    assert_eq!(count(&|k| matches!(k, RuleKind::Aggregation(_))), 3);
    assert_eq!(count(&|k| matches!(k, RuleKind::Unsupported(_))), 2);
    // Legacy constructs and what became of them.
    let legacy: Vec<(&str, &Vec<LegacyConstruct>, String)> = corpus
        .iter()
        .filter(|l| !l.legacy.is_empty())
        .map(|l| {
            let what = match &l.rule.kind {
                RuleKind::Event => "event".to_string(),
                RuleKind::Aggregation(lc) => format!(
                    "{} by {:?} {:?} {} in {}",
                    lc.kind, lc.group_by, lc.op, lc.threshold, lc.timespan
                ),
                RuleKind::Unsupported(why) => format!("unsupported: {why}"),
            };
            (name(&l.file), &l.legacy, what)
        })
        .collect();
    let count_by = |g: Option<&str>| LegacyConstruct::Aggregation {
        func: AggFunc::Count,
        field: None,
        group_by: g.map(str::to_string),
    };
    assert_eq!(
        legacy,
        [
            (
                "aws_ec2_download_userdata.yml",
                &vec![count_by(None)],
                "event_count by [] Gt 10 in 30m".to_string()
            ),
            (
                "aws_enum_storage.yml",
                &vec![count_by(None)],
                "event_count by [] Gt 5 in 10m".to_string()
            ),
            (
                "aws_lambda_function_created_or_invoked.yml",
                &vec![LegacyConstruct::Near],
                format!("unsupported: {}", LegacyRejection::Near),
            ),
            (
                "aws_macic_evasion.yml",
                &vec![count_by(Some("sourceIPAddress"))],
                "event_count by [\"sourceIPAddress\"] Gt 5 in 10m".to_string(),
            ),
            (
                "aws_ses_messaging_enabled.yml",
                &vec![LegacyConstruct::TimeframeWithoutAggregation],
                format!(
                    "unsupported: {}",
                    LegacyRejection::TimeframeWithoutAggregation
                ),
            ),
        ]
    );
    // Compile-time warnings: fields CloudTrail records do not have.
    let warnings: Vec<(&str, &str, String)> = corpus
        .iter()
        .flat_map(|l| {
            l.rule
                .warnings
                .iter()
                .map(move |w| (name(&l.file), w.code, w.message.clone()))
        })
        .collect();
    assert_eq!(
        warnings,
        [
            (
                "aws_delete_saml_provider.yml",
                "sigma::lint_unknown_cloudtrail_field",
                "`status` is not a field of CloudTrail records: this item never sees a value"
                    .to_string()
            ),
            (
                "aws_cloudtrail_console_login_success_from_susp_locations.yml",
                "sigma::lint_unknown_cloudtrail_field",
                "`src_country` is not a field of CloudTrail records: this item never sees a value"
                    .to_string()
            ),
        ]
    );
}

/// Rule file, type, group key, timespan, operator, threshold, generate.
type Shape<'a> = (
    &'a str,
    CorrelationType,
    Vec<KeySource>,
    u64,
    CorrOp,
    f64,
    bool,
);

#[test]
fn legacy_aggregations_are_planned() {
    let corpus = load_corpus();
    let rules: Vec<CompiledRule> = corpus.iter().map(|l| l.rule.clone()).collect();
    let planned = plan_correlations(&rules, &[], &CompileOptions::default());
    assert!(planned.rejected.is_empty());
    let shapes: Vec<Shape> = planned
        .plans
        .iter()
        .map(|p| {
            let PlanOrigin::LegacyAggregation(i) = p.origin else {
                panic!("{p:?}")
            };
            assert_eq!(p.inputs.len(), 1);
            assert_eq!(p.inputs[0].source, InputSource::Rule(i));
            (
                name(&corpus[i].file),
                p.kind,
                p.inputs[0].group_by.clone(),
                p.timespan_ms,
                p.bounds[0].op,
                p.bounds[0].value,
                p.generate,
            )
        })
        .collect();
    let src = KeySource::Field(trailhound_event::View::Raw.resolve("sourceIPAddress").field);
    assert_eq!(
        shapes,
        [
            (
                "aws_ec2_download_userdata.yml",
                CorrelationType::EventCount,
                vec![],
                1_800_000,
                CorrOp::Gt,
                10.0,
                false
            ),
            (
                "aws_enum_storage.yml",
                CorrelationType::EventCount,
                vec![],
                600_000,
                CorrOp::Gt,
                5.0,
                false
            ),
            (
                "aws_macic_evasion.yml",
                CorrelationType::EventCount,
                vec![src],
                600_000,
                CorrOp::Gt,
                5.0,
                false
            ),
        ]
    );
    for (i, l) in corpus.iter().enumerate() {
        assert_eq!(
            planned.rule_alerts(&rules, i),
            l.rule.kind == RuleKind::Event,
            "{}",
            l.file
        );
    }
}

/// Per event: its input (index), id and name, the rules (by corpus index) whose filter matches
/// under Sigma and under Chainsaw semantics, and the dispatch candidates.
type Row = (u32, String, String, Vec<usize>, Vec<usize>, Vec<u32>);

struct Hunt {
    sigma: Vec<Pred>,
    chainsaw: Vec<Pred>,
    dispatch: Dispatch,
}

impl Processor for Hunt {
    type Out = Row;
    fn process(&self, ev: Event<'_>, out: &mut Vec<Row>) {
        let hits = |preds: &[Pred]| -> Vec<usize> {
            (0..preds.len()).filter(|&i| preds[i].eval(&ev)).collect()
        };
        let mut scratch = Scratch::default();
        self.dispatch.candidates(&ev, &mut scratch);
        out.push((
            ev.origin().source,
            ev.raw_str(&["eventID"]).unwrap_or("?").to_string(),
            ev.raw_str(&["eventName"]).unwrap_or("?").to_string(),
            hits(&self.sigma),
            hits(&self.chainsaw),
            scratch.out,
        ));
    }
}

fn kind_label(k: &RuleKind) -> &'static str {
    match k {
        RuleKind::Event => "event",
        RuleKind::Aggregation(_) => "aggregation input",
        RuleKind::Unsupported(_) => "unsupported, not run",
    }
}

#[test]
fn corpus_hits_match_the_snapshot() {
    let corpus = load_corpus();
    // Unsupported rules are not run; aggregation rules' filters give the events they count.
    let runs = |l: &Loaded| !matches!(l.rule.kind, RuleKind::Unsupported(_));
    let pick = |f: &dyn Fn(&Loaded) -> Pred| -> Vec<Pred> {
        corpus
            .iter()
            .map(|l| if runs(l) { f(l) } else { Pred::Const(false) })
            .collect()
    };
    let hunt = Hunt {
        sigma: pick(&|l| l.rule.pred.clone()),
        chainsaw: pick(&|l| l.chainsaw.pred.clone()),
        dispatch: Dispatch::build(corpus.iter().map(|l| &l.rule.pred)),
    };
    let paths = [
        shared("cloudtrail/invictus-aws-dataset/CloudTrail")
            .display()
            .to_string(),
        shared("cloudtrail/traildiscover/logExamples")
            .display()
            .to_string(),
    ];
    let (inputs, errors) = expand(&paths);
    assert!(errors.is_empty(), "{errors:?}");
    let mut rows: Vec<Row> = Vec::new();
    let mut problems = Vec::new();
    let options = Options {
        threads: 2,
        ..Options::default()
    };
    run(&inputs, &hunt, &options, |d| match d {
        Delivery::Batch(b) => rows.extend(b.outputs),
        Delivery::Error(e) => problems.push(e.to_string()),
        Delivery::Done(_) => {}
    });
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(rows.len(), 3463);

    let file_of = |source: &u32| {
        let name = inputs
            .get(*source as usize)
            .map(|i| i.name())
            .unwrap_or_default();
        name.rsplit('/').next().unwrap_or_default().to_string()
    };
    let mut sigma_hits: BTreeMap<usize, Vec<(String, String, String)>> = BTreeMap::new();
    let mut differences: Vec<(String, String, String, String, &str)> = Vec::new();
    for (source, id, event_name, sigma, chainsaw, candidates) in &rows {
        let file = file_of(source);
        for &i in sigma {
            // The dispatch index may only drop rules that cannot match.
            assert!(
                candidates.contains(&(i as u32)),
                "dispatch dropped {} for {id}",
                corpus[i].file
            );
            sigma_hits
                .entry(i)
                .or_default()
                .push((id.clone(), event_name.clone(), file.clone()));
        }
        for (i, l) in corpus.iter().enumerate() {
            let (s, c) = (sigma.contains(&i), chainsaw.contains(&i));
            if s != c {
                let side = if s {
                    "trailhound only"
                } else {
                    "chainsaw only"
                };
                differences.push((
                    l.file.clone(),
                    id.clone(),
                    event_name.clone(),
                    file.clone(),
                    side,
                ));
            }
        }
    }
    let mut text = String::from(
        "# Sigma CloudTrail corpus over the CloudTrail corpus (invictus-aws-dataset, traildiscover logExamples).\n\
         # Per rule file: kind, number of matching records, then eventID, eventName and the log file, sorted.\n\
         # (traildiscover holds several events twice, under two file names.)\n\
         # Regenerate with UPDATE_SNAPSHOTS=1 cargo test -p trailhound-lang-sigma --test corpus\n\n",
    );
    for (i, l) in corpus.iter().enumerate() {
        let mut hits = sigma_hits.remove(&i).unwrap_or_default();
        hits.sort();
        text.push_str(&format!(
            "{} [{}]: {}\n",
            l.file,
            kind_label(&l.rule.kind),
            hits.len()
        ));
        for (id, event_name, file) in hits {
            text.push_str(&format!("    {id} {event_name} {file}\n"));
        }
    }
    differences.sort();
    text.push_str(&format!(
        "\n# Hits that differ under ValueSemantics::ChainsawCompat (null = JSON null only, no boolean coercion, objects have no text): {}\n",
        differences.len()
    ));
    for (rule, id, event_name, file, side) in differences {
        text.push_str(&format!("{rule}: {id} {event_name} {file} ({side})\n"));
    }
    let snapshot = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/snapshots/corpus_hits.txt"
    ));
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        if let Some(dir) = snapshot.parent() {
            std::fs::create_dir_all(dir).unwrap_or_else(|e| panic!("{e}"));
        }
        std::fs::write(&snapshot, &text).unwrap_or_else(|e| panic!("{e}"));
        return;
    }
    let expected = std::fs::read_to_string(&snapshot).unwrap_or_default();
    if expected != text {
        let diff = line_diff(&expected, &text);
        panic!(
            "corpus hits differ from {} (UPDATE_SNAPSHOTS=1 rewrites it):\n{diff}",
            snapshot.display()
        );
    }
}

/// Lines only in `old` (`-`) or only in `new` (`+`), in order: enough to read a snapshot change.
fn line_diff(old: &str, new: &str) -> String {
    let old_lines: Vec<&str> = old.lines().collect();
    let new_lines: Vec<&str> = new.lines().collect();
    let mut out = String::new();
    for l in &old_lines {
        if !new_lines.contains(l) {
            out.push_str(&format!("- {l}\n"));
        }
    }
    for l in &new_lines {
        if !old_lines.contains(l) {
            out.push_str(&format!("+ {l}\n"));
        }
    }
    if out.is_empty() {
        out.push_str("(same lines, different order or counts)\n");
    }
    out
}

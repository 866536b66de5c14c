//! Micro-benchmarks: decoding, view resolution, each language's evaluation, each stateful
//! operator, whole rule sets and rule compilation. `cargo bench -p trailhound-bench`.

use divan::counter::{BytesCount, ItemsCount};
use divan::{Bencher, black_box};
use std::io::Write;
use std::sync::LazyLock;
use trailhound_bench::{corpus_rules, event, pack_rules, records};
use trailhound_engine::{Pred, Rule, RuleSet, RuntimeOptions, Scratch, run_in_order};
use trailhound_event::{Event, View};
use trailhound_rules::{LoadOptions, LoadReport};

fn main() {
    divan::main();
    // Statics are never dropped: remove the decode benchmarks' files here.
    let _ = std::fs::remove_dir_all(decode::dir());
}

/// The sample: 2,000 simulated records with every attack technique mixed in.
static RECORDS: LazyLock<Vec<String>> = LazyLock::new(|| records(2_000));

fn bytes() -> usize {
    RECORDS.iter().map(String::len).sum()
}

fn parsed() -> Vec<Event<'static>> {
    RECORDS.iter().map(|r| event(r)).collect()
}

/// Decoding: JSON parse and the ingest pipeline (split, decompress, parse) on one thread.
mod decode {
    use super::*;
    use trailhound_ingest::{Delivery, Options, Processor};

    struct Count;
    impl Processor for Count {
        type Out = ();
        fn process(&self, ev: Event<'_>, _out: &mut Vec<()>) {
            black_box(ev.time_millis());
        }
    }

    /// Where the decode benchmarks' files are.
    pub fn dir() -> std::path::PathBuf {
        std::env::temp_dir().join(format!("trailhound-bench-{}", std::process::id()))
    }

    /// NDJSON and gzipped S3-delivery copies of the sample.
    static FILES: LazyLock<(String, String)> = LazyLock::new(|| {
        let dir = dir();
        std::fs::create_dir_all(&dir).expect("temp dir");
        let ndjson = dir.join("sample.ndjson");
        std::fs::write(&ndjson, RECORDS.join("\n")).expect("write sample");
        let gz = dir.join("111122223333_CloudTrail_us-east-1_20240101T0000Z_sample.json.gz");
        let file = std::fs::File::create(&gz).expect("create sample");
        let mut enc = flate2::write::GzEncoder::new(file, flate2::Compression::default());
        write!(enc, "{{\"Records\":[{}]}}", RECORDS.join(",")).expect("write sample");
        enc.finish().expect("finish gzip");
        (ndjson.display().to_string(), gz.display().to_string())
    });

    #[divan::bench]
    fn sonic_dom_parse(b: Bencher) {
        b.counter(BytesCount::new(bytes())).bench(|| {
            for r in RECORDS.iter() {
                black_box(sonic_rs::from_str::<sonic_rs::Value>(r).ok());
            }
        });
    }

    fn ingest(b: Bencher, path: &str) {
        let (inputs, _) = trailhound_ingest::expand(&[path.to_owned()]);
        let options = Options {
            threads: 1,
            ..Options::default()
        };
        b.counter(ItemsCount::new(RECORDS.len())).bench(|| {
            let mut n = 0usize;
            trailhound_ingest::run(&inputs, &Count, &options, |d| {
                if let Delivery::Batch(b) = d {
                    n += b.outputs.len();
                }
            });
            n
        });
    }

    #[divan::bench]
    fn ingest_ndjson(b: Bencher) {
        ingest(b, &FILES.0);
    }

    #[divan::bench]
    fn ingest_s3_gzip(b: Bencher) {
        ingest(b, &FILES.1);
    }
}

/// Field resolution through each view, on freshly parsed events (nothing cached yet).
mod views {
    use super::*;

    #[divan::bench(args = [
        "ecs:event.action",
        "ecs:source.ip",
        "ecs:user.name",
        "ecs:related.user",
        "ecs:aws.cloudtrail.request_parameters",
        "ecs:aws.cloudtrail.flattened.request_parameters.bucketName",
        "datadog:@network.client.ip",
        "datadog:@userIdentity.session_name",
        "raw:userIdentity.arn",
    ])]
    fn resolve(b: Bencher, spec: &str) {
        let (view, name) = spec.split_once(':').unwrap_or(("raw", spec));
        let view = match view {
            "ecs" => View::ECS,
            "datadog" => View::Datadog,
            _ => View::Raw,
        };
        let field = view.resolve(name).field;
        b.counter(ItemsCount::new(RECORDS.len()))
            .with_inputs(parsed)
            .bench_local_refs(|events| {
                let mut n = 0usize;
                for ev in events.iter() {
                    field.visit(ev, &mut |_| {
                        n += 1;
                        true
                    });
                }
                n
            });
    }
}

/// One compiled condition per language over the sample.
mod languages {
    use super::*;

    fn eval(b: Bencher, pred: &Pred) {
        let events = parsed();
        b.counter(ItemsCount::new(events.len()))
            .bench(|| events.iter().filter(|e| pred.eval(e)).count());
    }

    #[divan::bench]
    fn kql(b: Bencher) {
        let q = r#"event.dataset:aws.cloudtrail and event.provider:(iam.amazonaws.com or sts.amazonaws.com) and not user.name:(root or *terraform*) and source.ip:(203.0.113.0/24 or 198.51.100.0/24 or 81.2.69.0/24)"#;
        let c = trailhound_lang_kql::compile_str(q, View::ECS).expect("compiles");
        eval(b, &c.pred);
    }

    #[divan::bench]
    fn eql(b: Bencher) {
        let q = r#"any where event.dataset == "aws.cloudtrail" and event.action : ("Get*", "List*", "Describe*") and aws.cloudtrail.user_identity.type != "AssumedRole" and stringContains(user_agent.original, "boto3")"#;
        let parsed = trailhound_lang_eql::parse(q).expect("parses");
        let c =
            trailhound_lang_eql::compile(&parsed, &trailhound_lang_eql::CompileOptions::default())
                .expect("compiles");
        let trailhound_lang_eql::Plan::Event { filter, .. } = c.plan else {
            unreachable!("an event query")
        };
        eval(b, &filter);
    }

    #[divan::bench]
    fn datadog(b: Bencher) {
        let q = r#"source:cloudtrail @evt.name:(Get* OR List* OR Describe*) -@userIdentity.type:AssumedRole @network.client.ip:81.2.69.0/24"#;
        let parsed = trailhound_lang_datadog::parse_query(q).expect("parses");
        let c = trailhound_lang_datadog::compile_query(&parsed).expect("compiles");
        eval(b, &c.pred);
    }

    #[divan::bench]
    fn sigma(b: Bencher) {
        let doc = "title: b\nlogsource:\n  product: aws\n  service: cloudtrail\ndetection:\n  selection:\n    eventSource|endswith: '.amazonaws.com'\n    eventName|startswith: ['Get', 'List', 'Describe']\n  filter:\n    userIdentity.type: AssumedRole\n  condition: selection and not filter\n";
        let file =
            trailhound_lang_sigma::parse(doc, &trailhound_lang_sigma::LoadOptions::default())
                .expect("parses");
        let Some(trailhound_lang_sigma::Document::Rule(rule)) = file.documents.first() else {
            unreachable!("one rule")
        };
        let options = trailhound_lang_sigma::CompileOptions {
            pipeline: None,
            semantics: trailhound_lang_sigma::ValueSemantics::Sigma,
        };
        let c = trailhound_lang_sigma::compile_rule(rule, &options).expect("compiles");
        eval(b, &c.pred);
    }

    #[divan::bench]
    fn esql(b: Bencher) {
        use trailhound_lang_esql::{Executor, Plan, PlanContext};
        let q = r#"FROM logs-aws.cloudtrail-* | WHERE event.provider == "iam.amazonaws.com" OR event.action LIKE "Get*" | EVAL who = COALESCE(user.name, "?") | STATS calls = COUNT(*), actions = COUNT_DISTINCT(event.action) BY who, cloud.region | SORT calls DESC | LIMIT 20"#;
        let context = PlanContext::new(jiff::Timestamp::UNIX_EPOCH, View::ECS);
        let plan = Plan::parse(q, &context).expect("plans");
        let events = parsed();
        b.counter(ItemsCount::new(events.len())).bench(|| {
            let mut ex = Executor::new(&plan);
            for ev in &events {
                ex.push(ev);
            }
            ex.finish().rows.len()
        });
    }
}

fn load(name: &str, text: &str) -> Rule {
    let report = trailhound_rules::load_sources(
        &[(name.to_owned(), text.to_owned())],
        &LoadOptions::default(),
        LoadReport::default(),
    );
    assert!(
        report.errors.is_empty(),
        "{name}: {:?}",
        report.errors.first().map(|e| e.to_string())
    );
    report
        .rules
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("{name} loads no rule"))
}

const ELASTIC_HEAD: &str = "[metadata]\ncreation_date = \"2026/01/01\"\n[rule]\nauthor = [\"bench\"]\ndescription = \"b\"\nindex = [\"logs-aws.cloudtrail-*\"]\nrisk_score = 21\nseverity = \"low\"\nrule_id = \"00000000-0000-4000-8000-000000000001\"\nname = \"b\"\n";

/// Each stateful operator with one rule over the sample (events in order, every match).
mod operators {
    use super::*;

    fn run(b: Bencher, rule: Rule) {
        let set = RuleSet::new(vec![rule]);
        let options = RuntimeOptions {
            replay: false,
            ..RuntimeOptions::default()
        };
        b.counter(ItemsCount::new(RECORDS.len()))
            .with_inputs(parsed)
            .bench_local_values(|events| run_in_order(&set, options.clone(), events).len());
    }

    #[divan::bench]
    fn threshold(b: Bencher) {
        let text = format!(
            "{ELASTIC_HEAD}type = \"threshold\"\nlanguage = \"kuery\"\nquery = 'event.action:(Get* or List* or Describe*)'\n[rule.threshold]\nfield = [\"user.name\", \"cloud.region\"]\nvalue = 25\n[[rule.threshold.cardinality]]\nfield = \"event.action\"\nvalue = 5\n"
        );
        run(b, load("threshold.toml", &text));
    }

    #[divan::bench]
    fn new_terms(b: Bencher) {
        let text = format!(
            "{ELASTIC_HEAD}type = \"new_terms\"\nlanguage = \"kuery\"\nquery = 'event.dataset:aws.cloudtrail'\n[rule.new_terms]\nfield = \"new_terms_fields\"\nvalue = [\"user.name\", \"source.ip\"]\n[[rule.new_terms.history_window_start]]\nfield = \"history_window_start\"\nvalue = \"now-1h\"\n"
        );
        run(b, load("new_terms.toml", &text));
    }

    #[divan::bench]
    fn eql_sequence(b: Bencher) {
        let text = format!(
            "{ELASTIC_HEAD}type = \"eql\"\nlanguage = \"eql\"\nquery = '''sequence by user.name with maxspan=10m [any where event.action : \"Get*\"] [any where event.action : \"List*\"] [any where event.action : \"Describe*\"]'''\n"
        );
        run(b, load("sequence.toml", &text));
    }

    #[divan::bench]
    fn datadog_threshold(b: Bencher) {
        let text = r#"{"name":"b","type":"log_detection","isEnabled":true,"queries":[{"query":"source:cloudtrail @evt.name:(Get* OR List*)","groupByFields":["@userIdentity.arn"],"distinctFields":[],"aggregation":"count"}],"cases":[{"name":"","status":"low","condition":"a > 20"}],"options":{"detectionMethod":"threshold","evaluationWindow":300,"keepAlive":3600,"maxSignalDuration":86400},"message":"b","tags":[]}"#;
        run(b, load("threshold.json", text));
    }

    #[divan::bench]
    fn sigma_value_count(b: Bencher) {
        let text = "title: base\nname: base\nlogsource:\n  product: aws\n  service: cloudtrail\ndetection:\n  sel:\n    eventName|startswith: Get\n  condition: sel\n---\ntitle: b\ncorrelation:\n  type: value_count\n  rules: base\n  group-by: [userIdentity.arn]\n  timespan: 10m\n  condition:\n    field: eventName\n    gte: 5\nlevel: low\n";
        run(b, load("corr.yml", text));
    }

    #[divan::bench]
    fn esql_rule(b: Bencher) {
        let text = format!(
            "{ELASTIC_HEAD}type = \"esql\"\nlanguage = \"esql\"\nquery = '''FROM logs-aws.cloudtrail-* | WHERE event.action LIKE \"Get*\" | STATS n = COUNT(*) BY user.name | WHERE n > 20'''\n"
        );
        run(b, load("esql.toml", &text));
    }
}

/// Whole rule sets: the filters every event passes (dispatch index plus evaluation), and
/// compiling every corpus rule.
mod rulesets {
    use super::*;

    fn matches(b: Bencher, set: &RuleSet) {
        let events = parsed();
        let mut scratch = Scratch::default();
        let mut slots = Vec::new();
        b.counter(ItemsCount::new(events.len())).bench_local(|| {
            let mut evaluated = 0usize;
            for ev in &events {
                evaluated += set.matches(ev, &mut scratch, &mut slots);
            }
            evaluated
        });
    }

    #[divan::bench]
    fn bundled_pack(b: Bencher) {
        matches(b, &RuleSet::new(pack_rules().rules));
    }

    #[divan::bench]
    fn shared_corpus(b: Bencher) {
        matches(b, &RuleSet::new(corpus_rules().rules));
    }

    #[divan::bench(sample_count = 10)]
    fn compile_shared_corpus() -> usize {
        corpus_rules().rules.len()
    }
}

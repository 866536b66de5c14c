//! `trailhound query`: one ad-hoc query over logs, like `eql query` or Kibana's Discover, and
//! `trailhound hunt-query`: Elastic hunting queries listed and run by name.

use crate::args::{HuntQueryArgs, HuntQueryCommand, QueryArgs, QueryLang, QueryOutput, ViewArg};
use crate::hunt::{HuntProcessor, load_options, load_rules};
use crate::{Fatal, Prepared, exit_code, is_broken_pipe, prepare, text_table};
use std::io::{BufWriter, Write};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use trailhound_engine::operators::sequence::Limit;
use trailhound_engine::{Alert, Logic, Pred, Rule, RuleMeta, RuleSet, Runtime, RuntimeOptions};
use trailhound_event::View;
use trailhound_ingest::{Delivery, Processor};
use trailhound_lang_esql::{Executor, Plan, PlanContext, Table};
use trailhound_syntax::Diagnostic;

fn diag(query: &str, d: &Diagnostic) -> Fatal {
    Fatal(d.render("<query>", query).trim_end().to_owned())
}

/// A one-rule set for a KQL, EQL or Datadog query.
fn query_rule(lang: QueryLang, query: &str) -> Result<(Rule, Vec<Limit>), Fatal> {
    let meta = Arc::new(RuleMeta {
        id: "query".into(),
        name: "query".into(),
        ..RuleMeta::default()
    });
    let per_event = |view: View, filter: Pred| Rule {
        meta: meta.clone(),
        view,
        filters: vec![filter],
        logic: Logic::PerEvent,
        message: None,
    };
    match lang {
        QueryLang::Kql => {
            let c =
                trailhound_lang_kql::compile_str(query, View::ECS).map_err(|d| diag(query, &d))?;
            for w in &c.warnings {
                eprintln!("warning: {}", w.render("<query>", query).trim_end());
            }
            Ok((per_event(View::ECS, c.pred), Vec::new()))
        }
        QueryLang::Datadog => {
            let q = trailhound_lang_datadog::parse_query(query).map_err(|d| diag(query, &d))?;
            let c = trailhound_lang_datadog::compile_query(&q).map_err(|d| diag(query, &d))?;
            for w in &c.warnings {
                eprintln!("warning: {}", w.render("<query>", query).trim_end());
            }
            Ok((per_event(View::Datadog, c.pred), Vec::new()))
        }
        QueryLang::Eql => {
            let q = trailhound_lang_eql::parse(query).map_err(|d| diag(query, &d))?;
            let c =
                trailhound_lang_eql::compile(&q, &trailhound_lang_eql::CompileOptions::default())
                    .map_err(|d| diag(query, &d))?;
            for w in &c.warnings {
                eprintln!("warning: {}", w.render("<query>", query).trim_end());
            }
            let eql = trailhound_rules::compile_elastic::eql_logic(
                c.plan,
                trailhound_engine::state::DEFAULT_MAX_KEYS,
            );
            let rule = Rule {
                meta,
                view: View::ECS,
                filters: eql.filters,
                logic: eql.logic,
                message: None,
            };
            Ok((rule, eql.event_limits))
        }
        QueryLang::Esql => Err(Fatal("internal: ES|QL does not run as a rule query".into())),
    }
}

/// KQL, EQL and Datadog queries: the matching records (sequences: their events, a blank line
/// between sequences).
fn match_query(args: &QueryArgs) -> Result<ExitCode, Fatal> {
    let (rule, limits) = query_rule(args.lang, &args.query)?;
    let Prepared {
        inputs,
        mut options,
        window,
        mut reporter,
        ..
    } = prepare(&args.input)?;
    let sequence = rule.logic.factory().is_some();
    let set = RuleSet::new(vec![rule]);
    let mut runtime = Runtime::new(
        &set,
        RuntimeOptions {
            replay: false,
            ..RuntimeOptions::default()
        },
    );
    options.track_time = sequence;
    let processor = HuntProcessor {
        set: &set,
        window,
        evaluated: AtomicU64::new(0),
    };
    let view = match args.view {
        ViewArg::Raw => View::Raw,
        ViewArg::Ecs => View::ECS,
        ViewArg::Datadog => View::Datadog,
    };
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut write_error: Option<std::io::Error> = None;
    let mut alerts: Vec<Alert> = Vec::new();
    let mut results: Vec<String> = Vec::new();
    let mut emitted = 0usize;
    let head = limits.iter().find_map(|l| {
        if let Limit::Head(n) = l {
            Some(*n)
        } else {
            None
        }
    });
    let tail = limits.iter().find_map(|l| {
        if let Limit::Tail(n) = l {
            Some(*n)
        } else {
            None
        }
    });
    let render = |alert: &Alert| -> String {
        let docs: Vec<String> = alert
            .detection
            .events
            .iter()
            .map(|e| {
                serde_json::to_string(&trailhound_event::document(e, view)).unwrap_or_default()
            })
            .collect();
        let mut s = docs.join("\n");
        if sequence {
            s.push('\n');
        }
        s
    };
    let mut take = |alerts: &mut Vec<Alert>,
                    out: &mut BufWriter<std::io::StdoutLock>,
                    write_error: &mut Option<std::io::Error>| {
        for a in alerts.drain(..) {
            if head.is_some_and(|h| emitted >= h) {
                continue;
            }
            emitted += 1;
            let text = render(&a);
            if tail.is_some() {
                results.push(text);
                continue;
            }
            if write_error.is_none()
                && let Err(e) = writeln!(out, "{text}")
            {
                *write_error = Some(e);
            }
        }
    };
    trailhound_ingest::run(&inputs, &processor, &options, |d| {
        reporter.observe(&d);
        if let Delivery::Batch(b) = d {
            if let Some((lo, _)) = b.time_range {
                runtime.batch_start(lo);
            }
            for hit in b.outputs {
                runtime.on_hit(hit, &mut alerts);
            }
            if let Some((_, hi)) = b.time_range {
                runtime.batch_end(hi, &mut alerts);
            }
            take(&mut alerts, &mut out, &mut write_error);
        }
    });
    runtime.finish(&mut alerts);
    take(&mut alerts, &mut out, &mut write_error);
    if let Some(n) = tail {
        let skip = results.len().saturating_sub(n);
        for r in &results[skip..] {
            if write_error.is_none()
                && let Err(e) = writeln!(out, "{r}")
            {
                write_error = Some(e);
            }
        }
    }
    if write_error.is_none()
        && let Err(e) = out.flush()
    {
        write_error = Some(e);
    }
    reporter.extra = vec![("matches".into(), emitted as u64)];
    reporter.finish();
    match write_error {
        Some(e) if !is_broken_pipe(&e) => Err(Fatal(format!("writing output: {e}"))),
        _ => Ok(exit_code(&reporter)),
    }
}

/// Feeds the events a plan's prefilter keeps to its executor.
struct EsqlFilter<'s> {
    set: &'s RuleSet,
}

impl Processor for EsqlFilter<'_> {
    type Out = trailhound_event::Event<'static>;
    fn process(&self, ev: trailhound_event::Event<'_>, out: &mut Vec<Self::Out>) {
        if self.set.rules()[0].filters[0].eval(&ev) {
            out.push(ev.into_owned());
        }
    }
}

/// Runs an ES|QL query over inputs and returns its table.
fn run_esql(plan: &Plan, prepared: Prepared) -> (Table, crate::report::Reporter) {
    let Prepared {
        inputs,
        options,
        window,
        mut reporter,
        ..
    } = prepared;
    let meta = Arc::new(RuleMeta::default());
    let set = RuleSet::new(vec![Rule {
        meta,
        view: View::ECS,
        filters: vec![plan.prefilter()],
        logic: Logic::PerEvent,
        message: None,
    }]);
    let mut executor = Executor::new(plan);
    let filter = EsqlFilter { set: &set };
    trailhound_ingest::run(&inputs, &filter, &options, |d| {
        reporter.observe(&d);
        if let Delivery::Batch(b) = d {
            for ev in b.outputs {
                if window.contains(&ev) && !executor.is_saturated() {
                    executor.push(&ev);
                }
            }
        }
    });
    (executor.finish(), reporter)
}

/// Writes a table as text, JSON Lines or CSV.
fn write_table(table: &Table, output: QueryOutput) -> std::io::Result<()> {
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    match output {
        QueryOutput::Table => {
            let headers: Vec<&str> = table.columns.iter().map(|(n, _)| n.as_str()).collect();
            let rows: Vec<Vec<String>> = (0..table.rows.len())
                .map(|i| {
                    table
                        .row_json(i)
                        .into_iter()
                        .map(|(_, v)| match v {
                            serde_json::Value::String(s) => s,
                            serde_json::Value::Null => String::new(),
                            other => other.to_string(),
                        })
                        .collect()
                })
                .collect();
            let min = vec![6; headers.len()];
            write!(
                out,
                "{}",
                text_table::render(&headers, &rows, &min, text_table::stdout_width())
            )?;
        }
        QueryOutput::Jsonl => {
            for i in 0..table.rows.len() {
                let obj: serde_json::Map<String, serde_json::Value> =
                    table.row_json(i).into_iter().collect();
                writeln!(out, "{}", serde_json::Value::Object(obj))?;
            }
        }
        QueryOutput::Csv => {
            let quote = |s: &str| {
                if s.contains([',', '"', '\n']) {
                    format!("\"{}\"", s.replace('"', "\"\""))
                } else {
                    s.to_owned()
                }
            };
            writeln!(
                out,
                "{}",
                table
                    .columns
                    .iter()
                    .map(|(n, _)| quote(n))
                    .collect::<Vec<_>>()
                    .join(",")
            )?;
            for i in 0..table.rows.len() {
                let cells: Vec<String> = table
                    .row_json(i)
                    .into_iter()
                    .map(|(_, v)| match v {
                        serde_json::Value::String(s) => quote(&s),
                        serde_json::Value::Null => String::new(),
                        other => quote(&other.to_string()),
                    })
                    .collect();
                writeln!(out, "{}", cells.join(","))?;
            }
        }
    }
    out.flush()
}

fn finish_esql(
    text: &str,
    table: &Table,
    mut reporter: crate::report::Reporter,
    plan: &Plan,
    output: QueryOutput,
) -> Result<ExitCode, Fatal> {
    for w in &table.warnings {
        eprintln!("warning: {w}");
    }
    if let Err(e) = write_table(table, output)
        && !is_broken_pipe(&e)
    {
        return Err(Fatal(format!("writing output: {e}")));
    }
    reporter.extra = vec![("rows".into(), table.rows.len() as u64)];
    reporter.finish();
    if text.to_ascii_lowercase().contains("now(") {
        eprintln!(
            "trailhound: ES|QL now() = {} (set it with --now)",
            trailhound_engine::alert::iso(plan.now().as_millisecond())
        );
    }
    Ok(exit_code(&reporter))
}

pub fn query(args: QueryArgs) -> Result<ExitCode, Fatal> {
    if args.lang != QueryLang::Esql {
        return match_query(&args);
    }
    let prepared = prepare(&args.input)?;
    let context = PlanContext::new(prepared.now, View::ECS).with_source(&args.query);
    let plan = Plan::parse(&args.query, &context).map_err(|d| diag(&args.query, &d))?;
    for w in plan.warnings() {
        eprintln!("warning: {w}");
    }
    let (table, reporter) = run_esql(&plan, prepared);
    finish_esql(&args.query, &table, reporter, &plan, args.format)
}

/// `trailhound hunt-query list|run`.
pub fn hunt_query(args: HuntQueryArgs) -> Result<ExitCode, Fatal> {
    let options = load_options(None)?;
    let report = load_rules(&args.rules, &options);
    let hunts: Vec<&Rule> = report
        .rules
        .iter()
        .filter(|r| r.meta.rule_type == "hunt")
        .collect();
    match args.command {
        HuntQueryCommand::List => {
            let rows: Vec<Vec<String>> = hunts
                .iter()
                .map(|r| {
                    let stem = r
                        .meta
                        .file
                        .rsplit('/')
                        .next()
                        .unwrap_or("")
                        .trim_end_matches(".toml")
                        .to_owned();
                    vec![stem, r.meta.name.clone(), r.meta.techniques().join(" ")]
                })
                .collect();
            print!(
                "{}",
                text_table::render(
                    &["QUERY", "NAME", "TECHNIQUES"],
                    &rows,
                    &[12, 16, 8],
                    text_table::stdout_width()
                )
            );
            for e in &report.errors {
                eprintln!("{e}");
            }
            Ok(ExitCode::SUCCESS)
        }
        HuntQueryCommand::Run {
            name,
            input,
            format,
        } => {
            let wanted = name.trim_end_matches(".toml");
            let rule = hunts
                .iter()
                .find(|r| {
                    r.meta.name == name
                        || r.meta.id == name
                        || r.meta
                            .file
                            .rsplit('/')
                            .next()
                            .unwrap_or("")
                            .trim_end_matches(".toml")
                            == wanted
                })
                .ok_or_else(|| {
                    Fatal(format!(
                        "no hunting query named {name} (see `trailhound hunt-query list`)"
                    ))
                })?;
            let text = load_query_text(&rule.meta.file, &rule.meta.id)?;
            let prepared = prepare(&input)?;
            let context = PlanContext::new(prepared.now, View::ECS).with_source(&text);
            let plan = Plan::parse(&text, &context).map_err(|d| diag(&text, &d))?;
            let (table, reporter) = run_esql(&plan, prepared);
            finish_esql(&text, &table, reporter, &plan, format)
        }
    }
}

/// The ES|QL text of a hunting query, re-read from its file (or the pack).
fn load_query_text(file: &str, id: &str) -> Result<String, Fatal> {
    let text = if let Some(path) = file.strip_prefix("<bundled>/rules/") {
        trailhound_rules::pack::FILES
            .iter()
            .find(|(p, _)| *p == path)
            .map(|(_, t)| (*t).to_owned())
    } else {
        std::fs::read_to_string(file).ok()
    }
    .ok_or_else(|| Fatal(format!("cannot read {file}")))?;
    match trailhound_rules::elastic::parse(file, &text).map_err(|e| Fatal(e.to_string()))? {
        trailhound_rules::elastic::Parsed::Rules(rules) => rules
            .into_iter()
            .find(|r| r.meta.id == id)
            .map(|r| r.query.0)
            .ok_or_else(|| Fatal(format!("query {id} not found in {file}"))),
        trailhound_rules::elastic::Parsed::NotRunnable(_, why) => Err(Fatal(why)),
    }
}

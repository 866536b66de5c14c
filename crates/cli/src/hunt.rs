//! `trailhound hunt`: rules over logs, alerts out.

use crate::args::{FormatArg, HuntArgs};
use crate::{Fatal, Prepared, TimeWindow, exit_code, is_broken_pipe, prepare};
use std::cell::RefCell;
use std::io::{BufWriter, IsTerminal, Write};
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use trailhound_alerts::{
    AlertSink, CsvSink, EcsSink, JsonlSink, SarifSink, TableSink, TableStyle, TimelineSink,
};
use trailhound_engine::{Alert, Hit, InputFacts, RuleSet, Runtime, RuntimeOptions, Scratch, Slot};
use trailhound_event::Event;
use trailhound_ingest::{Delivery, Processor};
use trailhound_rules::{LoadOptions, LoadReport};

thread_local! {
    static SCRATCH: RefCell<(Scratch, Vec<Slot>)> = RefCell::new((Scratch::default(), Vec::new()));
}

/// Runs the rule set's filters on every event (worker threads).
pub struct HuntProcessor<'s> {
    pub set: &'s RuleSet,
    pub window: TimeWindow,
    /// Filters evaluated, summed over events (for the rules-per-record statistic).
    pub evaluated: AtomicU64,
}

impl Processor for HuntProcessor<'_> {
    type Out = Hit;
    fn process(&self, ev: Event<'_>, out: &mut Vec<Hit>) {
        if !self.window.contains(&ev) {
            return;
        }
        SCRATCH.with(|cell| {
            let mut guard = cell.borrow_mut();
            let (scratch, slots) = &mut *guard;
            let evaluated = self.set.matches(&ev, scratch, slots);
            self.evaluated
                .fetch_add(evaluated as u64, Ordering::Relaxed);
            if let Some(hit) = RuleSet::hit(ev, scratch, slots) {
                out.push(hit);
            }
        });
    }
}

/// Prints load problems to stderr; returns true when a rule failed to load.
pub fn print_load_report(report: &LoadReport, quiet: bool) -> bool {
    if !quiet {
        for e in &report.errors {
            eprintln!("{e}");
        }
        for w in &report.warnings {
            eprintln!("warning: {w}");
        }
        for (id, kept, skipped) in &report.duplicates {
            eprintln!(
                "warning: rule id {id} is defined in {kept} and {skipped}; the second is ignored"
            );
        }
    }
    !report.errors.is_empty()
}

/// Rule-loading options from the command line.
pub fn load_options(sigma_mapping: Option<&std::path::Path>) -> Result<LoadOptions, Fatal> {
    let mut options = LoadOptions::default();
    if let Some(path) = sigma_mapping {
        let text =
            std::fs::read_to_string(path).map_err(|e| Fatal(format!("{}: {e}", path.display())))?;
        let pipeline = trailhound_lang_sigma::parse_pipeline(&text).map_err(|diags| {
            let name = path.display().to_string();
            Fatal(
                diags
                    .iter()
                    .map(|d| d.render(&name, &text))
                    .collect::<String>()
                    .trim_end()
                    .to_owned(),
            )
        })?;
        options.sigma_pipeline = Some(pipeline);
    }
    Ok(options)
}

/// Loads the rules named on the command line, or the bundled pack.
pub fn load_rules(paths: &[std::path::PathBuf], options: &LoadOptions) -> LoadReport {
    if paths.is_empty() {
        trailhound_rules::pack::load(options)
    } else {
        trailhound_rules::load_paths(paths, options)
    }
}

/// Terminal width and colour for standard output; neither for a file.
fn table_style(output: Option<&std::path::Path>) -> TableStyle {
    if output.is_some() {
        TableStyle {
            width: None,
            color: false,
        }
    } else {
        TableStyle::for_stdout()
    }
}

fn sink(
    format: Option<FormatArg>,
    output: Option<&std::path::Path>,
) -> Result<Box<dyn AlertSink>, Fatal> {
    let to_terminal = output.is_none() && std::io::stdout().is_terminal();
    let format = format.unwrap_or(if to_terminal {
        FormatArg::Table
    } else {
        FormatArg::Jsonl
    });
    let writer: Box<dyn Write> = match output {
        Some(p) => Box::new(BufWriter::new(
            std::fs::File::create(p).map_err(|e| Fatal(format!("{}: {e}", p.display())))?,
        )),
        None => Box::new(BufWriter::new(std::io::stdout())),
    };
    Ok(match format {
        FormatArg::Table => Box::new(TableSink::new(writer, table_style(output))),
        FormatArg::Timeline => Box::new(TimelineSink::new(writer, table_style(output))),
        FormatArg::Jsonl => Box::new(JsonlSink::new(writer)),
        FormatArg::Csv => Box::new(CsvSink::new(writer)),
        FormatArg::Ecs => Box::new(EcsSink::new(writer)),
        FormatArg::Sarif => Box::new(SarifSink::new(writer)),
    })
}

pub fn hunt(args: HuntArgs) -> Result<ExitCode, Fatal> {
    let Prepared {
        inputs,
        mut options,
        window,
        mut reporter,
        now,
    } = prepare(&args.input)?;
    let mut load_options = load_options(args.sigma_mapping.as_deref())?;
    load_options.now = now;
    load_options.replay = !args.no_replay;
    load_options.max_keys = args.max_keys.max(1);
    let report = load_rules(&args.rules, &load_options);
    let rule_errors = print_load_report(&report, args.input.quiet);
    if report.rules.is_empty() {
        return Err(Fatal(format!(
            "no runnable rules ({} not runnable, {} with errors)",
            report.not_runnable.len(),
            report.errors.len()
        )));
    }
    let exceptions = load_exceptions(&args.exceptions, now, args.input.quiet)?;
    // Counted before the tests on GeoIP fields are decided for an input without them.
    let geo_rules = report.rules.iter().filter(|r| r.reads_geoip()).count();
    let facts = InputFacts {
        geoip: options.enrichment.is_some(),
    };
    let set = RuleSet::for_input(report.rules, exceptions, facts);
    if !args.input.quiet {
        for (i, x) in set.exceptions().iter().enumerate() {
            if set.exception_reach(i) == 0 {
                eprintln!(
                    "warning: exception `{}` applies to none of the loaded rules",
                    x.name
                );
            }
        }
    }
    let mut excepted_out: Option<JsonlSink<Box<dyn Write>>> = match &args.excepted {
        Some(p) => Some(JsonlSink::new(Box::new(BufWriter::new(
            std::fs::File::create(p).map_err(|e| Fatal(format!("{}: {e}", p.display())))?,
        )))),
        None => None,
    };
    let runtime_options = RuntimeOptions {
        replay: !args.no_replay,
        ..RuntimeOptions::default()
    };
    let mut runtime = Runtime::new(&set, runtime_options);
    let mut out = sink(args.format, args.output.as_deref())?;
    options.track_time = true;
    let processor = HuntProcessor {
        set: &set,
        window,
        evaluated: AtomicU64::new(0),
    };
    let mut alerts: Vec<Alert> = Vec::new();
    let mut write_error: Option<std::io::Error> = None;
    let mut shown = 0u64;
    let mut hidden = 0u64;
    let include_bb = args.include_building_blocks;
    let mut emit = |alerts: &mut Vec<Alert>,
                    out: &mut Box<dyn AlertSink>,
                    write_error: &mut Option<std::io::Error>| {
        for a in alerts.drain(..) {
            if a.exception.is_some() {
                if let Some(sink) = excepted_out.as_mut()
                    && write_error.is_none()
                    && let Err(e) = sink.alert(&a)
                {
                    *write_error = Some(e);
                }
                continue;
            }
            if a.rule.building_block && !include_bb {
                hidden += 1;
                continue;
            }
            shown += 1;
            if write_error.is_none()
                && let Err(e) = out.alert(&a)
            {
                *write_error = Some(e);
            }
        }
    };

    if !args.history.is_empty() {
        let (history, errors) = trailhound_ingest::expand(
            &args
                .history
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>(),
        );
        for e in &errors {
            reporter.early_error(e);
        }
        runtime.set_training(true);
        trailhound_ingest::run(&history, &processor, &options, |d| {
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
            }
        });
        // Let every learned event leave the reorder buffer while still training.
        runtime.flush_training(&mut alerts);
        alerts.clear();
        runtime.set_training(false);
    }

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
            emit(&mut alerts, &mut out, &mut write_error);
            reporter.extra = vec![("alerts".into(), runtime.stats().alerts)];
        }
    });
    runtime.finish(&mut alerts);
    emit(&mut alerts, &mut out, &mut write_error);
    if write_error.is_none()
        && let Err(e) = out.finish()
    {
        write_error = Some(e);
    }
    if let Some(sink) = excepted_out.as_mut()
        && write_error.is_none()
        && let Err(e) = sink.finish()
    {
        write_error = Some(e);
    }
    let stats = runtime.stats().clone();
    let events = reporter.tally_events().max(1);
    reporter.extra = vec![("alerts".into(), shown)];
    if hidden > 0 {
        reporter
            .extra
            .push(("building-block alerts hidden".into(), hidden));
    }
    reporter.finish();
    if !args.input.quiet {
        let evaluated = processor.evaluated.load(Ordering::Relaxed);
        let mut notes = vec![format!(
            "{} rules ({} filters: {} indexed by event name or source, {} by a literal of the record, {} checked on every record); {:.2} filters evaluated per event",
            set.rules().len(),
            set.filter_count(),
            set.filter_count() - set.unindexed_filters() - set.literal_gated_filters(),
            set.literal_gated_filters(),
            set.unindexed_filters(),
            evaluated as f64 / events as f64
        )];
        if stats.late > 0 {
            notes.push(format!(
                "{} late events (arrived after later events were processed)",
                stats.late
            ));
        }
        if stats.dropped_by_max_signals > 0 {
            notes.push(format!("{} detections over max_signals per rule run (schedule replay; --no-replay keeps every match)", stats.dropped_by_max_signals));
        }
        if stats.suppressed > 0 {
            notes.push(format!(
                "{} alerts folded by alert suppression",
                stats.suppressed
            ));
        }
        let evictions: u64 = runtime
            .operator_stats()
            .iter()
            .map(|(_, s)| s.evictions)
            .sum();
        if evictions > 0 {
            notes.push(format!(
                "{evictions} keys evicted from stateful rules at their state bound"
            ));
        }
        if set.rules().iter().any(|r| r.meta.reads_clock) {
            notes.push(format!(
                "ES|QL now() = {} (set it with --now)",
                trailhound_engine::alert::iso(now.as_millisecond())
            ));
        }
        for (x, count) in set.exceptions().iter().zip(&stats.excepted) {
            notes.push(format!(
                "exception `{}`: {} alerts suppressed, {} events kept out of stateful rules",
                x.name, count.alerts, count.events
            ));
        }
        if geo_rules > 0 && args.input.geoip.is_empty() {
            notes.push(format!(
                "{geo_rules} rules match on GeoIP fields (source.geo.*, source.as.*, \
                 network.client.geoip.*), which stay empty without --geoip"
            ));
        }
        if !report.not_runnable.is_empty() {
            notes.push(format!(
                "{} rules not runnable here (see `trailhound rules list`)",
                report.not_runnable.len()
            ));
        }
        for n in notes {
            eprintln!("trailhound: {n}");
        }
    }
    if let Some(e) = write_error
        && !is_broken_pipe(&e)
    {
        return Err(Fatal(format!("writing alerts: {e}")));
    }
    if rule_errors {
        return Ok(ExitCode::from(2));
    }
    Ok(exit_code(&reporter))
}

/// Loads exceptions files; any error in one is fatal (running without an exception its author
/// relies on would raise what they silenced, running with half of one is worse).
fn load_exceptions(
    paths: &[std::path::PathBuf],
    now: jiff::Timestamp,
    quiet: bool,
) -> Result<Vec<trailhound_engine::Exception>, Fatal> {
    let mut all = Vec::new();
    for path in paths {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| Fatal(format!("{name}: {e}")))?;
        match trailhound_rules::exceptions::parse(&name, &text, now) {
            Ok(x) => {
                if !quiet {
                    for w in &x.warnings {
                        eprintln!("warning: {w}");
                    }
                    for (n, date) in &x.expired {
                        eprintln!(
                            "warning: {name}: exception `{n}` expired on {date}; not applied"
                        );
                    }
                }
                all.extend(x.active);
            }
            Err(errors) => {
                let text: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
                return Err(Fatal(format!(
                    "{}\n{} error(s) in exceptions file {name}",
                    text.join("\n").trim_end(),
                    errors.len()
                )));
            }
        }
    }
    Ok(all)
}

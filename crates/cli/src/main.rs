//! The `trailhound` command line.

mod args;
mod explain;
mod hunt;
mod investigate;
mod markdown;
mod query;
mod report;
mod rules_cmd;
mod simulate;
mod text_table;
mod timearg;

use args::{Cli, Command, InputArgs, NormalizeArgs, ScanArgs, ViewArg};
use clap::Parser;
use report::Reporter;
use std::io::{BufWriter, Write};
use std::process::ExitCode;
use std::sync::Arc;
use trailhound_event::{Enrichment, Event, View};
use trailhound_ingest::{Delivery, Input, Limits, Options, Processor};

/// Records are decoded on reader threads and their memory freed on the runtime thread, a
/// pattern glibc's allocator serialises on arena locks; mimalloc frees across threads without
/// them (measured in issue 10's note).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Rust ignores SIGPIPE, so a write to a closed pipe is an error every `print!` would panic
/// on; restoring the default makes `trailhound … | head` end the way `cat` or `grep` do.
// The one unsafe call of the binary: libc's signal(2).
#[allow(unsafe_code)]
fn reset_sigpipe() {
    #[cfg(unix)]
    // SAFETY: setting a signal's disposition to SIG_DFL at start-up, before any thread exists,
    // has no preconditions.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

/// A failure that ends the run with exit code 2.
#[derive(Debug)]
struct Fatal(String);

impl<E: std::fmt::Display> From<E> for Fatal {
    fn from(e: E) -> Fatal {
        Fatal(e.to_string())
    }
}

fn main() -> ExitCode {
    reset_sigpipe();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Hunt(args) => hunt::hunt(args),
        Command::Normalize(args) => normalize(args),
        Command::Rules(args) => rules_cmd::run(args),
        Command::Explain(args) => explain::explain(args),
        Command::Query(args) => query::query(args),
        Command::HuntQuery(args) => query::hunt_query(args),
        Command::Investigate(args) => investigate::investigate(args),
        Command::Simulate(args) => simulate::simulate(args),
        Command::Scan(args) => scan(&args),
        Command::Fidelity(args) => simulate::fidelity(args),
    };
    match result {
        Ok(code) => code,
        Err(Fatal(msg)) => {
            eprintln!("trailhound: {msg}");
            ExitCode::from(2)
        }
    }
}

/// Inputs and pipeline settings resolved from [`InputArgs`].
struct Prepared {
    inputs: Vec<Input>,
    options: Options,
    window: TimeWindow,
    reporter: Reporter,
    /// The time `now` means (`--now`, or the real time).
    now: jiff::Timestamp,
}

/// `--since`/`--until`, as epoch milliseconds.
#[derive(Clone, Copy, Debug, Default)]
pub struct TimeWindow {
    since: Option<i64>,
    until: Option<i64>,
}

impl TimeWindow {
    /// True when the event is inside the window. Events without a parseable time are kept
    /// when no window is set and dropped otherwise.
    pub fn contains(&self, ev: &Event<'_>) -> bool {
        if self.since.is_none() && self.until.is_none() {
            return true;
        }
        let Some(t) = ev.time_millis() else {
            return false;
        };
        self.since.is_none_or(|s| t >= s) && self.until.is_none_or(|u| t < u)
    }
}

fn prepare(args: &InputArgs) -> Result<Prepared, Fatal> {
    let now = match &args.now {
        Some(n) => timearg::parse_time(n, jiff::Timestamp::now()).map_err(Fatal)?,
        None => jiff::Timestamp::now(),
    };
    let millis = |t: &Option<String>| -> Result<Option<i64>, Fatal> {
        t.as_deref()
            .map(|s| timearg::parse_time(s, now).map(|ts| ts.as_millisecond()))
            .transpose()
            .map_err(Fatal)
    };
    let window = TimeWindow {
        since: millis(&args.since)?,
        until: millis(&args.until)?,
    };
    let mut enrichment = Enrichment::default();
    for path in &args.geoip {
        enrichment.add_file(path)?;
    }
    let (inputs, errors) = trailhound_ingest::expand(&args.inputs);
    let total: u64 = inputs.iter().filter_map(|i| i.size).sum();
    let mut reporter = Reporter::new(total, args.quiet, !args.no_progress);
    for e in &errors {
        reporter.early_error(e);
    }
    let mut options = Options {
        limits: Limits {
            max_record_bytes: args.max_record_bytes,
            max_depth: args.max_depth,
        },
        enrichment: (!enrichment.is_empty()).then(|| Arc::new(enrichment)),
        ..Options::default()
    };
    if let Some(t) = args.threads {
        options.threads = t.max(1);
    }
    Ok(Prepared {
        inputs,
        options,
        window,
        reporter,
        now,
    })
}

fn exit_code(reporter: &Reporter) -> ExitCode {
    if reporter.had_problems() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// True for a write error that means the reader went away (`| head`): not a failure.
fn is_broken_pipe(e: &std::io::Error) -> bool {
    e.kind() == std::io::ErrorKind::BrokenPipe
}

struct Normalizer {
    view: View,
    window: TimeWindow,
}

impl Processor for Normalizer {
    type Out = String;
    fn process(&self, ev: Event<'_>, out: &mut Vec<String>) {
        if !self.window.contains(&ev) {
            return;
        }
        let doc = trailhound_event::document(&ev, self.view);
        out.push(serde_json::to_string(&doc).unwrap_or_default());
    }
}

/// Counts records: decode and parse are all the work.
struct Scanner;

impl Processor for Scanner {
    type Out = ();
    fn process(&self, ev: Event<'_>, _out: &mut Vec<()>) {
        std::hint::black_box(ev.doc());
    }
}

fn scan(args: &ScanArgs) -> Result<ExitCode, Fatal> {
    let Prepared {
        inputs,
        options,
        mut reporter,
        ..
    } = prepare(&args.input)?;
    if args.decompress_only {
        return decompress_only(&inputs, options.threads, args.input.quiet);
    }
    trailhound_ingest::run(&inputs, &Scanner, &options, |d| reporter.observe(&d));
    reporter.finish();
    Ok(exit_code(&reporter))
}

/// `scan --decompress-only`: every input read and decompressed (flate2 with zlib-rs, as the
/// hunt reads them) on `threads` threads taking inputs in turn, the output thrown away.
fn decompress_only(inputs: &[Input], threads: usize, quiet: bool) -> Result<ExitCode, Fatal> {
    use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
    let next = AtomicUsize::new(0);
    let bytes = AtomicU64::new(0);
    let failed = AtomicU64::new(0);
    let start = std::time::Instant::now();
    std::thread::scope(|scope| {
        for _ in 0..threads.max(1) {
            scope.spawn(|| {
                while let Some(input) = inputs.get(next.fetch_add(1, Ordering::Relaxed)) {
                    let copied = trailhound_ingest::open(input)
                        .and_then(|(mut r, _)| std::io::copy(&mut r, &mut std::io::sink()));
                    match copied {
                        Ok(n) => bytes.fetch_add(n, Ordering::Relaxed),
                        Err(_) => failed.fetch_add(1, Ordering::Relaxed),
                    };
                }
            });
        }
    });
    let failed = failed.into_inner();
    if !quiet {
        eprintln!(
            "trailhound: {} inputs, {} MB decompressed, {failed} unreadable; {:.2} s",
            inputs.len(),
            bytes.into_inner() >> 20,
            start.elapsed().as_secs_f64()
        );
    }
    Ok(if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn normalize(args: NormalizeArgs) -> Result<ExitCode, Fatal> {
    let Prepared {
        inputs,
        options,
        window,
        mut reporter,
        ..
    } = prepare(&args.input)?;
    let view = match args.view {
        ViewArg::Raw => View::Raw,
        ViewArg::Ecs => View::Ecs(args.ecs_generation.generation()),
        ViewArg::Datadog => View::Datadog,
    };
    let processor = Normalizer { view, window };
    let stdout = std::io::stdout();
    let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
    let mut write_error: Option<std::io::Error> = None;
    trailhound_ingest::run(&inputs, &processor, &options, |d| {
        reporter.observe(&d);
        if let Delivery::Batch(batch) = d {
            if write_error.is_some() {
                return;
            }
            for line in batch.outputs {
                if let Err(e) = out
                    .write_all(line.as_bytes())
                    .and_then(|()| out.write_all(b"\n"))
                {
                    write_error = Some(e);
                    break;
                }
            }
        }
    });
    if write_error.is_none()
        && let Err(e) = out.flush()
    {
        write_error = Some(e);
    }
    reporter.finish();
    match write_error {
        Some(e) if !is_broken_pipe(&e) => Err(Fatal(format!("writing output: {e}"))),
        _ => Ok(exit_code(&reporter)),
    }
}

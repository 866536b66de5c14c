//! What the user sees on stderr: input problems as they happen, a progress bar on a terminal,
//! and the end-of-run summary.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};
use trailhound_ingest::{Delivery, InputError, Tally};

/// Messages printed per input before the rest are only counted.
const MAX_MESSAGES_PER_INPUT: usize = 20;

/// Tracks a run and reports on it.
pub struct Reporter {
    tally: Tally,
    progress: Option<ProgressBar>,
    started: Instant,
    quiet: bool,
    /// Problems found while expanding paths (before the pipeline).
    early_errors: u64,
    messages_for_input: (String, usize),
    silenced: u64,
    /// Extra counters shown in the summary, e.g. ("alerts", 3).
    pub extra: Vec<(String, u64)>,
}

impl Reporter {
    /// A reporter; `total_bytes` sizes the progress bar. The bar shows only when both stdout and
    /// stderr are terminals and `quiet` is off.
    pub fn new(total_bytes: u64, quiet: bool, progress: bool) -> Reporter {
        let show = progress
            && !quiet
            && std::io::stderr().is_terminal()
            && std::io::stdout().is_terminal();
        let progress = show.then(|| {
            let bar = ProgressBar::with_draw_target(
                Some(total_bytes),
                ProgressDrawTarget::stderr_with_hz(4),
            );
            if let Ok(style) = ProgressStyle::with_template(
                "{spinner} {elapsed_precise} [{bar:30}] {binary_bytes}/{binary_total_bytes} {msg}",
            ) {
                bar.set_style(style.progress_chars("=> "));
            }
            bar.enable_steady_tick(Duration::from_millis(250));
            bar
        });
        Reporter {
            tally: Tally::default(),
            progress,
            started: Instant::now(),
            quiet,
            early_errors: 0,
            messages_for_input: (String::new(), 0),
            silenced: 0,
            extra: Vec::new(),
        }
    }

    /// Reports a problem found before decoding (a missing path, a directory loop).
    pub fn early_error(&mut self, e: &InputError) {
        self.early_errors += 1;
        self.print(&e.to_string());
    }

    /// Folds a delivery into the counts, printing problems.
    pub fn observe<O>(&mut self, d: &Delivery<O>) {
        self.tally.observe(d);
        if let Delivery::Error(e) = d {
            if self.messages_for_input.0 != e.source {
                self.messages_for_input = (e.source.clone(), 0);
            }
            self.messages_for_input.1 += 1;
            if self.messages_for_input.1 <= MAX_MESSAGES_PER_INPUT {
                self.print(&e.to_string());
            } else {
                if self.messages_for_input.1 == MAX_MESSAGES_PER_INPUT + 1 {
                    self.print(&format!(
                        "{}: further problems in this input are counted, not printed",
                        e.source
                    ));
                }
                self.silenced += 1;
            }
        }
        if let Some(bar) = &self.progress
            && matches!(d, Delivery::Done(_) | Delivery::Batch(_))
        {
            bar.set_position(self.tally.bytes);
            let secs = self.started.elapsed().as_secs_f64().max(1e-3);
            let extra: String = self
                .extra
                .iter()
                .map(|(k, v)| format!(", {v} {k}"))
                .collect();
            bar.set_message(format!(
                "{} inputs, {} events{extra}, {:.0} events/s",
                self.tally.inputs,
                self.tally.events,
                self.tally.events as f64 / secs
            ));
        }
    }

    fn print(&self, line: &str) {
        if self.quiet {
            return;
        }
        match &self.progress {
            Some(bar) => bar.suspend(|| eprintln!("{line}")),
            None => eprintln!("{line}"),
        }
    }

    /// Events decoded so far.
    pub fn tally_events(&self) -> u64 {
        self.tally.events
    }

    /// True when any input or record was skipped.
    pub fn had_problems(&self) -> bool {
        self.early_errors + self.tally.input_errors + self.tally.skipped_records > 0
    }

    /// Prints the end-of-run summary (unless quiet) and clears the progress bar.
    pub fn finish(&mut self) {
        if let Some(bar) = self.progress.take() {
            bar.finish_and_clear();
        }
        if self.quiet {
            return;
        }
        let secs = self.started.elapsed().as_secs_f64();
        let t = &self.tally;
        let formats: Vec<String> = t
            .per_format
            .iter()
            .filter(|(_, n)| **n > 0)
            .map(|((f, gz), n)| format!("{}{} {n}", f.name(), if *gz { ".gz" } else { "" }))
            .collect();
        let formats = if formats.is_empty() {
            String::new()
        } else {
            format!(" ({})", formats.join(", "))
        };
        let extra: String = self
            .extra
            .iter()
            .map(|(k, v)| format!(", {v} {k}"))
            .collect();
        let mut line = format!(
            "trailhound: {} inputs, {} events{formats}{extra}; problems: {} inputs, {} records",
            t.inputs,
            t.events,
            t.input_errors + self.early_errors,
            t.skipped_records,
        );
        if t.digests > 0 {
            line.push_str(&format!("; {} digest files", t.digests));
        }
        if self.silenced > 0 {
            line.push_str(&format!(" ({} problems not printed)", self.silenced));
        }
        line.push_str(&format!(
            "; {:.2} s, {:.0} events/s",
            secs,
            t.events as f64 / secs.max(1e-6)
        ));
        let _ = writeln!(std::io::stderr(), "{line}");
    }
}

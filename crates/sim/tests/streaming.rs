//! Generation streams: two million events pass through without the generator's memory
//! growing. This file is its own test binary so that no other test shares the process whose
//! peak resident size it measures.

use trailhound_sim::{Layout, SimOptions, simulate};

/// The process's peak resident set size in KiB (`VmHWM`), where `/proc` exists.
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[test]
fn two_million_events_stream_in_bounded_memory() {
    let before = peak_rss_kib();
    let clock = std::time::Instant::now();
    let mut options = SimOptions::new(Layout::Ndjson {
        events: Box::new(std::io::sink()),
        ground_truth: None,
    });
    options.seed = 3;
    options.events = 2_000_000;
    options.days = 2;
    let summary = simulate(options).expect("simulates");
    assert_eq!(summary.background_events, 2_000_000);
    let secs = clock.elapsed().as_secs_f64();
    // `cargo test --release -p trailhound-sim --test streaming -- --nocapture` shows the speed.
    eprintln!("{:.0} events/s to NDJSON ({:.1} s)", 2e6 / secs, secs);
    // By construction the generator holds one record buffer, one pending arrival per stream and
    // the output buffer: a few hundred KiB whatever the event count.
    assert!(
        summary.peak_buffer_bytes < 1 << 20,
        "{} bytes held",
        summary.peak_buffer_bytes
    );
    if let (Some(before), Some(after)) = (before, peak_rss_kib()) {
        let grown_mib = after.saturating_sub(before) / 1024;
        // Two million records are ~2.6 GB of JSON; holding even 2% of them would exceed this.
        assert!(grown_mib < 48, "peak RSS grew by {grown_mib} MiB");
    }
}

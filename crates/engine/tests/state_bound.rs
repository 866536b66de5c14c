//! Keyed state stays within its bound under 10 million distinct keys: the map holds at most its
//! capacity, every key past it is evicted and counted, the eviction heap stays proportional to
//! the keys, and the process's peak memory grows by a bounded amount. (Its own test binary, so
//! the peak-memory reading is not disturbed by other tests.)

use trailhound_engine::state::Keyed;

/// Peak resident set of this process, in KiB (Linux; `None` elsewhere).
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// The full stress (about a minute in a debug build, seconds in release):
/// `cargo test --release -p trailhound-engine --test state_bound -- --ignored`.
#[test]
#[ignore = "10 million keys: run with --ignored (see README, Testing)"]
fn ten_million_distinct_keys_stay_within_the_bound() {
    stress(10_000_000, 100_000);
}

/// The same at a tenth of the size, in the default suite.
#[test]
fn one_million_distinct_keys_stay_within_the_bound() {
    stress(1_000_000, 10_000);
}

fn stress(keys: u64, capacity: usize) {
    let before = peak_rss_kib();
    let mut state: Keyed<u32> = Keyed::new(capacity);
    let mut key = String::new();
    for i in 0..keys {
        key.clear();
        use std::fmt::Write;
        let _ = write!(key, "arn:aws:iam::111122223333:user/u{i}");
        *state.entry(&key, i as i64, || 0) += 1;
        // A few hot keys touched again and again at later times.
        if i % 10 == 0 {
            *state.entry("hot", i as i64, || 0) += 1;
        }
        assert!(state.len() <= capacity);
    }
    let stats = state.stats();
    assert_eq!(stats.keys as usize, capacity);
    assert_eq!(stats.peak_keys as usize, capacity);
    // Every distinct key past the capacity evicted one older key ("hot" stays: it is always
    // recent), counted.
    assert_eq!(stats.evictions, keys + 1 - capacity as u64);
    assert!(
        state.get("hot").is_some(),
        "the most recently used key is kept"
    );
    assert!(
        state.heap_len() <= 4 * state.len() + 1024,
        "eviction heap {} for {} keys",
        state.heap_len(),
        state.len()
    );
    if let (Some(b), Some(a)) = (before, peak_rss_kib()) {
        // 100k keys of ~40 bytes plus heap and map overhead: well under 64 MiB.
        assert!(
            a.saturating_sub(b) < 64 * 1024,
            "peak RSS grew by {} KiB",
            a - b
        );
    }
}

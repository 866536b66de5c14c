//! A hunt over more than 5 GB of CloudTrail streams in bounded memory: `trailhound simulate`
//! writes the records to a pipe, the test counts the bytes on their way into `trailhound hunt -`
//! (bundled pack, both cores), and samples the hunt's peak RSS (`VmHWM`) from `/proc` until it
//! exits. Outside the default suite (about two minutes on two cores):
//!
//! ```sh
//! cargo test --release -p trailhound --test bounded_memory -- --ignored --nocapture
//! ```

use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

const LIMIT_MB: u64 = 300;

/// Peak resident set of `pid` in KiB, while it runs.
fn peak_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[test]
#[ignore = "5 GB through a pipe: minutes; run with --ignored"]
fn five_gigabytes_hunt_under_the_memory_bound() {
    let bin = env!("CARGO_BIN_EXE_trailhound");
    let mut sim = Command::new(bin)
        .args(["simulate", "--ndjson", "-", "-n", "3600000", "-d", "30"])
        .args(["--seed", "5", "--all-attacks"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("simulate starts");
    let mut hunt = Command::new(bin)
        .args([
            "hunt",
            "--no-progress",
            "-f",
            "jsonl",
            "-o",
            "/dev/null",
            "-",
        ])
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("hunt starts");
    let pid = hunt.id();
    let done = Arc::new(AtomicBool::new(false));
    let peak = Arc::new(AtomicU64::new(0));
    let sampler = {
        let (done, peak) = (done.clone(), peak.clone());
        std::thread::spawn(move || {
            while !done.load(Ordering::Relaxed) {
                if let Some(k) = peak_kib(pid) {
                    peak.fetch_max(k, Ordering::Relaxed);
                }
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
        })
    };
    let mut stderr = hunt.stderr.take().expect("piped");
    let errors = std::thread::spawn(move || {
        let mut text = String::new();
        stderr.read_to_string(&mut text).map(|_| text)
    });
    let mut from = sim.stdout.take().expect("piped");
    let mut to = hunt.stdin.take().expect("piped");
    let mut bytes = 0u64;
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = from.read(&mut buf).expect("read simulate");
        if n == 0 {
            break;
        }
        to.write_all(&buf[..n]).expect("write hunt");
        bytes += n as u64;
    }
    drop(to);
    assert!(sim.wait().expect("simulate ends").success());
    let status = hunt.wait().expect("hunt ends");
    done.store(true, Ordering::Relaxed);
    sampler.join().expect("sampler");
    let summary = errors.join().expect("stderr").expect("utf-8");
    let peak_mb = peak.load(Ordering::Relaxed) / 1024;
    eprintln!(
        "{} MB in, peak RSS {peak_mb} MB\n{summary}",
        bytes / 1_000_000
    );
    assert!(status.success(), "{summary}");
    assert!(bytes >= 5_000_000_000, "only {bytes} bytes generated");
    assert!(summary.contains("events (ndjson 36"), "{summary}");
    assert!(
        summary.contains("problems: 0 inputs, 0 records"),
        "{summary}"
    );
    assert!(peak_mb > 0, "the sampler saw the hunt");
    assert!(peak_mb < LIMIT_MB, "peak RSS {peak_mb} MB");
}

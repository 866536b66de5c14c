//! `bench/run.sh --smoke` runs in the test suite (with the binary under test, on a few thousand
//! records) so the end-to-end benchmark script never rots.

use std::path::Path;
use std::process::Command;

#[test]
fn bench_script_smoke_run_writes_its_table() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let tmp = tempfile::tempdir().expect("temp dir");
    let out = Command::new("bash")
        .arg(root.join("bench/run.sh"))
        .arg("--smoke")
        .env("TRAILHOUND_BIN", env!("CARGO_BIN_EXE_trailhound"))
        .env("BENCH_DATA", tmp.path())
        .output()
        .expect("bash runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let table =
        std::fs::read_to_string(tmp.path().join("5000-1/results.md")).expect("table written");
    assert_eq!(
        table,
        String::from_utf8_lossy(&out.stdout),
        "the table is also printed"
    );
    for row in [
        "| zcat gz tree, 1 core |",
        "| decompress only (flate2 + zlib-rs, as the hunt reads), gz tree, ",
        "| floor: parse every record, NDJSON, 1 thread |",
        "| hunt, bundled pack, NDJSON, 1 thread |",
        "| hunt, bundled pack, gz tree, ",
    ] {
        let line = table
            .lines()
            .find(|l| l.starts_with(row))
            .unwrap_or_else(|| panic!("{row} missing:\n{table}"));
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        // | run | seconds | records/s | MB/s | RSS | filters |
        let rate: f64 = cells[3]
            .parse()
            .unwrap_or_else(|_| panic!("records/s in {line}"));
        assert!(rate > 0.0, "{line}");
    }
    assert!(
        table.contains("5000 records") || table.contains("50"),
        "{table}"
    );
    let hunt = table
        .lines()
        .find(|l| l.starts_with("| hunt, bundled pack, NDJSON, 1 thread |"))
        .expect("row");
    assert!(
        !hunt.ends_with("| - |"),
        "filters evaluated per record reported: {hunt}"
    );
}

#[test]
fn scan_decompress_only_reads_every_input_and_counts_the_unreadable() {
    use std::io::Write;
    let tmp = tempfile::tempdir().expect("temp dir");
    let text = "{\"Records\":[{\"eventName\":\"X\"}]}".repeat(40_000);
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(text.as_bytes()).expect("compress");
    let gz = gz.finish().expect("compress");
    std::fs::write(tmp.path().join("a.json.gz"), &gz).expect("write");
    std::fs::write(tmp.path().join("b.json"), "{}").expect("write");
    let run = || {
        Command::new(env!("CARGO_BIN_EXE_trailhound"))
            .args(["scan", "--decompress-only", "--threads", "2"])
            .arg(tmp.path())
            .output()
            .expect("runs")
    };
    let out = run();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    // 1.2 MB of text from the gzip file, 2 bytes from the plain one.
    assert!(
        err.contains("2 inputs, 1 MB decompressed, 0 unreadable"),
        "{err}"
    );
    // A truncated gzip file is counted and sets the exit code.
    std::fs::write(tmp.path().join("c.json.gz"), &gz[..gz.len() / 2]).expect("write");
    let out = run();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("3 inputs") && err.contains("1 unreadable"),
        "{err}"
    );
}

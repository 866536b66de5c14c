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

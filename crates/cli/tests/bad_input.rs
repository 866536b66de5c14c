//! Bad input is reported with its file and record number, counted, and skipped; everything
//! else is still read. One directory holds every kind of bad input next to good records.

use std::io::Write;
use std::path::Path;
use std::process::Command;

const GOOD: &str = r#"{"eventVersion":"1.08","eventTime":"2024-05-01T10:00:00Z","eventSource":"iam.amazonaws.com","eventName":"GOOD","eventID":"good-1"}"#;

fn record(name: &str) -> String {
    GOOD.replace("GOOD", name)
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(bytes).expect("in memory");
    gz.finish().expect("in memory")
}

fn write(dir: &Path, name: &str, bytes: &[u8]) {
    std::fs::write(dir.join(name), bytes).expect("write fixture");
}

fn build(dir: &Path) {
    // Two good records in an S3 delivery file.
    write(
        dir,
        "a-good.json",
        format!(
            r#"{{"Records":[{},{}]}}"#,
            record("GoodOne"),
            record("GoodTwo")
        )
        .as_bytes(),
    );
    // A truncated .gz cut in the middle: the records before the cut survive. Records carry
    // pseudo-random padding so the stream spans many deflate blocks, as real files do.
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut records = Vec::new();
    for i in 0..4000 {
        let pad: String = (0..24)
            .map(|_| {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                char::from(b'a' + (seed % 26) as u8)
            })
            .collect();
        records.push(
            record(if i < 3999 { "BeforeTruncation" } else { "Last" })
                .replace("good-1", &format!("t{i}-{pad}")),
        );
    }
    let full = gzip(format!(r#"{{"Records":[{}]}}"#, records.join(",")).as_bytes());
    write(dir, "b-truncated.json.gz", &full[..full.len() / 2]);
    // NDJSON with a corrupt middle line.
    write(
        dir,
        "c-corrupt.ndjson",
        format!(
            "{}\n{{\"eventName\": \"Broken\n{}\n",
            record("LineOne"),
            record("LineThree")
        )
        .as_bytes(),
    );
    // JSON that is not CloudTrail.
    write(dir, "d-not-cloudtrail.json", br#"{"hello": "world"}"#);
    // Binary garbage.
    write(
        dir,
        "e-garbage.bin",
        &[0x89, b'P', b'N', b'G', 0, 1, 2, 3, 0xff, 0xfe],
    );
    // An empty file.
    write(dir, "f-empty.json", b"");
    // A 100 MB single record.
    let big = format!(
        r#"{{"eventName":"Big","padding":"{}"}}"#,
        "x".repeat(100 << 20)
    );
    write(dir, "g-big.json", big.as_bytes());
    // JSON nested 100,000 levels deep.
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    write(dir, "h-deep.json", deep.as_bytes());
    // Invalid UTF-8 in an NDJSON line, between good lines.
    let mut bad = record("Utf8Before").into_bytes();
    bad.extend_from_slice(b"\n{\"eventName\":\"bad\xff\"}\n");
    bad.extend_from_slice(record("Utf8After").as_bytes());
    write(dir, "i-utf8.ndjson", &bad);
    // An unreadable file (reading /proc/self/mem fails with EIO, even as root).
    #[cfg(unix)]
    std::os::unix::fs::symlink("/proc/self/mem", dir.join("j-unreadable.json")).expect("symlink");
    // A directory loop.
    std::fs::create_dir(dir.join("k-loop")).expect("mkdir");
    #[cfg(unix)]
    std::os::unix::fs::symlink(dir, dir.join("k-loop/back")).expect("symlink");
}

#[test]
fn every_bad_input_is_reported_and_the_rest_is_read() {
    let tmp = tempfile::tempdir().expect("temp dir");
    build(tmp.path());
    let out = Command::new(env!("CARGO_BIN_EXE_trailhound"))
        .args(["normalize", "--view", "raw", "--no-progress"])
        .arg(tmp.path())
        .output()
        .expect("runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let names: Vec<String> = stdout
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).expect("JSON line")["eventName"]
                .as_str()
                .unwrap_or("")
                .to_owned()
        })
        .collect();
    let truncated = names.iter().filter(|n| *n == "BeforeTruncation").count();
    assert!(
        (1000..3999).contains(&truncated),
        "about half of the truncated file is read: {truncated}"
    );
    let others: Vec<&String> = names.iter().filter(|n| *n != "BeforeTruncation").collect();
    assert_eq!(
        others,
        [
            "GoodOne",
            "GoodTwo",
            "LineOne",
            "LineThree",
            "Utf8Before",
            "Utf8After"
        ],
        "{stderr}"
    );
    let p = |name: &str| tmp.path().join(name).display().to_string();
    let expected = [
        format!(
            "{}:record {}: input ends inside this record",
            p("b-truncated.json.gz"),
            truncated + 1
        ),
        format!(
            "{}: gzip stream is corrupt or truncated",
            p("b-truncated.json.gz")
        ),
        format!(
            "{}:record 2: invalid JSON: EOF while parsing",
            p("c-corrupt.ndjson")
        ),
        format!(
            "{}:record 1: not a CloudTrail record",
            p("d-not-cloudtrail.json")
        ),
        format!("{}: binary data, not JSON", p("e-garbage.bin")),
        format!("{}: empty input", p("f-empty.json")),
        format!("{}:record 1: record of 104857", p("g-big.json")),
        format!(
            "{}:record 1: record nests deeper than 256 levels",
            p("h-deep.json")
        ),
        format!("{}:record 2: invalid UTF-8 at byte 17", p("i-utf8.ndjson")),
        format!("{}: cannot read:", p("j-unreadable.json")),
        format!(
            "{}: directory already visited (symbolic link loop)",
            p("k-loop/back")
        ),
    ];
    for e in &expected {
        assert!(
            stderr.lines().any(|l| l.starts_with(e.as_str())),
            "missing {e:?} in:\n{stderr}"
        );
    }
    let summary = stderr.lines().last().unwrap_or("");
    assert!(
        summary.contains(&format!("{} events", truncated + 6)),
        "{summary}"
    );
    // Inputs: the truncated stream, garbage, empty, unreadable, the loop.
    assert!(
        summary.contains("problems: 5 inputs, 6 records"),
        "{summary}"
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "exit code 1: done, some input skipped"
    );
}

#[test]
fn clean_input_exits_zero_and_stdin_works() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_trailhound"))
        .args(["normalize", "--view", "ecs", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("runs");
    let mut stdin = child.stdin.take().expect("stdin");
    stdin
        .write_all(format!("{}\n{}\n", record("One"), record("Two")).as_bytes())
        .expect("write");
    drop(stdin);
    let out = child.wait_with_output().expect("finishes");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let actions: Vec<String> = stdout
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).expect("JSON")["event"]["action"]
                .as_str()
                .unwrap_or("")
                .to_owned()
        })
        .collect();
    assert_eq!(actions, ["One", "Two"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn usage_errors_exit_two() {
    let out = Command::new(env!("CARGO_BIN_EXE_trailhound"))
        .args(["normalize", "--since", "yesterday", "x"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("invalid time"));
}

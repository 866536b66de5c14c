//! Golden tests: the fixed alerts of `common::fixture_alerts` written in every format and
//! compared with the files in `tests/golden/`. A difference fails with a line diff;
//! `UPDATE_GOLDEN=1 cargo test -p trailhound-alerts --test golden` rewrites the files (review
//! the change before committing it).
//!
//! Coloured outputs keep their escape sequences in the files; the diff shows them as `\e`.

mod common;

use common::{Format, fixture_alerts, render, strip_ansi};
use std::path::PathBuf;
use trailhound_alerts::TableStyle;

fn golden_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

/// Lines of `expected` and `actual` that differ, `-` expected, `+` actual (escapes visible).
fn diff(expected: &str, actual: &str) -> String {
    let show = |s: &str| s.replace('\u{1b}', "\\e");
    let e: Vec<&str> = expected.lines().collect();
    let a: Vec<&str> = actual.lines().collect();
    let mut out = String::new();
    for i in 0..e.len().max(a.len()) {
        let (x, y) = (e.get(i), a.get(i));
        if x != y {
            out.push_str(&format!("line {}:\n", i + 1));
            if let Some(x) = x {
                out.push_str(&format!("- {}\n", show(x)));
            }
            if let Some(y) = y {
                out.push_str(&format!("+ {}\n", show(y)));
            }
        }
    }
    if out.is_empty() && expected != actual {
        out.push_str("(only line endings or the final newline differ)\n");
    }
    out
}

/// Compares `actual` with the golden file `name`, or rewrites it under `UPDATE_GOLDEN=1`.
fn check(name: &str, actual: &str) {
    let path = golden_dir().join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some_and(|v| v == "1") {
        std::fs::write(&path, actual).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (run with UPDATE_GOLDEN=1 to create it)",
            path.display()
        )
    });
    assert!(
        expected == actual,
        "{name} differs from its golden file (UPDATE_GOLDEN=1 rewrites it):\n{}",
        diff(&expected, actual)
    );
}

fn style(width: Option<usize>, color: bool) -> TableStyle {
    TableStyle { width, color }
}

/// The drawn outputs at 80 and 200 columns, with and without colour.
const STYLES: [(&str, Option<usize>, bool); 4] = [
    ("80", Some(80), false),
    ("80-color", Some(80), true),
    ("200", Some(200), false),
    ("200-color", Some(200), true),
];

#[test]
fn table() {
    let alerts = fixture_alerts();
    for (suffix, width, color) in STYLES {
        let text = render(Format::Table(style(width, color)), &alerts);
        for line in text.lines() {
            let w = console::measure_text_width(&strip_ansi(line));
            assert!(w <= width.unwrap_or(usize::MAX), "{suffix}: {line}");
        }
        assert_eq!(color, text.contains('\u{1b}'), "{suffix}");
        check(&format!("table-{suffix}.txt"), &text);
    }
}

#[test]
fn timeline() {
    let alerts = fixture_alerts();
    for (suffix, width, color) in STYLES {
        let text = render(Format::Timeline(style(width, color)), &alerts);
        for line in text.lines() {
            let w = console::measure_text_width(&strip_ansi(line));
            assert!(w <= width.unwrap_or(usize::MAX), "{suffix}: {line}");
        }
        assert_eq!(color, text.contains('\u{1b}'), "{suffix}");
        check(&format!("timeline-{suffix}.txt"), &text);
    }
}

#[test]
fn jsonl() {
    check("alerts.jsonl", &render(Format::Jsonl, &fixture_alerts()));
}

#[test]
fn csv() {
    check("alerts.csv", &render(Format::Csv, &fixture_alerts()));
}

#[test]
fn ecs() {
    check("alerts.ecs.ndjson", &render(Format::Ecs, &fixture_alerts()));
}

#[test]
fn sarif() {
    // The tool version changes with every release; the golden file holds a placeholder.
    let text = render(Format::Sarif, &fixture_alerts()).replace(
        &format!("\"version\": \"{}\"", env!("CARGO_PKG_VERSION")),
        "\"version\": \"{CARGO_PKG_VERSION}\"",
    );
    check("alerts.sarif.json", &text);
}

#[test]
fn the_diff_names_the_differing_lines() {
    let cases = [
        ("a\nb\nc\n", "a\nB\nc\n", "line 2:\n- b\n+ B\n"),
        ("a\n", "a\nb\n", "line 2:\n+ b\n"),
        ("a\n\u{1b}[31mb\n", "a\n", "line 2:\n- \\e[31mb\n"),
        (
            "a\n",
            "a",
            "(only line endings or the final newline differ)\n",
        ),
        ("same\n", "same\n", ""),
    ];
    for (expected, actual, want) in cases {
        assert_eq!(diff(expected, actual), want, "{expected:?} vs {actual:?}");
    }
}

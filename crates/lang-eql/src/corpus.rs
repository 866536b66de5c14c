//! Conformance over the real Elastic rules in `shared/corpus/elastic-rules`: every `language =
//! "eql"` rule must parse, print, and re-parse to the same tree.
//!
//! `python_eql_agrees` (ignored by default) is a second opinion: it feeds the same queries to the
//! Python `eql` package in its Elasticsearch mode. Run it with `pip install eql` done and
//! `cargo test -p trailhound-lang-eql -- --ignored python_eql_agrees`.

use crate::{QueryBody, parse};
use std::path::PathBuf;

const CORPUS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/corpus/elastic-rules"
);

/// (file name, query) of every EQL rule in the corpus, sorted by file name.
fn eql_rules() -> Vec<(String, String)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(CORPUS)
        .unwrap_or_else(|e| panic!("corpus {CORPUS}: {e}"))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    let mut out = Vec::new();
    for path in files {
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let doc: toml::Table =
            toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let rule = doc.get("rule").and_then(|r| r.as_table());
        let is_eql = rule
            .and_then(|r| r.get("language"))
            .and_then(|l| l.as_str())
            == Some("eql");
        if let (true, Some(query)) = (
            is_eql,
            rule.and_then(|r| r.get("query")).and_then(|q| q.as_str()),
        ) {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            out.push((name, query.to_string()));
        }
    }
    out
}

#[test]
fn all_corpus_eql_rules_parse_and_round_trip() {
    let rules = eql_rules();
    assert_eq!(rules.len(), 23, "EQL rules in the corpus");
    let mut failures = Vec::new();
    let mut sequences = 0;
    for (name, query) in &rules {
        match parse(query) {
            Ok(q) => {
                sequences += usize::from(matches!(q.body, QueryBody::Sequence(_)));
                let printed = q.to_string();
                match parse(&printed) {
                    Ok(again) => {
                        assert_eq!(again, q, "{name}: round trip changed the tree:\n{printed}")
                    }
                    Err(d) => failures.push(format!(
                        "{name}: printed text does not parse: {d}\n{printed}"
                    )),
                }
            }
            Err(d) => failures.push(format!("{name}: {}", d.render(name, query))),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} failed:\n{}",
        failures.len(),
        rules.len(),
        failures.join("\n")
    );
    assert_eq!(sequences, 1, "the corpus has one sequence rule");
}

#[test]
fn truncated_and_mangled_rules_never_panic() {
    // Every prefix of every rule, and every rule with a hostile character spliced in at each
    // position, must give a tree or a diagnostic whose span lies inside the text.
    let splices = [
        "é", "'", "\"", "\\", "`", "(", "[", "![", "?", "~", "/*", "\u{0}",
    ];
    let mut checked = 0;
    for (name, query) in eql_rules() {
        let mut texts: Vec<String> = query
            .char_indices()
            .map(|(i, _)| query[..i].to_string())
            .collect();
        for (i, _) in query.char_indices().step_by(7) {
            for sp in splices {
                texts.push(format!("{}{sp}{}", &query[..i], &query[i..]));
            }
        }
        for text in &texts {
            if let Err(d) = parse(text) {
                assert!(
                    d.span.start <= d.span.end && d.span.end <= text.len(),
                    "{name}: span {:?} outside {text:?}",
                    d.span
                );
                assert!(
                    text.is_char_boundary(d.span.start) && text.is_char_boundary(d.span.end),
                    "{name}: span not on char boundary"
                );
            }
            checked += 1;
        }
    }
    assert!(checked > 20_000, "checked {checked} variants");
}

#[test]
#[ignore = "needs python3 with the `eql` package (pip install eql)"]
fn python_eql_agrees() {
    let rules = eql_rules();
    let script = r#"
import json, sys
import eql
queries = json.load(sys.stdin)
ok = 0
for q in queries:
    try:
        with eql.parser.elasticsearch_syntax, eql.parser.ignore_missing_functions:
            eql.parse_query(q)
        ok += 1
    except Exception as e:
        print("FAIL", repr(q[:60]), type(e).__name__, file=sys.stderr)
print(ok)
"#;
    let queries: Vec<String> = rules.iter().map(|(_, q)| q.clone()).collect();
    let json = format!(
        "[{}]",
        queries
            .iter()
            .map(|q| json_string(q))
            .collect::<Vec<_>>()
            .join(",")
    );
    let mut child = std::process::Command::new("python3")
        .args(["-c", script])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("python3: {e}"));
    if let Some(mut stdin) = child.stdin.take() {
        use std::io::Write;
        stdin
            .write_all(json.as_bytes())
            .unwrap_or_else(|e| panic!("writing to python: {e}"));
    }
    let out = child
        .wait_with_output()
        .unwrap_or_else(|e| panic!("python3: {e}"));
    assert!(out.status.success(), "python eql failed: {out:?}");
    let accepted: usize = String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .unwrap_or(0);
    let ours = rules.iter().filter(|(_, q)| parse(q).is_ok()).count();
    assert_eq!((accepted, ours), (rules.len(), rules.len()));
}

/// Minimal JSON string encoder for the test above.
fn json_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

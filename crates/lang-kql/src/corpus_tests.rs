//! Every KQL query of the Elastic AWS rules in `shared/corpus/elastic-rules` must parse in
//! strict mode and survive the Display round trip.

use crate::{Expr, ParseMode, ValueExpr, parse, parse_with};
use std::path::Path;

const RULES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/corpus/elastic-rules"
);

/// (file name, query) of every rule with `language = "kuery"`, sorted by file name.
fn kuery_rules() -> Vec<(String, String)> {
    let mut files: Vec<_> = std::fs::read_dir(Path::new(RULES))
        .expect("corpus directory")
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "toml"))
        .collect();
    files.sort();
    let mut rules = Vec::new();
    for path in files {
        let text = std::fs::read_to_string(&path).expect("readable rule");
        let doc: toml::Table = text
            .parse()
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let Some(rule) = doc.get("rule").and_then(|r| r.as_table()) else {
            continue;
        };
        if rule.get("language").and_then(|l| l.as_str()) != Some("kuery") {
            continue;
        }
        let query = rule
            .get("query")
            .and_then(|q| q.as_str())
            .expect("kuery rule has a query");
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        rules.push((name, query.to_owned()));
    }
    rules
}

#[test]
fn every_kuery_rule_parses_and_round_trips() {
    let rules = kuery_rules();
    let mut failures = Vec::new();
    let mut parsed = 0;
    for (name, query) in &rules {
        match parse(query) {
            Ok(ast) => {
                parsed += 1;
                let printed = ast.to_string();
                assert_eq!(
                    parse(&printed).as_ref(),
                    Ok(&ast),
                    "{name}: round trip through {printed:?}"
                );
                assert_eq!(
                    parse_with(query, ParseMode::Kibana).as_ref(),
                    Ok(&ast),
                    "{name}: modes disagree"
                );
            }
            Err(diagnostic) => failures.push(diagnostic.render(name, query)),
        }
    }
    assert!(
        failures.is_empty(),
        "{} rules failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(parsed, 113);
}

/// Per-rule feature counts that `reference/elastic-rules.md` §4 reports for the same corpus:
/// value lists 61, `not (...)` groups 4, flattened fields 13, `and` inside a list 5.
#[test]
fn corpus_feature_counts_match_the_reference() {
    #[derive(Default)]
    struct Seen {
        exists: bool,
        value_list: bool,
        not_group: bool,
        flattened: bool,
        and_in_list: bool,
    }
    fn values(v: &ValueExpr, seen: &mut Seen) {
        match v {
            ValueExpr::Or { terms, .. } => terms.iter().for_each(|t| values(t, seen)),
            ValueExpr::And { terms, .. } => {
                seen.and_in_list = true;
                terms.iter().for_each(|t| values(t, seen));
            }
            ValueExpr::Not { value, .. } => {
                seen.not_group |= matches!(**value, ValueExpr::Or { .. } | ValueExpr::And { .. });
                values(value, seen);
            }
            ValueExpr::Value(literal) => seen.exists |= literal.is_lone_wildcard(),
        }
    }
    fn walk(src: &str, e: &Expr, seen: &mut Seen) {
        match e {
            Expr::Or { terms, .. } | Expr::And { terms, .. } => {
                terms.iter().for_each(|t| walk(src, t, seen))
            }
            Expr::Not { expr, .. } => {
                seen.not_group |= matches!(**expr, Expr::Or { .. } | Expr::And { .. });
                walk(src, expr, seen);
            }
            Expr::Match { field, value, span } => {
                seen.flattened |= field.text.starts_with("aws.cloudtrail.flattened.");
                // A parenthesised list, even of one value (`f: ("x")`), as §4 counts them.
                seen.value_list |= src[field.span.end..span.end]
                    .trim_start_matches([' ', ':', '\n'])
                    .starts_with('(');
                values(value, seen);
            }
            Expr::Range { .. } | Expr::Nested { .. } | Expr::FreeText { .. } => {
                panic!("not used by the corpus: {e}")
            }
        }
    }
    let (mut exists, mut lists, mut not_groups, mut flattened, mut and_in_list) = (0, 0, 0, 0, 0);
    for (name, query) in kuery_rules() {
        let mut seen = Seen::default();
        walk(
            &query,
            &parse(&query).unwrap_or_else(|e| panic!("{name}: {e}")),
            &mut seen,
        );
        exists += usize::from(seen.exists);
        lists += usize::from(seen.value_list);
        not_groups += usize::from(seen.not_group);
        flattened += usize::from(seen.flattened);
        and_in_list += usize::from(seen.and_in_list);
    }
    assert_eq!((lists, not_groups, flattened, and_in_list), (61, 4, 13, 5));
    // §4 counts 9 rules with `f: *` and 5 with `f: (* and not ...)`; one rule has both.
    assert_eq!(exists, 13);
}

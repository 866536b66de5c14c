//! `trailhound rules list|validate|coverage|test`: what rules load, what is broken, what ATT&CK
//! techniques they cover, and whether they still fire on their example events.

use crate::args::{RulesArgs, RulesCommand};
use crate::hunt::{load_options, load_rules};
use crate::{Fatal, text_table};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;
use trailhound_engine::RuleMeta;
use trailhound_rules::LoadReport;

/// Runs a `rules` subcommand.
pub fn run(args: RulesArgs) -> Result<ExitCode, Fatal> {
    let with_rules = |mut paths: Vec<PathBuf>| {
        paths.extend(args.rules.iter().cloned());
        paths
    };
    match args.command {
        RulesCommand::List {
            paths,
            sigma_mapping,
            json,
        } => list(&with_rules(paths), sigma_mapping.as_deref(), json),
        RulesCommand::Validate {
            paths,
            sigma_mapping,
        } => validate(&with_rules(paths), sigma_mapping.as_deref()),
        RulesCommand::Coverage {
            paths,
            sigma_mapping,
            navigator,
        } => coverage(&with_rules(paths), sigma_mapping.as_deref(), navigator),
        RulesCommand::Test {
            paths,
            sigma_mapping,
        } => test(&with_rules(paths), sigma_mapping.as_deref()),
    }
}

fn load(paths: &[PathBuf], sigma_mapping: Option<&std::path::Path>) -> Result<LoadReport, Fatal> {
    let options = load_options(sigma_mapping)?;
    Ok(load_rules(paths, &options))
}

/// Notes about how a rule runs here that a user should know.
fn notes(rule: &trailhound_engine::Rule) -> String {
    let meta = &rule.meta;
    let mut notes = Vec::new();
    if rule.reads_geoip() {
        notes.push("matches on GeoIP fields: give --geoip to hunt, or they stay empty");
    }
    if meta.timestamp_override.as_deref() == Some("event.ingested") {
        notes.push("timestamp_override event.ingested: windows use @timestamp (raw CloudTrail has no ingest time)");
    }
    if meta.building_block {
        notes.push("building block: alerts hidden by default");
    }
    notes.join("; ")
}

fn row(meta: &RuleMeta, status: &str) -> Vec<String> {
    vec![
        meta.source.map_or("trailhound", |s| s.name()).to_owned(),
        meta.rule_type.clone(),
        meta.severity.map_or("", |s| s.name()).to_owned(),
        meta.name.clone(),
        meta.tactics().join(" "),
        meta.techniques().join(" "),
        status.to_owned(),
        meta.id.clone(),
    ]
}

fn list(
    paths: &[PathBuf],
    sigma_mapping: Option<&std::path::Path>,
    json: bool,
) -> Result<ExitCode, Fatal> {
    let report = load(paths, sigma_mapping)?;
    let mut rows: Vec<(Vec<String>, serde_json::Value)> = Vec::new();
    for r in &report.rules {
        let note = notes(r);
        let status = if note.is_empty() {
            "runnable".to_owned()
        } else {
            format!("runnable ({note})")
        };
        rows.push((row(&r.meta, &status), entry(&r.meta, true, &note)));
    }
    for n in &report.not_runnable {
        rows.push((
            row(&n.meta, &format!("not runnable: {}", n.reason)),
            entry(&n.meta, false, &n.reason),
        ));
    }
    rows.sort_by(|a, b| a.0.cmp(&b.0));
    if json {
        for (_, v) in &rows {
            println!("{v}");
        }
    } else {
        let headers = [
            "SOURCE",
            "TYPE",
            "SEVERITY",
            "NAME",
            "TACTICS",
            "TECHNIQUES",
            "STATUS",
            "ID",
        ];
        let table: Vec<Vec<String>> = rows.into_iter().map(|(r, _)| r).collect();
        print!(
            "{}",
            text_table::render(
                &headers,
                &table,
                &[6, 5, 6, 16, 6, 8, 10, 8],
                text_table::stdout_width()
            )
        );
    }
    eprintln!(
        "trailhound: {} rules: {} runnable, {} not runnable, {} failed to load",
        report.rules.len() + report.not_runnable.len() + report.errors.len(),
        report.rules.len(),
        report.not_runnable.len(),
        report.errors.len()
    );
    for e in &report.errors {
        eprintln!("{e}");
    }
    Ok(if report.errors.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    })
}

fn entry(meta: &RuleMeta, runnable: bool, note: &str) -> serde_json::Value {
    serde_json::json!({
        "id": meta.id,
        "name": meta.name,
        "source": meta.source.map_or("trailhound", |s| s.name()),
        "type": meta.rule_type,
        "language": meta.language,
        "severity": meta.severity.map(|s| s.name()),
        "risk_score": meta.risk_score,
        "tactics": meta.tactics(),
        "techniques": meta.techniques(),
        "file": meta.file,
        "runnable": runnable,
        "note": note,
    })
}

fn validate(paths: &[PathBuf], sigma_mapping: Option<&std::path::Path>) -> Result<ExitCode, Fatal> {
    let report = load(paths, sigma_mapping)?;
    for e in &report.errors {
        println!("{e}");
    }
    for w in &report.warnings {
        println!("warning: {w}");
    }
    for (id, kept, skipped) in &report.duplicates {
        println!("warning: rule id {id} is defined in {kept} and {skipped}; the second is ignored");
    }
    eprintln!(
        "trailhound: {} files; {} rules compile, {} not runnable here, {} errors, {} warnings",
        report.files,
        report.rules.len(),
        report.not_runnable.len(),
        report.errors.len(),
        report.warnings.len()
    );
    Ok(if report.errors.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    })
}

/// Technique → (tactic short names, rule names), over every rule that loads (runnable or not).
fn coverage_map(report: &LoadReport) -> BTreeMap<String, (Vec<String>, Vec<String>)> {
    let mut map: BTreeMap<String, (Vec<String>, Vec<String>)> = BTreeMap::new();
    let metas = report
        .rules
        .iter()
        .map(|r| &*r.meta)
        .chain(report.not_runnable.iter().map(|n| &n.meta));
    for meta in metas {
        for t in &meta.threat {
            let tactic = trailhound_engine::rule::TACTICS
                .iter()
                .find(|(id, _, _)| *id == t.tactic.id)
                .map(|(_, _, short)| (*short).to_owned());
            for tech in &t.technique {
                let ids = std::iter::once(&tech.technique.id)
                    .chain(tech.subtechnique.iter().map(|s| &s.id));
                for id in ids {
                    let entry = map.entry(id.clone()).or_default();
                    if let Some(tac) = &tactic
                        && !entry.0.contains(tac)
                    {
                        entry.0.push(tac.clone());
                    }
                    if !entry.1.contains(&meta.name) {
                        entry.1.push(meta.name.clone());
                    }
                }
            }
        }
    }
    map
}

/// An ATT&CK Navigator layer (format 4.5) scored by the number of rules per technique.
pub fn navigator_layer(report: &LoadReport) -> serde_json::Value {
    let map = coverage_map(report);
    let mut techniques = Vec::new();
    let mut max = 1usize;
    for (id, (tactics, rules)) in &map {
        max = max.max(rules.len());
        let comment = rules.join("\n");
        if tactics.is_empty() {
            techniques.push(serde_json::json!({"techniqueID": id, "score": rules.len(), "comment": comment, "enabled": true}));
        }
        for tac in tactics {
            techniques.push(serde_json::json!({"techniqueID": id, "tactic": tac, "score": rules.len(), "comment": comment, "enabled": true}));
        }
    }
    serde_json::json!({
        "name": "trailhound rule coverage",
        "versions": {"attack": "17", "navigator": "5.1.0", "layer": "4.5"},
        "domain": "enterprise-attack",
        "description": format!("Techniques covered by {} trailhound rules, scored by rule count", report.rules.len() + report.not_runnable.len()),
        "filters": {"platforms": ["AWS"]},
        "sorting": 3,
        "layout": {"layout": "side", "showName": true, "showID": true, "showAggregateScores": false, "countUnscored": false, "aggregateFunction": "max", "expandedSubtechniques": "annotated"},
        "hideDisabled": false,
        "techniques": techniques,
        "gradient": {"colors": ["#ffffff", "#66b1ff", "#0b3d91"], "minValue": 0, "maxValue": max},
        "legendItems": [],
        "showTacticRowBackground": false,
        "tacticRowBackground": "#dddddd",
        "selectTechniquesAcrossTactics": true,
        "selectSubtechniquesWithParent": false,
        "selectVisibleTechniques": false,
        "metadata": [{"name": "generator", "value": "trailhound rules coverage"}]
    })
}

fn coverage(
    paths: &[PathBuf],
    sigma_mapping: Option<&std::path::Path>,
    navigator: Option<PathBuf>,
) -> Result<ExitCode, Fatal> {
    let report = load(paths, sigma_mapping)?;
    let map = coverage_map(&report);
    // Tactic → techniques with rule counts.
    let mut by_tactic: BTreeMap<usize, Vec<(String, usize)>> = BTreeMap::new();
    let mut untactic: Vec<(String, usize)> = Vec::new();
    for (id, (tactics, rules)) in &map {
        if tactics.is_empty() {
            untactic.push((id.clone(), rules.len()));
        }
        for tac in tactics {
            if let Some(pos) = trailhound_engine::rule::TACTICS
                .iter()
                .position(|(_, _, s)| s == tac)
            {
                by_tactic
                    .entry(pos)
                    .or_default()
                    .push((id.clone(), rules.len()));
            }
        }
    }
    let mut rows = Vec::new();
    for (pos, (id, name, _)) in trailhound_engine::rule::TACTICS.iter().enumerate() {
        let techs = by_tactic.get(&pos).cloned().unwrap_or_default();
        let cells: Vec<String> = techs.iter().map(|(t, n)| format!("{t}×{n}")).collect();
        rows.push(vec![
            format!("{id} {name}"),
            techs.len().to_string(),
            cells.join(" "),
        ]);
    }
    if !untactic.is_empty() {
        let cells: Vec<String> = untactic.iter().map(|(t, n)| format!("{t}×{n}")).collect();
        rows.push(vec![
            "(no tactic)".to_owned(),
            untactic.len().to_string(),
            cells.join(" "),
        ]);
    }
    print!(
        "{}",
        text_table::render(
            &["TACTIC", "TECHNIQUES", "RULES PER TECHNIQUE"],
            &rows,
            &[12, 10, 20],
            None
        )
    );
    eprintln!(
        "trailhound: {} techniques covered by {} rules",
        map.len(),
        report.rules.len() + report.not_runnable.len()
    );
    if let Some(path) = navigator {
        let layer = navigator_layer(&report);
        let text = serde_json::to_string_pretty(&layer).map_err(|e| Fatal(e.to_string()))?;
        std::fs::write(&path, text + "\n")
            .map_err(|e| Fatal(format!("{}: {e}", path.display())))?;
        eprintln!(
            "trailhound: wrote ATT&CK Navigator layer {}",
            path.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Test files: `*.test.json` under `paths`, or the bundled pack's.
fn test_sources(paths: &[PathBuf]) -> Vec<(String, String)> {
    if paths.is_empty() {
        return trailhound_rules::pack::test_sources();
    }
    fn walk(p: &std::path::Path, out: &mut Vec<PathBuf>, depth: usize) {
        if depth > 64 {
            return;
        }
        if p.is_dir() {
            let mut entries: Vec<PathBuf> = std::fs::read_dir(p)
                .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
                .unwrap_or_default();
            entries.sort();
            for e in entries {
                walk(&e, out, depth + 1);
            }
        } else if p.to_string_lossy().ends_with(".test.json") {
            out.push(p.to_path_buf());
        }
    }
    let mut files = Vec::new();
    for p in paths {
        walk(p, &mut files, 0);
    }
    files
        .into_iter()
        .filter_map(|f| {
            std::fs::read_to_string(&f)
                .ok()
                .map(|t| (f.display().to_string(), t))
        })
        .collect()
}

fn test(paths: &[PathBuf], sigma_mapping: Option<&std::path::Path>) -> Result<ExitCode, Fatal> {
    let report = load(paths, sigma_mapping)?;
    for e in &report.errors {
        eprintln!("{e}");
    }
    let mut passed = 0usize;
    let mut failed = 0usize;
    let mut tested: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
    for (name, text) in test_sources(paths) {
        let file = match trailhound_rules::testing::parse(&name, &text) {
            Ok(f) => f,
            Err(e) => {
                println!("FAIL {e}");
                failed += 1;
                continue;
            }
        };
        tested.insert(file.rule.clone());
        for r in trailhound_rules::testing::run_file(&name, &file, &report.rules) {
            if r.passed {
                passed += 1;
                println!("ok   {} :: {}", r.rule, r.case);
            } else {
                failed += 1;
                println!(
                    "FAIL {} :: {} ({})\n     {}",
                    r.rule, r.case, r.file, r.detail
                );
            }
        }
    }
    let untested = report
        .rules
        .iter()
        .filter(|r| !tested.contains(&r.meta.id) && !tested.contains(&r.meta.name))
        .count();
    eprintln!(
        "trailhound: {passed} passed, {failed} failed; {untested} of {} rules have no tests",
        report.rules.len()
    );
    Ok(if failed == 0 && report.errors.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

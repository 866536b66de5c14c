//! `trailhound simulate` (the simulator crate behind a command line) and `trailhound fidelity`
//! (alerts scored against a simulation's ground truth).

use crate::args::{FidelityArgs, SimulateArgs};
use crate::{Fatal, text_table};
use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::process::ExitCode;
use trailhound_sim::{AttackId, Layout, SimOptions, simulate as run_simulation, techniques};

fn list_attacks() -> ExitCode {
    let rows: Vec<Vec<String>> = techniques()
        .iter()
        .map(|t| {
            vec![
                t.id.to_owned(),
                t.name.to_owned(),
                t.tactics
                    .iter()
                    .map(|x| x.name)
                    .collect::<Vec<_>>()
                    .join(", "),
                t.techniques
                    .iter()
                    .map(|x| x.id)
                    .collect::<Vec<_>>()
                    .join(" "),
            ]
        })
        .collect();
    print!(
        "{}",
        text_table::render(
            &["ID", "NAME", "TACTICS", "TECHNIQUES"],
            &rows,
            &[20, 16, 10, 9],
            text_table::stdout_width()
        )
    );
    ExitCode::SUCCESS
}

/// Parses `ID` or `ID@TIME`.
fn parse_attack(text: &str) -> Result<(AttackId, Option<jiff::Timestamp>), Fatal> {
    let (id, at) = match text.split_once('@') {
        Some((id, at)) => (id, Some(at)),
        None => (text, None),
    };
    let id: AttackId = id.parse()?;
    let at = at
        .map(|a| crate::timearg::parse_time(a, jiff::Timestamp::now()).map_err(Fatal))
        .transpose()?;
    Ok((id, at))
}

pub fn simulate(args: SimulateArgs) -> Result<ExitCode, Fatal> {
    if args.list_attacks {
        return Ok(list_attacks());
    }
    let mut attacks = Vec::new();
    if args.all_attacks {
        attacks.extend(AttackId::all().map(|a| (a, None)));
    }
    for a in &args.attack {
        attacks.push(parse_attack(a)?);
    }
    let stdout = std::io::stdout();
    let layout = match (&args.out, &args.ndjson) {
        (Some(dir), _) => Layout::S3 { dir: dir.clone() },
        (None, Some(path)) => {
            let events: Box<dyn Write> = if path.as_os_str() == "-" {
                Box::new(BufWriter::new(stdout.lock()))
            } else {
                Box::new(BufWriter::new(
                    File::create(path).map_err(|e| Fatal(format!("{}: {e}", path.display())))?,
                ))
            };
            let ground_truth = match &args.ground_truth {
                Some(p) => Some(Box::new(BufWriter::new(
                    File::create(p).map_err(|e| Fatal(format!("{}: {e}", p.display())))?,
                )) as Box<dyn Write>),
                None => None,
            };
            Layout::Ndjson {
                events,
                ground_truth,
            }
        }
        // clap requires one of them unless --list-attacks.
        (None, None) => return Err(Fatal("give --out DIR or --ndjson FILE".into())),
    };
    let mut options = SimOptions::new(layout);
    options.seed = args.seed;
    options.events = args.events;
    options.days = args.days;
    options.accounts = args.accounts;
    options.regions = args.regions.clone();
    options.attacks = attacks;
    if let Some(start) = &args.start {
        options.start = crate::timearg::parse_time(start, jiff::Timestamp::now()).map_err(Fatal)?;
    }
    let started = std::time::Instant::now();
    let summary = run_simulation(options)?;
    if !args.quiet {
        let secs = started.elapsed().as_secs_f64();
        let total = summary.background_events + summary.attack_events;
        let span = match (summary.first_event, summary.last_event) {
            (Some(a), Some(b)) => format!(", {a} .. {b}"),
            _ => String::new(),
        };
        eprintln!(
            "trailhound: simulated {} background + {} attack events (seed {}{span}); {} accounts, regions {}",
            summary.background_events,
            summary.attack_events,
            summary.seed,
            summary.accounts.len(),
            summary.regions.join(","),
        );
        if let Some(dir) = &args.out {
            eprintln!(
                "trailhound: {} files under {}, ground truth in {}",
                summary.files,
                dir.join("AWSLogs").display(),
                dir.join("ground-truth.jsonl").display()
            );
        }
        let notable: Vec<String> = summary
            .notable
            .iter()
            .filter(|(_, n)| *n > 0)
            .map(|(k, n)| format!("{k:?} {n}"))
            .collect();
        if !notable.is_empty() {
            eprintln!(
                "trailhound: benign but alertable background events: {}",
                notable.join(", ")
            );
        }
        eprintln!(
            "trailhound: {:.2} s, {:.0} events/s",
            secs,
            total as f64 / secs.max(1e-9)
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// One technique's outcome.
#[derive(Debug, Default)]
struct TechniqueOutcome {
    name: String,
    injected: usize,
    rules: BTreeMap<String, usize>,
}

fn read_lines(path: &std::path::Path) -> Result<Vec<(usize, serde_json::Value)>, Fatal> {
    let file = File::open(path).map_err(|e| Fatal(format!("{}: {e}", path.display())))?;
    let mut out = Vec::new();
    for (n, line) in BufReader::new(file).lines().enumerate() {
        let line = line.map_err(|e| Fatal(format!("{}: {e}", path.display())))?;
        if line.trim().is_empty() {
            continue;
        }
        let v = serde_json::from_str(&line)
            .map_err(|e| Fatal(format!("{}:{}: not JSON: {e}", path.display(), n + 1)))?;
        out.push((n + 1, v));
    }
    Ok(out)
}

pub fn fidelity(args: FidelityArgs) -> Result<ExitCode, Fatal> {
    // Ground truth: event id -> technique.
    let mut technique_of: HashMap<String, String> = HashMap::new();
    let mut outcomes: BTreeMap<String, TechniqueOutcome> = BTreeMap::new();
    for (line, v) in read_lines(&args.ground_truth)? {
        let (Some(id), Some(technique)) = (v["event_id"].as_str(), v["technique"].as_str()) else {
            return Err(Fatal(format!(
                "{}:{line}: not a ground-truth entry (event_id, technique)",
                args.ground_truth.display()
            )));
        };
        let o = outcomes.entry(technique.to_owned()).or_default();
        o.name = v["technique_name"].as_str().unwrap_or_default().to_owned();
        o.injected += 1;
        technique_of.insert(id.to_owned(), technique.to_owned());
    }
    let mut background: BTreeMap<String, usize> = BTreeMap::new();
    let mut without_events: BTreeMap<String, usize> = BTreeMap::new();
    for (line, alert) in read_lines(&args.alerts)? {
        let Some(rule) = alert["rule"]["name"].as_str() else {
            return Err(Fatal(format!(
                "{}:{line}: not an alert document (rule.name)",
                args.alerts.display()
            )));
        };
        let ids: Vec<&str> = alert["events"]
            .as_array()
            .map(|evs| evs.iter().filter_map(|e| e["eventID"].as_str()).collect())
            .unwrap_or_default();
        if ids.is_empty() {
            *without_events.entry(rule.to_owned()).or_default() += 1;
            continue;
        }
        let mut hit: Vec<&String> = ids.iter().filter_map(|id| technique_of.get(*id)).collect();
        hit.sort();
        hit.dedup();
        if hit.is_empty() {
            *background.entry(rule.to_owned()).or_default() += 1;
        }
        for t in hit {
            if let Some(o) = outcomes.get_mut(t) {
                *o.rules.entry(rule.to_owned()).or_default() += 1;
            }
        }
    }
    let detected = outcomes.values().filter(|o| !o.rules.is_empty()).count();
    let background_total: usize = background.values().sum();
    if args.json {
        let doc = serde_json::json!({
            "techniques": outcomes.iter().map(|(id, o)| serde_json::json!({
                "id": id,
                "name": o.name,
                "injected_events": o.injected,
                "detected": !o.rules.is_empty(),
                "rules": o.rules.iter().map(|(r, n)| serde_json::json!({"rule": r, "alerts": n})).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
            "background": background.iter().map(|(r, n)| serde_json::json!({"rule": r, "alerts": n})).collect::<Vec<_>>(),
            "without_events": without_events.iter().map(|(r, n)| serde_json::json!({"rule": r, "alerts": n})).collect::<Vec<_>>(),
            "summary": {
                "techniques": outcomes.len(),
                "detected": detected,
                "missed": outcomes.len() - detected,
                "background_alerts": background_total,
            },
        });
        println!("{doc}");
        return Ok(ExitCode::SUCCESS);
    }
    let rows: Vec<Vec<String>> = outcomes
        .iter()
        .map(|(id, o)| {
            let rules = o
                .rules
                .iter()
                .map(|(r, n)| format!("{r} ({n})"))
                .collect::<Vec<_>>()
                .join("; ");
            vec![
                id.clone(),
                o.injected.to_string(),
                if o.rules.is_empty() {
                    "MISSED".into()
                } else {
                    "detected".into()
                },
                rules,
            ]
        })
        .collect();
    let width = text_table::stdout_width();
    print!(
        "{}",
        text_table::render(
            &["TECHNIQUE", "EVENTS", "RESULT", "RULES (ALERTS)"],
            &rows,
            &[24, 6, 8, 16],
            width
        )
    );
    println!();
    println!(
        "{detected} of {} techniques detected; {background_total} alerts on background traffic",
        outcomes.len()
    );
    if !background.is_empty() {
        let rows: Vec<Vec<String>> = background
            .iter()
            .map(|(r, n)| vec![r.clone(), n.to_string()])
            .collect();
        println!();
        print!(
            "{}",
            text_table::render(
                &["BACKGROUND ALERTS BY RULE", "ALERTS"],
                &rows,
                &[24, 6],
                width
            )
        );
    }
    if !without_events.is_empty() {
        let rows: Vec<Vec<String>> = without_events
            .iter()
            .map(|(r, n)| vec![r.clone(), n.to_string()])
            .collect();
        println!();
        print!(
            "{}",
            text_table::render(
                &["ALERTS WITHOUT EVENTS (AGGREGATES)", "ALERTS"],
                &rows,
                &[24, 6],
                width
            )
        );
    }
    Ok(ExitCode::SUCCESS)
}

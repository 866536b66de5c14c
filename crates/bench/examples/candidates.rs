//! Which filters the dispatch index hands to most events (diagnostic).
use trailhound_engine::{Dispatch, Pred, Scratch};
fn main() {
    let report = if std::env::var_os("PACK").is_some() {
        trailhound_bench::pack_rules()
    } else {
        trailhound_bench::corpus_rules()
    };
    // As a hunt without --geoip decides them (RuleSet::for_input).
    let folded: Vec<Vec<Pred>> = report
        .rules
        .iter()
        .map(|r| {
            r.filters
                .iter()
                .map(|f| f.clone().fold_invariant(&|field| field.is_invariant(false)))
                .collect()
        })
        .collect();
    let mut names = Vec::new();
    let mut preds: Vec<&Pred> = Vec::new();
    for (r, filters) in report.rules.iter().zip(&folded) {
        for (i, f) in filters.iter().enumerate() {
            names.push(format!(
                "{} [{}] #{i}",
                r.meta.name,
                r.meta.file.rsplit('/').next().unwrap_or("")
            ));
            preds.push(f);
        }
    }
    let d = Dispatch::build(preds.iter().copied());
    let recs = trailhound_bench::records(20_000);
    let mut counts = vec![0usize; names.len()];
    let mut per_event = Vec::new();
    let mut scratch = Scratch::default();
    for r in &recs {
        let ev = trailhound_bench::event(r);
        d.candidates(&ev, &mut scratch);
        per_event.push(scratch.out.len());
        for &i in &scratch.out {
            counts[i as usize] += 1;
        }
    }
    per_event.sort();
    println!(
        "median {} p90 {} max {}",
        per_event[per_event.len() / 2],
        per_event[per_event.len() * 9 / 10],
        per_event[per_event.len() - 1]
    );
    let mut idx: Vec<usize> = (0..names.len()).collect();
    idx.sort_by_key(|&i| std::cmp::Reverse(counts[i]));
    for &i in idx.iter().take(40) {
        println!("{:6} {}", counts[i], names[i]);
    }
}

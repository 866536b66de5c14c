//! The run: validate options, build the world, plan the attacks, and write bucket after bucket.

use crate::attacks::{self, GroundTruth};
use crate::background::{Catalogue, Generator};
use crate::notable::Notable;
use crate::output::{Bucket, Merger, S3Layout, Sink, StreamSpec, Tally};
use crate::rng::{Rng, Weighted};
use crate::schedule::{BUCKET_SECS, Schedule};
use crate::world::World;
use crate::{Layout, SimError, SimOptions, SimSummary};
use std::io::{BufWriter, Write};

/// Most days a run may span.
const MAX_DAYS: u32 = 3660;
/// Most accounts a run may simulate.
const MAX_ACCOUNTS: u32 = 64;
/// Most regions a run may name.
const MAX_REGIONS: usize = 32;

fn invalid(msg: impl Into<String>) -> SimError {
    SimError::Invalid(msg.into())
}

/// `us-east-1`-shaped: two letters, one or more words, a number.
fn plausible_region(name: &str) -> bool {
    let parts: Vec<&str> = name.split('-').collect();
    parts.len() >= 3
        && parts[0].len() == 2
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
        && parts
            .last()
            .is_some_and(|p| p.bytes().all(|b| b.is_ascii_digit()))
}

pub(crate) fn run(options: SimOptions<'_>) -> Result<SimSummary, SimError> {
    let SimOptions {
        seed,
        events,
        start,
        days,
        accounts,
        regions,
        attacks,
        layout,
    } = options;
    if days == 0 || days > MAX_DAYS {
        return Err(invalid(format!(
            "days must be between 1 and {MAX_DAYS}, got {days}"
        )));
    }
    if accounts == 0 || accounts > MAX_ACCOUNTS {
        return Err(invalid(format!(
            "accounts must be between 1 and {MAX_ACCOUNTS}, got {accounts}"
        )));
    }
    if regions.is_empty() || regions.len() > MAX_REGIONS {
        return Err(invalid(format!(
            "between 1 and {MAX_REGIONS} regions are needed, got {}",
            regions.len()
        )));
    }
    for (i, r) in regions.iter().enumerate() {
        if !plausible_region(r) {
            return Err(invalid(format!(
                "`{r}` is not an AWS region name (like us-east-1)"
            )));
        }
        if regions[..i].contains(r) {
            return Err(invalid(format!("region `{r}` is listed twice")));
        }
    }
    let start = start.as_second() - start.as_second().rem_euclid(BUCKET_SECS);
    let end = start + i64::from(days) * 86_400;

    // Attacks without a time are spread evenly over the run, with a little seeded jitter.
    let unscheduled = attacks.iter().filter(|(_, t)| t.is_none()).count() as i64;
    let spacing = (end - start) / (unscheduled + 1);
    let mut jitter = Rng::derive(seed, &[6]);
    let mut k = 0;
    let mut timed = Vec::with_capacity(attacks.len());
    for (id, at) in &attacks {
        let t = match at {
            Some(t) => {
                let s = t.as_second();
                if s < start || s >= end {
                    return Err(invalid(format!(
                        "attack {id} at {t} is outside the simulated window {} .. {}",
                        crate::clock::iso(start),
                        crate::clock::iso(end)
                    )));
                }
                s
            }
            None => {
                k += 1;
                let j = jitter.below((spacing / 2).max(1) as u64) as i64 - spacing / 4;
                (start + k * spacing + j).clamp(start, end - 1)
            }
        };
        timed.push((*id, t));
    }

    let world = World::build(seed, accounts, &regions);
    let plan = attacks::plan(&world, seed, &timed);
    let catalogue = Catalogue::new();

    // Files exist per account and region; global services write to us-east-1.
    let mut file_regions = regions.clone();
    let global_region = match file_regions.iter().position(|r| r == "us-east-1") {
        Some(i) => i,
        None => {
            file_regions.push("us-east-1".to_owned());
            file_regions.len() - 1
        }
    };
    let g = catalogue.global_share();
    let region_total: u64 = world.regions.iter().map(|r| r.weight).sum();
    let account_total: u64 = world.accounts.iter().map(|a| a.weight).sum();
    let mut specs = Vec::new();
    let mut weights = Vec::new();
    for (a, acct) in world.accounts.iter().enumerate() {
        let share = acct.weight as f64 / account_total.max(1) as f64;
        for (r, region) in world.regions.iter().enumerate() {
            specs.push(StreamSpec {
                account: a,
                region: r,
                global: false,
            });
            weights.push(
                (share * (1.0 - g) * region.weight as f64 / region_total.max(1) as f64 * 1e12)
                    as u64,
            );
        }
        specs.push(StreamSpec {
            account: a,
            region: global_region,
            global: true,
        });
        weights.push((share * g * 1e12) as u64);
    }
    let streams = Weighted::new(weights.iter().copied().enumerate());
    let account_ids: Vec<String> = world.accounts.iter().map(|a| a.id.clone()).collect();

    let (mut sink, truth_out): (Sink<'_>, Option<Box<dyn Write + '_>>) = match layout {
        Layout::S3 { dir } => {
            std::fs::create_dir_all(&dir).map_err(|source| SimError::Io {
                path: Some(dir.clone()),
                source,
            })?;
            let path = dir.join("ground-truth.jsonl");
            let file = std::fs::File::create(&path).map_err(|source| SimError::Io {
                path: Some(path),
                source,
            })?;
            (Sink::S3(S3Layout::new(dir, seed)), Some(Box::new(file)))
        }
        Layout::Ndjson {
            events,
            ground_truth,
        } => (
            Sink::Ndjson(BufWriter::with_capacity(256 << 10, events)),
            ground_truth,
        ),
    };
    if let Some(out) = truth_out {
        write_truth(out, &plan.truth)?;
    }

    let mut merger = Merger::new(
        seed,
        specs,
        file_regions.clone(),
        Generator::new(&catalogue, &world),
    );
    let mut schedule = Schedule::new(
        start,
        u64::from(days) * (86_400 / BUCKET_SECS as u64),
        events,
    );
    let mut tally = Tally::default();
    let mut counts = vec![0u64; merger.specs.len()];
    let mut next_attack = 0;
    let mut index = 0u64;
    loop {
        let (bucket_start, n) = match schedule.next_bucket() {
            Some(b) => b,
            // Attack chains may run past the window's end.
            None if next_attack < plan.events.len() => (start + index as i64 * BUCKET_SECS, 0),
            None => break,
        };
        let bucket_end = bucket_start + BUCKET_SECS;
        let upto =
            next_attack + plan.events[next_attack..].partition_point(|e| e.time < bucket_end);
        counts.iter_mut().for_each(|c| *c = 0);
        if n > 0 && !streams.is_empty() {
            let mut rng = Rng::derive(seed, &[1, index]);
            for _ in 0..n {
                counts[*streams.pick(&mut rng)] += 1;
            }
        }
        let bucket = Bucket {
            index,
            start: bucket_start,
            counts: &counts,
            attacks: &plan.events[next_attack..upto],
        };
        sink.bucket(&mut merger, &account_ids, &bucket, &mut tally)?;
        next_attack = upto;
        index += 1;
    }
    sink.finish()?;

    let ts = |t: Option<i64>| t.and_then(|s| jiff::Timestamp::from_second(s).ok());
    Ok(SimSummary {
        seed,
        background_events: tally.background,
        attack_events: tally.attack,
        first_event: ts(tally.first),
        last_event: ts(tally.last),
        files: tally.files,
        accounts: account_ids,
        regions: file_regions,
        notable: Notable::ALL
            .iter()
            .map(|n| (*n, tally.notable[n.index()]))
            .collect(),
        ground_truth: plan.truth,
        peak_buffer_bytes: tally.peak_buffer,
    })
}

fn write_truth(out: Box<dyn Write + '_>, truth: &[GroundTruth]) -> Result<(), SimError> {
    let mut out = BufWriter::new(out);
    let io = |source| SimError::Io { path: None, source };
    for t in truth {
        out.write_all(t.to_json().as_bytes()).map_err(io)?;
        out.write_all(b"\n").map_err(io)?;
    }
    out.flush().map_err(io)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_names() {
        for (name, ok) in [
            ("us-east-1", true),
            ("eu-central-2", true),
            ("us-gov-west-1", true),
            ("ap-southeast-4", true),
            ("useast1", false),
            ("US-EAST-1", false),
            ("us-east-", false),
            ("us-east-a", false),
            ("../etc-x-1", false),
            ("", false),
        ] {
            assert_eq!(plausible_region(name), ok, "{name}");
        }
    }
}

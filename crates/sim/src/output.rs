//! Writing records: the merge of a bucket's streams in time order, and the two layouts.
//!
//! A bucket's background events are split into independent streams, one per account and
//! region (plus one per account for global services, recorded in `us-east-1`). Each stream has
//! its own generator state, produces its events in time order, and is consumed lazily: the
//! NDJSON layout merges all streams of the bucket through a heap, the S3 layout merges the one
//! or two streams of each delivery file. Either way at most one record per stream is pending,
//! so memory does not grow with the number of events.

use crate::attacks::chain::AttackEvent;
use crate::background::Generator;
use crate::clock;
use crate::ids;
use crate::json::Json;
use crate::notable::Notable;
use crate::rng::Rng;
use crate::schedule::{Arrivals, BUCKET_SECS};
use flate2::Compression;
use flate2::write::GzEncoder;
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// Records waiting in each S3 file's shuffle window: real delivery files are only roughly
/// sorted.
const SHUFFLE_WINDOW: usize = 4;

/// The static description of one background stream.
#[derive(Clone, Copy, Debug)]
pub(crate) struct StreamSpec {
    pub(crate) account: usize,
    /// Index into the file regions.
    pub(crate) region: usize,
    /// Carries the events of global services.
    pub(crate) global: bool,
}

/// A stream's state inside one bucket.
struct Stream {
    spec: usize,
    rng: Rng,
    arrivals: Arrivals,
    next: Option<i64>,
}

/// Counters the sinks update.
#[derive(Debug, Default)]
pub(crate) struct Tally {
    pub(crate) background: u64,
    pub(crate) attack: u64,
    pub(crate) first: Option<i64>,
    pub(crate) last: Option<i64>,
    pub(crate) notable: [u64; Notable::ALL.len()],
    pub(crate) files: u64,
    pub(crate) peak_buffer: usize,
}

impl Tally {
    fn saw(&mut self, t: i64) {
        self.first = Some(self.first.map_or(t, |f| f.min(t)));
        self.last = Some(self.last.map_or(t, |l| l.max(t)));
    }
}

/// What every bucket needs to know.
pub(crate) struct Bucket<'b> {
    pub(crate) index: u64,
    pub(crate) start: i64,
    /// Background events per stream.
    pub(crate) counts: &'b [u64],
    /// Injected events of the bucket, in time order.
    pub(crate) attacks: &'b [AttackEvent],
}

/// Shared machinery of both layouts.
pub(crate) struct Merger<'w> {
    pub(crate) seed: u64,
    pub(crate) specs: Vec<StreamSpec>,
    pub(crate) regions: Vec<String>,
    pub(crate) generator: Generator<'w>,
    json: Json,
    heap: BinaryHeap<Reverse<(i64, usize)>>,
    streams: Vec<Stream>,
}

impl<'w> Merger<'w> {
    pub(crate) fn new(
        seed: u64,
        specs: Vec<StreamSpec>,
        regions: Vec<String>,
        generator: Generator<'w>,
    ) -> Merger<'w> {
        Merger {
            seed,
            specs,
            regions,
            generator,
            json: Json::new(),
            heap: BinaryHeap::new(),
            streams: Vec::new(),
        }
    }

    /// Bytes held in the merger's buffers.
    fn held(&self) -> usize {
        self.json.buf.capacity()
            + self.heap.capacity() * std::mem::size_of::<Reverse<(i64, usize)>>()
            + self.streams.capacity() * std::mem::size_of::<Stream>()
            + self.generator.held()
    }

    /// Merges the streams `which` of `bucket` with the attacks that `take` selects, calling
    /// `emit` with each record in time order.
    fn merge(
        &mut self,
        bucket: &Bucket<'_>,
        which: &[usize],
        take: &dyn Fn(&AttackEvent) -> bool,
        tally: &mut Tally,
        emit: &mut dyn FnMut(&[u8]) -> io::Result<()>,
    ) -> io::Result<()> {
        self.streams.clear();
        self.heap.clear();
        for &s in which {
            let n = bucket.counts.get(s).copied().unwrap_or(0);
            if n == 0 {
                continue;
            }
            let mut rng = Rng::derive(self.seed, &[3, bucket.index, s as u64]);
            let mut arrivals = Arrivals::new(bucket.start, n);
            let next = arrivals.next(&mut rng);
            if let Some(t) = next {
                self.heap.push(Reverse((t, self.streams.len())));
            }
            self.streams.push(Stream {
                spec: s,
                rng,
                arrivals,
                next,
            });
        }
        let mut attacks = bucket.attacks.iter().filter(|e| take(e)).peekable();
        loop {
            let next_bg = self.heap.peek().map(|Reverse((t, _))| *t);
            let next_attack = attacks.peek().map(|e| e.time * 1000);
            match (next_bg, next_attack) {
                (_, Some(ta)) if next_bg.is_none_or(|tb| ta <= tb) => {
                    if let Some(e) = attacks.next() {
                        tally.attack += 1;
                        tally.saw(e.time);
                        emit(&e.record)?;
                    }
                }
                (Some(_), _) => {
                    let Some(Reverse((t, i))) = self.heap.pop() else {
                        break;
                    };
                    let Some(stream) = self.streams.get_mut(i) else {
                        break;
                    };
                    let spec = self.specs[stream.spec];
                    let secs = t.div_euclid(1000);
                    self.json.clear();
                    let region = self
                        .regions
                        .get(spec.region)
                        .map_or("us-east-1", String::as_str);
                    let notable = self.generator.event(
                        &mut stream.rng,
                        spec.account,
                        region,
                        spec.global,
                        secs,
                        &mut self.json,
                    );
                    if let Some(n) = notable {
                        tally.notable[n.index()] += 1;
                    }
                    tally.background += 1;
                    tally.saw(secs);
                    stream.next = stream.arrivals.next(&mut stream.rng);
                    if let Some(tn) = stream.next {
                        self.heap.push(Reverse((tn, i)));
                    }
                    emit(&self.json.buf)?;
                }
                (None, _) => break,
            }
        }
        Ok(())
    }
}

/// Where records go.
pub(crate) enum Sink<'w> {
    /// One record per line, in time order.
    Ndjson(BufWriter<Box<dyn Write + 'w>>),
    /// CloudTrail's S3 delivery layout under a directory.
    S3(S3Layout),
}

/// The S3 layout's state.
pub(crate) struct S3Layout {
    root: PathBuf,
    names: Rng,
    shuffle: Rng,
    window: Vec<Vec<u8>>,
    spare: Vec<Vec<u8>>,
    made_dir: PathBuf,
}

impl S3Layout {
    pub(crate) fn new(root: PathBuf, seed: u64) -> S3Layout {
        S3Layout {
            root,
            names: Rng::derive(seed, &[4]),
            shuffle: Rng::derive(seed, &[5]),
            window: Vec::with_capacity(SHUFFLE_WINDOW),
            spare: Vec::with_capacity(SHUFFLE_WINDOW),
            made_dir: PathBuf::new(),
        }
    }

    fn held(&self) -> usize {
        self.window
            .iter()
            .chain(&self.spare)
            .map(Vec::capacity)
            .sum::<usize>()
    }

    /// The path of a delivery file of `account`/`region` for the bucket ending at `end`.
    fn file_path(&mut self, account: &str, region: &str, end: i64) -> PathBuf {
        let suffix = ids::chars(&mut self.names, "", ids::ALNUM, 16);
        let dir = self
            .root
            .join("AWSLogs")
            .join(account)
            .join("CloudTrail")
            .join(region)
            .join(clock::path_date(end).as_str());
        dir.join(format!(
            "{account}_CloudTrail_{region}_{}_{suffix}.json.gz",
            clock::file_stamp(end)
        ))
    }
}

fn io_at(path: &Path) -> impl FnOnce(io::Error) -> crate::SimError + '_ {
    move |source| crate::SimError::Io {
        path: Some(path.to_path_buf()),
        source,
    }
}

impl<'w> Sink<'w> {
    /// Writes one bucket.
    pub(crate) fn bucket(
        &mut self,
        merger: &mut Merger<'_>,
        accounts: &[String],
        bucket: &Bucket<'_>,
        tally: &mut Tally,
    ) -> Result<(), crate::SimError> {
        match self {
            Sink::Ndjson(out) => {
                let all: Vec<usize> = (0..merger.specs.len())
                    .filter(|&s| bucket.counts.get(s).copied().unwrap_or(0) > 0)
                    .collect();
                merger
                    .merge(bucket, &all, &|_| true, tally, &mut |record| {
                        out.write_all(record)?;
                        out.write_all(b"\n")
                    })
                    .map_err(|source| crate::SimError::Io { path: None, source })?;
                tally.peak_buffer = tally.peak_buffer.max(merger.held() + out.capacity());
            }
            Sink::S3(layout) => {
                let end = bucket.start + BUCKET_SECS;
                for (a, account) in accounts.iter().enumerate() {
                    for r in 0..merger.regions.len() {
                        let region = merger.regions[r].clone();
                        let which: Vec<usize> = (0..merger.specs.len())
                            .filter(|&s| {
                                let spec = merger.specs[s];
                                spec.account == a
                                    && spec.region == r
                                    && bucket.counts.get(s).copied().unwrap_or(0) > 0
                            })
                            .collect();
                        let take = |e: &AttackEvent| e.account == a && e.region == region;
                        if which.is_empty() && !bucket.attacks.iter().any(&take) {
                            continue;
                        }
                        let path = layout.file_path(account, &region, end);
                        if let Some(dir) = path.parent()
                            && dir != layout.made_dir
                        {
                            std::fs::create_dir_all(dir).map_err(io_at(dir))?;
                            layout.made_dir = dir.to_path_buf();
                        }
                        let file = File::create(&path).map_err(io_at(&path))?;
                        let mut gz = GzEncoder::new(
                            BufWriter::with_capacity(64 << 10, file),
                            Compression::fast(),
                        );
                        gz.write_all(b"{\"Records\":[").map_err(io_at(&path))?;
                        let mut first = true;
                        let S3Layout {
                            window,
                            spare,
                            shuffle,
                            ..
                        } = &mut *layout;
                        let mut put =
                            |gz: &mut GzEncoder<BufWriter<File>>, rec: &[u8]| -> io::Result<()> {
                                if !first {
                                    gz.write_all(b",")?;
                                }
                                first = false;
                                gz.write_all(rec)
                            };
                        merger
                            .merge(bucket, &which, &take, tally, &mut |record| {
                                let mut slot = spare.pop().unwrap_or_default();
                                slot.clear();
                                slot.extend_from_slice(record);
                                window.push(slot);
                                if window.len() >= SHUFFLE_WINDOW {
                                    let i = shuffle.index(window.len());
                                    let rec = window.swap_remove(i);
                                    put(&mut gz, &rec)?;
                                    spare.push(rec);
                                }
                                Ok(())
                            })
                            .map_err(io_at(&path))?;
                        while !window.is_empty() {
                            let i = shuffle.index(window.len());
                            let rec = window.swap_remove(i);
                            put(&mut gz, &rec).map_err(io_at(&path))?;
                            spare.push(rec);
                        }
                        gz.write_all(b"]}").map_err(io_at(&path))?;
                        let mut inner = gz.finish().map_err(io_at(&path))?;
                        inner.flush().map_err(io_at(&path))?;
                        tally.files += 1;
                    }
                }
                tally.peak_buffer = tally.peak_buffer.max(merger.held() + layout.held());
            }
        }
        Ok(())
    }

    /// Flushes buffered output.
    pub(crate) fn finish(self) -> Result<(), crate::SimError> {
        match self {
            Sink::Ndjson(mut out) => out
                .flush()
                .map_err(|source| crate::SimError::Io { path: None, source }),
            Sink::S3(_) => Ok(()),
        }
    }
}

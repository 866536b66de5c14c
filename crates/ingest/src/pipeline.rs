//! The parallel decode pipeline with ordered hand-off.
//!
//! ```text
//!             ┌──────── work queue (bounded) ────────┐
//! producer ──►│ File(a.gz) │ File(b.gz) │ Chunk(big#1) │──► workers (N threads):
//!   │         └──────────────────────────────────────┘      decompress, split, parse,
//!   │                                                        classify, Processor::process
//!   └─► order queue: one receiver per unit, in input order ──► consumer (caller's thread)
//! ```
//!
//! Small files are decoded whole by one worker each, so decompression runs on every core. A
//! large file or standard input is split by the producer (decompression of one gzip stream is
//! sequential) into batches of records that workers parse in parallel. Every unit has its own
//! bounded output channel and the consumer reads units in input order, so results arrive in
//! the order of the inputs and records while work proceeds out of order. Memory is bounded by
//! the queue sizes: at most a few batches per worker are in flight.

use crate::input::{Compression, Input, InputError, Location, decompress, open};
use crate::split::{Format, Item, Limits, SplitError, Splitter};
use crossbeam_channel::{Receiver, Sender, bounded};
use std::borrow::Cow;
use std::sync::Arc;
use trailhound_event::{Classified, Enrichment, Event, Origin, classify};

/// Pipeline settings.
#[derive(Clone, Debug)]
pub struct Options {
    /// Worker threads (at least 1).
    pub threads: usize,
    /// Per-record limits.
    pub limits: Limits,
    /// Inputs larger than this on disk are split by the producer and parsed in parallel
    /// batches; smaller ones are decoded whole by one worker.
    pub chunk_threshold: u64,
    /// Target size of a batch of records handed to a worker.
    pub batch_bytes: usize,
    /// Records per output batch sent to the consumer.
    pub batch_records: usize,
    /// GeoIP/ASN databases attached to every event.
    pub enrichment: Option<Arc<Enrichment>>,
    /// Report each batch's earliest and latest event time ([`Batch::time_range`]); costs a
    /// timestamp parse per event.
    pub track_time: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
            limits: Limits::default(),
            chunk_threshold: 32 << 20,
            batch_bytes: 1 << 20,
            batch_records: 4096,
            enrichment: None,
            track_time: false,
        }
    }
}

/// What runs on every decoded event, on a worker thread.
pub trait Processor: Sync {
    /// What the processor produces for the consumer.
    type Out: Send;
    /// Handles one event, pushing any results to `out`.
    fn process(&self, ev: Event<'_>, out: &mut Vec<Self::Out>);
}

/// Results of a run of records, in order.
#[derive(Debug)]
pub struct Batch<O> {
    /// Input index.
    pub input: u32,
    /// Processor results.
    pub outputs: Vec<O>,
    /// Events decoded in this batch.
    pub events: u64,
    /// CloudTrail digest documents recognised in this batch (skipped: they hold no events).
    pub digests: u64,
    /// Earliest and latest `eventTime` of the batch's events, when tracked.
    pub time_range: Option<(i64, i64)>,
}

/// What is known of a finished input; counts are accumulated from the deliveries before it
/// (see [`Tally`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InputSummary {
    /// Input index.
    pub input: u32,
    /// Detected container format (`None` when the input could not be read).
    pub format: Option<Format>,
    /// Whether it was gzip.
    pub gzip: bool,
    /// Size on disk, when known.
    pub bytes: u64,
}

/// What the consumer receives, in input order.
#[derive(Debug)]
pub enum Delivery<O> {
    /// Processor results for a run of records.
    Batch(Batch<O>),
    /// A record or input problem.
    Error(InputError),
    /// An input is finished.
    Done(InputSummary),
}

/// Running totals over deliveries, for summaries and progress.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    /// Inputs finished.
    pub inputs: u64,
    /// CloudTrail events decoded.
    pub events: u64,
    /// Records skipped with an error.
    pub skipped_records: u64,
    /// Problems with a whole input (unreadable, truncated stream).
    pub input_errors: u64,
    /// Digest documents skipped.
    pub digests: u64,
    /// Bytes of finished inputs on disk.
    pub bytes: u64,
    /// Events per detected format, gzip or not.
    pub per_format: std::collections::BTreeMap<(Format, bool), u64>,
    pending_events: u64,
}

impl Tally {
    /// Folds one delivery into the totals.
    pub fn observe<O>(&mut self, delivery: &Delivery<O>) {
        match delivery {
            Delivery::Batch(b) => {
                self.events += b.events;
                self.pending_events += b.events;
                self.digests += b.digests;
            }
            Delivery::Error(e) => {
                if e.record.is_some() {
                    self.skipped_records += 1;
                } else {
                    self.input_errors += 1;
                }
            }
            Delivery::Done(s) => {
                self.inputs += 1;
                self.bytes += s.bytes;
                if let Some(format) = s.format {
                    *self.per_format.entry((format, s.gzip)).or_default() += self.pending_events;
                }
                self.pending_events = 0;
            }
        }
    }
}

enum Unit {
    /// Decode this input whole.
    File(Input),
    /// Parse these framed records of a large input.
    Chunk(Chunk),
}

struct Chunk {
    input: Input,
    data: Vec<u8>,
    records: Vec<(u64, std::ops::Range<usize>)>,
    skipped: Vec<(u64, SplitError)>,
    /// Set on the last chunk of an input: the summary to deliver after it.
    last: Option<InputSummary>,
}

/// Runs the pipeline over `inputs`, calling `consume` on the caller's thread with every
/// delivery in input order.
pub fn run<P: Processor>(
    inputs: &[Input],
    processor: &P,
    options: &Options,
    mut consume: impl FnMut(Delivery<P::Out>),
) {
    let threads = options.threads.max(1);
    let (work_tx, work_rx) = bounded::<(Unit, Sender<Delivery<P::Out>>)>(threads * 2);
    let (order_tx, order_rx) = bounded::<Receiver<Delivery<P::Out>>>(threads * 4);
    std::thread::scope(|scope| {
        scope.spawn(move || produce(inputs, options, &work_tx, &order_tx));
        for _ in 0..threads {
            let work_rx = work_rx.clone();
            scope.spawn(move || {
                for (unit, tx) in work_rx.iter() {
                    match unit {
                        Unit::File(input) => decode_file(&input, processor, options, &tx),
                        Unit::Chunk(chunk) => decode_chunk(chunk, processor, options, &tx),
                    }
                }
            });
        }
        drop(work_rx);
        for rx in order_rx.iter() {
            for delivery in rx.iter() {
                consume(delivery);
            }
        }
    });
}

fn produce<O: Send>(
    inputs: &[Input],
    options: &Options,
    work: &Sender<(Unit, Sender<Delivery<O>>)>,
    order: &Sender<Receiver<Delivery<O>>>,
) {
    let submit = |unit: Unit| -> bool {
        let (tx, rx) = bounded(4);
        order.send(rx).is_ok() && work.send((unit, tx)).is_ok()
    };
    for input in inputs {
        let large = match input.location {
            Location::Stdin => true,
            Location::File(_) => input.size.is_some_and(|s| s > options.chunk_threshold),
        };
        let ok = if large {
            split_large(input, options, &submit)
        } else {
            submit(Unit::File(input.clone()))
        };
        if !ok {
            return;
        }
    }
}

/// Splits a large input on the producer thread into chunks of framed records.
fn split_large(input: &Input, options: &Options, submit: &dyn Fn(Unit) -> bool) -> bool {
    let mut summary = InputSummary {
        input: input.id,
        bytes: input.size.unwrap_or(0),
        ..InputSummary::default()
    };
    let empty_chunk = || Chunk {
        input: input.clone(),
        data: Vec::new(),
        records: Vec::new(),
        skipped: Vec::new(),
        last: None,
    };
    let (reader, compression) = match open(input) {
        Ok(r) => r,
        Err(e) => {
            let mut chunk = empty_chunk();
            chunk
                .skipped
                .push((0, SplitError::Garbage(format!("cannot read: {e}"))));
            chunk.last = Some(summary);
            return submit(Unit::Chunk(chunk));
        }
    };
    summary.gzip = compression == Compression::Gzip;
    let mut splitter = Splitter::new(options.limits);
    let mut chunk = empty_chunk();
    let mut alive = true;
    let result = splitter.run(reader, &mut |item| {
        match item {
            Item::Record(n, bytes) => {
                let start = chunk.data.len();
                chunk.data.extend_from_slice(bytes);
                chunk.records.push((n, start..chunk.data.len()));
            }
            Item::Skipped(n, e) => chunk.skipped.push((n, e)),
        }
        if chunk.data.len() >= options.batch_bytes {
            let full = std::mem::replace(&mut chunk, empty_chunk());
            alive = submit(Unit::Chunk(full));
        }
        alive
    });
    if !alive {
        return false;
    }
    match result {
        Err(e) => chunk
            .skipped
            .push((0, SplitError::Garbage(read_error(e, compression)))),
        Ok(()) if splitter.format() == Some(Format::Empty) => {
            chunk
                .skipped
                .push((0, SplitError::Garbage("empty input: no records".into())));
        }
        Ok(()) => {}
    }
    summary.format = splitter.format();
    chunk.last = Some(summary);
    submit(Unit::Chunk(chunk))
}

/// The parser's messages carry a multi-line excerpt; problems are reported one per line.
fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or(s).trim_end()
}

fn read_error(e: std::io::Error, compression: Compression) -> String {
    if compression == Compression::Gzip {
        format!("gzip stream is corrupt or truncated ({e}); records before this point were read")
    } else {
        format!("read error: {e}")
    }
}

/// Per-unit decoding state: counts and the pending output batch.
struct Decoder<'p, P: Processor> {
    processor: &'p P,
    options: &'p Options,
    tx: &'p Sender<Delivery<P::Out>>,
    input: &'p Input,
    outputs: Vec<P::Out>,
    events_in_batch: u64,
    digests_in_batch: u64,
    time_range: Option<(i64, i64)>,
    summary: InputSummary,
}

impl<P: Processor> Decoder<'_, P> {
    fn error(&mut self, record: Option<u64>, reason: String) {
        self.flush();
        let _ = self.tx.send(Delivery::Error(InputError {
            source: self.input.name(),
            record,
            reason,
        }));
    }

    fn flush(&mut self) {
        if self.outputs.is_empty() && self.events_in_batch == 0 && self.digests_in_batch == 0 {
            return;
        }
        let outputs = std::mem::take(&mut self.outputs);
        let batch = Batch {
            input: self.input.id,
            outputs,
            events: self.events_in_batch,
            digests: self.digests_in_batch,
            time_range: self.time_range.take(),
        };
        let _ = self.tx.send(Delivery::Batch(batch));
        self.events_in_batch = 0;
        self.digests_in_batch = 0;
    }

    fn event(&mut self, ev: Event<'_>) {
        if self.options.track_time
            && let Some(t) = ev.time_millis()
        {
            self.time_range = Some(
                self.time_range
                    .map_or((t, t), |(lo, hi)| (lo.min(t), hi.max(t))),
            );
        }
        self.processor.process(
            ev.with_enrichment(self.options.enrichment.clone()),
            &mut self.outputs,
        );
        self.events_in_batch += 1;
        if self.events_in_batch as usize >= self.options.batch_records {
            self.flush();
        }
    }

    /// Parses and classifies one framed record.
    fn record(&mut self, number: u64, bytes: &[u8]) {
        let origin = Origin {
            source: self.input.id,
            record: number,
        };
        let text = match std::str::from_utf8(bytes) {
            Ok(t) => t,
            Err(e) => {
                return self.error(
                    Some(number),
                    format!("invalid UTF-8 at byte {}", e.valid_up_to()),
                );
            }
        };
        let doc: sonic_rs::Value = match sonic_rs::from_str(text) {
            Ok(d) => d,
            Err(e) => {
                return self.error(
                    Some(number),
                    format!("invalid JSON: {}", first_line(&e.to_string())),
                );
            }
        };
        match classify(doc) {
            Classified::Record(doc) => self.event(Event::new(Cow::Borrowed(text), doc, origin)),
            Classified::EcsOriginal(original) => self.nested(number, origin, original),
            Classified::Wrapper(records) => {
                for doc in records {
                    let raw = sonic_rs::to_string(&doc).unwrap_or_default();
                    match classify(doc) {
                        Classified::Record(doc) => {
                            self.event(Event::new(Cow::Owned(raw), doc, origin))
                        }
                        _ => self.error(
                            Some(number),
                            "an element of `Records` is not a CloudTrail record".into(),
                        ),
                    }
                }
            }
            Classified::Digest => self.digests_in_batch += 1,
            Classified::Other(why) => {
                self.error(Some(number), format!("not a CloudTrail record: {why}"))
            }
        }
    }

    /// A record carried as text inside an Elastic document (`event.original`).
    fn nested(&mut self, number: u64, origin: Origin, original: String) {
        if crate::split::nesting_exceeds(original.as_bytes(), self.options.limits.max_depth) {
            return self.error(
                Some(number),
                format!(
                    "event.original nests deeper than {} levels",
                    self.options.limits.max_depth
                ),
            );
        }
        match sonic_rs::from_str::<sonic_rs::Value>(&original) {
            Ok(doc) => match classify(doc) {
                Classified::Record(doc) => {
                    self.event(Event::new(Cow::Owned(original), doc, origin))
                }
                _ => self.error(
                    Some(number),
                    "event.original is not a CloudTrail record".into(),
                ),
            },
            Err(e) => self.error(
                Some(number),
                format!(
                    "event.original is not valid JSON: {}",
                    first_line(&e.to_string())
                ),
            ),
        }
    }

    fn skipped(&mut self, number: u64, e: SplitError) {
        if number == 0 {
            // Input-level problem (read error), not a record.
            let reason = match e {
                SplitError::Garbage(msg) => msg,
                other => other.to_string(),
            };
            self.error(None, reason);
        } else {
            self.error(Some(number), e.to_string());
        }
    }

    fn finish(mut self) {
        self.flush();
        let _ = self.tx.send(Delivery::Done(self.summary));
    }
}

fn decoder<'p, P: Processor>(
    processor: &'p P,
    options: &'p Options,
    tx: &'p Sender<Delivery<P::Out>>,
    input: &'p Input,
) -> Decoder<'p, P> {
    Decoder {
        processor,
        options,
        tx,
        input,
        outputs: Vec::new(),
        events_in_batch: 0,
        digests_in_batch: 0,
        time_range: None,
        summary: InputSummary {
            input: input.id,
            bytes: input.size.unwrap_or(0),
            ..InputSummary::default()
        },
    }
}

fn decode_file<P: Processor>(
    input: &Input,
    processor: &P,
    options: &Options,
    tx: &Sender<Delivery<P::Out>>,
) {
    let mut dec = decoder(processor, options, tx, input);
    let file = match &input.location {
        Location::File(p) => std::fs::File::open(p),
        Location::Stdin => Err(std::io::Error::other(
            "standard input is read by the producer",
        )),
    };
    let opened = file.and_then(|f| decompress(Box::new(f)));
    let (reader, compression) = match opened {
        Ok(r) => r,
        Err(e) => {
            dec.error(None, format!("cannot read: {e}"));
            return dec.finish();
        }
    };
    dec.summary.gzip = compression == Compression::Gzip;
    let mut splitter = Splitter::new(options.limits);
    let result = splitter.run(reader, &mut |item| {
        match item {
            Item::Record(n, bytes) => dec.record(n, bytes),
            Item::Skipped(n, e) => dec.skipped(n, e),
        }
        true
    });
    dec.summary.format = splitter.format();
    match result {
        Err(e) => dec.error(None, read_error(e, compression)),
        Ok(()) if splitter.format() == Some(Format::Empty) => {
            dec.error(None, "empty input: no records".into())
        }
        Ok(()) => {}
    }
    dec.finish();
}

fn decode_chunk<P: Processor>(
    chunk: Chunk,
    processor: &P,
    options: &Options,
    tx: &Sender<Delivery<P::Out>>,
) {
    let Chunk {
        input,
        data,
        records,
        skipped,
        last,
    } = chunk;
    let mut dec = decoder(processor, options, tx, &input);
    // Deliver records and skips in record order.
    let mut skipped = skipped.into_iter().peekable();
    for (n, range) in records {
        while let Some((sn, _)) = skipped.peek() {
            if *sn > n {
                break;
            }
            if let Some((sn, e)) = skipped.next() {
                dec.skipped(sn, e);
            }
        }
        dec.record(n, &data[range]);
    }
    for (sn, e) in skipped {
        dec.skipped(sn, e);
    }
    dec.flush();
    if let Some(summary) = last {
        let _ = tx.send(Delivery::Done(summary));
    }
}

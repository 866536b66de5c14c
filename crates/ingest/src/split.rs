//! Streaming record splitter: bytes in, one JSON record at a time out, in bounded memory.
//!
//! The format is detected from content, never from the file name:
//!
//! | input | detected as | records |
//! |---|---|---|
//! | `{"Records":[{…},{…}]}` (CloudTrail S3 delivery) | [`Format::Records`] | the array's elements, streamed |
//! | one object per line | [`Format::Ndjson`] | each non-blank line |
//! | `[{…},{…}]` | [`Format::Array`] | the array's elements, streamed |
//! | a single object, pretty-printed objects, concatenated wrappers | [`Format::Concatenated`] | each top-level value |
//!
//! The splitter only frames values; it does not validate them (the JSON parser does that). It
//! tracks nesting depth without recursion and enforces two limits per record: its size and its
//! nesting depth. A record over a limit is skipped while the splitter keeps scanning to its end,
//! without buffering it, so a 1 GB record costs no more memory than a small one. Framing errors
//! (a truncated last record, binary garbage, a string broken by a newline) are reported with the
//! record number and the splitter resynchronises at the next line.

use memchr::{memchr, memchr3};
use std::io::{self, Read};

/// Default largest record: far above CloudTrail's own event size limit, far below RAM.
pub const DEFAULT_MAX_RECORD_BYTES: usize = 16 << 20;
/// Default deepest nesting: CloudTrail records nest about ten levels.
pub const DEFAULT_MAX_DEPTH: usize = 256;
const READ_CHUNK: usize = 1 << 20;

/// The container format of an input, as detected.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Format {
    /// CloudTrail S3 delivery: `{"Records": [...]}`.
    Records,
    /// Newline-delimited JSON.
    Ndjson,
    /// A top-level JSON array of records.
    Array,
    /// A single JSON value, or several written one after another.
    Concatenated,
    /// Nothing but whitespace.
    Empty,
}

impl Format {
    /// Short name for summaries.
    pub fn name(self) -> &'static str {
        match self {
            Format::Records => "cloudtrail-s3",
            Format::Ndjson => "ndjson",
            Format::Array => "json-array",
            Format::Concatenated => "json",
            Format::Empty => "empty",
        }
    }
}

/// Limits applied per record.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Largest record in bytes.
    pub max_record_bytes: usize,
    /// Deepest nesting of arrays and objects.
    pub max_depth: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_record_bytes: DEFAULT_MAX_RECORD_BYTES,
            max_depth: DEFAULT_MAX_DEPTH,
        }
    }
}

/// Why a record could not be framed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SplitError {
    /// Larger than [`Limits::max_record_bytes`]; carries the size seen.
    TooLarge(u64),
    /// Deeper than [`Limits::max_depth`].
    TooDeep(usize),
    /// The input ended inside the record.
    Truncated,
    /// Bytes that do not start a JSON value, or a string broken by a raw newline.
    Garbage(String),
}

impl std::fmt::Display for SplitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SplitError::TooLarge(n) => write!(
                f,
                "record of {n} bytes exceeds the record size limit (--max-record-bytes)"
            ),
            SplitError::TooDeep(d) => write!(f, "record nests deeper than {d} levels"),
            SplitError::Truncated => f.write_str("input ends inside this record (truncated file?)"),
            SplitError::Garbage(what) => f.write_str(what),
        }
    }
}

/// One framed item: a record's bytes or why it was skipped. Numbers count from 1 per input and
/// include skipped items, so a number always points at the same place in the input. Number 0
/// is the input as a whole (it is not JSON at all).
#[derive(Debug)]
pub enum Item<'a> {
    /// A complete JSON value (not yet validated).
    Record(u64, &'a [u8]),
    /// A skipped item.
    Skipped(u64, SplitError),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    /// Not yet known: before the first value.
    Start,
    /// Top-level values follow each other.
    TopLevel,
    /// Inside a top-level array (or a `Records` array): values are elements.
    Elements,
    /// After a `Records` array: the rest of the wrapper object is skipped.
    WrapperTail,
    /// One record per line.
    Lines,
}

/// The splitter. Feed it a reader with [`Splitter::run`].
pub struct Splitter {
    limits: Limits,
    format: Option<Format>,
    /// A read error, treated as the end of input so the record it cut short is reported;
    /// [`Splitter::run`] returns it at the end.
    io_error: Option<io::Error>,
}

/// Scanner state for one value, resumable across buffer refills.
#[derive(Clone, Copy, Debug, Default)]
struct ValueScan {
    depth: usize,
    max_depth_seen: usize,
    in_string: bool,
    escape: bool,
    /// For a scalar value (number, literal): scanning until a delimiter.
    scalar: bool,
    started: bool,
}

enum ScanResult {
    /// The value ends just before this index.
    End(usize),
    /// More bytes are needed; everything up to the slice end was consumed.
    More,
    /// A raw newline inside a string at this index: the value is broken.
    Broken(usize),
}

impl ValueScan {
    /// Scans `buf[from..]`. Returns where the value ends.
    fn scan(&mut self, buf: &[u8], from: usize) -> ScanResult {
        let mut i = from;
        while i < buf.len() {
            if self.in_string {
                if self.escape {
                    // The byte after a backslash that ended the previous buffer.
                    self.escape = false;
                    i += 1;
                    continue;
                }
                // Jump to the next quote, backslash or newline (which breaks the string), in one
                // pass.
                let Some(off) = memchr3(b'"', b'\\', b'\n', &buf[i..]) else {
                    return ScanResult::More;
                };
                i += off;
                if buf[i] == b'\n' {
                    return ScanResult::Broken(i);
                }
                if buf[i] == b'\\' {
                    if i + 1 >= buf.len() {
                        self.escape = true;
                        return ScanResult::More;
                    }
                    i += 2;
                    continue;
                }
                self.in_string = false;
                i += 1;
                if self.depth == 0 && self.started && !self.scalar {
                    // A top-level string value.
                    return ScanResult::End(i);
                }
                continue;
            }
            let b = buf[i];
            if self.scalar {
                if matches!(
                    b,
                    b',' | b']' | b'}' | b' ' | b'\t' | b'\r' | b'\n' | b'[' | b'{' | b'"'
                ) {
                    return ScanResult::End(i);
                }
                i += 1;
                continue;
            }
            match b {
                b'{' | b'[' => {
                    self.depth += 1;
                    self.max_depth_seen = self.max_depth_seen.max(self.depth);
                    self.started = true;
                }
                b'}' | b']' => {
                    self.depth = self.depth.saturating_sub(1);
                    if self.depth == 0 {
                        return ScanResult::End(i + 1);
                    }
                }
                b'"' => {
                    self.in_string = true;
                    self.started = true;
                }
                _ => {
                    if !self.started && !b.is_ascii_whitespace() {
                        self.scalar = true;
                        self.started = true;
                    }
                }
            }
            i += 1;
        }
        ScanResult::More
    }
}

impl Splitter {
    /// A splitter with these limits.
    pub fn new(limits: Limits) -> Splitter {
        Splitter {
            limits,
            format: None,
            io_error: None,
        }
    }

    /// The detected format (after [`Splitter::run`]).
    pub fn format(&self) -> Option<Format> {
        self.format
    }

    /// Reads `input` to the end, calling `sink` for every item. `sink` returns `false` to stop
    /// early. I/O errors end the run and are returned; items already delivered stay delivered.
    pub fn run<R: Read>(
        &mut self,
        mut input: R,
        sink: &mut dyn FnMut(Item<'_>) -> bool,
    ) -> io::Result<()> {
        let mut buf: Vec<u8> = Vec::with_capacity(READ_CHUNK);
        let mut eof = false;
        let mut pos = 0usize; // next unconsumed byte
        let mut number = 0u64;
        let mut mode = Mode::Start;

        loop {
            // Make sure there is data to look at.
            if pos >= buf.len() {
                if eof {
                    break;
                }
                buf.clear();
                pos = 0;
                eof = self.fill(&mut input, &mut buf);
                continue;
            }
            // Skip whitespace and separators between values.
            let b = buf[pos];
            if b.is_ascii_whitespace() || (b == b',' && mode == Mode::Elements) {
                pos += 1;
                continue;
            }
            match mode {
                Mode::Start => {
                    // Need a window to decide the format: the first line, or enough bytes.
                    if !eof && memchr(b'\n', &buf[pos..]).is_none() && buf.len() - pos < READ_CHUNK
                    {
                        compact(&mut buf, &mut pos);
                        eof = self.fill(&mut input, &mut buf);
                        if !eof || pos < buf.len() {
                            continue;
                        }
                    }
                    if !matches!(buf[pos], b'{' | b'[') {
                        // Not a JSON document at all (text, binary): one problem for the whole
                        // input rather than one per line.
                        let what = describe_garbage(&buf[pos..]);
                        sink(Item::Skipped(
                            0,
                            SplitError::Garbage(format!("{what}; input skipped")),
                        ));
                        return match self.io_error.take() {
                            Some(e) => Err(e),
                            None => Ok(()),
                        };
                    }
                    let (next, format) = detect(&buf[pos..], eof);
                    self.format = Some(format);
                    mode = next;
                    if mode == Mode::Elements {
                        // Step inside the array: past `[` (or past `{"Records":[`).
                        pos += opening_len(&buf[pos..]);
                    }
                    continue;
                }
                Mode::Elements if b == b']' => {
                    pos += 1;
                    mode = if self.format == Some(Format::Records) {
                        Mode::WrapperTail
                    } else {
                        Mode::TopLevel
                    };
                    continue;
                }
                Mode::WrapperTail => {
                    // Skip the rest of the wrapper object up to its closing brace. Keys after
                    // `Records` are not records.
                    let mut scan = ValueScan {
                        depth: 1,
                        started: true,
                        ..ValueScan::default()
                    };
                    let consumed =
                        self.skip_value(&mut input, &mut buf, &mut pos, &mut eof, &mut scan)?;
                    if !consumed {
                        break;
                    }
                    mode = Mode::TopLevel;
                    continue;
                }
                Mode::TopLevel if b == b'{' && starts_records_wrapper(&buf[pos..]) => {
                    // A further wrapper after the first value (concatenated S3 files).
                    pos += opening_len(&buf[pos..]);
                    self.format.get_or_insert(Format::Records);
                    mode = Mode::Elements;
                    continue;
                }
                Mode::TopLevel if b == b'[' => {
                    pos += 1;
                    mode = Mode::Elements;
                    continue;
                }
                Mode::Lines => {
                    number += 1;
                    if !self.line(&mut input, &mut buf, &mut pos, &mut eof, number, sink)? {
                        return Ok(());
                    }
                    continue;
                }
                _ => {}
            }
            // A value at `pos` (top-level or array element).
            number += 1;
            if !matches!(
                b,
                b'{' | b'[' | b'"' | b'-' | b'0'..=b'9' | b't' | b'f' | b'n'
            ) {
                let what = describe_garbage(&buf[pos..]);
                let resumed = self.resync(&mut input, &mut buf, &mut pos, &mut eof)?;
                if !sink(Item::Skipped(number, SplitError::Garbage(what))) || !resumed {
                    return Ok(());
                }
                continue;
            }
            if !self.value(&mut input, &mut buf, &mut pos, &mut eof, number, sink)? {
                return Ok(());
            }
        }
        if self.format.is_none() {
            self.format = Some(Format::Empty);
        }
        match self.io_error.take() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    /// Frames one value starting at `*pos`. Returns `false` when the sink asked to stop.
    fn value<R: Read>(
        &mut self,
        input: &mut R,
        buf: &mut Vec<u8>,
        pos: &mut usize,
        eof: &mut bool,
        number: u64,
        sink: &mut dyn FnMut(Item<'_>) -> bool,
    ) -> io::Result<bool> {
        let mut scan = ValueScan::default();
        let mut start = *pos;
        let mut scanned = *pos;
        let mut skipped_bytes: u64 = 0;
        let mut oversized = false;
        loop {
            match scan.scan(buf, scanned) {
                ScanResult::End(end) => {
                    *pos = end;
                    let item = if oversized {
                        Item::Skipped(
                            number,
                            SplitError::TooLarge(skipped_bytes + (end - start) as u64),
                        )
                    } else if scan.max_depth_seen > self.limits.max_depth {
                        Item::Skipped(number, SplitError::TooDeep(self.limits.max_depth))
                    } else {
                        Item::Record(number, &buf[start..end])
                    };
                    return Ok(sink(item));
                }
                ScanResult::Broken(nl) => {
                    *pos = nl + 1;
                    return Ok(sink(Item::Skipped(
                        number,
                        SplitError::Garbage(
                            "a line ends inside a JSON string (truncated or corrupt record)".into(),
                        ),
                    )));
                }
                ScanResult::More => {
                    let len = buf.len() - start;
                    if len > self.limits.max_record_bytes {
                        oversized = true;
                    }
                    if oversized {
                        // Drop what was scanned; keep scanning without buffering.
                        skipped_bytes += len as u64;
                        buf.clear();
                        start = 0;
                    } else {
                        buf.drain(..start);
                        start = 0;
                    }
                    scanned = buf.len();
                    *pos = 0;
                    if *eof {
                        *pos = buf.len();
                        if scan.scalar && !oversized {
                            // A scalar runs to the end of the input.
                            return Ok(sink(Item::Record(number, trim_ascii_end(buf))));
                        }
                        let err = if oversized {
                            SplitError::TooLarge(skipped_bytes)
                        } else {
                            SplitError::Truncated
                        };
                        return Ok(sink(Item::Skipped(number, err)));
                    }
                    *eof = self.fill(input, buf);
                }
            }
        }
    }

    /// Frames one line in NDJSON mode.
    fn line<R: Read>(
        &mut self,
        input: &mut R,
        buf: &mut Vec<u8>,
        pos: &mut usize,
        eof: &mut bool,
        number: u64,
        sink: &mut dyn FnMut(Item<'_>) -> bool,
    ) -> io::Result<bool> {
        let mut start = *pos;
        let mut searched = *pos;
        let mut skipped: u64 = 0;
        loop {
            if let Some(off) = memchr(b'\n', &buf[searched..]) {
                let end = searched + off;
                *pos = end + 1;
                if skipped > 0 {
                    return Ok(sink(Item::Skipped(
                        number,
                        SplitError::TooLarge(skipped + (end - start) as u64),
                    )));
                }
                let line = trim_ascii_end(&buf[start..end]);
                if let Some(depth) = too_deep(line, self.limits.max_depth) {
                    return Ok(sink(Item::Skipped(number, SplitError::TooDeep(depth))));
                }
                return Ok(sink(Item::Record(number, line)));
            }
            if buf.len() - start > self.limits.max_record_bytes {
                skipped += (buf.len() - start) as u64;
                buf.clear();
                start = 0;
            } else {
                buf.drain(..start);
                start = 0;
            }
            searched = buf.len();
            *pos = 0;
            if *eof {
                *pos = buf.len();
                if skipped > 0 {
                    return Ok(sink(Item::Skipped(
                        number,
                        SplitError::TooLarge(skipped + buf.len() as u64),
                    )));
                }
                let line = trim_ascii_end(&buf[start..]);
                if let Some(depth) = too_deep(line, self.limits.max_depth) {
                    return Ok(sink(Item::Skipped(number, SplitError::TooDeep(depth))));
                }
                return Ok(sink(Item::Record(number, line)));
            }
            *eof = self.fill(input, buf);
        }
    }

    /// Skips to the end of a value already entered (`scan` primed). Returns false at EOF.
    fn skip_value<R: Read>(
        &mut self,
        input: &mut R,
        buf: &mut Vec<u8>,
        pos: &mut usize,
        eof: &mut bool,
        scan: &mut ValueScan,
    ) -> io::Result<bool> {
        loop {
            match scan.scan(buf, *pos) {
                ScanResult::End(end) => {
                    *pos = end;
                    return Ok(true);
                }
                ScanResult::Broken(nl) => {
                    *pos = nl + 1;
                    return Ok(true);
                }
                ScanResult::More => {
                    buf.clear();
                    *pos = 0;
                    if *eof {
                        return Ok(false);
                    }
                    *eof = self.fill(input, buf);
                }
            }
        }
    }

    /// Skips to the start of the next line. Returns false at EOF.
    fn resync<R: Read>(
        &mut self,
        input: &mut R,
        buf: &mut Vec<u8>,
        pos: &mut usize,
        eof: &mut bool,
    ) -> io::Result<bool> {
        loop {
            if let Some(off) = memchr(b'\n', &buf[*pos..]) {
                *pos += off + 1;
                return Ok(true);
            }
            buf.clear();
            *pos = 0;
            if *eof {
                return Ok(false);
            }
            *eof = self.fill(input, buf);
        }
    }
}

impl Splitter {
    /// Appends up to one chunk from `input`. Returns true at end of input (or on a read error,
    /// which is kept for [`Splitter::run`] to return).
    fn fill<R: Read>(&mut self, input: &mut R, buf: &mut Vec<u8>) -> bool {
        match fill(input, buf) {
            Ok(eof) => eof,
            Err(e) => {
                self.io_error = Some(e);
                true
            }
        }
    }
}

/// Appends up to one chunk from `input`. Returns true at end of input. Reads until the chunk is
/// full or the input ends, so small reads (pipes) do not make tiny iterations; the bytes go
/// straight into the buffer's spare capacity (no zero-filling of a chunk per call, which for a
/// tree of small `.json.gz` files cost a megabyte of memset per file). On a read error the bytes
/// read before it are kept in `buf`.
fn fill<R: Read>(input: &mut R, buf: &mut Vec<u8>) -> io::Result<bool> {
    let chunk = READ_CHUNK as u64;
    let n = input.by_ref().take(chunk).read_to_end(buf)?;
    Ok((n as u64) < chunk)
}

fn compact(buf: &mut Vec<u8>, pos: &mut usize) {
    buf.drain(..*pos);
    *pos = 0;
}

fn trim_ascii_end(b: &[u8]) -> &[u8] {
    let mut end = b.len();
    while end > 0 && b[end - 1].is_ascii_whitespace() {
        end -= 1;
    }
    let mut start = 0;
    while start < end && b[start].is_ascii_whitespace() {
        start += 1;
    }
    &b[start..end]
}

/// Nesting depth check for a line, cheap in the common case: a line with fewer brackets than
/// the limit cannot nest deeper than it.
fn too_deep(line: &[u8], max_depth: usize) -> Option<usize> {
    nesting_exceeds(line, max_depth).then_some(max_depth)
}

/// True when the JSON text `b` nests arrays and objects deeper than `max_depth`.
pub fn nesting_exceeds(b: &[u8], max_depth: usize) -> bool {
    let brackets = memchr::memchr2_iter(b'{', b'[', b).count();
    if brackets <= max_depth {
        return false;
    }
    let mut scan = ValueScan::default();
    scan.scan(b, 0);
    scan.max_depth_seen > max_depth
}

/// True when `b` starts with `{` "Records" `:` `[` (whitespace allowed).
fn starts_records_wrapper(b: &[u8]) -> bool {
    let mut i = 1;
    let skip_ws = |i: &mut usize| {
        while *i < b.len() && b[*i].is_ascii_whitespace() {
            *i += 1;
        }
    };
    skip_ws(&mut i);
    if !b[i.min(b.len())..].starts_with(b"\"Records\"") {
        return false;
    }
    i += 9;
    skip_ws(&mut i);
    if b.get(i) != Some(&b':') {
        return false;
    }
    i += 1;
    skip_ws(&mut i);
    b.get(i) == Some(&b'[')
}

/// Bytes from `b` (at `[` or at a wrapper's `{`) to just inside the array.
fn opening_len(b: &[u8]) -> usize {
    memchr(b'[', b).map_or(b.len(), |i| i + 1)
}

/// Decides the mode from the first bytes. `window` starts at the first non-blank byte.
fn detect(window: &[u8], eof: bool) -> (Mode, Format) {
    match window.first() {
        None => (Mode::TopLevel, Format::Empty),
        Some(b'[') => (Mode::Elements, Format::Array),
        Some(b'{') if starts_records_wrapper(window) => (Mode::Elements, Format::Records),
        Some(b'{') => {
            // NDJSON when the first line is a complete value and another value follows on the
            // next line.
            let Some(nl) = memchr(b'\n', window) else {
                return (Mode::TopLevel, Format::Concatenated);
            };
            let mut scan = ValueScan::default();
            let complete = matches!(scan.scan(&window[..nl], 0), ScanResult::End(end) if window[end..nl].iter().all(u8::is_ascii_whitespace));
            let rest = &window[nl + 1..];
            let next = rest.iter().find(|b| !b.is_ascii_whitespace());
            if complete && (next == Some(&b'{') || (next.is_none() && !eof) || next.is_none()) {
                (Mode::Lines, Format::Ndjson)
            } else {
                (Mode::TopLevel, Format::Concatenated)
            }
        }
        Some(_) => (Mode::TopLevel, Format::Concatenated),
    }
}

fn describe_garbage(b: &[u8]) -> String {
    let head: Vec<u8> = b.iter().take(16).copied().collect();
    if head
        .iter()
        .any(|c| !c.is_ascii() || (c.is_ascii_control() && !c.is_ascii_whitespace()))
    {
        format!(
            "binary data, not JSON (starts with bytes {})",
            head.iter()
                .take(8)
                .map(|c| format!("{c:02x}"))
                .collect::<Vec<_>>()
                .join(" ")
        )
    } else {
        format!("not JSON: starts with {:?}", String::from_utf8_lossy(&head))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(input: &[u8], limits: Limits) -> (Option<Format>, Vec<String>) {
        let mut s = Splitter::new(limits);
        let mut out = Vec::new();
        s.run(input, &mut |item| {
            out.push(match item {
                Item::Record(n, b) => format!("{n}:{}", String::from_utf8_lossy(b)),
                Item::Skipped(n, e) => format!(
                    "{n}!{}",
                    match e {
                        SplitError::TooLarge(_) => "large".into(),
                        SplitError::TooDeep(_) => "deep".into(),
                        SplitError::Truncated => "truncated".into(),
                        SplitError::Garbage(_) => "garbage".to_string(),
                    }
                ),
            });
            true
        })
        .expect("in-memory reads do not fail");
        (s.format(), out)
    }

    fn d(input: &str) -> (Option<Format>, Vec<String>) {
        split(input.as_bytes(), Limits::default())
    }

    #[test]
    fn detects_every_container() {
        assert_eq!(
            d(r#"{"Records":[{"a":1},{"b":[2,3]}]}"#),
            (
                Some(Format::Records),
                vec![r#"1:{"a":1}"#.into(), r#"2:{"b":[2,3]}"#.into()]
            )
        );
        assert_eq!(
            d("{\"a\":1}\n{\"b\":2}\n\n{\"c\":3}"),
            (
                Some(Format::Ndjson),
                vec![
                    r#"1:{"a":1}"#.into(),
                    r#"2:{"b":2}"#.into(),
                    r#"3:{"c":3}"#.into()
                ]
            )
        );
        assert_eq!(
            d(" [ {\"a\":1} , {\"b\":\"]\"} ] "),
            (
                Some(Format::Array),
                vec![r#"1:{"a":1}"#.into(), r#"2:{"b":"]"}"#.into()]
            )
        );
        assert_eq!(
            d("{\n  \"a\": \"x}\"\n}\n"),
            (
                Some(Format::Concatenated),
                vec!["1:{\n  \"a\": \"x}\"\n}".into()]
            )
        );
        assert_eq!(d("   \n "), (Some(Format::Empty), vec![]));
        assert_eq!(d(""), (Some(Format::Empty), vec![]));
    }

    #[test]
    fn records_wrapper_tail_and_concatenation() {
        let (f, items) =
            d("{ \"Records\" : [{\"a\":1}], \"other\": {\"x\": [1]}}\n{\"Records\":[{\"b\":2}]}");
        assert_eq!(f, Some(Format::Records));
        assert_eq!(
            items,
            vec![r#"1:{"a":1}"#.to_string(), r#"2:{"b":2}"#.to_string()]
        );
    }

    #[test]
    fn escaped_quotes_and_brackets_inside_strings() {
        let (_, items) = d(r#"[{"a":"say \"}\" [ and \\"},{"b":1}]"#);
        assert_eq!(
            items,
            vec![
                r#"1:{"a":"say \"}\" [ and \\"}"#.to_string(),
                r#"2:{"b":1}"#.to_string()
            ]
        );
    }

    #[test]
    fn truncated_last_record_is_reported() {
        let (_, items) = d(r#"{"Records":[{"a":1},{"b":"#);
        assert_eq!(
            items,
            vec![r#"1:{"a":1}"#.to_string(), "2!truncated".to_string()]
        );
    }

    #[test]
    fn corrupt_ndjson_line_does_not_swallow_the_rest() {
        let (_, items) = d("{\"a\":1}\n{\"b\": \"broken\n{\"c\":3}\n");
        assert_eq!(
            items,
            vec![
                r#"1:{"a":1}"#.to_string(),
                r#"2:{"b": "broken"#.to_string(),
                r#"3:{"c":3}"#.to_string()
            ]
        );
    }

    #[test]
    fn binary_garbage_is_skipped_line_by_line() {
        let (_, items) = split(
            b"{\"a\":1}\n\x00\x01\x02garbage\n{\"b\":1}",
            Limits::default(),
        );
        assert_eq!(
            items,
            vec![
                r#"1:{"a":1}"#.to_string(),
                "2!garbage".to_string(),
                r#"3:{"b":1}"#.to_string()
            ]
        );
        // A file that does not start like JSON is one problem, not one per line.
        let (_, items) = split(
            b"\x89PNG\r\n\x1a\n\x00\x00\nmore\nlines\n",
            Limits::default(),
        );
        assert_eq!(items, vec!["0!garbage".to_string()]);
    }

    #[test]
    fn limits_skip_without_buffering() {
        let limits = Limits {
            max_record_bytes: 64,
            max_depth: 8,
        };
        let big = format!("[{{\"a\":\"{}\"}},{{\"b\":1}}]", "x".repeat(5 << 20));
        let (_, items) = split(big.as_bytes(), limits);
        assert_eq!(
            items,
            vec!["1!large".to_string(), r#"2:{"b":1}"#.to_string()]
        );

        let deep = format!(
            "[{}{}, {{\"ok\":1}}]",
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        let (_, items) = split(
            deep.as_bytes(),
            Limits {
                max_record_bytes: 1 << 30,
                max_depth: 8,
            },
        );
        assert_eq!(
            items,
            vec!["1!deep".to_string(), r#"2:{"ok":1}"#.to_string()]
        );

        let deep_line = format!(
            "{{\"a\":1}}\n{{\"x\":{}1{}}}\n{{\"b\":2}}\n",
            "[".repeat(50),
            "]".repeat(50)
        );
        let (_, items) = split(deep_line.as_bytes(), limits);
        assert_eq!(
            items,
            vec![
                r#"1:{"a":1}"#.to_string(),
                "2!deep".to_string(),
                r#"3:{"b":2}"#.to_string()
            ]
        );
    }

    #[test]
    fn records_cross_buffer_boundaries() {
        // Records larger than one read chunk, and an escape split across chunks.
        let long = "y".repeat(READ_CHUNK + 17);
        let input = format!("{{\"Records\":[{{\"a\":\"{long}\\\"q\"}},{{\"b\":2}}]}}");
        let (_, items) = d(&input);
        assert_eq!(items.len(), 2);
        assert!(items[0].starts_with("1:{\"a\":\"yyy"));
        assert!(items[0].ends_with("\\\"q\"}"));
        assert_eq!(items[1], r#"2:{"b":2}"#);
    }

    #[test]
    fn scalars_in_arrays_are_framed_as_values() {
        let (_, items) = d("[1, \"s\", {\"a\":2}, true]");
        assert_eq!(
            items,
            vec![
                "1:1".to_string(),
                "2:\"s\"".to_string(),
                r#"3:{"a":2}"#.to_string(),
                "4:true".to_string()
            ]
        );
    }
}

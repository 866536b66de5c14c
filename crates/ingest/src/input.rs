//! Inputs: the paths a user names, expanded into files in a stable order, and opened with
//! transparent decompression.

use std::collections::HashSet;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

/// One input: a file or standard input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Input {
    /// Index in the run's input table ([`trailhound_event::Origin::source`]).
    pub id: u32,
    /// Where to read.
    pub location: Location,
    /// Size on disk (compressed size for `.gz`), when known.
    pub size: Option<u64>,
}

/// Where an input's bytes come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Location {
    /// A file.
    File(PathBuf),
    /// Standard input (`-`).
    Stdin,
}

impl Input {
    /// The name used in messages: the path, or `<stdin>`.
    pub fn name(&self) -> String {
        match &self.location {
            Location::File(p) => p.display().to_string(),
            Location::Stdin => "<stdin>".to_owned(),
        }
    }
}

/// A problem with an input as a whole or with one of its records.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputError {
    /// The input's display name (a path, `<stdin>`).
    pub source: String,
    /// The 1-based record number, when the problem is one record.
    pub record: Option<u64>,
    /// What went wrong.
    pub reason: String,
}

impl std::fmt::Display for InputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.record {
            Some(n) => write!(f, "{}:record {n}: {}", self.source, self.reason),
            None => write!(f, "{}: {}", self.source, self.reason),
        }
    }
}

/// Expands user arguments into inputs: files as given, directories walked recursively in
/// byte-wise name order (hidden entries skipped), `-` as standard input. Problems (missing
/// paths, unreadable directories, symlink loops) are returned alongside; the rest still runs.
pub fn expand(args: &[String]) -> (Vec<Input>, Vec<InputError>) {
    let mut inputs = Vec::new();
    let mut errors = Vec::new();
    let mut seen_dirs = HashSet::new();
    for arg in args {
        if arg == "-" {
            let id = inputs.len() as u32;
            inputs.push(Input {
                id,
                location: Location::Stdin,
                size: None,
            });
            continue;
        }
        let first = inputs.len();
        walk(
            Path::new(arg),
            &mut inputs,
            &mut errors,
            &mut seen_dirs,
            true,
        );
        // CloudTrail's S3 layout groups files by account and region, so a plain walk visits
        // one region's whole history before the next. Files named as CloudTrail names them
        // carry their delivery time: visit those in time order, so events arrive nearly in
        // time order and the reorder buffer of stateful rules stays small.
        inputs[first..].sort_by_key(delivery_key);
    }
    for (i, input) in inputs.iter_mut().enumerate() {
        input.id = i as u32;
    }
    (inputs, errors)
}

/// Sort key of an input: the `YYYYMMDDTHHMMZ` delivery time of a CloudTrail-named file
/// (`<account>_CloudTrail_<region>_20230710T1145Z_<random>.json.gz`), then the path; files
/// with other names keep path order, before the CloudTrail ones.
fn delivery_key(input: &Input) -> (String, String) {
    let Location::File(path) = &input.location else {
        return (String::new(), String::new());
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stamp = name
        .split('_')
        .find(|part| {
            part.len() == 14
                && part.as_bytes()[8] == b'T'
                && part.ends_with('Z')
                && part[..8].bytes().all(|b| b.is_ascii_digit())
        })
        .filter(|_| name.contains("_CloudTrail_"))
        .unwrap_or("")
        .to_owned();
    (stamp, path.display().to_string())
}

fn walk(
    path: &Path,
    inputs: &mut Vec<Input>,
    errors: &mut Vec<InputError>,
    seen: &mut HashSet<PathBuf>,
    explicit: bool,
) {
    let err = |reason: String| InputError {
        source: path.display().to_string(),
        record: None,
        reason,
    };
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) => {
            errors.push(err(match e.kind() {
                io::ErrorKind::NotFound if std::fs::symlink_metadata(path).is_ok() => {
                    "broken symbolic link".to_owned()
                }
                io::ErrorKind::NotFound => "no such file or directory".to_owned(),
                _ => e.to_string(),
            }));
            return;
        }
    };
    if meta.is_file() {
        let id = inputs.len() as u32;
        inputs.push(Input {
            id,
            location: Location::File(path.to_path_buf()),
            size: Some(meta.len()),
        });
        return;
    }
    if !meta.is_dir() {
        if explicit {
            errors.push(err("not a regular file or directory".to_owned()));
        }
        return;
    }
    match std::fs::canonicalize(path) {
        Ok(canonical) => {
            if !seen.insert(canonical) {
                errors.push(err(
                    "directory already visited (symbolic link loop); skipped".to_owned(),
                ));
                return;
            }
        }
        Err(e) => {
            errors.push(err(e.to_string()));
            return;
        }
    }
    let entries = match std::fs::read_dir(path) {
        Ok(rd) => rd,
        Err(e) => {
            errors.push(err(format!("cannot list directory: {e}")));
            return;
        }
    };
    let mut children: Vec<PathBuf> = Vec::new();
    for entry in entries {
        match entry {
            Ok(e) => {
                if e.file_name().to_string_lossy().starts_with('.') {
                    continue;
                }
                children.push(e.path());
            }
            Err(e) => errors.push(err(format!("cannot list directory: {e}"))),
        }
    }
    children.sort();
    for child in children {
        walk(&child, inputs, errors, seen, false);
    }
}

/// Whether a stream was compressed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Compression {
    /// Plain bytes.
    None,
    /// gzip (one or more members).
    Gzip,
}

/// Opens an input for reading, decompressing gzip when the content starts with its magic bytes
/// (`1f 8b`), whatever the file is called.
pub fn open(input: &Input) -> io::Result<(Box<dyn Read + Send>, Compression)> {
    let raw: Box<dyn Read + Send> = match &input.location {
        Location::File(p) => Box::new(File::open(p)?),
        Location::Stdin => Box::new(io::stdin()),
    };
    decompress(raw)
}

/// Wraps `raw` in a gzip decoder when it starts with the gzip magic bytes.
pub fn decompress(raw: Box<dyn Read + Send>) -> io::Result<(Box<dyn Read + Send>, Compression)> {
    let mut buffered = BufReader::with_capacity(256 << 10, raw);
    let head = buffered.fill_buf()?;
    if head.len() >= 2 && head[0] == 0x1f && head[1] == 0x8b {
        Ok((
            Box::new(flate2::bufread::MultiGzDecoder::new(buffered)),
            Compression::Gzip,
        ))
    } else {
        Ok((Box::new(buffered), Compression::None))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn expands_directories_in_stable_order_and_reports_problems() {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path();
        std::fs::create_dir_all(root.join("b/sub")).expect("mkdir");
        std::fs::create_dir_all(root.join("a")).expect("mkdir");
        for f in [
            "b/sub/2.json",
            "b/1.json",
            "a/z.json",
            ".hidden.json",
            "b/.DS_Store",
        ] {
            std::fs::write(root.join(f), "{}").expect("write");
        }
        #[cfg(unix)]
        std::os::unix::fs::symlink(root, root.join("b/loop")).expect("symlink");
        let missing = root.join("missing.json").display().to_string();
        let (inputs, errors) = expand(&[root.display().to_string(), missing.clone(), "-".into()]);
        let names: Vec<String> = inputs
            .iter()
            .map(|i| match &i.location {
                Location::File(p) => p
                    .strip_prefix(root)
                    .expect("under root")
                    .display()
                    .to_string(),
                Location::Stdin => "-".into(),
            })
            .collect();
        assert_eq!(names, ["a/z.json", "b/1.json", "b/sub/2.json", "-"]);
        assert_eq!(
            inputs.iter().map(|i| i.id).collect::<Vec<_>>(),
            [0, 1, 2, 3]
        );
        let reasons: Vec<String> = errors.iter().map(|e| e.reason.clone()).collect();
        assert!(reasons.iter().any(|r| r.contains("loop")), "{reasons:?}");
        assert!(
            errors
                .iter()
                .any(|e| e.source == missing && e.reason == "no such file or directory")
        );
    }

    #[test]
    fn cloudtrail_files_are_visited_in_delivery_order() {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path();
        let files = [
            "AWSLogs/1/CloudTrail/us-east-1/2024/01/02/1_CloudTrail_us-east-1_20240102T0000Z_a.json.gz",
            "AWSLogs/1/CloudTrail/us-west-2/2024/01/01/1_CloudTrail_us-west-2_20240101T0005Z_b.json.gz",
            "AWSLogs/1/CloudTrail/us-east-1/2024/01/01/1_CloudTrail_us-east-1_20240101T0000Z_c.json.gz",
            "notes.json",
        ];
        for f in files {
            let p = root.join(f);
            std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
            std::fs::write(p, "{}").expect("write");
        }
        let (inputs, _) = expand(&[root.display().to_string()]);
        let names: Vec<String> = inputs
            .iter()
            .map(|i| match &i.location {
                Location::File(p) => p.file_name().expect("name").to_string_lossy().into_owned(),
                Location::Stdin => String::new(),
            })
            .collect();
        assert_eq!(
            names,
            [
                "notes.json",
                "1_CloudTrail_us-east-1_20240101T0000Z_c.json.gz",
                "1_CloudTrail_us-west-2_20240101T0005Z_b.json.gz",
                "1_CloudTrail_us-east-1_20240102T0000Z_a.json.gz"
            ]
        );
    }

    #[test]
    fn gzip_is_detected_by_content() {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(b"{\"a\":1}").expect("write");
        let bytes = gz.finish().expect("finish");
        let (mut r, c) = decompress(Box::new(io::Cursor::new(bytes))).expect("open");
        let mut s = String::new();
        r.read_to_string(&mut s).expect("read");
        assert_eq!((c, s.as_str()), (Compression::Gzip, "{\"a\":1}"));
        let (mut r, c) = decompress(Box::new(io::Cursor::new(b"plain".to_vec()))).expect("open");
        let mut s = String::new();
        r.read_to_string(&mut s).expect("read");
        assert_eq!((c, s.as_str()), (Compression::None, "plain"));
    }
}

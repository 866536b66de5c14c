//! Value transformations that are pure string operations: `windash`, Base64, UTF-16 and
//! placeholder expansion.

use std::collections::BTreeMap;

use crate::pattern::{Pattern, PatternPart};

/// Most alternatives one value may expand into (`windash`, `|expand` with several placeholders).
pub const MAX_EXPANSION: usize = 4096;

/// The characters a `windash` position expands into, in pySigma's order: hyphen-minus, slash,
/// en dash, em dash, horizontal bar.
pub const WINDASH_CHARS: [char; 5] = ['-', '/', '\u{2013}', '\u{2014}', '\u{2015}'];

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// `windash`: every `-` or `/` that starts an option (no word character before it, a word
/// character after it: pySigma's `\B[-/]\b`, applied to each literal run separately) is replaced by
/// each of [`WINDASH_CHARS`]. Returns `None` when the result would exceed [`MAX_EXPANSION`].
pub fn windash(p: &Pattern) -> Option<Vec<Pattern>> {
    let mut out = vec![Pattern {
        parts: Vec::new(),
        expand: p.expand,
    }];
    for part in &p.parts {
        let PatternPart::Literal(s) = part else {
            out.iter_mut().for_each(|o| o.push(part.clone()));
            continue;
        };
        let chars: Vec<char> = s.chars().collect();
        let mut run = String::new();
        for (i, &c) in chars.iter().enumerate() {
            let before_ok = i
                .checked_sub(1)
                .and_then(|j| chars.get(j))
                .is_none_or(|&b| !is_word(b));
            let after_ok = chars.get(i + 1).is_some_and(|&a| is_word(a));
            if (c == '-' || c == '/') && before_ok && after_ok {
                if out.len().saturating_mul(WINDASH_CHARS.len()) > MAX_EXPANSION {
                    return None;
                }
                let lit = PatternPart::Literal(std::mem::take(&mut run));
                out = out
                    .into_iter()
                    .flat_map(|o| {
                        let lit = lit.clone();
                        WINDASH_CHARS.iter().map(move |&d| {
                            let mut o = o.clone();
                            o.push(lit.clone());
                            o.push(PatternPart::Literal(d.to_string()));
                            o
                        })
                    })
                    .collect();
            } else {
                run.push(c);
            }
        }
        let lit = PatternPart::Literal(run);
        out.iter_mut().for_each(|o| o.push(lit.clone()));
    }
    Some(out)
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard Base64 (RFC 4648, with `=` padding).
pub fn base64(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk.first().copied().unwrap_or(0),
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                // The index is masked to 6 bits, always < 64.
                out.push(char::from(B64[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// `base64offset`: the parts of the Base64 encoding of `bytes` that do not depend on what
/// surrounds them, for the value starting at byte offset 0, 1 and 2 of a 3-byte group
/// (pySigma's `SigmaBase64OffsetModifier`: encode `i` filler bytes + value, drop the first
/// `[0, 2, 3][i]` characters and the last `[0, 3, 2][(len + i) % 3]`).
/// Returns `None` when a variant would be empty (the value is too short).
pub fn base64offset(bytes: &[u8]) -> Option<[String; 3]> {
    const START: [usize; 3] = [0, 2, 3];
    const END: [usize; 3] = [0, 3, 2];
    let mut out: [String; 3] = Default::default();
    for (i, slot) in out.iter_mut().enumerate() {
        let mut shifted = vec![b' '; i];
        shifted.extend_from_slice(bytes);
        let enc = base64(&shifted);
        let cut_end = END.get((bytes.len() + i) % 3).copied().unwrap_or(0);
        let start = START.get(i).copied().unwrap_or(0);
        let end = enc.len().checked_sub(cut_end)?;
        let part = enc.get(start..end).filter(|s| !s.is_empty())?;
        *slot = part.to_string();
    }
    Some(out)
}

/// The UTF-16 encodings of the `utf16le`/`wide`, `utf16be` and `utf16` modifiers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Utf16 {
    /// Little-endian, no byte-order mark.
    Le,
    /// Big-endian, no byte-order mark.
    Be,
    /// Byte-order mark `FF FE`, then little-endian (as the specification's example shows).
    LeBom,
}

/// Encodes `s` as UTF-16 bytes.
pub fn utf16(s: &str, kind: Utf16) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len() * 2 + 2);
    if kind == Utf16::LeBom {
        out.extend_from_slice(&[0xFF, 0xFE]);
    }
    for unit in s.encode_utf16() {
        match kind {
            Utf16::Be => out.extend_from_slice(&unit.to_be_bytes()),
            Utf16::Le | Utf16::LeBom => out.extend_from_slice(&unit.to_le_bytes()),
        }
    }
    out
}

/// Why placeholder expansion failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExpandError {
    /// The placeholder has no entry in the value map.
    Missing(String),
    /// The cartesian product of values exceeds [`MAX_EXPANSION`].
    TooLarge,
}

/// Replaces every placeholder of `p` by each of its values (values are Sigma strings: their
/// wildcards are live). Several placeholders give the cartesian product, in order.
pub fn expand(
    p: &Pattern,
    values: &BTreeMap<String, Vec<String>>,
) -> Result<Vec<Pattern>, ExpandError> {
    let mut out = vec![Pattern {
        parts: Vec::new(),
        expand: false,
    }];
    for part in &p.parts {
        match part {
            PatternPart::Placeholder(name) => {
                let vals = values
                    .get(name)
                    .ok_or_else(|| ExpandError::Missing(name.clone()))?;
                if out.len().saturating_mul(vals.len()) > MAX_EXPANSION {
                    return Err(ExpandError::TooLarge);
                }
                let parsed: Vec<Pattern> = vals.iter().map(|v| Pattern::parse(v, false)).collect();
                out = out
                    .iter()
                    .flat_map(|o| {
                        parsed.iter().map(move |v| {
                            let mut o = o.clone();
                            o.extend(v);
                            o
                        })
                    })
                    .collect();
            }
            other => out.iter_mut().for_each(|o| o.push(other.clone())),
        }
    }
    Ok(out)
}

/// Replaces `%name%` (not preceded by `\`) in regular-expression text by each value, verbatim.
pub fn expand_regex(
    re: &str,
    values: &BTreeMap<String, Vec<String>>,
) -> Result<Vec<String>, ExpandError> {
    let mut out = vec![String::new()];
    let mut rest = re;
    while let Some(open) = find_unescaped_percent(rest) {
        // `open` and `close` are positions of ASCII `%`: all slices below are on boundaries.
        let after = &rest[open + 1..];
        let Some(close) = after.find('%').filter(|&c| c > 0) else {
            break;
        };
        let name = &after[..close];
        let vals = values
            .get(name)
            .ok_or_else(|| ExpandError::Missing(name.to_string()))?;
        if out.len().saturating_mul(vals.len()) > MAX_EXPANSION {
            return Err(ExpandError::TooLarge);
        }
        let prefix = &rest[..open];
        out = out
            .iter()
            .flat_map(|o| vals.iter().map(move |v| format!("{o}{prefix}{v}")))
            .collect();
        rest = &after[close + 1..];
    }
    out.iter_mut().for_each(|o| o.push_str(rest));
    Ok(out)
}

/// Byte position of the first `%` not preceded by `\` (`i` comes from `char_indices`).
fn find_unescaped_percent(s: &str) -> Option<usize> {
    s.char_indices()
        .find(|&(i, c)| c == '%' && !s[..i].ends_with('\\'))
        .map(|(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(ps: &[Pattern]) -> Vec<String> {
        ps.iter().map(|p| p.to_string()).collect()
    }

    #[test]
    fn windash_expands_option_dashes_only() {
        let cases: &[(&str, &[&str])] = &[
            (
                " -foo",
                &[
                    " -foo",
                    " /foo",
                    " \u{2013}foo",
                    " \u{2014}foo",
                    " \u{2015}foo",
                ],
            ),
            ("-a", &["-a", "/a", "\u{2013}a", "\u{2014}a", "\u{2015}a"]),
            ("/a", &["-a", "/a", "\u{2013}a", "\u{2014}a", "\u{2015}a"]),
            ("param-name", &["param-name"]),
            ("x - y", &["x - y"]),
            ("a \u{2013}b", &["a \u{2013}b"]),
            (
                "*-x",
                &["*-x", "*/x", "*\u{2013}x", "*\u{2014}x", "*\u{2015}x"],
            ),
        ];
        for (input, expected) in cases {
            let out = windash(&Pattern::parse(input, false)).unwrap_or_default();
            assert_eq!(texts(&out), *expected, "{input:?}");
        }
        let two = windash(&Pattern::parse(" -a -b", false)).unwrap_or_default();
        assert_eq!(two.len(), 25);
        assert_eq!(two.first().map(|p| p.to_string()), Some(" -a -b".into()));
        assert!(windash(&Pattern::parse(&" -a".repeat(6), false)).is_none());
    }

    #[test]
    fn base64_matches_rfc4648_vectors() {
        let cases = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foobar", "Zm9vYmFy"),
        ];
        for (input, expected) in cases {
            assert_eq!(base64(input.as_bytes()), expected);
        }
    }

    #[test]
    fn base64offset_matches_pysigma() {
        // Expected values computed with pySigma's algorithm (Python `b64encode` and slicing).
        let cases: &[(&str, [&str; 3])] = &[
            ("foobar", ["Zm9vYmFy", "Zvb2Jhc", "mb29iYX"]),
            ("/c echo", ["L2MgZWNob", "9jIGVjaG", "vYyBlY2hv"]),
            ("abc", ["YWJj", "FiY", "hYm"]),
        ];
        for (input, expected) in cases {
            let got = base64offset(input.as_bytes()).map(|a| a.to_vec());
            assert_eq!(
                got,
                Some(expected.iter().map(|s| s.to_string()).collect()),
                "{input}"
            );
        }
        assert_eq!(base64offset(b"a"), None);
    }

    #[test]
    fn utf16_encodings() {
        assert_eq!(utf16("cmd", Utf16::Le), [0x63, 0, 0x6d, 0, 0x64, 0]);
        assert_eq!(utf16("cmd", Utf16::Be), [0, 0x63, 0, 0x6d, 0, 0x64]);
        assert_eq!(
            utf16("cmd", Utf16::LeBom),
            [0xFF, 0xFE, 0x63, 0, 0x6d, 0, 0x64, 0]
        );
        assert_eq!(utf16("é", Utf16::Le), [0xE9, 0]);
        assert_eq!(base64(&utf16("cmd", Utf16::Le)), "YwBtAGQA");
    }

    #[test]
    fn placeholder_expansion() {
        let mut vals = BTreeMap::new();
        vals.insert("a".to_string(), vec!["x".to_string(), "y*".to_string()]);
        vals.insert("b".to_string(), vec!["1".to_string()]);
        let got = expand(&Pattern::parse("%a%-%b%", true), &vals).map(|v| texts(&v));
        assert_eq!(got, Ok(vec!["x-1".to_string(), "y*-1".to_string()]));
        assert_eq!(
            expand(&Pattern::parse("%zz%", true), &vals),
            Err(ExpandError::Missing("zz".into()))
        );
        assert_eq!(
            expand_regex(r"^%a%\.%b%$", &vals),
            Ok(vec![r"^x\.1$".to_string(), r"^y*\.1$".to_string()])
        );
        assert_eq!(
            expand_regex(r"100\%", &vals),
            Ok(vec![r"100\%".to_string()])
        );
    }
}

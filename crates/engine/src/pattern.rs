//! Text matchers shared by every language: wildcard patterns, case folding, CIDR blocks.

use std::borrow::Cow;
use std::net::IpAddr;

/// Lowercases for case-insensitive comparison (Unicode simple lowercase, as Elasticsearch's
/// `case_insensitive` and Sigma's default matching do). Borrows when nothing changes.
pub fn fold(s: &str) -> Cow<'_, str> {
    if s.bytes().all(|b| b.is_ascii() && !b.is_ascii_uppercase()) {
        return Cow::Borrowed(s);
    }
    if s.is_ascii() {
        return Cow::Owned(s.to_ascii_lowercase());
    }
    Cow::Owned(s.to_lowercase())
}

/// One piece of a wildcard pattern.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum GlobPart {
    /// Literal text.
    Lit(Box<str>),
    /// `?`: exactly one character.
    One,
    /// `*`: any run of characters, including none.
    Any,
}

/// A wildcard pattern (`*` any run, `?` one character) over the whole value. Each language
/// builds one from its own escape rules; matching is the same for all.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Glob {
    parts: Vec<GlobPart>,
    case_insensitive: bool,
}

impl Glob {
    /// A pattern from parts. With `case_insensitive`, literals are folded now and values at
    /// match time.
    pub fn new(parts: Vec<GlobPart>, case_insensitive: bool) -> Glob {
        let mut merged: Vec<GlobPart> = Vec::with_capacity(parts.len());
        for part in parts {
            let part = match part {
                GlobPart::Lit(l) if case_insensitive => GlobPart::Lit(fold(&l).into()),
                other => other,
            };
            match (merged.last_mut(), part) {
                (_, GlobPart::Lit(l)) if l.is_empty() => {}
                (Some(GlobPart::Lit(prev)), GlobPart::Lit(l)) => {
                    *prev = format!("{prev}{l}").into()
                }
                (Some(GlobPart::Any), GlobPart::Any) => {}
                (_, p) => merged.push(p),
            }
        }
        Glob {
            parts: merged,
            case_insensitive,
        }
    }

    /// Parses `*`/`?` wildcards with `\` escaping the next character (the common convention of
    /// KQL unquoted values, EQL `:`/`like`, ES|QL `LIKE`, Datadog and Sigma).
    pub fn parse_backslash(pattern: &str, case_insensitive: bool) -> Glob {
        let mut parts = Vec::new();
        let mut lit = String::new();
        let mut chars = pattern.chars();
        while let Some(c) = chars.next() {
            match c {
                '\\' => match chars.next() {
                    Some(next) => lit.push(next),
                    None => lit.push('\\'),
                },
                '*' | '?' => {
                    if !lit.is_empty() {
                        parts.push(GlobPart::Lit(std::mem::take(&mut lit).into()));
                    }
                    parts.push(if c == '*' {
                        GlobPart::Any
                    } else {
                        GlobPart::One
                    });
                }
                other => lit.push(other),
            }
        }
        if !lit.is_empty() {
            parts.push(GlobPart::Lit(lit.into()));
        }
        Glob::new(parts, case_insensitive)
    }

    /// The parts.
    pub fn parts(&self) -> &[GlobPart] {
        &self.parts
    }

    /// True when the pattern has no wildcard: it is plain equality.
    pub fn literal(&self) -> Option<&str> {
        match self.parts.as_slice() {
            [] => Some(""),
            [GlobPart::Lit(l)] => Some(l),
            _ => None,
        }
    }

    /// The literal text every match starts with.
    pub fn literal_prefix(&self) -> &str {
        match self.parts.first() {
            Some(GlobPart::Lit(l)) => l,
            _ => "",
        }
    }

    /// Literal pieces a match must contain (for prefilters).
    pub fn literals(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|p| match p {
            GlobPart::Lit(l) => Some(&**l),
            _ => None,
        })
    }

    /// Whether the pattern folds case.
    pub fn is_case_insensitive(&self) -> bool {
        self.case_insensitive
    }

    /// Whole-value match.
    pub fn matches(&self, value: &str) -> bool {
        if self.case_insensitive {
            glob_match(&self.parts, &fold(value))
        } else {
            glob_match(&self.parts, value)
        }
    }
}

impl std::fmt::Display for Glob {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for p in &self.parts {
            match p {
                GlobPart::Lit(l) => {
                    for c in l.chars() {
                        if matches!(c, '*' | '?' | '\\') {
                            f.write_str("\\")?;
                        }
                        write!(f, "{c}")?;
                    }
                }
                GlobPart::One => f.write_str("?")?,
                GlobPart::Any => f.write_str("*")?,
            }
        }
        Ok(())
    }
}

/// Matches `parts` against the whole of `s`. Iterative with single-star backtracking:
/// O(len(s) * len(pattern)) at worst, no recursion, so hostile patterns cannot blow the stack.
fn glob_match(parts: &[GlobPart], s: &str) -> bool {
    // Fast paths for the common shapes.
    match parts {
        [] => return s.is_empty(),
        [GlobPart::Lit(l)] => return s == &**l,
        [GlobPart::Any] => return true,
        [GlobPart::Lit(l), GlobPart::Any] => return s.starts_with(&**l),
        [GlobPart::Any, GlobPart::Lit(l)] => return s.ends_with(&**l),
        [GlobPart::Any, GlobPart::Lit(l), GlobPart::Any] => return s.contains(&**l),
        _ => {}
    }
    let mut pi = 0; // part index
    let mut si = 0; // byte index into s
    let mut star: Option<(usize, usize)> = None; // (part after star, s position to retry from)
    loop {
        if pi == parts.len() {
            if si == s.len() {
                return true;
            }
        } else {
            match &parts[pi] {
                GlobPart::Any => {
                    star = Some((pi + 1, si));
                    pi += 1;
                    continue;
                }
                GlobPart::One => {
                    if let Some(c) = s[si..].chars().next() {
                        si += c.len_utf8();
                        pi += 1;
                        continue;
                    }
                }
                GlobPart::Lit(l) => {
                    if s[si..].starts_with(&**l) {
                        si += l.len();
                        pi += 1;
                        continue;
                    }
                }
            }
        }
        // Mismatch: let the last star absorb one more character.
        match star {
            Some((after, from)) => match s[from..].chars().next() {
                Some(c) => {
                    let next = from + c.len_utf8();
                    star = Some((after, next));
                    pi = after;
                    si = next;
                }
                None => return false,
            },
            None => return false,
        }
    }
}

/// An IPv4 or IPv6 network in CIDR notation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Cidr {
    addr: IpAddr,
    prefix: u8,
}

impl Cidr {
    /// Parses `10.0.0.0/8`, `2001:db8::/32`, or a bare address (a /32 or /128).
    pub fn parse(s: &str) -> Option<Cidr> {
        let (addr, prefix) = match s.trim().split_once('/') {
            Some((a, p)) => (a.parse::<IpAddr>().ok()?, p.parse::<u8>().ok()?),
            None => {
                let a = s.trim().parse::<IpAddr>().ok()?;
                (a, if a.is_ipv4() { 32 } else { 128 })
            }
        };
        let max = if addr.is_ipv4() { 32 } else { 128 };
        (prefix <= max).then_some(Cidr { addr, prefix })
    }

    /// True when `ip` is inside the network. IPv4-mapped IPv6 addresses match IPv4 networks.
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
            v4 => v4,
        };
        match (self.addr, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = if self.prefix == 0 {
                    0
                } else {
                    u32::MAX << (32 - u32::from(self.prefix))
                };
                (u32::from(net) & mask) == (u32::from(ip) & mask)
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = if self.prefix == 0 {
                    0
                } else {
                    u128::MAX << (128 - u32::from(self.prefix))
                };
                (u128::from(net) & mask) == (u128::from(ip) & mask)
            }
            _ => false,
        }
    }

    /// True when `text` parses as an address inside the network.
    pub fn contains_text(&self, text: &str) -> bool {
        text.trim()
            .parse::<IpAddr>()
            .is_ok_and(|ip| self.contains(ip))
    }
}

impl std::fmt::Display for Cidr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.addr, self.prefix)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glob_table() {
        let cases = [
            ("AddPermission*", "AddPermission20150331v2", true),
            ("AddPermission*", "addpermission2015", false),
            ("*userData=*", "{instanceId=i-1, userData=abc}", true),
            ("*a*b*", "xxaxxbxx", true),
            ("*a*b*", "xxbxxaxx", false),
            ("a?c", "abc", true),
            ("a?c", "ac", false),
            ("a?c", "aéc", true),
            ("*", "", true),
            ("", "", true),
            ("x\\*y", "x*y", true),
            ("x\\*y", "xzy", false),
            ("*principal=\\**", "{principal=*, action=x}", true),
            ("*principal=\\**", "{principal=123, action=x}", false),
            ("a*a*a*a*a*a*b", &"a".repeat(200), false),
        ];
        for (pat, value, want) in cases {
            assert_eq!(
                Glob::parse_backslash(pat, false).matches(value),
                want,
                "{pat} ~ {value}"
            );
        }
    }

    #[test]
    fn glob_case_folding() {
        let g = Glob::parse_backslash("AddPermission*", true);
        assert!(g.matches("addpermission2015"));
        assert!(g.matches("ADDPERMISSION"));
        assert!(Glob::parse_backslash("É*", true).matches("école"));
    }

    #[test]
    fn glob_round_trips_through_display() {
        for pat in ["a*b?c", "x\\*y\\?z\\\\", "*"] {
            let g = Glob::parse_backslash(pat, false);
            assert_eq!(Glob::parse_backslash(&g.to_string(), false), g);
        }
    }

    #[test]
    fn cidr_table() {
        let cases = [
            ("10.0.0.0/8", "10.1.2.3", true),
            ("10.0.0.0/8", "11.0.0.1", false),
            ("0.0.0.0/0", "8.8.8.8", true),
            ("192.168.1.7", "192.168.1.7", true),
            ("2001:db8::/32", "2001:db8::1", true),
            ("2001:db8::/32", "2001:db9::1", false),
            ("10.0.0.0/8", "::ffff:10.0.0.1", true),
            ("10.0.0.0/8", "not-an-ip", false),
        ];
        for (net, ip, want) in cases {
            assert_eq!(
                Cidr::parse(net).expect("valid").contains_text(ip),
                want,
                "{net} {ip}"
            );
        }
        assert!(Cidr::parse("10.0.0.0/33").is_none());
        assert!(Cidr::parse("nope").is_none());
    }

    proptest::proptest! {
        #[test]
        fn glob_agrees_with_regex(pat in "[ab*?]{0,8}", s in "[ab]{0,10}") {
            let glob = Glob::parse_backslash(&pat, false);
            let re: String = pat.chars().map(|c| match c { '*' => ".*".to_string(), '?' => ".".to_string(), c => c.to_string() }).collect();
            let re = regex::Regex::new(&format!("^(?s:{re})$")).expect("valid regex");
            proptest::prop_assert_eq!(glob.matches(&s), re.is_match(&s));
        }
    }
}

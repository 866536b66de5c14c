//! Normalised value matchers: what one detection item compares a field (or the whole event, for
//! keywords) against, after every modifier has been applied. A later compile step turns these
//! into executable predicates; the crate documentation's `# Semantics` section says how each
//! must behave.

use std::fmt;
use std::net::IpAddr;

use trailhound_syntax::Span;

use crate::modifier::TimePart;
use crate::number::Number;
use crate::pattern::Pattern;

/// A value with the span it came from.
#[derive(Clone, Debug, PartialEq)]
pub struct Spanned<T> {
    /// The value.
    pub value: T,
    /// Where it was written.
    pub span: Span,
}

impl<T> Spanned<T> {
    /// Wraps `value`.
    pub fn new(value: T, span: Span) -> Spanned<T> {
        Spanned { value, span }
    }
}

/// The alternatives one written value turned into: one for most values, several after
/// `windash`, `base64offset` or `|expand` with a multi-valued placeholder. Alternatives are
/// always OR-linked, even under `all` (pySigma's `SigmaExpansion`).
#[derive(Clone, Debug, PartialEq)]
pub struct Group<T> {
    /// The alternatives (at least one).
    pub alternatives: Vec<T>,
    /// The written value.
    pub span: Span,
}

/// One string-like alternative, classified by the shape of its wildcards.
#[derive(Clone, Debug, PartialEq)]
pub enum StrValue {
    /// The whole value equals the text.
    Exact(String),
    /// The value contains the text (`*text*`).
    Contains(String),
    /// The value starts with the text (`text*`).
    Prefix(String),
    /// The value ends with the text (`*text`).
    Suffix(String),
    /// Any other wildcard shape (`a*b`, `?x`, `*`).
    Glob(Pattern),
    /// A YAML number written without quotes: numeric equality with JSON numbers, otherwise the
    /// number's canonical text compared as a string.
    Number(Number),
    /// A YAML boolean written without quotes: equality with JSON booleans, otherwise `true` /
    /// `false` compared as a string.
    Bool(bool),
}

impl StrValue {
    /// Classifies a pattern: literal → `Exact`, `*x*` → `Contains`, `x*` → `Prefix`, `*x` →
    /// `Suffix`, anything else → `Glob`.
    pub fn classify(p: Pattern) -> StrValue {
        use crate::pattern::PatternPart::{AnyChars, Literal};
        if let Some(s) = p.as_literal() {
            return StrValue::Exact(s);
        }
        match p.parts.as_slice() {
            [AnyChars, Literal(s), AnyChars] => StrValue::Contains(s.clone()),
            [Literal(s), AnyChars] => StrValue::Prefix(s.clone()),
            [AnyChars, Literal(s)] => StrValue::Suffix(s.clone()),
            _ => StrValue::Glob(p),
        }
    }
}

/// String matching (the default, and `contains`/`startswith`/`endswith`/`windash`/encodings).
#[derive(Clone, Debug, PartialEq)]
pub struct StrMatch {
    /// `|cased`: compare case-sensitively.
    pub cased: bool,
    /// `|all`: every group must match; otherwise any.
    pub all: bool,
    /// One group per written value.
    pub groups: Vec<Group<StrValue>>,
}

/// Regular-expression flags from the `i`, `m`, `s` sub-modifiers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RegexFlags {
    /// `i`: case-insensitive.
    pub ignore_case: bool,
    /// `m`: `^` and `$` also match at line boundaries.
    pub multi_line: bool,
    /// `s`: `.` also matches `\n`.
    pub dot_all: bool,
}

/// `|re`: regular expressions, searched (unanchored) in the value.
#[derive(Clone, Debug, PartialEq)]
pub struct RegexMatch {
    /// Flags applying to every expression.
    pub flags: RegexFlags,
    /// `|all`.
    pub all: bool,
    /// One group per written value (several alternatives after `|expand`).
    pub groups: Vec<Group<String>>,
}

/// An IPv4 or IPv6 network.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IpNet {
    /// The network address (host bits are zero).
    pub addr: IpAddr,
    /// Prefix length: up to 32 for IPv4, 128 for IPv6.
    pub prefix: u8,
}

impl IpNet {
    /// Parses `a.b.c.d/n`, `v6::/n` or a bare address (a /32 or /128 network). Host bits must
    /// be zero, as Python's `ip_network` (used by pySigma) requires.
    pub fn parse(s: &str) -> Result<IpNet, String> {
        let (addr, prefix) = match s.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (s, None),
        };
        let addr: IpAddr = addr
            .trim()
            .parse()
            .map_err(|_| format!("`{addr}` is not an IP address"))?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => max,
            Some(p) => p
                .trim()
                .parse::<u8>()
                .ok()
                .filter(|&p| p <= max)
                .ok_or_else(|| format!("`{p}` is not a prefix length (0-{max})"))?,
        };
        let net = IpNet { addr, prefix };
        if net.network() != addr {
            return Err(format!(
                "`{s}` has host bits set; the network is {}/{prefix}",
                net.network()
            ));
        }
        Ok(net)
    }

    /// The address with host bits cleared.
    pub fn network(&self) -> IpAddr {
        match self.addr {
            IpAddr::V4(a) => {
                let mask = u32::MAX
                    .checked_shl(32u32.saturating_sub(u32::from(self.prefix)))
                    .unwrap_or(0);
                IpAddr::V4((u32::from(a) & mask).into())
            }
            IpAddr::V6(a) => {
                let mask = u128::MAX
                    .checked_shl(128u32.saturating_sub(u32::from(self.prefix)))
                    .unwrap_or(0);
                IpAddr::V6((u128::from(a) & mask).into())
            }
        }
    }

    /// Whether `ip` is inside the network (an IPv4 address never matches an IPv6 network).
    pub fn contains(&self, ip: IpAddr) -> bool {
        ip.is_ipv4() == self.addr.is_ipv4()
            && IpNet {
                addr: ip,
                prefix: self.prefix,
            }
            .network()
                == self.addr
    }
}

impl fmt::Display for IpNet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.addr, self.prefix)
    }
}

/// `|cidr`: the value is an IP address inside one (or, with `all`, every) network.
#[derive(Clone, Debug, PartialEq)]
pub struct CidrMatch {
    /// `|all`.
    pub all: bool,
    /// The networks.
    pub networks: Vec<Spanned<IpNet>>,
}

/// A numeric comparison operator of the `lt`/`lte`/`gt`/`gte` modifiers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CmpOp {
    /// `<`
    Lt,
    /// `<=`
    Lte,
    /// `>`
    Gt,
    /// `>=`
    Gte,
}

/// `|lt`, `|lte`, `|gt`, `|gte`: the field's numeric value compared with each value.
#[derive(Clone, Debug, PartialEq)]
pub struct NumCmp {
    /// The operator (field `op` value).
    pub op: CmpOp,
    /// `|all`.
    pub all: bool,
    /// The thresholds.
    pub values: Vec<Spanned<Number>>,
}

/// `|minute` … `|year`: a part of the field's timestamp, compared for equality or with `op`.
#[derive(Clone, Debug, PartialEq)]
pub struct TimeMatch {
    /// Which part of the timestamp.
    pub part: TimePart,
    /// `None` for equality, or a following `lt`/`lte`/`gt`/`gte`.
    pub op: Option<CmpOp>,
    /// `|all`.
    pub all: bool,
    /// The values (within [`TimePart::range`]).
    pub values: Vec<Spanned<i64>>,
}

/// How a `|fieldref` compares the two fields' values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RefKind {
    /// Equal values.
    Equals,
    /// The field contains the referenced value (`|fieldref|contains`).
    Contains,
    /// The field starts with it.
    Prefix,
    /// The field ends with it.
    Suffix,
}

/// `|fieldref`: compare with another field of the same event.
#[derive(Clone, Debug, PartialEq)]
pub struct FieldRefMatch {
    /// How the values compare.
    pub kind: RefKind,
    /// `|cased`.
    pub cased: bool,
    /// `|all`.
    pub all: bool,
    /// The referenced fields (dotted paths).
    pub fields: Vec<Spanned<String>>,
}

/// What a detection item tests.
#[derive(Clone, Debug, PartialEq)]
pub enum Matcher {
    /// String-like comparison.
    Str(StrMatch),
    /// Regular expressions.
    Regex(RegexMatch),
    /// IP networks.
    Cidr(CidrMatch),
    /// Numeric comparison.
    NumCmp(NumCmp),
    /// Timestamp part.
    Time(TimeMatch),
    /// `|exists`: the field is present (`true`) or absent (`false`).
    Exists(bool),
    /// Another field's value.
    FieldRef(FieldRefMatch),
    /// `field: null`: the field is missing or JSON `null`.
    Null,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classify_shapes() {
        let cases = [
            ("abc", StrValue::Exact("abc".into())),
            ("*abc*", StrValue::Contains("abc".into())),
            ("abc*", StrValue::Prefix("abc".into())),
            ("*abc", StrValue::Suffix("abc".into())),
            ("", StrValue::Exact(String::new())),
            (r"\*", StrValue::Exact("*".into())),
            ("*", StrValue::Glob(Pattern::parse("*", false))),
            ("a*b", StrValue::Glob(Pattern::parse("a*b", false))),
            ("*a?", StrValue::Glob(Pattern::parse("*a?", false))),
        ];
        for (input, expected) in cases {
            assert_eq!(
                StrValue::classify(Pattern::parse(input, false)),
                expected,
                "{input}"
            );
        }
    }

    #[test]
    fn cidr_parsing() {
        let ok = [
            ("10.0.0.0/8", "10.0.0.0/8"),
            ("192.168.1.7", "192.168.1.7/32"),
            ("fd00::/8", "fd00::/8"),
            ("0.0.0.0/0", "0.0.0.0/0"),
        ];
        for (input, shown) in ok {
            assert_eq!(
                IpNet::parse(input).map(|n| n.to_string()),
                Ok(shown.to_string())
            );
        }
        for bad in [
            "10.0.0.1/8",
            "10.0.0.0/33",
            "nope",
            "10.0.0.0/x",
            "fd00::1/8",
        ] {
            assert!(IpNet::parse(bad).is_err(), "{bad}");
        }
        let net = IpNet::parse("10.0.0.0/8").unwrap_or_else(|e| panic!("{e}"));
        assert!(net.contains("10.200.3.4".parse().unwrap_or_else(|_| panic!())));
        assert!(!net.contains("11.0.0.1".parse().unwrap_or_else(|_| panic!())));
        assert!(!net.contains("::a00:1".parse().unwrap_or_else(|_| panic!())));
    }
}

//! ES|QL data types and values: what a column holds, how values compare, print and convert.
//!
//! Types follow the ES|QL reference ("Supported field types", "Implicit casting"); value
//! comparison follows Elasticsearch's block comparators (strings by UTF-8 bytes, IPs by their
//! 16-byte IPv6 form, versions by semantic-version precedence).

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::net::{IpAddr, Ipv6Addr};
use std::sync::Arc;

/// The type of an ES|QL column or expression.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EsqlType {
    /// The type of the `null` literal (and of expressions that are always null).
    Null,
    /// `boolean`.
    Boolean,
    /// `integer` (32-bit).
    Integer,
    /// `long` (64-bit).
    Long,
    /// `unsigned_long` (64-bit unsigned).
    UnsignedLong,
    /// `double`.
    Double,
    /// `keyword` (exact strings).
    Keyword,
    /// `text` (compared as keyword; functions return keyword).
    Text,
    /// `date` (millisecond instant, UTC).
    Date,
    /// `ip` (IPv4 or IPv6).
    Ip,
    /// `version` (semantic-version ordering).
    Version,
    /// `date_period` (calendar span; literals only).
    DatePeriod,
    /// `time_duration` (exact span; literals only).
    TimeDuration,
    /// A field of a type ES|QL cannot read (here: `flattened` objects); always null.
    Unsupported,
}

impl EsqlType {
    /// The column type name as Elasticsearch reports it in a result (`date`, `keyword`, ...).
    pub fn name(self) -> &'static str {
        match self {
            EsqlType::Null => "null",
            EsqlType::Boolean => "boolean",
            EsqlType::Integer => "integer",
            EsqlType::Long => "long",
            EsqlType::UnsignedLong => "unsigned_long",
            EsqlType::Double => "double",
            EsqlType::Keyword => "keyword",
            EsqlType::Text => "text",
            EsqlType::Date => "date",
            EsqlType::Ip => "ip",
            EsqlType::Version => "version",
            EsqlType::DatePeriod => "date_period",
            EsqlType::TimeDuration => "time_duration",
            EsqlType::Unsupported => "unsupported",
        }
    }

    /// The name used in Elasticsearch's type error messages (`datetime` for dates).
    pub fn error_name(self) -> &'static str {
        match self {
            EsqlType::Date => "datetime",
            other => other.name(),
        }
    }

    /// `integer`, `long`, `unsigned_long` or `double`.
    pub fn is_numeric(self) -> bool {
        matches!(
            self,
            EsqlType::Integer | EsqlType::Long | EsqlType::UnsignedLong | EsqlType::Double
        )
    }

    /// `integer`, `long` or `unsigned_long`.
    pub fn is_integral(self) -> bool {
        matches!(
            self,
            EsqlType::Integer | EsqlType::Long | EsqlType::UnsignedLong
        )
    }

    /// `keyword` or `text`.
    pub fn is_string(self) -> bool {
        matches!(self, EsqlType::Keyword | EsqlType::Text)
    }

    /// `date_period` or `time_duration`.
    pub fn is_span(self) -> bool {
        matches!(self, EsqlType::DatePeriod | EsqlType::TimeDuration)
    }

    /// Whether a column may have this type (time spans exist only as literals).
    pub fn is_representable(self) -> bool {
        !self.is_span()
    }

    /// `text` behaves as `keyword` everywhere except in the type of source columns.
    pub fn as_keyword(self) -> EsqlType {
        if self == EsqlType::Text {
            EsqlType::Keyword
        } else {
            self
        }
    }

    /// The type of an `x::name` cast (Elasticsearch's `DataType` names and aliases).
    pub fn from_cast_name(name: &str) -> Option<EsqlType> {
        Some(match name.to_ascii_lowercase().as_str() {
            "bool" | "boolean" => EsqlType::Boolean,
            "int" | "integer" => EsqlType::Integer,
            "long" => EsqlType::Long,
            "unsigned_long" => EsqlType::UnsignedLong,
            "double" => EsqlType::Double,
            "keyword" | "string" => EsqlType::Keyword,
            "text" => EsqlType::Text,
            "date" | "datetime" => EsqlType::Date,
            "ip" => EsqlType::Ip,
            "version" => EsqlType::Version,
            "date_period" => EsqlType::DatePeriod,
            "time_duration" => EsqlType::TimeDuration,
            _ => return None,
        })
    }

    /// The common numeric type of two numeric types (`integer` < `long` < `double`;
    /// `unsigned_long` only combines with itself or `double`).
    pub fn widen(a: EsqlType, b: EsqlType) -> Option<EsqlType> {
        use EsqlType::*;
        Some(match (a, b) {
            (Double, x) | (x, Double) if x.is_numeric() => Double,
            (UnsignedLong, UnsignedLong) => UnsignedLong,
            (UnsignedLong, _) | (_, UnsignedLong) => return None,
            (Long, x) | (x, Long) if x.is_numeric() => Long,
            (Integer, Integer) => Integer,
            _ => return None,
        })
    }
}

impl fmt::Display for EsqlType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A calendar span: months (years and quarters fold into months) and days (weeks fold into days).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct Period {
    /// Whole months.
    pub months: i64,
    /// Whole days.
    pub days: i64,
}

/// One ES|QL value: null, a single value, or a multi-value of two or more non-null values.
#[derive(Clone, Debug)]
pub enum EsqlValue {
    /// No value.
    Null,
    /// `boolean`.
    Bool(bool),
    /// `integer`.
    Int(i32),
    /// `long`.
    Long(i64),
    /// `unsigned_long`.
    UnsignedLong(u64),
    /// `double`.
    Double(f64),
    /// `keyword` / `text`.
    Str(Arc<str>),
    /// `date`: milliseconds since the epoch.
    Date(i64),
    /// `ip` (IPv4-mapped IPv6 addresses are kept as IPv4).
    Ip(IpAddr),
    /// `version`.
    Version(Arc<str>),
    /// `date_period`.
    Period(Period),
    /// `time_duration` in milliseconds.
    Duration(i64),
    /// Two or more values of one type.
    Multi(Arc<[EsqlValue]>),
}

impl EsqlValue {
    /// A string value.
    pub fn str(s: &str) -> EsqlValue {
        EsqlValue::Str(Arc::from(s))
    }

    /// True for null.
    pub fn is_null(&self) -> bool {
        matches!(self, EsqlValue::Null)
    }

    /// True for a multi-value.
    pub fn is_multi(&self) -> bool {
        matches!(self, EsqlValue::Multi(_))
    }

    /// The values: none for null, one for a single value, all of a multi-value.
    pub fn values(&self) -> &[EsqlValue] {
        match self {
            EsqlValue::Null => &[],
            EsqlValue::Multi(v) => v,
            single => std::slice::from_ref(single),
        }
    }

    /// Builds a value from a list: empty is null, one element is that element, more is a
    /// multi-value. Nulls (and nested multi-values) are flattened.
    pub fn from_values(values: Vec<EsqlValue>) -> EsqlValue {
        let mut flat: Vec<EsqlValue> = Vec::with_capacity(values.len());
        for v in values {
            match v {
                EsqlValue::Null => {}
                EsqlValue::Multi(inner) => flat.extend(inner.iter().cloned()),
                single => flat.push(single),
            }
        }
        match flat.len() {
            0 => EsqlValue::Null,
            1 => flat.pop().unwrap_or(EsqlValue::Null),
            _ => EsqlValue::Multi(flat.into()),
        }
    }

    /// The string, when this is a single keyword/text value.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            EsqlValue::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The boolean, when this is a single boolean.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            EsqlValue::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// A single numeric value as `f64`.
    pub fn as_f64(&self) -> Option<f64> {
        match *self {
            EsqlValue::Int(i) => Some(f64::from(i)),
            EsqlValue::Long(i) => Some(i as f64),
            EsqlValue::UnsignedLong(u) => Some(u as f64),
            EsqlValue::Double(d) => Some(d),
            _ => None,
        }
    }

    /// A single integral value (`integer`, `long`, `unsigned_long`, `date` millis) as `i128`.
    pub fn as_i128(&self) -> Option<i128> {
        match *self {
            EsqlValue::Int(i) => Some(i128::from(i)),
            EsqlValue::Long(i) | EsqlValue::Date(i) => Some(i128::from(i)),
            EsqlValue::UnsignedLong(u) => Some(i128::from(u)),
            _ => None,
        }
    }

    /// The value as JSON (dates as ISO 8601 strings, IPs and versions as strings, multi-values
    /// as arrays), as Elasticsearch's JSON response writes it.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match self {
            EsqlValue::Null => J::Null,
            EsqlValue::Bool(b) => J::Bool(*b),
            EsqlValue::Int(i) => J::from(*i),
            EsqlValue::Long(i) => J::from(*i),
            EsqlValue::UnsignedLong(u) => J::from(*u),
            EsqlValue::Double(d) => serde_json::Number::from_f64(*d).map_or(J::Null, J::Number),
            EsqlValue::Multi(v) => J::Array(v.iter().map(EsqlValue::to_json).collect()),
            other => J::String(other.to_string()),
        }
    }

    /// Total order used for sorting, grouping and `MIN`/`MAX` between values of one type:
    /// numbers numerically (across numeric types), strings by UTF-8 bytes, IPs by their
    /// IPv6 bytes, versions by precedence, `false < true`. Values of unrelated types order by
    /// a fixed rank so the order stays total. Multi-values compare element-wise.
    pub fn total_cmp(&self, other: &EsqlValue) -> Ordering {
        use EsqlValue::*;
        match (self, other) {
            (Str(a), Str(b)) => a.as_bytes().cmp(b.as_bytes()),
            (Bool(a), Bool(b)) => a.cmp(b),
            (Date(a), Date(b)) | (Duration(a), Duration(b)) => a.cmp(b),
            (Ip(a), Ip(b)) => ip_bytes(*a).cmp(&ip_bytes(*b)),
            (Version(a), Version(b)) => compare_versions(a, b),
            (Period(a), Period(b)) => (a.months, a.days).cmp(&(b.months, b.days)),
            (Multi(a), Multi(b)) => {
                for (x, y) in a.iter().zip(b.iter()) {
                    let o = x.total_cmp(y);
                    if o != Ordering::Equal {
                        return o;
                    }
                }
                a.len().cmp(&b.len())
            }
            (a, b) => match (a.as_i128(), b.as_i128()) {
                (Some(x), Some(y)) if !matches!(a, Date(_)) && !matches!(b, Date(_)) => x.cmp(&y),
                _ => match (a.as_f64(), b.as_f64()) {
                    (Some(x), Some(y)) => x.total_cmp(&y),
                    _ => a.rank().cmp(&b.rank()),
                },
            },
        }
    }

    fn rank(&self) -> u8 {
        match self {
            EsqlValue::Null => 0,
            EsqlValue::Bool(_) => 1,
            EsqlValue::Int(_)
            | EsqlValue::Long(_)
            | EsqlValue::UnsignedLong(_)
            | EsqlValue::Double(_) => 2,
            EsqlValue::Str(_) => 3,
            EsqlValue::Date(_) => 4,
            EsqlValue::Ip(_) => 5,
            EsqlValue::Version(_) => 6,
            EsqlValue::Period(_) => 7,
            EsqlValue::Duration(_) => 8,
            EsqlValue::Multi(_) => 9,
        }
    }
}

/// The 16-byte form Elasticsearch indexes an IP as (IPv4 as IPv4-mapped IPv6).
pub fn ip_bytes(ip: IpAddr) -> [u8; 16] {
    match ip {
        IpAddr::V4(v4) => v4.to_ipv6_mapped().octets(),
        IpAddr::V6(v6) => v6.octets(),
    }
}

/// Parses an IP address as `TO_IP` does (no leading zeros in IPv4 octets); IPv4-mapped IPv6
/// addresses become IPv4.
pub fn parse_ip(s: &str) -> Option<IpAddr> {
    let ip: IpAddr = s.parse().ok()?;
    Some(normalize_ip(ip))
}

/// IPv4-mapped IPv6 (`::ffff:1.2.3.4`) as IPv4, as Elasticsearch prints it.
pub fn normalize_ip(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6(v6),
        },
        v4 => v4,
    }
}

/// An IP from its 16-byte form.
pub fn ip_from_bytes(bytes: [u8; 16]) -> IpAddr {
    normalize_ip(IpAddr::V6(Ipv6Addr::from(bytes)))
}

impl PartialEq for EsqlValue {
    fn eq(&self, other: &EsqlValue) -> bool {
        use EsqlValue::*;
        match (self, other) {
            (Null, Null) => true,
            (Double(a), Double(b)) => canonical_bits(*a) == canonical_bits(*b),
            (Multi(a), Multi(b)) => {
                a.len() == b.len() && a.iter().zip(b.iter()).all(|(x, y)| x == y)
            }
            (a, b) if a.rank() == b.rank() && a.rank() != 2 => a.total_cmp(b) == Ordering::Equal,
            (Int(_) | Long(_) | UnsignedLong(_), Int(_) | Long(_) | UnsignedLong(_)) => {
                a_i128(self) == a_i128(other)
            }
            _ => false,
        }
    }
}

fn a_i128(v: &EsqlValue) -> Option<i128> {
    v.as_i128()
}

impl Eq for EsqlValue {}

fn canonical_bits(d: f64) -> u64 {
    if d.is_nan() {
        f64::NAN.to_bits()
    } else if d == 0.0 {
        0
    } else {
        d.to_bits()
    }
}

impl Hash for EsqlValue {
    fn hash<H: Hasher>(&self, state: &mut H) {
        use EsqlValue::*;
        match self {
            Null => 0u8.hash(state),
            Bool(b) => (1u8, b).hash(state),
            Int(_) | Long(_) | UnsignedLong(_) => (2u8, self.as_i128()).hash(state),
            Double(d) => (3u8, canonical_bits(*d)).hash(state),
            Str(s) => (4u8, &**s).hash(state),
            Date(d) => (5u8, d).hash(state),
            Ip(ip) => (6u8, ip_bytes(*ip)).hash(state),
            Version(v) => (7u8, &**v).hash(state),
            Period(p) => (8u8, p).hash(state),
            Duration(d) => (9u8, d).hash(state),
            Multi(v) => {
                10u8.hash(state);
                for x in v.iter() {
                    x.hash(state);
                }
            }
        }
    }
}

impl fmt::Display for EsqlValue {
    /// The text form of Elasticsearch's `txt`/CSV output: `null`, Java `Double.toString` for
    /// doubles, ISO 8601 with milliseconds for dates, `[a, b]` for multi-values.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EsqlValue::Null => f.write_str("null"),
            EsqlValue::Bool(b) => write!(f, "{b}"),
            EsqlValue::Int(i) => write!(f, "{i}"),
            EsqlValue::Long(i) => write!(f, "{i}"),
            EsqlValue::UnsignedLong(u) => write!(f, "{u}"),
            EsqlValue::Double(d) => f.write_str(&java_double(*d)),
            EsqlValue::Str(s) | EsqlValue::Version(s) => f.write_str(s),
            EsqlValue::Date(ms) => f.write_str(&crate::javatime::format_iso_millis(*ms)),
            EsqlValue::Ip(ip) => write!(f, "{ip}"),
            EsqlValue::Period(p) => write!(f, "P{}M{}D", p.months, p.days),
            EsqlValue::Duration(ms) => write!(f, "PT{}S", *ms as f64 / 1000.0),
            EsqlValue::Multi(v) => {
                f.write_str("[")?;
                for (i, x) in v.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{x}")?;
                }
                f.write_str("]")
            }
        }
    }
}

/// Java's `Double.toString` (what Elasticsearch prints for doubles, and what `TO_STRING` gives).
pub fn java_double(d: f64) -> String {
    if d.is_nan() {
        return "NaN".into();
    }
    if d.is_infinite() {
        return if d > 0.0 {
            "Infinity".into()
        } else {
            "-Infinity".into()
        };
    }
    let mut out = String::new();
    trailhound_event::javamap::java_double(d, &mut out);
    out
}

/// Semantic-version precedence as Elasticsearch's `version` field sorts: dot-separated numeric
/// parts compare numerically, a pre-release (`-rc1`) sorts before its release, build metadata
/// (`+...`) is ignored; strings that are not versions sort after all versions, by bytes.
pub fn compare_versions(a: &str, b: &str) -> Ordering {
    match (parse_version(a), parse_version(b)) {
        (Some(x), Some(y)) => x.cmp(&y).then_with(|| a.cmp(b)),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => a.as_bytes().cmp(b.as_bytes()),
    }
}

#[derive(PartialEq, Eq, PartialOrd, Ord)]
enum PreId {
    Num(u128),
    Alpha(String),
}

#[derive(PartialEq, Eq)]
struct ParsedVersion {
    main: Vec<u128>,
    pre: Option<Vec<PreId>>,
}

impl PartialOrd for ParsedVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for ParsedVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        let len = self.main.len().max(other.main.len());
        for i in 0..len {
            let x = self.main.get(i).copied().unwrap_or(0);
            let y = other.main.get(i).copied().unwrap_or(0);
            if x != y {
                return x.cmp(&y);
            }
        }
        match (&self.pre, &other.pre) {
            (None, None) => self.main.len().cmp(&other.main.len()),
            (None, Some(_)) => Ordering::Greater,
            (Some(_), None) => Ordering::Less,
            (Some(x), Some(y)) => x.cmp(y),
        }
    }
}

fn parse_version(s: &str) -> Option<ParsedVersion> {
    let s = s.split_once('+').map_or(s, |(v, _)| v);
    let (main, pre) = match s.split_once('-') {
        Some((m, p)) => (m, Some(p)),
        None => (s, None),
    };
    if main.is_empty() {
        return None;
    }
    let mut parts = Vec::new();
    for p in main.split('.') {
        if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        parts.push(p.parse::<u128>().ok()?);
    }
    let pre = match pre {
        Some(p) => {
            let mut ids = Vec::new();
            for id in p.split('.') {
                if id.is_empty() || !id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
                    return None;
                }
                ids.push(match id.parse::<u128>() {
                    Ok(n) if id.bytes().all(|b| b.is_ascii_digit()) => PreId::Num(n),
                    _ => PreId::Alpha(id.to_owned()),
                });
            }
            Some(ids)
        }
        None => None,
    };
    Some(ParsedVersion { main: parts, pre })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_order_by_precedence() {
        let cases = [
            ("1.2.3", "1.10.0", Ordering::Less),
            ("1.0.0-rc1", "1.0.0", Ordering::Less),
            ("1.0.0-alpha", "1.0.0-beta", Ordering::Less),
            ("1.0.0-2", "1.0.0-10", Ordering::Less),
            ("2.0", "abc", Ordering::Less),
            ("abc", "abd", Ordering::Less),
            ("1.0.0+build", "1.0.0", Ordering::Greater),
        ];
        for (a, b, want) in cases {
            assert_eq!(compare_versions(a, b), want, "{a} vs {b}");
        }
    }

    #[test]
    fn values_print_as_elasticsearch_text() {
        let cases = [
            (EsqlValue::Null, "null"),
            (EsqlValue::Double(1.0), "1.0"),
            (EsqlValue::Double(1.0e-4), "1.0E-4"),
            (EsqlValue::Double(12345678.9), "1.23456789E7"),
            (EsqlValue::Date(0), "1970-01-01T00:00:00.000Z"),
            (
                EsqlValue::Ip(
                    "::ffff:1.2.3.4"
                        .parse()
                        .map(normalize_ip)
                        .unwrap_or(IpAddr::V4([0, 0, 0, 0].into())),
                ),
                "1.2.3.4",
            ),
            (
                EsqlValue::from_values(vec![
                    EsqlValue::str("a"),
                    EsqlValue::Null,
                    EsqlValue::str("b"),
                ]),
                "[a, b]",
            ),
        ];
        for (v, want) in cases {
            assert_eq!(v.to_string(), want);
        }
    }

    #[test]
    fn numbers_compare_across_types_and_hash_consistently() {
        use std::collections::HashSet;
        assert_eq!(EsqlValue::Int(3), EsqlValue::Long(3));
        assert_ne!(EsqlValue::Int(3), EsqlValue::Double(3.0));
        assert_eq!(
            EsqlValue::Int(2).total_cmp(&EsqlValue::Double(2.5)),
            Ordering::Less
        );
        let set: HashSet<EsqlValue> = [
            EsqlValue::Int(3),
            EsqlValue::Long(3),
            EsqlValue::Double(-0.0),
            EsqlValue::Double(0.0),
        ]
        .into();
        assert_eq!(set.len(), 2);
        assert_eq!(
            EsqlValue::str("B").total_cmp(&EsqlValue::str("a")),
            Ordering::Less
        );
    }
}

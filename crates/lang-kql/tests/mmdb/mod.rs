//! A minimal MaxMind DB writer, so the tests can enrich events with made-up GeoIP and ASN data
//! (`source.geo.*`, `source.as.*`) without shipping a real database.
//!
//! Format: <https://maxmind.github.io/MaxMind-DB/>. The file is a binary search tree over the
//! address bits (24-bit records here), 16 zero bytes, a data section of typed values, then
//! `\xAB\xCD\xEFMaxMind.com` and a metadata map. Only IPv4 networks are written, in an
//! IPv4 tree (`ip_version` 4).

use std::net::Ipv4Addr;

/// A value of the data section.
pub enum Data {
    /// UTF-8 string (type 2).
    Str(String),
    /// IEEE double (type 3).
    F64(f64),
    /// Unsigned 16-bit integer (type 5).
    U16(u16),
    /// Unsigned 32-bit integer (type 6).
    U32(u32),
    /// Unsigned 64-bit integer (extended type 9).
    U64(u64),
    /// Map with string keys (type 7).
    Map(Vec<(&'static str, Data)>),
    /// Array (extended type 11).
    Array(Vec<Data>),
}

/// `Data::Str` from a `&str`.
pub fn s(text: &str) -> Data {
    Data::Str(text.to_owned())
}

fn control(out: &mut Vec<u8>, kind: u8, size: usize) {
    let (first, extra): (u8, Vec<u8>) = match size {
        0..29 => (size as u8, vec![]),
        29..285 => (29, vec![(size - 29) as u8]),
        285..65821 => (30, ((size - 285) as u16).to_be_bytes().to_vec()),
        _ => (31, ((size - 65821) as u32).to_be_bytes()[1..].to_vec()),
    };
    if kind <= 7 {
        out.push((kind << 5) | first);
    } else {
        out.push(first);
        out.push(kind - 7);
    }
    out.extend(extra);
}

fn uint(out: &mut Vec<u8>, kind: u8, value: u64) {
    let bytes = value.to_be_bytes();
    let skip = bytes.iter().take_while(|b| **b == 0).count();
    let width = match kind {
        5 => 2,
        6 => 4,
        _ => 8,
    };
    let significant = &bytes[skip.max(8 - width)..];
    control(out, kind, significant.len());
    out.extend_from_slice(significant);
}

fn encode(out: &mut Vec<u8>, data: &Data) {
    match data {
        Data::Str(text) => {
            control(out, 2, text.len());
            out.extend_from_slice(text.as_bytes());
        }
        Data::F64(x) => {
            control(out, 3, 8);
            out.extend_from_slice(&x.to_be_bytes());
        }
        Data::U16(v) => uint(out, 5, u64::from(*v)),
        Data::U32(v) => uint(out, 6, u64::from(*v)),
        Data::U64(v) => uint(out, 9, *v),
        Data::Map(pairs) => {
            control(out, 7, pairs.len());
            for (key, value) in pairs {
                encode(out, &s(key));
                encode(out, value);
            }
        }
        Data::Array(items) => {
            control(out, 11, items.len());
            for item in items {
                encode(out, item);
            }
        }
    }
}

#[derive(Clone, Copy)]
enum Record {
    Empty,
    Node(usize),
    Data(usize),
}

/// A database of `database_type` mapping each IPv4 network (`"203.0.113.0/24"`) to a record.
/// Networks must not overlap.
pub fn database(database_type: &str, networks: Vec<(&str, Data)>) -> Vec<u8> {
    let mut nodes: Vec<[Record; 2]> = vec![[Record::Empty; 2]];
    let mut data = Vec::new();
    for (network, record) in networks {
        let (addr, prefix) = network.split_once('/').expect("network in CIDR form");
        let addr = u32::from(addr.parse::<Ipv4Addr>().expect("IPv4 network"));
        let prefix: usize = prefix.parse().expect("prefix length");
        let offset = data.len();
        encode(&mut data, &record);
        let mut node = 0;
        for i in 0..prefix {
            let bit = ((addr >> (31 - i)) & 1) as usize;
            if i + 1 == prefix {
                nodes[node][bit] = Record::Data(offset);
            } else {
                node = match nodes[node][bit] {
                    Record::Node(next) => next,
                    _ => {
                        nodes.push([Record::Empty; 2]);
                        let next = nodes.len() - 1;
                        nodes[node][bit] = Record::Node(next);
                        next
                    }
                };
            }
        }
    }
    let count = nodes.len();
    let mut out = Vec::new();
    for pair in &nodes {
        for record in pair {
            let value = match *record {
                Record::Empty => count,
                Record::Node(n) => n,
                Record::Data(offset) => count + 16 + offset,
            };
            out.extend_from_slice(&(value as u32).to_be_bytes()[1..]);
        }
    }
    out.extend_from_slice(&[0; 16]);
    out.extend_from_slice(&data);
    out.extend_from_slice(b"\xAB\xCD\xEFMaxMind.com");
    let metadata = Data::Map(vec![
        ("binary_format_major_version", Data::U16(2)),
        ("binary_format_minor_version", Data::U16(0)),
        ("build_epoch", Data::U64(1_700_000_000)),
        ("database_type", s(database_type)),
        (
            "description",
            Data::Map(vec![("en", s("trailhound test database"))]),
        ),
        ("ip_version", Data::U16(4)),
        ("languages", Data::Array(vec![s("en")])),
        ("node_count", Data::U32(count as u32)),
        ("record_size", Data::U16(24)),
    ]);
    encode(&mut out, &metadata);
    out
}

/// An ASN record.
pub fn asn(number: u32, organization: &str) -> Data {
    Data::Map(vec![
        ("autonomous_system_number", Data::U32(number)),
        ("autonomous_system_organization", s(organization)),
    ])
}

/// A city record.
pub fn city(city: &str, country_iso: &str, country: &str, lat: f64, lon: f64) -> Data {
    Data::Map(vec![
        (
            "city",
            Data::Map(vec![("names", Data::Map(vec![("en", s(city))]))]),
        ),
        (
            "continent",
            Data::Map(vec![
                ("code", s("EU")),
                ("names", Data::Map(vec![("en", s("Europe"))])),
            ]),
        ),
        (
            "country",
            Data::Map(vec![
                ("iso_code", s(country_iso)),
                ("names", Data::Map(vec![("en", s(country))])),
            ]),
        ),
        (
            "location",
            Data::Map(vec![
                ("latitude", Data::F64(lat)),
                ("longitude", Data::F64(lon)),
            ]),
        ),
    ])
}

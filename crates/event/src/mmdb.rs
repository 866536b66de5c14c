//! A minimal MaxMind DB (`.mmdb`) writer, so tests can build tiny GeoIP and ASN databases
//! instead of shipping MaxMind's. Only what those databases need is written: an IPv4 search
//! tree with 32-bit records, and maps, strings, unsigned integers, doubles and arrays in the
//! data section (MaxMind DB format 2.0, <https://maxmind.github.io/MaxMind-DB/>).

/// A value of the data section.
#[derive(Clone, Debug)]
pub enum Value {
    /// UTF-8 string.
    Str(String),
    /// Unsigned 32-bit integer.
    U32(u32),
    /// IEEE double.
    F64(f64),
    /// Map with string keys, in order.
    Map(Vec<(String, Value)>),
    /// Array.
    Array(Vec<Value>),
}

/// Shorthand for a map.
pub fn map(entries: &[(&str, Value)]) -> Value {
    Value::Map(
        entries
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect(),
    )
}

/// Shorthand for a string.
pub fn s(text: &str) -> Value {
    Value::Str(text.to_owned())
}

fn control(out: &mut Vec<u8>, kind: u8, size: usize) {
    let (low, extra): (u8, Vec<u8>) = match size {
        0..=28 => (size as u8, vec![]),
        29..=284 => (29, vec![(size - 29) as u8]),
        285..=65_820 => {
            let n = size - 285;
            (30, vec![(n >> 8) as u8, n as u8])
        }
        _ => {
            let n = size - 65_821;
            (31, vec![(n >> 16) as u8, (n >> 8) as u8, n as u8])
        }
    };
    if kind <= 7 {
        out.push((kind << 5) | low);
    } else {
        out.push(low);
        out.push(kind - 7);
    }
    out.extend(extra);
}

fn encode(out: &mut Vec<u8>, v: &Value) {
    match v {
        Value::Str(text) => {
            control(out, 2, text.len());
            out.extend_from_slice(text.as_bytes());
        }
        Value::F64(f) => {
            control(out, 3, 8);
            out.extend_from_slice(&f.to_be_bytes());
        }
        Value::U32(n) => {
            let bytes = n.to_be_bytes();
            let skip = bytes.iter().take_while(|b| **b == 0).count();
            control(out, 6, 4 - skip);
            out.extend_from_slice(&bytes[skip..]);
        }
        Value::Map(entries) => {
            control(out, 7, entries.len());
            for (k, v) in entries {
                encode(out, &Value::Str(k.clone()));
                encode(out, v);
            }
        }
        Value::Array(items) => {
            control(out, 11, items.len());
            for item in items {
                encode(out, item);
            }
        }
    }
}

#[derive(Clone, Copy)]
enum Rec {
    Empty,
    Node(u32),
    Data(u32),
}

/// Builds an IPv4 database of `database_type` (e.g. `GeoLite2-City`, `GeoLite2-ASN`) where each
/// `(network, prefix length, record)` maps the network to the record.
pub fn build(database_type: &str, networks: &[(std::net::Ipv4Addr, u8, Value)]) -> Vec<u8> {
    let mut data = Vec::new();
    let mut nodes: Vec<[Rec; 2]> = vec![[Rec::Empty, Rec::Empty]];
    for (addr, prefix, value) in networks {
        let offset = data.len() as u32;
        encode(&mut data, value);
        let bits = u32::from(*addr);
        let prefix = (*prefix).clamp(1, 32);
        let mut node = 0usize;
        for depth in 0..prefix {
            let bit = ((bits >> (31 - depth)) & 1) as usize;
            if depth + 1 == prefix {
                nodes[node][bit] = Rec::Data(offset);
                break;
            }
            node = match nodes[node][bit] {
                Rec::Node(n) => n as usize,
                _ => {
                    nodes.push([Rec::Empty, Rec::Empty]);
                    let n = nodes.len() - 1;
                    nodes[node][bit] = Rec::Node(n as u32);
                    n
                }
            };
        }
    }
    let count = nodes.len() as u32;
    let mut out = Vec::new();
    for n in &nodes {
        for r in n {
            let v = match *r {
                Rec::Empty => count,
                Rec::Node(i) => i,
                Rec::Data(off) => count + 16 + off,
            };
            out.extend_from_slice(&v.to_be_bytes());
        }
    }
    out.extend_from_slice(&[0u8; 16]);
    out.extend_from_slice(&data);
    out.extend_from_slice(b"\xAB\xCD\xEFMaxMind.com");
    let meta = map(&[
        ("node_count", Value::U32(count)),
        ("record_size", Value::U32(32)),
        ("ip_version", Value::U32(4)),
        ("database_type", s(database_type)),
        ("languages", Value::Array(vec![s("en")])),
        ("binary_format_major_version", Value::U32(2)),
        ("binary_format_minor_version", Value::U32(0)),
        ("build_epoch", Value::U32(1_700_000_000)),
        ("description", map(&[("en", s("trailhound test database"))])),
    ]);
    encode(&mut out, &meta);
    out
}

/// Where an address is, for [`city`].
#[derive(Clone, Copy, Debug)]
pub struct Place<'a> {
    /// City name.
    pub city: &'a str,
    /// Two-letter country code.
    pub country_iso: &'a str,
    /// Country name.
    pub country: &'a str,
    /// Two-letter continent code.
    pub continent_code: &'a str,
    /// Continent name.
    pub continent: &'a str,
    /// Subdivision ISO code (without the country).
    pub region_iso: &'a str,
    /// Subdivision name.
    pub region: &'a str,
    /// Latitude.
    pub lat: f64,
    /// Longitude.
    pub lon: f64,
}

/// A city record in GeoLite2-City shape.
pub fn city(p: &Place<'_>) -> Value {
    let names = |n: &str| map(&[("en", s(n))]);
    map(&[
        ("city", map(&[("names", names(p.city))])),
        (
            "continent",
            map(&[("code", s(p.continent_code)), ("names", names(p.continent))]),
        ),
        (
            "country",
            map(&[("iso_code", s(p.country_iso)), ("names", names(p.country))]),
        ),
        (
            "location",
            map(&[
                ("latitude", Value::F64(p.lat)),
                ("longitude", Value::F64(p.lon)),
            ]),
        ),
        (
            "subdivisions",
            Value::Array(vec![map(&[
                ("iso_code", s(p.region_iso)),
                ("names", names(p.region)),
            ])]),
        ),
    ])
}

/// Poulsbo, Washington: a place for tests.
pub const POULSBO: Place<'static> = Place {
    city: "Poulsbo",
    country_iso: "US",
    country: "United States",
    continent_code: "NA",
    continent: "North America",
    region_iso: "WA",
    region: "Washington",
    lat: 47.7,
    lon: -122.6,
};

/// An ASN record in GeoLite2-ASN shape.
pub fn asn(number: u32, organization: &str) -> Value {
    map(&[
        ("autonomous_system_number", Value::U32(number)),
        ("autonomous_system_organization", s(organization)),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Enrichment, Event, View};
    use std::sync::Arc;

    fn enrichment() -> Arc<Enrichment> {
        let mut e = Enrichment::default();
        let city_db = build(
            "GeoLite2-City",
            &[("203.0.113.0".parse().expect("ip"), 24, city(&POULSBO))],
        );
        let asn_db = build(
            "GeoLite2-ASN",
            &[(
                "203.0.113.0".parse().expect("ip"),
                24,
                asn(64_496, "Example Networks"),
            )],
        );
        e.add_bytes(city_db).expect("city db loads");
        e.add_bytes(asn_db).expect("asn db loads");
        Arc::new(e)
    }

    fn values(raw: &str, view: View, name: &str) -> Vec<String> {
        let ev = Event::parse(raw)
            .expect("valid")
            .with_enrichment(Some(enrichment()));
        view.resolve(name)
            .field
            .values(&ev)
            .iter()
            .map(|v| v.to_string())
            .collect()
    }

    #[test]
    fn ecs_and_datadog_geo_fields_from_a_tiny_database() {
        let raw = r#"{"eventName":"X","sourceIPAddress":"203.0.113.9"}"#;
        assert_eq!(values(raw, View::ECS, "source.geo.city_name"), ["Poulsbo"]);
        assert_eq!(
            values(raw, View::ECS, "source.geo.country_iso_code"),
            ["US"]
        );
        assert_eq!(
            values(raw, View::ECS, "source.geo.region_iso_code"),
            ["US-WA"]
        );
        assert_eq!(values(raw, View::ECS, "source.geo.location.lat"), ["47.7"]);
        assert_eq!(values(raw, View::ECS, "source.as.number"), ["64496"]);
        assert_eq!(
            values(raw, View::ECS, "source.as.organization.name"),
            ["Example Networks"]
        );
        assert_eq!(
            values(raw, View::Datadog, "@network.client.geoip.country.name"),
            ["United States"]
        );
        assert_eq!(
            values(raw, View::Datadog, "@network.client.geoip.city.name"),
            ["Poulsbo"]
        );
        // Outside the database's networks, and for non-IP addresses: nothing.
        assert!(
            values(
                r#"{"sourceIPAddress":"198.51.100.1"}"#,
                View::ECS,
                "source.geo.city_name"
            )
            .is_empty()
        );
        assert!(
            values(
                r#"{"sourceIPAddress":"AWS Internal"}"#,
                View::ECS,
                "source.as.number"
            )
            .is_empty()
        );
        let doc = crate::document(
            &Event::parse(raw)
                .expect("valid")
                .with_enrichment(Some(enrichment())),
            View::ECS,
        );
        assert_eq!(
            doc["source"]["geo"]["location"],
            serde_json::json!({"lat": 47.7, "lon": -122.6})
        );
    }
}

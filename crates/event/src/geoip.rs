//! GeoIP and ASN enrichment from MaxMind-format databases the user supplies (`--geoip PATH`).
//!
//! Elastic's pipeline runs the `geoip` processor on `source.ip` (city database → `source.geo.*`)
//! and again with an ASN database (→ `source.as.number`, `source.as.organization.name`);
//! Datadog adds `network.client.geoip.*`. trailhound ships no database: without one these
//! fields are absent, exactly as in a cluster without the processor's database.

use crate::record::Event;
use crate::value::Val;
use maxminddb::{Reader, geoip2};
use std::net::IpAddr;
use std::path::Path;

/// Loaded databases. Either may be missing.
#[derive(Default)]
pub struct Enrichment {
    city: Option<Reader<Vec<u8>>>,
    asn: Option<Reader<Vec<u8>>>,
}

impl std::fmt::Debug for Enrichment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Enrichment")
            .field("city", &self.city.is_some())
            .field("asn", &self.asn.is_some())
            .finish()
    }
}

/// Why a database could not be used.
#[derive(Debug)]
pub struct GeoIpError {
    /// The file.
    pub path: String,
    /// What went wrong.
    pub reason: String,
}

impl std::fmt::Display for GeoIpError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.reason)
    }
}

impl std::error::Error for GeoIpError {}

impl Enrichment {
    /// Loads a database and files it as a city or ASN database by its `database_type` metadata
    /// (a type containing `ASN` is an ASN database).
    pub fn add_file(&mut self, path: &Path) -> Result<(), GeoIpError> {
        let reader = Reader::open_readfile(path).map_err(|e| GeoIpError {
            path: path.display().to_string(),
            reason: e.to_string(),
        })?;
        self.add_reader(reader);
        Ok(())
    }

    /// Adds a database from bytes already in memory.
    pub fn add_bytes(&mut self, bytes: Vec<u8>) -> Result<(), GeoIpError> {
        let reader = Reader::from_source(bytes).map_err(|e| GeoIpError {
            path: "<memory>".into(),
            reason: e.to_string(),
        })?;
        self.add_reader(reader);
        Ok(())
    }

    fn add_reader(&mut self, reader: Reader<Vec<u8>>) {
        if reader
            .metadata
            .database_type
            .to_ascii_uppercase()
            .contains("ASN")
        {
            self.asn = Some(reader);
        } else {
            self.city = Some(reader);
        }
    }

    /// True when no database is loaded.
    pub fn is_empty(&self) -> bool {
        self.city.is_none() && self.asn.is_none()
    }

    /// City-level location of `ip`.
    pub fn location(&self, ip: IpAddr) -> Option<Location> {
        let city: geoip2::City<'_> = self.city.as_ref()?.lookup(ip).ok()??;
        let en = |names: Option<&std::collections::BTreeMap<&str, &str>>| {
            names.and_then(|n| n.get("en")).map(|s| (*s).to_owned())
        };
        let country_iso = city
            .country
            .as_ref()
            .and_then(|c| c.iso_code)
            .map(str::to_owned);
        let subdivision = city.subdivisions.as_ref().and_then(|s| s.first());
        let region_iso = match (&country_iso, subdivision.and_then(|s| s.iso_code)) {
            (Some(c), Some(s)) => Some(format!("{c}-{s}")),
            _ => None,
        };
        Some(Location {
            city_name: en(city.city.as_ref().and_then(|c| c.names.as_ref())),
            continent_name: en(city.continent.as_ref().and_then(|c| c.names.as_ref())),
            continent_code: city
                .continent
                .as_ref()
                .and_then(|c| c.code)
                .map(str::to_owned),
            country_name: en(city.country.as_ref().and_then(|c| c.names.as_ref())),
            country_iso_code: country_iso,
            region_name: en(subdivision.and_then(|s| s.names.as_ref())),
            region_iso_code: region_iso,
            lat: city.location.as_ref().and_then(|l| l.latitude),
            lon: city.location.as_ref().and_then(|l| l.longitude),
        })
    }

    /// Autonomous system of `ip`.
    pub fn asn(&self, ip: IpAddr) -> Option<Asn> {
        let asn: geoip2::Asn<'_> = self.asn.as_ref()?.lookup(ip).ok()??;
        Some(Asn {
            number: asn.autonomous_system_number,
            organization: asn.autonomous_system_organization.map(str::to_owned),
        })
    }
}

/// A city-database answer.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Location {
    /// English city name.
    pub city_name: Option<String>,
    /// English continent name.
    pub continent_name: Option<String>,
    /// Two-letter continent code.
    pub continent_code: Option<String>,
    /// English country name.
    pub country_name: Option<String>,
    /// ISO 3166-1 alpha-2 country code.
    pub country_iso_code: Option<String>,
    /// English name of the first subdivision.
    pub region_name: Option<String>,
    /// `<country>-<subdivision>` ISO code, as Elasticsearch writes it.
    pub region_iso_code: Option<String>,
    /// Latitude.
    pub lat: Option<f64>,
    /// Longitude.
    pub lon: Option<f64>,
}

/// An ASN-database answer.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Asn {
    /// AS number.
    pub number: Option<u32>,
    /// AS organisation.
    pub organization: Option<String>,
}

/// A part of a [`Location`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum GeoPart {
    /// City name.
    CityName,
    /// Continent name.
    ContinentName,
    /// Continent code.
    ContinentCode,
    /// Country name.
    CountryName,
    /// Country ISO code.
    CountryIsoCode,
    /// Region (subdivision) name.
    RegionName,
    /// Region ISO code.
    RegionIsoCode,
    /// Latitude.
    Lat,
    /// Longitude.
    Lon,
}

/// A part of an [`Asn`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AsnPart {
    /// AS number.
    Number,
    /// Organisation name.
    Organization,
}

impl Event<'_> {
    /// The location of `source.ip`, looked up once per event.
    pub fn location(&self) -> Option<&Location> {
        self.cache
            .geo
            .get_or_init(|| {
                let ip: IpAddr = self.source_ip()?.parse().ok()?;
                self.enrichment()?.location(ip)
            })
            .as_ref()
    }

    /// The AS of `source.ip`, looked up once per event.
    pub fn asn(&self) -> Option<&Asn> {
        self.cache
            .asn
            .get_or_init(|| {
                let ip: IpAddr = self.source_ip()?.parse().ok()?;
                self.enrichment()?.asn(ip)
            })
            .as_ref()
    }
}

pub(crate) fn visit_geo<'e>(
    ev: &'e Event<'_>,
    part: GeoPart,
    f: &mut dyn FnMut(Val<'e>) -> bool,
) -> bool {
    let Some(loc) = ev.location() else {
        return false;
    };
    let text = |s: &'e Option<String>| s.as_deref().map(Val::Str);
    let v = match part {
        GeoPart::CityName => text(&loc.city_name),
        GeoPart::ContinentName => text(&loc.continent_name),
        GeoPart::ContinentCode => text(&loc.continent_code),
        GeoPart::CountryName => text(&loc.country_name),
        GeoPart::CountryIsoCode => text(&loc.country_iso_code),
        GeoPart::RegionName => text(&loc.region_name),
        GeoPart::RegionIsoCode => text(&loc.region_iso_code),
        GeoPart::Lat => loc.lat.map(Val::Float),
        GeoPart::Lon => loc.lon.map(Val::Float),
    };
    v.is_some_and(f)
}

pub(crate) fn visit_asn<'e>(
    ev: &'e Event<'_>,
    part: AsnPart,
    f: &mut dyn FnMut(Val<'e>) -> bool,
) -> bool {
    let Some(asn) = ev.asn() else { return false };
    let v = match part {
        AsnPart::Number => asn.number.map(|n| Val::Int(i64::from(n))),
        AsnPart::Organization => asn.organization.as_deref().map(Val::Str),
    };
    v.is_some_and(f)
}

//! The `datadog` view: CloudTrail with the attributes Datadog's log pipeline adds.
//!
//! Datadog does not publish its CloudTrail pipeline; this mapping is inferred from the
//! attributes its out-of-the-box rules query and template (`reference/sigma-datadog.md` §2.4) and
//! from Datadog's standard-attribute naming convention. Every raw CloudTrail attribute stays
//! where it is (`@eventSource`, `@requestParameters.functionName`, ...); these are added:
//!
//! | attribute | from |
//! |---|---|
//! | `evt.name` | `eventName` |
//! | `evt.outcome` | `failure` when `errorCode`/`errorMessage` is set, else `success` |
//! | `network.client.ip` | `sourceIPAddress` |
//! | `network.client.is_private_network_ip` | `true` when that address is private, loopback or link-local |
//! | `network.client.geoip.*` | GeoIP of the address (`country.name`, `country.iso_code`, `continent.name`, `continent.code`, `subdivision.name`, `city.name`, `location.latitude`, `location.longitude`) |
//! | `http.useragent` | `userAgent` |
//! | `http.useragent_details.browser.family`, `.os.family` | built-in classifier ([`crate::useragent`]) |
//! | `http.request_id` | `requestID` |
//! | `error.kind`, `error.message` | `errorCode`, `errorMessage` |
//! | `level` | `Error` when `errorCode` is set, else `Info` |
//! | `status` (reserved) | `error` when `errorCode` is set, else `info` |
//! | `source` (reserved) | `cloudtrail` |
//! | `service` (reserved) | `cloudtrail` |
//! | `usr.name` | `userIdentity.userName`, else the last part of `userIdentity.arn` (the role session name for assumed roles) |
//! | `usr.id` | `userIdentity.principalId` |
//! | `usr.account_id` | `userIdentity.accountId` |
//! | `userIdentity.session_name` | role session name of an assumed-role ARN (e.g. `i-0abc…` for EC2 roles) |
//! | `userIdentity.assumed_role` | role name of an assumed-role ARN |
//!
//! `threat_intel.*` enrichment is Datadog's own data and is absent.

use crate::geoip::GeoPart;
use crate::record::Event;
use crate::value::{Path, Val};
use sonic_rs::JsonValueTrait;
use std::net::IpAddr;

/// A derived Datadog attribute.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DdField {
    /// `evt.name`.
    EvtName,
    /// `evt.outcome`.
    EvtOutcome,
    /// `network.client.ip`.
    ClientIp,
    /// `network.client.is_private_network_ip`.
    ClientIsPrivate,
    /// `network.client.geoip.*`.
    Geo(GeoPart),
    /// `http.useragent`.
    UserAgent,
    /// `http.useragent_details.browser.family`.
    BrowserFamily,
    /// `http.useragent_details.os.family`.
    OsFamily,
    /// `http.request_id`.
    RequestId,
    /// `error.kind`.
    ErrorKind,
    /// `error.message`.
    ErrorMessage,
    /// `level`.
    Level,
    /// `status`.
    Status,
    /// `source`.
    Source,
    /// `service`.
    Service,
    /// `usr.name`.
    UsrName,
    /// `usr.id`.
    UsrId,
    /// `usr.account_id`.
    UsrAccountId,
    /// `userIdentity.session_name`.
    SessionName,
    /// `userIdentity.assumed_role`.
    AssumedRole,
}

/// The derived attributes, by name. Names may be written with or without the leading `@`.
pub static DERIVED: &[(&str, DdField)] = &[
    ("evt.name", DdField::EvtName),
    ("evt.outcome", DdField::EvtOutcome),
    ("network.client.ip", DdField::ClientIp),
    (
        "network.client.is_private_network_ip",
        DdField::ClientIsPrivate,
    ),
    (
        "network.client.geoip.country.name",
        DdField::Geo(GeoPart::CountryName),
    ),
    (
        "network.client.geoip.country.iso_code",
        DdField::Geo(GeoPart::CountryIsoCode),
    ),
    (
        "network.client.geoip.continent.name",
        DdField::Geo(GeoPart::ContinentName),
    ),
    (
        "network.client.geoip.continent.code",
        DdField::Geo(GeoPart::ContinentCode),
    ),
    (
        "network.client.geoip.subdivision.name",
        DdField::Geo(GeoPart::RegionName),
    ),
    (
        "network.client.geoip.city.name",
        DdField::Geo(GeoPart::CityName),
    ),
    (
        "network.client.geoip.location.latitude",
        DdField::Geo(GeoPart::Lat),
    ),
    (
        "network.client.geoip.location.longitude",
        DdField::Geo(GeoPart::Lon),
    ),
    ("http.useragent", DdField::UserAgent),
    (
        "http.useragent_details.browser.family",
        DdField::BrowserFamily,
    ),
    ("http.useragent_details.os.family", DdField::OsFamily),
    ("http.request_id", DdField::RequestId),
    ("error.kind", DdField::ErrorKind),
    ("error.message", DdField::ErrorMessage),
    ("level", DdField::Level),
    ("status", DdField::Status),
    ("source", DdField::Source),
    ("service", DdField::Service),
    ("usr.name", DdField::UsrName),
    ("usr.id", DdField::UsrId),
    ("usr.account_id", DdField::UsrAccountId),
    ("userIdentity.session_name", DdField::SessionName),
    ("userIdentity.assumed_role", DdField::AssumedRole),
];

/// What a Datadog attribute name resolves to: a derived attribute, or a raw path.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum DdRef {
    /// A derived attribute.
    Derived(DdField),
    /// A raw CloudTrail attribute.
    Raw(Path),
}

/// Resolves a Datadog attribute name (`@evt.name` or `evt.name`).
pub fn lookup(name: &str) -> DdRef {
    let name = name.strip_prefix('@').unwrap_or(name);
    match DERIVED.iter().find(|(n, _)| *n == name) {
        Some((_, field)) => DdRef::Derived(*field),
        None => DdRef::Raw(Path::parse(name)),
    }
}

fn has_error(ev: &Event<'_>) -> bool {
    ev.doc()
        .get("errorCode")
        .is_some_and(|v| !crate::javamap::is_dropped(v))
}

fn assumed_role_parts<'e>(ev: &'e Event<'_>) -> Option<(&'e str, &'e str)> {
    let arn = ev.raw_str(&["userIdentity", "arn"])?;
    let rest = arn.split_once(":assumed-role/")?.1;
    rest.split_once('/')
}

/// True for addresses Datadog treats as private: RFC 1918, loopback, link-local, unique local.
pub fn is_private(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            v4.is_private()
                || v4.is_loopback()
                || v4.is_link_local()
                || v4.octets()[0] == 100 && (64..128).contains(&v4.octets()[1])
        }
        IpAddr::V6(v6) => {
            v6.is_loopback()
                || (v6.segments()[0] & 0xfe00) == 0xfc00
                || (v6.segments()[0] & 0xffc0) == 0xfe80
        }
    }
}

/// Visits the values of a derived attribute.
pub(crate) fn visit<'e>(
    ev: &'e Event<'_>,
    field: DdField,
    f: &mut dyn FnMut(Val<'e>) -> bool,
) -> bool {
    let mut text = |s: Option<&'e str>| s.filter(|s| !s.is_empty()).is_some_and(|s| f(Val::Str(s)));
    match field {
        DdField::EvtName => text(ev.raw_str(&["eventName"])),
        DdField::EvtOutcome => {
            let failed =
                has_error(ev) || ev.raw_str(&["errorMessage"]).is_some_and(|m| !m.is_empty());
            text(Some(if failed { "failure" } else { "success" }))
        }
        DdField::ClientIp => text(ev.raw_str(&["sourceIPAddress"])),
        DdField::ClientIsPrivate => match ev
            .raw_str(&["sourceIPAddress"])
            .and_then(|s| s.parse::<IpAddr>().ok())
        {
            Some(ip) => f(Val::Bool(is_private(ip))),
            None => false,
        },
        DdField::Geo(part) => crate::geoip::visit_geo(ev, part, f),
        DdField::UserAgent => text(ev.raw_str(&["userAgent"])),
        DdField::BrowserFamily => text(
            ev.raw_str(&["userAgent"])
                .and_then(|ua| crate::useragent::part(ua, crate::useragent::UaPart::Name)),
        ),
        DdField::OsFamily => text(
            ev.raw_str(&["userAgent"])
                .and_then(|ua| crate::useragent::part(ua, crate::useragent::UaPart::OsName)),
        ),
        DdField::RequestId => text(ev.raw_str(&["requestID"])),
        DdField::ErrorKind => text(ev.raw_str(&["errorCode"])),
        DdField::ErrorMessage => text(ev.raw_str(&["errorMessage"])),
        DdField::Level => text(Some(if has_error(ev) { "Error" } else { "Info" })),
        DdField::Status => text(Some(if has_error(ev) { "error" } else { "info" })),
        DdField::Source | DdField::Service => text(Some("cloudtrail")),
        DdField::UsrName => text(
            ev.raw_str(&["userIdentity", "userName"])
                .filter(|s| !s.is_empty())
                .or_else(|| {
                    let arn = ev.raw_str(&["userIdentity", "arn"])?;
                    arn.rsplit(['/', ':']).next()
                }),
        ),
        DdField::UsrId => text(ev.raw_str(&["userIdentity", "principalId"])),
        DdField::UsrAccountId => text(ev.raw_str(&["userIdentity", "accountId"])),
        DdField::SessionName => text(assumed_role_parts(ev).map(|(_, session)| session)),
        DdField::AssumedRole => text(assumed_role_parts(ev).map(|(role, _)| role)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get(raw: &str, name: &str) -> Vec<String> {
        let ev = Event::parse(raw).expect("valid");
        let mut out = Vec::new();
        match lookup(name) {
            DdRef::Derived(field) => {
                visit(&ev, field, &mut |v| {
                    out.push(v.to_string());
                    false
                });
            }
            DdRef::Raw(path) => {
                path.visit(ev.doc(), &mut |v| {
                    out.push(Val::of(v).to_string());
                    false
                });
            }
        }
        out
    }

    const EV: &str = r#"{"eventName":"AddPermission20150331v2","sourceIPAddress":"10.1.2.3","userAgent":"aws-cli/2.1 x","userIdentity":{"type":"AssumedRole","arn":"arn:aws:sts::1:assumed-role/OrcaRole/i-0abc","accountId":"1","principalId":"AROA:i-0abc"},"errorCode":"AccessDenied","requestParameters":{"functionName":"f"}}"#;

    #[test]
    fn derived_attributes() {
        assert_eq!(get(EV, "@evt.name"), ["AddPermission20150331v2"]);
        assert_eq!(get(EV, "@network.client.ip"), ["10.1.2.3"]);
        assert_eq!(get(EV, "@network.client.is_private_network_ip"), ["true"]);
        assert_eq!(get(EV, "@http.useragent"), ["aws-cli/2.1 x"]);
        assert_eq!(get(EV, "@error.kind"), ["AccessDenied"]);
        assert_eq!(get(EV, "@level"), ["Error"]);
        assert_eq!(get(EV, "status"), ["error"]);
        assert_eq!(get(EV, "source"), ["cloudtrail"]);
        assert_eq!(get(EV, "@userIdentity.session_name"), ["i-0abc"]);
        assert_eq!(get(EV, "@userIdentity.assumed_role"), ["OrcaRole"]);
        assert_eq!(get(EV, "@usr.name"), ["i-0abc"]);
        assert_eq!(get(EV, "@usr.account_id"), ["1"]);
    }

    #[test]
    fn raw_attributes_pass_through() {
        assert_eq!(get(EV, "@requestParameters.functionName"), ["f"]);
        assert!(get(EV, "@requestParameters.nope").is_empty());
    }

    #[test]
    fn private_ranges() {
        for (ip, private) in [
            ("10.0.0.1", true),
            ("192.168.1.1", true),
            ("172.16.0.1", true),
            ("8.8.8.8", false),
            ("::1", true),
            ("fd00::1", true),
            ("2001:db8::1", false),
        ] {
            assert_eq!(is_private(ip.parse().expect("ip")), private, "{ip}");
        }
    }
}

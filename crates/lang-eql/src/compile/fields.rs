//! Field references as Elasticsearch sees them: the mapping type that decides how a constant is
//! compared, `ignore_above` (a keyword value longer than the limit is not indexed and has no doc
//! value, so every EQL test sees the field as missing), and the values a script reads.

use std::net::IpAddr;
use trailhound_event::ecs::FieldType;
use trailhound_event::javamap::java_len;
use trailhound_event::{Event, Field, Val, View};

/// `ignore_above` of ECS keyword fields (the ECS templates and Fleet's default for `keyword`).
const KEYWORD_IGNORE_ABOVE: usize = 1024;

/// Fields whose integration mapping raises `ignore_above` (`aws.cloudtrail` `fields.yml`, see
/// `ecs-mapping.md` §4).
const RAISED_IGNORE_ABOVE: [(&str, usize); 2] = [
    ("aws.cloudtrail.request_parameters", 8191),
    ("aws.cloudtrail.response_elements", 8191),
];

/// `constant_keyword` fields of the integration (`base-fields.yml`): no `ignore_above`.
const CONSTANT_KEYWORDS: [&str; 5] = [
    "data_stream.type",
    "data_stream.dataset",
    "data_stream.namespace",
    "event.dataset",
    "event.module",
];

/// The type of a field, as EQL's verifier and translator see it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum EsType {
    /// `keyword` family: exact, case-sensitive text.
    Keyword,
    /// `text` without a keyword sub-field: no exact value.
    Text,
    /// Integral numbers.
    Long,
    /// Floating point numbers.
    Double,
    /// `true` / `false`.
    Boolean,
    /// A date (compared as an instant).
    Date,
    /// An IP address.
    Ip,
    /// A raw path of the raw or Datadog view: no mapping, values keep their JSON type.
    Dynamic,
    /// A type EQL rejects (`flattened`, `geo_point`, objects).
    Unsupported(&'static str),
}

impl EsType {
    fn of(ty: FieldType, view: View) -> EsType {
        match ty {
            FieldType::Keyword => EsType::Keyword,
            FieldType::Text => EsType::Text,
            FieldType::Long => EsType::Long,
            FieldType::Double => EsType::Double,
            FieldType::Boolean => EsType::Boolean,
            FieldType::Date => EsType::Date,
            FieldType::Ip => EsType::Ip,
            FieldType::Flattened => EsType::Unsupported("flattened"),
            FieldType::GeoPoint => EsType::Unsupported("geo_point"),
            FieldType::Object if matches!(view, View::Ecs(_)) => EsType::Unsupported("object"),
            FieldType::Object => EsType::Dynamic,
        }
    }

    /// The name Elasticsearch prints for the type.
    pub(crate) fn name(self) -> &'static str {
        match self {
            EsType::Keyword => "keyword",
            EsType::Text => "text",
            EsType::Long => "long",
            EsType::Double => "double",
            EsType::Boolean => "boolean",
            EsType::Date => "date",
            EsType::Ip => "ip",
            EsType::Dynamic => "dynamic",
            EsType::Unsupported(name) => name,
        }
    }
}

/// A resolved field: how to read it, its type, its `ignore_above`.
#[derive(Clone, Debug)]
pub(crate) struct FieldRef {
    /// The name as written in the query (backticks removed).
    pub name: String,
    /// How to read it.
    pub field: Field,
    /// Its type.
    pub ty: EsType,
    /// The `ignore_above` limit (UTF-16 code units) of a keyword field.
    pub limit: Option<usize>,
    /// Whether the field can hold several values.
    pub multi: bool,
    /// Whether the view knows the name.
    pub known: bool,
}

impl FieldRef {
    /// Resolves `name` in `view`.
    pub(crate) fn resolve(view: View, name: &str) -> FieldRef {
        let resolved = view.resolve(name);
        let ty = if resolved.known {
            EsType::of(resolved.ty, view)
        } else {
            EsType::Keyword
        };
        let limit = match (ty, &resolved.field) {
            (EsType::Keyword, Field::Ecs(_)) if !CONSTANT_KEYWORDS.contains(&name) => Some(
                RAISED_IGNORE_ABOVE
                    .iter()
                    .find(|(n, _)| *n == name)
                    .map_or(KEYWORD_IGNORE_ABOVE, |(_, l)| *l),
            ),
            _ => None,
        };
        let multi = match &resolved.field {
            Field::Ecs(f) => f.def().multi,
            Field::Missing(_) => false,
            // Raw paths can cross arrays.
            _ => true,
        };
        FieldRef {
            name: name.to_string(),
            field: resolved.field,
            ty,
            limit,
            multi,
            known: resolved.known,
        }
    }

    /// Whether Elasticsearch indexes `v` (keyword values longer than `ignore_above` are dropped).
    pub(crate) fn indexed(&self, v: &Val<'_>) -> bool {
        match (self.limit, v) {
            (None, _) => true,
            (Some(limit), Val::Str(s)) => java_len(s) <= limit,
            (Some(limit), other) => other.with_text(|t| java_len(t) <= limit).unwrap_or(false),
        }
    }

    /// The field's values as a script reads them (doc values): typed by the mapping, nulls,
    /// unindexable and unconvertible values skipped.
    pub(crate) fn script_values(&self, ev: &Event<'_>) -> Vec<crate::compile::script::SVal> {
        use crate::compile::script::SVal;
        let mut out = Vec::new();
        self.field.visit(ev, &mut |v| {
            if !self.indexed(&v) {
                return false;
            }
            let sv = match self.ty {
                EsType::Keyword => keyword_text(&v).map(SVal::Str),
                EsType::Long => number(&v).map(|n| SVal::Int(n.trunc() as i64)),
                EsType::Double => number(&v).map(SVal::Double),
                EsType::Boolean => boolean(&v).map(SVal::Bool),
                EsType::Date => date_millis(&v).and_then(|ms| {
                    jiff::Timestamp::from_millisecond(ms)
                        .ok()
                        .map(|ts| SVal::Str(trailhound_event::time::format_millis(ts)))
                }),
                EsType::Ip => ip(&v).map(|a| SVal::Str(a.to_string())),
                EsType::Dynamic => match v {
                    Val::Str(s) => Some(SVal::Str(s.to_string())),
                    Val::Bool(b) => Some(SVal::Bool(b)),
                    Val::Int(i) => Some(SVal::Int(i)),
                    Val::UInt(u) => Some(SVal::Double(u as f64)),
                    Val::Float(f) => Some(SVal::Double(f)),
                    Val::Null | Val::Json(_) => None,
                },
                EsType::Text | EsType::Unsupported(_) => None,
            };
            if let Some(sv) = sv {
                out.push(sv);
            }
            false
        });
        out
    }

    /// The values this field contributes as a join key, in a canonical text form so that equal
    /// values of compatible types compare equal (`1` and `1.0` on numeric fields). Missing or
    /// null: `[None]`.
    pub(crate) fn key_values(&self, ev: &Event<'_>) -> Vec<Option<String>> {
        let mut out: Vec<Option<String>> = Vec::new();
        self.field.visit(ev, &mut |v| {
            if !self.indexed(&v) {
                return false;
            }
            let key = match self.ty {
                EsType::Long | EsType::Double => number(&v).map(canonical_number),
                EsType::Boolean => boolean(&v).map(|b| b.to_string()),
                EsType::Date => date_millis(&v).map(|ms| ms.to_string()),
                EsType::Ip => ip(&v).map(|a| a.to_string()),
                _ => keyword_text(&v),
            };
            if let Some(k) = key {
                let k = Some(k);
                if !out.contains(&k) {
                    out.push(k);
                }
            }
            false
        });
        if out.is_empty() {
            out.push(None);
        }
        out
    }
}

/// The text a keyword field indexes for a JSON value: strings as they are, numbers and booleans
/// by their JSON text; objects, arrays and nulls have none.
pub(crate) fn keyword_text(v: &Val<'_>) -> Option<String> {
    match v {
        Val::Null | Val::Json(_) => None,
        other => other.to_text(),
    }
}

/// A numeric field's value (numeric strings are coerced, as Elasticsearch's `coerce` does).
pub(crate) fn number(v: &Val<'_>) -> Option<f64> {
    match v {
        Val::Str(s) => s.trim().parse::<f64>().ok(),
        other => other.as_f64(),
    }
}

/// A boolean field's value (`"true"` and `"false"` strings are accepted, as Elasticsearch does).
pub(crate) fn boolean(v: &Val<'_>) -> Option<bool> {
    match v {
        Val::Bool(b) => Some(*b),
        Val::Str("true") => Some(true),
        Val::Str("false") => Some(false),
        _ => None,
    }
}

/// A date field's value in epoch milliseconds (ISO 8601 text, or a number of milliseconds).
pub(crate) fn date_millis(v: &Val<'_>) -> Option<i64> {
    match v {
        Val::Str(s) => trailhound_event::time::parse_iso8601(s).map(|t| t.as_millisecond()),
        Val::Int(i) => Some(*i),
        _ => None,
    }
}

/// An IP field's value; IPv4-mapped IPv6 addresses are IPv4 (as Elasticsearch prints them).
pub(crate) fn ip(v: &Val<'_>) -> Option<IpAddr> {
    let a: IpAddr = v.as_str()?.trim().parse().ok()?;
    Some(match a {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(a, IpAddr::V4),
        v4 => v4,
    })
}

fn canonical_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 9.0e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_and_limits_come_from_the_view() {
        let cases = [
            ("event.action", EsType::Keyword, Some(1024), false, true),
            (
                "aws.cloudtrail.request_parameters",
                EsType::Keyword,
                Some(8191),
                false,
                true,
            ),
            ("event.type", EsType::Keyword, Some(1024), true, true),
            ("source.ip", EsType::Ip, None, false, true),
            ("@timestamp", EsType::Date, None, false, true),
            (
                "aws.cloudtrail.read_only",
                EsType::Boolean,
                None,
                false,
                true,
            ),
            ("source.as.number", EsType::Long, None, false, true),
            (
                "aws.cloudtrail.flattened.request_parameters.x",
                EsType::Unsupported("flattened"),
                None,
                true,
                true,
            ),
            ("host.name", EsType::Keyword, None, false, false),
        ];
        for (name, ty, limit, multi, known) in cases {
            let f = FieldRef::resolve(View::ECS, name);
            assert_eq!(
                (f.ty, f.limit, f.multi, f.known),
                (ty, limit, multi, known),
                "{name}"
            );
        }
        assert_eq!(
            FieldRef::resolve(View::Raw, "eventName").ty,
            EsType::Dynamic
        );
    }

    #[test]
    fn ignore_above_hides_long_values() {
        let long = "x".repeat(1025);
        let raw = format!(r#"{{"eventName":"{long}","userAgent":"ok"}}"#);
        let ev = Event::parse(&raw).expect("valid");
        let action = FieldRef::resolve(View::ECS, "event.action");
        assert!(action.script_values(&ev).is_empty());
        assert_eq!(action.key_values(&ev), [None]);
        let ua = FieldRef::resolve(View::ECS, "user_agent.original");
        assert_eq!(ua.key_values(&ev), [Some("ok".to_string())]);
        // UTF-16 units: an astral character counts twice.
        assert_eq!(java_len("a😀"), 3);
    }

    #[test]
    fn key_values_are_canonical() {
        let ev = Event::parse(
            r#"{"sourceIPAddress":"::ffff:10.0.0.1","eventTime":"2020-01-01T00:00:00Z"}"#,
        )
        .expect("valid");
        let ip = FieldRef::resolve(View::ECS, "source.ip");
        assert_eq!(ip.key_values(&ev), [Some("10.0.0.1".to_string())]);
        let ts = FieldRef::resolve(View::ECS, "@timestamp");
        assert_eq!(ts.key_values(&ev), [Some("1577836800000".to_string())]);
        assert_eq!(canonical_number(1.0), "1");
        assert_eq!(canonical_number(1.5), "1.5");
    }
}

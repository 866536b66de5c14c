//! What a KQL field name denotes in the index the rule runs on: the field(s), and the
//! Elasticsearch mapping type that decides how a value is matched.
//!
//! The types come from the view ([`View::resolve`]; for ECS, `trailhound_event::ecs::FIELDS`),
//! refined with what the Elastic AWS integration's index template adds (its
//! `data_stream/cloudtrail/fields/*.yml` and Fleet's template builder):
//!
//! - `data_stream.type`, `data_stream.dataset`, `data_stream.namespace`, `event.dataset` and
//!   `event.module` are `constant_keyword` (`base-fields.yml`). Kibana treats only fields whose
//!   sole type is `keyword` as keyword (`is.ts`: `esTypes.length === 1 && includes('keyword')`),
//!   so a wildcard on these goes through `query_string` (split at whitespace), not `wildcard`.
//! - Keyword fields get `ignore_above: 1024` from Fleet (its default for keyword fields), except
//!   `aws.cloudtrail.request_parameters` and `response_elements`, which declare 8191
//!   (`fields.yml`). A longer value is not indexed: no term, wildcard, range or exists query
//!   matches it.
//! - Flattened fields have no `ignore_above`.

use trailhound_event::ecs::{self, JavaRoot};
use trailhound_event::{Field, FieldType, View};

/// The four flattened roots, `aws.cloudtrail.flattened.<name>`.
const FLATTENED_ROOTS: [&str; 4] = [
    "request_parameters",
    "response_elements",
    "additional_eventdata",
    "service_event_details",
];

/// `constant_keyword` fields of the integration (`base-fields.yml`).
const CONSTANT_KEYWORDS: [&str; 5] = [
    "data_stream.type",
    "data_stream.dataset",
    "data_stream.namespace",
    "event.dataset",
    "event.module",
];

/// Fleet's default `ignore_above` for keyword fields.
const DEFAULT_IGNORE_ABOVE: usize = 1024;

/// Keyword fields that declare their own `ignore_above` (`fields.yml`).
const IGNORE_ABOVE: [(&str, usize); 2] = [
    ("aws.cloudtrail.request_parameters", 8191),
    ("aws.cloudtrail.response_elements", 8191),
];

/// One field a query leaf reads.
#[derive(Clone, Debug)]
pub(crate) struct Target {
    /// The full dotted name.
    pub name: String,
    /// How to read it.
    pub field: Field,
    /// How values are matched.
    pub kind: Kind,
}

/// The matching rules of a field, from its mapping type.
#[derive(Clone, Debug)]
pub(crate) enum Kind {
    /// `keyword` and keyword-like types: exact, case-sensitive text; numbers and booleans by
    /// their JSON text.
    Keyword {
        /// Values longer than this (in UTF-16 code units) are not indexed.
        ignore_above: Option<usize>,
        /// The field can hold several values.
        multi: bool,
        /// Kibana sends wildcards as `query_string` (split at whitespace), not `wildcard`.
        split: bool,
    },
    /// A leaf of `aws.cloudtrail.flattened.<root>`: the root itself (`key` empty) or the
    /// leaves at exactly `key` below it.
    Flattened {
        /// Which object.
        root: JavaRoot,
        /// The key path below the root.
        key: Box<[Box<str>]>,
    },
    /// `long`.
    Long,
    /// `double` (and other floating types).
    Double,
    /// `boolean`.
    Boolean,
    /// `date`.
    Date,
    /// `ip`.
    Ip,
    /// A type a KQL value query cannot use (`text`, `geo_point`), by name.
    Unsupported(&'static str),
    /// An object: no field of its own, only the fields below it (listed).
    Object(Vec<Target>),
}

/// Every field name of the view that a wildcard field name or free text can reach: the ECS
/// table and the flattened roots. Other views cannot be enumerated.
pub(crate) fn candidates(view: View) -> Vec<String> {
    match view {
        View::Ecs(_) => ecs::field_names()
            .map(str::to_owned)
            .chain(
                FLATTENED_ROOTS
                    .iter()
                    .map(|r| format!("aws.cloudtrail.flattened.{r}")),
            )
            .collect(),
        View::Raw | View::Datadog => Vec::new(),
    }
}

/// What `name` resolves to in `view`, and whether the view knows it. Unknown names that are
/// the parent of known fields resolve to [`Kind::Object`] (and count as known).
pub(crate) fn resolve(view: View, name: &str) -> (Target, bool) {
    let resolved = view.resolve(name);
    if resolved.known {
        return (typed(name, resolved.field, resolved.ty), true);
    }
    let children: Vec<Target> = candidates(view)
        .into_iter()
        .filter(|c| {
            c.len() > name.len()
                && c.starts_with(name)
                && c.as_bytes().get(name.len()) == Some(&b'.')
        })
        .map(|c| {
            let r = view.resolve(&c);
            typed(&c, r.field, r.ty)
        })
        .collect();
    if children.is_empty() {
        (missing(name), false)
    } else {
        (
            Target {
                name: name.to_owned(),
                field: Field::Missing(name.into()),
                kind: Kind::Object(children),
            },
            true,
        )
    }
}

/// A field that is never present, matched by the rules of a field the data view does not
/// know (Kibana sends `match`/`query_string`, which act as on a keyword).
pub(crate) fn missing(name: &str) -> Target {
    let kind = Kind::Keyword {
        ignore_above: None,
        multi: true,
        split: true,
    };
    Target {
        name: name.to_owned(),
        field: Field::Missing(name.into()),
        kind,
    }
}

fn typed(name: &str, field: Field, ty: FieldType) -> Target {
    let kind = match (&field, ty) {
        (Field::Flattened { root, path }, _) => Kind::Flattened {
            root: *root,
            key: path.segments().into(),
        },
        (Field::Ecs(f), FieldType::Keyword) if CONSTANT_KEYWORDS.contains(&name) => Kind::Keyword {
            ignore_above: None,
            multi: f.def().multi,
            split: true,
        },
        (Field::Ecs(f), FieldType::Keyword) => {
            let limit = IGNORE_ABOVE
                .iter()
                .find(|(n, _)| *n == name)
                .map_or(DEFAULT_IGNORE_ABOVE, |(_, l)| *l);
            Kind::Keyword {
                ignore_above: Some(limit),
                multi: f.def().multi,
                split: false,
            }
        }
        // Raw paths and derived attributes of the other views have no Elasticsearch mapping:
        // keyword rules, as for a flattened leaf.
        (_, FieldType::Keyword | FieldType::Object | FieldType::Flattened) => Kind::Keyword {
            ignore_above: None,
            multi: true,
            split: false,
        },
        (_, FieldType::Long) => Kind::Long,
        (_, FieldType::Double) => Kind::Double,
        (_, FieldType::Boolean) => Kind::Boolean,
        (_, FieldType::Date) => Kind::Date,
        (_, FieldType::Ip) => Kind::Ip,
        (_, FieldType::Text) => Kind::Unsupported("text"),
        (_, FieldType::GeoPoint) => Kind::Unsupported("geo_point"),
    };
    Target {
        name: name.to_owned(),
        field,
        kind,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(name: &str) -> (Kind, bool) {
        let (t, known) = resolve(View::ECS, name);
        (t.kind, known)
    }

    #[test]
    fn types_follow_the_integration_mapping() {
        assert!(matches!(
            kind("event.action"),
            (
                Kind::Keyword {
                    ignore_above: Some(1024),
                    multi: false,
                    split: false
                },
                true
            )
        ));
        assert!(matches!(
            kind("event.type"),
            (Kind::Keyword { multi: true, .. }, true)
        ));
        assert!(matches!(
            kind("aws.cloudtrail.request_parameters"),
            (
                Kind::Keyword {
                    ignore_above: Some(8191),
                    ..
                },
                true
            )
        ));
        assert!(matches!(
            kind("data_stream.dataset"),
            (
                Kind::Keyword {
                    ignore_above: None,
                    split: true,
                    ..
                },
                true
            )
        ));
        assert!(matches!(kind("source.ip"), (Kind::Ip, true)));
        assert!(matches!(kind("source.as.number"), (Kind::Long, true)));
        assert!(matches!(kind("@timestamp"), (Kind::Date, true)));
        assert!(matches!(
            kind("aws.cloudtrail.read_only"),
            (Kind::Boolean, true)
        ));
        assert!(
            matches!(kind("aws.cloudtrail.flattened.request_parameters"), (Kind::Flattened { key, .. }, true) if key.is_empty())
        );
        assert!(
            matches!(kind("aws.cloudtrail.flattened.request_parameters.a.b"), (Kind::Flattened { key, .. }, true) if key.len() == 2)
        );
        assert!(matches!(kind("host.name"), (Kind::Keyword { .. }, false)));
        assert!(matches!(
            kind("related.entity"),
            (Kind::Keyword { .. }, false)
        ));
    }

    #[test]
    fn parents_of_fields_are_objects() {
        let (Kind::Object(children), true) = kind("source.geo") else {
            panic!("source.geo is an object")
        };
        assert!(children.iter().any(|c| c.name == "source.geo.city_name"));
        assert!(children.iter().all(|c| c.name.starts_with("source.geo.")));
        let (Kind::Object(children), true) = kind("aws.cloudtrail.flattened") else {
            panic!("object")
        };
        assert_eq!(children.len(), 4);
        // `source.g` is a prefix of names but not a parent.
        assert!(matches!(kind("source.g"), (Kind::Keyword { .. }, false)));
        assert!(candidates(View::Raw).is_empty());
    }
}

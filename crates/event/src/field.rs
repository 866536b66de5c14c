//! Compiled field references: a name in one vocabulary, resolved once, read many times.

use crate::datadog::{self, DdField, DdRef};
use crate::ecs::{self, EcsField, EcsRef, FieldType, Generation, JavaRoot};
use crate::record::Event;
use crate::value::{Path, Val};

/// A field vocabulary.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum View {
    /// Raw CloudTrail names (`eventName`, `userIdentity.arn`): Sigma rules.
    #[default]
    Raw,
    /// ECS names as Elastic's integration writes them (`event.action`): Elastic rules.
    Ecs(Generation),
    /// Datadog attribute names (`@evt.name`): Datadog rules.
    Datadog,
}

impl View {
    /// The ECS view of the current pipeline.
    pub const ECS: View = View::Ecs(Generation::Latest);

    /// Resolves `name` in this vocabulary. Never fails: a name the view does not produce
    /// resolves to [`Field::Missing`] (always absent), and [`Resolved::known`] says so, so the
    /// caller can warn.
    pub fn resolve(self, name: &str) -> Resolved {
        match self {
            View::Raw => Resolved {
                field: Field::Raw(Path::parse(name)),
                ty: FieldType::Object,
                known: true,
            },
            View::Datadog => match datadog::lookup(name) {
                DdRef::Derived(d) => Resolved {
                    field: Field::Datadog(d),
                    ty: datadog_type(d),
                    known: true,
                },
                DdRef::Raw(path) => Resolved {
                    field: Field::Raw(path),
                    ty: FieldType::Object,
                    known: true,
                },
            },
            View::Ecs(generation) => match ecs::lookup(name, generation) {
                Some(EcsRef::Field(f)) => Resolved {
                    field: Field::Ecs(f),
                    ty: f.def().ty,
                    known: true,
                },
                Some(EcsRef::Flattened { root, path }) => Resolved {
                    field: Field::Flattened { root, path },
                    ty: FieldType::Flattened,
                    known: true,
                },
                None => Resolved {
                    field: Field::Missing(name.into()),
                    ty: FieldType::Keyword,
                    known: false,
                },
            },
        }
    }
}

fn datadog_type(d: DdField) -> FieldType {
    match d {
        DdField::ClientIsPrivate => FieldType::Boolean,
        DdField::Geo(crate::geoip::GeoPart::Lat | crate::geoip::GeoPart::Lon) => FieldType::Double,
        _ => FieldType::Keyword,
    }
}

/// The result of [`View::resolve`].
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Resolved {
    /// How to read the field.
    pub field: Field,
    /// Its mapping type (`Object` for raw paths, whose type depends on the record).
    pub ty: FieldType,
    /// False when the view does not produce this name.
    pub known: bool,
}

/// How to read one field from an event.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Field {
    /// A raw path (arrays on the way are walked element by element).
    Raw(Path),
    /// A field of the ECS table.
    Ecs(EcsField),
    /// Leaves of `aws.cloudtrail.flattened.<root>.<path>`.
    Flattened {
        /// Which object.
        root: JavaRoot,
        /// Path below it.
        path: Path,
    },
    /// A derived Datadog attribute.
    Datadog(DdField),
    /// A name the view does not produce: never present.
    Missing(Box<str>),
}

impl Field {
    /// True for fields only a GeoIP database (`--geoip`) supplies: ECS `source.geo.*` and
    /// `source.as.*`, Datadog `network.client.geoip.*`. Without one they are never present.
    pub fn needs_geoip(&self) -> bool {
        match self {
            Field::Ecs(f) => f.needs_geoip(),
            Field::Datadog(d) => matches!(d, crate::datadog::DdField::Geo(_)),
            _ => false,
        }
    }

    /// True when the field has the same values in every CloudTrail event: constants of a view
    /// (`event.dataset`, Datadog `source`), names a view does not produce, and, when `geoip` is
    /// false (no database given), the GeoIP fields, which are then never present. A test on such
    /// a field can be decided once, on any event.
    pub fn is_invariant(&self, geoip: bool) -> bool {
        match self {
            Field::Missing(_) => true,
            Field::Ecs(f) => f.is_constant() || (!geoip && f.needs_geoip()),
            Field::Datadog(d) => {
                matches!(d, DdField::Source | DdField::Service)
                    || (!geoip && matches!(d, DdField::Geo(_)))
            }
            Field::Raw(_) | Field::Flattened { .. } => false,
        }
    }

    /// Calls `f` for each value of the field in `ev` until `f` returns `true`; returns whether it
    /// did. A missing field calls `f` never.
    pub fn visit<'e>(&self, ev: &'e Event<'_>, f: &mut dyn FnMut(Val<'e>) -> bool) -> bool {
        match self {
            Field::Raw(path) => path.visit(ev.doc(), &mut |node| f(Val::of(node))),
            Field::Ecs(field) => ecs::visit_field(ev, *field, f),
            Field::Flattened { root, path } => ecs::visit_flattened(ev, *root, path, f),
            Field::Datadog(d) => datadog::visit(ev, *d, f),
            Field::Missing(_) => false,
        }
    }

    /// True when `pred` holds for some value.
    pub fn any<'e>(&self, ev: &'e Event<'_>, mut pred: impl FnMut(Val<'e>) -> bool) -> bool {
        self.visit(ev, &mut pred)
    }

    /// The first value, if any.
    pub fn first<'e>(&self, ev: &'e Event<'_>) -> Option<Val<'e>> {
        let mut out = None;
        self.visit(ev, &mut |v| {
            out = Some(v);
            true
        });
        out
    }

    /// All values.
    pub fn values<'e>(&self, ev: &'e Event<'_>) -> Vec<Val<'e>> {
        let mut out = Vec::new();
        self.visit(ev, &mut |v| {
            out.push(v);
            false
        });
        out
    }

    /// True when the field has at least one non-null value.
    pub fn exists(&self, ev: &Event<'_>) -> bool {
        self.any(ev, |v| !v.is_null())
    }

    /// For raw paths, the field name as written; otherwise the view's name.
    pub fn name(&self) -> String {
        match self {
            Field::Raw(p) => p.dotted(),
            Field::Ecs(f) => f.def().name.to_owned(),
            Field::Flattened { root, path } => {
                let base = format!("aws.cloudtrail.flattened.{}", root.ecs_name());
                if path.segments().is_empty() {
                    base
                } else {
                    format!("{base}.{}", path.dotted())
                }
            }
            Field::Datadog(d) => datadog::DERIVED
                .iter()
                .find(|(_, f)| f == d)
                .map_or_else(String::new, |(n, _)| (*n).to_owned()),
            Field::Missing(n) => n.to_string(),
        }
    }

    /// The raw path whose values this field yields unchanged, if it is such a copy:
    /// `eventName` for the raw `eventName`, ECS `event.action` and Datadog `@evt.name` alike.
    pub fn raw_copy(&self) -> Option<String> {
        match self {
            Field::Raw(p) => Some(p.dotted()),
            Field::Ecs(f) => f.raw_copy().map(str::to_owned),
            Field::Datadog(DdField::EvtName) => Some("eventName".to_owned()),
            Field::Datadog(DdField::ClientIp) => Some("sourceIPAddress".to_owned()),
            Field::Datadog(DdField::UserAgent) => Some("userAgent".to_owned()),
            Field::Datadog(DdField::ErrorKind) => Some("errorCode".to_owned()),
            _ => None,
        }
    }

    /// The top-level raw keys this field reads, for projection (`None`: unknown or many).
    pub fn raw_roots(&self) -> Option<Vec<&str>> {
        match self {
            Field::Raw(p) => p.segments().first().map(|s| vec![&**s]),
            Field::Flattened { root, .. } => Some(vec![root.raw_key()]),
            Field::Missing(_) => Some(Vec::new()),
            Field::Ecs(_) | Field::Datadog(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_view_reads_its_own_names() {
        let ev = Event::parse(r#"{"eventName":"CreateUser","sourceIPAddress":"1.2.3.4"}"#)
            .expect("valid");
        let text =
            |view: View, name: &str| view.resolve(name).field.first(&ev).map(|v| v.to_string());
        assert_eq!(text(View::Raw, "eventName").as_deref(), Some("CreateUser"));
        assert_eq!(
            text(View::ECS, "event.action").as_deref(),
            Some("CreateUser")
        );
        assert_eq!(
            text(View::Datadog, "@evt.name").as_deref(),
            Some("CreateUser")
        );
        assert_eq!(
            text(View::Datadog, "@eventName").as_deref(),
            Some("CreateUser")
        );
        assert_eq!(text(View::ECS, "eventName"), None);
        assert!(!View::ECS.resolve("host.name").known);
        assert_eq!(View::ECS.resolve("source.ip").ty, FieldType::Ip);
    }
}

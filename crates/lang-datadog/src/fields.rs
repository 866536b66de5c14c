//! Datadog field names resolved against CloudTrail events.
//!
//! Rules name fields in three namespaces (crate docs, *Semantics* 4 and 13): `@path` attributes,
//! the bare reserved attributes (`source`, `status`, `service`, `host`, ...) and bare tag keys
//! (`account`, `env`). Attributes and the reserved attributes the pipeline emulation derives are
//! read through the `datadog` view of `trailhound-event`
//! ([`View::Datadog`]); tags, which that view does not model, are emulated here from the record
//! ([`EMULATED_TAGS`]). A name that no CloudTrail event can have resolves to
//! [`Field::Missing`] with a warning, so every test on it is false and every negation true.

use trailhound_event::{Field, View};
use trailhound_syntax::{Diagnostic, Span};

use crate::search::{FieldKind, RESERVED_ATTRIBUTES};

/// The tags the CloudTrail pipeline emulation attaches to every event, as
/// `(tag key, Datadog attribute it is read from)`.
///
/// - `source` and `service` are `cloudtrail`, like the reserved attributes of the same name.
/// - `account` is the AWS account the trail belongs to. Datadog's rule *New AWS Account Seen
///   Assuming a Role into AWS Account* (`xvo-lqg-7bu`) describes its `account` group-by as "your
///   AWS account", as opposed to the caller's `@usr.account_id`: in CloudTrail that is
///   `recipientAccountId`. `aws_account` is the name Datadog's AWS integration uses for the same
///   tag (Datadog Forwarder, `aws_account:<id>`).
/// - `region` is the event's `awsRegion` (the AWS integration's `region` tag).
pub const EMULATED_TAGS: &[(&str, &str)] = &[
    ("source", "source"),
    ("service", "service"),
    ("account", "@recipientAccountId"),
    ("aws_account", "@recipientAccountId"),
    ("region", "@awsRegion"),
];

/// Reserved attributes that CloudTrail events never have.
const ABSENT_RESERVED: &[&str] = &["host", "trace_id", "message"];

/// A field name of a rule resolved for CloudTrail events.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct FieldRef {
    /// The name as the rule writes it: `@userIdentity.arn`, `status`, `account`.
    pub name: String,
    /// How to read its values from an event.
    pub field: Field,
}

impl FieldRef {
    /// Resolves a field name as written in `groupByFields`, `distinctFields`, `metric(s)` or
    /// `correlatedByFields`: `@path` is an attribute, a reserved name (`source`, `status`, ...) a
    /// reserved attribute, any other bare name a tag key.
    ///
    /// The second value is a warning when the field can never be present (an unknown tag,
    /// Datadog's threat-intelligence enrichment, `host`). Errors: calculated fields (`#name`),
    /// `*`, `timestamp`, `tags` and empty names, which do not name one value.
    pub fn resolve(name: &str) -> Result<(FieldRef, Option<Diagnostic>), Diagnostic> {
        let span = Span::new(0, name.len());
        let (kind, bare) = if let Some(rest) = name.strip_prefix('@') {
            (FieldKind::Attribute, rest)
        } else if let Some(rest) = name.strip_prefix('#') {
            (FieldKind::Calculated, rest)
        } else if name == "*" {
            (FieldKind::FullText, "")
        } else if RESERVED_ATTRIBUTES.contains(&name) {
            (FieldKind::Reserved, name)
        } else {
            (FieldKind::Tag, name)
        };
        if bare.is_empty() && kind != FieldKind::FullText {
            return Err(Diagnostic::new(
                "datadog::missing_field",
                format!("`{name}` does not name a field"),
                span,
            )
            .with_help("write an attribute such as `@userIdentity.arn`"));
        }
        match resolve_kind(kind, bare, span)? {
            Resolution::Field(field, warning) => Ok((
                FieldRef {
                    name: name.to_string(),
                    field,
                },
                warning,
            )),
            Resolution::AllAttributes | Resolution::Tags => Err(Diagnostic::new(
                "datadog::unsupported",
                format!("`{name}` does not name a single field"),
                span,
            )
            .with_help("group and aggregate by an attribute such as `@userIdentity.arn`")),
        }
    }
}

/// What a field of a query reads.
pub(crate) enum Resolution {
    /// One field of the event (possibly never present), with a warning when it never is.
    Field(Field, Option<Diagnostic>),
    /// `*`: every attribute (full-text search).
    AllAttributes,
    /// The reserved `tags`: the `key:value` texts of the event's tags.
    Tags,
}

/// Resolves a field of the search syntax (`kind` and `name` as the parser splits them; `span`
/// is where it was written, for diagnostics).
pub(crate) fn resolve_kind(
    kind: FieldKind,
    name: &str,
    span: Span,
) -> Result<Resolution, Diagnostic> {
    match kind {
        FieldKind::FullText => Ok(Resolution::AllAttributes),
        FieldKind::Calculated => Err(Diagnostic::new(
            "datadog::calculated_field",
            format!("calculated field `#{name}` is not supported"),
            span,
        )
        .with_help(
            "calculated fields are defined by scheduled rules' `calculatedFields`, which \
             trailhound does not evaluate",
        )),
        FieldKind::Attribute => {
            let warning =
                (name == "threat_intel" || name.starts_with("threat_intel.")).then(|| {
                    absent(
                        span,
                        format!(
                            "`@{name}` comes from Datadog's threat-intelligence enrichment, \
                             which trailhound does not emulate: it is always absent"
                        ),
                    )
                });
            Ok(Resolution::Field(datadog(&format!("@{name}")), warning))
        }
        FieldKind::Reserved => match name {
            "tags" => Ok(Resolution::Tags),
            "timestamp" => Err(Diagnostic::new(
                "datadog::unsupported",
                "searching `timestamp` is not supported",
                span,
            )
            .with_help("select the time range of the events to hunt instead")),
            _ if ABSENT_RESERVED.contains(&name) => Ok(Resolution::Field(
                Field::Missing(name.into()),
                Some(absent(
                    span,
                    format!("CloudTrail logs have no `{name}`: it is always absent"),
                )),
            )),
            _ => Ok(Resolution::Field(datadog(name), None)),
        },
        FieldKind::Tag => match tag_field(name) {
            Some(field) => Ok(Resolution::Field(field, None)),
            None => {
                let known: Vec<&str> = EMULATED_TAGS.iter().map(|(k, _)| *k).collect();
                Ok(Resolution::Field(
                    Field::Missing(name.into()),
                    Some(
                        Diagnostic::new(
                            "datadog::unknown_tag",
                            format!("CloudTrail events have no `{name}` tag: it is always absent"),
                            span,
                        )
                        .with_help(format!(
                            "the emulated tags are {}; write `@{name}` for an attribute",
                            known.join(", ")
                        )),
                    ),
                ))
            }
        },
    }
}

/// The field a tag key is read from, when the emulation attaches that tag.
pub(crate) fn tag_field(key: &str) -> Option<Field> {
    EMULATED_TAGS
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, attribute)| datadog(attribute))
}

fn datadog(name: &str) -> Field {
    View::Datadog.resolve(name).field
}

fn absent(span: Span, message: String) -> Diagnostic {
    Diagnostic::new("datadog::absent_field", message, span)
        .with_help("the condition on it is evaluated as on a missing field")
}

#[cfg(test)]
mod tests {
    use super::*;
    use trailhound_event::Event;

    const EV: &str = r#"{"eventName":"AssumeRole","awsRegion":"eu-west-1","recipientAccountId":"222","userIdentity":{"accountId":"111","arn":"arn:aws:iam::111:user/bob"}}"#;

    #[test]
    fn resolves_attributes_reserved_names_and_tags() {
        let ev = Event::parse(EV).expect("valid event");
        // (name, first value, warns)
        let table: &[(&str, Option<&str>, bool)] = &[
            ("@evt.name", Some("AssumeRole"), false),
            (
                "@userIdentity.arn",
                Some("arn:aws:iam::111:user/bob"),
                false,
            ),
            ("@usr.account_id", Some("111"), false),
            ("source", Some("cloudtrail"), false),
            ("status", Some("info"), false),
            ("account", Some("222"), false),
            ("aws_account", Some("222"), false),
            ("region", Some("eu-west-1"), false),
            ("env", None, true),
            ("host", None, true),
            ("@threat_intel.results.category", None, true),
            ("@nope", None, false),
        ];
        for (name, value, warns) in table {
            let (field, warning) = FieldRef::resolve(name).expect(name);
            assert_eq!(field.name, *name);
            let got = field.field.first(&ev).map(|v| v.to_string());
            assert_eq!(got.as_deref(), *value, "{name}");
            assert_eq!(warning.is_some(), *warns, "{name}: {warning:?}");
        }
    }

    #[test]
    fn rejects_names_that_are_not_one_field() {
        for (name, code) in [
            ("#duration", "datadog::calculated_field"),
            ("*", "datadog::unsupported"),
            ("tags", "datadog::unsupported"),
            ("timestamp", "datadog::unsupported"),
            ("@", "datadog::missing_field"),
            ("", "datadog::missing_field"),
        ] {
            let err = FieldRef::resolve(name).expect_err(name);
            assert_eq!(err.code, code, "{name}");
        }
    }
}

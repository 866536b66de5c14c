//! Template variables taken from the event that triggered a signal ([`event_variable`]).

use trailhound_event::{Event, Field, Val, View};

use crate::fields::tag_field;
use crate::template::VarKind;

/// The value of a message-template variable that the triggering event supplies, for
/// [`crate::render`]: `{{@attr.path}}` is the attribute in the `datadog` view (so
/// `{{@network.client.ip}}` and `{{@evt.name}}` work as in Datadog), `{{key.name}}` the value of
/// an emulated tag ([`crate::fields::EMULATED_TAGS`], e.g. `{{account.name}}`).
///
/// Several values (an attribute reached through arrays) are joined with `, `; objects render as
/// compact JSON; `null` counts as absent. Signal variables (`{{severity}}`, `{{rule_name}}`,
/// ...), bare tags and anything else return `None`: the engine that builds the signal supplies
/// them.
pub fn event_variable(ev: &Event<'_>, name: &str) -> Option<String> {
    let field = match VarKind::of(name) {
        VarKind::Attribute(path) => View::Datadog.resolve(&format!("@{path}")).field,
        VarKind::TagValue(key) => tag_field(key)?,
        VarKind::Signal(_)
        | VarKind::EventsMatchedPerQuery(_)
        | VarKind::Tag(_)
        | VarKind::Other(_) => return None,
    };
    text(ev, &field)
}

fn text(ev: &Event<'_>, field: &Field) -> Option<String> {
    let values: Vec<String> = field
        .values(ev)
        .iter()
        .filter(|v| !matches!(v, Val::Null))
        .filter_map(Val::to_text)
        .collect();
    (!values.is_empty()).then(|| values.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_attributes_and_tags_of_the_event() {
        let ev = Event::parse(
            r#"{"eventName":"CreateUser","sourceIPAddress":"198.51.100.4","recipientAccountId":"123",
               "userIdentity":{"arn":"arn:aws:iam::123:user/bob"},
               "requestParameters":{"tags":[{"key":"a"},{"key":"b"}],"obj":{"x":1},"n":null,"flag":true}}"#,
        )
        .expect("valid");
        let table: &[(&str, Option<&str>)] = &[
            ("@userIdentity.arn", Some("arn:aws:iam::123:user/bob")),
            ("@network.client.ip", Some("198.51.100.4")),
            ("@evt.name", Some("CreateUser")),
            ("@requestParameters.tags.key", Some("a, b")),
            ("@requestParameters.obj", Some(r#"{"x":1}"#)),
            ("@requestParameters.flag", Some("true")),
            ("@requestParameters.n", None),
            ("@@userIdentity.arn", None),
            ("@missing", None),
            ("account.name", Some("123")),
            ("[account].name", Some("123")),
            ("env.name", None),
            ("env", None),
            ("severity", None),
            ("events_matched_per_query.a", None),
        ];
        for (name, want) in table {
            assert_eq!(event_variable(&ev, name).as_deref(), *want, "{name}");
        }
    }
}

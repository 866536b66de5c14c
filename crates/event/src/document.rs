//! Whole documents of a view, for `trailhound normalize` and for output.
//!
//! Built by walking the same field tables rules read through, so the printed document and the
//! values rules see are the same thing.

use crate::datadog::{self, DdRef};
use crate::ecs::{self, FIELDS, Generation, JavaRoot};
use crate::field::View;
use crate::record::Event;
use crate::value::{Val, sonic_to_serde};
use serde_json::{Map, Value as Json};

/// The event as a JSON document of `view`.
pub fn document(ev: &Event<'_>, view: View) -> Json {
    document_with(ev, view, Retain::All)
}

/// Elastic's `_conf.retain` input setting: which copies of the `*_parameters` objects the
/// indexed document keeps (`reference/ecs-mapping.md` §4). It changes the printed document
/// only; rules always see every field, as with the default setting.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Retain {
    /// Strings and flattened objects (the default).
    #[default]
    All,
    /// The strings only.
    Keyword,
    /// The strings and only the nine flattened leaves Elastic's minimal profile keeps.
    Minimal,
}

/// Leaves kept under `aws.cloudtrail.flattened` with [`Retain::Minimal`].
const MINIMAL_LEAVES: &[(&str, &str)] = &[
    ("additional_eventdata", "SSEApplied"),
    ("request_parameters", "cidrIp"),
    ("request_parameters", "dryRun"),
    ("request_parameters", "fromPort"),
    ("request_parameters", "includeDeprecated"),
    ("request_parameters", "policyArn"),
    ("request_parameters", "serialNumber"),
    ("request_parameters", "withDecryption"),
    (
        "request_parameters",
        "x-amz-server-side-encryption-customer-algorithm",
    ),
];

/// [`document`] with a retain setting (ECS view only; other views ignore it).
pub fn document_with(ev: &Event<'_>, view: View, retain: Retain) -> Json {
    match view {
        View::Raw => sonic_to_serde(ev.doc()),
        View::Ecs(generation) => ecs_document(ev, generation, retain),
        View::Datadog => datadog_document(ev),
    }
}

/// Inserts `value` at dotted `path`, creating objects on the way. An existing non-object on the
/// way is left alone (the value is dropped), which cannot happen with the built-in tables.
pub fn insert_dotted(root: &mut Map<String, Json>, path: &str, value: Json) {
    let mut cur = root;
    let mut parts = path.split('.').peekable();
    while let Some(part) = parts.next() {
        if parts.peek().is_none() {
            cur.insert(part.to_owned(), value);
            return;
        }
        // Look up before inserting: most levels exist already, and a lookup needs no owned key.
        if !cur.contains_key(part) {
            cur.insert(part.to_owned(), Json::Object(Map::new()));
        }
        match cur.get_mut(part) {
            Some(Json::Object(next)) => cur = next,
            _ => return,
        }
    }
}

fn ecs_document(ev: &Event<'_>, generation: Generation, retain: Retain) -> Json {
    let mut root = Map::new();
    for (i, def) in FIELDS.iter().enumerate() {
        // Resources are written below as objects; geo location as a point.
        if def.name.starts_with("aws.cloudtrail.resources.")
            || def.name.starts_with("source.geo.location.")
        {
            continue;
        }
        let Some(field) = ecs::EcsField::at(i, generation) else {
            continue;
        };
        let values = crate::field::Field::Ecs(field).values(ev);
        if values.is_empty() {
            continue;
        }
        let json = if def.multi {
            Json::Array(values.iter().map(Val::to_json).collect())
        } else {
            values[0].to_json()
        };
        insert_dotted(&mut root, def.name, json);
    }
    if let Some(loc) = ev.location()
        && let (Some(lat), Some(lon)) = (loc.lat, loc.lon)
    {
        insert_dotted(
            &mut root,
            "source.geo.location",
            serde_json::json!({"lat": lat, "lon": lon}),
        );
    }
    let resources: Vec<Json> = ecs::resources(ev)
        .into_iter()
        .filter_map(|r| {
            let mut obj = ecs::cleaned(r.raw)?;
            let map = obj.as_object_mut()?;
            if let Some(arn) = map.remove("ARN") {
                map.insert("arn".into(), arn);
            }
            if let Some(acct) = map.remove("accountId") {
                map.insert("account_id".into(), acct);
            }
            Some(obj)
        })
        .collect();
    if !resources.is_empty() {
        insert_dotted(
            &mut root,
            "aws.cloudtrail.resources",
            Json::Array(resources),
        );
    }
    for java_root in [
        JavaRoot::RequestParameters,
        JavaRoot::ResponseElements,
        JavaRoot::AdditionalEventData,
        JavaRoot::ServiceEventDetails,
    ] {
        let Some(mut obj) = ecs::flattened_object(ev, java_root) else {
            continue;
        };
        match retain {
            Retain::All => {}
            Retain::Keyword => continue,
            Retain::Minimal => {
                let Json::Object(map) = &mut obj else {
                    continue;
                };
                map.retain(|k, _| MINIMAL_LEAVES.contains(&(java_root.ecs_name(), k.as_str())));
                if map.is_empty() {
                    continue;
                }
            }
        }
        insert_dotted(
            &mut root,
            &format!("aws.cloudtrail.flattened.{}", java_root.ecs_name()),
            obj,
        );
    }
    insert_dotted(
        &mut root,
        "event.original",
        Json::String(ev.raw().to_owned()),
    );
    Json::Object(root)
}

fn datadog_document(ev: &Event<'_>) -> Json {
    let mut root = match sonic_to_serde(ev.doc()) {
        Json::Object(map) => map,
        _ => Map::new(),
    };
    for (name, _) in datadog::DERIVED {
        let DdRef::Derived(field) = datadog::lookup(name) else {
            continue;
        };
        let values = crate::field::Field::Datadog(field).values(ev);
        if let Some(first) = values.first() {
            insert_dotted(&mut root, name, first.to_json());
        }
    }
    Json::Object(root)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ecs_document_nests_fields_and_keeps_the_original() {
        let raw = r#"{"eventTime":"2024-01-02T03:04:05Z","eventName":"CreateUser","eventSource":"iam.amazonaws.com","userIdentity":{"type":"IAMUser","userName":"bob"},"requestParameters":{"userName":"eve"},"resources":[{"ARN":"arn:x","accountId":"1"}]}"#;
        let ev = Event::parse(raw).expect("valid");
        let doc = document(&ev, View::ECS);
        assert_eq!(doc["event"]["action"], "CreateUser");
        assert_eq!(doc["event"]["category"], serde_json::json!(["iam"]));
        assert_eq!(doc["@timestamp"], "2024-01-02T03:04:05.000Z");
        assert_eq!(doc["user"]["target"]["name"], "eve");
        assert_eq!(
            doc["aws"]["cloudtrail"]["request_parameters"],
            "{userName=eve}"
        );
        assert_eq!(
            doc["aws"]["cloudtrail"]["flattened"]["request_parameters"]["userName"],
            "eve"
        );
        assert_eq!(
            doc["aws"]["cloudtrail"]["resources"],
            serde_json::json!([{"arn": "arn:x", "account_id": "1"}])
        );
        assert_eq!(doc["event"]["original"], raw);
        assert_eq!(doc["related"]["user"], serde_json::json!(["eve", "bob"]));
    }

    #[test]
    fn datadog_document_adds_attributes() {
        let ev = Event::parse(r#"{"eventName":"X","sourceIPAddress":"8.8.8.8"}"#).expect("valid");
        let doc = document(&ev, View::Datadog);
        assert_eq!(doc["evt"]["name"], "X");
        assert_eq!(doc["network"]["client"]["ip"], "8.8.8.8");
        assert_eq!(doc["eventName"], "X");
        assert_eq!(doc["status"], "info");
    }
}

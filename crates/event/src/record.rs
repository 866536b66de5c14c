//! Parsed records: what a decoded input item is, and the event that rules read.

use crate::Enrichment;
use crate::value::Path;
use sonic_rs::{JsonContainerTrait, JsonValueTrait, Value};
use std::borrow::Cow;
use std::sync::Arc;
use std::sync::OnceLock;

/// Where a record came from: an input (by index into the run's list of inputs) and its 1-based
/// record number within that input.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Origin {
    /// Index of the input in the run's source table.
    pub source: u32,
    /// 1-based position of the record in its input.
    pub record: u64,
}

/// What a JSON document turned out to be.
#[derive(Debug)]
pub enum Classified {
    /// A CloudTrail record.
    Record(Value),
    /// An Elastic document (ECS) that carries the original record in `event.original`; the
    /// record text is returned for parsing.
    EcsOriginal(String),
    /// A CloudTrail S3 delivery wrapper (`{"Records": [...]}`) that the streaming splitter did
    /// not unwrap (the `Records` key was not first): its records, parsed.
    Wrapper(Vec<Value>),
    /// A CloudTrail digest file (integrity data, no events).
    Digest,
    /// Valid JSON that is not a CloudTrail record; the reason says what was seen.
    Other(&'static str),
}

const RECORD_KEYS: [&str; 5] = [
    "eventName",
    "eventSource",
    "eventTime",
    "eventVersion",
    "eventID",
];

/// Decides what a parsed JSON document is.
pub fn classify(doc: Value) -> Classified {
    let Some(obj) = doc.as_object() else {
        return Classified::Other(if doc.is_array() {
            "a JSON array inside an array"
        } else {
            "not a JSON object"
        });
    };
    if RECORD_KEYS.iter().any(|k| obj.contains_key(k)) {
        return Classified::Record(doc);
    }
    if let Some(records) = obj.get(&"Records").and_then(|r| r.as_array()) {
        return Classified::Wrapper(records.iter().cloned().collect());
    }
    if obj.contains_key(&"digestS3Object") || obj.contains_key(&"digestStartTime") {
        return Classified::Digest;
    }
    // Elastic exports: `{"event": {"original": "..."}}`, `{"event.original": "..."}`, or a search
    // hit `{"_source": {...}}`.
    let source = obj.get(&"_source").unwrap_or(&doc);
    let original = Path::parse("event.original")
        .get(source)
        .or_else(|| source.get("event.original"))
        .and_then(|v| v.as_str());
    if let Some(text) = original {
        return Classified::EcsOriginal(text.to_owned());
    }
    Classified::Other("a JSON object without CloudTrail fields (eventName, eventSource, eventTime)")
}

/// One CloudTrail record, parsed, with lazily computed derived values.
///
/// The raw text is kept byte for byte for output. Derived values that several fields share (the
/// Java-ordered parameter strings, the timestamp) are computed on first use and cached for the
/// life of the event.
pub struct Event<'a> {
    raw: Cow<'a, str>,
    doc: Value,
    origin: Origin,
    enrichment: Option<Arc<Enrichment>>,
    pub(crate) cache: Cache,
}

#[derive(Default)]
pub(crate) struct Cache {
    pub(crate) timestamp: OnceLock<Option<jiff::Timestamp>>,
    pub(crate) timestamp_text: OnceLock<Option<String>>,
    pub(crate) creation_date: OnceLock<Option<String>>,
    pub(crate) java: [OnceLock<Option<String>>; 4],
    pub(crate) user: OnceLock<crate::ecs::UserFields>,
    pub(crate) geo: OnceLock<Option<crate::geoip::Location>>,
    pub(crate) asn: OnceLock<Option<crate::geoip::Asn>>,
}

/// An event kept as its text, origin and enrichment ([`Event::to_text`]).
#[derive(Clone, Debug)]
pub struct EventText {
    raw: Arc<str>,
    origin: Origin,
    enrichment: Option<Arc<Enrichment>>,
    time: Option<i64>,
}

impl EventText {
    /// Event time in milliseconds since the epoch.
    pub fn time_millis(&self) -> Option<i64> {
        self.time
    }

    /// The record's text.
    pub fn raw(&self) -> &str {
        &self.raw
    }

    /// The event again, parsed from its text (which was valid JSON when it was first parsed;
    /// should parsing fail all the same, the document is empty and the text is kept).
    pub fn parse(&self) -> Event<'static> {
        let doc: Value = sonic_rs::from_str(&self.raw).unwrap_or_default();
        Event::new(Cow::Owned(self.raw.to_string()), doc, self.origin)
            .with_enrichment(self.enrichment.clone())
    }
}

impl<'a> Event<'a> {
    /// An event from its raw text and parsed document.
    pub fn new(raw: Cow<'a, str>, doc: Value, origin: Origin) -> Event<'a> {
        Event {
            raw,
            doc,
            origin,
            enrichment: None,
            cache: Cache::default(),
        }
    }

    /// Parses `raw` (one CloudTrail record) into an event. For tests and small tools; inputs go
    /// through `trailhound-ingest`, which also handles wrappers, limits and errors.
    pub fn parse(raw: &'a str) -> Result<Event<'a>, sonic_rs::Error> {
        let doc: Value = sonic_rs::from_str(raw)?;
        Ok(Event::new(Cow::Borrowed(raw), doc, Origin::default()))
    }

    /// Attaches GeoIP/ASN databases for `source.geo.*`, `source.as.*` and Datadog's
    /// `network.client.geoip.*`.
    pub fn with_enrichment(mut self, enrichment: Option<Arc<Enrichment>>) -> Event<'a> {
        self.enrichment = enrichment;
        self
    }

    /// The record's text exactly as read.
    pub fn raw(&self) -> &str {
        &self.raw
    }

    /// The event without its parsed document, for state that holds many events for long: a
    /// fraction of the memory, parsed again with [`EventText::parse`] when needed.
    pub fn to_text(&self) -> EventText {
        EventText {
            raw: Arc::from(&*self.raw),
            origin: self.origin,
            enrichment: self.enrichment.clone(),
            time: self.time_millis(),
        }
    }

    /// The parsed record.
    pub fn doc(&self) -> &Value {
        &self.doc
    }

    /// Where the record came from.
    pub fn origin(&self) -> Origin {
        self.origin
    }

    /// The enrichment databases, if any.
    pub fn enrichment(&self) -> Option<&Enrichment> {
        self.enrichment.as_deref()
    }

    /// `eventTime`, parsed. `None` when absent or not ISO 8601.
    pub fn timestamp(&self) -> Option<jiff::Timestamp> {
        *self.cache.timestamp.get_or_init(|| {
            self.doc
                .get("eventTime")
                .and_then(|v| v.as_str())
                .and_then(crate::time::parse_iso8601)
        })
    }

    /// Event time in milliseconds since the epoch.
    pub fn time_millis(&self) -> Option<i64> {
        self.timestamp().map(crate::time::epoch_millis)
    }

    /// A string at a raw top-level-or-nested path (no array traversal): the workhorse of the
    /// derived fields.
    pub fn raw_str(&self, path: &[&str]) -> Option<&str> {
        let mut cur = &self.doc;
        for seg in path {
            cur = cur.get(*seg)?;
        }
        cur.as_str()
    }

    /// The same event with its raw text owned, so it can outlive the input buffer.
    pub fn into_owned(self) -> Event<'static> {
        Event {
            raw: Cow::Owned(self.raw.into_owned()),
            doc: self.doc,
            origin: self.origin,
            enrichment: self.enrichment,
            cache: self.cache,
        }
    }
}

impl std::fmt::Debug for Event<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Event")
            .field("origin", &self.origin)
            .field("raw", &self.raw)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(json: &str) -> String {
        let v: Value = sonic_rs::from_str(json).expect("valid");
        match classify(v) {
            Classified::Record(_) => "record".into(),
            Classified::EcsOriginal(s) => format!("ecs:{s}"),
            Classified::Wrapper(v) => format!("wrapper:{}", v.len()),
            Classified::Digest => "digest".into(),
            Classified::Other(why) => format!("other:{why}"),
        }
    }

    #[test]
    fn classifies_the_shapes_users_have() {
        assert_eq!(kind(r#"{"eventName":"X"}"#), "record");
        assert_eq!(
            kind(r#"{"foo":1,"Records":[{"eventName":"X"},{"eventName":"Y"}]}"#),
            "wrapper:2"
        );
        assert_eq!(
            kind(r#"{"awsAccountId":"1","digestStartTime":"x","digestS3Object":"y"}"#),
            "digest"
        );
        assert_eq!(kind(r#"{"event":{"original":"{}"}}"#), "ecs:{}");
        assert_eq!(kind(r#"{"event.original":"{}"}"#), "ecs:{}");
        assert_eq!(
            kind(r#"{"_index":"x","_source":{"event":{"original":"{\"a\":1}"}}}"#),
            r#"ecs:{"a":1}"#
        );
        assert!(kind(r#"{"hello":"world"}"#).starts_with("other:"));
        assert!(kind(r#"42"#).starts_with("other:"));
    }
}

//! CloudTrail records and the field views rules read them through.
//!
//! A record is parsed once ([`Event`]); its raw text is kept for output. Rules never see a copy
//! of the record in another shape: each rule language resolves its field names once, through a
//! [`View`], to a [`Field`] that reads straight from the parsed record and computes derived
//! values (Elastic's Java-ordered `request_parameters` string, `event.outcome`, Datadog's
//! `@usr.name`) lazily, caching them for the life of the event.
//!
//! | view | vocabulary | used by |
//! |---|---|---|
//! | [`View::Raw`] | CloudTrail's own names, dotted paths | Sigma |
//! | [`View::Ecs`] | Elastic's AWS integration (ECS) | Elastic KQL, EQL, ES\|QL |
//! | [`View::Datadog`] | Datadog's remapped attributes | Datadog rules |
//!
//! [`document`] materialises a whole view for `trailhound normalize`; it walks the same tables.
//! Values are handed out as [`Val`]s, which keep their JSON type; each language decides how a
//! number compares with a string.
#![deny(missing_docs)]

pub mod datadog;
pub mod document;
pub mod ecs;
pub mod field;
pub mod geoip;
pub mod javamap;
#[cfg(any(test, feature = "test-support"))]
pub mod mmdb;
pub mod record;
pub mod time;
pub mod useragent;
pub mod value;

pub use document::{Retain, document, document_with};
pub use ecs::{FieldType, Generation};
pub use field::{Field, Resolved, View};
pub use geoip::Enrichment;
pub use record::{Classified, Event, EventText, Origin, classify};
pub use value::{Path, Val};

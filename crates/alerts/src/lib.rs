//! Alerts as people and programs receive them: the one alert document ([`schema`]) and the
//! outputs that write it.
//!
//! The engine produces [`trailhound_engine::Alert`]s and knows nothing of formats; a sink
//! ([`AlertSink`]) takes them one by one. Adding a format is a new sink type:
//!
//! | sink | format |
//! |---|---|
//! | [`TableSink`] | a table for terminals, sorted by time, fitted to the width |
//! | [`JsonlSink`] | JSON Lines: the alert document of [`schema`], one per line |
//! | [`CsvSink`] | CSV with a header row |
//! | [`EcsSink`] | Elastic alert documents (`kibana.alert.*`) as `_bulk` requests ([`ecs`]) |
//! | [`SarifSink`] | a SARIF 2.1.0 log for CI ([`sarif`]) |
//! | [`TimelineSink`] | a responder's view by principal, in time order ([`timeline`]) |
//!
//! JSON Schemas of the JSON Lines and Elastic documents are in the repository's
//! `docs/schemas/`; `docs/alerts.md` describes the alert document field by field.
#![deny(missing_docs)]

pub mod ecs;
pub mod sarif;
pub mod schema;
pub mod sink;
pub mod summary;
pub mod timeline;

pub use ecs::EcsSink;
pub use sarif::SarifSink;
pub use schema::{event_summary, investigation_fields, message, to_json_line};
pub use sink::{AlertSink, CsvSink, JsonlSink, TableSink, TableStyle};
pub use summary::Summary;
pub use timeline::TimelineSink;

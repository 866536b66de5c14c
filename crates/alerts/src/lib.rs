//! Alerts as people and programs receive them: the one alert document ([`schema`]) and the
//! outputs that write it ([`sink`]): a table for terminals, JSON Lines, CSV.
//!
//! The engine produces [`trailhound_engine::Alert`]s and knows nothing of formats; a sink
//! ([`AlertSink`]) takes them one by one. Adding a format is a new sink type.
#![deny(missing_docs)]

pub mod schema;
pub mod sink;
pub mod summary;

pub use schema::{investigation_fields, message, to_json_line};
pub use sink::{AlertSink, CsvSink, JsonlSink, TableSink, TableStyle};
pub use summary::Summary;

//! Reading CloudTrail as users have it.
//!
//! [`expand`] turns the paths a user gives into inputs (files in a stable order, standard
//! input); [`open`] decompresses gzip detected by its magic bytes; the [`split`] module frames
//! records from any container format in bounded memory; [`pipeline::run`] decodes inputs on all
//! cores and hands results to the caller in input order. Every problem is a value
//! ([`InputError`]) carrying the input and record number; nothing stops the run.
#![deny(missing_docs)]

pub mod input;
pub mod pipeline;
pub mod split;

pub use input::{Input, InputError, Location, expand, open};
pub use pipeline::{Batch, Delivery, InputSummary, Options, Processor, Tally, run};
pub use split::{Format, Limits};

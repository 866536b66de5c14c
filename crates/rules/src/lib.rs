//! Rule files of every source, loaded into compiled rules.
//!
//! | file | format |
//! |---|---|
//! | `*.toml` with `[rule]` | Elastic detection rule (KQL, EQL, ES\|QL, threshold, new_terms) |
//! | `*.toml` with `[hunt]` | Elastic hunting query (ES\|QL) |
//!
//! Loading never stops at a bad file: every rule ends up compiled, not runnable (with the
//! reason), or an error with file, line and column ([`LoadReport`]).
#![deny(missing_docs)]

pub mod duration;
pub mod elastic;
pub mod report;

pub use report::{LoadReport, NotRunnable, RuleError};

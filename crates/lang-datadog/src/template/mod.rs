//! Notification message templates: [`parse_template`] and [`render`].
//!
//! The grammar and the rendering semantics are documented at the crate root.

mod ast;
mod parse;
mod render;

pub use ast::{Arg, Block, Call, Node, NodeKind, SIGNAL_VARIABLES, Template, VarKind};
pub use parse::{MAX_BLOCK_DEPTH, parse_template};
pub use render::{Missing, render};

#[cfg(test)]
mod tests;

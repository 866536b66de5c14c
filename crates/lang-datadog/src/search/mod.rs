//! Datadog log search syntax: [`parse_query`] turns query text into a [`Query`].
//!
//! The grammar and the matching semantics are documented at the crate root.

mod ast;
mod display;
mod lint;
mod parser;

pub use ast::{
    Cidr, CidrBlock, CompareOp, Expr, ExprKind, Field, FieldKind, NotStyle, Part, Query,
    RESERVED_ATTRIBUTES, Range, Value, ValueExpr, ValueKind,
};
pub use parser::{MAX_DEPTH, parse_query};

#[cfg(test)]
mod tests;

//! Warnings about queries that parse but probably do not say what their author meant.

use trailhound_syntax::Diagnostic;

use super::ast::{Expr, ExprKind, Query, ValueExpr, ValueKind};

impl Query {
    /// Warnings (not errors) about the query:
    ///
    /// - `datadog::lowercase_operator`: a free-text term `and`, `or` or `not`. Boolean operators
    ///   are case-sensitive, so the lowercase word is searched for as text.
    /// - `datadog::mixed_and_or`: `AND` (or juxtaposition) and `OR` at one level without
    ///   parentheses. Datadog does not document their precedence; this crate binds `AND` tighter.
    pub fn warnings(&self) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        if let Some(expr) = &self.expr {
            expr_warnings(expr, &mut out);
        }
        out
    }
}

fn mixed(span: trailhound_syntax::Span) -> Diagnostic {
    Diagnostic::new(
        "datadog::mixed_and_or",
        "`AND` and `OR` are mixed without parentheses",
        span,
    )
    .with_help("add parentheses: `(a b) OR c` or `a (b OR c)`")
}

fn expr_warnings(expr: &Expr, out: &mut Vec<Diagnostic>) {
    match &expr.kind {
        ExprKind::Or(items) => {
            if items.iter().any(|i| matches!(i.kind, ExprKind::And(_))) {
                out.push(mixed(expr.span));
            }
            items.iter().for_each(|i| expr_warnings(i, out));
        }
        ExprKind::And(items) => items.iter().for_each(|i| expr_warnings(i, out)),
        ExprKind::Not(inner, _) | ExprKind::Group(inner) => expr_warnings(inner, out),
        ExprKind::FreeText(value) => {
            if let Some(word @ ("and" | "or" | "not")) = value.literal().filter(|_| !value.quoted) {
                out.push(
                    Diagnostic::new(
                        "datadog::lowercase_operator",
                        format!("`{word}` is searched as free text, not used as an operator"),
                        expr.span,
                    )
                    .with_help(format!(
                        "boolean operators are uppercase: `{}`",
                        word.to_uppercase()
                    )),
                );
            }
        }
        ExprKind::Field(_, value) => value_warnings(value, out),
        ExprKind::MatchAll | ExprKind::Cidr(_) => {}
    }
}

fn value_warnings(value: &ValueExpr, out: &mut Vec<Diagnostic>) {
    match &value.kind {
        ValueKind::Or(items) => {
            if items.iter().any(|i| matches!(i.kind, ValueKind::And(_))) {
                out.push(mixed(value.span));
            }
            items.iter().for_each(|i| value_warnings(i, out));
        }
        ValueKind::And(items) => items.iter().for_each(|i| value_warnings(i, out)),
        ValueKind::Not(inner, _) | ValueKind::Group(inner) => value_warnings(inner, out),
        ValueKind::Match(v) => {
            if let Some(word @ ("and" | "or" | "not")) = v.literal().filter(|_| !v.quoted) {
                out.push(
                    Diagnostic::new(
                        "datadog::lowercase_operator",
                        format!("`{word}` is matched as a value, not used as an operator"),
                        value.span,
                    )
                    .with_help(format!(
                        "boolean operators are uppercase: `{}`",
                        word.to_uppercase()
                    )),
                );
            }
        }
        ValueKind::Exists | ValueKind::Compare(..) | ValueKind::Range(_) => {}
    }
}

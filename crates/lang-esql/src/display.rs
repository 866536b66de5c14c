//! `Display` for the syntax tree: prints canonical ES|QL (upper-case keywords, one line,
//! parentheses only where precedence needs them) that parses back to an equal tree.

use std::fmt::{self, Display, Formatter, Write};

use crate::ast::*;
use crate::lexer::is_keyword;

/// Renders a string value as an ES|QL string literal. Values containing `\` or `"` use the
/// verbatim `"""..."""` form when that can hold them; everything else is escaped.
pub fn quote_string(value: &str) -> String {
    let triple_ok = !value.contains("\"\"\"") && !value.contains(['\r', '\n']);
    if triple_ok && value.contains(['\\', '"']) {
        return format!("\"\"\"{value}\"\"\"");
    }
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Whether `name` can be written without backquotes in an expression.
fn plain_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    let body_ok = |s: &str| s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    match chars.next() {
        Some(c) if c.is_ascii_alphabetic() => body_ok(chars.as_str()) && !is_keyword(name),
        Some('_' | '@') => !chars.as_str().is_empty() && body_ok(chars.as_str()),
        _ => false,
    }
}

fn backquote(name: &str) -> String {
    format!("`{}`", name.replace('`', "``"))
}

impl Display for Ident {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        if self.quoted || !plain_identifier(&self.name) {
            f.write_str(&backquote(&self.name))
        } else {
            f.write_str(&self.name)
        }
    }
}

impl Display for QualifiedName {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        for (i, p) in self.parts.iter().enumerate() {
            if i > 0 {
                f.write_char('.')?;
            }
            write!(f, "{p}")?;
        }
        Ok(())
    }
}

impl Display for NamePattern {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        for (i, part) in self.parts.iter().enumerate() {
            if i > 0 {
                f.write_char('.')?;
            }
            for seg in &part.segments {
                match seg {
                    PatternSegment::Unquoted(t) => f.write_str(t)?,
                    PatternSegment::Quoted(t) => f.write_str(&backquote(t))?,
                }
            }
        }
        Ok(())
    }
}

impl Display for StringLit {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(&quote_string(&self.value))
    }
}

impl Display for LiteralValue {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            LiteralValue::Null => f.write_str("null"),
            LiteralValue::Bool(b) => write!(f, "{b}"),
            LiteralValue::Integer(v) => write!(f, "{v}"),
            LiteralValue::UnsignedLong(v) => write!(f, "{v}"),
            // `{:?}` keeps a decimal point or exponent (`1.0`, `1e300`), so it re-lexes as a decimal.
            LiteralValue::Double(v) => write!(f, "{v:?}"),
            LiteralValue::String(s) => f.write_str(&quote_string(s)),
            LiteralValue::TimeSpan { amount, unit } => write!(f, "{amount} {}", unit.name()),
            LiteralValue::Array(items) => {
                f.write_char('[')?;
                for (i, it) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{it}")?;
                }
                f.write_char(']')
            }
        }
    }
}

impl Display for Literal {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        self.value.fmt(f)
    }
}

impl Display for Param {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "?{}", self.name.as_deref().unwrap_or(""))
    }
}

/// Binding strength, higher binds tighter (mirrors the parser's levels).
fn prec(e: &Expr) -> u8 {
    match e {
        Expr::Binary {
            op: BinaryOp::Or, ..
        } => 1,
        Expr::Binary {
            op: BinaryOp::And, ..
        } => 2,
        Expr::Not { .. } => 3,
        Expr::Like { .. } | Expr::In { .. } | Expr::IsNull { .. } | Expr::Match(_) => 4,
        Expr::Binary { op, .. } if op.is_comparison() => 5,
        Expr::Binary {
            op: BinaryOp::Add | BinaryOp::Sub,
            ..
        } => 6,
        Expr::Binary { .. } => 7,
        Expr::Unary { .. } => 8,
        Expr::Cast { .. } => 9,
        Expr::Literal(_) | Expr::Field(_) | Expr::Param(_) | Expr::Function(_) => 10,
    }
}

/// Whether the printed form of `e` starts with a numeric literal (a sign before it would be
/// re-read as part of the number).
fn starts_with_number(e: &Expr) -> bool {
    match e {
        Expr::Literal(l) => matches!(
            l.value,
            LiteralValue::Integer(_)
                | LiteralValue::UnsignedLong(_)
                | LiteralValue::Double(_)
                | LiteralValue::TimeSpan { .. }
        ),
        Expr::Cast { expr, .. } => starts_with_number(expr),
        _ => false,
    }
}

struct Child<'a>(&'a Expr, u8);

impl Display for Child<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        if prec(self.0) < self.1 {
            write!(f, "({})", self.0)
        } else {
            write!(f, "{}", self.0)
        }
    }
}

impl Display for Expr {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Expr::Literal(l) => write!(f, "{l}"),
            Expr::Field(q) => write!(f, "{q}"),
            Expr::Param(p) => write!(f, "{p}"),
            Expr::Function(call) => write!(f, "{call}"),
            Expr::Unary { op, operand, .. } => {
                f.write_str(if *op == UnaryOp::Neg { "-" } else { "+" })?;
                if starts_with_number(operand) {
                    write!(f, "({operand})")
                } else {
                    write!(f, "{}", Child(operand, 8))
                }
            }
            Expr::Binary {
                op, left, right, ..
            } => {
                let (lmin, rmin) = match op {
                    BinaryOp::Or => (1, 2),
                    BinaryOp::And => (2, 3),
                    op if op.is_comparison() => (6, 6),
                    BinaryOp::Add | BinaryOp::Sub => (6, 7),
                    _ => (7, 8),
                };
                write!(
                    f,
                    "{} {} {}",
                    Child(left, lmin),
                    op.symbol(),
                    Child(right, rmin)
                )
            }
            Expr::Not { operand, .. } => write!(f, "NOT {}", Child(operand, 3)),
            Expr::Like {
                kind,
                expr,
                patterns,
                list,
                negated,
                ..
            } => {
                write!(
                    f,
                    "{}{} {} ",
                    Child(expr, 5),
                    if *negated { " NOT" } else { "" },
                    if *kind == LikeKind::Like {
                        "LIKE"
                    } else {
                        "RLIKE"
                    }
                )?;
                if *list {
                    f.write_char('(')?;
                    for (i, p) in patterns.iter().enumerate() {
                        if i > 0 {
                            f.write_str(", ")?;
                        }
                        write!(f, "{p}")?;
                    }
                    f.write_char(')')
                } else {
                    for p in patterns {
                        write!(f, "{p}")?;
                    }
                    Ok(())
                }
            }
            Expr::In {
                expr,
                list,
                negated,
                ..
            } => {
                write!(
                    f,
                    "{}{} IN (",
                    Child(expr, 5),
                    if *negated { " NOT" } else { "" }
                )?;
                for (i, item) in list.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{}", Child(item, 5))?;
                }
                f.write_char(')')
            }
            Expr::IsNull { expr, negated, .. } => {
                write!(
                    f,
                    "{} IS {}NULL",
                    Child(expr, 5),
                    if *negated { "NOT " } else { "" }
                )
            }
            Expr::Cast { expr, ty, .. } => write!(f, "{}::{ty}", Child(expr, 9)),
            Expr::Match(m) => {
                write!(f, "{}", m.field)?;
                if let Some(t) = &m.ty {
                    write!(f, "::{t}")?;
                }
                write!(f, " : {}", m.query)
            }
        }
    }
}

impl Display for FunctionCall {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{}(", self.name)?;
        match &self.args {
            FunctionArgs::Star => f.write_char('*')?,
            FunctionArgs::List(args) => {
                for (i, a) in args.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{a}")?;
                }
            }
        }
        if let Some(m) = &self.options {
            write!(f, ", {m}")?;
        }
        f.write_char(')')
    }
}

impl Display for MapExpr {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_char('{')?;
        for (i, (k, v)) in self.entries.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{k}: {v}")?;
        }
        f.write_char('}')
    }
}

impl Display for Field {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        if let Some(n) = &self.name {
            write!(f, "{n} = ")?;
        }
        write!(f, "{}", self.expr)
    }
}

fn join<T: Display>(f: &mut Formatter<'_>, items: &[T]) -> fmt::Result {
    for (i, it) in items.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        write!(f, "{it}")?;
    }
    Ok(())
}

impl Display for IndexPattern {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        if self.quoted {
            return f.write_str(&quote_string(&self.index));
        }
        if let Some(c) = &self.cluster {
            write!(f, "{c}:")?;
        }
        f.write_str(&self.index)?;
        if let Some(s) = &self.selector {
            write!(f, "::{s}")?;
        }
        Ok(())
    }
}

impl Display for SourceCommand {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            SourceCommand::From(from) => {
                f.write_str("FROM ")?;
                join(f, &from.indices)?;
                if !from.metadata.is_empty() {
                    f.write_str(" METADATA ")?;
                    for (i, m) in from.metadata.iter().enumerate() {
                        if i > 0 {
                            f.write_str(", ")?;
                        }
                        f.write_str(&m.name)?;
                    }
                }
                Ok(())
            }
            SourceCommand::Row { fields, .. } => {
                f.write_str("ROW ")?;
                join(f, fields)
            }
            SourceCommand::ShowInfo { .. } => f.write_str("SHOW INFO"),
        }
    }
}

impl Display for StatsCommand {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        for (i, agg) in self.aggregates.iter().enumerate() {
            f.write_str(if i == 0 { " " } else { ", " })?;
            write!(f, "{}", agg.field)?;
            if let Some(w) = &agg.filter {
                write!(f, " WHERE {w}")?;
            }
        }
        if !self.groups.is_empty() {
            f.write_str(" BY ")?;
            join(f, &self.groups)?;
        }
        Ok(())
    }
}

impl Display for SortKey {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.expr)?;
        match self.order {
            Some(SortOrder::Asc) => f.write_str(" ASC")?,
            Some(SortOrder::Desc) => f.write_str(" DESC")?,
            None => {}
        }
        match self.nulls {
            Some(NullsOrder::First) => f.write_str(" NULLS FIRST"),
            Some(NullsOrder::Last) => f.write_str(" NULLS LAST"),
            None => Ok(()),
        }
    }
}

impl Display for ProcessingCommand {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            ProcessingCommand::Where { condition, .. } => write!(f, "WHERE {condition}"),
            ProcessingCommand::Eval { fields, .. } => {
                f.write_str("EVAL ")?;
                join(f, fields)
            }
            ProcessingCommand::Stats(s) => write!(f, "STATS{s}"),
            ProcessingCommand::InlineStats(s) => write!(f, "INLINE STATS{s}"),
            ProcessingCommand::Keep { patterns, .. } => {
                f.write_str("KEEP ")?;
                join(f, patterns)
            }
            ProcessingCommand::Drop { patterns, .. } => {
                f.write_str("DROP ")?;
                join(f, patterns)
            }
            ProcessingCommand::Rename { clauses, .. } => {
                f.write_str("RENAME ")?;
                for (i, c) in clauses.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    match c.form {
                        RenameForm::As => write!(f, "{} AS {}", c.old, c.new)?,
                        RenameForm::Assign => write!(f, "{} = {}", c.new, c.old)?,
                    }
                }
                Ok(())
            }
            ProcessingCommand::Sort { keys, .. } => {
                f.write_str("SORT ")?;
                join(f, keys)
            }
            ProcessingCommand::Limit { count, .. } => match count {
                LimitCount::Value(v) => write!(f, "LIMIT {v}"),
                LimitCount::Param(p) => write!(f, "LIMIT {p}"),
            },
            ProcessingCommand::Dissect {
                input,
                pattern,
                append_separator,
                ..
            } => {
                write!(f, "DISSECT {} {pattern}", Child(input, 9))?;
                if let Some(sep) = append_separator {
                    write!(f, " APPEND_SEPARATOR={sep}")?;
                }
                Ok(())
            }
            ProcessingCommand::Grok {
                input, patterns, ..
            } => {
                write!(f, "GROK {} ", Child(input, 9))?;
                join(f, patterns)
            }
            ProcessingCommand::MvExpand { field, .. } => write!(f, "MV_EXPAND {field}"),
            ProcessingCommand::Enrich(e) => {
                f.write_str("ENRICH ")?;
                if e.policy_quoted {
                    f.write_str(&quote_string(&e.policy.name))?
                } else {
                    f.write_str(&e.policy.name)?
                }
                if let Some(on) = &e.on {
                    write!(f, " ON {on}")?;
                }
                if !e.with.is_empty() {
                    f.write_str(" WITH ")?;
                    for (i, w) in e.with.iter().enumerate() {
                        if i > 0 {
                            f.write_str(", ")?;
                        }
                        if let Some(n) = &w.new_name {
                            write!(f, "{n} = ")?;
                        }
                        write!(f, "{}", w.field)?;
                    }
                }
                Ok(())
            }
            ProcessingCommand::LookupJoin { index, on, .. } => {
                write!(f, "LOOKUP JOIN {index} ON ")?;
                for (i, e) in on.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{}", Child(e, 5))?;
                }
                Ok(())
            }
            ProcessingCommand::ChangePoint {
                value, key, output, ..
            } => {
                write!(f, "CHANGE_POINT {value}")?;
                if let Some(k) = key {
                    write!(f, " ON {k}")?;
                }
                if let Some((a, b)) = output {
                    write!(f, " AS {a}, {b}")?;
                }
                Ok(())
            }
            ProcessingCommand::Sample { probability, .. } => write!(f, "SAMPLE {probability}"),
            ProcessingCommand::Fork { branches, .. } => {
                f.write_str("FORK")?;
                for b in branches {
                    f.write_str(" (")?;
                    for (i, c) in b.iter().enumerate() {
                        if i > 0 {
                            f.write_str(" | ")?;
                        }
                        write!(f, "{c}")?;
                    }
                    f.write_char(')')?;
                }
                Ok(())
            }
        }
    }
}

impl Display for Query {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.source)?;
        for c in &self.commands {
            write!(f, " | {c}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_quoted_reversibly() {
        let cases = [
            ("plain", "\"plain\""),
            ("a\"b", "\"\"\"a\"b\"\"\""),
            ("back\\slash", "\"\"\"back\\slash\"\"\""),
            ("line\nbreak", "\"line\\nbreak\""),
            ("tab\there", "\"tab\\there\""),
            ("has \"\"\" and \\", "\"has \\\"\\\"\\\" and \\\\\""),
            ("", "\"\""),
        ];
        for (value, want) in cases {
            assert_eq!(quote_string(value), want, "{value:?}");
        }
    }

    #[test]
    fn identifiers_are_backquoted_when_needed() {
        let id = |name: &str, quoted: bool| {
            Ident {
                name: name.into(),
                quoted,
                span: Default::default(),
            }
            .to_string()
        };
        assert_eq!(id("abc", false), "abc");
        assert_eq!(id("@timestamp", false), "@timestamp");
        assert_eq!(id("a.b", false), "`a.b`");
        assert_eq!(id("first", false), "`first`");
        assert_eq!(id("x`y", true), "`x``y`");
        assert_eq!(id("_", false), "`_`");
        assert_eq!(id("1x", false), "`1x`");
    }
}

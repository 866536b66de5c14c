//! Printing search ASTs back to query text that parses to an equal AST.

use std::fmt::{self, Display, Formatter, Write};

use super::ast::{
    Cidr, CidrBlock, Expr, ExprKind, Field, FieldKind, NotStyle, Part, Query, Range, Value,
    ValueExpr, ValueKind,
};

impl Display for Query {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match &self.expr {
            Some(expr) => expr.fmt(f),
            None => Ok(()),
        }
    }
}

fn join<T: Display>(f: &mut Formatter<'_>, items: &[T], sep: &str) -> fmt::Result {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            f.write_str(sep)?;
        }
        item.fmt(f)?;
    }
    Ok(())
}

fn write_not(f: &mut Formatter<'_>, inner: &dyn Display, style: NotStyle) -> fmt::Result {
    match style {
        NotStyle::Keyword => write!(f, "NOT {inner}"),
        NotStyle::Minus => write!(f, "-{inner}"),
    }
}

impl Display for Expr {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ExprKind::And(items) => join(f, items, " "),
            ExprKind::Or(items) => join(f, items, " OR "),
            ExprKind::Not(inner, style) => write_not(f, inner, *style),
            ExprKind::Group(inner) => write!(f, "({inner})"),
            ExprKind::FreeText(value) => value.fmt(f),
            ExprKind::MatchAll => f.write_str("*"),
            ExprKind::Field(field, value) => write!(f, "{field}:{value}"),
            ExprKind::Cidr(cidr) => cidr.fmt(f),
        }
    }
}

impl Display for Cidr {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "CIDR({}", self.field)?;
        for block in &self.blocks {
            write!(f, ", {block}")?;
        }
        f.write_str(")")
    }
}

impl Display for CidrBlock {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.addr, self.prefix)
    }
}

impl Display for Field {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self.kind {
            FieldKind::FullText => return f.write_str("*"),
            FieldKind::Attribute => f.write_char('@')?,
            FieldKind::Calculated => f.write_char('#')?,
            FieldKind::Reserved | FieldKind::Tag => {}
        }
        let prefixed = matches!(self.kind, FieldKind::Attribute | FieldKind::Calculated);
        for (i, c) in self.name.chars().enumerate() {
            if needs_escape(c, i == 0 && !prefixed)
                || c == ','
                || (i == 0 && is_keyword(&self.name))
            {
                f.write_char('\\')?;
            }
            f.write_char(c)?;
        }
        Ok(())
    }
}

impl Display for ValueExpr {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ValueKind::And(items) => join(f, items, " "),
            ValueKind::Or(items) => join(f, items, " OR "),
            ValueKind::Not(inner, style) => write_not(f, inner, *style),
            ValueKind::Group(inner) => write!(f, "({inner})"),
            ValueKind::Match(value) => value.fmt(f),
            ValueKind::Exists => f.write_str("*"),
            ValueKind::Compare(op, value) => write!(f, "{}{value}", op.as_str()),
            ValueKind::Range(range) => range.fmt(f),
        }
    }
}

impl Display for Range {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_char(if self.lower_inclusive { '[' } else { '{' })?;
        write_bound(f, self.lower.as_ref())?;
        f.write_str(" TO ")?;
        write_bound(f, self.upper.as_ref())?;
        f.write_char(if self.upper_inclusive { ']' } else { '}' })
    }
}

fn write_bound(f: &mut Formatter<'_>, bound: Option<&Value>) -> fmt::Result {
    let Some(value) = bound else {
        return f.write_char('*');
    };
    if value.quoted {
        return value.fmt(f);
    }
    let text: String = value.parts.iter().map(part_text).collect();
    for (i, c) in text.chars().enumerate() {
        let special = c.is_whitespace() || matches!(c, ']' | '}' | '\\') || (i == 0 && c == '"');
        if special || (i == 0 && text == "*") {
            f.write_char('\\')?;
        }
        f.write_char(c)?;
    }
    Ok(())
}

fn part_text(part: &Part) -> &str {
    match part {
        Part::Text(text) => text,
        Part::AnyChars => "*",
        Part::AnyChar => "?",
    }
}

impl Display for Value {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        if self.quoted {
            f.write_char('"')?;
            for c in self.parts.iter().flat_map(|p| part_text(p).chars()) {
                if matches!(c, '"' | '\\') {
                    f.write_char('\\')?;
                }
                f.write_char(c)?;
            }
            return f.write_char('"');
        }
        let keyword = self.literal().is_some_and(is_keyword);
        let mut first = true;
        for part in &self.parts {
            match part {
                Part::Text(text) => {
                    for c in text.chars() {
                        if needs_escape(c, first) || (first && keyword) {
                            f.write_char('\\')?;
                        }
                        f.write_char(c)?;
                        first = false;
                    }
                }
                Part::AnyChars => f.write_char('*')?,
                Part::AnyChar => f.write_char('?')?,
            }
            first = false;
        }
        Ok(())
    }
}

fn is_keyword(text: &str) -> bool {
    matches!(text, "AND" | "OR" | "NOT")
}

/// Whether a literal character of an unquoted term must be written with a backslash.
fn needs_escape(c: char, first: bool) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '(' | ')'
                | '['
                | ']'
                | '{'
                | '}'
                | '"'
                | '<'
                | '>'
                | '~'
                | '^'
                | '!'
                | ':'
                | '\\'
                | '*'
                | '?'
                | '“'
                | '”'
                | '&'
                | '|'
        )
        || (first && matches!(c, '-' | '+' | '=' | '@' | '#'))
}

//! `Display` for the tree: prints valid EQL that parses back to an equal tree. Parentheses are
//! added exactly where the precedence levels of [`crate::expr`] need them.

use crate::ast::*;
use crate::lexer::is_plain_identifier;
use std::fmt::{self, Display, Formatter, Write};

impl Display for Query {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match &self.body {
            QueryBody::Event(q) => write!(f, "{q}")?,
            QueryBody::Sequence(s) => write!(f, "{s}")?,
            QueryBody::Sample(s) => write!(f, "{s}")?,
        }
        for p in &self.pipes {
            write!(f, "\n| {p}")?;
        }
        Ok(())
    }
}

impl Display for EventQuery {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{} where {}", self.category, self.condition)
    }
}

impl Display for Category {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Category::Any { .. } => f.write_str("any"),
            Category::Identifier { name, .. } if is_plain_identifier(name) => f.write_str(name),
            Category::Identifier { name, .. } => write!(f, "{}", StringLit::new(name.clone())),
            Category::String(s) => write!(f, "{s}"),
        }
    }
}

fn write_keys(f: &mut Formatter<'_>, keys: &[Field]) -> fmt::Result {
    if keys.is_empty() {
        return Ok(());
    }
    f.write_str(" by ")?;
    for (i, k) in keys.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        write!(f, "{k}")?;
    }
    Ok(())
}

impl Display for Sequence {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str("sequence")?;
        write_keys(f, &self.by)?;
        if let Some(m) = &self.maxspan {
            write!(f, " with maxspan={m}")?;
        }
        for step in &self.steps {
            write!(f, "\n  {step}")?;
        }
        if let Some(u) = &self.until {
            write!(f, "\nuntil {u}")?;
        }
        Ok(())
    }
}

impl Display for SequenceStep {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{}[{}]", if self.missing { "!" } else { "" }, self.query)?;
        write_keys(f, &self.by)?;
        if let Some(r) = self.runs {
            write!(f, " with runs={}", r.count)?;
        }
        Ok(())
    }
}

impl Display for MaxSpan {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.value, self.unit.suffix())
    }
}

impl Display for Sample {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str("sample")?;
        write_keys(f, &self.by)?;
        for step in &self.steps {
            write!(f, "\n  [{}]", step.query)?;
            write_keys(f, &step.by)?;
        }
        Ok(())
    }
}

impl Display for Pipe {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(self.kind.name())?;
        match &self.kind {
            PipeKind::Head(n) | PipeKind::Tail(n) => write!(f, " {n}"),
            PipeKind::Filter(e) => write!(f, " {e}"),
            PipeKind::Count(args)
            | PipeKind::Sort(args)
            | PipeKind::Unique(args)
            | PipeKind::UniqueCount(args) => {
                if !args.is_empty() {
                    f.write_char(' ')?;
                    write_list(f, args)?;
                }
                Ok(())
            }
        }
    }
}

fn write_list(f: &mut Formatter<'_>, items: &[Expr]) -> fmt::Result {
    for (i, e) in items.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        write!(f, "{e}")?;
    }
    Ok(())
}

/// Binding strength of each form; a child weaker than its slot requires is parenthesised.
fn precedence(e: &Expr) -> u8 {
    match &e.kind {
        ExprKind::Or(_) => 1,
        ExprKind::And(_) => 2,
        ExprKind::Not(_) => 3,
        ExprKind::Compare { .. } => 4,
        ExprKind::Arithmetic {
            op: ArithOp::Add | ArithOp::Sub,
            ..
        } => 5,
        ExprKind::Arithmetic { .. } => 6,
        ExprKind::Negate(_) => 7,
        ExprKind::In { .. } | ExprKind::Match { .. } => 8,
        ExprKind::Literal(_) | ExprKind::Field(_) | ExprKind::Call(_) => 9,
    }
}

/// Writes `e`, parenthesised if it binds more loosely than `min`.
fn operand(f: &mut Formatter<'_>, e: &Expr, min: u8) -> fmt::Result {
    if precedence(e) < min {
        write!(f, "({e})")
    } else {
        write!(f, "{e}")
    }
}

impl Display for Expr {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ExprKind::Literal(l) => write!(f, "{l}"),
            ExprKind::Field(x) => write!(f, "{x}"),
            ExprKind::Call(c) => write!(f, "{c}"),
            ExprKind::Not(e) => {
                f.write_str("not ")?;
                operand(f, e, 3)
            }
            ExprKind::And(items) | ExprKind::Or(items) => {
                let (sep, min) = if matches!(self.kind, ExprKind::And(_)) {
                    (" and ", 3)
                } else {
                    (" or ", 2)
                };
                for (i, e) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(sep)?;
                    }
                    operand(f, e, min)?;
                }
                Ok(())
            }
            ExprKind::Compare { op, left, right } => {
                operand(f, left, 5)?;
                write!(f, " {} ", op.symbol())?;
                operand(f, right, 5)
            }
            ExprKind::Arithmetic { op, left, right } => {
                let own = precedence(self);
                operand(f, left, own)?;
                write!(f, " {} ", op.symbol())?;
                operand(f, right, own + 1)
            }
            ExprKind::Negate(e) => {
                f.write_char('-')?;
                operand(f, e, 7)
            }
            ExprKind::In {
                value,
                list,
                negated,
                case_insensitive,
            } => {
                operand(f, value, 9)?;
                write!(
                    f,
                    "{} in{} (",
                    if *negated { " not" } else { "" },
                    if *case_insensitive { "~" } else { "" }
                )?;
                write_list(f, list)?;
                f.write_char(')')
            }
            ExprKind::Match {
                value,
                op,
                patterns,
            } => {
                operand(f, value, 9)?;
                write!(f, " {} ", op.symbol())?;
                match patterns.as_slice() {
                    [one] => write!(f, "{one}"),
                    many => {
                        f.write_char('(')?;
                        for (i, p) in many.iter().enumerate() {
                            if i > 0 {
                                f.write_str(", ")?;
                            }
                            write!(f, "{p}")?;
                        }
                        f.write_char(')')
                    }
                }
            }
        }
    }
}

impl Display for Literal {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Literal::Null => f.write_str("null"),
            Literal::Boolean(b) => write!(f, "{b}"),
            Literal::Number(n) => f.write_str(&n.raw),
            Literal::String(s) => write!(f, "{s}"),
        }
    }
}

impl Display for StringLit {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        if self.raw {
            write!(f, "\"\"\"{}\"\"\"", self.source)
        } else {
            write!(f, "\"{}\"", self.source)
        }
    }
}

impl Display for Field {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        if self.optional {
            f.write_char('?')?;
        }
        for (i, s) in self.segments.iter().enumerate() {
            if i > 0 {
                f.write_char('.')?;
            }
            if s.quoted || !is_plain_identifier(&s.name) {
                write!(f, "`{}`", s.name.replace('`', "``"))?;
            } else {
                f.write_str(&s.name)?;
            }
        }
        Ok(())
    }
}

impl Display for Call {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}{}(",
            self.name,
            if self.case_insensitive { "~" } else { "" }
        )?;
        write_list(f, &self.args)?;
        f.write_char(')')
    }
}

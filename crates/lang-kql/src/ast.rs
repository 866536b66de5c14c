//! The KQL syntax tree.
//!
//! The tree keeps what the source says, not what Kibana lowers it to: a value list `f: (a or b)`
//! stays a [`ValueExpr`] under one [`Expr::Match`] instead of being distributed into
//! `f: a or f: b`. Parentheses that only group leave no node; [`Display`](std::fmt::Display)
//! re-inserts the ones the shape needs.

use trailhound_syntax::Span;

/// A KQL query or sub-query.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Expr {
    /// `a or b or c`: true when any term is. Holds two or more terms, flattened as Kibana does
    /// (`(a or b) or c` keeps its inner `or` as a separate node).
    Or {
        /// The operands, in source order.
        terms: Vec<Expr>,
        /// From the first term to the last.
        span: Span,
    },
    /// `a and b and c`: true when every term is. Holds two or more terms.
    And {
        /// The operands, in source order.
        terms: Vec<Expr>,
        /// From the first term to the last.
        span: Span,
    },
    /// `not q`: true when `q` is false, including when the fields `q` reads are missing.
    Not {
        /// The negated query.
        expr: Box<Expr>,
        /// From `not` to the end of the operand.
        span: Span,
    },
    /// `field: value` or `field: (value list)`.
    Match {
        /// The field name; may hold wildcards (`host.*`).
        field: Literal,
        /// One value, or a list combined with `and`/`or`/`not`.
        value: ValueExpr,
        /// From the field to the end of the value.
        span: Span,
    },
    /// `field < value`, `field <= value`, `field > value`, `field >= value`.
    Range {
        /// The field name; may hold wildcards.
        field: Literal,
        /// The comparison.
        op: RangeOp,
        /// The bound, kept as text.
        value: Literal,
        /// From the field to the end of the bound.
        span: Span,
    },
    /// `field: { query }`: a query on the objects of a nested field. Field names inside are
    /// relative to `field`.
    Nested {
        /// The path of the nested objects.
        field: Literal,
        /// The query each object is tested against.
        query: Box<Expr>,
        /// From the field to the closing `}`.
        span: Span,
    },
    /// A value with no field, searched in every field (Kibana's free-text search).
    FreeText {
        /// The searched value.
        value: Literal,
        /// The value's span.
        span: Span,
    },
}

impl Expr {
    /// Where this node is in the query text.
    pub fn span(&self) -> Span {
        match self {
            Expr::Or { span, .. }
            | Expr::And { span, .. }
            | Expr::Not { span, .. }
            | Expr::Match { span, .. }
            | Expr::Range { span, .. }
            | Expr::Nested { span, .. }
            | Expr::FreeText { span, .. } => *span,
        }
    }

    /// Every field name the query reads, in order of first appearance and without repeats.
    /// Names inside a nested query are made absolute (`top:{ a: 1 }` gives `top`, `top.a`).
    /// Wildcard field names are returned as written (`host.*`).
    pub fn field_names(&self) -> Vec<String> {
        let mut names = Vec::new();
        self.collect_fields("", &mut names);
        names
    }

    fn collect_fields(&self, prefix: &str, names: &mut Vec<String>) {
        let mut add = |field: &Literal| {
            let name = format!("{prefix}{}", field.text);
            if !names.contains(&name) {
                names.push(name);
            }
        };
        match self {
            Expr::Or { terms, .. } | Expr::And { terms, .. } => {
                for term in terms {
                    term.collect_fields(prefix, names);
                }
            }
            Expr::Not { expr, .. } => expr.collect_fields(prefix, names),
            Expr::Match { field, .. } | Expr::Range { field, .. } => add(field),
            Expr::Nested { field, query, .. } => {
                add(field);
                query.collect_fields(&format!("{prefix}{}.", field.text), names);
            }
            Expr::FreeText { .. } => {}
        }
    }
}

/// The value side of `field: ...`: one value, or a parenthesised list with `and`/`or`/`not`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ValueExpr {
    /// `(a or b)`: the field matches any of the alternatives.
    Or {
        /// Two or more alternatives.
        terms: Vec<ValueExpr>,
        /// From the first alternative to the last.
        span: Span,
    },
    /// `(a and b)`: the field matches every operand (each one on its own; see the crate docs).
    And {
        /// Two or more operands.
        terms: Vec<ValueExpr>,
        /// From the first operand to the last.
        span: Span,
    },
    /// `(not a)`: the field does not match.
    Not {
        /// The negated value list.
        value: Box<ValueExpr>,
        /// From `not` to the end of the operand.
        span: Span,
    },
    /// A single value.
    Value(Literal),
}

impl ValueExpr {
    /// Where this node is in the query text.
    pub fn span(&self) -> Span {
        match self {
            ValueExpr::Or { span, .. }
            | ValueExpr::And { span, .. }
            | ValueExpr::Not { span, .. } => *span,
            ValueExpr::Value(literal) => literal.span,
        }
    }
}

/// A range comparison operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RangeOp {
    /// `<`
    Lt,
    /// `<=`
    Lte,
    /// `>`
    Gt,
    /// `>=`
    Gte,
}

impl RangeOp {
    /// The operator as written in KQL.
    pub fn as_str(self) -> &'static str {
        match self {
            RangeOp::Lt => "<",
            RangeOp::Lte => "<=",
            RangeOp::Gt => ">",
            RangeOp::Gte => ">=",
        }
    }
}

/// A field name or value as written: quoted (`"..."`) or unquoted.
///
/// `text` is the unescaped text. An unquoted literal is trimmed of surrounding whitespace, as
/// Kibana does, and every `*` in it appears as `*`; `wildcards` says which of them were written
/// bare (live wildcards) rather than as `\*` (a literal asterisk). A quoted literal never has
/// live wildcards.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Literal {
    /// The unescaped text.
    pub text: String,
    /// Whether the literal was written in double quotes.
    pub quoted: bool,
    /// Byte offsets into `text` of the live `*` wildcards, ascending.
    pub wildcards: Vec<usize>,
    /// Where the literal is in the query text (an unquoted one without its surrounding
    /// whitespace).
    pub span: Span,
}

/// A piece of a literal: text to match exactly, or a live wildcard.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Piece<'a> {
    /// Text that must match character for character (may contain a literal `*`).
    Text(&'a str),
    /// A live `*`: any sequence of characters, including none.
    Any,
}

/// The three unquoted words Kibana turns into JSON constants instead of strings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Constant {
    /// `null`
    Null,
    /// `true`
    True,
    /// `false`
    False,
}

impl Literal {
    /// Whether the literal has at least one live wildcard (Kibana builds a wildcard node).
    pub fn is_wildcard(&self) -> bool {
        !self.wildcards.is_empty()
    }

    /// Whether the literal is a single bare `*`: as a value it means "the field exists", as a
    /// field name "every field".
    pub fn is_lone_wildcard(&self) -> bool {
        !self.quoted && self.text == "*" && self.wildcards == [0]
    }

    /// The literal split into exact text and live wildcards, in order. Empty text between two
    /// wildcards is left out.
    pub fn pieces(&self) -> Vec<Piece<'_>> {
        let mut pieces = Vec::new();
        let mut start = 0;
        for &at in &self.wildcards {
            if let Some(text) = self.text.get(start..at).filter(|t| !t.is_empty()) {
                pieces.push(Piece::Text(text));
            }
            pieces.push(Piece::Any);
            start = at + 1;
        }
        if let Some(text) = self.text.get(start..).filter(|t| !t.is_empty()) {
            pieces.push(Piece::Text(text));
        }
        pieces
    }

    /// The JSON constant Kibana makes of an unquoted `null`, `true` or `false` (exact,
    /// lower-case, after trimming); `None` for any other literal, including quoted ones.
    pub fn constant(&self) -> Option<Constant> {
        if self.quoted || self.is_wildcard() {
            return None;
        }
        match self.text.as_str() {
            "null" => Some(Constant::Null),
            "true" => Some(Constant::True),
            "false" => Some(Constant::False),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unquoted(text: &str, wildcards: &[usize]) -> Literal {
        Literal {
            text: text.into(),
            quoted: false,
            wildcards: wildcards.to_vec(),
            span: Span::default(),
        }
    }

    #[test]
    fn pieces_split_at_live_wildcards_only() {
        let cases: &[(Literal, Vec<Piece<'_>>)] = &[
            (unquoted("abc", &[]), vec![Piece::Text("abc")]),
            (unquoted("*", &[0]), vec![Piece::Any]),
            (
                unquoted("*a*b*", &[0, 2, 4]),
                vec![
                    Piece::Any,
                    Piece::Text("a"),
                    Piece::Any,
                    Piece::Text("b"),
                    Piece::Any,
                ],
            ),
            // `foo\*bar*`: the first star is literal.
            (
                unquoted("foo*bar*", &[7]),
                vec![Piece::Text("foo*bar"), Piece::Any],
            ),
            (unquoted("**", &[0, 1]), vec![Piece::Any, Piece::Any]),
            (unquoted("", &[]), vec![]),
        ];
        for (literal, expected) in cases {
            assert_eq!(&literal.pieces(), expected, "{literal:?}");
        }
    }

    #[test]
    fn lone_wildcard_and_constants() {
        assert!(unquoted("*", &[0]).is_lone_wildcard());
        assert!(
            !unquoted("*", &[]).is_lone_wildcard(),
            "escaped star is a literal"
        );
        assert!(
            !Literal {
                quoted: true,
                ..unquoted("*", &[])
            }
            .is_lone_wildcard()
        );
        assert!(!unquoted("**", &[0, 1]).is_lone_wildcard());

        let cases = [
            (unquoted("true", &[]), Some(Constant::True)),
            (unquoted("false", &[]), Some(Constant::False)),
            (unquoted("null", &[]), Some(Constant::Null)),
            (unquoted("TRUE", &[]), None),
            (unquoted("1", &[]), None),
            (
                Literal {
                    quoted: true,
                    ..unquoted("true", &[])
                },
                None,
            ),
        ];
        for (literal, expected) in cases {
            assert_eq!(literal.constant(), expected, "{literal:?}");
        }
    }

    #[test]
    fn field_names_resolve_nested_paths() {
        let field = |name: &str| unquoted(name, &[]);
        let leaf = |name: &str| Expr::Match {
            field: field(name),
            value: ValueExpr::Value(unquoted("x", &[])),
            span: Span::default(),
        };
        let query = Expr::And {
            terms: vec![
                leaf("a"),
                Expr::Nested {
                    field: field("top"),
                    query: Box::new(Expr::And {
                        terms: vec![
                            leaf("b"),
                            Expr::Nested {
                                field: field("middle"),
                                query: Box::new(leaf("c")),
                                span: Span::default(),
                            },
                        ],
                        span: Span::default(),
                    }),
                    span: Span::default(),
                },
                leaf("a"),
                Expr::FreeText {
                    value: unquoted("free", &[]),
                    span: Span::default(),
                },
            ],
            span: Span::default(),
        };
        assert_eq!(
            query.field_names(),
            ["a", "top", "top.b", "top.middle", "top.middle.c"]
        );
    }
}

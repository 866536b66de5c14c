//! Compiling a KQL query to the engine's predicate IR, with the semantics Elastic's detection
//! engine gives it over the Elastic AWS integration's CloudTrail index.
//!
//! The crate's `# Semantics` section is the specification; this module implements it, and each
//! rule's source is given where it is implemented ([`leaf`] for the per-type rules). In short:
//!
//! - **Boolean structure** (§1): `and`/`or`/`not` map to [`Pred::and`]/[`Pred::or`]/
//!   [`Pred::negate`]. Every leaf is false on a missing field, so `not f: v` is true there, as
//!   `bool.must_not` is.
//! - **Value lists** (§2) distribute: `f: (a or b and not c)` is `f: a or (f: b and not f: c)`,
//!   each leaf tested on its own against any value of `f` (Kibana's grammar builds exactly these
//!   `is` nodes; `grammar.peggy`, `OrListOfValues`).
//! - **Field names** (§3) resolve through the [`View`]. A name with live wildcards is expanded
//!   against the view's field names (Kibana's `getFields`; `*` matches any run, dots included).
//!   A name the view does not produce compiles to a field that is never present, with a
//!   `kql::unknown_field` warning; the parent of known fields (`source.geo`) is an object, which
//!   only `f: *` can match (`kql::object_field` otherwise). `*: *` is match-all (`is.ts`).
//! - **Nested** `f: { q }` (§9, proposed semantics): some single object at `f` satisfies all of
//!   `q`. For `aws.cloudtrail.resources` and paths below a flattened root the objects are
//!   evaluated one at a time; any other ECS path names a single object, where the query is `q`
//!   with names prefixed by `f.` and `f` must exist.
//! - **Free text** (§10, proposed semantics): every field of the view, by its type's rules and
//!   never an error, as one [`Pred::Custom`]; a lone `*` matches every event.

mod custom;
mod date;
mod leaf;
mod target;

use crate::{Expr, Literal, MAX_DEPTH, Piece, ValueExpr};
use custom::{FreeText, NestedEach, NestedSource};
use std::sync::Arc;
use target::{Kind, Target};
use trailhound_engine::{Glob, GlobPart, Pred};
use trailhound_event::{Field, View};
use trailhound_syntax::{Diagnostic, Span};

/// A compiled query.
#[derive(Clone, Debug)]
pub struct Compiled {
    /// The condition an event must satisfy.
    pub pred: Pred,
    /// What the query does that is probably not what its author meant, such as reading a field
    /// the view does not produce (`kql::unknown_field`); the query still runs.
    pub warnings: Vec<Diagnostic>,
}

/// Compiles a parsed query for events read through `view` (normally [`View::ECS`]).
///
/// Errors are the queries Elasticsearch would fail to run (a wildcard on an `ip` field, a
/// number field compared with text, `null` as a value) and date math, which a replay cannot
/// evaluate; each has a span into the query text.
pub fn compile(expr: &Expr, view: View) -> Result<Compiled, Diagnostic> {
    let mut compiler = Compiler {
        view,
        warnings: Vec::new(),
    };
    let pred = compiler.expr(expr, "", 0)?;
    Ok(Compiled {
        pred,
        warnings: compiler.warnings,
    })
}

/// Parses ([`crate::parse`], strict mode) and compiles `text`.
pub fn compile_str(text: &str, view: View) -> Result<Compiled, Diagnostic> {
    compile(&crate::parse(text)?, view)
}

/// Compiles syntax trees of any shape without exhausting the stack. The parser allows
/// [`MAX_DEPTH`] levels of brackets and `not`s, each of which adds at most two levels of tree,
/// so every parsed query is within the limit.
const COMPILE_DEPTH: usize = 2 * MAX_DEPTH + 16;

/// The fields one field name denotes.
struct Targets {
    list: Vec<Target>,
    /// Where the field name is.
    span: Span,
    /// The name was a lone `*`: with a lone `*` value the leaf is match-all.
    all_fields: bool,
}

struct Compiler {
    view: View,
    warnings: Vec<Diagnostic>,
}

impl Compiler {
    /// The recursive walk. It keeps its own frame small (plain loops, the leaf work in separate
    /// functions) so that [`COMPILE_DEPTH`] levels fit a thread's default stack.
    fn expr(&mut self, e: &Expr, prefix: &str, depth: usize) -> Result<Pred, Diagnostic> {
        if depth > COMPILE_DEPTH {
            return Err(too_deep(e.span()));
        }
        match e {
            Expr::Or { terms, .. } | Expr::And { terms, .. } => {
                let mut preds = Vec::with_capacity(terms.len());
                for term in terms {
                    preds.push(self.expr(term, prefix, depth + 1)?);
                }
                Ok(if matches!(e, Expr::Or { .. }) {
                    Pred::or(preds)
                } else {
                    Pred::and(preds)
                })
            }
            Expr::Not { expr, .. } => Ok(Pred::negate(self.expr(expr, prefix, depth + 1)?)),
            Expr::Nested { field, query, .. } => self.nested(field, query, prefix, depth),
            leaf => self.leaf_expr(leaf, prefix, depth),
        }
    }

    /// `field: values`, `field < value` and free text.
    #[inline(never)]
    fn leaf_expr(&mut self, e: &Expr, prefix: &str, depth: usize) -> Result<Pred, Diagnostic> {
        match e {
            Expr::Match { field, value, .. } => {
                let targets = self.targets(field, prefix);
                self.values(&targets, value, depth + 1)
            }
            Expr::Range {
                field, op, value, ..
            } => {
                let targets = self.targets(field, prefix);
                let mut preds = Vec::with_capacity(targets.list.len());
                for t in &targets.list {
                    preds.push(leaf::range(
                        t,
                        targets.span,
                        *op,
                        value,
                        &mut self.warnings,
                    )?);
                }
                Ok(Pred::or(preds))
            }
            Expr::FreeText { value, .. } => self.free_text(value),
            Expr::Or { .. } | Expr::And { .. } | Expr::Not { .. } | Expr::Nested { .. } => {
                self.expr(e, prefix, depth)
            }
        }
    }

    /// A value list, distributed over its leaves (§2).
    fn values(
        &mut self,
        targets: &Targets,
        value: &ValueExpr,
        depth: usize,
    ) -> Result<Pred, Diagnostic> {
        if depth > COMPILE_DEPTH {
            return Err(too_deep(value.span()));
        }
        match value {
            ValueExpr::Or { terms, .. } | ValueExpr::And { terms, .. } => {
                let mut preds = Vec::with_capacity(terms.len());
                for term in terms {
                    preds.push(self.values(targets, term, depth + 1)?);
                }
                Ok(if matches!(value, ValueExpr::Or { .. }) {
                    Pred::or(preds)
                } else {
                    Pred::and(preds)
                })
            }
            ValueExpr::Not { value, .. } => {
                Ok(Pred::negate(self.values(targets, value, depth + 1)?))
            }
            ValueExpr::Value(lit) => self.value(targets, lit),
        }
    }

    /// One value against every field of `targets`.
    #[inline(never)]
    fn value(&mut self, targets: &Targets, lit: &Literal) -> Result<Pred, Diagnostic> {
        if lit.is_lone_wildcard() {
            return Ok(if targets.all_fields {
                Pred::Const(true)
            } else {
                Pred::or(targets.list.iter().map(leaf::exists).collect())
            });
        }
        let mut preds = Vec::with_capacity(targets.list.len());
        for t in &targets.list {
            preds.push(leaf::is(t, targets.span, lit, &mut self.warnings)?);
        }
        Ok(Pred::or(preds))
    }

    /// The fields a field name denotes, relative to `prefix` inside a nested query (§3).
    fn targets(&mut self, field: &Literal, prefix: &str) -> Targets {
        let name = format!("{prefix}{}", field.text);
        if !field.is_wildcard() {
            let (target, known) = target::resolve(self.view, &name);
            if !known {
                self.warnings.push(unknown_field(&name, field, self.view));
            }
            return Targets {
                list: vec![target],
                span: field.span,
                all_fields: false,
            };
        }
        let mut parts = vec![GlobPart::Lit(prefix.into())];
        parts.extend(field.pieces().into_iter().map(|p| match p {
            Piece::Text(s) => GlobPart::Lit(s.into()),
            Piece::Any => GlobPart::Any,
        }));
        let pattern = Glob::new(parts, false);
        let list: Vec<Target> = target::candidates(self.view)
            .iter()
            .filter(|c| pattern.matches(c))
            .map(|c| target::resolve(self.view, c).0)
            .collect();
        if list.is_empty() {
            self.warnings.push(
                Diagnostic::new(
                    "kql::unknown_field",
                    format!("no field matches `{name}`: this leaf never matches"),
                    field.span,
                )
                .with_help("field-name wildcards expand over the fields of the ECS view"),
            );
            return Targets {
                list: vec![target::missing(&name)],
                span: field.span,
                all_fields: false,
            };
        }
        Targets {
            list,
            span: field.span,
            all_fields: field.is_lone_wildcard(),
        }
    }

    /// `path: { query }` (§9).
    #[inline(never)]
    fn nested(
        &mut self,
        field: &Literal,
        query: &Expr,
        prefix: &str,
        depth: usize,
    ) -> Result<Pred, Diagnostic> {
        if field.is_wildcard() {
            return Err(Diagnostic::new(
                "kql::nested_wildcard",
                "the path of a nested query cannot hold wildcards",
                field.span,
            )
            .with_help("Elasticsearch's `nested` query takes one path"));
        }
        let path = format!("{prefix}{}", field.text);
        let inner = self.expr(query, &format!("{path}."), depth + 1)?;
        if path == "aws.cloudtrail.resources" {
            return Ok(Pred::Custom(Arc::new(NestedEach {
                source: NestedSource::Resources,
                inner,
            })));
        }
        let (target, known) = target::resolve(self.view, &path);
        Ok(match target.kind {
            Kind::Flattened { root, key } => Pred::Custom(Arc::new(NestedEach {
                source: NestedSource::Flattened { root, key },
                inner,
            })),
            Kind::Object(_) => Pred::and(vec![leaf::exists(&target), inner]),
            _ => {
                let warning = if known {
                    Diagnostic::new(
                        "kql::not_an_object",
                        format!(
                            "`{path}` is a field, not an object: the nested query never matches"
                        ),
                        field.span,
                    )
                } else {
                    unknown_field(&path, field, self.view)
                };
                self.warnings.push(warning);
                Pred::Exists(Field::Missing(path.as_str().into()))
            }
        })
    }

    /// A value without a field (§10).
    fn free_text(&mut self, value: &Literal) -> Result<Pred, Diagnostic> {
        if value.is_lone_wildcard() {
            return Ok(Pred::Const(true));
        }
        if value.constant() == Some(crate::Constant::Null) {
            return Err(Diagnostic::new(
                "kql::null_value",
                "Elasticsearch rejects `null` as a search text",
                value.span,
            )
            .with_help("quote it to search for the text null: `\"null\"`"));
        }
        let names = target::candidates(self.view);
        if names.is_empty() {
            self.warnings.push(Diagnostic::new(
                "kql::free_text_view",
                "free text searches the fields of the ECS view; this view has no list of fields, so it never matches",
                value.span,
            ));
        }
        let parts: Vec<Pred> = names
            .iter()
            .filter_map(|name| leaf::free_text(&target::resolve(self.view, name).0, value))
            .collect();
        Ok(Pred::Custom(Arc::new(FreeText {
            text: value.text.as_str().into(),
            pred: Pred::or(parts),
        })))
    }
}

fn unknown_field(name: &str, field: &Literal, view: View) -> Diagnostic {
    let what = match view {
        View::Ecs(_) => "the ECS view",
        View::Raw => "the raw view",
        View::Datadog => "the Datadog view",
    };
    Diagnostic::new(
        "kql::unknown_field",
        format!("`{name}` is not a field of {what}: it is never present"),
        field.span,
    )
    .with_help("the leaf is false (and `not` of it true) on every event; check the field name")
}

fn too_deep(span: Span) -> Diagnostic {
    Diagnostic::new(
        "kql::too_deep",
        format!("the query nests more than {COMPILE_DEPTH} levels"),
        span,
    )
}

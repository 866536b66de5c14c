//! Compiling a parsed query to the engine IR ([`compile`]). See the crate documentation,
//! section [Compilation](crate#compilation), for what is decided here and why.

mod builtins;
mod fields;
mod java;
mod leaves;
mod patterns;
mod plan;
mod script;
mod translate;
mod typed;

use std::sync::Arc;

use trailhound_engine::Pred;
use trailhound_syntax::{Diagnostic, Span};

use self::fields::FieldRef;
use self::script::SVal;
use self::typed::{Resolver, SType, TExpr};
use crate::{Category, EventQuery, Field, PipeKind, Query, QueryBody};

pub use self::plan::{
    CompileOptions, Compiled, JoinKey, Limit, Plan, SamplePlan, SequencePlan, SequenceStepPlan,
    StepPlan,
};

/// Compiles a parsed EQL query for the engine.
///
/// Errors are the ones Elasticsearch reports before or while building the search: type errors
/// of the verifier (`eql::type_mismatch`, `eql::unsupported_type`, `eql::field_comparison`),
/// constants the field type cannot parse (`eql::query_error`), invalid regular expressions
/// (`eql::invalid_regex`), constant expressions that fail (`eql::evaluation_error`), pipes other
/// than `head`/`tail` (`eql::unsupported_pipe`) and incompatible join keys
/// (`eql::join_key_type`). Unknown fields are not errors: see [`Compiled::warnings`].
///
/// ```
/// use trailhound_lang_eql::{CompileOptions, Plan, compile, parse};
/// let q = parse(r#"any where event.action : "addpermission*""#).unwrap();
/// let compiled = compile(&q, &CompileOptions::default()).unwrap();
/// let Plan::Event { filter, .. } = compiled.plan else { panic!("an event query") };
/// let ev = trailhound_event::Event::parse(r#"{"eventName":"AddPermission20150331v2"}"#).unwrap();
/// assert!(filter.eval(&ev));
/// ```
pub fn compile(query: &Query, options: &CompileOptions) -> Result<Compiled, Diagnostic> {
    let mut cx = Compiler {
        resolver: Resolver::new(options.view),
        view: options.view,
        category: options
            .category_field
            .clone()
            .unwrap_or_else(|| "event.category".to_string()),
    };
    let pipes = limits(&query.pipes)?;
    let plan = match &query.body {
        QueryBody::Event(q) => Plan::Event {
            filter: cx.filter(q, &[])?,
            pipes,
        },
        QueryBody::Sequence(seq) => {
            let mut steps: Vec<SequenceStepPlan> = Vec::new();
            let mut all_keys = Vec::new();
            for step in &seq.steps {
                let keys = cx.keys(seq.by.iter().chain(&step.by))?;
                all_keys.push((keys.clone(), step.span));
                let filter = cx.filter(&step.query, &keys)?;
                let plan = SequenceStepPlan {
                    filter,
                    keys,
                    missing: step.missing,
                };
                steps.extend(std::iter::repeat_n(plan, step.repeat()));
            }
            let until = match &seq.until {
                Some(u) => {
                    let keys = cx.keys(seq.by.iter().chain(&u.by))?;
                    all_keys.push((keys.clone(), u.span));
                    Some(StepPlan {
                        filter: cx.filter(&u.query, &[])?,
                        keys,
                    })
                }
                None => None,
            };
            check_key_types(&all_keys)?;
            Plan::Sequence(SequencePlan {
                steps,
                until,
                maxspan_ms: seq.maxspan.map(|m| m.millis()),
                pipes,
            })
        }
        QueryBody::Sample(sample) => {
            let mut steps = Vec::with_capacity(sample.steps.len());
            let mut all_keys = Vec::new();
            for step in &sample.steps {
                let keys = cx.keys(sample.by.iter().chain(&step.by))?;
                all_keys.push((keys.clone(), step.span));
                steps.push(StepPlan {
                    filter: cx.filter(&step.query, &keys)?,
                    keys,
                });
            }
            check_key_types(&all_keys)?;
            Plan::Sample(SamplePlan { steps })
        }
    };
    Ok(Compiled {
        plan,
        warnings: cx.resolver.warnings,
    })
}

struct Compiler {
    resolver: Resolver,
    view: trailhound_event::View,
    category: String,
}

impl Compiler {
    /// Category filter, condition and the `exists` filter of the mandatory join keys.
    fn filter(&mut self, q: &EventQuery, keys: &[JoinKey]) -> Result<Pred, Diagnostic> {
        let mut parts = Vec::with_capacity(2 + keys.len());
        if let Some(p) = self.category_filter(&q.category)? {
            parts.push(p);
        }
        let condition = self.resolver.condition(&q.condition)?;
        parts.push(
            translate::condition(&condition)
                .map_err(|m| Diagnostic::new("eql::query_error", m, q.condition.span))?,
        );
        for key in keys.iter().filter(|k| !k.optional) {
            parts.push(leaves::exists(key.reader()));
        }
        Ok(Pred::and(parts))
    }

    /// `<name> where`: a term query `category_field == "<name>"` (any value of the array field).
    fn category_filter(&mut self, category: &Category) -> Result<Option<Pred>, Diagnostic> {
        let Some(name) = category.name() else {
            return Ok(None);
        };
        let span = category.span();
        let Some(slot) = self.resolver.field(&self.category, false, span)? else {
            return Ok(Some(Pred::Const(false)));
        };
        let test = TExpr::Cmp(
            trailhound_engine::CmpOp::Eq,
            Box::new(TExpr::Field(slot)),
            Box::new(TExpr::Lit(SVal::Str(name.to_string()))),
        );
        translate::condition(&test)
            .map(Some)
            .map_err(|m| Diagnostic::new("eql::query_error", m, span))
    }

    fn keys<'a>(
        &mut self,
        fields: impl Iterator<Item = &'a Field>,
    ) -> Result<Vec<JoinKey>, Diagnostic> {
        let mut out = Vec::new();
        for f in fields {
            let name = f.path();
            let reader = match self.resolver.field(&name, f.optional, f.span)? {
                Some(slot) => slot.field,
                // An optional key the view does not know: never present, so always null.
                None => Arc::new(FieldRef::resolve(self.view, &name)),
            };
            out.push(JoinKey::from_ref(reader, f.optional));
        }
        Ok(out)
    }
}

/// `| head N` / `| tail N`; Elasticsearch rejects the Endgame pipes.
fn limits(pipes: &[crate::Pipe]) -> Result<Vec<Limit>, Diagnostic> {
    pipes
        .iter()
        .map(|p| match &p.kind {
            PipeKind::Head(n) => Ok(Limit::Head(*n)),
            PipeKind::Tail(n) => Ok(Limit::Tail(*n)),
            other => Err(Diagnostic::new(
                "eql::unsupported_pipe",
                format!("Pipe [{}] is not supported", other.name()),
                p.span,
            )
            .with_help("Elasticsearch EQL runs only `head` and `tail`")),
        })
        .collect()
}

/// The verifier's rule that keys at the same position have compatible types.
fn check_key_types(steps: &[(Vec<JoinKey>, Span)]) -> Result<(), Diagnostic> {
    let Some((first, _)) = steps.first() else {
        return Ok(());
    };
    for (keys, span) in steps.iter().skip(1) {
        for (a, b) in first.iter().zip(keys) {
            let (ta, tb) = (key_type(a), key_type(b));
            if !ta.0.compatible(tb.0) {
                return Err(Diagnostic::new(
                    "eql::join_key_type",
                    format!(
                        "Sequence key [{}] type [{}] is incompatible with key [{}] type [{}]",
                        b.name, tb.1, a.name, ta.1
                    ),
                    *span,
                ));
            }
        }
    }
    Ok(())
}

fn key_type(k: &JoinKey) -> (SType, &'static str) {
    use fields::EsType;
    let ty = k.reader().ty;
    let s = match ty {
        // An unknown field is null (or never present): it joins with any type.
        _ if !k.reader().known => SType::Null,
        EsType::Keyword => SType::Str,
        EsType::Text => SType::Text,
        EsType::Long => SType::Int,
        EsType::Double => SType::Double,
        EsType::Boolean => SType::Bool,
        EsType::Date => SType::Date,
        EsType::Ip => SType::Ip,
        EsType::Dynamic | EsType::Unsupported(_) => SType::Dynamic,
    };
    (s, ty.name())
}

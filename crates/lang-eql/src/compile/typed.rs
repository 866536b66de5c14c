//! The checked, normalised expression tree the translator and the script evaluator work on.
//!
//! [`Resolver::expr`] turns the parser's [`Expr`] into a [`TExpr`]: fields are resolved in the
//! view, optional fields the view does not know become `null`, and Elasticsearch's analysis is
//! replayed — the verifier's type checks (`TypeResolutions`: numeric arguments, string arguments,
//! `:` on strings, `in` lists of compatible constants, a boolean condition) and the optimizer
//! rules that change results (`Optimizer`: `ReplaceNullChecks`, `LiteralsOnTheRight`,
//! `BooleanFunctionEqualsElimination`, `SimplifyComparisonsArithmetics` for `+`/`-`,
//! `ConstantFolding`, double negation). Elasticsearch's EQL optimizer does **not** push `not`
//! into `and`/`or` or comparisons (`EqlBooleanSimplification` disables it), so neither does this.

use std::collections::HashMap;
use std::sync::Arc;

use trailhound_engine::CmpOp;
use trailhound_event::View;
use trailhound_syntax::{Diagnostic, Span};

use super::fields::{EsType, FieldRef};
use super::patterns::Matcher;
use super::script::{self, SVal};
use crate::{ArithOp, CompareOp, Expr, ExprKind, Function, Literal, MatchOp, NumberValue};

/// A field of the query, numbered so scripts can bind its values.
#[derive(Clone, Debug)]
pub(crate) struct Slot {
    /// Position in the query's field table.
    pub index: usize,
    /// The field.
    pub field: Arc<FieldRef>,
}

/// A checked expression.
#[derive(Clone, Debug)]
pub(crate) enum TExpr {
    /// A constant.
    Lit(SVal),
    /// A field.
    Field(Slot),
    /// A function call (`~` form when the flag is set).
    Call(Function, bool, Vec<TExpr>),
    /// Logical negation.
    Not(Box<TExpr>),
    /// Conjunction.
    And(Vec<TExpr>),
    /// Disjunction.
    Or(Vec<TExpr>),
    /// Comparison.
    Cmp(CmpOp, Box<TExpr>, Box<TExpr>),
    /// Arithmetic.
    Arith(ArithOp, Box<TExpr>, Box<TExpr>),
    /// Unary minus.
    Neg(Box<TExpr>),
    /// `value in (list)`; the flag is `in~`. `not in` is `Not(In)`.
    In(Box<TExpr>, Vec<TExpr>, bool),
    /// `value : / like / regex ...`: any pattern (text as written, compiled) matches.
    Match(Box<TExpr>, MatchOp, Vec<(String, Matcher)>),
    /// `value == null`.
    IsNull(Box<TExpr>),
}

/// Static types, as Elasticsearch's `DataType`s group them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SType {
    Null,
    Bool,
    Int,
    Double,
    Str,
    Text,
    Date,
    Ip,
    /// A raw-view field: no mapping, any type accepted.
    Dynamic,
}

impl SType {
    fn name(self) -> &'static str {
        match self {
            SType::Null => "null",
            SType::Bool => "boolean",
            SType::Int => "integer",
            SType::Double => "double",
            SType::Str => "keyword",
            SType::Text => "text",
            SType::Date => "date",
            SType::Ip => "ip",
            SType::Dynamic => "dynamic",
        }
    }
    fn numeric(self) -> bool {
        matches!(
            self,
            SType::Int | SType::Double | SType::Null | SType::Dynamic
        )
    }
    fn integer(self) -> bool {
        matches!(self, SType::Int | SType::Null | SType::Dynamic)
    }
    fn string(self) -> bool {
        matches!(self, SType::Str | SType::Null | SType::Dynamic)
    }
    fn boolean(self) -> bool {
        matches!(self, SType::Bool | SType::Null | SType::Dynamic)
    }
    fn ip(self) -> bool {
        matches!(self, SType::Ip | SType::Null | SType::Dynamic)
    }
    /// `DataTypes.areCompatible`.
    pub(crate) fn compatible(self, other: SType) -> bool {
        let family = |t: SType| match t {
            SType::Str | SType::Text => 1,
            SType::Int | SType::Double => 2,
            SType::Bool => 3,
            SType::Date => 4,
            SType::Ip => 5,
            SType::Null | SType::Dynamic => 0,
        };
        let (a, b) = (family(self), family(other));
        a == 0 || b == 0 || a == b
    }
}

impl TExpr {
    /// The static type.
    pub(crate) fn ty(&self) -> SType {
        match self {
            TExpr::Lit(v) => match v {
                SVal::Null => SType::Null,
                SVal::Bool(_) => SType::Bool,
                SVal::Int(_) => SType::Int,
                SVal::Double(_) => SType::Double,
                SVal::Str(_) => SType::Str,
            },
            TExpr::Field(slot) => match slot.field.ty {
                EsType::Keyword => SType::Str,
                EsType::Text => SType::Text,
                EsType::Long => SType::Int,
                EsType::Double => SType::Double,
                EsType::Boolean => SType::Bool,
                EsType::Date => SType::Date,
                EsType::Ip => SType::Ip,
                EsType::Dynamic | EsType::Unsupported(_) => SType::Dynamic,
            },
            TExpr::Call(f, _, args) => match f {
                Function::Add
                | Function::Subtract
                | Function::Multiply
                | Function::Divide
                | Function::Modulo => arith_type(args.first(), args.get(1)),
                Function::Between | Function::Concat | Function::String | Function::Substring => {
                    SType::Str
                }
                Function::CidrMatch
                | Function::EndsWith
                | Function::StartsWith
                | Function::StringContains => SType::Bool,
                Function::IndexOf | Function::Length => SType::Int,
                Function::Number => SType::Double,
            },
            TExpr::Arith(_, l, r) => arith_type(Some(l), Some(r)),
            TExpr::Neg(e) => e.ty(),
            TExpr::Not(_)
            | TExpr::And(_)
            | TExpr::Or(_)
            | TExpr::Cmp(..)
            | TExpr::In(..)
            | TExpr::Match(..)
            | TExpr::IsNull(_) => SType::Bool,
        }
    }

    /// Whether the expression reads no field.
    pub(crate) fn is_constant(&self) -> bool {
        let mut constant = true;
        self.visit_fields(&mut |_| constant = false);
        constant
    }

    /// Calls `f` for every field reference.
    pub(crate) fn visit_fields(&self, f: &mut dyn FnMut(&Slot)) {
        match self {
            TExpr::Lit(_) => {}
            TExpr::Field(s) => f(s),
            TExpr::Call(_, _, args) | TExpr::And(args) | TExpr::Or(args) => {
                args.iter().for_each(|a| a.visit_fields(f))
            }
            TExpr::Not(e) | TExpr::Neg(e) | TExpr::IsNull(e) | TExpr::Match(e, ..) => {
                e.visit_fields(f)
            }
            TExpr::Cmp(_, l, r) | TExpr::Arith(_, l, r) => {
                l.visit_fields(f);
                r.visit_fields(f);
            }
            TExpr::In(v, list, _) => {
                v.visit_fields(f);
                list.iter().for_each(|a| a.visit_fields(f));
            }
        }
    }
}

fn arith_type(l: Option<&TExpr>, r: Option<&TExpr>) -> SType {
    let integral =
        |e: Option<&TExpr>| e.is_some_and(|e| matches!(e.ty(), SType::Int | SType::Null));
    if integral(l) && integral(r) {
        SType::Int
    } else {
        SType::Double
    }
}

/// Resolves expressions of one query: owns the field table and the warnings.
pub(crate) struct Resolver {
    view: View,
    fields: HashMap<String, Slot>,
    /// Warnings so far (`eql::unknown_field`).
    pub warnings: Vec<Diagnostic>,
}

type R<T> = Result<T, Diagnostic>;

impl Resolver {
    /// A resolver for `view`.
    pub(crate) fn new(view: View) -> Resolver {
        Resolver {
            view,
            fields: HashMap::new(),
            warnings: Vec::new(),
        }
    }

    /// Resolves a field name. `None`: an optional field the view does not know (it is `null`).
    pub(crate) fn field(&mut self, name: &str, optional: bool, span: Span) -> R<Option<Slot>> {
        if let Some(slot) = self.fields.get(name) {
            return Ok((slot.field.known || !optional).then(|| slot.clone()));
        }
        let field = FieldRef::resolve(self.view, name);
        if let EsType::Unsupported(ty) = field.ty {
            return Err(Diagnostic::new(
                "eql::unsupported_type",
                format!("Cannot use field [{name}] with unsupported type [{ty}]"),
                span,
            )
            .with_help(
                "Elasticsearch EQL does not support this field type (elastic/elasticsearch#101985)",
            ));
        }
        if !field.known {
            let message = if optional {
                format!("unknown optional field [{name}]: it is null in every event")
            } else {
                format!("unknown field [{name}]: it is never present, so tests on it are false")
            };
            self.warnings.push(
                Diagnostic::new("eql::unknown_field", message, span).with_help(if optional {
                    "Elasticsearch replaces an unmapped `?field` by null"
                } else {
                    "Elasticsearch would reject the query with \"Unknown column\"; check the field name against the ECS view"
                }),
            );
        }
        let slot = Slot {
            index: self.fields.len(),
            field: Arc::new(field),
        };
        self.fields.insert(name.to_string(), slot.clone());
        Ok((slot.field.known || !optional).then_some(slot))
    }

    /// Resolves a condition: a boolean expression.
    pub(crate) fn condition(&mut self, e: &Expr) -> R<TExpr> {
        let t = self.expr(e)?;
        if !t.ty().boolean() {
            return Err(type_error(
                e.span,
                format!(
                    "Condition expression needs to be boolean, found [{}]",
                    t.ty().name().to_uppercase()
                ),
            ));
        }
        Ok(t)
    }

    /// Resolves any expression.
    pub(crate) fn expr(&mut self, e: &Expr) -> R<TExpr> {
        let t = match &e.kind {
            ExprKind::Literal(l) => TExpr::Lit(literal(l)),
            ExprKind::Field(f) => match self.field(&f.path(), f.optional, f.span)? {
                Some(slot) => TExpr::Field(slot),
                None => TExpr::Lit(SVal::Null),
            },
            ExprKind::Not(inner) => {
                let t = self.expr(inner)?;
                check(t.ty().boolean(), inner, &t, "boolean", e, "first")?;
                match t {
                    TExpr::Not(x) => *x,
                    other => TExpr::Not(Box::new(other)),
                }
            }
            ExprKind::And(items) | ExprKind::Or(items) => {
                let is_and = matches!(e.kind, ExprKind::And(_));
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    let t = self.expr(item)?;
                    check(t.ty().boolean(), item, &t, "boolean", e, "first")?;
                    match t {
                        TExpr::And(inner) if is_and => out.extend(inner),
                        TExpr::Or(inner) if !is_and => out.extend(inner),
                        other => out.push(other),
                    }
                }
                if is_and {
                    TExpr::And(out)
                } else {
                    TExpr::Or(out)
                }
            }
            ExprKind::Compare { op, left, right } => {
                let l = self.expr(left)?;
                let r = self.expr(right)?;
                for (x, t) in [(left, &l), (right, &r)] {
                    if t.ty() == SType::Text {
                        return Err(not_exact(x, e));
                    }
                }
                comparison(cmp_op(*op), l, r)
            }
            ExprKind::Arithmetic { op, left, right } => {
                let l = self.expr(left)?;
                let r = self.expr(right)?;
                check(l.ty().numeric(), left, &l, "numeric", e, "first")?;
                check(r.ty().numeric(), right, &r, "numeric", e, "second")?;
                match (op, l, r) {
                    // LiteralsOnTheRight (commutative operators).
                    (ArithOp::Add | ArithOp::Mul, l @ TExpr::Lit(_), r)
                        if !matches!(r, TExpr::Lit(_)) =>
                    {
                        TExpr::Arith(*op, Box::new(r), Box::new(l))
                    }
                    (_, l, r) => TExpr::Arith(*op, Box::new(l), Box::new(r)),
                }
            }
            ExprKind::Negate(inner) => {
                let t = self.expr(inner)?;
                check(t.ty().numeric(), inner, &t, "numeric", e, "first")?;
                TExpr::Neg(Box::new(t))
            }
            ExprKind::In {
                value,
                list,
                negated,
                case_insensitive,
            } => {
                let v = self.expr(value)?;
                if v.ty() == SType::Text {
                    return Err(not_exact(value, e));
                }
                let mut items = Vec::with_capacity(list.len());
                for (i, item) in list.iter().enumerate() {
                    let t = self.expr(item)?;
                    if !t.is_constant() {
                        return Err(Diagnostic::new(
                            "eql::field_comparison",
                            format!(
                                "Comparisons against fields are not (currently) supported; offender [{item}] in [{e}]"
                            ),
                            item.span,
                        ));
                    }
                    if !v.ty().compatible(t.ty()) {
                        return Err(type_error(
                            item.span,
                            format!(
                                "{} argument of [{e}] must be [{}], found value [{item}] type [{}]",
                                ordinal(i + 2),
                                v.ty().name(),
                                t.ty().name()
                            ),
                        ));
                    }
                    items.push(t);
                }
                let t = TExpr::In(Box::new(v), items, *case_insensitive);
                if *negated { TExpr::Not(Box::new(t)) } else { t }
            }
            ExprKind::Match {
                value,
                op,
                patterns,
            } => {
                let v = self.expr(value)?;
                if !v.ty().string() {
                    let help = if *op == MatchOp::Colon {
                        "; consider using [==] instead"
                    } else {
                        ""
                    };
                    return Err(type_error(
                        value.span,
                        format!(
                            "first argument of [{}] must be [string], found value [{value}] type [{}]{help}",
                            op.symbol(),
                            v.ty().name()
                        ),
                    ));
                }
                let mut matchers = Vec::with_capacity(patterns.len());
                for p in patterns {
                    let m = Matcher::new(*op, &p.value).map_err(|m| {
                        Diagnostic::new(
                            "eql::invalid_regex",
                            format!("invalid regular expression [{}]: {m}", p.value),
                            p.span,
                        )
                    })?;
                    matchers.push((p.value.clone(), m));
                }
                TExpr::Match(Box::new(v), *op, matchers)
            }
            ExprKind::Call(call) => {
                let mut args = Vec::with_capacity(call.args.len());
                for a in &call.args {
                    args.push(self.expr(a)?);
                }
                check_call(call.function, &call.args, &args, e)?;
                TExpr::Call(call.function, call.case_insensitive, args)
            }
        };
        let t = fold(t, e.span)?;
        super::translate::check_leaf(&t)
            .map_err(|m| Diagnostic::new("eql::query_error", m, e.span))?;
        Ok(t)
    }
}

/// `ConstantFolding`: an expression without fields is evaluated now; an error is the query's.
fn fold(t: TExpr, span: Span) -> R<TExpr> {
    if matches!(t, TExpr::Lit(_)) || !t.is_constant() {
        return Ok(t);
    }
    script::eval(&t, &[]).map(TExpr::Lit).map_err(|err| {
        Diagnostic::new(
            "eql::evaluation_error",
            format!("cannot evaluate constant expression: {err}"),
            span,
        )
    })
}

/// Builds a comparison after `ReplaceNullChecks`, `LiteralsOnTheRight`,
/// `BooleanFunctionEqualsElimination` and `SimplifyComparisonsArithmetics`.
fn comparison(op: CmpOp, l: TExpr, r: TExpr) -> TExpr {
    // ReplaceNullChecks: `x == null` is `IsNull(x)`, `x != null` is `not IsNull(x)`.
    if matches!(op, CmpOp::Eq | CmpOp::Ne) {
        let other = match (&l, &r) {
            (_, TExpr::Lit(SVal::Null)) => Some(l.clone()),
            (TExpr::Lit(SVal::Null), _) => Some(r.clone()),
            _ => None,
        };
        if let Some(other) = other {
            let is_null = TExpr::IsNull(Box::new(other));
            return if op == CmpOp::Eq {
                is_null
            } else {
                TExpr::Not(Box::new(is_null))
            };
        }
    }
    // LiteralsOnTheRight.
    let (op, l, r) = match (l, r) {
        (l @ TExpr::Lit(_), r) if !matches!(r, TExpr::Lit(_)) => (mirror(op), r, l),
        pair => (op, pair.0, pair.1),
    };
    // BooleanFunctionEqualsElimination: `f(..) == true` is `f(..)`, `f(..) == false` is
    // `not f(..)` — for any non-field, non-constant left side.
    if let (CmpOp::Eq | CmpOp::Ne, TExpr::Lit(SVal::Bool(b))) = (op, &r)
        && !matches!(l, TExpr::Field(_) | TExpr::Lit(_))
    {
        return if (op == CmpOp::Eq) == *b {
            l
        } else {
            TExpr::Not(Box::new(l))
        };
    }
    // SimplifyComparisonsArithmetics, for `+` and `-` with integer constants.
    if let (TExpr::Arith(aop @ (ArithOp::Add | ArithOp::Sub), x, c1), TExpr::Lit(SVal::Int(c2))) =
        (&l, &r)
    {
        match (aop, x.as_ref(), c1.as_ref()) {
            (ArithOp::Add, x, TExpr::Lit(SVal::Int(c1))) if !x.is_constant() => {
                if let Some(c) = c2.checked_sub(*c1) {
                    return comparison(op, x.clone(), TExpr::Lit(SVal::Int(c)));
                }
            }
            (ArithOp::Sub, x, TExpr::Lit(SVal::Int(c1))) if !x.is_constant() => {
                if let Some(c) = c2.checked_add(*c1) {
                    return comparison(op, x.clone(), TExpr::Lit(SVal::Int(c)));
                }
            }
            (ArithOp::Sub, TExpr::Lit(SVal::Int(c1)), x) if !x.is_constant() => {
                if let Some(c) = c1.checked_sub(*c2) {
                    return comparison(mirror(op), x.clone(), TExpr::Lit(SVal::Int(c)));
                }
            }
            _ => {}
        }
    }
    TExpr::Cmp(op, Box::new(l), Box::new(r))
}

/// The operator with its operands swapped (`a < b` is `b > a`).
pub(crate) fn mirror(op: CmpOp) -> CmpOp {
    match op {
        CmpOp::Lt => CmpOp::Gt,
        CmpOp::Le => CmpOp::Ge,
        CmpOp::Gt => CmpOp::Lt,
        CmpOp::Ge => CmpOp::Le,
        other => other,
    }
}

fn cmp_op(op: CompareOp) -> CmpOp {
    match op {
        CompareOp::Eq => CmpOp::Eq,
        CompareOp::NotEq => CmpOp::Ne,
        CompareOp::Lt => CmpOp::Lt,
        CompareOp::LtEq => CmpOp::Le,
        CompareOp::Gt => CmpOp::Gt,
        CompareOp::GtEq => CmpOp::Ge,
    }
}

fn literal(l: &Literal) -> SVal {
    match l {
        Literal::Null => SVal::Null,
        Literal::Boolean(b) => SVal::Bool(*b),
        Literal::Number(n) => match n.value {
            NumberValue::Integer(i) => SVal::Int(i),
            NumberValue::Float(f) => SVal::Double(f),
        },
        Literal::String(s) => SVal::Str(s.value.clone()),
    }
}

/// The verifier's argument checks of each function (`resolveType` of the EQL functions).
fn check_call(f: Function, exprs: &[Expr], args: &[TExpr], call: &Expr) -> R<()> {
    enum Want {
        Numeric,
        Str,
        Int,
        Bool,
        Ip,
        Exact,
        ConstantInt,
    }
    let want = |i: usize| -> Want {
        match (f, i) {
            (
                Function::Add
                | Function::Subtract
                | Function::Multiply
                | Function::Divide
                | Function::Modulo,
                _,
            ) => Want::Numeric,
            (Function::Between, 3) => Want::Bool,
            (Function::CidrMatch, 0) => Want::Ip,
            (Function::Concat | Function::String, _) => Want::Exact,
            (Function::IndexOf, 2) | (Function::Substring, 1 | 2) => Want::Int,
            (Function::Number, 1) => Want::ConstantInt,
            _ => Want::Str,
        }
    };
    for (i, (e, t)) in exprs.iter().zip(args).enumerate() {
        let pos = ordinal(i + 1);
        let ty = t.ty();
        let (ok, name) = match want(i) {
            Want::Numeric => (ty.numeric(), "numeric"),
            Want::Str => (ty.string(), "string"),
            Want::Int => (ty.integer(), "integer"),
            Want::Bool => (ty.boolean(), "boolean"),
            Want::Ip => (ty.ip(), "ip"),
            Want::Exact => (ty != SType::Text, "exact"),
            Want::ConstantInt => (ty.integer() && t.is_constant(), "integer constant"),
        };
        if ty == SType::Text {
            return Err(not_exact(e, call));
        }
        if !ok {
            return Err(type_error(
                e.span,
                format!(
                    "{} argument of [{call}] must be [{name}], found value [{e}] type [{}]",
                    pos,
                    ty.name()
                ),
            ));
        }
        if f == Function::CidrMatch && i > 0 && !t.is_constant() {
            return Err(type_error(
                e.span,
                format!("{pos} argument of [{call}] must be a constant, received [{e}]"),
            ));
        }
    }
    Ok(())
}

fn check(ok: bool, arg: &Expr, t: &TExpr, want: &str, whole: &Expr, pos: &str) -> R<()> {
    if ok {
        return Ok(());
    }
    Err(type_error(
        arg.span,
        format!(
            "{pos} argument of [{whole}] must be [{want}], found value [{arg}] type [{}]",
            t.ty().name()
        ),
    ))
}

fn not_exact(arg: &Expr, whole: &Expr) -> Diagnostic {
    type_error(
        arg.span,
        format!(
            "[{whole}] cannot operate on field of data type [text]: No keyword/multi-field defined exact matches for [{arg}]"
        ),
    )
}

fn type_error(span: Span, message: String) -> Diagnostic {
    Diagnostic::new("eql::type_mismatch", message, span)
}

fn ordinal(n: usize) -> String {
    let suffix = match (n % 10, n % 100) {
        (1, r) if r != 11 => "st",
        (2, r) if r != 12 => "nd",
        (3, r) if r != 13 => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

impl std::fmt::Display for TExpr {
    /// EQL-like text, for explain output and debugging.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let list = |f: &mut std::fmt::Formatter<'_>, items: &[TExpr], sep: &str| {
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    f.write_str(sep)?;
                }
                write!(f, "{item}")?;
            }
            Ok(())
        };
        match self {
            TExpr::Lit(SVal::Str(s)) => write!(f, "{}", crate::StringLit::new(s.as_str())),
            TExpr::Lit(v) => f.write_str(&v.to_java_string().unwrap_or_else(|| "null".into())),
            TExpr::Field(s) => f.write_str(&s.field.name),
            TExpr::Call(func, ci, args) => {
                write!(f, "{func}{}(", if *ci { "~" } else { "" })?;
                list(f, args, ", ")?;
                f.write_str(")")
            }
            TExpr::Not(x) => write!(f, "not ({x})"),
            TExpr::And(items) => {
                f.write_str("(")?;
                list(f, items, " and ")?;
                f.write_str(")")
            }
            TExpr::Or(items) => {
                f.write_str("(")?;
                list(f, items, " or ")?;
                f.write_str(")")
            }
            TExpr::Cmp(op, l, r) => {
                let sym = match op {
                    CmpOp::Lt => "<",
                    CmpOp::Le => "<=",
                    CmpOp::Gt => ">",
                    CmpOp::Ge => ">=",
                    CmpOp::Eq => "==",
                    CmpOp::Ne => "!=",
                };
                write!(f, "{l} {sym} {r}")
            }
            TExpr::Arith(op, l, r) => write!(f, "({l} {} {r})", op.symbol()),
            TExpr::Neg(x) => write!(f, "-({x})"),
            TExpr::In(v, items, ci) => {
                write!(f, "{v} in{} (", if *ci { "~" } else { "" })?;
                list(f, items, ", ")?;
                f.write_str(")")
            }
            TExpr::Match(v, op, patterns) => {
                write!(f, "{v} {} (", op.symbol())?;
                for (i, (p, _)) in patterns.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{}", crate::StringLit::new(p.as_str()))?;
                }
                f.write_str(")")
            }
            TExpr::IsNull(x) => write!(f, "{x} == null"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolved(condition: &str) -> String {
        let e = crate::parse_expression(condition).expect("parses");
        let mut r = Resolver::new(View::ECS);
        r.condition(&e)
            .map(|t| t.to_string())
            .unwrap_or_else(|d| d.code.to_string())
    }

    #[test]
    fn optimizer_rules_that_change_results() {
        let cases = [
            // ReplaceNullChecks, either side.
            ("event.action == null", "event.action == null"),
            ("null != event.action", "not (event.action == null)"),
            // LiteralsOnTheRight, mirroring the operator.
            (r#""a" < event.action"#, r#"event.action > "a""#),
            ("1 + length(event.action) > 2", "length(event.action) > 1"),
            // BooleanFunctionEqualsElimination (not for bare fields).
            (
                r#"startsWith(event.action, "a") == false"#,
                r#"not (startsWith(event.action, "a"))"#,
            ),
            (r#"true == (event.action == "a")"#, r#"event.action == "a""#),
            (
                "aws.cloudtrail.read_only == false",
                "aws.cloudtrail.read_only == false",
            ),
            // SimplifyComparisonsArithmetics for + and - with integers.
            (
                "length(event.action) - 3 >= 20",
                "length(event.action) >= 23",
            ),
            ("30 - length(event.action) < 7", "length(event.action) > 23"),
            (
                "length(event.action) * 2 == 46",
                "(length(event.action) * 2) == 46",
            ),
            // ConstantFolding and double negation.
            (r#"concat("a", 1) == "a1""#, "true"),
            (r#"not not event.action == "a""#, r#"event.action == "a""#),
            // An unknown optional field is null.
            ("?no.such.field == null", "true"),
        ];
        for (input, want) in cases {
            assert_eq!(resolved(input), want, "{input}");
        }
    }

    #[test]
    fn verifier_checks() {
        let cases = [
            (
                r#"event.action : "a" and length(event.action)"#,
                "eql::type_mismatch",
            ),
            (r#"source.ip like "1*""#, "eql::type_mismatch"),
            ("add(1, \"2\") == 3", "eql::type_mismatch"),
            (r#"event.action in ("a", 1)"#, "eql::type_mismatch"),
            ("event.action in (event.provider)", "eql::field_comparison"),
            ("divide(1, 0) == 1", "eql::evaluation_error"),
            (
                "aws.cloudtrail.flattened.request_parameters == null",
                "eql::unsupported_type",
            ),
        ];
        for (input, code) in cases {
            assert_eq!(resolved(input), code, "{input}");
        }
        assert_eq!(ordinal(1), "1st");
        assert_eq!(ordinal(12), "12th");
        assert_eq!(ordinal(23), "23rd");
        assert!(SType::Str.compatible(SType::Text));
        assert!(!SType::Str.compatible(SType::Int));
        assert!(SType::Null.compatible(SType::Ip));
    }
}

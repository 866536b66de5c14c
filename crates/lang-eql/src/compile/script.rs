//! The evaluator for conditions Elasticsearch runs as Painless scripts: comparisons whose left
//! side is not a bare field, functions that cannot become an index query, arithmetic.
//!
//! Semantics (QL's `InternalQlScriptUtils`, `Comparisons`, `Arithmetics`, `InProcessor`,
//! `BinaryLogicProcessor`, and the EQL function processors):
//!
//! * three-valued logic: a `null` operand makes comparisons, arithmetic and most functions
//!   `null`; `null and false` is `false`, `null or true` is `true`, `not null` is `null`;
//! * comparisons of incompatible types (a number with a string) are `null`; numbers compare by
//!   value, strings by UTF-16 code units (`String.compareTo`), booleans `false < true`;
//! * integer arithmetic is 64-bit and exact (overflow and division by zero are errors), with
//!   Java's truncating `/` and `%`; any float operand makes the operation floating point;
//! * a runtime error (a bad `number()` string, division by zero) fails the search in
//!   Elasticsearch; here it makes the condition not match;
//! * multi-valued fields (`MultiValueAwareScriptQuery`): the script runs once per combination of
//!   the values of the fields it reads — a field without values is `null` — and the event
//!   matches if any run returns `true`.

use std::fmt;
use std::sync::Arc;

use trailhound_engine::EventPredicate;
use trailhound_event::{Event, Field};

use super::builtins;
use super::fields::FieldRef;
use super::java;
use super::typed::TExpr;
use crate::ArithOp;

/// A value inside a script.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum SVal {
    /// `null`.
    Null,
    /// A boolean.
    Bool(bool),
    /// An integer (`Integer`/`Long`).
    Int(i64),
    /// A float (`Double`).
    Double(f64),
    /// A string (keyword doc values, and dates and IPs in their text form).
    Str(String),
}

impl SVal {
    /// The value's string form (`Object.toString`): `42`, `42.5`, `true`.
    pub(crate) fn to_java_string(&self) -> Option<String> {
        match self {
            SVal::Null => None,
            SVal::Bool(b) => Some(b.to_string()),
            SVal::Int(i) => Some(i.to_string()),
            SVal::Double(d) => Some(java::double_to_string(*d)),
            SVal::Str(s) => Some(s.clone()),
        }
    }
}

/// Why a script failed (Elasticsearch would fail the search).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct EvalError(pub String);

impl fmt::Display for EvalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Result of evaluating a script expression.
pub(crate) type Eval = Result<SVal, EvalError>;

pub(crate) fn err<T>(message: impl Into<String>) -> Result<T, EvalError> {
    Err(EvalError(message.into()))
}

/// Evaluates `e` with field values bound by slot index in `env` (missing slots are `null`).
pub(crate) fn eval(e: &TExpr, env: &[SVal]) -> Eval {
    match e {
        TExpr::Lit(v) => Ok(v.clone()),
        TExpr::Field(slot) => Ok(env.get(slot.index).cloned().unwrap_or(SVal::Null)),
        TExpr::Not(x) => Ok(match eval(x, env)? {
            SVal::Bool(b) => SVal::Bool(!b),
            _ => SVal::Null,
        }),
        TExpr::And(items) => {
            // Every operand is evaluated (Painless calls `and(l, r)` with both values).
            let mut acc = SVal::Bool(true);
            for item in items {
                acc = match (acc, eval(item, env)?) {
                    (SVal::Bool(false), _) | (_, SVal::Bool(false)) => SVal::Bool(false),
                    (SVal::Bool(true), SVal::Bool(true)) => SVal::Bool(true),
                    _ => SVal::Null,
                };
            }
            Ok(acc)
        }
        TExpr::Or(items) => {
            let mut acc = SVal::Bool(false);
            for item in items {
                acc = match (acc, eval(item, env)?) {
                    (SVal::Bool(true), _) | (_, SVal::Bool(true)) => SVal::Bool(true),
                    (SVal::Bool(false), SVal::Bool(false)) => SVal::Bool(false),
                    _ => SVal::Null,
                };
            }
            Ok(acc)
        }
        TExpr::Cmp(op, l, r) => {
            let (l, r) = (eval(l, env)?, eval(r, env)?);
            Ok(match compare(&l, &r) {
                Some(ord) => SVal::Bool(op.holds(ord)),
                None => SVal::Null,
            })
        }
        TExpr::Arith(op, l, r) => arith(*op, &eval(l, env)?, &eval(r, env)?),
        TExpr::Neg(x) => match eval(x, env)? {
            SVal::Null => Ok(SVal::Null),
            SVal::Int(i) => i
                .checked_neg()
                .map(SVal::Int)
                .ok_or_else(|| EvalError("long overflow".into())),
            SVal::Double(d) => Ok(SVal::Double(-d)),
            other => err(format!("A number is required; received [{other:?}]")),
        },
        TExpr::In(value, list, ci) => {
            let v = eval(value, env)?;
            let mut result = SVal::Bool(false);
            for item in list {
                let item = eval(item, env)?;
                let eq = if *ci {
                    match (&v, &item) {
                        (SVal::Str(a), SVal::Str(b)) => {
                            Some(trailhound_engine::fold(a) == trailhound_engine::fold(b))
                        }
                        _ => compare(&v, &item).map(|o| o.is_eq()),
                    }
                } else {
                    compare(&v, &item).map(|o| o.is_eq())
                };
                match eq {
                    Some(true) => return Ok(SVal::Bool(true)),
                    Some(false) => {}
                    None => result = SVal::Null,
                }
            }
            Ok(result)
        }
        TExpr::Match(value, _, patterns) => match eval(value, env)? {
            SVal::Null => Ok(SVal::Null),
            SVal::Str(s) => Ok(SVal::Bool(patterns.iter().any(|(_, m)| m.matches(&s)))),
            other => err(format!("A string/char is required; received [{other:?}]")),
        },
        TExpr::IsNull(x) => Ok(SVal::Bool(eval(x, env)? == SVal::Null)),
        TExpr::Call(f, ci, args) => {
            let mut values = Vec::with_capacity(args.len());
            for a in args {
                values.push(eval(a, env)?);
            }
            builtins::call(*f, *ci, &values)
        }
    }
}

/// `Comparisons.compare`: `None` when either side is `null` or the types do not compare.
pub(crate) fn compare(l: &SVal, r: &SVal) -> Option<std::cmp::Ordering> {
    match (l, r) {
        (SVal::Int(a), SVal::Int(b)) => Some(a.cmp(b)),
        (SVal::Int(_) | SVal::Double(_), SVal::Int(_) | SVal::Double(_)) => {
            Some(num(l)?.total_cmp(&num(r)?))
        }
        (SVal::Str(a), SVal::Str(b)) => Some(java::compare_strings(a, b)),
        (SVal::Bool(a), SVal::Bool(b)) => Some(a.cmp(b)),
        _ => None,
    }
}

fn num(v: &SVal) -> Option<f64> {
    match v {
        SVal::Int(i) => Some(*i as f64),
        SVal::Double(d) => Some(*d),
        _ => None,
    }
}

/// `Arithmetics`: exact 64-bit integer operations, Java's truncating division and remainder;
/// floating point when either operand is a float.
pub(crate) fn arith(op: ArithOp, l: &SVal, r: &SVal) -> Eval {
    match (l, r) {
        (SVal::Null, _) | (_, SVal::Null) => Ok(SVal::Null),
        (SVal::Int(a), SVal::Int(b)) => {
            let v = match op {
                ArithOp::Add => a.checked_add(*b),
                ArithOp::Sub => a.checked_sub(*b),
                ArithOp::Mul => a.checked_mul(*b),
                ArithOp::Div if *b == 0 => return err("/ by zero"),
                ArithOp::Div => a.checked_div(*b),
                ArithOp::Mod if *b == 0 => return err("/ by zero"),
                ArithOp::Mod => a.checked_rem(*b),
            };
            v.map(SVal::Int)
                .ok_or_else(|| EvalError("long overflow".into()))
        }
        _ => match (num(l), num(r)) {
            (Some(a), Some(b)) => Ok(SVal::Double(match op {
                ArithOp::Add => a + b,
                ArithOp::Sub => a - b,
                ArithOp::Mul => a * b,
                ArithOp::Div => a / b,
                ArithOp::Mod => a % b,
            })),
            _ => err(format!(
                "A number is required; received [{l:?}] and [{r:?}]"
            )),
        },
    }
}

/// How many value combinations a script tries at most per event (a guard against events with
/// huge arrays in several fields; CloudTrail's multi-valued ECS fields hold a few values).
const MAX_COMBINATIONS: usize = 4096;

/// A script condition as an engine predicate.
pub(crate) struct ScriptPred {
    expr: TExpr,
    text: String,
    slots: Vec<(usize, Arc<FieldRef>)>,
    width: usize,
}

impl ScriptPred {
    /// A predicate for the boolean expression `expr`, shown as `text`.
    pub(crate) fn new(expr: TExpr, text: String) -> ScriptPred {
        let mut slots: Vec<(usize, Arc<FieldRef>)> = Vec::new();
        expr.visit_fields(&mut |s| {
            if !slots.iter().any(|(i, _)| *i == s.index) {
                slots.push((s.index, s.field.clone()));
            }
        });
        let width = slots.iter().map(|(i, _)| i + 1).max().unwrap_or(0);
        ScriptPred {
            expr,
            text,
            slots,
            width,
        }
    }

    /// Whether some combination of field values makes the script `true`.
    pub(crate) fn holds(&self, ev: &Event<'_>) -> bool {
        let values: Vec<Vec<SVal>> = self
            .slots
            .iter()
            .map(|(_, f)| {
                let v = f.script_values(ev);
                if v.is_empty() { vec![SVal::Null] } else { v }
            })
            .collect();
        let mut env = vec![SVal::Null; self.width];
        let mut pos = vec![0usize; values.len()];
        for _ in 0..MAX_COMBINATIONS {
            for (k, (slot, _)) in self.slots.iter().enumerate() {
                if let (Some(cell), Some(vals), Some(p)) =
                    (env.get_mut(*slot), values.get(k), pos.get(k))
                {
                    *cell = vals.get(*p).cloned().unwrap_or(SVal::Null);
                }
            }
            if eval(&self.expr, &env) == Ok(SVal::Bool(true)) {
                return true;
            }
            // Next combination (odometer); done when every position wrapped.
            let mut k = 0;
            loop {
                let (Some(p), Some(vals)) = (pos.get_mut(k), values.get(k)) else {
                    return false;
                };
                *p += 1;
                if *p < vals.len() {
                    break;
                }
                *p = 0;
                k += 1;
            }
        }
        false
    }
}

impl fmt::Debug for ScriptPred {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "script({})", self.text)
    }
}

impl EventPredicate for ScriptPred {
    fn eval(&self, ev: &Event<'_>) -> bool {
        self.holds(ev)
    }

    fn fields(&self) -> Vec<Field> {
        self.slots.iter().map(|(_, f)| f.field.clone()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use trailhound_engine::CmpOp;

    fn holds(op: CmpOp, l: &SVal, r: &SVal) -> Option<bool> {
        compare(l, r).map(|o| op.holds(o))
    }

    #[test]
    fn comparisons_are_three_valued() {
        let s = |x: &str| SVal::Str(x.into());
        let cases = [
            (CmpOp::Eq, SVal::Int(1), SVal::Double(1.0), Some(true)),
            (CmpOp::Lt, SVal::Int(1), SVal::Int(2), Some(true)),
            (CmpOp::Eq, s("a"), s("A"), Some(false)),
            (CmpOp::Lt, s("B"), s("a"), Some(true)),
            (CmpOp::Eq, s("1"), SVal::Int(1), None),
            (CmpOp::Eq, SVal::Null, SVal::Null, None),
            (CmpOp::Ne, SVal::Null, s("x"), None),
            (CmpOp::Gt, SVal::Bool(true), SVal::Bool(false), Some(true)),
        ];
        for (op, l, r, want) in cases {
            assert_eq!(holds(op, &l, &r), want, "{l:?} {op:?} {r:?}");
        }
    }

    #[test]
    fn arithmetic_follows_java() {
        let cases = [
            (ArithOp::Div, SVal::Int(4), SVal::Int(3), Ok(SVal::Int(1))),
            (ArithOp::Div, SVal::Int(-7), SVal::Int(2), Ok(SVal::Int(-3))),
            (
                ArithOp::Mod,
                SVal::Int(-10),
                SVal::Int(6),
                Ok(SVal::Int(-4)),
            ),
            (ArithOp::Mod, SVal::Int(10), SVal::Int(-6), Ok(SVal::Int(4))),
            (
                ArithOp::Mod,
                SVal::Int(10),
                SVal::Double(0.5),
                Ok(SVal::Double(0.0)),
            ),
            (
                ArithOp::Add,
                SVal::Int(4),
                SVal::Double(0.5),
                Ok(SVal::Double(4.5)),
            ),
            (ArithOp::Add, SVal::Null, SVal::Int(1), Ok(SVal::Null)),
            (ArithOp::Div, SVal::Int(1), SVal::Int(0), err("/ by zero")),
            (
                ArithOp::Add,
                SVal::Int(i64::MAX),
                SVal::Int(1),
                err("long overflow"),
            ),
            (
                ArithOp::Mod,
                SVal::Int(i64::MIN),
                SVal::Int(-1),
                err("long overflow"),
            ),
        ];
        for (op, l, r, want) in cases {
            assert_eq!(arith(op, &l, &r), want, "{l:?} {op:?} {r:?}");
        }
    }
}

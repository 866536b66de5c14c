//! Compiled expressions and their evaluation over one row, with ES|QL's three-valued logic,
//! multi-value rules and failure warnings (see the crate docs, `# Semantics`).

use crate::func::{self, Call, EvalError, Func, Prep};
use crate::javatime;
use crate::like_pattern::LikePattern;
use crate::lucene_regex::LuceneRegex;
use crate::value::{EsqlType, EsqlValue, Period};
use foldhash::HashSet;
use std::cmp::Ordering;
use trailhound_event::{Event, Field, Val};

/// Identifies a column slot in a row.
pub(crate) type ColId = usize;

/// Arithmetic operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ArithOp {
    Add,
    Sub,
    Mul,
    Div,
    Mod,
}

impl ArithOp {
    pub(crate) fn symbol(self) -> &'static str {
        match self {
            ArithOp::Add => "+",
            ArithOp::Sub => "-",
            ArithOp::Mul => "*",
            ArithOp::Div => "/",
            ArithOp::Mod => "%",
        }
    }
}

/// Comparison operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CmpOp {
    Eq,
    Neq,
    Lt,
    Lte,
    Gt,
    Gte,
}

impl CmpOp {
    fn holds(self, o: Ordering) -> bool {
        match self {
            CmpOp::Eq => o == Ordering::Equal,
            CmpOp::Neq => o != Ordering::Equal,
            CmpOp::Lt => o == Ordering::Less,
            CmpOp::Lte => o != Ordering::Greater,
            CmpOp::Gt => o == Ordering::Greater,
            CmpOp::Gte => o != Ordering::Less,
        }
    }
}

/// A `LIKE` or `RLIKE` matcher.
#[derive(Clone, Debug)]
pub(crate) enum Matcher {
    Like(LikePattern),
    Regex(LuceneRegex),
}

impl Matcher {
    fn is_match(&self, s: &str) -> bool {
        match self {
            Matcher::Like(p) => p.is_match(s),
            Matcher::Regex(r) => r.is_match(s),
        }
    }
}

/// A compiled, type-checked expression.
#[derive(Clone, Debug)]
pub(crate) enum CExpr {
    /// A constant.
    Const(EsqlValue),
    /// A column of the row.
    Col(ColId),
    /// `-x`.
    Neg { e: Box<CExpr>, site: u32 },
    /// `l op r`, both operands already converted to `ty`'s operand types.
    Arith {
        op: ArithOp,
        l: Box<CExpr>,
        r: Box<CExpr>,
        ty: EsqlType,
        site: u32,
    },
    /// `l op r` over operands of one comparable type.
    Cmp {
        op: CmpOp,
        l: Box<CExpr>,
        r: Box<CExpr>,
        site: u32,
    },
    /// `AND`.
    And(Box<CExpr>, Box<CExpr>),
    /// `OR`.
    Or(Box<CExpr>, Box<CExpr>),
    /// `NOT`.
    Not(Box<CExpr>),
    /// `LIKE`/`RLIKE` (any pattern matches).
    Like {
        e: Box<CExpr>,
        pats: Vec<Matcher>,
        negated: bool,
        site: u32,
    },
    /// `IN`: constants are in `set`, other elements in `list`.
    In {
        e: Box<CExpr>,
        set: HashSet<EsqlValue>,
        list: Vec<CExpr>,
        null_in_list: bool,
        negated: bool,
        site: u32,
    },
    /// `IS [NOT] NULL`.
    IsNull { e: Box<CExpr>, negated: bool },
    /// Numeric widening or an implicit cast.
    Coerce {
        e: Box<CExpr>,
        to: EsqlType,
        site: u32,
    },
    /// A scalar function.
    Call {
        func: Func,
        args: Vec<CExpr>,
        ty: EsqlType,
        prep: Prep,
        site: u32,
    },
    /// An element-wise conversion (`TO_*`, `TO_LOWER`, `TO_UPPER`, casts).
    Elementwise {
        func: Func,
        e: Box<CExpr>,
        to: EsqlType,
        site: u32,
    },
    /// `CASE` (lazy).
    Case {
        pairs: Vec<(CExpr, CExpr)>,
        default: Option<Box<CExpr>>,
        ty: EsqlType,
        site: u32,
    },
    /// `COALESCE` (lazy).
    Coalesce { args: Vec<CExpr>, ty: EsqlType },
}

/// How a source column is read from an event.
#[derive(Clone, Debug)]
pub(crate) enum SrcKind {
    /// A field of the view.
    Field(Field),
    /// `@timestamp` (from `eventTime`, fast path).
    Timestamp,
    /// `_id`: the `eventID`.
    MetaId,
    /// `_index`: the backing index of the event's day.
    MetaIndex,
    /// `_version`: always 1.
    MetaVersion,
    /// A column that is never set on CloudTrail events.
    Null,
}

/// A column of the `FROM` table.
#[derive(Clone, Debug)]
pub(crate) struct SourceCol {
    pub name: String,
    pub ty: EsqlType,
    pub kind: SrcKind,
}

/// Where an expression that can fail was written, for warnings.
#[derive(Clone, Debug)]
pub(crate) struct Site {
    pub text: String,
    pub line_col: Option<(usize, usize)>,
}

/// Evaluation failures grouped by expression, reported like Elasticsearch's response warnings.
///
/// A recording collector ([`Warnings::recording`]) keeps the failures and notes in the order
/// they happen instead, so that they can be [replayed](Warnings::replay) into another collector
/// later: replaying gives exactly what reporting them there directly would have given.
#[derive(Debug, Default)]
pub(crate) struct Warnings {
    by_site: Vec<(u32, u64, Vec<String>)>,
    other: Vec<String>,
    log: Option<Vec<Logged>>,
}

/// One recorded warning event.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Logged {
    /// An evaluation failure at a site, with its exception line.
    Fail(u32, String),
    /// Any other note.
    Note(String),
}

/// Elasticsearch records the first 20 failures per expression.
const MAX_RECORDED: usize = 20;

impl Warnings {
    /// A collector that records warning events in order (see [`Warnings::take_log`]).
    pub(crate) fn recording() -> Warnings {
        Warnings {
            log: Some(Vec::new()),
            ..Warnings::default()
        }
    }

    /// The events recorded since the last call (empty unless recording).
    pub(crate) fn take_log(&mut self) -> Vec<Logged> {
        self.log.as_mut().map(std::mem::take).unwrap_or_default()
    }

    /// Reports recorded events as if they happened now, in order.
    pub(crate) fn replay(&mut self, events: &[Logged]) {
        for e in events {
            match e {
                Logged::Fail(site, msg) => self.fail_text(*site, msg),
                Logged::Note(msg) => self.note(msg.clone()),
            }
        }
    }

    /// Reports what `later` collected (not recording) as if it happened now, after what this
    /// collector holds: the same as reporting `later`'s events here one by one, since counts
    /// add up and the first recorded messages of a site come first.
    pub(crate) fn absorb(&mut self, later: &Warnings) {
        for (site, n, msgs) in &later.by_site {
            match self.by_site.iter_mut().find(|(s, _, _)| s == site) {
                Some((_, held_n, held)) => {
                    *held_n += n;
                    for m in msgs {
                        if held.len() < MAX_RECORDED && !held.contains(m) {
                            held.push(m.clone());
                        }
                    }
                }
                None => self.by_site.push((*site, *n, msgs.clone())),
            }
        }
        for m in &later.other {
            self.note(m.clone());
        }
    }

    pub(crate) fn fail(&mut self, site: u32, e: &EvalError) {
        self.fail_text(site, &e.text());
    }

    fn fail_text(&mut self, site: u32, msg: &str) {
        if let Some(log) = &mut self.log {
            log.push(Logged::Fail(site, msg.to_owned()));
            return;
        }
        match self.by_site.iter_mut().find(|(s, _, _)| *s == site) {
            Some((_, n, msgs)) => {
                *n += 1;
                if msgs.len() < MAX_RECORDED && !msgs.iter().any(|m| m == msg) {
                    msgs.push(msg.to_owned());
                }
            }
            None => self.by_site.push((site, 1, vec![msg.to_owned()])),
        }
    }

    pub(crate) fn note(&mut self, msg: String) {
        if let Some(log) = &mut self.log {
            log.push(Logged::Note(msg));
            return;
        }
        if !self.other.contains(&msg) {
            self.other.push(msg);
        }
    }

    /// Renders: per failing expression, `Line L:C: evaluation of [expr] failed, treating result
    /// as null. Only first 20 failures recorded.` followed by its distinct exception lines and a
    /// count; then other notes.
    pub(crate) fn render(&self, sites: &[Site]) -> Vec<String> {
        let mut out = Vec::new();
        for (site, n, msgs) in &self.by_site {
            let s = sites.get(*site as usize);
            let prefix = s
                .and_then(|s| s.line_col)
                .map_or_else(String::new, |(l, c)| format!("Line {l}:{c}: "));
            let text = s.map_or("?", |s| s.text.as_str());
            out.push(format!(
                "{prefix}evaluation of [{text}] failed, treating result as null. Only first {MAX_RECORDED} failures recorded. ({n} failures)"
            ));
            for m in msgs {
                out.push(format!("{prefix}{m}"));
            }
        }
        out.extend(self.other.iter().cloned());
        out
    }
}

/// One row being processed: lazily loaded source columns of an event, computed columns.
pub(crate) struct Row<'e> {
    pub ev: Option<&'e Event<'e>>,
    pub vals: Vec<Option<EsqlValue>>,
}

impl<'e> Row<'e> {
    /// The value of column `id`, loading it from the event on first use.
    pub(crate) fn get(&mut self, id: ColId, sources: &[SourceCol]) -> EsqlValue {
        if let Some(Some(v)) = self.vals.get(id) {
            return v.clone();
        }
        let v = match (self.ev, sources.get(id)) {
            (Some(ev), Some(src)) => load(ev, src),
            _ => EsqlValue::Null,
        };
        if let Some(slot) = self.vals.get_mut(id) {
            *slot = Some(v.clone());
        }
        v
    }

    /// Loads the given columns so the row no longer needs its event.
    pub(crate) fn load_all(&mut self, ids: &[ColId], sources: &[SourceCol]) {
        for &id in ids {
            if matches!(self.vals.get(id), Some(None)) {
                self.get(id, sources);
            }
        }
    }

    /// Sets a computed column.
    pub(crate) fn set(&mut self, id: ColId, v: EsqlValue) {
        if let Some(slot) = self.vals.get_mut(id) {
            *slot = Some(v);
        }
    }
}

/// Reads one source column of an event with Elasticsearch's typing of the mapped field: values
/// converted to the column type (unconvertible values skipped, as `ignore_malformed`), keyword
/// and IP multi-values sorted and de-duplicated, numeric, date and boolean multi-values sorted
/// (doc-values order; "ES|QL multivalued fields").
pub(crate) fn load(ev: &Event<'_>, src: &SourceCol) -> EsqlValue {
    match &src.kind {
        SrcKind::Timestamp => ev.time_millis().map_or(EsqlValue::Null, EsqlValue::Date),
        SrcKind::MetaId => ev
            .raw_str(&["eventID"])
            .map_or(EsqlValue::Null, EsqlValue::str),
        SrcKind::MetaIndex => EsqlValue::str(&backing_index(ev.time_millis())),
        SrcKind::MetaVersion => EsqlValue::Long(1),
        SrcKind::Null => EsqlValue::Null,
        SrcKind::Field(field) => {
            // Most fields have one value: allocate a list only for a second one.
            let mut first: Option<EsqlValue> = None;
            let mut more: Vec<EsqlValue> = Vec::new();
            field.visit(ev, &mut |v| {
                if let Some(x) = from_val(v, src.ty) {
                    if first.is_none() {
                        first = Some(x);
                    } else {
                        more.push(x);
                    }
                }
                false
            });
            let Some(first) = first else {
                return EsqlValue::Null;
            };
            if more.is_empty() {
                return first;
            }
            more.push(first);
            more.sort_by(|a, b| a.total_cmp(b));
            if matches!(src.ty, EsqlType::Keyword | EsqlType::Ip | EsqlType::Version) {
                more.dedup();
            }
            EsqlValue::from_values(more)
        }
    }
}

/// A data stream backing index name for an event time: `.ds-logs-aws.cloudtrail-default-2023.07.10-000001`.
pub(crate) fn backing_index(ms: Option<i64>) -> String {
    let c = javatime::Civil::of(ms.unwrap_or(0));
    format!(
        ".ds-logs-aws.cloudtrail-default-{:04}.{:02}.{:02}-000001",
        c.year, c.month, c.day
    )
}

fn from_val(v: Val<'_>, ty: EsqlType) -> Option<EsqlValue> {
    use EsqlValue as V;
    match (ty, v) {
        (_, Val::Null) => None,
        (EsqlType::Keyword | EsqlType::Text, Val::Str(s)) => Some(V::str(s)),
        (EsqlType::Keyword | EsqlType::Text, other) => other.to_text().map(|t| V::str(&t)),
        (EsqlType::Boolean, Val::Bool(b)) => Some(V::Bool(b)),
        (EsqlType::Boolean, Val::Str(s)) => match s {
            "true" => Some(V::Bool(true)),
            "false" => Some(V::Bool(false)),
            _ => None,
        },
        (EsqlType::Long, Val::Int(i)) => Some(V::Long(i)),
        (EsqlType::Long, Val::Str(s)) => s.parse().ok().map(V::Long),
        (EsqlType::Long, Val::Float(f)) if f.is_finite() => Some(V::Long(f as i64)),
        (EsqlType::Double, Val::Str(s)) => func::parse_java_double(s).map(V::Double),
        (EsqlType::Double, other) => other.as_f64().map(V::Double),
        (EsqlType::Date, Val::Str(s)) => javatime::parse_strict_date_optional_time(s).map(V::Date),
        (EsqlType::Date, Val::Int(i)) => Some(V::Date(i)),
        (EsqlType::Ip, Val::Str(s)) => crate::value::parse_ip(s).map(V::Ip),
        (EsqlType::Version, Val::Str(s)) => Some(V::Version(s.into())),
        _ => None,
    }
}

/// Evaluation context.
pub(crate) struct Cx<'a> {
    pub now: i64,
    pub sources: &'a [SourceCol],
    pub warnings: &'a mut Warnings,
}

impl Cx<'_> {
    fn fail(&mut self, site: u32, e: EvalError) -> EsqlValue {
        self.warnings.fail(site, &e);
        EsqlValue::Null
    }
}

impl CExpr {
    /// Whether this is a constant.
    pub(crate) fn konst(&self) -> Option<&EsqlValue> {
        match self {
            CExpr::Const(v) => Some(v),
            _ => None,
        }
    }

    /// Calls `f` with every column this expression reads.
    pub(crate) fn columns(&self, f: &mut dyn FnMut(ColId)) {
        match self {
            CExpr::Const(_) => {}
            CExpr::Col(id) => f(*id),
            CExpr::Neg { e, .. }
            | CExpr::Not(e)
            | CExpr::IsNull { e, .. }
            | CExpr::Coerce { e, .. }
            | CExpr::Elementwise { e, .. } => e.columns(f),
            CExpr::Arith { l, r, .. }
            | CExpr::Cmp { l, r, .. }
            | CExpr::And(l, r)
            | CExpr::Or(l, r) => {
                l.columns(f);
                r.columns(f);
            }
            CExpr::Like { e, .. } => e.columns(f),
            CExpr::In { e, list, .. } => {
                e.columns(f);
                list.iter().for_each(|x| x.columns(f));
            }
            CExpr::Call { args, .. } | CExpr::Coalesce { args, .. } => {
                args.iter().for_each(|x| x.columns(f))
            }
            CExpr::Case { pairs, default, .. } => {
                for (c, v) in pairs {
                    c.columns(f);
                    v.columns(f);
                }
                if let Some(d) = default {
                    d.columns(f);
                }
            }
        }
    }

    /// Whether the expression reads `NOW()` (it then cannot be folded at plan time).
    pub(crate) fn uses_now(&self) -> bool {
        match self {
            CExpr::Call {
                func: Func::Now, ..
            } => true,
            CExpr::Const(_) | CExpr::Col(_) => false,
            CExpr::Neg { e, .. }
            | CExpr::Not(e)
            | CExpr::IsNull { e, .. }
            | CExpr::Coerce { e, .. }
            | CExpr::Elementwise { e, .. }
            | CExpr::Like { e, .. } => e.uses_now(),
            CExpr::Arith { l, r, .. }
            | CExpr::Cmp { l, r, .. }
            | CExpr::And(l, r)
            | CExpr::Or(l, r) => l.uses_now() || r.uses_now(),
            CExpr::In { e, list, .. } => e.uses_now() || list.iter().any(CExpr::uses_now),
            CExpr::Call { args, .. } | CExpr::Coalesce { args, .. } => {
                args.iter().any(CExpr::uses_now)
            }
            CExpr::Case { pairs, default, .. } => {
                pairs.iter().any(|(c, v)| c.uses_now() || v.uses_now())
                    || default.as_ref().is_some_and(|d| d.uses_now())
            }
        }
    }

    /// Evaluates over `row`.
    pub(crate) fn eval(&self, row: &mut Row<'_>, cx: &mut Cx<'_>) -> EsqlValue {
        match self {
            CExpr::Const(v) => v.clone(),
            CExpr::Col(id) => row.get(*id, cx.sources),
            CExpr::Neg { e, site } => {
                let v = e.eval(row, cx);
                match negate(&v) {
                    Ok(x) => x,
                    Err(err) => cx.fail(*site, err),
                }
            }
            CExpr::Arith { op, l, r, ty, site } => {
                let (a, b) = (l.eval(row, cx), r.eval(row, cx));
                match arith(*op, &a, &b, *ty) {
                    Ok(x) => x,
                    Err(err) => cx.fail(*site, err),
                }
            }
            CExpr::Cmp { op, l, r, site } => {
                let (a, b) = (l.eval(row, cx), r.eval(row, cx));
                match compare(*op, &a, &b) {
                    Ok(x) => x,
                    Err(err) => cx.fail(*site, err),
                }
            }
            CExpr::And(l, r) => {
                let a = truth(&l.eval(row, cx));
                if a == Some(false) {
                    return EsqlValue::Bool(false);
                }
                let b = truth(&r.eval(row, cx));
                match (a, b) {
                    (_, Some(false)) => EsqlValue::Bool(false),
                    (Some(true), Some(true)) => EsqlValue::Bool(true),
                    _ => EsqlValue::Null,
                }
            }
            CExpr::Or(l, r) => {
                let a = truth(&l.eval(row, cx));
                if a == Some(true) {
                    return EsqlValue::Bool(true);
                }
                let b = truth(&r.eval(row, cx));
                match (a, b) {
                    (_, Some(true)) => EsqlValue::Bool(true),
                    (Some(false), Some(false)) => EsqlValue::Bool(false),
                    _ => EsqlValue::Null,
                }
            }
            CExpr::Not(e) => match truth(&e.eval(row, cx)) {
                Some(b) => EsqlValue::Bool(!b),
                None => EsqlValue::Null,
            },
            CExpr::Like {
                e,
                pats,
                negated,
                site,
            } => match e.eval(row, cx) {
                EsqlValue::Null => EsqlValue::Null,
                EsqlValue::Multi(_) => cx.fail(*site, EvalError::MultiValue),
                v => {
                    let s = v.as_str().unwrap_or_default();
                    EsqlValue::Bool(pats.iter().any(|p| p.is_match(s)) != *negated)
                }
            },
            CExpr::In {
                e,
                set,
                list,
                null_in_list,
                negated,
                site,
            } => {
                let v = e.eval(row, cx);
                let r = match &v {
                    EsqlValue::Null => return EsqlValue::Null,
                    EsqlValue::Multi(_) => return cx.fail(*site, EvalError::MultiValue),
                    v => {
                        let mut found = set.contains(v);
                        let mut saw_null = *null_in_list;
                        for item in list {
                            if found {
                                break;
                            }
                            match compare(CmpOp::Eq, v, &item.eval(row, cx)) {
                                Ok(EsqlValue::Bool(true)) => found = true,
                                Ok(EsqlValue::Null) | Err(_) => saw_null = true,
                                _ => {}
                            }
                        }
                        if found {
                            Some(true)
                        } else if saw_null {
                            None
                        } else {
                            Some(false)
                        }
                    }
                };
                match r {
                    Some(b) => EsqlValue::Bool(b != *negated),
                    None => EsqlValue::Null,
                }
            }
            CExpr::IsNull { e, negated } => EsqlValue::Bool(e.eval(row, cx).is_null() != *negated),
            CExpr::Coerce { e, to, site } => {
                let v = e.eval(row, cx);
                match func::coerce(&v, *to) {
                    Ok(x) => x,
                    Err(err) => cx.fail(*site, err),
                }
            }
            CExpr::Elementwise { func, e, to, site } => {
                let v = e.eval(row, cx);
                let mut errs = Vec::new();
                let out = func::eval_elementwise(*func, *to, &v, &mut |err| errs.push(err));
                for err in errs {
                    cx.warnings.fail(*site, &err);
                }
                out
            }
            CExpr::Case {
                pairs,
                default,
                ty,
                site,
            } => {
                for (c, v) in pairs {
                    match c.eval(row, cx) {
                        EsqlValue::Bool(true) => {
                            return coerce_or_warn(v.eval(row, cx), *ty, *site, cx);
                        }
                        EsqlValue::Multi(_) => {
                            cx.warnings.fail(*site, &EvalError::MultiValue);
                        }
                        _ => {}
                    }
                }
                match default {
                    Some(d) => coerce_or_warn(d.eval(row, cx), *ty, *site, cx),
                    None => EsqlValue::Null,
                }
            }
            CExpr::Coalesce { args, ty } => {
                for a in args {
                    let v = a.eval(row, cx);
                    if !v.is_null() {
                        return func::coerce(&v, *ty).unwrap_or(v);
                    }
                }
                EsqlValue::Null
            }
            CExpr::Call {
                func,
                args,
                ty,
                prep,
                site,
            } => {
                let vals: Vec<EsqlValue> = args.iter().map(|a| a.eval(row, cx)).collect();
                let call = Call {
                    func: *func,
                    ty: *ty,
                    prep,
                    now: cx.now,
                };
                match func::eval(&call, &vals) {
                    Ok(v) => v,
                    Err(err) => cx.fail(*site, err),
                }
            }
        }
    }
}

fn coerce_or_warn(v: EsqlValue, ty: EsqlType, site: u32, cx: &mut Cx<'_>) -> EsqlValue {
    match func::coerce(&v, ty) {
        Ok(x) => x,
        Err(e) => cx.fail(site, e),
    }
}

/// `Some(bool)` for a single boolean, `None` for null (and, with a warning elsewhere, multi).
pub(crate) fn truth(v: &EsqlValue) -> Option<bool> {
    v.as_bool()
}

fn negate(v: &EsqlValue) -> Result<EsqlValue, EvalError> {
    use EsqlValue as V;
    Ok(match v {
        V::Null => V::Null,
        V::Multi(_) => return Err(EvalError::MultiValue),
        V::Int(i) => V::Int(
            i.checked_neg()
                .ok_or_else(|| EvalError::arith("integer overflow"))?,
        ),
        V::Long(i) => V::Long(
            i.checked_neg()
                .ok_or_else(|| EvalError::arith("long overflow"))?,
        ),
        V::UnsignedLong(0) => V::UnsignedLong(0),
        V::UnsignedLong(_) => return Err(EvalError::arith("unsigned_long overflow")),
        V::Double(d) => V::Double(-d),
        V::Duration(d) => V::Duration(
            d.checked_neg()
                .ok_or_else(|| EvalError::arith("long overflow"))?,
        ),
        V::Period(p) => V::Period(Period {
            months: -p.months,
            days: -p.days,
        }),
        other => return Err(EvalError::illegal(format!("cannot negate [{other}]"))),
    })
}

/// Arithmetic with overflow, division by zero and non-finite results as errors (null plus a
/// warning), Java integer division (truncation) and remainder (dividend's sign).
pub(crate) fn arith(
    op: ArithOp,
    a: &EsqlValue,
    b: &EsqlValue,
    ty: EsqlType,
) -> Result<EsqlValue, EvalError> {
    use EsqlValue as V;
    if a.is_null() || b.is_null() {
        return Ok(V::Null);
    }
    if a.is_multi() || b.is_multi() {
        return Err(EvalError::MultiValue);
    }
    let overflow = |t: &str| EvalError::arith(&format!("{t} overflow"));
    match (a, b) {
        (V::Date(d), V::Duration(ms)) | (V::Duration(ms), V::Date(d)) if op == ArithOp::Add => d
            .checked_add(*ms)
            .map(V::Date)
            .ok_or_else(|| overflow("long")),
        (V::Date(d), V::Duration(ms)) if op == ArithOp::Sub => d
            .checked_sub(*ms)
            .map(V::Date)
            .ok_or_else(|| overflow("long")),
        (V::Date(d), V::Period(p)) | (V::Period(p), V::Date(d)) if op == ArithOp::Add => {
            javatime::add_period(*d, *p)
                .map(V::Date)
                .ok_or_else(|| overflow("long"))
        }
        (V::Date(d), V::Period(p)) if op == ArithOp::Sub => javatime::add_period(
            *d,
            Period {
                months: -p.months,
                days: -p.days,
            },
        )
        .map(V::Date)
        .ok_or_else(|| overflow("long")),
        (V::Duration(x), V::Duration(y)) => match op {
            ArithOp::Add => x
                .checked_add(*y)
                .map(V::Duration)
                .ok_or_else(|| overflow("long")),
            ArithOp::Sub => x
                .checked_sub(*y)
                .map(V::Duration)
                .ok_or_else(|| overflow("long")),
            _ => Err(EvalError::illegal("unsupported operation on time_duration")),
        },
        (V::Period(x), V::Period(y)) => match op {
            ArithOp::Add => Ok(V::Period(Period {
                months: x.months + y.months,
                days: x.days + y.days,
            })),
            ArithOp::Sub => Ok(V::Period(Period {
                months: x.months - y.months,
                days: x.days - y.days,
            })),
            _ => Err(EvalError::illegal("unsupported operation on date_period")),
        },
        _ => match ty {
            EsqlType::Double => {
                let (x, y) = (
                    a.as_f64().unwrap_or(f64::NAN),
                    b.as_f64().unwrap_or(f64::NAN),
                );
                let r = match op {
                    ArithOp::Add => x + y,
                    ArithOp::Sub => x - y,
                    ArithOp::Mul => x * y,
                    ArithOp::Div => {
                        if y == 0.0 {
                            return Err(EvalError::arith("/ by zero"));
                        }
                        x / y
                    }
                    ArithOp::Mod => {
                        if y == 0.0 {
                            return Err(EvalError::arith("/ by zero"));
                        }
                        x % y
                    }
                };
                if r.is_finite() {
                    Ok(V::Double(r))
                } else {
                    Err(EvalError::arith("not a finite double number"))
                }
            }
            EsqlType::Integer | EsqlType::Long | EsqlType::UnsignedLong => {
                let (x, y) = (a.as_i128().unwrap_or(0), b.as_i128().unwrap_or(0));
                let r = match op {
                    ArithOp::Add => x + y,
                    ArithOp::Sub => x - y,
                    ArithOp::Mul => x.checked_mul(y).ok_or_else(|| overflow(ty.name()))?,
                    ArithOp::Div => {
                        if y == 0 {
                            return Err(EvalError::arith("/ by zero"));
                        }
                        x / y
                    }
                    ArithOp::Mod => {
                        if y == 0 {
                            return Err(EvalError::arith("/ by zero"));
                        }
                        x % y
                    }
                };
                match ty {
                    EsqlType::Integer => i32::try_from(r)
                        .map(V::Int)
                        .map_err(|_| overflow("integer")),
                    EsqlType::Long => i64::try_from(r).map(V::Long).map_err(|_| overflow("long")),
                    _ => u64::try_from(r)
                        .map(V::UnsignedLong)
                        .map_err(|_| overflow("unsigned_long")),
                }
            }
            _ => Err(EvalError::illegal(format!(
                "unsupported arithmetic on [{a}] and [{b}]"
            ))),
        },
    }
}

/// Three-valued comparison of two single values of one comparable type.
pub(crate) fn compare(op: CmpOp, a: &EsqlValue, b: &EsqlValue) -> Result<EsqlValue, EvalError> {
    if a.is_null() || b.is_null() {
        return Ok(EsqlValue::Null);
    }
    if a.is_multi() || b.is_multi() {
        return Err(EvalError::MultiValue);
    }
    if let (Some(x), Some(y)) = (a.as_f64(), b.as_f64())
        && (matches!(a, EsqlValue::Double(_)) || matches!(b, EsqlValue::Double(_)))
    {
        return Ok(EsqlValue::Bool(match x.partial_cmp(&y) {
            Some(o) => op.holds(o),
            None => op == CmpOp::Neq,
        }));
    }
    Ok(EsqlValue::Bool(op.holds(a.total_cmp(b))))
}

#[cfg(test)]
mod tests {
    use super::*;
    use EsqlValue as V;

    /// A warning event: failure at a site with a message number, or a note.
    #[derive(Clone, Copy)]
    enum W {
        Fail(u32, u32),
        Note(u32),
    }

    fn report(w: &mut Warnings, events: &[W]) {
        for e in events {
            match e {
                W::Fail(site, m) => w.fail(*site, &EvalError::illegal(format!("m{m}"))),
                W::Note(m) => w.note(format!("n{m}")),
            }
        }
    }

    #[test]
    fn recorded_and_absorbed_warnings_read_as_if_reported_directly() {
        let sites: Vec<Site> = (0..3)
            .map(|i| Site {
                text: format!("e{i}"),
                line_col: Some((1, i + 1)),
            })
            .collect();
        // Sites first seen in either half, repeated messages, more than 20 distinct messages.
        let mut events: Vec<W> = vec![W::Fail(2, 0), W::Note(1), W::Fail(2, 0), W::Note(1)];
        events.extend((0..30).map(|m| W::Fail(1, m % 25)));
        events.extend([W::Fail(0, 3), W::Note(0), W::Fail(2, 9)]);
        events.extend((0..25).map(|m| W::Fail(0, 24 - m)));
        for cut in [0, 1, 3, 10, 33, 40, events.len()] {
            let (a, b) = events.split_at(cut);
            let mut direct = Warnings::default();
            report(&mut direct, &events);
            let want = direct.render(&sites);
            // Recorded, then replayed after directly reported events.
            let mut rec = Warnings::recording();
            report(&mut rec, b);
            let log = rec.take_log();
            assert!(rec.take_log().is_empty(), "the log is taken");
            let mut replayed = Warnings::default();
            report(&mut replayed, a);
            replayed.replay(&log);
            assert_eq!(replayed.render(&sites), want, "replayed after {cut}");
            assert!(
                rec.render(&sites).is_empty(),
                "a recording collector holds nothing"
            );
            // Collected apart, then absorbed.
            let (mut first, mut later) = (Warnings::default(), Warnings::default());
            report(&mut first, a);
            report(&mut later, b);
            first.absorb(&later);
            assert_eq!(first.render(&sites), want, "absorbed after {cut}");
        }
        let mut direct = Warnings::default();
        report(&mut direct, &events);
        let lines = direct.render(&sites);
        assert!(
            lines.contains(
                &"Line 1:2: evaluation of [e1] failed, treating result as null. Only first 20 failures recorded. (30 failures)"
                    .to_string()
            ),
            "{lines:?}"
        );
    }

    #[test]
    fn arithmetic_is_checked() {
        let r = |op, a: V, b: V, t| {
            arith(op, &a, &b, t)
                .map(|v| v.to_string())
                .unwrap_or_else(|e| e.text())
        };
        assert_eq!(
            r(ArithOp::Div, V::Int(7), V::Int(2), EsqlType::Integer),
            "3"
        );
        assert_eq!(
            r(ArithOp::Div, V::Int(-7), V::Int(2), EsqlType::Integer),
            "-3"
        );
        assert_eq!(
            r(ArithOp::Mod, V::Int(-7), V::Int(2), EsqlType::Integer),
            "-1"
        );
        assert_eq!(
            r(ArithOp::Div, V::Int(1), V::Int(0), EsqlType::Integer),
            "java.lang.ArithmeticException: / by zero"
        );
        assert_eq!(
            r(ArithOp::Add, V::Int(i32::MAX), V::Int(1), EsqlType::Integer),
            "java.lang.ArithmeticException: integer overflow"
        );
        assert_eq!(
            r(ArithOp::Add, V::Int(i32::MAX), V::Int(1), EsqlType::Long),
            "2147483648"
        );
        assert_eq!(
            r(
                ArithOp::Mul,
                V::Double(1e308),
                V::Double(10.0),
                EsqlType::Double
            ),
            "java.lang.ArithmeticException: not a finite double number"
        );
        assert_eq!(
            r(ArithOp::Add, V::Null, V::Int(1), EsqlType::Integer),
            "null"
        );
        assert_eq!(
            r(
                ArithOp::Add,
                V::from_values(vec![V::Int(1), V::Int(2)]),
                V::Int(1),
                EsqlType::Integer
            ),
            "java.lang.IllegalArgumentException: single-value function encountered multi-value"
        );
        assert_eq!(
            r(
                ArithOp::Sub,
                V::Date(86_400_000 * 8),
                V::Period(Period { months: 0, days: 7 }),
                EsqlType::Date
            ),
            "1970-01-02T00:00:00.000Z"
        );
    }

    #[test]
    fn comparisons_are_three_valued() {
        let c = |op, a: V, b: V| {
            compare(op, &a, &b)
                .map(|v| v.to_string())
                .unwrap_or_else(|_| "mv".into())
        };
        assert_eq!(c(CmpOp::Eq, V::str("a"), V::str("a")), "true");
        assert_eq!(c(CmpOp::Eq, V::str("a"), V::str("A")), "false");
        assert_eq!(c(CmpOp::Lt, V::str("B"), V::str("a")), "true");
        assert_eq!(c(CmpOp::Eq, V::Null, V::str("a")), "null");
        assert_eq!(
            c(
                CmpOp::Neq,
                V::from_values(vec![V::str("a"), V::str("b")]),
                V::str("a")
            ),
            "mv"
        );
        assert_eq!(c(CmpOp::Eq, V::Int(1), V::Double(1.0)), "true");
        assert_eq!(c(CmpOp::Eq, V::Double(-0.0), V::Double(0.0)), "true");
        assert_eq!(c(CmpOp::Gt, V::Long(3), V::Int(2)), "true");
    }
}

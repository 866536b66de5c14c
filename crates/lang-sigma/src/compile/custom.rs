//! Sigma conditions the engine IR has no node for, as [`EventPredicate`]s: keyword search over
//! every value of the record, `null`/`exists` on the record's structure, field references,
//! timestamp parts, `N of` with N > 1, and the strict (no-coercion) text test of the Chainsaw
//! comparison mode.

use sonic_rs::{JsonContainerTrait, JsonValueTrait};
use trailhound_engine::{EventPredicate, Pred, Test, fold};
use trailhound_event::{Event, Field, Path, Val};

use crate::matcher::{CmpOp, RefKind};
use crate::modifier::TimePart;

/// The whole record, for [`EventPredicate::fields`] of predicates that read everything.
fn whole_record() -> Field {
    Field::Raw(Path::parse(""))
}

/// Calls `f` on every scalar leaf of `doc` (strings, numbers, booleans; `null` is skipped,
/// objects and arrays are walked, keys are not values) until it returns `true`. Iterative, so a
/// deeply nested record cannot overflow the stack.
fn any_leaf<'e>(doc: &'e sonic_rs::Value, f: &mut dyn FnMut(Val<'e>) -> bool) -> bool {
    let mut todo = vec![doc];
    while let Some(node) = todo.pop() {
        if let Some(obj) = node.as_object() {
            todo.extend(obj.iter().map(|(_, v)| v));
        } else if let Some(arr) = node.as_array() {
            todo.extend(arr.iter());
        } else {
            let v = Val::of(node);
            if !v.is_null() && f(v) {
                return true;
            }
        }
    }
    false
}

/// A field-less (keyword) search: each group is found when some scalar leaf of the record passes
/// one of its tests; groups are OR-linked, or AND-linked under `|all`.
#[derive(Debug)]
pub(crate) struct KeywordSearch {
    /// One entry per written value: its alternatives.
    pub groups: Vec<Vec<Test>>,
    /// `|all`.
    pub all: bool,
}

impl KeywordSearch {
    fn found(&self, ev: &Event<'_>, tests: &[Test]) -> bool {
        any_leaf(ev.doc(), &mut |v| tests.iter().any(|t| t.check(v)))
    }
}

impl EventPredicate for KeywordSearch {
    fn eval(&self, ev: &Event<'_>) -> bool {
        if self.all {
            self.groups.iter().all(|g| self.found(ev, g))
        } else {
            self.groups.iter().any(|g| self.found(ev, g))
        }
    }

    fn fields(&self) -> Vec<Field> {
        vec![whole_record()]
    }
}

/// What [`Presence`] asks of a path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PresenceTest {
    /// `|exists: true`: the path reaches some node (any JSON value, `null`, `[]` and `{}`
    /// included).
    Exists,
    /// `field: null`: the path reaches no node, or reaches a JSON `null`.
    Null,
}

/// `null` and `exists`, which look at the record's structure rather than at values: a path
/// ending at an array yields the array itself (not its elements), so `[]` is present and not
/// null.
#[derive(Debug)]
pub(crate) struct Presence {
    /// The raw path.
    pub path: Path,
    /// The question.
    pub test: PresenceTest,
}

impl EventPredicate for Presence {
    fn eval(&self, ev: &Event<'_>) -> bool {
        let mut reached = false;
        let found_null = self.path.visit_exact(ev.doc(), &mut |node| {
            reached = true;
            node.is_null()
        });
        match self.test {
            PresenceTest::Exists => reached,
            PresenceTest::Null => found_null || !reached,
        }
    }

    fn fields(&self) -> Vec<Field> {
        vec![Field::Raw(self.path.clone())]
    }
}

/// `field|fieldref: other`: some value of `field` relates to some value of each (or, without
/// `|all`, any) referenced field, compared as text.
#[derive(Debug)]
pub(crate) struct FieldRef {
    /// The field on the left.
    pub field: Field,
    /// The referenced fields.
    pub refs: Vec<Field>,
    /// How values relate.
    pub kind: RefKind,
    /// `|cased`.
    pub cased: bool,
    /// `|all`.
    pub all: bool,
}

impl FieldRef {
    /// Text of every non-null value (objects as compact JSON), folded unless `cased`.
    fn texts(&self, ev: &Event<'_>, field: &Field) -> Vec<String> {
        field
            .values(ev)
            .iter()
            .filter_map(Val::to_text)
            .map(|t| if self.cased { t } else { fold(&t).into_owned() })
            .collect()
    }

    fn relates(&self, a: &str, b: &str) -> bool {
        match self.kind {
            RefKind::Equals => a == b,
            RefKind::Contains => a.contains(b),
            RefKind::Prefix => a.starts_with(b),
            RefKind::Suffix => a.ends_with(b),
        }
    }
}

impl EventPredicate for FieldRef {
    fn eval(&self, ev: &Event<'_>) -> bool {
        let mine = self.texts(ev, &self.field);
        if mine.is_empty() {
            return false;
        }
        let matches = |r: &Field| {
            let theirs = self.texts(ev, r);
            theirs
                .iter()
                .any(|b| mine.iter().any(|a| self.relates(a, b)))
        };
        if self.all {
            self.refs.iter().all(matches)
        } else {
            self.refs.iter().any(matches)
        }
    }

    fn fields(&self) -> Vec<Field> {
        let mut out = vec![self.field.clone()];
        out.extend(self.refs.iter().cloned());
        out
    }
}

/// `field|hour: 3`, `field|day|gte: 20`: a part of the field's timestamp (RFC 3339 text or
/// epoch seconds, in UTC) compared with each value.
#[derive(Debug)]
pub(crate) struct TimeTest {
    /// The field.
    pub field: Field,
    /// Which part.
    pub part: TimePart,
    /// `None`: equality.
    pub op: Option<CmpOp>,
    /// `|all`.
    pub all: bool,
    /// The values.
    pub values: Vec<i64>,
}

/// The timestamp a value denotes: RFC 3339 / ISO 8601 text, or epoch seconds (a JSON number or
/// a decimal string).
fn timestamp(v: Val<'_>) -> Option<jiff::Timestamp> {
    let seconds = match v {
        Val::Str(s) => match trailhound_event::time::parse_iso8601(s) {
            Some(ts) => return Some(ts),
            None => s.trim().parse::<f64>().ok()?,
        },
        other => other.as_f64()?,
    };
    if !seconds.is_finite() {
        return None;
    }
    // Out-of-range values are rejected by `from_millisecond`; the cast saturates first.
    jiff::Timestamp::from_millisecond((seconds * 1000.0).round() as i64).ok()
}

fn part_of(ts: jiff::Timestamp, part: TimePart) -> i64 {
    let z = ts.to_zoned(jiff::tz::TimeZone::UTC);
    match part {
        TimePart::Minute => i64::from(z.minute()),
        TimePart::Hour => i64::from(z.hour()),
        TimePart::Day => i64::from(z.day()),
        TimePart::Week => i64::from(z.date().iso_week_date().week()),
        TimePart::Month => i64::from(z.month()),
        TimePart::Year => i64::from(z.year()),
    }
}

impl TimeTest {
    fn holds(&self, actual: i64, wanted: i64) -> bool {
        match self.op {
            None => actual == wanted,
            Some(CmpOp::Lt) => actual < wanted,
            Some(CmpOp::Lte) => actual <= wanted,
            Some(CmpOp::Gt) => actual > wanted,
            Some(CmpOp::Gte) => actual >= wanted,
        }
    }
}

impl EventPredicate for TimeTest {
    fn eval(&self, ev: &Event<'_>) -> bool {
        let parts: Vec<i64> = self
            .field
            .values(ev)
            .into_iter()
            .filter_map(timestamp)
            .map(|ts| part_of(ts, self.part))
            .collect();
        let one = |w: &i64| parts.iter().any(|&p| self.holds(p, *w));
        if self.all {
            self.values.iter().all(one)
        } else {
            self.values.iter().any(one)
        }
    }

    fn fields(&self) -> Vec<Field> {
        vec![self.field.clone()]
    }
}

/// `N of pattern` with 1 < N < number of identifiers: at least `n` children hold.
#[derive(Debug)]
pub(crate) struct AtLeast {
    /// The threshold.
    pub n: usize,
    /// The identifiers' predicates.
    pub children: Vec<Pred>,
}

impl EventPredicate for AtLeast {
    fn eval(&self, ev: &Event<'_>) -> bool {
        let mut count = 0;
        for c in &self.children {
            if c.eval(ev) {
                count += 1;
                if count >= self.n {
                    return true;
                }
            }
        }
        false
    }

    fn fields(&self) -> Vec<Field> {
        let mut out: Vec<Field> = Vec::new();
        for f in self.children.iter().flat_map(Pred::fields) {
            if !out.contains(&f) {
                out.push(f);
            }
        }
        out
    }
}

/// A text test that never sees JSON booleans or objects: the Chainsaw comparison mode, where a
/// rule string does not match `true`/`false` and objects have no text.
#[derive(Debug)]
pub(crate) struct StrictText {
    /// The field.
    pub field: Field,
    /// The text test.
    pub test: Test,
}

impl EventPredicate for StrictText {
    fn eval(&self, ev: &Event<'_>) -> bool {
        self.field.any(ev, |v| {
            !matches!(v, Val::Bool(_) | Val::Json(_)) && self.test.check(v)
        })
    }

    fn fields(&self) -> Vec<Field> {
        vec![self.field.clone()]
    }
}

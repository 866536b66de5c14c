//! The conditions of the search syntax that the engine IR cannot express with its own tests:
//! ordered comparisons with Datadog's mixed numeric/text rule, full-text search over every
//! attribute, and searches of the `tags` reserved attribute.

use std::cmp::Ordering;

use sonic_rs::{JsonContainerTrait, Value};
use trailhound_engine::{EventPredicate, Test};
use trailhound_event::datadog::DERIVED;
use trailhound_event::{Event, Field, Path, Val};

use crate::fields::{EMULATED_TAGS, tag_field};

/// One end of a comparison or range.
#[derive(Clone, Debug)]
pub(crate) struct Bound {
    /// The bound as written (escapes removed).
    pub text: String,
    /// Its numeric value, when it is a decimal number.
    pub number: Option<f64>,
    /// Whether a value equal to the bound satisfies it.
    pub inclusive: bool,
}

/// `@f:>v`, `@f:[a TO b]` and friends (crate docs, *Semantics* 11): some value of the field lies
/// between the bounds. When every bound given is a number, values that are numbers or decimal
/// strings compare numerically; every other comparison is between texts, by code point (numbers
/// and booleans by their JSON text). `null`, objects and arrays never satisfy a comparison.
#[derive(Debug)]
pub(crate) struct Ordered {
    pub field: Field,
    pub lower: Option<Bound>,
    pub upper: Option<Bound>,
}

impl Ordered {
    fn numeric(&self) -> bool {
        [&self.lower, &self.upper]
            .into_iter()
            .flatten()
            .all(|b| b.number.is_some())
    }

    fn check(&self, v: Val<'_>, numeric: bool) -> bool {
        if numeric && let Some(n) = number_of(v) {
            return self.within(|b| b.number.and_then(|bound| n.partial_cmp(&bound)));
        }
        match v {
            Val::Null | Val::Json(_) => false,
            scalar => scalar
                .with_text(|text| self.within(|b| Some(text.cmp(b.text.as_str()))))
                .unwrap_or(false),
        }
    }

    /// Whether a value whose ordering against each bound is `cmp(bound)` lies between them.
    fn within(&self, cmp: impl Fn(&Bound) -> Option<Ordering>) -> bool {
        let lower = self.lower.as_ref().is_none_or(|b| match cmp(b) {
            Some(Ordering::Greater) => true,
            Some(Ordering::Equal) => b.inclusive,
            _ => false,
        });
        let upper = self.upper.as_ref().is_none_or(|b| match cmp(b) {
            Some(Ordering::Less) => true,
            Some(Ordering::Equal) => b.inclusive,
            _ => false,
        });
        lower && upper
    }
}

impl EventPredicate for Ordered {
    fn eval(&self, ev: &Event<'_>) -> bool {
        let numeric = self.numeric();
        self.field.any(ev, |v| self.check(v, numeric))
    }

    fn fields(&self) -> Vec<Field> {
        vec![self.field.clone()]
    }
}

/// A decimal number written with digits, sign, point and exponent only (`200`, `-1.5`, `1e3`);
/// `inf`, `NaN` and blanks are not numbers.
pub(crate) fn decimal(text: &str) -> Option<f64> {
    let plain = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '-' | '+' | '.' | 'e' | 'E'));
    plain
        .then(|| text.parse::<f64>().ok())
        .flatten()
        .filter(|n| n.is_finite())
}

fn number_of(v: Val<'_>) -> Option<f64> {
    match v {
        Val::Str(s) => decimal(s),
        other => other.as_f64(),
    }
}

/// `*:term` (crate docs, *Semantics* 3): some attribute of the event passes the test. The
/// attributes are every leaf of the record (through objects and arrays) and every attribute the
/// pipeline emulation derives (`evt.name`, `status`, `usr.name`, ...).
#[derive(Debug)]
pub(crate) enum FullText {
    /// `*:*`: the event has some non-null attribute.
    Any,
    /// `*:value`: some attribute value passes the (case-insensitive) test.
    Test(Test),
}

impl FullText {
    fn check(&self, v: Val<'_>) -> bool {
        match self {
            FullText::Any => !v.is_null(),
            FullText::Test(test) => test.check(v),
        }
    }
}

impl EventPredicate for FullText {
    fn eval(&self, ev: &Event<'_>) -> bool {
        any_leaf(ev.doc(), &mut |v| self.check(v))
            || DERIVED
                .iter()
                .any(|(_, d)| Field::Datadog(*d).any(ev, |v| self.check(v)))
    }

    /// The whole record (the root path).
    fn fields(&self) -> Vec<Field> {
        vec![Field::Raw(Path::parse(""))]
    }
}

/// Whether `f` holds for some scalar leaf under `root`. Iterative, so deeply nested records
/// cannot exhaust the stack.
fn any_leaf(root: &Value, f: &mut dyn FnMut(Val<'_>) -> bool) -> bool {
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        if let Some(obj) = node.as_object() {
            stack.extend(obj.iter().map(|(_, v)| v));
        } else if let Some(arr) = node.as_array() {
            stack.extend(arr.iter());
        } else if f(Val::of(node)) {
            return true;
        }
    }
    false
}

/// A search of the reserved `tags` attribute (`tags:account:123`): some `key:value` text of the
/// event's emulated tags ([`EMULATED_TAGS`]) passes the test.
#[derive(Debug)]
pub(crate) struct Tags {
    pub test: Test,
}

impl EventPredicate for Tags {
    fn eval(&self, ev: &Event<'_>) -> bool {
        EMULATED_TAGS.iter().any(|(key, _)| {
            tag_field(key).is_some_and(|field| {
                field.any(ev, |v| {
                    v.with_text(|value| self.test.check(Val::Str(&format!("{key}:{value}"))))
                        .unwrap_or(false)
                })
            })
        })
    }

    fn fields(&self) -> Vec<Field> {
        EMULATED_TAGS
            .iter()
            .filter_map(|(key, _)| tag_field(key))
            .collect()
    }
}

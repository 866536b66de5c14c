//! The conditions KQL needs that the engine's [`Test`]s cannot state: each is a
//! [`Pred::Custom`] ([`EventPredicate`]) evaluated here.
//!
//! - [`Indexed`]: a keyword value longer than the field's `ignore_above` is not indexed.
//! - [`FlatKey`]: the leaves at exactly one key of a flattened field.
//! - [`DateCmp`], [`IpCmp`]: comparisons of dates and addresses.
//! - [`FreeText`]: a value searched in every field.
//! - [`NestedEach`]: a query that one object of an array must satisfy on its own.

use crate::compile::date;
use sonic_rs::{JsonContainerTrait, JsonValueTrait, Value};
use std::net::IpAddr;
use trailhound_engine::{CmpOp, EventPredicate, Pred, Test};
use trailhound_event::ecs::{self, JavaRoot};
use trailhound_event::javamap;
use trailhound_event::{Event, Field, Val};

/// Java's `String.length()` of a value's keyword text is at most `max`: Elasticsearch indexes
/// it (`ignore_above`). `null` has no text.
fn fits(v: Val<'_>, max: usize) -> bool {
    v.with_text(|s| s.len() <= max || javamap::java_len(s) <= max)
        .unwrap_or(false)
}

/// Some value of a keyword field is short enough to be indexed and, when given, passes the
/// test. Without a test: the field exists as Elasticsearch sees it.
#[derive(Debug)]
pub(crate) struct Indexed {
    /// The keyword field.
    pub field: Field,
    /// The test one indexed value must pass.
    pub test: Option<Test>,
    /// The field's `ignore_above`.
    pub max: usize,
}

impl EventPredicate for Indexed {
    fn eval(&self, ev: &Event<'_>) -> bool {
        self.field.any(ev, |v| {
            fits(v, self.max) && self.test.as_ref().map_or(!v.is_null(), |t| t.check(v))
        })
    }

    fn fields(&self) -> Vec<Field> {
        vec![self.field.clone()]
    }
}

/// Some leaf at exactly `key` below a flattened root passes the test (or, without one,
/// exists). Elasticsearch indexes a flattened object as `(key path, value)` pairs of its
/// leaves, arrays being transparent, and a keyed query matches one key path exactly: an object
/// at `key` is not a value of `key` (its leaves have longer keys). The flattened copy exists
/// only when the Java string of the object is shorter than 32766 characters, and holds the
/// object after the pipeline's cleanup (no `null` or empty strings).
#[derive(Debug)]
pub(crate) struct FlatKey {
    /// Which object.
    pub root: JavaRoot,
    /// The key path below it (not empty).
    pub key: Box<[Box<str>]>,
    /// The field, for [`EventPredicate::fields`].
    pub field: Field,
    /// The test one leaf must pass.
    pub test: Option<Test>,
}

impl EventPredicate for FlatKey {
    fn eval(&self, ev: &Event<'_>) -> bool {
        let Some(base) = flattened_base(ev, self.root) else {
            return false;
        };
        walk_key(base, &self.key, &mut |node| {
            if node.is_object() || javamap::is_dropped(node) {
                return false;
            }
            let v = Val::of(node);
            self.test.as_ref().is_none_or(|t| t.check(v))
        })
    }

    fn fields(&self) -> Vec<Field> {
        vec![self.field.clone()]
    }
}

/// The raw object behind `aws.cloudtrail.flattened.<root>`, when the pipeline keeps it.
fn flattened_base<'e>(ev: &'e Event<'_>, root: JavaRoot) -> Option<&'e Value> {
    let text = ev.java_string(root)?;
    if javamap::java_len(text) >= 32766 {
        return None;
    }
    ev.doc().get(root.raw_key())
}

/// Calls `f` on every node at exactly `key` below `node`, walking through arrays anywhere (an
/// array at the end yields its elements, nested arrays flattened). A JSON key holding dots
/// stands for as many path segments, as in Elasticsearch. Stops when `f` returns `true`.
fn walk_key<'e>(node: &'e Value, key: &[Box<str>], f: &mut dyn FnMut(&'e Value) -> bool) -> bool {
    if let Some(items) = node.as_array() {
        return items.iter().any(|item| walk_key(item, key, f));
    }
    if key.is_empty() {
        return f(node);
    }
    let Some(obj) = node.as_object() else {
        return false;
    };
    let mut joined = String::new();
    for (i, segment) in key.iter().enumerate() {
        if i > 0 {
            joined.push('.');
        }
        joined.push_str(segment);
        if let Some(child) = obj.get(&joined.as_str())
            && walk_key(child, key.get(i + 1..).unwrap_or_default(), f)
        {
            return true;
        }
    }
    false
}

/// Some value of a date field lies within the bounds (epoch milliseconds, each inclusive or
/// not). Values are ISO 8601 text as the ECS view writes them.
#[derive(Debug)]
pub(crate) struct DateCmp {
    /// The date field.
    pub field: Field,
    /// Lower bound and whether it is inclusive.
    pub lo: Option<(i64, bool)>,
    /// Upper bound and whether it is inclusive.
    pub hi: Option<(i64, bool)>,
}

impl EventPredicate for DateCmp {
    fn eval(&self, ev: &Event<'_>) -> bool {
        self.field.any(ev, |v| {
            let Some(t) = date::value_millis(v) else {
                return false;
            };
            let above = self
                .lo
                .is_none_or(|(lo, incl)| if incl { t >= lo } else { t > lo });
            let below = self
                .hi
                .is_none_or(|(hi, incl)| if incl { t <= hi } else { t < hi });
            above && below
        })
    }

    fn fields(&self) -> Vec<Field> {
        vec![self.field.clone()]
    }
}

/// An address as Elasticsearch orders `ip` values: IPv4 as its IPv4-mapped IPv6 form.
pub(crate) fn ip_key(ip: IpAddr) -> u128 {
    match ip {
        IpAddr::V4(v4) => u128::from(v4.to_ipv6_mapped()),
        IpAddr::V6(v6) => u128::from(v6),
    }
}

/// Some address of an `ip` field compares with a bound.
#[derive(Debug)]
pub(crate) struct IpCmp {
    /// The ip field.
    pub field: Field,
    /// Value on the left, bound on the right.
    pub op: CmpOp,
    /// The bound, as [`ip_key`] orders it.
    pub bound: u128,
}

impl EventPredicate for IpCmp {
    fn eval(&self, ev: &Event<'_>) -> bool {
        self.field.any(ev, |v| {
            v.as_str()
                .and_then(|s| s.trim().parse::<IpAddr>().ok())
                .is_some_and(|ip| self.op.holds(ip_key(ip).cmp(&self.bound)))
        })
    }

    fn fields(&self) -> Vec<Field> {
        vec![self.field.clone()]
    }
}

/// Free text: `text` matched against every field of the view, as `pred` (an `or` over the
/// fields) states. Kept as one opaque condition so explain output and dispatch treat the
/// search as a whole.
pub(crate) struct FreeText {
    /// The searched value, for debugging output.
    pub text: Box<str>,
    /// The search over every field.
    pub pred: Pred,
}

impl std::fmt::Debug for FreeText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "FreeText({:?} in {} fields)",
            self.text,
            self.pred.fields().len()
        )
    }
}

impl EventPredicate for FreeText {
    fn eval(&self, ev: &Event<'_>) -> bool {
        self.pred.eval(ev)
    }

    fn fields(&self) -> Vec<Field> {
        self.pred.fields()
    }
}

/// Where the objects of a nested query come from.
#[derive(Debug)]
pub(crate) enum NestedSource {
    /// `aws.cloudtrail.resources`: the items of `resources` the pipeline keeps.
    Resources,
    /// The objects at `key` below a flattened root (the root itself when `key` is empty).
    Flattened {
        /// Which object.
        root: JavaRoot,
        /// The key path.
        key: Box<[Box<str>]>,
    },
}

/// `path: { q }`: some single object at `path` satisfies all of `q` on its own. Each object is
/// evaluated as an event that holds only that object at its place, so `inner` (compiled with
/// the full field names) sees nothing of its sibling objects.
#[derive(Debug)]
pub(crate) struct NestedEach {
    /// The objects.
    pub source: NestedSource,
    /// The query, with absolute field names.
    pub inner: Pred,
}

impl NestedEach {
    fn holds_for(&self, wrapped: &str) -> bool {
        Event::parse(wrapped).is_ok_and(|one| self.inner.eval(&one))
    }
}

impl EventPredicate for NestedEach {
    fn eval(&self, ev: &Event<'_>) -> bool {
        match &self.source {
            NestedSource::Resources => ecs::resources(ev).into_iter().any(|r| {
                let item = sonic_rs::to_string(r.raw).unwrap_or_default();
                self.holds_for(&format!("{{\"resources\":[{item}]}}"))
            }),
            NestedSource::Flattened { root, key } => {
                let Some(base) = flattened_base(ev, *root) else {
                    return false;
                };
                walk_key(base, key, &mut |node| {
                    if !node.is_object() {
                        return false;
                    }
                    let mut text = sonic_rs::to_string(node).unwrap_or_default();
                    for segment in key.iter().rev().map(|s| &**s).chain([root.raw_key()]) {
                        let name = sonic_rs::to_string(segment).unwrap_or_default();
                        text = format!("{{{name}:{text}}}");
                    }
                    self.holds_for(&text)
                })
            }
        }
    }

    fn fields(&self) -> Vec<Field> {
        self.inner.fields()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keyed(json: &str, key: &str) -> Vec<String> {
        let v: Value = sonic_rs::from_str(json).expect("valid test JSON");
        let key: Vec<Box<str>> = key.split('.').map(Box::from).collect();
        let mut out = Vec::new();
        walk_key(&v, &key, &mut |n| {
            out.push(sonic_rs::to_string(n).unwrap_or_default());
            false
        });
        out
    }

    #[test]
    fn keys_walk_arrays_and_dotted_names() {
        let doc =
            r#"{"a":{"b":[1,[2,3]],"c":{"d":"x"}},"items":[{"x":"p"},{"x":["q"]}],"e.f":"dotted"}"#;
        assert_eq!(keyed(doc, "a.b"), ["1", "2", "3"]);
        assert_eq!(keyed(doc, "a.c"), [r#"{"d":"x"}"#]);
        assert_eq!(keyed(doc, "items.x"), [r#""p""#, r#""q""#]);
        assert_eq!(keyed(doc, "e.f"), [r#""dotted""#]);
        assert!(keyed(doc, "a.zz").is_empty());
    }

    #[test]
    fn ignore_above_counts_utf16_units() {
        assert!(fits(Val::Str("abc"), 3));
        assert!(!fits(Val::Str("abcd"), 3));
        // Three characters, six UTF-8 bytes, three UTF-16 units.
        assert!(fits(Val::Str("ééé"), 3));
        // One astral character is two UTF-16 units.
        assert!(!fits(Val::Str("a😀"), 2));
        assert!(fits(Val::Int(12), 2));
        assert!(!fits(Val::Null, 10));
    }

    #[test]
    fn ip_order_maps_ipv4_into_ipv6() {
        let key = |s: &str| ip_key(s.parse().expect("valid address"));
        assert!(key("10.0.0.1") < key("10.0.0.2"));
        assert_eq!(key("10.0.0.1"), key("::ffff:10.0.0.1"));
        assert!(key("::1") < key("0.0.0.1"));
        assert!(key("255.255.255.255") < key("2001:db8::"));
    }
}

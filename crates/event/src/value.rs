//! Field values as rules see them, and path walking over a parsed record.

use sonic_rs::{JsonContainerTrait, JsonValueTrait, Value};
use std::fmt;

/// One value of a field, borrowed from the event it came from.
///
/// A field can have several values (a path through an array, `related.user`, `event.type`);
/// resolvers hand them out one at a time. Values keep their JSON type: languages decide how to
/// compare a number with a string (Elastic keyword fields compare the text form, Sigma compares
/// scalars as strings, ES|QL is typed).
#[derive(Clone, Copy, Debug)]
pub enum Val<'a> {
    /// JSON `null`.
    Null,
    /// JSON `true`/`false`.
    Bool(bool),
    /// An integer that fits `i64`.
    Int(i64),
    /// An integer above `i64::MAX`.
    UInt(u64),
    /// Any other number.
    Float(f64),
    /// Text.
    Str(&'a str),
    /// An object or array of the raw record (the raw view hands out whole sub-objects such as
    /// `requestParameters`).
    Json(&'a Value),
}

impl<'a> Val<'a> {
    /// The value of a JSON node: scalars become their variant, objects and arrays stay [`Val::Json`].
    pub fn of(v: &'a Value) -> Val<'a> {
        if let Some(s) = v.as_str() {
            Val::Str(s)
        } else if v.is_null() {
            Val::Null
        } else if let Some(b) = v.as_bool() {
            Val::Bool(b)
        } else if let Some(i) = v.as_i64() {
            Val::Int(i)
        } else if let Some(u) = v.as_u64() {
            Val::UInt(u)
        } else if let Some(f) = v.as_f64() {
            Val::Float(f)
        } else {
            Val::Json(v)
        }
    }

    /// The text, when this is a string.
    pub fn as_str(&self) -> Option<&'a str> {
        match self {
            Val::Str(s) => Some(s),
            _ => None,
        }
    }

    /// True for `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Val::Null)
    }

    /// The numeric value of a number.
    pub fn as_f64(&self) -> Option<f64> {
        match *self {
            Val::Int(i) => Some(i as f64),
            Val::UInt(u) => Some(u as f64),
            Val::Float(f) => Some(f),
            _ => None,
        }
    }

    /// Calls `f` with the text form of a scalar: strings as they are, numbers and booleans as
    /// JSON writes them (Elastic indexes them so into keyword fields), objects and arrays as
    /// compact JSON. `null` gives no text. Avoids allocating for strings.
    pub fn with_text<R>(&self, f: impl FnOnce(&str) -> R) -> Option<R> {
        match *self {
            Val::Str(s) => Some(f(s)),
            Val::Null => None,
            Val::Bool(b) => Some(f(if b { "true" } else { "false" })),
            Val::Int(i) => Some(f(itoa::Buffer::new().format(i))),
            Val::UInt(u) => Some(f(itoa::Buffer::new().format(u))),
            Val::Float(x) => Some(f(&format_float(x))),
            Val::Json(v) => Some(f(&sonic_rs::to_string(v).unwrap_or_default())),
        }
    }

    /// Owned text form (see [`Val::with_text`]).
    pub fn to_text(&self) -> Option<String> {
        self.with_text(str::to_owned)
    }

    /// This value as a `serde_json` value, for output.
    pub fn to_json(&self) -> serde_json::Value {
        match *self {
            Val::Null => serde_json::Value::Null,
            Val::Bool(b) => serde_json::Value::Bool(b),
            Val::Int(i) => serde_json::Value::from(i),
            Val::UInt(u) => serde_json::Value::from(u),
            Val::Float(f) => serde_json::Number::from_f64(f)
                .map_or(serde_json::Value::Null, serde_json::Value::Number),
            Val::Str(s) => serde_json::Value::String(s.to_owned()),
            Val::Json(v) => sonic_to_serde(v),
        }
    }
}

impl fmt::Display for Val<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.with_text(|s| f.write_str(s)) {
            Some(r) => r,
            None => f.write_str("null"),
        }
    }
}

/// A float as JSON (and Elasticsearch's keyword coercion) writes it: shortest round trip, `1.0`
/// for whole numbers.
pub fn format_float(x: f64) -> String {
    if x.is_finite() {
        ryu::Buffer::new().format(x).to_owned()
    } else {
        String::from("null")
    }
}

/// Converts a parsed record (or part of one) to a `serde_json` value, keeping key order.
pub fn sonic_to_serde(v: &Value) -> serde_json::Value {
    if let Some(obj) = v.as_object() {
        let mut map = serde_json::Map::with_capacity(obj.len());
        for (k, v) in obj.iter() {
            map.insert(k.to_owned(), sonic_to_serde(v));
        }
        serde_json::Value::Object(map)
    } else if let Some(arr) = v.as_array() {
        serde_json::Value::Array(arr.iter().map(sonic_to_serde).collect())
    } else {
        Val::of(v).to_json()
    }
}

/// A dotted path into a JSON document, split once at compile time.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Path {
    segments: Box<[Box<str>]>,
}

impl Path {
    /// Splits `dotted` at `.`. An empty string is the root.
    pub fn parse(dotted: &str) -> Path {
        let segments = if dotted.is_empty() {
            Vec::new()
        } else {
            dotted.split('.').map(Box::from).collect()
        };
        Path {
            segments: segments.into_boxed_slice(),
        }
    }

    /// A path from ready-made segments.
    pub fn from_segments<I: IntoIterator<Item = S>, S: Into<Box<str>>>(segments: I) -> Path {
        Path {
            segments: segments.into_iter().map(Into::into).collect(),
        }
    }

    /// The segments.
    pub fn segments(&self) -> &[Box<str>] {
        &self.segments
    }

    /// The path in dotted form.
    pub fn dotted(&self) -> String {
        self.segments.join(".")
    }

    /// Visits every node at this path under `root`. Arrays met on the way are walked element by
    /// element (a path through an array reaches every element), and an array at the end of the
    /// path yields its elements, not itself (`visit_nodes_exact` yields the array). `f` returns
    /// `true` to stop; the result says whether it stopped.
    pub fn visit<'a>(&self, root: &'a Value, f: &mut dyn FnMut(&'a Value) -> bool) -> bool {
        visit_path(root, &self.segments, true, f)
    }

    /// Like [`Path::visit`], but an array at the end of the path is handed over whole.
    pub fn visit_exact<'a>(&self, root: &'a Value, f: &mut dyn FnMut(&'a Value) -> bool) -> bool {
        visit_path(root, &self.segments, false, f)
    }

    /// The first node at this path that is not an array element walk (plain nested lookup
    /// without array traversal).
    pub fn get<'a>(&self, root: &'a Value) -> Option<&'a Value> {
        let mut cur = root;
        for seg in self.segments.iter() {
            cur = cur.get(&**seg)?;
        }
        Some(cur)
    }
}

fn visit_path<'a>(
    node: &'a Value,
    path: &[Box<str>],
    flatten_leaf: bool,
    f: &mut dyn FnMut(&'a Value) -> bool,
) -> bool {
    let Some((head, rest)) = path.split_first() else {
        if flatten_leaf && let Some(arr) = node.as_array() {
            return arr.iter().any(|item| visit_leaf(item, f));
        }
        return f(node);
    };
    if let Some(arr) = node.as_array() {
        return arr
            .iter()
            .any(|item| visit_path(item, path, flatten_leaf, f));
    }
    match node.as_object() {
        Some(obj) => match obj.get(&&**head) {
            Some(child) => visit_path(child, rest, flatten_leaf, f),
            None => false,
        },
        None => false,
    }
}

/// Nested arrays at a leaf are flattened too (`[[a, b], c]` yields a, b, c), as Elasticsearch
/// indexes them.
fn visit_leaf<'a>(node: &'a Value, f: &mut dyn FnMut(&'a Value) -> bool) -> bool {
    match node.as_array() {
        Some(arr) => arr.iter().any(|item| visit_leaf(item, f)),
        None => f(node),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(json: &str, path: &str) -> Vec<String> {
        let v: Value = sonic_rs::from_str(json).expect("valid test JSON");
        let mut out = Vec::new();
        Path::parse(path).visit(&v, &mut |n| {
            out.push(Val::of(n).to_string());
            false
        });
        out
    }

    #[test]
    fn paths_walk_objects_and_arrays() {
        let doc = r#"{"a":{"b":"x"},"items":[{"c":1},{"c":[2,3]},{"d":4}],"n":null}"#;
        assert_eq!(collect(doc, "a.b"), ["x"]);
        assert_eq!(collect(doc, "items.c"), ["1", "2", "3"]);
        assert_eq!(collect(doc, "items.d"), ["4"]);
        assert!(collect(doc, "a.zz").is_empty());
        assert!(collect(doc, "a.b.c").is_empty());
        assert_eq!(collect(doc, "n"), ["null"]);
    }

    #[test]
    fn text_forms_follow_json() {
        let v: Value =
            sonic_rs::from_str(r#"[true, 12, 1.5, 1e3, "s", {"k":[1]}]"#).expect("valid");
        let texts: Vec<String> = v
            .as_array()
            .expect("array")
            .iter()
            .map(|n| Val::of(n).to_string())
            .collect();
        assert_eq!(texts, ["true", "12", "1.5", "1000.0", "s", r#"{"k":[1]}"#]);
    }

    #[test]
    fn stops_when_the_visitor_says_so() {
        let v: Value = sonic_rs::from_str(r#"{"a":[1,2,3]}"#).expect("valid");
        let mut seen = 0;
        let stopped = Path::parse("a").visit(&v, &mut |_| {
            seen += 1;
            seen == 2
        });
        assert!(stopped);
        assert_eq!(seen, 2);
    }
}

//! The `*_parameters` strings of Elastic's CloudTrail mapping: `java.util.HashMap.toString()`.
//!
//! Elastic's ingest pipeline parses each record into Java `HashMap`s, removes every `null`, `""`,
//! empty map and empty list (recursively), and then stores `requestParameters.toString()` (and the
//! same for `responseElements`, `additionalEventData` and `serviceEventDetails`) as
//! `aws.cloudtrail.request_parameters`. Rules match substrings, wildcards, regexes and DISSECT
//! patterns against that text, so it must be reproduced byte for byte
//! (`reference/ecs-mapping.md` §4):
//!
//! | JSON             | rendered as                                   |
//! |------------------|-----------------------------------------------|
//! | object           | `{k1=v1, k2=v2}` in Java `HashMap` order       |
//! | array            | `[a, b]` in input order                        |
//! | string           | the text, unquoted and unescaped               |
//! | integer          | decimal                                        |
//! | decimal          | Java `Double.toString` (`1.0`, `1.0E10`)       |
//! | boolean          | `true` / `false`                               |
//! | null, `""`, `{}`, `[]` | dropped (and containers left empty by that) |
//!
//! # HashMap order
//! A map with `n` keys in the raw JSON (counting keys that are dropped later: removal never
//! shrinks the table) has `cap` = the smallest power of two ≥ 16 with `n <= 0.75 * cap`. A key's
//! bucket is `(h ^ (h >>> 16)) & (cap - 1)` where `h` is Java's `String.hashCode` over UTF-16
//! units. Keys are emitted by ascending bucket; keys sharing a bucket keep input order (Java splits
//! buckets order-preservingly on resize). Treeified buckets (8+ collisions) are not modelled.
//!
//! # Known limits
//! Integers beyond `u64` are parsed as doubles by the JSON decoder and render in `Double` form,
//! where Java would print the exact `BigInteger`. Duplicate keys keep both entries (Elasticsearch
//! rejects such documents).

use sonic_rs::{JsonContainerTrait, JsonValueTrait, Value};

/// Java's `String.hashCode()`: `h = 31 * h + unit` over UTF-16 code units, wrapping.
pub fn java_hash(s: &str) -> i32 {
    s.encode_utf16().fold(0i32, |h, unit| {
        h.wrapping_mul(31).wrapping_add(i32::from(unit))
    })
}

/// Table size of a `HashMap` that received `n` insertions (initial capacity 16, load factor 0.75).
pub fn table_capacity(n: usize) -> usize {
    let mut cap = 16usize;
    // n > 0.75 * cap  <=>  4n > 3cap
    while n.saturating_mul(4) > cap.saturating_mul(3) {
        cap = cap.saturating_mul(2);
    }
    cap
}

/// The bucket of `key` in a table of `cap` slots (`cap` a power of two).
pub fn bucket(key: &str, cap: usize) -> usize {
    let h = java_hash(key) as u32;
    ((h ^ (h >> 16)) as usize) & (cap - 1)
}

/// The order in which a `HashMap` built from `keys` (in insertion order) iterates them: indices
/// into `keys`, sorted by bucket, ties in insertion order.
pub fn hashmap_order<S: AsRef<str>>(keys: &[S]) -> Vec<usize> {
    let cap = table_capacity(keys.len());
    let mut idx: Vec<(usize, usize)> = keys
        .iter()
        .enumerate()
        .map(|(i, k)| (bucket(k.as_ref(), cap), i))
        .collect();
    idx.sort_unstable();
    idx.into_iter().map(|(_, i)| i).collect()
}

/// True when Elastic's cleanup script removes `v`: `null`, `""`, and objects or arrays all of whose
/// members are removed.
pub fn is_dropped(v: &Value) -> bool {
    if v.is_null() {
        return true;
    }
    if let Some(s) = v.as_str() {
        return s.is_empty();
    }
    if let Some(obj) = v.as_object() {
        return obj.iter().all(|(_, v)| is_dropped(v));
    }
    if let Some(arr) = v.as_array() {
        return arr.iter().all(is_dropped);
    }
    false
}

/// Renders `v` as `HashMap.toString()` would after the cleanup, appending to `out`. Returns
/// `false` (and leaves `out` unchanged) when the value is dropped entirely.
pub fn render(v: &Value, out: &mut String) -> bool {
    let start = out.len();
    if let Some(obj) = v.as_object() {
        let keys: Vec<&str> = obj.iter().map(|(k, _)| k).collect();
        let values: Vec<&Value> = obj.iter().map(|(_, v)| v).collect();
        out.push('{');
        let mut any = false;
        for i in hashmap_order(&keys) {
            let entry_start = out.len();
            if any {
                out.push_str(", ");
            }
            out.push_str(keys[i]);
            out.push('=');
            if render(values[i], out) {
                any = true;
            } else {
                out.truncate(entry_start);
            }
        }
        if !any {
            out.truncate(start);
            return false;
        }
        out.push('}');
        return true;
    }
    if let Some(arr) = v.as_array() {
        out.push('[');
        let mut any = false;
        for item in arr.iter() {
            let entry_start = out.len();
            if any {
                out.push_str(", ");
            }
            if render(item, out) {
                any = true;
            } else {
                out.truncate(entry_start);
            }
        }
        if !any {
            out.truncate(start);
            return false;
        }
        out.push(']');
        return true;
    }
    render_scalar(v, out)
}

/// Renders a scalar the way Java's `toString` does; `false` for dropped ones (`null`, `""`).
fn render_scalar(v: &Value, out: &mut String) -> bool {
    if let Some(s) = v.as_str() {
        out.push_str(s);
        return !s.is_empty();
    }
    if let Some(b) = v.as_bool() {
        out.push_str(if b { "true" } else { "false" });
        return true;
    }
    if let Some(i) = v.as_i64() {
        out.push_str(itoa::Buffer::new().format(i));
        return true;
    }
    if let Some(u) = v.as_u64() {
        out.push_str(itoa::Buffer::new().format(u));
        return true;
    }
    if let Some(f) = v.as_f64() {
        java_double(f, out);
        return true;
    }
    false
}

/// The whole rendering of `v`, or `None` when it is dropped.
pub fn to_java_string(v: &Value) -> Option<String> {
    let mut s = String::new();
    render(v, &mut s).then_some(s)
}

/// Java's `Double.toString(d)` (JDK 19 and later: the shortest decimal that round-trips).
///
/// `1.0E-3 <= |d| < 1.0E7` prints as plain decimal with at least one fractional digit
/// (`100.0`, `0.001`); everything else as `d.dddE±n` (`1.0E10`, `1.5E-5`).
pub fn java_double(d: f64, out: &mut String) {
    if d == 0.0 {
        out.push_str(if d.is_sign_negative() { "-0.0" } else { "0.0" });
        return;
    }
    if !d.is_finite() {
        out.push_str(if d.is_nan() {
            "NaN"
        } else if d > 0.0 {
            "Infinity"
        } else {
            "-Infinity"
        });
        return;
    }
    // Shortest round-trip digits and exponent from Rust's `{:e}`: "d.ddde-5".
    let sci = format!("{:e}", d.abs());
    let (mantissa, exp) = sci.split_once('e').unwrap_or((sci.as_str(), "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(|c| c.is_ascii_digit()).collect();
    if d.is_sign_negative() {
        out.push('-');
    }
    let abs = d.abs();
    if (1e-3..1e7).contains(&abs) {
        if exp >= 0 {
            let int_len = exp as usize + 1;
            if digits.len() <= int_len {
                out.push_str(&digits);
                out.push_str(&"0".repeat(int_len - digits.len()));
                out.push_str(".0");
            } else {
                out.push_str(&digits[..int_len]);
                out.push('.');
                out.push_str(&digits[int_len..]);
            }
        } else {
            out.push_str("0.");
            out.push_str(&"0".repeat((-exp - 1) as usize));
            out.push_str(&digits);
        }
    } else {
        out.push_str(&digits[..1]);
        out.push('.');
        if digits.len() > 1 {
            out.push_str(&digits[1..]);
        } else {
            out.push('0');
        }
        out.push('E');
        out.push_str(itoa::Buffer::new().format(exp));
    }
}

/// Length of `s` as Java's `String.length()` counts it (UTF-16 code units).
pub fn java_len(s: &str) -> usize {
    s.chars().map(char::len_utf16).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render_json(json: &str) -> Option<String> {
        let v: Value = sonic_rs::from_str(json).expect("test JSON is valid");
        to_java_string(&v)
    }

    #[test]
    fn java_hash_matches_known_values() {
        // Values computed with Java's String.hashCode.
        assert_eq!(java_hash(""), 0);
        assert_eq!(java_hash("a"), 97);
        assert_eq!(java_hash("userName"), -266_666_762);
        assert_eq!(java_hash("policyArn"), -225_708_085);
    }

    #[test]
    fn capacity_grows_at_three_quarters() {
        assert_eq!(table_capacity(0), 16);
        assert_eq!(table_capacity(12), 16);
        assert_eq!(table_capacity(13), 32);
        assert_eq!(table_capacity(24), 32);
        assert_eq!(table_capacity(25), 64);
        assert_eq!(table_capacity(48), 64);
        assert_eq!(table_capacity(49), 128);
    }

    #[test]
    fn renders_the_reference_examples() {
        let cases = [
            (
                r#"{"incomingTransitiveTags":{"Department":"Engineering"},"tags":[{"value":"johndoe@example.com","key":"Email"},{"value":"12345","key":"CostCenter"}],"roleArn":"arn:aws:iam::111111111111:role/JohnRole2","roleSessionName":"Role2WithTags","transitiveTagKeys":["Email","CostCenter"],"durationSeconds":3600}"#,
                "{incomingTransitiveTags={Department=Engineering}, transitiveTagKeys=[Email, CostCenter], durationSeconds=3600, roleArn=arn:aws:iam::111111111111:role/JohnRole2, roleSessionName=Role2WithTags, tags=[{value=johndoe@example.com, key=Email}, {value=12345, key=CostCenter}]}",
            ),
            (
                r#"{"groupId":"sg-0f63fecfa17ef4fee","ipPermissions":{"items":[{"fromPort":22,"groups":{},"ipProtocol":"tcp","ipRanges":{"items":[{"cidrIp":"203.0.113.0/24"}]},"ipv6Ranges":{},"prefixListIds":{},"toPort":22}]}}"#,
                "{groupId=sg-0f63fecfa17ef4fee, ipPermissions={items=[{ipRanges={items=[{cidrIp=203.0.113.0/24}]}, fromPort=22, toPort=22, ipProtocol=tcp}]}}",
            ),
            (
                r#"{"MobileVersion":"No","LoginTo":"https://console.aws.amazon.com/s3/","MFAUsed":"No"}"#,
                "{LoginTo=https://console.aws.amazon.com/s3/, MobileVersion=No, MFAUsed=No}",
            ),
            (
                r#"{"policyArn":"arn:aws:iam::aws:policy/AdministratorAccess","userName":"pwncloud-backdoor-user"}"#,
                "{policyArn=arn:aws:iam::aws:policy/AdministratorAccess, userName=pwncloud-backdoor-user}",
            ),
        ];
        for (json, want) in cases {
            assert_eq!(render_json(json).as_deref(), Some(want), "{json}");
        }
    }

    #[test]
    fn empties_are_dropped_recursively() {
        assert_eq!(
            render_json(r#"{"a":null,"b":"","c":{},"d":[],"e":[null,""],"f":{"g":{"h":""}}}"#),
            None
        );
        assert_eq!(render_json(r#"{"a":null,"b":1}"#).as_deref(), Some("{b=1}"));
        assert_eq!(
            render_json(r#"["", "x", null, [], "y"]"#).as_deref(),
            Some("[x, y]")
        );
        assert_eq!(
            render_json(r#"{"a":false,"b":0}"#).as_deref(),
            Some("{a=false, b=0}")
        );
    }

    #[test]
    fn dropped_keys_still_count_towards_the_table_size() {
        // 13 keys make a 32-slot table even though 12 of them are dropped: the survivor's bucket
        // is computed modulo 32, which differs from modulo 16 for this key set.
        let mut json = String::from("{");
        for i in 0..12 {
            json.push_str(&format!("\"k{i}\":\"\","));
        }
        json.push_str("\"zz\":1, \"q\":2}");
        let v: Value = sonic_rs::from_str(&json).expect("valid");
        let got = to_java_string(&v).expect("not empty");
        let keys = ["zz", "q"];
        let cap = table_capacity(14);
        assert_eq!(cap, 32);
        let mut expected: Vec<&str> = keys.to_vec();
        expected.sort_by_key(|k| (bucket(k, 32), keys.iter().position(|x| x == k)));
        let want = format!(
            "{{{}={}, {}={}}}",
            expected[0],
            if expected[0] == "zz" { 1 } else { 2 },
            expected[1],
            if expected[1] == "zz" { 1 } else { 2 }
        );
        assert_eq!(got, want);
    }

    #[test]
    fn doubles_print_like_java() {
        let cases = [
            (1.0, "1.0"),
            (100.0, "100.0"),
            (1.5, "1.5"),
            (0.001, "0.001"),
            (0.0001, "1.0E-4"),
            (1e7, "1.0E7"),
            (9_999_999.0, "9999999.0"),
            (1e10, "1.0E10"),
            (1.25e-5, "1.25E-5"),
            (-2.5, "-2.5"),
            (0.0, "0.0"),
            (123_456.789, "123456.789"),
            (0.1, "0.1"),
        ];
        for (d, want) in cases {
            let mut s = String::new();
            java_double(d, &mut s);
            assert_eq!(s, want, "{d}");
        }
    }

    #[test]
    fn decimals_in_maps_use_java_double_form() {
        assert_eq!(render_json(r#"{"a":1.0}"#).as_deref(), Some("{a=1.0}"));
        assert_eq!(render_json(r#"{"a":1e10}"#).as_deref(), Some("{a=1.0E10}"));
    }

    #[test]
    fn values_are_not_quoted_or_escaped() {
        assert_eq!(
            render_json(r#"{"policy":"{\"Effect\":\"Allow\", \"x\":\"a=b}\"}"}"#).as_deref(),
            Some(r#"{policy={"Effect":"Allow", "x":"a=b}"}}"#)
        );
    }

    /// A reference model of `java.util.HashMap`: the data structure itself (bucket lists,
    /// threshold-triggered resize with order-preserving lo/hi split), not the sort formula used
    /// above. The property tests check that both agree.
    struct ModelHashMap {
        table: Vec<Vec<(u32, String)>>,
        size: usize,
    }

    impl ModelHashMap {
        fn new() -> Self {
            ModelHashMap {
                table: Vec::new(),
                size: 0,
            }
        }

        fn spread(key: &str) -> u32 {
            let h = java_hash(key) as u32;
            h ^ (h >> 16)
        }

        fn put(&mut self, key: &str) {
            if self.table.is_empty() {
                self.table = vec![Vec::new(); 16];
            }
            let h = Self::spread(key);
            let n = self.table.len();
            let bucket = &mut self.table[(h as usize) & (n - 1)];
            if bucket.iter().any(|(_, k)| k == key) {
                return;
            }
            bucket.push((h, key.to_owned()));
            self.size += 1;
            if self.size > n * 3 / 4 {
                self.resize();
            }
        }

        fn resize(&mut self) {
            let old = std::mem::take(&mut self.table);
            let old_cap = old.len();
            let mut table = vec![Vec::new(); old_cap * 2];
            for (j, bucket) in old.into_iter().enumerate() {
                for (h, k) in bucket {
                    let slot = if (h as usize) & old_cap == 0 {
                        j
                    } else {
                        j + old_cap
                    };
                    table[slot].push((h, k));
                }
            }
            self.table = table;
        }

        fn keys(&self) -> Vec<String> {
            self.table
                .iter()
                .flatten()
                .map(|(_, k)| k.clone())
                .collect()
        }
    }

    proptest::proptest! {
        #[test]
        fn order_matches_the_hashmap_model(keys in proptest::collection::hash_set("[a-zA-Z0-9_:.é-]{0,12}", 0..80)) {
            let keys: Vec<String> = keys.into_iter().collect();
            let mut model = ModelHashMap::new();
            for k in &keys {
                model.put(k);
            }
            let ours: Vec<String> = hashmap_order(&keys).into_iter().map(|i| keys[i].clone()).collect();
            proptest::prop_assert_eq!(ours, model.keys());
        }

        #[test]
        fn rendering_matches_the_model_with_dropped_values(
            entries in proptest::collection::hash_map("[a-zA-Z][a-zA-Z0-9]{0,10}", proptest::option::of("[a-z0-9 =,]{0,6}"), 0..60)
        ) {
            // Build the JSON object; `None` becomes null, and empty strings are dropped too.
            let entries: Vec<(String, Option<String>)> = entries.into_iter().collect();
            let mut json = String::from("{");
            for (i, (k, v)) in entries.iter().enumerate() {
                if i > 0 { json.push(','); }
                match v {
                    Some(v) => json.push_str(&format!("\"{k}\":\"{v}\"")),
                    None => json.push_str(&format!("\"{k}\":null")),
                }
            }
            json.push('}');
            let mut model = ModelHashMap::new();
            for (k, _) in &entries {
                model.put(k);
            }
            let rendered: Vec<String> = model
                .keys()
                .into_iter()
                .filter_map(|k| {
                    let v = entries.iter().find(|(ek, _)| *ek == k).and_then(|(_, v)| v.clone())?;
                    (!v.is_empty()).then(|| format!("{k}={v}"))
                })
                .collect();
            let want = (!rendered.is_empty()).then(|| format!("{{{}}}", rendered.join(", ")));
            proptest::prop_assert_eq!(render_json(&json), want);
        }
    }

    #[test]
    fn java_len_counts_utf16_units() {
        assert_eq!(java_len("abc"), 3);
        assert_eq!(java_len("é"), 1);
        assert_eq!(java_len("😀"), 2);
    }
}

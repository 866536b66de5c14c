//! The little of Java that EQL functions expose: `Double.toString`, `Long.valueOf` /
//! `Double.valueOf` parsing, and strings indexed by UTF-16 code units (`String.length`,
//! `substring`, `indexOf`), so that `length`, `substring` and `indexOf` count as Elasticsearch
//! does.

/// `Double.toString`: `42.5`, `1.0`, `1.0E10`, `1.0E-4`, `NaN`, `Infinity`.
pub(crate) fn double_to_string(x: f64) -> String {
    if x.is_nan() {
        return "NaN".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "Infinity" } else { "-Infinity" }.into();
    }
    if x == 0.0 {
        return if x.is_sign_negative() { "-0.0" } else { "0.0" }.into();
    }
    let abs = x.abs();
    if (1e-3..1e7).contains(&abs) {
        let s = format!("{x}");
        if s.contains('.') { s } else { format!("{s}.0") }
    } else {
        // Rust's `{:e}` is the shortest round trip too: `1e10`, `1.5e-5`.
        let s = format!("{x:e}");
        let (mantissa, exp) = s.split_once('e').unwrap_or((&s, "0"));
        let mantissa = if mantissa.contains('.') {
            mantissa.to_string()
        } else {
            format!("{mantissa}.0")
        };
        format!("{mantissa}E{exp}")
    }
}

/// `Long.parseLong(s, radix)`: an optional sign and digits, nothing else (no whitespace).
pub(crate) fn parse_long(s: &str, radix: u32) -> Option<i64> {
    if !(2..=36).contains(&radix) {
        return None;
    }
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    i64::from_str_radix(s, radix).ok()
}

/// `Double.valueOf(s)`: surrounding whitespace (code points up to U+0020) ignored, an optional
/// sign, `NaN`, `Infinity`, or a decimal with optional fraction and exponent and an optional
/// `f`/`d` suffix. Hexadecimal floating literals are not supported.
pub(crate) fn parse_double(s: &str) -> Option<f64> {
    let t = s.trim_matches(|c: char| c <= ' ');
    let (neg, body) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let value = match body {
        "NaN" => f64::NAN,
        "Infinity" => f64::INFINITY,
        _ => {
            let body = body.strip_suffix(['f', 'F', 'd', 'D']).unwrap_or(body);
            let valid = body.starts_with(|c: char| c.is_ascii_digit() || c == '.')
                && body.chars().any(|c| c.is_ascii_digit())
                && body
                    .chars()
                    .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'));
            if !valid {
                return None;
            }
            body.parse::<f64>().ok()?
        }
    };
    Some(if neg { -value } else { value })
}

/// A string as UTF-16 code units.
pub(crate) fn units(s: &str) -> Vec<u16> {
    s.encode_utf16().collect()
}

/// Text from UTF-16 code units (a split surrogate pair becomes U+FFFD).
pub(crate) fn from_units(u: &[u16]) -> String {
    String::from_utf16_lossy(u)
}

/// `haystack.indexOf(needle, from)` over code units; `from` is clamped to `0..=len` as Java does.
pub(crate) fn index_of(haystack: &[u16], needle: &[u16], from: usize) -> Option<usize> {
    let from = from.min(haystack.len());
    if needle.is_empty() {
        return Some(from);
    }
    haystack
        .get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

/// `haystack.lastIndexOf(needle)` over code units.
pub(crate) fn last_index_of(haystack: &[u16], needle: &[u16]) -> Option<usize> {
    if needle.is_empty() {
        return Some(haystack.len());
    }
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

/// `toLowerCase(Locale.ROOT)`, character by character, keeping the length (a character whose
/// lower case is several characters is kept), so that positions found in the lowered text
/// apply to the original.
pub(crate) fn lower_same_length(s: &str) -> String {
    s.chars()
        .map(|c| {
            let mut lower = c.to_lowercase();
            match (lower.next(), lower.next()) {
                (Some(l), None) if l.len_utf16() == c.len_utf16() => l,
                _ => c,
            }
        })
        .collect()
}

/// `String.compareTo`: lexicographic over UTF-16 code units.
pub(crate) fn compare_strings(a: &str, b: &str) -> std::cmp::Ordering {
    a.encode_utf16().cmp(b.encode_utf16())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_print_like_java() {
        let cases = [
            (42.5, "42.5"),
            (1.0, "1.0"),
            (-3.0, "-3.0"),
            (1e10, "1.0E10"),
            (1.5e-5, "1.5E-5"),
            (0.001, "0.001"),
            (1e7, "1.0E7"),
            (9999999.0, "9999999.0"),
            (0.0, "0.0"),
            (f64::NAN, "NaN"),
            (f64::NEG_INFINITY, "-Infinity"),
        ];
        for (x, want) in cases {
            assert_eq!(double_to_string(x), want, "{x}");
        }
    }

    #[test]
    fn parses_like_java() {
        assert_eq!(parse_long("1337", 10), Some(1337));
        assert_eq!(parse_long("+1337", 10), Some(1337));
        assert_eq!(parse_long("-ff", 16), Some(-255));
        assert_eq!(parse_long(" 1", 10), None);
        assert_eq!(parse_long("", 10), None);
        assert_eq!(parse_long("1", 37), None);
        assert_eq!(parse_double("  1337  "), Some(1337.0));
        assert_eq!(parse_double("42.5"), Some(42.5));
        assert_eq!(parse_double("-1e3"), Some(-1000.0));
        assert_eq!(parse_double("1.5d"), Some(1.5));
        assert_eq!(parse_double(".5"), Some(0.5));
        assert_eq!(parse_double("Infinity"), Some(f64::INFINITY));
        assert!(parse_double("NaN").is_some_and(f64::is_nan));
        for bad in ["", "abc", "inf", "nan", "1 2", "0x10", "e5", "--1"] {
            assert_eq!(parse_double(bad), None, "{bad}");
        }
    }

    #[test]
    fn utf16_positions() {
        let h = units("subdomain.example.com");
        assert_eq!(index_of(&h, &units("."), 0), Some(9));
        assert_eq!(index_of(&h, &units("."), 10), Some(17));
        assert_eq!(index_of(&h, &units(""), 10), Some(10));
        assert_eq!(index_of(&h, &units("z"), 0), None);
        assert_eq!(index_of(&h, &units("."), 99), None);
        assert_eq!(last_index_of(&units("a\\b\\c"), &units("\\")), Some(3));
        assert_eq!(units("😀").len(), 2);
        assert_eq!(from_units(&units("héllo")[1..3]), "él");
        assert_eq!(lower_same_length("ÀBC"), "àbc");
        assert_eq!(
            compare_strings("\u{FFFF}", "😀"),
            std::cmp::Ordering::Greater
        );
    }
}

//! Numbers as written in rules, with the canonical text used for string comparison.

use std::fmt;

/// An integer or floating-point number from a rule.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Number {
    /// A 64-bit signed integer.
    Int(i64),
    /// A float (YAML `1.5`, `1e3`, `.inf`).
    Float(f64),
}

impl Number {
    /// The value as `f64`.
    pub fn as_f64(self) -> f64 {
        match self {
            // Precision loss above 2^53 is accepted: comparisons with JSON numbers are done in f64.
            Number::Int(i) => i as f64,
            Number::Float(f) => f,
        }
    }

    /// Whether the number is finite (NaN and infinities are rejected in detections).
    pub fn is_finite(self) -> bool {
        self.as_f64().is_finite()
    }

    /// The integer value, if the number is integral and fits `i64`.
    pub fn as_i64(self) -> Option<i64> {
        match self {
            Number::Int(i) => Some(i),
            Number::Float(f) if f.is_finite() && f.fract() == 0.0 && f.abs() < 9.0e18 => {
                Some(f as i64)
            }
            Number::Float(_) => None,
        }
    }

    /// Parses a decimal integer or float (`10`, `-3`, `2.5`).
    pub fn parse(s: &str) -> Option<Number> {
        if let Ok(i) = s.parse::<i64>() {
            return Some(Number::Int(i));
        }
        let f = s.parse::<f64>().ok()?;
        (f.is_finite()
            && s.bytes()
                .all(|b| b.is_ascii_digit() || b"+-.eE".contains(&b)))
        .then_some(Number::Float(f))
    }
}

/// Canonical text: integers (and integral floats, as pySigma's `SigmaNumber` normalises them) in
/// decimal without a fraction; other floats in Rust's shortest round-trip form.
impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.as_i64() {
            Some(i) => write!(f, "{i}"),
            None => write!(f, "{}", self.as_f64()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_text() {
        let cases = [
            (Number::Int(4688), "4688"),
            (Number::Int(-1), "-1"),
            (Number::Float(1.0), "1"),
            (Number::Float(1.5), "1.5"),
            (Number::Float(0.1), "0.1"),
            (Number::Float(f64::INFINITY), "inf"),
        ];
        for (n, text) in cases {
            assert_eq!(n.to_string(), text);
        }
    }

    #[test]
    fn parse_accepts_decimal_only() {
        assert_eq!(Number::parse("10"), Some(Number::Int(10)));
        assert_eq!(Number::parse("2.5"), Some(Number::Float(2.5)));
        assert_eq!(Number::parse("inf"), None);
        assert_eq!(Number::parse("NaN"), None);
        assert_eq!(Number::parse("x"), None);
    }
}

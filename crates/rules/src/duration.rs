//! Elastic's schedule strings: `interval = "5m"`, `from = "now-6m"`, suppression durations.

/// Milliseconds of `5m`, `10s`, `1h`, `7d` (units `s m h d`; bare numbers are seconds).
pub fn parse_duration(s: &str) -> Option<i64> {
    let s = s.trim();
    let digits = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let n: i64 = s[..digits].parse().ok()?;
    let unit = match &s[digits..] {
        "" | "s" => 1_000,
        "ms" => 1,
        "m" => 60_000,
        "h" => 3_600_000,
        "d" => 86_400_000,
        "w" => 7 * 86_400_000,
        _ => return None,
    };
    n.checked_mul(unit)
}

/// The look-back of `now-6m` (milliseconds); `None` for anything that is not `now-<duration>`.
pub fn parse_now_minus(s: &str) -> Option<i64> {
    parse_duration(s.trim().strip_prefix("now-")?)
}

/// An instant written as an RFC 3339 time (`2025-06-30T12:00:00Z`) or a date (`2025-06-30`,
/// meaning the end of that day in UTC: an exception that "expires 2025-06-30" still applies on
/// that day).
pub fn parse_instant(s: &str) -> Option<jiff::Timestamp> {
    let s = s.trim();
    if let Ok(t) = s.parse::<jiff::Timestamp>() {
        return Some(t);
    }
    let date: jiff::civil::Date = s.parse().ok()?;
    let next = date.tomorrow().ok()?;
    next.to_zoned(jiff::tz::TimeZone::UTC)
        .ok()
        .map(|z| z.timestamp())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("5m"), Some(300_000));
        assert_eq!(parse_duration("1h"), Some(3_600_000));
        assert_eq!(parse_duration("30"), Some(30_000));
        assert_eq!(parse_duration("2x"), None);
        assert_eq!(parse_now_minus("now-6m"), Some(360_000));
        assert_eq!(parse_now_minus("now-7d"), Some(7 * 86_400_000));
        assert_eq!(parse_now_minus("6m"), None);
    }
}

//! Time arguments: `--since`, `--until`, `--now`.
//!
//! Accepted forms: an RFC 3339 time (`2024-05-01T10:00:00Z`), a date (`2024-05-01`, midnight
//! UTC), a civil time without zone (UTC), an epoch in seconds (`@1714557600`), or Elastic date
//! math relative to now: `now`, `now-7d`, `now-6m`, `now+1h`, `now-30s`, with units `s m h d w`
//! (`M`/`y` are not accepted: their length varies).

use jiff::{SignedDuration, Timestamp};

/// Parses a time argument relative to `now`.
pub fn parse_time(text: &str, now: Timestamp) -> Result<Timestamp, String> {
    let t = text.trim();
    if let Some(rest) = t.strip_prefix("now") {
        if rest.is_empty() {
            return Ok(now);
        }
        let offset = parse_offset(rest).ok_or_else(|| {
            format!("invalid date math {text:?}: expected now, now-7d, now-6m, now+1h")
        })?;
        return now
            .checked_add(offset)
            .map_err(|e| format!("{text:?}: {e}"));
    }
    if let Some(epoch) = t.strip_prefix('@') {
        let secs: i64 = epoch
            .parse()
            .map_err(|_| format!("invalid epoch {text:?}"))?;
        return Timestamp::from_second(secs).map_err(|e| format!("{text:?}: {e}"));
    }
    if let Some(ts) = trailhound_event::time::parse_iso8601(t) {
        return Ok(ts);
    }
    if let Ok(date) = t.parse::<jiff::civil::Date>() {
        return date
            .to_zoned(jiff::tz::TimeZone::UTC)
            .map(|z| z.timestamp())
            .map_err(|e| format!("{text:?}: {e}"));
    }
    Err(format!(
        "invalid time {text:?}: use 2024-05-01, 2024-05-01T10:00:00Z, @1714557600 or now-7d"
    ))
}

/// `-7d`, `+1h`, `-30s` as a signed duration.
pub fn parse_offset(s: &str) -> Option<SignedDuration> {
    let (sign, rest) = match s.as_bytes().first()? {
        b'-' => (-1i64, &s[1..]),
        b'+' => (1i64, &s[1..]),
        _ => return None,
    };
    let digits = rest
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(rest.len());
    let n: i64 = rest[..digits].parse().ok()?;
    let unit = &rest[digits..];
    let secs = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        "w" => 604_800,
        _ => return None,
    };
    Some(SignedDuration::from_secs(sign * n.checked_mul(secs)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepted_forms() {
        let now: Timestamp = "2024-05-10T12:00:00Z".parse().expect("valid");
        let cases = [
            ("now", "2024-05-10T12:00:00Z"),
            ("now-7d", "2024-05-03T12:00:00Z"),
            ("now-6m", "2024-05-10T11:54:00Z"),
            ("now+1h", "2024-05-10T13:00:00Z"),
            ("2024-05-01", "2024-05-01T00:00:00Z"),
            ("2024-05-01T10:00:00Z", "2024-05-01T10:00:00Z"),
            ("2024-05-01T10:00:00+02:00", "2024-05-01T08:00:00Z"),
            ("@1714557600", "2024-05-01T10:00:00Z"),
        ];
        for (input, want) in cases {
            assert_eq!(
                parse_time(input, now).expect(input).to_string(),
                want,
                "{input}"
            );
        }
        for bad in ["yesterday", "now-7M", "now-d", "2024-13-01", "@x"] {
            assert!(parse_time(bad, now).is_err(), "{bad}");
        }
    }
}

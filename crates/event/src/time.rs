//! Event time: parsing CloudTrail timestamps and printing them as Elasticsearch does.

use jiff::Timestamp;
use jiff::civil::DateTime;
use jiff::tz::TimeZone;

/// Parses an ISO 8601 date-time the way Elasticsearch's `ISO8601` date format accepts it:
/// `2019-10-02T22:12:29Z`, with fractions, with an offset, without a zone (UTC), or a bare date.
/// Compact forms such as `20131102T010628Z` are rejected, as Elasticsearch rejects them.
pub fn parse_iso8601(s: &str) -> Option<Timestamp> {
    let s = s.trim();
    if s.len() < 10 || s.as_bytes().get(4) != Some(&b'-') {
        return None;
    }
    if let Ok(ts) = s.parse::<Timestamp>() {
        return Some(ts);
    }
    if let Ok(dt) = s.parse::<DateTime>() {
        return dt.to_zoned(TimeZone::UTC).ok().map(|z| z.timestamp());
    }
    None
}

/// `2019-10-02T22:12:29.000Z`: UTC with milliseconds, the form of `@timestamp` in Elastic documents.
pub fn format_millis(ts: Timestamp) -> String {
    let dt = ts.to_zoned(TimeZone::UTC).datetime();
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        dt.year(),
        dt.month(),
        dt.day(),
        dt.hour(),
        dt.minute(),
        dt.second(),
        dt.subsec_nanosecond() / 1_000_000
    )
}

/// Milliseconds since the Unix epoch.
pub fn epoch_millis(ts: Timestamp) -> i64 {
    ts.as_millisecond()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_what_elasticsearch_accepts() {
        let cases = [
            ("2019-10-02T22:12:29Z", Some("2019-10-02T22:12:29.000Z")),
            (
                "2019-10-02T22:12:29.123456Z",
                Some("2019-10-02T22:12:29.123Z"),
            ),
            (
                "2019-10-02T22:12:29+02:00",
                Some("2019-10-02T20:12:29.000Z"),
            ),
            ("2019-10-02T22:12:29", Some("2019-10-02T22:12:29.000Z")),
            ("20131102T010628Z", None),
            ("yesterday", None),
            ("", None),
        ];
        for (input, want) in cases {
            assert_eq!(
                parse_iso8601(input).map(format_millis).as_deref(),
                want,
                "{input}"
            );
        }
    }
}

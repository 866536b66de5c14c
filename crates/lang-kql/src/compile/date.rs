//! Date values as Elasticsearch reads them in a range query on a `date` field.
//!
//! Kibana sends a date comparison as a `range` query with `time_zone: "Zulu"` (`is.ts`,
//! `range.ts`); `f: v` on a date field becomes `gte: v, lte: v`. Elasticsearch parses `v` with
//! the field's format, `strict_date_optional_time||epoch_millis`, and fills the components
//! that `v` leaves out: with their smallest values for `gte` and `lt`, with their largest for
//! `gt` and `lte` (the range query reference, "Missing date components" and "Date math and
//! rounding"). So a value denotes a [`Span`] of milliseconds, and `f: 2024-05-01` matches the
//! whole day. Date fields have millisecond resolution.
//!
//! Accepted: `yyyy`, `yyyy-MM`, `yyyy-MM-dd`, then optionally `T` and `HH`, `HH:mm`,
//! `HH:mm:ss` or `HH:mm:ss.f…` (1 to 9 fraction digits), then optionally a zone `Z`, `±HH:mm`,
//! `±HHmm` or `±HH` (only after a time; no zone means UTC, the rule's `Zulu`). Any other run
//! of digits is epoch milliseconds. Date math (`now-1d`, `2024-01-01||+1M`, rounding `/d`) is
//! rejected: a rule that uses it depends on when it runs, which a replay over logs cannot
//! reproduce.

use jiff::civil::{Date, DateTime};
use jiff::tz::{Offset, TimeZone};

/// An inclusive range of epoch milliseconds: what a date value denotes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Span {
    /// The first millisecond (missing components at their minimum).
    pub lo: i64,
    /// The last millisecond (missing components at their maximum).
    pub hi: i64,
}

/// Why a date value was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum DateError {
    /// `now…` or `…||…`: date math.
    Math,
    /// Not a date in the accepted forms.
    Invalid,
}

/// Parses a date value into the span it denotes.
pub(crate) fn parse_span(text: &str) -> Result<Span, DateError> {
    let text = text.trim();
    if text.starts_with("now") || text.contains("||") {
        return Err(DateError::Math);
    }
    if !text.is_empty() && text.len() != 4 && text.bytes().all(|b| b.is_ascii_digit()) {
        let millis = text.parse::<i64>().map_err(|_| DateError::Invalid)?;
        return Ok(Span {
            lo: millis,
            hi: millis,
        });
    }
    let mut cur = Cursor {
        s: text.as_bytes(),
        at: 0,
    };
    let year = cur.digits(4).ok_or(DateError::Invalid)?;
    let mut lo = Parts { year, ..Parts::MIN };
    let mut hi = Parts { year, ..Parts::MAX };
    let mut offset_secs = 0;
    if cur.eat(b'-') {
        let month = cur.digits(2).ok_or(DateError::Invalid)?;
        lo.month = month;
        hi.month = month;
        if cur.eat(b'-') {
            let day = cur.digits(2).ok_or(DateError::Invalid)?;
            lo.day = day;
            hi.day = day;
            if cur.eat(b'T') {
                time(&mut cur, &mut lo, &mut hi)?;
                offset_secs = zone(&mut cur)?;
            }
        }
    }
    if !cur.done() {
        return Err(DateError::Invalid);
    }
    Ok(Span {
        lo: lo.millis(offset_secs, false)?,
        hi: hi.millis(offset_secs, true)?,
    })
}

/// `HH[:mm[:ss[.fraction]]]`, filling both ends.
fn time(cur: &mut Cursor<'_>, lo: &mut Parts, hi: &mut Parts) -> Result<(), DateError> {
    let hour = cur.digits(2).ok_or(DateError::Invalid)?;
    (lo.hour, hi.hour) = (hour, hour);
    if !cur.eat(b':') {
        return Ok(());
    }
    let minute = cur.digits(2).ok_or(DateError::Invalid)?;
    (lo.minute, hi.minute) = (minute, minute);
    if !cur.eat(b':') {
        return Ok(());
    }
    let second = cur.digits(2).ok_or(DateError::Invalid)?;
    (lo.second, hi.second) = (second, second);
    if cur.eat(b'.') || cur.eat(b',') {
        let start = cur.at;
        while cur.peek().is_some_and(|b| b.is_ascii_digit()) {
            cur.at += 1;
        }
        let digits = cur.at - start;
        if digits == 0 || digits > 9 {
            return Err(DateError::Invalid);
        }
        // Pad to nine digits; the value is given, so both ends get it.
        let mut nanos: i32 = 0;
        for i in 0..9 {
            let digit = if i < digits {
                cur.s.get(start + i).map_or(0, |b| i32::from(b - b'0'))
            } else {
                0
            };
            nanos = nanos * 10 + digit;
        }
        (lo.nanos, hi.nanos) = (nanos, nanos);
    }
    Ok(())
}

/// `Z`, `±HH:mm`, `±HHmm`, `±HH`, or nothing (UTC). Returns seconds east of UTC.
fn zone(cur: &mut Cursor<'_>) -> Result<i32, DateError> {
    if cur.eat(b'Z') {
        return Ok(0);
    }
    let sign = if cur.eat(b'+') {
        1
    } else if cur.eat(b'-') {
        -1
    } else {
        return Ok(0);
    };
    let hours = cur.digits(2).ok_or(DateError::Invalid)?;
    cur.eat(b':');
    let minutes = if cur.done() {
        0
    } else {
        cur.digits(2).ok_or(DateError::Invalid)?
    };
    if hours > 18 || minutes > 59 {
        return Err(DateError::Invalid);
    }
    Ok(sign * (hours * 3600 + minutes * 60))
}

/// Date-time components; `day == 0` in [`Parts::MAX`] means "last day of the month".
#[derive(Clone, Copy)]
struct Parts {
    year: i32,
    month: i32,
    day: i32,
    hour: i32,
    minute: i32,
    second: i32,
    nanos: i32,
}

impl Parts {
    const MIN: Parts = Parts {
        year: 0,
        month: 1,
        day: 1,
        hour: 0,
        minute: 0,
        second: 0,
        nanos: 0,
    };
    const MAX: Parts = Parts {
        year: 0,
        month: 12,
        day: 0,
        hour: 23,
        minute: 59,
        second: 59,
        nanos: 999_999_999,
    };

    /// Epoch milliseconds of these components at `offset_secs` east of UTC, truncated to the
    /// millisecond as a `date` field stores them.
    fn millis(self, offset_secs: i32, last_day: bool) -> Result<i64, DateError> {
        let small = |v: i32| i8::try_from(v).map_err(|_| DateError::Invalid);
        let year = i16::try_from(self.year).map_err(|_| DateError::Invalid)?;
        let month = small(self.month)?;
        let day = if last_day && self.day == 0 {
            Date::new(year, month, 1)
                .map_err(|_| DateError::Invalid)?
                .last_of_month()
                .day()
        } else {
            small(self.day)?
        };
        let dt = DateTime::new(
            year,
            month,
            day,
            small(self.hour)?,
            small(self.minute)?,
            small(self.second)?,
            self.nanos,
        )
        .map_err(|_| DateError::Invalid)?;
        let offset = Offset::from_seconds(offset_secs).map_err(|_| DateError::Invalid)?;
        let ts = dt
            .to_zoned(TimeZone::fixed(offset))
            .map_err(|_| DateError::Invalid)?
            .timestamp();
        Ok(ts.as_millisecond())
    }
}

struct Cursor<'a> {
    s: &'a [u8],
    at: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.at).copied()
    }

    fn eat(&mut self, b: u8) -> bool {
        let hit = self.peek() == Some(b);
        if hit {
            self.at += 1;
        }
        hit
    }

    fn done(&self) -> bool {
        self.at >= self.s.len()
    }

    /// Exactly `n` ASCII digits.
    fn digits(&mut self, n: usize) -> Option<i32> {
        let bytes = self.s.get(self.at..self.at + n)?;
        if !bytes.iter().all(u8::is_ascii_digit) {
            return None;
        }
        self.at += n;
        Some(
            bytes
                .iter()
                .fold(0, |acc, b| acc * 10 + i32::from(b - b'0')),
        )
    }
}

/// Epoch milliseconds of a document's date value: ISO 8601 text (as the ECS view writes
/// `@timestamp`) or a number of milliseconds.
pub(crate) fn value_millis(v: trailhound_event::Val<'_>) -> Option<i64> {
    use trailhound_event::Val;
    match v {
        Val::Str(s) => trailhound_event::time::parse_iso8601(s).map(|ts| ts.as_millisecond()),
        Val::Int(i) => Some(i),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(iso: &str) -> i64 {
        iso.parse::<jiff::Timestamp>()
            .expect("valid test timestamp")
            .as_millisecond()
    }

    #[test]
    fn spans_fill_missing_components() {
        let cases = [
            ("2024", "2024-01-01T00:00:00Z", "2024-12-31T23:59:59.999Z"),
            (
                "2024-02",
                "2024-02-01T00:00:00Z",
                "2024-02-29T23:59:59.999Z",
            ),
            (
                "2023-02",
                "2023-02-01T00:00:00Z",
                "2023-02-28T23:59:59.999Z",
            ),
            (
                "2024-05-01",
                "2024-05-01T00:00:00Z",
                "2024-05-01T23:59:59.999Z",
            ),
            (
                "2024-05-01T10",
                "2024-05-01T10:00:00Z",
                "2024-05-01T10:59:59.999Z",
            ),
            (
                "2024-05-01T10:20",
                "2024-05-01T10:20:00Z",
                "2024-05-01T10:20:59.999Z",
            ),
            (
                "2024-05-01T10:20:30",
                "2024-05-01T10:20:30Z",
                "2024-05-01T10:20:30.999Z",
            ),
            (
                "2024-05-01T10:20:30.5",
                "2024-05-01T10:20:30.500Z",
                "2024-05-01T10:20:30.500Z",
            ),
            (
                "2024-05-01T10:20:30.123456Z",
                "2024-05-01T10:20:30.123Z",
                "2024-05-01T10:20:30.123Z",
            ),
            (
                "2024-05-01T12:20:30+02:00",
                "2024-05-01T10:20:30Z",
                "2024-05-01T10:20:30.999Z",
            ),
            (
                "2024-05-01T12:20:30+0200",
                "2024-05-01T10:20:30Z",
                "2024-05-01T10:20:30.999Z",
            ),
            (
                "2024-05-01T08:20:30-02",
                "2024-05-01T10:20:30Z",
                "2024-05-01T10:20:30.999Z",
            ),
        ];
        for (input, lo, hi) in cases {
            assert_eq!(
                parse_span(input),
                Ok(Span {
                    lo: ms(lo),
                    hi: ms(hi)
                }),
                "{input}"
            );
        }
        assert_eq!(
            parse_span("1714557600000"),
            Ok(Span {
                lo: 1_714_557_600_000,
                hi: 1_714_557_600_000
            })
        );
    }

    #[test]
    fn rejects_date_math_and_malformed_dates() {
        for input in ["now", "now-1d", "now/d", "2024-01-01||+1M"] {
            assert_eq!(parse_span(input), Err(DateError::Math), "{input}");
        }
        for input in [
            "",
            "yesterday",
            "2024-5-1",
            "2024-02-30",
            "2024-13",
            "2024-05-01 10:00",
            "2024-05-01T25",
            "2024-05-01Z",
            "2024-05-01T10:00:00.",
            "2024-05-01T10:00:00.1234567890",
            "2024-05-01T10:00+19:00",
            "12a",
        ] {
            assert_eq!(parse_span(input), Err(DateError::Invalid), "{input}");
        }
    }
}

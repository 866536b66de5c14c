//! Time formatting without allocation: the calendar arithmetic of Howard Hinnant's
//! `civil_from_days` (<https://howardhinnant.github.io/date_algorithms.html>), and the text shapes
//! CloudTrail uses.

/// A calendar date and time of day (UTC).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Civil {
    pub(crate) year: i64,
    pub(crate) month: u32,
    pub(crate) day: u32,
    pub(crate) hour: u32,
    pub(crate) minute: u32,
    pub(crate) second: u32,
}

impl Civil {
    /// The date and time of `secs` seconds after the Unix epoch.
    pub(crate) fn of(secs: i64) -> Civil {
        let days = secs.div_euclid(86_400);
        let rem = secs.rem_euclid(86_400) as u32;
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = yoe + era * 400 + i64::from(month <= 2);
        Civil {
            year,
            month,
            day,
            hour: rem / 3600,
            minute: rem / 60 % 60,
            second: rem % 60,
        }
    }

    /// Day of week, 0 = Monday.
    pub(crate) fn weekday(secs: i64) -> u32 {
        // 1970-01-01 was a Thursday (3 when Monday is 0).
        ((secs.div_euclid(86_400) + 3).rem_euclid(7)) as u32
    }
}

/// Short ASCII text on the stack.
#[derive(Clone, Copy)]
pub(crate) struct Text<const N: usize> {
    bytes: [u8; N],
    len: usize,
}

impl<const N: usize> Text<N> {
    fn new() -> Self {
        Text {
            bytes: [0; N],
            len: 0,
        }
    }

    fn push(&mut self, b: u8) {
        if self.len < N {
            self.bytes[self.len] = b;
            self.len += 1;
        }
    }

    fn digits(&mut self, v: i64, width: usize) {
        let mut tmp = [b'0'; 20];
        let text = crate::json::fmt_i64(v.max(0), &mut tmp);
        for _ in text.len()..width {
            self.push(b'0');
        }
        for &b in text {
            self.push(b);
        }
    }

    fn str(&mut self, s: &str) {
        for &b in s.as_bytes() {
            self.push(b);
        }
    }

    /// The text.
    pub(crate) fn as_str(&self) -> &str {
        // Only ASCII digits, letters and punctuation are pushed.
        std::str::from_utf8(&self.bytes[..self.len]).unwrap_or("")
    }
}

impl<const N: usize> std::fmt::Display for Text<N> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `2023-07-10T11:42:44Z`: CloudTrail's `eventTime` and `creationDate`.
pub(crate) fn iso(secs: i64) -> Text<24> {
    let c = Civil::of(secs);
    let mut t = Text::new();
    t.digits(c.year, 4);
    t.push(b'-');
    t.digits(i64::from(c.month), 2);
    t.push(b'-');
    t.digits(i64::from(c.day), 2);
    t.push(b'T');
    t.digits(i64::from(c.hour), 2);
    t.push(b':');
    t.digits(i64::from(c.minute), 2);
    t.push(b':');
    t.digits(i64::from(c.second), 2);
    t.push(b'Z');
    t
}

/// `2024-07-30T21:57:15.000+0000`: Lambda's `lastModified`.
pub(crate) fn lambda_time(secs: i64) -> Text<32> {
    let mut t = Text::new();
    let base = iso(secs);
    let s = base.as_str();
    t.str(s.get(..19).unwrap_or(s));
    t.str(".000+0000");
    t
}

/// `20230710T1145Z`: the time stamp in S3 delivery file names.
pub(crate) fn file_stamp(secs: i64) -> Text<16> {
    let c = Civil::of(secs);
    let mut t = Text::new();
    t.digits(c.year, 4);
    t.digits(i64::from(c.month), 2);
    t.digits(i64::from(c.day), 2);
    t.push(b'T');
    t.digits(i64::from(c.hour), 2);
    t.digits(i64::from(c.minute), 2);
    t.push(b'Z');
    t
}

/// `2023/07/10`: the date directories of the S3 delivery layout.
pub(crate) fn path_date(secs: i64) -> Text<12> {
    let c = Civil::of(secs);
    let mut t = Text::new();
    t.digits(c.year, 4);
    t.push(b'/');
    t.digits(i64::from(c.month), 2);
    t.push(b'/');
    t.digits(i64::from(c.day), 2);
    t
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// `Jul 10, 2023, 9:46:15 PM`: the Java date text of IAM and STS response elements.
pub(crate) fn java_date(secs: i64) -> Text<32> {
    let c = Civil::of(secs);
    let mut t = Text::new();
    t.str(MONTHS[(c.month.clamp(1, 12) - 1) as usize]);
    t.push(b' ');
    t.digits(i64::from(c.day), 1);
    t.str(", ");
    t.digits(c.year, 4);
    t.str(", ");
    let h12 = match c.hour % 12 {
        0 => 12,
        h => h,
    };
    t.digits(i64::from(h12), 1);
    t.push(b':');
    t.digits(i64::from(c.minute), 2);
    t.push(b':');
    t.digits(i64::from(c.second), 2);
    t.str(if c.hour < 12 { " AM" } else { " PM" });
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> i64 {
        s.parse::<jiff::Timestamp>().expect("valid").as_second()
    }

    #[test]
    fn formats_match_cloudtrail_shapes() {
        let cases: [(&str, &str, &str, &str, &str); 4] = [
            (
                "2023-07-10T11:42:44Z",
                "20230710T1142Z",
                "2023/07/10",
                "Jul 10, 2023, 11:42:44 AM",
                "2023-07-10T11:42:44.000+0000",
            ),
            (
                "2024-02-29T00:00:00Z",
                "20240229T0000Z",
                "2024/02/29",
                "Feb 29, 2024, 12:00:00 AM",
                "2024-02-29T00:00:00.000+0000",
            ),
            (
                "1999-12-31T23:59:59Z",
                "19991231T2359Z",
                "1999/12/31",
                "Dec 31, 1999, 11:59:59 PM",
                "1999-12-31T23:59:59.000+0000",
            ),
            (
                "2024-08-01T13:05:09Z",
                "20240801T1305Z",
                "2024/08/01",
                "Aug 1, 2024, 1:05:09 PM",
                "2024-08-01T13:05:09.000+0000",
            ),
        ];
        for (input, stamp, dir, java, lambda) in cases {
            let s = ts(input);
            assert_eq!(iso(s).as_str(), input);
            assert_eq!(file_stamp(s).as_str(), stamp);
            assert_eq!(path_date(s).as_str(), dir);
            assert_eq!(java_date(s).as_str(), java);
            assert_eq!(lambda_time(s).as_str(), lambda);
        }
    }

    #[test]
    fn civil_agrees_with_jiff_over_a_long_range() {
        let mut s = ts("1901-01-01T00:00:00Z");
        let end = ts("2101-01-01T00:00:00Z");
        while s < end {
            let expected = jiff::Timestamp::from_second(s)
                .expect("in range")
                .to_string();
            assert_eq!(iso(s).as_str(), expected.as_str());
            s += 86_400 * 13 + 3_607;
        }
    }

    #[test]
    fn weekday_is_monday_based() {
        assert_eq!(Civil::weekday(ts("2024-01-01T12:00:00Z")), 0); // a Monday
        assert_eq!(Civil::weekday(ts("2024-01-07T23:59:59Z")), 6); // a Sunday
        assert_eq!(Civil::weekday(0), 3); // a Thursday
    }
}

//! Dates for ES|QL: UTC calendar arithmetic, Java `DateTimeFormatter` patterns for `DATE_FORMAT`
//! and `DATE_PARSE`, ISO 8601 parsing for `TO_DATETIME` and implicit casts, `DATE_TRUNC`
//! rounding and `DATE_EXTRACT` fields.
//!
//! Patterns follow `java.time.format.DateTimeFormatter` ("Patterns for Formatting and Parsing")
//! with the root locale and ISO week rules (weeks start on Monday; week 1 holds the first
//! Thursday), which is what Elasticsearch's `DateFormatter.forPattern` uses. All dates are UTC,
//! as ES|QL's default time zone. `mm` is minutes and `MM` months; `YYYY` is the week-based year
//! and `yyyy` the year of era (they differ only around New Year).

use crate::value::Period;

/// Milliseconds per day.
pub const DAY_MS: i64 = 86_400_000;

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day number (inverse of [`days_from_civil`]).
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Whether `y` is a leap year.
pub fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

/// Days in a month.
pub fn month_len(y: i64, m: u32) -> u32 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// A broken-down UTC date-time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Civil {
    /// Proleptic year (0 is 1 BC).
    pub year: i64,
    /// 1..=12.
    pub month: u32,
    /// 1..=31.
    pub day: u32,
    /// 0..=23.
    pub hour: u32,
    /// 0..=59.
    pub minute: u32,
    /// 0..=59.
    pub second: u32,
    /// 0..=999.
    pub milli: u32,
    /// Days since the epoch.
    pub epoch_day: i64,
}

impl Civil {
    /// The fields of an instant.
    pub fn of(ms: i64) -> Civil {
        let epoch_day = ms.div_euclid(DAY_MS);
        let in_day = ms.rem_euclid(DAY_MS);
        let (year, month, day) = civil_from_days(epoch_day);
        Civil {
            year,
            month,
            day,
            hour: (in_day / 3_600_000) as u32,
            minute: (in_day / 60_000 % 60) as u32,
            second: (in_day / 1000 % 60) as u32,
            milli: (in_day % 1000) as u32,
            epoch_day,
        }
    }

    /// ISO day of week, Monday = 1 .. Sunday = 7.
    pub fn weekday(&self) -> u32 {
        ((self.epoch_day + 3).rem_euclid(7) + 1) as u32
    }

    /// Day of year, 1-based.
    pub fn day_of_year(&self) -> u32 {
        (self.epoch_day - days_from_civil(self.year, 1, 1) + 1) as u32
    }

    /// Milliseconds since midnight.
    pub fn milli_of_day(&self) -> i64 {
        i64::from(self.hour) * 3_600_000
            + i64::from(self.minute) * 60_000
            + i64::from(self.second) * 1000
            + i64::from(self.milli)
    }

    /// ISO week-based year and week of that year.
    pub fn iso_week(&self) -> (i64, u32) {
        let wd = i64::from(self.weekday());
        // The Thursday of this week decides the week-based year.
        let thursday = self.epoch_day - wd + 4;
        let (ty, _, _) = civil_from_days(thursday);
        let week = (thursday - days_from_civil(ty, 1, 1)) / 7 + 1;
        (ty, week as u32)
    }
}

/// Epoch milliseconds of a UTC date-time, `None` when out of the supported range.
pub fn to_millis(
    year: i64,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
    milli: u32,
) -> Option<i64> {
    if !(-292_000_000..=292_000_000).contains(&year) {
        return None;
    }
    let days = days_from_civil(year, month, day);
    days.checked_mul(DAY_MS)?.checked_add(
        i64::from(hour) * 3_600_000
            + i64::from(minute) * 60_000
            + i64::from(second) * 1000
            + i64::from(milli),
    )
}

/// `date + period` with Java `plusMonths` then `plusDays` semantics (the day of month is
/// clamped to the target month's length).
pub fn add_period(ms: i64, p: Period) -> Option<i64> {
    let c = Civil::of(ms);
    let total = c
        .year
        .checked_mul(12)?
        .checked_add(i64::from(c.month) - 1)?
        .checked_add(p.months)?;
    let year = total.div_euclid(12);
    let month = (total.rem_euclid(12) + 1) as u32;
    let day = c.day.min(month_len(year, month));
    let base = to_millis(year, month, day, 0, 0, 0, 0)?;
    base.checked_add(c.milli_of_day())?
        .checked_add(p.days.checked_mul(DAY_MS)?)
}

/// `2023-07-10T11:42:18.000Z`.
pub fn format_iso_millis(ms: i64) -> String {
    let c = Civil::of(ms);
    let year = if (0..=9999).contains(&c.year) {
        format!("{:04}", c.year)
    } else {
        format!("{:+05}", c.year)
    };
    format!(
        "{year}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        c.month, c.day, c.hour, c.minute, c.second, c.milli
    )
}

/// Parses Elasticsearch's `strict_date_optional_time`: `yyyy-MM-dd`, optionally followed by
/// `'T'HH:mm`, `:ss`, `.fraction` (1-9 digits) and a zone (`Z`, `+HH:mm`, `+HHmm`, `+HH`).
/// Used by `TO_DATETIME` and implicit string-to-date casts. Returns epoch milliseconds.
pub fn parse_strict_date_optional_time(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    let mut p = Cursor { b, i: 0 };
    let sign = match b.first() {
        Some(b'-') => {
            p.i += 1;
            -1
        }
        Some(b'+') => {
            p.i += 1;
            1
        }
        _ => 1,
    };
    let year = sign
        * p.digits(
            4,
            if sign == 1 && b.first() != Some(&b'+') {
                4
            } else {
                9
            },
        )?;
    let (mut month, mut day) = (1, 1);
    let (mut hour, mut minute, mut second, mut nanos) = (0, 0, 0, 0u32);
    let mut offset_s = 0i64;
    if p.eat(b'-') {
        month = p.digits(2, 2)? as u32;
        if p.eat(b'-') {
            day = p.digits(2, 2)? as u32;
            if p.eat(b'T') {
                hour = p.digits(2, 2)? as u32;
                if p.eat(b':') {
                    minute = p.digits(2, 2)? as u32;
                    if p.eat(b':') {
                        second = p.digits(2, 2)? as u32;
                        if p.eat(b'.') || p.eat(b',') {
                            let start = p.i;
                            let frac = p.digits(1, 9)?;
                            let n = p.i - start;
                            nanos = (frac * 10i64.pow(9 - n as u32)) as u32;
                        }
                    }
                }
                if p.i < b.len() {
                    offset_s = p.offset()?;
                }
            }
        }
    }
    if p.i != b.len()
        || !(1..=12).contains(&month)
        || day == 0
        || day > month_len(year, month)
        || hour > 23
        || minute > 59
        || second > 59
    {
        return None;
    }
    to_millis(year, month, day, hour, minute, second, nanos / 1_000_000)?
        .checked_sub(offset_s * 1000)
}

struct Cursor<'a> {
    b: &'a [u8],
    i: usize,
}

impl Cursor<'_> {
    fn eat(&mut self, c: u8) -> bool {
        if self.b.get(self.i) == Some(&c) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    fn digits(&mut self, min: usize, max: usize) -> Option<i64> {
        let start = self.i;
        let mut v: i64 = 0;
        while self.i < self.b.len() && self.i - start < max {
            let c = self.b[self.i];
            if !c.is_ascii_digit() {
                break;
            }
            v = v.checked_mul(10)?.checked_add(i64::from(c - b'0'))?;
            self.i += 1;
        }
        (self.i - start >= min).then_some(v)
    }

    /// `Z`, `+HH`, `+HHmm`, `+HH:mm`, `+HH:mm:ss`: seconds east of UTC.
    fn offset(&mut self) -> Option<i64> {
        if self.eat(b'Z') || self.eat(b'z') {
            return Some(0);
        }
        let sign = if self.eat(b'+') {
            1
        } else if self.eat(b'-') {
            -1
        } else {
            return None;
        };
        let h = self.digits(2, 2)?;
        let colon = self.eat(b':');
        let m = if self.i < self.b.len() {
            self.digits(2, 2)?
        } else {
            0
        };
        let s = if colon && self.eat(b':') {
            self.digits(2, 2)?
        } else {
            0
        };
        if h > 18 || m > 59 || s > 59 {
            return None;
        }
        Some(sign * (h * 3600 + m * 60 + s))
    }
}

/// One element of a compiled Java date pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Tok {
    Lit(String),
    Field(char, usize),
    OptStart,
    OptEnd,
}

/// A compiled `java.time` date-time pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JavaPattern {
    toks: Vec<Tok>,
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const DAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

impl JavaPattern {
    /// Compiles `pattern` as `DateTimeFormatter.ofPattern` does; errors are worded like Java's
    /// (`Unknown pattern letter: b`).
    pub fn compile(pattern: &str) -> Result<JavaPattern, String> {
        let chars: Vec<char> = pattern.chars().collect();
        let mut toks = Vec::new();
        let mut depth = 0usize;
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            if c.is_ascii_alphabetic() {
                let mut n = 1;
                while chars.get(i + n) == Some(&c) {
                    n += 1;
                }
                check_letter(c, n)?;
                toks.push(Tok::Field(c, n));
                i += n;
            } else if c == '\'' {
                let mut lit = String::new();
                i += 1;
                loop {
                    match chars.get(i) {
                        None => {
                            return Err(format!(
                                "Pattern ends with an incomplete string literal: {pattern}"
                            ));
                        }
                        Some('\'') if chars.get(i + 1) == Some(&'\'') => {
                            lit.push('\'');
                            i += 2;
                        }
                        Some('\'') => {
                            i += 1;
                            break;
                        }
                        Some(&ch) => {
                            lit.push(ch);
                            i += 1;
                        }
                    }
                }
                if lit.is_empty() {
                    lit.push('\'');
                }
                toks.push(Tok::Lit(lit));
            } else if c == '[' {
                depth += 1;
                toks.push(Tok::OptStart);
                i += 1;
            } else if c == ']' {
                if depth == 0 {
                    return Err("Pattern invalid as it contains ] without previous [".into());
                }
                depth -= 1;
                toks.push(Tok::OptEnd);
                i += 1;
            } else if matches!(c, '{' | '}' | '#') {
                return Err(format!("Pattern includes reserved character: '{c}'"));
            } else {
                toks.push(Tok::Lit(c.to_string()));
                i += 1;
            }
        }
        Ok(JavaPattern { toks })
    }

    /// Formats an instant (UTC).
    pub fn format(&self, ms: i64) -> String {
        let c = Civil::of(ms);
        let mut out = String::new();
        for t in &self.toks {
            match t {
                Tok::Lit(s) => out.push_str(s),
                Tok::OptStart | Tok::OptEnd => {}
                Tok::Field(ch, n) => format_field(&c, *ch, *n, &mut out),
            }
        }
        out
    }

    /// Parses `text` completely; missing fields default to 1970-01-01T00:00:00Z as
    /// Elasticsearch's `DateFormatters.from` fills them. Returns epoch milliseconds.
    pub fn parse(&self, text: &str) -> Result<i64, String> {
        let fail = || format!("Text '{text}' could not be parsed");
        let mut st = ParseState::default();
        let b = text.as_bytes();
        let mut pos = 0usize;
        let mut i = 0usize;
        // Optional sections: on failure inside, resume after the matching `]` at the saved position.
        let mut saved: Vec<(usize, ParseState)> = Vec::new();
        while i < self.toks.len() {
            let ok = match &self.toks[i] {
                Tok::OptStart => {
                    saved.push((pos, st.clone()));
                    true
                }
                Tok::OptEnd => {
                    saved.pop();
                    true
                }
                Tok::Lit(s) => {
                    if b[pos..].starts_with(s.as_bytes()) {
                        pos += s.len();
                        true
                    } else {
                        false
                    }
                }
                Tok::Field(ch, n) => {
                    let reserve = self.fixed_width_after(i);
                    parse_field(*ch, *n, b, &mut pos, reserve, &mut st)
                }
            };
            if ok {
                i += 1;
                continue;
            }
            match saved.pop() {
                Some((p, s)) => {
                    pos = p;
                    st = s;
                    i = self.matching_end(i).ok_or_else(fail)? + 1;
                }
                None => return Err(fail()),
            }
        }
        if pos != b.len() {
            return Err(format!(
                "Text '{text}' could not be parsed, unparsed text found at index {pos}"
            ));
        }
        st.resolve().ok_or_else(fail)
    }

    /// Digits reserved by fixed-width numeric fields that directly follow token `i`
    /// (Java's adjacent value parsing).
    fn fixed_width_after(&self, i: usize) -> usize {
        let mut total = 0;
        for t in &self.toks[i + 1..] {
            match t {
                Tok::Field(c, n) if is_numeric_field(*c, *n) && *n >= 2 => total += n,
                Tok::Field('S', n) => total += n,
                _ => break,
            }
        }
        total
    }

    fn matching_end(&self, from: usize) -> Option<usize> {
        let mut depth = 0usize;
        for (j, t) in self.toks.iter().enumerate().skip(from) {
            match t {
                Tok::OptStart => depth += 1,
                Tok::OptEnd if depth == 0 => return Some(j),
                Tok::OptEnd => depth -= 1,
                _ => {}
            }
        }
        None
    }
}

fn check_letter(c: char, n: usize) -> Result<(), String> {
    let max = match c {
        'G' | 'E' | 'M' | 'L' | 'Q' | 'q' | 'Z' | 'x' | 'X' | 'e' | 'c' => 5,
        'a' => 1,
        'u' | 'y' | 'Y' | 'n' | 'N' | 'A' | 'S' => 19,
        'd' | 'h' | 'H' | 'k' | 'K' | 'm' | 's' | 'w' => 2,
        'D' => 3,
        'W' | 'F' => 1,
        'V' => 2,
        'z' => 4,
        'O' => 4,
        _ => return Err(format!("Unknown pattern letter: {c}")),
    };
    if n > max || (c == 'V' && n != 2) || (c == 'O' && n != 1 && n != 4) {
        return Err(format!("Too many pattern letters: {c}"));
    }
    Ok(())
}

fn is_numeric_field(c: char, n: usize) -> bool {
    match c {
        'M' | 'L' | 'Q' | 'q' | 'e' | 'c' => n <= 2,
        'u' | 'y' | 'Y' | 'd' | 'D' | 'h' | 'H' | 'k' | 'K' | 'm' | 's' | 'w' | 'W' | 'n' | 'N'
        | 'A' | 'F' => true,
        _ => false,
    }
}

fn pad(out: &mut String, v: i64, width: usize) {
    if v < 0 {
        out.push('-');
    }
    let s = v.unsigned_abs().to_string();
    for _ in s.len()..width {
        out.push('0');
    }
    out.push_str(&s);
}

fn year_field(out: &mut String, y: i64, n: usize) {
    match n {
        2 => pad(out, y.rem_euclid(100), 2),
        4.. => {
            if y > 9999 && n == 4 {
                out.push('+');
            }
            pad(out, y, n)
        }
        _ => pad(out, y, n),
    }
}

fn text(out: &mut String, full: &str, n: usize) {
    match n {
        4 => out.push_str(full),
        5 => out.push_str(&full[..1]),
        _ => out.push_str(&full[..3]),
    }
}

fn format_field(c: &Civil, ch: char, n: usize, out: &mut String) {
    let quarter = (c.month - 1) / 3 + 1;
    match ch {
        'G' => out.push_str(match (n, c.year > 0) {
            (4, true) => "Anno Domini",
            (4, false) => "Before Christ",
            (5, true) => "A",
            (5, false) => "B",
            (_, true) => "AD",
            (_, false) => "BC",
        }),
        'u' => year_field(out, c.year, n),
        'y' => year_field(out, if c.year > 0 { c.year } else { 1 - c.year }, n),
        'Y' => year_field(out, c.iso_week().0, n),
        'Q' | 'q' => match n {
            1 | 5 => pad(out, i64::from(quarter), 1),
            2 => pad(out, i64::from(quarter), 2),
            3 => out.push_str(&format!("Q{quarter}")),
            _ => out.push_str(
                ["1st quarter", "2nd quarter", "3rd quarter", "4th quarter"]
                    [(quarter - 1) as usize],
            ),
        },
        'M' | 'L' => match n {
            1 | 2 => pad(out, i64::from(c.month), n),
            _ => text(out, MONTHS[(c.month - 1) as usize], n),
        },
        'w' => pad(out, i64::from(c.iso_week().1), n),
        'W' => pad(out, i64::from(week_of_month(c)), n),
        'd' => pad(out, i64::from(c.day), n),
        'D' => pad(out, i64::from(c.day_of_year()), n),
        'F' => pad(out, i64::from((c.day - 1) / 7 + 1), n),
        'E' => text(out, DAYS[(c.weekday() - 1) as usize], n),
        'e' | 'c' => match n {
            1 | 2 => pad(out, i64::from(c.weekday()), n),
            _ => text(out, DAYS[(c.weekday() - 1) as usize], n),
        },
        'a' => out.push_str(if c.hour < 12 { "AM" } else { "PM" }),
        'h' => pad(
            out,
            i64::from(if c.hour.is_multiple_of(12) {
                12
            } else {
                c.hour % 12
            }),
            n,
        ),
        'K' => pad(out, i64::from(c.hour % 12), n),
        'k' => pad(out, i64::from(if c.hour == 0 { 24 } else { c.hour }), n),
        'H' => pad(out, i64::from(c.hour), n),
        'm' => pad(out, i64::from(c.minute), n),
        's' => pad(out, i64::from(c.second), n),
        'S' => {
            let nanos = format!("{:09}", u64::from(c.milli) * 1_000_000);
            for i in 0..n {
                out.push(nanos.as_bytes().get(i).map_or('0', |&b| char::from(b)));
            }
        }
        'A' => pad(out, c.milli_of_day(), n),
        'n' => pad(out, i64::from(c.milli) * 1_000_000, n),
        'N' => pad(out, c.milli_of_day() * 1_000_000, n),
        'V' | 'z' | 'X' => out.push('Z'),
        'O' => out.push_str("GMT"),
        'x' => out.push_str(match n {
            1 => "+00",
            2 | 4 => "+0000",
            _ => "+00:00",
        }),
        'Z' => out.push_str(match n {
            4 => "GMT",
            5 => "Z",
            _ => "+0000",
        }),
        _ => {}
    }
}

fn week_of_month(c: &Civil) -> u32 {
    // ISO rules: weeks start on Monday; week 1 is the first with at least 4 days of the month,
    // days before it are in week 0.
    let first = c.epoch_day - i64::from(c.day) + 1;
    let first_wd = ((first + 3).rem_euclid(7) + 1) as u32;
    (c.day + first_wd - 2) / 7 + u32::from(8 - first_wd >= 4)
}

#[derive(Clone, Debug, Default)]
struct ParseState {
    year: Option<i64>,
    year_of_era: Option<i64>,
    bc: bool,
    month: Option<u32>,
    day: Option<u32>,
    day_of_year: Option<u32>,
    hour: Option<u32>,
    hour12: Option<u32>,
    pm: Option<bool>,
    minute: Option<u32>,
    second: Option<u32>,
    nanos: Option<u32>,
    milli_of_day: Option<i64>,
    offset_s: i64,
}

impl ParseState {
    fn resolve(&self) -> Option<i64> {
        let year = match (self.year, self.year_of_era) {
            (Some(y), _) => y,
            (None, Some(y)) if self.bc => 1 - y,
            (None, Some(y)) => y,
            (None, None) => 1970,
        };
        let (month, day) = match (self.month, self.day, self.day_of_year) {
            (None, None, Some(doy)) => {
                if doy == 0 || i64::from(doy) > if is_leap(year) { 366 } else { 365 } {
                    return None;
                }
                let (_, m, d) = civil_from_days(days_from_civil(year, 1, 1) + i64::from(doy) - 1);
                (m, d)
            }
            (m, d, _) => (m.unwrap_or(1), d.unwrap_or(1)),
        };
        if !(1..=12).contains(&month) || day == 0 || day > month_len(year, month) {
            return None;
        }
        let hour = match (self.hour, self.hour12, self.pm) {
            (Some(h), _, _) => h,
            (None, Some(h), pm) => h % 12 + if pm == Some(true) { 12 } else { 0 },
            (None, None, Some(true)) => 12,
            _ => 0,
        };
        if hour > 23 || self.minute.unwrap_or(0) > 59 || self.second.unwrap_or(0) > 59 {
            return None;
        }
        let base = match self.milli_of_day {
            Some(mod_) => to_millis(year, month, day, 0, 0, 0, 0)?.checked_add(mod_)?,
            None => to_millis(
                year,
                month,
                day,
                hour,
                self.minute.unwrap_or(0),
                self.second.unwrap_or(0),
                self.nanos.unwrap_or(0) / 1_000_000,
            )?,
        };
        base.checked_sub(self.offset_s * 1000)
    }
}

fn parse_digits(b: &[u8], pos: &mut usize, min: usize, max: usize) -> Option<i64> {
    let start = *pos;
    let mut v: i64 = 0;
    while *pos < b.len() && *pos - start < max && b[*pos].is_ascii_digit() {
        v = v.checked_mul(10)?.checked_add(i64::from(b[*pos] - b'0'))?;
        *pos += 1;
    }
    if *pos - start < min {
        *pos = start;
        return None;
    }
    Some(v)
}

fn parse_text(b: &[u8], pos: &mut usize, names: &[&str], n: usize) -> Option<usize> {
    for (i, name) in names.iter().enumerate() {
        let cand: &str = match n {
            4 => name,
            5 => &name[..1],
            _ => &name[..3],
        };
        let end = *pos + cand.len();
        if end <= b.len() && b[*pos..end].eq_ignore_ascii_case(cand.as_bytes()) {
            *pos = end;
            return Some(i);
        }
    }
    None
}

fn parse_field(
    ch: char,
    n: usize,
    b: &[u8],
    pos: &mut usize,
    reserve: usize,
    st: &mut ParseState,
) -> bool {
    // Variable-width numbers leave room for the fixed-width numbers that follow them.
    let avail = b[*pos..].iter().take_while(|c| c.is_ascii_digit()).count();
    let var_max = avail.saturating_sub(reserve).clamp(1, 19);
    let (min, max) = if n >= 2 { (n, n) } else { (1, var_max) };
    let num = |pos: &mut usize, min: usize, max: usize| parse_digits(b, pos, min, max);
    let small = |v: i64| u32::try_from(v).ok();
    match ch {
        'u' | 'y' | 'Y' => {
            let negative = ch == 'u' && b.get(*pos) == Some(&b'-');
            let plus = b.get(*pos) == Some(&b'+');
            if negative || plus {
                *pos += 1;
            }
            let v = match n {
                2 => num(pos, 2, 2).map(|v| 2000 + v),
                4.. => num(pos, n, var_max.max(n)),
                _ => num(pos, 1, var_max),
            };
            let Some(v) = v else { return false };
            let v = if negative { -v } else { v };
            match ch {
                'y' => st.year_of_era = Some(v),
                _ => st.year = Some(v),
            }
            true
        }
        'G' => {
            let names: &[&str] = if n == 4 {
                &["Anno Domini", "Before Christ"]
            } else {
                &["AD", "BC"]
            };
            match names
                .iter()
                .position(|nm| b[*pos..].starts_with(nm.as_bytes()))
            {
                Some(i) => {
                    *pos += names[i].len();
                    st.bc = i == 1;
                    true
                }
                None => false,
            }
        }
        'M' | 'L' if n >= 3 => match parse_text(b, pos, &MONTHS, n) {
            Some(i) => {
                st.month = Some(i as u32 + 1);
                true
            }
            None => false,
        },
        'E' => parse_text(b, pos, &DAYS, n).is_some(),
        'e' | 'c' if n >= 3 => parse_text(b, pos, &DAYS, n).is_some(),
        'a' => {
            if b[*pos..].starts_with(b"AM") || b[*pos..].starts_with(b"am") {
                st.pm = Some(false);
            } else if b[*pos..].starts_with(b"PM") || b[*pos..].starts_with(b"pm") {
                st.pm = Some(true);
            } else {
                return false;
            }
            *pos += 2;
            true
        }
        'S' => match num(pos, n, n) {
            Some(v) if n <= 9 => {
                st.nanos = Some((v * 10i64.pow((9 - n) as u32)) as u32);
                true
            }
            Some(_) => true,
            None => false,
        },
        'V' | 'z' | 'X' | 'x' | 'Z' | 'O' => {
            for name in ["UTC", "GMT", "Z"] {
                if b[*pos..].starts_with(name.as_bytes()) {
                    *pos += name.len();
                    if b.get(*pos).is_some_and(|c| *c == b'+' || *c == b'-') && name != "Z" {
                        break;
                    }
                    return true;
                }
            }
            let mut c = Cursor { b, i: *pos };
            match c.offset() {
                Some(s) => {
                    st.offset_s = s;
                    *pos = c.i;
                    true
                }
                None => false,
            }
        }
        _ => {
            let Some(v) = num(pos, min, max) else {
                return false;
            };
            let Some(v32) = small(v) else { return false };
            match ch {
                'M' | 'L' => st.month = Some(v32),
                'd' => st.day = Some(v32),
                'D' => st.day_of_year = Some(v32),
                'H' => st.hour = Some(v32),
                'k' => st.hour = Some(v32 % 24),
                'h' | 'K' => st.hour12 = Some(v32),
                'm' => st.minute = Some(v32),
                's' => st.second = Some(v32),
                'n' => st.nanos = Some(v32),
                'A' => st.milli_of_day = Some(v),
                _ => {}
            }
            true
        }
    }
}

/// Rounds `ms` down for `DATE_TRUNC`/`BUCKET` with a fixed duration (multiples of the span
/// since the epoch).
pub fn trunc_duration(ms: i64, span_ms: i64) -> Option<i64> {
    if span_ms <= 0 {
        return None;
    }
    Some(ms.div_euclid(span_ms) * span_ms)
}

/// Rounds `ms` down to a calendar period as Elasticsearch's `DateTrunc` does: 1 day → start of
/// day, 7 days → Monday of the ISO week, other day counts → fixed multiples since the epoch,
/// 1 month → month start, 3 months → quarter start, other month counts → multiples of months
/// since 1970-01, whole years → multiples of years.
pub fn trunc_period(ms: i64, p: Period) -> Option<i64> {
    let c = Civil::of(ms);
    match (p.months, p.days) {
        (0, 1) => Some(c.epoch_day * DAY_MS),
        (0, 7) => Some((c.epoch_day - i64::from(c.weekday()) + 1) * DAY_MS),
        (0, d) if d > 0 => trunc_duration(ms, d.checked_mul(DAY_MS)?),
        (m, 0) if m > 0 && m % 12 == 0 => {
            let years = m / 12;
            to_millis(c.year.div_euclid(years) * years, 1, 1, 0, 0, 0, 0)
        }
        (m, 0) if m > 0 => {
            let idx = (c.year - 1970) * 12 + i64::from(c.month) - 1;
            let r = idx.div_euclid(m) * m;
            to_millis(
                1970 + r.div_euclid(12),
                (r.rem_euclid(12) + 1) as u32,
                1,
                0,
                0,
                0,
                0,
            )
        }
        _ => None,
    }
}

/// `DATE_EXTRACT` parts (`java.time.temporal.ChronoField` names, case-insensitive).
pub fn extract(part: &str, ms: i64) -> Option<i64> {
    let c = Civil::of(ms);
    let mod_ = c.milli_of_day();
    let hour = i64::from(c.hour);
    Some(match part.to_ascii_uppercase().as_str() {
        "NANO_OF_SECOND" => i64::from(c.milli) * 1_000_000,
        "NANO_OF_DAY" => mod_ * 1_000_000,
        "MICRO_OF_SECOND" => i64::from(c.milli) * 1000,
        "MICRO_OF_DAY" => mod_ * 1000,
        "MILLI_OF_SECOND" => i64::from(c.milli),
        "MILLI_OF_DAY" => mod_,
        "SECOND_OF_MINUTE" => i64::from(c.second),
        "SECOND_OF_DAY" => mod_ / 1000,
        "MINUTE_OF_HOUR" => i64::from(c.minute),
        "MINUTE_OF_DAY" => mod_ / 60_000,
        "HOUR_OF_AMPM" => hour % 12,
        "CLOCK_HOUR_OF_AMPM" => {
            if hour % 12 == 0 {
                12
            } else {
                hour % 12
            }
        }
        "HOUR_OF_DAY" => hour,
        "CLOCK_HOUR_OF_DAY" => {
            if hour == 0 {
                24
            } else {
                hour
            }
        }
        "AMPM_OF_DAY" => i64::from(hour >= 12),
        "DAY_OF_WEEK" => i64::from(c.weekday()),
        "ALIGNED_DAY_OF_WEEK_IN_MONTH" => i64::from((c.day - 1) % 7 + 1),
        "ALIGNED_DAY_OF_WEEK_IN_YEAR" => i64::from((c.day_of_year() - 1) % 7 + 1),
        "DAY_OF_MONTH" => i64::from(c.day),
        "DAY_OF_YEAR" => i64::from(c.day_of_year()),
        "EPOCH_DAY" => c.epoch_day,
        "ALIGNED_WEEK_OF_MONTH" => i64::from((c.day - 1) / 7 + 1),
        "ALIGNED_WEEK_OF_YEAR" => i64::from((c.day_of_year() - 1) / 7 + 1),
        "MONTH_OF_YEAR" => i64::from(c.month),
        "PROLEPTIC_MONTH" => c.year * 12 + i64::from(c.month) - 1,
        "YEAR_OF_ERA" => {
            if c.year > 0 {
                c.year
            } else {
                1 - c.year
            }
        }
        "YEAR" => c.year,
        "ERA" => i64::from(c.year > 0),
        "INSTANT_SECONDS" => ms.div_euclid(1000),
        "OFFSET_SECONDS" => 0,
        _ => return None,
    })
}

/// `DATE_DIFF` units: `ChronoUnit.between(start, end)` in UTC. Returns `None` for an unknown
/// unit; the caller checks the `integer` range.
pub fn diff(unit: &str, start: i64, end: i64) -> Option<Result<i128, String>> {
    let d = i128::from(end) - i128::from(start);
    let u = unit.to_ascii_lowercase();
    let by = |n: i128| Some(Ok(d / n));
    match u.as_str() {
        "year" | "years" | "yy" | "yyyy" => Some(Ok(months_between(start, end) / 12)),
        "quarter" | "quarters" | "qq" | "q" => Some(Ok(months_between(start, end) / 3)),
        "month" | "months" | "mm" | "m" => Some(Ok(months_between(start, end))),
        "dayofyear" | "dy" | "y" | "day" | "days" | "dd" | "d" | "weekday" | "weekdays" | "dw" => {
            by(i128::from(DAY_MS))
        }
        "week" | "weeks" | "wk" | "ww" => by(7 * i128::from(DAY_MS)),
        "hour" | "hours" | "hh" => by(3_600_000),
        "minute" | "minutes" | "mi" | "n" => by(60_000),
        "second" | "seconds" | "ss" | "s" => by(1000),
        "millisecond" | "milliseconds" | "ms" => by(1),
        "microsecond" | "microseconds" | "mcs" => Some(Ok(d * 1000)),
        "nanosecond" | "nanoseconds" | "ns" => Some(Ok(d * 1_000_000)),
        _ => None,
    }
}

/// Whole months from `start` to `end` as `LocalDateTime.until(end, MONTHS)`: the end date
/// moves back (forward) a day when its time of day is before (after) the start's, then
/// `(packed(end) - packed(start)) / 32` with `packed = prolepticMonth * 32 + dayOfMonth`.
fn months_between(start: i64, end: i64) -> i128 {
    let a = Civil::of(start);
    let b = Civil::of(end);
    let mut end_day = b.epoch_day;
    if b.epoch_day > a.epoch_day && b.milli_of_day() < a.milli_of_day() {
        end_day -= 1;
    } else if b.epoch_day < a.epoch_day && b.milli_of_day() > a.milli_of_day() {
        end_day += 1;
    }
    let (ey, em, ed) = civil_from_days(end_day);
    let packed =
        |y: i64, m: u32, d: u32| (i128::from(y) * 12 + i128::from(m) - 1) * 32 + i128::from(d);
    (packed(ey, em, ed) - packed(a.year, a.month, a.day)) / 32
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(s: &str) -> i64 {
        parse_strict_date_optional_time(s).unwrap_or(i64::MIN)
    }

    #[test]
    fn civil_round_trip() {
        for day in [-800_000i64, -1, 0, 1, 19_548, 2_932_896] {
            let (y, m, d) = civil_from_days(day);
            assert_eq!(days_from_civil(y, m, d), day);
        }
        assert_eq!(civil_from_days(19_548), (2023, 7, 10));
    }

    #[test]
    fn strict_date_optional_time_forms() {
        let cases = [
            ("2023-07-10", Some("2023-07-10T00:00:00.000Z")),
            ("2023-07-10T11:42", Some("2023-07-10T11:42:00.000Z")),
            ("2023-07-10T11:42:18Z", Some("2023-07-10T11:42:18.000Z")),
            (
                "2023-07-10T11:42:18.123456Z",
                Some("2023-07-10T11:42:18.123Z"),
            ),
            (
                "2023-07-10T11:42:18+02:00",
                Some("2023-07-10T09:42:18.000Z"),
            ),
            ("2023-07-10T11:42:18.5", Some("2023-07-10T11:42:18.500Z")),
            ("2023-02-30", None),
            ("2023-7-10", None),
            ("20230710", None),
            ("yesterday", None),
        ];
        for (s, want) in cases {
            assert_eq!(
                parse_strict_date_optional_time(s)
                    .map(format_iso_millis)
                    .as_deref(),
                want,
                "{s}"
            );
        }
    }

    #[test]
    fn java_patterns_format() {
        let t = ms("2023-07-10T11:42:18.045Z");
        let cases = [
            ("YYYY-mm-dd", "2023-42-10"),
            ("yyyy-MM-dd", "2023-07-10"),
            ("yyyy-MM-dd'T'HH:mm:ss.SSSXXX", "2023-07-10T11:42:18.045Z"),
            ("EEE, d MMM yyyy", "Mon, 10 Jul 2023"),
            ("EEEE MMMM", "Monday July"),
            ("hh:mm a", "11:42 AM"),
            ("D w Q QQQ", "191 28 3 Q3"),
            ("yy", "23"),
            ("'o''clock' HH", "o'clock 11"),
            ("S SS SSSS", "0 04 0450"),
        ];
        for (p, want) in cases {
            let pat = JavaPattern::compile(p).unwrap_or_else(|e| panic!("{p}: {e}"));
            assert_eq!(pat.format(t), want, "{p}");
        }
        // Week-based year differs from the calendar year around New Year.
        let ny = ms("2021-01-01T00:00:00Z");
        assert_eq!(
            JavaPattern::compile("YYYY yyyy ww")
                .map(|p| p.format(ny))
                .as_deref(),
            Ok("2020 2021 53")
        );
        assert!(JavaPattern::compile("bbb").is_err());
        assert!(JavaPattern::compile("yyyy'").is_err());
    }

    #[test]
    fn java_patterns_parse() {
        let cases = [
            ("yyyy-MM-dd", "2023-07-10", Some("2023-07-10T00:00:00.000Z")),
            (
                "yyyy-MM-dd HH:mm:ss",
                "2023-07-10 11:42:18",
                Some("2023-07-10T11:42:18.000Z"),
            ),
            (
                "yyyyMMddHHmmss",
                "20230710114218",
                Some("2023-07-10T11:42:18.000Z"),
            ),
            (
                "dd MMM yyyy",
                "10 Jul 2023",
                Some("2023-07-10T00:00:00.000Z"),
            ),
            (
                "yyyy-MM-dd'T'HH:mm:ss.SSSXXX",
                "2023-07-10T11:42:18.045+01:00",
                Some("2023-07-10T10:42:18.045Z"),
            ),
            ("hh:mm a", "01:30 PM", Some("1970-01-01T13:30:00.000Z")),
            (
                "yyyy-MM-dd[ HH:mm]",
                "2023-07-10",
                Some("2023-07-10T00:00:00.000Z"),
            ),
            (
                "yyyy-MM-dd[ HH:mm]",
                "2023-07-10 05:06",
                Some("2023-07-10T05:06:00.000Z"),
            ),
            ("yyyy-MM-dd", "2023-13-10", None),
            ("yyyy-MM-dd", "2023-07-10x", None),
            ("yyyy-MM-dd", "10-07-2023", None),
        ];
        for (p, s, want) in cases {
            let pat = JavaPattern::compile(p).unwrap_or_else(|e| panic!("{p}: {e}"));
            assert_eq!(
                pat.parse(s).ok().map(format_iso_millis).as_deref(),
                want,
                "{p} on {s}"
            );
        }
    }

    #[test]
    fn truncation_and_periods() {
        let t = ms("2023-07-13T11:42:18.045Z"); // a Thursday
        let f = |v: Option<i64>| v.map(format_iso_millis).unwrap_or_default();
        assert_eq!(f(trunc_duration(t, 30_000)), "2023-07-13T11:42:00.000Z");
        assert_eq!(f(trunc_duration(t, 5 * 60_000)), "2023-07-13T11:40:00.000Z");
        assert_eq!(
            f(trunc_period(t, Period { months: 0, days: 1 })),
            "2023-07-13T00:00:00.000Z"
        );
        assert_eq!(
            f(trunc_period(t, Period { months: 0, days: 7 })),
            "2023-07-10T00:00:00.000Z"
        );
        assert_eq!(
            f(trunc_period(t, Period { months: 1, days: 0 })),
            "2023-07-01T00:00:00.000Z"
        );
        assert_eq!(
            f(trunc_period(t, Period { months: 3, days: 0 })),
            "2023-07-01T00:00:00.000Z"
        );
        assert_eq!(
            f(trunc_period(
                t,
                Period {
                    months: 12,
                    days: 0
                }
            )),
            "2023-01-01T00:00:00.000Z"
        );
        assert_eq!(
            f(add_period(
                ms("2023-01-31T10:00:00Z"),
                Period { months: 1, days: 0 }
            )),
            "2023-02-28T10:00:00.000Z"
        );
        assert_eq!(
            f(add_period(
                t,
                Period {
                    months: 0,
                    days: -7
                }
            )),
            "2023-07-06T11:42:18.045Z"
        );
    }

    #[test]
    fn differences_count_whole_units() {
        let a = ms("2023-12-31T23:59:59.999Z");
        let b = ms("2024-01-01T00:00:00.000Z");
        let c = ms("2024-12-31T23:59:59.999Z");
        let d = |u: &str, x: i64, y: i64| diff(u, x, y).and_then(Result::ok);
        assert_eq!(d("year", a, b), Some(0));
        assert_eq!(d("year", a, c), Some(1));
        assert_eq!(d("year", b, c), Some(0));
        assert_eq!(d("microseconds", b, b + 1), Some(1000));
        assert_eq!(d("minutes", b + 5 * 60_000 + 59_999, b), Some(-5));
        assert_eq!(d("mi", b, b + 61_000), Some(1));
        assert_eq!(
            d(
                "months",
                ms("2023-01-31T00:00:00Z"),
                ms("2023-02-28T00:00:00Z")
            ),
            Some(0)
        );
        assert_eq!(d("fortnight", a, b), None);
        assert_eq!(extract("hour_of_day", ms("2023-07-10T11:42:18Z")), Some(11));
        assert_eq!(extract("DAY_OF_WEEK", ms("2023-07-10T11:42:18Z")), Some(1));
        assert_eq!(extract("bogus", 0), None);
    }
}

//! Outputs. Every format implements [`AlertSink`]; the engine knows nothing of them.

use crate::schema::{iso_millis, to_json_line};
use crate::summary::Summary;
use std::io::{self, Write};
use trailhound_engine::{Alert, Severity};

/// Where alerts go.
pub trait AlertSink {
    /// One alert. Sinks that must sort or group may hold it until [`AlertSink::finish`].
    fn alert(&mut self, alert: &Alert) -> io::Result<()>;
    /// End of the run: write anything held and flush.
    fn finish(&mut self) -> io::Result<()>;
}

/// One JSON document per alert per line (see [`crate::schema`]).
pub struct JsonlSink<W: Write> {
    out: W,
}

impl<W: Write> JsonlSink<W> {
    /// A sink writing to `out`.
    pub fn new(out: W) -> JsonlSink<W> {
        JsonlSink { out }
    }
}

impl<W: Write> AlertSink for JsonlSink<W> {
    fn alert(&mut self, alert: &Alert) -> io::Result<()> {
        self.out.write_all(to_json_line(alert).as_bytes())?;
        self.out.write_all(b"\n")
    }

    fn finish(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// Comma-separated values with a header row (RFC 4180 quoting).
pub struct CsvSink<W: Write> {
    out: W,
    header_written: bool,
}

impl<W: Write> CsvSink<W> {
    /// A sink writing to `out`.
    pub fn new(out: W) -> CsvSink<W> {
        CsvSink {
            out,
            header_written: false,
        }
    }
}

/// Columns of the CSV output.
pub const CSV_COLUMNS: &[&str] = &[
    "timestamp",
    "alert_id",
    "severity",
    "risk_score",
    "rule_id",
    "rule_name",
    "rule_source",
    "principal",
    "action",
    "source_ip",
    "account",
    "region",
    "count",
    "suppressed_count",
    "tactics",
    "techniques",
    "message",
];

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

impl<W: Write> AlertSink for CsvSink<W> {
    fn alert(&mut self, alert: &Alert) -> io::Result<()> {
        if !self.header_written {
            writeln!(self.out, "{}", CSV_COLUMNS.join(","))?;
            self.header_written = true;
        }
        let s = alert
            .detection
            .events
            .first()
            .map(|e| Summary::of(e))
            .unwrap_or_default();
        let row = [
            iso_millis(alert.detection.time_ms),
            alert.id.clone(),
            alert.severity().name().to_owned(),
            alert.rule.risk_score.to_string(),
            alert.rule.id.clone(),
            alert.rule.name.clone(),
            alert
                .rule
                .source
                .map_or("trailhound", |s| s.name())
                .to_owned(),
            s.principal,
            s.action,
            s.source_ip,
            s.account,
            s.region,
            alert.detection.count.to_string(),
            alert.suppressed_count.to_string(),
            alert.rule.tactics().join(" "),
            alert.rule.techniques().join(" "),
            crate::schema::message(alert),
        ];
        let line: Vec<String> = row.iter().map(|f| csv_field(f)).collect();
        writeln!(self.out, "{}", line.join(","))
    }

    fn finish(&mut self) -> io::Result<()> {
        if !self.header_written {
            writeln!(self.out, "{}", CSV_COLUMNS.join(","))?;
            self.header_written = true;
        }
        self.out.flush()
    }
}

/// How the table is drawn.
#[derive(Clone, Copy, Debug)]
pub struct TableStyle {
    /// Terminal width; `None` draws columns at full width.
    pub width: Option<usize>,
    /// Colour severities (off when `NO_COLOR` is set or output is not a terminal).
    pub color: bool,
}

impl TableStyle {
    /// The style for standard output: its terminal width, colour unless `NO_COLOR` is set.
    pub fn for_stdout() -> TableStyle {
        let term = console::Term::stdout();
        let is_term = term.is_term();
        let width = if is_term {
            term.size_checked().map(|(_, cols)| usize::from(cols))
        } else {
            None
        };
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        TableStyle {
            width,
            color: is_term && !no_color,
        }
    }
}

/// A human table sorted by time: time, severity, rule, principal, action, source IP,
/// account/region. Columns shrink to the terminal width with an ellipsis; on narrow terminals
/// the least important columns are dropped first.
pub struct TableSink<W: Write> {
    out: W,
    style: TableStyle,
    rows: Vec<(i64, Severity, [String; 7])>,
}

impl<W: Write> TableSink<W> {
    /// A sink writing to `out`.
    pub fn new(out: W, style: TableStyle) -> TableSink<W> {
        TableSink {
            out,
            style,
            rows: Vec::new(),
        }
    }
}

const HEADERS: [&str; 7] = [
    "TIME",
    "SEVERITY",
    "RULE",
    "PRINCIPAL",
    "ACTION",
    "SOURCE IP",
    "ACCOUNT/REGION",
];
/// Smallest width of each column before it is dropped.
const MIN_WIDTH: [usize; 7] = [19, 8, 16, 12, 10, 9, 14];
/// Order in which columns are dropped when the terminal is too narrow (indices into HEADERS).
const DROP_ORDER: [usize; 3] = [6, 5, 3];

pub(crate) fn shorten_time(t: &str) -> String {
    // 2024-05-01T10:00:00.000Z -> 2024-05-01 10:00:00
    t.get(..19)
        .map_or_else(|| t.to_owned(), |s| s.replace('T', " "))
}

impl<W: Write> AlertSink for TableSink<W> {
    fn alert(&mut self, alert: &Alert) -> io::Result<()> {
        let s = alert
            .detection
            .events
            .first()
            .map(|e| Summary::of(e))
            .unwrap_or_default();
        let mut action = s.action;
        if alert.detection.count > 1 {
            action = format!("{action} (+{})", alert.detection.count - 1);
        }
        let place = if s.account.is_empty() && s.region.is_empty() {
            String::new()
        } else {
            format!("{}/{}", s.account, s.region)
        };
        let row = [
            shorten_time(&iso_millis(alert.detection.time_ms)),
            alert.severity().name().to_owned(),
            alert.rule.name.clone(),
            s.principal,
            action,
            s.source_ip,
            place,
        ];
        self.rows
            .push((alert.detection.time_ms, alert.severity(), row));
        Ok(())
    }

    fn finish(&mut self) -> io::Result<()> {
        if self.rows.is_empty() {
            return self.out.flush();
        }
        self.rows.sort_by_key(|r| r.0);
        let mut widths: Vec<usize> = HEADERS
            .iter()
            .map(|h| console::measure_text_width(h))
            .collect();
        for (_, _, row) in &self.rows {
            for (i, cell) in row.iter().enumerate() {
                widths[i] = widths[i].max(console::measure_text_width(cell));
            }
        }
        let mut shown: Vec<usize> = (0..HEADERS.len()).collect();
        if let Some(total) = self.style.width {
            fit(&mut widths, &mut shown, total);
        }
        let line = |cells: &[String], sev: Option<Severity>, style: &TableStyle| -> String {
            let mut out = String::new();
            for (n, &i) in shown.iter().enumerate() {
                let cell = console::truncate_str(&cells[i], widths[i], "…");
                let pad = widths[i].saturating_sub(console::measure_text_width(&cell));
                let text = match (i, sev) {
                    (1, Some(sev)) if style.color => paint(&cell, sev),
                    _ => cell.into_owned(),
                };
                out.push_str(&text);
                if n + 1 < shown.len() {
                    out.push_str(&" ".repeat(pad + 2));
                }
            }
            out.trim_end().to_owned()
        };
        let header: Vec<String> = HEADERS.iter().map(|h| (*h).to_owned()).collect();
        writeln!(self.out, "{}", line(&header, None, &self.style))?;
        for (_, sev, row) in &self.rows {
            writeln!(self.out, "{}", line(row, Some(*sev), &self.style))?;
        }
        self.out.flush()
    }
}

/// Shrinks `widths` (and drops columns from `shown`) so the table fits `total` columns.
fn fit(widths: &mut [usize], shown: &mut Vec<usize>, total: usize) {
    let gaps = |shown: &[usize]| 2 * shown.len().saturating_sub(1);
    let used =
        |w: &[usize], shown: &[usize]| shown.iter().map(|&i| w[i]).sum::<usize>() + gaps(shown);
    for drop in DROP_ORDER {
        let min: usize = shown
            .iter()
            .map(|&i| MIN_WIDTH[i].min(widths[i]))
            .sum::<usize>()
            + gaps(shown);
        if min <= total {
            break;
        }
        shown.retain(|&i| i != drop);
    }
    // Shrink the widest flexible column one step at a time until it fits.
    let flexible = [2usize, 3, 4, 6, 5];
    while used(widths, shown) > total {
        let Some(&widest) = flexible
            .iter()
            .filter(|i| shown.contains(i) && widths[**i] > MIN_WIDTH[**i])
            .max_by_key(|&&i| widths[i])
        else {
            break;
        };
        widths[widest] -= 1;
    }
}

pub(crate) fn paint(text: &str, sev: Severity) -> String {
    let style = match sev {
        Severity::Critical => console::Style::new().red().bold(),
        Severity::High => console::Style::new().red(),
        Severity::Medium => console::Style::new().yellow(),
        Severity::Low => console::Style::new().cyan(),
        Severity::Info => console::Style::new().dim(),
    };
    style.force_styling(true).apply_to(text).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::borrow::Cow;
    use std::sync::Arc;
    use trailhound_engine::{Detection, RuleMeta};
    use trailhound_event::{Event, View};

    fn alert(name: &str, sev: Severity, time: &str, principal: &str) -> Alert {
        let raw = format!(
            r#"{{"eventID":"{name}{time}","eventTime":"{time}","eventName":"AddPermission20150331v2","sourceIPAddress":"203.0.113.9","awsRegion":"us-east-1","recipientAccountId":"111122223333","userIdentity":{{"arn":"{principal}"}}}}"#
        );
        let doc: sonic_rs::Value = sonic_rs::from_str(&raw).expect("valid");
        let ev = Arc::new(Event::new(Cow::Owned(raw), doc, Default::default()));
        let time_ms = ev.time_millis().expect("time");
        let rule = Arc::new(RuleMeta {
            id: name.into(),
            name: name.into(),
            severity: Some(sev),
            risk_score: 47,
            ..RuleMeta::default()
        });
        Alert::new(
            rule,
            View::ECS,
            Detection {
                time_ms,
                events: vec![ev],
                count: 1,
                ..Detection::default()
            },
        )
    }

    fn render(style: TableStyle, alerts: &[Alert]) -> String {
        let mut buf = Vec::new();
        let mut sink = TableSink::new(&mut buf, style);
        for a in alerts {
            sink.alert(a).expect("in memory");
        }
        sink.finish().expect("in memory");
        String::from_utf8(buf).expect("utf8")
    }

    #[test]
    fn table_is_sorted_and_fits_the_width() {
        let alerts = [
            alert(
                "AWS Lambda Function Policy Updated to Allow Public Invocation",
                Severity::Medium,
                "2024-05-01T10:05:00Z",
                "arn:aws:iam::111122223333:user/a-rather-long-user-name",
            ),
            alert(
                "AWS IAM policy changed",
                Severity::High,
                "2024-05-01T10:00:00Z",
                "arn:aws:iam::111122223333:user/bob",
            ),
        ];
        let wide = render(
            TableStyle {
                width: None,
                color: false,
            },
            &alerts,
        );
        let lines: Vec<&str> = wide.lines().collect();
        assert!(lines[0].starts_with("TIME"));
        assert!(
            lines[1].contains("AWS IAM policy changed"),
            "sorted by time: {wide}"
        );
        assert!(lines[2].contains("Allow Public Invocation"));
        assert!(lines[2].contains("111122223333/us-east-1"));
        for width in [80usize, 120, 200] {
            let t = render(
                TableStyle {
                    width: Some(width),
                    color: false,
                },
                &alerts,
            );
            for l in t.lines() {
                assert!(console::measure_text_width(l) <= width, "{width}: {l}");
            }
        }
        let narrow = render(
            TableStyle {
                width: Some(80),
                color: false,
            },
            &alerts,
        );
        assert!(narrow.contains('…'), "{narrow}");
        assert!(
            !narrow.contains("ACCOUNT/REGION"),
            "least important column dropped: {narrow}"
        );
    }

    #[test]
    fn colour_only_when_asked() {
        let a = [alert("r", Severity::High, "2024-05-01T10:00:00Z", "p")];
        assert!(
            !render(
                TableStyle {
                    width: None,
                    color: false
                },
                &a
            )
            .contains('\u{1b}')
        );
        assert!(
            render(
                TableStyle {
                    width: None,
                    color: true
                },
                &a
            )
            .contains('\u{1b}')
        );
    }

    #[test]
    fn csv_quotes_and_jsonl_is_json() {
        let a = alert(
            "rule, with comma",
            Severity::Low,
            "2024-05-01T10:00:00Z",
            "p",
        );
        let mut buf = Vec::new();
        let mut csv = CsvSink::new(&mut buf);
        csv.alert(&a).expect("mem");
        csv.finish().expect("mem");
        let text = String::from_utf8(buf).expect("utf8");
        assert!(
            text.lines()
                .nth(1)
                .expect("row")
                .contains("\"rule, with comma\"")
        );
        let line = to_json_line(&a);
        let v: serde_json::Value = serde_json::from_str(&line).expect("valid JSON");
        assert_eq!(v["rule"]["name"], "rule, with comma");
        assert_eq!(v["events"][0]["eventName"], "AddPermission20150331v2");
        assert_eq!(v["@timestamp"], "2024-05-01T10:00:00.000Z");
        assert_eq!(v["alert"]["id"].as_str().map(str::len), Some(32));
    }
}

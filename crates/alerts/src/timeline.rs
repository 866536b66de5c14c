//! A responder's view: alerts and their events grouped by who acted, in time order.
//!
//! ```text
//! arn:aws:iam::111122223333:user/bob
//!   first seen 2024-05-01 10:00:00, last seen 2024-05-01 10:05:00
//!   2 alerts, highest high
//!   2024-05-01 10:00:40  high      AWS STS AssumeRole denied repeatedly
//!       2024-05-01 10:00:00  AssumeRole  203.0.113.9  failed: AccessDenied
//!       2024-05-01 10:00:20  AssumeRole  203.0.113.9  failed: AccessDenied
//!   2024-05-01 10:05:00  medium    AWS Lambda Function Policy Updated to Allow Public Invocation
//!       2024-05-01 10:05:00  AddPermission20150331v2  203.0.113.9  success
//! ```
//!
//! An alert belongs to the principal of its first event (ARN, else invoking service, else
//! principal id); an event line names its own principal when it differs. Principals are ordered
//! by first activity, alerts by time, events as the alert holds them (in time order). Each
//! alert shows at most [`MAX_EVENT_LINES`] events, then how many more it counted. First and last
//! seen span the events of the principal's alerts.
//!
//! Lines are cut to the terminal width with an ellipsis; severities are coloured, principals
//! bold and failed calls red when [`TableStyle::color`] is set.

use crate::schema::iso_millis;
use crate::sink::{AlertSink, TableStyle, paint, shorten_time};
use crate::summary::Summary;
use std::collections::BTreeMap;
use std::io::{self, Write};
use trailhound_engine::{Alert, Severity};

/// Event lines shown per alert.
pub const MAX_EVENT_LINES: usize = 10;

/// The timeline (see the [module documentation](self)). Alerts are held until
/// [`AlertSink::finish`], which writes the view.
pub struct TimelineSink<W: Write> {
    out: W,
    style: TableStyle,
    entries: Vec<Entry>,
}

struct Entry {
    principal: String,
    time_ms: i64,
    first_ms: i64,
    last_ms: i64,
    severity: Severity,
    rule: String,
    label: Option<String>,
    id: String,
    events: Vec<EventLine>,
    more: u64,
}

struct EventLine {
    time: String,
    action: String,
    source_ip: String,
    error: String,
    principal: String,
}

impl<W: Write> TimelineSink<W> {
    /// A sink writing to `out`.
    pub fn new(out: W, style: TableStyle) -> TimelineSink<W> {
        TimelineSink {
            out,
            style,
            entries: Vec::new(),
        }
    }
}

const UNKNOWN: &str = "(unknown principal)";

impl<W: Write> AlertSink for TimelineSink<W> {
    fn alert(&mut self, alert: &Alert) -> io::Result<()> {
        let d = &alert.detection;
        let summaries: Vec<(Option<i64>, Summary)> = d
            .events
            .iter()
            .map(|e| (e.time_millis(), Summary::of(e)))
            .collect();
        let principal = summaries
            .first()
            .map(|(_, s)| s.principal.clone())
            .filter(|p| !p.is_empty())
            .unwrap_or_else(|| UNKNOWN.to_owned());
        let times = summaries.iter().filter_map(|(t, _)| *t);
        let first_ms = times.clone().min().unwrap_or(d.time_ms);
        let last_ms = times.max().unwrap_or(d.time_ms);
        let events: Vec<EventLine> = summaries
            .into_iter()
            .take(MAX_EVENT_LINES)
            .map(|(t, s)| EventLine {
                time: t.map_or_else(|| s.time.clone(), |ms| shorten_time(&iso_millis(ms))),
                action: s.action,
                source_ip: s.source_ip,
                error: s.error,
                principal: s.principal,
            })
            .collect();
        let shown = events.len() as u64;
        self.entries.push(Entry {
            principal,
            time_ms: d.time_ms,
            first_ms,
            last_ms,
            severity: alert.severity(),
            rule: alert.rule.name.clone(),
            label: d.label.clone(),
            id: alert.id.clone(),
            events,
            more: d.count.max(shown) - shown,
        });
        Ok(())
    }

    fn finish(&mut self) -> io::Result<()> {
        let mut groups: BTreeMap<String, Vec<Entry>> = BTreeMap::new();
        for e in self.entries.drain(..) {
            groups.entry(e.principal.clone()).or_default().push(e);
        }
        let mut groups: Vec<(String, Vec<Entry>)> = groups.into_iter().collect();
        for (_, entries) in &mut groups {
            entries.sort_by(|a, b| (a.time_ms, &a.rule, &a.id).cmp(&(b.time_ms, &b.rule, &b.id)));
        }
        let first_seen = |entries: &[Entry]| entries.iter().map(|e| e.first_ms).min();
        groups.sort_by(|a, b| (first_seen(&a.1), &a.0).cmp(&(first_seen(&b.1), &b.0)));
        let style = self.style;
        for (n, (principal, entries)) in groups.iter().enumerate() {
            if n > 0 {
                writeln!(self.out)?;
            }
            for line in group_lines(principal, entries) {
                writeln!(self.out, "{}", render(&line, style))?;
            }
        }
        self.out.flush()
    }
}

/// How a piece of a line is drawn.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Look {
    Plain,
    Bold,
    Failed,
    Sev(Severity),
}

type Line = Vec<(String, Look)>;

fn plain(text: impl Into<String>) -> (String, Look) {
    (text.into(), Look::Plain)
}

fn pad(text: &str, width: usize) -> String {
    let w = console::measure_text_width(text);
    format!("{text}{}", " ".repeat(width.saturating_sub(w)))
}

fn group_lines(principal: &str, entries: &[Entry]) -> Vec<Line> {
    let mut lines = Vec::new();
    let first = entries.iter().map(|e| e.first_ms).min().unwrap_or(0);
    let last = entries.iter().map(|e| e.last_ms).max().unwrap_or(0);
    let highest = entries
        .iter()
        .map(|e| e.severity)
        .max()
        .unwrap_or(Severity::Info);
    let count = match entries.len() {
        1 => "1 alert".to_owned(),
        n => format!("{n} alerts"),
    };
    lines.push(vec![(principal.to_owned(), Look::Bold)]);
    lines.push(vec![plain(format!(
        "  first seen {}, last seen {}",
        shorten_time(&iso_millis(first)),
        shorten_time(&iso_millis(last)),
    ))]);
    lines.push(vec![
        plain(format!("  {count}, highest ")),
        (highest.name().to_owned(), Look::Sev(highest)),
    ]);
    for e in entries {
        let mut line = vec![
            plain(format!("  {}  ", shorten_time(&iso_millis(e.time_ms)))),
            (e.severity.name().to_owned(), Look::Sev(e.severity)),
            plain(format!(
                "{}  {}",
                " ".repeat(8usize.saturating_sub(e.severity.name().len())),
                e.rule
            )),
        ];
        if let Some(label) = &e.label {
            line.push(plain(format!("  ({label})")));
        }
        lines.push(line);
        let action_w = e.events.iter().map(|l| l.action.len()).max().unwrap_or(0);
        let ip_w = e
            .events
            .iter()
            .map(|l| l.source_ip.len())
            .max()
            .unwrap_or(0);
        for ev in &e.events {
            let mut line = vec![plain(format!(
                "      {}  {}  {}  ",
                ev.time,
                pad(&ev.action, action_w),
                pad(&ev.source_ip, ip_w)
            ))];
            if ev.error.is_empty() {
                line.push(plain("success"));
            } else {
                line.push((format!("failed: {}", ev.error), Look::Failed));
            }
            if !ev.principal.is_empty() && ev.principal != principal {
                line.push(plain(format!("  as {}", ev.principal)));
            }
            lines.push(line);
        }
        if e.more > 0 {
            let noun = if e.more == 1 { "event" } else { "events" };
            lines.push(vec![plain(format!("      … {} more {noun}", e.more))]);
        }
    }
    lines
}

/// Draws a line: cut to the width (the last visible character becomes `…`), then coloured.
fn render(line: &Line, style: TableStyle) -> String {
    let total: usize = line
        .iter()
        .map(|(t, _)| console::measure_text_width(t))
        .sum();
    let mut kept: Vec<(String, Look)> = Vec::new();
    match style.width {
        Some(width) if total > width => {
            let mut room = width.saturating_sub(1);
            for (text, look) in line {
                let w = console::measure_text_width(text);
                if w <= room {
                    kept.push((text.clone(), *look));
                    room -= w;
                } else {
                    let cut = console::truncate_str(text, room, "");
                    kept.push((format!("{cut}…"), *look));
                    break;
                }
            }
        }
        _ => kept.extend(line.iter().cloned()),
    }
    if let Some((last, _)) = kept.last_mut() {
        let trimmed = last.trim_end().len();
        last.truncate(trimmed);
    }
    kept.iter()
        .map(|(text, look)| match look {
            _ if !style.color => text.clone(),
            Look::Plain => text.clone(),
            Look::Bold => console::Style::new()
                .bold()
                .force_styling(true)
                .apply_to(text)
                .to_string(),
            Look::Failed => console::Style::new()
                .red()
                .force_styling(true)
                .apply_to(text)
                .to_string(),
            Look::Sev(sev) => paint(text, *sev),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The text without SGR escape sequences (`ESC [ … m`).
    fn strip(s: &str) -> String {
        let mut out = String::new();
        let mut chars = s.chars();
        while let Some(c) = chars.next() {
            if c == '\u{1b}' {
                for c in chars.by_ref() {
                    if c == 'm' {
                        break;
                    }
                }
            } else {
                out.push(c);
            }
        }
        out
    }

    fn style(width: Option<usize>, color: bool) -> TableStyle {
        TableStyle { width, color }
    }

    #[test]
    fn lines_are_cut_with_an_ellipsis() {
        let line: Line = vec![
            plain("  2024-05-01 10:00:00  "),
            ("high".to_owned(), Look::Sev(Severity::High)),
            plain("      A rather long rule name"),
        ];
        let cases = [
            (
                None,
                "  2024-05-01 10:00:00  high      A rather long rule name",
            ),
            (
                Some(80),
                "  2024-05-01 10:00:00  high      A rather long rule name",
            ),
            (Some(30), "  2024-05-01 10:00:00  high  …"),
            (Some(24), "  2024-05-01 10:00:00  …"),
            (Some(10), "  2024-05…"),
            (Some(1), "…"),
        ];
        for (width, want) in cases {
            let got = render(&line, style(width, false));
            assert_eq!(got, want, "{width:?}");
            if let Some(w) = width {
                assert!(console::measure_text_width(&got) <= w);
            }
        }
    }

    #[test]
    fn other_principals_and_unshown_events_are_named() {
        let ev = |principal: &str, error: &str| EventLine {
            time: "2024-05-01 10:00:00".into(),
            action: "AssumeRole".into(),
            source_ip: "203.0.113.9".into(),
            error: error.into(),
            principal: principal.into(),
        };
        let entry = Entry {
            principal: "arn:bob".into(),
            time_ms: 0,
            first_ms: 0,
            last_ms: 60_000,
            severity: Severity::Low,
            rule: "r".into(),
            label: None,
            id: "1".into(),
            events: vec![ev("arn:bob", ""), ev("arn:eve", "AccessDenied")],
            more: 3,
        };
        let text: Vec<String> = group_lines("arn:bob", &[entry])
            .iter()
            .map(|l| render(l, style(None, false)))
            .collect();
        assert_eq!(
            text,
            [
                "arn:bob",
                "  first seen 1970-01-01 00:00:00, last seen 1970-01-01 00:01:00",
                "  1 alert, highest low",
                "  1970-01-01 00:00:00  low       r",
                "      2024-05-01 10:00:00  AssumeRole  203.0.113.9  success",
                "      2024-05-01 10:00:00  AssumeRole  203.0.113.9  failed: AccessDenied  as arn:eve",
                "      … 3 more events",
            ]
        );
    }

    #[test]
    fn colour_is_applied_after_cutting() {
        let line: Line = vec![
            plain("x "),
            ("critical".to_owned(), Look::Sev(Severity::Critical)),
        ];
        let coloured = render(&line, style(Some(6), true));
        assert!(coloured.contains('\u{1b}'), "{coloured:?}");
        assert_eq!(strip(&coloured), "x cri…");
        assert!(!render(&line, style(None, false)).contains('\u{1b}'));
    }
}

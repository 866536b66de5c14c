//! Plain text tables that fit a terminal: columns shrink (widest first) down to a minimum, and
//! cells that do not fit end in an ellipsis; never a word cut without one.

/// Renders `rows` under `headers`. With `width`, columns shrink to fit it; `min` gives each
/// column's smallest width.
pub fn render(
    headers: &[&str],
    rows: &[Vec<String>],
    min: &[usize],
    width: Option<usize>,
) -> String {
    let n = headers.len();
    let mut widths: Vec<usize> = headers
        .iter()
        .map(|h| console::measure_text_width(h))
        .collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate().take(n) {
            widths[i] = widths[i].max(console::measure_text_width(cell));
        }
    }
    if let Some(total) = width {
        let gaps = 2 * n.saturating_sub(1);
        while widths.iter().sum::<usize>() + gaps > total {
            let Some(widest) = (0..n)
                .filter(|&i| widths[i] > min.get(i).copied().unwrap_or(4))
                .max_by_key(|&i| widths[i])
            else {
                break;
            };
            widths[widest] -= 1;
        }
    }
    let line = |cells: &[String]| -> String {
        let mut out = String::new();
        for (i, w) in widths.iter().enumerate() {
            let cell = cells.get(i).map_or("", String::as_str);
            let text = console::truncate_str(cell, *w, "…");
            out.push_str(&text);
            if i + 1 < n {
                out.push_str(&" ".repeat(w.saturating_sub(console::measure_text_width(&text)) + 2));
            }
        }
        out.trim_end().to_owned()
    };
    let mut out = line(&headers.iter().map(|h| (*h).to_owned()).collect::<Vec<_>>());
    out.push('\n');
    for row in rows {
        out.push_str(&line(row));
        out.push('\n');
    }
    out
}

/// The width of standard output when it is a terminal.
pub fn stdout_width() -> Option<usize> {
    let term = console::Term::stdout();
    if term.is_term() {
        term.size_checked().map(|(_, cols)| usize::from(cols))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fits_and_marks_cuts() {
        let rows = vec![vec![
            "a fairly long rule name that will not fit".to_owned(),
            "x".to_owned(),
        ]];
        let t = render(&["NAME", "V"], &rows, &[8, 1], Some(20));
        for l in t.lines() {
            assert!(console::measure_text_width(l) <= 20, "{l}");
        }
        assert!(t.contains('…'));
        let wide = render(&["NAME", "V"], &rows, &[8, 1], None);
        assert!(wide.contains("will not fit"));
    }
}

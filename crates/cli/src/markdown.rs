//! A small Markdown renderer for investigation guides in a terminal: headings, lists, bold,
//! inline code and links; colour only when asked (never with `NO_COLOR` or off a terminal).

/// Renders `md`. `code` maps an inline code span to extra text shown after it (a field's value).
pub fn render(md: &str, color: bool, code: &dyn Fn(&str) -> Option<String>) -> String {
    let style = |s: console::Style, text: &str| {
        if color {
            s.force_styling(true).apply_to(text).to_string()
        } else {
            text.to_owned()
        }
    };
    let mut out = String::new();
    for line in md.lines() {
        let trimmed = line.trim_start();
        let indent = &line[..line.len() - trimmed.len()];
        if let Some(rest) = trimmed.strip_prefix('#') {
            let level = 1 + rest.chars().take_while(|c| *c == '#').count();
            let text = rest.trim_start_matches('#').trim();
            let text = inline(text, color, code);
            out.push('\n');
            let heading = if level <= 2 {
                style(console::Style::new().bold().underlined(), &text)
            } else {
                style(console::Style::new().bold(), &text)
            };
            out.push_str(&heading);
            out.push('\n');
            continue;
        }
        let (bullet, body) = if let Some(b) = trimmed
            .strip_prefix("- ")
            .or_else(|| trimmed.strip_prefix("* "))
        {
            ("• ", b)
        } else {
            ("", trimmed)
        };
        out.push_str(indent);
        out.push_str(bullet);
        out.push_str(&inline(body, color, code));
        out.push('\n');
    }
    out
}

/// Inline spans: `code`, **bold**, [text](url).
fn inline(text: &str, color: bool, code: &dyn Fn(&str) -> Option<String>) -> String {
    let mut out = String::new();
    let mut rest = text;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('`')
            && let Some(end) = after.find('`')
        {
            let span = &after[..end];
            let shown = if color {
                console::Style::new()
                    .cyan()
                    .force_styling(true)
                    .apply_to(span)
                    .to_string()
            } else {
                format!("`{span}`")
            };
            out.push_str(&shown);
            if let Some(value) = code(span) {
                out.push_str(&format!(" ({value})"));
            }
            rest = &after[end + 1..];
            continue;
        }
        if let Some(after) = rest.strip_prefix("**")
            && let Some(end) = after.find("**")
        {
            let span = &after[..end];
            out.push_str(&if color {
                console::Style::new()
                    .bold()
                    .force_styling(true)
                    .apply_to(span)
                    .to_string()
            } else {
                span.to_owned()
            });
            rest = &after[end + 2..];
            continue;
        }
        if let Some(after) = rest.strip_prefix('[')
            && let Some(close) = after.find("](")
            && let Some(end) = after[close + 2..].find(')')
        {
            let label = &after[..close];
            let url = &after[close + 2..close + 2 + end];
            out.push_str(&format!("{label} <{url}>"));
            rest = &after[close + 3 + end..];
            continue;
        }
        let Some(c) = rest.chars().next() else { break };
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_guides_plainly_without_colour() {
        let md = "## Triage\n- Check `source.ip` and **who** did it.\n- See [docs](https://x).\n### Notes\n  1. indented";
        let value = |f: &str| (f == "source.ip").then(|| "203.0.113.9".to_owned());
        let out = render(md, false, &value);
        assert_eq!(
            out,
            "\nTriage\n• Check `source.ip` (203.0.113.9) and who did it.\n• See docs <https://x>.\n\nNotes\n  1. indented\n"
        );
        assert!(render(md, true, &value).contains('\u{1b}'));
        assert!(!out.contains('\u{1b}'));
    }
}

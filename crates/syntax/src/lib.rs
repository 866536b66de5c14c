//! Source spans and diagnostics shared by every query-language crate.
//!
//! Each `lang-*` crate parses text into an AST whose nodes carry [`Span`]s (byte offsets into the
//! query text) and reports failures as [`Diagnostic`]s: a stable code, a message, the span that is
//! wrong and an optional help line. Nothing here renders to a terminal: the binary turns a
//! diagnostic into a report with file name, line, column and a caret excerpt
//! ([`Diagnostic::render`] gives the plain-text form used in tests and non-terminal output).
//!
//! Spans compare equal regardless of position ([`Span`]'s `PartialEq` is always `true`), so two ASTs
//! that differ only in where they came from are equal; tests compare shapes, not offsets.
#![deny(missing_docs)]

use std::fmt;

/// A byte range `start..end` in a query's source text.
///
/// Equality ignores the range: every `Span` equals every other one, so ASTs can be compared by
/// shape. Use [`Span::range`] when positions matter.
#[derive(Clone, Copy, Default, Eq)]
pub struct Span {
    /// First byte of the range.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl Span {
    /// A span from `start` to `end` (byte offsets).
    pub const fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }

    /// The empty span at `pos`.
    pub const fn at(pos: usize) -> Span {
        Span {
            start: pos,
            end: pos,
        }
    }

    /// The smallest span that covers both.
    pub fn to(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    /// The range as `start..end`.
    pub fn range(self) -> std::ops::Range<usize> {
        self.start..self.end
    }

    /// This span moved `offset` bytes to the right: used when a query is embedded in a larger file
    /// (a TOML string, a YAML block) so that errors point into the file.
    pub fn shifted(self, offset: usize) -> Span {
        Span {
            start: self.start + offset,
            end: self.end + offset,
        }
    }
}

impl PartialEq for Span {
    fn eq(&self, _: &Span) -> bool {
        true
    }
}

impl std::hash::Hash for Span {
    fn hash<H: std::hash::Hasher>(&self, _: &mut H) {}
}

impl fmt::Debug for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}

/// A 1-based line and column (in characters) of a byte offset.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LineCol {
    /// Line number, counted from 1.
    pub line: usize,
    /// Column in Unicode scalar values, counted from 1.
    pub column: usize,
}

impl LineCol {
    /// Line and column of byte `offset` in `text`. Offsets past the end give the position just
    /// after the last character; offsets inside a UTF-8 sequence count that character.
    pub fn of(text: &str, offset: usize) -> LineCol {
        let offset = offset.min(text.len());
        let before = &text.as_bytes()[..offset];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let line_start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |p| p + 1);
        let column = String::from_utf8_lossy(&before[line_start..])
            .chars()
            .count()
            + 1;
        LineCol { line, column }
    }
}

/// A parse or compile error: what is wrong, where, and what to write instead.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Stable identifier such as `eql::unknown_function`; tests assert on it.
    pub code: &'static str,
    /// One-line description of the problem.
    pub message: String,
    /// Where in the query text the problem is.
    pub span: Span,
    /// What the user can do about it, if anything useful can be said.
    pub help: Option<String>,
}

impl Diagnostic {
    /// A diagnostic with no help line.
    pub fn new(code: &'static str, message: impl Into<String>, span: Span) -> Diagnostic {
        Diagnostic {
            code,
            message: message.into(),
            span,
            help: None,
        }
    }

    /// Adds a help line.
    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    /// The same diagnostic with its span moved `offset` bytes right (see [`Span::shifted`]).
    pub fn shifted(mut self, offset: usize) -> Diagnostic {
        self.span = self.span.shifted(offset);
        self
    }

    /// Plain-text rendering: `origin:line:column: message [code]`, the source line, a caret line
    /// under the span, and `help: ...` when present. `text` is the text the span points into.
    pub fn render(&self, origin: &str, text: &str) -> String {
        let pos = LineCol::of(text, self.span.start);
        let mut out = format!(
            "{origin}:{}:{}: {} [{}]\n",
            pos.line, pos.column, self.message, self.code
        );
        let line_start = text[..self.span.start.min(text.len())]
            .rfind('\n')
            .map_or(0, |p| p + 1);
        let line_end = text[line_start..]
            .find('\n')
            .map_or(text.len(), |p| line_start + p);
        let line = &text[line_start..line_end];
        let width = if self.span.end > self.span.start {
            let end = self.span.end.min(line_end).max(self.span.start);
            text.get(self.span.start.min(text.len())..end)
                .map_or(1, |s| s.chars().count().max(1))
        } else {
            1
        };
        out.push_str("  | ");
        out.push_str(line);
        out.push('\n');
        out.push_str("  | ");
        out.push_str(&" ".repeat(pos.column - 1));
        out.push_str(&"^".repeat(width));
        out.push('\n');
        if let Some(help) = &self.help {
            out.push_str("  = help: ");
            out.push_str(help);
            out.push('\n');
        }
        out
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} [{}]", self.message, self.code)
    }
}

impl std::error::Error for Diagnostic {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_lines_and_characters() {
        let text = "ab\ncé d\n";
        assert_eq!(LineCol::of(text, 0), LineCol { line: 1, column: 1 });
        assert_eq!(LineCol::of(text, 3), LineCol { line: 2, column: 1 });
        // "é" is two bytes: the byte after it is column 3.
        assert_eq!(LineCol::of(text, 6), LineCol { line: 2, column: 3 });
        assert_eq!(LineCol::of(text, 100), LineCol { line: 3, column: 1 });
    }

    #[test]
    fn render_points_at_the_span() {
        let text = "any where\n  foo ==== 1";
        let d = Diagnostic::new("eql::syntax", "unexpected `==`", Span::new(18, 20))
            .with_help("use `==`");
        let r = d.render("rule.toml", text);
        assert_eq!(
            r,
            "rule.toml:2:9: unexpected `==` [eql::syntax]\n  |   foo ==== 1\n  |         ^^\n  = help: use `==`\n"
        );
    }

    #[test]
    fn spans_compare_by_shape_only() {
        assert_eq!(Span::new(1, 2), Span::new(5, 9));
        assert_eq!(Span::new(1, 2).to(Span::new(4, 7)).range(), 1..7);
    }
}

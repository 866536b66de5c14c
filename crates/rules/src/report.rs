//! What loading rules produced: rules, rules that cannot run (and why), errors with positions.

use trailhound_engine::{Rule, RuleMeta};
use trailhound_syntax::{Diagnostic, LineCol};

/// A problem in a rule file, located by line and column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleError {
    /// The file.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// Stable code (`kql::unexpected`, `elastic::toml`, `sigma::unknown_modifier`).
    pub code: &'static str,
    /// What is wrong.
    pub message: String,
    /// `file:line:col: message [code]`, the source line and a caret under the problem, and the
    /// help line when there is one.
    pub rendered: String,
}

impl RuleError {
    /// An error at byte `offset` of `text`.
    pub fn at(
        file: &str,
        text: &str,
        offset: usize,
        code: &'static str,
        message: String,
    ) -> RuleError {
        let d = Diagnostic::new(code, message, trailhound_syntax::Span::at(offset));
        RuleError::from_diagnostic(file, text, &d)
    }

    /// A problem with a file as a whole (unreadable, missing, not a rule file): no position.
    pub fn whole_file(file: &str, code: &'static str, message: String) -> RuleError {
        RuleError {
            file: file.to_owned(),
            line: 0,
            column: 0,
            code,
            rendered: format!("{file}: {message} [{code}]\n"),
            message,
        }
    }

    /// A language diagnostic whose span is relative to `offset` in `text` (the query's position
    /// in its rule file).
    pub fn from_query(file: &str, text: &str, offset: usize, d: &Diagnostic) -> RuleError {
        RuleError::from_diagnostic(file, text, &d.clone().shifted(offset))
    }

    /// A diagnostic whose span points into `text`.
    pub fn from_diagnostic(file: &str, text: &str, d: &Diagnostic) -> RuleError {
        let pos = LineCol::of(text, d.span.start);
        RuleError {
            file: file.to_owned(),
            line: pos.line,
            column: pos.column,
            code: d.code,
            message: d.message.clone(),
            rendered: d.render(file, text),
        }
    }
}

impl std::fmt::Display for RuleError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.rendered.trim_end())
    }
}

/// A rule that loaded but cannot run over CloudTrail.
#[derive(Clone, Debug)]
pub struct NotRunnable {
    /// Its metadata.
    pub meta: RuleMeta,
    /// Why.
    pub reason: String,
}

/// Everything loading produced. Nothing is dropped silently: each input rule ends up in
/// exactly one of `rules`, `not_runnable`, `errors` or `duplicates`.
#[derive(Debug, Default)]
pub struct LoadReport {
    /// Compiled rules.
    pub rules: Vec<Rule>,
    /// Rules that cannot run here, with reasons.
    pub not_runnable: Vec<NotRunnable>,
    /// Rules that failed to load or compile.
    pub errors: Vec<RuleError>,
    /// Warnings (unknown fields, suspicious constructs).
    pub warnings: Vec<RuleError>,
    /// Rules skipped because another file already defined their id: (id, kept file, skipped file).
    pub duplicates: Vec<(String, String, String)>,
    /// Rule files found.
    pub files: usize,
}

/// What compiling one rule produced.
#[derive(Debug)]
pub enum RuleOutcome {
    /// A runnable rule and the warnings its compilation raised.
    Rule(Box<Rule>, Vec<RuleError>),
    /// A rule that cannot run here, with the reason.
    NotRunnable(Box<RuleMeta>, String),
    /// A rule that does not compile.
    Error(RuleError),
}

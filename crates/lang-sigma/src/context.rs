//! Shared state while building documents: the source text, options and collected diagnostics.

use trailhound_syntax::Diagnostic;

use crate::LoadOptions;

/// Collects errors and warnings while a file is turned into documents.
pub(crate) struct Ctx<'a> {
    /// The whole file.
    pub source: &'a str,
    /// Caller options (placeholder values).
    pub opts: &'a LoadOptions,
    /// Errors: any makes loading fail.
    pub errors: Vec<Diagnostic>,
    /// Warnings (`sigma::lint_*`): reported, not fatal.
    pub warnings: Vec<Diagnostic>,
}

impl<'a> Ctx<'a> {
    pub fn new(source: &'a str, opts: &'a LoadOptions) -> Ctx<'a> {
        Ctx {
            source,
            opts,
            errors: Vec::new(),
            warnings: Vec::new(),
        }
    }

    /// Records an error.
    pub fn error(&mut self, d: Diagnostic) {
        self.errors.push(d);
    }

    /// Records a warning.
    pub fn warn(&mut self, d: Diagnostic) {
        self.warnings.push(d);
    }

    /// The value, or `None` after recording the error.
    pub fn ok<T>(&mut self, r: Result<T, Diagnostic>) -> Option<T> {
        r.map_err(|d| self.error(d)).ok()
    }
}

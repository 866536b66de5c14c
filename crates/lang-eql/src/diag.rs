//! Constructors for the diagnostics that several modules emit or that carry long help texts.
//! Parser-specific ones are built where they are detected. Codes are stable (`eql::<kind>`);
//! tests assert on them.

use trailhound_syntax::{Diagnostic, Span};

pub(crate) fn unterminated_string(span: Span) -> Diagnostic {
    Diagnostic::new(
        "eql::unterminated_string",
        "unterminated string literal",
        span,
    )
    .with_help("strings end with `\"` on the same line; write a line break as `\\n`")
}

pub(crate) fn unterminated_raw_string(span: Span) -> Diagnostic {
    Diagnostic::new(
        "eql::unterminated_raw_string",
        "unterminated raw string (`\"\"\"...\"\"\"`)",
        span,
    )
    .with_help("raw strings end with `\"\"\"` on the same line")
}

pub(crate) fn invalid_escape(c: char, span: Span) -> Diagnostic {
    Diagnostic::new("eql::invalid_escape", format!("invalid escape sequence `\\{}` in string", c.escape_default()), span)
        .with_help(
            "valid escapes are \\n \\r \\t \\b \\f \\\" \\' \\\\ and \\u{XXXX}; write a literal backslash as `\\\\` \
             or use a raw string \"\"\"...\"\"\"",
        )
}

pub(crate) fn invalid_unicode_escape(what: &str, span: Span) -> Diagnostic {
    Diagnostic::new(
        "eql::invalid_unicode_escape",
        format!("invalid unicode escape: {what}"),
        span,
    )
    .with_help("write a code point as `\\u{XXXX}` with 2 to 8 hex digits, for example `\\u{200f}`")
}

pub(crate) fn single_quoted_string(span: Span) -> Diagnostic {
    Diagnostic::new(
        "eql::single_quoted_string",
        "use double quotes [\"] to define string literals, not single quotes [']",
        span,
    )
    .with_help("Elasticsearch EQL only accepts \"double-quoted\" strings (single quotes are legacy Endgame syntax)")
}

pub(crate) fn legacy_raw_string(span: Span) -> Diagnostic {
    Diagnostic::new(
        "eql::legacy_raw_string",
        "use triple double quotes [\"\"\"] to define unescaped string literals, not `?\"` or `?'`",
        span,
    )
    .with_help("write the raw string as \"\"\"text\"\"\"")
}

pub(crate) fn unterminated_comment(span: Span) -> Diagnostic {
    Diagnostic::new(
        "eql::unterminated_comment",
        "unterminated block comment",
        span,
    )
    .with_help("close the comment with `*/` (block comments nest)")
}

pub(crate) fn invalid_character(c: char, span: Span) -> Diagnostic {
    let d = Diagnostic::new(
        "eql::invalid_character",
        format!("unexpected character `{}`", c.escape_default()),
        span,
    );
    match c {
        '!' => d.with_help(
            "use `not` for negation, `!=` for inequality, and `![ ... ]` for a missing-event step",
        ),
        '&' => d.with_help("use `and`"),
        '~' => d.with_help(
            "`~` only follows a function name (`startsWith~(...)`) or `in`, `like`, `regex`",
        ),
        '\'' => d.with_help("use double quotes for strings"),
        _ => d,
    }
}

pub(crate) fn nesting_too_deep(limit: usize, span: Span) -> Diagnostic {
    Diagnostic::new(
        "eql::nesting_too_deep",
        format!("expression nests deeper than {limit} levels"),
        span,
    )
    .with_help("simplify the query, e.g. replace long `or` chains of `==` with `in (...)`")
}

pub(crate) fn invalid_number(text: &str, span: Span) -> Diagnostic {
    Diagnostic::new(
        "eql::invalid_number",
        format!("number `{text}` is out of range"),
        span,
    )
}

pub(crate) fn assignment(span: Span) -> Diagnostic {
    Diagnostic::new(
        "eql::assignment_operator",
        "`=` is not a comparison operator",
        span,
    )
    .with_help(
        "use `==` for case-sensitive equality or `:` for case-insensitive equality with wildcards",
    )
}

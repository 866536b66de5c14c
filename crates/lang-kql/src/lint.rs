//! Strict-mode checks: text that Kibana accepts as KQL but that is almost certainly Lucene
//! syntax, or an operator that ended up inside a value.
//!
//! Kibana reads `a && b`, `f:[1 TO 5]` and `user=root` as plain values, so such a rule runs and
//! silently matches something else than its author meant. These checks look at the source text
//! of unquoted literals (so an escaped `\or` is never mistaken for a dangling operator).

use crate::ast::{Expr, Literal, ValueExpr};
use crate::scan::is_space;
use trailhound_syntax::Diagnostic;

/// The first strict-mode problem in `expr`, if any. `src` is the text `expr` was parsed from.
pub(crate) fn check(src: &str, expr: &Expr) -> Result<(), Diagnostic> {
    match expr {
        Expr::Or { terms, .. } | Expr::And { terms, .. } => {
            terms.iter().try_for_each(|t| check(src, t))
        }
        Expr::Not { expr, .. } => check(src, expr),
        Expr::Match { field, value, .. } => {
            check_field(src, field)?;
            check_values(src, value)
        }
        Expr::Range { field, value, .. } => {
            check_field(src, field)?;
            check_value(src, value)
        }
        Expr::Nested { field, query, .. } => {
            check_field(src, field)?;
            if let Expr::FreeText { value, .. } = &**query
                && !value.quoted
                && raw(src, value).contains(" TO ")
            {
                return Err(lucene(
                    value,
                    "`field:{a TO b}` is a Lucene range; in KQL it is a nested query",
                )
                .with_help("write `field > a and field < b`"));
            }
            check(src, query)
        }
        Expr::FreeText { value, .. } => {
            check_free_text(src, value)?;
            check_value(src, value)
        }
    }
}

fn raw<'s>(src: &'s str, literal: &Literal) -> &'s str {
    src.get(literal.span.range()).unwrap_or_default()
}

fn lucene(literal: &Literal, message: impl Into<String>) -> Diagnostic {
    Diagnostic::new("kql::lucene_syntax", message, literal.span)
}

fn check_values(src: &str, value: &ValueExpr) -> Result<(), Diagnostic> {
    match value {
        ValueExpr::Or { terms, .. } | ValueExpr::And { terms, .. } => {
            terms.iter().try_for_each(|t| check_values(src, t))
        }
        ValueExpr::Not { value, .. } => check_values(src, value),
        ValueExpr::Value(literal) => check_value(src, literal),
    }
}

fn check_field(src: &str, field: &Literal) -> Result<(), Diagnostic> {
    if field.quoted {
        return Ok(());
    }
    let text = raw(src, field);
    if text == "_exists_" {
        return Err(
            lucene(field, "`_exists_:field` is Lucene syntax").with_help("write `field: *`")
        );
    }
    match text.chars().next() {
        Some('-' | '!') => Err(lucene(
            field,
            "a leading `-` or `!` is Lucene's negation; in KQL it is part of the field name",
        )
        .with_help("write `not field: value`")),
        Some('+') => Err(lucene(
            field,
            "a leading `+` is Lucene's required-clause marker; in KQL it is part of the field name",
        )
        .with_help("drop the `+`: every operand of `and` is required")),
        _ => Ok(()),
    }
}

fn check_value(src: &str, value: &Literal) -> Result<(), Diagnostic> {
    if value.quoted {
        return Ok(());
    }
    let text = raw(src, value);
    let words: Vec<&str> = text.split(is_space).filter(|w| !w.is_empty()).collect();
    if let Some(op) = words.iter().find(|w| **w == "&&" || **w == "||") {
        let kql = if *op == "&&" { "and" } else { "or" };
        return Err(lucene(
            value,
            format!("`{op}` is not a KQL operator; Kibana would search for it as text"),
        )
        .with_help(format!("write `{kql}`")));
    }
    if text.starts_with('[') && text.contains(" TO ") {
        return Err(lucene(
            value,
            "`[a TO b]` is a Lucene range; Kibana would search for it as text",
        )
        .with_help("write `field >= a and field <= b`"));
    }
    if text.len() >= 2 && text.starts_with('\'') && text.ends_with('\'') {
        return Err(Diagnostic::new(
            "kql::lucene_syntax",
            "KQL does not quote with single quotes",
            value.span,
        )
        .with_help("use double quotes; single quotes are searched as part of the value"));
    }
    let is_keyword = |w: &&str| {
        ["and", "or", "not"]
            .iter()
            .any(|k| w.eq_ignore_ascii_case(k))
    };
    let dangling = match (words.first(), words.last()) {
        (Some(first), _) if is_keyword(first) => Some(*first),
        (_, Some(last)) if is_keyword(last) => Some(*last),
        _ => None,
    };
    if let Some(word) = dangling {
        return Err(Diagnostic::new(
            "kql::dangling_keyword",
            format!("`{word}` is read as part of the value `{}`", value.text),
            value.span,
        )
        .with_help(format!(
            "an operator needs a term on each side (`not`: a space after it); to search for the word, quote the value or escape it as `\\{word}`"
        )));
    }
    Ok(())
}

/// `user=root`, `user==root`, `user!=root` without a field: another query language's
/// comparison, searched by Kibana as free text.
fn check_free_text(src: &str, value: &Literal) -> Result<(), Diagnostic> {
    if value.quoted {
        return Ok(());
    }
    let text = raw(src, value);
    let name_len = text
        .char_indices()
        .find(|&(i, c)| {
            !(c.is_ascii_alphanumeric() || (matches!(c, '_' | '.' | '@' | '-') && i > 0))
        })
        .map_or(text.len(), |(i, _)| i);
    let first_ok = text
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || matches!(c, '_' | '@'));
    let after = text[name_len..].trim_start_matches(is_space);
    let negated = after.starts_with("!=");
    if first_ok && (after.starts_with('=') || negated) {
        let name = &text[..name_len];
        let help = if negated {
            format!("write `not {name}: value`")
        } else {
            format!("write `{name}: value`")
        };
        return Err(lucene(
            value,
            "`=` does not compare in KQL; Kibana would search every field for this text",
        )
        .with_help(help));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::{ParseMode, parse, parse_with};

    #[test]
    fn strict_mode_rejects_what_kibana_reads_as_text() {
        let cases: &[(&str, &str, std::ops::Range<usize>)] = &[
            ("a && b", "kql::lucene_syntax", 0..6),
            ("f: a || b", "kql::lucene_syntax", 3..9),
            ("f:[1 TO 5]", "kql::lucene_syntax", 2..10),
            ("f:{1 TO 5}", "kql::lucene_syntax", 3..9),
            ("user=root", "kql::lucene_syntax", 0..9),
            ("user.name == root", "kql::lucene_syntax", 0..17),
            ("user != root", "kql::lucene_syntax", 0..12),
            ("_exists_:f", "kql::lucene_syntax", 0..8),
            ("-f:v", "kql::lucene_syntax", 0..2),
            ("!f:v", "kql::lucene_syntax", 0..2),
            ("+f:v", "kql::lucene_syntax", 0..2),
            ("f: 'v'", "kql::lucene_syntax", 3..6),
            ("f: a or", "kql::dangling_keyword", 3..7),
            ("a and", "kql::dangling_keyword", 0..5),
            ("f: or b", "kql::dangling_keyword", 3..7),
            ("f: not", "kql::dangling_keyword", 3..6),
            ("f: (a or b) and g: x NOT", "kql::dangling_keyword", 19..24),
            ("f < 5 or", "kql::dangling_keyword", 4..8),
        ];
        for (src, code, span) in cases {
            let err = parse(src).expect_err(src);
            assert_eq!(
                (err.code, err.span.range()),
                (*code, span.clone()),
                "{src:?}: {}",
                err.message
            );
            assert!(err.help.is_some(), "{src:?}");
            assert!(
                parse_with(src, ParseMode::Kibana).is_ok(),
                "Kibana accepts {src:?}"
            );
        }
    }

    #[test]
    fn strict_mode_accepts_look_alikes() {
        for src in [
            "f: \"a && b\"",
            "f: *logging*enabled=false*",
            "f: *add=*",
            "f: a \\or",
            "f: \\not",
            "f: \"or\"",
            "f: [a]",
            "user_agent.original: *Terraform*",
            "f: \"'quoted'\"",
            "f: a&&b",
            "\"user=root\"",
            "=x",
            "f: -1",
            "f: oregon and g: android",
        ] {
            assert!(parse(src).is_ok(), "{src:?}: {:?}", parse(src));
        }
    }
}

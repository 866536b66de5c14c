//! Exceptions files (`--exceptions FILE`): conditions, written in any supported query language,
//! that keep events out of the rules they name, as Elastic's exception lists and Datadog's
//! suppression queries do.
//!
//! ```toml
//! [[exception]]
//! name = "Terraform pipeline changes IAM policies"
//! description = "The deploy role applies reviewed Terraform plans."
//! rules = ["AWS IAM policy changed"]          # rule ids or exact names (optional)
//! tags = ["Domain: Cloud"]                    # rule tags (optional)
//! sources = ["datadog"]                       # elastic | datadog | sigma | trailhound (optional)
//! expires = "2025-06-30"                      # date or RFC 3339 time (optional)
//! kql = 'user.name : "github-actions-deploy"' # the condition: kql, eql, datadog and/or sigma
//! ```
//!
//! Scope: each of `rules`, `tags` and `sources` that is given must match (any entry of it); with
//! none given the exception applies to every rule. Conditions: `kql` (over the ECS view, as
//! Elastic's rules see events), `eql` (a condition, `any where` implied, or a whole event query;
//! ECS view), `datadog` (log search syntax over Datadog's attributes), `sigma` (a Sigma
//! `detection` block in YAML, over raw CloudTrail). Several conditions in one exception must all
//! hold. After `expires` the exception is not applied, with a warning: expired exceptions are
//! how forgotten ones come back to light.

use crate::report::RuleError;
use serde::Deserialize;
use toml::Spanned;
use trailhound_engine::{Exception, ExceptionScope, Pred, RuleSource};
use trailhound_event::View;
use trailhound_syntax::Diagnostic;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileToml {
    #[serde(default)]
    exception: Vec<ExceptionToml>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExceptionToml {
    name: Spanned<String>,
    /// For the people who read the file; not used by the engine.
    #[serde(default)]
    #[allow(dead_code)]
    description: Option<String>,
    #[serde(default)]
    rules: Vec<String>,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    sources: Vec<Spanned<String>>,
    #[serde(default)]
    expires: Option<Spanned<String>>,
    #[serde(default)]
    kql: Option<Spanned<String>>,
    #[serde(default)]
    eql: Option<Spanned<String>>,
    #[serde(default)]
    datadog: Option<Spanned<String>>,
    #[serde(default)]
    sigma: Option<Spanned<String>>,
}

/// An exceptions file, compiled.
#[derive(Debug, Default)]
pub struct Exceptions {
    /// The exceptions in force.
    pub active: Vec<Exception>,
    /// Names of exceptions past their expiry date, with the date.
    pub expired: Vec<(String, String)>,
    /// Warnings from compiling the conditions.
    pub warnings: Vec<RuleError>,
}

/// Parses and compiles one exceptions file. `now` decides which exceptions have expired. Every
/// error is reported with its position; a file with any error is rejected as a whole (a
/// half-applied exceptions file would raise alerts its author meant to silence).
pub fn parse(file: &str, text: &str, now: jiff::Timestamp) -> Result<Exceptions, Vec<RuleError>> {
    let parsed: FileToml = toml::from_str(text).map_err(|e| {
        let offset = e.span().map_or(0, |s| s.start);
        vec![RuleError::at(
            file,
            text,
            offset,
            "exceptions::toml",
            e.message().to_owned(),
        )]
    })?;
    let mut out = Exceptions::default();
    let mut errors = Vec::new();
    let mut names = std::collections::HashSet::new();
    for x in parsed.exception {
        let name = x.name.get_ref().trim().to_owned();
        if name.is_empty() || !names.insert(name.clone()) {
            let why = if name.is_empty() {
                "an exception needs a name"
            } else {
                "two exceptions have this name"
            };
            errors.push(RuleError::at(
                file,
                text,
                x.name.span().start,
                "exceptions::name",
                why.into(),
            ));
            continue;
        }
        let mut sources = Vec::new();
        for s in &x.sources {
            match RuleSource::parse(s.get_ref()) {
                Some(src) => sources.push(src),
                None => errors.push(RuleError::at(
                    file,
                    text,
                    s.span().start,
                    "exceptions::source",
                    format!(
                        "unknown rule source `{}` (elastic, datadog, sigma, trailhound)",
                        s.get_ref()
                    ),
                )),
            }
        }
        let mut preds = Vec::new();
        let conditions = [
            ("kql", &x.kql),
            ("eql", &x.eql),
            ("datadog", &x.datadog),
            ("sigma", &x.sigma),
        ];
        for (lang, cond) in conditions {
            let Some(cond) = cond else { continue };
            let offset = crate::elastic::content_offset(text, cond.span());
            match compile(lang, cond.get_ref()) {
                Ok((pred, warnings)) => {
                    preds.push(pred);
                    out.warnings.extend(
                        warnings
                            .iter()
                            .map(|d| RuleError::from_query(file, text, offset, d)),
                    );
                }
                Err(d) => errors.push(RuleError::from_query(file, text, offset, &d)),
            }
        }
        if conditions.iter().all(|(_, c)| c.is_none()) {
            errors.push(RuleError::at(
                file,
                text,
                x.name.span().start,
                "exceptions::no_condition",
                "an exception needs a condition: kql, eql, datadog or sigma".into(),
            ));
            continue;
        }
        if let Some(expires) = &x.expires {
            match crate::duration::parse_instant(expires.get_ref()) {
                Some(t) if t <= now => {
                    out.expired.push((name, expires.get_ref().clone()));
                    continue;
                }
                Some(_) => {}
                None => {
                    errors.push(RuleError::at(
                        file,
                        text,
                        expires.span().start,
                        "exceptions::expires",
                        format!(
                            "`{}` is not a date (2025-06-30) or an RFC 3339 time",
                            expires.get_ref()
                        ),
                    ));
                    continue;
                }
            }
        }
        let pred = if preds.len() == 1 {
            preds.remove(0)
        } else {
            Pred::And(preds)
        };
        let scope = ExceptionScope {
            rules: x.rules,
            tags: x.tags,
            sources,
        };
        out.active.push(Exception { name, pred, scope });
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// Compiles one condition; diagnostic spans point into `text`.
fn compile(lang: &str, text: &str) -> Result<(Pred, Vec<Diagnostic>), Diagnostic> {
    match lang {
        "kql" => {
            let c = trailhound_lang_kql::compile_str(text, View::ECS)?;
            Ok((c.pred, c.warnings))
        }
        "eql" => compile_eql(text),
        "datadog" => {
            let q = trailhound_lang_datadog::parse_query(text)?;
            let c = trailhound_lang_datadog::compile_query(&q)?;
            Ok((c.pred, c.warnings))
        }
        _ => compile_sigma(text),
    }
}

/// An EQL condition, or a whole event query (`any where …`, `iam where …`).
fn compile_eql(text: &str) -> Result<(Pred, Vec<Diagnostic>), Diagnostic> {
    const PREFIX: &str = "any where ";
    let whole = trailhound_lang_eql::parse(text);
    let (query, shift) = match whole {
        Ok(q) => (q, 0),
        Err(first) => match trailhound_lang_eql::parse(&format!("{PREFIX}{text}")) {
            Ok(q) => (q, PREFIX.len()),
            Err(_) if looks_like_query(text) => return Err(first),
            Err(d) => return Err(unshift(d, PREFIX.len())),
        },
    };
    let options = trailhound_lang_eql::CompileOptions::default();
    let c = trailhound_lang_eql::compile(&query, &options).map_err(|d| unshift(d, shift))?;
    let warnings = c.warnings.into_iter().map(|d| unshift(d, shift)).collect();
    match c.plan {
        trailhound_lang_eql::Plan::Event { filter, pipes } if pipes.is_empty() => {
            Ok((filter, warnings))
        }
        _ => Err(Diagnostic::new(
            "exceptions::eql",
            "an exception is a condition on one event: no sequences, samples or pipes",
            trailhound_syntax::Span::new(0, text.len()),
        )),
    }
}

/// `word where …`: the author wrote a whole query, so its own error is the one to show.
fn looks_like_query(text: &str) -> bool {
    let mut words = text.split_whitespace();
    words
        .next()
        .is_some_and(|w| w.chars().all(|c| c.is_alphanumeric() || c == '_'))
        && words.next() == Some("where")
}

fn unshift(mut d: Diagnostic, by: usize) -> Diagnostic {
    d.span = trailhound_syntax::Span::new(
        d.span.start.saturating_sub(by),
        d.span.end.saturating_sub(by),
    );
    d
}

/// A Sigma `detection` block: wrapped in a minimal CloudTrail rule, compiled, and its
/// diagnostics mapped back to the block's own text.
fn compile_sigma(text: &str) -> Result<(Pred, Vec<Diagnostic>), Diagnostic> {
    const HEADER: &str =
        "title: exception\nlogsource:\n  product: aws\n  service: cloudtrail\ndetection:\n";
    const INDENT: usize = 2;
    let mut doc = String::from(HEADER);
    // Where each wrapped line starts in `text`.
    let mut starts = Vec::new();
    let mut pos = 0;
    for line in text.split_inclusive('\n') {
        starts.push((doc.len(), pos));
        doc.push_str("  ");
        doc.push_str(line);
        pos += line.len();
    }
    if !doc.ends_with('\n') {
        doc.push('\n');
    }
    let back = |offset: usize| -> usize {
        match starts.iter().rev().find(|(w, _)| *w <= offset) {
            Some((w, t)) => t + (offset - w).saturating_sub(INDENT),
            None => 0,
        }
    };
    let map = |mut d: Diagnostic| {
        d.span = trailhound_syntax::Span::new(back(d.span.start), back(d.span.end));
        d
    };
    let first_error = |ds: Vec<Diagnostic>| {
        ds.into_iter().next().map(map).unwrap_or_else(|| {
            Diagnostic::new(
                "exceptions::sigma",
                "not a Sigma detection block",
                trailhound_syntax::Span::at(0),
            )
        })
    };
    let file = trailhound_lang_sigma::parse(&doc, &trailhound_lang_sigma::LoadOptions::default())
        .map_err(first_error)?;
    let Some(trailhound_lang_sigma::Document::Rule(rule)) = file.documents.first() else {
        return Err(Diagnostic::new(
            "exceptions::sigma",
            "not a Sigma detection block",
            trailhound_syntax::Span::at(0),
        ));
    };
    let options = trailhound_lang_sigma::CompileOptions {
        pipeline: None,
        semantics: trailhound_lang_sigma::ValueSemantics::Sigma,
    };
    let compiled = trailhound_lang_sigma::compile_rule(rule, &options).map_err(first_error)?;
    if !matches!(compiled.kind, trailhound_lang_sigma::RuleKind::Event) {
        return Err(Diagnostic::new(
            "exceptions::sigma",
            "an exception is a condition on one event: no aggregations",
            trailhound_syntax::Span::new(0, text.len()),
        ));
    }
    Ok((
        compiled.pred,
        compiled.warnings.into_iter().map(map).collect(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::borrow::Cow;
    use trailhound_event::{Event, Origin};

    fn now() -> jiff::Timestamp {
        "2025-01-15T00:00:00Z".parse().expect("time")
    }

    fn event(json: &str) -> Event<'static> {
        let doc: sonic_rs::Value = sonic_rs::from_str(json).expect("JSON");
        Event::new(
            Cow::Owned(json.to_owned()),
            doc,
            Origin {
                source: 0,
                record: 1,
            },
        )
    }

    const CI: &str = r#"{"eventName":"PutRolePolicy","eventSource":"iam.amazonaws.com","awsRegion":"us-east-1","eventTime":"2025-01-10T00:00:00Z","sourceIPAddress":"198.51.100.7","userIdentity":{"type":"AssumedRole","arn":"arn:aws:sts::111122223333:assumed-role/github-actions-deploy/terraform","sessionContext":{"sessionIssuer":{"userName":"github-actions-deploy"}}}}"#;
    const HUMAN: &str = r#"{"eventName":"PutRolePolicy","eventSource":"iam.amazonaws.com","awsRegion":"us-east-1","eventTime":"2025-01-10T00:00:00Z","sourceIPAddress":"203.0.113.9","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/mallory","userName":"mallory"}}"#;

    #[test]
    fn every_language_matches_the_ci_role_only() {
        let conditions = [
            (
                "kql",
                r#"'user.name : "github-actions-deploy" and source.ip : 198.51.100.0/24'"#,
            ),
            ("eql", r#"'user.name == "github-actions-deploy"'"#),
            ("eql", r#"'any where user.name : "GitHub-Actions-Deploy"'"#),
            (
                "datadog",
                r#"'@userIdentity.arn:*github-actions-deploy* @network.client.ip:198.51.100.7'"#,
            ),
            (
                "sigma",
                "'''\nci:\n  userIdentity.arn|contains: ':assumed-role/github-actions-deploy/'\ncondition: ci\n'''",
            ),
        ];
        for (lang, cond) in conditions {
            let text = format!("[[exception]]\nname = \"ci\"\n{lang} = {cond}\n");
            let x = parse("x.toml", &text, now()).unwrap_or_else(|e| panic!("{lang}: {}", e[0]));
            assert_eq!(x.active.len(), 1);
            let pred = &x.active[0].pred;
            assert!(pred.eval(&event(CI)), "{lang} {cond}");
            assert!(!pred.eval(&event(HUMAN)), "{lang} {cond}");
        }
    }

    #[test]
    fn conditions_of_one_exception_all_hold() {
        let text = "[[exception]]\nname = \"both\"\nkql = 'event.action : PutRolePolicy'\ndatadog = '@userIdentity.type:IAMUser'\n";
        let x = parse("x.toml", text, now()).expect("parses");
        assert!(x.active[0].pred.eval(&event(HUMAN)));
        assert!(!x.active[0].pred.eval(&event(CI)));
    }

    #[test]
    fn expiry_is_checked_against_now() {
        let text = "[[exception]]\nname = \"old\"\nexpires = \"2025-01-14\"\nkql = 'a : b'\n\n[[exception]]\nname = \"today\"\nexpires = \"2025-01-15\"\nkql = 'a : b'\n\n[[exception]]\nname = \"timed\"\nexpires = \"2025-01-14T23:59:59Z\"\nkql = 'a : b'\n";
        let x = parse("x.toml", text, now()).expect("parses");
        let active: Vec<&str> = x.active.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(active, ["today"], "a date runs to the end of that day");
        let expired: Vec<&str> = x.expired.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(expired, ["old", "timed"]);
    }

    #[test]
    fn scope_fields_are_kept() {
        let text = "[[exception]]\nname = \"s\"\nrules = [\"AWS IAM policy changed\"]\ntags = [\"t\"]\nsources = [\"datadog\", \"sigma\"]\nkql = 'a : b'\n";
        let x = parse("x.toml", text, now()).expect("parses");
        let scope = &x.active[0].scope;
        assert_eq!(scope.rules, ["AWS IAM policy changed"]);
        assert_eq!(scope.tags, ["t"]);
        assert_eq!(scope.sources, [RuleSource::Datadog, RuleSource::Sigma]);
    }

    /// Errors name the line and column of the problem inside the condition.
    #[test]
    fn errors_point_into_the_file() {
        let cases = [
            (
                "[[exception]]\nname = \"k\"\nkql = 'user.name : (a or'\n",
                3,
                "kql::",
            ),
            (
                "[[exception]]\nname = \"e\"\neql = 'user.name == '\n",
                3,
                "eql::",
            ),
            (
                "[[exception]]\nname = \"d\"\ndatadog = '@a:(b OR'\n",
                3,
                "datadog::",
            ),
            (
                "[[exception]]\nname = \"s\"\nsigma = '''\nsel:\n  a|nosuchmodifier: b\ncondition: sel\n'''\n",
                5,
                "sigma::",
            ),
            (
                "[[exception]]\nname = \"n\"\n",
                2,
                "exceptions::no_condition",
            ),
            (
                "[[exception]]\nname = \"x\"\nsources = [\"splunk\"]\nkql = 'a : b'\n",
                3,
                "exceptions::source",
            ),
            (
                "[[exception]]\nname = \"x\"\nexpires = \"soon\"\nkql = 'a : b'\n",
                3,
                "exceptions::expires",
            ),
            (
                "[[exception]]\nname = \"x\"\nkql = 'a : b'\nwhen = 1\n",
                4,
                "exceptions::toml",
            ),
            (
                "[[exception]]\nname = \"x\"\neql = 'sequence [any where true] [any where true]'\n",
                3,
                "exceptions::eql",
            ),
            (
                "[[exception]]\nname = \"x\"\nkql = 'a : b'\n[[exception]]\nname = \"x\"\nkql = 'a : b'\n",
                5,
                "exceptions::name",
            ),
        ];
        for (text, line, code) in cases {
            let errors = parse("x.toml", text, now()).expect_err(text);
            assert_eq!(errors[0].line, line, "{}", errors[0]);
            assert!(errors[0].code.starts_with(code), "{}", errors[0]);
        }
        // The column of a KQL error is where it is in the file, past `kql = '`.
        let errors = parse(
            "x.toml",
            "[[exception]]\nname = \"k\"\nkql = 'user.name : (a or'\n",
            now(),
        )
        .expect_err("bad");
        assert!(errors[0].column > 8, "{}", errors[0]);
    }
}

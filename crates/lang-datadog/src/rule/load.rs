//! Decoding rule files and parsing every embedded query, condition and template.

use std::fmt::{self, Display, Formatter};

use trailhound_syntax::{Diagnostic, Span};

use super::locate::find_string;
use super::model::{RULE_FIELDS, Rule};
use crate::condition::{Condition, parse_condition};
use crate::search::{Query, parse_query};
use crate::tags::RuleTags;
use crate::template::{Template, parse_template};

/// The serialisation of a rule file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// JSON, as the API returns it.
    Json,
    /// YAML with the same structure.
    Yaml,
}

impl Format {
    /// JSON when the first non-blank character is `{`, YAML otherwise.
    pub fn detect(text: &str) -> Format {
        if text.trim_start().starts_with('{') {
            Format::Json
        } else {
            Format::Yaml
        }
    }
}

/// Why a rule file could not be loaded.
#[derive(Clone, Debug, PartialEq)]
pub enum LoadError {
    /// The file is not valid JSON/YAML, or does not have the shape of a rule.
    Decode {
        /// The format the file was read as.
        format: Format,
        /// 1-based line of the problem (0 when the decoder did not say).
        line: usize,
        /// 1-based column of the problem (0 when the decoder did not say).
        column: usize,
        /// The decoder's message.
        message: String,
    },
    /// The file decoded, but embedded texts (queries, conditions, templates) do not parse.
    Invalid(Vec<FieldError>),
}

impl Display for LoadError {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::Decode {
                format,
                line,
                column,
                message,
            } => {
                write!(f, "{line}:{column}: invalid {format:?} rule: {message}")
            }
            LoadError::Invalid(errors) => {
                for (i, e) in errors.iter().enumerate() {
                    if i > 0 {
                        f.write_str("\n")?;
                    }
                    write!(f, "{}: {}", e.pointer, e.diagnostic)?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for LoadError {}

/// A parse error inside one string field of a rule.
#[derive(Clone, Debug, PartialEq)]
pub struct FieldError {
    /// JSON pointer of the field, e.g. `/queries/0/query` or `/cases/1/condition`.
    pub pointer: String,
    /// The field's text.
    pub text: String,
    /// The error; its span is a byte range of `text`.
    pub diagnostic: Diagnostic,
    /// The same range in the rule file, when it could be located (always for JSON files; for
    /// YAML when the text appears verbatim exactly once in the file).
    pub file_span: Option<Span>,
}

impl FieldError {
    /// Plain-text report: positions in the file when known, otherwise in the field's text.
    pub fn render(&self, origin: &str, file_text: &str) -> String {
        let mut diagnostic = self.diagnostic.clone();
        diagnostic.message = format!("{} (in {})", diagnostic.message, self.pointer);
        match self.file_span {
            Some(span) => Diagnostic { span, ..diagnostic }.render(origin, file_text),
            None => diagnostic.render(&format!("{origin}#{}", self.pointer), &self.text),
        }
    }
}

/// A rule with every embedded language parsed.
#[derive(Clone, Debug, PartialEq)]
pub struct CompiledRule {
    /// The decoded rule.
    pub rule: Rule,
    /// One entry per `rule.queries`, in order.
    pub queries: Vec<CompiledQuery>,
    /// One entry per `rule.cases`, in order.
    pub cases: Vec<CompiledCase>,
    /// The queries of `rule.filters`, in order.
    pub filters: Vec<Query>,
    /// The queries of `rule.third_party_cases` (`None` where a case has none), in order.
    pub third_party_queries: Vec<Option<Query>>,
    /// The rule name as a template (signal titles may use variables).
    pub title: Template,
    /// The notification message.
    pub message: Template,
    /// The rule's tags, sorted.
    pub tags: RuleTags,
}

/// A query with its label.
#[derive(Clone, Debug, PartialEq)]
pub struct CompiledQuery {
    /// The name conditions use: the query's `name`, or `a`, `b`, ... by position.
    pub label: String,
    /// The parsed search; `None` when the query has no `query` (signal correlation).
    pub search: Option<Query>,
}

/// A case with its parsed condition.
#[derive(Clone, Debug, PartialEq)]
pub struct CompiledCase {
    /// `None` when the case has no condition (new value, impossible travel).
    pub condition: Option<Condition>,
}

/// The label of the query at `index` when it has no name: `a`…`z`, then `aa`, `ab`, ...
pub fn positional_label(index: usize) -> String {
    let mut n = index;
    let mut out = Vec::new();
    loop {
        out.push(b'a' + (n % 26) as u8);
        if n < 26 {
            break;
        }
        n = n / 26 - 1;
    }
    out.reverse();
    String::from_utf8_lossy(&out).into_owned()
}

impl Rule {
    /// Decodes a rule without parsing its embedded languages.
    pub fn decode(text: &str, format: Format) -> Result<Rule, LoadError> {
        let decode_error = |line: usize, column: usize, message: String| LoadError::Decode {
            format,
            line,
            column,
            message,
        };
        let (mut rule, value) = match format {
            Format::Json => {
                let rule: Rule = serde_json::from_str(text)
                    .map_err(|e| decode_error(e.line(), e.column(), e.to_string()))?;
                (rule, serde_json::from_str::<serde_json::Value>(text).ok())
            }
            Format::Yaml => {
                let yaml_error = |e: serde_norway::Error| {
                    let (line, column) = e.location().map_or((0, 0), |l| (l.line(), l.column()));
                    decode_error(line, column, e.to_string())
                };
                let rule: Rule = serde_norway::from_str(text).map_err(yaml_error)?;
                (rule, serde_norway::from_str::<serde_json::Value>(text).ok())
            }
        };
        if let Some(serde_json::Value::Object(map)) = value {
            rule.extra = map
                .into_iter()
                .filter(|(k, _)| !RULE_FIELDS.contains(&k.as_str()))
                .collect();
        }
        Ok(rule)
    }

    /// The label of each query, in order (see [`positional_label`]).
    pub fn labels(&self) -> Vec<String> {
        self.queries
            .iter()
            .enumerate()
            .map(|(i, q)| {
                if q.name.is_empty() {
                    positional_label(i)
                } else {
                    q.name.clone()
                }
            })
            .collect()
    }

    /// Parses every query, condition, filter and template of the rule, collecting all errors.
    /// Conditions may only mention labels of this rule's queries (`datadog::unknown_query`).
    pub fn compile(self) -> Result<CompiledRule, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut check = |pointer: String, text: &str, result: Result<(), Diagnostic>| {
            if let Err(diagnostic) = result {
                errors.push(FieldError {
                    pointer,
                    text: text.to_string(),
                    diagnostic,
                    file_span: None,
                });
            }
        };
        let labels = self.labels();
        let mut queries = Vec::new();
        for (i, (q, label)) in self.queries.iter().zip(&labels).enumerate() {
            let search = q.query.as_deref().and_then(|text| {
                let parsed = parse_query(text);
                let query = parsed.as_ref().ok().cloned();
                check(format!("/queries/{i}/query"), text, parsed.map(drop));
                query
            });
            queries.push(CompiledQuery {
                label: label.clone(),
                search,
            });
        }
        let mut cases = Vec::new();
        for (i, case) in self.cases.iter().enumerate() {
            let condition = case.condition.as_deref().and_then(|text| {
                let parsed = parse_condition(text).and_then(|c| check_labels(c, &labels));
                let condition = parsed.as_ref().ok().cloned();
                check(format!("/cases/{i}/condition"), text, parsed.map(drop));
                condition
            });
            cases.push(CompiledCase { condition });
        }
        let mut filters = Vec::new();
        for (i, filter) in self.filters.iter().enumerate() {
            let parsed = parse_query(&filter.query);
            if let Ok(q) = &parsed {
                filters.push(q.clone());
            }
            check(
                format!("/filters/{i}/query"),
                &filter.query,
                parsed.map(drop),
            );
        }
        let mut third_party_queries = Vec::new();
        for (i, case) in self.third_party_cases.iter().enumerate() {
            third_party_queries.push(case.query.as_deref().and_then(|text| {
                let parsed = parse_query(text);
                let query = parsed.as_ref().ok().cloned();
                check(
                    format!("/thirdPartyCases/{i}/query"),
                    text,
                    parsed.map(drop),
                );
                query
            }));
        }
        let title = parse_template(&self.name);
        check(
            "/name".to_string(),
            &self.name,
            title.as_ref().map(drop).map_err(Clone::clone),
        );
        let message = parse_template(&self.message);
        check(
            "/message".to_string(),
            &self.message,
            message.as_ref().map(drop).map_err(Clone::clone),
        );
        match (title, message) {
            (Ok(title), Ok(message)) if errors.is_empty() => {
                let tags = RuleTags::parse(&self.tags);
                Ok(CompiledRule {
                    rule: self,
                    queries,
                    cases,
                    filters,
                    third_party_queries,
                    title,
                    message,
                    tags,
                })
            }
            _ => Err(errors),
        }
    }
}

fn check_labels(condition: Condition, labels: &[String]) -> Result<Condition, Diagnostic> {
    if let Some((label, span)) = condition
        .labels()
        .into_iter()
        .find(|(l, _)| !labels.iter().any(|k| k == l))
    {
        let known = labels
            .iter()
            .map(|l| format!("`{l}`"))
            .collect::<Vec<_>>()
            .join(", ");
        return Err(Diagnostic::new(
            "datadog::unknown_query",
            format!("no query is labelled `{label}`"),
            span,
        )
        .with_help(format!("this rule's query labels are {known}")));
    }
    Ok(condition)
}

/// Decodes a rule file and parses everything in it. Errors in embedded texts carry spans into
/// the file (see [`FieldError::file_span`]).
pub fn load_rule(text: &str, format: Format) -> Result<CompiledRule, LoadError> {
    let rule = Rule::decode(text, format)?;
    rule.compile().map_err(|errors| {
        LoadError::Invalid(
            errors
                .into_iter()
                .map(|mut e| {
                    e.file_span = locate(text, format, &e);
                    e
                })
                .collect(),
        )
    })
}

fn locate(file: &str, format: Format, error: &FieldError) -> Option<Span> {
    let span = error.diagnostic.span;
    match format {
        Format::Json => {
            let literal = find_string(file, &error.pointer)?;
            Some(Span::new(
                literal.file_offset(span.start),
                literal.file_offset(span.end),
            ))
        }
        Format::Yaml => {
            let mut hits = file.match_indices(error.text.as_str());
            match (hits.next(), hits.next()) {
                (Some((start, _)), None)
                    if !error.text.is_empty() && !error.text.contains('\n') =>
                {
                    Some(span.shifted(start))
                }
                _ => None,
            }
        }
    }
}

//! Rule metadata (`title`, `id`, `tags`, ...) and `logsource`.

use std::fmt;

use trailhound_syntax::{Diagnostic, Span};

use crate::context::Ctx;
use crate::matcher::Spanned;
use crate::yaml::{Yaml, YamlNode};

/// `level`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// `informational`
    Informational,
    /// `low`
    Low,
    /// `medium`
    Medium,
    /// `high`
    High,
    /// `critical`
    Critical,
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Level::Informational => "informational",
            Level::Low => "low",
            Level::Medium => "medium",
            Level::High => "high",
            Level::Critical => "critical",
        })
    }
}

/// One `related` entry.
#[derive(Clone, Debug, PartialEq)]
pub struct Related {
    /// The related rule's id.
    pub id: Spanned<String>,
    /// `derived`, `obsolete`, `merged`, `renamed` or `similar`.
    pub kind: Spanned<String>,
}

/// Metadata common to rules, correlations and filters. Every key not listed here is kept in
/// [`Metadata::custom`].
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Metadata {
    /// `title` (mandatory).
    pub title: Spanned<String>,
    /// `id`.
    pub id: Option<Spanned<String>>,
    /// `name` (referenced by correlations).
    pub name: Option<Spanned<String>>,
    /// `taxonomy`.
    pub taxonomy: Option<Spanned<String>>,
    /// `status` (kept as written; unknown values are warned about).
    pub status: Option<Spanned<String>>,
    /// `description`.
    pub description: Option<Spanned<String>>,
    /// `license`.
    pub license: Option<Spanned<String>>,
    /// `author`.
    pub author: Option<Spanned<String>>,
    /// `references`.
    pub references: Vec<Spanned<String>>,
    /// `date` (as written).
    pub date: Option<Spanned<String>>,
    /// `modified` (as written).
    pub modified: Option<Spanned<String>>,
    /// `tags`.
    pub tags: Vec<Spanned<String>>,
    /// `related`.
    pub related: Vec<Related>,
    /// `falsepositives` (a single string becomes a one-element list).
    pub falsepositives: Vec<Spanned<String>>,
    /// `level`.
    pub level: Option<Spanned<Level>>,
    /// `fields`.
    pub fields: Vec<Spanned<String>>,
    /// `scope`.
    pub scope: Vec<Spanned<String>>,
    /// Every other top-level key, in document order.
    pub custom: Vec<(String, YamlNode)>,
}

impl Default for Spanned<String> {
    fn default() -> Self {
        Spanned::new(String::new(), Span::default())
    }
}

/// `logsource`.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct LogSource {
    /// `category`.
    pub category: Option<Spanned<String>>,
    /// `product`.
    pub product: Option<Spanned<String>>,
    /// `service`.
    pub service: Option<Spanned<String>>,
    /// `definition` (free text for readers).
    pub definition: Option<Spanned<String>>,
    /// Other keys.
    pub custom: Vec<(String, YamlNode)>,
    /// Position.
    pub span: Span,
}

impl LogSource {
    /// The value of `category`, `product` or `service`.
    pub fn get(&self, key: &str) -> Option<&str> {
        match key {
            "category" => self.category.as_ref(),
            "product" => self.product.as_ref(),
            "service" => self.service.as_ref(),
            "definition" => self.definition.as_ref(),
            _ => None,
        }
        .map(|s| s.value.as_str())
    }
}

const META_KEYS: [&str; 18] = [
    "title",
    "id",
    "name",
    "taxonomy",
    "status",
    "description",
    "license",
    "author",
    "references",
    "date",
    "modified",
    "tags",
    "related",
    "falsepositives",
    "level",
    "fields",
    "scope",
    "action",
];

/// Scalars (strings, numbers, booleans) as text; anything else is an error.
pub(crate) fn scalar(ctx: &mut Ctx<'_>, node: &YamlNode, what: &str) -> Option<Spanned<String>> {
    match (&node.value, node.scalar_text()) {
        (Yaml::Null, _) => None,
        (_, Some(t)) => Some(Spanned::new(t.to_string(), node.span)),
        _ => {
            ctx.error(Diagnostic::new(
                "sigma::wrong_type",
                format!("`{what}` must be a string, not {}", node.kind_name()),
                node.span,
            ));
            None
        }
    }
}

/// A string or list of strings as a list.
pub(crate) fn scalar_list(ctx: &mut Ctx<'_>, node: &YamlNode, what: &str) -> Vec<Spanned<String>> {
    match &node.value {
        Yaml::Seq(items) => items.iter().filter_map(|i| scalar(ctx, i, what)).collect(),
        _ => scalar(ctx, node, what).into_iter().collect(),
    }
}

/// Reads the metadata keys of a document; `extra` lists the document kind's own keys, which
/// are not custom.
pub(crate) fn build_metadata(ctx: &mut Ctx<'_>, doc: &YamlNode, extra: &[&str]) -> Metadata {
    let mut m = Metadata::default();
    let get = |k: &str| doc.get(k);
    match get("title").and_then(|t| scalar(ctx, t, "title")) {
        Some(t) => m.title = t,
        None => ctx.error(Diagnostic::new(
            "sigma::missing_key",
            "the document has no `title`",
            Span::at(doc.span.start),
        )),
    }
    if m.title.value.chars().count() > 256 {
        ctx.warn(Diagnostic::new(
            "sigma::lint_long_title",
            "titles are limited to 256 characters",
            m.title.span,
        ));
    }
    let one = |ctx: &mut Ctx<'_>, k: &str| get(k).and_then(|n| scalar(ctx, n, k));
    m.id = one(ctx, "id");
    m.name = one(ctx, "name");
    m.taxonomy = one(ctx, "taxonomy");
    m.status = one(ctx, "status");
    m.description = one(ctx, "description");
    m.license = one(ctx, "license");
    m.author = one(ctx, "author");
    m.date = one(ctx, "date");
    m.modified = one(ctx, "modified");
    let many =
        |ctx: &mut Ctx<'_>, k: &str| get(k).map(|n| scalar_list(ctx, n, k)).unwrap_or_default();
    m.references = many(ctx, "references");
    m.tags = many(ctx, "tags");
    m.falsepositives = many(ctx, "falsepositives");
    m.fields = many(ctx, "fields");
    m.scope = many(ctx, "scope");
    if let Some(level) = one(ctx, "level") {
        let l = match level.value.as_str() {
            "informational" => Some(Level::Informational),
            "low" => Some(Level::Low),
            "medium" => Some(Level::Medium),
            "high" => Some(Level::High),
            "critical" => Some(Level::Critical),
            _ => None,
        };
        match l {
            Some(l) => m.level = Some(Spanned::new(l, level.span)),
            None => ctx.error(
                Diagnostic::new(
                    "sigma::unknown_level",
                    format!("unknown level `{}`", level.value),
                    level.span,
                )
                .with_help("one of informational, low, medium, high, critical"),
            ),
        }
    }
    if let Some(s) = &m.status
        && ![
            "stable",
            "test",
            "experimental",
            "deprecated",
            "unsupported",
        ]
        .contains(&s.value.as_str())
    {
        ctx.warn(
            Diagnostic::new(
                "sigma::lint_unknown_status",
                format!("unknown status `{}`", s.value),
                s.span,
            )
            .with_help("one of stable, test, experimental, deprecated, unsupported"),
        );
    }
    for d in [&m.date, &m.modified].into_iter().flatten() {
        if !is_date(&d.value) {
            ctx.warn(Diagnostic::new(
                "sigma::lint_date",
                format!("`{}` is not a date in YYYY-MM-DD form", d.value),
                d.span,
            ));
        }
    }
    if let Some(id) = &m.id
        && !is_uuid(&id.value)
    {
        ctx.warn(Diagnostic::new(
            "sigma::lint_id",
            format!("`{}` is not a UUID", id.value),
            id.span,
        ));
    }
    if let Some(rel) = get("related") {
        m.related = build_related(ctx, rel);
    }
    if let Some(entries) = doc.as_map() {
        for (k, v) in entries {
            let key = k.scalar_text().unwrap_or_default();
            if !META_KEYS.contains(&key) && !extra.contains(&key) {
                m.custom.push((key.to_string(), v.clone()));
            }
        }
    }
    m
}

fn build_related(ctx: &mut Ctx<'_>, node: &YamlNode) -> Vec<Related> {
    let Yaml::Seq(items) = &node.value else {
        ctx.error(Diagnostic::new(
            "sigma::wrong_type",
            "`related` must be a list of {id, type}",
            node.span,
        ));
        return Vec::new();
    };
    let mut out = Vec::new();
    for item in items {
        let id = item.get("id").and_then(|n| scalar(ctx, n, "related id"));
        let kind = item
            .get("type")
            .and_then(|n| scalar(ctx, n, "related type"));
        match (id, kind) {
            (Some(id), Some(kind)) => {
                if !["derived", "obsolete", "merged", "renamed", "similar"]
                    .contains(&kind.value.as_str())
                {
                    ctx.warn(Diagnostic::new("sigma::lint_related_type", format!("unknown related type `{}`", kind.value), kind.span)
                        .with_help("one of derived, obsolete, merged, renamed, similar (`obsoletes` became `obsolete` in v2)"));
                }
                out.push(Related { id, kind });
            }
            _ => ctx.error(Diagnostic::new(
                "sigma::wrong_type",
                "each `related` entry needs `id` and `type`",
                item.span,
            )),
        }
    }
    out
}

/// `YYYY-MM-DD` (specification v2) or `YYYY/MM/DD` (v1, still accepted by pySigma).
fn is_date(s: &str) -> bool {
    let parts: Vec<&str> = s.split(['-', '/']).collect();
    let num = |p: &str, min: usize, max: usize| {
        p.len() >= min && p.len() <= max && p.bytes().all(|b| b.is_ascii_digit())
    };
    matches!(parts.as_slice(), [y, m, d] if num(y, 4, 4) && num(m, 1, 2) && num(d, 1, 2))
}

fn is_uuid(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    let lens = [8, 4, 4, 4, 12];
    groups.len() == 5
        && groups
            .iter()
            .zip(lens)
            .all(|(g, l)| g.len() == l && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Reads `logsource`.
pub(crate) fn build_logsource(ctx: &mut Ctx<'_>, node: &YamlNode) -> Option<LogSource> {
    let Some(entries) = node.as_map() else {
        ctx.error(Diagnostic::new(
            "sigma::wrong_type",
            format!("`logsource` must be a mapping, not {}", node.kind_name()),
            node.span,
        ));
        return None;
    };
    let mut ls = LogSource {
        span: node.span,
        ..LogSource::default()
    };
    for (k, v) in entries {
        let key = k.scalar_text().unwrap_or_default();
        let slot = match key {
            "category" => &mut ls.category,
            "product" => &mut ls.product,
            "service" => &mut ls.service,
            "definition" => &mut ls.definition,
            _ => {
                ls.custom.push((key.to_string(), v.clone()));
                continue;
            }
        };
        *slot = scalar(ctx, v, key);
    }
    if ls.category.is_none() && ls.product.is_none() && ls.service.is_none() {
        ctx.error(Diagnostic::new(
            "sigma::empty_logsource",
            "`logsource` needs a category, product or service",
            node.span,
        ));
        return None;
    }
    Some(ls)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_and_uuid_shapes() {
        for (s, ok) in [
            ("2020-02-11", true),
            ("2020/2/1", true),
            ("20-02-11", false),
            ("2020-02", false),
            ("soon", false),
        ] {
            assert_eq!(is_date(s), ok, "{s}");
        }
        assert!(is_uuid("26ff4080-194e-47e7-9889-ef7602efed0c"));
        assert!(!is_uuid("26ff4080-194e-47e7-9889"));
    }
}

//! Field-name mappings and placeholder values: a minimal form of pySigma's processing
//! pipelines (`field_name_mapping` / `value_placeholders`).
//!
//! A pipeline file is YAML with one or more documents. Each document may have:
//!
//! ```yaml
//! logsource:                 # optional: the mappings below apply only to documents whose
//!   product: aws             #   logsource has all of these values (category/product/service)
//!   service: cloudtrail
//! field_mappings:            # rule field name -> event field name (one to one)
//!   src_ip: sourceIPAddress
//!   src_country: additionalEventData.country
//! placeholders:              # values for `|expand` placeholders (%name%), any document
//!   Legitimate_Countries: [US, DE]
//!   Legitimate_IP_Ranges: ['10.*', '192.168.*']
//! ```
//!
//! Mappings rename: detection item fields, `|fieldref` targets, legacy aggregation fields, the
//! `fields` list, and (for correlations, which have no logsource, only from documents without a
//! `logsource`) `group-by`, `condition.field` and alias target fields. The first document whose
//! logsource matches and that maps a name wins; renamed names are not mapped again.
//! Placeholder values are Sigma strings (wildcards live, `\` escapes as usual); a name given in
//! two documents is an error.

use std::collections::BTreeMap;

use trailhound_syntax::{Diagnostic, Span};

use crate::LoadOptions;
use crate::condition::Aggregation;
use crate::document::Document;
use crate::matcher::{Matcher, Spanned};
use crate::meta::LogSource;
use crate::yaml::{Yaml, YamlNode, load_stream};

/// One document of a pipeline file.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct MappingBlock {
    /// Required logsource attributes (`category`, `product`, `service`) → value; empty = always.
    pub logsource: Vec<(String, String)>,
    /// Field name → replacement, in file order.
    pub fields: Vec<(String, String)>,
}

impl MappingBlock {
    fn applies_to(&self, ls: Option<&LogSource>) -> bool {
        match ls {
            Some(ls) => self
                .logsource
                .iter()
                .all(|(k, v)| ls.get(k) == Some(v.as_str())),
            None => self.logsource.is_empty(),
        }
    }
}

/// A parsed pipeline file.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Pipeline {
    /// Mapping documents, in file order.
    pub blocks: Vec<MappingBlock>,
    /// Placeholder values.
    pub placeholders: BTreeMap<String, Vec<String>>,
}

fn text(node: &YamlNode) -> Option<String> {
    match node.value {
        Yaml::Seq(_) | Yaml::Map(_) | Yaml::Null => None,
        _ => node.scalar_text().map(str::to_string),
    }
}

/// Parses a pipeline file.
pub fn parse_pipeline(source: &str) -> Result<Pipeline, Vec<Diagnostic>> {
    let docs = load_stream(source).map_err(|d| vec![d])?;
    let mut errors = Vec::new();
    let mut p = Pipeline::default();
    let mut seen: BTreeMap<String, Span> = BTreeMap::new();
    for doc in docs.into_iter().flatten() {
        let Some(entries) = doc.as_map() else {
            errors.push(Diagnostic::new(
                "sigma::mapping",
                "a pipeline document must be a mapping",
                doc.span,
            ));
            continue;
        };
        let mut block = MappingBlock::default();
        for (k, v) in entries {
            match k.scalar_text().unwrap_or_default() {
                "logsource" => match v.as_map() {
                    Some(ls) => {
                        for (lk, lv) in ls {
                            let key = lk.scalar_text().unwrap_or_default();
                            match (["category", "product", "service"].contains(&key), text(lv)) {
                                (true, Some(val)) => block.logsource.push((key.to_string(), val)),
                                (false, _) => errors.push(
                                    Diagnostic::new(
                                        "sigma::mapping",
                                        format!("unknown logsource attribute `{key}`"),
                                        lk.span,
                                    )
                                    .with_help("use category, product or service"),
                                ),
                                (true, None) => errors.push(Diagnostic::new(
                                    "sigma::mapping",
                                    "a logsource value must be a string",
                                    lv.span,
                                )),
                            }
                        }
                    }
                    None => errors.push(Diagnostic::new(
                        "sigma::mapping",
                        "`logsource` must be a mapping",
                        v.span,
                    )),
                },
                "field_mappings" => match v.as_map() {
                    Some(fm) => {
                        for (from, to) in fm {
                            match text(to) {
                                Some(t) => block
                                    .fields
                                    .push((from.scalar_text().unwrap_or_default().to_string(), t)),
                                None => errors.push(
                                    Diagnostic::new(
                                        "sigma::mapping",
                                        "a field maps to one field name",
                                        to.span,
                                    )
                                    .with_help("one-to-many mappings are not supported"),
                                ),
                            }
                        }
                    }
                    None => errors.push(Diagnostic::new(
                        "sigma::mapping",
                        "`field_mappings` must be a mapping",
                        v.span,
                    )),
                },
                "placeholders" => match v.as_map() {
                    Some(ph) => {
                        for (name, vals) in ph {
                            let key = name.scalar_text().unwrap_or_default().to_string();
                            let items: Vec<&YamlNode> = match &vals.value {
                                Yaml::Seq(items) => items.iter().collect(),
                                _ => vec![vals],
                            };
                            let values: Option<Vec<String>> = items.into_iter().map(text).collect();
                            match (values, seen.get(&key)) {
                                (_, Some(_)) => errors.push(Diagnostic::new(
                                    "sigma::mapping",
                                    format!("placeholder `{key}` is defined twice"),
                                    name.span,
                                )),
                                (Some(v), None) => {
                                    seen.insert(key.clone(), name.span);
                                    p.placeholders.insert(key, v);
                                }
                                (None, None) => errors.push(Diagnostic::new(
                                    "sigma::mapping",
                                    "placeholder values must be strings or numbers",
                                    vals.span,
                                )),
                            }
                        }
                    }
                    None => errors.push(Diagnostic::new(
                        "sigma::mapping",
                        "`placeholders` must be a mapping",
                        v.span,
                    )),
                },
                other => errors.push(
                    Diagnostic::new(
                        "sigma::mapping",
                        format!("unknown pipeline key `{other}`"),
                        k.span,
                    )
                    .with_help("use logsource, field_mappings, placeholders"),
                ),
            }
        }
        if !block.fields.is_empty() || !block.logsource.is_empty() {
            p.blocks.push(block);
        }
    }
    if errors.is_empty() {
        Ok(p)
    } else {
        Err(errors)
    }
}

impl Pipeline {
    /// Load options carrying this pipeline's placeholder values.
    pub fn load_options(&self) -> LoadOptions {
        LoadOptions {
            placeholders: self.placeholders.clone(),
        }
    }

    /// The replacement of `field` for documents with logsource `ls`.
    pub fn map_field(&self, ls: Option<&LogSource>, field: &str) -> Option<&str> {
        self.blocks
            .iter()
            .filter(|b| b.applies_to(ls))
            .find_map(|b| {
                b.fields
                    .iter()
                    .find(|(f, _)| f == field)
                    .map(|(_, t)| t.as_str())
            })
    }

    /// Renames fields in a document (see the module documentation for which names).
    pub fn apply(&self, doc: &mut Document) {
        match doc {
            Document::Rule(r) => {
                let ls = r.logsource.clone();
                self.apply_detection(Some(&ls), &mut r.detection);
                self.rename_all(Some(&ls), &mut r.meta.fields);
            }
            Document::Filter(f) => {
                let ls = f.logsource.clone();
                self.apply_detection(Some(&ls), &mut f.detection);
            }
            Document::Correlation(c) => {
                let corr = &mut c.correlation;
                self.rename_all(None, &mut corr.group_by);
                self.rename_all(None, &mut corr.condition.fields);
                for alias in &mut corr.aliases {
                    for (_, field) in &mut alias.fields {
                        self.rename(None, field);
                    }
                }
            }
        }
    }

    fn rename(&self, ls: Option<&LogSource>, s: &mut Spanned<String>) {
        if let Some(t) = self.map_field(ls, &s.value) {
            s.value = t.to_string();
        }
    }

    fn rename_all(&self, ls: Option<&LogSource>, list: &mut [Spanned<String>]) {
        list.iter_mut().for_each(|s| self.rename(ls, s));
    }

    fn rename_opt(&self, ls: Option<&LogSource>, s: &mut Option<String>) {
        if let Some(t) = s.as_deref().and_then(|f| self.map_field(ls, f)) {
            *s = Some(t.to_string());
        }
    }

    fn apply_detection(&self, ls: Option<&LogSource>, det: &mut crate::detection::Detection) {
        for item in det.items_mut() {
            self.rename_opt(ls, &mut item.key.field);
            if let Matcher::FieldRef(fr) = &mut item.matcher {
                self.rename_all(ls, &mut fr.fields);
            }
        }
        for c in &mut det.conditions {
            if let Some(Aggregation::Function {
                field, group_by, ..
            }) = &mut c.aggregation
            {
                self.rename_opt(ls, field);
                self.rename_opt(ls, group_by);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pipeline_format() {
        let text = "logsource: {product: aws}\nfield_mappings:\n  src_ip: sourceIPAddress\n---\nfield_mappings: {src_ip: other, user: userIdentity.arn}\nplaceholders:\n  A: [x, 1]\n  B: y\n";
        let p = parse_pipeline(text).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(p.blocks.len(), 2);
        let aws = LogSource {
            product: Some(Spanned::new("aws".into(), Span::default())),
            ..LogSource::default()
        };
        let gcp = LogSource {
            product: Some(Spanned::new("gcp".into(), Span::default())),
            ..LogSource::default()
        };
        assert_eq!(p.map_field(Some(&aws), "src_ip"), Some("sourceIPAddress"));
        assert_eq!(p.map_field(Some(&gcp), "src_ip"), Some("other"));
        assert_eq!(p.map_field(None, "user"), Some("userIdentity.arn"));
        assert_eq!(p.map_field(Some(&aws), "nope"), None);
        assert_eq!(
            p.placeholders.get("A"),
            Some(&vec!["x".to_string(), "1".to_string()])
        );
        assert_eq!(p.placeholders.get("B"), Some(&vec!["y".to_string()]));
    }

    #[test]
    fn pipeline_errors() {
        let cases = [
            (
                "field_mappings: {a: [b, c]}\n",
                "a field maps to one field name",
            ),
            (
                "fieldmappings: {a: b}\n",
                "unknown pipeline key `fieldmappings`",
            ),
            (
                "logsource: {os: linux}\n",
                "unknown logsource attribute `os`",
            ),
            (
                "placeholders: {A: x}\n---\nplaceholders: {A: y}\n",
                "placeholder `A` is defined twice",
            ),
            (
                "placeholders: {A: [{x: 1}]}\n",
                "placeholder values must be strings or numbers",
            ),
        ];
        for (text, msg) in cases {
            let errs = parse_pipeline(text).err().unwrap_or_default();
            assert_eq!(
                errs.first().map(|d| d.message.as_str()),
                Some(msg),
                "{text}"
            );
        }
    }
}

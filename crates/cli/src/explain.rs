//! `trailhound explain ALERT_ID --alerts FILE`: an alert's investigation guide with the values
//! of the triggering event filled in, and its investigation fields.

use crate::args::ExplainArgs;
use crate::hunt::{load_options, load_rules};
use crate::{Fatal, markdown, text_table};
use std::borrow::Cow;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use trailhound_event::{Event, View};

/// Finds an alert by id (or unique prefix) in a JSON Lines file.
fn find_alert(path: &std::path::Path, id: &str) -> Result<serde_json::Value, Fatal> {
    let text =
        std::fs::read_to_string(path).map_err(|e| Fatal(format!("{}: {e}", path.display())))?;
    let mut found = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let alert: serde_json::Value = serde_json::from_str(line).map_err(|e| {
            Fatal(format!(
                "{}:{}: not an alert document: {e}",
                path.display(),
                n + 1
            ))
        })?;
        if alert["alert"]["id"]
            .as_str()
            .is_some_and(|a| a.starts_with(id))
        {
            found.push(alert);
        }
    }
    match found.len() {
        1 => Ok(found.remove(0)),
        0 => Err(Fatal(format!(
            "no alert with id {id} in {}",
            path.display()
        ))),
        n => Err(Fatal(format!(
            "{n} alerts start with {id}; give more of the id"
        ))),
    }
}

/// Replaces `{{field}}` with the field's value in the event (through the rule's view); names
/// with no value are left visible as `{{field}}`.
/// `{{field}}` placeholders replaced by the event's values, or else by the alert's own columns
/// (`extra`: ES|QL result columns, group-by values); unknown ones stay visible.
pub fn fill(template: &str, ev: &Event<'_>, view: View, extra: &serde_json::Value) -> String {
    let mut out = String::new();
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else {
            out.push_str(&rest[start..]);
            return out;
        };
        let name = after[..end].trim();
        let values: Vec<String> = view
            .resolve(name)
            .field
            .values(ev)
            .iter()
            .filter_map(|v| v.to_text())
            .collect();
        let column = ["fields", "group"]
            .iter()
            .find_map(|k| extra[*k].get(name))
            .filter(|v| !v.is_null())
            .map(|v| match v {
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Array(items) => items
                    .iter()
                    .map(|i| i.as_str().map_or_else(|| i.to_string(), str::to_owned))
                    .collect::<Vec<_>>()
                    .join(", "),
                other => other.to_string(),
            });
        if let (true, Some(c)) = (values.is_empty(), &column) {
            out.push_str(c);
        } else if values.is_empty() {
            out.push_str(&rest[start..start + 2 + end + 2]);
        } else {
            out.push_str(&values.join(", "));
        }
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    out
}

fn view_of(source: &str) -> View {
    match source {
        "elastic" => View::ECS,
        "datadog" => View::Datadog,
        _ => View::Raw,
    }
}

pub fn explain(args: ExplainArgs) -> Result<ExitCode, Fatal> {
    let alert = find_alert(&args.alerts, &args.id)?;
    let rule_id = alert["rule"]["id"].as_str().unwrap_or_default();
    let source = alert["rule"]["source"].as_str().unwrap_or_default();
    let file = alert["rule"]["file"].as_str().unwrap_or_default();
    let view = view_of(source);
    let raw = alert["events"]
        .get(0)
        .map(|e| e.to_string())
        .unwrap_or_else(|| "{}".to_owned());
    let doc: sonic_rs::Value = sonic_rs::from_str(&raw).map_err(|e| Fatal(e.to_string()))?;
    let ev = Event::new(Cow::Owned(raw.clone()), doc, Default::default());

    // The rule's guide: from --rules, from the file the alert names, or from the pack.
    let paths: Vec<PathBuf> = if !args.rules.is_empty() {
        args.rules.clone()
    } else if !file.starts_with("<bundled>") && std::path::Path::new(file).exists() {
        vec![PathBuf::from(file)]
    } else {
        Vec::new()
    };
    let report = load_rules(&paths, &load_options(args.sigma_mapping.as_deref())?);
    let meta = report
        .rules
        .iter()
        .map(|r| &*r.meta)
        .find(|m| m.id == rule_id && m.source.map(|s| s.name()) == Some(source))
        .cloned();
    let color = std::io::stdout().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let bold = |t: &str| {
        if color {
            console::Style::new()
                .bold()
                .force_styling(true)
                .apply_to(t)
                .to_string()
        } else {
            t.to_owned()
        }
    };

    println!("{}", bold(alert["rule"]["name"].as_str().unwrap_or("?")));
    println!(
        "alert {}  {}  severity {}  risk {}  count {}",
        alert["alert"]["id"].as_str().unwrap_or(""),
        alert["@timestamp"].as_str().unwrap_or(""),
        alert["alert"]["severity"].as_str().unwrap_or(""),
        alert["alert"]["risk_score"],
        alert["count"]
    );
    println!("{}", alert["message"].as_str().unwrap_or(""));
    let threat: Vec<String> = alert["threat"]
        .as_array()
        .map(|t| {
            t.iter()
                .map(|t| {
                    let techs: Vec<String> = t["technique"]
                        .as_array()
                        .map(|ts| {
                            ts.iter()
                                .map(|x| {
                                    format!(
                                        "{} {}",
                                        x["id"].as_str().unwrap_or(""),
                                        x["name"].as_str().unwrap_or("")
                                    )
                                })
                                .collect()
                        })
                        .unwrap_or_default();
                    format!(
                        "{} {}: {}",
                        t["tactic"]["id"].as_str().unwrap_or(""),
                        t["tactic"]["name"].as_str().unwrap_or(""),
                        techs.join(", ")
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    if !threat.is_empty() {
        println!("ATT&CK: {}", threat.join("; "));
    }

    let guide = match (&meta, source) {
        // Datadog messages are templates already rendered from the signal.
        (_, "datadog") => alert["message"].as_str().unwrap_or("").to_owned(),
        (Some(m), _) => m.note.clone().unwrap_or_else(|| m.description.clone()),
        (None, _) => alert["rule"]["description"]
            .as_str()
            .unwrap_or("")
            .to_owned(),
    };
    if meta.is_none() && source != "datadog" {
        eprintln!(
            "trailhound: rule {rule_id} not found; showing the alert's own description (give --rules to load the rule)"
        );
    }
    let filled = fill(&guide, &ev, view, &alert);
    let value_of = |name: &str| -> Option<String> {
        let resolved = view.resolve(name);
        if !resolved.known || name.contains(' ') {
            return None;
        }
        let values: Vec<String> = resolved
            .field
            .values(&ev)
            .iter()
            .filter_map(|v| v.to_text())
            .collect();
        (!values.is_empty()).then(|| {
            let v = values.join(", ");
            if v.chars().count() > 120 {
                format!("{}…", v.chars().take(120).collect::<String>())
            } else {
                v
            }
        })
    };
    print!("{}", markdown::render(&filled, color, &value_of));

    // Investigation fields: the rule's list, or the usual CloudTrail facts.
    let mut rows: Vec<Vec<String>> = Vec::new();
    if let Some(fields) = alert["investigation_fields"]
        .as_object()
        .filter(|f| !f.is_empty())
    {
        for (k, v) in fields {
            rows.push(vec![
                k.clone(),
                v.as_str().map_or_else(|| v.to_string(), str::to_owned),
            ]);
        }
    } else {
        for name in [
            "eventTime",
            "eventName",
            "eventSource",
            "userIdentity.arn",
            "userIdentity.type",
            "userIdentity.accessKeyId",
            "sourceIPAddress",
            "userAgent",
            "recipientAccountId",
            "awsRegion",
            "errorCode",
            "requestParameters",
        ] {
            if let Some(v) = View::Raw
                .resolve(name)
                .field
                .first(&ev)
                .and_then(|v| v.to_text())
            {
                rows.push(vec![name.to_owned(), v]);
            }
        }
    }
    println!("\n{}", bold("Investigation fields"));
    print!(
        "{}",
        text_table::render(
            &["FIELD", "VALUE"],
            &rows,
            &[20, 20],
            text_table::stdout_width()
        )
    );
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_known_fields_and_leaves_others_visible() {
        let ev = Event::parse(
            r#"{"eventName":"X","sourceIPAddress":"203.0.113.9","userIdentity":{"arn":"arn:a"}}"#,
        )
        .expect("valid");
        let out = fill(
            "by {{aws.cloudtrail.user_identity.arn}} from {{source.ip}} ({{user_agent.original}})",
            &ev,
            View::ECS,
            &serde_json::Value::Null,
        );
        assert_eq!(out, "by arn:a from 203.0.113.9 ({{user_agent.original}})");
        // ES|QL columns and group-by values of the alert fill what the event lacks.
        let alert = serde_json::json!({
            "fields": {"Esql.event_action_values": ["A", "B"], "Esql.count": 3},
            "group": {"cloud.region": "us-east-1"}
        });
        let out = fill(
            "{{Esql.event_action_values}} x{{Esql.count}} in {{cloud.region}} by {{source.ip}}",
            &ev,
            View::ECS,
            &alert,
        );
        assert_eq!(out, "A, B x3 in us-east-1 by 203.0.113.9");
    }
}

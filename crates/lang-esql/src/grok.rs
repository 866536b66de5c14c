//! The GROK pattern engine: grok expressions compiled to a [`regex::Regex`].
//!
//! Compilation follows Elasticsearch's `org.elasticsearch.grok.Grok`:
//!
//! 1. Repeatedly find the first `%{NAME}`, `%{NAME:field}` or `%{NAME:field:type}` (`NAME` is
//!    `[A-z0-9]+`, `field` is `[[:alnum:]@\[\]_:.-]+`; an `=definition` suffix is accepted and
//!    ignored, as upstream) and replace it by the library definition of `NAME`, wrapped in a named
//!    group when a field is given and in a non-capturing group otherwise. Expansion is recursive
//!    (definitions may reference other patterns) and capped at 100 000 steps. An unknown name is
//!    the error `Unable to find pattern [NAME] in Grok's pattern dictionary`.
//! 2. The result, including user-written Oniguruma named groups `(?<name>regex)` (names may
//!    contain dots, e.g. `Esql.instance_id`), is translated to `regex` syntax by [`crate::onig`].
//!    Constructs `regex` lacks (lookaround, backreferences, atomic groups, possessive
//!    quantifiers) are reported as errors with code `grok::unsupported`.
//! 3. The regex is built with bounded size ([`REGEX_SIZE_LIMIT`]).
//!
//! A capture name `NAME:field:type` yields the field `field` with `type` one of `int`, `long`,
//! `float`, `double`, `boolean` (anything else, or no type, is a string; the ES|QL docs document
//! only `int` and `float`); a plain `(?<name>...)` group yields `name` as a string.
//!
//! **Matching is an unanchored search** (Oniguruma `search`, like ES `GROK`): the pattern may match
//! anywhere in the input; write `^`/`$` to anchor (they are line anchors, Ruby syntax). The first
//! (leftmost, then highest-priority) match is used. A field whose group did not participate is
//! missing; a field name used more than once yields every participating value in pattern order
//! (ES|QL makes such a column multi-valued). A typed capture that does not convert makes the whole
//! row a failed match ([`GrokMatch::ConversionFailed`]; ES|QL then outputs nulls and a warning).
//! ES|QL output columns are ordered by name (the ES|QL docs example
//! `%{IP:ip} \[%{TIMESTAMP_ISO8601:@timestamp}\] %{GREEDYDATA:status}` lists `@timestamp, ip,
//! status`), see [`GrokPattern::fields`].
//!
//! The standard pattern library is [`crate::grok_patterns`].

use regex::{Regex, RegexBuilder};
use trailhound_syntax::{Diagnostic, Span};

use crate::{grok_patterns, onig};

/// Upper bound on the compiled program size of one grok pattern.
pub const REGEX_SIZE_LIMIT: usize = 4 << 20;
const MAX_EXPANSIONS: usize = 100_000;

/// Value types of typed captures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GrokType {
    /// No or unknown type suffix: a `keyword` string.
    String,
    /// `:int` (32-bit, Java `Integer.parseInt`).
    Integer,
    /// `:long`.
    Long,
    /// `:float` (ES|QL turns it into `double`).
    Float,
    /// `:double`.
    Double,
    /// `:boolean` (`"true"` in any case is true, anything else false).
    Boolean,
}

impl GrokType {
    fn from_suffix(s: &str) -> GrokType {
        match s {
            "int" => GrokType::Integer,
            "long" => GrokType::Long,
            "float" => GrokType::Float,
            "double" => GrokType::Double,
            "boolean" => GrokType::Boolean,
            _ => GrokType::String,
        }
    }
}

/// A captured, converted value.
#[derive(Clone, Debug, PartialEq)]
pub enum GrokValue {
    /// String capture.
    String(String),
    /// `:int` capture.
    Integer(i32),
    /// `:long` capture.
    Long(i64),
    /// `:float` capture.
    Float(f32),
    /// `:double` capture.
    Double(f64),
    /// `:boolean` capture.
    Boolean(bool),
}

/// Result of matching one input.
#[derive(Clone, Debug, PartialEq)]
pub enum GrokMatch {
    /// The pattern does not occur in the input.
    NoMatch,
    /// Matched: one entry per field of [`GrokPattern::fields`], with the values of the groups
    /// that participated (empty when none did).
    Matched(Vec<(String, Vec<GrokValue>)>),
    /// Matched, but a typed capture could not be converted.
    ConversionFailed {
        /// The field.
        field: String,
        /// The captured text.
        text: String,
    },
}

/// Why a grok pattern cannot be compiled.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GrokError {
    /// `grok::invalid` (ES would reject it too) or `grok::unsupported` (valid for ES, but uses
    /// an Oniguruma feature the `regex` crate lacks).
    pub code: &'static str,
    /// Explanation.
    pub message: String,
}

impl GrokError {
    /// As a diagnostic on the pattern literal, worded like ES|QL
    /// (`Invalid pattern [..] for grok: ...`).
    pub fn to_diagnostic(&self, pattern: &str, span: Span) -> Diagnostic {
        let d = Diagnostic::new(
            self.code,
            format!("Invalid pattern [{pattern}] for grok: {}", self.message),
            span,
        );
        if self.code == "grok::unsupported" {
            return d.with_help("trailhound compiles grok to the Rust `regex` crate, which has no lookaround, backreferences, atomic groups or possessive quantifiers; rewrite that part");
        }
        d
    }
}

#[derive(Clone, Debug)]
struct Capture {
    name: String,
    ty: GrokType,
}

/// A compiled grok pattern.
#[derive(Clone, Debug)]
pub struct GrokPattern {
    regex: Regex,
    /// Per translated group `gN`.
    captures: Vec<Capture>,
    /// Distinct fields, sorted by name.
    fields: Vec<(String, GrokType)>,
}

impl GrokPattern {
    /// Compiles a grok expression.
    pub fn compile(pattern: &str) -> Result<GrokPattern, GrokError> {
        let expanded = expand(pattern)?;
        let translated = onig::translate(&expanded).map_err(|u| GrokError {
            code: "grok::unsupported",
            message: format!(
                "{} is not supported (at byte {} of the expanded expression)",
                u.what, u.offset
            ),
        })?;
        let regex = RegexBuilder::new(&translated.regex)
            .size_limit(REGEX_SIZE_LIMIT)
            .dfa_size_limit(REGEX_SIZE_LIMIT)
            .build()
            .map_err(|e| GrokError {
                code: "grok::invalid",
                message: first_line(&e.to_string()),
            })?;
        let captures: Vec<Capture> = translated.names.iter().map(|g| capture_of(g)).collect();
        let mut fields: Vec<(String, GrokType)> = Vec::new();
        for c in &captures {
            if !fields.iter().any(|(n, _)| *n == c.name) {
                fields.push((c.name.clone(), c.ty));
            }
        }
        fields.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(GrokPattern {
            regex,
            captures,
            fields,
        })
    }

    /// The output fields and their types, sorted by name (ES|QL column order).
    pub fn fields(&self) -> &[(String, GrokType)] {
        &self.fields
    }

    /// The compiled `regex` expression (for diagnostics and tests).
    pub fn regex(&self) -> &str {
        self.regex.as_str()
    }

    /// Matches `input` (unanchored search) and extracts the fields.
    pub fn captures(&self, input: &str) -> GrokMatch {
        let Some(caps) = self.regex.captures(input) else {
            return GrokMatch::NoMatch;
        };
        let mut out: Vec<(String, Vec<GrokValue>)> = self
            .fields
            .iter()
            .map(|(n, _)| (n.clone(), Vec::new()))
            .collect();
        for (i, cap) in self.captures.iter().enumerate() {
            let Some(m) = caps.name(&format!("g{i}")) else {
                continue;
            };
            let Some(value) = convert(m.as_str(), cap.ty) else {
                return GrokMatch::ConversionFailed {
                    field: cap.name.clone(),
                    text: m.as_str().to_string(),
                };
            };
            if let Some((_, values)) = out.iter_mut().find(|(n, _)| *n == cap.name) {
                values.push(value);
            }
        }
        GrokMatch::Matched(out)
    }
}

fn first_line(s: &str) -> String {
    s.lines()
        .rfind(|l| !l.trim().is_empty())
        .unwrap_or(s)
        .trim()
        .to_string()
}

/// Group name → field and type, like `GrokCaptureConfig` (Java `split(":")` drops trailing
/// empty parts).
fn capture_of(group: &str) -> Capture {
    let mut parts: Vec<&str> = group.split(':').collect();
    while parts.len() > 1 && parts.last() == Some(&"") {
        parts.pop();
    }
    // Safe: `split` yields at least one part and the pop loop keeps one.
    let name = if parts.len() >= 2 { parts[1] } else { parts[0] };
    let ty = if parts.len() == 3 {
        GrokType::from_suffix(parts[2])
    } else {
        GrokType::String
    };
    Capture {
        name: name.to_string(),
        ty,
    }
}

fn convert(text: &str, ty: GrokType) -> Option<GrokValue> {
    let float_text = || {
        let t = text.trim();
        t.strip_suffix(['f', 'F', 'd', 'D'])
            .unwrap_or(t)
            .to_string()
    };
    Some(match ty {
        GrokType::String => GrokValue::String(text.to_string()),
        GrokType::Integer => GrokValue::Integer(text.parse().ok()?),
        GrokType::Long => GrokValue::Long(text.parse().ok()?),
        GrokType::Float => GrokValue::Float(float_text().parse().ok()?),
        GrokType::Double => GrokValue::Double(float_text().parse().ok()?),
        GrokType::Boolean => GrokValue::Boolean(text.eq_ignore_ascii_case("true")),
    })
}

/// One `%{...}` reference found in a grok expression.
struct Reference {
    start: usize,
    end: usize,
    /// `NAME` or `NAME:sub...` (the group name used when a sub-name is present).
    full: String,
    pattern: String,
    has_sub: bool,
}

fn is_pattern_name_char(c: char) -> bool {
    // Java/joni `[A-z0-9]` also admits `[ \ ] ^ _` and backtick.
    ('A'..='z').contains(&c) || c.is_ascii_digit()
}

fn is_sub_name_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '@' | '[' | ']' | '_' | ':' | '.' | '-')
}

/// Finds the first `%{NAME(:sub)?(=def)?}` at or after `from`.
fn find_reference(s: &str, from: usize) -> Option<Reference> {
    let mut search = from;
    while let Some(rel) = s.get(search..)?.find("%{") {
        let start = search + rel;
        if let Some(r) = reference_at(s, start) {
            return Some(r);
        }
        search = start + 1;
    }
    None
}

fn reference_at(s: &str, start: usize) -> Option<Reference> {
    let body = s.get(start + 2..)?;
    let name_len = body
        .find(|c: char| !is_pattern_name_char(c))
        .unwrap_or(body.len());
    if name_len == 0 {
        return None;
    }
    let mut i = name_len;
    let mut has_sub = false;
    // Safe: every offset below is just after an ASCII character or a `find` result.
    if body[i..].starts_with(':') {
        let sub = &body[i + 1..];
        let sub_len = sub
            .find(|c: char| !is_sub_name_char(c))
            .unwrap_or(sub.len());
        if sub_len > 0 {
            has_sub = true;
            i += 1 + sub_len;
        }
    }
    let full = body[..i].to_string();
    if body[i..].starts_with('=') {
        let def = &body[i + 1..];
        let def_len = def.find(['{', '}']).unwrap_or(def.len());
        if def_len == 0 {
            return None;
        }
        i += 1 + def_len;
    }
    if !body[i..].starts_with('}') {
        return None;
    }
    Some(Reference {
        start,
        end: start + 2 + i + 1,
        pattern: body[..name_len].to_string(),
        full,
        has_sub,
    })
}

/// Expands `%{...}` references into an Oniguruma expression.
fn expand(pattern: &str) -> Result<String, GrokError> {
    let mut done = String::new();
    let mut rest = pattern.to_string();
    for _ in 0..MAX_EXPANSIONS {
        let Some(r) = find_reference(&rest, 0) else {
            done.push_str(&rest);
            return Ok(done);
        };
        let Some(def) = grok_patterns::lookup(&r.pattern) else {
            return Err(GrokError {
                code: "grok::invalid",
                message: format!(
                    "Unable to find pattern [{}] in Grok's pattern dictionary",
                    r.pattern
                ),
            });
        };
        let part = if r.has_sub {
            format!("(?<{}>{def})", r.full)
        } else {
            format!("(?:{def})")
        };
        // Safe: `start`/`end` delimit an ASCII `%{...}` found in `rest`.
        done.push_str(&rest[..r.start]);
        rest = format!("{part}{}", &rest[r.end..]);
        if done.len() + rest.len() > REGEX_SIZE_LIMIT {
            break;
        }
    }
    Err(GrokError {
        code: "grok::invalid",
        message: "Can not convert grok patterns to regular expression".into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &str) -> GrokValue {
        GrokValue::String(v.to_string())
    }

    fn matched(pattern: &str, input: &str) -> Vec<(String, Vec<GrokValue>)> {
        match GrokPattern::compile(pattern)
            .unwrap_or_else(|e| panic!("{pattern}: {e:?}"))
            .captures(input)
        {
            GrokMatch::Matched(v) => v,
            other => panic!("{pattern} on {input}: {other:?}"),
        }
    }

    fn one(pattern: &str, input: &str) -> Option<String> {
        match GrokPattern::compile(pattern).unwrap().captures(input) {
            GrokMatch::Matched(v) => {
                v.into_iter()
                    .next()
                    .and_then(|(_, vals)| match vals.into_iter().next() {
                        Some(GrokValue::String(x)) => Some(x),
                        _ => None,
                    })
            }
            _ => None,
        }
    }

    #[test]
    fn documented_examples() {
        let got = matched(
            r"%{TIMESTAMP_ISO8601:date} %{IP:ip} %{EMAILADDRESS:email} %{NUMBER:num:int}",
            "2023-01-23T12:15:00.000Z 127.0.0.1 some.email@foo.com 42",
        );
        assert_eq!(
            got,
            vec![
                ("date".to_string(), vec![s("2023-01-23T12:15:00.000Z")]),
                ("email".to_string(), vec![s("some.email@foo.com")]),
                ("ip".to_string(), vec![s("127.0.0.1")]),
                ("num".to_string(), vec![GrokValue::Integer(42)]),
            ]
        );
        let got = matched(
            r"%{IP:ip} \[%{TIMESTAMP_ISO8601:@timestamp}\] %{GREEDYDATA:status}",
            "1.2.3.4 [2023-01-23T12:15:00.000Z] Connected",
        );
        assert_eq!(
            got.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>(),
            vec!["@timestamp", "ip", "status"]
        );
        assert_eq!(got[2].1, vec![s("Connected")]);
        // duplicate names become multi-values; a failed match is NoMatch
        let p = GrokPattern::compile("%{WORD:zip_parts} %{WORD:zip_parts}").unwrap();
        assert_eq!(
            p.captures("1016 ED"),
            GrokMatch::Matched(vec![("zip_parts".into(), vec![s("1016"), s("ED")])])
        );
        assert_eq!(p.captures("100-7014"), GrokMatch::NoMatch);
        // postfix queue id custom capture
        assert_eq!(
            one(
                "(?<queue_id>[0-9A-F]{10,11})",
                "postfix/smtp[123]: 4C1F3A2B9D: to=<x>"
            ),
            Some("4C1F3A2B9D".into())
        );
    }

    #[test]
    fn conversion_failure_fails_the_row() {
        let p = GrokPattern::compile("%{NUMBER:num:int}").unwrap();
        assert_eq!(
            p.captures("1.5"),
            GrokMatch::ConversionFailed {
                field: "num".into(),
                text: "1.5".into()
            }
        );
        let p =
            GrokPattern::compile("%{NUMBER:num:float} %{WORD:b:boolean} %{INT:l:long}").unwrap();
        assert_eq!(
            p.captures("1.5 TRUE 9000000000"),
            GrokMatch::Matched(vec![
                ("b".into(), vec![GrokValue::Boolean(true)]),
                ("l".into(), vec![GrokValue::Long(9_000_000_000)]),
                ("num".into(), vec![GrokValue::Float(1.5)]),
            ])
        );
    }

    #[test]
    fn corpus_patterns() {
        let cases = [
            (
                r"instanceId=(?<Esql.instance_id>[^,}\]]+)",
                "{instancesSet={items=[{instanceId=i-0abc}]}}",
                Some("i-0abc"),
            ),
            (
                r":(?<Esql.caller_account>[0-9]{12}):",
                "arn:aws:iam::123456789012:user/x",
                Some("123456789012"),
            ),
            (
                "accessKeyId=%{NOTSPACE:issued_key_id},",
                "{credentials={accessKeyId=ASIAEXAMPLE, sessionToken=x}}",
                Some("ASIAEXAMPLE"),
            ),
            (
                "[Cc]ontent=(?<script_b64>[A-Za-z0-9+/=]+)",
                "{content=IyEvYmluL2Jhc2g=, x=y}",
                Some("IyEvYmluL2Jhc2g="),
            ),
            (
                r".*roleArn=(?<Esql.aws_cloudtrail_request_parameters_role_arn>arn:aws[a-z-]*:iam::[0-9]{12}:role/[^,}]+).*",
                "{notebookInstanceName=nb, roleArn=arn:aws:iam::111122223333:role/SageMakerRole, instanceType=ml.t2.medium}",
                Some("arn:aws:iam::111122223333:role/SageMakerRole"),
            ),
            (r":(?<a>[0-9]{12}):", "no account here", None),
        ];
        for (pattern, input, want) in cases {
            assert_eq!(one(pattern, input).as_deref(), want, "{pattern}");
        }
    }

    #[test]
    fn unanchored_search_and_anchors() {
        assert_eq!(one("%{INT:n}", "abc 123 def"), Some("123".into()));
        assert_eq!(one("^%{INT:n}", "abc 123"), None);
        // Ruby `^` is a line anchor
        assert_eq!(one("^%{INT:n}", "abc\n123"), Some("123".into()));
    }

    #[test]
    fn library_patterns() {
        let cases = [
            ("%{IPV4:x}", "from 10.0.0.255 now", Some("10.0.0.255")),
            ("%{IPV6:x}", "addr 2001:db8::1 end", Some("2001:db8::1")),
            // the first IPv6 alternative that matches wins, as in Oniguruma: anchor to get it all
            ("%{IPV6:x}", "::ffff:192.0.2.1", Some("::ffff:192")),
            ("%{IPV6:x}$", "::ffff:192.0.2.1", Some("::ffff:192.0.2.1")),
            ("%{IP:x}", "fe80::1%eth0", Some("fe80::1%eth0")),
            ("%{IPORHOST:x}", "host ec2.amazonaws.com", Some("host")),
            (
                "%{HOSTNAME:x}$",
                "ec2.amazonaws.com",
                Some("ec2.amazonaws.com"),
            ),
            (
                "%{UUID:x}",
                "id=e3206d1c-64a9-11ef-a642-f661ea17fbcc",
                Some("e3206d1c-64a9-11ef-a642-f661ea17fbcc"),
            ),
            ("%{USERNAME:x}", "Alice@localhost", Some("Alice")),
            (
                "%{EMAILADDRESS:x}",
                "mail johndoe@example.com",
                Some("johndoe@example.com"),
            ),
            (
                "%{QUOTEDSTRING:x}",
                r#"say "hi \"there\"" now"#,
                Some(r#""hi \"there\"""#),
            ),
            (
                "%{URIPATH:x}",
                "GET /api/v1/series?x=1",
                Some("/api/v1/series"),
            ),
            (
                "%{URI:x}",
                "see https://console.aws.amazon.com/s3/ ok",
                Some("https://console.aws.amazon.com/s3/"),
            ),
            (
                "%{TIMESTAMP_ISO8601:x}",
                "at 2021-11-11T01:02:03.123456789Z",
                Some("2021-11-11T01:02:03.123456789Z"),
            ),
            ("%{NUMBER:x}", "value -12.5e", Some("-12.5")),
            ("%{BASE10NUM:x}", ".5", Some(".5")),
            ("%{WORD:x}", "  hello world", Some("hello")),
            ("%{DATA:x},", "a,b", Some("a")),
            ("%{GREEDYDATA:x},", "a,b,c", Some("a,b")),
            ("%{SPACE:x}x", "   x", Some("   ")),
            ("%{LOGLEVEL:x}", "[WARN] disk", Some("WARN")),
            (
                "%{MAC:x}",
                "mac 00:1A:2b:3c:4D:5e",
                Some("00:1A:2b:3c:4D:5e"),
            ),
            (
                "%{HTTPDATE:x}",
                "[10/Oct/2000:13:55:36 -0700]",
                Some("10/Oct/2000:13:55:36 -0700"),
            ),
            (
                "%{SYSLOGTIMESTAMP:x}",
                "Jan  1 00:00:01 host",
                Some("Jan  1 00:00:01"),
            ),
            (
                "%{PATH:x}",
                "file /var/log/messages",
                Some("/var/log/messages"),
            ),
        ];
        for (pattern, input, want) in cases {
            assert_eq!(one(pattern, input).as_deref(), want, "{pattern} on {input}");
        }
        // every library pattern compiles on its own
        for (name, _) in grok_patterns::PATTERNS {
            assert!(
                GrokPattern::compile(&format!("%{{{name}}}")).is_ok(),
                "{name}"
            );
        }
    }

    #[test]
    fn nested_library_captures() {
        let got = matched("%{SYSLOGBASE}", "Mar  7 00:00:01 myhost sshd[1234]: hello");
        let names: Vec<&str> = got.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            vec![
                "host.hostname",
                "log.syslog.facility.code",
                "log.syslog.priority",
                "process.name",
                "process.pid",
                "timestamp"
            ]
        );
        assert_eq!(got[0].1, vec![s("myhost")]);
        assert_eq!(
            got[1].1,
            vec![],
            "the optional facility did not participate"
        );
        assert_eq!(got[4].1, vec![GrokValue::Integer(1234)]);
    }

    #[test]
    fn errors() {
        let cases = [
            (
                "%{_invalid_:x}",
                "grok::invalid",
                "Unable to find pattern [_invalid_] in Grok's pattern dictionary",
            ),
            ("%{NOPE}", "grok::invalid", "Unable to find pattern [NOPE]"),
            (
                "(?<![0-9])x",
                "grok::unsupported",
                "a negative lookbehind is not supported",
            ),
            (
                "(a)\\1",
                "grok::unsupported",
                "a backreference is not supported",
            ),
            (
                "a++",
                "grok::unsupported",
                "a possessive quantifier is not supported",
            ),
            (
                "(?>a)",
                "grok::unsupported",
                "an atomic group is not supported",
            ),
            ("(unclosed", "grok::invalid", ""),
            ("[0-9]{1000}{1000}", "grok::unsupported", ""),
        ];
        for (pattern, code, msg) in cases {
            let e = GrokPattern::compile(pattern).unwrap_err();
            assert_eq!(e.code, code, "{pattern}: {e:?}");
            assert!(e.message.contains(msg), "{pattern}: {}", e.message);
        }
        // a pattern too large for the size limit is an error, not a panic or a hang
        let e = GrokPattern::compile("(?:a{1000}){1000}")
            .map(|_| ())
            .unwrap_err();
        assert_eq!(e.code, "grok::invalid");
        let d = GrokError {
            code: "grok::invalid",
            message: "m".into(),
        }
        .to_diagnostic("p", Span::new(1, 2));
        assert_eq!(d.message, "Invalid pattern [p] for grok: m");
    }

    #[test]
    fn reference_parsing() {
        let r = find_reference("x %{NUMBER:num:int} y", 0).unwrap();
        assert_eq!(
            (r.start, r.end, r.full.as_str(), r.has_sub),
            (2, 19, "NUMBER:num:int", true)
        );
        let r = find_reference("%{A=def}", 0).unwrap();
        assert_eq!(r.pattern, "A");
        assert!(find_reference("%{} %{:x}", 0).is_none());
        assert_eq!(capture_of("NUMBER:num:int").name, "num");
        assert_eq!(capture_of("NUMBER:num:int").ty, GrokType::Integer);
        assert_eq!(capture_of("Esql.instance_id").name, "Esql.instance_id");
        assert_eq!(capture_of("a:b:c:d").ty, GrokType::String);
    }
}

//! Value modifiers (`field|mod1|mod2`) and field keys.

use std::fmt;

use trailhound_syntax::{Diagnostic, Span};

/// A value modifier of Sigma specification v2.1 (`sigma-appendix-modifiers.md`), plus pySigma's
/// long aliases of the regular-expression flags.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Modifier {
    /// `contains`: the value may appear anywhere.
    Contains,
    /// `startswith`: the value is a prefix.
    StartsWith,
    /// `endswith`: the value is a suffix.
    EndsWith,
    /// `all`: values are AND-linked instead of OR-linked.
    All,
    /// `exists`: the field is present (`true`) or absent (`false`).
    Exists,
    /// `cased`: case-sensitive string matching.
    Cased,
    /// `neq`: the item matches when the unmodified item would not.
    Neq,
    /// `windash`: `-` / `/` at option positions expand to `-`, `/`, `–`, `—`, `―`.
    Windash,
    /// `re`: the value is a regular expression.
    Re,
    /// `i` (pySigma alias `ignorecase`): case-insensitive regular expression.
    ReI,
    /// `m` (pySigma alias `multiline`): `^`/`$` match at line boundaries.
    ReM,
    /// `s` (pySigma alias `dotall`): `.` matches newlines.
    ReS,
    /// `base64`: the value, Base64-encoded.
    Base64,
    /// `base64offset`: the three Base64 encodings of the value at byte offsets 0, 1, 2.
    Base64Offset,
    /// `utf16le` (alias `wide`): UTF-16 little-endian bytes.
    Utf16Le,
    /// `utf16be`: UTF-16 big-endian bytes.
    Utf16Be,
    /// `utf16`: byte-order mark `FF FE` then UTF-16 little-endian bytes.
    Utf16,
    /// `lt`: numerically less than.
    Lt,
    /// `lte`: numerically less than or equal.
    Lte,
    /// `gt`: numerically greater than.
    Gt,
    /// `gte`: numerically greater than or equal.
    Gte,
    /// `minute`, `hour`, `day`, `week`, `month`, `year`: a part of a timestamp field.
    Time(TimePart),
    /// `cidr`: the value is an IPv4 or IPv6 network.
    Cidr,
    /// `expand`: `%name%` placeholders are replaced by configured values.
    Expand,
    /// `fieldref`: the value names another field of the same event.
    FieldRef,
}

/// The part of a timestamp selected by a time modifier.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TimePart {
    /// 0–59.
    Minute,
    /// 0–23.
    Hour,
    /// Day of the month, 1–31.
    Day,
    /// ISO 8601 week of the year, 1–53.
    Week,
    /// 1–12.
    Month,
    /// The year.
    Year,
}

impl TimePart {
    /// The allowed range of values.
    pub fn range(self) -> (i64, i64) {
        match self {
            TimePart::Minute => (0, 59),
            TimePart::Hour => (0, 23),
            TimePart::Day => (1, 31),
            TimePart::Week => (1, 53),
            TimePart::Month => (1, 12),
            TimePart::Year => (0, 9999),
        }
    }
}

impl Modifier {
    /// Looks a modifier up by name (exact, lowercase).
    pub fn from_name(name: &str) -> Option<Modifier> {
        Some(match name {
            "contains" => Modifier::Contains,
            "startswith" => Modifier::StartsWith,
            "endswith" => Modifier::EndsWith,
            "all" => Modifier::All,
            "exists" => Modifier::Exists,
            "cased" => Modifier::Cased,
            "neq" => Modifier::Neq,
            "windash" => Modifier::Windash,
            "re" => Modifier::Re,
            "i" | "ignorecase" => Modifier::ReI,
            "m" | "multiline" => Modifier::ReM,
            "s" | "dotall" => Modifier::ReS,
            "base64" => Modifier::Base64,
            "base64offset" => Modifier::Base64Offset,
            "utf16le" | "wide" => Modifier::Utf16Le,
            "utf16be" => Modifier::Utf16Be,
            "utf16" => Modifier::Utf16,
            "lt" => Modifier::Lt,
            "lte" => Modifier::Lte,
            "gt" => Modifier::Gt,
            "gte" => Modifier::Gte,
            "minute" => Modifier::Time(TimePart::Minute),
            "hour" => Modifier::Time(TimePart::Hour),
            "day" => Modifier::Time(TimePart::Day),
            "week" => Modifier::Time(TimePart::Week),
            "month" => Modifier::Time(TimePart::Month),
            "year" => Modifier::Time(TimePart::Year),
            "cidr" => Modifier::Cidr,
            "expand" => Modifier::Expand,
            "fieldref" => Modifier::FieldRef,
            _ => return None,
        })
    }

    /// Every modifier name accepted by [`Modifier::from_name`].
    pub const NAMES: &'static [&'static str] = &[
        "contains",
        "startswith",
        "endswith",
        "all",
        "exists",
        "cased",
        "neq",
        "windash",
        "re",
        "i",
        "m",
        "s",
        "ignorecase",
        "multiline",
        "dotall",
        "base64",
        "base64offset",
        "utf16le",
        "wide",
        "utf16be",
        "utf16",
        "lt",
        "lte",
        "gt",
        "gte",
        "minute",
        "hour",
        "day",
        "week",
        "month",
        "year",
        "cidr",
        "expand",
        "fieldref",
    ];
}

/// A modifier as written, with its position.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModifierUse {
    /// The modifier.
    pub modifier: Modifier,
    /// The name as written (`wide` and `utf16le` are the same modifier).
    pub name: String,
    /// Position of the name in the file.
    pub span: Span,
}

/// A detection key: optional field name and modifier chain (`field|mod1|mod2`, `|all`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldKey {
    /// The field (a dotted path into the event), or `None` for keyword items (`'|all':`).
    pub field: Option<String>,
    /// Position of the field name.
    pub field_span: Span,
    /// The modifiers in the order written (applied left to right).
    pub modifiers: Vec<ModifierUse>,
}

impl FieldKey {
    /// Parses `field|mod1|mod2`; `base` is the byte offset of the key text in the file when the
    /// source holds it verbatim, otherwise every span is `whole`.
    pub fn parse(key: &str, base: Option<usize>, whole: Span) -> Result<FieldKey, Diagnostic> {
        let at = |start: usize, len: usize| {
            base.map_or(whole, |b| Span::new(b + start, b + start + len))
        };
        let mut pieces = key.split('|');
        let field = pieces.next().unwrap_or_default();
        let mut offset = field.len() + 1;
        let mut modifiers = Vec::new();
        for name in pieces {
            let span = at(offset, name.len());
            offset += name.len() + 1;
            let Some(modifier) = Modifier::from_name(name) else {
                let msg = if name.is_empty() {
                    "empty modifier name".to_string()
                } else {
                    format!("unknown modifier `{name}`")
                };
                return Err(Diagnostic::new("sigma::unknown_modifier", msg, span)
                    .with_help(format!("known modifiers: {}", Modifier::NAMES.join(", "))));
            };
            modifiers.push(ModifierUse {
                modifier,
                name: name.to_string(),
                span,
            });
        }
        let field = (!field.is_empty()).then(|| field.to_string());
        Ok(FieldKey {
            field,
            field_span: at(0, key.split('|').next().map_or(0, str::len)),
            modifiers,
        })
    }

    /// Whether the chain has `m`.
    pub fn has(&self, m: Modifier) -> bool {
        self.modifiers.iter().any(|u| u.modifier == m)
    }
}

/// Prints the key as written: `FieldKey::parse(&k.to_string(), ..) == k`.
impl fmt::Display for FieldKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(field) = &self.field {
            f.write_str(field)?;
        }
        for m in &self.modifiers {
            write!(f, "|{}", m.name)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_resolves() {
        for name in Modifier::NAMES {
            assert!(Modifier::from_name(name).is_some(), "{name}");
        }
        assert_eq!(Modifier::from_name("wide"), Some(Modifier::Utf16Le));
        assert_eq!(Modifier::from_name("Contains"), None);
    }

    #[test]
    fn keys_parse_and_print() {
        let cases = [
            ("eventName", Some("eventName"), vec![]),
            (
                "a.b|contains|all",
                Some("a.b"),
                vec![Modifier::Contains, Modifier::All],
            ),
            ("|all", None, vec![Modifier::All]),
            (
                "x|re|i|m|s",
                Some("x"),
                vec![Modifier::Re, Modifier::ReI, Modifier::ReM, Modifier::ReS],
            ),
            (
                "t|hour|gte",
                Some("t"),
                vec![Modifier::Time(TimePart::Hour), Modifier::Gte],
            ),
        ];
        for (text, field, mods) in cases {
            let key =
                FieldKey::parse(text, Some(0), Span::default()).unwrap_or_else(|d| panic!("{d}"));
            assert_eq!(key.field.as_deref(), field, "{text}");
            assert_eq!(
                key.modifiers.iter().map(|m| m.modifier).collect::<Vec<_>>(),
                mods,
                "{text}"
            );
            assert_eq!(key.to_string(), text);
        }
    }

    #[test]
    fn unknown_modifier_points_at_its_name() {
        let cases = [
            ("a|contans", 2..9, "unknown modifier `contans`"),
            ("a|contains|", 11..11, "empty modifier name"),
        ];
        for (text, range, msg) in cases {
            let d = FieldKey::parse(text, Some(0), Span::default())
                .err()
                .unwrap_or_else(|| panic!("{text}"));
            assert_eq!(
                (d.code, d.span.range(), d.message.as_str()),
                ("sigma::unknown_modifier", range, msg)
            );
        }
    }
}

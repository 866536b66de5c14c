use std::collections::BTreeMap;

use trailhound_syntax::LineCol;

use super::*;
use crate::detection::SearchDef;
use crate::document::Document;
use crate::{LoadOptions, parse};

/// A one-item rule: the item is on line 5, its key at column 9.
fn rule(key: &str, value: &str) -> String {
    format!(
        "title: t\nlogsource: {{product: aws}}\ndetection:\n    sel:\n        {key}: {value}\n    condition: sel\n"
    )
}

fn load(
    key: &str,
    value: &str,
    opts: &LoadOptions,
) -> Result<(DetectionItem, Vec<Diagnostic>), Vec<Diagnostic>> {
    let file = parse(&rule(key, value), opts)?;
    let item = match file.documents.into_iter().next() {
        Some(Document::Rule(r)) => match r
            .detection
            .identifiers
            .into_iter()
            .next()
            .map(|i| i.definition)
        {
            Some(SearchDef::AllOf { mut items, .. }) if items.len() == 1 => items.remove(0),
            other => panic!("unexpected definition {other:?}"),
        },
        other => panic!("unexpected document {other:?}"),
    };
    Ok((item, file.warnings))
}

fn matcher(key: &str, value: &str) -> Matcher {
    match load(key, value, &LoadOptions::default()) {
        Ok((item, _)) => item.matcher,
        Err(e) => panic!("{key}: {value}: {e:?}"),
    }
}

fn strs(key: &str, value: &str) -> (bool, bool, Vec<Vec<StrValue>>) {
    match matcher(key, value) {
        Matcher::Str(s) => (
            s.cased,
            s.all,
            s.groups.into_iter().map(|g| g.alternatives).collect(),
        ),
        other => panic!("{key}: not a string matcher: {other:?}"),
    }
}

fn ex(s: &str) -> StrValue {
    StrValue::Exact(s.into())
}
fn co(s: &str) -> StrValue {
    StrValue::Contains(s.into())
}
fn pre(s: &str) -> StrValue {
    StrValue::Prefix(s.into())
}
fn suf(s: &str) -> StrValue {
    StrValue::Suffix(s.into())
}
fn glob(s: &str) -> StrValue {
    StrValue::Glob(Pattern::parse(s, false))
}

#[test]
fn string_modifiers() {
    let cases: Vec<(&str, &str, Vec<Vec<StrValue>>)> = vec![
        ("f", "'abc'", vec![vec![ex("abc")]]),
        ("f", "''", vec![vec![ex("")]]),
        ("f", "abc*", vec![vec![pre("abc")]]),
        ("f", "'*abc'", vec![vec![suf("abc")]]),
        ("f", "'a*c'", vec![vec![glob("a*c")]]),
        ("f", "'a?c'", vec![vec![glob("a?c")]]),
        ("f", r"'C:\Windows\*'", vec![vec![ex(r"C:\Windows*")]]),
        ("f", r"'C:\\*'", vec![vec![pre(r"C:\")]]),
        ("f", r"'C:\\\*'", vec![vec![ex(r"C:\*")]]),
        ("f|contains", "'abc'", vec![vec![co("abc")]]),
        ("f|contains", "'*'", vec![vec![glob("*")]]),
        ("f|contains", "'a*c'", vec![vec![glob("*a*c*")]]),
        ("f|contains", "'*abc'", vec![vec![co("abc")]]),
        ("f|contains", r"'\*'", vec![vec![co("*")]]),
        ("f|startswith", "'abc'", vec![vec![pre("abc")]]),
        ("f|startswith", "'abc*'", vec![vec![pre("abc")]]),
        ("f|endswith", "'abc'", vec![vec![suf("abc")]]),
        ("f|startswith|endswith", "'abc'", vec![vec![co("abc")]]),
        ("f", "[a, b]", vec![vec![ex("a")], vec![ex("b")]]),
        ("f", "42", vec![vec![StrValue::Number(Number::Int(42))]]),
        ("f", "'42'", vec![vec![ex("42")]]),
        ("f", "1.0", vec![vec![StrValue::Number(Number::Float(1.0))]]),
        ("f", "true", vec![vec![StrValue::Bool(true)]]),
        ("f", "'true'", vec![vec![ex("true")]]),
        (
            "f",
            "[1, x]",
            vec![vec![StrValue::Number(Number::Int(1))], vec![ex("x")]],
        ),
        ("f|neq", "x", vec![vec![ex("x")]]),
        ("f", "'%x%'", vec![vec![ex("%x%")]]),
    ];
    for (key, value, expected) in cases {
        assert_eq!(strs(key, value).2, expected, "{key}: {value}");
    }
    assert_eq!(strs("f|cased", "'Ab'"), (true, false, vec![vec![ex("Ab")]]));
    assert_eq!(
        strs("f|contains|all", "[a, b]"),
        (false, true, vec![vec![co("a")], vec![co("b")]])
    );
    assert_eq!(
        strs("f|all|contains", "[a, b]"),
        (false, true, vec![vec![co("a")], vec![co("b")]])
    );
}

#[test]
fn windash_modifier() {
    let dashes = |prefix: &str, rest: &str| -> Vec<StrValue> {
        ["-", "/", "\u{2013}", "\u{2014}", "\u{2015}"]
            .iter()
            .map(|d| co(&format!("{prefix}{d}{rest}")))
            .collect()
    };
    assert_eq!(
        strs("f|windash|contains", "' -exec'").2,
        vec![dashes(" ", "exec")]
    );
    assert_eq!(
        strs("f|windash|contains", "['/a', 'b']").2,
        vec![dashes("", "a"), vec![co("b")]]
    );
    assert_eq!(strs("f|windash", "'x-y'").2, vec![vec![ex("x-y")]]);
    let (_, all, groups) = strs("f|windash|contains|all", "[' -a', ' -b']");
    assert!(all);
    assert_eq!(groups.iter().map(Vec::len).collect::<Vec<_>>(), [5, 5]);
}

#[test]
fn encoding_modifiers() {
    let cases: Vec<(&str, &str, Vec<Vec<StrValue>>)> = vec![
        ("f|base64", "'foo'", vec![vec![ex("Zm9v")]]),
        ("f|base64|contains", "'foo'", vec![vec![co("Zm9v")]]),
        (
            "f|base64offset|contains",
            "'foobar'",
            vec![vec![co("Zm9vYmFy"), co("Zvb2Jhc"), co("mb29iYX")]],
        ),
        ("f|utf16le|base64", "'cmd'", vec![vec![ex("YwBtAGQA")]]),
        ("f|wide|base64", "'cmd'", vec![vec![ex("YwBtAGQA")]]),
        ("f|utf16be|base64", "'cmd'", vec![vec![ex("AGMAbQBk")]]),
        ("f|utf16|base64", "'cmd'", vec![vec![ex("//5jAG0AZAA=")]]),
        ("f|base64", r"'a\*'", vec![vec![ex("YSo=")]]),
        ("f|base64|base64", "'a'", vec![vec![ex("WVE9PQ==")]]),
    ];
    for (key, value, expected) in cases {
        assert_eq!(strs(key, value).2, expected, "{key}: {value}");
    }
}

#[test]
fn regex_modifier() {
    let re = |key: &str, value: &str| match matcher(key, value) {
        Matcher::Regex(r) => (
            r.flags,
            r.all,
            r.groups
                .into_iter()
                .map(|g| g.alternatives)
                .collect::<Vec<_>>(),
        ),
        other => panic!("{other:?}"),
    };
    let f = |i, m, s| RegexFlags {
        ignore_case: i,
        multi_line: m,
        dot_all: s,
    };
    assert_eq!(
        re("f|re", r"'^a\.b*$'"),
        (
            f(false, false, false),
            false,
            vec![vec![r"^a\.b*$".to_string()]]
        )
    );
    assert_eq!(re("f|re|i", "'x'").0, f(true, false, false));
    assert_eq!(re("f|re|m|s", "'x'").0, f(false, true, true));
    assert_eq!(
        re("f|re|ignorecase|dotall|multiline", "'x'").0,
        f(true, true, true)
    );
    assert_eq!(re("f|re|contains", "'x'").2, vec![vec!["x".to_string()]]);
    assert!(re("f|all|re", "[a, b]").1);
    assert_eq!(re("f|re", "123").2, vec![vec!["123".to_string()]]);
    // Escapes are not Sigma escapes in a regex: the text is passed verbatim.
    assert_eq!(re("f|re", r"'a\*'").2, vec![vec![r"a\*".to_string()]]);
}

#[test]
fn typed_modifiers() {
    assert_eq!(
        matcher("f|gt", "5"),
        Matcher::NumCmp(NumCmp {
            op: CmpOp::Gt,
            all: false,
            values: vec![Spanned::new(Number::Int(5), Span::default())]
        })
    );
    assert_eq!(
        matcher("f|lte", "[1, 2.5]"),
        Matcher::NumCmp(NumCmp {
            op: CmpOp::Lte,
            all: false,
            values: vec![
                Spanned::new(Number::Int(1), Span::default()),
                Spanned::new(Number::Float(2.5), Span::default())
            ]
        })
    );
    for (key, op) in [("f|lt", CmpOp::Lt), ("f|gte", CmpOp::Gte)] {
        assert!(
            matches!(matcher(key, "0"), Matcher::NumCmp(NumCmp { op: o, .. }) if o == op),
            "{key}"
        );
    }
    assert_eq!(
        matcher("eventTime|hour", "3"),
        Matcher::Time(TimeMatch {
            part: TimePart::Hour,
            op: None,
            all: false,
            values: vec![Spanned::new(3, Span::default())]
        })
    );
    assert_eq!(
        matcher("eventTime|hour|gte", "22"),
        Matcher::Time(TimeMatch {
            part: TimePart::Hour,
            op: Some(CmpOp::Gte),
            all: false,
            values: vec![Spanned::new(22, Span::default())]
        })
    );
    for key in ["t|minute", "t|day", "t|week", "t|month", "t|year"] {
        assert!(matches!(matcher(key, "12"), Matcher::Time(_)), "{key}");
    }
    let net = |s: &str| IpNet::parse(s).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        matcher("ip|cidr", "['10.0.0.0/8', 'fd00::/8']"),
        Matcher::Cidr(CidrMatch {
            all: false,
            networks: vec![
                Spanned::new(net("10.0.0.0/8"), Span::default()),
                Spanned::new(net("fd00::/8"), Span::default())
            ]
        })
    );
    assert_eq!(matcher("f|exists", "true"), Matcher::Exists(true));
    assert_eq!(matcher("f|exists", "false"), Matcher::Exists(false));
    assert_eq!(matcher("f", "null"), Matcher::Null);
    assert_eq!(matcher("f", "~"), Matcher::Null);
    let fr = |kind, cased| {
        Matcher::FieldRef(FieldRefMatch {
            kind,
            cased,
            all: false,
            fields: vec![Spanned::new("other.f".to_string(), Span::default())],
        })
    };
    assert_eq!(matcher("f|fieldref", "other.f"), fr(RefKind::Equals, false));
    assert_eq!(
        matcher("f|fieldref|contains", "other.f"),
        fr(RefKind::Contains, false)
    );
    assert_eq!(
        matcher("f|fieldref|startswith", "other.f"),
        fr(RefKind::Prefix, false)
    );
    assert_eq!(
        matcher("f|fieldref|endswith", "other.f"),
        fr(RefKind::Suffix, false)
    );
    assert_eq!(
        matcher("f|cased|fieldref", "other.f"),
        fr(RefKind::Equals, true)
    );
    let neg = load("f|fieldref|neq", "other.f", &LoadOptions::default()).map(|(i, _)| i.negated);
    assert_eq!(neg, Ok(true));
    let neg = load("f|neq", "null", &LoadOptions::default()).map(|(i, _)| (i.negated, i.matcher));
    assert_eq!(neg, Ok((true, Matcher::Null)));
}

#[test]
fn expand_modifier() {
    let mut placeholders = BTreeMap::new();
    placeholders.insert(
        "Countries".to_string(),
        vec!["US".to_string(), "D?".to_string()],
    );
    placeholders.insert("Sfx".to_string(), vec!["x".to_string()]);
    let opts = LoadOptions { placeholders };
    let got = |key: &str, value: &str| match load(key, value, &opts) {
        Ok((item, _)) => item.matcher,
        Err(e) => panic!("{e:?}"),
    };
    let groups = |m: Matcher| match m {
        Matcher::Str(s) => s
            .groups
            .into_iter()
            .map(|g| g.alternatives)
            .collect::<Vec<_>>(),
        Matcher::Regex(r) => r
            .groups
            .into_iter()
            .map(|g| g.alternatives.iter().map(|s| ex(s)).collect())
            .collect(),
        other => panic!("{other:?}"),
    };
    assert_eq!(
        groups(got("c|expand", "'%Countries%'")),
        vec![vec![ex("US"), glob("D?")]]
    );
    assert_eq!(
        groups(got("c|expand", "'%Countries%-%Sfx%'")),
        vec![vec![ex("US-x"), glob("D?-x")]]
    );
    assert_eq!(
        groups(got("c|expand|contains", "'%Sfx%'")),
        vec![vec![co("x")]]
    );
    assert_eq!(
        groups(got("c|contains|expand", "'%Sfx%'")),
        vec![vec![co("x")]]
    );
    assert_eq!(
        groups(got("c|expand", r"'\%Sfx%'")),
        vec![vec![ex("%Sfx%")]]
    );
    assert_eq!(
        groups(got("c|expand|base64", "'%Sfx%'")),
        vec![vec![ex("eA==")]]
    );
    assert_eq!(
        groups(got("c|re|expand", "'^%Sfx%$'")),
        vec![vec![ex("^x$")]]
    );
}

/// (key, value, code, line, column, message)
type ErrorCase = (
    &'static str,
    &'static str,
    &'static str,
    usize,
    usize,
    &'static str,
);

#[test]
fn item_errors_point_at_the_cause() {
    let cases: Vec<ErrorCase> = vec![
        (
            "f|contans",
            "x",
            "sigma::unknown_modifier",
            5,
            11,
            "unknown modifier `contans`",
        ),
        (
            "f|",
            "x",
            "sigma::unknown_modifier",
            5,
            11,
            "empty modifier name",
        ),
        (
            "f",
            "[a, null]",
            "sigma::null_in_list",
            5,
            16,
            "`null` cannot be part of a list of values",
        ),
        (
            "f",
            "[a, [b]]",
            "sigma::bad_value",
            5,
            16,
            "a list of values cannot contain a list",
        ),
        (
            "f",
            "{a: b}",
            "sigma::bad_value",
            5,
            12,
            "the value of field `f` cannot be a mapping",
        ),
        (
            "f",
            "[]",
            "sigma::empty_list",
            5,
            12,
            "empty list of values",
        ),
        (
            "f|all",
            "x",
            "sigma::all_single_value",
            5,
            11,
            "`all` needs a list of at least two values",
        ),
        (
            "f|contains|all",
            "[x]",
            "sigma::all_single_value",
            5,
            20,
            "`all` needs a list of at least two values",
        ),
        (
            "f|exists",
            "'true'",
            "sigma::modifier_value_type",
            5,
            19,
            "`exists` takes true or false, not a string",
        ),
        (
            "f|exists",
            "[true, false]",
            "sigma::modifier_combination",
            5,
            11,
            "`exists` takes a single boolean",
        ),
        (
            "f|contains|re",
            "x",
            "sigma::modifier_combination",
            5,
            20,
            "`re` must be the first modifier",
        ),
        (
            "f|base64|cidr",
            "x",
            "sigma::modifier_combination",
            5,
            18,
            "`cidr` must be the first modifier",
        ),
        (
            "f|i",
            "x",
            "sigma::modifier_combination",
            5,
            11,
            "`i` is a flag of `re`",
        ),
        (
            "f|re|cased",
            "x",
            "sigma::modifier_value_type",
            5,
            14,
            "`cased` cannot be applied to a regular expression",
        ),
        (
            "f|re",
            "'a(b'",
            "sigma::bad_regex",
            5,
            15,
            "invalid regular expression: unclosed group",
        ),
        (
            "f|re",
            "'(?=x)'",
            "sigma::bad_regex",
            5,
            15,
            "invalid regular expression: look-around, including look-ahead and look-behind, is not supported",
        ),
        (
            "f|gt",
            "'5'",
            "sigma::modifier_value_type",
            5,
            11,
            "`gt` cannot be applied to a string",
        ),
        (
            "f|gt|lt",
            "5",
            "sigma::modifier_value_type",
            5,
            14,
            "`lt` cannot be applied to a numeric comparison",
        ),
        (
            "f|contains",
            "5",
            "sigma::modifier_value_type",
            5,
            11,
            "`contains` cannot be applied to a number",
        ),
        (
            "f|hour",
            "24",
            "sigma::bad_time_value",
            5,
            17,
            "`hour` takes an integer from 0 to 23",
        ),
        (
            "f|month",
            "1.5",
            "sigma::bad_time_value",
            5,
            18,
            "`month` takes an integer from 1 to 12",
        ),
        (
            "f|cidr",
            "'10.0.0.1/8'",
            "sigma::bad_cidr",
            5,
            17,
            "invalid CIDR network: `10.0.0.1/8` has host bits set; the network is 10.0.0.0/8",
        ),
        (
            "f|cidr",
            "'nope'",
            "sigma::bad_cidr",
            5,
            17,
            "invalid CIDR network: `nope` is not an IP address",
        ),
        (
            "f|base64",
            "'a*'",
            "sigma::wildcard_not_allowed",
            5,
            19,
            "`base64` cannot be applied to a value with wildcards",
        ),
        (
            "f|base64offset",
            "'a'",
            "sigma::modifier_value_type",
            5,
            25,
            "value too short for `base64offset`",
        ),
        (
            "f|utf16le",
            "'cmd'",
            "sigma::modifier_combination",
            5,
            11,
            "`utf16le` produces bytes that are not text",
        ),
        (
            "f|utf16le|contains",
            "'cmd'",
            "sigma::modifier_value_type",
            5,
            19,
            "`contains` cannot be applied to UTF-16 bytes",
        ),
        (
            "f|fieldref",
            "'a*'",
            "sigma::wildcard_not_allowed",
            5,
            21,
            "`fieldref` cannot be applied to a value with wildcards",
        ),
        (
            "f|windash|expand",
            "'%a%'",
            "sigma::modifier_combination",
            5,
            11,
            "`expand` must come before `windash`",
        ),
        (
            "f|contains",
            "null",
            "sigma::modifier_value_type",
            5,
            11,
            "`contains` cannot be applied to null",
        ),
        (
            "f|expand",
            "'%Nope%'",
            "sigma::missing_placeholder",
            5,
            19,
            "placeholder %Nope% has no value",
        ),
        (
            "'|exists'",
            "true",
            "sigma::modifier_combination",
            5,
            11,
            "`exists` needs a field",
        ),
        (
            "'|cidr'",
            "'10.0.0.0/8'",
            "sigma::modifier_combination",
            5,
            11,
            "`cidr` needs a field",
        ),
        (
            "f|windash",
            "' -a -b -c -d -e -f'",
            "sigma::expansion_too_large",
            5,
            20,
            "`windash` expands this value into more than 4096 alternatives",
        ),
        (
            "f",
            ".inf",
            "sigma::bad_value",
            5,
            12,
            "infinite or NaN numbers cannot be matched",
        ),
    ];
    for (key, value, code, line, col, msg) in cases {
        let text = rule(key, value);
        let errs = load(key, value, &LoadOptions::default())
            .err()
            .unwrap_or_else(|| panic!("accepted {key}: {value}"));
        let d = errs.first().unwrap_or_else(|| panic!("no diagnostic"));
        let at = LineCol::of(&text, d.span.start);
        assert_eq!(
            (d.code, at.line, at.column, d.message.as_str()),
            (code, line, col, msg),
            "{key}: {value}"
        );
    }
}

#[test]
fn missing_placeholder_help_names_the_fix() {
    let errs = load("f|expand", "'%A%-%B%'", &LoadOptions::default())
        .err()
        .unwrap_or_default();
    let help = errs
        .first()
        .and_then(|d| d.help.clone())
        .unwrap_or_default();
    assert!(help.contains("placeholders: {A: [...]}"), "{help}");
}

#[test]
fn lints() {
    let cases: Vec<(&str, &str, Vec<&str>)> = vec![
        ("f", "yes", vec!["sigma::lint_yaml11_bool"]),
        ("f", "'yes'", vec![]),
        (
            "f|contains",
            "responseElements.accessKey.userName",
            vec!["sigma::lint_value_looks_like_field"],
        ),
        ("f", "iam.amazonaws.com", vec![]),
        ("f|all", "[a, b]", vec!["sigma::lint_all_without_contains"]),
        ("f|all", "['a*', b]", vec![]),
        (
            "f|contains|contains",
            "a",
            vec!["sigma::lint_duplicate_modifier"],
        ),
        ("f|base64|base64", "a", vec![]),
        (
            "f|base64offset",
            "abc",
            vec!["sigma::lint_base64offset_without_contains"],
        ),
        ("f|base64offset|contains", "abc", vec![]),
    ];
    for (key, value, codes) in cases {
        let warnings = load(key, value, &LoadOptions::default())
            .map(|(_, w)| w)
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(
            warnings.iter().map(|d| d.code).collect::<Vec<_>>(),
            codes,
            "{key}: {value}"
        );
    }
}

#[test]
fn field_path_heuristic() {
    for (s, expected) in [
        ("responseElements.accessKey.userName", true),
        ("requestParameters.userName", true),
        ("iam.amazonaws.com", false),
        ("Jersey/${project.version}", false),
        ("userName", false),
        ("a b.cD", false),
    ] {
        assert_eq!(looks_like_field_path(s), expected, "{s}");
    }
}

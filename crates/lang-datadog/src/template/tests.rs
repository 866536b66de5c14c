//! Table-driven tests of template parsing, printing and rendering.

use std::collections::HashMap;

use super::*;

fn parse(src: &str) -> Template {
    parse_template(src).unwrap_or_else(|d| panic!("{}", d.render("message", src)))
}

/// A compact rendering of the tree: text in quotes, variables in braces, blocks as lists.
fn sx(nodes: &[Node]) -> String {
    let items: Vec<String> = nodes
        .iter()
        .map(|n| match &n.kind {
            NodeKind::Text(t) => format!("{t:?}"),
            NodeKind::Variable { name, triple } => format!(
                "{}{name}{}",
                if *triple { "{{{" } else { "{" },
                if *triple { "}}}" } else { "}" }
            ),
            NodeKind::Helper(call) => format!("(helper {call})"),
            NodeKind::Block(b) => {
                let other = b
                    .else_body
                    .as_ref()
                    .map_or(String::new(), |e| format!(" else {}", sx(e)));
                format!(
                    "({}{} {}{other})",
                    if b.inverted { "^" } else { "#" },
                    b.call,
                    sx(&b.body)
                )
            }
            NodeKind::Raw { call, text } => {
                format!(
                    "(raw{} {text:?})",
                    call.as_ref().map_or(String::new(), |c| format!(" {c}"))
                )
            }
        })
        .collect();
    format!("[{}]", items.join(" "))
}

#[test]
fn parses_template_constructs() {
    let table: &[(&str, &str)] = &[
        ("", "[]"),
        (
            "plain *markdown* {not a var}",
            "[\"plain *markdown* {not a var}\"]",
        ),
        (
            "arn: `{{@userIdentity.arn}}`.",
            "[\"arn: `\" {@userIdentity.arn} \"`.\"]",
        ),
        ("{{ @usr.id }}{{severity}}", "[{@usr.id} {severity}]"),
        ("{{@@userIdentity.arn}}", "[{@@userIdentity.arn}]"),
        (
            "{{region.name}} {{[dot.key.test].name}}",
            "[{region.name} \" \" {[dot.key.test].name}]",
        ),
        ("{{{event.text}}}", "[{{{event.text}}}]"),
        (
            "{{events_matched_per_query.failed_login}}",
            "[{events_matched_per_query.failed_login}]",
        ),
        (
            "{{eval \"first_seen_epoch-15*60*1000\"}}",
            "[(helper eval \"first_seen_epoch-15*60*1000\")]",
        ),
        (
            "{{local_time 'last_seen' 'Asia/Tokyo'}}",
            "[(helper local_time 'last_seen' 'Asia/Tokyo')]",
        ),
        (
            "{{ urlencode \"service.name\"}}",
            "[(helper urlencode \"service.name\")]",
        ),
        (
            "{{#is_match \"role.name\" \"db\" \"database\"}}yes{{else}}no{{/is_match}}",
            "[(#is_match \"role.name\" \"db\" \"database\" [\"yes\"] else [\"no\"])]",
        ),
        (
            "{{^is_match \"role.name\" \"db\"}}x{{/is_match}}",
            "[(^is_match \"role.name\" \"db\" [\"x\"])]",
        ),
        (
            "{{#is_exact_match \"@ip\" \"1.2.3.4\"}}m{{/is_exact_match}}",
            "[(#is_exact_match \"@ip\" \"1.2.3.4\" [\"m\"])]",
        ),
        (
            "{{^is_exact_match \"v\" \"5\"}}{{/is_exact_match}}",
            "[(^is_exact_match \"v\" \"5\" [])]",
        ),
        (
            "{{#if @network.client.ip}}ip {{@network.client.ip}}{{/if}}",
            "[(#if @network.client.ip [\"ip \" {@network.client.ip}])]",
        ),
        (
            "{{#if @a}}{{#is_match \"@b\" \"x\"}}both{{else}}a{{/is_match}}{{else}}none{{/if}}",
            "[(#if @a [(#is_match \"@b\" \"x\" [\"both\"] else [\"a\"])] else [\"none\"])]",
        ),
        (
            "{{#is_alert}}alert{{/is_alert}}",
            "[(#is_alert [\"alert\"])]",
        ),
        (
            "{{{{raw}}}}{{ <TEXT_1> }}{{{{/raw}}}}",
            "[(raw \"{{ <TEXT_1> }}\")]",
        ),
        (
            "{{{{is_match \"host.name\" \"H\"}}}}{{ .matched }}{{{{/is_match}}}}",
            "[(raw is_match \"host.name\" \"H\" \"{{ .matched }}\")]",
        ),
    ];
    for (input, expected) in table {
        assert_eq!(sx(&parse(input).nodes), *expected, "{input:?}");
    }
}

#[test]
fn rejects_malformed_templates() {
    let table: &[(&str, &str, std::ops::Range<usize>)] = &[
        ("a {{b", "datadog::template_syntax", 2..4),
        ("{{}}", "datadog::template_syntax", 0..4),
        ("{{ }}", "datadog::template_syntax", 0..5),
        ("{{{a b}}}", "datadog::template_syntax", 0..9),
        ("{{{a}}", "datadog::template_syntax", 0..3),
        ("{{#if @a}}x", "datadog::template_syntax", 0..10),
        (
            "{{#if @a}}x{{/is_match}}",
            "datadog::template_syntax",
            11..24,
        ),
        ("{{/if}}", "datadog::template_syntax", 0..7),
        ("{{else}}", "datadog::template_syntax", 0..8),
        (
            "{{#if @a}}x{{else}}y{{else}}z{{/if}}",
            "datadog::template_syntax",
            20..28,
        ),
        (
            "{{#is_match \"@a\"}}x{{/is_match}}",
            "datadog::template_syntax",
            0..18,
        ),
        ("{{#if}}x{{/if}}", "datadog::template_syntax", 0..7),
        ("{{eval}}", "datadog::template_syntax", 0..8),
        ("{{local_time \"x\"}}", "datadog::template_syntax", 0..18),
        (
            "{{urlencode \"a\" \"b\"}}",
            "datadog::template_syntax",
            0..21,
        ),
        ("{{x \"unterminated}}", "datadog::template_syntax", 0..19),
        ("{{\"str\"}}", "datadog::template_syntax", 0..9),
        ("{{{{raw}}}}abc", "datadog::template_syntax", 0..11),
        (
            "{{{{raw x}}}}a{{{{/raw}}}}",
            "datadog::template_syntax",
            0..13,
        ),
    ];
    for (input, code, range) in table {
        match parse_template(input) {
            Ok(t) => panic!("{input:?} parsed as {}", sx(&t.nodes)),
            Err(d) => {
                assert_eq!(
                    (d.code, d.span.range()),
                    (*code, range.clone()),
                    "{input:?}: {}",
                    d.message
                );
                assert!(d.help.is_some(), "{input:?} has no help");
            }
        }
    }
    let deep = format!("{}x{}", "{{#if @a}}".repeat(200), "{{/if}}".repeat(200));
    assert_eq!(
        parse_template(&deep).err().map(|d| d.code),
        Some("datadog::too_deep")
    );
}

#[test]
fn renders_against_a_lookup() {
    let values: HashMap<&str, &str> = [
        ("@userIdentity.arn", "arn:aws:iam::1:user/alice"),
        ("@network.client.ip", "1.2.3.4"),
        ("@evt.name", "CreateUser"),
        ("role.name", "db_cassandra"),
        ("@count", "5.0"),
        ("@empty", ""),
        ("service.name", "ad server/1"),
        ("severity", "3"),
        ("is_alert", "true"),
        ("is_warning", "false"),
    ]
    .into();
    let lookup = |name: &str| values.get(name).map(|v| v.to_string());
    let table: &[(&str, &str)] = &[
        (
            "{{@userIdentity.arn}} did {{@evt.name}}",
            "arn:aws:iam::1:user/alice did CreateUser",
        ),
        ("user {{@usr.name}}!", "user <missing @usr.name>!"),
        ("{{@@userIdentity.arn}}", "<missing @@userIdentity.arn>"),
        ("{{{@evt.name}}} {{ severity }}", "CreateUser 3"),
        (
            "{{#is_match \"role.name\" \"db\"}}db team{{/is_match}}",
            "db team",
        ),
        (
            "{{#is_match \"role.name\" \"web\" \"cass\"}}one of{{/is_match}}",
            "one of",
        ),
        (
            "{{#is_match \"role.name\" \"DB\"}}x{{else}}case-sensitive{{/is_match}}",
            "case-sensitive",
        ),
        (
            "{{#is_match \"role.name\" \"db*\"}}x{{else}}no wildcards{{/is_match}}",
            "no wildcards",
        ),
        (
            "{{^is_match \"role.name\" \"web\"}}not web{{/is_match}}",
            "not web",
        ),
        (
            "{{#is_match \"@missing\" \"\"}}x{{else}}missing never matches{{/is_match}}",
            "missing never matches",
        ),
        (
            "{{^is_match \"@missing\" \"a\"}}inverted matches{{/is_match}}",
            "inverted matches",
        ),
        (
            "{{#is_match \"@empty\" \"\"}}x{{else}}empty is not non-empty{{/is_match}}",
            "empty is not non-empty",
        ),
        (
            "{{#is_match \"@evt.name\" \"\"}}non-empty{{/is_match}}",
            "non-empty",
        ),
        (
            "{{#is_exact_match \"@network.client.ip\" \"1.2.3.4\"}}ip{{/is_exact_match}}",
            "ip",
        ),
        (
            "{{#is_exact_match \"@network.client.ip\" \"1.2.3\"}}x{{else}}not exact{{/is_exact_match}}",
            "not exact",
        ),
        (
            "{{#is_exact_match \"@count\" \"5\"}}numeric{{/is_exact_match}}",
            "numeric",
        ),
        (
            "{{#is_exact_match \"@evt.name\" \"DeleteUser\" \"CreateUser\"}}any{{/is_exact_match}}",
            "any",
        ),
        (
            "{{^is_exact_match \"@evt.name\" \"CreateUser\"}}x{{else}}else{{/is_exact_match}}",
            "else",
        ),
        ("{{#if @network.client.ip}}has ip{{/if}}", "has ip"),
        (
            "{{#if @empty}}present even if empty{{/if}}",
            "present even if empty",
        ),
        ("{{#if @nope}}x{{else}}absent{{/if}}", "absent"),
        ("{{^if @nope}}inverted if{{/if}}", "inverted if"),
        (
            "{{#if @evt.name}}{{#is_match \"@evt.name\" \"Create\"}}nested {{@evt.name}}{{/is_match}}{{/if}}",
            "nested CreateUser",
        ),
        (
            "{{#is_alert}}alerting{{/is_alert}}{{#is_warning}}warn{{/is_warning}}{{#nope}}x{{/nope}}",
            "alerting",
        ),
        ("{{urlencode \"service.name\"}}", "ad%20server%2F1"),
        ("{{urlencode \"@nope\"}}", "<missing @nope>"),
        (
            "{{eval \"first_seen_epoch-15*60*1000\"}}",
            "<eval \"first_seen_epoch-15*60*1000\">",
        ),
        (
            "{{local_time 'last_seen' 'Asia/Tokyo'}}",
            "<local_time 'last_seen' 'Asia/Tokyo'>",
        ),
        ("{{{{raw}}}}{{ <TEXT> }}{{{{/raw}}}}", "{{ <TEXT> }}"),
        (
            "{{{{is_match \"role.name\" \"db\"}}}}{{ .matched }}{{{{/is_match}}}}",
            "{{ .matched }}",
        ),
        (
            "{{{{is_match \"role.name\" \"x\"}}}}{{ .matched }}{{{{/is_match}}}}",
            "",
        ),
    ];
    for (input, expected) in table {
        assert_eq!(render(&parse(input), &lookup), *expected, "{input:?}");
    }
}

#[test]
fn renders_missing_values_empty_on_request() {
    let t = parse("a{{@x}}b{{eval \"1+1\"}}c{{urlencode \"y\"}}d");
    assert_eq!(t.render_with(&|_| None, Missing::Empty), "abcd");
    assert_eq!(
        render(&t, &|_| None),
        "a<missing @x>b<eval \"1+1\">c<missing y>d"
    );
}

#[test]
fn display_round_trips() {
    let inputs = [
        "## Goal\nDetect {{@evt.name}} by `{{@userIdentity.arn}}`.\n",
        "{{ @a }} {{{b}}} {{urlencode 'c'}} {{local_time \"last_seen\" \"UTC\"}}",
        "{{#is_match \"@a\" \"x\" 'y'}}1{{else}}2{{/is_match}}{{^if @b}}3{{/if}}",
        "{{{{raw}}}}{{x}}{{{{/raw}}}}{{{{is_match \"h\" \"p\"}}}}{{ y }}{{{{/is_match}}}}",
        "}} stray closing braces { and a single brace",
    ];
    for input in inputs {
        let t = parse(input);
        let printed = t.to_string();
        assert_eq!(
            parse(&printed),
            t,
            "round trip of {input:?} via {printed:?}"
        );
    }
    assert_eq!(parse("{{ @a }}").to_string(), "{{@a}}");
}

#[test]
fn classifies_variable_names() {
    let table: &[(&str, VarKind<'_>)] = &[
        ("@userIdentity.arn", VarKind::Attribute("userIdentity.arn")),
        (
            "@@userIdentity.arn",
            VarKind::Attribute("@userIdentity.arn"),
        ),
        ("severity", VarKind::Signal("severity")),
        ("first_seen_epoch", VarKind::Signal("first_seen_epoch")),
        ("events_matched", VarKind::Signal("events_matched")),
        (
            "events_matched_per_query.a",
            VarKind::EventsMatchedPerQuery("a"),
        ),
        ("region.name", VarKind::TagValue("region")),
        ("[dot.key.test].name", VarKind::TagValue("dot.key.test")),
        ("env", VarKind::Tag("env")),
        ("log.attributes.x", VarKind::Other("log.attributes.x")),
        (".name", VarKind::Other(".name")),
    ];
    for (name, kind) in table {
        assert_eq!(VarKind::of(name), *kind, "{name}");
    }
}

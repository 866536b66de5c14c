//! Table-driven tests of the search parser, printer and lint.

use std::net::IpAddr;

use super::*;

/// A compact, unambiguous rendering of an AST for table tests.
fn sx(q: &Query) -> String {
    q.expr
        .as_ref()
        .map_or_else(|| "<empty>".to_string(), expr_sx)
}

fn list<T>(tag: &str, items: &[T], f: fn(&T) -> String) -> String {
    let inner: Vec<String> = items.iter().map(f).collect();
    format!("({tag} {})", inner.join(" "))
}

fn not_tag(style: NotStyle) -> &'static str {
    match style {
        NotStyle::Keyword => "not",
        NotStyle::Minus => "neg",
    }
}

fn expr_sx(e: &Expr) -> String {
    match &e.kind {
        ExprKind::And(items) => list("and", items, expr_sx),
        ExprKind::Or(items) => list("or", items, expr_sx),
        ExprKind::Not(inner, style) => format!("({} {})", not_tag(*style), expr_sx(inner)),
        ExprKind::Group(inner) => format!("(group {})", expr_sx(inner)),
        ExprKind::FreeText(v) => format!("(text {})", value_sx(v)),
        ExprKind::MatchAll => "all".to_string(),
        ExprKind::Field(field, value) => format!("({} {})", field_sx(field), vexpr_sx(value)),
        ExprKind::Cidr(c) => {
            let blocks: Vec<String> = c
                .blocks
                .iter()
                .map(|b| format!("{}/{}", b.addr, b.prefix))
                .collect();
            format!("(cidr {} {})", field_sx(&c.field), blocks.join(" "))
        }
    }
}

fn field_sx(f: &Field) -> String {
    match f.kind {
        FieldKind::Attribute => format!("@{}", f.name),
        FieldKind::Reserved => format!("reserved:{}", f.name),
        FieldKind::Tag => format!("tag:{}", f.name),
        FieldKind::Calculated => format!("#{}", f.name),
        FieldKind::FullText => "fulltext".to_string(),
    }
}

fn vexpr_sx(v: &ValueExpr) -> String {
    match &v.kind {
        ValueKind::And(items) => list("and", items, vexpr_sx),
        ValueKind::Or(items) => list("or", items, vexpr_sx),
        ValueKind::Not(inner, style) => format!("({} {})", not_tag(*style), vexpr_sx(inner)),
        ValueKind::Group(inner) => format!("(group {})", vexpr_sx(inner)),
        ValueKind::Match(value) => value_sx(value),
        ValueKind::Exists => "exists".to_string(),
        ValueKind::Compare(op, value) => format!("{}{}", op.as_str(), value_sx(value)),
        ValueKind::Range(r) => {
            let bound = |b: &Option<Value>| b.as_ref().map_or_else(|| "*".to_string(), value_sx);
            format!(
                "{}{} TO {}{}",
                if r.lower_inclusive { '[' } else { '{' },
                bound(&r.lower),
                bound(&r.upper),
                if r.upper_inclusive { ']' } else { '}' }
            )
        }
    }
}

/// Quoted values print as `"text"`, unquoted as `'text'` with wildcards as `<*>` and `<?>`.
fn value_sx(v: &Value) -> String {
    let body: String = v
        .parts
        .iter()
        .map(|p| match p {
            Part::Text(t) => t.clone(),
            Part::AnyChars => "<*>".to_string(),
            Part::AnyChar => "<?>".to_string(),
        })
        .collect();
    if v.quoted {
        format!("\"{body}\"")
    } else {
        format!("'{body}'")
    }
}

fn parse_ok(input: &str) -> Query {
    match parse_query(input) {
        Ok(q) => q,
        Err(d) => panic!("`{input}` failed to parse: {}", d.render("query", input)),
    }
}

#[test]
fn parses_every_construct() {
    let table: &[(&str, &str)] = &[
        // terms, phrases, juxtaposition
        ("", "<empty>"),
        ("   ", "<empty>"),
        ("hello", "(text 'hello')"),
        ("hello world", "(and (text 'hello') (text 'world'))"),
        ("\"hello world\"", "(text \"hello world\")"),
        ("\"*test*\"", "(text \"*test*\")"),
        ("*test*", "(text '<*>test<*>')"),
        ("web*", "(text 'web<*>')"),
        ("hel?o", "(text 'hel<?>o')"),
        ("*", "all"),
        ("\"\"", "(text \"\")"),
        // operators
        ("a AND b", "(and (text 'a') (text 'b'))"),
        ("a OR b", "(or (text 'a') (text 'b'))"),
        ("a b OR c", "(or (and (text 'a') (text 'b')) (text 'c'))"),
        ("a OR b c", "(or (text 'a') (and (text 'b') (text 'c')))"),
        (
            "a AND b OR c AND d",
            "(or (and (text 'a') (text 'b')) (and (text 'c') (text 'd')))",
        ),
        ("a OR b OR c", "(or (text 'a') (text 'b') (text 'c'))"),
        ("NOT a", "(not (text 'a'))"),
        ("-a", "(neg (text 'a'))"),
        ("NOT a b", "(and (not (text 'a')) (text 'b'))"),
        ("--a", "(neg (neg (text 'a')))"),
        ("NOT NOT a", "(not (not (text 'a')))"),
        (
            "authentication AND -password",
            "(and (text 'authentication') (neg (text 'password')))",
        ),
        (
            "(a OR b) c",
            "(and (group (or (text 'a') (text 'b'))) (text 'c'))",
        ),
        ("-(a b)", "(neg (group (and (text 'a') (text 'b'))))"),
        ("NOT(a)", "(not (group (text 'a')))"),
        ("( a )", "(group (text 'a'))"),
        ("a\tAND\nb", "(and (text 'a') (text 'b'))"),
        // lowercase operators and keyword look-alikes are terms
        ("a and b", "(and (text 'a') (text 'and') (text 'b'))"),
        ("a or b", "(and (text 'a') (text 'or') (text 'b'))"),
        (
            "ANDROID ORacle NOTE",
            "(and (text 'ANDROID') (text 'ORacle') (text 'NOTE'))",
        ),
        ("\\AND", "(text 'AND')"),
        ("\"OR\"", "(text \"OR\")"),
        // attributes, reserved attributes, tags
        ("@evt.name:DeleteRule", "(@evt.name 'DeleteRule')"),
        ("source:cloudtrail", "(reserved:source 'cloudtrail')"),
        ("status:error", "(reserved:status 'error')"),
        (
            "service:web host:h1 trace_id:1",
            "(and (reserved:service 'web') (reserved:host 'h1') (reserved:trace_id '1'))",
        ),
        ("env:prod", "(tag:env 'prod')"),
        ("kube.namespace:default", "(tag:kube.namespace 'default')"),
        ("#request_duration:>100", "(#request_duration >'100')"),
        ("*:hello", "(fulltext 'hello')"),
        ("*:hello*", "(fulltext 'hello<*>')"),
        ("*:\"hello world\"", "(fulltext \"hello world\")"),
        ("*:*", "(fulltext exists)"),
        ("@a:\"hello:world\"", "(@a \"hello:world\")"),
        ("@a:hello\\:world", "(@a 'hello:world')"),
        ("@a:hello?world", "(@a 'hello<?>world')"),
        (
            "@requestParameters.x-amz-acl:public-read",
            "(@requestParameters.x-amz-acl 'public-read')",
        ),
        (
            "@userIdentity.session_name:i-*",
            "(@userIdentity.session_name 'i-<*>')",
        ),
        (
            "@http.useragent:*s3browser.com*",
            "(@http.useragent '<*>s3browser.com<*>')",
        ),
        ("@a:x=y+z#w@v", "(@a 'x=y+z#w@v')"),
        ("@a:-5", "(@a '-5')"),
        ("@a:\\-x", "(@a '-x')"),
        ("@a:true @b:200", "(and (@a 'true') (@b '200'))"),
        // exists and negations
        ("@f:*", "(@f exists)"),
        ("-@f:*", "(neg (@f exists))"),
        ("-@level:Error", "(neg (@level 'Error'))"),
        ("NOT @f:x", "(not (@f 'x'))"),
        // value groups
        ("@evt.name:(a OR b)", "(@evt.name (group (or 'a' 'b')))"),
        (
            "source:(cloudtrail OR amazon-security-lake)",
            "(reserved:source (group (or 'cloudtrail' 'amazon-security-lake')))",
        ),
        ("@f:(a b)", "(@f (group (and 'a' 'b')))"),
        ("@f:(a AND NOT b)", "(@f (group (and 'a' (not 'b'))))"),
        ("@f:(a -b)", "(@f (group (and 'a' (neg 'b'))))"),
        (
            "@f:((a OR b) c)",
            "(@f (group (and (group (or 'a' 'b')) 'c')))",
        ),
        (
            "@f:(\"0.0.0.0/0\" OR \"::/0\")",
            "(@f (group (or \"0.0.0.0/0\" \"::/0\")))",
        ),
        (
            "@f:(*orca* OR *wiz*)",
            "(@f (group (or '<*>orca<*>' '<*>wiz<*>')))",
        ),
        (
            "@f:(* OR >5 OR [1 TO 2])",
            "(@f (group (or exists >'5' ['1' TO '2'])))",
        ),
        ("@f:(a)", "(@f (group 'a'))"),
        // comparisons
        ("@http.response_time:>100", "(@http.response_time >'100')"),
        ("@x:>=1.5", "(@x >='1.5')"),
        ("@x:<-3", "(@x <'-3')"),
        ("@x:<=\"b\"", "(@x <=\"b\")"),
        // ranges
        (
            "@http.status_code:[400 TO 499]",
            "(@http.status_code ['400' TO '499'])",
        ),
        ("@x:{200 TO 299}", "(@x {'200' TO '299'})"),
        ("@x:[200 TO 299}", "(@x ['200' TO '299'})"),
        ("@x:[100 TO *]", "(@x ['100' TO *])"),
        ("@x:[* TO 5]", "(@x [* TO '5'])"),
        ("@x:[ 1   TO   5 ]", "(@x ['1' TO '5'])"),
        (
            "@d:[2020-01-01T00:00:00 TO \"z z\"]",
            "(@d ['2020-01-01T00:00:00' TO \"z z\"])",
        ),
        ("@x:[\\* TO 5]", "(@x ['*' TO '5'])"),
        ("@x:[1* TO a?b]", "(@x ['1*' TO 'a?b'])"),
        // CIDR
        (
            "CIDR(@network.client.ip,13.0.0.0/8)",
            "(cidr @network.client.ip 13.0.0.0/8)",
        ),
        (
            "CIDR(@network.ip.list,13.0.0.0/8, 15.0.0.0/8)",
            "(cidr @network.ip.list 13.0.0.0/8 15.0.0.0/8)",
        ),
        (
            "CIDR( @ip , 2001:db8::/32 , ::/0 )",
            "(cidr @ip 2001:db8::/32 ::/0)",
        ),
        (
            "source:vpc NOT(CIDR(@network.client.ip, 13.0.0.0/8)) CIDR(@network.destination.ip, 15.0.0.0/8)",
            "(and (reserved:source 'vpc') (not (group (cidr @network.client.ip 13.0.0.0/8))) (cidr @network.destination.ip 15.0.0.0/8))",
        ),
        ("-CIDR(@ip, 10.0.0.0/8)", "(neg (cidr @ip 10.0.0.0/8))"),
        // escapes (`/` needs none; any escaped character is literal)
        (
            "-@http.useragent:\\APN\\/*",
            "(neg (@http.useragent 'APN/<*>'))",
        ),
        ("@http.useragent:APN\\/*", "(@http.useragent 'APN/<*>')"),
        ("@http.url:/api\\-v1/*", "(@http.url '/api-v1/<*>')"),
        ("@a:a\\ b", "(@a 'a b')"),
        ("@a:\\*", "(@a '*')"),
        ("@a:a\\?", "(@a 'a?')"),
        ("@a:\\(x\\)", "(@a '(x)')"),
        ("@a:\\\\", "(@a '\\')"),
        ("@a:\"say \\\"hi\\\"\"", "(@a \"say \"hi\"\")"),
        ("@a:\\\"x", "(@a '\"x')"),
        ("\\@user:x", "(tag:@user 'x')"),
        ("@my\\ attr:x", "(@my attr 'x')"),
        (
            "@a:\\+\\=\\!\\&\\&\\|\\|\\~\\^\\[\\]\\{\\}\\<\\>\\#",
            "(@a '+=!&&||~^[]{}<>#')",
        ),
        ("@a:\\“x\\”", "(@a '“x”')"),
    ];
    let mut failures = Vec::new();
    for (input, expected) in table {
        match parse_query(input) {
            Ok(q) if sx(&q) == *expected => {}
            Ok(q) => failures.push(format!("{input:?}\n   got  {}\n   want {expected}", sx(&q))),
            Err(d) => failures.push(format!("{input:?}\n   error {}", d.render("q", input))),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        table.len(),
        failures.join("\n")
    );
}

#[test]
fn rejects_malformed_queries() {
    // (input, code, byte range of the span)
    let table: &[(&str, &str, std::ops::Range<usize>)] = &[
        ("(a", "datadog::unclosed_paren", 0..1),
        ("a)", "datadog::unmatched_paren", 1..2),
        ("()", "datadog::empty_group", 0..2),
        ("\"abc", "datadog::unclosed_quote", 0..4),
        ("a AND", "datadog::missing_operand", 2..5),
        ("a OR", "datadog::missing_operand", 2..4),
        ("OR a", "datadog::missing_operand", 0..2),
        ("AND", "datadog::missing_operand", 0..3),
        ("NOT", "datadog::missing_operand", 0..3),
        ("a AND OR b", "datadog::missing_operand", 2..5),
        ("(a OR)", "datadog::missing_operand", 3..5),
        ("- a", "datadog::dangling_minus", 0..1),
        ("a -", "datadog::dangling_minus", 2..3),
        ("a\\", "datadog::dangling_escape", 1..2),
        ("@f:", "datadog::missing_value", 2..3),
        ("@f: x", "datadog::missing_value", 2..3),
        ("(@f:)", "datadog::missing_value", 3..4),
        ("@f", "datadog::missing_value", 0..2),
        ("#calc", "datadog::missing_value", 0..5),
        (":x", "datadog::missing_field", 0..1),
        ("@:x", "datadog::missing_field", 0..1),
        ("#:x", "datadog::missing_field", 0..1),
        ("serv*:x", "datadog::wildcard_field", 0..5),
        ("@f:a:b", "datadog::unescaped_special", 4..5),
        ("@f::b", "datadog::unexpected_char", 3..4),
        ("\"a\":b", "datadog::unescaped_special", 3..4),
        ("@f:a[1]", "datadog::unescaped_special", 4..5),
        ("a!", "datadog::unescaped_special", 1..2),
        ("!a", "datadog::unescaped_special", 0..1),
        ("+a", "datadog::unescaped_special", 0..1),
        ("=a", "datadog::unescaped_special", 0..1),
        ("a~b", "datadog::unescaped_special", 1..2),
        ("a^2", "datadog::unescaped_special", 1..2),
        ("a\"b\"", "datadog::unescaped_special", 1..2),
        ("“quoted”", "datadog::unescaped_special", 0..3),
        ("@f:-x", "datadog::unescaped_special", 3..4),
        ("a && b", "datadog::unsupported_operator", 2..4),
        ("a || b", "datadog::unsupported_operator", 2..4),
        (">5", "datadog::unescaped_special", 0..1),
        ("[1 TO 2]", "datadog::unescaped_special", 0..1),
        ("@f:>", "datadog::missing_value", 3..4),
        ("@f:>a*", "datadog::wildcard_comparison", 4..6),
        ("@f:[1 to 2]", "datadog::invalid_range", 6..7),
        ("@f:[1TO 2]", "datadog::invalid_range", 8..9),
        ("@f:[1 TO 2", "datadog::invalid_range", 3..10),
        ("@f:[1 TO ]", "datadog::invalid_range", 9..10),
        ("@f:(a OR @g:b)", "datadog::field_in_value_group", 9..12),
        ("@f:(a", "datadog::unclosed_paren", 3..4),
        ("@f:()", "datadog::empty_group", 3..5),
        ("a(b)", "datadog::unexpected_char", 1..2),
        ("(a)b", "datadog::unexpected_char", 3..4),
        ("CIDR(@ip)", "datadog::invalid_cidr", 5..8),
        ("CIDR(@ip, 10.0.0.0)", "datadog::invalid_cidr", 10..18),
        ("CIDR(@ip, 10.0.0.0/33)", "datadog::invalid_cidr", 10..21),
        ("CIDR(@ip, ::/129)", "datadog::invalid_cidr", 10..16),
        ("CIDR(@ip, nope/8)", "datadog::invalid_cidr", 10..16),
        ("CIDR(@ip, 10.0.0.0/8", "datadog::invalid_cidr", 0..5),
        ("CIDR(@ip, )", "datadog::invalid_cidr", 10..10),
        ("CIDR(*, 10.0.0.0/8)", "datadog::invalid_cidr", 5..6),
        ("CIDR(, 10.0.0.0/8)", "datadog::invalid_cidr", 5..6),
    ];
    let mut failures = Vec::new();
    for (input, code, range) in table {
        match parse_query(input) {
            Ok(q) => failures.push(format!("{input:?} parsed as {}", sx(&q))),
            Err(d) if d.code == *code && d.span.range() == *range && d.help.is_some() => {}
            Err(d) => failures.push(format!(
                "{input:?}: got {} {:?} (help: {:?}), want {code} {range:?}",
                d.code,
                d.span.range(),
                d.help
            )),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        table.len(),
        failures.join("\n")
    );
}

#[test]
fn nesting_is_capped_without_overflowing_the_stack() {
    for ok in [
        format!(
            "{}a{}",
            "(".repeat(MAX_DEPTH - 1),
            ")".repeat(MAX_DEPTH - 1)
        ),
        format!(
            "@f:{}a{}",
            "(".repeat(MAX_DEPTH - 1),
            ")".repeat(MAX_DEPTH - 1)
        ),
        format!("{}a", "-".repeat(MAX_DEPTH - 1)),
    ] {
        let q = parse_ok(&ok);
        assert_eq!(parse_ok(&q.to_string()), q);
    }
    for deep in [
        format!(
            "{}a{}",
            "(".repeat(MAX_DEPTH + 1),
            ")".repeat(MAX_DEPTH + 1)
        ),
        format!("{}a", "-".repeat(10_000)),
        format!("{}a", "NOT ".repeat(10_000)),
        format!("@f:{}a{}", "(".repeat(10_000), ")".repeat(10_000)),
    ] {
        let err = parse_query(&deep).err().map(|d| d.code);
        assert_eq!(err, Some("datadog::too_deep"), "{}", &deep[..20]);
    }
}

#[test]
fn spans_point_into_the_query() {
    let q = parse_ok("source:cloudtrail -@level:Error (@a:x OR @b:\"y z\")");
    let Some(Expr {
        kind: ExprKind::And(items),
        span,
    }) = &q.expr
    else {
        panic!("not an AND: {}", sx(&q))
    };
    assert_eq!(span.range(), 0..50);
    let ranges: Vec<_> = items.iter().map(|i| i.span.range()).collect();
    assert_eq!(ranges, [0..17, 18..31, 32..50]);
    let ExprKind::Not(inner, NotStyle::Minus) = &items[1].kind else {
        panic!()
    };
    let ExprKind::Field(field, value) = &inner.kind else {
        panic!()
    };
    assert_eq!((field.span.range(), value.span.range()), (19..25, 26..31));
}

#[test]
fn display_prints_canonical_text() {
    let table: &[(&str, &str)] = &[
        ("a   AND  b", "a b"),
        ("a OR b", "a OR b"),
        ("NOT(a)", "NOT (a)"),
        ("-@f:*", "-@f:*"),
        ("@f:( a  OR b )", "@f:(a OR b)"),
        ("\\AND \\OR \\NOT", "\\AND \\OR \\NOT"),
        ("@a:hello\\:world", "@a:hello\\:world"),
        ("@a:\\APN\\/*", "@a:APN/*"),
        ("@a:-5", "@a:\\-5"),
        ("@a:a\\ b\\*", "@a:a\\ b\\*"),
        ("@a:\"x \\\" \\\\ *\"", "@a:\"x \\\" \\\\ *\""),
        ("\\@user:x", "\\@user:x"),
        ("@x:[* TO \\*]", "@x:[* TO \\*]"),
        ("@x:[a\\ b TO \\]]", "@x:[a\\ b TO \\]]"),
        (
            "CIDR(@ip,10.0.0.0/8,  2001:0db8::/32)",
            "CIDR(@ip, 10.0.0.0/8, 2001:db8::/32)",
        ),
        ("@f:>=-1", "@f:>=\\-1"),
    ];
    for (input, expected) in table {
        assert_eq!(
            parse_ok(input).to_string(),
            *expected,
            "display of {input:?}"
        );
    }
}

#[test]
fn display_round_trips() {
    let inputs = [
        "",
        "source:cloudtrail @evt.name:(a OR b) -@level:Error",
        "a b OR c (d OR e) NOT f --g",
        "@f:(a AND NOT b OR (c -d)) @g:[1 TO 2} @h:{* TO 3] @i:<=4 #calc:x *:y*",
        "CIDR(@ip, 10.0.0.0/8) NOT(CIDR(@ip, ::/0))",
        "\"q \\\" \\\\ *\" w\\ x\\:y\\(z\\) \\-u",
        "\\NOT:x \\@a:b @\\@c:d tag\\,1:x",
        "@a:\\“x\\”",
        "@x:[\\\" TO \"]\"]",
        "@x:[1* TO a?b]",
    ];
    for input in inputs {
        let q = parse_ok(input);
        let printed = q.to_string();
        let again = parse_ok(&printed);
        assert_eq!(q, again, "round trip of {input:?} via {printed:?}");
        assert_eq!(
            printed,
            again.to_string(),
            "display is not stable for {input:?}"
        );
    }
}

#[test]
fn warns_about_lowercase_operators_and_mixed_precedence() {
    let table: &[(&str, &[&str])] = &[
        ("a and b", &["datadog::lowercase_operator"]),
        ("@f:(x or y)", &["datadog::lowercase_operator"]),
        ("not x", &["datadog::lowercase_operator"]),
        ("\"or\" @f:\"and\"", &[]),
        ("a b OR c", &["datadog::mixed_and_or"]),
        ("@f:(a b OR c)", &["datadog::mixed_and_or"]),
        ("(a b) OR c", &[]),
        ("a AND b AND c OR d", &["datadog::mixed_and_or"]),
        ("source:cloudtrail @evt.name:(a OR b)", &[]),
    ];
    for (input, codes) in table {
        let got: Vec<_> = parse_ok(input)
            .warnings()
            .into_iter()
            .map(|d| d.code)
            .collect();
        assert_eq!(got, *codes, "warnings of {input:?}");
    }
}

#[test]
fn value_helpers() {
    let value = |q: &str| match parse_ok(q).expr.map(|e| e.kind) {
        Some(ExprKind::Field(
            _,
            ValueExpr {
                kind: ValueKind::Match(v),
                ..
            },
        )) => v,
        other => panic!("{q}: {other:?}"),
    };
    assert_eq!(value("@a:200").as_number(), Some(200.0));
    assert_eq!(value("@a:-1.5").as_number(), Some(-1.5));
    assert_eq!(value("@a:1E3").as_number(), Some(1000.0));
    assert_eq!(value("@a:\"200\"").as_number(), Some(200.0));
    assert_eq!(value("@a:inf").as_number(), None);
    assert_eq!(value("@a:2*").as_number(), None);
    assert_eq!(value("@a:x").literal(), Some("x"));
    assert_eq!(value("@a:\"\"").literal(), Some(""));
    assert_eq!(value("@a:x*").literal(), None);
    assert!(value("@a:x?").has_wildcards());
    assert!(!value("@a:\"x?\"").has_wildcards());
    let field = |q: &str| match parse_ok(q).expr.map(|e| e.kind) {
        Some(ExprKind::Field(f, _)) => f,
        other => panic!("{q}: {other:?}"),
    };
    assert_eq!(
        field("@userIdentity.arn:x").segments().collect::<Vec<_>>(),
        ["userIdentity", "arn"]
    );
}

#[test]
fn cidr_blocks_contain_addresses() {
    let q = parse_ok("CIDR(@ip, 10.0.0.0/8, 192.168.1.7/32, 2001:db8::/32, 0.0.0.0/0)");
    let Some(ExprKind::Cidr(c)) = q.expr.map(|e| e.kind) else {
        panic!()
    };
    let ip = |s: &str| s.parse::<IpAddr>().unwrap_or_else(|e| panic!("{s}: {e}"));
    let table = [
        (0, "10.1.2.3", true),
        (0, "11.0.0.0", false),
        (0, "2001:db8::1", false),
        (1, "192.168.1.7", true),
        (1, "192.168.1.8", false),
        (2, "2001:db8:ffff::1", true),
        (2, "2001:db9::1", false),
        (3, "255.255.255.255", true),
    ];
    for (block, addr, expected) in table {
        assert_eq!(
            c.blocks[block].contains(ip(addr)),
            expected,
            "{} contains {addr}",
            c.blocks[block]
        );
    }
}

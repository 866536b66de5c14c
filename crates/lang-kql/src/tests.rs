//! Table-driven parse tests: every construct, Kibana's own `fromKueryExpression` cases and the
//! intent of elastic/detection-rules' `tests/kuery/test_parser.py`.

use crate::{
    Constant, Expr, Literal, ParseMode, Piece, RangeOp, Span, ValueExpr, parse, parse_with,
};

/// Unquoted literal; every `*` in `text` is a live wildcard.
fn u(text: &str) -> Literal {
    let wildcards = text.match_indices('*').map(|(i, _)| i).collect();
    Literal {
        text: text.into(),
        quoted: false,
        wildcards,
        span: Span::default(),
    }
}

/// Unquoted literal with no live wildcard (every `*` was escaped).
fn lit(text: &str) -> Literal {
    Literal {
        text: text.into(),
        quoted: false,
        wildcards: Vec::new(),
        span: Span::default(),
    }
}

fn q(text: &str) -> Literal {
    Literal {
        text: text.into(),
        quoted: true,
        wildcards: Vec::new(),
        span: Span::default(),
    }
}

fn val(literal: Literal) -> ValueExpr {
    ValueExpr::Value(literal)
}

fn m(field: Literal, value: ValueExpr) -> Expr {
    Expr::Match {
        field,
        value,
        span: Span::default(),
    }
}

/// `field: value` with an unquoted field and a single value.
fn fv(field: &str, value: Literal) -> Expr {
    m(u(field), val(value))
}

fn free(value: Literal) -> Expr {
    Expr::FreeText {
        value,
        span: Span::default(),
    }
}

fn or(terms: Vec<Expr>) -> Expr {
    Expr::Or {
        terms,
        span: Span::default(),
    }
}

fn and(terms: Vec<Expr>) -> Expr {
    Expr::And {
        terms,
        span: Span::default(),
    }
}

fn not(expr: Expr) -> Expr {
    Expr::Not {
        expr: Box::new(expr),
        span: Span::default(),
    }
}

fn range(field: &str, op: RangeOp, value: Literal) -> Expr {
    Expr::Range {
        field: u(field),
        op,
        value,
        span: Span::default(),
    }
}

fn nested(field: &str, query: Expr) -> Expr {
    Expr::Nested {
        field: u(field),
        query: Box::new(query),
        span: Span::default(),
    }
}

fn vor(terms: Vec<ValueExpr>) -> ValueExpr {
    ValueExpr::Or {
        terms,
        span: Span::default(),
    }
}

fn vand(terms: Vec<ValueExpr>) -> ValueExpr {
    ValueExpr::And {
        terms,
        span: Span::default(),
    }
}

fn vnot(value: ValueExpr) -> ValueExpr {
    ValueExpr::Not {
        value: Box::new(value),
        span: Span::default(),
    }
}

fn check(cases: Vec<(&str, Expr)>) {
    for (src, expected) in cases {
        let ast = parse_with(src, ParseMode::Kibana).unwrap_or_else(|e| panic!("{src:?}: {e}"));
        assert_eq!(ast, expected, "{src:?}");
        let printed = ast.to_string();
        assert_eq!(
            parse_with(&printed, ParseMode::Kibana).as_ref(),
            Ok(&ast),
            "{src:?} printed as {printed:?}"
        );
    }
}

#[test]
fn constructs() {
    check(vec![
        // field: value, with and without whitespace, any case of field name.
        ("f:v", fv("f", u("v"))),
        ("f: v", fv("f", u("v"))),
        ("f :\tv", fv("f", u("v"))),
        ("Event.Action:v", fv("Event.Action", u("v"))),
        (
            "data_stream.dataset: aws.cloudtrail ",
            fv("data_stream.dataset", u("aws.cloudtrail")),
        ),
        ("x-amz-acl: public-read", fv("x-amz-acl", u("public-read"))),
        // Quoted phrases.
        ("f: \"a b\"", fv("f", q("a b"))),
        ("f: \"a \\\"b\\\" \\\\ c\"", fv("f", q("a \"b\" \\ c"))),
        ("f: \"*a*\"", fv("f", q("*a*"))),
        ("f: \"\"", fv("f", q(""))),
        ("\"quoted field\": v", m(q("quoted field"), val(u("v")))),
        // Unquoted values keep inner whitespace.
        ("f: a b  c ", fv("f", u("a b  c"))),
        ("f: S3 Browser*", fv("f", u("S3 Browser*"))),
        // Wildcards.
        ("f: *", fv("f", u("*"))),
        ("f:*x*", fv("f", u("*x*"))),
        ("f: x*y", fv("f", u("x*y"))),
        ("f: *a*b*", fv("f", u("*a*b*"))),
        ("f: \\*", fv("f", lit("*"))),
        ("host.*: v", m(u("host.*"), val(u("v")))),
        // Value lists.
        (
            "f: (a or b)",
            m(u("f"), vor(vec![val(u("a")), val(u("b"))])),
        ),
        (
            "f: (a OR b Or c)",
            m(u("f"), vor(vec![val(u("a")), val(u("b")), val(u("c"))])),
        ),
        (
            "f: (a or b and c)",
            m(
                u("f"),
                vor(vec![val(u("a")), vand(vec![val(u("b")), val(u("c"))])]),
            ),
        ),
        ("f: (not a)", m(u("f"), vnot(val(u("a"))))),
        (
            "f: (* and not (x* or \"y\"))",
            m(
                u("f"),
                vand(vec![
                    val(u("*")),
                    vnot(vor(vec![val(u("x*")), val(q("y"))])),
                ]),
            ),
        ),
        ("f: ((a))", fv("f", u("a"))),
        ("f: ( a )", fv("f", u("a"))),
        (
            "f: (\n  \"a\" or\n  \"b\"\n)",
            m(u("f"), vor(vec![val(q("a")), val(q("b"))])),
        ),
        // Boolean operators, case-insensitive, with precedence or < and < not.
        ("a or b", or(vec![free(u("a")), free(u("b"))])),
        ("a and b", and(vec![free(u("a")), free(u("b"))])),
        ("a AND b", and(vec![free(u("a")), free(u("b"))])),
        ("NOT a", not(free(u("a")))),
        (
            "a or b and c",
            or(vec![free(u("a")), and(vec![free(u("b")), free(u("c"))])]),
        ),
        ("not a and b", and(vec![not(free(u("a"))), free(u("b"))])),
        ("not (a and b)", not(and(vec![free(u("a")), free(u("b"))]))),
        (
            "(a or b) and c",
            and(vec![or(vec![free(u("a")), free(u("b"))]), free(u("c"))]),
        ),
        (
            "(a or b) or c",
            or(vec![or(vec![free(u("a")), free(u("b"))]), free(u("c"))]),
        ),
        ("not (not a)", not(not(free(u("a"))))),
        ("f:a\nand\ng:b", and(vec![fv("f", u("a")), fv("g", u("b"))])),
        (
            "f: a  or\u{A0}g: b",
            or(vec![fv("f", u("a")), fv("g", u("b"))]),
        ),
        // Keyword-looking values: a keyword needs whitespace around it.
        ("f: and", fv("f", u("and"))),
        ("f: or", fv("f", u("or"))),
        ("f: not", fv("f", u("not"))),
        (
            "f: android or g: oregon",
            or(vec![fv("f", u("android")), fv("g", u("oregon"))]),
        ),
        ("f: nothing", fv("f", u("nothing"))),
        ("f: notepad.exe", fv("f", u("notepad.exe"))),
        ("f: a \\or b", fv("f", u("a or b"))),
        ("f: \\NOT b", fv("f", u("NOT b"))),
        // Ranges.
        ("n < 5", range("n", RangeOp::Lt, u("5"))),
        ("n<=5", range("n", RangeOp::Lte, u("5"))),
        ("n > -5.5", range("n", RangeOp::Gt, u("-5.5"))),
        ("n >= \"5\"", range("n", RangeOp::Gte, q("5"))),
        (
            "@timestamp < now-1d/d",
            range("@timestamp", RangeOp::Lt, u("now-1d/d")),
        ),
        (
            "n > 1 and n < 9",
            and(vec![
                range("n", RangeOp::Gt, u("1")),
                range("n", RangeOp::Lt, u("9")),
            ]),
        ),
        // Nested queries.
        ("top: { a: 1 }", nested("top", fv("a", u("1")))),
        (
            "top:{a:1 or b:{c:2}}",
            nested(
                "top",
                or(vec![fv("a", u("1")), nested("b", fv("c", u("2")))]),
            ),
        ),
        // Free text.
        ("foo", free(u("foo"))),
        ("\"Accepted password\"", free(q("Accepted password"))),
        ("*", free(u("*"))),
        ("(a or \"b\")", or(vec![free(u("a")), free(q("b"))])),
        // Booleans and numbers keep their text.
        ("f: true", fv("f", u("true"))),
        (
            "f: (true or \"true\")",
            m(u("f"), vor(vec![val(u("true")), val(q("true"))])),
        ),
        ("f: 070", fv("f", u("070"))),
        ("f: 1.0", fv("f", u("1.0"))),
    ]);
}

#[test]
fn escapes() {
    check(vec![
        (r"f: \\\(\)\:\<\>\*\{\}", fv("f", lit("\\():<>*{}"))),
        (r#"f: \""#, fv("f", lit("\""))),
        (
            r"user.id: *\:i-*",
            fv(
                "user.id",
                Literal {
                    wildcards: vec![0, 4],
                    ..lit("*:i-*")
                },
            ),
        ),
        (
            r"f: arn\:aws\:iam\:\:aws\:policy*",
            fv(
                "f",
                Literal {
                    wildcards: vec![23],
                    ..lit("arn:aws:iam::aws:policy*")
                },
            ),
        ),
        (
            r"f: system\:serviceaccount\:*",
            fv(
                "f",
                Literal {
                    wildcards: vec![22],
                    ..lit("system:serviceaccount:*")
                },
            ),
        ),
        (r"f: a\tb\rc\nd", fv("f", lit("a\tb\rc\nd"))),
        (r"f: \u0041\u00e9", fv("f", lit("Aé"))),
        (r"f: \\u00A0", fv("f", lit("\\u00A0"))),
        (r"f: \not", fv("f", lit("ot"))),
        (r"f: x\not", fv("f", lit("x\not"))),
        (r#"f: "\u0041\t\\\"""#, fv("f", q("A\t\\\""))),
        (r#"f: "a\b\*""#, fv("f", q("a\\b\\*"))),
        (r"a\:b: c", m(lit("a:b"), val(u("c")))),
        (r"foo\*bar: c", m(lit("foo*bar"), val(u("c")))),
    ]);
}

/// Kibana's `fromKueryExpression` tests (kbn-es-query `kuery/ast/ast.test.ts`), same intent.
#[test]
fn kibana_ast_cases() {
    check(vec![
        ("foo", free(u("foo"))),
        ("  foo ", free(u("foo"))),
        ("foo bar", free(u("foo bar"))),
        ("foo and bar", and(vec![free(u("foo")), free(u("bar"))])),
        (
            "foo and\u{A0}bar",
            and(vec![free(u("foo")), free(u("bar"))]),
        ),
        ("foo or bar", or(vec![free(u("foo")), free(u("bar"))])),
        (
            "foo and bar and baz",
            and(vec![free(u("foo")), free(u("bar")), free(u("baz"))]),
        ),
        (
            "foo or bar or baz",
            or(vec![free(u("foo")), free(u("bar")), free(u("baz"))]),
        ),
        (
            "not (foo or bar)",
            not(or(vec![free(u("foo")), free(u("bar"))])),
        ),
        (
            "foo or bar and baz or qux",
            or(vec![
                free(u("foo")),
                and(vec![free(u("bar")), free(u("baz"))]),
                free(u("qux")),
            ]),
        ),
        (
            "(foo or bar) and baz",
            and(vec![
                or(vec![free(u("foo")), free(u("bar"))]),
                free(u("baz")),
            ]),
        ),
        ("foo:bar", fv("foo", u("bar"))),
        ("foo:bar baz", fv("foo", u("bar baz"))),
        ("foo:\"bar baz\"", fv("foo", q("bar baz"))),
        (
            "foo:(bar or baz)",
            m(u("foo"), vor(vec![val(u("bar")), val(u("baz"))])),
        ),
        (
            "foo:((bar or baz) and not qux)",
            m(
                u("foo"),
                vand(vec![
                    vor(vec![val(u("bar")), val(u("baz"))]),
                    vnot(val(u("qux"))),
                ]),
            ),
        ),
        (
            "bytes > 1000 and bytes < 8000",
            and(vec![
                range("bytes", RangeOp::Gt, u("1000")),
                range("bytes", RangeOp::Lt, u("8000")),
            ]),
        ),
        (
            "bytes >= 1000 and bytes <= 8000",
            and(vec![
                range("bytes", RangeOp::Gte, u("1000")),
                range("bytes", RangeOp::Lte, u("8000")),
            ]),
        ),
        ("machine*:osx", m(u("machine*"), val(u("osx")))),
        ("foo:ba*", fv("foo", u("ba*"))),
        ("foo:*", fv("foo", u("*"))),
        (
            "nestedField:{ childOfNested: foo }",
            nested("nestedField", fv("childOfNested", u("foo"))),
        ),
        (
            "response:200 and nestedField:{ childOfNested:foo or childOfNested:bar }",
            and(vec![
                fv("response", u("200")),
                nested(
                    "nestedField",
                    or(vec![
                        fv("childOfNested", u("foo")),
                        fv("childOfNested", u("bar")),
                    ]),
                ),
            ]),
        ),
        (
            "nestedField:{ nestedChild:{ doublyNestedChild:foo } }",
            nested(
                "nestedField",
                nested("nestedChild", fv("doublyNestedChild", u("foo"))),
            ),
        ),
        ("((((((((((foo))))))))))", free(u("foo"))),
        (
            "field: (value AND value2 OR \"value3\") OR nested: { field2: value4 }",
            or(vec![
                m(
                    u("field"),
                    vor(vec![
                        vand(vec![val(u("value")), val(u("value2"))]),
                        val(q("value3")),
                    ]),
                ),
                nested("nested", fv("field2", u("value4"))),
            ]),
        ),
    ]);
    // Whitespace only: Kibana builds `is('*', '*')`.
    assert_eq!(
        parse_with("  ", ParseMode::Kibana),
        Ok(m(u("*"), val(u("*"))))
    );
    // Literal typing: only true/false/null become constants; numbers stay text.
    for (text, constant) in [
        ("true", Some(Constant::True)),
        ("false", Some(Constant::False)),
        ("null", Some(Constant::Null)),
    ] {
        assert_eq!(u(text).constant(), constant);
    }
    for number in [
        ".3", "-4", "0", "2.0", "070", "..4", "-", "0.0.1", "3.", "--4", "-0", "00949",
    ] {
        let Ok(Expr::FreeText { value, .. }) = parse(number) else {
            panic!("{number:?}")
        };
        assert_eq!((value.text.as_str(), value.constant()), (number, None));
    }
}

/// The intent of detection-rules' `tests/kuery/test_parser.py` (at 14cf530f). Schema-driven
/// cases (type conversion, unknown fields, wildcards on numbers) belong to evaluation.
#[test]
fn detection_rules_parser_cases() {
    // test_keyword / test_conversion: quoting and number-looking values are kept as written.
    check(vec![
        ("a.text:hello", fv("a.text", u("hello"))),
        ("a.keyword:\"hello\"", fv("a.keyword", q("hello"))),
        ("num:1", fv("num", u("1"))),
        ("num:\"1\"", fv("num", q("1"))),
        // test_number_exists, test_multiple_types_success, test_date.
        ("foo:*", fv("foo", u("*"))),
        ("common.* : \"hello\"", m(u("common.*"), val(q("hello")))),
        (
            "@time <= now-10d",
            range("@time", RangeOp::Lte, u("now-10d")),
        ),
        // test_optimization (the parse half).
        (
            "host.name: test-* and not (destination.ip : \"127.0.0.53\" and destination.ip : \"169.254.169.254\")",
            and(vec![
                fv("host.name", u("test-*")),
                not(and(vec![
                    fv("destination.ip", q("127.0.0.53")),
                    fv("destination.ip", q("169.254.169.254")),
                ])),
            ]),
        ),
        // test_blank_space: whitespace (including newlines) around operators is required and enough.
        (
            "\"Test\" or \"Update\"",
            or(vec![free(q("Test")), free(q("Update"))]),
        ),
        (
            "\"Test\" \nor \"Update\"",
            or(vec![free(q("Test")), free(q("Update"))]),
        ),
        (
            "\"Test\" or\n \"Update\"",
            or(vec![free(q("Test")), free(q("Update"))]),
        ),
        (
            "\"TestOr\" or\n \"UpdateAnd\"",
            or(vec![free(q("TestOr")), free(q("UpdateAnd"))]),
        ),
        // test_wildcard_with_spaces.
        ("field: *S3 Browser*", fv("field", u("*S3 Browser*"))),
        ("field: *S3 Browser", fv("field", u("*S3 Browser"))),
        ("field: S3 Browser*", fv("field", u("S3 Browser*"))),
        ("field: S3 B*owser", fv("field", u("S3 B*owser"))),
        ("field: S3* Browser", fv("field", u("S3* Browser"))),
        ("field: foo* bar* baz", fv("field", u("foo* bar* baz"))),
        // test_wildcard_with_spaces_and_escaped_specials.
        (
            r"field: *\: No such file*",
            fv(
                "field",
                Literal {
                    wildcards: vec![0, 15],
                    ..lit("*: No such file*")
                },
            ),
        ),
        (
            r"app_message: *\: No such file",
            fv(
                "app_message",
                Literal {
                    wildcards: vec![0],
                    ..lit("*: No such file")
                },
            ),
        ),
        (
            r"field: *foo\(bar baz*",
            fv(
                "field",
                Literal {
                    wildcards: vec![0, 12],
                    ..lit("*foo(bar baz*")
                },
            ),
        ),
        (
            r"field: foo* bar\:baz",
            fv(
                "field",
                Literal {
                    wildcards: vec![3],
                    ..lit("foo* bar:baz")
                },
            ),
        ),
        // test_wildcard_with_spaces_escaped_specials_full_issue_query: `or` splits, the tail is free text.
        (
            r"app_message : *\: No such file or directory",
            or(vec![
                fv(
                    "app_message",
                    Literal {
                        wildcards: vec![0],
                        ..lit("*: No such file")
                    },
                ),
                free(u("directory")),
            ]),
        ),
        (
            r"app_message : *\: No such file or app_message : directory",
            or(vec![
                fv(
                    "app_message",
                    Literal {
                        wildcards: vec![0],
                        ..lit("*: No such file")
                    },
                ),
                fv("app_message", u("directory")),
            ]),
        ),
        // test_wildcard_with_spaces_and_unescaped_angle_brackets (escaped half).
        (
            r"field: *foo\<bar baz*",
            fv(
                "field",
                Literal {
                    wildcards: vec![0, 12],
                    ..lit("*foo<bar baz*")
                },
            ),
        ),
        (
            r"field: *foo\>bar baz*",
            fv(
                "field",
                Literal {
                    wildcards: vec![0, 12],
                    ..lit("*foo>bar baz*")
                },
            ),
        ),
        // test_wildcard_with_spaces_and_keywords.
        (
            "field: *S3 Browser* and other: value",
            and(vec![
                fv("field", u("*S3 Browser*")),
                fv("other", u("value")),
            ]),
        ),
        (
            "field: S3 Browser* or other: value",
            or(vec![fv("field", u("S3 Browser*")), fv("other", u("value"))]),
        ),
        ("field: *or something*", fv("field", u("*or something*"))),
        // test_quoted_wildcard_as_literal, test_escaped_colon_with_leading_slash_wildcard.
        ("field: \"*text*\"", fv("field", q("*text*"))),
        (
            r"process.args:/lockscreenurl\:http*",
            fv(
                "process.args",
                Literal {
                    wildcards: vec![19],
                    ..lit("/lockscreenurl:http*")
                },
            ),
        ),
        // test_escaped_wildcard_is_literal: unlike detection-rules, the literal star survives
        // next to a live one.
        (r"field:\*", fv("field", lit("*"))),
        (r"field:foo\*bar", fv("field", lit("foo*bar"))),
        (
            r"field:foo\*bar*",
            fv(
                "field",
                Literal {
                    wildcards: vec![7],
                    ..lit("foo*bar*")
                },
            ),
        ),
        // test_free_text_value.
        (
            "process.name : agent12 and \"Accepted password for root\"",
            and(vec![
                fv("process.name", u("agent12")),
                free(q("Accepted password for root")),
            ]),
        ),
        ("agent12", free(u("agent12"))),
        ("1", free(u("1"))),
        ("*password*", free(u("*password*"))),
        ("*", free(u("*"))),
        ("\"*password*\"", free(q("*password*"))),
        (r"\*", free(lit("*"))),
        ("not \"foo bar\"", not(free(q("foo bar")))),
        (
            "\"a\" or process.name : b",
            or(vec![free(q("a")), fv("process.name", u("b"))]),
        ),
        // test_nested_query.
        ("top:{ a:hello }", nested("top", fv("a", u("hello")))),
        ("top:{ b:\"1\" }", nested("top", fv("b", q("1")))),
        (
            "top:{ a:hello and b:1 }",
            nested("top", and(vec![fv("a", u("hello")), fv("b", u("1"))])),
        ),
        (
            "top:{ middle:{ bool: true } }",
            nested("top", nested("middle", fv("bool", u("true")))),
        ),
    ]);
    // test_list_equals: order inside a list does not matter to the meaning; both parse to the
    // same alternatives.
    let alternatives = |src: &str| match parse(src) {
        Ok(Expr::Match {
            value: ValueExpr::Or { terms, .. },
            ..
        }) => {
            let mut texts: Vec<String> = terms.iter().map(|t| t.to_string()).collect();
            texts.sort();
            texts
        }
        other => panic!("{src:?}: {other:?}"),
    };
    assert_eq!(alternatives("a:(1 or 2)"), alternatives("a:(2 or 1)"));
    // test_get_field_names_resolves_nested_paths.
    let names = |src: &str| parse(src).unwrap().field_names();
    assert_eq!(
        names("email.attachments:{ file.extension: exe }"),
        ["email.attachments", "email.attachments.file.extension"]
    );
    assert_eq!(
        names("a:1 and top:{ b:2 and middle:{ c:true } }"),
        ["a", "top", "top.b", "top.middle", "top.middle.c"]
    );
    assert_eq!(
        names("host.name: foo and user.id: 1"),
        ["host.name", "user.id"]
    );
    // Rejections: test_blank_space, test_wildcard_with_spaces_and_invalid_escape,
    // test_wildcard_with_spaces_and_unescaped_angle_brackets; and where detection-rules is
    // looser than Kibana (test_wildcard_with_spaces_and_keywords `*not this*`,
    // test_not_prefix_with_wildcard, test_triple_not_optimization), Kibana's grammar wins.
    let rejected = [
        ("\"Test\" or\"Update\"", "kql::keyword_spacing"),
        ("\"Test\"and \"Update\"", "kql::keyword_spacing"),
        (r"field: foo\'bar", "kql::invalid_escape"),
        (r"field: *foo\' bar", "kql::invalid_escape"),
        (r"field: foo\qbar*", "kql::invalid_escape"),
        (r"field: *foo\q bar*", "kql::invalid_escape"),
        ("field: foo<bar*", "kql::unexpected"),
        ("field: *foo bar<baz*", "kql::unexpected"),
        ("field: *foo bar>baz*", "kql::unexpected"),
        ("field: *not this*", "kql::keyword_in_value"),
        (
            "process.executable: not /test/go-build*",
            "kql::misplaced_not",
        ),
        ("process.name: not not not foo", "kql::misplaced_not"),
    ];
    for (src, code) in rejected {
        for mode in [ParseMode::Strict, ParseMode::Kibana] {
            assert_eq!(
                parse_with(src, mode).map_err(|e| e.code),
                Err(code),
                "{src:?} in {mode:?}"
            );
        }
    }
}

#[test]
fn spans_point_into_the_text() {
    let src = "f: (a or \"b c\") and not g < 5 or top:{ x: * } or  free text ";
    let Ok(Expr::Or { terms, span }) = parse(src) else {
        panic!()
    };
    assert_eq!(span.range(), 0..59);
    let Expr::And {
        terms: conj,
        span: and_span,
    } = &terms[0]
    else {
        panic!()
    };
    assert_eq!(and_span.range(), 0..29);
    let Expr::Match { field, value, span } = &conj[0] else {
        panic!()
    };
    assert_eq!(
        (field.span.range(), value.span().range(), span.range()),
        (0..1, 4..14, 0..15)
    );
    let ValueExpr::Or { terms: values, .. } = value else {
        panic!()
    };
    assert_eq!(
        (values[0].span().range(), values[1].span().range()),
        (4..5, 9..14)
    );
    let Expr::Not { expr, span } = &conj[1] else {
        panic!()
    };
    assert_eq!((span.range(), expr.span().range()), (20..29, 24..29));
    let Expr::Nested { query, span, .. } = &terms[1] else {
        panic!()
    };
    assert_eq!((span.range(), query.span().range()), (33..45, 39..43));
    assert_eq!(terms[2].span().range(), 50..59);
    assert_eq!(&src[terms[2].span().range()], "free text");
}

#[test]
fn wildcard_pieces_from_parsed_values() {
    let Ok(Expr::Match {
        value: ValueExpr::Value(v),
        ..
    }) = parse(r"f: *a\*b*c")
    else {
        panic!()
    };
    assert_eq!(
        v.pieces(),
        [Piece::Any, Piece::Text("a*b"), Piece::Any, Piece::Text("c")]
    );
    assert!(v.is_wildcard() && !v.is_lone_wildcard());
}

#[test]
fn empty_query_is_an_error_in_strict_mode() {
    for src in ["", " \n\t "] {
        let err = parse(src).unwrap_err();
        assert_eq!(
            (err.code, err.span.range()),
            ("kql::empty_query", 0..src.len())
        );
        assert!(err.help.unwrap().contains("`*: *`"));
    }
    assert!(parse("*: *").is_ok());
}

#[test]
fn diagnostics_render_with_help() {
    let src = "event.action: (a or b";
    let err = parse(src).unwrap_err();
    let rendered = err.render("rule.toml", src);
    assert_eq!(
        rendered,
        "rule.toml:1:15: unclosed `(` [kql::unbalanced_paren]\n  | event.action: (a or b\n  |               ^\n  = help: add the matching `)`\n"
    );
}

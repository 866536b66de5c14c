//! Table-driven tests of the parser: trees for every construct, precedence, errors with codes and
//! spans, and the `Display` round trip.

use crate::ast::*;
use crate::{Function, parse, parse_expression};
use trailhound_syntax::Span;

// ---- tree builders (spans are ignored by equality) ------------------------------------------

fn e(kind: ExprKind) -> Expr {
    Expr {
        kind,
        span: Span::default(),
    }
}
fn fld(path: &str) -> Expr {
    e(ExprKind::Field(Field::new(path)))
}
fn opt(path: &str) -> Expr {
    e(ExprKind::Field(Field {
        optional: true,
        ..Field::new(path)
    }))
}
fn s(v: &str) -> Expr {
    e(ExprKind::Literal(Literal::String(StringLit::new(v))))
}
fn int(n: i64) -> Expr {
    e(ExprKind::Literal(Literal::Number(Number {
        raw: n.to_string(),
        value: NumberValue::Integer(n),
    })))
}
fn float(raw: &str, v: f64) -> Expr {
    e(ExprKind::Literal(Literal::Number(Number {
        raw: raw.into(),
        value: NumberValue::Float(v),
    })))
}
fn boolean(b: bool) -> Expr {
    e(ExprKind::Literal(Literal::Boolean(b)))
}
fn null() -> Expr {
    e(ExprKind::Literal(Literal::Null))
}
fn cmp(op: CompareOp, l: Expr, r: Expr) -> Expr {
    e(ExprKind::Compare {
        op,
        left: Box::new(l),
        right: Box::new(r),
    })
}
fn eq(l: Expr, r: Expr) -> Expr {
    cmp(CompareOp::Eq, l, r)
}
fn ar(op: ArithOp, l: Expr, r: Expr) -> Expr {
    e(ExprKind::Arithmetic {
        op,
        left: Box::new(l),
        right: Box::new(r),
    })
}
fn and(v: Vec<Expr>) -> Expr {
    e(ExprKind::And(v))
}
fn or(v: Vec<Expr>) -> Expr {
    e(ExprKind::Or(v))
}
fn not(x: Expr) -> Expr {
    e(ExprKind::Not(Box::new(x)))
}
fn neg(x: Expr) -> Expr {
    e(ExprKind::Negate(Box::new(x)))
}
fn inl(v: Expr, list: Vec<Expr>, negated: bool, ci: bool) -> Expr {
    e(ExprKind::In {
        value: Box::new(v),
        list,
        negated,
        case_insensitive: ci,
    })
}
fn mt(v: Expr, op: MatchOp, pats: &[&str]) -> Expr {
    e(ExprKind::Match {
        value: Box::new(v),
        op,
        patterns: pats.iter().map(|p| StringLit::new(*p)).collect(),
    })
}
fn call(name: &str, ci: bool, args: Vec<Expr>) -> Expr {
    let function = Function::lookup(name).unwrap_or(Function::Add);
    e(ExprKind::Call(Call {
        function,
        name: name.into(),
        case_insensitive: ci,
        args,
        name_span: Span::default(),
    }))
}

fn expr_ok(src: &str) -> Expr {
    parse_expression(src).unwrap_or_else(|d| panic!("{src}\n{}", d.render("test", src)))
}
fn query_ok(src: &str) -> Query {
    parse(src).unwrap_or_else(|d| panic!("{src}\n{}", d.render("test", src)))
}

/// Asserts that printing `q` gives text that parses to an equal tree.
fn assert_round_trip(src: &str, q: &Query) {
    let printed = q.to_string();
    let again = parse(&printed)
        .unwrap_or_else(|d| panic!("{src}\nprinted as\n{printed}\ndoes not parse: {d}"));
    assert_eq!(&again, q, "{src}\nprinted as\n{printed}");
}

// ---- expressions ----------------------------------------------------------------------------

#[test]
fn expression_trees() {
    use CompareOp::*;
    let cases: Vec<(&str, Expr)> = vec![
        ("a == 1", eq(fld("a"), int(1))),
        ("a != \"x\"", cmp(NotEq, fld("a"), s("x"))),
        ("a < 1", cmp(Lt, fld("a"), int(1))),
        ("a <= 1", cmp(LtEq, fld("a"), int(1))),
        ("a > 1.5", cmp(Gt, fld("a"), float("1.5", 1.5))),
        ("a >= .5e1", cmp(GtEq, fld("a"), float(".5e1", 5.0))),
        ("\"x\" == a", eq(s("x"), fld("a"))),
        ("true", boolean(true)),
        ("a == false", eq(fld("a"), boolean(false))),
        ("a == null", eq(fld("a"), null())),
        ("null == a", eq(null(), fld("a"))),
        ("?user.id != null", cmp(NotEq, opt("user.id"), null())),
        ("@timestamp > 0", cmp(Gt, fld("@timestamp"), int(0))),
        ("a . b == 1", eq(fld("a.b"), int(1))),
        ("a /* c */ . // d\n b == 1", eq(fld("a.b"), int(1))),
        // Logic and precedence.
        (
            "a or b and c",
            or(vec![fld("a"), and(vec![fld("b"), fld("c")])]),
        ),
        (
            "a and b or c and d",
            or(vec![
                and(vec![fld("a"), fld("b")]),
                and(vec![fld("c"), fld("d")]),
            ]),
        ),
        ("a or b or c", or(vec![fld("a"), fld("b"), fld("c")])),
        (
            "(a or b) or c",
            or(vec![or(vec![fld("a"), fld("b")]), fld("c")]),
        ),
        (
            "a or (b or c)",
            or(vec![fld("a"), or(vec![fld("b"), fld("c")])]),
        ),
        (
            "(a or b) and c",
            and(vec![or(vec![fld("a"), fld("b")]), fld("c")]),
        ),
        ("not a and b", and(vec![not(fld("a")), fld("b")])),
        ("not a == 1", not(eq(fld("a"), int(1)))),
        ("not not a", not(not(fld("a")))),
        ("not (a or b)", not(or(vec![fld("a"), fld("b")]))),
        // Arithmetic.
        (
            "a + b * c == 7",
            eq(
                ar(ArithOp::Add, fld("a"), ar(ArithOp::Mul, fld("b"), fld("c"))),
                int(7),
            ),
        ),
        (
            "a - b - c == 1",
            eq(
                ar(ArithOp::Sub, ar(ArithOp::Sub, fld("a"), fld("b")), fld("c")),
                int(1),
            ),
        ),
        (
            "a / b % c == 1",
            eq(
                ar(ArithOp::Mod, ar(ArithOp::Div, fld("a"), fld("b")), fld("c")),
                int(1),
            ),
        ),
        (
            "(a + b) * c == 1",
            eq(
                ar(ArithOp::Mul, ar(ArithOp::Add, fld("a"), fld("b")), fld("c")),
                int(1),
            ),
        ),
        (
            "-a * b == 1",
            eq(ar(ArithOp::Mul, neg(fld("a")), fld("b")), int(1)),
        ),
        ("- -a == 1", eq(neg(neg(fld("a"))), int(1))),
        ("+a == -1", eq(fld("a"), neg(int(1)))),
        (
            "a - -1 == 2",
            eq(ar(ArithOp::Sub, fld("a"), neg(int(1))), int(2)),
        ),
        // Predicates bind to a single primary.
        (
            "a + b in (1, 2)",
            ar(
                ArithOp::Add,
                fld("a"),
                inl(fld("b"), vec![int(1), int(2)], false, false),
            ),
        ),
        ("-x : \"a\"", neg(mt(fld("x"), MatchOp::Colon, &["a"]))),
        ("x in (\"a\")", inl(fld("x"), vec![s("a")], false, false)),
        (
            "x in~ (\"a\", \"B\")",
            inl(fld("x"), vec![s("a"), s("B")], false, true),
        ),
        (
            "x not in (1, 2)",
            inl(fld("x"), vec![int(1), int(2)], true, false),
        ),
        ("x not in~ (\"a\")", inl(fld("x"), vec![s("a")], true, true)),
        (
            "x in (y, 1 + 2, null)",
            inl(
                fld("x"),
                vec![fld("y"), ar(ArithOp::Add, int(1), int(2)), null()],
                false,
                false,
            ),
        ),
        (
            "not x in (1)",
            not(inl(fld("x"), vec![int(1)], false, false)),
        ),
        ("x : \"a*\"", mt(fld("x"), MatchOp::Colon, &["a*"])),
        (
            "x : (\"a\", \"b\")",
            mt(fld("x"), MatchOp::Colon, &["a", "b"]),
        ),
        ("x : (\"a\")", mt(fld("x"), MatchOp::Colon, &["a"])),
        ("x like \"A*\"", mt(fld("x"), MatchOp::Like, &["A*"])),
        (
            "x like~ (\"a?\", \"b\")",
            mt(fld("x"), MatchOp::LikeInsensitive, &["a?", "b"]),
        ),
        ("x regex \"a.*\"", mt(fld("x"), MatchOp::Regex, &["a.*"])),
        (
            "x regex~ (\"a\", \"b+\")",
            mt(fld("x"), MatchOp::RegexInsensitive, &["a", "b+"]),
        ),
        (
            "(a + b) : \"x\"",
            mt(ar(ArithOp::Add, fld("a"), fld("b")), MatchOp::Colon, &["x"]),
        ),
        (
            "length(x) : \"1\"",
            mt(
                call("length", false, vec![fld("x")]),
                MatchOp::Colon,
                &["1"],
            ),
        ),
        // Functions.
        (
            "startsWith(a, \"x\")",
            call("startsWith", false, vec![fld("a"), s("x")]),
        ),
        (
            "startsWith~(a, \"x\")",
            call("startsWith", true, vec![fld("a"), s("x")]),
        ),
        (
            "STRINGCONTAINS(a, b)",
            call("STRINGCONTAINS", false, vec![fld("a"), fld("b")]),
        ),
        (
            "stringContains (a, \"x\")",
            call("stringContains", false, vec![fld("a"), s("x")]),
        ),
        ("concat()", call("concat", false, vec![])),
        (
            "length(concat(a, \"-\", 1)) > 3",
            cmp(
                Gt,
                call(
                    "length",
                    false,
                    vec![call("concat", false, vec![fld("a"), s("-"), int(1)])],
                ),
                int(3),
            ),
        ),
        (
            "cidrMatch(ip, \"10.0.0.0/8\", \"::1/128\")",
            call(
                "cidrMatch",
                false,
                vec![fld("ip"), s("10.0.0.0/8"), s("::1/128")],
            ),
        ),
        (
            "between~(a, \"x\", \"y\", true) == \"z\"",
            eq(
                call(
                    "between",
                    true,
                    vec![fld("a"), s("x"), s("y"), boolean(true)],
                ),
                s("z"),
            ),
        ),
    ];
    for (src, expected) in cases {
        assert_eq!(expr_ok(src), expected, "{src}");
    }
}

#[test]
fn every_function_with_valid_arity() {
    let cases = [
        "add(a, 1)",
        "between(a, \"x\", \"y\")",
        "between(a, \"x\", \"y\", false)",
        "cidrMatch(a, \"10.0.0.0/8\")",
        "concat(a)",
        "concat(a, b, c, d)",
        "divide(a, 2)",
        "endsWith(a, \"x\")",
        "endsWith~(a, \"x\")",
        "indexOf(a, \"x\")",
        "indexOf~(a, \"x\", 2)",
        "length(a)",
        "modulo(a, 2)",
        "multiply(a, 2)",
        "number(a)",
        "number(a, 16)",
        "startsWith(a, \"x\")",
        "string(a)",
        "stringContains(a, \"x\")",
        "stringContains~(a, \"x\")",
        "substring(a, 1)",
        "substring(a, -4, -1)",
        "subtract(a, 1)",
    ];
    let mut seen = std::collections::HashSet::new();
    for src in cases {
        let x = expr_ok(src);
        let ExprKind::Call(c) = &x.kind else {
            panic!("{src}: not a call")
        };
        seen.insert(c.function);
        assert_eq!(x.to_string(), src);
    }
    assert_eq!(seen.len(), Function::ALL.len(), "every function is covered");
}

#[test]
fn string_literals_keep_source_and_value() {
    let cases: &[(&str, &str, &str, bool)] = &[
        (
            r#""principal=\\*""#,
            r"principal=\*",
            r"principal=\\*",
            false,
        ),
        (r#""a\"b\n""#, "a\"b\n", r#"a\"b\n"#, false),
        (r#""\u{200F}x""#, "\u{200f}x", r"\u{200F}x", false),
        (r#""""C:\temp\*""""#, r"C:\temp\*", r"C:\temp\*", true),
        (
            r#""valuesToAdd=[*]""#,
            "valuesToAdd=[*]",
            "valuesToAdd=[*]",
            false,
        ),
    ];
    for (src, value, source, raw) in cases {
        let x = expr_ok(src);
        let lit = x
            .as_string()
            .unwrap_or_else(|| panic!("{src}: not a string"));
        assert_eq!(
            (lit.value.as_str(), lit.source.as_str(), lit.raw),
            (*value, *source, *raw),
            "{src}"
        );
        assert_eq!(lit.span.range(), 0..src.len());
    }
}

#[test]
fn numbers() {
    let cases: &[(&str, NumberValue)] = &[
        ("0", NumberValue::Integer(0)),
        ("9223372036854775807", NumberValue::Integer(i64::MAX)),
        (
            "9223372036854775808",
            NumberValue::Float(9_223_372_036_854_775_808.0),
        ),
        ("1.", NumberValue::Float(1.0)),
        ("1e3", NumberValue::Float(1000.0)),
        ("2.5E-1", NumberValue::Float(0.25)),
    ];
    for (src, value) in cases {
        match expr_ok(src).kind {
            ExprKind::Literal(Literal::Number(n)) => {
                assert_eq!((n.raw.as_str(), n.value), (*src, *value))
            }
            other => panic!("{src}: {other:?}"),
        }
    }
}

/// (source, optional, segments as (name, quoted), path)
type FieldCase = (
    &'static str,
    bool,
    &'static [(&'static str, bool)],
    &'static str,
);

#[test]
fn fields() {
    let cases: &[FieldCase] = &[
        (
            "process.name",
            false,
            &[("process", false), ("name", false)],
            "process.name",
        ),
        (
            "?process.pid",
            true,
            &[("process", false), ("pid", false)],
            "process.pid",
        ),
        (
            "`my-field`.x",
            false,
            &[("my-field", true), ("x", false)],
            "my-field.x",
        ),
        (
            "a.`sequence`",
            false,
            &[("a", false), ("sequence", true)],
            "a.sequence",
        ),
        ("`a``b`", false, &[("a`b", true)], "a`b"),
        ("_x1", false, &[("_x1", false)], "_x1"),
    ];
    for (src, optional, segments, path) in cases {
        let x = expr_ok(src);
        let f = x.as_field().unwrap_or_else(|| panic!("{src}: not a field"));
        let segs: Vec<(&str, bool)> = f
            .segments
            .iter()
            .map(|s| (s.name.as_str(), s.quoted))
            .collect();
        assert_eq!(
            (f.optional, segs.as_slice(), f.path().as_str()),
            (*optional, *segments, *path),
            "{src}"
        );
        assert_eq!(f.span.range(), 0..src.len(), "{src}");
        assert_eq!(x.to_string(), *src);
    }
}

#[test]
fn spans_point_into_the_text() {
    let src = "any where a.b == \"x\" and startsWith~(c, \"y\")";
    let q = query_ok(src);
    let QueryBody::Event(ev) = &q.body else {
        panic!("event query expected")
    };
    assert_eq!(q.span.range(), 0..src.len());
    assert_eq!(ev.category.span().range(), 0..3);
    let ExprKind::And(items) = &ev.condition.kind else {
        panic!("and expected")
    };
    let [first, second] = items.as_slice() else {
        panic!("two operands expected")
    };
    assert_eq!(&src[first.span.range()], "a.b == \"x\"");
    assert_eq!(&src[second.span.range()], "startsWith~(c, \"y\")");
    let ExprKind::Call(c) = &second.kind else {
        panic!("call expected")
    };
    assert_eq!(&src[c.name_span.range()], "startsWith~");
    let paren = expr_ok("( a )");
    assert_eq!(paren.span.range(), 0..5);
}

#[test]
fn constant_detection() {
    let cases = [
        ("1 + 2", true),
        ("length(\"abc\") > 1", true),
        ("a", false),
        ("length(a) > 1", false),
        ("\"x\" in (\"y\", a)", false),
        ("not (true and false or null)", true),
        ("\"a\" : \"b\"", true),
        ("-a", false),
    ];
    for (src, constant) in cases {
        assert_eq!(expr_ok(src).is_constant(), constant, "{src}");
    }
}

// ---- statements -----------------------------------------------------------------------------

#[test]
fn event_query_categories() {
    let cases: &[(&str, Option<&str>)] = &[
        ("any where true", None),
        ("process where true", Some("process")),
        ("iam where true", Some("iam")),
        ("\"my-event.cat\" where true", Some("my-event.cat")),
        ("\"\"\"6cat\"\"\" where true", Some("6cat")),
    ];
    for (src, name) in cases {
        let q = query_ok(src);
        let QueryBody::Event(ev) = &q.body else {
            panic!("{src}")
        };
        assert_eq!(ev.category.name(), *name, "{src}");
        assert_eq!(ev.condition, boolean(true));
        assert_eq!(q.to_string(), *src);
    }
}

#[test]
fn sequences() {
    let src = "sequence by user.name, ?host.id with maxspan=15m\n\
               [process where a == 1] by p.pid\n\
               ![file where true] by f.pid with runs=2\n\
               [any where b : \"x\"] by x.pid\n\
               until [process where stop] by q.pid";
    let q = query_ok(src);
    let QueryBody::Sequence(seq) = &q.body else {
        panic!("sequence expected")
    };
    assert_eq!(
        seq.by,
        vec![
            Field::new("user.name"),
            Field {
                optional: true,
                ..Field::new("host.id")
            }
        ]
    );
    assert_eq!(
        seq.maxspan.map(|m| (m.value, m.unit, m.millis())),
        Some((15, TimeUnit::Minutes, 900_000))
    );
    let shape: Vec<_> = seq
        .steps
        .iter()
        .map(|s| (s.missing, s.query.category.name(), s.by.len(), s.repeat()))
        .collect();
    assert_eq!(
        shape,
        vec![
            (false, Some("process"), 1, 1),
            (true, Some("file"), 1, 2),
            (false, None, 1, 1)
        ]
    );
    assert_eq!(seq.expanded_steps().len(), 4);
    let keys: Vec<String> = seq.keys_of(&seq.steps[1]).map(Field::path).collect();
    assert_eq!(keys, ["user.name", "host.id", "f.pid"]);
    let until = seq
        .until
        .as_ref()
        .map(|u| (u.missing, u.query.category.name(), u.by.len()));
    assert_eq!(until, Some((false, Some("process"), 1)));
    assert_eq!(
        &src[seq.steps[1].span.range()],
        "![file where true] by f.pid with runs=2"
    );
    assert_round_trip(src, &q);
}

#[test]
fn maxspan_units_and_forms() {
    let cases: &[(&str, u64, TimeUnit)] = &[
        ("with maxspan=500ms", 500, TimeUnit::Milliseconds),
        ("with maxspan=30s", 30, TimeUnit::Seconds),
        ("with maxspan=15m", 15, TimeUnit::Minutes),
        ("with maxspan=1h", 1, TimeUnit::Hours),
        ("with maxspan=2d", 2, TimeUnit::Days),
        ("with maxspan = 5 m", 5, TimeUnit::Minutes),
    ];
    for (with, value, unit) in cases {
        let src = format!("sequence {with} [any where true] [any where true]");
        let q = query_ok(&src);
        let QueryBody::Sequence(seq) = &q.body else {
            panic!("{src}")
        };
        assert_eq!(
            seq.maxspan.map(|m| (m.value, m.unit)),
            Some((*value, *unit)),
            "{src}"
        );
        assert_round_trip(&src, &q);
    }
}

#[test]
fn samples() {
    let src = "sample by host [any where uptime > 0] by os [any where port > 100] by op_sys [any where bool == true] by os";
    let q = query_ok(src);
    let QueryBody::Sample(sample) = &q.body else {
        panic!("sample expected")
    };
    assert_eq!(sample.by, vec![Field::new("host")]);
    let keys: Vec<String> = sample
        .steps
        .iter()
        .flat_map(|s| s.by.iter().map(Field::path))
        .collect();
    assert_eq!(keys, ["os", "op_sys", "os"]);
    assert_round_trip(src, &q);
    let q = query_ok("sample [any where a] by x [any where b] by y");
    assert_round_trip("sample without shared keys", &q);
}

#[test]
fn pipes() {
    let cases: Vec<(&str, Vec<PipeKind>)> = vec![
        ("any where true | head 5", vec![PipeKind::Head(5)]),
        ("any where true | tail 0", vec![PipeKind::Tail(0)]),
        (
            "any where true | tail 10 | head 2",
            vec![PipeKind::Tail(10), PipeKind::Head(2)],
        ),
        ("any where true | count", vec![PipeKind::Count(vec![])]),
        (
            "any where true | count a, b",
            vec![PipeKind::Count(vec![fld("a"), fld("b")])],
        ),
        (
            "any where true | filter a == 1",
            vec![PipeKind::Filter(eq(fld("a"), int(1)))],
        ),
        (
            "any where true | sort a, b",
            vec![PipeKind::Sort(vec![fld("a"), fld("b")])],
        ),
        (
            "any where true | unique a",
            vec![PipeKind::Unique(vec![fld("a")])],
        ),
        (
            "any where true | unique_count a",
            vec![PipeKind::UniqueCount(vec![fld("a")])],
        ),
        (
            "sequence [any where true] [any where true] | tail 3",
            vec![PipeKind::Tail(3)],
        ),
    ];
    for (src, expected) in cases {
        let q = query_ok(src);
        let kinds: Vec<PipeKind> = q.pipes.iter().map(|p| p.kind.clone()).collect();
        assert_eq!(kinds, expected, "{src}");
        assert_round_trip(src, &q);
    }
    let q = query_ok("any where true | head 5");
    assert_eq!(q.pipes.first().map(|p| p.span.range()), Some(15..23));
}

#[test]
fn comments_and_whitespace() {
    let src = "// leading\nany /* a /* nested */ comment */ where\n\ta == 1 // trailing";
    let q = query_ok(src);
    let QueryBody::Event(ev) = &q.body else {
        panic!("event expected")
    };
    assert_eq!(ev.condition, eq(fld("a"), int(1)));
    assert_eq!(q.to_string(), "any where a == 1");
}

// ---- round trip -----------------------------------------------------------------------------

#[test]
fn display_round_trip() {
    let cases: &[(&str, Option<&str>)] = &[
        ("any where a == 1", Some("any where a == 1")),
        ("any where (a == 1)", Some("any where a == 1")),
        (
            "any where ((a or b)) and c",
            Some("any where (a or b) and c"),
        ),
        ("any where a or (b or c)", Some("any where a or (b or c)")),
        ("any where not (a and b)", Some("any where not (a and b)")),
        ("any where not a and b", Some("any where not a and b")),
        (
            "any where (not a) == true",
            Some("any where (not a) == true"),
        ),
        (
            "any where (a == 1) == true",
            Some("any where (a == 1) == true"),
        ),
        (
            "any where a - (b - c) == 1",
            Some("any where a - (b - c) == 1"),
        ),
        (
            "any where (a - b) - c == 1",
            Some("any where a - b - c == 1"),
        ),
        ("any where -(a + b) > 1", Some("any where -(a + b) > 1")),
        (
            "any where (a + b) in (1, 2)",
            Some("any where (a + b) in (1, 2)"),
        ),
        ("any where a + b in (1)", Some("any where a + b in (1)")),
        ("any where (-a) : \"x\"", Some("any where (-a) : \"x\"")),
        ("any where - a : \"x\"", Some("any where -a : \"x\"")),
        ("any where x : (\"a\")", Some("any where x : \"a\"")),
        (
            "any where x like~ (\"a\",\"b\")",
            Some("any where x like~ (\"a\", \"b\")"),
        ),
        (
            "any where x not in~ (\"a\")",
            Some("any where x not in~ (\"a\")"),
        ),
        (
            "any where startsWith~ ( x , \"a\" )",
            Some("any where startsWith~(x, \"a\")"),
        ),
        (
            "any where `my field` == \"\"\"raw\\\"\"\"\"",
            Some("any where `my field` == \"\"\"raw\\\"\"\"\""),
        ),
        (
            "any where ?a.`b c` != null",
            Some("any where ?a.`b c` != null"),
        ),
        (
            "any where a == \"tab\\there\\u{41}\"",
            Some("any where a == \"tab\\there\\u{41}\""),
        ),
        ("any where a == 1.50", Some("any where a == 1.50")),
        ("\"my cat\" where true", Some("\"my cat\" where true")),
        (
            "sequence by a with maxspan=1h [x where true] [y where true]",
            Some("sequence by a with maxspan=1h\n  [x where true]\n  [y where true]"),
        ),
        (
            "sequence [x where true] with runs=2",
            Some("sequence\n  [x where true] with runs=2"),
        ),
        (
            "sequence with maxspan=1s ![x where true] [y where true] until ![z where true]",
            None,
        ),
        (
            "sample [x where true] [y where true]",
            Some("sample\n  [x where true]\n  [y where true]"),
        ),
        (
            "any where true | head 1 | tail 2",
            Some("any where true\n| head 1\n| tail 2"),
        ),
    ];
    for (src, printed) in cases {
        let q = query_ok(src);
        if let Some(p) = printed {
            assert_eq!(q.to_string(), *p, "{src}");
        }
        assert_round_trip(src, &q);
    }
}

#[test]
fn programmatic_trees_print_valid_eql() {
    // Segments that are keywords or not identifiers get backticks; strings get escapes.
    let x = e(ExprKind::Compare {
        op: CompareOp::Eq,
        left: Box::new(e(ExprKind::Field(Field::new("event.sequence")))),
        right: Box::new(s("a\"b\\c\n")),
    });
    let printed = x.to_string();
    assert_eq!(printed, r#"event.`sequence` == "a\"b\\c\n""#);
    let again = expr_ok(&printed);
    assert_eq!(again.to_string(), printed);
    let ExprKind::Compare { left, right, .. } = &again.kind else {
        panic!("comparison expected")
    };
    assert_eq!(
        left.as_field().map(Field::path).as_deref(),
        Some("event.sequence")
    );
    assert_eq!(
        right.as_string().map(|s| s.value.as_str()),
        Some("a\"b\\c\n")
    );
    let odd = e(ExprKind::Field(Field::new("1st.my-field")));
    assert_eq!(odd.to_string(), "`1st`.`my-field`");
}

// ---- depth limits ---------------------------------------------------------------------------

/// Runs `f` on a thread with a 1 MiB stack (half a default test thread's), so the depth limit is
/// known to be safe with room to spare even in unoptimised builds.
fn on_small_stack(f: impl FnOnce() + Send + 'static) {
    let handle = std::thread::Builder::new().stack_size(1 << 20).spawn(f);
    let joined = handle.map(|h| h.join());
    assert!(matches!(joined, Ok(Ok(()))), "thread failed");
}

#[test]
fn deepest_accepted_nesting_fits_a_small_stack() {
    on_small_stack(|| {
        let depth = crate::parser::MAX_DEPTH - 1;
        let forms = [
            format!("any where {}a{}", "(".repeat(depth), ")".repeat(depth)),
            format!("any where {}a", "not ".repeat(depth)),
            format!("any where {}a == 1", "-".repeat(depth - 1)),
            format!(
                "any where {}a{} > 1",
                "length(".repeat(depth - 1),
                ")".repeat(depth - 1)
            ),
            format!("any where a{} == 1", " + a".repeat(depth - 1)),
        ];
        for src in forms {
            let q = parse(&src).unwrap_or_else(|d| panic!("{d}"));
            let printed = q.to_string();
            assert!(parse(&printed).is_ok_and(|again| again == q));
        }
    });
}

#[test]
fn nesting_limits() {
    let max = crate::parser::MAX_DEPTH;
    let code = |src: &str| parse(src).map(|_| ()).map_err(|d| d.code);
    let nested = |n: usize| format!("any where {}a{}", "(".repeat(n), ")".repeat(n));
    assert_eq!(code(&nested(max - 1)), Ok(()));
    assert_eq!(code(&nested(max)), Err("eql::nesting_too_deep"));
    assert_eq!(
        code(&format!("any where {}a", "not ".repeat(max))),
        Err("eql::nesting_too_deep")
    );
    assert_eq!(
        code(&format!("any where {}a == 1", "-".repeat(max))),
        Err("eql::nesting_too_deep")
    );
    assert_eq!(
        code(&format!("any where a{} == 1", " + a".repeat(max))),
        Err("eql::nesting_too_deep")
    );
    assert_eq!(
        code(&format!(
            "any where {}a{} > 1",
            "length(".repeat(max),
            ")".repeat(max)
        )),
        Err("eql::nesting_too_deep")
    );
    // `and`/`or` chains are flat, so long ones are fine (and cheap to drop and print).
    let long = format!(
        "any where a == 0{}",
        (1..5000)
            .map(|i| format!(" or a == {i}"))
            .collect::<String>()
    );
    let q = query_ok(&long);
    let QueryBody::Event(ev) = &q.body else {
        panic!("event expected")
    };
    assert!(matches!(&ev.condition.kind, ExprKind::Or(items) if items.len() == 5000));
    assert_round_trip("long or chain", &q);
}

// ---- errors ---------------------------------------------------------------------------------

#[test]
fn errors_have_codes_and_spans() {
    // (query, code, text under the span)
    let cases: &[(&str, &str, &str)] = &[
        ("any where a = 1", "eql::assignment_operator", "="),
        ("any where a == 'x'", "eql::single_quoted_string", "'x'"),
        ("any where a == ?\"x\"", "eql::legacy_raw_string", "?\"x\""),
        ("any where a == \"x", "eql::unterminated_string", "\"x"),
        ("any where a == \"\\q\"", "eql::invalid_escape", "\\q"),
        (
            "any where a == \"\\u{1}\"",
            "eql::invalid_unicode_escape",
            "\\u{1}",
        ),
        ("any where a == 1 b", "eql::trailing_input", "b"),
        ("any where a == 1 AND b == 2", "eql::trailing_input", "AND"),
        ("any WHERE a", "eql::unexpected_token", "WHERE"),
        ("any where", "eql::unexpected_end", ""),
        ("where a", "eql::unexpected_token", "where"),
        ("`cat` where a", "eql::unexpected_token", "`cat`"),
        ("any where a ==", "eql::unexpected_end", ""),
        ("any where (a", "eql::unexpected_end", ""),
        ("any where a < b < c", "eql::chained_comparison", "<"),
        ("any where 1 < 2 == true", "eql::chained_comparison", "=="),
        ("any where a == b", "eql::field_comparison", "a == b"),
        (
            "any where length(a) == length(b)",
            "eql::field_comparison",
            "length(a) == length(b)",
        ),
        ("any where a + 1 > b", "eql::field_comparison", "a + 1 > b"),
        (
            "any where wildcard(a, \"x*\")",
            "eql::unknown_function",
            "wildcard",
        ),
        (
            "any where stringContain(a, \"x\")",
            "eql::unknown_function",
            "stringContain",
        ),
        (
            "any where startsWith(a)",
            "eql::function_arity",
            "startsWith(a)",
        ),
        (
            "any where between(a, \"x\")",
            "eql::function_arity",
            "between(a, \"x\")",
        ),
        (
            "any where substring(a, 1, 2, 3) == \"\"",
            "eql::function_arity",
            "substring(a, 1, 2, 3)",
        ),
        (
            "any where cidrMatch(a)",
            "eql::function_arity",
            "cidrMatch(a)",
        ),
        (
            "any where length(a, b) > 1",
            "eql::function_arity",
            "length(a, b)",
        ),
        (
            "any where length~(a) > 1",
            "eql::case_insensitive_unsupported",
            "length~",
        ),
        (
            "any where cidrMatch~(a, \"x\")",
            "eql::case_insensitive_unsupported",
            "cidrMatch~",
        ),
        ("any where a~ == 1", "eql::unexpected_token", "=="),
        ("any where a : b", "eql::pattern_not_string", "b"),
        ("any where a like 5", "eql::pattern_not_string", "5"),
        (
            "any where a regex (\"x\", null)",
            "eql::pattern_not_string",
            "null",
        ),
        ("any where a not like \"x\"", "eql::unexpected_token", "not"),
        ("any where a in ()", "eql::unexpected_token", ")"),
        ("any where a in \"x\"", "eql::unexpected_token", "\"x\""),
        ("any where a[0] == 1", "eql::array_index", "["),
        (
            "any where a.sequence == 1",
            "eql::keyword_as_field",
            "sequence",
        ),
        ("any where sample == 1", "eql::unexpected_token", "sample"),
        ("any where ?1 == 1", "eql::unexpected_token", "1"),
        (
            "any where child of [any where true]",
            "eql::process_relationship_unsupported",
            "child",
        ),
        (
            "join [a where true] [b where true]",
            "eql::join_unsupported",
            "join",
        ),
        ("any where 1e999 > 1", "eql::invalid_number", "1e999"),
        ("any where a && b", "eql::invalid_character", "&"),
        ("any where !a", "eql::invalid_character", "!"),
        // Sequences.
        (
            "sequence [a where true]",
            "eql::sequence_too_short",
            "sequence [a where true]",
        ),
        (
            "sequence [a where true] by x [b where true]",
            "eql::join_key_count",
            "[b where true]",
        ),
        (
            "sequence by k [a where true] by x [b where true] by y until [c where true]",
            "eql::join_key_count",
            "[c where true]",
        ),
        (
            "sequence by 1 [a where true] [b where true]",
            "eql::join_key_not_field",
            "1",
        ),
        (
            "sequence by f(x) [a where true] [b where true]",
            "eql::unknown_function",
            "f",
        ),
        (
            "sequence with maxspan=1h by k [a where true] [b where true]",
            "eql::by_after_with",
            "by",
        ),
        (
            "sequence with maxspan=0s [a where true] [b where true]",
            "eql::invalid_maxspan",
            "0",
        ),
        (
            "sequence with maxspan=1.5h [a where true] [b where true]",
            "eql::invalid_maxspan",
            "1.5",
        ),
        (
            "sequence with maxspan=5 [a where true] [b where true]",
            "eql::invalid_maxspan",
            "5",
        ),
        (
            "sequence with maxspan=5M [a where true] [b where true]",
            "eql::invalid_maxspan",
            "M",
        ),
        (
            "sequence with maxspan=5sec [a where true] [b where true]",
            "eql::invalid_maxspan",
            "sec",
        ),
        (
            "sequence with maxspan=-5s [a where true] [b where true]",
            "eql::invalid_maxspan",
            "-",
        ),
        (
            "sequence with maxspan==5s [a where true] [b where true]",
            "eql::unexpected_token",
            "==",
        ),
        ("sequence with maxspan=5s", "eql::unexpected_end", ""),
        (
            "sequence [a where true] with runs=0",
            "eql::invalid_runs",
            "0",
        ),
        (
            "sequence [a where true] with runs=101",
            "eql::invalid_runs",
            "101",
        ),
        (
            "sequence [a where true] with repeat=2",
            "eql::unexpected_token",
            "repeat",
        ),
        (
            "sequence [a where true] [b where true] with maxspan=1h",
            "eql::unexpected_token",
            "maxspan",
        ),
        (
            "sequence ![a where true] [b where true]",
            "eql::missing_event_requires_maxspan",
            "![a where true]",
        ),
        (
            "sequence with maxspan=1h ![a where true] ![b where true]",
            "eql::missing_event_only",
            "sequence with maxspan=1h ![a where true] ![b where true]",
        ),
        (
            "sequence [a where true [b where true]",
            "eql::unexpected_token",
            "[",
        ),
        (
            "sequence [a where true] [b where true] [c where true",
            "eql::unexpected_end",
            "",
        ),
        // Samples.
        (
            "sample [a where true] [b where true] | head 1",
            "eql::sample_pipes",
            "| head 1",
        ),
        (
            "sample ![a where true] [b where true]",
            "eql::sample_missing_event",
            "![a where true]",
        ),
        (
            "sample [a where true] with runs=2",
            "eql::sample_with",
            "with",
        ),
        (
            "sample [a where true] [b where true] until [c where true]",
            "eql::sample_until",
            "until",
        ),
        (
            "sample with maxspan=1h [a where true]",
            "eql::sample_with",
            "with",
        ),
        (
            "sample by k [a where true] by x [b where true]",
            "eql::join_key_count",
            "[b where true]",
        ),
        // Pipes.
        ("any where true | haed 1", "eql::unknown_pipe", "haed"),
        ("any where true | HEAD 1", "eql::unknown_pipe", "HEAD"),
        ("any where true | head", "eql::pipe_argument", "| head"),
        ("any where true | head -1", "eql::pipe_argument", "-1"),
        ("any where true | head 1.5", "eql::pipe_argument", "1.5"),
        (
            "any where true | tail 1, 2",
            "eql::pipe_argument",
            "| tail 1, 2",
        ),
        ("any where true | filter", "eql::pipe_argument", "| filter"),
        ("any where true | unique", "eql::pipe_argument", "| unique"),
        ("any where true |", "eql::unexpected_end", ""),
    ];
    for (src, code, under) in cases {
        let d = parse(src).map(|_| ()).expect_err(src);
        let text = src.get(d.span.range()).unwrap_or("<bad span>");
        assert_eq!((d.code, text), (*code, *under), "{src}: {}", d.message);
    }
}

#[test]
fn porting_mistakes_get_help() {
    // (query, a phrase the help must contain)
    let cases: &[(&str, &str)] = &[
        ("any where a = \"x\"", "use `==`"),
        ("any where a == 'x'", "double-quoted"),
        ("any where a == ?\"x\"", "\"\"\"text\"\"\""),
        ("any where a == 1 AND b == 2", "write `and`"),
        ("any WHERE true", "write `where`"),
        ("any where wildcard(a, \"x*\")", "like"),
        ("any where arrayContains(a, \"x\")", "not supported"),
        ("any where stringcontians(a, \"x\")", "`stringContains`"),
        ("any where a && b", "use `and`"),
        ("any where a || b", "use `or`"),
        ("any where !a", "use `not`"),
        ("any where a.sequence == 1", "`` `sequence` ``"),
        ("any where a not like \"x\"", "not <field> like <pattern>"),
        ("any where a == \"C:\\Windows\"", "raw string"),
        ("any where a[0] == 1", "multi-valued"),
        (
            "sequence with maxspan=5 [a where true] [b where true]",
            "maxspan=15m",
        ),
        ("any where a == 1 [b where true]", "sequence"),
    ];
    for (src, phrase) in cases {
        let d = parse(src).map(|_| ()).expect_err(src);
        let help = d.help.clone().unwrap_or_default();
        assert!(
            help.contains(phrase),
            "{src}: help {help:?} lacks {phrase:?} ({})",
            d.message
        );
    }
}

#[test]
fn errors_render_with_a_caret() {
    let src = "any where\n  a = 1";
    let d = parse(src).map(|_| ()).expect_err("assignment");
    assert_eq!(
        d.render("rule.toml", src),
        "rule.toml:2:5: `=` is not a comparison operator [eql::assignment_operator]\n  |   a = 1\n  |     ^\n  = help: use `==` for case-sensitive equality or `:` for case-insensitive equality with wildcards\n"
    );
}

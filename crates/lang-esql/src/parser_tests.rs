//! Table-driven parser, printer and error tests.

use crate::ast::*;
use crate::parse;

/// Parses, prints, re-parses: the printed form must be `want` and re-parse to an equal tree.
fn roundtrip(src: &str) -> String {
    let q = parse(src).unwrap_or_else(|d| panic!("{src}\n{}", d.render("test", src)));
    let printed = q.to_string();
    let again = parse(&printed)
        .unwrap_or_else(|d| panic!("reparse of {printed}\n{}", d.render("printed", &printed)));
    assert_eq!(q, again, "round trip changed the tree:\n{src}\n{printed}");
    assert_eq!(again.to_string(), printed, "printing is not idempotent");
    printed
}

#[test]
fn canonical_printing() {
    let cases: &[(&str, &str)] = &[
        ("from logs-aws.cloudtrail-*", "FROM logs-aws.cloudtrail-*"),
        (
            "FROM a, b-*, \"c,d\" metadata _id, _version, _index",
            "FROM a, b-*, \"c,d\" METADATA _id, _version, _index",
        ),
        (
            "from remote:logs-*, idx::failures",
            "FROM remote:logs-*, idx::failures",
        ),
        (
            "from .alerts-security.* METADATA _id",
            "FROM .alerts-security.* METADATA _id",
        ),
        (
            "row a = 1, b = \"x\", c = null, d = true, 1 + 1",
            "ROW a = 1, b = \"x\", c = null, d = true, 1 + 1",
        ),
        (
            "row a = [1, 2.5], b = [\"x\", \"y\"], c = [true]",
            "ROW a = [1, 2.5], b = [\"x\", \"y\"], c = [true]",
        ),
        ("show info", "SHOW INFO"),
        (
            "from i | where @timestamp > now() - 7 day",
            "FROM i | WHERE @timestamp > now() - 7 day",
        ),
        (
            "from i | where a > now() - 10 minutes and b < NOW() - 1 hour",
            "FROM i | WHERE a > now() - 10 minute AND b < NOW() - 1 hour",
        ),
        (
            "from i | eval x = 1day, y = -7 days, z = 5 MINUTE, w = 2 ms",
            "FROM i | EVAL x = 1 day, y = -7 day, z = 5 minute, w = 2 millisecond",
        ),
        (
            "from i | where a == 1 or b == 2 and c == 3",
            "FROM i | WHERE a == 1 OR b == 2 AND c == 3",
        ),
        (
            "from i | where (a == 1 or b == 2) and c == 3",
            "FROM i | WHERE (a == 1 OR b == 2) AND c == 3",
        ),
        (
            "from i | where not a == 1 and b",
            "FROM i | WHERE NOT a == 1 AND b",
        ),
        (
            "from i | where not (a and b)",
            "FROM i | WHERE NOT (a AND b)",
        ),
        ("from i | where not not a", "FROM i | WHERE NOT NOT a"),
        (
            "from i | where a not in (\"x\", \"y\")",
            "FROM i | WHERE a NOT IN (\"x\", \"y\")",
        ),
        ("from i | where not a in (1)", "FROM i | WHERE NOT a IN (1)"),
        (
            "from i | where true in (starts_with(a, \"D\"), b)",
            "FROM i | WHERE true IN (starts_with(a, \"D\"), b)",
        ),
        (
            "from i | where a like \"*x*\" and b not like \"y?\"",
            "FROM i | WHERE a LIKE \"*x*\" AND b NOT LIKE \"y?\"",
        ),
        (
            "from i | where a rlike \".*x.*\" or a not rlike \"b\"",
            "FROM i | WHERE a RLIKE \".*x.*\" OR a NOT RLIKE \"b\"",
        ),
        (
            "from i | where a like (\"x*\", \"y*\") and b rlike (\"a.*\",\"b\")",
            "FROM i | WHERE a LIKE (\"x*\", \"y*\") AND b RLIKE (\"a.*\", \"b\")",
        ),
        (
            "from i | where a is null or b is not null",
            "FROM i | WHERE a IS NULL OR b IS NOT NULL",
        ),
        (
            "from i | where a + 1 is null",
            "FROM i | WHERE a + 1 IS NULL",
        ),
        ("from i | eval x = a == b", "FROM i | EVAL x = a == b"),
        (
            "from i | eval x = (a == b) is null",
            "FROM i | EVAL x = a == b IS NULL",
        ),
        (
            "from i | eval x = 1 - (2 - 3), y = (1 - 2) - 3, z = 2 * (3 + 4)",
            "FROM i | EVAL x = 1 - (2 - 3), y = 1 - 2 - 3, z = 2 * (3 + 4)",
        ),
        (
            "from i | eval x = -a * b, y = -(a * b), z = - -a",
            "FROM i | EVAL x = -a * b, y = -(a * b), z = --a",
        ),
        (
            "from i | eval x = -(5), y = -5, z = +5, w = +a",
            "FROM i | EVAL x = -(5), y = -5, z = 5, w = +a",
        ),
        (
            "from i | eval x = 10 / 3 % 2, y = 1.5e3, z = .5, w = 3.",
            "FROM i | EVAL x = 10 / 3 % 2, y = 1500.0, z = 0.5, w = 3.0",
        ),
        (
            "from i | eval x = 9223372036854775808, y = 99999999999999999999999",
            "FROM i | EVAL x = 9223372036854775808, y = 1e23",
        ),
        (
            "from i | eval x = a::long, y = \"1\"::integer::double, z = -x::long",
            "FROM i | EVAL x = a::long, y = \"1\"::integer::double, z = -x::long",
        ),
        (
            "from i | eval x = (a + b)::long, y = -5::long",
            "FROM i | EVAL x = (a + b)::long, y = -5::long",
        ),
        (
            "from i | eval x = count(*), y = count(), z = f(a, b, c)",
            "FROM i | EVAL x = count(*), y = count(), z = f(a, b, c)",
        ),
        (
            "from i | where match(title, \"x\", {\"operator\": \"AND\", \"boost\": 2})",
            "FROM i | WHERE match(title, \"x\", {\"operator\": \"AND\", \"boost\": 2})",
        ),
        (
            "from i | where title : \"quick\" and t::keyword : \"x\"",
            "FROM i | WHERE title : \"quick\" AND t::keyword : \"x\"",
        ),
        (
            "from i | where a == ? and b == ?name and c == ?1",
            "FROM i | WHERE a == ? AND b == ?name AND c == ?1",
        ),
        (
            "from i | keep `source.as.organization.name`, `a``b`",
            "FROM i | KEEP `source.as.organization.name`, `a``b`",
        ),
        (
            "from i | where `source.as.organization.name` != \"AMAZON-AES\"",
            "FROM i | WHERE `source.as.organization.name` != \"AMAZON-AES\"",
        ),
        (
            "from i | eval `first` = 1, @x = _y",
            "FROM i | EVAL `first` = 1, @x = _y",
        ),
        (
            "from i | stats c = count(*) by x",
            "FROM i | STATS c = count(*) BY x",
        ),
        (
            "from i | stats count(*), max(a) where a > 1 by k = date_trunc(5 minute, @timestamp), x",
            "FROM i | STATS count(*), max(a) WHERE a > 1 BY k = date_trunc(5 minute, @timestamp), x",
        ),
        ("from i | stats by x", "FROM i | STATS BY x"),
        ("from i | stats", "FROM i | STATS"),
        (
            "from i | inline stats m = max(a) by b",
            "FROM i | INLINE STATS m = max(a) BY b",
        ),
        (
            "from i | inlinestats m = max(a)",
            "FROM i | INLINE STATS m = max(a)",
        ),
        (
            "from i | keep aws.*, Esql.*, @timestamp, _id",
            "FROM i | KEEP aws.*, Esql.*, @timestamp, _id",
        ),
        ("from i | drop a*b, c", "FROM i | DROP a*b, c"),
        (
            "from i | rename a as b, c.d AS e",
            "FROM i | RENAME a AS b, c.d AS e",
        ),
        ("from i | rename b = a", "FROM i | RENAME b = a"),
        (
            "from i | sort a, b desc, c asc nulls first, d nulls last",
            "FROM i | SORT a, b DESC, c ASC NULLS FIRST, d NULLS LAST",
        ),
        ("from i | limit 10", "FROM i | LIMIT 10"),
        ("from i | limit ?n", "FROM i | LIMIT ?n"),
        (
            r#"from i | dissect a "%{x} %{y}" append_separator=",""#,
            r#"FROM i | DISSECT a "%{x} %{y}" APPEND_SEPARATOR=",""#,
        ),
        (
            r#"from i | dissect a::keyword """%{x} "%{y}""""#,
            r#"FROM i | DISSECT a::keyword """%{x} "%{y}""""#,
        ),
        (
            r#"from i | grok a "%{WORD:w}", "%{INT:n:int}""#,
            r#"FROM i | GROK a "%{WORD:w}", "%{INT:n:int}""#,
        ),
        ("from i | mv_expand a.b", "FROM i | MV_EXPAND a.b"),
        (
            "from i | enrich languages_policy on a with name = language_name, x",
            "FROM i | ENRICH languages_policy ON a WITH name = language_name, x",
        ),
        ("from i | enrich _remote:p", "FROM i | ENRICH _remote:p"),
        (
            "from i | lookup join threat_list on source.ip",
            "FROM i | LOOKUP JOIN threat_list ON source.ip",
        ),
        (
            "from i | lookup join t on a == b, c",
            "FROM i | LOOKUP JOIN t ON a == b, c",
        ),
        (
            "from i | change_point count on @timestamp as type, pvalue",
            "FROM i | CHANGE_POINT count ON @timestamp AS type, pvalue",
        ),
        ("from i | sample 0.1", "FROM i | SAMPLE 0.1"),
        (
            "from i | fork (where a > 1) (where b | limit 3)",
            "FROM i | FORK (WHERE a > 1) (WHERE b | LIMIT 3)",
        ),
        (
            "FROM i // comment\n| /* block /* nested */ */ WHERE a",
            "FROM i | WHERE a",
        ),
        (
            "FrOm i | WhErE a == 1 AnD b Is NoT nUlL",
            "FROM i | WHERE a == 1 AND b IS NOT NULL",
        ),
        (
            "from i | where a == \"tab\\there \\\"q\\\"\"",
            "FROM i | WHERE a == \"\"\"tab\there \"q\"\"\"\"",
        ),
        (
            "from i | where a == \"line\\nbreak\"",
            "FROM i | WHERE a == \"line\\nbreak\"",
        ),
    ];
    for (src, want) in cases {
        assert_eq!(roundtrip(src), *want, "{src}");
    }
}

fn where_expr(src: &str) -> Expr {
    let q = parse(&format!("from i | where {src}")).unwrap_or_else(|d| panic!("{src}: {d}"));
    match q.commands.into_iter().next() {
        Some(ProcessingCommand::Where { condition, .. }) => condition,
        other => panic!("{other:?}"),
    }
}

fn field(name: &str) -> Expr {
    Expr::Field(QualifiedName {
        parts: name
            .split('.')
            .map(|p| Ident {
                name: p.into(),
                quoted: false,
                span: Default::default(),
            })
            .collect(),
        span: Default::default(),
    })
}

fn int(v: i64) -> Expr {
    Expr::Literal(Literal {
        value: LiteralValue::Integer(v),
        span: Default::default(),
    })
}

fn bin(op: BinaryOp, l: Expr, r: Expr) -> Expr {
    Expr::Binary {
        op,
        left: Box::new(l),
        right: Box::new(r),
        span: Default::default(),
    }
}

#[test]
fn precedence_shapes() {
    use BinaryOp::*;
    let cases: Vec<(&str, Expr)> = vec![
        (
            "a OR b AND c",
            bin(Or, field("a"), bin(And, field("b"), field("c"))),
        ),
        (
            "a AND b OR c",
            bin(Or, bin(And, field("a"), field("b")), field("c")),
        ),
        (
            "NOT a AND b",
            bin(
                And,
                Expr::Not {
                    operand: Box::new(field("a")),
                    span: Default::default(),
                },
                field("b"),
            ),
        ),
        (
            "a + b * c == d",
            bin(
                Eq,
                bin(Add, field("a"), bin(Mul, field("b"), field("c"))),
                field("d"),
            ),
        ),
        (
            "a - b - c",
            bin(Sub, bin(Sub, field("a"), field("b")), field("c")),
        ),
        ("x.y.z >= -1", bin(Gte, field("x.y.z"), int(-1))),
        ("a - 1", bin(Sub, field("a"), int(1))),
        (
            "NOT a IN (1, 2)",
            Expr::Not {
                operand: Box::new(Expr::In {
                    expr: Box::new(field("a")),
                    list: vec![int(1), int(2)],
                    negated: false,
                    span: Default::default(),
                }),
                span: Default::default(),
            },
        ),
    ];
    for (src, want) in cases {
        assert_eq!(where_expr(src), want, "{src}");
    }
}

#[test]
fn literal_values() {
    let lit = |src: &str| match where_expr(&format!("x == {src}")) {
        Expr::Binary { right, .. } => match *right {
            Expr::Literal(l) => l.value,
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    };
    use LiteralValue::*;
    let cases = [
        ("1", Integer(1)),
        ("-2147483649", Integer(-2_147_483_649)),
        ("18446744073709551615", UnsignedLong(u64::MAX)),
        ("1e400000000", Null), // placeholder, checked as an error below
    ];
    for (src, want) in &cases[..3] {
        assert_eq!(lit(src), *want, "{src}");
    }
    assert_eq!(
        lit("7 DAYS"),
        TimeSpan {
            amount: 7,
            unit: TimeUnit::Day
        }
    );
    assert_eq!(
        lit("30 seconds"),
        TimeSpan {
            amount: 30,
            unit: TimeUnit::Second
        }
    );
    assert_eq!(lit("\"\"\"a\\b\"\"\""), String("a\\b".into()));
    assert_eq!(lit("\"\\\\\""), String("\\".into()));
    assert_eq!(lit("[1, -2]"), Array(vec![Integer(1), Integer(-2)]));
    assert!(parse(&format!("from i | where x == {}", cases[3].0)).is_err());
}

#[test]
fn spans_point_into_the_source() {
    let src = "from i | where a == \"x\" | eval y = f(b)";
    let q = parse(src).unwrap();
    assert_eq!(q.span.range(), 0..src.len());
    let ProcessingCommand::Where { condition, span } = &q.commands[0] else {
        panic!()
    };
    assert_eq!(&src[span.range()], "where a == \"x\"");
    assert_eq!(&src[condition.span().range()], "a == \"x\"");
    let ProcessingCommand::Eval { fields, .. } = &q.commands[1] else {
        panic!()
    };
    assert_eq!(&src[fields[0].span.range()], "y = f(b)");
    assert_eq!(&src[fields[0].expr.span().range()], "f(b)");
}

/// (query, diagnostic code, message fragment, text the span covers)
#[test]
fn errors() {
    let cases: &[(&str, &str, &str, &str)] = &[
        ("", "esql::syntax", "empty query", ""),
        (
            "where a",
            "esql::syntax",
            "mismatched input 'where' expecting a source command",
            "where",
        ),
        (
            "select * from t",
            "esql::syntax",
            "mismatched input 'select'",
            "select",
        ),
        (
            "from i | where a = 1",
            "esql::single_equals",
            "mismatched input '='",
            "=",
        ),
        ("from i | where a =~ \"x\"", "esql::syntax", "'=~'", "=~"),
        (
            "from i | eval x = a = b",
            "esql::single_equals",
            "mismatched input '='",
            "=",
        ),
        (
            "from i | where a == b == c",
            "esql::syntax",
            "mismatched input '=='",
            "==",
        ),
        (
            "from i | where a ==",
            "esql::syntax",
            "mismatched input <EOF> expecting an expression",
            "",
        ),
        (
            "from i | where (a",
            "esql::syntax",
            "mismatched input <EOF> expecting ')'",
            "",
        ),
        (
            "from i | where a and",
            "esql::syntax",
            "mismatched input <EOF>",
            "",
        ),
        (
            "from i | where a not b",
            "esql::syntax",
            "mismatched input 'b' expecting {'in', 'like', 'rlike'}",
            "b",
        ),
        (
            "from i | where a is nul",
            "esql::syntax",
            "mismatched input 'nul' expecting 'null'",
            "nul",
        ),
        (
            "from i | where a like b",
            "esql::syntax",
            "expecting a LIKE pattern string",
            "b",
        ),
        (
            "from i | where a like \"x\\\\y\"",
            "esql::like_pattern",
            "Invalid sequence - escape character is not followed by special wildcard char",
            "\"x\\\\y\"",
        ),
        (
            "from i | where a rlike \"~x\"",
            "lucene_regex::unsupported",
            "complement",
            "\"~x\"",
        ),
        (
            "from i | where a rlike \"(x\"",
            "lucene_regex::syntax",
            "expected ')'",
            "\"(x\"",
        ),
        (
            "from i | where a == 'x'",
            "esql::syntax",
            "token recognition error at: '''",
            "'",
        ),
        (
            "from i | where a == \"x",
            "esql::syntax",
            "unterminated string literal",
            "\"x",
        ),
        (
            "from i | where a && b",
            "esql::syntax",
            "token recognition error at: '&'",
            "&",
        ),
        (
            "from i | where a > now() - 7 fortnights",
            "esql::syntax",
            "Unexpected temporal unit: 'fortnights'",
            "fortnights",
        ),
        (
            "from i | where a > now() - 1.5 days",
            "esql::syntax",
            "mismatched input 'days'",
            "days",
        ),
        (
            "from i | where by == 1",
            "esql::syntax",
            "mismatched input 'by' expecting an expression",
            "by",
        ),
        (
            "from i | eval first = 1",
            "esql::unsupported",
            "'first' is a reserved keyword",
            "first",
        ),
        (
            "from i | where a.",
            "esql::syntax",
            "expecting an identifier after '.'",
            "",
        ),
        (
            "from i | frobnicate",
            "esql::syntax",
            "mismatched input 'frobnicate' expecting a processing command",
            "frobnicate",
        ),
        (
            "from i | rerank \"q\" on a",
            "esql::unsupported_command",
            "unsupported command [RERANK]",
            "rerank",
        ),
        (
            "from i | completion x = \"p\"",
            "esql::unsupported_command",
            "unsupported command [COMPLETION]",
            "completion",
        ),
        (
            "ts metrics-*",
            "esql::unsupported_command",
            "unsupported command [TS]",
            "ts",
        ),
        (
            "from i | from j",
            "esql::syntax",
            "expecting a processing command",
            "from",
        ),
        (
            "from i |",
            "esql::syntax",
            "mismatched input '<EOF>' expecting a processing command",
            "",
        ),
        (
            "from i | limit -1",
            "esql::syntax",
            "must be a non-negative integer",
            "1",
        ),
        (
            "from i | limit 3000000000",
            "esql::syntax",
            "must be a non-negative integer",
            "3000000000",
        ),
        (
            "from i | limit a",
            "esql::syntax",
            "expecting an integer row count",
            "a",
        ),
        (
            "from i metadata _foo",
            "esql::syntax",
            "unsupported metadata field [_foo]",
            "_foo",
        ),
        ("from i j", "esql::syntax", "mismatched input 'j'", "j"),
        (
            "from (from j)",
            "esql::syntax",
            "mismatched input 'j)'",
            "j)",
        ),
        (
            "from i | keep a, ",
            "esql::syntax",
            "expecting a field name or pattern",
            "",
        ),
        (
            "from i | keep ?p",
            "esql::unsupported",
            "parameters in field name patterns",
            "?",
        ),
        (
            "from i | rename a* as b*",
            "esql::syntax",
            "Using wildcards [*] in RENAME is not allowed [a* as b*]",
            "a* as b*",
        ),
        (
            "from i | rename a b",
            "esql::syntax",
            "expecting {'as', '='}",
            "b",
        ),
        (
            "from i | sort a nulls",
            "esql::syntax",
            "expecting {'first', 'last'}",
            "",
        ),
        (
            "from i | dissect a \"no fields\"",
            "esql::dissect",
            "Invalid pattern for dissect: [no fields]",
            "\"no fields\"",
        ),
        (
            "from i | dissect a \"%{}\"",
            "esql::dissect",
            "Invalid pattern for dissect: [%{}]",
            "\"%{}\"",
        ),
        (
            "from i | dissect a \"%{*a}:%{&a}\"",
            "esql::dissect",
            "Reference keys not supported in dissect patterns: [%{*a}]",
            "\"%{*a}:%{&a}\"",
        ),
        (
            "from i | dissect a \"%{b}\" invalid_option=3",
            "esql::syntax",
            "Invalid option for dissect: [invalid_option]",
            "invalid_option",
        ),
        (
            "from i | dissect a \"%{b}\" append_separator=3",
            "esql::syntax",
            "Invalid value for dissect append_separator: expected a string, but was [3]",
            "3",
        ),
        (
            "from i | grok a \"%{_invalid_:x}\"",
            "grok::invalid",
            "Invalid pattern [%{_invalid_:x}] for grok: Unable to find pattern [_invalid_] in Grok's pattern dictionary",
            "\"%{_invalid_:x}\"",
        ),
        (
            "from i | grok a \"(?<=a)b\"",
            "grok::unsupported",
            "a lookbehind is not supported",
            "\"(?<=a)b\"",
        ),
        (
            "from i | where a == ??x",
            "esql::syntax",
            "double parameters",
            "??x",
        ),
        (
            "from i | where a == [1, \"x\"]",
            "esql::syntax",
            "array constants must hold",
            "\"x\"",
        ),
        (
            "from i | stats a = count(*) by",
            "esql::syntax",
            "mismatched input <EOF>",
            "",
        ),
        (
            "from i | where `open",
            "esql::syntax",
            "unterminated quoted identifier",
            "`open",
        ),
        (
            "from i /* open",
            "esql::syntax",
            "unterminated block comment",
            "/* open",
        ),
        (
            "from i | enrich",
            "esql::syntax",
            "missing enrich policy name",
            "",
        ),
        (
            "from i | lookup join t",
            "esql::syntax",
            "expecting 'on'",
            "",
        ),
        (
            "from i | fork",
            "esql::syntax",
            "'(' starting a FORK branch",
            "",
        ),
        (
            "from i | where f(*, a)",
            "esql::syntax",
            "mismatched input ','",
            ",",
        ),
    ];
    for (src, code, msg, covered) in cases {
        let d = match parse(src) {
            Ok(q) => panic!("{src:?} parsed as {q}"),
            Err(d) => d,
        };
        assert_eq!(d.code, *code, "{src:?}: {d}");
        assert!(
            d.message.contains(msg),
            "{src:?}: message {:?} lacks {msg:?}",
            d.message
        );
        assert_eq!(
            src.get(d.span.range()),
            Some(*covered),
            "{src:?}: span {:?}",
            d.span
        );
    }
}

#[test]
fn single_equals_has_a_help_line() {
    let d = parse("from i | where event.provider = \"x\"").unwrap_err();
    assert!(d.help.as_deref().is_some_and(|h| h.contains("==")), "{d:?}");
}

#[test]
fn hostile_input_is_rejected_not_crashed() {
    // deep parentheses
    let deep = format!(
        "from i | where {}a{}",
        "(".repeat(10_000),
        ")".repeat(10_000)
    );
    assert_eq!(parse(&deep).unwrap_err().code, "esql::too_deep");
    // long operator chains build a deep left-nested tree
    let chain = format!("from i | where a{}", " + a".repeat(5_000));
    assert_eq!(parse(&chain).unwrap_err().code, "esql::too_deep");
    let ors = format!("from i | where a == 1{}", " or a == 1".repeat(5_000));
    assert_eq!(parse(&ors).unwrap_err().code, "esql::too_deep");
    let nots = format!("from i | where {}a", "not ".repeat(10_000));
    assert_eq!(parse(&nots).unwrap_err().code, "esql::too_deep");
    let negs = format!("from i | eval x = {}a", "- ".repeat(10_000));
    assert_eq!(parse(&negs).unwrap_err().code, "esql::too_deep");
    let calls = format!(
        "from i | eval x = {}a{}",
        "f(".repeat(10_000),
        ")".repeat(10_000)
    );
    assert_eq!(parse(&calls).unwrap_err().code, "esql::too_deep");
    // acceptable sizes still work and round-trip
    let ok = format!("from i | where a == 1{}", " or a == 1".repeat(200));
    roundtrip(&ok);
    let nested = format!("from i | where {}a{}", "(".repeat(30), ")".repeat(30));
    roundtrip(&nested);
    // long IN lists are flat
    let list = format!("from i | where a in ({})", vec!["\"x\""; 5_000].join(", "));
    roundtrip(&list);
    // garbage bytes
    for src in [
        "\u{0}",
        "from i | where \u{1F600}",
        "from i | eval x = 1e999",
        "from i | where a ::",
        "from",
    ] {
        assert!(parse(src).is_err(), "{src:?}");
    }
}

#[test]
fn every_prefix_of_a_query_parses_or_fails_cleanly() {
    let src = r#"FROM logs-* METADATA _id | WHERE a == "x" AND b IN (1, 2) | EVAL t = DATE_TRUNC(1 hour, @timestamp) | STATS c = COUNT(*) WHERE d > 1 BY t | SORT c DESC NULLS LAST | KEEP c, t* | DISSECT x "%{a} %{b}" | GROK y "%{INT:n}" | LIMIT 5"#;
    for end in 0..=src.len() {
        if let Some(prefix) = src.get(..end)
            && let Ok(q) = parse(prefix)
        {
            roundtrip(&q.to_string());
        }
    }
}

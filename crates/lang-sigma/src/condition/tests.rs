use super::*;

fn parse(text: &str) -> Result<Condition, Diagnostic> {
    parse_condition(text, Some(0), Span::default())
}

fn ok(text: &str) -> Condition {
    parse(text).unwrap_or_else(|d| panic!("{text:?}: {d}"))
}

fn id(name: &str) -> CondExpr {
    CondExpr::Ident {
        name: name.into(),
        span: Span::default(),
    }
}

fn and(operands: Vec<CondExpr>) -> CondExpr {
    CondExpr::And {
        operands,
        span: Span::default(),
    }
}

fn or(operands: Vec<CondExpr>) -> CondExpr {
    CondExpr::Or {
        operands,
        span: Span::default(),
    }
}

fn not(e: CondExpr) -> CondExpr {
    CondExpr::Not {
        expr: Box::new(e),
        span: Span::default(),
    }
}

fn of(q: Quantifier, p: &str) -> CondExpr {
    let target = if p == "them" {
        OfTarget::Them
    } else {
        OfTarget::Pattern(p.into())
    };
    CondExpr::Of {
        quantifier: q,
        target,
        span: Span::default(),
    }
}

#[test]
fn forms_and_precedence() {
    use Quantifier::{All, AtLeast};
    let cases: Vec<(&str, CondExpr, &str)> = vec![
        ("selection", id("selection"), "selection"),
        ("a and b", and(vec![id("a"), id("b")]), "a and b"),
        (
            "a and b and c",
            and(vec![id("a"), id("b"), id("c")]),
            "a and b and c",
        ),
        (
            "a or b and c",
            or(vec![id("a"), and(vec![id("b"), id("c")])]),
            "a or b and c",
        ),
        (
            "(a or b) and c",
            and(vec![or(vec![id("a"), id("b")]), id("c")]),
            "(a or b) and c",
        ),
        (
            "not a and b",
            and(vec![not(id("a")), id("b")]),
            "not a and b",
        ),
        (
            "not (a and b)",
            not(and(vec![id("a"), id("b")])),
            "not (a and b)",
        ),
        ("not not a", not(not(id("a"))), "not not a"),
        (
            "1 of selection_*",
            of(AtLeast(1), "selection_*"),
            "1 of selection_*",
        ),
        ("any of sel*", of(AtLeast(1), "sel*"), "1 of sel*"),
        ("all of them", of(All, "them"), "all of them"),
        ("1 of them", of(AtLeast(1), "them"), "1 of them"),
        ("2 of *_x_*", of(AtLeast(2), "*_x_*"), "2 of *_x_*"),
        (
            "not 1 of filter*",
            not(of(AtLeast(1), "filter*")),
            "not 1 of filter*",
        ),
        (
            "selection and not 1 of filter_main_*",
            and(vec![id("selection"), not(of(AtLeast(1), "filter_main_*"))]),
            "selection and not 1 of filter_main_*",
        ),
        (
            "(a and b) and c",
            and(vec![and(vec![id("a"), id("b")]), id("c")]),
            "(a and b) and c",
        ),
        (
            "a or (b or c)",
            or(vec![id("a"), or(vec![id("b"), id("c")])]),
            "a or (b or c)",
        ),
        ("((a))", id("a"), "a"),
        (
            "sel-1 or all",
            or(vec![id("sel-1"), id("all")]),
            "sel-1 or all",
        ),
        ("  a\n and\tb ", and(vec![id("a"), id("b")]), "a and b"),
    ];
    for (input, expected, printed) in cases {
        let c = ok(input);
        assert_eq!(c.expr, expected, "{input:?}");
        assert_eq!(c.aggregation, None);
        assert_eq!(c.to_string(), printed, "{input:?}");
        assert_eq!(ok(&c.to_string()), c, "round trip of {input:?}");
    }
}

#[test]
fn spans_point_into_the_text() {
    let c = parse_condition("a and not 1 of f*", Some(100), Span::default())
        .unwrap_or_else(|d| panic!("{d}"));
    let mut spans = Vec::new();
    c.expr.walk(|e| spans.push(e.span().range()));
    assert_eq!(spans, vec![100..117, 100..101, 106..117, 110..117]);
    // Without a verbatim source, every span is the whole scalar.
    let whole = Span::new(7, 9);
    let c = parse_condition("a or b", None, whole).unwrap_or_else(|d| panic!("{d}"));
    c.expr.walk(|e| assert_eq!(e.span().range(), 7..9));
}

#[test]
fn syntax_errors() {
    let cases = [
        ("", "sigma::condition_syntax", 0, "empty condition"),
        (
            "a and",
            "sigma::condition_syntax",
            5,
            "expected a search identifier, `not`, `(` or `x of`, found end of condition",
        ),
        (
            "a b",
            "sigma::condition_syntax",
            2,
            "unexpected `b` after a complete expression",
        ),
        (
            "(a or b",
            "sigma::condition_syntax",
            7,
            "expected `)`, found end of condition",
        ),
        (
            "a)",
            "sigma::condition_syntax",
            1,
            "unexpected `)` after a complete expression",
        ),
        (
            "sel*",
            "sigma::condition_syntax",
            0,
            "`sel*`: wildcards are only allowed after `1 of` or `all of`",
        ),
        (
            "0 of x*",
            "sigma::condition_syntax",
            0,
            "`0 of`: the quantifier must be `1`, `any`, `all` or a positive number",
        ),
        (
            "1 of and",
            "sigma::condition_syntax",
            5,
            "expected `them` or a search identifier pattern after `of`, found `and`",
        ),
        (
            "a & b",
            "sigma::condition_syntax",
            2,
            "unexpected character `&` in condition",
        ),
        (
            "a and not",
            "sigma::condition_syntax",
            9,
            "expected a search identifier, `not`, `(` or `x of`, found end of condition",
        ),
    ];
    for (input, code, at, msg) in cases {
        let d = parse(input)
            .err()
            .unwrap_or_else(|| panic!("accepted {input:?}"));
        assert_eq!(
            (d.code, d.span.start, d.message.as_str()),
            (code, at, msg),
            "{input:?}"
        );
    }
}

#[test]
fn nesting_is_capped() {
    let deep = format!(
        "{}a{}",
        "(".repeat(MAX_CONDITION_DEPTH + 1),
        ")".repeat(MAX_CONDITION_DEPTH + 1)
    );
    assert_eq!(
        parse(&deep).err().map(|d| d.code),
        Some("sigma::condition_depth")
    );
    let nots = format!("{}a", "not ".repeat(MAX_CONDITION_DEPTH + 1));
    assert_eq!(
        parse(&nots).err().map(|d| d.code),
        Some("sigma::condition_depth")
    );
    let fine = format!(
        "{}a{}",
        "(".repeat(MAX_CONDITION_DEPTH),
        ")".repeat(MAX_CONDITION_DEPTH)
    );
    assert!(parse(&fine).is_ok());
    let mixed = format!(
        "{}a{}",
        "not (".repeat(MAX_CONDITION_DEPTH / 2),
        ")".repeat(MAX_CONDITION_DEPTH / 2)
    );
    assert!(parse(&mixed).is_ok());
}

#[test]
fn legacy_aggregations() {
    let func =
        |func, field: Option<&str>, group_by: Option<&str>, op, threshold| Aggregation::Function {
            func,
            field: field.map(str::to_string),
            group_by: group_by.map(str::to_string),
            op,
            threshold,
            span: Span::default(),
        };
    let cases = [
        (
            "selection | count() > 10",
            func(AggFunc::Count, None, None, AggOp::Gt, Number::Int(10)),
            "selection | count() > 10",
        ),
        (
            "selection | count() by sourceIPAddress > 5",
            func(
                AggFunc::Count,
                None,
                Some("sourceIPAddress"),
                AggOp::Gt,
                Number::Int(5),
            ),
            "selection | count() by sourceIPAddress > 5",
        ),
        (
            "sel | count(userIdentity.arn) by src >= 3",
            func(
                AggFunc::Count,
                Some("userIdentity.arn"),
                Some("src"),
                AggOp::Gte,
                Number::Int(3),
            ),
            "sel | count(userIdentity.arn) by src >= 3",
        ),
        (
            "sel | max(bytes) <= 2.5",
            func(
                AggFunc::Max,
                Some("bytes"),
                None,
                AggOp::Lte,
                Number::Float(2.5),
            ),
            "sel | max(bytes) <= 2.5",
        ),
        (
            "sel | sum(b) = 1",
            func(AggFunc::Sum, Some("b"), None, AggOp::Eq, Number::Int(1)),
            "sel | sum(b) == 1",
        ),
        (
            "sel | avg(b) < 1",
            func(AggFunc::Avg, Some("b"), None, AggOp::Lt, Number::Int(1)),
            "sel | avg(b) < 1",
        ),
        (
            "sel | min(b)==1",
            func(AggFunc::Min, Some("b"), None, AggOp::Eq, Number::Int(1)),
            "sel | min(b) == 1",
        ),
    ];
    for (input, expected, printed) in cases {
        let c = ok(input);
        assert_eq!(c.aggregation.as_ref(), Some(&expected), "{input:?}");
        assert_eq!(c.to_string(), printed);
        assert_eq!(ok(&c.to_string()), c);
    }
    let near = ok("selection1 | near selection2 and not selection3 and s4");
    let terms: Vec<(bool, String)> = match &near.aggregation {
        Some(Aggregation::Near { terms, .. }) => terms
            .iter()
            .map(|t| (t.negated, t.identifier.clone()))
            .collect(),
        other => panic!("{other:?}"),
    };
    assert_eq!(
        terms,
        [
            (false, "selection2".into()),
            (true, "selection3".into()),
            (false, "s4".into())
        ]
    );
    assert_eq!(
        near.to_string(),
        "selection1 | near selection2 and not selection3 and s4"
    );
    assert_eq!(ok(&near.to_string()), near);
}

#[test]
fn aggregation_errors() {
    let cases = [
        (
            "a |",
            3,
            "expected an aggregation (`count()`, `near ...`) after `|`, found end of condition",
        ),
        ("a | cnt() > 1", 4, "unknown aggregation function `cnt`"),
        (
            "a | count > 1",
            10,
            "expected `(` after `count`, found an operator",
        ),
        ("a | max() > 1", 4, "`max()` needs a field"),
        (
            "a | count() by > 1",
            15,
            "expected a field after `by`, found an operator",
        ),
        (
            "a | count() 5",
            12,
            "expected a comparison (`>`, `>=`, `<`, `<=`, `==`), found `5`",
        ),
        ("a | count() > x", 14, "expected a number, found `x`"),
        (
            "a | count() > 1 extra",
            16,
            "unexpected `extra` after the aggregation",
        ),
        (
            "a | near",
            8,
            "expected a search identifier in `near`, found end of condition",
        ),
        (
            "a | near b and",
            14,
            "expected a search identifier in `near`, found end of condition",
        ),
    ];
    for (input, at, msg) in cases {
        let d = parse(input)
            .err()
            .unwrap_or_else(|| panic!("accepted {input:?}"));
        assert_eq!(
            (d.code, d.span.start, d.message.as_str()),
            ("sigma::bad_aggregation", at, msg),
            "{input:?}"
        );
    }
}

#[test]
fn correlation_equivalents() {
    let tf = Timespan::parse("10m", Span::default()).ok();
    let cases = [
        (
            "s | count() > 10",
            Ok((CorrelationType::EventCount, vec![], None, CorrOp::Gt)),
        ),
        (
            "s | count() by ip >= 5",
            Ok((
                CorrelationType::EventCount,
                vec!["ip".to_string()],
                None,
                CorrOp::Gte,
            )),
        ),
        (
            "s | count(user) by ip == 5",
            Ok((
                CorrelationType::ValueCount,
                vec!["ip".to_string()],
                Some("user".to_string()),
                CorrOp::Eq,
            )),
        ),
        (
            "s | sum(bytes) < 5",
            Ok((
                CorrelationType::ValueSum,
                vec![],
                Some("bytes".to_string()),
                CorrOp::Lt,
            )),
        ),
        (
            "s | avg(bytes) <= 5",
            Ok((
                CorrelationType::ValueAvg,
                vec![],
                Some("bytes".to_string()),
                CorrOp::Lte,
            )),
        ),
        (
            "s | max(bytes) > 5",
            Err(LegacyRejection::NoCorrelationType(AggFunc::Max)),
        ),
        ("s | near t", Err(LegacyRejection::Near)),
    ];
    for (input, expected) in cases {
        let agg = ok(input).aggregation.unwrap_or_else(|| panic!("{input}"));
        let got = agg
            .correlation_equivalent(tf.as_ref())
            .map(|c| (c.kind, c.group_by, c.field, c.op));
        assert_eq!(got, expected, "{input}");
    }
    let agg = ok("s | count() > 1")
        .aggregation
        .unwrap_or_else(|| panic!());
    assert_eq!(
        agg.correlation_equivalent(None),
        Err(LegacyRejection::MissingTimeframe)
    );
    assert_eq!(
        LegacyRejection::NoCorrelationType(AggFunc::Min).to_string(),
        "`min` has no Sigma correlation equivalent"
    );
}

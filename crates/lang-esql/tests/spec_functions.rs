//! Specification tests per ES|QL function family, from the examples and notes of Elastic's
//! function reference (<https://www.elastic.co/docs/reference/query-languages/esql/functions-operators>).
//! Each case is `(expression, expected value as text)`, evaluated as `ROW v = <expression>`.

mod common;
use common::*;
use trailhound_lang_esql::EsqlType;

fn check(cases: &[(&str, &str)]) {
    for (expr, want) in cases {
        assert_eq!(v(expr), *want, "{expr}");
    }
}

/// `(expression, warning fragment)`: the value is null and a warning names the failure.
fn check_null_warn(cases: &[(&str, &str)]) {
    for (expr, frag) in cases {
        let (val, warnings) = v_warn(expr);
        assert_eq!(val, "null", "{expr}");
        assert!(
            warnings.iter().any(|w| w.contains(frag)),
            "{expr}: {warnings:?}"
        );
    }
}

const MV: &str = "single-value function encountered multi-value";

#[test]
fn operators_and_literals() {
    check(&[
        ("1 + 2", "3"),
        ("7 / 2", "3"),
        ("-7 / 2", "-3"),
        ("7 % -3", "1"),
        ("-7 % 3", "-1"),
        ("7.0 / 2", "3.5"),
        ("2147483647 + 1", "null"),
        ("2147483648 + 1", "2147483649"),
        ("1 == 1.0", "true"),
        ("\"a\" < \"b\"", "true"),
        ("\"B\" < \"a\"", "true"),
        ("null == null", "null"),
        ("NOT null", "null"),
        ("true AND null", "null"),
        ("false AND null", "false"),
        ("true OR null", "true"),
        ("false OR null", "null"),
        ("null IS NULL", "true"),
        ("[1, 2] IS NULL", "false"),
        ("1 IN (1, null)", "true"),
        ("2 IN (1, null)", "null"),
        ("2 NOT IN (1, 3)", "true"),
        ("\"abc\" LIKE \"a*\"", "true"),
        ("\"a*c\" LIKE \"a\\\\*c\"", "true"),
        ("\"abc\" LIKE \"a\\\\*c\"", "false"),
        ("\"100%\" LIKE \"100%\"", "true"),
        ("\"100x\" LIKE \"100%\"", "false"),
        ("\"abc\" RLIKE \"a.c\"", "true"),
        ("\"abc\" RLIKE \"b\"", "false"),
        ("\"^abc$\" RLIKE \"^abc$\"", "true"),
        (
            "TO_DATETIME(\"2023-07-10T00:00:00Z\") - 1 day",
            "2023-07-09T00:00:00.000Z",
        ),
        (
            "TO_DATETIME(\"2023-01-31T00:00:00Z\") + 1 month",
            "2023-02-28T00:00:00.000Z",
        ),
        (
            "TO_DATETIME(\"2023-07-10T00:00:00Z\") + 90 minutes",
            "2023-07-10T01:30:00.000Z",
        ),
        ("now()", "2023-07-11T00:00:00.000Z"),
        ("now() - 7 day", "2023-07-04T00:00:00.000Z"),
        ("1::keyword", "1"),
        ("\"1.5\"::double", "1.5"),
        ("[1, 2, 3]", "[1, 2, 3]"),
    ]);
    check_null_warn(&[
        ("1 / 0", "/ by zero"),
        ("1 % 0", "/ by zero"),
        ("1.0 / 0", "/ by zero"),
        ("2147483647 + 1", "integer overflow"),
        ("[1, 2] + 1", MV),
        ("[1, 2] == 1", MV),
        ("[\"a\", \"b\"] LIKE \"a\"", MV),
        ("[1, 2] IN (1)", MV),
    ]);
    assert_eq!(value("1.5").1, EsqlType::Double);
    assert_eq!(value("2147483648").1, EsqlType::Long);
    assert_eq!(value("1 + 2147483648").1, EsqlType::Long);
    for (expr, msg) in [
        (
            "1 + \"a\"",
            "[+] has arguments with incompatible types [integer] and [keyword]",
        ),
        (
            "\"a\" AND true",
            "argument of [\"a\" AND true] must be [boolean]",
        ),
        (
            "1 LIKE \"a\"",
            "argument of [1 LIKE \"a\"] must be [string]",
        ),
        (
            "now() - now()",
            "[-] has arguments with incompatible types [datetime] and [datetime]",
        ),
        (
            "1::geo_whatever",
            "Unsupported conversion to type [geo_whatever]",
        ),
    ] {
        assert!(
            plan_err(&format!("ROW v = {expr}"))
                .message
                .starts_with(msg),
            "{expr}: {}",
            plan_err(&format!("ROW v = {expr}")).message
        );
    }
}

#[test]
fn string_functions() {
    check(&[
        ("LENGTH(\"Sorin\")", "5"),
        ("LENGTH(\"¡¡¡Hola!!!\")", "10"),
        ("BYTE_LENGTH(\"¡¡¡Hola!!!\")", "13"),
        ("BIT_LENGTH(\"¡¡¡Hola!!!\")", "104"),
        ("LENGTH(null)", "null"),
        ("CONCAT(\"a\", \"b\", \"c\")", "abc"),
        ("CONCAT(\"a\", null)", "null"),
        ("LEFT(\"Hello\", 2)", "He"),
        ("LEFT(\"ab\", 5)", "ab"),
        ("RIGHT(\"Hello\", 3)", "llo"),
        ("SUBSTRING(\"Hello\", 1, 3)", "Hel"),
        ("SUBSTRING(\"Hello\", 2)", "ello"),
        ("SUBSTRING(\"Hello\", -3)", "llo"),
        ("SUBSTRING(\"Hello\", 0, 2)", "He"),
        ("SUBSTRING(\"Hello\", 10)", ""),
        ("LOCATE(\"hello\", \"ll\")", "3"),
        ("LOCATE(\"hello\", \"x\")", "0"),
        ("LOCATE(\"hello hello\", \"hello\", 2)", "7"),
        ("TRIM(\"  some text  \")", "some text"),
        ("LTRIM(\"  a \")", "a "),
        ("RTRIM(\" a  \")", " a"),
        (
            "REPLACE(\"Hello World\", \"World\", \"Universe\")",
            "Hello Universe",
        ),
        ("REPLACE(\"a1b22c\", \"[0-9]+\", \"#\")", "a#b#c"),
        (
            "REPLACE(\"john.doe\", \"(\\\\w+)\\\\.(\\\\w+)\", \"$2 $1\")",
            "doe john",
        ),
        (
            "SPLIT(\"foo;bar;baz;qux;quux;corge\", \";\")",
            "[foo, bar, baz, qux, quux, corge]",
        ),
        ("SPLIT(\"foo\", \";\")", "foo"),
        ("STARTS_WITH(\"Hello\", \"He\")", "true"),
        ("STARTS_WITH(\"Hello\", \"he\")", "false"),
        ("ENDS_WITH(\"Hello\", \"lo\")", "true"),
        ("CONTAINS(\"Hello\", \"ell\")", "true"),
        ("TO_LOWER(\"Some Text\")", "some text"),
        ("TO_UPPER(\"Some Text\")", "SOME TEXT"),
        ("TO_LOWER([\"Some\", \"Text\"])", "[some, text]"),
        ("REPEAT(\"ab\", 3)", "ababab"),
        ("CONCAT(\"[\", SPACE(3), \"]\")", "[   ]"),
        ("REVERSE(\"Some Text\")", "txeT emoS"),
        ("TO_BASE64(\"elastic\")", "ZWxhc3RpYw=="),
        ("FROM_BASE64(\"ZWxhc3RpYw==\")", "elastic"),
        ("MD5(\"hello\")", "5d41402abc4b2a76b9719d911017c592"),
        (
            "SHA1(\"hello\")",
            "aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d",
        ),
        (
            "SHA256(\"hello\")",
            "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824",
        ),
        (
            "HASH(\"sha256\", \"hello\")",
            "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824",
        ),
    ]);
    check_null_warn(&[
        ("LENGTH([\"a\", \"bc\"])", MV),
        ("CONCAT([\"a\", \"b\"], \"c\")", MV),
        ("STARTS_WITH([\"a\", \"b\"], \"a\")", MV),
        ("FROM_BASE64(\"!!\")", "IllegalArgumentException"),
        (
            "SUBSTRING(\"abc\", 1, -1)",
            "Length parameter cannot be negative",
        ),
        ("REPEAT(\"a\", -1)", "Number parameter cannot be negative"),
    ]);
    assert_eq!(value("TO_LOWER(\"A\")").1, EsqlType::Keyword);
    assert!(plan_err("ROW v = LENGTH(1)").message.starts_with(
        "first argument of [LENGTH(1)] must be [string], found value [1] type [integer]"
    ));
    assert!(
        plan_err("ROW v = CONCAT(\"a\")")
            .message
            .contains("expects at least 2 argument(s)")
    );
    assert!(
        plan_err("ROW v = HASH(\"nope\", \"x\")")
            .message
            .contains("invalid algorithm")
    );
}

#[test]
fn math_functions() {
    check(&[
        ("ABS(-1)", "1"),
        ("ABS(-1.5)", "1.5"),
        ("CEIL(1.2)", "2.0"),
        ("CEIL(7)", "7"),
        ("FLOOR(-1.5)", "-2.0"),
        ("ROUND(1.2345, 2)", "1.23"),
        ("ROUND(2.5)", "3.0"),
        ("ROUND(1250, -2)", "1300"),
        ("POW(2, 10)", "1024.0"),
        ("POW(2.0, -1)", "0.5"),
        ("SQRT(16)", "4.0"),
        ("CBRT(27)", "3.0"),
        ("LOG10(1000)", "3.0"),
        ("LOG(2, 8)", "3.0"),
        ("EXP(0)", "1.0"),
        ("SIGNUM(-5)", "-1.0"),
        ("E()", "2.718281828459045"),
        ("PI()", "3.141592653589793"),
        ("TAU()", "6.283185307179586"),
        ("ATAN2(12.9, 0.6)", "1.5243181954438936"),
        ("HYPOT(3, 4)", "5.0"),
        ("COPY_SIGN(5, -1.0)", "-5"),
        ("TO_DEGREES(PI())", "180.0"),
        ("COS(0)", "1.0"),
    ]);
    check_null_warn(&[
        ("SQRT(-1)", "Square root of negative"),
        ("LOG10(0)", "Log of non-positive number"),
        ("LOG(-1)", "Log of non-positive number"),
        ("ACOS(2)", "out of range"),
        ("POW(10, 400)", "not a finite double number"),
        ("ABS([1, -2])", MV),
    ]);
    assert_eq!(value("ABS(-1)").1, EsqlType::Integer);
    assert_eq!(value("ROUND(2147483648, -1)").1, EsqlType::Long);
    assert!(
        plan_err("ROW v = ABS(\"a\")")
            .message
            .starts_with("first argument of [ABS(\"a\")] must be [numeric]")
    );
}

#[test]
fn conditional_functions() {
    check(&[
        ("CASE(true, 1, 2)", "1"),
        ("CASE(false, 1, 2)", "2"),
        ("CASE(null, 1, 2)", "2"),
        ("CASE(false, 1)", "null"),
        ("CASE(false, 1, true, 2.5)", "2.5"),
        ("CASE(1 > 2, \"a\", 2 > 1, \"b\", \"c\")", "b"),
        ("COALESCE(null, \"x\", \"y\")", "x"),
        ("COALESCE(null, null)", "null"),
        ("COALESCE([1, 2], 3)", "[1, 2]"),
        ("GREATEST(1, 5, 3)", "5"),
        ("GREATEST(\"a\", \"b\")", "b"),
        ("LEAST(1.5, 2)", "1.5"),
        ("GREATEST(1, null)", "null"),
        ("GREATEST([1, 7], 3)", "7"),
    ]);
    assert_eq!(value("CASE(true, 1, 2.0)").1, EsqlType::Double);
    assert!(
        plan_err("ROW v = CASE(1, 2, 3)")
            .message
            .starts_with("first argument of [CASE(1, 2, 3)] must be [boolean]")
    );
    assert!(
        plan_err("ROW v = COALESCE(1, \"a\")")
            .message
            .starts_with("second argument of [COALESCE(1, \"a\")] must be [integer]")
    );
}

#[test]
fn date_functions() {
    let d = "TO_DATETIME(\"2023-07-10T11:42:18.045Z\")";
    let cases = [
        (format!("DATE_TRUNC(1 hour, {d})"), "2023-07-10T11:00:00.000Z"),
        (format!("DATE_TRUNC(30 seconds, {d})"), "2023-07-10T11:42:00.000Z"),
        (format!("DATE_TRUNC(5 minute, {d})"), "2023-07-10T11:40:00.000Z"),
        (format!("DATE_TRUNC(1 day, {d})"), "2023-07-10T00:00:00.000Z"),
        (format!("DATE_TRUNC(1 week, {d})"), "2023-07-10T00:00:00.000Z"),
        (format!("DATE_TRUNC(1 month, {d})"), "2023-07-01T00:00:00.000Z"),
        (format!("DATE_TRUNC(1 quarter, {d})"), "2023-07-01T00:00:00.000Z"),
        (format!("DATE_TRUNC(1 year, {d})"), "2023-01-01T00:00:00.000Z"),
        (format!("DATE_TRUNC(\"1 hour\", {d})"), "2023-07-10T11:00:00.000Z"),
        (format!("DATE_EXTRACT(\"hour_of_day\", {d})"), "11"),
        (format!("DATE_EXTRACT(\"DAY_OF_WEEK\", {d})"), "1"),
        (format!("DATE_EXTRACT(\"year\", {d})"), "2023"),
        (format!("DATE_FORMAT(\"YYYY-mm-dd\", {d})"), "2023-42-10"),
        (format!("DATE_FORMAT(\"yyyy-MM-dd HH:mm:ss\", {d})"), "2023-07-10 11:42:18"),
        (format!("DATE_FORMAT({d})"), "2023-07-10T11:42:18.045Z"),
        ("DATE_PARSE(\"yyyy-MM-dd\", \"2023-07-10\")".into(), "2023-07-10T00:00:00.000Z"),
        ("DATE_PARSE(\"2023-07-10T05:06:07Z\")".into(), "2023-07-10T05:06:07.000Z"),
        (format!("DATE_DIFF(\"minutes\", {d}, {d} + 10 minutes)"), "10"),
        (format!("DATE_DIFF(\"mi\", {d} + 10 minutes, {d})"), "-10"),
        (format!("DATE_DIFF(\"day\", {d}, {d} + 36 hours)"), "1"),
        ("DATE_DIFF(\"year\", \"2023-12-31T23:59:59.999Z\", \"2024-12-31T23:59:59.999Z\")".into(), "1"),
        ("DATE_DIFF(\"microseconds\", \"2023-12-02T11:00:00.000Z\", \"2023-12-02T11:00:00.001Z\")".into(), "1000"),
        (format!("DAY_NAME({d})"), "Monday"),
        (format!("MONTH_NAME({d})"), "July"),
        ("TO_DATETIME(\"2023-07-10\")".into(), "2023-07-10T00:00:00.000Z"),
        ("TO_DATETIME(1688989338045)".into(), "2023-07-10T11:42:18.045Z"),
        (format!("TO_LONG({d})"), "1688989338045"),
        (format!("{d} > \"2023-07-10\""), "true"),
        ("BUCKET(TO_DATETIME(\"2023-07-10T11:42:18Z\"), 1 hour)".into(), "2023-07-10T11:00:00.000Z"),
    ];
    for (expr, want) in &cases {
        assert_eq!(v(expr), *want, "{expr}");
    }
    check_null_warn(&[
        (
            "DATE_PARSE(\"yyyy-MM-dd\", \"10/07/2023\")",
            "could not be parsed",
        ),
        (
            "TO_DATETIME(\"yesterday\")",
            "failed to parse date field [yesterday]",
        ),
        (
            "DATE_DIFF(\"nanoseconds\", TO_DATETIME(\"2000-01-01\"), TO_DATETIME(\"2023-01-01\"))",
            "out of [integer] range",
        ),
    ]);
    assert_eq!(value("DATE_DIFF(\"s\", now(), now())").1, EsqlType::Integer);
    assert_eq!(value("DATE_EXTRACT(\"year\", now())").1, EsqlType::Long);
    for (expr, msg) in [
        (
            "DATE_TRUNC(1 hour, \"x\")",
            "Cannot convert string [x] to [DATETIME]",
        ),
        ("DATE_FORMAT(\"bbb\", now())", "invalid date pattern"),
        ("DATE_EXTRACT(\"nope\", now())", "invalid date field"),
        (
            "DATE_DIFF(\"fortnights\", now(), now())",
            "Received value [fortnights] is not valid date part",
        ),
        (
            "DATE_TRUNC(1, now())",
            "first argument of [DATE_TRUNC(1, now())] must be [dateperiod or timeduration]",
        ),
    ] {
        let d = plan_err(&format!("ROW v = {expr}"));
        assert!(d.message.contains(msg), "{expr}: {}", d.message);
    }
}

#[test]
fn ip_functions() {
    check(&[
        ("CIDR_MATCH(TO_IP(\"10.1.2.3\"), \"10.0.0.0/8\")", "true"),
        (
            "CIDR_MATCH(TO_IP(\"10.1.2.3\"), \"127.0.0.0/8\", \"10.0.0.0/16\")",
            "false",
        ),
        (
            "CIDR_MATCH(TO_IP(\"127.0.0.3\"), \"127.0.0.0/8\", \"10.0.0.0/16\")",
            "true",
        ),
        (
            "CIDR_MATCH(TO_IP(\"2001:db8::1\"), \"2001:db8::/32\")",
            "true",
        ),
        ("CIDR_MATCH(\"10.1.2.3\", \"10.0.0.0/8\")", "true"),
        ("CIDR_MATCH(null, \"10.0.0.0/8\")", "null"),
        (
            "IP_PREFIX(TO_IP(\"192.168.1.123\"), 24, 112)",
            "192.168.1.0",
        ),
        (
            "IP_PREFIX(TO_IP(\"1:2:3:4:5:6:7:8\"), 24, 112)",
            "1:2:3:4:5:6:7:0",
        ),
        ("TO_IP(\"::ffff:10.0.0.1\")", "10.0.0.1"),
        ("TO_IP(\"1.1.1.1\") < TO_IP(\"2.0.0.0\")", "true"),
        ("TO_STRING(TO_IP(\"1.2.3.4\"))", "1.2.3.4"),
    ]);
    check_null_warn(&[
        ("TO_IP(\"1.1.1\")", "'1.1.1' is not an IP string literal."),
        ("TO_IP(\"01.1.1.1\")", "not an IP string literal"),
    ]);
    assert!(
        plan_err("ROW v = CIDR_MATCH(TO_IP(\"1.2.3.4\"), \"nope\")")
            .message
            .contains("invalid CIDR block [nope]")
    );
}

#[test]
fn type_conversion_functions() {
    check(&[
        ("TO_STRING(1.5)", "1.5"),
        ("TO_STRING(1.0E20)", "1.0E20"),
        ("TO_STRING(true)", "true"),
        ("TO_STRING([10, 9, 8])", "[10, 9, 8]"),
        (
            "TO_STRING(TO_DATETIME(\"2023-07-10\"))",
            "2023-07-10T00:00:00.000Z",
        ),
        ("TO_INTEGER(\"5\")", "5"),
        ("TO_INTEGER(\"5.9\")", "5"),
        ("TO_INTEGER(5.9)", "5"),
        ("TO_INTEGER(true)", "1"),
        (
            "TO_INTEGER([5013792, 2147483647, 501379200000])",
            "[5013792, 2147483647]",
        ),
        ("TO_LONG(\"2147483648\")", "2147483648"),
        ("TO_DOUBLE(\"1.5\")", "1.5"),
        ("TO_DOUBLE(1) / TO_DOUBLE(3)", "0.3333333333333333"),
        ("TO_DOUBLE(false)", "0.0"),
        ("TO_BOOLEAN(\"TRUE\")", "true"),
        ("TO_BOOLEAN(\"yes\")", "false"),
        ("TO_BOOLEAN(0)", "false"),
        ("TO_BOOLEAN(2.5)", "true"),
        (
            "TO_UNSIGNED_LONG(\"18446744073709551615\")",
            "18446744073709551615",
        ),
        ("TO_VERSION(\"1.2.3\") < TO_VERSION(\"1.10.0\")", "true"),
        ("TO_VERSION(\"1.0.0-rc1\") < \"1.0.0\"", "true"),
        ("TO_RADIANS(180)", "3.141592653589793"),
        ("\"5\"::integer + 1", "6"),
    ]);
    check_null_warn(&[
        ("TO_INTEGER(\"x\")", "Cannot parse number [x]"),
        (
            "TO_INTEGER(501379200000)",
            "[501379200000] out of [integer] range",
        ),
        ("TO_LONG(\"1e30\")", "out of [long] range"),
        ("TO_UNSIGNED_LONG(-1)", "out of [unsigned_long] range"),
    ]);
    // A conversion drops the values that fail and keeps the others, with a warning.
    let (val, w) = v_warn("TO_INTEGER([\"1\", \"x\", \"3\"])");
    assert_eq!(val, "[1, 3]");
    assert!(
        w.iter().any(|w| w.contains("Cannot parse number [x]")),
        "{w:?}"
    );
    assert_eq!(value("TO_STRING(1)").1, EsqlType::Keyword);
    assert!(
        plan_err("ROW v = TO_IP(1)")
            .message
            .starts_with("argument of [TO_IP(1)] must be [ip or keyword or text]")
    );
}

#[test]
fn multi_value_functions() {
    check(&[
        ("MV_COUNT([\"foo\", \"zoo\", \"bar\"])", "3"),
        ("MV_COUNT(\"foo\")", "1"),
        ("MV_COUNT(null)", "null"),
        ("MV_FIRST([\"foo\", \"zoo\", \"bar\"])", "foo"),
        ("MV_LAST([\"foo\", \"zoo\", \"bar\"])", "bar"),
        ("MV_MAX([3, 5, 1])", "5"),
        ("MV_MIN([\"foo\", \"bar\"])", "bar"),
        ("MV_SUM([3, 5, 6])", "14"),
        ("MV_AVG([3, 5, 1, 6])", "3.75"),
        ("MV_MEDIAN([3, 5, 1])", "3"),
        ("MV_MEDIAN([3, 7, 1, 6])", "4"),
        ("MV_MEDIAN([3.0, 7.0, 1.0, 6.0])", "4.5"),
        ("MV_MEDIAN_ABSOLUTE_DEVIATION([0, 2, 5, 6])", "2"),
        (
            "MV_DEDUPE([\"foo\", \"foo\", \"bar\", \"foo\"])",
            "[foo, bar]",
        ),
        ("MV_SORT([4, 2, -3, 2])", "[-3, 2, 2, 4]"),
        ("MV_SORT([4, 2, -3, 2], \"DESC\")", "[4, 2, 2, -3]"),
        ("MV_SLICE([1, 2, 2, 3, 4, 5], 1)", "2"),
        ("MV_SLICE([1, 2, 2, 3, 4, 5], 2, 3)", "[2, 3]"),
        ("MV_SLICE([1, 2, 2, 3, 4, 5], -2)", "4"),
        ("MV_SLICE([1, 2, 2, 3, 4, 5], -3, -1)", "[3, 4, 5]"),
        (
            "MV_CONCAT([\"foo\", \"zoo\", \"bar\"], \", \")",
            "foo, zoo, bar",
        ),
        (
            "MV_ZIP([\"x\", \"y\", \"z\"], [\"a\", \"b\"], \"-\")",
            "[x-a, y-b, z]",
        ),
        ("MV_APPEND([1, 2], 3)", "[1, 2, 3]"),
        ("MV_APPEND(null, 3)", "3"),
        ("MV_PERCENTILE([5, 5, 10, 12, 5000], 50)", "10"),
        ("MV_PERCENTILE([5.0, 5.0, 10.0, 12.0, 5000.0], 75)", "12.0"),
        (
            "MV_PSERIES_WEIGHTED_SUM([70.0, 45.0, 21.0, 21.0, 21.0], 1.5)",
            "94.45465156212452",
        ),
        ("MV_CONTAINS([\"a\", \"b\"], \"b\")", "true"),
        ("MV_CONTAINS([\"a\", \"b\"], [\"b\", \"c\"])", "false"),
    ]);
    assert_eq!(value("MV_AVG([1, 2])").1, EsqlType::Double);
    assert!(
        plan_err("ROW v = MV_SORT([1], \"up\")")
            .message
            .contains("Invalid order value")
    );
}

#[test]
fn aggregate_functions() {
    let evs: Vec<_> = [("a", 1, "1.5"), ("a", 5, "2.5"), ("b", 7, "x")]
        .iter()
        .enumerate()
        .map(|(i, (u, n, s))| {
            ct(
                &format!("e{i}"),
                "2023-07-10T10:00:00Z",
                "PutObject",
                "s3.amazonaws.com",
                &format!(r#""userIdentity":{{"userName":"{u}"}},"requestParameters":{{"n":"{n}","s":"{s}"}}"#),
            )
        })
        .collect();
    let base = "FROM logs-* | DISSECT aws.cloudtrail.request_parameters \"{s=%{s}, n=%{n}}\" | EVAL n = TO_INTEGER(n), d = TO_DOUBLE(s)";
    let cases = [
        ("COUNT(*)", "3"),
        ("COUNT()", "3"),
        ("COUNT(d)", "2"),
        ("COUNT(null)", "0"),
        ("COUNT_DISTINCT(user.name)", "2"),
        ("SUM(n)", "13"),
        ("SUM(d)", "4.0"),
        ("AVG(n)", "4.333333333333333"),
        ("MIN(n)", "1"),
        ("MAX(user.name)", "b"),
        ("MEDIAN(n)", "5.0"),
        ("PERCENTILE(n, 0)", "1.0"),
        ("MEDIAN_ABSOLUTE_DEVIATION(n)", "2.0"),
        ("STD_DEV(n)", "2.494438257849294"),
        ("VALUES(user.name)", "[a, b]"),
        ("TOP(n, 2, \"desc\")", "[7, 5]"),
        ("WEIGHTED_AVG(n, n)", "5.769230769230769"),
        (
            "MAX(CASE(n > 3, @timestamp, null))",
            "2023-07-10T10:00:00.000Z",
        ),
        ("SUM(CASE(user.name == \"a\", 1, 0))", "2"),
        ("MV_COUNT(VALUES(n))", "3"),
        ("COUNT(*) WHERE user.name == \"a\"", "2"),
        ("SUM(n) WHERE n > 100", "null"),
    ];
    for (agg, want) in cases {
        let t = run(&format!("{base} | STATS x = {agg}"), &evs);
        assert_eq!(lines(&t), [want], "{agg}: {:?}", t.warnings);
    }
    let t = run(
        &format!("{base} | STATS c = COUNT(*), s = SUM(n) BY user.name | SORT user.name"),
        &evs,
    );
    assert_eq!(lines(&t), ["2 | 6 | a", "1 | 7 | b"]);
    // Aggregating multi-values sees every value.
    assert_eq!(
        lines(&run(
            "ROW a = [1, 2, 3] | STATS s = SUM(a), c = COUNT(a), m = MAX(a)",
            &[]
        )),
        ["6 | 3 | 3"]
    );
}

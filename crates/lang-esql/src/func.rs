//! ES|QL scalar functions: name lookup, type checking (with Elasticsearch's error wording where
//! practical) and evaluation.
//!
//! Sources: the function pages of the ES|QL reference
//! (<https://www.elastic.co/docs/reference/query-languages/esql/functions-operators>) and their
//! generated type tables (`kibana/definition/functions/*.json` in elastic/elasticsearch).
//!
//! Null and multi-value rules, unless a function says otherwise: a null argument gives null; a
//! multi-valued argument gives null plus the warning `single-value function encountered
//! multi-value`. Conversion functions (`TO_*`) and `TO_LOWER`/`TO_UPPER` convert every value of
//! a multi-value (values that fail to convert are dropped with a warning); `MV_*` functions,
//! `COALESCE`, `CASE` values, `GREATEST`/`LEAST` and `MV_COUNT` take multi-values as they are.

use crate::javatime::{self, JavaPattern};
use crate::value::{EsqlType, EsqlValue, Period, ip_bytes, ip_from_bytes, java_double, parse_ip};
use std::net::IpAddr;

/// Why one evaluation produced null (reported as a warning).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum EvalError {
    /// A single-value function or operator met a multi-value.
    MultiValue,
    /// Another failure, with the Java exception text Elasticsearch reports.
    Msg(String),
}

impl EvalError {
    pub(crate) fn msg(s: impl Into<String>) -> EvalError {
        EvalError::Msg(s.into())
    }

    pub(crate) fn invalid(s: impl std::fmt::Display) -> EvalError {
        EvalError::Msg(format!(
            "org.elasticsearch.xpack.esql.core.InvalidArgumentException: {s}"
        ))
    }

    pub(crate) fn arith(s: &str) -> EvalError {
        EvalError::Msg(format!("java.lang.ArithmeticException: {s}"))
    }

    pub(crate) fn illegal(s: impl std::fmt::Display) -> EvalError {
        EvalError::Msg(format!("java.lang.IllegalArgumentException: {s}"))
    }

    /// The exception line of the warning.
    pub(crate) fn text(&self) -> String {
        match self {
            EvalError::MultiValue => {
                "java.lang.IllegalArgumentException: single-value function encountered multi-value"
                    .into()
            }
            EvalError::Msg(m) => m.clone(),
        }
    }
}

pub(crate) type EvalResult = Result<EsqlValue, EvalError>;

macro_rules! funcs {
    ($($v:ident => $name:literal $(| $alias:literal)*),* $(,)?) => {
        /// A scalar function.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub(crate) enum Func { $($v),* }

        impl Func {
            /// Looks a function up by name (case-insensitive), including Elasticsearch's aliases.
            pub(crate) fn lookup(name: &str) -> Option<Func> {
                let lower = name.to_ascii_lowercase();
                match lower.as_str() {
                    $($name $(| $alias)* => Some(Func::$v),)*
                    _ => None,
                }
            }

            /// The canonical upper-case name.
            pub(crate) fn name(self) -> String {
                match self { $(Func::$v => $name.to_ascii_uppercase(),)* }
            }
        }
    };
}

funcs! {
    Abs => "abs", Acos => "acos", Asin => "asin", Atan => "atan", Atan2 => "atan2", Cbrt => "cbrt",
    Ceil => "ceil", CopySign => "copy_sign", Cos => "cos", Cosh => "cosh", E => "e", Exp => "exp",
    Floor => "floor", Hypot => "hypot", Log => "log", Log10 => "log10", Pi => "pi", Pow => "pow",
    Round => "round", Signum => "signum", Sin => "sin", Sinh => "sinh", Sqrt => "sqrt", Tan => "tan",
    Tanh => "tanh", Tau => "tau",
    BitLength => "bit_length", ByteLength => "byte_length", Concat => "concat", Contains => "contains",
    EndsWith => "ends_with", FromBase64 => "from_base64", Hash => "hash", Left => "left",
    Length => "length", Locate => "locate", Ltrim => "ltrim", Md5 => "md5", Repeat => "repeat",
    Replace => "replace", Reverse => "reverse", Right => "right", Rtrim => "rtrim", Sha1 => "sha1",
    Sha256 => "sha256", Space => "space", Split => "split", StartsWith => "starts_with",
    Substring => "substring", ToBase64 => "to_base64", ToLower => "to_lower", ToUpper => "to_upper",
    Trim => "trim",
    Case => "case", Coalesce => "coalesce", Greatest => "greatest", Least => "least",
    DateDiff => "date_diff", DateExtract => "date_extract", DateFormat => "date_format",
    DateParse => "date_parse", DateTrunc => "date_trunc", Now => "now", DayName => "day_name",
    MonthName => "month_name", Bucket => "bucket",
    CidrMatch => "cidr_match", IpPrefix => "ip_prefix",
    ToBoolean => "to_boolean" | "to_bool", ToDatetime => "to_datetime" | "to_dt", ToDouble => "to_double" | "to_dbl",
    ToInteger => "to_integer" | "to_int", ToIp => "to_ip", ToLong => "to_long",
    ToString => "to_string" | "to_str", ToUnsignedLong => "to_unsigned_long" | "to_ulong" | "to_ul",
    ToVersion => "to_version" | "to_ver", ToDegrees => "to_degrees", ToRadians => "to_radians",
    ToDatePeriod => "to_dateperiod", ToTimeDuration => "to_timeduration",
    MvAppend => "mv_append", MvAvg => "mv_avg", MvConcat => "mv_concat", MvContains => "mv_contains",
    MvCount => "mv_count", MvDedupe => "mv_dedupe", MvFirst => "mv_first", MvLast => "mv_last",
    MvMax => "mv_max", MvMedian => "mv_median", MvMad => "mv_median_absolute_deviation", MvMin => "mv_min",
    MvPercentile => "mv_percentile", MvPseriesWeightedSum => "mv_pseries_weighted_sum",
    MvSlice => "mv_slice", MvSort => "mv_sort", MvSum => "mv_sum", MvZip => "mv_zip",
}

/// Functions Elasticsearch has that cannot run here, with the reason.
pub(crate) fn unsupported_reason(name: &str) -> Option<&'static str> {
    let lower = name.to_ascii_lowercase();
    Some(match lower.as_str() {
        "kql" | "qstr" | "match" | "match_phrase" | "multi_match" | "knn" | "score" | "term" => {
            "it is a full-text search function that needs an Elasticsearch inverted index"
        }
        "categorize" => "it clusters text with Elasticsearch's machine-learning tokenizer",
        "sample" => "it samples randomly, so results would not be reproducible",
        "to_date_nanos" | "to_datenanos" => {
            "nanosecond dates are not supported (CloudTrail times have millisecond precision)"
        }
        "to_geopoint"
        | "to_geoshape"
        | "to_cartesianpoint"
        | "to_cartesianshape"
        | "to_geohash"
        | "to_geotile"
        | "to_geohex"
        | "to_aggregate_metric_double"
        | "to_dense_vector" => "spatial and vector types are not supported",
        n if n.starts_with("st_") => "spatial functions are not supported",
        n if n.ends_with("_over_time")
            || matches!(
                n,
                "rate" | "irate" | "delta" | "idelta" | "increase" | "deriv"
            ) =>
        {
            "time-series functions need the TS source command"
        }
        _ => return None,
    })
}

/// An argument's static information during type checking.
#[derive(Clone, Debug)]
pub(crate) struct ArgT {
    /// Its type.
    pub ty: EsqlType,
    /// Its value when it is a constant (folded at plan time).
    pub konst: Option<EsqlValue>,
}

/// Data prepared at plan time from constant arguments.
#[derive(Clone, Debug, Default)]
pub(crate) enum Prep {
    /// Nothing.
    #[default]
    None,
    /// A compiled date pattern.
    Pattern(Box<JavaPattern>),
    /// CIDR blocks: (16-byte network, prefix length in bits).
    Cidrs(Vec<([u8; 16], u32)>),
    /// A compiled `REPLACE` regex.
    Regex(Box<regex::Regex>),
    /// A rounding span for `DATE_TRUNC`/`BUCKET` on dates.
    Span(EsqlValue),
}

/// A type-checked call.
#[derive(Clone, Debug)]
pub(crate) struct Checked {
    /// Result type.
    pub ty: EsqlType,
    /// Prepared constants.
    pub prep: Prep,
}

fn t_name(t: EsqlType) -> &'static str {
    t.error_name()
}

/// Type-checks a call. `text` is the call as written, `args` its arguments (after implicit
/// casts of string literals).
pub(crate) fn check(f: Func, args: &[ArgT], text: &str) -> Result<Checked, String> {
    use EsqlType::*;
    let n = args.len();
    let arity = |lo: usize, hi: usize| -> Result<(), String> {
        if n < lo || n > hi {
            let expected = if lo == hi {
                format!("{lo}")
            } else if hi == usize::MAX {
                format!("at least {lo}")
            } else {
                format!("{lo} to {hi}")
            };
            Err(format!(
                "error building [{}]: function [{}] expects {expected} argument(s), found {n} in [{text}]",
                f.name().to_lowercase(),
                f.name().to_lowercase()
            ))
        } else {
            Ok(())
        }
    };
    let ordinal = |i: usize| {
        ["first", "second", "third", "fourth", "fifth"]
            .get(i)
            .copied()
            .unwrap_or("an")
    };
    let want = |i: usize, ok: bool, expected: &str| -> Result<(), String> {
        if ok {
            return Ok(());
        }
        let a = &args[i];
        Err(format!(
            "{} argument of [{text}] must be [{expected}], found value [{}] type [{}]",
            ordinal(i),
            a.konst
                .as_ref()
                .map_or_else(|| "expression".to_string(), |k| k.to_string()),
            t_name(a.ty)
        ))
    };
    let is = |i: usize, pred: &dyn Fn(EsqlType) -> bool| args[i].ty == Null || pred(args[i].ty);
    let string = |i: usize| want(i, is(i, &EsqlType::is_string), "string");
    let numeric = |i: usize| want(i, is(i, &EsqlType::is_numeric), "numeric");
    let integer = |i: usize| want(i, is(i, &|t| matches!(t, Integer | Long)), "integer");
    let date = |i: usize| want(i, is(i, &|t| t == Date), "datetime");
    let num_ty = |i: usize| if args[i].ty == Null { Null } else { args[i].ty };
    let keyword = Checked {
        ty: Keyword,
        prep: Prep::None,
    };
    let typed = |ty: EsqlType| {
        Ok(Checked {
            ty,
            prep: Prep::None,
        })
    };
    match f {
        Func::E | Func::Pi | Func::Tau => {
            arity(0, 0)?;
            typed(Double)
        }
        Func::Now => {
            arity(0, 0)?;
            typed(Date)
        }
        Func::Abs | Func::Ceil | Func::Floor => {
            arity(1, 1)?;
            numeric(0)?;
            typed(num_ty(0))
        }
        Func::Acos
        | Func::Asin
        | Func::Atan
        | Func::Cbrt
        | Func::Cos
        | Func::Cosh
        | Func::Exp
        | Func::Log10
        | Func::Signum
        | Func::Sin
        | Func::Sinh
        | Func::Sqrt
        | Func::Tan
        | Func::Tanh
        | Func::ToDegrees
        | Func::ToRadians => {
            arity(1, 1)?;
            numeric(0)?;
            typed(Double)
        }
        Func::Atan2 | Func::Hypot | Func::Pow => {
            arity(2, 2)?;
            numeric(0)?;
            numeric(1)?;
            typed(Double)
        }
        Func::CopySign => {
            arity(2, 2)?;
            numeric(0)?;
            numeric(1)?;
            typed(num_ty(0))
        }
        Func::Log => {
            arity(1, 2)?;
            (0..n).try_for_each(numeric)?;
            typed(Double)
        }
        Func::Round => {
            arity(1, 2)?;
            numeric(0)?;
            if n == 2 {
                integer(1)?;
            }
            typed(num_ty(0))
        }
        Func::BitLength | Func::ByteLength | Func::Length => {
            arity(1, 1)?;
            string(0)?;
            typed(Integer)
        }
        Func::Concat => {
            arity(2, usize::MAX)?;
            (0..n).try_for_each(string)?;
            Ok(keyword)
        }
        Func::Contains | Func::EndsWith | Func::StartsWith => {
            arity(2, 2)?;
            string(0)?;
            string(1)?;
            typed(Boolean)
        }
        Func::FromBase64
        | Func::ToBase64
        | Func::Ltrim
        | Func::Rtrim
        | Func::Trim
        | Func::Reverse
        | Func::Md5
        | Func::Sha1
        | Func::Sha256
        | Func::ToLower
        | Func::ToUpper => {
            arity(1, 1)?;
            string(0)?;
            Ok(keyword)
        }
        Func::Hash => {
            arity(2, 2)?;
            string(0)?;
            string(1)?;
            if let Some(EsqlValue::Str(alg)) = &args[0].konst
                && hash_bytes(alg, b"").is_none()
            {
                return Err(format!(
                    "invalid algorithm for [{text}]: {alg} MessageDigest not available"
                ));
            }
            Ok(keyword)
        }
        Func::Left | Func::Right | Func::Repeat => {
            arity(2, 2)?;
            string(0)?;
            integer(1)?;
            Ok(keyword)
        }
        Func::Space => {
            arity(1, 1)?;
            integer(0)?;
            Ok(keyword)
        }
        Func::Locate => {
            arity(2, 3)?;
            string(0)?;
            string(1)?;
            if n == 3 {
                integer(2)?;
            }
            typed(Integer)
        }
        Func::Substring => {
            arity(2, 3)?;
            string(0)?;
            integer(1)?;
            if n == 3 {
                integer(2)?;
            }
            Ok(keyword)
        }
        Func::Replace => {
            arity(3, 3)?;
            (0..3).try_for_each(string)?;
            let prep = match &args[1].konst {
                Some(EsqlValue::Str(re)) => Prep::Regex(Box::new(
                    compile_java_regex(re)
                        .map_err(|e| format!("Invalid regex [{re}] in [{text}]: {e}"))?,
                )),
                _ => Prep::None,
            };
            Ok(Checked { ty: Keyword, prep })
        }
        Func::Split => {
            arity(2, 2)?;
            string(0)?;
            string(1)?;
            Ok(keyword)
        }
        Func::Case => {
            arity(1, usize::MAX)?;
            let pairs = n / 2;
            for i in 0..pairs {
                want(2 * i, is(2 * i, &|t| t == Boolean), "boolean")?;
            }
            let values: Vec<usize> = (0..pairs)
                .map(|i| 2 * i + 1)
                .chain((n % 2 == 1).then_some(n - 1))
                .collect();
            typed(common_type(args, &values, text)?)
        }
        Func::Coalesce | Func::Greatest | Func::Least => {
            arity(1, usize::MAX)?;
            let all: Vec<usize> = (0..n).collect();
            let ty = common_type(args, &all, text)?;
            if f != Func::Coalesce && matches!(ty, Unsupported) {
                return Err(format!("argument of [{text}] must be comparable"));
            }
            typed(ty)
        }
        Func::DateDiff => {
            arity(3, 3)?;
            string(0)?;
            date(1)?;
            date(2)?;
            if let Some(EsqlValue::Str(u)) = &args[0].konst
                && javatime::diff(u, 0, 0).is_none()
            {
                return Err(format!(
                    "Received value [{u}] is not valid date part to add; did you mean one of the supported units?"
                ));
            }
            typed(Integer)
        }
        Func::DateExtract => {
            arity(2, 2)?;
            string(0)?;
            date(1)?;
            if let Some(EsqlValue::Str(p)) = &args[0].konst
                && javatime::extract(p, 0).is_none()
            {
                return Err(format!("invalid date field for [{text}]: {p}"));
            }
            typed(Long)
        }
        Func::DateFormat => {
            arity(1, 2)?;
            let prep = if n == 2 {
                string(0)?;
                date(1)?;
                match &args[0].konst {
                    Some(EsqlValue::Str(p)) => Prep::Pattern(Box::new(
                        JavaPattern::compile(p)
                            .map_err(|e| format!("invalid date pattern for [{text}]: {e}"))?,
                    )),
                    _ => Prep::None,
                }
            } else {
                date(0)?;
                Prep::None
            };
            Ok(Checked { ty: Keyword, prep })
        }
        Func::DateParse => {
            arity(1, 2)?;
            (0..n).try_for_each(string)?;
            let prep = match (n, &args[0].konst) {
                (2, Some(EsqlValue::Str(p))) => Prep::Pattern(Box::new(
                    JavaPattern::compile(p)
                        .map_err(|e| format!("invalid date pattern for [{text}]: {e}"))?,
                )),
                _ => Prep::None,
            };
            Ok(Checked { ty: Date, prep })
        }
        Func::DateTrunc | Func::Bucket => {
            if f == Func::Bucket && n == 4 {
                return Err(format!(
                    "the automatic form BUCKET(field, buckets, from, to) of [{text}] is not supported by trailhound; give a span, e.g. BUCKET(@timestamp, 1 hour)"
                ));
            }
            arity(2, 2)?;
            let (span_i, value_i) = if f == Func::DateTrunc { (0, 1) } else { (1, 0) };
            let vt = args[value_i].ty;
            let span = args[span_i].konst.clone();
            let numeric_bucket = f == Func::Bucket && args[span_i].ty.is_numeric();
            if !args[span_i].ty.is_span() && !numeric_bucket {
                return Err(format!(
                    "{} argument of [{text}] must be [dateperiod or timeduration], found value [{}] type [{}]",
                    ordinal(span_i),
                    span.map_or_else(|| "expression".into(), |v| v.to_string()),
                    t_name(args[span_i].ty)
                ));
            }
            let Some(span) = span else {
                return Err(format!(
                    "{} argument of [{text}] must be a constant",
                    ordinal(span_i)
                ));
            };
            match vt {
                Date | Null if args[span_i].ty.is_span() => Ok(Checked {
                    ty: Date,
                    prep: Prep::Span(span),
                }),
                t if f == Func::Bucket && t.is_numeric() && args[span_i].ty.is_numeric() => {
                    Ok(Checked {
                        ty: Double,
                        prep: Prep::Span(span),
                    })
                }
                _ => Err(format!(
                    "{} argument of [{text}] must be [datetime], found value [expression] type [{}]",
                    ordinal(value_i),
                    t_name(vt)
                )),
            }
        }
        Func::DayName | Func::MonthName => {
            arity(1, 1)?;
            date(0)?;
            Ok(keyword)
        }
        Func::CidrMatch => {
            arity(2, usize::MAX)?;
            want(0, is(0, &|t| t == Ip), "ip")?;
            (1..n).try_for_each(string)?;
            let mut blocks = Vec::new();
            for a in &args[1..] {
                match &a.konst {
                    Some(v) => {
                        for b in v.values() {
                            let s = b.as_str().unwrap_or_default();
                            blocks.push(
                                parse_cidr(s).ok_or_else(|| {
                                    format!("invalid CIDR block [{s}] in [{text}]")
                                })?,
                            );
                        }
                    }
                    None => {
                        return Ok(Checked {
                            ty: Boolean,
                            prep: Prep::None,
                        });
                    }
                }
            }
            Ok(Checked {
                ty: Boolean,
                prep: Prep::Cidrs(blocks),
            })
        }
        Func::IpPrefix => {
            arity(3, 3)?;
            want(0, is(0, &|t| t == Ip), "ip")?;
            integer(1)?;
            integer(2)?;
            typed(Ip)
        }
        Func::ToBoolean => conv(
            args,
            arity,
            &[Boolean, Keyword, Text, Integer, Long, UnsignedLong, Double],
            Boolean,
            text,
        ),
        Func::ToDatetime => conv(
            args,
            arity,
            &[Date, Keyword, Text, Integer, Long, UnsignedLong, Double],
            Date,
            text,
        ),
        Func::ToDouble => conv(
            args,
            arity,
            &[
                Boolean,
                Date,
                Keyword,
                Text,
                Integer,
                Long,
                UnsignedLong,
                Double,
            ],
            Double,
            text,
        ),
        Func::ToInteger => conv(
            args,
            arity,
            &[
                Boolean,
                Date,
                Keyword,
                Text,
                Integer,
                Long,
                UnsignedLong,
                Double,
            ],
            Integer,
            text,
        ),
        Func::ToLong => conv(
            args,
            arity,
            &[
                Boolean,
                Date,
                Keyword,
                Text,
                Integer,
                Long,
                UnsignedLong,
                Double,
            ],
            Long,
            text,
        ),
        Func::ToUnsignedLong => conv(
            args,
            arity,
            &[
                Boolean,
                Date,
                Keyword,
                Text,
                Integer,
                Long,
                UnsignedLong,
                Double,
            ],
            UnsignedLong,
            text,
        ),
        Func::ToIp => conv(args, arity, &[Ip, Keyword, Text], Ip, text),
        Func::ToVersion => conv(args, arity, &[Version, Keyword, Text], Version, text),
        Func::ToString => conv(
            args,
            arity,
            &[
                Boolean,
                Date,
                Keyword,
                Text,
                Integer,
                Long,
                UnsignedLong,
                Double,
                Ip,
                Version,
            ],
            Keyword,
            text,
        ),
        Func::ToDatePeriod | Func::ToTimeDuration => {
            arity(1, 1)?;
            let target = if f == Func::ToDatePeriod {
                DatePeriod
            } else {
                TimeDuration
            };
            if args[0].konst.is_none() {
                return Err(format!(
                    "argument of [{text}] must be a constant, received [expression]"
                ));
            }
            if args[0].ty != target && !args[0].ty.is_string() {
                return Err(format!(
                    "argument of [{text}] must be [{}] or a string, found [{}]",
                    target.name(),
                    t_name(args[0].ty)
                ));
            }
            typed(target)
        }
        Func::MvAppend => {
            arity(2, 2)?;
            typed(common_type(args, &[0, 1], text)?)
        }
        Func::MvAvg => {
            arity(1, 1)?;
            numeric(0)?;
            typed(Double)
        }
        Func::MvConcat => {
            arity(2, 2)?;
            string(0)?;
            string(1)?;
            Ok(keyword)
        }
        Func::MvContains => {
            arity(2, 2)?;
            common_type(args, &[0, 1], text)?;
            typed(Boolean)
        }
        Func::MvCount => {
            arity(1, 1)?;
            typed(Integer)
        }
        Func::MvDedupe | Func::MvFirst | Func::MvLast => {
            arity(1, 1)?;
            typed(args[0].ty.as_keyword())
        }
        Func::MvMax | Func::MvMin => {
            arity(1, 1)?;
            want(0, args[0].ty != Unsupported, "representable")?;
            typed(args[0].ty.as_keyword())
        }
        Func::MvMedian | Func::MvMad | Func::MvSum => {
            arity(1, 1)?;
            numeric(0)?;
            typed(num_ty(0))
        }
        Func::MvPercentile => {
            arity(2, 2)?;
            numeric(0)?;
            numeric(1)?;
            typed(num_ty(0))
        }
        Func::MvPseriesWeightedSum => {
            arity(2, 2)?;
            want(0, is(0, &|t| t == Double), "double")?;
            want(1, is(1, &|t| t == Double), "double")?;
            typed(Double)
        }
        Func::MvSlice => {
            arity(2, 3)?;
            integer(1)?;
            if n == 3 {
                integer(2)?;
            }
            typed(args[0].ty.as_keyword())
        }
        Func::MvSort => {
            arity(1, 2)?;
            if n == 2 {
                string(1)?;
                if let Some(EsqlValue::Str(o)) = &args[1].konst
                    && !o.eq_ignore_ascii_case("asc")
                    && !o.eq_ignore_ascii_case("desc")
                {
                    return Err(format!(
                        "Invalid order value in [{text}], expected one of [ASC, DESC] but got [{o}]"
                    ));
                }
            }
            typed(args[0].ty.as_keyword())
        }
        Func::MvZip => {
            arity(2, 3)?;
            (0..n).try_for_each(string)?;
            Ok(keyword)
        }
    }
}

fn conv(
    args: &[ArgT],
    arity: impl Fn(usize, usize) -> Result<(), String>,
    accepted: &[EsqlType],
    to: EsqlType,
    text: &str,
) -> Result<Checked, String> {
    arity(1, 1)?;
    let t = args[0].ty;
    if t != EsqlType::Null && !accepted.contains(&t) {
        let names: Vec<&str> = accepted.iter().map(|t| t_name(*t)).collect();
        return Err(format!(
            "argument of [{text}] must be [{}], found value [{}] type [{}]",
            names.join(" or "),
            args[0]
                .konst
                .as_ref()
                .map_or_else(|| "expression".into(), |k| k.to_string()),
            t_name(t)
        ));
    }
    Ok(Checked {
        ty: to,
        prep: Prep::None,
    })
}

/// The common type of the arguments at `idx` (numeric types widen, `text` counts as `keyword`,
/// `null` fits anything).
pub(crate) fn common_type(args: &[ArgT], idx: &[usize], text: &str) -> Result<EsqlType, String> {
    let mut out = EsqlType::Null;
    for &i in idx {
        let t = args[i].ty.as_keyword();
        if t == EsqlType::Null {
            continue;
        }
        if out == EsqlType::Null {
            out = t;
            continue;
        }
        if out == t {
            continue;
        }
        match EsqlType::widen(out, t) {
            Some(w) => out = w,
            None => {
                return Err(format!(
                    "{} argument of [{text}] must be [{}], found value [{}] type [{}]",
                    ["first", "second", "third", "fourth", "fifth"]
                        .get(i)
                        .copied()
                        .unwrap_or("an"),
                    t_name(out),
                    args[i]
                        .konst
                        .as_ref()
                        .map_or_else(|| "expression".into(), |k| k.to_string()),
                    t_name(t)
                ));
            }
        }
    }
    Ok(out)
}

/// Converts a value to `to` (numeric widening and the implicit casts of literals).
pub(crate) fn coerce(v: &EsqlValue, to: EsqlType) -> EvalResult {
    if v.is_null() {
        return Ok(EsqlValue::Null);
    }
    if let EsqlValue::Multi(vs) = v {
        let out: Result<Vec<EsqlValue>, EvalError> = vs.iter().map(|x| coerce(x, to)).collect();
        return Ok(EsqlValue::from_values(out?));
    }
    match (v, to) {
        (EsqlValue::Int(i), EsqlType::Long) => Ok(EsqlValue::Long(i64::from(*i))),
        (EsqlValue::Int(_) | EsqlValue::Long(_) | EsqlValue::UnsignedLong(_), EsqlType::Double) => {
            Ok(EsqlValue::Double(v.as_f64().unwrap_or(0.0)))
        }
        _ => convert(v, to),
    }
}

/// One value converted by the `TO_<type>` function of `to`.
pub(crate) fn convert(v: &EsqlValue, to: EsqlType) -> EvalResult {
    use EsqlValue as V;
    let bad_number = |s: &str| EvalError::invalid(format!("Cannot parse number [{s}]"));
    let range = |x: &dyn std::fmt::Display, t: &str| {
        EvalError::invalid(format!("[{x}] out of [{t}] range"))
    };
    Ok(match (to, v) {
        (_, V::Null) => V::Null,
        (EsqlType::Keyword | EsqlType::Text, _) => V::str(&to_text(v)),
        (EsqlType::Boolean, V::Bool(b)) => V::Bool(*b),
        (EsqlType::Boolean, V::Str(s)) => V::Bool(s.eq_ignore_ascii_case("true")),
        (EsqlType::Boolean, V::Double(d)) => V::Bool(*d != 0.0),
        (EsqlType::Boolean, x) if x.as_i128().is_some() => V::Bool(x.as_i128() != Some(0)),
        (EsqlType::Double, V::Bool(b)) => V::Double(if *b { 1.0 } else { 0.0 }),
        (EsqlType::Double, V::Date(d)) => V::Double(*d as f64),
        (EsqlType::Double, V::Str(s)) => {
            V::Double(parse_java_double(s).ok_or_else(|| bad_number(s))?)
        }
        (EsqlType::Double, x) if x.as_f64().is_some() => V::Double(x.as_f64().unwrap_or(0.0)),
        (EsqlType::Integer | EsqlType::Long | EsqlType::UnsignedLong, _) => {
            let wide: i128 = match v {
                V::Bool(b) => i128::from(*b),
                V::Date(d) => i128::from(*d),
                V::Double(d) => {
                    double_to_integral(*d).ok_or_else(|| range(&java_double(*d), to.name()))?
                }
                V::Str(s) => match s.parse::<i128>() {
                    Ok(i) => i,
                    Err(_) => {
                        let d = parse_java_double(s).ok_or_else(|| bad_number(s))?;
                        double_to_integral(d).ok_or_else(|| range(&s, to.name()))?
                    }
                },
                x => x
                    .as_i128()
                    .ok_or_else(|| EvalError::invalid("unsupported conversion"))?,
            };
            match to {
                EsqlType::Integer => {
                    V::Int(i32::try_from(wide).map_err(|_| range(&wide, "integer"))?)
                }
                EsqlType::Long => V::Long(i64::try_from(wide).map_err(|_| range(&wide, "long"))?),
                _ => {
                    V::UnsignedLong(u64::try_from(wide).map_err(|_| range(&wide, "unsigned_long"))?)
                }
            }
        }
        (EsqlType::Date, V::Date(d)) => V::Date(*d),
        (EsqlType::Date, V::Str(s)) => {
            V::Date(javatime::parse_strict_date_optional_time(s).ok_or_else(|| {
                EvalError::illegal(format!(
                    "failed to parse date field [{s}] with format [strict_date_optional_time]"
                ))
            })?)
        }
        (EsqlType::Date, V::Double(d)) => V::Date(
            double_to_integral(*d)
                .and_then(|i| i64::try_from(i).ok())
                .ok_or_else(|| range(&java_double(*d), "long"))?,
        ),
        (EsqlType::Date, x) if x.as_i128().is_some() => V::Date(
            x.as_i128()
                .and_then(|i| i64::try_from(i).ok())
                .ok_or_else(|| range(x, "long"))?,
        ),
        (EsqlType::Ip, V::Ip(ip)) => V::Ip(*ip),
        (EsqlType::Ip, V::Str(s)) => V::Ip(
            parse_ip(s)
                .ok_or_else(|| EvalError::illegal(format!("'{s}' is not an IP string literal.")))?,
        ),
        (EsqlType::Version, V::Version(s) | V::Str(s)) => V::Version(s.clone()),
        (EsqlType::DatePeriod, V::Period(p)) => V::Period(*p),
        (EsqlType::TimeDuration, V::Duration(d)) => V::Duration(*d),
        (EsqlType::DatePeriod | EsqlType::TimeDuration, V::Str(s)) => parse_span_text(s, to)
            .ok_or_else(|| EvalError::invalid(format!("Cannot parse [{s}] to {}", to.name())))?,
        _ => {
            return Err(EvalError::invalid(format!(
                "cannot convert [{v}] to [{}]",
                to.name()
            )));
        }
    })
}

/// `7 days`, `1 hour` (as `TO_DATEPERIOD`/`TO_TIMEDURATION` accept).
fn parse_span_text(s: &str, to: EsqlType) -> Option<EsqlValue> {
    let s = s.trim();
    let digits = s
        .find(|c: char| !c.is_ascii_digit() && c != '-')
        .unwrap_or(s.len());
    let amount: i64 = s[..digits].parse().ok()?;
    let unit = crate::ast::TimeUnit::parse(s[digits..].trim())?;
    let v = span_value(amount, unit)?;
    let ok = matches!(
        (&v, to),
        (EsqlValue::Period(_), EsqlType::DatePeriod)
            | (EsqlValue::Duration(_), EsqlType::TimeDuration)
    );
    ok.then_some(v)
}

/// The value of a time-span literal.
pub(crate) fn span_value(amount: i64, unit: crate::ast::TimeUnit) -> Option<EsqlValue> {
    use crate::ast::TimeUnit as U;
    Some(match unit {
        U::Millisecond => EsqlValue::Duration(amount),
        U::Second => EsqlValue::Duration(amount.checked_mul(1000)?),
        U::Minute => EsqlValue::Duration(amount.checked_mul(60_000)?),
        U::Hour => EsqlValue::Duration(amount.checked_mul(3_600_000)?),
        U::Day => EsqlValue::Period(Period {
            months: 0,
            days: amount,
        }),
        U::Week => EsqlValue::Period(Period {
            months: 0,
            days: amount.checked_mul(7)?,
        }),
        U::Month => EsqlValue::Period(Period {
            months: amount,
            days: 0,
        }),
        U::Quarter => EsqlValue::Period(Period {
            months: amount.checked_mul(3)?,
            days: 0,
        }),
        U::Year => EsqlValue::Period(Period {
            months: amount.checked_mul(12)?,
            days: 0,
        }),
    })
}

/// Java's `(long) d` for finite values within range (truncation toward zero).
fn double_to_integral(d: f64) -> Option<i128> {
    if !d.is_finite() || d.abs() >= 1.8e19 {
        return None;
    }
    Some(d.trunc() as i128)
}

/// `Double.parseDouble`: surrounding whitespace allowed, `d`/`f` suffixes, `NaN`, `Infinity`.
pub(crate) fn parse_java_double(s: &str) -> Option<f64> {
    let t = s.trim();
    let t = t.strip_suffix(['d', 'D', 'f', 'F']).unwrap_or(t);
    match t {
        "NaN" => return Some(f64::NAN),
        "Infinity" | "+Infinity" => return Some(f64::INFINITY),
        "-Infinity" => return Some(f64::NEG_INFINITY),
        _ => {}
    }
    if t.is_empty()
        || !t
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-'))
    {
        return None;
    }
    t.parse::<f64>().ok()
}

/// The `TO_STRING` text of one value.
pub(crate) fn to_text(v: &EsqlValue) -> String {
    v.to_string()
}

/// Parses a CIDR block (`10.0.0.0/8`, `2001:db8::/32`, or a bare address) into its 16-byte
/// network and prefix length over the IPv6 form.
pub(crate) fn parse_cidr(s: &str) -> Option<([u8; 16], u32)> {
    let (addr, len) = match s.split_once('/') {
        Some((a, l)) => (a, Some(l.parse::<u32>().ok()?)),
        None => (s, None),
    };
    let ip: IpAddr = addr.parse().ok()?;
    let bits = match ip {
        IpAddr::V4(_) => {
            let l = len.unwrap_or(32);
            if l > 32 {
                return None;
            }
            96 + l
        }
        IpAddr::V6(_) => {
            let l = len.unwrap_or(128);
            if l > 128 {
                return None;
            }
            l
        }
    };
    Some((ip_bytes(ip), bits))
}

fn in_cidr(ip: &[u8; 16], (net, bits): &([u8; 16], u32)) -> bool {
    let full = (*bits / 8) as usize;
    if ip[..full] != net[..full] {
        return false;
    }
    let rem = bits % 8;
    if rem == 0 {
        return true;
    }
    let mask = 0xffu8 << (8 - rem);
    (ip[full] & mask) == (net[full] & mask)
}

/// Translates a Java regular expression for `REPLACE` (the syntaxes mostly agree; `regex`
/// lacks lookaround and backreferences, which are reported).
fn compile_java_regex(re: &str) -> Result<regex::Regex, String> {
    regex::RegexBuilder::new(re)
        .size_limit(1 << 22)
        .build()
        .map_err(|e| e.to_string())
}

/// Java `Matcher.replaceAll` replacement syntax (`$1`, `${name}`, `\$`) to `regex`'s.
fn java_replacement(rep: &str) -> String {
    let mut out = String::new();
    let mut chars = rep.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('$') => out.push_str("$$"),
                Some(other) => out.push(other),
                None => {}
            },
            '$' => {
                if chars.peek() == Some(&'{') {
                    out.push('$');
                } else {
                    let mut num = String::new();
                    while let Some(d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                        num.push(*d);
                        chars.next();
                    }
                    out.push_str(&format!("${{{num}}}"));
                }
            }
            other => out.push(other),
        }
    }
    out
}

fn hash_bytes(alg: &str, data: &[u8]) -> Option<String> {
    use sha1::Digest;
    let hex = |b: &[u8]| b.iter().map(|x| format!("{x:02x}")).collect::<String>();
    Some(match alg.to_ascii_uppercase().as_str() {
        "MD5" => hex(&md5::Md5::digest(data)),
        "SHA-1" | "SHA1" => hex(&sha1::Sha1::digest(data)),
        "SHA-224" => hex(&sha2::Sha224::digest(data)),
        "SHA-256" | "SHA256" => hex(&sha2::Sha256::digest(data)),
        "SHA-384" => hex(&sha2::Sha384::digest(data)),
        "SHA-512" => hex(&sha2::Sha512::digest(data)),
        _ => return None,
    })
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn base64_encode(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(B64[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Java's `Base64.getDecoder()` (basic alphabet, padding optional at the end, no whitespace).
fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let t = s.trim_end_matches('=');
    if s.len() - t.len() > 2 || t.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(t.len() * 3 / 4);
    let mut acc = 0u32;
    let mut bits = 0;
    for c in t.bytes() {
        let v = B64.iter().position(|&x| x == c)? as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    Some(out)
}

/// Runtime data of a call.
pub(crate) struct Call<'a> {
    pub func: Func,
    pub ty: EsqlType,
    pub prep: &'a Prep,
    pub now: i64,
}

fn strict(args: &[EsqlValue]) -> Result<bool, EvalError> {
    if args.iter().any(EsqlValue::is_multi) {
        return Err(EvalError::MultiValue);
    }
    Ok(args.iter().any(EsqlValue::is_null))
}

fn s(v: &EsqlValue) -> &str {
    v.as_str().unwrap_or_default()
}

fn int(v: &EsqlValue) -> i64 {
    v.as_i128().and_then(|i| i64::try_from(i).ok()).unwrap_or(0)
}

fn num(v: &EsqlValue) -> f64 {
    v.as_f64().unwrap_or(f64::NAN)
}

fn double(d: f64) -> EvalResult {
    if d.is_finite() {
        Ok(EsqlValue::Double(d))
    } else {
        Err(EvalError::arith("not a finite double number"))
    }
}

/// Evaluates a call whose arguments are evaluated (`CASE` and `COALESCE` are evaluated by the
/// caller lazily and never reach here).
pub(crate) fn eval(c: &Call<'_>, args: &[EsqlValue]) -> EvalResult {
    use EsqlValue as V;
    let f = c.func;
    // Element-wise functions.
    match f {
        Func::ToBoolean
        | Func::ToDatetime
        | Func::ToDouble
        | Func::ToInteger
        | Func::ToIp
        | Func::ToLong
        | Func::ToString
        | Func::ToUnsignedLong
        | Func::ToVersion
        | Func::ToLower
        | Func::ToUpper => return Err(EvalError::msg("element-wise function evaluated as scalar")),
        Func::Coalesce | Func::Case => {
            return Err(EvalError::msg("lazy function evaluated eagerly"));
        }
        _ => {}
    }
    if let Some(r) = eval_mv(c, args) {
        return r;
    }
    if strict(args)? {
        return Ok(V::Null);
    }
    let a = |i: usize| &args[i];
    match f {
        Func::E => Ok(V::Double(std::f64::consts::E)),
        Func::Pi => Ok(V::Double(std::f64::consts::PI)),
        Func::Tau => Ok(V::Double(std::f64::consts::TAU)),
        Func::Now => Ok(V::Date(c.now)),
        Func::Abs => Ok(match a(0) {
            V::Int(i) => V::Int(i.wrapping_abs()),
            V::Long(i) => V::Long(i.wrapping_abs()),
            V::Double(d) => V::Double(d.abs()),
            other => other.clone(),
        }),
        Func::Ceil => Ok(match a(0) {
            V::Double(d) => V::Double(d.ceil()),
            other => other.clone(),
        }),
        Func::Floor => Ok(match a(0) {
            V::Double(d) => V::Double(d.floor()),
            other => other.clone(),
        }),
        Func::Acos | Func::Asin => {
            let x = num(a(0));
            if !(-1.0..=1.0).contains(&x) {
                return Err(EvalError::arith(&format!(
                    "{} out of range [-1.0, 1.0]",
                    java_double(x)
                )));
            }
            double(if f == Func::Acos { x.acos() } else { x.asin() })
        }
        Func::Atan => double(num(a(0)).atan()),
        Func::Cbrt => double(num(a(0)).cbrt()),
        Func::Cos => double(num(a(0)).cos()),
        Func::Cosh => double(num(a(0)).cosh()),
        Func::Exp => double(num(a(0)).exp()),
        Func::Sin => double(num(a(0)).sin()),
        Func::Sinh => double(num(a(0)).sinh()),
        Func::Tan => double(num(a(0)).tan()),
        Func::Tanh => double(num(a(0)).tanh()),
        Func::ToDegrees => double(num(a(0)).to_degrees()),
        Func::ToRadians => double(num(a(0)).to_radians()),
        Func::Signum => double(match num(a(0)) {
            x if x > 0.0 => 1.0,
            x if x < 0.0 => -1.0,
            x => x,
        }),
        Func::Sqrt => {
            let x = num(a(0));
            if x < 0.0 {
                return Err(EvalError::arith("Square root of negative"));
            }
            double(x.sqrt())
        }
        Func::Log10 => {
            let x = num(a(0));
            if x <= 0.0 {
                return Err(EvalError::arith("Log of non-positive number"));
            }
            double(x.log10())
        }
        Func::Log => {
            let (base, x) = if args.len() == 2 {
                (num(a(0)), num(a(1)))
            } else {
                (std::f64::consts::E, num(a(0)))
            };
            if x <= 0.0 || base <= 0.0 {
                return Err(EvalError::arith("Log of non-positive number"));
            }
            if base == 1.0 {
                return Err(EvalError::arith("Log of base 1"));
            }
            double(x.ln() / base.ln())
        }
        Func::Atan2 => double(num(a(0)).atan2(num(a(1)))),
        Func::Hypot => double(num(a(0)).hypot(num(a(1)))),
        Func::Pow => double(num(a(0)).powf(num(a(1)))),
        Func::CopySign => {
            let negative = num(a(1)).is_sign_negative();
            Ok(match a(0) {
                V::Int(i) => V::Int(if negative {
                    -i.wrapping_abs()
                } else {
                    i.wrapping_abs()
                }),
                V::Long(i) => V::Long(if negative {
                    -i.wrapping_abs()
                } else {
                    i.wrapping_abs()
                }),
                other => V::Double(num(other).copysign(if negative { -1.0 } else { 1.0 })),
            })
        }
        Func::Round => {
            let digits = if args.len() == 2 { int(a(1)) } else { 0 };
            round(a(0), digits)
        }
        Func::BitLength => Ok(V::Int(
            i32::try_from(s(a(0)).len() * 8).map_err(|_| EvalError::arith("integer overflow"))?,
        )),
        Func::ByteLength => Ok(V::Int(
            i32::try_from(s(a(0)).len()).map_err(|_| EvalError::arith("integer overflow"))?,
        )),
        Func::Length => Ok(V::Int(
            i32::try_from(s(a(0)).chars().count()).unwrap_or(i32::MAX),
        )),
        Func::Concat => {
            let total: usize = args.iter().map(|v| s(v).len()).sum();
            if total > 1024 * 1024 {
                return Err(EvalError::illegal(
                    "concatenating more than [1048576] bytes is not supported",
                ));
            }
            Ok(V::str(&args.iter().map(s).collect::<String>()))
        }
        Func::Contains => Ok(V::Bool(s(a(0)).contains(s(a(1))))),
        Func::StartsWith => Ok(V::Bool(s(a(0)).starts_with(s(a(1))))),
        Func::EndsWith => Ok(V::Bool(s(a(0)).ends_with(s(a(1))))),
        Func::FromBase64 => match base64_decode(s(a(0))) {
            Some(bytes) => Ok(V::str(&String::from_utf8_lossy(&bytes))),
            None => Err(EvalError::illegal(
                "Input byte array has incorrect ending byte",
            )),
        },
        Func::ToBase64 => Ok(V::str(&base64_encode(s(a(0)).as_bytes()))),
        Func::Md5 => Ok(V::str(
            &hash_bytes("MD5", s(a(0)).as_bytes()).unwrap_or_default(),
        )),
        Func::Sha1 => Ok(V::str(
            &hash_bytes("SHA-1", s(a(0)).as_bytes()).unwrap_or_default(),
        )),
        Func::Sha256 => Ok(V::str(
            &hash_bytes("SHA-256", s(a(0)).as_bytes()).unwrap_or_default(),
        )),
        Func::Hash => match hash_bytes(s(a(0)), s(a(1)).as_bytes()) {
            Some(h) => Ok(V::str(&h)),
            None => Err(EvalError::invalid(format!(
                "invalid algorithm for [hash]: {} MessageDigest not available",
                s(a(0))
            ))),
        },
        Func::Ltrim => Ok(V::str(s(a(0)).trim_start_matches(is_java_ws))),
        Func::Rtrim => Ok(V::str(s(a(0)).trim_end_matches(is_java_ws))),
        Func::Trim => Ok(V::str(s(a(0)).trim_matches(is_java_ws))),
        Func::Reverse => Ok(V::str(&s(a(0)).chars().rev().collect::<String>())),
        Func::Left => {
            let k = usize::try_from(int(a(1)).max(0)).unwrap_or(0);
            Ok(V::str(&s(a(0)).chars().take(k).collect::<String>()))
        }
        Func::Right => {
            let text = s(a(0));
            let len = text.chars().count();
            let k = usize::try_from(int(a(1)).max(0)).unwrap_or(0).min(len);
            Ok(V::str(&text.chars().skip(len - k).collect::<String>()))
        }
        Func::Repeat => {
            let k = int(a(1));
            if k < 0 {
                return Err(EvalError::illegal(format!(
                    "Number parameter cannot be negative, found [{k}]"
                )));
            }
            let len = s(a(0))
                .len()
                .saturating_mul(usize::try_from(k).unwrap_or(usize::MAX));
            if len > 1024 * 1024 {
                return Err(EvalError::illegal(
                    "Creating repeated strings with more than [1048576] bytes is not supported",
                ));
            }
            Ok(V::str(&s(a(0)).repeat(usize::try_from(k).unwrap_or(0))))
        }
        Func::Space => {
            let k = int(a(0));
            if k < 0 {
                return Err(EvalError::illegal(format!(
                    "Number parameter cannot be negative, found [{k}]"
                )));
            }
            if k > 1024 * 1024 {
                return Err(EvalError::illegal(
                    "Creating strings longer than [1048576] bytes is not supported",
                ));
            }
            Ok(V::str(&" ".repeat(usize::try_from(k).unwrap_or(0))))
        }
        Func::Locate => {
            let (hay, needle) = (s(a(0)), s(a(1)));
            let chars: Vec<char> = hay.chars().collect();
            let start = if args.len() == 3 { int(a(2)) } else { 1 };
            let from = usize::try_from((start - 1).max(0))
                .unwrap_or(0)
                .min(chars.len());
            let tail: String = chars[from..].iter().collect();
            Ok(V::Int(match tail.find(needle) {
                Some(byte) => i32::try_from(from + tail[..byte].chars().count() + 1).unwrap_or(0),
                None => 0,
            }))
        }
        Func::Substring => {
            let chars: Vec<char> = s(a(0)).chars().collect();
            let len = chars.len() as i64;
            let mut start = int(a(1));
            if start < 0 {
                start += len + 1;
            }
            let begin = (start - 1).clamp(0, len);
            let length = if args.len() == 3 { int(a(2)) } else { len };
            if length < 0 {
                return Err(EvalError::illegal(format!(
                    "Length parameter cannot be negative, found [{length}]"
                )));
            }
            let end = (begin + length).min(len);
            Ok(V::str(
                &chars[begin as usize..end.max(begin) as usize]
                    .iter()
                    .collect::<String>(),
            ))
        }
        Func::Replace => {
            let compiled;
            let re = match c.prep {
                Prep::Regex(r) => &**r,
                _ => {
                    compiled = compile_java_regex(s(a(1))).map_err(EvalError::illegal)?;
                    &compiled
                }
            };
            Ok(V::str(
                &re.replace_all(s(a(0)), java_replacement(s(a(2))).as_str()),
            ))
        }
        Func::Split => {
            let delim = s(a(1));
            let text = s(a(0));
            if delim.is_empty() {
                return Ok(V::from_values(
                    text.chars().map(|ch| V::str(&ch.to_string())).collect(),
                ));
            }
            Ok(V::from_values(text.split(delim).map(V::str).collect()))
        }
        Func::Greatest | Func::Least => unreachable_mv(),
        Func::DateDiff => {
            let (unit, start, end) = (s(a(0)), int(a(1)), int(a(2)));
            match javatime::diff(unit, start, end) {
                None => Err(EvalError::invalid(format!(
                    "Received value [{unit}] is not valid date part to add; did you mean one of the supported units?"
                ))),
                Some(Err(e)) => Err(EvalError::invalid(e)),
                Some(Ok(d)) => i32::try_from(d)
                    .map(V::Int)
                    .map_err(|_| EvalError::invalid(format!("[{d}] out of [integer] range"))),
            }
        }
        Func::DateExtract => javatime::extract(s(a(0)), int(a(1)))
            .map(V::Long)
            .ok_or_else(|| {
                EvalError::illegal(format!(
                    "No enum constant java.time.temporal.ChronoField.{}",
                    s(a(0)).to_ascii_uppercase()
                ))
            }),
        Func::DateFormat => {
            if args.len() == 1 {
                return Ok(V::str(&javatime::format_iso_millis(int(a(0)))));
            }
            let compiled;
            let pat = match c.prep {
                Prep::Pattern(p) => &**p,
                _ => {
                    compiled = JavaPattern::compile(s(a(0))).map_err(EvalError::illegal)?;
                    &compiled
                }
            };
            Ok(V::str(&pat.format(int(a(1)))))
        }
        Func::DateParse => {
            if args.len() == 1 {
                return javatime::parse_strict_date_optional_time(s(a(0))).map(V::Date).ok_or_else(|| {
                    EvalError::illegal(format!("failed to parse date field [{}] with format [strict_date_optional_time]", s(a(0))))
                });
            }
            let compiled;
            let pat = match c.prep {
                Prep::Pattern(p) => &**p,
                _ => {
                    compiled = JavaPattern::compile(s(a(0))).map_err(EvalError::illegal)?;
                    &compiled
                }
            };
            pat.parse(s(a(1))).map(V::Date).map_err(|e| {
                EvalError::illegal(format!("java.time.format.DateTimeParseException: {e}"))
            })
        }
        Func::DateTrunc | Func::Bucket => {
            let value = if f == Func::DateTrunc { a(1) } else { a(0) };
            let Prep::Span(span) = c.prep else {
                return Err(EvalError::msg("missing span"));
            };
            match (value, span) {
                (V::Date(ms), V::Duration(d)) => javatime::trunc_duration(*ms, *d)
                    .map(V::Date)
                    .ok_or_else(|| {
                        EvalError::illegal(
                            "Zero or negative time interval is not supported".to_string(),
                        )
                    }),
                (V::Date(ms), V::Period(p)) => {
                    javatime::trunc_period(*ms, *p).map(V::Date).ok_or_else(|| {
                        EvalError::illegal("Time interval with multiple periods is not supported")
                    })
                }
                (x, span) if x.as_f64().is_some() && span.as_f64().is_some() => {
                    let w = num(span);
                    if w <= 0.0 {
                        return Err(EvalError::illegal("bucket span must be positive"));
                    }
                    double((num(x) / w).floor() * w)
                }
                _ => Err(EvalError::illegal("unsupported bucket")),
            }
        }
        Func::DayName => Ok(V::str(
            [
                "Monday",
                "Tuesday",
                "Wednesday",
                "Thursday",
                "Friday",
                "Saturday",
                "Sunday",
            ][(javatime::Civil::of(int(a(0))).weekday() - 1) as usize],
        )),
        Func::MonthName => Ok(V::str(
            [
                "January",
                "February",
                "March",
                "April",
                "May",
                "June",
                "July",
                "August",
                "September",
                "October",
                "November",
                "December",
            ][(javatime::Civil::of(int(a(0))).month - 1) as usize],
        )),
        Func::CidrMatch => {
            let V::Ip(ip) = a(0) else { return Ok(V::Null) };
            let bytes = ip_bytes(*ip);
            let parsed;
            let blocks = match c.prep {
                Prep::Cidrs(b) => b,
                _ => {
                    let mut out = Vec::new();
                    for b in &args[1..] {
                        out.push(parse_cidr(s(b)).ok_or_else(|| {
                            EvalError::illegal(format!("invalid CIDR block [{}]", s(b)))
                        })?);
                    }
                    parsed = out;
                    &parsed
                }
            };
            Ok(V::Bool(blocks.iter().any(|b| in_cidr(&bytes, b))))
        }
        Func::IpPrefix => {
            let V::Ip(ip) = a(0) else { return Ok(V::Null) };
            let (v4, v6) = (int(a(1)), int(a(2)));
            if !(0..=32).contains(&v4) {
                return Err(EvalError::illegal(format!(
                    "Prefix length v4 must be in range [0, 32], found {v4}"
                )));
            }
            if !(0..=128).contains(&v6) {
                return Err(EvalError::illegal(format!(
                    "Prefix length v6 must be in range [0, 128], found {v6}"
                )));
            }
            let bits = match ip {
                IpAddr::V4(_) => 96 + v4 as u32,
                IpAddr::V6(_) => v6 as u32,
            };
            let mut b = ip_bytes(*ip);
            for (i, byte) in b.iter_mut().enumerate() {
                let start = (i * 8) as u32;
                if start >= bits {
                    *byte = 0;
                } else if start + 8 > bits {
                    *byte &= 0xffu8 << (8 - (bits - start));
                }
            }
            Ok(V::Ip(ip_from_bytes(b)))
        }
        Func::ToDatePeriod | Func::ToTimeDuration => convert(a(0), c.ty),
        _ => Err(EvalError::msg(format!(
            "function {} not evaluable here",
            f.name()
        ))),
    }
}

fn unreachable_mv() -> EvalResult {
    Err(EvalError::msg("multi-value function dispatched as scalar"))
}

/// Java `String.trim` removes code points <= U+0020; ES|QL's TRIM strips Unicode whitespace.
fn is_java_ws(c: char) -> bool {
    c.is_whitespace()
}

/// `ROUND(x, digits)` with half-up rounding (Java `Math.round` / `BigDecimal.HALF_UP` as in
/// Elasticsearch's `Maths.round`).
fn round(v: &EsqlValue, digits: i64) -> EvalResult {
    use EsqlValue as V;
    match v {
        V::Double(d) => {
            if digits >= 0 {
                let m = 10f64.powi(digits.min(300) as i32);
                let scaled = d * m;
                if !scaled.is_finite() {
                    return Ok(V::Double(*d));
                }
                double((scaled + 0.5 * scaled.signum()).trunc() / m).or(Ok(V::Double(*d)))
            } else {
                let m = 10f64.powi((-digits).min(300) as i32);
                double(((d / m) + 0.5 * d.signum()).trunc() * m)
            }
        }
        x if digits >= 0 => Ok(x.clone()),
        x => {
            let i = x.as_i128().unwrap_or(0);
            let m = 10i128
                .checked_pow(u32::try_from(-digits).unwrap_or(u32::MAX))
                .unwrap_or(i128::MAX);
            let r = if m == i128::MAX {
                0
            } else {
                let half = m / 2;
                if i >= 0 {
                    (i + half) / m * m
                } else {
                    -((-i + half) / m * m)
                }
            };
            match x {
                V::Int(_) => i32::try_from(r)
                    .map(V::Int)
                    .map_err(|_| EvalError::arith("integer overflow")),
                V::UnsignedLong(_) => u64::try_from(r)
                    .map(V::UnsignedLong)
                    .map_err(|_| EvalError::arith("unsigned_long overflow")),
                _ => i64::try_from(r)
                    .map(V::Long)
                    .map_err(|_| EvalError::arith("long overflow")),
            }
        }
    }
}

/// The multi-value functions (and `GREATEST`/`LEAST`), which take multi-values as input.
fn eval_mv(c: &Call<'_>, args: &[EsqlValue]) -> Option<EvalResult> {
    use EsqlValue as V;
    let vals = |i: usize| args.get(i).map_or(&[][..], EsqlValue::values);
    let single = |i: usize| -> Result<Option<&EsqlValue>, EvalError> {
        match args.get(i) {
            Some(V::Multi(_)) => Err(EvalError::MultiValue),
            Some(V::Null) | None => Ok(None),
            Some(v) => Ok(Some(v)),
        }
    };
    let sorted = |i: usize| {
        let mut v: Vec<EsqlValue> = vals(i).to_vec();
        v.sort_by(|a, b| a.total_cmp(b));
        v
    };
    let r = match c.func {
        Func::Greatest | Func::Least => {
            if args.iter().any(EsqlValue::is_null) {
                return Some(Ok(V::Null));
            }
            let all: Vec<EsqlValue> = args
                .iter()
                .flat_map(|a| a.values().iter().cloned())
                .map(|v| coerce(&v, c.ty).unwrap_or(v))
                .collect();
            let pick = if c.func == Func::Greatest {
                all.into_iter().max_by(|a, b| a.total_cmp(b))
            } else {
                all.into_iter().min_by(|a, b| a.total_cmp(b))
            };
            Ok(pick.unwrap_or(V::Null))
        }
        Func::MvAppend => {
            let mut out: Vec<EsqlValue> = vals(0)
                .iter()
                .chain(vals(1))
                .map(|v| coerce(v, c.ty).unwrap_or(v.clone()))
                .collect();
            if out.is_empty() {
                return Some(Ok(V::Null));
            }
            Ok(V::from_values(std::mem::take(&mut out)))
        }
        Func::MvCount => {
            let n = vals(0).len();
            Ok(if n == 0 {
                V::Null
            } else {
                V::Int(i32::try_from(n).unwrap_or(i32::MAX))
            })
        }
        Func::MvFirst => Ok(vals(0).first().cloned().unwrap_or(V::Null)),
        Func::MvLast => Ok(vals(0).last().cloned().unwrap_or(V::Null)),
        Func::MvDedupe => {
            let mut seen = std::collections::HashSet::new();
            Ok(V::from_values(
                vals(0)
                    .iter()
                    .filter(|v| seen.insert((*v).clone()))
                    .cloned()
                    .collect(),
            ))
        }
        Func::MvMax => Ok(vals(0)
            .iter()
            .max_by(|a, b| a.total_cmp(b))
            .cloned()
            .unwrap_or(V::Null)),
        Func::MvMin => Ok(vals(0)
            .iter()
            .min_by(|a, b| a.total_cmp(b))
            .cloned()
            .unwrap_or(V::Null)),
        Func::MvSum => {
            let v = vals(0);
            if v.is_empty() {
                return Some(Ok(V::Null));
            }
            sum_values(v, c.ty)
        }
        Func::MvAvg => {
            let v = vals(0);
            if v.is_empty() {
                return Some(Ok(V::Null));
            }
            double(v.iter().map(num).sum::<f64>() / v.len() as f64)
        }
        Func::MvMedian => {
            let v = sorted(0);
            if v.is_empty() {
                return Some(Ok(V::Null));
            }
            Ok(median(&v, c.ty))
        }
        Func::MvMad => {
            let v = sorted(0);
            if v.is_empty() {
                return Some(Ok(V::Null));
            }
            let m = median_f64(&v.iter().map(num).collect::<Vec<_>>());
            let mut dev: Vec<f64> = v.iter().map(|x| (num(x) - m).abs()).collect();
            dev.sort_by(f64::total_cmp);
            let d = median_f64(&dev);
            Ok(match c.ty {
                EsqlType::Double => V::Double(d),
                EsqlType::Integer => V::Int(d as i32),
                EsqlType::Long => V::Long(d as i64),
                _ => V::UnsignedLong(d as u64),
            })
        }
        Func::MvPercentile => {
            let p = match single(1) {
                Ok(Some(p)) => num(p),
                Ok(None) => return Some(Ok(V::Null)),
                Err(e) => return Some(Err(e)),
            };
            if !(0.0..=100.0).contains(&p) {
                return Some(Err(EvalError::illegal(format!(
                    "Percentile parameter must be a number between 0 and 100, found [{}]",
                    java_double(p)
                ))));
            }
            let v = sorted(0);
            if v.is_empty() {
                return Some(Ok(V::Null));
            }
            let xs: Vec<f64> = v.iter().map(num).collect();
            let r = percentile_sorted(&xs, p);
            Ok(match c.ty {
                EsqlType::Double => V::Double(r),
                EsqlType::Integer => V::Int(r as i32),
                EsqlType::Long => V::Long(r as i64),
                _ => V::UnsignedLong(r as u64),
            })
        }
        Func::MvPseriesWeightedSum => {
            let p = match single(1) {
                Ok(Some(p)) => num(p),
                Ok(None) => return Some(Ok(V::Null)),
                Err(e) => return Some(Err(e)),
            };
            let v = vals(0);
            if v.is_empty() {
                return Some(Ok(V::Null));
            }
            let mut sorted_desc: Vec<f64> = v.iter().map(num).collect();
            sorted_desc.sort_by(|a, b| b.total_cmp(a));
            double(
                sorted_desc
                    .iter()
                    .enumerate()
                    .map(|(i, x)| x / ((i + 1) as f64).powf(p))
                    .sum(),
            )
        }
        Func::MvConcat => {
            let delim = match single(1) {
                Ok(Some(d)) => s(d).to_owned(),
                Ok(None) => return Some(Ok(V::Null)),
                Err(e) => return Some(Err(e)),
            };
            let v = vals(0);
            if v.is_empty() {
                return Some(Ok(V::Null));
            }
            Ok(V::str(&v.iter().map(s).collect::<Vec<_>>().join(&delim)))
        }
        Func::MvContains => {
            if args[0].is_null() && args[1].is_null() {
                return Some(Ok(V::Bool(true)));
            }
            let hay = vals(0);
            Ok(V::Bool(
                vals(1)
                    .iter()
                    .all(|x| hay.iter().any(|h| h.total_cmp(x).is_eq())),
            ))
        }
        Func::MvSlice => {
            let v = vals(0);
            let start = match single(1) {
                Ok(Some(x)) => int(x),
                Ok(None) => return Some(Ok(V::Null)),
                Err(e) => return Some(Err(e)),
            };
            let end = match single(2) {
                Ok(Some(x)) => int(x),
                Ok(None) => start,
                Err(e) => return Some(Err(e)),
            };
            if v.is_empty() {
                return Some(Ok(V::Null));
            }
            let len = v.len() as i64;
            let norm = |i: i64| if i < 0 { i + len } else { i };
            let (s0, e0) = (norm(start), norm(end));
            if (start < 0) != (end < 0) && start > end {
                return Some(Err(EvalError::invalid(
                    "Start offset is greater than end offset",
                )));
            }
            if s0 > e0 {
                return Some(Err(EvalError::invalid(
                    "Start offset is greater than end offset".to_string(),
                )));
            }
            let (s0, e0) = (s0.max(0), e0.min(len - 1));
            if s0 >= len || e0 < 0 || s0 > e0 {
                return Some(Ok(V::Null));
            }
            Ok(V::from_values(v[s0 as usize..=e0 as usize].to_vec()))
        }
        Func::MvSort => {
            let desc = match single(1) {
                Ok(Some(o)) => {
                    let o = s(o);
                    if o.eq_ignore_ascii_case("desc") {
                        true
                    } else if o.eq_ignore_ascii_case("asc") {
                        false
                    } else {
                        return Some(Err(EvalError::invalid(format!(
                            "Invalid order value in [mv_sort], expected one of [ASC, DESC] but got [{o}]"
                        ))));
                    }
                }
                Ok(None) if args.len() == 2 => return Some(Ok(V::Null)),
                Ok(None) => false,
                Err(e) => return Some(Err(e)),
            };
            let mut v = sorted(0);
            if desc {
                v.reverse();
            }
            Ok(V::from_values(v))
        }
        Func::MvZip => {
            let delim = match single(2) {
                Ok(Some(d)) => s(d).to_owned(),
                Ok(None) if args.len() == 3 => return Some(Ok(V::Null)),
                Ok(None) => ",".to_owned(),
                Err(e) => return Some(Err(e)),
            };
            let (l, r) = (vals(0), vals(1));
            if l.is_empty() && r.is_empty() {
                return Some(Ok(V::Null));
            }
            let n = l.len().max(r.len());
            Ok(V::from_values(
                (0..n)
                    .map(|i| match (l.get(i), r.get(i)) {
                        (Some(a), Some(b)) => V::str(&format!("{}{delim}{}", s(a), s(b))),
                        (Some(a), None) | (None, Some(a)) => a.clone(),
                        (None, None) => V::Null,
                    })
                    .collect(),
            ))
        }
        _ => return None,
    };
    Some(r)
}

/// Sum of values of type `ty` (`integer`/`long` overflow is an error, as Elasticsearch's
/// `Math.addExact`).
pub(crate) fn sum_values(v: &[EsqlValue], ty: EsqlType) -> EvalResult {
    use EsqlValue as V;
    match ty {
        EsqlType::Double => double(kahan(v.iter().map(num))),
        _ => {
            let total: i128 = v.iter().filter_map(EsqlValue::as_i128).sum();
            match ty {
                EsqlType::Integer => i32::try_from(total)
                    .map(V::Int)
                    .map_err(|_| EvalError::arith("integer overflow")),
                EsqlType::UnsignedLong => u64::try_from(total)
                    .map(V::UnsignedLong)
                    .map_err(|_| EvalError::arith("unsigned_long overflow")),
                _ => i64::try_from(total)
                    .map(V::Long)
                    .map_err(|_| EvalError::arith("long overflow")),
            }
        }
    }
}

/// Compensated (Kahan) summation, as Elasticsearch's `CompensatedSum`.
pub(crate) fn kahan(xs: impl Iterator<Item = f64>) -> f64 {
    let (mut sum, mut comp) = (0.0f64, 0.0f64);
    for x in xs {
        if !x.is_finite() {
            sum += x;
            continue;
        }
        let y = x - comp;
        let t = sum + y;
        comp = (t - sum) - y;
        sum = t;
    }
    sum
}

fn median(sorted: &[EsqlValue], ty: EsqlType) -> EsqlValue {
    use EsqlValue as V;
    let n = sorted.len();
    let mid = n / 2;
    if n % 2 == 1 {
        return sorted[mid].clone();
    }
    let (a, b) = (&sorted[mid - 1], &sorted[mid]);
    match ty {
        EsqlType::Double => V::Double((num(a) + num(b)) / 2.0),
        _ => {
            // Integral medians of an even count average the middle two, rounding down.
            let s = a.as_i128().unwrap_or(0) + b.as_i128().unwrap_or(0);
            let m = s.div_euclid(2);
            match ty {
                EsqlType::Integer => V::Int(m as i32),
                EsqlType::UnsignedLong => V::UnsignedLong(m as u64),
                _ => V::Long(m as i64),
            }
        }
    }
}

/// Median of sorted doubles.
pub(crate) fn median_f64(sorted: &[f64]) -> f64 {
    let n = sorted.len();
    if n == 0 {
        return f64::NAN;
    }
    if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
    }
}

/// Percentile of sorted doubles by linear interpolation between closest ranks (exact; the
/// `PERCENTILE` aggregation uses a t-digest in Elasticsearch, which matches this for small inputs).
pub(crate) fn percentile_sorted(sorted: &[f64], p: f64) -> f64 {
    let n = sorted.len();
    if n == 0 {
        return f64::NAN;
    }
    if n == 1 {
        return sorted[0];
    }
    let rank = p / 100.0 * (n - 1) as f64;
    let lo = rank.floor() as usize;
    let hi = rank.ceil() as usize;
    let frac = rank - lo as f64;
    sorted[lo] + (sorted[hi.min(n - 1)] - sorted[lo]) * frac
}

/// Evaluates an element-wise conversion or case function over every value of `v`; values that
/// fail are dropped and reported through `warn`.
pub(crate) fn eval_elementwise(
    f: Func,
    to: EsqlType,
    v: &EsqlValue,
    warn: &mut dyn FnMut(EvalError),
) -> EsqlValue {
    let one = |x: &EsqlValue| -> EvalResult {
        match f {
            Func::ToLower => Ok(EsqlValue::str(&s(x).to_lowercase())),
            Func::ToUpper => Ok(EsqlValue::str(&s(x).to_uppercase())),
            _ => convert(x, to),
        }
    };
    match v {
        EsqlValue::Null => EsqlValue::Null,
        EsqlValue::Multi(vs) => {
            let mut out = Vec::with_capacity(vs.len());
            for x in vs.iter() {
                match one(x) {
                    Ok(y) => out.push(y),
                    Err(e) => warn(e),
                }
            }
            EsqlValue::from_values(out)
        }
        single => match one(single) {
            Ok(y) => y,
            Err(e) => {
                warn(e);
                EsqlValue::Null
            }
        },
    }
}

/// Whether `f` converts element-wise.
pub(crate) fn is_elementwise(f: Func) -> bool {
    matches!(
        f,
        Func::ToBoolean
            | Func::ToDatetime
            | Func::ToDouble
            | Func::ToInteger
            | Func::ToIp
            | Func::ToLong
            | Func::ToString
            | Func::ToUnsignedLong
            | Func::ToVersion
            | Func::ToLower
            | Func::ToUpper
    )
}

/// The conversion target type of an element-wise function.
pub(crate) fn target_of(f: Func) -> EsqlType {
    match f {
        Func::ToBoolean => EsqlType::Boolean,
        Func::ToDatetime => EsqlType::Date,
        Func::ToDouble => EsqlType::Double,
        Func::ToInteger => EsqlType::Integer,
        Func::ToIp => EsqlType::Ip,
        Func::ToLong => EsqlType::Long,
        Func::ToUnsignedLong => EsqlType::UnsignedLong,
        Func::ToVersion => EsqlType::Version,
        _ => EsqlType::Keyword,
    }
}

/// The function implementing an `x::type` cast.
pub(crate) fn cast_function(to: EsqlType) -> Option<Func> {
    Some(match to {
        EsqlType::Boolean => Func::ToBoolean,
        EsqlType::Integer => Func::ToInteger,
        EsqlType::Long => Func::ToLong,
        EsqlType::UnsignedLong => Func::ToUnsignedLong,
        EsqlType::Double => Func::ToDouble,
        EsqlType::Keyword | EsqlType::Text => Func::ToString,
        EsqlType::Date => Func::ToDatetime,
        EsqlType::Ip => Func::ToIp,
        EsqlType::Version => Func::ToVersion,
        EsqlType::DatePeriod => Func::ToDatePeriod,
        EsqlType::TimeDuration => Func::ToTimeDuration,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_round_trips_like_java() {
        for s in [
            "",
            "f",
            "fo",
            "foo",
            "foob",
            "fooba",
            "foobar",
            "#!/bin/bash\nnc -e /bin/sh",
        ] {
            let enc = base64_encode(s.as_bytes());
            assert_eq!(base64_decode(&enc).as_deref(), Some(s.as_bytes()), "{s}");
        }
        assert_eq!(base64_encode(b"foobar"), "Zm9vYmFy");
        assert_eq!(base64_decode("Zm9v").as_deref(), Some(&b"foo"[..]));
        assert_eq!(base64_decode("Zm9"), Some(b"fo".to_vec()));
        assert!(base64_decode("Z").is_none());
        assert!(base64_decode("Zm9v!").is_none());
    }

    #[test]
    fn cidrs_match_over_ipv6_form() {
        let ip = |s: &str| ip_bytes(parse_ip(s).unwrap_or(IpAddr::V4([0, 0, 0, 0].into())));
        let block = |s: &str| parse_cidr(s).unwrap_or(([0; 16], 200));
        assert!(in_cidr(&ip("10.1.2.3"), &block("10.0.0.0/8")));
        assert!(!in_cidr(&ip("11.1.2.3"), &block("10.0.0.0/8")));
        assert!(in_cidr(&ip("172.31.255.1"), &block("172.16.0.0/12")));
        assert!(!in_cidr(&ip("172.32.0.1"), &block("172.16.0.0/12")));
        assert!(in_cidr(&ip("2001:db8::1"), &block("2001:db8::/32")));
        assert!(in_cidr(&ip("1.2.3.4"), &block("1.2.3.4")));
        assert!(parse_cidr("10.0.0.0/33").is_none());
    }

    #[test]
    fn conversions_follow_java() {
        let conv = |v: EsqlValue, t: EsqlType| {
            convert(&v, t)
                .map(|x| x.to_string())
                .unwrap_or_else(|e| e.text())
        };
        assert_eq!(conv(EsqlValue::str("42"), EsqlType::Integer), "42");
        assert_eq!(conv(EsqlValue::str(" 5.9 "), EsqlType::Integer), "5");
        assert_eq!(
            conv(EsqlValue::str("x"), EsqlType::Integer),
            "org.elasticsearch.xpack.esql.core.InvalidArgumentException: Cannot parse number [x]"
        );
        assert_eq!(
            conv(EsqlValue::Long(501_379_200_000), EsqlType::Integer),
            "org.elasticsearch.xpack.esql.core.InvalidArgumentException: [501379200000] out of [integer] range"
        );
        assert_eq!(conv(EsqlValue::str("TRUE"), EsqlType::Boolean), "true");
        assert_eq!(conv(EsqlValue::str("yes"), EsqlType::Boolean), "false");
        assert_eq!(conv(EsqlValue::Double(2.5), EsqlType::Keyword), "2.5");
        assert_eq!(conv(EsqlValue::Int(7), EsqlType::Double), "7.0");
        assert_eq!(
            conv(EsqlValue::str("::ffff:10.0.0.1"), EsqlType::Ip),
            "10.0.0.1"
        );
        assert_eq!(conv(EsqlValue::Bool(true), EsqlType::Long), "1");
        assert_eq!(
            conv(EsqlValue::str("2023-07-10T11:00:00Z"), EsqlType::Date),
            "2023-07-10T11:00:00.000Z"
        );
    }

    #[test]
    fn java_replacements() {
        assert_eq!(java_replacement("$1-x"), "${1}-x");
        assert_eq!(java_replacement("\\$5"), "$$5");
        assert_eq!(java_replacement("${name}"), "${name}");
    }

    #[test]
    fn rounding_is_half_up() {
        let r = |v: EsqlValue, d: i64| round(&v, d).map(|x| x.to_string()).unwrap_or_default();
        assert_eq!(r(EsqlValue::Double(2.5), 0), "3.0");
        assert_eq!(r(EsqlValue::Double(-2.5), 0), "-3.0");
        assert_eq!(r(EsqlValue::Double(1.2345), 2), "1.23");
        assert_eq!(r(EsqlValue::Long(1250), -2), "1300");
        assert_eq!(r(EsqlValue::Int(-1250), -2), "-1300");
        assert_eq!(r(EsqlValue::Int(7), 3), "7");
    }
}

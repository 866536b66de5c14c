//! The EQL functions inside scripts (and constant folding), after the function reference and the
//! `*FunctionProcessor` classes of Elasticsearch. Positions and lengths count UTF-16 code units,
//! as Java does; `~` variants lower-case both sides (`Locale.ROOT`).

use std::net::IpAddr;

use trailhound_engine::Cidr;

use super::java;
use super::script::{Eval, SVal, arith, err};
use crate::{ArithOp, Function};

/// Calls `f` (its `~` form when `ci`) on evaluated arguments.
pub(crate) fn call(f: Function, ci: bool, args: &[SVal]) -> Eval {
    let arg = |i: usize| args.get(i).unwrap_or(&SVal::Null);
    match f {
        Function::Add => arith(ArithOp::Add, arg(0), arg(1)),
        Function::Subtract => arith(ArithOp::Sub, arg(0), arg(1)),
        Function::Multiply => arith(ArithOp::Mul, arg(0), arg(1)),
        Function::Divide => arith(ArithOp::Div, arg(0), arg(1)),
        Function::Modulo => arith(ArithOp::Mod, arg(0), arg(1)),
        Function::Between => between(arg(0), arg(1), arg(2), args.get(3), ci),
        Function::CidrMatch => cidr_match(arg(0), args.get(1..).unwrap_or(&[])),
        Function::Concat => concat(args),
        Function::EndsWith => two_strings(arg(0), arg(1), ci, |s, p| s.ends_with(p)),
        Function::StartsWith => two_strings(arg(0), arg(1), ci, |s, p| s.starts_with(p)),
        Function::StringContains => two_strings(arg(0), arg(1), ci, |s, p| {
            // `StringUtils.stringContains`: an empty source or substring is never contained.
            !s.is_empty() && !p.is_empty() && s.contains(p)
        }),
        Function::IndexOf => index_of(arg(0), arg(1), args.get(2), ci),
        Function::Length => match arg(0) {
            SVal::Null => Ok(SVal::Null),
            SVal::Str(s) => Ok(SVal::Int(java::units(s).len() as i64)),
            other => not_a_string(other),
        },
        Function::Number => number(arg(0), args.get(1)),
        Function::String => Ok(arg(0).to_java_string().map_or(SVal::Null, SVal::Str)),
        Function::Substring => substring(arg(0), arg(1), args.get(2)),
    }
}

fn not_a_string<T>(v: &SVal) -> Result<T, super::script::EvalError> {
    err(format!("A string/char is required; received [{v:?}]"))
}

fn string(v: &SVal) -> Result<Option<&str>, super::script::EvalError> {
    match v {
        SVal::Null => Ok(None),
        SVal::Str(s) => Ok(Some(s)),
        other => not_a_string(other),
    }
}

fn int(v: &SVal) -> Result<Option<i64>, super::script::EvalError> {
    match v {
        SVal::Null => Ok(None),
        SVal::Int(i) => Ok(Some(*i)),
        SVal::Double(d) => Ok(Some(d.trunc() as i64)),
        other => err(format!("A number is required; received [{other:?}]")),
    }
}

/// `endsWith`, `startsWith`, `stringContains` in a script: `null` if either side is `null`.
fn two_strings(s: &SVal, p: &SVal, ci: bool, test: impl Fn(&str, &str) -> bool) -> Eval {
    let (Some(s), Some(p)) = (string(s)?, string(p)?) else {
        return Ok(SVal::Null);
    };
    Ok(SVal::Bool(if ci {
        test(&s.to_lowercase(), &p.to_lowercase())
    } else {
        test(s, p)
    }))
}

/// `between(source, left, right[, greedy])`: the text after the first `left` and before the
/// next `right` (greedy: the last `right`); `""` when a delimiter is missing.
fn between(src: &SVal, left: &SVal, right: &SVal, greedy: Option<&SVal>, ci: bool) -> Eval {
    let Some(src) = string(src)? else {
        return Ok(SVal::Null);
    };
    let (Some(left), Some(right)) = (string(left)?, string(right)?) else {
        return err("between: the delimiters cannot be null");
    };
    let greedy = match greedy {
        None => false,
        Some(SVal::Bool(b)) => *b,
        Some(other) => return err(format!("A boolean is required; received [{other:?}]")),
    };
    let lowered = |s: &str| {
        if ci {
            java::units(&java::lower_same_length(s))
        } else {
            java::units(s)
        }
    };
    let (hay, l, r) = (lowered(src), lowered(left), lowered(right));
    let Some(at) = java::index_of(&hay, &l, 0) else {
        return Ok(SVal::Str(String::new()));
    };
    let start = at + l.len();
    let end = if greedy {
        java::last_index_of(&hay, &r).filter(|e| *e >= start)
    } else {
        java::index_of(&hay, &r, start)
    };
    let original = java::units(src);
    Ok(SVal::Str(match end.and_then(|e| original.get(start..e)) {
        Some(slice) => java::from_units(slice),
        None => String::new(),
    }))
}

/// `cidrMatch(ip, cidr...)`: `null` if any argument is `null`.
fn cidr_match(ip: &SVal, blocks: &[SVal]) -> Eval {
    let Some(ip) = string(ip)? else {
        return Ok(SVal::Null);
    };
    let addr: IpAddr = match ip.trim().parse() {
        Ok(a) => a,
        Err(_) => return err(format!("'{ip}' is not an IP string literal.")),
    };
    let mut found = false;
    for b in blocks {
        let Some(b) = string(b)? else {
            return Ok(SVal::Null);
        };
        match Cidr::parse(b) {
            Some(net) => found |= net.contains(addr),
            None => return err(format!("'{b}' is not a valid CIDR block")),
        }
    }
    Ok(SVal::Bool(found))
}

/// `concat(v...)`: the string forms joined, `null` if any is `null`.
fn concat(args: &[SVal]) -> Eval {
    let mut out = String::new();
    for a in args {
        match a.to_java_string() {
            Some(s) => out.push_str(&s),
            None => return Ok(SVal::Null),
        }
    }
    Ok(SVal::Str(out))
}

/// `indexOf(source, substring[, start])`.
fn index_of(src: &SVal, sub: &SVal, start: Option<&SVal>, ci: bool) -> Eval {
    let (Some(src), Some(sub)) = (string(src)?, string(sub)?) else {
        return Ok(SVal::Null);
    };
    let start = match start {
        None => 0,
        Some(v) => match int(v)? {
            Some(s) => s.max(0),
            None => return Ok(SVal::Null),
        },
    };
    let (hay, needle) = if ci {
        (
            java::units(&java::lower_same_length(src)),
            java::units(&java::lower_same_length(sub)),
        )
    } else {
        (java::units(src), java::units(sub))
    };
    let Ok(start) = usize::try_from(start) else {
        return Ok(SVal::Null);
    };
    if start > hay.len() {
        return Ok(SVal::Null);
    }
    Ok(java::index_of(&hay, &needle, start).map_or(SVal::Null, |i| SVal::Int(i as i64)))
}

/// `number(string[, base])`: `Long.valueOf`, else `Double.valueOf` in base 10; `Long.parseLong`
/// in other bases; a `0x` prefix means base 16 unless another base is given.
fn number(src: &SVal, base: Option<&SVal>) -> Eval {
    let Some(text) = string(src)? else {
        return Ok(SVal::Null);
    };
    let hex = text.starts_with("0x");
    let radix = match base {
        None | Some(SVal::Null) => {
            if hex {
                16
            } else {
                10
            }
        }
        Some(SVal::Int(b)) => *b,
        Some(other) => return err(format!("An integer base is required; received [{other:?}]")),
    };
    let digits = if hex && radix == 16 {
        text.get(2..).unwrap_or("")
    } else {
        text
    };
    let parsed = match u32::try_from(radix) {
        Ok(10) => java::parse_long(digits, 10)
            .map(SVal::Int)
            .or_else(|| java::parse_double(digits).map(SVal::Double)),
        Ok(r) => java::parse_long(digits, r).map(SVal::Int),
        Err(_) => None,
    };
    parsed.map_or_else(
        || {
            err(format!(
                "Unable to convert [{digits}] to number of base [{radix}]"
            ))
        },
        Ok,
    )
}

/// `substring(source, start[, end])` with Python slice semantics.
fn substring(src: &SVal, start: &SVal, end: Option<&SVal>) -> Eval {
    let Some(text) = string(src)? else {
        return Ok(SVal::Null);
    };
    let Some(start) = int(start)? else {
        return Ok(SVal::Str(text.to_string()));
    };
    let u = java::units(text);
    let len = u.len() as i64;
    let end = match end {
        None => len,
        Some(v) => int(v)?.unwrap_or(len),
    };
    let start = if start < 0 {
        (start + len).max(0)
    } else {
        start
    };
    let end = if end < 0 {
        (end + len).max(0)
    } else {
        end.min(len)
    };
    if start >= end {
        return Ok(SVal::Str(String::new()));
    }
    let slice = usize::try_from(start)
        .ok()
        .zip(usize::try_from(end).ok())
        .and_then(|(s, e)| u.get(s..e));
    Ok(SVal::Str(slice.map(java::from_units).unwrap_or_default()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(x: &str) -> SVal {
        SVal::Str(x.into())
    }

    /// The examples of the EQL function reference, in order.
    #[test]
    fn function_reference_examples() {
        use Function::*;
        let path = s("C:\\Windows\\System32\\cmd.exe");
        let domain = s("subdomain.example.com");
        let cases: Vec<(Function, bool, Vec<SVal>, SVal)> = vec![
            (Add, false, vec![SVal::Int(4), SVal::Int(5)], SVal::Int(9)),
            (
                Add,
                false,
                vec![SVal::Int(4), SVal::Double(0.5)],
                SVal::Double(4.5),
            ),
            (Add, false, vec![SVal::Null, SVal::Int(4)], SVal::Null),
            (
                Between,
                false,
                vec![path.clone(), s("System32\\"), s(".exe")],
                s("cmd"),
            ),
            (
                Between,
                false,
                vec![path.clone(), s("system32\\"), s(".exe")],
                s(""),
            ),
            (
                Between,
                true,
                vec![path.clone(), s("system32\\"), s(".exe")],
                s("cmd"),
            ),
            (
                Between,
                false,
                vec![path.clone(), s("\\"), s("\\"), SVal::Bool(false)],
                s("Windows"),
            ),
            (
                Between,
                false,
                vec![path.clone(), s("\\"), s("\\"), SVal::Bool(true)],
                s("Windows\\System32"),
            ),
            (
                Between,
                false,
                vec![s(""), s("System32\\"), s(".exe")],
                s(""),
            ),
            (Between, false, vec![s(""), s(""), s("")], s("")),
            (Between, false, vec![SVal::Null, s("a"), s("b")], SVal::Null),
            (
                CidrMatch,
                false,
                vec![s("192.168.152.12"), s("192.168.0.0/16")],
                SVal::Bool(true),
            ),
            (
                CidrMatch,
                false,
                vec![s("192.168.152.12"), s("192.168.0.0/16"), s("10.0.0.0/8")],
                SVal::Bool(true),
            ),
            (
                CidrMatch,
                false,
                vec![s("192.168.152.12"), s("10.0.0.0/8"), s("10.128.0.0/9")],
                SVal::Bool(false),
            ),
            (
                CidrMatch,
                false,
                vec![SVal::Null, s("10.0.0.0/8")],
                SVal::Null,
            ),
            (
                CidrMatch,
                false,
                vec![s("192.168.152.12"), SVal::Null],
                SVal::Null,
            ),
            (
                Concat,
                false,
                vec![s("process is "), s("regsvr32.exe")],
                s("process is regsvr32.exe"),
            ),
            (
                Concat,
                false,
                vec![s("regsvr32.exe"), s(" "), SVal::Int(42)],
                s("regsvr32.exe 42"),
            ),
            (
                Concat,
                false,
                vec![s("regsvr32.exe"), s(" "), SVal::Double(42.5)],
                s("regsvr32.exe 42.5"),
            ),
            (
                Concat,
                false,
                vec![s("regsvr32.exe"), s(" "), SVal::Bool(true)],
                s("regsvr32.exe true"),
            ),
            (
                Concat,
                false,
                vec![SVal::Null, s("regsvr32.exe")],
                SVal::Null,
            ),
            (
                Divide,
                false,
                vec![SVal::Int(4), SVal::Int(3)],
                SVal::Int(1),
            ),
            (
                Divide,
                false,
                vec![SVal::Int(4), SVal::Double(0.5)],
                SVal::Double(8.0),
            ),
            (
                Divide,
                false,
                vec![SVal::Int(-4), SVal::Int(-2)],
                SVal::Int(2),
            ),
            (
                EndsWith,
                false,
                vec![s("regsvr32.exe"), s(".exe")],
                SVal::Bool(true),
            ),
            (
                EndsWith,
                false,
                vec![s("regsvr32.exe"), s(".EXE")],
                SVal::Bool(false),
            ),
            (EndsWith, false, vec![s(""), s("")], SVal::Bool(true)),
            (
                EndsWith,
                true,
                vec![s("regsvr32.exe"), s(".EXE")],
                SVal::Bool(true),
            ),
            (EndsWith, false, vec![s(""), SVal::Null], SVal::Null),
            (IndexOf, false, vec![domain.clone(), s("d")], SVal::Int(3)),
            (IndexOf, false, vec![domain.clone(), s("D")], SVal::Null),
            (
                IndexOf,
                false,
                vec![domain.clone(), s("."), SVal::Int(9)],
                SVal::Int(9),
            ),
            (
                IndexOf,
                false,
                vec![domain.clone(), s("."), SVal::Int(10)],
                SVal::Int(17),
            ),
            (
                IndexOf,
                false,
                vec![domain.clone(), s("."), SVal::Int(-6)],
                SVal::Int(9),
            ),
            (IndexOf, true, vec![domain.clone(), s("D")], SVal::Int(3)),
            (IndexOf, false, vec![s(""), s("")], SVal::Int(0)),
            (
                IndexOf,
                false,
                vec![domain.clone(), s(""), SVal::Int(10)],
                SVal::Int(10),
            ),
            (
                IndexOf,
                false,
                vec![domain.clone(), s(""), SVal::Int(-6)],
                SVal::Int(0),
            ),
            (
                IndexOf,
                false,
                vec![domain.clone(), s("."), SVal::Int(30)],
                SVal::Null,
            ),
            (
                IndexOf,
                false,
                vec![domain.clone(), s("."), SVal::Null],
                SVal::Null,
            ),
            (Length, false, vec![s("start explorer.exe")], SVal::Int(18)),
            (Length, false, vec![s("")], SVal::Int(0)),
            (Length, false, vec![SVal::Null], SVal::Null),
            (
                Modulo,
                false,
                vec![SVal::Int(10), SVal::Int(6)],
                SVal::Int(4),
            ),
            (
                Modulo,
                false,
                vec![SVal::Int(10), SVal::Int(-6)],
                SVal::Int(4),
            ),
            (
                Modulo,
                false,
                vec![SVal::Int(-10), SVal::Int(-6)],
                SVal::Int(-4),
            ),
            (
                Multiply,
                false,
                vec![SVal::Double(0.5), SVal::Int(2)],
                SVal::Double(1.0),
            ),
            (Number, false, vec![s("1337")], SVal::Int(1337)),
            (Number, false, vec![s("42.5")], SVal::Double(42.5)),
            (
                Number,
                false,
                vec![s("deadbeef"), SVal::Int(16)],
                SVal::Int(3735928559),
            ),
            (Number, false, vec![s("0xdeadbeef")], SVal::Int(3735928559)),
            (
                Number,
                false,
                vec![s("0xdeadbeef"), SVal::Null],
                SVal::Int(3735928559),
            ),
            (Number, false, vec![s("+1337")], SVal::Int(1337)),
            (Number, false, vec![s("-1337")], SVal::Int(-1337)),
            (Number, false, vec![s("  1337  ")], SVal::Double(1337.0)),
            (Number, false, vec![SVal::Null, SVal::Int(16)], SVal::Null),
            (
                StartsWith,
                false,
                vec![s("regsvr32.exe"), s("Regsvr32")],
                SVal::Bool(false),
            ),
            (
                StartsWith,
                true,
                vec![s("regsvr32.exe"), s("Regsvr32")],
                SVal::Bool(true),
            ),
            (StartsWith, false, vec![s(""), s("")], SVal::Bool(true)),
            (String, false, vec![SVal::Int(42)], s("42")),
            (String, false, vec![SVal::Double(42.5)], s("42.5")),
            (String, false, vec![SVal::Bool(true)], s("true")),
            (String, false, vec![SVal::Null], SVal::Null),
            (
                StringContains,
                false,
                vec![s("start regsvr32.exe"), s("regsvr32")],
                SVal::Bool(true),
            ),
            (
                StringContains,
                false,
                vec![s("start regsvr32.exe"), s("Regsvr32")],
                SVal::Bool(false),
            ),
            (
                StringContains,
                true,
                vec![s("start regsvr32.exe"), s("Regsvr32")],
                SVal::Bool(true),
            ),
            (StringContains, false, vec![s(""), s("")], SVal::Bool(false)),
            (
                StringContains,
                false,
                vec![s("abc"), s("")],
                SVal::Bool(false),
            ),
            (StringContains, false, vec![SVal::Null, s("x")], SVal::Null),
            (StringContains, false, vec![s("x"), SVal::Null], SVal::Null),
            (
                StringContains,
                false,
                vec![s("a*b"), s("*")],
                SVal::Bool(true),
            ),
            (
                StringContains,
                false,
                vec![s("ab"), s("*")],
                SVal::Bool(false),
            ),
            (
                Substring,
                false,
                vec![s("start regsvr32.exe"), SVal::Int(6)],
                s("regsvr32.exe"),
            ),
            (
                Substring,
                false,
                vec![s("start regsvr32.exe"), SVal::Int(0), SVal::Int(5)],
                s("start"),
            ),
            (
                Substring,
                false,
                vec![s("start regsvr32.exe"), SVal::Int(6), SVal::Int(14)],
                s("regsvr32"),
            ),
            (
                Substring,
                false,
                vec![s("start regsvr32.exe"), SVal::Int(-4)],
                s(".exe"),
            ),
            (
                Substring,
                false,
                vec![s("start regsvr32.exe"), SVal::Int(-4), SVal::Int(-1)],
                s(".ex"),
            ),
            (Substring, false, vec![s("abc"), SVal::Int(5)], s("")),
            (
                Subtract,
                false,
                vec![SVal::Int(-2), SVal::Int(4)],
                SVal::Int(-6),
            ),
            (
                Subtract,
                false,
                vec![SVal::Double(10.5), SVal::Double(0.5)],
                SVal::Double(10.0),
            ),
        ];
        for (f, ci, args, want) in cases {
            assert_eq!(
                call(f, ci, &args),
                Ok(want),
                "{f}{} {args:?}",
                if ci { "~" } else { "" }
            );
        }
    }

    #[test]
    fn runtime_errors() {
        let bad: Vec<(Function, Vec<SVal>)> = vec![
            (Function::Number, vec![s("abc")]),
            (Function::Number, vec![s("0x1A"), SVal::Int(10)]),
            (Function::Number, vec![s("12"), SVal::Int(99)]),
            (Function::Divide, vec![SVal::Int(1), SVal::Int(0)]),
            (Function::CidrMatch, vec![s("nope"), s("10.0.0.0/8")]),
            (Function::CidrMatch, vec![s("10.0.0.1"), s("10.0.0.0/99")]),
            (Function::Length, vec![SVal::Int(3)]),
            (Function::Between, vec![s("a"), SVal::Null, s("b")]),
        ];
        for (f, args) in bad {
            assert!(call(f, false, &args).is_err(), "{f} {args:?}");
        }
    }
}

//! Aggregate functions of `STATS`: typing, per-group state and results.
//!
//! Aggregates skip nulls and see every value of a multi-value ("STATS", "ES|QL multivalued
//! fields"). `COUNT(*)`/`COUNT()` count rows. Results over no values are null, except the
//! counts (0). Differences from Elasticsearch, all deliberate: `COUNT_DISTINCT` is exact
//! (Elasticsearch uses HyperLogLog++, exact below its default precision threshold of 3000);
//! `MEDIAN`/`PERCENTILE`/`MEDIAN_ABSOLUTE_DEVIATION` are exact (Elasticsearch uses t-digest);
//! `VALUES` returns its values sorted (Elasticsearch leaves the order unspecified).

use crate::func::{EvalError, kahan, median_f64, percentile_sorted, sum_values};
use crate::value::{EsqlType, EsqlValue};
use foldhash::{HashSet, HashSetExt};

/// An aggregate function.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum AggKind {
    Count,
    CountDistinct,
    Sum,
    Avg,
    Min,
    Max,
    Median,
    Mad,
    Percentile,
    StdDev,
    Values,
    Top,
    WeightedAvg,
    Present,
    Absent,
}

impl AggKind {
    /// Looks an aggregate up by name (case-insensitive).
    pub(crate) fn lookup(name: &str) -> Option<AggKind> {
        Some(match name.to_ascii_lowercase().as_str() {
            "count" => AggKind::Count,
            "count_distinct" => AggKind::CountDistinct,
            "sum" => AggKind::Sum,
            "avg" => AggKind::Avg,
            "min" => AggKind::Min,
            "max" => AggKind::Max,
            "median" => AggKind::Median,
            "median_absolute_deviation" => AggKind::Mad,
            "percentile" => AggKind::Percentile,
            "std_dev" => AggKind::StdDev,
            "values" => AggKind::Values,
            "top" => AggKind::Top,
            "weighted_avg" => AggKind::WeightedAvg,
            "present" => AggKind::Present,
            "absent" => AggKind::Absent,
            _ => return None,
        })
    }
}

/// Static parameters of an aggregate call.
#[derive(Clone, Debug)]
pub(crate) struct AggSpec {
    pub kind: AggKind,
    /// Result type.
    pub ty: EsqlType,
    /// `PERCENTILE`'s percentile.
    pub percentile: f64,
    /// `TOP`'s limit and direction.
    pub top: (usize, bool),
}

/// Type-checks an aggregate. `args` are the argument types with constant values.
pub(crate) fn check(
    kind: AggKind,
    args: &[(EsqlType, Option<EsqlValue>)],
    star: bool,
    text: &str,
) -> Result<AggSpec, String> {
    use EsqlType::*;
    let n = args.len();
    let arg_ty = args.first().map_or(Null, |a| a.0);
    let bad = |what: &str| -> Result<AggSpec, String> {
        Err(format!(
            "argument of [{text}] must be [{what}], found value [expression] type [{}]",
            arg_ty.error_name()
        ))
    };
    let arity = |lo: usize, hi: usize| -> Result<(), String> {
        if star && kind != AggKind::Count {
            return Err(format!("* is only allowed in COUNT, found [{text}]"));
        }
        if n < lo || n > hi {
            return Err(format!(
                "function [{text}] expects {lo} to {hi} argument(s), found {n}"
            ));
        }
        Ok(())
    };
    let mut spec = AggSpec {
        kind,
        ty: Long,
        percentile: 50.0,
        top: (1, false),
    };
    let numeric = arg_ty.is_numeric() || arg_ty == Null;
    match kind {
        AggKind::Count => {
            arity(0, 1)?;
        }
        AggKind::CountDistinct => {
            arity(1, 2)?;
        }
        AggKind::Sum => {
            arity(1, 1)?;
            if !numeric {
                return bad("numeric except unsigned_long or counter types");
            }
            spec.ty = match arg_ty {
                Double => Double,
                UnsignedLong => UnsignedLong,
                _ => Long,
            };
        }
        AggKind::Avg | AggKind::Median | AggKind::Mad | AggKind::StdDev => {
            arity(1, 1)?;
            if !numeric {
                return bad("numeric except unsigned_long or counter types");
            }
            spec.ty = Double;
        }
        AggKind::Percentile => {
            arity(2, 2)?;
            if !numeric {
                return bad("numeric except unsigned_long");
            }
            match &args[1].1 {
                Some(p) if p.as_f64().is_some() => spec.percentile = p.as_f64().unwrap_or(50.0),
                _ => {
                    return Err(format!(
                        "second argument of [{text}] must be a constant number"
                    ));
                }
            }
            spec.ty = Double;
        }
        AggKind::Min | AggKind::Max => {
            arity(1, 1)?;
            if matches!(arg_ty, Unsupported | DatePeriod | TimeDuration) {
                return bad(
                    "boolean, date, ip, string, version or numeric except unsigned_long or counter types",
                );
            }
            spec.ty = arg_ty.as_keyword();
        }
        AggKind::Values => {
            arity(1, 1)?;
            if !arg_ty.is_representable() || arg_ty == Unsupported {
                return bad("any type except unsigned_long and spatial types");
            }
            spec.ty = arg_ty.as_keyword();
        }
        AggKind::Top => {
            arity(3, 3)?;
            let limit = args[1].1.as_ref().and_then(EsqlValue::as_i128);
            let Some(limit) = limit.filter(|l| *l > 0) else {
                return Err(format!(
                    "Limit must be a constant greater than 0 in [{text}]"
                ));
            };
            let order = match args[2]
                .1
                .as_ref()
                .and_then(|o| o.as_str().map(str::to_ascii_lowercase))
            {
                Some(o) if o == "asc" => false,
                Some(o) if o == "desc" => true,
                _ => {
                    return Err(format!(
                        "Invalid order value in [{text}], expected [ASC, DESC]"
                    ));
                }
            };
            spec.top = (usize::try_from(limit).unwrap_or(usize::MAX), order);
            spec.ty = arg_ty.as_keyword();
        }
        AggKind::WeightedAvg => {
            arity(2, 2)?;
            if !numeric || !(args[1].0.is_numeric() || args[1].0 == Null) {
                return bad("numeric except unsigned_long or counter types");
            }
            spec.ty = Double;
        }
        AggKind::Present | AggKind::Absent => {
            arity(1, 1)?;
            spec.ty = Boolean;
        }
    }
    Ok(spec)
}

/// Running state of one aggregate in one group.
#[derive(Clone, Debug)]
pub(crate) enum AggState {
    Count(u64),
    Distinct(HashSet<EsqlValue>),
    Sum {
        int: i128,
        doubles: Vec<f64>,
        any: bool,
    },
    Avg {
        sum: f64,
        comp: f64,
        n: u64,
    },
    Best(Option<EsqlValue>),
    Collect(Vec<f64>),
    Moments {
        n: u64,
        mean: f64,
        m2: f64,
    },
    Top(Vec<EsqlValue>),
    Weighted {
        wx: f64,
        w: f64,
        n: u64,
    },
    Flag(bool),
}

impl AggState {
    /// The initial state.
    pub(crate) fn new(spec: &AggSpec) -> AggState {
        match spec.kind {
            AggKind::Count => AggState::Count(0),
            AggKind::CountDistinct | AggKind::Values => AggState::Distinct(HashSet::new()),
            AggKind::Sum => AggState::Sum {
                int: 0,
                doubles: Vec::new(),
                any: false,
            },
            AggKind::Avg => AggState::Avg {
                sum: 0.0,
                comp: 0.0,
                n: 0,
            },
            AggKind::Min | AggKind::Max => AggState::Best(None),
            AggKind::Median | AggKind::Mad | AggKind::Percentile => AggState::Collect(Vec::new()),
            AggKind::StdDev => AggState::Moments {
                n: 0,
                mean: 0.0,
                m2: 0.0,
            },
            AggKind::Top => AggState::Top(Vec::new()),
            AggKind::WeightedAvg => AggState::Weighted {
                wx: 0.0,
                w: 0.0,
                n: 0,
            },
            AggKind::Present | AggKind::Absent => AggState::Flag(false),
        }
    }

    /// Folds one row in: `args` are the evaluated arguments (empty for `COUNT(*)`).
    pub(crate) fn add(&mut self, spec: &AggSpec, args: &[EsqlValue]) {
        let first = args.first();
        let values = first.map_or(&[][..], EsqlValue::values);
        match self {
            AggState::Count(n) => {
                *n += if first.is_none() {
                    1
                } else {
                    values.len() as u64
                };
            }
            AggState::Distinct(set) => {
                for v in values {
                    if !set.contains(v) {
                        set.insert(v.clone());
                    }
                }
            }
            AggState::Sum { int, doubles, any } => {
                for v in values {
                    *any = true;
                    match v {
                        EsqlValue::Double(d) => doubles.push(*d),
                        other => *int = int.saturating_add(other.as_i128().unwrap_or(0)),
                    }
                }
                if doubles.len() > 4096 {
                    let s = kahan(doubles.iter().copied());
                    doubles.clear();
                    doubles.push(s);
                }
            }
            AggState::Avg { sum, comp, n } => {
                for v in values {
                    let x = v.as_f64().unwrap_or(0.0);
                    let y = x - *comp;
                    let t = *sum + y;
                    *comp = (t - *sum) - y;
                    *sum = t;
                    *n += 1;
                }
            }
            AggState::Best(best) => {
                for v in values {
                    let better = match best {
                        None => true,
                        Some(b) => {
                            let o = v.total_cmp(b);
                            if spec.kind == AggKind::Max {
                                o.is_gt()
                            } else {
                                o.is_lt()
                            }
                        }
                    };
                    if better {
                        *best = Some(v.clone());
                    }
                }
            }
            AggState::Collect(xs) => xs.extend(values.iter().filter_map(EsqlValue::as_f64)),
            AggState::Moments { n, mean, m2 } => {
                for v in values {
                    let x = v.as_f64().unwrap_or(0.0);
                    *n += 1;
                    let delta = x - *mean;
                    *mean += delta / *n as f64;
                    *m2 += delta * (x - *mean);
                }
            }
            AggState::Top(kept) => {
                let (limit, desc) = spec.top;
                for v in values {
                    kept.push(v.clone());
                }
                if kept.len() > limit.saturating_mul(2).max(64) {
                    sort_top(kept, desc);
                    kept.truncate(limit);
                }
            }
            AggState::Weighted { wx, w, n } => {
                let weight = args.get(1);
                if let (Some(x), Some(wt)) = (first, weight)
                    && !x.is_multi()
                    && !wt.is_multi()
                    && let (Some(x), Some(wt)) = (x.as_f64(), wt.as_f64())
                {
                    *wx += x * wt;
                    *w += wt;
                    *n += 1;
                }
            }
            AggState::Flag(present) => *present |= !values.is_empty(),
        }
    }

    /// Whether states of `spec` over consecutive runs of rows merge ([`AggState::merge`]) into
    /// exactly the state of all the rows: not for the floating-point accumulators (`AVG`,
    /// `STD_DEV`, `WEIGHTED_AVG`, `SUM` of doubles), whose rounding depends on the order of
    /// additions.
    pub(crate) fn mergeable(spec: &AggSpec) -> bool {
        match spec.kind {
            AggKind::Count
            | AggKind::CountDistinct
            | AggKind::Values
            | AggKind::Min
            | AggKind::Max
            | AggKind::Median
            | AggKind::Mad
            | AggKind::Percentile
            | AggKind::Top
            | AggKind::Present
            | AggKind::Absent => true,
            AggKind::Sum => spec.ty != EsqlType::Double,
            AggKind::Avg | AggKind::StdDev | AggKind::WeightedAvg => false,
        }
    }

    /// Folds in `later`, the state of rows that follow this state's rows, giving the state of
    /// all of them as [`AggState::add`] would have. False (and this state unspecified) when
    /// that cannot be done exactly.
    pub(crate) fn merge(&mut self, spec: &AggSpec, later: &AggState) -> bool {
        match (self, later) {
            (AggState::Count(n), AggState::Count(m)) => *n += m,
            (AggState::Distinct(set), AggState::Distinct(more)) => {
                // A value equal to one already held keeps the earlier one, as `add` does.
                for v in more {
                    if !set.contains(v) {
                        set.insert(v.clone());
                    }
                }
            }
            (
                AggState::Sum { int, doubles, any },
                AggState::Sum {
                    int: int2,
                    doubles: doubles2,
                    any: any2,
                },
            ) => {
                if !doubles.is_empty() || !doubles2.is_empty() {
                    return false;
                }
                *int = int.saturating_add(*int2);
                *any |= *any2;
            }
            (AggState::Best(best), AggState::Best(other)) => {
                // The first of equal values stays, as in `add`.
                if let Some(v) = other {
                    let better = match best {
                        None => true,
                        Some(b) => {
                            let o = v.total_cmp(b);
                            if spec.kind == AggKind::Max {
                                o.is_gt()
                            } else {
                                o.is_lt()
                            }
                        }
                    };
                    if better {
                        *best = Some(v.clone());
                    }
                }
            }
            (AggState::Collect(xs), AggState::Collect(ys)) => xs.extend_from_slice(ys),
            (AggState::Top(kept), AggState::Top(more)) => {
                // Only the `limit` best values count in the end, whatever was dropped before.
                let (limit, desc) = spec.top;
                kept.extend(more.iter().cloned());
                if kept.len() > limit.saturating_mul(2).max(64) {
                    sort_top(kept, desc);
                    kept.truncate(limit);
                }
            }
            (AggState::Flag(a), AggState::Flag(b)) => *a |= *b,
            _ => return false,
        }
        true
    }

    /// The result.
    pub(crate) fn finish(self, spec: &AggSpec) -> Result<EsqlValue, EvalError> {
        use EsqlValue as V;
        Ok(match self {
            AggState::Count(n) => V::Long(i64::try_from(n).unwrap_or(i64::MAX)),
            AggState::Distinct(set) if spec.kind == AggKind::CountDistinct => {
                V::Long(set.len() as i64)
            }
            AggState::Distinct(set) => {
                let mut v: Vec<EsqlValue> = set.into_iter().collect();
                v.sort_by(|a, b| a.total_cmp(b));
                V::from_values(v)
            }
            AggState::Sum { any: false, .. } => V::Null,
            AggState::Sum { int, doubles, .. } => match spec.ty {
                EsqlType::Double => sum_values(
                    &[V::Double(kahan(doubles.into_iter()) + int as f64)],
                    EsqlType::Double,
                )?,
                ty => {
                    let i = i64::try_from(int).map_err(|_| EvalError::arith("long overflow"))?;
                    sum_values(&[V::Long(i)], ty)?
                }
            },
            AggState::Avg { n: 0, .. }
            | AggState::Moments { n: 0, .. }
            | AggState::Weighted { n: 0, .. } => V::Null,
            AggState::Avg { sum, n, .. } => V::Double(sum / n as f64),
            AggState::Best(b) => b.unwrap_or(V::Null),
            AggState::Collect(xs) if xs.is_empty() => V::Null,
            AggState::Collect(mut xs) => {
                xs.sort_by(f64::total_cmp);
                match spec.kind {
                    AggKind::Median => V::Double(median_f64(&xs)),
                    AggKind::Percentile => V::Double(percentile_sorted(&xs, spec.percentile)),
                    _ => {
                        let m = median_f64(&xs);
                        let mut dev: Vec<f64> = xs.iter().map(|x| (x - m).abs()).collect();
                        dev.sort_by(f64::total_cmp);
                        V::Double(median_f64(&dev))
                    }
                }
            }
            AggState::Moments { n, m2, .. } => V::Double((m2 / n as f64).sqrt()),
            AggState::Top(mut kept) => {
                sort_top(&mut kept, spec.top.1);
                kept.truncate(spec.top.0);
                V::from_values(kept)
            }
            AggState::Weighted { wx, w, .. } => {
                if w == 0.0 {
                    V::Null
                } else {
                    V::Double(wx / w)
                }
            }
            AggState::Flag(present) => V::Bool(if spec.kind == AggKind::Present {
                present
            } else {
                !present
            }),
        })
    }
}

fn sort_top(v: &mut [EsqlValue], desc: bool) {
    v.sort_by(|a, b| if desc { b.total_cmp(a) } else { a.total_cmp(b) });
}

#[cfg(test)]
mod tests {
    use super::*;
    use EsqlValue as V;

    fn run(
        kind: AggKind,
        arg_ty: EsqlType,
        extra: &[(EsqlType, Option<EsqlValue>)],
        rows: &[Vec<EsqlValue>],
    ) -> String {
        let mut args = vec![(arg_ty, None)];
        args.extend_from_slice(extra);
        let spec = check(kind, &args, false, "agg").unwrap_or_else(|e| panic!("{e}"));
        let mut st = AggState::new(&spec);
        for r in rows {
            st.add(&spec, r);
        }
        st.finish(&spec)
            .map(|v| v.to_string())
            .unwrap_or_else(|e| e.text())
    }

    #[test]
    fn aggregates_skip_nulls_and_see_every_value() {
        let mv = V::from_values(vec![V::Long(1), V::Long(2)]);
        let rows = vec![vec![V::Long(5)], vec![V::Null], vec![mv]];
        assert_eq!(run(AggKind::Count, EsqlType::Long, &[], &rows), "3");
        assert_eq!(run(AggKind::Sum, EsqlType::Long, &[], &rows), "8");
        assert_eq!(run(AggKind::Min, EsqlType::Long, &[], &rows), "1");
        assert_eq!(run(AggKind::Max, EsqlType::Long, &[], &rows), "5");
        assert_eq!(
            run(AggKind::Avg, EsqlType::Long, &[], &rows),
            "2.6666666666666665"
        );
        assert_eq!(
            run(AggKind::Values, EsqlType::Long, &[], &rows),
            "[1, 2, 5]"
        );
        assert_eq!(run(AggKind::CountDistinct, EsqlType::Long, &[], &rows), "3");
        assert_eq!(run(AggKind::Median, EsqlType::Long, &[], &rows), "2.0");
        assert_eq!(
            run(AggKind::Sum, EsqlType::Long, &[], &[vec![V::Null]]),
            "null"
        );
        assert_eq!(run(AggKind::Count, EsqlType::Long, &[], &[]), "0");
        assert_eq!(
            run(AggKind::Present, EsqlType::Long, &[], &[vec![V::Null]]),
            "false"
        );
        let top = [
            (EsqlType::Integer, Some(V::Int(2))),
            (EsqlType::Keyword, Some(V::str("desc"))),
        ];
        assert_eq!(run(AggKind::Top, EsqlType::Long, &top, &rows), "[5, 2]");
        assert_eq!(
            run(
                AggKind::Percentile,
                EsqlType::Long,
                &[(EsqlType::Integer, Some(V::Int(100)))],
                &rows
            ),
            "5.0"
        );
    }

    #[test]
    fn merged_states_equal_states_of_all_rows() {
        let mv = V::from_values(vec![V::Long(4), V::Long(-2)]);
        let longs = vec![
            vec![V::Long(5)],
            vec![V::Null],
            vec![mv],
            vec![V::Long(5)],
            vec![V::Long(1)],
            vec![V::Long(-7)],
        ];
        let zeros = vec![
            vec![V::Double(0.0)],
            vec![V::Double(-0.0)],
            vec![V::Double(1.5)],
            vec![V::Double(-0.0)],
        ];
        let strs = vec![vec![V::str("b")], vec![V::str("a")], vec![V::str("b")]];
        let top = [
            (EsqlType::Integer, Some(V::Int(2))),
            (EsqlType::Keyword, Some(V::str("desc"))),
        ];
        let pct = [(EsqlType::Integer, Some(V::Int(90)))];
        let none: &[(EsqlType, Option<EsqlValue>)] = &[];
        let cases = [
            (AggKind::Count, EsqlType::Long, none, &longs, true),
            (AggKind::CountDistinct, EsqlType::Long, none, &longs, true),
            (AggKind::Values, EsqlType::Long, none, &longs, true),
            (AggKind::Values, EsqlType::Double, none, &zeros, true),
            (AggKind::Values, EsqlType::Keyword, none, &strs, true),
            (AggKind::Min, EsqlType::Double, none, &zeros, true),
            (AggKind::Max, EsqlType::Double, none, &zeros, true),
            (AggKind::Max, EsqlType::Keyword, none, &strs, true),
            (AggKind::Sum, EsqlType::Long, none, &longs, true),
            (AggKind::Median, EsqlType::Long, none, &longs, true),
            (AggKind::Mad, EsqlType::Long, none, &longs, true),
            (AggKind::Percentile, EsqlType::Long, &pct[..], &longs, true),
            (AggKind::Top, EsqlType::Long, &top[..], &longs, true),
            (AggKind::Present, EsqlType::Long, none, &longs, true),
            (AggKind::Absent, EsqlType::Long, none, &longs, true),
            (AggKind::Sum, EsqlType::Double, none, &zeros, false),
            (AggKind::Avg, EsqlType::Long, none, &longs, false),
            (AggKind::StdDev, EsqlType::Long, none, &longs, false),
        ];
        for (kind, ty, extra, rows, mergeable) in cases {
            let mut args = vec![(ty, None)];
            args.extend_from_slice(extra);
            let spec = check(kind, &args, false, "agg").unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(AggState::mergeable(&spec), mergeable, "{kind:?} of {ty:?}");
            if !mergeable {
                continue;
            }
            let fold = |rows: &[Vec<EsqlValue>]| {
                let mut st = AggState::new(&spec);
                for r in rows {
                    st.add(&spec, r);
                }
                st
            };
            let text = |st: AggState| {
                st.finish(&spec)
                    .map(|v| format!("{v:?}"))
                    .unwrap_or_else(|e| e.text())
            };
            let whole = text(fold(rows));
            for cut in 0..=rows.len() {
                let (a, b) = rows.split_at(cut);
                let mut st = fold(a);
                assert!(st.merge(&spec, &fold(b)), "{kind:?} merges");
                assert_eq!(text(st), whole, "{kind:?} of {ty:?} split at {cut}");
            }
        }
    }

    #[test]
    fn sums_overflow_to_null() {
        let rows = vec![vec![V::Long(i64::MAX)], vec![V::Long(1)]];
        assert_eq!(
            run(AggKind::Sum, EsqlType::Long, &[], &rows),
            "java.lang.ArithmeticException: long overflow"
        );
        let d = vec![vec![V::Double(0.1)], vec![V::Double(0.2)]];
        assert_eq!(
            run(AggKind::Sum, EsqlType::Double, &[], &d),
            "0.30000000000000004"
        );
    }

    #[test]
    fn type_errors() {
        assert!(check(AggKind::Sum, &[(EsqlType::Keyword, None)], false, "SUM(k)").is_err());
        assert!(check(AggKind::Avg, &[], true, "AVG(*)").is_err());
        assert!(
            check(
                AggKind::Percentile,
                &[(EsqlType::Long, None), (EsqlType::Long, None)],
                false,
                "PERCENTILE(x, y)"
            )
            .is_err()
        );
        assert_eq!(
            check(AggKind::Max, &[(EsqlType::Text, None)], false, "MAX(t)").map(|s| s.ty),
            Ok(EsqlType::Keyword)
        );
    }
}

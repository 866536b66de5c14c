//! Index-query leaves the engine IR has no test for: `ignore_above` on keyword fields, dates and
//! IP ranges. They behave as index queries do: true when some value passes, false on a missing
//! field (so their negation is true there).

use std::fmt;
use std::net::IpAddr;
use std::sync::Arc;

use trailhound_engine::{CmpOp, EventPredicate, Pred, Test};
use trailhound_event::{Event, Field};

use super::fields::{self, FieldRef};

/// `test` on the field as Elasticsearch indexed it. A keyword field with `ignore_above` keeps
/// the structured [`Pred::Test`] (for dispatch and explain) next to a guard that drops too-long
/// values; a multi-valued one needs the check per value.
pub(crate) fn test(f: &Arc<FieldRef>, test: Test) -> Pred {
    match f.limit {
        None => Pred::Test(f.field.clone(), test),
        Some(_) if !f.multi => Pred::and(vec![
            Pred::Test(f.field.clone(), test),
            Pred::Custom(Arc::new(Indexed {
                field: f.clone(),
                test: None,
            })),
        ]),
        Some(_) => Pred::Custom(Arc::new(Indexed {
            field: f.clone(),
            test: Some(test),
        })),
    }
}

/// The field has an indexed, non-null value (`exists`).
pub(crate) fn exists(f: &Arc<FieldRef>) -> Pred {
    match f.limit {
        None => Pred::Exists(f.field.clone()),
        Some(_) => Pred::Custom(Arc::new(Indexed {
            field: f.clone(),
            test: None,
        })),
    }
}

/// Some indexed value passes `test` (any indexed, non-null value when `None`).
struct Indexed {
    field: Arc<FieldRef>,
    test: Option<Test>,
}

impl fmt::Debug for Indexed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let limit = self.field.limit.unwrap_or(usize::MAX);
        match &self.test {
            Some(t) => write!(f, "indexed({} <= {limit}, {t:?})", self.field.name),
            None => write!(f, "indexed({} <= {limit})", self.field.name),
        }
    }
}

impl EventPredicate for Indexed {
    fn eval(&self, ev: &Event<'_>) -> bool {
        self.field.field.any(ev, |v| {
            !v.is_null() && self.field.indexed(&v) && self.test.as_ref().is_none_or(|t| t.check(v))
        })
    }

    fn fields(&self) -> Vec<Field> {
        vec![self.field.field.clone()]
    }
}

/// A comparison of a date field with an instant (epoch milliseconds).
pub(crate) struct DateCmp {
    pub field: Arc<FieldRef>,
    pub op: CmpOp,
    pub millis: i64,
}

impl fmt::Debug for DateCmp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "date({} {:?} {})", self.field.name, self.op, self.millis)
    }
}

impl EventPredicate for DateCmp {
    fn eval(&self, ev: &Event<'_>) -> bool {
        self.field.field.any(ev, |v| {
            fields::date_millis(&v).is_some_and(|m| self.op.holds(m.cmp(&self.millis)))
        })
    }

    fn fields(&self) -> Vec<Field> {
        vec![self.field.field.clone()]
    }
}

/// A range comparison of an IP field with an address (IPv4 sorts inside the IPv6 space, as
/// Elasticsearch encodes addresses).
pub(crate) struct IpCmp {
    pub field: Arc<FieldRef>,
    pub op: CmpOp,
    pub addr: IpAddr,
}

impl fmt::Debug for IpCmp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ip({} {:?} {})", self.field.name, self.op, self.addr)
    }
}

fn ip_key(a: IpAddr) -> u128 {
    match a {
        IpAddr::V4(v4) => u128::from(v4.to_ipv6_mapped()),
        IpAddr::V6(v6) => u128::from(v6),
    }
}

impl EventPredicate for IpCmp {
    fn eval(&self, ev: &Event<'_>) -> bool {
        let bound = ip_key(self.addr);
        self.field.field.any(ev, |v| {
            fields::ip(&v).is_some_and(|a| self.op.holds(ip_key(a).cmp(&bound)))
        })
    }

    fn fields(&self) -> Vec<Field> {
        vec![self.field.field.clone()]
    }
}

/// Orders booleans as Elasticsearch's boolean field does (`false` < `true`).
pub(crate) fn bool_holds(op: CmpOp, value: bool, bound: bool) -> bool {
    op.holds(value.cmp(&bound))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cmp::Ordering;

    /// The orderings a comparison accepts.
    fn accepts(op: CmpOp) -> Vec<Ordering> {
        [Ordering::Less, Ordering::Equal, Ordering::Greater]
            .into_iter()
            .filter(|o| op.holds(*o))
            .collect()
    }
    use trailhound_event::View;

    #[test]
    fn guards_drop_unindexed_values() {
        let long = "p".repeat(9000);
        let raw = format!(r#"{{"eventName":"X","requestParameters":{{"policy":"{long}"}}}}"#);
        let ev = Event::parse(&raw).expect("valid");
        let rp = Arc::new(FieldRef::resolve(
            View::ECS,
            "aws.cloudtrail.request_parameters",
        ));
        let t = Test::text(
            trailhound_engine::TextOp::Contains("policy=".into()),
            false,
            trailhound_engine::TextMode::Scalars,
        );
        assert!(Pred::Test(rp.field.clone(), t.clone()).eval(&ev));
        assert!(!test(&rp, t.clone()).eval(&ev));
        assert!(Pred::negate(test(&rp, t)).eval(&ev));
        assert!(!exists(&rp).eval(&ev));
    }

    #[test]
    fn ranges_on_ips_and_dates() {
        let ev =
            Event::parse(r#"{"sourceIPAddress":"10.0.0.5","eventTime":"2024-01-01T00:00:00Z"}"#)
                .expect("valid");
        let ip = Arc::new(FieldRef::resolve(View::ECS, "source.ip"));
        let lt = |addr: &str| IpCmp {
            field: ip.clone(),
            op: CmpOp::Lt,
            addr: addr.parse().expect("addr"),
        };
        assert!(lt("10.0.0.6").eval(&ev));
        assert!(!lt("10.0.0.5").eval(&ev));
        assert!(lt("::1:0:0:0").eval(&ev));
        let ts = Arc::new(FieldRef::resolve(View::ECS, "@timestamp"));
        let at = DateCmp {
            field: ts,
            op: CmpOp::Ge,
            millis: 1_704_067_200_000,
        };
        assert!(at.eval(&ev));
        assert_eq!(accepts(CmpOp::Le), [Ordering::Less, Ordering::Equal]);
        assert!(bool_holds(CmpOp::Gt, true, false));
    }
}

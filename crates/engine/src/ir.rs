//! The predicate IR every rule language compiles to.
//!
//! A [`Pred`] is a boolean tree over field tests. Each language owns its semantics (case rules,
//! wildcard escapes, how a number compares with a string, what `not` does to a missing field)
//! and expresses them *explicitly* in the IR: a case-insensitive match is a [`Text`] test with
//! `case_insensitive` set, a keyword field that compares numbers as text uses
//! [`TextMode::Scalars`], and so on. The evaluator then has one way to do each thing.
//!
//! Multi-valued fields: a [`Pred::Test`] is true when *any* value of the field passes. That is
//! the rule in Elasticsearch (KQL, EQL, Lucene), Sigma and Datadog alike. A missing field has no
//! values, so every test on it is false and its negation true; languages that want other null
//! behaviour say so with [`Pred::Exists`].
//!
//! What the IR cannot express (EQL function calls over several fields, ES|QL expressions) is a
//! [`Pred::Custom`] predicate supplied by the language, which still takes part in dispatch and
//! boolean simplification.

use crate::pattern::{Cidr, Glob, fold};
use foldhash::HashSet;
use std::fmt;
use std::sync::Arc;
use trailhound_event::{Event, Field, Val};

/// A boolean condition on one event.
#[derive(Clone, Debug)]
pub enum Pred {
    /// Always true or always false.
    Const(bool),
    /// All children hold.
    And(Vec<Pred>),
    /// At least one child holds.
    Or(Vec<Pred>),
    /// The child does not hold.
    Not(Box<Pred>),
    /// Some value of the field passes the test.
    Test(Field, Test),
    /// The field has at least one non-null value.
    Exists(Field),
    /// A language-specific condition.
    Custom(Arc<dyn EventPredicate>),
}

/// A condition a language evaluates itself (function calls, field-to-field comparisons).
pub trait EventPredicate: Send + Sync + fmt::Debug {
    /// Whether the event satisfies the condition.
    fn eval(&self, ev: &Event<'_>) -> bool;
    /// The fields it reads (for projection and explain output).
    fn fields(&self) -> Vec<Field>;
}

/// Which field values have text, for [`Test::Text`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TextMode {
    /// Only JSON strings.
    Strings,
    /// Strings, and numbers and booleans by their JSON text (Elasticsearch keyword fields,
    /// Datadog attributes, Sigma values).
    Scalars,
    /// As `Scalars`, and objects and arrays by their compact JSON text (Sigma modifiers on a
    /// whole object such as `requestParameters|contains`).
    Json,
}

/// A comparison operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CmpOp {
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `==`
    Eq,
    /// `!=`
    Ne,
}

impl CmpOp {
    /// Applies the operator to an ordering of `left` against `right`.
    pub fn holds(self, ord: std::cmp::Ordering) -> bool {
        use std::cmp::Ordering::*;
        match self {
            CmpOp::Lt => ord == Less,
            CmpOp::Le => ord != Greater,
            CmpOp::Gt => ord == Greater,
            CmpOp::Ge => ord != Less,
            CmpOp::Eq => ord == Equal,
            CmpOp::Ne => ord != Equal,
        }
    }
}

/// How text is compared.
#[derive(Clone, Debug)]
pub enum TextOp {
    /// Whole-value equality.
    Eq(Box<str>),
    /// Equality with any of a set.
    In(HashSet<Box<str>>),
    /// Starts with.
    Prefix(Box<str>),
    /// Ends with.
    Suffix(Box<str>),
    /// Contains.
    Contains(Box<str>),
    /// Wildcard pattern over the whole value (its own case flag applies).
    Glob(Glob),
    /// Regular expression (its own flags apply; anchoring is the language's business).
    Regex(regex::Regex),
}

/// A test of one value.
#[derive(Clone, Debug)]
pub enum Test {
    /// Text comparison.
    Text {
        /// The comparison.
        op: TextOp,
        /// Fold case (needles are folded when the test is built with [`Test::text`]).
        case_insensitive: bool,
        /// Which values have text.
        mode: TextMode,
    },
    /// Numeric comparison with a constant.
    Num {
        /// Operator, value on the left.
        op: CmpOp,
        /// The constant.
        value: f64,
        /// Also parse text values as numbers (Sigma `lt`/`gt`, Datadog numeric search).
        parse_text: bool,
    },
    /// Lexicographic comparison of text with a constant (range queries on keyword fields).
    TextRange {
        /// Operator, value on the left.
        op: CmpOp,
        /// The constant.
        bound: Box<str>,
        /// Which values have text.
        mode: TextMode,
    },
    /// A JSON boolean; with `text`, also the strings `true`/`false` (any case).
    Bool {
        /// The boolean.
        value: bool,
        /// Accept the text forms too.
        text: bool,
    },
    /// A JSON `null` value.
    Null,
    /// An IP address inside any of these networks (text values parsed as addresses).
    Cidr(Vec<Cidr>),
}

impl Test {
    /// A text test, folding the needles when `case_insensitive`.
    pub fn text(op: TextOp, case_insensitive: bool, mode: TextMode) -> Test {
        let op = if case_insensitive {
            match op {
                TextOp::Eq(s) => TextOp::Eq(fold(&s).into()),
                TextOp::In(set) => TextOp::In(set.iter().map(|s| fold(s).into()).collect()),
                TextOp::Prefix(s) => TextOp::Prefix(fold(&s).into()),
                TextOp::Suffix(s) => TextOp::Suffix(fold(&s).into()),
                TextOp::Contains(s) => TextOp::Contains(fold(&s).into()),
                other => other,
            }
        } else {
            op
        };
        Test::Text {
            op,
            case_insensitive,
            mode,
        }
    }

    /// Exact, case-sensitive equality on keyword-like text.
    pub fn eq(value: &str) -> Test {
        Test::text(TextOp::Eq(value.into()), false, TextMode::Scalars)
    }

    /// Whether `v` passes.
    pub fn check(&self, v: Val<'_>) -> bool {
        match self {
            Test::Text {
                op,
                case_insensitive,
                mode,
            } => with_text(v, *mode, |text| match op {
                TextOp::Glob(g) => g.matches(text),
                TextOp::Regex(r) => r.is_match(text),
                _ if *case_insensitive => text_op(op, &fold(text)),
                _ => text_op(op, text),
            }),
            Test::Num {
                op,
                value,
                parse_text,
            } => {
                let n = match v {
                    Val::Str(s) if *parse_text => s.trim().parse::<f64>().ok(),
                    other => other.as_f64(),
                };
                n.is_some_and(|n| n.partial_cmp(value).is_some_and(|o| op.holds(o)))
            }
            Test::TextRange { op, bound, mode } => with_text(v, *mode, |t| op.holds(t.cmp(bound))),
            Test::Bool { value, text } => match v {
                Val::Bool(b) => b == *value,
                Val::Str(s) if *text => {
                    s.eq_ignore_ascii_case(if *value { "true" } else { "false" })
                }
                _ => false,
            },
            Test::Null => v.is_null(),
            Test::Cidr(nets) => v
                .as_str()
                .is_some_and(|s| nets.iter().any(|n| n.contains_text(s))),
        }
    }
}

fn with_text(v: Val<'_>, mode: TextMode, f: impl FnOnce(&str) -> bool) -> bool {
    match (v, mode) {
        (Val::Str(s), _) => f(s),
        (Val::Null, _) | (_, TextMode::Strings) => false,
        (Val::Json(_), TextMode::Scalars) => false,
        (other, _) => other.with_text(f).unwrap_or(false),
    }
}

fn text_op(op: &TextOp, text: &str) -> bool {
    match op {
        TextOp::Eq(s) => text == &**s,
        TextOp::In(set) => set.contains(text),
        TextOp::Prefix(s) => text.starts_with(&**s),
        TextOp::Suffix(s) => text.ends_with(&**s),
        TextOp::Contains(s) => text.contains(&**s),
        TextOp::Glob(g) => g.matches(text),
        TextOp::Regex(r) => r.is_match(text),
    }
}

impl Pred {
    /// Whether the event satisfies the predicate.
    pub fn eval(&self, ev: &Event<'_>) -> bool {
        match self {
            Pred::Const(b) => *b,
            Pred::And(children) => children.iter().all(|c| c.eval(ev)),
            Pred::Or(children) => children.iter().any(|c| c.eval(ev)),
            Pred::Not(child) => !child.eval(ev),
            Pred::Test(field, test) => field.any(ev, |v| test.check(v)),
            Pred::Exists(field) => field.exists(ev),
            Pred::Custom(c) => c.eval(ev),
        }
    }

    /// `a and b`, flattening nested conjunctions and folding constants.
    pub fn and(children: Vec<Pred>) -> Pred {
        let mut out = Vec::with_capacity(children.len());
        for c in children {
            match c {
                Pred::Const(true) => {}
                Pred::Const(false) => return Pred::Const(false),
                Pred::And(inner) => out.extend(inner),
                other => out.push(other),
            }
        }
        match out.len() {
            0 => Pred::Const(true),
            1 => out.pop().unwrap_or(Pred::Const(true)),
            _ => Pred::And(out),
        }
    }

    /// `a or b`, flattening nested disjunctions and folding constants.
    pub fn or(children: Vec<Pred>) -> Pred {
        let mut out = Vec::with_capacity(children.len());
        for c in children {
            match c {
                Pred::Const(false) => {}
                Pred::Const(true) => return Pred::Const(true),
                Pred::Or(inner) => out.extend(inner),
                other => out.push(other),
            }
        }
        match out.len() {
            0 => Pred::Const(false),
            1 => out.pop().unwrap_or(Pred::Const(false)),
            _ => Pred::Or(out),
        }
    }

    /// `not a`, folding constants and double negation.
    pub fn negate(p: Pred) -> Pred {
        match p {
            Pred::Const(b) => Pred::Const(!b),
            Pred::Not(inner) => *inner,
            other => Pred::Not(Box::new(other)),
        }
    }

    /// Decides the tests on fields that `invariant` says have the same values in every event
    /// (constants of a view, fields never present) and simplifies what is left: `event.dataset
    /// == "endpoint.events.process"` is false for every CloudTrail record, so a branch it guards
    /// needs no evaluation and the rest of the filter can be indexed.
    pub fn fold_invariant(self, invariant: &dyn Fn(&Field) -> bool) -> Pred {
        match Event::parse("{}") {
            Ok(empty) => self.fold_on(&empty, invariant),
            // Cannot happen (the text is valid JSON); the predicate stays as it was.
            Err(_) => self,
        }
    }

    fn fold_on(self, empty: &Event<'_>, invariant: &dyn Fn(&Field) -> bool) -> Pred {
        match self {
            Pred::And(c) => Pred::and(c.into_iter().map(|p| p.fold_on(empty, invariant)).collect()),
            Pred::Or(c) => Pred::or(c.into_iter().map(|p| p.fold_on(empty, invariant)).collect()),
            Pred::Not(c) => Pred::negate(c.fold_on(empty, invariant)),
            Pred::Test(ref f, _) | Pred::Exists(ref f) if invariant(f) => {
                Pred::Const(self.eval(empty))
            }
            other => other,
        }
    }

    /// Every field the predicate reads.
    pub fn fields(&self) -> Vec<Field> {
        let mut out = Vec::new();
        self.collect_fields(&mut out);
        out
    }

    fn collect_fields(&self, out: &mut Vec<Field>) {
        match self {
            Pred::Const(_) => {}
            Pred::And(c) | Pred::Or(c) => c.iter().for_each(|c| c.collect_fields(out)),
            Pred::Not(c) => c.collect_fields(out),
            Pred::Test(f, _) | Pred::Exists(f) => {
                if !out.contains(f) {
                    out.push(f.clone());
                }
            }
            Pred::Custom(c) => {
                for f in c.fields() {
                    if !out.contains(&f) {
                        out.push(f);
                    }
                }
            }
        }
    }

    /// Number of nodes (for explain output and limits).
    pub fn size(&self) -> usize {
        match self {
            Pred::And(c) | Pred::Or(c) => 1 + c.iter().map(Pred::size).sum::<usize>(),
            Pred::Not(c) => 1 + c.size(),
            _ => 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use trailhound_event::View;

    fn field(name: &str) -> Field {
        View::ECS.resolve(name).field
    }

    const EV: &str = r#"{"eventName":"AddPermission20150331v2","eventSource":"lambda.amazonaws.com","readOnly":false,"sourceIPAddress":"10.1.2.3","requestParameters":{"principal":"*","n":5,"items":[{"x":"a"},{"x":"B"}]},"resources":[{"ARN":"arn:1"},{"ARN":"arn:2"}]}"#;

    fn holds(p: &Pred) -> bool {
        let ev = Event::parse(EV).expect("valid");
        p.eval(&ev)
    }

    #[test]
    fn text_tests_and_case() {
        assert!(holds(&Pred::Test(
            field("event.action"),
            Test::eq("AddPermission20150331v2")
        )));
        assert!(!holds(&Pred::Test(
            field("event.action"),
            Test::eq("addpermission20150331v2")
        )));
        let ci = Test::text(
            TextOp::Eq("ADDPERMISSION20150331V2".into()),
            true,
            TextMode::Scalars,
        );
        assert!(holds(&Pred::Test(field("event.action"), ci)));
        let glob = Test::text(
            TextOp::Glob(Glob::parse_backslash("addperm*", true)),
            true,
            TextMode::Scalars,
        );
        assert!(holds(&Pred::Test(field("event.action"), glob)));
    }

    #[test]
    fn any_value_of_a_multi_valued_field() {
        assert!(holds(&Pred::Test(
            field("aws.cloudtrail.resources.arn"),
            Test::eq("arn:2")
        )));
        let upper = Test::text(TextOp::Eq("b".into()), true, TextMode::Scalars);
        assert!(holds(&Pred::Test(
            field("aws.cloudtrail.flattened.request_parameters.items.x"),
            upper
        )));
    }

    #[test]
    fn missing_fields_fail_tests_and_pass_negations() {
        let missing = Pred::Test(field("user.name"), Test::eq("x"));
        assert!(!holds(&missing));
        assert!(holds(&Pred::negate(missing)));
        assert!(!holds(&Pred::Exists(field("user.name"))));
        assert!(holds(&Pred::Exists(field("source.ip"))));
    }

    #[test]
    fn scalars_compare_as_text_only_when_asked() {
        let as_text = Test::text(TextOp::Eq("5".into()), false, TextMode::Scalars);
        let strings_only = Test::text(TextOp::Eq("5".into()), false, TextMode::Strings);
        let f = field("aws.cloudtrail.flattened.request_parameters.n");
        assert!(holds(&Pred::Test(f.clone(), as_text)));
        assert!(!holds(&Pred::Test(f.clone(), strings_only)));
        assert!(holds(&Pred::Test(
            f,
            Test::Num {
                op: CmpOp::Ge,
                value: 5.0,
                parse_text: false
            }
        )));
        assert!(holds(&Pred::Test(
            field("aws.cloudtrail.read_only"),
            Test::Bool {
                value: false,
                text: false
            }
        )));
    }

    #[test]
    fn cidr_and_ranges() {
        let nets = vec![Cidr::parse("10.0.0.0/8").expect("cidr")];
        assert!(holds(&Pred::Test(field("source.ip"), Test::Cidr(nets))));
        let range = Test::TextRange {
            op: CmpOp::Lt,
            bound: "B".into(),
            mode: TextMode::Scalars,
        };
        assert!(holds(&Pred::Test(field("event.action"), range)));
    }

    #[test]
    fn invariant_fields_are_decided_once() {
        let dataset = |d: &str| Pred::Test(field("data_stream.dataset"), Test::eq(d));
        let action = Pred::Test(field("event.action"), Test::eq("AddPermission20150331v2"));
        let geo = Pred::Exists(field("source.as.organization.name"));
        let host = Pred::Test(field("host.os.type"), Test::eq("linux"));
        // (cloudtrail and action) or (endpoint and host): the endpoint branch is dead.
        let p = Pred::or(vec![
            Pred::and(vec![dataset("aws.cloudtrail"), action.clone()]),
            Pred::and(vec![dataset("endpoint.events.process"), host.clone()]),
        ]);
        let folded = p.clone().fold_invariant(&|f| f.is_invariant(true));
        assert!(
            matches!(&folded, Pred::Test(f, _) if *f == field("event.action")),
            "{folded:?}"
        );
        assert_eq!(holds(&folded), holds(&p));
        // GeoIP fields are decided only when no database is given.
        let with_geo = Pred::and(vec![action.clone(), geo.clone()]);
        assert!(matches!(
            with_geo.clone().fold_invariant(&|f| f.is_invariant(false)),
            Pred::Const(false)
        ));
        assert!(matches!(
            with_geo.fold_invariant(&|f| f.is_invariant(true)),
            Pred::And(c) if c.len() == 2
        ));
        let not_geo = Pred::and(vec![action, Pred::negate(geo)]);
        assert!(matches!(
            not_geo.fold_invariant(&|f| f.is_invariant(false)),
            Pred::Test(..)
        ));
        // A negated test on a name the view lacks holds everywhere.
        assert!(matches!(
            Pred::negate(host).fold_invariant(&|f| f.is_invariant(true)),
            Pred::Const(true)
        ));
    }

    #[test]
    fn boolean_constructors_simplify() {
        let t = Pred::Test(field("event.action"), Test::eq("x"));
        assert!(matches!(
            Pred::and(vec![Pred::Const(true), t.clone()]),
            Pred::Test(..)
        ));
        assert!(matches!(
            Pred::and(vec![Pred::Const(false), t.clone()]),
            Pred::Const(false)
        ));
        assert!(matches!(
            Pred::or(vec![Pred::Const(true), t.clone()]),
            Pred::Const(true)
        ));
        assert!(matches!(
            Pred::negate(Pred::negate(t.clone())),
            Pred::Test(..)
        ));
        let nested = Pred::and(vec![t.clone(), Pred::and(vec![t.clone(), t])]);
        assert!(matches!(&nested, Pred::And(c) if c.len() == 3));
    }
}

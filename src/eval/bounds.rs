//! Bounds instead of false precision (issue 14, point 4, in part): a
//! delegated parameter whose `default` is its `floor` ("不低于") and that the
//! locality has not set (or no locality was given) is only known to be **at
//! least** that value; one whose default is its `cap` is **at most** it. An
//! amount that grows with such a value is then "at least" (or "at most"); an
//! amount whose direction cannot be told (the value inside `if`, `match`,
//! `min`, `/`, or multiplied by another bounded value) is `undetermined`.

use serde::Serialize;

use super::{ops, Ctx, Ev, EvalError, Scenario};
use crate::ir::{AmountBound, BinOp, Expr, Node, ParamValue, RuleDef, Value};

/// How exact an amount is.
#[derive(Clone, Copy, Debug, Default, Serialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum Bound {
    /// The amount.
    #[default]
    Exact,
    /// A lower bound: the amount is at least this.
    AtLeast,
    /// An upper bound: the amount is at most this.
    AtMost,
    /// A sum of lower and upper bounds (totals only): neither.
    Mixed,
}

impl Bound {
    /// The bound of a sum.
    pub fn join(self, o: Bound) -> Bound {
        match (self, o) {
            (Bound::Exact, x) | (x, Bound::Exact) => x,
            (a, b) if a == b => a,
            _ => Bound::Mixed,
        }
    }

    /// The bound of the negation.
    fn flip(self) -> Bound {
        match self {
            Bound::AtLeast => Bound::AtMost,
            Bound::AtMost => Bound::AtLeast,
            x => x,
        }
    }

    /// `at least `, `at most `, `mixed bounds: ` or nothing, before an amount.
    pub fn words(self) -> &'static str {
        match self {
            Bound::Exact => "",
            Bound::AtLeast => "at least ",
            Bound::AtMost => "at most ",
            Bound::Mixed => "mixed bounds: ",
        }
    }
}

/// Whether parameter `index` is only a bound in this context.
pub(crate) fn param_bound(s: &Scenario<'_>, index: u32) -> Bound {
    let Some(p) = s.policy().parameters.get(index as usize) else {
        return Bound::Exact;
    };
    let ParamValue::Locality {
        default: Some(d),
        floor,
        cap,
    } = &p.value
    else {
        return Bound::Exact;
    };
    if s.locality()
        .is_some_and(|l| l.values.iter().any(|v| v.param == index))
    {
        return Bound::Exact;
    }
    if floor.as_ref() == Some(d) {
        Bound::AtLeast
    } else if cap.as_ref() == Some(d) {
        Bound::AtMost
    } else {
        Bound::Exact
    }
}

/// The first parameter `e` reads that is only a bound here.
pub(crate) fn first_bounded(s: &Scenario<'_>, e: &Expr) -> Option<u32> {
    match &e.node {
        Node::Param { index, .. } => (param_bound(s, *index) != Bound::Exact).then_some(*index),
        Node::Literal { .. } | Node::Field { .. } | Node::ApplicationDate => None,
        Node::Not { arg }
        | Node::Neg { arg }
        | Node::In { arg, .. }
        | Node::InPeriod { arg, .. }
        | Node::Definition { value: arg, .. } => first_bounded(s, arg),
        Node::Binary { lhs, rhs, .. } => first_bounded(s, lhs).or_else(|| first_bounded(s, rhs)),
        Node::If {
            cond,
            then,
            otherwise,
        } => first_bounded(s, cond)
            .or_else(|| first_bounded(s, then))
            .or_else(|| first_bounded(s, otherwise)),
        Node::Match { scrutinee, arms } => first_bounded(s, scrutinee)
            .or_else(|| arms.iter().find_map(|a| first_bounded(s, &a.value))),
        Node::Call { args, .. } => args.iter().find_map(|a| first_bounded(s, a)),
        Node::Member { .. } => None,
        Node::Aggregate { value, filter, .. } => {
            value.iter().chain(filter).find_map(|a| first_bounded(s, a))
        }
    }
}

/// How `e` moves with the bounded values it reads: `Exact` (it reads none),
/// `AtLeast` (it grows with them), `AtMost` (it shrinks), `Mixed` (cannot
/// tell).
pub(crate) fn direction(ctx: &Ctx<'_>, e: &Expr) -> Bound {
    let d = |x: &Expr| direction(ctx, x);
    match &e.node {
        Node::Param { index, .. } => param_bound(ctx.scenario, *index),
        Node::Literal { .. } | Node::Field { .. } => Bound::Exact,
        Node::Definition { value, .. } => d(value),
        Node::Neg { arg } => d(arg).flip(),
        Node::Binary {
            op: BinOp::Add,
            lhs,
            rhs,
        } => d(lhs).join(d(rhs)),
        Node::Binary {
            op: BinOp::Sub,
            lhs,
            rhs,
        } => d(lhs).join(d(rhs).flip()),
        Node::Binary {
            op: BinOp::Mul,
            lhs,
            rhs,
        } => match (d(lhs), d(rhs)) {
            (Bound::Exact, Bound::Exact) => Bound::Exact,
            (Bound::Exact, x) => scale(x, sign(ctx, lhs)),
            (x, Bound::Exact) => scale(x, sign(ctx, rhs)),
            _ => Bound::Mixed,
        },
        _ if first_bounded(ctx.scenario, e).is_some() => Bound::Mixed,
        _ => Bound::Exact,
    }
}

/// The sign of a known number (`None`: not a known number).
fn sign(ctx: &Ctx<'_>, e: &Expr) -> Option<i8> {
    match ops::eval(ctx, e) {
        Ok(Ev::Known(Value::Number(n))) if n.is_zero() => Some(0),
        Ok(Ev::Known(Value::Number(n))) if n.is_sign_negative() => Some(-1),
        Ok(Ev::Known(Value::Number(_))) => Some(1),
        _ => None,
    }
}

fn scale(x: Bound, s: Option<i8>) -> Bound {
    match s {
        Some(1) => x,
        Some(0) => Bound::Exact,
        Some(_) => x.flip(),
        None => Bound::Mixed,
    }
}

impl From<AmountBound> for Bound {
    fn from(b: AmountBound) -> Bound {
        match b {
            AmountBound::AtLeast => Bound::AtLeast,
            AmountBound::AtMost => Bound::AtMost,
        }
    }
}

/// The bound of a rule's amount: its own (`amount at most E`) joined with
/// the direction of the bounded values it reads; an amount whose direction
/// cannot be told (or whose bounds oppose) is undetermined, naming the value
/// not set. A cap reached by a growing amount (a floor by a shrinking one)
/// is exact.
pub(super) fn rule_bound(
    ctx: &Ctx<'_>,
    rule: &RuleDef,
    amount: &Expr,
    bounded_by: Option<&str>,
) -> Result<Bound, EvalError> {
    let own = rule.bound.map_or(Bound::Exact, Bound::from);
    // the common case, on the hot path: nothing is a bound in this scenario
    let mut b = if ctx.scenario.has_bounds() {
        direction(ctx, amount).join(own)
    } else {
        own
    };
    if ctx.scenario.has_bounds() {
        for x in [&rule.floor, &rule.cap].into_iter().flatten() {
            if first_bounded(ctx.scenario, x).is_some() {
                b = Bound::Mixed;
            }
        }
    }
    match (bounded_by, b) {
        (Some("cap"), Bound::AtLeast) | (Some("floor"), Bound::AtMost) => return Ok(Bound::Exact),
        (_, Bound::Mixed) => {}
        (_, b) => return Ok(b),
    }
    let index = [Some(amount), rule.floor.as_ref(), rule.cap.as_ref()]
        .into_iter()
        .flatten()
        .find_map(|e| first_bounded(ctx.scenario, e));
    let param = index
        .and_then(|i| ctx.policy.parameters.get(i as usize))
        .map(|p| p.name.clone())
        .unwrap_or_default();
    Err(EvalError::NeedsLocality {
        param,
        locality: ctx.scenario.locality().map(|l| l.name.clone()),
    })
}

/// Whether a rule of `m` gives a bound of its own or reads a value that is
/// only a bound here (`batch` evaluates such a measure by rows).
pub(crate) fn reads_bounded(s: &Scenario<'_>, m: &crate::ir::Measure) -> bool {
    if m.rules
        .iter()
        .any(|r| r.bound.is_some() && r.amount.is_some())
    {
        return true;
    }
    if !s.has_bounds() {
        return false;
    }
    m.condition
        .as_ref()
        .is_some_and(|e| first_bounded(s, e).is_some())
        || m.rules.iter().any(|r| {
            [&r.condition, &r.amount, &r.floor, &r.cap]
                .into_iter()
                .flatten()
                .any(|e| first_bounded(s, e).is_some())
        })
}

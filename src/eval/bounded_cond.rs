//! Conditions on bounded values (issue 14, point 4): a comparison reading a
//! value that is only a bound ([`super::bounds`]) is decided only when its
//! truth cannot differ within the bound. `标准 >= 900 元/人` where 标准 is at
//! least 1000 is true whatever the locality sets; `标准 >= 1100 元/人` may be
//! either, so the outcome is `undetermined`, naming the parameter.

use std::cmp::Ordering;

use super::bounds::{direction, first_bounded, Bound};
use super::ops::OpError;
use super::{Ctx, EvalError};
use crate::ir::{BinOp, Expr, Value};

/// Checks that the comparison `lhs op rhs`, whose value at the bounds'
/// figures is `truth` (`a` and `b` being the sides' values), cannot differ
/// within the bounds; else the error of the value not set.
pub(super) fn decided(
    ctx: &Ctx<'_>,
    op: BinOp,
    (lhs, rhs): (&Expr, &Expr),
    (a, b): (&Value, &Value),
    truth: bool,
) -> Result<(), OpError> {
    let order = match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.cmp(y),
        (Value::Date(x), Value::Date(y)) => x.cmp(y),
        // conditions compared with conditions: their comparisons are checked
        _ => return Ok(()),
    };
    // how `lhs - rhs` moves with the bounded values
    let d = direction(ctx, lhs).join(match direction(ctx, rhs) {
        Bound::AtLeast => Bound::AtMost,
        Bound::AtMost => Bound::AtLeast,
        x => x,
    });
    let grows = match d {
        Bound::Exact => return Ok(()),
        Bound::AtLeast => true,
        Bound::AtMost => false,
        Bound::Mixed => return Err(unset(ctx, lhs, rhs)),
    };
    let fixed = match op {
        // once true while growing (false while shrinking), it stays so
        BinOp::Gt | BinOp::Ge => truth == grows,
        BinOp::Lt | BinOp::Le => truth != grows,
        // equal only at one point: fixed once past it
        BinOp::Eq | BinOp::Ne => {
            order
                == if grows {
                    Ordering::Greater
                } else {
                    Ordering::Less
                }
        }
        _ => true,
    };
    if fixed {
        Ok(())
    } else {
        Err(unset(ctx, lhs, rhs))
    }
}

fn unset(ctx: &Ctx<'_>, lhs: &Expr, rhs: &Expr) -> OpError {
    let param = first_bounded(ctx.scenario, lhs)
        .or_else(|| first_bounded(ctx.scenario, rhs))
        .and_then(|i| ctx.policy.parameters.get(i as usize))
        .map(|p| p.name.clone())
        .unwrap_or_default();
    OpError::from(EvalError::NeedsLocality {
        param,
        locality: ctx.scenario.locality().map(|l| l.name.clone()),
    })
}

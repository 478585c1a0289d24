//! Small lookups shared by the evaluator, explanations and `batch`: a date
//! moved by a duration, and a parameter's value in a context.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::{ops, Ctx, EvalError, Origin};
use crate::ir::Value;

/// Moves a date by `n` days, months or years (the unit is in `ty`) with the
/// evaluator's calendar rules; `None` where evaluation would give an error.
pub(crate) fn shift_date(d: NaiveDate, n: Decimal, ty: &crate::ir::Type) -> Option<NaiveDate> {
    ops::shift(d, n, ty).ok()
}

/// The value of a parameter in the context's scenario, and where it came
/// from; allocation-free, for the hot path.
pub(crate) fn param_lookup<'a>(
    ctx: &Ctx<'a>,
    index: u32,
) -> Result<(&'a Value, Origin<'a>), EvalError> {
    ctx.scenario.param(index)
}

/// The value of a parameter and where it came from, as text (for explanations).
pub(crate) fn param_value(ctx: &Ctx<'_>, index: u32) -> Result<(Value, String), EvalError> {
    param_lookup(ctx, index).map(|(v, o)| (v.clone(), o.to_string()))
}

//! The measure-level `when C`: a condition every rule of a measure needs,
//! evaluated once before the rules (docs/language.md, "Measure conditions").
//!
//! False: the measure is `not_eligible`, whatever the rules. True: the rules
//! decide. Unknown: the rules are evaluated; if none can apply the measure is
//! `not_eligible` (the condition cannot change that), if they fail it is
//! `error`, otherwise it is `needs_facts`, naming the condition's facts and
//! any the rules need.

use super::ops::{self, OpError};
use super::slots::Slots;
use super::{fact_names, needs_reason, Ctx, Ev, EvalError, MeasureResult};
use crate::ir::{Measure, RuleDef, Status, Value};

/// What the measure's condition says.
pub(super) enum Gate {
    /// No condition, or it holds.
    Open,
    /// It does not hold.
    Closed,
    /// It waits for these facts.
    Unknown(Slots),
}

/// Evaluates the measure's condition.
pub(super) fn gate(ctx: &Ctx<'_>, m: &Measure) -> Result<Gate, EvalError> {
    let Some(c) = &m.condition else {
        return Ok(Gate::Open);
    };
    match ops::eval(ctx, c) {
        Ok(Ev::Known(Value::Bool(true))) => Ok(Gate::Open),
        Ok(Ev::Known(Value::Bool(false))) => Ok(Gate::Closed),
        // the facts of its residual, asked with the rules' (`residual`)
        Ok(Ev::Unknown(_)) => Ok(Gate::Unknown(super::residual::expr_facts(ctx, c))),
        Ok(Ev::Known(_)) => Err(EvalError::Inconsistent {
            what: "a measure condition that is not a condition".into(),
        }),
        Err(e) => Err(as_rule(m, e)),
    }
}

/// An error of the condition, named as the measure's `when`.
fn as_rule(m: &Measure, e: OpError) -> EvalError {
    let r = RuleDef {
        name: "when".into(),
        part: None,
        exception_to: None,
        text: None,
        condition: None,
        amount: None,
        floor: None,
        cap: None,
        gives: crate::ir::Gives::None,
        discretion: None,
        bound: None,
        value: None,
        source: m.source.clone(),
    };
    e.for_rule(&r)
}

/// The result when the condition does not hold.
pub(super) fn closed(ctx: &Ctx<'_>, m: &Measure, r: &mut MeasureResult<'_>) {
    r.status = Status::NotEligible;
    let text = m
        .condition
        .as_ref()
        .map(|c| ctx.policy.expr_text(c))
        .unwrap_or_default();
    r.reason = format!("the measure's condition does not hold: {text}");
}

/// Turns the rules' outcome into `needs_facts` when the condition is unknown
/// and the outcome would depend on it.
pub(super) fn unknown(ctx: &Ctx<'_>, missing: &Slots, r: &mut MeasureResult<'_>) {
    if !matches!(r.status, Status::Eligible | Status::NeedsFacts) {
        return;
    }
    let mut needs = fact_names(ctx, missing);
    needs.append(&mut r.needs);
    needs.sort_unstable();
    needs.dedup();
    r.status = Status::NeedsFacts;
    r.reason = needs_reason("depends on facts not given: ", &needs);
    r.needs = needs;
    r.amounts.clear();
    r.total = None;
}

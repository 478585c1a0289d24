//! Undetermined outcomes (issue 14, point 5): a measure whose outcome depends
//! on a delegated value (`by locality`, no `default`) that the locality has
//! not set, or when no locality was given. Localities publish their values at
//! different times, so this is not an error: the result says which parameter
//! and which locality, and for a `choice` parameter the alternatives.

use serde::Serialize;

use rust_decimal::Decimal;

use super::{Ctx, EvalError, MeasureResult};
use crate::ir::{Gives, LocalityDef, LocalityValue, Measure, Status, Type, Value};
use crate::source::SourceRef;

/// The delegated value an undetermined outcome waits for.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Unset {
    /// The parameter.
    pub param: String,
    /// The locality that has not set it; `None`: no locality was given.
    pub locality: Option<String>,
    /// For a `choice` parameter, its alternatives in declaration order;
    /// empty otherwise.
    pub alternatives: Vec<String>,
    /// For a `choice` parameter, the outcome under each alternative, in the
    /// same order (computed for the first undetermined choice only: an
    /// outcome here may itself be `undetermined`, without its own list).
    pub under: Vec<Alternative>,
}

/// The outcome of a measure if the locality chose one alternative.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Alternative {
    /// The alternative.
    pub value: String,
    /// The status under it.
    pub status: Status,
    /// The measure's total under it, when eligible with an amount.
    pub total: Option<Decimal>,
    /// The kind of value of that total.
    pub gives: Option<Gives>,
}

impl Unset {
    /// The one-line reason of an undetermined outcome.
    pub fn reason(&self) -> String {
        let mut s = format!("parameter `{}` is ", self.param);
        match &self.locality {
            Some(l) => s.push_str(&format!("not set by `{l}`")),
            None => s.push_str("set by each locality, and no locality was given"),
        }
        if !self.alternatives.is_empty() {
            s.push_str(&format!(
                "; it is one of {}",
                self.alternatives
                    .iter()
                    .map(|a| format!("`{a}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        for a in &self.under {
            s.push_str(&format!("; under `{}`: {}", a.value, a.status.keyword()));
            if let (Some(t), Some(k)) = (a.total, a.gives) {
                s.push_str(&format!(" {t:.2} 元 {}", k.keyword()));
            }
        }
        s
    }
}

/// Records a failed evaluation in `r`: `undetermined` when the error is a
/// delegated value not set, else `error`.
pub(super) fn fail(ctx: &Ctx<'_>, m: &Measure, r: &mut MeasureResult<'_>, e: EvalError) {
    if let EvalError::NeedsLocality { param, locality } = &e {
        let index = ctx.policy.parameters.iter().position(|p| &p.name == param);
        let alternatives = index
            .and_then(|i| ctx.policy.parameters.get(i))
            .and_then(|p| match &p.ty {
                Type::Enum { id, .. } => ctx.policy.enums.get(*id as usize),
                _ => None,
            })
            .map(|en| en.variants.clone())
            .unwrap_or_default();
        let under = match index {
            Some(i) if !alternatives.is_empty() && !hypothetical(ctx) => {
                under_each(ctx, m, i as u32, &alternatives)
            }
            _ => Vec::new(),
        };
        let u = Unset {
            param: param.clone(),
            locality: locality.clone(),
            alternatives,
            under,
        };
        r.status = Status::Undetermined;
        r.reason = u.reason();
        r.undetermined = Some(u);
        return;
    }
    r.status = Status::Error;
    r.reason = e.to_string();
    r.error = Some(Box::new(e));
}

/// Alternatives are computed only outside a made-up locality, so that
/// evaluating them never recurses.
fn hypothetical(ctx: &Ctx<'_>) -> bool {
    ctx.scenario.is_hypothetical()
}

/// The outcome of `m` under each alternative of the choice parameter `param`.
fn under_each(ctx: &Ctx<'_>, m: &Measure, param: u32, alternatives: &[String]) -> Vec<Alternative> {
    let mut out = Vec::with_capacity(alternatives.len());
    for (i, a) in alternatives.iter().enumerate() {
        let mut values: Vec<LocalityValue> = ctx
            .scenario
            .locality()
            .map(|l| l.values.clone())
            .unwrap_or_default();
        values.push(LocalityValue {
            param,
            name: String::new(),
            value: Value::Variant(i as u32),
        });
        let l = LocalityDef {
            name: ctx
                .scenario
                .locality()
                .map(|l| l.name.clone())
                .unwrap_or_default(),
            values,
            source: SourceRef {
                file: String::new(),
                line: 0,
                column: 0,
            },
        };
        let s = super::Scenario::hypothetical(ctx.policy, ctx.date, &l);
        let c = Ctx::new(&s, ctx.facts);
        let r = super::evaluate_measure(&c, m, false);
        out.push(Alternative {
            value: a.clone(),
            status: r.status,
            total: r.total,
            gives: r.gives,
        });
    }
    out
}

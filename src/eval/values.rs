//! Values that are not money (issue 14, point 2): the date (`until E`) or
//! duration (`for E`) a rule gives, raised to its `floor` and lowered to its
//! `cap`. A request beyond the cap is granted up to the cap, not refused, and
//! the outcome says so ("requested 2020-07-31, capped at 2020-06-30").
//!
//! Several rules of one measure (in different parts) may give a value; the
//! check makes them of one kind, form and unit. The measure's `value` is then
//! the latest date or the longest duration — what the addressee is granted
//! when parts add up — and every rule's value is listed in `values`.

use std::cmp::Ordering;

use serde::{Serialize, Serializer};

use super::{bounds, ops, Ctx, Ev, EvalError, MeasureResult, RuleAmount, Slots};
use crate::ir::{Duration, Expr, Given, Measure, RuleDef, Unit, Value, ValueForm, ValueKind};
use crate::source::SourceRef;

/// The date or duration one rule gives; names and source borrowed from the
/// policy (`'p`).
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct RuleGiven<'p> {
    /// The rule.
    pub rule: &'p str,
    /// Its part, if named.
    pub part: Option<&'p str>,
    /// What it is: `deferral`, `extension`, `term`.
    pub kind: ValueKind,
    /// `until` (a date) or `for` (a duration).
    pub form: ValueForm,
    /// The value given: a date (`2020-06-30`) or a count (`6`, see `unit`).
    #[serde(serialize_with = "given_text")]
    pub value: Given,
    /// For a duration: its unit (`天`, `月`, `年`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<Unit>,
    /// The value requested or computed, before floor and cap.
    #[serde(serialize_with = "given_text")]
    pub requested: Given,
    /// `floor` or `cap` if one changed the value.
    pub bounded_by: Option<&'static str>,
    /// The rule's sentence (shown where a request was capped).
    #[serde(skip)]
    pub text: Option<&'p str>,
    /// Where the rule is written.
    pub source: &'p SourceRef,
}

/// A date as `2020-06-30`, a duration as its count (`6`).
fn given_text<S: Serializer>(g: &Given, s: S) -> Result<S::Ok, S::Error> {
    match g {
        Given::Until(d) => s.collect_str(d),
        Given::For(d) => s.collect_str(&d.count.normalize()),
    }
}

impl RuleGiven<'_> {
    /// `deferred until 2020-06-30 (requested 2020-07-31, capped at 2020-06-30)`
    pub fn words(&self) -> String {
        let mut s = format!("{} {}", self.kind.words(self.form), self.value);
        if let Some(b) = self.bounded_by {
            let verb = if b == "cap" { "capped" } else { "raised" };
            s.push_str(&format!(
                " (requested {}, {verb} at {})",
                self.requested, self.value
            ));
        }
        s
    }
}

/// The amounts ([`super::amounts`]) and the values of the winning rules, or
/// the facts either needs.
#[allow(clippy::type_complexity, reason = "the amounts' own result, widened")]
pub(super) fn amounts_and_values<'p>(
    ctx: &Ctx<'_>,
    m: &'p Measure,
    winners: &[usize],
) -> Result<Result<(Vec<RuleAmount<'p>>, Vec<RuleGiven<'p>>), Slots>, EvalError> {
    let list = super::amounts(ctx, m, winners)?;
    if m.rules.iter().all(|r| r.value.is_none()) {
        return Ok(list.map(|l| (l, Vec::new())));
    }
    let vals = given(ctx, m, winners)?;
    Ok(match (list, vals) {
        (Ok(l), Ok(v)) => Ok((l, v)),
        (Err(mut a), Err(b)) => {
            a.extend(b);
            Err(a)
        }
        (Err(a), _) | (_, Err(a)) => Err(a),
    })
}

/// The value of each winning rule that gives one, or the facts they need.
fn given<'p>(
    ctx: &Ctx<'_>,
    m: &'p Measure,
    winners: &[usize],
) -> Result<Result<Vec<RuleGiven<'p>>, Slots>, EvalError> {
    let mut out = Vec::new();
    let mut missing = Slots::default();
    for &w in winners {
        let Some(rule) = m.rules.get(w) else { continue };
        let Some(v) = &rule.value else { continue };
        undetermined_if_bounded(ctx, rule, &v.expr)?;
        let requested = match read(ctx, rule, &v.expr)? {
            Ok(g) => g,
            Err(s) => {
                missing.extend(s);
                for b in [&rule.floor, &rule.cap].into_iter().flatten() {
                    if let Err(s) = read(ctx, rule, b)? {
                        missing.extend(s);
                    }
                }
                continue;
            }
        };
        let mut value = requested;
        let mut bounded_by = None;
        for (b, kw, wrong) in [
            (&rule.floor, "floor", Ordering::Less),
            (&rule.cap, "cap", Ordering::Greater),
        ] {
            let Some(b) = b else { continue };
            match read(ctx, rule, b)? {
                Ok(limit) if value.compare(&limit) == Some(wrong) => {
                    value = limit;
                    bounded_by = Some(kw);
                }
                Ok(_) => {}
                Err(s) => missing.extend(s),
            }
        }
        out.push(RuleGiven {
            rule: &rule.name,
            part: rule.part.as_deref(),
            kind: v.kind,
            form: v.form,
            unit: match value {
                Given::For(d) => Some(d.unit),
                Given::Until(_) => None,
            },
            value,
            requested,
            bounded_by,
            text: rule.text.as_deref(),
            source: &rule.source,
        });
    }
    Ok(if missing.is_empty() {
        Ok(out)
    } else {
        Err(missing)
    })
}

/// A date or duration read from `e`, or the facts it needs.
fn read(ctx: &Ctx<'_>, rule: &RuleDef, e: &Expr) -> Result<Result<Given, Slots>, EvalError> {
    match ops::eval(ctx, e).map_err(|x| x.for_rule(rule))? {
        Ev::Known(Value::Date(d)) => Ok(Ok(Given::Until(d))),
        Ev::Known(Value::Number(n)) => {
            let unit = e.ty.dim().and_then(|d| d.single_time_unit());
            match unit {
                Some(unit) => Ok(Ok(Given::For(Duration {
                    count: super::arith::positive_zero(n),
                    unit,
                }))),
                None => Err(inconsistent(rule)),
            }
        }
        Ev::Known(_) => Err(inconsistent(rule)),
        Ev::Unknown(s) => Ok(Err(s)),
    }
}

fn inconsistent(rule: &RuleDef) -> EvalError {
    EvalError::Inconsistent {
        what: format!(
            "the value of rule `{}` is not a date or a duration",
            rule.name
        ),
    }
}

/// A value (or its floor or cap) that reads a delegated value known only as
/// a bound is undetermined: a date or duration has no "at least" form.
fn undetermined_if_bounded(ctx: &Ctx<'_>, rule: &RuleDef, e: &Expr) -> Result<(), EvalError> {
    if !ctx.scenario.has_bounds() {
        return Ok(());
    }
    let index = [Some(e), rule.floor.as_ref(), rule.cap.as_ref()]
        .into_iter()
        .flatten()
        .find_map(|x| bounds::first_bounded(ctx.scenario, x));
    let Some(index) = index else { return Ok(()) };
    Err(EvalError::NeedsLocality {
        param: ctx
            .policy
            .parameters
            .get(index as usize)
            .map(|p| p.name.clone())
            .unwrap_or_default(),
        locality: ctx.scenario.locality().map(|l| l.name.clone()),
    })
}

/// Records the values in an eligible result: the list, the measure's value
/// (the latest date, the longest duration), and the reason.
pub(super) fn record<'p>(r: &mut MeasureResult<'p>, vals: Vec<RuleGiven<'p>>) {
    let best = vals
        .iter()
        .reduce(|a, b| {
            if b.value.compare(&a.value) == Some(Ordering::Greater) {
                b
            } else {
                a
            }
        })
        .cloned();
    if let Some(b) = &best {
        if r.status == crate::ir::Status::Eligible {
            r.reason.push_str(": ");
            r.reason.push_str(&b.words());
        }
    }
    r.value = best;
    r.values = vals;
}

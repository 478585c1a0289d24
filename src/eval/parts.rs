//! Measures that declare parts (`part P { to …  effective …  applications until … }`):
//! each part has its addressees and dates, and an entity sees only the parts
//! addressed to it.
//!
//! For one entity on one date:
//!
//! 1. The parts addressed to the entity are kept; if there is none, the
//!    measure is `not_addressed`.
//! 2. Each kept part has a status of its own by its dates, in the order of a
//!    measure's: `not_in_force` before its period, `deadline_passed` after its
//!    deadline, `not_in_force` after its period.
//! 3. If no kept part is in force, the measure is `deadline_passed` when one of
//!    them is, else `not_in_force`.
//! 4. Otherwise the parts in force are decided exactly as the parts of a
//!    measure without declarations (`docs/language.md`, default logic): an
//!    error in one is the measure's error; facts a condition waits for make it
//!    `needs_facts` (the facts of every such part); then the amounts of the
//!    parts whose rule applies; `eligible` with their sum if one applies, else
//!    `not_eligible`.
//!
//! A part addressed to an entity other than the one whose facts its rules read
//! (the second of `to 职工 or 企业`) reads the entity's facts through the part's
//! slot map: the fact of the same name and type.

use std::collections::BTreeSet;

use rust_decimal::Decimal;
use serde::Serialize;

use super::{
    applies_reason, explain, fact_names, needs_reason, resolve_part, Ctx, EvalError, Explanation,
    Facts, MeasureResult, Resolved,
};
use crate::ir::{Measure, Status};

/// The outcome of one part of a measure that declares parts.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct PartResult<'p> {
    /// The part (`None`: the rules without `part`).
    pub part: Option<&'p str>,
    /// Its status.
    pub status: Status,
    /// Why, in one line.
    pub reason: String,
    /// Its amount, when it is eligible and gives one.
    pub total: Option<Decimal>,
    /// For `needs_facts`: the facts it waits for, sorted.
    pub needs: Vec<String>,
}

/// The status a part has by its dates alone, if it is not in force.
fn date_status(ctx: &Ctx<'_>, m: &Measure, part: Option<&str>) -> Option<(Status, String)> {
    let period = m.part_period(part);
    let d = ctx.date;
    if let Some(from) = period.from.filter(|f| d < *f) {
        return Some((
            Status::NotInForce,
            format!("in force from {from}; the date is {d}"),
        ));
    }
    if let Some(dl) = m.part_deadline(part).filter(|x| d > *x) {
        return Some((
            Status::DeadlinePassed,
            format!("applications closed on {dl}; the date is {d}"),
        ));
    }
    if let Some(to) = period.to.filter(|t| d > *t) {
        return Some((
            Status::NotInForce,
            format!("in force until {to}; the date is {d}"),
        ));
    }
    None
}

/// The facts a part reads for the context's entity: `None` when they are the
/// entity's own, else the entity's facts placed in the slots of the part's
/// first addressee.
fn part_facts(ctx: &Ctx<'_>, m: &Measure, part: Option<&str>) -> Option<Facts> {
    let map = m.part_slot_map(part, ctx.facts.entity)?;
    let first = m.part_decl(part)?.to.first()?.entity;
    Some(Facts {
        entity: first,
        values: map
            .iter()
            .map(|s| s.and_then(|s| ctx.facts.values.get(s as usize).cloned().flatten()))
            .collect(),
        // members are read only in the entity's own slots (docs/language.md)
        lists: if first == ctx.facts.entity {
            ctx.facts.lists.clone()
        } else {
            Vec::new()
        },
    })
}

fn named(part: Option<&str>, reason: &str) -> String {
    match part {
        Some(p) => format!("part `{p}`: {reason}"),
        None => reason.to_string(),
    }
}

/// The measure fails in part `i`: `undetermined` for a delegated value not
/// set, else `error` (one rule for both, `undetermined::fail`).
fn fail<'p>(
    ctx: &Ctx<'_>,
    m: &Measure,
    mut r: MeasureResult<'p>,
    i: usize,
    e: EvalError,
) -> MeasureResult<'p> {
    super::undetermined::fail(ctx, m, &mut r, e);
    if let Some(p) = r.parts.get_mut(i) {
        p.status = r.status;
        p.reason = r.reason.clone();
    }
    r
}

pub(super) fn evaluate<'p>(
    ctx: &Ctx<'_>,
    m: &'p Measure,
    explain: bool,
    mut r: MeasureResult<'p>,
) -> MeasureResult<'p> {
    let entity = ctx.facts.entity;
    let mine: Vec<Option<&'p str>> = m
        .part_names()
        .into_iter()
        .filter(|p| m.part_addressees(*p).contains(&entity))
        .collect();
    let ename = |i: u32| {
        ctx.policy
            .entities
            .get(i as usize)
            .map_or("?", |e| e.name.as_str())
    };
    if mine.is_empty() {
        let to: Vec<&str> = m.all_addressees().into_iter().map(ename).collect();
        r.status = Status::NotAddressed;
        r.reason = if to.is_empty() {
            "addressed to administrations, not to an entity".into()
        } else {
            format!("addressed to {}, not {}", to.join(", "), ename(entity))
        };
        return r;
    }
    // the parts in force: (index in r.parts, part, its facts if remapped)
    let mut in_force = Vec::new();
    for p in &mine {
        let (status, reason) = match date_status(ctx, m, *p) {
            Some(x) => x,
            None => {
                in_force.push((r.parts.len(), *p, part_facts(ctx, m, *p)));
                (Status::NotEligible, "no rule applies".into())
            }
        };
        r.parts.push(PartResult {
            part: *p,
            status,
            reason,
            total: None,
            needs: Vec::new(),
        });
    }
    if in_force.is_empty() {
        let pick = |s: Status| r.parts.iter().find(|x| x.status == s);
        if let Some(x) = pick(Status::DeadlinePassed).or_else(|| pick(Status::NotInForce)) {
            r.status = x.status;
            r.reason = named(x.part, &x.reason);
        }
        return r;
    }
    if explain {
        let mut rules = Vec::new();
        for (_, p, f) in &in_force {
            let c = ctx.with_facts(f.as_ref().unwrap_or(ctx.facts));
            for rule in m.rules.iter().filter(|x| x.part.as_deref() == *p) {
                rules.push(explain::explain_rule(&c, m, rule));
            }
        }
        r.explanation = Some(Explanation {
            condition: None,
            rules,
            departments: super::ShownDepartments::of(ctx.policy, m),
        });
    }
    // 1. each part's rule, as the default logic decides it
    let mut winners: Vec<(usize, usize)> = Vec::new();
    let mut needs: BTreeSet<String> = BTreeSet::new();
    for (i, p, f) in &in_force {
        let c = ctx.with_facts(f.as_ref().unwrap_or(ctx.facts));
        let Some(first) = m.rules.iter().position(|x| x.part.as_deref() == *p) else {
            continue;
        };
        match resolve_part(&c, m, first) {
            Err(e) => return fail(ctx, m, r, *i, e),
            Ok(Resolved::Applies(w)) => {
                winners.push((*i, w));
                if let Some(x) = r.parts.get_mut(*i) {
                    x.status = Status::Eligible;
                    x.reason = applies_reason(m, &[w]);
                }
            }
            Ok(Resolved::None) => {}
            Ok(Resolved::Unknown(s)) => {
                // one round: the residual of the part (`residual::part`)
                let facts = super::residual::row_part(&c, m, first).facts;
                let names = fact_names(&c, if facts.is_empty() { &s } else { &facts });
                needs.extend(names.iter().cloned());
                if let Some(x) = r.parts.get_mut(*i) {
                    x.status = Status::NeedsFacts;
                    x.reason = needs_reason("depends on facts not given: ", &names);
                    x.needs = names;
                }
            }
        }
    }
    if !needs.is_empty() {
        // the amounts of the parts that apply are asked in the same round
        for (i, w) in &winners {
            let f = in_force
                .iter()
                .find(|(j, _, _)| j == i)
                .and_then(|x| x.2.as_ref());
            let c = ctx.with_facts(f.unwrap_or(ctx.facts));
            if let Some(rule) = m.rules.get(*w) {
                needs.extend(fact_names(&c, &super::residual::amount_facts(&c, rule)));
            }
        }
        r.status = Status::NeedsFacts;
        r.needs = needs.into_iter().collect();
        r.reason = needs_reason("depends on facts not given: ", &r.needs);
        return r;
    }
    if winners.is_empty() {
        r.status = Status::NotEligible;
        r.reason = "no rule applies".into();
        return r;
    }
    // 2. the amounts of the rules that apply
    let mut list = Vec::new();
    let mut vals = Vec::new();
    for (i, w) in &winners {
        let f = in_force
            .iter()
            .find(|(j, _, _)| j == i)
            .and_then(|x| x.2.as_ref());
        let c = ctx.with_facts(f.unwrap_or(ctx.facts));
        match super::values::amounts_and_values(&c, m, &[*w]) {
            Err(e) => return fail(ctx, m, r, *i, e),
            Ok(Err(s)) => {
                let facts = m
                    .rules
                    .get(*w)
                    .map(|rule| super::residual::amount_facts(&c, rule))
                    .unwrap_or_default();
                let names = fact_names(&c, if facts.is_empty() { &s } else { &facts });
                needs.extend(names.iter().cloned());
                if let Some(x) = r.parts.get_mut(*i) {
                    x.status = Status::NeedsFacts;
                    x.reason = needs_reason("the amount depends on facts not given: ", &names);
                    x.needs = names;
                }
            }
            Ok(Ok((l, v))) => {
                if let Some(x) = r.parts.get_mut(*i) {
                    x.total = l.first().map(|a| a.amount);
                }
                list.extend(l);
                vals.extend(v);
            }
        }
    }
    if !needs.is_empty() {
        r.status = Status::NeedsFacts;
        r.needs = needs.into_iter().collect();
        r.reason = needs_reason("the amount depends on facts not given: ", &r.needs);
        return r;
    }
    let rules: Vec<usize> = winners.iter().map(|(_, w)| *w).collect();
    super::grant(&mut r, m, &rules, list);
    super::values::record(&mut r, vals);
    r
}

//! An amount, floor or cap rewritten to something equal (`生活费补贴标准` →
//! `1500 元` where the parameter is 1 500 元) is said to be the same value,
//! not a change of meaning. Both expressions must read no fact; they are
//! evaluated on every day a value they use may change (the measure's first
//! day and each dated version's), with no locality and in each locality, and
//! must agree on all of them.

use chrono::NaiveDate;

use super::{Change, ChangeKind};
use crate::eval::{closed_value, Scenario};
use crate::ir::{Expr, Measure, Node, ParamValue, Policy, RuleDef};

/// The rule expression a change names (`rule 甲: amount`), in `policy`.
fn expr_of<'p>(policy: &'p Policy, c: &Change) -> Option<(&'p Measure, &'p Expr)> {
    let m = policy
        .measures
        .iter()
        .find(|m| Some(m.number) == c.measure)?;
    let (rule, field) = c.what.strip_prefix("rule ")?.rsplit_once(": ")?;
    let r: &RuleDef = m.rules.iter().find(|r| r.name == rule)?;
    let e = match field {
        "amount" => r.amount.as_ref(),
        "floor" => r.floor.as_ref(),
        "cap" => r.cap.as_ref(),
        _ => None,
    }?;
    Some((m, e))
}

/// Whether `e` reads no fact (nor the application date, nor members).
fn closed(e: &Expr) -> bool {
    let mut closed = true;
    crate::ir::visit(e, &mut |n| {
        if matches!(
            n.node,
            Node::Field { .. }
                | Node::ApplicationDate
                | Node::Aggregate { .. }
                | Node::Member { .. }
        ) {
            closed = false;
        }
    });
    closed
}

/// The days on which a value of `policy` may change, from the measure's first
/// day on (its first day, or the document's, included).
fn days(policy: &Policy, m: &Measure) -> Vec<NaiveDate> {
    let start = m
        .effective
        .from
        .or_else(|| policy.document.as_ref().and_then(|d| d.issued));
    let mut out: Vec<NaiveDate> = start.into_iter().collect();
    for p in &policy.parameters {
        if let ParamValue::Versioned { versions } = &p.value {
            out.extend(versions.iter().map(|v| v.from).filter(|d| {
                start.is_none_or(|s| *d > s) && m.effective.to.is_none_or(|t| *d <= t)
            }));
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// The value both versions of a changed amount, floor or cap have everywhere,
/// as policy text; `None` when they differ somewhere or cannot be told.
pub(super) fn same_value(old: &Policy, new: &Policy, c: &Change) -> Option<String> {
    if !matches!(
        c.kind,
        ChangeKind::AmountChanged | ChangeKind::FloorChanged | ChangeKind::CapChanged
    ) {
        return None;
    }
    let (mo, eo) = expr_of(old, c)?;
    let (mn, en) = expr_of(new, c)?;
    if !closed(eo) || !closed(en) {
        return None;
    }
    let mut dates = days(old, mo);
    dates.extend(days(new, mn));
    dates.sort_unstable();
    dates.dedup();
    let names = |p: &Policy| {
        p.localities
            .iter()
            .map(|l| l.name.clone())
            .collect::<Vec<_>>()
    };
    if names(old) != names(new) || dates.is_empty() {
        return None;
    }
    let mut places: Vec<Option<String>> = vec![None];
    places.extend(names(new).into_iter().map(Some));
    let mut shown = None;
    for d in &dates {
        for place in &places {
            let so = Scenario::new(old, *d, place.as_deref()).ok()?;
            let sn = Scenario::new(new, *d, place.as_deref()).ok()?;
            let a = closed_value(&so, mo.addressee.unwrap_or(0), eo)?;
            let b = closed_value(&sn, mn.addressee.unwrap_or(0), en)?;
            if a != b {
                return None;
            }
            shown.get_or_insert_with(|| new.value_text(&b, &en.ty));
        }
    }
    shown
}

//! Discretion in results (issue 14, point 3): an eligible outcome that a
//! discretionary rule (`may`) gives may be granted; it is not an entitlement.

use super::MeasureResult;
use crate::ir::Measure;

/// Marks `r` (eligible, won by `winners`) as may-be-granted when a winning
/// rule is discretionary, naming who decides, and says so in the reason.
pub(super) fn mark(r: &mut MeasureResult<'_>, m: &Measure, winners: &[usize]) {
    let mut deciders: Vec<String> = Vec::new();
    let mut may = false;
    for d in winners
        .iter()
        .filter_map(|w| m.rules.get(*w))
        .filter_map(|x| x.discretion.as_ref())
    {
        may = true;
        if let Some(name) = d.decider() {
            deciders.push(name.to_string());
        }
    }
    if !may {
        return;
    }
    deciders.sort();
    deciders.dedup();
    let head = if deciders.is_empty() {
        "may be granted".to_string()
    } else {
        format!("may be granted (decided by {})", deciders.join(", "))
    };
    r.reason = format!("{head}: {}", r.reason);
    r.may = true;
    r.decided_by = deciders;
}

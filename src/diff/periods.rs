//! The periods of event dates (`到期日 in 2020-01-25 to 2020-06-30`) in a
//! changed condition, said in words: which day of which date's period moved.

use chrono::NaiveDate;

use crate::ir::{Expr, Node, Policy};

/// Every `x in A to B` of an expression: the date tested (as written) and the period.
fn periods(policy: &Policy, e: &Expr, out: &mut Vec<(String, NaiveDate, NaiveDate)>) {
    match &e.node {
        Node::InPeriod { arg, from, to } => {
            out.push((policy.expr_text(arg), *from, *to));
            periods(policy, arg, out);
        }
        Node::Not { arg }
        | Node::Neg { arg }
        | Node::In { arg, .. }
        | Node::Definition { value: arg, .. } => periods(policy, arg, out),
        Node::Binary { lhs, rhs, .. } => {
            periods(policy, lhs, out);
            periods(policy, rhs, out);
        }
        Node::If {
            cond,
            then,
            otherwise,
        } => {
            periods(policy, cond, out);
            periods(policy, then, out);
            periods(policy, otherwise, out);
        }
        Node::Match { scrutinee, arms } => {
            periods(policy, scrutinee, out);
            for a in arms {
                periods(policy, &a.value, out);
            }
        }
        Node::Call { args, .. } => {
            for a in args {
                periods(policy, a, out);
            }
        }
        Node::Aggregate { value, filter, .. } => {
            for a in value.iter().chain(filter) {
                periods(policy, a, out);
            }
        }
        Node::Literal { .. }
        | Node::Field { .. }
        | Node::Member { .. }
        | Node::Param { .. }
        | Node::ApplicationDate => {}
    }
}

/// For a date tested against one period in both versions, what moved:
/// "the period of 到期日 now ends on 2020-07-31 (was 2020-06-30)".
pub(super) fn period_notes(old: &Policy, a: &Expr, new: &Policy, b: &Expr) -> Vec<String> {
    let (mut x, mut y) = (Vec::new(), Vec::new());
    periods(old, a, &mut x);
    periods(new, b, &mut y);
    let mut notes = Vec::new();
    for (date, of, ot) in &x {
        // only a date tested against exactly one period in each version
        let once = |v: &[(String, NaiveDate, NaiveDate)]| {
            let mut m = v.iter().filter(|(d, _, _)| d == date);
            match (m.next(), m.next()) {
                (Some(p), None) => Some((p.1, p.2)),
                _ => None,
            }
        };
        let (Some(_), Some((nf, nt))) = (once(&x), once(&y)) else {
            continue;
        };
        if nf != *of {
            notes.push(format!(
                "the period of {date} now starts on {nf} (was {of})"
            ));
        }
        if nt != *ot {
            notes.push(format!("the period of {date} now ends on {nt} (was {ot})"));
        }
    }
    notes
}

//! The named definitions of a measure (`let 名称 = …`), compared by name.
//! Each use of a definition carries its value in the IR, so a definition whose
//! value changed is found in the expressions of the measure; a definition no
//! expression uses is not in the IR and not compared.

use std::collections::BTreeMap;

use crate::ir::{Expr, Measure, Node, Policy};

/// Every definition used in a measure: name → its value as policy text.
pub(super) fn definitions(policy: &Policy, m: &Measure) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    if let Some(c) = &m.condition {
        walk(policy, c, &mut out);
    }
    for r in &m.rules {
        for e in [&r.condition, &r.amount, &r.floor, &r.cap]
            .into_iter()
            .flatten()
            .chain(r.value.as_ref().map(|v| &v.expr))
        {
            walk(policy, e, &mut out);
        }
    }
    out
}

fn walk(policy: &Policy, e: &Expr, out: &mut BTreeMap<String, String>) {
    match &e.node {
        Node::Definition { name, value, .. } => {
            out.entry(name.clone())
                .or_insert_with(|| policy.expr_text(value));
            walk(policy, value, out);
        }
        Node::Not { arg }
        | Node::Neg { arg }
        | Node::In { arg, .. }
        | Node::InPeriod { arg, .. } => walk(policy, arg, out),
        Node::Binary { lhs, rhs, .. } => {
            walk(policy, lhs, out);
            walk(policy, rhs, out);
        }
        Node::If {
            cond,
            then,
            otherwise,
        } => {
            walk(policy, cond, out);
            walk(policy, then, out);
            walk(policy, otherwise, out);
        }
        Node::Match { scrutinee, arms } => {
            walk(policy, scrutinee, out);
            for a in arms {
                walk(policy, &a.value, out);
            }
        }
        Node::Call { args, .. } => {
            for a in args {
                walk(policy, a, out);
            }
        }
        Node::Aggregate { value, filter, .. } => {
            for a in value.iter().chain(filter) {
                walk(policy, a, out);
            }
        }
        Node::Literal { .. }
        | Node::Field { .. }
        | Node::Member { .. }
        | Node::Param { .. }
        | Node::ApplicationDate => {}
    }
}

//! The facts a row of the columnar engine asks for (issue 14, point 6): the
//! row evaluator's one-round analysis (`eval::residual`) run over the masks
//! of one row, where the masks are the residual's; and the facts a measure
//! reads.

use super::exec::Val;
use super::{Program, C};
use crate::eval::residual;
use crate::ir::{Expr, Measure};

/// One row of a program's rules, for the one-round analysis of the facts
/// asked (`eval::residual`).
pub(super) struct RowOf<'a> {
    pub prog: &'a Program,
    pub vals: &'a [[Option<Val>; 4]],
    pub row: usize,
}

impl residual::Rules for RowOf<'_> {
    type Set = u64;

    fn children(&self, i: usize) -> Vec<usize> {
        self.prog.children.get(i).cloned().unwrap_or_default()
    }

    fn cond(&self, i: usize, facts: &mut u64) -> Option<bool> {
        match self.vals.get(i) {
            None => Some(false),
            Some([None, ..]) => Some(true),
            Some([Some(c), ..]) => match c.at(self.row) {
                (_, u) if u != 0 => {
                    *facts |= u;
                    None
                }
                (v, _) => Some(v == 1),
            },
        }
    }

    fn amount_facts(&self, i: usize, facts: &mut u64) {
        if let Some([_, a, f, c]) = self.vals.get(i) {
            for v in [a, f, c].into_iter().flatten() {
                *facts |= v.at(self.row).1;
            }
        }
    }

    fn gives_nothing(&self, i: usize) -> bool {
        self.prog
            .rules
            .get(i)
            .is_some_and(|r| r.amount.is_none() && !r.may)
    }

    fn union(a: &mut u64, b: u64) {
        *a |= b;
    }

    fn len(&self) -> usize {
        self.prog.rules.len()
    }
}

/// Whether the facts `c` waits for are those of its residual: no `if`
/// condition or `match` scrutinee in it reads a fact.
pub(super) fn residual_masks(c: &C) -> bool {
    fn reads(c: &C) -> bool {
        match c {
            C::Field { .. } => true,
            C::Const(_) => false,
            C::Not(a) | C::Neg(a) | C::Rescale { a, .. } | C::In { a, .. } => reads(a),
            C::Logic { a, b, .. } | C::Cmp { a, b, .. } | C::Arith { a, b, .. } => {
                reads(a) || reads(b)
            }
            C::DateDiff { a, b } => reads(a) || reads(b),
            C::If { c, t, e } => reads(c) || reads(t) || reads(e),
            C::Match { s, arms } => reads(s) || arms.iter().any(reads),
            C::MinMax { args, .. } => args.iter().any(reads),
            C::Shift { date, n, .. } => reads(date) || reads(n),
        }
    }
    match c {
        C::Field { .. } | C::Const(_) => true,
        C::Not(a) | C::Neg(a) | C::Rescale { a, .. } | C::In { a, .. } => residual_masks(a),
        C::Logic { a, b, .. } | C::Cmp { a, b, .. } | C::Arith { a, b, .. } => {
            residual_masks(a) && residual_masks(b)
        }
        C::DateDiff { a, b } => residual_masks(a) && residual_masks(b),
        C::If { c, t, e } => !reads(c) && residual_masks(t) && residual_masks(e),
        C::Match { s, arms } => !reads(s) && arms.iter().all(residual_masks),
        C::MinMax { args, .. } => args.iter().all(residual_masks),
        C::Shift { date, n, .. } => residual_masks(date) && residual_masks(n),
    }
}

/// The slots of the facts a measure's rules read, sorted.
pub(crate) fn measure_fields(measure: &Measure) -> Vec<u32> {
    let mut out = Vec::new();
    if let Some(c) = &measure.condition {
        collect_fields(c, &mut out);
    }
    for r in &measure.rules {
        for e in [&r.condition, &r.amount, &r.floor, &r.cap]
            .into_iter()
            .flatten()
        {
            collect_fields(e, &mut out);
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// The slots of the fields `e` reads (the same walk as a part's, `ir::fields_of`).
pub(super) fn collect_fields(e: &Expr, out: &mut Vec<u32>) {
    crate::ir::fields_of(e, &mut |s| out.push(s));
}

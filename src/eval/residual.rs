//! The facts a `needs_facts` outcome asks for, in one round (issue 14, point
//! 6; docs/language.md, "Unknown facts"; docs/ir.md, "The facts asked for").
//!
//! The status of a measure is decided as before (`decide`, `amounts`, the
//! measure's `when`); when it waits for facts, this module lists them from
//! the **residual** of the outcome under the known facts: every unknown fact
//! that still occurs in a condition or amount that can matter, across the
//! default-logic structure, and no other.
//!
//! - An expression's facts ([`expr_facts`]): none if it is known; for an
//!   unknown one, the facts of its unknown operands, where `and`/`or` and the
//!   decided branch of an `if`/`match` are simplified under the known facts,
//!   and an undecided `if`/`match` needs its condition's (scrutinee's) facts
//!   **and** those of its branches (arms), so that the branch it takes asks
//!   for nothing more.
//! - A part's rules ([`part`]): each rule's condition is true, false or
//!   unknown; the possible results of the part (no rule, rule `w` applies, a
//!   conflict) are worked out over the exception tree, treating the
//!   conditions as independent. A rule's condition facts are asked when its
//!   exceptions may all fail to apply (otherwise an exception replaces it
//!   whatever its condition); the amount, floor and cap facts of every rule
//!   that may apply are asked at the same time.
//! - A measure ([`measure`]): the union over its parts; a part that can only
//!   apply a rule without amount and without discretion, or apply none, or
//!   conflict never, does not matter when another part surely applies: the
//!   outcome is then decided (`eligible`, with the other parts' amounts).
//!
//! Over-approximations that remain (documented and tested): facts in a
//! condition or amount whose value does not depend on them in fact (`x > 5 or
//! x <= 5`, `x * 0`, `if c then a else b` with `a` and `b` equal for every
//! value but not written alike), facts shared by conditions that exclude
//! each other (the conditions are treated as independent), and the facts of
//! a condition or amount whose evaluation raises an error (all its unknown
//! facts).

use super::ops;
use super::slots::Slots;
use super::{Ctx, Ev};
use crate::ir::{Expr, Measure, Node, RuleDef, Value};

/// The facts the unknown expression `e` waits for, simplified under the
/// known facts (see the module documentation); none when `e` is known.
pub(super) fn expr_facts(ctx: &Ctx<'_>, e: &Expr) -> Slots {
    match ops::eval(ctx, e) {
        Ok(Ev::Known(_)) => Slots::default(),
        Ok(Ev::Unknown(_)) => walk(ctx, e),
        Err(_) => unknown_fields(ctx, e),
    }
}

fn walk(ctx: &Ctx<'_>, e: &Expr) -> Slots {
    let mut out = Slots::default();
    match &e.node {
        Node::Field { slot, .. } => {
            if matches!(ctx.facts.values.get(*slot as usize), Some(None)) {
                out.insert(*slot);
            }
        }
        Node::Literal { .. } | Node::Param { .. } | Node::ApplicationDate => {}
        Node::Definition { value: a, .. }
        | Node::Not { arg: a }
        | Node::Neg { arg: a }
        | Node::In { arg: a, .. }
        | Node::InPeriod { arg: a, .. } => out = expr_facts(ctx, a),
        Node::Binary { lhs, rhs, .. } => {
            out = expr_facts(ctx, lhs);
            out.extend(expr_facts(ctx, rhs));
        }
        Node::If {
            cond,
            then,
            otherwise,
        } => match ops::eval(ctx, cond) {
            Ok(Ev::Known(Value::Bool(true))) => out = expr_facts(ctx, then),
            Ok(Ev::Known(Value::Bool(false))) => out = expr_facts(ctx, otherwise),
            _ => {
                out = expr_facts(ctx, cond);
                out.extend(expr_facts(ctx, then));
                out.extend(expr_facts(ctx, otherwise));
            }
        },
        Node::Match { scrutinee, arms } => match ops::eval(ctx, scrutinee) {
            Ok(Ev::Known(Value::Variant(v))) => {
                if let Some(arm) = arms.get(v as usize) {
                    out = expr_facts(ctx, &arm.value);
                }
            }
            _ => {
                out = expr_facts(ctx, scrutinee);
                for a in arms {
                    out.extend(expr_facts(ctx, &a.value));
                }
            }
        },
        Node::Call { args, .. } => {
            for a in args {
                out.extend(expr_facts(ctx, a));
            }
        }
        // an aggregate's unknown member facts, as its evaluation found them
        // (an `any` already true asks none); a member node is only read
        // inside an aggregate, with the member's facts
        Node::Aggregate { .. } => {
            if let Ok(Ev::Unknown(s)) = ops::eval(ctx, e) {
                out = s;
            }
        }
        Node::Member { .. } => {}
    }
    out
}

/// Every unknown fact `e` reads (for an expression that raises an error);
/// an aggregate's, as its evaluation finds them.
fn unknown_fields(ctx: &Ctx<'_>, e: &Expr) -> Slots {
    let mut out = Slots::default();
    crate::ir::visit(e, &mut |n| match &n.node {
        Node::Field { slot, .. } => {
            if matches!(ctx.facts.values.get(*slot as usize), Some(None)) {
                out.insert(*slot);
            }
        }
        Node::Aggregate { .. } => {
            if let Ok(Ev::Unknown(s)) = ops::eval(ctx, n) {
                out.extend(s);
            }
        }
        _ => {}
    });
    out
}

/// The facts of a rule's amount (or the date or duration it gives), floor
/// and cap; none when one of them
/// raises an error without reading an unknown fact (the rule's amount is then
/// an error whatever the facts).
pub(super) fn amount_facts(ctx: &Ctx<'_>, rule: &RuleDef) -> Slots {
    let mut out = Slots::default();
    let value = rule.value.as_ref().map(|v| &v.expr);
    for e in [
        rule.amount.as_ref(),
        value,
        rule.floor.as_ref(),
        rule.cap.as_ref(),
    ]
    .into_iter()
    .flatten()
    {
        if ops::eval(ctx, e).is_err() && unknown_fields(ctx, e).is_empty() {
            return Slots::default();
        }
        out.extend(expr_facts(ctx, e));
    }
    out
}

/// The possible results of a subtree of rules (or of a part).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Possible {
    /// No rule may apply.
    pub none: bool,
    /// Two rules may both apply.
    pub conflict: bool,
    /// The rules that may be the one that applies, in rule order.
    pub applies: Vec<usize>,
}

impl Possible {
    /// The one rule that surely applies, if so.
    pub(crate) fn certain(&self) -> Option<usize> {
        match self.applies.as_slice() {
            [w] if !self.none && !self.conflict => Some(*w),
            _ => None,
        }
    }

    /// Whether the result is decided (one possibility only).
    fn decided(&self) -> bool {
        self.certain().is_some() || (self.applies.is_empty() && !self.conflict)
    }
}

/// A measure's rules as the one-round analysis sees them, for one entity:
/// the row evaluator's ([`RowRules`]) and the columnar engine's (one row).
pub(crate) trait Rules {
    /// A set of facts.
    type Set: Default;
    /// The rules that are exceptions to rule `i`, in rule order.
    fn children(&self, i: usize) -> Vec<usize>;
    /// Rule `i`'s condition: `None` when unknown, adding its facts to `facts`.
    fn cond(&self, i: usize, facts: &mut Self::Set) -> Option<bool>;
    /// Adds the facts of rule `i`'s amount, floor and cap to `facts`.
    fn amount_facts(&self, i: usize, facts: &mut Self::Set);
    /// Rule `i` gives no amount and is not discretionary.
    fn gives_nothing(&self, i: usize) -> bool;
    /// Adds `b` to `a`.
    fn union(a: &mut Self::Set, b: Self::Set);
    /// How many rules the measure has.
    fn len(&self) -> usize;
}

/// The rules of a measure, read by the row evaluator.
pub(super) struct RowRules<'a, 'c> {
    pub ctx: &'a Ctx<'c>,
    pub m: &'a Measure,
}

impl Rules for RowRules<'_, '_> {
    type Set = Slots;

    fn children(&self, i: usize) -> Vec<usize> {
        self.m
            .rules
            .iter()
            .enumerate()
            .filter(|(_, r)| r.exception_to == Some(i as u32))
            .map(|(j, _)| j)
            .collect()
    }

    fn cond(&self, i: usize, facts: &mut Slots) -> Option<bool> {
        let c = match self.m.rules.get(i).map(|r| r.condition.as_ref()) {
            Some(Some(c)) => c,
            Some(None) => return Some(true),
            None => return Some(false),
        };
        match ops::eval(self.ctx, c) {
            Ok(Ev::Known(Value::Bool(b))) => Some(b),
            _ => {
                facts.extend(expr_facts(self.ctx, c));
                None
            }
        }
    }

    fn amount_facts(&self, i: usize, facts: &mut Slots) {
        if let Some(rule) = self.m.rules.get(i) {
            facts.extend(amount_facts(self.ctx, rule));
        }
    }

    fn gives_nothing(&self, i: usize) -> bool {
        self.m
            .rules
            .get(i)
            .is_some_and(|r| r.amount.is_none() && r.discretion.is_none())
    }

    fn union(a: &mut Slots, b: Slots) {
        a.extend(b);
    }

    fn len(&self) -> usize {
        self.m.rules.len()
    }
}

/// What one part's rules may give, and the facts that can change it.
pub(crate) struct Part<S> {
    pub possible: Possible,
    /// The condition facts that matter and the amount facts of every rule that
    /// may apply.
    pub facts: S,
}

/// The analysis of the part whose base rules are `bases`.
pub(crate) fn part<R: Rules>(r: &R, bases: &[usize]) -> Part<R::Set> {
    let mut facts = R::Set::default();
    let possible = combine(r, bases, &mut facts, 0);
    for w in &possible.applies {
        r.amount_facts(*w, &mut facts);
    }
    Part { possible, facts }
}

/// The base rules of each part of `m`, parts in the order of their first rule.
pub(super) fn bases(m: &Measure) -> Vec<Vec<usize>> {
    let mut names: Vec<Option<&str>> = Vec::new();
    for r in &m.rules {
        if !names.contains(&r.part.as_deref()) {
            names.push(r.part.as_deref());
        }
    }
    names
        .iter()
        .map(|p| {
            m.rules
                .iter()
                .enumerate()
                .filter(|(_, r)| r.part.as_deref() == *p && r.exception_to.is_none())
                .map(|(i, _)| i)
                .collect()
        })
        .collect()
}

/// The analysis of the part of `m` whose first rule is `first`.
pub(super) fn row_part(ctx: &Ctx<'_>, m: &Measure, first: usize) -> Part<Slots> {
    let p = m.rules.get(first).and_then(|r| r.part.as_deref());
    let bases: Vec<usize> = m
        .rules
        .iter()
        .enumerate()
        .filter(|(_, r)| r.part.as_deref() == p && r.exception_to.is_none())
        .map(|(i, _)| i)
        .collect();
    part(&RowRules { ctx, m }, &bases)
}

/// Siblings: at most one may apply.
fn combine<R: Rules>(r: &R, siblings: &[usize], facts: &mut R::Set, depth: usize) -> Possible {
    let each: Vec<Possible> = siblings
        .iter()
        .map(|s| resolve(r, *s, facts, depth))
        .collect();
    let mut out = Possible {
        none: each.iter().all(|p| p.none),
        conflict: each.iter().any(|p| p.conflict),
        applies: Vec::new(),
    };
    let may_apply = each.iter().filter(|p| !p.applies.is_empty()).count();
    if may_apply > 1 {
        out.conflict = true;
    }
    for (i, p) in each.iter().enumerate() {
        if each.iter().enumerate().all(|(j, q)| j == i || q.none) {
            out.applies.extend(p.applies.iter().copied());
        }
    }
    out.applies.sort_unstable();
    out
}

/// A rule's subtree: an exception that applies, else the rule if its
/// condition holds.
fn resolve<R: Rules>(r: &R, i: usize, facts: &mut R::Set, depth: usize) -> Possible {
    // a loaded IR has no cycle; this keeps the analysis total anyway
    if depth > r.len() {
        return Possible {
            none: true,
            conflict: true,
            applies: vec![i],
        };
    }
    let mut out = combine(r, &r.children(i), facts, depth + 1);
    if !out.none {
        return out;
    }
    out.none = false;
    let cond = r.cond(i, facts);
    if cond != Some(false) {
        out.applies.push(i);
        out.applies.sort_unstable();
    }
    if cond != Some(true) {
        out.none = true;
    }
    out
}

/// What a measure's rules give when some condition waits for facts.
pub(crate) enum Outcome<S> {
    /// The facts that can change the outcome.
    Needs(S),
    /// The outcome is decided after all: these rules apply (one per part).
    Decided(Vec<usize>),
}

/// The one-round analysis of the rules of a measure without declared parts,
/// whose parts have the base rules `parts`: the facts of every part that can
/// change the outcome, or the winners when the parts still undecided cannot
/// change it.
pub(crate) fn measure<R: Rules>(r: &R, parts: &[Vec<usize>]) -> Outcome<R::Set> {
    let parts: Vec<Part<R::Set>> = parts.iter().map(|b| part(r, b)).collect();
    // a part that can only apply a rule giving nothing (no amount, no
    // discretion), or none, never conflicting
    let soft = |x: &Part<R::Set>| {
        !x.possible.conflict && x.possible.applies.iter().all(|w| r.gives_nothing(*w))
    };
    // some part surely applies a rule: the measure is eligible (or an error)
    let surely_applies = parts.iter().any(|x| x.possible.certain().is_some());
    let open = |x: &Part<R::Set>| !x.possible.decided();
    let matters = |x: &Part<R::Set>| !(surely_applies && open(x) && soft(x));
    if parts.iter().all(|x| !open(x) || !matters(x)) {
        return Outcome::Decided(parts.iter().filter_map(|x| x.possible.certain()).collect());
    }
    let mut needs = R::Set::default();
    for x in parts {
        if matters(&x) {
            R::union(&mut needs, x.facts);
        }
    }
    Outcome::Needs(needs)
}

/// The amount facts of the rules `winners` of `m`, that all apply.
pub(super) fn winners(ctx: &Ctx<'_>, m: &Measure, winners: &[usize]) -> Slots {
    let mut out = Slots::default();
    for rule in winners.iter().filter_map(|w| m.rules.get(*w)) {
        out.extend(amount_facts(ctx, rule));
    }
    out
}

/// `head` followed by the names of the facts, separated by commas.
pub(super) fn needs_reason(head: &str, needs: &[String]) -> String {
    let mut s =
        String::with_capacity(head.len() + needs.iter().map(|n| n.len() + 2).sum::<usize>());
    s.push_str(head);
    for (i, n) in needs.iter().enumerate() {
        if i > 0 {
            s.push_str(", ");
        }
        s.push_str(n);
    }
    s
}

/// The names of the facts in `slots`, sorted (a member's fact named
/// `列表[i].字段`: `eval::members`).
pub(super) fn fact_names(ctx: &Ctx<'_>, slots: &Slots) -> Vec<String> {
    super::members::fact_names(ctx.policy, ctx.facts.entity, slots)
}

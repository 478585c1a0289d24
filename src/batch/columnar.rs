//! The columnar fast path: one measure's rules compiled into a program that runs
//! over whole columns of a chunk instead of one record at a time.
//!
//! The date and locality are fixed for a batch, so parameters are constants and
//! folded in. Every value is an `i64`: booleans 0/1, variants by index, dates as
//! days, numbers scaled by a power of ten fixed per expression at compile time
//! (money in fen, a rate times a percentage at the sum of their scales). Integer
//! arithmetic at a fixed scale is exact, so results equal the row evaluator's
//! `Decimal` results; where it cannot be exact the program refuses:
//!
//! - at compile time, a construct it does not do (division, a scale past 10^-12,
//!   a measure-level `when`,
//!   a parameter without a value on the date or unset in the locality — the
//!   row evaluator makes that `undetermined` —, more than 64 facts in one measure)
//!   leaves the whole measure to the row evaluator;
//! - at run time, anything unusual in a row (an overflow, a rule conflict, a
//!   value that did not fit its column) marks the row, and that row is evaluated
//!   by [`crate::eval::evaluate_one`] from its original text.
//!
//! Unknown facts follow the row evaluator's Kleene logic exactly; each value
//! carries a bit mask of the facts it waits for (bits ordered by fact name).
//! The facts a row waiting for facts asks are computed in one round from the
//! residual of its outcome by the row evaluator's analysis
//! (`eval::residual`, docs/language.md "Unknown facts") over these masks
//! (`needs`); where an `if` or `match` decides on a fact, a mask is not the
//! residual's, and such rows go to the row evaluator.

use chrono::Datelike;
use rust_decimal::Decimal;

mod exec;
mod needs;

use exec::{Exec, Val, BLOCK};

use super::columns::{field_scale, Columns};
use crate::eval::residual;
use crate::eval::Scenario;
use crate::ir::{BinOp, EntityDef, Expr, Func, Measure, Node, Status, Type, Value};
pub(crate) use needs::measure_fields;
use needs::{collect_fields, residual_masks, RowOf};

/// The largest scale (digits after the point) the program keeps.
const MAX_SCALE: u32 = 12;

/// What a value is, at compile time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Bool,
    /// A number scaled by `10^scale`.
    Num(u32),
    Date,
    Enum,
}

/// A node of the column program.
#[derive(Clone, Debug)]
enum C {
    Field {
        slot: usize,
        bit: u64,
    },
    Const(i64),
    Not(Box<C>),
    Neg(Box<C>),
    Logic {
        or: bool,
        a: Box<C>,
        b: Box<C>,
    },
    Cmp {
        op: BinOp,
        a: Box<C>,
        b: Box<C>,
    },
    Arith {
        op: BinOp,
        a: Box<C>,
        b: Box<C>,
    },
    /// Multiplies by `factor` (a power of ten) to reach a larger scale.
    Rescale {
        a: Box<C>,
        factor: i64,
    },
    In {
        a: Box<C>,
        set: Vec<bool>,
    },
    If {
        c: Box<C>,
        t: Box<C>,
        e: Box<C>,
    },
    Match {
        s: Box<C>,
        arms: Vec<C>,
    },
    MinMax {
        max: bool,
        args: Vec<C>,
    },
    /// `date ± n` where `n` has type `ty` (days, months or years) at scale `nscale`.
    Shift {
        date: Box<C>,
        n: Box<C>,
        nscale: u32,
        ty: Type,
        sub: bool,
    },
    /// `date − date` in days.
    DateDiff {
        a: Box<C>,
        b: Box<C>,
    },
}

/// One compiled rule.
#[derive(Clone, Debug)]
struct RuleProg {
    cond: Option<C>,
    amount: Option<C>,
    floor: Option<C>,
    cap: Option<C>,
    /// The common scale of amount, floor and cap.
    scale: u32,
    /// The rule is discretionary (`may`).
    may: bool,
}

/// A measure compiled for columns.
#[derive(Clone, Debug)]
pub(crate) struct Program {
    rules: Vec<RuleProg>,
    /// Per part, in order of first appearance: its base rules.
    parts: Vec<Vec<usize>>,
    /// Per rule: the rules that are exceptions to it.
    children: Vec<Vec<usize>>,
    /// Per needs bit: the fact's slot (bits are in the order of the facts' names).
    slots: Vec<u32>,
    /// Every part has one base rule and no rule has exceptions: a rule applies
    /// exactly when its condition holds.
    simple: bool,
    /// No `if` condition or `match` scrutinee reads a fact, so that the facts
    /// a value waits for are those of its residual (`eval::residual`): the
    /// facts asked can be computed here; otherwise rows waiting for facts go
    /// to the row evaluator.
    exact_masks: bool,
}

/// The outcome of one measure for one row, as the columnar path computes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Cell {
    pub status: Status,
    /// The total in fen, when the rules that apply give amounts.
    pub amount: Option<i64>,
    /// For `needs_facts`: the facts' bits.
    pub needs: u64,
    /// For `eligible`: a discretionary rule is among those that apply, so the
    /// outcome may be granted (as `eval::discretion` decides it for a row).
    pub may: bool,
}

struct Compiler<'a> {
    scenario: &'a Scenario<'a>,
    entity: &'a EntityDef,
    /// slot → bit
    bits: Vec<Option<u64>>,
}

impl Program {
    /// Compiles `measure` for the entity in `scenario` (its parameters are
    /// constants); `None` when some construct cannot be run exactly over columns.
    pub(crate) fn compile(
        scenario: &Scenario<'_>,
        measure: &Measure,
        entity: &EntityDef,
    ) -> Option<Program> {
        // parts with their own addressees and dates, and a measure-level
        // `when` (docs/language.md, "Measure conditions"), are left to the
        // row evaluator
        if !measure.parts.is_empty() || measure.condition.is_some() {
            return None;
        }
        let mut slots = Vec::new();
        for r in &measure.rules {
            for e in [&r.condition, &r.amount, &r.floor, &r.cap]
                .into_iter()
                .flatten()
            {
                collect_fields(e, &mut slots);
            }
        }
        slots.sort_unstable();
        slots.dedup();
        if slots.len() > 64 {
            return None;
        }
        let name = |s: &u32| entity.fields.get(*s as usize).map(|f| f.name.clone());
        slots.sort_by_key(name);
        let mut bits = vec![None; entity.fields.len()];
        for (i, s) in slots.iter().enumerate() {
            *bits.get_mut(*s as usize)? = Some(1u64 << i);
        }
        let mut c = Compiler {
            scenario,
            entity,
            bits,
        };
        let mut rules = Vec::new();
        for r in &measure.rules {
            let cond = match &r.condition {
                None => None,
                Some(e) => match c.expr(e)? {
                    (x, Kind::Bool) => Some(x),
                    _ => return None,
                },
            };
            let mut nums = Vec::new();
            for e in [&r.amount, &r.floor, &r.cap] {
                nums.push(match e {
                    None => None,
                    Some(e) => match c.expr(e)? {
                        (x, Kind::Num(s)) => Some((x, s)),
                        _ => return None,
                    },
                });
            }
            let scale = nums.iter().flatten().map(|(_, s)| *s).max().unwrap_or(0);
            let lift = |x: Option<(C, u32)>| -> Option<Option<C>> {
                match x {
                    None => Some(None),
                    Some((c, s)) => rescale(c, s, scale).map(Some),
                }
            };
            let mut it = nums.into_iter();
            let amount = lift(it.next().flatten())?;
            let floor = lift(it.next().flatten())?;
            let cap = lift(it.next().flatten())?;
            rules.push(RuleProg {
                cond,
                amount,
                floor,
                cap,
                scale,
                may: r.discretion.is_some(),
            });
        }
        let mut part_names: Vec<Option<&str>> = Vec::new();
        for r in &measure.rules {
            if !part_names.contains(&r.part.as_deref()) {
                part_names.push(r.part.as_deref());
            }
        }
        let parts: Vec<Vec<usize>> = part_names
            .iter()
            .map(|p| {
                measure
                    .rules
                    .iter()
                    .enumerate()
                    .filter(|(_, r)| r.part.as_deref() == *p && r.exception_to.is_none())
                    .map(|(i, _)| i)
                    .collect()
            })
            .collect();
        let children: Vec<Vec<usize>> = (0..measure.rules.len())
            .map(|i| {
                measure
                    .rules
                    .iter()
                    .enumerate()
                    .filter(|(_, r)| r.exception_to == Some(i as u32))
                    .map(|(j, _)| j)
                    .collect()
            })
            .collect();
        let simple = parts.iter().all(|p: &Vec<usize>| p.len() == 1)
            && children.iter().all(|c: &Vec<usize>| c.is_empty());
        let exact_masks = rules.iter().all(|r| {
            [&r.cond, &r.amount, &r.floor, &r.cap]
                .into_iter()
                .flatten()
                .all(residual_masks)
        });
        Some(Program {
            rules,
            parts,
            children,
            slots,
            simple,
            exact_masks,
        })
    }

    /// The slots of the facts the program reads.
    pub(crate) fn slots(&self) -> &[u32] {
        &self.slots
    }

    /// The slots of the facts named by the bits of `mask`, in name order.
    pub(crate) fn needs_slots(&self, mask: u64) -> impl Iterator<Item = u32> + '_ {
        self.slots
            .iter()
            .enumerate()
            .filter(move |(i, _)| mask & (1u64 << i) != 0)
            .map(|(_, s)| *s)
    }

    /// Runs the program over `cols`. Returns one cell per row; rows marked in
    /// `fallback` (which starts as the misfit rows) must be evaluated by the row
    /// evaluator instead, and their cells are meaningless.
    pub(crate) fn run(&self, cols: &Columns, fallback: &mut [bool]) -> Vec<Cell> {
        let n = cols.len;
        let mut out = Vec::with_capacity(n);
        let mut winners = Vec::with_capacity(self.parts.len());
        let mut stack = Vec::new();
        // a block of rows at a time, so that the intermediate columns stay in
        // the cache (a batch chunk is about one block)
        let mut start = 0;
        while start < n {
            let end = (start + BLOCK).min(n);
            let Some(bad) = fallback.get_mut(start..end) else {
                break;
            };
            let mut ex = Exec {
                cols,
                start,
                n: end - start,
                bad,
            };
            let rules: Vec<[Option<Val>; 4]> = self
                .rules
                .iter()
                .map(|r| {
                    [
                        r.cond.as_ref().map(|c| ex.eval(c)),
                        r.amount.as_ref().map(|c| ex.eval(c)),
                        r.floor.as_ref().map(|c| ex.eval(c)),
                        r.cap.as_ref().map(|c| ex.eval(c)),
                    ]
                })
                .collect();
            for row in 0..ex.n {
                let cell = self.decide_row(&rules, row, &mut winners, &mut stack);
                match cell {
                    Some(c) => out.push(c),
                    None => {
                        ex.mark(row);
                        out.push(Cell {
                            status: Status::Error,
                            amount: None,
                            needs: 0,
                            may: false,
                        });
                    }
                }
            }
            start = end;
        }
        out
    }

    /// The outcome of one row; `None` when the row must go to the row evaluator.
    fn decide_row(
        &self,
        vals: &[[Option<Val>; 4]],
        row: usize,
        winners: &mut Vec<usize>,
        stack: &mut Vec<Frame>,
    ) -> Option<Cell> {
        winners.clear();
        let mut missing = 0u64;
        if self.simple {
            for part in &self.parts {
                let Some(&i) = part.first() else { continue };
                match vals.get(i)? {
                    [None, ..] => winners.push(i),
                    [Some(c), ..] => match c.at(row) {
                        (_, u) if u != 0 => missing |= u,
                        (1, _) => winners.push(i),
                        _ => {}
                    },
                }
            }
        } else {
            for part in &self.parts {
                match self.combine(vals, part, row, stack)? {
                    R::Applies(i) => winners.push(i),
                    R::No => {}
                    R::Unknown(m) => missing |= m,
                }
            }
        }
        if missing != 0 {
            // the facts asked are the residual's (`eval::residual`), in one
            // round; where the masks are not the residual's, the row evaluator
            if !self.exact_masks {
                return None;
            }
            let rules = RowOf {
                prog: self,
                vals,
                row,
            };
            match residual::measure(&rules, &self.parts) {
                residual::Outcome::Needs(m) => {
                    return Some(Cell {
                        status: Status::NeedsFacts,
                        amount: None,
                        needs: m,
                        may: false,
                    })
                }
                residual::Outcome::Decided(w) => {
                    winners.clear();
                    winners.extend(w);
                    missing = 0;
                }
            }
        }
        if winners.is_empty() {
            return Some(Cell {
                status: Status::NotEligible,
                amount: None,
                needs: 0,
                may: false,
            });
        }
        let mut total: i64 = 0;
        let mut any = false;
        for &w in winners.iter() {
            let (Some(rule), Some(v)) = (self.rules.get(w), vals.get(w)) else {
                return None;
            };
            let [_, Some(amount), floor, cap] = v else {
                continue;
            };
            let (mut value, u) = amount.at(row);
            // the facts of the amount, floor and cap of every winner
            let waits = [Some(amount), floor.as_ref(), cap.as_ref()]
                .into_iter()
                .flatten()
                .fold(0, |m, v| m | v.at(row).1);
            if waits != 0 {
                if !self.exact_masks {
                    return None;
                }
                missing |= waits;
                continue;
            }
            if let Some(f) = floor {
                if let (f, 0) = f.at(row) {
                    if value < f {
                        value = f;
                    }
                }
            }
            if let Some(c) = cap {
                if let (c, 0) = c.at(row) {
                    if value > c {
                        value = c;
                    }
                }
            }
            debug_assert_eq!(u, 0);
            let f = round_fen(value, rule.scale)?;
            total = i64::try_from(crate::eval::arith::add_fen(total.into(), f.into())?).ok()?;
            any = true;
        }
        Some(if missing != 0 {
            Cell {
                status: Status::NeedsFacts,
                amount: None,
                needs: missing,
                may: false,
            }
        } else {
            Cell {
                status: Status::Eligible,
                amount: any.then_some(total),
                needs: 0,
                may: winners
                    .iter()
                    .any(|&w| self.rules.get(w).is_some_and(|r| r.may)),
            }
        })
    }

    /// The rule that applies in a part whose base rules are `bases` (`None`:
    /// a conflict, or a bad row). The exception tree is walked with an
    /// explicit stack, in the row evaluator's order, so that no chain of
    /// exceptions can exhaust the stack.
    fn combine(
        &self,
        vals: &[[Option<Val>; 4]],
        bases: &[usize],
        row: usize,
        stack: &mut Vec<Frame>,
    ) -> Option<R> {
        stack.clear();
        stack.push(Frame {
            rule: None,
            next: 0,
            applying: None,
            missing: 0,
        });
        loop {
            let top = stack.last_mut()?;
            let kids = match top.rule {
                None => bases,
                Some(i) => self.children.get(i)?,
            };
            if let Some(&j) = kids.get(top.next) {
                top.next += 1;
                if stack.len() > self.rules.len() {
                    return None;
                }
                stack.push(Frame {
                    rule: Some(j),
                    next: 0,
                    applying: None,
                    missing: 0,
                });
                continue;
            }
            let done = stack.pop()?;
            let combined = if done.missing != 0 {
                R::Unknown(done.missing)
            } else {
                done.applying.map_or(R::No, R::Applies)
            };
            let result = match (done.rule, combined) {
                (None, r) => return Some(r),
                (Some(i), R::No) => match vals.get(i)? {
                    [None, ..] => R::Applies(i),
                    [Some(c), ..] => match c.at(row) {
                        (_, u) if u != 0 => R::Unknown(u),
                        (1, _) => R::Applies(i),
                        _ => R::No,
                    },
                },
                (Some(_), r) => r,
            };
            let parent = stack.last_mut()?;
            match result {
                R::Applies(w) => {
                    if parent.applying.is_some() {
                        return None;
                    }
                    parent.applying = Some(w);
                }
                R::No => {}
                R::Unknown(m) => parent.missing |= m,
            }
        }
    }
}

/// A rule whose exceptions are being combined (`rule: None` for a part, whose
/// children are its base rules): the next child to look at, and what the
/// children looked at gave.
#[derive(Debug)]
struct Frame {
    rule: Option<usize>,
    next: usize,
    applying: Option<usize>,
    missing: u64,
}

/// Which rule of a subtree applies.
enum R {
    Applies(usize),
    No,
    Unknown(u64),
}

/// A value at `scale` rounded to the fen, by the one rule of
/// [`crate::eval::arith::fen`] (half away from zero).
fn round_fen(v: i64, scale: u32) -> Option<i64> {
    let d = Decimal::try_new(v, scale).ok()?;
    i64::try_from(crate::eval::arith::fen(d)?).ok()
}

/// Raises `x` from scale `from` to scale `to`.
fn rescale(x: C, from: u32, to: u32) -> Option<C> {
    if from == to {
        return Some(x);
    }
    Some(C::Rescale {
        a: Box::new(x),
        factor: 10i64.checked_pow(to.checked_sub(from)?)?,
    })
}

fn constant(v: &Value) -> Option<(C, Kind)> {
    Some(match v {
        Value::Bool(b) => (C::Const(i64::from(*b)), Kind::Bool),
        Value::Variant(i) => (C::Const(i64::from(*i)), Kind::Enum),
        Value::Date(d) => (C::Const(i64::from(d.num_days_from_ce())), Kind::Date),
        Value::Number(n) => {
            let n = n.normalize();
            if n.scale() > MAX_SCALE {
                return None;
            }
            (
                C::Const(i64::try_from(n.mantissa()).ok()?),
                Kind::Num(n.scale()),
            )
        }
    })
}

impl Compiler<'_> {
    fn expr(&mut self, e: &Expr) -> Option<(C, Kind)> {
        use BinOp::*;
        Some(match &e.node {
            Node::Literal { value } => constant(value)?,
            Node::Param { index, .. } => constant(self.scenario.param(*index).ok()?.0)?,
            // the date is fixed for a batch: a column of one value
            Node::ApplicationDate => constant(&Value::Date(self.scenario.date()))?,
            Node::InPeriod { arg, from, to } => in_period(self.expr(arg)?, *from, *to)?,
            Node::Definition { value, .. } => self.expr(value)?,
            Node::Aggregate { .. } | Node::Member { .. } => return None, // rows read members
            Node::Field { slot, .. } => {
                let f = self.entity.fields.get(*slot as usize)?;
                let kind = match &f.ty {
                    Type::Bool => Kind::Bool,
                    Type::Date => Kind::Date,
                    Type::Enum { .. } => Kind::Enum,
                    Type::Number { .. } => Kind::Num(field_scale(&f.ty)),
                };
                let bit = (*self.bits.get(*slot as usize)?)?;
                (
                    C::Field {
                        slot: *slot as usize,
                        bit,
                    },
                    kind,
                )
            }
            Node::Not { arg } => match self.expr(arg)? {
                (a, Kind::Bool) => (C::Not(Box::new(a)), Kind::Bool),
                _ => return None,
            },
            Node::Neg { arg } => match self.expr(arg)? {
                (a, Kind::Num(s)) => (C::Neg(Box::new(a)), Kind::Num(s)),
                _ => return None,
            },
            Node::In { arg, variants } => match self.expr(arg)? {
                (a, Kind::Enum) => {
                    let n = variants.iter().copied().max().map_or(0, |m| m as usize + 1);
                    let mut set = vec![false; n];
                    for v in variants {
                        *set.get_mut(*v as usize)? = true;
                    }
                    (
                        C::In {
                            a: Box::new(a),
                            set,
                        },
                        Kind::Bool,
                    )
                }
                _ => return None,
            },
            Node::Binary { op, lhs, rhs } => {
                let a = self.expr(lhs)?;
                let b = self.expr(rhs)?;
                match op {
                    And | Or => match (a, b) {
                        ((a, Kind::Bool), (b, Kind::Bool)) => (
                            C::Logic {
                                or: *op == Or,
                                a: Box::new(a),
                                b: Box::new(b),
                            },
                            Kind::Bool,
                        ),
                        _ => return None,
                    },
                    Eq | Ne | Lt | Le | Gt | Ge => {
                        let (a, b, k) = align(a, b)?;
                        if matches!(op, Lt | Le | Gt | Ge)
                            && !matches!(k, Kind::Num(_) | Kind::Date)
                        {
                            return None;
                        }
                        (
                            C::Cmp {
                                op: *op,
                                a: Box::new(a),
                                b: Box::new(b),
                            },
                            Kind::Bool,
                        )
                    }
                    Add | Sub => match (a, b) {
                        ((a, Kind::Num(sa)), (b, Kind::Num(sb))) => {
                            let (a, b, k) = align((a, Kind::Num(sa)), (b, Kind::Num(sb)))?;
                            (
                                C::Arith {
                                    op: *op,
                                    a: Box::new(a),
                                    b: Box::new(b),
                                },
                                k,
                            )
                        }
                        ((d, Kind::Date), (n, Kind::Num(s))) => (
                            C::Shift {
                                date: Box::new(d),
                                n: Box::new(n),
                                nscale: s,
                                ty: rhs.ty.clone(),
                                sub: *op == Sub,
                            },
                            Kind::Date,
                        ),
                        ((n, Kind::Num(s)), (d, Kind::Date)) if *op == Add => (
                            C::Shift {
                                date: Box::new(d),
                                n: Box::new(n),
                                nscale: s,
                                ty: lhs.ty.clone(),
                                sub: false,
                            },
                            Kind::Date,
                        ),
                        ((a, Kind::Date), (b, Kind::Date)) if *op == Sub => (
                            C::DateDiff {
                                a: Box::new(a),
                                b: Box::new(b),
                            },
                            Kind::Num(0),
                        ),
                        _ => return None,
                    },
                    Mul => match (a, b) {
                        ((a, Kind::Num(sa)), (b, Kind::Num(sb))) if sa + sb <= MAX_SCALE => (
                            C::Arith {
                                op: Mul,
                                a: Box::new(a),
                                b: Box::new(b),
                            },
                            Kind::Num(sa + sb),
                        ),
                        _ => return None,
                    },
                    // a quotient is rarely exact at a fixed scale: leave it to the row evaluator
                    Div => return None,
                }
            }
            Node::If {
                cond,
                then,
                otherwise,
            } => {
                let (c, Kind::Bool) = self.expr(cond)? else {
                    return None;
                };
                let (t, e, k) = align(self.expr(then)?, self.expr(otherwise)?)?;
                (
                    C::If {
                        c: Box::new(c),
                        t: Box::new(t),
                        e: Box::new(e),
                    },
                    k,
                )
            }
            Node::Match { scrutinee, arms } => {
                let (s, Kind::Enum) = self.expr(scrutinee)? else {
                    return None;
                };
                let (arms, k) = self.same_kind(arms.iter().map(|a| &a.value))?;
                (
                    C::Match {
                        s: Box::new(s),
                        arms,
                    },
                    k,
                )
            }
            Node::Call { func, args } => {
                let (args, k) = self.same_kind(args.iter())?;
                if !matches!(k, Kind::Num(_) | Kind::Date) {
                    return None;
                }
                (
                    C::MinMax {
                        max: *func == Func::Max,
                        args,
                    },
                    k,
                )
            }
        })
    }

    /// Compiles expressions of one kind, numbers raised to their largest scale.
    fn same_kind<'e>(&mut self, es: impl Iterator<Item = &'e Expr>) -> Option<(Vec<C>, Kind)> {
        let compiled: Vec<(C, Kind)> = es.map(|e| self.expr(e)).collect::<Option<_>>()?;
        let first = compiled.first()?.1;
        let kind = match first {
            Kind::Num(_) => {
                let mut top = 0;
                for (_, k) in &compiled {
                    match k {
                        Kind::Num(s) => top = top.max(*s),
                        _ => return None,
                    }
                }
                Kind::Num(top)
            }
            k => {
                if compiled.iter().any(|(_, x)| *x != k) {
                    return None;
                }
                k
            }
        };
        let out = compiled
            .into_iter()
            .map(|(c, k)| match (k, kind) {
                (Kind::Num(s), Kind::Num(t)) => rescale(c, s, t),
                _ => Some(c),
            })
            .collect::<Option<Vec<C>>>()?;
        Some((out, kind))
    }
}

/// `x in from to to` as `x >= from and x <= to`: both sides wait for the same
/// facts, so the Kleene `and` gives what the row evaluator gives.
fn in_period(x: (C, Kind), from: chrono::NaiveDate, to: chrono::NaiveDate) -> Option<(C, Kind)> {
    let (x, Kind::Date) = x else {
        return None;
    };
    let day = |d: chrono::NaiveDate| Box::new(C::Const(i64::from(d.num_days_from_ce())));
    let cmp = |op, b| C::Cmp {
        op,
        a: Box::new(x.clone()),
        b,
    };
    Some((
        C::Logic {
            or: false,
            a: Box::new(cmp(BinOp::Ge, day(from))),
            b: Box::new(cmp(BinOp::Le, day(to))),
        },
        Kind::Bool,
    ))
}

/// Brings two operands to one kind (numbers to the larger scale).
fn align(a: (C, Kind), b: (C, Kind)) -> Option<(C, C, Kind)> {
    match (a, b) {
        ((a, Kind::Num(sa)), (b, Kind::Num(sb))) => {
            let s = sa.max(sb);
            Some((rescale(a, sa, s)?, rescale(b, sb, s)?, Kind::Num(s)))
        }
        ((a, ka), (b, kb)) if ka == kb => Some((a, b, ka)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding_to_fen_is_half_away_from_zero() {
        assert_eq!(round_fen(12345, 3), Some(1235));
        assert_eq!(round_fen(12344, 3), Some(1234));
        assert_eq!(round_fen(-12345, 3), Some(-1235));
        assert_eq!(round_fen(5, 0), Some(500));
        assert_eq!(round_fen(i64::MAX, 0), None);
    }

    /// `application_date`, `x in A to B` and definitions are compiled, not
    /// left to rows.
    #[test]
    fn dates_in_expressions_are_compiled() {
        for text in [
            include_str!("../../tests/fixtures/dates.policy"),
            include_str!("../../tests/fixtures/definitions.policy"),
        ] {
            compiled(text);
        }
    }

    fn compiled(text: &str) {
        let mut map = crate::source::SourceMap::new();
        map.add("dates.policy", text.to_string());
        let policy = crate::compile(&map);
        assert!(policy.is_ok(), "the fixture checks");
        let Ok(policy) = policy else { return };
        let date = chrono::NaiveDate::from_ymd_opt(2020, 7, 1).unwrap_or_default();
        let scenario = Scenario::new(&policy, date, None);
        assert!(scenario.is_ok(), "a scenario without locality");
        let Ok(scenario) = scenario else { return };
        let entity = policy.entities.first();
        assert!(!policy.measures.is_empty());
        for m in &policy.measures {
            let compiled = entity.and_then(|e| Program::compile(&scenario, m, e));
            assert!(compiled.is_some(), "measure {} left to rows", m.number);
        }
    }
}

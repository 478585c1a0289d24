//! Running a compiled column program over a block of rows: values as
//! constants or columns with their unknown masks, Kleene logic, calendar
//! shifts. A child of [`super`], which compiles the program and decides rules.

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use super::C;
use crate::batch::columns::{Columns, Data};
use crate::ir::{BinOp, Type};

/// A value over the rows: one constant, or a column with its unknown masks
/// (0: known; otherwise the bits of the facts it waits for). Where a row is
/// unknown its value is meaningless.
#[derive(Clone, Debug)]
pub(super) enum Val {
    K(i64),
    Col(Vec<i64>, Vec<u64>),
}

impl Val {
    #[inline]
    pub(super) fn at(&self, i: usize) -> (i64, u64) {
        match self {
            Val::K(x) => (*x, 0),
            Val::Col(v, u) => (
                v.get(i).copied().unwrap_or(0),
                u.get(i).copied().unwrap_or(0),
            ),
        }
    }
}

/// Rows per block of [`Program::run`].
pub(super) const BLOCK: usize = 2048;

/// One block of rows being evaluated: rows `start..start + n` of the columns.
pub(super) struct Exec<'a> {
    pub(super) cols: &'a Columns,
    pub(super) start: usize,
    pub(super) n: usize,
    /// Rows the program cannot do exactly.
    pub(super) bad: &'a mut [bool],
}

impl Exec<'_> {
    pub(super) fn mark(&mut self, row: usize) {
        if let Some(b) = self.bad.get_mut(row) {
            *b = true;
        }
    }

    fn mark_all(&mut self) {
        self.bad.iter_mut().for_each(|b| *b = true);
    }

    /// Applies `f` row by row where the row is known; `None` from `f` marks the row.
    fn map1(&mut self, a: Val, f: impl Fn(i64) -> Option<i64>) -> Val {
        match a {
            Val::K(x) => match f(x) {
                Some(y) => Val::K(y),
                None => {
                    self.mark_all();
                    Val::K(0)
                }
            },
            Val::Col(mut v, u) => {
                for (i, (x, m)) in v.iter_mut().zip(&u).enumerate() {
                    if *m == 0 {
                        match f(*x) {
                            Some(y) => *x = y,
                            None => {
                                if let Some(b) = self.bad.get_mut(i) {
                                    *b = true;
                                }
                            }
                        }
                    }
                }
                Val::Col(v, u)
            }
        }
    }

    /// Applies `f` to pairs where both are known; the unknown masks unite.
    /// One loop per shape (column and constant, constant and column, two
    /// columns), so each is a plain pass over slices.
    fn map2(&mut self, a: &Val, b: &Val, f: impl Fn(i64, i64) -> Option<i64>) -> Val {
        let n = self.n;
        let mut v = Vec::with_capacity(n);
        let mut u = Vec::with_capacity(n);
        let bad = &mut *self.bad;
        let mut put = |i: usize, x: i64, y: i64, m: u64| {
            let z = if m == 0 {
                match f(x, y) {
                    Some(z) => z,
                    None => {
                        if let Some(b) = bad.get_mut(i) {
                            *b = true;
                        }
                        0
                    }
                }
            } else {
                0
            };
            v.push(z);
            u.push(m);
        };
        match (a, b) {
            (Val::K(x), Val::K(y)) => {
                return match f(*x, *y) {
                    Some(z) => Val::K(z),
                    None => {
                        self.mark_all();
                        Val::K(0)
                    }
                };
            }
            (Val::Col(va, ua), Val::K(y)) => {
                for (i, (x, m)) in va.iter().zip(ua).enumerate() {
                    put(i, *x, *y, *m);
                }
            }
            (Val::K(x), Val::Col(vb, ub)) => {
                for (i, (y, m)) in vb.iter().zip(ub).enumerate() {
                    put(i, *x, *y, *m);
                }
            }
            (Val::Col(va, ua), Val::Col(vb, ub)) => {
                for (i, ((x, mx), (y, my))) in va.iter().zip(ua).zip(vb.iter().zip(ub)).enumerate()
                {
                    put(i, *x, *y, mx | my);
                }
            }
        }
        Val::Col(v, u)
    }

    /// [`Exec::map2`] for an operation that can only fail by overflowing, as
    /// plain passes over slices that the compiler vectorizes: `f` gives the
    /// value and whether it overflowed, and runs on every row — the values of
    /// rows with unknown facts are never read. Only when some row overflowed
    /// does a second pass mark the rows with known facts that did.
    fn map2_plain(&mut self, a: &Val, b: &Val, f: impl Fn(i64, i64) -> (i64, bool)) -> Val {
        let mut over = false;
        let (v, u): (Vec<i64>, Vec<u64>) = match (a, b) {
            (Val::K(x), Val::K(y)) => {
                let (z, o) = f(*x, *y);
                if o {
                    self.mark_all();
                    return Val::K(0);
                }
                return Val::K(z);
            }
            (Val::Col(va, ua), Val::K(y)) => {
                let v = va
                    .iter()
                    .map(|x| {
                        let (z, o) = f(*x, *y);
                        over |= o;
                        z
                    })
                    .collect();
                (v, ua.clone())
            }
            (Val::K(x), Val::Col(vb, ub)) => {
                let v = vb
                    .iter()
                    .map(|y| {
                        let (z, o) = f(*x, *y);
                        over |= o;
                        z
                    })
                    .collect();
                (v, ub.clone())
            }
            (Val::Col(va, ua), Val::Col(vb, ub)) => {
                let v = va
                    .iter()
                    .zip(vb)
                    .map(|(x, y)| {
                        let (z, o) = f(*x, *y);
                        over |= o;
                        z
                    })
                    .collect();
                (v, ua.iter().zip(ub).map(|(p, q)| p | q).collect())
            }
        };
        if over {
            for (i, m) in u.iter().enumerate() {
                if *m == 0 && f(a.at(i).0, b.at(i).0).1 {
                    self.mark(i);
                }
            }
        }
        Val::Col(v, u)
    }

    fn field(&self, slot: usize, bit: u64) -> Val {
        let rows = self.start..self.start + self.n;
        let unknown = || Val::Col(vec![0; self.n], vec![bit; self.n]);
        let Some(col) = self.cols.cols.get(slot) else {
            return unknown();
        };
        let Some(known) = col.known.get(rows.clone()) else {
            return unknown();
        };
        let u: Vec<u64> = known.iter().map(|k| if *k { 0 } else { bit }).collect();
        let v: Option<Vec<i64>> = match &col.data {
            Data::Bool(x) => x
                .get(rows)
                .map(|x| x.iter().map(|b| i64::from(*b)).collect()),
            Data::Num(x) => x.get(rows).map(<[i64]>::to_vec),
            Data::Date(x) => x
                .get(rows)
                .map(|x| x.iter().map(|d| i64::from(*d)).collect()),
            Data::Enum(x) => x
                .get(rows)
                .map(|x| x.iter().map(|e| i64::from(*e)).collect()),
        };
        match v {
            Some(v) => Val::Col(v, u),
            None => unknown(),
        }
    }

    pub(super) fn eval(&mut self, c: &C) -> Val {
        use BinOp::*;
        match c {
            C::Const(x) => Val::K(*x),
            C::Field { slot, bit } => self.field(*slot, *bit),
            C::Not(a) => {
                let a = self.eval(a);
                self.map1(a, |x| Some(1 - x))
            }
            C::Neg(a) => {
                let a = self.eval(a);
                self.map1(a, i64::checked_neg)
            }
            C::Rescale { a, factor } => {
                let a = self.eval(a);
                let f = *factor;
                self.map1(a, |x| x.checked_mul(f))
            }
            C::In { a, set } => {
                let a = self.eval(a);
                self.map1(a, |x| {
                    let hit = usize::try_from(x)
                        .ok()
                        .and_then(|i| set.get(i))
                        .copied()
                        .unwrap_or(false);
                    Some(i64::from(hit))
                })
            }
            C::Logic { or, a, b } => {
                let a = self.eval(a);
                let b = self.eval(b);
                logic(&a, &b, *or, self.n)
            }
            C::Cmp { op, a, b } => {
                let a = self.eval(a);
                let b = self.eval(b);
                let op = *op;
                self.map2_plain(&a, &b, move |x, y| {
                    let z = match op {
                        Eq => x == y,
                        Ne => x != y,
                        Lt => x < y,
                        Le => x <= y,
                        Gt => x > y,
                        _ => x >= y,
                    };
                    (i64::from(z), false)
                })
            }
            C::Arith { op, a, b } => {
                let a = self.eval(a);
                let b = self.eval(b);
                match op {
                    Add => self.map2_plain(&a, &b, i64::overflowing_add),
                    Sub => self.map2_plain(&a, &b, i64::overflowing_sub),
                    _ => self.map2_plain(&a, &b, i64::overflowing_mul),
                }
            }
            C::DateDiff { a, b } => {
                let a = self.eval(a);
                let b = self.eval(b);
                self.map2_plain(&a, &b, i64::overflowing_sub)
            }
            C::Shift {
                date,
                n,
                nscale,
                ty,
                sub,
            } => {
                let d = self.eval(date);
                let k = self.eval(n);
                let (scale, sub) = (*nscale, *sub);
                self.map2(&d, &k, |d, k| shift(d, k, scale, ty, sub))
            }
            C::If { c, t, e } => {
                let c = self.eval(c);
                let t = self.eval(t);
                let e = self.eval(e);
                if let Val::K(x) = c {
                    return if x == 1 { t } else { e };
                }
                let mut v = Vec::with_capacity(self.n);
                let mut u = Vec::with_capacity(self.n);
                for i in 0..self.n {
                    let (cv, cu) = c.at(i);
                    let (z, m) = if cu == 0 {
                        if cv == 1 {
                            t.at(i)
                        } else {
                            e.at(i)
                        }
                    } else {
                        // both branches known and equal: the condition does not matter
                        match (t.at(i), e.at(i)) {
                            ((x, 0), (y, 0)) if x == y => (x, 0),
                            _ => (0, cu),
                        }
                    };
                    v.push(z);
                    u.push(m);
                }
                Val::Col(v, u)
            }
            C::Match { s, arms } => {
                let s = self.eval(s);
                let arms: Vec<Val> = arms.iter().map(|a| self.eval(a)).collect();
                let mut v = Vec::with_capacity(self.n);
                let mut u = Vec::with_capacity(self.n);
                for i in 0..self.n {
                    let (sv, su) = s.at(i);
                    let (z, m) = if su != 0 {
                        (0, su)
                    } else {
                        match usize::try_from(sv).ok().and_then(|k| arms.get(k)) {
                            Some(a) => a.at(i),
                            None => {
                                self.mark(i);
                                (0, 0)
                            }
                        }
                    };
                    v.push(z);
                    u.push(m);
                }
                Val::Col(v, u)
            }
            C::MinMax { max, args } => {
                let args: Vec<Val> = args.iter().map(|a| self.eval(a)).collect();
                let Some((first, rest)) = args.split_first() else {
                    self.mark_all();
                    return Val::K(0);
                };
                let mut acc = first.clone();
                for a in rest {
                    acc = minmax(&acc, a, *max, self.n);
                }
                acc
            }
        }
    }
}

/// Kleene `and` / `or`: a decisive known side decides; else both known give
/// the other value; else the unknown sides' facts.
fn logic(a: &Val, b: &Val, or: bool, n: usize) -> Val {
    let d = i64::from(or);
    let one = |x: i64, ux: u64, y: i64, uy: u64| -> (i64, u64) {
        if (ux == 0 && x == d) || (uy == 0 && y == d) {
            (d, 0)
        } else if ux == 0 && uy == 0 {
            (1 - d, 0)
        } else {
            (0, ux | uy)
        }
    };
    if let (Val::K(x), Val::K(y)) = (a, b) {
        return Val::K(one(*x, 0, *y, 0).0);
    }
    let mut v = Vec::with_capacity(n);
    let mut u = Vec::with_capacity(n);
    for i in 0..n {
        let (x, ux) = a.at(i);
        let (y, uy) = b.at(i);
        let (z, m) = one(x, ux, y, uy);
        v.push(z);
        u.push(m);
    }
    Val::Col(v, u)
}

/// `min`/`max` of two: known when both are; otherwise the unknown sides' facts.
fn minmax(a: &Val, b: &Val, max: bool, n: usize) -> Val {
    let pick = |x: i64, y: i64| if max { x.max(y) } else { x.min(y) };
    if let (Val::K(x), Val::K(y)) = (a, b) {
        return Val::K(pick(*x, *y));
    }
    let mut v = Vec::with_capacity(n);
    let mut u = Vec::with_capacity(n);
    for i in 0..n {
        let (x, ux) = a.at(i);
        let (y, uy) = b.at(i);
        let m = ux | uy;
        v.push(if m == 0 { pick(x, y) } else { 0 });
        u.push(m);
    }
    Val::Col(v, u)
}

/// `date ± k` with the row evaluator's calendar rules.
fn shift(d: i64, k: i64, scale: u32, ty: &Type, sub: bool) -> Option<i64> {
    let date = NaiveDate::from_num_days_from_ce_opt(i32::try_from(d).ok()?)?;
    let mut n = Decimal::new(k, scale);
    if sub {
        n = -n;
    }
    let r = crate::eval::shift_date(date, n, ty)?;
    Some(i64::from(r.num_days_from_ce()))
}

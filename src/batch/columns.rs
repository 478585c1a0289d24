//! Typed columns for the records of one entity in one chunk: what the columnar
//! evaluator reads.
//!
//! Numbers are kept as `i64` scaled by a fixed power of ten per field type
//! (money in fen, percentages to 0.01%, whole numbers as they are); dates as days
//! of the common era; variants by index. A value that does not fit its column
//! exactly (money with a third decimal, say) marks its row *misfit*: that row is
//! evaluated record-at-a-time from its original text, never approximated.
//! Cells are converted with the same rules as facts files ([`crate::eval`]); the
//! digits-only fast paths below accept exactly the texts those rules accept and
//! give the same values (a test checks them against each other).

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use super::chunk::NOT_UTF8;
use super::encoding::not_utf8_reason;
use crate::eval::{scalar_value, Facts, Scalar, ValueError};
use crate::ir::{EntityDef, NumKind, Policy, Type, Unit, Value};

/// The column values of one field.
#[derive(Clone, Debug)]
pub(crate) enum Data {
    Bool(Vec<bool>),
    /// Scaled by `10^scale` of the column.
    Num(Vec<i64>),
    /// Days of the common era.
    Date(Vec<i32>),
    Enum(Vec<u32>),
}

/// One field's column.
#[derive(Clone, Debug)]
pub(crate) struct Column {
    pub data: Data,
    /// For numbers: the power of ten the values are scaled by.
    pub scale: u32,
    /// Whether the fact is known, per row.
    pub known: Vec<bool>,
}

/// How a field of this type is stored: the scale for numbers (`None` for others).
pub(crate) fn field_scale(ty: &Type) -> u32 {
    match ty {
        Type::Number {
            kind: NumKind::Integer,
            ..
        } => 0,
        Type::Number {
            kind: NumKind::Percent,
            ..
        } => 4,
        Type::Number { unit, .. } if unit.exp(Unit::Yuan) == 1 => 2,
        _ => 4,
    }
}

/// How a cell is read fast, per field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fast {
    Bool,
    Num { scale: u32, percent: bool },
    Date,
    Enum,
}

/// The columns of one entity's records in a chunk. Only the fields that the
/// columnar programs read are stored; every field is still checked.
#[derive(Clone, Debug)]
pub(crate) struct Columns {
    pub len: usize,
    pub cols: Vec<Column>,
    /// Per row: a value did not fit its column; evaluate the row from its text.
    pub misfit: Vec<bool>,
    /// Per row: the index of its record in the chunk.
    pub record: Vec<u32>,
    /// Per row: its record was rejected after the row was made (CSV read by
    /// columns); its values mean nothing.
    pub dead: Vec<bool>,
    /// Per field: variant names as bytes, for enumerations.
    variants: Vec<Vec<Vec<u8>>>,
    types: Vec<Type>,
    fast: Vec<Fast>,
    /// Per field: whether it is stored.
    used: Vec<bool>,
    /// Per field: whether it is read at all (else its cells are skipped).
    checked: Vec<bool>,
}

impl Columns {
    /// Columns for about `rows` rows (they grow if more come), storing the
    /// fields marked in `used` and reading those marked in `checked`.
    pub(crate) fn new(
        policy: &Policy,
        entity: &EntityDef,
        rows: usize,
        used: &[bool],
        checked: &[bool],
    ) -> Columns {
        let stored = |i: usize| used.get(i).copied().unwrap_or(false);
        let cols = entity
            .fields
            .iter()
            .enumerate()
            .map(|(i, f)| {
                let n = if stored(i) { rows } else { 0 };
                Column {
                    data: match &f.ty {
                        Type::Bool => Data::Bool(vec![false; n]),
                        Type::Number { .. } => Data::Num(vec![0; n]),
                        Type::Date => Data::Date(vec![0; n]),
                        Type::Enum { .. } => Data::Enum(vec![0; n]),
                    },
                    scale: field_scale(&f.ty),
                    known: vec![false; n],
                }
            })
            .collect();
        let variants = entity
            .fields
            .iter()
            .map(|f| match &f.ty {
                Type::Enum { id, .. } => policy
                    .enums
                    .get(*id as usize)
                    .map(|e| e.variants.iter().map(|v| v.as_bytes().to_vec()).collect())
                    .unwrap_or_default(),
                _ => Vec::new(),
            })
            .collect();
        Columns {
            len: 0,
            cols,
            misfit: vec![false; rows],
            record: vec![0; rows],
            dead: vec![false; rows],
            variants,
            types: entity.fields.iter().map(|f| f.ty.clone()).collect(),
            fast: entity
                .fields
                .iter()
                .map(|f| match &f.ty {
                    Type::Bool => Fast::Bool,
                    Type::Date => Fast::Date,
                    Type::Enum { .. } => Fast::Enum,
                    Type::Number { .. } => Fast::Num {
                        scale: field_scale(&f.ty),
                        percent: is_percent(Some(&f.ty)),
                    },
                })
                .collect(),
            used: (0..entity.fields.len()).map(stored).collect(),
            checked: (0..entity.fields.len())
                .map(|i| checked.get(i).copied().unwrap_or(true))
                .collect(),
        }
    }

    /// Starts a row with every fact unknown.
    pub(crate) fn begin_row(&mut self, record: u32) {
        let row = self.len;
        if row >= self.record.len() {
            let n = (row + 1).max(self.record.len() * 2);
            for (c, used) in self.cols.iter_mut().zip(&self.used) {
                if !used {
                    continue;
                }
                match &mut c.data {
                    Data::Bool(v) => v.resize(n, false),
                    Data::Num(v) => v.resize(n, 0),
                    Data::Date(v) => v.resize(n, 0),
                    Data::Enum(v) => v.resize(n, 0),
                }
                c.known.resize(n, false);
            }
            self.misfit.resize(n, false);
            self.record.resize(n, 0);
            self.dead.resize(n, false);
        }
        if let Some(r) = self.record.get_mut(row) {
            *r = record;
        }
        self.len += 1;
    }

    /// Drops the row being built (its record was rejected).
    pub(crate) fn abort_row(&mut self) {
        if self.len == 0 {
            return;
        }
        self.len -= 1;
        let row = self.len;
        for c in &mut self.cols {
            if let Some(k) = c.known.get_mut(row) {
                *k = false;
            }
        }
        if let Some(m) = self.misfit.get_mut(row) {
            *m = false;
        }
    }

    /// Cuts the columns to the rows used.
    pub(crate) fn finish(&mut self) {
        let n = self.len;
        for (c, used) in self.cols.iter_mut().zip(&self.used) {
            if !used {
                continue;
            }
            match &mut c.data {
                Data::Bool(v) => v.truncate(n),
                Data::Num(v) => v.truncate(n),
                Data::Date(v) => v.truncate(n),
                Data::Enum(v) => v.truncate(n),
            }
            c.known.truncate(n);
        }
        self.misfit.truncate(n);
        self.record.truncate(n);
        self.dead.truncate(n);
    }

    /// Whether field `slot`'s values are read.
    pub(crate) fn is_checked(&self, slot: usize) -> bool {
        self.checked.get(slot).copied().unwrap_or(true)
    }

    /// Stores a value read by a fast path (`x` as the column keeps it).
    #[inline]
    fn store(&mut self, slot: usize, x: i64) {
        self.store_at(slot, self.len.wrapping_sub(1), x);
    }

    #[inline]
    fn store_at(&mut self, slot: usize, row: usize, x: i64) {
        if !self.used.get(slot).copied().unwrap_or(false) {
            return;
        }
        let Some(col) = self.cols.get_mut(slot) else {
            return;
        };
        let stored = match &mut col.data {
            Data::Bool(v) => put(v, row, x != 0),
            Data::Num(v) => put(v, row, x),
            Data::Date(v) => put(v, row, x as i32),
            Data::Enum(v) => put(v, row, x as u32),
        };
        if stored.is_some() {
            if let Some(k) = col.known.get_mut(row) {
                *k = true;
            }
        }
    }

    /// A cell's text read by the fast paths: plain digits, `N%`, ISO dates,
    /// `true`/`false`, variant names. `None`: take the general path.
    #[inline]
    fn fast_text(&self, slot: usize, t: &[u8]) -> Option<i64> {
        match self.fast.get(slot)? {
            Fast::Bool => match t {
                b"true" => Some(1),
                b"false" => Some(0),
                _ => None,
            },
            Fast::Num { scale, percent } => match t.split_last() {
                // `5.5%` is 0.055: the digits before `%` at two places less
                Some((b'%', num)) if *percent && *scale >= 2 => digits(num, scale - 2),
                // a percentage without `%` is refused by the general path
                _ if *percent => None,
                _ => digits(t, *scale),
            },
            Fast::Date => iso_date(t).map(i64::from),
            Fast::Enum => self
                .variants
                .get(slot)?
                .iter()
                .position(|x| x.as_slice() == t)
                .map(|i| i as i64),
        }
    }

    /// Sets field `slot` of the current row from a CSV cell's bytes: the fast
    /// paths, else the general conversion ([`crate::eval::cell_value`]).
    pub(crate) fn set_cell(
        &mut self,
        policy: &Policy,
        slot: usize,
        cell: &[u8],
    ) -> Result<(), ValueError> {
        if cell.is_empty() || !self.is_checked(slot) {
            return Ok(());
        }
        if let Some(x) = self.fast_text(slot, cell) {
            self.store(slot, x);
            return Ok(());
        }
        let text = std::str::from_utf8(cell)
            .map_err(|e| (NOT_UTF8, not_utf8_reason("the cell", cell, e), None))?;
        let ty = self.types.get(slot).cloned().unwrap_or(Type::Bool);
        let v = crate::eval::cell_value(policy, &ty, text)?;
        self.set_value(slot, v.as_ref());
        Ok(())
    }

    /// Reads one column of CSV cells for `rows`: `cell(i)` gives row `i`'s
    /// cell. One loop per kind of field, so the work per cell is a few
    /// predictable instructions. A cell the general rules reject is reported
    /// through `bad` with its row.
    pub(crate) fn read_column<'c>(
        &mut self,
        policy: &Policy,
        slot: usize,
        rows: std::ops::Range<usize>,
        cell: impl Fn(usize) -> &'c [u8],
        mut bad: impl FnMut(usize, &'static str, String),
    ) {
        let Some(kind) = self.fast.get(slot).copied() else {
            return;
        };
        if !self.is_checked(slot) {
            return;
        }
        let mut slow = |this: &mut Self, row: usize, t: &[u8]| {
            let r = std::str::from_utf8(t)
                .map_err(|e| (NOT_UTF8, not_utf8_reason("the cell", t, e), None))
                .and_then(|text| {
                    let ty = this.types.get(slot).cloned().unwrap_or(Type::Bool);
                    crate::eval::cell_value(policy, &ty, text)
                });
            match r {
                Ok(v) => this.set_value_at(slot, row, v.as_ref()),
                Err((code, m, _)) => bad(row, code, m),
            }
        };
        match kind {
            Fast::Bool => {
                for row in rows.clone() {
                    match cell(row) {
                        b"" => {}
                        b"true" => self.store_at(slot, row, 1),
                        b"false" => self.store_at(slot, row, 0),
                        t => slow(self, row, t),
                    }
                }
            }
            Fast::Num { scale, percent } => {
                for row in rows.clone() {
                    let t = cell(row);
                    if t.is_empty() {
                        continue;
                    }
                    let x = match t.split_last() {
                        Some((b'%', num)) if percent && scale >= 2 => digits(num, scale - 2),
                        _ if percent => None,
                        _ => digits(t, scale),
                    };
                    match x {
                        Some(x) => self.store_at(slot, row, x),
                        None => slow(self, row, t),
                    }
                }
            }
            Fast::Date => {
                for row in rows.clone() {
                    let t = cell(row);
                    if t.is_empty() {
                        continue;
                    }
                    match iso_date(t) {
                        Some(d) => self.store_at(slot, row, i64::from(d)),
                        None => slow(self, row, t),
                    }
                }
            }
            Fast::Enum => {
                let variants = self.variants.get(slot).cloned().unwrap_or_default();
                for row in rows.clone() {
                    let t = cell(row);
                    if t.is_empty() {
                        continue;
                    }
                    match variants.iter().position(|x| x.as_slice() == t) {
                        Some(i) => self.store_at(slot, row, i as i64),
                        None => slow(self, row, t),
                    }
                }
            }
        }
    }

    /// Sets field `slot` of the current row from a JSON scalar: the fast paths,
    /// else the general conversion ([`crate::eval`]'s rules for facts files).
    pub(crate) fn set(
        &mut self,
        policy: &Policy,
        slot: usize,
        sc: Scalar<'_>,
    ) -> Result<(), ValueError> {
        if !self.is_checked(slot) {
            return Ok(());
        }
        let fast = match (self.fast.get(slot), sc) {
            (_, Scalar::Null) => return Ok(()),
            (Some(Fast::Bool), Scalar::Bool(b)) => Some(i64::from(b)),
            (Some(Fast::Num { scale, .. }), Scalar::Number(t)) => digits(t.as_bytes(), *scale),
            (Some(Fast::Num { .. } | Fast::Date | Fast::Enum), Scalar::Str(t)) => {
                self.fast_text(slot, t.as_bytes())
            }
            _ => None,
        };
        if let Some(x) = fast {
            self.store(slot, x);
            return Ok(());
        }
        let ty = self.types.get(slot).cloned().unwrap_or(Type::Bool);
        let v = scalar_value(policy, &ty, sc)?;
        self.set_value(slot, v.as_ref());
        Ok(())
    }

    /// Sets field `slot` of the current row to a checked value (`None`: unknown).
    pub(crate) fn set_value(&mut self, slot: usize, v: Option<&Value>) {
        self.set_value_at(slot, self.len.wrapping_sub(1), v);
    }

    fn set_value_at(&mut self, slot: usize, row: usize, v: Option<&Value>) {
        if !self.used.get(slot).copied().unwrap_or(false) {
            return;
        }
        let Some(col) = self.cols.get_mut(slot) else {
            return;
        };
        let stored = match (v, &mut col.data) {
            (None, _) => Some(false),
            (Some(Value::Bool(b)), Data::Bool(c)) => put(c, row, *b),
            (Some(Value::Number(n)), Data::Num(c)) => {
                to_fixed(*n, col.scale).and_then(|x| put(c, row, x))
            }
            (Some(Value::Date(d)), Data::Date(c)) => put(c, row, d.num_days_from_ce()),
            (Some(Value::Variant(i)), Data::Enum(c)) => put(c, row, *i),
            _ => None,
        };
        match stored {
            Some(known) => {
                if let Some(k) = col.known.get_mut(row) {
                    *k = known;
                }
            }
            None => {
                if let Some(m) = self.misfit.get_mut(row) {
                    *m = true;
                }
            }
        }
    }
}

impl Columns {
    /// The facts of row `row`, rebuilt from the columns: `None` unless every
    /// field is stored and the row's values all fit (not misfit). Numbers come
    /// back with the fewest decimals that hold them.
    pub(crate) fn row_facts(&self, entity: u32, row: usize) -> Option<Facts> {
        if row >= self.len || self.misfit.get(row).copied().unwrap_or(true) {
            return None;
        }
        let mut values = Vec::with_capacity(self.cols.len());
        for (col, used) in self.cols.iter().zip(&self.used) {
            if !used {
                return None;
            }
            if !col.known.get(row).copied()? {
                values.push(None);
                continue;
            }
            let v = match &col.data {
                Data::Bool(c) => Value::Bool(*c.get(row)?),
                Data::Num(c) => Value::Number(Decimal::new(*c.get(row)?, col.scale).normalize()),
                Data::Date(c) => Value::Date(NaiveDate::from_num_days_from_ce_opt(*c.get(row)?)?),
                Data::Enum(c) => Value::Variant(*c.get(row)?),
            };
            values.push(Some(v));
        }
        let lists = Vec::new(); // members are read by `batch::members`
        Some(Facts {
            entity,
            values,
            lists,
        })
    }
}

fn is_percent(ty: Option<&Type>) -> bool {
    matches!(
        ty,
        Some(Type::Number {
            kind: NumKind::Percent,
            ..
        })
    )
}

/// Writes `x` at `row`; `Some(true)` (known) when the row exists.
fn put<T>(v: &mut [T], row: usize, x: T) -> Option<bool> {
    let slot = v.get_mut(row)?;
    *slot = x;
    Some(true)
}

/// `d` scaled by `10^scale`, if that is exact and fits.
pub(crate) fn to_fixed(d: Decimal, scale: u32) -> Option<i64> {
    let mut x = d.normalize();
    if x.scale() > scale {
        return None;
    }
    x.rescale(scale);
    if x.scale() != scale {
        return None;
    }
    i64::try_from(x.mantissa()).ok()
}

/// Plain non-negative decimal digits (`123`, `4.50`) scaled by `10^scale`:
/// at most 15 digits before the point and `scale` after it; `None` for anything
/// else (which then takes the general path). A fast path for a subset of
/// [`crate::literal::decimal`]: what it reads, the general path reads alike
/// (`tests/one_literal.rs` runs both).
pub(crate) fn digits(t: &[u8], scale: u32) -> Option<i64> {
    let mut n: i64 = 0;
    let mut int = 0usize;
    let mut frac: Option<u32> = None;
    for &b in t {
        match (b, frac.as_mut()) {
            (b'0'..=b'9', None) => {
                int += 1;
                n = n.checked_mul(10)?.checked_add(i64::from(b - b'0'))?;
                if int > 15 {
                    return None;
                }
            }
            (b'0'..=b'9', Some(f)) => {
                *f += 1;
                if *f > scale {
                    return None;
                }
                n = n.checked_mul(10)?.checked_add(i64::from(b - b'0'))?;
            }
            (b'.', None) if int > 0 => frac = Some(0),
            _ => return None,
        }
    }
    let used = match frac {
        None if int > 0 => 0,
        Some(f) if f > 0 => f,
        _ => return None,
    };
    n.checked_mul(10i64.checked_pow(scale - used)?)
}

/// A date literal ([`crate::literal::date`]), as days of the common era.
fn iso_date(t: &[u8]) -> Option<i32> {
    let s = std::str::from_utf8(t).ok()?;
    crate::literal::date(s).ok().map(|d| d.num_days_from_ce())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_scale_exactly() {
        assert_eq!(digits(b"12", 0), Some(12));
        assert_eq!(digits(b"12.5", 2), Some(1250));
        assert_eq!(digits(b"12.5", 0), None);
        assert_eq!(digits(b"0.055", 4), Some(550));
        assert_eq!(digits(b"-1", 2), None);
        assert_eq!(digits(b"1e3", 2), None);
        assert_eq!(digits(b"", 2), None);
        assert_eq!(digits(b"12.", 2), None);
        assert_eq!(digits(b"999999999999999", 2), Some(99_999_999_999_999_900));
        assert_eq!(digits(b"1000000000000000", 0), None);
    }

    #[test]
    fn to_fixed_refuses_what_does_not_fit() {
        assert_eq!(to_fixed(Decimal::new(12345, 3), 2), None);
        assert_eq!(to_fixed(Decimal::new(12340, 3), 2), Some(1234));
        assert_eq!(to_fixed(Decimal::MAX, 0), None);
    }

    #[test]
    fn iso_dates() {
        assert!(iso_date(b"2020-02-29").is_some());
        assert_eq!(iso_date(b"2021-02-29"), None);
        assert_eq!(iso_date(b"2020-2-29"), None);
    }
}

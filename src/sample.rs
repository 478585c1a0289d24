//! Random but valid fact records for an entity (`policyc sample`), for demos,
//! load tests and fuzzing.
//!
//! Each field is drawn from its declared type: booleans, enumeration variants,
//! whole numbers, money (to the fen), percentages (to 0.1%) and dates. Ranges
//! follow the unit (a count of 人 stays small, a count of 月 stays under a few
//! years) and are widened to cover every threshold the policy compares the
//! field with; one draw in eight lands on a threshold or next to it, so the
//! boundaries of the rules are exercised (for dates: the ends of the periods
//! they are tested against, and the event dates whose boundary falls on a day
//! the measure starts, ends or closes when compared with `application_date`).
//! A fact is left out with the chosen
//! probability (unknown facts are part of the language).
//!
//! Record `i` of seed `s` depends on `s` and `i` only (a splitmix64 stream per
//! record), so any slice of a population can be regenerated without the rest.

mod members;
pub use members::write_members_csv;

use std::io::Write;

use chrono::NaiveDate;
use miette::Diagnostic;
use rust_decimal::Decimal;
use thiserror::Error;

use crate::eval::{Facts, MAX_MAGNITUDE};
use crate::ir::{BinOp, Expr, Node, NumKind, ParamValue, Policy, Type, Unit, Value};

/// What `sample` can fail with.
#[derive(Debug, Error, Diagnostic, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SampleError {
    /// The entity named does not exist.
    #[error("unknown entity `{name}`")]
    #[diagnostic(code(policy::sample::unknown_entity))]
    UnknownEntity {
        /// The name given.
        name: String,
        /// The entities there are.
        #[help]
        help: Option<String>,
    },
    /// The probability of a missing fact is not between 0 and 1.
    #[error("the missing-fact rate {rate} is not between 0 and 1")]
    #[diagnostic(
        code(policy::sample::bad_rate),
        help("give a probability such as 0.05 (5% of facts left out), or 0 for complete records")
    )]
    BadRate {
        /// The rate given.
        rate: String,
    },
    /// Writing the records failed.
    #[error("cannot write the records: {message}")]
    #[diagnostic(code(policy::sample::io))]
    Io {
        /// The system's message.
        message: String,
    },
}

/// How records are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SampleFormat {
    /// One facts object per line: `{"entity": …, "id": …, "facts": {…}}`.
    Jsonl,
    /// A header of field names (after `id`), one record per line, empty cells unknown.
    Csv,
}

/// A small, fast, well-mixed PRNG (splitmix64). Not for cryptography.
#[derive(Clone, Debug)]
pub struct SplitMix64(u64);

const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;

fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl SplitMix64 {
    /// A generator seeded with `seed`.
    pub fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(GOLDEN);
        mix64(self.0)
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// A number in `lo..=hi`.
    pub fn between(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        let span = hi.abs_diff(lo).saturating_add(1);
        lo.saturating_add_unsigned(self.below(span))
    }

    /// True with probability `p_per_2_64 / 2^64`.
    fn chance(&mut self, p_per_2_64: u64) -> bool {
        self.next_u64() < p_per_2_64
    }
}

/// How one field is drawn.
#[derive(Clone, Debug)]
enum Gen {
    Bool,
    Variant(u32),
    /// A scaled integer in `lo..=hi` (value = n / 10^scale), with boundary values.
    Number {
        lo: i64,
        hi: i64,
        scale: u32,
        specials: Vec<i64>,
        /// Money: most amounts are whole 元.
        whole_mostly: bool,
    },
    /// Days from the common era, with boundary values.
    Date {
        lo: i32,
        hi: i32,
        specials: Vec<i32>,
    },
}

/// Draws records of one entity.
#[derive(Clone, Debug)]
pub struct Sampler<'p> {
    policy: &'p Policy,
    entity: u32,
    seed: u64,
    missing: u64,
    gens: Vec<Gen>,
    /// Field names escaped for JSON (with quotes) and for CSV.
    json_names: Vec<String>,
    csv_names: Vec<String>,
    json_entity: String,
    entity_name: String,
    /// The entity's lists of member records (`sample::members`).
    lists: Vec<members::ListGen>,
}

impl<'p> Sampler<'p> {
    /// A sampler for the entity named `entity`; `missing` is the probability
    /// that a fact is left out (0 gives complete records).
    pub fn new(
        policy: &'p Policy,
        entity: &str,
        seed: u64,
        missing: f64,
    ) -> Result<Sampler<'p>, SampleError> {
        let Some((ei, def)) = policy.entity(entity) else {
            let names: Vec<&str> = policy.entities.iter().map(|e| e.name.as_str()).collect();
            return Err(SampleError::UnknownEntity {
                name: entity.to_string(),
                help: Some(crate::suggest::or_list(
                    entity,
                    &names,
                    "entities",
                    "the policy declares no entity",
                )),
            });
        };
        if !(0.0..=1.0).contains(&missing) {
            return Err(SampleError::BadRate {
                rate: missing.to_string(),
            });
        }
        let thresholds = thresholds(policy, ei, def.fields.len());
        let gens = def
            .fields
            .iter()
            .zip(thresholds)
            .map(|(f, t)| generator(policy, &f.ty, &t))
            .collect();
        // 2^64 · missing, computed without floats losing the endpoints
        let missing = if missing >= 1.0 {
            u64::MAX
        } else {
            (missing * 18_446_744_073_709_551_616.0) as u64
        };
        Ok(Sampler {
            policy,
            entity: ei,
            seed,
            missing,
            gens,
            json_names: def.fields.iter().map(|f| json_string(&f.name)).collect(),
            csv_names: def.fields.iter().map(|f| csv_cell(&f.name)).collect(),
            json_entity: json_string(&def.name),
            entity_name: def.name.clone(),
            lists: members::list_gens(policy, ei),
        })
    }

    /// The entity's index in the policy.
    pub fn entity(&self) -> u32 {
        self.entity
    }

    /// The id of record `index`: `企业-0000001` for index 0.
    pub fn id(&self, index: u64) -> String {
        format!("{}-{:07}", self.entity_name, index.saturating_add(1))
    }

    /// Record `index` (0-based) of this seed.
    pub fn record(&self, index: u64) -> Facts {
        let mut rng = SplitMix64::new(mix64(self.seed ^ mix64(index.wrapping_add(1))));
        let values = self
            .gens
            .iter()
            .map(|g| {
                // always draw both, so one field's absence does not shift the others
                let absent = rng.chance(self.missing);
                let v = draw(g, &mut rng);
                if absent {
                    None
                } else {
                    v
                }
            })
            .collect::<Vec<_>>();
        let lists = members::draw_lists(
            &self.lists,
            self.policy,
            self.entity,
            self.missing,
            &mut rng,
        );
        Facts {
            entity: self.entity,
            values,
            lists,
        }
    }

    /// The CSV header: `id` and the field names.
    pub fn csv_header(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(b"id");
        for n in &self.csv_names {
            out.push(b',');
            out.extend_from_slice(n.as_bytes());
        }
        out.push(b'\n');
    }

    /// Appends record `index` in `format`, with its newline.
    pub fn write_record(&self, index: u64, format: SampleFormat, out: &mut Vec<u8>) {
        let facts = self.record(index);
        let id = self.id(index);
        let fields = self
            .policy
            .entities
            .get(self.entity as usize)
            .map(|e| e.fields.as_slice())
            .unwrap_or(&[]);
        match format {
            SampleFormat::Csv => {
                out.extend_from_slice(csv_cell(&id).as_bytes());
                for (f, v) in fields.iter().zip(&facts.values) {
                    out.push(b',');
                    if let Some(v) = v {
                        let t = value_text(self.policy, &f.ty, v);
                        out.extend_from_slice(csv_cell(&t).as_bytes());
                    }
                }
            }
            SampleFormat::Jsonl => {
                out.extend_from_slice(b"{\"entity\":");
                out.extend_from_slice(self.json_entity.as_bytes());
                out.extend_from_slice(b",\"id\":");
                out.extend_from_slice(json_string(&id).as_bytes());
                out.extend_from_slice(b",\"facts\":{");
                let mut first = true;
                for ((f, v), name) in fields.iter().zip(&facts.values).zip(&self.json_names) {
                    let Some(v) = v else { continue };
                    if !first {
                        out.push(b',');
                    }
                    first = false;
                    out.extend_from_slice(name.as_bytes());
                    out.push(b':');
                    members::json_value(self.policy, &f.ty, v, out);
                }
                members::write_json(&self.lists, self.policy, &facts, &mut first, out);
                out.extend_from_slice(b"}}");
            }
        }
        out.push(b'\n');
    }
}

/// Writes `count` records of the entity to `out`; returns the number written.
/// Blocks of records are drawn on all cores and written in order (record `i`
/// depends only on the seed and `i`, so the output is the same however many
/// threads draw it).
pub fn write_sample(
    sampler: &Sampler<'_>,
    count: u64,
    format: SampleFormat,
    out: &mut dyn Write,
) -> Result<u64, SampleError> {
    const BLOCK: u64 = 16 * 1024;
    let io = |e: std::io::Error| SampleError::Io {
        message: e.to_string(),
    };
    let mut head = Vec::new();
    if format == SampleFormat::Csv {
        sampler.csv_header(&mut head);
    }
    out.write_all(&head).map_err(io)?;
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()) as u64;
    let mut start = 0u64;
    while start < count {
        // one round: a block per thread, written in order
        let blocks: Vec<(u64, u64)> = (0..threads)
            .map(|t| {
                let a = start.saturating_add(t.saturating_mul(BLOCK)).min(count);
                (a, a.saturating_add(BLOCK).min(count))
            })
            .filter(|(a, b)| a < b)
            .collect();
        let bufs: Vec<Option<Vec<u8>>> = std::thread::scope(|s| {
            let handles: Vec<_> = blocks
                .iter()
                .map(|&(a, b)| {
                    s.spawn(move || {
                        let mut buf = Vec::with_capacity(((b - a) * 256) as usize);
                        for i in a..b {
                            sampler.write_record(i, format, &mut buf);
                        }
                        buf
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().ok()).collect()
        });
        for b in &bufs {
            let b = b.as_ref().ok_or_else(|| SampleError::Io {
                message: "a sampling thread stopped unexpectedly".into(),
            })?;
            out.write_all(b).map_err(io)?;
        }
        start = blocks.last().map_or(count, |(_, b)| *b);
    }
    out.flush().map_err(io)?;
    Ok(count)
}

/// A value as a facts file writes it in a string (and a CSV cell as is).
fn value_text(policy: &Policy, ty: &Type, v: &Value) -> String {
    match v {
        Value::Bool(b) => b.to_string(),
        Value::Date(d) => d.to_string(),
        Value::Variant(i) => match ty {
            Type::Enum { id, .. } => policy
                .enums
                .get(*id as usize)
                .and_then(|e| e.variants.get(*i as usize))
                .cloned()
                .unwrap_or_default(),
            _ => String::new(),
        },
        Value::Number(n) => match ty {
            Type::Number {
                kind: NumKind::Percent,
                ..
            } => {
                let pct = n.checked_mul(Decimal::ONE_HUNDRED).unwrap_or(*n);
                format!("{}%", pct.normalize())
            }
            _ => n.normalize().to_string(),
        },
    }
}

fn json_string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| format!("\"{s}\""))
}

/// A CSV cell, quoted when it holds a comma, a quote or a line break.
pub(crate) fn csv_cell(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn draw(g: &Gen, rng: &mut SplitMix64) -> Option<Value> {
    Some(match g {
        Gen::Bool => Value::Bool(rng.next_u64() & 1 == 1),
        Gen::Variant(n) => Value::Variant(rng.below(u64::from(*n)) as u32),
        Gen::Number {
            lo,
            hi,
            scale,
            specials,
            whole_mostly,
        } => {
            let n = if !specials.is_empty() && rng.below(8) == 0 {
                specials
                    .get(rng.below(specials.len() as u64) as usize)
                    .copied()
                    .unwrap_or(*lo)
            } else {
                let mut n = rng.between(*lo, *hi);
                if *whole_mostly && rng.below(5) != 0 {
                    n -= n % 100;
                }
                n
            };
            Value::Number(Decimal::new(n, *scale))
        }
        Gen::Date { lo, hi, specials } => {
            let d = if !specials.is_empty() && rng.below(8) == 0 {
                specials
                    .get(rng.below(specials.len() as u64) as usize)
                    .copied()
                    .unwrap_or(*lo)
            } else {
                rng.between(i64::from(*lo), i64::from(*hi)) as i32
            };
            Value::Date(NaiveDate::from_num_days_from_ce_opt(d)?)
        }
    })
}

fn days(y: i32, m: u32, d: u32) -> i32 {
    NaiveDate::from_ymd_opt(y, m, d).map_or(0, |x| chrono::Datelike::num_days_from_ce(&x))
}

/// How one field of type `ty` is drawn, given the values the policy compares it with.
fn generator(policy: &Policy, ty: &Type, thresholds: &[Value]) -> Gen {
    match ty {
        Type::Bool => Gen::Bool,
        Type::Enum { id, .. } => Gen::Variant(
            policy
                .enums
                .get(*id as usize)
                .map_or(1, |e| e.variants.len().max(1) as u32),
        ),
        Type::Date => {
            let mut lo = days(2019, 1, 1);
            let mut hi = days(2022, 12, 31);
            let mut specials = Vec::new();
            for t in thresholds {
                if let Value::Date(d) = t {
                    let x = chrono::Datelike::num_days_from_ce(d);
                    lo = lo.min(x - 365);
                    hi = hi.max(x + 365);
                    specials.extend([x - 1, x, x + 1]);
                }
            }
            specials.sort_unstable();
            specials.dedup();
            Gen::Date { lo, hi, specials }
        }
        Type::Number { kind, unit } => {
            let money = unit.exp(Unit::Yuan) == 1;
            let (scale, default_hi): (u32, i64) = match kind {
                NumKind::Integer => (
                    0,
                    if unit.exp(Unit::Person) == 1 {
                        50
                    } else if unit.exp(Unit::Month) == 1 {
                        36
                    } else if unit.exp(Unit::Year) == 1 {
                        10
                    } else if unit.exp(Unit::Day) == 1 {
                        120
                    } else {
                        100
                    },
                ),
                // 0.1% steps up to 30%
                NumKind::Percent => (3, 300),
                NumKind::Decimal if money && *unit == crate::ir::Dim::MONEY => (2, 20_000_000),
                NumKind::Decimal if money => (2, 2_000_000),
                NumKind::Decimal => (2, 100_000),
            };
            let step = 10i64.pow(scale);
            let mut hi = default_hi;
            let mut specials = Vec::new();
            for t in thresholds {
                let Value::Number(n) = t else { continue };
                // the threshold on this field's grid, if it lies on it
                let Some(x) = n
                    .checked_mul(Decimal::from(step))
                    .filter(|x| x.fract().is_zero())
                    .and_then(|x| i64::try_from(x).ok())
                else {
                    continue;
                };
                if !(0..MAX_MAGNITUDE).contains(&x) {
                    continue;
                }
                hi = hi.max(x.saturating_mul(2));
                let one = if *kind == NumKind::Integer { 1 } else { step };
                specials.extend([x - one, x, x + one].into_iter().filter(|v| *v >= 0));
            }
            specials.sort_unstable();
            specials.dedup();
            Gen::Number {
                lo: 0,
                hi: hi.min(MAX_MAGNITUDE - 1),
                scale,
                specials,
                whole_mostly: money,
            }
        }
    }
}

/// For each field of entity `entity`, the constant values the policy compares it with.
fn thresholds(policy: &Policy, entity: u32, nfields: usize) -> Vec<Vec<Value>> {
    let mut out = vec![Vec::new(); nfields];
    for m in policy.measures.iter().filter(|m| m.addresses(entity)) {
        // the days an evaluation is likely to be dated: `application_date`
        // compared with an event date is probed at these
        let issued = policy.document.as_ref().and_then(|d| d.issued);
        let anchors: Vec<NaiveDate> = [
            m.effective.from.or(issued),
            m.effective.to,
            m.applications_until,
        ]
        .into_iter()
        .flatten()
        .collect();
        let anchors = anchors.as_slice();
        // a measure-level `when` reads the measure's addressee (check refuses
        // it beside a part addressed to another entity)
        if let (Some(c), true) = (&m.condition, m.addressee == Some(entity)) {
            walk(policy, anchors, c, &mut out);
        }
        // each part addressed to the entity, read in its first addressee's
        // slots and placed in the entity's (the parts' entities are sampled too)
        for part in m.part_names() {
            if !m.part_addressees(part).contains(&entity) {
                continue;
            }
            let map = m.part_slot_map(part, entity);
            let width = map.map_or(nfields, <[Option<u32>]>::len);
            let mut local = vec![Vec::new(); width];
            for r in m.rules.iter().filter(|r| r.part.as_deref() == part) {
                for e in [&r.condition, &r.amount, &r.floor, &r.cap]
                    .into_iter()
                    .flatten()
                {
                    walk(policy, anchors, e, &mut local);
                }
                // a requested date or duration is drawn about its floor and cap
                if let Some(Node::Field { slot, .. }) = r.value.as_ref().map(|v| &v.expr.node) {
                    if let Some(list) = local.get_mut(*slot as usize) {
                        for b in [&r.floor, &r.cap].into_iter().flatten() {
                            list.extend(constant_values(policy, b));
                        }
                    }
                }
            }
            for (i, values) in local.into_iter().enumerate() {
                let slot = match map {
                    None => Some(i as u32),
                    Some(map) => map.get(i).copied().flatten(),
                };
                if let Some(list) = slot.and_then(|s| out.get_mut(s as usize)) {
                    list.extend(values);
                }
            }
        }
    }
    out
}

fn walk(policy: &Policy, anchors: &[NaiveDate], e: &Expr, out: &mut [Vec<Value>]) {
    use BinOp::*;
    match &e.node {
        Node::Binary { op, lhs, rhs } => {
            if matches!(op, Lt | Le | Gt | Ge | Eq | Ne) {
                for (a, b) in [(lhs, rhs), (rhs, lhs)] {
                    if matches!(a.node, Node::ApplicationDate) {
                        event_dates(anchors, b, out);
                    }
                    // a member's field, when walking an aggregate's value or `where`
                    if let Node::Field { slot, .. } | Node::Member { slot, .. } = &a.node {
                        if let Some(list) = out.get_mut(*slot as usize) {
                            list.extend(constant_values(policy, b));
                        }
                    }
                }
            }
            walk(policy, anchors, lhs, out);
            walk(policy, anchors, rhs, out);
        }
        Node::InPeriod { arg, from, to } => {
            // the first and last days, and the days either side of them
            if let Node::Field { slot, .. } = &arg.node {
                if let Some(list) = out.get_mut(*slot as usize) {
                    list.extend([Value::Date(*from), Value::Date(*to)]);
                }
            }
            walk(policy, anchors, arg, out);
        }
        Node::Not { arg }
        | Node::Neg { arg }
        | Node::In { arg, .. }
        | Node::Definition { value: arg, .. } => walk(policy, anchors, arg, out),
        Node::If {
            cond,
            then,
            otherwise,
        } => {
            walk(policy, anchors, cond, out);
            walk(policy, anchors, then, out);
            walk(policy, anchors, otherwise, out);
        }
        Node::Match { scrutinee, arms } => {
            walk(policy, anchors, scrutinee, out);
            for a in arms {
                walk(policy, anchors, &a.value, out);
            }
        }
        Node::Call { args, .. } => {
            for a in args {
                walk(policy, anchors, a, out);
            }
        }
        Node::Aggregate { .. } => {}
        Node::Literal { .. }
        | Node::Field { .. }
        | Node::Member { .. }
        | Node::Param { .. }
        | Node::ApplicationDate => {}
    }
}

/// `application_date <= 事件日期 + 2 年`: the event dates that put the boundary
/// on each anchor day (the anchor moved back by the duration).
fn event_dates(anchors: &[NaiveDate], e: &Expr, out: &mut [Vec<Value>]) {
    let (slot, n, ty) = match &e.node {
        Node::Field { slot, .. } => (*slot, Decimal::ZERO, None),
        Node::Binary {
            op: op @ (BinOp::Add | BinOp::Sub),
            lhs,
            rhs,
        } => match (&lhs.node, &rhs.node) {
            (
                Node::Field { slot, .. },
                Node::Literal {
                    value: Value::Number(n),
                },
            ) => {
                let n = if *op == BinOp::Add { *n } else { -*n };
                (*slot, n, Some(&rhs.ty))
            }
            _ => return,
        },
        _ => return,
    };
    let Some(list) = out.get_mut(slot as usize) else {
        return;
    };
    for a in anchors {
        let d = match ty {
            None => Some(*a),
            Some(ty) => crate::eval::shift_date(*a, -n, ty),
        };
        list.extend(d.map(Value::Date));
    }
}

/// Every value a constant expression can take (a parameter: all its versions and locality values).
fn constant_values(policy: &Policy, e: &Expr) -> Vec<Value> {
    match &e.node {
        Node::Literal { value } => vec![value.clone()],
        Node::Param { index, .. } => {
            let Some(p) = policy.parameters.get(*index as usize) else {
                return Vec::new();
            };
            let mut v: Vec<Value> = match &p.value {
                ParamValue::Constant { value } => vec![value.clone()],
                ParamValue::Versioned { versions } => {
                    versions.iter().map(|x| x.value.clone()).collect()
                }
                ParamValue::Locality {
                    default,
                    floor,
                    cap,
                } => [default, floor, cap]
                    .into_iter()
                    .flatten()
                    .cloned()
                    .collect(),
            };
            for l in &policy.localities {
                v.extend(
                    l.values
                        .iter()
                        .filter(|x| x.param == *index)
                        .map(|x| x.value.clone()),
                );
            }
            v
        }
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitmix_is_deterministic_and_spread() {
        let mut a = SplitMix64::new(7);
        let mut b = SplitMix64::new(7);
        let xs: Vec<u64> = (0..5).map(|_| a.next_u64()).collect();
        let ys: Vec<u64> = (0..5).map(|_| b.next_u64()).collect();
        assert_eq!(xs, ys);
        let mut c = SplitMix64::new(1);
        let mut seen = [0u32; 10];
        for _ in 0..10_000 {
            if let Some(x) = seen.get_mut(c.below(10) as usize) {
                *x += 1;
            }
        }
        assert!(seen.iter().all(|n| (800..1200).contains(n)), "{seen:?}");
        assert_eq!(c.between(3, 3), 3);
    }

    #[test]
    fn csv_cells_are_quoted_when_needed() {
        assert_eq!(csv_cell("小型"), "小型");
        assert_eq!(csv_cell("a,b"), "\"a,b\"");
        assert_eq!(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
    }
}

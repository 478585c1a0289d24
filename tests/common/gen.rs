//! A generator of random *valid* policies and of facts that probe them, for
//! the differential oracle (`tests/oracle.rs`) and the `differential` fuzz
//! target (`fuzz/fuzz_targets/differential.rs`, which includes this file).
//!
//! It depends on `std` and `chrono` only. Every decision is drawn from a
//! [`Rng`]: bytes first (a fuzz input), then a deterministic generator seeded
//! from a number, so a case is reproduced by its seed (or its bytes).
//!
//! What a policy uses: a document header (its `issued` date is the start of
//! measures without `effective`), departments, enumerations, an entity with a
//! field of every type (bool, money, percent, `integer<人>`, `integer<月>`,
//! `integer<天>`, `money/月`, `money/人/月`, date, decimal, integer,
//! enumerations) and a second entity, constant, dated and delegated parameters
//! (default, floor, cap, `choice`), sections, localities, and measures with
//! every clause: effective periods of every form, deadlines, named
//! definitions (`let`, using one another), measure-level `when` conditions,
//! departments, text
//! blocks, parts (declared with their own addressees — `to 个人`, `to 单位 or
//! 个人`, `to 个人 or 单位`, read through slot maps when the second entity shares
//! the first one's facts — and their own periods and deadlines within the
//! measure's), base rules (alternatives, so conflicts happen), exceptions
//! several deep, `when`/`amount`/`floor`/`cap`/`gives`, and expressions with
//! every operator, `min`/`max` with two or three arguments, `if`, `match`/`by`
//! (on enumerations and on delegated choices), `in` sets, qualified variants,
//! date arithmetic in 天/个月/年 and differences of dates, `application_date`
//! and dates within periods (`x in A to B`), units (rates times
//! counts), percentages, and examples.
//!
//! Facts: unknown (missing or `null`), every comparison constant of the policy
//! exactly and one smallest step either side, zeros written `0`, `0.00` and
//! `"0.00 元"`, trailing zeros, money to the fen, magnitudes just below and at
//! 10^15, negative values where the type allows them, strings with units, `万`,
//! percentages as `"5.5%"` and as fractions, dates on, before and after every
//! date of the policy, and (rarely) an invalid value that rejects the record.

#![allow(dead_code, reason = "shared by several test crates")]

use std::fmt::Write as _;

use chrono::{Datelike, Days, NaiveDate};

// ---------------------------------------------------------------------------
// Decisions

/// The source of every decision.
pub struct Rng {
    tape: Vec<u8>,
    pos: usize,
    state: u64,
}

impl Rng {
    /// Decisions from a seed alone.
    pub fn new(seed: u64) -> Rng {
        Rng {
            tape: Vec::new(),
            pos: 0,
            state: seed,
        }
    }

    /// Decisions from bytes (two per decision) while they last, then from a
    /// generator seeded by them.
    pub fn from_bytes(data: &[u8]) -> Rng {
        let mut seed = 0xcbf2_9ce4_8422_2325u64;
        for b in data {
            seed = (seed ^ u64::from(*b)).wrapping_mul(0x100_0000_01b3);
        }
        Rng {
            tape: data.to_vec(),
            pos: 0,
            state: seed,
        }
    }

    fn next_u64(&mut self) -> u64 {
        if self.pos + 1 < self.tape.len() {
            let a = self.tape.get(self.pos).copied().unwrap_or(0);
            let b = self.tape.get(self.pos + 1).copied().unwrap_or(0);
            self.pos += 2;
            return u64::from(u16::from_le_bytes([a, b]));
        }
        // splitmix64
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            return 0;
        }
        (self.next_u64() % n as u64) as usize
    }

    /// True once in `n`.
    pub fn one_in(&mut self, n: usize) -> bool {
        self.below(n) == 0
    }

    /// One of `xs` (which must not be empty).
    pub fn pick<T: Clone>(&mut self, xs: &[T]) -> T {
        let i = self.below(xs.len());
        xs[i].clone()
    }

    /// A number in `lo..=hi`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1) as usize) as i64
    }
}

// ---------------------------------------------------------------------------
// Types and literals

/// The types the generator writes.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Ty {
    Bool,
    /// 元
    Money,
    Percent,
    /// `integer<人>`
    Persons,
    /// `integer<月>`
    Months,
    /// `integer<天>`
    Days,
    /// `money/月`
    MoneyPerMonth,
    /// `money/人/月`
    Rate,
    Date,
    Decimal,
    Integer,
    /// an enumeration, by index
    Enum(usize),
}

/// Numeric types, whose values are held as hundredths (fen, 0.01%, …).
const NUMERIC: [Ty; 9] = [
    Ty::Money,
    Ty::Percent,
    Ty::Persons,
    Ty::Months,
    Ty::Days,
    Ty::MoneyPerMonth,
    Ty::Rate,
    Ty::Decimal,
    Ty::Integer,
];

impl Ty {
    fn whole(self) -> bool {
        matches!(self, Ty::Persons | Ty::Months | Ty::Days | Ty::Integer)
    }

    fn signed(self) -> bool {
        matches!(self, Ty::Decimal | Ty::Integer)
    }

    /// The unit written after a literal.
    fn unit(self) -> &'static str {
        match self {
            Ty::Money => "元",
            Ty::Persons => "人",
            Ty::Months => "个月",
            Ty::Days => "天",
            Ty::MoneyPerMonth => "元/月",
            Ty::Rate => "元/人/月",
            _ => "",
        }
    }

    fn prefix(self) -> &'static str {
        match self {
            Ty::Bool => "条件",
            Ty::Money => "金额",
            Ty::Percent => "比例",
            Ty::Persons => "人数",
            Ty::Months => "月数",
            Ty::Days => "天数",
            Ty::MoneyPerMonth => "月费",
            Ty::Rate => "月人均",
            Ty::Date => "日期",
            Ty::Decimal => "系数",
            Ty::Integer => "整数",
            Ty::Enum(_) => "类别",
        }
    }
}

/// `v` hundredths as a decimal with `decimals` digits after the point (2 or 0).
fn hundredths(v: i64, trim: bool) -> String {
    let sign = if v < 0 { "-" } else { "" };
    let a = v.unsigned_abs();
    let (whole, frac) = (a / 100, a % 100);
    if trim && frac == 0 {
        format!("{sign}{whole}")
    } else if trim && frac % 10 == 0 {
        format!("{sign}{whole}.{}", frac / 10)
    } else {
        format!("{sign}{whole}.{frac:02}")
    }
}

/// A fraction `v / 10000` written exactly (a percentage of `v` hundredths).
fn fraction(v: i64, extra_zeros: usize) -> String {
    let sign = if v < 0 { "-" } else { "" };
    let a = v.unsigned_abs();
    let s = format!("{}.{:04}", a / 10000, a % 10000);
    let s = s.trim_end_matches('0').trim_end_matches('.').to_string();
    let mut s = format!("{sign}{s}");
    if extra_zeros > 0 {
        if !s.contains('.') {
            s.push('.');
        }
        s.push_str(&"0".repeat(extra_zeros));
    }
    s
}

// ---------------------------------------------------------------------------
// The model

#[derive(Clone)]
struct Field {
    name: String,
    ty: Ty,
}

#[derive(Clone)]
struct Enum {
    name: String,
    variants: Vec<String>,
}

/// A delegated parameter: what localities may set.
#[derive(Clone)]
struct Delegated {
    name: String,
    ty: Ty,
    /// bounds in hundredths
    floor: Option<i64>,
    cap: Option<i64>,
    has_default: bool,
    /// for a choice: its enumeration
    choice: Option<usize>,
}

#[derive(Default, Clone)]
struct Model {
    enums: Vec<Enum>,
    fields: Vec<Field>,
    /// parameters usable in expressions, with their types
    params: Vec<(String, Ty)>,
    delegated: Vec<Delegated>,
    /// delegated choices: parameter name, enumeration
    choices: Vec<(String, usize)>,
    localities: Vec<String>,
    /// every numeric constant written, by type (hundredths)
    consts: Vec<(Ty, i64)>,
    /// every date written
    dates: Vec<NaiveDate>,
    /// whether 个人 has every fact of 单位 too (after its own 年龄, so that
    /// its slots differ), and parts may be addressed to it
    shared: bool,
}

impl Model {
    fn fields_of(&self, ty: Ty) -> Vec<String> {
        self.fields
            .iter()
            .filter(|f| f.ty == ty)
            .map(|f| f.name.clone())
            .collect()
    }

    fn params_of(&self, ty: Ty) -> Vec<String> {
        self.params
            .iter()
            .filter(|p| p.1 == ty)
            .map(|p| p.0.clone())
            .collect()
    }
}

/// What the generator made.
pub struct Case {
    /// The policy text.
    pub source: String,
    /// The entity the records describe.
    pub entity: &'static str,
    /// Facts records (one JSON object each, as `policyc eval` and `batch` read).
    pub records: Vec<String>,
    /// Records of the second entity, 个人 (when it shares 单位's facts).
    pub other_records: Vec<String>,
    /// Application dates: every date of the policy, the day before and after,
    /// and a few others.
    pub dates: Vec<NaiveDate>,
    /// The localities the policy declares.
    pub localities: Vec<String>,
}

/// The generator's knobs.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// Records per case.
    pub records: usize,
    /// Application dates per case (at most).
    pub dates: usize,
    /// Write money facts as `0.00` and other zeros with decimals.
    pub zeros_with_decimals: bool,
    /// Write facts with trailing zeros (`12.50`).
    pub trailing_zeros: bool,
    /// Magnitudes near 10^15.
    pub huge: bool,
}

// Input classes on which the engines diverge because of known bugs. Each is
// ON when the engines agree on it; turn one OFF (naming the bug) rather than
// let the oracle and the fuzz target fail on it, and back ON once it is fixed.

/// Zeros written with decimals (`0.00`, `"0.00 元"`, `0.00 元` in a policy).
///
/// ON since arithmetic is judged on values (`eval::arith`); before, a money
/// fact `0.00` in a sum was `error` in the row engine and a value in the
/// columnar one (`tests/oracle.rs`, `zero_with_decimals_in_a_sum`).
pub const ZEROS_WITH_DECIMALS: bool = true;
/// Numbers with trailing zeros (`12.50`, `139.00`).
///
/// ON since the same fix: a computed zero (`139.00 - 139 + 1`) was `error` in
/// the row engine (`computed_zero_with_decimals_in_a_sum`).
pub const TRAILING_ZEROS: bool = true;
/// Magnitudes near 10^15.
pub const HUGE: bool = true;

impl Default for Options {
    fn default() -> Self {
        Options {
            records: 12,
            dates: 8,
            zeros_with_decimals: ZEROS_WITH_DECIMALS,
            trailing_zeros: TRAILING_ZEROS,
            huge: HUGE,
        }
    }
}

struct Gen<'r> {
    r: &'r mut Rng,
    m: Model,
    opts: Options,
}

/// Generates one case.
pub fn generate(r: &mut Rng, opts: Options) -> Case {
    let mut g = Gen {
        r,
        m: Model::default(),
        opts,
    };
    let source = g.policy();
    let records = (0..opts.records).map(|_| g.record("单位")).collect();
    let other_records = if g.m.shared {
        (0..opts.records / 2).map(|_| g.record("个人")).collect()
    } else {
        Vec::new()
    };
    let dates = g.eval_dates();
    Case {
        source,
        entity: "单位",
        records,
        other_records,
        dates,
        localities: g.m.localities.clone(),
    }
}

/// A generated policy with its model kept, to draw many sets of records and
/// dates from it: the `differential` fuzz target compiles each policy once
/// and probes it with many inputs.
pub struct PolicyGen {
    /// The policy text.
    pub source: String,
    /// The localities the policy declares.
    pub localities: Vec<String>,
    m: Model,
    opts: Options,
}

/// Generates a policy only (records and dates come from [`PolicyGen::probe`]).
pub fn generate_policy(r: &mut Rng, opts: Options) -> PolicyGen {
    let mut g = Gen {
        r,
        m: Model::default(),
        opts,
    };
    let source = g.policy();
    PolicyGen {
        source,
        localities: g.m.localities.clone(),
        m: g.m,
        opts,
    }
}

impl PolicyGen {
    /// Records and application dates for this policy, drawn from `r` (the
    /// same `r` gives the same case, whatever was drawn before).
    pub fn probe(&self, r: &mut Rng) -> Case {
        let mut g = Gen {
            r,
            m: self.m.clone(),
            opts: self.opts,
        };
        let records = (0..self.opts.records).map(|_| g.record("单位")).collect();
        let other_records = if g.m.shared {
            (0..self.opts.records / 2)
                .map(|_| g.record("个人"))
                .collect()
        } else {
            Vec::new()
        };
        let dates = g.eval_dates();
        Case {
            source: self.source.clone(),
            entity: "单位",
            records,
            other_records,
            dates,
            localities: self.localities.clone(),
        }
    }
}

impl Gen<'_> {
    // -- literals ------------------------------------------------------------

    fn date(&mut self) -> NaiveDate {
        let d = NaiveDate::from_ymd_opt(2019, 6, 1).unwrap_or_default()
            + Days::new(self.r.below(1200) as u64);
        self.m.dates.push(d);
        d
    }

    /// A value of a numeric type, in hundredths.
    fn num(&mut self, ty: Ty) -> i64 {
        let v: i64 = match ty {
            Ty::Money => match self.r.below(5) {
                0 => self.r.range(0, 100_000) * 100,
                1 => self.r.range(0, 10_000_000),
                2 => self.r.range(1, 50) * 1_000_000,
                3 => self.r.range(1, 200) * 10_000,
                _ => 0,
            },
            Ty::Percent => match self.r.below(4) {
                0 => self.r.range(0, 100) * 100,
                1 => self.r.range(0, 10_000),
                2 => self.r.range(0, 20) * 100 + 50,
                _ => 10_000,
            },
            Ty::Persons | Ty::Integer => self.r.range(0, 300) * 100,
            Ty::Months => self.r.range(0, 36) * 100,
            Ty::Days => self.r.range(0, 400) * 100,
            Ty::MoneyPerMonth | Ty::Rate => self.r.range(0, 500_000),
            Ty::Decimal => self.r.range(0, 500),
            _ => 0,
        };
        v
    }

    /// A literal of a numeric type as a policy writes it (never negative).
    fn num_lit(&mut self, ty: Ty, v: i64) -> String {
        self.m.consts.push((ty, v));
        // trailing zeros (`12.50 元`, `0.00 元`) only when asked for
        let zeros = if v == 0 {
            self.opts.zeros_with_decimals
        } else {
            self.opts.trailing_zeros
        };
        match ty {
            Ty::Percent => format!("{}%", hundredths(v, true)),
            Ty::Money if v % 10_000 == 0 && v > 0 && self.r.one_in(2) => {
                // 万元: v / 1_000_000 万
                let wan = v / 10_000; // hundredths of 万元
                format!("{} 万元", hundredths(wan, true))
            }
            Ty::Decimal | Ty::Integer => {
                hundredths(v, !zeros || !self.r.one_in(4) || ty == Ty::Integer)
            }
            Ty::Persons if v % 10_000 == 0 && v > 0 && self.r.one_in(3) => {
                format!("{} 万人", hundredths(v / 10_000, true))
            }
            _ => {
                let trim = !zeros || ty.whole() || !self.r.one_in(3);
                format!("{} {}", hundredths(v, trim), ty.unit())
            }
        }
    }

    fn lit(&mut self, ty: Ty) -> String {
        match ty {
            Ty::Bool => self.r.pick(&["true", "false"]).to_string(),
            Ty::Date => self.date().to_string(),
            Ty::Enum(e) => self.variant(e, true),
            _ => {
                let v = self.num(ty);
                self.num_lit(ty, v)
            }
        }
    }

    /// A literal as a value (parameters, localities, example facts): variants bare.
    fn value(&mut self, ty: Ty) -> String {
        match ty {
            Ty::Enum(e) => self.r.pick(&self.m.enums[e].variants),
            _ => self.lit(ty),
        }
    }

    /// A variant of enumeration `e`, bare or qualified.
    fn variant(&mut self, e: usize, bare_ok: bool) -> String {
        let en = &self.m.enums[e];
        let v = en.variants[self.r.below(en.variants.len())].clone();
        if bare_ok && !self.r.one_in(3) {
            v
        } else {
            format!("{}.{v}", en.name)
        }
    }

    // -- expressions ----------------------------------------------------------

    /// An expression in parentheses unless it is one token.
    fn paren(&mut self, ty: Ty, depth: usize) -> String {
        let e = self.expr(ty, depth);
        if e.contains(' ') || e.starts_with('-') {
            format!("({e})")
        } else {
            e
        }
    }

    fn leaf(&mut self, ty: Ty) -> String {
        let mut names = self.m.fields_of(ty);
        names.extend(self.m.params_of(ty));
        if names.is_empty() || self.r.one_in(4) {
            self.lit(ty)
        } else {
            self.r.pick(&names)
        }
    }

    fn expr(&mut self, ty: Ty, depth: usize) -> String {
        if depth == 0 || self.r.one_in(3) {
            return self.leaf(ty);
        }
        let d = depth - 1;
        match ty {
            Ty::Bool => self.bool_expr(d),
            Ty::Money => self.money_expr(d),
            Ty::Date => self.date_expr(d),
            Ty::Enum(e) => {
                if self.r.one_in(2) {
                    format!(
                        "if {} then {} else {}",
                        self.paren(Ty::Bool, d),
                        self.variant(e, false),
                        self.paren(Ty::Enum(e), d)
                    )
                } else {
                    self.leaf(ty)
                }
            }
            _ => self.numeric_expr(ty, d),
        }
    }

    fn min_max(&mut self, ty: Ty, d: usize) -> String {
        let f = self.r.pick(&["min", "max"]);
        let n = 2 + self.r.below(2);
        let args: Vec<String> = (0..n).map(|_| self.expr(ty, d)).collect();
        format!("{f}({})", args.join(", "))
    }

    fn if_expr(&mut self, ty: Ty, d: usize) -> String {
        format!(
            "if {} then {} else {}",
            self.paren(Ty::Bool, d),
            self.paren(ty, d),
            self.paren(ty, d)
        )
    }

    fn match_expr(&mut self, ty: Ty, d: usize) -> Option<String> {
        let use_choice = !self.m.choices.is_empty() && self.r.one_in(2);
        let (scrutinee, e, kw) = if use_choice {
            let (name, e) = self.r.pick(&self.m.choices.clone());
            (name, e, "by")
        } else {
            let enum_fields: Vec<(String, usize)> = self
                .m
                .fields
                .iter()
                .filter_map(|f| match f.ty {
                    Ty::Enum(e) => Some((f.name.clone(), e)),
                    _ => None,
                })
                .collect();
            if enum_fields.is_empty() {
                return None;
            }
            let (name, e) = self.r.pick(&enum_fields);
            (name, e, self.r.pick(&["match", "by"]))
        };
        let mut variants = self.m.enums[e].variants.clone();
        // arms in any order
        if self.r.one_in(2) {
            variants.reverse();
        }
        let sep = if self.r.one_in(2) { ", " } else { "  " };
        let arms: Vec<String> = variants
            .iter()
            .map(|v| format!("{v} => {}", self.expr(ty, d)))
            .collect();
        Some(format!("{kw} {scrutinee} {{ {} }}", arms.join(sep)))
    }

    fn money_expr(&mut self, d: usize) -> String {
        match self.r.below(17) {
            0 => format!("{} + {}", self.expr(Ty::Money, d), self.paren(Ty::Money, d)),
            1 => format!("{} - {}", self.expr(Ty::Money, d), self.paren(Ty::Money, d)),
            2 => format!(
                "{} * {}",
                self.paren(Ty::Percent, d),
                self.paren(Ty::Money, d)
            ),
            3 => format!(
                "{} * {}",
                self.paren(Ty::Money, d),
                self.paren(Ty::Decimal, d)
            ),
            4 => format!(
                "{} * {}",
                self.paren(Ty::Money, d),
                self.paren(Ty::Integer, d)
            ),
            5 => {
                // a literal divisor, or a fact that may be zero
                let by = if self.r.one_in(2) {
                    let v = self.r.range(1, 12) * 100;
                    self.num_lit(Ty::Integer, v)
                } else {
                    self.paren(Ty::Integer, 0)
                };
                format!("{} / {by}", self.paren(Ty::Money, d))
            }
            6 => self.min_max(Ty::Money, d),
            7 => self.if_expr(Ty::Money, d),
            8 => self
                .match_expr(Ty::Money, d)
                .unwrap_or_else(|| self.leaf(Ty::Money)),
            // 月 × 元/月
            9 => format!(
                "{} * {}",
                self.paren(Ty::Months, d),
                self.paren(Ty::MoneyPerMonth, d)
            ),
            // 月 × 元/人/月 × 人
            10 => format!(
                "{} * {} * {}",
                self.paren(Ty::Months, d),
                self.paren(Ty::Rate, d),
                self.paren(Ty::Persons, d)
            ),
            // 天 × 元/天
            11 => {
                let v = self.r.range(0, 30_000);
                self.m.consts.push((Ty::Money, v));
                format!(
                    "{} * {} 元/天",
                    self.paren(Ty::Days, d),
                    hundredths(v, true)
                )
            }
            // 人 × 元/人
            12 => {
                let v = self.r.range(0, 200_000);
                format!(
                    "{} 元/人 * {}",
                    hundredths(v, true),
                    self.paren(Ty::Persons, d)
                )
            }
            13 => format!("-{}", self.paren(Ty::Money, d)),
            // (date - date) × 元/天
            14 => format!(
                "({} - {}) * 10 元/天",
                self.paren(Ty::Date, d),
                self.paren(Ty::Date, d)
            ),
            15 => format!(
                "{} / {}",
                self.paren(Ty::Money, d),
                self.paren(Ty::Decimal, 0)
            ),
            _ => format!("({})", self.expr(Ty::Money, d)),
        }
    }

    fn numeric_expr(&mut self, ty: Ty, d: usize) -> String {
        match self.r.below(8) {
            0 => format!("{} + {}", self.expr(ty, d), self.paren(ty, d)),
            1 => format!("{} - {}", self.expr(ty, d), self.paren(ty, d)),
            2 => self.min_max(ty, d),
            3 => self.if_expr(ty, d),
            4 if ty == Ty::Days => {
                format!("{} - {}", self.paren(Ty::Date, d), self.paren(Ty::Date, d))
            }
            4 | 5 if matches!(ty, Ty::Decimal | Ty::Integer | Ty::Percent) => {
                let other = if ty == Ty::Percent { Ty::Decimal } else { ty };
                format!("{} * {}", self.paren(ty, d), self.paren(other, d))
            }
            6 => self.match_expr(ty, d).unwrap_or_else(|| self.leaf(ty)),
            7 if ty.signed() => format!("-{}", self.paren(ty, d)),
            _ => self.leaf(ty),
        }
    }

    fn date_expr(&mut self, d: usize) -> String {
        match self.r.below(5) {
            // the evaluation's application date
            4 => "application_date".into(),
            0 | 1 => {
                let by = self.r.pick(&["天", "个月", "年"]);
                let sign = self.r.pick(&["+", "-"]);
                let n = self.r.below(40);
                format!("{} {sign} {n} {by}", self.paren(Ty::Date, d))
            }
            2 => self.if_expr(Ty::Date, d),
            _ => self.min_max(Ty::Date, d),
        }
    }

    fn bool_expr(&mut self, d: usize) -> String {
        match self.r.below(16) {
            // a date within a period, both days included: the facts probe
            // the first and last days (they are dates of the policy)
            14 => {
                let a = self.date();
                let b = if self.r.one_in(8) {
                    a
                } else {
                    let b = a + Days::new(self.r.below(400) as u64);
                    self.m.dates.push(b);
                    b
                };
                let fields = self.m.fields_of(Ty::Date);
                let x = if fields.is_empty() || self.r.one_in(4) {
                    self.paren(Ty::Date, d)
                } else {
                    self.r.pick(&fields)
                };
                format!("{x} in {a} to {b}")
            }
            // "N年内": the application date against an event date moved by N
            15 => {
                let by = self.r.pick(&["天", "个月", "年"]);
                let n = self.r.below(4);
                let op = self.r.pick(&["<", "<=", ">", ">="]);
                format!(
                    "application_date {op} {} + {n} {by}",
                    self.paren(Ty::Date, d)
                )
            }
            0 => format!(
                "{} and {}",
                self.paren(Ty::Bool, d),
                self.paren(Ty::Bool, d)
            ),
            1 => format!("{} or {}", self.paren(Ty::Bool, d), self.paren(Ty::Bool, d)),
            2 => format!("not {}", self.paren(Ty::Bool, d)),
            // a fact against a constant: the facts probe the boundary
            3..=5 => {
                let ty = self.r.pick(&NUMERIC);
                let op = self.r.pick(&["<", "<=", ">", ">=", "==", "!="]);
                let fields = self.m.fields_of(ty);
                let lhs = if fields.is_empty() {
                    self.paren(ty, d)
                } else {
                    self.r.pick(&fields)
                };
                let v = self.num(ty);
                let rhs = self.num_lit(ty, v);
                format!("{lhs} {op} {rhs}")
            }
            6 => {
                let ty = self.r.pick(&NUMERIC);
                let op = self.r.pick(&["<", "<=", ">", ">=", "==", "!="]);
                format!("{} {op} {}", self.paren(ty, d), self.paren(ty, d))
            }
            7 => {
                let op = self.r.pick(&["<", "<=", ">", ">=", "==", "!="]);
                format!(
                    "{} {op} {}",
                    self.paren(Ty::Date, d),
                    self.paren(Ty::Date, d)
                )
            }
            8 => {
                // x in {…}: an enumeration fact or a delegated choice
                let mut scr: Vec<(String, usize)> = self
                    .m
                    .fields
                    .iter()
                    .filter_map(|f| match f.ty {
                        Ty::Enum(e) => Some((f.name.clone(), e)),
                        _ => None,
                    })
                    .collect();
                scr.extend(self.m.choices.iter().cloned());
                if scr.is_empty() {
                    return self.leaf(Ty::Bool);
                }
                let (name, e) = self.r.pick(&scr);
                let vs = self.m.enums[e].variants.clone();
                let n = 1 + self.r.below(vs.len());
                let start = self.r.below(vs.len());
                let set: Vec<String> = (0..n).map(|i| vs[(start + i) % vs.len()].clone()).collect();
                format!("{name} in {{{}}}", set.join(", "))
            }
            9 => {
                let mut scr: Vec<(String, usize)> = self
                    .m
                    .fields
                    .iter()
                    .filter_map(|f| match f.ty {
                        Ty::Enum(e) => Some((f.name.clone(), e)),
                        _ => None,
                    })
                    .collect();
                scr.extend(self.m.choices.iter().cloned());
                if scr.is_empty() {
                    return self.leaf(Ty::Bool);
                }
                let (name, e) = self.r.pick(&scr);
                let op = self.r.pick(&["==", "!="]);
                let v = self.variant(e, false);
                format!("{name} {op} {v}")
            }
            10 => {
                // days between two dates
                let op = self.r.pick(&["<", "<=", ">", ">="]);
                let v = self.r.range(0, 400) * 100;
                let n = self.num_lit(Ty::Days, v);
                format!(
                    "{} - {} {op} {n}",
                    self.paren(Ty::Date, d),
                    self.paren(Ty::Date, 0)
                )
            }
            11 => self.if_expr(Ty::Bool, d),
            12 => format!("{} == {}", self.paren(Ty::Bool, d), self.paren(Ty::Bool, d)),
            _ => self
                .match_expr(Ty::Bool, d)
                .unwrap_or_else(|| self.leaf(Ty::Bool)),
        }
    }

    // -- the policy ------------------------------------------------------------

    fn policy(&mut self) -> String {
        let mut s = String::new();
        let issued = if self.r.one_in(3) {
            None
        } else {
            let d = self.date();
            let _ = writeln!(
                s,
                "document {{\n  number \"测试〔2020〕{}号\"\n  title \"生成的政策\"\n  issued {d}\n}}",
                self.r.below(100)
            );
            Some(d)
        };
        let depts = 1 + self.r.below(3);
        for i in 0..depts {
            let _ = writeln!(s, "department 部门{i} = \"测试部门{i}\"");
        }
        for e in 0..self.r.below(3) {
            let name = format!("等级{e}");
            let variants: Vec<String> = (0..2 + self.r.below(3))
                .map(|v| format!("级{e}{}", ["甲", "乙", "丙", "丁"][v]))
                .collect();
            let _ = writeln!(s, "enum {name} {{ {} }}", variants.join(", "));
            self.m.enums.push(Enum { name, variants });
        }
        // the entity: every type at least once
        let mut fields = String::new();
        let all = [
            Ty::Bool,
            Ty::Money,
            Ty::Percent,
            Ty::Persons,
            Ty::Months,
            Ty::Days,
            Ty::MoneyPerMonth,
            Ty::Rate,
            Ty::Date,
            Ty::Decimal,
            Ty::Integer,
        ];
        for ty in all {
            for i in 0..1 + self.r.below(2) {
                let name = format!("{}{i}", ty.prefix());
                let _ = writeln!(fields, "  {name}: {}", self.type_text(ty));
                self.m.fields.push(Field { name, ty });
            }
        }
        for e in 0..self.m.enums.len() {
            if !self.r.one_in(4) {
                let name = format!("类别{e}");
                let _ = writeln!(fields, "  {name}: {}", self.m.enums[e].name);
                self.m.fields.push(Field {
                    name,
                    ty: Ty::Enum(e),
                });
            }
        }
        let _ = write!(s, "entity 单位 \"用人单位\" {{\n{fields}}}\n");
        self.m.shared = self.r.one_in(2);
        let shared = if self.m.shared { fields.as_str() } else { "" };
        let _ = writeln!(s, "entity 个人 {{\n  年龄: integer<年>\n{shared}}}");
        self.parameters(&mut s);
        let sections = self.r.below(3);
        for i in 1..=sections {
            let _ = writeln!(s, "section {i} \"第{i}节\"");
        }
        let must_set = self.m.delegated.iter().any(|p| !p.has_default);
        let n_loc = if must_set {
            1 + self.r.below(2)
        } else {
            self.r.below(3)
        };
        self.m.localities = (0..n_loc).map(|i| format!("城市{i}")).collect();
        for number in 1..=1 + self.r.below(3) {
            self.measure(&mut s, number, sections, depts, issued);
        }
        self.localities(&mut s);
        s
    }

    fn type_text(&self, ty: Ty) -> String {
        match ty {
            Ty::Bool => "bool".into(),
            Ty::Money => "money".into(),
            Ty::Percent => "percent".into(),
            Ty::Persons => "integer<人>".into(),
            Ty::Months => "integer<月>".into(),
            Ty::Days => "integer<天>".into(),
            Ty::MoneyPerMonth => "money/月".into(),
            Ty::Rate => "money/人/月".into(),
            Ty::Date => "date".into(),
            Ty::Decimal => "decimal".into(),
            Ty::Integer => "integer".into(),
            Ty::Enum(e) => self.m.enums[e].name.clone(),
        }
    }

    fn parameters(&mut self, s: &mut String) {
        let tys = [Ty::Money, Ty::Percent, Ty::Rate, Ty::Decimal, Ty::Months];
        for i in 0..1 + self.r.below(4) {
            let ty = self.r.pick(&tys);
            let name = format!("标准{i}");
            let tt = self.type_text(ty);
            match self.r.below(3) {
                0 => {
                    let v = self.lit(ty);
                    let _ = writeln!(s, "parameter {name}: {tt} = {v}");
                }
                1 => {
                    // dated versions, strictly increasing
                    let _ = writeln!(s, "parameter {name}: {tt} {{");
                    let mut d = self.date();
                    for _ in 0..1 + self.r.below(3) {
                        let v = self.lit(ty);
                        let _ = writeln!(s, "  {v} from {d}");
                        d = d + Days::new(1 + self.r.below(400) as u64);
                        self.m.dates.push(d);
                    }
                    s.push_str("}\n");
                }
                _ => {
                    // delegated, with optional default, floor and cap
                    let a = self.num(ty);
                    let b = self.num(ty);
                    let (lo, hi) = (a.min(b), a.max(b));
                    let floor = self.r.one_in(2).then_some(lo);
                    let cap = self.r.one_in(2).then_some(hi);
                    let has_default = self.r.one_in(2);
                    let mut line = format!("parameter {name}: {tt} by locality");
                    // bounds and default in any order
                    let mut clauses = Vec::new();
                    if has_default {
                        let dv = self.between(ty, floor, cap);
                        clauses.push(format!("default {}", self.num_lit(ty, dv)));
                    }
                    if let Some(f) = floor {
                        clauses.push(format!("floor {}", self.num_lit(ty, f)));
                    }
                    if let Some(c) = cap {
                        clauses.push(format!("cap {}", self.num_lit(ty, c)));
                    }
                    if self.r.one_in(2) {
                        clauses.reverse();
                    }
                    for c in clauses {
                        line.push(' ');
                        line.push_str(&c);
                    }
                    let _ = writeln!(s, "{line}");
                    self.m.delegated.push(Delegated {
                        name: name.clone(),
                        ty,
                        floor,
                        cap,
                        has_default,
                        choice: None,
                    });
                }
            }
            self.m.params.push((name, ty));
        }
        if self.r.one_in(2) {
            let e = self.m.enums.len();
            let variants = vec!["按甲方式".to_string(), "按乙方式".to_string()];
            let has_default = self.r.one_in(2);
            let _ = writeln!(
                s,
                "parameter 返还方式: choice {{ {} }} by locality{}",
                variants.join(", "),
                if has_default {
                    " default 按甲方式"
                } else {
                    ""
                }
            );
            self.m.enums.push(Enum {
                name: "返还方式".into(),
                variants,
            });
            self.m.choices.push(("返还方式".into(), e));
            self.m.delegated.push(Delegated {
                name: "返还方式".into(),
                ty: Ty::Enum(e),
                floor: None,
                cap: None,
                has_default,
                choice: Some(e),
            });
        }
    }

    /// A value within optional bounds, often on one of them.
    fn between(&mut self, ty: Ty, floor: Option<i64>, cap: Option<i64>) -> i64 {
        let lo = floor.unwrap_or(0);
        let hi = cap.unwrap_or(lo + self.num(ty)).max(lo);
        match self.r.below(4) {
            0 => lo,
            1 => hi,
            _ => {
                let v = self.r.range(lo, hi);
                if ty.whole() {
                    (v / 100 * 100).max(lo.div_euclid(100) * 100).max(lo)
                } else {
                    v
                }
            }
        }
    }

    fn localities(&mut self, s: &mut String) {
        let locs = self.m.localities.clone();
        for name in locs {
            let _ = writeln!(s, "locality {name} {{");
            let n = self.m.delegated.len();
            for i in 0..n {
                let (pname, ty, floor, cap, has_default, choice) = {
                    let p = &self.m.delegated[i];
                    (
                        p.name.clone(),
                        p.ty,
                        p.floor,
                        p.cap,
                        p.has_default,
                        p.choice,
                    )
                };
                // a value without default is sometimes left unset too: the
                // outcome is then `undetermined` (issue 14, point 5)
                let skip = if has_default {
                    self.r.one_in(2)
                } else {
                    self.r.one_in(4)
                };
                if skip {
                    continue;
                }
                let v = match choice {
                    Some(e) => self.value(Ty::Enum(e)),
                    None => {
                        let mut v = self.between(ty, floor, cap);
                        if ty.whole() && v % 100 != 0 {
                            v = floor.unwrap_or(0);
                        }
                        self.num_lit(ty, v)
                    }
                };
                let _ = writeln!(s, "  {pname} = {v}");
            }
            s.push_str("}\n");
        }
    }

    fn measure(
        &mut self,
        s: &mut String,
        number: usize,
        sections: usize,
        depts: usize,
        issued: Option<NaiveDate>,
    ) {
        let _ = writeln!(s, "measure {number} \"措施{number}\" {{");
        let mut clauses: Vec<String> = Vec::new();
        if sections > 0 && self.r.one_in(2) {
            clauses.push(format!("section {}", 1 + self.r.below(sections)));
        }
        let kind = self.r.pick(&[
            "benefit",
            "refund",
            "fee_waiver",
            "deferral",
            "loan_terms",
            "obligation",
            "target",
            "procedural_right",
            "directive",
        ]);
        clauses.push(format!("kind {kind}"));
        let addressed = !self.r.one_in(8);
        if addressed {
            clauses.push("to 单位".into());
        }
        let mut deadline = None;
        let from = self.date();
        let mut end = None;
        let start = match self.r.below(4) {
            0 => issued,
            1 => {
                clauses.push(format!("effective from {from}"));
                Some(from)
            }
            2 => {
                // the period may not end before the document is issued
                let until = issued.map_or(from, |i| i.max(from));
                clauses.push(format!("effective until {until}"));
                end = Some(until);
                issued
            }
            _ => {
                let to = from + Days::new(self.r.below(500) as u64);
                self.m.dates.push(to);
                clauses.push(format!("effective {from} to {to}"));
                end = Some(to);
                Some(from)
            }
        };
        if self.r.one_in(2) {
            let base = start.unwrap_or(from);
            let d = base + Days::new(self.r.below(500) as u64);
            self.m.dates.push(d);
            // a deadline may not come before the period starts
            if start.is_some() || self.r.one_in(2) {
                clauses.push(format!("applications until {d}"));
                deadline = Some(d);
            }
        }
        // each department has one role at most
        let mut ds: Vec<usize> = (0..depts).collect();
        for role in ["lead", "cooperating", "joint"] {
            if ds.is_empty() || self.r.one_in(2) {
                continue;
            }
            let n = 1 + self.r.below(ds.len());
            let names: Vec<String> = ds.drain(..n).map(|i| format!("部门{i}")).collect();
            clauses.push(format!("{role} {}", names.join(", ")));
        }
        match self.r.below(3) {
            0 => clauses.push(format!(
                "text \"\"\"\n  第{number}条原文：……（全角标点）\n  \"\"\""
            )),
            1 => clauses.push(format!("text \"第{number}条，\\\"引号\\\"\"")),
            _ => {}
        }
        // named definitions (`let`), usable by the later ones, the `when`
        // and the rules: while the measure is written they are leaves like
        // parameters
        let before = self.m.params.len();
        let has_let = addressed && self.r.one_in(3);
        if has_let {
            for k in 0..1 + self.r.below(3) {
                let ty = self.r.pick(&[Ty::Bool, Ty::Money, Ty::Date]);
                let c = self.expr(ty, 2);
                let name = format!("定义{number}之{k}");
                clauses.push(format!("let {name} = {c}"));
                self.m.params.push((name, ty));
            }
        }
        // a condition every rule needs (`when` at measure level)
        let has_when = addressed && self.r.one_in(4);
        if has_when {
            let c = self.expr(Ty::Bool, 2);
            clauses.push(format!("when {c}"));
        }
        // clauses in any order
        if self.r.one_in(3) {
            clauses.reverse();
        }
        for c in clauses {
            let _ = writeln!(s, "  {c}");
        }
        if addressed {
            let parts = self.rules(s, kind);
            // a measure-level `when` stands beside no part declaration, and a
            // `let` beside no part addressed to another entity
            // (`policy::check::shared_condition_with_parts`)
            if !has_when {
                self.part_decls(s, &parts, (start, end, deadline), !has_let);
            }
            self.examples(s);
        }
        self.m.params.truncate(before);
        s.push_str("}\n");
    }

    /// Declarations for some of the named parts: an addressee of their own
    /// (when 个人 shares 单位's facts), a period within the measure's, a
    /// deadline within the measure's and not before the part starts.
    fn part_decls(
        &mut self,
        s: &mut String,
        parts: &[String],
        (start, end, deadline): (Option<NaiveDate>, Option<NaiveDate>, Option<NaiveDate>),
        own_addressee: bool,
    ) {
        for p in parts {
            if self.r.one_in(2) {
                continue;
            }
            let mut clauses = Vec::new();
            if self.m.shared && own_addressee && !self.r.one_in(4) {
                let to = self
                    .r
                    .pick(&["个人", "单位 or 个人", "个人 or 单位", "单位"]);
                clauses.push(format!("to {to}"));
            }
            let mut from = start;
            if self.r.one_in(2) {
                let k = self.r.below(60) as u64;
                let f = match start {
                    Some(x) => x + Days::new(k),
                    None => self.date(),
                };
                let f = end.map_or(f, |e| f.min(e));
                let t = f + Days::new(self.r.below(200) as u64);
                let t = end.map_or(t, |e| t.min(e));
                self.m.dates.push(f);
                self.m.dates.push(t);
                match self.r.below(3) {
                    0 => {
                        clauses.push(format!("effective from {f}"));
                        from = Some(f);
                    }
                    // the start is the measure's
                    1 if start.is_some() => clauses.push(format!("effective until {t}")),
                    _ => {
                        clauses.push(format!("effective {f} to {t}"));
                        from = Some(f);
                    }
                }
            }
            if self.r.one_in(2) {
                let base = from.or(start).unwrap_or_else(|| self.date());
                let d = base + Days::new(self.r.below(200) as u64);
                let d = deadline.map_or(d, |m| d.min(m));
                if from.is_none_or(|f| d >= f) {
                    self.m.dates.push(d);
                    clauses.push(format!("applications until {d}"));
                }
            }
            if self.r.one_in(3) {
                clauses.reverse();
            }
            let _ = writeln!(s, "  part {p} {{");
            for c in clauses {
                let _ = writeln!(s, "    {c}");
            }
            s.push_str("  }\n");
        }
    }

    /// The rules; returns the named parts they define.
    fn rules(&mut self, s: &mut String, kind: &str) -> Vec<String> {
        // what the measure's amounts give (issue 14): one kind per measure,
        // written on every amount, on some, or left to the measure's kind
        let default = match kind {
            "benefit" => Some("paid"),
            "refund" => Some("refunded"),
            "fee_waiver" => Some("fee_reduced"),
            "loan_terms" => Some("loan_ceiling"),
            _ => None,
        };
        let kinds = [
            "paid",
            "refunded",
            "fee_reduced",
            "interest_subsidy",
            "loan_ceiling",
        ];
        let (gives, always) = match default {
            Some(d) if !self.r.one_in(3) => (d.to_string(), false),
            _ => (self.r.pick(&kinds).to_string(), true),
        };
        let parts: Vec<Option<String>> = match self.r.below(4) {
            0 | 1 => vec![None],
            2 => vec![None, Some("部分甲".into())],
            _ => vec![Some("部分甲".into()), Some("部分乙".into())],
        };
        let mut n = 0;
        if self.r.one_in(12) {
            return Vec::new(); // a measure without rules
        }
        let named: Vec<String> = parts.iter().flatten().cloned().collect();
        for part in parts {
            let mut names: Vec<String> = Vec::new();
            for _ in 0..1 + self.r.below(4) {
                let name = format!("规则{n}");
                n += 1;
                let mut head = format!("  rule {name}");
                if let Some(p) = &part {
                    let _ = write!(head, " part {p}");
                }
                if !names.is_empty() && !self.r.one_in(3) {
                    // often to the latest rule: exceptions several deep
                    let base = if self.r.one_in(2) {
                        names[names.len() - 1].clone()
                    } else {
                        self.r.pick(&names)
                    };
                    let _ = write!(head, " exception to {base}");
                }
                let _ = writeln!(s, "{head} {{");
                if !self.r.one_in(5) {
                    let e = self.expr(Ty::Bool, 3);
                    let _ = writeln!(s, "    when {e}");
                }
                if !self.r.one_in(5) {
                    let e = self.expr(Ty::Money, 3);
                    let _ = writeln!(s, "    amount {e}");
                    if self.r.one_in(3) {
                        let e = self.expr(Ty::Money, 1);
                        let _ = writeln!(s, "    floor {e}");
                    }
                    if self.r.one_in(3) {
                        let e = self.expr(Ty::Money, 1);
                        let _ = writeln!(s, "    cap {e}");
                    }
                    if always || Some(gives.as_str()) != default || self.r.one_in(4) {
                        let _ = writeln!(s, "    gives {gives}");
                    }
                } else if self.r.one_in(8) {
                    // a rule without amount may say what it gives, `none` included
                    let k = self.r.pick(&["none", "paid", "loan_ceiling"]);
                    let _ = writeln!(s, "    gives {k}");
                }
                // discretion (issue 14): not in a measure that obliges
                let obliges = matches!(kind, "obligation" | "target" | "directive");
                if !obliges && self.r.one_in(5) {
                    let m = self.r.pick(&["may", "may by locality"]);
                    let _ = writeln!(s, "    {m}");
                }
                if self.r.one_in(3) {
                    let _ = writeln!(s, "    text \"{name}的原文\"");
                }
                s.push_str("  }\n");
                names.push(name);
            }
        }
        named
    }

    fn examples(&mut self, s: &mut String) {
        for i in 0..self.r.below(2) {
            let _ = writeln!(s, "  example \"例{i}\" {{");
            let d = self.date();
            let _ = writeln!(s, "    date {d}");
            if !self.m.localities.is_empty() && self.r.one_in(2) {
                let l = self.r.pick(&self.m.localities.clone());
                let _ = writeln!(s, "    locality {l}");
            }
            let mut facts = Vec::new();
            let n = self.m.fields.len();
            for k in 0..n {
                if self.r.one_in(2) {
                    let (name, ty) = (self.m.fields[k].name.clone(), self.m.fields[k].ty);
                    let v = self.value(ty);
                    facts.push(format!("{name}: {v}"));
                }
            }
            let _ = writeln!(s, "    单位 {{ {} }}", facts.join(", "));
            let st = self
                .r
                .pick(&["eligible", "not_eligible", "needs_facts", "error"]);
            let _ = writeln!(s, "    expect {st}");
            s.push_str("  }\n");
        }
    }

    // -- facts ---------------------------------------------------------------

    fn record(&mut self, entity: &str) -> String {
        let mut out = format!("{{\"entity\": \"{entity}\", \"facts\": {{");
        let mut first = entity == "单位";
        if !first {
            let _ = write!(out, "\"年龄\": {}", self.r.below(70));
        }
        let n = self.m.fields.len();
        let missing = self.r.below(4); // 0: all known … 3: many unknown
        for k in 0..n {
            let (name, ty) = (self.m.fields[k].name.clone(), self.m.fields[k].ty);
            if self.r.below(8) < missing {
                continue;
            }
            let v = if self.r.one_in(20) {
                "null".to_string()
            } else if self.r.one_in(200) {
                // an invalid value: the record is rejected by every engine
                "\"无此值\"".to_string()
            } else {
                self.fact(ty)
            };
            if !first {
                out.push_str(", ");
            }
            first = false;
            let _ = write!(out, "\"{name}\": {v}");
        }
        out.push_str("}}");
        out
    }

    /// A fact value as JSON text.
    fn fact(&mut self, ty: Ty) -> String {
        match ty {
            Ty::Bool => self.r.pick(&["true", "false"]).to_string(),
            Ty::Date => {
                let d = if self.m.dates.is_empty() || self.r.one_in(5) {
                    self.date()
                } else {
                    self.r.pick(&self.m.dates)
                };
                let d = d + Days::new(1) - Days::new(self.r.below(3) as u64);
                format!("\"{d}\"")
            }
            Ty::Enum(e) => format!("\"{}\"", self.r.pick(&self.m.enums[e].variants)),
            _ => {
                let v = self.fact_value(ty);
                self.write_number(ty, v)
            }
        }
    }

    /// A numeric fact in hundredths.
    fn fact_value(&mut self, ty: Ty) -> i64 {
        let step = if ty.whole() { 100 } else { 1 };
        let consts: Vec<i64> = self
            .m
            .consts
            .iter()
            .filter(|c| c.0 == ty)
            .map(|c| c.1)
            .collect();
        let v = match self.r.below(40) {
            0..=19 if !consts.is_empty() => {
                // on a constant, or one step either side
                let c = self.r.pick(&consts);
                let c = if ty.whole() { c / 100 * 100 } else { c };
                c + step * (self.r.below(3) as i64 - 1)
            }
            20..=23 => 0,
            24 if self.opts.huge => {
                // just below 10^15, or on it (rejected)
                let top = 100_000_000_000_000_000i64; // 10^15 in hundredths
                self.r.pick(&[top - step, top - 100, top])
            }
            _ => self.num(ty),
        };
        let v = if ty.signed() && self.r.one_in(5) {
            -v
        } else {
            v
        };
        if v < 0 && !ty.signed() {
            0
        } else {
            v
        }
    }

    /// A number as a facts file may write it.
    fn write_number(&mut self, ty: Ty, v: i64) -> String {
        let zeros = self.opts.trailing_zeros;
        let zero_dec = self.opts.zeros_with_decimals;
        if v == 0 && !zero_dec {
            return "0".into();
        }
        match ty {
            Ty::Percent => match self.r.below(3) {
                0 => format!("\"{}%\"", hundredths(v, !zeros || self.r.one_in(2))),
                1 => fraction(v, if zeros { self.r.below(3) } else { 0 }),
                _ => format!("\"{}\"", fraction(v, 0)),
            },
            _ => {
                let trim = !zeros || self.r.one_in(2);
                let num = hundredths(v, trim);
                let num = if ty.whole() && trim {
                    hundredths(v, true)
                } else {
                    num
                };
                match self.r.below(4) {
                    0 if !ty.unit().is_empty() && v >= 0 => {
                        format!("\"{num} {}\"", ty.unit())
                    }
                    1 if ty == Ty::Money && v % 10_000 == 0 && v > 0 => {
                        format!("\"{} 万元\"", hundredths(v / 10_000, true))
                    }
                    2 => format!("\"{num}\""),
                    _ => num,
                }
            }
        }
    }

    /// Application dates: the policy's dates, the day before and after each,
    /// and one far before and one far after.
    fn eval_dates(&mut self) -> Vec<NaiveDate> {
        let mut all = self.m.dates.clone();
        all.sort();
        all.dedup();
        let mut out = Vec::new();
        for _ in 0..self.opts.dates.saturating_sub(2) {
            if all.is_empty() {
                break;
            }
            let d = self.r.pick(&all);
            let d = d + Days::new(1) - Days::new(self.r.below(3) as u64);
            out.push(d);
        }
        out.push(NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or_default());
        out.push(NaiveDate::from_ymd_opt(2030, 12, 31).unwrap_or_default());
        out.sort();
        out.dedup();
        let _ = out.first().map(Datelike::year);
        out
    }
}

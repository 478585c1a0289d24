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
//! several deep, `when`/`amount [at most|at least]`/`floor`/`cap`/`gives`, and expressions with
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

mod expr;
mod facts;
mod policy;

use chrono::NaiveDate;

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
    /// definitions of the document (`let` outside measures, conditions over
    /// 单位's facts), usable in conditions; only when 个人 is not `shared`
    /// (no part is then addressed to another entity than 单位)
    doc_lets: Vec<String>,
    /// whether 单位 holds a list of member records `成员` (only when 个人
    /// shares nothing, so that every rule reading it is addressed to 单位)
    members: bool,
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

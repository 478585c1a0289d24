//! Literals and expressions of every type.

use chrono::{Days, NaiveDate};

use super::*;

impl Gen<'_> {
    // -- literals ------------------------------------------------------------

    pub(super) fn date(&mut self) -> NaiveDate {
        let d = NaiveDate::from_ymd_opt(2019, 6, 1).unwrap_or_default()
            + Days::new(self.r.below(1200) as u64);
        self.m.dates.push(d);
        d
    }

    /// A value of a numeric type, in hundredths.
    pub(super) fn num(&mut self, ty: Ty) -> i64 {
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
    pub(super) fn num_lit(&mut self, ty: Ty, v: i64) -> String {
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

    pub(super) fn lit(&mut self, ty: Ty) -> String {
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
    pub(super) fn value(&mut self, ty: Ty) -> String {
        match ty {
            Ty::Enum(e) => self.r.pick(&self.m.enums[e].variants),
            _ => self.lit(ty),
        }
    }

    /// A variant of enumeration `e`, bare or qualified.
    pub(super) fn variant(&mut self, e: usize, bare_ok: bool) -> String {
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
    pub(super) fn paren(&mut self, ty: Ty, depth: usize) -> String {
        let e = self.expr(ty, depth);
        if e.contains(' ') || e.starts_with('-') {
            format!("({e})")
        } else {
            e
        }
    }

    /// An aggregate over 单位's members of type `ty`, when there is one.
    fn aggregate(&mut self, ty: Ty) -> Option<String> {
        let v = self.num(Ty::Months);
        let k = self.num_lit(Ty::Months, v / 100 * 100);
        let op = self.r.pick(&[">=", ">", "<", "=="]);
        let cond = self.r.pick(&[
            format!("期限 {op} {k}"),
            format!("期限 {op} {k} and 参保"),
            "参保".to_string(),
        ]);
        Some(match ty {
            Ty::Persons if self.r.one_in(3) => "count(成员)".to_string(),
            Ty::Persons => format!("count(成员 where {cond})"),
            Ty::Money => format!("sum(成员, 工资 where {cond})"),
            Ty::Bool => {
                let f = self.r.pick(&["all", "any"]);
                if self.r.one_in(2) {
                    format!("{f}(成员, {cond})")
                } else {
                    format!("{f}(成员, 期限 {op} {k} where 参保)")
                }
            }
            Ty::Months => format!("{}(成员, 期限 where {cond})", self.r.pick(&["min", "max"])),
            _ => return None,
        })
    }

    pub(super) fn leaf(&mut self, ty: Ty) -> String {
        if self.m.members && self.r.one_in(5) {
            if let Some(a) = self.aggregate(ty) {
                return a;
            }
        }
        let mut names = self.m.fields_of(ty);
        names.extend(self.m.params_of(ty));
        if names.is_empty() || self.r.one_in(4) {
            self.lit(ty)
        } else {
            self.r.pick(&names)
        }
    }

    pub(super) fn expr(&mut self, ty: Ty, depth: usize) -> String {
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

    pub(super) fn min_max(&mut self, ty: Ty, d: usize) -> String {
        let f = self.r.pick(&["min", "max"]);
        let n = 2 + self.r.below(2);
        let args: Vec<String> = (0..n).map(|_| self.expr(ty, d)).collect();
        format!("{f}({})", args.join(", "))
    }

    pub(super) fn if_expr(&mut self, ty: Ty, d: usize) -> String {
        format!(
            "if {} then {} else {}",
            self.paren(Ty::Bool, d),
            self.paren(ty, d),
            self.paren(ty, d)
        )
    }

    pub(super) fn match_expr(&mut self, ty: Ty, d: usize) -> Option<String> {
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

    pub(super) fn money_expr(&mut self, d: usize) -> String {
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

    pub(super) fn numeric_expr(&mut self, ty: Ty, d: usize) -> String {
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

    pub(super) fn date_expr(&mut self, d: usize) -> String {
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

    pub(super) fn bool_expr(&mut self, d: usize) -> String {
        if !self.m.doc_lets.is_empty() && self.r.one_in(6) {
            return self.r.pick(&self.m.doc_lets.clone());
        }
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
}

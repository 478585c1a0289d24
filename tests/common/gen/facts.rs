//! Facts records that probe a policy, and application dates.

use std::fmt::Write as _;

use chrono::{Datelike, Days, NaiveDate};

use super::*;

impl Gen<'_> {
    // -- facts ---------------------------------------------------------------

    pub(super) fn record(&mut self, entity: &str) -> String {
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
        if entity == "单位" && self.m.members && !self.r.one_in(6) {
            let members: Vec<String> = (0..self.r.below(4))
                .map(|_| {
                    let mut m = Vec::new();
                    if !self.r.one_in(8) {
                        m.push(format!("\"期限\": {}", self.fact(Ty::Months)));
                    }
                    if !self.r.one_in(8) {
                        m.push(format!("\"参保\": {}", self.fact(Ty::Bool)));
                    }
                    if !self.r.one_in(8) {
                        m.push(format!("\"工资\": {}", self.fact(Ty::Money)));
                    }
                    format!("{{{}}}", m.join(", "))
                })
                .collect();
            if !first {
                out.push_str(", ");
            }
            let _ = write!(out, "\"成员\": [{}]", members.join(", "));
        }
        out.push_str("}}");
        out
    }

    /// A fact value as JSON text.
    pub(super) fn fact(&mut self, ty: Ty) -> String {
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
    pub(super) fn fact_value(&mut self, ty: Ty) -> i64 {
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
    pub(super) fn write_number(&mut self, ty: Ty, v: i64) -> String {
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
    pub(super) fn eval_dates(&mut self) -> Vec<NaiveDate> {
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

//! The policy text: header, parameters, localities, measures, parts, rules and examples.

use std::fmt::Write as _;

use chrono::{Days, NaiveDate};

use super::*;

impl Gen<'_> {
    // -- the policy ------------------------------------------------------------

    pub(super) fn policy(&mut self) -> String {
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
        // member records (issue 13 point 4), added without drawing, so that
        // the other choices of a seed stay the same
        self.m.members = !self.m.shared;
        if self.m.members {
            s = s.replacen(
                "entity 单位 \"用人单位\" {\n",
                "record 成员 {\n  期限: integer<月>\n  参保: bool\n  工资: money\n}\nentity 单位 \"用人单位\" {\n  成员: list<成员>\n",
                1,
            );
        }
        self.parameters(&mut s);
        if !self.m.shared && self.r.one_in(2) {
            for i in 0..1 + self.r.below(2) {
                let value = self.bool_expr(2);
                let _ = writeln!(s, "let 文档条件{i} = {value}");
                self.m.doc_lets.push(format!("文档条件{i}"));
            }
        }
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

    pub(super) fn type_text(&self, ty: Ty) -> String {
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

    pub(super) fn parameters(&mut self, s: &mut String) {
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
                        let mut dv = self.between(ty, floor, cap);
                        // a default that is the floor or the cap: the value is
                        // only a bound where the locality sets none (issue 14)
                        match (floor, cap, self.r.below(3)) {
                            (Some(f), _, 0) => dv = f,
                            (_, Some(c), 1) => dv = c,
                            _ => {}
                        }
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
    pub(super) fn between(&mut self, ty: Ty, floor: Option<i64>, cap: Option<i64>) -> i64 {
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

    pub(super) fn localities(&mut self, s: &mut String) {
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

    pub(super) fn measure(
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
    pub(super) fn part_decls(
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
    pub(super) fn rules(&mut self, s: &mut String, kind: &str) -> Vec<String> {
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
        // dates and durations given (issue 14, point 2): in a measure that
        // can give them, every rule gives a date (`until`) or a duration
        // (`for`, in months), of one kind written on all or none
        let value =
            matches!(kind, "deferral" | "loan_terms" | "procedural_right") && self.r.one_in(2);
        let (form, vty) = if self.r.one_in(2) {
            ("until", Ty::Date)
        } else {
            ("for", Ty::Months)
        };
        let vgives = self
            .r
            .one_in(3)
            .then(|| self.r.pick(&["deferral", "extension", "term"]).to_string());
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
                if value {
                    if !self.r.one_in(5) {
                        self.value_clauses(s, form, vty, vgives.as_deref());
                    }
                } else if !self.r.one_in(5) {
                    let e = self.expr(Ty::Money, 3);
                    // a rule's own bound (issue 14): the figure decided by someone else
                    let own = match self.r.below(8) {
                        0 => "at most ",
                        1 => "at least ",
                        _ => "",
                    };
                    let _ = writeln!(s, "    amount {own}{e}");
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

    /// `until E` / `for E` with a floor and a cap of its type, the floor
    /// never after the cap when both are literals.
    fn value_clauses(&mut self, s: &mut String, form: &str, ty: Ty, gives: Option<&str>) {
        let e = self.expr(ty, 2);
        let _ = writeln!(s, "    {form} {e}");
        let (mut a, mut b) = (self.lit(ty), self.lit(ty));
        if ty == Ty::Date {
            if a > b {
                std::mem::swap(&mut a, &mut b);
            }
        } else {
            let n = |x: &str| x.split(' ').next().and_then(|d| d.parse::<f64>().ok());
            if n(&a) > n(&b) {
                std::mem::swap(&mut a, &mut b);
            }
        }
        if self.r.one_in(3) {
            let _ = writeln!(s, "    floor {a}");
        }
        if self.r.one_in(2) {
            let _ = writeln!(s, "    cap {b}");
        }
        if let Some(g) = gives {
            let _ = writeln!(s, "    gives {g}");
        }
    }

    pub(super) fn examples(&mut self, s: &mut String) {
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
}

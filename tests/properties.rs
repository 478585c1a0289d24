//! Property tests over random *valid* policies and matching facts.
//!
//! The generator below writes policy text that uses every construct of the
//! language: a document header, departments, enumerations, entities with a
//! field of every type, constant, versioned and delegated parameters (with
//! default, floor and cap, and `choice`), sections, localities, measures with
//! every clause, rules with parts and exceptions, and expressions with every
//! operator, `min`/`max`, `if`, `match`/`by`, `in`, qualified variants and date
//! arithmetic, and examples. Facts are generated to match the entity.
//!
//! It draws its decisions from a tape of numbers that proptest generates and
//! shrinks, so a failing case shrinks to a smaller policy. Properties:
//!
//! - every generated policy compiles (the generator is right);
//! - export → `Policy::from_json` gives an equal policy;
//! - evaluating from the source and from the JSON gives the same evaluation
//!   (compared serialized), with and without explanations;
//! - evaluation is deterministic;
//! - `policyc test` on the generated examples reports, example by example,
//!   what evaluating them with the library gives, and exits 1 exactly when one
//!   fails;
//! - `policyc fmt` is idempotent and keeps the IR (source positions aside).
//!
//! The number of cases is modest (64) so that `cargo test` stays fast; set
//! `PROPTEST_CASES=10000` for a longer run.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failed expectation should stop the test loudly"
)]

use std::fmt::Write as _;

use chrono::NaiveDate;
use policyc::eval::{self, Facts, Request};
use policyc::ir::Policy;
use policyc::source::SourceMap;
use proptest::prelude::*;

// ---------------------------------------------------------------------------
// The tape

/// Decisions drawn from proptest's numbers; once they run out every choice is
/// the first (smallest) one, so shrinking the tape shrinks the policy.
struct Tape {
    data: Vec<u16>,
    pos: usize,
}

impl Tape {
    fn new(data: Vec<u16>) -> Self {
        Tape { data, pos: 0 }
    }

    /// A number in `0..n` (0 when `n` is 0).
    fn pick(&mut self, n: usize) -> usize {
        let v = self.data.get(self.pos).copied().unwrap_or(0);
        self.pos += 1;
        if n == 0 {
            0
        } else {
            usize::from(v) % n
        }
    }

    fn chance(&mut self, one_in: usize) -> bool {
        self.pick(one_in) == 0
    }

    fn choose<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.pick(xs.len())]
    }

    /// A date between 2018 and 2022.
    fn date(&mut self) -> NaiveDate {
        let y = 2018 + self.pick(5) as i32;
        let m = 1 + self.pick(12) as u32;
        let d = 1 + self.pick(28) as u32;
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn money(&mut self) -> String {
        match self.pick(4) {
            0 => format!("{} 元", self.pick(100_000)),
            1 => format!("{}.{:02} 元", self.pick(10_000), self.pick(100)),
            2 => format!("{} 万元", 1 + self.pick(50)),
            _ => format!("{}.5 万元", self.pick(20)),
        }
    }

    fn percent(&mut self) -> String {
        match self.pick(3) {
            0 => format!("{}%", self.pick(101)),
            1 => format!("{}.5%", self.pick(20)),
            _ => format!("{}.25%", self.pick(5)),
        }
    }
}

// ---------------------------------------------------------------------------
// The model: what the generated policy declares, so that expressions only use
// what exists, with the right types.

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Ty {
    Bool,
    Money,
    Percent,
    Persons,
    Months,
    MoneyPerMonth,
    Date,
    Decimal,
    Integer,
    /// enumeration number
    Enum(usize),
}

const FIELD_TYPES: [Ty; 9] = [
    Ty::Bool,
    Ty::Money,
    Ty::Percent,
    Ty::Persons,
    Ty::Months,
    Ty::MoneyPerMonth,
    Ty::Date,
    Ty::Decimal,
    Ty::Integer,
];

struct Field {
    name: String,
    ty: Ty,
}

struct EnumDef {
    name: String,
    variants: Vec<String>,
}

struct Param {
    name: String,
}

#[derive(Default)]
struct Model {
    enums: Vec<EnumDef>,
    fields: Vec<Field>,
    /// parameters of type money (constant or versioned)
    money_params: Vec<Param>,
    /// the constant rate `money/人/月`
    rate_param: Option<String>,
    /// delegated percentages
    percent_params: Vec<Param>,
    /// delegated choices: name and the index of its enumeration in `enums`
    choice_params: Vec<(String, usize)>,
    localities: Vec<String>,
    departments: Vec<String>,
}

impl Model {
    fn fields_of(&self, ty: Ty) -> Vec<&Field> {
        self.fields.iter().filter(|f| f.ty == ty).collect()
    }
}

fn type_text(m: &Model, ty: Ty) -> String {
    match ty {
        Ty::Bool => "bool".into(),
        Ty::Money => "money".into(),
        Ty::Percent => "percent".into(),
        Ty::Persons => "integer<人>".into(),
        Ty::Months => "integer<月>".into(),
        Ty::MoneyPerMonth => "money/月".into(),
        Ty::Date => "date".into(),
        Ty::Decimal => "decimal".into(),
        Ty::Integer => "integer".into(),
        Ty::Enum(e) => m.enums[e].name.clone(),
    }
}

/// A literal of type `ty` as written in a policy.
fn literal(t: &mut Tape, m: &Model, ty: Ty) -> String {
    match ty {
        Ty::Bool => (if t.chance(2) { "true" } else { "false" }).into(),
        Ty::Money => t.money(),
        Ty::Percent => t.percent(),
        Ty::Persons => format!("{} 人", t.pick(200)),
        Ty::Months => format!("{} 个月", t.pick(36)),
        Ty::MoneyPerMonth => format!("{} 元/月", t.pick(5000)),
        Ty::Date => t.date().to_string(),
        Ty::Decimal => format!("{}.{}", t.pick(5), t.pick(10)),
        Ty::Integer => t.pick(100).to_string(),
        Ty::Enum(e) => t.choose(&m.enums[e].variants).clone(),
    }
}

/// The same value as a facts file writes it.
fn json_literal(t: &mut Tape, m: &Model, ty: Ty) -> serde_json::Value {
    use serde_json::json;
    match ty {
        Ty::Bool => json!(t.chance(2)),
        Ty::Money => match t.pick(3) {
            0 => json!(t.pick(100_000)),
            1 => json!(format!("{} 元", t.pick(100_000))),
            _ => json!(format!("{}.5 万元", t.pick(20))),
        },
        Ty::Percent => {
            if t.chance(2) {
                json!(t.percent())
            } else {
                serde_json::Value::Number(format!("0.0{}", t.pick(10)).parse().unwrap())
            }
        }
        Ty::Persons => json!(t.pick(200)),
        Ty::Months => json!(format!("{} 个月", t.pick(36))),
        Ty::MoneyPerMonth => json!(format!("{} 元/月", t.pick(5000))),
        Ty::Date => json!(t.date().to_string()),
        Ty::Decimal => json!(format!("{}.{}", t.pick(5), t.pick(10))),
        Ty::Integer => json!(t.pick(100)),
        Ty::Enum(e) => json!(t.choose(&m.enums[e].variants).clone()),
    }
}

// ---------------------------------------------------------------------------
// Expressions, by type

/// An operand: an expression in parentheses unless it is a name or a literal.
fn expr(t: &mut Tape, m: &Model, ty: Ty, depth: usize) -> String {
    let e = bare_expr(t, m, ty, depth);
    let mut words = e.split(' ');
    let literal = words
        .next()
        .is_some_and(|w| w.starts_with(|c: char| c.is_ascii_digit()))
        && words.count() <= 1;
    if e.contains(' ') && !literal {
        format!("({e})")
    } else {
        e
    }
}

fn bare_expr(t: &mut Tape, m: &Model, ty: Ty, depth: usize) -> String {
    let leaf = depth == 0 || t.chance(3);
    match ty {
        Ty::Bool => bool_expr(t, m, depth, leaf),
        Ty::Money => money_expr(t, m, depth, leaf),
        Ty::Date => {
            let fields = m.fields_of(Ty::Date);
            let base = if fields.is_empty() || t.chance(3) {
                t.date().to_string()
            } else {
                t.choose(&fields).name.clone()
            };
            if leaf {
                base
            } else {
                let by = *t.choose(&["天", "个月", "年"]);
                let sign = *t.choose(&["+", "-"]);
                format!("{base} {sign} {} {by}", t.pick(40))
            }
        }
        other => {
            let fields = m.fields_of(other);
            let mut names: Vec<String> = fields.iter().map(|f| f.name.clone()).collect();
            if other == Ty::Percent {
                names.extend(m.percent_params.iter().map(|p| p.name.clone()));
            }
            if names.is_empty() || t.chance(3) {
                literal(t, m, other)
            } else {
                t.choose(&names).clone()
            }
        }
    }
}

fn bool_expr(t: &mut Tape, m: &Model, depth: usize, leaf: bool) -> String {
    let fields = m.fields_of(Ty::Bool);
    if leaf {
        if !fields.is_empty() && !t.chance(4) {
            return t.choose(&fields).name.clone();
        }
        return literal(t, m, Ty::Bool);
    }
    let d = depth - 1;
    match t.pick(10) {
        0 => format!(
            "{} and {}",
            expr(t, m, Ty::Bool, d),
            expr(t, m, Ty::Bool, d)
        ),
        1 => format!("{} or {}", expr(t, m, Ty::Bool, d), expr(t, m, Ty::Bool, d)),
        2 => format!("not ({})", expr(t, m, Ty::Bool, d)),
        3 => {
            let ty = *t.choose(&[Ty::Money, Ty::Percent, Ty::Persons, Ty::Months, Ty::Integer]);
            let op = *t.choose(&["<", "<=", ">", ">=", "==", "!="]);
            format!("{} {op} {}", expr(t, m, ty, d), expr(t, m, ty, d))
        }
        4 => {
            let op = *t.choose(&["<", "<=", ">", ">="]);
            format!(
                "{} {op} {}",
                expr(t, m, Ty::Date, d),
                expr(t, m, Ty::Date, d)
            )
        }
        5 if !m.enums.is_empty() => {
            let e = t.pick(m.enums.len());
            let en = &m.enums[e];
            let scrutinee = match m.fields_of(Ty::Enum(e)).first() {
                Some(f) => f.name.clone(),
                None => format!("{}.{}", en.name, t.choose(&en.variants)),
            };
            let n = 1 + t.pick(en.variants.len());
            let set: Vec<&str> = en.variants.iter().take(n).map(String::as_str).collect();
            format!("{scrutinee} in {{{}}}", set.join(", "))
        }
        6 => {
            // days between two dates are a count of 天
            format!(
                "{} - {} > {} 天",
                expr(t, m, Ty::Date, 0),
                t.date(),
                t.pick(400)
            )
        }
        7 => format!(
            "if {} then {} else {}",
            expr(t, m, Ty::Bool, d),
            expr(t, m, Ty::Bool, d),
            expr(t, m, Ty::Bool, d)
        ),
        8 if !m.enums.is_empty() => {
            let e = t.pick(m.enums.len());
            let en = &m.enums[e];
            match m.fields_of(Ty::Enum(e)).first() {
                Some(f) => format!("{} == {}.{}", f.name, en.name, t.choose(&en.variants)),
                None => "true".into(),
            }
        }
        _ => format!("({})", expr(t, m, Ty::Bool, d)),
    }
}

fn money_expr(t: &mut Tape, m: &Model, depth: usize, leaf: bool) -> String {
    if leaf {
        let mut names: Vec<String> = m
            .fields_of(Ty::Money)
            .iter()
            .map(|f| f.name.clone())
            .collect();
        names.extend(m.money_params.iter().map(|p| p.name.clone()));
        if names.is_empty() || t.chance(3) {
            return t.money();
        }
        return t.choose(&names).clone();
    }
    let d = depth - 1;
    match t.pick(13) {
        0 => format!(
            "{} + {}",
            expr(t, m, Ty::Money, d),
            expr(t, m, Ty::Money, d)
        ),
        1 => format!(
            "{} - {}",
            expr(t, m, Ty::Money, d),
            expr(t, m, Ty::Money, d)
        ),
        2 => format!(
            "{} * {}",
            expr(t, m, Ty::Percent, d),
            expr(t, m, Ty::Money, d)
        ),
        3 => format!(
            "{} * {}",
            expr(t, m, Ty::Money, d),
            expr(t, m, Ty::Decimal, d)
        ),
        4 => format!("{} / {}", expr(t, m, Ty::Money, d), 1 + t.pick(12)),
        5 => format!(
            "{}({}, {})",
            t.choose(&["min", "max"]),
            expr(t, m, Ty::Money, d),
            expr(t, m, Ty::Money, d)
        ),
        6 => format!(
            "if {} then {} else {}",
            expr(t, m, Ty::Bool, d),
            expr(t, m, Ty::Money, d),
            expr(t, m, Ty::Money, d)
        ),
        7 if !m.enums.is_empty() => {
            let e = t.pick(m.enums.len());
            let scrutinee = match m.fields_of(Ty::Enum(e)).first() {
                Some(f) => f.name.clone(),
                None => format!("{}.{}", m.enums[e].name, m.enums[e].variants[0]),
            };
            let keyword = *t.choose(&["match", "by"]);
            let arms: Vec<String> = m.enums[e]
                .variants
                .iter()
                .map(|v| format!("{v} => {}", expr(t, m, Ty::Money, d)))
                .collect();
            format!("{keyword} {scrutinee} {{ {} }}", arms.join(", "))
        }
        8 if !m.choice_params.is_empty() => {
            let (name, e) = t.choose(&m.choice_params).clone();
            let arms: Vec<String> = m.enums[e]
                .variants
                .iter()
                .map(|v| format!("{v} => {}", expr(t, m, Ty::Money, d)))
                .collect();
            format!("by {name} {{ {} }}", arms.join("  "))
        }
        // 月 × 元/月 = 元
        9 => format!(
            "{} * {}",
            expr(t, m, Ty::Months, 0),
            expr(t, m, Ty::MoneyPerMonth, 0)
        ),
        // 人 × 元/人/月 × 月 = 元
        10 if m.rate_param.is_some() => format!(
            "{} * {} * {}",
            expr(t, m, Ty::Persons, 0),
            m.rate_param.clone().unwrap_or_default(),
            expr(t, m, Ty::Months, 0)
        ),
        11 => format!("-({})", expr(t, m, Ty::Money, d)),
        _ => format!("({})", expr(t, m, Ty::Money, d)),
    }
}

// ---------------------------------------------------------------------------
// Policies

/// How the text is laid out: the formatter must bring all of these to one form.
struct Style {
    indent: &'static str,
    crlf: bool,
    comments: bool,
}

struct Generated {
    source: String,
    model: Model,
    /// facts files (JSON) for the main entity
    facts: Vec<String>,
    dates: Vec<NaiveDate>,
}

fn generate(tape: Vec<u16>) -> Generated {
    let t = &mut Tape::new(tape);
    let style = Style {
        indent: ["  ", "    ", "\t", " "][t.pick(4)],
        crlf: t.chance(5),
        comments: t.chance(2),
    };
    let mut m = Model::default();
    let mut s = String::new();
    let ind = style.indent;
    let comment = |t: &mut Tape, s: &mut String| {
        if style.comments && t.chance(3) {
            let _ = write!(s, " // 注释{}", t.pick(100));
        }
    };

    if t.chance(2) {
        let _ = writeln!(
            s,
            "document {{\n{ind}number \"测试〔2020〕{}号\"\n{ind}title \"生成的政策\"\n{ind}issuer \"测试办公厅\"\n{ind}issued 2017-{:02}-{:02}\n{ind}region \"测试区\"\n}}",
            t.pick(100),
            1 + t.pick(12),
            1 + t.pick(28)
        );
    }
    for i in 0..1 + t.pick(3) {
        let name = format!("部门{i}");
        let _ = write!(s, "department {name} = \"测试部门{i}\"");
        comment(t, &mut s);
        s.push('\n');
        m.departments.push(name);
    }
    for e in 0..t.pick(3) {
        let name = format!("等级{e}");
        let variants: Vec<String> = (0..2 + t.pick(3))
            .map(|v| format!("级{e}{}", ["甲", "乙", "丙", "丁"][v]))
            .collect();
        let _ = writeln!(s, "enum {name} {{ {} }}", variants.join(", "));
        m.enums.push(EnumDef { name, variants });
    }
    // the main entity: at least one field of every type except enumerations
    let mut fields = String::new();
    for ty in FIELD_TYPES {
        for i in 0..1 + t.pick(2) {
            let name = format!("{}{i}", field_prefix(ty));
            let _ = writeln!(fields, "{ind}{name}: {}", type_text(&m, ty));
            m.fields.push(Field { name, ty });
        }
    }
    for e in 0..m.enums.len() {
        if !t.chance(4) {
            let name = format!("类别{e}");
            let _ = writeln!(fields, "{ind}{name}: {}", m.enums[e].name);
            m.fields.push(Field {
                name,
                ty: Ty::Enum(e),
            });
        }
    }
    let _ = write!(s, "entity 单位 \"用人单位\" {{\n{fields}}}\n");
    let _ = writeln!(s, "entity 个人 {{\n{ind}年龄: integer<年>\n}}");

    // parameters
    for i in 0..t.pick(3) {
        let name = format!("标准{i}");
        if t.chance(2) {
            let _ = writeln!(s, "parameter {name}: money = {}", t.money());
        } else {
            let first = t.date();
            let second = first + chrono::Days::new(1 + t.pick(400) as u64);
            let _ = writeln!(
                s,
                "parameter {name}: money {{\n{ind}{} from {first}\n{ind}{} from {second}\n}}",
                t.money(),
                t.money()
            );
        }
        m.money_params.push(Param { name });
    }
    if t.chance(2) {
        let _ = writeln!(
            s,
            "parameter 月标准: money/人/月 = {} 元/人/月",
            t.pick(3000)
        );
        m.rate_param = Some("月标准".into());
    }
    let mut locality_sets: Vec<(String, String)> = Vec::new();
    for i in 0..t.pick(3) {
        let name = format!("比例上限{i}");
        // floor 1%, cap 50%: locality values are chosen between them
        let mut line = format!("parameter {name}: percent by locality");
        let has_default = t.chance(2);
        if has_default {
            let _ = write!(line, " default {}%", 1 + t.pick(50));
        }
        if t.chance(2) {
            line.push_str(" floor 1%");
        }
        if t.chance(2) {
            line.push_str(" cap 51%");
        }
        let _ = writeln!(s, "{line}");
        locality_sets.push((
            name.clone(),
            if has_default { "?".into() } else { "!".into() },
        ));
        m.percent_params.push(Param { name });
    }
    if t.chance(2) {
        let e = m.enums.len();
        let variants = vec!["按甲方式".to_string(), "按乙方式".to_string()];
        let has_default = t.chance(2);
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
        m.enums.push(EnumDef {
            name: "返还方式".into(),
            variants,
        });
        m.choice_params.push(("返还方式".into(), e));
        locality_sets.push((
            "返还方式".into(),
            if has_default {
                "?c".into()
            } else {
                "!c".into()
            },
        ));
    }
    let sections = t.pick(3);
    for i in 1..=sections {
        let _ = writeln!(s, "section {i} \"第{i}节\"");
    }
    let localities = if locality_sets.iter().any(|(_, k)| k.starts_with('!')) {
        1 + t.pick(2)
    } else {
        t.pick(3)
    };
    for i in 0..localities {
        m.localities.push(format!("城市{i}"));
    }

    // measures
    let kinds = [
        "benefit",
        "refund",
        "fee_waiver",
        "deferral",
        "loan_terms",
        "obligation",
        "target",
        "procedural_right",
        "directive",
    ];
    for number in 1..=1 + t.pick(3) {
        let _ = writeln!(s, "measure {number} \"措施{number}\" {{");
        if sections > 0 && t.chance(2) {
            let _ = writeln!(s, "{ind}section {}", 1 + t.pick(sections));
        }
        let _ = write!(s, "{ind}kind {}", t.choose(&kinds));
        comment(t, &mut s);
        s.push('\n');
        let addressed = !t.chance(6);
        if addressed {
            let _ = writeln!(s, "{ind}to 单位");
        }
        let from = t.date();
        match t.pick(4) {
            0 => {}
            1 => {
                let _ = writeln!(s, "{ind}effective from {from}");
            }
            2 => {
                let _ = writeln!(s, "{ind}effective until {from}");
            }
            _ => {
                let to = from + chrono::Days::new(t.pick(800) as u64);
                let _ = writeln!(s, "{ind}effective {from} to {to}");
                if t.chance(2) {
                    let d = from + chrono::Days::new(t.pick(800) as u64);
                    let _ = writeln!(s, "{ind}applications until {d}");
                }
            }
        }
        // each department has at most one role
        let mut depts = m.departments.clone();
        for role in ["lead", "cooperating", "joint"] {
            if depts.is_empty() || t.chance(2) {
                continue;
            }
            let n = 1 + t.pick(depts.len());
            let names: Vec<String> = depts.drain(..n).collect();
            let _ = writeln!(s, "{ind}{role} {}", names.join(", "));
        }
        if t.chance(2) {
            let _ = writeln!(
                s,
                "{ind}text \"\"\"\n{ind}第{number}条原文，（含全角标点）：……\n{ind}\"\"\""
            );
        } else if t.chance(2) {
            let _ = writeln!(s, "{ind}text \"第{number}条，\\\"引号\\\"\"");
        }
        if addressed {
            write_rules(t, &m, &mut s, ind);
            write_examples(t, &m, &mut s, ind);
        }
        s.push_str("}\n");
    }

    // localities: every delegated value without default is set, within bounds
    for name in &m.localities {
        let _ = writeln!(s, "locality {name} {{");
        for (param, kind) in &locality_sets {
            if kind.starts_with('!') || t.chance(2) {
                let value = if kind.ends_with('c') {
                    t.choose(&["按甲方式", "按乙方式"]).to_string()
                } else {
                    format!("{}%", 1 + t.pick(50))
                };
                let _ = writeln!(s, "{ind}{param} = {value}");
            }
        }
        s.push_str("}\n");
    }
    if style.crlf {
        s = s.replace('\n', "\r\n");
    }

    let mut facts = Vec::new();
    for _ in 0..3 {
        let mut obj = serde_json::Map::new();
        for f in &m.fields {
            match t.pick(4) {
                0 => {}
                1 => {
                    obj.insert(f.name.clone(), serde_json::Value::Null);
                }
                _ => {
                    obj.insert(f.name.clone(), json_literal(t, &m, f.ty));
                }
            }
        }
        facts.push(serde_json::json!({"entity": "单位", "facts": obj}).to_string());
    }
    let dates = (0..3).map(|_| t.date()).collect();
    Generated {
        source: s,
        model: m,
        facts,
        dates,
    }
}

fn field_prefix(ty: Ty) -> &'static str {
    match ty {
        Ty::Bool => "条件",
        Ty::Money => "金额",
        Ty::Percent => "比例",
        Ty::Persons => "人数",
        Ty::Months => "月数",
        Ty::MoneyPerMonth => "月费",
        Ty::Date => "日期",
        Ty::Decimal => "系数",
        Ty::Integer => "整数",
        Ty::Enum(_) => "类别",
    }
}

fn write_rules(t: &mut Tape, m: &Model, s: &mut String, ind: &str) {
    // rules of one part: base rules, and exceptions to earlier rules of the part
    let parts: Vec<Option<String>> = match t.pick(3) {
        0 => vec![None],
        1 => vec![None, Some("部分甲".into())],
        _ => vec![Some("部分甲".into()), Some("部分乙".into())],
    };
    let mut n = 0;
    for part in &parts {
        let mut names: Vec<String> = Vec::new();
        for _ in 0..1 + t.pick(3) {
            let name = format!("规则{n}");
            n += 1;
            let mut head = format!("{ind}rule {name}");
            if let Some(p) = part {
                let _ = write!(head, " part {p}");
            }
            if !names.is_empty() && t.chance(2) {
                let _ = write!(head, " exception to {}", t.choose(&names));
            }
            let _ = writeln!(s, "{head} {{");
            let ind2 = format!("{ind}{ind}");
            if !t.chance(4) {
                let _ = writeln!(s, "{ind2}when {}", expr(t, m, Ty::Bool, 3));
            }
            if !t.chance(4) {
                let _ = writeln!(s, "{ind2}amount {}", expr(t, m, Ty::Money, 3));
                // one kind for every amount, whatever the measure's kind (issue 14)
                let _ = writeln!(s, "{ind2}gives paid");
                if t.chance(3) {
                    let _ = writeln!(s, "{ind2}floor {}", expr(t, m, Ty::Money, 1));
                }
                if t.chance(3) {
                    let _ = writeln!(s, "{ind2}cap {}", expr(t, m, Ty::Money, 1));
                }
            }
            if t.chance(3) {
                let _ = writeln!(s, "{ind2}text \"{name}的原文\"");
            }
            let _ = writeln!(s, "{ind}}}");
            names.push(name);
        }
    }
}

fn write_examples(t: &mut Tape, m: &Model, s: &mut String, ind: &str) {
    let statuses = [
        "eligible",
        "not_eligible",
        "not_addressed",
        "not_in_force",
        "deadline_passed",
        "needs_facts",
        "error",
    ];
    for i in 0..t.pick(3) {
        let ind2 = format!("{ind}{ind}");
        let _ = writeln!(s, "{ind}example \"例{i}\" {{");
        let _ = writeln!(s, "{ind2}date {}", t.date());
        if !m.localities.is_empty() && !t.chance(3) {
            let _ = writeln!(s, "{ind2}locality {}", t.choose(&m.localities));
        }
        if t.chance(6) {
            let _ = writeln!(s, "{ind2}个人 {{ 年龄: {} 年 }}", t.pick(80));
            let _ = writeln!(s, "{ind2}expect not_addressed");
            let _ = writeln!(s, "{ind}}}");
            continue;
        } else {
            let mut facts = Vec::new();
            for f in &m.fields {
                if !t.chance(3) {
                    facts.push(format!("{}: {}", f.name, literal(t, m, f.ty)));
                }
            }
            let _ = writeln!(s, "{ind2}单位 {{ {} }}", facts.join(", "));
        }
        let status = *t.choose(&statuses);
        match status {
            "eligible" if t.chance(2) => {
                let _ = writeln!(s, "{ind2}expect eligible {}", t.money());
            }
            "needs_facts" if !m.fields.is_empty() => {
                let f = &t.choose(&m.fields).name;
                let _ = writeln!(s, "{ind2}expect needs_facts [{f}]");
            }
            other => {
                let _ = writeln!(s, "{ind2}expect {other}");
            }
        }
        let _ = writeln!(s, "{ind}}}");
    }
}

// ---------------------------------------------------------------------------
// Helpers

fn compile(source: &str) -> Result<Policy, String> {
    let mut map = SourceMap::new();
    map.add("generated.policy", source);
    policyc::compile(&map).map_err(|d| policyc::diagnostic::render_plain(&map, &d))
}

/// Every evaluation of `facts` a user can ask for, serialized.
fn evaluations(
    policy: &Policy,
    facts: &Facts,
    dates: &[NaiveDate],
    localities: &[String],
) -> Vec<String> {
    let mut out = Vec::new();
    let mut locs: Vec<Option<&str>> = vec![None];
    locs.extend(localities.iter().map(|l| Some(l.as_str())));
    for &date in dates {
        for &locality in &locs {
            for explain in [false, true] {
                let req = Request {
                    date,
                    locality,
                    explain,
                };
                out.push(match eval::evaluate(policy, facts, &req) {
                    Ok(ev) => serde_json::to_string(&ev).unwrap(),
                    Err(e) => format!("error: {e}"),
                });
            }
        }
    }
    out
}

/// The outcome of every example, serialized.
fn example_outcomes(policy: &Policy) -> Vec<String> {
    let mut out = Vec::new();
    for m in &policy.measures {
        for ex in &m.examples {
            let facts = Facts::from_example(policy, ex);
            let req = Request {
                date: ex.date,
                locality: ex.locality.as_deref(),
                explain: true,
            };
            out.push(match eval::evaluate_one(policy, m, &facts, &req) {
                Ok(r) => serde_json::to_string(&r).unwrap(),
                Err(e) => format!("error: {e}"),
            });
        }
    }
    out
}

/// The IR as JSON with every source position removed (formatting moves them).
fn without_positions(p: &Policy) -> serde_json::Value {
    fn strip(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Object(o) => {
                o.remove("source");
                o.values_mut().for_each(strip);
            }
            serde_json::Value::Array(a) => a.iter_mut().for_each(strip),
            _ => {}
        }
    }
    let mut v = serde_json::to_value(p).unwrap();
    strip(&mut v);
    v
}

fn tape() -> impl Strategy<Value = Vec<u16>> {
    proptest::collection::vec(any::<u16>(), 0..600)
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(64),
        max_shrink_iters: 2000,
        ..ProptestConfig::default()
    })]

    #[test]
    fn generated_policies_compile(tape in tape()) {
        let g = generate(tape);
        if let Err(d) = compile(&g.source) {
            prop_assert!(false, "a generated policy does not compile:\n{d}\n---\n{}", g.source);
        }
    }

    #[test]
    fn export_then_import_gives_the_same_policy(tape in tape()) {
        let g = generate(tape);
        let p = compile(&g.source).unwrap();
        let json = p.to_json().unwrap();
        let back = Policy::from_json(&json).unwrap();
        prop_assert!(back == p, "the policy changed through JSON:\n{}", g.source);
        // and the export of the import is byte-identical
        prop_assert_eq!(back.to_json().unwrap(), json);
    }

    #[test]
    fn evaluating_from_source_and_from_json_agree_and_are_deterministic(tape in tape()) {
        let g = generate(tape);
        let p = compile(&g.source).unwrap();
        let loaded = Policy::from_json(&p.to_json().unwrap()).unwrap();
        for text in &g.facts {
            let facts = Facts::from_json(&p, text);
            let facts_loaded = Facts::from_json(&loaded, text);
            prop_assert_eq!(&facts, &facts_loaded);
            let facts = match facts {
                Ok(f) => f,
                Err(e) => {
                    prop_assert!(false, "generated facts rejected: {e:?}\n{text}");
                    continue;
                }
            };
            let a = evaluations(&p, &facts, &g.dates, &g.model.localities);
            let b = evaluations(&loaded, &facts, &g.dates, &g.model.localities);
            prop_assert_eq!(&a, &b);
            let again = evaluations(&p, &facts, &g.dates, &g.model.localities);
            prop_assert_eq!(&a, &again);
        }
        prop_assert_eq!(example_outcomes(&p), example_outcomes(&loaded));
    }

    #[test]
    fn policyc_test_reports_what_the_library_evaluates(tape in tape()) {
        use clap::Parser as _;
        let g = generate(tape);
        let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("properties");
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("gen-{}.policy", std::process::id()));
        std::fs::write(&path, &g.source).unwrap();
        let cli = policyc::cli::Cli::try_parse_from([
            "policyc",
            "--error-format",
            "plain",
            "test",
            "--format",
            "json",
            path.to_str().unwrap(),
        ])
        .unwrap();
        let (code, out, err) = policyc::cli::run_captured(cli);
        let (out, err) = (String::from_utf8_lossy(&out), String::from_utf8_lossy(&err));
        // the report says, example by example, what the library says
        let p = compile(&g.source).unwrap();
        let mut want = Vec::new();
        for m in &p.measures {
            for ex in &m.examples {
                let req = Request {
                    date: ex.date,
                    locality: ex.locality.as_deref(),
                    explain: false,
                };
                let passed = match eval::evaluate_one(&p, m, &Facts::from_example(&p, ex), &req) {
                    Ok(r) => {
                        r.status == ex.expect.status
                            && ex.expect.amount.is_none_or(|a| r.total == Some(a))
                            && ex.expect.facts.as_ref().is_none_or(|f| {
                                let mut needs: Vec<String> =
                                    r.needs.iter().map(ToString::to_string).collect();
                                needs.sort();
                                *f == needs
                            })
                    }
                    Err(_) => ex.expect.status == policyc::ir::Status::Error,
                };
                want.push((ex.name.clone(), passed));
            }
        }
        let report: serde_json::Value = serde_json::from_str(&out)
            .map_err(|e| TestCaseError::fail(format!("{e}: {out}{err}")))?;
        let got: Vec<(String, bool)> = report["examples"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| (x["example"].as_str().unwrap().to_string(), x["passed"].as_bool().unwrap()))
            .collect();
        prop_assert_eq!(&got, &want, "{}", g.source);
        let failed = want.iter().filter(|x| !x.1).count();
        prop_assert_eq!(report["failed"].as_u64(), Some(failed as u64));
        prop_assert_eq!(report["passed"].as_u64(), Some((want.len() - failed) as u64));
        prop_assert_eq!(code, u8::from(failed > 0), "{}", err);
    }

    #[test]
    fn formatting_is_idempotent_and_keeps_the_ir(tape in tape()) {
        let g = generate(tape);
        let before = compile(&g.source).unwrap();
        let once = match policyc::fmt::format_source(&g.source) {
            Ok(x) => x,
            Err(e) => {
                prop_assert!(false, "fmt failed: {e}\n{}", g.source);
                return Ok(());
            }
        };
        let twice = policyc::fmt::format_source(&once).unwrap();
        prop_assert_eq!(&twice, &once, "fmt is not idempotent");
        let after = compile(&once).unwrap();
        prop_assert_eq!(without_positions(&before), without_positions(&after));
    }
}

/// Every example of the seed policy gives the same outcome from the source and
/// from its JSON export, and every one passes.
#[test]
fn print_a_generated_policy() {
    // `cargo test --test properties print -- --nocapture` shows what the generator writes
    let tape: Vec<u16> = (0..600u32).map(|i| (i * 7919 % 65521) as u16).collect();
    println!("{}", generate(tape).source);
}

#[test]
fn seed_examples_agree_from_source_and_from_json() {
    let mut map = SourceMap::new();
    let mut paths: Vec<std::path::PathBuf> = Vec::new();
    for dir in ["policies/seed", "policies/localities"] {
        for e in std::fs::read_dir(dir).unwrap() {
            paths.push(e.unwrap().path());
        }
    }
    paths.sort();
    for p in &paths {
        map.add(p.display().to_string(), std::fs::read_to_string(p).unwrap());
    }
    let p = policyc::compile(&map)
        .unwrap_or_else(|d| panic!("{}", policyc::diagnostic::render_plain(&map, &d)));
    let loaded = Policy::from_json(&p.to_json().unwrap()).unwrap();
    let a = example_outcomes(&p);
    assert!(a.len() >= 100, "only {} examples", a.len());
    assert_eq!(a, example_outcomes(&loaded));
    for m in &p.measures {
        for ex in &m.examples {
            let r = eval::evaluate_one(
                &p,
                m,
                &Facts::from_example(&p, ex),
                &Request {
                    date: ex.date,
                    locality: ex.locality.as_deref(),
                    explain: false,
                },
            )
            .unwrap();
            assert_eq!(r.status, ex.expect.status, "{} {}", m.label, ex.name);
            if let Some(a) = ex.expect.amount {
                assert_eq!(r.total, Some(a), "{} {}", m.label, ex.name);
            }
        }
    }
}

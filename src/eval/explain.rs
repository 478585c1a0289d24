//! Explanations: for each rule, each condition with its value, the parameter
//! values used and where they came from, and each amount step by step with the
//! numbers filled in. Plus the text rendering of an evaluation.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use serde::Serialize;

use super::ops::{self, OpError};
use super::slots::Slots;
use super::{param_value, Ctx, Ev, Evaluation, CURRENCY, ROUNDING};
use crate::ir::{BinOp, Expr, Gives, Measure, Node, RuleDef, Status, Type, Value};
use crate::source::SourceRef;

/// Why a measure came out as it did: one entry per rule.
#[derive(Clone, Debug, Serialize)]
pub struct Explanation {
    /// The measure's own condition (`when` at measure level), explained once
    /// for every rule.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub condition: Option<Step>,
    /// The rules in order.
    pub rules: Vec<RuleExplanation>,
    /// Who answers for the measure (its own departments and the document's
    /// for every measure); absent when none is named.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub departments: Option<super::ShownDepartments>,
}

/// How one rule evaluated.
#[derive(Clone, Debug, Serialize)]
pub struct RuleExplanation {
    /// The rule.
    pub rule: String,
    /// Its part.
    pub part: Option<String>,
    /// The rule it is an exception to.
    pub exception_to: Option<String>,
    /// The sentence it encodes.
    pub text: Option<String>,
    /// Where it is written.
    pub source: SourceRef,
    /// Its condition.
    pub condition: Option<Step>,
    /// Its amount.
    pub amount: Option<Step>,
    /// Its date or duration (`until E`, `for E`), if it gives one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<Step>,
    /// What its date or duration is, and its form (`until`, `for`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_kind: Option<(crate::ir::ValueKind, crate::ir::ValueForm)>,
    /// Its floor.
    pub floor: Option<Step>,
    /// Its cap.
    pub cap: Option<Step>,
    /// The kind of value it gives.
    pub gives: Gives,
    /// Set when it is discretionary (`may`), with who decides.
    pub discretion: Option<crate::ir::Discretion>,
    /// Its own bound (`amount at most E`): the figure is decided by someone
    /// else within the amount.
    pub bound: Option<crate::ir::AmountBound>,
}

/// One evaluated expression.
#[derive(Clone, Debug, Serialize)]
pub struct Step {
    /// The expression as written in the policy.
    pub expr: String,
    /// `held`, `failed` or `unknown` for conditions; `value` otherwise.
    pub state: &'static str,
    /// The value (or what it waits for).
    pub value: String,
    /// The expression with the facts and parameters filled in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub computed: Option<String>,
    /// For a parameter: which value was used (dated version, locality, default).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub origin: Option<String>,
    /// The parts of a condition, or the facts and parameters an amount uses.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<Step>,
}

pub(super) fn explain_measure(ctx: &Ctx<'_>, m: &Measure) -> Explanation {
    let rules = m.rules.iter().map(|r| explain_rule(ctx, m, r)).collect();
    Explanation {
        condition: m.condition.as_ref().map(|c| step(ctx, c)),
        rules,
        departments: super::ShownDepartments::of(ctx.policy, m),
    }
}

/// How one rule of `m` evaluates in `ctx`.
pub(super) fn explain_rule(ctx: &Ctx<'_>, m: &Measure, r: &RuleDef) -> RuleExplanation {
    RuleExplanation {
        rule: r.name.clone(),
        part: r.part.clone(),
        exception_to: r
            .exception_to
            .and_then(|i| m.rules.get(i as usize))
            .map(|b| b.name.clone()),
        text: r.text.clone(),
        source: r.source.clone(),
        condition: r.condition.as_ref().map(|c| step(ctx, c)),
        amount: r.amount.as_ref().map(|a| step(ctx, a)),
        value: r.value.as_ref().map(|v| step(ctx, &v.expr)),
        value_kind: r.value.as_ref().map(|v| (v.kind, v.form)),
        floor: r.floor.as_ref().map(|a| step(ctx, a)),
        cap: r.cap.as_ref().map(|a| step(ctx, a)),
        gives: r.gives,
        discretion: r.discretion.clone(),
        bound: r.bound,
    }
}

fn value_of(ctx: &Ctx<'_>, e: &Expr) -> (Result<Ev, OpError>, String) {
    let v = ops::eval(ctx, e);
    let text = match &v {
        Ok(Ev::Known(val)) => ctx.policy.value_text(val, &e.ty),
        Ok(Ev::Unknown(s)) => format!("unknown: needs {}", names(ctx, s).join(", ")),
        // a delegated value not set is not an error (issue 14, point 5)
        Err(err @ OpError::Eval(x)) if matches!(**x, super::EvalError::NeedsLocality { .. }) => {
            format!("undetermined: {}", describe(err))
        }
        Err(err) => format!("error: {}", describe(err)),
    };
    (v, text)
}

fn describe(e: &OpError) -> String {
    match e {
        OpError::Overflow => "overflow".into(),
        OpError::DivisionByZero => "division by zero".into(),
        OpError::DateOutOfRange => "date out of range".into(),
        OpError::EmptyAggregate(a) => format!("`{a}` of no member"),
        OpError::Eval(x) => x.to_string(),
    }
}

fn names(ctx: &Ctx<'_>, s: &Slots) -> Vec<String> {
    let entity = ctx.facts.entity;
    let name = |i| super::members::fact_name(ctx.policy, entity, i);
    s.iter().filter_map(name).collect()
}

fn step(ctx: &Ctx<'_>, e: &Expr) -> Step {
    let (v, value) = value_of(ctx, e);
    let state = if e.ty == Type::Bool {
        match v {
            Ok(Ev::Known(Value::Bool(true))) => "held",
            Ok(Ev::Known(_)) => "failed",
            _ => "unknown",
        }
    } else {
        "value"
    };
    let expr = ctx.policy.expr_text(e);
    let mut s = Step {
        expr,
        state,
        value,
        computed: None,
        origin: None,
        children: Vec::new(),
    };
    match &e.node {
        Node::Binary {
            op: op @ (BinOp::And | BinOp::Or),
            ..
        } => {
            let mut parts = Vec::new();
            flatten(e, *op, &mut parts);
            s.children = parts.into_iter().map(|p| step(ctx, p)).collect();
        }
        Node::Not { arg } => s.children = vec![step(ctx, arg)],
        Node::Literal { .. } => {}
        // an aggregate is shown with its value, like a fact
        Node::Field { .. } | Node::Aggregate { .. } | Node::Member { .. } => {}
        Node::ApplicationDate => s.origin = Some("the application date".into()),
        // shown by name, with how its value came about under it
        Node::Definition {
            value, document, ..
        } => {
            s.origin = Some(if *document {
                "a definition of the document".into()
            } else {
                "a definition of the measure".into()
            });
            s.children = vec![step(ctx, value)];
        }
        Node::Param { index, .. } => {
            s.origin = param_value(ctx, *index).ok().map(|(_, o)| {
                // a default that is the floor (cap) is only a bound
                match super::bounds::param_bound(ctx.scenario, *index) {
                    super::Bound::AtLeast => format!("{o}; the floor: the value is at least this"),
                    super::Bound::AtMost => format!("{o}; the cap: the value is at most this"),
                    _ => o,
                }
            });
        }
        _ => {
            let mut computed = String::new();
            substitute(ctx, e, &mut computed, 0);
            if computed != s.expr {
                s.computed = Some(format!("{computed} = {}", s.value));
            }
            let mut leaves = Vec::new();
            collect_leaves(e, &mut leaves);
            let mut seen = BTreeSet::new();
            for l in leaves {
                let key = ctx.policy.expr_text(l);
                if seen.insert(key) {
                    s.children.push(step(ctx, l));
                }
            }
        }
    }
    s
}

fn flatten<'e>(e: &'e Expr, op: BinOp, out: &mut Vec<&'e Expr>) {
    match &e.node {
        Node::Binary { op: o, lhs, rhs } if *o == op => {
            flatten(lhs, op, out);
            flatten(rhs, op, out);
        }
        _ => out.push(e),
    }
}

fn collect_leaves<'e>(e: &'e Expr, out: &mut Vec<&'e Expr>) {
    match &e.node {
        Node::Field { .. }
        | Node::Param { .. }
        | Node::ApplicationDate
        | Node::Definition { .. } => out.push(e),
        Node::Literal { .. } => {}
        Node::Not { arg }
        | Node::Neg { arg }
        | Node::In { arg, .. }
        | Node::InPeriod { arg, .. } => collect_leaves(arg, out),
        Node::Binary { lhs, rhs, .. } => {
            collect_leaves(lhs, out);
            collect_leaves(rhs, out);
        }
        Node::If {
            cond,
            then,
            otherwise,
        } => {
            collect_leaves(cond, out);
            collect_leaves(then, out);
            collect_leaves(otherwise, out);
        }
        Node::Match { scrutinee, arms } => {
            collect_leaves(scrutinee, out);
            // only the arm taken matters, but the analyst may want all; keep the scrutinee
            let _ = arms;
        }
        Node::Call { args, .. } => {
            for a in args {
                collect_leaves(a, out);
            }
        }
        // an aggregate is shown with its value; its members' facts are not leaves
        Node::Aggregate { .. } => out.push(e),
        Node::Member { .. } => {}
    }
}

/// Prints `e` with facts and parameters replaced by their values; a match prints only the arm taken.
fn substitute(ctx: &Ctx<'_>, e: &Expr, out: &mut String, parent: u8) {
    match &e.node {
        Node::Field { .. }
        | Node::Aggregate { .. }
        | Node::Member { .. }
        | Node::Param { .. }
        | Node::ApplicationDate
        | Node::Definition { .. } => {
            let (_, text) = value_of(ctx, e);
            if text.starts_with("unknown") {
                let _ = write!(out, "?{}", ctx.policy.expr_text(e));
            } else {
                out.push_str(&text);
            }
        }
        Node::Binary { op, lhs, rhs } => {
            let p = op.precedence();
            if p < parent {
                out.push('(');
            }
            substitute(ctx, lhs, out, p);
            let sym = match op {
                BinOp::Mul => "×",
                BinOp::Div => "÷",
                o => o.symbol(),
            };
            let _ = write!(out, " {sym} ");
            substitute(ctx, rhs, out, p + 1);
            if p < parent {
                out.push(')');
            }
        }
        Node::If {
            cond,
            then,
            otherwise,
        } => {
            let (v, _) = value_of(ctx, cond);
            let branch = match v {
                Ok(Ev::Known(Value::Bool(true))) => Some(then),
                Ok(Ev::Known(Value::Bool(false))) => Some(otherwise),
                _ => None,
            };
            match branch {
                Some(b) => {
                    let _ = write!(
                        out,
                        "[{}] ",
                        if std::ptr::eq(b.as_ref(), then.as_ref()) {
                            "then"
                        } else {
                            "else"
                        }
                    );
                    let wrap = parent > 0
                        && matches!(
                            b.node,
                            Node::Binary { .. } | Node::If { .. } | Node::Match { .. }
                        );
                    if wrap {
                        out.push('(');
                    }
                    substitute(ctx, b, out, 0);
                    if wrap {
                        out.push(')');
                    }
                }
                None => {
                    out.push('(');
                    out.push_str(&ctx.policy.expr_text(e));
                    out.push(')');
                }
            }
        }
        Node::Match { scrutinee, arms } => match ops::eval(ctx, scrutinee) {
            Ok(Ev::Known(Value::Variant(v))) => match arms.get(v as usize) {
                Some(arm) => {
                    let _ = write!(out, "[{}] ", arm.name);
                    substitute(ctx, &arm.value, out, parent);
                }
                None => out.push_str(&ctx.policy.expr_text(e)),
            },
            _ => out.push_str(&ctx.policy.expr_text(e)),
        },
        Node::InPeriod { arg, from, to } => {
            if 3 < parent {
                out.push('(');
            }
            substitute(ctx, arg, out, 4);
            let _ = write!(out, " in {from} to {to}");
            if 3 < parent {
                out.push(')');
            }
        }
        Node::Call { func, args } => {
            out.push_str(match func {
                crate::ir::Func::Min => "min(",
                crate::ir::Func::Max => "max(",
            });
            for (i, a) in args.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                substitute(ctx, a, out, 0);
            }
            out.push(')');
        }
        _ => out.push_str(&ctx.policy.expr_text(e)),
    }
}

/// Renders an evaluation for people: one block per measure, the explanation
/// tree under it when present, and the total.
pub fn render_text(ev: &Evaluation) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} on {}{}",
        ev.entity,
        ev.date,
        ev.locality
            .as_ref()
            .map(|l| format!(" in {l}"))
            .unwrap_or_default()
    );
    for m in &ev.measures {
        let amount = match (m.status, m.total) {
            (Status::Eligible, Some(t)) => {
                format!(
                    "  {}{} 元 {}",
                    m.bound.words(),
                    fen(t),
                    m.gives.map_or("", |g| g.keyword())
                )
            }
            _ => match (m.status, &m.value) {
                (Status::Eligible, Some(v)) => format!("  {} {}", v.kind.words(v.form), v.value),
                _ => String::new(),
            },
        };
        let _ = writeln!(
            out,
            "\n{}{}  {}{}",
            m.label,
            m.title,
            m.status.keyword(),
            amount
        );
        let _ = writeln!(out, "  {}", m.reason);
        for p in &m.parts {
            let amount = match (p.status, p.total) {
                (Status::Eligible, Some(t)) => format!(" {} 元", fen(t)),
                _ => String::new(),
            };
            let _ = writeln!(
                out,
                "  part {}: {}{} ({})",
                p.part.unwrap_or("(main)"),
                p.status.keyword(),
                amount,
                p.reason
            );
        }
        for a in &m.amounts {
            let bound = match a.bounded_by {
                Some(b) => format!(
                    " (computed {} 元, limited by its {b})",
                    a.computed.normalize()
                ),
                None => String::new(),
            };
            let part = a
                .part
                .as_ref()
                .map(|p| format!(" [{p}]"))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "  rule {}{}: {}{} 元, {}{}  ({})",
                a.rule,
                part,
                a.bound.words(),
                fen(a.amount),
                a.kind.words(),
                bound,
                a.source
            );
        }
        for v in &m.values {
            let part = v.part.map(|p| format!(" [{p}]")).unwrap_or_default();
            let text = match (v.bounded_by, v.text) {
                (Some(_), Some(t)) => format!(" 「{}」", t.replace('\n', "")),
                _ => String::new(),
            };
            let _ = writeln!(
                out,
                "  rule {}{}: {}{}  ({})",
                v.rule,
                part,
                v.words(),
                text,
                v.source
            );
        }
        if let Some(x) = &m.explanation {
            if let Some(d) = &x.departments {
                let _ = writeln!(out, "  ├ departments: {}", d.words());
            }
            if let Some(c) = &x.condition {
                let _ = writeln!(out, "  ├ measure condition, for every rule");
                write_step(&mut out, "when", c, 2);
            }
            for r in &x.rules {
                let exc = r
                    .exception_to
                    .as_ref()
                    .map(|b| format!(" exception to {b}"))
                    .unwrap_or_default();
                let _ = writeln!(out, "  ├ rule {}{}  {}", r.rule, exc, r.source);
                if let Some(d) = &r.discretion {
                    let _ = writeln!(out, "  │   {}", d.words());
                }
                if let Some((k, f)) = r.value_kind {
                    let what = match f {
                        crate::ir::ValueForm::Until => "a date",
                        crate::ir::ValueForm::For => "a duration",
                    };
                    let _ = writeln!(out, "  │   gives {}: {what}", k.keyword());
                }
                if r.amount.is_some() || r.gives != Gives::None {
                    let _ = writeln!(
                        out,
                        "  │   gives {}: {}",
                        r.gives.keyword(),
                        r.gives.words()
                    );
                }
                if let Some(t) = &r.text {
                    let _ = writeln!(out, "  │   「{}」", t.replace('\n', ""));
                }
                if let Some(c) = &r.condition {
                    write_step(&mut out, "when", c, 2);
                }
                let vkw = r.value_kind.map_or("until", |(_, f)| f.keyword());
                let amount_kw = match r.bound {
                    Some(b) => {
                        let _ = writeln!(
                            out,
                            "  │   {}: the figure is decided by someone else, {} the amount",
                            b.words(),
                            b.words()
                        );
                        format!("amount {}", b.words())
                    }
                    None => "amount".to_string(),
                };
                for (kw, s) in [
                    (amount_kw.as_str(), &r.amount),
                    (vkw, &r.value),
                    ("floor", &r.floor),
                    ("cap", &r.cap),
                ] {
                    if let Some(s) = s {
                        write_step(&mut out, kw, s, 2);
                    }
                }
            }
        }
    }
    let eligible = ev
        .measures
        .iter()
        .filter(|m| m.status == Status::Eligible)
        .count();
    let _ = writeln!(
        out,
        "\ntotal {}{} 元 ({CURRENCY}) paid or refunded, from {eligible} eligible measure{}; amounts rounded to the {ROUNDING}",
        ev.total_bound.words(),
        fen(ev.total),
        if eligible == 1 { "" } else { "s" }
    );
    for (k, t) in ev.totals_by_kind.nonzero().filter(|(k, _)| !k.is_outlay()) {
        let _ = writeln!(
            out,
            "{} {}{} 元: {}, not in the total",
            k.keyword(),
            ev.bounds_by_kind.get(k).words(),
            fen(t),
            k.words()
        );
    }
    out
}

fn write_step(out: &mut String, kw: &str, s: &Step, depth: usize) {
    let pad = "  │ ".to_string() + &"  ".repeat(depth.saturating_sub(1));
    let mark = match s.state {
        "held" => "✓ ",
        "failed" => "✗ ",
        "unknown" => "? ",
        _ => "",
    };
    let head = if kw.is_empty() {
        String::new()
    } else {
        format!("{kw} ")
    };
    let _ = write!(out, "{pad}{mark}{head}{}", s.expr);
    if s.state == "value" || s.state == "unknown" {
        let _ = write!(out, "  → {}", s.value);
    }
    if let Some(o) = &s.origin {
        let _ = write!(out, "  ({o})");
    }
    out.push('\n');
    if let Some(c) = &s.computed {
        let _ = writeln!(out, "{pad}    = {c}");
    }
    for c in &s.children {
        write_step(out, "", c, depth + 1);
    }
}

/// An amount with two decimals: `48000.00` ([`super::arith::money_text`], the
/// one rendering of money).
fn fen(d: rust_decimal::Decimal) -> String {
    super::arith::money_text(d).unwrap_or_else(|| d.to_string())
}

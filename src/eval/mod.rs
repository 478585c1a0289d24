//! The evaluation stage: runs the IR for one entity on one date in one locality.
//!
//! Evaluation is total and deterministic: the IR has no loops or recursion
//! (exceptions form a tree checked at compile time), every operation is exact or
//! an error, and nothing reads the clock or the disk. Unknown facts propagate
//! with Kleene's three-valued logic: `false and ?` is false, so a fact that
//! cannot change the outcome is never asked for.

#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

pub mod arith;
mod bounded_cond;
mod bounds;
mod departments;
pub use departments::ShownDepartments;
mod discretion;
mod error;
mod examples;
mod explain;
mod facts;
mod gate;
mod kinds;
mod lookup;
mod members;
mod ops;
mod parts;
pub(crate) mod residual;
mod scenario;
mod slots;
mod undetermined;
mod values;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

pub use arith::round_fen;
pub(crate) use bounds::reads_bounded;
pub use bounds::Bound;
pub use error::{EvalError, FactsError, UnknownLocality};
pub use examples::{run_example, run_examples, ExampleOutcome};
pub use explain::{render_text, Explanation, Step};
pub(crate) use facts::{cell_value, scalar_value, Scalar, ValueError};
pub use facts::{Facts, MAX_MAGNITUDE};
pub use kinds::{KindBounds, KindTotals};
pub(crate) use lookup::{param_lookup, param_value, shift_date};
pub(crate) use members::member_facts;
pub use parts::PartResult;
use residual::{fact_names, needs_reason};
pub(crate) use scenario::Origin;
pub use scenario::Scenario;
use slots::Slots;
pub use undetermined::Unset;
pub use values::RuleGiven;

use crate::ir::{Expr, Gives, Measure, MeasureKind, Policy, RuleDef, Status, Value};
use crate::source::SourceRef;

/// The currency of every amount.
pub const CURRENCY: &str = "CNY";
/// How amounts are rounded: to the fen, half away from zero.
pub const ROUNDING: &str = "fen, half away from zero";

/// What to evaluate: the application date and the locality.
#[derive(Clone, Debug)]
pub struct Request<'a> {
    /// The application date.
    pub date: NaiveDate,
    /// The locality whose delegated values apply.
    pub locality: Option<&'a str>,
    /// Whether to build explanations.
    pub explain: bool,
}

/// The outcome for one entity: every measure's result and the total.
///
/// The names and titles it holds are borrowed from the policy (`'p`), so that
/// evaluating does not copy them.
#[derive(Clone, Debug, Serialize)]
pub struct Evaluation<'p> {
    /// The entity's name.
    pub entity: String,
    /// The application date.
    pub date: NaiveDate,
    /// The locality.
    pub locality: Option<String>,
    /// One result per measure, in measure order.
    pub measures: Vec<MeasureResult<'p>>,
    /// The budget outlay: the sum of the eligible measures' amounts of money
    /// paid or refunded ([`Gives::is_outlay`]); other kinds are not in it.
    pub total: Decimal,
    /// The eligible measures' amounts summed per kind of value.
    pub totals_by_kind: KindTotals,
    /// Per kind of value, whether its total is exact or a bound.
    pub bounds_by_kind: KindBounds,
    /// Whether `total` is exact or a bound ([`Bound`]).
    pub total_bound: Bound,
    /// Always `CNY`.
    pub currency: &'static str,
}

/// The outcome of one measure; its label, title and rule names are borrowed
/// from the policy (`'p`).
#[derive(Clone, Debug, Serialize)]
pub struct MeasureResult<'p> {
    /// The measure's number.
    pub number: u32,
    /// （三）
    pub label: &'p str,
    /// Its title.
    pub title: &'p str,
    /// Its kind.
    pub kind: MeasureKind,
    /// The status.
    pub status: Status,
    /// Why, in one line.
    pub reason: String,
    /// The amount of each rule that applies.
    pub amounts: Vec<RuleAmount<'p>>,
    /// The sum of the amounts, if any rule gives one.
    pub total: Option<Decimal>,
    /// Whether `total` is exact or a bound ([`Bound`]).
    pub bound: Bound,
    /// The kind of value of the amounts (one per measure), if any rule gives one.
    pub gives: Option<Gives>,
    /// For `eligible`: whether a discretionary rule (`may`) applies, so that
    /// the outcome may be granted rather than being an entitlement.
    pub may: bool,
    /// Who decides, where `may` and the text names them (department full
    /// names, or `the locality`), sorted.
    pub decided_by: Vec<String>,
    /// For `needs_facts`: the facts to ask for, sorted.
    pub needs: Vec<String>,
    /// For `undetermined`: the delegated value not set.
    pub undetermined: Option<Unset>,
    /// For `error`: what went wrong (boxed: errors are rare, and a small
    /// result is cheaper to build and move).
    pub error: Option<Box<EvalError>>,
    /// The explanation, when asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explanation: Option<Explanation>,
    /// For a measure that declares parts: the outcome of each part addressed
    /// to the entity (see `eval::parts`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub parts: Vec<PartResult<'p>>,
    /// For `eligible`: the date or duration given (the latest, the longest
    /// of `values`), for a measure whose rules give one (`until`, `for`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<RuleGiven<'p>>,
    /// The date or duration of each rule that applies and gives one.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<RuleGiven<'p>>,
}

/// The amount one rule gives; the rule's name, part and source are borrowed
/// from the policy (`'p`).
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct RuleAmount<'p> {
    /// The rule.
    pub rule: &'p str,
    /// Its part, if named.
    pub part: Option<&'p str>,
    /// The amount, rounded to the fen.
    pub amount: Decimal,
    /// The amount before floor, cap and rounding.
    pub computed: Decimal,
    /// `floor` or `cap` if one changed the amount.
    pub bounded_by: Option<&'static str>,
    /// Whether the amount is exact, or a bound because it reads a delegated
    /// value the locality has not set whose default is its floor or cap.
    pub bound: Bound,
    /// The kind of value the amount is.
    pub kind: Gives,
    /// Where the rule is written.
    pub source: &'p SourceRef,
}

/// A value, or the facts it is waiting for.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Ev {
    Known(Value),
    Unknown(Slots),
}

/// The context of one evaluation: a scenario and one entity's facts.
pub(crate) struct Ctx<'a> {
    pub policy: &'a Policy,
    pub facts: &'a Facts,
    pub date: NaiveDate,
    pub scenario: &'a Scenario<'a>,
}

/// The value of an expression that reads no fact, in `scenario` (the diff
/// tells a rewrite to an equal value from a change of meaning with it);
/// `None` when it is unknown there or raises an error.
pub(crate) fn closed_value(scenario: &Scenario<'_>, entity: u32, e: &Expr) -> Option<Value> {
    let facts = Facts::unknown(scenario.policy(), entity);
    match ops::eval(&Ctx::new(scenario, &facts), e) {
        Ok(Ev::Known(v)) => Some(v),
        _ => None,
    }
}

impl<'a> Ctx<'a> {
    /// The context of `facts` in `scenario`.
    pub(crate) fn new(scenario: &'a Scenario<'a>, facts: &'a Facts) -> Self {
        Ctx {
            policy: scenario.policy(),
            facts,
            date: scenario.date(),
            scenario,
        }
    }

    /// The same context reading `facts` instead (a part addressed to another
    /// entity reads that entity's facts through its slot map).
    pub(crate) fn with_facts<'b>(&'b self, facts: &'b Facts) -> Ctx<'b> {
        Ctx {
            policy: self.policy,
            facts,
            date: self.date,
            scenario: self.scenario,
        }
    }
}

/// Evaluates every measure of `policy` for `facts`: builds the
/// [`Scenario`] of `req` and evaluates in it ([`Scenario::evaluate`]). To
/// evaluate many entities on one date, build the scenario once.
pub fn evaluate<'p>(
    policy: &'p Policy,
    facts: &Facts,
    req: &Request<'_>,
) -> Result<Evaluation<'p>, EvalError> {
    Scenario::new(policy, req.date, req.locality)?.evaluate(facts, req.explain)
}

/// Evaluates the measures of the scenario's policy (only measure `only`, if
/// given) for `facts`.
fn evaluate_in<'p>(
    scenario: &Scenario<'p>,
    facts: &Facts,
    explain: bool,
    only: Option<u32>,
) -> Result<Evaluation<'p>, EvalError> {
    let policy = scenario.policy();
    let ctx = Ctx::new(scenario, facts);
    let mut measures = Vec::with_capacity(policy.measures.len());
    let mut totals = KindTotals::default();
    let mut bounds = KindBounds::default();
    let mut total = Decimal::new(0, 2);
    let mut total_bound = Bound::Exact;
    for m in &policy.measures {
        if only.is_some_and(|n| n != m.number) {
            continue;
        }
        let r = evaluate_measure(&ctx, m, explain);
        if r.status == Status::Eligible {
            if let (Some(t), Some(k)) = (r.total, r.gives) {
                totals.add(k, t).ok_or_else(|| total_overflow(m))?;
                bounds.join(k, r.bound);
                if k.is_outlay() {
                    total = arith::add_amounts(total, t).ok_or_else(|| total_overflow(m))?;
                    total_bound = total_bound.join(r.bound);
                }
            }
        }
        measures.push(r);
    }
    Ok(Evaluation {
        entity: policy
            .entities
            .get(facts.entity as usize)
            .map(|e| e.name.clone())
            .unwrap_or_default(),
        date: scenario.date(),
        locality: scenario.locality().map(|l| l.name.clone()),
        measures,
        total,
        totals_by_kind: totals,
        bounds_by_kind: bounds,
        total_bound,
        currency: CURRENCY,
    })
}

/// The error of an entity whose measures' amounts add up to more than an
/// amount can be ([`arith::add_fen`]); `m` is the measure whose amount made
/// the total overflow. `policyc batch` rejects such a record with this message.
pub(crate) fn total_overflow(m: &Measure) -> EvalError {
    EvalError::TotalOverflow {
        measure: m.number,
        source_ref: m.source.clone(),
    }
}

/// Evaluates one measure: builds the [`Scenario`] of `req` and evaluates in
/// it ([`Scenario::evaluate_measure`]).
pub fn evaluate_one<'p>(
    policy: &Policy,
    measure: &'p Measure,
    facts: &Facts,
    req: &Request<'_>,
) -> Result<MeasureResult<'p>, EvalError> {
    Ok(
        Scenario::new(policy, req.date, req.locality)?.evaluate_measure(
            measure,
            facts,
            req.explain,
        ),
    )
}

/// The rule that gives a part its value, if one applies.
enum Resolved {
    Applies(usize),
    None,
    Unknown(Slots),
}

/// `parts` joined into one string, allocated once at its final size.
fn concat(parts: &[&str]) -> String {
    let mut s = String::with_capacity(parts.iter().map(|p| p.len()).sum());
    for p in parts {
        s.push_str(p);
    }
    s
}

fn evaluate_measure<'p>(ctx: &Ctx<'_>, m: &'p Measure, explain: bool) -> MeasureResult<'p> {
    let mut r = MeasureResult {
        number: m.number,
        label: &m.label,
        title: &m.title,
        kind: m.kind,
        status: Status::NotEligible,
        reason: String::new(),
        amounts: Vec::new(),
        total: None,
        bound: Bound::Exact,
        gives: None,
        may: false,
        decided_by: Vec::new(),
        needs: Vec::new(),
        undetermined: None,
        error: None,
        explanation: None,
        parts: Vec::new(),
        value: None,
        values: Vec::new(),
    };
    if !m.parts.is_empty() {
        return parts::evaluate(ctx, m, explain, r);
    }
    let entity_name = |i: u32| {
        ctx.policy
            .entities
            .get(i as usize)
            .map_or("?", |e| e.name.as_str())
    };
    if m.addressee != Some(ctx.facts.entity) {
        r.status = Status::NotAddressed;
        r.reason = match m.addressee {
            Some(a) => concat(&[
                "addressed to ",
                entity_name(a),
                ", not ",
                entity_name(ctx.facts.entity),
            ]),
            None => "addressed to administrations, not to an entity".into(),
        };
        return r;
    }
    if let Some(from) = m.effective.from {
        if ctx.date < from {
            r.status = Status::NotInForce;
            r.reason = format!("in force from {from}; the date is {}", ctx.date);
            return r;
        }
    }
    if let Some(d) = m.applications_until {
        if ctx.date > d {
            r.status = Status::DeadlinePassed;
            r.reason = format!("applications closed on {d}; the date is {}", ctx.date);
            return r;
        }
    }
    if let Some(to) = m.effective.to {
        if ctx.date > to {
            r.status = Status::NotInForce;
            r.reason = format!("in force until {to}; the date is {}", ctx.date);
            return r;
        }
    }
    if explain {
        r.explanation = Some(explain::explain_measure(ctx, m));
    }
    let gate = match gate::gate(ctx, m) {
        Ok(gate::Gate::Closed) => {
            gate::closed(ctx, m, &mut r);
            return r;
        }
        Ok(gate::Gate::Unknown(s)) => Some(s),
        Ok(gate::Gate::Open) => None,
        Err(e) => {
            r.status = Status::Error;
            r.reason = e.to_string();
            r.error = Some(Box::new(e));
            return r;
        }
    };
    let mut r = evaluate_rules(ctx, m, r);
    if let Some(missing) = gate {
        gate::unknown(ctx, &missing, &mut r);
    }
    r
}

/// The rules of a measure in force and addressed to the entity.
fn evaluate_rules<'p>(
    ctx: &Ctx<'_>,
    m: &'p Measure,
    mut r: MeasureResult<'p>,
) -> MeasureResult<'p> {
    if m.rules.is_empty() {
        r.status = Status::Eligible;
        r.reason = "in force, and addressed to this entity".into();
        return r;
    }
    // the facts asked are the residual's, in one round (`residual`)
    let decision = match decide(ctx, m) {
        Ok(Decision::Needs(missing)) => {
            match residual::measure(&residual::RowRules { ctx, m }, &residual::bases(m)) {
                residual::Outcome::Decided(w) => Ok(Decision::Winners(w)),
                residual::Outcome::Needs(s) => {
                    Ok(Decision::Needs(if s.is_empty() { missing } else { s }))
                }
            }
        }
        d => d,
    };
    match decision {
        Err(e) => undetermined::fail(ctx, m, &mut r, e),
        Ok(Decision::Needs(missing)) => {
            r.status = Status::NeedsFacts;
            r.needs = fact_names(ctx, &missing);
            r.reason = needs_reason("depends on facts not given: ", &r.needs);
        }
        Ok(Decision::Winners(winners)) if winners.is_empty() => {
            r.status = Status::NotEligible;
            r.reason = "no rule applies".into();
        }
        Ok(Decision::Winners(winners)) => match values::amounts_and_values(ctx, m, &winners) {
            Err(e) => undetermined::fail(ctx, m, &mut r, e),
            Ok(Err(missing)) => {
                let s = residual::winners(ctx, m, &winners);
                r.status = Status::NeedsFacts;
                r.needs = fact_names(ctx, if s.is_empty() { &missing } else { &s });
                r.reason = needs_reason("the amount depends on facts not given: ", &r.needs);
            }
            Ok(Ok((list, vals))) => {
                grant(&mut r, m, &winners, list);
                values::record(&mut r, vals);
            }
        },
    }
    r
}

/// Records in `r` that the rules `winners` of `m` apply, with their amounts
/// `list`: `eligible`, who decides when a winner is discretionary, and the
/// total, kind and bound of the amounts — or `error` when the total
/// overflows. The one place both the measure and its parts are granted.
fn grant<'p>(r: &mut MeasureResult<'p>, m: &Measure, winners: &[usize], list: Vec<RuleAmount<'p>>) {
    r.status = Status::Eligible;
    r.reason = applies_reason(m, winners);
    discretion::mark(r, m, winners);
    if !list.is_empty() {
        let mut t = Decimal::new(0, 2);
        for a in &list {
            match arith::add_amounts(t, a.amount) {
                Some(x) => t = x,
                None => {
                    let e = EvalError::Overflow {
                        rule: a.rule.to_string(),
                        source_ref: a.source.clone(),
                    };
                    r.status = Status::Error;
                    r.reason = e.to_string();
                    r.error = Some(Box::new(e));
                    return;
                }
            }
        }
        r.total = Some(t);
        r.bound = list.iter().fold(Bound::Exact, |b, a| b.join(a.bound));
        r.gives = list.first().map(|a| a.kind);
    }
    r.amounts = list;
}

/// `rule `a`, `b` applies`, naming the winning rules.
fn applies_reason(m: &Measure, winners: &[usize]) -> String {
    let names = || {
        winners
            .iter()
            .filter_map(|w| m.rules.get(*w))
            .map(|x| x.name.as_str())
    };
    let len = names().map(|n| n.len() + 4).sum::<usize>() + "rule  applies".len();
    let mut s = String::with_capacity(len);
    s.push_str("rule ");
    for (i, n) in names().enumerate() {
        if i > 0 {
            s.push_str(", ");
        }
        s.push('`');
        s.push_str(n);
        s.push('`');
    }
    s.push_str(" applies");
    s
}

enum Decision {
    /// The rules that apply, one per part at most.
    Winners(Vec<usize>),
    /// The outcome depends on these facts.
    Needs(Slots),
}

/// Default logic: in each part, the base rules are alternatives; an exception
/// that applies replaces its base; two applicable rules of one part conflict.
fn decide(ctx: &Ctx<'_>, m: &Measure) -> Result<Decision, EvalError> {
    let mut winners = Vec::new();
    let mut missing = Slots::default();
    for (i, rule) in m.rules.iter().enumerate() {
        let part = rule.part.as_deref();
        // each part once, in the order of its first rule
        if m.rules.iter().take(i).any(|r| r.part.as_deref() == part) {
            continue;
        }
        match resolve_part(ctx, m, i)? {
            Resolved::Applies(w) => winners.push(w),
            Resolved::None => {}
            Resolved::Unknown(s) => missing.extend(s),
        }
    }
    if missing.is_empty() {
        Ok(Decision::Winners(winners))
    } else {
        Ok(Decision::Needs(missing))
    }
}

/// A rule whose subtree is being resolved (`rule: None` for the part itself,
/// whose children are its base rules), and what its children gave so far.
struct Frame {
    rule: Option<usize>,
    /// Where to look for the next child.
    next: usize,
    applying: Option<usize>,
    missing: Slots,
}

/// The rule that gives the value of the part whose first rule is `first`.
///
/// Siblings are combined (at most one may apply); a rule's subtree gives an
/// applicable exception, else the rule itself if its condition holds. The
/// tree is walked with an explicit stack, so no input can exhaust the thread's
/// stack however long its chains of exceptions; conditions are evaluated in
/// the same order as a depth-first recursion would.
fn resolve_part(ctx: &Ctx<'_>, m: &Measure, first: usize) -> Result<Resolved, EvalError> {
    let part = m.rules.get(first).and_then(|r| r.part.as_deref());
    let is_child = |parent: Option<usize>, r: &RuleDef| match parent {
        None => r.part.as_deref() == part && r.exception_to.is_none(),
        Some(p) => r.exception_to == Some(p as u32),
    };
    // the usual case, without a stack: no rule of the measure has exceptions
    if m.rules.iter().all(|r| r.exception_to.is_none()) {
        let mut applying: Option<usize> = None;
        let mut missing = Slots::default();
        for (i, rule) in m.rules.iter().enumerate().skip(first) {
            if rule.part.as_deref() != part {
                continue;
            }
            match condition(ctx, rule)? {
                Ev::Known(Value::Bool(true)) => {
                    if let Some(prev) = applying {
                        return Err(conflict(m, prev, i));
                    }
                    applying = Some(i);
                }
                Ev::Known(_) => {}
                Ev::Unknown(s) => missing.extend(s),
            }
        }
        return Ok(if !missing.is_empty() {
            Resolved::Unknown(missing)
        } else {
            applying.map_or(Resolved::None, Resolved::Applies)
        });
    }
    let mut stack = vec![Frame {
        rule: None,
        next: first,
        applying: None,
        missing: Slots::default(),
    }];
    loop {
        let Some(top) = stack.last_mut() else {
            return Ok(Resolved::None);
        };
        let child = m
            .rules
            .iter()
            .enumerate()
            .skip(top.next)
            .find(|(_, r)| is_child(top.rule, r))
            .map(|(j, _)| j);
        if let Some(j) = child {
            top.next = j + 1;
            // a loaded IR is checked to have no cycle; this keeps evaluation total anyway
            if stack.len() > m.rules.len() {
                return Err(EvalError::Inconsistent {
                    what: format!("the exceptions of measure {} form a cycle", m.number),
                });
            }
            stack.push(Frame {
                rule: Some(j),
                next: 0,
                applying: None,
                missing: Slots::default(),
            });
            continue;
        }
        let Some(done) = stack.pop() else {
            return Ok(Resolved::None);
        };
        let combined = if !done.missing.is_empty() {
            Resolved::Unknown(done.missing)
        } else {
            done.applying.map_or(Resolved::None, Resolved::Applies)
        };
        let result = match (done.rule, combined) {
            (None, r) => return Ok(r),
            (Some(i), Resolved::None) => {
                let rule = m.rules.get(i).ok_or_else(|| EvalError::Inconsistent {
                    what: format!("rule {i} of measure {} does not exist", m.number),
                })?;
                match condition(ctx, rule)? {
                    Ev::Known(Value::Bool(true)) => Resolved::Applies(i),
                    Ev::Known(_) => Resolved::None,
                    Ev::Unknown(s) => Resolved::Unknown(s),
                }
            }
            (Some(_), r) => r,
        };
        let Some(parent) = stack.last_mut() else {
            return Ok(result);
        };
        match result {
            Resolved::Applies(w) => {
                if let Some(prev) = parent.applying {
                    return Err(conflict(m, prev, w));
                }
                parent.applying = Some(w);
            }
            Resolved::None => {}
            Resolved::Unknown(s) => parent.missing.extend(s),
        }
    }
}

/// Two rules of one part that both apply.
fn conflict(m: &Measure, first: usize, second: usize) -> EvalError {
    match (m.rules.get(first), m.rules.get(second)) {
        (Some(a), Some(b)) => EvalError::Conflict {
            first: a.name.clone(),
            first_source: a.source.clone(),
            second: b.name.clone(),
            second_source: b.source.clone(),
        },
        _ => EvalError::Inconsistent {
            what: format!("rules {first} and {second} of measure {}", m.number),
        },
    }
}

fn condition(ctx: &Ctx<'_>, rule: &RuleDef) -> Result<Ev, EvalError> {
    match &rule.condition {
        None => Ok(Ev::Known(Value::Bool(true))),
        Some(c) => ops::eval(ctx, c).map_err(|e| e.for_rule(rule)),
    }
}

/// The amount of each winning rule, or the facts the amounts need.
fn amounts<'p>(
    ctx: &Ctx<'_>,
    m: &'p Measure,
    winners: &[usize],
) -> Result<Result<Vec<RuleAmount<'p>>, Slots>, EvalError> {
    let mut out = Vec::new();
    let mut missing = Slots::default();
    for &w in winners {
        let Some(rule) = m.rules.get(w) else { continue };
        let Some(amount) = &rule.amount else { continue };
        let amount_expr = amount;
        let num = |e: &Expr| -> Result<Result<Decimal, Slots>, EvalError> {
            match ops::eval(ctx, e).map_err(|x| x.for_rule(rule))? {
                Ev::Known(Value::Number(n)) => Ok(Ok(n)),
                Ev::Known(_) => Err(EvalError::Inconsistent {
                    what: format!("the amount of rule `{}` is not a number", rule.name),
                }),
                Ev::Unknown(s) => Ok(Err(s)),
            }
        };
        let computed = match num(amount)? {
            Ok(n) => arith::positive_zero(n),
            Err(s) => {
                // the facts of the floor and cap are needed too (docs/ir.md)
                missing.extend(s);
                for b in [&rule.floor, &rule.cap].into_iter().flatten() {
                    if let Err(s) = num(b)? {
                        missing.extend(s);
                    }
                }
                continue;
            }
        };
        let mut value = computed;
        let mut bounded_by = None;
        // a floor or cap waiting for facts: the outcome is needs_facts
        let mut unknown_limit = false;
        if let Some(f) = &rule.floor {
            match num(f)? {
                Ok(f) if value < f => {
                    value = f;
                    bounded_by = Some("floor");
                }
                Ok(_) => {}
                Err(s) => {
                    missing.extend(s);
                    unknown_limit = true;
                }
            }
        }
        if let Some(c) = &rule.cap {
            match num(c)? {
                Ok(c) if value > c => {
                    value = c;
                    bounded_by = Some("cap");
                }
                Ok(_) => {}
                Err(s) => {
                    missing.extend(s);
                    unknown_limit = true;
                }
            }
        }
        let amount = round_fen(value).ok_or_else(|| EvalError::Overflow {
            rule: rule.name.clone(),
            source_ref: rule.source.clone(),
        })?;
        let bound = if unknown_limit {
            Bound::Exact
        } else {
            bounds::rule_bound(ctx, rule, amount_expr, bounded_by)?
        };
        out.push(RuleAmount {
            rule: &rule.name,
            part: rule.part.as_deref(),
            amount,
            computed,
            bounded_by,
            bound,
            kind: rule.gives,
            source: &rule.source,
        });
    }
    Ok(if missing.is_empty() {
        Ok(out)
    } else {
        Err(missing)
    })
}

//! Running the examples written beside the rules (`policyc test`): each
//! example's facts evaluated on its date and in its locality, and compared
//! with what it expects — status, amount, kind, bound, discretion, the facts
//! asked for, the error's code, the parameter not set, the date or duration
//! given and the amount of each part named.

use serde::Serialize;

use super::{Facts, Scenario};
use crate::ir::{number_text, ExampleDef, Measure, Policy, Status, Type};

/// The outcome of one example, as `policyc test` reports it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ExampleOutcome {
    /// The measure, as `（三）失业保险稳岗返还`.
    pub measure: String,
    /// The example's name.
    pub example: String,
    /// Where the example is written (`file:line:column`).
    pub source: String,
    /// Whether the outcome is what the example expects.
    pub passed: bool,
    /// What it expects, in `expect`'s words.
    pub expected: String,
    /// What came, in the same words, with the reason.
    pub actual: String,
}

/// What an example expects, in `expect`'s words.
fn describe_expected(e: &crate::ir::Expectation) -> String {
    let mut s = e.status.keyword().to_string();
    if e.may {
        s.push_str(" may");
    }
    if let Some(k) = e.kind {
        s.push_str(&format!(" {}", k.keyword()));
    }
    if let Some(b) = e.bound {
        s.push_str(&format!(" {}", b.words()));
    }
    if let Some(a) = e.amount {
        s.push_str(&format!(" {}", number_text(a, &Type::money())));
    }
    for n in [&e.error, &e.unset].into_iter().flatten() {
        s.push_str(&format!(" {n}"));
    }
    if let Some(v) = &e.value {
        s.push_str(&format!(" {} {v}", v.form().keyword()));
    }
    if let Some(f) = &e.facts {
        s.push_str(&format!(" [{}]", f.join(", ")));
    }
    for p in &e.parts {
        s.push_str(&format!(" part {}", p.part));
        if let Some(b) = p.bound {
            s.push_str(&format!(" {}", b.words()));
        }
        s.push_str(&format!(" {}", number_text(p.amount, &Type::money())));
    }
    s
}

/// The amount and bound of part `part` in an outcome: the sum of its rules'
/// amounts (`None`: none of them applies with an amount).
fn part_total(
    r: &super::MeasureResult<'_>,
    part: &str,
) -> Option<(rust_decimal::Decimal, super::Bound)> {
    let mine: Vec<_> = r.amounts.iter().filter(|a| a.part == Some(part)).collect();
    let first = mine.first()?;
    let mut t = first.amount;
    let mut b = first.bound;
    for a in mine.iter().skip(1) {
        t = super::arith::add_amounts(t, a.amount)?;
        b = b.join(a.bound);
    }
    Some((t, b))
}

/// Runs every example of `policy`, measure by measure, in order.
pub fn run_examples(policy: &Policy) -> Vec<ExampleOutcome> {
    let mut out = Vec::new();
    for m in &policy.measures {
        for ex in &m.examples {
            out.push(run_example(policy, m, ex));
        }
    }
    out
}

/// Runs one example of measure `m`: its facts, on its date and in its
/// locality, compared with what it expects.
pub fn run_example(policy: &Policy, m: &Measure, ex: &ExampleDef) -> ExampleOutcome {
    {
        {
            let facts = Facts::from_example(policy, ex);
            let scenario = Scenario::new(policy, ex.date, ex.locality.as_deref());
            let (passed, actual) = match scenario.map(|s| s.evaluate_measure(m, &facts, false)) {
                Err(e) => (false, format!("error: {e}")),
                Ok(r) => {
                    let mut ok = r.status == ex.expect.status;
                    if let Some(a) = ex.expect.amount {
                        ok &= r.total == Some(a);
                    }
                    if let Some(k) = ex.expect.kind {
                        ok &= r.gives == Some(k);
                    }
                    // an eligible outcome is expected to be an entitlement
                    // unless the example says `may`
                    if r.status == Status::Eligible {
                        ok &= r.may == ex.expect.may;
                    }
                    if let Some(f) = &ex.expect.facts {
                        ok &= &r.needs == f;
                    }
                    if let Some(b) = ex.expect.bound {
                        ok &= r.bound == b.into();
                    }
                    let code = r.error.as_ref().map(|e| e.code_name());
                    if let Some(c) = &ex.expect.error {
                        ok &= code == Some(c.as_str());
                    }
                    let unset = r.undetermined.as_ref().map(|u| u.param.as_str());
                    if let Some(p) = &ex.expect.unset {
                        ok &= unset == Some(p.as_str());
                    }
                    if let Some(v) = &ex.expect.value {
                        ok &= r.value.as_ref().map(|g| &g.value) == Some(v);
                    }
                    let mut actual = r.status.keyword().to_string();
                    if r.may {
                        actual.push_str(" may");
                    }
                    if let Some(g) = r.gives.filter(|_| ex.expect.kind.is_some()) {
                        actual.push_str(&format!(" {}", g.keyword()));
                    }
                    if let Some(t) = r.total {
                        actual.push_str(&format!(
                            " {}{}",
                            r.bound.words(),
                            number_text(t, &Type::money())
                        ));
                    }
                    for n in [code, unset].into_iter().flatten() {
                        actual.push_str(&format!(" {n}"));
                    }
                    if let Some(v) = &r.value {
                        actual.push_str(&format!(" {} {}", v.form.keyword(), v.value));
                    }
                    if !r.needs.is_empty() {
                        actual.push_str(&format!(" [{}]", r.needs.join(", ")));
                    }
                    for p in &ex.expect.parts {
                        let got = part_total(&r, &p.part);
                        ok &= got.is_some_and(|(t, b)| {
                            t == p.amount && p.bound.is_none_or(|x| b == x.into())
                        });
                        match got {
                            Some((t, b)) => actual.push_str(&format!(
                                " part {} {}{}",
                                p.part,
                                b.words(),
                                number_text(t, &Type::money())
                            )),
                            None => actual.push_str(&format!(" part {} nothing", p.part)),
                        }
                    }
                    actual.push_str(&format!(" — {}", r.reason));
                    (ok, actual)
                }
            };
            ExampleOutcome {
                measure: format!("{}{}", m.label, m.title),
                example: ex.name.clone(),
                source: ex.source.to_string(),
                passed,
                expected: describe_expected(&ex.expect),
                actual,
            }
        }
    }
}

//! `policyc eval` and `policyc test`.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::Serialize;

use super::error::check_measures;
use super::files::{self, MAX_FACTS_SIZE};
use super::{cli_error, load_policy, out, report, ErrorFormat, OutputFormat, EXIT_INPUT, EXIT_OK};
use crate::diagnostic::{escape, escape_lines, Diagnostic};
use crate::eval::{self, Facts, Scenario};
use crate::ir::{number_text, Status, Type};
use crate::source::SourceMap;

/// The facts file: `-` (stdin), a regular file or a pipe, of at most
/// [`MAX_FACTS_SIZE`] bytes.
fn read_facts(path: &Path, fmt: ErrorFormat) -> Result<String, u8> {
    files::read_bounded(
        path,
        MAX_FACTS_SIZE,
        "a facts file holds one entity's facts; evaluate many records with `policyc batch`",
    )
    .map(|b| String::from_utf8_lossy(&b).into_owned())
    .map_err(|e| cli_error(e, fmt))
}

#[allow(clippy::too_many_arguments)]
pub(super) fn eval(
    paths: &[PathBuf],
    facts_path: &Path,
    date: NaiveDate,
    locality: Option<&str>,
    explain: bool,
    only: Option<u32>,
    format: OutputFormat,
    fmt: ErrorFormat,
) -> u8 {
    let policy = match load_policy(paths, fmt) {
        Ok(p) => p,
        Err(code) => return code,
    };
    // the locality is resolved here, once, for the evaluation
    let scenario = super::error::scenario(&policy, date, locality)
        .and_then(|s| check_measures(&policy, only.as_slice()).map(|()| s));
    let scenario = match scenario {
        Ok(s) => s,
        Err(e) => return cli_error(e, fmt),
    };
    let text = match read_facts(facts_path, fmt) {
        Ok(t) => t,
        Err(code) => return code,
    };
    let facts = match Facts::from_json(&policy, &text) {
        Ok(f) => f,
        Err(errors) => {
            let diags: Vec<Diagnostic> = errors.into_iter().map(Diagnostic::without_file).collect();
            report(&SourceMap::new(), &diags, fmt);
            return EXIT_INPUT;
        }
    };
    let ev = match only {
        Some(n) => scenario.evaluate_only(&facts, explain, n),
        None => scenario.evaluate(&facts, explain),
    };
    let ev = match ev {
        Ok(ev) => ev,
        Err(e) => {
            report(&SourceMap::new(), &[Diagnostic::without_file(e)], fmt);
            return EXIT_INPUT;
        }
    };
    match format {
        // names, titles and reasons come from the policy and the facts
        OutputFormat::Text => out::out(&escape_lines(&eval::render_text(&ev))),
        OutputFormat::Json => {
            out::out(&(serde_json::to_string_pretty(&ev).unwrap_or_default() + "\n"));
        }
    }
    if ev.measures.iter().any(|m| m.status == Status::Error) {
        EXIT_INPUT
    } else {
        EXIT_OK
    }
}

/// The outcome of one example.
#[derive(Serialize)]
struct ExampleOutcome {
    measure: String,
    example: String,
    source: String,
    passed: bool,
    expected: String,
    actual: String,
}

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
    r: &eval::MeasureResult<'_>,
    part: &str,
) -> Option<(rust_decimal::Decimal, eval::Bound)> {
    let mine: Vec<_> = r.amounts.iter().filter(|a| a.part == Some(part)).collect();
    let first = mine.first()?;
    let mut t = first.amount;
    let mut b = first.bound;
    for a in mine.iter().skip(1) {
        t = eval::arith::add_amounts(t, a.amount)?;
        b = b.join(a.bound);
    }
    Some((t, b))
}

pub(super) fn test(paths: &[PathBuf], verbose: bool, format: OutputFormat, fmt: ErrorFormat) -> u8 {
    let policy = match load_policy(paths, fmt) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let outcomes = run_examples(&policy);
    let passed = outcomes.iter().filter(|o| o.passed).count();
    let failed = outcomes.len() - passed;
    match format {
        OutputFormat::Json => {
            let v = serde_json::json!({ "passed": passed, "failed": failed, "examples": outcomes });
            out::out(&(serde_json::to_string_pretty(&v).unwrap_or_default() + "\n"));
        }
        OutputFormat::Text => {
            for o in &outcomes {
                if out::stdout_failed() {
                    break;
                }
                if !o.passed {
                    out::out(&format!(
                        "FAIL {} example \"{}\" ({})\n     expected {}\n     got      {}\n",
                        escape(&o.measure),
                        escape(&o.example),
                        escape(&o.source),
                        escape(&o.expected),
                        escape(&o.actual)
                    ));
                } else if verbose {
                    out::out(&format!(
                        "ok   {} example \"{}\"\n",
                        escape(&o.measure),
                        escape(&o.example)
                    ));
                }
            }
            out::out(&format!("{passed} passed, {failed} failed\n"));
        }
    }
    if failed == 0 {
        EXIT_OK
    } else {
        EXIT_INPUT
    }
}

fn run_examples(policy: &crate::ir::Policy) -> Vec<ExampleOutcome> {
    let mut out = Vec::new();
    for m in &policy.measures {
        for ex in &m.examples {
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
            out.push(ExampleOutcome {
                measure: format!("{}{}", m.label, m.title),
                example: ex.name.clone(),
                source: ex.source.to_string(),
                passed,
                expected: describe_expected(&ex.expect),
                actual,
            });
        }
    }
    out
}

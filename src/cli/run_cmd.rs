//! `policyc eval` and `policyc test`.

use std::io::Read;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::Serialize;

use super::{load_policy, report, usage_error, ErrorFormat, OutputFormat, EXIT_INPUT, EXIT_OK};
use crate::diagnostic::Diagnostic;
use crate::eval::{self, Facts, Request};
use crate::ir::{number_text, Status, Type};
use crate::source::SourceMap;

fn read_input(path: &Path) -> Result<String, u8> {
    if path.as_os_str() == "-" {
        let mut s = String::new();
        return std::io::stdin()
            .read_to_string(&mut s)
            .map(|_| s)
            .map_err(|e| usage_error(&format!("cannot read stdin: {e}")));
    }
    std::fs::read(path)
        .map_err(|e| usage_error(&format!("cannot read `{}`: {e}", path.display())))
        .map(|b| String::from_utf8_lossy(&b).into_owned())
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
    let mut policy = match load_policy(paths, fmt) {
        Ok(p) => p,
        Err(code) => return code,
    };
    if let Some(n) = only {
        policy.measures.retain(|m| m.number == n);
        if policy.measures.is_empty() {
            return usage_error(&format!("the policy has no measure {n}"));
        }
    }
    let text = match read_input(facts_path) {
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
    let req = Request {
        date,
        locality,
        explain,
    };
    let ev = match eval::evaluate(&policy, &facts, &req) {
        Ok(ev) => ev,
        Err(e) => {
            report(&SourceMap::new(), &[Diagnostic::without_file(e)], fmt);
            return EXIT_INPUT;
        }
    };
    match format {
        OutputFormat::Text => print!("{}", eval::render_text(&ev)),
        OutputFormat::Json => println!("{}", serde_json::to_string_pretty(&ev).unwrap_or_default()),
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
    if let Some(a) = e.amount {
        s.push_str(&format!(" {}", number_text(a, &Type::money())));
    }
    if let Some(f) = &e.facts {
        s.push_str(&format!(" [{}]", f.join(", ")));
    }
    s
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
            println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
        }
        OutputFormat::Text => {
            for o in &outcomes {
                if !o.passed {
                    println!(
                        "FAIL {} example \"{}\" ({})\n     expected {}\n     got      {}",
                        o.measure, o.example, o.source, o.expected, o.actual
                    );
                } else if verbose {
                    println!("ok   {} example \"{}\"", o.measure, o.example);
                }
            }
            println!("{passed} passed, {failed} failed");
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
            let req = Request {
                date: ex.date,
                locality: ex.locality.as_deref(),
                explain: false,
            };
            let (passed, actual) = match eval::evaluate_one(policy, m, &facts, &req) {
                Err(e) => (false, format!("error: {e}")),
                Ok(r) => {
                    let mut ok = r.status == ex.expect.status;
                    if let Some(a) = ex.expect.amount {
                        ok &= r.total == Some(a);
                    }
                    if let Some(f) = &ex.expect.facts {
                        ok &= &r.needs == f;
                    }
                    let mut actual = r.status.keyword().to_string();
                    if let Some(t) = r.total {
                        actual.push_str(&format!(" {}", number_text(t, &Type::money())));
                    }
                    if !r.needs.is_empty() {
                        actual.push_str(&format!(" [{}]", r.needs.join(", ")));
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

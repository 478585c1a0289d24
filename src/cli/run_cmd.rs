//! `policyc eval` and `policyc test`.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use super::error::check_measures;
use super::files::{self, MAX_FACTS_SIZE};
use super::{cli_error, load_policy, out, report, ErrorFormat, OutputFormat, EXIT_INPUT, EXIT_OK};
use crate::diagnostic::{escape, escape_lines, Diagnostic};
use crate::eval::{self, Facts};
use crate::ir::Status;
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

pub(super) fn test(paths: &[PathBuf], verbose: bool, format: OutputFormat, fmt: ErrorFormat) -> u8 {
    let policy = match load_policy(paths, fmt) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let outcomes = eval::run_examples(&policy);
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

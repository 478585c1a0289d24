//! policyc: a compiler for a declarative policy language.
//!
//! Government measures — who qualifies, what they receive, until when, and which
//! department answers for it — are written as `.policy` files, then parsed
//! ([`syntax`]), checked ([`check`]) into a typed IR ([`ir`]) that is evaluated
//! for one entity on one date ([`eval`]) or exported as versioned JSON.
//!
//! ```
//! use policyc::source::SourceMap;
//! let mut sources = SourceMap::new();
//! sources.add("demo.policy", "enum 规模 { 小型, 大型 }");
//! let policy = policyc::compile(&sources).map_err(|d| d.len())?;
//! assert_eq!(policy.enums.len(), 1);
//! # Ok::<(), usize>(())
//! ```
//!
//! Pipeline and module map: `docs/architecture.md`.

// The panic-free lint policy (no unwrap, expect, panic, indexing, todo,
// unreachable or unimplemented outside tests) is in `Cargo.toml` `[lints]`;
// see `docs/reliability.md`.

pub mod batch;
pub mod check;
#[cfg(feature = "cli")]
pub mod cli;
pub mod diagnostic;
pub mod diff;
pub mod error;
pub mod eval;
pub mod fmt;
pub mod ir;
pub mod limits;
pub mod literal;
pub mod load;
#[cfg(feature = "lsp")]
pub mod lsp;
pub mod project;
pub mod sample;
pub mod source;
pub mod suggest;
pub mod syntax;
pub mod types;

use std::path::PathBuf;

use diagnostic::Diagnostic;
pub use error::Error;
use source::SourceMap;

/// Parses and checks every file of `sources` as one policy.
///
/// Returns the IR, or every diagnostic found: all syntax errors of all files
/// first; if there are none, all check errors. At most
/// [`check::MAX_ERRORS`] are returned, then one saying that more were cut.
pub fn compile(sources: &SourceMap) -> Result<ir::Policy, Vec<Diagnostic>> {
    compile_with_warnings(sources).map(|(p, _)| p)
}

/// Like [`compile`], and also returns the warnings of a policy that loads:
/// today, localities that leave delegated values unset
/// ([`check::coverage::warnings`]).
pub fn compile_with_warnings(
    sources: &SourceMap,
) -> Result<(ir::Policy, Vec<Diagnostic>), Vec<Diagnostic>> {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for (id, f) in sources.iter() {
        match syntax::parse(id, &f.text) {
            Ok(ast) => files.push(ast),
            Err(mut e) => errors.append(&mut e),
        }
    }
    if !errors.is_empty() {
        return Err(check::cap_errors(errors));
    }
    let policy = check::check(sources, &files)?;
    let warnings = check::coverage::warnings(&files, &policy);
    Ok((policy, warnings))
}

/// Reads the `.policy` files under `paths` (files or folders, as
/// `policyc check` does), parses and checks them as one policy.
///
/// ```
/// let policy = policyc::load(&["policies".into()])?;
/// assert!(!policy.measures.is_empty());
/// # Ok::<(), policyc::Error>(())
/// ```
pub fn load(paths: &[PathBuf]) -> Result<ir::Policy, Error> {
    let (sources, diagnostics) = load::load(paths)?;
    if !diagnostics.is_empty() {
        return Err(error::PolicyErrors {
            sources,
            diagnostics,
        }
        .into());
    }
    compile(&sources).map_err(|diagnostics| {
        error::PolicyErrors {
            sources,
            diagnostics,
        }
        .into()
    })
}

/// Reads an exported IR back ([`ir::Policy::from_json`]).
pub fn from_json(json: &str) -> Result<ir::Policy, Error> {
    Ok(ir::Policy::from_json(json)?)
}

/// Reads one entity's facts, a JSON document, for `policy`
/// ([`eval::Facts::from_json`]); on failure, every error found.
pub fn facts(policy: &ir::Policy, json: &str) -> Result<eval::Facts, Error> {
    Ok(eval::Facts::from_json(policy, json)?)
}

/// Evaluates every measure of `policy` for `facts` on `date` in `locality`
/// (the [`eval::Scenario`] is built once for the call; to evaluate many
/// entities, build it once yourself and call [`eval::Scenario::evaluate`]).
///
/// ```
/// let policy = policyc::load(&["policies".into()])?;
/// let date = chrono::NaiveDate::from_ymd_opt(2020, 7, 1).unwrap_or_default();
/// let err = policyc::evaluate(&policy, &policyc::eval::Facts::unknown(&policy, 0), date, Some("火星"));
/// let code = err.err().and_then(|e| miette::Diagnostic::code(&e).map(|c| c.to_string()));
/// assert_eq!(code.as_deref(), Some("policy::cli::unknown_locality"));
/// # Ok::<(), policyc::Error>(())
/// ```
pub fn evaluate<'p>(
    policy: &'p ir::Policy,
    facts: &eval::Facts,
    date: chrono::NaiveDate,
    locality: Option<&str>,
) -> Result<eval::Evaluation<'p>, Error> {
    Ok(eval::Scenario::new(policy, date, locality)?.evaluate(facts, false)?)
}

//! Limits shared by several stages, so that what `check` accepts is exactly
//! what the IR loader and the evaluators accept. The other limits are next to
//! the code that enforces them (`syntax::MAX_FILE_SIZE`, `syntax::MAX_DEPTH`,
//! `check::MAX_ERRORS`); `docs/reliability.md` lists them all.

/// The longest chain of `exception to` a measure may have: a rule that is an
/// exception to a rule that is an exception to … may be this many links from a
/// base rule, and no more.
///
/// Far above any law (the seed's deepest chain is one link), and low enough
/// that an evaluator walking a chain, even by recursion, stays far from the
/// end of its stack. `check` reports a deeper chain as
/// `policy::check::exception_too_deep`, and [`crate::ir::Policy::from_json`]
/// refuses a deeper IR (`policy::ir::exception_too_deep`), so that no engine
/// meets one.
pub const MAX_EXCEPTION_DEPTH: usize = 64;

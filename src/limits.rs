//! Limits shared by several stages, so that what the parser and `check`
//! accept is exactly what the IR loader and the evaluators accept. The limits
//! of one stage only are next to the code that enforces them
//! (`check::MAX_ERRORS`, `batch::MAX_RECORD_BYTES`); `docs/reliability.md`
//! lists them all.

/// The largest policy file accepted, in bytes (8 MiB): by the parser, by
/// `policyc fmt` for its output, and by the loaders, which do not read more.
pub const MAX_FILE_SIZE: usize = 8 * 1024 * 1024;

/// The deepest nesting accepted: of `(`, `{` and `[`, of expressions inside
/// expressions (`1 + 1 + … + 1` nests too), and the most `if`s in one expression.
///
/// Every stage recurses over expressions; this bound keeps the recursion far
/// from the end of any thread's stack, and keeps the exported JSON within
/// [`crate::ir::MAX_JSON_DEPTH`].
pub const MAX_DEPTH: usize = 64;

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

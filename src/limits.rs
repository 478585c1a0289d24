//! Limits shared by the checker, the IR loader and the evaluators.

/// The longest chain of exceptions: a rule may be an exception to an
/// exception … at most this many `exception to` links away from its base
/// rule. The checker refuses a deeper policy and [`crate::ir::Policy::from_json`]
/// a deeper IR, so that no engine meets one.
pub const MAX_EXCEPTION_DEPTH: usize = 64;

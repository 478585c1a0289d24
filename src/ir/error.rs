//! Errors reading an exported IR back.

use miette::Diagnostic;
use thiserror::Error;

/// A JSON IR that cannot be loaded.
#[derive(Debug, Error, Diagnostic, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum IrError {
    /// Not JSON, or not the shape of the IR.
    #[error("the policy JSON is not valid: {message} (line {line}, column {column})")]
    #[diagnostic(
        code(policy::ir::invalid_json),
        help(
            "the file must be written by `policyc export`; see docs/ir.md and docs/ir.schema.json"
        )
    )]
    Json {
        /// serde's message.
        message: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
    },
    /// The policy could not be written as JSON (serde failed; not expected to
    /// happen with the IR's types).
    #[error("the policy could not be written as JSON: {message}")]
    #[diagnostic(
        code(policy::ir::export),
        help("this is a bug in policyc; please report it with the policy")
    )]
    Export {
        /// serde's message.
        message: String,
    },
    /// Another version of the IR.
    #[error("the policy JSON has IR version `{found}`, this policyc reads `{expected}`")]
    #[diagnostic(
        code(policy::ir::version),
        help("export the policy again with this version of policyc")
    )]
    Version {
        /// The version in the file.
        found: String,
        /// The version this build reads.
        expected: &'static str,
    },
    /// An index pointing nowhere, or a type that does not fit.
    #[error("the policy JSON is inconsistent: {what}")]
    #[diagnostic(
        code(policy::ir::inconsistent),
        help("the file was edited by hand or written by another tool; export it again")
    )]
    Inconsistent {
        /// What is wrong, with its place.
        what: String,
    },
    /// An index that points at nothing (a field slot, a parameter, an
    /// entity, an enumeration, a variant or a rule out of range).
    #[error("the policy JSON refers to something that does not exist: {what}")]
    #[diagnostic(
        code(policy::ir::out_of_range),
        help("the file was edited by hand or written by another tool; export it again")
    )]
    OutOfRange {
        /// What points where, with its place.
        what: String,
    },
    /// Two measures with one number: their amounts would be counted twice.
    #[error("the policy JSON has two measures numbered `{number}`")]
    #[diagnostic(
        code(policy::ir::duplicate_measure),
        help("a measure number is unique in a policy; export the policy again")
    )]
    DuplicateMeasure {
        /// The number.
        number: u32,
    },
    /// Two items of one kind with one name where the checker requires unique names.
    #[error("the policy JSON declares {what} `{name}` twice{place}")]
    #[diagnostic(
        code(policy::ir::duplicate),
        help("names are unique where the checker requires it; export the policy again")
    )]
    Duplicate {
        /// What kind of item (`rule`, `field`, `parameter`, …).
        what: &'static str,
        /// The name.
        name: String,
        /// Where, as ` in …`, or empty.
        place: String,
    },
    /// An expression whose type is not what its place or its operands make it:
    /// a condition that is not a `bool`, an amount that is not money, a node
    /// whose type does not follow from its operands.
    #[error("the policy JSON has a value of type `{found}` where `{expected}` belongs, in {at}")]
    #[diagnostic(
        code(policy::ir::type_mismatch),
        help("the IR is typed as the checker types it (docs/ir.md, Expressions); export the policy again")
    )]
    TypeMismatch {
        /// The type the place or the operands require.
        expected: String,
        /// The type written.
        found: String,
        /// Where, with the rule.
        at: String,
    },
    /// Exceptions that form a cycle (a rule that is, through others, an
    /// exception to itself).
    #[error("the exceptions of measure {measure} form a cycle through rule `{rule}`")]
    #[diagnostic(
        code(policy::ir::exception_cycle),
        help("exceptions form a tree: follow `exception_to` from any rule and a base rule is reached")
    )]
    ExceptionCycle {
        /// The measure's number.
        measure: u32,
        /// A rule on the cycle.
        rule: String,
    },
    /// A chain of exceptions longer than [`crate::limits::MAX_EXCEPTION_DEPTH`].
    #[error("rule `{rule}` of measure {measure} is {depth} exceptions away from its base rule, more than {max}")]
    #[diagnostic(
        code(policy::ir::exception_too_deep),
        help("the checker accepts chains of at most {max} exceptions; export the policy again")
    )]
    ExceptionTooDeep {
        /// The measure's number.
        measure: u32,
        /// The rule too deep.
        rule: String,
        /// Its depth.
        depth: usize,
        /// The limit.
        max: usize,
    },
}

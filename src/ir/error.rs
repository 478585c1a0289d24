//! Errors reading an exported IR back.

use miette::Diagnostic;
use thiserror::Error;

/// A JSON IR that cannot be loaded.
#[derive(Debug, Error, Diagnostic, Clone, PartialEq, Eq)]
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
}

//! Errors of the syntax stage: text that is not in the language.

use miette::Diagnostic;
use thiserror::Error;

use crate::source::Span;

/// A syntax error. Each variant's doc comment shows an input that triggers it.
#[derive(Debug, Error, Diagnostic, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SyntaxError {
    /// `measure 3 "x" { kind refund` (the `}` is missing)
    #[error("{found}")]
    #[diagnostic(code(policy::syntax::unexpected))]
    Unexpected {
        /// "unexpected `x`" or "unexpected end of file".
        found: String,
        /// What would have been accepted here.
        #[label("{expected}")]
        span: Span,
        /// What would have been accepted here, in words.
        expected: String,
        /// A hint for this place.
        #[help]
        help: Option<String>,
    },

    /// `"a\\x"`: a backslash before a character that has no escape
    #[error("unknown escape `{escape}` in a string")]
    #[diagnostic(
        code(policy::syntax::unknown_escape),
        help("the escapes are `\\\"` (a quote), `\\\\` (a backslash), `\\n` (a line break) and `\\t` (a tab); write `\\\\` for a backslash itself")
    )]
    UnknownEscape {
        /// The escape as written, e.g. `\\x`.
        escape: String,
        /// Where it is.
        #[label("not an escape")]
        span: Span,
    },

    /// `effective 2020-13-31`, `12..5 元`
    #[error("invalid {what} `{text}`")]
    #[diagnostic(code(policy::syntax::invalid_literal))]
    InvalidLiteral {
        /// "date", "number", …
        what: &'static str,
        /// The literal as written.
        text: String,
        /// Why it is invalid.
        #[label("{reason}")]
        span: Span,
        /// Why it is invalid.
        reason: String,
        /// How to write it.
        #[help]
        help: Option<String>,
    },

    /// 300 nested parentheses
    #[error("nesting is deeper than {limit} levels")]
    #[diagnostic(
        code(policy::syntax::too_deep),
        help("split the expression into parameters or separate rules")
    )]
    TooDeep {
        /// The limit.
        limit: usize,
        /// Where the limit is crossed.
        #[label("too deep here")]
        span: Span,
    },

    /// a file larger than the size limit
    #[error("the file is {size} bytes, more than the limit of {limit} bytes")]
    #[diagnostic(
        code(policy::syntax::too_large),
        help("split the policy into several files")
    )]
    TooLarge {
        /// The file's size.
        size: usize,
        /// The limit.
        limit: usize,
    },

    /// A node the converter did not expect; a bug in policyc, never in the policy.
    #[error("internal parser error: {what}")]
    #[diagnostic(
        code(policy::syntax::internal),
        help("this is a bug in policyc; please report it with the file")
    )]
    Internal {
        /// What went wrong.
        what: String,
        /// Where.
        #[label("here")]
        span: Span,
    },
}

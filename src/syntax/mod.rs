//! The syntax stage: text → AST, with every syntax error as a diagnostic.
//!
//! The grammar lives in `grammar/policy.pest`. Before pest runs, a linear scan
//! enforces the file-size and nesting-depth limits (so that 100 000 nested
//! parentheses are a clean error, not a stack overflow) and collects comments
//! for the formatter.

#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

pub mod ast;
mod error;
mod keywords;
mod parser;
mod scan;
mod unexpected;

pub use crate::literal;
pub use crate::literal::parse_date;
pub use error::SyntaxError;
pub use keywords::{is_keyword, AGGREGATES, KEYWORDS};
pub use scan::{comments, Comment};

use crate::diagnostic::Diagnostic;
use crate::source::{FileId, Span};

pub use crate::limits::{MAX_DEPTH, MAX_FILE_SIZE};

/// The version of the policy language this compiler reads (`policyc
/// --version`). The minor number grows with each release that adds to the
/// language; the major one would grow with a change that makes valid policies
/// invalid or changes their meaning. `CHANGELOG.md` says what each one added.
pub const LANGUAGE_VERSION: &str = "0.3";

/// Parses one file. On failure, returns all syntax errors found in it.
pub fn parse(file: FileId, text: &str) -> Result<ast::File, Vec<Diagnostic>> {
    let wrap = |errs: Vec<SyntaxError>| {
        errs.into_iter()
            .map(|e| Diagnostic::new(file, e))
            .collect::<Vec<_>>()
    };
    if text.len() > MAX_FILE_SIZE {
        return Err(wrap(vec![SyntaxError::TooLarge {
            size: text.len(),
            limit: MAX_FILE_SIZE,
        }]));
    }
    if let Some(at) = scan::too_deep(text, MAX_DEPTH) {
        return Err(wrap(vec![SyntaxError::TooDeep {
            limit: MAX_DEPTH,
            span: Span::new(file, at, at + 1),
        }]));
    }
    if let Some(at) = scan::too_many_ifs(text, MAX_DEPTH) {
        return Err(wrap(vec![SyntaxError::TooDeep {
            limit: MAX_DEPTH,
            span: Span::new(file, at, at + 2),
        }]));
    }
    parser::parse(file, text).map_err(wrap)
}

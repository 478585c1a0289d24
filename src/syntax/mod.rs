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
pub mod literal;
mod parser;
mod scan;
mod unexpected;

pub use error::SyntaxError;
pub use literal::parse_date;
pub use scan::{comments, Comment};

use crate::diagnostic::Diagnostic;
use crate::source::{FileId, Span};

/// The largest file accepted, in bytes (8 MiB).
pub const MAX_FILE_SIZE: usize = 8 * 1024 * 1024;
/// The deepest nesting accepted: of `(`, `{` and `[`, of expressions inside
/// expressions (`1 + 1 + … + 1` nests too), and the most `if`s in one expression.
///
/// Every stage recurses over expressions; this bound keeps the recursion far
/// from the end of any thread's stack, and keeps the exported JSON within
/// [`crate::ir::MAX_JSON_DEPTH`].
pub const MAX_DEPTH: usize = 64;

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

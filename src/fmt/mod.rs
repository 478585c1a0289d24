//! The formatter: `policyc fmt` prints a file in its canonical form.
//!
//! The printer walks the AST in source order and pops comments from the
//! scanner's list ([`crate::syntax::comments`]) by byte position, as Gleam's
//! formatter does: a comment before an item, clause, field or arm stays on its
//! own line before it; a comment at the end of a line stays at the end of that
//! line; a list that holds a comment is never folded onto one line. Verbatim
//! text (`text """…"""`) and strings are printed as written; literals keep
//! their digits and units (`20 万元` stays `20 万元`); item and clause order is
//! never changed. The canonical form is documented in `docs/style.md`.
//!
//! Formatting is checked before it is returned: [`format_source`] parses its own
//! output and compares both syntax trees with positions erased, and compares the
//! comments one by one. If anything differs, it returns
//! [`FmtError::WouldChangeMeaning`] or [`FmtError::LostComment`] and the caller
//! writes nothing.
//!
//! ```
//! let messy = "department  人社厅=\"自治区人力资源社会保障厅\"   // 牵头\r\n";
//! let tidy = policyc::fmt::format_source(messy)?;
//! assert_eq!(tidy, "department 人社厅 = \"自治区人力资源社会保障厅\"  // 牵头\n");
//! # Ok::<(), policyc::fmt::FmtError>(())
//! ```

#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod canon;
mod printer;

use miette::Diagnostic as MietteDiagnostic;
use thiserror::Error;

use crate::diagnostic::Diagnostic;
use crate::source::FileId;
use crate::syntax;

pub use canon::{erase_spans, same_tree};

/// The line width the printer aims at, in columns (CJK characters count as two).
pub const LINE_WIDTH: usize = 100;

/// The number of spaces per indentation level.
pub const INDENT: usize = 2;

/// Why a file was not formatted.
#[derive(Debug, Error, MietteDiagnostic)]
#[non_exhaustive]
pub enum FmtError {
    /// `measure 3 "x" {` without its `}`: the file does not parse, so it is left
    /// as it is. The syntax errors are in `diagnostics`.
    #[error("cannot format a file with syntax errors")]
    #[diagnostic(
        code(policy::fmt::syntax),
        help("fix the syntax errors first (`policyc check` lists them)")
    )]
    Syntax {
        /// The syntax errors, with spans into the text given to [`format_source`]
        /// after a leading byte-order mark was dropped and CRLF became LF.
        diagnostics: Vec<Diagnostic>,
    },

    /// The formatted text would be over [`syntax::MAX_FILE_SIZE`]: a file just
    /// under the limit, written tightly, grows when spaces are added. Writing
    /// it would make a file that `check` refuses, so it is left as it is.
    #[error("the formatted file would be {size} bytes, over the limit of {limit} bytes")]
    #[diagnostic(
        code(policy::fmt::too_large),
        help("the file was left as it is; split it into several files (a policy may span many files in a folder)")
    )]
    TooLarge {
        /// The size of the formatted text, in bytes.
        size: usize,
        /// [`syntax::MAX_FILE_SIZE`].
        limit: usize,
    },

    /// The printed text does not parse. A bug in the formatter, never in the file.
    #[error("the formatted text does not parse: {message}")]
    #[diagnostic(
        code(policy::fmt::invalid_output),
        help(
            "this is a bug in policyc; the file was left as it is; please report it with the file"
        )
    )]
    InvalidOutput {
        /// The first syntax error of the output.
        message: String,
    },

    /// The printed text parses to another syntax tree. A bug in the formatter.
    #[error("formatting would change the meaning of the file: {detail}")]
    #[diagnostic(
        code(policy::fmt::would_change_meaning),
        help(
            "this is a bug in policyc; the file was left as it is; please report it with the file"
        )
    )]
    WouldChangeMeaning {
        /// The first item that differs.
        detail: String,
    },

    /// A comment would be lost or changed. A bug in the formatter.
    #[error("formatting would lose or change the comment `{comment}`")]
    #[diagnostic(
        code(policy::fmt::lost_comment),
        help(
            "this is a bug in policyc; the file was left as it is; please report it with the file"
        )
    )]
    LostComment {
        /// The comment's text.
        comment: String,
    },
}

/// The text as the printer reads it: a leading byte-order mark dropped and every
/// CRLF line break turned into LF. Nothing else changes.
pub fn normalize_line_breaks(text: &str) -> String {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    text.replace("\r\n", "\n")
}

/// Formats one file's text into the canonical form.
///
/// Fails when the text does not parse ([`FmtError::Syntax`]), when the output
/// would be over the file-size limit ([`FmtError::TooLarge`]), or when the check
/// of the output fails (a formatter bug: the output would parse differently or
/// lose a comment); the text is then to be left as it is.
pub fn format_source(text: &str) -> Result<String, FmtError> {
    // fmt accepts exactly what the checker accepts: judge the text as written
    // (a second byte-order mark, say, survives the normalisation below).
    syntax::parse(FileId(0), text).map_err(|diagnostics| FmtError::Syntax { diagnostics })?;
    let src = normalize_line_breaks(text);
    let file =
        syntax::parse(FileId(0), &src).map_err(|diagnostics| FmtError::Syntax { diagnostics })?;
    let comments = syntax::comments(&src);
    let out = printer::print(&src, &file, comments.clone());
    if out.len() > syntax::MAX_FILE_SIZE {
        return Err(FmtError::TooLarge {
            size: out.len(),
            limit: syntax::MAX_FILE_SIZE,
        });
    }
    verify(&file, &comments, &out)?;
    Ok(out)
}

/// Checks that `out` parses to the same tree as `before` and holds the same comments.
fn verify(
    before: &syntax::ast::File,
    comments: &[syntax::Comment],
    out: &str,
) -> Result<(), FmtError> {
    let after = syntax::parse(FileId(0), out).map_err(|d| FmtError::InvalidOutput {
        message: d
            .first()
            .map_or_else(|| "unknown error".to_string(), Diagnostic::message),
    })?;
    if let Some(detail) = canon::first_difference(before, &after) {
        return Err(FmtError::WouldChangeMeaning { detail });
    }
    let again = syntax::comments(out);
    for (i, c) in comments.iter().enumerate() {
        if again.get(i).map(|x| x.text.as_str()) != Some(c.text.as_str()) {
            return Err(FmtError::LostComment {
                comment: c.text.clone(),
            });
        }
    }
    if let Some(extra) = again.get(comments.len()) {
        return Err(FmtError::LostComment {
            comment: extra.text.clone(),
        });
    }
    Ok(())
}

/// Whether `text` is already in the canonical form (it parses and formatting
/// would not change a byte).
pub fn is_canonical(text: &str) -> Result<bool, FmtError> {
    Ok(format_source(text)? == text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str) -> (syntax::ast::File, Vec<syntax::Comment>) {
        let src = normalize_line_breaks(text);
        let file = syntax::parse(FileId(0), &src).unwrap_or_else(|_| syntax::ast::File {
            items: Vec::new(),
            span: crate::source::Span::default(),
        });
        (file, syntax::comments(&src))
    }

    #[test]
    fn refuses_output_with_another_meaning() {
        let (file, comments) = parsed("parameter a: money = 1 元\n");
        let err = verify(&file, &comments, "parameter a: money = 2 元\n");
        assert!(matches!(err, Err(FmtError::WouldChangeMeaning { .. })));
        let code = err.err().and_then(|e| e.code().map(|c| c.to_string()));
        assert_eq!(code.as_deref(), Some("policy::fmt::would_change_meaning"));
    }

    #[test]
    fn refuses_output_that_loses_or_adds_a_comment() {
        let (file, comments) = parsed("parameter a: money = 1 元  // 原\n");
        let lost = verify(&file, &comments, "parameter a: money = 1 元\n");
        assert!(matches!(lost, Err(FmtError::LostComment { comment }) if comment == "// 原"));
        let changed = verify(&file, &comments, "parameter a: money = 1 元  // 新\n");
        assert!(matches!(changed, Err(FmtError::LostComment { .. })));
        let added = verify(
            &file,
            &comments,
            "parameter a: money = 1 元  // 原\n// 多\n",
        );
        assert!(matches!(added, Err(FmtError::LostComment { comment }) if comment == "// 多"));
    }

    #[test]
    fn refuses_output_that_does_not_parse() {
        let (file, comments) = parsed("parameter a: money = 1 元\n");
        let err = verify(&file, &comments, "parameter a: money =\n");
        assert!(matches!(err, Err(FmtError::InvalidOutput { .. })));
    }

    #[test]
    fn syntax_errors_are_reported_not_formatted() {
        let err = format_source("measure 1 \"x\" {");
        assert!(matches!(err, Err(FmtError::Syntax { diagnostics }) if !diagnostics.is_empty()));
    }

    #[test]
    fn spacing_of_units_is_not_a_change_of_meaning() {
        let (a, _) = parsed("parameter a: money = 1000元\n");
        let (b, _) = parsed("parameter   a : money=1000 元");
        assert!(same_tree(&a, &b));
        let (c, _) = parsed("parameter a: money = 1000 万元\n");
        assert!(!same_tree(&a, &c));
    }

    #[test]
    fn empty_file_stays_empty() {
        assert_eq!(format_source("").ok().as_deref(), Some(""));
        assert_eq!(format_source("\u{FEFF}\r\n\r\n").ok().as_deref(), Some(""));
        // found by the fmt_roundtrip fuzz target: two marks are not a policy file
        assert!(format_source("\u{FEFF}\u{FEFF}department a = \"x\"\n").is_err());
    }
}

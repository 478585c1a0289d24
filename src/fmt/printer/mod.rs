//! The canonical printer: AST + comments → text.
//!
//! The printer builds the output line by line. Every token that comes from the
//! source is printed with its byte position, and before it is printed every
//! comment that stands before that position is popped from the comment list:
//!
//! - at the start of a line (before an item, clause, field, arm or fact) a
//!   comment is printed on its own line, at the indentation of what follows;
//! - in the middle of a line (inside an expression or a list) it ends the line:
//!   a comment that trailed code stays at the end of the line, one that stood on
//!   its own line gets its own line, and the code continues on the next line,
//!   indented one more level.
//!
//! When a line ends, a comment that trailed the last token on its source line is
//! appended to it. At the end of the file every remaining comment is printed, so
//! no comment can be lost (and `format_source` checks it).

mod expr;
mod items;
mod measures;

use unicode_width::UnicodeWidthStr;

use super::{INDENT, LINE_WIDTH};
use crate::syntax::ast::*;
use crate::syntax::Comment;

/// Prints `file` (parsed from `src`) in canonical form, with `comments`.
pub(crate) fn print(src: &str, file: &File, mut comments: Vec<Comment>) -> String {
    // Whether a comment trails code is decided here from its line, so that the
    // layout never depends on the scanner's bookkeeping.
    for c in &mut comments {
        let line_start = src
            .get(..c.start)
            .and_then(|s| s.rfind('\n'))
            .map_or(0, |i| i + 1);
        c.trailing = !src.get(line_start..c.start).unwrap_or("").trim().is_empty();
    }
    let mut p = Printer::new(src, comments);
    p.file(file);
    p.finish()
}

struct Printer<'a> {
    src: &'a str,
    comments: Vec<Comment>,
    next: usize,
    out: String,
    /// The line being built, with its indentation.
    line: String,
    /// Indentation of the current block, in spaces.
    indent: usize,
    /// End of the last source token (or comment) printed.
    last_end: usize,
    /// Nothing printed yet in the current block (no blank line before the first thing).
    first_in_block: bool,
}

impl<'a> Printer<'a> {
    pub(super) fn new(src: &'a str, comments: Vec<Comment>) -> Self {
        Printer {
            src,
            comments,
            next: 0,
            out: String::new(),
            line: String::new(),
            indent: 0,
            last_end: 0,
            first_in_block: true,
        }
    }

    /// A printer without comments, for measuring one-line layouts.
    pub(super) fn scratch(&self) -> Printer<'a> {
        let mut p = Printer::new(self.src, Vec::new());
        p.indent = self.indent;
        p.line = " ".repeat(self.indent);
        p
    }

    pub(super) fn finish(mut self) -> String {
        if !self.line.trim().is_empty() {
            self.end_line();
        }
        self.first_in_block = self.out.is_empty();
        self.own_line_comments(usize::MAX, true);
        while self.out.ends_with("\n\n") {
            self.out.pop();
        }
        self.out
    }

    // -----------------------------------------------------------------------
    // Source access

    pub(super) fn slice(&self, start: usize, end: usize) -> &'a str {
        self.src.get(start..end).unwrap_or("")
    }

    pub(super) fn peek_comment(&self) -> Option<&Comment> {
        self.comments.get(self.next)
    }

    pub(super) fn comment_before(&self, pos: usize) -> Option<Comment> {
        self.peek_comment().filter(|c| c.start < pos).cloned()
    }

    /// Whether a comment not yet printed starts inside `start..end`.
    pub(super) fn comment_within(&self, start: usize, end: usize) -> bool {
        self.comments
            .iter()
            .skip(self.next)
            .any(|c| c.start >= start && c.start < end)
    }

    /// Whether the source between `a` and `b` holds an empty line.
    pub(super) fn blank_between(&self, a: usize, b: usize) -> bool {
        if b <= a {
            return false;
        }
        let s = self.slice(a, b);
        let parts: Vec<&str> = s.split('\n').collect();
        parts.len() > 2
            && parts
                .iter()
                .skip(1)
                .take(parts.len() - 2)
                .any(|l| l.trim().is_empty())
    }

    /// The first offset at or after `pos` that is not whitespace or a comment.
    pub(super) fn skip_trivia(&self, mut pos: usize) -> usize {
        loop {
            let rest = self.src.get(pos..).unwrap_or("");
            let trimmed = rest.trim_start();
            pos += rest.len() - trimmed.len();
            if trimmed.starts_with("//") {
                pos += trimmed.find('\n').unwrap_or(trimmed.len());
            } else {
                return pos;
            }
        }
    }

    /// The end of `word` if it is the next token after `pos`, else `pos`.
    ///
    /// Spans of rules that end in an optional part (`type_expr`, `ident_list`,
    /// `if_expr`, …) run over the whitespace and comments after them (pest skips
    /// them before trying the optional part), so the printer never takes the end
    /// of such a span: it finds the closing keyword or punctuation itself.
    pub(super) fn after(&self, pos: usize, word: &str) -> usize {
        let at = self.skip_trivia(pos);
        if self.src.get(at..).is_some_and(|r| r.starts_with(word)) {
            at + word.len()
        } else {
            pos
        }
    }

    /// The position of the closing `ch` after `pos` (past an optional trailing
    /// comma), or `pos` if it is not there.
    pub(super) fn closing(&self, pos: usize, ch: &str) -> usize {
        let p = self.after(pos, ",");
        let at = self.skip_trivia(p);
        if self.src.get(at..).is_some_and(|r| r.starts_with(ch)) {
            at
        } else {
            pos
        }
    }

    /// Prints the closing bracket `ch` at `at` of an inline construct, after the
    /// comments that stand before it.
    pub(super) fn close_inline(&mut self, at: usize, ch: &str) {
        self.inline_comments(at);
        self.word(ch);
        self.set_end(at + ch.len());
    }

    /// Marks `word` after the last token as printed (see [`Self::after`]).
    pub(super) fn mark_after(&mut self, word: &str) {
        let e = self.after(self.last_end, word);
        self.set_end(e);
    }

    // -----------------------------------------------------------------------
    // Lines

    pub(super) fn line_is_empty(&self) -> bool {
        self.line.trim().is_empty()
    }

    pub(super) fn push_out_line(&mut self, l: &str) {
        self.out.push_str(l.trim_end_matches([' ', '\t', '\r']));
        self.out.push('\n');
    }

    pub(super) fn push_blank(&mut self) {
        if !self.out.is_empty() && !self.out.ends_with("\n\n") {
            self.out.push('\n');
        }
    }

    pub(super) fn set_end(&mut self, end: usize) {
        self.last_end = self.last_end.max(end);
    }

    /// Ends the current line, first appending a comment that trailed the last
    /// token printed on its source line.
    pub(super) fn end_line(&mut self) {
        if let Some(c) = self.peek_comment() {
            let between = self.slice(self.last_end, c.start);
            if c.trailing
                && c.start >= self.last_end
                && between
                    .chars()
                    .all(|ch| matches!(ch, ' ' | '\t' | '{' | ','))
            {
                let text = c.text.clone();
                let end = c.end;
                self.next += 1;
                let l = self.line.trim_end().to_string();
                self.line = format!("{l}  {text}");
                self.set_end(end);
            }
        }
        let l = std::mem::take(&mut self.line);
        self.push_out_line(&l);
    }

    /// Prints the comments before `pos` on their own lines at the block's
    /// indentation, keeping one blank line where the source has one.
    pub(super) fn own_line_comments(&mut self, pos: usize, keep_blank: bool) {
        while let Some(c) = self.comment_before(pos) {
            self.next += 1;
            if !self.first_in_block && keep_blank && self.blank_between(self.last_end, c.start) {
                self.push_blank();
            }
            let l = format!("{}{}", " ".repeat(self.indent), c.text);
            self.push_out_line(&l);
            self.last_end = self.last_end.max(c.end);
            self.first_in_block = false;
        }
    }

    /// Starts a line for an element (item, clause, field, …) that begins at `pos`.
    pub(super) fn start_line(&mut self, pos: usize, keep_blank: bool) {
        if !self.line_is_empty() {
            self.end_line();
        }
        self.own_line_comments(pos, keep_blank);
        if !self.first_in_block && keep_blank && self.blank_between(self.last_end, pos) {
            self.push_blank();
        }
        self.first_in_block = false;
        self.line = " ".repeat(self.indent);
    }

    /// Ends the line that opens a block and indents.
    pub(super) fn open_block(&mut self) {
        self.end_line();
        self.indent += INDENT;
        self.first_in_block = true;
    }

    /// Prints the comments left in the block, then its closing `}` (at `close`,
    /// the block ending at `end`). The line is left open after the `}`.
    pub(super) fn close_block(&mut self, close: usize, end: usize) {
        if !self.line_is_empty() {
            self.end_line();
        }
        self.own_line_comments(close, true);
        self.indent = self.indent.saturating_sub(INDENT);
        self.first_in_block = false;
        self.line = " ".repeat(self.indent);
        self.line.push('}');
        self.set_end(end);
    }

    pub(super) fn word(&mut self, s: &str) {
        self.line.push_str(s);
    }

    /// Prints the comments before `pos` in the middle of a line.
    pub(super) fn inline_comments(&mut self, pos: usize) {
        while let Some(c) = self.comment_before(pos) {
            self.next += 1;
            let cont = " ".repeat(self.indent + INDENT);
            if self.line_is_empty() {
                let ind = self.line.clone();
                let l = format!("{ind}{}", c.text);
                self.push_out_line(&l);
            } else if c.trailing {
                let l = format!("{}  {}", self.line.trim_end(), c.text);
                self.push_out_line(&l);
                self.line = cont;
            } else {
                let l = std::mem::take(&mut self.line);
                self.push_out_line(&l);
                let l = format!("{cont}{}", c.text);
                self.push_out_line(&l);
                self.line = cont;
            }
            self.set_end(c.end);
        }
    }

    /// Prints a token written at `start..end` in the source.
    pub(super) fn token(&mut self, start: usize, end: usize, s: &str) {
        self.token_lines(start, end, s, false);
    }

    /// Prints a token that may span lines (a text block). With `verbatim`, the
    /// token's lines keep their trailing whitespace too.
    pub(super) fn token_lines(&mut self, start: usize, end: usize, s: &str, verbatim: bool) {
        self.inline_comments(start);
        let mut lines = s.split('\n');
        if let Some(first) = lines.next() {
            self.line.push_str(first);
        }
        for l in lines {
            let done = std::mem::replace(&mut self.line, l.to_string());
            if verbatim {
                self.out.push_str(&done);
                self.out.push('\n');
            } else {
                self.push_out_line(&done);
            }
        }
        self.set_end(end);
    }

    pub(super) fn width(&self) -> usize {
        self.line.width()
    }
}

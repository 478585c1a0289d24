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
    fn new(src: &'a str, comments: Vec<Comment>) -> Self {
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
    fn scratch(&self) -> Printer<'a> {
        let mut p = Printer::new(self.src, Vec::new());
        p.indent = self.indent;
        p.line = " ".repeat(self.indent);
        p
    }

    fn finish(mut self) -> String {
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

    fn slice(&self, start: usize, end: usize) -> &'a str {
        self.src.get(start..end).unwrap_or("")
    }

    fn peek_comment(&self) -> Option<&Comment> {
        self.comments.get(self.next)
    }

    fn comment_before(&self, pos: usize) -> Option<Comment> {
        self.peek_comment().filter(|c| c.start < pos).cloned()
    }

    /// Whether a comment not yet printed starts inside `start..end`.
    fn comment_within(&self, start: usize, end: usize) -> bool {
        self.comments
            .iter()
            .skip(self.next)
            .any(|c| c.start >= start && c.start < end)
    }

    /// Whether the source between `a` and `b` holds an empty line.
    fn blank_between(&self, a: usize, b: usize) -> bool {
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
    fn skip_trivia(&self, mut pos: usize) -> usize {
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
    fn after(&self, pos: usize, word: &str) -> usize {
        let at = self.skip_trivia(pos);
        if self.src.get(at..).is_some_and(|r| r.starts_with(word)) {
            at + word.len()
        } else {
            pos
        }
    }

    /// The position of the closing `ch` after `pos` (past an optional trailing
    /// comma), or `pos` if it is not there.
    fn closing(&self, pos: usize, ch: &str) -> usize {
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
    fn close_inline(&mut self, at: usize, ch: &str) {
        self.inline_comments(at);
        self.word(ch);
        self.set_end(at + ch.len());
    }

    /// Marks `word` after the last token as printed (see [`Self::after`]).
    fn mark_after(&mut self, word: &str) {
        let e = self.after(self.last_end, word);
        self.set_end(e);
    }

    // -----------------------------------------------------------------------
    // Lines

    fn line_is_empty(&self) -> bool {
        self.line.trim().is_empty()
    }

    fn push_out_line(&mut self, l: &str) {
        self.out.push_str(l.trim_end_matches([' ', '\t', '\r']));
        self.out.push('\n');
    }

    fn push_blank(&mut self) {
        if !self.out.is_empty() && !self.out.ends_with("\n\n") {
            self.out.push('\n');
        }
    }

    fn set_end(&mut self, end: usize) {
        self.last_end = self.last_end.max(end);
    }

    /// Ends the current line, first appending a comment that trailed the last
    /// token printed on its source line.
    fn end_line(&mut self) {
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
    fn own_line_comments(&mut self, pos: usize, keep_blank: bool) {
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
    fn start_line(&mut self, pos: usize, keep_blank: bool) {
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
    fn open_block(&mut self) {
        self.end_line();
        self.indent += INDENT;
        self.first_in_block = true;
    }

    /// Prints the comments left in the block, then its closing `}` (at `close`,
    /// the block ending at `end`). The line is left open after the `}`.
    fn close_block(&mut self, close: usize, end: usize) {
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

    fn word(&mut self, s: &str) {
        self.line.push_str(s);
    }

    /// Prints the comments before `pos` in the middle of a line.
    fn inline_comments(&mut self, pos: usize) {
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
    fn token(&mut self, start: usize, end: usize, s: &str) {
        self.token_lines(start, end, s, false);
    }

    /// Prints a token that may span lines (a text block). With `verbatim`, the
    /// token's lines keep their trailing whitespace too.
    fn token_lines(&mut self, start: usize, end: usize, s: &str, verbatim: bool) {
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

    fn width(&self) -> usize {
        self.line.width()
    }

    // -----------------------------------------------------------------------
    // Leaves

    fn ident(&mut self, i: &Ident) {
        self.token(i.span.start, i.span.end, &i.name);
    }

    fn ident_list(&mut self, list: &[Ident]) {
        for (k, i) in list.iter().enumerate() {
            if k > 0 {
                self.word(", ");
            }
            self.ident(i);
        }
    }

    /// A string, or the text block of a `text` clause: printed as written,
    /// except for whitespace at the ends of a block's lines (the IR drops it).
    fn text(&mut self, t: &Text) {
        let raw = self.slice(t.span.start, t.span.end);
        self.token(t.span.start, t.span.end, raw);
    }

    /// A text block of the document header: the IR keeps it as it is, so it is
    /// printed byte for byte, trailing whitespace included.
    fn verbatim_text(&mut self, t: &Text) {
        let raw = self.slice(t.span.start, t.span.end);
        self.token_lines(t.span.start, t.span.end, raw, t.block);
    }

    fn date(&mut self, d: &DateLit) {
        let raw = self.slice(d.span.start, d.span.end);
        self.token(d.span.start, d.span.end, raw);
    }

    /// A quantity as written, with one space between the number and its unit.
    fn quantity_text(&self, q: &Quantity) -> String {
        let raw = self.slice(q.span.start, q.span.end);
        let digits = q.digits.trim_start_matches('-');
        let rest = raw
            .rfind(digits)
            .and_then(|i| raw.get(i + digits.len()..))
            .unwrap_or("")
            .trim_start_matches(' ');
        let mut s = String::new();
        if q.digits.starts_with('-') {
            s.push('-');
        }
        s.push_str(digits);
        if q.percent {
            s.push('%');
        } else if !rest.is_empty() {
            s.push(' ');
            s.push_str(rest);
        }
        s
    }

    fn quantity(&mut self, q: &Quantity) {
        let t = self.quantity_text(q);
        self.token(q.span.start, q.span.end, &t);
    }

    fn value_text(&self, v: &Value) -> String {
        match v {
            Value::Quantity(q) => self.quantity_text(q),
            Value::Date(d) => self.slice(d.span.start, d.span.end).to_string(),
            Value::Bool(b, _) => b.to_string(),
            Value::Variant(i) => i.name.clone(),
        }
    }

    fn value(&mut self, v: &Value) {
        let s = v.span();
        let t = self.value_text(v);
        self.token(s.start, s.end, &t);
    }

    fn type_expr(&mut self, t: &TypeExpr) {
        match t {
            TypeExpr::Named {
                base,
                unit,
                per,
                span,
            } => {
                self.ident(base);
                if let Some((_, s)) = unit {
                    self.word("<");
                    let raw = self.slice(s.start, s.end);
                    self.token(s.start, s.end, raw);
                    self.word(">");
                    self.mark_after(">");
                }
                for (_, s) in per {
                    self.word("/");
                    let raw = self.slice(s.start, s.end);
                    self.token(s.start, s.end, raw);
                }
                let _ = span;
            }
            TypeExpr::Choice { variants, span } => {
                self.token(span.start, span.start, "");
                self.word("choice { ");
                self.ident_list(variants);
                let at = self.closing(self.last_end, "}");
                self.word(" ");
                self.close_inline(at, "}");
            }
        }
    }

    // -----------------------------------------------------------------------
    // Items

    /// Items in order. One blank line separates two items unless both are
    /// one-line items of the same kind (a run of `department`s, of one-line
    /// `parameter`s, …), where the author's choice (none or one) is kept. The
    /// blank line goes before the comments that precede an item.
    fn file(&mut self, f: &File) {
        self.first_in_block = true;
        let mut prev: Option<(std::mem::Discriminant<Item>, bool)> = None;
        for item in &f.items {
            let mark = self.out.len();
            let first_line = self.item(item);
            let lines = self
                .out
                .get(first_line..)
                .map_or(0, |s| s.matches('\n').count());
            let multi = lines > 1;
            let kind = std::mem::discriminant(item);
            if let Some((pk, pmulti)) = prev {
                let force = pmulti || multi || pk != kind;
                if force && !self.out.get(mark..).is_some_and(|s| s.starts_with('\n')) {
                    self.out.insert(mark, '\n');
                }
            }
            prev = Some((kind, multi));
        }
    }

    /// Prints an item (after the comments before it); returns the offset in
    /// the output where the item's own first line starts.
    fn item(&mut self, item: &Item) -> usize {
        let span = item.span();
        self.start_line(span.start, true);
        let first_line = self.out.len();
        match item {
            Item::Document(d) => {
                self.word("document");
                self.set_end(span.start + "document".len());
                if d.fields.is_empty() && !self.comment_within(span.start, span.end) {
                    self.word(" {}");
                } else {
                    self.word(" {");
                    self.open_block();
                    for f in &d.fields {
                        self.start_line(f.key.span.start, true);
                        self.ident(&f.key);
                        self.word(" ");
                        match &f.value {
                            DocValue::Text(t) => self.verbatim_text(t),
                            DocValue::Date(x) => self.date(x),
                        }
                        self.end_line();
                    }
                    self.close_block(span.end.saturating_sub(1), span.end);
                }
            }
            Item::Department(d) => {
                self.word("department ");
                self.ident(&d.name);
                self.word(" = ");
                self.text(&d.full_name);
            }
            Item::Enum(e) => {
                self.word("enum ");
                self.ident(&e.name);
                self.list_block(
                    &e.variants,
                    (span.start, span.end),
                    |v| v.span.start,
                    |p, v| p.ident(v),
                );
            }
            Item::Entity(e) => {
                self.word("entity ");
                self.ident(&e.name);
                if let Some(d) = &e.description {
                    self.word(" ");
                    self.text(d);
                }
                if e.fields.is_empty() && !self.comment_within(e.name.span.end, span.end) {
                    self.word(" {}");
                } else {
                    self.word(" {");
                    self.open_block();
                    for f in &e.fields {
                        self.start_line(f.span.start, true);
                        self.ident(&f.name);
                        self.word(": ");
                        self.type_expr(&f.ty);
                        self.end_line();
                    }
                    self.close_block(span.end.saturating_sub(1), span.end);
                }
            }
            Item::Parameter(p) => self.parameter(p),
            Item::Section(s) => {
                self.word(&format!("section {} ", s.number));
                self.text(&s.title);
            }
            Item::Measure(m) => self.measure(m),
            Item::Locality(l) => {
                self.word("locality ");
                self.ident(&l.name);
                if l.values.is_empty() && !self.comment_within(l.name.span.end, span.end) {
                    self.word(" {}");
                } else {
                    self.word(" {");
                    self.open_block();
                    for v in &l.values {
                        self.start_line(v.span.start, true);
                        self.ident(&v.param);
                        self.word(" = ");
                        self.value(&v.value);
                        self.end_line();
                    }
                    self.close_block(span.end.saturating_sub(1), span.end);
                }
            }
        }
        self.end_line();
        first_line
    }

    /// `{ a, b, c }` on one line if it fits and holds no comment, else one
    /// element per line with a comma after each but the last. `first` gives the
    /// position of an element's first token; the list spans `start..end` and
    /// ends with its `}`.
    fn list_block<T>(
        &mut self,
        elems: &[T],
        (start, end): (usize, usize),
        first: impl Fn(&T) -> usize,
        mut one: impl FnMut(&mut Self, &T),
    ) {
        if !self.comment_within(start, end) {
            let mut s = self.scratch();
            s.line = self.line.clone();
            s.word(" { ");
            for (k, e) in elems.iter().enumerate() {
                if k > 0 {
                    s.word(", ");
                }
                one(&mut s, e);
            }
            s.word(" }");
            if s.out.is_empty() && (s.width() <= LINE_WIDTH || elems.len() < 2) {
                self.line = s.line;
                self.set_end(end);
                return;
            }
        }
        self.word(" {");
        self.open_block();
        let n = elems.len();
        for (k, e) in elems.iter().enumerate() {
            self.start_line(first(e), true);
            one(self, e);
            if k + 1 < n {
                self.word(",");
            }
            self.end_line();
        }
        self.close_block(end.saturating_sub(1), end);
    }

    fn parameter(&mut self, p: &Parameter) {
        self.word("parameter ");
        self.ident(&p.name);
        self.word(": ");
        self.type_expr(&p.ty);
        match &p.body {
            ParamBody::Constant(v) => {
                self.word(" = ");
                self.value(v);
            }
            ParamBody::Versioned(vs) => {
                self.word(" {");
                self.open_block();
                for v in vs {
                    self.start_line(v.span.start, true);
                    self.value(&v.value);
                    self.word(" from ");
                    self.date(&v.from);
                    self.set_end(v.span.end);
                    self.end_line();
                }
                self.close_block(p.span.end.saturating_sub(1), p.span.end);
            }
            ParamBody::Locality {
                default,
                floor,
                cap,
                order,
            } => {
                self.word(" by locality");
                self.mark_after("by");
                self.mark_after("locality");
                for k in order {
                    let (kw, v) = match k {
                        BoundKind::Default => ("default", default),
                        BoundKind::Floor => ("floor", floor),
                        BoundKind::Cap => ("cap", cap),
                    };
                    if let Some(v) = v {
                        self.word(&format!(" {kw} "));
                        self.value(v);
                    }
                }
            }
        }
    }

    // -----------------------------------------------------------------------
    // Measures

    fn measure(&mut self, m: &Measure) {
        self.word("measure ");
        self.token(
            m.number_span.start,
            m.number_span.end,
            &m.number.to_string(),
        );
        self.word(" ");
        self.text(&m.title);
        if m.clauses.is_empty() && !self.comment_within(m.title.span.end, m.span.end) {
            self.word(" {}");
            return;
        }
        self.word(" {");
        self.open_block();
        for c in &m.clauses {
            self.measure_clause(c);
        }
        self.close_block(m.span.end.saturating_sub(1), m.span.end);
    }

    fn measure_clause(&mut self, c: &MeasureClause) {
        match c {
            MeasureClause::Section(n, span) => {
                self.start_line(span.start, true);
                self.word(&format!("section {n}"));
                self.set_end(span.end);
            }
            MeasureClause::Kind(i) => {
                self.start_line(i.span.start, true);
                self.word("kind ");
                self.ident(i);
            }
            MeasureClause::To(i) => {
                self.start_line(i.span.start, true);
                self.word("to ");
                self.ident(i);
            }
            MeasureClause::Effective(e) => {
                self.start_line(e.span.start, true);
                self.word("effective ");
                match (&e.from, &e.to) {
                    (Some(f), to) => {
                        if e.from_keyword {
                            self.word("from ");
                        }
                        self.date(f);
                        if let Some(t) = to {
                            self.word(" to ");
                            self.date(t);
                        }
                    }
                    (None, Some(t)) => {
                        self.word("until ");
                        self.date(t);
                    }
                    (None, None) => {}
                }
            }
            MeasureClause::Deadline(d, span) => {
                self.start_line(span.start, true);
                self.word("applications until ");
                self.date(d);
                self.set_end(span.end);
            }
            MeasureClause::Departments(role, names, span) => {
                self.start_line(span.start, true);
                self.word(role.keyword());
                self.word(" ");
                self.ident_list(names);
                let _ = span;
            }
            MeasureClause::Text(t) => {
                self.start_line(t.span.start, true);
                self.word("text ");
                self.text(t);
            }
            MeasureClause::Rule(r) => self.rule(r),
            MeasureClause::Example(x) => self.example(x),
        }
        self.end_line();
    }

    fn rule(&mut self, r: &Rule) {
        self.start_line(r.span.start, true);
        self.word("rule ");
        self.ident(&r.name);
        if let Some(p) = &r.part {
            self.word(" part ");
            self.ident(p);
        }
        if let Some(x) = &r.exception_to {
            self.word(" exception to ");
            self.ident(x);
        }
        let head_end = self.last_end;
        if r.clauses.is_empty() && !self.comment_within(head_end, r.span.end) {
            self.word(" {}");
            self.set_end(r.span.end);
            return;
        }
        self.word(" {");
        self.open_block();
        for c in &r.clauses {
            match c {
                RuleClause::Text(t) => {
                    self.start_line(t.span.start, true);
                    self.word("text ");
                    self.text(t);
                }
                RuleClause::When(e) => self.expr_clause("when", e),
                RuleClause::Amount(e) => self.expr_clause("amount", e),
                RuleClause::Floor(e) => self.expr_clause("floor", e),
                RuleClause::Cap(e) => self.expr_clause("cap", e),
            }
            self.end_line();
        }
        self.close_block(r.span.end.saturating_sub(1), r.span.end);
    }

    fn example(&mut self, x: &Example) {
        self.start_line(x.span.start, true);
        self.word("example ");
        self.text(&x.name);
        if x.clauses.is_empty() && !self.comment_within(x.name.span.end, x.span.end) {
            self.word(" {}");
            self.set_end(x.span.end);
            return;
        }
        self.word(" {");
        self.open_block();
        for c in &x.clauses {
            match c {
                ExampleClause::Date(d, span) => {
                    self.start_line(span.start, true);
                    self.word("date ");
                    self.date(d);
                    self.set_end(span.end);
                }
                ExampleClause::Locality(i, span) => {
                    self.start_line(span.start, true);
                    self.word("locality ");
                    self.ident(i);
                    self.set_end(span.end);
                }
                ExampleClause::Facts(entity, facts, span) => {
                    self.start_line(span.start, true);
                    self.ident(entity);
                    if facts.is_empty() && !self.comment_within(entity.span.end, span.end) {
                        self.word(" {}");
                        self.set_end(span.end);
                    } else {
                        self.list_block(
                            facts,
                            (entity.span.end, span.end),
                            |f| f.span.start,
                            |p, f| {
                                p.ident(&f.name);
                                p.word(": ");
                                p.value(&f.value);
                                p.set_end(f.span.end);
                            },
                        );
                    }
                }
                ExampleClause::Expect(e) => {
                    self.start_line(e.span.start, true);
                    self.word("expect ");
                    self.ident(&e.status);
                    if let Some(q) = &e.amount {
                        self.word(" ");
                        self.quantity(q);
                    }
                    if let Some(f) = &e.facts {
                        self.word(" [");
                        self.ident_list(f);
                        let at = self.closing(self.last_end, "]");
                        self.close_inline(at, "]");
                    }
                }
            }
            self.end_line();
        }
        self.close_block(x.span.end.saturating_sub(1), x.span.end);
    }

    // -----------------------------------------------------------------------
    // Expressions

    /// `when`/`amount`/`floor`/`cap` and its expression. A chain of `and`, of
    /// `or` or of `+`/`-` that is too long for one line, or holds a comment, is
    /// broken before each operator, the operands indented one level.
    fn expr_clause(&mut self, kw: &str, e: &Expr) {
        self.start_line(e.span.start, true);
        self.word(kw);
        self.word(" ");
        let chain = operator_chain(e);
        let broken = chain.len() > 1
            && (self.comment_within(e.span.start, expr_end(e)) || {
                let mut s = self.scratch();
                s.line = self.line.clone();
                s.expr(e);
                s.out.is_empty() && s.width() > LINE_WIDTH
            });
        if broken {
            let mut parts = chain.into_iter();
            if let Some((_, first)) = parts.next() {
                self.expr(first);
            }
            self.indent += INDENT;
            for (op, operand) in parts {
                self.end_line();
                self.start_line(operand.span.start, false);
                self.word(op.map_or("", BinaryOp::symbol));
                self.word(" ");
                self.expr(operand);
            }
            self.indent -= INDENT;
        } else {
            self.expr(e);
        }
    }

    fn expr(&mut self, e: &Expr) {
        let (start, end) = (e.span.start, e.span.end);
        match &e.kind {
            ExprKind::Quantity(q) => self.quantity(q),
            ExprKind::Date(_) => {
                let raw = self.slice(start, end);
                self.token(start, end, raw);
            }
            ExprKind::Bool(b) => self.token(start, end, if *b { "true" } else { "false" }),
            ExprKind::Name(i) => self.ident(i),
            ExprKind::Qualified(a, b) => {
                self.ident(a);
                self.word(".");
                self.word(&b.name);
                self.set_end(b.span.end);
            }
            ExprKind::Unary(op, x) => {
                self.token(start, start, "");
                match op {
                    UnaryOp::Not => self.word("not "),
                    UnaryOp::Neg => self.word("-"),
                }
                self.expr(x);
            }
            ExprKind::Binary(op, a, b) => {
                self.expr(a);
                self.word(" ");
                self.word(op.symbol());
                self.word(" ");
                self.expr(b);
            }
            ExprKind::In(x, set) => {
                self.expr(x);
                self.word(" in {");
                self.ident_list(set);
                self.close_inline(end.saturating_sub(1), "}");
            }
            ExprKind::Call(f, args) => {
                self.ident(f);
                self.word("(");
                for (k, a) in args.iter().enumerate() {
                    if k > 0 {
                        self.word(", ");
                    }
                    self.expr(a);
                }
                self.close_inline(end.saturating_sub(1), ")");
            }
            ExprKind::If(c, t, o) => {
                self.token(start, start, "");
                self.word("if ");
                self.expr(c);
                self.word(" then ");
                self.expr(t);
                self.word(" else ");
                self.expr(o);
            }
            ExprKind::Match(x, arms, kw) => {
                self.token(start, start, "");
                self.word(match kw {
                    MatchKeyword::Match => "match ",
                    MatchKeyword::By => "by ",
                });
                self.expr(x);
                self.word(" {");
                self.open_block();
                for a in arms {
                    self.start_line(a.variant.span.start, true);
                    self.ident(&a.variant);
                    self.word(" => ");
                    self.expr(&a.value);
                    self.end_line();
                }
                self.close_block(end.saturating_sub(1), end);
            }
            ExprKind::Paren(x) => {
                self.token(start, start, "");
                self.word("(");
                self.expr(x);
                self.close_inline(end.saturating_sub(1), ")");
            }
        }
    }
}

/// Where an expression really ends: the span of an `if` (and of a binary or
/// unary expression ending in one) may run over the comments after it.
fn expr_end(e: &Expr) -> usize {
    match &e.kind {
        ExprKind::If(_, _, o) => expr_end(o),
        ExprKind::Binary(_, _, b) => expr_end(b),
        ExprKind::Unary(_, x) => expr_end(x),
        _ => e.span.end,
    }
}

/// The operands of the top-level chain of `and`, of `or`, or of `+`/`-`
/// (operators of one precedence, left-nested as the parser builds them), each
/// with the operator before it (`None` for the first); a single operand for any
/// other expression.
fn operator_chain(e: &Expr) -> Vec<(Option<BinaryOp>, &Expr)> {
    let same_level = |a: BinaryOp, b: BinaryOp| match a {
        BinaryOp::And | BinaryOp::Or => a == b,
        BinaryOp::Add | BinaryOp::Sub => matches!(b, BinaryOp::Add | BinaryOp::Sub),
        _ => false,
    };
    let ExprKind::Binary(op, _, _) = &e.kind else {
        return vec![(None, e)];
    };
    if !same_level(*op, *op) {
        return vec![(None, e)];
    }
    let mut rights = Vec::new();
    let mut cur = e;
    while let ExprKind::Binary(o, a, b) = &cur.kind {
        if !same_level(*op, *o) {
            break;
        }
        rights.push((Some(*o), b.as_ref()));
        cur = a;
    }
    let mut out = vec![(None, cur)];
    out.extend(rights.into_iter().rev());
    out
}

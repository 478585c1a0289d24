//! The envelope every stage's errors travel in, and the plain and JSON renderers.
//!
//! Each stage has its own error enum (`syntax::SyntaxError`, `check::CheckError`,
//! …) deriving [`miette::Diagnostic`] with a stable code, labels and help. A
//! [`Diagnostic`] pairs such an error with the file its spans point into, so
//! that errors from many files can be reported together.

use std::fmt::Write as _;

use miette::{LabeledSpan, Severity};
use serde::Serialize;
use unicode_width::UnicodeWidthChar;

use crate::source::{FileId, SourceMap};

/// An error (or warning) of any stage, with the file its labels point into.
#[derive(Debug)]
pub struct Diagnostic {
    /// The file the labels refer to; `None` for errors about no file in particular.
    pub file: Option<FileId>,
    /// The stage's error value.
    pub error: Box<dyn miette::Diagnostic + Send + Sync + 'static>,
}

impl Diagnostic {
    /// Wraps a stage error whose spans point into `file`.
    pub fn new(file: FileId, error: impl miette::Diagnostic + Send + Sync + 'static) -> Self {
        Diagnostic {
            file: Some(file),
            error: Box::new(error),
        }
    }

    /// Wraps an error that has no location.
    pub fn without_file(error: impl miette::Diagnostic + Send + Sync + 'static) -> Self {
        Diagnostic {
            file: None,
            error: Box::new(error),
        }
    }

    /// The stable code, e.g. `policy::check::unknown_name`.
    pub fn code(&self) -> String {
        self.error.code().map(|c| c.to_string()).unwrap_or_default()
    }

    /// The one-line message.
    pub fn message(&self) -> String {
        self.error.to_string()
    }

    /// The help line, if any.
    pub fn help(&self) -> Option<String> {
        self.error.help().map(|h| h.to_string())
    }

    /// Whether this is an error (as opposed to a warning or advice).
    pub fn is_error(&self) -> bool {
        matches!(self.error.severity(), None | Some(Severity::Error))
    }

    fn labels(&self) -> Vec<LabeledSpan> {
        let mut labels: Vec<LabeledSpan> =
            self.error.labels().map(|l| l.collect()).unwrap_or_default();
        labels.sort_by_key(|l| (!l.primary(), l.offset()));
        labels
    }

    fn severity_word(&self) -> &'static str {
        match self.error.severity() {
            Some(Severity::Warning) => "warning",
            Some(Severity::Advice) => "advice",
            _ => "error",
        }
    }
}

/// Renders diagnostics as plain text, one block each, in the style of rustc:
///
/// ```text
/// error[policy::check::unknown_name]: unknown name `裁员律`
///   --> policies/seed.policy:12:10
///    |
/// 12 |     when 裁员律 <= 5%
///    |          ^^^^^^ not defined
///    |
///    = help: did you mean `裁员率`?
/// ```
///
/// Columns count characters; carets are as wide as the text on screen (CJK is two columns).
pub fn render_plain(sources: &SourceMap, diags: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diags {
        render_one_plain(&mut out, sources, d);
        out.push('\n');
    }
    out
}

/// The most columns of a source line the plain renderer shows; longer lines
/// are cut around the label, with `…` where text is left out.
pub const MAX_LINE_SHOWN: usize = 100;

/// The most characters of a message, label or help the plain renderer shows
/// (a 10 000-character name is shortened in the middle).
pub const MAX_MESSAGE_SHOWN: usize = 240;

/// Whether a terminal would obey or hide `c` rather than show it: control
/// characters (C0 with tab, line feed and carriage return, DEL, C1 — which
/// start ANSI escape sequences), bidirectional controls (U+061C, U+200E/F,
/// U+202A–U+202E, U+2066–U+2069), zero-width characters and the line and
/// paragraph separators, the interlinear annotation marks. The one list of such characters: [`escape`] and the
/// source excerpts of diagnostics both use it.
pub fn hidden_on_terminal(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061C}'
                | '\u{200B}'..='\u{200F}'
                | '\u{2028}'..='\u{202E}'
                | '\u{2060}'..='\u{2069}'
                | '\u{FEFF}'
                | '\u{FFF9}'..='\u{FFFB}'
        )
}

/// `s` as it may be printed in text for people: every character that
/// [`hidden_on_terminal`] names is written as a Rust escape (`\u{1b}`,
/// `\u{202e}`, `\u{a}` for a line break inside a value), so that a name, a
/// title or a file name taken from the input cannot move the cursor, change
/// colours, reorder the line or start a fake line. Every input-derived string
/// in the CLI's text output and in diagnostics passes through it (or through
/// [`escape_lines`]).
pub fn escape(s: &str) -> std::borrow::Cow<'_, str> {
    escape_except(s, None)
}

/// [`escape`] for text of several lines: line feeds are kept (every other
/// character that [`hidden_on_terminal`] names, carriage returns included,
/// is escaped).
pub fn escape_lines(s: &str) -> std::borrow::Cow<'_, str> {
    escape_except(s, Some('\n'))
}

fn escape_except(s: &str, keep: Option<char>) -> std::borrow::Cow<'_, str> {
    let hidden = |c: char| hidden_on_terminal(c) && Some(c) != keep;
    if !s.chars().any(hidden) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if hidden(c) {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// How a character of a source line is shown: tabs as a space; characters
/// that a terminal would hide or obey ([`hidden_on_terminal`]) as `�`, so
/// that the caret under them is seen and keeps its column.
fn visible(c: char) -> char {
    match c {
        '\t' => ' ',
        c if hidden_on_terminal(c) => '\u{FFFD}',
        c => c,
    }
}

/// Shortens `s` in the middle when it has more than [`MAX_MESSAGE_SHOWN`] characters.
pub fn shorten(s: &str) -> String {
    let n = s.chars().count();
    if n <= MAX_MESSAGE_SHOWN {
        return s.to_string();
    }
    let head: String = s.chars().take(MAX_MESSAGE_SHOWN * 2 / 3).collect();
    let tail: String = s.chars().skip(n - MAX_MESSAGE_SHOWN / 3).collect();
    format!("{head} … {tail}")
}

/// The part of a line shown under a label that starts at byte `at` of the line
/// and is `len` characters long: the text, the caret's indent and its width, in
/// columns. Only a window around the label is looked at, so a line of
/// megabytes costs no more than a short one.
fn excerpt(line: &str, at: usize, len: usize) -> (String, usize, usize) {
    let mut at = at.min(line.len());
    while !line.is_char_boundary(at) {
        at -= 1;
    }
    // a window of bytes wide enough for MAX_LINE_SHOWN columns either side
    let back = line
        .get(..at)
        .unwrap_or("")
        .char_indices()
        .rev()
        .take(MAX_LINE_SHOWN)
        .last()
        .map_or(at, |(i, _)| i);
    let mut ahead = (at + 8 * MAX_LINE_SHOWN).min(line.len());
    while !line.is_char_boundary(ahead) {
        ahead -= 1;
    }
    let (cut_front, cut_back) = (back > 0, ahead < line.len());
    let window = line.get(back..ahead).unwrap_or("");
    let chars: Vec<char> = window.chars().map(visible).collect();
    let width = |cs: &[char]| -> usize {
        cs.iter()
            .map(|c| UnicodeWidthChar::width(*c).unwrap_or(0))
            .sum()
    };
    let col = line.get(back..at).map_or(0, |s| s.chars().count());
    let end = col.saturating_add(len).min(chars.len());
    if !cut_front && !cut_back && width(&chars) <= MAX_LINE_SHOWN {
        let indent = chars.get(..col).map_or(0, width);
        let caret = chars.get(col..end).map_or(0, width).max(1);
        return (chars.iter().collect(), indent, caret);
    }
    // about MAX_LINE_SHOWN columns that start a little before the label
    let start = col.saturating_sub(MAX_LINE_SHOWN / 3);
    let mut stop = start;
    let mut used = 0;
    while let Some(c) = chars.get(stop) {
        let w = UnicodeWidthChar::width(*c).unwrap_or(0);
        if used + w > MAX_LINE_SHOWN {
            break;
        }
        used += w;
        stop += 1;
    }
    let mut text = String::new();
    let mut indent = 0;
    if start > 0 || cut_front {
        text.push('…');
        indent += 1;
    }
    text.extend(chars.get(start..stop).unwrap_or(&[]).iter());
    if stop < chars.len() || cut_back {
        text.push('…');
    }
    indent += chars.get(start..col).map_or(0, width);
    let caret = chars.get(col..end.min(stop)).map_or(0, width).max(1);
    (text, indent, caret)
}

fn render_one_plain(out: &mut String, sources: &SourceMap, d: &Diagnostic) {
    let code = d.code();
    let message = shorten(&escape(&d.message()));
    if code.is_empty() {
        let _ = writeln!(out, "{}: {}", d.severity_word(), message);
    } else {
        let _ = writeln!(out, "{}[{}]: {}", d.severity_word(), code, message);
    }
    let file = d.file.and_then(|f| sources.get(f));
    let labels = d.labels();
    if let Some(file) = file {
        let first = labels.first().map_or(0, |l| l.offset());
        let (line, col) = file.line_col(first);
        let gutter = labels
            .iter()
            .map(|l| file.line_col(l.offset()).0)
            .max()
            .unwrap_or(line)
            .to_string()
            .len();
        let pad = " ".repeat(gutter);
        let _ = writeln!(out, "{pad}--> {}:{}:{}", escape(&file.name), line, col);
        if !labels.is_empty() {
            let _ = writeln!(out, "{pad} |");
        }
        for l in &labels {
            let (lline, _) = file.line_col(l.offset());
            let text = file.line_text(lline);
            let span_text = file
                .text
                .get(l.offset()..l.offset().saturating_add(l.len()))
                .unwrap_or("");
            let span_text = span_text.lines().next().unwrap_or("");
            let (shown, indent, width) = excerpt(
                text,
                l.offset().saturating_sub(file.line_start(lline)),
                span_text.chars().count(),
            );
            let _ = writeln!(out, "{:>gutter$} | {}", lline, shown);
            let msg = shorten(&escape(l.label().unwrap_or("")));
            let _ = writeln!(
                out,
                "{pad} | {}{}{}{}",
                " ".repeat(indent),
                "^".repeat(width),
                if msg.is_empty() { "" } else { " " },
                msg
            );
        }
        if let Some(help) = d.help() {
            let _ = writeln!(out, "{pad} |");
            let _ = writeln!(out, "{pad} = help: {}", shorten(&escape(&help)));
        }
    } else if let Some(help) = d.help() {
        let _ = writeln!(out, "  = help: {}", shorten(&escape(&help)));
    }
}

/// One diagnostic as `--error-format json` prints it.
#[derive(Serialize)]
pub struct JsonDiagnostic {
    /// `error`, `warning` or `advice`.
    pub severity: &'static str,
    /// The stable code.
    pub code: String,
    /// The message.
    pub message: String,
    /// The file's path, if the diagnostic has a location.
    pub file: Option<String>,
    /// 1-based line of the primary label.
    pub line: Option<u32>,
    /// 1-based column (characters) of the primary label.
    pub column: Option<u32>,
    /// Every label with its position.
    pub labels: Vec<JsonLabel>,
    /// The help line.
    pub help: Option<String>,
}

/// A label in [`JsonDiagnostic`].
#[derive(Serialize)]
pub struct JsonLabel {
    /// What the label says.
    pub message: Option<String>,
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
    /// Byte offset of the start.
    pub offset: usize,
    /// Length in bytes.
    pub length: usize,
}

/// Converts diagnostics into their JSON form.
pub fn to_json(sources: &SourceMap, diags: &[Diagnostic]) -> Vec<JsonDiagnostic> {
    diags
        .iter()
        .map(|d| {
            let file = d.file.and_then(|f| sources.get(f));
            let labels: Vec<JsonLabel> = match file {
                Some(file) => d
                    .labels()
                    .iter()
                    .map(|l| {
                        let (line, column) = file.line_col(l.offset());
                        JsonLabel {
                            message: l.label().map(str::to_string),
                            line,
                            column,
                            offset: l.offset(),
                            length: l.len(),
                        }
                    })
                    .collect(),
                None => Vec::new(),
            };
            JsonDiagnostic {
                severity: d.severity_word(),
                code: d.code(),
                message: d.message(),
                file: file.map(|f| f.name.clone()),
                line: labels.first().map(|l| l.line),
                column: labels.first().map(|l| l.column),
                labels,
                help: d.help(),
            }
        })
        .collect()
}

/// A diagnostic bundled with its file's text, so that miette's own handlers can
/// draw it (the CLI's `--error-format human`).
pub struct WithSource<'a> {
    diag: &'a Diagnostic,
    source: Option<CharColumns>,
}

/// A named source whose excerpts count columns in characters, as the plain and
/// JSON formats do (and as an editor's "go to line:column" expects), where
/// miette would count bytes: `1:17`, not `1:25`, after `entity 企业 { 规模: `.
struct CharColumns {
    named: miette::NamedSource<std::sync::Arc<str>>,
    text: std::sync::Arc<str>,
}

impl miette::SourceCode for CharColumns {
    fn read_span<'a>(
        &'a self,
        span: &miette::SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        let c = self
            .named
            .read_span(span, context_lines_before, context_lines_after)?;
        let start = c.span().offset();
        let line_start = start.saturating_sub(c.column());
        let column = self
            .text
            .get(line_start..start)
            .map_or(c.column(), |before| before.chars().count());
        let mut contents = miette::MietteSpanContents::new_named(
            c.name().unwrap_or_default().to_string(),
            c.data(),
            *c.span(),
            c.line(),
            column,
            c.line_count(),
        );
        if let Some(language) = c.language() {
            contents = contents.with_language(language);
        }
        Ok(Box::new(contents))
    }
}

impl<'a> WithSource<'a> {
    /// Attaches the source text of the diagnostic's file (shared, not copied).
    /// Pass the map of [`for_terminal`] so that no control character reaches
    /// the terminal.
    pub fn new(sources: &SourceMap, diag: &'a Diagnostic) -> Self {
        let source = diag.file.and_then(|f| sources.get(f)).map(|f| CharColumns {
            named: miette::NamedSource::new(f.name.clone(), f.text.clone()).with_language("policy"),
            text: f.text.clone(),
        });
        WithSource { diag, source }
    }
}

/// The sources as a terminal may show them: every character that
/// [`hidden_on_terminal`] names, but tabs and line breaks, becomes a visible
/// one *of the same length in bytes* (`?` for
/// one byte, `¤` for two, `�` for three), so that every span still fits. A
/// right-to-left override in a policy must not reorder the diagnostic around it.
pub fn for_terminal(sources: &SourceMap) -> SourceMap {
    let mut out = SourceMap::new();
    for (_, f) in sources.iter() {
        if f.text
            .chars()
            .all(|c| visible(c) == c || c == '\t' || c == '\n' || c == '\r')
        {
            out.add(escape(&f.name), f.text.clone());
            continue;
        }
        let text: String = f
            .text
            .chars()
            .map(|c| match c {
                '\t' | '\n' | '\r' => c,
                c if visible(c) == c => c,
                c => match c.len_utf8() {
                    1 => '?',
                    2 => '¤',
                    3 => '\u{FFFD}',
                    _ => c,
                },
            })
            .collect();
        out.add(escape(&f.name), text);
    }
    out
}

/// Whether a label of `d` sits on a line too long to draw whole: the plain
/// renderer, which cuts lines around the label, is used for it instead.
pub fn on_a_long_line(sources: &SourceMap, d: &Diagnostic) -> bool {
    let Some(file) = d.file.and_then(|f| sources.get(f)) else {
        return false;
    };
    d.labels().iter().any(|l| {
        let (line, _) = file.line_col(l.offset());
        file.line_text(line).len() > 4 * MAX_LINE_SHOWN
    })
}

impl std::fmt::Debug for WithSource<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.diag, f)
    }
}

/// The message as a terminal may show it ([`escape`]).
impl std::fmt::Display for WithSource<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&escape(&self.diag.error.to_string()))
    }
}

impl std::error::Error for WithSource<'_> {}

impl miette::Diagnostic for WithSource<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn std::fmt::Display + 'b>> {
        self.diag.error.code()
    }
    fn severity(&self) -> Option<Severity> {
        self.diag.error.severity()
    }
    fn help<'b>(&'b self) -> Option<Box<dyn std::fmt::Display + 'b>> {
        let help = self.diag.error.help()?.to_string();
        Some(Box::new(escape(&help).into_owned()))
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let labels = self.diag.error.labels()?.map(|l| {
            let text = l.label().map(|t| escape(t).into_owned());
            if l.primary() {
                LabeledSpan::new_primary_with_span(text, *l.inner())
            } else {
                LabeledSpan::new_with_span(text, *l.inner())
            }
        });
        Some(Box::new(labels))
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }
}

//! The envelope every stage's errors travel in, and the plain and JSON renderers.
//!
//! Each stage has its own error enum (`syntax::SyntaxError`, `check::CheckError`,
//! …) deriving [`miette::Diagnostic`] with a stable code, labels and help. A
//! [`Diagnostic`] pairs such an error with the file its spans point into, so
//! that errors from many files can be reported together.

use std::fmt::Write as _;

use miette::{LabeledSpan, Severity};
use serde::Serialize;
use unicode_width::UnicodeWidthStr;

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

fn render_one_plain(out: &mut String, sources: &SourceMap, d: &Diagnostic) {
    let code = d.code();
    if code.is_empty() {
        let _ = writeln!(out, "{}: {}", d.severity_word(), d.message());
    } else {
        let _ = writeln!(out, "{}[{}]: {}", d.severity_word(), code, d.message());
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
        let _ = writeln!(out, "{pad}--> {}:{}:{}", file.name, line, col);
        if !labels.is_empty() {
            let _ = writeln!(out, "{pad} |");
        }
        for l in &labels {
            let (lline, lcol) = file.line_col(l.offset());
            let text = file.line_text(lline);
            let _ = writeln!(out, "{:>gutter$} | {}", lline, text.replace('\t', " "));
            let before: String = text
                .chars()
                .take((lcol as usize).saturating_sub(1))
                .collect();
            let indent = UnicodeWidthStr::width(before.as_str());
            let span_text = file
                .text
                .get(l.offset()..l.offset() + l.len())
                .unwrap_or("");
            let span_text = span_text.lines().next().unwrap_or("");
            let width = UnicodeWidthStr::width(span_text).max(1);
            let msg = l.label().unwrap_or("");
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
            let _ = writeln!(out, "{pad} = help: {help}");
        }
    } else if let Some(help) = d.help() {
        let _ = writeln!(out, "  = help: {help}");
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
    source: Option<miette::NamedSource<String>>,
}

impl<'a> WithSource<'a> {
    /// Attaches the source text of the diagnostic's file.
    pub fn new(sources: &SourceMap, diag: &'a Diagnostic) -> Self {
        let source = diag.file.and_then(|f| sources.get(f)).map(|f| {
            miette::NamedSource::new(f.name.clone(), f.text.to_string()).with_language("policy")
        });
        WithSource { diag, source }
    }
}

impl std::fmt::Debug for WithSource<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.diag, f)
    }
}

impl std::fmt::Display for WithSource<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(&self.diag.error, f)
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
        self.diag.error.help()
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.diag.error.labels()
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }
}

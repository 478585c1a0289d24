//! The compiler's diagnostics as LSP diagnostics: the primary label's range
//! (in UTF-16 positions), the stable code, the other labels as related
//! information, the help line after the message, and a "did you mean"
//! suggestion in `data` for the quick fix.

use lsp_types::{
    DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString, Position, Range,
};
use miette::Severity;

use super::workspace::Analysis;
use crate::diagnostic::Diagnostic;
use crate::source::{FileId, Span};

/// The name the server gives as the source of its diagnostics.
pub const SOURCE: &str = "policyc";

/// The LSP form of `d`, positioned in `analysis`'s files.
pub fn diagnostic(analysis: &Analysis, d: &Diagnostic) -> Option<lsp_types::Diagnostic> {
    let file = d.file.unwrap_or(FileId(0));
    let (text, lines, uri) = analysis.text(file)?;
    let mut labels: Vec<miette::LabeledSpan> =
        d.error.labels().map(|l| l.collect()).unwrap_or_default();
    labels.sort_by_key(|l| (!l.primary(), l.offset()));
    let range_of = |l: &miette::LabeledSpan| lines.range(text, l.offset(), l.offset() + l.len());
    let range = match (d.file, labels.first()) {
        (Some(_), Some(l)) => range_of(l),
        _ => Range::new(Position::new(0, 0), Position::new(0, 0)),
    };
    let mut message = d.message();
    if let Some(label) = labels.first().and_then(|l| l.label()) {
        message.push_str(&format!(" ({label})"));
    }
    let help = d.help();
    if let Some(h) = &help {
        message.push_str("\nhelp: ");
        message.push_str(h);
    }
    let related: Vec<DiagnosticRelatedInformation> = if d.file.is_some() {
        labels
            .iter()
            .skip(1)
            .map(|l| DiagnosticRelatedInformation {
                location: Location::new(uri.clone(), range_of(l)),
                message: l.label().unwrap_or("here").to_string(),
            })
            .collect()
    } else {
        Vec::new()
    };
    let severity = match d.error.severity() {
        Some(Severity::Warning) => DiagnosticSeverity::WARNING,
        Some(Severity::Advice) => DiagnosticSeverity::INFORMATION,
        _ => DiagnosticSeverity::ERROR,
    };
    let code = d.code();
    let data = help
        .as_deref()
        .and_then(suggestion)
        .map(|s| serde_json::json!({ "replace_with": s }));
    Some(lsp_types::Diagnostic {
        range,
        severity: Some(severity),
        code: (!code.is_empty()).then_some(NumberOrString::String(code)),
        code_description: None,
        source: Some(SOURCE.to_string()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data,
    })
}

/// The name a help line suggests: `did you mean `X`?` gives `X`.
pub fn suggestion(help: &str) -> Option<String> {
    let start = help.find("did you mean `")? + "did you mean `".len();
    let rest = help.get(start..)?;
    let end = rest.find("`?")?;
    rest.get(..end).map(str::to_string)
}

/// The LSP range of a span in `analysis`'s files.
pub fn range(analysis: &Analysis, span: Span) -> Option<Range> {
    let (text, lines, _) = analysis.text(span.file)?;
    Some(lines.range(text, span.start, span.end))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_are_read_from_the_help() {
        assert_eq!(
            suggestion("did you mean `人社厅`?").as_deref(),
            Some("人社厅")
        );
        assert_eq!(suggestion("the localities are a, b"), None);
    }
}

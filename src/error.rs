//! The library's one error type, [`Error`]: the error of the top-level
//! convenience functions ([`crate::load()`], [`crate::from_json`],
//! [`crate::facts`], [`crate::evaluate`]). Each stage keeps its own error
//! type (`LoadError`, the diagnostics of `syntax` and `check`, `IrError`,
//! `FactsError`, `EvalError`, `BatchError`); `Error` holds any of them, with a
//! `From` impl for each, and forwards `miette::Diagnostic` (code, help,
//! labels) to the error it holds.

use crate::batch::BatchError;
use crate::diagnostic::Diagnostic;
use crate::eval::{EvalError, FactsError, UnknownLocality};
use crate::ir::IrError;
use crate::load::LoadError;

/// Any error of the library, by stage. `miette::Diagnostic` is forwarded:
/// the code and help are those of the stage's error (`policy::io::…`,
/// `policy::check::…`, `policy::ir::…`, `policy::facts::…`,
/// `policy::eval::…`, `policy::cli::unknown_locality`, `policy::batch::…`).
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[non_exhaustive]
pub enum Error {
    /// A policy file or folder cannot be read (exit 2 on the command line).
    #[error(transparent)]
    #[diagnostic(transparent)]
    Load(#[from] LoadError),
    /// The policy text is wrong: its syntax and check diagnostics (at most
    /// [`crate::check::MAX_ERRORS`] and one saying more were cut), each with
    /// its code, labels and help. Render them with
    /// [`crate::diagnostic::render_plain`] and the source map of the text.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Policy(#[from] PolicyErrors),
    /// An exported IR that cannot be read back.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Ir(#[from] IrError),
    /// Facts that do not fit the policy: every error found.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Facts(#[from] FactsErrors),
    /// A locality the policy does not declare.
    #[error(transparent)]
    #[diagnostic(transparent)]
    UnknownLocality(#[from] UnknownLocality),
    /// An evaluation without an exact answer.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Eval(#[from] EvalError),
    /// A batch run that cannot go on.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Batch(#[from] BatchError),
}

/// The diagnostics of a policy that does not compile; the first one's
/// message and code are this error's, the others are `related`.
#[derive(Debug)]
pub struct PolicyErrors {
    /// The source files, for rendering the diagnostics' labels.
    pub sources: crate::source::SourceMap,
    /// Every diagnostic, in the order found (never empty).
    pub diagnostics: Vec<Diagnostic>,
}

impl std::fmt::Display for PolicyErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.diagnostics.first() {
            Some(d) if self.diagnostics.len() == 1 => write!(f, "{}", d.message()),
            Some(d) => write!(
                f,
                "{} (and {} more errors)",
                d.message(),
                self.diagnostics.len() - 1
            ),
            None => write!(f, "the policy has errors"),
        }
    }
}

impl std::error::Error for PolicyErrors {}

impl miette::Diagnostic for PolicyErrors {
    fn code<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        let code = self.diagnostics.first()?.code();
        Some(Box::new(code))
    }

    fn help<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        let help = self.diagnostics.first()?.help()?;
        Some(Box::new(help))
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn miette::Diagnostic> + 'a>> {
        Some(Box::new(
            self.diagnostics
                .iter()
                .skip(1)
                .map(|d| &*d.error as &dyn miette::Diagnostic),
        ))
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        self.diagnostics.first()?.error.labels()
    }
}

/// The errors of a facts file: every one found (never empty).
#[derive(Debug)]
pub struct FactsErrors(pub Vec<FactsError>);

impl std::fmt::Display for FactsErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0.first() {
            Some(e) if self.0.len() == 1 => write!(f, "{e}"),
            Some(e) => write!(f, "{e} (and {} more errors)", self.0.len() - 1),
            None => write!(f, "the facts are wrong"),
        }
    }
}

impl std::error::Error for FactsErrors {}

impl miette::Diagnostic for FactsErrors {
    fn code<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        self.0.first()?.code()
    }

    fn help<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        self.0.first()?.help()
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn miette::Diagnostic> + 'a>> {
        Some(Box::new(
            self.0.iter().skip(1).map(|d| d as &dyn miette::Diagnostic),
        ))
    }
}

impl From<Vec<FactsError>> for Error {
    fn from(errors: Vec<FactsError>) -> Self {
        Error::Facts(FactsErrors(errors))
    }
}

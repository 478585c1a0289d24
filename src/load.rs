//! Reading policy files and folders from disk.

use std::path::{Path, PathBuf};

use miette::Diagnostic as _;
use thiserror::Error;

use crate::diagnostic::Diagnostic;
use crate::source::{SourceMap, Span};

/// The file extension of policy files.
pub const EXTENSION: &str = "policy";

/// A file or folder that cannot be read (an I/O problem, not a policy problem).
#[derive(Debug, Error, miette::Diagnostic)]
pub enum LoadError {
    /// The path cannot be read.
    #[error("cannot read `{path}`: {message}")]
    #[diagnostic(code(policy::io::read))]
    Read {
        /// The path.
        path: String,
        /// The system's message.
        message: String,
    },
    /// A folder holds no policy file.
    #[error("no `.policy` file in `{path}`")]
    #[diagnostic(code(policy::io::empty), help("policy files end in `.policy`"))]
    Empty {
        /// The folder.
        path: String,
    },
}

/// A file whose bytes are not UTF-8.
#[derive(Debug, Error, miette::Diagnostic)]
#[error("the file is not valid UTF-8")]
#[diagnostic(
    code(policy::syntax::invalid_utf8),
    help("save the file as UTF-8 (the encoding of policy files)")
)]
pub struct InvalidUtf8 {
    /// The first invalid byte.
    #[label("invalid byte here")]
    pub span: Span,
}

/// Every `.policy` file under `path` (a file, or a folder searched recursively), sorted.
pub fn policy_files(path: &Path) -> Result<Vec<PathBuf>, LoadError> {
    let meta = std::fs::metadata(path).map_err(|e| read_err(path, &e))?;
    if meta.is_file() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut out = Vec::new();
    let mut stack = vec![path.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let entries = std::fs::read_dir(&dir).map_err(|e| read_err(&dir, &e))?;
        for entry in entries {
            let entry = entry.map_err(|e| read_err(&dir, &e))?;
            let p = entry.path();
            let ft = entry.file_type().map_err(|e| read_err(&p, &e))?;
            if ft.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == EXTENSION) {
                out.push(p);
            }
        }
    }
    if out.is_empty() {
        return Err(LoadError::Empty {
            path: path.display().to_string(),
        });
    }
    out.sort();
    Ok(out)
}

fn read_err(path: &Path, e: &std::io::Error) -> LoadError {
    LoadError::Read {
        path: path.display().to_string(),
        message: e.to_string(),
    }
}

/// Loads the policy files under `paths` into a source map. Files that are not
/// UTF-8 are added (lossily, for display) and reported as diagnostics.
pub fn load(paths: &[PathBuf]) -> Result<(SourceMap, Vec<Diagnostic>), LoadError> {
    let mut map = SourceMap::new();
    let mut diags = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for p in paths {
        for f in policy_files(p)? {
            if !seen.insert(f.clone()) {
                continue;
            }
            let bytes = std::fs::read(&f).map_err(|e| read_err(&f, &e))?;
            let name = f.display().to_string();
            match String::from_utf8(bytes) {
                Ok(text) => {
                    map.add(name, text);
                }
                Err(e) => {
                    let at = e.utf8_error().valid_up_to();
                    let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
                    let id = map.add(name, text);
                    let err = InvalidUtf8 {
                        span: Span::new(id, at, at + 1),
                    };
                    debug_assert!(err.code().is_some());
                    diags.push(Diagnostic::new(id, err));
                }
            }
        }
    }
    Ok((map, diags))
}

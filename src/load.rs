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
#[non_exhaustive]
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
    /// A path that is neither a folder nor a regular file (a FIFO, a device,
    /// a socket): it is not opened, since reading it could block or never end.
    #[error("`{path}` is not a regular file")]
    #[diagnostic(
        code(policy::io::not_regular_file),
        help("policy files are regular files ending in `.policy`")
    )]
    NotRegular {
        /// The path.
        path: String,
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
///
/// Only regular files are read: `path` itself, and every `.policy` entry of a
/// folder (a symbolic link is followed to see what it points to), must be a
/// regular file, or it is [`LoadError::NotRegular`] — a FIFO or a device is
/// never opened. Symbolic links to folders are not followed.
pub fn policy_files(path: &Path) -> Result<Vec<PathBuf>, LoadError> {
    let meta = std::fs::metadata(path).map_err(|e| read_err(path, &e))?;
    if meta.is_file() {
        return Ok(vec![path.to_path_buf()]);
    }
    if !meta.is_dir() {
        return Err(not_regular(path));
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
                let regular = ft.is_file()
                    || (ft.is_symlink() && std::fs::metadata(&p).is_ok_and(|m| m.is_file()));
                if !regular {
                    return Err(not_regular(&p));
                }
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

fn not_regular(path: &Path) -> LoadError {
    LoadError::NotRegular {
        path: path.display().to_string(),
    }
}

/// The bytes of one policy file, or its size when it is over
/// [`crate::syntax::MAX_FILE_SIZE`] (then it is not read).
#[derive(Debug)]
pub enum SourceBytes {
    /// The whole file.
    Read(Vec<u8>),
    /// The file is this large: too large to read.
    TooLarge(u64),
}

/// Reads one policy file: only a regular file (checked before it is opened,
/// and again on the opened file), and at most
/// [`crate::syntax::MAX_FILE_SIZE`] bytes of it even if it grows meanwhile.
pub fn read_source(path: &Path) -> Result<SourceBytes, LoadError> {
    use std::io::Read as _;
    let limit = crate::syntax::MAX_FILE_SIZE as u64;
    let meta = std::fs::metadata(path).map_err(|e| read_err(path, &e))?;
    if !meta.is_file() {
        return Err(not_regular(path));
    }
    let file = std::fs::File::open(path).map_err(|e| read_err(path, &e))?;
    let meta = file.metadata().map_err(|e| read_err(path, &e))?;
    if !meta.is_file() {
        return Err(not_regular(path));
    }
    if meta.len() > limit {
        return Ok(SourceBytes::TooLarge(meta.len()));
    }
    let mut bytes = Vec::new();
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| read_err(path, &e))?;
    if bytes.len() as u64 > limit {
        return Ok(SourceBytes::TooLarge(bytes.len() as u64));
    }
    Ok(SourceBytes::Read(bytes))
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
            let name = f.display().to_string();
            // a file over the limit is not read at all (it could be gigabytes)
            let bytes = match read_source(&f)? {
                SourceBytes::Read(b) => b,
                SourceBytes::TooLarge(size) => {
                    let id = map.add(name, String::new());
                    diags.push(Diagnostic::new(
                        id,
                        crate::syntax::SyntaxError::TooLarge {
                            size: usize::try_from(size).unwrap_or(usize::MAX),
                            limit: crate::syntax::MAX_FILE_SIZE,
                        },
                    ));
                    continue;
                }
            };
            diags.extend(add_source(&mut map, name, bytes));
        }
    }
    Ok((map, diags))
}

/// Adds one policy file read elsewhere (standard input, say) to `map`: text
/// that is not UTF-8 is added lossily, for display, and reported.
pub fn add_source(map: &mut SourceMap, name: String, bytes: Vec<u8>) -> Option<Diagnostic> {
    match String::from_utf8(bytes) {
        Ok(text) => {
            map.add(name, text);
            None
        }
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
            let id = map.add(name, text);
            let err = InvalidUtf8 {
                span: Span::new(id, at, at + 1),
            };
            debug_assert!(err.code().is_some());
            Some(Diagnostic::new(id, err))
        }
    }
}

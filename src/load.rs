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
            let name = f.display().to_string();
            // a file over the limit is not read at all (it could be gigabytes)
            let size = std::fs::metadata(&f).map_or(0, |m| m.len());
            if size > crate::syntax::MAX_FILE_SIZE as u64 {
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
            let bytes = std::fs::read(&f).map_err(|e| read_err(&f, &e))?;
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

/// Replaces the file at `path` with `bytes` so that it is never left half
/// written: the bytes go to a temporary file next to it, which is flushed to
/// disk and then renamed over the original (an atomic step on one file system).
/// The original's permissions are kept. If anything fails, the original is
/// untouched and the temporary file is removed.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write as _;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.policyc-{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        if let Ok(meta) = std::fs::metadata(path) {
            std::fs::set_permissions(&tmp, meta.permissions())?;
        }
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_writes_replace_the_file_and_leave_nothing_behind() {
        let dir = std::env::temp_dir().join(format!("policyc-atomic-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("a.policy");
        std::fs::write(&p, "old").unwrap();
        write_atomically(&p, "新的内容".as_bytes()).unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "新的内容");
        let left: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
        assert_eq!(left.len(), 1);
        // a file that cannot be written leaves the original as it was
        assert!(write_atomically(&dir.join("no/such/dir/x.policy"), b"x").is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

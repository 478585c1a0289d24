//! Files the command line reads and writes, other than policy sources
//! (`crate::load` reads those):
//!
//! - inputs (`--facts`, `--input`, an exported `.json` policy) are `-` for
//!   stdin, a regular file or a pipe (a FIFO, `<(…)`); a folder or a device is
//!   refused before it is opened, and whole-file inputs are read up to a limit;
//! - an output file is never one of the inputs (compared by device and inode,
//!   so `./x`, `x`, a hard link and a symbolic link are the same file);
//! - an output file is written atomically: into a temporary file in the same
//!   folder, flushed to disk, then renamed over the target. A run that fails
//!   leaves the target as it was and removes the temporary file.

use std::fs::File;
use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use super::error::CliError;

/// The largest facts file (`eval --facts`): 8 MiB, as a policy file. A
/// facts file holds one entity's facts; millions of records go to `batch`.
pub const MAX_FACTS_SIZE: u64 = 8 * 1024 * 1024;

/// The largest exported `.json` policy that `eval`, `test`, `sample`, `batch`
/// and `diff` read: 128 MiB (an export is about four times its sources).
pub const MAX_POLICY_JSON_SIZE: u64 = 128 * 1024 * 1024;

fn shown(path: &Path) -> String {
    path.display().to_string()
}

/// Refuses an input path that is neither a regular file nor a pipe, without
/// opening it (opening a FIFO could block, reading a device never end).
pub(super) fn check_readable(path: &Path) -> Result<(), CliError> {
    let meta = std::fs::metadata(path).map_err(|e| CliError::Read {
        path: shown(path),
        message: e.to_string(),
    })?;
    if meta.is_file() || is_fifo(&meta) {
        Ok(())
    } else {
        Err(CliError::NotReadable { path: shown(path) })
    }
}

#[cfg(unix)]
fn is_fifo(meta: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::FileTypeExt;
    meta.file_type().is_fifo()
}

#[cfg(not(unix))]
fn is_fifo(_: &std::fs::Metadata) -> bool {
    false
}

/// Whether standard input was read by this run: it can be read once, so `-`
/// names one input at most (`eval - --facts -` is a usage error).
static STDIN_TAKEN: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Forgets that standard input was read (a new run of [`super::run_captured`]).
pub(super) fn reset_stdin() {
    STDIN_TAKEN.store(false, std::sync::atomic::Ordering::Relaxed);
}

/// Opens an input for streaming: stdin for `-`, else a regular file or a pipe.
/// Also gives the file's size when it is known.
pub(super) fn open_input(path: &Path) -> Result<(Box<dyn Read + Send>, Option<u64>), CliError> {
    if path.as_os_str() == "-" {
        if STDIN_TAKEN.swap(true, std::sync::atomic::Ordering::Relaxed) {
            return Err(CliError::StdinTwice);
        }
        return Ok((Box::new(io::stdin()), None));
    }
    check_readable(path)?;
    let f = File::open(path).map_err(|e| CliError::Read {
        path: shown(path),
        message: e.to_string(),
    })?;
    let len = f.metadata().ok().filter(|m| m.is_file()).map(|m| m.len());
    Ok((Box::new(f), len))
}

/// Reads a whole input (`-` for stdin) of at most `limit` bytes.
pub(super) fn read_bounded(
    path: &Path,
    limit: u64,
    help: &'static str,
) -> Result<Vec<u8>, CliError> {
    let (reader, _) = open_input(path)?;
    let mut bytes = Vec::new();
    reader
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| CliError::Read {
            path: shown(path),
            message: e.to_string(),
        })?;
    if bytes.len() as u64 > limit {
        return Err(CliError::TooLarge {
            path: shown(path),
            limit: limit / (1024 * 1024),
            help,
        });
    }
    Ok(bytes)
}

/// A file's identity: device and inode, following symbolic links.
#[cfg(unix)]
fn identity(meta: &std::fs::Metadata) -> (u64, u64) {
    use std::os::unix::fs::MetadataExt;
    (meta.dev(), meta.ino())
}

#[cfg(not(unix))]
fn identity(_: &std::fs::Metadata) -> (u64, u64) {
    (0, 0)
}

/// Refuses an output that is the same file as one of `inputs`. An output that
/// does not exist yet, or is not a regular file (`/dev/null`, a pipe), cannot
/// destroy an input. `-` among the inputs stands for stdin.
pub(super) fn check_output(output: &Path, inputs: &[PathBuf]) -> Result<(), CliError> {
    let Ok(out) = std::fs::metadata(output) else {
        return Ok(());
    };
    if !out.is_file() {
        return Ok(());
    }
    let id = identity(&out);
    for input in inputs {
        let meta = if input.as_os_str() == "-" {
            stdin_metadata()
        } else {
            std::fs::metadata(input).ok()
        };
        if meta.is_some_and(|m| identity(&m) == id) {
            return Err(CliError::OutputIsInput {
                output: shown(output),
                input: if input.as_os_str() == "-" {
                    "stdin".to_string()
                } else {
                    shown(input)
                },
            });
        }
    }
    Ok(())
}

#[cfg(unix)]
fn stdin_metadata() -> Option<std::fs::Metadata> {
    use std::os::fd::AsFd;
    let fd = io::stdin().as_fd().try_clone_to_owned().ok()?;
    File::from(fd).metadata().ok()
}

#[cfg(not(unix))]
fn stdin_metadata() -> Option<std::fs::Metadata> {
    None
}

/// The policy files that `paths` name: each file given, and the `.policy`
/// files under each folder (for the output checks of [`check_output`]).
pub(super) fn policy_inputs(paths: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    // the files of a policy root, when a path is inside one
    let paths = crate::project::expand(paths).unwrap_or_else(|_| paths.to_vec());
    for p in &paths {
        if p.is_dir() {
            out.extend(crate::load::policy_files(p).unwrap_or_default());
        } else {
            out.push(p.clone());
        }
    }
    out
}

/// An output file being written: see the module's documentation. Dropped
/// without [`OutputFile::commit`], it leaves the target untouched.
pub(super) struct OutputFile {
    target: PathBuf,
    shown: String,
    inner: Inner,
}

enum Inner {
    /// A temporary file next to the target, renamed over it at the end.
    Temp(BufWriter<tempfile::NamedTempFile>),
    /// A target that is not a regular file (`/dev/null`, a pipe): written as it is.
    Direct(BufWriter<File>),
}

impl OutputFile {
    /// Starts writing `path`.
    pub(super) fn create(path: &Path) -> Result<OutputFile, CliError> {
        let err = |e: io::Error| CliError::Write {
            path: shown(path),
            message: e.to_string(),
        };
        // write through a symbolic link, not over it
        let target = match std::fs::symlink_metadata(path) {
            Ok(m) if m.file_type().is_symlink() => std::fs::canonicalize(path).map_err(err)?,
            _ => path.to_path_buf(),
        };
        let existing = std::fs::metadata(&target).ok();
        if let Some(m) = existing.as_ref().filter(|m| !m.is_file()) {
            if m.is_dir() {
                return Err(err(io::Error::other("it is a folder")));
            }
            let f = std::fs::OpenOptions::new()
                .write(true)
                .open(&target)
                .map_err(err)?;
            return Ok(OutputFile {
                target,
                shown: shown(path),
                inner: Inner::Direct(BufWriter::with_capacity(1 << 16, f)),
            });
        }
        let dir = match target.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let mut builder = tempfile::Builder::new();
        builder.prefix(".policyc-").suffix(".tmp");
        if let Some(p) = new_file_permissions() {
            // those of a new file: the umask applies
            builder.permissions(p);
        }
        let tmp = builder.tempfile_in(&dir).map_err(err)?;
        if let Some(m) = existing {
            // the target's own, exactly
            std::fs::set_permissions(tmp.path(), m.permissions()).map_err(err)?;
        }
        Ok(OutputFile {
            target,
            shown: shown(path),
            inner: Inner::Temp(BufWriter::with_capacity(1 << 16, tmp)),
        })
    }

    /// Finishes: flushes, syncs to disk and renames over the target.
    pub(super) fn commit(self) -> Result<(), CliError> {
        let err = |e: io::Error| CliError::Write {
            path: self.shown.clone(),
            message: e.to_string(),
        };
        match self.inner {
            Inner::Direct(mut w) => w.flush().map_err(err),
            Inner::Temp(w) => {
                let tmp = w.into_inner().map_err(|e| err(e.into_error()))?;
                tmp.as_file().sync_all().map_err(err)?;
                tmp.persist(&self.target).map_err(|e| err(e.error))?;
                Ok(())
            }
        }
    }
}

#[cfg(unix)]
fn new_file_permissions() -> Option<std::fs::Permissions> {
    use std::os::unix::fs::PermissionsExt;
    Some(std::fs::Permissions::from_mode(0o666))
}

#[cfg(not(unix))]
fn new_file_permissions() -> Option<std::fs::Permissions> {
    None
}

impl Write for OutputFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.inner {
            Inner::Temp(w) => w.write(buf),
            Inner::Direct(w) => w.write(buf),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match &mut self.inner {
            Inner::Temp(w) => w.flush(),
            Inner::Direct(w) => w.flush(),
        }
    }
}

/// Writes `bytes` to `path` atomically (see [`OutputFile`]).
pub(super) fn write_file(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    let mut f = OutputFile::create(path)?;
    f.write_all(bytes).map_err(|e| CliError::Write {
        path: shown(path),
        message: e.to_string(),
    })?;
    f.commit()
}

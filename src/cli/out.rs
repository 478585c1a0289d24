//! Every byte the command line writes to standard output and standard error
//! goes through here, so that one rule holds for write errors in every command:
//!
//! - a closed pipe (`policyc … | head`: [`io::ErrorKind::BrokenPipe`]) stops
//!   the output quietly; the exit code stays the one the command decided (0
//!   when it succeeded);
//! - any other write error (a full disk, `EIO`), and a stream that was closed
//!   before `policyc` started (`>&-`), makes the exit code 2 and is reported
//!   on stderr, when stderr can still be written.
//!
//! After a stream failed, nothing more is written to it: every later write
//! returns the same kind of error at once, so long outputs stop early.
//!
//! The streams are written through duplicates of file descriptors 1 and 2,
//! unbuffered (callers write whole texts or wrap a [`Writer`] in a
//! `BufWriter`), so that every error is seen; the standard library's own
//! stdout would hide some (it ignores `EBADF`, and a write error at exit).

use std::fs::File;
use std::io::{self, Write};
use std::sync::{Mutex, MutexGuard, OnceLock};

/// Standard output or standard error.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Stream {
    /// Standard output: results.
    Stdout,
    /// Standard error: diagnostics, summaries, progress.
    Stderr,
}

impl Stream {
    fn name(self) -> &'static str {
        match self {
            Stream::Stdout => "stdout",
            Stream::Stderr => "stderr",
        }
    }
}

/// Why a stream takes no more output.
#[derive(Clone, Debug)]
enum Failure {
    /// The reader went away: not worth a complaint.
    Closed,
    /// A real error, with the system's message.
    Failed(String),
}

#[derive(Default)]
struct State {
    stdout: Option<Failure>,
    stderr: Option<Failure>,
    /// When set (tests, [`super::run_captured`]), output goes here instead.
    capture: Option<(Vec<u8>, Vec<u8>)>,
}

impl State {
    fn failure(&mut self, s: Stream) -> &mut Option<Failure> {
        match s {
            Stream::Stdout => &mut self.stdout,
            Stream::Stderr => &mut self.stderr,
        }
    }
}

static STATE: Mutex<State> = Mutex::new(State {
    stdout: None,
    stderr: None,
    capture: None,
});

fn state() -> MutexGuard<'static, State> {
    STATE
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The process's stream as a file of its own, or why it cannot be written.
fn handle(s: Stream) -> &'static Result<File, String> {
    static STDOUT: OnceLock<Result<File, String>> = OnceLock::new();
    static STDERR: OnceLock<Result<File, String>> = OnceLock::new();
    match s {
        Stream::Stdout => STDOUT.get_or_init(|| open(s)),
        Stream::Stderr => STDERR.get_or_init(|| open(s)),
    }
}

#[cfg(unix)]
fn open(s: Stream) -> Result<File, String> {
    use std::os::fd::AsFd;
    let fd = match s {
        Stream::Stdout => io::stdout().as_fd().try_clone_to_owned(),
        Stream::Stderr => io::stderr().as_fd().try_clone_to_owned(),
    };
    let file = File::from(fd.map_err(|_| "it is closed".to_string())?);
    if closed_at_start(&file) {
        return Err("it is closed".to_string());
    }
    Ok(file)
}

#[cfg(not(unix))]
fn open(_: Stream) -> Result<File, String> {
    Err("writing to the standard streams needs a Unix system".to_string())
}

/// Whether the stream was closed when `policyc` started (`>&-`). The Rust
/// runtime then opens `/dev/null` in its place, for reading *and* writing;
/// a shell's `>/dev/null` opens it for writing only. So a stream that is
/// `/dev/null` and can be read from was closed. (`1<>/dev/null` is taken for
/// closed too.)
#[cfg(unix)]
fn closed_at_start(file: &File) -> bool {
    use std::io::Read as _;
    use std::os::unix::fs::{FileTypeExt, MetadataExt};
    let (Ok(meta), Ok(null)) = (file.metadata(), std::fs::metadata("/dev/null")) else {
        return false;
    };
    meta.file_type().is_char_device() && meta.rdev() == null.rdev() && { file }
        .read(&mut [0u8; 1])
        .is_ok()
}

fn as_io_error(f: &Failure) -> io::Error {
    match f {
        Failure::Closed => io::Error::from(io::ErrorKind::BrokenPipe),
        Failure::Failed(m) => io::Error::other(m.clone()),
    }
}

fn write_to(s: Stream, buf: &[u8]) -> io::Result<usize> {
    {
        let mut st = state();
        if let Some(f) = st.failure(s) {
            return Err(as_io_error(f));
        }
        if let Some((out, err)) = &mut st.capture {
            match s {
                Stream::Stdout => out.extend_from_slice(buf),
                Stream::Stderr => err.extend_from_slice(buf),
            }
            return Ok(buf.len());
        }
    }
    // not under the lock: a slow reader of stdout must not hold up stderr
    let r = match handle(s) {
        Ok(f) => {
            let mut f: &File = f;
            f.write(buf)
        }
        Err(m) => Err(io::Error::other(m.clone())),
    };
    if let Err(e) = &r {
        let failure = match e.kind() {
            io::ErrorKind::Interrupted => None,
            io::ErrorKind::BrokenPipe => Some(Failure::Closed),
            _ => Some(Failure::Failed(e.to_string())),
        };
        if let Some(f) = failure {
            state().failure(s).get_or_insert(f);
        }
    }
    r
}

/// A stream as an [`io::Write`]; errors are recorded for [`finish`].
pub(crate) struct Writer(pub(crate) Stream);

impl Write for Writer {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        write_to(self.0, buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Writes `text` to stdout. An error is recorded, not returned: [`finish`]
/// turns it into the exit code.
pub(crate) fn out(text: &str) {
    let _ = Writer(Stream::Stdout).write_all(text.as_bytes());
}

/// Writes `text` to stderr, as [`out`] does to stdout.
pub(crate) fn err(text: &str) {
    let _ = Writer(Stream::Stderr).write_all(text.as_bytes());
}

/// Whether stdout has failed (closed or in error): a command whose output
/// stopped leaves the exit code to [`finish`] instead of reporting it.
pub(crate) fn stdout_failed() -> bool {
    state().stdout.is_some()
}

/// Forgets earlier failures and captures, for a new run in this process.
pub(crate) fn reset(capture: bool) {
    let mut st = state();
    *st = State::default();
    if capture {
        st.capture = Some((Vec::new(), Vec::new()));
    }
}

/// The captured output, if [`reset`] asked for it.
pub(crate) fn take_capture() -> (Vec<u8>, Vec<u8>) {
    state().capture.take().unwrap_or_default()
}

/// The exit code of a command that decided `code`, given what happened to
/// its output: a closed pipe keeps `code`; any other write error is reported
/// on stderr (when it can be) and gives [`super::EXIT_USAGE`].
pub(crate) fn finish(code: u8, fmt: super::ErrorFormat) -> u8 {
    let (stdout, stderr) = {
        let st = state();
        (st.stdout.clone(), st.stderr.clone())
    };
    let mut failed = false;
    for (s, f) in [(Stream::Stdout, stdout), (Stream::Stderr, stderr)] {
        if let Some(Failure::Failed(message)) = f {
            failed = true;
            let e = super::error::CliError::WriteStream {
                stream: s.name(),
                message,
            };
            super::report_one(e, fmt);
        }
    }
    if failed {
        super::EXIT_USAGE
    } else {
        code
    }
}

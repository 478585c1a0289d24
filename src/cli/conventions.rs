//! The conventions every command line tool is expected to follow: `--color`
//! (honouring `NO_COLOR`), `--version` with the language and IR versions,
//! shell completions and a man page generated from the same definition as
//! `--help`.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicU8, Ordering};

use clap::{CommandFactory, ValueEnum};

use super::{out, Cli, EXIT_OK};

/// When output is coloured.
#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq, Default)]
pub enum Colour {
    /// On a terminal, unless the `NO_COLOR` environment variable is set and
    /// not empty (<https://no-color.org>).
    #[default]
    Auto,
    /// Always, even into a file or a pipe.
    Always,
    /// Never.
    Never,
}

/// The choice of this run: 0 auto, 1 always, 2 never.
static CHOICE: AtomicU8 = AtomicU8::new(0);

/// Records the run's `--color`.
pub(super) fn set_colour(c: Colour) {
    CHOICE.store(
        match c {
            Colour::Auto => 0,
            Colour::Always => 1,
            Colour::Never => 2,
        },
        Ordering::Relaxed,
    );
}

/// Whether `NO_COLOR` asks for no colour: set and not empty.
fn no_color_env() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

/// Whether output to a stream that `is_terminal` says about is coloured.
fn decide(choice: Colour, is_terminal: bool) -> bool {
    match choice {
        Colour::Always => true,
        Colour::Never => false,
        Colour::Auto => is_terminal && !no_color_env(),
    }
}

fn choice() -> Colour {
    match CHOICE.load(Ordering::Relaxed) {
        1 => Colour::Always,
        2 => Colour::Never,
        _ => Colour::Auto,
    }
}

/// Whether diagnostics and messages on standard error are coloured.
pub(super) fn colour_stderr() -> bool {
    decide(choice(), std::io::stderr().is_terminal())
}

/// Whether standard output is coloured.
pub(super) fn colour_stdout() -> bool {
    decide(choice(), std::io::stdout().is_terminal())
}

/// `--color` as written in the raw arguments, for messages printed before
/// they are parsed (a usage error): the last `--color X` or `--color=X` wins;
/// a value clap would refuse counts as `auto`.
pub(super) fn colour_from_args(args: impl IntoIterator<Item = std::ffi::OsString>) -> Colour {
    let mut found = Colour::Auto;
    let mut next_is_value = false;
    for a in args {
        let Some(a) = a.to_str() else {
            next_is_value = false;
            continue;
        };
        let value = if next_is_value {
            Some(a)
        } else {
            a.strip_prefix("--color=")
        };
        next_is_value = a == "--color";
        if let Some(v) = value {
            found = Colour::from_str(v, false).unwrap_or(Colour::Auto);
        }
    }
    found
}

/// What `--version` prints after the program's name: the crate's version, and
/// the versions of the language it reads and of the IR it writes.
pub(super) fn version_text() -> &'static str {
    static TEXT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    TEXT.get_or_init(|| {
        format!(
            "{} (language {}, IR {})",
            env!("CARGO_PKG_VERSION"),
            crate::syntax::LANGUAGE_VERSION,
            crate::ir::IR_VERSION
        )
    })
}

/// `policyc completions SHELL`: the completion script on standard output.
pub(super) fn completions(shell: clap_complete::Shell) -> u8 {
    let mut cmd = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut cmd, "policyc", &mut script);
    out::out(&String::from_utf8_lossy(&script));
    EXIT_OK
}

/// `policyc man [COMMAND]`: the manual page (roff) of `policyc`, or of one
/// of its commands (`policyc-check(1)` …), on standard output.
pub(super) fn man(command: Option<&str>, fmt: super::ErrorFormat) -> u8 {
    let mut cmd = Cli::command();
    // propagates the global options (`--error-format`, `--color`) to each command
    cmd.build();
    let page = match command {
        None => cmd,
        Some(name) => {
            let Some(sub) = cmd
                .get_subcommands()
                .find(|s| s.get_name() == name && !s.is_hide_set())
            else {
                let names: Vec<&str> = cmd
                    .get_subcommands()
                    .filter(|s| !s.is_hide_set())
                    .map(clap::Command::get_name)
                    .collect();
                return super::usage_error(&format!(
                    "unknown command `{}`: the commands are {}",
                    crate::diagnostic::escape(name),
                    names.join(", ")
                ));
            };
            let full = format!("policyc-{}", sub.get_name());
            sub.clone().name(full).version(version_text())
        }
    };
    let mut roff = Vec::new();
    if let Err(e) = clap_mangen::Man::new(page).render(&mut roff) {
        return super::cli_error(
            super::CliError::WriteStream {
                stream: "stdout",
                message: e.to_string(),
            },
            fmt,
        );
    }
    out::out(&String::from_utf8_lossy(&roff));
    EXIT_OK
}

#[cfg(test)]
mod tests {
    use super::*;

    fn os(a: &[&str]) -> Vec<std::ffi::OsString> {
        a.iter().map(Into::into).collect()
    }

    #[test]
    fn colour_is_read_from_raw_arguments() {
        assert_eq!(colour_from_args(os(&["policyc", "check"])), Colour::Auto);
        assert_eq!(
            colour_from_args(os(&["policyc", "--color", "never", "x"])),
            Colour::Never
        );
        assert_eq!(
            colour_from_args(os(&["policyc", "--color=always", "--color=never"])),
            Colour::Never
        );
        assert_eq!(
            colour_from_args(os(&["policyc", "--color", "blue"])),
            Colour::Auto
        );
    }

    #[test]
    fn always_and_never_ignore_the_terminal() {
        assert!(decide(Colour::Always, false));
        assert!(!decide(Colour::Never, true));
        assert!(!decide(Colour::Auto, false));
    }
}

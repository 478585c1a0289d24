//! Errors of the command line itself: arguments that name nothing in the
//! policy, and files that cannot be read or written. All are usage or I/O
//! errors (exit 2); `docs/cli.md` lists them.

use miette::Diagnostic;
use thiserror::Error;

/// A usage or I/O error of the command line (exit 2).
#[derive(Debug, Error, Diagnostic)]
#[non_exhaustive]
pub enum CliError {
    /// `--locality` names no locality of the policy: the library's error
    /// ([`crate::eval::Scenario::new`]), with its code.
    #[error(transparent)]
    #[diagnostic(transparent)]
    UnknownLocality(#[from] crate::eval::UnknownLocality),
    /// `--entity` names no entity of the policy.
    #[error("unknown entity `{name}`")]
    #[diagnostic(code(policy::cli::unknown_entity))]
    UnknownEntity {
        /// The name given.
        name: String,
        /// The closest name, or the list.
        #[help]
        help: Option<String>,
    },
    /// `--measure` gives a number the policy has no measure of.
    #[error("the policy has no measure {number}")]
    #[diagnostic(code(policy::cli::unknown_measure))]
    UnknownMeasure {
        /// The number given.
        number: u32,
        /// The numbers there are.
        #[help]
        help: Option<String>,
    },
    /// An output file is one of the inputs: writing it would destroy the input.
    #[error("`{output}` is also an input{}: writing it would destroy the input", as_named(.output, .input))]
    #[diagnostic(
        code(policy::cli::output_is_input),
        help("write the output to another file")
    )]
    OutputIsInput {
        /// The output as given.
        output: String,
        /// The input it is the same file as.
        input: String,
    },
    /// An input that cannot be read.
    #[error("cannot read `{path}`: {message}")]
    #[diagnostic(code(policy::io::read))]
    Read {
        /// The path (`-` for stdin).
        path: String,
        /// The system's message.
        message: String,
    },
    /// An input that is neither a regular file nor a pipe (a folder, a device).
    #[error("`{path}` is not a regular file or a pipe")]
    #[diagnostic(
        code(policy::io::not_regular_file),
        help("give a file, a pipe, or `-` for stdin")
    )]
    NotReadable {
        /// The path.
        path: String,
    },
    /// An input larger than its limit.
    #[error("`{path}` is larger than {limit} MiB")]
    #[diagnostic(code(policy::io::too_large), help("{help}"))]
    TooLarge {
        /// The path (`-` for stdin).
        path: String,
        /// The limit in MiB.
        limit: u64,
        /// What such a file holds.
        help: &'static str,
    },
    /// An output file that cannot be written; the file is left as it was.
    #[error("cannot write `{path}`: {message}")]
    #[diagnostic(
        code(policy::io::write),
        help("nothing was written: the file, if it existed, is unchanged")
    )]
    Write {
        /// The path.
        path: String,
        /// The system's message.
        message: String,
    },
    /// `-` (standard input) named for two inputs of one run.
    #[error("standard input can be read only once")]
    #[diagnostic(
        code(policy::cli::stdin_twice),
        help("`-` may stand for one input of a run: write the others to files")
    )]
    StdinTwice,
    /// Standard output or standard error cannot be written (not a closed pipe).
    #[error("cannot write to {stream}: {message}")]
    #[diagnostic(code(policy::io::write))]
    WriteStream {
        /// `stdout` or `stderr`.
        stream: &'static str,
        /// The system's message.
        message: String,
    },
}

/// The scenario of `--date` and `--locality`: refuses a locality the policy
/// does not declare, with the library's error ([`crate::eval::Scenario::new`]).
pub(super) fn scenario<'p>(
    policy: &'p crate::ir::Policy,
    date: chrono::NaiveDate,
    locality: Option<&str>,
) -> Result<crate::eval::Scenario<'p>, CliError> {
    Ok(crate::eval::Scenario::new(policy, date, locality)?)
}

/// Refuses a `--locality` the policy does not declare.
pub(super) fn check_locality(
    policy: &crate::ir::Policy,
    locality: Option<&str>,
) -> Result<(), CliError> {
    // the date plays no part in finding the locality
    scenario(policy, chrono::NaiveDate::MIN, locality).map(|_| ())
}

/// Refuses an `--entity` the policy does not declare.
pub(super) fn check_entity(policy: &crate::ir::Policy, name: Option<&str>) -> Result<(), CliError> {
    let Some(name) = name else { return Ok(()) };
    if policy.entity(name).is_some() {
        return Ok(());
    }
    let names: Vec<&str> = policy.entities.iter().map(|e| e.name.as_str()).collect();
    Err(CliError::UnknownEntity {
        name: name.to_string(),
        help: Some(crate::suggest::or_list(
            name,
            &names,
            "entities",
            "the policy declares no entity",
        )),
    })
}

/// Refuses a `--measure` number the policy has no measure of.
pub(super) fn check_measures(policy: &crate::ir::Policy, numbers: &[u32]) -> Result<(), CliError> {
    let Some(&number) = numbers
        .iter()
        .find(|n| !policy.measures.iter().any(|m| m.number == **n))
    else {
        return Ok(());
    };
    // no "did you mean": every number is one keystroke from another
    let help = crate::suggest::list(
        &measure_numbers(policy)
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
        "measures",
        "the policy has no measure",
    );
    Err(CliError::UnknownMeasure {
        number,
        help: Some(help),
    })
}

/// ` (`input`)` when the input was named otherwise than the output.
fn as_named(output: &str, input: &str) -> String {
    if output == input {
        String::new()
    } else {
        format!(" (`{input}`)")
    }
}

/// The numbers of the policy's measures, as text.
fn measure_numbers(policy: &crate::ir::Policy) -> Vec<String> {
    policy
        .measures
        .iter()
        .map(|m| m.number.to_string())
        .collect()
}

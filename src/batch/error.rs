//! Errors of a batch run. A bad *record* is not an error: it is rejected, counted
//! and listed in the summary, and the run goes on. These stop the run before or
//! while it reads: a header that does not fit the policy, a measure or entity that
//! does not exist, input or output that cannot be read or written.

use miette::Diagnostic;
use thiserror::Error;

/// What stops a batch run.
#[derive(Debug, Error, Diagnostic, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum BatchError {
    /// The entity named does not exist.
    #[error("unknown entity `{name}`")]
    #[diagnostic(code(policy::batch::unknown_entity))]
    UnknownEntity {
        /// The name given.
        name: String,
        /// The entities there are.
        #[help]
        help: Option<String>,
    },
    /// No entity was named and the CSV header does not tell which one it is.
    #[error("cannot tell which entity the CSV records describe")]
    #[diagnostic(code(policy::batch::which_entity))]
    WhichEntity {
        /// The candidates, or why there are none.
        #[help]
        help: Option<String>,
    },
    /// A CSV column that is not a field of the entity.
    #[error("column {column} `{name}` is not a field of `{entity}`")]
    #[diagnostic(code(policy::batch::unknown_column))]
    UnknownColumn {
        /// 1-based column number.
        column: usize,
        /// The header's name.
        name: String,
        /// The entity.
        entity: String,
        /// The closest field name, or the list.
        #[help]
        help: Option<String>,
    },
    /// A CSV column named twice.
    #[error("column {column} `{name}` repeats column {first}")]
    #[diagnostic(
        code(policy::batch::duplicate_column),
        help("each field has one column; remove or rename one of them")
    )]
    DuplicateColumn {
        /// 1-based column number.
        column: usize,
        /// Where it first appears.
        first: usize,
        /// The name.
        name: String,
    },
    /// A members file (`--members 列表=FILE`) that cannot be used.
    #[error("{file}{}: {message}", if *line > 0 { format!(" line {line}") } else { String::new() })]
    #[diagnostic(
        code(policy::batch::member_file),
        help("a members file is CSV: an `id` column naming the parent record's `id`, then fields of the list's record")
    )]
    MemberFile {
        /// The file.
        file: String,
        /// Its line (0: the file as a whole).
        line: u64,
        /// What is wrong.
        message: String,
    },
    /// The CSV input has no header line.
    #[error("the CSV input is empty: it has no header line")]
    #[diagnostic(
        code(policy::batch::no_header),
        help("the first line names the columns: `id` (optional) and field names")
    )]
    NoHeader,
    /// A measure number that the policy does not have.
    #[error("the policy has no measure {number}")]
    #[diagnostic(code(policy::batch::unknown_measure))]
    UnknownMeasure {
        /// The number given.
        number: u32,
        /// The numbers there are.
        #[help]
        help: Option<String>,
    },
    /// A record given to a [`crate::batch::Table`] describes another entity.
    #[error("record {record} describes `{found}`, not `{entity}`")]
    #[diagnostic(
        code(policy::batch::other_entity),
        help("a table holds the records of one entity")
    )]
    OtherEntity {
        /// The record's position (from 0).
        record: usize,
        /// The entity the record describes.
        found: String,
        /// The table's entity.
        entity: String,
    },
    /// The measure asked for is not addressed to the table's entity.
    #[error("measure {number} is not addressed to `{entity}`")]
    #[diagnostic(
        code(policy::batch::not_addressed),
        help("evaluate it over a table of the entity it is addressed to")
    )]
    NotAddressed {
        /// The measure's number.
        number: u32,
        /// The table's entity.
        entity: String,
    },
    /// [`super::Table::evaluate_in`] was given a scenario of another policy.
    #[error("the scenario is of another policy than the table")]
    #[diagnostic(
        code(policy::batch::scenario_of_another_policy),
        help("build the scenario with `Scenario::new` from the policy the table was built with")
    )]
    ScenarioOfAnotherPolicy,
    /// The locality named does not exist: the error of
    /// [`crate::eval::Scenario::new`], with its code.
    #[error(transparent)]
    #[diagnostic(transparent)]
    UnknownLocality(#[from] crate::eval::UnknownLocality),
    /// Reading the input failed.
    #[error("cannot read the input: {message}")]
    #[diagnostic(code(policy::batch::read))]
    Read {
        /// The system's message.
        message: String,
    },
    /// The input is not UTF-8 (its first record, or the CSV header, says so).
    #[error("the {format} input is not UTF-8")]
    #[diagnostic(code(policy::batch::not_utf8))]
    NotUtf8 {
        /// `CSV` or `JSONL`.
        format: String,
        /// What it probably is, and how to convert it.
        #[help]
        help: String,
    },
    /// The CSV header holds a carriage return that ends no line (a file with
    /// classic Mac line ends is one long line).
    #[error("the CSV header holds a carriage return (CR) that ends no line")]
    #[diagnostic(code(policy::batch::lone_cr))]
    LoneCr {
        /// How to convert the file.
        #[help]
        help: String,
    },
    /// Writing the results failed.
    #[error("cannot write the results: {message}")]
    #[diagnostic(code(policy::batch::write))]
    Write {
        /// The system's message.
        message: String,
        /// Whether the reader went away (a closed pipe): not worth a complaint.
        broken_pipe: bool,
    },
    /// A worker thread stopped unexpectedly (a bug in policyc).
    #[error("a batch worker stopped unexpectedly")]
    #[diagnostic(
        code(policy::batch::internal),
        help("this is a bug in policyc; please report it with the input that caused it")
    )]
    Internal,
}

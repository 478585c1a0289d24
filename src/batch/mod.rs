//! Batch evaluation over populations (`policyc batch`): every record of a JSONL
//! or CSV stream evaluated against the policy, one result line per record, and
//! a summary with exact per-measure totals (the budget estimate).
//!
//! The input is cut into chunks at record boundaries; worker threads (one per
//! core) read each chunk into typed columns and evaluate each measure with the
//! columnar program ([`columnar`]) — or record by record where the program
//! cannot be exact — and a writer thread puts the results back in input order.
//! Chunks in flight are bounded, so memory stays bounded whatever the input's
//! size. A record that cannot be read is rejected with its line number and
//! reason, never aborting the run. See `docs/performance.md` for figures.

#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod chunk;
pub mod columnar;
mod columns;
mod csv;
mod encoding;
mod error;
mod jsonl;
mod kinds;
mod members;
mod output;
mod pipeline;
mod plan;
mod reread;
mod source;
mod summary;
mod table;
mod values;

use std::io::{Read, Write};

use chrono::NaiveDate;

pub use error::BatchError;
pub use members::{MemberFile, MEMBER_WITHOUT_PARENT};
pub use summary::{MeasureSummary, Rejection, Summary};
pub use table::{Table, TableResults};

use crate::ir::Policy;

/// The format of the records read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputFormat {
    /// One facts object per line, as `policyc eval` reads.
    Jsonl,
    /// A header of field names (and optionally `id`), one record per line;
    /// an empty cell is an unknown fact.
    Csv,
}

/// The format of the result lines.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutputFormat {
    /// One JSON object per record.
    Jsonl,
    /// One CSV row per record, a column triple per measure.
    Csv,
}

/// How measures are evaluated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Engine {
    /// Over columns where the program is exact, record by record elsewhere.
    Columnar,
    /// Record by record only (the reference; slower).
    Rows,
}

/// Which facts of a record are read and checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Check {
    /// Every fact, as `policyc eval` does: a record with a malformed fact is
    /// rejected even if no evaluated measure reads it.
    All,
    /// Only the facts the evaluated measures read (projection); other columns
    /// or keys must still name fields of the entity, but their values are not
    /// read. Faster on wide inputs.
    Used,
}

/// What a batch run does.
#[derive(Clone, Debug)]
pub struct BatchOptions<'a> {
    /// The application date.
    pub date: NaiveDate,
    /// The locality whose delegated values apply.
    pub locality: Option<&'a str>,
    /// Only records of this entity (required by nothing: CSV infers it from its header).
    pub entity: Option<&'a str>,
    /// Only these measures (by number); `None` for all.
    pub measures: Option<Vec<u32>>,
    /// The input's format.
    pub input_format: InputFormat,
    /// The results' format.
    pub output_format: OutputFormat,
    /// Columnar or record by record.
    pub engine: Engine,
    /// Which facts are read and checked.
    pub check: Check,
    /// Worker threads; 0 for one per core.
    pub threads: usize,
    /// How many rejected records the summary lists (all are counted).
    pub max_rejections: usize,
    /// The size of a chunk of input, in bytes.
    pub chunk_bytes: usize,
    /// The most bytes a record may have (its final line break excluded); a
    /// longer one is rejected and skipped without being held in memory.
    pub max_record_bytes: usize,
    /// CSV input only: the members of lists, one file per list, joined on
    /// the records' `id` (see [`MemberFile`]).
    pub members: Vec<MemberFile<'a>>,
}

/// The default record size limit: 1 MiB.
pub const MAX_RECORD_BYTES: usize = 1 << 20;

impl<'a> BatchOptions<'a> {
    /// Defaults for a date: all measures, JSONL in and out, columnar, every
    /// fact checked, all cores, chunks of 256 KiB, records of at most 1 MiB.
    pub fn new(date: NaiveDate) -> BatchOptions<'a> {
        BatchOptions {
            date,
            locality: None,
            entity: None,
            measures: None,
            input_format: InputFormat::Jsonl,
            output_format: OutputFormat::Jsonl,
            engine: Engine::Columnar,
            check: Check::All,
            threads: 0,
            max_rejections: 100,
            chunk_bytes: 256 * 1024,
            max_record_bytes: MAX_RECORD_BYTES,
            members: Vec::new(),
        }
    }
}

/// How far a run has got.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Progress {
    /// Records done.
    pub records: u64,
    /// Input bytes done.
    pub bytes: u64,
}

/// Evaluates every record of `input`, writes one result line per record to
/// `output`, and returns the summary. `progress` is called after each chunk.
pub fn run(
    policy: &Policy,
    input: &mut (dyn Read + Send),
    output: &mut (dyn Write + Send),
    opts: &BatchOptions<'_>,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<Summary, BatchError> {
    let mut src = source::Source::new(input, opts.input_format, opts.max_record_bytes);
    let only = opts
        .entity
        .map(|n| plan::entity_index(policy, n))
        .transpose()?;
    let layout = match opts.input_format {
        InputFormat::Csv => {
            let header = src.header()?.ok_or(BatchError::NoHeader)?;
            Some(chunk::csv_layout(policy, &header, only)?)
        }
        InputFormat::Jsonl => None,
    };
    let scenario = plan::scenario(policy, opts)?;
    let plan = plan::Plan::new(scenario, opts, layout.as_ref().map(|l| l.entity).or(only))?;
    let reader = chunk::Reader::new(&plan, opts.input_format, layout);
    let out = output::Out::new(&plan, opts.output_format);
    let tally = pipeline::run(&reader, &out, src, output, opts, progress)?;
    let mut summary = tally.summary(&plan);
    members::report(&plan.members, opts.max_rejections, &mut summary);
    Ok(summary)
}

/// Runs a batch over text in memory; returns the result lines and the summary.
pub fn run_text(
    policy: &Policy,
    input: &str,
    opts: &BatchOptions<'_>,
) -> Result<(String, Summary), BatchError> {
    let mut out = Vec::new();
    let summary = run(policy, &mut input.as_bytes(), &mut out, opts, &|_| {})?;
    Ok((String::from_utf8_lossy(&out).into_owned(), summary))
}

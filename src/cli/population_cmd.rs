//! `policyc sample` and `policyc batch`: populations of records, generated and
//! evaluated.

use std::io::{BufRead, BufReader, BufWriter, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};

use super::error::{check_entity, check_locality, check_measures, CliError};
use super::files::{self, OutputFile};
use super::{cli_error, load_policy, out, report, ErrorFormat, EXIT_INPUT, EXIT_OK, EXIT_USAGE};
use crate::batch::{self, BatchError, BatchOptions, Engine, InputFormat, OutputFormat};
use crate::diagnostic::Diagnostic;
use crate::sample::{self, SampleFormat, Sampler};
use crate::source::SourceMap;

mod progress;

/// A format of records.
#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum RecordFormat {
    /// One JSON object per line.
    Jsonl,
    /// Comma-separated values with a header line.
    Csv,
}

/// How `batch` evaluates.
#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum EngineArg {
    /// Over columns where exact, record by record elsewhere (fast).
    Columnar,
    /// Record by record only (the reference).
    Rows,
}

/// Which facts `batch` reads and checks.
#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum CheckArg {
    /// Every fact, as `policyc eval` does.
    All,
    /// Only the facts the evaluated measures read (faster on wide inputs).
    Used,
}

/// Arguments of `policyc sample`.
#[derive(Args, Debug)]
pub struct SampleArgs {
    /// Policy files or folders, or one exported `.json` policy.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// The entity whose records to write (e.g. 企业).
    #[arg(long)]
    pub entity: String,
    /// How many records.
    #[arg(long)]
    pub count: u64,
    /// The seed: the same seed gives the same records.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Output format.
    #[arg(long, value_enum, default_value_t = RecordFormat::Jsonl)]
    pub format: RecordFormat,
    /// Probability that a fact is left out (unknown); 0 gives complete records.
    #[arg(long, default_value_t = 0.05)]
    pub missing: f64,
    /// Write to this file instead of stdout.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
}

/// Arguments of `policyc batch`.
#[derive(Args, Debug)]
pub struct BatchArgs {
    /// Policy files or folders, or one exported `.json` policy.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// The records: a `.jsonl` or `.csv` file, or `-` for stdin.
    #[arg(long)]
    pub input: PathBuf,
    /// The application date, YYYY-MM-DD.
    #[arg(long, value_parser = super::parse_date_arg)]
    pub date: chrono::NaiveDate,
    /// The locality whose delegated values apply.
    #[arg(long)]
    pub locality: Option<String>,
    /// Only records of this entity (CSV: which entity the columns describe).
    #[arg(long)]
    pub entity: Option<String>,
    /// Only this measure (its number); repeat for several.
    #[arg(long = "measure")]
    pub measures: Vec<u32>,
    /// Write the result lines to this file instead of stdout.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// Format of the result lines.
    #[arg(long, value_enum, default_value_t = RecordFormat::Jsonl)]
    pub format: RecordFormat,
    /// Format of the input (default: from the file's extension, else from its first byte).
    #[arg(long, value_enum)]
    pub input_format: Option<RecordFormat>,
    /// Also write the summary as JSON to this file.
    #[arg(long)]
    pub summary: Option<PathBuf>,
    /// How to evaluate.
    #[arg(long, value_enum, default_value_t = EngineArg::Columnar)]
    pub engine: EngineArg,
    /// Which facts to read and check: all (as `eval`), or only those the
    /// evaluated measures read.
    #[arg(long, value_enum, default_value_t = CheckArg::All)]
    pub check: CheckArg,
    /// Worker threads, at most 256 (0: one per core).
    #[arg(long, default_value_t = 0,
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(0..=super::MAX_THREADS))]
    pub threads: usize,
    /// How many rejected records the summary lists (all are counted).
    #[arg(long, default_value_t = 100)]
    pub max_rejections: usize,
    /// The most bytes a record may have; a longer one is rejected and skipped.
    #[arg(long, default_value_t = batch::MAX_RECORD_BYTES)]
    pub max_record_bytes: usize,
    /// CSV input: a file of the members of a list (`新招用人员=hires.csv`),
    /// its `id` column naming each member's parent record; repeat per list.
    #[arg(long = "members", value_name = "LIST=FILE")]
    pub members: Vec<String>,
    /// Print no summary and no progress on stderr.
    #[arg(short, long)]
    pub quiet: bool,
    /// Size of the chunks of input given to the workers, in KiB (tuning; 1 to 65536).
    #[arg(long, default_value_t = 256, hide = true,
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=65536))]
    pub chunk_kib: usize,
}

/// Where records or results go: stdout, or a file written atomically. The
/// output is buffered; a batch writes whole chunks, which pass the 64 KiB
/// buffer without being copied into it.
enum Sink {
    Stdout(BufWriter<out::Writer>),
    File(OutputFile),
}

impl Sink {
    fn open(path: Option<&Path>) -> Result<Sink, CliError> {
        Ok(match path {
            Some(p) => Sink::File(OutputFile::create(p)?),
            None => Sink::Stdout(BufWriter::with_capacity(
                1 << 16,
                out::Writer(out::Stream::Stdout),
            )),
        })
    }

    /// Ends a run that succeeded: the file replaces its target. (A sink
    /// dropped without this leaves the target untouched.) Stdout's errors are
    /// left to `out::finish`.
    fn finish(self) -> Result<(), CliError> {
        match self {
            Sink::Stdout(mut w) => {
                let _ = w.flush();
                Ok(())
            }
            Sink::File(f) => f.commit(),
        }
    }
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            Sink::Stdout(w) => w.write(buf),
            Sink::File(f) => f.write(buf),
        }
    }
    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Sink::Stdout(w) => w.flush(),
            Sink::File(f) => f.flush(),
        }
    }
}

/// Refuses outputs that are inputs, or the same file twice.
fn check_outputs(outputs: &[&Path], inputs: &[PathBuf]) -> Result<(), CliError> {
    for (i, o) in outputs.iter().enumerate() {
        files::check_output(o, inputs)?;
        for other in outputs.iter().skip(i + 1) {
            let same = match (std::path::absolute(o), std::path::absolute(other)) {
                (Ok(a), Ok(b)) => a == b,
                _ => o == other,
            };
            if same {
                return Err(CliError::OutputIsInput {
                    output: other.display().to_string(),
                    input: o.display().to_string(),
                });
            }
            files::check_output(other, &[o.to_path_buf()])?;
        }
    }
    Ok(())
}

/// `policyc sample`.
pub(super) fn sample(a: &SampleArgs, fmt: ErrorFormat) -> u8 {
    if let Some(o) = &a.output {
        if let Err(e) = check_outputs(&[o], &files::policy_inputs(&a.paths)) {
            return cli_error(e, fmt);
        }
    }
    let policy = match load_policy(&a.paths, fmt) {
        Ok(p) => p,
        Err(code) => return code,
    };
    if let Err(e) = check_entity(&policy, Some(&a.entity)) {
        return cli_error(e, fmt);
    }
    let sampler = match Sampler::new(&policy, &a.entity, a.seed, a.missing) {
        Ok(s) => s,
        Err(e) => {
            let code = match e {
                sample::SampleError::BadRate { .. } | sample::SampleError::UnknownEntity { .. } => {
                    EXIT_USAGE
                }
                _ => EXIT_INPUT,
            };
            report(&SourceMap::new(), &[Diagnostic::without_file(e)], fmt);
            return code;
        }
    };
    let mut sink = match Sink::open(a.output.as_deref()) {
        Ok(o) => o,
        Err(e) => return cli_error(e, fmt),
    };
    let format = match a.format {
        RecordFormat::Jsonl => SampleFormat::Jsonl,
        RecordFormat::Csv => SampleFormat::Csv,
    };
    match sample::write_sample(&sampler, a.count, format, &mut sink) {
        Ok(_) => match sink.finish() {
            Ok(()) => members_files(&policy, &sampler, a, format, fmt),
            Err(e) => cli_error(e, fmt),
        },
        // stdout stopped: `out::finish` knows whether it was a closed pipe
        Err(_) if a.output.is_none() && out::stdout_failed() => EXIT_OK,
        Err(e) => {
            let path = a.output.as_deref().unwrap_or(Path::new("-"));
            cli_error(
                CliError::Write {
                    path: path.display().to_string(),
                    message: e.to_string(),
                },
                fmt,
            )
        }
    }
}

/// The input's format: as asked, else by extension, else by its first byte.
fn input_format(
    asked: Option<RecordFormat>,
    path: &Path,
    reader: &mut BufReader<Box<dyn Read + Send>>,
) -> InputFormat {
    let f = asked.or_else(|| match path.extension().and_then(|x| x.to_str()) {
        Some("csv") => Some(RecordFormat::Csv),
        Some("jsonl" | "ndjson" | "json") => Some(RecordFormat::Jsonl),
        _ => None,
    });
    match f {
        Some(RecordFormat::Csv) => InputFormat::Csv,
        Some(RecordFormat::Jsonl) => InputFormat::Jsonl,
        None => {
            let first = reader.fill_buf().ok().and_then(|b| {
                let b = b.strip_prefix("\u{feff}".as_bytes()).unwrap_or(b);
                b.iter().find(|c| !c.is_ascii_whitespace()).copied()
            });
            if first == Some(b'{') {
                InputFormat::Jsonl
            } else {
                InputFormat::Csv
            }
        }
    }
}

/// `policyc batch`.
pub(super) fn batch(a: &BatchArgs, fmt: ErrorFormat) -> u8 {
    let mut inputs = files::policy_inputs(&a.paths);
    inputs.push(a.input.clone());
    let mut member_texts: Vec<(&str, String, String)> = Vec::new();
    for m in &a.members {
        let Some((list, path)) = m.split_once('=') else {
            return super::usage_error(&format!("`--members {m}`: write `--members LIST=FILE`"));
        };
        let help = "a members file is read whole: split it";
        match files::read_bounded(Path::new(path), 1 << 30, help) {
            Ok(b) => member_texts.push((
                list,
                path.to_string(),
                String::from_utf8_lossy(&b).into_owned(),
            )),
            Err(e) => return cli_error(e, fmt),
        }
        inputs.push(PathBuf::from(path));
    }
    let outputs: Vec<&Path> = [a.output.as_deref(), a.summary.as_deref()]
        .into_iter()
        .flatten()
        .collect();
    if let Err(e) = check_outputs(&outputs, &inputs) {
        return cli_error(e, fmt);
    }
    let policy = match load_policy(&a.paths, fmt) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let checked = check_locality(&policy, a.locality.as_deref())
        .and_then(|()| check_entity(&policy, a.entity.as_deref()))
        .and_then(|()| check_measures(&policy, &a.measures));
    if let Err(e) = checked {
        return cli_error(e, fmt);
    }
    let (raw, total_bytes) = match files::open_input(&a.input) {
        Ok(x) => x,
        Err(e) => return cli_error(e, fmt),
    };
    let mut reader = BufReader::with_capacity(1 << 16, raw);
    let mut opts = BatchOptions::new(a.date);
    opts.locality = a.locality.as_deref();
    opts.entity = a.entity.as_deref();
    opts.measures = (!a.measures.is_empty()).then(|| a.measures.clone());
    opts.input_format = input_format(a.input_format, &a.input, &mut reader);
    opts.output_format = match a.format {
        RecordFormat::Jsonl => OutputFormat::Jsonl,
        RecordFormat::Csv => OutputFormat::Csv,
    };
    opts.engine = match a.engine {
        EngineArg::Columnar => Engine::Columnar,
        EngineArg::Rows => Engine::Rows,
    };
    opts.check = match a.check {
        CheckArg::All => batch::Check::All,
        CheckArg::Used => batch::Check::Used,
    };
    opts.threads = a.threads;
    opts.max_rejections = a.max_rejections;
    opts.chunk_bytes = a.chunk_kib.clamp(1, 65536) * 1024;
    opts.max_record_bytes = a.max_record_bytes;
    opts.members = member_texts
        .iter()
        .map(|(list, name, text)| batch::MemberFile { list, name, text })
        .collect();
    let mut sink = match Sink::open(a.output.as_deref()) {
        Ok(o) => o,
        Err(e) => return cli_error(e, fmt),
    };
    let bar =
        (!a.quiet && std::io::stderr().is_terminal()).then(|| progress::Bar::new(total_bytes));
    let result = batch::run(&policy, &mut reader, &mut sink, &opts, &|p| {
        if let Some(b) = &bar {
            b.update(p);
        }
    });
    if let Some(b) = &bar {
        b.finish();
    }
    let summary = match result {
        Ok(s) => s,
        // stdout stopped: `out::finish` knows whether it was a closed pipe
        Err(BatchError::Write { .. }) if a.output.is_none() && out::stdout_failed() => {
            return EXIT_OK
        }
        // the sink is dropped: an output file is left as it was
        Err(e) => {
            let code = match e {
                BatchError::Read { .. }
                | BatchError::Write { .. }
                | BatchError::UnknownMeasure { .. }
                | BatchError::UnknownLocality { .. }
                | BatchError::UnknownEntity { .. } => EXIT_USAGE,
                BatchError::MemberFile { line: 0, .. } => EXIT_USAGE,
                _ => EXIT_INPUT,
            };
            report(&SourceMap::new(), &[Diagnostic::without_file(e)], fmt);
            return code;
        }
    };
    if let Err(e) = sink.finish() {
        return cli_error(e, fmt);
    }
    if let Some(path) = &a.summary {
        let json = serde_json::to_string_pretty(&summary).unwrap_or_default() + "\n";
        if let Err(e) = files::write_file(path, json.as_bytes()) {
            return cli_error(e, fmt);
        }
    }
    if !a.quiet {
        out::err(&summary.render_text());
    }
    let errors: u64 = summary.measures.iter().map(|m| m.error).sum();
    if summary.rejected > 0 || errors > 0 || summary.overflowed() {
        EXIT_INPUT
    } else {
        EXIT_OK
    }
}

/// `sample --format csv -o FIRMS.csv` of an entity with lists of members:
/// each list in a second file beside it, `FIRMS.LIST.csv` (docs/cli.md).
fn members_files(
    policy: &crate::ir::Policy,
    sampler: &Sampler<'_>,
    a: &SampleArgs,
    format: SampleFormat,
    fmt: ErrorFormat,
) -> u8 {
    let (SampleFormat::Csv, Some(out)) = (format, a.output.as_deref()) else {
        return EXIT_OK;
    };
    let lists = policy
        .entities
        .get(sampler.entity() as usize)
        .map_or(&[][..], |e| e.lists.as_slice());
    for (li, l) in lists.iter().enumerate() {
        let stem = out
            .file_stem()
            .map_or_else(String::new, |s| s.to_string_lossy().into_owned());
        let path = out.with_file_name(format!("{stem}.{}.csv", l.name));
        let mut buf = Vec::new();
        if let Err(e) = sample::write_members_csv(sampler, li, a.count, &mut buf) {
            report(&SourceMap::new(), &[Diagnostic::without_file(e)], fmt);
            return EXIT_INPUT;
        }
        if let Err(e) = files::write_file(&path, &buf) {
            return cli_error(e, fmt);
        }
    }
    EXIT_OK
}

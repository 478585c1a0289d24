//! The `policyc` command line. Exit codes: 0 success, 1 the policy, facts or
//! tests are wrong (diagnostics say how), 2 usage or I/O error.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use crate::diagnostic::{self, Diagnostic, WithSource};
use crate::load;
use crate::source::SourceMap;

mod conventions;
mod error;
mod files;
mod out;
mod population_cmd;
mod review_cmd;
mod revisions;
mod run_cmd;

pub use conventions::Colour;
pub use error::CliError;
pub use files::{MAX_FACTS_SIZE, MAX_POLICY_JSON_SIZE};

/// The most worker threads `batch --threads` accepts.
pub const MAX_THREADS: u64 = 256;

/// Success.
pub const EXIT_OK: u8 = 0;
/// The input (policy, facts, tests) is wrong.
pub const EXIT_INPUT: u8 = 1;
/// Usage or I/O error.
pub const EXIT_USAGE: u8 = 2;

/// policyc — compile, check, run and review policy files.
#[derive(Parser, Debug)]
#[command(name = "policyc", version = conventions::version_text(), about, long_about = None)]
pub struct Cli {
    /// How diagnostics are printed on stderr.
    #[arg(long, value_enum, global = true, default_value_t = ErrorFormat::Human)]
    pub error_format: ErrorFormat,
    /// When to colour the output: `auto` colours a terminal unless `NO_COLOR`
    /// is set.
    #[arg(long, value_enum, global = true, default_value_t = Colour::Auto)]
    pub color: Colour,
    /// The command.
    #[command(subcommand)]
    pub command: Command,
}

/// How diagnostics are printed.
#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum ErrorFormat {
    /// Drawn with source excerpts (colours on a terminal).
    Human,
    /// Plain text, stable, for logs and tests.
    Plain,
    /// One JSON array.
    Json,
}

/// Text for people or JSON for programs.
#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum OutputFormat {
    /// For people.
    Text,
    /// For programs.
    Json,
}

/// What `policyc diff` prints.
#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum DiffFormat {
    /// One line per change, for people.
    Text,
    /// `{"equal": …, "changes": […]}`, for programs.
    Json,
    /// Sections per measure, for a pull-request comment.
    Markdown,
}

/// The commands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Parse and type-check policy files or folders.
    Check {
        /// Files or folders (searched for `*.policy`).
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Output format of the summary.
        #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
        format: OutputFormat,
    },
    /// Write the typed IR as versioned JSON.
    Export {
        /// Files or folders.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Write to this file instead of stdout.
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Evaluate every measure for one entity on one date.
    Eval {
        /// Policy files or folders, or one exported `.json` policy.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// The facts: `{"entity": "企业", "facts": {…}}` (`-` reads stdin).
        #[arg(long)]
        facts: PathBuf,
        /// The application date, YYYY-MM-DD.
        #[arg(long, value_parser = parse_date_arg)]
        date: chrono::NaiveDate,
        /// The locality whose delegated values apply.
        #[arg(long)]
        locality: Option<String>,
        /// Show why: conditions, parameter values and computations.
        #[arg(long)]
        explain: bool,
        /// Only this measure (its number).
        #[arg(long)]
        measure: Option<u32>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
        format: OutputFormat,
    },
    /// Run the examples written in the policy; ends with `N passed, N failed`.
    Test {
        /// Policy files or folders, or one exported `.json` policy.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// List passing examples too.
        #[arg(short, long)]
        verbose: bool,
        /// Output format.
        #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
        format: OutputFormat,
    },
    /// Rewrite policy files in the canonical form (docs/style.md).
    Fmt {
        /// Files or folders; `-` reads stdin and writes stdout.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Rewrite nothing; list the files that would change and exit 1 if any.
        #[arg(long)]
        check: bool,
    },
    /// Semantic diff of two versions of a policy (paths, or git revisions); exit 0 equal, 1 different, 2 error.
    Diff {
        /// The old version: a file, a folder, an exported `.json` policy, or
        /// a git revision (`HEAD~1`).
        old: PathBuf,
        /// The new version: a path; or with a revision OLD, a second revision
        /// or the PATH of the policy (default: the working tree, `.`).
        new: Option<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
        format: DiffFormat,
        /// Act as git's external diff driver (see docs/git.md).
        #[arg(long)]
        git: bool,
        /// With `--git`: git's remaining arguments.
        #[arg(hide = true)]
        git_args: Vec<String>,
    },
    /// Write random but valid fact records for an entity (demos, load tests, fuzzing).
    Sample(population_cmd::SampleArgs),
    /// Evaluate every record of a JSONL or CSV file; one result line each, then a summary.
    Batch(population_cmd::BatchArgs),
    /// Write a shell completion script on stdout (`policyc completions bash > …`).
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Write the manual page (roff) of policyc, or of one command, on stdout.
    Man {
        /// A command (`check`, `eval` …): its own page, `policyc-COMMAND(1)`.
        command: Option<String>,
    },
    /// Run the language server on stdin and stdout, for editors (docs/editors.md).
    #[cfg(feature = "lsp")]
    Lsp {
        /// Accepted for editor clients that pass it; stdio is the only transport.
        #[arg(long)]
        stdio: bool,
    },
}

fn parse_date_arg(s: &str) -> Result<chrono::NaiveDate, String> {
    crate::literal::date(s).map_err(|why| format!("`{s}` is not a date ({why}); write YYYY-MM-DD"))
}

/// Runs the CLI with the process's arguments and returns the exit code.
pub fn main() -> u8 {
    out::reset(false);
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = match e.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => {
                    EXIT_OK
                }
                _ => EXIT_USAGE,
            };
            conventions::set_colour(conventions::colour_from_args(std::env::args_os()));
            let rendered = e.render();
            if e.use_stderr() {
                out::err(&styled(&rendered, conventions::colour_stderr()));
            } else {
                out::out(&styled(&rendered, conventions::colour_stdout()));
            }
            return out::finish(code, ErrorFormat::Human);
        }
    };
    let fmt = cli.error_format;
    let code = dispatch(cli);
    out::finish(code, fmt)
}

fn styled(s: &clap::builder::StyledStr, colour: bool) -> String {
    if colour {
        s.ansi().to_string()
    } else {
        s.to_string()
    }
}

/// Runs one parsed command line, writing to the process's stdout and stderr;
/// returns the exit code (a write error other than a closed pipe gives 2).
pub fn run(cli: Cli) -> u8 {
    out::reset(false);
    let fmt = cli.error_format;
    let code = dispatch(cli);
    out::finish(code, fmt)
}

/// Runs one parsed command line with its output captured instead of written:
/// the exit code, stdout and stderr. Runs in one process are serialized.
pub fn run_captured(cli: Cli) -> (u8, Vec<u8>, Vec<u8>) {
    static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _guard = ONE_AT_A_TIME
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    out::reset(true);
    let fmt = cli.error_format;
    let code = dispatch(cli);
    let code = out::finish(code, fmt);
    let (stdout, stderr) = out::take_capture();
    (code, stdout, stderr)
}

fn dispatch(cli: Cli) -> u8 {
    let fmt = cli.error_format;
    conventions::set_colour(cli.color);
    files::reset_stdin();
    match cli.command {
        Command::Check { paths, format } => cmd_check(&paths, format, fmt),
        Command::Export { paths, output } => cmd_export(&paths, output, fmt),
        Command::Eval {
            paths,
            facts,
            date,
            locality,
            explain,
            measure,
            format,
        } => run_cmd::eval(
            &paths,
            &facts,
            date,
            locality.as_deref(),
            explain,
            measure,
            format,
            fmt,
        ),
        Command::Test {
            paths,
            verbose,
            format,
        } => run_cmd::test(&paths, verbose, format, fmt),
        Command::Fmt { paths, check } => review_cmd::fmt(&paths, check, fmt),
        Command::Diff {
            old,
            new,
            format,
            git,
            git_args,
        } => review_cmd::diff(&old, new.as_deref(), format, git, &git_args, fmt),
        Command::Sample(args) => population_cmd::sample(&args, fmt),
        Command::Batch(args) => population_cmd::batch(&args, fmt),
        Command::Completions { shell } => conventions::completions(shell),
        Command::Man { command } => conventions::man(command.as_deref(), fmt),
        #[cfg(feature = "lsp")]
        Command::Lsp { .. } => crate::lsp::run(),
    }
}

/// Prints diagnostics on stderr in the chosen format.
pub fn report(sources: &SourceMap, diags: &[Diagnostic], fmt: ErrorFormat) {
    let text = match fmt {
        ErrorFormat::Plain => diagnostic::render_plain(sources, diags),
        ErrorFormat::Json => {
            let j = diagnostic::to_json(sources, diags);
            serde_json::to_string_pretty(&j).unwrap_or_default() + "\n"
        }
        ErrorFormat::Human => {
            let theme = if conventions::colour_stderr() {
                miette::GraphicalTheme::unicode()
            } else {
                miette::GraphicalTheme::unicode_nocolor()
            };
            let handler = miette::GraphicalReportHandler::new_themed(theme);
            let mut out = String::new();
            // control characters shown as `?`/`�`, so that none reaches the terminal
            let shown = diagnostic::for_terminal(sources);
            for d in diags {
                let w = WithSource::new(&shown, d);
                if diagnostic::on_a_long_line(&shown, d)
                    || handler.render_report(&mut out, &w).is_err()
                {
                    out.push_str(&diagnostic::render_plain(&shown, std::slice::from_ref(d)));
                }
                out.push('\n');
            }
            out
        }
    };
    out::err(&text);
}

/// Prints one error that has no source, in the chosen format.
fn report_one(e: impl miette::Diagnostic + Send + Sync + 'static, fmt: ErrorFormat) {
    report(&SourceMap::new(), &[Diagnostic::without_file(e)], fmt);
}

/// Prints a usage or I/O error and returns [`EXIT_USAGE`].
fn cli_error(e: impl miette::Diagnostic + Send + Sync + 'static, fmt: ErrorFormat) -> u8 {
    report_one(e, fmt);
    EXIT_USAGE
}

/// Prints a usage problem that has no code and returns [`EXIT_USAGE`].
pub fn usage_error(e: &dyn std::fmt::Display) -> u8 {
    out::err(&format!(
        "error: {}\n",
        diagnostic::escape_lines(&e.to_string())
    ));
    EXIT_USAGE
}

/// Loads and compiles; on failure prints diagnostics and returns the exit code.
pub fn compile_paths(
    paths: &[PathBuf],
    fmt: ErrorFormat,
) -> Result<(SourceMap, crate::ir::Policy), u8> {
    compile_paths_warn(paths, fmt).map(|(s, p, _)| (s, p))
}

/// [`compile_paths`], also returning the warnings (for `policyc check`).
fn compile_paths_warn(
    paths: &[PathBuf],
    fmt: ErrorFormat,
) -> Result<(SourceMap, crate::ir::Policy, Vec<Diagnostic>), u8> {
    compile_as_given(&expand_roots(paths, fmt)?, fmt)
}

/// `paths` with each one inside a policy root replaced by the root's paths
/// ([`crate::project::expand`]).
fn expand_roots(paths: &[PathBuf], fmt: ErrorFormat) -> Result<Vec<PathBuf>, u8> {
    crate::project::expand(paths).map_err(|e| cli_error(e, fmt))
}

/// Loads and compiles exactly the files under `paths`.
fn compile_as_given(
    paths: &[PathBuf],
    fmt: ErrorFormat,
) -> Result<(SourceMap, crate::ir::Policy, Vec<Diagnostic>), u8> {
    let (files_given, stdin): (Vec<PathBuf>, Vec<PathBuf>) =
        paths.iter().cloned().partition(|p| p.as_os_str() != "-");
    let (mut sources, mut load_diags) = match load::load(&files_given) {
        Ok(x) => x,
        Err(e) => return Err(cli_error(e, fmt)),
    };
    if !stdin.is_empty() {
        let bytes = read_policy_stdin().map_err(|e| cli_error(e, fmt))?;
        load_diags.extend(load::add_source(&mut sources, STDIN_NAME.into(), bytes));
    }
    compile_loaded(sources, load_diags, fmt)
}

/// The name standard input goes by in diagnostics.
const STDIN_NAME: &str = "<stdin>";

/// Policy text from standard input (`-`), at most as large as a policy file.
fn read_policy_stdin() -> Result<Vec<u8>, CliError> {
    files::read_bounded(
        std::path::Path::new("-"),
        crate::syntax::MAX_FILE_SIZE as u64,
        "a policy file is at most 8 MiB",
    )
}

/// Compiles loaded sources, reporting the load's diagnostics first.
fn compile_loaded(
    sources: SourceMap,
    load_diags: Vec<Diagnostic>,
    fmt: ErrorFormat,
) -> Result<(SourceMap, crate::ir::Policy, Vec<Diagnostic>), u8> {
    if !load_diags.is_empty() {
        report(&sources, &load_diags, fmt);
        return Err(EXIT_INPUT);
    }
    match crate::compile_with_warnings(&sources) {
        Ok((p, w)) => Ok((sources, p, w)),
        Err(diags) => {
            report(&sources, &diags, fmt);
            Err(EXIT_INPUT)
        }
    }
}

/// Loads a policy: one exported `.json` file, or policy sources compiled
/// (a path inside a policy root stands for the root's whole policy).
/// `-` alone is standard input: an exported policy when it starts with `{`
/// (a policy's text never does), else policy text.
pub fn load_policy(paths: &[PathBuf], fmt: ErrorFormat) -> Result<crate::ir::Policy, u8> {
    load_policy_with(paths, true, fmt)
}

/// [`load_policy`], with or without policy roots (`diff OLD NEW` compares
/// exactly the files it is given).
fn load_policy_with(
    paths: &[PathBuf],
    roots: bool,
    fmt: ErrorFormat,
) -> Result<crate::ir::Policy, u8> {
    if let [one] = paths {
        if one.as_os_str() == "-" {
            let bytes = read_policy_stdin().map_err(|e| cli_error(e, fmt))?;
            if bytes.trim_ascii_start().starts_with(b"{") {
                return policy_from_json(&bytes, fmt);
            }
            let mut sources = SourceMap::new();
            let diags: Vec<Diagnostic> = load::add_source(&mut sources, STDIN_NAME.into(), bytes)
                .into_iter()
                .collect();
            return compile_loaded(sources, diags, fmt).map(|(_, p, _)| p);
        }
        if one.extension().is_some_and(|x| x == "json") {
            let bytes = files::read_bounded(
                one,
                MAX_POLICY_JSON_SIZE,
                "an exported policy is at most 128 MiB",
            )
            .map_err(|e| cli_error(e, fmt))?;
            return policy_from_json(&bytes, fmt);
        }
    }
    if roots {
        compile_paths(paths, fmt).map(|(_, p)| p)
    } else {
        compile_as_given(paths, fmt).map(|(_, p, _)| p)
    }
}

/// Reads an exported policy, reporting why it cannot be read.
fn policy_from_json(bytes: &[u8], fmt: ErrorFormat) -> Result<crate::ir::Policy, u8> {
    let text = String::from_utf8_lossy(bytes);
    crate::ir::Policy::from_json(&text).map_err(|e| {
        report(&SourceMap::new(), &[Diagnostic::without_file(e)], fmt);
        EXIT_INPUT
    })
}

fn cmd_check(paths: &[PathBuf], format: OutputFormat, fmt: ErrorFormat) -> u8 {
    let (sources, policy, warnings) = match compile_paths_warn(paths, fmt) {
        Ok(x) => x,
        Err(code) => return code,
    };
    if !warnings.is_empty() {
        // warnings do not fail the check (exit 0); they go to stderr
        report(&sources, &warnings, fmt);
    }
    let unset = crate::check::coverage::coverage(&policy);
    let files = sources.iter().count();
    let rules: usize = policy.measures.iter().map(|m| m.rules.len()).sum();
    let examples: usize = policy.measures.iter().map(|m| m.examples.len()).sum();
    let text = match format {
        OutputFormat::Text => {
            let mut t = format!(
                "ok: {files} files, {} measures, {rules} rules, {examples} examples, {} parameters\n",
                policy.measures.len(),
                policy.parameters.len()
            );
            for u in &unset {
                t.push_str(&format!(
                    "unset in {}: {}\n",
                    u.locality,
                    u.params.join(", ")
                ));
            }
            t
        }
        OutputFormat::Json => format!(
            "{}\n",
            serde_json::json!({
                "ok": true,
                "files": files,
                "measures": policy.measures.len(),
                "rules": rules,
                "examples": examples,
                "parameters": policy.parameters.len(),
                "unset": unset,
            })
        ),
    };
    out::out(&text);
    EXIT_OK
}

fn cmd_export(paths: &[PathBuf], output: Option<PathBuf>, fmt: ErrorFormat) -> u8 {
    if let Some(o) = &output {
        if let Err(e) = files::check_output(o, &files::policy_inputs(paths)) {
            return cli_error(e, fmt);
        }
    }
    let (_, policy) = match compile_paths(paths, fmt) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let json = match policy.to_json() {
        Ok(json) => json,
        Err(e) => return cli_error(e, fmt),
    };
    match output {
        Some(path) => match files::write_file(&path, json.as_bytes()) {
            Ok(()) => EXIT_OK,
            Err(e) => cli_error(e, fmt),
        },
        None => {
            out::out(&json);
            EXIT_OK
        }
    }
}

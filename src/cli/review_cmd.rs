//! `policyc fmt` and `policyc diff`: the reviewer's commands.

use std::path::{Path, PathBuf};

use super::{
    cli_error, files, out, report, revisions, usage_error, DiffFormat, ErrorFormat, EXIT_INPUT,
    EXIT_OK, EXIT_USAGE,
};
use crate::diagnostic::{escape, escape_lines, Diagnostic};
use crate::diff::{self, DiffError};
use crate::fmt::{self, FmtError};
use crate::ir::Policy;
use crate::load;
use crate::source::SourceMap;

// ---------------------------------------------------------------------------
// fmt

/// What happened to one file.
enum Outcome {
    Unchanged,
    Changed,
    Failed,
}

/// Formats `text` (named `name` in diagnostics); reports errors on stderr.
fn format_one(name: &str, text: &str, errfmt: ErrorFormat) -> (Outcome, Option<String>) {
    match fmt::format_source(text) {
        Ok(out) if out == text => (Outcome::Unchanged, Some(out)),
        Ok(out) => (Outcome::Changed, Some(out)),
        Err(FmtError::Syntax { diagnostics }) => {
            // Parse the text as given, so that positions match the file on disk.
            let mut sources = SourceMap::new();
            let id = sources.add(name, text.to_string());
            let diags = match crate::syntax::parse(id, text) {
                Err(d) => d,
                Ok(_) => {
                    let mut d = diagnostics;
                    for x in &mut d {
                        x.file = Some(id);
                    }
                    d
                }
            };
            report(&sources, &diags, errfmt);
            (Outcome::Failed, None)
        }
        Err(e) => {
            out::err(&format!("error: `{}`:\n", escape(name)));
            report(&SourceMap::new(), &[Diagnostic::without_file(e)], errfmt);
            (Outcome::Failed, None)
        }
    }
}

/// `policyc fmt [--check] PATH…`; `-` formats stdin to stdout.
pub(super) fn fmt(paths: &[PathBuf], check: bool, errfmt: ErrorFormat) -> u8 {
    if paths.iter().any(|p| p.as_os_str() == "-") {
        if paths.len() > 1 {
            return usage_error(&"`-` (stdin) cannot be combined with other paths");
        }
        let limit = crate::syntax::MAX_FILE_SIZE as u64;
        let text =
            match files::read_bounded(Path::new("-"), limit, "a policy file is at most 8 MiB") {
                Ok(b) => String::from_utf8_lossy(&b).into_owned(),
                Err(e) => return cli_error(e, errfmt),
            };
        return match format_one("<stdin>", &text, errfmt) {
            (Outcome::Failed, _) => EXIT_INPUT,
            (outcome, Some(formatted)) => {
                if check {
                    if matches!(outcome, Outcome::Changed) {
                        out::out("<stdin>\n");
                        return EXIT_INPUT;
                    }
                    return EXIT_OK;
                }
                out::out(&formatted);
                EXIT_OK
            }
            (_, None) => EXIT_INPUT,
        };
    }
    let mut files = Vec::new();
    for p in paths {
        match load::policy_files(p) {
            Ok(mut f) => files.append(&mut f),
            Err(e) => return cli_error(e, errfmt),
        }
    }
    files.sort();
    files.dedup();
    let mut failed = false;
    let mut would_change = 0usize;
    for f in &files {
        let name = f.display().to_string();
        let bytes = match load::read_source(f) {
            Ok(load::SourceBytes::Read(b)) => b,
            Ok(load::SourceBytes::TooLarge(size)) => {
                let mut sources = SourceMap::new();
                let id = sources.add(name.clone(), String::new());
                let e = crate::syntax::SyntaxError::TooLarge {
                    size: usize::try_from(size).unwrap_or(usize::MAX),
                    limit: crate::syntax::MAX_FILE_SIZE,
                };
                report(&sources, &[Diagnostic::new(id, e)], errfmt);
                failed = true;
                continue;
            }
            Err(e) => return cli_error(e, errfmt),
        };
        let Ok(text) = String::from_utf8(bytes) else {
            out::err(&format!(
                "error: `{}` is not valid UTF-8; save it as UTF-8\n",
                escape(&name)
            ));
            failed = true;
            continue;
        };
        match format_one(&name, &text, errfmt) {
            (Outcome::Failed, _) | (_, None) => failed = true,
            (Outcome::Unchanged, _) => {}
            (Outcome::Changed, Some(formatted)) => {
                if check {
                    out::out(&format!("{}\n", escape(&name)));
                    would_change += 1;
                } else if let Err(e) = files::write_file(f, formatted.as_bytes()) {
                    // written atomically: the file is as it was
                    return cli_error(e, errfmt);
                }
            }
        }
    }
    if check && would_change > 0 {
        out::err(&format!(
            "{would_change} of {} file{} would be reformatted\n",
            files.len(),
            if files.len() == 1 { "" } else { "s" }
        ));
    }
    if failed || would_change > 0 {
        EXIT_INPUT
    } else {
        EXIT_OK
    }
}

// ---------------------------------------------------------------------------
// diff

/// `policyc diff OLD NEW` (files, folders or exported policies) or `policyc
/// diff REV [REV2] [PATH]` (commits): 0 when equal, 1 when different, 2 on
/// error.
pub(super) fn diff(
    old: &Path,
    new: Option<&Path>,
    format: DiffFormat,
    git: bool,
    git_args: &[String],
    errfmt: ErrorFormat,
) -> u8 {
    if git {
        let Some(old_file) = new else {
            return usage_error(&GIT_ARGS);
        };
        return diff_git(old, old_file, git_args, format, errfmt);
    }
    // a path that exists is a path, even if a branch has its name
    if let Some(rev) = old
        .to_str()
        .filter(|r| !old.exists() && revisions::is_revision(r))
    {
        return diff_revisions(rev, new, git_args, format, errfmt);
    }
    let Some(new) = new else {
        return usage_error(&format!(
            "`{}` is neither a file, a folder nor a git revision: `policyc diff` compares OLD and NEW (files, folders or exported policies) or REV [REV2] [PATH] (commits)",
            escape(&old.display().to_string())
        ));
    };
    if let Some(extra) = git_args.first() {
        return usage_error(&format!(
            "unexpected argument `{}`: `policyc diff` compares two versions, OLD and NEW (each a file, a folder or an exported `.json` policy)",
            escape(extra)
        ));
    }
    let compile = |p: &Path, which: &'static str| -> Result<Policy, u8> {
        super::load_policy_with(&[p.to_path_buf()], false, errfmt)
            .map_err(|_| invalid(which, &p.display().to_string(), errfmt))
    };
    let o = match compile(old, "old") {
        Ok(p) => p,
        Err(code) => return code,
    };
    let n = match compile(new, "new") {
        Ok(p) => p,
        Err(code) => return code,
    };
    print_changes(&o, &n, format)
}

const GIT_ARGS: &str =
    "`--git` takes git's seven arguments: PATH OLD-FILE OLD-HEX OLD-MODE NEW-FILE NEW-HEX NEW-MODE";

/// Reports that one version does not compile; exit 2.
fn invalid(which: &'static str, path: &str, errfmt: ErrorFormat) -> u8 {
    let e = DiffError::Invalid {
        which,
        path: path.to_string(),
    };
    report(&SourceMap::new(), &[Diagnostic::without_file(e)], errfmt);
    EXIT_USAGE
}

/// Prints the changes from `o` to `n`; 0 when there is none, else 1.
fn print_changes(o: &Policy, n: &Policy, format: DiffFormat) -> u8 {
    let changes = diff::diff(o, n);
    match format {
        DiffFormat::Text => out::out(&escape_lines(&diff::render_text(&changes))),
        DiffFormat::Json => out::out(&diff::render_json(&changes)),
        // names come from the policy: escaped like the text
        DiffFormat::Markdown => out::out(&escape_lines(&diff::render_markdown(&changes))),
    }
    if diff::changes_meaning(&changes) {
        EXIT_INPUT
    } else {
        EXIT_OK
    }
}

/// `policyc diff REV [REV2] [PATH]`: the policy under PATH (by default the
/// current folder; the whole policy of its root when inside one) in commit
/// REV against commit REV2, or against the working tree.
fn diff_revisions(
    rev: &str,
    second: Option<&Path>,
    rest: &[String],
    format: DiffFormat,
    errfmt: ErrorFormat,
) -> u8 {
    let second_rev = second
        .and_then(Path::to_str)
        .filter(|r| !Path::new(r).exists() && revisions::is_revision(r));
    let path = match (second_rev, second, rest) {
        (Some(_), _, []) | (None, None, []) => PathBuf::from("."),
        (Some(_), _, [p]) => PathBuf::from(p),
        (None, Some(p), []) => p.to_path_buf(),
        (_, _, [.., extra]) => {
            return usage_error(&format!(
                "unexpected argument `{}`: `policyc diff REV [REV2] [PATH]`",
                escape(extra)
            ))
        }
    };
    let at = |rev: &str, which: &'static str| -> Result<Policy, u8> {
        let sources = revisions::policy_at(rev, &path).map_err(|e| cli_error(e, errfmt))?;
        crate::compile(&sources).map_err(|diags| {
            report(&sources, &diags, errfmt);
            invalid(which, &format!("{rev}:{}", path.display()), errfmt)
        })
    };
    let o = match at(rev, "old") {
        Ok(p) => p,
        Err(code) => return code,
    };
    let n = match second_rev {
        Some(r) => at(r, "new"),
        None => super::compile_as_given(&revisions::working_tree_paths(&path), errfmt)
            .map(|(_, p, _)| p)
            .map_err(|_| invalid("new", &path.display().to_string(), errfmt)),
    };
    match n {
        Ok(n) => print_changes(&o, &n, format),
        Err(code) => code,
    }
}

/// A version of one file of a policy, compiled with the other files of its
/// policy root (or, outside any root, of its folder) as they are in the
/// working tree.
fn compile_in_context(path: &Path, version: &Path) -> Result<Option<Policy>, DiffError> {
    if version.as_os_str() == "/dev/null" {
        return Ok(None);
    }
    let read = |p: &Path| {
        std::fs::read(p)
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .map_err(|e| DiffError::Read {
                path: p.display().to_string(),
                message: e.to_string(),
            })
    };
    let text = read(version)?;
    let name = path.display().to_string();
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    // the rest of the policy root when the file is inside one, else its folder
    let context = match crate::project::find(path) {
        Ok(Some(root)) if root.contains(path) => root.paths,
        _ => vec![dir.to_path_buf()],
    };
    let mut siblings: Vec<PathBuf> = context
        .iter()
        .flat_map(|d| load::policy_files(d).unwrap_or_default())
        .collect();
    siblings.retain(|s| !same_file(s, path));
    let mut with_context = SourceMap::new();
    for s in &siblings {
        with_context.add(s.display().to_string(), read(s)?);
    }
    with_context.add(name.clone(), text.clone());
    if let Ok(p) = crate::compile(&with_context) {
        return Ok(Some(p));
    }
    let mut alone = SourceMap::new();
    alone.add(name.clone(), text);
    crate::compile(&alone)
        .map(Some)
        .map_err(|_| DiffError::Invalid {
            which: "changed",
            path: name,
        })
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(x), Ok(y)) => x == y,
        _ => a == b,
    }
}

/// `policyc diff --git PATH OLD-FILE OLD-HEX OLD-MODE NEW-FILE NEW-HEX NEW-MODE`:
/// git's external diff driver (`diff.policy.command`). Always exits 0 unless
/// something cannot be read, as git expects of a driver.
fn diff_git(
    path: &Path,
    old_file: &Path,
    rest: &[String],
    format: DiffFormat,
    errfmt: ErrorFormat,
) -> u8 {
    let Some(new_file) = rest.get(2) else {
        return usage_error(&GIT_ARGS);
    };
    let new_file = Path::new(new_file);
    let name = path.display().to_string();
    let name = escape(&name);
    let mut text = format!("policy diff a/{name} b/{name}\n");
    let versions = compile_in_context(path, old_file)
        .and_then(|o| compile_in_context(path, new_file).map(|n| (o, n)));
    match versions {
        Err(DiffError::Read { path, message }) => {
            return usage_error(&format!("cannot read `{path}`: {message}"))
        }
        Err(e) => {
            text.push_str(&format!(
                "semantic diff unavailable: {e}\n(run `policyc check` on the folder, or `git diff --no-ext-diff` for the text diff)\n"
            ));
        }
        Ok((o, n)) => {
            let empty = Policy {
                records: Vec::new(),
                ir_version: crate::ir::IR_VERSION.to_string(),
                document: None,
                departments: Vec::new(),
                enums: Vec::new(),
                entities: Vec::new(),
                parameters: Vec::new(),
                sections: Vec::new(),
                measures: Vec::new(),
                localities: Vec::new(),
            };
            let o = o.unwrap_or_else(|| empty.clone());
            let n = n.unwrap_or(empty);
            let changes = diff::diff(&o, &n);
            match format {
                DiffFormat::Json => text = diff::render_json(&changes),
                _ if changes.is_empty() => {
                    text.push_str("no semantic change (only formatting, comments or order)\n");
                }
                DiffFormat::Markdown => text.push_str(&diff::render_markdown(&changes)),
                DiffFormat::Text => text.push_str(&diff::render_text(&changes)),
            }
        }
    }
    let _ = errfmt;
    match format {
        DiffFormat::Json => out::out(&text),
        _ => out::out(&escape_lines(&text)),
    }
    EXIT_OK
}

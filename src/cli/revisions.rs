//! Versions of a policy read from git itself, for `policyc diff REV [REV2]
//! [PATH]`: every file of the policy as it is in a commit, so that a change
//! spanning several files is compared as one change between two commits.
//!
//! git is run as a program (`git rev-parse`, `git ls-tree`, `git cat-file
//! --batch`): no library, and the user's git sees the same repository.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use miette::Diagnostic;
use thiserror::Error;

use crate::project::{Project, FILE_NAME};
use crate::source::SourceMap;

/// Reading a revision failed.
#[derive(Debug, Error, Diagnostic)]
pub(super) enum RevisionError {
    /// git could not be run, or refused.
    #[error("git failed: {message}")]
    #[diagnostic(
        code(policy::cli::git),
        help("`policyc diff REV …` runs `git` in the current folder, which must be inside a repository")
    )]
    Git {
        /// What git or the system said.
        message: String,
    },
    /// The revision holds no policy file under the path.
    #[error("no `.policy` file under `{path}` in `{rev}`")]
    #[diagnostic(
        code(policy::io::empty),
        help("name a folder or file that holds the policy in that commit")
    )]
    Empty {
        /// The revision.
        rev: String,
        /// The path, relative to the repository.
        path: String,
    },
    /// A project file of the revision is invalid.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Project(#[from] crate::project::ProjectError),
}

/// Runs git with `args`, feeding `stdin`; its standard output.
fn git(args: &[&str], stdin: Option<&[u8]>) -> Result<Vec<u8>, RevisionError> {
    let failed = |message: String| RevisionError::Git { message };
    let mut child = Command::new("git")
        .args(args)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| failed(format!("cannot run git: {e}")))?;
    // written from a thread, so that a large output cannot block the input
    let feeder = match (stdin, child.stdin.take()) {
        (Some(bytes), Some(mut pipe)) => {
            let bytes = bytes.to_vec();
            Some(std::thread::spawn(move || pipe.write_all(&bytes)))
        }
        _ => None,
    };
    let out = child
        .wait_with_output()
        .map_err(|e| failed(format!("git did not finish: {e}")))?;
    if let Some(f) = feeder {
        let _ = f.join();
    }
    if !out.status.success() {
        let why = String::from_utf8_lossy(&out.stderr).trim().to_string();
        return Err(failed(format!("`git {}`: {why}", args.join(" "))));
    }
    Ok(out.stdout)
}

/// Whether `arg` names a commit of the repository around the current folder.
pub(super) fn is_revision(arg: &str) -> bool {
    !arg.starts_with('-')
        && git(
            &[
                "rev-parse",
                "--verify",
                "--quiet",
                &format!("{arg}^{{commit}}"),
            ],
            None,
        )
        .is_ok()
}

/// `path` (relative to the current folder) as a path relative to the
/// repository's top, with `.` and `..` resolved; "" for the top itself.
fn in_repository(path: &Path) -> Result<String, RevisionError> {
    let prefix = git(&["rev-parse", "--show-prefix"], None)?;
    let prefix = String::from_utf8_lossy(&prefix).trim().to_string();
    let mut parts: Vec<String> = prefix
        .split('/')
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    for c in path.components() {
        match c {
            std::path::Component::Normal(s) => parts.push(s.to_string_lossy().into_owned()),
            std::path::Component::ParentDir => {
                parts.pop();
            }
            _ => {}
        }
    }
    Ok(parts.join("/"))
}

/// Whether repository path `f` is `dir` or lies under it.
fn under(f: &str, dir: &str) -> bool {
    dir.is_empty() || f == dir || f.strip_prefix(dir).is_some_and(|r| r.starts_with('/'))
}

/// Every file of `rev`, by path relative to the repository's top.
fn tree(rev: &str) -> Result<Vec<String>, RevisionError> {
    let out = git(
        &["ls-tree", "-r", "-z", "--full-tree", "--name-only", rev],
        None,
    )?;
    Ok(out
        .split(|b| *b == 0)
        .filter(|s| !s.is_empty())
        .map(|s| String::from_utf8_lossy(s).into_owned())
        .collect())
}

/// The contents of `files` in `rev`, in order.
fn blobs(rev: &str, files: &[String]) -> Result<Vec<Vec<u8>>, RevisionError> {
    let mut request = Vec::new();
    for f in files {
        request.extend_from_slice(format!("{rev}:{f}\n").as_bytes());
    }
    let out = git(&["cat-file", "--batch"], Some(&request))?;
    let mut rest = out.as_slice();
    let mut contents = Vec::new();
    for f in files {
        let header_end = rest.iter().position(|b| *b == b'\n').unwrap_or(rest.len());
        let header = String::from_utf8_lossy(rest.get(..header_end).unwrap_or_default());
        let size: Option<usize> = header
            .split(' ')
            .nth(2)
            .and_then(|s| s.parse().ok())
            .filter(|_| header.split(' ').nth(1) == Some("blob"));
        let Some(size) = size else {
            return Err(RevisionError::Git {
                message: format!("cannot read `{rev}:{f}`: {header}"),
            });
        };
        let body = rest.get(header_end + 1..header_end + 1 + size);
        contents.push(body.unwrap_or_default().to_vec());
        rest = rest.get(header_end + 2 + size..).unwrap_or_default();
    }
    Ok(contents)
}

/// The policy under `path` as it is in commit `rev`: the whole policy of the
/// `policyc.toml` root that `path` is inside (as that commit has it), or else
/// every `.policy` file under `path`. Files are named `REV:path/in/repo`.
pub(super) fn policy_at(rev: &str, path: &Path) -> Result<SourceMap, RevisionError> {
    let target = in_repository(path)?;
    let files = tree(rev)?;
    let selection = root_paths(rev, &target, &files)?.unwrap_or_else(|| vec![target.clone()]);
    let mut chosen: Vec<String> = files
        .iter()
        .filter(|f| {
            Path::new(f.as_str())
                .extension()
                .is_some_and(|x| x == crate::load::EXTENSION)
                && selection.iter().any(|s| under(f, s))
        })
        .cloned()
        .collect();
    chosen.sort();
    if chosen.is_empty() {
        return Err(RevisionError::Empty {
            rev: rev.to_string(),
            path: if target.is_empty() {
                ".".into()
            } else {
                target
            },
        });
    }
    let mut map = SourceMap::new();
    for (f, bytes) in chosen.iter().zip(blobs(rev, &chosen)?) {
        // not UTF-8: shown lossily; the compiler reports what it cannot parse
        map.add(
            format!("{rev}:{f}"),
            String::from_utf8_lossy(&bytes).into_owned(),
        );
    }
    Ok(map)
}

/// The paths of the policy root that `target` lies in, in commit `rev`.
fn root_paths(
    rev: &str,
    target: &str,
    files: &[String],
) -> Result<Option<Vec<String>>, RevisionError> {
    let mut dir = if files.iter().any(|f| f == target) {
        parent(target)
    } else {
        Some(target.to_string())
    };
    while let Some(d) = dir {
        let file = if d.is_empty() {
            FILE_NAME.to_string()
        } else {
            format!("{d}/{FILE_NAME}")
        };
        if files.contains(&file) {
            let text = blobs(rev, std::slice::from_ref(&file))?
                .pop()
                .unwrap_or_default();
            let project = Project::parse(Path::new(&file), &String::from_utf8_lossy(&text))?;
            let paths: Vec<String> = project.paths.iter().map(|p| in_tree(p)).collect();
            // the project's folder itself, or a path inside one of its paths
            let inside = target == d || paths.iter().any(|p| under(target, p));
            return Ok(inside.then_some(paths));
        }
        dir = parent(&d);
    }
    Ok(None)
}

/// A project path (joined to the project file's folder, inside the
/// repository) written with `/` and without `.` parts.
fn in_tree(p: &Path) -> String {
    let parts: Vec<String> = p
        .components()
        .filter_map(|c| match c {
            std::path::Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect();
    parts.join("/")
}

/// The folder of a repository path; `None` above the top.
fn parent(p: &str) -> Option<String> {
    if p.is_empty() {
        return None;
    }
    Some(
        p.rsplit_once('/')
            .map_or(String::new(), |(d, _)| d.to_string()),
    )
}

/// The working-tree side of `policyc diff REV [PATH]`: the policy under `path`
/// (a policy root's whole policy when it is inside one).
pub(super) fn working_tree_paths(path: &Path) -> Vec<PathBuf> {
    crate::project::expand(&[path.to_path_buf()]).unwrap_or_else(|_| vec![path.to_path_buf()])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_in_the_tree() {
        assert!(under("policies/seed/a.policy", "policies"));
        assert!(under("policies", "policies"));
        assert!(!under("policies2/a.policy", "policies"));
        assert!(under("a.policy", ""));
        assert_eq!(parent("a/b/c"), Some("a/b".into()));
        assert_eq!(parent("a"), Some(String::new()));
        assert_eq!(parent(""), None);
        assert_eq!(in_tree(Path::new("./policies/./seed")), "policies/seed");
    }
}

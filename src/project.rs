//! The policy root: a `policyc.toml` file that says which files form one
//! policy, so that every tool — each command, the git diff driver, the
//! language server — compiles a file together with the rest of its policy
//! (the seed's examples name localities declared in another folder).
//!
//! ```toml
//! # policyc.toml
//! [policy]
//! paths = ["policies"]   # folders or files, relative to this file
//! ```
//!
//! A path given to a command that lies inside one of a root's `paths` stands
//! for the whole policy of that root ([`expand`]); a path outside every root
//! is used as given, as it always was. The root is found upward from the path
//! ([`find`]). See `docs/cli.md`, "Policy roots".

use std::path::{Component, Path, PathBuf};

use serde::Deserialize;
use thiserror::Error;

/// The name of the project file.
pub const FILE_NAME: &str = "policyc.toml";

/// A `policyc.toml` that cannot be used.
#[derive(Debug, Error, miette::Diagnostic)]
#[non_exhaustive]
pub enum ProjectError {
    /// The file cannot be read.
    #[error("cannot read `{path}`: {message}")]
    #[diagnostic(code(policy::io::read))]
    Read {
        /// The file.
        path: String,
        /// The system's message.
        message: String,
    },
    /// The file is not a valid project file.
    #[error("`{path}` is not a valid project file: {message}")]
    #[diagnostic(
        code(policy::project::invalid),
        help("a project file is `[policy]` with `paths = [\"folder\", …]`, relative to the file (docs/cli.md, \"Policy roots\")")
    )]
    Invalid {
        /// The file.
        path: String,
        /// What is wrong.
        message: String,
    },
}

/// A policy root: the folder of its `policyc.toml` and the paths that form
/// its policy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Project {
    /// The project file.
    pub file: PathBuf,
    /// Its `paths`, joined to the file's folder, in the order written.
    pub paths: Vec<PathBuf>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileFormat {
    policy: PolicySection,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicySection {
    paths: Vec<String>,
}

impl Project {
    /// Reads a project file's text. `file` names it in messages and anchors
    /// its relative paths.
    pub fn parse(file: &Path, text: &str) -> Result<Project, ProjectError> {
        let invalid = |message: String| ProjectError::Invalid {
            path: file.display().to_string(),
            message,
        };
        let format: FileFormat = toml::from_str(text).map_err(|e| invalid(e.message().into()))?;
        let dir = file.parent().unwrap_or(Path::new(""));
        if format.policy.paths.is_empty() {
            return Err(invalid("`paths` is empty".into()));
        }
        let mut paths = Vec::new();
        for p in &format.policy.paths {
            let rel = Path::new(p);
            let inside = rel
                .components()
                .all(|c| matches!(c, Component::Normal(_) | Component::CurDir));
            if !inside || p.is_empty() {
                return Err(invalid(format!(
                    "the path `{p}` must be relative and inside the project's folder"
                )));
            }
            paths.push(dir.join(rel));
        }
        Ok(Project {
            file: file.to_path_buf(),
            paths,
        })
    }

    /// Whether `path` stands for this root's policy: it is the folder of the
    /// project file, one of the root's paths, or inside one (compared after
    /// resolving symbolic links and `..`).
    pub fn contains(&self, path: &Path) -> bool {
        let Ok(p) = path.canonicalize() else {
            return false;
        };
        let folder = self.file.parent().and_then(|d| d.canonicalize().ok());
        folder.is_some_and(|f| f == p)
            || self
                .paths
                .iter()
                .filter_map(|r| r.canonicalize().ok())
                .any(|r| p.starts_with(r))
    }
}

/// The nearest `policyc.toml` in the folder of `path` (or `path` itself when
/// it is a folder) or above it, read.
pub fn find(path: &Path) -> Result<Option<Project>, ProjectError> {
    let Ok(abs) = path.canonicalize() else {
        return Ok(None);
    };
    let mut dir = if abs.is_dir() {
        Some(abs.as_path())
    } else {
        abs.parent()
    };
    while let Some(d) = dir {
        let file = d.join(FILE_NAME);
        if file.is_file() {
            let text = std::fs::read_to_string(&file).map_err(|e| ProjectError::Read {
                path: file.display().to_string(),
                message: e.to_string(),
            })?;
            return Project::parse(&file, &text).map(Some);
        }
        dir = d.parent();
    }
    Ok(None)
}

/// The paths to load for `paths` given on a command line: each one inside a
/// policy root is replaced by the root's paths (once, whichever of its files
/// were named); the others are kept as given. `-` (standard input) is kept.
pub fn expand(paths: &[PathBuf]) -> Result<Vec<PathBuf>, ProjectError> {
    let mut out: Vec<PathBuf> = Vec::new();
    let mut roots: Vec<PathBuf> = Vec::new();
    for p in paths {
        if p.as_os_str() == "-" {
            out.push(p.clone());
            continue;
        }
        match find(p)? {
            Some(project) if project.contains(p) => {
                if !roots.contains(&project.file) {
                    roots.push(project.file.clone());
                    out.extend(project.paths);
                }
            }
            _ => out.push(p.clone()),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_project_file_is_read_strictly() {
        let f = Path::new("/r/policyc.toml");
        let p = Project::parse(f, "[policy]\npaths = [\"policies\", \"extra/x.policy\"]\n");
        assert_eq!(
            p.ok().map(|p| p.paths),
            Some(vec![
                PathBuf::from("/r/policies"),
                PathBuf::from("/r/extra/x.policy")
            ])
        );
        for bad in [
            "",
            "[policy]\n",
            "[policy]\npaths = []\n",
            "[policy]\npaths = [\"/etc\"]\n",
            "[policy]\npaths = [\"../elsewhere\"]\n",
            "[policy]\npaths = [\"a\"]\nlocale = \"zh\"\n",
            "[policy]\npaths = \"a\"\n",
            "[polciy]\npaths = [\"a\"]\n",
        ] {
            assert!(
                matches!(Project::parse(f, bad), Err(ProjectError::Invalid { .. })),
                "{bad:?} accepted"
            );
        }
    }
}

//! Open documents, the policies they belong to, and one analysis per policy.
//!
//! **Which files are one policy.** A folder of files is one policy, as for
//! `policyc check FOLDER`. For a file on disk, the server starts from the
//! file's folder and goes up to the parent folder while that parent holds
//! nothing but `.policy` files and folders that hold nothing but `.policy`
//! files (hidden entries are ignored), without going above the workspace
//! folder that holds the file. The policy is then every `.policy` file under
//! the folder reached, as `policyc check` reads it. On the repository,
//! `policies/seed/x.policy` goes up to `policies/` (its only entries are the
//! folders `seed/` and `localities/`) and stops there (the repository's root
//! holds other files): the seed's examples find the localities. A buffer that
//! is not a file (`untitled:`) is a policy of its own.
//!
//! Open buffers are laid over the files on disk: what the editor shows is
//! what is checked, saved or not.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use lsp_types::Uri;

use super::convert;
use super::index::Index;
use super::position::LineIndex;
use super::uri;
use crate::diagnostic::Diagnostic;
use crate::load;
use crate::source::{FileId, SourceMap};
use crate::syntax::{self, ast};

/// The most entries looked at to decide whether a folder holds only policy
/// files (so that climbing towards `/` never walks a whole disk).
const MAX_ENTRIES_LOOKED_AT: usize = 2000;

/// An open document.
#[derive(Debug)]
pub struct Doc {
    /// Its text as the editor has it.
    pub text: String,
    /// The editor's version.
    pub version: i32,
}

/// Which files make one policy.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum UnitKey {
    /// Every `.policy` file under a folder.
    Folder(PathBuf),
    /// One buffer that is not a file on disk, by URI.
    Buffer(String),
}

/// One file of an analysed policy.
#[derive(Debug)]
pub struct UnitFile {
    /// Its URI (the editor's own, when the file is open).
    pub uri: Uri,
    /// Its lines, for positions.
    pub lines: LineIndex,
}

/// A policy, parsed and checked once.
pub struct Analysis {
    /// Its files' text.
    pub sources: SourceMap,
    /// Per [`FileId`]: URI and lines.
    pub files: Vec<UnitFile>,
    /// The syntax trees of the files that parse.
    pub asts: Vec<ast::File>,
    /// Its names.
    pub index: Index,
    /// The diagnostics, per file (every file has an entry, maybe empty).
    pub diagnostics: BTreeMap<usize, Vec<lsp_types::Diagnostic>>,
    /// How long parsing and checking took.
    pub took: Duration,
    /// When a file does not parse: the names of the last analysis in which
    /// every file parsed, for completion while a file is being typed (their
    /// spans are of the old text, so nothing else reads them).
    pub previous: Option<Box<Index>>,
}

impl Analysis {
    /// The file of the policy that `uri` names.
    pub fn file_of(&self, uri: &Uri) -> Option<FileId> {
        self.files
            .iter()
            .position(|f| f.uri == *uri)
            .map(|i| FileId(u32::try_from(i).unwrap_or(u32::MAX)))
    }

    /// The text and lines of a file.
    pub fn text(&self, file: FileId) -> Option<(&str, &LineIndex, &Uri)> {
        let f = self.files.get(file.0 as usize)?;
        let s = self.sources.get(file)?;
        Some((&s.text, &f.lines, &f.uri))
    }

    /// The LSP location of a span.
    pub fn location(&self, span: crate::source::Span) -> Option<lsp_types::Location> {
        let (text, lines, uri) = self.text(span.file)?;
        Some(lsp_types::Location::new(
            uri.clone(),
            lines.range(text, span.start, span.end),
        ))
    }

    /// The source text of a span.
    pub fn slice(&self, span: crate::source::Span) -> &str {
        self.sources
            .get(span.file)
            .and_then(|f| f.text.get(span.start..span.end))
            .unwrap_or("")
    }
}

/// The documents and the policies.
#[derive(Default)]
pub struct Workspace {
    /// The workspace folders.
    pub roots: Vec<PathBuf>,
    /// Open documents by URI.
    pub docs: HashMap<Uri, Doc>,
    /// The last analysis of each policy.
    cache: HashMap<UnitKey, Analysis>,
    /// The policies whose analysis is out of date.
    dirty: std::collections::HashSet<UnitKey>,
    /// The policy folder found for each folder (looked up once; forgotten
    /// when files change on disk).
    folders: std::cell::RefCell<HashMap<PathBuf, PathBuf>>,
}

impl Workspace {
    /// A workspace over these folders.
    pub fn new(roots: Vec<PathBuf>) -> Self {
        Workspace {
            roots,
            ..Workspace::default()
        }
    }

    /// The policy `uri` belongs to.
    pub fn unit_of(&self, uri: &Uri) -> UnitKey {
        match uri::to_path(uri) {
            Some(path) => match path.parent() {
                Some(dir) => UnitKey::Folder(self.folder_of(dir)),
                None => UnitKey::Buffer(uri.as_str().to_string()),
            },
            None => UnitKey::Buffer(uri.as_str().to_string()),
        }
    }

    fn folder_of(&self, dir: &Path) -> PathBuf {
        if let Some(known) = self
            .folders
            .try_borrow()
            .ok()
            .and_then(|f| f.get(dir).cloned())
        {
            return known;
        }
        let found = unit_root(dir, &self.roots);
        if let Ok(mut f) = self.folders.try_borrow_mut() {
            f.insert(dir.to_path_buf(), found.clone());
        }
        found
    }

    /// Forgets the analysis of the policy `uri` belongs to (its text changed).
    pub fn invalidate(&mut self, uri: &Uri) {
        let key = self.unit_of(uri);
        self.dirty.insert(key);
    }

    /// Forgets every analysis (files changed on disk).
    pub fn invalidate_all(&mut self) {
        self.dirty.extend(self.cache.keys().cloned());
        if let Ok(mut f) = self.folders.try_borrow_mut() {
            f.clear();
        }
    }

    /// The analysis of a policy: the cached one, or a new check.
    pub fn analysis(&mut self, key: &UnitKey) -> &Analysis {
        if self.dirty.remove(key) || !self.cache.contains_key(key) {
            let mut a = self.analyse(key);
            if a.asts.len() < a.files.len() {
                a.previous = self.cache.remove(key).and_then(|old| {
                    if old.asts.len() == old.files.len() {
                        Some(Box::new(old.index))
                    } else {
                        old.previous
                    }
                });
            }
            self.cache.insert(key.clone(), a);
        }
        self.cache.entry(key.clone()).or_insert_with(empty_analysis)
    }

    /// The analyses made so far that are up to date (for workspace symbols).
    pub fn analyses(&self) -> impl Iterator<Item = (&UnitKey, &Analysis)> {
        self.cache.iter().filter(|(k, _)| !self.dirty.contains(*k))
    }

    /// Drops the analysis of a policy (a closed buffer's).
    pub fn forget(&mut self, key: &UnitKey) {
        self.cache.remove(key);
        self.dirty.remove(key);
    }

    fn analyse(&self, key: &UnitKey) -> Analysis {
        let start = Instant::now();
        let mut sources = SourceMap::new();
        let mut uris = Vec::new();
        let mut load_diags = Vec::new();
        match key {
            UnitKey::Buffer(s) => {
                if let Some((u, d)) = self.docs.iter().find(|(u, _)| u.as_str() == s) {
                    sources.add(u.as_str().to_string(), d.text.clone());
                    uris.push(u.clone());
                }
            }
            UnitKey::Folder(root) => {
                // the buffers open under the folder, by path
                let open: BTreeMap<PathBuf, (&Uri, &Doc)> = self
                    .docs
                    .iter()
                    .filter_map(|(u, d)| {
                        let p = uri::to_path(u)?;
                        (p.starts_with(root) && is_policy(&p)).then_some((p, (u, d)))
                    })
                    .collect();
                let mut paths: Vec<PathBuf> = load::policy_files(root).unwrap_or_default();
                paths.extend(open.keys().cloned());
                paths.sort();
                paths.dedup();
                for p in paths {
                    let name = shown(&p, root);
                    if let Some((u, d)) = open.get(&p) {
                        sources.add(name, d.text.clone());
                        uris.push((*u).clone());
                        continue;
                    }
                    let Some(u) = uri::from_path(&p) else {
                        continue;
                    };
                    let id = read_into(&mut sources, &mut load_diags, &p, name);
                    if id.is_some() {
                        uris.push(u);
                    }
                }
            }
        }
        let files: Vec<UnitFile> = uris
            .into_iter()
            .zip(sources.iter())
            .map(|(uri, (_, f))| UnitFile {
                uri,
                lines: LineIndex::new(&f.text),
            })
            .collect();
        let mut asts = Vec::new();
        let mut errors = Vec::new();
        for (id, f) in sources.iter() {
            match syntax::parse(id, &f.text) {
                Ok(ast) => asts.push(ast),
                Err(mut e) => errors.append(&mut e),
            }
        }
        let index = Index::build(&asts);
        let mut diags = load_diags;
        if errors.is_empty() && diags.is_empty() {
            match crate::check::check(&sources, &asts) {
                Ok(policy) => diags.extend(crate::check::coverage::warnings(&asts, &policy)),
                Err(mut e) => diags.append(&mut e),
            }
        } else {
            diags.append(&mut errors);
        }
        let diags = crate::check::cap_errors(diags);
        let mut analysis = Analysis {
            sources,
            files,
            asts,
            index,
            diagnostics: BTreeMap::new(),
            took: Duration::ZERO,
            previous: None,
        };
        for i in 0..analysis.files.len() {
            analysis.diagnostics.insert(i, Vec::new());
        }
        for d in &diags {
            place(&mut analysis, d);
        }
        analysis.took = start.elapsed();
        analysis
    }
}

/// Converts a diagnostic and files it under its file (the first file for one
/// that has no location).
fn place(analysis: &mut Analysis, d: &Diagnostic) {
    let file = d.file.unwrap_or(FileId(0));
    let Some(lsp) = convert::diagnostic(analysis, d) else {
        return;
    };
    analysis
        .diagnostics
        .entry(file.0 as usize)
        .or_default()
        .push(lsp);
}

fn empty_analysis() -> Analysis {
    Analysis {
        sources: SourceMap::new(),
        files: Vec::new(),
        asts: Vec::new(),
        index: Index::default(),
        diagnostics: BTreeMap::new(),
        took: Duration::ZERO,
        previous: None,
    }
}

fn is_policy(p: &Path) -> bool {
    p.extension().is_some_and(|x| x == load::EXTENSION)
}

/// The name a file has in diagnostics: its path relative to the policy's
/// folder's parent (`policies/seed/x.policy`), as a user would type it.
fn shown(p: &Path, root: &Path) -> String {
    let base = root.parent().unwrap_or(root);
    p.strip_prefix(base).unwrap_or(p).display().to_string()
}

/// Reads one file from disk into the map, as `policyc check` does: a file
/// over the size limit is added empty with an error, a file that is not UTF-8
/// lossily with an error. `None` if it cannot be read at all.
fn read_into(
    sources: &mut SourceMap,
    diags: &mut Vec<Diagnostic>,
    p: &Path,
    name: String,
) -> Option<FileId> {
    match load::read_source(p).ok()? {
        load::SourceBytes::TooLarge(size) => {
            let id = sources.add(name, String::new());
            diags.push(Diagnostic::new(
                id,
                syntax::SyntaxError::TooLarge {
                    size: usize::try_from(size).unwrap_or(usize::MAX),
                    limit: syntax::MAX_FILE_SIZE,
                },
            ));
            Some(id)
        }
        load::SourceBytes::Read(bytes) => match String::from_utf8(bytes) {
            Ok(text) => Some(sources.add(name, text)),
            Err(e) => {
                let at = e.utf8_error().valid_up_to();
                let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
                let id = sources.add(name, text);
                diags.push(Diagnostic::new(
                    id,
                    load::InvalidUtf8 {
                        span: crate::source::Span::new(id, at, at + 1),
                    },
                ));
                Some(id)
            }
        },
    }
}

/// The folder whose policy files are one policy with the files of `dir` (see
/// the module's documentation).
pub fn unit_root(dir: &Path, roots: &[PathBuf]) -> PathBuf {
    // a `policyc.toml` whose one path holds the file: that folder, as every
    // command compiles it (docs/cli.md, "Policy roots")
    if let Ok(Some(project)) = crate::project::find(dir) {
        if let [only] = project.paths.as_slice() {
            if project.contains(dir) && only.is_dir() {
                return only.clone();
            }
        }
    }
    let ceiling = roots
        .iter()
        .filter(|r| dir.starts_with(r))
        .max_by_key(|r| r.as_os_str().len());
    let mut at = dir.to_path_buf();
    loop {
        if Some(&at) == ceiling {
            return at;
        }
        let Some(parent) = at.parent() else {
            return at;
        };
        let mut budget = MAX_ENTRIES_LOOKED_AT;
        if !holds_only_policies(parent, &mut budget) {
            return at;
        }
        at = parent.to_path_buf();
    }
}

/// Whether `dir` holds nothing but `.policy` files and folders of the same
/// kind (hidden entries ignored), looking at no more than `budget` entries.
fn holds_only_policies(dir: &Path, budget: &mut usize) -> bool {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return false;
    };
    for entry in entries {
        let Ok(entry) = entry else {
            return false;
        };
        if *budget == 0 {
            return false;
        }
        *budget -= 1;
        let name = entry.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        let Ok(ft) = entry.file_type() else {
            return false;
        };
        let p = entry.path();
        let ok = if ft.is_dir() {
            holds_only_policies(&p, budget)
        } else {
            is_policy(&p)
        };
        if !ok {
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seed_is_one_policy_from_any_of_its_folders() {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let policies = root.join("policies");
        let from_repo = unit_root(&policies.join("seed"), std::slice::from_ref(&root));
        assert_eq!(from_repo, policies);
        let from_policies = unit_root(
            &policies.join("localities"),
            std::slice::from_ref(&policies),
        );
        assert_eq!(from_policies, policies);
        // the repository's `policyc.toml` says `policies/`, whatever the
        // workspace folder
        let seed = policies.join("seed");
        assert_eq!(unit_root(&seed, std::slice::from_ref(&seed)), policies);
        assert_eq!(unit_root(&seed, &[]), policies);
    }

    #[test]
    fn a_project_file_decides_where_the_climb_would_not() {
        let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let top = tmp.path().canonicalize().unwrap_or_else(|e| panic!("{e}"));
        let measures = top.join("p").join("measures");
        std::fs::create_dir_all(&measures).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(measures.join("a.policy"), "").unwrap_or_else(|e| panic!("{e}"));
        // a README beside the folders: the climb stops at `measures/`
        std::fs::write(top.join("p").join("README.md"), "").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(unit_root(&measures, &[]), measures);
        std::fs::write(top.join("policyc.toml"), "[policy]\npaths = [\"p\"]\n")
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(unit_root(&measures, &[]), top.join("p"));
    }
}

//! The bad-input corpus: malformed policies in `tests/bad/policies/` and
//! malformed facts files in `tests/bad/facts/`, each with a snapshot of what
//! an analyst sees (the plain diagnostics).
//!
//! Policies are read as `policyc check` reads them (`load::load`, so a file
//! that is not UTF-8 is reported, not mangled), then compiled. Every one must
//! fail with at least one diagnostic, and every diagnostic must carry a code
//! and point at `file:line:column`. Facts files are read against
//! `tests/bad/facts.policy`; every error must name a JSON path (`$…`).
//!
//! To add a case, drop a file in one of the folders and run
//! `INSTA_UPDATE=always cargo test --test bad_inputs`, then read the new
//! snapshot under `tests/snapshots/` before committing it.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failed expectation should stop the test loudly"
)]

use std::path::{Path, PathBuf};

use policyc::diagnostic::{render_plain, Diagnostic};
use policyc::eval::Facts;
use policyc::source::SourceMap;

/// Diagnostics that sum up others and so have no place of their own.
const SUMMARIES: &[&str] = &["policy::check::too_many_errors"];

/// Snapshots show at most this many diagnostics (the first ones and the last).
const SHOWN: usize = 8;

fn files(dir: &str, ext: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == ext))
        .collect();
    v.sort();
    v
}

fn stem(p: &Path) -> String {
    p.file_stem().unwrap().to_string_lossy().into_owned()
}

/// The plain rendering of `diags`, cut in the middle when there are many.
fn render(map: &SourceMap, diags: &[Diagnostic]) -> String {
    if diags.len() <= SHOWN {
        return render_plain(map, diags);
    }
    let head = diags.get(..SHOWN - 1).unwrap();
    let last = diags.last().map(std::slice::from_ref).unwrap();
    format!(
        "{}… {} more diagnostics …\n\n{}",
        render_plain(map, head),
        diags.len() - SHOWN,
        render_plain(map, last)
    )
}

#[test]
fn every_malformed_policy_gets_a_located_diagnostic() {
    // the working directory of integration tests is the package root
    let paths = files("tests/bad/policies", "policy");
    assert!(paths.len() >= 60, "only {} bad policies", paths.len());
    for path in &paths {
        let name = stem(path);
        let (map, mut diags) = policyc::load::load(std::slice::from_ref(path)).unwrap();
        if diags.is_empty() {
            diags = match policyc::compile(&map) {
                Ok(_) => panic!("{name}: a malformed policy compiled"),
                Err(d) => d,
            };
        }
        assert!(!diags.is_empty(), "{name}: no diagnostic");
        let location = format!("--> {}:", path.display());
        for d in &diags {
            let code = d.code();
            assert!(!code.is_empty(), "{name}: a diagnostic without a code");
            if SUMMARIES.contains(&code.as_str()) {
                continue;
            }
            let one = render_plain(&map, std::slice::from_ref(d));
            assert!(
                one.contains(&location),
                "{name}: a diagnostic without a location:\n{one}"
            );
        }
        let out = render(&map, &diags);
        insta::with_settings!({ snapshot_suffix => name.clone(), prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!("bad_policy", out);
        });
    }
}

#[test]
fn every_malformed_facts_file_gets_an_error_with_a_json_path() {
    let mut map = SourceMap::new();
    map.add(
        "tests/bad/facts.policy",
        std::fs::read_to_string("tests/bad/facts.policy").unwrap(),
    );
    let policy = policyc::compile(&map).unwrap();
    let paths = files("tests/bad/facts", "json");
    assert!(paths.len() >= 30, "only {} bad facts files", paths.len());
    for path in &paths {
        let name = stem(path);
        let text = std::fs::read_to_string(path).unwrap();
        let errors = match Facts::from_json(&policy, &text) {
            Ok(_) => panic!("{name}: malformed facts were accepted"),
            Err(e) => e,
        };
        assert!(!errors.is_empty(), "{name}: no error");
        for e in &errors {
            assert!(
                e.path.starts_with('$'),
                "{name}: an error without a JSON path: {e}"
            );
        }
        // as `policyc eval --error-format plain` prints them
        let diags: Vec<Diagnostic> = errors.into_iter().map(Diagnostic::without_file).collect();
        let out = render(&SourceMap::new(), &diags);
        insta::with_settings!({ snapshot_suffix => name.clone(), prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!("bad_facts", out);
        });
    }
}

#[test]
fn a_byte_order_mark_before_facts_is_ignored() {
    let mut map = SourceMap::new();
    map.add(
        "tests/bad/facts.policy",
        std::fs::read_to_string("tests/bad/facts.policy").unwrap(),
    );
    let policy = policyc::compile(&map).unwrap();
    let facts = Facts::from_json(&policy, "\u{FEFF}{\"entity\": \"企业\", \"facts\": {}}");
    assert!(facts.is_ok());
}

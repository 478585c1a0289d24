//! Every diagnostic code, from a small fixture in `tests/diagnostics/`, rendered
//! in the plain form and kept as an insta snapshot. The fixture's name says
//! which stage and code it exercises.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failed expectation should stop the test loudly"
)]

use std::path::Path;

use policyc::diagnostic::render_plain;
use policyc::source::SourceMap;

fn render(path: &Path) -> (String, usize) {
    let bytes = std::fs::read(path).unwrap_or_default();
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let name = format!(
        "tests/diagnostics/{}",
        path.file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default()
    );
    let mut map = SourceMap::new();
    map.add(name, text);
    // a policy that loads may still have warnings (unset delegated values)
    match policyc::compile_with_warnings(&map) {
        Ok((_, w)) if w.is_empty() => (String::from("(no diagnostics)"), 0),
        Ok((_, w)) => (render_plain(&map, &w), w.len()),
        Err(d) => (render_plain(&map, &d), d.len()),
    }
}

#[test]
fn every_fixture_fails_with_a_located_diagnostic() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/diagnostics");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .map(|r| r.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    paths.retain(|p| p.extension().is_some_and(|x| x == "policy"));
    paths.sort();
    assert!(paths.len() >= 25, "fixtures missing: {}", paths.len());
    for p in paths {
        let stem = p
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let (out, n) = render(&p);
        assert!(n > 0, "{stem} produced no diagnostic");
        // every diagnostic points at file:line:column
        assert!(
            out.contains(&format!("--> tests/diagnostics/{stem}.policy:")),
            "{stem}: no location in\n{out}"
        );
        insta::with_settings!({ snapshot_suffix => stem.clone(), prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!("diagnostic", out);
        });
    }
}

#[test]
fn all_errors_of_a_run_are_reported_up_to_the_limit() {
    let mut src = String::from("entity 企业 { 甲: money }\n");
    for i in 0..300 {
        src.push_str(&format!(
            "measure {} \"m\" {{ kind benefit to 企业 rule r {{ when 未知{i} }} }}\n",
            i + 1
        ));
    }
    let mut map = SourceMap::new();
    map.add("many.policy", src);
    let diags = policyc::compile(&map).err().unwrap_or_default();
    assert_eq!(diags.len(), policyc::check::MAX_ERRORS + 1);
    assert_eq!(
        diags.last().map(|d| d.code()),
        Some("policy::check::too_many_errors".to_string())
    );
}

#[test]
fn oversized_files_are_refused_cleanly() {
    let big = "// x\n".repeat(policyc::syntax::MAX_FILE_SIZE / 5 + 1);
    let mut map = SourceMap::new();
    let id = map.add("big.policy", big.clone());
    let err = policyc::syntax::parse(id, &big).err().unwrap_or_default();
    assert_eq!(
        err.first().map(|d| d.code()),
        Some("policy::syntax::too_large".to_string())
    );
}

#[test]
fn a_hundred_thousand_parentheses_do_not_overflow_the_stack() {
    let src = format!(
        "measure 1 \"x\" {{ kind benefit rule a {{ when {}true{} }} }}",
        "(".repeat(100_000),
        ")".repeat(100_000)
    );
    let mut map = SourceMap::new();
    map.add("deep.policy", src);
    let diags = policyc::compile(&map).err().unwrap_or_default();
    assert_eq!(
        diags.first().map(|d| d.code()),
        Some("policy::syntax::too_deep".to_string())
    );
}

//! The VS Code extension's grammar test (`editors/vscode/test/`), run with
//! Node.js: every file of `policies/` must tokenize with the TextMate grammar
//! with no character unmatched or illegal (see docs/editors.md). It needs
//! `node` and the extension's packages (`npm ci` in `editors/vscode`); without
//! them the test passes with a message, unless `POLICYC_REQUIRE_NODE` is set
//! (as in CI, `.ci/run`), when it fails.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failed expectation should stop the test loudly"
)]

use std::path::Path;
use std::process::Command;

#[test]
fn the_grammar_tokenizes_every_policy_file() {
    let required = std::env::var_os("POLICYC_REQUIRE_NODE").is_some_and(|v| v == "1");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("editors/vscode");
    let node = Command::new("node").arg("--version").output();
    let has_node = node.as_ref().is_ok_and(|o| o.status.success());
    let has_packages = dir.join("node_modules/vscode-textmate").is_dir()
        && dir.join("node_modules/vscode-oniguruma").is_dir();
    if !(has_node && has_packages) {
        let why = if has_node {
            "the extension's packages are not installed (run `npm ci` in editors/vscode)"
        } else {
            "`node` cannot be run"
        };
        assert!(!required, "POLICYC_REQUIRE_NODE=1 but {why}");
        eprintln!("skipped: {why}");
        return;
    }
    let out = Command::new("node")
        .args(["--test", "test/"])
        .current_dir(&dir)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "the grammar test failed:\n{stdout}\n{stderr}"
    );
    assert!(stdout.contains("# fail 0"), "{stdout}");
}

/// Every keyword of the language (`syntax::KEYWORDS`) is one of the grammar's
/// keywords or constants, so that a keyword added to the language is not
/// left out of the editor (this needs no Node.js).
#[test]
fn the_grammar_knows_every_keyword() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("editors/vscode/syntaxes/policy.tmLanguage.json");
    let grammar: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut alternatives = Vec::new();
    for rule in ["keyword", "constant"] {
        for p in grammar["repository"][rule]["patterns"].as_array().unwrap() {
            let m = p["match"].as_str().unwrap();
            // `(?<!…)(?:a|b|c)(?!…)` or `(?<!…)word(?!…)`
            let body = m
                .split("(?:")
                .nth(1)
                .map_or(m, |b| b.split(')').next().unwrap_or(b));
            let body = body
                .trim_start_matches("(?<![\\p{L}\\p{M}\\p{N}_])")
                .split("(?!")
                .next()
                .unwrap_or(body);
            alternatives.extend(body.split('|').map(str::to_string));
        }
    }
    let missing: Vec<&&str> = policyc::syntax::KEYWORDS
        .iter()
        .filter(|k| !alternatives.iter().any(|a| a == **k))
        .collect();
    assert!(
        missing.is_empty(),
        "not in the editor's grammar: {missing:?}"
    );
}

//! What the integration tests share to drive policyc: the binary run in the
//! crate's folder (with or without standard input), a temporary file per test
//! binary, and a policy text compiled with its diagnostics rendered. Included
//! with `#[path = "common/run.rs"] mod run;`; a test binary uses what it needs.

#![allow(dead_code, reason = "each test binary uses part of this module")]

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

/// Runs `policyc args` in the crate's folder, standard input empty.
pub fn policyc(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_policyc"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot run policyc: {e}"))
}

/// Runs `policyc args` in the crate's folder with `stdin` as standard input.
/// A command that does not read its input may close it first: that is not an
/// error here.
pub fn policyc_with(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_policyc"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run policyc: {e}"));
    if let Some(mut input) = child.stdin.take() {
        let _ = input.write_all(stdin.as_bytes());
    }
    child
        .wait_with_output()
        .unwrap_or_else(|e| panic!("policyc did not finish: {e}"))
}

/// Writes `content` to file `name` in a temporary folder of this test binary
/// (`policyc-TAG-PID`), and returns its path.
pub fn temp_file(tag: &str, name: &str, content: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("policyc-{tag}-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let p = dir.join(name);
    std::fs::write(&p, content).unwrap_or_else(|e| panic!("cannot write {}: {e}", p.display()));
    p
}

/// Compiles `text` as one file called `name`; on failure, the diagnostics as
/// `policyc check` prints them in plain text.
pub fn compile(name: &str, text: &str) -> Result<policyc::ir::Policy, String> {
    let mut map = policyc::source::SourceMap::new();
    map.add(name, text.to_string());
    policyc::compile(&map).map_err(|d| policyc::diagnostic::render_plain(&map, &d))
}

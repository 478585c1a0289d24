//! The command-line conventions of issue 16: `--version` with the language and
//! IR versions, shell completions, man pages, `--color` and `NO_COLOR`,
//! character columns in the human diagnostic format, and `-` for standard
//! input wherever a policy is read.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failed expectation should stop the test loudly"
)]

#[path = "common/run.rs"]
mod run;

use std::process::{Command, Output, Stdio};

use run::{policyc, policyc_with, temp_file};

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// `policyc` with `env` set and stdin empty.
fn policyc_env(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_policyc"));
    c.current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .stdin(Stdio::null())
        .env_remove("NO_COLOR");
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().unwrap()
}

#[test]
fn version_names_the_language_and_the_ir() {
    let o = policyc(&["--version"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        text(&o.stdout).trim(),
        format!(
            "policyc {} (language {}, IR {})",
            env!("CARGO_PKG_VERSION"),
            policyc::syntax::LANGUAGE_VERSION,
            policyc::ir::IR_VERSION
        )
    );
}

#[test]
fn completions_for_every_shell_name_every_command() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let o = policyc(&["completions", shell]);
        assert_eq!(o.status.code(), Some(0), "{shell}: {}", text(&o.stderr));
        let script = text(&o.stdout);
        for cmd in ["check", "eval", "batch", "completions", "man"] {
            assert!(script.contains(cmd), "{shell} completions lack `{cmd}`");
        }
        assert!(script.contains("error-format"), "{shell}: no global option");
    }
    let o = policyc(&["completions", "tcsh"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn man_pages_for_the_tool_and_each_command() {
    let o = policyc(&["man"]);
    assert_eq!(o.status.code(), Some(0));
    let page = text(&o.stdout);
    assert!(page.contains(".TH policyc 1"), "{page}");
    assert!(page.contains(policyc::ir::IR_VERSION));
    for cmd in ["check", "eval", "batch", "diff"] {
        assert!(page.contains(cmd), "the page does not list `{cmd}`");
    }
    let o = policyc(&["man", "eval"]);
    assert_eq!(o.status.code(), Some(0));
    let page = text(&o.stdout);
    assert!(page.contains(".TH policyc-eval 1"), "{page}");
    // the command's own options and the global ones
    assert!(page.contains("\\-\\-facts"), "{page}");
    assert!(page.contains("\\-\\-color"), "{page}");
    let o = policyc(&["man", "nope"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("unknown command `nope`"));
}

/// A policy with one error on a line mixing CJK and ASCII.
const CJK: &str = "entity 企业 { 规模: 整数 }\n";

#[test]
fn color_always_never_and_no_color() {
    let p = temp_file("conventions", "cjk.policy", CJK);
    let p = p.to_str().unwrap();
    let has_escape = |o: &Output| o.stderr.contains(&0x1b);
    // stderr is a pipe here: auto means no colour
    assert!(!has_escape(&policyc_env(&["check", p], &[])));
    assert!(has_escape(&policyc_env(
        &["--color", "always", "check", p],
        &[]
    )));
    // `always` is an explicit request: it wins over NO_COLOR
    assert!(has_escape(&policyc_env(
        &["--color=always", "check", p],
        &[("NO_COLOR", "1")]
    )));
    assert!(!has_escape(&policyc_env(
        &["--color", "never", "check", p],
        &[]
    )));
    // usage errors follow --color too, before the arguments are understood
    let o = policyc_env(&["--color", "always", "chek"], &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(has_escape(&o));
    let o = policyc_env(&["--color", "never", "chek"], &[]);
    assert!(!has_escape(&o));
}

#[test]
fn human_diagnostics_count_columns_in_characters() {
    // 规模 starts at character 13 and byte 17 of the line, 整数 at character 17
    // and byte 25; an astral character (4 bytes, 2 UTF-16 units) before it
    // still counts as one character
    for (src, col) in [(CJK, 17), ("entity 𠀀企业 { 规模: 整数 }\n", 18)] {
        let p = temp_file("conventions", "columns.policy", src);
        let p = p.to_str().unwrap();
        let human = text(&policyc_env(&["check", p], &[]).stderr);
        let plain = text(&policyc_env(&["--error-format", "plain", "check", p], &[]).stderr);
        let at = format!("columns.policy:1:{col}");
        assert!(human.contains(&at), "human: {human}");
        assert!(plain.contains(&at), "plain: {plain}");
    }
}

#[test]
fn a_policy_can_come_from_standard_input() {
    let seed = std::fs::read_to_string("policies/seed/00_document.policy").unwrap();
    let o = policyc_with(&["check", "-"], &seed);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    // with other files: stdin is one more file of the policy (the others are
    // copied outside this repository's policy root, which would add the
    // document file a second time)
    let mut rest = Vec::new();
    for dir in ["policies/seed", "policies/localities"] {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            let name = p.file_name().unwrap().to_str().unwrap().to_string();
            if name != "00_document.policy" {
                let text = std::fs::read_to_string(&p).unwrap();
                rest.push(temp_file("stdin-rest", &name, &text).display().to_string());
            }
        }
    }
    let mut args = vec!["test", "-"];
    args.extend(rest.iter().map(String::as_str));
    let o = policyc_with(&args, &seed);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    // the same examples as from the files
    let from_files = policyc(&["test", "policies"]);
    let last = |o: &Output| {
        text(&o.stdout)
            .lines()
            .last()
            .unwrap_or_default()
            .to_string()
    };
    assert_eq!(last(&o), last(&from_files));
    assert!(last(&o).ends_with(" 0 failed"), "{}", last(&o));
    // an error in it is reported under the name <stdin>
    let o = policyc_with(&["--error-format", "plain", "check", "-"], CJK);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stderr).contains("<stdin>:1:17"),
        "{}",
        text(&o.stderr)
    );
    // an exported policy on stdin, for the commands that read one
    let json = policyc(&["export", "policies"]).stdout;
    let o = policyc_with(&["test", "-"], &text(&json));
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    // stdin is read once: two inputs cannot both be `-`
    let o = policyc_with(
        &["eval", "-", "--facts", "-", "--date", "2020-06-01"],
        &text(&json),
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("policy::cli::stdin_twice"));
}

//! Issue 15: `docs/authoring.md`, the guide for analysts encoding a notice,
//! cannot rot. Its worked example, `docs/examples/authoring/*.policy`,
//! checks, is canonically formatted and its examples pass; every ```policy
//! block of the guide is a complete file that compiles, is formatted and whose
//! examples pass; the worked example printed in the guide is the file, byte
//! for byte; and every fenced block says what it is (`policy`, `text`, `sh`),
//! so that a fragment of policy code cannot slip past these tests untagged.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failed expectation should stop the test loudly"
)]

use std::path::{Path, PathBuf};

#[path = "common/run.rs"]
mod run;
use run::{compile, policyc, temp_file};

const GUIDE: &str = "docs/authoring.md";
const EXAMPLES: &str = "docs/examples/authoring";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(root().join(rel)).unwrap_or_else(|e| panic!("cannot read {rel}: {e}"))
}

/// A fenced block of a Markdown file: its info string, its first line
/// (1-based) and its text with the fence's indentation removed.
struct Block {
    lang: String,
    line: usize,
    text: String,
}

fn fenced_blocks(markdown: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut open: Option<(String, usize, usize, String)> = None;
    for (i, line) in markdown.lines().enumerate() {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        match open.take() {
            None => {
                if let Some(lang) = trimmed.strip_prefix("```") {
                    open = Some((lang.trim().to_string(), i + 1, indent, String::new()));
                }
            }
            Some((lang, start, ind, mut text)) => {
                if trimmed == "```" {
                    blocks.push(Block {
                        lang,
                        line: start,
                        text,
                    });
                } else {
                    let body = if line.len() >= ind
                        && line.is_char_boundary(ind)
                        && line[..ind].trim().is_empty()
                    {
                        &line[ind..]
                    } else {
                        line
                    };
                    text.push_str(body);
                    text.push('\n');
                    open = Some((lang, start, ind, text));
                }
            }
        }
    }
    assert!(open.is_none(), "{GUIDE}: a fenced block is not closed");
    blocks
}

fn example_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join(EXAMPLES))
        .unwrap_or_else(|e| panic!("cannot list {EXAMPLES}: {e}"))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "policy"))
        .collect();
    files.sort();
    files
}

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// `policyc test` succeeded with at least `min` examples and none failed.
fn assert_examples_pass(path: &str, min: usize) {
    let out = policyc(&["test", path]);
    let text = stdout(&out);
    assert_eq!(
        out.status.code(),
        Some(0),
        "policyc test {path}:\n{text}{}",
        stderr(&out)
    );
    let last = text.lines().last().unwrap_or_default();
    let passed: usize = last
        .strip_suffix(" passed, 0 failed")
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("policyc test {path}: unexpected summary `{last}`"));
    assert!(
        passed >= min,
        "policyc test {path}: {passed} examples, expected at least {min}"
    );
}

#[test]
fn the_worked_example_checks_is_formatted_and_its_examples_pass() {
    let files = example_files();
    assert!(!files.is_empty(), "{EXAMPLES} has no .policy file");
    for file in &files {
        let path = file.to_str().unwrap();
        let text = std::fs::read_to_string(file).unwrap();
        // self-contained: it compiles alone
        compile(path, &text).unwrap_or_else(|d| panic!("{path} does not compile:\n{d}"));
        for required in [
            "document {",
            "department ",
            "entity ",
            "parameter ",
            "measure ",
            "example ",
        ] {
            assert!(
                text.contains(required),
                "{path} has no `{required}`: the example must be self-contained"
            );
        }
        let check = policyc(&["check", path]);
        assert_eq!(
            check.status.code(),
            Some(0),
            "policyc check {path}:\n{}",
            stderr(&check)
        );
        let fmt = policyc(&["fmt", "--check", path]);
        assert_eq!(
            fmt.status.code(),
            Some(0),
            "{path} is not canonically formatted:\n{}{}",
            stdout(&fmt),
            stderr(&fmt)
        );
    }
    // the folder as a whole, as the guide runs it
    assert_examples_pass(EXAMPLES, 20);
}

#[test]
fn every_policy_block_of_the_guide_compiles_and_its_examples_pass() {
    let guide = read(GUIDE);
    let blocks: Vec<Block> = fenced_blocks(&guide)
        .into_iter()
        .filter(|b| b.lang == "policy")
        .collect();
    assert!(
        blocks.len() >= 3,
        "{GUIDE} has {} ```policy blocks, expected at least 3",
        blocks.len()
    );
    for (i, block) in blocks.iter().enumerate() {
        let name = format!("block-{i}.policy");
        let at = format!("{GUIDE}:{}", block.line);
        compile(&name, &block.text)
            .unwrap_or_else(|d| panic!("the ```policy block at {at} does not compile:\n{d}"));
        let path = temp_file("authoring", &name, &block.text);
        let path = path.to_str().unwrap();
        let fmt = policyc(&["fmt", "--check", path]);
        assert_eq!(
            fmt.status.code(),
            Some(0),
            "the ```policy block at {at} is not canonically formatted"
        );
        assert_examples_pass(path, 1);
    }
}

#[test]
fn the_guide_prints_the_worked_example_byte_for_byte() {
    let guide = read(GUIDE);
    let blocks = fenced_blocks(&guide);
    for file in example_files() {
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(
            blocks.iter().any(|b| b.lang == "policy" && b.text == text),
            "{GUIDE} does not print {} as it is: copy the file into its ```policy block",
            file.display()
        );
    }
}

#[test]
fn every_fenced_block_of_the_guide_says_what_it_is() {
    let guide = read(GUIDE);
    let blocks = fenced_blocks(&guide);
    assert!(!blocks.is_empty());
    for b in &blocks {
        assert!(
            ["policy", "text", "sh"].contains(&b.lang.as_str()),
            "the fenced block at {GUIDE}:{} is marked `{}`: mark a complete file `policy`, a fragment `text`, commands `sh`",
            b.line,
            b.lang
        );
    }
}

#[test]
fn the_guide_is_linked_from_the_readme_and_the_language_reference() {
    assert!(
        read("README.md").contains("(docs/authoring.md)"),
        "README.md does not link docs/authoring.md"
    );
    assert!(
        read("docs/language.md").contains("(authoring.md)"),
        "docs/language.md does not link authoring.md"
    );
}

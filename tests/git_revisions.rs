//! Reviewing across revisions (issue 19): the policy root `policyc.toml`,
//! `policyc diff REV [REV2] [PATH]` reading whole policies from git objects,
//! and the git diff driver compiling a changed file with the rest of its
//! policy root — on a copy of this repository's own layout (`policies/seed`
//! and `policies/localities`, whose examples name the localities of the other
//! folder), with the setup docs/git.md documents.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failed expectation should stop the test loudly"
)]

use std::path::Path;
use std::process::{Command, Output};

const MEASURE_FILE: &str = "policies/seed/02_加大减负稳岗力度.policy";
const LOCALITY_FILE: &str = "policies/localities/包头市.policy";

fn git(dir: &Path, args: &[&str]) -> Output {
    Command::new("git")
        .current_dir(dir)
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .output()
        .unwrap()
}

fn ok(o: &Output) -> String {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn policyc(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_policyc"))
        .current_dir(dir)
        .args(args)
        .env("HOME", dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_tree(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

fn edit(repo: &Path, file: &str, from: &str, to: &str) {
    let p = repo.join(file);
    let text = std::fs::read_to_string(&p).unwrap();
    assert!(text.contains(from), "{file} has no `{from}`");
    std::fs::write(&p, text.replacen(from, to, 1)).unwrap();
}

/// A repository holding this repository's policy layout, the documented
/// setup, and one commit.
fn repository() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    copy_tree(&root.join("policies"), &repo.join("policies"));
    std::fs::copy(root.join("policyc.toml"), repo.join("policyc.toml")).unwrap();
    std::fs::copy(root.join(".gitattributes"), repo.join(".gitattributes")).unwrap();
    ok(&git(repo, &["init", "-q"]));
    let driver = format!("{} diff --git", env!("CARGO_BIN_EXE_policyc"));
    ok(&git(repo, &["config", "diff.policy.command", &driver]));
    ok(&git(repo, &["add", "."]));
    ok(&git(repo, &["commit", "-q", "-m", "seed"]));
    tmp
}

/// （三）'s deadline moved, and 包头市's rate changed.
fn change(repo: &Path) {
    edit(
        repo,
        MEASURE_FILE,
        "applications until 2020-12-31",
        "applications until 2021-03-31",
    );
    edit(
        repo,
        LOCALITY_FILE,
        "困难企业裁员率上限 = 8%",
        "困难企业裁员率上限 = 9.9%",
    );
}

const DEADLINE: &str = "（三）失业保险稳岗返还: deadline 2020-12-31 → 2021-03-31\n";
/// The consequences of the two changes on （三）'s examples.
const BROKEN_BY_RATE: &str = "（三）失业保险稳岗返还: example \"困难企业裁员率超过困难企业上限\": outcome not_eligible → needs_facts [月应缴社会保险费] (now fails: expects not_eligible)\n";
const BROKEN_BY_DEADLINE: &str = "（三）失业保险稳岗返还: example \"受理截止日次日\": outcome deadline_passed → eligible 48000 元 (now fails: expects deadline_passed)\n";
const RATE: &str =
    "locality 包头市: 困难企业裁员率上限: 8% → 9.9% (affects （三）失业保险稳岗返还)\n";

#[test]
fn the_driver_compiles_a_file_with_the_rest_of_its_policy_root() {
    let tmp = repository();
    let repo = tmp.path();
    change(repo);
    // in the working tree
    let shown = ok(&git(repo, &["diff"]));
    assert_eq!(
        shown,
        format!(
            "policy diff a/{LOCALITY_FILE} b/{LOCALITY_FILE}\n{RATE}{BROKEN_BY_RATE}policy diff a/{MEASURE_FILE} b/{MEASURE_FILE}\n{DEADLINE}{BROKEN_BY_DEADLINE}"
        )
    );
    // in a commit
    ok(&git(repo, &["commit", "-q", "-am", "deadline and rate"]));
    let shown = ok(&git(repo, &["show", "--ext-diff", "--format=%s", "HEAD"]));
    assert_eq!(
        shown,
        format!(
            "deadline and rate\n\npolicy diff a/{LOCALITY_FILE} b/{LOCALITY_FILE}\n{RATE}{BROKEN_BY_RATE}policy diff a/{MEASURE_FILE} b/{MEASURE_FILE}\n{DEADLINE}{BROKEN_BY_DEADLINE}"
        )
    );
    // without the policy root, a measure file cannot be compiled alone (its
    // examples name the localities of the other folder): the driver says so
    std::fs::remove_file(repo.join("policyc.toml")).unwrap();
    let shown = ok(&git(repo, &["show", "--ext-diff", "--format=", "HEAD"]));
    assert!(shown.contains("semantic diff unavailable"), "{shown}");
}

#[test]
fn diff_between_revisions_reads_the_whole_policy_from_git() {
    let tmp = repository();
    let repo = tmp.path();
    change(repo);
    // a revision against the working tree, from the top or any folder
    let want = format!("{DEADLINE}{RATE}{BROKEN_BY_RATE}{BROKEN_BY_DEADLINE}");
    for (dir, args) in [
        (repo.to_path_buf(), vec!["diff", "HEAD"]),
        (repo.join("policies/seed"), vec!["diff", "HEAD"]),
        (
            repo.join("policies/localities"),
            vec!["diff", "HEAD", "包头市.policy"],
        ),
    ] {
        let (code, out, err) = policyc(&dir, &args);
        assert_eq!(
            (code, out.as_str()),
            (1, want.as_str()),
            "{args:?} in {dir:?}: {err}"
        );
    }
    // two revisions: one change spanning two files, compared as one
    ok(&git(repo, &["commit", "-q", "-am", "deadline and rate"]));
    let (code, out, err) = policyc(repo, &["diff", "HEAD~1", "HEAD"]);
    assert_eq!((code, out.as_str()), (1, want.as_str()), "{err}");
    let (code, out, _) = policyc(repo, &["diff", "HEAD~1", "HEAD", MEASURE_FILE]);
    assert_eq!((code, out.as_str()), (1, want.as_str()));
    let (code, out, _) = policyc(repo, &["diff", "HEAD", "HEAD"]);
    assert_eq!((code, out.as_str()), (0, ""));
    // JSON too
    let (code, out, _) = policyc(repo, &["diff", "HEAD~1", "HEAD", "--format", "json"]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["changes"].as_array().map(Vec::len), Some(4));
    // a path that exists is a path, never a revision; an unknown word is an error
    let (code, _, err) = policyc(repo, &["diff", "no-such-revision"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("neither a file, a folder nor a git revision"),
        "{err}"
    );
    // a revision where the path holds no policy
    let (code, _, err) = policyc(repo, &["diff", "HEAD", "HEAD~1", "nowhere"]);
    assert_eq!(code, 2);
    assert!(err.contains("policy::io::empty"), "{err}");
}

#[test]
fn every_command_compiles_a_file_with_its_policy_root() {
    let tmp = repository();
    let repo = tmp.path();
    // the measure file alone names localities it does not declare: inside the
    // root, it stands for the root's whole policy
    let (code, out, err) = policyc(repo, &["check", MEASURE_FILE]);
    assert_eq!(code, 0, "{err}");
    let (_, whole, _) = policyc(repo, &["check", "policies"]);
    assert_eq!(out, whole);
    let (code, out, _) = policyc(repo, &["test", "policies/seed"]);
    assert_eq!(code, 0);
    assert!(out.trim_end().ends_with(" 0 failed"), "{out}");
    // an invalid project file is an error of its own, exit 2
    std::fs::write(repo.join("policyc.toml"), "[policy]\npaths = [\"../x\"]\n").unwrap();
    let (code, _, err) = policyc(repo, &["check", MEASURE_FILE]);
    assert_eq!(code, 2);
    assert!(err.contains("policy::project::invalid"), "{err}");
    // without a project file, a path is used as given, as it always was
    std::fs::remove_file(repo.join("policyc.toml")).unwrap();
    let (code, _, err) = policyc(repo, &["check", MEASURE_FILE]);
    assert_eq!(code, 1, "{err}");
}

#[test]
fn a_review_a_person_can_act_on() {
    let tmp = repository();
    let repo = tmp.path();
    // a condition narrowed, an example's fact changed, a locality's value changed
    edit(
        repo,
        MEASURE_FILE,
        "let 中小微企业条件 = 规模 in {中型, 小型, 微型} and",
        "let 中小微企业条件 = 规模 in {小型, 微型} and",
    );
    edit(
        repo,
        LOCALITY_FILE,
        "困难企业裁员率上限 = 8%",
        "困难企业裁员率上限 = 9.9%",
    );
    edit(
        repo,
        MEASURE_FILE,
        "      上年度失业保险费: 48000 元,",
        "      上年度失业保险费: 50000 元,",
    );
    let (code, out, err) = policyc(repo, &["diff", "HEAD"]);
    assert_eq!(code, 1, "{err}");
    // the narrowed set is marked inside the expression, not shown as two lines
    assert!(
        out.contains("definition 中小微企业条件 changed: 规模 in {[-中型, -]小型, 微型}"),
        "{out}"
    );
    // the example says only what changed in it
    assert!(
        out.contains("上年度失业保险费: 48000 元 → 50000 元"),
        "{out}"
    );
    assert!(!out.contains("    old: date"), "{out}");
    // the locality's value names the measure it affects
    assert!(out.contains("(affects （三）失业保险稳岗返还)"), "{out}");
    // Markdown for a pull request: the locality's change also under the measure
    let (code, md, _) = policyc(repo, &["diff", "HEAD", "--format", "markdown"]);
    assert_eq!(code, 1);
    assert!(md.starts_with("**policyc diff**: "), "{md}");
    let measure = md
        .find("### （三）失业保险稳岗返还")
        .expect("a section per measure");
    let locality = md
        .find("### locality 包头市")
        .expect("a section per locality");
    let under_measure = md
        .get(measure..)
        .unwrap()
        .contains("locality 包头市: 困难企业裁员率上限");
    assert!(under_measure, "{md}");
    assert!(locality > 0);
}

#[test]
fn the_review_says_which_examples_a_change_breaks() {
    let tmp = repository();
    let repo = tmp.path();
    // （七）'s ceiling raised in the parameter only: its examples now fail
    edit(
        repo,
        "policies/seed/00_document.policy",
        "20 万元/人 from 2020-05-09",
        "25 万元/人 from 2020-05-09",
    );
    let (code, out, err) = policyc(repo, &["diff", "HEAD"]);
    assert_eq!(code, 1, "{err}");
    assert!(
        out.contains("example \"个人创业最高20万元\": outcome eligible loan_ceiling 200000 元 → eligible loan_ceiling 250000 元 (now fails: expects eligible loan_ceiling 200000 元)"),
        "{out}"
    );
    // JSON: the consequence is a change of its own kind, with its verdict
    let (_, json, _) = policyc(repo, &["diff", "HEAD", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let found = v["changes"].as_array().unwrap().iter().any(|c| {
        c["kind"] == "example_outcome_changed"
            && c["note"]
                .as_str()
                .is_some_and(|n| n.starts_with("now fails"))
    });
    assert!(found, "{json}");
    // an unchanged policy runs no example and says nothing
    edit(
        repo,
        "policies/seed/00_document.policy",
        "25 万元/人 from 2020-05-09",
        "20 万元/人 from 2020-05-09",
    );
    let (code, out, _) = policyc(repo, &["diff", "HEAD"]);
    assert_eq!((code, out.as_str()), (0, ""));
}

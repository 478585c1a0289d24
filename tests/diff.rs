//! `policyc diff`: realistic edits of a seed policy, each compared with the
//! original through the CLI and snapshotted (exit code and output).
//!
//! The seed is `tests/diff/seed/` (an excerpt of 内政办发〔2020〕10号 with its real
//! text and departments), copied to a temporary folder and edited there. The
//! "done when" checks of issue 5 also run against the full policy in `policies/`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failed expectation should stop the test loudly"
)]

use std::path::{Path, PathBuf};
use std::process::Command;

fn policyc() -> Command {
    Command::new(env!("CARGO_BIN_EXE_policyc"))
}

fn seed_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/diff/seed")
}

/// Copies every file of `from` (recursively) into `to`.
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

/// Replaces `from` by `to` in `file` (relative to `dir`); the pattern must occur.
fn edit(dir: &Path, file: &str, from: &str, to: &str) {
    let path = dir.join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.contains(from),
        "`{from}` is not in {file}; the seed fixture changed?"
    );
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

struct Case {
    _tmp: tempfile::TempDir,
    old: PathBuf,
    new: PathBuf,
}

/// A temporary copy of the seed as `old` and another as `new`, to be edited.
fn case() -> Case {
    let tmp = tempfile::tempdir().unwrap();
    let old = tmp.path().join("old");
    let new = tmp.path().join("new");
    copy_dir(&seed_dir(), &old);
    copy_dir(&seed_dir(), &new);
    Case {
        _tmp: tmp,
        old,
        new,
    }
}

/// Runs `policyc diff OLD NEW [extra…]`: "exit: N" and stdout (and stderr if any).
fn run_diff(c: &Case, extra: &[&str]) -> (i32, String) {
    let out = policyc()
        .arg("diff")
        .arg(&c.old)
        .arg(&c.new)
        .args(extra)
        .output()
        .unwrap();
    let code = out.status.code().unwrap_or(-1);
    let mut s = format!("exit: {code}\n{}", String::from_utf8_lossy(&out.stdout));
    let err = String::from_utf8_lossy(&out.stderr);
    if !err.is_empty() {
        s.push_str("--- stderr\n");
        s.push_str(&err);
    }
    (code, s)
}

fn snapshot(name: &str, c: &Case) -> i32 {
    let (code, text) = run_diff(c, &[]);
    insta::assert_snapshot!(name, text);
    code
}

const DOC: &str = "00_document.policy";
const MEASURES: &str = "10_measures.policy";

#[test]
fn loan_cap_raised_20_to_25_wan() {
    let c = case();
    edit(
        &c.new,
        DOC,
        "20 万元 from 2020-05-09",
        "25 万元 from 2020-05-09",
    );
    assert_eq!(snapshot("loan_cap_raised", &c), 1);
}

#[test]
fn new_dated_version_of_a_parameter() {
    let c = case();
    edit(
        &c.new,
        DOC,
        "  20 万元 from 2020-05-09  // 提高至20万元\n",
        "  20 万元 from 2020-05-09  // 提高至20万元\n  30 万元 from 2021-01-01\n",
    );
    assert_eq!(snapshot("parameter_version_added", &c), 1);
}

#[test]
fn deadline_moved() {
    let c = case();
    edit(
        &c.new,
        MEASURES,
        "applications until 2020-12-31\n  lead 人社厅\n  cooperating 财政厅, 人行呼市",
        "applications until 2021-03-31\n  lead 人社厅\n  cooperating 财政厅, 人行呼市",
    );
    assert_eq!(snapshot("deadline_moved", &c), 1);
}

#[test]
fn effective_period_extended() {
    let c = case();
    edit(
        &c.new,
        MEASURES,
        "effective until 2020-06-30",
        "effective until 2020-09-30",
    );
    assert_eq!(snapshot("effective_period_extended", &c), 1);
}

#[test]
fn department_added() {
    let c = case();
    edit(
        &c.new,
        MEASURES,
        "joint 人社厅, 财政厅, 人行呼市",
        "joint 人社厅, 财政厅, 人行呼市, 内蒙古银保监局",
    );
    assert_eq!(snapshot("department_added", &c), 1);
}

#[test]
fn department_moved_from_cooperating_to_lead() {
    let c = case();
    edit(
        &c.new,
        MEASURES,
        "lead 住建厅\n  cooperating 财政厅, 人社厅, 人行呼市",
        "lead 住建厅, 财政厅\n  cooperating 人社厅, 人行呼市",
    );
    assert_eq!(snapshot("department_moved", &c), 1);
}

#[test]
fn condition_tightened() {
    let c = case();
    edit(
        &c.new,
        MEASURES,
        "when 规模 in {微型, 小型, 中型} and 裁员率 <= 放宽后裁员率上限",
        "when 规模 in {微型, 小型} and 裁员率 <= 放宽后裁员率上限 and 上年度失业保险费 > 0 元",
    );
    assert_eq!(snapshot("condition_tightened", &c), 1);
}

#[test]
fn floor_raised_and_cap_added() {
    let c = case();
    edit(
        &c.new,
        MEASURES,
        "    floor 1000 元/人 * 吸纳农村牧区劳动力人数\n",
        "    floor 1500 元/人 * 吸纳农村牧区劳动力人数\n    cap 10 万元\n",
    );
    assert_eq!(snapshot("floor_raised_cap_added", &c), 1);
}

#[test]
fn measure_removed() {
    let c = case();
    let path = c.new.join(MEASURES);
    let text = std::fs::read_to_string(&path).unwrap();
    let start = text.find("measure 4 ").unwrap();
    let end = text.find("// 三、优化自主创业环境").unwrap();
    let cut = format!("{}{}", &text[..start], &text[end..]);
    std::fs::write(&path, cut).unwrap();
    assert_eq!(snapshot("measure_removed", &c), 1);
}

#[test]
fn measure_renumbered() {
    let c = case();
    edit(&c.new, MEASURES, "measure 12 \"吸纳", "measure 13 \"吸纳");
    assert_eq!(snapshot("measure_renumbered", &c), 1);
}

#[test]
fn source_text_word_changed() {
    let c = case();
    edit(
        &c.new,
        MEASURES,
        "由 15 万元提高至 20万元",
        "由 15 万元提高至 25万元",
    );
    assert_eq!(snapshot("source_text_changed", &c), 1);
}

#[test]
fn locality_value_changed() {
    let c = case();
    edit(
        &c.new,
        DOC,
        "放宽后裁员率上限 = 5.5%",
        "放宽后裁员率上限 = 6%",
    );
    assert_eq!(snapshot("locality_value_changed", &c), 1);
}

#[test]
fn comment_and_whitespace_only_change_is_no_change() {
    let c = case();
    edit(
        &c.new,
        MEASURES,
        "  rule 中小微企业 {",
        "  // 中小微企业：返还100%\n\n  rule   中小微企业 {   // 注释",
    );
    edit(
        &c.new,
        DOC,
        "department 财政厅 = \"自治区财政厅\"",
        "department   财政厅 =\n    \"自治区财政厅\"",
    );
    assert_eq!(snapshot("comment_only", &c), 0);
}

#[test]
fn reordering_items_is_no_change() {
    let c = case();
    // move a department, a parameter and a whole measure; swap two rules
    edit(
        &c.new,
        DOC,
        "department 发改委 = \"自治区发展改革委\"\n",
        "",
    );
    edit(
        &c.new,
        DOC,
        "department 农牧厅 = \"自治区农牧厅\"\n",
        "department 农牧厅 = \"自治区农牧厅\"\ndepartment 发改委 = \"自治区发展改革委\"\n",
    );
    edit(
        &c.new,
        DOC,
        "parameter 合伙创业额度提高比例上限: percent = 10%\n",
        "",
    );
    edit(
        &c.new,
        DOC,
        "section 2 ",
        "parameter 合伙创业额度提高比例上限: percent = 10%\nsection 2 ",
    );
    let path = c.new.join(MEASURES);
    let text = std::fs::read_to_string(&path).unwrap();
    let start = text.find("// 五、促进农村牧区劳动力就业创业").unwrap();
    let moved = format!("{}\n{}", &text[start..], &text[..start]);
    std::fs::write(&path, moved).unwrap();
    let (code, out) = run_diff(&c, &[]);
    assert_eq!((code, out.as_str()), (0, "exit: 0\n"));
}

#[test]
fn several_changes_as_json() {
    let c = case();
    edit(
        &c.new,
        DOC,
        "20 万元 from 2020-05-09",
        "25 万元 from 2020-05-09",
    );
    edit(
        &c.new,
        MEASURES,
        "cooperating 扶贫办, 农牧厅, 财政厅",
        "cooperating 扶贫办, 财政厅",
    );
    let (code, text) = run_diff(&c, &["--format", "json"]);
    assert_eq!(code, 1);
    let json: serde_json::Value =
        serde_json::from_str(text.trim_start_matches("exit: 1\n")).unwrap();
    assert_eq!(json["equal"], false);
    insta::assert_snapshot!("json_output", text);
}

#[test]
fn equal_versions_as_json() {
    let c = case();
    let (code, text) = run_diff(&c, &["--format", "json"]);
    assert_eq!(code, 0);
    assert_eq!(
        text,
        "exit: 0\n{\n  \"equal\": true,\n  \"changes\": []\n}\n"
    );
}

#[test]
fn errors_exit_2() {
    let c = case();
    edit(&c.new, MEASURES, "lead 人社厅", "lead 人设厅");
    let (code, text) = run_diff(&c, &[]);
    assert_eq!(code, 2, "{text}");
    assert!(text.contains("unknown department `人设厅`"), "{text}");
    assert!(text.contains("the new version"), "{text}");
    let out = policyc()
        .args(["diff", "/nonexistent/a", "/nonexistent/b"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = policyc()
        .arg("diff")
        .arg(&c.old)
        .arg(&c.new)
        .arg("extra")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn exported_json_versions_can_be_compared() {
    let c = case();
    edit(
        &c.new,
        DOC,
        "20 万元 from 2020-05-09",
        "25 万元 from 2020-05-09",
    );
    let json = c.old.parent().unwrap().join("old.json");
    let st = policyc()
        .arg("export")
        .arg(&c.old)
        .arg("-o")
        .arg(&json)
        .status()
        .unwrap();
    assert!(st.success());
    let out = policyc()
        .arg("diff")
        .arg(&json)
        .arg(&c.new)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("200000 元 → 250000 元"), "{text}");
}

// ---------------------------------------------------------------------------
// Issue 5, "done when", on the full policy in `policies/`.

fn policies_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("policies")
}

/// A copy of `policies/` and the first `applications until` / `effective … to`
/// date in a measure file that can be moved by three months.
fn policies_copy() -> Option<(tempfile::TempDir, PathBuf, PathBuf)> {
    let src = policies_dir();
    let ok = policyc()
        .arg("check")
        .arg(&src)
        .output()
        .ok()?
        .status
        .success();
    if !ok {
        eprintln!("policies/ does not check (yet); skipping");
        return None;
    }
    let tmp = tempfile::tempdir().unwrap();
    let old = tmp.path().join("old");
    let new = tmp.path().join("new");
    copy_dir(&src, &old);
    copy_dir(&src, &new);
    Some((tmp, old, new))
}

fn policy_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(policy_files(&p));
        } else if p.extension().is_some_and(|x| x == "policy") {
            out.push(p);
        }
    }
    out.sort();
    out
}

#[test]
fn done_when_moved_deadline_names_measure_and_dates() {
    let Some((_tmp, old, new)) = policies_copy() else {
        return;
    };
    // find the first measure with an `applications until` date
    let mut found = None;
    for f in policy_files(&new) {
        let text = std::fs::read_to_string(&f).unwrap();
        if let Some(i) = text.find("applications until 20") {
            let date = &text[i + "applications until ".len()..][..10];
            let head = &text[..i];
            let m = head.rfind("measure ").unwrap();
            let number: u32 = head[m + 8..]
                .split_whitespace()
                .next()
                .unwrap()
                .parse()
                .unwrap();
            found = Some((f, date.to_string(), number, i));
            break;
        }
    }
    let (file, date, number, at) = found.expect("a measure with `applications until`");
    let (y, rest) = date.split_at(4);
    let moved = format!("{}{}", y.parse::<i32>().unwrap() + 1, rest);
    let text = std::fs::read_to_string(&file).unwrap();
    let edited = format!(
        "{}{}{}",
        &text[..at],
        format_args!("applications until {moved}"),
        &text[at + "applications until ".len() + 10..]
    );
    std::fs::write(&file, edited).unwrap();
    let out = policyc().arg("diff").arg(&old).arg(&new).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    let label = policyc::ir::measure_label(number);
    assert!(
        stdout.contains(&label) && stdout.contains(&format!("deadline {date} → {moved}")),
        "{stdout}"
    );
}

#[test]
fn done_when_iso_date_in_rules_moved() {
    // 2020-12-31 → 2021-03-31, wherever the first `2020-12-31` in a measure file is
    let Some((_tmp, old, new)) = policies_copy() else {
        return;
    };
    let file = policy_files(&new)
        .into_iter()
        .find(|f| {
            let t = std::fs::read_to_string(f).unwrap();
            t.contains("measure ") && t.contains("2020-12-31")
        })
        .expect("a measure file with 2020-12-31");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text.replacen("2020-12-31", "2021-03-31", 1)).unwrap();
    let out = policyc().arg("diff").arg(&old).arg(&new).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("2020-12-31") && stdout.contains("2021-03-31") && stdout.contains('（'),
        "{stdout}"
    );
}

#[test]
fn done_when_whitespace_and_comments_only_exit_0() {
    let Some((_tmp, old, new)) = policies_copy() else {
        return;
    };
    for f in policy_files(&new) {
        let text = std::fs::read_to_string(&f).unwrap();
        let mut messy = String::from("// 评审意见：仅格式调整\n\n");
        let mut in_block = false;
        for line in text.lines() {
            let fences = line.matches("\"\"\"").count();
            messy.push_str(line);
            if !in_block && !line.trim().is_empty() && !line.contains("//") && fences == 0 {
                messy.push_str("   // 注释");
            }
            messy.push_str("  \n");
            if !in_block && fences == 0 && line.trim().is_empty() {
                messy.push_str("\n\n");
            }
            if fences % 2 == 1 {
                in_block = !in_block;
            }
        }
        std::fs::write(&f, messy).unwrap();
    }
    let out = policyc().arg("diff").arg(&old).arg(&new).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stdout}{stderr}");
    assert_eq!(stdout, "");
}

// ---------------------------------------------------------------------------
// git integration (docs/git.md)

fn git(dir: &Path, args: &[&str]) -> std::process::Output {
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

#[test]
fn git_diff_shows_the_semantic_diff() {
    if Command::new("git").arg("--version").output().is_err() {
        eprintln!("git is not installed; skipping");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path();
    copy_dir(&seed_dir(), &repo.join("policies"));
    // the setup of docs/git.md, with this build's policyc
    std::fs::write(repo.join(".gitattributes"), "*.policy diff=policy\n").unwrap();
    assert!(git(repo, &["init", "-q"]).status.success());
    let driver = format!("{} diff --git", env!("CARGO_BIN_EXE_policyc"));
    assert!(git(repo, &["config", "diff.policy.command", &driver])
        .status
        .success());
    assert!(git(repo, &["add", "."]).status.success());
    assert!(git(repo, &["commit", "-q", "-m", "seed"]).status.success());

    // a deadline moved in one file of the folder
    edit(
        &repo.join("policies"),
        MEASURES,
        "applications until 2020-12-31\n  lead 人社厅\n  cooperating 财政厅, 人行呼市",
        "applications until 2021-03-31\n  lead 人社厅\n  cooperating 财政厅, 人行呼市",
    );
    let out = git(repo, &["diff"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    insta::assert_snapshot!("git_diff", stdout);

    // a comment-only change
    assert!(git(repo, &["commit", "-q", "-am", "deadline"])
        .status
        .success());
    edit(
        &repo.join("policies"),
        DOC,
        "department 人社厅",
        "// 牵头最多\ndepartment 人社厅",
    );
    let out = git(repo, &["diff"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    assert!(stdout.contains("no semantic change"), "{stdout}");

    // the commit history too: `git log -p` goes through the driver with --ext-diff
    let out = git(repo, &["log", "-p", "--ext-diff", "-1", "HEAD"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("（三）失业保险稳岗返还: deadline 2020-12-31 → 2021-03-31"),
        "{stdout}"
    );
}

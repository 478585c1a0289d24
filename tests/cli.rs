//! The command line as a user runs it: exit codes, output shapes, and the
//! evaluation stories of the issues (deadline day, explanations, missing facts).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failed expectation should stop the test loudly"
)]

use std::path::PathBuf;
use std::process::{Command, Output};

fn policyc(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_policyc"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run policyc: {e}"))
}

fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

const SLICE: &str = "tests/fixtures/slice.policy";

fn temp_file(name: &str, content: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("policyc-cli-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let p = dir.join(name);
    let _ = std::fs::write(&p, content);
    p
}

#[test]
fn check_exit_codes() {
    let ok = policyc(&["check", SLICE]);
    assert_eq!(code(&ok), 0, "{}", stderr(&ok));
    assert!(stdout(&ok).starts_with("ok: 1 files, 1 measures"));

    let bad = policyc(&[
        "--error-format",
        "plain",
        "check",
        "tests/diagnostics/check_unknown_name.policy",
    ]);
    assert_eq!(code(&bad), 1);
    assert!(stderr(&bad).contains("--> tests/diagnostics/check_unknown_name.policy:13:17"));

    let missing = policyc(&["check", "does/not/exist.policy"]);
    assert_eq!(code(&missing), 2);
    assert!(stderr(&missing).contains("cannot read `does/not/exist.policy`"));

    let usage = policyc(&["check"]);
    assert_eq!(code(&usage), 2);
    let unknown = policyc(&["frobnicate"]);
    assert_eq!(code(&unknown), 2);
}

#[test]
fn every_error_format_locates_the_error() {
    let f = "tests/diagnostics/check_unknown_department.policy";
    let json = policyc(&["--error-format", "json", "check", f]);
    assert_eq!(code(&json), 1);
    let v: serde_json::Value = serde_json::from_slice(&json.stderr).unwrap_or_default();
    assert_eq!(v[0]["code"], "policy::check::unknown_department");
    assert_eq!(v[0]["line"], 12);
    assert_eq!(v[0]["column"], 8);
    assert_eq!(v[0]["help"], "did you mean `人社厅`?");
    let human = policyc(&["--error-format", "human", "check", f]);
    assert_eq!(code(&human), 1);
    assert!(
        stderr(&human).contains("check_unknown_department.policy:12:8"),
        "{}",
        stderr(&human)
    );
}

#[test]
fn non_utf8_policy_is_an_input_error() {
    let dir = std::env::temp_dir().join(format!("policyc-cli-utf8-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let p = dir.join("latin1.policy");
    let _ = std::fs::write(&p, b"department a = \"caf\xe9\"\n");
    let o = policyc(&["--error-format", "plain", "check", &p.to_string_lossy()]);
    assert_eq!(code(&o), 1);
    assert!(
        stderr(&o).contains("policy::syntax::invalid_utf8"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn export_is_byte_identical_across_runs() {
    let a = policyc(&["export", SLICE]);
    let b = policyc(&["export", SLICE]);
    assert_eq!(code(&a), 0);
    assert_eq!(a.stdout, b.stdout);
    let v: serde_json::Value = serde_json::from_slice(&a.stdout).unwrap_or_default();
    assert_eq!(v["ir_version"], policyc::ir::IR_VERSION);
    assert_eq!(v["measures"][0]["label"], "（三）");
}

#[test]
fn test_command_reports_counts() {
    let o = policyc(&["test", SLICE]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    assert!(
        stdout(&o).ends_with("8 passed, 0 failed\n"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn test_command_runs_from_exported_json_too() {
    let json = policyc(&["export", SLICE]);
    let p = temp_file("slice.json", &stdout(&json));
    let o = policyc(&["test", &p.to_string_lossy()]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).ends_with("8 passed, 0 failed\n"));
}

#[test]
fn failing_examples_exit_1() {
    let src = std::fs::read_to_string(SLICE)
        .unwrap_or_default()
        .replace("expect eligible 168000 元", "expect eligible 168001 元");
    let p = temp_file("wrong.policy", &src);
    let o = policyc(&["test", &p.to_string_lossy()]);
    assert_eq!(code(&o), 1);
    let out = stdout(&o);
    assert!(
        out.contains("FAIL （三）失业保险稳岗返还 example \"困难企业按失业保险金\""),
        "{out}"
    );
    assert!(out.contains("expected eligible 168001 元"), "{out}");
    assert!(out.ends_with("7 passed, 1 failed\n"), "{out}");
}

fn eval(facts: &str, date: &str, extra: &[&str]) -> Output {
    let p = temp_file(&format!("facts-{date}-{}.json", facts.len()), facts);
    let path = p.to_string_lossy().into_owned();
    let mut args = vec!["eval", SLICE, "--facts", path.as_str(), "--date", date];
    args.extend_from_slice(extra);
    policyc(&args)
}

const SMALL: &str = r#"{"entity": "企业", "facts": {"规模": "微型", "裁员率": "1%", "上年度失业保险费": 36000, "暂时困难且恢复有望": false}}"#;

#[test]
fn deadline_day_is_accepted_and_the_next_day_is_not() {
    let on = eval(
        SMALL,
        "2020-12-31",
        &["--format", "json", "--locality", "呼和浩特市"],
    );
    assert_eq!(code(&on), 0, "{}", stderr(&on));
    let v: serde_json::Value = serde_json::from_slice(&on.stdout).unwrap_or_default();
    assert_eq!(v["measures"][0]["status"], "eligible");
    assert_eq!(v["measures"][0]["total"], "36000.00");
    let after = eval(
        SMALL,
        "2021-01-01",
        &["--format", "json", "--locality", "呼和浩特市"],
    );
    let v: serde_json::Value = serde_json::from_slice(&after.stdout).unwrap_or_default();
    assert_eq!(v["measures"][0]["status"], "deadline_passed");
}

#[test]
fn explain_shows_the_refund_computed_from_its_own_numbers() {
    let o = eval(
        SMALL,
        "2020-07-01",
        &["--explain", "--locality", "呼和浩特市"],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("（三）失业保险稳岗返还  eligible  36000.00 元"),
        "{out}"
    );
    assert!(out.contains("= 100% × 36000 元 = 36000 元"), "{out}");
    assert!(
        out.contains("放宽后裁员率上限  → 5.5%  (default; 呼和浩特市 sets none)"),
        "{out}"
    );
}

#[test]
fn missing_facts_are_named_exactly() {
    let facts = r#"{"entity": "企业", "facts": {"规模": "小型", "暂时困难且恢复有望": false}}"#;
    let o = eval(facts, "2020-07-01", &["--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap_or_default();
    assert_eq!(v["measures"][0]["status"], "needs_facts");
    // the amount's fact is asked in the same round (issue 14, point 6)
    assert_eq!(
        v["measures"][0]["needs"],
        serde_json::json!(["上年度失业保险费", "裁员率"])
    );
}

#[test]
fn malformed_facts_name_the_json_path() {
    let cases = [
        (
            r#"{"entity": "企业", "facts": {"规模": "小型""#,
            "$: not valid JSON",
        ),
        (
            r#"{"entity": "企业", "facts": {"裁员率": true}}"#,
            "$.facts.裁员率: expected percent, found a boolean",
        ),
        (
            r#"{"entity": "企业", "facts": {"裁员律": "3%"}}"#,
            "$.facts.裁员律: `企业` has no field `裁员律`",
        ),
        (
            r#"{"entity": "企业", "facts": {"上年度失业保险费": 1e400}}"#,
            "$.facts.上年度失业保险费: 1e+400 is out of range",
        ),
        (
            r#"{"entity": "企业", "facts": {"上年度失业保险费": 99999999999999999999999}}"#,
            "$.facts.上年度失业保险费: 99999999999999999999999 is out of range",
        ),
        (
            r#"{"entity": "企业", "facts": {"参保职工人数": -3}}"#,
            "$.facts.参保职工人数: -3 人 must not be negative",
        ),
        (
            r#"{"entity": "企叶", "facts": {}}"#,
            "$.entity: unknown entity `企叶`",
        ),
    ];
    for (facts, expected) in cases {
        let o = eval(facts, "2020-07-01", &["--error-format", "plain"]);
        assert_eq!(code(&o), 1, "{facts}");
        assert!(stderr(&o).contains(expected), "{facts}: {}", stderr(&o));
    }
}

#[test]
fn bad_cli_arguments_are_usage_errors() {
    let o = eval(SMALL, "2020-13-01", &[]);
    assert_eq!(code(&o), 2);
    // an unknown locality is a usage error, like an unknown entity or measure (docs/cli.md)
    let o = eval(SMALL, "2020-07-01", &["--locality", "呼和浩特"]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("unknown locality `呼和浩特`"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn seed_examples_pass_from_source_and_from_exported_json() {
    let src = policyc(&["test", "policies"]);
    assert_eq!(code(&src), 0, "{}", stdout(&src));
    let json = policyc(&["export", "policies"]);
    assert_eq!(code(&json), 0);
    let p = temp_file("seed.json", &stdout(&json));
    let from_json = policyc(&["test", &p.to_string_lossy()]);
    assert_eq!(code(&from_json), 0, "{}", stdout(&from_json));
    let last = |o: &Output| stdout(o).lines().last().unwrap_or_default().to_string();
    assert_eq!(last(&src), last(&from_json));
    assert!(last(&src).ends_with("passed, 0 failed"));
}

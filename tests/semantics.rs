//! Two rules of evaluation that docs/ir.md states, each with its test, in
//! every engine (`eval`, `batch --engine columnar`, `batch --engine rows`):
//!
//! - an `if` whose condition is unknown waits for the condition's facts only,
//!   never for its branches' (unless both branches give one value);
//! - inside one operation an error beats an unknown (`? + error` is the
//!   error), except where the operation does not evaluate the operand: the
//!   right side of an `and`/`or` whose left side decides, the branch an `if`
//!   with a known condition does not take.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failed expectation should stop the test loudly"
)]

use std::process::Command;

use serde_json::{json, Value};

const POLICY: &str = r#"
department 人社厅 = "自治区人力资源社会保障厅"
enum 规模 { 微型, 小型 }
entity 单位 {
  规模: 规模
  条件: bool
  甲: bool
  人数: integer<人>
  钱: money
  系数: decimal
}
measure 1 "if waits for its condition" {
  kind benefit
  to 单位
  lead 人社厅
  text "x"
  rule r {
    amount if 条件 then 人数 * 100 元/人 else 200 元
  }
}
measure 2 "error beats unknown in arithmetic" {
  kind benefit
  to 单位
  lead 人社厅
  text "x"
  rule r {
    amount 钱 * 系数 * 系数 + 人数 * 1 元/人
  }
}
measure 3 "error beats unknown in an if" {
  kind benefit
  to 单位
  lead 人社厅
  text "x"
  rule r {
    amount if 条件 then 钱 * 系数 * 系数 else 0 元
  }
}
measure 4 "a decisive left side skips the right" {
  kind benefit
  to 单位
  lead 人社厅
  text "x"
  rule r {
    when not 甲 and 钱 * 系数 * 系数 > 0 元
    amount 1 元
  }
}
measure 5 "the left side is evaluated first" {
  kind benefit
  to 单位
  lead 人社厅
  text "x"
  rule r {
    when 钱 * 系数 * 系数 > 0 元 and not 甲
    amount 1 元
  }
}
measure 6 "a match with an unknown scrutinee evaluates no arm" {
  kind benefit
  to 单位
  lead 人社厅
  text "x"
  rule r {
    amount match 规模 { 微型 => 钱 * 系数 * 系数, 小型 => 人数 * 1 元/人 }
  }
}
"#;

/// 10^14 × 10^14 × 10^14 元 overflows; each factor is a valid fact.
const HUGE: &str = "100000000000000";

/// (status, amount or needs) of measure `n` in an `eval --format json` output.
fn eval_outcome(doc: &Value, n: u64) -> (String, Value) {
    let m = doc["measures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["number"] == n)
        .unwrap();
    let status = m["status"].as_str().unwrap().to_string();
    let detail = match status.as_str() {
        "eligible" => m["total"].clone(),
        "needs_facts" => m["needs"].clone(),
        _ => Value::Null,
    };
    (status, detail)
}

/// The same from a `batch` result line.
fn batch_outcome(line: &Value, n: u64) -> (String, Value) {
    let m = &line["measures"][n.to_string()];
    let status = m["status"].as_str().unwrap().to_string();
    let detail = match status.as_str() {
        "eligible" => m.get("amount").cloned().unwrap_or(Value::Null),
        "needs_facts" => m["needs"].clone(),
        _ => Value::Null,
    };
    (status, detail)
}

fn run(args: &[&str], stdin: &str) -> String {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_policyc"))
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin.as_bytes()).unwrap();
    drop(input);
    let out = child.wait_with_output().unwrap();
    let code = out.status.code().unwrap_or(-1);
    assert!(
        code == 0 || code == 1,
        "policyc {args:?} exited {code}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Evaluates `facts` for measure `n` in the three engines; they must agree.
fn outcome(facts: Value, n: u64) -> (String, Value) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("semantics.policy");
    std::fs::write(&path, POLICY).unwrap();
    let p = path.to_string_lossy().into_owned();
    let record = json!({"entity": "单位", "facts": facts}).to_string();
    let date = "2020-06-01";
    let doc: Value = serde_json::from_str(&run(
        &[
            "eval", &p, "--facts", "-", "--date", date, "--format", "json",
        ],
        &record,
    ))
    .unwrap();
    let row = eval_outcome(&doc, n);
    for engine in ["columnar", "rows"] {
        let out = run(
            &[
                "batch", &p, "--input", "-", "--date", date, "-q", "--engine", engine,
            ],
            &format!("{record}\n"),
        );
        let line: Value = serde_json::from_str(out.lines().next().unwrap()).unwrap();
        assert_eq!(
            batch_outcome(&line, n),
            row,
            "batch --engine {engine} differs from eval on measure {n} for {record}"
        );
    }
    row
}

fn needs(names: &[&str]) -> (String, Value) {
    ("needs_facts".into(), json!(names))
}

fn status(s: &str) -> (String, Value) {
    (s.into(), Value::Null)
}

#[test]
fn an_if_with_an_unknown_condition_asks_its_branches_too() {
    // the branch `人数 * 100 元/人` is unknown too: both are asked in one
    // round (issue 14, point 6; docs/ir.md, "The facts asked for")
    assert_eq!(outcome(json!({}), 1), needs(&["人数", "条件"]));
    // once the condition is known, the branch it takes asks for its facts
    assert_eq!(outcome(json!({"条件": true}), 1), needs(&["人数"]));
    assert_eq!(
        outcome(json!({"条件": false}), 1),
        ("eligible".into(), json!("200.00"))
    );
    // both branches known and equal: the condition does not matter
    assert_eq!(
        outcome(json!({"人数": 2}), 1),
        ("eligible".into(), json!("200.00"))
    );
    // both known and different: it does
    assert_eq!(outcome(json!({"人数": 3}), 1), needs(&["条件"]));
}

#[test]
fn an_error_beats_an_unknown_inside_one_operation() {
    let huge = json!({"钱": HUGE, "系数": HUGE});
    // `error + ?` is the error, not needs_facts [人数]
    assert_eq!(outcome(huge.clone(), 2), status("error"));
    // an `if` with an unknown condition evaluates both branches: the error wins
    assert_eq!(outcome(huge.clone(), 3), status("error"));
    // ... a known condition evaluates only the branch it takes
    assert_eq!(
        outcome(json!({"钱": HUGE, "系数": HUGE, "条件": false}), 3),
        ("eligible".into(), json!("0.00"))
    );
    // `? and error` is the error
    assert_eq!(outcome(huge.clone(), 4), status("error"));
    // `false and error` is false: the right side is not evaluated
    assert_eq!(
        outcome(json!({"钱": HUGE, "系数": HUGE, "甲": true}), 4),
        status("not_eligible")
    );
    // the left side is evaluated first: `error and false` is the error
    assert_eq!(
        outcome(json!({"钱": HUGE, "系数": HUGE, "甲": true}), 5),
        status("error")
    );
    // a match with an unknown scrutinee evaluates no arm: no error; the
    // scrutinee and the arms' facts are asked in one round (issue 14, point 6)
    assert_eq!(outcome(huge.clone(), 6), needs(&["人数", "规模"]));
    assert_eq!(
        outcome(json!({"钱": HUGE, "系数": HUGE, "规模": "微型"}), 6),
        status("error")
    );
    assert_eq!(
        outcome(json!({"钱": HUGE, "系数": HUGE, "规模": "小型"}), 6),
        needs(&["人数"])
    );
    // without the error the unknown is asked for, as usual
    assert_eq!(outcome(json!({"钱": 1, "系数": 1}), 2), needs(&["人数"]));
}

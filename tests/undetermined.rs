//! Issue 14, point 5: a delegated value (`by locality`, no `default`) that a
//! locality has not set does not stop the policy from loading: `check` warns
//! and lists, per locality, what is unset; evaluating for that locality (or
//! without a locality) is `undetermined`, naming the parameter and the
//! locality, and for a `choice` the outcome under each alternative.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failed expectation should stop the test loudly"
)]

use std::process::Output;

use serde_json::Value;

#[path = "common/run.rs"]
mod run;
use run::policyc_with as policyc;

const F: &str = "tests/fixtures/undetermined.policy";

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

const FACTS: &str = r#"{"entity": "企业", "facts": {"裁员率": "2%", "参保职工人数": 10, "月应缴社会保险费": 1000}}"#;

fn eval_json(extra: &[&str]) -> Value {
    let mut args = vec![
        "eval",
        F,
        "--facts",
        "-",
        "--date",
        "2020-07-01",
        "--format",
        "json",
    ];
    args.extend_from_slice(extra);
    let o = policyc(&args, FACTS);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    serde_json::from_str(&out(&o)).unwrap()
}

#[test]
fn a_locality_leaving_a_value_unset_loads_with_a_warning() {
    let o = policyc(&["--error-format", "plain", "check", F], "");
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let e = err(&o);
    assert!(
        e.contains("warning[policy::check::missing_locality_value]: locality `乌海市` does not set the delegated parameters `当地月人均失业保险金`, `返还方式`"),
        "{e}"
    );
    assert!(
        e.contains("--> tests/fixtures/undetermined.policy:58:10"),
        "{e}"
    );
    assert!(!e.contains("error["), "{e}");
    // the coverage report, per locality
    let t = out(&o);
    assert!(t.starts_with("ok: "), "{t}");
    assert!(
        t.contains("unset in 乌海市: 当地月人均失业保险金, 返还方式\n"),
        "{t}"
    );
    assert!(t.contains("unset in 赤峰市: 当地月人均失业保险金\n"), "{t}");
    assert!(!t.contains("包头市"), "{t}");
    let j = policyc(&["check", "--format", "json", F], "");
    assert_eq!(j.status.code(), Some(0));
    let v: Value = serde_json::from_str(&out(&j)).unwrap();
    assert_eq!(
        v["unset"],
        serde_json::json!([
            {"locality": "乌海市", "params": ["当地月人均失业保险金", "返还方式"]},
            {"locality": "赤峰市", "params": ["当地月人均失业保险金"]}
        ])
    );
    // and its examples (`expect undetermined`) pass
    let t = policyc(&["test", F], "");
    assert_eq!(t.status.code(), Some(0), "{}{}", out(&t), err(&t));
    assert!(out(&t).contains("4 passed, 0 failed"), "{}", out(&t));
}

#[test]
fn evaluating_for_that_locality_names_the_missing_value() {
    let v = eval_json(&["--locality", "赤峰市"]);
    let m = &v["measures"][0];
    assert_eq!(m["status"], "undetermined", "{m}");
    assert_eq!(m["error"], Value::Null);
    assert_eq!(m["undetermined"]["param"], "当地月人均失业保险金");
    assert_eq!(m["undetermined"]["locality"], "赤峰市");
    assert_eq!(
        m["reason"],
        "parameter `当地月人均失业保险金` is not set by `赤峰市`"
    );
    // text: the status, and the reason naming parameter and locality
    let o = policyc(
        &[
            "eval",
            F,
            "--facts",
            "-",
            "--date",
            "2020-07-01",
            "--locality",
            "赤峰市",
        ],
        FACTS,
    );
    assert_eq!(o.status.code(), Some(0));
    assert!(out(&o).contains("（三）失业保险稳岗返还  undetermined\n  parameter `当地月人均失业保险金` is not set by `赤峰市`"), "{}", out(&o));
}

#[test]
fn an_unset_choice_gives_the_outcome_under_each_alternative() {
    let v = eval_json(&["--locality", "乌海市"]);
    let u = &v["measures"][0]["undetermined"];
    assert_eq!(u["param"], "返还方式");
    assert_eq!(
        u["alternatives"],
        serde_json::json!(["按失业保险金", "按社会保险费"])
    );
    // 按失业保险金 needs 当地月人均失业保险金, which 乌海市 has not set either
    assert_eq!(u["under"][0]["status"], "undetermined");
    assert_eq!(u["under"][1]["status"], "eligible");
    assert_eq!(u["under"][1]["total"], "3000.00");
    assert_eq!(u["under"][1]["gives"], "refunded");
}

#[test]
fn without_a_locality_it_says_none_was_given() {
    let v = eval_json(&[]);
    let m = &v["measures"][0];
    assert_eq!(m["status"], "undetermined");
    assert_eq!(m["undetermined"]["locality"], Value::Null);
    assert!(
        m["reason"]
            .as_str()
            .unwrap()
            .starts_with("parameter `返还方式` is set by each locality, and no locality was given"),
        "{m}"
    );
    // a condition false without the value: no value is needed, none named
    let o = policyc(
        &[
            "eval",
            F,
            "--facts",
            "-",
            "--date",
            "2020-07-01",
            "--format",
            "json",
        ],
        r#"{"entity": "企业", "facts": {"裁员率": "9%"}}"#,
    );
    let v: Value = serde_json::from_str(&out(&o)).unwrap();
    assert_eq!(v["measures"][0]["status"], "not_eligible");
}

#[test]
fn explanations_say_undetermined_not_error() {
    let o = policyc(
        &[
            "eval",
            F,
            "--facts",
            "-",
            "--date",
            "2020-07-01",
            "--locality",
            "赤峰市",
            "--explain",
        ],
        FACTS,
    );
    let t = out(&o);
    assert!(
        t.contains("→ undetermined: parameter `当地月人均失业保险金`"),
        "{t}"
    );
    assert!(!t.contains("error:"), "{t}");
}

/// Both engines (columnar falls back to rows for a measure reading a value
/// not set) give `undetermined`, and the summary counts it.
#[test]
fn batch_counts_undetermined_with_either_engine() {
    let records = [
        r#"{"entity": "企业", "facts": {"裁员率": "2%", "参保职工人数": 10, "月应缴社会保险费": 1000}}"#,
        r#"{"entity": "企业", "facts": {"裁员率": "9%"}}"#,
    ]
    .join("\n");
    let dir = std::env::temp_dir().join(format!("policyc-undetermined-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for engine in ["rows", "columnar"] {
        let summary_path = dir.join(format!("summary-{engine}.json"));
        let o = policyc(
            &[
                "batch",
                F,
                "--input",
                "-",
                "--date",
                "2020-07-01",
                "--locality",
                "乌海市",
                "--engine",
                engine,
                "--summary",
                summary_path.to_str().unwrap(),
            ],
            &records,
        );
        assert_eq!(o.status.code(), Some(0), "{engine}: {}", err(&o));
        let lines: Vec<Value> = out(&o)
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        let m = &lines[0]["measures"]["3"];
        assert_eq!(m["status"], "undetermined", "{engine}: {m}");
        assert!(
            m["undetermined"]
                .as_str()
                .unwrap()
                .starts_with("parameter `返还方式` is not set by `乌海市`"),
            "{engine}: {m}"
        );
        assert!(m.get("error").is_none(), "{m}");
        assert_eq!(lines[1]["measures"]["3"]["status"], "not_eligible");
        let summary = std::fs::read_to_string(&summary_path).unwrap();
        let s: Value = serde_json::from_str(&summary).unwrap();
        // the text summary on stderr says it too
        assert!(
            err(&o).contains("（三）失业保险稳岗返还: 1 undetermined"),
            "{}",
            err(&o)
        );
        assert_eq!(s["measures"][0]["undetermined"], 1, "{s}");
        assert_eq!(s["measures"][0]["error"], 0, "{s}");
        assert_eq!(s["measures"][0]["records"], 2, "{s}");
    }
}

/// The IR holds a locality that leaves a value unset; the loader accepts it
/// and evaluating the exported policy gives the same undetermined outcome.
#[test]
fn the_exported_ir_keeps_the_value_unset() {
    let o = policyc(&["export", F], "");
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let dir = std::env::temp_dir().join(format!("policyc-undetermined-ir-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("policy.json");
    std::fs::write(&path, &o.stdout).unwrap();
    let ir: Value = serde_json::from_slice(&o.stdout).unwrap();
    let wuhai = ir["localities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["name"] == "乌海市")
        .unwrap();
    assert_eq!(wuhai["values"], serde_json::json!([]));
    let e = policyc(
        &[
            "eval",
            path.to_str().unwrap(),
            "--facts",
            "-",
            "--date",
            "2020-07-01",
            "--locality",
            "赤峰市",
            "--format",
            "json",
        ],
        FACTS,
    );
    assert_eq!(e.status.code(), Some(0), "{}", err(&e));
    let v: Value = serde_json::from_str(&out(&e)).unwrap();
    assert_eq!(v["measures"][0]["status"], "undetermined");
    assert_eq!(
        v["measures"][0]["undetermined"]["param"],
        "当地月人均失业保险金"
    );
    let t = policyc(&["test", path.to_str().unwrap()], "");
    assert_eq!(t.status.code(), Some(0), "{}", out(&t));
}

/// An unset value on one side of `and` does not matter when the other side
/// decides: the outcome is decided, and an undetermined one names only a
/// value that can change it (today's bug: the first parameter read was named,
/// even where it could not change the outcome).
#[test]
fn an_unset_value_that_cannot_change_the_outcome_is_not_named() {
    let dir = std::env::temp_dir().join(format!("policyc-undetermined-and-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("and.policy");
    std::fs::write(
        &path,
        "entity 企业 {\n  裁员率: percent\n  小微: bool\n}\n\
         parameter 上限: percent by locality\n\
         measure 1 \"m\" {\n  kind benefit\n  to 企业\n  rule r {\n    when 裁员率 <= 上限 and 小微\n  }\n}\n\
         locality 甲市 {}\n",
    )
    .unwrap();
    let run = |facts: &str, extra: &[&str]| -> Value {
        let mut args = vec![
            "eval",
            path.to_str().unwrap(),
            "--facts",
            "-",
            "--date",
            "2020-07-01",
            "--format",
            "json",
        ];
        args.extend_from_slice(extra);
        let o = policyc(&args, facts);
        assert_eq!(o.status.code(), Some(0), "{}", err(&o));
        let v: Value = serde_json::from_str(&out(&o)).unwrap();
        v["measures"][0].clone()
    };
    let no = r#"{"entity": "企业", "facts": {"裁员率": "2%", "小微": false}}"#;
    let yes = r#"{"entity": "企业", "facts": {"裁员率": "2%", "小微": true}}"#;
    for extra in [&[][..], &["--locality", "甲市"][..]] {
        assert_eq!(run(no, extra)["status"], "not_eligible", "{extra:?}");
        let m = run(yes, extra);
        assert_eq!(m["status"], "undetermined", "{extra:?}");
        assert_eq!(m["undetermined"]["param"], "上限");
    }
}

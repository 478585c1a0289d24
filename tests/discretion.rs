//! Issue 14, point 3: discretion. A rule marked `may` (可, 原则上, 鼓励) gives
//! what an authority may grant; `eval` says "may be granted (decided by …)",
//! JSON carries it, `batch` counts discretionary and entitled results apart,
//! and an example can expect it. Each test fails on the main branch before
//! the change (`may` was not a word of the language).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failed expectation should stop the test loudly"
)]

use std::path::PathBuf;

use serde_json::Value;

#[path = "common/run.rs"]
mod run;
use run::policyc;

fn temp_file(name: &str, content: &str) -> PathBuf {
    run::temp_file("may", name, content)
}

fn compile(text: &str) -> Result<policyc::ir::Policy, String> {
    run::compile("may.policy", text)
}

const POLICY: &str = "department 人社厅 = \"自治区人力资源社会保障厅\"
entity 个人 {
  甲: bool
  乙: bool
}
measure 1 \"补贴\" {
  kind benefit
  to 个人
  rule 应得 part 一 { when 甲 amount 100 元 }
  rule 可得 part 二 {
    when 乙
    amount 50 元
    may by 人社厅
  }
  example \"只有应得\" {
    date 2020-07-01
    个人 { 甲: true, 乙: false }
    expect eligible 100 元
  }
  example \"可得\" {
    date 2020-07-01
    个人 { 甲: false, 乙: true }
    expect eligible may 50 元
  }
}
measure 2 \"由盟市决定\" {
  kind procedural_right
  to 个人
  rule 可 { when 乙 may by locality }
}
";

#[test]
fn eval_says_may_be_granted_and_names_who_decides() {
    let policy = temp_file("may.policy", POLICY);
    let facts = temp_file(
        "f.json",
        r#"{"entity":"个人","facts":{"甲":false,"乙":true}}"#,
    );
    let args = |fmt: &str| {
        policyc(&[
            "eval",
            policy.to_str().unwrap(),
            "--facts",
            facts.to_str().unwrap(),
            "--date",
            "2020-07-01",
            "--format",
            fmt,
            "--explain",
        ])
    };
    let o = args("json");
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let m1 = &v["measures"][0];
    assert_eq!(m1["status"], "eligible");
    assert_eq!(m1["may"], true);
    assert_eq!(
        m1["decided_by"],
        serde_json::json!(["自治区人力资源社会保障厅"])
    );
    assert!(m1["reason"]
        .as_str()
        .unwrap()
        .starts_with("may be granted (decided by 自治区人力资源社会保障厅): rule `可得` applies"));
    assert_eq!(
        m1["explanation"]["rules"][1]["discretion"]["department"],
        "自治区人力资源社会保障厅"
    );
    let m2 = &v["measures"][1];
    assert_eq!(m2["may"], true);
    assert_eq!(m2["decided_by"], serde_json::json!(["the locality"]));
    // an entitlement says nothing of the kind
    let facts2 = temp_file(
        "g.json",
        r#"{"entity":"个人","facts":{"甲":true,"乙":false}}"#,
    );
    let o = policyc(&[
        "eval",
        policy.to_str().unwrap(),
        "--facts",
        facts2.to_str().unwrap(),
        "--date",
        "2020-07-01",
        "--format",
        "json",
    ]);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["measures"][0]["may"], false);
    assert_eq!(v["measures"][0]["decided_by"], serde_json::json!([]));

    let text = String::from_utf8(args("text").stdout).unwrap();
    assert!(
        text.contains("may be granted (decided by 自治区人力资源社会保障厅): rule `可得` applies"),
        "{text}"
    );
    assert!(
        text.contains("│   may be granted (decided by the locality)"),
        "{text}"
    );
}

#[test]
fn examples_expect_discretion_both_ways() {
    let policy = temp_file("ok.policy", POLICY);
    let o = policyc(&["test", policy.to_str().unwrap()]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    // an entitlement expected where the outcome may be granted fails, and back
    for (from, to) in [
        ("expect eligible may 50 元", "expect eligible 50 元"),
        ("expect eligible 100 元", "expect eligible may 100 元"),
    ] {
        let bad = temp_file("bad.policy", &POLICY.replace(from, to));
        let o = policyc(&["test", bad.to_str().unwrap()]);
        let out = String::from_utf8_lossy(&o.stdout);
        assert_eq!(o.status.code(), Some(1), "{to}: {out}");
        assert!(out.contains("1 failed"), "{out}");
    }
}

#[test]
fn batch_counts_discretionary_and_entitled_apart() {
    let policy = temp_file("b.policy", POLICY);
    let records = [
        r#"{"entity":"个人","facts":{"甲":true,"乙":false}}"#,
        r#"{"entity":"个人","facts":{"甲":false,"乙":true}}"#,
        r#"{"entity":"个人","facts":{"甲":true,"乙":true}}"#,
        r#"{"entity":"个人","facts":{"甲":false,"乙":false}}"#,
    ]
    .join("\n");
    let input = temp_file("r.jsonl", &records);
    let summary = input.with_file_name("s.json");
    for engine in ["columnar", "rows"] {
        let o = policyc(&[
            "batch",
            policy.to_str().unwrap(),
            "--input",
            input.to_str().unwrap(),
            "--date",
            "2020-07-01",
            "--engine",
            engine,
            "--summary",
            summary.to_str().unwrap(),
        ]);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        let lines: Vec<Value> = String::from_utf8(o.stdout)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert!(lines[0]["measures"]["1"].get("may").is_none());
        assert_eq!(lines[1]["measures"]["1"]["may"], true);
        assert_eq!(lines[2]["measures"]["1"]["may"], true);
        assert_eq!(lines[1]["measures"]["2"]["may"], true);
        let s: Value = serde_json::from_str(&std::fs::read_to_string(&summary).unwrap()).unwrap();
        let m1 = &s["measures"][0];
        assert_eq!(m1["eligible"], 3, "{engine}");
        assert_eq!(m1["entitled"], 1, "{engine}");
        assert_eq!(m1["discretionary"], 2, "{engine}");
        let m2 = &s["measures"][1];
        assert_eq!(m2["eligible"], 2, "{engine}");
        assert_eq!(m2["discretionary"], 2, "{engine}");
        assert_eq!(m2["entitled"], 0, "{engine}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains("of which may"), "{err}");
    }
}

#[test]
fn misplaced_discretion_is_a_specific_check_error() {
    let head = "department 人社厅 = \"自治区人力资源社会保障厅\"\nentity 个人 { 甲: bool }\n";
    let cases = [
        (
            "measure 1 \"m\" {\n  kind obligation\n  to 个人\n  rule r { when 甲 may }\n}\n",
            "policy::check::may_in_obligation",
        ),
        (
            "measure 1 \"m\" {\n  kind benefit\n  to 个人\n  rule r { when 甲 may by 人设厅 }\n}\n",
            "policy::check::unknown_department",
        ),
        (
            "measure 1 \"m\" {\n  kind benefit\n  to 个人\n  rule r { when 甲 may may }\n}\n",
            "policy::check::duplicate_clause",
        ),
        (
            "measure 1 \"m\" {\n  kind benefit\n  to 个人\n  rule r { when 甲 }\n  example \"e\" {\n    date 2020-07-01\n    个人 { 甲: false }\n    expect not_eligible may\n  }\n}\n",
            "policy::check::example_misplaced_may",
        ),
    ];
    for (body, code) in cases {
        let e = compile(&format!("{head}{body}")).unwrap_err();
        assert!(e.contains(code), "{body}\n{e}");
    }
    assert!(compile(&format!("{head}entity may {{ a: bool }}\n")).is_err());
}

#[test]
fn fmt_diff_and_ir_carry_discretion() {
    let once = policyc::fmt::format_source(POLICY).unwrap();
    assert!(once.contains("\n    may by 人社厅\n"), "{once}");
    assert!(
        once.contains("rule 可 {\n    when 乙\n    may by locality\n  }"),
        "{once}"
    );
    assert!(once.contains("expect eligible may 50 元"), "{once}");
    assert_eq!(policyc::fmt::format_source(&once).unwrap(), once);
    let p = compile(POLICY).unwrap();
    let q = compile(&once).unwrap();
    assert_eq!(
        p.measures[0].rules[1].discretion,
        q.measures[0].rules[1].discretion
    );
    let json = p.to_json().unwrap();
    assert!(
        json.contains("\"department\": \"自治区人力资源社会保障厅\""),
        "{json}"
    );
    assert_eq!(policyc::ir::Policy::from_json(&json).unwrap(), p);

    let entitled = compile(&POLICY.replace("    may by 人社厅\n", "")).unwrap();
    let changes = policyc::diff::diff(&p, &entitled);
    let c = changes
        .iter()
        .find(|c| c.what == "rule 可得: discretion")
        .unwrap_or_else(|| panic!("{changes:?}"));
    assert_eq!(
        c.message,
        "rule 可得: discretion changed\n    old: may be granted (decided by 自治区人力资源社会保障厅)\n    new: entitled"
    );
}

//! One literal, one reading (issue 12): each literal form — dates, numbers,
//! percentages, money and counts with units — is accepted or refused alike by
//! the grammar (a parameter's value in a policy), the facts reader (a string
//! in a facts file), a CSV cell (both engines of `batch`) and, for dates,
//! `--date`. The rules are in `src/literal.rs`.
//!
//! Facts are more lenient in two documented ways, tested at the end: spaces
//! around the whole value and before `%` and `万`, and a number without its
//! unit (the field's type gives it: `"48000"` is 48000 元).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failed expectation should stop the test loudly"
)]

use policyc::batch::{self, BatchOptions, Engine, InputFormat};
use policyc::eval::Facts;

#[path = "common/run.rs"]
mod run;

fn compile(text: &str) -> Result<policyc::ir::Policy, String> {
    run::compile("p.policy", text)
}

/// (field and parameter type, text, accepted)
const CASES: &[(&str, &str, bool)] = &[
    ("date", "2020-07-01", true),
    ("date", "2020-02-29", true),
    ("date", "2020-7-1", false),
    ("date", "2020-07-1", false),
    ("date", "2020-02-30", false),
    ("date", "2021-02-29", false),
    ("date", "2020-13-01", false),
    ("date", "2020/07/01", false),
    ("date", "20200701", false),
    ("decimal", "12.5", true),
    ("decimal", "12", true),
    ("decimal", "00012", true),
    ("decimal", "0.0000000000000000000000000001", true),
    ("decimal", "1.2.3", false),
    ("decimal", "12.", false),
    ("decimal", "1e2", false),
    ("decimal", "1_000", false),
    ("decimal", "１２", false),
    ("decimal", "3.5 元", false),
    ("decimal", "1.2万", true),
    ("money", "48000 元", true),
    ("money", "48000元", true),
    ("money", "4.8 万元", true),
    ("money", "4.8万元", true),
    ("money", "48,000", false),
    ("money", "４８０００", false),
    ("money", "5.元", false),
    ("money", "5 元/人", false),
    ("money", "5 个月", false),
    ("money/人/月", "1400 元/人/月", true),
    ("money/人/月", "1400 元/月/人", true),
    ("money/人/月", "0.14万元/人/月", true),
    ("money/人/月", "1400 元/人·月", false),
    ("money/人/月", "1400 元", false),
    ("percent", "5.5%", true),
    ("percent", "150%", true),
    ("percent", "0%", true),
    ("percent", "5.%", false),
    ("percent", "5.5", false),
    ("percent", "5.5％", false),
    ("percent", "1e2%", false),
    ("percent", "0.0000000000000000000000000001%", false),
    ("integer<月>", "6 个月", true),
    ("integer<月>", "6月", true),
    ("integer<月>", "6 天", false),
    ("integer<月>", "6 元", false),
];

fn field(ty: &str) -> String {
    format!("f_{}", ty.replace(['/', '<', '>'], "_"))
}

/// A policy with one field per type of [`CASES`], and the parameter `p` of
/// type `ty` set to `text` (when given).
fn policy_text(param: Option<(&str, &str)>) -> String {
    let mut types: Vec<&str> = CASES.iter().map(|c| c.0).collect();
    types.dedup();
    let mut s = String::from("entity 单位 {\n");
    for t in &types {
        s.push_str(&format!("  {}: {t}\n", field(t)));
    }
    s.push_str("}\n");
    if let Some((ty, text)) = param {
        s.push_str(&format!("parameter p: {ty} = {text}\n"));
    }
    s
}

fn csv_accepts(p: &policyc::ir::Policy, ty: &str, text: &str, engine: Engine) -> bool {
    let cell = if text.contains([',', '"']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    };
    let input = format!("{}\n{cell}\n", field(ty));
    let mut o = BatchOptions::new(chrono::NaiveDate::from_ymd_opt(2020, 7, 1).unwrap());
    o.threads = 1;
    o.input_format = InputFormat::Csv;
    o.entity = Some("单位");
    o.engine = engine;
    let (_, s) = batch::run_text(p, &input, &o).unwrap();
    s.rejected == 0
}

#[test]
fn each_literal_is_read_alike_by_the_grammar_facts_and_csv() {
    let p = compile(&policy_text(None)).unwrap();
    let mut wrong = Vec::new();
    for &(ty, text, accepted) in CASES {
        let grammar = compile(&policy_text(Some((ty, text)))).is_ok();
        let json = serde_json::json!({"entity": "单位", "facts": {field(ty): text}}).to_string();
        let facts = Facts::from_json(&p, &json).is_ok();
        let columnar = csv_accepts(&p, ty, text, Engine::Columnar);
        let rows = csv_accepts(&p, ty, text, Engine::Rows);
        let got = [grammar, facts, columnar, rows];
        if got != [accepted; 4] {
            wrong.push(format!(
                "{ty} `{text}`: expected {accepted}, grammar {grammar}, facts {facts}, \
                 CSV columnar {columnar}, CSV rows {rows}"
            ));
        }
    }
    assert!(wrong.is_empty(), "\n{}", wrong.join("\n"));
}

/// `--date` reads the same date literal (the command line calls
/// `policyc::literal::date`).
#[test]
fn the_date_option_reads_the_date_literal() {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("p.policy");
    std::fs::write(&policy, policy_text(None)).unwrap();
    let facts = dir.path().join("f.json");
    std::fs::write(&facts, r#"{"entity": "单位", "facts": {}}"#).unwrap();
    for &(_, text, accepted) in CASES.iter().filter(|c| c.0 == "date") {
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_policyc"))
            .args(["eval"])
            .arg(&policy)
            .arg("--facts")
            .arg(&facts)
            .args(["--date", text])
            .output()
            .unwrap();
        assert_eq!(
            o.status.code(),
            Some(if accepted { 0 } else { 2 }),
            "--date {text}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert_eq!(policyc::literal::date(text).is_ok(), accepted, "{text}");
    }
}

/// The leniencies of facts: spaces before `%`, `万`
/// and the unit, and a number without its unit, are allowed in a facts string
/// and a CSV cell, not in a policy.
#[test]
fn facts_allow_spaces_and_no_unit_a_policy_does_not() {
    let p = compile(&policy_text(None)).unwrap();
    for (ty, text) in [
        ("percent", " 5.5 % "),
        ("money", "1 万 元"),
        ("money", "48000"),
        ("money", "1万"),
        ("integer<月>", "6"),
    ] {
        assert!(compile(&policy_text(Some((ty, text)))).is_err(), "{text}");
        let json = serde_json::json!({"entity": "单位", "facts": {field(ty): text}}).to_string();
        assert!(Facts::from_json(&p, &json).is_ok(), "{text}");
        assert!(csv_accepts(&p, ty, text, Engine::Columnar), "{text}");
        assert!(csv_accepts(&p, ty, text, Engine::Rows), "{text}");
    }
}

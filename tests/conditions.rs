//! Measure-level conditions and named definitions (issue 13, point 5): `when
//! C` in a measure, a condition every rule needs, evaluated and explained
//! once; `let 名称 = expr`, used and shown by name. On
//! `tests/fixtures/conditions.policy`, through `test`, `eval --explain`,
//! `export`, `batch` (the columnar engine leaves such a measure to rows),
//! the reference model and `diff`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failed expectation should stop the test loudly"
)]

use std::path::PathBuf;
use std::process::{Command, Output};

use chrono::NaiveDate;
use policyc::batch::{self, BatchOptions, Engine, InputFormat};
use policyc::eval::{self, Facts, Request};
use policyc::ir::{Policy, Status};
use policyc::sample::{self, SampleFormat, Sampler};

#[path = "common/run.rs"]
mod run;
use run::policyc_with as policyc;

const CONDITIONS: &str = "tests/fixtures/conditions.policy";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn load() -> Policy {
    let (sources, diags) = policyc::load::load(&[root().join(CONDITIONS)]).unwrap();
    assert!(diags.is_empty());
    policyc::compile(&sources).unwrap_or_else(|d| panic!("{} errors", d.len()))
}

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

#[test]
fn the_fixture_examples_pass() {
    let o = policyc(&["test", CONDITIONS], "");
    assert_eq!(o.status.code(), Some(0), "{}", out(&o));
    assert!(out(&o).contains("10 passed, 0 failed"), "{}", out(&o));
}

#[test]
fn a_false_condition_is_not_eligible_and_says_so() {
    let p = load();
    let facts = Facts::from_json(&p, r#"{"entity":"个人","facts":{"有组织输转":false}}"#).unwrap();
    let req = Request {
        date: day("2020-07-01"),
        locality: None,
        explain: false,
    };
    let r = eval::evaluate_one(&p, &p.measures[0], &facts, &req).unwrap();
    assert_eq!(r.status, Status::NotEligible);
    assert_eq!(
        r.reason,
        "the measure's condition does not hold: 有组织输转 and 建档立卡贫困劳动力"
    );
    assert!(r.needs.is_empty());
}

#[test]
fn the_condition_is_explained_once_for_every_rule() {
    let facts = r#"{"entity":"个人","facts":{"有组织输转":true,"建档立卡贫困劳动力":true,"外出务工月数":"4 个月"}}"#;
    let o = policyc(
        &[
            "eval",
            "--explain",
            "--facts",
            "-",
            "--date",
            "2020-07-01",
            CONDITIONS,
        ],
        facts,
    );
    let text = out(&o);
    assert_eq!(o.status.code(), Some(0), "{text}");
    assert_eq!(
        text.matches("✓ when 有组织输转 and 建档立卡贫困劳动力")
            .count(),
        1,
        "{text}"
    );
    assert!(
        text.contains("├ measure condition, for every rule"),
        "{text}"
    );
    // in JSON, beside the rules
    let o = policyc(
        &[
            "eval",
            "--explain",
            "--format",
            "json",
            "--facts",
            "-",
            "--date",
            "2020-07-01",
            CONDITIONS,
        ],
        facts,
    );
    let v: serde_json::Value = serde_json::from_str(&out(&o)).unwrap();
    let x = &v["measures"][0]["explanation"];
    assert_eq!(x["condition"]["state"], "held", "{x}");
    assert_eq!(x["rules"].as_array().unwrap().len(), 2);
}

#[test]
fn the_export_round_trips_and_keeps_the_key_out_when_absent() {
    let p = load();
    let json = p.to_json().unwrap();
    assert_eq!(json.matches("\"condition\": {").count(), 3 + 2, "{json}");
    assert_eq!(Policy::from_json(&json).unwrap(), p);
    // a measure without one has no `condition` key at all
    let slice = policyc(&["export", "tests/fixtures/slice.policy"], "");
    let v: serde_json::Value = serde_json::from_str(&out(&slice)).unwrap();
    assert!(v["measures"][0].get("condition").is_none());
}

#[test]
fn batch_falls_back_to_rows_and_agrees_with_each_record_alone() {
    let p = load();
    let s = Sampler::new(&p, "个人", 3, 0.3).unwrap();
    let mut text = Vec::new();
    sample::write_sample(&s, 300, SampleFormat::Jsonl, &mut text).unwrap();
    let text = String::from_utf8(text).unwrap();
    let mut col = BatchOptions::new(day("2020-07-01"));
    col.input_format = InputFormat::Jsonl;
    col.chunk_bytes = 2048;
    let mut row = col.clone();
    row.engine = Engine::Rows;
    let (a, sa) = batch::run_text(&p, &text, &col).unwrap();
    let (b, sb) = batch::run_text(&p, &text, &row).unwrap();
    assert_eq!(a, b);
    assert_eq!(sa, sb);
    // each line equals evaluating the record alone
    let req = Request {
        date: day("2020-07-01"),
        locality: None,
        explain: false,
    };
    for (rec, line) in text.lines().zip(a.lines()) {
        let facts = Facts::from_json(&p, rec).unwrap();
        let ev = eval::evaluate(&p, &facts, &req).unwrap();
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        for m in &ev.measures {
            let got = &v["measures"][m.number.to_string()];
            assert_eq!(got["status"], m.status.keyword(), "{rec}\n{line}");
        }
    }
}

#[test]
fn the_reference_model_agrees() {
    let Ok(py) = Command::new("python3").arg("--version").output() else {
        return; // no Python here: CI runs it
    };
    if !py.status.success() {
        return;
    }
    let p = load();
    let dir = std::env::temp_dir().join(format!("policyc-conditions-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let ir = dir.join("ir.json");
    std::fs::write(&ir, p.to_json().unwrap()).unwrap();
    let s = Sampler::new(&p, "个人", 5, 0.3).unwrap();
    let mut text = Vec::new();
    sample::write_sample(&s, 200, SampleFormat::Jsonl, &mut text).unwrap();
    let text = String::from_utf8(text).unwrap();
    let facts = dir.join("facts.jsonl");
    std::fs::write(&facts, &text).unwrap();
    let o = Command::new("python3")
        .current_dir(root())
        .args([
            "tests/reference/policyc_ref.py",
            "--ir",
            ir.to_str().unwrap(),
            "--facts",
            facts.to_str().unwrap(),
            "--date",
            "2020-07-01",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let model = String::from_utf8(o.stdout).unwrap();
    let req = Request {
        date: day("2020-07-01"),
        locality: None,
        explain: false,
    };
    for (rec, line) in text.lines().zip(model.lines()) {
        let facts = Facts::from_json(&p, rec).unwrap();
        let ev = eval::evaluate(&p, &facts, &req).unwrap();
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        for m in &ev.measures {
            let got = &v["measures"][m.number.to_string()];
            assert_eq!(got["status"], m.status.keyword(), "{rec}\n{line}");
            let needs: Vec<String> = got["needs"]
                .as_array()
                .map(|a| a.iter().map(|x| x.as_str().unwrap().to_string()).collect())
                .unwrap_or_default();
            assert_eq!(needs, m.needs, "{rec}\n{line}");
        }
    }
}

#[test]
fn diff_says_the_measure_condition_changed() {
    let old = std::fs::read_to_string(root().join(CONDITIONS)).unwrap();
    let new = old.replace(
        "  when 有组织输转 and 建档立卡贫困劳动力\n",
        "  when 有组织输转\n",
    );
    assert_ne!(old, new);
    let dir = std::env::temp_dir().join(format!("policyc-conditions-diff-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("new.policy");
    std::fs::write(&path, new).unwrap();
    let o = policyc(&["diff", CONDITIONS, path.to_str().unwrap()], "");
    assert_eq!(o.status.code(), Some(1));
    let text = out(&o);
    assert!(
        text.contains("measure condition (when, for every rule)"),
        "{text}"
    );
    assert!(text.contains("有组织输转 and 建档立卡贫困劳动力"), "{text}");
}

#[test]
fn a_measure_condition_needs_an_addressee_and_a_condition() {
    let dir = std::env::temp_dir().join(format!("policyc-conditions-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("bad.policy");
    std::fs::write(
        &path,
        "entity 个人 { 月数: integer<月> }\nmeasure 1 \"甲\" { kind directive when 月数 }\nmeasure 2 \"乙\" { kind benefit to 个人 when 月数 }\n",
    )
    .unwrap();
    let o = policyc(
        &["--error-format", "plain", "check", path.to_str().unwrap()],
        "",
    );
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("policy::check::missing_addressee"), "{err}");
    assert!(err.contains("policy::check::condition_not_bool"), "{err}");
}

// ---------------------------------------------------------------------------
// Named definitions (`let`), on tests/fixtures/definitions.policy

const DEFINITIONS: &str = "tests/fixtures/definitions.policy";

fn load_definitions() -> Policy {
    let (sources, diags) = policyc::load::load(&[root().join(DEFINITIONS)]).unwrap();
    assert!(diags.is_empty());
    policyc::compile(&sources).unwrap_or_else(|d| panic!("{} errors", d.len()))
}

#[test]
fn definitions_pass_their_examples_and_are_shown_by_name() {
    let o = policyc(&["test", DEFINITIONS], "");
    assert!(out(&o).contains("3 passed, 0 failed"), "{}", out(&o));
    let facts = r#"{"entity":"个人","facts":{"有组织输转":true,"建档立卡贫困劳动力":true,"外出务工月数":"8 个月","务工开始日期":"2020-02-01"}}"#;
    let o = policyc(
        &[
            "eval",
            "--explain",
            "--facts",
            "-",
            "--date",
            "2020-07-01",
            DEFINITIONS,
        ],
        facts,
    );
    let text = out(&o);
    assert!(
        text.contains("✓ when 输转贫困劳动力  (a definition of the measure)"),
        "{text}"
    );
    assert!(
        text.contains("稳岗月数  → 6 个月  (a definition of the measure)"),
        "{text}"
    );
    assert!(text.contains("= 6 个月 × 200 元/月 = 1200 元"), "{text}");
}

#[test]
fn definitions_are_exported_by_name_and_run_in_the_columnar_engine() {
    let p = load_definitions();
    let json = p.to_json().unwrap();
    assert!(json.contains("\"node\": \"definition\""));
    assert!(json.contains("\"name\": \"输转贫困劳动力\""));
    // the unused definition is not in the IR
    assert!(!json.contains("务工满一年"));
    assert_eq!(Policy::from_json(&json).unwrap(), p);
    let s = Sampler::new(&p, "个人", 11, 0.2).unwrap();
    let mut text = Vec::new();
    sample::write_sample(&s, 300, SampleFormat::Jsonl, &mut text).unwrap();
    let text = String::from_utf8(text).unwrap();
    for date in ["2020-07-01", "2021-02-01"] {
        let mut col = BatchOptions::new(day(date));
        col.input_format = InputFormat::Jsonl;
        col.chunk_bytes = 2048;
        let mut row = col.clone();
        row.engine = Engine::Rows;
        assert_eq!(
            batch::run_text(&p, &text, &col).unwrap(),
            batch::run_text(&p, &text, &row).unwrap()
        );
    }
}

#[test]
fn diff_compares_definitions_by_name() {
    let old = std::fs::read_to_string(root().join(DEFINITIONS)).unwrap();
    let new = old.replace("min(外出务工月数, 6 个月)", "min(外出务工月数, 5 个月)");
    assert_ne!(old, new);
    let dir = std::env::temp_dir().join(format!("policyc-defs-diff-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("new.policy");
    std::fs::write(&path, new).unwrap();
    let o = policyc(&["diff", DEFINITIONS, path.to_str().unwrap()], "");
    assert_eq!(o.status.code(), Some(1));
    assert!(
        out(&o)
            .contains("definition 稳岗月数 min(外出务工月数, 6 个月) → min(外出务工月数, 5 个月)"),
        "{}",
        out(&o)
    );
}

//! One code per problem with a fact's value (docs/cli.md, the table of
//! `policy::facts::…` codes), and the same code from every reader: a facts
//! file (`Facts::from_json`, as `policyc eval` reads it), and `batch` over
//! JSONL and over CSV, with the columnar engine (its fast column readers) and
//! with the row engine.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failed expectation should stop the test loudly"
)]

use policyc::batch::{self, BatchOptions, Engine, InputFormat};
use policyc::eval::Facts;
use policyc::ir::Policy;
use policyc::source::SourceMap;

fn policy() -> Policy {
    let text = std::fs::read_to_string("tests/bad/facts.policy").unwrap();
    let mut map = SourceMap::new();
    map.add("tests/bad/facts.policy", text);
    policyc::compile(&map)
        .unwrap_or_else(|d| panic!("{}", policyc::diagnostic::render_plain(&map, &d)))
}

/// (field, value as JSON, the same value as a CSV cell, its code)
const CASES: &[(&str, &str, &str, &str)] = &[
    ("暂时困难且恢复有望", "1", "1", "wrong_type"),
    ("暂时困难且恢复有望", "\"true\"", "yes", "wrong_type"),
    ("成立日期", "20200701", "", "wrong_type"),
    ("上年度失业保险费", "{}", "", "wrong_type"),
    ("上年度失业保险费", "\"很多\"", "很多", "bad_number"),
    ("上年度失业保险费", "\"48,000\"", "\"48,000\"", "bad_number"),
    ("上年度失业保险费", "\"5.\"", "5.", "bad_number"),
    ("参保职工人数", "\"20 元\"", "20 元", "wrong_unit"),
    ("上年度失业保险费", "\"5%\"", "5%", "wrong_unit"),
    (
        "上年度失业保险费",
        "1000000000000000",
        "1000000000000000",
        "out_of_range",
    ),
    ("上年度失业保险费", "1e400", "", "out_of_range"),
    (
        "上年度失业保险费",
        "0.00000000000000000000000000001",
        "0.00000000000000000000000000001",
        "too_many_decimals",
    ),
    ("参保职工人数", "2.5", "2.5", "not_whole"),
    ("上年度失业保险费", "-5", "-5", "negative"),
    ("裁员率", "\"-5%\"", "-5%", "negative"),
    ("成立日期", "\"2020-02-30\"", "2020-02-30", "bad_date"),
    ("成立日期", "\"2020/07/01\"", "2020/07/01", "bad_date"),
    ("规模", "\"特大型\"", "特大型", "unknown_variant"),
    ("裁员率", "\"5.5\"", "5.5", "percent_without_sign"),
];

fn batch_code(p: &Policy, input: &str, format: InputFormat, engine: Engine) -> String {
    let mut o = BatchOptions::new(chrono::NaiveDate::from_ymd_opt(2020, 7, 1).unwrap());
    o.threads = 1;
    o.input_format = format;
    o.engine = engine;
    o.entity = Some("企业");
    let (out, _) = batch::run_text(p, input, &o).unwrap();
    let line: serde_json::Value = serde_json::from_str(out.lines().next().unwrap()).unwrap();
    line["code"].as_str().unwrap_or("(none)").to_string()
}

#[test]
fn each_value_problem_has_its_own_code_in_every_reader() {
    let p = policy();
    for (field, json, cell, code) in CASES {
        let want = format!("policy::facts::{code}");
        let record = format!(r#"{{"entity": "企业", "facts": {{"{field}": {json}}}}}"#);
        let errors = Facts::from_json(&p, &record).unwrap_err();
        assert_eq!(errors.len(), 1, "{record}");
        assert_eq!(errors[0].code, want, "{record}: {}", errors[0]);
        for engine in [Engine::Columnar, Engine::Rows] {
            let got = batch_code(&p, &record, InputFormat::Jsonl, engine);
            assert_eq!(got, want, "{record} (JSONL, {engine:?})");
            if cell.is_empty() {
                continue; // no CSV cell has this JSON type
            }
            // the cell alone, and after a good row (the columnar readers read
            // a column of cells at a time)
            for rows in [format!("{field}\n{cell}\n"), format!("{field}\n\n{cell}\n")] {
                let mut o = BatchOptions::new(chrono::NaiveDate::from_ymd_opt(2020, 7, 1).unwrap());
                o.threads = 1;
                o.input_format = InputFormat::Csv;
                o.engine = engine;
                o.entity = Some("企业");
                let (out, _) = batch::run_text(&p, &rows, &o).unwrap();
                let last: serde_json::Value =
                    serde_json::from_str(out.lines().last().unwrap()).unwrap();
                assert_eq!(
                    last["code"].as_str(),
                    Some(want.as_str()),
                    "{field} = {cell} (CSV, {engine:?}): {out}"
                );
            }
        }
    }
}

/// A CSV cell that is not UTF-8 is `policy::batch::not_utf8`, as a record
/// that is not UTF-8 is, with both engines.
#[test]
fn a_cell_that_is_not_utf8_has_the_not_utf8_code() {
    let p = policy();
    let input = b"\xe8\xa7\x84\xe6\xa8\xa1,\xe4\xb8\x8a\xe5\xb9\xb4\xe5\xba\xa6\xe5\xa4\xb1\xe4\xb8\x9a\xe4\xbf\x9d\xe9\x99\xa9\xe8\xb4\xb9\n\xe5\xbe\xae\xe5\x9e\x8b,\xe9\n";
    for engine in [Engine::Columnar, Engine::Rows] {
        let mut o = BatchOptions::new(chrono::NaiveDate::from_ymd_opt(2020, 7, 1).unwrap());
        o.threads = 1;
        o.input_format = InputFormat::Csv;
        o.engine = engine;
        o.entity = Some("企业");
        let mut out = Vec::new();
        batch::run(&p, &mut &input[..], &mut out, &o, &|_| {}).unwrap();
        let out = String::from_utf8(out).unwrap();
        let line: serde_json::Value = serde_json::from_str(out.lines().last().unwrap()).unwrap();
        assert_eq!(
            line["code"].as_str(),
            Some("policy::batch::not_utf8"),
            "{engine:?}: {out}"
        );
    }
}

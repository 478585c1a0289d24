//! Literals read the same way wherever they are written: dates in a policy, in
//! a facts file and on the command line (`--date`); the legal text of text
//! blocks through `check`, `export` and `fmt`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failed expectation should stop the test loudly"
)]

use std::path::PathBuf;
use std::process::{Command, Output};

use policyc::batch::{self, BatchOptions, Engine};
use policyc::eval::Facts;
use policyc::source::SourceMap;

fn policyc(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_policyc"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run policyc: {e}"))
}

fn temp_file(name: &str, content: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("policyc-literals-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, content).unwrap();
    p
}

const SLICE: &str = "tests/fixtures/slice.policy";

// ---------------------------------------------------------------------------
// Dates

/// `--date` accepts exactly the grammar's date literal: `YYYY-MM-DD`.
#[test]
fn date_option_accepts_exactly_the_date_literal() {
    let facts = temp_file("facts.json", r#"{"entity": "企业", "facts": {}}"#);
    let facts = facts.to_str().unwrap();
    let jsonl = temp_file("records.jsonl", "{\"entity\": \"企业\", \"facts\": {}}\n");
    let jsonl = jsonl.to_str().unwrap();
    for bad in [
        "02020-7-1",
        "2020-7-1",
        "2020-07-01x",
        "+2020-07-01",
        "2020-07-1",
        "2020-02-30",
    ] {
        let o = policyc(&["eval", SLICE, "--facts", facts, "--date", bad]);
        assert_eq!(o.status.code(), Some(2), "eval --date {bad}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(&format!("`{bad}` is not a date")), "{err}");
        let o = policyc(&["batch", SLICE, "--input", jsonl, "--date", bad]);
        assert_eq!(o.status.code(), Some(2), "batch --date {bad}");
    }
    let o = policyc(&["eval", SLICE, "--facts", facts, "--date", "2020-07-01"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let o = policyc(&["batch", SLICE, "--input", jsonl, "--date", "2020-07-01"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// The same literal in a policy: a one-digit month is an invalid literal that
/// says why, like a thirteenth month.
#[test]
fn a_policy_date_has_two_digit_months_and_days() {
    for (date, why) in [
        (
            "2020-7-1",
            "four digits for the year and two each for the month and day",
        ),
        ("2020-13-01", "there is no month 13"),
    ] {
        let src = format!("document {{\n  issued {date}\n}}\n");
        let mut map = SourceMap::new();
        map.add("d.policy", src);
        let d = policyc::compile(&map).unwrap_err();
        let text = policyc::diagnostic::render_plain(&map, &d);
        assert!(text.contains("policy::syntax::invalid_literal"), "{text}");
        assert!(text.contains(why), "{text}");
    }
    let mut map = SourceMap::new();
    map.add("d.policy", "document {\n  issued 2020-07-01\n}\n");
    assert!(policyc::compile(&map).is_ok());
}

/// And in facts: `"2020-7-1"` is refused by the facts reader and by both
/// engines of `batch`, which agree on every record.
#[test]
fn a_fact_date_has_two_digit_months_and_days() {
    let src = "entity 单位 { 日期: date }\nmeasure 1 \"m\" {\n  kind benefit\n  to 单位\n  rule r {\n    when 日期 >= 2020-01-01\n  }\n}\n";
    let mut map = SourceMap::new();
    map.add("p.policy", src);
    let p = policyc::compile(&map).unwrap();
    let rec = |d: &str| format!(r#"{{"entity": "单位", "facts": {{"日期": "{d}"}}}}"#);
    assert!(Facts::from_json(&p, &rec("2020-07-01")).is_ok());
    for bad in ["2020-7-1", "2020-07-1", "02020-07-01", "+2020-07-01"] {
        assert!(Facts::from_json(&p, &rec(bad)).is_err(), "{bad}");
    }
    let text = ["2020-07-01", "2020-7-1", "2020-7-01", "2019-12-31"]
        .map(rec)
        .join("\n");
    let mut o = BatchOptions::new(chrono::NaiveDate::from_ymd_opt(2020, 7, 1).unwrap());
    o.threads = 1;
    let (col, sc) = batch::run_text(&p, &text, &o).unwrap();
    o.engine = Engine::Rows;
    let (rows, sr) = batch::run_text(&p, &text, &o).unwrap();
    assert_eq!(col, rows);
    assert_eq!(sc, sr);
    assert_eq!(sc.rejected, 2, "{col}");
}

// ---------------------------------------------------------------------------
// Legal text

const LEGAL: &str = "measure 1 \"m\" {\n  kind directive\n  text \"\"\"\n  　　第一条　各地要加大支持力度。　\n  第二条　……（牵头）　　\n  　\n  \"\"\"\n}\n";

/// The text of [`LEGAL`] in the IR: fences and indentation removed, nothing else.
const LEGAL_IR: &str = "　　第一条　各地要加大支持力度。　\n第二条　……（牵头）　　\n　";

/// Trailing ideographic spaces (U+3000) are the law's: `export` keeps every
/// character of the text block except the file's layout (fences, indentation).
#[test]
fn legal_text_keeps_ideographic_spaces_through_export() {
    let path = temp_file("legal.policy", LEGAL);
    let o = policyc(&["export", path.to_str().unwrap()]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let ir: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let text = ir["measures"][0]["source_text"].as_str().unwrap();
    assert_eq!(text, LEGAL_IR);
}

/// `fmt` keeps the text block as it is, and the IR of the formatted file is
/// the IR of the original, character for character.
#[test]
fn legal_text_with_ideographic_spaces_round_trips_through_fmt() {
    let once = policyc::fmt::format_source(LEGAL).unwrap();
    assert!(once.contains("支持力度。　\n"), "{once}");
    assert!(once.contains("（牵头）　　\n"), "{once}");
    assert_eq!(policyc::fmt::format_source(&once).unwrap(), once);
    let ir = |s: &str| {
        let mut map = SourceMap::new();
        map.add("legal.policy", s);
        policyc::compile(&map).unwrap().measures[0]
            .source_text
            .clone()
    };
    assert_eq!(ir(&once), LEGAL_IR);
    assert_eq!(ir(LEGAL), LEGAL_IR);
    // trailing ASCII spaces are layout: the formatter drops them, so does the IR
    let spaced = LEGAL.replace("力度。　\n", "力度。　  \t\n");
    assert_eq!(ir(&spaced), LEGAL_IR);
    assert_eq!(policyc::fmt::format_source(&spaced).unwrap(), once);
}

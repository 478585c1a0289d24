//! The application date and event dates in expressions (issue 13, point 3):
//! `application_date` and `x in A to B`, on `tests/fixtures/dates.policy`,
//! through `test`, `eval --explain`, `export`, `batch` (both engines), `sample`
//! and `diff`. Each boundary day is pinned by the fixture's examples.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failed expectation should stop the test loudly"
)]

use std::path::PathBuf;
use std::process::Output;

use chrono::NaiveDate;
use policyc::batch::{self, BatchOptions, Engine, InputFormat};
use policyc::ir::Policy;
use policyc::sample::{self, SampleFormat, Sampler};

#[path = "common/run.rs"]
mod run;
fn policyc(args: &[&str], stdin: Option<&str>) -> std::process::Output {
    run::policyc_with(args, stdin.unwrap_or_default())
}

const DATES: &str = "tests/fixtures/dates.policy";

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn load() -> Policy {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let (sources, diags) = policyc::load::load(&[root.join(DATES)]).unwrap();
    assert!(diags.is_empty());
    policyc::compile(&sources).unwrap_or_else(|d| panic!("{} errors", d.len()))
}

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

#[test]
fn every_boundary_day_of_the_fixture_passes() {
    let o = policyc(&["test", DATES], None);
    assert_eq!(o.status.code(), Some(0), "{}", out(&o));
    assert!(out(&o).contains("11 passed, 0 failed"), "{}", out(&o));
}

#[test]
fn explanations_show_the_application_date_and_the_period() {
    let facts = r#"{"entity":"个人","facts":{"离校日期":"2018-07-01","登记失业":true,"贷款到期日":"2020-07-01"}}"#;
    let o = policyc(
        &[
            "eval",
            "--explain",
            "--facts",
            "-",
            "--date",
            "2020-07-02",
            DATES,
        ],
        Some(facts),
    );
    let text = out(&o);
    assert_eq!(o.status.code(), Some(0), "{text}");
    assert!(
        text.contains("application_date  → 2020-07-02  (the application date)"),
        "{text}"
    );
    assert!(
        text.contains("= 2020-07-02 <= 2018-07-01 + 2 年 = false"),
        "{text}"
    );
    assert!(
        text.contains("✗ when 贷款到期日 in 2020-01-25 to 2020-06-30"),
        "{text}"
    );
    assert!(
        text.contains("= 2020-07-01 in 2020-01-25 to 2020-06-30 = false"),
        "{text}"
    );
}

#[test]
fn the_application_date_is_never_asked_for() {
    let o = policyc(
        &[
            "eval",
            "--format",
            "json",
            "--facts",
            "-",
            "--date",
            "2020-07-01",
            DATES,
        ],
        Some(r#"{"entity":"个人","facts":{}}"#),
    );
    let v: serde_json::Value = serde_json::from_str(&out(&o)).unwrap();
    let needs: Vec<String> = v["measures"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|m| m["needs"].as_array().cloned().unwrap_or_default())
        .map(|n| n.as_str().unwrap().to_string())
        .collect();
    assert!(needs.contains(&"贷款到期日".to_string()), "{v}");
    assert!(needs.contains(&"离校日期".to_string()), "{v}");
    assert!(!needs.iter().any(|n| n.contains("application")), "{v}");
}

#[test]
fn the_export_round_trips_and_evaluates_the_same() {
    let p = load();
    let json = p.to_json().unwrap();
    assert!(json.contains("\"node\": \"application_date\""));
    assert!(json.contains("\"node\": \"in_period\""));
    let back = Policy::from_json(&json).unwrap();
    assert_eq!(back, p);
    // a period that ends before it starts is not a policy `export` writes
    let bad = json.replacen("\"to\": \"2020-06-30\"", "\"to\": \"2020-01-01\"", 1);
    assert_ne!(bad, json);
    assert!(Policy::from_json(&bad).is_err());
}

#[test]
fn both_engines_agree_on_sampled_people_on_every_boundary_day() {
    let p = load();
    let s = Sampler::new(&p, "个人", 7, 0.1).unwrap();
    let mut text = Vec::new();
    sample::write_sample(&s, 400, SampleFormat::Jsonl, &mut text).unwrap();
    let text = String::from_utf8(text).unwrap();
    for date in [
        "2020-05-08",
        "2020-05-09",
        "2020-06-30",
        "2020-07-01",
        "2020-07-02",
        "2022-02-28",
    ] {
        let mut col = BatchOptions::new(day(date));
        col.input_format = InputFormat::Jsonl;
        col.chunk_bytes = 2048;
        let mut row = col.clone();
        row.engine = Engine::Rows;
        let a = batch::run_text(&p, &text, &col).unwrap();
        let b = batch::run_text(&p, &text, &row).unwrap();
        assert_eq!(a, b, "{date}");
    }
}

#[test]
fn samples_probe_the_boundary_days_of_event_dates() {
    let p = load();
    let s = Sampler::new(&p, "个人", 1, 0.0).unwrap();
    let mut text = Vec::new();
    sample::write_sample(&s, 400, SampleFormat::Jsonl, &mut text).unwrap();
    let text = String::from_utf8(text).unwrap();
    // the ends of the period and the days either side
    for d in ["2020-01-24", "2020-01-25", "2020-06-30", "2020-07-01"] {
        assert!(text.contains(&format!("\"贷款到期日\":\"{d}\"")), "{d}");
    }
    // left school two years before the measure comes into force (2020-05-09)
    for d in ["2018-05-09", "2018-05-10"] {
        assert!(text.contains(&format!("\"离校日期\":\"{d}\"")), "{d}");
    }
}

#[test]
fn diff_says_which_day_of_a_period_moved() {
    let old =
        std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(DATES)).unwrap();
    let new = old.replace(
        "when 贷款到期日 in 2020-01-25 to 2020-06-30",
        "when 贷款到期日 in 2020-01-20 to 2020-06-30",
    );
    assert_ne!(old, new);
    let dir = std::env::temp_dir().join(format!("policyc-dates-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("new.policy");
    std::fs::write(&path, new).unwrap();
    let o = policyc(&["diff", DATES, path.to_str().unwrap()], None);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        out(&o).contains("the period of 贷款到期日 now starts on 2020-01-20 (was 2020-01-25)"),
        "{}",
        out(&o)
    );
}

#[test]
fn a_fact_cannot_be_called_application_date() {
    let src = "entity 个人 { application_date: date }\n";
    let o = policyc(&["--error-format", "plain", "check", "-"], Some(src));
    // `check -` may not read stdin; fall back to a file
    let o = if o.status.code() == Some(2) {
        let dir = std::env::temp_dir().join(format!("policyc-dates-kw-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("kw.policy");
        std::fs::write(&path, src).unwrap();
        policyc(
            &["--error-format", "plain", "check", path.to_str().unwrap()],
            None,
        )
    } else {
        o
    };
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("policy::syntax::unexpected"), "{err}");
}

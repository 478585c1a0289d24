//! Issue 14, point 2: values that are not money. A rule gives a date
//! (`until E`) or a duration (`for E`), with `floor`/`cap`; a request beyond
//! the cap is granted up to the cap (not refused), and every output says so.
//! Each test fails on the main branch before the change (`until`/`for` were
//! not rule clauses).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failed expectation should stop the test loudly"
)]

use serde_json::Value;

#[path = "common/run.rs"]
mod run;
use run::{policyc, policyc_with};

const FIXTURE: &str = "tests/fixtures/deferral.policy";

fn facts(tag: &str, json: &str) -> std::path::PathBuf {
    run::temp_file(&format!("values-{tag}"), "facts.json", json)
}

fn stdout(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

const ASKS_0731: &str = r#"{"entity":"企业","facts":{"规模":"中型","受疫情影响":true,"贷款到期日":"2020-03-10","申请延期至":"2020-07-31"}}"#;

#[test]
fn the_fixture_examples_pass_at_every_boundary_day() {
    let o = policyc(&["test", FIXTURE]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stdout(&o).contains("8 passed, 0 failed"), "{}", stdout(&o));
}

#[test]
fn a_request_beyond_the_cap_is_granted_up_to_the_cap_not_refused() {
    let f = facts("f1", ASKS_0731);
    let o = policyc(&[
        "eval",
        FIXTURE,
        "--facts",
        f.to_str().unwrap(),
        "--date",
        "2020-05-20",
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let m = &v["measures"][0];
    assert_eq!(m["status"], "eligible");
    assert_eq!(m["value"]["kind"], "deferral");
    assert_eq!(m["value"]["form"], "until");
    assert_eq!(m["value"]["value"], "2020-06-30");
    assert_eq!(m["value"]["requested"], "2020-07-31");
    assert_eq!(m["value"]["bounded_by"], "cap");
    assert_eq!(m["values"].as_array().unwrap().len(), 1);
    // no money: the total is not touched
    assert_eq!(v["total"], "0.00");
    assert!(m["total"].is_null());
}

#[test]
fn the_text_and_the_explanation_say_the_request_was_capped() {
    let f = facts("f2", ASKS_0731);
    let o = policyc(&[
        "eval",
        FIXTURE,
        "--facts",
        f.to_str().unwrap(),
        "--date",
        "2020-05-20",
        "--explain",
    ]);
    let out = stdout(&o);
    assert!(out.contains("eligible  deferred until 2020-06-30"), "{out}");
    assert!(
        out.contains("requested 2020-07-31, capped at 2020-06-30) 「还本日期最长可延长至 2020年 6 月 30 日」"),
        "{out}"
    );
    assert!(out.contains("until 申请延期至  → 2020-07-31"), "{out}");
    assert!(out.contains("cap 2020-06-30  → 2020-06-30"), "{out}");
}

#[test]
fn a_value_not_given_is_asked_for() {
    let f = facts(
        "f3",
        r#"{"entity":"企业","facts":{"规模":"中型","受疫情影响":true,"贷款到期日":"2020-03-10"}}"#,
    );
    let o = policyc(&[
        "eval",
        FIXTURE,
        "--facts",
        f.to_str().unwrap(),
        "--date",
        "2020-05-20",
        "--format",
        "json",
    ]);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["measures"][0]["status"], "needs_facts");
    assert_eq!(v["measures"][0]["needs"], serde_json::json!(["申请延期至"]));
}

#[test]
fn a_duration_is_capped_and_carries_its_unit() {
    let f = facts("f4", r#"{"entity":"个人","facts":{"申请贷款期限":48}}"#);
    let o = policyc(&[
        "eval",
        FIXTURE,
        "--facts",
        f.to_str().unwrap(),
        "--date",
        "2020-05-20",
        "--format",
        "json",
    ]);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let m = &v["measures"][1]["value"];
    assert_eq!(m["kind"], "term");
    assert_eq!(m["form"], "for");
    assert_eq!(m["value"], "36");
    assert_eq!(m["unit"], "月");
    assert_eq!(m["requested"], "48");
}

const INPUT: &str = r#"{"entity":"企业","id":"a","facts":{"规模":"小型","受疫情影响":true,"贷款到期日":"2020-02-10","申请延期至":"2020-07-31"}}
{"entity":"企业","id":"b","facts":{"规模":"小型","受疫情影响":true,"贷款到期日":"2020-02-10","申请延期至":"2020-06-29"}}
{"entity":"个人","id":"c","facts":{"申请贷款期限":48}}
"#;

#[test]
fn batch_lines_and_summaries_carry_the_value_on_both_engines() {
    let input = run::temp_file("values", "in.jsonl", INPUT);
    let summary = run::temp_file("values", "summary.json", "");
    let mut outs = Vec::new();
    for engine in ["rows", "columnar"] {
        let o = policyc(&[
            "batch",
            FIXTURE,
            "--date",
            "2020-05-20",
            "--input",
            input.to_str().unwrap(),
            "--engine",
            engine,
            "--summary",
            summary.to_str().unwrap(),
            "--quiet",
        ]);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        outs.push(stdout(&o));
    }
    // the columnar engine runs these measures by rows: the same lines
    assert_eq!(outs[0], outs[1]);
    let lines: Vec<&str> = outs[0].lines().collect();
    assert!(
        lines[0].contains(r#""1":{"status":"eligible","value":{"kind":"deferral","until":"2020-06-30","requested":"2020-07-31","bounded_by":"cap"}}"#),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].contains(r#""until":"2020-06-29","requested":"2020-06-29"}"#),
        "{}",
        lines[1]
    );
    assert!(
        lines[2].contains(r#""for":"36","unit":"月","requested":"48","bounded_by":"cap""#),
        "{}",
        lines[2]
    );
    let s: Value = serde_json::from_str(&std::fs::read_to_string(&summary).unwrap()).unwrap();
    assert_eq!(
        s["values_by_kind"],
        serde_json::json!({"deferral": 2, "term": 1})
    );
    assert_eq!(s["measures"][0]["value_kind"], "deferral");
    assert_eq!(s["total"], "0.00");
}

#[test]
fn batch_csv_has_a_value_column_for_measures_that_give_one() {
    let input = run::temp_file("values", "in2.jsonl", INPUT);
    let o = policyc(&[
        "batch",
        FIXTURE,
        "--date",
        "2020-05-20",
        "--input",
        input.to_str().unwrap(),
        "--format",
        "csv",
        "--quiet",
    ]);
    let out = stdout(&o);
    let mut lines = out.lines();
    assert!(lines
        .next()
        .unwrap()
        .contains("m1_status,m1_amount,m1_needs,m1_value,m2_status"));
    assert!(lines
        .next()
        .unwrap()
        .contains("eligible,,,2020-06-30,not_addressed,,,,"));
    lines.next();
    assert!(lines.next().unwrap().contains("eligible,,,36 个月,"));
}

#[test]
fn fmt_round_trips_until_for_and_expect_values() {
    let text = std::fs::read_to_string(FIXTURE).unwrap();
    let o = policyc_with(&["fmt", "-"], &text);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let once = stdout(&o);
    assert!(once.contains("    until 申请延期至\n"), "{once}");
    assert!(once.contains("    for 申请贷款期限\n"), "{once}");
    assert!(once.contains("expect eligible until 2020-06-30"), "{once}");
    assert!(once.contains("expect eligible for 36 个月"), "{once}");
    let twice = stdout(&policyc_with(&["fmt", "-"], &once));
    assert_eq!(once, twice);
}

#[test]
fn diff_says_a_changed_cap_in_words() {
    let text = std::fs::read_to_string(FIXTURE).unwrap();
    let old = run::temp_file("values-old", "p.policy", &text);
    let new = run::temp_file(
        "values-new",
        "p.policy",
        &text.replace("cap 2020-06-30", "cap 2020-09-30"),
    );
    let o = policyc(&["diff", old.to_str().unwrap(), new.to_str().unwrap()]);
    let out = stdout(&o);
    assert!(out.contains("rule 延迟还本付息: cap"), "{out}");
    assert!(
        out.contains("2020-06-30") && out.contains("2020-09-30"),
        "{out}"
    );
    let new2 = run::temp_file(
        "values-new2",
        "p.policy",
        &text
            .replace("    for 申请贷款期限\n", "    until 2023-01-01\n")
            .replace("cap 36 个月", "cap 2023-01-01"),
    );
    let o = policyc(&["diff", old.to_str().unwrap(), new2.to_str().unwrap()]);
    let out = stdout(&o);
    assert!(out.contains("rule 贷款期限: value"), "{out}");
    assert!(out.contains("for 申请贷款期限 (gives term)"), "{out}");
}

#[test]
fn sample_draws_requested_dates_about_the_cap() {
    let o = policyc(&[
        "sample", FIXTURE, "--entity", "企业", "--count", "400", "--seed", "7",
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let out = stdout(&o);
    for d in ["2020-06-29", "2020-06-30", "2020-07-01"] {
        assert!(
            out.contains(&format!("\"申请延期至\":\"{d}\"")),
            "{d} never drawn"
        );
    }
}

#[test]
fn the_exported_ir_carries_the_value_and_reads_back() {
    let o = policyc(&["export", FIXTURE]);
    assert_eq!(o.status.code(), Some(0));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["ir_version"], "3.1");
    let rule = &v["measures"][0]["rules"][0];
    assert_eq!(rule["value"]["form"], "until");
    assert_eq!(rule["value"]["kind"], "deferral");
    assert_eq!(rule["cap"]["value"]["date"], "2020-06-30");
    let ex = &v["measures"][0]["examples"][3]["expect"];
    assert_eq!(ex["value"], serde_json::json!({"until": "2020-06-30"}));
    let back = policyc::ir::Policy::from_json(&String::from_utf8_lossy(&o.stdout)).unwrap();
    assert!(back.measures[0].rules[0].value.is_some());
}

#[path = "common/gen/mod.rs"]
mod gen;

/// The policy generator of the differential oracle (`tests/oracle.rs`,
/// `tests/reference.rs`) writes rules that give dates and durations, with
/// floors and caps, and the policies it writes compile.
#[test]
fn the_generator_writes_dates_and_durations_given() {
    let (mut until, mut for_, mut capped) = (0, 0, 0);
    for seed in 0..60 {
        let case = gen::generate(&mut gen::Rng::new(seed), gen::Options::default());
        let p = run::compile("gen.policy", &case.source).unwrap_or_else(|d| panic!("{d}"));
        for r in p.measures.iter().flat_map(|m| &m.rules) {
            if let Some(v) = &r.value {
                match v.form {
                    policyc::ir::ValueForm::Until => until += 1,
                    policyc::ir::ValueForm::For => for_ += 1,
                }
                capped += usize::from(r.cap.is_some());
            }
        }
    }
    assert!(
        until > 0 && for_ > 0 && capped > 0,
        "{until} {for_} {capped}"
    );
}

const TWO_PARTS: &str = r#"
entity 企业 {
  申请延期至: date
  申请展期至: date
}
measure 1 "延期" {
  kind deferral
  to 企业
  rule 延期 part 还本 {
    until 申请延期至
    cap 2020-06-30
  }
  rule 展期 part 付息 {
    until 申请展期至
    cap 2020-12-31
  }
}
"#;

/// Several rules of one measure giving dates: the measure's value is the
/// latest, and each rule's value is listed (docs/language.md).
#[test]
fn several_values_of_a_measure_give_the_latest() {
    let p = run::temp_file("values-parts", "p.policy", TWO_PARTS);
    let f = facts(
        "f5",
        r#"{"entity":"企业","facts":{"申请延期至":"2020-08-01","申请展期至":"2020-09-30"}}"#,
    );
    let o = policyc(&[
        "eval",
        p.to_str().unwrap(),
        "--facts",
        f.to_str().unwrap(),
        "--date",
        "2020-05-20",
        "--format",
        "json",
    ]);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let m = &v["measures"][0];
    assert_eq!(m["status"], "eligible");
    assert_eq!(m["value"]["rule"], "展期");
    assert_eq!(m["value"]["value"], "2020-09-30");
    assert_eq!(m["values"][0]["value"], "2020-06-30");
    assert_eq!(m["values"][0]["bounded_by"], "cap");
    assert_eq!(m["values"][1]["bounded_by"], serde_json::Value::Null);
    // batch reads the facts of `until` and agrees on both engines
    let input = run::temp_file(
        "values-parts",
        "in.csv",
        "申请延期至,申请展期至\n2020-08-01,2020-09-30\n2020-06-01,\n",
    );
    let mut outs = Vec::new();
    for engine in ["rows", "columnar"] {
        let o = policyc(&[
            "batch",
            p.to_str().unwrap(),
            "--date",
            "2020-05-20",
            "--input",
            input.to_str().unwrap(),
            "--engine",
            engine,
            "--quiet",
        ]);
        outs.push(stdout(&o));
    }
    assert_eq!(outs[0], outs[1]);
    assert!(
        outs[0].contains(r#""until":"2020-09-30","requested":"2020-09-30"}"#),
        "{}",
        outs[0]
    );
    assert!(outs[0].contains(r#""needs":["申请展期至"]"#), "{}", outs[0]);
}

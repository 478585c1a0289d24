//! Issue 14, point 4: a rule's own bound (`amount at most E`: the figure is
//! decided by someone else within E), conditions on bounded values (decided
//! only when the bound cannot change them), and per-kind totals that are
//! bounds, through eval, explanations, batch, fmt and diff.

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
use run::{policyc, policyc_with, temp_file};

const FIXTURE: &str = "tests/fixtures/own_bounds.policy";

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn eval(facts: &str, extra: &[&str]) -> Value {
    let mut args = vec![
        "eval",
        FIXTURE,
        "--facts",
        "-",
        "--date",
        "2020-07-01",
        "--format",
        "json",
    ];
    args.extend_from_slice(extra);
    let o = policyc_with(&args, facts);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_str(&out(&o)).unwrap()
}

const PARTNERS: &str = r#"{"entity": "企业", "facts": {"合伙人数": 3}}"#;

#[test]
fn an_amount_at_most_is_an_upper_bound_everywhere() {
    let v = eval(PARTNERS, &["--measure", "25"]);
    let m = &v["measures"][0];
    assert_eq!(m["status"], "eligible");
    assert_eq!(m["total"], "660000.00");
    assert_eq!(m["bound"], "at_most");
    assert_eq!(m["amounts"][0]["bound"], "at_most");
    assert_eq!(m["gives"], "loan_ceiling");
    // the loan ceiling's kind total is a bound too; the outlay is untouched
    assert_eq!(v["totals_by_kind"]["loan_ceiling"], "660000.00");
    assert_eq!(v["bounds_by_kind"]["loan_ceiling"], "at_most");
    assert_eq!(v["bounds_by_kind"]["paid"], "exact");
    assert_eq!(v["total"], "0.00");
    assert_eq!(v["total_bound"], "exact");
    let o = policyc_with(
        &[
            "eval",
            FIXTURE,
            "--facts",
            "-",
            "--date",
            "2020-07-01",
            "--measure",
            "25",
            "--explain",
        ],
        PARTNERS,
    );
    let t = out(&o);
    assert!(
        t.contains("（二十五）合伙创业担保贷款  eligible  at most 660000.00 元 loan_ceiling"),
        "{t}"
    );
    assert!(
        t.contains("at most: the figure is decided by someone else, at most the amount"),
        "{t}"
    );
    assert!(
        t.contains("amount at most 合伙人数 * 合伙创业贷款上限 * 110%  → 660000 元"),
        "{t}"
    );
    assert!(
        t.contains(
            "loan_ceiling at most 660000.00 元: loan ceiling (credit, not paid), not in the total"
        ),
        "{t}"
    );
    let v = eval(PARTNERS, &["--measure", "25", "--explain"]);
    assert_eq!(
        v["measures"][0]["explanation"]["rules"][0]["bound"],
        "at_most"
    );
}

#[test]
fn batch_lines_and_summaries_carry_a_rules_own_bound() {
    let dir = std::env::temp_dir().join(format!("policyc-own-bounds-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for engine in ["rows", "columnar"] {
        let summary = dir.join(format!("s-{engine}.json"));
        let o = policyc_with(
            &[
                "batch",
                FIXTURE,
                "--input",
                "-",
                "--date",
                "2020-07-01",
                "--measure",
                "25",
                "--engine",
                engine,
                "--summary",
                summary.to_str().unwrap(),
            ],
            PARTNERS,
        );
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        let line: Value = serde_json::from_str(out(&o).trim()).unwrap();
        let m = &line["measures"]["25"];
        assert_eq!(m["amount"], "660000.00", "{engine}: {line}");
        assert_eq!(m["bound"], "at_most", "{engine}: {line}");
        let s: Value = serde_json::from_str(&std::fs::read_to_string(&summary).unwrap()).unwrap();
        assert_eq!(s["measures"][0]["bound"], "at_most", "{s}");
        assert_eq!(s["bounds_by_kind"]["loan_ceiling"], "at_most", "{s}");
        assert_eq!(s["total_bound"], "exact", "{s}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains("at most 660000.00"), "{err}");
    }
}

const HIRED: &str = r#"{"entity": "企业", "facts": {"吸纳人数": 5}}"#;

#[test]
fn a_condition_on_a_bound_is_decided_only_when_the_bound_cannot_change_it() {
    // 标准 is at least 1000 元/人: `>= 1100` may be either
    let v = eval(HIRED, &["--measure", "13"]);
    let m = &v["measures"][0];
    assert_eq!(m["status"], "undetermined", "{m}");
    assert_eq!(m["undetermined"]["param"], "吸纳补贴标准");
    // set by the locality: decided
    let v = eval(HIRED, &["--measure", "13", "--locality", "包头市"]);
    assert_eq!(v["measures"][0]["status"], "eligible");
    assert_eq!(v["measures"][0]["total"], "500.00");
}

/// Each comparison of a value that is at least 1000: decided where the
/// truth cannot change above 1000, undetermined where it can.
#[test]
fn every_comparison_of_a_lower_bound() {
    let cases = [
        ("标准 >= 900 元/人", Some(true)),
        ("标准 >= 1000 元/人", Some(true)),
        ("标准 > 1000 元/人", None),
        ("标准 >= 1100 元/人", None),
        ("标准 < 900 元/人", Some(false)),
        ("标准 <= 1000 元/人", None),
        ("标准 == 900 元/人", Some(false)),
        ("标准 == 1000 元/人", None),
        ("标准 != 900 元/人", Some(true)),
        ("标准 != 1000 元/人", None),
        ("900 元/人 < 标准", Some(true)),
        ("1100 元/人 <= 标准", None),
        ("-标准 < -900 元/人", Some(true)),
        ("-标准 > -1100 元/人", None),
        ("标准 - 上限 >= 0 元/人", None),
        ("min(标准, 2000 元/人) >= 900 元/人", None),
        // a failed side decides: the bound is not needed
        ("人数 > 100 人 and 标准 >= 1100 元/人", Some(false)),
    ];
    for (cond, want) in cases {
        let text = format!(
            "entity 企业 {{\n  人数: integer<人>\n}}\n\
             parameter 标准: money/人 by locality default 1000 元/人 floor 1000 元/人\n\
             parameter 上限: money/人 by locality default 2000 元/人 cap 2000 元/人\n\
             measure 1 \"a\" {{\n  kind benefit\n  to 企业\n  rule r {{\n    when {cond}\n    amount 100 元\n  }}\n}}\n"
        );
        let path = temp_file("own-bounds-cmp", "c.policy", &text);
        let o = policyc_with(
            &[
                "eval",
                path.to_str().unwrap(),
                "--facts",
                "-",
                "--date",
                "2020-07-01",
                "--format",
                "json",
            ],
            r#"{"entity": "企业", "facts": {"人数": 3}}"#,
        );
        let v: Value = serde_json::from_str(&out(&o)).unwrap();
        let status = v["measures"][0]["status"].as_str().unwrap().to_string();
        let want = match want {
            Some(true) => "eligible",
            Some(false) => "not_eligible",
            None => "undetermined",
        };
        assert_eq!(status, want, "{cond}: {v}");
    }
}

#[test]
fn opposite_bounds_are_undetermined_and_a_cap_reached_is_exact() {
    let text = "entity 企业 {\n  人数: integer<人>\n}\n\
        parameter 标准: money/人 by locality default 1000 元/人 floor 1000 元/人\n\
        measure 1 \"a\" {\n  kind benefit\n  to 企业\n  rule r {\n    when 人数 > 0 人\n    amount at most 人数 * 标准\n  }\n}\n\
        measure 2 \"b\" {\n  kind benefit\n  to 企业\n  rule r {\n    when 人数 > 0 人\n    amount at least 人数 * 标准\n    cap 2000 元\n  }\n}\n\
        measure 3 \"c\" {\n  kind benefit\n  to 企业\n  rule r {\n    when 人数 > 0 人\n    amount at least 人数 * 100 元/人\n  }\n}\n\
        locality 甲市 {\n  标准 = 1200 元/人\n}\n";
    let path = temp_file("own-bounds-join", "j.policy", text);
    let run = |extra: &[&str]| -> Value {
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
        let o = policyc_with(&args, r#"{"entity": "企业", "facts": {"人数": 3}}"#);
        serde_json::from_str(&out(&o)).unwrap()
    };
    let v = run(&[]);
    // at most (the rule) of at least (the parameter): nothing is known
    assert_eq!(v["measures"][0]["status"], "undetermined", "{v}");
    assert_eq!(v["measures"][0]["undetermined"]["param"], "标准");
    // at least 3000, capped at 2000: exactly the cap
    assert_eq!(v["measures"][1]["total"], "2000.00");
    assert_eq!(v["measures"][1]["bound"], "exact");
    assert_eq!(v["measures"][2]["bound"], "at_least");
    assert_eq!(v["measures"][2]["total"], "300.00");
    // in 甲市 the parameter is set: the rule's own bound alone
    let v = run(&["--locality", "甲市"]);
    assert_eq!(v["measures"][0]["status"], "eligible");
    assert_eq!(v["measures"][0]["bound"], "at_most");
    assert_eq!(v["measures"][0]["total"], "3600.00");
}

#[test]
fn fmt_keeps_the_bound_and_diff_says_it_in_words() {
    let o = policyc(&["fmt", "--check", FIXTURE]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}{}",
        out(&o),
        String::from_utf8_lossy(&o.stderr)
    );
    let old = std::fs::read_to_string(FIXTURE).unwrap();
    let new = old.replace(
        "amount at most 合伙人数 * 合伙创业贷款上限 * 110%",
        "amount 合伙人数 * 合伙创业贷款上限 * 110%",
    );
    assert_ne!(old, new);
    let a = temp_file("own-bounds-diff", "old.policy", &old);
    let b = temp_file("own-bounds-diff", "new.policy", &new);
    let o = policyc(&["diff", b.to_str().unwrap(), a.to_str().unwrap()]);
    let t = out(&o);
    assert!(
        t.contains("rule 合伙: amount became an upper bound (at most: the figure is decided by someone else) (was the figure)"),
        "{t}"
    );
}

//! Issue 14, point 7: examples that test what matters. An `expect` checks
//! the bound of the total (`at least` / `at most`), the amount of each part,
//! the code of an evaluation error and the parameter an undetermined outcome
//! waits for; a failing example says what was expected and what came, in
//! the same words. `fmt` keeps the forms and `diff` names them.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failed expectation should stop the test loudly"
)]

use std::process::Output;

#[path = "common/run.rs"]
mod run;
use run::{compile, policyc, temp_file};

const FIXTURE: &str = "tests/fixtures/own_bounds.policy";

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn the_fixture_passes_with_every_new_form() {
    let o = policyc(&["test", FIXTURE, "-v"]);
    let t = out(&o);
    assert_eq!(o.status.code(), Some(0), "{t}");
    assert!(t.contains("8 passed, 0 failed"), "{t}");
}

#[test]
fn the_ir_carries_the_expectations() {
    let text = std::fs::read_to_string(FIXTURE).unwrap();
    let p = compile("own_bounds.policy", &text).unwrap();
    let m = p.measures.iter().find(|m| m.number == 25).unwrap();
    assert_eq!(m.rules[0].bound, Some(policyc::ir::AmountBound::AtMost));
    assert_eq!(
        m.examples[0].expect.bound,
        Some(policyc::ir::AmountBound::AtMost)
    );
    let m = p.measures.iter().find(|m| m.number == 14).unwrap();
    assert_eq!(
        m.examples[0].expect.error.as_deref(),
        Some("division_by_zero")
    );
    assert_eq!(m.examples[1].expect.unset.as_deref(), Some("月补贴"));
}

/// Each new check fails on a wrong expectation, and the message gives both
/// sides in the words of `expect`.
#[test]
fn each_mismatch_says_what_was_expected_and_what_came() {
    let text = std::fs::read_to_string(FIXTURE).unwrap();
    let cases = [
        (
            "expect eligible may loan_ceiling at most 660000 元",
            "expect eligible may loan_ceiling at least 660000 元",
            "expected eligible may loan_ceiling at least 660000 元\n     got      eligible may loan_ceiling at most 660000 元",
        ),
        (
            "expect eligible at least 5000 元",
            "expect eligible at most 5000 元",
            "expected eligible at most 5000 元\n     got      eligible at least 5000 元",
        ),
        (
            "expect error division_by_zero",
            "expect error overflow",
            "expected error overflow\n     got      error division_by_zero — rule `月`",
        ),
        (
            "expect undetermined 吸纳补贴标准",
            "expect undetermined 月补贴",
            "expected undetermined 月补贴\n     got      undetermined 吸纳补贴标准 — parameter `吸纳补贴标准`",
        ),
    ];
    for (from, to, want) in cases {
        assert!(text.contains(from), "{from}");
        let path = temp_file("expect-mismatch", "m.policy", &text.replacen(from, to, 1));
        let o = policyc(&["test", path.to_str().unwrap()]);
        let t = out(&o);
        assert_eq!(o.status.code(), Some(1), "{to}: {t}");
        assert!(t.contains("7 passed, 1 failed"), "{to}: {t}");
        assert!(t.contains(want), "{to}: {t}");
    }
}

const PARTS: &str = r#"entity 企业 {
  吸纳人数: integer<人>
  培训天数: integer<天>
}

parameter 标准: money/人 by locality default 1000 元/人 floor 1000 元/人

measure 12 "吸纳就业补贴" {
  kind benefit
  to 企业
  rule 吸纳 part 吸纳就业补贴 {
    when 吸纳人数 > 0 人
    amount 吸纳人数 * 标准
  }
  rule 培训 part 职业培训补贴 {
    when 培训天数 > 0 天
    amount 培训天数 * 50 元/天
  }
  example "两部分" {
    date 2020-07-01
    企业 { 吸纳人数: 5 人, 培训天数: 2 天 }
    expect eligible at least 5100 元 part 吸纳就业补贴 at least 5000 元 part 职业培训补贴 100 元
  }
}
"#;

#[test]
fn an_example_checks_each_part() {
    let path = temp_file("expect-parts", "p.policy", PARTS);
    let o = policyc(&["test", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", out(&o));
    for (from, to, want) in [
        (
            "part 职业培训补贴 100 元",
            "part 职业培训补贴 200 元",
            "got      eligible at least 5100 元 part 吸纳就业补贴 at least 5000 元 part 职业培训补贴 100 元",
        ),
        (
            "part 吸纳就业补贴 at least 5000 元",
            "part 吸纳就业补贴 at most 5000 元",
            "expected eligible at least 5100 元 part 吸纳就业补贴 at most 5000 元 part 职业培训补贴 100 元",
        ),
        (
            "培训天数: 2 天 }",
            "培训天数: 0 天 }",
            "part 职业培训补贴 nothing",
        ),
    ] {
        let path = temp_file("expect-parts", "q.policy", &PARTS.replacen(from, to, 1));
        let o = policyc(&["test", path.to_str().unwrap()]);
        let t = out(&o);
        assert_eq!(o.status.code(), Some(1), "{to}: {t}");
        assert!(t.contains(want), "{to}: {t}");
    }
}

#[test]
fn fmt_is_canonical_on_the_new_forms_and_diff_names_them() {
    let path = temp_file("expect-fmt", "f.policy", PARTS);
    let o = policyc(&["fmt", "--check", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", out(&o));
    let messy = PARTS.replace(
        "expect eligible at least 5100 元 part",
        "expect   eligible at   least 5100 元\n    part",
    );
    let path = temp_file("expect-fmt", "g.policy", &messy);
    let o = policyc(&["fmt", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), PARTS);
    // diff of examples: the expectation in words
    let a = temp_file("expect-diff", "a.policy", PARTS);
    let b = temp_file(
        "expect-diff",
        "b.policy",
        &PARTS.replacen("part 职业培训补贴 100 元", "part 职业培训补贴 200 元", 1),
    );
    let o = policyc(&["diff", a.to_str().unwrap(), b.to_str().unwrap()]);
    let t = out(&o);
    assert!(t.contains("part 职业培训补贴 200 元"), "{t}");
}

#[test]
fn the_seed_pins_its_lower_bounds() {
    let text =
        std::fs::read_to_string("policies/seed/05_促进农村牧区劳动力就业创业.policy").unwrap();
    assert!(text.contains("expect eligible at least 2000 元"));
    let o = policyc(&["test", "policies"]);
    let t = out(&o);
    assert_eq!(o.status.code(), Some(0), "{t}");
    assert!(t.trim_end().ends_with(" passed, 0 failed"), "{t}");
}

//! The review a person can act on (issue 19): a rewrite to an equal value is
//! said to be one, and is no change of meaning.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failed expectation should stop the test loudly"
)]

#[path = "common/run.rs"]
mod run;

use policyc::diff::{self, ChangeKind};

fn policy(standard: &str, amount: &str) -> String {
    format!(
        r#"document {{ issued 2020-05-09 }}
entity 个人 {{ 符合条件: bool }}
locality 甲市 {{ }}
parameter 生活费补贴标准: money {standard}
measure 1 "生活费补贴" {{
  kind benefit
  to 个人
  rule 补贴 {{
    when 符合条件
    amount {amount}
  }}
}}
"#
    )
}

#[test]
fn an_amount_rewritten_to_its_value_is_the_same_value() {
    let old = run::compile("old.policy", &policy("= 1500 元", "生活费补贴标准")).unwrap();
    let new = run::compile("new.policy", &policy("= 1500 元", "1500 元")).unwrap();
    let changes = diff::diff(&old, &new);
    assert_eq!(changes.len(), 1, "{changes:?}");
    assert_eq!(changes[0].kind, ChangeKind::SameValue);
    assert_eq!(
        diff::render_text(&changes),
        "（一）生活费补贴: rule 补贴: amount 生活费补贴标准 → 1500 元: same value, 1500 元\n"
    );
    assert!(!diff::changes_meaning(&changes));
    assert!(diff::render_json(&changes).contains("\"equal\": true"));
    // through the command line: exit 0, the two mean the same
    let a = run::temp_file(
        "diff-review",
        "old.policy",
        &policy("= 1500 元", "生活费补贴标准"),
    );
    let b = run::temp_file("diff-review", "new.policy", &policy("= 1500 元", "1500 元"));
    let o = run::policyc(&["diff", a.to_str().unwrap(), b.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&o.stdout).contains("same value, 1500 元"));
}

#[test]
fn a_value_that_differs_on_some_day_or_in_some_place_is_a_change() {
    // a dated parameter: 1500 元 only from 2020-06-01, the measure from 2020-05-09
    let dated = "{\n  1000 元 from 2020-01-01\n  1500 元 from 2020-06-01\n}";
    let old = run::compile("old.policy", &policy(dated, "生活费补贴标准")).unwrap();
    let new = run::compile("new.policy", &policy(dated, "1500 元")).unwrap();
    let changes = diff::diff(&old, &new);
    assert_eq!(changes[0].kind, ChangeKind::AmountChanged, "{changes:?}");
    assert!(diff::changes_meaning(&changes));
    // a value each locality sets
    let by_locality = "by locality default 1500 元";
    let old = run::compile("old.policy", &policy(by_locality, "生活费补贴标准")).unwrap();
    let new = run::compile("new.policy", &policy(by_locality, "1500 元")).unwrap();
    assert_eq!(diff::diff(&old, &new)[0].kind, ChangeKind::SameValue);
    let old = run::compile(
        "old.policy",
        &policy(by_locality, "生活费补贴标准").replace(
            "locality 甲市 { }",
            "locality 甲市 { 生活费补贴标准 = 1800 元 }",
        ),
    )
    .unwrap();
    let new = run::compile(
        "new.policy",
        &policy(by_locality, "1500 元").replace(
            "locality 甲市 { }",
            "locality 甲市 { 生活费补贴标准 = 1800 元 }",
        ),
    )
    .unwrap();
    assert_eq!(diff::diff(&old, &new)[0].kind, ChangeKind::AmountChanged);
    // an amount reading a fact is never judged equal
    let old = run::compile("old.policy", &policy("= 1500 元", "生活费补贴标准")).unwrap();
    let new = run::compile(
        "new.policy",
        &policy("= 1500 元", "if 符合条件 then 1500 元 else 1500 元"),
    )
    .unwrap();
    assert_eq!(diff::diff(&old, &new)[0].kind, ChangeKind::AmountChanged);
}

//! Issue 14, point 1: every amount carries its kind of value, and totals never
//! add different kinds. The `total` of an evaluation, a batch line and a batch
//! summary is the budget outlay (money paid or refunded); a loan ceiling is
//! apart. Each test fails on the main branch before the change (where every
//! amount added into one total and `gives` was not a word of the language).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failed expectation should stop the test loudly"
)]

use std::path::PathBuf;

use policyc::ir::Gives;
use serde_json::Value;

#[path = "common/run.rs"]
mod run;
use run::policyc;

fn temp_file(name: &str, content: &str) -> PathBuf {
    run::temp_file("kinds", name, content)
}

fn compile(text: &str) -> Result<policyc::ir::Policy, String> {
    run::compile("kinds.policy", text)
}

/// A person eligible for （七） (a loan ceiling of 200 000 元), （二十一）
/// (7 680 元 paid) and （二十五） (1 000 元 paid).
const PERSON: &str = r#"{"entity":"个人","facts":{"符合创业担保贷款条件":true,"创业人数":"1 人","本年度内领取失业保险金期满仍未就业":true,"距法定退休年龄月数":"120 个月","是否农村牧区劳动力":true,"取得培训合格证":true,"累计培训天数":"10 天"}}"#;

#[test]
fn eval_json_total_excludes_the_loan_ceiling_which_has_its_kind() {
    let facts = temp_file("person.json", PERSON);
    let o = policyc(&[
        "eval",
        "policies",
        "--facts",
        facts.to_str().unwrap(),
        "--date",
        "2020-07-01",
        "--locality",
        "呼和浩特市",
        "--format",
        "json",
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    // 7680 + 1000 paid; the 200 000 loan ceiling is not budget outlay
    assert_eq!(v["total"], "8680.00");
    assert_eq!(v["totals_by_kind"]["paid"], "8680.00");
    assert_eq!(v["totals_by_kind"]["loan_ceiling"], "200000.00");
    assert_eq!(v["totals_by_kind"]["refunded"], "0.00");
    let m = |n: u64| {
        v["measures"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["number"] == n)
            .unwrap()
            .clone()
    };
    let seven = m(7);
    assert_eq!(seven["status"], "eligible");
    assert_eq!(seven["total"], "200000.00");
    assert_eq!(seven["gives"], "loan_ceiling");
    assert_eq!(seven["amounts"][0]["kind"], "loan_ceiling");
    for n in [21, 25] {
        assert_eq!(m(n)["gives"], "paid", "measure {n}");
        assert_eq!(m(n)["amounts"][0]["kind"], "paid", "measure {n}");
    }

    // the text says the same
    let o = policyc(&[
        "eval",
        "policies",
        "--facts",
        facts.to_str().unwrap(),
        "--date",
        "2020-07-01",
        "--locality",
        "呼和浩特市",
        "--explain",
    ]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("total 8680.00 元 (CNY) paid or refunded"),
        "{text}"
    );
    assert!(
        text.contains(
            "loan_ceiling 200000.00 元: loan ceiling (credit, not paid), not in the total"
        ),
        "{text}"
    );
    assert!(
        text.contains("eligible  200000.00 元 loan_ceiling"),
        "{text}"
    );
    // explanations name the kind of each rule
    assert!(
        text.contains("gives loan_ceiling: loan ceiling (credit, not paid)"),
        "{text}"
    );
}

#[test]
fn batch_summary_over_sampled_persons_totals_loan_ceilings_apart() {
    let o = policyc(&[
        "sample", "policies", "--entity", "个人", "--count", "400", "--seed", "14",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let mut records = String::from_utf8(o.stdout).unwrap();
    // and the person above, so that （七） is certainly eligible once
    records.push_str(PERSON);
    records.push('\n');
    let input = temp_file("persons.jsonl", &records);
    let summary = input.with_file_name("summary.json");
    let o = policyc(&[
        "batch",
        "policies",
        "--input",
        input.to_str().unwrap(),
        "--date",
        "2020-07-01",
        "--locality",
        "呼和浩特市",
        "--summary",
        summary.to_str().unwrap(),
    ]);
    let lines = String::from_utf8(o.stdout).unwrap();
    let s: Value = serde_json::from_str(&std::fs::read_to_string(&summary).unwrap()).unwrap();
    let dec = |v: &Value| {
        v.as_str()
            .unwrap()
            .parse::<rust_decimal::Decimal>()
            .unwrap()
    };
    let measures = s["measures"].as_array().unwrap();
    let seven = measures.iter().find(|m| m["number"] == 7).unwrap();
    assert_eq!(seven["gives"], "loan_ceiling");
    assert!(dec(&seven["total"]) >= rust_decimal::Decimal::from(200_000));
    // the loan ceilings are their own total, and not in the outlay
    assert_eq!(
        dec(&s["totals_by_kind"]["loan_ceiling"]),
        dec(&seven["total"])
    );
    let mut outlay = rust_decimal::Decimal::ZERO;
    for m in measures {
        if matches!(m["gives"].as_str(), Some("paid" | "refunded")) {
            outlay += dec(&m["total"]);
        }
    }
    assert_eq!(dec(&s["total"]), outlay);
    assert_eq!(
        dec(&s["total"]),
        dec(&s["totals_by_kind"]["paid"]) + dec(&s["totals_by_kind"]["refunded"])
    );

    // each result line: the outlay, the loan ceiling apart, each amount's kind
    let last: Value = serde_json::from_str(lines.lines().last().unwrap()).unwrap();
    assert_eq!(last["total"], "8680.00");
    assert_eq!(last["totals_by_kind"]["loan_ceiling"], "200000.00");
    assert_eq!(last["measures"]["7"]["kind"], "loan_ceiling");
    assert_eq!(last["measures"]["21"]["kind"], "paid");
    // the sum of the lines' totals is the summary's
    let mut sum = rust_decimal::Decimal::ZERO;
    let mut loans = rust_decimal::Decimal::ZERO;
    for l in lines.lines() {
        let v: Value = serde_json::from_str(l).unwrap();
        if v.get("rejected").is_some() {
            continue;
        }
        sum += dec(&v["total"]);
        if let Some(t) = v.get("totals_by_kind").and_then(|t| t.get("loan_ceiling")) {
            loans += dec(t);
        }
    }
    assert_eq!(sum, dec(&s["total"]));
    assert_eq!(loans, dec(&s["totals_by_kind"]["loan_ceiling"]));

    // the text summary has a row for loan ceilings, outside the total
    let o = policyc(&[
        "batch",
        "policies",
        "--input",
        input.to_str().unwrap(),
        "--date",
        "2020-07-01",
        "--locality",
        "呼和浩特市",
        "--format",
        "csv",
    ]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("loan_ceiling (not in the total)"), "{err}");
    let csv = String::from_utf8_lossy(&o.stdout);
    assert!(
        csv.starts_with(
            "line,id,entity,total,paid,refunded,fee_reduced,interest_subsidy,loan_ceiling,"
        ),
        "{csv}"
    );
    assert!(
        csv.lines()
            .last()
            .unwrap()
            .contains(",8680.00,8680.00,0.00,0.00,0.00,200000.00,"),
        "{csv}"
    );
}

const BASE: &str = "entity 个人 {\n  符合条件: bool\n  人数: integer<人>\n}\n";

#[test]
fn the_kind_follows_the_measure_kind_unless_a_rule_says_it() {
    let p = compile(&format!(
        "{BASE}measure 1 \"补贴\" {{\n  kind benefit\n  to 个人\n  rule 甲 {{ amount 100 元 }}\n}}\n\
         measure 2 \"返还\" {{\n  kind refund\n  to 个人\n  rule 甲 {{ amount 100 元 }}\n}}\n\
         measure 3 \"减免\" {{\n  kind fee_waiver\n  to 个人\n  rule 甲 {{ amount 100 元 }}\n}}\n\
         measure 4 \"贷款\" {{\n  kind loan_terms\n  to 个人\n  rule 甲 {{ amount 100 元 }}\n}}\n\
         measure 5 \"贴息\" {{\n  kind loan_terms\n  to 个人\n  rule 甲 {{ amount 100 元 gives interest_subsidy }}\n}}\n\
         measure 6 \"延期\" {{\n  kind deferral\n  to 个人\n  rule 甲 {{ when 符合条件 }}\n}}\n"
    ))
    .unwrap();
    let kinds: Vec<Gives> = p.measures.iter().map(|m| m.rules[0].gives).collect();
    assert_eq!(
        kinds,
        [
            Gives::Paid,
            Gives::Refunded,
            Gives::FeeReduced,
            Gives::LoanCeiling,
            Gives::InterestSubsidy,
            Gives::None
        ]
    );
    // the IR carries the resolved kind of every rule
    let json = p.to_json().unwrap();
    assert!(json.contains("\"gives\": \"interest_subsidy\""), "{json}");
    assert!(json.contains("\"gives\": \"none\""), "{json}");
    assert!(json.contains("\"ir_version\": \"3.1\""));

    // only paid and refunded are in the total; each kind has its own
    let f = policyc::eval::Facts::from_json(&p, r#"{"entity":"个人","facts":{"符合条件":true}}"#)
        .unwrap();
    let req = policyc::eval::Request {
        date: chrono::NaiveDate::from_ymd_opt(2020, 7, 1).unwrap(),
        locality: None,
        explain: false,
    };
    let ev = policyc::eval::evaluate(&p, &f, &req).unwrap();
    assert_eq!(ev.total.to_string(), "200.00");
    let t = ev.totals_by_kind;
    assert_eq!(
        [
            t.paid,
            t.refunded,
            t.fee_reduced,
            t.interest_subsidy,
            t.loan_ceiling
        ]
        .map(|d| d.to_string()),
        ["100.00", "100.00", "100.00", "100.00", "100.00"]
    );
}

#[test]
fn wrong_kinds_are_specific_check_errors() {
    let cases = [
        (
            "  kind loan_terms\n  to 个人\n  rule 甲 { amount 1 元 gives loan_ceil }\n",
            "policy::check::unknown_gives",
            "did you mean `loan_ceiling`?",
        ),
        (
            "  kind deferral\n  to 个人\n  rule 甲 { amount 1 元 }\n",
            "policy::check::amount_gives_none",
            "a `deferral` measure gives no money",
        ),
        (
            "  kind benefit\n  to 个人\n  rule 甲 { amount 1 元 gives none }\n",
            "policy::check::amount_gives_none",
            "`none` is no money",
        ),
        (
            "  kind benefit\n  to 个人\n  rule 甲 part 一 { amount 1 元 }\n  rule 乙 part 二 { amount 1 元 gives loan_ceiling }\n",
            "policy::check::mixed_gives",
            "`paid` in rule `甲`, `loan_ceiling` in rule `乙`",
        ),
        (
            "  kind benefit\n  to 个人\n  rule 甲 { amount 1 元 gives paid gives paid }\n",
            "policy::check::duplicate_clause",
            "`gives` is given twice",
        ),
    ];
    for (body, code, words) in cases {
        let e = compile(&format!("{BASE}measure 1 \"m\" {{\n{body}}}\n")).unwrap_err();
        assert!(e.contains(code), "{body}\n{e}");
        assert!(e.contains(words), "{body}\n{e}");
    }
    // `gives` is a keyword: not a name
    let e = compile("entity gives { a: bool }\n").unwrap_err();
    assert!(e.contains("policy::syntax::unexpected"), "{e}");
}

#[test]
fn an_ir_file_with_an_amount_of_no_kind_or_mixed_kinds_is_refused() {
    let p = compile(&format!(
        "{BASE}measure 1 \"m\" {{\n  kind benefit\n  to 个人\n  rule 甲 part 一 {{ amount 1 元 }}\n  rule 乙 part 二 {{ amount 2 元 }}\n}}\n"
    ))
    .unwrap();
    let json = p.to_json().unwrap();
    assert!(policyc::ir::Policy::from_json(&json).is_ok());
    let none = json.replacen("\"gives\": \"paid\"", "\"gives\": \"none\"", 1);
    let e = policyc::ir::Policy::from_json(&none)
        .unwrap_err()
        .to_string();
    assert!(e.contains("gives `none`"), "{e}");
    let mixed = json.replacen("\"gives\": \"paid\"", "\"gives\": \"loan_ceiling\"", 1);
    let e = policyc::ir::Policy::from_json(&mixed)
        .unwrap_err()
        .to_string();
    assert!(e.contains("different kinds"), "{e}");
    // an IR without `gives` (version 2.0) is not read
    let old = json.replace(",\n          \"gives\": \"paid\"", "");
    assert!(policyc::ir::Policy::from_json(&old).is_err());
}

#[test]
fn examples_can_expect_a_kind_and_fail_on_another() {
    let ok = format!(
        "{BASE}measure 7 \"额度\" {{\n  kind loan_terms\n  to 个人\n  rule 甲 {{ when 符合条件 amount 人数 * 200000 元/人 }}\n  \
         example \"一人\" {{\n    date 2020-06-01\n    个人 {{ 符合条件: true, 人数: 1 人 }}\n    expect eligible loan_ceiling 200000 元\n  }}\n}}\n"
    );
    let path = temp_file("expect_ok.policy", &ok);
    let o = policyc(&["test", path.to_str().unwrap()]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    let bad = ok.replace("expect eligible loan_ceiling", "expect eligible paid");
    let path = temp_file("expect_bad.policy", &bad);
    let o = policyc(&["test", path.to_str().unwrap()]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(out.contains("expected eligible paid 200000 元"), "{out}");
    assert!(
        out.contains("got      eligible loan_ceiling 200000 元"),
        "{out}"
    );
}

#[test]
fn fmt_keeps_gives_and_round_trips() {
    let src = "entity 个人 { 人数: integer<人> }\nmeasure 7 \"额度\" {\n  kind loan_terms\n  to 个人\n  rule 甲 {\n    amount 人数 * 200000 元/人\n    gives   loan_ceiling\n  }\n  example \"一人\" {\n    date 2020-06-01\n    个人 { 人数: 1 人 }\n    expect   eligible   loan_ceiling   200000 元\n  }\n}\n";
    let once = policyc::fmt::format_source(src).unwrap();
    assert!(once.contains("\n    gives loan_ceiling\n"), "{once}");
    assert!(
        once.contains("expect eligible loan_ceiling 200000 元"),
        "{once}"
    );
    assert_eq!(policyc::fmt::format_source(&once).unwrap(), once);
    let (a, b) = (compile(src).unwrap(), compile(&once).unwrap());
    assert_eq!(a.measures[0].rules[0].gives, Gives::LoanCeiling);
    assert_eq!(b.measures[0].rules[0].gives, Gives::LoanCeiling);
    assert_eq!(
        a.measures[0].examples[0].expect,
        b.measures[0].examples[0].expect
    );
    assert_eq!(
        b.measures[0].examples[0].expect.kind,
        Some(Gives::LoanCeiling)
    );
}

#[test]
fn diff_says_a_changed_kind_in_words() {
    let old = compile(&format!(
        "{BASE}measure 7 \"额度\" {{\n  kind loan_terms\n  to 个人\n  rule 甲 {{ amount 100 元 }}\n}}\n"
    ))
    .unwrap();
    let new = compile(&format!(
        "{BASE}measure 7 \"额度\" {{\n  kind loan_terms\n  to 个人\n  rule 甲 {{ amount 100 元 gives paid }}\n}}\n"
    ))
    .unwrap();
    let changes = policyc::diff::diff(&old, &new);
    let c = changes
        .iter()
        .find(|c| c.what == "rule 甲: gives")
        .unwrap_or_else(|| panic!("{changes:?}"));
    assert_eq!(
        c.message,
        "rule 甲: gives loan ceiling (credit, not paid) → money paid"
    );
    // the same kind written out is no change
    let same = compile(&format!(
        "{BASE}measure 7 \"额度\" {{\n  kind loan_terms\n  to 个人\n  rule 甲 {{ amount 100 元 gives loan_ceiling }}\n}}\n"
    ))
    .unwrap();
    assert!(policyc::diff::diff(&old, &same).is_empty());
}

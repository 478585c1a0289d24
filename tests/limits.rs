//! Limits: every one is a clean diagnostic or an evaluation error that names
//! the rule — never a crash, a hang or a wrong number. And evaluation is total.
//!
//! The evaluation limits use `tests/bad/facts.policy`: measure 1 divides by a
//! fact (`上年度失业保险费 / 参保职工人数`), measure 2 multiplies a fact by another
//! three times, measure 3 moves a date by a number of months, measure 4 by a
//! number of years.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failed expectation should stop the test loudly"
)]

use std::process::Command;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use policyc::eval::{self, EvalError, Facts, MeasureResult, Request};
use policyc::ir::{Policy, Status};
use policyc::limits::MAX_EXCEPTION_DEPTH;
use policyc::source::SourceMap;

const FIXTURE: &str = "tests/bad/facts.policy";

fn fixture() -> Policy {
    let mut map = SourceMap::new();
    map.add(FIXTURE, std::fs::read_to_string(FIXTURE).unwrap());
    policyc::compile(&map).unwrap()
}

fn compile(text: &str) -> Result<Policy, Vec<String>> {
    let mut map = SourceMap::new();
    map.add("limits.policy", text);
    policyc::compile(&map).map_err(|d| d.iter().map(|d| d.code()).collect())
}

fn date(s: &str) -> NaiveDate {
    policyc::syntax::parse_date(s).unwrap()
}

/// Evaluates measure `number` of the fixture for `facts` (JSON of the `facts` object).
fn measure(number: u32, facts: &str) -> MeasureResult<'static> {
    // a result borrows its policy: compile the fixture once for all tests
    static FIXTURE_POLICY: std::sync::OnceLock<Policy> = std::sync::OnceLock::new();
    let p = FIXTURE_POLICY.get_or_init(fixture);
    let f = Facts::from_json(p, &format!("{{\"entity\": \"企业\", \"facts\": {facts}}}")).unwrap();
    let req = Request {
        date: date("2020-07-01"),
        locality: None,
        explain: true,
    };
    let ev = eval::evaluate(p, &f, &req).unwrap();
    ev.measures
        .into_iter()
        .find(|m| m.number == number)
        .unwrap()
}

fn eval_cli(facts: &str) -> (i32, String) {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("limits");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("facts-{}.json", facts.len()));
    std::fs::write(
        &path,
        format!("{{\"entity\": \"企业\", \"facts\": {facts}}}"),
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_policyc"))
        .args([
            "eval",
            FIXTURE,
            "--date",
            "2020-07-01",
            "--format",
            "json",
            "--facts",
        ])
        .arg(&path)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

// ---------------------------------------------------------------------------
// Evaluation: overflow, division by zero, dates out of range

#[test]
fn a_product_too_large_for_exact_decimals_is_an_overflow_naming_the_rule() {
    // the largest facts accepted: 10^15 - 1, multiplied four times over
    let r = measure(
        2,
        r#"{"暂时困难且恢复有望": true, "上年度失业保险费": 999999999999999, "系数": 999999999999999}"#,
    );
    assert_eq!(r.status, Status::Error);
    assert!(
        matches!(r.error.as_deref(), Some(EvalError::Overflow { rule, .. }) if rule == "连乘"),
        "{:?}",
        r.error
    );
    assert!(r.total.is_none() && r.amounts.is_empty());
    assert!(r.reason.contains("连乘"), "{}", r.reason);
}

#[test]
fn a_product_that_would_be_rounded_before_the_fen_is_an_overflow() {
    // 28 digits hold the product only by dropping decimals that change the amount
    let r = measure(
        2,
        r#"{"暂时困难且恢复有望": true, "上年度失业保险费": "999999999999999.99", "系数": "99999.99999"}"#,
    );
    assert_eq!(r.status, Status::Error, "{:?}", r.total);
    assert!(matches!(r.error.as_deref(), Some(EvalError::Overflow { rule, .. }) if rule == "连乘"));
}

#[test]
fn exact_products_are_exact() {
    let r = measure(
        2,
        r#"{"暂时困难且恢复有望": true, "上年度失业保险费": "12345.67", "系数": "1.1"}"#,
    );
    assert_eq!(r.status, Status::Eligible);
    // 12345.67 × 1.1 × 1.1 × 1.1 = 16432.086770 → 16432.09
    assert_eq!(r.total.map(|t| t.to_string()), Some("16432.09".into()));
}

#[test]
fn division_by_a_fact_of_zero_is_an_error_naming_the_rule() {
    let r = measure(
        1,
        r#"{"规模": "小型", "裁员率": "1%", "上年度失业保险费": 48000, "参保职工人数": 0}"#,
    );
    assert_eq!(r.status, Status::Error);
    assert!(
        matches!(r.error.as_deref(), Some(EvalError::DivisionByZero { rule, .. }) if rule == "人均"),
        "{:?}",
        r.error
    );
    let r = measure(
        1,
        r#"{"规模": "小型", "裁员率": "1%", "上年度失业保险费": 48000, "参保职工人数": 7}"#,
    );
    // 48000 / 7 = 6857.142857… → 6857.14
    assert_eq!(r.total.map(|t| t.to_string()), Some("6857.14".into()));
}

#[test]
fn dates_moved_out_of_the_calendar_are_errors_naming_the_rule() {
    // 9999 years after 9999-12-31 is still a date (19998-12-31), after the 1st of July 2020
    let r = measure(
        4,
        r#"{"成立日期": "9999-12-31", "存续年数": 9999, "上年度失业保险费": 3}"#,
    );
    assert_eq!(r.status, Status::NotEligible, "{}", r.reason);
    // the 1st of January of year 1 plus 2019 years is before it: 3 元 / 3
    let r = measure(
        4,
        r#"{"成立日期": "0001-01-01", "存续年数": 2019, "上年度失业保险费": 3}"#,
    );
    assert_eq!(r.status, Status::Eligible, "{}", r.reason);
    assert_eq!(r.total.map(|t| t.to_string()), Some("1.00".into()));
    // 999 999 years after is not
    let r = measure(
        4,
        r#"{"成立日期": "2020-01-01", "存续年数": 999999, "上年度失业保险费": 3}"#,
    );
    assert_eq!(r.status, Status::Error);
    assert!(
        matches!(r.error.as_deref(), Some(EvalError::DateOutOfRange { rule, .. }) if rule == "期满"),
        "{:?}",
        r.error
    );
    // a number of months too large for the calendar
    let r = measure(
        3,
        r#"{"成立日期": "2020-01-01", "缓缴月数": 999999999999999, "月应缴社会保险费": 1}"#,
    );
    assert_eq!(r.status, Status::Error);
    assert!(
        matches!(r.error.as_deref(), Some(EvalError::DateOutOfRange { rule, .. }) if rule == "到期前")
    );
}

#[test]
fn facts_at_the_magnitude_limit_are_refused_with_their_path() {
    let p = fixture();
    for (v, ok) in [
        ("999999999999999", true),
        ("1000000000000000", false),
        ("-1e15", false),
    ] {
        let r = Facts::from_json(
            &p,
            &format!("{{\"entity\": \"企业\", \"facts\": {{\"系数\": {v}}}}}"),
        );
        assert_eq!(r.is_ok(), ok, "{v}");
        if let Err(e) = r {
            assert_eq!(e[0].path, "$.facts.系数");
        }
    }
    assert_eq!(eval::MAX_MAGNITUDE, 1_000_000_000_000_000);
}

#[test]
fn policyc_eval_exits_1_and_names_the_rule() {
    let (code, out) = eval_cli(
        r#"{"规模": "小型", "裁员率": "1%", "上年度失业保险费": 48000, "参保职工人数": 0, "暂时困难且恢复有望": true, "系数": 999999999999999, "成立日期": "2020-01-01", "缓缴月数": 999999999999999, "月应缴社会保险费": 1}"#,
    );
    assert_eq!(code, 1, "{out}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let errors: Vec<&str> = v["measures"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["status"] == "error")
        .map(|m| m["error"]["error"].as_str().unwrap())
        .collect();
    assert_eq!(
        errors,
        ["division_by_zero", "overflow", "date_out_of_range"]
    );
    for rule in ["人均", "连乘", "到期前"] {
        assert!(out.contains(rule), "{rule} not named in\n{out}");
    }
    // and a total that only sums what could be computed exactly
    assert_eq!(v["total"], "0.00");
}

// ---------------------------------------------------------------------------
// Syntax limits

#[test]
fn nesting_without_brackets_is_limited_too() {
    let deep = |expr: String| {
        format!("entity 企业 {{ a: money  b: bool }}\nmeasure 1 \"x\" {{ kind benefit to 企业 rule r {{ {expr} }} }}\n")
    };
    let n = 100_000;
    for (what, src) in [
        (
            "parentheses",
            deep(format!("when {}b{}", "(".repeat(n), ")".repeat(n))),
        ),
        ("not", deep(format!("when {}b", "not ".repeat(n)))),
        ("minus", deep(format!("amount {}a", "- ".repeat(n)))),
        ("plus", deep(format!("amount {}a", "a + ".repeat(n)))),
        ("and", deep(format!("when {}b", "b and ".repeat(n)))),
        ("in", deep(format!("when b{}", " in {x}".repeat(n)))),
        (
            "if",
            deep(format!("amount {}a", "if b then a else ".repeat(n))),
        ),
        (
            "comment with a lone CR",
            format!(
                "// x\r{}",
                deep(format!("when {}b{}", "(".repeat(n), ")".repeat(n)))
            ),
        ),
    ] {
        let start = Instant::now();
        let codes = compile(&src).err().unwrap_or_default();
        assert_eq!(
            codes.first().map(String::as_str),
            Some("policy::syntax::too_deep"),
            "{what}: {codes:?}"
        );
        assert!(start.elapsed() < Duration::from_secs(10), "{what}");
    }
}

#[test]
fn the_deepest_accepted_expression_compiles_exports_loads_and_evaluates() {
    // one level below the limit, in every form that nests
    let limit = policyc::syntax::MAX_DEPTH;
    let n = limit - 8;
    let sources = [
        format!("amount {}a", "a + ".repeat(n)),
        format!("amount {}a{}", "(".repeat(n), ")".repeat(n)),
        format!("amount {}a", "if b then a else ".repeat(n)),
        format!("amount {}a{}", "by e { x => ".repeat(n), " }".repeat(n)),
        format!("amount {}a{}", "max(a, ".repeat(n), ")".repeat(n)),
        format!("when {}b", "not ".repeat(n)),
    ];
    for body in sources {
        let src = format!(
            "enum E {{ x }}\nentity 企业 {{ a: money  b: bool  e: E }}\nmeasure 1 \"x\" {{ kind benefit to 企业 rule r {{ {body} }} }}\n"
        );
        let p = compile(&src).unwrap_or_else(|e| panic!("{e:?}\n{src}"));
        let json = p.to_json().unwrap();
        let back = Policy::from_json(&json).unwrap_or_else(|e| panic!("{e}"));
        assert!(back == p);
        let facts = Facts::from_json(
            &back,
            r#"{"entity": "企业", "facts": {"a": 1, "b": true, "e": "x"}}"#,
        )
        .unwrap();
        let req = Request {
            date: date("2020-07-01"),
            locality: None,
            explain: true,
        };
        let ev = eval::evaluate(&back, &facts, &req).unwrap();
        let _ = eval::render_text(&ev);
    }
}

#[test]
fn json_nested_too_deeply_is_refused_cleanly() {
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let e = Policy::from_json(&deep).unwrap_err();
    assert!(e.to_string().contains("nested deeper than"), "{e}");
    // facts too
    let p = fixture();
    assert!(Facts::from_json(&p, &deep).is_err());
}

#[test]
fn syntax_errors_are_capped_like_check_errors() {
    let mut src = String::from("entity 企业 { a: date }\n");
    for i in 0..300 {
        src.push_str(&format!(
            "measure {} \"m\" {{ kind benefit to 企业 effective 2020-02-{} }}\n",
            i + 1,
            30 + i % 2
        ));
    }
    let codes = compile(&src).unwrap_err();
    assert_eq!(codes.len(), policyc::check::MAX_ERRORS + 1);
    assert_eq!(codes.last().unwrap(), "policy::check::too_many_errors");
    assert!(codes[..200]
        .iter()
        .all(|c| c == "policy::syntax::invalid_literal"));
}

#[test]
fn a_file_on_one_long_line_is_checked_in_linear_time() {
    // 20 000 measures on one line: columns are counted from marks every 256
    // bytes, not from the start of the line
    let mut src = String::from("entity 企业 { a: money } ");
    for i in 0..20_000 {
        src.push_str(&format!(
            "measure {} \"m\" {{ kind benefit to 企业 rule r {{ amount a }} }} ",
            i + 1
        ));
    }
    let start = Instant::now();
    let p = compile(&src).unwrap();
    assert_eq!(p.measures.len(), 20_000);
    let last = &p.measures[19_999].rules[0].source;
    assert_eq!(last.line, 1);
    assert!(last.column > 1_000_000);
    assert!(
        start.elapsed() < Duration::from_secs(60),
        "{:?}",
        start.elapsed()
    );
}

// ---------------------------------------------------------------------------
// Totality

/// Evaluation always terminates, because nothing in the IR can loop:
///
/// - an expression is a finite tree (`Box`es, no references back up), at most
///   `MAX_DEPTH` deep from source and `MAX_JSON_DEPTH` from JSON, and the
///   evaluator recurses structurally over it, visiting every node at most once
///   per evaluation of its parent: the work is linear in the size of the tree;
/// - there are no variables, functions or recursion in the language: a
///   parameter's value is a literal, never an expression;
/// - exceptions point from a rule to one other rule; the checker and the IR
///   loader refuse cycles, and in a policy built in memory with a cycle the
///   rules of the cycle have no base rule above them, so the engines, which
///   walk down from the base rules, never reach them (and a walk deeper than
///   the number of rules stops with an error);
/// - `min`/`max` and `match` iterate over their finite argument lists.
///
/// This test feeds the evaluator the worst shapes there are — the longest
/// exception chain, cycles in a hand-made IR, the deepest expressions — and
/// checks each finishes.
#[test]
fn evaluation_is_total() {
    // the longest chain of exceptions accepted, each applying
    let p = chain_at(MAX_EXCEPTION_DEPTH);
    // … and the checker refuses one link more
    let chain = |links: usize| {
        let mut src = String::from("entity 企业 { a: money }\nmeasure 1 \"x\" {\n kind benefit\n to 企业\n rule r0 { amount a }\n");
        for i in 1..=links {
            src.push_str(&format!(
                " rule r{i} exception to r{} {{ amount a + {i} 元 }}\n",
                i - 1
            ));
        }
        src.push_str("}\n");
        src
    };
    let max = policyc::limits::MAX_EXCEPTION_DEPTH;
    assert_eq!(
        compile(&chain(max + 1)).unwrap_err(),
        ["policy::check::exception_too_deep"]
    );
    assert!(compile(&chain(max)).is_ok());
    let facts = Facts::from_json(&p, r#"{"entity": "企业", "facts": {"a": 1}}"#).unwrap();
    let req = Request {
        date: date("2020-07-01"),
        locality: None,
        explain: true,
    };
    let start = Instant::now();
    let r = eval::evaluate(&p, &facts, &req).unwrap();
    assert_eq!(r.measures[0].status, Status::Eligible);
    assert_eq!(r.total.to_string(), "2.00");
    assert!(start.elapsed() < Duration::from_secs(10));

    // the checker refuses a cycle …
    let cyclic = "entity 企业 { a: money }\nmeasure 1 \"x\" { kind benefit to 企业\n rule r0 exception to r1 { amount a }\n rule r1 exception to r0 { amount a } }\n";
    assert!(compile(cyclic)
        .unwrap_err()
        .contains(&"policy::check::exception_cycle".to_string()));
    // … and the evaluator stops on one written into the JSON by hand
    let mut json: serde_json::Value = serde_json::from_str(&p.to_json().unwrap()).unwrap();
    let rules = json["measures"][0]["rules"].as_array_mut().unwrap();
    rules[0]["exception_to"] = serde_json::json!(0);
    rules[1]["exception_to"] = serde_json::json!(1);
    rules[2]["exception_to"] = serde_json::json!(3);
    rules[3]["exception_to"] = serde_json::json!(2);
    // (the loader refuses it: see tests/ir.rs) …
    let e = Policy::from_json(&json.to_string()).unwrap_err();
    assert_eq!(
        miette::Diagnostic::code(&e)
            .map(|c| c.to_string())
            .as_deref(),
        Some("policy::ir::exception_cycle")
    );
    // … and the engines finish on one built in memory: `r0` and `r1` are
    // each other's exception, so no rule has a base rule above it, none is
    // reached, and the measure has no rule that applies
    let mut looped = p.clone();
    looped.measures[0].rules[0].exception_to = Some(1);
    looped.measures[0].rules[1].exception_to = Some(0);
    let start = Instant::now();
    let r = eval::evaluate(&looped, &facts, &req).unwrap();
    assert!(start.elapsed() < Duration::from_secs(10));
    assert_eq!(r.measures[0].status, Status::NotEligible);
    assert_eq!(r.measures[0].total, None);
    let table = policyc::batch::Table::new(&looped, "企业", vec![facts.clone()]).unwrap();
    let res = table.evaluate(1, date("2020-07-01"), None).unwrap();
    assert_eq!(res.status(0), Some(Status::NotEligible));
    assert_eq!(res.amount(0), None);
}

/// A policy of one measure whose rules `r0` … `r{links}` are each an exception
/// to the one before: `links` exceptions away from the base rule `r0`.
fn exception_chain(links: usize) -> String {
    let mut src = String::from(
        "entity 企业 { a: money }\nmeasure 1 \"x\" {\n kind benefit\n to 企业\n rule r0 { amount a }\n",
    );
    for i in 1..=links {
        src.push_str(&format!(
            " rule r{i} exception to r{} {{ amount a + {i} 元 }}\n",
            i - 1
        ));
    }
    src.push_str("}\n");
    src
}

/// The export of a policy whose rules `r1` … `r{links}` (each `amount a + 1 元`)
/// are each an exception to the one before, `r1` to the base rule `r0`: built
/// from the export of a chain of one link, whatever chains the checker accepts.
fn chain_json(links: usize) -> serde_json::Value {
    let p = compile(&exception_chain(1)).unwrap();
    let mut json: serde_json::Value = serde_json::from_str(&p.to_json().unwrap()).unwrap();
    let rules = json["measures"][0]["rules"].as_array_mut().unwrap();
    let model = rules[1].clone();
    for i in 2..=links {
        let mut r = model.clone();
        r["name"] = serde_json::json!(format!("r{i}"));
        r["exception_to"] = serde_json::json!(i - 1);
        rules.push(r);
    }
    json
}

/// [`chain_json`], loaded.
fn chain_at(links: usize) -> Policy {
    Policy::from_json(&chain_json(links).to_string()).unwrap_or_else(|e| panic!("{e}"))
}

/// Runs `f` on a thread of 2 MiB, the size of a worker thread of `batch`.
fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap()
}

/// Every engine's result for record `{"a": 1}` of `p`: eval, the columnar
/// table, and `policyc batch` with each engine (status and amount of measure 1).
fn chain_results(p: &Policy) -> Vec<(Status, Option<String>)> {
    let facts = Facts::from_json(p, r#"{"entity": "企业", "facts": {"a": 1}}"#).unwrap();
    let on = date("2020-07-01");
    let req = Request {
        date: on,
        locality: None,
        explain: true,
    };
    let r = eval::evaluate(p, &facts, &req).unwrap();
    let mut out = vec![(
        r.measures[0].status,
        r.measures[0].total.map(|t| t.to_string()),
    )];
    let table = policyc::batch::Table::new(p, "企业", vec![facts]).unwrap();
    let res = table.evaluate(1, on, None).unwrap();
    out.push((res.status(0).unwrap(), res.amount(0).map(|t| t.to_string())));
    for engine in [
        policyc::batch::Engine::Columnar,
        policyc::batch::Engine::Rows,
    ] {
        let mut opts = policyc::batch::BatchOptions::new(on);
        opts.engine = engine;
        let line = "{\"entity\": \"企业\", \"facts\": {\"a\": 1}}\n";
        let (text, _) = policyc::batch::run_text(p, line, &opts).unwrap();
        let v: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
        let m = &v["measures"]["1"];
        out.push((
            Status::parse(m["status"].as_str().unwrap()).unwrap(),
            m["amount"].as_str().map(str::to_string),
        ));
    }
    out
}

/// Issue "Reliability under attack": a chain of a few thousand exceptions
/// overflowed the stack in `batch` (on the worker thread of the row fallback)
/// and when evaluating an exported IR. The loader refuses a chain deeper than
/// `MAX_EXCEPTION_DEPTH`; one at the limit evaluates on a 2 MiB thread in every
/// engine and through the exported IR; and no engine recurses per exception,
/// so even a chain of thousands built in memory evaluates.
#[test]
fn exception_chains_cannot_exhaust_the_stack() {
    // at the limit: loaded, evaluated by every engine, exported and loaded again
    let at_limit = on_small_stack(|| {
        let p = chain_at(MAX_EXCEPTION_DEPTH);
        let back = Policy::from_json(&p.to_json().unwrap()).unwrap_or_else(|e| panic!("{e}"));
        let a = chain_results(&p);
        assert_eq!(chain_results(&back), a);
        a
    });
    let expected = (Status::Eligible, Some("2.00".to_string()));
    assert!(at_limit.iter().all(|r| *r == expected), "{at_limit:?}");

    // one link more: the loader refuses it
    let e = Policy::from_json(&chain_json(MAX_EXCEPTION_DEPTH + 1).to_string()).unwrap_err();
    assert_eq!(
        miette::Diagnostic::code(&e)
            .map(|c| c.to_string())
            .as_deref(),
        Some("policy::ir::exception_too_deep"),
        "{e}"
    );

    // thousands of links, built in memory where neither the checker nor the
    // loader looks: every engine still evaluates it on a 2 MiB thread
    let mut p = compile(&exception_chain(1)).unwrap();
    let model = p.measures[0].rules[1].clone();
    for i in 2..=5000u32 {
        let mut r = model.clone();
        r.name = format!("r{i}");
        r.exception_to = Some(i - 1);
        p.measures[0].rules.push(r);
    }
    let results = on_small_stack(move || chain_results(&p));
    assert!(
        results
            .iter()
            .all(|r| *r == (Status::Eligible, Some("2.00".to_string()))),
        "{results:?}"
    );
}

#[test]
fn a_file_over_the_size_limit_is_not_even_read() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("limits");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("big.policy");
    let f = std::fs::File::create(&path).unwrap();
    // a sparse file: 1 GiB on paper, nothing on disk
    f.set_len(1 << 30).unwrap();
    let (map, diags) = policyc::load::load(std::slice::from_ref(&path)).unwrap();
    assert_eq!(
        diags.iter().map(|d| d.code()).collect::<Vec<_>>(),
        ["policy::syntax::too_large"]
    );
    let out = policyc::diagnostic::render_plain(&map, &diags);
    assert!(out.contains("1073741824 bytes"), "{out}");
    std::fs::remove_file(&path).unwrap();
}

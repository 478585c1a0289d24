//! The schemas of `batch` result lines (docs/batch.schema.json) and of its
//! summary (docs/batch-summary.schema.json): every object there is closed, so an
//! undocumented field fails these tests.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failed expectation should stop the test loudly"
)]

use std::collections::BTreeSet;

use serde_json::{json, Value};

#[path = "common/schemas.rs"]
mod schemas;
use schemas::*;

/// `policyc batch` over `input`; the result lines and the summary as JSON.
fn batch_json(policy: &str, input: &str, extra: &[&str]) -> (i32, Vec<Value>, Value) {
    let dir = tempfile::tempdir().unwrap();
    let summary = dir.path().join("summary.json");
    let summary_arg = summary.to_string_lossy().into_owned();
    let mut args = vec![
        "batch",
        policy,
        "--input",
        "-",
        "--date",
        "2020-06-01",
        "-q",
        "--summary",
        &summary_arg,
    ];
    args.extend_from_slice(extra);
    let (code, out, err) = policyc(&args, input);
    assert!(
        code == 0 || code == 1,
        "policyc {args:?} exited {code}: {err}"
    );
    let lines = out.lines().map(parse).collect();
    let summary = parse(&std::fs::read_to_string(&summary).unwrap());
    (code, lines, summary)
}

#[test]
fn batch_output_matches_its_schemas() {
    let lines_v = load_schema("batch.schema.json");
    let summary_v = load_schema("batch-summary.schema.json");
    let (_dir, small) = small_policy();
    let seed = seed_policy();
    let mut records = String::new();
    for e in &seed.entities {
        let s = policyc::sample::Sampler::new(&seed, &e.name, 3, 0.2).unwrap();
        let mut out = Vec::new();
        policyc::sample::write_sample(&s, 50, policyc::sample::SampleFormat::Jsonl, &mut out)
            .unwrap();
        records.push_str(&String::from_utf8(out).unwrap());
    }
    // rejected records of several kinds
    records.push_str("not json\n");
    records.push_str(
        "{\"entity\":\"企业\",\"id\":\"dup\",\"facts\":{\"规模\":\"微型\",\"规模\":\"小型\"}}\n",
    );
    records.push_str("{\"entity\":\"企业\",\"id\":7,\"facts\":{\"规模\":\"巨型\"}}\n");
    records.push_str(&format!(
        "{{\"entity\":\"企业\",\"facts\":{{\"x\":\"{}\"}}}}\n",
        "y".repeat(3000)
    ));
    let big = "500000000000000";
    let small_input = [
        json!({"entity": "单位", "id": "eligible", "facts": {"规模": "微型", "率": "1%", "钱": 5000, "甲": false, "乙": false}}),
        json!({"entity": "单位", "id": "conflict", "facts": {"甲": true, "乙": true, "钱": 1, "整数": 1, "系数": 1}}),
        json!({"entity": "单位", "id": "division", "facts": {"甲": true, "乙": false, "钱": 1, "系数": 0}}),
        json!({"entity": "单位", "id": "needs", "facts": {}}),
        json!({"entity": "单位", "id": "total", "facts": {"甲": false, "乙": true, "钱": big, "整数": 1000000000000_u64}}),
    ]
    .iter()
    .map(|x| x.to_string() + "\n")
    .collect::<String>();
    let mut seen = BTreeSet::new();
    let runs: Vec<(String, String, Vec<&str>)> = vec![
        (
            "policies".into(),
            records.clone(),
            vec!["--max-record-bytes", "2048"],
        ),
        (
            "policies".into(),
            records.clone(),
            vec!["--locality", "呼和浩特市", "--engine", "rows"],
        ),
        (
            "policies".into(),
            records,
            vec![
                "--entity",
                "企业",
                "--measure",
                "3",
                "--max-rejections",
                "2",
            ],
        ),
        (small.clone(), small_input.clone(), vec![]),
        (small, small_input, vec!["--engine", "rows"]),
    ];
    for (policy, input, extra) in &runs {
        let (code, lines, summary) = batch_json(policy, input, extra);
        assert_eq!(code, 1, "{extra:?}: rejected records exit 1");
        for l in &lines {
            assert_matches(
                &lines_v,
                l,
                "batch.schema.json",
                &format!("a result line ({extra:?})"),
            );
            if let Some(c) = l["code"].as_str() {
                seen.insert(format!("code:{c}"));
            }
            if let Some(ms) = l["measures"].as_object() {
                for m in ms.values() {
                    if let Some(n) = m.get("needs") {
                        assert_sorted_needs(n);
                    }
                    seen.insert(format!("status:{}", m["status"].as_str().unwrap()));
                    for k in ["amount", "needs", "error"] {
                        if m.get(k).is_some() {
                            seen.insert(format!("key:{k}"));
                        }
                    }
                }
            }
            if l.get("id").is_some() {
                seen.insert("key:id".into());
            }
        }
        assert_matches(
            &summary_v,
            &summary,
            "batch-summary.schema.json",
            &format!("the summary ({extra:?})"),
        );
        assert_eq!(
            summary["records"].as_u64().unwrap(),
            lines.len() as u64,
            "one result line per record"
        );
        let n = |x: &Value, k: &str| x[k].as_u64().unwrap();
        assert_eq!(
            n(&summary, "records"),
            n(&summary, "evaluated") + n(&summary, "rejected")
        );
        for m in summary["measures"].as_array().unwrap() {
            let counted: u64 = [
                "eligible",
                "not_eligible",
                "needs_facts",
                "error",
                "undetermined",
                "not_in_force",
                "deadline_passed",
            ]
            .iter()
            .map(|k| n(m, k))
            .sum();
            assert_eq!(n(m, "records"), counted, "{m}");
        }
    }
    for want in [
        "code:policy::facts::unknown_variant",
        "code:policy::facts::duplicate_key",
        "code:policy::batch::record_too_long",
        "code:policy::batch::other_entity",
        "code:policy::eval::total_overflow",
        "status:eligible",
        "status:not_eligible",
        "status:needs_facts",
        "status:error",
        "key:amount",
        "key:needs",
        "key:error",
        "key:id",
    ] {
        assert!(
            seen.contains(want),
            "the batch cases no longer cover {want}"
        );
    }
}

/// CSV input: its rejections are JSONL result lines of the same schema.
#[test]
fn batch_csv_rejections_match_the_schema() {
    let v = load_schema("batch.schema.json");
    let (_dir, small) = small_policy();
    let input = "id,规模,钱,甲\na,微型,5,true\nb,微型\nd,ab\"c,1,true\ne,小型,5 元,false\ng,小型,5.,false\nf,\"open,1,true\n";
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("in.csv");
    std::fs::write(&file, input).unwrap();
    let (code, out, err) = policyc(
        &[
            "batch",
            &small,
            "--input",
            &file.to_string_lossy(),
            "--date",
            "2020-06-01",
            "-q",
        ],
        "",
    );
    assert_eq!(code, 1, "{err}");
    let mut codes = BTreeSet::new();
    for l in out.lines().map(parse) {
        assert_matches(&v, &l, "batch.schema.json", "a CSV result line");
        if let Some(c) = l["code"].as_str() {
            codes.insert(c.to_string());
        }
    }
    for c in [
        "policy::batch::unterminated_quote",
        "policy::facts::bad_number", // `5.`: a point needs a digit on each side, as in JSON
        "policy::batch::csv_syntax",
        "policy::batch::cell_count",
    ] {
        assert!(codes.contains(c), "no {c} in {codes:?}:\n{out}");
    }
}

#[test]
fn batch_schemas_are_tight() {
    let lines_v = load_schema("batch.schema.json");
    let summary_v = load_schema("batch-summary.schema.json");
    let line = json!({"line": 2, "id": "a", "entity": "单位", "total": "5.00",
        "totals_by_kind": {"loan_ceiling": "200000.00"}, "measures": {
        "1": {"status": "eligible", "amount": "5.00", "kind": "paid"},
        "2": {"status": "needs_facts", "needs": ["甲"]},
        "3": {"status": "error", "error": "rule `除` divides by zero"}}});
    assert_matches(&lines_v, &line, "batch.schema.json", "the base line");
    let rejected =
        json!({"line": 3, "rejected": "not valid JSON", "code": "policy::facts::not_json"});
    assert_matches(
        &lines_v,
        &rejected,
        "batch.schema.json",
        "the base rejection",
    );
    let mut bad: Vec<(&str, Value)> = Vec::new();
    let mut put = |what, f: &dyn Fn(&mut Value), base: &Value| {
        let mut d = base.clone();
        f(&mut d);
        bad.push((what, d));
    };
    put("an extra key", &|d| insert(d, "", "x", json!(1)), &line);
    put(
        "an extra outcome key",
        &|d| insert(d, "/measures/1", "reason", json!("x")),
        &line,
    );
    put(
        "an error as an object",
        &|d| *at(d, "/measures/3/error") = json!({"error": "division_by_zero"}),
        &line,
    );
    put(
        "error status without error",
        &|d| remove(d, "/measures/3", "error"),
        &line,
    );
    put(
        "needs_facts without needs",
        &|d| remove(d, "/measures/2", "needs"),
        &line,
    );
    put(
        "empty needs",
        &|d| *at(d, "/measures/2/needs") = json!([]),
        &line,
    );
    put(
        "an amount on needs_facts",
        &|d| insert(d, "/measures/2", "amount", json!("1.00")),
        &line,
    );
    put(
        "not_addressed",
        &|d| *at(d, "/measures/1/status") = json!("not_addressed"),
        &line,
    );
    put(
        "a total as a number",
        &|d| *at(d, "/total") = json!(5),
        &line,
    );
    put("an id as a number", &|d| *at(d, "/id") = json!(5), &line);
    put("a null id", &|d| *at(d, "/id") = Value::Null, &line);
    put(
        "a measure key that is not a number",
        &|d| {
            let m = at(d, "/measures").as_object_mut().unwrap();
            let x = m.remove("1").unwrap();
            m.insert("m1".into(), x);
        },
        &line,
    );
    put("line 0", &|d| *at(d, "/line") = json!(0), &line);
    put(
        "an unknown kind of value",
        &|d| *at(d, "/measures/1/kind") = json!("grant"),
        &line,
    );
    put(
        "may false (left out instead)",
        &|d| insert(d, "/measures/1", "may", json!(false)),
        &line,
    );
    put(
        "the outlay among the totals by kind",
        &|d| insert(d, "/totals_by_kind", "paid", json!("5.00")),
        &line,
    );
    put(
        "empty totals by kind",
        &|d| *at(d, "/totals_by_kind") = json!({}),
        &line,
    );
    put(
        "an unknown code",
        &|d| *at(d, "/code") = json!("policy::batch::oops"),
        &rejected,
    );
    put(
        "a rejection with measures",
        &|d| insert(d, "", "measures", json!({})),
        &rejected,
    );
    for (what, d) in &bad {
        assert!(
            !lines_v.is_valid(d),
            "docs/batch.schema.json accepts {what}: {d}"
        );
    }
    let summary = json!({"date": "2020-06-01", "locality": null, "records": 1, "evaluated": 0,
        "rejected": 1, "rejections": [{"line": 1, "id": null, "code": "policy::facts::bad_number", "reason": "x"}],
        "measures": [{"number": 1, "label": "（一）", "title": "t", "entity": "单位", "records": 0,
            "eligible": 0, "entitled": 0, "discretionary": 0, "not_eligible": 0, "needs_facts": 0, "error": 0, "undetermined": 0, "not_in_force": 0,
            "deadline_passed": 0, "total": "overflow", "gives": "loan_ceiling", "bound": "exact"}],
        "total": "overflow", "totals_by_kind": {"paid": "0.00", "refunded": "0.00",
            "fee_reduced": "0.00", "interest_subsidy": "0.00", "loan_ceiling": "overflow"},
        "total_bound": "exact", "bounds_by_kind": {"paid": "exact", "refunded": "exact",
            "fee_reduced": "exact", "interest_subsidy": "exact", "loan_ceiling": "at_most"},
        "currency": "CNY"});
    assert_matches(
        &summary_v,
        &summary,
        "batch-summary.schema.json",
        "the base summary",
    );
    let mut bad: Vec<(&str, Value)> = Vec::new();
    let mut put = |what, f: &dyn Fn(&mut Value)| {
        let mut d = summary.clone();
        f(&mut d);
        bad.push((what, d));
    };
    put("an extra key", &|d| insert(d, "", "x", json!(1)));
    put("an extra measure key", &|d| {
        insert(d, "/measures/0", "not_addressed", json!(0))
    });
    put("a total as a number", &|d| *at(d, "/total") = json!(1.5));
    put("another word for overflow", &|d| {
        *at(d, "/measures/0/total") = json!("infinity")
    });
    put("a rejection without its id key", &|d| {
        remove(d, "/rejections/0", "id")
    });
    put("a negative count", &|d| *at(d, "/evaluated") = json!(-1));
    put("a summary without totals by kind", &|d| {
        remove(d, "", "totals_by_kind")
    });
    put("a kind without its total", &|d| {
        remove(d, "/totals_by_kind", "loan_ceiling")
    });
    put("a measure without its kind", &|d| {
        remove(d, "/measures/0", "gives")
    });
    for (what, d) in &bad {
        assert!(
            !summary_v.is_valid(d),
            "docs/batch-summary.schema.json accepts {what}: {d}"
        );
    }
}

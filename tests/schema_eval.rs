//! The schemas of facts (docs/facts.schema.json) and of `eval --format json`
//! (docs/eval.schema.json): every object there is closed, so an undocumented
//! field fails these tests.

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

#[test]
fn facts_schema_accepts_the_examples_and_the_samples() {
    let v = load_schema("facts.schema.json");
    let seed = seed_policy();
    let mut seen = 0;
    for entry in std::fs::read_dir(root().join("docs/examples")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().and_then(|x| x.to_str()) != Some("json") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let doc = parse(&text);
        let what = path.display().to_string();
        assert_matches(&v, &doc, "facts.schema.json", &what);
        let entity = doc["entity"].as_str().unwrap();
        assert_matches(
            &entity_facts_schema(&seed, entity),
            &doc,
            "facts.schema.json",
            &what,
        );
        policyc::eval::Facts::from_json(&seed, &text)
            .unwrap_or_else(|e| panic!("{what} is refused by the reader: {e:?}"));
        seen += 1;
    }
    assert!(seen >= 2, "docs/examples lost its facts files");
    // every entity of the seed, sampled, with and without unknown facts
    for e in &seed.entities {
        let per_entity = entity_facts_schema(&seed, &e.name);
        for (seed_no, missing) in [(1, 0.0), (2, 0.3)] {
            let s = policyc::sample::Sampler::new(&seed, &e.name, seed_no, missing).unwrap();
            let mut out = Vec::new();
            policyc::sample::write_sample(&s, 200, policyc::sample::SampleFormat::Jsonl, &mut out)
                .unwrap();
            for line in String::from_utf8(out).unwrap().lines() {
                let doc = parse(line);
                assert_matches(&v, &doc, "facts.schema.json", "a sampled record");
                assert_matches(&per_entity, &doc, "facts.schema.json", "a sampled record");
            }
        }
    }
}

#[test]
fn facts_schema_rejects_what_the_reader_refuses() {
    let v = load_schema("facts.schema.json");
    for (bad, what) in [
        (json!({"facts": {}}), "no entity"),
        (json!({"entity": 1, "facts": {}}), "entity as a number"),
        (
            json!({"entity": "企业", "fact": {}}),
            "unknown top-level key",
        ),
        (json!({"entity": "企业", "facts": []}), "facts as an array"),
        (
            json!({"entity": "企业", "facts": {"a": [1]}}),
            "a fact as an array",
        ),
        (
            json!({"entity": "企业", "facts": {"a": {"b": 1}}}),
            "a fact as an object",
        ),
        (json!(["企业"]), "not an object"),
    ] {
        assert!(!v.is_valid(&bad), "the facts schema accepts {what}: {bad}");
    }
}

/// What the reader accepts, value by value, and what the per-entity schema
/// says: they agree wherever the schema can decide.
#[test]
fn facts_schema_and_reader_agree_on_each_spelling() {
    let policy = compile_text("small.policy", SMALL);
    let v = entity_facts_schema(&policy, "单位");
    // (field, JSON value, accepted by the reader, the schema decides it)
    let cases: &[(&str, Value, bool, bool)] = &[
        ("钱", json!(48000), true, true),
        ("钱", json!("48000"), true, true),
        ("钱", json!("48000 元"), true, true),
        ("钱", json!("48000元"), true, true),
        ("钱", json!(" 4.8 万元 "), true, true),
        ("钱", json!("1 万 元"), true, true),
        ("钱", json!("1万"), true, true),
        ("钱", json!("-0"), true, true),
        ("钱", json!(1e3), true, true),
        ("钱", json!("5."), false, true),
        ("钱", json!(".5"), false, true),
        ("钱", json!("5.元"), false, true),
        ("钱", json!("+5"), false, true),
        ("钱", json!("-5"), false, true),
        ("钱", json!(-5), false, true),
        ("钱", json!("1e3"), false, true),
        ("钱", json!("48,000"), false, true),
        ("钱", json!("４８０００"), false, true),
        ("钱", json!("5 元/人"), false, false),
        ("钱", json!(true), false, true),
        ("标准", json!("1400 元/人/月"), true, true),
        ("标准", json!("1400 元/月/人"), true, true),
        ("标准", json!("1400 元/人/个月"), true, true),
        ("标准", json!("0.14万元/人/月"), true, true),
        ("标准", json!("1400 元 / 人 / 月"), false, true),
        ("标准", json!("1400 元/人·月"), false, true),
        ("月数", json!("6 个月"), true, true),
        ("月数", json!("6月"), true, true),
        ("月数", json!("6.0 月"), true, true),
        ("月数", json!("6 天"), false, false),
        ("人数", json!(20), true, true),
        ("人数", json!("-1 人"), false, true),
        ("率", json!("5.5%"), true, true),
        ("率", json!(" 5.5 % "), true, true),
        ("率", json!(0.055), true, true),
        ("率", json!("150%"), true, true),
        ("率", json!("5.5"), false, true),
        ("率", json!("5.%"), false, true),
        ("率", json!(".5%"), false, true),
        ("率", json!("-1%"), false, true),
        ("率", json!(-0.01), false, true),
        ("率", json!("5.5％"), false, true),
        ("系数", json!(-3.5), true, true),
        ("系数", json!("-3.5"), true, true),
        ("系数", json!("1.2万"), true, true),
        ("系数", json!("3.5 元"), false, true),
        ("系数", json!("1e2"), false, true),
        ("整数", json!("-3"), true, true),
        ("整数", json!(3.5), false, false),
        ("日", json!("2020-04-15"), true, true),
        ("日", json!("2020-4-15"), false, true),
        ("日", json!(" 2020-04-15"), false, true),
        ("日", json!("2021-02-29"), false, true),
        ("日", json!("2020-04-15T00:00"), false, true),
        ("规模", json!("小型"), true, true),
        ("规模", json!(" 小型"), false, true),
        ("甲", json!(false), true, true),
        ("甲", json!("true"), false, true),
        ("甲", json!(1), false, true),
        ("甲", Value::Null, true, true),
    ];
    let mut wrong = Vec::new();
    for (field, value, accepted, decides) in cases {
        let doc = json!({"entity": "单位", "facts": {*field: value}});
        let read = policyc::eval::Facts::from_json(&policy, &doc.to_string()).is_ok();
        if read != *accepted {
            wrong.push(format!("reader: {field} = {value}: accepted {read}"));
        }
        if *decides && v.is_valid(&doc) != *accepted {
            wrong.push(format!("schema: {field} = {value}: valid {}", !*accepted));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// Runs `policyc eval … --format json` and returns its JSON (exit 0 or 1).
fn eval_json(policy: &str, facts: &Value, date: &str, extra: &[&str]) -> Value {
    let mut args = vec![
        "eval", policy, "--facts", "-", "--date", date, "--format", "json",
    ];
    args.extend_from_slice(extra);
    let (code, out, err) = policyc(&args, &facts.to_string());
    assert!(
        code == 0 || code == 1,
        "policyc {args:?} exited {code}: {err}"
    );
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{args:?}: not JSON ({e}): {out}{err}"))
}

/// Every status, error kind, `bounded_by` value and explanation shape, seen.
fn eval_coverage(doc: &Value, seen: &mut BTreeSet<String>) {
    for m in doc["measures"].as_array().unwrap() {
        assert_sorted_needs(&m["needs"]);
        seen.insert(format!("status:{}", m["status"].as_str().unwrap()));
        if let Some(k) = m["error"]["error"].as_str() {
            seen.insert(format!("error:{k}"));
        }
        for a in m["amounts"].as_array().unwrap() {
            seen.insert(format!("bounded_by:{}", a["bounded_by"]));
        }
        if m.get("explanation").is_some() {
            seen.insert("explanation".into());
        }
    }
}

#[test]
fn eval_json_matches_its_schema() {
    let v = load_schema("eval.schema.json");
    let (_dir, small) = small_policy();
    let enterprise = parse(
        &std::fs::read_to_string(root().join("docs/examples/small-enterprise.json")).unwrap(),
    );
    let trainee =
        parse(&std::fs::read_to_string(root().join("docs/examples/rural-trainee.json")).unwrap());
    let big = "500000000000000"; // 5·10^14 元 × 10^12: each amount fits, their sum does not
    let cases: Vec<(String, Value, &str, Vec<&str>)> = vec![
        ("policies".into(), enterprise.clone(), "2020-06-01", vec![]),
        (
            "policies".into(),
            enterprise.clone(),
            "2020-06-01",
            vec!["--locality", "呼和浩特市"],
        ),
        (
            "policies".into(),
            enterprise.clone(),
            "2020-06-01",
            vec!["--locality", "呼和浩特市", "--explain"],
        ),
        (
            "policies".into(),
            enterprise.clone(),
            "2019-01-01",
            vec!["--explain"],
        ),
        (
            "policies".into(),
            trainee.clone(),
            "2020-06-01",
            vec!["--explain", "--locality", "包头市"],
        ),
        ("policies".into(), trainee, "2030-06-01", vec![]),
        // a measure-level `when`, explained beside the rules
        (
            SAMPLE.into(),
            json!({"entity": "个人", "facts": {"培训天数": "5 天", "人数": "10 人"}}),
            "2020-07-01",
            vec!["--explain"],
        ),
        // a delegated value not set: undetermined, with the outcome under each
        // alternative of a choice (issue 14, point 5)
        (
            "tests/fixtures/undetermined.policy".into(),
            json!({"entity": "企业", "facts": {"裁员率": "2%", "参保职工人数": 10, "月应缴社会保险费": 1000}}),
            "2020-07-01",
            vec!["--explain"],
        ),
        (
            "tests/fixtures/undetermined.policy".into(),
            json!({"entity": "企业", "facts": {"裁员率": "2%", "参保职工人数": 10}}),
            "2020-07-01",
            vec!["--locality", "赤峰市"],
        ),
        (
            small.clone(),
            json!({"entity": "单位", "facts": {"规模": "微型", "率": "1%", "钱": 5000, "甲": true, "乙": true, "系数": 0, "整数": 1}}),
            "2020-06-01",
            vec![],
        ),
        (
            small.clone(),
            json!({"entity": "单位", "facts": {"规模": "微型", "率": "1%", "钱": 5000, "甲": true, "乙": true, "系数": 0, "整数": 1}}),
            "2020-06-01",
            vec!["--explain"],
        ),
        (
            small.clone(),
            json!({"entity": "单位", "id": "x", "facts": {"规模": "小型", "甲": false, "乙": true, "钱": big, "整数": 1000000}}),
            "2031-06-01",
            vec!["--explain"],
        ),
        (
            small,
            json!({"entity": "单位", "facts": {"规模": "微型", "甲": true, "乙": false, "系数": 3, "钱": 100}}),
            "2020-06-01",
            vec!["--explain"],
        ),
    ];
    let mut seen = BTreeSet::new();
    for (policy, facts, date, extra) in &cases {
        let doc = eval_json(policy, facts, date, extra);
        assert_matches(
            &v,
            &doc,
            "eval.schema.json",
            &format!("eval {policy} {date} {extra:?}"),
        );
        eval_coverage(&doc, &mut seen);
        // the explanation is there exactly when asked for
        let explained = extra.contains(&"--explain");
        for m in doc["measures"].as_array().unwrap() {
            let reached = matches!(
                m["status"].as_str(),
                Some("eligible" | "not_eligible" | "needs_facts" | "error" | "undetermined")
            );
            assert_eq!(m.get("explanation").is_some(), explained && reached, "{m}");
        }
    }
    let want = [
        "status:eligible",
        "status:not_eligible",
        "status:not_addressed",
        "status:not_in_force",
        "status:needs_facts",
        "status:error",
        "error:conflict",
        "error:division_by_zero",
        "status:undetermined",
        "bounded_by:null",
        "bounded_by:\"floor\"",
        "bounded_by:\"cap\"",
        "explanation",
    ];
    let missing: Vec<&&str> = want.iter().filter(|w| !seen.contains(**w)).collect();
    assert!(missing.is_empty(), "the cases no longer cover {missing:?}");
}

/// An evaluation that fails as a whole writes no JSON on stdout.
#[test]
fn eval_total_overflow_is_a_diagnostic_not_json() {
    let (_dir, small) = small_policy();
    let facts = json!({"entity": "单位", "facts": {"乙": true, "甲": false, "钱": "500000000000000", "整数": 1000000000000_u64}});
    let (code, out, err) = policyc(
        &[
            "eval",
            &small,
            "--facts",
            "-",
            "--date",
            "2020-06-01",
            "--format",
            "json",
        ],
        &facts.to_string(),
    );
    assert_eq!(code, 1, "{err}");
    assert!(out.is_empty(), "{out}");
    assert!(err.contains("policy::eval::total_overflow"), "{err}");
}

#[test]
fn eval_schema_is_tight() {
    let v = load_schema("eval.schema.json");
    let (_dir, small) = small_policy();
    let base = eval_json(
        &small,
        &json!({"entity": "单位", "facts": {"规模": "微型", "率": "1%", "钱": 5000, "甲": true, "乙": true, "系数": 0}}),
        "2020-06-01",
        &["--explain"],
    );
    assert_matches(&v, &base, "eval.schema.json", "the base");
    let m0 = "/measures/0";
    let conflict = "/measures/1";
    assert_eq!(at(&mut base.clone(), conflict)["status"], "error");
    type Mutation = Box<dyn Fn(&mut Value)>;
    let cases: Vec<(&str, Mutation)> = vec![
        (
            "an extra top-level key",
            Box::new(|d| insert(d, "", "extra", json!(1))),
        ),
        (
            "an extra measure key",
            Box::new(move |d| insert(d, m0, "priority", json!(1))),
        ),
        (
            "an extra amount key",
            Box::new(move |d| insert(d, &format!("{m0}/amounts/0"), "x", json!(1))),
        ),
        ("a missing key", Box::new(move |d| remove(d, m0, "needs"))),
        (
            "an amount without its kind",
            Box::new(move |d| remove(d, &format!("{m0}/amounts/0"), "kind")),
        ),
        (
            "an unknown kind of value",
            Box::new(move |d| *at(d, &format!("{m0}/gives")) = json!("grant")),
        ),
        (
            "totals by kind without loan ceilings",
            Box::new(|d| remove(d, "/totals_by_kind", "loan_ceiling")),
        ),
        (
            "an amount as a number",
            Box::new(move |d| *at(d, &format!("{m0}/amounts/0/amount")) = json!(100)),
        ),
        (
            "an amount with one decimal",
            Box::new(move |d| *at(d, &format!("{m0}/amounts/0/amount")) = json!("100.0")),
        ),
        (
            "-0.00",
            Box::new(move |d| *at(d, &format!("{m0}/total")) = json!("-0.00")),
        ),
        (
            "an unknown bounded_by",
            Box::new(move |d| *at(d, &format!("{m0}/amounts/0/bounded_by")) = json!("limit")),
        ),
        (
            "an error as a string",
            Box::new(move |d| *at(d, &format!("{conflict}/error")) = json!("rules both apply")),
        ),
        (
            "an error without its kind",
            Box::new(move |d| remove(d, &format!("{conflict}/error"), "error")),
        ),
        (
            "an error of another kind",
            Box::new(move |d| *at(d, &format!("{conflict}/error/error")) = json!("overflow")),
        ),
        (
            "needs with an error",
            Box::new(move |d| *at(d, &format!("{conflict}/needs")) = json!(["甲"])),
        ),
        (
            "an unknown status",
            Box::new(move |d| *at(d, &format!("{m0}/status")) = json!("ok")),
        ),
        (
            "an eligible measure with an error",
            Box::new(move |d| {
                *at(d, &format!("{m0}/error")) = json!({"error": "inconsistent", "what": "x"})
            }),
        ),
        (
            "an unknown step state",
            Box::new(move |d| {
                *at(d, &format!("{m0}/explanation/rules/0/condition/state")) = json!("true")
            }),
        ),
        (
            "an extra step key",
            Box::new(move |d| {
                insert(
                    d,
                    &format!("{m0}/explanation/rules/0/condition"),
                    "note",
                    json!("x"),
                )
            }),
        ),
        (
            "another currency",
            Box::new(|d| *at(d, "/currency") = json!("USD")),
        ),
        (
            "a repeated need",
            Box::new(|d| {
                *at(d, "/measures/1/status") = json!("needs_facts");
                *at(d, "/measures/1/error") = Value::Null;
                *at(d, "/measures/1/needs") = json!(["甲", "甲"]);
            }),
        ),
    ];
    for (what, mutate) in cases {
        let mut doc = base.clone();
        mutate(&mut doc);
        assert!(!v.is_valid(&doc), "docs/eval.schema.json accepts {what}");
    }
}

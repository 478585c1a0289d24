//! Part declarations (issue 13, points 1 and 2): a part addressed to another
//! entity than its measure, or to either of two; a part's own period and
//! deadline. Each stage: check (tests/diagnostics/check_*part*), evaluation
//! and its per-part statuses, the IR through JSON, fmt, diff, sample and batch.
//! The generated-policy oracle (`tests/oracle.rs`) and the Python reference
//! model (`tests/reference.rs`) cover parts too.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failed expectation should stop the test loudly"
)]

use chrono::NaiveDate;
use policyc::batch::{self, BatchOptions, Engine, InputFormat};
use policyc::diff;
use policyc::eval::{self, Facts, Request};
use policyc::ir::{Policy, Status};
use policyc::sample::{write_sample, SampleFormat, Sampler};
use policyc::source::SourceMap;

const FIXTURE: &str = include_str!("fixtures/parts.policy");

fn compile(text: &str) -> Policy {
    let mut map = SourceMap::new();
    map.add("parts.policy".to_string(), text.to_string());
    policyc::compile(&map).unwrap_or_else(|d| panic!("{d:?}"))
}

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn eval_one<'p>(p: &'p Policy, number: u32, facts: &str, date: &str) -> eval::MeasureResult<'p> {
    let f = Facts::from_json(p, facts).unwrap();
    let m = p.measures.iter().find(|m| m.number == number).unwrap();
    let req = Request {
        date: day(date),
        locality: None,
        explain: true,
    };
    eval::evaluate_one(p, m, &f, &req).unwrap()
}

#[test]
fn every_example_of_the_fixture_passes() {
    let p = compile(FIXTURE);
    for m in &p.measures {
        for ex in &m.examples {
            let f = Facts::from_example(&p, ex);
            let req = Request {
                date: ex.date,
                locality: None,
                explain: false,
            };
            let r = eval::evaluate_one(&p, m, &f, &req).unwrap();
            assert_eq!(r.status, ex.expect.status, "{}: {}", ex.name, r.reason);
            if let Some(a) = ex.expect.amount {
                assert_eq!(r.total, Some(a), "{}", ex.name);
            }
        }
    }
}

/// （二十二）: the enterprise's hiring subsidy is the enterprise's, not the person's.
#[test]
fn an_enterprise_sees_the_part_addressed_to_it() {
    let p = compile(FIXTURE);
    let r = eval_one(
        &p,
        22,
        r#"{"entity": "企业", "facts": {"吸纳登记失业半年以上人数": 2}}"#,
        "2020-07-01",
    );
    assert_eq!(r.status, Status::Eligible, "{}", r.reason);
    assert_eq!(r.total, Some(dec("2000.00")));
    // only the enterprise's part is listed, and explained
    let parts: Vec<_> = r.parts.iter().map(|x| x.part).collect();
    assert_eq!(parts, vec![Some("吸纳就业补贴")]);
    let rules: Vec<_> = r
        .explanation
        .as_ref()
        .unwrap()
        .rules
        .iter()
        .map(|x| x.rule.clone())
        .collect();
    assert_eq!(rules, vec!["吸纳登记失业人员补贴".to_string()]);
    // and the person is never asked for the enterprise's facts
    let r = eval_one(&p, 22, r#"{"entity": "个人", "facts": {}}"#, "2020-07-01");
    assert_eq!(r.status, Status::NeedsFacts);
    assert!(!r.needs.iter().any(|n| n.contains("吸纳")), "{:?}", r.needs);
}

/// A measure none of whose parts is addressed to the entity is `not_addressed`.
#[test]
fn a_measure_without_a_part_for_the_entity_is_not_addressed() {
    let src = FIXTURE.replace(
        "part 培训补贴 {\n    to 个人 or 企业\n  }",
        "part 培训补贴 {\n    to 个人\n  }",
    );
    let p = compile(&src);
    let r = eval_one(
        &p,
        24,
        r#"{"entity": "企业", "facts": {"取得职业资格证书": true}}"#,
        "2020-07-01",
    );
    assert_eq!(r.status, Status::NotAddressed);
    assert_eq!(r.reason, "addressed to 个人, not 企业");
}

/// （十二）: the deadline of the first sentence does not close the second.
#[test]
fn a_part_deadline_closes_only_its_part() {
    let p = compile(FIXTURE);
    let facts = r#"{"entity": "企业", "facts": {"吸纳农村牧区劳动力人数": 2, "开展以工代训": true, "吸纳建档立卡贫困劳动力人数": 1, "以工代训月数": 2}}"#;
    let r = eval_one(&p, 12, facts, "2021-01-01");
    assert_eq!(r.status, Status::Eligible, "{}", r.reason);
    assert_eq!(r.total, Some(dec("1000.00")));
    let statuses: Vec<_> = r.parts.iter().map(|x| (x.part, x.status)).collect();
    assert_eq!(
        statuses,
        vec![
            (Some("吸纳就业补贴"), Status::DeadlinePassed),
            (Some("职业培训补贴"), Status::Eligible)
        ]
    );
    // when every part addressed to the entity is closed, the measure is
    let only = r#"{"entity": "企业", "facts": {"吸纳登记失业半年以上人数": 2}}"#;
    let r = eval_one(&p, 22, only, "2021-01-01");
    assert_eq!(r.status, Status::DeadlinePassed);
    assert_eq!(
        r.reason,
        "part `吸纳就业补贴`: applications closed on 2020-12-31; the date is 2021-01-01"
    );
}

/// A part's period: in force on its last day, not the day after; the
/// measure's other parts go on.
#[test]
fn a_part_period_ends_on_its_last_day() {
    let p = compile(FIXTURE);
    let facts = r#"{"entity": "个人", "facts": {"公益性岗位期满仍未稳定就业": true, "是否就业困难人员": false}}"#;
    assert_eq!(
        eval_one(&p, 22, facts, "2020-12-31").status,
        Status::Eligible
    );
    let r = eval_one(&p, 22, facts, "2021-01-01");
    assert_eq!(r.status, Status::NotEligible);
    assert_eq!(r.parts[0].status, Status::NotInForce);
    assert_eq!(
        r.parts[0].reason,
        "in force until 2020-12-31; the date is 2021-01-01"
    );
}

/// `to 个人 or 企业`: each entity's own facts, by name, in its own slots.
#[test]
fn a_part_for_either_entity_reads_the_facts_of_the_one_evaluated() {
    let p = compile(FIXTURE);
    let r = eval_one(
        &p,
        24,
        r#"{"entity": "企业", "facts": {"取得职业资格证书": true, "培训补贴月数": 3}}"#,
        "2020-07-01",
    );
    assert_eq!(r.total, Some(dec("900.00")));
    let r = eval_one(
        &p,
        24,
        r#"{"entity": "企业", "facts": {"取得职业资格证书": true}}"#,
        "2020-07-01",
    );
    assert_eq!(r.needs, vec!["培训补贴月数".to_string()]);
    let r = eval_one(
        &p,
        24,
        r#"{"entity": "个人", "facts": {"取得职业资格证书": true, "培训补贴月数": 9}}"#,
        "2020-07-01",
    );
    assert_eq!(r.total, Some(dec("1800.00")));
}

/// The IR keeps the parts: the exported JSON loads and evaluates alike, and a
/// slot map that points at a field of another name is refused.
#[test]
fn the_ir_round_trips_and_checks_slot_maps() {
    let p = compile(FIXTURE);
    let json = p.to_json().unwrap();
    assert!(json.contains("\"ir_version\": \"3.1\""));
    let q = Policy::from_json(&json).unwrap();
    assert_eq!(p, q);
    // 企业's slots for 个人's 取得职业资格证书 (slot 3) and 培训补贴月数 (slot 4) are 5 and 6
    let good = "\"slots\": [\n                null,\n                null,\n                null,\n                5,\n                6\n              ]";
    assert!(json.contains(good), "{json}");
    let bad = json.replace(good, good.replace('5', "4").as_str());
    let e = Policy::from_json(&bad).unwrap_err().to_string();
    assert!(e.contains("part `培训补贴`"), "{e}");
}

#[test]
fn fmt_keeps_part_declarations_canonical() {
    let out = policyc::fmt::format_source(FIXTURE).unwrap();
    assert_eq!(out, FIXTURE);
    let loose = "entity 甲 { a: bool }\nentity 乙 { a: bool }\nmeasure 1 \"x\" { kind benefit part p {to 甲   or 乙 applications until 2020-12-31 effective from 2020-01-01} part q {} rule r part p { when a } rule s part q { when a } }\n";
    let out = policyc::fmt::format_source(loose).unwrap();
    assert!(
        out.contains("  part p {\n    to 甲 or 乙\n    applications until 2020-12-31\n    effective from 2020-01-01\n  }\n"),
        "{out}"
    );
    assert!(out.contains("  part q {}\n"), "{out}");
    assert_eq!(policyc::fmt::format_source(&out).unwrap(), out);
}

#[test]
fn diff_says_a_new_addressee_and_a_moved_part_deadline() {
    let old = compile(FIXTURE);
    let new = compile(
        &FIXTURE
            .replace(
                "  part 吸纳就业补贴 {\n    applications until 2020-12-31\n  }",
                "  part 吸纳就业补贴 {\n    applications until 2020-09-30\n  }",
            )
            .replace("    to 个人 or 企业\n", "    to 企业\n"),
    );
    let msgs: Vec<String> = diff::diff(&old, &new)
        .into_iter()
        .map(|c| format!("{}: {}", c.subject, c.message))
        .collect();
    assert_eq!(
        msgs,
        vec![
            "（十二）吸纳农村牧区劳动力就业补贴: part 吸纳就业补贴 deadline 2020-12-31 → 2020-09-30"
                .to_string(),
            "（二十四）职业技能培训补贴: part 培训补贴 to 个人 or 企业 → 企业".to_string(),
            // and what the two changes do to the examples
            "（十二）吸纳农村牧区劳动力就业补贴: example \"截止日当天两句都适用\": outcome eligible 3000 元 → eligible 1000 元 (now fails: expects eligible 3000 元)".to_string(),
            "（二十四）职业技能培训补贴: example \"个人申请\": outcome eligible 600 元 → not_addressed (now fails: expects eligible 600 元)".to_string(),
        ]
    );
}

/// `sample` writes the facts the parts addressed to an entity read, and
/// `batch` evaluates records of both entities with the totals of evaluating
/// each alone, on both engines (measures with parts run on rows).
#[test]
fn sample_and_batch_follow_the_parts_entities() {
    let p = compile(FIXTURE);
    let mut records = String::new();
    for entity in ["企业", "个人"] {
        let s = Sampler::new(&p, entity, 7, 0.2).unwrap();
        let mut out = Vec::new();
        write_sample(&s, 200, SampleFormat::Jsonl, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        // the boundary of （二十四）'s `培训补贴月数 > 0 个月`, read through 企业's slot map
        assert!(
            text.contains("\"培训补贴月数\":0,") || text.contains("\"培训补贴月数\":0}"),
            "{entity}: {text}"
        );
        records.push_str(&text);
    }
    for date in ["2020-07-01", "2020-12-31", "2021-01-01"] {
        let mut opts = BatchOptions::new(day(date));
        opts.input_format = InputFormat::Jsonl;
        let (col, sum) = batch::run_text(&p, &records, &opts).unwrap();
        opts.engine = Engine::Rows;
        let (rows, _) = batch::run_text(&p, &records, &opts).unwrap();
        assert_eq!(col, rows);
        assert_eq!(sum.rejected, 0);
        let mut total = rust_decimal::Decimal::ZERO;
        for line in records.lines() {
            let f = Facts::from_json(&p, line).unwrap();
            let req = Request {
                date: day(date),
                locality: None,
                explain: false,
            };
            total += eval::evaluate(&p, &f, &req).unwrap().total;
        }
        assert_eq!(sum.total, Some(total), "{date}");
    }
}

fn dec(s: &str) -> rust_decimal::Decimal {
    s.parse().unwrap()
}

fn schema(name: &str) -> jsonschema::Validator {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("docs")
        .join(name);
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .build(&v)
        .unwrap()
}

/// The export and the evaluation of measures with parts match
/// docs/ir.schema.json and docs/eval.schema.json.
#[test]
fn parts_match_the_schemas() {
    let p = compile(FIXTURE);
    let ir: serde_json::Value = serde_json::from_str(&p.to_json().unwrap()).unwrap();
    let v = schema("ir.schema.json");
    let errs: Vec<String> = v.iter_errors(&ir).map(|e| e.to_string()).collect();
    assert!(errs.is_empty(), "{errs:?}");
    let v = schema("eval.schema.json");
    for (facts, date) in [
        (
            r#"{"entity": "企业", "facts": {"吸纳农村牧区劳动力人数": 2, "开展以工代训": true}}"#,
            "2021-01-01",
        ),
        (
            r#"{"entity": "企业", "facts": {"吸纳登记失业半年以上人数": 2, "取得职业资格证书": true, "培训补贴月数": 1}}"#,
            "2020-07-01",
        ),
        (
            r#"{"entity": "个人", "facts": {"公益性岗位期满仍未稳定就业": true}}"#,
            "2021-01-01",
        ),
    ] {
        for explain in [false, true] {
            let f = Facts::from_json(&p, facts).unwrap();
            let req = Request {
                date: day(date),
                locality: None,
                explain,
            };
            let ev = serde_json::to_value(eval::evaluate(&p, &f, &req).unwrap()).unwrap();
            assert!(ev.to_string().contains("\"parts\""));
            let errs: Vec<String> = v.iter_errors(&ev).map(|e| e.to_string()).collect();
            assert!(errs.is_empty(), "{facts} {date}: {errs:?}\n{ev}");
        }
    }
}

/// `policyc eval` shows each part's outcome in its text output.
#[test]
fn eval_text_lists_the_parts() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("parts");
    std::fs::create_dir_all(&dir).unwrap();
    let facts = dir.join("facts.json");
    std::fs::write(
        &facts,
        r#"{"entity": "企业", "facts": {"吸纳农村牧区劳动力人数": 2, "开展以工代训": false}}"#,
    )
    .unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_policyc"))
        .args([
            "eval",
            "tests/fixtures/parts.policy",
            "--date",
            "2021-01-01",
            "--facts",
        ])
        .arg(&facts)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("（十二）吸纳农村牧区劳动力就业补贴  not_eligible\n  no rule applies\n  part 吸纳就业补贴: deadline_passed (applications closed on 2020-12-31; the date is 2021-01-01)\n  part 职业培训补贴: not_eligible (no rule applies)\n"),
        "{text}"
    );
}

/// The loader refuses what the checker refuses (`date_order`): a deadline
/// before the period starts, for a part and for a measure, written by hand
/// into an exported IR.
#[test]
fn the_ir_loader_refuses_deadlines_before_the_start() {
    let p = compile(FIXTURE);
    let mut q = p.clone();
    let m = &mut q.measures[0];
    let start = NaiveDate::from_ymd_opt(2020, 3, 1).unwrap();
    m.effective.from = Some(start);
    m.applications_until = start.pred_opt();
    let e = Policy::from_json(&q.to_json().unwrap())
        .unwrap_err()
        .to_string();
    assert!(e.contains("before its effective period starts"), "{e}");

    let (mi, pi) = p
        .measures
        .iter()
        .enumerate()
        .find_map(|(i, m)| {
            m.parts
                .iter()
                .position(|x| x.effective.as_ref().and_then(|e| e.from).is_some())
                .map(|j| (i, j))
        })
        .expect("a part with a start of its own");
    let mut q = p.clone();
    let part = &mut q.measures[mi].parts[pi];
    let start = part.effective.as_ref().and_then(|e| e.from).unwrap();
    part.applications_until = start.pred_opt();
    let e = Policy::from_json(&q.to_json().unwrap())
        .unwrap_err()
        .to_string();
    assert!(e.contains("is before it starts"), "{e}");
}

//! Population scale (issue 7): `sample` and `batch`, through the library and
//! the command line. The reference is always the row evaluator run one record
//! at a time (`eval::evaluate`, as `policyc eval` does).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failed expectation should stop the test loudly"
)]

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

use chrono::NaiveDate;
use policyc::batch::{self, BatchOptions, Check, Engine, InputFormat, OutputFormat, Summary};
use policyc::eval::{self, Facts, Request};
use policyc::ir::{Policy, Status};
use policyc::sample::{self, SampleFormat, Sampler};
use proptest::prelude::*;
use rust_decimal::Decimal;
use serde_json::Value as Json;

fn load(path: &str) -> Policy {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let (sources, diags) = policyc::load::load(&[root.join(path)]).unwrap();
    assert!(diags.is_empty(), "{path}: load diagnostics");
    policyc::compile(&sources).unwrap_or_else(|d| panic!("{path}: {} errors", d.len()))
}

fn seed() -> &'static Policy {
    static P: OnceLock<Policy> = OnceLock::new();
    P.get_or_init(|| load("policies"))
}

fn fixture() -> &'static Policy {
    static P: OnceLock<Policy> = OnceLock::new();
    P.get_or_init(|| load("tests/fixtures/population.policy"))
}

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn records(p: &Policy, entity: &str, n: u64, seed: u64, missing: f64, f: SampleFormat) -> String {
    let s = Sampler::new(p, entity, seed, missing).unwrap();
    let mut out = Vec::new();
    sample::write_sample(&s, n, f, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

fn opts<'a>(date: &str, locality: Option<&'a str>, input: InputFormat) -> BatchOptions<'a> {
    let mut o = BatchOptions::new(day(date));
    o.locality = locality;
    o.input_format = input;
    o.threads = 2;
    o.chunk_bytes = 4096; // many chunks even for small inputs
    o
}

/// Per measure: counts by status and the eligible total, from evaluating
/// each JSONL record alone.
#[derive(Debug, Default, PartialEq)]
struct Figures {
    counts: BTreeMap<Status, u64>,
    total: Decimal,
}

fn reference<'p>(
    p: &'p Policy,
    jsonl: &str,
    date: &str,
    locality: Option<&str>,
) -> (BTreeMap<u32, Figures>, Vec<eval::Evaluation<'p>>) {
    let req = Request {
        date: day(date),
        locality,
        explain: false,
    };
    let mut figures: BTreeMap<u32, Figures> = BTreeMap::new();
    let mut evals = Vec::new();
    for line in jsonl.lines() {
        let facts = Facts::from_json(p, line).unwrap();
        let ev = eval::evaluate(p, &facts, &req).unwrap();
        for m in &ev.measures {
            if m.status == Status::NotAddressed {
                continue;
            }
            let f = figures.entry(m.number).or_default();
            *f.counts.entry(m.status).or_default() += 1;
            if m.status == Status::Eligible {
                f.total += m.total.unwrap_or_default();
            }
        }
        evals.push(ev);
    }
    (figures, evals)
}

fn summary_figures(s: &Summary) -> BTreeMap<u32, Figures> {
    s.measures
        .iter()
        .filter(|m| m.records > 0)
        .map(|m| {
            let mut counts = BTreeMap::new();
            for (st, n) in [
                (Status::Eligible, m.eligible),
                (Status::NotEligible, m.not_eligible),
                (Status::NeedsFacts, m.needs_facts),
                (Status::Error, m.error),
                (Status::Undetermined, m.undetermined),
                (Status::NotInForce, m.not_in_force),
                (Status::DeadlinePassed, m.deadline_passed),
            ] {
                if n > 0 {
                    counts.insert(st, n);
                }
            }
            (
                m.number,
                Figures {
                    counts,
                    total: m.total.unwrap(),
                },
            )
        })
        .collect()
}

/// Checks every result line against the record's own evaluation.
fn check_lines(out: &str, evals: &[eval::Evaluation]) {
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), evals.len());
    for (line, ev) in lines.iter().zip(evals) {
        let j: Json = serde_json::from_str(line).unwrap();
        let total: Decimal = j["total"].as_str().unwrap().parse().unwrap();
        assert_eq!(total, ev.total, "{line}");
        for m in &ev.measures {
            let got = &j["measures"][m.number.to_string()];
            if m.status == Status::NotAddressed {
                assert!(got.is_null());
                continue;
            }
            assert_eq!(
                got["status"],
                m.status.keyword(),
                "measure {}: {line}",
                m.number
            );
            let amount = got["amount"]
                .as_str()
                .map(|a| a.parse::<Decimal>().unwrap());
            let expected = if m.status == Status::Eligible {
                m.total
            } else {
                None
            };
            assert_eq!(amount, expected, "measure {}: {line}", m.number);
            let needs: Vec<String> = got["needs"]
                .as_array()
                .map(|a| a.iter().map(|x| x.as_str().unwrap().to_string()).collect())
                .unwrap_or_default();
            assert_eq!(needs, m.needs, "measure {}: {line}", m.number);
        }
    }
}

#[test]
fn totals_equal_evaluating_each_record_alone() {
    for (entity, locality, date) in [
        ("企业", Some("呼和浩特市"), "2020-07-01"),
        ("企业", Some("包头市"), "2020-12-31"),
        ("企业", None, "2020-07-01"),
        ("个人", Some("呼和浩特市"), "2020-07-01"),
        ("个人", None, "2021-03-01"),
    ] {
        let text = records(seed(), entity, 300, 2020, 0.05, SampleFormat::Jsonl);
        let (expected, evals) = reference(seed(), &text, date, locality);
        let (out, summary) =
            batch::run_text(seed(), &text, &opts(date, locality, InputFormat::Jsonl)).unwrap();
        assert_eq!(summary.records, 300);
        assert_eq!(summary.rejected, 0);
        assert_eq!(
            summary_figures(&summary),
            expected,
            "{entity} {locality:?} {date}"
        );
        let grand: Decimal = evals.iter().map(|e| e.total).sum();
        assert_eq!(summary.total, Some(grand));
        check_lines(&out, &evals);
    }
}

#[test]
fn the_fixture_agrees_with_evaluating_each_record_alone() {
    for (locality, date) in [
        (None, "2020-07-01"),
        (Some("甲市"), "2020-10-01"),
        (None, "2020-02-01"),
    ] {
        let text = records(fixture(), "单位", 400, 7, 0.15, SampleFormat::Jsonl);
        let (expected, evals) = reference(fixture(), &text, date, locality);
        let (out, summary) =
            batch::run_text(fixture(), &text, &opts(date, locality, InputFormat::Jsonl)).unwrap();
        assert_eq!(summary_figures(&summary), expected, "{locality:?} {date}");
        check_lines(&out, &evals);
    }
}

/// An entity's lists of member records are given to CSV in a second file per
/// list (`--members`), where a list left out is empty: an entity with lists
/// (the seed's 企业, `新招用人员`) is sampled with every fact known, so that
/// both formats read the same lists.
#[test]
fn csv_and_jsonl_give_the_same_results() {
    for (p, entity) in [(seed(), "企业"), (seed(), "个人"), (fixture(), "单位")] {
        let (_, def) = p.entity(entity).unwrap();
        let missing = if def.lists.is_empty() { 0.1 } else { 0.0 };
        let jsonl = records(p, entity, 250, 11, missing, SampleFormat::Jsonl);
        let csv = records(p, entity, 250, 11, missing, SampleFormat::Csv);
        let sampler = Sampler::new(p, entity, 11, missing).unwrap();
        let member_files: Vec<(String, String)> = def
            .lists
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let mut out = Vec::new();
                assert!(sample::write_members_csv(&sampler, i, 250, &mut out).unwrap());
                (l.name.clone(), String::from_utf8(out).unwrap())
            })
            .collect();
        let loc = if entity == "单位" {
            "甲市"
        } else {
            "呼和浩特市"
        };
        let (a, sa) = batch::run_text(
            p,
            &jsonl,
            &opts("2020-07-01", Some(loc), InputFormat::Jsonl),
        )
        .unwrap();
        let mut csv_opts = opts("2020-07-01", Some(loc), InputFormat::Csv);
        csv_opts.members = member_files
            .iter()
            .map(|(list, text)| batch::MemberFile {
                list,
                name: list,
                text,
            })
            .collect();
        let (b, sb) = batch::run_text(p, &csv, &csv_opts).unwrap();
        assert_eq!(sa.measures, sb.measures, "{entity}");
        assert_eq!(sa.total, sb.total);
        // the same lines, but CSV's line numbers count its header
        for (x, y) in a.lines().zip(b.lines()) {
            let mut x: Json = serde_json::from_str(x).unwrap();
            let mut y: Json = serde_json::from_str(y).unwrap();
            assert_eq!(x["line"].as_u64().unwrap() + 1, y["line"].as_u64().unwrap());
            x["line"] = Json::Null;
            y["line"] = Json::Null;
            assert_eq!(x, y);
        }
        assert_eq!(a.lines().count(), b.lines().count());
    }
}

#[test]
fn checking_only_the_facts_read_gives_the_same_results_on_valid_records() {
    let csv = records(seed(), "企业", 300, 5, 0.1, SampleFormat::Csv);
    for measures in [None, Some(vec![12]), Some(vec![3, 6, 24])] {
        let mut all = opts("2020-07-01", Some("呼和浩特市"), InputFormat::Csv);
        all.measures = measures.clone();
        let mut used = all.clone();
        used.check = Check::Used;
        let (a, sa) = batch::run_text(seed(), &csv, &all).unwrap();
        let (b, sb) = batch::run_text(seed(), &csv, &used).unwrap();
        assert_eq!(a, b);
        assert_eq!(sa, sb);
    }
}

#[test]
fn malformed_records_are_rejected_with_their_line_and_the_run_goes_on() {
    let good = records(seed(), "企业", 3, 1, 0.0, SampleFormat::Jsonl);
    let good: Vec<&str> = good.lines().collect();
    let text = [
        good[0],
        "{not json",
        r#"{"entity":"企业","facts":{"裁员率":"abc"}}"#,
        "",
        good[1],
        r#"{"entity":"企鹅","facts":{}}"#,
        r#"{"entity":"企业","facts":{"规模":"巨型"}}"#,
        r#"{"entity":"企业","facts":{"不存在的事实":1}}"#,
        good[2],
    ]
    .join("\n");
    let (out, s) =
        batch::run_text(seed(), &text, &opts("2020-07-01", None, InputFormat::Jsonl)).unwrap();
    assert_eq!(s.records, 8, "the blank line is not a record");
    assert_eq!(s.evaluated, 3);
    assert_eq!(s.rejected, 5);
    let lines: Vec<u64> = s.rejections.iter().map(|r| r.line).collect();
    assert_eq!(lines, [2, 3, 6, 7, 8]);
    assert!(s.rejections[0].reason.starts_with("not valid JSON"));
    assert!(s.rejections[1].reason.contains("$.facts.裁员率"));
    assert!(s.rejections[2].reason.contains("unknown entity `企鹅`"));
    assert!(s.rejections[3].reason.contains("`巨型` is not a variant"));
    assert!(s.rejections[4]
        .reason
        .contains("has no field `不存在的事实`"));
    assert_eq!(out.lines().count(), 8);
    assert!(out.lines().nth(1).unwrap().contains("\"rejected\""));

    // CSV: wrong cell counts, bad values, a quoted cell with a line break
    let csv = records(seed(), "企业", 4, 1, 0.0, SampleFormat::Csv);
    let rows: Vec<&str> = csv.lines().collect();
    let bad_bool = rows[2]
        .replacen(",true,", ",yes,", 1)
        .replacen(",false,", ",yes,", 1);
    let text = [
        rows[0],
        rows[1],
        "x,小型",
        bad_bool.as_str(),
        "",
        "\"quoted\nid\",小型",
        rows[3],
    ]
    .join("\n");
    let mut o = opts("2020-07-01", None, InputFormat::Csv);
    o.max_rejections = 2;
    let (out, s) = batch::run_text(seed(), &text, &o).unwrap();
    assert_eq!(s.records, 5);
    assert_eq!(s.rejected, 3);
    assert_eq!(s.rejections.len(), 2, "listed up to the limit, all counted");
    assert_eq!(s.rejections[0].line, 3);
    assert!(s.rejections[0].reason.starts_with("expected"));
    assert_eq!(s.rejections[1].line, 4);
    assert!(s.rejections[1]
        .reason
        .contains("expected true or false, found `yes`"));
    let last: Json = serde_json::from_str(out.lines().last().unwrap()).unwrap();
    assert_eq!(last["line"], 8, "the quoted line break counts as a line");
}

#[test]
fn a_header_that_does_not_fit_stops_the_run_before_it_starts() {
    let o = opts("2020-07-01", None, InputFormat::Csv);
    let e = batch::run_text(seed(), "id,规模,裁员率x\n", &o).unwrap_err();
    assert!(
        e.to_string().contains("`裁员率x` is not a field of `企业`"),
        "{e}"
    );
    // a field of both 企业 and 个人 in the seed (（二十四）'s part to 个人 or 企业)
    let e = batch::run_text(seed(), "是否高危行业企业\ntrue\n", &o).unwrap_err();
    assert!(e.to_string().contains("cannot tell which entity"), "{e}");
    let e = batch::run_text(seed(), "", &o).unwrap_err();
    assert!(matches!(e, batch::BatchError::NoHeader));
    let mut m = opts("2020-07-01", None, InputFormat::Jsonl);
    m.measures = Some(vec![99]);
    assert!(batch::run_text(seed(), "", &m).is_err());
    let mut l = opts("2020-07-01", Some("呼和浩特"), InputFormat::Jsonl);
    l.measures = None;
    let e = batch::run_text(seed(), "", &l).unwrap_err();
    assert!(e.to_string().contains("unknown locality"), "{e}");
}

#[test]
fn samples_are_valid_deterministic_and_vary_with_the_seed() {
    for (p, entity) in [
        (seed(), "企业"),
        (seed(), "个人"),
        (seed(), "创业担保贷款"),
        (fixture(), "单位"),
    ] {
        let a = records(p, entity, 200, 42, 0.05, SampleFormat::Jsonl);
        let b = records(p, entity, 200, 42, 0.05, SampleFormat::Jsonl);
        let c = records(p, entity, 200, 43, 0.05, SampleFormat::Jsonl);
        assert_eq!(a, b);
        assert_ne!(a, c);
        for line in a.lines() {
            assert!(Facts::from_json(p, line).is_ok(), "{line}");
        }
    }
    // complete records when nothing may be missing
    let s = Sampler::new(seed(), "企业", 1, 0.0).unwrap();
    assert!(s.record(17).values.iter().all(Option::is_some));
    // and record i does not depend on how many are drawn
    let few = records(seed(), "企业", 5, 9, 0.1, SampleFormat::Csv);
    let many = records(seed(), "企业", 50, 9, 0.1, SampleFormat::Csv);
    assert!(many.starts_with(&few));
    assert!(Sampler::new(seed(), "企鹅", 1, 0.0).is_err());
    assert!(Sampler::new(seed(), "企业", 1, 1.5).is_err());
}

#[test]
fn progress_is_reported_and_output_can_be_csv() {
    let text = records(seed(), "企业", 120, 3, 0.05, SampleFormat::Jsonl);
    let mut o = opts("2020-07-01", Some("呼和浩特市"), InputFormat::Jsonl);
    o.output_format = OutputFormat::Csv;
    o.measures = Some(vec![12, 16]);
    let seen = std::sync::Mutex::new(Vec::new());
    let mut out = Vec::new();
    let s = batch::run(seed(), &mut text.as_bytes(), &mut out, &o, &|p| {
        seen.lock().unwrap().push(p.records)
    })
    .unwrap();
    let seen = seen.into_inner().unwrap();
    assert!(seen.len() > 1, "several chunks");
    assert_eq!(seen.last(), Some(&120));
    let out = String::from_utf8(out).unwrap();
    let header = out.lines().next().unwrap();
    assert_eq!(
        header,
        "line,id,entity,total,paid,refunded,fee_reduced,interest_subsidy,loan_ceiling,m12_status,m12_amount,m12_needs,m16_status,m16_amount,m16_needs,rejected"
    );
    assert_eq!(out.lines().count(), 121);
    assert_eq!(s.measures.len(), 2);
}

#[test]
fn a_percentage_of_zero_is_zero_in_both_evaluators() {
    // measure （六）: 当年新招用符合条件人数 >= 15% × 在职职工人数; with 0 workers the
    // product is 0 (exact), so 15 >= 0 holds. Found by the property tests below.
    let line =
        r#"{"entity":"企业","facts":{"规模":"小型","当年新招用符合条件人数":15,"在职职工人数":0}}"#;
    let facts = Facts::from_json(seed(), line).unwrap();
    let m = seed().measures.iter().find(|m| m.number == 6).unwrap();
    let req = Request {
        date: day("2020-07-01"),
        locality: None,
        explain: false,
    };
    let r = eval::evaluate_one(seed(), m, &facts, &req).unwrap();
    assert_eq!(r.status, Status::Eligible, "row evaluator: {}", r.reason);
    let mut o = opts("2020-07-01", None, InputFormat::Jsonl);
    o.measures = Some(vec![6]);
    let (out, _) = batch::run_text(seed(), line, &o).unwrap();
    assert!(out.contains(r#""6":{"status":"eligible"}"#), "{out}");
}

#[test]
fn an_in_memory_table_agrees_with_evaluating_each_record_alone() {
    let p = seed();
    let s = Sampler::new(p, "企业", 31, 0.2).unwrap();
    // more rows than one block of the column program (2048)
    let n = 2100;
    let mut recs: Vec<Facts> = (0..n as u64).map(|i| s.record(i)).collect();
    // a value that does not fit a column exactly: its row goes to the row evaluator
    let (slot, _) = p
        .entity("企业")
        .map(|(_, d)| d)
        .and_then(|d| {
            d.fields
                .iter()
                .enumerate()
                .find(|(_, f)| f.name == "上年度失业保险费")
        })
        .unwrap();
    recs[0].values[slot] = Some(policyc::ir::Value::Number("12345.678".parse().unwrap()));
    // values that fit their columns but whose products do not: those rows are
    // rebuilt from the columns and evaluated one by one
    for r in [1, 2, 2047, 2048] {
        recs[r].values[slot] = Some(policyc::ir::Value::Number(
            "92000000000000000".parse().unwrap(),
        ));
    }
    let table = batch::Table::new(p, "企业", recs.clone()).unwrap();
    assert_eq!(table.len(), n);
    let (ei, _) = p.entity("企业").unwrap();
    let mut eligible = 0;
    for date in ["2020-07-01", "2021-01-05"] {
        for locality in [None, Some("呼和浩特市")] {
            let req = Request {
                date: day(date),
                locality,
                explain: false,
            };
            for m in p.measures.iter().filter(|m| m.addressee == Some(ei)) {
                let res = table.evaluate(m.number, day(date), locality).unwrap();
                let mut total = Decimal::ZERO;
                for (row, f) in recs.iter().enumerate() {
                    let r = eval::evaluate_one(p, m, f, &req).unwrap();
                    let at = format!("measure {} on {date} in {locality:?}, row {row}", m.number);
                    assert_eq!(res.status(row), Some(r.status), "{at}: {}", r.reason);
                    assert_eq!(res.amount(row), r.total, "{at}");
                    assert_eq!(res.needs(row), r.needs, "{at}");
                    if r.status == Status::Eligible {
                        total += r.total.unwrap_or_default();
                        eligible += 1;
                    }
                }
                assert_eq!(res.total(), Some(total), "measure {}", m.number);
                assert_eq!(res.status(n), None);
            }
        }
    }
    assert!(eligible > 100, "the sample should make records eligible");
    // wrong uses are errors, not panics
    let person = Sampler::new(p, "个人", 1, 0.0).unwrap().record(0);
    assert!(matches!(
        batch::Table::new(p, "企业", vec![person]),
        Err(batch::BatchError::OtherEntity { record: 0, .. })
    ));
    let for_persons = p
        .measures
        .iter()
        .find(|m| m.addressee != Some(ei) && m.addressee.is_some())
        .unwrap();
    assert!(matches!(
        table.evaluate(for_persons.number, day("2020-07-01"), None),
        Err(batch::BatchError::NotAddressed { .. })
    ));
    assert!(matches!(
        table.evaluate(999, day("2020-07-01"), None),
        Err(batch::BatchError::UnknownMeasure { .. })
    ));
}

// ---------------------------------------------------------------------------
// The columnar path against the row evaluator

/// A JSON value for a field of type `ty`: valid values, boundary values,
/// values that do not fit a column exactly, and invalid ones.
fn fact_strategy(ty: policyc::ir::Type, variants: Vec<String>) -> BoxedStrategy<Option<Json>> {
    use policyc::ir::{NumKind, Type};
    let value: BoxedStrategy<Json> = match ty {
        Type::Bool => prop_oneof![
            8 => any::<bool>().prop_map(Json::Bool),
            1 => Just(Json::String("true".into())),
        ]
        .boxed(),
        Type::Enum { .. } => {
            let n = variants.len();
            prop_oneof![
                8 => (0..n).prop_map(move |i| Json::String(variants[i].clone())),
                1 => Just(Json::String("无此项".into())),
            ]
            .boxed()
        }
        Type::Date => prop_oneof![
            8 => (737_000i32..739_000).prop_map(|d| Json::String(
                NaiveDate::from_num_days_from_ce_opt(d).unwrap().to_string()
            )),
            1 => Just(Json::String("2020-2-3".into())),
            1 => Just(Json::String("2020-02-30".into())),
        ]
        .boxed(),
        Type::Number { kind, .. } => {
            let whole = prop_oneof![
                6 => (0i64..200).prop_map(|n| json_number(&n.to_string())),
                2 => (0i64..1_000_000_000).prop_map(|n| json_number(&n.to_string())),
                1 => Just(json_number("999999999999999")),
                1 => Just(json_number("1000000000000000")),
                1 => Just(json_number("-3")),
                1 => Just(json_number("1e3")),
                1 => Just(Json::String("12".into())),
            ];
            match kind {
                NumKind::Integer => whole.boxed(),
                NumKind::Percent => prop_oneof![
                    3 => (0u32..300).prop_map(|n| Json::String(format!("{}.{}%", n / 10, n % 10))),
                    1 => Just(Json::String("5.555%".into())),
                    1 => (0u32..1000).prop_map(|n| json_number(&format!("0.{n:03}"))),
                    1 => Just(Json::String("abc".into())),
                ]
                .boxed(),
                NumKind::Decimal => prop_oneof![
                    3 => whole,
                    2 => (0i64..100_000_000).prop_map(|n| json_number(&format!("{}.{:02}", n / 100, n % 100))),
                    1 => Just(json_number("0.001")),
                    1 => Just(json_number("123456789012.345678")),
                    1 => Just(Json::String("4.8 万元".into())),
                    1 => Just(Json::String("12 元/月".into())),
                ]
                .boxed(),
            }
        }
    };
    prop_oneof![6 => value.prop_map(Some), 1 => Just(None), 1 => Just(Some(Json::Null))].boxed()
}

fn json_number(s: &str) -> Json {
    serde_json::from_str(s).unwrap()
}

fn records_strategy(p: &'static Policy, entity: &str) -> BoxedStrategy<Vec<String>> {
    let (_, def) = p.entity(entity).unwrap();
    let name = def.name.clone();
    let fields: Vec<(String, BoxedStrategy<Option<Json>>)> = def
        .fields
        .iter()
        .map(|f| {
            let variants = match &f.ty {
                policyc::ir::Type::Enum { id, .. } => p.enums[*id as usize].variants.clone(),
                _ => Vec::new(),
            };
            (f.name.clone(), fact_strategy(f.ty.clone(), variants))
        })
        .collect();
    let names: Vec<String> = fields.iter().map(|(n, _)| n.clone()).collect();
    let values: Vec<BoxedStrategy<Option<Json>>> = fields.into_iter().map(|(_, s)| s).collect();
    let record = values.prop_map(move |vals| {
        let mut facts = serde_json::Map::new();
        for (n, v) in names.iter().zip(vals) {
            if let Some(v) = v {
                facts.insert(n.clone(), v);
            }
        }
        serde_json::json!({"entity": name, "facts": facts}).to_string()
    });
    proptest::collection::vec(record, 1..60).boxed()
}

fn both_engines(p: &Policy, text: &str, date: &str, locality: Option<&str>, check: Check) {
    let mut col = opts(date, locality, InputFormat::Jsonl);
    col.check = check;
    col.chunk_bytes = 2048;
    let mut row = col.clone();
    row.engine = Engine::Rows;
    let (a, sa) = batch::run_text(p, text, &col).unwrap();
    let (b, sb) = batch::run_text(p, text, &row).unwrap();
    assert_eq!(a, b);
    assert_eq!(sa, sb);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn columnar_equals_rows_on_the_fixture(
        recs in records_strategy(fixture(), "单位"),
        date in prop_oneof![Just("2020-01-15"), Just("2020-07-01"), Just("2020-10-01"), Just("2022-01-01")],
        locality in prop_oneof![Just(None), Just(Some("甲市"))],
        used in any::<bool>(),
    ) {
        let check = if used { Check::Used } else { Check::All };
        both_engines(fixture(), &recs.join("\n"), date, locality, check);
    }

    #[test]
    fn columnar_equals_rows_on_the_seed(
        recs in records_strategy(seed(), "企业"),
        people in records_strategy(seed(), "个人"),
        locality in prop_oneof![Just(None), Just(Some("呼和浩特市")), Just(Some("包头市"))],
    ) {
        let mut all = recs;
        all.extend(people);
        both_engines(seed(), &all.join("\n"), "2020-07-01", locality, Check::All);
    }

    #[test]
    fn sampled_populations_agree_in_both_engines(seed_ in any::<u64>(), missing in 0.0f64..0.6) {
        let text = records(fixture(), "单位", 80, seed_, missing, SampleFormat::Jsonl);
        both_engines(fixture(), &text, "2020-07-01", Some("甲市"), Check::All);
        let csv = records(seed(), "企业", 80, seed_, missing, SampleFormat::Csv);
        let mut col = opts("2020-07-01", Some("呼和浩特市"), InputFormat::Csv);
        col.chunk_bytes = 1024;
        let mut row = col.clone();
        row.engine = Engine::Rows;
        prop_assert_eq!(
            batch::run_text(seed(), &csv, &col).unwrap(),
            batch::run_text(seed(), &csv, &row).unwrap()
        );
    }
}

// ---------------------------------------------------------------------------
// The command line

fn policyc(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_policyc"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .output()
        .unwrap()
}

fn temp(name: &str) -> String {
    let dir = std::env::temp_dir().join(format!("policyc-batch-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name).to_string_lossy().into_owned()
}

#[test]
fn cli_sample_then_batch_matches_the_library() {
    let csv = temp("qiye.csv");
    let o = policyc(&[
        "sample", "policies", "--entity", "企业", "--count", "300", "--seed", "2020", "--format",
        "csv", "-o", &csv,
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let text = std::fs::read_to_string(&csv).unwrap();
    assert_eq!(
        text,
        records(seed(), "企业", 300, 2020, 0.05, SampleFormat::Csv)
    );

    let summary = temp("summary.json");
    let results = temp("results.csv");
    let o = policyc(&[
        "batch",
        "policies",
        "--input",
        &csv,
        "--date",
        "2020-07-01",
        "--locality",
        "呼和浩特市",
        "--format",
        "csv",
        "-o",
        &results,
        "--summary",
        &summary,
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("300 records read, 300 evaluated, 0 rejected"),
        "{stderr}"
    );
    assert!(
        !stderr.contains('\r'),
        "no progress bar when not on a terminal"
    );
    let s: Json = serde_json::from_str(&std::fs::read_to_string(&summary).unwrap()).unwrap();
    let (_, lib) = batch::run_text(
        seed(),
        &text,
        &opts("2020-07-01", Some("呼和浩特市"), InputFormat::Csv),
    )
    .unwrap();
    assert_eq!(s, serde_json::to_value(&lib).unwrap());
    assert_eq!(
        std::fs::read_to_string(&results).unwrap().lines().count(),
        301
    );

    // from stdin, format sniffed; a bad record makes the exit code 1
    let mut child = Command::new(env!("CARGO_BIN_EXE_policyc"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "batch",
            "policies",
            "--input",
            "-",
            "--date",
            "2020-07-01",
            "-q",
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        stdin
            .write_all(b"{\"entity\":\"\xe4\xb8\xaa\xe4\xba\xba\",\"facts\":{}}\n{\"entity\":1}\n")
            .unwrap();
    }
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(out.lines().count(), 2);
    assert!(out.lines().nth(1).unwrap().contains("\"rejected\""));

    // usage and input errors
    let o = policyc(&[
        "batch",
        "policies",
        "--input",
        "no/such.csv",
        "--date",
        "2020-07-01",
    ]);
    assert_eq!(o.status.code(), Some(2));
    // an unknown `--entity` is a usage error, as for every command (docs/cli.md)
    let o = policyc(&["sample", "policies", "--entity", "企鹅", "--count", "1"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("policy::cli::unknown_entity"));
}

#[test]
fn cli_batch_totals_equal_summing_policyc_eval_one_by_one() {
    let jsonl = records(seed(), "企业", 25, 77, 0.05, SampleFormat::Jsonl);
    let input = temp("few.jsonl");
    std::fs::write(&input, &jsonl).unwrap();
    let summary = temp("few-summary.json");
    let o = policyc(&[
        "batch",
        "policies",
        "--input",
        &input,
        "--date",
        "2020-07-01",
        "--locality",
        "呼和浩特市",
        "-q",
        "-o",
        &temp("few-results.jsonl"),
        "--summary",
        &summary,
    ]);
    assert!(
        o.status.code().is_some(),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let s: Json = serde_json::from_str(&std::fs::read_to_string(&summary).unwrap()).unwrap();

    let mut totals: BTreeMap<String, Decimal> = BTreeMap::new();
    let mut eligible: BTreeMap<String, u64> = BTreeMap::new();
    let mut grand = Decimal::ZERO;
    for (i, line) in jsonl.lines().enumerate() {
        let facts = temp(&format!("facts-{i}.json"));
        std::fs::write(&facts, line).unwrap();
        let o = policyc(&[
            "eval",
            "policies",
            "--facts",
            &facts,
            "--date",
            "2020-07-01",
            "--locality",
            "呼和浩特市",
            "--format",
            "json",
        ]);
        let ev: Json = serde_json::from_slice(&o.stdout).unwrap();
        grand += ev["total"].as_str().unwrap().parse::<Decimal>().unwrap();
        for m in ev["measures"].as_array().unwrap() {
            if m["status"] == "eligible" {
                let n = m["number"].to_string();
                *eligible.entry(n.clone()).or_default() += 1;
                if let Some(t) = m["total"].as_str() {
                    *totals.entry(n).or_default() += t.parse::<Decimal>().unwrap();
                }
            }
        }
    }
    for m in s["measures"].as_array().unwrap() {
        let n = m["number"].to_string();
        let total: Decimal = m["total"].as_str().unwrap().parse().unwrap();
        assert_eq!(
            total,
            totals.get(&n).copied().unwrap_or_default(),
            "measure {n}"
        );
        assert_eq!(
            m["eligible"].as_u64().unwrap(),
            eligible.get(&n).copied().unwrap_or(0),
            "measure {n}"
        );
    }
    let batch_total: Decimal = s["total"].as_str().unwrap().parse().unwrap();
    assert_eq!(batch_total, grand);
}

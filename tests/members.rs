//! Member records and aggregates (issue 13, point 4): an entity's lists of
//! members (an enterprise's new hires), aggregates over them with `where`,
//! three-valued logic per member, `needs_facts` naming the member, facts
//! files with nested arrays, examples, fmt, the IR through JSON, and batch.
//! Diagnostics: `tests/diagnostics/check_{nested_list,misplaced_list,
//! not_a_list,list_as_value,outer_name_in_member,aggregate_arguments}.policy`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failed expectation should stop the test loudly"
)]

#[path = "common/run.rs"]
mod run;

use chrono::NaiveDate;
use policyc::eval::{self, Facts, Request};
use policyc::ir::{Policy, Status};
use rust_decimal::Decimal;

const FIXTURE: &str = include_str!("fixtures/members.policy");

fn policy() -> Policy {
    run::compile("members.policy", FIXTURE).unwrap_or_else(|d| panic!("{d}"))
}

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn eval_one<'p>(p: &'p Policy, number: u32, facts: &str) -> eval::MeasureResult<'p> {
    let f = Facts::from_json(p, facts).unwrap_or_else(|e| panic!("{e:?}"));
    let m = p.measures.iter().find(|m| m.number == number).unwrap();
    let req = Request {
        date: NaiveDate::from_ymd_opt(2020, 7, 1).unwrap(),
        locality: None,
        explain: true,
    };
    eval::evaluate_one(p, m, &f, &req).unwrap()
}

fn hires(members: &str) -> String {
    format!(r#"{{"entity": "企业", "facts": {{"新招用人员": {members}}}}}"#)
}

#[test]
fn every_example_of_the_fixture_passes() {
    let out = run::policyc(&["test", "tests/fixtures/members.policy"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("7 passed, 0 failed"));
}

/// （十二）: two rural hires, one on a 12-month contract and one on 6 months:
/// one subsidy, where one enterprise-level contract length could say neither.
#[test]
fn each_hire_has_its_own_contract() {
    let p = policy();
    let r = eval_one(
        &p,
        12,
        &hires(
            r#"[{"人员类别": "农村牧区劳动力", "劳动合同期限": 12, "已缴纳社会保险": true},
                {"人员类别": "农村牧区劳动力", "劳动合同期限": 6, "已缴纳社会保险": true},
                {"人员类别": "高校毕业生", "劳动合同期限": 24, "已缴纳社会保险": true}]"#,
        ),
    );
    assert_eq!(r.status, Status::Eligible, "{}", r.reason);
    assert_eq!(r.total, Some(dec("1000.00")));
    // the boundary: 12 months counts, 11 does not
    let r = eval_one(
        &p,
        12,
        &hires(r#"[{"人员类别": "农村牧区劳动力", "劳动合同期限": 11, "已缴纳社会保险": true}]"#),
    );
    assert_eq!(r.status, Status::NotEligible);
}

/// An absent list is unknown; an empty list is known and empty.
#[test]
fn absent_lists_are_unknown_and_empty_lists_are_known() {
    let p = policy();
    let r = eval_one(&p, 12, r#"{"entity": "企业", "facts": {}}"#);
    assert_eq!(r.status, Status::NeedsFacts);
    assert_eq!(r.needs, vec!["新招用人员".to_string()]);
    let r = eval_one(&p, 12, &hires("null"));
    assert_eq!(r.needs, vec!["新招用人员".to_string()]);
    let r = eval_one(&p, 12, &hires("[]"));
    assert_eq!(r.status, Status::NotEligible);
    // all over no member is true, any false, sum 0
    let r = eval_one(&p, 16, &hires("[]"));
    assert_eq!(r.status, Status::NotEligible, "{}", r.reason);
}

/// An unknown member fact is asked for by the member's index (from 0), and
/// only when it can change the outcome.
#[test]
fn unknown_member_facts_name_the_member() {
    let p = policy();
    let r = eval_one(
        &p,
        12,
        &hires(
            r#"[{"人员类别": "农村牧区劳动力", "劳动合同期限": 12, "已缴纳社会保险": true},
                {"人员类别": "农村牧区劳动力", "已缴纳社会保险": true}]"#,
        ),
    );
    assert_eq!(r.status, Status::NeedsFacts);
    assert_eq!(r.needs, vec!["新招用人员[1].劳动合同期限".to_string()]);
    // a member whose `where` already fails is not asked about
    let r = eval_one(
        &p,
        12,
        &hires(
            r#"[{"人员类别": "农村牧区劳动力", "劳动合同期限": 12, "已缴纳社会保险": true},
                {"人员类别": "高校毕业生"}]"#,
        ),
    );
    assert_eq!(r.status, Status::Eligible, "{:?}", r.needs);
    // `any` already true does not need the other members
    let r = eval_one(
        &p,
        16,
        &hires(
            r#"[{"人员类别": "高校毕业生", "劳动合同期限": 12, "已缴纳社会保险": false, "月工资": 4000},
                {"人员类别": "高校毕业生"}]"#,
        ),
    );
    // `all` already false decides the condition
    assert_eq!(r.status, Status::NotEligible, "{:?}", r.needs);
}

/// Aggregates in amounts: a sum over the members selected.
#[test]
fn sums_over_members() {
    let p = policy();
    let r = eval_one(
        &p,
        16,
        &hires(
            r#"[{"人员类别": "高校毕业生", "劳动合同期限": 12, "已缴纳社会保险": true, "月工资": "4000 元"},
                {"人员类别": "高校毕业生", "劳动合同期限": 36, "已缴纳社会保险": true, "月工资": 5000},
                {"人员类别": "高校毕业生", "劳动合同期限": 6, "已缴纳社会保险": true, "月工资": 9000}]"#,
        ),
    );
    assert_eq!(r.status, Status::Eligible, "{}", r.reason);
    assert_eq!(r.total, Some(dec("900.00")));
}

/// `min`/`max` of a list are aggregates; of values, the functions they were.
#[test]
fn min_and_max_of_a_list_and_of_values() {
    let src = format!(
        "{FIXTURE}\nmeasure 30 \"m\" {{\n  kind benefit\n  to 企业\n  rule r {{\n    when min(新招用人员, 劳动合同期限) >= 12 个月 and max(新招用人员, 劳动合同期限 where 已缴纳社会保险) <= max(24 个月, 12 个月)\n    amount 100 元\n  }}\n}}\n"
    );
    let p = run::compile("m.policy", &src).unwrap_or_else(|d| panic!("{d}"));
    let ok = hires(
        r#"[{"劳动合同期限": 12, "已缴纳社会保险": true}, {"劳动合同期限": 30, "已缴纳社会保险": false}]"#,
    );
    assert_eq!(eval_one(&p, 30, &ok).status, Status::Eligible);
    let short = hires(r#"[{"劳动合同期限": 11, "已缴纳社会保险": true}]"#);
    assert_eq!(eval_one(&p, 30, &short).status, Status::NotEligible);
    // over no member, min is an error naming the aggregate
    let r = eval_one(&p, 30, &hires("[]"));
    assert_eq!(r.status, Status::Error);
    let e = r.error.unwrap();
    assert!(
        e.to_string().contains("`min(新招用人员)` of no member"),
        "{e}"
    );
}

/// Member facts are checked like facts, with the member's JSON path; a list
/// longer than the limit has its own code.
#[test]
fn member_facts_are_checked_with_their_path() {
    let p = policy();
    let errs = Facts::from_json(
        &p,
        &hires(r#"[{"劳动合同期限": 12}, {"劳动合同期限": "abc", "工龄": 3}, 5]"#),
    )
    .unwrap_err();
    let got: Vec<(String, &str)> = errs.iter().map(|e| (e.path.clone(), e.code)).collect();
    assert_eq!(
        got,
        vec![
            (
                "$.facts.新招用人员[1].劳动合同期限".to_string(),
                "policy::facts::bad_number"
            ),
            (
                "$.facts.新招用人员[1].工龄".to_string(),
                "policy::facts::unknown_field"
            ),
            (
                "$.facts.新招用人员[2]".to_string(),
                "policy::facts::not_an_object"
            ),
        ]
    );
    let e = Facts::from_json(&p, &hires("3")).unwrap_err();
    assert_eq!(e[0].code, "policy::facts::wrong_type");
    let many = format!("[{}]", vec!["{}"; policyc::ir::MAX_MEMBERS + 1].join(","));
    let e = Facts::from_json(&p, &hires(&many)).unwrap_err();
    assert_eq!(e[0].code, "policy::facts::too_many_members");
    assert!(Facts::from_json(
        &p,
        &hires(&format!(
            "[{}]",
            vec!["{}"; policyc::ir::MAX_MEMBERS].join(",")
        ))
    )
    .is_ok());
}

/// An example's list of more than the limit is refused with a specific code.
#[test]
fn an_example_list_is_bounded() {
    let members = vec!["{劳动合同期限: 1 个月}"; policyc::ir::MAX_MEMBERS + 1].join(", ");
    let src = format!(
        "record 人 {{ 劳动合同期限: integer<月> }}\nentity 企业 {{ 名单: list<人> }}\nmeasure 1 \"m\" {{\n  kind benefit\n  to 企业\n  rule r {{ when count(名单) > 0 人 }}\n  example \"e\" {{\n    date 2020-01-01\n    企业 {{ 名单: [{members}] }}\n    expect eligible\n  }}\n}}\n"
    );
    let d = run::compile("big.policy", &src).unwrap_err();
    assert!(d.contains("policy::check::too_many_members"), "{d}");
}

/// The formatter prints member lists canonically, and its output is stable.
#[test]
fn fmt_round_trips_member_lists() {
    let p = run::temp_file("members", "fmt.policy", FIXTURE);
    let out = run::policyc(&["fmt", "--check", p.to_str().unwrap()]);
    assert!(out.status.success(), "the fixture is canonical: {out:?}");
    let squeezed = FIXTURE
        .replace(", 劳动合同期限:", ",劳动合同期限:")
        .replace("list<新招用人员>", "list < 新招用人员 >");
    let p = run::temp_file("members", "fmt2.policy", &squeezed);
    let out = run::policyc(&["fmt", p.to_str().unwrap()]);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(std::fs::read_to_string(&p).unwrap(), FIXTURE);
}

/// The IR carries records, lists, aggregates and example lists through JSON.
#[test]
fn the_ir_round_trips_through_json() {
    let p = policy();
    let json = p.to_json().unwrap();
    assert!(json.contains("\"records\""));
    assert!(json.contains("\"node\": \"aggregate\""));
    assert!(json.contains("\"node\": \"member\""));
    let back = Policy::from_json(&json).unwrap();
    assert_eq!(back, p);
    // a hand-edited aggregate over a list the entity does not have is refused
    let bad = json.replacen("\"list\": 0,", "\"list\": 7,", 1);
    assert!(Policy::from_json(&bad).is_err());
}

/// The check stage's diagnostics, by code (snapshots in tests/diagnostics).
#[test]
fn check_diagnostics() {
    let code = |src: &str| run::compile("x.policy", src).unwrap_err();
    let base = "record 人 { 期限: integer<月> }\nentity 企业 { 规模: bool 名单: list<人> }\n";
    let rule = |when: &str| {
        format!("{base}measure 1 \"m\" {{ kind benefit to 企业 rule r {{ when {when} }} }}\n")
    };
    assert!(code(&rule("count(名单, 期限) > 0 人")).contains("policy::check::aggregate_arguments"));
    assert!(code(&rule("count(规模) > 0 人")).contains("policy::check::not_a_list"));
    assert!(code(&rule("名单")).contains("policy::check::list_as_value"));
    assert!(code(&rule("any(名单, 规模)")).contains("policy::check::outer_name_in_member"));
    assert!(code(&rule("any(名单, count(名单) > 0 人)")).contains("policy::check::not_a_list"));
    assert!(code(&rule("all(名单, 期限)")).contains("policy::check::condition_not_bool"));
    assert!(code(&rule("sum(名单, 期限 where 期限) > 0 个月"))
        .contains("policy::check::condition_not_bool"));
    assert!(code(&rule("avg(名单 where 期限 > 1 个月)")).contains("unknown aggregate"));
    assert!(
        code(&format!("{base}entity 个人 {{ 名单: list<无> }}")).contains("unknown record `无`")
    );
    // the two-value functions are unchanged
    assert!(run::compile("x.policy", &rule("min(1 个月, 2 个月) > 0 个月")).is_ok());
}

fn sample_records() -> String {
    let rows = [
        r#"{"entity":"企业","id":"a","facts":{"新招用人员":[{"人员类别":"农村牧区劳动力","劳动合同期限":12,"已缴纳社会保险":true},{"人员类别":"农村牧区劳动力","劳动合同期限":24,"已缴纳社会保险":true}]}}"#,
        r#"{"entity":"企业","id":"b","facts":{"新招用人员":[]}}"#,
        r#"{"entity":"企业","id":"c","facts":{"规模":"其他"}}"#,
        r#"{"entity":"企业","id":"d","facts":{"新招用人员":[{"人员类别":"高校毕业生","劳动合同期限":12,"已缴纳社会保险":true,"月工资":5000},{"人员类别":"农村牧区劳动力"}]}}"#,
        r#"{"entity":"企业","id":"e","facts":{"新招用人员":null}}"#,
    ];
    let mut s = rows.join("\n");
    s.push('\n');
    s
}

/// `batch` reads member lists from JSONL as nested arrays: nothing rejected,
/// each result that of `eval`, the total the sum of the records alone, and the
/// columnar engine (which leaves measures reading members to rows) equal to
/// the row engine.
#[test]
fn batch_reads_member_lists_from_jsonl() {
    use policyc::batch::{self, BatchOptions, Engine, InputFormat};
    let p = policy();
    let records = sample_records();
    let date = NaiveDate::from_ymd_opt(2020, 7, 1).unwrap();
    let mut opts = BatchOptions::new(date);
    opts.input_format = InputFormat::Jsonl;
    let (col, sum) = batch::run_text(&p, &records, &opts).unwrap();
    opts.engine = Engine::Rows;
    let (rows, _) = batch::run_text(&p, &records, &opts).unwrap();
    assert_eq!(col, rows);
    assert_eq!(sum.rejected, 0);
    let mut total = Decimal::ZERO;
    for line in records.lines() {
        let f = Facts::from_json(&p, line).unwrap();
        let req = Request {
            date,
            locality: None,
            explain: false,
        };
        total += eval::evaluate(&p, &f, &req).unwrap().total;
    }
    assert_eq!(total, dec("2500.00"));
    assert_eq!(sum.total, Some(total));
    assert!(
        col.contains(r#""needs":["新招用人员[1].劳动合同期限","新招用人员[1].已缴纳社会保险"]"#),
        "{col}"
    );
    // a member fact of the wrong type rejects the record, naming its path
    let bad = r#"{"entity":"企业","id":"x","facts":{"新招用人员":[{"劳动合同期限":"x"}]}}"#;
    let (out, sum) = batch::run_text(&p, &format!("{bad}\n"), &opts).unwrap();
    assert_eq!(sum.rejected, 1);
    assert!(out.contains("$.facts.新招用人员[0].劳动合同期限"), "{out}");
}

/// CSV: the members of a list come from a second CSV file joined on the
/// parent's `id`; a record without member rows has an empty list, a list
/// without a file is unknown, and a member row without a parent is reported.
/// The results are those of the same records given as JSONL with nested arrays.
#[test]
fn batch_joins_a_csv_members_file_on_the_parent_id() {
    use policyc::batch::{self, BatchOptions, Engine, InputFormat, MemberFile};
    let p = policy();
    let date = NaiveDate::from_ymd_opt(2020, 7, 1).unwrap();
    let firms = "id,规模\nf1,其他\nf2,其他\nf3,\n";
    let hires = "id,人员类别,劳动合同期限,已缴纳社会保险,月工资\n\
                 f1,农村牧区劳动力,12,true,\n\
                 f1,农村牧区劳动力,6,true,\n\
                 f2,高校毕业生,12,true,4000 元\n\
                 f2,农村牧区劳动力,,true,\n";
    let mut opts = BatchOptions::new(date);
    opts.input_format = InputFormat::Csv;
    opts.entity = Some("企业");
    opts.members = vec![MemberFile {
        list: "新招用人员",
        name: "hires.csv",
        text: hires,
    }];
    let (csv_out, sum) = batch::run_text(&p, firms, &opts).unwrap();
    assert_eq!(sum.rejected, 0, "{:?}", sum.rejections);
    assert_eq!(sum.total, Some(dec("1400.00")));
    opts.engine = Engine::Rows;
    let (rows_out, _) = batch::run_text(&p, firms, &opts).unwrap();
    assert_eq!(csv_out, rows_out);
    // the same records as JSONL
    let jsonl = [
        r#"{"entity":"企业","id":"f1","facts":{"规模":"其他","新招用人员":[{"人员类别":"农村牧区劳动力","劳动合同期限":12,"已缴纳社会保险":true},{"人员类别":"农村牧区劳动力","劳动合同期限":6,"已缴纳社会保险":true}]}}"#,
        r#"{"entity":"企业","id":"f2","facts":{"规模":"其他","新招用人员":[{"人员类别":"高校毕业生","劳动合同期限":12,"已缴纳社会保险":true,"月工资":"4000 元"},{"人员类别":"农村牧区劳动力","已缴纳社会保险":true}]}}"#,
        r#"{"entity":"企业","id":"f3","facts":{"新招用人员":[]}}"#,
    ];
    let mut j = BatchOptions::new(date);
    j.input_format = InputFormat::Jsonl;
    let (json_out, jsum) = batch::run_text(&p, &(jsonl.join("\n") + "\n"), &j).unwrap();
    assert_eq!(jsum.total, sum.total);
    let measures = |out: &str| -> Vec<String> {
        out.lines()
            .map(|l| l.split_once("\"measures\"").unwrap().1.to_string())
            .collect()
    };
    assert_eq!(measures(&csv_out), measures(&json_out));
    // a member row whose parent is not in the input is reported, not dropped
    let orphan = format!("{hires}zz,其他,1,true,\n");
    opts.members[0].text = &orphan;
    let (_, sum) = batch::run_text(&p, firms, &opts).unwrap();
    assert_eq!(sum.rejected, 1);
    assert_eq!(
        sum.rejections[0].code,
        "policy::batch::member_without_parent"
    );
    assert_eq!(sum.rejections[0].line, 6);
    // without the file, the list is unknown
    opts.members.clear();
    let (out, _) = batch::run_text(&p, firms, &opts).unwrap();
    assert!(out.contains(r#""needs":["新招用人员"]"#), "{out}");
    // a members file with a column the record does not have stops the run
    opts.members = vec![MemberFile {
        list: "新招用人员",
        name: "bad.csv",
        text: "id,工龄\nf1,3\n",
    }];
    let e = batch::run_text(&p, firms, &opts).unwrap_err();
    assert!(e.to_string().contains("`工龄` is not a field"), "{e}");
    // JSONL records nest their members: a members file is refused
    j.members = opts.members.clone();
    assert!(batch::run_text(&p, "", &j).is_err());
}

/// The command line: `--members LIST=FILE`, and exit 1 for an orphan member.
#[test]
fn batch_command_line_members() {
    let firms = run::temp_file("members", "firms.csv", "id,规模\nf1,其他\n");
    let hires = run::temp_file(
        "members",
        "hires.csv",
        "id,人员类别,劳动合同期限,已缴纳社会保险\nf1,农村牧区劳动力,12,true\n",
    );
    let arg = format!("新招用人员={}", hires.display());
    let args = [
        "batch",
        "tests/fixtures/members.policy",
        "--input",
        firms.to_str().unwrap(),
        "--entity",
        "企业",
        "--members",
        &arg,
        "--date",
        "2020-07-01",
        "-q",
    ];
    let out = run::policyc(&args);
    assert!(out.status.success(), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stdout).contains(r#""total":"1000.00""#));
    std::fs::write(&hires, "id,人员类别\nnobody,其他\n").unwrap();
    let out = run::policyc(&args);
    assert_eq!(out.status.code(), Some(1));
}

/// `sample` writes member lists (JSONL nested, CSV in a second file) with
/// the boundary values of the aggregates' constants; `batch` reads them back
/// with nothing rejected and the total of the records evaluated alone.
#[test]
fn sample_writes_member_lists_that_batch_reads() {
    use policyc::batch::{self, BatchOptions, InputFormat, MemberFile};
    use policyc::sample::{write_members_csv, write_sample, SampleFormat, Sampler};
    let p = policy();
    let s = Sampler::new(&p, "企业", 11, 0.1).unwrap();
    let mut out = Vec::new();
    write_sample(&s, 400, SampleFormat::Jsonl, &mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    for boundary in [
        "\"劳动合同期限\":11,",
        "\"劳动合同期限\":12,",
        "\"劳动合同期限\":13,",
    ] {
        assert!(text.contains(boundary), "{boundary}");
    }
    assert!(text.contains("\"新招用人员\":[]"), "an empty list");
    assert!(
        !text.lines().all(|l| l.contains("新招用人员")),
        "an unknown list"
    );
    let date = NaiveDate::from_ymd_opt(2020, 7, 1).unwrap();
    let mut opts = BatchOptions::new(date);
    opts.input_format = InputFormat::Jsonl;
    let (_, sum) = batch::run_text(&p, &text, &opts).unwrap();
    assert_eq!(sum.rejected, 0);
    let mut total = Decimal::ZERO;
    for line in text.lines() {
        let f = Facts::from_json(&p, line).unwrap();
        let req = Request {
            date,
            locality: None,
            explain: false,
        };
        total += eval::evaluate(&p, &f, &req).unwrap().total;
    }
    assert_eq!(sum.total, Some(total));
    // CSV: the records, and the members in a second file
    let complete = Sampler::new(&p, "企业", 11, 0.0).unwrap();
    let mut firms = Vec::new();
    write_sample(&complete, 300, SampleFormat::Csv, &mut firms).unwrap();
    let mut hires = Vec::new();
    assert!(write_members_csv(&complete, 0, 300, &mut hires).unwrap());
    let (firms, hires) = (
        String::from_utf8(firms).unwrap(),
        String::from_utf8(hires).unwrap(),
    );
    let mut opts = BatchOptions::new(date);
    opts.input_format = InputFormat::Csv;
    opts.entity = Some("企业");
    opts.members = vec![MemberFile {
        list: "新招用人员",
        name: "hires.csv",
        text: &hires,
    }];
    let (_, csv_sum) = batch::run_text(&p, &firms, &opts).unwrap();
    assert_eq!(csv_sum.rejected, 0, "{:?}", csv_sum.rejections);
    let mut jsonl = Vec::new();
    write_sample(&complete, 300, SampleFormat::Jsonl, &mut jsonl).unwrap();
    let mut j = BatchOptions::new(date);
    j.input_format = InputFormat::Jsonl;
    let (_, json_sum) = batch::run_text(&p, &String::from_utf8(jsonl).unwrap(), &j).unwrap();
    assert_eq!(csv_sum.total, json_sum.total);
    assert!(csv_sum.total > Some(Decimal::ZERO));
}

/// `diff` says a changed member condition, and a changed record, in the
/// policy's words.
#[test]
fn diff_says_member_changes_in_the_policys_words() {
    let old = policy();
    let text = FIXTURE
        .replace(
            "劳动合同期限 >= 劳动合同最短期限 and 已缴纳社会保险) * ",
            "劳动合同期限 >= 6 个月 and 已缴纳社会保险) * ",
        )
        .replace(
            "  月工资: money\n",
            "  月工资: money\n  工龄: integer<年>\n",
        );
    let new = run::compile("new.policy", &text).unwrap_or_else(|d| panic!("{d}"));
    let changes = policyc::diff::diff(&old, &new);
    let lines = policyc::diff::render_text(&changes);
    assert!(
        lines.contains("record 新招用人员: field 工龄 added: integer<年>"),
        "{lines}"
    );
    // the changed member condition, marked at the word level in the text
    assert!(
        lines.contains("劳动合同期限 >= [-劳动合同最短期限-]{+6 个月+} and 已缴纳社会保险"),
        "{lines}"
    );
    // and whole in the change itself
    assert!(
        changes.iter().any(|c| c.new.as_deref()
            == Some("count(新招用人员 where 人员类别 == 农村牧区劳动力 and 劳动合同期限 >= 6 个月 and 已缴纳社会保险) * 吸纳就业补贴标准")),
        "{lines}"
    );
}

/// The Python reference model (`tests/reference/policyc_ref.py`) evaluates
/// member aggregates from the exported IR as policyc does, on sampled records
/// with unknown members, empty and absent lists, on three dates.
#[test]
fn the_reference_model_agrees_on_members() {
    use policyc::batch::{self, BatchOptions, InputFormat};
    use policyc::sample::{write_sample, SampleFormat, Sampler};
    let python = std::process::Command::new("python3")
        .arg("--version")
        .output();
    if !python.is_ok_and(|o| o.status.success()) {
        assert!(
            std::env::var_os("POLICYC_REQUIRE_PYTHON").is_none(),
            "python3 needed"
        );
        return;
    }
    let p = policy();
    let mut out = Vec::new();
    write_sample(
        &Sampler::new(&p, "企业", 23, 0.1).unwrap(),
        500,
        SampleFormat::Jsonl,
        &mut out,
    )
    .unwrap();
    let records = String::from_utf8(out).unwrap();
    let ir = run::temp_file("members", "ir.json", &p.to_json().unwrap());
    let facts = run::temp_file("members", "records.jsonl", &records);
    for date in ["2020-07-01", "2019-01-01"] {
        let o = std::process::Command::new("python3")
            .arg("tests/reference/policyc_ref.py")
            .args([
                "--ir",
                ir.to_str().unwrap(),
                "--facts",
                facts.to_str().unwrap(),
            ])
            .args(["--date", date])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let mut opts = BatchOptions::new(NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap());
        opts.input_format = InputFormat::Jsonl;
        let (ours, _) = batch::run_text(&p, &records, &opts).unwrap();
        let theirs = String::from_utf8(o.stdout).unwrap();
        assert_eq!(theirs.lines().count(), ours.lines().count());
        for (t, u) in theirs.lines().zip(ours.lines()) {
            let t: serde_json::Value = serde_json::from_str(t).unwrap();
            let u: serde_json::Value = serde_json::from_str(u).unwrap();
            assert_eq!(t["measures"], u["measures"], "{date}: {u}");
            assert_eq!(t["total"], u["total"], "{date}: {u}");
        }
    }
}

/// A definition of the document may read a list of the addressee (the merge
/// of member records with definitions of the document refused it as "not a
/// fact"): it is checked in each measure whose addressee holds the list.
#[test]
fn a_definition_of_the_document_may_read_a_list() {
    let text = r#"
record 新招用人员 { 劳动合同期限: integer<月> }
entity 企业 { 新招用人员: list<新招用人员> }
entity 个人 { 年龄: integer<年> }
let 有长期合同 = any(新招用人员, 劳动合同期限 >= 12 个月)
measure 1 "补贴" {
  kind benefit
  to 企业
  rule r { when 有长期合同 }
  example "一人12个月" {
    date 2020-07-01
    企业 { 新招用人员: [{劳动合同期限: 12 个月}] }
    expect eligible
  }
  example "没有新招用人员" {
    date 2020-07-01
    企业 { 新招用人员: [] }
    expect not_eligible
  }
}
"#;
    let p = run::compile("doc_let_list.policy", text).unwrap_or_else(|d| panic!("{d}"));
    assert_eq!(p.measures.len(), 1);
    let outcomes = policyc::eval::run_examples(&p);
    assert!(outcomes.iter().all(|o| o.passed), "{outcomes:?}");
    // in a measure for an addressee without the list: the specific error
    let other = text.replace("  to 企业\n  rule r", "  to 个人\n  rule r");
    let err = run::compile("doc_let_list.policy", &other).unwrap_err();
    assert!(
        err.contains("policy::check::definition_not_for_addressee"),
        "{err}"
    );
}

//! Issue 14, point 4 (in part): a delegated value whose default is its floor
//! (（十二）: 不低于1000元/人) and that the locality has not set is a lower
//! bound, so the amount is "at least", in `eval` text and JSON and in `batch`
//! lines and summaries; set by the locality, it is exact.

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
use run::policyc_with as policyc;

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Five hires of the seed's （十二）, each a rural worker on a 12-month contract
/// with social insurance paid (the seed lists each hire, `新招用人员`).
const FACTS: &str = r#"{"entity": "企业", "facts": {"新招用人员": [{"人员类别": "农村牧区劳动力", "劳动合同期限": 12, "按规定缴纳社会保险费": true}, {"人员类别": "农村牧区劳动力", "劳动合同期限": 12, "按规定缴纳社会保险费": true}, {"人员类别": "农村牧区劳动力", "劳动合同期限": 12, "按规定缴纳社会保险费": true}, {"人员类别": "农村牧区劳动力", "劳动合同期限": 12, "按规定缴纳社会保险费": true}, {"人员类别": "农村牧区劳动力", "劳动合同期限": 12, "按规定缴纳社会保险费": true}], "开展以工代训": false}}"#;

fn eval(extra: &[&str]) -> Value {
    let mut args = vec![
        "eval",
        "policies",
        "--facts",
        "-",
        "--date",
        "2020-07-01",
        "--measure",
        "12",
        "--format",
        "json",
    ];
    args.extend_from_slice(extra);
    let o = policyc(&args, FACTS);
    assert_eq!(o.status.code(), Some(0));
    serde_json::from_str(&out(&o)).unwrap()
}

#[test]
fn an_unset_floor_is_a_lower_bound() {
    // （十二）：按每人不低于 1000 元给予一次性吸纳就业补贴; no locality given
    let v = eval(&[]);
    let m = &v["measures"][0];
    assert_eq!(m["status"], "eligible");
    assert_eq!(m["total"], "5000.00");
    assert_eq!(m["bound"], "at_least");
    assert_eq!(m["amounts"][0]["bound"], "at_least");
    assert_eq!(v["total_bound"], "at_least");
    let o = policyc(
        &[
            "eval",
            "policies",
            "--facts",
            "-",
            "--date",
            "2020-07-01",
            "--measure",
            "12",
        ],
        FACTS,
    );
    let t = out(&o);
    assert!(
        t.contains("（十二）吸纳农村牧区劳动力就业补贴  eligible  at least 5000.00 元 paid"),
        "{t}"
    );
    assert!(t.contains("total at least 5000.00 元"), "{t}");
    // the explanation says where the bound comes from
    let o = policyc(
        &[
            "eval",
            "policies",
            "--facts",
            "-",
            "--date",
            "2020-07-01",
            "--measure",
            "12",
            "--explain",
        ],
        FACTS,
    );
    let t = out(&o);
    assert!(
        t.contains("农村牧区劳动力吸纳就业补贴标准  → 1000 元/人  (default; no locality given; the floor: the value is at least this)"),
        "{t}"
    );
    // set by the locality (包头市: 1200 元/人): exact
    let v = eval(&["--locality", "包头市"]);
    assert_eq!(v["measures"][0]["total"], "6000.00");
    assert_eq!(v["measures"][0]["bound"], "exact");
    assert_eq!(v["total_bound"], "exact");
}

#[test]
fn batch_lines_and_summary_carry_the_bound() {
    let dir = std::env::temp_dir().join(format!("policyc-bounds-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for engine in ["rows", "columnar"] {
        let summary = dir.join(format!("s-{engine}.json"));
        let o = policyc(
            &[
                "batch",
                "policies",
                "--input",
                "-",
                "--date",
                "2020-07-01",
                "--measure",
                "12",
                "--engine",
                engine,
                "--summary",
                summary.to_str().unwrap(),
            ],
            FACTS,
        );
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        let line: Value = serde_json::from_str(out(&o).trim()).unwrap();
        let m = &line["measures"]["12"];
        assert_eq!(m["amount"], "5000.00", "{engine}: {line}");
        assert_eq!(m["bound"], "at_least", "{engine}: {line}");
        let s: Value = serde_json::from_str(&std::fs::read_to_string(&summary).unwrap()).unwrap();
        assert_eq!(s["measures"][0]["bound"], "at_least", "{s}");
        assert_eq!(s["total_bound"], "at_least", "{s}");
        assert!(
            String::from_utf8_lossy(&o.stderr).contains("at least 5000.00"),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
}

/// `at most` from a default that is the cap; an amount whose direction the
/// analysis cannot tell (inside `min`) is undetermined, never a guess.
#[test]
fn at_most_and_undetermined_when_the_direction_is_unknown() {
    let dir = std::env::temp_dir().join(format!("policyc-bounds-p-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("b.policy");
    std::fs::write(
        &path,
        "entity 企业 {\n  人数: integer<人>\n}\n\
         parameter 标准: money/人 by locality default 1000 元/人 floor 1000 元/人\n\
         parameter 上限额: money by locality default 500 元 cap 500 元\n\
         measure 1 \"a\" {\n  kind benefit\n  to 企业\n  rule r {\n    when 人数 > 0 人\n    amount 人数 * 标准\n  }\n}\n\
         measure 2 \"b\" {\n  kind benefit\n  to 企业\n  rule r {\n    when 人数 > 0 人\n    amount 上限额\n  }\n}\n\
         measure 3 \"c\" {\n  kind benefit\n  to 企业\n  rule r {\n    when 人数 > 0 人\n    amount min(人数 * 标准, 100000 元)\n  }\n}\n\
         locality 甲市 {\n  标准 = 1200 元/人\n}\n",
    )
    .unwrap();
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
        let o = policyc(&args, r#"{"entity": "企业", "facts": {"人数": 3}}"#);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        serde_json::from_str(&out(&o)).unwrap()
    };
    let v = run(&[]);
    assert_eq!(v["measures"][0]["bound"], "at_least");
    assert_eq!(v["measures"][1]["bound"], "at_most");
    assert_eq!(v["measures"][1]["total"], "500.00");
    assert_eq!(v["measures"][2]["status"], "undetermined");
    assert_eq!(v["measures"][2]["undetermined"]["param"], "标准");
    // at least + at most: the outlay is neither
    assert_eq!(v["total_bound"], "mixed");
    let v = run(&["--locality", "甲市"]);
    assert_eq!(v["measures"][0]["bound"], "exact");
    assert_eq!(v["measures"][0]["total"], "3600.00");
    assert_eq!(v["measures"][2]["status"], "eligible");
    assert_eq!(v["measures"][2]["bound"], "exact");
}

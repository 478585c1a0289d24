//! Departments as the text names them and the document as the text has it
//! (issue 13, points 6 and 7): the role `implementing` (负责实施), open lists
//! ending in 等, a department named by one of its spellings, the document's
//! departments for every measure, and the document's basis, preamble,
//! recipients, copies and publication note. On `tests/fixtures/document.policy`,
//! through `check`/`test`, `export` (and back), `eval --explain` (text and
//! JSON), `fmt`, `diff` and the reference model.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failed expectation should stop the test loudly"
)]

use std::process::{Command, Output};

use policyc::ir::{Policy, Role};

#[path = "common/run.rs"]
mod run;
use run::{compile, policyc, temp_file};

const FIXTURE: &str = "tests/fixtures/document.policy";

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn fixture() -> String {
    std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(FIXTURE)).unwrap()
}

fn policy() -> Policy {
    compile(FIXTURE, &fixture()).unwrap()
}

#[test]
fn the_fixture_checks_and_its_examples_pass() {
    let o = policyc(&["test", FIXTURE]);
    assert!(o.status.success(), "{}{}", out(&o), err(&o));
}

#[test]
fn the_document_is_carried_verbatim_to_the_ir() {
    let p = policy();
    let d = p.document.as_ref().unwrap();
    let basis: Vec<(&str, &str)> = d
        .basis
        .iter()
        .map(|b| (b.number.as_str(), b.title.as_str()))
        .collect();
    assert_eq!(
        basis,
        [
            ("国发〔2019〕28号", "国务院关于进一步做好稳就业工作的意见"),
            (
                "国办发〔2020〕6号",
                "国务院办公厅关于应对新冠肺炎疫情影响强化稳就业举措的实施意见"
            ),
        ]
    );
    assert_eq!(
        d.preamble.as_deref(),
        Some("为深入贯彻……，现提出以下措施。")
    );
    assert_eq!(
        d.recipients.as_deref(),
        Some("各盟行政公署、市人民政府，自治区各委、办、厅、局，各大企业、事业单位")
    );
    assert_eq!(
        d.copied_to.as_deref(),
        Some("自治区党委各部门，内蒙古军区，武警内蒙古总队。")
    );
    assert_eq!(d.publication.as_deref(), Some("（此件公开发布）"));
    // the document's departments for every measure, stored once
    assert_eq!(d.departments.implementing, ["各盟行政公署、市人民政府"]);
    assert!(p
        .measures
        .iter()
        .all(|m| m.departments.implementing.is_empty()));
}

#[test]
fn departments_keep_their_role_their_open_list_and_their_spelling() {
    let p = policy();
    let m = |n: u32| {
        &p.measures
            .iter()
            .find(|m| m.number == n)
            .unwrap()
            .departments
    };
    // （一） names 人行呼市 by the spelling the measure uses
    assert_eq!(
        m(1).cooperating,
        ["自治区财政厅", "中国人民银行呼和浩特中心支行"]
    );
    assert!(m(1).open.is_empty());
    // （二）'s cooperating list ends in 等
    assert_eq!(
        m(2).cooperating,
        ["自治区财政厅", "内蒙古邮政管理局", "内蒙古烟草专卖局"]
    );
    assert_eq!(m(2).open, [Role::Cooperating]);
    let reg = p.departments.iter().find(|d| d.id == "人行呼市").unwrap();
    assert_eq!(reg.name, "人民银行呼和浩特中心支行");
    assert_eq!(reg.spellings, ["中国人民银行呼和浩特中心支行"]);
    // the document's attribution joins a measure's own, unless the measure
    // names the department itself: then the measure's role stands
    let doc = p.document.as_ref().map(|d| &d.departments);
    let two = m(2).with_document(doc);
    assert_eq!(two.implementing, ["各盟行政公署、市人民政府"]);
    assert_eq!(two.open, [Role::Cooperating]);
    let three = m(3).with_document(doc);
    assert!(three.implementing.is_empty());
    assert_eq!(
        three.joint,
        ["各盟行政公署、市人民政府", "自治区人力资源社会保障厅"]
    );
}

#[test]
fn the_export_reads_back_and_evaluates_the_same() {
    let o = policyc(&["export", FIXTURE]);
    assert!(o.status.success(), "{}", err(&o));
    let json = out(&o);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["ir_version"], "3.1");
    assert_eq!(v["document"]["basis"][0]["number"], "国发〔2019〕28号");
    assert_eq!(
        v["document"]["departments"]["implementing"][0],
        "各盟行政公署、市人民政府"
    );
    assert_eq!(v["measures"][1]["departments"]["open"][0], "cooperating");
    assert_eq!(
        v["departments"][2]["spellings"][0],
        "中国人民银行呼和浩特中心支行"
    );
    // an unused addition is absent, as in a 3.0 file
    assert!(v["measures"][0]["departments"].get("open").is_none());
    assert!(v["measures"][0]["departments"]
        .get("implementing")
        .is_none());
    let back = Policy::from_json(&json).unwrap();
    assert_eq!(back, policy());
    let ir = temp_file("document", "ir.json", &json);
    let facts = temp_file(
        "document",
        "f.json",
        r#"{"entity":"个人","facts":{"失业":true}}"#,
    );
    let args = |p: &str| {
        vec![
            "eval".to_string(),
            p.to_string(),
            "--facts".into(),
            facts.to_str().unwrap().into(),
            "--date".into(),
            "2020-06-01".into(),
            "--explain".into(),
        ]
    };
    let a: Vec<String> = args(FIXTURE);
    let b: Vec<String> = args(ir.to_str().unwrap());
    let ra = policyc(&a.iter().map(String::as_str).collect::<Vec<_>>());
    let rb = policyc(&b.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(out(&ra), out(&rb));
}

#[test]
fn explanations_show_the_departments_with_etc_and_the_documents() {
    let facts = temp_file(
        "document",
        "facts.json",
        r#"{"entity":"个人","facts":{"失业":true}}"#,
    );
    let f = facts.to_str().unwrap();
    let o = policyc(&[
        "eval",
        FIXTURE,
        "--facts",
        f,
        "--date",
        "2020-06-01",
        "--explain",
    ]);
    assert!(o.status.success(), "{}", err(&o));
    let text = out(&o);
    assert!(
        text.contains(
            "├ departments: lead 自治区人力资源社会保障厅; cooperating 自治区财政厅、内蒙古邮政管理局、内蒙古烟草专卖局等; implementing 各盟行政公署、市人民政府 (各盟行政公署、市人民政府 for every measure, from the document)"
        ),
        "{text}"
    );
    // （三） names 各盟市政府 itself: its own role, nothing from the document
    assert!(
        text.contains("├ departments: joint 各盟行政公署、市人民政府、自治区人力资源社会保障厅\n"),
        "{text}"
    );
    let o = policyc(&[
        "eval",
        FIXTURE,
        "--facts",
        f,
        "--date",
        "2020-06-01",
        "--explain",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&out(&o)).unwrap();
    let d = &v["measures"][1]["explanation"]["departments"];
    assert_eq!(d["open"][0], "cooperating");
    assert_eq!(d["from_document"][0], "各盟行政公署、市人民政府");
    assert_eq!(d["implementing"][0], "各盟行政公署、市人民政府");
    let d = &v["measures"][2]["explanation"]["departments"];
    assert_eq!(d["from_document"], serde_json::json!([]));
}

#[test]
fn fmt_prints_every_new_construct_back_as_it_is() {
    let o = policyc(&["fmt", "--check", FIXTURE]);
    assert!(o.status.success(), "{}{}", out(&o), err(&o));
    // from a loose layout, to the canonical one, keeping comments
    let loose = "document {\n  basis   \"A号\"    \"标题\"  // 依据\n  joint 甲 ,乙   等\n  recipients \"各单位\"\n}\ndepartment 甲 = \"甲厅\" ,  \"中国甲厅\"\ndepartment 乙 = \"乙厅\"\nmeasure 1 \"m\" {\n  kind directive\n  implementing 乙,中国甲厅  等 // 开放\n}\n";
    let o = run::policyc_with(&["fmt", "-"], loose);
    assert!(o.status.success(), "{}", err(&o));
    let want = "document {\n  basis \"A号\" \"标题\"  // 依据\n  joint 甲, 乙 等\n  recipients \"各单位\"\n}\n\ndepartment 甲 = \"甲厅\", \"中国甲厅\"\ndepartment 乙 = \"乙厅\"\n\nmeasure 1 \"m\" {\n  kind directive\n  implementing 乙, 中国甲厅 等  // 开放\n}\n";
    assert_eq!(out(&o), want);
    let o = run::policyc_with(&["fmt", "-"], want);
    assert_eq!(out(&o), want);
}

#[test]
fn diff_says_each_change_in_words() {
    let old = fixture();
    let new = old
        .replace("烟草专卖局 等", "烟草专卖局")
        .replace("（此件公开发布）", "（此件依申请公开）")
        .replace("implementing 各盟市政府", "joint 各盟市政府")
        .replace(
            "cooperating 财政厅, 中国人民银行呼和浩特中心支行",
            "cooperating 财政厅, 人行呼市",
        )
        .replace("  basis \"国办发〔2020〕6号\" \"国务院办公厅关于应对新冠肺炎疫情影响强化稳就业举措的实施意见\"\n", "")
        .replace("  lead 人社厅\n  cooperating 财政厅, 邮政管理局", "  implementing 人社厅\n  cooperating 财政厅, 邮政管理局");
    let a = temp_file("document-diff", "old.policy", &old);
    let b = temp_file("document-diff", "new.policy", &new);
    let o = policyc(&["diff", a.to_str().unwrap(), b.to_str().unwrap()]);
    let text = out(&o);
    for line in [
        "document: basis changed",
        "document: publication changed: （此件{+依申请+}公开[-发布-]）",
        "document (every measure): department 各盟市政府 moved from implementing to joint",
        "（一）取消反担保: department 人行呼市 written as 中国人民银行呼和浩特中心支行 → 人民银行呼和浩特中心支行",
        "（二）稳岗: department 人社厅 moved from lead to implementing",
        "（二）稳岗: cooperating list open (ends in 等) → closed",
    ] {
        assert!(text.contains(line), "missing `{line}` in\n{text}");
    }
}

#[test]
fn misplaced_etc_spelling_twice_and_a_basis_without_title_are_specific_errors() {
    let cases = [
        (
            "department 甲 = \"甲厅\"\ndepartment 乙 = \"乙厅\"\nmeasure 1 \"m\" { kind directive  cooperating 甲 等, 乙 }\n",
            "policy::check::misplaced_open_list",
        ),
        (
            "department 甲 = \"甲厅\"\nmeasure 1 \"m\" { kind directive  joint 甲, 等 }\n",
            "policy::check::misplaced_open_list",
        ),
        (
            "department 甲 = \"甲厅\", \"甲厅\"\n",
            "policy::check::duplicate_spelling",
        ),
        (
            "department 甲 = \"甲厅\"\ndepartment 乙 = \"乙厅\", \"甲厅\"\n",
            "policy::check::duplicate_spelling",
        ),
        ("document { basis \"国发〔2019〕28号\" }\n", "policy::check::header_field_form"),
        ("document { region \"甲\" \"乙\" }\n", "policy::check::header_field_form"),
        (
            "document { implementing 甲  lead 甲 }\ndepartment 甲 = \"甲厅\"\n",
            "policy::check::duplicate_department",
        ),
        (
            "department 甲 = \"甲厅\", \"中国甲厅\"\nmeasure 1 \"m\" { kind directive  lead 甲  joint 中国甲厅 }\n",
            "policy::check::duplicate_department",
        ),
        ("document { preambel \"…\" }\n", "policy::check::unknown_item"),
    ];
    for (text, code) in cases {
        let e = compile("t.policy", text).unwrap_err();
        assert!(e.contains(code), "{text}\n{e}");
    }
}

#[test]
fn the_reference_model_reads_the_new_fields() {
    let Ok(py) = Command::new("python3").arg("--version").output() else {
        return; // no Python here: CI runs it
    };
    if !py.status.success() {
        return;
    }
    let json = out(&policyc(&["export", FIXTURE]));
    let ir = temp_file("document-ref", "ir.json", &json);
    let facts = temp_file(
        "document-ref",
        "facts.jsonl",
        "{\"entity\":\"个人\",\"facts\":{\"失业\":true}}\n",
    );
    let o = Command::new("python3")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "tests/reference/policyc_ref.py",
            "--ir",
            ir.to_str().unwrap(),
            "--facts",
            facts.to_str().unwrap(),
            "--date",
            "2020-06-01",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", err(&o));
    let v: serde_json::Value = serde_json::from_str(out(&o).lines().next().unwrap()).unwrap();
    assert_eq!(v["measures"]["2"]["status"], "eligible");
    assert_eq!(v["measures"]["3"]["status"], "eligible");
}

const DEFINITIONS: &str = "tests/fixtures/document_definitions.policy";

#[test]
fn definitions_of_the_document_check_evaluate_and_explain_by_name() {
    let o = policyc(&["test", DEFINITIONS]);
    assert!(o.status.success(), "{}{}", out(&o), err(&o));
    let o = policyc(&["fmt", "--check", DEFINITIONS]);
    assert!(o.status.success(), "{}{}", out(&o), err(&o));
    let facts = temp_file(
        "document-defs",
        "facts.json",
        r#"{"entity":"个人","facts":{"有组织输转":true,"建档立卡贫困劳动力":true,"外出务工月数":"4 个月"}}"#,
    );
    let f = facts.to_str().unwrap();
    let o = policyc(&[
        "eval",
        DEFINITIONS,
        "--facts",
        f,
        "--date",
        "2020-06-01",
        "--explain",
    ]);
    let text = out(&o);
    assert!(
        text.contains("✓ when 输转贫困劳动力  (a definition of the document)"),
        "{text}"
    );
    assert!(
        text.contains("稳岗月数  → 4 个月  (a definition of the document)"),
        "{text}"
    );
    assert!(
        text.contains("✓ when 满三个月  (a definition of the measure)"),
        "{text}"
    );
    assert!(
        text.contains("（二）稳岗补贴  eligible  800.00 元 paid"),
        "{text}"
    );
    // in the IR: a `definition` node marked as the document's, read back
    let json = out(&policyc(&["export", DEFINITIONS]));
    assert!(json.contains("\"document\": true"), "{json}");
    let p = Policy::from_json(&json).unwrap();
    assert_eq!(
        p,
        compile(DEFINITIONS, &std::fs::read_to_string(DEFINITIONS).unwrap()).unwrap()
    );
    // diff: a changed definition of the document is said where it is used
    let old = std::fs::read_to_string(DEFINITIONS).unwrap();
    let new = old.replace("min(外出务工月数, 6 个月)", "min(外出务工月数, 5 个月)");
    let a = temp_file("document-defs", "old.policy", &old);
    let b = temp_file("document-defs", "new.policy", &new);
    let o = policyc(&["diff", a.to_str().unwrap(), b.to_str().unwrap()]);
    let text = out(&o);
    assert!(
        text.contains("definition 稳岗月数 min(外出务工月数, 6 个月) → min(外出务工月数, 5 个月)"),
        "{text}"
    );
}

#[test]
fn definitions_of_the_document_have_specific_errors_given_once() {
    let base = "entity 个人 { 甲: bool  乙: bool }\nentity 企业 { 丙: bool }\n";
    let cases = [
        // read by a measure whose addressee lacks the fact
        (
            "let 条件 = 甲\nmeasure 1 \"m\" { kind benefit  to 企业  rule r { when 条件 and 丙  amount 1 元 } }\n",
            "policy::check::definition_not_for_addressee",
        ),
        // a measure's `let` of the same name
        (
            "let 条件 = 甲\nmeasure 1 \"m\" { kind benefit  to 个人  let 条件 = 乙  rule r { when 条件  amount 1 元 } }\n",
            "policy::check::definition_shadows",
        ),
        // the name of a fact of the addressee
        (
            "let 甲 = 乙\nmeasure 1 \"m\" { kind benefit  to 个人  rule r { when 乙  amount 1 元 } }\n",
            "policy::check::definition_shadows",
        ),
        // a definition of the document sees the document's, not a measure's
        (
            "let 条件 = 局部 and 甲\nmeasure 1 \"m\" { kind benefit  to 个人  let 局部 = 条件  rule r { when 局部  amount 1 元 } }\n",
            "policy::check::definition_not_for_addressee",
        ),
        // not a condition where one is needed
        (
            "let 条件 = 1 元\nmeasure 1 \"m\" { kind benefit  to 个人  rule r { when 条件  amount 1 元 } }\n",
            "policy::check::condition_not_bool",
        ),
    ];
    for (text, code) in cases {
        let e = compile("t.policy", &format!("{base}{text}")).unwrap_err();
        assert!(e.contains(code), "{text}\n{e}");
    }
    // a cycle between definitions of the document, used by three measures,
    // is reported once
    let text = format!(
        "{base}let 子 = 丑 and 甲\nlet 丑 = 子 or 乙\n{}",
        (1..=3)
            .map(|n| format!("measure {n} \"m\" {{ kind benefit  to 个人  rule r {{ when 子  amount 1 元 }} }}\n"))
            .collect::<String>()
    );
    let e = compile("t.policy", &text).unwrap_err();
    assert_eq!(
        e.matches("policy::check::definition_cycle").count(),
        1,
        "{e}"
    );
}

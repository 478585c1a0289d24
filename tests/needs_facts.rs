//! Issue 14, point 6: `needs_facts` in one round, and only facts that matter.
//!
//! The facts a measure asks for are those of the residual of its outcome
//! under the known facts (docs/language.md, "Unknown facts"): filling them in
//! decides the measure, and a fact that cannot change the outcome is not
//! asked. On the seed, （三） and （九） used to need three rounds of questions,
//! and （五） asked for a fact while its answer was already `eligible 30000 元`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failed expectation should stop the test loudly"
)]

use serde_json::{json, Map, Value};

#[path = "common/run.rs"]
mod run;
use run::{policyc, policyc_with};

/// `policyc eval policies` of `facts` for `entity`: the measures' JSON.
fn eval(
    entity: &str,
    facts: &Map<String, Value>,
    date: &str,
    locality: Option<&str>,
) -> Vec<Value> {
    let input = json!({"entity": entity, "facts": facts}).to_string();
    let mut args = vec![
        "eval", "policies", "--facts", "-", "--date", date, "--format", "json",
    ];
    if let Some(l) = locality {
        args.extend(["--locality", l]);
    }
    let o = policyc_with(&args, &input);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    v["measures"].as_array().unwrap().clone()
}

fn needs(m: &Value) -> Vec<String> {
    m["needs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap().to_string())
        .collect()
}

fn measure<'a>(ms: &'a [Value], label: &str) -> &'a Value {
    ms.iter().find(|m| m["label"] == label).unwrap()
}

/// Records of the seed's `sample` for `entity`, every fact given.
fn sample(entity: &str, seed: u32) -> Vec<Map<String, Value>> {
    let seed = seed.to_string();
    let o = policyc(&[
        "sample",
        "policies",
        "--entity",
        entity,
        "--count",
        "6",
        "--seed",
        &seed,
        "--missing",
        "0",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            v["facts"].as_object().unwrap().clone()
        })
        .collect()
}

/// （三） with no fact given asks, at once, for the facts of the exception
/// (困难企业), of the rule it may replace (中小微企业) and of the amount of
/// each (the amount by 包头市's choice reads 月应缴社会保险费): before, it
/// asked for the exception's facts, then 规模, then 上年度失业保险费. The
/// re-encoded seed reads the relaxed layoff standard as the enterprise's fact
/// (按放宽后的裁员率标准不裁员或少裁员, docs/seed-coverage.md): it is asked too.
#[test]
fn measure_3_asks_everything_in_one_round() {
    let ms = eval("企业", &Map::new(), "2020-07-01", Some("包头市"));
    let m = measure(&ms, "（三）");
    assert_eq!(m["status"], "needs_facts");
    assert_eq!(
        needs(m),
        [
            "上年度失业保险费",
            "参加失业保险",
            "恢复有望",
            "按放宽后的裁员率标准不裁员或少裁员",
            "暂时生产经营困难",
            "月应缴社会保险费",
            "裁员率",
            "规模"
        ]
    );
    // given the exception's facts (it does not apply), the rest in one round
    let facts = json!({"暂时生产经营困难": false})
        .as_object()
        .unwrap()
        .clone();
    let ms = eval("企业", &facts, "2020-07-01", Some("包头市"));
    assert_eq!(
        needs(measure(&ms, "（三）")),
        [
            "上年度失业保险费",
            "按放宽后的裁员率标准不裁员或少裁员",
            "规模"
        ]
    );
    // the locality's choice decides which amount is read: 呼和浩特市 reads 参保职工人数
    let ms = eval("企业", &Map::new(), "2020-07-01", Some("呼和浩特市"));
    let n = needs(measure(&ms, "（三）"));
    assert!(n.contains(&"参保职工人数".to_string()), "{n:?}");
    assert!(!n.contains(&"月应缴社会保险费".to_string()), "{n:?}");
}

/// （九）: the exception (另行协商延期) and the rule it replaces are asked together.
/// The measure is in force from the notice (2020-05-09): the date is after it.
/// The re-encoded seed gives a date (`until 延期后还本日期 floor 贷款到期日 cap
/// 还本日期最长延至`): once the conditions hold, the date asked for is asked.
#[test]
fn measure_9_asks_everything_in_one_round() {
    let ms = eval("企业", &Map::new(), "2020-05-20", None);
    let m = measure(&ms, "（九）");
    assert_eq!(m["status"], "needs_facts");
    // the date requested (`until 延期后还本日期`) is asked in the same round
    assert_eq!(
        needs(m),
        [
            "发展前景良好",
            "受疫情影响",
            "受疫情影响严重",
            "延期后还本日期",
            "恢复周期较长",
            "暂时遇到困难",
            "规模",
            "贷款到期日"
        ]
    );
    let facts = json!({"规模": "小型", "受疫情影响": true, "暂时遇到困难": true,
        "受疫情影响严重": false, "贷款到期日": "2020-03-10"})
    .as_object()
    .unwrap()
    .clone();
    let ms = eval("企业", &facts, "2020-05-20", None);
    assert_eq!(needs(measure(&ms, "（九）")), ["延期后还本日期"]);
}

/// （五）: a part that gives no amount and is not discretionary (以奖代补)
/// cannot change an outcome that another part already makes `eligible 30000
/// 元`: it is not asked, and the measure is decided.
#[test]
fn an_amount_already_decided_asks_nothing() {
    // rent relief from a day within 包头市's (illustrative) epidemic period
    let facts = json!({"机构类型": "创业园", "月减免租金": 15000, "减免月数": 2,
                       "减免租金起始日期": "2020-03-01"})
    .as_object()
    .unwrap()
    .clone();
    let ms = eval("服务机构", &facts, "2020-06-01", Some("包头市"));
    let m = measure(&ms, "（五）");
    assert_eq!(m["status"], "eligible", "{m}");
    assert_eq!(m["total"], "30000.00");
    assert_eq!(needs(m), Vec::<String>::new());
    // without the rent, 以奖代补 decides whether the measure is eligible at all
    let facts = json!({"机构类型": "创业园", "月减免租金": 0, "减免月数": 0,
        "减免租金起始日期": "2020-03-01"})
    .as_object()
    .unwrap()
    .clone();
    let ms = eval("服务机构", &facts, "2020-06-01", Some("包头市"));
    assert_eq!(needs(measure(&ms, "（五）")), ["绩效评估达标"]);
}

/// Over the seed's entities, on two dates and in each locality (and none):
/// starting from no facts, or from half of a sampled record, fill in the
/// facts every measure asks for from the whole record: no measure asks again.
#[test]
fn the_seed_is_decided_in_one_round() {
    let entities = [
        "企业",
        "个人",
        "服务机构",
        "创业担保贷款",
        "国有企业",
        "地区",
    ];
    let mut asked = 0;
    for (k, entity) in entities.iter().enumerate() {
        for (r, full) in sample(entity, 11 + k as u32).iter().enumerate() {
            for (date, locality) in [
                ("2020-04-01", None),
                ("2020-07-01", Some("包头市")),
                ("2020-07-01", Some("呼和浩特市")),
            ] {
                let keys: Vec<&String> = full.keys().collect();
                let starts: Vec<Map<String, Value>> = (0..3)
                    .map(|half| {
                        keys.iter()
                            .enumerate()
                            .filter(|(i, _)| half < 2 && (i + r) % 2 == half)
                            .map(|(_, k)| ((*k).clone(), full[*k].clone()))
                            .collect()
                    })
                    .collect();
                for start in starts {
                    let first = eval(entity, &start, date, locality);
                    let mut filled = start.clone();
                    for m in &first {
                        for n in needs(m) {
                            asked += 1;
                            filled.insert(n.clone(), full[&n].clone());
                        }
                    }
                    let second = eval(entity, &filled, date, locality);
                    for (a, b) in first.iter().zip(&second) {
                        if a["status"] == "needs_facts" {
                            assert_ne!(
                                b["status"],
                                "needs_facts",
                                "{entity} {date} {locality:?}: {} asked {:?}, then {:?}",
                                a["label"],
                                needs(a),
                                needs(b)
                            );
                        }
                    }
                }
            }
        }
    }
    assert!(asked > 100, "the seed asks for facts: {asked}");
}

const F: &str = "tests/fixtures/needs_facts.policy";

/// The facts `measure` of the fixture asks for, given `facts`.
fn asks(measure: &str, facts: Value) -> (String, Vec<String>) {
    let input = json!({"entity": "企业", "facts": facts}).to_string();
    let o = policyc_with(
        &[
            "eval",
            F,
            "--facts",
            "-",
            "--date",
            "2020-07-01",
            "--measure",
            measure,
            "--format",
            "json",
        ],
        &input,
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let m = &v["measures"][0];
    (m["status"].as_str().unwrap().to_string(), needs(m))
}

fn v(xs: &[&str]) -> Vec<String> {
    xs.iter().map(|x| x.to_string()).collect()
}

/// An exception, the rule it replaces and both rules' amounts are asked
/// together; once the exception is known not to apply, its amount is not.
#[test]
fn an_exception_and_the_rule_it_replaces_are_asked_together() {
    let nf = "needs_facts".to_string();
    assert_eq!(
        asks("1", json!({})),
        (nf.clone(), v(&["人数", "困难", "小微", "月数"]))
    );
    assert_eq!(
        asks("1", json!({"困难": false})),
        (nf.clone(), v(&["人数", "小微"]))
    );
    // the exception applies: the rule it replaces does not matter
    assert_eq!(asks("1", json!({"困难": true})), (nf.clone(), v(&["月数"])));
    // the rule may apply only if the exception does not
    assert_eq!(
        asks("1", json!({"小微": false})),
        (nf, v(&["困难", "月数"]))
    );
    for facts in [
        json!({"困难": false, "小微": true, "人数": 3}),
        json!({"困难": true, "月数": 2}),
        json!({"困难": false, "小微": false}),
    ] {
        assert_ne!(asks("1", facts.clone()).0, "needs_facts", "{facts}");
    }
}

/// A part that gives no amount (and is not discretionary) matters only when
/// no other part surely applies.
#[test]
fn a_part_without_amount_matters_only_for_eligibility() {
    let (s, n) = asks("2", json!({"有场地": true, "费用": 3000}));
    assert_eq!((s.as_str(), n), ("eligible", v(&[])));
    assert_eq!(asks("2", json!({"有场地": false})).1, v(&["达标"]));
    assert_eq!(asks("2", json!({})).1, v(&["有场地", "费用", "达标"]));
    // the amount of the other part waits: the outcome is not decided
    assert_eq!(asks("2", json!({"有场地": true})).1, v(&["费用"]));
}

/// An `if` whose condition is unknown asks for its branches' facts too.
#[test]
fn an_undecided_if_asks_its_branches() {
    assert_eq!(asks("3", json!({})).1, v(&["人数", "困难"]));
    assert_eq!(asks("3", json!({"困难": false})).0, "eligible");
    assert_eq!(asks("3", json!({"困难": true})).1, v(&["人数"]));
}

/// The documented over-approximations (docs/language.md, "Unknown facts"):
/// the residual is syntactic, so `人数 > 5 人 or 人数 <= 5 人` and
/// `人数 * 0 元/人` still ask for 人数, though no value of it changes the
/// outcome.
#[test]
fn documented_over_approximations() {
    assert_eq!(asks("4", json!({"小微": false})).1, v(&["人数"]));
    assert_eq!(asks("4", json!({"小微": true})).1, v(&["人数"]));
    for n in [0, 5, 6, 100] {
        for small in [true, false] {
            let (s, _) = asks("4", json!({"小微": small, "人数": n}));
            assert_eq!(s, "eligible");
        }
    }
}

/// `batch` (the columnar engine hands rows that wait for facts to the row
/// evaluator) asks for the same facts as `eval`, and decides the same.
#[test]
fn batch_asks_what_eval_asks() {
    let input = run::temp_file(
        "needs",
        "b.jsonl",
        "{\"entity\":\"企业\",\"facts\":{\"有场地\":true,\"费用\":3000}}\n{\"entity\":\"企业\",\"facts\":{}}\n",
    );
    let o = policyc(&[
        "batch",
        F,
        "--input",
        input.to_str().unwrap(),
        "--date",
        "2020-07-01",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let lines: Vec<Value> = String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines[0]["measures"]["2"]["status"], "eligible");
    assert_eq!(lines[0]["measures"]["2"]["amount"], "3000.00");
    assert_eq!(
        lines[1]["measures"]["1"]["needs"],
        json!(["人数", "困难", "小微", "月数"])
    );
    assert_eq!(lines[1]["measures"]["3"]["needs"], json!(["人数", "困难"]));
}

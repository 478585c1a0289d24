//! Helpers shared by the fuzz targets: the seed policy compiled once, and a
//! driver that runs everything a user can run on a compiled policy.
//!
//! A target fails (libFuzzer reports a crash) on any panic, stack overflow,
//! or when an assertion below finds two ways of computing one thing disagree.

use std::borrow::Cow;
use std::sync::OnceLock;

use chrono::NaiveDate;
use policyc::eval::{self, Facts, Request};
use policyc::ir::Policy;
use policyc::source::SourceMap;

/// The input as text: invalid UTF-8 is replaced, as `policyc` reports it.
pub fn text(data: &[u8]) -> Cow<'_, str> {
    String::from_utf8_lossy(data)
}

macro_rules! seed_files {
    ($($path:literal),* $(,)?) => {
        &[$(($path, include_str!(concat!("../../", $path)))),*]
    };
}

/// The seed policy's files (内政办发〔2020〕10号), embedded at build time.
pub const SEED: &[(&str, &str)] = seed_files![
    "policies/seed/00_document.policy",
    "policies/seed/01_推动企业复工复产.policy",
    "policies/seed/02_加大减负稳岗力度.policy",
    "policies/seed/03_优化自主创业环境.policy",
    "policies/seed/04_支持多渠道灵活就业.policy",
    "policies/seed/05_促进农村牧区劳动力就业创业.policy",
    "policies/seed/06_拓宽高校毕业生就业渠道.policy",
    "policies/seed/07_加强困难人员兜底保障.policy",
    "policies/seed/08_大规模开展职业技能培训.policy",
    "policies/seed/09_进一步优化公共就业服务.policy",
    "policies/seed/10_压实就业工作责任.policy",
    "policies/localities/包头市.policy",
    "policies/localities/呼和浩特市.policy",
];

/// The seed policy, compiled once.
pub fn seed_policy() -> &'static Policy {
    static P: OnceLock<Policy> = OnceLock::new();
    P.get_or_init(|| {
        let mut map = SourceMap::new();
        for (name, text) in SEED {
            map.add(*name, *text);
        }
        match policyc::compile(&map) {
            Ok(p) => p,
            Err(d) => panic!(
                "the seed policy does not compile:\n{}",
                policyc::diagnostic::render_plain(&map, &d)
            ),
        }
    })
}

/// Dates around the seed's windows, and the ends of the calendar.
pub fn dates() -> Vec<NaiveDate> {
    [
        (2020, 7, 1),
        (2020, 12, 31),
        (2021, 1, 1),
        (2019, 1, 1),
        (1, 1, 1),
        (262_000, 12, 31),
        (-262_000, 1, 1),
    ]
    .iter()
    .filter_map(|&(y, m, d)| NaiveDate::from_ymd_opt(y, m, d))
    .collect()
}

/// Evaluates `facts` on every date of [`dates`], without a locality and in each
/// locality of the policy, with and without explanations, and checks that the
/// two agree and that evaluation is deterministic.
pub fn evaluate_all(policy: &Policy, facts: &Facts, dates: &[NaiveDate]) {
    let mut localities: Vec<Option<&str>> = vec![None];
    localities.extend(policy.localities.iter().map(|l| Some(l.name.as_str())));
    for &date in dates {
        for &locality in &localities {
            let plain = Request {
                date,
                locality,
                explain: false,
            };
            let explained = Request {
                explain: true,
                ..plain.clone()
            };
            let a = eval::evaluate(policy, facts, &plain);
            let b = eval::evaluate(policy, facts, &explained);
            let again = eval::evaluate(policy, facts, &plain);
            match (&a, &b, &again) {
                (Ok(a), Ok(b), Ok(again)) => {
                    let ja = serde_json::to_string(a).unwrap_or_default();
                    assert_eq!(
                        ja,
                        serde_json::to_string(again).unwrap_or_default(),
                        "evaluation is not deterministic"
                    );
                    assert_eq!(a.measures.len(), b.measures.len());
                    for (x, y) in a.measures.iter().zip(&b.measures) {
                        assert_eq!(x.status, y.status, "explaining changed a status");
                        assert_eq!(x.total, y.total, "explaining changed an amount");
                    }
                    let _ = eval::render_text(b);
                    let _ = serde_json::to_string(b);
                }
                (Err(x), Err(y), Err(z)) => {
                    assert_eq!(x, y);
                    assert_eq!(x, z);
                }
                _ => panic!("explaining changed whether evaluation fails"),
            }
        }
    }
}

/// Runs every example of the policy, as `policyc test` does.
pub fn run_examples(policy: &Policy) {
    for m in &policy.measures {
        for ex in &m.examples {
            let facts = Facts::from_example(policy, ex);
            for explain in [false, true] {
                let req = Request {
                    date: ex.date,
                    locality: ex.locality.as_deref(),
                    explain,
                };
                if let Ok(r) = eval::evaluate_one(policy, m, &facts, &req) {
                    let _ = serde_json::to_string(&r);
                }
            }
        }
    }
}

/// Evaluates a policy for an entity of each kind with every fact unknown, and
/// for the facts of each example.
pub fn exercise(policy: &Policy) {
    let dates = [NaiveDate::from_ymd_opt(2020, 7, 1).unwrap_or_default()];
    for i in 0..policy.entities.len().min(8) {
        let facts = Facts::unknown(policy, i as u32);
        evaluate_all(policy, &facts, &dates);
    }
    run_examples(policy);
}

#[path = "../../tests/common/framer.rs"]
mod framer;
pub use framer::reference_frames;


/// Runs `policyc batch` over `input` (the seed policy, 2020-07-01) and checks
/// the accounting against [`reference_frames`]: one result per record, in
/// order, on the record's first line; records that cannot be framed are
/// rejected. Returns, per record, its reference frame and its result line.
pub fn batch_accounting(
    input: &[u8],
    csv: bool,
    limit: usize,
    chunk: usize,
) -> Vec<((u64, usize, usize, bool), serde_json::Value)> {
    use policyc::batch::{self, BatchOptions, InputFormat};
    let policy = seed_policy();
    let mut o = BatchOptions::new(NaiveDate::from_ymd_opt(2020, 7, 1).unwrap_or_default());
    o.input_format = if csv {
        InputFormat::Csv
    } else {
        InputFormat::Jsonl
    };
    o.threads = 2;
    o.chunk_bytes = chunk;
    o.max_record_bytes = limit;
    let mut out = Vec::new();
    let s = match batch::run(policy, &mut &input[..], &mut out, &o, &|_| {}) {
        Ok(s) => s,
        // a header that does not fit, or is not UTF-8: the run stops before it starts
        Err(_) if csv => return Vec::new(),
        Err(e) => panic!("a JSONL run stopped: {e}"),
    };
    let lines: Vec<serde_json::Value> = String::from_utf8(out)
        .expect("result lines are UTF-8")
        .lines()
        .map(|l| serde_json::from_str(l).expect("a result line is JSON"))
        .collect();
    assert_eq!(s.records, s.evaluated + s.rejected);
    assert_eq!(lines.len() as u64, s.records, "one result line per record");
    let want = reference_frames(input, csv, limit);
    let got: Vec<u64> = lines
        .iter()
        .map(|l| l["line"].as_u64().unwrap_or(0))
        .collect();
    let want_lines: Vec<u64> = want.iter().map(|f| f.0).collect();
    assert_eq!(got, want_lines, "records and their lines");
    for (f, l) in want.iter().zip(&lines) {
        if f.3 {
            assert!(l.get("rejected").is_some(), "line {}: not rejected", f.0);
        }
    }
    want.into_iter().zip(lines).collect()
}

//! Compile and evaluate: checking the seed policy, evaluating one entity
//! against every measure, and compile time as a generated policy grows to
//! 100 000 lines. Run with `cargo bench --bench policy`; see docs/performance.md.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "benchmark code: a broken setup should stop loudly"
)]

use std::fmt::Write as _;
use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use policyc::eval::{self, Facts, Request};
use policyc::source::SourceMap;

fn seed_sources() -> SourceMap {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let (sources, diags) = policyc::load::load(&[root.join("policies")]).unwrap();
    assert!(diags.is_empty());
    sources
}

/// `policyc check policies`: parse and check the seed (28 measures).
fn check_seed(c: &mut Criterion) {
    let sources = seed_sources();
    c.bench_function("check seed policy", |b| {
        b.iter(|| policyc::compile(black_box(&sources)).unwrap())
    });
}

/// One 企业 against all 28 measures, with and without explanations.
fn eval_one(c: &mut Criterion) {
    let policy = policyc::compile(&seed_sources()).unwrap();
    let sampler = policyc::sample::Sampler::new(&policy, "企业", 1, 0.0).unwrap();
    let facts: Vec<Facts> = (0..64).map(|i| sampler.record(i)).collect();
    let date = chrono::NaiveDate::from_ymd_opt(2020, 7, 1).unwrap();
    let mut g = c.benchmark_group("eval one entity, all measures");
    for explain in [false, true] {
        let req = Request {
            date,
            locality: Some("呼和浩特市"),
            explain,
        };
        let name = if explain {
            "with explanations"
        } else {
            "statuses and amounts"
        };
        let mut i = 0;
        g.bench_function(name, |b| {
            b.iter(|| {
                i = (i + 1) % facts.len();
                eval::evaluate(&policy, black_box(&facts[i]), &req).unwrap()
            })
        });
    }
    g.finish();
}

/// A synthetic policy of about `lines` lines: one entity of 40 fields, 20
/// parameters, and measures of 12 lines with two rules each.
pub fn synthetic_policy(lines: usize) -> String {
    let mut s = String::new();
    s.push_str("department 人社厅 = \"自治区人力资源社会保障厅\"\n");
    s.push_str("enum 规模 { 微型, 小型, 中型, 大型 }\n");
    s.push_str("entity 单位 {\n  规模: 规模\n");
    for i in 0..20 {
        let _ = writeln!(s, "  人数{i}: integer<人>\n  开关{i}: bool");
    }
    s.push_str("}\n");
    for i in 0..20 {
        let _ = writeln!(s, "parameter 标准{i}: money/人 = {} 元/人", 100 + i);
    }
    let mut n = 0;
    while s.lines().count() < lines {
        n += 1;
        let (a, b) = (n % 20, (n * 7) % 20);
        let _ = write!(
            s,
            "measure {n} \"措施{n}\" {{\n  kind benefit\n  to 单位\n  lead 人社厅\n  text \"第{n}项。\"\n  \
             rule 甲{n} part 甲 {{\n    when 开关{a} and 人数{a} > {} 人 and 规模 in {{微型, 小型}}\n    \
             amount 人数{a} * 标准{b}\n  }}\n  rule 乙{n} part 乙 {{\n    when not 开关{b} or 人数{b} >= 人数{a}\n    \
             amount min(人数{b}, 10 人) * 标准{a}\n  }}\n}}\n",
            n % 50
        );
    }
    s
}

/// Compile time against policy size: 10 000, 30 000 and 100 000 lines.
fn compile_growth(c: &mut Criterion) {
    let mut g = c.benchmark_group("compile synthetic policy");
    g.sample_size(10);
    for lines in [10_000usize, 30_000, 100_000] {
        let text = synthetic_policy(lines);
        let mut sources = SourceMap::new();
        sources.add("synthetic.policy", text);
        policyc::compile(&sources).unwrap_or_else(|d| panic!("{} errors", d.len()));
        g.throughput(Throughput::Elements(lines as u64));
        g.bench_with_input(BenchmarkId::from_parameter(lines), &sources, |b, s| {
            b.iter(|| policyc::compile(black_box(s)).unwrap())
        });
    }
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = check_seed, eval_one, compile_growth
}
criterion_main!(benches);

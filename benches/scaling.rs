//! Scaling: `check`, `eval`, `batch` and `diff` over four sizes in each
//! dimension of their input (exception chain, rules, fields, variants,
//! departments in one clause, unknown names, width of a facts object, file
//! size). Run with `cargo bench --bench scaling -- --quick`; the growth per
//! quadrupling is in docs/performance.md, "Scaling".

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "benchmark code: a broken setup should stop loudly"
)]

mod common;

use std::hint::black_box;
use std::time::Duration;

use common::inputs;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use policyc::source::SourceMap;

const SIZES: [usize; 4] = [500, 1000, 2000, 4000];

fn compile(text: &str) -> Result<policyc::ir::Policy, Vec<policyc::diagnostic::Diagnostic>> {
    let mut map = SourceMap::new();
    map.add("scaling.policy", text);
    policyc::compile(&map)
}

fn check(c: &mut Criterion) {
    for d in &inputs::CHECK_DIMENSIONS {
        let mut g = c.benchmark_group(format!("check/{}", d.name));
        g.measurement_time(Duration::from_secs(3));
        for n in SIZES {
            let text = (d.policy)(n);
            g.bench_with_input(BenchmarkId::from_parameter(n), &text, |b, t| {
                b.iter(|| compile(black_box(t)).is_ok())
            });
        }
        g.finish();
    }
}

fn eval_and_batch(c: &mut Criterion) {
    let date = policyc::syntax::parse_date("2020-07-01").unwrap();
    let mut g = c.benchmark_group("eval/facts width");
    for n in SIZES {
        let p = compile(&inputs::wide_entity(n)).unwrap();
        let json = format!(
            "{{\"entity\": \"企业\", \"facts\": {}}}",
            inputs::wide_facts(n)
        );
        let req = policyc::eval::Request {
            date,
            locality: None,
            explain: false,
        };
        g.bench_function(BenchmarkId::from_parameter(n), |b| {
            b.iter(|| {
                let f = policyc::eval::Facts::from_json(&p, black_box(&json)).unwrap();
                policyc::eval::evaluate(&p, &f, &req).unwrap().total
            })
        });
    }
    g.finish();
    let mut g = c.benchmark_group("batch/facts width (100 records)");
    for n in SIZES {
        let p = compile(&inputs::wide_entity(n)).unwrap();
        let line = format!(
            "{{\"entity\": \"企业\", \"facts\": {}}}\n",
            inputs::wide_facts(n)
        );
        let input = line.repeat(100);
        let mut opts = policyc::batch::BatchOptions::new(date);
        opts.threads = 1;
        g.bench_function(BenchmarkId::from_parameter(n), |b| {
            b.iter(|| {
                policyc::batch::run_text(&p, black_box(&input), &opts)
                    .unwrap()
                    .1
            })
        });
    }
    g.finish();
}

fn diff(c: &mut Criterion) {
    let mut g = c.benchmark_group("diff/measures");
    for n in SIZES {
        let (old, new) = inputs::diff_pair(n);
        let (old, new) = (compile(&old).unwrap(), compile(&new).unwrap());
        g.bench_function(BenchmarkId::from_parameter(n), |b| {
            b.iter(|| policyc::diff::diff(black_box(&old), black_box(&new)).len())
        });
    }
    g.finish();
}

criterion_group!(benches, check, eval_and_batch, diff);
criterion_main!(benches);

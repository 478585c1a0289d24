//! `policyc batch` over 1 000 000 records of 企业 (all 28 measures, and measure
//! （十二） alone), from CSV and from JSONL. The inputs are generated once with
//! the `sample` module into `target/bench-data/` (the same files as
//! `policyc sample policies --entity 企业 --count 1000000 --seed 12
//! --missing 0.05`). `POLICYC_BENCH_RECORDS` changes the size.
//! The kernel alone: measure （十二） over 1 000 000 complete records already
//! in memory as columns ([`batch::Table`]), to compare with plain numpy on the
//! same rule (`bench/openfisca_model.py` prints numpy's time).
//! Run with `cargo bench --bench batch`; see docs/performance.md.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "benchmark code: a broken setup should stop loudly"
)]

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use policyc::batch::{self, BatchOptions, Check, InputFormat};
use policyc::ir::Policy;
use policyc::sample::{self, SampleFormat, Sampler};

fn records() -> u64 {
    std::env::var("POLICYC_BENCH_RECORDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000)
}

fn seed() -> Policy {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let (sources, _) = policyc::load::load(&[root.join("policies")]).unwrap();
    policyc::compile(&sources).unwrap()
}

/// The input file, generated on first use.
fn input(policy: &Policy, format: SampleFormat) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-data");
    std::fs::create_dir_all(&dir).unwrap();
    let ext = if format == SampleFormat::Csv {
        "csv"
    } else {
        "jsonl"
    };
    let path = dir.join(format!("qiye-{}-seed12.{ext}", records()));
    if !path.exists() {
        let s = Sampler::new(policy, "企业", 12, 0.05).unwrap();
        let tmp = path.with_extension("tmp");
        let mut f = std::io::BufWriter::new(std::fs::File::create(&tmp).unwrap());
        sample::write_sample(&s, records(), format, &mut f).unwrap();
        drop(f);
        std::fs::rename(&tmp, &path).unwrap();
    }
    path
}

fn run(policy: &Policy, path: &Path, opts: &BatchOptions<'_>) -> batch::Summary {
    let mut file = std::fs::File::open(path).unwrap();
    batch::run(policy, &mut file, &mut std::io::sink(), opts, &|_| {}).unwrap()
}

fn batch_1m(c: &mut Criterion) {
    let policy = seed();
    let date = chrono::NaiveDate::from_ymd_opt(2020, 7, 1).unwrap();
    let mut g = c.benchmark_group(format!("batch {} records", records()));
    g.sample_size(10);
    g.throughput(Throughput::Elements(records()));
    for (format, label) in [(SampleFormat::Csv, "csv"), (SampleFormat::Jsonl, "jsonl")] {
        let path = input(&policy, format);
        let mut all = BatchOptions::new(date);
        all.locality = Some("呼和浩特市");
        all.input_format = if format == SampleFormat::Csv {
            InputFormat::Csv
        } else {
            InputFormat::Jsonl
        };
        g.bench_function(format!("{label}, all measures"), |b| {
            b.iter(|| run(&policy, black_box(&path), &all))
        });
        let mut m12 = all.clone();
        m12.measures = Some(vec![12]);
        m12.check = Check::Used;
        g.bench_function(format!("{label}, measure 12, --check used"), |b| {
            b.iter(|| run(&policy, black_box(&path), &m12))
        });
    }
    g.finish();
}

fn kernel_1m(c: &mut Criterion) {
    let policy = seed();
    let date = chrono::NaiveDate::from_ymd_opt(2020, 7, 1).unwrap();
    let s = Sampler::new(&policy, "企业", 12, 0.0).unwrap();
    let table = batch::Table::new(&policy, "企业", (0..records()).map(|i| s.record(i))).unwrap();
    let mut g = c.benchmark_group(format!("in memory, {} records", records()));
    g.sample_size(10);
    g.throughput(Throughput::Elements(records()));
    g.bench_function("measure 12, columns", |b| {
        b.iter(|| {
            let r = table
                .evaluate(12, black_box(date), Some("呼和浩特市"))
                .unwrap();
            black_box(r.len())
        })
    });
    g.bench_function("measure 12, columns and total", |b| {
        b.iter(|| {
            let r = table
                .evaluate(12, black_box(date), Some("呼和浩特市"))
                .unwrap();
            black_box(r.total())
        })
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = batch_1m, kernel_1m
}
criterion_main!(benches);

//! The differential oracle: random valid policies and probing facts, run
//! through every engine that gives the language a meaning (the row evaluator,
//! the columnar engine, the row evaluator on the exported IR, and `batch` rows
//! against columnar), which must agree exactly: statuses, amounts, facts
//! asked for, error messages. Generated policies without a shared 个人 give 单位
//! a list of member records read by aggregates (issue 13 point 4).
//! See `tests/common/gen/mod.rs` for what is generated
//! and `tests/common/differential.rs` for what is compared.
//!
//! `cargo test --test oracle` runs a modest number of cases; for a long run:
//!
//! ```sh
//! POLICYC_ORACLE_CASES=10000 cargo test --release --test oracle
//! POLICYC_ORACLE_SEED=7 cargo test --test oracle   # another fixed seed
//! ```
//!
//! The seed policy is also run, sampled populations of every entity on the
//! boundary days of every measure, in every locality and none.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failed expectation should stop the test loudly"
)]

#[path = "common/differential.rs"]
mod differential;
#[path = "common/gen/mod.rs"]
mod gen;

use std::sync::OnceLock;

use policyc::batch::{self, BatchOptions, Engine, InputFormat};
use policyc::ir::Policy;
use policyc::sample::{self, SampleFormat, Sampler};
use proptest::prelude::*;
use proptest::test_runner::RngSeed;

use differential::{check, Engines, Tally};
use gen::{generate, Options, Rng};

/// The generator's options: the switches for known bugs are in
/// `tests/common/gen/mod.rs` (`ZEROS_WITH_DECIMALS`, `TRAILING_ZEROS`, `HUGE`),
/// shared with the fuzz target.
fn options() -> Options {
    Options::default()
}

fn env(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|v| v.parse().ok())
}

fn tally() -> &'static std::sync::Mutex<Tally> {
    static T: OnceLock<std::sync::Mutex<Tally>> = OnceLock::new();
    T.get_or_init(Default::default)
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: env("POLICYC_ORACLE_CASES").map_or(96, |n| n as u32),
        rng_seed: RngSeed::Fixed(env("POLICYC_ORACLE_SEED").unwrap_or(20_200_509)),
        max_shrink_iters: 500,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// Every engine agrees on every generated case.
    #[test]
    fn every_engine_agrees_on_generated_policies(
        tape in proptest::collection::vec(any::<u8>(), 0..64),
        seed in any::<u64>(),
    ) {
        let mut bytes = seed.to_le_bytes().to_vec();
        bytes.extend(tape);
        let case = generate(&mut Rng::from_bytes(&bytes), options());
        match check(&case, Engines::default()) {
            Ok(t) => tally().lock().unwrap().add(&t),
            Err(e) => prop_assert!(false, "{e}\n--- records\n{}", case.records.join("\n")),
        }
    }
}

/// The generator reaches every outcome (otherwise the oracle compares little).
#[test]
fn generated_cases_reach_every_outcome() {
    let mut t = Tally::default();
    for seed in 0..40 {
        let case = generate(&mut Rng::new(seed), options());
        let engines = Engines {
            table: false,
            ir: false,
            batch_text: false,
            ..Engines::default()
        };
        t.add(&check(&case, engines).unwrap_or_else(|e| panic!("seed {seed}: {e}")));
    }
    for s in [
        "eligible",
        "not_eligible",
        "needs_facts",
        "error",
        "undetermined",
        "not_in_force",
        "deadline_passed",
    ] {
        assert!(
            t.statuses.get(s).copied().unwrap_or(0) > 0,
            "no {s} in 40 cases: {t:?}"
        );
    }
    assert!(t.rejected > 0, "no record rejected: {t:?}");
    println!("{t:?}");
}

/// The fuzz target's fast path (`fuzz/fuzz_targets/differential.rs`): one
/// policy compiled once, probed by many record sets, each compared with
/// `Engines::fast`; a probe depends only on its own decisions.
#[test]
fn one_compiled_policy_probed_many_times() {
    let opts = Options {
        records: 4,
        dates: 4,
        ..options()
    };
    for seed in 0..4u64 {
        let pg = gen::generate_policy(&mut Rng::new(seed), opts);
        let (p, loaded) = differential::compile_and_reload(&pg.source).unwrap();
        let first = pg.probe(&mut Rng::from_bytes(&[1, 2, 3]));
        for k in 0..12u64 {
            let case = pg.probe(&mut Rng::new(k));
            let engines = Engines::fast(k as usize);
            if let Err(e) = differential::check_compiled(&case, &p, &loaded, engines) {
                panic!(
                    "policy {seed}, probe {k}: {e}\n--- records\n{}",
                    case.records.join("\n")
                );
            }
        }
        let again = pg.probe(&mut Rng::from_bytes(&[1, 2, 3]));
        assert_eq!(first.records, again.records, "policy {seed}");
        assert_eq!(first.dates, again.dates, "policy {seed}");
    }
}

/// `cargo test --test oracle print -- --nocapture` shows what the generator writes.
#[test]
fn print_a_generated_case() {
    let case = generate(
        &mut Rng::new(env("POLICYC_ORACLE_SEED").unwrap_or(1)),
        options(),
    );
    println!("{}\n--- records\n{}", case.source, case.records.join("\n"));
    println!("--- dates {:?}", case.dates);
}

// ---------------------------------------------------------------------------
// The seed policy

fn seed() -> &'static Policy {
    static P: OnceLock<Policy> = OnceLock::new();
    P.get_or_init(differential::seed_policy)
}

/// Sampled populations of every entity of the seed (400 records each, a few
/// thousand in all), on every boundary day (each effective start and end and
/// each deadline, the day before and the day after), with no locality and in
/// 呼和浩特市 and 包头市: `batch` rows and columnar give byte-identical output
/// and equal summaries.
#[test]
fn the_seed_agrees_in_both_engines_on_every_boundary_day() {
    let p = seed();
    let days = differential::boundary_days(p);
    for m in &p.measures {
        for d in [m.effective.from, m.effective.to, m.applications_until]
            .into_iter()
            .flatten()
        {
            assert!(days.contains(&d), "{d}");
            assert!(days.contains(&(d + chrono::Days::new(1))), "{d} + 1");
        }
    }
    assert!(days.len() >= 6, "{days:?}");
    let mut locs: Vec<Option<&str>> = vec![None];
    locs.extend(p.localities.iter().map(|l| Some(l.name.as_str())));
    assert_eq!(locs, [None, Some("包头市"), Some("呼和浩特市")]);
    let mut records = 0;
    for (k, entity) in p.entities.iter().enumerate() {
        let s = Sampler::new(p, &entity.name, 1000 + k as u64, 0.2).unwrap();
        let mut text = Vec::new();
        sample::write_sample(&s, 400, SampleFormat::Jsonl, &mut text).unwrap();
        records += 400;
        let text = String::from_utf8(text).unwrap();
        for &date in &days {
            for &locality in &locs {
                let mut col = BatchOptions::new(date);
                col.locality = locality;
                col.input_format = InputFormat::Jsonl;
                col.threads = 1;
                let mut row = col.clone();
                row.engine = Engine::Rows;
                let a = batch::run_text(p, &text, &col).unwrap();
                let b = batch::run_text(p, &text, &row).unwrap();
                assert!(
                    a == b,
                    "{} on {date} in {locality:?}: rows and columnar differ",
                    entity.name
                );
            }
        }
    }
    assert!(records >= 2000, "{records}");
}

// ---------------------------------------------------------------------------
// Divergences found by the oracle, each kept as a minimal reproduction. A
// divergence not yet fixed is `#[ignore = "known divergence: …"]`, with the
// matching generator switch of `tests/common/gen/mod.rs` turned OFF.

/// `cargo test --test oracle survey -- --ignored --nocapture`: runs
/// `POLICYC_ORACLE_CASES` seeds (default 200) and prints the head of every
/// disagreement instead of stopping at the first.
#[test]
#[ignore = "a survey for humans, not a check"]
fn survey() {
    let n = env("POLICYC_ORACLE_CASES").unwrap_or(200);
    let mut failures = 0;
    for seed in 0..n {
        let case = generate(&mut Rng::new(seed), options());
        if let Err(e) = check(&case, Engines::default()) {
            failures += 1;
            let head: Vec<&str> = e.lines().take(6).collect();
            println!("seed {seed}:\n{}\n", head.join("\n"));
        }
    }
    println!("{failures} of {n} cases disagree");
}

/// Rows and columnar on one record: `(status, amount, needs)` of measure 1
/// from each, and whether `batch` rows and columnar print the same line.
fn one_record(source: &str, record: &str, date: &str) -> (String, String, bool) {
    let p = differential::compile(source).unwrap_or_else(|d| panic!("{d}"));
    let f = policyc::eval::Facts::from_json(&p, record).unwrap();
    let req = policyc::eval::Request {
        date: differential::day(date),
        locality: None,
        explain: false,
    };
    let m = &p.measures[0];
    let r = policyc::eval::evaluate_one(&p, m, &f, &req).unwrap();
    let t = batch::Table::new(&p, "单位", vec![f]).unwrap();
    let res = t.evaluate(m.number, req.date, None).unwrap();
    let rows = format!("{:?} {:?} {:?}", r.status, r.total, r.needs);
    let col = format!(
        "{:?} {:?} {:?}",
        res.status(0).unwrap(),
        res.amount(0),
        res.needs(0)
    );
    let mut o = BatchOptions::new(req.date);
    o.threads = 1;
    let a = batch::run_text(&p, record, &o).unwrap();
    o.engine = Engine::Rows;
    let b = batch::run_text(&p, record, &o).unwrap();
    (rows, col, a == b)
}

/// A money fact written with decimals but worth zero (`0.00`, `0.0`,
/// `"0.00 元"`) in a sum: the row engine says the amount overflows
/// (`error`), the columnar engine gives the sum (-1.00). `0` agrees.
#[test]
fn zero_with_decimals_in_a_sum() {
    let src = "entity 单位 { 金额0: money }\nmeasure 1 \"m\" {\n kind benefit\n to 单位\n rule r { amount 金额0 - 1 元 }\n}\n";
    for zero in ["0.00", "0.0", "\"0.00 元\"", "\"0.00\""] {
        let record = format!(r#"{{"entity": "单位", "facts": {{"金额0": {zero}}}}}"#);
        let (rows, col, same_lines) = one_record(src, &record, "2020-01-01");
        assert_eq!(rows, "Eligible Some(-1.00) []", "{zero}");
        assert_eq!(col, "Eligible Some(-1.00) []", "{zero}");
        assert!(same_lines, "{zero}");
    }
}

/// The same bug from a computed zero: `天数0 - 天数0` with `天数0 = 139.00`
/// (or `金额0 - 5 元` with `金额0 = 5.00`) is a zero with decimals; adding to
/// it is `error` in rows and a value in columnar. With `139` or `5` both agree.
#[test]
fn computed_zero_with_decimals_in_a_sum() {
    let mk = |amount: &str| {
        format!("entity 单位 {{ 天数0: integer<天>  金额0: money }}\nmeasure 1 \"m\" {{\n kind benefit\n to 单位\n rule r {{ amount {amount} }}\n}}\n")
    };
    for (amount, facts, want) in [
        (
            "(天数0 - 天数0 + 140 天) * 1 元/天",
            r#"{"天数0": 139.00}"#,
            "140.00",
        ),
        ("金额0 - 5 元 + 1 元", r#"{"金额0": 5.00}"#, "1.00"),
        ("1 元 + (金额0 - 5 元)", r#"{"金额0": "5.00 元"}"#, "1.00"),
    ] {
        let record = format!(r#"{{"entity": "单位", "facts": {facts}}}"#);
        let (rows, col, same_lines) = one_record(&mk(amount), &record, "2020-01-01");
        let want = format!("Eligible Some({want}) []");
        assert_eq!(rows, want, "{amount} {facts}");
        assert_eq!(col, want, "{amount} {facts}");
        assert!(same_lines, "{amount} {facts}");
    }
}

/// The generator declares parts addressed to the second entity (个人, through
/// slot maps) and parts with dates of their own, and the engines reach every
/// outcome for 个人 too.
#[test]
fn generated_parts_reach_the_second_entity() {
    let mut t = Tally::default();
    for seed in 0..160 {
        let case = generate(&mut Rng::new(seed), options());
        let engines = Engines {
            table: false,
            ir: true,
            batch_text: false,
            once: None,
        };
        t.add(&check(&case, engines).unwrap_or_else(|e| panic!("seed {seed}: {e}")));
    }
    for s in [
        "eligible",
        "needs_facts",
        "not_in_force",
        "deadline_passed",
        "not_addressed",
    ] {
        let key = format!("个人 {s}");
        assert!(
            t.statuses.get(&key).copied().unwrap_or(0) > 0,
            "no {key} in 160 cases: {t:?}"
        );
    }
}

/// The generator writes definitions of the document (`let` outside measures)
/// and uses them in conditions: the engines, the exported IR and the
/// reference model agree on policies that have them.
#[test]
fn generated_definitions_of_the_document_are_used_and_agree() {
    let mut with = 0;
    for seed in 0..160 {
        let case = generate(&mut Rng::new(seed), options());
        if !case.source.contains("\nlet 文档条件") {
            continue;
        }
        let (p, _) = differential::compile_and_reload(&case.source).unwrap();
        if !p.to_json().unwrap().contains("\"document\": true") {
            continue;
        }
        with += 1;
        let engines = Engines {
            table: true,
            ir: true,
            batch_text: false,
            once: None,
        };
        check(&case, engines).unwrap_or_else(|e| panic!("seed {seed}: {e}"));
    }
    assert!(
        with >= 5,
        "only {with} of 160 cases use a definition of the document"
    );
}

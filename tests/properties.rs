//! Property tests over random *valid* policies and matching facts.
//!
//! The policies come from the generator of the differential oracle
//! (`tests/common/gen/`, every construct of the language), driven by bytes
//! that proptest generates and shrinks, and laid out in a random style
//! (indentation, CRLF line ends, comments) that the formatter must bring to
//! one form. Properties:
//!
//! - every generated policy compiles (the generator is right);
//! - export → `Policy::from_json` gives an equal policy;
//! - evaluating from the source and from the JSON gives the same evaluation
//!   (compared serialized), with and without explanations;
//! - evaluation is deterministic;
//! - `policyc test` on the generated examples reports, example by example,
//!   what the library's runner (`eval::run_examples`) gives, and exits 1
//!   exactly when one fails;
//! - `policyc fmt` is idempotent and keeps the IR (source positions aside).
//!
//! The number of cases is modest (64) so that `cargo test` stays fast; set
//! `PROPTEST_CASES=10000` for a longer run.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failed expectation should stop the test loudly"
)]

#[path = "common/gen/mod.rs"]
mod gen;

use chrono::NaiveDate;
use policyc::eval::{self, Facts, Request};
use policyc::ir::Policy;
use policyc::source::SourceMap;
use proptest::prelude::*;

/// A generated policy, its facts records and the dates to evaluate them on.
struct Generated {
    source: String,
    localities: Vec<String>,
    /// facts files (JSON) for the main entity
    facts: Vec<String>,
    dates: Vec<NaiveDate>,
}

/// The policy that `bytes` make, laid out in the style its first bytes choose.
fn generate(bytes: Vec<u8>) -> Generated {
    let style = bytes.first().copied().unwrap_or(0);
    let mut r = gen::Rng::from_bytes(bytes.get(1..).unwrap_or(&[]));
    let case = gen::generate(
        &mut r,
        gen::Options {
            records: 3,
            ..gen::Options::default()
        },
    );
    Generated {
        source: restyle(&case.source, style),
        localities: case.localities,
        facts: case.records,
        dates: case.dates,
    }
}

/// The generator's text (two-space indentation, LF) re-laid out: indentation of
/// one space, four spaces or a tab, CRLF line ends, and comments after lines.
fn restyle(source: &str, style: u8) -> String {
    let indent = ["  ", "    ", "\t", " "][usize::from(style & 3)];
    let crlf = style & 4 != 0;
    let comments = style & 8 != 0;
    let mut out = String::with_capacity(source.len() * 2);
    for (n, line) in source.lines().enumerate() {
        let body = line.trim_start_matches(' ');
        let depth = (line.len() - body.len()) / 2;
        out.push_str(&indent.repeat(depth));
        out.push_str(body);
        if comments && n % 3 == 0 && !body.is_empty() {
            out.push_str(" // 注释");
        }
        out.push_str(if crlf { "\r\n" } else { "\n" });
    }
    out
}

// ---------------------------------------------------------------------------
// Helpers

fn compile(source: &str) -> Result<Policy, String> {
    let mut map = SourceMap::new();
    map.add("generated.policy", source);
    policyc::compile(&map).map_err(|d| policyc::diagnostic::render_plain(&map, &d))
}

/// Every evaluation of `facts` a user can ask for, serialized.
fn evaluations(
    policy: &Policy,
    facts: &Facts,
    dates: &[NaiveDate],
    localities: &[String],
) -> Vec<String> {
    let mut out = Vec::new();
    let mut locs: Vec<Option<&str>> = vec![None];
    locs.extend(localities.iter().map(|l| Some(l.as_str())));
    for &date in dates {
        for &locality in &locs {
            for explain in [false, true] {
                let req = Request {
                    date,
                    locality,
                    explain,
                };
                out.push(match eval::evaluate(policy, facts, &req) {
                    Ok(ev) => serde_json::to_string(&ev).unwrap(),
                    Err(e) => format!("error: {e}"),
                });
            }
        }
    }
    out
}

/// The outcome of every example, serialized.
fn example_outcomes(policy: &Policy) -> Vec<String> {
    let mut out = Vec::new();
    for m in &policy.measures {
        for ex in &m.examples {
            let facts = Facts::from_example(policy, ex);
            let req = Request {
                date: ex.date,
                locality: ex.locality.as_deref(),
                explain: true,
            };
            out.push(match eval::evaluate_one(policy, m, &facts, &req) {
                Ok(r) => serde_json::to_string(&r).unwrap(),
                Err(e) => format!("error: {e}"),
            });
        }
    }
    out
}

/// The IR as JSON with every source position removed (formatting moves them).
fn without_positions(p: &Policy) -> serde_json::Value {
    fn strip(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Object(o) => {
                o.remove("source");
                o.values_mut().for_each(strip);
            }
            serde_json::Value::Array(a) => a.iter_mut().for_each(strip),
            _ => {}
        }
    }
    let mut v = serde_json::to_value(p).unwrap();
    strip(&mut v);
    v
}

fn tape() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(any::<u8>(), 0..600)
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(64),
        max_shrink_iters: 2000,
        ..ProptestConfig::default()
    })]

    #[test]
    fn generated_policies_compile(tape in tape()) {
        let g = generate(tape);
        if let Err(d) = compile(&g.source) {
            prop_assert!(false, "a generated policy does not compile:\n{d}\n---\n{}", g.source);
        }
    }

    #[test]
    fn export_then_import_gives_the_same_policy(tape in tape()) {
        let g = generate(tape);
        let p = compile(&g.source).unwrap();
        let json = p.to_json().unwrap();
        let back = Policy::from_json(&json).unwrap();
        prop_assert!(back == p, "the policy changed through JSON:\n{}", g.source);
        // and the export of the import is byte-identical
        prop_assert_eq!(back.to_json().unwrap(), json);
    }

    #[test]
    fn evaluating_from_source_and_from_json_agree_and_are_deterministic(tape in tape()) {
        let g = generate(tape);
        let p = compile(&g.source).unwrap();
        let loaded = Policy::from_json(&p.to_json().unwrap()).unwrap();
        for text in &g.facts {
            let facts = Facts::from_json(&p, text);
            let facts_loaded = Facts::from_json(&loaded, text);
            prop_assert_eq!(&facts, &facts_loaded);
            // the generator writes an invalid value now and then: the reader
            // refuses it the same way on both policies (checked above)
            let Ok(facts) = facts else { continue };
            let a = evaluations(&p, &facts, &g.dates, &g.localities);
            let b = evaluations(&loaded, &facts, &g.dates, &g.localities);
            prop_assert_eq!(&a, &b);
            let again = evaluations(&p, &facts, &g.dates, &g.localities);
            prop_assert_eq!(&a, &again);
        }
        prop_assert_eq!(example_outcomes(&p), example_outcomes(&loaded));
    }

    #[test]
    fn policyc_test_reports_what_the_library_evaluates(tape in tape()) {
        use clap::Parser as _;
        let g = generate(tape);
        let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("properties");
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("gen-{}.policy", std::process::id()));
        std::fs::write(&path, &g.source).unwrap();
        let cli = policyc::cli::Cli::try_parse_from([
            "policyc",
            "--error-format",
            "plain",
            "test",
            "--format",
            "json",
            path.to_str().unwrap(),
        ])
        .unwrap();
        let (code, out, err) = policyc::cli::run_captured(cli);
        let (out, err) = (String::from_utf8_lossy(&out), String::from_utf8_lossy(&err));
        // the report says, example by example, what the library's runner
        // (`eval::run_examples`, which judges every form of `expect`) says
        let p = compile(&g.source).unwrap();
        let want: Vec<(String, bool)> = eval::run_examples(&p)
            .into_iter()
            .map(|o| (o.example, o.passed))
            .collect();
        let report: serde_json::Value = serde_json::from_str(&out)
            .map_err(|e| TestCaseError::fail(format!("{e}: {out}{err}")))?;
        let got: Vec<(String, bool)> = report["examples"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| (x["example"].as_str().unwrap().to_string(), x["passed"].as_bool().unwrap()))
            .collect();
        prop_assert_eq!(&got, &want, "{}", g.source);
        let failed = want.iter().filter(|x| !x.1).count();
        prop_assert_eq!(report["failed"].as_u64(), Some(failed as u64));
        prop_assert_eq!(report["passed"].as_u64(), Some((want.len() - failed) as u64));
        prop_assert_eq!(code, u8::from(failed > 0), "{}", err);
    }

    #[test]
    fn formatting_is_idempotent_and_keeps_the_ir(tape in tape()) {
        let g = generate(tape);
        let before = compile(&g.source).unwrap();
        let once = match policyc::fmt::format_source(&g.source) {
            Ok(x) => x,
            Err(e) => {
                prop_assert!(false, "fmt failed: {e}\n{}", g.source);
                return Ok(());
            }
        };
        let twice = policyc::fmt::format_source(&once).unwrap();
        prop_assert_eq!(&twice, &once, "fmt is not idempotent");
        let after = compile(&once).unwrap();
        prop_assert_eq!(without_positions(&before), without_positions(&after));
    }
}

/// Every example of the seed policy gives the same outcome from the source and
/// from its JSON export, and every one passes.
#[test]
fn print_a_generated_policy() {
    // `cargo test --test properties print -- --nocapture` shows what the generator writes
    let tape: Vec<u8> = (0..600u32).map(|i| (i * 7919 % 251) as u8).collect();
    println!("{}", generate(tape).source);
}

#[test]
fn seed_examples_agree_from_source_and_from_json() {
    let mut map = SourceMap::new();
    let mut paths: Vec<std::path::PathBuf> = Vec::new();
    for dir in ["policies/seed", "policies/localities"] {
        for e in std::fs::read_dir(dir).unwrap() {
            paths.push(e.unwrap().path());
        }
    }
    paths.sort();
    for p in &paths {
        map.add(p.display().to_string(), std::fs::read_to_string(p).unwrap());
    }
    let p = policyc::compile(&map)
        .unwrap_or_else(|d| panic!("{}", policyc::diagnostic::render_plain(&map, &d)));
    let loaded = Policy::from_json(&p.to_json().unwrap()).unwrap();
    let a = example_outcomes(&p);
    assert!(a.len() >= 100, "only {} examples", a.len());
    assert_eq!(a, example_outcomes(&loaded));
    for m in &p.measures {
        for ex in &m.examples {
            let r = eval::evaluate_one(
                &p,
                m,
                &Facts::from_example(&p, ex),
                &Request {
                    date: ex.date,
                    locality: ex.locality.as_deref(),
                    explain: false,
                },
            )
            .unwrap();
            assert_eq!(r.status, ex.expect.status, "{} {}", m.label, ex.name);
            if let Some(a) = ex.expect.amount {
                assert_eq!(r.total, Some(a), "{} {}", m.label, ex.name);
            }
        }
    }
}

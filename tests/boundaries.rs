#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failed expectation should stop the test loudly"
)]
//! The boundaries between stages (issue 12): the IR, the evaluators and the
//! batch engine do not depend on the parser. They read the IR, the shared
//! modules (`types`, `limits`, `literal`, `source`, `diagnostic`) and each
//! other, never `crate::syntax`.

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn ir_eval_and_batch_do_not_use_the_syntax_stage() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    for d in ["ir", "eval", "batch"] {
        rust_files(&root.join(d), &mut files);
    }
    assert!(files.len() > 20, "{files:?}");
    let mut found = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        for (i, line) in text.lines().enumerate() {
            if line.contains("syntax::") || line.contains("syntax::{") {
                found.push(format!("{}:{}: {}", f.display(), i + 1, line.trim()));
            }
        }
    }
    assert!(
        found.is_empty(),
        "uses of the syntax stage:\n{}",
        found.join("\n")
    );
}

// ---------------------------------------------------------------------------
// One scenario, one unknown-locality error

fn seed() -> &'static policyc::ir::Policy {
    static P: std::sync::OnceLock<policyc::ir::Policy> = std::sync::OnceLock::new();
    P.get_or_init(|| policyc::load(&["policies".into()]).unwrap())
}

fn day(s: &str) -> chrono::NaiveDate {
    s.parse().unwrap()
}

fn code(e: &dyn miette::Diagnostic) -> String {
    e.code().map(|c| c.to_string()).unwrap_or_default()
}

/// An unknown locality is one error with one code, whoever meets it: the
/// scenario, the row evaluator, a batch, a `Table`, the top-level API and the
/// command line (`tests/io.rs`). On the old main it had three codes
/// (`policy::eval::…`, `policy::batch::…`, `policy::cli::…`).
#[test]
fn an_unknown_locality_has_one_code_everywhere() {
    use policyc::batch;
    use policyc::eval::{self, Facts, Request, Scenario};
    let p = seed();
    let date = day("2020-07-01");
    let want = "policy::cli::unknown_locality";
    let err = Scenario::new(p, date, Some("呼和浩特")).unwrap_err();
    assert_eq!(code(&err), want);
    assert_eq!(err.to_string(), "unknown locality `呼和浩特`");
    assert_eq!(err.help.as_deref(), Some("did you mean `呼和浩特市`?"));
    let (ei, _) = p.entity("企业").unwrap();
    let facts = Facts::unknown(p, ei);
    let req = Request {
        date,
        locality: Some("呼和浩特"),
        explain: false,
    };
    let e = eval::evaluate(p, &facts, &req).unwrap_err();
    assert_eq!(code(&e), want);
    let m = p.measures.iter().find(|m| m.addressee == Some(ei)).unwrap();
    let e = eval::evaluate_one(p, m, &facts, &req).unwrap_err();
    assert_eq!(code(&e), want);
    let mut opts = batch::BatchOptions::new(date);
    opts.locality = Some("呼和浩特");
    let e = batch::run_text(p, "", &opts).unwrap_err();
    assert_eq!(code(&e), want);
    let table = batch::Table::new(p, "企业", vec![facts.clone()]).unwrap();
    let e = table
        .evaluate(m.number, date, Some("呼和浩特"))
        .err()
        .unwrap();
    assert_eq!(code(&e), want);
    let e = policyc::evaluate(p, &facts, date, Some("呼和浩特")).unwrap_err();
    assert!(matches!(e, policyc::Error::UnknownLocality(_)), "{e:?}");
    assert_eq!(code(&e), want);
    assert_eq!(e.to_string(), "unknown locality `呼和浩特`");
}

/// A scenario resolves the locality and fixes the parameters once; the row
/// evaluator, a `Table` and a batch evaluated in it agree with evaluating
/// request by request, on several dates and localities.
#[test]
fn one_scenario_serves_eval_table_and_batch() {
    use policyc::batch;
    use policyc::eval::{self, Request, Scenario};
    use policyc::sample::Sampler;
    let p = seed();
    let (ei, _) = p.entity("企业").unwrap();
    let recs: Vec<_> = {
        let s = Sampler::new(p, "企业", 7, 0.1).unwrap();
        (0..64).map(|i| s.record(i)).collect()
    };
    let table = batch::Table::new(p, "企业", recs.clone()).unwrap();
    for date in ["2020-01-01", "2020-07-01", "2021-01-05"] {
        for locality in [None, Some("呼和浩特市"), Some("包头市")] {
            let s = Scenario::new(p, day(date), locality).unwrap();
            assert_eq!(s.date(), day(date));
            assert_eq!(s.locality().map(|l| l.name.as_str()), locality);
            assert_eq!(
                s.locality_index(),
                locality.map(|l| p.localities.iter().position(|x| x.name == l).unwrap())
            );
            let req = Request {
                date: day(date),
                locality,
                explain: true,
            };
            for f in &recs {
                let a = serde_json::to_string(&s.evaluate(f, true).unwrap()).unwrap();
                let b = serde_json::to_string(&eval::evaluate(p, f, &req).unwrap()).unwrap();
                assert_eq!(a, b);
            }
            for m in p.measures.iter().filter(|m| m.addressee == Some(ei)) {
                let r = table.evaluate_in(m.number, &s).unwrap();
                for (row, f) in recs.iter().enumerate() {
                    let one = s.evaluate_measure(m, f, false);
                    assert_eq!(r.status(row), Some(one.status));
                    assert_eq!(r.amount(row), one.total);
                }
            }
        }
    }
    // a scenario of another policy is refused, not used
    let other = p.clone();
    let s = Scenario::new(&other, day("2020-07-01"), None).unwrap();
    let m = p.measures.iter().find(|m| m.addressee == Some(ei)).unwrap();
    let e = table.evaluate_in(m.number, &s).err().unwrap();
    assert_eq!(code(&e), "policy::batch::scenario_of_another_policy");
}

// ---------------------------------------------------------------------------
// One error type for the library

/// The top-level functions return `policyc::Error`, whose diagnostic (code,
/// help) is the stage's.
#[test]
fn the_library_has_one_error_type() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.policy");
    std::fs::write(&bad, "enum 规模 { 小型, 小型 }\nenum 规模 { 大型 }\n").unwrap();
    let e = policyc::load(std::slice::from_ref(&bad)).unwrap_err();
    let policyc::Error::Policy(pe) = &e else {
        panic!("{e:?}")
    };
    assert!(!pe.diagnostics.is_empty());
    assert!(code(&e).starts_with("policy::check::"), "{}", code(&e));
    assert_eq!(code(&e), pe.diagnostics[0].code());
    assert_eq!(
        miette::Diagnostic::related(&e).map_or(0, |r| r.count()),
        pe.diagnostics.len() - 1
    );
    let missing = dir.path().join("nothing-here");
    let e = policyc::load(&[missing]).unwrap_err();
    assert!(matches!(e, policyc::Error::Load(_)), "{e:?}");
    assert!(code(&e).starts_with("policy::io::"), "{}", code(&e));
    let e = policyc::from_json("{").unwrap_err();
    assert!(matches!(e, policyc::Error::Ir(_)), "{e:?}");
    assert!(code(&e).starts_with("policy::ir::"), "{}", code(&e));
    let p = seed();
    let e = policyc::facts(p, r#"{"entity": "火星人", "facts": {}}"#).unwrap_err();
    assert!(matches!(e, policyc::Error::Facts(_)), "{e:?}");
    assert!(code(&e).starts_with("policy::facts::"), "{}", code(&e));
    let json = p.to_json().unwrap();
    assert_eq!(&policyc::from_json(&json).unwrap(), p);
}

// ---------------------------------------------------------------------------
// One keyword list

/// The words of the `keyword` rule of `grammar/policy.pest`.
fn grammar_keywords() -> Vec<String> {
    let g =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("grammar/policy.pest"))
            .unwrap();
    let start = g
        .find("\nkeyword = @{")
        .expect("the grammar has a `keyword` rule");
    let body = &g[start..];
    let body = &body[body.find('{').unwrap() + 1..body.find("\n}").unwrap()];
    body.split('|')
        .map(|w| w.trim().trim_matches('"').to_string())
        .collect()
}

/// The words of the keyword line of `docs/language.md`.
fn documented_keywords() -> Vec<String> {
    let d = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/language.md"))
        .unwrap();
    let start = d
        .find("- **Keywords** are English and cannot be names: `")
        .expect("docs/language.md lists the keywords");
    let rest = &d[start..];
    let open = rest.find('`').unwrap() + 1;
    let close = open + rest[open..].find('`').unwrap();
    rest[open..close]
        .split_whitespace()
        .map(str::to_string)
        .collect()
}

#[test]
fn one_keyword_list() {
    let rust: Vec<String> = policyc::syntax::KEYWORDS
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(
        grammar_keywords(),
        rust,
        "grammar/policy.pest vs syntax::KEYWORDS"
    );
    assert_eq!(
        documented_keywords(),
        rust,
        "docs/language.md vs syntax::KEYWORDS"
    );
    // and each keyword is refused as a name
    for k in policyc::syntax::KEYWORDS {
        assert!(policyc::syntax::is_keyword(k));
        let mut map = policyc::source::SourceMap::new();
        map.add("k.policy", format!("enum {k} {{ 甲 }}"));
        assert!(policyc::compile(&map).is_err(), "`{k}` accepted as a name");
    }
    assert!(!policyc::syntax::is_keyword("规模"));
}

/// `evaluate_only` (`policyc eval --measure N`) is the evaluation of a policy
/// narrowed to measure N, without narrowing it.
#[test]
fn evaluate_only_is_the_narrowed_policy() {
    use policyc::eval::Scenario;
    use policyc::sample::Sampler;
    let p = seed();
    let s = Sampler::new(p, "企业", 3, 0.1).unwrap();
    let scenario = Scenario::new(p, day("2020-07-01"), Some("包头市")).unwrap();
    for m in &p.measures {
        let mut narrowed = p.clone();
        narrowed.measures.retain(|x| x.number == m.number);
        let ns = Scenario::new(&narrowed, day("2020-07-01"), Some("包头市")).unwrap();
        for i in 0..8 {
            let f = s.record(i);
            let a = serde_json::to_string(&scenario.evaluate_only(&f, true, m.number).unwrap());
            let b = serde_json::to_string(&ns.evaluate(&f, true).unwrap());
            assert_eq!(a.unwrap(), b.unwrap(), "measure {}", m.number);
        }
    }
}

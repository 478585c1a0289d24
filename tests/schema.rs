//! The JSON IR against its contract: `docs/ir.schema.json` accepts what
//! `policyc export` writes and rejects what it never writes; the export reads
//! back to an equal policy and is byte-identical from run to run.
//!
//! The fixture `tests/fixtures/schema_sample.policy` uses every construct of the
//! language; `policies/` is validated as well whenever it compiles.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failed expectation should stop the test loudly"
)]

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::Command;

use jsonschema::{Draft, Validator};
use policyc::ir::Policy;
use policyc::source::SourceMap;
use serde_json::{json, Value};

#[path = "common/schemas.rs"]
mod schemas;
use schemas::*;

fn validator() -> Validator {
    let text = std::fs::read_to_string(root().join("docs/ir.schema.json"))
        .unwrap_or_else(|e| panic!("cannot read docs/ir.schema.json: {e}"));
    let schema: Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("docs/ir.schema.json: {e}"));
    // `build` also checks the schema against the draft 2020-12 meta-schema.
    jsonschema::options()
        .with_draft(Draft::Draft202012)
        .should_validate_formats(true)
        .build(&schema)
        .unwrap_or_else(|e| panic!("docs/ir.schema.json is not a valid schema: {e}"))
}

/// Compiles the sample with the same file name the CLI would record.
fn sample() -> Policy {
    let text = std::fs::read_to_string(root().join(SAMPLE))
        .unwrap_or_else(|e| panic!("cannot read {SAMPLE}: {e}"));
    let mut sources = SourceMap::new();
    sources.add(SAMPLE, text);
    policyc::compile(&sources).unwrap_or_else(|d| panic!("{SAMPLE} does not compile: {d:?}"))
}

fn assert_valid(v: &Validator, instance: &Value, what: &str) {
    let errs = errors(v, instance);
    assert!(
        errs.is_empty(),
        "{what} does not match docs/ir.schema.json:\n{}",
        errs.join("\n")
    );
}

#[test]
fn sample_export_matches_the_schema() {
    let v = validator();
    let json = parse(&sample().to_json().unwrap());
    assert_valid(&v, &json, SAMPLE);
}

/// The sample must keep covering the whole schema, or the test above proves little.
#[test]
fn sample_covers_every_construct() {
    fn walk(x: &Value, seen: &mut BTreeSet<String>) {
        match x {
            Value::Object(m) => {
                for key in ["node", "op", "func"] {
                    if let Some(Value::String(s)) = m.get(key) {
                        seen.insert(format!("{key}:{s}"));
                    }
                }
                if let (Some(Value::String(k)), true) = (m.get("kind"), m.contains_key("type")) {
                    seen.insert(format!("numkind:{k}"));
                }
                if let (Some(Value::String(k)), false) = (m.get("kind"), m.contains_key("type")) {
                    seen.insert(format!("kind:{k}"));
                }
                if let Some(Value::String(t)) = m.get("type") {
                    seen.insert(format!("type:{t}"));
                }
                if let Some(Value::Object(u)) = m.get("unit") {
                    for sym in u.keys() {
                        seen.insert(format!("unit:{sym}"));
                    }
                }
                if let Some(Value::String(s)) = m.get("status") {
                    seen.insert(format!("status:{s}"));
                }
                if m.len() == 1 {
                    if let Some(k) = m.keys().next() {
                        if ["bool", "number", "date", "variant"].contains(&k.as_str()) {
                            seen.insert(format!("value:{k}"));
                        }
                    }
                }
                for (k, v) in m {
                    if !v.is_null() {
                        seen.insert(format!("key:{k}"));
                    }
                    walk(v, seen);
                }
            }
            Value::Array(a) => a.iter().for_each(|v| walk(v, seen)),
            _ => {}
        }
    }
    let json = parse(&sample().to_json().unwrap());
    let mut seen = BTreeSet::new();
    walk(&json, &mut seen);
    let nodes = [
        "literal",
        "field",
        "param",
        "not",
        "neg",
        "binary",
        "in",
        "if",
        "match",
        "call",
        "application_date",
        "in_period",
        "definition",
    ];
    let ops = [
        "or", "and", "eq", "ne", "lt", "le", "gt", "ge", "add", "sub", "mul", "div",
    ];
    let mut want: Vec<String> = Vec::new();
    want.extend(nodes.iter().map(|n| format!("node:{n}")));
    want.extend(ops.iter().map(|o| format!("op:{o}")));
    want.extend(["func:min", "func:max"].map(String::from));
    want.extend(["bool", "number", "date", "enum"].map(|t| format!("type:{t}")));
    want.extend(["integer", "decimal", "percent"].map(|k| format!("numkind:{k}")));
    want.extend(["constant", "versioned", "locality"].map(|k| format!("kind:{k}")));
    want.extend(["元", "人", "天", "月"].map(|u| format!("unit:{u}")));
    want.extend(["bool", "number", "date", "variant"].map(|k| format!("value:{k}")));
    want.extend(
        [
            "eligible",
            "not_eligible",
            "not_addressed",
            "not_in_force",
            "deadline_passed",
            "needs_facts",
            "error",
        ]
        .map(|s| format!("status:{s}")),
    );
    // optional keys that must appear non-null somewhere
    want.extend(
        [
            "document",
            "title",
            "issuer",
            "issued",
            "region",
            "description",
            "default",
            "floor",
            "cap",
            "section",
            "addressee",
            "applications_until",
            "part",
            "exception_to",
            "text",
            "condition",
            "amount",
            "locality",
            "facts",
        ]
        .map(|k| format!("key:{k}")),
    );
    let missing: Vec<&String> = want.iter().filter(|w| !seen.contains(*w)).collect();
    assert!(missing.is_empty(), "{SAMPLE} no longer covers: {missing:?}");
}

#[test]
fn sample_round_trips() {
    let policy = sample();
    let json = policy.to_json().unwrap();
    let back = Policy::from_json(&json).unwrap_or_else(|e| panic!("from_json: {e}"));
    assert_eq!(back, policy, "from_json(to_json(p)) differs from p");
    assert_eq!(
        back.to_json().unwrap(),
        json,
        "re-exporting a loaded policy changes the bytes"
    );
}

#[test]
fn export_is_byte_identical() {
    let first = sample().to_json().unwrap();
    let second = sample().to_json().unwrap();
    assert_eq!(first, second, "two compilations export different bytes");
    // The CLI writes exactly the library's export, every time.
    let run = || {
        let out = Command::new(env!("CARGO_BIN_EXE_policyc"))
            .current_dir(root())
            .args(["export", SAMPLE])
            .output()
            .unwrap_or_else(|e| panic!("cannot run policyc: {e}"));
        assert!(
            out.status.success(),
            "policyc export {SAMPLE} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        out.stdout
    };
    let (a, b) = (run(), run());
    assert_eq!(a, b, "two runs of `policyc export` differ");
    assert_eq!(
        String::from_utf8_lossy(&a),
        first,
        "`policyc export` differs from Policy::to_json"
    );
}

/// `policies/` is written by colleagues: validate it whenever it compiles.
#[test]
fn policies_export_matches_the_schema() {
    let dir = root().join("policies");
    let loaded = policyc::load::load(&[PathBuf::from(&dir)]);
    let (sources, diags) = match loaded {
        Ok(x) => x,
        Err(e) => {
            eprintln!("skipped: policies/ cannot be loaded ({e})");
            return;
        }
    };
    if !diags.is_empty() {
        eprintln!("skipped: policies/ has {} load problem(s)", diags.len());
        return;
    }
    let policy = match policyc::compile(&sources) {
        Ok(p) => p,
        Err(d) => {
            eprintln!(
                "skipped: policies/ does not compile ({} diagnostics)",
                d.len()
            );
            return;
        }
    };
    let json = policy.to_json().unwrap();
    assert_valid(&validator(), &parse(&json), "the export of policies/");
    let back = Policy::from_json(&json).unwrap_or_else(|e| panic!("from_json(policies/): {e}"));
    assert_eq!(back, policy, "policies/ does not round-trip");
}

/// Applies `mutate` to the sample's export and asserts the schema rejects it.
fn assert_rejected(v: &Validator, base: &Value, what: &str, mutate: impl FnOnce(&mut Value)) {
    let mut doc = base.clone();
    mutate(&mut doc);
    assert_ne!(&doc, base, "mutation `{what}` changed nothing");
    assert!(
        !v.is_valid(&doc),
        "the schema accepts a mutated export: {what}"
    );
}

#[test]
fn mutated_exports_are_rejected() {
    let v = validator();
    let base = parse(&sample().to_json().unwrap());
    assert_valid(&v, &base, SAMPLE);
    // Pointers into the sample (see tests/fixtures/schema_sample.policy).
    let rule = "/measures/0/rules/0";
    let cond = "/measures/0/rules/0/condition";
    let locality_param = "/parameters/0/value";
    let versioned = "/parameters/3/value/versions/0";
    assert_eq!(at(&mut base.clone(), locality_param)["kind"], "locality");
    assert_eq!(
        at(&mut base.clone(), "/parameters/3/value")["kind"],
        "versioned"
    );

    // unknown keys, at every level
    assert_rejected(&v, &base, "unknown top-level key", |d| {
        insert(d, "", "extra", json!(1))
    });
    assert_rejected(&v, &base, "unknown key in a rule", |d| {
        insert(d, rule, "priority", json!(1))
    });
    assert_rejected(&v, &base, "unknown key in an expression", |d| {
        insert(d, cond, "comment", json!("x"))
    });
    assert_rejected(
        &v,
        &base,
        "key of another node kind in an expression",
        |d| insert(d, &format!("{cond}/lhs"), "slot", json!(0)),
    );
    assert_rejected(&v, &base, "unknown key in a type", |d| {
        insert(d, "/entities/0/fields/0/type", "unit", json!({}))
    });
    assert_rejected(&v, &base, "unknown key in a value", |d| {
        insert(d, &format!("{versioned}/value"), "bool", json!(true))
    });
    assert_rejected(&v, &base, "unknown key in a source ref", |d| {
        insert(d, &format!("{rule}/source"), "offset", json!(0))
    });
    // missing keys (serde writes null, never leaves a key out)
    assert_rejected(&v, &base, "missing optional key", |d| {
        remove(d, rule, "part")
    });
    assert_rejected(&v, &base, "missing key of a node", |d| {
        remove(d, cond, "rhs")
    });
    // bad decimals
    for bad in [
        json!("1e5"),
        json!("1,000"),
        json!("+1"),
        json!(".5"),
        json!("5."),
        json!(150000),
        json!(""),
    ] {
        assert_rejected(&v, &base, &format!("decimal {bad}"), |d| {
            *at(d, &format!("{versioned}/value/number")) = bad.clone()
        });
    }
    assert_rejected(&v, &base, "expected amount as a JSON number", |d| {
        *at(d, "/measures/0/examples/0/expect/amount") = json!(48000)
    });
    // bad node kinds, operators, functions and keywords
    assert_rejected(&v, &base, "unknown node kind", |d| {
        *at(d, &format!("{cond}/node")) = json!("unary")
    });
    assert_rejected(&v, &base, "node kind in another case", |d| {
        *at(d, &format!("{cond}/node")) = json!("Binary")
    });
    assert_rejected(&v, &base, "unknown operator", |d| {
        *at(d, &format!("{cond}/op")) = json!("xor")
    });
    assert_rejected(&v, &base, "operator as written in the language", |d| {
        *at(d, &format!("{cond}/op")) = json!("&&")
    });
    assert_rejected(&v, &base, "unknown measure kind", |d| {
        *at(d, "/measures/0/kind") = json!("grant")
    });
    assert_rejected(&v, &base, "unknown status", |d| {
        *at(d, "/measures/0/examples/0/expect/status") = json!("ok")
    });
    assert_rejected(&v, &base, "unknown parameter kind", |d| {
        *at(d, &format!("{locality_param}/kind")) = json!("delegated")
    });
    // units
    assert_rejected(&v, &base, "unknown unit symbol", |d| {
        *at(d, "/entities/0/fields/2/type/unit") = json!({"元/人": 1})
    });
    assert_rejected(&v, &base, "count symbol 个月 as a unit", |d| {
        *at(d, "/entities/0/fields/4/type/unit") = json!({"元": 1, "个月": -1})
    });
    assert_rejected(&v, &base, "zero exponent", |d| {
        *at(d, "/entities/0/fields/2/type/unit") = json!({"元": 1, "人": 0})
    });
    assert_rejected(&v, &base, "fractional exponent", |d| {
        *at(d, "/entities/0/fields/2/type/unit") = json!({"元": 0.5})
    });
    // dates
    for bad in ["2020-02-30", "2020-5-9", "2020/05/09", "20200509"] {
        assert_rejected(&v, &base, &format!("date {bad}"), |d| {
            *at(d, &format!("{versioned}/from")) = json!(bad)
        });
    }
    // versions and indices
    assert_rejected(&v, &base, "another IR version", |d| {
        *at(d, "/ir_version") = json!("1.1")
    });
    assert_rejected(&v, &base, "negative index", |d| {
        *at(d, &format!("{cond}/lhs/lhs/lhs/index")) = json!(-1)
    });
    assert_rejected(&v, &base, "index as a string", |d| {
        *at(d, "/measures/0/addressee") = json!("0")
    });
    assert_rejected(&v, &base, "max with one argument", |d| {
        let cap = at(d, "/measures/0/rules/1/cap/args");
        if let Value::Array(a) = cap {
            a.truncate(1);
        }
    });
    assert_rejected(
        &v,
        &base,
        "amount expected with a status other than eligible",
        |d| *at(d, "/measures/0/examples/0/expect/status") = json!("not_eligible"),
    );
}

/// The reader enforces the same closed shapes outside expressions.
#[test]
fn from_json_rejects_unknown_keys_and_versions() {
    let json = sample().to_json().unwrap();
    let mut doc = parse(&json);
    insert(&mut doc, "/measures/0/rules/0", "priority", json!(1));
    assert!(Policy::from_json(&doc.to_string()).is_err());
    let mut doc = parse(&json);
    *at(&mut doc, "/ir_version") = json!("0.9");
    assert!(Policy::from_json(&doc.to_string()).is_err());
    let mut doc = parse(&json);
    *at(&mut doc, "/parameters/3/value/versions/0/value/number") = json!(150000);
    assert!(
        Policy::from_json(&doc.to_string()).is_err(),
        "a decimal must be a string"
    );
}

/// The first fenced block after `marker` in `text`.
fn fenced_block<'a>(text: &'a str, marker: &str) -> &'a str {
    let at = text
        .find(marker)
        .unwrap_or_else(|| panic!("docs/ir.md has no `{marker}`"));
    let rest = &text[at..];
    let open = rest
        .find("```")
        .unwrap_or_else(|| panic!("no block after `{marker}`"));
    let body = &rest[open..];
    let start = body.find('\n').map_or(body.len(), |i| i + 1);
    let end = body[start..]
        .find("```")
        .unwrap_or_else(|| panic!("unclosed block after `{marker}`"));
    &body[start..start + end]
}

/// The worked example of docs/ir.md is the real export of its source.
#[test]
fn ir_md_worked_example_is_the_real_export() {
    let doc = std::fs::read_to_string(root().join("docs/ir.md"))
        .unwrap_or_else(|e| panic!("cannot read docs/ir.md: {e}"));
    let source = fenced_block(&doc, "The source (`demo.policy`)");
    let shown = parse(fenced_block(
        &doc,
        "The whole of `policyc export demo.policy`",
    ));
    let mut sources = SourceMap::new();
    sources.add("demo.policy", source.to_string());
    let policy = policyc::compile(&sources)
        .unwrap_or_else(|d| panic!("the example of docs/ir.md does not compile: {d:?}"));
    let real = parse(&policy.to_json().unwrap());
    assert_eq!(
        shown, real,
        "docs/ir.md shows another export than its source gives"
    );
    assert_valid(&validator(), &shown, "the worked example of docs/ir.md");
}

/// The sample's examples pin down the semantics docs/ir.md describes (month-end
/// clamping, an exception replacing its base, a conflict, the deadline day, the
/// status order); run them on the policy read back from its JSON, as another
/// program would.
#[test]
fn sample_examples_pass_on_the_loaded_json() {
    use policyc::eval::{evaluate_one, Facts, Request};
    let policy = Policy::from_json(&sample().to_json().unwrap()).unwrap_or_else(|e| panic!("{e}"));
    let mut failed = Vec::new();
    let mut count = 0;
    for m in &policy.measures {
        for ex in &m.examples {
            count += 1;
            let facts = Facts::from_example(&policy, ex);
            let req = Request {
                date: ex.date,
                locality: ex.locality.as_deref(),
                explain: false,
            };
            let r = evaluate_one(&policy, m, &facts, &req)
                .unwrap_or_else(|e| panic!("example `{}`: {e}", ex.name));
            let mut ok = r.status == ex.expect.status;
            if let Some(a) = ex.expect.amount {
                ok &= r.total == Some(a);
            }
            if let Some(f) = &ex.expect.facts {
                ok &= &r.needs == f;
            }
            if !ok {
                failed.push(format!(
                    "{} `{}`: got {:?} {:?} {:?} ({})",
                    m.label, ex.name, r.status, r.total, r.needs, r.reason
                ));
            }
        }
    }
    assert!(count >= 10, "the sample lost its examples");
    assert!(
        failed.is_empty(),
        "failing examples:\n{}",
        failed.join("\n")
    );
}

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
use std::path::{Path, PathBuf};
use std::process::Command;

use jsonschema::{Draft, Validator};
use policyc::ir::Policy;
use policyc::source::SourceMap;
use serde_json::{json, Value};

/// The fixture, named as the CLI names it when run from the crate root.
const SAMPLE: &str = "tests/fixtures/schema_sample.policy";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

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

fn parse(json: &str) -> Value {
    serde_json::from_str(json).unwrap_or_else(|e| panic!("the export is not JSON: {e}"))
}

/// Every schema error of `instance`, one per line, for assertion messages.
fn errors(v: &Validator, instance: &Value) -> Vec<String> {
    v.iter_errors(instance)
        .map(|e| format!("{}: {e}", e.instance_path))
        .collect()
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

/// A mutable reference into `v` by JSON pointer, or a panic naming the pointer.
fn at<'a>(v: &'a mut Value, pointer: &str) -> &'a mut Value {
    v.pointer_mut(pointer)
        .unwrap_or_else(|| panic!("the sample has no {pointer}"))
}

fn insert(v: &mut Value, pointer: &str, key: &str, value: Value) {
    match at(v, pointer) {
        Value::Object(m) => {
            m.insert(key.to_string(), value);
        }
        other => panic!("{pointer} is not an object: {other}"),
    }
}

fn remove(v: &mut Value, pointer: &str, key: &str) {
    match at(v, pointer) {
        Value::Object(m) => {
            m.remove(key);
        }
        other => panic!("{pointer} is not an object: {other}"),
    }
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

// ---------------------------------------------------------------------------
// The schemas of the other JSON formats: facts (docs/facts.schema.json), the
// output of `eval --format json` (docs/eval.schema.json), `batch` result lines
// (docs/batch.schema.json) and its summary (docs/batch-summary.schema.json).
// Every object there is closed, so an undocumented field fails these tests.

fn load_schema(name: &str) -> Validator {
    let path = format!("docs/{name}");
    let text = std::fs::read_to_string(root().join(&path))
        .unwrap_or_else(|e| panic!("cannot read {path}: {e}"));
    let schema: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
    schema_of(&schema, &path)
}

fn schema_of(schema: &Value, what: &str) -> Validator {
    jsonschema::options()
        .with_draft(Draft::Draft202012)
        .should_validate_formats(true)
        .build(schema)
        .unwrap_or_else(|e| panic!("{what} is not a valid schema: {e}"))
}

fn assert_matches(v: &Validator, instance: &Value, schema: &str, what: &str) {
    let errs = errors(v, instance);
    assert!(
        errs.is_empty(),
        "{what} does not match docs/{schema}:\n{}\n{instance}",
        errs.join("\n")
    );
}

/// Runs `policyc` from the crate root with `stdin`; (exit code, stdout, stderr).
fn policyc(args: &[&str], stdin: &str) -> (i32, String, String) {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_policyc"))
        .current_dir(root())
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run policyc: {e}"));
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin.as_bytes()).unwrap();
    drop(input);
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn seed_policy() -> Policy {
    let (sources, diags) = policyc::load::load(&[root().join("policies")]).unwrap();
    assert!(diags.is_empty(), "policies/: load diagnostics");
    policyc::compile(&sources).unwrap_or_else(|d| panic!("policies/: {} errors", d.len()))
}

/// A small policy for the cases the seed does not have: floor and cap, a
/// conflict, a division by zero, an overflow, a measure not yet in force, and
/// two measures whose amounts together overflow a total.
const SMALL: &str = r#"
department 人社厅 = "自治区人力资源社会保障厅"
enum 规模 { 微型, 小型 }
entity 单位 {
  规模: 规模
  人数: integer<人>
  钱: money
  标准: money/人/月
  月数: integer<月>
  率: percent
  系数: decimal
  整数: integer
  日: date
  甲: bool
  乙: bool
}
measure 1 "floor and cap" {
  kind benefit
  to 单位
  lead 人社厅
  text "x"
  rule 下限 part 一 {
    when 规模 == 微型
    amount 率 * 钱
    floor 100 元
  }
  rule 上限 part 二 {
    when 规模 == 微型
    amount 钱
    cap 1000 元
  }
}
measure 2 "conflict" {
  kind benefit
  to 单位
  lead 人社厅
  text "x"
  rule a {
    when 甲
    amount 1 元
  }
  rule b {
    when 乙
    amount 2 元
  }
}
measure 3 "division" {
  kind benefit
  to 单位
  lead 人社厅
  text "x"
  rule 除 {
    when 甲
    amount 钱 / 系数
  }
}
measure 4 "later" {
  kind benefit
  to 单位
  effective from 2030-01-01
  lead 人社厅
  text "x"
  rule 将来 {
    amount 1 元
  }
}
measure 5 "big" {
  kind benefit
  to 单位
  lead 人社厅
  text "x"
  rule 大 {
    when 乙
    amount 钱 * 整数
  }
}
measure 6 "big too" {
  kind benefit
  to 单位
  lead 人社厅
  text "x"
  rule 大 {
    when 乙
    amount 钱 * 整数
  }
}
"#;

fn small_policy() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("small.policy");
    std::fs::write(&path, SMALL).unwrap();
    let p = path.to_string_lossy().into_owned();
    (dir, p)
}

fn compile_text(name: &str, text: &str) -> Policy {
    let mut sources = SourceMap::new();
    sources.add(name, text.to_string());
    policyc::compile(&sources).unwrap_or_else(|d| panic!("{name} does not compile: {d:?}"))
}

/// A schema for the facts of one entity of `policy`, built from the `$defs`
/// of docs/facts.schema.json as a tool that knows the policy would.
fn entity_facts_schema(policy: &Policy, entity: &str) -> Validator {
    use policyc::types::{NumKind, Type};
    let text = std::fs::read_to_string(root().join("docs/facts.schema.json")).unwrap();
    let mut schema: Value = serde_json::from_str(&text).unwrap();
    let (_, e) = policy.entity(entity).unwrap();
    let mut props = serde_json::Map::new();
    for f in &e.fields {
        let def = match &f.ty {
            Type::Bool => json!({"$ref": "#/$defs/bool"}),
            Type::Date => json!({"$ref": "#/$defs/date"}),
            Type::Enum { id, .. } => {
                let mut names: Vec<Value> = policy.enums[*id as usize]
                    .variants
                    .iter()
                    .map(|v| json!(v))
                    .collect();
                names.push(Value::Null);
                json!({"allOf": [{"$ref": "#/$defs/variant"}, {"enum": names}]})
            }
            Type::Number {
                kind: NumKind::Percent,
                ..
            } => json!({"$ref": "#/$defs/percent"}),
            Type::Number { unit, .. } if unit.is_none() => json!({"$ref": "#/$defs/number"}),
            Type::Number { .. } => json!({"$ref": "#/$defs/quantity"}),
        };
        props.insert(f.name.clone(), def);
    }
    schema["properties"]["entity"] = json!({"const": entity});
    schema["properties"]["facts"] = json!({
        "type": ["object", "null"],
        "additionalProperties": false,
        "properties": props,
    });
    schema_of(&schema, &format!("the facts schema of `{entity}`"))
}

#[test]
fn facts_schema_accepts_the_examples_and_the_samples() {
    let v = load_schema("facts.schema.json");
    let seed = seed_policy();
    let mut seen = 0;
    for entry in std::fs::read_dir(root().join("docs/examples")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().and_then(|x| x.to_str()) != Some("json") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let doc = parse(&text);
        let what = path.display().to_string();
        assert_matches(&v, &doc, "facts.schema.json", &what);
        let entity = doc["entity"].as_str().unwrap();
        assert_matches(
            &entity_facts_schema(&seed, entity),
            &doc,
            "facts.schema.json",
            &what,
        );
        policyc::eval::Facts::from_json(&seed, &text)
            .unwrap_or_else(|e| panic!("{what} is refused by the reader: {e:?}"));
        seen += 1;
    }
    assert!(seen >= 2, "docs/examples lost its facts files");
    // every entity of the seed, sampled, with and without unknown facts
    for e in &seed.entities {
        let per_entity = entity_facts_schema(&seed, &e.name);
        for (seed_no, missing) in [(1, 0.0), (2, 0.3)] {
            let s = policyc::sample::Sampler::new(&seed, &e.name, seed_no, missing).unwrap();
            let mut out = Vec::new();
            policyc::sample::write_sample(&s, 200, policyc::sample::SampleFormat::Jsonl, &mut out)
                .unwrap();
            for line in String::from_utf8(out).unwrap().lines() {
                let doc = parse(line);
                assert_matches(&v, &doc, "facts.schema.json", "a sampled record");
                assert_matches(&per_entity, &doc, "facts.schema.json", "a sampled record");
            }
        }
    }
}

#[test]
fn facts_schema_rejects_what_the_reader_refuses() {
    let v = load_schema("facts.schema.json");
    for (bad, what) in [
        (json!({"facts": {}}), "no entity"),
        (json!({"entity": 1, "facts": {}}), "entity as a number"),
        (
            json!({"entity": "企业", "fact": {}}),
            "unknown top-level key",
        ),
        (json!({"entity": "企业", "facts": []}), "facts as an array"),
        (
            json!({"entity": "企业", "facts": {"a": [1]}}),
            "a fact as an array",
        ),
        (
            json!({"entity": "企业", "facts": {"a": {"b": 1}}}),
            "a fact as an object",
        ),
        (json!(["企业"]), "not an object"),
    ] {
        assert!(!v.is_valid(&bad), "the facts schema accepts {what}: {bad}");
    }
}

/// What the reader accepts, value by value, and what the per-entity schema
/// says: they agree wherever the schema can decide.
#[test]
fn facts_schema_and_reader_agree_on_each_spelling() {
    let policy = compile_text("small.policy", SMALL);
    let v = entity_facts_schema(&policy, "单位");
    // (field, JSON value, accepted by the reader, the schema decides it)
    let cases: &[(&str, Value, bool, bool)] = &[
        ("钱", json!(48000), true, true),
        ("钱", json!("48000"), true, true),
        ("钱", json!("48000 元"), true, true),
        ("钱", json!("48000元"), true, true),
        ("钱", json!(" 4.8 万元 "), true, true),
        ("钱", json!("1 万 元"), true, true),
        ("钱", json!("1万"), true, true),
        ("钱", json!("-0"), true, true),
        ("钱", json!(1e3), true, true),
        ("钱", json!("5."), false, true),
        ("钱", json!(".5"), false, true),
        ("钱", json!("5.元"), false, true),
        ("钱", json!("+5"), false, true),
        ("钱", json!("-5"), false, true),
        ("钱", json!(-5), false, true),
        ("钱", json!("1e3"), false, true),
        ("钱", json!("48,000"), false, true),
        ("钱", json!("４８０００"), false, true),
        ("钱", json!("5 元/人"), false, false),
        ("钱", json!(true), false, true),
        ("标准", json!("1400 元/人/月"), true, true),
        ("标准", json!("1400 元/月/人"), true, true),
        ("标准", json!("1400 元/人/个月"), true, true),
        ("标准", json!("0.14万元/人/月"), true, true),
        ("标准", json!("1400 元 / 人 / 月"), false, true),
        ("标准", json!("1400 元/人·月"), false, true),
        ("月数", json!("6 个月"), true, true),
        ("月数", json!("6月"), true, true),
        ("月数", json!("6.0 月"), true, true),
        ("月数", json!("6 天"), false, false),
        ("人数", json!(20), true, true),
        ("人数", json!("-1 人"), false, true),
        ("率", json!("5.5%"), true, true),
        ("率", json!(" 5.5 % "), true, true),
        ("率", json!(0.055), true, true),
        ("率", json!("150%"), true, true),
        ("率", json!("5.5"), false, true),
        ("率", json!("5.%"), false, true),
        ("率", json!(".5%"), false, true),
        ("率", json!("-1%"), false, true),
        ("率", json!(-0.01), false, true),
        ("率", json!("5.5％"), false, true),
        ("系数", json!(-3.5), true, true),
        ("系数", json!("-3.5"), true, true),
        ("系数", json!("1.2万"), true, true),
        ("系数", json!("3.5 元"), false, true),
        ("系数", json!("1e2"), false, true),
        ("整数", json!("-3"), true, true),
        ("整数", json!(3.5), false, false),
        ("日", json!("2020-04-15"), true, true),
        ("日", json!("2020-4-15"), false, true),
        ("日", json!(" 2020-04-15"), false, true),
        ("日", json!("2021-02-29"), false, true),
        ("日", json!("2020-04-15T00:00"), false, true),
        ("规模", json!("小型"), true, true),
        ("规模", json!(" 小型"), false, true),
        ("甲", json!(false), true, true),
        ("甲", json!("true"), false, true),
        ("甲", json!(1), false, true),
        ("甲", Value::Null, true, true),
    ];
    let mut wrong = Vec::new();
    for (field, value, accepted, decides) in cases {
        let doc = json!({"entity": "单位", "facts": {*field: value}});
        let read = policyc::eval::Facts::from_json(&policy, &doc.to_string()).is_ok();
        if read != *accepted {
            wrong.push(format!("reader: {field} = {value}: accepted {read}"));
        }
        if *decides && v.is_valid(&doc) != *accepted {
            wrong.push(format!("schema: {field} = {value}: valid {}", !*accepted));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// Runs `policyc eval … --format json` and returns its JSON (exit 0 or 1).
fn eval_json(policy: &str, facts: &Value, date: &str, extra: &[&str]) -> Value {
    let mut args = vec![
        "eval", policy, "--facts", "-", "--date", date, "--format", "json",
    ];
    args.extend_from_slice(extra);
    let (code, out, err) = policyc(&args, &facts.to_string());
    assert!(
        code == 0 || code == 1,
        "policyc {args:?} exited {code}: {err}"
    );
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{args:?}: not JSON ({e}): {out}{err}"))
}

/// What a schema cannot say: `needs` is sorted by code point (so each once).
fn assert_sorted_needs(needs: &Value) {
    let names: Vec<&str> = needs
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap())
        .collect();
    assert!(
        names.windows(2).all(|w| w[0] < w[1]),
        "needs not sorted: {names:?}"
    );
}

/// Every status, error kind, `bounded_by` value and explanation shape, seen.
fn eval_coverage(doc: &Value, seen: &mut BTreeSet<String>) {
    for m in doc["measures"].as_array().unwrap() {
        assert_sorted_needs(&m["needs"]);
        seen.insert(format!("status:{}", m["status"].as_str().unwrap()));
        if let Some(k) = m["error"]["error"].as_str() {
            seen.insert(format!("error:{k}"));
        }
        for a in m["amounts"].as_array().unwrap() {
            seen.insert(format!("bounded_by:{}", a["bounded_by"]));
        }
        if m.get("explanation").is_some() {
            seen.insert("explanation".into());
        }
    }
}

#[test]
fn eval_json_matches_its_schema() {
    let v = load_schema("eval.schema.json");
    let (_dir, small) = small_policy();
    let enterprise = parse(
        &std::fs::read_to_string(root().join("docs/examples/small-enterprise.json")).unwrap(),
    );
    let trainee =
        parse(&std::fs::read_to_string(root().join("docs/examples/rural-trainee.json")).unwrap());
    let big = "500000000000000"; // 5·10^14 元 × 10^12: each amount fits, their sum does not
    let cases: Vec<(String, Value, &str, Vec<&str>)> = vec![
        ("policies".into(), enterprise.clone(), "2020-06-01", vec![]),
        (
            "policies".into(),
            enterprise.clone(),
            "2020-06-01",
            vec!["--locality", "呼和浩特市"],
        ),
        (
            "policies".into(),
            enterprise.clone(),
            "2020-06-01",
            vec!["--locality", "呼和浩特市", "--explain"],
        ),
        (
            "policies".into(),
            enterprise.clone(),
            "2019-01-01",
            vec!["--explain"],
        ),
        (
            "policies".into(),
            trainee.clone(),
            "2020-06-01",
            vec!["--explain", "--locality", "包头市"],
        ),
        ("policies".into(), trainee, "2030-06-01", vec![]),
        // a measure-level `when`, explained beside the rules
        (
            SAMPLE.into(),
            json!({"entity": "个人", "facts": {"培训天数": "5 天", "人数": "10 人"}}),
            "2020-07-01",
            vec!["--explain"],
        ),
        // a delegated value not set: undetermined, with the outcome under each
        // alternative of a choice (issue 14, point 5)
        (
            "tests/fixtures/undetermined.policy".into(),
            json!({"entity": "企业", "facts": {"裁员率": "2%", "参保职工人数": 10, "月应缴社会保险费": 1000}}),
            "2020-07-01",
            vec!["--explain"],
        ),
        (
            "tests/fixtures/undetermined.policy".into(),
            json!({"entity": "企业", "facts": {"裁员率": "2%", "参保职工人数": 10}}),
            "2020-07-01",
            vec!["--locality", "赤峰市"],
        ),
        (
            small.clone(),
            json!({"entity": "单位", "facts": {"规模": "微型", "率": "1%", "钱": 5000, "甲": true, "乙": true, "系数": 0, "整数": 1}}),
            "2020-06-01",
            vec![],
        ),
        (
            small.clone(),
            json!({"entity": "单位", "facts": {"规模": "微型", "率": "1%", "钱": 5000, "甲": true, "乙": true, "系数": 0, "整数": 1}}),
            "2020-06-01",
            vec!["--explain"],
        ),
        (
            small.clone(),
            json!({"entity": "单位", "id": "x", "facts": {"规模": "小型", "甲": false, "乙": true, "钱": big, "整数": 1000000}}),
            "2031-06-01",
            vec!["--explain"],
        ),
        (
            small,
            json!({"entity": "单位", "facts": {"规模": "微型", "甲": true, "乙": false, "系数": 3, "钱": 100}}),
            "2020-06-01",
            vec!["--explain"],
        ),
    ];
    let mut seen = BTreeSet::new();
    for (policy, facts, date, extra) in &cases {
        let doc = eval_json(policy, facts, date, extra);
        assert_matches(
            &v,
            &doc,
            "eval.schema.json",
            &format!("eval {policy} {date} {extra:?}"),
        );
        eval_coverage(&doc, &mut seen);
        // the explanation is there exactly when asked for
        let explained = extra.contains(&"--explain");
        for m in doc["measures"].as_array().unwrap() {
            let reached = matches!(
                m["status"].as_str(),
                Some("eligible" | "not_eligible" | "needs_facts" | "error" | "undetermined")
            );
            assert_eq!(m.get("explanation").is_some(), explained && reached, "{m}");
        }
    }
    let want = [
        "status:eligible",
        "status:not_eligible",
        "status:not_addressed",
        "status:not_in_force",
        "status:needs_facts",
        "status:error",
        "error:conflict",
        "error:division_by_zero",
        "status:undetermined",
        "bounded_by:null",
        "bounded_by:\"floor\"",
        "bounded_by:\"cap\"",
        "explanation",
    ];
    let missing: Vec<&&str> = want.iter().filter(|w| !seen.contains(**w)).collect();
    assert!(missing.is_empty(), "the cases no longer cover {missing:?}");
}

/// An evaluation that fails as a whole writes no JSON on stdout.
#[test]
fn eval_total_overflow_is_a_diagnostic_not_json() {
    let (_dir, small) = small_policy();
    let facts = json!({"entity": "单位", "facts": {"乙": true, "甲": false, "钱": "500000000000000", "整数": 1000000000000_u64}});
    let (code, out, err) = policyc(
        &[
            "eval",
            &small,
            "--facts",
            "-",
            "--date",
            "2020-06-01",
            "--format",
            "json",
        ],
        &facts.to_string(),
    );
    assert_eq!(code, 1, "{err}");
    assert!(out.is_empty(), "{out}");
    assert!(err.contains("policy::eval::total_overflow"), "{err}");
}

#[test]
fn eval_schema_is_tight() {
    let v = load_schema("eval.schema.json");
    let (_dir, small) = small_policy();
    let base = eval_json(
        &small,
        &json!({"entity": "单位", "facts": {"规模": "微型", "率": "1%", "钱": 5000, "甲": true, "乙": true, "系数": 0}}),
        "2020-06-01",
        &["--explain"],
    );
    assert_matches(&v, &base, "eval.schema.json", "the base");
    let m0 = "/measures/0";
    let conflict = "/measures/1";
    assert_eq!(at(&mut base.clone(), conflict)["status"], "error");
    type Mutation = Box<dyn Fn(&mut Value)>;
    let cases: Vec<(&str, Mutation)> = vec![
        (
            "an extra top-level key",
            Box::new(|d| insert(d, "", "extra", json!(1))),
        ),
        (
            "an extra measure key",
            Box::new(move |d| insert(d, m0, "priority", json!(1))),
        ),
        (
            "an extra amount key",
            Box::new(move |d| insert(d, &format!("{m0}/amounts/0"), "x", json!(1))),
        ),
        ("a missing key", Box::new(move |d| remove(d, m0, "needs"))),
        (
            "an amount without its kind",
            Box::new(move |d| remove(d, &format!("{m0}/amounts/0"), "kind")),
        ),
        (
            "an unknown kind of value",
            Box::new(move |d| *at(d, &format!("{m0}/gives")) = json!("grant")),
        ),
        (
            "totals by kind without loan ceilings",
            Box::new(|d| remove(d, "/totals_by_kind", "loan_ceiling")),
        ),
        (
            "an amount as a number",
            Box::new(move |d| *at(d, &format!("{m0}/amounts/0/amount")) = json!(100)),
        ),
        (
            "an amount with one decimal",
            Box::new(move |d| *at(d, &format!("{m0}/amounts/0/amount")) = json!("100.0")),
        ),
        (
            "-0.00",
            Box::new(move |d| *at(d, &format!("{m0}/total")) = json!("-0.00")),
        ),
        (
            "an unknown bounded_by",
            Box::new(move |d| *at(d, &format!("{m0}/amounts/0/bounded_by")) = json!("limit")),
        ),
        (
            "an error as a string",
            Box::new(move |d| *at(d, &format!("{conflict}/error")) = json!("rules both apply")),
        ),
        (
            "an error without its kind",
            Box::new(move |d| remove(d, &format!("{conflict}/error"), "error")),
        ),
        (
            "an error of another kind",
            Box::new(move |d| *at(d, &format!("{conflict}/error/error")) = json!("overflow")),
        ),
        (
            "needs with an error",
            Box::new(move |d| *at(d, &format!("{conflict}/needs")) = json!(["甲"])),
        ),
        (
            "an unknown status",
            Box::new(move |d| *at(d, &format!("{m0}/status")) = json!("ok")),
        ),
        (
            "an eligible measure with an error",
            Box::new(move |d| {
                *at(d, &format!("{m0}/error")) = json!({"error": "inconsistent", "what": "x"})
            }),
        ),
        (
            "an unknown step state",
            Box::new(move |d| {
                *at(d, &format!("{m0}/explanation/rules/0/condition/state")) = json!("true")
            }),
        ),
        (
            "an extra step key",
            Box::new(move |d| {
                insert(
                    d,
                    &format!("{m0}/explanation/rules/0/condition"),
                    "note",
                    json!("x"),
                )
            }),
        ),
        (
            "another currency",
            Box::new(|d| *at(d, "/currency") = json!("USD")),
        ),
        (
            "a repeated need",
            Box::new(|d| {
                *at(d, "/measures/1/status") = json!("needs_facts");
                *at(d, "/measures/1/error") = Value::Null;
                *at(d, "/measures/1/needs") = json!(["甲", "甲"]);
            }),
        ),
    ];
    for (what, mutate) in cases {
        let mut doc = base.clone();
        mutate(&mut doc);
        assert!(!v.is_valid(&doc), "docs/eval.schema.json accepts {what}");
    }
}

/// `policyc batch` over `input`; the result lines and the summary as JSON.
fn batch_json(policy: &str, input: &str, extra: &[&str]) -> (i32, Vec<Value>, Value) {
    let dir = tempfile::tempdir().unwrap();
    let summary = dir.path().join("summary.json");
    let summary_arg = summary.to_string_lossy().into_owned();
    let mut args = vec![
        "batch",
        policy,
        "--input",
        "-",
        "--date",
        "2020-06-01",
        "-q",
        "--summary",
        &summary_arg,
    ];
    args.extend_from_slice(extra);
    let (code, out, err) = policyc(&args, input);
    assert!(
        code == 0 || code == 1,
        "policyc {args:?} exited {code}: {err}"
    );
    let lines = out.lines().map(parse).collect();
    let summary = parse(&std::fs::read_to_string(&summary).unwrap());
    (code, lines, summary)
}

#[test]
fn batch_output_matches_its_schemas() {
    let lines_v = load_schema("batch.schema.json");
    let summary_v = load_schema("batch-summary.schema.json");
    let (_dir, small) = small_policy();
    let seed = seed_policy();
    let mut records = String::new();
    for e in &seed.entities {
        let s = policyc::sample::Sampler::new(&seed, &e.name, 3, 0.2).unwrap();
        let mut out = Vec::new();
        policyc::sample::write_sample(&s, 50, policyc::sample::SampleFormat::Jsonl, &mut out)
            .unwrap();
        records.push_str(&String::from_utf8(out).unwrap());
    }
    // rejected records of several kinds
    records.push_str("not json\n");
    records.push_str(
        "{\"entity\":\"企业\",\"id\":\"dup\",\"facts\":{\"规模\":\"微型\",\"规模\":\"小型\"}}\n",
    );
    records.push_str("{\"entity\":\"企业\",\"id\":7,\"facts\":{\"规模\":\"巨型\"}}\n");
    records.push_str(&format!(
        "{{\"entity\":\"企业\",\"facts\":{{\"x\":\"{}\"}}}}\n",
        "y".repeat(3000)
    ));
    let big = "500000000000000";
    let small_input = [
        json!({"entity": "单位", "id": "eligible", "facts": {"规模": "微型", "率": "1%", "钱": 5000, "甲": false, "乙": false}}),
        json!({"entity": "单位", "id": "conflict", "facts": {"甲": true, "乙": true, "钱": 1, "整数": 1, "系数": 1}}),
        json!({"entity": "单位", "id": "division", "facts": {"甲": true, "乙": false, "钱": 1, "系数": 0}}),
        json!({"entity": "单位", "id": "needs", "facts": {}}),
        json!({"entity": "单位", "id": "total", "facts": {"甲": false, "乙": true, "钱": big, "整数": 1000000000000_u64}}),
    ]
    .iter()
    .map(|x| x.to_string() + "\n")
    .collect::<String>();
    let mut seen = BTreeSet::new();
    let runs: Vec<(String, String, Vec<&str>)> = vec![
        (
            "policies".into(),
            records.clone(),
            vec!["--max-record-bytes", "2048"],
        ),
        (
            "policies".into(),
            records.clone(),
            vec!["--locality", "呼和浩特市", "--engine", "rows"],
        ),
        (
            "policies".into(),
            records,
            vec![
                "--entity",
                "企业",
                "--measure",
                "3",
                "--max-rejections",
                "2",
            ],
        ),
        (small.clone(), small_input.clone(), vec![]),
        (small, small_input, vec!["--engine", "rows"]),
    ];
    for (policy, input, extra) in &runs {
        let (code, lines, summary) = batch_json(policy, input, extra);
        assert_eq!(code, 1, "{extra:?}: rejected records exit 1");
        for l in &lines {
            assert_matches(
                &lines_v,
                l,
                "batch.schema.json",
                &format!("a result line ({extra:?})"),
            );
            if let Some(c) = l["code"].as_str() {
                seen.insert(format!("code:{c}"));
            }
            if let Some(ms) = l["measures"].as_object() {
                for m in ms.values() {
                    if let Some(n) = m.get("needs") {
                        assert_sorted_needs(n);
                    }
                    seen.insert(format!("status:{}", m["status"].as_str().unwrap()));
                    for k in ["amount", "needs", "error"] {
                        if m.get(k).is_some() {
                            seen.insert(format!("key:{k}"));
                        }
                    }
                }
            }
            if l.get("id").is_some() {
                seen.insert("key:id".into());
            }
        }
        assert_matches(
            &summary_v,
            &summary,
            "batch-summary.schema.json",
            &format!("the summary ({extra:?})"),
        );
        assert_eq!(
            summary["records"].as_u64().unwrap(),
            lines.len() as u64,
            "one result line per record"
        );
        let n = |x: &Value, k: &str| x[k].as_u64().unwrap();
        assert_eq!(
            n(&summary, "records"),
            n(&summary, "evaluated") + n(&summary, "rejected")
        );
        for m in summary["measures"].as_array().unwrap() {
            let counted: u64 = [
                "eligible",
                "not_eligible",
                "needs_facts",
                "error",
                "undetermined",
                "not_in_force",
                "deadline_passed",
            ]
            .iter()
            .map(|k| n(m, k))
            .sum();
            assert_eq!(n(m, "records"), counted, "{m}");
        }
    }
    for want in [
        "code:policy::facts::unknown_variant",
        "code:policy::facts::duplicate_key",
        "code:policy::batch::record_too_long",
        "code:policy::batch::other_entity",
        "code:policy::eval::total_overflow",
        "status:eligible",
        "status:not_eligible",
        "status:needs_facts",
        "status:error",
        "key:amount",
        "key:needs",
        "key:error",
        "key:id",
    ] {
        assert!(
            seen.contains(want),
            "the batch cases no longer cover {want}"
        );
    }
}

/// CSV input: its rejections are JSONL result lines of the same schema.
#[test]
fn batch_csv_rejections_match_the_schema() {
    let v = load_schema("batch.schema.json");
    let (_dir, small) = small_policy();
    let input = "id,规模,钱,甲\na,微型,5,true\nb,微型\nd,ab\"c,1,true\ne,小型,5 元,false\ng,小型,5.,false\nf,\"open,1,true\n";
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("in.csv");
    std::fs::write(&file, input).unwrap();
    let (code, out, err) = policyc(
        &[
            "batch",
            &small,
            "--input",
            &file.to_string_lossy(),
            "--date",
            "2020-06-01",
            "-q",
        ],
        "",
    );
    assert_eq!(code, 1, "{err}");
    let mut codes = BTreeSet::new();
    for l in out.lines().map(parse) {
        assert_matches(&v, &l, "batch.schema.json", "a CSV result line");
        if let Some(c) = l["code"].as_str() {
            codes.insert(c.to_string());
        }
    }
    for c in [
        "policy::batch::unterminated_quote",
        "policy::facts::bad_number", // `5.`: a point needs a digit on each side, as in JSON
        "policy::batch::csv_syntax",
        "policy::batch::cell_count",
    ] {
        assert!(codes.contains(c), "no {c} in {codes:?}:\n{out}");
    }
}

#[test]
fn batch_schemas_are_tight() {
    let lines_v = load_schema("batch.schema.json");
    let summary_v = load_schema("batch-summary.schema.json");
    let line = json!({"line": 2, "id": "a", "entity": "单位", "total": "5.00",
        "totals_by_kind": {"loan_ceiling": "200000.00"}, "measures": {
        "1": {"status": "eligible", "amount": "5.00", "kind": "paid"},
        "2": {"status": "needs_facts", "needs": ["甲"]},
        "3": {"status": "error", "error": "rule `除` divides by zero"}}});
    assert_matches(&lines_v, &line, "batch.schema.json", "the base line");
    let rejected =
        json!({"line": 3, "rejected": "not valid JSON", "code": "policy::facts::not_json"});
    assert_matches(
        &lines_v,
        &rejected,
        "batch.schema.json",
        "the base rejection",
    );
    let mut bad: Vec<(&str, Value)> = Vec::new();
    let mut put = |what, f: &dyn Fn(&mut Value), base: &Value| {
        let mut d = base.clone();
        f(&mut d);
        bad.push((what, d));
    };
    put("an extra key", &|d| insert(d, "", "x", json!(1)), &line);
    put(
        "an extra outcome key",
        &|d| insert(d, "/measures/1", "reason", json!("x")),
        &line,
    );
    put(
        "an error as an object",
        &|d| *at(d, "/measures/3/error") = json!({"error": "division_by_zero"}),
        &line,
    );
    put(
        "error status without error",
        &|d| remove(d, "/measures/3", "error"),
        &line,
    );
    put(
        "needs_facts without needs",
        &|d| remove(d, "/measures/2", "needs"),
        &line,
    );
    put(
        "empty needs",
        &|d| *at(d, "/measures/2/needs") = json!([]),
        &line,
    );
    put(
        "an amount on needs_facts",
        &|d| insert(d, "/measures/2", "amount", json!("1.00")),
        &line,
    );
    put(
        "not_addressed",
        &|d| *at(d, "/measures/1/status") = json!("not_addressed"),
        &line,
    );
    put(
        "a total as a number",
        &|d| *at(d, "/total") = json!(5),
        &line,
    );
    put("an id as a number", &|d| *at(d, "/id") = json!(5), &line);
    put("a null id", &|d| *at(d, "/id") = Value::Null, &line);
    put(
        "a measure key that is not a number",
        &|d| {
            let m = at(d, "/measures").as_object_mut().unwrap();
            let x = m.remove("1").unwrap();
            m.insert("m1".into(), x);
        },
        &line,
    );
    put("line 0", &|d| *at(d, "/line") = json!(0), &line);
    put(
        "an unknown kind of value",
        &|d| *at(d, "/measures/1/kind") = json!("grant"),
        &line,
    );
    put(
        "may false (left out instead)",
        &|d| insert(d, "/measures/1", "may", json!(false)),
        &line,
    );
    put(
        "the outlay among the totals by kind",
        &|d| insert(d, "/totals_by_kind", "paid", json!("5.00")),
        &line,
    );
    put(
        "empty totals by kind",
        &|d| *at(d, "/totals_by_kind") = json!({}),
        &line,
    );
    put(
        "an unknown code",
        &|d| *at(d, "/code") = json!("policy::batch::oops"),
        &rejected,
    );
    put(
        "a rejection with measures",
        &|d| insert(d, "", "measures", json!({})),
        &rejected,
    );
    for (what, d) in &bad {
        assert!(
            !lines_v.is_valid(d),
            "docs/batch.schema.json accepts {what}: {d}"
        );
    }
    let summary = json!({"date": "2020-06-01", "locality": null, "records": 1, "evaluated": 0,
        "rejected": 1, "rejections": [{"line": 1, "id": null, "code": "policy::facts::bad_number", "reason": "x"}],
        "measures": [{"number": 1, "label": "（一）", "title": "t", "entity": "单位", "records": 0,
            "eligible": 0, "entitled": 0, "discretionary": 0, "not_eligible": 0, "needs_facts": 0, "error": 0, "undetermined": 0, "not_in_force": 0,
            "deadline_passed": 0, "total": "overflow", "gives": "loan_ceiling", "bound": "exact"}],
        "total": "overflow", "totals_by_kind": {"paid": "0.00", "refunded": "0.00",
            "fee_reduced": "0.00", "interest_subsidy": "0.00", "loan_ceiling": "overflow"},
        "total_bound": "exact", "bounds_by_kind": {"paid": "exact", "refunded": "exact",
            "fee_reduced": "exact", "interest_subsidy": "exact", "loan_ceiling": "at_most"},
        "currency": "CNY"});
    assert_matches(
        &summary_v,
        &summary,
        "batch-summary.schema.json",
        "the base summary",
    );
    let mut bad: Vec<(&str, Value)> = Vec::new();
    let mut put = |what, f: &dyn Fn(&mut Value)| {
        let mut d = summary.clone();
        f(&mut d);
        bad.push((what, d));
    };
    put("an extra key", &|d| insert(d, "", "x", json!(1)));
    put("an extra measure key", &|d| {
        insert(d, "/measures/0", "not_addressed", json!(0))
    });
    put("a total as a number", &|d| *at(d, "/total") = json!(1.5));
    put("another word for overflow", &|d| {
        *at(d, "/measures/0/total") = json!("infinity")
    });
    put("a rejection without its id key", &|d| {
        remove(d, "/rejections/0", "id")
    });
    put("a negative count", &|d| *at(d, "/evaluated") = json!(-1));
    put("a summary without totals by kind", &|d| {
        remove(d, "", "totals_by_kind")
    });
    put("a kind without its total", &|d| {
        remove(d, "/totals_by_kind", "loan_ceiling")
    });
    put("a measure without its kind", &|d| {
        remove(d, "/measures/0", "gives")
    });
    for (what, d) in &bad {
        assert!(
            !summary_v.is_valid(d),
            "docs/batch-summary.schema.json accepts {what}: {d}"
        );
    }
}

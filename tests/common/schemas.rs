//! Helpers shared by the schema suites (`tests/schema.rs`, the IR;
//! `tests/schema_eval.rs`, facts and `eval`; `tests/schema_batch.rs`, `batch`).

#![allow(dead_code, reason = "shared by several test crates")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failed expectation should stop the test loudly"
)]

use std::path::Path;
use std::process::Command;

use jsonschema::{Draft, Validator};
use policyc::ir::Policy;
use policyc::source::SourceMap;
use serde_json::{json, Value};

/// The fixture, named as the CLI names it when run from the crate root.
pub const SAMPLE: &str = "tests/fixtures/schema_sample.policy";

pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

pub fn parse(json: &str) -> Value {
    serde_json::from_str(json).unwrap_or_else(|e| panic!("the export is not JSON: {e}"))
}

/// Every schema error of `instance`, one per line, for assertion messages.
pub fn errors(v: &Validator, instance: &Value) -> Vec<String> {
    v.iter_errors(instance)
        .map(|e| format!("{}: {e}", e.instance_path))
        .collect()
}

/// A mutable reference into `v` by JSON pointer, or a panic naming the pointer.
pub fn at<'a>(v: &'a mut Value, pointer: &str) -> &'a mut Value {
    v.pointer_mut(pointer)
        .unwrap_or_else(|| panic!("the sample has no {pointer}"))
}

pub fn insert(v: &mut Value, pointer: &str, key: &str, value: Value) {
    match at(v, pointer) {
        Value::Object(m) => {
            m.insert(key.to_string(), value);
        }
        other => panic!("{pointer} is not an object: {other}"),
    }
}

pub fn remove(v: &mut Value, pointer: &str, key: &str) {
    match at(v, pointer) {
        Value::Object(m) => {
            m.remove(key);
        }
        other => panic!("{pointer} is not an object: {other}"),
    }
}

// ---------------------------------------------------------------------------
// The schemas of the other JSON formats: facts (docs/facts.schema.json), the
// output of `eval --format json` (docs/eval.schema.json), `batch` result lines
// (docs/batch.schema.json) and its summary (docs/batch-summary.schema.json).
// Every object there is closed, so an undocumented field fails these tests.

pub fn load_schema(name: &str) -> Validator {
    let path = format!("docs/{name}");
    let text = std::fs::read_to_string(root().join(&path))
        .unwrap_or_else(|e| panic!("cannot read {path}: {e}"));
    let schema: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
    schema_of(&schema, &path)
}

pub fn schema_of(schema: &Value, what: &str) -> Validator {
    jsonschema::options()
        .with_draft(Draft::Draft202012)
        .should_validate_formats(true)
        .build(schema)
        .unwrap_or_else(|e| panic!("{what} is not a valid schema: {e}"))
}

pub fn assert_matches(v: &Validator, instance: &Value, schema: &str, what: &str) {
    let errs = errors(v, instance);
    assert!(
        errs.is_empty(),
        "{what} does not match docs/{schema}:\n{}\n{instance}",
        errs.join("\n")
    );
}

/// Runs `policyc` from the crate root with `stdin`; (exit code, stdout, stderr).
pub fn policyc(args: &[&str], stdin: &str) -> (i32, String, String) {
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

pub fn seed_policy() -> Policy {
    let (sources, diags) = policyc::load::load(&[root().join("policies")]).unwrap();
    assert!(diags.is_empty(), "policies/: load diagnostics");
    policyc::compile(&sources).unwrap_or_else(|d| panic!("policies/: {} errors", d.len()))
}

/// A small policy for the cases the seed does not have: floor and cap, a
/// conflict, a division by zero, an overflow, a measure not yet in force, and
/// two measures whose amounts together overflow a total.
pub const SMALL: &str = r#"
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

pub fn small_policy() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("small.policy");
    std::fs::write(&path, SMALL).unwrap();
    let p = path.to_string_lossy().into_owned();
    (dir, p)
}

pub fn compile_text(name: &str, text: &str) -> Policy {
    let mut sources = SourceMap::new();
    sources.add(name, text.to_string());
    policyc::compile(&sources).unwrap_or_else(|d| panic!("{name} does not compile: {d:?}"))
}

/// A schema for the facts of one entity of `policy`, built from the `$defs`
/// of docs/facts.schema.json as a tool that knows the policy would.
pub fn entity_facts_schema(policy: &Policy, entity: &str) -> Validator {
    use policyc::types::{NumKind, Type};
    let text = std::fs::read_to_string(root().join("docs/facts.schema.json")).unwrap();
    let mut schema: Value = serde_json::from_str(&text).unwrap();
    let (_, e) = policy.entity(entity).unwrap();
    let def_of = |ty: &Type| match ty {
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
    let mut props = serde_json::Map::new();
    for f in &e.fields {
        props.insert(f.name.clone(), def_of(&f.ty));
    }
    // a list of member records: an array (or null) of objects of the record's facts
    for l in &e.lists {
        let record = &policy.records[l.record as usize];
        let mut fields = serde_json::Map::new();
        for f in &record.fields {
            fields.insert(f.name.clone(), def_of(&f.ty));
        }
        props.insert(
            l.name.clone(),
            json!({
                "type": ["array", "null"],
                "maxItems": 10000,
                "items": {"type": "object", "additionalProperties": false, "properties": fields},
            }),
        );
    }
    schema["properties"]["entity"] = json!({"const": entity});
    schema["properties"]["facts"] = json!({
        "type": ["object", "null"],
        "additionalProperties": false,
        "properties": props,
    });
    schema_of(&schema, &format!("the facts schema of `{entity}`"))
}

/// What a schema cannot say: `needs` is sorted by code point (so each once).
pub fn assert_sorted_needs(needs: &Value) {
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

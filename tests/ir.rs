//! The exported IR: a snapshot of the seed slice, stability across runs and
//! file orders, and robustness of `check` against truncated and corrupted seed files.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failed expectation should stop the test loudly"
)]

use std::path::{Path, PathBuf};

use policyc::source::SourceMap;

fn compile_files(paths: &[PathBuf]) -> Result<policyc::ir::Policy, usize> {
    let mut map = SourceMap::new();
    for p in paths {
        let rel = p.strip_prefix(env!("CARGO_MANIFEST_DIR")).unwrap_or(p);
        map.add(
            rel.display().to_string(),
            std::fs::read_to_string(p).unwrap_or_default(),
        );
    }
    policyc::compile(&map).map_err(|d| d.len())
}

fn seed_files() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("policies");
    policyc::load::policy_files(&root).unwrap_or_default()
}

#[test]
fn ir_of_the_slice_is_stable() {
    let p =
        compile_files(&[Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/slice.policy")]);
    let json = p
        .map(|p| p.to_json().unwrap())
        .unwrap_or_else(|n| format!("{n} errors"));
    insta::assert_snapshot!("slice_ir", json);
}

#[test]
fn seed_policy_exports_28_measures_with_text_and_departments() {
    let p = compile_files(&seed_files()).unwrap_or_else(|n| panic!("{n} errors in policies/"));
    let numbers: Vec<u32> = p.measures.iter().map(|m| m.number).collect();
    assert_eq!(numbers, (1..=28).collect::<Vec<_>>());
    for m in &p.measures {
        assert!(
            !m.source_text.is_empty(),
            "measure {} has no text",
            m.number
        );
        let d = &m.departments;
        assert!(
            d.lead.len() + d.cooperating.len() + d.joint.len() > 0,
            "measure {} has no department",
            m.number
        );
        assert!(m.source.line > 0);
        for r in &m.rules {
            assert!(r.source.line > 0 && r.source.file.ends_with(".policy"));
        }
    }
    // （三）: 人社厅 leads; 财政厅 and 人行呼市 cooperate — as the parenthesis says
    let m3 = &p.measures[2];
    assert_eq!(m3.label, "（三）");
    assert_eq!(m3.departments.lead, vec!["自治区人力资源社会保障厅"]);
    assert_eq!(
        m3.departments.cooperating,
        vec!["自治区财政厅", "人民银行呼和浩特中心支行"]
    );
}

#[test]
fn export_does_not_depend_on_file_order() {
    let files = seed_files();
    let mut reversed = files.clone();
    reversed.reverse();
    let a = compile_files(&files).map(|p| p.measures.iter().map(|m| m.number).collect::<Vec<_>>());
    let b =
        compile_files(&reversed).map(|p| p.measures.iter().map(|m| m.number).collect::<Vec<_>>());
    assert_eq!(a, b);
}

/// Issue 2: truncating a seed file at any byte, or inserting random bytes, never
/// panics the checker. Truncations that split a UTF-8 character are refused by the
/// loader with `invalid_utf8` (see tests/cli.rs); here every other cut is compiled.
#[test]
fn truncated_and_corrupted_seed_files_never_panic() {
    let mut rng: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng
    };
    for path in seed_files() {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let bytes = text.as_bytes();
        // every byte for the smaller files, a stride for the larger ones
        let step = (bytes.len() / 250).max(1);
        let mut cut = 0;
        while cut <= bytes.len() {
            if let Ok(s) = std::str::from_utf8(&bytes[..cut]) {
                let mut map = SourceMap::new();
                map.add("t.policy", s.to_string());
                let _ = policyc::compile(&map);
            }
            cut += step;
        }
        for _ in 0..25 {
            let mut b = bytes.to_vec();
            let at = (next() as usize) % (b.len() + 1);
            let n = 1 + (next() as usize) % 8;
            for _ in 0..n {
                b.insert(at.min(b.len()), (next() % 256) as u8);
            }
            let s = String::from_utf8_lossy(&b).into_owned();
            let mut map = SourceMap::new();
            map.add("t.policy", s);
            let _ = policyc::compile(&map);
        }
    }
}

#[test]
fn from_json_rejects_keys_the_exporter_never_writes() {
    let p =
        compile_files(&[Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/slice.policy")]);
    let json = p.map(|p| p.to_json().unwrap()).unwrap_or_default();
    assert!(policyc::ir::Policy::from_json(&json).is_ok());
    // an unknown key inside a flattened expression node
    let bad = json.replacen(
        "\"node\": \"field\",",
        "\"node\": \"field\", \"surprise\": 1,",
        1,
    );
    assert_ne!(bad, json);
    let err = policyc::ir::Policy::from_json(&bad)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(err.contains("surprise"), "{err}");
    // a zero unit exponent
    let bad = json.replacen("\"元\": 1", "\"元\": 1, \"人\": 0", 1);
    assert!(policyc::ir::Policy::from_json(&bad).is_err());
    // a variant index out of range
    let bad = json.replacen("\"variant\": 1", "\"variant\": 9", 1);
    assert!(policyc::ir::Policy::from_json(&bad).is_err());
}

/// The seed policy's export, as JSON to edit by hand.
fn seed_json() -> serde_json::Value {
    let p = compile_files(&seed_files()).unwrap();
    serde_json::from_str(&p.to_json().unwrap()).unwrap()
}

/// The code of the error loading `v`, or `ok`.
fn load_code(v: &serde_json::Value) -> String {
    match policyc::ir::Policy::from_json(&v.to_string()) {
        Ok(_) => "ok".into(),
        Err(e) => miette::Diagnostic::code(&e)
            .map(|c| c.to_string())
            .unwrap_or_default(),
    }
}

/// Issue "Reliability under attack": an exported IR edited by hand could count
/// an amount twice (two measures with one number), treat a money expression as
/// a condition (silently not eligible), or have exception cycles (loaded, and
/// evaluated to not_eligible with exit 0). The loader checks what the checker
/// guarantees, each with its own error.
#[test]
fn the_loader_checks_what_the_checker_guarantees() {
    let seed = seed_json();
    assert_eq!(load_code(&seed), "ok");
    let m7 = seed["measures"]
        .as_array()
        .unwrap()
        .iter()
        .position(|m| m["number"] == 7)
        .unwrap();
    type Edit = Box<dyn Fn(&mut serde_json::Value)>;
    let cases: Vec<(&str, Edit, &str)> = vec![
        (
            "two measures with one number",
            Box::new(|v| v["measures"][1]["number"] = v["measures"][0]["number"].clone()),
            "policy::ir::duplicate_measure",
        ),
        (
            "a money expression as a condition",
            Box::new(move |v| {
                let r = &mut v["measures"][m7]["rules"][0];
                r["condition"] = r["amount"].clone();
            }),
            "policy::ir::type_mismatch",
        ),
        (
            "a condition as an amount",
            Box::new(move |v| {
                let r = &mut v["measures"][m7]["rules"][0];
                r["amount"] = r["condition"].clone();
            }),
            "policy::ir::type_mismatch",
        ),
        (
            "a product whose type does not follow from its operands",
            Box::new(move |v| {
                v["measures"][m7]["rules"][0]["amount"]["type"]["kind"] = "integer".into();
            }),
            "policy::ir::type_mismatch",
        ),
        (
            "a parameter read as another type",
            Box::new(move |v| {
                v["measures"][m7]["rules"][0]["amount"]["rhs"]["type"] =
                    serde_json::json!({"type": "number", "kind": "decimal", "unit": {}});
            }),
            "policy::ir::type_mismatch",
        ),
        (
            "two rules that are exceptions to each other",
            Box::new(move |v| {
                v["measures"][m7]["rules"][0]["exception_to"] = 1.into();
                v["measures"][m7]["rules"][1]["exception_to"] = 0.into();
            }),
            "policy::ir::exception_cycle",
        ),
        (
            "a rule that is an exception to itself",
            Box::new(move |v| v["measures"][m7]["rules"][0]["exception_to"] = 0.into()),
            "policy::ir::exception_cycle",
        ),
        (
            "an exception to a rule that does not exist",
            Box::new(move |v| v["measures"][m7]["rules"][0]["exception_to"] = 99.into()),
            "policy::ir::out_of_range",
        ),
        (
            "a field slot out of range",
            Box::new(move |v| {
                v["measures"][m7]["rules"][0]["amount"]["lhs"]["slot"] = 999.into();
            }),
            "policy::ir::out_of_range",
        ),
        (
            "a parameter index out of range",
            Box::new(move |v| {
                v["measures"][m7]["rules"][0]["amount"]["rhs"]["index"] = 999.into();
            }),
            "policy::ir::out_of_range",
        ),
        (
            "two rules of a measure with one name",
            Box::new(move |v| {
                let name = v["measures"][m7]["rules"][0]["name"].clone();
                v["measures"][m7]["rules"][1]["name"] = name;
            }),
            "policy::ir::duplicate",
        ),
        (
            "two parameters with one name",
            Box::new(|v| v["parameters"][1]["name"] = v["parameters"][0]["name"].clone()),
            "policy::ir::duplicate",
        ),
        (
            "two fields of an entity with one name",
            Box::new(|v| {
                v["entities"][0]["fields"][1]["name"] =
                    v["entities"][0]["fields"][0]["name"].clone();
            }),
            "policy::ir::duplicate",
        ),
        (
            "an entity named as an enumeration",
            Box::new(|v| v["entities"][0]["name"] = v["enums"][0]["name"].clone()),
            "policy::ir::duplicate",
        ),
        (
            "a constant that does not fit its parameter",
            Box::new(|v| {
                let params = v["parameters"].as_array_mut().unwrap();
                let p = params
                    .iter_mut()
                    .find(|p| p["value"]["kind"] == "constant")
                    .unwrap();
                p["value"]["value"] = serde_json::json!({"bool": true});
            }),
            "policy::ir::type_mismatch",
        ),
    ];
    for (what, edit, code) in cases {
        let mut v = seed.clone();
        edit(&mut v);
        assert_ne!(v, seed, "{what}: the edit changed nothing");
        assert_eq!(load_code(&v), code, "{what}");
    }

    // `policyc eval` of such a file is an input error (exit 1), not a result
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("ir-loader");
    std::fs::create_dir_all(&dir).unwrap();
    let mut v = seed.clone();
    v["measures"][m7]["rules"][0]["exception_to"] = 1.into();
    v["measures"][m7]["rules"][1]["exception_to"] = 0.into();
    let policy = dir.join("cycle.json");
    std::fs::write(&policy, v.to_string()).unwrap();
    let facts = dir.join("facts.json");
    std::fs::write(
        &facts,
        r#"{"entity": "个人", "facts": {"符合创业担保贷款条件": true, "创业人数": 1}}"#,
    )
    .unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_policyc"))
        .args([
            "eval",
            policy.to_str().unwrap(),
            "--facts",
            facts.to_str().unwrap(),
        ])
        .args(["--date", "2020-06-01"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("policy::ir::exception_cycle"), "{stderr}");
}

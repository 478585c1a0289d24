//! One test per crash or wrong result found while hardening policyc (issue 6),
//! by reading the code, by the property tests or by the fuzzers. Each test
//! names the input that failed, what happened, and where the fix is.
//!
//! Inputs that used to overflow the stack run through the `policyc` binary:
//! a stack overflow aborts the whole process, and a test binary that aborts
//! would hide which test did it.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failed expectation should stop the test loudly"
)]

use std::process::Command;

use policyc::eval::{self, Facts, Request};
use policyc::ir::{Policy, Status};
use policyc::source::SourceMap;

/// Runs `policyc check` on `text` and returns the exit code and stderr.
fn check(name: &str, text: &str) -> (Option<i32>, String) {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("regressions");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{name}.policy"));
    std::fs::write(&path, text).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_policyc"))
        .args(["--error-format", "plain", "check"])
        .arg(&path)
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn rule(body: &str) -> String {
    format!("enum E {{ x }}\nentity 企业 {{ a: money  b: bool  e: E }}\nmeasure 1 \"x\" {{ kind benefit to 企业 rule r {{ {body} }} }}\n")
}

fn assert_too_deep(name: &str, text: &str) {
    let (code, stderr) = check(name, text);
    assert_eq!(code, Some(1), "{name}: {stderr}");
    assert!(
        stderr.contains("policy::syntax::too_deep"),
        "{name}: {stderr}"
    );
}

/// `when not not … not b` (100 000 times) aborted with a stack overflow: pest's
/// Pratt parser recurses once per prefix operator.
/// Fix: `src/syntax/parser.rs`, `Builder::expr_depth` refuses runs of `not`/`-`
/// longer than `MAX_DEPTH` before the Pratt parser sees them.
#[test]
fn a_long_run_of_not_or_minus_is_too_deep_not_a_stack_overflow() {
    assert_too_deep("not", &rule(&format!("when {}b", "not ".repeat(100_000))));
    assert_too_deep("minus", &rule(&format!("amount {}a", "- ".repeat(100_000))));
}

/// `amount a + a + … + a` (100 000 terms) parsed, then aborted with a stack
/// overflow in the checker (and would have in the evaluator, the exporter and
/// the destructor): a left-associative chain is a tree as deep as it is long,
/// and the bracket count of the pre-scan does not see it.
/// Fix: `src/syntax/parser.rs`, `Builder::expr_depth` builds the tree with its
/// depth and stops at `MAX_DEPTH`.
#[test]
fn long_operator_chains_are_too_deep_not_a_stack_overflow() {
    assert_too_deep(
        "plus",
        &rule(&format!("amount {}a", "a + ".repeat(100_000))),
    );
    assert_too_deep("and", &rule(&format!("when {}b", "b and ".repeat(100_000))));
    assert_too_deep("in", &rule(&format!("when e{}", " in {x}".repeat(100_000))));
}

/// `amount if b then a else if b then a else …` (100 000 times): `if` nests
/// without brackets. pest's stack guard turned it into a misleading
/// "unexpected `a`"; 1 000 levels parsed and then recursed through every stage.
/// Fix: `src/syntax/scan.rs`, `too_many_ifs`, called from `syntax::parse`.
#[test]
fn if_chains_are_too_deep() {
    assert_too_deep(
        "if",
        &rule(&format!("amount {}a", "if b then a else ".repeat(100_000))),
    );
    assert_too_deep(
        "if-1000",
        &rule(&format!("amount {}a", "if b then a else ".repeat(1_000))),
    );
}

/// `// comment\r((((…` — a comment ended by a lone carriage return (old Mac
/// line breaks). The grammar ends the comment at `\r`, the pre-scan only at
/// `\n`, so the brackets after it were invisible to the nesting limit.
/// Fix: `src/syntax/scan.rs`, `walk` ends a comment at `\n` or `\r`.
#[test]
fn brackets_after_a_carriage_return_comment_are_counted() {
    let n = 1_000;
    assert_too_deep(
        "cr",
        &format!(
            "// x\r{}",
            rule(&format!("when {}b{}", "(".repeat(n), ")".repeat(n)))
        ),
    );
}

/// A policy with a `match` nested 60 deep compiled and exported, but the export
/// did not load: serde_json stops at 128 levels of JSON and a `match` takes
/// three per level. Export → import must round-trip for every policy that
/// compiles.
/// Fix: `src/ir/mod.rs`, `Policy::from_json` checks the depth itself
/// (`MAX_JSON_DEPTH`, derived from `syntax::MAX_DEPTH`) and lifts serde_json's
/// limit; `syntax::MAX_DEPTH` went from 128 to 64.
#[test]
fn the_export_of_a_deeply_nested_match_loads_again() {
    let n = 60;
    let text = rule(&format!(
        "amount {}a{}",
        "match e { x => ".repeat(n),
        " }".repeat(n)
    ));
    let mut map = SourceMap::new();
    map.add("deep.policy", text);
    let p = policyc::compile(&map).unwrap();
    let back = Policy::from_json(&p.to_json().unwrap()).unwrap();
    assert!(back == p);
}

/// `a * k` with a = 999999999999999.99 元 and k = 12345678901234.567: the exact
/// product, 12345678901234566876543210987.65433 元, needs 34 digits; rust_decimal
/// keeps 29 and rounded it to 12345678901234566876543210988 元 — 0.35 元 off, a
/// wrong amount given as if it were right.
/// Fix: `src/eval/ops.rs`, `exact`: a result rounded before the 10th decimal is
/// an overflow error naming the rule.
#[test]
fn a_product_rounded_before_the_fen_is_an_error_not_a_wrong_amount() {
    let text = "entity 企业 { a: money  k: decimal }\nmeasure 1 \"x\" { kind benefit to 企业 rule 乘积 { amount a * k } }\n";
    let mut map = SourceMap::new();
    map.add("mul.policy", text);
    let p = policyc::compile(&map).unwrap();
    let facts = Facts::from_json(
        &p,
        r#"{"entity": "企业", "facts": {"a": "999999999999999.99", "k": "12345678901234.567"}}"#,
    )
    .unwrap();
    let req = Request {
        date: policyc::syntax::parse_date("2020-07-01").unwrap(),
        locality: None,
        explain: false,
    };
    let r = eval::evaluate(&p, &facts, &req).unwrap();
    assert_eq!(r.measures[0].status, Status::Error);
    assert!(
        r.measures[0].reason.contains("乘积"),
        "{}",
        r.measures[0].reason
    );
}

/// `entity 企\u{200D}业` declared a name that prints exactly like `企业` but is
/// another name (U+200D may continue a Unicode identifier).
/// Fix: `src/syntax/parser.rs`, `Builder::ident` refuses U+200C and U+200D.
#[test]
fn an_invisible_joiner_in_a_name_is_an_error() {
    let (code, stderr) = check("zwj", "entity 企\u{200D}业 { a: money }\n");
    assert_eq!(code, Some(1));
    assert!(stderr.contains("U+200D"), "{stderr}");
}

/// `kind\u{0}refund`, `amount \u{202E}100%`: the default (human) diagnostics
/// copied the line as it is to the terminal, so a right-to-left override in a
/// policy reordered the diagnostic printed around it.
/// Fix: `src/diagnostic.rs`, `for_terminal`, used by `cli::report`.
#[test]
fn control_characters_never_reach_the_terminal() {
    for (name, text) in [
        ("nul", rule("when b and\u{0}b")),
        ("rlo", rule("amount \u{202E}a")),
    ] {
        let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("regressions");
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("{name}.policy"));
        std::fs::write(&path, &text).unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_policyc"))
            .arg("check")
            .arg(&path)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            !stderr.contains(['\u{0}', '\u{202E}']),
            "{name}: {stderr:?}"
        );
    }
}

/// Found by the `fmt_roundtrip` fuzz target: a file starting with two byte-order
/// marks. `policyc check` rejects it (one mark is allowed), but `fmt` dropped
/// one mark before parsing, accepted the file and rewrote it into one that
/// checks: formatting changed whether the policy is valid.
/// Fix: `src/fmt/mod.rs`, `format_source` parses the text as written first.
#[test]
fn two_byte_order_marks_are_refused_by_fmt_as_by_check() {
    let text = "\u{FEFF}\u{FEFF}department a = \"x\"\n";
    let mut map = SourceMap::new();
    map.add("bom.policy", text);
    assert!(policyc::compile(&map).is_err());
    assert!(policyc::fmt::format_source(text).is_err());
    // one mark is fine for both
    let one = "\u{FEFF}department a = \"x\"\n";
    let mut map = SourceMap::new();
    map.add("bom.policy", one);
    assert!(policyc::compile(&map).is_ok());
    assert!(policyc::fmt::format_source(one).is_ok());
}

/// The codes of compiling `text` in process (empty when it compiles).
fn codes(text: &str) -> Vec<String> {
    let mut map = SourceMap::new();
    map.add("r.policy", text);
    match policyc::compile(&map) {
        Ok(_) => Vec::new(),
        Err(d) => d.iter().map(|d| d.code()).collect(),
    }
}

/// A parameter and a copy of its name with an invisible character: both
/// printed `补贴上限`, and the rule silently read the copy's 999999 元.
#[test]
fn a_name_with_an_invisible_character_is_refused() {
    for invisible in ['\u{FE00}', '\u{3164}', '\u{180B}', '\u{E0100}', '\u{034F}'] {
        let copy = format!("补贴上限{invisible}");
        let text = format!(
            "entity 企业 {{ 工资: money }}\nparameter 补贴上限: money = 1000 元\nparameter {copy}: money = 999999 元\nmeasure 1 \"m\" {{ kind benefit to 企业 rule r {{ amount min(工资, {copy}) }} }}\n"
        );
        assert_eq!(
            codes(&text),
            ["policy::check::invisible_in_name"],
            "U+{:04X}",
            u32::from(invisible)
        );
    }
}

#[test]
fn two_names_that_look_alike_are_refused_with_both_places() {
    // a Latin field and a parameter with a Cyrillic `а`
    let text = "entity 企业 { pay: money }\nparameter p\u{0430}y: money = 1 元\nmeasure 1 \"m\" { kind benefit to 企业 rule r { amount pay } }\n";
    assert_eq!(codes(text), ["policy::check::confusable_names"]);
    let (code, stderr) = check("confusable", text);
    assert_eq!(code, Some(1));
    assert!(stderr.contains("looks like this one"), "{stderr}");
    assert!(stderr.contains("U+0430 here, U+0061 there"), "{stderr}");
    // ordinary distinct Chinese names, even ones TR39 calls alike, are fine
    let fine = "enum 类 { 未, 末, 已, 己, 土, 士 }\nentity 企业 { 规模: money 规摸: money }\n";
    assert_eq!(codes(fine), Vec::<String>::new());
}

#[test]
fn a_unit_exponent_out_of_range_says_so() {
    // was "expected money, found money": the exponent silently stopped at -128
    let per = "/人".repeat(130);
    for text in [
        format!("parameter 上限: money = 1 元{per}\n"),
        format!("parameter 率: money{per} = 1 元\n"),
    ] {
        assert_eq!(codes(&text), ["policy::check::unit_out_of_range"]);
    }
}

#[test]
fn exponent_notation_is_named_not_taken_for_a_unit() {
    let (code, stderr) = check("exponent", "parameter 上限: money = 1e3 元\n");
    assert_eq!(code, Some(1));
    assert!(
        stderr.contains("exponent notation is not supported"),
        "{stderr}"
    );
    assert!(stderr.contains("`1000`"), "{stderr}");
    let (_, stderr) = check("exponent2", &rule("amount a * 2.5e-3"));
    assert!(stderr.contains("invalid number `2.5e-3`"), "{stderr}");
    assert!(stderr.contains("`0.0025`"), "{stderr}");
}

#[test]
fn an_unknown_string_escape_is_refused_not_dropped() {
    // `"a\x"` used to become `ax`
    assert_eq!(
        codes("department 甲 = \"a\\x\"\n"),
        ["policy::syntax::unknown_escape"]
    );
    let (_, stderr) = check("escape", "department 甲 = \"a\\x\"\n");
    assert!(stderr.contains("unknown escape `\\x`"), "{stderr}");
    assert!(stderr.contains("`\\t` (a tab)"), "{stderr}");
    // the known escapes still work
    let p = policyc::compile(&{
        let mut m = SourceMap::new();
        m.add("ok.policy", "department 甲 = \"a\\\"b\\\\c\\nd\\te\"\n");
        m
    })
    .unwrap();
    assert_eq!(p.departments[0].name, "a\"b\\c\nd\te");
}

/// An 8 MiB file that `check` accepts grows when formatted: `fmt` called it
/// "a bug in policyc". It now says the output would be over the limit.
#[test]
fn fmt_of_a_file_that_would_grow_past_the_limit_is_an_honest_limit_error() {
    let head = "department 甲=\"x\"\n// ";
    let pad = policyc::syntax::MAX_FILE_SIZE - head.len() - 1;
    let text = format!("{head}{}\n", "x".repeat(pad));
    assert_eq!(text.len(), policyc::syntax::MAX_FILE_SIZE);
    assert_eq!(codes(&text), Vec::<String>::new());
    let err = policyc::fmt::format_source(&text).unwrap_err();
    assert!(
        matches!(err, policyc::fmt::FmtError::TooLarge { .. }),
        "{err:?}"
    );
    let message = err.to_string();
    assert!(message.contains("over the limit"), "{message}");
    // a file that stays under the limit is formatted
    let small = format!("{head}{}\n", "x".repeat(pad - 10));
    assert!(policyc::fmt::format_source(&small).is_ok());
}

/// A decimal (or percent) fact with 15 digits before the point and 4 after it
/// (`999999999999999.9999`, below the 10^15 limit) overflowed the `i64` the
/// columnar engine of `batch` reads it into: a panic in a debug build, a
/// wrapped — wrong — value in a release build. Found by the reference model
/// (`tests/reference.rs`, hostile values).
/// Fix: `src/batch/columns.rs`, `digits` multiplies with `checked_mul` and
/// leaves such a value to the general path.
#[test]
fn a_decimal_fact_with_19_digits_is_read_exactly_by_the_columnar_engine() {
    use policyc::batch::{self, BatchOptions, Engine};
    let mut map = SourceMap::new();
    map.add(
        "p.policy",
        "entity 单位 { 系数: decimal  率: percent }\nmeasure 1 \"m\" { kind benefit to 单位 rule r { amount 系数 * 1 元 + 率 * 1 元 } }\n",
    );
    let p = policyc::compile(&map).unwrap();
    let input = "{\"entity\": \"单位\", \"facts\": {\"系数\": 999999999999999.9999, \"率\": 999999999999999.9999}}\n";
    let mut o = BatchOptions::new(chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap());
    o.threads = 1;
    let (columnar, _) = batch::run_text(&p, input, &o).unwrap();
    o.engine = Engine::Rows;
    let (rows, _) = batch::run_text(&p, input, &o).unwrap();
    assert!(
        rows.contains("\"amount\":\"2000000000000000.00\""),
        "{rows}"
    );
    assert_eq!(columnar, rows);
}

/// A percentage fact with more than 26 decimals before its `%`
/// (`"0.0000000000000000000000000001%"`, 10^-30 as a fraction) was divided by
/// 100 with rounding to 28 decimals: silently read as 0 (so `率 > 0%` was
/// false), and `"0.000000000000000000000000015%"` as 2 × 10^-28. Facts are read
/// exactly or refused, as a JSON number with 29 decimals is. Found by the
/// reference model (`tests/reference.rs`).
/// Fix: `src/eval/facts.rs`, `parse_number_text` refuses a percentage whose
/// quotient by 100 is not exact.
#[test]
fn a_percentage_fact_too_fine_to_keep_is_refused_not_rounded() {
    let mut map = SourceMap::new();
    map.add(
        "p.policy",
        "entity 单位 { 率: percent }\nmeasure 1 \"m\" { kind benefit to 单位 rule r { when 率 > 0% amount 1 元 } }\n",
    );
    let p = policyc::compile(&map).unwrap();
    for v in [
        "0.0000000000000000000000000001%",
        "0.000000000000000000000000015%",
    ] {
        let e = Facts::from_json(
            &p,
            &format!(r#"{{"entity": "单位", "facts": {{"率": "{v}"}}}}"#),
        )
        .err()
        .unwrap_or_else(|| panic!("{v} was accepted"));
        assert!(format!("{e:?}").contains("too many decimals"), "{v}: {e:?}");
    }
    // 28 decimals as a fraction, trailing zeros allowed: read exactly
    for v in [
        "0.00000000000000000000000001%",
        "0.000000000000000000000000010%",
    ] {
        let f = Facts::from_json(
            &p,
            &format!(r#"{{"entity": "单位", "facts": {{"率": "{v}"}}}}"#),
        );
        assert!(f.is_ok(), "{v}");
    }
}

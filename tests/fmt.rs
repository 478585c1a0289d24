//! `policyc fmt`: snapshots of every fixture in `tests/fmt/`, and the
//! properties of issue 5 — idempotent, meaning-preserving (same syntax tree,
//! same comments, same IR), every file in `policies/` canonical — on the
//! fixtures, on `policies/`, and on generated programs covering every construct.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failed expectation should stop the test loudly"
)]

use std::path::{Path, PathBuf};
use std::process::Command;

use policyc::fmt::{format_source, normalize_line_breaks, same_tree};
use policyc::source::{FileId, SourceMap};
use policyc::syntax;

fn policyc() -> Command {
    Command::new(env!("CARGO_BIN_EXE_policyc"))
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn policy_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in entries {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(policy_files(&p));
        } else if p.extension().is_some_and(|x| x == "policy") {
            out.push(p);
        }
    }
    out.sort();
    out
}

fn read(p: &Path) -> String {
    String::from_utf8(std::fs::read(p).unwrap()).unwrap()
}

/// The IR as JSON without source positions (`source` fields).
fn ir_without_sources(files: &[(String, String)]) -> Result<serde_json::Value, String> {
    let mut sources = SourceMap::new();
    for (name, text) in files {
        sources.add(name.clone(), text.clone());
    }
    let policy =
        policyc::compile(&sources).map_err(|d| policyc::diagnostic::render_plain(&sources, &d))?;
    let mut v = serde_json::to_value(&policy).unwrap();
    strip_sources(&mut v);
    Ok(v)
}

fn strip_sources(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Object(m) => {
            m.remove("source");
            m.values_mut().for_each(strip_sources);
        }
        serde_json::Value::Array(a) => a.iter_mut().for_each(strip_sources),
        _ => {}
    }
}

fn comment_texts(text: &str) -> Vec<String> {
    syntax::comments(&normalize_line_breaks(text))
        .into_iter()
        .map(|c| c.text)
        .collect()
}

/// The properties every formatted file must have; returns the output.
fn check_properties(name: &str, input: &str) -> String {
    let out = format_source(input).unwrap_or_else(|e| panic!("{name}: {e:?}"));
    // idempotent
    let again = format_source(&out).unwrap_or_else(|e| panic!("{name} (second run): {e:?}"));
    assert_eq!(again, out, "{name}: formatting is not idempotent");
    // same syntax tree, positions aside
    let before = syntax::parse(FileId(0), &normalize_line_breaks(input)).unwrap();
    let after = syntax::parse(FileId(0), &out).unwrap();
    assert!(
        same_tree(&before, &after),
        "{name}: the syntax tree changed"
    );
    // same comments, in order
    assert_eq!(
        comment_texts(input),
        comment_texts(&out),
        "{name}: comments"
    );
    // canonical whitespace
    assert!(
        !out.starts_with('\u{FEFF}') && !out.contains('\r'),
        "{name}: BOM or CR"
    );
    assert!(
        out.is_empty() || (out.ends_with('\n') && !out.ends_with("\n\n")),
        "{name}: must end with exactly one newline"
    );
    // no trailing whitespace, except inside text blocks of the document header
    let mut in_block = false;
    for (i, l) in out.lines().enumerate() {
        if !in_block {
            assert_eq!(
                l,
                l.trim_end_matches([' ', '\t']),
                "{name}:{}: trailing whitespace",
                i + 1
            );
        }
        if l.matches("\"\"\"").count() % 2 == 1 {
            in_block = !in_block;
        }
    }
    out
}

// ---------------------------------------------------------------------------
// Fixtures

#[test]
fn fixtures() {
    let files = policy_files(&root().join("tests/fmt"));
    assert!(files.len() >= 10, "fixtures missing");
    for f in files {
        let name = f.file_stem().unwrap().to_string_lossy().to_string();
        let input = read(&f);
        let out = check_properties(&name, &input);
        // where the fixture compiles, the IR is the same
        if let Ok(before) = ir_without_sources(&[("f.policy".into(), input.clone())]) {
            let after = ir_without_sources(&[("f.policy".into(), out.clone())]).unwrap();
            assert_eq!(before, after, "{name}: the IR changed");
        }
        insta::with_settings!({
            description => format!("policyc fmt tests/fmt/{name}.policy"),
            omit_expression => true,
        }, {
            insta::assert_snapshot!(name, out);
        });
    }
}

#[test]
fn constructs_fixture_compiles() {
    // so that `fixtures` compares its IR before and after
    let input = read(&root().join("tests/fmt/constructs.policy"));
    ir_without_sources(&[("f.policy".into(), input)]).unwrap();
}

#[test]
fn bom_and_crlf_fixture_has_them() {
    let bytes = std::fs::read(root().join("tests/fmt/bom_crlf.policy")).unwrap();
    assert!(bytes.starts_with("\u{FEFF}".as_bytes()));
    assert!(bytes.windows(2).any(|w| w == b"\r\n"));
}

/// A `text` block comes out as it went in but for what docs/language.md
/// says the formatter removes from it, the spaces and tabs at the ends of
/// lines: indentation, tabs, full-width punctuation and ideographic spaces
/// (U+3000) at either end of a line are kept.
#[test]
fn verbatim_text_keeps_every_character_but_line_end_spaces() {
    let input = "measure 1 \"x\" {\n      kind directive\n      text \"\"\"\n   甲，乙\u{3000}\n\t丙  \n\u{3000}丁 \t\n        戊\"\"\"\n}\n";
    let out = format_source(input).unwrap();
    assert_eq!(
        out,
        "measure 1 \"x\" {\n  kind directive\n  text \"\"\"\n   甲，乙\u{3000}\n\t丙\n\u{3000}丁\n        戊\"\"\"\n}\n"
    );
}

#[test]
fn literals_keep_their_digits_and_units() {
    let input = "parameter a: money = 20万元\nparameter b: money/人/月 = 1.50元/人/月\nparameter c: integer<月> = 6个月\nparameter d: decimal = - 5\n";
    let out = format_source(input).unwrap();
    assert_eq!(
        out,
        "parameter a: money = 20 万元\nparameter b: money/人/月 = 1.50 元/人/月\nparameter c: integer<月> = 6 个月\nparameter d: decimal = -5\n"
    );
}

// ---------------------------------------------------------------------------
// policies/

#[test]
fn policies_are_canonical_idempotent_and_meaning_preserving() {
    let files = policy_files(&root().join("policies"));
    if files.is_empty() {
        return;
    }
    let mut originals = Vec::new();
    let mut formatted = Vec::new();
    let mut not_canonical = Vec::new();
    for f in &files {
        let name = f.display().to_string();
        let input = read(f);
        let out = check_properties(&name, &input);
        if out != input {
            not_canonical.push(name.clone());
        }
        originals.push((name.clone(), input));
        formatted.push((name, out));
    }
    if let Ok(before) = ir_without_sources(&originals) {
        let after = ir_without_sources(&formatted).unwrap();
        assert_eq!(before, after, "the IR of policies/ changed");
    }
    assert!(
        not_canonical.is_empty(),
        "not canonical (run `policyc fmt policies`): {not_canonical:?}"
    );
}

#[test]
fn fmt_check_policies_exits_0() {
    if policy_files(&root().join("policies")).is_empty() {
        return;
    }
    let out = policyc()
        .args(["fmt", "--check"])
        .arg(root().join("policies"))
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Issue 5, done when: trailing spaces and extra blank lines added to any policy
/// file, then `policyc fmt`, give back the canonical file byte for byte, and
/// `policyc export` is identical before and after.
#[test]
fn messy_policies_format_back_byte_for_byte() {
    let src = root().join("policies");
    if policy_files(&src).is_empty() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("policies");
    copy_dir(&src, &dir);
    let export = |d: &Path| {
        let out = policyc().arg("export").arg(d).output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout)
            .unwrap()
            .replace(&d.display().to_string(), "DIR")
    };
    let canonical: Vec<(PathBuf, String)> = policy_files(&dir)
        .into_iter()
        .map(|f| {
            let t = format_source(&read(&f)).unwrap();
            std::fs::write(&f, &t).unwrap();
            (f, t)
        })
        .collect();
    let before = export(&dir);
    for (f, text) in &canonical {
        std::fs::write(f, mess_up(text)).unwrap();
    }
    let st = policyc().arg("fmt").arg(&dir).status().unwrap();
    assert!(st.success());
    for (f, text) in &canonical {
        assert_eq!(&read(f), text, "{} is not canonical again", f.display());
    }
    assert_eq!(export(&dir), before);
}

/// Trailing spaces on every line (text blocks of `text` clauses included; those
/// of the `document` header are verbatim, in the IR too) and doubled blank lines
/// (outside text blocks).
fn mess_up(text: &str) -> String {
    let mut out = String::new();
    let mut in_block = false;
    let mut in_document = false;
    for line in text.lines() {
        if line.starts_with("document") {
            in_document = true;
        } else if line.starts_with('}') {
            in_document = false;
        }
        out.push_str(line);
        if !(in_block && in_document) {
            out.push_str("   \t");
        }
        out.push('\n');
        if !in_block && line.trim().is_empty() {
            out.push_str("\n \n");
        }
        if line.matches("\"\"\"").count() % 2 == 1 {
            in_block = !in_block;
        }
    }
    out
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

// ---------------------------------------------------------------------------
// CLI

#[test]
fn cli_check_write_and_stdin() {
    let tmp = tempfile::tempdir().unwrap();
    let messy = "department   甲=\"甲\"   \r\n\r\n\r\nmeasure 1 \"x\" { kind directive }";
    let tidy = "department 甲 = \"甲\"\n\nmeasure 1 \"x\" {\n  kind directive\n}\n";
    let a = tmp.path().join("a.policy");
    let b = tmp.path().join("b.policy");
    std::fs::write(&a, messy).unwrap();
    std::fs::write(&b, tidy).unwrap();

    // --check lists the file that would change, exits 1, rewrites nothing
    let out = policyc()
        .args(["fmt", "--check"])
        .arg(tmp.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!("{}\n", a.display())
    );
    assert_eq!(read(&a), messy);

    // fmt rewrites it
    let out = policyc().arg("fmt").arg(&a).arg(&b).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(read(&a), tidy);
    let out = policyc()
        .args(["fmt", "--check"])
        .arg(tmp.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());

    // `-`: stdin to stdout
    let mut child = policyc()
        .args(["fmt", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(messy.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stdout), tidy);
}

#[test]
fn cli_syntax_error_leaves_file_untouched() {
    let tmp = tempfile::tempdir().unwrap();
    let a = tmp.path().join("a.policy");
    let text = "measure 1 \"x\" {   kind directive\n";
    std::fs::write(&a, text).unwrap();
    let out = policyc()
        .args(["--error-format", "plain", "fmt"])
        .arg(&a)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(read(&a), text);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("policy::syntax::unexpected") && err.contains("a.policy:2:1"),
        "{err}"
    );
    // a missing path is a usage error
    let out = policyc()
        .args(["fmt", "/nonexistent/x.policy"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

// ---------------------------------------------------------------------------
// Generated programs

/// A small deterministic generator of valid, well-typed policies covering every
/// construct, laid out with random whitespace, comments, CRLF and BOM.
struct Gen {
    state: u64,
    toks: Vec<String>,
}

impl Gen {
    fn new(seed: u64) -> Self {
        Gen {
            state: seed ^ 0x9E37_79B9_7F4A_7C15,
            toks: Vec::new(),
        }
    }

    fn next(&mut self) -> u64 {
        // xorshift64*
        let mut x = self.state.max(1);
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.state = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len())]
    }

    fn t(&mut self, s: &str) {
        self.toks.push(s.to_string());
    }

    /// Tokens separated by spaces; `~` is a space inside a token (`5~人`).
    fn ts(&mut self, s: &str) {
        for w in s.split(' ') {
            self.t(&w.replace('~', " "));
        }
    }

    fn list(&mut self, items: &[&str], trailing_comma_ok: bool) {
        for (i, x) in items.iter().enumerate() {
            if i > 0 {
                self.t(",");
            }
            self.t(x);
        }
        if trailing_comma_ok && self.chance(30) {
            self.t(",");
        }
    }

    fn money_lit(&mut self) -> String {
        self.pick(&[
            "1000 元",
            "1000元",
            "20 万元",
            "1.50 元",
            "0 元",
            "1 万元",
            "48000  元",
        ])
        .to_string()
    }

    fn bool_expr(&mut self, depth: usize) {
        if depth == 0 || self.chance(35) {
            match self.below(9) {
                0 => self.t("标志"),
                1 => {
                    let b = if self.chance(50) { "true" } else { "false" };
                    self.t(b);
                }
                2 => {
                    self.ts("金额 >=");
                    self.money_expr(0);
                }
                3 => self.ts("人数 < 5~人"),
                4 => self.ts("比例 <= 比率"),
                5 => {
                    self.ts("规模 in {");
                    self.list(&["微型", "小型"], true);
                    self.t("}");
                }
                6 => self.ts("规模 == 规模.大型"),
                7 => self.ts("截止 > 2020-01-01"),
                _ => self.ts("规模 != 规模.微型"),
            }
            return;
        }
        match self.below(4) {
            0 => {
                self.t("not");
                self.bool_expr(depth - 1);
            }
            1 => {
                self.bool_expr(depth - 1);
                self.t("and");
                self.bool_expr(depth - 1);
            }
            2 => {
                self.bool_expr(depth - 1);
                self.t("or");
                self.bool_expr(depth - 1);
            }
            _ => {
                self.t("(");
                self.bool_expr(depth - 1);
                self.t(")");
            }
        }
    }

    fn money_expr(&mut self, depth: usize) {
        if depth == 0 || self.chance(30) {
            match self.below(7) {
                0 => self.t("金额"),
                1 | 2 => {
                    let q = self.money_lit();
                    self.t(&q);
                }
                3 => self.t("上限"),
                4 => self.t("地方额"),
                5 => self.ts("月费 * 3~个月"),
                _ => self.ts("日额 * 人数 * 天数"),
            }
            return;
        }
        let d = depth - 1;
        match self.below(11) {
            0 => {
                self.money_expr(d);
                self.t("+");
                self.money_expr(d);
            }
            1 => {
                self.money_expr(d);
                self.t("-");
                self.money_expr(d);
            }
            2 => {
                self.ts("比例 *");
                self.money_expr(d);
            }
            3 => {
                let f = self.pick_owned(&["min", "max"]);
                self.t(&f);
                self.t("(");
                self.money_expr(d);
                self.t(",");
                self.money_expr(d);
                self.t(")");
            }
            4 => {
                self.t("(");
                self.money_expr(d);
                self.t(")");
            }
            5 => {
                self.ts("( if");
                self.bool_expr(d);
                self.t("then");
                self.money_expr(d);
                self.t("else");
                self.money_expr(d);
                self.t(")");
            }
            6 => {
                self.ts("match 规模 {");
                for (i, v) in ["微型", "小型", "中型", "大型"].iter().enumerate() {
                    if i > 0 && self.chance(50) {
                        self.t(",");
                    }
                    self.ts(&format!("{v} =>"));
                    self.money_expr(d);
                }
                self.t("}");
            }
            7 => {
                self.ts("( by 方式 {");
                self.t("甲");
                self.t("=>");
                self.money_expr(d);
                self.t("乙");
                self.t("=>");
                self.money_expr(d);
                if self.chance(30) {
                    self.t(",");
                }
                self.ts("} )");
            }
            8 => {
                self.t("-");
                self.money_expr(d);
            }
            9 => {
                self.money_expr(d);
                self.ts("/ 2");
            }
            _ => {
                self.money_expr(d);
                self.ts("* 50%");
            }
        }
    }

    fn pick_owned(&mut self, xs: &[&str]) -> String {
        self.pick(xs).to_string()
    }

    fn program(&mut self) {
        let with_doc = self.chance(60);
        if with_doc {
            self.ts("document {");
            self.ts("number \"内政办发〔2020〕10号\"");
            if self.chance(50) {
                self.t("title");
                self.t("\"\"\"\n  关于应对疫情\n    强化稳就业的通知  \n  \"\"\"");
            }
            self.ts("issued 2020-05-09");
            self.t("}");
        }
        self.ts("department 人社厅 = \"自治区人力资源社会保障厅\"");
        self.ts("department 财政厅 = \"自治区财政厅\"");
        self.ts("department 人行 = \"人民银行\\\"呼和浩特\\\"中心支行\"");
        self.ts("enum 规模 {");
        self.list(&["微型", "小型", "中型", "大型"], true);
        self.t("}");
        self.ts("entity 企业");
        if self.chance(50) {
            self.t("\"用人单位\"");
        }
        self.t("{");
        for f in [
            "规模 : 规模",
            "金额 : money",
            "比例 : percent",
            "人数 : integer < 人 >",
            "标志 : bool",
            "月费 : money / 月",
            "日额 : money / 人 / 天",
            "天数 : integer<天>",
        ] {
            self.ts(f);
        }
        self.t("}");
        self.ts("parameter 上限 : money =");
        let q = self.money_lit();
        self.t(&q);
        self.ts("parameter 比率 : percent { 5% from 2019-01-01 6.5% from 2020-01-01 }");
        self.ts("parameter 方式 : choice {");
        self.list(&["甲", "乙"], true);
        self.ts("} by locality");
        if self.chance(50) {
            self.ts("default 甲");
        }
        self.ts("parameter 地方额 : money by locality");
        let mut bounds = vec!["default 100~元", "floor 0~元", "cap 1~万元"];
        for _ in 0..self.below(4) {
            let i = self.below(bounds.len());
            let b = bounds.remove(i);
            self.ts(b);
        }
        self.ts("parameter 截止 : date = 2020-12-31");
        self.ts("parameter 负值 : decimal = -");
        let v = if self.chance(50) { "5" } else { "0.5" };
        self.t(v);
        self.ts("section 1 \"推动企业复工复产\"");
        let mut number = 0;
        for _ in 0..1 + self.below(3) {
            number += 1 + self.below(5);
            self.measure(number);
        }
        self.ts("locality 某市 { 方式 = 乙 地方额 = 200~元 }");
    }

    fn measure(&mut self, number: usize) {
        self.ts(&format!("measure {number} \"措施{number}\" {{"));
        let rules = self.below(4);
        // clauses in a random order
        let mut clauses: Vec<usize> = (0..7).collect();
        for i in (1..clauses.len()).rev() {
            let j = self.below(i + 1);
            clauses.swap(i, j);
        }
        let mut roles = vec!["人社厅", "财政厅", "人行"];
        for c in clauses {
            match c {
                0 if self.chance(70) => self.ts("section 1"),
                1 => {
                    let k = self.pick(&["benefit", "refund", "directive", "loan_terms"]);
                    self.ts(&format!("kind {k}"));
                }
                2 => self.ts("to 企业"),
                3 if self.chance(70) => match self.below(5) {
                    0 => self.ts("effective 2020-01-01 to 2020-12-31"),
                    1 => self.ts("effective from 2020-01-01 to 2020-12-31"),
                    2 => self.ts("effective from 2020-01-01"),
                    3 => self.ts("effective 2020-01-01"),
                    _ => self.ts("effective until 2020-12-31"),
                },
                4 if self.chance(60) => self.ts("applications until 2020-12-31"),
                5 => {
                    for role in ["lead", "cooperating", "joint"] {
                        if roles.is_empty() || self.chance(40) {
                            continue;
                        }
                        self.t(role);
                        let n = 1 + self.below(roles.len());
                        let names: Vec<&str> = roles.drain(..n).collect();
                        self.list(&names, false);
                    }
                }
                6 => {
                    self.t("text");
                    let t = self.pick_owned(&[
                        "\"\"\"\n  加大失业保险稳岗返还，   \n  返还标准提高至 100%；// 不是注释\n  \"\"\"",
                        "\"一句话的正文\"",
                        "\"\"\"一行\"\"\"",
                    ]);
                    self.t(&t);
                }
                _ => {}
            }
        }
        let use_parts = self.chance(30);
        // a part declaration (its own addressee), before or after the rules
        let declare = use_parts && rules > 0 && self.chance(60);
        let decl_first = self.chance(50);
        let decl = |g: &mut Self| {
            g.ts("part 甲部分 {");
            if g.chance(70) {
                g.ts("to 企业");
            }
            g.t("}");
        };
        if declare && decl_first {
            decl(self);
        }
        for i in 0..rules {
            self.ts(&format!("rule 规则{i}"));
            let part = if use_parts {
                Some(if i % 2 == 0 { "甲部分" } else { "乙部分" })
            } else {
                None
            };
            if let Some(p) = part {
                self.ts(&format!("part {p}"));
            }
            if i == 2 && self.chance(70) {
                self.ts("exception to 规则0");
            }
            self.t("{");
            let has_amount = self.chance(80);
            let mut rc: Vec<usize> = (0..6).collect();
            for k in (1..rc.len()).rev() {
                let j = self.below(k + 1);
                rc.swap(k, j);
            }
            for c in rc {
                match c {
                    0 if self.chance(30) => self.ts("text \"规则的原文\""),
                    1 if self.chance(80) => {
                        self.t("when");
                        self.bool_expr(3);
                    }
                    2 if has_amount => {
                        self.t("amount");
                        self.money_expr(3);
                    }
                    3 if has_amount && self.chance(30) => {
                        self.t("floor");
                        self.money_expr(1);
                    }
                    4 if has_amount && self.chance(30) => {
                        self.t("cap");
                        self.money_expr(2);
                    }
                    // one kind for every amount, whatever the measure's kind
                    5 if has_amount => self.ts("gives paid"),
                    _ => {}
                }
            }
            self.t("}");
        }
        if declare && !decl_first {
            decl(self);
        }
        for i in 0..self.below(3) {
            self.ts(&format!("example \"例{i}\" {{ date 2020-07-01"));
            if self.chance(50) {
                self.ts("locality 某市");
            }
            self.ts("企业 {");
            let mut facts = Vec::new();
            for f in [
                "规模: 小型",
                "金额: 48000~元",
                "比例: 5%",
                "人数: 3~人",
                "标志: true",
                "月费: 100~元/月",
                "日额: 50元/人/天",
                "天数: 2~天",
            ] {
                if self.chance(50) {
                    facts.push(f);
                }
            }
            for (k, f) in facts.iter().enumerate() {
                if k > 0 {
                    self.t(",");
                }
                self.ts(f);
            }
            if !facts.is_empty() && self.chance(30) {
                self.t(",");
            }
            self.t("}");
            match self.below(3) {
                0 => self.ts("expect eligible 48000~元"),
                1 => self.ts("expect not_eligible"),
                _ => {
                    self.ts("expect needs_facts [");
                    self.list(&["金额", "比例"], true);
                    self.t("]");
                }
            }
            self.t("}");
        }
        self.t("}");
    }

    /// Joins the tokens with random whitespace and comments.
    fn layout(&mut self) -> String {
        let crlf = self.chance(15);
        let nl = if crlf { "\r\n" } else { "\n" };
        let mut s = String::new();
        if self.chance(10) {
            s.push('\u{FEFF}');
        }
        if self.chance(30) {
            s.push_str(&format!("// 文件头注释{nl}{nl}"));
        }
        let toks = std::mem::take(&mut self.toks);
        let mut comment = 0;
        for (i, t) in toks.iter().enumerate() {
            s.push_str(t);
            if i + 1 == toks.len() {
                break;
            }
            let sep = match self.below(40) {
                0 => {
                    comment += 1;
                    format!("  // 注释{comment}{nl}")
                }
                1 => {
                    comment += 1;
                    format!("{nl}  // 独立注释{comment}{nl}  ")
                }
                2 => format!("{nl}{nl}"),
                3 => format!("{nl}{nl}{nl}  "),
                4 => "\t".to_string(),
                5..=9 => nl.to_string(),
                10 => "   ".to_string(),
                _ => " ".to_string(),
            };
            s.push_str(&sep);
        }
        if self.chance(50) {
            s.push_str(&format!("  // 结尾注释{nl}"));
        } else if self.chance(80) {
            s.push_str(nl);
        }
        s
    }
}

fn generate(seed: u64) -> String {
    let mut g = Gen::new(seed);
    g.program();
    g.layout()
}

fn check_generated(seed: u64) {
    let input = generate(seed);
    // To look at a failing case: POLICYC_DUMP_SEED=<seed> writes it to the temp dir.
    if std::env::var("POLICYC_DUMP_SEED").is_ok_and(|s| s == seed.to_string()) {
        std::fs::write(std::env::temp_dir().join("policyc_seed.policy"), &input).unwrap();
    }
    let name = format!("generated program (seed {seed})");
    let before = ir_without_sources(&[("g.policy".into(), input.clone())])
        .unwrap_or_else(|e| panic!("{name} does not compile:\n{e}\n{input}"));
    let out = check_properties(&name, &input);
    let after = ir_without_sources(&[("g.policy".into(), out.clone())])
        .unwrap_or_else(|e| panic!("{name}: formatted output does not compile:\n{e}\n{out}"));
    assert_eq!(
        before, after,
        "{name}: the IR changed\n--- input\n{input}\n--- output\n{out}"
    );
}

#[test]
fn generated_programs_fixed_seeds() {
    for seed in 0..64 {
        check_generated(seed);
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]
    #[test]
    fn generated_programs(seed in proptest::prelude::any::<u64>()) {
        check_generated(seed);
    }
}

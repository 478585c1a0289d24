//! The server's features on small policies held in an editor buffer.

use std::str::FromStr;

use lsp_types::Uri;

use super::index::Sym;
use super::workspace::{Doc, Workspace};
use super::{complete, hover, nav};
use crate::source::FileId;

const POLICY: &str = r#"department 人社厅 = "自治区人力资源社会保障厅"
department 财政厅 = "自治区财政厅"
enum 规模 { 小型, 大型 }
entity 企业 { 规模: 规模  人数: integer<人>  保费: money/月 }
parameter 比例: percent { 50% from 2020-01-01  100% from 2020-06-01 }
parameter 方式: choice { 甲, 乙 } = 甲
measure 3 "稳岗返还" {
  kind refund
  to 企业
  lead 人社厅
  cooperating 财政厅
  text """
  返还标准提高至 100%。
  """
  let 小企业 = 规模 in {小型} and 人数 <= 10 人
  rule 基础 part 返还 {
    when 小企业 and 规模 == 规模.小型
    amount 比例 * 保费 * 1 月
    text "按比例返还"
  }
  rule 特别 part 返还 exception to 基础 {
    when 方式 == 甲
    amount 保费 * 1 月
  }
}
"#;

fn workspace(text: &str) -> (Workspace, Uri) {
    let uri = Uri::from_str("untitled:Untitled-1").unwrap();
    let mut ws = Workspace::new(Vec::new());
    ws.docs.insert(
        uri.clone(),
        Doc {
            text: text.to_string(),
            version: 1,
        },
    );
    (ws, uri)
}

/// The symbol at the `n`-th occurrence (0-based) of `needle`.
fn sym_at(ws: &mut Workspace, uri: &Uri, needle: &str, n: usize) -> Sym {
    let key = ws.unit_of(uri);
    let a = ws.analysis(&key);
    let (text, _, _) = a.text(FileId(0)).unwrap();
    let at = text.match_indices(needle).nth(n).unwrap().0;
    a.index.at(FileId(0), at).unwrap().sym.clone()
}

#[test]
fn names_resolve_as_the_checker_resolves_them() {
    let (mut ws, uri) = workspace(POLICY);
    let key = ws.unit_of(&uri);
    assert!(ws.analysis(&key).diagnostics[&0].is_empty());
    // `规模` is an enum in a type, a fact in an expression, the enum before `.小型`
    assert_eq!(sym_at(&mut ws, &uri, "规模", 2), Sym::Enum("规模".into()));
    assert_eq!(
        sym_at(&mut ws, &uri, "规模", 4),
        Sym::Fact("企业".into(), "规模".into())
    );
    assert_eq!(
        sym_at(&mut ws, &uri, "规模.小型", 0),
        Sym::Enum("规模".into())
    );
    assert_eq!(
        sym_at(&mut ws, &uri, "小型}", 0),
        Sym::Variant("规模".into(), "小型".into())
    );
    assert_eq!(
        sym_at(&mut ws, &uri, "小企业", 1),
        Sym::Let(3, "小企业".into())
    );
    assert_eq!(
        sym_at(&mut ws, &uri, "基础", 1),
        Sym::Rule(3, "基础".into())
    );
    assert_eq!(
        sym_at(&mut ws, &uri, "返还 exception", 0),
        Sym::Part(3, "返还".into())
    );
    assert_eq!(
        sym_at(&mut ws, &uri, "甲", 2),
        Sym::Variant("方式".into(), "甲".into())
    );
    let a = ws.analysis(&key);
    // the let's definition is its declaration; the part is declared by its first rule
    let def = nav::definition(a, &Sym::Let(3, "小企业".into())).unwrap();
    assert_eq!(def.range.start.line, 14);
    let refs = nav::references(a, &Sym::Part(3, "返还".into()), true);
    assert_eq!(refs.len(), 2);
}

#[test]
fn hover_shows_what_the_policy_says() {
    let (mut ws, uri) = workspace(POLICY);
    let key = ws.unit_of(&uri);
    let a = ws.analysis(&key);
    let param = hover::hover(a, &Sym::Parameter("比例".into())).unwrap();
    assert!(param.contains("- 50% from 2020-01-01"), "{param}");
    assert!(param.contains("- 100% from 2020-06-01"), "{param}");
    let fact = hover::hover(a, &Sym::Fact("企业".into(), "保费".into())).unwrap();
    assert!(
        fact.contains("`保费: money/月`") && fact.contains("unit: 元/月"),
        "{fact}"
    );
    let dept = hover::hover(a, &Sym::Department("财政厅".into())).unwrap();
    assert!(
        dept.contains("cooperating (配合): （三） 稳岗返还"),
        "{dept}"
    );
    let rule = hover::hover(a, &Sym::Rule(3, "基础".into())).unwrap();
    assert!(rule.contains("> 按比例返还"), "{rule}");
    let measure = hover::hover(a, &Sym::Measure(3)).unwrap();
    assert!(measure.contains("返还标准提高至 100%。"), "{measure}");
    assert!(
        measure.contains("leads (牵头): 自治区人力资源社会保障厅"),
        "{measure}"
    );
}

#[test]
fn renames_are_refused_when_the_name_would_clash_or_look_alike() {
    let (mut ws, uri) = workspace(POLICY);
    let key = ws.unit_of(&uri);
    let a = ws.analysis(&key);
    let fact = Sym::Fact("企业".into(), "人数".into());
    let refused = |new: &str| nav::rename(a, &fact, new).err().map(|e| e.0);
    assert!(refused("比例").unwrap().contains("already declared"));
    assert!(refused("小企业").unwrap().contains("already declared"));
    assert!(refused("rule").unwrap().contains("keyword"));
    // a name of another kind may be reused where it cannot clash
    assert_eq!(refused("人社厅"), None);
    // Latin `a` and Cyrillic `а` print alike
    let (mut ws, uri) = workspace(&POLICY.replace("人数", "a1"));
    let key = ws.unit_of(&uri);
    let a = ws.analysis(&key);
    let rule = Sym::Rule(3, "特别".into());
    let why = nav::rename(a, &rule, "\u{430}1").err().unwrap().0;
    assert!(why.contains("looks like `a1`"), "{why}");
    let edit = nav::rename(a, &rule, "特殊").unwrap();
    let edits: usize = edit.changes.unwrap().values().map(Vec::len).sum();
    assert_eq!(edits, 1);
}

#[test]
fn completion_after_an_enum_and_a_dot_lists_its_variants() {
    let (mut ws, uri) = workspace(POLICY);
    let key = ws.unit_of(&uri);
    ws.analysis(&key);
    // being typed, the buffer does not parse: the names of the last analysis
    // in which it did are completed
    let text = format!("{POLICY}\nmeasure 4 \"x\" {{\n  to 企业\n  when 规模.");
    if let Some(d) = ws.docs.get_mut(&uri) {
        d.text = text.clone();
    }
    ws.invalidate(&uri);
    let a = ws.analysis(&key);
    assert!(!a.diagnostics[&0].is_empty());
    assert!(a.asts.is_empty() && a.previous.is_some());
    let items = complete::complete(a, FileId(0), &text, text.len());
    let labels: Vec<&str> = items.iter().map(|i| i.label.as_str()).collect();
    assert_eq!(labels, ["小型", "大型"]);
    let all = complete::complete(a, FileId(0), &text, text.len() - "规模.".len());
    assert!(all.iter().any(|i| i.label == "人社厅"));
    assert!(all.iter().any(|i| i.label == "let"));
}

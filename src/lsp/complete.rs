//! Completion: keywords, the names in scope, enumeration variants,
//! departments, localities and units.
//!
//! The file being typed rarely parses, so the context is read from the text
//! before the cursor: after `枚举.` only that enumeration's variants; after
//! `lead`, `cooperating`, `joint` or `may by`, departments first; after
//! `locality` in an example, localities first. Inside a measure of a file
//! that parses, its definitions and its addressees' facts come first.

use std::collections::BTreeSet;

use lsp_types::{CompletionItem, CompletionItemKind};

use super::index::Sym;
use super::workspace::Analysis;
use crate::source::FileId;
use crate::syntax::ast::{Item, MeasureClause, PartClause};

/// The units a number can be written with (and `万元`).
pub const UNITS: &[&str] = &["元", "万元", "人", "天", "月", "个月", "年", "%"];

/// The completions at byte `offset` of `file`, whose text is `text`.
pub fn complete(a: &Analysis, file: FileId, text: &str, offset: usize) -> Vec<CompletionItem> {
    let before = text.get(..offset.min(text.len())).unwrap_or("");
    let line = before.rsplit(['\n', '\r']).next().unwrap_or("");
    let word_start = line
        .char_indices()
        .rev()
        .find(|(_, c)| !is_name_char(*c))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let head = line.get(..word_start).unwrap_or("");
    // `枚举.` : the variants of that enumeration
    if let Some(prefix) = head.strip_suffix('.') {
        let en: String = {
            let rev: String = prefix
                .chars()
                .rev()
                .take_while(|c| is_name_char(*c))
                .collect();
            rev.chars().rev().collect()
        };
        let mut vs = a.index.variants(&en);
        if vs.is_empty() {
            vs = a.previous.as_ref().map_or(&[], |p| p.variants(&en));
        }
        if !vs.is_empty() {
            return vs
                .iter()
                .map(|v| item(v, CompletionItemKind::ENUM_MEMBER, Some(en.clone()), "0"))
                .collect();
        }
    }
    let first = head.split_whitespace().next().unwrap_or("");
    let wants_departments =
        matches!(first, "lead" | "cooperating" | "joint") || head.trim_end().ends_with("may by");
    let wants_locality = first == "locality" && head.split_whitespace().count() == 1;
    let mut items = Vec::new();
    let mut seen = BTreeSet::new();
    let mut push = |items: &mut Vec<CompletionItem>, it: CompletionItem| {
        if seen.insert((it.label.clone(), it.detail.clone())) {
            items.push(it);
        }
    };
    let (measure, entities) = scope(a, file, offset);
    let rank = |yes: bool| if yes { "0" } else { "2" };
    for sym in sorted_decls(a) {
        let it = match sym {
            Sym::Department(n) => {
                let full = full_name(a, n);
                item(n, CompletionItemKind::MODULE, full, rank(wants_departments))
            }
            Sym::Locality(n) => item(n, CompletionItemKind::VALUE, None, rank(wants_locality)),
            Sym::Parameter(n) => item(
                n,
                CompletionItemKind::CONSTANT,
                Some("parameter".into()),
                "1",
            ),
            Sym::Fact(e, n) => {
                let near = entities.contains(e);
                item(
                    n,
                    CompletionItemKind::FIELD,
                    Some(format!("fact of {e}")),
                    if near { "0" } else { "1" },
                )
            }
            Sym::Let(m, n) if Some(*m) == measure => item(
                n,
                CompletionItemKind::VARIABLE,
                Some("definition".into()),
                "0",
            ),
            Sym::Variant(e, n) => item(n, CompletionItemKind::ENUM_MEMBER, Some(e.clone()), "1"),
            Sym::Enum(n) => item(n, CompletionItemKind::ENUM, Some("enum".into()), "2"),
            Sym::Entity(n) => item(n, CompletionItemKind::STRUCT, Some("entity".into()), "2"),
            _ => continue,
        };
        push(&mut items, it);
    }
    for k in crate::syntax::KEYWORDS {
        push(&mut items, item(k, CompletionItemKind::KEYWORD, None, "3"));
    }
    for u in UNITS {
        push(
            &mut items,
            item(u, CompletionItemKind::UNIT, Some("unit".into()), "3"),
        );
    }
    items
}

/// The declarations in a stable order (by name), with those of the previous
/// analysis while a file does not parse.
fn sorted_decls(a: &Analysis) -> Vec<&Sym> {
    let previous = a.previous.iter().flat_map(|p| p.decls.keys());
    let mut v: Vec<&Sym> = a.index.decls.keys().chain(previous).collect();
    v.sort();
    v.dedup();
    v
}

fn item(
    label: &str,
    kind: CompletionItemKind,
    detail: Option<String>,
    rank: &str,
) -> CompletionItem {
    CompletionItem {
        label: label.to_string(),
        kind: Some(kind),
        detail,
        sort_text: Some(format!("{rank}{label}")),
        ..CompletionItem::default()
    }
}

fn full_name(a: &Analysis, short: &str) -> Option<String> {
    a.asts
        .iter()
        .flat_map(|f| f.items.iter())
        .find_map(|i| match i {
            Item::Department(d) if d.name.name == short => Some(d.full_name.value.clone()),
            _ => None,
        })
}

/// The measure around `offset` in a file that parses, and its addressees.
fn scope(a: &Analysis, file: FileId, offset: usize) -> (Option<u32>, Vec<String>) {
    let Some(ast) = a.asts.iter().find(|f| f.span.file == file) else {
        return (None, Vec::new());
    };
    for item in &ast.items {
        let Item::Measure(m) = item else {
            continue;
        };
        if !(m.span.start <= offset && offset <= m.span.end) {
            continue;
        }
        let mut entities = Vec::new();
        for c in &m.clauses {
            match c {
                MeasureClause::To(e) => entities.push(e.name.clone()),
                MeasureClause::Part(p) => {
                    for pc in &p.clauses {
                        if let PartClause::To(es, _) = pc {
                            entities.extend(es.iter().map(|e| e.name.clone()));
                        }
                    }
                }
                _ => {}
            }
        }
        return (Some(m.number), entities);
    }
    (None, Vec::new())
}

/// Whether `c` can be part of a name (letters, digits, `_`, CJK).
fn is_name_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

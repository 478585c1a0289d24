//! Go to definition, find references and rename.

use std::collections::HashMap;

use lsp_types::{Location, TextEdit, Uri, WorkspaceEdit};
use unicode_security::confusable_detection::skeleton;

use super::index::{Occurrence, Sym};
use super::workspace::Analysis;
use crate::source::FileId;
use crate::syntax;

/// Where `sym` is declared.
pub fn definition(a: &Analysis, sym: &Sym) -> Option<Location> {
    let decl = a.index.decls.get(sym)?;
    a.location(decl.name)
}

/// Every place `sym` is written; its declaration too if `with_decl`.
pub fn references(a: &Analysis, sym: &Sym, with_decl: bool) -> Vec<Location> {
    let mut out: Vec<Location> = a
        .index
        .occurrences_of(sym)
        .filter(|o| with_decl || !o.decl)
        .filter_map(|o| a.location(o.span))
        .collect();
    out.dedup();
    out
}

/// Why a rename is refused.
#[derive(Debug, PartialEq, Eq)]
pub struct Refused(pub String);

/// The occurrence under the cursor, if it can be renamed.
pub fn prepare(a: &Analysis, file: FileId, offset: usize) -> Result<&Occurrence, Refused> {
    let occ = a
        .index
        .at(file, offset)
        .ok_or_else(|| Refused("there is no name here to rename".into()))?;
    if !occ.sym.renamable() {
        return Err(Refused(format!(
            "a {} is named by its number, which cannot be renamed",
            occ.sym.what()
        )));
    }
    if !a.index.decls.contains_key(&occ.sym) {
        return Err(Refused(format!(
            "`{}` is not declared in this policy",
            occ.sym.name()
        )));
    }
    Ok(occ)
}

/// The edits that rename `sym` to `new` everywhere, or why not.
pub fn rename(a: &Analysis, sym: &Sym, new: &str) -> Result<WorkspaceEdit, Refused> {
    let old = sym.name();
    if new == old {
        return Ok(WorkspaceEdit::default());
    }
    if syntax::is_keyword(new) {
        return Err(Refused(format!(
            "`{new}` is a keyword and cannot be a name"
        )));
    }
    if !is_name(new) {
        return Err(Refused(format!("`{new}` is not a name")));
    }
    if let Some(other) = a
        .index
        .decls
        .keys()
        .find(|other| *other != sym && other.name() == new && clash(sym, other))
    {
        return Err(Refused(format!(
            "`{new}` is already declared (a {})",
            other.what()
        )));
    }
    let shape: String = skeleton(new).collect();
    if let Some(other) = a.index.decls.keys().find(|other| {
        *other != sym && other.name() != new && skeleton(&other.name()).collect::<String>() == shape
    }) {
        return Err(Refused(format!(
            "`{new}` looks like `{}` (a {}): two names that print alike are refused",
            other.name(),
            other.what()
        )));
    }
    let mut changes: HashMap<Uri, Vec<TextEdit>> = HashMap::new();
    for o in a.index.occurrences_of(sym) {
        if let Some(loc) = a.location(o.span) {
            let edits = changes.entry(loc.uri).or_default();
            let edit = TextEdit::new(loc.range, new.to_string());
            if !edits.contains(&edit) {
                edits.push(edit);
            }
        }
    }
    Ok(WorkspaceEdit::new(changes))
}

/// Whether `text` is one name of the language (it parses as a department's name).
fn is_name(text: &str) -> bool {
    if text.is_empty() || text.len() > 1000 {
        return false;
    }
    let probe = format!("department {text} = \"x\"\n");
    match syntax::parse(FileId(0), &probe) {
        Ok(f) => matches!(
            f.items.as_slice(),
            [syntax::ast::Item::Department(d)] if d.name.name == text
        ),
        Err(_) => false,
    }
}

/// Whether a declaration of `other` with the new name would collide with `sym`:
/// both in one namespace (names in expressions share one: definitions, facts,
/// parameters and variants).
fn clash(sym: &Sym, other: &Sym) -> bool {
    let in_expressions = |s: &Sym| {
        matches!(
            s,
            Sym::Let(..) | Sym::Fact(..) | Sym::Parameter(_) | Sym::Variant(..)
        )
    };
    match (sym, other) {
        (Sym::Rule(m, _), Sym::Rule(n, _)) | (Sym::Part(m, _), Sym::Part(n, _)) => m == n,
        (Sym::Enum(_), Sym::Enum(_) | Sym::Parameter(_))
        | (Sym::Parameter(_), Sym::Enum(_))
        | (Sym::Entity(_), Sym::Entity(_))
        | (Sym::Department(_), Sym::Department(_))
        | (Sym::Locality(_), Sym::Locality(_)) => true,
        (s, o) => in_expressions(s) && in_expressions(o),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_what_the_grammar_accepts() {
        assert!(is_name("人社厅"));
        assert!(is_name("a_1"));
        assert!(!is_name("a b"));
        assert!(!is_name(""));
        assert!(!is_name("1a"));
        assert!(!is_name("x = \"y\"\ndepartment z"));
    }
}

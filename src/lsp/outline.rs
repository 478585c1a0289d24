//! Document symbols (sections → measures → parts → rules, and the
//! declarations) and workspace symbols.

use lsp_types::{DocumentSymbol, Location, SymbolInformation, SymbolKind};

use super::convert;
use super::index::Sym;
use super::workspace::Analysis;
use crate::source::{FileId, Span};
use crate::syntax::ast::{self, Item, MeasureClause};

/// The outline of one file of the policy.
pub fn document_symbols(a: &Analysis, file: FileId) -> Vec<DocumentSymbol> {
    let Some(ast) = a.asts.iter().find(|f| f.span.file == file) else {
        return Vec::new();
    };
    let mut out: Vec<DocumentSymbol> = Vec::new();
    // the position in `out` of each section of this file, by number
    let mut sections: Vec<(u32, usize)> = Vec::new();
    for item in &ast.items {
        match item {
            Item::Section(s) => {
                let name = format!("{}、{}", crate::ir::chinese_number(s.number), s.title.value);
                if let Some(sym) = symbol(a, name, SymbolKind::NAMESPACE, s.span, s.title.span) {
                    sections.push((s.number, out.len()));
                    out.push(sym);
                }
            }
            Item::Measure(m) => {
                let Some(sym) = measure(a, m) else {
                    continue;
                };
                let section = m.clauses.iter().find_map(|c| match c {
                    MeasureClause::Section(n, _) => Some(*n),
                    _ => None,
                });
                let parent = section
                    .and_then(|n| sections.iter().find(|(s, _)| *s == n))
                    .and_then(|(_, i)| out.get_mut(*i));
                match parent {
                    Some(p) => p.children.get_or_insert_with(Vec::new).push(sym),
                    None => out.push(sym),
                }
            }
            Item::Department(d) => out.extend(symbol(
                a,
                d.name.name.clone(),
                SymbolKind::MODULE,
                d.span,
                d.name.span,
            )),
            Item::Enum(e) => {
                if let Some(mut sym) = symbol(
                    a,
                    e.name.name.clone(),
                    SymbolKind::ENUM,
                    e.span,
                    e.name.span,
                ) {
                    let children: Vec<DocumentSymbol> = e
                        .variants
                        .iter()
                        .filter_map(|v| {
                            symbol(a, v.name.clone(), SymbolKind::ENUM_MEMBER, v.span, v.span)
                        })
                        .collect();
                    sym.children = Some(children);
                    out.push(sym);
                }
            }
            Item::Entity(e) => {
                if let Some(mut sym) = symbol(
                    a,
                    e.name.name.clone(),
                    SymbolKind::STRUCT,
                    e.span,
                    e.name.span,
                ) {
                    let children: Vec<DocumentSymbol> = e
                        .fields
                        .iter()
                        .filter_map(|f| {
                            symbol(
                                a,
                                f.name.name.clone(),
                                SymbolKind::FIELD,
                                f.span,
                                f.name.span,
                            )
                        })
                        .collect();
                    sym.children = Some(children);
                    out.push(sym);
                }
            }
            Item::Parameter(p) => out.extend(symbol(
                a,
                p.name.name.clone(),
                SymbolKind::CONSTANT,
                p.span,
                p.name.span,
            )),
            Item::Locality(l) => out.extend(symbol(
                a,
                l.name.name.clone(),
                SymbolKind::OBJECT,
                l.span,
                l.name.span,
            )),
            _ => {}
        }
    }
    out
}

fn measure(a: &Analysis, m: &ast::Measure) -> Option<DocumentSymbol> {
    let name = format!("{} {}", crate::ir::measure_label(m.number), m.title.value);
    let mut sym = symbol(a, name, SymbolKind::FUNCTION, m.span, m.number_span)?;
    let mut children: Vec<DocumentSymbol> = Vec::new();
    // parts by name → index in `children`
    let mut parts: Vec<(String, usize)> = Vec::new();
    for c in &m.clauses {
        match c {
            MeasureClause::Part(p) => {
                if let Some(s) = symbol(
                    a,
                    p.name.name.clone(),
                    SymbolKind::PACKAGE,
                    p.span,
                    p.name.span,
                ) {
                    parts.push((p.name.name.clone(), children.len()));
                    children.push(s);
                }
            }
            MeasureClause::Rule(r) => {
                let Some(rs) = symbol(
                    a,
                    r.name.name.clone(),
                    SymbolKind::METHOD,
                    r.span,
                    r.name.span,
                ) else {
                    continue;
                };
                let Some(part) = &r.part else {
                    children.push(rs);
                    continue;
                };
                let at = match parts.iter().find(|(n, _)| *n == part.name) {
                    Some((_, i)) => *i,
                    None => {
                        let Some(ps) =
                            symbol(a, part.name.clone(), SymbolKind::PACKAGE, r.span, part.span)
                        else {
                            continue;
                        };
                        parts.push((part.name.clone(), children.len()));
                        children.push(ps);
                        children.len() - 1
                    }
                };
                if let Some(p) = children.get_mut(at) {
                    // an implied part spans its rules
                    if let Some(r0) = convert::range(a, r.span) {
                        if r0.end > p.range.end {
                            p.range.end = r0.end;
                        }
                    }
                    p.children.get_or_insert_with(Vec::new).push(rs);
                }
            }
            MeasureClause::Let(n, _, span) => children.extend(symbol(
                a,
                n.name.clone(),
                SymbolKind::VARIABLE,
                *span,
                n.span,
            )),
            MeasureClause::Example(x) => children.extend(symbol(
                a,
                x.name.value.clone(),
                SymbolKind::EVENT,
                x.span,
                x.name.span,
            )),
            _ => {}
        }
    }
    sym.children = Some(children);
    Some(sym)
}

#[allow(
    deprecated,
    reason = "the `deprecated` field must be written; `tags` replaces it"
)]
fn symbol(
    a: &Analysis,
    name: String,
    kind: SymbolKind,
    whole: Span,
    name_span: Span,
) -> Option<DocumentSymbol> {
    let range = convert::range(a, whole)?;
    let selection = convert::range(a, name_span)?;
    // the selection must lie within the range
    let selection = if selection.start >= range.start && selection.end <= range.end {
        selection
    } else {
        lsp_types::Range::new(range.start, range.start)
    };
    Some(DocumentSymbol {
        name: if name.is_empty() { "_".into() } else { name },
        detail: None,
        kind,
        tags: None,
        deprecated: None,
        range,
        selection_range: selection,
        children: None,
    })
}

/// The declarations of a policy whose name holds `query` (all when empty).
#[allow(
    deprecated,
    reason = "the `deprecated` field must be written; `tags` replaces it"
)]
pub fn workspace_symbols(a: &Analysis, query: &str, out: &mut Vec<SymbolInformation>) {
    let mut decls: Vec<(&Sym, Span)> = a
        .index
        .decls
        .iter()
        .filter(|(s, _)| s.name().contains(query) || title(a, s).contains(query))
        .map(|(s, d)| (s, d.name))
        .collect();
    decls.sort_by_key(|(s, span)| (span.file, span.start, (*s).clone()));
    for (sym, span) in decls {
        let Some(location): Option<Location> = a.location(span) else {
            continue;
        };
        let kind = match sym {
            Sym::Department(_) => SymbolKind::MODULE,
            Sym::Enum(_) => SymbolKind::ENUM,
            Sym::Variant(..) => SymbolKind::ENUM_MEMBER,
            Sym::Entity(_) => SymbolKind::STRUCT,
            Sym::Fact(..) => SymbolKind::FIELD,
            Sym::Parameter(_) => SymbolKind::CONSTANT,
            Sym::Locality(_) => SymbolKind::OBJECT,
            Sym::Section(_) => SymbolKind::NAMESPACE,
            Sym::Measure(_) => SymbolKind::FUNCTION,
            Sym::Rule(..) => SymbolKind::METHOD,
            Sym::Part(..) => SymbolKind::PACKAGE,
            Sym::Let(..) => SymbolKind::VARIABLE,
        };
        let container = match sym {
            Sym::Variant(c, _) | Sym::Fact(c, _) => Some(c.clone()),
            Sym::Rule(m, _) | Sym::Part(m, _) | Sym::Let(m, _) => {
                Some(crate::ir::measure_label(*m))
            }
            _ => None,
        };
        out.push(SymbolInformation {
            name: title(a, sym),
            kind,
            tags: None,
            deprecated: None,
            location,
            container_name: container,
        });
    }
}

/// A symbol's name as listed: a measure with its label and title.
fn title(a: &Analysis, sym: &Sym) -> String {
    match sym {
        Sym::Measure(n) => {
            let t = a
                .asts
                .iter()
                .flat_map(|f| f.items.iter())
                .find_map(|i| match i {
                    Item::Measure(m) if m.number == *n => Some(m.title.value.clone()),
                    _ => None,
                })
                .unwrap_or_default();
            format!("{} {}", crate::ir::measure_label(*n), t)
        }
        s => s.name(),
    }
}

//! What hovering a name shows, in Markdown, read from the syntax trees (so
//! that hover works while another part of the policy has errors): values and
//! types are shown as the policy writes them.

use std::fmt::Write as _;

use super::index::Sym;
use super::workspace::Analysis;
use crate::syntax::ast::{self, DeptRole, Item, MeasureClause, ParamBody, RuleClause};

/// The hover text of a symbol, if the policy declares it.
pub fn hover(a: &Analysis, sym: &Sym) -> Option<String> {
    let items = || a.asts.iter().flat_map(|f| f.items.iter());
    let mut out = String::new();
    match sym {
        Sym::Measure(n) => {
            let m = items().find_map(|i| match i {
                Item::Measure(m) if m.number == *n => Some(m),
                _ => None,
            })?;
            measure(a, m, &mut out);
        }
        Sym::Department(name) => {
            let d = items().find_map(|i| match i {
                Item::Department(d) if d.name.name == *name => Some(d),
                _ => None,
            })?;
            let _ = writeln!(out, "**department {}**: {}\n", name, d.full_name.value);
            for role in [DeptRole::Lead, DeptRole::Cooperating, DeptRole::Joint] {
                let ms: Vec<String> = items()
                    .filter_map(|i| match i {
                        Item::Measure(m) if leads(m, role, name) => Some(format!(
                            "{} {}",
                            crate::ir::measure_label(m.number),
                            m.title.value
                        )),
                        _ => None,
                    })
                    .collect();
                if !ms.is_empty() {
                    let _ = writeln!(out, "- {}: {}", role_words(role), ms.join("; "));
                }
            }
        }
        Sym::Entity(name) => {
            let e = items().find_map(|i| match i {
                Item::Entity(e) if e.name.name == *name => Some(e),
                _ => None,
            })?;
            let _ = writeln!(out, "**entity {}**", name);
            if let Some(d) = &e.description {
                let _ = writeln!(out, "\n{}", d.value);
            }
            let _ = writeln!(out, "\n{} facts", e.fields.len());
        }
        Sym::Fact(entity, name) => {
            let f = items().find_map(|i| match i {
                Item::Entity(e) if e.name.name == *entity => {
                    e.fields.iter().find(|f| f.name.name == *name)
                }
                _ => None,
            })?;
            let ty = a.slice(f.ty.span());
            let _ = writeln!(out, "**fact** `{name}: {ty}`\n\nof entity **{entity}**");
            if let Some(unit) = unit_of(ty) {
                let _ = writeln!(out, "\nunit: {unit}");
            }
        }
        Sym::Parameter(name) => parameter(a, name, &mut out)?,
        Sym::Enum(name) => {
            let _ = writeln!(
                out,
                "**enum {}** {{ {} }}",
                name,
                a.index.variants(name).join(", ")
            );
        }
        Sym::Variant(en, v) => {
            let _ = writeln!(out, "**{v}**: a variant of `{en}`");
        }
        Sym::Locality(name) => {
            let l = items().find_map(|i| match i {
                Item::Locality(l) if l.name.name == *name => Some(l),
                _ => None,
            })?;
            let _ = writeln!(out, "**locality {name}**\n");
            for v in &l.values {
                let _ = writeln!(out, "- {} = {}", v.param.name, a.slice(v.value.span()));
            }
        }
        Sym::Section(n) => {
            let s = items().find_map(|i| match i {
                Item::Section(s) if s.number == *n => Some(s),
                _ => None,
            })?;
            let _ = writeln!(
                out,
                "**section {}**: {}、{}",
                n,
                crate::ir::chinese_number(*n),
                s.title.value
            );
        }
        Sym::Rule(m, name) => {
            let r = rules_of(a, *m).find(|r| r.name.name == *name)?;
            let _ = writeln!(
                out,
                "**rule {}** of measure {}",
                name,
                crate::ir::measure_label(*m)
            );
            if let Some(p) = &r.part {
                let _ = writeln!(out, "\npart `{}`", p.name);
            }
            if let Some(b) = &r.exception_to {
                let _ = writeln!(out, "\nexception to `{}`", b.name);
            }
            for c in &r.clauses {
                if let RuleClause::Text(t) = c {
                    let _ = writeln!(out, "\n> {}", t.value.replace('\n', "\n> "));
                }
            }
        }
        Sym::Part(m, name) => {
            let n = rules_of(a, *m)
                .filter(|r| r.part.as_ref().is_some_and(|p| p.name == *name))
                .count();
            let _ = writeln!(
                out,
                "**part {}** of measure {}: {} rules",
                name,
                crate::ir::measure_label(*m),
                n
            );
        }
        Sym::Let(m, _) => {
            let decl = a.index.decls.get(sym)?;
            let _ = writeln!(
                out,
                "**definition** of measure {}\n\n```policy\n{}\n```",
                crate::ir::measure_label(*m),
                a.slice(decl.item)
            );
        }
    }
    Some(out)
}

fn measure(a: &Analysis, m: &ast::Measure, out: &mut String) {
    let _ = writeln!(
        out,
        "**measure {} {}** {}\n",
        m.number,
        crate::ir::measure_label(m.number),
        m.title.value
    );
    let mut text = None;
    for c in &m.clauses {
        match c {
            MeasureClause::Kind(k) => {
                let _ = writeln!(out, "- kind: {}", k.name);
            }
            MeasureClause::To(e) => {
                let _ = writeln!(out, "- to: {}", e.name);
            }
            MeasureClause::Effective(e) => {
                let _ = writeln!(out, "- {}", a.slice(e.span));
            }
            MeasureClause::Deadline(d, _) => {
                let _ = writeln!(out, "- applications until {}", d.value);
            }
            MeasureClause::Departments(role, ds, _) => {
                let names: Vec<String> = ds.names.iter().map(|d| full_name(a, &d.name)).collect();
                let open = if ds.open.is_some() { " 等" } else { "" };
                let _ = writeln!(out, "- {}: {}{open}", role_words(*role), names.join("、"));
            }
            MeasureClause::Text(t) => text = Some(t.value.clone()),
            _ => {}
        }
    }
    let rules = m
        .clauses
        .iter()
        .filter(|c| matches!(c, MeasureClause::Rule(_)))
        .count();
    let examples = m
        .clauses
        .iter()
        .filter(|c| matches!(c, MeasureClause::Example(_)))
        .count();
    let _ = writeln!(out, "- {rules} rules, {examples} examples");
    if let Some(t) = text {
        let _ = writeln!(out, "\n---\n\n{}", t.trim());
    }
}

fn parameter(a: &Analysis, name: &str, out: &mut String) -> Option<()> {
    let p = a
        .asts
        .iter()
        .flat_map(|f| f.items.iter())
        .find_map(|i| match i {
            Item::Parameter(p) if p.name.name == name => Some(p),
            _ => None,
        })?;
    let _ = writeln!(out, "**parameter** `{}: {}`\n", name, a.slice(p.ty.span()));
    if let ParamBody::Constant(v) = &p.body {
        let _ = writeln!(out, "= {}", a.slice(v.span()));
    } else if let ParamBody::Versioned(vs) = &p.body {
        for v in vs {
            let _ = writeln!(out, "- {} from {}", a.slice(v.value.span()), v.from.value);
        }
    } else if let ParamBody::Locality {
        default,
        floor,
        cap,
        ..
    } = &p.body
    {
        let _ = writeln!(out, "set by each locality");
        for (word, v) in [("default", default), ("floor", floor), ("cap", cap)] {
            if let Some(v) = v {
                let _ = writeln!(out, "- {word} {}", a.slice(v.span()));
            }
        }
        let _ = writeln!(out);
        for l in a.asts.iter().flat_map(|f| f.items.iter()) {
            if let Item::Locality(l) = l {
                for v in l.values.iter().filter(|v| v.param.name == name) {
                    let _ = writeln!(out, "- {}: {}", l.name.name, a.slice(v.value.span()));
                }
            }
        }
    }
    Some(())
}

/// The rules of measure `m`.
fn rules_of(a: &Analysis, m: u32) -> impl Iterator<Item = &ast::Rule> {
    a.asts
        .iter()
        .flat_map(|f| f.items.iter())
        .filter_map(move |i| match i {
            Item::Measure(x) if x.number == m => Some(x),
            _ => None,
        })
        .flat_map(|x| x.clauses.iter())
        .filter_map(|c| match c {
            MeasureClause::Rule(r) => Some(r),
            _ => None,
        })
}

fn leads(m: &ast::Measure, role: DeptRole, name: &str) -> bool {
    m.clauses.iter().any(|c| match c {
        MeasureClause::Departments(r, ds, _) => {
            *r == role && ds.names.iter().any(|d| d.name == name)
        }
        _ => false,
    })
}

fn role_words(role: DeptRole) -> &'static str {
    match role {
        DeptRole::Lead => "leads (牵头)",
        DeptRole::Cooperating => "cooperating (配合)",
        DeptRole::Joint => "joint (按职责分工负责)",
        DeptRole::Implementing => "implementing (负责实施)",
    }
}

fn full_name(a: &Analysis, short: &str) -> String {
    a.asts
        .iter()
        .flat_map(|f| f.items.iter())
        .find_map(|i| match i {
            Item::Department(d) if d.name.name == short => Some(d.full_name.value.clone()),
            _ => None,
        })
        .unwrap_or_else(|| short.to_string())
}

/// The unit a written type carries: `integer<人>` → `人`, `money/月` → `元/月`.
fn unit_of(ty: &str) -> Option<String> {
    let mut base = ty.split('/');
    let head = base.next().unwrap_or("");
    let mut unit = if head.starts_with("money") {
        "元".to_string()
    } else if let Some(u) = head.split_once('<').and_then(|(_, u)| u.strip_suffix('>')) {
        u.to_string()
    } else if head.trim() == "percent" {
        "%".to_string()
    } else {
        String::new()
    };
    for per in base {
        unit.push('/');
        unit.push_str(per.trim());
    }
    (!unit.is_empty()).then_some(unit)
}

//! Departments: the registry (a short name, the full name and the other
//! spellings the document uses), and the lists of measures and of the
//! document header — roles, open lists (`等`), spellings kept as written.

use super::*;
use crate::ir::Role;

/// The IR role of a role keyword.
pub(super) fn role_of(r: DeptRole) -> Role {
    match r {
        DeptRole::Lead => Role::Lead,
        DeptRole::Cooperating => Role::Cooperating,
        DeptRole::Joint => Role::Joint,
        DeptRole::Implementing => Role::Implementing,
    }
}

/// What the departments named so far in one list owner (a measure, or the
/// document header) are: registry index → (role, where).
pub(super) type Seen = HashMap<usize, (DeptRole, Span)>;

impl<'a> Checker<'a> {
    /// `department 人行呼市 = "人民银行呼和浩特中心支行", "中国人民银行呼和浩特中心支行"`
    pub(super) fn collect_department(&mut self, d: &ast::Department) {
        if let Some(&i) = self.index.departments.get(d.name.name.as_str()) {
            let first = self.dept_spans.get(i).copied().unwrap_or_default();
            let help = self.first_at(first);
            self.err(
                d.name.span,
                CheckError::Duplicate {
                    what: "department",
                    name: d.name.name.clone(),
                    span: d.name.span,
                    help,
                },
            );
            return;
        }
        let at = self.departments.len();
        self.index
            .departments
            .entry(d.name.name.clone())
            .or_insert(at);
        self.index
            .departments
            .entry(d.full_name.value.clone())
            .or_insert(at);
        let mut spellings: Vec<String> = Vec::new();
        for s in &d.spellings {
            let taken = self.index.departments.get(s.value.as_str()).copied();
            if let Some(other) = taken {
                let whose = if other == at {
                    format!("it is already a name of `{}`", d.name.name)
                } else {
                    let id = self.departments.get(other).map_or("", |x| x.id.as_str());
                    format!("it is already a name of `{id}`")
                };
                self.problem(
                    Problem::DUPLICATE_SPELLING,
                    s.span,
                    format!("the spelling `{}` is declared twice", s.value),
                    "declared again here",
                    Some(format!("{whose}; a spelling names one department, once")),
                );
                continue;
            }
            self.index.departments.insert(s.value.clone(), at);
            spellings.push(s.value.clone());
        }
        self.departments.push(ir::Department {
            id: d.name.name.clone(),
            name: d.full_name.value.clone(),
            spellings,
            source: self.sref(d.span),
        });
        self.dept_spans.push(d.name.span);
    }

    /// A department named in a list: its registry index and its full name as
    /// the list writes it (one of its declared spellings, or the full name).
    pub(super) fn department(&mut self, n: &ast::Ident) -> Option<(usize, String)> {
        if let Some((i, d)) = self
            .index
            .departments
            .get(n.name.as_str())
            .and_then(|&i| self.departments.get(i).map(|d| (i, d)))
        {
            if d.spellings.contains(&n.name) {
                return Some((i, n.name.clone()));
            }
            return Some((i, d.name.clone()));
        }
        if n.name == "等" {
            self.problem(
                Problem::MISPLACED_OPEN_LIST,
                n.span,
                "`等` is written as a department",
                "not a department",
                Some(
                    "an open list ends in `等` after its last department, without a comma: `财政厅, 烟草专卖局 等`"
                        .into(),
                ),
            );
            return None;
        }
        // `烟草专卖局等`: an open list without the space before 等
        let glued = n
            .name
            .strip_suffix('等')
            .filter(|s| self.index.departments.contains_key(*s))
            .map(|s| format!("`{s}` is a department: to end an open list, write a space before `等` (`{s} 等`)"));
        let help = glued
            .or_else(|| self.suggest(&n.name, || self.departments.iter().map(|d| d.id.as_str())))
            .or(Some("declare it with `department 短名 = \"全称\"`".into()));
        self.err(
            n.span,
            CheckError::UnknownDepartment {
                name: n.name.clone(),
                span: n.span,
                help,
            },
        );
        None
    }

    /// One `lead …`/`cooperating …`/`joint …`/`implementing …` list, added to
    /// `out`; `owner` says where it is ("this measure", "the document header").
    pub(super) fn department_list(
        &mut self,
        role: DeptRole,
        list: &ast::DeptList,
        owner: &str,
        seen: &mut Seen,
        out: &mut ir::Departments,
    ) {
        for span in &list.misplaced_open {
            self.problem(
                Problem::MISPLACED_OPEN_LIST,
                *span,
                "`等` is written before the end of the list",
                "not after the last department",
                Some(
                    "`等` says the list is open: write it once, after the last department (`财政厅, 烟草专卖局 等`)"
                        .into(),
                ),
            );
        }
        for n in &list.names {
            let Some((i, written)) = self.department(n) else {
                continue;
            };
            if let Some((prev_role, prev)) = seen.get(&i) {
                let help = Some(format!(
                    "it is already `{}` at {}; a department has one role in {owner}",
                    prev_role.keyword(),
                    self.sref(*prev)
                ));
                self.problem(
                    Problem::DUPLICATE_DEPARTMENT,
                    n.span,
                    format!("department `{}` is named twice in {owner}", n.name),
                    "named again here",
                    help,
                );
                continue;
            }
            seen.insert(i, (role, n.span));
            out.of_mut(role_of(role)).push(written);
        }
        if list.open.is_some() && !out.open.contains(&role_of(role)) {
            out.open.push(role_of(role));
            out.open.sort();
        }
    }

    /// The document header's departments for every measure, once the
    /// registry is complete.
    pub(super) fn resolve_document_departments(&mut self) {
        let Some(d) = self.document_ast else {
            return;
        };
        let mut seen = Seen::new();
        let mut out = ir::Departments::default();
        for x in &d.departments {
            self.department_list(x.role, &x.list, "the document header", &mut seen, &mut out);
        }
        if let Some(doc) = self.document.as_mut() {
            doc.departments = out;
        }
    }
}

//! Changes to the departments of a measure: added, removed, moved between
//! roles, a list opened or closed (等), a department written with another
//! spelling; and the document's departments for every measure.

use super::*;
use crate::ir::Role;

/// registry id → (role, the full name as written)
type Roles = BTreeMap<String, (Role, String)>;

impl Differ<'_> {
    fn roles(p: &Policy, d: &ir::Departments) -> (Vec<String>, Roles) {
        let mut order = Vec::new();
        let mut map = Roles::new();
        for role in Role::ALL {
            for full in d.of(role) {
                let id = Self::dept_id(p, full);
                order.push(id.clone());
                map.insert(id, (role, full.clone()));
            }
        }
        (order, map)
    }

    /// The departments of a measure (`s`, `num`), or of the document header.
    pub(super) fn department_lists(
        &mut self,
        s: &str,
        num: Option<u32>,
        o: &ir::Departments,
        n: &ir::Departments,
    ) {
        let (old_order, old) = Self::roles(self.old, o);
        let (new_order, new) = Self::roles(self.new, n);
        for d in &old_order {
            let Some((r, written)) = old.get(d) else {
                continue;
            };
            let what = format!("department {d}");
            match new.get(d) {
                None => self.push(
                    s,
                    num,
                    ChangeKind::DepartmentRemoved,
                    &what,
                    Some(r.keyword().into()),
                    None,
                    None,
                    None,
                ),
                Some((nr, nw)) => {
                    if nr != r {
                        self.push(
                            s,
                            num,
                            ChangeKind::DepartmentMoved,
                            &what,
                            Some(r.keyword().into()),
                            Some(nr.keyword().into()),
                            None,
                            None,
                        );
                    }
                    if nw != written {
                        self.push(
                            s,
                            num,
                            ChangeKind::DepartmentWordingChanged,
                            &format!("{what} written as"),
                            Some(written.clone()),
                            Some(nw.clone()),
                            None,
                            None,
                        );
                    }
                }
            }
        }
        for d in &new_order {
            if old.contains_key(d) {
                continue;
            }
            if let Some((r, _)) = new.get(d) {
                self.push(
                    s,
                    num,
                    ChangeKind::DepartmentAdded,
                    &format!("department {d}"),
                    None,
                    Some(r.keyword().into()),
                    None,
                    None,
                );
            }
        }
        for role in Role::ALL {
            let (was, is) = (o.is_open(role), n.is_open(role));
            if was != is {
                let say = |open: bool| {
                    if open {
                        "open (ends in 等)".to_string()
                    } else {
                        "closed".to_string()
                    }
                };
                self.push(
                    s,
                    num,
                    ChangeKind::DepartmentWordingChanged,
                    &format!("{} list", role.keyword()),
                    Some(say(was)),
                    Some(say(is)),
                    None,
                    None,
                );
            }
        }
    }

    pub(super) fn departments(&mut self, s: &str, num: Option<u32>, o: &Measure, n: &Measure) {
        self.department_lists(s, num, &o.departments, &n.departments);
    }
}

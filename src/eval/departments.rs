//! The departments an explanation shows for a measure: its own, as it writes
//! them (open lists marked), and those the document names for every measure.

use serde::Serialize;

use crate::ir::{Departments, Measure, Policy, Role};

/// Who answers for a measure, as `eval --explain` shows it.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct ShownDepartments {
    /// 牵头, full names as the measure writes them.
    pub lead: Vec<String>,
    /// 配合
    pub cooperating: Vec<String>,
    /// 按职责分工负责
    pub joint: Vec<String>,
    /// 负责实施
    pub implementing: Vec<String>,
    /// The roles whose list ends in 等.
    pub open: Vec<Role>,
    /// The departments added from the document's attribution for every
    /// measure (a department the measure names itself keeps its own role).
    pub from_document: Vec<String>,
}

impl ShownDepartments {
    /// The departments of `m`, with the document's added; `None` when there are none.
    pub fn of(policy: &Policy, m: &Measure) -> Option<ShownDepartments> {
        let doc = policy.document.as_ref().map(|d| &d.departments);
        let all: Departments = m.departments.with_document(doc);
        if all.is_empty() {
            return None;
        }
        let from_document = Role::ALL
            .iter()
            .flat_map(|r| all.of(*r).iter())
            .filter(|d| !Role::ALL.iter().any(|r| m.departments.of(*r).contains(d)))
            .cloned()
            .collect();
        Some(ShownDepartments {
            lead: all.lead.clone(),
            cooperating: all.cooperating.clone(),
            joint: all.joint.clone(),
            implementing: all.implementing.clone(),
            open: all.open.clone(),
            from_document,
        })
    }

    /// One line for people: `lead 甲; cooperating 乙、丙等; implementing 丁
    /// (丁 for every measure, from the document)`.
    pub fn words(&self) -> String {
        let d = Departments {
            lead: self.lead.clone(),
            cooperating: self.cooperating.clone(),
            joint: self.joint.clone(),
            implementing: self.implementing.clone(),
            open: self.open.clone(),
        };
        let mut s = d.summary();
        if !self.from_document.is_empty() {
            s.push_str(&format!(
                " ({} for every measure, from the document)",
                self.from_document.join("、")
            ));
        }
        s
    }
}

//! The document as the text has it: its legal basis, and the roles of
//! departments (with open lists and the document's own attribution).

use serde::{Deserialize, Serialize};

use super::Departments;

/// A document the policy implements (依据), as the preamble cites it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Basis {
    /// Its number, e.g. 国发〔2019〕28号.
    pub number: String,
    /// Its title, without the book-title marks.
    pub title: String,
}

/// How a department answers for a measure.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 牵头
    Lead,
    /// 配合
    Cooperating,
    /// 按职责分工负责
    Joint,
    /// 负责实施
    Implementing,
}

impl Role {
    /// Every role, in the order reports show them.
    pub const ALL: [Role; 4] = [
        Role::Lead,
        Role::Cooperating,
        Role::Joint,
        Role::Implementing,
    ];

    /// The keyword of the language.
    pub fn keyword(self) -> &'static str {
        match self {
            Role::Lead => "lead",
            Role::Cooperating => "cooperating",
            Role::Joint => "joint",
            Role::Implementing => "implementing",
        }
    }

    /// The words of the text (牵头, 配合, 按职责分工负责, 负责实施).
    pub fn words(self) -> &'static str {
        match self {
            Role::Lead => "牵头",
            Role::Cooperating => "配合",
            Role::Joint => "按职责分工负责",
            Role::Implementing => "负责实施",
        }
    }
}

impl Departments {
    /// Whether no department is named.
    pub fn is_empty(&self) -> bool {
        self.lead.is_empty()
            && self.cooperating.is_empty()
            && self.joint.is_empty()
            && self.implementing.is_empty()
    }

    /// The departments of one role.
    pub fn of(&self, role: Role) -> &[String] {
        match role {
            Role::Lead => &self.lead,
            Role::Cooperating => &self.cooperating,
            Role::Joint => &self.joint,
            Role::Implementing => &self.implementing,
        }
    }

    /// The list of one role, to add to.
    pub fn of_mut(&mut self, role: Role) -> &mut Vec<String> {
        match role {
            Role::Lead => &mut self.lead,
            Role::Cooperating => &mut self.cooperating,
            Role::Joint => &mut self.joint,
            Role::Implementing => &mut self.implementing,
        }
    }

    /// Whether the list of `role` ends in 等.
    pub fn is_open(&self, role: Role) -> bool {
        self.open.contains(&role)
    }

    /// A measure's departments with the document's attribution added: each
    /// department the document names for every measure is added in its role,
    /// unless the measure names it itself (the measure's own role stands).
    /// An open list stays open.
    pub fn with_document(&self, document: Option<&Departments>) -> Departments {
        let mut out = self.clone();
        let Some(doc) = document else {
            return out;
        };
        for role in Role::ALL {
            for d in doc.of(role) {
                let named = Role::ALL.iter().any(|r| self.of(*r).contains(d));
                if !named {
                    out.of_mut(role).push(d.clone());
                }
            }
            if doc.is_open(role) && !out.open.contains(&role) {
                out.open.push(role);
            }
        }
        out.open.sort();
        out
    }

    /// One line for people: `lead 甲; cooperating 乙、丙等`, the text's 顿号
    /// between names and 等 after an open list; empty when none.
    pub fn summary(&self) -> String {
        let mut parts = Vec::new();
        for role in Role::ALL {
            let names = self.of(role);
            if names.is_empty() {
                continue;
            }
            let etc = if self.is_open(role) { "等" } else { "" };
            parts.push(format!("{} {}{etc}", role.keyword(), names.join("、")));
        }
        parts.join("; ")
    }
}

//! Parts with an addressee or dates of their own (`part P { to … effective …
//! applications until … }`), and the questions every engine asks of them:
//! which parts of a measure are addressed to an entity, which dates govern a
//! part, and where a part's facts are in each of its addressees.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{Expr, Measure, Node, Period};
use crate::source::SourceRef;

/// A part declared in a measure: whom it is addressed to and when it applies,
/// where these differ from the measure's.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartDef {
    /// The part's name, as the rules write it after `part`.
    pub name: String,
    /// The entities it is addressed to (`to 职工 or 企业`), each with where the
    /// part's facts are in it; empty: the measure's addressee. The rules of the
    /// part read their facts in the first one's slots.
    pub to: Vec<PartAddressee>,
    /// Its implementation period; `None`: the measure's. An end the part does
    /// not write is the measure's.
    pub effective: Option<Period>,
    /// Its application deadline; `None`: the measure's.
    pub applications_until: Option<NaiveDate>,
    /// Where it is declared.
    pub source: SourceRef,
}

/// One addressee of a part.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartAddressee {
    /// Index of the entity.
    pub entity: u32,
    /// One entry per field of the part's first addressee: this entity's slot of
    /// the field with the same name and type, or `None` where it has none (the
    /// part's rules then do not read that field).
    pub slots: Vec<Option<u32>>,
}

impl Measure {
    /// The parts of the measure in the order of their first rule (`None`: the
    /// main part, of the rules without `part`).
    pub fn part_names(&self) -> Vec<Option<&str>> {
        let mut out: Vec<Option<&str>> = Vec::new();
        for r in &self.rules {
            if !out.contains(&r.part.as_deref()) {
                out.push(r.part.as_deref());
            }
        }
        out
    }

    /// The declaration of a part, if it has one.
    pub fn part_decl(&self, part: Option<&str>) -> Option<&PartDef> {
        let name = part?;
        self.parts.iter().find(|p| p.name == name)
    }

    /// The entities a part is addressed to: its own, else the measure's.
    pub fn part_addressees(&self, part: Option<&str>) -> Vec<u32> {
        match self.part_decl(part) {
            Some(d) if !d.to.is_empty() => d.to.iter().map(|a| a.entity).collect(),
            _ => self.addressee.into_iter().collect(),
        }
    }

    /// The implementation period of a part: its own, else the measure's.
    pub fn part_period(&self, part: Option<&str>) -> Period {
        self.part_decl(part)
            .and_then(|d| d.effective)
            .unwrap_or(self.effective)
    }

    /// The application deadline of a part: its own, else the measure's.
    pub fn part_deadline(&self, part: Option<&str>) -> Option<NaiveDate> {
        self.part_decl(part)
            .and_then(|d| d.applications_until)
            .or(self.applications_until)
    }

    /// Where the facts of a part are in `entity`: `None` when the part reads
    /// them in `entity`'s own slots (it is the part's first addressee, or the
    /// part has no addressee of its own), else one slot per field of the first
    /// addressee.
    pub fn part_slot_map(&self, part: Option<&str>, entity: u32) -> Option<&[Option<u32>]> {
        let d = self.part_decl(part)?;
        let first = d.to.first()?;
        if first.entity == entity {
            return None;
        }
        d.to.iter()
            .find(|a| a.entity == entity)
            .map(|a| a.slots.as_slice())
    }

    /// Whether the measure is addressed to `entity`: a measure without rules
    /// when its `to` is the entity, a measure with rules when one of its parts is.
    pub fn addresses(&self, entity: u32) -> bool {
        if self.parts.is_empty() || self.rules.is_empty() {
            return self.addressee == Some(entity);
        }
        self.part_names()
            .into_iter()
            .any(|p| self.part_addressees(p).contains(&entity))
    }

    /// Every entity the measure is addressed to, the measure's `to` first.
    pub fn all_addressees(&self) -> Vec<u32> {
        let mut out: Vec<u32> = Vec::new();
        let mut add = |e: u32| {
            if !out.contains(&e) {
                out.push(e);
            }
        };
        if self.parts.is_empty() || self.rules.is_empty() {
            if let Some(a) = self.addressee {
                add(a);
            }
            return out;
        }
        for p in self.part_names() {
            for e in self.part_addressees(p) {
                add(e);
            }
        }
        out
    }

    /// The slots of `entity` that the parts addressed to it read, sorted.
    pub fn fields_read_for(&self, entity: u32) -> Vec<u32> {
        let mut out = Vec::new();
        for part in self.part_names() {
            if !self.part_addressees(part).contains(&entity) {
                continue;
            }
            let map = self.part_slot_map(part, entity);
            for r in self.rules.iter().filter(|r| r.part.as_deref() == part) {
                for e in [&r.condition, &r.amount, &r.floor, &r.cap]
                    .into_iter()
                    .flatten()
                {
                    collect(e, &mut |s| {
                        let mapped = match map {
                            None => Some(s),
                            Some(m) => m.get(s as usize).copied().flatten(),
                        };
                        if let Some(x) = mapped {
                            out.push(x);
                        }
                    });
                }
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// Calls `f` with the slot of every fact `e` reads.
pub(crate) fn collect(e: &Expr, f: &mut dyn FnMut(u32)) {
    let mut stack = vec![e];
    while let Some(e) = stack.pop() {
        match &e.node {
            Node::Field { slot, .. } => f(*slot),
            Node::Literal { .. } | Node::Param { .. } => {}
            Node::Not { arg } | Node::Neg { arg } | Node::In { arg, .. } => stack.push(arg),
            Node::Binary { lhs, rhs, .. } => {
                stack.push(lhs);
                stack.push(rhs);
            }
            Node::If {
                cond,
                then,
                otherwise,
            } => {
                stack.push(cond);
                stack.push(then);
                stack.push(otherwise);
            }
            Node::Match { scrutinee, arms } => {
                stack.push(scrutinee);
                stack.extend(arms.iter().map(|a| &a.value));
            }
            Node::Call { args, .. } => stack.extend(args.iter()),
        }
    }
}

//! Parts with an addressee or dates of their own (`part P { to … effective …
//! applications until … }`), and the questions every engine asks of them:
//! which parts of a measure are addressed to an entity, which dates govern a
//! part, and where a part's facts are in each of its addressees.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{Expr, IrError, Measure, Node, Period, Policy};
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
                    .chain(r.value.as_ref().map(|v| &v.expr))
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
    visit(e, &mut |n| {
        if let Node::Field { slot, .. } = &n.node {
            f(*slot);
        }
    });
}

/// Calls `f` with every node of `e`, `e` first, except those inside an
/// aggregate (a member's facts are not the entity's fields: `f` sees the
/// aggregate itself). The one walk over expressions that only looks.
pub(crate) fn visit(e: &Expr, f: &mut dyn FnMut(&Expr)) {
    let mut stack = vec![e];
    while let Some(e) = stack.pop() {
        f(e);
        match &e.node {
            Node::Field { .. }
            | Node::Literal { .. }
            | Node::Param { .. }
            | Node::ApplicationDate
            | Node::Aggregate { .. }
            | Node::Member { .. } => {}
            Node::Not { arg }
            | Node::Neg { arg }
            | Node::In { arg, .. }
            | Node::InPeriod { arg, .. }
            | Node::Definition { value: arg, .. } => stack.push(arg),
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

fn bad<T>(what: String) -> Result<T, IrError> {
    Err(IrError::Inconsistent { what })
}

impl Policy {
    /// The part declarations of a measure are what the checker makes: one per
    /// name, each for a part some rule defines, addressed to distinct existing
    /// entities whose slot maps point to fields of the same name and type and
    /// cover every fact the part's rules read, with dates in order and within
    /// the measure's.
    pub(super) fn validate_parts(&self, m: &Measure) -> Result<(), IrError> {
        let at = |p: &PartDef| format!("part `{}` of measure {}", p.name, m.number);
        for (i, p) in m.parts.iter().enumerate() {
            if m.parts.iter().take(i).any(|q| q.name == p.name) {
                return bad(format!("{} is declared twice", at(p)));
            }
            if !m.rules.iter().any(|r| r.part.as_deref() == Some(&p.name)) {
                return bad(format!("no rule defines {}", at(p)));
            }
            let first = match p.to.first() {
                Some(a) => match self.entities.get(a.entity as usize) {
                    Some(e) => Some(e),
                    None => {
                        return Err(IrError::OutOfRange {
                            what: format!("entity {} of {}", a.entity, at(p)),
                        })
                    }
                },
                None => None,
            };
            let mut read = Vec::new();
            for r in m
                .rules
                .iter()
                .filter(|r| r.part.as_deref() == Some(&p.name))
            {
                for e in [&r.condition, &r.amount, &r.floor, &r.cap]
                    .into_iter()
                    .flatten()
                    .chain(r.value.as_ref().map(|v| &v.expr))
                {
                    collect(e, &mut |s| read.push(s));
                }
            }
            for (k, a) in p.to.iter().enumerate() {
                if p.to.iter().take(k).any(|b| b.entity == a.entity) {
                    return bad(format!("{} names entity {} twice", at(p), a.entity));
                }
                let Some(ent) = self.entities.get(a.entity as usize) else {
                    return Err(IrError::OutOfRange {
                        what: format!("entity {} of {}", a.entity, at(p)),
                    });
                };
                let fields0 = first.map_or(&[][..], |f| f.fields.as_slice());
                if a.slots.len() != fields0.len() {
                    return bad(format!(
                        "the slots of entity {} in {} are not one per field of its first addressee",
                        a.entity,
                        at(p)
                    ));
                }
                for (s, f0) in a.slots.iter().zip(fields0) {
                    let Some(s) = s else { continue };
                    match ent.fields.get(*s as usize) {
                        Some(f) if f.name == f0.name && f.ty == f0.ty => {}
                        _ => {
                            return bad(format!(
                                "slot {s} of entity {} in {} is not a field `{}` of the same type",
                                a.entity,
                                at(p),
                                f0.name
                            ))
                        }
                    }
                }
                let identity = k > 0
                    || a.slots
                        .iter()
                        .enumerate()
                        .all(|(i, s)| *s == Some(i as u32));
                if !identity {
                    return bad(format!(
                        "the first addressee of {} does not map its own slots",
                        at(p)
                    ));
                }
                if let Some(s) = read
                    .iter()
                    .find(|s| a.slots.get(**s as usize).copied().flatten().is_none())
                {
                    return bad(format!(
                        "entity {} of {} has no field for slot {s}, which its rules read",
                        a.entity,
                        at(p)
                    ));
                }
            }
            let period = m.part_period(Some(&p.name));
            if let (Some(f), Some(t)) = (period.from, period.to) {
                if f > t {
                    return bad(format!(
                        "the effective period of {} ends before it starts",
                        at(p)
                    ));
                }
            }
            let early = matches!((period.from, m.effective.from), (Some(a), Some(b)) if a < b)
                || (period.from.is_none() && m.effective.from.is_some());
            let late = matches!((period.to, m.effective.to), (Some(a), Some(b)) if a > b)
                || (period.to.is_none() && m.effective.to.is_some());
            if early || late {
                return bad(format!(
                    "the effective period of {} is outside the measure's",
                    at(p)
                ));
            }
            if let (Some(d), Some(md)) = (p.applications_until, m.applications_until) {
                if d > md {
                    return bad(format!("the deadline of {} is after the measure's", at(p)));
                }
            }
            if let (Some(d), Some(f)) = (p.applications_until, period.from) {
                if d < f {
                    return bad(format!("the deadline of {} is before it starts", at(p)));
                }
            }
        }
        Ok(())
    }
}

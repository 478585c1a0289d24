//! Member records and aggregates in the IR: the lists an entity holds
//! (`新招用人员: list<新招用人员>`), the record type of their members, and the
//! aggregates over them (`count(新招用人员 where …)`). See `docs/language.md`,
//! "Member records".

use serde::{Deserialize, Serialize};

use super::{FactDef, FieldDef};

/// The most members one list may hold, in facts files, batch records and
/// examples ([`crate::limits`] has the other limits).
pub const MAX_MEMBERS: usize = 10_000;

/// A record type: the fields of one member of a list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordDef {
    /// Its name, e.g. 新招用人员.
    pub name: String,
    /// A description, if given.
    pub description: Option<String>,
    /// Its fields; `Node::Member { slot }` indexes this list. A record has no lists.
    pub fields: Vec<FieldDef>,
}

/// A list of member records held by an entity.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListDef {
    /// The field's name in the entity, e.g. 新招用人员.
    pub name: String,
    /// Index of the record type of its members in [`super::Policy::records`].
    pub record: u32,
}

/// The members of one list in an example.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListFactDef {
    /// Index of the list in the entity's [`super::EntityDef::lists`].
    pub list: u32,
    /// The list's name.
    pub name: String,
    /// The members, each with the facts given (slots of the record's fields).
    pub members: Vec<Vec<FactDef>>,
}

/// An aggregate over the members of a list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Aggregate {
    /// How many members satisfy the `where` condition (all, without one): `integer<人>`.
    Count,
    /// The sum of the value over the members selected.
    Sum,
    /// Whether every member selected satisfies the condition (true for none).
    All,
    /// Whether some member selected satisfies the condition (false for none).
    Any,
    /// The least value over the members selected (an error for none).
    Min,
    /// The greatest value over the members selected (an error for none).
    Max,
}

impl Aggregate {
    /// Every aggregate with the name it is written with.
    pub const ALL: [(Aggregate, &'static str); 6] = [
        (Aggregate::Count, "count"),
        (Aggregate::Sum, "sum"),
        (Aggregate::All, "all"),
        (Aggregate::Any, "any"),
        (Aggregate::Min, "min"),
        (Aggregate::Max, "max"),
    ];

    /// The name it is written with.
    pub fn keyword(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(k, _)| *k == self)
            .map_or("count", |(_, s)| s)
    }

    /// The aggregate written `name`.
    pub fn parse(name: &str) -> Option<Aggregate> {
        Self::ALL.iter().find(|(_, n)| *n == name).map(|(k, _)| *k)
    }
}

/// Whether a measure reads member records (an aggregate in a condition,
/// an amount, a floor or a cap).
pub fn reads_members(m: &super::Measure) -> bool {
    fn walk(e: &super::Expr) -> bool {
        use super::Node as N;
        match &e.node {
            N::Aggregate { .. } => true,
            N::Literal { .. } | N::Field { .. } | N::Member { .. } | N::Param { .. } => false,
            N::ApplicationDate => false,
            N::Not { arg }
            | N::Neg { arg }
            | N::In { arg, .. }
            | N::InPeriod { arg, .. }
            | N::Definition { value: arg, .. } => walk(arg),
            N::Binary { lhs, rhs, .. } => walk(lhs) || walk(rhs),
            N::If {
                cond,
                then,
                otherwise,
            } => walk(cond) || walk(then) || walk(otherwise),
            N::Match { scrutinee, arms } => walk(scrutinee) || arms.iter().any(|a| walk(&a.value)),
            N::Call { args, .. } => args.iter().any(walk),
        }
    }
    let rules = m
        .rules
        .iter()
        .flat_map(|r| [&r.condition, &r.amount, &r.floor, &r.cap]);
    m.condition.iter().chain(rules.flatten()).any(walk)
}

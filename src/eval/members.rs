//! Aggregates over member records (`count(新招用人员 where …)`), with
//! Kleene's three-valued logic, and the names of members' facts in
//! `needs_facts` (`新招用人员[3].劳动合同期限`, members numbered from 0 as in
//! the facts file's array).
//!
//! An unknown member fact is a [`Slots`] entry of its own: the list, the
//! member and the field packed above [`MEMBER_BIT`], so that the sets of
//! unknown facts stay one type; an absent list is the list's entry alone.

use rust_decimal::Decimal;

use super::ops::{eval, OpError};
use super::slots::Slots;
use super::{Ctx, Ev, Facts};
use crate::ir::{Aggregate, Expr, Policy, Value};

/// Marks a slot that names a member's fact (or a whole list).
const MEMBER_BIT: u32 = 1 << 31;
/// Bits of the list's index, the member's index and the field's slot.
const LIST_BITS: u32 = 6;
const INDEX_BITS: u32 = 14;
const FIELD_BITS: u32 = 10;
/// The member index that stands for the whole list (an absent list).
const WHOLE: u32 = (1 << INDEX_BITS) - 1;

/// The slot naming field `field` of member `index` of list `list`; the whole
/// list when the numbers do not fit (never for the documented limits).
fn member_slot(list: u32, index: usize, field: u32) -> u32 {
    let list = list.min((1 << LIST_BITS) - 1);
    let (index, field) = match u32::try_from(index) {
        Ok(i) if i < WHOLE && field < (1 << FIELD_BITS) => (i, field),
        _ => (WHOLE, 0),
    };
    MEMBER_BIT | list << (INDEX_BITS + FIELD_BITS) | index << FIELD_BITS | field
}

/// The slot naming a whole list (absent from the facts).
fn list_slot(list: u32) -> u32 {
    member_slot(list, usize::MAX, 0)
}

/// The name of the fact `slot` of entity `entity`: a field's name, a list's
/// name, or `列表[i].字段`.
pub(crate) fn fact_name(policy: &Policy, entity: u32, slot: u32) -> Option<String> {
    let ent = policy.entities.get(entity as usize)?;
    if slot & MEMBER_BIT == 0 {
        return ent.fields.get(slot as usize).map(|f| f.name.clone());
    }
    let list = (slot >> (INDEX_BITS + FIELD_BITS)) & ((1 << LIST_BITS) - 1);
    let index = (slot >> FIELD_BITS) & WHOLE;
    let field = slot & ((1 << FIELD_BITS) - 1);
    let l = ent.lists.get(list as usize)?;
    if index == WHOLE {
        return Some(l.name.clone());
    }
    let rec = policy.records.get(l.record as usize)?;
    let f = rec.fields.get(field as usize)?;
    Some(format!("{}[{index}].{}", l.name, f.name))
}

/// The names of the facts in `slots`, sorted.
pub(crate) fn fact_names(policy: &Policy, entity: u32, slots: &Slots) -> Vec<String> {
    let mut v: Vec<String> = slots
        .iter()
        .filter_map(|s| fact_name(policy, entity, s))
        .collect();
    v.sort_unstable();
    v
}

/// The member-numbered slots of `s`, found in member `index` of list `list`.
fn lift(s: &Slots, list: u32, index: usize) -> Slots {
    let mut out = Slots::default();
    for f in s.iter() {
        out.insert(member_slot(list, index, f));
    }
    out
}

/// Kleene's and/or of two three-valued truths.
enum Tri {
    Known(bool),
    Unknown(Slots),
}

fn tri(ev: Ev, list: u32, index: usize) -> Result<Tri, OpError> {
    match ev {
        Ev::Known(Value::Bool(b)) => Ok(Tri::Known(b)),
        Ev::Unknown(s) => Ok(Tri::Unknown(lift(&s, list, index))),
        Ev::Known(_) => Err(OpError::from(super::EvalError::Inconsistent {
            what: "a member's condition that is not a bool".into(),
        })),
    }
}

/// Evaluates an aggregate over list `list` of the entity of `ctx`.
pub(crate) fn aggregate(
    ctx: &Ctx<'_>,
    func: Aggregate,
    list: u32,
    name: &str,
    value: Option<&Expr>,
    filter: Option<&Expr>,
) -> Result<Ev, OpError> {
    // facts built without lists (`Facts::lists` empty) know none of them
    let Some(Some(members)) = ctx.facts.lists.get(list as usize) else {
        return Ok(Ev::Unknown(Slots::one(list_slot(list))));
    };
    let mut missing = Slots::default();
    let mut count = Decimal::ZERO;
    let mut acc: Option<Value> = None;
    // all: some member fails; any: some member holds
    let mut decided = false;
    for (i, m) in members.iter().enumerate() {
        let mc = ctx.with_facts(m);
        let selected = match filter {
            None => Tri::Known(true),
            Some(f) => tri(eval(&mc, f)?, list, i)?,
        };
        if matches!(selected, Tri::Known(false)) {
            continue;
        }
        match func {
            Aggregate::Count => match selected {
                Tri::Known(_) => count += Decimal::ONE,
                Tri::Unknown(s) => missing.extend(s),
            },
            Aggregate::All | Aggregate::Any => {
                let Some(v) = value else { continue };
                let holds = tri(eval(&mc, v)?, list, i)?;
                let want = func == Aggregate::Any;
                // all: (not selected) or holds; any: selected and holds
                match (selected, holds) {
                    (Tri::Known(true), Tri::Known(h)) if h == want => decided = true,
                    (_, Tri::Known(h)) if h != want => {}
                    (Tri::Known(true), Tri::Unknown(s)) => missing.extend(s),
                    (Tri::Unknown(a), Tri::Known(_)) => missing.extend(a),
                    (Tri::Unknown(a), Tri::Unknown(b)) => {
                        missing.extend(a);
                        missing.extend(b);
                    }
                    _ => {}
                }
            }
            Aggregate::Sum | Aggregate::Min | Aggregate::Max => {
                let Some(v) = value else { continue };
                let x = eval(&mc, v)?;
                let (Tri::Known(_), Ev::Known(x)) = (&selected, &x) else {
                    if let Tri::Unknown(s) = selected {
                        missing.extend(s);
                    }
                    if let Ev::Unknown(s) = x {
                        missing.extend(lift(&s, list, i));
                    }
                    continue;
                };
                acc = Some(match (acc, x) {
                    (None, x) => x.clone(),
                    (Some(Value::Number(a)), Value::Number(b)) => Value::Number(match func {
                        Aggregate::Sum => a.checked_add(*b).ok_or(OpError::Overflow)?,
                        Aggregate::Min => a.min(*b),
                        _ => a.max(*b),
                    }),
                    (Some(Value::Date(a)), Value::Date(b)) => {
                        Value::Date(if func == Aggregate::Min {
                            a.min(*b)
                        } else {
                            a.max(*b)
                        })
                    }
                    _ => {
                        return Err(OpError::from(super::EvalError::Inconsistent {
                            what: "a member's value that is not a number or a date".into(),
                        }))
                    }
                });
            }
        }
    }
    let result = match func {
        Aggregate::All | Aggregate::Any if decided => Value::Bool(func == Aggregate::Any),
        _ if !missing.is_empty() => return Ok(Ev::Unknown(missing)),
        Aggregate::Count => Value::Number(count),
        Aggregate::All => Value::Bool(true),
        Aggregate::Any => Value::Bool(false),
        Aggregate::Sum => acc.unwrap_or(Value::Number(Decimal::ZERO)),
        Aggregate::Min | Aggregate::Max => match acc {
            Some(v) => v,
            None => {
                return Err(OpError::EmptyAggregate(format!(
                    "{}({name})",
                    func.keyword()
                )))
            }
        },
    };
    Ok(Ev::Known(result))
}

/// Facts for the members of a list, each with every field unknown but those given.
pub(crate) fn member_facts(policy: &Policy, record: u32, entity: u32) -> Facts {
    let n = policy
        .records
        .get(record as usize)
        .map_or(0, |r| r.fields.len());
    Facts {
        entity,
        values: vec![None; n],
        lists: Vec::new(),
    }
}

/// Puts the member lists of example `ex` into `f`.
pub(crate) fn example_lists(policy: &Policy, ex: &crate::ir::ExampleDef, f: &mut Facts) {
    let lists = policy.entities.get(ex.entity as usize).map(|e| &e.lists);
    for l in &ex.lists {
        let Some(def) = lists.and_then(|ls| ls.get(l.list as usize)) else {
            continue;
        };
        let members = l.members.iter().map(|facts| {
            let mut m = member_facts(policy, def.record, ex.entity);
            for fact in facts {
                if let Some(slot) = m.values.get_mut(fact.slot as usize) {
                    *slot = Some(fact.value.clone());
                }
            }
            m
        });
        if let Some(slot) = f.lists.get_mut(l.list as usize) {
            *slot = Some(members.collect());
        }
    }
}

/// Reads list `li` of entity `entity` from a facts file's JSON `v` (at
/// `path`): `null` is unknown, an array holds the members, each an object of
/// the record's fields checked like facts (`$.facts.新招用人员[2].劳动合同期限`).
pub(crate) fn read_list(
    policy: &Policy,
    entity: u32,
    li: usize,
    v: &serde_json::Value,
    path: &str,
) -> Result<Option<Vec<Facts>>, Vec<super::FactsError>> {
    use serde_json::Value as Json;
    let err = |code, path: String, message: String, help: Option<String>| super::FactsError {
        path,
        message,
        help,
        code,
    };
    let record = policy
        .entities
        .get(entity as usize)
        .and_then(|e| e.lists.get(li))
        .map_or(0, |l| l.record);
    let rec = policy.records.get(record as usize);
    let items = match v {
        Json::Null => return Ok(None),
        Json::Array(items) => items,
        _ => {
            return Err(vec![err(
                super::FactsError::WRONG_TYPE,
                path.to_string(),
                "expected a list of members (a JSON array of objects)".into(),
                Some("write `[]` for none, `null` when the list is not known".into()),
            )])
        }
    };
    if items.len() > crate::ir::MAX_MEMBERS {
        return Err(vec![err(
            super::FactsError::TOO_MANY_MEMBERS,
            path.to_string(),
            format!(
                "{} members, more than the {} a list may hold",
                items.len(),
                crate::ir::MAX_MEMBERS
            ),
            Some("split the record, or evaluate the members in several runs".into()),
        )]);
    }
    let mut errors = Vec::new();
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let at = format!("{path}[{i}]");
        let mut m = member_facts(policy, record, entity);
        let Json::Object(map) = item else {
            errors.push(err(
                super::FactsError::NOT_AN_OBJECT,
                at,
                "expected a member: an object of its fields".into(),
                None,
            ));
            continue;
        };
        for (k, x) in map {
            let fields = rec.map_or(&[][..], |r| r.fields.as_slice());
            let Some((slot, f)) = fields.iter().enumerate().find(|(_, f)| f.name == *k) else {
                let names = fields.iter().map(|f| f.name.as_str());
                let help = crate::check::did_you_mean(k, names);
                let rname = rec.map_or("", |r| r.name.as_str());
                errors.push(err(
                    super::FactsError::UNKNOWN_FIELD,
                    format!("{at}.{k}"),
                    format!("`{rname}` has no field `{k}`"),
                    help,
                ));
                continue;
            };
            match super::facts::fact_value(policy, &f.ty, x) {
                Ok(val) => {
                    if let Some(s) = m.values.get_mut(slot) {
                        *s = val;
                    }
                }
                Err((code, message, help)) => {
                    errors.push(err(code, format!("{at}.{k}"), message, help))
                }
            }
        }
        out.push(m);
    }
    if errors.is_empty() {
        Ok(Some(out))
    } else {
        Err(errors)
    }
}

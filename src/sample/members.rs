//! Member lists in samples: for each list of the entity, 0 to 4 members
//! (0: the empty list, a boundary), each drawn like a record of facts from
//! its fields, with the constants the policy's aggregates compare them with
//! as thresholds (`count(新招用人员 where 劳动合同期限 >= 12 个月)` probes 12 and
//! its neighbours). A list is left out (unknown) with the sampler's
//! missing-fact probability. JSONL writes the members as nested arrays.

use super::{draw, generator, json_string, value_text, walk, Gen, SplitMix64};
use crate::eval::Facts;
use crate::ir::{Expr, Node, NumKind, Policy, Type, Value};

/// The most members a sampled list has.
const MAX_SAMPLED: u64 = 4;

/// How the members of one list are drawn.
#[derive(Clone, Debug)]
pub(super) struct ListGen {
    record: u32,
    gens: Vec<Gen>,
    json_name: String,
    json_fields: Vec<String>,
}

/// The aggregates over list `li` in `e`.
fn aggregates<'e>(e: &'e Expr, li: u32, out: &mut Vec<&'e Expr>) {
    match &e.node {
        Node::Aggregate {
            list,
            value,
            filter,
            ..
        } => {
            if *list == li {
                out.extend(value.iter().chain(filter).map(|b| &**b));
            }
        }
        Node::Literal { .. }
        | Node::Field { .. }
        | Node::Member { .. }
        | Node::Param { .. }
        | Node::ApplicationDate => {}
        Node::Not { arg }
        | Node::Neg { arg }
        | Node::In { arg, .. }
        | Node::InPeriod { arg, .. }
        | Node::Definition { value: arg, .. } => aggregates(arg, li, out),
        Node::Binary { lhs, rhs, .. } => {
            aggregates(lhs, li, out);
            aggregates(rhs, li, out);
        }
        Node::If {
            cond,
            then,
            otherwise,
        } => {
            for x in [cond, then, otherwise] {
                aggregates(x, li, out);
            }
        }
        Node::Match { scrutinee, arms } => {
            aggregates(scrutinee, li, out);
            for a in arms {
                aggregates(&a.value, li, out);
            }
        }
        Node::Call { args, .. } => args.iter().for_each(|a| aggregates(a, li, out)),
    }
}

/// The generators of entity `entity`'s lists.
pub(super) fn list_gens(policy: &Policy, entity: u32) -> Vec<ListGen> {
    let Some(def) = policy.entities.get(entity as usize) else {
        return Vec::new();
    };
    def.lists
        .iter()
        .enumerate()
        .map(|(li, l)| {
            let fields = policy
                .records
                .get(l.record as usize)
                .map_or(&[][..], |r| r.fields.as_slice());
            let mut exprs = Vec::new();
            for m in policy.measures.iter().filter(|m| m.addresses(entity)) {
                let rules = m
                    .rules
                    .iter()
                    .flat_map(|r| [&r.condition, &r.amount, &r.floor, &r.cap]);
                for e in m.condition.iter().chain(rules.flatten()) {
                    aggregates(e, li as u32, &mut exprs);
                }
            }
            let mut thresholds = vec![Vec::new(); fields.len()];
            for e in exprs {
                walk(policy, &[], e, &mut thresholds);
            }
            ListGen {
                record: l.record,
                gens: fields
                    .iter()
                    .zip(&thresholds)
                    .map(|(f, t)| generator(policy, &f.ty, t))
                    .collect(),
                json_name: json_string(&l.name),
                json_fields: fields.iter().map(|f| json_string(&f.name)).collect(),
            }
        })
        .collect()
}

/// Draws the lists of one record (after its fields, from the same stream).
pub(super) fn draw_lists(
    lists: &[ListGen],
    policy: &Policy,
    entity: u32,
    missing: u64,
    rng: &mut SplitMix64,
) -> Vec<Option<Vec<Facts>>> {
    lists
        .iter()
        .map(|l| {
            let absent = rng.chance(missing);
            let n = rng.below(MAX_SAMPLED + 1);
            let members: Vec<Facts> = (0..n)
                .map(|_| {
                    let mut m = crate::eval::member_facts(policy, l.record, entity);
                    for (slot, g) in m.values.iter_mut().zip(&l.gens) {
                        let gone = rng.chance(missing);
                        let v = draw(g, rng);
                        *slot = if gone { None } else { v };
                    }
                    m
                })
                .collect();
            (!absent).then_some(members)
        })
        .collect()
}

/// Appends `,"列表":[{…},…]` for each known list of `facts` (JSONL).
pub(super) fn write_json(
    lists: &[ListGen],
    policy: &Policy,
    facts: &Facts,
    first: &mut bool,
    out: &mut Vec<u8>,
) {
    for (l, members) in lists.iter().zip(&facts.lists) {
        let Some(members) = members else { continue };
        if !*first {
            out.push(b',');
        }
        *first = false;
        out.extend_from_slice(l.json_name.as_bytes());
        out.extend_from_slice(b":[");
        let fields = policy
            .records
            .get(l.record as usize)
            .map_or(&[][..], |r| r.fields.as_slice());
        for (i, m) in members.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            out.push(b'{');
            let mut first_field = true;
            for ((f, v), name) in fields.iter().zip(&m.values).zip(&l.json_fields) {
                let Some(v) = v else { continue };
                if !first_field {
                    out.push(b',');
                }
                first_field = false;
                out.extend_from_slice(name.as_bytes());
                out.push(b':');
                json_value(policy, &f.ty, v, out);
            }
            out.push(b'}');
        }
        out.push(b']');
    }
}

/// A value in JSON: numbers and booleans bare, the rest as strings.
pub(super) fn json_value(policy: &Policy, ty: &Type, v: &Value, out: &mut Vec<u8>) {
    let t = value_text(policy, ty, v);
    let bare = matches!(v, Value::Bool(_))
        || matches!(
            (v, ty),
            (Value::Number(_), Type::Number { kind, .. }) if *kind != NumKind::Percent
        );
    if bare {
        out.extend_from_slice(t.as_bytes());
    } else {
        out.extend_from_slice(json_string(&t).as_bytes());
    }
}

/// Writes the members of list `li` of records `0..count` as CSV: a header
/// `id` and the record's fields, then one row per member, its `id` the
/// parent record's (the members file `policyc batch --members` joins). A
/// list left out of a record (unknown) has no rows, so the join reads it as
/// empty. Returns `false` when the entity has no list `li`.
pub fn write_members_csv(
    sampler: &super::Sampler<'_>,
    li: usize,
    count: u64,
    out: &mut dyn std::io::Write,
) -> Result<bool, super::SampleError> {
    let io = |e: std::io::Error| super::SampleError::Io {
        message: e.to_string(),
    };
    let policy = sampler.policy;
    let Some(l) = sampler.lists.get(li) else {
        return Ok(false);
    };
    let fields = policy
        .records
        .get(l.record as usize)
        .map_or(&[][..], |r| r.fields.as_slice());
    let mut buf = b"id".to_vec();
    for f in fields {
        buf.push(b',');
        buf.extend_from_slice(super::csv_cell(&f.name).as_bytes());
    }
    buf.push(b'\n');
    for i in 0..count {
        let facts = sampler.record(i);
        let Some(Some(members)) = facts.lists.get(li) else {
            continue;
        };
        let id = super::csv_cell(&sampler.id(i));
        for m in members {
            buf.extend_from_slice(id.as_bytes());
            for (f, v) in fields.iter().zip(&m.values) {
                buf.push(b',');
                if let Some(v) = v {
                    let t = value_text(policy, &f.ty, v);
                    buf.extend_from_slice(super::csv_cell(&t).as_bytes());
                }
            }
            buf.push(b'\n');
        }
        if buf.len() > 1 << 16 {
            out.write_all(&buf).map_err(io)?;
            buf.clear();
        }
    }
    out.write_all(&buf).map_err(io)?;
    Ok(true)
}

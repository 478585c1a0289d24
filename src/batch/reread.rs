//! Reading a record again from its text, for the row evaluator: the general
//! path (`serde_json` and [`Facts`]) for JSONL, the cells for CSV, with the
//! members of a CSV record joined from the members files (`batch::members`).

use super::chunk::{Reader, Role};
use super::csv;
use super::InputFormat;
use crate::eval::{cell_value, Facts};

/// With `--check used`: removes from a JSON record the facts that are not
/// read (their keys stay checked as field names).
pub(super) fn strip_unchecked(r: &Reader<'_>, json: &mut serde_json::Value) {
    let policy = r.plan.policy;
    let Some(ei) = json
        .get("entity")
        .and_then(|e| e.as_str())
        .and_then(|n| policy.entity(n))
        .map(|(i, _)| i)
    else {
        return;
    };
    let (Some(def), checked) = (policy.entities.get(ei as usize), r.plan.checked(ei)) else {
        return;
    };
    if checked.iter().all(|c| *c) {
        return;
    }
    if let Some(facts) = json.get_mut("facts").and_then(|f| f.as_object_mut()) {
        facts.retain(|k, _| match def.fields.iter().position(|f| f.name == *k) {
            Some(slot) => checked.get(slot).copied().unwrap_or(true),
            None => true,
        });
    }
}

/// The facts of a record read again from its text by the general path, for
/// the row evaluator.
pub(super) fn reread(r: &Reader<'_>, text: &str) -> Option<Facts> {
    let policy = r.plan.policy;
    match r.format {
        InputFormat::Jsonl => {
            let mut json: serde_json::Value = serde_json::from_str(text).ok()?;
            strip_unchecked(r, &mut json);
            Facts::from_json_value(policy, &json).ok()
        }
        InputFormat::Csv => {
            let layout = r.csv.as_ref()?;
            let mut cells = Vec::new();
            csv::cells(text, &mut cells).ok()?;
            let def = policy.entities.get(layout.entity as usize)?;
            let checked = r.plan.checked(layout.entity);
            let mut facts = Facts::unknown(policy, layout.entity);
            for (cell, role) in cells.iter().zip(&layout.roles) {
                if matches!(role, Role::Id) && !r.plan.members.is_empty() {
                    super::members::attach(&r.plan.members, cell, &mut facts);
                }
                if let Role::Field(s) = role {
                    if !checked.get(*s).copied().unwrap_or(true) {
                        continue;
                    }
                    let ty = &def.fields.get(*s)?.ty;
                    *facts.values.get_mut(*s)? = cell_value(policy, ty, cell).ok()?;
                }
            }
            Some(facts)
        }
    }
}

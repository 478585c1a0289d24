//! Member records in a diff: an entity's lists (`名: list<记录>`, said as a
//! field of that type) and the fields of each record type (`record 记录`).

use std::collections::BTreeMap;

use super::{ChangeKind, Differ};
use crate::ir::Policy;

/// `(subject, field) → type text` of every list and record field of a policy.
fn fields(p: &Policy) -> BTreeMap<(String, String), String> {
    let mut out = BTreeMap::new();
    for e in &p.entities {
        for l in &e.lists {
            let rec = p
                .records
                .get(l.record as usize)
                .map_or("?", |r| r.name.as_str());
            out.insert(
                (format!("entity {}", e.name), format!("field {}", l.name)),
                format!("list<{rec}>"),
            );
        }
    }
    for r in &p.records {
        for f in &r.fields {
            out.insert(
                (format!("record {}", r.name), format!("field {}", f.name)),
                f.ty.to_string(),
            );
        }
    }
    out
}

impl Differ<'_> {
    /// Lists added, removed or retyped, and record fields likewise.
    pub(super) fn records(&mut self) {
        let (old, new) = (fields(self.old), fields(self.new));
        let k = ChangeKind::EntityChanged;
        for ((subject, what), o) in &old {
            let n = new.get(&(subject.clone(), what.clone())).cloned();
            self.compare(subject, None, k, what, Some(o.clone()), n);
        }
        for ((subject, what), n) in &new {
            if !old.contains_key(&(subject.clone(), what.clone())) {
                self.compare(subject, None, k, what, None, Some(n.clone()));
            }
        }
    }
}

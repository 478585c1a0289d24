//! Dates and durations given (issue 14, point 2) in batch output: the
//! `value` object of a JSONL line, and the count of grants per kind of value
//! in the summary. Measures whose rules give a value run on the row engine
//! (`docs/cli.md`), so only row outcomes carry one.

use std::collections::BTreeMap;

use super::output::json_str;
use super::plan::GivenOut;
use crate::ir::{Given, ValueKind};

/// `,"value":{"kind":"deferral","until":"2020-06-30","requested":"2020-07-31","bounded_by":"cap"}`
/// (a duration: `"for":"36","unit":"月"`).
pub(crate) fn json(buf: &mut Vec<u8>, g: &GivenOut) {
    buf.extend_from_slice(b",\"value\":{\"kind\":\"");
    buf.extend_from_slice(g.kind.keyword().as_bytes());
    buf.push(b'"');
    match g.value {
        Given::Until(d) => {
            buf.extend_from_slice(b",\"until\":");
            json_str(buf, &d.to_string());
        }
        Given::For(d) => {
            buf.extend_from_slice(b",\"for\":");
            json_str(buf, &d.count.normalize().to_string());
            buf.extend_from_slice(b",\"unit\":");
            json_str(buf, d.unit.symbol());
        }
    }
    buf.extend_from_slice(b",\"requested\":");
    let requested = match g.requested {
        Given::Until(d) => d.to_string(),
        Given::For(d) => d.count.normalize().to_string(),
    };
    json_str(buf, &requested);
    if let Some(b) = g.bounded_by {
        buf.extend_from_slice(b",\"bounded_by\":");
        json_str(buf, b);
    }
    buf.push(b'}');
}

/// Eligible records per kind of value given, for the summary (kinds with
/// none are left out).
pub(crate) fn count(
    by: impl Iterator<Item = (Option<ValueKind>, u64)>,
) -> BTreeMap<ValueKind, u64> {
    let mut m = BTreeMap::new();
    for (k, n) in by {
        if let (Some(k), true) = (k, n > 0) {
            *m.entry(k).or_insert(0) += n;
        }
    }
    m
}

/// Adds the slots read by the measure's `until`/`for` expressions to
/// `fields` (the columnar engine's list leaves them out: such measures go by
/// rows).
pub(crate) fn fields(m: &crate::ir::Measure, fields: &mut Vec<u32>) {
    for v in m.rules.iter().filter_map(|r| r.value.as_ref()) {
        crate::ir::fields_of(&v.expr, &mut |s| fields.push(s));
    }
}

//! The consequences of a change on the examples: each example written in both
//! versions of a measure (same measure, same name) is run on each version, and
//! an outcome that differs is reported with whether the example passes now —
//! a reviewer sees which examples a change breaks without running
//! `policyc test` apart.

use super::matching::match_measures;
use super::{Change, ChangeKind};
use crate::eval::{run_example, ExampleOutcome};
use crate::ir::Policy;

/// An outcome as compared: what came, without the reason's wording.
fn outcome(o: &ExampleOutcome) -> &str {
    o.actual.split(" — ").next().unwrap_or(&o.actual)
}

/// The examples whose outcome changes from `old` to `new`, and the new
/// examples that fail.
pub(super) fn examples(old: &Policy, new: &Policy) -> Vec<Change> {
    let mut out = Vec::new();
    for (o, n) in match_measures(&old.measures, &new.measures) {
        let Some(n) = n else { continue };
        let subject = format!("{}{}", n.label, n.title);
        for ex in &n.examples {
            let after = run_example(new, n, ex);
            let before = o.and_then(|o| {
                let ex_old = o.examples.iter().find(|x| x.name == ex.name)?;
                Some(run_example(old, o, ex_old))
            });
            let what = format!("example \"{}\"", ex.name);
            let verdict = if after.passed {
                "passes".to_string()
            } else {
                format!("now fails: expects {}", after.expected)
            };
            let (old_text, message) = match &before {
                Some(b) if outcome(b) == outcome(&after) && b.passed == after.passed => continue,
                Some(b) => (
                    Some(outcome(b).to_string()),
                    format!(
                        "{what}: outcome {} → {} ({verdict})",
                        outcome(b),
                        outcome(&after)
                    ),
                ),
                // a new example is news only when it fails
                None if after.passed => continue,
                None => (None, format!("{what}: {} ({verdict})", outcome(&after))),
            };
            out.push(Change {
                subject: subject.clone(),
                measure: Some(n.number),
                kind: ChangeKind::ExampleOutcomeChanged,
                what,
                old: old_text,
                new: Some(outcome(&after).to_string()),
                text_diff: None,
                note: Some(verdict),
                message,
                affects: Vec::new(),
            });
        }
    }
    out
}

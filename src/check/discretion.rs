//! Discretion (issue 14, point 3): the `may` clause of a rule and the `may`
//! of an example's `expect`.

use super::*;
use crate::ir::Discretion;

impl Checker<'_> {
    /// The discretion of `may [by X]`: X is a department of the registry or
    /// the keyword `locality`. `None` after reporting an error. A measure that
    /// obliges (`obligation`, `target`, `directive`) grants nothing, so
    /// nothing in it may be granted.
    pub(super) fn discretion(
        &mut self,
        by: Option<&ast::Ident>,
        span: Span,
        measure_kind: Option<MeasureKind>,
    ) -> Option<Discretion> {
        if let Some(k) = measure_kind.filter(|k| {
            matches!(
                k,
                MeasureKind::Obligation | MeasureKind::Target | MeasureKind::Directive
            )
        }) {
            self.problem(
                Problem::MAY_IN_OBLIGATION,
                span,
                format!(
                    "a measure of kind `{}` grants nothing that may be granted",
                    k.keyword()
                ),
                "`may` marks what an authority may grant",
                Some(
                    "remove `may`, or give the measure the kind of what it grants \
                     (`benefit`, `fee_waiver`, `procedural_right`, …)"
                        .into(),
                ),
            );
            return None;
        }
        match by {
            None => Some(Discretion {
                department: None,
                locality: false,
            }),
            // the keyword, which no declared name can be
            Some(i) if i.name == "locality" => Some(Discretion {
                department: None,
                locality: true,
            }),
            Some(i) => self.department(i).map(|(_, d)| Discretion {
                department: Some(d),
                locality: false,
            }),
        }
    }
}

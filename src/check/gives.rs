//! What rules give (issue 14, point 1): the `gives` clause of a rule, the
//! kind named in an example's `expect`, and the one-kind-per-measure rule.
//!
//! A rule's kind is its `gives` clause, else [`Gives::default_for`] the
//! measure's kind; the IR carries it resolved.

use super::*;
use crate::ir::Gives;

/// The kinds as a help line.
fn kinds_help() -> String {
    let names: Vec<&str> = Gives::ALL.iter().map(|(_, n)| *n).collect();
    format!("the kinds of value are {}", names.join(", "))
}

impl Checker<'_> {
    /// The kind named by `gives K` or `expect eligible K …`, or an error.
    pub(super) fn gives_keyword(&mut self, k: &ast::Ident) -> Option<Gives> {
        if let Some(g) = Gives::parse(&k.name) {
            return Some(g);
        }
        let names: Vec<&str> = Gives::ALL.iter().map(|(_, n)| *n).collect();
        let help = did_you_mean(&k.name, names.iter().copied()).unwrap_or_else(kinds_help);
        self.problem(
            Problem::UNKNOWN_GIVES,
            k.span,
            format!("`{}` is not a kind of value", k.name),
            "unknown kind of value",
            Some(help),
        );
        None
    }

    /// The resolved kind of a rule: `explicit` (the `gives` clause and its
    /// span), else the default of the measure's kind (`None` when the
    /// measure's kind is missing or unknown, already reported). An amount of
    /// kind `none` is an error.
    pub(super) fn resolve_gives(
        &mut self,
        rule: &ast::Rule,
        measure_kind: Option<MeasureKind>,
        explicit: Option<(Gives, Span)>,
        amount: Option<Span>,
    ) -> Option<Gives> {
        // a measure whose kind is missing or unknown is already an error:
        // no second one about what its rules give
        let Some(measure_kind) = measure_kind else {
            return Some(explicit.map_or(Gives::Paid, |(g, _)| g));
        };
        let gives = explicit.map_or(Gives::default_for(measure_kind), |(g, _)| g);
        if let (Some(amount), false) = (amount, gives.has_amount()) {
            let (span, label) = match explicit {
                Some((_, s)) => (s, "`none` is no money".to_string()),
                None => (
                    amount,
                    format!(
                        "a `{}` measure gives no money unless a rule says what",
                        measure_kind.keyword()
                    ),
                ),
            };
            self.problem(
                Problem::AMOUNT_GIVES_NONE,
                span,
                format!("rule `{}` has an amount but gives no money", rule.name.name),
                label,
                Some(
                    "say what the amount is with `gives paid`, `refunded`, `fee_reduced`, \
                     `interest_subsidy` or `loan_ceiling`, or remove the amount"
                        .into(),
                ),
            );
            return None;
        }
        Some(gives)
    }

    /// The amounts of one measure must be of one kind: amounts of different
    /// kinds never add up. Reports the first rule of another kind.
    pub(super) fn one_kind_per_measure(
        &mut self,
        number: u32,
        rules: &[&ast::Rule],
        out: &[ir::RuleDef],
    ) -> bool {
        let mut with_amount = out.iter().zip(rules).filter(|(r, _)| r.amount.is_some());
        let Some((first, _)) = with_amount.next() else {
            return true;
        };
        let Some((other, ast)) = with_amount.find(|(r, _)| r.gives != first.gives) else {
            return true;
        };
        self.problem(
            Problem::MIXED_GIVES,
            ast.name.span,
            format!(
                "measure {number} gives amounts of different kinds: `{}` in rule `{}`, `{}` in rule `{}`",
                first.gives.keyword(),
                first.name,
                other.gives.keyword(),
                other.name
            ),
            format!("gives `{}`", other.gives.keyword()),
            Some(
                "amounts of different kinds never add up: write each kind of value as its own measure"
                    .into(),
            ),
        );
        false
    }
}

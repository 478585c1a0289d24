//! Typing the date constructs of expressions: `x in A to B`, a date within a
//! period (both days included), and the measure-level `when`. `application_date`
//! is typed in place (`expr.rs`).

use super::*;
use crate::ir::{Expr, Node};

impl Checker<'_> {
    /// `到期日 in 2020-01-25 to 2020-06-30`: `x` must be a date and the period
    /// must not end before it starts.
    pub(super) fn in_period(
        &mut self,
        x: &ast::Expr,
        from: &ast::DateLit,
        to: &ast::DateLit,
        entity: Option<u32>,
    ) -> Option<Expr> {
        let arg = self.expr(x, entity, None);
        let mut ok = true;
        if to.value < from.value {
            self.problem(
                Problem::EMPTY_PERIOD,
                from.span.to(to.span),
                format!(
                    "the period {} to {} ends before it starts",
                    from.value, to.value
                ),
                "no day is in this period",
                Some(format!(
                    "write the first day first: `in {} to {}`",
                    to.value, from.value
                )),
            );
            ok = false;
        }
        let arg = arg?;
        if arg.ty != Type::Date {
            self.problem(
                Problem::PERIOD_NOT_DATE,
                x.span,
                format!("only a date can be in a period, found {}", arg.ty),
                format!("this is {}", arg.ty),
                Some(
                    "`x in 2020-01-25 to 2020-06-30` tests a date fact (or `application_date`); \
                     use `in {A, B}` for variants and `>=`/`<=` for numbers"
                        .into(),
                ),
            );
            return None;
        }
        ok.then(|| Expr {
            ty: Type::Bool,
            node: Node::InPeriod {
                arg: Box::new(arg),
                from: from.value,
                to: to.value,
            },
        })
    }
}

impl Checker<'_> {
    /// `when C` at measure level: a condition on the addressee's facts.
    pub(super) fn measure_condition(
        &mut self,
        e: &ast::Expr,
        addressee: Option<u32>,
    ) -> Option<Expr> {
        addressee?;
        let x = self.expr(e, addressee, None)?;
        if x.ty != Type::Bool {
            self.err(
                e.span,
                CheckError::ConditionNotBool {
                    found: x.ty.to_string(),
                    span: e.span,
                },
            );
            return None;
        }
        Some(x)
    }
}

//! Totals by kind of value (issue 14, point 1): amounts of different kinds
//! never add up. The top-level `total` is the budget outlay (money paid or
//! refunded, [`Gives::is_outlay`]); [`KindTotals`] keeps every kind apart.

use rust_decimal::Decimal;
use serde::Serialize;

use super::arith;
use super::Bound;
use crate::ir::Gives;

/// One total per kind of value that has amounts (`none` has none), exact.
#[derive(Clone, Copy, Debug, Serialize, PartialEq, Eq)]
pub struct KindTotals {
    /// Money paid: subsidies, allowances, rewards.
    pub paid: Decimal,
    /// Money refunded.
    pub refunded: Decimal,
    /// Fees or charges reduced or waived.
    pub fee_reduced: Decimal,
    /// Interest subsidised.
    pub interest_subsidy: Decimal,
    /// Loan ceilings: credit that may be borrowed, not paid.
    pub loan_ceiling: Decimal,
}

impl Default for KindTotals {
    fn default() -> Self {
        let z = Decimal::new(0, 2);
        KindTotals {
            paid: z,
            refunded: z,
            fee_reduced: z,
            interest_subsidy: z,
            loan_ceiling: z,
        }
    }
}

impl KindTotals {
    /// The total of one kind (`None` for `none`, which has no amounts).
    pub fn get(&self, kind: Gives) -> Option<Decimal> {
        Some(match kind {
            Gives::Paid => self.paid,
            Gives::Refunded => self.refunded,
            Gives::FeeReduced => self.fee_reduced,
            Gives::InterestSubsidy => self.interest_subsidy,
            Gives::LoanCeiling => self.loan_ceiling,
            Gives::None => return None,
        })
    }

    fn slot(&mut self, kind: Gives) -> Option<&mut Decimal> {
        Some(match kind {
            Gives::Paid => &mut self.paid,
            Gives::Refunded => &mut self.refunded,
            Gives::FeeReduced => &mut self.fee_reduced,
            Gives::InterestSubsidy => &mut self.interest_subsidy,
            Gives::LoanCeiling => &mut self.loan_ceiling,
            Gives::None => return None,
        })
    }

    /// Adds an amount to its kind's total; `None` when the sum overflows or
    /// the kind is `none` (which gives no amount).
    pub fn add(&mut self, kind: Gives, amount: Decimal) -> Option<()> {
        let slot = self.slot(kind)?;
        *slot = arith::add_amounts(*slot, amount)?;
        Some(())
    }

    /// The budget outlay: money paid plus money refunded.
    pub fn outlay(&self) -> Option<Decimal> {
        arith::add_amounts(self.paid, self.refunded)
    }

    /// The kinds with a total other than zero, in [`Gives::ALL`] order.
    pub fn nonzero(&self) -> impl Iterator<Item = (Gives, Decimal)> + '_ {
        Gives::ALL
            .iter()
            .filter_map(|(k, _)| Some((*k, self.get(*k)?)))
            .filter(|(_, t)| !t.is_zero())
    }
}

/// Per kind of value, whether its total is exact or a bound (issue 14,
/// point 4): the bounds of the amounts in it, joined ([`Bound::join`]).
#[derive(Clone, Copy, Debug, Default, Serialize, PartialEq, Eq)]
pub struct KindBounds {
    /// Of money paid.
    pub paid: Bound,
    /// Of money refunded.
    pub refunded: Bound,
    /// Of fees reduced or waived.
    pub fee_reduced: Bound,
    /// Of interest subsidised.
    pub interest_subsidy: Bound,
    /// Of loan ceilings.
    pub loan_ceiling: Bound,
}

impl KindBounds {
    /// The bound of one kind's total (`Exact` for `none`).
    pub fn get(&self, kind: Gives) -> Bound {
        match kind {
            Gives::Paid => self.paid,
            Gives::Refunded => self.refunded,
            Gives::FeeReduced => self.fee_reduced,
            Gives::InterestSubsidy => self.interest_subsidy,
            Gives::LoanCeiling => self.loan_ceiling,
            Gives::None => Bound::Exact,
        }
    }

    /// Joins the bound of an amount of `kind` into its kind's total.
    pub fn join(&mut self, kind: Gives, b: Bound) {
        let slot = match kind {
            Gives::Paid => &mut self.paid,
            Gives::Refunded => &mut self.refunded,
            Gives::FeeReduced => &mut self.fee_reduced,
            Gives::InterestSubsidy => &mut self.interest_subsidy,
            Gives::LoanCeiling => &mut self.loan_ceiling,
            Gives::None => return,
        };
        *slot = slot.join(b);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_loan_ceiling_is_not_outlay() {
        let mut t = KindTotals::default();
        t.add(Gives::Paid, Decimal::new(868000, 2)).unwrap();
        t.add(Gives::LoanCeiling, Decimal::new(20000000, 2))
            .unwrap();
        t.add(Gives::Refunded, Decimal::new(100, 2)).unwrap();
        assert_eq!(t.outlay(), Some(Decimal::new(868100, 2)));
        assert_eq!(t.loan_ceiling, Decimal::new(20000000, 2));
        assert!(t.add(Gives::None, Decimal::ONE).is_none());
        assert_eq!(t.nonzero().count(), 3);
    }

    #[test]
    fn a_kind_total_is_a_bound_when_an_amount_in_it_is() {
        let mut b = KindBounds::default();
        b.join(Gives::LoanCeiling, Bound::AtMost);
        b.join(Gives::LoanCeiling, Bound::Exact);
        b.join(Gives::Paid, Bound::AtLeast);
        b.join(Gives::Paid, Bound::AtMost);
        b.join(Gives::None, Bound::AtMost);
        assert_eq!(b.get(Gives::LoanCeiling), Bound::AtMost);
        assert_eq!(b.get(Gives::Paid), Bound::Mixed);
        assert_eq!(b.get(Gives::Refunded), Bound::Exact);
        assert_eq!(b.get(Gives::None), Bound::Exact);
    }
}

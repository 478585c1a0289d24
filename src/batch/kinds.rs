//! Totals by kind of value in fen, for batch lines and summaries (issue 14):
//! the record's and the run's `total` is the budget outlay (paid + refunded),
//! and every kind of value with amounts has its own total, as in
//! [`crate::eval::KindTotals`].

use crate::eval::arith::add_fen;
use crate::ir::Gives;

/// The kinds of value that have amounts, in the order of the columns.
pub(crate) const MONEY_KINDS: [Gives; 5] = [
    Gives::Paid,
    Gives::Refunded,
    Gives::FeeReduced,
    Gives::InterestSubsidy,
    Gives::LoanCeiling,
];

/// The position of a kind in [`MONEY_KINDS`].
pub(crate) fn position(kind: Gives) -> Option<usize> {
    MONEY_KINDS.iter().position(|k| *k == kind)
}

/// Sums in fen per kind; `None` once a sum has left the range of amounts
/// (never clamped).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct FenTotals {
    pub by_kind: [Option<i128>; 5],
}

impl Default for FenTotals {
    fn default() -> Self {
        FenTotals {
            by_kind: [Some(0); 5],
        }
    }
}

impl FenTotals {
    /// Adds `fen` to `kind`'s total; `false` when it overflows (or the kind
    /// has no amounts).
    pub(crate) fn add(&mut self, kind: Gives, fen: i128) -> bool {
        let Some(slot) = position(kind).and_then(|i| self.by_kind.get_mut(i)) else {
            return false;
        };
        *slot = slot.and_then(|t| add_fen(t, fen));
        slot.is_some()
    }

    /// The total of one kind.
    pub(crate) fn get(&self, kind: Gives) -> Option<i128> {
        position(kind)
            .and_then(|i| self.by_kind.get(i).copied())
            .flatten()
    }

    /// The budget outlay: paid plus refunded.
    pub(crate) fn outlay(&self) -> Option<i128> {
        add_fen(self.get(Gives::Paid)?, self.get(Gives::Refunded)?)
    }
}

//! What a rule gives: the kind of value of its amount (issue 14, point 1).
//!
//! Every rule of the IR carries its kind, resolved by the check: the rule's
//! own `gives` clause, else the one default per measure kind of
//! [`Gives::default_for`] (the table is also in `docs/language.md`). Amounts of
//! different kinds never add up: the top-level total of an evaluation or a
//! batch is the budget outlay ([`Gives::is_outlay`]: money paid or refunded),
//! and every other kind has its own total.

use serde::{Deserialize, Serialize};

use super::{Measure, MeasureKind};

/// The kind of value a rule gives.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Gives {
    /// Money paid to the addressee: a subsidy, an allowance, a reward.
    Paid,
    /// Money paid back to the addressee: contributions or fees refunded.
    Refunded,
    /// A fee or charge reduced or waived (money not collected, not paid).
    FeeReduced,
    /// Interest on a loan paid by the budget in the addressee's place.
    InterestSubsidy,
    /// A loan ceiling: credit that may be borrowed and must be repaid.
    LoanCeiling,
    /// No money: a right, a service, a deferral, a procedural relief.
    None,
}

impl Gives {
    /// All kinds, with their keywords, in the order totals are shown.
    pub const ALL: [(Gives, &'static str); 6] = [
        (Gives::Paid, "paid"),
        (Gives::Refunded, "refunded"),
        (Gives::FeeReduced, "fee_reduced"),
        (Gives::InterestSubsidy, "interest_subsidy"),
        (Gives::LoanCeiling, "loan_ceiling"),
        (Gives::None, "none"),
    ];

    /// The keyword of a kind.
    pub fn keyword(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(k, _)| *k == self)
            .map_or("none", |(_, s)| s)
    }

    /// The kind named by a keyword.
    pub fn parse(s: &str) -> Option<Gives> {
        Self::ALL.iter().find(|(_, n)| *n == s).map(|(k, _)| *k)
    }

    /// Whether an amount of this kind is budget outlay (money paid or
    /// refunded to the addressee), the kind the top-level `total` sums.
    pub fn is_outlay(self) -> bool {
        matches!(self, Gives::Paid | Gives::Refunded)
    }

    /// Whether a rule of this kind may have an amount (every kind but `none`).
    pub fn has_amount(self) -> bool {
        self != Gives::None
    }

    /// What a rule gives when it says nothing: the one table from measure
    /// kind to kind of value (documented in `docs/language.md`).
    pub fn default_for(kind: MeasureKind) -> Gives {
        match kind {
            MeasureKind::Benefit => Gives::Paid,
            MeasureKind::Refund => Gives::Refunded,
            MeasureKind::FeeWaiver => Gives::FeeReduced,
            MeasureKind::LoanTerms => Gives::LoanCeiling,
            MeasureKind::Deferral
            | MeasureKind::Obligation
            | MeasureKind::Target
            | MeasureKind::ProceduralRight
            | MeasureKind::Directive => Gives::None,
        }
    }

    /// A few words for explanations and text output.
    pub fn words(self) -> &'static str {
        match self {
            Gives::Paid => "money paid",
            Gives::Refunded => "money refunded",
            Gives::FeeReduced => "fee reduced or waived",
            Gives::InterestSubsidy => "interest subsidised",
            Gives::LoanCeiling => "loan ceiling (credit, not paid)",
            Gives::None => "no money",
        }
    }
}

impl Measure {
    /// The kind of value of the measure's amounts (the check makes them all
    /// of one kind), or `None` when no rule gives an amount.
    pub fn gives(&self) -> Option<Gives> {
        self.rules
            .iter()
            .find(|r| r.amount.is_some())
            .map(|r| r.gives)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_round_trip_and_the_table_is_total() {
        for (k, s) in Gives::ALL {
            assert_eq!(Gives::parse(s), Some(k));
            assert_eq!(k.keyword(), s);
        }
        for (m, _) in MeasureKind::ALL {
            let _ = Gives::default_for(m);
        }
        assert_eq!(
            Gives::default_for(MeasureKind::LoanTerms),
            Gives::LoanCeiling
        );
        assert!(!Gives::LoanCeiling.is_outlay());
        assert!(Gives::Refunded.is_outlay());
    }
}

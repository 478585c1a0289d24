//! Values that are not money (issue 14, point 2): a rule may give a date
//! (`until E`: a deferral until it) or a duration (`for E`: an extension by
//! it, a loan term), raised by `floor` and lowered by `cap` like an amount.
//! A request beyond the cap is granted up to the cap, not refused.
//!
//! [`RuleValue`] is the rule's clause in the IR; [`Given`] a value given (or
//! expected by an example).

use std::cmp::Ordering;
use std::fmt;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{Expr, Measure, MeasureKind};
use crate::types::Unit;

/// What a date or duration given is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum ValueKind {
    /// A payment or repayment deferred (until a date, or by a duration).
    Deferral,
    /// A period or deadline extended (until a date, or by a duration).
    Extension,
    /// The term of a loan or of a right: how long it runs.
    Term,
}

impl ValueKind {
    /// All kinds, with their keywords.
    pub const ALL: [(ValueKind, &'static str); 3] = [
        (ValueKind::Deferral, "deferral"),
        (ValueKind::Extension, "extension"),
        (ValueKind::Term, "term"),
    ];

    /// The keyword of a kind.
    pub fn keyword(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(k, _)| *k == self)
            .map_or("deferral", |(_, s)| s)
    }

    /// The kind named by a keyword.
    pub fn parse(s: &str) -> Option<ValueKind> {
        Self::ALL.iter().find(|(_, n)| *n == s).map(|(k, _)| *k)
    }

    /// What a rule giving a date or duration gives when it says nothing, by
    /// the measure's kind; `None`: a measure of this kind gives no date or
    /// duration (it gives money, or obliges).
    pub fn default_for(kind: MeasureKind) -> Option<ValueKind> {
        match kind {
            MeasureKind::Deferral => Some(ValueKind::Deferral),
            MeasureKind::LoanTerms => Some(ValueKind::Term),
            MeasureKind::ProceduralRight => Some(ValueKind::Extension),
            MeasureKind::Benefit
            | MeasureKind::Refund
            | MeasureKind::FeeWaiver
            | MeasureKind::Obligation
            | MeasureKind::Target
            | MeasureKind::Directive => None,
        }
    }

    /// A few words for explanations and text output.
    pub fn words(self, form: ValueForm) -> &'static str {
        match (self, form) {
            (ValueKind::Deferral, ValueForm::Until) => "deferred until",
            (ValueKind::Deferral, ValueForm::For) => "deferred by",
            (ValueKind::Extension, ValueForm::Until) => "extended until",
            (ValueKind::Extension, ValueForm::For) => "extended by",
            (ValueKind::Term, ValueForm::Until) => "term until",
            (ValueKind::Term, ValueForm::For) => "term of",
        }
    }
}

/// Whether a rule gives a date or a duration.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ValueForm {
    /// `until E`: a date.
    Until,
    /// `for E`: a duration (a number of 天, 月 or 年).
    For,
}

impl ValueForm {
    /// `until` or `for`.
    pub fn keyword(self) -> &'static str {
        match self {
            ValueForm::Until => "until",
            ValueForm::For => "for",
        }
    }
}

/// A rule's date or duration: `until E` or `for E`, of a kind. The rule's
/// `floor` and `cap` bound it (they are of its type).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleValue {
    /// `until` (a date) or `for` (a duration).
    pub form: ValueForm,
    /// What it is.
    pub kind: ValueKind,
    /// The value requested or computed, before floor and cap.
    pub expr: Expr,
}

/// A duration: a count of days, months or years.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Duration {
    /// How many (exact).
    pub count: Decimal,
    /// Of what.
    pub unit: Unit,
}

/// A date or duration given (or expected by an example).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Given {
    /// A date.
    Until(NaiveDate),
    /// A duration.
    For(Duration),
}

impl Given {
    /// Its form.
    pub fn form(&self) -> ValueForm {
        match self {
            Given::Until(_) => ValueForm::Until,
            Given::For(_) => ValueForm::For,
        }
    }

    /// The order of two values of one form (and unit); `None` otherwise.
    pub fn compare(&self, o: &Given) -> Option<Ordering> {
        match (self, o) {
            (Given::Until(a), Given::Until(b)) => Some(a.cmp(b)),
            (Given::For(a), Given::For(b)) if a.unit == b.unit => Some(a.count.cmp(&b.count)),
            _ => None,
        }
    }
}

impl fmt::Display for Given {
    /// `2020-06-30`, `6 个月`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Given::Until(d) => write!(f, "{d}"),
            Given::For(d) => write!(f, "{} {}", d.count.normalize(), d.unit.count_symbol()),
        }
    }
}

impl Measure {
    /// The kind and form of the dates or durations the measure's rules give
    /// (the check makes them all of one), or `None` when no rule gives one.
    pub fn gives_value(&self) -> Option<(ValueKind, ValueForm)> {
        self.rules
            .iter()
            .find_map(|r| r.value.as_ref().map(|v| (v.kind, v.form)))
    }
}

/// The IR check of a rule that gives a date or duration (a loaded IR is
/// re-checked, `docs/ir.md`): the value is a date (`until`) or a duration
/// (`for`), its floor and cap are of its type, and the rule has no amount.
pub(super) fn validate(
    r: &super::RuleDef,
    v: &RuleValue,
    at: &str,
    mut expr: impl FnMut(&Expr) -> Result<(), super::IrError>,
) -> Result<(), super::IrError> {
    let bad = |what: String| super::IrError::Inconsistent { what };
    let fits = match v.form {
        ValueForm::Until => v.expr.ty == super::Type::Date,
        ValueForm::For => v.expr.ty.dim().and_then(|d| d.single_time_unit()).is_some(),
    };
    if !fits {
        return Err(bad(format!(
            "the value of {at} is of type {}, not what `{}` gives",
            v.expr.ty,
            v.form.keyword()
        )));
    }
    if r.amount.is_some() {
        return Err(bad(format!("{at} gives both an amount and a value")));
    }
    expr(&v.expr)?;
    for (kw, x) in [("floor", &r.floor), ("cap", &r.cap)] {
        let Some(x) = x else { continue };
        expr(x)?;
        if x.ty.dim() != v.expr.ty.dim()
            || (x.ty == super::Type::Date) != (v.expr.ty == super::Type::Date)
        {
            return Err(bad(format!("the {kw} of {at} is not of the value's type")));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_round_trip_and_values_compare_within_a_form() {
        for (k, s) in ValueKind::ALL {
            assert_eq!(ValueKind::parse(s), Some(k));
            assert_eq!(k.keyword(), s);
        }
        let d = |s: &str| Given::Until(NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap());
        assert_eq!(
            d("2020-06-30").compare(&d("2020-07-31")),
            Some(Ordering::Less)
        );
        let m = Given::For(Duration {
            count: Decimal::new(6, 0),
            unit: Unit::Month,
        });
        let y = Given::For(Duration {
            count: Decimal::new(1, 0),
            unit: Unit::Year,
        });
        assert_eq!(m.compare(&y), None);
        assert_eq!(m.to_string(), "6 个月");
        assert_eq!(d("2020-06-30").to_string(), "2020-06-30");
    }
}

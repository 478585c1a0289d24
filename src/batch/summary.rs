//! The summary of a batch run: records read and rejected, and per measure the
//! counts by status and the total amount (the budget estimate), exact.

use std::fmt::Write as _;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;
use unicode_width::UnicodeWidthStr;

use super::kinds::{position, MONEY_KINDS};
use super::plan::Plan;
use crate::diagnostic::escape;
use crate::ir::{Gives, Status};

/// A record that could not be evaluated.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Rejection {
    /// Its line in the input (1-based; a CSV header is line 1).
    pub line: u64,
    /// Its id, if it has one.
    pub id: Option<String>,
    /// What kind of problem: a `policy::facts::…` code (as `eval` reports
    /// facts: `wrong_type`, `not_json`, `duplicate_key`, …), or a
    /// `policy::batch::…` code of the reader (see docs/cli.md).
    pub code: &'static str,
    /// What is wrong with it.
    pub reason: String,
}

/// The figures of one measure.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct MeasureSummary {
    /// Its number.
    pub number: u32,
    /// （三）
    pub label: String,
    /// Its title.
    pub title: String,
    /// The entity it is addressed to.
    pub entity: String,
    /// Records of that entity evaluated.
    pub records: u64,
    /// How many are eligible.
    pub eligible: u64,
    /// Of the eligible, how many are entitled (no discretionary rule applies).
    pub entitled: u64,
    /// Of the eligible, how many may be granted (a discretionary rule, `may`,
    /// applies): the authority decides.
    pub discretionary: u64,
    /// How many are not.
    pub not_eligible: u64,
    /// How many need facts that were not given.
    pub needs_facts: u64,
    /// How many failed to evaluate (conflicting rules, overflow, …).
    pub error: u64,
    /// How many wait for a delegated value the locality has not set.
    pub undetermined: u64,
    /// How many fell outside the effective period.
    pub not_in_force: u64,
    /// How many came after the application deadline.
    pub deadline_passed: u64,
    /// The sum of the eligible records' amounts, exact; `None` when it is
    /// beyond what a decimal holds (about 7.9·10^26 元): `"overflow"` in JSON.
    #[serde(serialize_with = "total_json")]
    pub total: Option<Decimal>,
    /// The kind of value of the measure's amounts (`None`: it gives none).
    pub gives: Option<Gives>,
    /// Whether `total` is exact or a bound (some records' amounts are).
    pub bound: crate::eval::Bound,
    /// What the measure's dates or durations are, if its rules give one
    /// (`deferral`, `extension`, `term`); its eligible records are grants of it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_kind: Option<crate::ir::ValueKind>,
}

/// The run's totals per kind of value, exact; `None` beyond what a decimal
/// holds (`"overflow"` in JSON).
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct SummaryKindTotals {
    /// Money paid.
    #[serde(serialize_with = "total_json")]
    pub paid: Option<Decimal>,
    /// Money refunded.
    #[serde(serialize_with = "total_json")]
    pub refunded: Option<Decimal>,
    /// Fees or charges reduced or waived.
    #[serde(serialize_with = "total_json")]
    pub fee_reduced: Option<Decimal>,
    /// Interest subsidised.
    #[serde(serialize_with = "total_json")]
    pub interest_subsidy: Option<Decimal>,
    /// Loan ceilings: credit that may be borrowed, not paid.
    #[serde(serialize_with = "total_json")]
    pub loan_ceiling: Option<Decimal>,
}

impl SummaryKindTotals {
    /// The total of one kind (`None` also for `none`).
    pub fn get(&self, kind: Gives) -> Option<Decimal> {
        match kind {
            Gives::Paid => self.paid,
            Gives::Refunded => self.refunded,
            Gives::FeeReduced => self.fee_reduced,
            Gives::InterestSubsidy => self.interest_subsidy,
            Gives::LoanCeiling => self.loan_ceiling,
            Gives::None => None,
        }
    }

    fn all(&self) -> [Option<Decimal>; 5] {
        [
            self.paid,
            self.refunded,
            self.fee_reduced,
            self.interest_subsidy,
            self.loan_ceiling,
        ]
    }
}

/// What a batch run found.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Summary {
    /// The application date.
    pub date: NaiveDate,
    /// The locality.
    pub locality: Option<String>,
    /// Records read (blank lines and a CSV header excluded).
    pub records: u64,
    /// Records evaluated.
    pub evaluated: u64,
    /// Records rejected.
    pub rejected: u64,
    /// The first rejected records, in input order (up to the run's limit).
    pub rejections: Vec<Rejection>,
    /// Per measure reported: the measures selected that are addressed to the
    /// entity named, or (none named) to an entity that had records.
    pub measures: Vec<MeasureSummary>,
    /// The budget outlay: the sum of the totals of the measures that pay or
    /// refund money, exact; `None` when it is beyond what a decimal holds:
    /// `"overflow"` in JSON. Loan ceilings, fees reduced and interest
    /// subsidised are not in it.
    #[serde(serialize_with = "total_json")]
    pub total: Option<Decimal>,
    /// The measures' totals summed per kind of value.
    pub totals_by_kind: SummaryKindTotals,
    /// Whether `total` is exact or a bound (a measure's total in it is).
    pub total_bound: crate::eval::Bound,
    /// Per kind of value, whether its total is exact or a bound.
    pub bounds_by_kind: crate::eval::KindBounds,
    /// Always `CNY`.
    pub currency: &'static str,
    /// Eligible records per kind of date or duration given (`deferral`,
    /// `extension`, `term`): counts, never money.
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub values_by_kind: std::collections::BTreeMap<crate::ir::ValueKind, u64>,
}

/// A total as JSON: its decimal as a string, or `"overflow"`.
fn total_json<S: serde::Serializer>(t: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
    match t {
        Some(d) => serde::Serialize::serialize(d, s),
        None => s.serialize_str("overflow"),
    }
}

/// Counts of one measure, with its total in fen.
#[derive(Clone, Copy, Debug)]
pub(crate) struct MeasureTally {
    pub records: u64,
    pub eligible: u64,
    pub not_eligible: u64,
    pub needs_facts: u64,
    pub error: u64,
    pub undetermined: u64,
    pub not_in_force: u64,
    pub deadline_passed: u64,
    /// Eligible records whose outcome may be granted (discretionary).
    pub may: u64,
    /// The bound of the eligible records' amounts, joined.
    pub bound: crate::eval::Bound,
    /// `None` once the sum has left `i128` (never clamped).
    pub fen: Option<i128>,
}

impl Default for MeasureTally {
    fn default() -> Self {
        MeasureTally {
            records: 0,
            eligible: 0,
            not_eligible: 0,
            needs_facts: 0,
            error: 0,
            undetermined: 0,
            not_in_force: 0,
            deadline_passed: 0,
            may: 0,
            bound: crate::eval::Bound::Exact,
            fen: Some(0),
        }
    }
}

impl MeasureTally {
    pub(crate) fn add(&mut self, status: Status, amount: Option<i128>) {
        self.records += 1;
        match status {
            Status::Eligible => {
                self.eligible += 1;
                self.fen = self.fen.and_then(|f| f.checked_add(amount.unwrap_or(0)));
            }
            Status::NotEligible => self.not_eligible += 1,
            Status::NeedsFacts => self.needs_facts += 1,
            Status::Error => self.error += 1,
            Status::Undetermined => self.undetermined += 1,
            Status::NotInForce => self.not_in_force += 1,
            Status::DeadlinePassed => self.deadline_passed += 1,
            Status::NotAddressed => self.records -= 1,
        }
    }

    fn merge(&mut self, o: &MeasureTally) {
        self.records += o.records;
        self.eligible += o.eligible;
        self.not_eligible += o.not_eligible;
        self.needs_facts += o.needs_facts;
        self.error += o.error;
        self.undetermined += o.undetermined;
        self.not_in_force += o.not_in_force;
        self.deadline_passed += o.deadline_passed;
        self.may += o.may;
        self.bound = self.bound.join(o.bound);
        self.fen = self.fen.zip(o.fen).and_then(|(a, b)| a.checked_add(b));
    }
}

/// The running figures of a run (or of one chunk).
#[derive(Clone, Debug, Default)]
pub(crate) struct Tally {
    pub records: u64,
    pub rejected: u64,
    pub rejections: Vec<Rejection>,
    /// Per measure of the policy.
    pub measures: Vec<MeasureTally>,
}

impl Tally {
    pub(crate) fn new(measures: usize) -> Tally {
        Tally {
            measures: vec![MeasureTally::default(); measures],
            ..Tally::default()
        }
    }

    /// Adds the figures of the next chunk, keeping at most `limit` rejections.
    pub(crate) fn merge(&mut self, o: Tally, limit: usize) {
        self.records += o.records;
        self.rejected += o.rejected;
        let room = limit.saturating_sub(self.rejections.len());
        self.rejections.extend(o.rejections.into_iter().take(room));
        for (a, b) in self.measures.iter_mut().zip(&o.measures) {
            a.merge(b);
        }
    }

    pub(crate) fn summary(self, plan: &Plan<'_>) -> Summary {
        let p = plan.policy;
        let mut by_kind: [Option<i128>; 5] = [Some(0); 5];
        let measures: Vec<MeasureSummary> = plan
            .reported
            .iter()
            .filter_map(|&mi| {
                let m = p.measures.get(mi)?;
                let t = self.measures.get(mi).copied().unwrap_or_default();
                // without an entity named, measures of entities absent from the input are left out
                if t.records == 0 && plan.only.is_none() {
                    return None;
                }
                if let Some(slot) = m
                    .gives()
                    .and_then(position)
                    .and_then(|i| by_kind.get_mut(i))
                {
                    *slot = slot.zip(t.fen).and_then(|(a, b)| a.checked_add(b));
                }
                Some(MeasureSummary {
                    number: m.number,
                    label: m.label.clone(),
                    title: m.title.clone(),
                    entity: m
                        .all_addressees()
                        .into_iter()
                        .filter_map(|a| p.entities.get(a as usize))
                        .map(|e| e.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                    records: t.records,
                    eligible: t.eligible,
                    entitled: t.eligible.saturating_sub(t.may),
                    discretionary: t.may,
                    not_eligible: t.not_eligible,
                    needs_facts: t.needs_facts,
                    error: t.error,
                    undetermined: t.undetermined,
                    not_in_force: t.not_in_force,
                    deadline_passed: t.deadline_passed,
                    total: t.fen.and_then(decimal_fen),
                    gives: m.gives(),
                    bound: t.bound,
                    value_kind: m.gives_value().map(|(k, _)| k),
                })
            })
            .collect();
        let kind = |k: Gives| {
            position(k)
                .and_then(|i| by_kind.get(i).copied())
                .flatten()
                .and_then(decimal_fen)
        };
        let totals_by_kind = SummaryKindTotals {
            paid: kind(Gives::Paid),
            refunded: kind(Gives::Refunded),
            fee_reduced: kind(Gives::FeeReduced),
            interest_subsidy: kind(Gives::InterestSubsidy),
            loan_ceiling: kind(Gives::LoanCeiling),
        };
        let total = totals_by_kind
            .paid
            .zip(totals_by_kind.refunded)
            .and_then(|(a, b)| a.checked_add(b));
        let total_bound = measures
            .iter()
            .filter(|m| m.gives.is_some_and(Gives::is_outlay))
            .fold(crate::eval::Bound::Exact, |b, m| b.join(m.bound));
        let mut bounds_by_kind = crate::eval::KindBounds::default();
        for m in &measures {
            if let Some(k) = m.gives {
                bounds_by_kind.join(k, m.bound);
            }
        }
        let values_by_kind =
            super::values::count(measures.iter().map(|m| (m.value_kind, m.eligible)));
        Summary {
            values_by_kind,
            date: plan.scenario.date(),
            locality: plan.scenario.locality().map(|l| l.name.clone()),
            records: self.records,
            evaluated: self.records.saturating_sub(self.rejected),
            rejected: self.rejected,
            rejections: self.rejections,
            measures,
            total,
            totals_by_kind,
            total_bound,
            bounds_by_kind,
            currency: crate::eval::CURRENCY,
        }
    }
}

/// Fen as a decimal of 元, if a decimal holds it (up to about 7.9·10^26 元).
fn decimal_fen(fen: i128) -> Option<Decimal> {
    Decimal::try_from_i128_with_scale(fen, 2).ok()
}

/// Whether `s` may hold a character that [`hidden_on_terminal`](crate::diagnostic::hidden_on_terminal) refuses: a byte
/// that is a control, or that starts the UTF-8 encoding of one (cheap; exact
/// for ASCII and for text without those lead bytes).
pub(crate) fn maybe_unsafe(s: &[u8]) -> bool {
    s.iter()
        .any(|b| *b < 0x20 || matches!(b, 0x7F | 0xC2 | 0xD8 | 0xE2 | 0xEF))
}

/// A total as the text summary shows it.
fn total_text(t: Option<Decimal>) -> String {
    t.map_or_else(|| "overflow".to_string(), |d| format!("{d:.2}"))
}

impl Summary {
    /// Whether a total could not be represented (it is `None`): the run
    /// must not be taken as a success.
    pub fn overflowed(&self) -> bool {
        self.total.is_none()
            || self.totals_by_kind.all().iter().any(Option::is_none)
            || self.measures.iter().any(|m| m.total.is_none())
    }

    /// The summary as people read it. Every text from the input (ids,
    /// reasons, the locality) is escaped with [`escape`].
    pub fn render_text(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "{} records read, {} evaluated, {} rejected (date {}{})",
            self.records,
            self.evaluated,
            self.rejected,
            self.date,
            self.locality
                .as_deref()
                .map(|l| format!(", locality {}", escape(l)))
                .unwrap_or_default()
        );
        let heads = [
            "measure",
            "records",
            "eligible",
            "of which may",
            "needs facts",
            "total (元)",
            "kind",
        ];
        let mut rows: Vec<[String; 7]> = self
            .measures
            .iter()
            .map(|m| {
                [
                    format!("{}{}", escape(&m.label), escape(&m.title)),
                    m.records.to_string(),
                    m.eligible.to_string(),
                    m.discretionary.to_string(),
                    m.needs_facts.to_string(),
                    format!("{}{}", m.bound.words(), total_text(m.total)),
                    match m.value_kind {
                        Some(v) => v.keyword().to_string(),
                        None => m.gives.map_or("", Gives::keyword).to_string(),
                    },
                ]
            })
            .collect();
        rows.push([
            "total".into(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            format!("{}{}", self.total_bound.words(), total_text(self.total)),
            "paid + refunded".into(),
        ]);
        for k in MONEY_KINDS.iter().filter(|k| !k.is_outlay()) {
            let t = self.totals_by_kind.get(*k);
            if t.is_some_and(|d| d.is_zero()) {
                continue;
            }
            rows.push([
                format!("{} (not in the total)", k.keyword()),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                format!("{}{}", self.bounds_by_kind.get(*k).words(), total_text(t)),
                k.keyword().into(),
            ]);
        }
        for (k, n) in &self.values_by_kind {
            // grants of a date or duration: counted, never summed
            rows.push([
                format!("{} (grants, no money)", k.keyword()),
                String::new(),
                n.to_string(),
                String::new(),
                String::new(),
                String::new(),
                k.keyword().into(),
            ]);
        }
        let mut widths = heads.map(UnicodeWidthStr::width);
        for r in &rows {
            for (w, c) in widths.iter_mut().zip(r) {
                *w = (*w).max(c.width());
            }
        }
        let line = |cells: [&str; 7], s: &mut String| {
            for (i, (c, w)) in cells.iter().zip(widths).enumerate() {
                let pad = " ".repeat(w.saturating_sub(c.width()));
                if i == 0 {
                    let _ = write!(s, "{c}{pad}");
                } else {
                    let _ = write!(s, "  {pad}{c}");
                }
            }
            s.push('\n');
        };
        line(heads, &mut s);
        for r in &rows {
            line(r.each_ref().map(String::as_str), &mut s);
        }
        for m in self.measures.iter().filter(|m| m.undetermined > 0) {
            let _ = writeln!(
                s,
                "{}{}: {} undetermined (a delegated value the locality has not set)",
                escape(&m.label),
                escape(&m.title),
                m.undetermined
            );
        }
        if self.overflowed() {
            let _ = writeln!(
                s,
                "overflow: a total is beyond what is kept exactly (about 7.9·10^26 元); \
                 it is not shown rather than shown wrong"
            );
        }
        if self.rejected > 0 {
            let _ = writeln!(
                s,
                "rejected records ({} shown of {}):",
                self.rejections.len(),
                self.rejected
            );
            for r in &self.rejections {
                let id =
                    r.id.as_deref()
                        .map(|i| format!(" ({})", escape(i)))
                        .unwrap_or_default();
                let _ = writeln!(s, "  line {}{id}: {}", r.line, escape(&r.reason));
            }
        }
        s
    }
}

//! What a batch run does for each entity: which measures it reports, and how
//! each is evaluated — a constant (the date alone decides), the columnar
//! program, or the row evaluator.

use rust_decimal::Decimal;

use super::columnar::Program;
use super::kinds::FenTotals;
use super::{BatchError, BatchOptions, Check, Engine};
use crate::eval::{self, Facts, MeasureResult, Scenario};
use crate::ir::{Gives, Measure, Policy, Status};

/// The outcome of one measure for one record, as the row evaluator gives it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Outcome {
    pub status: Status,
    /// The total in fen.
    pub amount: Option<i128>,
    /// For `needs_facts`: the facts, sorted.
    pub needs: Vec<String>,
    /// For `error`: what went wrong; for `undetermined`: the reason.
    pub error: Option<String>,
    /// For `eligible`: a discretionary rule applies (may be granted).
    pub may: bool,
    /// For `eligible`: whether the amount is exact or a bound.
    pub bound: eval::Bound,
    /// For `eligible`: the date or duration given, if the measure gives one.
    pub value: Option<GivenOut>,
}

/// A date or duration given, for batch lines: what it is, the value, what
/// was requested, and whether a floor or cap changed it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct GivenOut {
    pub kind: crate::ir::ValueKind,
    pub value: crate::ir::Given,
    pub requested: crate::ir::Given,
    pub bounded_by: Option<&'static str>,
}

impl Outcome {
    pub(crate) fn from_result(r: &MeasureResult) -> Outcome {
        Outcome {
            status: r.status,
            amount: r.total.map(fen),
            needs: r.needs.clone(),
            // for `undetermined`, the reason naming the value not set
            error: matches!(r.status, Status::Error | Status::Undetermined)
                .then(|| r.reason.clone()),
            may: r.may,
            bound: r.bound,
            value: r.value.as_ref().map(|v| GivenOut {
                kind: v.kind,
                value: v.value,
                requested: v.requested,
                bounded_by: v.bounded_by,
            }),
        }
    }
}

/// An amount in fen (amounts are rounded to the fen, so this is exact).
pub(crate) fn fen(d: Decimal) -> i128 {
    eval::arith::fen(d).unwrap_or_default()
}

/// The totals of one record in fen, per kind of value: the sums of its
/// eligible measures' amounts, added up by the rule `policyc eval` adds them
/// up with ([`eval::arith::add_fen`]); each item is a measure's status, amount
/// and kind of value. `Err` with the index (among `amounts`) of the measure
/// whose amount made a total (or the outlay) overflow: the record is an
/// error, as its evaluation is in `policyc eval`.
pub(crate) fn record_total(
    amounts: impl IntoIterator<Item = (Status, Option<i128>, Option<Gives>)>,
) -> Result<FenTotals, usize> {
    let mut totals = FenTotals::default();
    for (i, (status, amount, kind)) in amounts.into_iter().enumerate() {
        if status == Status::Eligible {
            if let (Some(a), Some(k)) = (amount, kind) {
                if !totals.add(k, a) || (k.is_outlay() && totals.outlay().is_none()) {
                    return Err(i);
                }
            }
        }
    }
    Ok(totals)
}

/// The reason a record whose total overflows is rejected: the error
/// `policyc eval` gives for it. `measure` is the index in the policy of the
/// measure whose amount made the total overflow.
pub(crate) fn total_overflow_reason(policy: &Policy, measure: usize) -> String {
    policy
        .measures
        .get(measure)
        .map(|m| eval::total_overflow(m).to_string())
        .unwrap_or_default()
}

/// How one measure is evaluated in this run.
#[derive(Clone, Debug)]
pub(crate) enum Mode {
    /// The same for every record (not in force, deadline passed, no rules).
    Constant(Outcome),
    /// Over columns.
    Columnar(Program),
    /// One record at a time.
    Rows,
}

/// One measure reported for an entity.
#[derive(Clone, Debug)]
pub(crate) struct MeasurePlan {
    /// Index in the policy's measures.
    pub index: usize,
    pub mode: Mode,
}

/// Everything reported for records of one entity.
#[derive(Clone, Debug, Default)]
pub(crate) struct EntityPlan {
    pub measures: Vec<MeasurePlan>,
    /// Per field: whether a columnar program reads it (others are only checked).
    pub used: Vec<bool>,
    /// Per field: whether its values are read and checked at all.
    pub checked: Vec<bool>,
}

/// The plan of a run.
#[derive(Debug)]
pub(crate) struct Plan<'p> {
    pub policy: &'p Policy,
    /// The date, the locality and the parameters in force, for every record.
    pub scenario: Scenario<'p>,
    /// One per entity of the policy.
    pub entities: Vec<EntityPlan>,
    /// Records must be of this entity.
    pub only: Option<u32>,
    /// Measures reported (indices, policy order): those selected that are
    /// addressed to an entity in scope. The CSV output has their columns.
    pub reported: Vec<usize>,
    /// The members files of a CSV run, indexed by parent id (`batch::members`).
    pub members: Vec<super::members::MemberIndex>,
}

impl<'p> Plan<'p> {
    pub(crate) fn new(
        scenario: Scenario<'p>,
        opts: &BatchOptions<'_>,
        only: Option<u32>,
    ) -> Result<Plan<'p>, BatchError> {
        let policy = scenario.policy();
        if let Some(list) = &opts.measures {
            for n in list {
                if !policy.measures.iter().any(|m| m.number == *n) {
                    let nums: Vec<String> = policy
                        .measures
                        .iter()
                        .map(|m| m.number.to_string())
                        .collect();
                    let nums: Vec<&str> = nums.iter().map(String::as_str).collect();
                    // no "did you mean": every number is one keystroke from another
                    return Err(BatchError::UnknownMeasure {
                        number: *n,
                        help: Some(crate::suggest::list(
                            &nums,
                            "measures",
                            "the policy has no measure",
                        )),
                    });
                }
            }
        }
        let selected = |m: &Measure| opts.measures.as_ref().is_none_or(|l| l.contains(&m.number));
        let reported: Vec<usize> = policy
            .measures
            .iter()
            .enumerate()
            .filter(|(_, m)| selected(m))
            .filter(|(_, m)| match only {
                Some(o) => m.addresses(o),
                None => !m.all_addressees().is_empty(),
            })
            .map(|(i, _)| i)
            .collect();
        let mut entities = Vec::with_capacity(policy.entities.len());
        for (ei, def) in policy.entities.iter().enumerate() {
            let unknown = Facts::unknown(policy, ei as u32);
            let mut measures = Vec::new();
            for &mi in &reported {
                let Some(m) = policy.measures.get(mi) else {
                    continue;
                };
                if !m.addresses(ei as u32) {
                    continue;
                }
                let gate = Outcome::from_result(&scenario.evaluate_measure(m, &unknown, false));
                let constant = (m.rules.is_empty() && m.condition.is_none())
                    || matches!(gate.status, Status::NotInForce | Status::DeadlinePassed);
                let mode = if constant {
                    Mode::Constant(gate)
                } else if opts.engine == Engine::Rows
                    || !m.parts.is_empty()
                    || eval::reads_bounded(&scenario, m)
                    || m.gives_value().is_some()
                {
                    // and one whose rules give a date or duration
                    // a measure that declares parts runs on the row engine
                    // (docs/cli.md); so does one whose amount is only a bound
                    // (the columnar program does not say)
                    Mode::Rows
                } else {
                    Program::compile(&scenario, m, def).map_or(Mode::Rows, Mode::Columnar)
                };
                measures.push(MeasurePlan { index: mi, mode });
            }
            let mut used = vec![false; def.fields.len()];
            for mp in &measures {
                if let Mode::Columnar(p) = &mp.mode {
                    for s in p.slots() {
                        if let Some(u) = used.get_mut(*s as usize) {
                            *u = true;
                        }
                    }
                }
            }
            let checked = match opts.check {
                Check::All => vec![true; def.fields.len()],
                Check::Used => {
                    let mut read = vec![false; def.fields.len()];
                    for mp in &measures {
                        if matches!(mp.mode, Mode::Constant(_)) {
                            continue;
                        }
                        let Some(m) = policy.measures.get(mp.index) else {
                            continue;
                        };
                        let fields = if m.parts.is_empty() {
                            let mut f = super::columnar::measure_fields(m);
                            super::values::fields(m, &mut f);
                            f
                        } else {
                            m.fields_read_for(ei as u32)
                        };
                        for s in fields {
                            if let Some(x) = read.get_mut(s as usize) {
                                *x = true;
                            }
                        }
                    }
                    read
                }
            };
            entities.push(EntityPlan {
                measures,
                used,
                checked,
            });
        }
        let members = super::members::for_plan(policy, opts, only, &reported)?;
        Ok(Plan {
            policy,
            scenario,
            entities,
            only,
            reported,
            members,
        })
    }

    /// Which fields of entity `e` the columns store.
    pub(crate) fn used(&self, e: u32) -> &[bool] {
        self.entities
            .get(e as usize)
            .map_or(&[], |x| x.used.as_slice())
    }

    /// Which fields of entity `e` are read and checked.
    pub(crate) fn checked(&self, e: u32) -> &[bool] {
        self.entities
            .get(e as usize)
            .map_or(&[], |x| x.checked.as_slice())
    }

    /// Evaluates one measure for one record with the row evaluator.
    pub(crate) fn row_outcome(&self, measure: usize, facts: &Facts) -> Outcome {
        let Some(m) = self.policy.measures.get(measure) else {
            return error_outcome("the measure does not exist");
        };
        Outcome::from_result(&self.scenario.evaluate_measure(m, facts, false))
    }
}

pub(crate) fn error_outcome(reason: &str) -> Outcome {
    Outcome {
        status: Status::Error,
        amount: None,
        needs: Vec::new(),
        error: Some(reason.to_string()),
        may: false,
        bound: eval::Bound::Exact,
        value: None,
    }
}

/// The scenario of a run: `opts`' date and locality, the locality resolved once.
pub(crate) fn scenario<'p>(
    policy: &'p Policy,
    opts: &BatchOptions<'_>,
) -> Result<Scenario<'p>, BatchError> {
    Ok(Scenario::new(policy, opts.date, opts.locality)?)
}

/// The index of the entity named `name`, or an error with a suggestion.
pub(crate) fn entity_index(policy: &Policy, name: &str) -> Result<u32, BatchError> {
    policy.entity(name).map(|(i, _)| i).ok_or_else(|| {
        let names: Vec<&str> = policy.entities.iter().map(|e| e.name.as_str()).collect();
        BatchError::UnknownEntity {
            name: name.to_string(),
            help: Some(crate::suggest::or_list(
                name,
                &names,
                "entities",
                "the policy declares no entity",
            )),
        }
    })
}

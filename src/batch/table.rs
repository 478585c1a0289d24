//! A population held in memory as typed columns, evaluated by the same engine
//! as `policyc batch` — for embedders who already have their records in memory,
//! and to measure the engine's arithmetic apart from reading files.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::chunk::{self, Res};
use super::columns::Columns;
use super::output::View;
use super::plan::{self, entity_index, Mode, Plan};
use super::{BatchError, BatchOptions, Engine};
use crate::eval::{Facts, Scenario};
use crate::ir::{Policy, Status};

/// The records of one entity, as columns (one per field).
///
/// Values are stored exactly (money in fen, percentages to 0.01%); a value that
/// does not fit its column makes its row evaluated record at a time, with the
/// same results.
pub struct Table<'p> {
    policy: &'p Policy,
    entity: u32,
    cols: Columns,
    /// The records whose values do not all fit the columns, by row.
    misfits: BTreeMap<usize, Facts>,
}

impl<'p> Table<'p> {
    /// Puts `records` into columns. Every record must describe `entity`.
    pub fn new<I>(policy: &'p Policy, entity: &str, records: I) -> Result<Table<'p>, BatchError>
    where
        I: IntoIterator<Item = Facts>,
    {
        let ei = entity_index(policy, entity)?;
        let def = policy
            .entities
            .get(ei as usize)
            .ok_or(BatchError::Internal)?;
        let all = vec![true; def.fields.len()];
        let records = records.into_iter();
        let mut cols = Columns::new(policy, def, records.size_hint().0, &all, &all);
        let mut misfits = BTreeMap::new();
        for (i, facts) in records.enumerate() {
            if facts.entity != ei {
                let found = policy
                    .entities
                    .get(facts.entity as usize)
                    .map_or("?", |e| e.name.as_str());
                return Err(BatchError::OtherEntity {
                    record: i,
                    found: found.to_string(),
                    entity: entity.to_string(),
                });
            }
            cols.begin_row(i as u32);
            for (slot, v) in facts.values.iter().enumerate() {
                cols.set_value(slot, v.as_ref());
            }
            // a record with members keeps them here: the columns hold fields
            // only, and a measure reading members runs on rows
            let members = facts.lists.iter().any(Option::is_some);
            if members || cols.misfit.get(i).copied().unwrap_or(false) {
                misfits.insert(i, facts);
            }
        }
        cols.finish();
        Ok(Table {
            policy,
            entity: ei,
            cols,
            misfits,
        })
    }

    /// The number of records.
    pub fn len(&self) -> usize {
        self.cols.len
    }

    /// Whether the table has no records.
    pub fn is_empty(&self) -> bool {
        self.cols.len == 0
    }

    /// Evaluates measure `number` for every record, on `date`, with the
    /// parameters of `locality` where it sets them: builds the scenario and
    /// calls [`Table::evaluate_in`]. To evaluate several measures on one
    /// date, build the scenario once.
    pub fn evaluate(
        &self,
        number: u32,
        date: NaiveDate,
        locality: Option<&str>,
    ) -> Result<TableResults<'_>, BatchError> {
        let mut opts = BatchOptions::new(date);
        opts.locality = locality;
        self.evaluate_in(number, &plan::scenario(self.policy, &opts)?)
    }

    /// Evaluates measure `number` for every record in `scenario`, which must
    /// be a scenario of the table's policy
    /// ([`BatchError::ScenarioOfAnotherPolicy`] otherwise).
    pub fn evaluate_in(
        &self,
        number: u32,
        scenario: &Scenario<'p>,
    ) -> Result<TableResults<'_>, BatchError> {
        if !std::ptr::eq(scenario.policy(), self.policy) {
            return Err(BatchError::ScenarioOfAnotherPolicy);
        }
        let name = self
            .policy
            .entities
            .get(self.entity as usize)
            .map_or("", |e| e.name.as_str());
        let mut opts = BatchOptions::new(scenario.date());
        opts.measures = Some(vec![number]);
        opts.entity = Some(name);
        opts.engine = Engine::Columnar;
        let plan = Plan::new(scenario.clone(), &opts, Some(self.entity))?;
        let ep = plan
            .entities
            .get(self.entity as usize)
            .ok_or(BatchError::Internal)?;
        let Some(mp) = ep.measures.first() else {
            return Err(BatchError::NotAddressed {
                number,
                entity: name.to_string(),
            });
        };
        let mode = mp.mode.clone();
        // rows the program cannot compute exactly are evaluated one by one
        let reparse = |i: u32| {
            let row = i as usize;
            self.misfits
                .get(&row)
                .cloned()
                .or_else(|| self.cols.row_facts(self.entity, row))
        };
        let res = chunk::evaluate(&plan, ep, &self.cols, &reparse)
            .into_iter()
            .next()
            .ok_or(BatchError::Internal)?;
        Ok(TableResults {
            policy: self.policy,
            entity: self.entity,
            len: self.cols.len,
            mode,
            res,
        })
    }
}

/// The outcome of one measure for every record of a [`Table`].
pub struct TableResults<'t> {
    policy: &'t Policy,
    entity: u32,
    len: usize,
    mode: Mode,
    res: Res,
}

impl TableResults<'_> {
    /// The number of records.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether there are no records.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn view(&self, row: usize) -> Option<View<'_>> {
        if row >= self.len {
            return None;
        }
        self.res.view(&self.mode, row)
    }

    /// The status of record `row` (`None` past the end).
    pub fn status(&self, row: usize) -> Option<Status> {
        self.view(row).map(|v| v.status())
    }

    /// The amount of record `row`, when the rules that apply give one.
    pub fn amount(&self, row: usize) -> Option<Decimal> {
        let fen = self.view(row)?.amount()?;
        Decimal::try_from_i128_with_scale(fen, 2).ok()
    }

    /// For a record that needs facts: the facts whose values would decide.
    pub fn needs(&self, row: usize) -> Vec<String> {
        self.view(row)
            .map(|v| v.needs(self.policy, self.entity as usize))
            .unwrap_or_default()
    }

    /// How many records have `status`.
    pub fn count(&self, status: Status) -> usize {
        (0..self.len)
            .filter(|row| self.status(*row) == Some(status))
            .count()
    }

    /// The sum of the amounts of the eligible records, exact; `None` if it
    /// does not fit a decimal.
    pub fn total(&self) -> Option<Decimal> {
        let mut sum: i128 = 0;
        for row in 0..self.len {
            let Some(v) = self.view(row) else { continue };
            if v.status() == Status::Eligible {
                sum = crate::eval::arith::add_fen(sum, v.amount().unwrap_or(0))?;
            }
        }
        Decimal::try_from_i128_with_scale(sum, 2).ok()
    }
}

//! The scenario of an evaluation: the date, the locality resolved to its
//! index once, and the value of every parameter in force on that date in that
//! locality, fixed once. `policyc eval`, `policyc test`, `batch` (its row
//! fallback and its columnar engine) and `Table` all build one
//! [`Scenario`] and evaluate against it; nothing looks the locality up by
//! name again.

use chrono::NaiveDate;

use super::{EvalError, Evaluation, Facts, MeasureResult, UnknownLocality};
use crate::ir::{LocalityDef, Measure, ParamValue, Policy, Value};

/// What every evaluation of a run shares: the policy, the application date,
/// the locality (resolved once) and the parameters in force.
///
/// ```
/// # let mut sources = policyc::source::SourceMap::new();
/// # sources.add("p.policy", "locality 北京市 {}");
/// # let policy = policyc::compile(&sources).map_err(|d| d.len())?;
/// use policyc::eval::Scenario;
/// let date = chrono::NaiveDate::from_ymd_opt(2020, 7, 1).ok_or(0usize)?;
/// let s = Scenario::new(&policy, date, Some("北京市")).map_err(|_| 0usize)?;
/// assert_eq!(s.locality().map(|l| l.name.as_str()), Some("北京市"));
/// let err = Scenario::new(&policy, date, Some("北京")).err().ok_or(0usize)?;
/// assert_eq!(err.to_string(), "unknown locality `北京`");
/// # Ok::<(), usize>(())
/// ```
#[derive(Clone, Debug)]
pub struct Scenario<'p> {
    policy: &'p Policy,
    date: NaiveDate,
    /// The index of the locality in the policy's localities (`None` for a
    /// hypothetical locality, see [`Scenario::hypothetical`]).
    locality: Option<usize>,
    /// The locality.
    def: Option<&'p LocalityDef>,
    /// Per parameter: its value and where it comes from, or why it has none
    /// (boxed: rare, and the table stays small).
    params: Vec<Result<(&'p Value, Origin<'p>), Box<EvalError>>>,
    /// Some parameter is only a bound here ([`Scenario::has_bounds`]).
    bounded: bool,
}

impl<'p> Scenario<'p> {
    /// The scenario of `date` in `locality` (by name). An unknown locality is
    /// [`UnknownLocality`] (`policy::cli::unknown_locality`, the code the
    /// command line gives for `--locality`), with a "did you mean".
    pub fn new(
        policy: &'p Policy,
        date: NaiveDate,
        locality: Option<&str>,
    ) -> Result<Scenario<'p>, UnknownLocality> {
        let locality = match locality {
            None => None,
            Some(name) => Some(
                policy
                    .localities
                    .iter()
                    .position(|l| l.name == name)
                    .ok_or_else(|| unknown_locality(policy, name))?,
            ),
        };
        let def = locality.and_then(|i| policy.localities.get(i));
        Ok(Self::build(policy, date, locality, def))
    }

    /// The scenario of a locality (its index, if the policy declares it):
    /// the parameters in force fixed once, and whether any of them is only a
    /// bound here.
    fn build(
        policy: &'p Policy,
        date: NaiveDate,
        locality: Option<usize>,
        def: Option<&'p LocalityDef>,
    ) -> Self {
        let params = (0..policy.parameters.len())
            .map(|i| param_in_force(policy, date, def, i).map_err(Box::new))
            .collect();
        let mut s = Scenario {
            policy,
            date,
            locality,
            def,
            params,
            bounded: false,
        };
        s.bounded = (0..policy.parameters.len() as u32)
            .any(|i| super::bounds::param_bound(&s, i) != super::Bound::Exact);
        s
    }

    /// The scenario of `date` in a locality that the policy does not declare
    /// (made up to evaluate a measure under each alternative of a choice no
    /// locality set: `eval::undetermined`).
    pub(crate) fn hypothetical(policy: &'p Policy, date: NaiveDate, def: &'p LocalityDef) -> Self {
        Self::build(policy, date, None, Some(def))
    }

    /// Whether the locality is made up ([`Scenario::hypothetical`]).
    pub(crate) fn is_hypothetical(&self) -> bool {
        self.locality.is_none() && self.def.is_some()
    }

    /// Whether some parameter is only a bound in this scenario (a delegated
    /// value not set whose default is its floor or cap); when none is, every
    /// amount is exact and `eval::bounds` has nothing to look at.
    pub(crate) fn has_bounds(&self) -> bool {
        self.bounded
    }

    /// The policy.
    pub fn policy(&self) -> &'p Policy {
        self.policy
    }

    /// The application date.
    pub fn date(&self) -> NaiveDate {
        self.date
    }

    /// The locality, if one was given.
    pub fn locality(&self) -> Option<&'p LocalityDef> {
        self.def
    }

    /// The index of the locality in the policy's localities.
    pub fn locality_index(&self) -> Option<usize> {
        self.locality
    }

    /// Evaluates every measure of the policy for `facts`.
    pub fn evaluate(&self, facts: &Facts, explain: bool) -> Result<Evaluation<'p>, EvalError> {
        super::evaluate_in(self, facts, explain, None)
    }

    /// Evaluates measure `number` only, as if the policy had no other
    /// (`policyc eval --measure N`): its result, and its amount as the total.
    pub fn evaluate_only(
        &self,
        facts: &Facts,
        explain: bool,
        number: u32,
    ) -> Result<Evaluation<'p>, EvalError> {
        super::evaluate_in(self, facts, explain, Some(number))
    }

    /// Evaluates one measure for `facts`.
    pub fn evaluate_measure<'m>(
        &self,
        measure: &'m Measure,
        facts: &Facts,
        explain: bool,
    ) -> MeasureResult<'m> {
        let ctx = super::Ctx::new(self, facts);
        super::evaluate_measure(&ctx, measure, explain)
    }

    /// The value of parameter `index` in this scenario and where it comes
    /// from; allocation-free on success, for the hot path.
    pub(crate) fn param(&self, index: u32) -> Result<(&'p Value, Origin<'p>), EvalError> {
        match self.params.get(index as usize) {
            Some(Ok(x)) => Ok(*x),
            Some(Err(e)) => Err(EvalError::clone(e)),
            None => Err(EvalError::Inconsistent {
                what: format!("parameter {index} does not exist"),
            }),
        }
    }
}

/// The error for a locality the policy does not declare.
fn unknown_locality(policy: &Policy, name: &str) -> UnknownLocality {
    let names: Vec<&str> = policy.localities.iter().map(|l| l.name.as_str()).collect();
    UnknownLocality {
        name: name.to_string(),
        help: Some(crate::suggest::or_list(
            name,
            &names,
            "localities",
            "the policy declares no locality",
        )),
    }
}

/// Where a parameter's value comes from on a date in a locality.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Origin<'a> {
    Constant,
    Version(NaiveDate),
    Locality(&'a str),
    Default(Option<&'a str>),
}

impl std::fmt::Display for Origin<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Origin::Constant => write!(f, "constant"),
            Origin::Version(d) => write!(f, "in force from {d}"),
            Origin::Locality(l) => write!(f, "set by {l}"),
            Origin::Default(Some(l)) => write!(f, "default; {l} sets none"),
            Origin::Default(None) => write!(f, "default; no locality given"),
        }
    }
}

/// The value of parameter `index` on `date` in `locality`, and where it came from.
fn param_in_force<'p>(
    policy: &'p Policy,
    date: NaiveDate,
    locality: Option<&'p LocalityDef>,
    index: usize,
) -> Result<(&'p Value, Origin<'p>), EvalError> {
    let p = policy
        .parameters
        .get(index)
        .ok_or_else(|| EvalError::Inconsistent {
            what: format!("parameter {index} does not exist"),
        })?;
    match &p.value {
        ParamValue::Constant { value } => Ok((value, Origin::Constant)),
        ParamValue::Versioned { versions } => {
            match versions.iter().rev().find(|v| v.from <= date) {
                Some(v) => Ok((&v.value, Origin::Version(v.from))),
                None => Err(EvalError::NoValueOnDate {
                    param: p.name.clone(),
                    date: date.to_string(),
                    first: versions
                        .first()
                        .map(|v| v.from.to_string())
                        .unwrap_or_default(),
                }),
            }
        }
        ParamValue::Locality { default, .. } => {
            if let Some(l) = locality {
                if let Some(v) = l.values.iter().find(|v| v.param as usize == index) {
                    return Ok((&v.value, Origin::Locality(&l.name)));
                }
            }
            match default {
                Some(d) => Ok((d, Origin::Default(locality.map(|l| l.name.as_str())))),
                None => Err(EvalError::NeedsLocality {
                    param: p.name.clone(),
                    locality: locality.map(|l| l.name.clone()),
                }),
            }
        }
    }
}

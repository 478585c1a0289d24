//! Errors of the evaluation stage: facts that do not fit the schema, and
//! evaluations that cannot give an exact answer.

use miette::Diagnostic;
use thiserror::Error;

use crate::source::SourceRef;

/// A facts file that does not fit the policy's entities. `path` is a JSON path
/// such as `$.facts.裁员率`.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[error("{path}: {message}")]
pub struct FactsError {
    /// Where in the JSON.
    pub path: String,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub help: Option<String>,
    /// Its diagnostic code, one of the constants of [`FactsError`].
    pub code: &'static str,
}

impl FactsError {
    /// Text that is not JSON (a comment, a trailing comma, a truncated file, …).
    pub const NOT_JSON: &'static str = "policy::facts::not_json";
    /// JSON whose top level, or whose `facts`, is not an object.
    pub const NOT_AN_OBJECT: &'static str = "policy::facts::not_an_object";
    /// A top-level key other than `entity`, `facts` and `id`.
    pub const UNKNOWN_KEY: &'static str = "policy::facts::unknown_key";
    /// No `entity`, or an `entity` that is not a string.
    pub const MISSING_ENTITY: &'static str = "policy::facts::missing_entity";
    /// An `entity` the policy does not declare.
    pub const UNKNOWN_ENTITY: &'static str = "policy::facts::unknown_entity";
    /// A key of `facts` that is not a field of the entity.
    pub const UNKNOWN_FIELD: &'static str = "policy::facts::unknown_field";
    /// A value of the wrong JSON type for its field: a string for a boolean, a
    /// number for a date or a variant, an object or array for anything.
    pub const WRONG_TYPE: &'static str = "policy::facts::wrong_type";
    /// Text in a number's place that is not a number (`"abc"`, `"5."`,
    /// full-width digits, a thousands separator).
    pub const BAD_NUMBER: &'static str = "policy::facts::bad_number";
    /// A number with a unit other than its field's (`"12 人"` for money), or
    /// with `%` where the field is not a percentage.
    pub const WRONG_UNIT: &'static str = "policy::facts::wrong_unit";
    /// A number of magnitude 10^15 or more.
    pub const OUT_OF_RANGE: &'static str = "policy::facts::out_of_range";
    /// A number with more decimals than can be kept exactly (28).
    pub const TOO_MANY_DECIMALS: &'static str = "policy::facts::too_many_decimals";
    /// A fraction where the field is a whole number (`integer`, `integer<人>`).
    pub const NOT_WHOLE: &'static str = "policy::facts::not_whole";
    /// A negative count, amount or percentage.
    pub const NEGATIVE: &'static str = "policy::facts::negative";
    /// A string in a date's place that is not a `YYYY-MM-DD` date of the calendar.
    pub const BAD_DATE: &'static str = "policy::facts::bad_date";
    /// A string that is not a variant of the field's enumeration.
    pub const UNKNOWN_VARIANT: &'static str = "policy::facts::unknown_variant";
    /// A percentage written as text without its `%` (`"5.5"`: 5.5% or 550%?).
    pub const PERCENT_WITHOUT_SIGN: &'static str = "policy::facts::percent_without_sign";
    /// A key given twice in one object (which one would count is not said).
    pub const DUPLICATE_KEY: &'static str = "policy::facts::duplicate_key";
    /// A list of members longer than [`crate::ir::MAX_MEMBERS`].
    pub const TOO_MANY_MEMBERS: &'static str = "policy::facts::too_many_members";
}

impl Diagnostic for FactsError {
    fn code<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        Some(Box::new(self.code))
    }

    fn help<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn std::fmt::Display + 'a>)
    }
}

/// An evaluation that cannot give an exact answer. It names the rule and its
/// source so the analyst can find it.
#[derive(Debug, Error, Diagnostic, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "error", rename_all = "snake_case")]
#[non_exhaustive]
pub enum EvalError {
    /// Two rules of one part apply and neither is an exception to the other.
    #[error("rules `{first}` ({first_source}) and `{second}` ({second_source}) both apply")]
    #[diagnostic(
        code(policy::eval::conflict),
        help("make the conditions exclusive, or declare one rule `exception to` the other")
    )]
    Conflict {
        /// One rule.
        first: String,
        /// Where it is.
        first_source: SourceRef,
        /// The other rule.
        second: String,
        /// Where it is.
        second_source: SourceRef,
    },
    /// A number too large to be kept exactly.
    #[error("the amount of rule `{rule}` ({source_ref}) overflows")]
    #[diagnostic(
        code(policy::eval::overflow),
        help("the facts or parameters are far too large; check them")
    )]
    Overflow {
        /// The rule.
        rule: String,
        /// Where it is.
        source_ref: SourceRef,
    },
    /// The total of an evaluation's eligible amounts does not fit: each
    /// measure's amount does, their sum does not.
    #[error("the total of the eligible measures overflows when measure {measure}'s amount ({source_ref}) is added")]
    #[diagnostic(
        code(policy::eval::total_overflow),
        help("each amount is exact, but their sum is beyond about 7.9·10^26 元; check the facts")
    )]
    TotalOverflow {
        /// The number of the measure whose amount made the sum overflow.
        measure: u32,
        /// Where that measure is.
        source_ref: SourceRef,
    },
    /// `x / 0`
    #[error("rule `{rule}` ({source_ref}) divides by zero")]
    #[diagnostic(
        code(policy::eval::division_by_zero),
        help("guard the division with a condition, e.g. `when 在职职工人数 > 0 人 and …`")
    )]
    DivisionByZero {
        /// The rule.
        rule: String,
        /// Where it is.
        source_ref: SourceRef,
    },
    /// A date moved outside the calendar's range.
    #[error("rule `{rule}` ({source_ref}) computes a date out of range")]
    #[diagnostic(
        code(policy::eval::date_out_of_range),
        help("check the dates and durations in the facts")
    )]
    DateOutOfRange {
        /// The rule.
        rule: String,
        /// Where it is.
        source_ref: SourceRef,
    },
    /// `min`/`max` over a list whose selection has no member.
    #[error("rule `{rule}` ({source_ref}) takes `{aggregate}` of no member")]
    #[diagnostic(
        code(policy::eval::empty_aggregate),
        help("`min` and `max` need a member: guard them, e.g. `when count(列表) >= 1 人 and …`")
    )]
    EmptyAggregate {
        /// The rule.
        rule: String,
        /// Where it is.
        source_ref: SourceRef,
        /// The aggregate, e.g. `min(新招用人员)`.
        aggregate: String,
    },
    /// A dated parameter has no value yet on the date.
    #[error("parameter `{param}` has no value on {date}; its first value is from {first}")]
    #[diagnostic(
        code(policy::eval::no_value_on_date),
        help("add an earlier dated value, or evaluate on a later date")
    )]
    NoValueOnDate {
        /// The parameter.
        param: String,
        /// The date asked for.
        date: String,
        /// The first dated value.
        first: String,
    },
    /// A delegated parameter without default, and no locality.
    #[error("parameter `{param}` is set by each locality, and {}", match locality { Some(l) => format!("`{l}` does not set it"), None => "no locality was given".to_string() })]
    #[diagnostic(
        code(policy::eval::needs_locality),
        help("give a locality (`--locality NAME` or `locality NAME` in the example)")
    )]
    NeedsLocality {
        /// The parameter.
        param: String,
        /// The locality given, if any.
        locality: Option<String>,
    },
    /// The locality named does not exist ([`super::Scenario::new`]).
    #[error(transparent)]
    #[diagnostic(transparent)]
    UnknownLocality(#[from] UnknownLocality),
    /// The IR holds something the evaluator cannot use (only from a hand-edited JSON).
    #[error("the policy is inconsistent: {what}")]
    #[diagnostic(
        code(policy::eval::inconsistent),
        help("export the policy again with `policyc export`")
    )]
    Inconsistent {
        /// What.
        what: String,
    },
}

impl EvalError {
    /// The codes of the errors a measure can end in, as an example's
    /// `expect error CODE` names them (the last segment of `policy::eval::…`).
    pub const MEASURE_CODES: &'static [&'static str] = &[
        "conflict",
        "overflow",
        "division_by_zero",
        "date_out_of_range",
        "no_value_on_date",
        "empty_aggregate",
        "inconsistent",
    ];

    /// The last segment of the error's code: `overflow` for
    /// `policy::eval::overflow`.
    pub fn code_name(&self) -> &'static str {
        match self {
            EvalError::Conflict { .. } => "conflict",
            EvalError::Overflow { .. } => "overflow",
            EvalError::TotalOverflow { .. } => "total_overflow",
            EvalError::DivisionByZero { .. } => "division_by_zero",
            EvalError::DateOutOfRange { .. } => "date_out_of_range",
            EvalError::NoValueOnDate { .. } => "no_value_on_date",
            EvalError::NeedsLocality { .. } => "needs_locality",
            EvalError::UnknownLocality(_) => "unknown_locality",
            EvalError::EmptyAggregate { .. } => "empty_aggregate",
            EvalError::Inconsistent { .. } => "inconsistent",
        }
    }
}

/// A locality the policy does not declare: the error of
/// [`super::Scenario::new`]. One type and one code wherever a locality is
/// named — the command line's `--locality`, a batch, a `Table`, the library —
/// so `policy::cli::unknown_locality` (a usage error: exit 2 on the command
/// line).
#[derive(Clone, Debug, PartialEq, Eq, Error, Diagnostic, serde::Serialize)]
#[error("unknown locality `{name}`")]
#[diagnostic(code(policy::cli::unknown_locality))]
pub struct UnknownLocality {
    /// The name given.
    pub name: String,
    /// The closest name, or the list.
    #[help]
    pub help: Option<String>,
}

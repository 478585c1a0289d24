//! Errors of the check stage: names that do not resolve, types and units that do
//! not fit, and declarations that contradict each other.

use miette::Diagnostic;
use thiserror::Error;

use crate::source::Span;

/// A check error. Each variant's doc comment shows an input that triggers it.
#[derive(Debug, Error, Diagnostic, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CheckError {
    /// `when 裁员律 <= 5%` where no fact or parameter is called `裁员律`
    #[error("unknown name `{name}`")]
    #[diagnostic(code(policy::check::unknown_name))]
    UnknownName {
        /// The name.
        name: String,
        /// Where it is used.
        #[label("not a fact of {scope}, a parameter or an enumeration variant")]
        span: Span,
        /// What was searched.
        scope: String,
        /// A suggestion.
        #[help]
        help: Option<String>,
    },

    /// `lead 人设厅` where no department `人设厅` is declared
    #[error("unknown department `{name}`")]
    #[diagnostic(code(policy::check::unknown_department))]
    UnknownDepartment {
        /// The name.
        name: String,
        /// Where it is used.
        #[label("not in the department registry")]
        span: Span,
        /// A suggestion.
        #[help]
        help: Option<String>,
    },

    /// `规模: 企业规摸`, `to 企叶`, `locality 呼和浩特`, `kind grant`
    #[error("unknown {what} `{name}`")]
    #[diagnostic(code(policy::check::unknown_item))]
    UnknownItem {
        /// "type", "entity", "locality", "kind", "section", "status", "function", "parameter", "field", "variant".
        what: &'static str,
        /// The name.
        name: String,
        /// Where it is used.
        #[label("no {what} has this name")]
        span: Span,
        /// A suggestion.
        #[help]
        help: Option<String>,
    },

    /// two `department 人社厅 = …`
    #[error("{what} `{name}` is defined more than once")]
    #[diagnostic(code(policy::check::duplicate_definition))]
    Duplicate {
        /// "department", "parameter", …
        what: &'static str,
        /// The name.
        name: String,
        /// The second definition.
        #[label("defined again here")]
        span: Span,
        /// Where the first is.
        #[help]
        help: Option<String>,
    },

    /// two `measure 3 …`
    #[error("measure number {number} is used twice")]
    #[diagnostic(code(policy::check::duplicate_measure))]
    DuplicateMeasure {
        /// The number.
        number: u32,
        /// The second measure.
        #[label("measure {number} again")]
        span: Span,
        /// Where the first is.
        #[help]
        help: Option<String>,
    },

    /// `amount 裁员率 + 1000 元`
    #[error("expected {expected}, found {found}")]
    #[diagnostic(code(policy::check::type_mismatch))]
    TypeMismatch {
        /// The type needed.
        expected: String,
        /// The type found.
        found: String,
        /// The expression.
        #[label("this is {found}")]
        span: Span,
        /// How to fix it.
        #[help]
        help: Option<String>,
    },

    /// `100 元/天 + 1000 元`, `申请日期 < 1000 元`
    #[error("cannot {action} {left} and {right}")]
    #[diagnostic(code(policy::check::unit_mismatch))]
    UnitMismatch {
        /// "add", "compare", …
        action: &'static str,
        /// Left type.
        left: String,
        /// Right type.
        right: String,
        /// The operation.
        #[label("{left} {op} {right}")]
        span: Span,
        /// The operator.
        op: String,
        /// How to fix it.
        #[help]
        help: Option<String>,
    },

    /// `when 上年度失业保险费`
    #[error("a condition must be true or false, found {found}")]
    #[diagnostic(
        code(policy::check::condition_not_bool),
        help("compare the value, e.g. `… > 0 元`, or use a `bool` fact")
    )]
    ConditionNotBool {
        /// The type found.
        found: String,
        /// The condition.
        #[label("this is {found}")]
        span: Span,
    },

    /// `effective 2020-06-01 to 2020-12-31` with `applications until 2020-05-31`
    #[error("{what}")]
    #[diagnostic(code(policy::check::date_order))]
    DateOrder {
        /// What is out of order.
        what: String,
        /// The later clause.
        #[label("{label}")]
        span: Span,
        /// What the label says.
        label: String,
        /// How to fix it.
        #[help]
        help: Option<String>,
    },

    /// `rule 特殊 exception to 基本` where the measure has no rule `基本`
    #[error("rule `{name}` is an exception to `{base}`, which is not a rule of this measure")]
    #[diagnostic(code(policy::check::unknown_base_rule))]
    UnknownBaseRule {
        /// The exception.
        name: String,
        /// The missing base.
        base: String,
        /// Where the base is named.
        #[label("no rule `{base}` in this measure")]
        span: Span,
        /// A suggestion.
        #[help]
        help: Option<String>,
    },

    /// `rule a exception to b`, `rule b exception to a`
    #[error("rule `{name}` is, through its exceptions, an exception to itself")]
    #[diagnostic(
        code(policy::check::exception_cycle),
        help("exceptions form a tree: make one of these rules a base rule")
    )]
    ExceptionCycle {
        /// A rule on the cycle.
        name: String,
        /// Where it is declared.
        #[label("part of the cycle")]
        span: Span,
    },

    /// `rule r65 exception to r64`, at the end of a chain of 65 exceptions
    #[error("rule `{name}` is an exception more than {limit} levels deep")]
    #[diagnostic(
        code(policy::check::exception_too_deep),
        help("a rule may be at most {limit} `exception to` links from a base rule: make a rule of the chain an exception to a rule nearer the base, or a base rule of its own")
    )]
    ExceptionTooDeep {
        /// The first rule past the limit.
        name: String,
        /// The limit ([`crate::limits::MAX_EXCEPTION_DEPTH`]).
        limit: usize,
        /// Where its base is named.
        #[label("one link past the limit")]
        span: Span,
    },

    /// `parameter 上限\u{FE00}: money = 1 元`: a name with a character that is
    /// not displayed (a variation selector, a Hangul filler)
    #[error("the name `{shown}` contains the invisible character {code_point}")]
    #[diagnostic(
        code(policy::check::invisible_in_name),
        help(
            "this character is not displayed, so the name would print like another name; delete it"
        )
    )]
    InvisibleInName {
        /// The name with its invisible characters written as `<U+…>`.
        shown: String,
        /// The first invisible character, as `U+FE00`.
        code_point: String,
        /// The name.
        #[label("contains {code_point}")]
        span: Span,
    },

    /// `parameter 上限: …` and `parameter 丄限: …` — two names that look alike
    #[error("the names `{name}` and `{other}` look alike")]
    #[diagnostic(
        code(policy::check::confusable_names),
        help(
            "two declared names must not look the same when printed: rename one of them ({detail})"
        )
    )]
    ConfusableNames {
        /// The later name.
        name: String,
        /// Where they differ, by code point.
        detail: String,
        /// The earlier name it can be mistaken for.
        other: String,
        /// Where the later name is declared.
        #[label("this name")]
        span: Span,
        /// Where the earlier name is declared.
        #[label("looks like this one")]
        other_span: Span,
    },

    /// `1 元/人/人/…/人` with `/人` 128 times: an exponent a unit cannot have
    #[error("the unit's exponent is out of range")]
    #[diagnostic(
        code(policy::check::unit_out_of_range),
        help(
            "a unit's exponent must be between -127 and 127; no policy needs more than a few `/人`"
        )
    )]
    UnitOutOfRange {
        /// The number or type with the unit.
        #[label("a unit with an exponent out of range")]
        span: Span,
    },

    /// `locality 包头市 { }` when `当地月人均失业保险金` is `by locality`
    /// without default: a warning (the values are undetermined there)
    #[error("locality `{locality}` does not set the delegated {params}")]
    #[diagnostic(code(policy::check::missing_locality_value), severity(Warning))]
    MissingLocalityValue {
        /// The locality.
        locality: String,
        /// `parameter `a`` or `parameters `a`, `b``.
        params: String,
        /// The locality.
        #[label("no value for {params}")]
        span: Span,
        /// How to fix it.
        #[help]
        help: Option<String>,
    },

    /// `吸纳就业补贴标准 = 800 元/人` with `floor 1000 元/人`
    #[error("`{param}` is set to {value}, {relation} {bound}")]
    #[diagnostic(code(policy::check::out_of_bounds))]
    OutOfBounds {
        /// The parameter.
        param: String,
        /// The value set.
        value: String,
        /// "below the floor of" / "above the cap of".
        relation: &'static str,
        /// The bound.
        bound: String,
        /// The value.
        #[label("{relation} {bound}")]
        span: Span,
        /// Where the bound comes from.
        #[help]
        help: Option<String>,
    },

    /// One of the problems listed in [`Problem`]'s constants: a clause given
    /// twice or missing, a `match` that misses a variant, a unit where none is
    /// allowed, …
    #[error(transparent)]
    #[diagnostic(transparent)]
    Problem(Problem),

    /// More errors than the limit; the rest are not shown.
    #[error("too many errors; only the first {limit} are shown")]
    #[diagnostic(
        code(policy::check::too_many_errors),
        help("fix these and run the check again")
    )]
    TooMany {
        /// The limit.
        limit: usize,
    },
}

/// A check error whose code says which problem it is (one of the constants
/// below), with a labelled span and an optional help line.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[error("{what}")]
pub struct Problem {
    /// Its diagnostic code, one of the constants of [`Problem`].
    pub code: &'static str,
    /// What is wrong.
    pub what: String,
    /// Where.
    pub span: Span,
    /// What the label says.
    pub label: String,
    /// How to fix it.
    pub help: Option<String>,
}

impl Problem {
    /// `expect ineligible 100 元`: only `eligible` takes an amount.
    pub const EXAMPLE_MISPLACED_AMOUNT: &'static str = "policy::check::example_misplaced_amount";
    /// `expect eligible [甲]`: only `needs_facts` takes a list of facts.
    pub const EXAMPLE_MISPLACED_FACTS: &'static str = "policy::check::example_misplaced_facts";
    /// An example without `date`.
    pub const EXAMPLE_MISSING_DATE: &'static str = "policy::check::example_missing_date";
    /// An example that gives no facts.
    pub const EXAMPLE_MISSING_FACTS: &'static str = "policy::check::example_missing_facts";
    /// An example without `expect`.
    pub const EXAMPLE_MISSING_EXPECT: &'static str = "policy::check::example_missing_expect";
    /// `expect needs_facts [乙]` where `乙` is not a fact of the example's entity.
    pub const EXAMPLE_UNKNOWN_FACT: &'static str = "policy::check::example_unknown_fact";
    /// `min(甲)`: a function that takes at least two values given one.
    pub const TOO_FEW_ARGUMENTS: &'static str = "policy::check::too_few_arguments";
    /// A `match` that does not cover every variant of its enumeration.
    pub const NON_EXHAUSTIVE_MATCH: &'static str = "policy::check::non_exhaustive_match";
    /// A bare variant name that belongs to several enumerations.
    pub const AMBIGUOUS_VARIANT: &'static str = "policy::check::ambiguous_variant";
    /// A product whose unit has too many factors to be kept.
    pub const UNIT_TOO_COMPLEX: &'static str = "policy::check::unit_too_complex";
    /// `parameter 名称: text = "x" floor 1`: a floor or cap on a non-number.
    pub const BOUND_ON_NON_NUMBER: &'static str = "policy::check::bound_on_non_number";
    /// `choice { … }` used as the type of something other than a parameter.
    pub const MISPLACED_CHOICE: &'static str = "policy::check::misplaced_choice";
    /// A unit on a type that takes none: `percent<人>`, `date<天>`, an enumeration.
    pub const UNEXPECTED_UNIT: &'static str = "policy::check::unexpected_unit";
    /// `money<美元>`: money is always in 元.
    pub const MONEY_UNIT: &'static str = "policy::check::money_unit";
    /// A locality value for a parameter that is not delegated to localities.
    pub const NOT_DELEGATED: &'static str = "policy::check::not_delegated";
    /// A clause given twice: two `kind`s, two `amount`s, …
    pub const DUPLICATE_CLAUSE: &'static str = "policy::check::duplicate_clause";
    /// `lead 人社厅` twice in one measure.
    pub const DUPLICATE_DEPARTMENT: &'static str = "policy::check::duplicate_department";
    /// `等` after a department that is not the last of its list, or `等` as a name.
    pub const MISPLACED_OPEN_LIST: &'static str = "policy::check::misplaced_open_list";
    /// A spelling of a department's full name declared twice, or already
    /// another department's name.
    pub const DUPLICATE_SPELLING: &'static str = "policy::check::duplicate_spelling";
    /// A header field with the wrong number of strings: `basis` without a
    /// title, a second string after `title`.
    pub const HEADER_FIELD_FORM: &'static str = "policy::check::header_field_form";
    /// A definition of the document used in a measure whose addressee lacks a
    /// fact it reads.
    pub const DEFINITION_NOT_FOR_ADDRESSEE: &'static str =
        "policy::check::definition_not_for_addressee";
    /// A measure without `kind`.
    pub const MISSING_KIND: &'static str = "policy::check::missing_kind";
    /// A measure with rules but no `to ENTITY`.
    pub const MISSING_ADDRESSEE: &'static str = "policy::check::missing_addressee";
    /// A `floor` or `cap` in a rule without `amount`.
    pub const BOUND_WITHOUT_AMOUNT: &'static str = "policy::check::bound_without_amount";
    /// `到期日 in 2020-06-30 to 2020-01-25`: a period that ends before it starts.
    pub const EMPTY_PERIOD: &'static str = "policy::check::empty_period";
    /// `规模 in 2020-01-25 to 2020-06-30`: a period test on a value that is not a date.
    pub const PERIOD_NOT_DATE: &'static str = "policy::check::period_not_date";
    /// `let 甲 = 乙 and …` with `let 乙 = 甲 or …`: definitions that use each other.
    pub const DEFINITION_CYCLE: &'static str = "policy::check::definition_cycle";
    /// `let 裁员率 = …` where `裁员率` is already a fact, a parameter or a variant.
    pub const DEFINITION_SHADOWS: &'static str = "policy::check::definition_shadows";
    /// Definitions whose values, written out at each use, would exceed the size limits.
    pub const DEFINITION_TOO_LARGE: &'static str = "policy::check::definition_too_large";
    /// A rule whose expression, with its definitions written out, nests deeper than the limit.
    pub const DEFINITION_TOO_DEEP: &'static str = "policy::check::definition_too_deep";
    /// An exception that defines a different part than its base rule.
    pub const EXCEPTION_PART_MISMATCH: &'static str = "policy::check::exception_part_mismatch";
    /// `part P { … }` declared twice in one measure.
    pub const DUPLICATE_PART: &'static str = "policy::check::duplicate_part";
    /// `part P { … }` for a part that no rule of the measure defines.
    pub const UNKNOWN_PART: &'static str = "policy::check::unknown_part";
    /// `to 企业 or 企业`: an addressee named twice in one part.
    pub const DUPLICATE_ADDRESSEE: &'static str = "policy::check::duplicate_addressee";
    /// A part addressed to several entities whose rules read a fact one of them lacks.
    pub const FACT_NOT_SHARED: &'static str = "policy::check::fact_not_shared";
    /// A part's period or deadline outside the measure's.
    pub const PART_OUTSIDE_MEASURE: &'static str = "policy::check::part_outside_measure";
    /// A measure-level `when` beside part declarations, or a `let` beside a
    /// part addressed to another entity.
    pub const SHARED_CONDITION_WITH_PARTS: &'static str =
        "policy::check::shared_condition_with_parts";
    /// `gives 贷款`: not a kind of value.
    pub const UNKNOWN_GIVES: &'static str = "policy::check::unknown_gives";
    /// A rule with an amount whose kind of value is `none`.
    pub const AMOUNT_GIVES_NONE: &'static str = "policy::check::amount_gives_none";
    /// Amounts of different kinds of value in one measure.
    pub const MIXED_GIVES: &'static str = "policy::check::mixed_gives";
    /// `may` in a measure that obliges (`obligation`, `target`, `directive`).
    pub const MAY_IN_OBLIGATION: &'static str = "policy::check::may_in_obligation";
    /// `expect not_eligible at least 5 元`: only `eligible` has a bound.
    pub const EXAMPLE_MISPLACED_BOUND: &'static str = "policy::check::example_misplaced_bound";
    /// `expect eligible overflow`: a name after a status other than `error`
    /// or `undetermined`.
    pub const EXAMPLE_MISPLACED_NAME: &'static str = "policy::check::example_misplaced_name";
    /// `expect eligible part 乙 5 元` where `乙` is no part of the measure.
    pub const EXAMPLE_UNKNOWN_PART: &'static str = "policy::check::example_unknown_part";
    /// `expect error overfow`: not the code of an evaluation error.
    pub const EXAMPLE_UNKNOWN_ERROR: &'static str = "policy::check::example_unknown_error";
    /// `expect undetermined 甲` where `甲` is not a delegated parameter.
    pub const EXAMPLE_NOT_DELEGATED: &'static str = "policy::check::example_not_delegated";
    /// `expect not_eligible may`: only `eligible` may be granted.
    pub const EXAMPLE_MISPLACED_MAY: &'static str = "policy::check::example_misplaced_may";
    /// `until`/`for` with `gives paid` (a kind of money).
    pub const VALUE_GIVES_MONEY: &'static str = "policy::check::value_gives_money";
    /// `gives deferral` (a date or duration kind) on a rule with an amount or none.
    pub const AMOUNT_GIVES_VALUE: &'static str = "policy::check::amount_gives_value";
    /// `until` not a date, `for` not a duration.
    pub const VALUE_TYPE: &'static str = "policy::check::value_type";
    /// The `floor` or `cap` of a date or duration of another type.
    pub const VALUE_BOUND_TYPE: &'static str = "policy::check::value_bound_type";
    /// A date or duration whose literal floor is after its literal cap.
    pub const VALUE_FLOOR_AFTER_CAP: &'static str = "policy::check::value_floor_after_cap";
    /// `until`/`for` in a measure whose kind gives no date or duration.
    pub const VALUE_MEASURE_KIND: &'static str = "policy::check::value_measure_kind";
    /// A rule with an amount and a value, or two values.
    pub const VALUE_AND_AMOUNT: &'static str = "policy::check::value_and_amount";
    /// Values of different kinds, forms or units in one measure, or amounts and values.
    pub const MIXED_VALUES: &'static str = "policy::check::mixed_values";
}

impl Diagnostic for Problem {
    fn code<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        Some(Box::new(self.code))
    }

    fn help<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn std::fmt::Display + 'a>)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        Some(Box::new(std::iter::once(
            miette::LabeledSpan::new_with_span(Some(self.label.clone()), self.span),
        )))
    }
}

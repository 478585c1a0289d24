//! The typed evaluation IR: what a checked policy *is*, independent of its text.
//!
//! Every name is resolved to an index (entity fields to slots, parameters to
//! indices in [`Policy::parameters`], enumeration variants to their position),
//! every expression node carries its [`Type`], and every measure and rule its
//! [`SourceRef`]. The IR derives `Serialize`/`Deserialize`: the JSON export *is*
//! the IR, versioned by [`IR_VERSION`] and documented in `docs/ir.md` with a JSON
//! Schema in `docs/ir.schema.json`. Another program can evaluate a policy from
//! the JSON alone, and [`Policy::from_json`] reads it back.

#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod amount_bound;
mod discretion;
mod display;
mod document;
pub use display::number_text;
pub use document::{Basis, Role};
mod error;
mod gives;
mod members;
mod op;
mod parts;
mod validate;
mod values;

pub use amount_bound::AmountBound;
pub use discretion::Discretion;
pub use gives::Gives;
pub use members::{reads_members, Aggregate, ListDef, ListFactDef, RecordDef, MAX_MEMBERS};
pub use values::{Duration, Given, RuleValue, ValueForm, ValueKind};

pub use error::IrError;
pub use op::BinOp;
pub(crate) use parts::{collect as fields_of, visit};
pub use parts::{PartAddressee, PartDef};

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::source::SourceRef;
pub use crate::types::{Dim, NumKind, Type, Unit};

/// The version of the IR's JSON form. Bumped on any incompatible change.
pub const IR_VERSION: &str = "3.1";

/// A compiled policy.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// [`IR_VERSION`] at the time of export.
    pub ir_version: String,
    /// The document header, if the policy has one.
    pub document: Option<Document>,
    /// The department registry.
    pub departments: Vec<Department>,
    /// Enumerations; `Type::Enum { id }` indexes this list.
    pub enums: Vec<EnumDef>,
    /// Kinds of addressee and their fields (the facts schema).
    pub entities: Vec<EntityDef>,
    /// Named values; `Node::Param { index }` indexes this list.
    pub parameters: Vec<ParamDef>,
    /// Section headings of the document.
    pub sections: Vec<SectionDef>,
    /// The measures, ordered by number.
    pub measures: Vec<Measure>,
    /// Localities and the delegated values they set.
    pub localities: Vec<LocalityDef>,
    /// Record types of the members of lists (`record 名 { … }`); absent when none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub records: Vec<RecordDef>,
}

/// The header of the legal text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Document {
    /// 文号, e.g. 内政办发〔2020〕10号.
    pub number: Option<String>,
    /// The title.
    pub title: Option<String>,
    /// Who issued it.
    pub issuer: Option<String>,
    /// The date it was issued.
    pub issued: Option<NaiveDate>,
    /// The region it applies to.
    pub region: Option<String>,
    /// 依据: the documents it implements, by number and title, in the text's order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub basis: Vec<Basis>,
    /// The preamble, verbatim.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preamble: Option<String>,
    /// 主送: the recipients, verbatim.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recipients: Option<String>,
    /// 抄送: the copies, verbatim.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub copied_to: Option<String>,
    /// The publication note (公开方式, 印发 line), verbatim.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publication: Option<String>,
    /// Departments that answer for every measure ("以下不再一一列出"); each
    /// measure shows them beside its own (see [`Departments::with_document`]).
    #[serde(default, skip_serializing_if = "Departments::is_empty")]
    pub departments: Departments,
    /// Where the header is written.
    pub source: SourceRef,
}

/// A department of the registry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Department {
    /// The short name used in the policy files.
    pub id: String,
    /// The full name as the document writes it.
    pub name: String,
    /// Other spellings of the full name the document uses; a measure that
    /// names the department by one of them keeps it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub spellings: Vec<String>,
    /// Where it is declared.
    pub source: SourceRef,
}

/// An enumeration.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnumDef {
    /// Its name.
    pub name: String,
    /// Its variants; a value of the enumeration is an index into this list.
    pub variants: Vec<String>,
}

/// A kind of addressee and its fields.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EntityDef {
    /// Its name, e.g. 企业.
    pub name: String,
    /// A description, if given.
    pub description: Option<String>,
    /// Its fields; `Node::Field { slot }` indexes this list.
    pub fields: Vec<FieldDef>,
    /// Its lists of member records (`list<记录>`); `Node::Aggregate { list }`
    /// indexes this list. Absent when none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lists: Vec<ListDef>,
}

/// A field of an entity (a fact).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldDef {
    /// Its name.
    pub name: String,
    /// Its type.
    #[serde(rename = "type")]
    pub ty: Type,
}

/// A named value.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParamDef {
    /// Its name.
    pub name: String,
    /// Its type.
    #[serde(rename = "type")]
    pub ty: Type,
    /// How its value is found.
    pub value: ParamValue,
    /// Where it is declared.
    pub source: SourceRef,
}

/// How a parameter's value is found.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum ParamValue {
    /// One value, always.
    Constant {
        /// The value.
        value: Value,
    },
    /// Dated values: the one in force on a date is the latest whose `from` is not after it.
    Versioned {
        /// Ordered by `from`, strictly increasing.
        versions: Vec<Version>,
    },
    /// Set by each locality.
    Locality {
        /// The value where a locality sets none.
        default: Option<Value>,
        /// A locality may not set less.
        floor: Option<Value>,
        /// A locality may not set more.
        cap: Option<Value>,
    },
}

/// A dated value of a parameter.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Version {
    /// First day the value applies.
    pub from: NaiveDate,
    /// The value.
    pub value: Value,
    /// Where it is written.
    pub source: SourceRef,
}

/// A section heading (一、推动企业复工复产).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SectionDef {
    /// Its number.
    pub number: u32,
    /// Its heading.
    pub title: String,
}

/// A locality and the delegated values it sets.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LocalityDef {
    /// Its name, e.g. 呼和浩特市.
    pub name: String,
    /// The values it sets, by parameter.
    pub values: Vec<LocalityValue>,
    /// Where it is declared.
    pub source: SourceRef,
}

/// One delegated value of a locality.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LocalityValue {
    /// Index of the parameter.
    pub param: u32,
    /// The parameter's name.
    pub name: String,
    /// The value.
    pub value: Value,
}

/// What a measure does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum MeasureKind {
    /// A payment or subsidy to the addressee.
    Benefit,
    /// A refund of contributions paid.
    Refund,
    /// Fees not charged.
    FeeWaiver,
    /// A payment that may be made later.
    Deferral,
    /// Terms of a loan (amount, guarantee).
    LoanTerms,
    /// Something the addressee must do.
    Obligation,
    /// A target the government sets itself.
    Target,
    /// A right in a procedure.
    ProceduralRight,
    /// An instruction to administrations.
    Directive,
}

impl MeasureKind {
    /// All kinds, with their keywords.
    pub const ALL: [(MeasureKind, &'static str); 9] = [
        (MeasureKind::Benefit, "benefit"),
        (MeasureKind::Refund, "refund"),
        (MeasureKind::FeeWaiver, "fee_waiver"),
        (MeasureKind::Deferral, "deferral"),
        (MeasureKind::LoanTerms, "loan_terms"),
        (MeasureKind::Obligation, "obligation"),
        (MeasureKind::Target, "target"),
        (MeasureKind::ProceduralRight, "procedural_right"),
        (MeasureKind::Directive, "directive"),
    ];

    /// The keyword of a kind.
    pub fn keyword(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(k, _)| *k == self)
            .map_or("benefit", |(_, s)| s)
    }

    /// The kind named by a keyword.
    pub fn parse(s: &str) -> Option<MeasureKind> {
        Self::ALL.iter().find(|(_, n)| *n == s).map(|(k, _)| *k)
    }
}

/// A measure of the document.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Measure {
    /// Its number: （三） is 3.
    pub number: u32,
    /// The number as the document writes it: （三）.
    pub label: String,
    /// The analyst's title.
    pub title: String,
    /// The number of its section.
    pub section: Option<u32>,
    /// What it does.
    pub kind: MeasureKind,
    /// Index of the entity it is addressed to (`None`: addressed to administrations).
    pub addressee: Option<u32>,
    /// The first and last day it is in force (实施期限).
    pub effective: Period,
    /// The last day applications are accepted (受理截止期限).
    pub applications_until: Option<NaiveDate>,
    /// Who answers for it.
    pub departments: Departments,
    /// The legal text, verbatim.
    pub source_text: String,
    /// A condition every rule needs (`when C` at measure level): evaluated
    /// once, before the rules; absent from the export when the measure has none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<Expr>,
    /// Its rules.
    pub rules: Vec<RuleDef>,
    /// The parts declared with an addressee or dates of their own (`part P { … }`);
    /// a part not listed has the measure's. Absent from the JSON when empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parts: Vec<PartDef>,
    /// Its examples (tests).
    pub examples: Vec<ExampleDef>,
    /// Where it is declared.
    pub source: SourceRef,
}

/// A period of days, both ends included; an open end is `None`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Period {
    /// First day.
    pub from: Option<NaiveDate>,
    /// Last day.
    pub to: Option<NaiveDate>,
}

/// The departments of a measure, by their full names as the measure writes them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Departments {
    /// 牵头
    pub lead: Vec<String>,
    /// 配合
    pub cooperating: Vec<String>,
    /// 按职责分工负责
    pub joint: Vec<String>,
    /// 负责实施
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub implementing: Vec<String>,
    /// The roles whose list ends in 等 (an open list: others answer too).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub open: Vec<Role>,
}

/// A rule of a measure.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleDef {
    /// Its name.
    pub name: String,
    /// The part of the measure it defines; rules of one part are alternatives,
    /// parts add up.
    pub part: Option<String>,
    /// Index (in the measure's rules) of the rule this is an exception to.
    pub exception_to: Option<u32>,
    /// The sentence it encodes.
    pub text: Option<String>,
    /// When it applies (`None`: always).
    pub condition: Option<Expr>,
    /// What it gives (money), if anything.
    pub amount: Option<Expr>,
    /// The amount is raised to at least this.
    pub floor: Option<Expr>,
    /// The amount is lowered to at most this.
    pub cap: Option<Expr>,
    /// What kind of value it gives, resolved ([`Gives::default_for`] when
    /// the rule says nothing).
    pub gives: Gives,
    /// Set when the rule is discretionary (`may`): what it gives may be
    /// granted, it is not an entitlement.
    pub discretion: Option<Discretion>,
    /// `amount at most E` / `at least E`: the amount is a bound, the final
    /// figure decided by someone else (absent: the amount is the figure).
    #[serde(default)]
    pub bound: Option<AmountBound>,
    /// The date or duration it gives (`until E`, `for E`), if any; its
    /// `floor` and `cap` then bound this value (IR 3.1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<RuleValue>,
    /// Where it is written.
    pub source: SourceRef,
}

/// An example: facts, a date, and the expected outcome of its measure.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExampleDef {
    /// Its name.
    pub name: String,
    /// The application date.
    pub date: NaiveDate,
    /// The locality, if any.
    pub locality: Option<String>,
    /// Index of the entity the facts describe.
    pub entity: u32,
    /// The facts given.
    pub facts: Vec<FactDef>,
    /// The lists of members given; absent when none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lists: Vec<ListFactDef>,
    /// The expected outcome.
    pub expect: Expectation,
    /// Where it is written.
    pub source: SourceRef,
}

/// One fact of an example.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FactDef {
    /// The field's slot.
    pub slot: u32,
    /// The field's name.
    pub name: String,
    /// The value.
    pub value: Value,
}

/// The outcome an example expects.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expectation {
    /// The status.
    pub status: Status,
    /// The total amount, exact.
    pub amount: Option<Decimal>,
    /// The kind of value of that amount, when the example names it.
    #[serde(default)]
    pub kind: Option<Gives>,
    /// With `eligible`: whether the outcome may be granted (a discretionary
    /// rule applies) rather than being an entitlement.
    #[serde(default)]
    pub may: bool,
    /// With an amount: `at least` / `at most` (the outcome's bound, checked
    /// with the figure); absent: the figure is expected whatever its bound.
    #[serde(default)]
    pub bound: Option<AmountBound>,
    /// With `error`: the evaluation error's code (`overflow`, `conflict`, …).
    #[serde(default)]
    pub error: Option<String>,
    /// With `undetermined`: the parameter not set.
    #[serde(default)]
    pub unset: Option<String>,
    /// For `needs_facts`: the fact names, sorted.
    pub facts: Option<Vec<String>>,
    /// With `eligible`: the amount of each part named (`part P 5000 元`).
    #[serde(default)]
    pub parts: Vec<PartExpectation>,
    /// The date or duration the measure gives (`expect eligible until …`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<Given>,
}

/// The amount one part of an eligible measure is expected to give.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartExpectation {
    /// The part (a `part` of the measure's rules).
    pub part: String,
    /// The sum of the amounts of its rules that apply, exact.
    pub amount: Decimal,
    /// `at least` / `at most`: the bound that sum must be; `None`: the
    /// figure whatever its bound.
    #[serde(default)]
    pub bound: Option<AmountBound>,
}

/// The status of a measure for one entity on one date.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Status {
    /// A rule applies.
    Eligible,
    /// No rule applies.
    NotEligible,
    /// The measure is for another kind of entity (or for administrations).
    NotAddressed,
    /// The date is outside the effective period.
    NotInForce,
    /// The date is after the application deadline.
    DeadlinePassed,
    /// The outcome depends on facts not given.
    NeedsFacts,
    /// Evaluation failed: conflicting rules, an overflow, a division by zero,
    /// or a parameter without a value on the date.
    Error,
    /// The outcome depends on a delegated value that the locality has not
    /// set (or no locality was given), and the parameter has no default.
    Undetermined,
}

impl Status {
    /// All statuses with their keywords.
    pub const ALL: [(Status, &'static str); 8] = [
        (Status::Eligible, "eligible"),
        (Status::NotEligible, "not_eligible"),
        (Status::NotAddressed, "not_addressed"),
        (Status::NotInForce, "not_in_force"),
        (Status::DeadlinePassed, "deadline_passed"),
        (Status::NeedsFacts, "needs_facts"),
        (Status::Error, "error"),
        (Status::Undetermined, "undetermined"),
    ];

    /// The keyword.
    pub fn keyword(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(k, _)| *k == self)
            .map_or("eligible", |(_, s)| s)
    }

    /// The status named by a keyword.
    pub fn parse(s: &str) -> Option<Status> {
        Self::ALL.iter().find(|(_, n)| *n == s).map(|(k, _)| *k)
    }
}

/// A value.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Value {
    /// `true` / `false`.
    Bool(bool),
    /// Any number, exact; its unit is in the type. Percentages are fractions.
    Number(Decimal),
    /// A calendar date.
    Date(NaiveDate),
    /// An enumeration variant, by index.
    Variant(u32),
}

/// A typed expression.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Expr {
    /// Its type.
    #[serde(rename = "type")]
    pub ty: Type,
    /// What it computes.
    #[serde(flatten)]
    pub node: Node,
}

/// The kinds of expression node.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "node", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Node {
    /// A constant.
    Literal {
        /// The value.
        value: Value,
    },
    /// A fact of the entity.
    Field {
        /// Its slot in the entity's fields.
        slot: u32,
        /// Its name.
        name: String,
    },
    /// A parameter.
    Param {
        /// Its index in the policy's parameters.
        index: u32,
        /// Its name.
        name: String,
    },
    /// `not arg`
    Not {
        /// The operand.
        arg: Box<Expr>,
    },
    /// `-arg`
    Neg {
        /// The operand.
        arg: Box<Expr>,
    },
    /// `lhs op rhs`. `+`/`-` of a date and a count of days, months or years
    /// moves the date (month ends: see `docs/language.md`); date − date is days.
    Binary {
        /// The operator.
        op: BinOp,
        /// Left operand.
        lhs: Box<Expr>,
        /// Right operand.
        rhs: Box<Expr>,
    },
    /// `arg in {…}`
    In {
        /// The enumeration value.
        arg: Box<Expr>,
        /// Indices of the variants.
        variants: Vec<u32>,
    },
    /// `if cond then a else b`
    If {
        /// The condition.
        cond: Box<Expr>,
        /// Value when it holds.
        then: Box<Expr>,
        /// Value otherwise.
        #[serde(rename = "else")]
        otherwise: Box<Expr>,
    },
    /// `match x { … }`: one arm per variant, in variant order.
    Match {
        /// The enumeration value.
        scrutinee: Box<Expr>,
        /// Arms, one per variant of the enumeration, in order.
        arms: Vec<Arm>,
    },
    /// `min(…)` / `max(…)`
    Call {
        /// The function.
        func: Func,
        /// Its arguments.
        args: Vec<Expr>,
    },
    /// A named definition of the measure (`let 名称 = …`), used by name; its
    /// value is written out at each use, so the IR stays a tree.
    Definition {
        /// Its name.
        name: String,
        /// Its value.
        value: Box<Expr>,
        /// Whether it is a definition of the document (`let` outside any
        /// measure) rather than of the measure; absent when false.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        document: bool,
    },
    /// `application_date`: the evaluation's application date (always known).
    ApplicationDate,
    /// `arg in from to to`: whether a date lies in a period, both days included.
    InPeriod {
        /// The date (an event's date, usually a fact).
        arg: Box<Expr>,
        /// First day of the period.
        from: NaiveDate,
        /// Last day of the period.
        to: NaiveDate,
    },
    /// An aggregate over the members of one of the entity's lists.
    Aggregate {
        /// Which.
        func: Aggregate,
        /// Index of the list in the entity's `lists`.
        list: u32,
        /// The list's name.
        name: String,
        /// The value (`sum`, `min`, `max`) or condition (`all`, `any`) of each
        /// member; `null` for `count`.
        value: Option<Box<Expr>>,
        /// The `where` condition selecting members; `null` selects all.
        filter: Option<Box<Expr>>,
    },
    /// A fact of the member at hand (inside an aggregate's value or condition).
    Member {
        /// Its slot in the record's fields.
        slot: u32,
        /// Its name.
        name: String,
    },
}

/// An arm of a match.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Arm {
    /// The variant's index.
    pub variant: u32,
    /// The variant's name.
    pub name: String,
    /// The value for it.
    pub value: Expr,
}

/// Built-in functions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Func {
    /// The least argument.
    Min,
    /// The greatest argument.
    Max,
}

impl Policy {
    /// The JSON export: pretty-printed, keys in declaration order, byte-identical
    /// for the same policy, with a final newline.
    ///
    /// serde cannot fail on the IR's types, but should it ever, the error is
    /// returned ([`IrError::Export`]) rather than written as if it were a policy.
    pub fn to_json(&self) -> Result<String, IrError> {
        let mut s = serde_json::to_string_pretty(self).map_err(|e| IrError::Export {
            message: e.to_string(),
        })?;
        s.push('\n');
        Ok(s)
    }

    /// Reads a policy from its JSON export, checking the IR version, the form
    /// and everything the checker guarantees ([`Policy::validate`]: indices,
    /// types, unique numbers and names, exception trees and their depth), so
    /// that a loaded policy evaluates as the policy it was exported from would.
    ///
    /// JSON nested deeper than [`MAX_JSON_DEPTH`] is refused before it is read,
    /// so that reading cannot exhaust the stack.
    pub fn from_json(json: &str) -> Result<Policy, IrError> {
        if let Some((line, column)) = json_too_deep(json, MAX_JSON_DEPTH) {
            return Err(IrError::Json {
                message: format!("nested deeper than {MAX_JSON_DEPTH} levels"),
                line,
                column,
            });
        }
        let json_err = |e: serde_json::Error| IrError::Json {
            message: e.to_string(),
            line: e.line(),
            column: e.column(),
        };
        let mut de = serde_json::Deserializer::from_str(json);
        // serde_json's own limit (128) is below what a policy of the deepest
        // accepted expressions needs; the scan above bounds the depth instead.
        de.disable_recursion_limit();
        let value = serde_json::Value::deserialize(&mut de).map_err(json_err)?;
        de.end().map_err(json_err)?;
        let p = Policy::deserialize(&value).map_err(json_err)?;
        // Expressions flatten their node into one object, where serde cannot deny
        // unknown keys; writing the policy back and comparing catches those (and
        // any other form the exporter never writes, e.g. a zero unit exponent).
        let again = serde_json::to_value(&p).map_err(json_err)?;
        if let Some(path) = first_difference(&value, &again, "$") {
            return Err(IrError::Inconsistent {
                what: format!("`{path}` is not in the form `policyc export` writes"),
            });
        }
        if p.ir_version != IR_VERSION {
            return Err(IrError::Version {
                found: p.ir_version,
                expected: IR_VERSION,
            });
        }
        p.validate()?;
        Ok(p)
    }

    /// The entity with this name.
    pub fn entity(&self, name: &str) -> Option<(u32, &EntityDef)> {
        self.entities
            .iter()
            .enumerate()
            .find(|(_, e)| e.name == name)
            .map(|(i, e)| (i as u32, e))
    }

    /// The locality with this name.
    pub fn locality(&self, name: &str) -> Option<&LocalityDef> {
        self.localities.iter().find(|l| l.name == name)
    }
}

/// The JSON path of the first place where two JSON values differ.
fn first_difference(a: &serde_json::Value, b: &serde_json::Value, path: &str) -> Option<String> {
    use serde_json::Value as J;
    match (a, b) {
        (J::Object(x), J::Object(y)) => {
            for (k, v) in x {
                match y.get(k) {
                    Some(w) => {
                        if let Some(p) = first_difference(v, w, &format!("{path}.{k}")) {
                            return Some(p);
                        }
                    }
                    None => return Some(format!("{path}.{k}")),
                }
            }
            y.keys()
                .find(|k| !x.contains_key(*k))
                .map(|k| format!("{path}.{k}"))
        }
        (J::Array(x), J::Array(y)) => {
            if x.len() != y.len() {
                return Some(path.to_string());
            }
            x.iter()
                .zip(y)
                .enumerate()
                .find_map(|(i, (v, w))| first_difference(v, w, &format!("{path}[{i}]")))
        }
        _ => (a != b).then(|| path.to_string()),
    }
}

/// The deepest JSON nesting [`Policy::from_json`] reads. An expression of the
/// deepest accepted nesting ([`crate::limits::MAX_DEPTH`]) takes at most three
/// JSON levels per level (a `match` arm is an array, an object and the value),
/// plus the levels of the policy, measure, rule and type around it.
pub const MAX_JSON_DEPTH: usize = 3 * crate::limits::MAX_DEPTH + 32;

/// The 1-based line and column of the first bracket nested deeper than `limit`,
/// skipping strings.
fn json_too_deep(json: &str, limit: usize) -> Option<(usize, usize)> {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for (i, b) in json.bytes().enumerate() {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > limit {
                    let before = json.get(..i).unwrap_or("");
                    let line = before.matches('\n').count() + 1;
                    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
                    return Some((line, column));
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// The measure number as the document writes it: 3 → （三）.
pub fn measure_label(n: u32) -> String {
    format!("（{}）", chinese_number(n))
}

/// A whole number in Chinese numerals as used for headings: 1 → 一, 12 → 十二, 28 → 二十八.
pub fn chinese_number(n: u32) -> String {
    const DIGITS: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    let d = |i: u32| DIGITS.get(i as usize).copied().unwrap_or("");
    match n {
        0..=9 => d(n).to_string(),
        10..=19 => format!("十{}", if n.is_multiple_of(10) { "" } else { d(n % 10) }),
        20..=99 => format!(
            "{}十{}",
            d(n / 10),
            if n.is_multiple_of(10) { "" } else { d(n % 10) }
        ),
        _ => n.to_string(),
    }
}

//! The abstract syntax tree: what a file says, with a span on every node.
//!
//! The AST keeps literals as written (so the formatter can print `20 万元`
//! back as `20 万元`) next to their exact values.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::source::Span;
use crate::types::Unit;

/// A parsed file.
#[derive(Clone, Debug, PartialEq)]
pub struct File {
    /// Top-level items in source order.
    pub items: Vec<Item>,
    /// The whole file.
    pub span: Span,
}

/// A top-level item.
#[derive(Clone, Debug, PartialEq)]
#[allow(
    clippy::large_enum_variant,
    reason = "built once per file; boxing would only add noise to every match"
)]
pub enum Item {
    /// `document { … }`
    Document(Document),
    /// `department 短名 = "全称"`
    Department(Department),
    /// `enum 名 { … }`
    Enum(EnumDecl),
    /// `entity 名 { … }`
    Entity(Entity),
    /// `record 名 { … }`: the fields of a member of a list (`list<名>`).
    Record(Entity),
    /// `parameter 名: type …`
    Parameter(Parameter),
    /// `section 2 "标题"`
    Section(Section),
    /// `measure 3 "标题" { … }`
    Measure(Measure),
    /// `locality 名 { … }`
    Locality(Locality),
    /// `let 名称 = expr` at top level: a definition of the document.
    Let(DocLet),
}

/// `let 名称 = expr` outside any measure: a named condition or value of the
/// document, usable in every measure whose addressee has the facts it reads.
#[derive(Clone, Debug, PartialEq)]
pub struct DocLet {
    /// Its name.
    pub name: Ident,
    /// Its value.
    pub value: Expr,
    /// The item.
    pub span: Span,
}

impl Item {
    /// The span of the whole item.
    pub fn span(&self) -> Span {
        match self {
            Item::Document(x) => x.span,
            Item::Department(x) => x.span,
            Item::Enum(x) => x.span,
            Item::Entity(x) | Item::Record(x) => x.span,
            Item::Parameter(x) => x.span,
            Item::Section(x) => x.span,
            Item::Measure(x) => x.span,
            Item::Locality(x) => x.span,
            Item::Let(x) => x.span,
        }
    }
}

/// A name as written, with its span.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ident {
    /// The name.
    pub name: String,
    /// Where it is written.
    pub span: Span,
}

/// A string or verbatim text block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Text {
    /// The value (escapes resolved; for a block, the text between the fences).
    pub value: String,
    /// Whether it was written as a `"""` block.
    pub block: bool,
    /// Where it is written (including quotes).
    pub span: Span,
}

/// A date literal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DateLit {
    /// The calendar date.
    pub value: NaiveDate,
    /// Where it is written.
    pub span: Span,
}

/// `document { number "…" … }`: the header of the legal text.
#[derive(Clone, Debug, PartialEq)]
pub struct Document {
    /// Its fields in source order.
    pub fields: Vec<DocField>,
    /// Departments for every measure (`implementing 各盟市政府`).
    pub departments: Vec<DocDepartments>,
    /// The item.
    pub span: Span,
}

/// One field of the document header.
#[derive(Clone, Debug, PartialEq)]
pub struct DocField {
    /// `number`, `title`, `issuer`, `issued`, `region`, `basis`, `preamble`,
    /// `recipients`, `copied_to`, `publication`.
    pub key: Ident,
    /// Its value.
    pub value: DocValue,
    /// A second string (`basis "number" "title"`: the title).
    pub second: Option<Text>,
}

/// `lead 人社厅`, … inside `document { … }`: departments for every measure.
#[derive(Clone, Debug, PartialEq)]
pub struct DocDepartments {
    /// The role.
    pub role: DeptRole,
    /// The departments.
    pub list: DeptList,
    /// The clause.
    pub span: Span,
}

/// A list of departments as a measure names them: `财政厅, 烟草专卖局 等`.
#[derive(Clone, Debug, PartialEq)]
pub struct DeptList {
    /// The names in order.
    pub names: Vec<Ident>,
    /// Where `等` is written after the last name (an open list), if it is.
    pub open: Option<Span>,
    /// Where `等` is written after a name that is not the last.
    pub misplaced_open: Vec<Span>,
}

/// The value of a header field.
#[derive(Clone, Debug, PartialEq)]
pub enum DocValue {
    /// A string or text block.
    Text(Text),
    /// A date.
    Date(DateLit),
}

/// `department 人社厅 = "自治区人力资源社会保障厅"`
#[derive(Clone, Debug, PartialEq)]
pub struct Department {
    /// The short name used in measures.
    pub name: Ident,
    /// The full name as the document writes it.
    pub full_name: Text,
    /// Other spellings of the full name the document uses (`, "…"`).
    pub spellings: Vec<Text>,
    /// The item.
    pub span: Span,
}

/// `enum 企业规模 { 微型, 小型, 中型, 大型 }`
#[derive(Clone, Debug, PartialEq)]
pub struct EnumDecl {
    /// The enumeration's name.
    pub name: Ident,
    /// Its variants in order.
    pub variants: Vec<Ident>,
    /// The item.
    pub span: Span,
}

/// `entity 企业 "description" { 规模: 企业规模 … }`
#[derive(Clone, Debug, PartialEq)]
pub struct Entity {
    /// The entity's name.
    pub name: Ident,
    /// An optional description.
    pub description: Option<Text>,
    /// Its fields.
    pub fields: Vec<Field>,
    /// The item.
    pub span: Span,
}

/// `规模: 企业规模`
#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    /// The field's name.
    pub name: Ident,
    /// Its type.
    pub ty: TypeExpr,
    /// The whole field.
    pub span: Span,
}

/// A type as written.
#[derive(Clone, Debug, PartialEq)]
pub enum TypeExpr {
    /// `money`, `integer<人>`, `money/人/月`, `企业规模`.
    Named {
        /// `money`, `integer`, an enum name, …
        base: Ident,
        /// The unit in `<…>`.
        unit: Option<(Unit, Span)>,
        /// The units after `/`.
        per: Vec<(Unit, Span)>,
        /// The whole type.
        span: Span,
    },
    /// `choice { 甲, 乙 }`: an enumeration declared in place.
    Choice {
        /// Its variants.
        variants: Vec<Ident>,
        /// The whole type.
        span: Span,
    },
    /// `list<新招用人员>`: member records (a field of an entity only).
    List {
        /// The record's name.
        record: Ident,
        /// The whole type.
        span: Span,
    },
}

impl TypeExpr {
    /// The span of the type.
    pub fn span(&self) -> Span {
        match self {
            TypeExpr::Named { span, .. }
            | TypeExpr::Choice { span, .. }
            | TypeExpr::List { span, .. } => *span,
        }
    }
}

/// `parameter 名: type …`
#[derive(Clone, Debug, PartialEq)]
pub struct Parameter {
    /// The parameter's name.
    pub name: Ident,
    /// Its type.
    pub ty: TypeExpr,
    /// How its value is given.
    pub body: ParamBody,
    /// The item.
    pub span: Span,
}

/// How a parameter's value is given.
#[derive(Clone, Debug, PartialEq)]
#[allow(clippy::large_enum_variant, reason = "built once per parameter")]
pub enum ParamBody {
    /// `= value`
    Constant(Value),
    /// `{ value from date … }`
    Versioned(Vec<ParamVersion>),
    /// `by locality [default v] [floor v] [cap v]`
    Locality {
        /// `default v`: the value where a locality gives none.
        default: Option<Value>,
        /// `floor v`: a locality may not set less.
        floor: Option<Value>,
        /// `cap v`: a locality may not set more.
        cap: Option<Value>,
        /// The order the bounds were written in (for the formatter).
        order: Vec<BoundKind>,
    },
}

/// Which bound of a delegated parameter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BoundKind {
    /// `default`
    Default,
    /// `floor`
    Floor,
    /// `cap`
    Cap,
}

/// `20 万元 from 2020-05-09`
#[derive(Clone, Debug, PartialEq)]
pub struct ParamVersion {
    /// The value.
    pub value: Value,
    /// From which date it applies.
    pub from: DateLit,
    /// The whole version.
    pub span: Span,
}

/// `section 2 "加大减负稳岗力度"`
#[derive(Clone, Debug, PartialEq)]
pub struct Section {
    /// Its number (一、 is 1).
    pub number: u32,
    /// Its heading.
    pub title: Text,
    /// The item.
    pub span: Span,
}

/// `locality 呼和浩特市 { 参数 = value … }`
#[derive(Clone, Debug, PartialEq)]
pub struct Locality {
    /// The locality's name.
    pub name: Ident,
    /// The delegated values it sets.
    pub values: Vec<LocalityValue>,
    /// The item.
    pub span: Span,
}

/// `参数 = value` inside a locality.
#[derive(Clone, Debug, PartialEq)]
pub struct LocalityValue {
    /// The parameter.
    pub param: Ident,
    /// Its value there.
    pub value: Value,
    /// The whole line.
    pub span: Span,
}

/// `measure 3 "title" { … }`
#[derive(Clone, Debug, PartialEq)]
pub struct Measure {
    /// The number as in the document: （三） is 3.
    pub number: u32,
    /// Where the number is written.
    pub number_span: Span,
    /// The analyst's title.
    pub title: Text,
    /// The clauses in source order.
    pub clauses: Vec<MeasureClause>,
    /// The item.
    pub span: Span,
}

/// A clause of a measure.
#[derive(Clone, Debug, PartialEq)]
pub enum MeasureClause {
    /// `section 2`
    Section(u32, Span),
    /// `kind refund`
    Kind(Ident),
    /// `to 企业`
    To(Ident),
    /// `effective …`
    Effective(Effective),
    /// `applications until 2020-12-31`
    Deadline(DateLit, Span),
    /// `lead 人社厅`, `cooperating …`, `joint …`, `implementing …`
    Departments(DeptRole, DeptList, Span),
    /// `text """…"""`
    Text(Text),
    /// `part P { … }`: a part's own addressee and dates
    Part(PartDecl),
    /// `when C`: a condition every rule of the measure needs.
    When(Expr, Span),
    /// `let 名称 = expr`: a named condition or value, used by name in the measure.
    Let(Ident, Expr, Span),
    /// `rule …`
    Rule(Rule),
    /// `example …`
    Example(Example),
}

/// `part 吸纳补贴 { to 企业  effective …  applications until … }`
#[derive(Clone, Debug, PartialEq)]
pub struct PartDecl {
    /// The part's name, as its rules write it after `part`.
    pub name: Ident,
    /// The clauses in source order.
    pub clauses: Vec<PartClause>,
    /// The whole declaration.
    pub span: Span,
}

/// A clause of a part declaration.
#[derive(Clone, Debug, PartialEq)]
pub enum PartClause {
    /// `to 企业`, `to 职工 or 企业` (either)
    To(Vec<Ident>, Span),
    /// `effective …`
    Effective(Effective),
    /// `applications until 2020-12-31`
    Deadline(DateLit, Span),
}

/// `effective 2020-01-01 to 2020-12-31` and its shorter forms.
#[derive(Clone, Debug, PartialEq)]
pub struct Effective {
    /// First day in force (`from`).
    pub from: Option<DateLit>,
    /// Last day in force (`to` / `until`).
    pub to: Option<DateLit>,
    /// Whether `from` was written (`effective from d`).
    pub from_keyword: bool,
    /// The clause.
    pub span: Span,
}

/// How a department answers for a measure.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DeptRole {
    /// 牵头
    Lead,
    /// 配合
    Cooperating,
    /// 按职责分工负责
    Joint,
    /// 负责实施
    Implementing,
}

impl DeptRole {
    /// The keyword.
    pub fn keyword(self) -> &'static str {
        match self {
            DeptRole::Lead => "lead",
            DeptRole::Cooperating => "cooperating",
            DeptRole::Joint => "joint",
            DeptRole::Implementing => "implementing",
        }
    }
}

/// `rule 名 [part 部分] [exception to 基础] { … }`
#[derive(Clone, Debug, PartialEq)]
pub struct Rule {
    /// The rule's name.
    pub name: Ident,
    /// The part of the measure it defines (rules of different parts add up).
    pub part: Option<Ident>,
    /// The rule this one is an exception to.
    pub exception_to: Option<Ident>,
    /// The clauses in source order.
    pub clauses: Vec<RuleClause>,
    /// The whole rule.
    pub span: Span,
}

/// A clause of a rule.
#[derive(Clone, Debug, PartialEq)]
pub enum RuleClause {
    /// `text "…"`: the sentence the rule encodes.
    Text(Text),
    /// `when cond`
    When(Expr),
    /// `amount expr`
    Amount(Expr),
    /// `amount at most expr` / `amount at least expr`: the final figure is
    /// decided by someone else within the amount (a rule's own bound).
    BoundedAmount(AmountBound, Expr),
    /// `until expr`: the rule gives a date (a deferral until it).
    Until(Expr),
    /// `for expr`: the rule gives a duration (an extension, a term).
    For(Expr),
    /// `floor expr`: the amount (or date, or duration) is at least this.
    Floor(Expr),
    /// `cap expr`: the amount is at most this.
    Cap(Expr),
    /// `gives loan_ceiling`: the kind of value the rule gives.
    Gives(Ident),
    /// `may`, `may by 人社厅`, `may by locality`: the rule is discretionary;
    /// the name is the deciding department, or `locality` (the keyword,
    /// which no name can be) for the locality.
    May(Option<Ident>, Span),
}

/// `at least` / `at most` before an amount.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AmountBound {
    /// `at least`: 不低于.
    AtLeast,
    /// `at most`: 最高不超过.
    AtMost,
}

impl AmountBound {
    /// `at least` or `at most`.
    pub fn words(self) -> &'static str {
        match self {
            AmountBound::AtLeast => "at least",
            AmountBound::AtMost => "at most",
        }
    }
}

/// `example "name" { … }`
#[derive(Clone, Debug, PartialEq)]
pub struct Example {
    /// Its name.
    pub name: Text,
    /// The clauses in source order.
    pub clauses: Vec<ExampleClause>,
    /// The whole example.
    pub span: Span,
}

/// A clause of an example.
#[derive(Clone, Debug, PartialEq)]
pub enum ExampleClause {
    /// `date 2020-07-01`
    Date(DateLit, Span),
    /// `locality 呼和浩特市`
    Locality(Ident, Span),
    /// `企业 { 规模: 小型, … }`
    Facts(Ident, Vec<FactValue>, Span),
    /// `expect eligible 48000 元` (boxed: the largest clause by far)
    Expect(Box<Expect>),
}

/// `规模: 小型`
#[derive(Clone, Debug, PartialEq)]
pub struct FactValue {
    /// The field.
    pub name: Ident,
    /// The value.
    pub value: Value,
    /// The whole pair.
    pub span: Span,
}

/// `expect status [amount | [facts]]`
#[derive(Clone, Debug, PartialEq)]
pub struct Expect {
    /// `eligible`, `not_eligible`, …
    pub status: Ident,
    /// `expect eligible may …`: the outcome may be granted (discretionary).
    pub may: bool,
    /// The kind of value of the expected total (`loan_ceiling`), if named.
    pub kind: Option<Ident>,
    /// `at least` / `at most` before the expected total.
    pub bound: Option<(AmountBound, Span)>,
    /// The expected total.
    pub amount: Option<Quantity>,
    /// `expect error overflow`: the evaluation error's code;
    /// `expect undetermined 标准`: the parameter not set.
    pub name: Option<Ident>,
    /// For `needs_facts`: the facts named.
    pub facts: Option<Vec<Ident>>,
    /// `part P [at least] 5000 元`: the amount of each part named.
    pub parts: Vec<ExpectPart>,
    /// `expect eligible until 2020-06-30` / `for 6 个月`: the value given.
    pub value: Option<Box<ExpectValue>>,
    /// The clause.
    pub span: Span,
}

/// `part 一次性吸纳就业补贴 at least 5000 元` in an `expect`.
#[derive(Clone, Debug, PartialEq)]
pub struct ExpectPart {
    /// The part.
    pub name: Ident,
    /// `at least` / `at most` before the amount.
    pub bound: Option<(AmountBound, Span)>,
    /// The part's expected amount.
    pub amount: Quantity,
    /// The whole item.
    pub span: Span,
}

/// The date or duration an example expects a measure to give.
#[derive(Clone, Debug, PartialEq)]
pub enum ExpectValue {
    /// `until 2020-06-30`
    Until(DateLit),
    /// `for 6 个月`
    For(Quantity),
}

/// A literal value (parameters, localities, facts in examples).
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// A number with optional `%` or unit; `negative` for a leading `-`.
    Quantity(Quantity),
    /// A date.
    Date(DateLit),
    /// `true` / `false`.
    Bool(bool, Span),
    /// An enumeration variant.
    Variant(Ident),
    /// `[{…}, {…}]`: the members of a list (facts of an example only).
    Members(Vec<MemberLit>, Span),
}

/// `{劳动合同期限: 12 个月, …}`: one member of a list in an example.
#[derive(Clone, Debug, PartialEq)]
pub struct MemberLit {
    /// Its facts.
    pub facts: Vec<FactValue>,
    /// Where it is written.
    pub span: Span,
}

impl Value {
    /// Where the value is written.
    pub fn span(&self) -> Span {
        match self {
            Value::Quantity(q) => q.span,
            Value::Date(d) => d.span,
            Value::Bool(_, s) => *s,
            Value::Variant(i) => i.span,
            Value::Members(_, s) => *s,
        }
    }
}

/// A number as written: `5.5%`, `1000 元`, `20 万元`, `100 元/人/天`, `6 个月`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Quantity {
    /// The exact value (`20 万元` is 200000, `5.5%` is 0.055).
    pub value: Decimal,
    /// The digits as written.
    pub digits: String,
    /// Whether `%` follows.
    pub percent: bool,
    /// Whether `万` scales it.
    pub wan: bool,
    /// The unit after the number (`元` in `元/人`).
    pub unit: Option<Unit>,
    /// The units after `/`.
    pub per: Vec<Unit>,
    /// Whether a space separates number and unit.
    pub spaced: bool,
    /// Whether the digits had a fractional part.
    pub fractional: bool,
    /// Where it is written.
    pub span: Span,
}

/// An expression.
#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    /// What it is.
    pub kind: ExprKind,
    /// Where it is written.
    pub span: Span,
}

/// The kinds of expression.
#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    /// A number with its unit.
    Quantity(Quantity),
    /// A date.
    Date(NaiveDate),
    /// `true`, `false`.
    Bool(bool),
    /// A name: a fact, a parameter or an enumeration variant.
    Name(Ident),
    /// `企业规模.小型`
    Qualified(Ident, Ident),
    /// `not x`, `-x`.
    Unary(UnaryOp, Box<Expr>),
    /// `a + b`, `a and b`, …
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
    /// `x in {A, B}`
    In(Box<Expr>, Vec<Ident>),
    /// `min(a, b)`
    Call(Ident, Vec<Expr>),
    /// `count(新招用人员 where …)`, `sum(新招用人员, 月工资 where …)`: an
    /// aggregate over the members of a list (`count`, `sum`, `all`, `any`, and
    /// `min`/`max` with `where`; `min(列表, x)` is a [`ExprKind::Call`] that the
    /// checker reads as an aggregate when its first argument is a list).
    Aggregate(Ident, Vec<Expr>, Option<Box<Expr>>),
    /// `if c then a else b`
    If(Box<Expr>, Box<Expr>, Box<Expr>),
    /// `match x { A => a, B => b }` (also written `by x { … }`).
    Match(Box<Expr>, Vec<MatchArm>, MatchKeyword),
    /// `( e )`, kept so the formatter can print it back.
    Paren(Box<Expr>),
    /// `application_date`: the evaluation's application date.
    ApplicationDate,
    /// `到期日 in 2020-01-25 to 2020-06-30`: a date within a period, both days included.
    InPeriod(Box<Expr>, DateLit, DateLit),
}

/// Which keyword introduced a match.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MatchKeyword {
    /// `match`
    Match,
    /// `by`
    By,
}

/// `A => expr`
#[derive(Clone, Debug, PartialEq)]
pub struct MatchArm {
    /// The variant.
    pub variant: Ident,
    /// Its value.
    pub value: Expr,
}

/// Unary operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnaryOp {
    /// `not`
    Not,
    /// `-`
    Neg,
}

/// Binary operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinaryOp {
    /// `or`
    Or,
    /// `and`
    And,
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
}

impl BinaryOp {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            BinaryOp::Or => "or",
            BinaryOp::And => "and",
            BinaryOp::Eq => "==",
            BinaryOp::Ne => "!=",
            BinaryOp::Lt => "<",
            BinaryOp::Le => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::Ge => ">=",
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
        }
    }

    /// Binding strength: higher binds tighter.
    pub fn precedence(self) -> u8 {
        match self {
            BinaryOp::Or => 1,
            BinaryOp::And => 2,
            BinaryOp::Eq
            | BinaryOp::Ne
            | BinaryOp::Lt
            | BinaryOp::Le
            | BinaryOp::Gt
            | BinaryOp::Ge => 3,
            BinaryOp::Add | BinaryOp::Sub => 4,
            BinaryOp::Mul | BinaryOp::Div => 5,
        }
    }
}

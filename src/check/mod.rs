//! The check stage: resolves names and checks types and units across all files
//! of a policy, and builds the typed IR.
//!
//! Like Gleam's analyser, it first registers every declaration of every file
//! (so order between files does not matter), then checks bodies, and reports
//! every problem it finds rather than stopping at the first.

#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

pub mod coverage;
mod dates;
mod defs;
mod departments;
mod discretion;
mod document;
mod error;
mod examples;
mod expr;
mod gives;
mod index;
mod localities;
mod measures;
mod members;
mod names;
mod parts;
mod quantities;
mod rules;
mod values;
pub use crate::suggest::did_you_mean;

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;

pub use error::{CheckError, Problem};

use crate::diagnostic::Diagnostic;
use crate::ir::{self, MeasureKind, Status};
use crate::source::{SourceMap, SourceRef, Span};
use crate::syntax::ast::{self, DeptRole, Item};
use crate::types::{Dim, NumKind, Type, Unit};

/// The most errors one run reports.
pub const MAX_ERRORS: usize = 200;

/// Checks parsed files together and builds the IR, or returns every error found.
pub fn check(sources: &SourceMap, files: &[ast::File]) -> Result<ir::Policy, Vec<Diagnostic>> {
    let mut c = Checker::new(sources);
    c.collect(files);
    c.check_names(files);
    c.resolve_declarations();
    c.check_localities();
    let measures = c.check_measures();
    if c.errors.is_empty() {
        Ok(ir::Policy {
            ir_version: ir::IR_VERSION.to_string(),
            document: c.document.take(),
            departments: std::mem::take(&mut c.departments),
            enums: std::mem::take(&mut c.enums),
            entities: std::mem::take(&mut c.entities),
            parameters: c.params.into_iter().filter_map(|p| p.def).collect(),
            sections: c
                .sections
                .into_iter()
                .map(|(number, (title, _))| ir::SectionDef { number, title })
                .collect(),
            measures,
            localities: c.localities,
            records: c.members.records,
        })
    } else {
        Err(cap_errors(c.errors))
    }
}

/// Keeps the first [`MAX_ERRORS`] diagnostics, and says so when there were more.
pub fn cap_errors(mut errs: Vec<Diagnostic>) -> Vec<Diagnostic> {
    if errs.len() > MAX_ERRORS {
        errs.truncate(MAX_ERRORS);
        errs.push(Diagnostic::without_file(CheckError::TooMany {
            limit: MAX_ERRORS,
        }));
    }
    errs
}

const BUILTIN_TYPES: [&str; 6] = ["bool", "integer", "decimal", "percent", "money", "date"];

struct ParamInfo<'a> {
    ast: &'a ast::Parameter,
    ty: Option<Type>,
    def: Option<ir::ParamDef>,
}

struct Checker<'a> {
    sources: &'a SourceMap,
    errors: Vec<Diagnostic>,
    document: Option<ir::Document>,
    document_span: Option<Span>,
    document_ast: Option<&'a ast::Document>,
    departments: Vec<ir::Department>,
    dept_spans: Vec<Span>,
    enums: Vec<ir::EnumDef>,
    enum_spans: Vec<Span>,
    entities: Vec<ir::EntityDef>,
    entity_asts: Vec<&'a ast::Entity>,
    params: Vec<ParamInfo<'a>>,
    sections: BTreeMap<u32, (String, Span)>,
    locality_asts: Vec<&'a ast::Locality>,
    localities: Vec<ir::LocalityDef>,
    measure_asts: Vec<&'a ast::Measure>,
    index: index::Index,
    /// The definitions (`let`) of the measure being checked.
    defs: defs::Scope,
    /// The document's definitions (`let` outside measures).
    doc_defs: defs::DocDefs<'a>,
    members: members::Members<'a>,
}

impl<'a> Checker<'a> {
    fn new(sources: &'a SourceMap) -> Self {
        Checker {
            sources,
            errors: Vec::new(),
            document: None,
            document_span: None,
            document_ast: None,
            departments: Vec::new(),
            dept_spans: Vec::new(),
            enums: Vec::new(),
            enum_spans: Vec::new(),
            entities: Vec::new(),
            entity_asts: Vec::new(),
            params: Vec::new(),
            sections: BTreeMap::new(),
            locality_asts: Vec::new(),
            localities: Vec::new(),
            measure_asts: Vec::new(),
            index: index::Index::default(),
            defs: defs::Scope::default(),
            doc_defs: defs::DocDefs::default(),
            members: members::Members::default(),
        }
    }

    /// "Did you mean …" for an error about to be reported, or `None` when the
    /// error will be cut by [`MAX_ERRORS`]: then the candidates are not even
    /// listed, so that ten thousand unknown names cost no more than 200.
    fn suggest<'s, I: IntoIterator<Item = &'s str>>(
        &'s self,
        name: &str,
        candidates: impl FnOnce() -> I,
    ) -> Option<String> {
        self.reporting()
            .then(|| did_you_mean(name, candidates()))
            .flatten()
    }

    /// Whether the next error will be reported (not cut by [`MAX_ERRORS`]).
    fn reporting(&self) -> bool {
        self.errors.len() < MAX_ERRORS
    }

    fn err(&mut self, span: Span, e: CheckError) {
        self.errors.push(Diagnostic::new(span.file, e));
    }

    fn sref(&self, span: Span) -> SourceRef {
        self.sources.source_ref(span)
    }

    fn first_at(&self, span: Span) -> Option<String> {
        Some(format!("first defined at {}", self.sref(span)))
    }

    /// A [`Problem`] with its code.
    fn problem(
        &mut self,
        code: &'static str,
        span: Span,
        what: impl Into<String>,
        label: impl Into<String>,
        help: Option<String>,
    ) {
        self.err(
            span,
            CheckError::Problem(Problem {
                code,
                what: what.into(),
                span,
                label: label.into(),
                help,
            }),
        );
    }

    // ------------------------------------------------------------------
    // Pass 1: register every declaration

    fn collect(&mut self, files: &'a [ast::File]) {
        // where each name or number was first declared: a file of a hundred
        // thousand measures must not be quadratic
        let mut measure_at: HashMap<u32, usize> = HashMap::new();
        for f in files {
            for item in &f.items {
                match item {
                    Item::Document(d) => self.collect_document(d),
                    Item::Department(d) => self.collect_department(d),
                    Item::Record(r) => self.collect_record(r),
                    Item::Enum(e) => {
                        let variants = self.unique_names(&e.variants, "variant");
                        self.add_enum(&e.name, variants);
                    }
                    Item::Entity(e) => {
                        if self.type_name_taken(&e.name) {
                            continue;
                        }
                        self.index
                            .entities
                            .insert(e.name.name.clone(), self.entities.len());
                        self.entities.push(ir::EntityDef {
                            name: e.name.name.clone(),
                            description: e.description.as_ref().map(|d| d.value.clone()),
                            fields: Vec::new(),
                            lists: Vec::new(),
                        });
                        self.entity_asts.push(e);
                    }
                    Item::Parameter(p) => {
                        if let Some(first) = self
                            .index
                            .params
                            .get(p.name.name.as_str())
                            .and_then(|&i| self.params.get(i))
                        {
                            let help = self.first_at(first.ast.name.span);
                            self.err(
                                p.name.span,
                                CheckError::Duplicate {
                                    what: "parameter",
                                    name: p.name.name.clone(),
                                    span: p.name.span,
                                    help,
                                },
                            );
                            continue;
                        }
                        if let ast::TypeExpr::Choice { variants, .. } = &p.ty {
                            let v = self.unique_names(variants, "variant");
                            self.add_enum(&p.name, v);
                        }
                        self.index
                            .params
                            .insert(p.name.name.clone(), self.params.len());
                        self.params.push(ParamInfo {
                            ast: p,
                            ty: None,
                            def: None,
                        });
                    }
                    Item::Section(s) => {
                        if let Some((_, first)) = self.sections.get(&s.number) {
                            let help = self.first_at(*first);
                            self.err(
                                s.span,
                                CheckError::Duplicate {
                                    what: "section",
                                    name: s.number.to_string(),
                                    span: s.span,
                                    help,
                                },
                            );
                            continue;
                        }
                        self.sections
                            .insert(s.number, (s.title.value.clone(), s.span));
                    }
                    Item::Let(l) => self.doc_defs.lets.push(l),
                    Item::Locality(l) => {
                        if let Some(first) = self
                            .index
                            .localities
                            .get(l.name.name.as_str())
                            .and_then(|&i| self.locality_asts.get(i))
                        {
                            let help = self.first_at(first.name.span);
                            self.err(
                                l.name.span,
                                CheckError::Duplicate {
                                    what: "locality",
                                    name: l.name.name.clone(),
                                    span: l.name.span,
                                    help,
                                },
                            );
                            continue;
                        }
                        self.index
                            .localities
                            .insert(l.name.name.clone(), self.locality_asts.len());
                        self.locality_asts.push(l);
                    }
                    Item::Measure(m) => {
                        if let Some(first) = measure_at
                            .get(&m.number)
                            .and_then(|&i| self.measure_asts.get(i))
                        {
                            let help = self.first_at(first.number_span);
                            self.err(
                                m.number_span,
                                CheckError::DuplicateMeasure {
                                    number: m.number,
                                    span: m.number_span,
                                    help,
                                },
                            );
                            continue;
                        }
                        measure_at.insert(m.number, self.measure_asts.len());
                        self.measure_asts.push(m);
                    }
                }
            }
        }
    }

    fn type_mismatch(
        &mut self,
        span: Span,
        expected: impl Into<String>,
        found: impl Into<String>,
        help: Option<String>,
    ) {
        self.err(
            span,
            CheckError::TypeMismatch {
                expected: expected.into(),
                found: found.into(),
                span,
                help,
            },
        );
    }

    fn unique_names(&mut self, names: &[ast::Ident], what: &'static str) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let mut seen: HashMap<&str, Span> = HashMap::with_capacity(names.len());
        for n in names {
            if let Some(&first) = seen.get(n.name.as_str()) {
                let help = self.first_at(first);
                self.err(
                    n.span,
                    CheckError::Duplicate {
                        what,
                        name: n.name.clone(),
                        span: n.span,
                        help,
                    },
                );
            } else {
                seen.insert(&n.name, n.span);
                out.push(n.name.clone());
            }
        }
        out
    }

    fn type_name_taken(&mut self, name: &ast::Ident) -> bool {
        let first = if BUILTIN_TYPES.contains(&name.name.as_str()) {
            Some(None)
        } else if let Some(&i) = self.index.enums.get(name.name.as_str()) {
            Some(self.enum_spans.get(i).copied())
        } else {
            self.index
                .entities
                .get(name.name.as_str())
                .and_then(|&i| self.entity_asts.get(i))
                .map(|e| Some(e.name.span))
        };
        match first {
            None => false,
            Some(first) => {
                let help = match first {
                    Some(s) => self.first_at(s),
                    None => Some(format!(
                        "`{}` is a built-in type; choose another name",
                        name.name
                    )),
                };
                self.err(
                    name.span,
                    CheckError::Duplicate {
                        what: "type",
                        name: name.name.clone(),
                        span: name.span,
                        help,
                    },
                );
                true
            }
        }
    }

    fn add_enum(&mut self, name: &ast::Ident, variants: Vec<String>) {
        if self.type_name_taken(name) {
            return;
        }
        self.index.add_enum(self.enums.len(), &name.name, &variants);
        self.enums.push(ir::EnumDef {
            name: name.name.clone(),
            variants,
        });
        self.enum_spans.push(name.span);
    }

    // ------------------------------------------------------------------
    // Pass 2: types of fields and parameters, parameter values

    fn resolve_declarations(&mut self) {
        self.resolve_records();
        let entity_asts = self.entity_asts.clone();
        for (ei, e) in entity_asts.iter().enumerate() {
            let mut fields: Vec<ir::FieldDef> = Vec::new();
            let mut spans: Vec<Span> = Vec::new();
            let mut at: HashMap<String, usize> = HashMap::with_capacity(e.fields.len());
            for f in &e.fields {
                if let ast::TypeExpr::List { record, .. } = &f.ty {
                    self.list_field(ei, f, record);
                    continue;
                }
                if let Some(&i) = at.get(f.name.name.as_str()) {
                    let help = spans.get(i).and_then(|s| self.first_at(*s));
                    self.err(
                        f.name.span,
                        CheckError::Duplicate {
                            what: "field",
                            name: f.name.name.clone(),
                            span: f.name.span,
                            help,
                        },
                    );
                    continue;
                }
                let ty = self.resolve_type(&f.ty, None);
                if let Some(ty) = ty {
                    at.insert(f.name.name.clone(), fields.len());
                    fields.push(ir::FieldDef {
                        name: f.name.name.clone(),
                        ty,
                    });
                    spans.push(f.name.span);
                }
            }
            if let Some(ent) = self.entities.get_mut(ei) {
                ent.fields = fields;
            }
            self.index.fields.push(at);
        }
        for i in 0..self.params.len() {
            let Some(p) = self.params.get(i).map(|p| p.ast) else {
                continue;
            };
            let ty = self.resolve_type(&p.ty, Some(&p.name.name));
            if let Some(info) = self.params.get_mut(i) {
                info.ty = ty.clone();
            }
            let Some(ty) = ty else { continue };
            let value = match &p.body {
                ast::ParamBody::Constant(v) => self
                    .value(v, &ty)
                    .map(|value| ir::ParamValue::Constant { value }),
                ast::ParamBody::Versioned(vs) => {
                    let mut versions: Vec<ir::Version> = Vec::new();
                    let mut ok = true;
                    for v in vs {
                        if let Some(prev) = versions.last() {
                            if prev.from >= v.from.value {
                                ok = false;
                                self.err(
                                    v.from.span,
                                    CheckError::DateOrder {
                                        what: format!("the dated values of `{}` are not in date order", p.name.name),
                                        span: v.from.span,
                                        label: format!("not after {}", prev.from),
                                        help: Some("list the values from the oldest to the newest, each with a later `from` date".into()),
                                    },
                                );
                            }
                        }
                        match self.value(&v.value, &ty) {
                            Some(value) => versions.push(ir::Version {
                                from: v.from.value,
                                value,
                                source: self.sref(v.span),
                            }),
                            None => ok = false,
                        }
                    }
                    ok.then_some(ir::ParamValue::Versioned { versions })
                }
                ast::ParamBody::Locality {
                    default,
                    floor,
                    cap,
                    ..
                } => {
                    if !matches!(ty, Type::Number { .. }) {
                        for b in [floor, cap].into_iter().flatten() {
                            self.problem(
                                Problem::BOUND_ON_NON_NUMBER,
                                b.span(),
                                "only numbers can have a floor or a cap",
                                format!("`{}` is {ty}", p.name.name),
                                None,
                            );
                        }
                    }
                    let d = default.as_ref().map(|v| self.value(v, &ty));
                    let f = floor.as_ref().map(|v| self.value(v, &ty));
                    let c = cap.as_ref().map(|v| self.value(v, &ty));
                    if let (Some(Some(dv)), Some(dspan)) = (&d, default.as_ref().map(|v| v.span()))
                    {
                        self.check_bounds(
                            &p.name.name,
                            dv,
                            &ty,
                            f.clone().flatten().as_ref(),
                            c.clone().flatten().as_ref(),
                            dspan,
                            "the default",
                        );
                    }
                    if d.as_ref().is_some_and(Option::is_none)
                        || f.as_ref().is_some_and(Option::is_none)
                        || c.as_ref().is_some_and(Option::is_none)
                    {
                        None
                    } else {
                        Some(ir::ParamValue::Locality {
                            default: d.flatten(),
                            floor: f.flatten(),
                            cap: c.flatten(),
                        })
                    }
                }
            };
            if let Some(value) = value {
                let def = ir::ParamDef {
                    name: p.name.name.clone(),
                    ty,
                    value,
                    source: self.sref(p.span),
                };
                if let Some(info) = self.params.get_mut(i) {
                    info.def = Some(def);
                }
            }
        }
    }

    /// Resolves a written type. `choice_name` is the parameter name for `choice { … }`.
    fn resolve_type(&mut self, t: &ast::TypeExpr, choice_name: Option<&str>) -> Option<Type> {
        match t {
            ast::TypeExpr::List { span, .. } => {
                self.misplaced_list(*span);
                None
            }
            ast::TypeExpr::Choice { span, .. } => {
                let Some(name) = choice_name else {
                    self.problem(
                        Problem::MISPLACED_CHOICE,
                        *span,
                        "`choice { … }` is only allowed as the type of a parameter",
                        "declare an `enum` instead",
                        Some("write `enum 名 { 甲, 乙 }` and use its name as the type".into()),
                    );
                    return None;
                };
                let id = *self.index.enums.get(name)?;
                Some(Type::Enum {
                    id: id as u32,
                    name: name.to_string(),
                })
            }
            ast::TypeExpr::Named {
                base,
                unit,
                per,
                span,
            } => {
                let units = unit.iter().map(|(u, _)| *u);
                let mut dim = self.unit_dim(units, per.iter().map(|(u, _)| *u), *span)?;
                let kind = match base.name.as_str() {
                    "integer" => NumKind::Integer,
                    "decimal" => NumKind::Decimal,
                    "percent" => {
                        if !dim.is_none() {
                            self.problem(
                                Problem::UNEXPECTED_UNIT,
                                *span,
                                "a percentage has no unit",
                                "remove the unit",
                                Some("use `decimal<…>` for a quantity with a unit".into()),
                            );
                            return None;
                        }
                        NumKind::Percent
                    }
                    "money" => {
                        if let Some((_, s)) = unit {
                            self.problem(
                                Problem::MONEY_UNIT,
                                *s,
                                "money is always in 元",
                                "remove this unit",
                                Some("write `money` or a rate such as `money/人/月`".into()),
                            );
                            return None;
                        }
                        let moneyed = Dim::MONEY.times(dim);
                        dim = moneyed.or_else(|| self.unit_overflow(*span))?;
                        NumKind::Decimal
                    }
                    "bool" | "date" => {
                        if unit.is_some() || !per.is_empty() {
                            self.problem(
                                Problem::UNEXPECTED_UNIT,
                                *span,
                                format!("`{}` takes no unit", base.name),
                                "remove the unit",
                                None,
                            );
                            return None;
                        }
                        return Some(if base.name == "bool" {
                            Type::Bool
                        } else {
                            Type::Date
                        });
                    }
                    other => {
                        if let Some(&id) = self.index.enums.get(other) {
                            if unit.is_some() || !per.is_empty() {
                                self.problem(
                                    Problem::UNEXPECTED_UNIT,
                                    *span,
                                    "an enumeration takes no unit",
                                    "remove the unit",
                                    None,
                                );
                                return None;
                            }
                            return Some(Type::Enum {
                                id: id as u32,
                                name: other.to_string(),
                            });
                        }
                        let is_entity = self.index.entities.contains_key(other);
                        let help = if is_entity {
                            Some(format!(
                                "`{other}` is an entity; a field cannot hold an entity"
                            ))
                        } else {
                            self.suggest(other, || {
                                BUILTIN_TYPES
                                    .iter()
                                    .copied()
                                    .chain(self.enums.iter().map(|e| e.name.as_str()))
                            })
                            .or(Some(
                                "the types are bool, integer, decimal, percent, money, date and the enumerations".into(),
                            ))
                        };
                        self.err(
                            base.span,
                            CheckError::UnknownItem {
                                what: "type",
                                name: other.to_string(),
                                span: base.span,
                                help,
                            },
                        );
                        return None;
                    }
                };
                Some(Type::Number { kind, unit: dim })
            }
        }
    }

    /// Checks a literal against the type it must have.
    fn value(&mut self, v: &ast::Value, ty: &Type) -> Option<ir::Value> {
        match (v, ty) {
            (ast::Value::Quantity(q), Type::Number { kind, unit }) => {
                let lt = self.literal_type(q)?;
                let Type::Number {
                    kind: lkind,
                    unit: lunit,
                } = lt.clone()
                else {
                    return None;
                };
                if lunit != *unit {
                    let help = if unit.is_money_like() && lunit.is_none() {
                        Some(format!(
                            "write the unit, e.g. `{} {}`",
                            q.digits,
                            ty.to_string().replacen("money", "元", 1)
                        ))
                    } else {
                        None
                    };
                    self.err(
                        q.span,
                        CheckError::TypeMismatch {
                            expected: ty.to_string(),
                            found: lt.to_string(),
                            span: q.span,
                            help,
                        },
                    );
                    return None;
                }
                if *kind == NumKind::Percent && lkind != NumKind::Percent {
                    self.type_mismatch(
                        q.span,
                        "percent",
                        lt.to_string(),
                        Some(format!("write it with `%`, e.g. `{}%`", q.digits)),
                    );
                    return None;
                }
                if *kind == NumKind::Integer && !q.value.fract().is_zero() {
                    self.type_mismatch(
                        q.span,
                        ty.to_string(),
                        "a fraction",
                        Some("this value must be a whole number".into()),
                    );
                    return None;
                }
                Some(ir::Value::Number(q.value))
            }
            (ast::Value::Date(d), Type::Date) => Some(ir::Value::Date(d.value)),
            (ast::Value::Bool(b, _), Type::Bool) => Some(ir::Value::Bool(*b)),
            (ast::Value::Variant(i), Type::Enum { id, name }) => {
                let e = self.enums.get(*id as usize)?;
                match self.index.variant(*id as usize, &i.name) {
                    Some(p) => Some(ir::Value::Variant(p)),
                    None => {
                        let help = if self.reporting() {
                            did_you_mean(&i.name, e.variants.iter().map(String::as_str))
                                .unwrap_or_else(|| {
                                    format!(
                                        "the variants of `{name}` are {}",
                                        e.variants.join(", ")
                                    )
                                })
                        } else {
                            String::new()
                        };
                        self.err(
                            i.span,
                            CheckError::UnknownItem {
                                what: "variant",
                                name: i.name.clone(),
                                span: i.span,
                                help: Some(help),
                            },
                        );
                        None
                    }
                }
            }
            (v, ty) => {
                let found = match v {
                    ast::Value::Quantity(q) => Self::quantity_type(q).to_string(),
                    ast::Value::Date(_) => "date".into(),
                    ast::Value::Bool(..) => "bool".into(),
                    ast::Value::Variant(i) => format!("the name `{}`", i.name),
                    ast::Value::Members(..) => "a list of members".into(),
                };
                self.type_mismatch(v.span(), ty.to_string(), found, None);
                None
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn check_bounds(
        &mut self,
        param: &str,
        v: &ir::Value,
        ty: &Type,
        floor: Option<&ir::Value>,
        cap: Option<&ir::Value>,
        span: Span,
        _what: &str,
    ) {
        let ir::Value::Number(x) = v else { return };
        let text = |n: &rust_decimal::Decimal| crate::ir::number_text(*n, ty);
        if let Some(ir::Value::Number(f)) = floor {
            if x < f {
                self.err(
                    span,
                    CheckError::OutOfBounds {
                        param: param.to_string(),
                        value: text(x),
                        relation: "below the floor of",
                        bound: text(f),
                        span,
                        help: Some(format!("the policy sets `floor {}` for `{param}`: a locality may set more, never less", text(f))),
                    },
                );
            }
        }
        if let Some(ir::Value::Number(c)) = cap {
            if x > c {
                self.err(
                    span,
                    CheckError::OutOfBounds {
                        param: param.to_string(),
                        value: text(x),
                        relation: "above the cap of",
                        bound: text(c),
                        span,
                        help: Some(format!("the policy sets `cap {}` for `{param}`: a locality may set less, never more", text(c))),
                    },
                );
            }
        }
    }
}

/// Verbatim text as the IR keeps it: see [`crate::syntax::literal::text_block`].
pub use crate::syntax::literal::text_block as normalize_text;

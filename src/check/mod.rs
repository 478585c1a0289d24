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

mod error;
mod expr;
mod suggest;
pub use suggest::did_you_mean;

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;

pub use error::CheckError;

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
}

impl<'a> Checker<'a> {
    fn new(sources: &'a SourceMap) -> Self {
        Checker {
            sources,
            errors: Vec::new(),
            document: None,
            document_span: None,
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
        }
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

    fn clause_err(
        &mut self,
        span: Span,
        what: impl Into<String>,
        label: impl Into<String>,
        help: Option<String>,
    ) {
        self.err(
            span,
            CheckError::Clause {
                what: what.into(),
                span,
                label: label.into(),
                help,
            },
        );
    }

    fn invalid(
        &mut self,
        span: Span,
        what: impl Into<String>,
        label: impl Into<String>,
        help: Option<String>,
    ) {
        self.err(
            span,
            CheckError::Invalid {
                what: what.into(),
                span,
                label: label.into(),
                help,
            },
        );
    }

    // ------------------------------------------------------------------
    // Pass 1: register every declaration

    fn collect(&mut self, files: &'a [ast::File]) {
        // where each name or number was first declared: a file of a hundred
        // thousand measures must not be quadratic
        let mut dept_at: HashMap<&'a str, usize> = HashMap::new();
        let mut param_at: HashMap<&'a str, usize> = HashMap::new();
        let mut locality_at: HashMap<&'a str, usize> = HashMap::new();
        let mut measure_at: HashMap<u32, usize> = HashMap::new();
        for f in files {
            for item in &f.items {
                match item {
                    Item::Document(d) => self.collect_document(d),
                    Item::Department(d) => {
                        if let Some(&i) = dept_at.get(d.name.name.as_str()) {
                            let first = self.dept_spans.get(i).copied().unwrap_or_default();
                            let help = self.first_at(first);
                            self.err(
                                d.name.span,
                                CheckError::Duplicate {
                                    what: "department",
                                    name: d.name.name.clone(),
                                    span: d.name.span,
                                    help,
                                },
                            );
                            continue;
                        }
                        dept_at.insert(&d.name.name, self.departments.len());
                        self.departments.push(ir::Department {
                            id: d.name.name.clone(),
                            name: d.full_name.value.clone(),
                            source: self.sref(d.span),
                        });
                        self.dept_spans.push(d.name.span);
                    }
                    Item::Enum(e) => {
                        let variants = self.unique_names(&e.variants, "variant");
                        self.add_enum(&e.name, variants);
                    }
                    Item::Entity(e) => {
                        if self.type_name_taken(&e.name) {
                            continue;
                        }
                        self.entities.push(ir::EntityDef {
                            name: e.name.name.clone(),
                            description: e.description.as_ref().map(|d| d.value.clone()),
                            fields: Vec::new(),
                        });
                        self.entity_asts.push(e);
                    }
                    Item::Parameter(p) => {
                        if let Some(first) = param_at
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
                        param_at.insert(&p.name.name, self.params.len());
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
                    Item::Locality(l) => {
                        if let Some(first) = locality_at
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
                        locality_at.insert(&l.name.name, self.locality_asts.len());
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

    fn collect_document(&mut self, d: &ast::Document) {
        if let Some(first) = self.document_span {
            let help = self.first_at(first);
            self.err(
                d.span,
                CheckError::Duplicate {
                    what: "document header",
                    name: "document".into(),
                    span: Span {
                        end: d.span.start + 8,
                        ..d.span
                    },
                    help,
                },
            );
            return;
        }
        self.document_span = Some(d.span);
        let mut doc = ir::Document {
            source: self.sref(d.span),
            ..Default::default()
        };
        for f in &d.fields {
            let text = match &f.value {
                ast::DocValue::Text(t) => Some(if t.block {
                    normalize_text(&t.value)
                } else {
                    t.value.clone()
                }),
                ast::DocValue::Date(_) => None,
            };
            let date = match &f.value {
                ast::DocValue::Date(dl) => Some(dl.value),
                ast::DocValue::Text(_) => None,
            };
            let slot = match f.key.name.as_str() {
                "number" => &mut doc.number,
                "title" => &mut doc.title,
                "issuer" => &mut doc.issuer,
                "region" => &mut doc.region,
                "issued" => {
                    if date.is_none() {
                        self.type_mismatch(
                            f.key.span,
                            "a date",
                            "a string",
                            Some("write the date as YYYY-MM-DD without quotes".into()),
                        );
                    }
                    doc.issued = date;
                    continue;
                }
                other => {
                    let help =
                        did_you_mean(other, ["number", "title", "issuer", "issued", "region"]);
                    self.err(
                        f.key.span,
                        CheckError::UnknownItem {
                            what: "header field",
                            name: other.to_string(),
                            span: f.key.span,
                            help: help.or(Some("the header fields are `number`, `title`, `issuer`, `issued` and `region`".into())),
                        },
                    );
                    continue;
                }
            };
            if text.is_none() {
                self.type_mismatch(f.key.span, "a string", "a date", None);
            }
            *slot = text;
        }
        self.document = Some(doc);
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
        for (i, n) in names.iter().enumerate() {
            if let Some(first) = names.iter().take(i).find(|x| x.name == n.name) {
                let help = self.first_at(first.span);
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
                out.push(n.name.clone());
            }
        }
        out
    }

    fn type_name_taken(&mut self, name: &ast::Ident) -> bool {
        let first = if BUILTIN_TYPES.contains(&name.name.as_str()) {
            Some(None)
        } else if let Some(i) = self.enums.iter().position(|e| e.name == name.name) {
            Some(self.enum_spans.get(i).copied())
        } else {
            self.entity_asts
                .iter()
                .find(|e| e.name.name == name.name)
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
        self.enums.push(ir::EnumDef {
            name: name.name.clone(),
            variants,
        });
        self.enum_spans.push(name.span);
    }

    // ------------------------------------------------------------------
    // Pass 2: types of fields and parameters, parameter values

    fn resolve_declarations(&mut self) {
        let entity_asts = self.entity_asts.clone();
        for (ei, e) in entity_asts.iter().enumerate() {
            let mut fields: Vec<ir::FieldDef> = Vec::new();
            let mut spans: Vec<Span> = Vec::new();
            for f in &e.fields {
                if let Some(i) = fields.iter().position(|x| x.name == f.name.name) {
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
                            self.invalid(
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
            ast::TypeExpr::Choice { span, .. } => {
                let Some(name) = choice_name else {
                    self.invalid(
                        *span,
                        "`choice { … }` is only allowed as the type of a parameter",
                        "declare an `enum` instead",
                        Some("write `enum 名 { 甲, 乙 }` and use its name as the type".into()),
                    );
                    return None;
                };
                let id = self.enums.iter().position(|e| e.name == name)?;
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
                let mut dim = match unit {
                    Some((u, _)) => Dim::of(*u),
                    None => Dim::NONE,
                };
                for (u, _) in per {
                    dim = dim.per(Dim::of(*u)).unwrap_or(dim);
                }
                let kind = match base.name.as_str() {
                    "integer" => NumKind::Integer,
                    "decimal" => NumKind::Decimal,
                    "percent" => {
                        if !dim.is_none() {
                            self.invalid(
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
                            self.invalid(
                                *s,
                                "money is always in 元",
                                "remove this unit",
                                Some("write `money` or a rate such as `money/人/月`".into()),
                            );
                            return None;
                        }
                        dim = Dim::MONEY.times(dim).unwrap_or(dim);
                        NumKind::Decimal
                    }
                    "bool" | "date" => {
                        if unit.is_some() || !per.is_empty() {
                            self.invalid(
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
                        if let Some(id) = self.enums.iter().position(|e| e.name == other) {
                            if unit.is_some() || !per.is_empty() {
                                self.invalid(
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
                        let is_entity = self.entities.iter().any(|e| e.name == other);
                        let names: Vec<String> = BUILTIN_TYPES
                            .iter()
                            .map(|s| s.to_string())
                            .chain(self.enums.iter().map(|e| e.name.clone()))
                            .collect();
                        let help = if is_entity {
                            Some(format!(
                                "`{other}` is an entity; a field cannot hold an entity"
                            ))
                        } else {
                            did_you_mean(other, names.iter().map(String::as_str)).or(Some(
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

    /// The type of a number literal: `5.5%` percent, `1000 元` money, `6 个月` integer<月>.
    fn quantity_type(q: &ast::Quantity) -> Type {
        if q.percent {
            return Type::plain(NumKind::Percent);
        }
        let mut dim = q.unit.map_or(Dim::NONE, Dim::of);
        for u in &q.per {
            dim = dim.per(Dim::of(*u)).unwrap_or(dim);
        }
        let kind = if dim.exp(Unit::Yuan) != 0 || !q.value.fract().is_zero() {
            NumKind::Decimal
        } else {
            NumKind::Integer
        };
        Type::Number { kind, unit: dim }
    }

    /// Checks a literal against the type it must have.
    fn value(&mut self, v: &ast::Value, ty: &Type) -> Option<ir::Value> {
        match (v, ty) {
            (ast::Value::Quantity(q), Type::Number { kind, unit }) => {
                let lt = Self::quantity_type(q);
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
                match e.variants.iter().position(|x| *x == i.name) {
                    Some(p) => Some(ir::Value::Variant(p as u32)),
                    None => {
                        let help = did_you_mean(&i.name, e.variants.iter().map(String::as_str))
                            .unwrap_or_else(|| {
                                format!("the variants of `{name}` are {}", e.variants.join(", "))
                            });
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

    // ------------------------------------------------------------------
    // Pass 3: localities

    fn check_localities(&mut self) {
        let asts = self.locality_asts.clone();
        for l in asts {
            let mut values: Vec<ir::LocalityValue> = Vec::new();
            let mut seen: HashMap<&str, Span> = HashMap::new();
            for lv in &l.values {
                if let Some(first) = seen.get(lv.param.name.as_str()) {
                    let help = self.first_at(*first);
                    self.err(
                        lv.param.span,
                        CheckError::Duplicate {
                            what: "locality value",
                            name: lv.param.name.clone(),
                            span: lv.param.span,
                            help,
                        },
                    );
                    continue;
                }
                seen.insert(lv.param.name.as_str(), lv.param.span);
                let Some(pi) = self
                    .params
                    .iter()
                    .position(|p| p.ast.name.name == lv.param.name)
                else {
                    let names: Vec<&str> = self
                        .params
                        .iter()
                        .map(|p| p.ast.name.name.as_str())
                        .collect();
                    let help = did_you_mean(&lv.param.name, names);
                    self.err(
                        lv.param.span,
                        CheckError::UnknownItem {
                            what: "parameter",
                            name: lv.param.name.clone(),
                            span: lv.param.span,
                            help,
                        },
                    );
                    continue;
                };
                let (ty, bounds, delegated) = match self.params.get(pi) {
                    Some(ParamInfo {
                        ty: Some(ty),
                        def: Some(def),
                        ..
                    }) => match &def.value {
                        ir::ParamValue::Locality { floor, cap, .. } => {
                            (ty.clone(), (floor.clone(), cap.clone()), true)
                        }
                        _ => (ty.clone(), (None, None), false),
                    },
                    _ => continue,
                };
                if !delegated {
                    self.invalid(
                        lv.param.span,
                        format!(
                            "parameter `{}` is not delegated to localities",
                            lv.param.name
                        ),
                        "set by the policy itself",
                        Some(format!(
                            "declare it `parameter {}: {ty} by locality` to let localities set it",
                            lv.param.name
                        )),
                    );
                    continue;
                }
                if let Some(value) = self.value(&lv.value, &ty) {
                    self.check_bounds(
                        &lv.param.name,
                        &value,
                        &ty,
                        bounds.0.as_ref(),
                        bounds.1.as_ref(),
                        lv.value.span(),
                        "",
                    );
                    values.push(ir::LocalityValue {
                        param: pi as u32,
                        name: lv.param.name.clone(),
                        value,
                    });
                }
            }
            for (pi, p) in self.params.iter().enumerate() {
                if let Some(ir::ParamDef {
                    value: ir::ParamValue::Locality { default: None, .. },
                    name,
                    ..
                }) = &p.def
                {
                    if !values.iter().any(|v| v.param as usize == pi) {
                        let span = l.name.span;
                        self.errors.push(Diagnostic::new(
                            span.file,
                            CheckError::MissingLocalityValue {
                                locality: l.name.name.clone(),
                                param: name.clone(),
                                span,
                                help: Some(format!("add `{name} = …` to the locality, or give the parameter a `default`")),
                            },
                        ));
                    }
                }
            }
            // keep values in parameter order, whatever the order in the file
            values.sort_by_key(|v| v.param);
            self.localities.push(ir::LocalityDef {
                name: l.name.name.clone(),
                values,
                source: self.sref(l.span),
            });
        }
    }

    // ------------------------------------------------------------------
    // Pass 4: measures

    fn check_measures(&mut self) -> Vec<ir::Measure> {
        let mut asts = self.measure_asts.clone();
        asts.sort_by_key(|m| m.number);
        let mut out = Vec::new();
        for m in asts {
            if let Some(x) = self.measure(m) {
                out.push(x);
            }
        }
        out
    }

    fn once<T>(&mut self, slot: &mut Option<(T, Span)>, value: T, span: Span, keyword: &str) {
        if let Some((_, first)) = slot {
            let help = self.first_at(*first);
            self.clause_err(
                span,
                format!("`{keyword}` is given twice"),
                "second time",
                help,
            );
        } else {
            *slot = Some((value, span));
        }
    }

    fn measure(&mut self, m: &'a ast::Measure) -> Option<ir::Measure> {
        let mut section: Option<(u32, Span)> = None;
        let mut kind: Option<(MeasureKind, Span)> = None;
        let mut to: Option<(u32, Span)> = None;
        let mut effective: Option<(ast::Effective, Span)> = None;
        let mut deadline: Option<(NaiveDate, Span)> = None;
        let mut text: Option<(String, Span)> = None;
        let mut depts = ir::Departments::default();
        let mut dept_seen: HashMap<String, (DeptRole, Span)> = HashMap::new();
        let mut rules: Vec<&ast::Rule> = Vec::new();
        let mut examples: Vec<&ast::Example> = Vec::new();
        let before = self.errors.len();
        for c in &m.clauses {
            match c {
                ast::MeasureClause::Section(n, span) => {
                    if !self.sections.contains_key(n) {
                        let known: Vec<String> = self.sections.keys().map(u32::to_string).collect();
                        self.err(
                            *span,
                            CheckError::UnknownItem {
                                what: "section",
                                name: n.to_string(),
                                span: *span,
                                help: Some(if known.is_empty() {
                                    "declare it with `section N \"标题\"`".into()
                                } else {
                                    format!("the sections are {}", known.join(", "))
                                }),
                            },
                        );
                    }
                    self.once(&mut section, *n, *span, "section");
                }
                ast::MeasureClause::Kind(k) => match MeasureKind::parse(&k.name) {
                    Some(x) => self.once(&mut kind, x, k.span, "kind"),
                    None => {
                        let names: Vec<&str> = MeasureKind::ALL.iter().map(|(_, n)| *n).collect();
                        let help = did_you_mean(&k.name, names.iter().copied())
                            .unwrap_or_else(|| format!("the kinds are {}", names.join(", ")));
                        self.err(
                            k.span,
                            CheckError::UnknownItem {
                                what: "kind",
                                name: k.name.clone(),
                                span: k.span,
                                help: Some(help),
                            },
                        );
                        // keep going as if a kind was given, to avoid a second error
                        kind.get_or_insert((MeasureKind::Directive, k.span));
                    }
                },
                ast::MeasureClause::To(e) => {
                    match self.entities.iter().position(|x| x.name == e.name) {
                        Some(i) => self.once(&mut to, i as u32, e.span, "to"),
                        None => {
                            let names: Vec<&str> =
                                self.entities.iter().map(|x| x.name.as_str()).collect();
                            let help = did_you_mean(&e.name, names.iter().copied()).or_else(|| {
                                (!names.is_empty())
                                    .then(|| format!("the entities are {}", names.join(", ")))
                            });
                            self.err(
                                e.span,
                                CheckError::UnknownItem {
                                    what: "entity",
                                    name: e.name.clone(),
                                    span: e.span,
                                    help,
                                },
                            );
                        }
                    }
                }
                ast::MeasureClause::Effective(e) => {
                    self.once(&mut effective, e.clone(), e.span, "effective")
                }
                ast::MeasureClause::Deadline(d, span) => {
                    self.once(&mut deadline, d.value, *span, "applications until")
                }
                ast::MeasureClause::Text(t) => {
                    self.once(&mut text, t.value.clone(), t.span, "text")
                }
                ast::MeasureClause::Departments(role, names, _) => {
                    for n in names {
                        let Some(full) = self.department(n) else {
                            continue;
                        };
                        if let Some((prev_role, prev)) = dept_seen.get(&full) {
                            let help = Some(format!(
                                "it is already `{}` at {}; a department has one role in a measure",
                                prev_role.keyword(),
                                self.sref(*prev)
                            ));
                            self.clause_err(
                                n.span,
                                format!("department `{}` is named twice in this measure", n.name),
                                "named again here",
                                help,
                            );
                            continue;
                        }
                        dept_seen.insert(full.clone(), (*role, n.span));
                        match role {
                            DeptRole::Lead => depts.lead.push(full),
                            DeptRole::Cooperating => depts.cooperating.push(full),
                            DeptRole::Joint => depts.joint.push(full),
                        }
                    }
                }
                ast::MeasureClause::Rule(r) => rules.push(r),
                ast::MeasureClause::Example(e) => examples.push(e),
            }
        }
        if kind.is_none() {
            let span = Span {
                end: m.number_span.end,
                ..m.span
            };
            self.clause_err(
                span,
                format!("measure {} has no `kind`", m.number),
                "add a `kind` clause",
                Some(format!(
                    "the kinds are {}",
                    MeasureKind::ALL
                        .iter()
                        .map(|(_, n)| *n)
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            );
        }
        // dates
        let issued = self.document.as_ref().and_then(|d| d.issued);
        let mut period = ir::Period {
            from: issued,
            to: None,
        };
        if let Some((e, span)) = &effective {
            if let Some(f) = &e.from {
                period.from = Some(f.value);
            }
            period.to = e.to.as_ref().map(|d| d.value);
            if let (Some(f), Some(t)) = (&e.from, &e.to) {
                if t.value < f.value {
                    self.err(
                        t.span,
                        CheckError::DateOrder {
                            what: "the effective period ends before it starts".into(),
                            span: t.span,
                            label: format!("before {}", f.value),
                            help: Some("write `effective FIRST_DAY to LAST_DAY`".into()),
                        },
                    );
                }
            }
            if e.from.is_none() {
                if let (Some(from), Some(to)) = (period.from, period.to) {
                    if to < from {
                        self.err(
                            *span,
                            CheckError::DateOrder {
                                what: "the effective period ends before the document is issued".into(),
                                span: *span,
                                label: format!("ends {to}, issued {from}"),
                                help: Some("give the first day explicitly: `effective FIRST_DAY to LAST_DAY`".into()),
                            },
                        );
                    }
                }
            }
        }
        if let (Some((d, span)), Some(from)) = (&deadline, period.from) {
            if *d < from {
                self.err(
                    *span,
                    CheckError::DateOrder {
                        what: "the application deadline is before the measure takes effect".into(),
                        span: *span,
                        label: format!("{d} is before {from}"),
                        help: Some("check both dates against the legal text".into()),
                    },
                );
            }
        }
        let addressee = to.map(|(i, _)| i);
        if addressee.is_none() && !rules.is_empty() {
            let span = rules.first().map_or(m.span, |r| r.name.span);
            self.clause_err(
                span,
                format!("measure {} has rules but no addressee", m.number),
                "rules read facts of an entity",
                Some("add `to ENTITY` to say whose facts the rules read".into()),
            );
        }
        let ir_rules = self.rules(&rules, addressee);
        let ir_examples = self.examples(&examples);
        if self.errors.len() > before {
            return None;
        }
        Some(ir::Measure {
            number: m.number,
            label: ir::measure_label(m.number),
            title: m.title.value.clone(),
            section: section.map(|(n, _)| n),
            kind: kind.map_or(MeasureKind::Directive, |(k, _)| k),
            addressee,
            effective: period,
            applications_until: deadline.map(|(d, _)| d),
            departments: depts,
            source_text: text.map(|(t, _)| normalize_text(&t)).unwrap_or_default(),
            rules: ir_rules?,
            examples: ir_examples?,
            source: self.sref(m.span),
        })
    }

    fn department(&mut self, n: &ast::Ident) -> Option<String> {
        if let Some(d) = self
            .departments
            .iter()
            .find(|d| d.id == n.name || d.name == n.name)
        {
            return Some(d.name.clone());
        }
        let names: Vec<&str> = self.departments.iter().map(|d| d.id.as_str()).collect();
        let help = did_you_mean(&n.name, names)
            .or(Some("declare it with `department 短名 = \"全称\"`".into()));
        self.err(
            n.span,
            CheckError::UnknownDepartment {
                name: n.name.clone(),
                span: n.span,
                help,
            },
        );
        None
    }

    fn rules(&mut self, rules: &[&ast::Rule], addressee: Option<u32>) -> Option<Vec<ir::RuleDef>> {
        let mut out = Vec::new();
        let mut ok = true;
        for (i, r) in rules.iter().enumerate() {
            if let Some(first) = rules.iter().take(i).find(|x| x.name.name == r.name.name) {
                let help = self.first_at(first.name.span);
                self.err(
                    r.name.span,
                    CheckError::Duplicate {
                        what: "rule",
                        name: r.name.name.clone(),
                        span: r.name.span,
                        help,
                    },
                );
                ok = false;
                continue;
            }
            let exception_to = match &r.exception_to {
                None => None,
                Some(b) => match rules.iter().position(|x| x.name.name == b.name) {
                    Some(p) if p != i => Some(p as u32),
                    Some(_) => {
                        self.err(
                            b.span,
                            CheckError::ExceptionCycle {
                                name: r.name.name.clone(),
                                span: b.span,
                            },
                        );
                        ok = false;
                        None
                    }
                    None => {
                        let names: Vec<&str> = rules.iter().map(|x| x.name.name.as_str()).collect();
                        let help = did_you_mean(&b.name, names);
                        self.err(
                            b.span,
                            CheckError::UnknownBaseRule {
                                name: r.name.name.clone(),
                                base: b.name.clone(),
                                span: b.span,
                                help,
                            },
                        );
                        ok = false;
                        None
                    }
                },
            };
            let mut text: Option<(String, Span)> = None;
            let mut when: Option<(ir::Expr, Span)> = None;
            let mut amount: Option<(ir::Expr, Span)> = None;
            let mut floor: Option<(ir::Expr, Span)> = None;
            let mut cap: Option<(ir::Expr, Span)> = None;
            for c in &r.clauses {
                match c {
                    ast::RuleClause::Text(t) => {
                        self.once(&mut text, t.value.clone(), t.span, "text")
                    }
                    ast::RuleClause::When(e) => {
                        if let Some(x) = self.expr(e, addressee, None) {
                            if x.ty == Type::Bool {
                                self.once(&mut when, x, e.span, "when");
                            } else {
                                self.err(
                                    e.span,
                                    CheckError::ConditionNotBool {
                                        found: x.ty.to_string(),
                                        span: e.span,
                                    },
                                );
                                ok = false;
                            }
                        } else {
                            ok = false;
                        }
                    }
                    ast::RuleClause::Amount(e)
                    | ast::RuleClause::Floor(e)
                    | ast::RuleClause::Cap(e) => {
                        let money = Type::money();
                        let Some(x) = self.expr(e, addressee, Some(&money)) else {
                            ok = false;
                            continue;
                        };
                        if !x.ty.is_money() {
                            let help = money_help(&x.ty);
                            self.type_mismatch(e.span, "money", x.ty.to_string(), help);
                            ok = false;
                            continue;
                        }
                        let (slot, kw) = match c {
                            ast::RuleClause::Amount(_) => (&mut amount, "amount"),
                            ast::RuleClause::Floor(_) => (&mut floor, "floor"),
                            _ => (&mut cap, "cap"),
                        };
                        let mut s = slot.take();
                        self.once(&mut s, x, e.span, kw);
                        match c {
                            ast::RuleClause::Amount(_) => amount = s,
                            ast::RuleClause::Floor(_) => floor = s,
                            _ => cap = s,
                        }
                    }
                }
            }
            if amount.is_none() {
                for (x, kw) in [(&floor, "floor"), (&cap, "cap")] {
                    if let Some((_, span)) = x {
                        let span = *span;
                        self.clause_err(
                            span,
                            format!("a `{kw}` needs an `amount` to bound"),
                            "no `amount` in this rule",
                            Some("add `amount …` or remove this clause".into()),
                        );
                        ok = false;
                    }
                }
            }
            out.push(ir::RuleDef {
                name: r.name.name.clone(),
                part: r.part.as_ref().map(|p| p.name.clone()),
                exception_to,
                text: text.map(|(t, _)| normalize_text(&t)),
                condition: when.map(|(x, _)| x),
                amount: amount.map(|(x, _)| x),
                floor: floor.map(|(x, _)| x),
                cap: cap.map(|(x, _)| x),
                source: self.sref(r.span),
            });
        }
        // exceptions must form a tree
        if ok {
            for (i, r) in out.iter().enumerate() {
                let mut seen = vec![i];
                let mut cur = r.exception_to;
                while let Some(n) = cur {
                    if seen.contains(&(n as usize)) {
                        if let Some(ast) = rules.get(i) {
                            self.err(
                                ast.name.span,
                                CheckError::ExceptionCycle {
                                    name: r.name.clone(),
                                    span: ast.name.span,
                                },
                            );
                        }
                        ok = false;
                        break;
                    }
                    seen.push(n as usize);
                    cur = out.get(n as usize).and_then(|x| x.exception_to);
                }
                if !ok {
                    break;
                }
                if let (Some(base), Some(ast)) = (
                    r.exception_to.and_then(|b| out.get(b as usize)),
                    rules.get(i),
                ) {
                    if base.part != r.part {
                        self.invalid(
                            ast.name.span,
                            format!(
                                "exception `{}` and its base rule `{}` define different parts",
                                r.name, base.name
                            ),
                            "an exception replaces its base within one part",
                            Some("give both rules the same `part`".into()),
                        );
                        ok = false;
                    }
                }
            }
        }
        ok.then_some(out)
    }

    fn examples(&mut self, examples: &[&ast::Example]) -> Option<Vec<ir::ExampleDef>> {
        let mut out = Vec::new();
        let mut ok = true;
        for ex in examples {
            let before = self.errors.len();
            let mut date: Option<(NaiveDate, Span)> = None;
            let mut locality: Option<(String, Span)> = None;
            let mut facts: Option<((u32, Vec<ir::FactDef>), Span)> = None;
            let mut expect: Option<(ir::Expectation, Span)> = None;
            for c in &ex.clauses {
                match c {
                    ast::ExampleClause::Date(d, span) => {
                        self.once(&mut date, d.value, *span, "date")
                    }
                    ast::ExampleClause::Locality(l, span) => {
                        if self.locality_asts.iter().any(|x| x.name.name == l.name) {
                            self.once(&mut locality, l.name.clone(), *span, "locality");
                        } else {
                            let names: Vec<&str> = self
                                .locality_asts
                                .iter()
                                .map(|x| x.name.name.as_str())
                                .collect();
                            let help = did_you_mean(&l.name, names.iter().copied()).or_else(|| {
                                Some(format!("declare it with `locality {} {{ … }}`", l.name))
                            });
                            self.err(
                                l.span,
                                CheckError::UnknownItem {
                                    what: "locality",
                                    name: l.name.clone(),
                                    span: l.span,
                                    help,
                                },
                            );
                        }
                    }
                    ast::ExampleClause::Facts(ent, values, span) => {
                        let Some(ei) = self.entities.iter().position(|e| e.name == ent.name) else {
                            let names: Vec<&str> =
                                self.entities.iter().map(|e| e.name.as_str()).collect();
                            let help = did_you_mean(&ent.name, names);
                            self.err(
                                ent.span,
                                CheckError::UnknownItem {
                                    what: "entity",
                                    name: ent.name.clone(),
                                    span: ent.span,
                                    help,
                                },
                            );
                            continue;
                        };
                        let mut fs: Vec<ir::FactDef> = Vec::new();
                        for fv in values {
                            let field = self
                                .entities
                                .get(ei)
                                .and_then(|e| {
                                    e.fields
                                        .iter()
                                        .enumerate()
                                        .find(|(_, f)| f.name == fv.name.name)
                                })
                                .map(|(i, f)| (i, f.ty.clone()));
                            let Some((slot, ty)) = field else {
                                self.unknown_field(ei, &fv.name);
                                continue;
                            };
                            if fs.iter().any(|f| f.slot as usize == slot) {
                                self.err(
                                    fv.name.span,
                                    CheckError::Duplicate {
                                        what: "fact",
                                        name: fv.name.name.clone(),
                                        span: fv.name.span,
                                        help: None,
                                    },
                                );
                                continue;
                            }
                            if let Some(value) = self.value(&fv.value, &ty) {
                                fs.push(ir::FactDef {
                                    slot: slot as u32,
                                    name: fv.name.name.clone(),
                                    value,
                                });
                            }
                        }
                        fs.sort_by_key(|f| f.slot);
                        self.once(&mut facts, (ei as u32, fs), *span, "facts");
                    }
                    ast::ExampleClause::Expect(e) => {
                        let Some(status) = Status::parse(&e.status.name) else {
                            let names: Vec<&str> = Status::ALL.iter().map(|(_, n)| *n).collect();
                            let help = did_you_mean(&e.status.name, names.iter().copied())
                                .unwrap_or_else(|| {
                                    format!("the statuses are {}", names.join(", "))
                                });
                            self.err(
                                e.status.span,
                                CheckError::UnknownItem {
                                    what: "status",
                                    name: e.status.name.clone(),
                                    span: e.status.span,
                                    help: Some(help),
                                },
                            );
                            continue;
                        };
                        let amount = match &e.amount {
                            Some(q) => {
                                if status != Status::Eligible {
                                    self.invalid(
                                        q.span,
                                        "only `eligible` takes an amount",
                                        "remove this amount",
                                        None,
                                    );
                                }
                                self.value(&ast::Value::Quantity(q.clone()), &Type::money())
                                    .and_then(|v| match v {
                                        ir::Value::Number(n) => Some(n),
                                        _ => None,
                                    })
                            }
                            None => None,
                        };
                        if e.facts.is_some() && status != Status::NeedsFacts {
                            self.invalid(
                                e.span,
                                "only `needs_facts` takes a list of facts",
                                "remove the list",
                                None,
                            );
                        }
                        let facts_list = e.facts.as_ref().map(|l| {
                            let mut v: Vec<String> = l.iter().map(|i| i.name.clone()).collect();
                            v.sort();
                            v
                        });
                        self.once(
                            &mut expect,
                            ir::Expectation {
                                status,
                                amount,
                                facts: facts_list,
                            },
                            e.span,
                            "expect",
                        );
                    }
                }
            }
            let head = Span {
                end: ex.name.span.end,
                ..ex.span
            };
            if date.is_none() {
                self.clause_err(
                    head,
                    format!("example `{}` has no `date`", ex.name.value),
                    "add `date YYYY-MM-DD`",
                    None,
                );
            }
            if facts.is_none() {
                self.clause_err(
                    head,
                    format!("example `{}` gives no facts", ex.name.value),
                    "add `实体 { 字段: 值, … }`",
                    Some("an example with no known fact is written `实体 { }`".into()),
                );
            }
            if expect.is_none() {
                self.clause_err(
                    head,
                    format!("example `{}` expects nothing", ex.name.value),
                    "add `expect STATUS`",
                    None,
                );
            }
            // the needs_facts list must name fields of the entity
            if let (Some(((ei, _), _)), Some((exp, espan))) = (&facts, &expect) {
                if let Some(list) = &exp.facts {
                    for n in list {
                        let known = self
                            .entities
                            .get(*ei as usize)
                            .is_some_and(|e| e.fields.iter().any(|f| &f.name == n));
                        if !known {
                            let espan = *espan;
                            self.invalid(
                                espan,
                                format!("`{n}` is not a fact of the example's entity"),
                                "in this list",
                                None,
                            );
                        }
                    }
                }
            }
            if self.errors.len() > before {
                ok = false;
                continue;
            }
            if let (Some((date, _)), Some(((entity, facts), _)), Some((expect, _))) =
                (date, facts, expect)
            {
                out.push(ir::ExampleDef {
                    name: ex.name.value.clone(),
                    date,
                    locality: locality.map(|(l, _)| l),
                    entity,
                    facts,
                    expect,
                    source: self.sref(ex.span),
                });
            }
        }
        ok.then_some(out)
    }

    fn unknown_field(&mut self, entity: usize, name: &ast::Ident) {
        let (ename, help) = match self.entities.get(entity) {
            Some(e) => (
                e.name.clone(),
                did_you_mean(&name.name, e.fields.iter().map(|f| f.name.as_str())),
            ),
            None => (String::new(), None),
        };
        self.err(
            name.span,
            CheckError::UnknownItem {
                what: "field",
                name: name.name.clone(),
                span: name.span,
                help: help.or(Some(format!(
                    "`{ename}` has no such field; add it to `entity {ename}`"
                ))),
            },
        );
    }
}

/// A help line for a rule amount that is not money.
fn money_help(t: &Type) -> Option<String> {
    let Type::Number { unit, .. } = t else {
        return None;
    };
    if unit.exp(Unit::Yuan) == 1 {
        let missing: Vec<String> = [Unit::Person, Unit::Day, Unit::Month, Unit::Year]
            .iter()
            .filter(|u| unit.exp(**u) < 0)
            .map(|u| format!("a count of {}", u.count_symbol()))
            .collect();
        if !missing.is_empty() {
            return Some(format!(
                "this is a rate; multiply it by {}",
                missing.join(" and ")
            ));
        }
    }
    Some("an amount is money: a number of 元".into())
}

/// Verbatim text as the IR keeps it: see [`crate::syntax::literal::text_block`].
pub use crate::syntax::literal::text_block as normalize_text;

#[cfg(test)]
mod tests {
    use super::normalize_text;

    #[test]
    fn text_blocks_lose_fence_lines_and_indentation_only() {
        assert_eq!(normalize_text("\n    甲，乙\n      丙\n  "), "甲，乙\n  丙");
        assert_eq!(normalize_text("一行"), "一行");
    }
}

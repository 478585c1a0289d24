//! From pest's parse tree to the AST: one converter per grammar rule.
//!
//! Converters return `Result` and never assume the shape of a pair: a missing
//! child becomes [`SyntaxError::Internal`] rather than a panic. Invalid literals
//! (a 13th month, `12..5`) are collected, so that a file reports all of them.

use std::sync::OnceLock;

use pest::iterators::{Pair, Pairs};
use pest::pratt_parser::{Assoc, Op, PrattParser};
use pest::Parser as _;
use rust_decimal::Decimal;

use super::ast::*;
use super::error::SyntaxError;
use super::MAX_DEPTH;
use crate::source::{FileId, Span};
use crate::types::Unit;

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/policy.pest"]
struct PolicyParser;

type R<T> = Result<T, SyntaxError>;

/// Parses one file into its AST, or returns every syntax error found.
pub(crate) fn parse(file: FileId, text: &str) -> Result<File, Vec<SyntaxError>> {
    let pairs = match PolicyParser::parse(Rule::file, text) {
        Ok(p) => p,
        Err(_) => {
            // Parse again with detailed tracking, which costs time only on failure.
            pest::set_error_detail(true);
            let err = PolicyParser::parse(Rule::file, text).err();
            pest::set_error_detail(false);
            return Err(vec![match err {
                Some(e) => super::unexpected::convert_pest_error(file, text, &e),
                None => SyntaxError::Internal {
                    what: "the parser disagreed with itself".into(),
                    span: Span::new(file, 0, 0),
                },
            }]);
        }
    };
    let mut b = Builder {
        file,
        errors: Vec::new(),
        nesting: 0,
    };
    let result = b.file(pairs, text.len());
    match result {
        Ok(f) if b.errors.is_empty() => Ok(f),
        Ok(_) => Err(b.errors),
        Err(e) => {
            b.errors.push(e);
            Err(b.errors)
        }
    }
}

struct Builder {
    file: FileId,
    errors: Vec<SyntaxError>,
    /// How many expressions enclose the one being converted: conversion stops
    /// at [`MAX_DEPTH`] instead of recursing further.
    nesting: usize,
}

fn pratt() -> &'static PrattParser<Rule> {
    static P: OnceLock<PrattParser<Rule>> = OnceLock::new();
    P.get_or_init(|| {
        PrattParser::new()
            .op(Op::infix(Rule::op_or, Assoc::Left))
            .op(Op::infix(Rule::op_and, Assoc::Left))
            .op(Op::prefix(Rule::op_not))
            .op(Op::infix(Rule::op_eq, Assoc::Left)
                | Op::infix(Rule::op_ne, Assoc::Left)
                | Op::infix(Rule::op_le, Assoc::Left)
                | Op::infix(Rule::op_ge, Assoc::Left)
                | Op::infix(Rule::op_lt, Assoc::Left)
                | Op::infix(Rule::op_gt, Assoc::Left)
                | Op::postfix(Rule::op_in))
            .op(Op::infix(Rule::op_add, Assoc::Left) | Op::infix(Rule::op_sub, Assoc::Left))
            .op(Op::infix(Rule::op_mul, Assoc::Left) | Op::infix(Rule::op_div, Assoc::Left))
            .op(Op::prefix(Rule::op_neg))
    })
}

impl Builder {
    fn span(&self, p: &Pair<'_, Rule>) -> Span {
        let s = p.as_span();
        Span::new(self.file, s.start(), s.end())
    }

    fn internal(&self, what: &str, p: &Pair<'_, Rule>) -> SyntaxError {
        SyntaxError::Internal {
            what: what.to_string(),
            span: self.span(p),
        }
    }

    fn next<'i>(
        &self,
        it: &mut Pairs<'i, Rule>,
        parent: &Pair<'i, Rule>,
        what: &str,
    ) -> R<Pair<'i, Rule>> {
        it.next()
            .ok_or_else(|| self.internal(&format!("missing {what}"), parent))
    }

    fn file(&mut self, mut pairs: Pairs<'_, Rule>, len: usize) -> R<File> {
        let file_pair = pairs.next().ok_or_else(|| SyntaxError::Internal {
            what: "empty parse".into(),
            span: Span::new(self.file, 0, 0),
        })?;
        let mut items = Vec::new();
        for p in file_pair.into_inner() {
            if p.as_rule() == Rule::EOI {
                continue;
            }
            match self.item(p) {
                Ok(i) => items.push(i),
                Err(e) => self.errors.push(e),
            }
        }
        Ok(File {
            items,
            span: Span::new(self.file, 0, len),
        })
    }

    fn item(&mut self, p: Pair<'_, Rule>) -> R<Item> {
        Ok(match p.as_rule() {
            Rule::document => Item::Document(self.document(p)?),
            Rule::department => Item::Department(self.department(p)?),
            Rule::enum_decl => Item::Enum(self.enum_decl(p)?),
            Rule::entity => Item::Entity(self.entity(p)?),
            Rule::parameter => Item::Parameter(self.parameter(p)?),
            Rule::section => Item::Section(self.section(p)?),
            Rule::measure => Item::Measure(self.measure(p)?),
            Rule::locality => Item::Locality(self.locality(p)?),
            _ => return Err(self.internal("unexpected item", &p)),
        })
    }

    fn ident(&self, p: Pair<'_, Rule>) -> R<Ident> {
        if p.as_rule() != Rule::ident {
            return Err(self.internal("expected a name", &p));
        }
        // U+200C and U+200D may continue a Unicode name, but two names that
        // look the same must be the same name
        if let Some((i, c)) = p
            .as_str()
            .char_indices()
            .find(|(_, c)| matches!(c, '\u{200C}' | '\u{200D}'))
        {
            let at = p.as_span().start() + i;
            return Err(SyntaxError::InvalidLiteral {
                what: "name",
                text: p.as_str().escape_debug().to_string(),
                span: Span::new(self.file, at, at + c.len_utf8()),
                reason: format!("invisible character U+{:04X} in a name", u32::from(c)),
                help: Some(
                    "remove the invisible character (zero-width joiner or non-joiner)".into(),
                ),
            });
        }
        Ok(Ident {
            name: p.as_str().to_string(),
            span: self.span(&p),
        })
    }

    fn ident_list(&self, p: Pair<'_, Rule>) -> R<Vec<Ident>> {
        p.into_inner().map(|i| self.ident(i)).collect()
    }

    fn text(&self, p: Pair<'_, Rule>) -> R<Text> {
        let span = self.span(&p);
        match p.as_rule() {
            Rule::string => {
                let inner = p.into_inner().next();
                let raw = inner.as_ref().map_or("", |i| i.as_str());
                let at = inner.map_or(span.start, |i| i.as_span().start());
                let value = super::scan::unescape(raw).map_err(|(i, c)| {
                    let start = at + i;
                    SyntaxError::UnknownEscape {
                        escape: format!("\\{}", c.escape_debug()),
                        span: Span::new(self.file, start, start + 1 + c.len_utf8()),
                    }
                })?;
                Ok(Text {
                    value,
                    block: false,
                    span,
                })
            }
            Rule::text_block => {
                let raw = p.into_inner().next().map_or("", |i| i.as_str());
                Ok(Text {
                    value: raw.to_string(),
                    block: true,
                    span,
                })
            }
            _ => Err(self.internal("expected a string", &p)),
        }
    }

    fn date(&mut self, p: Pair<'_, Rule>) -> R<DateLit> {
        let span = self.span(&p);
        let s = p.as_str();
        // the grammar reads one-digit months and days so that this can say why
        let value = match super::literal::date(s) {
            Ok(d) => Some(d),
            Err(reason) => {
                self.errors.push(SyntaxError::InvalidLiteral {
                    what: "date",
                    text: s.to_string(),
                    span,
                    reason,
                    help: Some(
                        "dates are written YYYY-MM-DD and must exist in the calendar".into(),
                    ),
                });
                None
            }
        };
        Ok(DateLit {
            value: value.unwrap_or_default(),
            span,
        })
    }

    fn number(&mut self, p: &Pair<'_, Rule>) -> Decimal {
        let s = p.as_str();
        match Decimal::from_str_exact(s) {
            Ok(d) if !s.contains("..") && s.matches('.').count() <= 1 => d,
            res => {
                let reason = if s.contains("..") || s.matches('.').count() > 1 {
                    "a number has at most one decimal point".to_string()
                } else if res.is_err() {
                    "the number is too large or too precise to be kept exactly".to_string()
                } else {
                    "not a number".to_string()
                };
                self.errors.push(SyntaxError::InvalidLiteral {
                    what: "number",
                    text: s.to_string(),
                    span: self.span(p),
                    reason,
                    help: Some("write digits with at most one `.`, e.g. `12.5`".into()),
                });
                Decimal::ZERO
            }
        }
    }

    fn quantity(&mut self, p: Pair<'_, Rule>) -> R<Quantity> {
        let span = self.span(&p);
        let full = p.as_str().to_string();
        let mut it = p.clone().into_inner();
        let num = self.next(&mut it, &p, "number")?;
        let digits = num.as_str().to_string();
        let mut value = self.number(&num);
        let fractional = digits.contains('.');
        let mut q = Quantity {
            value,
            digits,
            percent: false,
            wan: false,
            unit: None,
            per: Vec::new(),
            spaced: false,
            fractional,
            span,
        };
        if let Some(next) = it.next() {
            match next.as_rule() {
                Rule::percent_sign => {
                    q.percent = true;
                    value /= Decimal::ONE_HUNDRED;
                }
                Rule::unit_spec => {
                    q.spaced = full
                        .get(num.as_str().len()..)
                        .is_some_and(|rest| rest.starts_with(' '));
                    for u in next.into_inner() {
                        match u.as_rule() {
                            Rule::scale => q.wan = true,
                            Rule::unit => q.unit = Unit::parse(u.as_str()),
                            Rule::per_unit => {
                                if let Some(x) = Unit::parse(u.as_str()) {
                                    q.per.push(x);
                                }
                            }
                            _ => return Err(self.internal("unexpected unit part", &u)),
                        }
                    }
                    if q.wan {
                        match value.checked_mul(Decimal::from(10_000)) {
                            Some(v) => value = v,
                            None => {
                                self.errors.push(SyntaxError::InvalidLiteral {
                                    what: "number",
                                    text: full.clone(),
                                    span,
                                    reason: "too large to be kept exactly".into(),
                                    help: None,
                                });
                            }
                        }
                    }
                }
                _ => return Err(self.internal("unexpected quantity part", &next)),
            }
        }
        q.value = value;
        Ok(q)
    }

    fn value(&mut self, p: Pair<'_, Rule>) -> R<Value> {
        let mut it = p.clone().into_inner();
        let first = self.next(&mut it, &p, "value")?;
        Ok(match first.as_rule() {
            Rule::neg => {
                let q = self.next(&mut it, &p, "number")?;
                let mut q = self.quantity(q)?;
                q.value = -q.value;
                q.digits = format!("-{}", q.digits);
                q.span = self.span(&p);
                Value::Quantity(q)
            }
            Rule::quantity => Value::Quantity(self.quantity(first)?),
            Rule::date_lit => Value::Date(self.date(first)?),
            Rule::bool_lit => Value::Bool(first.as_str() == "true", self.span(&first)),
            Rule::ident => Value::Variant(self.ident(first)?),
            _ => return Err(self.internal("unexpected value", &first)),
        })
    }

    fn document(&mut self, p: Pair<'_, Rule>) -> R<Document> {
        let span = self.span(&p);
        let mut fields = Vec::new();
        for f in p.into_inner().filter(|x| x.as_rule() == Rule::doc_field) {
            let mut it = f.clone().into_inner();
            let key = self.ident(self.next(&mut it, &f, "field name")?)?;
            let v = self.next(&mut it, &f, "field value")?;
            let value = if v.as_rule() == Rule::date_lit {
                DocValue::Date(self.date(v)?)
            } else {
                DocValue::Text(self.text(v)?)
            };
            fields.push(DocField { key, value });
        }
        Ok(Document { fields, span })
    }

    fn department(&mut self, p: Pair<'_, Rule>) -> R<Department> {
        let span = self.span(&p);
        let mut it = p
            .clone()
            .into_inner()
            .filter(|x| x.as_rule() != Rule::kw_department);
        let name = it.next().ok_or_else(|| self.internal("missing name", &p))?;
        let full = it
            .next()
            .ok_or_else(|| self.internal("missing full name", &p))?;
        Ok(Department {
            name: self.ident(name)?,
            full_name: self.text(full)?,
            span,
        })
    }

    fn enum_decl(&mut self, p: Pair<'_, Rule>) -> R<EnumDecl> {
        let span = self.span(&p);
        let mut it = p
            .clone()
            .into_inner()
            .filter(|x| x.as_rule() != Rule::kw_enum);
        let name = it.next().ok_or_else(|| self.internal("missing name", &p))?;
        let list = it
            .next()
            .ok_or_else(|| self.internal("missing variants", &p))?;
        Ok(EnumDecl {
            name: self.ident(name)?,
            variants: self.ident_list(list)?,
            span,
        })
    }

    fn entity(&mut self, p: Pair<'_, Rule>) -> R<Entity> {
        let span = self.span(&p);
        let mut name = None;
        let mut description = None;
        let mut fields = Vec::new();
        for c in p.clone().into_inner() {
            match c.as_rule() {
                Rule::kw_entity => {}
                Rule::ident => name = Some(self.ident(c)?),
                Rule::string => description = Some(self.text(c)?),
                Rule::field => {
                    let fspan = self.span(&c);
                    let mut it = c.clone().into_inner();
                    let n = self.ident(self.next(&mut it, &c, "field name")?)?;
                    let t = self.type_expr(self.next(&mut it, &c, "field type")?)?;
                    fields.push(Field {
                        name: n,
                        ty: t,
                        span: fspan,
                    });
                }
                _ => return Err(self.internal("unexpected entity part", &c)),
            }
        }
        Ok(Entity {
            name: name.ok_or_else(|| self.internal("missing name", &p))?,
            description,
            fields,
            span,
        })
    }

    fn type_expr(&mut self, p: Pair<'_, Rule>) -> R<TypeExpr> {
        let span = self.span(&p);
        let mut it = p.clone().into_inner();
        let first = self.next(&mut it, &p, "type")?;
        if first.as_rule() == Rule::choice_type {
            let list = first
                .clone()
                .into_inner()
                .find(|x| x.as_rule() == Rule::ident_list)
                .ok_or_else(|| self.internal("missing variants", &first))?;
            return Ok(TypeExpr::Choice {
                variants: self.ident_list(list)?,
                span,
            });
        }
        let base_ident = self.next(&mut first.clone().into_inner(), &first, "type name")?;
        let base = self.ident(base_ident)?;
        let mut unit = None;
        let mut per = Vec::new();
        for c in it {
            match c.as_rule() {
                Rule::type_unit => {
                    let u = self.next(&mut c.clone().into_inner(), &c, "unit")?;
                    if let Some(x) = Unit::parse(u.as_str()) {
                        unit = Some((x, self.span(&u)));
                    }
                }
                Rule::per_unit => {
                    if let Some(x) = Unit::parse(c.as_str()) {
                        per.push((x, self.span(&c)));
                    }
                }
                _ => return Err(self.internal("unexpected type part", &c)),
            }
        }
        Ok(TypeExpr::Named {
            base,
            unit,
            per,
            span,
        })
    }

    fn parameter(&mut self, p: Pair<'_, Rule>) -> R<Parameter> {
        let span = self.span(&p);
        let mut it = p
            .clone()
            .into_inner()
            .filter(|x| x.as_rule() != Rule::kw_parameter);
        let name = self.ident(it.next().ok_or_else(|| self.internal("missing name", &p))?)?;
        let ty = self.type_expr(it.next().ok_or_else(|| self.internal("missing type", &p))?)?;
        let body_pair = it
            .next()
            .ok_or_else(|| self.internal("missing value", &p))?;
        let body = match body_pair.as_rule() {
            Rule::param_constant => {
                let v = self.next(&mut body_pair.clone().into_inner(), &body_pair, "value")?;
                ParamBody::Constant(self.value(v)?)
            }
            Rule::param_versions => {
                let mut versions = Vec::new();
                for v in body_pair.into_inner() {
                    let vspan = self.span(&v);
                    let mut vi = v
                        .clone()
                        .into_inner()
                        .filter(|x| x.as_rule() != Rule::kw_from);
                    let value = self.value(
                        vi.next()
                            .ok_or_else(|| self.internal("missing value", &v))?,
                    )?;
                    let from =
                        self.date(vi.next().ok_or_else(|| self.internal("missing date", &v))?)?;
                    versions.push(ParamVersion {
                        value,
                        from,
                        span: vspan,
                    });
                }
                ParamBody::Versioned(versions)
            }
            Rule::param_locality => {
                let (mut default, mut floor, mut cap, mut order) = (None, None, None, Vec::new());
                for b in body_pair
                    .into_inner()
                    .filter(|x| x.as_rule() == Rule::param_bound)
                {
                    let mut bi = b.clone().into_inner();
                    let kw = self.next(&mut bi, &b, "bound keyword")?;
                    let v = self.value(self.next(&mut bi, &b, "bound value")?)?;
                    match kw.as_rule() {
                        Rule::kw_default => {
                            default = Some(v);
                            order.push(BoundKind::Default);
                        }
                        Rule::kw_floor => {
                            floor = Some(v);
                            order.push(BoundKind::Floor);
                        }
                        _ => {
                            cap = Some(v);
                            order.push(BoundKind::Cap);
                        }
                    }
                }
                ParamBody::Locality {
                    default,
                    floor,
                    cap,
                    order,
                }
            }
            _ => return Err(self.internal("unexpected parameter body", &body_pair)),
        };
        Ok(Parameter {
            name,
            ty,
            body,
            span,
        })
    }

    fn whole_number(&mut self, p: &Pair<'_, Rule>) -> u32 {
        match p.as_str().parse::<u32>() {
            Ok(n) => n,
            Err(_) => {
                self.errors.push(SyntaxError::InvalidLiteral {
                    what: "number",
                    text: p.as_str().to_string(),
                    span: self.span(p),
                    reason: "too large".into(),
                    help: Some("numbers of sections and measures are small whole numbers".into()),
                });
                0
            }
        }
    }

    fn section(&mut self, p: Pair<'_, Rule>) -> R<Section> {
        let span = self.span(&p);
        let mut it = p
            .clone()
            .into_inner()
            .filter(|x| x.as_rule() != Rule::kw_section);
        let n = it
            .next()
            .ok_or_else(|| self.internal("missing number", &p))?;
        let number = self.whole_number(&n);
        let title = self.text(
            it.next()
                .ok_or_else(|| self.internal("missing title", &p))?,
        )?;
        Ok(Section {
            number,
            title,
            span,
        })
    }

    fn locality(&mut self, p: Pair<'_, Rule>) -> R<Locality> {
        let span = self.span(&p);
        let mut name = None;
        let mut values = Vec::new();
        for c in p.clone().into_inner() {
            match c.as_rule() {
                Rule::kw_locality => {}
                Rule::ident => name = Some(self.ident(c)?),
                Rule::locality_value => {
                    let vspan = self.span(&c);
                    let mut it = c.clone().into_inner();
                    let param = self.ident(self.next(&mut it, &c, "parameter")?)?;
                    let value = self.value(self.next(&mut it, &c, "value")?)?;
                    values.push(LocalityValue {
                        param,
                        value,
                        span: vspan,
                    });
                }
                _ => return Err(self.internal("unexpected locality part", &c)),
            }
        }
        Ok(Locality {
            name: name.ok_or_else(|| self.internal("missing name", &p))?,
            values,
            span,
        })
    }

    fn measure(&mut self, p: Pair<'_, Rule>) -> R<Measure> {
        let span = self.span(&p);
        let mut it = p
            .clone()
            .into_inner()
            .filter(|x| x.as_rule() != Rule::kw_measure);
        let n = it
            .next()
            .ok_or_else(|| self.internal("missing number", &p))?;
        let number_span = self.span(&n);
        let number = self.whole_number(&n);
        let title = self.text(
            it.next()
                .ok_or_else(|| self.internal("missing title", &p))?,
        )?;
        let mut clauses = Vec::new();
        for c in it {
            match self.measure_clause(c) {
                Ok(x) => clauses.push(x),
                Err(e) => self.errors.push(e),
            }
        }
        Ok(Measure {
            number,
            number_span,
            title,
            clauses,
            span,
        })
    }

    fn measure_clause(&mut self, c: Pair<'_, Rule>) -> R<MeasureClause> {
        let span = self.span(&c);
        let which = c.as_rule();
        let mut it = c.clone().into_inner();
        // skip the leading keyword(s)
        let args: Vec<Pair<'_, Rule>> = it
            .by_ref()
            .filter(|x| {
                !matches!(
                    x.as_rule(),
                    Rule::kw_section
                        | Rule::kw_kind
                        | Rule::kw_to
                        | Rule::kw_effective
                        | Rule::kw_applications
                        | Rule::kw_until
                        | Rule::kw_lead
                        | Rule::kw_cooperating
                        | Rule::kw_joint
                        | Rule::kw_text
                        | Rule::kw_from
                )
            })
            .collect();
        let first = args
            .first()
            .cloned()
            .ok_or_else(|| self.internal("empty clause", &c));
        Ok(match which {
            Rule::m_section => {
                let n = first?;
                MeasureClause::Section(self.whole_number(&n), span)
            }
            Rule::m_kind => MeasureClause::Kind(self.ident(first?)?),
            Rule::m_to => MeasureClause::To(self.ident(first?)?),
            Rule::m_effective => {
                let has_until = c
                    .clone()
                    .into_inner()
                    .any(|x| x.as_rule() == Rule::kw_until);
                let from_keyword = c.clone().into_inner().any(|x| x.as_rule() == Rule::kw_from);
                let mut dates = Vec::new();
                for d in args {
                    dates.push(self.date(d)?);
                }
                let mut dates = dates.into_iter();
                let (from, to) = if has_until {
                    (None, dates.next())
                } else {
                    (dates.next(), dates.next())
                };
                MeasureClause::Effective(Effective {
                    from,
                    to,
                    from_keyword,
                    span,
                })
            }
            Rule::m_deadline => MeasureClause::Deadline(self.date(first?)?, span),
            Rule::m_lead => {
                MeasureClause::Departments(DeptRole::Lead, self.ident_list(first?)?, span)
            }
            Rule::m_cooperating => {
                MeasureClause::Departments(DeptRole::Cooperating, self.ident_list(first?)?, span)
            }
            Rule::m_joint => {
                MeasureClause::Departments(DeptRole::Joint, self.ident_list(first?)?, span)
            }
            Rule::m_text => MeasureClause::Text(self.text(first?)?),
            Rule::rule => MeasureClause::Rule(self.rule(c)?),
            Rule::example => MeasureClause::Example(self.example(c)?),
            _ => return Err(self.internal("unexpected measure clause", &c)),
        })
    }

    fn rule(&mut self, p: Pair<'_, Rule>) -> R<Rule_> {
        let span = self.span(&p);
        let mut name = None;
        let mut part = None;
        let mut exception_to = None;
        let mut clauses = Vec::new();
        for c in p.clone().into_inner() {
            match c.as_rule() {
                Rule::kw_rule => {}
                Rule::ident => name = Some(self.ident(c)?),
                Rule::rule_part => {
                    let i = c.clone().into_inner().find(|x| x.as_rule() == Rule::ident);
                    part = Some(self.ident(i.ok_or_else(|| self.internal("missing part", &c))?)?);
                }
                Rule::rule_exception => {
                    let i = c.clone().into_inner().find(|x| x.as_rule() == Rule::ident);
                    exception_to =
                        Some(self.ident(i.ok_or_else(|| self.internal("missing base rule", &c))?)?);
                }
                Rule::r_text | Rule::r_when | Rule::r_amount | Rule::r_floor | Rule::r_cap => {
                    let kind = c.as_rule();
                    let arg = c
                        .clone()
                        .into_inner()
                        .find(|x| {
                            !matches!(
                                x.as_rule(),
                                Rule::kw_text
                                    | Rule::kw_when
                                    | Rule::kw_amount
                                    | Rule::kw_floor
                                    | Rule::kw_cap
                            )
                        })
                        .ok_or_else(|| self.internal("empty rule clause", &c))?;
                    clauses.push(match kind {
                        Rule::r_text => RuleClause::Text(self.text(arg)?),
                        Rule::r_when => RuleClause::When(self.expr(arg)?),
                        Rule::r_amount => RuleClause::Amount(self.expr(arg)?),
                        Rule::r_floor => RuleClause::Floor(self.expr(arg)?),
                        _ => RuleClause::Cap(self.expr(arg)?),
                    });
                }
                _ => return Err(self.internal("unexpected rule part", &c)),
            }
        }
        Ok(Rule_ {
            name: name.ok_or_else(|| self.internal("missing rule name", &p))?,
            part,
            exception_to,
            clauses,
            span,
        })
    }

    fn example(&mut self, p: Pair<'_, Rule>) -> R<Example> {
        let span = self.span(&p);
        let mut name = None;
        let mut clauses = Vec::new();
        for c in p.clone().into_inner() {
            let cspan = self.span(&c);
            match c.as_rule() {
                Rule::kw_example => {}
                Rule::string => name = Some(self.text(c)?),
                Rule::ex_date => {
                    let d = c
                        .clone()
                        .into_inner()
                        .find(|x| x.as_rule() == Rule::date_lit);
                    let d = self.date(d.ok_or_else(|| self.internal("missing date", &c))?)?;
                    clauses.push(ExampleClause::Date(d, cspan));
                }
                Rule::ex_locality => {
                    let i = c.clone().into_inner().find(|x| x.as_rule() == Rule::ident);
                    let i = self.ident(i.ok_or_else(|| self.internal("missing locality", &c))?)?;
                    clauses.push(ExampleClause::Locality(i, cspan));
                }
                Rule::ex_facts => {
                    let mut it = c.clone().into_inner();
                    let entity = self.ident(self.next(&mut it, &c, "entity")?)?;
                    let mut facts = Vec::new();
                    for f in it {
                        let fspan = self.span(&f);
                        let mut fi = f.clone().into_inner();
                        let n = self.ident(self.next(&mut fi, &f, "fact name")?)?;
                        let v = self.value(self.next(&mut fi, &f, "fact value")?)?;
                        facts.push(FactValue {
                            name: n,
                            value: v,
                            span: fspan,
                        });
                    }
                    clauses.push(ExampleClause::Facts(entity, facts, cspan));
                }
                Rule::ex_expect => {
                    let mut status = None;
                    let mut amount = None;
                    let mut facts = None;
                    for x in c.clone().into_inner() {
                        match x.as_rule() {
                            Rule::kw_expect => {}
                            Rule::ident => status = Some(self.ident(x)?),
                            Rule::fact_list => {
                                let l = x
                                    .clone()
                                    .into_inner()
                                    .next()
                                    .ok_or_else(|| self.internal("empty list", &x))?;
                                facts = Some(self.ident_list(l)?);
                            }
                            Rule::expect_amount => {
                                let q = self.next(&mut x.clone().into_inner(), &x, "amount")?;
                                amount = Some(self.quantity(q)?);
                            }
                            _ => return Err(self.internal("unexpected expect part", &x)),
                        }
                    }
                    clauses.push(ExampleClause::Expect(Expect {
                        status: status.ok_or_else(|| self.internal("missing status", &c))?,
                        amount,
                        facts,
                        span: cspan,
                    }));
                }
                _ => return Err(self.internal("unexpected example part", &c)),
            }
        }
        Ok(Example {
            name: name.ok_or_else(|| self.internal("missing example name", &p))?,
            clauses,
            span,
        })
    }

    fn expr(&mut self, p: Pair<'_, Rule>) -> R<Expr> {
        self.expr_depth(p).map(|(e, _)| e)
    }

    /// Converts an expression and returns it with its depth (a name is 1,
    /// `a + b` is 2). Neither the depth of the tree nor the recursion that builds
    /// it may pass [`MAX_DEPTH`]: operator chains (`1 + 1 + … + 1`), runs of
    /// `not`/`-` and `if … else if …` chains nest without brackets, so the
    /// bracket count of `scan` does not bound them. Every later stage (checker,
    /// evaluator, JSON export, destructors) recurses over this tree.
    fn expr_depth(&mut self, p: Pair<'_, Rule>) -> R<(Expr, usize)> {
        if p.as_rule() != Rule::expr {
            return Err(self.internal("expected an expression", &p));
        }
        let file = self.file;
        let sp = |p: &Pair<'_, Rule>| {
            let s = p.as_span();
            Span::new(file, s.start(), s.end())
        };
        let too_deep = |span: Span| SyntaxError::TooDeep {
            limit: MAX_DEPTH,
            span,
        };
        if self.nesting >= MAX_DEPTH {
            return Err(too_deep(sp(&p)));
        }
        // pest's Pratt parser recurses once per prefix operator, before any
        // closure below runs: refuse long runs of `not`/`-` first.
        let mut run = 0usize;
        for x in p.clone().into_inner() {
            if matches!(x.as_rule(), Rule::op_not | Rule::op_neg) {
                run += 1;
                if self.nesting + run >= MAX_DEPTH {
                    return Err(too_deep(sp(&x)));
                }
            } else {
                run = 0;
            }
        }
        // `at` is the operator that makes the tree too deep
        let checked = |e: Expr, depth: usize, at: Span| -> R<(Expr, usize)> {
            if depth > MAX_DEPTH {
                Err(too_deep(at))
            } else {
                Ok((e, depth))
            }
        };
        // The Pratt closures cannot borrow `self` mutably at once; collect literal
        // errors through a RefCell-free side channel instead.
        let mut side = Builder {
            file,
            errors: Vec::new(),
            nesting: self.nesting + 1,
        };
        let cell = std::cell::RefCell::new(&mut side);
        let result = pratt()
            .map_primary(|prim| cell.borrow_mut().primary(prim))
            .map_prefix(|op, rhs| {
                let (rhs, d) = rhs?;
                let span = sp(&op).to(rhs.span);
                let o = if op.as_rule() == Rule::op_not {
                    UnaryOp::Not
                } else {
                    UnaryOp::Neg
                };
                checked(
                    Expr {
                        kind: ExprKind::Unary(o, Box::new(rhs)),
                        span,
                    },
                    d + 1,
                    sp(&op),
                )
            })
            .map_postfix(|lhs, op| {
                let (lhs, d) = lhs?;
                let span = lhs.span.to(sp(&op));
                let b = cell.borrow();
                let list = op
                    .clone()
                    .into_inner()
                    .find(|x| x.as_rule() == Rule::ident_list)
                    .ok_or_else(|| b.internal("missing set", &op))?;
                let set = b.ident_list(list)?;
                checked(
                    Expr {
                        kind: ExprKind::In(Box::new(lhs), set),
                        span,
                    },
                    d + 1,
                    sp(&op),
                )
            })
            .map_infix(|lhs, op, rhs| {
                let ((lhs, dl), (rhs, dr)) = (lhs?, rhs?);
                let o = match op.as_rule() {
                    Rule::op_or => BinaryOp::Or,
                    Rule::op_and => BinaryOp::And,
                    Rule::op_eq => BinaryOp::Eq,
                    Rule::op_ne => BinaryOp::Ne,
                    Rule::op_lt => BinaryOp::Lt,
                    Rule::op_le => BinaryOp::Le,
                    Rule::op_gt => BinaryOp::Gt,
                    Rule::op_ge => BinaryOp::Ge,
                    Rule::op_add => BinaryOp::Add,
                    Rule::op_sub => BinaryOp::Sub,
                    Rule::op_mul => BinaryOp::Mul,
                    _ => BinaryOp::Div,
                };
                let span = lhs.span.to(rhs.span);
                checked(
                    Expr {
                        kind: ExprKind::Binary(o, Box::new(lhs), Box::new(rhs)),
                        span,
                    },
                    dl.max(dr) + 1,
                    sp(&op),
                )
            })
            .parse(p.into_inner());
        self.errors.append(&mut side.errors);
        result
    }

    /// A primary expression and its depth.
    fn primary(&mut self, p: Pair<'_, Rule>) -> R<(Expr, usize)> {
        let span = self.span(&p);
        let mut depth = 0usize;
        let kind = match p.as_rule() {
            Rule::date_lit => ExprKind::Date(self.date(p)?.value),
            Rule::quantity => ExprKind::Quantity(self.quantity(p)?),
            Rule::bool_lit => ExprKind::Bool(p.as_str() == "true"),
            Rule::ident => ExprKind::Name(self.ident(p)?),
            Rule::qualified => {
                let mut it = p.clone().into_inner();
                let a = self.ident(self.next(&mut it, &p, "enumeration")?)?;
                let b = self.ident(self.next(&mut it, &p, "variant")?)?;
                ExprKind::Qualified(a, b)
            }
            Rule::paren => {
                let inner = self.next(&mut p.clone().into_inner(), &p, "expression")?;
                let (e, d) = self.expr_depth(inner)?;
                depth = d;
                ExprKind::Paren(Box::new(e))
            }
            Rule::call => {
                let mut it = p.clone().into_inner();
                let f = self.ident(self.next(&mut it, &p, "function")?)?;
                let mut args = Vec::new();
                for a in it {
                    let (e, d) = self.expr_depth(a)?;
                    depth = depth.max(d);
                    args.push(e);
                }
                ExprKind::Call(f, args)
            }
            Rule::if_expr => {
                let mut it = p.clone().into_inner().filter(|x| x.as_rule() == Rule::expr);
                let (c, dc) = self.expr_depth(
                    it.next()
                        .ok_or_else(|| self.internal("missing condition", &p))?,
                )?;
                let (t, dt) =
                    self.expr_depth(it.next().ok_or_else(|| self.internal("missing then", &p))?)?;
                let (e, de) =
                    self.expr_depth(it.next().ok_or_else(|| self.internal("missing else", &p))?)?;
                depth = dc.max(dt).max(de);
                ExprKind::If(Box::new(c), Box::new(t), Box::new(e))
            }
            Rule::match_expr => {
                let mut it = p.clone().into_inner();
                let kw = self.next(&mut it, &p, "keyword")?;
                let keyword = if kw.as_rule() == Rule::kw_by {
                    MatchKeyword::By
                } else {
                    MatchKeyword::Match
                };
                let (scrutinee, ds) =
                    self.expr_depth(self.next(&mut it, &p, "matched expression")?)?;
                depth = ds;
                let mut arms = Vec::new();
                for a in it {
                    let mut ai = a.clone().into_inner();
                    let variant = self.ident(self.next(&mut ai, &a, "variant")?)?;
                    let (value, d) = self.expr_depth(self.next(&mut ai, &a, "arm value")?)?;
                    depth = depth.max(d);
                    arms.push(MatchArm { variant, value });
                }
                ExprKind::Match(Box::new(scrutinee), arms, keyword)
            }
            _ => return Err(self.internal("unexpected expression", &p)),
        };
        let depth = depth + 1;
        if depth > MAX_DEPTH {
            return Err(SyntaxError::TooDeep {
                limit: MAX_DEPTH,
                span,
            });
        }
        Ok((Expr { kind, span }, depth))
    }
}

use super::ast::Rule as Rule_;

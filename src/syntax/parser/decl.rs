//! Declarations: document, department, enumerations, entities, types,
//! parameters, sections and localities.

use pest::iterators::Pair;

use super::{Builder, Rule, R};
use crate::syntax::ast::*;
use crate::types::Unit;

impl Builder {
    pub(super) fn document(&mut self, p: Pair<'_, Rule>) -> R<Document> {
        let span = self.span(&p);
        let mut fields = Vec::new();
        let mut departments = Vec::new();
        for f in p.into_inner() {
            let role = match f.as_rule() {
                Rule::doc_field => None,
                Rule::m_lead => Some(DeptRole::Lead),
                Rule::m_cooperating => Some(DeptRole::Cooperating),
                Rule::m_joint => Some(DeptRole::Joint),
                Rule::m_implementing => Some(DeptRole::Implementing),
                _ => continue,
            };
            if let Some(role) = role {
                let span = self.span(&f);
                let list = f
                    .clone()
                    .into_inner()
                    .find(|x| x.as_rule() == Rule::dept_list)
                    .ok_or_else(|| self.internal("missing departments", &f))?;
                departments.push(DocDepartments {
                    role,
                    list: self.dept_list(list)?,
                    span,
                });
                continue;
            }
            let mut it = f.clone().into_inner();
            let key = self.ident(self.next(&mut it, &f, "field name")?)?;
            let v = self.next(&mut it, &f, "field value")?;
            let value = if v.as_rule() == Rule::date_lit {
                DocValue::Date(self.date(v)?)
            } else {
                DocValue::Text(self.text(v)?)
            };
            let second = match it.next() {
                Some(x) => Some(self.text(x)?),
                None => None,
            };
            fields.push(DocField { key, value, second });
        }
        Ok(Document {
            fields,
            departments,
            span,
        })
    }

    /// `财政厅, 邮政管理局, 烟草专卖局 等`
    pub(super) fn dept_list(&mut self, p: Pair<'_, Rule>) -> R<DeptList> {
        let mut names = Vec::new();
        let mut opens = Vec::new();
        for e in p.into_inner().filter(|x| x.as_rule() == Rule::dept_entry) {
            for x in e.into_inner() {
                match x.as_rule() {
                    Rule::ident => names.push(self.ident(x)?),
                    Rule::dept_etc => opens.push((names.len(), self.span(&x))),
                    _ => {}
                }
            }
        }
        let mut open = None;
        let mut misplaced_open = Vec::new();
        for (after, span) in opens {
            if after == names.len() {
                open = Some(span);
            } else {
                misplaced_open.push(span);
            }
        }
        Ok(DeptList {
            names,
            open,
            misplaced_open,
        })
    }

    pub(super) fn department(&mut self, p: Pair<'_, Rule>) -> R<Department> {
        let span = self.span(&p);
        let mut it = p
            .clone()
            .into_inner()
            .filter(|x| x.as_rule() != Rule::kw_department);
        let name = it.next().ok_or_else(|| self.internal("missing name", &p))?;
        let full = it
            .next()
            .ok_or_else(|| self.internal("missing full name", &p))?;
        let name = self.ident(name)?;
        let full_name = self.text(full)?;
        let mut spellings = Vec::new();
        for s in it {
            spellings.push(self.text(s)?);
        }
        Ok(Department {
            name,
            full_name,
            spellings,
            span,
        })
    }

    pub(super) fn enum_decl(&mut self, p: Pair<'_, Rule>) -> R<EnumDecl> {
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

    pub(super) fn entity(&mut self, p: Pair<'_, Rule>) -> R<Entity> {
        let span = self.span(&p);
        let mut name = None;
        let mut description = None;
        let mut fields = Vec::new();
        for c in p.clone().into_inner() {
            match c.as_rule() {
                Rule::kw_entity | Rule::kw_record => {}
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

    pub(super) fn type_expr(&mut self, p: Pair<'_, Rule>) -> R<TypeExpr> {
        let span = self.span(&p);
        let mut it = p.clone().into_inner();
        let first = self.next(&mut it, &p, "type")?;
        if first.as_rule() == Rule::list_type {
            let record = self.next(&mut first.clone().into_inner(), &first, "record name")?;
            return Ok(TypeExpr::List {
                record: self.ident(record)?,
                span,
            });
        }
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

    pub(super) fn parameter(&mut self, p: Pair<'_, Rule>) -> R<Parameter> {
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

    pub(super) fn section(&mut self, p: Pair<'_, Rule>) -> R<Section> {
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

    pub(super) fn locality(&mut self, p: Pair<'_, Rule>) -> R<Locality> {
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
}

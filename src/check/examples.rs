//! Examples of a measure: date, locality, facts and the expected outcome.

use super::*;

impl Checker<'_> {
    pub(super) fn examples(&mut self, examples: &[&ast::Example]) -> Option<Vec<ir::ExampleDef>> {
        let mut out = Vec::new();
        let mut ok = true;
        for ex in examples {
            let before = self.errors.len();
            let mut date: Option<(NaiveDate, Span)> = None;
            let mut locality: Option<(String, Span)> = None;
            let mut facts: Option<((u32, Vec<ir::FactDef>), Span)> = None;
            let mut expect: Option<(ir::Expectation, Span)> = None;
            let mut lists: Vec<ir::ListFactDef> = Vec::new();
            for c in &ex.clauses {
                match c {
                    ast::ExampleClause::Date(d, span) => {
                        self.once(&mut date, d.value, *span, "date")
                    }
                    ast::ExampleClause::Locality(l, span) => {
                        if self.index.localities.contains_key(l.name.as_str()) {
                            self.once(&mut locality, l.name.clone(), *span, "locality");
                        } else {
                            let names = || self.locality_asts.iter().map(|x| x.name.name.as_str());
                            let help = self.suggest(&l.name, names).or_else(|| {
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
                        let Some(&ei) = self.index.entities.get(ent.name.as_str()) else {
                            let help = self.suggest(&ent.name, || {
                                self.entities.iter().map(|e| e.name.as_str())
                            });
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
                        let mut given: std::collections::HashSet<usize> =
                            std::collections::HashSet::with_capacity(values.len());
                        for fv in values {
                            if let ast::Value::Members(ms, _) = &fv.value {
                                if lists
                                    .iter()
                                    .any(|l: &ir::ListFactDef| l.name == fv.name.name)
                                {
                                    let (name, span) = (fv.name.name.clone(), fv.name.span);
                                    let help = None;
                                    self.err(
                                        span,
                                        CheckError::Duplicate {
                                            what: "fact",
                                            name,
                                            span,
                                            help,
                                        },
                                    );
                                }
                                lists.extend(self.example_list(ei, fv, ms));
                                continue;
                            }
                            let field = self.index.field(ei, &fv.name.name).and_then(|i| {
                                let e = self.entities.get(ei)?;
                                Some((i, e.fields.get(i)?.ty.clone()))
                            });
                            let Some((slot, ty)) = field else {
                                self.unknown_field(ei, &fv.name);
                                continue;
                            };
                            if given.contains(&slot) {
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
                                given.insert(slot);
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
                                    self.problem(
                                        Problem::EXAMPLE_MISPLACED_AMOUNT,
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
                        let kind = e.kind.as_ref().and_then(|k| self.gives_keyword(k));
                        if e.may && status != Status::Eligible {
                            self.problem(
                                Problem::EXAMPLE_MISPLACED_MAY,
                                e.status.span,
                                "only `eligible` may be granted",
                                "`may` after this status",
                                Some("write `expect eligible may …`, or remove `may`".into()),
                            );
                        }
                        if e.facts.is_some() && status != Status::NeedsFacts {
                            self.problem(
                                Problem::EXAMPLE_MISPLACED_FACTS,
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
                                kind,
                                may: e.may,
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
                self.problem(
                    Problem::EXAMPLE_MISSING_DATE,
                    head,
                    format!("example `{}` has no `date`", ex.name.value),
                    "add `date YYYY-MM-DD`",
                    None,
                );
            }
            if facts.is_none() {
                self.problem(
                    Problem::EXAMPLE_MISSING_FACTS,
                    head,
                    format!("example `{}` gives no facts", ex.name.value),
                    "add `实体 { 字段: 值, … }`",
                    Some("an example with no known fact is written `实体 { }`".into()),
                );
            }
            if expect.is_none() {
                self.problem(
                    Problem::EXAMPLE_MISSING_EXPECT,
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
                        let known = self.index.field(*ei as usize, n).is_some()
                            || self.member_fact_known(*ei as usize, n);
                        if !known {
                            let espan = *espan;
                            self.problem(
                                Problem::EXAMPLE_UNKNOWN_FACT,
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
                    lists,
                    expect,
                    source: self.sref(ex.span),
                });
            }
        }
        ok.then_some(out)
    }

    pub(super) fn unknown_field(&mut self, entity: usize, name: &ast::Ident) {
        let (ename, help) = match self.entities.get(entity) {
            Some(e) => (
                e.name.clone(),
                self.suggest(&name.name, || e.fields.iter().map(|f| f.name.as_str())),
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

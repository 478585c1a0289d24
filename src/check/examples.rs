//! Examples of a measure: date, locality, facts and the expected outcome.

use super::*;
use crate::eval::EvalError;

impl Checker<'_> {
    pub(super) fn examples(
        &mut self,
        examples: &[&ast::Example],
        rules: &[&ast::Rule],
    ) -> Option<Vec<ir::ExampleDef>> {
        // the parts an `expect` may name
        let mut part_names: Vec<&str> = rules
            .iter()
            .filter_map(|r| r.part.as_ref().map(|p| p.name.as_str()))
            .collect();
        part_names.sort_unstable();
        part_names.dedup();
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
                        let extras = self.expect_extras(e, status);
                        let parts = self.expect_parts(e, status, &part_names);
                        let amount = match &e.amount {
                            Some(q) => {
                                // a misplaced bound is reported instead
                                if status != Status::Eligible && e.bound.is_none() {
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
                        let value = e
                            .value
                            .as_deref()
                            .and_then(|v| self.expect_value(v, status, e.span));
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
                                bound: extras.bound,
                                error: extras.error,
                                unset: extras.unset,
                                facts: facts_list,
                                parts,
                                value,
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

// What an example's `expect` checks beyond the status (issue 14, point 7):
// the bound of the total (`expect eligible at least 5000 元`), the code of an
// evaluation error (`expect error overflow`) and the parameter an
// undetermined outcome waits for (`expect undetermined 标准`).

/// The checked extras of an `expect`: the bound, the error code, the
/// parameter not set.
pub(super) struct Extras {
    pub bound: Option<ir::AmountBound>,
    pub error: Option<String>,
    pub unset: Option<String>,
}

impl Checker<'_> {
    pub(super) fn expect_extras(&mut self, e: &ast::Expect, status: Status) -> Extras {
        let mut x = Extras {
            bound: None,
            error: None,
            unset: None,
        };
        if let Some((b, span)) = e.bound {
            if status == Status::Eligible {
                x.bound = Some(match b {
                    ast::AmountBound::AtLeast => ir::AmountBound::AtLeast,
                    ast::AmountBound::AtMost => ir::AmountBound::AtMost,
                });
            } else {
                self.problem(
                    Problem::EXAMPLE_MISPLACED_BOUND,
                    span,
                    format!("only `eligible` has an amount that is `{}`", b.words()),
                    format!("`{}` after `{}`", b.words(), status.keyword()),
                    Some("write `expect eligible at least …`, or remove the amount".into()),
                );
            }
        }
        let Some(n) = &e.name else {
            return x;
        };
        match status {
            Status::Error => {
                if EvalError::MEASURE_CODES.contains(&n.name.as_str()) {
                    x.error = Some(n.name.clone());
                } else {
                    let help = did_you_mean(&n.name, EvalError::MEASURE_CODES.iter().copied())
                        .unwrap_or_else(|| {
                            format!("the codes are {}", EvalError::MEASURE_CODES.join(", "))
                        });
                    self.problem(
                        Problem::EXAMPLE_UNKNOWN_ERROR,
                        n.span,
                        format!("`{}` is not the code of an evaluation error", n.name),
                        "expected the last part of `policy::eval::…`",
                        Some(help),
                    );
                }
            }
            Status::Undetermined => {
                let delegated = self.params.iter().any(|p| {
                    p.ast.name.name == n.name
                        && matches!(
                            p.def.as_ref().map(|d| &d.value),
                            Some(ir::ParamValue::Locality { .. })
                        )
                });
                if delegated {
                    x.unset = Some(n.name.clone());
                } else {
                    let names = || {
                        self.params.iter().filter_map(|p| match p.def.as_ref() {
                            Some(d) if matches!(d.value, ir::ParamValue::Locality { .. }) => {
                                Some(d.name.as_str())
                            }
                            _ => None,
                        })
                    };
                    let help = self.suggest(&n.name, names).or_else(|| {
                        Some("only a parameter `by locality` can be left unset".into())
                    });
                    self.problem(
                        Problem::EXAMPLE_NOT_DELEGATED,
                        n.span,
                        format!("`{}` is not a parameter set by each locality", n.name),
                        "an undetermined outcome waits for a delegated parameter",
                        help,
                    );
                }
            }
            _ => self.problem(
                Problem::EXAMPLE_MISPLACED_NAME,
                n.span,
                format!(
                    "`{}` takes no name: only `error` (a code) and `undetermined` (a parameter) do",
                    status.keyword()
                ),
                "remove this name",
                (status == Status::Eligible).then(|| {
                    "a kind of value comes with an amount: `expect eligible loan_ceiling 200000 元`"
                        .into()
                }),
            ),
        }
        x
    }
}

impl Checker<'_> {
    /// The amounts expected per part (`part P [at least] 5000 元`): P is a
    /// part of the measure's rules, named once, after `eligible`.
    fn expect_parts(
        &mut self,
        e: &ast::Expect,
        status: Status,
        part_names: &[&str],
    ) -> Vec<ir::PartExpectation> {
        let mut out: Vec<ir::PartExpectation> = Vec::new();
        for p in &e.parts {
            if status != Status::Eligible {
                self.problem(
                    Problem::EXAMPLE_MISPLACED_AMOUNT,
                    p.span,
                    "only `eligible` takes an amount",
                    "remove this part's amount",
                    None,
                );
                continue;
            }
            if !part_names.contains(&p.name.name.as_str()) {
                let help = self
                    .suggest(&p.name.name, || part_names.iter().copied())
                    .or_else(|| {
                        Some(if part_names.is_empty() {
                            "the measure's rules define no `part`".into()
                        } else {
                            format!("the parts are {}", part_names.join(", "))
                        })
                    });
                self.problem(
                    Problem::EXAMPLE_UNKNOWN_PART,
                    p.name.span,
                    format!("`{}` is not a part of the measure", p.name.name),
                    "no rule defines this part",
                    help,
                );
                continue;
            }
            if out.iter().any(|x| x.part == p.name.name) {
                self.err(
                    p.name.span,
                    CheckError::Duplicate {
                        what: "part",
                        name: p.name.name.clone(),
                        span: p.name.span,
                        help: None,
                    },
                );
                continue;
            }
            let amount = self
                .value(&ast::Value::Quantity(p.amount.clone()), &Type::money())
                .and_then(|v| match v {
                    ir::Value::Number(n) => Some(n),
                    _ => None,
                });
            if let Some(amount) = amount {
                out.push(ir::PartExpectation {
                    part: p.name.name.clone(),
                    amount,
                    bound: p.bound.map(|(b, _)| match b {
                        ast::AmountBound::AtLeast => ir::AmountBound::AtLeast,
                        ast::AmountBound::AtMost => ir::AmountBound::AtMost,
                    }),
                });
            }
        }
        out
    }
}

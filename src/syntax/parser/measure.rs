//! Measures, their clauses, rules and examples.

use pest::iterators::Pair;

use super::{Builder, Rule, R};
use crate::syntax::ast::Rule as Rule_;
use crate::syntax::ast::*;

impl Builder {
    pub(super) fn measure(&mut self, p: Pair<'_, Rule>) -> R<Measure> {
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

    pub(super) fn measure_clause(&mut self, c: Pair<'_, Rule>) -> R<MeasureClause> {
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
                        | Rule::kw_implementing
                        | Rule::kw_text
                        | Rule::kw_when
                        | Rule::kw_let
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
                MeasureClause::Departments(DeptRole::Lead, self.dept_list(first?)?, span)
            }
            Rule::m_cooperating => {
                MeasureClause::Departments(DeptRole::Cooperating, self.dept_list(first?)?, span)
            }
            Rule::m_joint => {
                MeasureClause::Departments(DeptRole::Joint, self.dept_list(first?)?, span)
            }
            Rule::m_implementing => {
                MeasureClause::Departments(DeptRole::Implementing, self.dept_list(first?)?, span)
            }
            Rule::m_text => MeasureClause::Text(self.text(first?)?),
            Rule::m_part => MeasureClause::Part(self.part_decl(c)?),
            Rule::m_when => MeasureClause::When(self.expr(first?)?, span),
            Rule::m_let => {
                let value = args
                    .get(1)
                    .cloned()
                    .ok_or_else(|| self.internal("missing value", &c))?;
                MeasureClause::Let(self.ident(first?)?, self.expr(value)?, span)
            }
            Rule::rule => MeasureClause::Rule(self.rule(c)?),
            Rule::example => MeasureClause::Example(self.example(c)?),
            _ => return Err(self.internal("unexpected measure clause", &c)),
        })
    }

    /// `part P { to …  effective …  applications until … }`
    fn part_decl(&mut self, p: Pair<'_, Rule>) -> R<PartDecl> {
        let span = self.span(&p);
        let mut name = None;
        let mut clauses = Vec::new();
        for c in p.clone().into_inner() {
            match c.as_rule() {
                Rule::ident => name = Some(self.ident(c)?),
                Rule::p_to => {
                    let cspan = self.span(&c);
                    let mut names = Vec::new();
                    for i in c.into_inner().filter(|x| x.as_rule() == Rule::ident) {
                        names.push(self.ident(i)?);
                    }
                    clauses.push(PartClause::To(names, cspan));
                }
                Rule::m_effective | Rule::m_deadline => match self.measure_clause(c)? {
                    MeasureClause::Effective(e) => clauses.push(PartClause::Effective(e)),
                    MeasureClause::Deadline(d, s) => clauses.push(PartClause::Deadline(d, s)),
                    _ => {}
                },
                _ => {}
            }
        }
        Ok(PartDecl {
            name: name.ok_or_else(|| self.internal("missing part name", &p))?,
            clauses,
            span,
        })
    }

    pub(super) fn rule(&mut self, p: Pair<'_, Rule>) -> R<Rule_> {
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
                Rule::r_may => {
                    let cspan = self.span(&c);
                    let mut by = None;
                    for x in c.clone().into_inner() {
                        match x.as_rule() {
                            Rule::ident => by = Some(self.ident(x)?),
                            Rule::kw_locality => {
                                by = Some(Ident {
                                    name: "locality".into(),
                                    span: self.span(&x),
                                })
                            }
                            _ => {}
                        }
                    }
                    clauses.push(RuleClause::May(by, cspan));
                }
                Rule::r_gives => {
                    let i = c.clone().into_inner().find(|x| x.as_rule() == Rule::ident);
                    let i = self.ident(i.ok_or_else(|| self.internal("missing kind", &c))?)?;
                    clauses.push(RuleClause::Gives(i));
                }
                Rule::r_text
                | Rule::r_when
                | Rule::r_amount
                | Rule::r_until
                | Rule::r_for
                | Rule::r_floor
                | Rule::r_cap => {
                    let kind = c.as_rule();
                    let bound = c
                        .clone()
                        .into_inner()
                        .find(|x| x.as_rule() == Rule::amount_bound)
                        .map(amount_bound);
                    let arg = c
                        .clone()
                        .into_inner()
                        .find(|x| {
                            !matches!(
                                x.as_rule(),
                                Rule::kw_text
                                    | Rule::kw_when
                                    | Rule::amount_bound
                                    | Rule::kw_amount
                                    | Rule::kw_until
                                    | Rule::kw_for
                                    | Rule::kw_floor
                                    | Rule::kw_cap
                            )
                        })
                        .ok_or_else(|| self.internal("empty rule clause", &c))?;
                    clauses.push(match kind {
                        Rule::r_text => RuleClause::Text(self.text(arg)?),
                        Rule::r_when => RuleClause::When(self.expr(arg)?),
                        Rule::r_amount => match bound {
                            Some(b) => RuleClause::BoundedAmount(b, self.expr(arg)?),
                            None => RuleClause::Amount(self.expr(arg)?),
                        },
                        Rule::r_until => RuleClause::Until(self.expr(arg)?),
                        Rule::r_for => RuleClause::For(self.expr(arg)?),
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

    pub(super) fn example(&mut self, p: Pair<'_, Rule>) -> R<Example> {
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
                        let v = self.fact_value(self.next(&mut fi, &f, "fact value")?)?;
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
                    let mut kind = None;
                    let mut may = false;
                    let mut facts = None;
                    let mut bound = None;
                    let mut name = None;
                    let mut parts = Vec::new();
                    let mut value = None;
                    for x in c.clone().into_inner() {
                        match x.as_rule() {
                            Rule::kw_expect => {}
                            Rule::kw_may => may = true,
                            Rule::ident => status = Some(self.ident(x)?),
                            Rule::fact_list => {
                                let refs = x.clone().into_inner().map(|r| Ident {
                                    name: r.as_str().to_string(),
                                    span: self.span(&r),
                                });
                                facts = Some(refs.collect());
                            }
                            Rule::expect_kind => {
                                let i = self.next(&mut x.clone().into_inner(), &x, "kind")?;
                                kind = Some(self.ident(i)?);
                            }
                            Rule::amount_bound => {
                                bound = Some((amount_bound(x.clone()), self.span(&x)))
                            }
                            Rule::expect_name => {
                                let i = self.next(&mut x.clone().into_inner(), &x, "name")?;
                                name = Some(self.ident(i)?);
                            }
                            Rule::expect_part => parts.push(self.expect_part(x)?),
                            Rule::expect_value => {
                                let mut it = x.clone().into_inner();
                                let kw = self.next(&mut it, &x, "until or for")?;
                                let v = self.next(&mut it, &x, "value")?;
                                value = Some(Box::new(if kw.as_rule() == Rule::kw_until {
                                    ExpectValue::Until(self.date(v)?)
                                } else {
                                    ExpectValue::For(self.quantity(v)?)
                                }));
                            }
                            Rule::expect_amount => {
                                let q = self.next(&mut x.clone().into_inner(), &x, "amount")?;
                                amount = Some(self.quantity(q)?);
                            }
                            _ => return Err(self.internal("unexpected expect part", &x)),
                        }
                    }
                    clauses.push(ExampleClause::Expect(Box::new(Expect {
                        status: status.ok_or_else(|| self.internal("missing status", &c))?,
                        may,
                        kind,
                        bound,
                        amount,
                        name,
                        facts,
                        parts,
                        value,
                        span: cspan,
                    })));
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
}

impl Builder {
    /// `part P [at least] 5000 元` of an `expect`.
    fn expect_part(&mut self, p: Pair<'_, Rule>) -> R<ExpectPart> {
        let span = self.span(&p);
        let (mut name, mut bound, mut amount) = (None, None, None);
        for x in p.clone().into_inner() {
            match x.as_rule() {
                Rule::ident => name = Some(self.ident(x)?),
                Rule::amount_bound => bound = Some((amount_bound(x.clone()), self.span(&x))),
                Rule::expect_amount => {
                    let q = self.next(&mut x.clone().into_inner(), &x, "amount")?;
                    amount = Some(self.quantity(q)?);
                }
                _ => {}
            }
        }
        Ok(ExpectPart {
            name: name.ok_or_else(|| self.internal("missing part", &p))?,
            bound,
            amount: amount.ok_or_else(|| self.internal("missing amount", &p))?,
            span,
        })
    }
}

/// `at least` or `at most`.
fn amount_bound(p: Pair<'_, Rule>) -> AmountBound {
    if p.into_inner().any(|x| x.as_rule() == Rule::kw_least) {
        AmountBound::AtLeast
    } else {
        AmountBound::AtMost
    }
}

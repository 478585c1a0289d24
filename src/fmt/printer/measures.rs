//! Measures, their clauses, rules and examples.

use super::*;

impl Printer<'_> {
    pub(super) fn measure(&mut self, m: &Measure) {
        self.word("measure ");
        self.token(
            m.number_span.start,
            m.number_span.end,
            &m.number.to_string(),
        );
        self.word(" ");
        self.text(&m.title);
        if m.clauses.is_empty() && !self.comment_within(m.title.span.end, m.span.end) {
            self.word(" {}");
            return;
        }
        self.word(" {");
        self.open_block();
        for c in &m.clauses {
            self.measure_clause(c);
        }
        self.close_block(m.span.end.saturating_sub(1), m.span.end);
    }

    pub(super) fn measure_clause(&mut self, c: &MeasureClause) {
        match c {
            MeasureClause::Section(n, span) => {
                self.start_line(span.start, true);
                self.word(&format!("section {n}"));
                self.set_end(span.end);
            }
            MeasureClause::Kind(i) => {
                self.start_line(i.span.start, true);
                self.word("kind ");
                self.ident(i);
            }
            MeasureClause::To(i) => {
                self.start_line(i.span.start, true);
                self.word("to ");
                self.ident(i);
            }
            MeasureClause::Effective(e) => {
                self.start_line(e.span.start, true);
                self.word("effective ");
                match (&e.from, &e.to) {
                    (Some(f), to) => {
                        if e.from_keyword {
                            self.word("from ");
                        }
                        self.date(f);
                        if let Some(t) = to {
                            self.word(" to ");
                            self.date(t);
                        }
                    }
                    (None, Some(t)) => {
                        self.word("until ");
                        self.date(t);
                    }
                    (None, None) => {}
                }
            }
            MeasureClause::Deadline(d, span) => {
                self.start_line(span.start, true);
                self.word("applications until ");
                self.date(d);
                self.set_end(span.end);
            }
            MeasureClause::Departments(role, list, span) => {
                self.start_line(span.start, true);
                self.word(role.keyword());
                self.word(" ");
                self.dept_list(list);
                let _ = span;
            }
            MeasureClause::Text(t) => {
                self.start_line(t.span.start, true);
                self.word("text ");
                self.text(t);
            }
            MeasureClause::Part(p) => self.part_decl(p),
            MeasureClause::When(e, _) => self.expr_clause("when", e),
            MeasureClause::Let(n, e, span) => {
                self.start_line(span.start, true);
                self.word("let ");
                self.ident(n);
                self.word(" = ");
                self.expr(e);
            }
            MeasureClause::Rule(r) => self.rule(r),
            MeasureClause::Example(x) => self.example(x),
        }
        self.end_line();
    }

    /// `part P { to A or B  effective …  applications until … }`
    fn part_decl(&mut self, p: &PartDecl) {
        self.start_line(p.span.start, true);
        self.word("part ");
        self.ident(&p.name);
        if p.clauses.is_empty() && !self.comment_within(p.name.span.end, p.span.end) {
            self.word(" {}");
            self.set_end(p.span.end);
            return;
        }
        self.word(" {");
        self.open_block();
        for c in &p.clauses {
            match c {
                PartClause::To(names, span) => {
                    self.start_line(span.start, true);
                    self.word("to ");
                    for (i, n) in names.iter().enumerate() {
                        if i > 0 {
                            self.word(" or ");
                        }
                        self.ident(n);
                    }
                    self.end_line();
                }
                PartClause::Effective(e) => {
                    self.measure_clause(&MeasureClause::Effective(e.clone()))
                }
                PartClause::Deadline(d, span) => {
                    self.measure_clause(&MeasureClause::Deadline(d.clone(), *span))
                }
            }
        }
        self.close_block(p.span.end.saturating_sub(1), p.span.end);
    }

    pub(super) fn rule(&mut self, r: &Rule) {
        self.start_line(r.span.start, true);
        self.word("rule ");
        self.ident(&r.name);
        if let Some(p) = &r.part {
            self.word(" part ");
            self.ident(p);
        }
        if let Some(x) = &r.exception_to {
            self.word(" exception to ");
            self.ident(x);
        }
        let head_end = self.last_end;
        if r.clauses.is_empty() && !self.comment_within(head_end, r.span.end) {
            self.word(" {}");
            self.set_end(r.span.end);
            return;
        }
        self.word(" {");
        self.open_block();
        for c in &r.clauses {
            match c {
                RuleClause::Text(t) => {
                    self.start_line(t.span.start, true);
                    self.word("text ");
                    self.text(t);
                }
                RuleClause::When(e) => self.expr_clause("when", e),
                RuleClause::Amount(e) => self.expr_clause("amount", e),
                RuleClause::BoundedAmount(b, e) => {
                    self.expr_clause(&format!("amount {}", b.words()), e)
                }
                RuleClause::Until(e) => self.expr_clause("until", e),
                RuleClause::For(e) => self.expr_clause("for", e),
                RuleClause::Floor(e) => self.expr_clause("floor", e),
                RuleClause::Cap(e) => self.expr_clause("cap", e),
                RuleClause::May(by, span) => {
                    self.start_line(span.start, true);
                    self.word("may");
                    if let Some(b) = by {
                        self.word(" by ");
                        self.ident(b);
                    }
                    self.set_end(span.end);
                }
                RuleClause::Gives(k) => {
                    self.start_line(k.span.start, true);
                    self.word("gives ");
                    self.ident(k);
                }
            }
            self.end_line();
        }
        self.close_block(r.span.end.saturating_sub(1), r.span.end);
    }

    pub(super) fn example(&mut self, x: &Example) {
        self.start_line(x.span.start, true);
        self.word("example ");
        self.text(&x.name);
        if x.clauses.is_empty() && !self.comment_within(x.name.span.end, x.span.end) {
            self.word(" {}");
            self.set_end(x.span.end);
            return;
        }
        self.word(" {");
        self.open_block();
        for c in &x.clauses {
            match c {
                ExampleClause::Date(d, span) => {
                    self.start_line(span.start, true);
                    self.word("date ");
                    self.date(d);
                    self.set_end(span.end);
                }
                ExampleClause::Locality(i, span) => {
                    self.start_line(span.start, true);
                    self.word("locality ");
                    self.ident(i);
                    self.set_end(span.end);
                }
                ExampleClause::Facts(entity, facts, span) => {
                    self.start_line(span.start, true);
                    self.ident(entity);
                    if facts.is_empty() && !self.comment_within(entity.span.end, span.end) {
                        self.word(" {}");
                        self.set_end(span.end);
                    } else {
                        self.list_block(
                            facts,
                            (entity.span.end, span.end),
                            |f| f.span.start,
                            |p, f| {
                                p.ident(&f.name);
                                p.word(": ");
                                p.value(&f.value);
                                p.set_end(f.span.end);
                            },
                        );
                    }
                }
                ExampleClause::Expect(e) => {
                    self.start_line(e.span.start, true);
                    self.word("expect ");
                    self.ident(&e.status);
                    if e.may {
                        self.word(" may");
                    }
                    if let Some(k) = &e.kind {
                        self.word(" ");
                        self.ident(k);
                    }
                    if let Some((b, _)) = &e.bound {
                        self.word(" ");
                        self.word(b.words());
                    }
                    if let Some(q) = &e.amount {
                        self.word(" ");
                        self.quantity(q);
                    }
                    if let Some(n) = &e.name {
                        self.word(" ");
                        self.ident(n);
                    }
                    match e.value.as_deref() {
                        Some(ExpectValue::Until(d)) => {
                            self.word(" until ");
                            self.date(d);
                        }
                        Some(ExpectValue::For(q)) => {
                            self.word(" for ");
                            self.quantity(q);
                        }
                        None => {}
                    }
                    if let Some(f) = &e.facts {
                        self.word(" [");
                        self.ident_list(f);
                        let at = self.closing(self.last_end, "]");
                        self.close_inline(at, "]");
                    }
                    for p in &e.parts {
                        self.word(" part ");
                        self.ident(&p.name);
                        if let Some((b, _)) = &p.bound {
                            self.word(" ");
                            self.word(b.words());
                        }
                        self.word(" ");
                        self.quantity(&p.amount);
                        self.set_end(p.span.end);
                    }
                }
            }
            self.end_line();
        }
        self.close_block(x.span.end.saturating_sub(1), x.span.end);
    }
}

//! Pass 4 of the check: measures and their clauses (kind, addressee,
//! dates, departments), each clause at most once; rules and examples are in
//! their own modules.

use super::*;

impl<'a> Checker<'a> {
    pub(super) fn check_measures(&mut self) -> Vec<ir::Measure> {
        let mut asts = self.measure_asts.clone();
        asts.sort_by_key(|m| m.number);
        self.resolve_document_departments();
        let mut out = Vec::new();
        for m in asts {
            if let Some(x) = self.measure(m) {
                out.push(x);
            }
        }
        out
    }

    pub(super) fn once<T>(
        &mut self,
        slot: &mut Option<(T, Span)>,
        value: T,
        span: Span,
        keyword: &str,
    ) {
        if let Some((_, first)) = slot {
            let help = self.first_at(*first);
            self.problem(
                Problem::DUPLICATE_CLAUSE,
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
        // whether `kind` names a kind (an unknown or missing one is reported once)
        let mut kind_valid = false;
        let mut to: Option<(u32, Span)> = None;
        let mut effective: Option<(ast::Effective, Span)> = None;
        let mut deadline: Option<(NaiveDate, Span)> = None;
        let mut text: Option<(String, Span)> = None;
        let mut when: Option<(&ast::Expr, Span)> = None;
        let mut lets: Vec<(&ast::Ident, &ast::Expr)> = Vec::new();
        let mut depts = ir::Departments::default();
        let mut dept_seen = departments::Seen::new();
        let mut rules: Vec<&ast::Rule> = Vec::new();
        let mut part_decls: Vec<&ast::PartDecl> = Vec::new();
        let mut examples: Vec<&ast::Example> = Vec::new();
        let before = self.errors.len();
        for c in &m.clauses {
            match c {
                ast::MeasureClause::Section(n, span) => {
                    if !self.sections.contains_key(n) {
                        let known: Vec<String> = if self.reporting() {
                            self.sections.keys().map(u32::to_string).collect()
                        } else {
                            Vec::new()
                        };
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
                    Some(x) => {
                        kind_valid = true;
                        self.once(&mut kind, x, k.span, "kind")
                    }
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
                    if let Some(i) = self.entity_ref(e) {
                        self.once(&mut to, i, e.span, "to");
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
                ast::MeasureClause::Departments(role, list, _) => {
                    self.department_list(*role, list, "this measure", &mut dept_seen, &mut depts)
                }
                ast::MeasureClause::Part(p) => part_decls.push(p),
                ast::MeasureClause::When(e, span) => self.once(&mut when, e, *span, "when"),
                ast::MeasureClause::Let(n, e, _) => lets.push((n, e)),
                ast::MeasureClause::Rule(r) => rules.push(r),
                ast::MeasureClause::Example(e) => examples.push(e),
            }
        }
        if kind.is_none() {
            let span = Span {
                end: m.number_span.end,
                ..m.span
            };
            self.problem(
                Problem::MISSING_KIND,
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
        let dates = parts::MeasureDates {
            period,
            deadline: deadline.map(|(d, _)| d),
        };
        let mut decls = self.part_decls(&part_decls, &rules, &dates);
        let unaddressed = rules.iter().find(|r| {
            r.part
                .as_ref()
                .is_none_or(|p| !decls.primary.contains_key(p.name.as_str()))
        });
        let needs_to = unaddressed
            .map(|r| r.name.span)
            .or_else(|| when.map(|(_, s)| s))
            .or_else(|| lets.first().map(|(n, _)| n.span));
        if let (None, Some(span)) = (addressee, needs_to) {
            self.problem(
                Problem::MISSING_ADDRESSEE,
                span,
                format!("measure {} has rules but no addressee", m.number),
                "rules read facts of an entity",
                Some("add `to ENTITY` to say whose facts the rules read".into()),
            );
        }
        // a part addressed to another entity: the document's definitions,
        // typed for the measure's addressee, cannot serve its rules
        // (a measure without `to` whose parts are all addressed to one
        // entity reads that entity's facts)
        let mut tos = decls.tos.iter().flatten().map(|(e, _)| *e);
        let first = tos.next();
        let doc_entity = addressee.or(first);
        let other = first
            .into_iter()
            .chain(tos)
            .find(|e| Some(*e) != doc_entity);
        self.definitions(&lets, addressee, doc_entity, other);
        let condition = when.and_then(|(e, _)| self.measure_condition(e, addressee));
        self.shared_with_parts(m, when.map(|(_, s)| s), &lets, addressee, &decls);
        let measure_kind = kind.filter(|_| kind_valid).map(|(k, _)| k);
        let ir_rules = self
            .rules(&rules, addressee, &decls.primary, measure_kind)
            .filter(|out| self.one_kind_per_measure(m.number, &rules, out))
            .filter(|out| self.one_value_kind(m.number, &rules, out));
        if let Some(r) = &ir_rules {
            self.part_slots(&mut decls, r);
        }
        if self.defs.any() {
            self.definitions_depth(m, condition.as_ref(), ir_rules.as_deref(), &rules);
        }
        self.defs.clear();
        let ir_examples = self.examples(&examples, &rules);
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
            condition,
            rules: ir_rules?,
            parts: decls.parts,
            examples: ir_examples?,
            source: self.sref(m.span),
        })
    }

    /// The entity `e` names, or an error with a "did you mean".
    pub(super) fn entity_ref(&mut self, e: &ast::Ident) -> Option<u32> {
        if let Some(&i) = self.index.entities.get(e.name.as_str()) {
            return Some(i as u32);
        }
        let names = || self.entities.iter().map(|x| x.name.as_str());
        let help = self.suggest(&e.name, names).or_else(|| {
            (self.reporting() && !self.entities.is_empty()).then(|| {
                format!(
                    "the entities are {}",
                    names().collect::<Vec<_>>().join(", ")
                )
            })
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
        None
    }
}

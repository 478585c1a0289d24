//! Part declarations of a measure (`part P { to …  effective …  applications
//! until … }`): each part declared once, for a part some rule defines; its
//! addressees known and distinct, and sharing the facts its rules read; its
//! dates in order and within the measure's.

use super::*;

/// The measure's own dates, which a part inherits and must stay within.
pub(super) struct MeasureDates {
    /// The measure's implementation period.
    pub period: ir::Period,
    /// The measure's application deadline.
    pub deadline: Option<NaiveDate>,
}

/// The checked declarations of one measure.
pub(super) struct PartDecls {
    /// Part name → the entity whose facts its rules read (its first addressee),
    /// for the parts declared with `to`.
    pub primary: HashMap<String, u32>,
    /// The declarations, in source order; `to` is filled by [`Checker::part_slots`].
    pub parts: Vec<ir::PartDef>,
    /// Per declaration: its addressees and where each is written.
    pub(super) tos: Vec<Vec<(u32, Span)>>,
}

impl Checker<'_> {
    pub(super) fn part_decls(
        &mut self,
        decls: &[&ast::PartDecl],
        rules: &[&ast::Rule],
        dates: &MeasureDates,
    ) -> PartDecls {
        let mut out = PartDecls {
            primary: HashMap::new(),
            parts: Vec::new(),
            tos: Vec::new(),
        };
        let mut rule_parts: Vec<&str> = Vec::new();
        for p in rules.iter().filter_map(|r| r.part.as_ref()) {
            if !rule_parts.contains(&p.name.as_str()) {
                rule_parts.push(&p.name);
            }
        }
        let mut seen: HashMap<&str, Span> = HashMap::new();
        for d in decls {
            let name = d.name.name.as_str();
            if let Some(first) = seen.get(name) {
                let help = self.first_at(*first);
                self.problem(
                    Problem::DUPLICATE_PART,
                    d.name.span,
                    format!("part `{name}` is declared twice"),
                    "declared again here",
                    help,
                );
                continue;
            }
            seen.insert(name, d.name.span);
            if !rule_parts.contains(&name) {
                let help = self
                    .suggest(name, || rule_parts.iter().copied())
                    .or_else(|| {
                        Some(if rule_parts.is_empty() {
                            "no rule of this measure says `part …`: a declaration gives its addressee or dates to the rules that say `part P`".into()
                        } else {
                            format!("the parts of this measure's rules are {}", rule_parts.join(", "))
                        })
                    });
                self.problem(
                    Problem::UNKNOWN_PART,
                    d.name.span,
                    format!("no rule of this measure defines part `{name}`"),
                    "declared here",
                    help,
                );
                continue;
            }
            if let Some(def) = self.part_decl(d, dates, &mut out) {
                out.parts.push(def);
            }
        }
        out
    }

    /// One declaration: its clauses, each at most once, and its dates.
    fn part_decl(
        &mut self,
        d: &ast::PartDecl,
        dates: &MeasureDates,
        out: &mut PartDecls,
    ) -> Option<ir::PartDef> {
        let name = d.name.name.as_str();
        let mut to: Option<(Vec<(u32, Span)>, Span)> = None;
        let mut effective: Option<(ast::Effective, Span)> = None;
        let mut deadline: Option<(NaiveDate, Span)> = None;
        for c in &d.clauses {
            match c {
                ast::PartClause::To(names, span) => {
                    let mut list: Vec<(u32, Span)> = Vec::new();
                    for n in names {
                        let Some(i) = self.entity_ref(n) else {
                            continue;
                        };
                        if let Some(&(_, first)) = list.iter().find(|(j, _)| *j == i) {
                            let help = Some(format!(
                                "first named at {}; `to A or B` names each entity once",
                                self.sref(first)
                            ));
                            self.problem(
                                Problem::DUPLICATE_ADDRESSEE,
                                n.span,
                                format!(
                                    "`{}` is named twice among the addressees of part `{name}`",
                                    n.name
                                ),
                                "named again here",
                                help,
                            );
                            continue;
                        }
                        list.push((i, n.span));
                    }
                    self.once(&mut to, list, *span, "to");
                }
                ast::PartClause::Effective(e) => {
                    self.once(&mut effective, e.clone(), e.span, "effective")
                }
                ast::PartClause::Deadline(x, span) => {
                    self.once(&mut deadline, x.value, *span, "applications until")
                }
            }
        }
        let period = effective.map(|(e, span)| self.part_period(name, &e, span, dates));
        let from = period.map_or(dates.period.from, |p| p.from);
        if let Some((dl, span)) = deadline {
            if let Some(f) = from.filter(|f| dl < *f) {
                self.err(
                    span,
                    CheckError::DateOrder {
                        what: format!(
                            "the application deadline of part `{name}` is before the part takes effect"
                        ),
                        span,
                        label: format!("{dl} is before {f}"),
                        help: Some("check both dates against the legal text".into()),
                    },
                );
            }
            if let Some(m) = dates.deadline.filter(|m| dl > *m) {
                self.problem(
                    Problem::PART_OUTSIDE_MEASURE,
                    span,
                    format!("the application deadline of part `{name}` is after the measure's"),
                    format!("{dl} is after {m}"),
                    Some(format!(
                        "the measure accepts applications until {m}; move the later deadline to the measure and the earlier ones to their parts"
                    )),
                );
            }
        }
        if let Some((list, _)) = &to {
            if let Some(&(first, _)) = list.first() {
                out.primary.insert(name.to_string(), first);
            }
        }
        out.tos.push(to.map(|(l, _)| l).unwrap_or_default());
        Some(ir::PartDef {
            name: name.to_string(),
            to: Vec::new(),
            effective: period,
            applications_until: deadline.map(|(d, _)| d),
            source: self.sref(d.span),
        })
    }

    /// A part's period: the ends it writes, the measure's for the others; in
    /// order, and within the measure's.
    fn part_period(
        &mut self,
        name: &str,
        e: &ast::Effective,
        span: Span,
        dates: &MeasureDates,
    ) -> ir::Period {
        let m = dates.period;
        let p = ir::Period {
            from: e.from.as_ref().map(|d| d.value).or(m.from),
            to: e.to.as_ref().map(|d| d.value).or(m.to),
        };
        if let (Some(f), Some(t)) = (p.from, p.to) {
            if t < f {
                self.err(
                    span,
                    CheckError::DateOrder {
                        what: format!("the effective period of part `{name}` ends before it starts"),
                        span,
                        label: format!("ends {t}, starts {f}"),
                        help: Some("write `effective FIRST_DAY to LAST_DAY`; an end the part does not write is the measure's".into()),
                    },
                );
                return p;
            }
        }
        let early = matches!((p.from, m.from), (Some(pf), Some(mf)) if pf < mf);
        let late = matches!((p.to, m.to), (Some(pt), Some(mt)) if pt > mt);
        if early || late {
            let show = |d: Option<NaiveDate>| d.map_or("open".to_string(), |d| d.to_string());
            self.problem(
                Problem::PART_OUTSIDE_MEASURE,
                span,
                format!("the effective period of part `{name}` is outside the measure's"),
                format!("{} to {}", show(p.from), show(p.to)),
                Some(format!(
                    "the measure is in force from {} to {}; a part applies within it (widen the measure's period if the text says so)",
                    show(m.from),
                    show(m.to)
                )),
            );
        }
        p
    }

    /// The slots of each addressee of each declared part, once the rules are
    /// typed: a part addressed to several entities reads, in each, the fact of
    /// the same name and type as in its first addressee.
    pub(super) fn part_slots(&mut self, decls: &mut PartDecls, rules: &[ir::RuleDef]) {
        for (def, tos) in decls.parts.iter_mut().zip(&decls.tos) {
            let Some(&(first, _)) = tos.first() else {
                continue;
            };
            let fields0: Vec<ir::FieldDef> = self
                .entities
                .get(first as usize)
                .map(|e| e.fields.clone())
                .unwrap_or_default();
            let mut read: Vec<(u32, &str)> = Vec::new();
            for r in rules
                .iter()
                .filter(|r| r.part.as_deref() == Some(&def.name))
            {
                for e in [&r.condition, &r.amount, &r.floor, &r.cap]
                    .into_iter()
                    .flatten()
                {
                    ir::fields_of(e, &mut |s| {
                        if !read.iter().any(|(x, _)| *x == s) {
                            read.push((s, &r.name));
                        }
                    });
                }
            }
            read.sort_unstable();
            for &(entity, span) in tos {
                let fields = self
                    .entities
                    .get(entity as usize)
                    .map(|e| e.fields.clone())
                    .unwrap_or_default();
                let slots: Vec<Option<u32>> = fields0
                    .iter()
                    .map(|f| {
                        fields
                            .iter()
                            .position(|g| g.name == f.name && g.ty == f.ty)
                            .map(|i| i as u32)
                    })
                    .collect();
                for &(s, rule) in &read {
                    if slots.get(s as usize).copied().flatten().is_some() {
                        continue;
                    }
                    let Some(f) = fields0.get(s as usize) else {
                        continue;
                    };
                    let ename = self.entities.get(entity as usize).map_or("", |e| &e.name);
                    let fname = self.entities.get(first as usize).map_or("", |e| &e.name);
                    let what = format!(
                        "part `{}` is addressed to `{ename}`, which has no fact `{}` of type `{}`",
                        def.name, f.name, f.ty
                    );
                    let help = Some(format!(
                        "rule `{rule}` reads `{}` of `{fname}`; a part addressed to several entities reads only facts each of them has, with the same name and type",
                        f.name
                    ));
                    self.problem(
                        Problem::FACT_NOT_SHARED,
                        span,
                        what,
                        format!("has no `{}`", f.name),
                        help,
                    );
                }
                def.to.push(ir::PartAddressee { entity, slots });
            }
        }
    }

    /// A measure-level `when` is decided before the rules of the measure's
    /// one set of dates, and a `let` reads the facts of the measure's
    /// addressee: neither may stand beside part declarations that give parts
    /// their own dates (`when`) or their own addressee (`when`, `let`).
    pub(super) fn shared_with_parts(
        &mut self,
        m: &ast::Measure,
        when: Option<Span>,
        lets: &[(&ast::Ident, &ast::Expr)],
        addressee: Option<u32>,
        decls: &PartDecls,
    ) {
        if let (Some(span), Some(first)) = (when, decls.parts.first()) {
            self.problem(
                Problem::SHARED_CONDITION_WITH_PARTS,
                span,
                format!(
                    "measure {} has a measure-level `when` and declares part `{}`",
                    m.number, first.name
                ),
                "a condition for every rule of the measure",
                Some(
                    "parts with their own addressees or dates are decided apart: \
                     write the condition in the rules (a `let` can name it once)"
                        .into(),
                ),
            );
            return;
        }
        let other = decls
            .tos
            .iter()
            .flatten()
            .find(|(e, _)| Some(*e) != addressee);
        if let (Some((n, _)), Some(&(e, span))) = (lets.first(), other) {
            let name = self
                .entities
                .get(e as usize)
                .map_or("", |x| x.name.as_str());
            self.problem(
                Problem::SHARED_CONDITION_WITH_PARTS,
                span,
                format!(
                    "measure {} has `let {}`, which reads the measure's addressee, and a part addressed to `{name}`",
                    m.number, n.name
                ),
                "addressed to another entity than the measure",
                Some(
                    "a measure's `let` reads the facts of its own addressee: \
                     write the value in the rules of this part"
                        .into(),
                ),
            );
        }
    }
}

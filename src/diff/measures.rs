//! Changes to measures: their header, departments, rules and examples.

use super::params::params_used;
use super::*;

impl Differ<'_> {
    pub(super) fn measures(&mut self, params: &[ParamChange]) {
        for (o, n) in match_measures(&self.old.measures, &self.new.measures) {
            match (o, n) {
                (Some(o), Some(n)) => self.measure(o, n, params),
                (Some(o), None) => {
                    let subject = format!("{}{}", o.label, o.title);
                    self.push(
                        &subject,
                        Some(o.number),
                        ChangeKind::MeasureRemoved,
                        "measure",
                        None,
                        None,
                        None,
                        None,
                    );
                }
                (None, Some(n)) => {
                    let subject = format!("{}{}", n.label, n.title);
                    self.push(
                        &subject,
                        Some(n.number),
                        ChangeKind::MeasureAdded,
                        "measure",
                        None,
                        None,
                        None,
                        None,
                    );
                    let used = params_used(n);
                    for p in params.iter().filter(|p| used.contains(&p.name)) {
                        self.push_param(&subject, Some(n.number), p);
                    }
                }
                (None, None) => {}
            }
        }
    }

    pub(super) fn dept_id(policy: &Policy, full: &str) -> String {
        policy
            .departments
            .iter()
            .find(|d| d.name == full || d.spellings.iter().any(|x| x == full))
            .map_or_else(|| full.to_string(), |d| d.id.clone())
    }

    pub(super) fn measure(&mut self, o: &Measure, n: &Measure, params: &[ParamChange]) {
        let subject = format!("{}{}", n.label, n.title);
        let s = subject.as_str();
        let num = Some(n.number);
        if o.number != n.number {
            self.compare(
                s,
                num,
                ChangeKind::MeasureRenumbered,
                "number",
                Some(o.label.clone()),
                Some(n.label.clone()),
            );
        }
        self.compare(
            s,
            num,
            ChangeKind::TitleChanged,
            "title",
            Some(o.title.clone()),
            Some(n.title.clone()),
        );
        // its named definitions (`let`), by name
        let (od, nd) = (
            super::definitions::definitions(self.old, o),
            super::definitions::definitions(self.new, n),
        );
        for name in od.keys().chain(nd.keys().filter(|k| !od.contains_key(*k))) {
            let (a, b) = (od.get(name).cloned(), nd.get(name).cloned());
            if a != b {
                self.push(
                    s,
                    num,
                    ChangeKind::ConditionChanged,
                    &format!("definition {name}"),
                    a,
                    b,
                    None,
                    None,
                );
            }
        }
        // the measure's own condition (`when` at measure level)
        let cond = |p: &Policy, m: &Measure| m.condition.as_ref().map(|c| p.expr_text(c));
        let (oc, nc) = (cond(self.old, o), cond(self.new, n));
        if oc != nc {
            let note = match (&o.condition, &n.condition) {
                (Some(a), Some(b)) => {
                    let notes = super::periods::period_notes(self.old, a, self.new, b);
                    (!notes.is_empty()).then(|| notes.join("; "))
                }
                _ => None,
            };
            self.push(
                s,
                num,
                ChangeKind::ConditionChanged,
                "measure condition (when, for every rule)",
                oc,
                nc,
                None,
                note,
            );
        }
        self.compare(
            s,
            num,
            ChangeKind::MeasureSectionChanged,
            "section",
            o.section.map(|x| x.to_string()),
            n.section.map(|x| x.to_string()),
        );
        self.compare(
            s,
            num,
            ChangeKind::KindChanged,
            "kind",
            Some(o.kind.keyword().into()),
            Some(n.kind.keyword().into()),
        );
        let entity = |p: &Policy, a: Option<u32>| {
            a.and_then(|i| p.entities.get(i as usize))
                .map(|e| e.name.clone())
        };
        self.compare(
            s,
            num,
            ChangeKind::AddresseeChanged,
            "to",
            entity(self.old, o.addressee),
            entity(self.new, n.addressee),
        );
        self.compare(
            s,
            num,
            ChangeKind::EffectiveChanged,
            "effective from",
            opt_date(o.effective.from),
            opt_date(n.effective.from),
        );
        self.compare(
            s,
            num,
            ChangeKind::EffectiveChanged,
            "effective until",
            opt_date(o.effective.to),
            opt_date(n.effective.to),
        );
        self.compare(
            s,
            num,
            ChangeKind::DeadlineChanged,
            "deadline",
            opt_date(o.applications_until),
            opt_date(n.applications_until),
        );
        self.parts(s, num, o, n);
        self.departments(s, num, o, n);
        self.compare_text(
            s,
            num,
            ChangeKind::TextChanged,
            "text",
            &o.source_text,
            &n.source_text,
        );
        self.rules(s, num, o, n);
        let used: BTreeSet<String> = params_used(o).into_iter().chain(params_used(n)).collect();
        for p in params.iter().filter(|p| used.contains(&p.name)) {
            self.push_param(s, num, p);
        }
        self.examples(s, num, o, n);
    }

    pub(super) fn rule_summary(policy: &Policy, m: &Measure, r: &ir::RuleDef) -> String {
        let mut parts = Vec::new();
        if let Some(p) = &r.part {
            parts.push(format!("part {p}"));
        }
        if let Some(x) = r.exception_to.and_then(|i| m.rules.get(i as usize)) {
            parts.push(format!("exception to {}", x.name));
        }
        let amount_kw = match r.bound {
            Some(b) => format!("amount {}", b.words()),
            None => "amount".to_string(),
        };
        for (kw, e) in [
            ("when", &r.condition),
            (amount_kw.as_str(), &r.amount),
            ("floor", &r.floor),
            ("cap", &r.cap),
        ] {
            if let Some(e) = e {
                parts.push(format!("{kw} {}", policy.expr_text(e)));
            }
        }
        if let Some(v) = &r.value {
            parts.push(value_text(policy, v));
        }
        if r.amount.is_some() || r.gives != ir::Gives::None {
            parts.push(format!("gives {}", r.gives.keyword()));
        }
        if let Some(d) = &r.discretion {
            parts.push(d.words());
        }
        if parts.is_empty() {
            "(always)".to_string()
        } else {
            parts.join("; ")
        }
    }

    pub(super) fn rules(&mut self, s: &str, num: Option<u32>, o: &Measure, n: &Measure) {
        let new: BTreeMap<&str, &ir::RuleDef> =
            n.rules.iter().map(|r| (r.name.as_str(), r)).collect();
        let old: BTreeMap<&str, &ir::RuleDef> =
            o.rules.iter().map(|r| (r.name.as_str(), r)).collect();
        let expr = |p: &Policy, e: &Option<Expr>| e.as_ref().map(|e| p.expr_text(e));
        for r in &o.rules {
            let Some(nr) = new.get(r.name.as_str()) else {
                let summary = Self::rule_summary(self.old, o, r);
                self.push(
                    s,
                    num,
                    ChangeKind::RuleRemoved,
                    &format!("rule {}", r.name),
                    Some(summary),
                    None,
                    None,
                    None,
                );
                continue;
            };
            let rule = format!("rule {}", r.name);
            self.compare(
                s,
                num,
                ChangeKind::RuleChanged,
                &format!("{rule}: part"),
                r.part.clone(),
                nr.part.clone(),
            );
            let exc = |m: &Measure, r: &ir::RuleDef| {
                r.exception_to
                    .and_then(|i| m.rules.get(i as usize))
                    .map(|x| x.name.clone())
            };
            self.compare(
                s,
                num,
                ChangeKind::RuleChanged,
                &format!("{rule}: exception to"),
                exc(o, r),
                exc(n, nr),
            );
            let (ot, nt) = (
                r.text.clone().unwrap_or_default(),
                nr.text.clone().unwrap_or_default(),
            );
            self.compare_text(
                s,
                num,
                ChangeKind::RuleTextChanged,
                &format!("{rule}: text"),
                &ot,
                &nt,
            );
            // entitled ↔ may be granted, or another decider, is a semantic change
            let modality = |x: &ir::RuleDef| {
                x.discretion
                    .as_ref()
                    .map_or_else(|| "entitled".to_string(), |d| d.words())
            };
            self.compare(
                s,
                num,
                ChangeKind::DiscretionChanged,
                &format!("{rule}: discretion"),
                Some(modality(r)),
                Some(modality(nr)),
            );
            // the figure ↔ a bound decided by someone else is a semantic change
            self.compare(
                s,
                num,
                ChangeKind::AmountBoundChanged,
                &format!("{rule}: amount"),
                Some(super::bound_words(r.bound).to_string()),
                Some(super::bound_words(nr.bound).to_string()),
            );
            // a changed kind of value (said or by the measure's kind) is a semantic change
            self.compare(
                s,
                num,
                ChangeKind::GivesChanged,
                &format!("{rule}: gives"),
                Some(r.gives.words().to_string()),
                Some(nr.gives.words().to_string()),
            );
            // the date or duration given (`until`, `for`) and what it is
            self.compare(
                s,
                num,
                ChangeKind::GivesChanged,
                &format!("{rule}: value"),
                r.value.as_ref().map(|v| value_text(self.old, v)),
                nr.value.as_ref().map(|v| value_text(self.new, v)),
            );
            for (kind, kw, a, b) in [
                (
                    ChangeKind::ConditionChanged,
                    "condition",
                    &r.condition,
                    &nr.condition,
                ),
                (ChangeKind::AmountChanged, "amount", &r.amount, &nr.amount),
                (ChangeKind::FloorChanged, "floor", &r.floor, &nr.floor),
                (ChangeKind::CapChanged, "cap", &r.cap, &nr.cap),
            ] {
                let (x, y) = (expr(self.old, a), expr(self.new, b));
                if x != y {
                    let what = format!("{rule}: {kw}");
                    if kind == ChangeKind::ConditionChanged && x.is_some() && y.is_some() {
                        // conditions are always shown in full, one per line
                        let notes = match (a, b) {
                            (Some(a), Some(b)) => {
                                super::periods::period_notes(self.old, a, self.new, b)
                            }
                            _ => Vec::new(),
                        };
                        let mut message = format!(
                            "{what} changed\n    old: {}\n    new: {}",
                            or_none(&x),
                            or_none(&y)
                        );
                        for n in &notes {
                            message.push_str(&format!("\n    {n}"));
                        }
                        let note = (!notes.is_empty()).then(|| notes.join("; "));
                        self.out.push(Change {
                            subject: s.to_string(),
                            measure: num,
                            kind,
                            what,
                            old: x,
                            new: y,
                            text_diff: None,
                            note,
                            message,
                            affects: Vec::new(),
                        });
                    } else {
                        self.push(s, num, kind, &what, x, y, None, None);
                    }
                }
            }
        }
        for r in &n.rules {
            if !old.contains_key(r.name.as_str()) {
                let summary = Self::rule_summary(self.new, n, r);
                self.push(
                    s,
                    num,
                    ChangeKind::RuleAdded,
                    &format!("rule {}", r.name),
                    None,
                    Some(summary),
                    None,
                    None,
                );
            }
        }
    }

    pub(super) fn example_summary(policy: &Policy, x: &ir::ExampleDef) -> String {
        let mut s = format!("date {}", x.date);
        if let Some(l) = &x.locality {
            s.push_str(&format!(", locality {l}"));
        }
        let entity = policy.entities.get(x.entity as usize);
        let mut facts: Vec<String> = x
            .facts
            .iter()
            .map(|f| {
                let ty = entity
                    .and_then(|e| e.fields.iter().find(|fd| fd.name == f.name))
                    .map(|fd| fd.ty.clone())
                    .unwrap_or(Type::Bool);
                format!("{}: {}", f.name, policy.value_text(&f.value, &ty))
            })
            .collect();
        facts.sort();
        s.push_str(&format!(
            ", {} {{ {} }}, expect {}",
            entity.map_or("?", |e| e.name.as_str()),
            facts.join(", "),
            x.expect.status.keyword()
        ));
        if x.expect.may {
            s.push_str(" may");
        }
        if let Some(k) = x.expect.kind {
            s.push_str(&format!(" {}", k.keyword()));
        }
        if let Some(b) = x.expect.bound {
            s.push_str(&format!(" {}", b.words()));
        }
        if let Some(a) = x.expect.amount {
            s.push_str(&format!(" {}", ir::number_text(a, &Type::money())));
        }
        for n in [&x.expect.error, &x.expect.unset].into_iter().flatten() {
            s.push_str(&format!(" {n}"));
        }
        for p in &x.expect.parts {
            let b = p
                .bound
                .map(|b| format!("{} ", b.words()))
                .unwrap_or_default();
            s.push_str(&format!(
                " part {} {b}{}",
                p.part,
                ir::number_text(p.amount, &Type::money())
            ));
        }
        if let Some(f) = &x.expect.facts {
            s.push_str(&format!(" [{}]", f.join(", ")));
        }
        s
    }

    pub(super) fn examples(&mut self, s: &str, num: Option<u32>, o: &Measure, n: &Measure) {
        let new: BTreeMap<&str, &ir::ExampleDef> =
            n.examples.iter().map(|x| (x.name.as_str(), x)).collect();
        let old: BTreeMap<&str, &ir::ExampleDef> =
            o.examples.iter().map(|x| (x.name.as_str(), x)).collect();
        for x in &o.examples {
            let what = format!("example \"{}\"", x.name);
            let a = Self::example_summary(self.old, x);
            match new.get(x.name.as_str()) {
                None => self.push(
                    s,
                    num,
                    ChangeKind::ExampleRemoved,
                    &what,
                    Some(a),
                    None,
                    None,
                    None,
                ),
                Some(y) => {
                    let b = Self::example_summary(self.new, y);
                    self.compare(s, num, ChangeKind::ExampleChanged, &what, Some(a), Some(b));
                }
            }
        }
        for x in &n.examples {
            if !old.contains_key(x.name.as_str()) {
                let what = format!("example \"{}\"", x.name);
                let b = Self::example_summary(self.new, x);
                self.push(
                    s,
                    num,
                    ChangeKind::ExampleAdded,
                    &what,
                    None,
                    Some(b),
                    None,
                    None,
                );
            }
        }
    }
}

/// `until 申请延期至 (gives deferral)`: a rule's date or duration in words.
fn value_text(policy: &Policy, v: &ir::RuleValue) -> String {
    format!(
        "{} {} (gives {})",
        v.form.keyword(),
        policy.expr_text(&v.expr),
        v.kind.keyword()
    )
}

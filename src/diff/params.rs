//! Changes to parameters: collected once, then reported under each measure
//! whose rules use them, or under `parameters`.

use super::*;

impl Differ<'_> {
    pub(super) fn param_values(&self, policy: &Policy, p: &ParamDef) -> String {
        match &p.value {
            ParamValue::Constant { value } => format!("= {}", policy.value_text(value, &p.ty)),
            ParamValue::Versioned { versions } => versions
                .iter()
                .map(|v| format!("{} from {}", policy.value_text(&v.value, &p.ty), v.from))
                .collect::<Vec<_>>()
                .join("; "),
            ParamValue::Locality {
                default,
                floor,
                cap,
            } => {
                let mut s = "by locality".to_string();
                for (kw, v) in [("default", default), ("floor", floor), ("cap", cap)] {
                    if let Some(v) = v {
                        s.push_str(&format!(" {kw} {}", policy.value_text(v, &p.ty)));
                    }
                }
                s
            }
        }
    }

    pub(super) fn parameter_changes(&self) -> Vec<ParamChange> {
        let mut out = Vec::new();
        let new: BTreeMap<&str, &ParamDef> = self
            .new
            .parameters
            .iter()
            .map(|p| (p.name.as_str(), p))
            .collect();
        let old: BTreeMap<&str, &ParamDef> = self
            .old
            .parameters
            .iter()
            .map(|p| (p.name.as_str(), p))
            .collect();
        let mut push = |name: &str,
                        kind,
                        what: String,
                        old: Option<String>,
                        new: Option<String>,
                        note: Option<String>| {
            if old != new || kind != ChangeKind::ParameterChanged {
                out.push(ParamChange {
                    name: name.to_string(),
                    kind,
                    what,
                    old,
                    new,
                    note,
                });
            }
        };
        for o in &self.old.parameters {
            let what = format!("parameter {}", o.name);
            let Some(n) = new.get(o.name.as_str()) else {
                push(
                    &o.name,
                    ChangeKind::ParameterRemoved,
                    what,
                    Some(self.param_values(self.old, o)),
                    None,
                    None,
                );
                continue;
            };
            let (ot, nt) = (o.ty.to_string(), n.ty.to_string());
            if ot != nt {
                push(
                    &o.name,
                    ChangeKind::ParameterChanged,
                    format!("{what}: type"),
                    Some(ot),
                    Some(nt),
                    None,
                );
            }
            let vo = |v: &ir::Value| self.old.value_text(v, &o.ty);
            let vn = |v: &ir::Value| self.new.value_text(v, &n.ty);
            match (&o.value, &n.value) {
                (ParamValue::Constant { value: a }, ParamValue::Constant { value: b }) => {
                    push(
                        &o.name,
                        ChangeKind::ParameterChanged,
                        what,
                        Some(vo(a)),
                        Some(vn(b)),
                        None,
                    );
                }
                (ParamValue::Versioned { versions: a }, ParamValue::Versioned { versions: b }) => {
                    let bm: BTreeMap<NaiveDate, &ir::Version> =
                        b.iter().map(|v| (v.from, v)).collect();
                    let am: BTreeMap<NaiveDate, &ir::Version> =
                        a.iter().map(|v| (v.from, v)).collect();
                    for v in a {
                        let note = Some(format!("version from {}", v.from));
                        match bm.get(&v.from) {
                            None => push(
                                &o.name,
                                ChangeKind::VersionRemoved,
                                format!("{what}: version"),
                                Some(format!("{} from {}", vo(&v.value), v.from)),
                                None,
                                None,
                            ),
                            Some(w) => {
                                let (x, y) = (vo(&v.value), vn(&w.value));
                                if x != y {
                                    push(
                                        &o.name,
                                        ChangeKind::VersionChanged,
                                        what.clone(),
                                        Some(x),
                                        Some(y),
                                        note,
                                    );
                                }
                            }
                        }
                    }
                    for v in b {
                        if !am.contains_key(&v.from) {
                            push(
                                &o.name,
                                ChangeKind::VersionAdded,
                                format!("{what}: version"),
                                None,
                                Some(format!("{} from {}", vn(&v.value), v.from)),
                                None,
                            );
                        }
                    }
                }
                (
                    ParamValue::Locality {
                        default: d1,
                        floor: f1,
                        cap: c1,
                    },
                    ParamValue::Locality {
                        default: d2,
                        floor: f2,
                        cap: c2,
                    },
                ) => {
                    for (kw, a, b) in [("default", d1, d2), ("floor", f1, f2), ("cap", c1, c2)] {
                        push(
                            &o.name,
                            ChangeKind::ParameterChanged,
                            format!("{what}: {kw}"),
                            a.as_ref().map(vo),
                            b.as_ref().map(vn),
                            None,
                        );
                    }
                }
                _ => push(
                    &o.name,
                    ChangeKind::ParameterChanged,
                    what,
                    Some(self.param_values(self.old, o)),
                    Some(self.param_values(self.new, n)),
                    None,
                ),
            }
        }
        for n in &self.new.parameters {
            if !old.contains_key(n.name.as_str()) {
                push(
                    &n.name,
                    ChangeKind::ParameterAdded,
                    format!("parameter {}", n.name),
                    None,
                    Some(self.param_values(self.new, n)),
                    None,
                );
            }
        }
        out
    }

    pub(super) fn unused_parameters(&mut self, params: &[ParamChange]) {
        let used: BTreeSet<String> = self
            .old
            .measures
            .iter()
            .chain(&self.new.measures)
            .flat_map(params_used)
            .collect();
        for p in params {
            if !used.contains(&p.name) {
                self.push_param("parameters", None, p);
            }
        }
    }

    pub(super) fn push_param(&mut self, subject: &str, measure: Option<u32>, p: &ParamChange) {
        self.push(
            subject,
            measure,
            p.kind,
            &p.what,
            p.old.clone(),
            p.new.clone(),
            None,
            p.note.clone(),
        );
    }
}

/// The names of the parameters a measure's rules use.
pub(super) fn params_used(m: &Measure) -> BTreeSet<String> {
    fn walk(e: &Expr, out: &mut BTreeSet<String>) {
        match &e.node {
            Node::Param { name, .. } => {
                out.insert(name.clone());
            }
            Node::Literal { .. } | Node::Field { .. } | Node::ApplicationDate => {}
            Node::Not { arg }
            | Node::Neg { arg }
            | Node::In { arg, .. }
            | Node::InPeriod { arg, .. }
            | Node::Definition { value: arg, .. } => walk(arg, out),
            Node::Binary { lhs, rhs, .. } => {
                walk(lhs, out);
                walk(rhs, out);
            }
            Node::If {
                cond,
                then,
                otherwise,
            } => {
                walk(cond, out);
                walk(then, out);
                walk(otherwise, out);
            }
            Node::Match { scrutinee, arms } => {
                walk(scrutinee, out);
                for a in arms {
                    walk(&a.value, out);
                }
            }
            Node::Call { args, .. } => {
                for a in args {
                    walk(a, out);
                }
            }
            Node::Aggregate { value, filter, .. } => {
                for a in value.iter().chain(filter) {
                    walk(a, out);
                }
            }
            Node::Member { .. } => {}
        }
    }
    let mut out = BTreeSet::new();
    if let Some(c) = &m.condition {
        walk(c, &mut out);
    }
    for r in &m.rules {
        for e in [&r.condition, &r.amount, &r.floor, &r.cap]
            .into_iter()
            .flatten()
            .chain(r.value.as_ref().map(|v| &v.expr))
        {
            walk(e, &mut out);
        }
    }
    out
}

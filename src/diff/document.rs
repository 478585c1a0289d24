//! Changes to the document header, the registries (departments, enumerations,
//! entities, sections) and the localities.

use super::*;

impl Differ<'_> {
    pub(super) fn document(&mut self) {
        let empty = ir::Document::default();
        let o = self.old.document.as_ref().unwrap_or(&empty);
        let n = self.new.document.as_ref().unwrap_or(&empty);
        let k = ChangeKind::DocumentChanged;
        self.compare(
            "document",
            None,
            k,
            "number",
            o.number.clone(),
            n.number.clone(),
        );
        self.compare(
            "document",
            None,
            k,
            "title",
            o.title.clone(),
            n.title.clone(),
        );
        self.compare(
            "document",
            None,
            k,
            "issuer",
            o.issuer.clone(),
            n.issuer.clone(),
        );
        self.compare(
            "document",
            None,
            k,
            "issued",
            opt_date(o.issued),
            opt_date(n.issued),
        );
        self.compare(
            "document",
            None,
            k,
            "region",
            o.region.clone(),
            n.region.clone(),
        );
        let basis = |d: &ir::Document| {
            (!d.basis.is_empty()).then(|| {
                d.basis
                    .iter()
                    .map(|b| format!("{}《{}》", b.number, b.title))
                    .collect::<Vec<_>>()
                    .join("、")
            })
        };
        self.compare("document", None, k, "basis", basis(o), basis(n));
        let text = |x: &Option<String>| x.clone().unwrap_or_default();
        for (what, old, new) in [
            ("preamble", &o.preamble, &n.preamble),
            ("recipients", &o.recipients, &n.recipients),
            ("copied_to", &o.copied_to, &n.copied_to),
            ("publication", &o.publication, &n.publication),
        ] {
            self.compare_text("document", None, k, what, &text(old), &text(new));
        }
        let (od, nd) = (o.departments.clone(), n.departments.clone());
        self.department_lists("document (every measure)", None, &od, &nd);
    }

    pub(super) fn registry(&mut self) {
        let old: BTreeMap<&str, &str> = self
            .old
            .departments
            .iter()
            .map(|d| (d.id.as_str(), d.name.as_str()))
            .collect();
        let new: BTreeMap<&str, &str> = self
            .new
            .departments
            .iter()
            .map(|d| (d.id.as_str(), d.name.as_str()))
            .collect();
        for d in &self.old.departments {
            let subject = format!("department {}", d.id);
            match new.get(d.id.as_str()) {
                None => self.push(
                    &subject,
                    None,
                    ChangeKind::RegistryDepartmentRemoved,
                    "department",
                    Some(d.name.clone()),
                    None,
                    None,
                    None,
                ),
                Some(n) if *n != d.name => self.push(
                    &subject,
                    None,
                    ChangeKind::RegistryDepartmentRenamed,
                    "full name",
                    Some(d.name.clone()),
                    Some((*n).to_string()),
                    None,
                    None,
                ),
                Some(_) => {}
            }
            let spellings = |p: &Policy| {
                p.departments
                    .iter()
                    .find(|x| x.id == d.id)
                    .map(|x| x.spellings.join(", "))
                    .unwrap_or_default()
            };
            if new.contains_key(d.id.as_str()) {
                let (os, ns) = (spellings(self.old), spellings(self.new));
                self.compare_text(
                    &subject,
                    None,
                    ChangeKind::RegistryDepartmentRenamed,
                    "other spellings",
                    &os,
                    &ns,
                );
            }
        }
        for d in &self.new.departments {
            if !old.contains_key(d.id.as_str()) {
                self.push(
                    &format!("department {}", d.id),
                    None,
                    ChangeKind::RegistryDepartmentAdded,
                    "department",
                    None,
                    Some(d.name.clone()),
                    None,
                    None,
                );
            }
        }
    }

    pub(super) fn enums(&mut self) {
        let show = |e: &ir::EnumDef| format!("{{{}}}", e.variants.join(", "));
        let new: BTreeMap<&str, &ir::EnumDef> = self
            .new
            .enums
            .iter()
            .map(|e| (e.name.as_str(), e))
            .collect();
        let old: BTreeMap<&str, &ir::EnumDef> = self
            .old
            .enums
            .iter()
            .map(|e| (e.name.as_str(), e))
            .collect();
        for e in &self.old.enums {
            let subject = format!("enum {}", e.name);
            let o = Some(show(e));
            let n = new.get(e.name.as_str()).map(|x| show(x));
            self.compare(&subject, None, ChangeKind::EnumChanged, "variants", o, n);
        }
        for e in &self.new.enums {
            if !old.contains_key(e.name.as_str()) {
                let subject = format!("enum {}", e.name);
                self.compare(
                    &subject,
                    None,
                    ChangeKind::EnumChanged,
                    "variants",
                    None,
                    Some(show(e)),
                );
            }
        }
    }

    pub(super) fn entities(&mut self) {
        let new: BTreeMap<&str, &ir::EntityDef> = self
            .new
            .entities
            .iter()
            .map(|e| (e.name.as_str(), e))
            .collect();
        let old: BTreeMap<&str, &ir::EntityDef> = self
            .old
            .entities
            .iter()
            .map(|e| (e.name.as_str(), e))
            .collect();
        let k = ChangeKind::EntityChanged;
        for e in &self.old.entities {
            let subject = format!("entity {}", e.name);
            let Some(n) = new.get(e.name.as_str()) else {
                self.push(
                    &subject,
                    None,
                    k,
                    "entity",
                    Some(e.name.clone()),
                    None,
                    None,
                    None,
                );
                continue;
            };
            self.compare(
                &subject,
                None,
                k,
                "description",
                e.description.clone(),
                n.description.clone(),
            );
            let nf: BTreeMap<&str, &Type> =
                n.fields.iter().map(|f| (f.name.as_str(), &f.ty)).collect();
            let of: BTreeMap<&str, &Type> =
                e.fields.iter().map(|f| (f.name.as_str(), &f.ty)).collect();
            for f in &e.fields {
                let what = format!("field {}", f.name);
                let o = Some(f.ty.to_string());
                let nn = nf.get(f.name.as_str()).map(|t| t.to_string());
                self.compare(&subject, None, k, &what, o, nn);
            }
            for f in &n.fields {
                if !of.contains_key(f.name.as_str()) {
                    let what = format!("field {}", f.name);
                    self.compare(&subject, None, k, &what, None, Some(f.ty.to_string()));
                }
            }
        }
        for e in &self.new.entities {
            if !old.contains_key(e.name.as_str()) {
                let subject = format!("entity {}", e.name);
                self.push(
                    &subject,
                    None,
                    k,
                    "entity",
                    None,
                    Some(e.name.clone()),
                    None,
                    None,
                );
            }
        }
    }

    pub(super) fn sections(&mut self) {
        let old: BTreeMap<u32, &str> = self
            .old
            .sections
            .iter()
            .map(|s| (s.number, s.title.as_str()))
            .collect();
        let new: BTreeMap<u32, &str> = self
            .new
            .sections
            .iter()
            .map(|s| (s.number, s.title.as_str()))
            .collect();
        let numbers: BTreeSet<u32> = old.keys().chain(new.keys()).copied().collect();
        for n in numbers {
            let subject = format!("section {n}");
            self.compare(
                &subject,
                None,
                ChangeKind::SectionChanged,
                "title",
                old.get(&n).map(|s| (*s).to_string()),
                new.get(&n).map(|s| (*s).to_string()),
            );
        }
    }

    pub(super) fn localities(&mut self) {
        let value = |p: &Policy, v: &ir::LocalityValue| {
            let ty = p
                .parameters
                .iter()
                .find(|x| x.name == v.name)
                .map(|x| x.ty.clone())
                .unwrap_or(Type::Bool);
            p.value_text(&v.value, &ty)
        };
        let new: BTreeMap<&str, &ir::LocalityDef> = self
            .new
            .localities
            .iter()
            .map(|l| (l.name.as_str(), l))
            .collect();
        let old: BTreeMap<&str, &ir::LocalityDef> = self
            .old
            .localities
            .iter()
            .map(|l| (l.name.as_str(), l))
            .collect();
        for l in &self.old.localities {
            let subject = format!("locality {}", l.name);
            let Some(nl) = new.get(l.name.as_str()) else {
                self.push(
                    &subject,
                    None,
                    ChangeKind::LocalityRemoved,
                    "locality",
                    Some(l.name.clone()),
                    None,
                    None,
                    None,
                );
                continue;
            };
            let ov: BTreeMap<&str, String> = l
                .values
                .iter()
                .map(|v| (v.name.as_str(), value(self.old, v)))
                .collect();
            let nv: BTreeMap<&str, String> = nl
                .values
                .iter()
                .map(|v| (v.name.as_str(), value(self.new, v)))
                .collect();
            let names: BTreeSet<&str> = ov.keys().chain(nv.keys()).copied().collect();
            for name in names {
                self.compare(
                    &subject,
                    None,
                    ChangeKind::LocalityValueChanged,
                    name,
                    ov.get(name).cloned(),
                    nv.get(name).cloned(),
                );
            }
        }
        for l in &self.new.localities {
            if !old.contains_key(l.name.as_str()) {
                let subject = format!("locality {}", l.name);
                self.push(
                    &subject,
                    None,
                    ChangeKind::LocalityAdded,
                    "locality",
                    None,
                    Some(l.name.clone()),
                    None,
                    None,
                );
            }
        }
    }
}

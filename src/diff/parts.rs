//! Part declarations in a diff: a part's addressees and dates, as declared
//! (`part 吸纳补贴 to 职工 → 企业`, `part 吸纳补贴 deadline 2020-06-30 → 2020-09-30`).
//! A part without a declaration has the measure's, whose changes are said once,
//! for the measure.

use super::*;

impl Differ<'_> {
    pub(super) fn parts(&mut self, s: &str, num: Option<u32>, o: &Measure, n: &Measure) {
        let mut names: Vec<&str> = Vec::new();
        for m in [o, n] {
            for p in m.part_names().into_iter().flatten() {
                if !names.contains(&p) {
                    names.push(p);
                }
            }
        }
        let to = |pol: &Policy, m: &Measure, p: &str| {
            let d = m.part_decl(Some(p)).filter(|d| !d.to.is_empty())?;
            let list: Vec<&str> =
                d.to.iter()
                    .filter_map(|a| pol.entities.get(a.entity as usize))
                    .map(|e| e.name.as_str())
                    .collect();
            Some(list.join(" or "))
        };
        for p in names {
            let (od, nd) = (o.part_decl(Some(p)), n.part_decl(Some(p)));
            self.compare(
                s,
                num,
                ChangeKind::AddresseeChanged,
                &format!("part {p} to"),
                to(self.old, o, p),
                to(self.new, n, p),
            );
            let eff = |d: Option<&ir::PartDef>| d.and_then(|d| d.effective);
            self.compare(
                s,
                num,
                ChangeKind::EffectiveChanged,
                &format!("part {p} effective from"),
                eff(od).and_then(|e| e.from).map(|d| d.to_string()),
                eff(nd).and_then(|e| e.from).map(|d| d.to_string()),
            );
            self.compare(
                s,
                num,
                ChangeKind::EffectiveChanged,
                &format!("part {p} effective until"),
                eff(od).and_then(|e| e.to).map(|d| d.to_string()),
                eff(nd).and_then(|e| e.to).map(|d| d.to_string()),
            );
            let dl = |d: Option<&ir::PartDef>| d.and_then(|d| d.applications_until);
            self.compare(
                s,
                num,
                ChangeKind::DeadlineChanged,
                &format!("part {p} deadline"),
                dl(od).map(|d| d.to_string()),
                dl(nd).map(|d| d.to_string()),
            );
        }
    }
}

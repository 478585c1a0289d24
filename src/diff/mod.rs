//! The semantic diff: what changed between two compiled versions of a policy,
//! said in the policy's own words.
//!
//! [`diff`] compares two IRs. Measures are matched by number (or, when a
//! measure was renumbered, by title or by its text), rules and examples by
//! name, parameters by name, departments by their short name. Source positions
//! never count, nor does the order of items: whitespace, comments and moving
//! items around are not changes. Expressions are compared as printed by
//! [`ir::Policy::expr_text`], so that indices (slots, parameter numbers) that
//! move when items move do not count either.
//!
//! A parameter change is reported under each measure whose rules use the
//! parameter (and under `parameters` when none does): a reviewer reads what
//! happened to measure （七）, not to an entry of a table.
//!
//! ```
//! use policyc::source::SourceMap;
//! let compile = |text: &str| {
//!     let mut s = SourceMap::new();
//!     s.add("p.policy", text.to_string());
//!     policyc::compile(&s).map_err(|d| d.len())
//! };
//! let old = compile("measure 3 \"稳岗返还\" { kind directive applications until 2020-12-31 }")?;
//! let new = compile("measure 3 \"稳岗返还\" {\n  kind directive\n  applications until 2021-03-31\n}")?;
//! let changes = policyc::diff::diff(&old, &new);
//! assert_eq!(
//!     policyc::diff::render_text(&changes),
//!     "（三）稳岗返还: deadline 2020-12-31 → 2021-03-31\n"
//! );
//! # Ok::<(), usize>(())
//! ```

#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod matching;
pub mod words;
use matching::match_measures;

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use miette::Diagnostic as MietteDiagnostic;
use serde::Serialize;
use thiserror::Error;
use unicode_width::UnicodeWidthStr;

use crate::ir::{self, Expr, Measure, Node, ParamDef, ParamValue, Policy, Type};

/// What kind of change.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// The document header (number, title, issuer, issue date, region).
    DocumentChanged,
    /// A department of the registry was added.
    RegistryDepartmentAdded,
    /// A department of the registry was removed.
    RegistryDepartmentRemoved,
    /// A department's full name changed.
    RegistryDepartmentRenamed,
    /// An enumeration was added, removed, or its variants changed.
    EnumChanged,
    /// An entity was added or removed, or its description or fields changed.
    EntityChanged,
    /// A section heading was added, removed or retitled.
    SectionChanged,
    /// A measure was added.
    MeasureAdded,
    /// A measure was removed.
    MeasureRemoved,
    /// A measure has another number.
    MeasureRenumbered,
    /// A measure's title changed.
    TitleChanged,
    /// A measure moved to another section.
    MeasureSectionChanged,
    /// A measure's kind changed.
    KindChanged,
    /// A measure is addressed to another entity.
    AddresseeChanged,
    /// The first or last day of the effective period changed.
    EffectiveChanged,
    /// The application deadline changed.
    DeadlineChanged,
    /// A department now answers for the measure.
    DepartmentAdded,
    /// A department no longer answers for the measure.
    DepartmentRemoved,
    /// A department moved between lead, cooperating and joint.
    DepartmentMoved,
    /// The verbatim legal text changed.
    TextChanged,
    /// A rule was added.
    RuleAdded,
    /// A rule was removed.
    RuleRemoved,
    /// A rule's part or the rule it is an exception to changed.
    RuleChanged,
    /// The sentence a rule encodes changed.
    RuleTextChanged,
    /// A rule's condition changed.
    ConditionChanged,
    /// A rule's amount changed.
    AmountChanged,
    /// A rule's floor changed.
    FloorChanged,
    /// A rule's cap changed.
    CapChanged,
    /// A parameter was added.
    ParameterAdded,
    /// A parameter was removed.
    ParameterRemoved,
    /// A parameter's type, kind of value or value changed.
    ParameterChanged,
    /// A dated value was added to a parameter.
    VersionAdded,
    /// A dated value was removed from a parameter.
    VersionRemoved,
    /// The value of a dated version changed.
    VersionChanged,
    /// An example was added.
    ExampleAdded,
    /// An example was removed.
    ExampleRemoved,
    /// An example's date, locality, facts or expectation changed.
    ExampleChanged,
    /// A locality was added.
    LocalityAdded,
    /// A locality was removed.
    LocalityRemoved,
    /// A value a locality sets changed, was added or removed.
    LocalityValueChanged,
}

/// One semantic change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Change {
    /// What the change belongs to, in the policy's words: `（三）失业保险稳岗返还`,
    /// `document`, `department 财政厅`, `locality 呼和浩特市`, `parameters`, …
    pub subject: String,
    /// The number of the measure the change belongs to, if it does.
    pub measure: Option<u32>,
    /// The kind of change.
    pub kind: ChangeKind,
    /// The element that changed: `deadline`, `rule 中小微企业: condition`,
    /// `parameter 个人创业担保贷款最高额度`, …
    pub what: String,
    /// The old value, as policy text (`None`: it did not exist).
    pub old: Option<String>,
    /// The new value, as policy text (`None`: it no longer exists).
    pub new: Option<String>,
    /// For texts: a word-level diff, `[-removed-]{+added+}` around the changes.
    pub text_diff: Option<String>,
    /// More about the change, e.g. `version from 2020-05-09`.
    pub note: Option<String>,
    /// The change in one sentence (without the subject), as the text output shows it.
    pub message: String,
}

/// An error of `policyc diff`: a version that cannot be read or compiled.
#[derive(Debug, Error, MietteDiagnostic)]
pub enum DiffError {
    /// `policyc diff old.policy missing.policy`
    #[error("cannot read `{path}`: {message}")]
    #[diagnostic(code(policy::diff::read))]
    Read {
        /// The path.
        path: String,
        /// The system's message.
        message: String,
    },
    /// One version has errors (they are reported before this one).
    #[error("the {which} version `{path}` does not compile")]
    #[diagnostic(
        code(policy::diff::invalid_version),
        help("fix the errors above; `policyc check` shows them too")
    )]
    Invalid {
        /// `old` or `new`.
        which: &'static str,
        /// The path given.
        path: String,
    },
}

/// Every semantic change from `old` to `new`, in a stable order: the document,
/// the registries, then measure by measure, then parameters no measure uses,
/// then localities. Empty when the two policies mean the same.
pub fn diff(old: &Policy, new: &Policy) -> Vec<Change> {
    let mut d = Differ {
        old,
        new,
        out: Vec::new(),
    };
    d.document();
    d.registry();
    d.enums();
    d.entities();
    d.sections();
    let params = d.parameter_changes();
    d.measures(&params);
    d.unused_parameters(&params);
    d.localities();
    d.out
}

/// The changes for people: one line each (`subject: message`), or three for a
/// changed expression too long for one line. Empty for no change.
pub fn render_text(changes: &[Change]) -> String {
    let mut s = String::new();
    for c in changes {
        s.push_str(&c.subject);
        s.push_str(": ");
        s.push_str(&c.message);
        s.push('\n');
    }
    s
}

/// The JSON report: `{"equal": …, "changes": […]}`, keys in declaration order.
#[derive(Serialize)]
struct Report<'c> {
    equal: bool,
    changes: &'c [Change],
}

/// The changes for programs: `{"equal": …, "changes": […]}`, pretty-printed,
/// with a final newline.
pub fn render_json(changes: &[Change]) -> String {
    let report = Report {
        equal: changes.is_empty(),
        changes,
    };
    let mut s =
        serde_json::to_string_pretty(&report).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}

// ---------------------------------------------------------------------------

const SHORT: usize = 36;

fn opt_date(d: Option<NaiveDate>) -> Option<String> {
    d.map(|d| d.format("%Y-%m-%d").to_string())
}

fn or_none(s: &Option<String>) -> &str {
    s.as_deref().unwrap_or("none")
}

fn message(
    kind: ChangeKind,
    what: &str,
    old: &Option<String>,
    new: &Option<String>,
    text_diff: &Option<String>,
    note: &Option<String>,
) -> String {
    let note_s = note.as_ref().map(|n| format!(" ({n})")).unwrap_or_default();
    match kind {
        ChangeKind::MeasureAdded => return format!("measure added{note_s}"),
        ChangeKind::MeasureRemoved => return format!("measure removed{note_s}"),
        ChangeKind::MeasureRenumbered => {
            return format!("renumbered {} → {}", or_none(old), or_none(new))
        }
        ChangeKind::DepartmentMoved => {
            return format!("{what} moved from {} to {}", or_none(old), or_none(new))
        }
        ChangeKind::DepartmentAdded => return format!("{what} added as {}", or_none(new)),
        ChangeKind::DepartmentRemoved => return format!("{what} removed (was {})", or_none(old)),
        _ => {}
    }
    if let Some(td) = text_diff {
        return format!("{what} changed: {td}");
    }
    match (old, new) {
        (None, Some(n)) => format!("{what} added: {n}{note_s}"),
        (Some(o), None) => format!("{what} removed: {o}{note_s}"),
        (Some(o), Some(n)) => {
            let short =
                o.width() <= SHORT && n.width() <= SHORT && !o.contains('\n') && !n.contains('\n');
            // `parameter 上限: 15 万 → 20 万`, but `deadline 2020-12-31 → 2021-03-31`
            // and `rule 甲: cap 1000 元 → 2000 元`
            let named = matches!(
                kind,
                ChangeKind::ParameterChanged
                    | ChangeKind::VersionChanged
                    | ChangeKind::LocalityValueChanged
                    | ChangeKind::EntityChanged
                    | ChangeKind::ExampleChanged
            ) && !what.contains(':');
            let sep = if named { ": " } else { " " };
            if short {
                format!("{what}{sep}{o} → {n}{note_s}")
            } else {
                format!("{what} changed{note_s}\n    old: {o}\n    new: {n}")
            }
        }
        (None, None) => format!("{what} changed{note_s}"),
    }
}

/// A parameter's changes, before they are given a subject.
struct ParamChange {
    name: String,
    kind: ChangeKind,
    what: String,
    old: Option<String>,
    new: Option<String>,
    note: Option<String>,
}

struct Differ<'p> {
    old: &'p Policy,
    new: &'p Policy,
    out: Vec<Change>,
}

impl<'p> Differ<'p> {
    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        subject: &str,
        measure: Option<u32>,
        kind: ChangeKind,
        what: &str,
        old: Option<String>,
        new: Option<String>,
        text_diff: Option<String>,
        note: Option<String>,
    ) {
        let message = message(kind, what, &old, &new, &text_diff, &note);
        self.out.push(Change {
            subject: subject.to_string(),
            measure,
            kind,
            what: what.to_string(),
            old,
            new,
            text_diff,
            note,
            message,
        });
    }

    /// Pushes a change when `old` and `new` differ.
    fn compare(
        &mut self,
        subject: &str,
        measure: Option<u32>,
        kind: ChangeKind,
        what: &str,
        old: Option<String>,
        new: Option<String>,
    ) {
        if old != new {
            self.push(subject, measure, kind, what, old, new, None, None);
        }
    }

    /// Pushes a text change with its word-level diff.
    fn compare_text(
        &mut self,
        subject: &str,
        measure: Option<u32>,
        kind: ChangeKind,
        what: &str,
        old: &str,
        new: &str,
    ) {
        if old == new {
            return;
        }
        let pieces = words::diff(old, new);
        let td = if old.is_empty() || new.is_empty() {
            None
        } else {
            Some(words::render(&pieces, Some(12)))
        };
        let wrap = |s: &str| (!s.is_empty()).then(|| s.to_string());
        self.push(subject, measure, kind, what, wrap(old), wrap(new), td, None);
    }

    // -----------------------------------------------------------------------
    // Header and registries

    fn document(&mut self) {
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
    }

    fn registry(&mut self) {
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

    fn enums(&mut self) {
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

    fn entities(&mut self) {
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

    fn sections(&mut self) {
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

    // -----------------------------------------------------------------------
    // Parameters

    fn param_values(&self, policy: &Policy, p: &ParamDef) -> String {
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

    fn parameter_changes(&self) -> Vec<ParamChange> {
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

    fn unused_parameters(&mut self, params: &[ParamChange]) {
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

    fn push_param(&mut self, subject: &str, measure: Option<u32>, p: &ParamChange) {
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

    // -----------------------------------------------------------------------
    // Measures

    fn measures(&mut self, params: &[ParamChange]) {
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

    fn dept_id(policy: &Policy, full: &str) -> String {
        policy
            .departments
            .iter()
            .find(|d| d.name == full)
            .map_or_else(|| full.to_string(), |d| d.id.clone())
    }

    fn measure(&mut self, o: &Measure, n: &Measure, params: &[ParamChange]) {
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

    fn departments(&mut self, s: &str, num: Option<u32>, o: &Measure, n: &Measure) {
        let roles = |p: &Policy, d: &ir::Departments| {
            let mut v: Vec<(String, &'static str)> = Vec::new();
            for (list, role) in [
                (&d.lead, "lead"),
                (&d.cooperating, "cooperating"),
                (&d.joint, "joint"),
            ] {
                for full in list {
                    v.push((Self::dept_id(p, full), role));
                }
            }
            v
        };
        let old = roles(self.old, &o.departments);
        let new = roles(self.new, &n.departments);
        let new_map: BTreeMap<&str, &str> = new.iter().map(|(d, r)| (d.as_str(), *r)).collect();
        let old_map: BTreeMap<&str, &str> = old.iter().map(|(d, r)| (d.as_str(), *r)).collect();
        for (d, r) in &old {
            let what = format!("department {d}");
            match new_map.get(d.as_str()) {
                None => self.push(
                    s,
                    num,
                    ChangeKind::DepartmentRemoved,
                    &what,
                    Some((*r).into()),
                    None,
                    None,
                    None,
                ),
                Some(nr) if nr != r => self.push(
                    s,
                    num,
                    ChangeKind::DepartmentMoved,
                    &what,
                    Some((*r).into()),
                    Some((*nr).into()),
                    None,
                    None,
                ),
                Some(_) => {}
            }
        }
        for (d, r) in &new {
            if !old_map.contains_key(d.as_str()) {
                let what = format!("department {d}");
                self.push(
                    s,
                    num,
                    ChangeKind::DepartmentAdded,
                    &what,
                    None,
                    Some((*r).into()),
                    None,
                    None,
                );
            }
        }
    }

    fn rule_summary(policy: &Policy, m: &Measure, r: &ir::RuleDef) -> String {
        let mut parts = Vec::new();
        if let Some(p) = &r.part {
            parts.push(format!("part {p}"));
        }
        if let Some(x) = r.exception_to.and_then(|i| m.rules.get(i as usize)) {
            parts.push(format!("exception to {}", x.name));
        }
        for (kw, e) in [
            ("when", &r.condition),
            ("amount", &r.amount),
            ("floor", &r.floor),
            ("cap", &r.cap),
        ] {
            if let Some(e) = e {
                parts.push(format!("{kw} {}", policy.expr_text(e)));
            }
        }
        if parts.is_empty() {
            "(always)".to_string()
        } else {
            parts.join("; ")
        }
    }

    fn rules(&mut self, s: &str, num: Option<u32>, o: &Measure, n: &Measure) {
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
                        let message = format!(
                            "{what} changed\n    old: {}\n    new: {}",
                            or_none(&x),
                            or_none(&y)
                        );
                        self.out.push(Change {
                            subject: s.to_string(),
                            measure: num,
                            kind,
                            what,
                            old: x,
                            new: y,
                            text_diff: None,
                            note: None,
                            message,
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

    fn example_summary(policy: &Policy, x: &ir::ExampleDef) -> String {
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
        if let Some(a) = x.expect.amount {
            s.push_str(&format!(" {}", ir::number_text(a, &Type::money())));
        }
        if let Some(f) = &x.expect.facts {
            s.push_str(&format!(" [{}]", f.join(", ")));
        }
        s
    }

    fn examples(&mut self, s: &str, num: Option<u32>, o: &Measure, n: &Measure) {
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

    // -----------------------------------------------------------------------
    // Localities

    fn localities(&mut self) {
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

/// The names of the parameters a measure's rules use.
fn params_used(m: &Measure) -> BTreeSet<String> {
    fn walk(e: &Expr, out: &mut BTreeSet<String>) {
        match &e.node {
            Node::Param { name, .. } => {
                out.insert(name.clone());
            }
            Node::Literal { .. } | Node::Field { .. } => {}
            Node::Not { arg } | Node::Neg { arg } | Node::In { arg, .. } => walk(arg, out),
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
        }
    }
    let mut out = BTreeSet::new();
    for r in &m.rules {
        for e in [&r.condition, &r.amount, &r.floor, &r.cap]
            .into_iter()
            .flatten()
        {
            walk(e, &mut out);
        }
    }
    out
}

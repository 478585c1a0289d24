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

mod consequences;
mod definitions;
mod departments;
mod document;
mod matching;
mod measures;
mod params;
mod parts;
mod periods;
mod records;
mod review;
mod same_value;
pub mod words;
use matching::match_measures;
pub use review::render_markdown;

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
#[non_exhaustive]
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
    /// A department moved between lead, cooperating, joint and implementing.
    DepartmentMoved,
    /// A department list became open (ends in 等) or closed, or a department
    /// is written with another of its spellings.
    DepartmentWordingChanged,
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
    /// A rule's kind of value changed (`gives paid` → `gives loan_ceiling`).
    GivesChanged,
    /// A rule became discretionary (`may`), entitled, or another decides.
    DiscretionChanged,
    /// A rule's amount became a bound (`amount at most E`) or the figure.
    AmountBoundChanged,
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
    /// An amount, floor or cap rewritten to an expression of the same value
    /// everywhere (`生活费补贴标准` → `1500 元`): not a change of meaning.
    SameValue,
    /// The consequence of the other changes on an example written in both
    /// versions: its outcome differs (or a new example fails); `note` says
    /// whether it passes now.
    ExampleOutcomeChanged,
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
    /// For a locality's value: the measures whose rules use the parameter,
    /// as `（三）失业保险稳岗返还` (absent when empty).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub affects: Vec<String>,
}

/// An error of `policyc diff`: a version that cannot be read or compiled.
#[derive(Debug, Error, MietteDiagnostic)]
#[non_exhaustive]
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
    d.records();
    d.sections();
    let params = d.parameter_changes();
    d.measures(&params);
    d.unused_parameters(&params);
    d.localities();
    let mut out = d.out;
    for c in &mut out {
        for_review(new, c);
        if let Some(v) = same_value::same_value(old, new, c) {
            c.kind = ChangeKind::SameValue;
            c.message = format!(
                "{}: same value, {v}",
                c.message.lines().next().unwrap_or_default()
            );
            c.note = Some(format!("same value, {v}"));
        }
    }
    // consequences only of a change: nothing to run when nothing changed
    if !out.is_empty() {
        out.extend(consequences::examples(old, new));
    }
    out
}

/// Rewrites a change's message the way a reviewer reads it best: a long
/// changed expression marked at the word level, a changed example by what
/// changed in it, a locality's value with the measures it affects.
fn for_review(new: &Policy, c: &mut Change) {
    match (c.kind, &c.old, &c.new) {
        (k, Some(o), Some(n)) if review::is_expression(k) && c.message.contains('\n') => {
            if let Some(td) = review::expression_diff(o, n) {
                // the period notes of a condition stay, on their own lines
                let notes: Vec<&str> = c.message.lines().skip(3).collect();
                let mut m = format!("{} changed: {td}", c.what);
                for line in notes {
                    m.push('\n');
                    m.push_str(line);
                }
                c.message = m;
                c.text_diff = Some(td);
            }
        }
        (ChangeKind::ExampleChanged, Some(o), Some(n)) => {
            if let Some(delta) = review::example_delta(o, n) {
                c.message = format!("{}: {delta}", c.what);
            }
        }
        (ChangeKind::LocalityValueChanged, _, _) => {
            c.affects = review::measures_using(new, &c.what);
            if !c.affects.is_empty() {
                c.message
                    .push_str(&format!(" (affects {})", c.affects.join(", ")));
            }
        }
        _ => {}
    }
}

/// Whether any change is one of meaning: a rewrite to the same value is not
/// (the two versions then mean the same: `policyc diff` exits 0).
pub fn changes_meaning(changes: &[Change]) -> bool {
    changes.iter().any(|c| c.kind != ChangeKind::SameValue)
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
        equal: !changes_meaning(changes),
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

/// What a rule's amount is, in words (for [`ChangeKind::AmountBoundChanged`]).
fn bound_words(b: Option<ir::AmountBound>) -> &'static str {
    match b {
        None => "the figure",
        Some(ir::AmountBound::AtMost) => {
            "an upper bound (at most: the figure is decided by someone else)"
        }
        Some(ir::AmountBound::AtLeast) => "a lower bound (at least)",
    }
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
        ChangeKind::AmountBoundChanged => {
            return format!("{what} became {} (was {})", or_none(new), or_none(old))
        }
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
            affects: Vec::new(),
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
}

//! What makes a diff one a reviewer can act on: a changed expression marked at
//! the word level, a changed example said by what changed in it, a locality's
//! value tied to the measures it affects, and a Markdown report for a pull
//! request.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::{params::params_used, words, Change, ChangeKind};
use crate::ir::Policy;

/// Whether changes of `kind` are expressions (compared as policy text).
pub(super) fn is_expression(kind: ChangeKind) -> bool {
    matches!(
        kind,
        ChangeKind::ConditionChanged
            | ChangeKind::AmountChanged
            | ChangeKind::FloorChanged
            | ChangeKind::CapChanged
    )
}

/// The word-level diff of two expressions, with a little context: `规模 in
/// {微型, 小型[-, 中型-]} and …`. `None` when nothing is in common (a
/// rewrite is better read as old and new).
pub(super) fn expression_diff(old: &str, new: &str) -> Option<String> {
    let pieces = words::diff(old, new);
    let common: usize = pieces
        .iter()
        .map(|p| match p {
            words::Piece::Same(s) => s.chars().filter(|c| !c.is_whitespace()).count(),
            _ => 0,
        })
        .sum();
    (common > 0 && words::changed(&pieces)).then(|| words::render(&pieces, Some(16)))
}

/// An example's summary (`date …, locality …, 企业 { a: 1, b: 2 }, expect …`,
/// as `example_summary` writes it) taken apart: date, locality, entity,
/// facts by name, expectation.
struct Summary<'s> {
    date: &'s str,
    locality: Option<&'s str>,
    entity: &'s str,
    facts: BTreeMap<&'s str, &'s str>,
    expect: &'s str,
}

fn parse_summary(s: &str) -> Option<Summary<'_>> {
    let rest = s.strip_prefix("date ")?;
    let (date, rest) = rest.split_once(", ")?;
    let (locality, rest) = match rest.strip_prefix("locality ") {
        Some(r) => {
            let (l, r) = r.split_once(", ")?;
            (Some(l), r)
        }
        None => (None, rest),
    };
    let (entity, rest) = rest.split_once(" { ")?;
    let (facts, expect) = rest.rsplit_once(" }, expect ")?;
    let facts = facts
        .split(", ")
        .filter(|f| !f.is_empty())
        .filter_map(|f| f.split_once(": "))
        .collect();
    Some(Summary {
        date,
        locality,
        entity,
        facts,
        expect,
    })
}

/// What changed in an example, and only that: `date 2020-07-01 → 2020-08-01;
/// 裁员率: 3% → 6%; expect eligible 48000.00 元 → not_eligible`. `None` when
/// the summaries cannot be taken apart (then both are shown whole).
pub(super) fn example_delta(old: &str, new: &str) -> Option<String> {
    let (o, n) = (parse_summary(old)?, parse_summary(new)?);
    let mut parts = Vec::new();
    if o.date != n.date {
        parts.push(format!("date {} → {}", o.date, n.date));
    }
    if o.locality != n.locality {
        parts.push(format!(
            "locality {} → {}",
            o.locality.unwrap_or("none"),
            n.locality.unwrap_or("none")
        ));
    }
    if o.entity != n.entity {
        parts.push(format!("facts of {} → {}", o.entity, n.entity));
    }
    let names: std::collections::BTreeSet<&str> =
        o.facts.keys().chain(n.facts.keys()).copied().collect();
    for name in names {
        match (o.facts.get(name), n.facts.get(name)) {
            (Some(a), Some(b)) if a != b => parts.push(format!("{name}: {a} → {b}")),
            (Some(a), None) => parts.push(format!("{name} removed (was {a})")),
            (None, Some(b)) => parts.push(format!("{name} added: {b}")),
            _ => {}
        }
    }
    if o.expect != n.expect {
        parts.push(format!("expect {} → {}", o.expect, n.expect));
    }
    (!parts.is_empty()).then(|| parts.join("; "))
}

/// The measures of `policy` whose rules use parameter `name`, as
/// `（三）失业保险稳岗返还`.
pub(super) fn measures_using(policy: &Policy, name: &str) -> Vec<String> {
    policy
        .measures
        .iter()
        .filter(|m| params_used(m).contains(name))
        .map(|m| format!("{}{}", m.label, m.title))
        .collect()
}

/// The changes as Markdown for a pull-request comment: a summary line, then
/// one section per subject (a measure, `document`, a locality …), each change a
/// list item, texts and long expressions in code spans; a locality's value is
/// also listed under each measure it affects.
pub fn render_markdown(changes: &[Change]) -> String {
    let mut s = String::new();
    if changes.is_empty() {
        s.push_str("**policyc diff**: no semantic change.\n");
        return s;
    }
    let _ = writeln!(
        s,
        "**policyc diff**: {} change{}",
        changes.len(),
        if changes.len() == 1 { "" } else { "s" }
    );
    let mut subjects: Vec<(&str, Vec<&Change>)> = Vec::new();
    for c in changes {
        let mut targets = vec![c.subject.as_str()];
        if c.kind == ChangeKind::LocalityValueChanged {
            targets.extend(c.affects.iter().map(String::as_str));
        }
        for t in targets {
            match subjects.iter_mut().find(|(k, _)| *k == t) {
                Some((_, v)) => v.push(c),
                None => subjects.push((t, vec![c])),
            }
        }
    }
    for (subject, list) in subjects {
        let _ = writeln!(s, "\n### {}\n", md_text(subject));
        for c in list {
            let prefix = if c.subject == subject {
                String::new()
            } else {
                format!("{}: ", md_text(&c.subject))
            };
            let body = match (&c.text_diff, &c.old, &c.new) {
                (Some(td), _, _) => {
                    format!("{} changed: `{}`", md_text(&c.what), td.replace('`', "'"))
                }
                (None, Some(o), Some(n))
                    if o.contains('\n') || n.contains('\n') || o.len() + n.len() > 80 =>
                {
                    format!(
                        "{} changed\n  - old: `{}`\n  - new: `{}`",
                        md_text(&c.what),
                        o.replace('`', "'").replace('\n', " "),
                        n.replace('`', "'").replace('\n', " ")
                    )
                }
                _ => md_text(c.message.lines().next().unwrap_or_default()),
            };
            let _ = writeln!(s, "- {prefix}{body}");
        }
    }
    s
}

/// Text for Markdown: the characters that would format are escaped.
fn md_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_example_says_what_changed_in_it() {
        let old = "date 2020-07-01, locality 包头市, 企业 { 规模: 小型, 裁员率: 3% }, expect eligible 48000.00 元";
        let new =
            "date 2020-08-01, 企业 { 规模: 小型, 裁员率: 6%, 参保: true }, expect not_eligible";
        assert_eq!(
            example_delta(old, new).as_deref(),
            Some("date 2020-07-01 → 2020-08-01; locality 包头市 → none; 参保 added: true; 裁员率: 3% → 6%; expect eligible 48000.00 元 → not_eligible")
        );
        assert_eq!(example_delta(old, old), None);
    }

    #[test]
    fn an_expression_is_marked_at_the_word_level() {
        assert_eq!(
            expression_diff(
                "规模 in {微型, 小型, 中型} and 裁员率 <= 5%",
                "规模 in {微型, 小型} and 裁员率 <= 5%"
            )
            .as_deref(),
            Some("规模 in {微型, 小型[-, 中型-]} and 裁员率 <= 5%")
        );
        assert_eq!(expression_diff("甲", "乙"), None);
    }
}

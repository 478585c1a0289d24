//! Member records for a CSV batch, as registers are kept: a second CSV file
//! per list (`policyc batch --input firms.csv --members 新招用人员=hires.csv`),
//! whose `id` column names the parent record's `id` and whose other columns
//! are the record's fields. The file is read whole and indexed by parent id
//! before the run (memory: its members, as facts); each parent record read
//! for evaluation gets its members (none: an empty list, known); a list
//! without a file stays unknown. A member row whose parent is not among the
//! records evaluated is reported as a rejection of the run, never dropped
//! silently. See docs/cli.md, `policyc batch`.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};

use super::error::BatchError;
use super::summary::{Rejection, Summary};
use crate::eval::{cell_value, Facts};
use crate::ir::Policy;

/// One members file: the list it fills, its name (for messages) and its text.
#[derive(Clone, Copy, Debug)]
pub struct MemberFile<'a> {
    /// The list's name in the entity (`新招用人员`).
    pub list: &'a str,
    /// The file's name, as messages show it.
    pub name: &'a str,
    /// The CSV text: a header (`id` and field names), then one member a record.
    pub text: &'a str,
}

/// The code of a member row whose parent id names no record evaluated.
pub const MEMBER_WITHOUT_PARENT: &str = "policy::batch::member_without_parent";

/// The members of one list, by parent id.
#[derive(Debug)]
pub(crate) struct MemberIndex {
    list: usize,
    name: String,
    by_parent: HashMap<String, Group>,
}

#[derive(Debug)]
struct Group {
    members: Vec<Facts>,
    /// The line of each member in the file.
    lines: Vec<u64>,
    used: AtomicBool,
}

fn bad(file: &str, line: u64, message: String) -> BatchError {
    BatchError::MemberFile {
        file: file.to_string(),
        line,
        message,
    }
}

/// Reads and indexes the member files of entity `entity`.
pub(crate) fn load(
    policy: &Policy,
    entity: u32,
    files: &[MemberFile<'_>],
) -> Result<Vec<MemberIndex>, BatchError> {
    let mut out = Vec::with_capacity(files.len());
    let ent = policy.entities.get(entity as usize);
    for f in files {
        let Some((li, list)) =
            ent.and_then(|e| e.lists.iter().enumerate().find(|(_, l)| l.name == f.list))
        else {
            let lists: Vec<&str> = ent
                .map(|e| e.lists.iter().map(|l| l.name.as_str()).collect())
                .unwrap_or_default();
            return Err(bad(
                f.name,
                0,
                format!(
                    "`{}` is not a list of the entity (its lists: {})",
                    f.list,
                    if lists.is_empty() {
                        "none".to_string()
                    } else {
                        lists.join(", ")
                    }
                ),
            ));
        };
        let rec = policy.records.get(list.record as usize);
        let fields = rec.map_or(&[][..], |r| r.fields.as_slice());
        let text = f.text.strip_prefix('\u{FEFF}').unwrap_or(f.text);
        let b = text.as_bytes();
        let mut start = 0;
        let mut line = 1u64;
        let mut roles: Option<(usize, Vec<Option<usize>>)> = None;
        let mut by_parent: HashMap<String, Group> = HashMap::new();
        let mut cells = Vec::new();
        while start < b.len() {
            let (end, next) = super::csv::record_end(b, start).unwrap_or((b.len(), b.len()));
            let rec_text = text.get(start..end).unwrap_or("");
            let this_line = line;
            line += text
                .get(start..next.min(b.len()))
                .map_or(1, |s| s.matches('\n').count().max(1) as u64);
            start = next;
            if rec_text.is_empty() {
                continue;
            }
            super::csv::cells(rec_text, &mut cells).map_err(|m| bad(f.name, this_line, m))?;
            let Some((id_col, cols)) = &roles else {
                let mut id_col = None;
                let mut cols = Vec::with_capacity(cells.len());
                for (i, c) in cells.iter().enumerate() {
                    if c == "id" {
                        id_col = Some(i);
                        cols.push(None);
                        continue;
                    }
                    match fields.iter().position(|x| x.name == *c) {
                        Some(s) => cols.push(Some(s)),
                        None => {
                            return Err(bad(
                                f.name,
                                this_line,
                                format!("`{c}` is not a field of the members of `{}`", f.list),
                            ))
                        }
                    }
                }
                let Some(id_col) = id_col else {
                    return Err(bad(
                        f.name,
                        this_line,
                        "no `id` column naming each member's parent record".into(),
                    ));
                };
                roles = Some((id_col, cols));
                continue;
            };
            if cells.len() != cols.len() {
                return Err(bad(
                    f.name,
                    this_line,
                    format!("{} cells, the header has {}", cells.len(), cols.len()),
                ));
            }
            let parent = cells
                .get(*id_col)
                .map(|c| c.to_string())
                .unwrap_or_default();
            let mut m = crate::eval::member_facts(policy, list.record, entity);
            for (cell, slot) in cells.iter().zip(cols) {
                let Some(s) = slot else { continue };
                let Some(fd) = fields.get(*s) else { continue };
                let v = cell_value(policy, &fd.ty, cell).map_err(|(_, msg, _)| {
                    bad(f.name, this_line, format!("`{}`: {msg}", fd.name))
                })?;
                if let Some(x) = m.values.get_mut(*s) {
                    *x = v;
                }
            }
            let g = by_parent.entry(parent).or_insert_with(|| Group {
                members: Vec::new(),
                lines: Vec::new(),
                used: AtomicBool::new(false),
            });
            if g.members.len() >= crate::ir::MAX_MEMBERS {
                return Err(bad(
                    f.name,
                    this_line,
                    format!(
                        "more than {} members for one record (policy::facts::too_many_members)",
                        crate::ir::MAX_MEMBERS
                    ),
                ));
            }
            g.members.push(m);
            g.lines.push(this_line);
        }
        out.push(MemberIndex {
            list: li,
            name: f.name.to_string(),
            by_parent,
        });
    }
    Ok(out)
}

/// Gives record `id`'s members to `facts`: those of the files, or an empty
/// list (known) where a file has none for it.
pub(crate) fn attach(indexes: &[MemberIndex], id: &str, facts: &mut Facts) {
    for ix in indexes {
        let members = match ix.by_parent.get(id) {
            Some(g) => {
                g.used.store(true, Ordering::Relaxed);
                g.members.clone()
            }
            None => Vec::new(),
        };
        if facts.lists.len() <= ix.list {
            facts.lists.resize(ix.list + 1, None);
        }
        if let Some(l) = facts.lists.get_mut(ix.list) {
            *l = Some(members);
        }
    }
}

/// Reports every member row whose parent was not evaluated, as rejections.
pub(crate) fn report(indexes: &[MemberIndex], max: usize, summary: &mut Summary) {
    let mut unmatched: Vec<(&str, u64, &str)> = Vec::new();
    for ix in indexes {
        for (parent, g) in &ix.by_parent {
            if !g.used.load(Ordering::Relaxed) {
                unmatched.extend(
                    g.lines
                        .iter()
                        .map(|l| (ix.name.as_str(), *l, parent.as_str())),
                );
            }
        }
    }
    unmatched.sort_unstable();
    for (file, line, parent) in unmatched {
        summary.rejected += 1;
        if summary.rejections.len() < max {
            summary.rejections.push(Rejection {
                line,
                id: Some(parent.to_string()),
                code: MEMBER_WITHOUT_PARENT,
                reason: format!(
                    "{file} line {line}: a member whose parent `{parent}` is not a record evaluated"
                ),
            });
        }
    }
}

/// The member indexes of a run: none without files; an error for files
/// given with JSONL input (whose records nest their members) or without an
/// entity. Files of lists no reported measure reads are read and checked,
/// and their members are not reported as unmatched.
pub(crate) fn for_plan(
    policy: &Policy,
    opts: &super::BatchOptions<'_>,
    entity: Option<u32>,
    reported: &[usize],
) -> Result<Vec<MemberIndex>, BatchError> {
    let Some(first) = opts.members.first() else {
        return Ok(Vec::new());
    };
    let (super::InputFormat::Csv, Some(entity)) = (opts.input_format, entity) else {
        return Err(bad(
            first.name,
            0,
            "members files join CSV records; a JSONL record gives its members as nested arrays"
                .into(),
        ));
    };
    let mut out = load(policy, entity, &opts.members)?;
    let read = reported
        .iter()
        .filter_map(|&i| policy.measures.get(i))
        .any(crate::ir::reads_members);
    if !read {
        for ix in &mut out {
            for g in ix.by_parent.values_mut() {
                g.used = AtomicBool::new(true);
            }
        }
    }
    Ok(out)
}

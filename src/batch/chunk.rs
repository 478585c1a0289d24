//! One chunk of input, start to finish: its records read into columns (or
//! rejected with their line and reason), each entity's measures evaluated —
//! as a constant, over columns, or record by record — and the result lines
//! and figures produced in input order.

use std::borrow::Cow;
use std::collections::HashMap;

use super::columnar::Cell;
use super::columns::Columns;
use super::encoding::not_utf8_reason;
use super::output::{Out, View};
/// The code of a record rejected because its total overflows: the error
/// `policyc eval` gives for it.
const TOTAL_OVERFLOW: &str = "policy::eval::total_overflow";

use super::plan::{record_total, total_overflow_reason, EntityPlan, Mode, Outcome, Plan};
use super::reread::{reread, strip_unchecked};
use super::summary::{Rejection, Tally};
use super::{csv, jsonl, BatchError, InputFormat};
use crate::eval::{Facts, FactsError, Scalar};
use crate::ir::Policy;

/// What a CSV column holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Role {
    Id,
    Field(usize),
}

/// The meaning of a CSV file's columns.
#[derive(Clone, Debug)]
pub(crate) struct CsvLayout {
    pub entity: u32,
    pub roles: Vec<Role>,
}

/// How records are read: the input format and its schema lookups.
pub(crate) struct Reader<'p> {
    pub plan: &'p Plan<'p>,
    pub format: InputFormat,
    pub csv: Option<CsvLayout>,
    /// Per entity: field name → slot.
    lookup: Vec<HashMap<&'p str, usize>>,
}

impl<'p> Reader<'p> {
    pub(crate) fn new(plan: &'p Plan<'p>, format: InputFormat, csv: Option<CsvLayout>) -> Self {
        let lookup = plan
            .policy
            .entities
            .iter()
            .map(|e| {
                e.fields
                    .iter()
                    .enumerate()
                    .map(|(i, f)| (f.name.as_str(), i))
                    .collect()
            })
            .collect();
        Reader {
            plan,
            format,
            csv,
            lookup,
        }
    }
}

/// The CSV layout for `header`: which entity (given, or the one whose fields
/// hold every column) and the role of each column.
pub(crate) fn csv_layout(
    policy: &Policy,
    header: &str,
    entity: Option<u32>,
) -> Result<CsvLayout, BatchError> {
    let mut names = Vec::new();
    csv::cells(header.trim_start_matches('\u{feff}'), &mut names).map_err(|m| {
        BatchError::Read {
            message: format!("the CSV header is malformed: {m}"),
        }
    })?;
    let names: Vec<String> = names.iter().map(|c| c.trim().to_string()).collect();
    if names.iter().all(String::is_empty) {
        return Err(BatchError::NoHeader);
    }
    let fields: Vec<&String> = names.iter().filter(|n| n.as_str() != "id").collect();
    let fits = |e: &crate::ir::EntityDef| {
        fields
            .iter()
            .filter(|n| e.fields.iter().any(|f| &f.name == **n))
            .count()
    };
    let chosen = match entity {
        Some(e) => e,
        None => {
            let full: Vec<(usize, &crate::ir::EntityDef)> = policy
                .entities
                .iter()
                .enumerate()
                .filter(|(_, e)| fits(e) == fields.len())
                .collect();
            match full.as_slice() {
                [(i, _)] => *i as u32,
                [] => {
                    // the closest entity, to name the column that does not fit
                    policy
                        .entities
                        .iter()
                        .enumerate()
                        .max_by_key(|(_, e)| fits(e))
                        .map(|(i, _)| i as u32)
                        .ok_or(BatchError::WhichEntity {
                            help: Some("the policy declares no entity".into()),
                        })?
                }
                many => {
                    let list: Vec<&str> = many.iter().map(|(_, e)| e.name.as_str()).collect();
                    return Err(BatchError::WhichEntity {
                        help: Some(format!(
                            "the columns fit {}; name one with `--entity`",
                            list.join(" and ")
                        )),
                    });
                }
            }
        }
    };
    let def = policy
        .entities
        .get(chosen as usize)
        .ok_or(BatchError::Internal)?;
    let mut roles = Vec::with_capacity(names.len());
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (i, n) in names.iter().enumerate() {
        if let Some(first) = seen.insert(n.as_str(), i + 1) {
            return Err(BatchError::DuplicateColumn {
                column: i + 1,
                first,
                name: n.clone(),
            });
        }
        if n == "id" {
            roles.push(Role::Id);
            continue;
        }
        match def.fields.iter().position(|f| &f.name == n) {
            Some(slot) => roles.push(Role::Field(slot)),
            None => {
                let help =
                    crate::suggest::did_you_mean(n, def.fields.iter().map(|f| f.name.as_str()))
                        .or_else(|| {
                            Some(format!(
                                "the columns are `id` and the fields of `{}`",
                                def.name
                            ))
                        });
                return Err(BatchError::UnknownColumn {
                    column: i + 1,
                    name: n.clone(),
                    entity: def.name.clone(),
                    help,
                });
            }
        }
    }
    Ok(CsvLayout {
        entity: chosen,
        roles,
    })
}

enum Id {
    None,
    Span(usize, usize),
    Own(String),
}

/// The codes of rejected records (besides `policy::facts::*`, as `eval`
/// reports facts): see docs/cli.md.
pub(crate) const NOT_UTF8: &str = "policy::batch::not_utf8";
const CELL_COUNT: &str = "policy::batch::cell_count";
const CSV_SYNTAX: &str = "policy::batch::csv_syntax";
const OTHER_ENTITY: &str = "policy::batch::other_entity";
const INTERNAL: &str = "policy::batch::internal";

enum State {
    Row {
        entity: u32,
        row: usize,
    },
    /// Its code and reason.
    Rejected(&'static str, String),
}

struct Rec {
    line: u64,
    start: usize,
    end: usize,
    id: Id,
    state: State,
}

/// The results of one measure over one entity's rows.
pub(super) enum Res {
    Constant,
    Dense {
        cells: Vec<Cell>,
        /// Rows evaluated one at a time, sorted by row.
        over: Vec<(usize, Outcome)>,
    },
    Rows(Vec<Outcome>),
}

impl Res {
    /// The outcome of row `row`, given how the measure was evaluated.
    pub(super) fn view<'a>(&'a self, mode: &'a Mode, row: usize) -> Option<View<'a>> {
        match (self, mode) {
            (Res::Constant, Mode::Constant(o)) => Some(View::Out(o)),
            (Res::Dense { cells, over }, Mode::Columnar(prog)) => {
                match over.binary_search_by_key(&row, |(r, _)| *r) {
                    Ok(k) => over.get(k).map(|(_, o)| View::Out(o)),
                    Err(_) => cells.get(row).map(|c| View::Cell(*c, prog)),
                }
            }
            (Res::Rows(list), _) => list.get(row).map(View::Out),
            _ => None,
        }
    }
}

/// Offset of `part` inside `whole`, when it is a slice of it.
fn span_of(whole: &[u8], part: &str) -> Option<(usize, usize)> {
    let start = (part.as_ptr() as usize).checked_sub(whole.as_ptr() as usize)?;
    let end = start.checked_add(part.len())?;
    (end <= whole.len()).then_some((start, end))
}

/// Processes one chunk whose first line is `first_line` and which holds about
/// `lines` lines: returns its result lines and figures (with at most `limit`
/// rejections listed).
pub(crate) fn process(
    r: &Reader<'_>,
    out: &Out<'_>,
    chunk: &[u8],
    first_line: u64,
    lines: usize,
    limit: usize,
) -> (Vec<u8>, Tally) {
    let plan = r.plan;
    let policy = plan.policy;
    let mut recs: Vec<Rec> = Vec::with_capacity(lines + 1);
    let mut cols: Vec<Option<Columns>> = vec![None; policy.entities.len()];
    let rows = lines + 1;
    match &r.csv {
        // without quotes nor carriage returns that end no line, a CSV chunk
        // is read by columns
        Some(layout) if memchr::memchr(b'"', chunk).is_none() && !lone_cr(chunk) => {
            read_csv_plain(r, layout, chunk, first_line, rows, &mut cols, &mut recs)
        }
        _ => read_records(r, chunk, first_line, rows, &mut cols, &mut recs),
    }
    for c in cols.iter_mut().flatten() {
        c.finish();
    }

    // evaluate each entity's rows
    let reparse = |ri: u32| -> Option<Facts> {
        let rec = recs.get(ri as usize)?;
        let text = std::str::from_utf8(chunk.get(rec.start..rec.end)?).ok()?;
        reread(r, text)
    };
    let results: Vec<Vec<Res>> = cols
        .iter()
        .enumerate()
        .map(|(ei, c)| match (c, plan.entities.get(ei)) {
            (Some(c), Some(ep)) => evaluate(plan, ep, c, &reparse),
            _ => Vec::new(),
        })
        .collect();

    // format, in input order
    let mut buf = Vec::with_capacity(chunk.len());
    let mut tally = Tally::new(policy.measures.len());
    let mut views: Vec<View<'_>> = Vec::new();
    for rec in &recs {
        tally.records += 1;
        // ids were checked to be UTF-8 when read
        let id: Option<&[u8]> = match &rec.id {
            Id::None => None,
            Id::Span(a, b) => chunk.get(*a..*b),
            Id::Own(s) => Some(s.as_bytes()),
        };
        match &rec.state {
            State::Rejected(code, reason) => {
                tally.rejected += 1;
                if tally.rejections.len() < limit {
                    tally.rejections.push(Rejection {
                        line: rec.line,
                        id: id.map(|x| String::from_utf8_lossy(x).into_owned()),
                        code,
                        reason: reason.clone(),
                    });
                }
                out.rejected(&mut buf, rec.line, id, code, reason);
            }
            State::Row { entity, row } => {
                let (Some(ep), Some(res)) = (
                    plan.entities.get(*entity as usize),
                    results.get(*entity as usize),
                ) else {
                    continue;
                };
                views.clear();
                let mut indices = Vec::with_capacity(ep.measures.len());
                for (mp, rs) in ep.measures.iter().zip(res) {
                    let Some(v) = rs.view(&mp.mode, *row) else {
                        continue;
                    };
                    views.push(v);
                    indices.push(mp.index);
                }
                // a record whose total overflows is an error, as in `policyc eval`
                let gives = |mi: &usize| policy.measures.get(*mi).and_then(|m| m.gives());
                let total = record_total(
                    views
                        .iter()
                        .zip(&indices)
                        .map(|(v, mi)| (v.status(), v.amount(), gives(mi))),
                );
                if let Err(k) = total {
                    let reason =
                        total_overflow_reason(policy, indices.get(k).copied().unwrap_or(0));
                    tally.rejected += 1;
                    if tally.rejections.len() < limit {
                        tally.rejections.push(Rejection {
                            line: rec.line,
                            id: id.map(|x| String::from_utf8_lossy(x).into_owned()),
                            code: TOTAL_OVERFLOW,
                            reason: reason.clone(),
                        });
                    }
                    out.rejected(&mut buf, rec.line, id, TOTAL_OVERFLOW, &reason);
                    continue;
                }
                for (v, mi) in views.iter().zip(&indices) {
                    let may = v.may();
                    if let Some(t) = tally.measures.get_mut(*mi) {
                        t.add(v.status(), v.amount());
                        t.may += u64::from(may);
                        if v.status() == crate::ir::Status::Eligible {
                            t.bound = t.bound.join(v.bound());
                        }
                    }
                }
                out.record(&mut buf, rec.line, id, *entity, &views);
            }
        }
    }
    (buf, tally)
}

/// Whether `chunk` has a carriage return not followed by a line feed.
fn lone_cr(chunk: &[u8]) -> bool {
    memchr::memchr_iter(b'\r', chunk).any(|i| chunk.get(i + 1) != Some(&b'\n'))
}

/// Reads the records of a chunk one by one (JSONL, or CSV with quotes).
fn read_records(
    r: &Reader<'_>,
    chunk: &[u8],
    first_line: u64,
    rows: usize,
    cols: &mut [Option<Columns>],
    recs: &mut Vec<Rec>,
) {
    let mut json = JsonScan::new(r);
    let mut cells: Vec<Cow<'_, str>> = Vec::new();
    let mut pos = 0;
    let mut line = first_line;
    while pos < chunk.len() {
        // a JSONL record of the usual shape is scanned first: that finds
        // where its line ends
        let rest = chunk.get(pos..).unwrap_or(&[]);
        let found = match r.format {
            InputFormat::Jsonl if rest.first() == Some(&b'{') => json.scan(r, rest),
            _ => None,
        };
        let (end, next) = match (found, r.format) {
            (Some((_, _, len)), _) => (pos + len, (pos + len + 1).min(chunk.len())),
            (None, InputFormat::Jsonl) => match memchr::memchr(b'\n', rest) {
                Some(k) => (pos + k, pos + k + 1),
                None => (chunk.len(), chunk.len()),
            },
            (None, InputFormat::Csv) => {
                csv::record_end(chunk, pos).unwrap_or((chunk.len(), chunk.len()))
            }
        };
        let mut e = end;
        // (a CSV record's end is without its `\r` already)
        if r.format == InputFormat::Jsonl && e > pos && chunk.get(e - 1) == Some(&b'\r') {
            e -= 1;
        }
        let raw = chunk.get(pos..e).unwrap_or(&[]);
        let this_line = line;
        line += 1;
        if r.format == InputFormat::Csv {
            // a JSONL line ends at its first line break; a CSV record may hold some
            line += memchr::memchr_iter(b'\n', raw).count() as u64;
        }
        let start = pos;
        pos = next.max(pos + 1);
        if raw.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let idx = recs.len() as u32;
        let mut rec = Rec {
            line: this_line,
            start,
            end: e,
            id: Id::None,
            state: State::Rejected(INTERNAL, String::new()),
        };
        rec.state = match r.format {
            // checked as UTF-8 by the scanner, or else as a whole by the general path
            InputFormat::Jsonl => {
                let found = found.map(|(ei, id, _)| (ei, id));
                read_json(r, raw, idx, rows, cols, &json, found, &mut rec, chunk)
            }
            InputFormat::Csv => match std::str::from_utf8(raw) {
                Ok(text) => read_csv(r, text, idx, rows, cols, &mut cells, &mut rec, chunk),
                Err(err) => State::Rejected(NOT_UTF8, not_utf8_reason("the record", raw, err)),
            },
        };
        recs.push(rec);
    }
}

/// Reads a chunk of CSV without quotes, by columns: a first pass finds each
/// record's cells (one pass over the separators), a second converts one
/// column at a time into its typed column.
fn read_csv_plain(
    r: &Reader<'_>,
    layout: &CsvLayout,
    chunk: &[u8],
    first_line: u64,
    rows: usize,
    cols: &mut [Option<Columns>],
    recs: &mut Vec<Rec>,
) {
    let policy = r.plan.policy;
    let ei = layout.entity;
    let (Some(slot), Some(def)) = (cols.get_mut(ei as usize), policy.entities.get(ei as usize))
    else {
        return;
    };
    let c = slot.get_or_insert_with(|| {
        Columns::new(policy, def, rows, r.plan.used(ei), r.plan.checked(ei))
    });
    let ncols = layout.roles.len();
    // the columns read: the id and the fields checked; others are only counted
    let checked = r.plan.checked(ei);
    let want: Vec<bool> = layout
        .roles
        .iter()
        .map(|role| match role {
            Role::Id => true,
            Role::Field(f) => checked.get(*f).copied().unwrap_or(true),
        })
        .collect();
    let wanted: Vec<usize> = (0..ncols).filter(|j| want.get(*j) == Some(&true)).collect();
    let mut widx = vec![0usize; ncols];
    for (w, j) in wanted.iter().enumerate() {
        if let Some(x) = widx.get_mut(*j) {
            *x = w;
        }
    }
    // per column: how many columns from it on are not read
    let mut run = vec![0usize; ncols];
    for j in (0..ncols).rev() {
        if want.get(j) == Some(&false) {
            let next = run.get(j + 1).copied().unwrap_or(usize::MAX / 2);
            if let Some(x) = run.get_mut(j) {
                *x = next.saturating_add(1);
            }
        }
    }
    let stride = 2 * wanted.len();
    // per row: start and end of each column read
    let mut spans: Vec<usize> = Vec::with_capacity(rows * stride);
    let mut seps = csv::Separators::new(chunk);
    let mut pos = 0;
    let mut line = first_line;
    while pos < chunk.len() {
        let start = pos;
        let base = spans.len();
        spans.resize(base + stride, pos);
        let mut col = 0usize;
        let mut cell_start = pos;
        let end = loop {
            let skip = run.get(col).copied().unwrap_or(usize::MAX);
            if skip > 0 {
                let (done, last) = seps.skip_cells(skip);
                col += done;
                if let Some(p) = last {
                    cell_start = p + 1;
                }
                if done == skip {
                    continue;
                }
                // a line break (or the end) comes first
            }
            let k = seps.next().unwrap_or(chunk.len());
            let is_last = chunk.get(k).is_none_or(|b| *b == b'\n');
            let e = if is_last && k > cell_start && chunk.get(k - 1) == Some(&b'\r') {
                k - 1
            } else {
                k
            };
            if want.get(col) == Some(&true) {
                let w = widx.get(col).copied().unwrap_or(0);
                if let Some(x) = spans.get_mut(base + 2 * w) {
                    *x = cell_start;
                }
                if let Some(x) = spans.get_mut(base + 2 * w + 1) {
                    *x = e;
                }
            }
            col += 1;
            cell_start = k + 1;
            if is_last {
                pos = k + 1;
                break e;
            }
        };
        let n = col;
        let this_line = line;
        line += 1;
        let raw = chunk.get(start..end).unwrap_or(&[]);
        if n == 1 && raw.iter().all(u8::is_ascii_whitespace) {
            spans.truncate(base);
            continue;
        }
        let idx = recs.len() as u32;
        let state = if n == ncols {
            c.begin_row(idx);
            State::Row {
                entity: ei,
                row: c.len - 1,
            }
        } else {
            spans.truncate(base);
            State::Rejected(CELL_COUNT, format!("expected {ncols} cells, found {n}"))
        };
        recs.push(Rec {
            line: this_line,
            start,
            end,
            id: Id::None,
            state,
        });
    }
    let nrows = c.len;
    let cell = |row: usize, w: usize| -> (usize, &[u8]) {
        let at = row * stride + 2 * w;
        match (spans.get(at), spans.get(at + 1)) {
            (Some(a), Some(b)) => (*a, chunk.get(*a..*b).unwrap_or(&[])),
            _ => (0, &[]),
        }
    };
    // the first problem of each row, in column order
    let mut problems: Vec<Option<(&'static str, String)>> = vec![None; nrows];
    // 64 rows at a time, so that a block's text stays in the first-level cache
    // while its columns are read one after the other
    for first in (0..nrows).step_by(64) {
        let block = first..(first + 64).min(nrows);
        for (w, j) in wanted.iter().enumerate() {
            match layout.roles.get(*j) {
                Some(Role::Field(f)) => {
                    let name = def.fields.get(*f).map_or("?", |x| x.name.as_str());
                    c.read_column(
                        policy,
                        *f,
                        block.clone(),
                        |row| cell(row, w).1,
                        |row, code, m| {
                            if let Some(p @ None) = problems.get_mut(row) {
                                *p = Some((code, format!("`{name}`: {m}")));
                            }
                        },
                    );
                }
                Some(Role::Id) => {
                    for row in block.clone() {
                        let (a, t) = cell(row, w);
                        if t.is_empty() {
                            continue;
                        }
                        let rec = c.record.get(row).and_then(|ri| recs.get_mut(*ri as usize));
                        match (std::str::from_utf8(t), rec) {
                            (Ok(_), Some(rec)) => rec.id = Id::Span(a, a + t.len()),
                            (Err(e), _) => {
                                if let Some(p @ None) = problems.get_mut(row) {
                                    *p = Some((NOT_UTF8, not_utf8_reason("the id", t, e)));
                                }
                            }
                            _ => {}
                        }
                    }
                }
                None => {}
            }
        }
    }
    for (row, p) in problems.into_iter().enumerate() {
        let Some((code, m)) = p else { continue };
        if let Some(d) = c.dead.get_mut(row) {
            *d = true;
        }
        if let Some(rec) = c.record.get(row).and_then(|ri| recs.get_mut(*ri as usize)) {
            rec.state = State::Rejected(code, m);
        }
    }
}

/// Evaluates every measure of one entity over its rows.
pub(super) fn evaluate(
    plan: &Plan<'_>,
    ep: &EntityPlan,
    cols: &Columns,
    reparse: &dyn Fn(u32) -> Option<Facts>,
) -> Vec<Res> {
    let mut cache: Vec<Option<Option<Facts>>> = Vec::new();
    let mut facts_of = |row: usize| -> Option<Facts> {
        if cache.is_empty() {
            cache = vec![None; cols.len];
        }
        let slot = cache.get_mut(row)?;
        if slot.is_none() {
            *slot = Some(cols.record.get(row).and_then(|ri| reparse(*ri)));
        }
        slot.clone().flatten()
    };
    let unreadable =
        || super::plan::error_outcome("the record could not be read again for evaluation");
    ep.measures
        .iter()
        .map(|mp| match &mp.mode {
            Mode::Constant(_) => Res::Constant,
            Mode::Columnar(prog) => {
                let mut fallback = cols.misfit.clone();
                let cells = prog.run(cols, &mut fallback);
                let over = fallback
                    .iter()
                    .zip(&cols.dead)
                    .enumerate()
                    .filter(|(_, (b, dead))| **b && !**dead)
                    .map(|(row, _)| {
                        let o = match facts_of(row) {
                            Some(f) => plan.row_outcome(mp.index, &f),
                            None => unreadable(),
                        };
                        (row, o)
                    })
                    .collect();
                Res::Dense { cells, over }
            }
            Mode::Rows => Res::Rows(
                (0..cols.len)
                    .map(|row| {
                        if cols.dead.get(row).copied().unwrap_or(false) {
                            return unreadable();
                        }
                        match facts_of(row) {
                            Some(f) => plan.row_outcome(mp.index, &f),
                            None => unreadable(),
                        }
                    })
                    .collect(),
            ),
        })
        .collect()
}

/// What the JSONL scanner keeps from one record to the next of a chunk.
struct JsonScan<'r, 'c> {
    /// Per entity: its fields as the scanner matches keys, made on first use.
    fields: Vec<Option<jsonl::Fields<'r>>>,
    /// The entity the next record probably describes (the last one's).
    hint: u32,
    facts: Vec<(usize, Scalar<'c>)>,
    seen: Vec<u64>,
}

impl<'r, 'c> JsonScan<'r, 'c> {
    fn new(r: &'r Reader<'_>) -> Self {
        JsonScan {
            fields: (0..r.plan.policy.entities.len()).map(|_| None).collect(),
            hint: r.plan.only.unwrap_or(0),
            facts: Vec::new(),
            seen: Vec::new(),
        }
    }

    /// Scans the record at the start of `text` if it has the usual shape:
    /// its entity, id and line length (to the line break or the end of the
    /// text), its facts in `self.facts`; `None` for the general path.
    fn scan(
        &mut self,
        r: &'r Reader<'_>,
        text: &'c [u8],
    ) -> Option<(u32, Option<jsonl::IdTok<'c>>, usize)> {
        let mut ei = self.hint;
        // a second time when the record names another entity than expected
        for _ in 0..2 {
            let fields = fields_of(&mut self.fields, r, ei)?;
            match jsonl::scan(text, fields, &mut self.facts, &mut self.seen) {
                jsonl::Scan::Done(id, len) => {
                    self.hint = ei;
                    return Some((ei, id, len));
                }
                jsonl::Scan::Other(name) => ei = r.plan.policy.entity(name)?.0,
                jsonl::Scan::No => return None,
            }
        }
        None
    }
}

/// Entity `ei`'s fields for the scanner, made on first use.
fn fields_of<'a, 'r>(
    list: &'a mut [Option<jsonl::Fields<'r>>],
    r: &'r Reader<'_>,
    ei: u32,
) -> Option<&'a jsonl::Fields<'r>> {
    let slot = list.get_mut(ei as usize)?;
    if slot.is_none() {
        let def = r.plan.policy.entities.get(ei as usize)?;
        let lookup = r.lookup.get(ei as usize)?;
        *slot = Some(jsonl::Fields::new(
            &def.name,
            def.fields.iter().map(|f| f.name.as_str()),
            r.plan.checked(ei),
            lookup,
        ));
    }
    slot.as_ref()
}

/// Reads a JSONL record (line `raw`) into the columns: as the scanner `found`
/// it (its entity and id; its facts in `json`), else — or if a fact does not
/// convert — by the general path (the reference).
#[allow(clippy::too_many_arguments)]
fn read_json<'c>(
    r: &Reader<'_>,
    raw: &'c [u8],
    idx: u32,
    rows: usize,
    cols: &mut [Option<Columns>],
    json: &JsonScan<'_, 'c>,
    found: Option<(u32, Option<jsonl::IdTok<'c>>)>,
    rec: &mut Rec,
    chunk: &[u8],
) -> State {
    let policy = r.plan.policy;
    if let Some((ei, id)) = found {
        let allowed = r.plan.only.is_none_or(|o| o == ei);
        let slot = cols.get_mut(ei as usize);
        let def = policy.entities.get(ei as usize);
        if let (true, Some(slot), Some(def)) = (allowed, slot, def) {
            let c = slot.get_or_insert_with(|| {
                Columns::new(policy, def, rows, r.plan.used(ei), r.plan.checked(ei))
            });
            c.begin_row(idx);
            let ok = json
                .facts
                .iter()
                .all(|(slot, sc)| c.set(policy, *slot, *sc).is_ok());
            if ok {
                rec.id = match id {
                    None => Id::None,
                    Some(jsonl::IdTok::Str(s) | jsonl::IdTok::Num(s)) => span_of(chunk, s)
                        .map_or_else(|| Id::Own(s.to_string()), |(a, b)| Id::Span(a, b)),
                };
                return State::Row {
                    entity: ei,
                    row: c.len - 1,
                };
            }
            c.abort_row();
        }
    }
    let text = match std::str::from_utf8(raw) {
        Ok(t) => t,
        Err(err) => return State::Rejected(NOT_UTF8, not_utf8_reason("the record", raw, err)),
    };
    // the general path
    let mut json: serde_json::Value = match serde_json::from_str(text) {
        Ok(j) => j,
        Err(e) if lone_cr(raw) => {
            return State::Rejected(
                FactsError::NOT_JSON,
                format!(
                "not valid JSON: {e}; the line holds a carriage return (CR) that ends no line: \
                 lines end with LF or CRLF (convert CR line ends with `tr '\\r' '\\n'`)"
            ),
            )
        }
        Err(e) => return State::Rejected(FactsError::NOT_JSON, format!("not valid JSON: {e}")),
    };
    let repeated = Facts::repeated_keys(text);
    if !repeated.is_empty() {
        let list: Vec<String> = repeated.iter().map(ToString::to_string).collect();
        return State::Rejected(FactsError::DUPLICATE_KEY, list.join("; "));
    }
    rec.id = match json.get("id") {
        None | Some(serde_json::Value::Null) => Id::None,
        Some(serde_json::Value::String(s)) => Id::Own(s.clone()),
        Some(other) => Id::Own(other.to_string()),
    };
    strip_unchecked(r, &mut json);
    let facts = match Facts::from_json_value(policy, &json) {
        Ok(f) => f,
        Err(errors) => {
            let list: Vec<String> = errors.iter().map(ToString::to_string).collect();
            let code = errors.first().map_or(INTERNAL, |e| e.code);
            return State::Rejected(code, list.join("; "));
        }
    };
    if let Some(o) = r.plan.only {
        if facts.entity != o {
            let name = |i: u32| {
                policy
                    .entities
                    .get(i as usize)
                    .map_or("?", |e| e.name.as_str())
            };
            return State::Rejected(
                OTHER_ENTITY,
                format!(
                    "the record describes `{}`; this run evaluates `{}`",
                    name(facts.entity),
                    name(o)
                ),
            );
        }
    }
    let (Some(slot), Some(def)) = (
        cols.get_mut(facts.entity as usize),
        policy.entities.get(facts.entity as usize),
    ) else {
        return State::Rejected(INTERNAL, "the record's entity does not exist".into());
    };
    let c = slot.get_or_insert_with(|| {
        Columns::new(
            policy,
            def,
            rows,
            r.plan.used(facts.entity),
            r.plan.checked(facts.entity),
        )
    });
    c.begin_row(idx);
    for (s, v) in facts.values.iter().enumerate() {
        c.set_value(s, v.as_ref());
    }
    State::Row {
        entity: facts.entity,
        row: c.len - 1,
    }
}

/// Reads a CSV record into the columns.
#[allow(clippy::too_many_arguments)]
fn read_csv<'c>(
    r: &Reader<'_>,
    text: &'c str,
    idx: u32,
    rows: usize,
    cols: &mut [Option<Columns>],
    cells: &mut Vec<Cow<'c, str>>,
    rec: &mut Rec,
    chunk: &[u8],
) -> State {
    let policy = r.plan.policy;
    let Some(layout) = &r.csv else {
        return State::Rejected(INTERNAL, "no CSV header".into());
    };
    if let Err(m) = csv::cells(text, cells) {
        return State::Rejected(CSV_SYNTAX, m);
    }
    if cells.len() != layout.roles.len() {
        return State::Rejected(
            CELL_COUNT,
            format!(
                "expected {} cells, found {}",
                layout.roles.len(),
                cells.len()
            ),
        );
    }
    let ei = layout.entity;
    let Some(slot) = cols.get_mut(ei as usize) else {
        return State::Rejected(INTERNAL, "the entity does not exist".into());
    };
    let Some(def) = policy.entities.get(ei as usize) else {
        return State::Rejected(INTERNAL, "the entity does not exist".into());
    };
    let c = slot.get_or_insert_with(|| {
        Columns::new(policy, def, rows, r.plan.used(ei), r.plan.checked(ei))
    });
    c.begin_row(idx);
    for (cell, role) in cells.iter().zip(&layout.roles) {
        match role {
            Role::Id => {
                if !cell.is_empty() {
                    rec.id = match cell {
                        Cow::Borrowed(s) => span_of(chunk, s)
                            .map_or_else(|| Id::Own(s.to_string()), |(a, b)| Id::Span(a, b)),
                        Cow::Owned(s) => Id::Own(s.clone()),
                    };
                }
            }
            Role::Field(s) => {
                if let Err((code, msg, _)) = c.set_cell(policy, *s, cell.as_bytes()) {
                    c.abort_row();
                    let name = def.fields.get(*s).map_or("?", |f| f.name.as_str());
                    return State::Rejected(code, format!("`{name}`: {msg}"));
                }
            }
        }
    }
    State::Row {
        entity: ei,
        row: c.len - 1,
    }
}

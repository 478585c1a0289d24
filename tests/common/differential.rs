//! The differential oracle: one generated case run through every engine that
//! gives the language a meaning, which must all agree.
//!
//! - (a) the row evaluator (`eval::evaluate`, `eval::evaluate_one`) on the
//!   compiled policy;
//! - (b) the columnar engine on the same facts (`batch::Table`);
//! - (c) the row evaluator on the IR exported to JSON and loaded back;
//! - (d) `batch` over the records as JSONL text, rows against columnar:
//!   byte-identical result lines and equal summaries.
//!
//! Shared by `tests/oracle.rs` and `fuzz/fuzz_targets/differential.rs`.

#![allow(dead_code, reason = "shared by several test crates")]

use std::collections::BTreeMap;

use chrono::{Days, NaiveDate};
use policyc::batch::{self, BatchOptions, Check, Engine, InputFormat};
use policyc::eval::{self, Facts, Request};
use policyc::ir::{Policy, Status};
use policyc::source::SourceMap;

use super::gen::Case;

/// The seed policy (`policies/`, its measures and localities), loaded as
/// `policyc check policies` loads it. Relative to the crate root, where
/// `cargo test` runs.
pub fn seed_policy() -> Policy {
    let (map, load_errors) =
        policyc::load::load(&["policies".into()]).unwrap_or_else(|e| panic!("{e}"));
    assert!(load_errors.is_empty(), "{load_errors:?}");
    policyc::compile(&map)
        .unwrap_or_else(|d| panic!("{}", policyc::diagnostic::render_plain(&map, &d)))
}

/// Every boundary day of a policy's measures: the start and end of each
/// effective period and each deadline, with the days either side, and the
/// document's date of issue and the day before it.
pub fn boundary_days(p: &Policy) -> Vec<NaiveDate> {
    let mut days = Vec::new();
    for m in &p.measures {
        let parts = m.parts.iter().flat_map(|x| {
            let e = x.effective.unwrap_or_default();
            [e.from, e.to, x.applications_until]
        });
        for d in [m.effective.from, m.effective.to, m.applications_until]
            .into_iter()
            .chain(parts)
            .flatten()
        {
            days.extend([d - Days::new(1), d, d + Days::new(1)]);
        }
    }
    if let Some(d) = p.document.as_ref().and_then(|d| d.issued) {
        days.extend([d - Days::new(1), d]);
    }
    days.sort();
    days.dedup();
    days
}

/// Compiles a generated policy; the diagnostics as text if it does not.
pub fn compile(source: &str) -> Result<Policy, String> {
    let mut map = SourceMap::new();
    map.add("generated.policy", source);
    policyc::compile(&map).map_err(|d| policyc::diagnostic::render_plain(&map, &d))
}

/// What a case exercised (to see that the generator reaches every outcome).
#[derive(Default, Debug, Clone)]
pub struct Tally {
    /// Outcomes of (measure, record, date, locality) evaluations by status.
    pub statuses: BTreeMap<String, u64>,
    /// Records rejected by the facts reader.
    pub rejected: u64,
    /// Evaluations compared.
    pub compared: u64,
}

impl Tally {
    /// Adds another tally.
    pub fn add(&mut self, o: &Tally) {
        for (k, v) in &o.statuses {
            *self.statuses.entry(k.clone()).or_default() += v;
        }
        self.rejected += o.rejected;
        self.compared += o.compared;
    }
}

/// Which comparisons to run.
#[derive(Clone, Copy, Debug)]
pub struct Engines {
    /// (b) `batch::Table` against the row evaluator.
    pub table: bool,
    /// (c) the IR through JSON.
    pub ir: bool,
    /// (d) `batch` rows against columnar on JSONL text.
    pub batch_text: bool,
    /// Fewer comparisons, for speed: with `Some(n)`, (c) compares
    /// evaluations with explanations on one (date, locality) only, the
    /// `n % (dates × localities)`th, and without them on the others; (d)
    /// runs on that one (date, locality) only, with one `--check` mode (by
    /// `n / (dates × localities)`), as a `batch` run starts threads, which
    /// costs more than the evaluations. `None`: everything everywhere.
    pub once: Option<usize>,
}

impl Default for Engines {
    fn default() -> Self {
        Engines {
            table: true,
            ir: true,
            batch_text: true,
            once: None,
        }
    }
}

impl Engines {
    /// What the `differential` fuzz target compares on each input.
    ///
    /// Every comparison, explanations and `batch` on one (date, locality)
    /// chosen by `pick` (see [`Engines::once`]).
    pub fn fast(pick: usize) -> Engines {
        Engines {
            once: Some(pick),
            ..Engines::default()
        }
    }
}

fn eval_text(r: &Result<eval::MeasureResult<'_>, eval::EvalError>) -> String {
    match r {
        Ok(m) => serde_json::to_string(m).unwrap_or_else(|e| format!("unserializable: {e}")),
        Err(e) => format!("error: {e}"),
    }
}

/// Compiles a generated policy, exports its IR to JSON and loads it back:
/// the compiled policy and the loaded one.
pub fn compile_and_reload(source: &str) -> Result<(Policy, Policy), String> {
    let p = compile(source)
        .map_err(|d| format!("a generated policy does not compile:\n{d}\n---\n{source}"))?;
    let json = p
        .to_json()
        .map_err(|e| format!("the IR does not export: {e}"))?;
    let loaded =
        Policy::from_json(&json).map_err(|e| format!("the exported IR does not load: {e}"))?;
    Ok((p, loaded))
}

/// Runs `case` through every engine; the first disagreement as text.
pub fn check(case: &Case, engines: Engines) -> Result<Tally, String> {
    let (p, loaded) = compile_and_reload(&case.source)?;
    check_compiled(case, &p, &loaded, engines)
}

/// [`check`] on a policy already compiled from `case.source` (`p`) and
/// reloaded from its exported IR (`loaded`), so that many cases can probe
/// one policy without compiling it again.
pub fn check_compiled(
    case: &Case,
    p: &Policy,
    loaded: &Policy,
    engines: Engines,
) -> Result<Tally, String> {
    let mut tally = Tally::default();
    let (ei, _) = p
        .entity(case.entity)
        .ok_or_else(|| format!("no entity {}", case.entity))?;

    // the facts readers agree
    let mut facts: Vec<(usize, Facts)> = Vec::new();
    for (i, text) in case.records.iter().enumerate() {
        let a = Facts::from_json(p, text);
        if engines.ir {
            let b = Facts::from_json(loaded, text);
            if a != b {
                return Err(format!(
                    "facts read differently from the source and from the IR:\n{text}\n{a:?}\n{b:?}"
                ));
            }
        }
        match a {
            Ok(f) => facts.push((i, f)),
            Err(_) => tally.rejected += 1,
        }
    }

    let mut locs: Vec<Option<&str>> = vec![None];
    locs.extend(case.localities.iter().map(|l| Some(l.as_str())));
    let records: Vec<Facts> = facts.iter().map(|(_, f)| f.clone()).collect();
    let table = if engines.table {
        Some(
            batch::Table::new(p, case.entity, records.clone())
                .map_err(|e| format!("Table::new failed: {e}"))?,
        )
    } else {
        None
    };
    // and one record of another entity, for which every measure is not addressed
    let mut jsonl = case.records.join("\n");
    jsonl.push_str("\n{\"entity\": \"个人\", \"facts\": {\"年龄\": 30}}");
    // and the records of 个人, to which parts may be addressed
    for r in &case.other_records {
        jsonl.push('\n');
        jsonl.push_str(r);
    }
    let mut others: Vec<(String, Facts)> = Vec::new();
    for text in &case.other_records {
        if let Ok(f) = Facts::from_json(p, text) {
            others.push((text.clone(), f));
        }
    }

    let combos = (case.dates.len() * locs.len()).max(1);
    let mut combo_no = 0usize;
    for &date in &case.dates {
        for &locality in &locs {
            // with `once`, the one (date, locality) where everything runs
            let here = engines.once.is_none_or(|k| k % combos == combo_no);
            combo_no += 1;
            let req = Request {
                date,
                locality,
                explain: false,
            };
            let at = |what: &str| {
                format!(
                    "{what}\n  on {date}, locality {locality:?}\n--- policy\n{}",
                    case.source
                )
            };
            // (a) against (c): whole evaluations, explanations included
            if engines.ir {
                for (text, f) in &others {
                    let a = eval::evaluate(p, f, &req)
                        .map(|e| serde_json::to_string(&e).unwrap_or_default())
                        .map_err(|e| e.to_string());
                    let c = eval::evaluate(loaded, f, &req)
                        .map(|e| serde_json::to_string(&e).unwrap_or_default())
                        .map_err(|e| e.to_string());
                    if a != c {
                        return Err(at(&format!(
                            "the IR through JSON evaluates 个人 differently\n  record {text}"
                        )));
                    }
                    if let Ok(ev) = eval::evaluate(p, f, &req) {
                        for m in &ev.measures {
                            *tally
                                .statuses
                                .entry(format!("个人 {}", m.status.keyword()))
                                .or_default() += 1;
                        }
                    }
                }
                for (i, f) in &facts {
                    for explain in [false, true] {
                        if explain && !here {
                            continue;
                        }
                        let req = Request { explain, ..req };
                        let a = eval::evaluate(p, f, &req)
                            .map(|e| serde_json::to_string(&e).unwrap_or_default())
                            .map_err(|e| e.to_string());
                        let c = eval::evaluate(loaded, f, &req)
                            .map(|e| serde_json::to_string(&e).unwrap_or_default())
                            .map_err(|e| e.to_string());
                        if a != c {
                            return Err(at(&format!(
                                "the IR through JSON evaluates differently (explain {explain})\n  record {}\n  source: {a:?}\n  json:   {c:?}",
                                case.records[*i]
                            )));
                        }
                    }
                }
            }
            // totals never add different kinds (issue 14): `total` is the
            // outlay, and each kind's total is the sum of its measures'
            for (i, f) in &facts {
                let Ok(ev) = eval::evaluate(p, f, &req) else {
                    continue;
                };
                let mut want = eval::KindTotals::default();
                for r in ev.measures.iter().filter(|r| r.status == Status::Eligible) {
                    if let (Some(t), Some(k)) = (r.total, r.gives) {
                        want.add(k, t);
                    }
                    if r.gives != r.amounts.first().map(|a| a.kind) {
                        return Err(at(&format!("measure {} has no single kind", r.number)));
                    }
                }
                if ev.totals_by_kind != want || Some(ev.total) != want.outlay() {
                    return Err(at(&format!(
                        "totals by kind are not the sums of the measures'\n  record {}\n  {:?} {:?}",
                        case.records[*i], ev.total, ev.totals_by_kind
                    )));
                }
            }
            // (a) against (b): measure by measure
            for m in p.measures.iter().filter(|m| m.addresses(ei)) {
                let res = match &table {
                    Some(t) => Some(
                        t.evaluate(m.number, date, locality)
                            .map_err(|e| at(&format!("Table::evaluate failed: {e}")))?,
                    ),
                    None => None,
                };
                for (row, (i, f)) in facts.iter().enumerate() {
                    let r = eval::evaluate_one(p, m, f, &req);
                    tally.compared += 1;
                    let Ok(r) = r else {
                        return Err(at(&format!("evaluate_one failed: {}", eval_text(&r))));
                    };
                    *tally
                        .statuses
                        .entry(r.status.keyword().to_string())
                        .or_default() += 1;
                    let Some(res) = &res else { continue };
                    let got = (res.status(row), res.amount(row), res.needs(row));
                    let want = (Some(r.status), r.total, r.needs.clone());
                    if got != want {
                        return Err(at(&format!(
                            "columnar (Table) and rows disagree on measure {}\n  record {}\n  rows:     {want:?} {}\n  columnar: {got:?}",
                            m.number, case.records[*i], r.reason
                        )));
                    }
                }
            }
            // (d) batch over text, rows against columnar
            if engines.batch_text && here {
                let mut col = BatchOptions::new(date);
                col.locality = locality;
                col.input_format = InputFormat::Jsonl;
                col.threads = 1;
                col.chunk_bytes = 1024;
                // on the first date, also reading only the facts the measures use
                for check in [Check::All, Check::Used] {
                    let skip = match engines.once {
                        Some(k) => (check == Check::Used) != ((k / combos) % 2 == 1),
                        None => check == Check::Used && Some(&date) != case.dates.first(),
                    };
                    if skip {
                        continue;
                    }
                    col.check = check;
                    let mut row = col.clone();
                    row.engine = Engine::Rows;
                    let a = batch::run_text(p, &jsonl, &col).map_err(|e| e.to_string());
                    let b = batch::run_text(p, &jsonl, &row).map_err(|e| e.to_string());
                    if a == b {
                        continue;
                    }
                    let diff = match (&a, &b) {
                        (Ok((x, _)), Ok((y, _))) => x
                            .lines()
                            .zip(y.lines())
                            .zip(case.records.iter())
                            .find(|((x, y), _)| x != y)
                            .map(|((x, y), rec)| {
                                format!("  record {rec}\n  columnar: {x}\n  rows:     {y}")
                            })
                            .unwrap_or_else(|| "  the summaries differ".into()),
                        _ => format!("  columnar: {a:?}\n  rows: {b:?}"),
                    };
                    return Err(at(&format!(
                        "batch rows and columnar disagree ({check:?})\n{diff}"
                    )));
                }
            }
        }
    }
    Ok(tally)
}

/// The statuses, for a tally's keys.
pub const STATUSES: [Status; 8] = [
    Status::Eligible,
    Status::NotEligible,
    Status::NotAddressed,
    Status::NotInForce,
    Status::DeadlinePassed,
    Status::NeedsFacts,
    Status::Error,
    Status::Undetermined,
];

/// A date as `YYYY-MM-DD`.
pub fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default()
}

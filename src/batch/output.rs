//! The result lines of a batch run, one per record, in JSONL or CSV.
//!
//! JSONL: `{"line":2,"id":"企业-0000001","entity":"企业","total":"5000.00",
//! "measures":{"12":{"status":"eligible","amount":"5000.00"},
//! "16":{"status":"needs_facts","needs":["劳动合同期限"]}}}` — the measures
//! addressed to the record's entity, by number. A rejected record:
//! `{"line":7,"rejected":"…","code":"policy::…"}`. Amounts are strings with two decimals (exact).
//!
//! CSV: `line,id,entity,total`, then `m12_status,m12_amount,m12_needs` for each
//! reported measure (needs joined with `;`), then `rejected`.

use super::columnar::{Cell, Program};
use super::kinds::MONEY_KINDS;
use super::plan::{MeasurePlan, Outcome, Plan};
use super::summary::maybe_unsafe;
use super::OutputFormat;
use crate::diagnostic::hidden_on_terminal;
use crate::ir::{Policy, Status};

/// One measure's outcome for one record, from whichever path computed it.
#[derive(Clone, Copy, Debug)]
pub(crate) enum View<'a> {
    Cell(Cell, &'a Program),
    Out(&'a Outcome),
}

impl View<'_> {
    pub(crate) fn status(&self) -> Status {
        match self {
            View::Cell(c, _) => c.status,
            View::Out(o) => o.status,
        }
    }

    pub(crate) fn amount(&self) -> Option<i128> {
        match self {
            View::Cell(c, _) => c.amount.map(i128::from),
            View::Out(o) => o.amount,
        }
    }

    /// Whether the amount is exact or a bound (a columnar cell's is exact:
    /// a measure reading a bounded value goes by rows).
    pub(crate) fn bound(&self) -> crate::eval::Bound {
        match self {
            View::Cell(..) => crate::eval::Bound::Exact,
            View::Out(o) => o.bound,
        }
    }

    /// For `eligible`: whether the outcome may be granted (a discretionary
    /// rule applies).
    pub(crate) fn may(&self) -> bool {
        self.status() == Status::Eligible
            && match self {
                View::Cell(c, _) => c.may,
                View::Out(o) => o.may,
            }
    }

    /// For `eligible`: the date or duration given (a columnar cell has none:
    /// such measures go by rows).
    pub(crate) fn value(&self) -> Option<super::plan::GivenOut> {
        match self {
            View::Out(o) if o.status == Status::Eligible => o.value,
            _ => None,
        }
    }

    /// For `needs_facts`: the names of the facts needed (fields of entity
    /// `entity`), sorted; empty for any other status.
    pub(crate) fn needs(&self, policy: &Policy, entity: usize) -> Vec<String> {
        if self.status() != Status::NeedsFacts {
            return Vec::new();
        }
        match self {
            View::Cell(c, prog) => {
                let fields = policy
                    .entities
                    .get(entity)
                    .map(|x| x.fields.as_slice())
                    .unwrap_or(&[]);
                prog.needs_slots(c.needs)
                    .filter_map(|s| fields.get(s as usize).map(|f| f.name.clone()))
                    .collect()
            }
            View::Out(o) => o.needs.clone(),
        }
    }
}

/// Formats result lines.
pub(crate) struct Out<'p> {
    plan: &'p Plan<'p>,
    format: OutputFormat,
    /// Per entity: field names, JSON-escaped with quotes.
    field_json: Vec<Vec<String>>,
    /// Per entity: its name, JSON-escaped with quotes.
    entity_json: Vec<String>,
    /// Per measure of the policy: `"12"`.
    measure_key: Vec<String>,
    /// Per entity, per reported measure: its position in the entity's plan.
    csv_pos: Vec<Vec<Option<usize>>>,
}

impl<'p> Out<'p> {
    pub(crate) fn new(plan: &'p Plan<'p>, format: OutputFormat) -> Out<'p> {
        let p = plan.policy;
        let q = |s: &str| {
            let mut b = Vec::new();
            json_str(&mut b, s);
            String::from_utf8(b).unwrap_or_default()
        };
        Out {
            plan,
            format,
            field_json: p
                .entities
                .iter()
                .map(|e| e.fields.iter().map(|f| q(&f.name)).collect())
                .collect(),
            entity_json: p.entities.iter().map(|e| q(&e.name)).collect(),
            measure_key: p
                .measures
                .iter()
                .map(|m| format!("\"{}\"", m.number))
                .collect(),
            csv_pos: plan
                .entities
                .iter()
                .map(|ep| {
                    plan.reported
                        .iter()
                        .map(|mi| ep.measures.iter().position(|m| m.index == *mi))
                        .collect()
                })
                .collect(),
        }
    }

    /// The CSV header (nothing for JSONL).
    pub(crate) fn header(&self, buf: &mut Vec<u8>) {
        if self.format != OutputFormat::Csv {
            return;
        }
        buf.extend_from_slice(b"line,id,entity,total");
        for k in MONEY_KINDS {
            buf.push(b',');
            buf.extend_from_slice(k.keyword().as_bytes());
        }
        for &mi in &self.plan.reported {
            if let Some(m) = self.plan.policy.measures.get(mi) {
                let n = m.number;
                buf.extend_from_slice(format!(",m{n}_status,m{n}_amount,m{n}_needs").as_bytes());
                if m.gives_value().is_some() {
                    buf.extend_from_slice(format!(",m{n}_value").as_bytes());
                }
            }
        }
        buf.extend_from_slice(b",rejected\n");
    }

    /// A rejected record.
    pub(crate) fn rejected(
        &self,
        buf: &mut Vec<u8>,
        line: u64,
        id: Option<&[u8]>,
        code: &str,
        reason: &str,
    ) {
        match self.format {
            OutputFormat::Jsonl => {
                buf.extend_from_slice(b"{\"line\":");
                push_u64(buf, line);
                if let Some(id) = id {
                    buf.extend_from_slice(b",\"id\":");
                    json_bytes(buf, id);
                }
                buf.extend_from_slice(b",\"rejected\":");
                json_str(buf, reason);
                buf.extend_from_slice(b",\"code\":");
                json_str(buf, code);
                buf.extend_from_slice(b"}\n");
            }
            OutputFormat::Csv => {
                push_u64(buf, line);
                buf.push(b',');
                csv_bytes(buf, id.unwrap_or(b""));
                buf.extend_from_slice(b",,");
                buf.extend_from_slice(b",,,,,");
                for _ in &self.plan.reported {
                    buf.extend_from_slice(b",,,");
                }
                buf.push(b',');
                csv_str(buf, reason);
                buf.push(b'\n');
            }
        }
    }

    /// An evaluated record; `view(j)` gives the outcome of the entity plan's
    /// measure `j`. Returns the record's total in fen (`None`: overflow).
    pub(crate) fn record<'v>(
        &self,
        buf: &mut Vec<u8>,
        line: u64,
        id: Option<&[u8]>,
        entity: u32,
        views: &[View<'v>],
    ) -> Option<i128> {
        // the caller rejects a record whose total overflows (`plan::record_total`)
        let e = entity as usize;
        let measures = self
            .plan
            .entities
            .get(e)
            .map(|x| x.measures.as_slice())
            .unwrap_or(&[]);
        let gives = |mp: &MeasurePlan| {
            self.plan
                .policy
                .measures
                .get(mp.index)
                .and_then(|m| m.gives())
        };
        let totals = super::plan::record_total(
            measures
                .iter()
                .zip(views)
                .map(|(mp, v)| (v.status(), v.amount(), gives(mp))),
        )
        .ok();
        let total = totals.and_then(|t| t.outlay());
        match self.format {
            OutputFormat::Jsonl => {
                buf.extend_from_slice(b"{\"line\":");
                push_u64(buf, line);
                if let Some(id) = id {
                    buf.extend_from_slice(b",\"id\":");
                    json_bytes(buf, id);
                }
                buf.extend_from_slice(b",\"entity\":");
                buf.extend_from_slice(self.entity_json.get(e).map_or("\"\"", |s| s).as_bytes());
                buf.extend_from_slice(b",\"total\":\"");
                push_total(buf, total);
                buf.push(b'"');
                if let Some(t) = totals {
                    let mut first = true;
                    for k in MONEY_KINDS.iter().filter(|k| !k.is_outlay()) {
                        let Some(x) = t.get(*k).filter(|x| *x != 0) else {
                            continue;
                        };
                        buf.extend_from_slice(if first {
                            b",\"totals_by_kind\":{\"".as_slice()
                        } else {
                            b",\"".as_slice()
                        });
                        first = false;
                        buf.extend_from_slice(k.keyword().as_bytes());
                        buf.extend_from_slice(b"\":\"");
                        push_fen(buf, x);
                        buf.push(b'"');
                    }
                    if !first {
                        buf.push(b'}');
                    }
                }
                buf.extend_from_slice(b",\"measures\":{");
                for (j, (mp, v)) in measures.iter().zip(views).enumerate() {
                    if j > 0 {
                        buf.push(b',');
                    }
                    buf.extend_from_slice(
                        self.measure_key
                            .get(mp.index)
                            .map_or("\"?\"", |s| s)
                            .as_bytes(),
                    );
                    buf.extend_from_slice(b":{\"status\":\"");
                    buf.extend_from_slice(v.status().keyword().as_bytes());
                    buf.push(b'"');
                    if v.status() == Status::Eligible {
                        if let Some(a) = v.amount() {
                            buf.extend_from_slice(b",\"amount\":\"");
                            push_fen(buf, a);
                            buf.push(b'"');
                            if let Some(k) = gives(mp) {
                                buf.extend_from_slice(b",\"kind\":\"");
                                buf.extend_from_slice(k.keyword().as_bytes());
                                buf.push(b'"');
                            }
                            match v.bound() {
                                crate::eval::Bound::AtLeast => {
                                    buf.extend_from_slice(b",\"bound\":\"at_least\"");
                                }
                                crate::eval::Bound::AtMost => {
                                    buf.extend_from_slice(b",\"bound\":\"at_most\"");
                                }
                                _ => {}
                            }
                        }
                    }
                    if v.may() {
                        buf.extend_from_slice(b",\"may\":true");
                    }
                    if let Some(g) = v.value() {
                        super::values::json(buf, &g);
                    }
                    self.needs_json(buf, e, v);
                    if let View::Out(Outcome {
                        error: Some(err), ..
                    }) = v
                    {
                        buf.extend_from_slice(if v.status() == Status::Undetermined {
                            b",\"undetermined\":"
                        } else {
                            b",\"error\":"
                        });
                        json_str(buf, err);
                    }
                    buf.push(b'}');
                }
                buf.extend_from_slice(b"}}\n");
            }
            OutputFormat::Csv => {
                push_u64(buf, line);
                buf.push(b',');
                csv_bytes(buf, id.unwrap_or(b""));
                buf.push(b',');
                if let Some(ent) = self.plan.policy.entities.get(e) {
                    csv_str(buf, &ent.name);
                }
                buf.push(b',');
                push_total(buf, total);
                for k in MONEY_KINDS {
                    buf.push(b',');
                    push_total(buf, totals.and_then(|t| t.get(k)));
                }
                let pos = self.csv_pos.get(e).map(Vec::as_slice).unwrap_or(&[]);
                for k in 0..self.plan.reported.len() {
                    buf.push(b',');
                    let blank: &[u8] = if self.value_column(k) { b",,," } else { b",," };
                    let Some(j) = pos.get(k).copied().flatten() else {
                        buf.extend_from_slice(Status::NotAddressed.keyword().as_bytes());
                        buf.extend_from_slice(blank);
                        continue;
                    };
                    let Some(v) = views.get(j) else {
                        buf.extend_from_slice(blank);
                        continue;
                    };
                    buf.extend_from_slice(v.status().keyword().as_bytes());
                    buf.push(b',');
                    if v.status() == Status::Eligible {
                        if let Some(a) = v.amount() {
                            push_fen(buf, a);
                        }
                    }
                    buf.push(b',');
                    if v.status() == Status::NeedsFacts {
                        let names = self.needs_names(e, v);
                        csv_str(buf, &names.join(";"));
                    }
                    if self.value_column(k) {
                        buf.push(b',');
                        if let Some(g) = v.value() {
                            buf.extend_from_slice(g.value.to_string().as_bytes());
                        }
                    }
                }
                buf.extend_from_slice(b",\n");
            }
        }
        total
    }

    /// Whether reported measure `k` has a `m{n}_value` CSV column.
    fn value_column(&self, k: usize) -> bool {
        self.plan
            .reported
            .get(k)
            .and_then(|mi| self.plan.policy.measures.get(*mi))
            .is_some_and(|m| m.gives_value().is_some())
    }

    fn needs_json(&self, buf: &mut Vec<u8>, e: usize, v: &View<'_>) {
        if v.status() != Status::NeedsFacts {
            return;
        }
        buf.extend_from_slice(b",\"needs\":[");
        match v {
            View::Cell(c, prog) => {
                let names = self.field_json.get(e);
                for (k, slot) in prog.needs_slots(c.needs).enumerate() {
                    if k > 0 {
                        buf.push(b',');
                    }
                    let n = names.and_then(|n| n.get(slot as usize));
                    buf.extend_from_slice(n.map_or("\"?\"", |s| s).as_bytes());
                }
            }
            View::Out(o) => {
                for (k, n) in o.needs.iter().enumerate() {
                    if k > 0 {
                        buf.push(b',');
                    }
                    json_str(buf, n);
                }
            }
        }
        buf.push(b']');
    }

    fn needs_names(&self, e: usize, v: &View<'_>) -> Vec<String> {
        v.needs(self.plan.policy, e)
    }
}

fn push_u64(buf: &mut Vec<u8>, mut n: u64) {
    let mut tmp = [0u8; 20];
    let mut i = tmp.len();
    loop {
        i -= 1;
        if let Some(d) = tmp.get_mut(i) {
            *d = b'0' + (n % 10) as u8;
        }
        n /= 10;
        if n == 0 || i == 0 {
            break;
        }
    }
    buf.extend_from_slice(tmp.get(i..).unwrap_or(&[]));
}

/// A total in fen as `1234.50`, or `overflow`.
fn push_total(buf: &mut Vec<u8>, total: Option<i128>) {
    match total {
        Some(t) => push_fen(buf, t),
        None => buf.extend_from_slice(b"overflow"),
    }
}

/// An amount in fen as `1234.50`.
pub(crate) fn push_fen(buf: &mut Vec<u8>, fen: i128) {
    if fen < 0 {
        buf.push(b'-');
    }
    let a = fen.unsigned_abs();
    let (whole, cents) = match u64::try_from(a) {
        // the usual case, without 128-bit division
        Ok(x) => (u128::from(x / 100), (x % 100) as u8),
        Err(_) => (a / 100, (a % 100) as u8),
    };
    match u64::try_from(whole) {
        Ok(w) => push_u64(buf, w),
        Err(_) => buf.extend_from_slice(whole.to_string().as_bytes()),
    }
    buf.extend_from_slice(&[b'.', b'0' + cents / 10, b'0' + cents % 10]);
}

/// A JSON string with its quotes, from text known to be UTF-8.
fn json_bytes(buf: &mut Vec<u8>, s: &[u8]) {
    if s.iter().any(|c| *c == b'"' || *c == b'\\') || maybe_unsafe(s) {
        json_str(buf, &String::from_utf8_lossy(s));
    } else {
        buf.push(b'"');
        buf.extend_from_slice(s);
        buf.push(b'"');
    }
}

/// A CSV cell, quoted when needed, from text known to be UTF-8.
fn csv_bytes(buf: &mut Vec<u8>, s: &[u8]) {
    if s.iter().any(|c| matches!(c, b',' | b'"' | b'\n' | b'\r')) {
        csv_str(buf, &String::from_utf8_lossy(s));
    } else {
        buf.extend_from_slice(s);
    }
}

/// A JSON string with its quotes. Besides what JSON requires, control
/// characters (DEL, C1), bidi controls and invisible format characters are
/// written as `\uXXXX` — the same text, but none of it reaches a terminal
/// that shows the result lines.
pub(crate) fn json_str(buf: &mut Vec<u8>, s: &str) {
    buf.push(b'"');
    if !s.bytes().any(|c| c == b'"' || c == b'\\') && !maybe_unsafe(s.as_bytes()) {
        buf.extend_from_slice(s.as_bytes());
    } else {
        for ch in s.chars() {
            match ch {
                '"' => buf.extend_from_slice(b"\\\""),
                '\\' => buf.extend_from_slice(b"\\\\"),
                '\n' => buf.extend_from_slice(b"\\n"),
                '\r' => buf.extend_from_slice(b"\\r"),
                '\t' => buf.extend_from_slice(b"\\t"),
                c if hidden_on_terminal(c) => {
                    let mut units = [0u16; 2];
                    for u in c.encode_utf16(&mut units) {
                        buf.extend_from_slice(format!("\\u{u:04x}").as_bytes());
                    }
                }
                c => {
                    let mut tmp = [0u8; 4];
                    buf.extend_from_slice(c.encode_utf8(&mut tmp).as_bytes());
                }
            }
        }
    }
    buf.push(b'"');
}

/// A CSV cell, quoted when needed.
pub(crate) fn csv_str(buf: &mut Vec<u8>, s: &str) {
    if s.bytes().any(|c| matches!(c, b',' | b'"' | b'\n' | b'\r')) {
        buf.push(b'"');
        buf.extend_from_slice(s.replace('"', "\"\"").as_bytes());
        buf.push(b'"');
    } else {
        buf.extend_from_slice(s.as_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fen_and_numbers_print_exactly() {
        let mut b = Vec::new();
        push_fen(&mut b, 500_000);
        b.push(b' ');
        push_fen(&mut b, -5);
        b.push(b' ');
        push_fen(&mut b, 0);
        b.push(b' ');
        push_u64(&mut b, 1_234_567);
        assert_eq!(String::from_utf8_lossy(&b), "5000.00 -0.05 0.00 1234567");
    }

    #[test]
    fn strings_are_escaped() {
        let mut b = Vec::new();
        json_str(&mut b, "a\"b\\c\n");
        csv_str(&mut b, "x,y");
        assert_eq!(String::from_utf8_lossy(&b), "\"a\\\"b\\\\c\\n\"\"x,y\"");
        // controls and bidi overrides are escaped too, losslessly
        let mut b = Vec::new();
        json_str(&mut b, "企\u{1b}[2J\u{202e}\u{85}业");
        let back: String = serde_json::from_slice(&b).unwrap();
        assert_eq!(back, "企\u{1b}[2J\u{202e}\u{85}业");
        assert_eq!(
            String::from_utf8_lossy(&b),
            r#""企\u001b[2J\u202e\u0085业""#
        );
    }
}

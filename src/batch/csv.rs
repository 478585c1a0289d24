//! CSV as batch reads it (RFC 4180, strictly): records end at a line feed
//! outside quotes (`\r\n` too); a quote opens a quoted cell only at the start
//! of a cell, and a quoted cell may hold commas, line breaks and doubled
//! quotes. A quote anywhere else, text after a closing quote, or a carriage
//! return that ends no line makes the record rejected (by [`cells`]) without
//! touching the records around it. How an unterminated quote or an oversized
//! record is resynchronised: [`frame`] and `docs/cli.md`.

use std::borrow::Cow;

/// Where a scan of a record stands at the end of what it looked at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Open {
    /// Outside quotes.
    Outside,
    /// Inside the quoted cell whose opening quote is at this position.
    Inside(usize),
    /// Just after a quote inside the quoted cell opened at this position: its
    /// closing quote, or the first of a doubled one (the next byte says).
    QuoteSeen(usize),
}

impl Open {
    /// The same state with positions `n` bytes earlier (the buffer lost `n`
    /// bytes at its start).
    pub(crate) fn shift(self, n: usize) -> Open {
        match self {
            Open::Outside => Open::Outside,
            Open::Inside(p) => Open::Inside(p.saturating_sub(n)),
            Open::QuoteSeen(p) => Open::QuoteSeen(p.saturating_sub(n)),
        }
    }
}

/// What a scan that did not end leaves for the next: where it stopped and
/// its state there. A scan of a record starting later (before that point)
/// that is inside quotes at a line feed agrees with it from there on — the
/// earlier scan was inside quotes at every line feed it passed, or it would
/// have ended — so it jumps to that point instead of reading the same bytes
/// again. This keeps resynchronisation linear: without it, a file where
/// every line opens a quote never closed would be read once per line.
pub(crate) type Memo = Option<(usize, Open)>;

/// Where the record starting at `start` ends, looking at `buf[..stop]` only:
/// `Ok(k)` with `k` the line feed that ends it; `Err` with the state at
/// `stop` when it comes first. `memo`: see [`Memo`].
fn scan(buf: &[u8], start: usize, stop: usize, memo: Memo) -> Result<usize, Open> {
    let b = buf.get(..stop.min(buf.len())).unwrap_or(buf);
    let mut memo = memo.filter(|(x, _)| *x > start && *x <= b.len());
    let mut i = start;
    let mut st = Open::Outside;
    loop {
        match st {
            Open::Outside => {
                let rest = b.get(i..).ok_or(st)?;
                let k = i + memchr::memchr2(b'\n', b'"', rest).ok_or(st)?;
                if b.get(k) == Some(&b'\n') {
                    return Ok(k);
                }
                // a quote opens a cell only at its start; elsewhere it is left
                // to `cells` to reject, and the record still ends at its line feed
                if k == start || (k > 0 && b.get(k - 1) == Some(&b',')) {
                    st = Open::Inside(k);
                }
                i = k + 1;
            }
            Open::Inside(o) => {
                let rest = b.get(i..).unwrap_or(&[]);
                let q = memchr::memchr(b'"', rest).map(|q| i + q);
                if let Some((x, then)) = memo {
                    let upto = q.unwrap_or(b.len()).min(x).max(i);
                    if let Some(m) = memchr::memchr(b'\n', b.get(i..upto).unwrap_or(&[])) {
                        let m = i + m;
                        // the earlier scan was inside quotes at `m` too: from
                        // here on both read the same, up to its stop `x`
                        st = match then {
                            Open::Inside(p) | Open::QuoteSeen(p) if p > m => then,
                            Open::Inside(_) => Open::Inside(o),
                            Open::QuoteSeen(_) => Open::QuoteSeen(o),
                            Open::Outside => Open::Outside,
                        };
                        i = x;
                        memo = None;
                        continue;
                    }
                }
                // skip to the next quote: the closing one, or the first of two
                let q = q.ok_or(st)?;
                st = Open::QuoteSeen(o);
                i = q + 1;
            }
            Open::QuoteSeen(o) => match b.get(i) {
                None => return Err(st),
                Some(b'"') => {
                    st = Open::Inside(o);
                    i += 1;
                }
                Some(_) => st = Open::Outside,
            },
        }
    }
}

/// `end` without a `\r` just before it (from `start` on).
fn strip_cr(buf: &[u8], start: usize, end: usize) -> usize {
    if end > start && buf.get(end - 1) == Some(&b'\r') {
        end - 1
    } else {
        end
    }
}

/// Where the record starting at `start` ends: `(end, next)` where `end`
/// excludes the line break and `next` is the start of the following record;
/// `None` when the buffer ends inside the record (no line break yet).
pub(crate) fn record_end(buf: &[u8], start: usize) -> Option<(usize, usize)> {
    let k = scan(buf, start, buf.len(), None).ok()?;
    Some((strip_cr(buf, start, k), k + 1))
}

/// How a record is framed in the input, by [`frame`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Frame {
    /// A record: it ends at `end` (without its line break), the next starts
    /// at `next`.
    Record { end: usize, next: usize },
    /// The buffer ends inside the record, within the size limit: read more.
    More,
    /// The record cannot be read: it is rejected with this code and
    /// reason, and reading resumes at the line after the one it starts on.
    Bad(&'static str, String),
}

/// The code of a record rejected for a quote never closed.
const UNTERMINATED: &str = "policy::batch::unterminated_quote";
/// The code of a record rejected for its size.
const TOO_LONG: &str = "policy::batch::record_too_long";

/// Which format [`frame`] cuts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Cut {
    /// A record is a line.
    Lines,
    /// A record is a CSV record (a quoted cell may hold line breaks).
    Csv,
}

/// Frames the record starting at `start` of `buf`, whose bytes after
/// `buf.len()` are not read yet (`eof`: there are none). A record may have at
/// most `limit` bytes, its final line break excluded; the verdict depends
/// only on the input's bytes, never on how much of them is buffered. `memo`
/// is what the last scan that did not end left ([`Memo`]); it is updated.
pub(crate) fn frame(
    buf: &[u8],
    start: usize,
    eof: bool,
    limit: usize,
    cut: Cut,
    memo: &mut Memo,
) -> Frame {
    // the line feed of a record within the limit is at `start + limit` at the latest
    let window = start.saturating_add(limit).saturating_add(1);
    let full = buf.len() >= window;
    let found = match cut {
        Cut::Lines => {
            let part = buf.get(start..window.min(buf.len())).unwrap_or(&[]);
            memchr::memchr(b'\n', part)
                .map(|k| start + k)
                .ok_or(Open::Outside)
        }
        Cut::Csv => scan(buf, start, window, *memo),
    };
    let open = match found {
        Ok(k) => {
            return Frame::Record {
                end: strip_cr(buf, start, k),
                next: k + 1,
            }
        }
        Err(open) => open,
    };
    if !full && !eof {
        return Frame::More;
    }
    if cut == Cut::Csv {
        *memo = Some((window.min(buf.len()), open));
    }
    let quote = match open {
        Open::Inside(q) => Some(q),
        // a closing quote (the input ends, or the window, after it)
        Open::QuoteSeen(_) | Open::Outside => None,
    };
    // which cell opened the quote, when it is on the record's first line (a
    // cost of that line only)
    let cell = |q: usize| match memchr::memchr(b'\n', buf.get(start..q).unwrap_or(&[])) {
        None => format!("cell {}", cell_number(buf, start, q)),
        Some(_) => "a cell after the record's first line".to_string(),
    };
    match (quote, full) {
        (Some(q), true) => Frame::Bad(
            UNTERMINATED,
            format!(
                "{} opens a quote that is not closed within {limit} bytes (the record size \
             limit, `--max-record-bytes`): an unterminated quote?",
                cell(q)
            ),
        ),
        (None, true) => Frame::Bad(
            TOO_LONG,
            format!(
            "the record is longer than {limit} bytes (the record size limit, `--max-record-bytes`)"
        ),
        ),
        (Some(q), false) => Frame::Bad(
            UNTERMINATED,
            format!(
                "{} opens a quote that is never closed (the input ends first)",
                cell(q)
            ),
        ),
        (None, false) => Frame::Record {
            end: strip_cr(buf, start, buf.len()),
            next: buf.len(),
        },
    }
}

/// The 1-based number of the cell at `at` of the record starting at `start`.
fn cell_number(buf: &[u8], start: usize, at: usize) -> usize {
    #[derive(PartialEq)]
    enum St {
        Start,
        Plain,
        Quoted,
        /// A quote inside a quoted cell: its end, or the first of two.
        QuoteSeen,
    }
    let mut n = 1;
    let mut st = St::Start;
    for c in buf.get(start..at).unwrap_or(&[]) {
        st = match (st, c) {
            (St::Quoted, b'"') => St::QuoteSeen,
            (St::Quoted, _) | (St::QuoteSeen, b'"') => St::Quoted,
            (St::Start, b'"') => St::Quoted,
            (_, b',') => {
                n += 1;
                St::Start
            }
            _ => St::Plain,
        };
    }
    n
}

/// The offset just past the last complete record of `buf` (0 if none).
#[cfg(test)]
pub(crate) fn last_record_end(buf: &[u8]) -> usize {
    let mut pos = 0;
    while let Some((_, next)) = record_end(buf, pos) {
        pos = next;
    }
    pos
}

/// The positions of `,` and `\n` in a buffer, in order, found 64 bytes at a
/// time: one bit per byte of the block, computed with 16-byte vector compares
/// on x86-64 (SSE2, part of the baseline) and eight bytes at a time elsewhere.
pub(crate) struct Separators<'a> {
    buf: &'a [u8],
    /// Start of the current block.
    base: usize,
    /// One bit per separator byte of the current block not yet returned.
    mask: u64,
    /// One bit per line break of the current block.
    nl: u64,
}

/// Bit `i` is set when byte `i` of the block is `,` or `\n` (first), and when
/// it is `\n` (second).
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[inline]
fn block_masks(block: &[u8; 64]) -> (u64, u64) {
    use safe_arch::{cmp_eq_mask_i8_m128i, m128i, move_mask_i8_m128i, set_splat_i8_m128i};
    let comma = set_splat_i8_m128i(b',' as i8);
    let nl = set_splat_i8_m128i(b'\n' as i8);
    let (mut seps, mut lines) = (0u64, 0u64);
    for (i, part) in block.chunks_exact(16).enumerate() {
        let Ok(part) = <[u8; 16]>::try_from(part) else {
            continue;
        };
        let v = m128i::from(part);
        let c = move_mask_i8_m128i(cmp_eq_mask_i8_m128i(v, comma)) as u32;
        let n = move_mask_i8_m128i(cmp_eq_mask_i8_m128i(v, nl)) as u32;
        seps |= u64::from(c | n) << (16 * i);
        lines |= u64::from(n) << (16 * i);
    }
    (seps, lines)
}

/// Bit `i` is set when byte `i` of the block is `,` or `\n` (first), and when
/// it is `\n` (second).
#[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
#[inline]
fn block_masks(block: &[u8; 64]) -> (u64, u64) {
    block_masks_portable(block)
}

/// [`block_masks`] without vector instructions, eight bytes at a time (SWAR).
#[cfg(any(test, not(all(target_arch = "x86_64", target_feature = "sse2"))))]
#[inline]
fn block_masks_portable(block: &[u8; 64]) -> (u64, u64) {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // the high bit of each byte of `w` equal to `b` (exact, no false positives)
    let equal = |w: u64, b: u8| {
        let v = w ^ (ONES * u64::from(b));
        let low7 = !HIGH;
        !(((v & low7).wrapping_add(low7)) | v | low7)
    };
    // the high bits of the eight bytes, gathered into the low eight bits
    let gather = |m: u64| ((m >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56) & 0xFF;
    let (mut seps, mut lines) = (0u64, 0u64);
    for (i, word) in block.chunks_exact(8).enumerate() {
        let Ok(word) = <[u8; 8]>::try_from(word) else {
            continue;
        };
        let w = u64::from_le_bytes(word);
        let n = equal(w, b'\n');
        seps |= gather(equal(w, b',') | n) << (8 * i);
        lines |= gather(n) << (8 * i);
    }
    (seps, lines)
}

impl<'a> Separators<'a> {
    pub(crate) fn new(buf: &'a [u8]) -> Self {
        let mut s = Separators {
            buf,
            base: 0,
            mask: 0,
            nl: 0,
        };
        s.load(0);
        s
    }

    /// Loads the block at `base`.
    #[inline]
    fn load(&mut self, base: usize) {
        let mut tail = [b' '; 64];
        let block = match self
            .buf
            .get(base..base + 64)
            .and_then(|b| <&[u8; 64]>::try_from(b).ok())
        {
            Some(b) => b,
            None => {
                // past the end: pad with a byte that is no separator
                for (x, y) in tail.iter_mut().zip(self.buf.get(base..).unwrap_or(&[])) {
                    *x = *y;
                }
                &tail
            }
        };
        self.base = base;
        (self.mask, self.nl) = block_masks(block);
    }

    /// Moves to the next block with separators; `false` at the end.
    #[inline]
    fn refill(&mut self) -> bool {
        while self.mask == 0 {
            let next = self.base + 64;
            if next >= self.buf.len() {
                return false;
            }
            self.load(next);
        }
        true
    }

    /// Skips at most `n` separators, never a line break: returns how many were
    /// skipped and the position of the last one. The separators of a block
    /// before its next line break are counted, not visited one by one.
    #[inline]
    pub(crate) fn skip_cells(&mut self, n: usize) -> (usize, Option<usize>) {
        let mut done = 0;
        let mut last = None;
        while done < n {
            if !self.refill() {
                break;
            }
            let lines = self.nl & self.mask;
            // the separators before the block's next line break
            let before = if lines == 0 {
                self.mask
            } else {
                self.mask & (lines & lines.wrapping_neg()).wrapping_sub(1)
            };
            let c = before.count_ones() as usize;
            if done + c <= n {
                done += c;
                if before != 0 {
                    last = Some(self.base + 63 - before.leading_zeros() as usize);
                }
                self.mask &= !before;
                if lines != 0 {
                    // a line break comes next
                    break;
                }
                continue;
            }
            // the count ends inside this block
            let mut m = before;
            for _ in 1..(n - done) {
                m &= m - 1;
            }
            let bit = m & m.wrapping_neg();
            last = Some(self.base + bit.trailing_zeros() as usize);
            self.mask &= !(bit.wrapping_sub(1) | bit);
            done = n;
        }
        (done, last)
    }
}

impl Iterator for Separators<'_> {
    type Item = usize;

    #[inline]
    fn next(&mut self) -> Option<usize> {
        if !self.refill() {
            return None;
        }
        let i = self.mask.trailing_zeros() as usize;
        self.mask &= self.mask - 1;
        Some(self.base + i)
    }
}

const CR_HELP: &str = "lines end with LF or CRLF; convert a file with CR line ends with \
                       `tr '\\r' '\\n' < in.csv > out.csv`";

/// Splits one record (without its line break) into cells. Quoted cells are
/// unquoted. `Err` describes a malformed quote (one inside an unquoted cell,
/// one never closed, text after a closing one) or a carriage return outside
/// quotes.
pub(crate) fn cells<'a>(rec: &'a str, out: &mut Vec<Cow<'a, str>>) -> Result<(), String> {
    out.clear();
    let b = rec.as_bytes();
    if memchr::memchr2(b'"', b'\r', b).is_none() {
        out.extend(rec.split(',').map(Cow::Borrowed));
        return Ok(());
    }
    let mut i = 0;
    loop {
        let n = out.len() + 1;
        if b.get(i) == Some(&b'"') {
            let mut cell = String::new();
            let mut j = i + 1;
            loop {
                let rest = b.get(j..).unwrap_or(&[]);
                let Some(q) = memchr::memchr(b'"', rest) else {
                    return Err(format!("cell {n} has no closing quote"));
                };
                cell.push_str(rec.get(j..j + q).unwrap_or(""));
                j += q + 1;
                if b.get(j) == Some(&b'"') {
                    cell.push('"');
                    j += 1;
                } else {
                    break;
                }
            }
            out.push(Cow::Owned(cell));
            match b.get(j) {
                None => return Ok(()),
                Some(b',') => i = j + 1,
                Some(b'\r') => {
                    return Err(format!(
                    "cell {n} is followed by a carriage return (CR) that ends no line: {CR_HELP}"
                ))
                }
                Some(_) => {
                    return Err(format!(
                        "cell {n} has text after its closing quote: a quoted cell ends at its \
                         closing quote, and a quote inside it is doubled (`\"\"`)"
                    ))
                }
            }
        } else {
            let rest = rec.get(i..).unwrap_or("");
            let end = memchr::memchr(b',', rest.as_bytes()).unwrap_or(rest.len());
            let cell = rest.get(..end).unwrap_or("");
            match memchr::memchr2(b'"', b'\r', cell.as_bytes()).map(|k| cell.as_bytes().get(k)) {
                Some(Some(b'"')) => return Err(stray_quote(n, cell)),
                Some(_) => {
                    return Err(format!(
                        "cell {n} holds a carriage return (CR) that ends no line: {CR_HELP}"
                    ))
                }
                None => {}
            }
            out.push(Cow::Borrowed(cell));
            if end == rest.len() {
                return Ok(());
            }
            i += end + 1;
        }
    }
}

/// The reason for a quote inside cell `n`, which does not start with one.
fn stray_quote(n: usize, cell: &str) -> String {
    let example = if cell.chars().count() <= 40 {
        format!("\"{}\"", cell.replace('"', "\"\""))
    } else {
        "\"ab\"\"c\"".to_string()
    };
    format!(
        "cell {n} has a quote `\"` inside it but does not start with one: a cell with quotes \
         is written in quotes, its quotes doubled (`{example}`)"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_end_outside_quotes() {
        let buf = b"a,b\r\n\"x\ny\",2\nlast";
        assert_eq!(record_end(buf, 0), Some((3, 5)));
        assert_eq!(record_end(buf, 5), Some((12, 13)));
        assert_eq!(record_end(buf, 13), None);
        assert_eq!(last_record_end(buf), 13);
        assert_eq!(last_record_end(b"no newline"), 0);
    }

    #[test]
    fn separators_are_found_across_blocks() {
        let mut buf = Vec::new();
        for i in 0..50 {
            buf.extend_from_slice(
                format!("{i},x{i}\n,,é\u{2c}\u{8a},{}", "a".repeat(i % 9)).as_bytes(),
            );
        }
        let fast: Vec<usize> = Separators::new(&buf).collect();
        let slow: Vec<usize> = buf
            .iter()
            .enumerate()
            .filter(|(_, b)| **b == b',' || **b == b'\n')
            .map(|(i, _)| i)
            .collect();
        assert_eq!(fast, slow);
        assert_eq!(Separators::new(b"").count(), 0);
        // skipping lands where stepping does, and stops before a line break
        for n in 0..12 {
            let mut a = Separators::new(&buf);
            let mut b = Separators::new(&buf);
            let (done, last) = a.skip_cells(n);
            let mut stepped = None;
            for _ in 0..done {
                stepped = b.next();
            }
            assert_eq!(last, stepped, "skip {n}");
            assert_eq!(a.next(), b.next(), "after skip {n}");
        }
        let mut c = Separators::new(b"a,b,c\nd,e");
        assert_eq!(c.skip_cells(10), (2, Some(3)));
        assert_eq!(c.next(), Some(5));
    }

    /// Separators and `skip_cells` against a byte-by-byte reference, over
    /// pseudo-random buffers dense in separators, of lengths across blocks.
    #[test]
    fn separators_match_a_byte_by_byte_reference() {
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut rand = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let alphabet = [b',', b'\n', b'a', b'7', 0xE4, 0xBC, 0x81, b' '];
        for len in [0usize, 1, 63, 64, 65, 127, 128, 129, 200, 333] {
            let buf: Vec<u8> = (0..len)
                .map(|_| alphabet.get((rand() % 8) as usize).copied().unwrap_or(b'a'))
                .collect();
            let slow: Vec<usize> = buf
                .iter()
                .enumerate()
                .filter(|(_, b)| **b == b',' || **b == b'\n')
                .map(|(i, _)| i)
                .collect();
            assert_eq!(Separators::new(&buf).collect::<Vec<_>>(), slow, "len {len}");
            for n in 0..40 {
                let mut a = Separators::new(&buf);
                let (done, last) = a.skip_cells(n);
                // the reference: step over separators up to n or a line break
                let mut b = slow.iter().copied().peekable();
                let (mut want_done, mut want_last) = (0, None);
                while want_done < n {
                    match b.peek() {
                        Some(p) if buf.get(*p) == Some(&b',') => {
                            want_last = b.next();
                            want_done += 1;
                        }
                        _ => break,
                    }
                }
                assert_eq!((done, last), (want_done, want_last), "len {len} skip {n}");
                assert_eq!(a.next(), b.next(), "len {len} after skip {n}");
            }
        }
    }

    #[test]
    fn vector_and_portable_masks_agree() {
        let mut block = [0u8; 64];
        for seed in 0..2000u64 {
            for (i, b) in block.iter_mut().enumerate() {
                let x = seed
                    .wrapping_mul(0x2545_F491_4F6C_DD1D)
                    .rotate_left(i as u32);
                *b = match x % 5 {
                    0 => b',',
                    1 => b'\n',
                    2 => (x >> 8) as u8,
                    3 => 0x80 | (x >> 16) as u8,
                    _ => b'x',
                };
            }
            assert_eq!(
                block_masks(&block),
                block_masks_portable(&block),
                "seed {seed}"
            );
        }
    }

    #[test]
    fn cells_unquote() {
        let mut out = Vec::new();
        assert!(cells("a,,\"b,\"\"c\"\"\",d", &mut out).is_ok());
        let v: Vec<&str> = out.iter().map(|c| c.as_ref()).collect();
        assert_eq!(v, ["a", "", "b,\"c\"", "d"]);
        assert!(cells("\"open", &mut out).is_err());
        assert!(cells("\"a\"b", &mut out).is_err());
        assert!(cells("x,\"\"", &mut out).is_ok());
        assert_eq!(out.len(), 2);
    }
}

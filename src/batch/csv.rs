//! CSV as batch reads it (RFC 4180): records end at a line break outside
//! quotes; a quoted cell may hold commas, line breaks and doubled quotes.
//! `\r\n` line ends are accepted.

use std::borrow::Cow;

/// Where the record starting at `start` ends: `(end, next)` where `end`
/// excludes the line break and `next` is the start of the following record;
/// `None` when the buffer ends inside the record (no line break yet).
pub(crate) fn record_end(buf: &[u8], start: usize) -> Option<(usize, usize)> {
    let mut i = start;
    loop {
        let rest = buf.get(i..)?;
        let k = i + memchr::memchr2(b'\n', b'"', rest)?;
        if buf.get(k) == Some(&b'\n') {
            let end = if k > start && buf.get(k - 1) == Some(&b'\r') {
                k - 1
            } else {
                k
            };
            return Some((end, k + 1));
        }
        // inside quotes: skip to the closing quote (a doubled quote is two quotes)
        let after = buf.get(k + 1..)?;
        i = k + 1 + memchr::memchr(b'"', after)? + 1;
    }
}

/// The offset just past the last complete record of `buf` (0 if none).
pub(crate) fn last_record_end(buf: &[u8]) -> usize {
    if memchr::memchr(b'"', buf).is_none() {
        return memchr::memrchr(b'\n', buf).map_or(0, |i| i + 1);
    }
    let mut pos = 0;
    while let Some((_, next)) = record_end(buf, pos) {
        pos = next;
    }
    pos
}

/// The positions of `,` and `\n` in a buffer, in order, found eight bytes
/// at a time (SWAR: no per-byte branches).
pub(crate) struct Separators<'a> {
    buf: &'a [u8],
    /// Start of the current word.
    base: usize,
    /// High bit of each separator byte of the current word not yet returned.
    mask: u64,
    /// High bit of each line break of the current word.
    nl: u64,
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x8080_8080_8080_8080;

/// The high bit of each byte of `w` equal to `b` (exact, no false positives).
#[inline]
fn bytes_equal(w: u64, b: u8) -> u64 {
    let v = w ^ (ONES * u64::from(b));
    let low7 = !HIGH;
    !(((v & low7).wrapping_add(low7)) | v | low7)
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

    /// Loads the word at `base`.
    #[inline]
    fn load(&mut self, base: usize) {
        let w = match self.buf.get(base..base + 8) {
            Some(b) => {
                let mut a = [0u8; 8];
                a.copy_from_slice(b);
                u64::from_le_bytes(a)
            }
            None => {
                // past the end: pad with a byte that is no separator
                let mut a = [b' '; 8];
                for (x, y) in a.iter_mut().zip(self.buf.get(base..).unwrap_or(&[])) {
                    *x = *y;
                }
                u64::from_le_bytes(a)
            }
        };
        self.base = base;
        self.nl = bytes_equal(w, b'\n');
        self.mask = bytes_equal(w, b',') | self.nl;
    }

    /// Moves to the next word with separators; `false` at the end.
    #[inline]
    fn refill(&mut self) -> bool {
        while self.mask == 0 {
            let next = self.base + 8;
            if next >= self.buf.len() {
                return false;
            }
            self.load(next);
        }
        true
    }

    /// Skips at most `n` separators, never a line break: returns how many were
    /// skipped and the position of the last one. Whole words are skipped by
    /// counting their separators, without visiting each.
    #[inline]
    pub(crate) fn skip_cells(&mut self, n: usize) -> (usize, Option<usize>) {
        let mut done = 0;
        let mut last = None;
        while done < n {
            if !self.refill() {
                break;
            }
            // one bit per byte at most, at bit 7: a multiply counts them
            // (baseline x86-64 has no popcount instruction)
            let c = ((self.mask >> 7).wrapping_mul(ONES) >> 56) as usize;
            if self.nl & self.mask == 0 && done + c <= n {
                done += c;
                last = Some(self.base + (63 - self.mask.leading_zeros() as usize) / 8);
                self.mask = 0;
                continue;
            }
            // one at a time, up to a line break or the count
            while self.mask != 0 && done < n {
                let bit = self.mask & self.mask.wrapping_neg();
                if bit & self.nl != 0 {
                    return (done, last);
                }
                last = Some(self.base + (bit.trailing_zeros() / 8) as usize);
                self.mask &= self.mask - 1;
                done += 1;
            }
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
        let i = (self.mask.trailing_zeros() / 8) as usize;
        self.mask &= self.mask - 1;
        Some(self.base + i)
    }
}

/// Splits one record (without its line break) into cells. Quoted cells are
/// unquoted. `Err` describes a malformed quote.
pub(crate) fn cells<'a>(rec: &'a str, out: &mut Vec<Cow<'a, str>>) -> Result<(), String> {
    out.clear();
    let b = rec.as_bytes();
    if memchr::memchr(b'"', b).is_none() {
        out.extend(rec.split(',').map(Cow::Borrowed));
        return Ok(());
    }
    let mut i = 0;
    loop {
        if b.get(i) == Some(&b'"') {
            let mut cell = String::new();
            let mut j = i + 1;
            loop {
                let rest = b.get(j..).unwrap_or(&[]);
                let Some(q) = memchr::memchr(b'"', rest) else {
                    return Err(format!("cell {} has no closing quote", out.len() + 1));
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
                Some(_) => {
                    return Err(format!(
                        "cell {} has text after its closing quote",
                        out.len()
                    ))
                }
            }
        } else {
            let rest = b.get(i..).unwrap_or(&[]);
            match memchr::memchr(b',', rest) {
                Some(k) => {
                    out.push(Cow::Borrowed(rec.get(i..i + k).unwrap_or("")));
                    i += k + 1;
                }
                None => {
                    out.push(Cow::Borrowed(rec.get(i..).unwrap_or("")));
                    return Ok(());
                }
            }
        }
    }
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

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

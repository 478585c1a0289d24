//! The input of a batch run, read in blocks and cut into pieces for the
//! workers: chunks of whole records, and the records that cannot be framed
//! (longer than the record size limit, or with a quote never closed), each
//! rejected on its own with its line. Every line is accounted for: a chunk
//! says how many lines it holds, and a rejected record takes exactly its first
//! line — reading resumes at the next one. Memory stays bounded: at most a
//! chunk plus one record of the limit is buffered, and the rest of an
//! oversized line is skipped as it is read, never held.

use std::io::{ErrorKind, Read};

use super::csv::{frame, Cut, Frame, Memo};
use super::{BatchError, InputFormat};

/// What the reader hands on, in input order.
pub(crate) enum Piece {
    /// Whole records: `lines` line feeds, the first record on line `line`.
    Chunk {
        line: u64,
        lines: u64,
        bytes: Vec<u8>,
    },
    /// A record that cannot be framed, on line `line`; `bytes` were skipped.
    Reject {
        line: u64,
        code: &'static str,
        reason: String,
        bytes: u64,
    },
}

/// The input, read in blocks, with what is left of the last block.
pub(crate) struct Source<'a> {
    input: &'a mut (dyn Read + Send),
    /// Read and not handed on: `buf[head..]` (what is before `head` is
    /// dropped lazily, so that skipping many short lines costs no copies).
    buf: Vec<u8>,
    head: usize,
    eof: bool,
    /// Whether the start of the input (a byte-order mark) has been looked at.
    started: bool,
    /// The line of `buf`'s first byte (1-based).
    line: u64,
    limit: usize,
    cut: Cut,
    /// What the last CSV scan that did not end left, at `buf` positions.
    memo: Memo,
}

fn read_error(e: &std::io::Error) -> BatchError {
    BatchError::Read {
        message: e.to_string(),
    }
}

/// What a carriage return that ends no line gets as help.
const CR_HELP: &str = "lines end with LF or CRLF; convert a file with CR line ends (classic Mac) \
                       with `tr '\\r' '\\n' < in.csv > out.csv`";

impl<'a> Source<'a> {
    /// Records of `format`, each at most `limit` bytes.
    pub(crate) fn new(input: &'a mut (dyn Read + Send), format: InputFormat, limit: usize) -> Self {
        Source {
            input,
            buf: Vec::new(),
            head: 0,
            eof: false,
            started: false,
            line: 1,
            limit: limit.max(1),
            cut: match format {
                InputFormat::Csv => Cut::Csv,
                InputFormat::Jsonl => Cut::Lines,
            },
            memo: None,
        }
    }

    /// What is read and not handed on.
    fn data(&self) -> &[u8] {
        self.buf.get(self.head..).unwrap_or(&[])
    }

    /// Moves what is read and not handed on to the start of the buffer.
    fn compact(&mut self) {
        if self.head > 0 {
            self.buf.drain(..self.head.min(self.buf.len()));
            self.head = 0;
        }
    }

    /// Drops the first `n` bytes of the data.
    fn drop_front(&mut self, n: usize) {
        self.head = (self.head + n).min(self.buf.len());
        if self.head == self.buf.len() {
            self.buf.clear();
            self.head = 0;
        } else if self.head > 1 << 16 && self.head * 2 > self.buf.len() {
            self.compact();
        }
        self.memo = self
            .memo
            .and_then(|(x, st)| x.checked_sub(n).map(|x| (x, st.shift(n))));
    }

    /// Reads until at least `want` bytes are buffered or the input ends.
    fn fill(&mut self, want: usize) -> Result<(), BatchError> {
        while !self.eof && self.data().len() < want {
            let have = self.data().len();
            let room = want.max(have + 8192) - have;
            self.buf.reserve(room);
            // `read_to_end` on a bounded reader fills the spare capacity without
            // zeroing it first
            match (&mut *self.input)
                .take(room as u64)
                .read_to_end(&mut self.buf)
            {
                Ok(0) => self.eof = true,
                Ok(_) => {}
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) => return Err(read_error(&e)),
            }
        }
        Ok(())
    }

    /// Drops a UTF-8 byte-order mark at the start of the input.
    fn start(&mut self) -> Result<(), BatchError> {
        if !self.started {
            self.started = true;
            self.fill(3)?;
            if self.data().starts_with(b"\xEF\xBB\xBF") {
                self.drop_front(3);
            }
        }
        Ok(())
    }

    /// The first record (a CSV header) without its line break; `None` for
    /// empty input.
    pub(crate) fn header(&mut self) -> Result<Option<String>, BatchError> {
        self.start()?;
        self.compact();
        let mut want = 64 * 1024;
        loop {
            self.fill(want)?;
            if self.buf.is_empty() {
                return Ok(None);
            }
            // a file with CR line ends is one line: say so before anything else
            let first = memchr::memchr(b'\n', &self.buf).unwrap_or(self.buf.len());
            let line = self.buf.get(..first).unwrap_or(&[]);
            let lone_cr = memchr::memchr_iter(b'\r', line)
                .any(|i| i + 1 < first || (i + 1 == self.buf.len() && self.eof));
            if lone_cr {
                return Err(BatchError::LoneCr {
                    help: CR_HELP.into(),
                });
            }
            match frame(&self.buf, 0, self.eof, self.limit, Cut::Csv, &mut None) {
                Frame::More => want = self.buf.len().saturating_mul(2),
                Frame::Bad(_, reason) => {
                    return Err(BatchError::Read {
                        message: format!("the CSV header cannot be read: {reason}"),
                    })
                }
                Frame::Record { end, next } => {
                    let raw = self.buf.get(..end).unwrap_or(&[]);
                    let text = std::str::from_utf8(raw)
                        .map_err(|_| super::encoding::not_utf8_error(raw, "CSV"))?
                        .to_string();
                    self.line += memchr::memchr_iter(b'\n', self.buf.get(..next).unwrap_or(&[]))
                        .count() as u64;
                    self.drop_front(next);
                    return Ok(Some(text));
                }
            }
        }
    }

    /// The next piece: a chunk of about `size` bytes cut after a complete
    /// record (in `spare`, a buffer a worker is done with, if there is one),
    /// or a record that cannot be framed; `None` at the end.
    pub(crate) fn next_piece(
        &mut self,
        size: usize,
        spare: Option<Vec<u8>>,
    ) -> Result<Option<Piece>, BatchError> {
        self.start()?;
        let size = size.max(1);
        let mut want = size;
        loop {
            self.fill(want)?;
            if self.data().is_empty() {
                return Ok(None);
            }
            let mut pos = 0;
            let mut bad = None;
            while pos < size && pos < self.data().len() {
                match frame(
                    self.buf.get(self.head..).unwrap_or(&[]),
                    pos,
                    self.eof,
                    self.limit,
                    self.cut,
                    &mut self.memo,
                ) {
                    Frame::Record { next, .. } => pos = next.max(pos + 1),
                    Frame::More => break,
                    Frame::Bad(code, reason) => {
                        bad = Some((code, reason));
                        break;
                    }
                }
            }
            if pos == 0 {
                match bad {
                    Some((code, reason)) => return self.reject(code, reason).map(Some),
                    // one record longer than what is buffered (and within the limit)
                    None => {
                        want = self.data().len().saturating_mul(2).max(size);
                        continue;
                    }
                }
            }
            self.compact();
            // the rest goes into a buffer a worker is done with, if there is
            // one: reusing buffers spares the kernel mapping fresh pages
            let mut rest = spare.unwrap_or_default();
            rest.clear();
            rest.extend_from_slice(self.buf.get(pos..).unwrap_or(&[]));
            self.buf.truncate(pos);
            let bytes = std::mem::replace(&mut self.buf, rest);
            self.memo = self
                .memo
                .and_then(|(x, st)| x.checked_sub(pos).map(|x| (x, st.shift(pos))));
            let lines = memchr::memchr_iter(b'\n', &bytes).count() as u64;
            let line = self.line;
            self.line += lines;
            return Ok(Some(Piece::Chunk { line, lines, bytes }));
        }
    }

    /// Rejects the record at the start of the buffer and skips its first
    /// line, reading (and dropping) as much as that takes.
    fn reject(&mut self, code: &'static str, reason: String) -> Result<Piece, BatchError> {
        let line = self.line;
        let mut skipped = 0u64;
        loop {
            if let Some(k) = memchr::memchr(b'\n', self.data()) {
                self.drop_front(k + 1);
                skipped += k as u64 + 1;
                self.line += 1;
                break;
            }
            skipped += self.data().len() as u64;
            self.drop_front(self.data().len());
            if self.eof {
                break;
            }
            self.fill(64 * 1024)?;
        }
        Ok(Piece::Reject {
            line,
            code,
            reason,
            bytes: skipped,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `n` bytes of `x`, then `rest`, made as they are read.
    struct Long {
        n: usize,
        rest: &'static [u8],
    }

    impl Read for Long {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            if self.n > 0 {
                let k = self.n.min(buf.len());
                buf.iter_mut().take(k).for_each(|b| *b = b'x');
                self.n -= k;
                return Ok(k);
            }
            self.rest.read(buf)
        }
    }

    #[test]
    fn an_oversized_line_is_skipped_in_bounded_memory() {
        for format in [InputFormat::Jsonl, InputFormat::Csv] {
            let mut input = Long {
                n: 32 << 20,
                rest: b"tail\nnext\n",
            };
            let mut src = Source::new(&mut input, format, 4096);
            let mut most = 0;
            let mut pieces = Vec::new();
            while let Some(p) = src.next_piece(1024, None).ok().flatten() {
                most = most.max(src.buf.capacity());
                pieces.push(match p {
                    Piece::Chunk { line, lines, bytes } => {
                        format!("{line}+{lines}:{}", String::from_utf8_lossy(&bytes))
                    }
                    Piece::Reject { line, bytes, .. } => format!("{line} rejected, {bytes} bytes"),
                });
            }
            assert_eq!(
                pieces,
                [
                    format!("1 rejected, {} bytes", (32 << 20) + 5),
                    "2+1:next\n".to_string()
                ]
            );
            assert!(most < 1 << 20, "{most} bytes buffered");
        }
    }
}

//! The threads of a batch run: this thread reads and cuts the input into
//! chunks at record boundaries, workers process chunks in parallel, and a
//! writer puts their results back in input order. A fixed number of tickets
//! bounds the chunks in flight (read but not yet written), so memory is
//! bounded however large the input and however uneven the workers.

use std::collections::BTreeMap;
use std::io::{ErrorKind, Read, Write};
use std::sync::mpsc::sync_channel;
use std::sync::Mutex;

use super::chunk::{self, Reader};
use super::output::Out;
use super::summary::Tally;
use super::{csv, BatchError, BatchOptions, InputFormat, Progress};

/// The input, read in blocks, with what is left of the last block.
pub(crate) struct Source<'a> {
    input: &'a mut (dyn Read + Send),
    buf: Vec<u8>,
    eof: bool,
}

fn read_error(e: &std::io::Error) -> BatchError {
    BatchError::Read {
        message: e.to_string(),
    }
}

impl<'a> Source<'a> {
    pub(crate) fn new(input: &'a mut (dyn Read + Send)) -> Self {
        Source {
            input,
            buf: Vec::new(),
            eof: false,
        }
    }

    /// Reads until at least `want` bytes are buffered or the input ends.
    fn fill(&mut self, want: usize) -> Result<(), BatchError> {
        while !self.eof && self.buf.len() < want {
            let len = self.buf.len();
            let room = want.max(len + 8192) - len;
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

    /// The first record (a CSV header) without its line break, and the number
    /// of lines it spans; `None` for empty input.
    pub(crate) fn header(&mut self) -> Result<Option<(String, u64)>, BatchError> {
        let mut want = 64 * 1024;
        loop {
            self.fill(want)?;
            let found = csv::record_end(&self.buf, 0);
            if found.is_none() && !self.eof {
                want = self.buf.len() * 2;
                continue;
            }
            let (end, next) = found.unwrap_or((self.buf.len(), self.buf.len()));
            if next == 0 {
                return Ok(None);
            }
            let raw = self.buf.get(..end).unwrap_or(&[]);
            let text = std::str::from_utf8(raw).map_err(|e| BatchError::Read {
                message: format!("the CSV header is not valid UTF-8: {e}"),
            })?;
            let text = text.trim_start_matches('\u{feff}').to_string();
            let lines = 1 + memchr::memchr_iter(b'\n', raw).count() as u64;
            self.buf.drain(..next);
            return Ok(Some((text, lines)));
        }
    }

    /// The next chunk of about `size` bytes, cut after a complete record.
    fn next_chunk(
        &mut self,
        size: usize,
        format: InputFormat,
        spare: Option<Vec<u8>>,
    ) -> Result<Option<Vec<u8>>, BatchError> {
        let mut want = size.max(1);
        loop {
            self.fill(want)?;
            if self.buf.is_empty() {
                return Ok(None);
            }
            let cut = if self.eof {
                self.buf.len()
            } else {
                match format {
                    InputFormat::Csv => csv::last_record_end(&self.buf),
                    InputFormat::Jsonl => memchr::memrchr(b'\n', &self.buf).map_or(0, |i| i + 1),
                }
            };
            if cut == 0 {
                // one record longer than a chunk: read more
                want = self.buf.len().saturating_mul(2);
                continue;
            }
            // the rest goes into a buffer a worker is done with, if there is
            // one: reusing buffers spares the kernel mapping fresh pages
            let mut rest = spare.unwrap_or_default();
            rest.clear();
            rest.extend_from_slice(self.buf.get(cut..).unwrap_or(&[]));
            self.buf.truncate(cut);
            return Ok(Some(std::mem::replace(&mut self.buf, rest)));
        }
    }
}

/// Runs the threads; returns the figures of the whole input.
pub(crate) fn run(
    reader: &Reader<'_>,
    out: &Out<'_>,
    mut src: Source<'_>,
    output: &mut (dyn Write + Send),
    opts: &BatchOptions<'_>,
    first_line: u64,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<Tally, BatchError> {
    let workers = if opts.threads == 0 {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        opts.threads
    };
    let tickets = workers * 3;
    let limit = opts.max_rejections;
    let nmeasures = reader.plan.policy.measures.len();
    type Job = (u64, u64, usize, Vec<u8>);
    type Done = (u64, Vec<u8>, Tally, u64);
    // as many places as tickets: sending a chunk never blocks, so the reader
    // cannot hang when the workers or the writer stop early (a closed pipe)
    let (work_tx, work_rx) = sync_channel::<Job>(tickets);
    let work_rx = Mutex::new(work_rx);
    let (done_tx, done_rx) = sync_channel::<Done>(tickets);
    let (ticket_tx, ticket_rx) = sync_channel::<()>(tickets);
    // input buffers the workers are done with, back to the reader
    let (spare_tx, spare_rx) = sync_channel::<Vec<u8>>(tickets + workers);
    for _ in 0..tickets {
        let _ = ticket_tx.try_send(());
    }
    std::thread::scope(|s| {
        let mut handles = Vec::new();
        for _ in 0..workers {
            let done_tx = done_tx.clone();
            let spare_tx = spare_tx.clone();
            let work_rx = &work_rx;
            handles.push(s.spawn(move || loop {
                let job = match work_rx.lock() {
                    Ok(rx) => rx.recv(),
                    Err(_) => break,
                };
                let Ok((seq, line, lines, bytes)) = job else {
                    break;
                };
                let (buf, tally) = chunk::process(reader, out, &bytes, line, lines, limit);
                let n = bytes.len() as u64;
                let _ = spare_tx.try_send(bytes);
                if done_tx.send((seq, buf, tally, n)).is_err() {
                    break;
                }
            }));
        }
        drop(done_tx);
        drop(spare_tx);
        let writer = s.spawn(move || -> Result<Tally, BatchError> {
            let write_error = |e: std::io::Error| BatchError::Write {
                broken_pipe: e.kind() == ErrorKind::BrokenPipe,
                message: e.to_string(),
            };
            let mut header = Vec::new();
            out.header(&mut header);
            output.write_all(&header).map_err(write_error)?;
            let mut pending: BTreeMap<u64, (Vec<u8>, Tally, u64)> = BTreeMap::new();
            let mut next = 0u64;
            let mut tally = Tally::new(nmeasures);
            let mut done = Progress::default();
            for (seq, buf, t, n) in done_rx {
                pending.insert(seq, (buf, t, n));
                while let Some((buf, t, n)) = pending.remove(&next) {
                    output.write_all(&buf).map_err(write_error)?;
                    done.records += t.records;
                    done.bytes += n;
                    tally.merge(t, limit);
                    progress(done);
                    next += 1;
                    let _ = ticket_tx.send(());
                }
            }
            output.flush().map_err(write_error)?;
            Ok(tally)
        });
        // this thread reads
        let mut seq = 0u64;
        let mut line = first_line;
        let mut read_result = Ok(());
        loop {
            match src.next_chunk(opts.chunk_bytes, reader.format, spare_rx.try_recv().ok()) {
                Ok(Some(bytes)) => {
                    if ticket_rx.recv().is_err() {
                        break; // the writer stopped
                    }
                    let lines = memchr::memchr_iter(b'\n', &bytes).count() as u64;
                    if work_tx.send((seq, line, lines as usize, bytes)).is_err() {
                        break;
                    }
                    seq += 1;
                    line += lines;
                }
                Ok(None) => break,
                Err(e) => {
                    read_result = Err(e);
                    break;
                }
            }
        }
        drop(work_tx);
        drop(ticket_rx);
        let mut worker_failed = false;
        for h in handles {
            worker_failed |= h.join().is_err();
        }
        let written = writer.join().map_err(|_| BatchError::Internal)?;
        let tally = written?;
        read_result?;
        if worker_failed {
            return Err(BatchError::Internal);
        }
        Ok(tally)
    })
}

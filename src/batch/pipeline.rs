//! The threads of a batch run: this thread reads and cuts the input into
//! chunks at record boundaries, workers process chunks in parallel, and a
//! writer puts their results back in input order. A fixed number of tickets
//! bounds the chunks in flight (read but not yet written), so memory is
//! bounded however large the input and however uneven the workers.

use std::collections::BTreeMap;
use std::io::{ErrorKind, Write};
use std::sync::mpsc::sync_channel;
use std::sync::Mutex;

use super::chunk::{self, Reader};
use super::output::Out;
use super::source::{Piece, Source};
use super::summary::{Rejection, Tally};
use super::{BatchError, BatchOptions, Progress};

/// Runs the threads; returns the figures of the whole input.
pub(crate) fn run(
    reader: &Reader<'_>,
    out: &Out<'_>,
    mut src: Source<'_>,
    output: &mut (dyn Write + Send),
    opts: &BatchOptions<'_>,
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
    type Job = (u64, Piece);
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
                let Ok((seq, piece)) = job else {
                    break;
                };
                let (buf, tally, n) = match piece {
                    Piece::Chunk { line, lines, bytes } => {
                        let lines = usize::try_from(lines).unwrap_or(usize::MAX);
                        let (buf, tally) = chunk::process(reader, out, &bytes, line, lines, limit);
                        let n = bytes.len() as u64;
                        let _ = spare_tx.try_send(bytes);
                        (buf, tally, n)
                    }
                    Piece::Reject {
                        line,
                        code,
                        reason,
                        bytes,
                    } => {
                        let mut buf = Vec::new();
                        out.rejected(&mut buf, line, None, code, &reason);
                        let mut tally = Tally::new(nmeasures);
                        tally.records = 1;
                        tally.rejected = 1;
                        if limit > 0 {
                            tally.rejections.push(Rejection {
                                line,
                                id: None,
                                code,
                                reason,
                            });
                        }
                        (buf, tally, bytes)
                    }
                };
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
        let mut read_result = Ok(());
        loop {
            match src.next_piece(opts.chunk_bytes, spare_rx.try_recv().ok()) {
                Ok(Some(piece)) => {
                    if ticket_rx.recv().is_err() {
                        break; // the writer stopped
                    }
                    if work_tx.send((seq, piece)).is_err() {
                        break;
                    }
                    seq += 1;
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

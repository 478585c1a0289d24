//! The reference framer of batch input, shared by `tests/readers.rs` and
//! the `batch_csv`/`batch_jsonl` fuzz targets (included with `#[path]`).

#![allow(
    clippy::indexing_slicing,
    reason = "a reference written byte by byte; indices stay below the length checked"
)]

/// Per record of a batch input: the line it starts on, where its text is
/// (`start..end`, without its line break) and whether it cannot be framed
/// (rejected whatever its content). Written from the rules of `docs/cli.md`
/// byte by byte, without the reader's shortcuts: the reference the batch
/// reader's framing is checked against. `csv`: the first line is a header.
pub fn reference_frames(input: &[u8], csv: bool, limit: usize) -> Vec<(u64, usize, usize, bool)> {
    let skip = if input.starts_with(b"\xEF\xBB\xBF") {
        3
    } else {
        0
    };
    let b = &input[skip..];
    let mut line = 1u64;
    let mut pos = 0;
    if csv {
        match b.iter().position(|c| *c == b'\n') {
            Some(k) => pos = k + 1,
            None => return Vec::new(),
        }
        line += 1;
    }
    let mut out = Vec::new();
    while pos < b.len() {
        let mut i = pos;
        let mut inside = false;
        let mut end = None;
        while i < b.len() {
            let c = b[i];
            if inside {
                if c == b'"' {
                    if b.get(i + 1) == Some(&b'"') {
                        i += 1;
                    } else {
                        inside = false;
                    }
                }
            } else if c == b'\n' {
                end = Some(i);
                break;
            } else if csv && c == b'"' && (i == pos || b[i - 1] == b',') {
                inside = true;
            }
            i += 1;
        }
        let stop = end.unwrap_or(b.len());
        if stop - pos > limit || (end.is_none() && inside) {
            out.push((line, skip + pos, skip + stop, true));
            match b[pos..].iter().position(|c| *c == b'\n') {
                Some(k) => pos += k + 1,
                None => pos = b.len(),
            }
            line += 1;
            continue;
        }
        let next = end.map_or(b.len(), |e| e + 1);
        let mut raw_end = stop;
        if raw_end > pos && b[raw_end - 1] == b'\r' {
            raw_end -= 1;
        }
        if !b[pos..raw_end].iter().all(u8::is_ascii_whitespace) {
            out.push((line, skip + pos, skip + raw_end, false));
        }
        line += b[pos..next].iter().filter(|c| **c == b'\n').count() as u64;
        pos = next;
    }
    out
}

//! A one-line progress bar on stderr for `policyc batch`: records done, records
//! per second and, when the input's size is known, the share done and the time
//! left. Drawn only on a terminal, at most ten times a second.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::batch::Progress;

/// The bar.
pub(super) struct Bar {
    start: Instant,
    total_bytes: Option<u64>,
    last: Mutex<Option<Instant>>,
}

impl Bar {
    pub(super) fn new(total_bytes: Option<u64>) -> Bar {
        Bar {
            start: Instant::now(),
            total_bytes,
            last: Mutex::new(None),
        }
    }

    /// Redraws, unless it did less than 100 ms ago.
    pub(super) fn update(&self, p: Progress) {
        let now = Instant::now();
        if let Ok(mut last) = self.last.lock() {
            if last.is_some_and(|t| now.duration_since(t) < Duration::from_millis(100)) {
                return;
            }
            *last = Some(now);
        }
        let secs = now.duration_since(self.start).as_secs_f64().max(1e-3);
        let rate = p.records as f64 / secs;
        let mut line = format!("\r{} records  {}/s", group(p.records), group(rate as u64));
        if let Some(total) = self.total_bytes.filter(|t| *t > 0) {
            let share = (p.bytes as f64 / total as f64).min(1.0);
            let left = if share > 0.0 {
                secs * (1.0 - share) / share
            } else {
                0.0
            };
            let width = 24;
            let filled = (share * width as f64) as usize;
            line.push_str(&format!(
                "  [{}{}] {:>3.0}%  ETA {}",
                "#".repeat(filled),
                " ".repeat(width - filled.min(width)),
                share * 100.0,
                duration(left)
            ));
        }
        line.push_str("\x1b[K");
        crate::cli::out::err(&line);
    }

    /// Clears the line.
    pub(super) fn finish(&self) {
        let drawn = self.last.lock().map(|l| l.is_some()).unwrap_or(false);
        if drawn {
            crate::cli::out::err("\r\x1b[K");
        }
    }
}

/// 1234567 → 1,234,567
fn group(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn duration(secs: f64) -> String {
    let s = secs.round() as u64;
    if s >= 3600 {
        format!("{}h{:02}m", s / 3600, (s % 3600) / 60)
    } else if s >= 60 {
        format!("{}m{:02}s", s / 60, s % 60)
    } else {
        format!("{s}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_well() {
        assert_eq!(group(0), "0");
        assert_eq!(group(1234567), "1,234,567");
        assert_eq!(duration(75.0), "1m15s");
        assert_eq!(duration(3.2), "3s");
    }
}

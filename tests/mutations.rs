//! Mutation robustness: the files of `policies/`, damaged the way editing
//! damages text — a line deleted, duplicated or swapped with another, random
//! bytes inserted — must never make policyc crash or hang.
//!
//! 1000 mutated files are compiled (with the declarations they need) and
//! formatted in-process (a panic is caught and fails the test), and 100 of
//! them also go through the `policyc` binary: `policyc check` on the whole
//! folder with the mutated file in place and `policyc fmt --check` on the file.
//! (1000 runs of the debug binary would take minutes; `cargo test` should
//! not.) Each run must exit with 0 or 1 (never a signal or the 101 of a panic)
//! and take less than 2 seconds.
//!
//! The random generator is a seeded xorshift, so every run tries the same
//! mutations; set `POLICYC_MUTATION_SEED` to try others.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failed expectation should stop the test loudly"
)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use policyc::source::SourceMap;

/// In-process mutations, in total over all files.
const IN_PROCESS: usize = 1000;
/// Of which also through the binary, unless `POLICYC_MUTATIONS_BINARY` says
/// how many (up to all 1000: `POLICYC_MUTATIONS_BINARY=1000 cargo test
/// --release --test mutations` takes a few minutes).
fn through_binary() -> usize {
    std::env::var("POLICYC_MUTATIONS_BINARY")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(100usize)
        .clamp(1, IN_PROCESS)
}
/// The issue's bound for one run.
const LIMIT: Duration = Duration::from_secs(2);

/// xorshift64*: small, seeded, good enough to pick lines and bytes.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

fn policy_files() -> Vec<PathBuf> {
    let mut v = Vec::new();
    for dir in ["policies/seed", "policies/localities"] {
        for e in std::fs::read_dir(dir).unwrap() {
            v.push(e.unwrap().path());
        }
    }
    v.sort();
    v
}

/// Bytes a careless edit or a bad copy could insert.
const SNIPPETS: &[&[u8]] = &[
    b"{",
    b"}",
    b"(",
    b")",
    b"\"",
    b"\"\"\"",
    b"//",
    b"\r",
    b"\n",
    b"\0",
    "：".as_bytes(),
    "，".as_bytes(),
    "\u{200B}".as_bytes(),
    "\u{FEFF}".as_bytes(),
    "１２".as_bytes(),
    b"\xff\xfe",
    b"\xe5\x85",
    b" if ",
    b" not ",
    b"9999999999999999999999999999999",
    b"2020-02-30",
];

/// Applies one to three damages to `text`: a line deleted, duplicated or
/// swapped, or random bytes inserted.
fn mutate(rng: &mut Rng, text: &[u8]) -> (Vec<u8>, String) {
    let mut lines: Vec<Vec<u8>> = text.split(|b| *b == b'\n').map(<[u8]>::to_vec).collect();
    let mut what = Vec::new();
    for _ in 0..1 + rng.below(3) {
        let n = lines.len();
        match rng.below(4) {
            0 if n > 1 => {
                let i = rng.below(n);
                lines.remove(i);
                what.push(format!("delete line {}", i + 1));
            }
            1 => {
                let i = rng.below(n);
                let l = lines[i].clone();
                lines.insert(i, l);
                what.push(format!("duplicate line {}", i + 1));
            }
            2 if n > 1 => {
                let (i, j) = (rng.below(n), rng.below(n));
                lines.swap(i, j);
                what.push(format!("swap lines {} and {}", i + 1, j + 1));
            }
            _ => {
                let i = rng.below(n);
                let line = &mut lines[i];
                let at = rng.below(line.len() + 1);
                let bytes: Vec<u8> = if rng.below(2) == 0 {
                    SNIPPETS[rng.below(SNIPPETS.len())].to_vec()
                } else {
                    (0..1 + rng.below(8)).map(|_| rng.next() as u8).collect()
                };
                what.push(format!("insert {bytes:?} in line {} at byte {at}", i + 1));
                line.splice(at..at, bytes);
            }
        }
    }
    (lines.join(&b'\n'), what.join(", "))
}

fn seed() -> u64 {
    std::env::var("POLICYC_MUTATION_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x005E_ED0F_2020_0509)
}

/// Compiles file `which`, replaced by `bytes`, with the files it depends on
/// (the declarations of `00_document.policy` and the localities; the other
/// measure files are left out to keep the test fast), and formats it, catching
/// any panic.
fn in_process(files: &[(PathBuf, Vec<u8>)], which: usize, bytes: &[u8]) -> Result<(), String> {
    let mut map = SourceMap::new();
    for (i, (p, b)) in files.iter().enumerate() {
        let context = p.starts_with("policies/localities")
            || p.file_name().is_some_and(|n| n == "00_document.policy");
        if i != which && !context {
            continue;
        }
        let b = if i == which { bytes } else { b };
        map.add(
            p.display().to_string(),
            String::from_utf8_lossy(b).into_owned(),
        );
    }
    let text = String::from_utf8_lossy(bytes).into_owned();
    std::panic::catch_unwind(move || {
        let r = policyc::compile(&map);
        if let Err(d) = &r {
            assert!(!d.is_empty());
            let _ = policyc::diagnostic::render_plain(&map, d);
        }
        let _ = policyc::fmt::format_source(&text);
    })
    .map_err(|e| {
        e.downcast_ref::<String>()
            .cloned()
            .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default()
    })
}

fn run(args: &[&str]) -> (Option<i32>, Duration, String) {
    let start = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_policyc"))
        .args(args)
        .output()
        .unwrap();
    let took = start.elapsed();
    (
        out.status.code(),
        took,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// One mutation: compiled and formatted in process, and every
/// `IN_PROCESS / through_binary()`-th one also through the binary. Returns the
/// exit codes and the slowest run.
fn one_case(
    case: usize,
    files: &[(PathBuf, Vec<u8>)],
    rng: &mut Rng,
    dir: &Path,
) -> (Vec<i32>, Duration) {
    let which = case % files.len();
    let (bytes, what) = mutate(rng, &files[which].1);
    let name = files[which].0.display().to_string();
    let start = Instant::now();
    if let Err(panic) = in_process(files, which, &bytes) {
        panic!("case {case}: {name} after {what}: panic: {panic}");
    }
    let mut slowest = start.elapsed();
    assert!(
        slowest < LIMIT,
        "case {case}: {name} after {what}: {slowest:?} in process"
    );
    let mut codes = Vec::new();
    if !case.is_multiple_of(IN_PROCESS / through_binary()) {
        return (codes, slowest);
    }
    // the whole folder, with the mutated file in place of the original
    let case_dir = dir.join(format!("case{case}"));
    std::fs::create_dir_all(&case_dir).unwrap();
    for (i, (p, b)) in files.iter().enumerate() {
        let b = if i == which { &bytes } else { b };
        std::fs::write(case_dir.join(p.file_name().unwrap()), b).unwrap();
    }
    let mutated = case_dir.join(files[which].0.file_name().unwrap());
    for args in [
        vec!["check", case_dir.to_str().unwrap()],
        vec!["fmt", "--check", mutated.to_str().unwrap()],
    ] {
        let (code, took, stderr) = run(&args);
        assert!(
            matches!(code, Some(0 | 1)),
            "case {case}: `policyc {}` after {what} in {name}: exit {code:?}\n{stderr}",
            args.join(" ")
        );
        assert!(
            took < LIMIT,
            "case {case}: `policyc {}` took {took:?}",
            args.join(" ")
        );
        slowest = slowest.max(took);
        codes.extend(code);
    }
    std::fs::remove_dir_all(&case_dir).unwrap();
    (codes, slowest)
}

#[test]
fn mutated_policies_never_crash_or_hang() {
    let files: Vec<(PathBuf, Vec<u8>)> = policy_files()
        .into_iter()
        .map(|p| {
            let b = std::fs::read(&p).unwrap();
            (p, b)
        })
        .collect();
    assert!(files.len() >= 10);
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("mutations");
    let _ = std::fs::remove_dir_all(&dir);
    // the cases are split over a few threads, each with its own seeded generator
    const THREADS: usize = 4;
    let results: Vec<(Vec<i32>, Duration)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..THREADS)
            .map(|k| {
                let (files, dir) = (&files, &dir);
                s.spawn(move || {
                    let mut rng = Rng(seed() ^ (k as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15));
                    let mut codes = Vec::new();
                    let mut slowest = Duration::ZERO;
                    for case in (k..IN_PROCESS).step_by(THREADS) {
                        let (c, t) = one_case(case, files, &mut rng, dir);
                        codes.extend(c);
                        slowest = slowest.max(t);
                    }
                    (codes, slowest)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let codes: Vec<i32> = results.iter().flat_map(|r| r.0.clone()).collect();
    let slowest = results.iter().map(|r| r.1).max().unwrap_or_default();
    assert_eq!(
        codes.len(),
        2 * (IN_PROCESS / (IN_PROCESS / through_binary()))
    );
    println!(
        "{IN_PROCESS} mutations in process, {} through the binary: exit 0 ×{}, exit 1 ×{}, slowest run {slowest:?}",
        codes.len() / 2,
        codes.iter().filter(|c| **c == 0).count(),
        codes.iter().filter(|c| **c == 1).count(),
    );
}

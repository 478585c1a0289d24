//! Helpers shared by the hostile-I/O suites (`tests/io.rs`, streams and
//! devices; `tests/io_outputs.rs`, output files, usage errors and escaping).

#![allow(dead_code, reason = "shared by several test crates")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failed expectation should stop the test loudly"
)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The binary under test; `POLICYC_BIN` runs these tests against another
/// build (e.g. an older one, to see them fail there).
pub fn bin() -> String {
    std::env::var("POLICYC_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_policyc").to_string())
}
pub const SLICE: &str = "tests/fixtures/slice.policy";
pub const FACTS: &str = r#"{"entity": "企业", "facts": {"规模": "微型", "裁员率": "1%", "上年度失业保险费": 36000, "暂时困难且恢复有望": false}}"#;

pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A fresh folder for one test.
pub fn dir(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join("io").join(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

pub fn s(p: &Path) -> String {
    p.to_string_lossy().into_owned()
}

pub fn command(args: &[String]) -> Command {
    let mut c = Command::new(bin());
    c.current_dir(root()).args(args);
    c
}

/// Waits at most 20 s (policyc must never hang), reading its output meanwhile.
pub fn wait(mut child: Child, what: &str) -> Output {
    fn drain(r: Option<impl std::io::Read + Send + 'static>) -> std::thread::JoinHandle<Vec<u8>> {
        std::thread::spawn(move || {
            let mut v = Vec::new();
            if let Some(mut r) = r {
                let _ = r.read_to_end(&mut v);
            }
            v
        })
    }
    let out = drain(child.stdout.take());
    let err = drain(child.stderr.take());
    let start = Instant::now();
    let status = loop {
        if let Some(st) = child.try_wait().unwrap() {
            break st;
        }
        if start.elapsed() > Duration::from_secs(20) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what}: still running after 20 s");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    Output {
        status,
        stdout: out.join().unwrap(),
        stderr: err.join().unwrap(),
    }
}

pub fn run(args: &[String]) -> Output {
    wait(
        command(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap(),
        &args.join(" "),
    )
}

pub fn code(o: &Output) -> i32 {
    match o.status.code() {
        Some(c) => c,
        None => panic!("killed by a signal: {:?}", o.status),
    }
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn args(a: &[&str]) -> Vec<String> {
    a.iter().map(|x| x.to_string()).collect()
}

/// The files the commands read, made once per test.
pub struct Inputs {
    pub facts: String,
    pub records: String,
    pub newer: String,
}

pub fn inputs(d: &Path) -> Inputs {
    // one record of the seed policy, as `eval` reads it
    let facts = d.join("facts.json");
    let o = run(&args(&[
        "sample",
        "policies",
        "--entity",
        "企业",
        "--count",
        "1",
        "--missing",
        "0",
    ]));
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    std::fs::write(&facts, &o.stdout).unwrap();
    let records = d.join("records.jsonl");
    let o = run(&args(&[
        "sample",
        SLICE,
        "--entity",
        "企业",
        "--count",
        "3000",
        "--missing",
        "0",
    ]));
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    std::fs::write(&records, &o.stdout).unwrap();
    let newer = d.join("newer.policy");
    let text = std::fs::read_to_string(root().join(SLICE))
        .unwrap()
        .replace("default 5.5%", "default 6%");
    std::fs::write(&newer, text).unwrap();
    Inputs {
        facts: s(&facts),
        records: s(&records),
        newer: s(&newer),
    }
}

/// Every subcommand, with an output on stdout; large ones where a closed pipe
/// would stop them midway. Also the file `fmt -` reads on stdin.
pub fn every_command(i: &Inputs) -> Vec<(Vec<String>, Option<&'static str>)> {
    let eval = |extra: &[&str]| {
        let mut a = args(&[
            "eval",
            "policies",
            "--facts",
            &i.facts,
            "--date",
            "2020-07-01",
        ]);
        a.extend(args(extra));
        a
    };
    vec![
        (args(&["check", "policies"]), None),
        (args(&["check", "policies", "--format", "json"]), None),
        (args(&["export", "policies"]), None),
        (eval(&[]), None),
        (eval(&["--explain", "--locality", "呼和浩特市"]), None),
        (eval(&["--format", "json", "--explain"]), None),
        (args(&["test", "policies"]), None),
        (args(&["test", "-v", "policies"]), None),
        (args(&["test", "--format", "json", "policies"]), None),
        (
            args(&["fmt", "-"]),
            Some("policies/seed/00_document.policy"),
        ),
        (
            args(&["fmt", "--check", "-"]),
            Some("tests/fmt/spacing.policy"),
        ),
        (args(&["diff", SLICE, &i.newer]), None),
        (args(&["diff", "--format", "json", SLICE, &i.newer]), None),
        (
            args(&["sample", "policies", "--entity", "企业", "--count", "20000"]),
            None,
        ),
        (
            args(&[
                "batch",
                SLICE,
                "--input",
                &i.records,
                "--date",
                "2020-07-01",
                "-q",
                "--locality",
                "呼和浩特市",
            ]),
            None,
        ),
        (
            args(&["check", "-"]),
            Some("policies/seed/00_document.policy"),
        ),
        (args(&["completions", "bash"]), None),
        (args(&["man"]), None),
        (args(&["man", "batch"]), None),
    ]
}

pub fn stdin_for(file: Option<&str>) -> Stdio {
    match file {
        Some(f) => Stdio::from(std::fs::File::open(root().join(f)).unwrap()),
        None => Stdio::null(),
    }
}

/// The exit code of a command when nothing goes wrong with its output.
pub fn normal_code(a: &[String], stdin: Option<&str>) -> i32 {
    let o = wait(
        command(a)
            .stdin(stdin_for(stdin))
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap(),
        &a.join(" "),
    );
    let c = code(&o);
    assert!(c == 0 || c == 1, "{a:?}: {c} {}", stderr(&o));
    assert!(!o.stdout.is_empty(), "{a:?} writes nothing on stdout");
    c
}

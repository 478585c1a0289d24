//! The command line under hostile I/O: full disks, closed pipes and streams,
//! FIFOs and devices where files are expected, outputs that are inputs,
//! absurd thread counts, and input-derived text with terminal controls
//! (docs/cli.md, docs/reliability.md). Unix only: FIFOs, /dev/full, `sh`.

#![cfg(unix)]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failed expectation should stop the test loudly"
)]

use std::io::Write as _;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The binary under test; `POLICYC_BIN` runs these tests against another
/// build (e.g. an older one, to see them fail there).
fn bin() -> String {
    std::env::var("POLICYC_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_policyc").to_string())
}
const SLICE: &str = "tests/fixtures/slice.policy";
const FACTS: &str = r#"{"entity": "企业", "facts": {"规模": "微型", "裁员率": "1%", "上年度失业保险费": 36000, "暂时困难且恢复有望": false}}"#;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A fresh folder for one test.
fn dir(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join("io").join(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn s(p: &Path) -> String {
    p.to_string_lossy().into_owned()
}

fn command(args: &[String]) -> Command {
    let mut c = Command::new(bin());
    c.current_dir(root()).args(args);
    c
}

/// Waits at most 20 s (policyc must never hang), reading its output meanwhile.
fn wait(mut child: Child, what: &str) -> Output {
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

fn run(args: &[String]) -> Output {
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

fn code(o: &Output) -> i32 {
    match o.status.code() {
        Some(c) => c,
        None => panic!("killed by a signal: {:?}", o.status),
    }
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn args(a: &[&str]) -> Vec<String> {
    a.iter().map(|x| x.to_string()).collect()
}

/// The files the commands read, made once per test.
struct Inputs {
    facts: String,
    records: String,
    newer: String,
}

fn inputs(d: &Path) -> Inputs {
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
fn every_command(i: &Inputs) -> Vec<(Vec<String>, Option<&'static str>)> {
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
    ]
}

fn stdin_for(file: Option<&str>) -> Stdio {
    match file {
        Some(f) => Stdio::from(std::fs::File::open(root().join(f)).unwrap()),
        None => Stdio::null(),
    }
}

/// The exit code of a command when nothing goes wrong with its output.
fn normal_code(a: &[String], stdin: Option<&str>) -> i32 {
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

#[test]
fn a_full_disk_on_stdout_is_exit_2_with_a_message_for_every_command() {
    let d = dir("full");
    let i = inputs(&d);
    if !Path::new("/dev/full").exists() {
        return;
    }
    for (a, stdin) in every_command(&i) {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let o = wait(
            command(&a)
                .stdin(stdin_for(stdin))
                .stdout(Stdio::from(full))
                .stderr(Stdio::piped())
                .spawn()
                .unwrap(),
            &a.join(" "),
        );
        assert_eq!(code(&o), 2, "{a:?}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("cannot write to stdout"),
            "{a:?}: {}",
            stderr(&o)
        );
        assert!(!stderr(&o).contains("panicked"), "{a:?}: {}", stderr(&o));
    }
}

#[test]
fn a_closed_pipe_ends_quietly_with_the_commands_own_code() {
    let d = dir("pipe");
    let i = inputs(&d);
    for (a, stdin) in every_command(&i) {
        let expected = normal_code(&a, stdin);
        let mut child = command(&a)
            .stdin(stdin_for(stdin))
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // the reader goes away before policyc writes
        drop(child.stdout.take());
        let o = wait(child, &a.join(" "));
        assert_eq!(code(&o), expected, "{a:?}: {}", stderr(&o));
        assert!(
            !stderr(&o).contains("cannot write") && !stderr(&o).contains("panicked"),
            "{a:?}: {}",
            stderr(&o)
        );
    }
    // a reader that stops midway (`| head -c 100`) through a large output
    for a in [
        args(&["test", "-v", "policies"]),
        args(&[
            "eval",
            "policies",
            "--facts",
            &i.facts,
            "--date",
            "2020-07-01",
            "--explain",
        ]),
        args(&[
            "sample", "policies", "--entity", "企业", "--count", "200000",
        ]),
        args(&["export", "policies"]),
    ] {
        let expected = normal_code(&a, None);
        let mut child = command(&a)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut out = child.stdout.take().unwrap();
        let mut head = [0u8; 100];
        std::io::Read::read_exact(&mut out, &mut head).unwrap();
        drop(out);
        let o = wait(child, &a.join(" "));
        assert_eq!(code(&o), expected, "{a:?}: {}", stderr(&o));
        assert!(o.stderr.is_empty(), "{a:?}: {}", stderr(&o));
    }
}

/// `sh -c 'exec policyc … >&-'`: policyc starts with no stdout at all.
fn with_stdout_closed(a: &[String], stdin: Option<&str>) -> Output {
    let mut c = Command::new("sh");
    c.current_dir(root())
        .arg("-c")
        .arg("exec \"$0\" \"$@\" >&-")
        .arg(bin())
        .args(a)
        .stdin(stdin_for(stdin))
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    wait(c.spawn().unwrap(), &a.join(" "))
}

#[test]
fn a_closed_stdout_is_an_error_not_silent_success() {
    let d = dir("closed");
    let i = inputs(&d);
    for (a, stdin) in every_command(&i) {
        let o = with_stdout_closed(&a, stdin);
        assert_eq!(code(&o), 2, "{a:?}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("cannot write to stdout: it is closed"),
            "{a:?}: {}",
            stderr(&o)
        );
    }
    // writing to a file needs no stdout; `>/dev/null` is not closed
    let out = s(&d.join("out.json"));
    let o = with_stdout_closed(&args(&["export", "policies", "-o", &out]), None);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let o = wait(
        command(&args(&["export", "policies"]))
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap(),
        "export >/dev/null",
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
}

#[test]
fn absurd_thread_counts_are_usage_errors() {
    let d = dir("threads");
    let i = inputs(&d);
    let batch = |extra: &[&str]| {
        let mut a = args(&[
            "batch",
            SLICE,
            "--input",
            &i.records,
            "--date",
            "2020-07-01",
            "-q",
            "--locality",
            "呼和浩特市",
        ]);
        a.extend(args(extra));
        run(&a)
    };
    for n in ["18446744073709551615", "30000", "257"] {
        let o = batch(&["--threads", n]);
        assert_eq!(code(&o), 2, "--threads {n}: {}", stderr(&o));
        assert!(stderr(&o).contains("0..=256"), "{}", stderr(&o));
    }
    for n in ["18446744073709551615", "0"] {
        let o = batch(&["--chunk-kib", n]);
        assert_eq!(code(&o), 2, "--chunk-kib {n}: {}", stderr(&o));
    }
    for n in ["0", "1", "256"] {
        let o = batch(&["--threads", n]);
        assert_eq!(code(&o), 0, "--threads {n}: {}", stderr(&o));
        assert_eq!(o.stdout.split(|b| *b == b'\n').count(), 3001);
    }
}

fn mkfifo(p: &Path) {
    let st = Command::new("mkfifo").arg(p).status().unwrap();
    assert!(st.success());
}

#[test]
fn fifos_and_devices_are_not_policy_files() {
    let d = dir("fifo");
    let folder = d.join("policy");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::copy(root().join(SLICE), folder.join("a.policy")).unwrap();
    mkfifo(&folder.join("b.policy"));
    // a FIFO not named `.policy` is not looked at
    mkfifo(&folder.join("notes"));
    let alone = d.join("alone.policy");
    mkfifo(&alone);
    for (path, named) in [
        (s(&folder), s(&folder.join("b.policy"))),
        (s(&alone), s(&alone)),
        ("/dev/zero".to_string(), "/dev/zero".to_string()),
        ("/dev/null".to_string(), "/dev/null".to_string()),
    ] {
        for cmd in ["check", "fmt", "export", "test"] {
            let o = run(&args(&[cmd, &path]));
            assert_eq!(code(&o), 2, "{cmd} {path}: {}", stderr(&o));
            assert!(
                stderr(&o).contains(&format!("`{named}` is not a regular file")),
                "{cmd} {path}: {}",
                stderr(&o)
            );
        }
    }
    std::fs::remove_file(folder.join("b.policy")).unwrap();
    let o = run(&args(&["check", &s(&folder)]));
    assert_eq!(code(&o), 0, "{}", stderr(&o));
}

#[test]
fn facts_may_be_a_pipe_but_not_a_device_and_are_bounded() {
    let d = dir("facts");
    let eval = |facts: &str| {
        args(&[
            "eval",
            SLICE,
            "--facts",
            facts,
            "--date",
            "2020-07-01",
            "--format",
            "json",
        ])
    };
    // a FIFO streams the facts
    let fifo = d.join("facts.fifo");
    mkfifo(&fifo);
    let child = command(&eval(&s(&fifo)))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::fs::OpenOptions::new()
        .write(true)
        .open(&fifo)
        .unwrap()
        .write_all(FACTS.as_bytes())
        .unwrap();
    let o = wait(child, "eval --facts FIFO");
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    // a device is refused before it is read
    for dev in ["/dev/zero", "/dev/urandom"] {
        let o = run(&eval(dev));
        assert_eq!(code(&o), 2, "{}", stderr(&o));
        assert!(
            stderr(&o).contains(&format!("`{dev}` is not a regular file or a pipe")),
            "{}",
            stderr(&o)
        );
    }
    // so is a folder
    let o = run(&eval(&s(&d)));
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    // an endless stream stops at the limit: `--facts -` from /dev/zero
    let o = wait(
        command(&eval("-"))
            .stdin(Stdio::from(std::fs::File::open("/dev/zero").unwrap()))
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap(),
        "eval --facts - </dev/zero",
    );
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(stderr(&o).contains("larger than 8 MiB"), "{}", stderr(&o));
    // and so does a large file
    let big = d.join("big.json");
    let f = std::fs::File::create(&big).unwrap();
    f.set_len(policyc::cli::MAX_FACTS_SIZE + 1).unwrap();
    let o = run(&eval(&s(&big)));
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("policy::io::too_large"),
        "{}",
        stderr(&o)
    );
}

fn sha(p: &Path) -> Vec<u8> {
    std::fs::read(p).unwrap()
}

#[test]
fn an_output_that_is_an_input_is_refused_and_the_input_kept() {
    let d = dir("same");
    let i = inputs(&d);
    let records = PathBuf::from(&i.records);
    let before = sha(&records);
    let link = d.join("hard.jsonl");
    std::fs::hard_link(&records, &link).unwrap();
    let dotted = format!("{}/./records.jsonl", s(&d));
    let batch = |extra: &[&str]| {
        let mut a = args(&[
            "batch",
            SLICE,
            "--input",
            &i.records,
            "--date",
            "2020-07-01",
            "-q",
            "--locality",
            "呼和浩特市",
        ]);
        a.extend(args(extra));
        run(&a)
    };
    for o in [
        batch(&["-o", &i.records]),
        batch(&["-o", &dotted]),
        batch(&["-o", &s(&link)]),
        batch(&["--summary", &i.records]),
    ] {
        assert_eq!(code(&o), 2, "{}", stderr(&o));
        assert!(
            stderr(&o).contains("policy::cli::output_is_input"),
            "{}",
            stderr(&o)
        );
        assert_eq!(sha(&records), before);
    }
    // stdin is an input too
    let o = wait(
        command(&args(&[
            "batch",
            SLICE,
            "--input",
            "-",
            "--date",
            "2020-07-01",
            "-q",
            "--locality",
            "呼和浩特市",
            "-o",
            &i.records,
        ]))
        .stdin(Stdio::from(std::fs::File::open(&records).unwrap()))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap(),
        "batch < X -o X",
    );
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert_eq!(sha(&records), before);
    // the results file and the summary file are two files
    let out = s(&d.join("results.jsonl"));
    let o = batch(&["-o", &out, "--summary", &out]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    // a policy file is an input of export, sample and batch
    let policy = d.join("p.policy");
    std::fs::copy(root().join(SLICE), &policy).unwrap();
    let pbefore = sha(&policy);
    for a in [
        args(&["export", &s(&policy), "-o", &s(&policy)]),
        args(&["export", &s(&d), "-o", &s(&policy)]),
        args(&[
            "sample",
            &s(&policy),
            "--entity",
            "企业",
            "--count",
            "3",
            "-o",
            &s(&policy),
        ]),
        args(&[
            "batch",
            &s(&policy),
            "--input",
            &i.records,
            "--date",
            "2020-07-01",
            "-o",
            &s(&policy),
        ]),
    ] {
        let o = run(&a);
        assert_eq!(code(&o), 2, "{a:?}: {}", stderr(&o));
        assert!(stderr(&o).contains("is also an input"), "{}", stderr(&o));
        assert_eq!(sha(&policy), pbefore, "{a:?}");
    }
}

#[test]
fn a_failing_run_leaves_an_existing_output_file_as_it_was() {
    let d = dir("atomic");
    let i = inputs(&d);
    let out = d.join("results.jsonl");
    std::fs::write(&out, "yesterday's results\n").unwrap();
    for bad in [
        ["--locality", "不存在市"],
        ["--entity", "企鹅"],
        ["--measure", "999"],
    ] {
        let mut a = args(&[
            "batch",
            SLICE,
            "--input",
            &i.records,
            "--date",
            "2020-07-01",
            "-q",
            "-o",
            &s(&out),
        ]);
        a.extend(args(&bad));
        let o = run(&a);
        assert!(
            stderr(&o).contains("policy::cli::unknown_"),
            "{}",
            stderr(&o)
        );
        assert_eq!(code(&o), 2, "{}", stderr(&o));
        assert_eq!(
            std::fs::read_to_string(&out).unwrap(),
            "yesterday's results\n"
        );
    }
    // a CSV input whose header does not fit stops the run after the output was opened
    let csv = d.join("bad.csv");
    std::fs::write(&csv, "id,不是字段\n1,2\n").unwrap();
    let o = run(&args(&[
        "batch",
        SLICE,
        "--input",
        &s(&csv),
        "--date",
        "2020-07-01",
        "-q",
        "--locality",
        "呼和浩特市",
        "-o",
        &s(&out),
    ]));
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        "yesterday's results\n"
    );
    // a run that succeeds replaces it, and leaves no temporary file
    let o = run(&args(&[
        "batch",
        SLICE,
        "--input",
        &i.records,
        "--date",
        "2020-07-01",
        "-q",
        "--locality",
        "呼和浩特市",
        "-o",
        &s(&out),
    ]));
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&out).unwrap().lines().count(), 3000);
    assert_no_temporary_file(&d);
}

fn assert_no_temporary_file(d: &Path) {
    for e in std::fs::read_dir(d).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        assert!(!name.starts_with(".policyc-"), "left behind: {name}");
    }
}

/// Runs policyc where no file can grow past 0 bytes (`ulimit -f 0`, with
/// SIGXFSZ ignored so that a write fails with EFBIG): a full disk, even for root.
fn with_no_space(a: &[String]) -> Output {
    let mut c = Command::new("sh");
    c.current_dir(root())
        .arg("-c")
        .arg("trap '' XFSZ; ulimit -f 0 && exec \"$0\" \"$@\"")
        .arg(bin())
        .args(a)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    wait(c.spawn().unwrap(), &a.join(" "))
}

#[test]
fn a_full_disk_never_truncates_a_file() {
    let d = dir("nospace");
    let i = inputs(&d);
    // fmt: the policy stays whole
    let p = d.join("messy.policy");
    std::fs::copy(root().join("tests/fmt/spacing.policy"), &p).unwrap();
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o640)).unwrap();
    let before = sha(&p);
    let o = with_no_space(&args(&["fmt", &s(&p)]));
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(stderr(&o).contains("policy::io::write"), "{}", stderr(&o));
    assert_eq!(sha(&p), before);
    // export, sample and batch -o, and batch --summary
    let out = d.join("out");
    for a in [
        args(&["export", "policies", "-o", &s(&out)]),
        args(&[
            "sample",
            "policies",
            "--entity",
            "企业",
            "--count",
            "100",
            "-o",
            &s(&out),
        ]),
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
            "-o",
            &s(&out),
        ]),
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
            "--summary",
            &s(&out),
        ]),
    ] {
        std::fs::write(&out, "old\n").unwrap();
        let o = with_no_space(&a);
        assert_eq!(code(&o), 2, "{a:?}: {}", stderr(&o));
        assert_eq!(std::fs::read_to_string(&out).unwrap(), "old\n", "{a:?}");
    }
    assert_no_temporary_file(&d);
    // with space, fmt rewrites it and keeps its permissions
    let o = run(&args(&["fmt", &s(&p)]));
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_ne!(sha(&p), before);
    assert_eq!(std::fs::metadata(&p).unwrap().mode() & 0o777, 0o640);
    assert_no_temporary_file(&d);
}

/// `fmt` in a folder it cannot write to: exit 2, the file unchanged. Root
/// writes in a folder of mode 0555, so as root the folder is made immutable
/// (`chattr +i`), which binds root too; the test fails, rather than skips,
/// when neither can make the folder read-only.
#[test]
fn a_read_only_folder_is_an_error_and_the_file_is_unchanged() {
    let d = dir("readonly");
    let p = d.join("messy.policy");
    std::fs::copy(root().join("tests/fmt/spacing.policy"), &p).unwrap();
    let before = sha(&p);
    std::fs::set_permissions(&d, std::fs::Permissions::from_mode(0o555)).unwrap();
    let writable = || {
        let probe = d.join("probe");
        let ok = std::fs::write(&probe, "").is_ok();
        let _ = std::fs::remove_file(&probe);
        ok
    };
    let immutable = writable()
        && Command::new("chattr")
            .arg("+i")
            .arg(&d)
            .status()
            .is_ok_and(|s| s.success());
    let read_only = !writable();
    let o = run(&args(&["fmt", &s(&p)]));
    if immutable {
        let _ = Command::new("chattr").arg("-i").arg(&d).status();
    }
    std::fs::set_permissions(&d, std::fs::Permissions::from_mode(0o755)).unwrap();
    assert!(read_only, "could not make {} read-only", d.display());
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(stderr(&o).contains("policy::io::write"), "{}", stderr(&o));
    assert_eq!(sha(&p), before);
    assert_no_temporary_file(&d);
}

/// An output whose folder is a regular file (root cannot write there
/// either): every command that writes a file says so with exit 2 and
/// creates nothing.
#[test]
fn an_output_under_a_regular_file_is_an_error() {
    let d = dir("notdir");
    let i = inputs(&d);
    let file = d.join("file.txt");
    std::fs::write(&file, "old\n").unwrap();
    let out = s(&file.join("out"));
    for a in [
        args(&["export", "policies", "-o", &out]),
        args(&[
            "sample", "policies", "--entity", "企业", "--count", "3", "-o", &out,
        ]),
        args(&[
            "batch",
            SLICE,
            "--input",
            &i.records,
            "--date",
            "2020-07-01",
            "-q",
            "-o",
            &out,
        ]),
        args(&[
            "batch",
            SLICE,
            "--input",
            &i.records,
            "--date",
            "2020-07-01",
            "-q",
            "--summary",
            &out,
        ]),
    ] {
        let o = run(&a);
        assert_eq!(code(&o), 2, "{a:?}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("policy::io::write"),
            "{a:?}: {}",
            stderr(&o)
        );
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "old\n", "{a:?}");
    }
    assert_no_temporary_file(&d);
}

#[test]
fn unknown_locality_entity_and_measure_are_usage_errors_everywhere() {
    let d = dir("unknown");
    let i = inputs(&d);
    let eval = |extra: &[&str]| {
        let mut a = args(&["eval", SLICE, "--facts", &i.facts, "--date", "2020-07-01"]);
        a.extend(args(extra));
        a
    };
    let batch = |extra: &[&str]| {
        let mut a = args(&[
            "batch",
            SLICE,
            "--input",
            &i.records,
            "--date",
            "2020-07-01",
            "-q",
        ]);
        a.extend(args(extra));
        a
    };
    let cases = [
        (
            eval(&["--locality", "呼和浩特"]),
            "policy::cli::unknown_locality",
            Some("did you mean `呼和浩特市`?"),
        ),
        (
            batch(&["--locality", "呼和浩特"]),
            "policy::cli::unknown_locality",
            Some("did you mean `呼和浩特市`?"),
        ),
        (
            eval(&["--measure", "99"]),
            "policy::cli::unknown_measure",
            Some("the measures are 3"),
        ),
        (
            batch(&["--measure", "99"]),
            "policy::cli::unknown_measure",
            Some("the measures are 3"),
        ),
        (
            batch(&["--entity", "企亚"]),
            "policy::cli::unknown_entity",
            Some("did you mean `企业`?"),
        ),
        (
            args(&["sample", SLICE, "--entity", "企亚", "--count", "1"]),
            "policy::cli::unknown_entity",
            Some("did you mean `企业`?"),
        ),
    ];
    for (a, code_name, help) in cases {
        let o = run(&[args(&["--error-format", "json"]), a.clone()].concat());
        assert_eq!(code(&o), 2, "{a:?}: {}", stderr(&o));
        let v: serde_json::Value = serde_json::from_slice(&o.stderr).unwrap();
        assert_eq!(v[0]["code"], code_name, "{a:?}");
        if let Some(h) = help {
            assert!(v[0]["help"].as_str().unwrap().contains(h), "{a:?}: {v}");
        }
        assert!(o.stdout.is_empty());
    }
}

/// No byte of a control sequence reaches the terminal.
fn assert_tame(what: &str, text: &[u8]) {
    let text = String::from_utf8_lossy(text);
    let bad: Vec<char> = text
        .chars()
        .filter(|c| {
            (c.is_control() && *c != '\n')
                || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
        })
        .collect();
    assert!(bad.is_empty(), "{what}: {bad:?} in {text}");
}

#[test]
fn input_derived_text_is_escaped_on_the_terminal() {
    let d = dir("escape");
    let hostile = std::fs::read_to_string(root().join(SLICE))
        .unwrap()
        .replace(
            "\"失业保险稳岗返还\"",
            "\"失业\u{202e}保险\u{1b}[2J稳岗返还\"",
        )
        .replace(
            "example \"小型企业按100%返还\"",
            "example \"小型\u{1b}]0;title\u{7}企业\u{2066}\r\"",
        )
        .replace("expect eligible 48000 元", "expect eligible 48001 元");
    let p = d.join("hostile.policy");
    std::fs::write(&p, &hostile).unwrap();
    let facts = d.join("facts.json");
    std::fs::write(
        &facts,
        r#"{"entity": "企业", "facts": {"规模": "微型", "裁员率": "1%", "上年度失业保险费": 36000, "暂时困难且恢复有望": false}}"#,
    )
    .unwrap();
    let bad_facts = d.join("bad-facts.json");
    std::fs::write(
        &bad_facts,
        "{\"entity\": \"企业\", \"facts\": {\"\\u001b[31m\\u202e\\r\": 1}}",
    )
    .unwrap();
    let named = d.join("na\u{1b}[31mme\u{202e}.policy");
    std::fs::write(&named, "department 人社厅 = \"x\"\nmeasure 1 \"x\" {\n").unwrap();
    let unformatted = d.join("fm\u{1b}[1mt.policy");
    std::fs::copy(root().join("tests/fmt/spacing.policy"), &unformatted).unwrap();
    let newer = d.join("newer.policy");
    std::fs::write(&newer, hostile.replace("default 5.5%", "default 6%")).unwrap();
    let runs = [
        args(&["test", "-v", &s(&p)]),
        args(&[
            "eval",
            &s(&p),
            "--facts",
            &s(&facts),
            "--date",
            "2020-07-01",
            "--explain",
        ]),
        args(&[
            "eval",
            &s(&p),
            "--facts",
            &s(&bad_facts),
            "--date",
            "2020-07-01",
        ]),
        args(&[
            "--error-format",
            "plain",
            "eval",
            &s(&p),
            "--facts",
            &s(&bad_facts),
            "--date",
            "2020-07-01",
        ]),
        args(&["check", &s(&named)]),
        args(&["--error-format", "plain", "check", &s(&named)]),
        args(&["fmt", "--check", &s(&unformatted)]),
        args(&["diff", &s(&p), &s(&newer)]),
        args(&["check", &s(&d.join("no\u{1b}[2Jthere.policy"))]),
    ];
    for a in runs {
        let o = run(&a);
        assert!(code(&o) <= 2, "{a:?}: {}", stderr(&o));
        assert_tame(&format!("{a:?} stdout"), &o.stdout);
        assert_tame(&format!("{a:?} stderr"), &o.stderr);
        let all = format!("{}{}", String::from_utf8_lossy(&o.stdout), stderr(&o));
        assert!(all.contains("\\u{1b}"), "{a:?}: {all}");
    }
}

#[test]
fn the_escape_function_escapes_exactly_the_terminal_controls() {
    use policyc::diagnostic::{escape, escape_lines};
    assert_eq!(escape("企业 a-b_c \\ 1%"), "企业 a-b_c \\ 1%");
    assert_eq!(escape("a\u{1b}[31mb"), "a\\u{1b}[31mb");
    assert_eq!(escape("a\nb\rc\td"), "a\\u{a}b\\u{d}c\\u{9}d");
    assert_eq!(escape_lines("a\nb\rc"), "a\nb\\u{d}c");
    assert_eq!(escape("\u{7f}\u{85}\u{9b}"), "\\u{7f}\\u{85}\\u{9b}");
    for c in [
        '\u{202A}', '\u{202E}', '\u{2066}', '\u{2069}', '\u{200E}', '\u{200F}', '\u{061C}',
    ] {
        assert_eq!(escape(&c.to_string()), format!("\\u{{{:x}}}", c as u32));
    }
}

#[test]
fn nothing_in_src_cli_prints_around_the_writer() {
    for entry in walk(&root().join("src/cli")) {
        let text = std::fs::read_to_string(&entry).unwrap();
        for bad in [
            "println!",
            "print!(",
            "eprintln!",
            "eprint!(",
            "io::stdout()",
            "io::stderr()",
        ] {
            let allowed = entry.ends_with("out.rs") && bad.starts_with("io::");
            let terminal_check = text
                .lines()
                .filter(|l| l.contains(bad))
                .all(|l| l.contains("is_terminal") || l.contains("as_fd"));
            assert!(
                allowed || !text.contains(bad) || terminal_check,
                "{}: {bad}",
                entry.display()
            );
        }
    }
}

fn walk(d: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(d).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

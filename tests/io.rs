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
use std::path::Path;
use std::process::{Command, Output, Stdio};

#[path = "common/hostile.rs"]
mod hostile;
use hostile::*;

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

//! The command line under hostile I/O, part two: outputs that are inputs,
//! failing runs and full disks that must leave files as they were, read-only
//! folders, usage errors, and input-derived text with terminal controls
//! (docs/cli.md, docs/reliability.md). Unix only.

#![cfg(unix)]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failed expectation should stop the test loudly"
)]

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

#[path = "common/hostile.rs"]
mod hostile;
use hostile::*;

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

//! The batch readers under attack ("Reliability under attack"): every input
//! line is accounted for (records read = evaluated + rejected, one result line
//! per record, in order, each rejection naming the line its record starts on),
//! whatever stray quotes, unterminated quotes, enormous records, byte-order
//! marks, carriage returns or foreign encodings the input holds.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failed expectation should stop the test loudly"
)]

use std::io::Read;
use std::path::PathBuf;
use std::sync::OnceLock;

use chrono::NaiveDate;
use policyc::batch::{self, BatchError, BatchOptions, InputFormat, Summary};
use policyc::ir::Policy;
use serde_json::Value as Json;

fn seed() -> &'static Policy {
    static P: OnceLock<Policy> = OnceLock::new();
    P.get_or_init(|| {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let (sources, diags) = policyc::load::load(&[root.join("policies")]).unwrap();
        assert!(diags.is_empty());
        policyc::compile(&sources).unwrap()
    })
}

fn opts(input: InputFormat, chunk: usize) -> BatchOptions<'static> {
    let mut o = BatchOptions::new(NaiveDate::from_ymd_opt(2020, 7, 1).unwrap());
    o.input_format = input;
    o.threads = 2;
    o.chunk_bytes = chunk;
    o
}

/// Runs `text` and checks the accounting: one result line per record, in
/// order, rejected lines as the summary lists them. Returns the result lines
/// (as JSON) and the summary.
fn run(text: &[u8], o: &BatchOptions<'_>) -> (Vec<Json>, Summary) {
    let mut out = Vec::new();
    let s = batch::run(seed(), &mut &text[..], &mut out, o, &|_| {}).unwrap();
    let lines: Vec<Json> = String::from_utf8(out)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(s.records, s.evaluated + s.rejected);
    assert_eq!(lines.len() as u64, s.records, "one result line per record");
    let nums: Vec<u64> = lines.iter().map(|l| l["line"].as_u64().unwrap()).collect();
    assert!(nums.windows(2).all(|w| w[0] < w[1]), "in order: {nums:?}");
    let rejected: Vec<u64> = lines
        .iter()
        .filter(|l| l.get("rejected").is_some())
        .map(|l| l["line"].as_u64().unwrap())
        .collect();
    assert_eq!(rejected.len() as u64, s.rejected);
    let listed: Vec<u64> = s.rejections.iter().map(|r| r.line).collect();
    assert_eq!(&rejected[..listed.len()], &listed[..]);
    (lines, s)
}

fn line_of(lines: &[Json], n: u64) -> &Json {
    lines
        .iter()
        .find(|l| l["line"] == n)
        .unwrap_or_else(|| panic!("no result for line {n}: {lines:?}"))
}

fn rejected(lines: &[Json], n: u64) -> String {
    line_of(lines, n)["rejected"]
        .as_str()
        .unwrap_or_else(|| panic!("line {n} was not rejected: {lines:?}"))
        .to_string()
}

const HEADER: &str = "id,规模,裁员率\n";

/// `n` good CSV records `r<i>,小型,<i>%`.
fn good_csv(from: usize, n: usize) -> String {
    (from..from + n)
        .map(|i| format!("r{i},小型,{}%\n", i % 30))
        .collect()
}

#[test]
fn a_stray_quote_in_an_unquoted_cell_rejects_only_its_record() {
    // before: the quote opened a quoted cell, merging the following records
    // into one rejection
    for chunk in [16, 4096] {
        let text = format!(
            "{HEADER}{}id1,小\"型,3%\n{}",
            good_csv(0, 3),
            good_csv(3, 5)
        );
        let (lines, s) = run(text.as_bytes(), &opts(InputFormat::Csv, chunk));
        assert_eq!((s.records, s.evaluated, s.rejected), (9, 8, 1), "{lines:?}");
        let why = rejected(&lines, 5);
        assert!(why.contains("cell 2 has a quote"), "{why}");
        assert_eq!(line_of(&lines, 5)["code"], "policy::batch::csv_syntax");
        assert!(why.contains(r#""小""型""#), "{why}");
        assert_eq!(line_of(&lines, 10)["id"], "r7");
    }
    // text after a closing quote: the same
    let text = format!("{HEADER}\"a\"b,小型,1%\n{}", good_csv(0, 2));
    let (lines, s) = run(text.as_bytes(), &opts(InputFormat::Csv, 16));
    assert_eq!((s.evaluated, s.rejected), (2, 1));
    assert!(rejected(&lines, 2).contains("text after its closing quote"));
}

#[test]
fn an_unterminated_quote_rejects_one_record_and_reading_resumes_at_the_next_line() {
    // before: the open quote swallowed the rest of the file ("2 records read")
    for chunk in [16, 64, 4096] {
        let text = format!(
            "{HEADER}{}\"id2,小型,3%\n{}",
            good_csv(0, 2),
            good_csv(2, 20)
        );
        let (lines, s) = run(text.as_bytes(), &opts(InputFormat::Csv, chunk));
        assert_eq!(
            (s.records, s.evaluated, s.rejected),
            (23, 22, 1),
            "{lines:?}"
        );
        let why = rejected(&lines, 4);
        assert!(
            why.contains("cell 1 opens a quote that is never closed"),
            "{why}"
        );
        assert_eq!(
            line_of(&lines, 4)["code"],
            "policy::batch::unterminated_quote"
        );
        assert_eq!(line_of(&lines, 5)["id"], "r2");
        assert_eq!(line_of(&lines, 24)["id"], "r21");
    }
}

#[test]
fn a_quote_not_closed_within_the_record_size_limit_rejects_one_record() {
    // a quoted cell spanning many lines, closed only after the limit
    let mut text = format!("{HEADER}r0,小型,1%\n\"long,");
    for i in 0..200 {
        text.push_str(&format!("line {i}\n"));
    }
    text.push_str("end\",小型,1%\n");
    text.push_str(&good_csv(1, 3));
    let mut o = opts(InputFormat::Csv, 256);
    o.max_record_bytes = 500;
    let (lines, s) = run(text.as_bytes(), &o);
    let why = rejected(&lines, 3);
    assert!(
        why.contains("cell 1 opens a quote that is not closed within 500 bytes"),
        "{why}"
    );
    // every line after it is read as a record of its own
    assert_eq!(s.records, 1 + 1 + 199 + 1 + 3, "{:?}", s.rejections);
    assert_eq!(line_of(&lines, 206)["id"], "r3");
    // within the limit, the same record is read whole
    o.max_record_bytes = 1 << 20;
    let (_, s) = run(text.as_bytes(), &o);
    assert_eq!((s.records, s.evaluated, s.rejected), (5, 5, 0));
}

/// Bytes made on the fly: `head`, then `len` bytes of `fill`, then `tail`.
struct Generated {
    parts: Vec<(Vec<u8>, u64)>,
}

impl Read for Generated {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let Some((bytes, left)) = self.parts.first_mut() else {
            return Ok(0);
        };
        let mut n = 0;
        while n < buf.len() && *left > 0 {
            let k = ((*left - 1) % bytes.len() as u64) as usize;
            buf[n] = bytes[bytes.len() - 1 - k];
            n += 1;
            *left -= 1;
        }
        if *left == 0 {
            self.parts.remove(0);
        }
        Ok(n)
    }
}

#[test]
fn an_enormous_jsonl_line_is_rejected_and_skipped_without_being_held() {
    let good = r#"{"entity":"企业","id":"ok","facts":{"规模":"小型"}}"#;
    for chunk in [64, 4096] {
        // 6 MB on line 2, against a limit of 64 KiB
        let mut input = Generated {
            parts: vec![
                (format!("{good}\n").into_bytes(), good.len() as u64 + 1),
                (b"{\"entity\":\"".to_vec(), 11),
                (b"x".to_vec(), 6_000_000),
                (
                    format!("\"}}\n{good}\n{good}").into_bytes(),
                    good.len() as u64 * 2 + 4,
                ),
            ],
        };
        let mut o = opts(InputFormat::Jsonl, chunk);
        o.max_record_bytes = 64 * 1024;
        let mut out = Vec::new();
        let s = batch::run(seed(), &mut input, &mut out, &o, &|_| {}).unwrap();
        assert_eq!((s.records, s.evaluated, s.rejected), (4, 3, 1));
        assert_eq!(s.rejections[0].line, 2);
        assert_eq!(s.rejections[0].code, "policy::batch::record_too_long");
        assert!(
            s.rejections[0]
                .reason
                .contains("longer than 65536 bytes (the record size limit"),
            "{}",
            s.rejections[0].reason
        );
        assert!(out.len() < 20_000, "the long line is not echoed");
    }
}

#[test]
fn an_enormous_csv_line_is_rejected_and_the_next_lines_are_read() {
    let text = format!(
        "{HEADER}{}r9,{},1%\n{}",
        good_csv(0, 2),
        "大".repeat(400_000),
        good_csv(2, 2)
    );
    let mut o = opts(InputFormat::Csv, 1024);
    o.max_record_bytes = 10_000;
    let (lines, s) = run(text.as_bytes(), &o);
    assert_eq!((s.records, s.evaluated, s.rejected), (5, 4, 1));
    assert!(rejected(&lines, 4).contains("longer than 10000 bytes"));
    assert_eq!(line_of(&lines, 6)["id"], "r3");
}

#[test]
fn a_byte_order_mark_at_the_start_is_accepted() {
    let good = r#"{"entity":"企业","id":"a","facts":{"规模":"小型"}}"#;
    let text = format!("\u{FEFF}{good}\n{good}\n");
    let (_, s) = run(text.as_bytes(), &opts(InputFormat::Jsonl, 4096));
    assert_eq!((s.records, s.evaluated, s.rejected), (2, 2, 0));
    let text = format!("\u{FEFF}{HEADER}{}", good_csv(0, 2));
    let (lines, s) = run(text.as_bytes(), &opts(InputFormat::Csv, 4096));
    assert_eq!((s.records, s.evaluated, s.rejected), (2, 2, 0));
    assert_eq!(line_of(&lines, 2)["id"], "r0");
}

#[test]
fn carriage_returns_that_end_no_line_are_named() {
    // a CSV file with classic Mac line ends is one line: the header says so
    let text = format!("{HEADER}{}", good_csv(0, 3)).replace('\n', "\r");
    let e = batch::run_text(seed(), &text, &opts(InputFormat::Csv, 4096)).unwrap_err();
    assert!(matches!(e, BatchError::LoneCr { .. }), "{e}");
    assert!(format!("{:?}", e).contains("tr '\\\\r' '\\\\n'"), "{e:?}");
    // in a record: that record is rejected, the others are read
    let text = format!("{HEADER}r0,小型,1%\rr1,小型,2%\n{}", good_csv(2, 2));
    let (lines, s) = run(text.as_bytes(), &opts(InputFormat::Csv, 4096));
    assert_eq!((s.records, s.evaluated, s.rejected), (3, 2, 1));
    assert!(rejected(&lines, 2).contains("carriage return (CR) that ends no line"));
    // CRLF is a line end; a CR inside quotes is data
    let text = format!("{HEADER}\"r\r0\",小型,1%\n{}", good_csv(1, 1)).replace('\n', "\r\n");
    let (lines, s) = run(text.as_bytes(), &opts(InputFormat::Csv, 4096));
    assert_eq!((s.evaluated, s.rejected), (2, 0), "{lines:?}");
    // JSONL: the rejection says why
    let good = r#"{"entity":"企业","facts":{}}"#;
    let text = format!("{good}\r{good}\n{good}\n");
    let (lines, s) = run(text.as_bytes(), &opts(InputFormat::Jsonl, 4096));
    assert_eq!((s.evaluated, s.rejected), (1, 1));
    assert!(rejected(&lines, 1).contains("carriage return (CR) that ends no line"));
}

#[test]
fn a_csv_file_in_gbk_is_named_with_the_command_that_converts_it() {
    // "规模,裁员率" and a record, in GBK
    let header: &[u8] = &[
        0xB9, 0xE6, 0xC4, 0xA3, b',', 0xB2, 0xC3, 0xD4, 0xB1, 0xC2, 0xCA,
    ];
    let record: &[u8] = &[0xD0, 0xA1, 0xD0, 0xCD, b',', b'5', b'%'];
    let text = [header, b"\n", record, b"\n"].concat();
    let mut out = Vec::new();
    let e = batch::run(
        seed(),
        &mut &text[..],
        &mut out,
        &opts(InputFormat::Csv, 4096),
        &|_| {},
    )
    .unwrap_err();
    assert!(matches!(e, BatchError::NotUtf8 { .. }), "{e}");
    let shown = format!("{e} {e:?}");
    assert!(shown.contains("not UTF-8"), "{shown}");
    assert!(shown.contains("GBK/GB18030"), "{shown}");
    assert!(
        shown.contains("iconv -f GB18030 -t UTF-8 in.csv > out.csv"),
        "{shown}"
    );
    // a record in GBK under a UTF-8 header: rejected, with the same advice
    let text = [
        b"id,\xE8\xA7\x84\xE6\xA8\xA1\n".as_slice(),
        b"a,",
        &record[..4],
        b"\n",
    ]
    .concat();
    let (lines, _) = run(&text, &opts(InputFormat::Csv, 4096));
    assert!(rejected(&lines, 2).contains("GBK/GB18030"), "{lines:?}");
}

#[test]
fn a_percentage_without_its_sign_is_refused_not_read_as_a_fraction() {
    // before: `5.5` in a percent column was 5.5 = 550%
    let text = format!("{HEADER}a,小型,5.5\nb,小型,5.5%\nc,小型,0.055\n");
    for engine in [batch::Engine::Columnar, batch::Engine::Rows] {
        let mut o = opts(InputFormat::Csv, 4096);
        o.engine = engine;
        let (lines, s) = run(text.as_bytes(), &o);
        assert_eq!((s.evaluated, s.rejected), (1, 2));
        let why = rejected(&lines, 2);
        assert!(why.contains("`5.5` is a percentage without `%`"), "{why}");
        assert!(
            why.contains("write `5.5%` (or `550%` if it is the fraction 5.5)"),
            "{why}"
        );
        assert!(rejected(&lines, 4).contains("write `0.055%`"));
    }
    // JSONL: the string "5.5" likewise; the number 0.055 is the fraction
    let text = [
        r#"{"entity":"企业","facts":{"裁员率":"5.5"}}"#,
        r#"{"entity":"企业","facts":{"裁员率":0.055}}"#,
        r#"{"entity":"企业","facts":{"裁员率":"5.5%"}}"#,
    ]
    .join("\n");
    let (lines, s) = run(text.as_bytes(), &opts(InputFormat::Jsonl, 4096));
    assert_eq!((s.evaluated, s.rejected), (2, 1));
    let why = rejected(&lines, 1);
    assert!(
        why.contains(
            r#"$.facts.裁员率: `5.5` is a percentage without `%`: write "5.5%" or the number 0.055"#
        ),
        "{why}"
    );
}

#[test]
fn a_key_given_twice_is_refused_with_its_path() {
    // before: the last one counted, silently
    let text = [
        r#"{"entity":"企业","facts":{"裁员率":"3%","规模":"小型","裁员率":"50%"}}"#,
        r#"{"entity":"企业","facts":{"裁员率":"3%"},"facts":{"规模":"小型"}}"#,
        r#"{"entity":"企业","entity":"个人","facts":{}}"#,
        r#"{"entity":"企业","facts":{"\u88c1员率":"3%","裁员率":"3%"}}"#,
        r#"{"entity":"企业","facts":{"裁员率":"3%","规模":"小型"}}"#,
    ]
    .join("\n");
    let (lines, s) = run(text.as_bytes(), &opts(InputFormat::Jsonl, 4096));
    assert_eq!((s.evaluated, s.rejected), (1, 4));
    assert!(rejected(&lines, 1).contains("$.facts.裁员率: the key `裁员率` is given twice"));
    // with the code `eval` gives it, in the result line and the summary
    for n in 1..=4 {
        assert_eq!(line_of(&lines, n)["code"], "policy::facts::duplicate_key");
    }
    assert!(s
        .rejections
        .iter()
        .all(|r| r.code == "policy::facts::duplicate_key"));
    assert!(rejected(&lines, 2).contains("$.facts: the key `facts` is given twice"));
    assert!(rejected(&lines, 3).contains("$.entity: the key `entity` is given twice"));
    assert!(rejected(&lines, 4).contains("$.facts.裁员率: the key `裁员率` is given twice"));
    // `eval` reads facts files the same way, with its own code
    let e = policyc::eval::Facts::from_json(seed(), &lines_text(&text, 0)).unwrap_err();
    assert_eq!(e[0].code, policyc::eval::FactsError::DUPLICATE_KEY);
    assert_eq!(e[0].path, "$.facts.裁员率");
}

fn lines_text(text: &str, n: usize) -> String {
    text.lines().nth(n).unwrap().to_string()
}

fn facts_policy() -> &'static Policy {
    static P: OnceLock<Policy> = OnceLock::new();
    P.get_or_init(|| {
        let mut map = policyc::source::SourceMap::new();
        map.add(
            "tests/bad/facts.policy",
            std::fs::read_to_string("tests/bad/facts.policy").unwrap(),
        );
        policyc::compile(&map).unwrap()
    })
}

/// `n` records whose measure 2 is eligible for 999 999 999 999 999 × 10^9 元
/// (about 10^24 元 each: exact, but a thousand of them pass what a decimal holds).
fn huge_records(n: usize) -> String {
    let one = r#"{"entity":"企业","facts":{"暂时困难且恢复有望":true,"上年度失业保险费":999999999999999,"系数":1000}}"#;
    format!("{one}\n").repeat(n)
}

#[test]
fn a_total_beyond_a_decimal_is_an_overflow_never_a_clamped_number() {
    // before: the total saturated at the decimal maximum, 7.9·10^28, exit 0
    let mut o = opts(InputFormat::Jsonl, 4096);
    o.measures = Some(vec![2]);
    let mut out = Vec::new();
    let text = huge_records(1000);
    let s = batch::run(facts_policy(), &mut text.as_bytes(), &mut out, &o, &|_| {}).unwrap();
    assert_eq!(s.measures[0].eligible, 1000);
    assert_eq!(s.measures[0].total, None);
    assert_eq!(s.total, None);
    assert!(s.overflowed());
    let shown = s.render_text();
    assert!(shown.contains("overflow"), "{shown}");
    assert!(!shown.contains("79228162514264337593543950335"), "{shown}");
    let json = serde_json::to_value(&s).unwrap();
    assert_eq!(json["total"], "overflow");
    assert_eq!(json["measures"][0]["total"], "overflow");
    // below the bound, the total is exact
    let text = huge_records(700);
    let s = batch::run(facts_policy(), &mut text.as_bytes(), &mut out, &o, &|_| {}).unwrap();
    assert_eq!(
        s.total.unwrap().to_string(),
        "699999999999999300000000000.00"
    );
    assert!(!s.overflowed());
}

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("policyc-readers-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

fn policyc(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_policyc"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn cli_an_overflowing_total_exits_1_and_says_overflow() {
    let input = temp("huge.jsonl");
    std::fs::write(&input, huge_records(1000)).unwrap();
    let summary = temp("huge-summary.json");
    let out = policyc(&[
        "batch",
        "tests/bad/facts.policy",
        "--input",
        input.to_str().unwrap(),
        "--date",
        "2020-07-01",
        "--measure",
        "2",
        "--summary",
        summary.to_str().unwrap(),
        "-o",
        temp("huge-out.jsonl").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("overflow"), "{stderr}");
    let json: Json = serde_json::from_str(&std::fs::read_to_string(&summary).unwrap()).unwrap();
    assert_eq!(json["total"], "overflow");
}

#[test]
fn input_text_in_the_summary_is_escaped() {
    // before: a CSV id could print a line of its own (a forged `total`),
    // ANSI escapes and a right-to-left override reached the terminal
    let text = format!(
        "{HEADER}\"x\n  total  999999999.00\",巨型,1%\n\"\u{1b}[31mred\u{202e}\",巨型,1%\r\n{}",
        good_csv(0, 1)
    );
    let (_, s) = run(text.as_bytes(), &opts(InputFormat::Csv, 4096));
    assert_eq!(s.rejected, 2);
    let shown = s.render_text();
    assert!(
        !shown.contains('\u{1b}') && !shown.contains('\u{202e}'),
        "{shown}"
    );
    assert!(!shown.contains("\n  total  999999999.00"), "{shown}");
    assert!(shown.contains(r"(x\u{a}  total  999999999.00)"), "{shown}");
    assert!(shown.contains(r"(\u{1b}[31mred\u{202e})"), "{shown}");
    // so are reasons quoting the input
    let text = "{\"entity\":\"企\\u001b[2J业\",\"facts\":{}}\n";
    let (_, s) = run(text.as_bytes(), &opts(InputFormat::Jsonl, 4096));
    let shown = s.render_text();
    assert!(!shown.contains('\u{1b}'), "{shown}");
    assert!(shown.contains(r"企\u{1b}[2J业"), "{shown}");
    assert_eq!(
        policyc::diagnostic::escape("a\rb\u{2066}c"),
        r"a\u{d}b\u{2066}c"
    );
}

#[test]
fn lines_that_each_open_a_quote_never_closed_are_read_in_linear_time() {
    // every line opens a quote inside quotes of the line before: each is
    // rejected and reading resumes at the next; without remembering how far
    // the last scan went, each line would be read again to the end (quadratic:
    // minutes for this input)
    let n = 40_000;
    let text = format!("{HEADER}{}{}", "a\",\"b\n".repeat(n), good_csv(0, 2));
    let started = std::time::Instant::now();
    let (lines, s) = run(text.as_bytes(), &opts(InputFormat::Csv, 4096));
    assert!(started.elapsed().as_secs() < 20, "{:?}", started.elapsed());
    assert_eq!(s.records, n as u64 + 2);
    assert_eq!(s.rejected, n as u64);
    assert!(rejected(&lines, 2).contains("opens a quote that is never closed"));
    assert_eq!(line_of(&lines, n as u64 + 3)["id"], "r1");
}

// ---------------------------------------------------------------------------
// The accounting, over generated inputs: a reference framer written from the
// rules in docs/cli.md (byte by byte, no shortcuts) says which lines start a
// record and which records cannot be framed; the batch run must give exactly
// one result per such record, in order, whatever the chunk size.

#[path = "common/framer.rs"]
mod framer;

/// Per record: its line, and whether it cannot be framed (rejected whatever
/// its content).
fn reference_frames(input: &[u8], csv: bool, limit: usize) -> Vec<(u64, bool)> {
    framer::reference_frames(input, csv, limit)
        .into_iter()
        .map(|(line, _, _, bad)| (line, bad))
        .collect()
}

fn csv_fragment() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        4 => Just(b"r1,\xE5\xB0\x8F\xE5\x9E\x8B,5%\n".to_vec()),
        2 => Just(b"\n".to_vec()),
        2 => Just(b"\"".to_vec()),
        2 => Just(b",".to_vec()),
        1 => Just(b"\"\"".to_vec()),
        1 => Just(b"\r\n".to_vec()),
        1 => Just(b"\r".to_vec()),
        1 => Just(b"\"q,\nq\"".to_vec()),
        1 => Just(b"5.5".to_vec()),
        1 => Just(b" ".to_vec()),
        1 => Just(b"\xFF\xC6\xF3".to_vec()),
        1 => Just(b"\xEF\xBB\xBF".to_vec()),
        1 => (1usize..300).prop_map(|n| vec![b'x'; n]),
    ]
}

fn jsonl_fragment() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        4 => Just(r#"{"entity":"企业","id":"a","facts":{"规模":"小型","裁员率":"5%"}}"#.as_bytes().to_vec()),
        4 => Just(b"\n".to_vec()),
        1 => Just(r#"{"entity":"企业","facts":{"规模":"小型","规模":"小型"}}"#.as_bytes().to_vec()),
        1 => Just(br#"{"entity":"#.to_vec()),
        1 => Just(b"\"".to_vec()),
        1 => Just(b"}".to_vec()),
        1 => Just(b"\r\n".to_vec()),
        1 => Just(b"\r".to_vec()),
        1 => Just(b" ".to_vec()),
        1 => Just(b"\xFF".to_vec()),
        1 => Just(b"\xEF\xBB\xBF".to_vec()),
        1 => (1usize..300).prop_map(|n| vec![b'x'; n]),
    ]
}

fn accounting(input: &[u8], csv: bool, limit: usize, chunk: usize) {
    let mut o = opts(
        if csv {
            InputFormat::Csv
        } else {
            InputFormat::Jsonl
        },
        chunk,
    );
    o.max_record_bytes = limit;
    o.max_rejections = usize::MAX;
    let (lines, s) = run(input, &o);
    let want = reference_frames(input, csv, limit);
    let got: Vec<u64> = lines.iter().map(|l| l["line"].as_u64().unwrap()).collect();
    let want_lines: Vec<u64> = want.iter().map(|(l, _)| *l).collect();
    assert_eq!(got, want_lines, "{:?}", String::from_utf8_lossy(input));
    for (l, bad) in &want {
        if *bad {
            let r = line_of(&lines, *l);
            assert!(r.get("rejected").is_some(), "line {l}: {r}");
        }
    }
    assert_eq!(s.records as usize, want.len());
}

use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn every_csv_line_is_accounted_for(
        bom in any::<bool>(),
        parts in prop::collection::vec(csv_fragment(), 0..40),
        limit in prop_oneof![Just(40usize), Just(200), Just(1 << 20)],
        chunk in prop_oneof![Just(1usize), Just(7), Just(64), Just(4096)],
    ) {
        let mut input = Vec::new();
        if bom {
            input.extend_from_slice(b"\xEF\xBB\xBF");
        }
        input.extend_from_slice(HEADER.as_bytes());
        input.extend(parts.concat());
        accounting(&input, true, limit, chunk);
    }

    #[test]
    fn every_jsonl_line_is_accounted_for(
        bom in any::<bool>(),
        parts in prop::collection::vec(jsonl_fragment(), 0..40),
        limit in prop_oneof![Just(40usize), Just(200), Just(1 << 20)],
        chunk in prop_oneof![Just(1usize), Just(7), Just(64), Just(4096)],
    ) {
        let mut input = Vec::new();
        if bom {
            input.extend_from_slice(b"\xEF\xBB\xBF");
        }
        input.extend(parts.concat());
        accounting(&input, false, limit, chunk);
    }
}

#[test]
fn cli_max_record_bytes_bounds_a_record() {
    let input = temp("long.csv");
    let long = "x".repeat(5000);
    std::fs::write(
        &input,
        format!("{HEADER}r0,小型,1%\n{long},小型,1%\nr2,小型,1%\n"),
    )
    .unwrap();
    let summary = temp("long-summary.json");
    let run = |limit: &str| {
        policyc(&[
            "batch",
            "policies",
            "--input",
            input.to_str().unwrap(),
            "--date",
            "2020-07-01",
            "--max-record-bytes",
            limit,
            "--summary",
            summary.to_str().unwrap(),
            "-o",
            temp("long-out.jsonl").to_str().unwrap(),
        ])
    };
    let out = run("1000");
    assert_eq!(out.status.code(), Some(1));
    let json: Json = serde_json::from_str(&std::fs::read_to_string(&summary).unwrap()).unwrap();
    assert_eq!(json["records"], 3);
    assert_eq!(json["rejected"], 1);
    assert_eq!(json["rejections"][0]["line"], 3);
    assert!(json["rejections"][0]["reason"]
        .as_str()
        .unwrap()
        .contains("longer than 1000 bytes"));
    // with room for it, the record is read
    let out = run("10000");
    let json: Json = serde_json::from_str(&std::fs::read_to_string(&summary).unwrap()).unwrap();
    assert_eq!(
        json["rejected"],
        0,
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

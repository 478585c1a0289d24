//! pest's error-detail flag is process-wide. The parser used to turn it on and
//! off around every re-parse of a failed file, so that a parse on another
//! thread could start with the other setting and report a different message
//! for the same text (`src/syntax/parser/mod.rs`, `DETAIL`).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failed expectation should stop the test loudly"
)]

use policyc::source::FileId;

/// Its message lists `,`, a token only pest's detailed tracking reports.
const BAD: &str = "enum E { a b }\n";

fn message() -> String {
    match policyc::syntax::parse(FileId(0), BAD) {
        Ok(_) => panic!("the bad text parsed"),
        Err(d) => format!("{d:?}"),
    }
}

#[test]
fn concurrent_parses_of_a_bad_file_report_the_same_message() {
    let alone = message();
    assert!(alone.contains("`}` or `,`"), "{alone}");
    let good = std::fs::read_to_string("tests/fixtures/population.policy").unwrap();
    let threads: Vec<_> = (0..8)
        .map(|i| {
            let good = good.clone();
            std::thread::spawn(move || {
                let mut seen = Vec::new();
                for _ in 0..300 {
                    if i % 2 == 0 {
                        seen.push(message());
                    } else {
                        assert!(policyc::syntax::parse(FileId(0), &good).is_ok());
                        seen.push(message());
                    }
                }
                seen
            })
        })
        .collect();
    for t in threads {
        for m in t.join().unwrap() {
            assert_eq!(m, alone);
        }
    }
}

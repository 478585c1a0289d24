//! Any bytes → `fmt::format_source`. A file that formats must format to itself
//! again (idempotence) and be accepted by the checker exactly when the text
//! the formatter reads (one leading BOM dropped, CRLF as LF) is. The
//! formatter's own safety checks (`WouldChangeMeaning`, `LostComment`,
//! `InvalidOutput`) are formatter bugs and fail the target.
#![no_main]

use libfuzzer_sys::fuzz_target;
use policyc::fmt::{format_source, normalize_line_breaks, FmtError};
use policyc::source::SourceMap;

fn compiles(text: &str) -> bool {
    let mut map = SourceMap::new();
    map.add("fuzz.policy", text);
    policyc::compile(&map).is_ok()
}

fuzz_target!(|data: &[u8]| {
    let text = policyc_fuzz::text(data);
    match format_source(&text) {
        Ok(out) => {
            match format_source(&out) {
                Ok(again) => assert!(again == out, "formatting is not idempotent"),
                Err(e) => panic!("formatted output does not format again: {e}"),
            }
            // the formatter reads the text with one leading BOM dropped and CRLF
            // as LF (`fmt::normalize_line_breaks`); from there nothing may change
            assert_eq!(
                compiles(&normalize_line_breaks(&text)),
                compiles(&out),
                "formatting changed whether the policy checks"
            );
        }
        Err(FmtError::Syntax { .. }) => {}
        Err(e) => panic!("formatter bug: {e}"),
    }
});

//! Any bytes → `fmt::format_source`. A file that formats must format to itself
//! again (idempotence) and be accepted by the checker exactly when the original
//! is. The formatter's own safety checks (`WouldChangeMeaning`, `LostComment`,
//! `InvalidOutput`) are formatter bugs and fail the target.
#![no_main]

use libfuzzer_sys::fuzz_target;
use policyc::fmt::{format_source, FmtError};
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
            assert_eq!(
                compiles(&text),
                compiles(&out),
                "formatting changed whether the policy checks"
            );
        }
        Err(FmtError::Syntax { .. }) => {}
        Err(e) => panic!("formatter bug: {e}"),
    }
});

//! Any bytes as an exported policy → `Policy::from_json` → evaluate: every
//! entity with no facts, and every example. A policy that loads must export
//! and load again to an equal policy.
#![no_main]

use libfuzzer_sys::fuzz_target;
use policyc::ir::Policy;

fuzz_target!(|data: &[u8]| {
    let text = policyc_fuzz::text(data);
    if let Ok(policy) = Policy::from_json(&text) {
        match Policy::from_json(&policy.to_json().unwrap()) {
            Ok(back) => assert!(back == policy, "export → import changed a loaded policy"),
            Err(e) => panic!("a loaded policy does not load again: {e}"),
        }
        policyc_fuzz::exercise(&policy);
    }
});

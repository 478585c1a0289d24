//! Any bytes → parse + check. A policy that compiles is exported to JSON, read
//! back (it must be equal), and evaluated: its examples, and every entity with
//! no facts.
#![no_main]

use libfuzzer_sys::fuzz_target;
use policyc::diagnostic::render_plain;
use policyc::ir::Policy;
use policyc::source::SourceMap;

fuzz_target!(|data: &[u8]| {
    let text = policyc_fuzz::text(data);
    let mut map = SourceMap::new();
    map.add("fuzz.policy", text.as_ref());
    match policyc::compile(&map) {
        Err(diags) => {
            assert!(
                !diags.is_empty(),
                "a failed compilation without a diagnostic"
            );
            let _ = render_plain(&map, &diags);
        }
        Ok(policy) => {
            let json = policy.to_json().unwrap();
            match Policy::from_json(&json) {
                Ok(back) => assert!(back == policy, "export → import changed the policy"),
                Err(e) => panic!("the export of a compiled policy does not load: {e}"),
            }
            policyc_fuzz::exercise(&policy);
        }
    }
});

//! Any bytes as a facts file → `Facts::from_json` against the seed policy
//! (内政办发〔2020〕10号, compiled once) → evaluate on several dates, in each
//! locality, with and without explanations.
#![no_main]

use libfuzzer_sys::fuzz_target;
use policyc::eval::Facts;

fuzz_target!(|data: &[u8]| {
    let policy = policyc_fuzz::seed_policy();
    let text = policyc_fuzz::text(data);
    match Facts::from_json(policy, &text) {
        Err(errors) => {
            assert!(!errors.is_empty(), "rejected facts without an error");
            for e in &errors {
                assert!(e.path.starts_with('$'), "an error without a JSON path");
            }
        }
        Ok(facts) => policyc_fuzz::evaluate_all(policy, &facts, &policyc_fuzz::dates()),
    }
});

//! Any bytes as the decisions of the policy generator of `tests/oracle.rs`
//! (`tests/common/gen.rs`): a random valid policy and facts that probe it,
//! run through every engine — the row evaluator, the columnar engine
//! (`batch::Table`), the row evaluator on the IR exported to JSON and loaded
//! back, and `batch` rows against columnar — which must agree exactly
//! (`tests/common/differential.rs`). A generated policy that does not compile
//! is a crash too: the generator is wrong.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../tests/common/differential.rs"]
mod differential;
#[path = "../../tests/common/gen.rs"]
mod gen;

fuzz_target!(|data: &[u8]| {
    let opts = gen::Options {
        records: 6,
        dates: 5,
        ..gen::Options::default()
    };
    let case = gen::generate(&mut gen::Rng::from_bytes(data), opts);
    if let Err(e) = differential::check(&case, differential::Engines::default()) {
        panic!("{e}\n--- records\n{}", case.records.join("\n"));
    }
});

//! Any bytes as the decisions of the policy generator of `tests/oracle.rs`
//! (`tests/common/gen/mod.rs`): a random valid policy and facts that probe it,
//! run through every engine — the row evaluator, the columnar engine
//! (`batch::Table`), the row evaluator on the IR exported to JSON and loaded
//! back, and `batch` rows against columnar — which must agree exactly
//! (`tests/common/differential.rs`). A generated policy that does not compile
//! is a crash too: the generator is wrong.
//!
//! Fast: the first two bytes choose one of [`POLICIES`] generated policies
//! (`gen::generate_policy` from that number as a seed), which is compiled,
//! exported and reloaded once and kept; the rest of the input draws the
//! records and dates that probe it (`PolicyGen::probe`). Nothing is written
//! to a file; `batch` runs on text in memory with one worker.
//!
//! A crash prints the policy's seed and the records; reproduce it with
//! `POLICYC_ORACLE_SEED=<seed>` in `tests/oracle.rs` (`print_a_generated_policy`)
//! or by running the target on the saved input.
#![no_main]

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use libfuzzer_sys::fuzz_target;
use policyc::ir::Policy;

#[path = "../../tests/common/differential.rs"]
mod differential;
#[path = "../../tests/common/gen/mod.rs"]
mod gen;

/// How many different policies the inputs choose from: each is compiled once
/// and kept (about 0.1 MB each), so that after the first few thousand inputs
/// nearly every execution only probes.
const POLICIES: u16 = 1024;

struct Compiled {
    gen: gen::PolicyGen,
    policy: Policy,
    loaded: Policy,
}

thread_local! {
    static CACHE: RefCell<HashMap<u16, Rc<Compiled>>> = RefCell::new(HashMap::new());
}

fn options() -> gen::Options {
    gen::Options {
        records: 4,
        dates: 4,
        ..gen::Options::default()
    }
}

fn compiled(seed: u16) -> Rc<Compiled> {
    if let Some(c) = CACHE.with(|c| c.borrow().get(&seed).cloned()) {
        return c;
    }
    let gen = gen::generate_policy(&mut gen::Rng::new(u64::from(seed)), options());
    let (policy, loaded) = differential::compile_and_reload(&gen.source)
        .unwrap_or_else(|e| panic!("policy seed {seed}: {e}"));
    let c = Rc::new(Compiled {
        gen,
        policy,
        loaded,
    });
    CACHE.with(|cache| cache.borrow_mut().insert(seed, Rc::clone(&c)));
    c
}

fuzz_target!(|data: &[u8]| {
    let (seed, rest) = match data {
        [a, b, rest @ ..] => (u16::from_le_bytes([*a, *b]) % POLICIES, rest),
        _ => (0, data),
    };
    let c = compiled(seed);
    let case = c.gen.probe(&mut gen::Rng::from_bytes(rest));
    // where `batch` runs: from the input too
    let pick = rest.iter().fold(0usize, |h, b| {
        h.wrapping_mul(31).wrapping_add(usize::from(*b))
    });
    let engines = differential::Engines::fast(pick);
    if let Err(e) = differential::check_compiled(&case, &c.policy, &c.loaded, engines) {
        panic!(
            "policy seed {seed}: {e}\n--- records\n{}",
            case.records.join("\n")
        );
    }
});

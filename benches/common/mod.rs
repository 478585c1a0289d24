//! Inputs shared by the benchmarks and `tests/scaling.rs`.

pub mod inputs;

//! The `policyc` binary: see `policyc --help` and `docs/cli.md`.

fn main() -> std::process::ExitCode {
    std::process::ExitCode::from(policyc::cli::main())
}

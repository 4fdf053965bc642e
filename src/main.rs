//! The `inflow` binary: parse the command line and hand over to [`inflow::cli`].

use std::process::ExitCode;

/// mimalloc instead of the system allocator: malloc and free were about a
/// fifth of Inflow's CPU samples under load; with mimalloc, 9–14 % more pages
/// a second (BENCHMARKS.md), for 11–17 MiB more resident memory.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    inflow::cli::main()
}

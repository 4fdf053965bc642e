//! The `inflow` binary: parse the command line and hand over to [`inflow::cli`].

use std::process::ExitCode;

fn main() -> ExitCode {
    inflow::cli::main()
}

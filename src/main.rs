use std::process::ExitCode;

fn main() -> ExitCode {
    // Secrets pass through this process: no core dump may keep them.
    authctl::platform::forbid_core_dumps();
    let cli = authctl::cli::Cli::from_args();
    authctl::log::init(cli.verbose, cli.quiet);
    match authctl::run(cli) {
        Ok(code) => ExitCode::from(u8::try_from(code).unwrap_or(1)),
        Err(e) if e.is_broken_pipe() => ExitCode::SUCCESS,
        Err(e) => {
            authctl::log::error(&e.report());
            ExitCode::from(e.exit() as u8)
        }
    }
}

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = authctl::cli::Cli::parse();
    authctl::log::init(cli.verbose, cli.quiet);
    match authctl::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.is_broken_pipe() => ExitCode::SUCCESS,
        Err(e) => {
            if authctl::log::color() {
                eprintln!("\x1b[31merror:\x1b[0m {e}");
            } else {
                eprintln!("error: {e}");
            }
            ExitCode::from(e.exit_code() as u8)
        }
    }
}

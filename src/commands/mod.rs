//! One file per command group. Each turns parsed arguments into resolved objects
//! (profiles, modes) and calls the core.

use std::io::Write;

use crate::cli::{Cli, Command, MidigatorCommand, Oauth2Command};
use crate::config::Config;
use crate::error::Result;
use crate::providers::Kind;

pub mod config;
pub mod inspect;
pub mod logout;
pub mod midway;
pub mod secret;
pub mod token;

pub fn run(cli: Cli) -> Result<()> {
    let config_flag = cli.config.as_deref();
    match cli.command {
        Command::Token(args) => token::token(&Config::load(config_flag)?, &args, cli.timeout),
        Command::Inspect(args) => inspect::run(config_flag, &args, cli.timeout),
        Command::Secret(cmd) => secret::run(&Config::load(config_flag)?, cmd),
        Command::Logout(args) => logout::run(&Config::load(config_flag)?, &args),
        Command::Config(cmd) => config::run(config_flag, cmd),
        Command::Completions { shell } => {
            let mut out = Vec::new();
            clap_complete::generate(
                shell,
                &mut <Cli as clap::CommandFactory>::command(),
                "authctl",
                &mut out,
            );
            print(&String::from_utf8_lossy(&out))
        }
        Command::Midigator(MidigatorCommand::Auth { profile, print }) => token::login_now(
            &Config::load(config_flag)?,
            Kind::Midigator,
            &profile,
            &print,
            cli.timeout,
        ),
        Command::Oauth2(Oauth2Command::Token { profile, print }) => {
            token::login_now(&Config::load(config_flag)?, Kind::Oauth2, &profile, &print, cli.timeout)
        }
        Command::Midway(cmd) => midway::run(&Config::load(config_flag)?, cmd, cli.timeout),
        Command::Mediroutes(cmd) => {
            token::renew_command(&Config::load(config_flag)?, Kind::Mediroutes, &cmd, cli.timeout)
        }
        Command::Nugios(cmd) => token::renew_command(&Config::load(config_flag)?, Kind::Nugios, &cmd, cli.timeout),
    }
}

/// Writes the result to stdout in one go; a closed pipe surfaces as an error that
/// `main` turns into a quiet exit.
pub fn print(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(())
}

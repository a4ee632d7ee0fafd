//! What the user typed: the clap definitions. `commands/` turns these into actions.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};

use crate::output::Format;

fn duration(s: &str) -> Result<Duration, String> {
    humantime::parse_duration(s).map_err(|e| format!("{e} (write e.g. 30s, 5m, 1h)"))
}

/// A duration that must be longer than zero, as the config's `timeout` must.
fn lasting(s: &str) -> Result<Duration, String> {
    match duration(s)? {
        d if d.is_zero() => Err("must be longer than zero".into()),
        d => Ok(d),
    }
}

/// Bearer tokens for the APIs you integrate with: secrets in the OS keyring, tokens
/// cached until they expire, printed the way scripts, people and CI need them.
#[derive(Debug, Parser)]
#[command(name = "authctl", version, propagate_version = true, max_term_width = 100)]
pub struct Cli {
    /// Config file [default: ~/.config/authctl/config.toml]
    #[arg(long, global = true, value_name = "PATH", env = "AUTHCTL_CONFIG")]
    pub config: Option<PathBuf>,

    /// More detail on stderr (-v, -vv, -vvv); secrets and tokens are always redacted
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    /// Print no warnings, only errors
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,

    /// Whole-request timeout, over the profile's (e.g. 10s)
    #[arg(long, global = true, value_name = "DUR", value_parser = lasting)]
    pub timeout: Option<Duration>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print a valid token for a profile: cached, refreshed, or from a new login
    Token(TokenArgs),
    /// Decode a profile's token (or one read from stdin with `-`) and show its expiry
    Inspect(InspectArgs),
    /// Store, delete or locate a profile's secret (never prints it)
    #[command(subcommand)]
    Secret(SecretCommand),
    /// Drop the cached tokens and refresh tokens of a profile
    Logout(LogoutArgs),
    /// Show, check or create the config file
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Print a shell completion script
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Midigator: request a bearer token from POST /auth
    #[command(subcommand)]
    Midigator(MidigatorCommand),
    /// MidwayPlus: developer login, installations, installation tokens, browser sign-in
    #[command(subcommand)]
    Midway(MidwayCommand),
    /// MediRoutes: password grant and refresh token
    #[command(subcommand)]
    Mediroutes(RenewCommand),
    /// Nugios: login and refresh token
    #[command(subcommand)]
    Nugios(RenewCommand),
    /// OAuth2 client credentials: request a token from the token endpoint
    #[command(subcommand)]
    Oauth2(Oauth2Command),
}

#[derive(Debug, Args)]
pub struct TokenArgs {
    /// Profile name, or a provider name used by exactly one profile
    /// [default: default_profile, else the only profile]
    #[arg(env = "AUTHCTL_PROFILE")]
    pub profile: Option<String>,
    #[command(flatten)]
    pub print: PrintArgs,
    /// Renew unless the cached token has at least this long to live (e.g. 10m)
    #[arg(long, value_name = "DUR", value_parser = duration)]
    pub min_ttl: Option<Duration>,
    /// Skip the cached access token (a stored refresh token is still used, then the secret)
    #[arg(long, conflicts_with = "no_cache")]
    pub force_refresh: bool,
    /// Neither read nor write the cache; log in with the secret
    #[arg(long)]
    pub no_cache: bool,
}

/// Flags of every command that prints a token it may need the secret for.
#[derive(Debug, Args)]
pub struct PrintArgs {
    #[command(flatten)]
    pub format: FormatArg,
    /// Read the secret from the first line of stdin
    #[arg(long)]
    pub secret_stdin: bool,
}

/// `--format` of every command that prints a token.
#[derive(Debug, Clone, Args)]
pub struct FormatArg {
    /// How to print the token
    #[arg(long, value_enum, default_value_t = Format::Raw)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct InspectArgs {
    /// Profile name, or `-` to read a token from stdin [default: as for `token`]
    #[arg(env = "AUTHCTL_PROFILE")]
    pub profile: Option<String>,
    /// Print JSON
    #[arg(long)]
    pub json: bool,
    /// Read the secret from the first line of stdin (when a new token is needed)
    #[arg(long)]
    pub secret_stdin: bool,
}

#[derive(Debug, Subcommand)]
pub enum SecretCommand {
    /// Store a profile's secret in the OS keyring (prompts without echo)
    Set {
        profile: String,
        /// Read the secret from the first line of stdin instead of prompting
        #[arg(long)]
        stdin: bool,
    },
    /// Delete a profile's secret from the OS keyring
    Delete { profile: String },
    /// Say where the profile's secret would come from (never its value)
    Status { profile: String },
}

#[derive(Debug, Args)]
pub struct LogoutArgs {
    /// Profile to log out [default: as for `token`]
    #[arg(conflicts_with = "all")]
    pub profile: Option<String>,
    /// Every profile
    #[arg(long)]
    pub all: bool,
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print the config file's path
    Path,
    /// Validate the config file
    Check,
    /// Write a commented starter config (never overwrites)
    Init,
}

/// `--profile P` of provider subcommands.
#[derive(Debug, Args)]
pub struct ProfileArg {
    /// Profile to use [default: the only profile of this provider]
    #[arg(long, value_name = "P")]
    pub profile: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum MidigatorCommand {
    /// Request a new bearer token with the API secret, cache and print it
    Auth {
        #[command(flatten)]
        profile: ProfileArg,
        #[command(flatten)]
        print: PrintArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum MidwayCommand {
    /// Log in with the password and print the developer token (kept for the other commands)
    Login {
        #[command(flatten)]
        profile: ProfileArg,
        #[command(flatten)]
        print: PrintArgs,
    },
    /// List the installations of your apps
    Installations {
        #[command(flatten)]
        profile: ProfileArg,
        /// Print the API's JSON array instead of a table
        #[arg(long)]
        json: bool,
        /// Read the password from the first line of stdin (when a login is needed)
        #[arg(long)]
        secret_stdin: bool,
    },
    /// Print a token for one installation (cached per installation)
    Token {
        /// Installation ID [default: the profile's `installation`]
        #[arg(long, value_name = "ID")]
        installation: Option<String>,
        #[command(flatten)]
        profile: ProfileArg,
        #[command(flatten)]
        print: PrintArgs,
    },
    /// Sign in through the browser: listen on the profile's return_url for the redirect
    Browser {
        #[command(flatten)]
        profile: ProfileArg,
        /// App ID [default: the profile's `app_id`]
        #[arg(long, value_name = "ID")]
        app_id: Option<String>,
        /// Do not open a browser; only print the URL to visit
        #[arg(long)]
        no_open: bool,
        /// How long to wait for the redirect
        #[arg(long, value_name = "DUR", value_parser = lasting, default_value = "5m")]
        wait: Duration,
        #[command(flatten)]
        format: FormatArg,
    },
}

/// The commands of providers with a refresh token (MediRoutes, Nugios).
#[derive(Debug, Subcommand)]
pub enum RenewCommand {
    /// Log in with the password now; cache and print the new token
    Login {
        #[command(flatten)]
        profile: ProfileArg,
        #[command(flatten)]
        print: PrintArgs,
    },
    /// Renew with the stored refresh token now (never the password); cache and print
    Refresh {
        #[command(flatten)]
        profile: ProfileArg,
        #[command(flatten)]
        format: FormatArg,
    },
}

#[derive(Debug, Subcommand)]
pub enum Oauth2Command {
    /// Request a new access token with the client secret, cache and print it
    Token {
        #[command(flatten)]
        profile: ProfileArg,
        #[command(flatten)]
        print: PrintArgs,
    },
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn clap_definition_is_consistent() {
        super::Cli::command().debug_assert();
    }
}

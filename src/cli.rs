//! What the user typed: the clap definitions. `commands/` turns these into actions.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

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

/// What `--help` and the man page add after the options.
const LONG_HELP: &str = "\
Environment:
  AUTHCTL_CONFIG            config file (as --config)
  AUTHCTL_PROFILE           the profile used when a command names none
  AUTHCTL_SECRET_<PROFILE>  a profile's secret (AUTHCTL_SECRET_MIDIGATOR_PROD for midigator-prod)
  AUTHCTL_CACHE_DIR         token cache directory; must be yours and writable by no one else
  AUTHCTL_SHARED_CACHE      the fleet's Redis (redis://HOST:PORT/DB), over shared_cache
  AUTHCTL_SHARED_CACHE_PASSWORD  its password (else the keyring: authctl / shared-cache)
  HTTPS_PROXY, NO_PROXY     proxies, never used for loopback endpoints
  NO_COLOR                  no colour, even on a terminal

exec gives the child AUTHCTL_TOKEN (or --env NAME), AUTHCTL_TOKEN_EXPIRES_AT (RFC 3339)
and AUTHCTL_HEADER_<NAME> for each other header the provider needs (Nugios:
AUTHCTL_HEADER_X_NUGIOS_TIMEZONE, AUTHCTL_HEADER_CONTENT_TYPE).

Exit status:
  0 success; 1 other failure; 2 usage; 3 config; 4 no secret or keyring failure;
  5 the provider rejected the credentials or token; 6 the provider could not be reached
  or answered badly; 7 the browser sign-in timed out or was cancelled. exec and curl exit
  with their child's code (128+N when signal N ended it), or 127 when it is not found.

Files (on Linux; `authctl config path` shows where yours is):
  ~/.config/authctl/config.toml  profiles (config.example.toml documents every key)
  ~/.cache/authctl/              cached tokens (0600 files in a 0700 directory)

Secrets are never taken as arguments and never printed. See SECURITY.md for the threat model.";

/// Bearer tokens for the APIs you integrate with: secrets in the OS keyring, tokens
/// cached until they expire, printed the way scripts, people and CI need them.
#[derive(Debug, PartialEq, Parser)]
#[command(
    name = "authctl",
    version,
    propagate_version = true,
    max_term_width = 100,
    after_long_help = LONG_HELP
)]
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

#[derive(Debug, PartialEq, Subcommand)]
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
    /// Show every profile (or one): its provider, cached token, expiry, whether it can be
    /// renewed, and where its secret would come from. No network.
    Status(StatusArgs),
    /// Check the setup and say what to fix: config, cache directory, keyring, each
    /// profile's secret and grant, the clock. Exit 0 only when all is well. No network.
    Doctor(DoctorArgs),
    /// Run a command with the profile's token in its environment (never in any argv)
    Exec(ExecArgs),
    /// Run curl with the profile's headers, handed over a pipe (never in curl's argv)
    Curl(CurlArgs),
    /// Keep a file holding a fresh token, renewed before it expires, until stopped
    Watch(WatchArgs),
    /// Serve the profile's API locally, adding its token to every request: the programs
    /// that use the API never see a token
    Proxy(ProxyArgs),
    /// Run every provider's flow against a built-in sandbox, offline
    Demo(DemoArgs),
    /// Print a shell completion script
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff)
    Man,
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

#[derive(Debug, PartialEq, Args)]
pub struct TokenArgs {
    /// Profile name, or a provider name used by exactly one profile
    /// [default: $AUTHCTL_PROFILE, else default_profile, else the only profile]
    pub profile: Option<String>,
    /// The profile, named as the provider subcommands take it (instead of PROFILE)
    #[arg(long = "profile", value_name = "PROFILE", conflicts_with = "profile")]
    pub profile_flag: Option<String>,
    #[command(flatten)]
    pub print: PrintArgs,
    /// Print JSON: short for --format json
    #[arg(long, conflicts_with = "format")]
    pub json: bool,
    /// Renew unless the cached token has at least this long to live (e.g. 10m)
    #[arg(long, value_name = "DUR", value_parser = duration)]
    pub min_ttl: Option<Duration>,
    /// Skip the cached access token (a stored refresh token is still used, then the secret)
    #[arg(long, conflicts_with = "no_cache")]
    pub force_refresh: bool,
    /// Neither read nor write the cache; log in with the secret
    #[arg(long)]
    pub no_cache: bool,
    /// A browser sign-in opens no browser; it prints the URL to visit
    #[arg(long)]
    pub no_open: bool,
    /// Read a token the API refused from stdin: renew it if it is still the cached one,
    /// else print the current one
    #[arg(long, value_name = "-", value_parser = ["-"], conflicts_with_all = ["force_refresh", "no_cache", "secret_stdin"])]
    pub rejected: Option<String>,
}

/// Flags of every command that prints a token it may need the secret for.
#[derive(Debug, PartialEq, Args)]
pub struct PrintArgs {
    #[command(flatten)]
    pub format: FormatArg,
    /// Read the secret from the first line of stdin
    #[arg(long)]
    pub secret_stdin: bool,
}

/// `--format` of every command that prints a token.
#[derive(Debug, Clone, PartialEq, Args)]
pub struct FormatArg {
    /// How to print the token
    #[arg(long, value_enum, default_value_t = Format::Raw)]
    pub format: Format,
}

#[derive(Debug, PartialEq, Args)]
pub struct StatusArgs {
    /// Only this profile [default: every profile]
    pub profile: Option<String>,
    /// The same as PROFILE, named as the provider subcommands take it
    #[arg(long = "profile", value_name = "PROFILE", conflicts_with = "profile")]
    pub profile_flag: Option<String>,
    /// Print a JSON array
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, PartialEq, Args)]
pub struct DoctorArgs {
    /// Print {"ok": …, "checks": [{"name", "status", "detail", "fix"}]}
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, PartialEq, Args)]
pub struct ExecArgs {
    /// Profile name, or a provider name used by exactly one profile
    #[arg(required_unless_present = "profile_flag")]
    pub profile: Option<String>,
    /// The same as PROFILE, named as the provider subcommands take it
    #[arg(long = "profile", value_name = "PROFILE", conflicts_with = "profile")]
    pub profile_flag: Option<String>,
    /// The variable that holds the token
    #[arg(long, value_name = "NAME", default_value = "AUTHCTL_TOKEN", value_parser = variable_name)]
    pub env: String,
    /// Read the secret from the first line of stdin (when a new token is needed)
    #[arg(long)]
    pub secret_stdin: bool,
    /// Renew unless the cached token has at least this long to live (e.g. 10m)
    #[arg(long, value_name = "DUR", value_parser = duration)]
    pub min_ttl: Option<Duration>,
    /// Give the child no token but AUTHCTL_API_URL: a proxy on 127.0.0.1 to the profile's
    /// api_url that adds the token, for as long as the child runs
    #[arg(long, conflicts_with = "env")]
    pub proxy: bool,
    /// The command and its arguments, after `--`
    #[arg(last = true, required = true, value_name = "CMD")]
    pub command: Vec<std::ffi::OsString>,
}

/// An environment variable name a child can be given: not one of authctl's secrets.
fn variable_name(s: &str) -> Result<String, String> {
    let valid = s.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !valid {
        return Err("a variable name is letters, digits and `_`, not starting with a digit".into());
    }
    if s.starts_with("AUTHCTL_SECRET_") {
        return Err("AUTHCTL_SECRET_* names hold secrets; choose another name".into());
    }
    Ok(s.to_string())
}

#[derive(Debug, PartialEq, Args)]
pub struct CurlArgs {
    /// Profile name, or a provider name used by exactly one profile
    #[arg(required_unless_present = "profile_flag")]
    pub profile: Option<String>,
    /// The same as PROFILE, named as the provider subcommands take it
    #[arg(long = "profile", value_name = "PROFILE", conflicts_with = "profile")]
    pub profile_flag: Option<String>,
    /// Read the secret from the first line of stdin (when a new token is needed)
    #[arg(long)]
    pub secret_stdin: bool,
    /// curl's own arguments, after `--`
    #[arg(last = true, value_name = "CURL-ARGS")]
    pub args: Vec<std::ffi::OsString>,
}

#[derive(Debug, PartialEq, Args)]
pub struct WatchArgs {
    /// Profile name, or a provider name used by exactly one profile
    #[arg(required_unless_present = "profile_flag")]
    pub profile: Option<String>,
    /// The same as PROFILE, named as the provider subcommands take it
    #[arg(long = "profile", value_name = "PROFILE", conflicts_with = "profile")]
    pub profile_flag: Option<String>,
    /// The file to keep the token in (written 0600, replaced atomically)
    #[arg(long, value_name = "PATH")]
    pub file: std::path::PathBuf,
    #[command(flatten)]
    pub format: FormatArg,
}

#[derive(Debug, PartialEq, Args)]
pub struct ProxyArgs {
    /// Profile name, or a provider name used by exactly one profile
    #[arg(required_unless_present = "profile_flag")]
    pub profile: Option<String>,
    /// The same as PROFILE, named as the provider subcommands take it
    #[arg(long = "profile", value_name = "PROFILE", conflicts_with = "profile")]
    pub profile_flag: Option<String>,
    /// Listen on a loopback TCP address (port 0: any) instead of a unix socket; the first
    /// line of stdout is then the base URL, with a random key in its path
    #[arg(long, value_name = "127.0.0.1:PORT", value_parser = loopback, conflicts_with = "socket")]
    pub listen: Option<std::net::SocketAddr>,
    /// The unix socket to listen on, in a directory of yours that no one else may write
    /// [default: authctl/proxy-PROFILE.sock in the runtime directory, else the cache directory]
    #[arg(long, value_name = "PATH")]
    pub socket: Option<PathBuf>,
    /// The API to forward to [default: the profile's api_url]
    #[arg(long, value_name = "URL")]
    pub upstream: Option<String>,
}

/// A loopback address to listen on: the proxy adds the token to whatever it serves.
fn loopback(s: &str) -> Result<std::net::SocketAddr, String> {
    let refused = "the proxy listens only on loopback (127.0.0.1:PORT or [::1]:PORT): anyone who can reach it \
                   acts with the token";
    match s.parse::<std::net::SocketAddr>() {
        Ok(addr) if addr.ip().is_loopback() => Ok(addr),
        Ok(_) => Err(refused.into()),
        Err(_) => Err(format!("not an address and port: {refused}")),
    }
}

#[derive(Debug, PartialEq, Args)]
pub struct DemoArgs {
    /// Keep the sandbox running and print a config for it, until Ctrl-C
    #[arg(long)]
    pub serve: bool,
    /// The sandbox's port with --serve [default: any free port]
    #[arg(long, requires = "serve", value_name = "N")]
    pub port: Option<u16>,
}

#[derive(Debug, PartialEq, Args)]
pub struct InspectArgs {
    /// Profile name, or `-` to read a token (or a pasted `Authorization: Bearer …` line)
    /// from stdin [default: as for `token`]
    pub profile: Option<String>,
    /// The same as PROFILE, named as the provider subcommands take it
    #[arg(long = "profile", value_name = "PROFILE", conflicts_with = "profile")]
    pub profile_flag: Option<String>,
    /// Print JSON
    #[arg(long)]
    pub json: bool,
    /// Read the secret from the first line of stdin (when a new token is needed)
    #[arg(long)]
    pub secret_stdin: bool,
}

#[derive(Debug, PartialEq, Subcommand)]
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

#[derive(Debug, PartialEq, Args)]
pub struct LogoutArgs {
    /// Profile to log out [default: as for `token`]
    #[arg(conflicts_with = "all")]
    pub profile: Option<String>,
    /// The same as PROFILE, named as the provider subcommands take it
    #[arg(long = "profile", value_name = "PROFILE", conflicts_with_all = ["profile", "all"])]
    pub profile_flag: Option<String>,
    /// Every profile
    #[arg(long)]
    pub all: bool,
}

#[derive(Debug, PartialEq, Subcommand)]
pub enum ConfigCommand {
    /// Print the config file's path
    Path,
    /// Validate the config file
    Check,
    /// Write a commented starter config (never overwrites)
    Init,
    /// The profile names, one a line, for shell completion; nothing on any error
    #[command(hide = true)]
    Names,
}

/// `--profile P` of provider subcommands.
#[derive(Debug, PartialEq, Args)]
pub struct ProfileArg {
    /// Profile to use [default: the only profile of this provider]
    #[arg(long, value_name = "PROFILE")]
    pub profile: Option<String>,
}

#[derive(Debug, PartialEq, Subcommand)]
pub enum MidigatorCommand {
    /// Request a new bearer token with the API secret, cache and print it
    Auth {
        #[command(flatten)]
        profile: ProfileArg,
        #[command(flatten)]
        print: PrintArgs,
    },
}

#[derive(Debug, PartialEq, Subcommand)]
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
#[derive(Debug, PartialEq, Subcommand)]
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

#[derive(Debug, PartialEq, Subcommand)]
pub enum Oauth2Command {
    /// Request a new access token (with the client secret, or a browser or device sign-in), cache and print it
    Token {
        #[command(flatten)]
        profile: ProfileArg,
        #[command(flatten)]
        print: PrintArgs,
        /// A browser sign-in opens no browser; it prints the URL to visit
        #[arg(long)]
        no_open: bool,
    },
}

impl Cli {
    /// What the user typed: the everyday `authctl token [PROFILE] [--format F]` read
    /// directly, everything else by clap. Building clap's whole command tree costs more
    /// than serving a cached token, and that call is what scripts make most; the result
    /// is the same `Cli` clap would give: a property test (tests/properties.rs) holds the
    /// two to it under any AUTHCTL_PROFILE and AUTHCTL_CONFIG, and a unit test below fails
    /// on any argument or variable clap defines for it that `plain_token` does not handle.
    pub fn from_args() -> Cli {
        let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
        Cli::plain_token(&args)
            .unwrap_or_else(|| <Cli as Parser>::try_parse_from(&args).unwrap_or_else(|e| with_hint(e, &args).exit()))
    }

    /// `authctl token [PROFILE] [--format F | --json]`, and nothing else; `None` sends
    /// the arguments to clap, which reads them or explains what is wrong.
    pub fn plain_token(args: &[std::ffi::OsString]) -> Option<Cli> {
        let args: Vec<&str> = args.iter().skip(1).map(|a| a.to_str()).collect::<Option<_>>()?;
        let (command, rest) = args.split_first()?;
        if *command != "token" {
            return None;
        }
        let (mut profile, mut format, mut json) = (None, None, false);
        let mut rest = rest.iter();
        while let Some(arg) = rest.next() {
            let value = match *arg {
                "--format" => rest.next().copied(),
                a if a.starts_with("--format=") => Some(&a["--format=".len()..]),
                // Given twice, or with --format: clap says what is wrong.
                "--json" if json || format.is_some() => return None,
                "--json" => {
                    json = true;
                    continue;
                }
                a if a.starts_with('-') || a.is_empty() || profile.is_some() => return None,
                a => {
                    profile = Some(a.to_string());
                    continue;
                }
            };
            if format.is_some() || json {
                return None;
            }
            format = Some(Format::from_str(value?, false).ok()?);
        }
        // clap refuses an empty AUTHCTL_CONFIG (exit 2): leave that to it.
        let config = match std::env::var_os("AUTHCTL_CONFIG") {
            Some(v) if v.is_empty() => return None,
            v => v.map(PathBuf::from),
        };
        Some(Cli {
            config,
            verbose: 0,
            quiet: false,
            timeout: None,
            command: Command::Token(TokenArgs {
                profile,
                profile_flag: None,
                print: PrintArgs {
                    format: FormatArg {
                        format: format.unwrap_or_default(),
                    },
                    secret_stdin: false,
                },
                json,
                min_ttl: None,
                force_refresh: false,
                no_cache: false,
                no_open: false,
                rejected: None,
            }),
        })
    }
}

/// clap's error, with a tip for `exec` and `curl` called without `--` before the command.
fn with_hint(mut error: clap::Error, args: &[std::ffi::OsString]) -> clap::Error {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    let words: Vec<&str> = args.iter().skip(1).filter_map(|a| a.to_str()).collect();
    let wanted = match words.iter().find(|w| matches!(**w, "exec" | "curl")) {
        Some(&"exec") => "authctl exec PROFILE -- CMD ARGS…",
        Some(_) => "authctl curl PROFILE -- CURL-ARGS…",
        None => return error,
    };
    let missing = matches!(
        error.kind(),
        ErrorKind::UnknownArgument | ErrorKind::MissingRequiredArgument
    );
    if missing && !words.contains(&"--") {
        let tip = format!("put `--` before the command and its arguments: {wanted}");
        error.insert(ContextKind::Suggested, ContextValue::StyledStrs(vec![tip.into()]));
    }
    error
}

/// The profile named by PROFILE or `--profile` (clap lets only one of them be given).
macro_rules! named_profile {
    ($($args:ty),*) => {$(
        impl $args {
            pub fn named(&self) -> Option<&str> {
                self.profile.as_deref().or(self.profile_flag.as_deref())
            }
        }
    )*};
}
named_profile!(
    TokenArgs,
    StatusArgs,
    ExecArgs,
    CurlArgs,
    WatchArgs,
    ProxyArgs,
    InspectArgs,
    LogoutArgs
);

impl TokenArgs {
    /// `--json` is `--format json`.
    pub fn format(&self) -> Format {
        match self.json {
            true => Format::Json,
            false => self.print.format.format,
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::Cli;

    #[test]
    fn clap_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    /// What `Cli::plain_token` does with an argument clap defines.
    #[derive(Debug, PartialEq)]
    enum Bypass {
        /// Reads it itself, from the command line and this variable.
        Reads(Option<&'static str>),
        /// Hands the call to clap whenever it appears; it must be a flag with no variable,
        /// and its defaults are what `plain_token` fills in.
        Defers,
    }

    /// Every argument of `authctl` and of `authctl token`, with what `plain_token` does
    /// with it and the defaults it fills in for it. An argument clap defines that is not
    /// here (or differs) fails `the_plain_token_reader_knows_every_argument_clap_defines`:
    /// teach `plain_token` about it first, then list it.
    const HANDLED: &[(&str, Bypass, &[&str])] = &[
        ("config", Bypass::Reads(Some("AUTHCTL_CONFIG")), &[]),
        ("verbose", Bypass::Defers, &["0"]),
        ("quiet", Bypass::Defers, &["false"]),
        ("timeout", Bypass::Defers, &[]),
        ("help", Bypass::Defers, &[]),
        ("version", Bypass::Defers, &[]),
        ("profile", Bypass::Reads(None), &[]),
        ("profile_flag", Bypass::Defers, &[]),
        ("format", Bypass::Reads(None), &["raw"]),
        ("json", Bypass::Reads(None), &["false"]),
        ("secret_stdin", Bypass::Defers, &["false"]),
        ("min_ttl", Bypass::Defers, &[]),
        ("force_refresh", Bypass::Defers, &["false"]),
        ("no_cache", Bypass::Defers, &["false"]),
        ("no_open", Bypass::Defers, &["false"]),
        ("rejected", Bypass::Defers, &[]),
    ];

    fn plain_token(words: &[&str]) -> Option<Cli> {
        let args: Vec<std::ffi::OsString> = std::iter::once("authctl")
            .chain(words.iter().copied())
            .map(Into::into)
            .collect();
        Cli::plain_token(&args)
    }

    #[test]
    fn the_plain_token_reader_knows_every_argument_clap_defines() {
        let mut cli = Cli::command();
        cli.build();
        let token = cli.find_subcommand("token").expect("a token command");
        assert!(
            token.get_subcommands().next().is_none(),
            "plain_token reads `token WORD` as a profile"
        );
        let mut seen = Vec::new();
        for arg in cli.get_arguments().chain(token.get_arguments()) {
            let id = arg.get_id().as_str();
            seen.push(id);
            let Some((_, bypass, defaults)) = HANDLED.iter().find(|(name, ..)| *name == id) else {
                panic!("Cli::plain_token does not handle `{id}`: teach it, then list it in HANDLED");
            };
            let env = arg.get_env().map(|e| e.to_str().unwrap());
            let default: Vec<_> = arg.get_default_values().iter().map(|d| d.to_str().unwrap()).collect();
            assert_eq!(&default, defaults, "`{id}`'s defaults changed: teach plain_token");
            match bypass {
                Bypass::Reads(var) => assert_eq!(env, *var, "`{id}`'s variable changed: teach plain_token"),
                Bypass::Defers => {
                    assert_eq!(env, None, "`{id}` now has a variable: plain_token must read it");
                    assert!(
                        !arg.is_positional(),
                        "`{id}` is positional: plain_token would take it for the profile"
                    );
                    let long = arg.get_long().map(|l| format!("--{l}"));
                    let short = arg.get_short().map(|s| format!("-{s}"));
                    for flag in long.iter().chain(short.iter()) {
                        assert_eq!(plain_token(&["token", flag]), None, "{flag}");
                        assert_eq!(plain_token(&[flag, "token"]), None, "{flag}");
                    }
                }
            }
        }
        for (id, ..) in HANDLED {
            assert!(
                seen.contains(id),
                "`{id}` is listed in HANDLED but clap no longer defines it"
            );
        }
    }
}

//! One file per command group. Each turns what the user typed into resolved objects (a
//! profile, an `Ask`, the seams) and calls the core.

use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use crate::cache::{Cache, CacheError, Failure, Lock, Record, Slot, TokenCache};
use crate::cli::{Cli, Command, MidigatorCommand, Oauth2Command};
use crate::config::{Config, Profile};
use crate::credentials::{CredentialSlot, CredentialStore, Credentials};
use crate::error::{Error, Result};
use crate::http::LazyClient;
use crate::lifecycle::{self, Seams};
use crate::providers::Kind;
use crate::secret::{Lookup, Secret};
use crate::time::SystemClock;

pub mod completions;
pub mod config;
pub mod demo;
pub mod doctor;
pub mod exec;
pub mod inspect;
pub mod logout;
pub mod man;
pub mod midway;
pub mod proxy;
pub mod secret;
pub mod status;
pub mod token;
pub mod watch;

/// What every command may need besides its own arguments.
pub struct Context {
    pub config: Option<PathBuf>,
    /// `--timeout`, over the profile's.
    pub timeout: Option<Duration>,
    loaded: std::cell::OnceCell<Config>,
}

impl Context {
    /// The config file, read once.
    pub fn config(&self) -> Result<&Config> {
        if let Some(config) = self.loaded.get() {
            return Ok(config);
        }
        let config = Config::load(self.config.as_deref())?;
        Ok(self.loaded.get_or_init(|| config))
    }

    /// Every variable a profile's `secret_env` names: none may reach a child. A config
    /// that does not parse is an error, and no child starts.
    fn secret_envs(&self) -> Result<Vec<String>> {
        Ok(self.config()?.secret_envs()?)
    }
}

/// Runs the command; the exit code is 0, or the child's for `exec` and `curl`.
pub fn run(cli: Cli) -> Result<i32> {
    let ctx = Context {
        config: cli.config,
        timeout: cli.timeout,
        loaded: std::cell::OnceCell::new(),
    };
    match cli.command {
        Command::Exec(args) if args.proxy => proxy::exec(&ctx, &args),
        Command::Exec(args) => exec::exec(&ctx, &args),
        Command::Curl(args) => exec::curl(&ctx, &args),
        Command::Doctor(args) => doctor::run(&ctx, &args),
        other => run_to_end(&ctx, other).map(|()| 0),
    }
}

fn run_to_end(ctx: &Context, command: Command) -> Result<()> {
    match command {
        Command::Exec(_) | Command::Curl(_) | Command::Doctor(_) => unreachable!("run hands these over"),
        Command::Status(args) => status::run(ctx, &args),
        Command::Watch(args) => watch::run(ctx, &args),
        Command::Proxy(args) => proxy::run(ctx, &args),
        Command::Demo(args) => demo::run(&args),
        Command::Man => {
            let page = man::page().map_err(|e| Error::io("cannot render the man page", e))?;
            print(&String::from_utf8_lossy(&page))
        }
        Command::Token(args) => token::token(ctx, &args),
        Command::Inspect(args) => inspect::run(ctx, &args),
        Command::Secret(cmd) => secret::run(ctx.config()?, cmd),
        Command::Logout(args) => logout::run(ctx, &args),
        Command::Config(cmd) => config::run(ctx.config.as_deref(), cmd),
        Command::Completions { shell } => print(&completions::script(shell)),
        Command::Midigator(MidigatorCommand::Auth { profile, print }) => {
            token::login_now(ctx, Kind::Midigator, &profile, &print)
        }
        Command::Oauth2(Oauth2Command::Token {
            profile,
            print,
            no_open,
        }) => {
            let ask = lifecycle::Ask {
                no_open,
                ..lifecycle::Ask::new(lifecycle::Mode::Login)
            };
            token::renew_now(ctx, Kind::Oauth2, &profile, &ask, &print)
        }
        Command::Midway(cmd) => midway::run(ctx, cmd),
        Command::Mediroutes(cmd) => token::renew_command(ctx, Kind::Mediroutes, &cmd),
        Command::Nugios(cmd) => token::renew_command(ctx, Kind::Nugios, &cmd),
    }
}

/// Writes the result to stdout in one go; a closed pipe surfaces as an error that
/// `main` turns into a quiet exit.
pub fn print(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|e| Error::io("cannot write to standard output", e))
}

/// The seams of a real run: the cache directory (or nowhere, with `--no-cache`), the
/// keyring-else-files credential store, the secret lookup chain, and an HTTP client
/// built only if a request is sent.
pub struct Live<'a> {
    ctx: &'a Context,
    profile: &'a Profile,
    cache: Option<(Cache, Credentials)>,
    /// The fleet's Redis, connected only if a renewal asks it.
    shared: Option<crate::shared_cache::Redis>,
    transport: LazyClient,
    timeout: Duration,
    secret_stdin: bool,
}

impl<'a> Live<'a> {
    pub fn new(profile: &'a Profile, ctx: &'a Context, secret_stdin: bool) -> Result<Live<'a>> {
        let cache = Cache::open()?;
        let timeout = ctx.timeout.unwrap_or(profile.timeout);
        Ok(Live {
            ctx,
            profile,
            cache: Some((cache.clone(), Credentials::new(cache))),
            shared: Some(crate::shared_cache::Redis::new(profile.shared_cache.clone())),
            transport: LazyClient::new(timeout, profile.ca_file.clone()).for_provider(profile.kind().name()),
            timeout,
            secret_stdin,
        })
    }

    /// For `--no-cache`: reads nothing from the cache and keeps nothing.
    pub fn without_cache(profile: &'a Profile, ctx: &'a Context, secret_stdin: bool) -> Live<'a> {
        let timeout = ctx.timeout.unwrap_or(profile.timeout);
        Live {
            ctx,
            profile,
            cache: None,
            shared: None,
            transport: LazyClient::new(timeout, profile.ca_file.clone()).for_provider(profile.kind().name()),
            timeout,
            secret_stdin,
        }
    }

    /// Runs `f` with the seams borrowed from here.
    pub fn with<T>(&self, f: impl FnOnce(&Seams) -> T) -> T {
        let secret_envs = || -> crate::secret::SecretEnvs { Ok(self.ctx.secret_envs()?) };
        let lookup = Lookup {
            spec: &self.profile.secret,
            stdin: self.secret_stdin,
            timeout: self.timeout,
            secret_envs: &secret_envs,
        };
        let (cache, credentials): (&dyn TokenCache, &dyn CredentialStore) = match &self.cache {
            Some((cache, credentials)) => (cache, credentials),
            None => (&Nowhere, &Nowhere),
        };
        let result = f(&Seams {
            patience: crate::lifecycle::profile_patience(self.profile, self.timeout),
            transport: &self.transport,
            clock: &SystemClock,
            cache,
            credentials,
            secret: &lookup,
            shared: match &self.shared {
                Some(redis) => redis,
                None => &crate::shared_cache::Unshared,
            },
            vouch: &|| Ok(self.ctx.config()?.vouch()?),
        });
        self.keep_server_clock();
        result
    }

    /// After a renewal (the cached path sends nothing, so nothing is written): the last
    /// server `Date` seen, for `doctor`'s look at the clock.
    fn keep_server_clock(&self) {
        if let (Some((cache, _)), Some(clock)) = (&self.cache, self.transport.server_clock()) {
            let _ = cache.write_json(&cache.dir().join(crate::cache::CLOCK_FILE), &clock);
        }
    }
}

/// `--no-cache`: no token is read or kept, and no credential either.
pub struct Nowhere;

impl TokenCache for Nowhere {
    fn read(&self, _: &Slot) -> Option<Record> {
        None
    }
    fn write(&self, _: &Slot, _: &Record) -> Result<(), CacheError> {
        Ok(())
    }
    fn lock(&self, _: &Slot, _: Duration) -> Result<Lock, CacheError> {
        Ok(Lock::none())
    }
    fn failure(&self, _: &Slot) -> Option<Failure> {
        None
    }
    fn set_failure(&self, _: &Slot, _: Option<&Failure>) {}
}

impl CredentialStore for Nowhere {
    fn read(&self, _: &CredentialSlot) -> Option<Secret> {
        None
    }
    fn store(&self, _: &CredentialSlot, _: &Secret) -> Result<bool, CacheError> {
        Ok(false)
    }
    fn forget(&self, _: &CredentialSlot) {}
}

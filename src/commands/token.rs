//! `authctl token` and the provider subcommands that print a token.

use std::time::Duration;

use crate::cache;
use crate::cli::{PrintArgs, ProfileArg, RenewCommand, TokenArgs};
use crate::config::{Config, Profile};
use crate::error::Result;
use crate::obtain::{self, Ask, Mode, Obtained};
use crate::output::{self, Format, View};
use crate::providers::Kind;

pub fn token(config: &Config, args: &TokenArgs, timeout: Option<Duration>) -> Result<()> {
    let profile = config.resolve(args.profile.as_deref())?;
    let mode = if args.no_cache {
        Mode::NoCache
    } else if args.force_refresh {
        Mode::ForceRefresh
    } else {
        Mode::Auto
    };
    let ask = Ask {
        min_ttl: args.min_ttl.unwrap_or_default(),
        ..Ask::new(mode, args.print.secret_stdin, timeout)
    };
    let obtained = obtain::token(profile, &ask)?;
    if let Some(min) = args.min_ttl {
        let left = obtained.record.remaining(cache::now());
        if left < min.as_secs_f64() {
            crate::warn!(
                "the new token of {} lives {}s, less than --min-ttl {}s",
                profile.name,
                left.max(0.0) as i64,
                min.as_secs()
            );
        }
    }
    print_token(profile, &obtained, args.print.format.format)
}

/// A provider's own command (`authctl midigator auth`, `authctl nugios refresh`): a new
/// login (`Mode::Login`) or refresh (`Mode::Refresh`) now, cached and printed.
pub fn renew_now(config: &Config, kind: Kind, profile: &ProfileArg, ask: &Ask, format: Format) -> Result<()> {
    let profile = config.resolve_for(kind, profile.profile.as_deref())?;
    let obtained = obtain::token(profile, ask)?;
    print_token(profile, &obtained, format)
}

/// `authctl midigator auth`, `oauth2 token`, `mediroutes login`, `nugios login`: a new
/// login with the secret now, cached and printed.
pub fn login_now(
    config: &Config,
    kind: Kind,
    profile: &ProfileArg,
    print: &PrintArgs,
    timeout: Option<Duration>,
) -> Result<()> {
    let ask = Ask::new(Mode::Login, print.secret_stdin, timeout);
    renew_now(config, kind, profile, &ask, print.format.format)
}

/// `authctl mediroutes|nugios login|refresh`.
pub fn renew_command(config: &Config, kind: Kind, cmd: &RenewCommand, timeout: Option<Duration>) -> Result<()> {
    match cmd {
        RenewCommand::Login { profile, print } => login_now(config, kind, profile, print, timeout),
        RenewCommand::Refresh { profile, format } => renew_now(
            config,
            kind,
            profile,
            &Ask::new(Mode::Refresh, false, timeout),
            format.format,
        ),
    }
}

pub fn print_token(profile: &Profile, obtained: &Obtained, format: Format) -> Result<()> {
    let extra = profile.options.provider().extra_headers();
    let r = &obtained.record;
    let view = View {
        profile: &profile.name,
        provider: profile.kind.name(),
        token: &r.access_token,
        token_type: &r.token_type,
        expires_at: Some(r.expires_at),
        refreshable: obtained.refreshable(),
        source: obtained.source,
        password_expired: r.password_expired,
        extra_headers: &extra,
    };
    super::print(&output::render(format, &view, cache::now()))
}

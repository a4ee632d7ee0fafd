//! `authctl token` and the provider subcommands that print a token.

use crate::cli::{PrintArgs, ProfileArg, RenewCommand, TokenArgs};
use crate::config::{ConfigError, Profile};
use std::io::{BufRead, Read};

use crate::error::{Error, Result};
use crate::lifecycle::{self, Ask, Mode, Obtained};
use crate::output::{self, Format, View};
use crate::providers::Kind;
use crate::time::UnixTime;
use crate::token::AccessToken;

use super::{Context, Live};

pub fn token(ctx: &Context, args: &TokenArgs) -> Result<()> {
    let config = ctx.config()?;
    let profile = config.resolve(args.named())?;
    let mode = if args.no_cache {
        Mode::Login
    } else if args.force_refresh {
        Mode::ForceRefresh
    } else {
        Mode::Auto
    };
    let ask = Ask {
        min_ttl: args.min_ttl.unwrap_or_default(),
        no_open: args.no_open,
        rejected: match args.rejected {
            Some(_) => rejected_from_stdin()?,
            None => None,
        },
        ..Ask::new(mode)
    };
    let live = match args.no_cache {
        true => Live::without_cache(&profile, ctx, args.print.secret_stdin),
        false => Live::new(&profile, ctx, args.print.secret_stdin)?,
    };
    let obtained = live.with(|seams| lifecycle::obtain(&profile, &ask, seams))?;
    warn_if_short(&profile, &obtained, args.min_ttl);
    print_token(&profile, &obtained, args.format())
}

/// `--rejected -`: the token on stdin's first line (a pasted `Authorization: Bearer …`
/// line too). One that is not a token cannot be the cached one: nothing to avoid.
fn rejected_from_stdin() -> Result<Option<AccessToken>> {
    let mut line = zeroize::Zeroizing::new(String::new());
    std::io::stdin()
        .lock()
        .take(64 * 1024 + 2)
        .read_line(&mut line)
        .map_err(|e| Error::io("cannot read the rejected token from standard input", e))?;
    let token = line.trim();
    let token = token.strip_prefix("Authorization:").map_or(token, str::trim);
    let token = token
        .split_once(' ')
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map_or(token, |(_, t)| t.trim());
    if token.is_empty() {
        return Err(Error::Usage("--rejected -: standard input holds no token".into()));
    }
    Ok(AccessToken::parse(token.to_string()).ok())
}

/// A warning when even a new token lives less than `--min-ttl` asks.
pub fn warn_if_short(profile: &Profile, obtained: &Obtained, min_ttl: Option<std::time::Duration>) {
    let Some(min) = min_ttl else { return };
    let left = UnixTime::now().secs_until(obtained.record.expires_at);
    if left < min.as_secs_f64() {
        crate::warn!(
            "the new token of {} lives {}, less than --min-ttl {}",
            profile.name,
            output::duration(std::time::Duration::from_secs(left.max(0.0) as u64)),
            output::duration(min)
        );
    }
}

/// A provider's own command (`authctl midigator auth`, `authctl nugios refresh`): a new
/// login (`Mode::Login`) or refresh (`Mode::RefreshOnly`) now, cached and printed.
pub fn renew_now(ctx: &Context, kind: Kind, profile: &ProfileArg, ask: &Ask, print: &PrintArgs) -> Result<()> {
    let profile = ctx.config()?.resolve_for(kind, profile.profile.as_deref())?;
    let live = Live::new(&profile, ctx, print.secret_stdin)?;
    let obtained = live.with(|seams| lifecycle::obtain(&profile, ask, seams))?;
    print_token(&profile, &obtained, print.format.format)
}

/// `authctl midigator auth`, `oauth2 token`, `mediroutes login`, `nugios login`: a new
/// login with the secret now, cached and printed.
pub fn login_now(ctx: &Context, kind: Kind, profile: &ProfileArg, print: &PrintArgs) -> Result<()> {
    renew_now(ctx, kind, profile, &Ask::new(Mode::Login), print)
}

/// `authctl mediroutes|nugios login|refresh`.
pub fn renew_command(ctx: &Context, kind: Kind, cmd: &RenewCommand) -> Result<()> {
    match cmd {
        RenewCommand::Login { profile, print } => login_now(ctx, kind, profile, print),
        RenewCommand::Refresh { profile, format } => {
            let print = PrintArgs {
                format: format.clone(),
                secret_stdin: false,
            };
            renew_now(ctx, kind, profile, &Ask::new(Mode::RefreshOnly), &print)
        }
    }
}

pub fn print_token(profile: &Profile, obtained: &Obtained, format: Format) -> Result<()> {
    has_what_format_shows(profile, obtained, format)?;
    super::print(&render(profile, obtained, format, UnixTime::now()))
}

/// `--format id-token` of a token that came without an ID token is the profile's
/// mistake, not an empty line to print or write.
pub fn has_what_format_shows(profile: &Profile, obtained: &Obtained, format: Format) -> Result<()> {
    if format == Format::IdToken && obtained.record.id_token.is_none() {
        return Err(ConfigError::Profile {
            profile: profile.name.clone(),
            problem:
                "no ID token came with this token: ask an OpenID Connect server for one with scope = \"openid …\" \
                      (an oauth2 profile with grant authorization_code or device_code)"
                    .into(),
        }
        .into());
    }
    Ok(())
}

/// The token in `format`, with the profile's other headers.
pub fn render(profile: &Profile, obtained: &Obtained, format: Format, now: UnixTime) -> String {
    let headers = profile.provider().api_headers();
    let r = &obtained.record;
    let view = View {
        profile: &profile.name,
        provider: profile.kind().name(),
        token: r.access_token.as_str(),
        token_type: r.token_type.as_str(),
        expires_at: Some(r.expires_at),
        refreshable: r.refreshable,
        source: obtained.source,
        password_expired: r.password_expired,
        extra_headers: &headers,
        id_token: r.id_token.as_ref().map(|t| t.as_str()),
    };
    output::render(format, &view, now)
}

//! Getting a token for a profile: from the cache when fresh, else by refresh token, else
//! by logging in with the secret. What every provider shares lives here once: the
//! single-flight lock, refresh-then-login, refresh-token rotation, and keeping what was
//! stored when a renewal fails.

use std::time::Duration;

use crate::cache::{self, Cache, Key, Record, RefreshStore};
use crate::config::Profile;
use crate::error::{self, Result};
use crate::http::Client;
use crate::output::Source;
use crate::providers::{Grant, Provider, Request, Step};
use crate::secret::{self, Secret, keyring};
use crate::{debug, jwt, warn};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Serve from the cache when fresh, else renew.
    Auto,
    /// `--force-refresh`: skip the cached access token; a refresh token is still used.
    ForceRefresh,
    /// A provider's login command: log in with the secret now, and cache the result.
    Login,
    /// `--no-cache`: neither read nor write the cache; log in with the secret.
    NoCache,
}

#[derive(Debug, Clone)]
pub struct Ask {
    pub mode: Mode,
    pub min_ttl: Duration,
    pub secret_stdin: bool,
    /// `--timeout`, over the profile's.
    pub timeout: Option<Duration>,
}

impl Ask {
    /// An ask with no `--min-ttl`.
    pub fn new(mode: Mode, secret_stdin: bool, timeout: Option<Duration>) -> Ask {
        Ask {
            mode,
            min_ttl: Duration::ZERO,
            secret_stdin,
            timeout,
        }
    }
}

#[derive(Debug)]
pub struct Obtained {
    pub record: Record,
    pub source: Source,
}

impl Obtained {
    pub fn refreshable(&self) -> bool {
        self.record.refresh.is_some()
    }
}

/// The provider of a profile, or exit 1 for one whose flow this version lacks.
pub fn provider_of(profile: &Profile) -> Result<&dyn Provider> {
    profile.options.provider().map_err(|why| {
        anyhow::anyhow!(
            "profile {} uses provider {}, but {why}",
            profile.name,
            profile.kind.name()
        )
        .into()
    })
}

/// The keyring user under which a profile's refresh credential is kept.
pub fn refresh_user(profile: &str) -> String {
    format!("{profile}/refresh_token")
}

pub fn token(profile: &Profile, ask: &Ask) -> Result<Obtained> {
    let provider = provider_of(profile)?;
    let key = Key::profile(&profile.name);
    let fresh = |r: &Record| r.servable(cache::now(), ask.min_ttl, profile.refresh_before);
    let from_cache = |record| {
        Ok(Obtained {
            record,
            source: Source::Cache,
        })
    };

    if ask.mode == Mode::NoCache {
        let (record, _) = renew(profile, provider, ask, None)?;
        return Ok(Obtained {
            record,
            source: Source::Network,
        });
    }

    let cache = Cache::open()?;
    if ask.mode == Mode::Auto
        && let Some(record) = cache.read(&key).filter(fresh)
    {
        debug!(
            1,
            "{}: cached token, {}s left",
            profile.name,
            record.remaining(cache::now()) as i64
        );
        return from_cache(record);
    }

    let _lock = cache.lock(&profile.name)?;
    let existing = cache.read(&key);
    if ask.mode == Mode::Auto
        && let Some(record) = existing.clone().filter(fresh)
    {
        debug!(1, "{}: another process renewed the token", profile.name);
        return from_cache(record);
    }
    let stored = if ask.mode == Mode::Login {
        None
    } else {
        stored_refresh(profile, provider, existing.as_ref())
    };
    let (record, rejected) = renew(profile, provider, ask, stored)?;
    if rejected
        && existing
            .as_ref()
            .is_some_and(|r| r.refresh == Some(RefreshStore::Keyring))
        && record.refresh.is_none()
    {
        let _ = keyring::delete(&refresh_user(&profile.name));
    }
    cache.write(&key, &record)?;
    Ok(Obtained {
        record,
        source: Source::Network,
    })
}

/// The stored refresh credential and where it is kept, if the provider can use one.
fn stored_refresh(
    profile: &Profile,
    provider: &dyn Provider,
    record: Option<&Record>,
) -> Option<(Secret, RefreshStore)> {
    if !provider.has_refresh() {
        return None;
    }
    match record.map(|r| &r.refresh) {
        Some(Some(RefreshStore::File(v))) => Some((Secret::new(v.clone()), RefreshStore::File(v.clone()))),
        Some(None) => None,
        // Kept in the keyring, or the record is gone: the keyring may still hold one.
        Some(Some(RefreshStore::Keyring)) | None => match keyring::get(&refresh_user(&profile.name)) {
            Ok(Some(s)) => Some((s, RefreshStore::Keyring)),
            Ok(None) => None,
            Err(e) => {
                debug!(1, "{}: cannot read the refresh token: the OS keyring {e}", profile.name);
                None
            }
        },
    }
}

/// Sends one request and reads a 2xx answer, or returns the answer's status when the
/// caller may want to handle a rejection itself.
fn exchange(
    client: &Client,
    provider: &dyn Provider,
    req: &Request,
    step: Step,
) -> Result<std::result::Result<Grant, u16>> {
    let what = format!("{} ({})", provider.kind().name(), req.url);
    let resp = client.send(req, &what)?;
    if !resp.is_success() {
        if step == Step::Refresh && provider.refresh_rejected(resp.status) {
            return Ok(Err(resp.status));
        }
        return Err(resp.failure(&what));
    }
    let body = resp.json(&what)?;
    provider
        .parse(step, &body)
        .map(Ok)
        .map_err(|m| error::upstream(format!("{what} answered badly: {m}")))
}

/// Renews through the network. Returns the new record and whether a stored refresh
/// credential was rejected. On any error nothing stored has been touched.
fn renew(
    profile: &Profile,
    provider: &dyn Provider,
    ask: &Ask,
    stored: Option<(Secret, RefreshStore)>,
) -> Result<(Record, bool)> {
    let client = Client::new(ask.timeout.unwrap_or(profile.timeout), profile.ca_file.as_deref())?;
    let mut rejected = false;
    let mut grant = None;
    let mut kept = None;

    if let Some((refresh_token, store)) = stored {
        let req = provider.refresh(&refresh_token).expect("checked by stored_refresh");
        debug!(1, "{}: renewing with the stored refresh token", profile.name);
        match exchange(&client, provider, &req, Step::Refresh)? {
            Ok(g) => {
                if g.refresh_token.is_none() {
                    kept = Some(store);
                }
                grant = Some(g);
            }
            Err(status) => {
                debug!(
                    1,
                    "{}: refresh token rejected (HTTP {status}); logging in with the {}",
                    profile.name,
                    profile.kind.secret_name()
                );
                rejected = true;
            }
        }
    }

    let grant = match grant {
        Some(g) => g,
        None => {
            let (secret, source) = secret::lookup(profile, ask.secret_stdin)?;
            debug!(
                1,
                "{}: logging in with the {} from {source}",
                profile.name,
                profile.kind.secret_name()
            );
            let mut g =
                exchange(&client, provider, &provider.login(&secret), Step::Login)?.expect("login is never a refresh");
            // A login that yields only a long-lived credential (MidwayPlus' developer
            // token) is followed by the call that turns it into an access token.
            if g.access_token.is_none()
                && let Some(long_lived) = g.refresh_token.take().map(Secret::new)
                && let Some(req) = provider.refresh(&long_lived)
            {
                g = exchange(&client, provider, &req, Step::Refresh)?.map_err(|status| {
                    error::Error::Rejected(format!(
                        "{} refused the token request (HTTP {status}) right after login",
                        provider.kind().name()
                    ))
                })?;
                g.refresh_token = g.refresh_token.or_else(|| Some(long_lived.expose().to_string()));
            }
            g
        }
    };
    let record = to_record(profile, provider, grant, kept, ask.mode != Mode::NoCache)?;
    Ok((record, rejected))
}

fn to_record(
    profile: &Profile,
    provider: &dyn Provider,
    grant: Grant,
    kept: Option<RefreshStore>,
    persist: bool,
) -> Result<Record> {
    let what = provider.kind().name();
    let token = grant
        .access_token
        .ok_or_else(|| error::upstream(format!("{what} answered without an access token")))?;
    jwt::validate_token(&token)
        .map_err(|m| error::upstream(format!("{what} sent an unusable token, not printed: {m}")))?;

    let now = cache::now();
    let expires_at = jwt::decode(&token)
        .and_then(|d| d.exp())
        .or(grant.expires_in.filter(|s| *s > 0.0).map(|s| now + s))
        .or(grant.expires_at)
        .or(grant.documented_lifetime.map(|d| now + d.as_secs_f64()))
        .unwrap_or(now + profile.default_ttl.as_secs_f64());
    if expires_at <= now {
        warn!("{what} sent a token that has already expired (clock skew?)");
    }
    if grant.password_expired {
        warn!(
            "profile {}: the {what} password has expired; change it before the provider locks the account",
            profile.name
        );
    }

    let refresh = match grant.refresh_token {
        Some(new) if persist => Some(store_refresh(profile, new)),
        Some(_) => None,
        None => kept,
    };
    Ok(Record {
        format: 1,
        provider: what.to_string(),
        access_token: token,
        token_type: grant
            .token_type
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| "Bearer".into()),
        obtained_at: now,
        expires_at,
        refresh,
        password_expired: grant.password_expired,
    })
}

/// Long-lived credentials go to the keyring when it is reachable, else into the 0600
/// cache file.
fn store_refresh(profile: &Profile, value: String) -> RefreshStore {
    match keyring::set(&refresh_user(&profile.name), &Secret::new(value.clone())) {
        Ok(()) => RefreshStore::Keyring,
        Err(e) => {
            debug!(
                1,
                "notice: {e}; keeping the refresh token of {} in its 0600 cache file instead", profile.name
            );
            RefreshStore::File(value)
        }
    }
}

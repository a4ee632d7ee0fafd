//! Getting a token for a profile: from the cache when fresh, else by refresh token, else
//! by logging in with the secret. What every provider shares lives here once: the
//! single-flight lock, refresh-then-login, refresh-token rotation, keeping what was
//! stored when a renewal fails, and where long-lived credentials are kept.

use std::time::Duration;

use serde_json::Value;

use crate::cache::{self, Cache, Key, Record, RefreshStore};
use crate::config::Profile;
use crate::error::{self, Error, Result};
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
    /// A provider's refresh command: renew with the stored refresh token, nothing else.
    Refresh,
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

    fn network(record: Record) -> Obtained {
        Obtained {
            record,
            source: Source::Network,
        }
    }
}

/// The keyring user under which a profile's refresh credential is kept.
pub fn refresh_user(profile: &str) -> String {
    format!("{profile}/refresh_token")
}

/// The cache slot of a profile's access token: per sub-account when it has one.
fn token_key(profile: &Profile, provider: &dyn Provider) -> Key {
    match provider.scope() {
        Some((_, id)) => Key::scoped(&profile.name, id),
        None => Key::profile(&profile.name),
    }
}

/// A token for the profile, and a warning on every one whose account's password has
/// expired (Nugios says so with each token).
pub fn token(profile: &Profile, ask: &Ask) -> Result<Obtained> {
    let obtained = fetch(profile, ask)?;
    if obtained.record.password_expired {
        warn!(
            "profile {}: the {} password has expired; change it before the provider locks the account",
            profile.name,
            profile.kind.name()
        );
    }
    Ok(obtained)
}

fn fetch(profile: &Profile, ask: &Ask) -> Result<Obtained> {
    let provider = profile.options.provider();
    let key = token_key(profile, provider);
    let fresh = |r: &Record| r.servable(cache::now(), ask.min_ttl, profile.refresh_before);
    let from_cache = |record| {
        Ok(Obtained {
            record,
            source: Source::Cache,
        })
    };

    if ask.mode == Mode::NoCache {
        unattended(profile, provider)?;
        let (record, _) = renew(profile, provider, ask, None, None)?;
        return Ok(Obtained::network(record));
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
    unattended(profile, provider)?;

    let _lock = cache.lock(&profile.name)?;
    let existing = cache.read(&key);
    if ask.mode == Mode::Auto
        && let Some(record) = existing.clone().filter(fresh)
    {
        debug!(1, "{}: another process renewed the token", profile.name);
        return from_cache(record);
    }
    let stored = match ask.mode {
        Mode::Login => None,
        _ => stored_refresh(profile, provider, &cache, existing.as_ref()),
    };
    if ask.mode == Mode::Refresh && stored.is_none() {
        return Err(Error::Rejected(format!(
            "no {} is stored for profile {}; log in first: authctl {} login --profile {}",
            provider.credential_name(),
            profile.name,
            provider.kind().name(),
            profile.name
        )));
    }
    let (record, rejected) = renew(profile, provider, ask, Some(&cache), stored.clone())?;
    if let (Some((_, store)), true, None) = (stored, rejected, &record.refresh) {
        forget_refresh(profile, &cache, &store);
    }
    cache.write(&key, &record)?;
    Ok(Obtained::network(record))
}

fn unattended(profile: &Profile, provider: &dyn Provider) -> Result<()> {
    provider
        .unattended()
        .map_err(|why| error::config(format!("profile {}: {why}", profile.name)))
}

/// Caches a token that arrived outside any request of authctl's (MidwayPlus' browser
/// redirect) for the profile, after the same checks as every other token.
pub fn accept(profile: &Profile, grant: Grant) -> Result<Obtained> {
    let provider = profile.options.provider();
    let cache = Cache::open()?;
    let _lock = cache.lock(&profile.name)?;
    let record = to_record(profile, provider, grant, None, Some(&cache))?;
    cache.write(&Key::profile(&profile.name), &record)?;
    Ok(Obtained::network(record))
}

/// Logs in and keeps the long-lived credential the login yields (MidwayPlus' developer
/// token), for the command that asks for exactly that.
pub fn login_credential(profile: &Profile, ask: &Ask) -> Result<Secret> {
    let provider = profile.options.provider();
    let cache = Cache::open()?;
    let _lock = cache.lock(&profile.name)?;
    let client = client(profile, ask)?;
    let credential = log_in_for_credential(&client, profile, provider, ask)?;
    store_refresh(profile, provider, &cache, credential.expose().to_string())?;
    Ok(credential)
}

/// Sends a request that authenticates with the profile's long-lived credential
/// (MidwayPlus' developer token): logs in first when none is stored, and once more when
/// the stored one is refused. Returns the JSON of the 2xx answer.
pub fn call_with_credential(profile: &Profile, ask: &Ask, request: impl Fn(&Secret) -> Request) -> Result<Value> {
    let provider = profile.options.provider();
    let cache = Cache::open()?;
    let _lock = cache.lock(&profile.name)?;
    let client = client(profile, ask)?;
    if let Some((credential, store)) = stored_refresh(profile, provider, &cache, None) {
        match call(&client, provider, &request(&credential), true)? {
            Ok(body) => return Ok(body),
            Err(rejection) => {
                debug!(
                    1,
                    "{}: the stored {} was refused (HTTP {}); logging in again",
                    profile.name,
                    provider.credential_name(),
                    rejection.status
                );
                forget_refresh(profile, &cache, &store);
            }
        }
    }
    let credential = log_in_for_credential(&client, profile, provider, ask)?;
    store_refresh(profile, provider, &cache, credential.expose().to_string())?;
    call(&client, provider, &request(&credential), false)?.map_err(|r| r.error)
}

fn client(profile: &Profile, ask: &Ask) -> Result<Client> {
    Client::new(ask.timeout.unwrap_or(profile.timeout), profile.ca_file.as_deref())
}

/// The stored refresh credential and where it is kept, if the provider can use one and
/// it has not visibly expired.
fn stored_refresh(
    profile: &Profile,
    provider: &dyn Provider,
    cache: &Cache,
    record: Option<&Record>,
) -> Option<(Secret, RefreshStore)> {
    if !provider.has_refresh() {
        return None;
    }
    let from_keyring = || match keyring::get(&refresh_user(&profile.name)) {
        Ok(found) => found.map(|s| (s, RefreshStore::Keyring)),
        Err(e) => {
            debug!(
                1,
                "{}: cannot read the {}: the OS keyring {e}",
                profile.name,
                provider.credential_name()
            );
            None
        }
    };
    let found = if provider.has_scopes() {
        from_keyring().or_else(|| {
            cache
                .read_credential(&profile.name)
                .map(|c| (Secret::new(c.value), RefreshStore::CredentialFile))
        })
    } else {
        match record.map(|r| &r.refresh) {
            Some(Some(RefreshStore::File(v))) => Some((Secret::new(v.clone()), RefreshStore::File(v.clone()))),
            Some(None) => None,
            // Kept in the keyring, or the record is gone: the keyring may still hold one.
            Some(Some(_)) | None => from_keyring(),
        }
    };
    found.filter(|(credential, _)| {
        let expired = jwt::decode(credential.expose())
            .and_then(|d| d.exp())
            .is_some_and(|exp| exp <= cache::now());
        if expired {
            debug!(
                1,
                "{}: the stored {} has expired; logging in",
                profile.name,
                provider.credential_name()
            );
        }
        !expired
    })
}

/// Long-lived credentials go to the keyring when it is reachable, else into a 0600 cache
/// file: the token's own record, or the profile's credential file when the profile's
/// scoped tokens share the credential.
fn store_refresh(profile: &Profile, provider: &dyn Provider, cache: &Cache, value: String) -> Result<RefreshStore> {
    match keyring::set(&refresh_user(&profile.name), &Secret::new(value.clone())) {
        Ok(()) => {
            if provider.has_scopes() {
                cache.remove(&Key::credential(&profile.name))?;
            }
            Ok(RefreshStore::Keyring)
        }
        Err(e) => {
            debug!(
                1,
                "notice: the OS keyring {e}; keeping the {} of {} in a 0600 cache file instead",
                provider.credential_name(),
                profile.name
            );
            if provider.has_scopes() {
                cache.write_credential(&profile.name, &value, provider.kind().name())?;
                Ok(RefreshStore::CredentialFile)
            } else {
                Ok(RefreshStore::File(value))
            }
        }
    }
}

/// Drops a stored credential the provider refused. A file-held one in a token record is
/// replaced when the record is written.
fn forget_refresh(profile: &Profile, cache: &Cache, store: &RefreshStore) {
    match store {
        RefreshStore::Keyring => {
            let _ = keyring::delete(&refresh_user(&profile.name));
        }
        RefreshStore::CredentialFile => {
            let _ = cache.remove(&Key::credential(&profile.name));
        }
        RefreshStore::File(_) => {}
    }
}

/// A refusal the caller may act on: the status and the error it would otherwise be.
struct Rejection {
    status: u16,
    error: Error,
}

/// Sends one request and returns the JSON of a 2xx answer. With `rejectable`, a status
/// the provider counts as "that credential is no good" comes back as a `Rejection`.
fn call(
    client: &Client,
    provider: &dyn Provider,
    req: &Request,
    rejectable: bool,
) -> Result<std::result::Result<Value, Rejection>> {
    let what = format!("{} ({})", provider.kind().name(), req.url);
    let resp = client.send(req, &what)?;
    if !resp.is_success() {
        let error = resp.failure(&what, provider.status_meaning(resp.status));
        if rejectable && provider.refresh_rejected(resp.status) {
            return Ok(Err(Rejection {
                status: resp.status,
                error,
            }));
        }
        return Err(error);
    }
    resp.json(&what).map(Ok)
}

/// `call`, and the provider reading the answer.
fn exchange(
    client: &Client,
    provider: &dyn Provider,
    req: &Request,
    step: Step,
) -> Result<std::result::Result<Grant, Rejection>> {
    let body = match call(client, provider, req, step == Step::Refresh)? {
        Ok(body) => body,
        Err(rejection) => return Ok(Err(rejection)),
    };
    provider
        .parse(step, &body)
        .map(Ok)
        .map_err(|m| error::upstream(format!("{} ({}) answered badly: {m}", provider.kind().name(), req.url)))
}

/// Sends `login` with the profile's secret.
fn log_in(client: &Client, profile: &Profile, provider: &dyn Provider, ask: &Ask) -> Result<Grant> {
    let (secret, source) = secret::lookup(profile, ask.secret_stdin)?;
    debug!(
        1,
        "{}: logging in with the {} from {source}",
        profile.name,
        profile.kind.secret_name()
    );
    exchange(client, provider, &provider.login(&secret), Step::Login)?.map_err(|r| r.error)
}

fn log_in_for_credential(client: &Client, profile: &Profile, provider: &dyn Provider, ask: &Ask) -> Result<Secret> {
    let grant = log_in(client, profile, provider, ask)?;
    let credential = grant.refresh_token.ok_or_else(|| {
        error::upstream(format!(
            "{} answered the login without a {}",
            provider.kind().name(),
            provider.credential_name()
        ))
    })?;
    checked_credential(provider, credential)
}

/// A long-lived credential goes into headers later: it must be as clean as a token.
fn checked_credential(provider: &dyn Provider, credential: String) -> Result<Secret> {
    jwt::validate_token(&credential).map_err(|m| {
        error::upstream(format!(
            "{} sent an unusable {}, not kept: {m}",
            provider.kind().name(),
            provider.credential_name()
        ))
    })?;
    Ok(Secret::new(credential))
}

/// Renews through the network; `cache` is `None` for `--no-cache`. Returns the new
/// record and whether a stored refresh credential was rejected. On any error nothing
/// stored has been touched.
fn renew(
    profile: &Profile,
    provider: &dyn Provider,
    ask: &Ask,
    cache: Option<&Cache>,
    stored: Option<(Secret, RefreshStore)>,
) -> Result<(Record, bool)> {
    let client = client(profile, ask)?;
    let mut rejected = false;
    let mut grant = None;
    let mut kept = None;

    if let Some((refresh_token, store)) = stored
        && let Some(req) = provider.refresh(&refresh_token)
    {
        debug!(
            1,
            "{}: renewing with the stored {}",
            profile.name,
            provider.credential_name()
        );
        match exchange(&client, provider, &req, Step::Refresh)? {
            Ok(g) => {
                if g.refresh_token.is_none() {
                    kept = Some(store);
                }
                grant = Some(g);
            }
            Err(rejection) if ask.mode == Mode::Refresh => {
                return Err(Error::Rejected(format!(
                    "{}; the stored {} is no longer accepted: log in again with `authctl {} login --profile {}`",
                    rejection.error,
                    provider.credential_name(),
                    provider.kind().name(),
                    profile.name
                )));
            }
            Err(rejection) => {
                debug!(
                    1,
                    "{}: the stored {} was refused (HTTP {}); logging in with the {}",
                    profile.name,
                    provider.credential_name(),
                    rejection.status,
                    profile.kind.secret_name()
                );
                rejected = true;
            }
        }
    }

    let grant = match grant {
        Some(g) => g,
        None => {
            let mut g = log_in(&client, profile, provider, ask)?;
            // A login that yields only a long-lived credential (MidwayPlus' developer
            // token) is followed by the call that turns it into an access token. The
            // credential is kept first: it stays good even if that call is refused.
            if g.access_token.is_none()
                && let Some(long_lived) = g.refresh_token.take()
            {
                let long_lived = checked_credential(provider, long_lived)?;
                let req = provider
                    .refresh(&long_lived)
                    .ok_or_else(|| error::upstream(format!("{} sent no access token", provider.kind().name())))?;
                kept = cache
                    .map(|c| store_refresh(profile, provider, c, long_lived.expose().to_string()))
                    .transpose()?;
                g = exchange(&client, provider, &req, Step::Refresh)?.map_err(|r| {
                    let refused = match provider.scope() {
                        Some((noun, id)) => format!("{noun} {id}"),
                        None => "the token request".to_string(),
                    };
                    Error::Rejected(format!(
                        "{} refused {refused} right after a fresh login: {}",
                        provider.kind().name(),
                        r.error
                    ))
                })?;
            }
            g
        }
    };
    let record = to_record(profile, provider, grant, kept, cache)?;
    Ok((record, rejected))
}

/// Checks the token and works out its expiry; keeps a new refresh credential (unless
/// `cache` is `None`: `--no-cache` stores nothing).
fn to_record(
    profile: &Profile,
    provider: &dyn Provider,
    grant: Grant,
    kept: Option<RefreshStore>,
    cache: Option<&Cache>,
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

    let refresh = match (grant.refresh_token, cache) {
        (Some(new), Some(cache)) => Some(store_refresh(profile, provider, cache, new)?),
        (Some(_), None) => None,
        (None, _) => kept,
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

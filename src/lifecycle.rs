//! The credential lifecycle: how a request for a profile's token is decided and carried
//! out. It works through seams (`Seams`: transport, clock, token cache, credential store,
//! secret source), so every decision below has a fast unit test with fakes.
//!
//! 1. Serve the cached token while it is fresh (`Record::servable`): no lock, no network.
//! 2. Otherwise take the profile's lock, and look again: another process may have renewed
//!    it meanwhile (single flight).
//! 3. Renew by the provider's flow (with a shared cache, after asking the fleet: `fleet`):
//!    - direct: a stored refresh token first; if the provider refuses it (400/401), log in
//!      with the secret. A refresh that fails otherwise (5xx, network) stops, and keeps
//!      the refresh token. A new refresh token replaces the old (rotation).
//!    - installations (MidwayPlus): the stored developer token buys the installation's
//!      token; if refused (401/403), or none is stored, or its JWT has expired, log in for
//!      a new developer token and ask once more.
//! 4. Check the new token, work out its expiry, keep any new long-lived credential, cache
//!    the record.

use std::time::Duration;

use serde_json::Value;

use crate::cache::{self, CacheError, Lock, Record, Slot, TokenCache};
use crate::config::{ConfigError, Profile};
use crate::credentials::{CredentialKind, CredentialSlot, CredentialStore};
use crate::error::{Error, Exit, Problem, ProviderError, RefusalError, Result};
use crate::exchange::{Answer, Exchange};
use crate::http::Transport;
use crate::providers::{Direct, Flow, Grant, Installations, Request};
use crate::secret::{Secret, SecretSource};
use crate::time::{Clock, UnixTime};
use crate::token::{self, AccessToken, TokenType};
use crate::{debug, jwt, warn};

mod fleet;
mod needs;
mod patience;
mod revoke;
mod shared;

pub use needs::METADATA_LIFETIME;
pub use patience::{SIGN_IN_PATIENCE, lock_patience, profile_patience};
pub use revoke::revoke;

/// Statuses that mean "that refresh token is no good" (RFC 6749 `invalid_grant` is 400).
const REFRESH_REFUSED: [u16; 2] = [400, 401];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Serve from the cache when fresh, else renew.
    Auto,
    /// `--force-refresh`: skip the cached access token; a stored credential is still used.
    ForceRefresh,
    /// A provider's login command, and `--no-cache`: log in with the secret now.
    Login,
    /// A provider's refresh command: renew with the stored refresh token, nothing else.
    RefreshOnly,
}

/// What a command asks of the lifecycle.
#[derive(Debug, Clone)]
pub struct Ask {
    pub mode: Mode,
    /// Renew unless the cached token has at least this long to live.
    pub min_ttl: Duration,
    /// A MidwayPlus installation other than the profile's own.
    pub installation: Option<String>,
    /// `--no-open`: a browser sign-in prints its URL and opens no browser.
    pub no_open: bool,
    /// Plays the browser of a sign-in in place of one (the offline demo).
    pub player: Option<crate::providers::Player>,
    /// A token the API refused (`token --rejected -`, the proxy after a 401): never
    /// served from the cache. Looked for again under the lock, so of many processes
    /// holding the same refused token one renews and the others take its token.
    pub rejected: Option<AccessToken>,
}

impl Ask {
    pub fn new(mode: Mode) -> Ask {
        Ask {
            mode,
            min_ttl: Duration::ZERO,
            installation: None,
            no_open: false,
            player: None,
            rejected: None,
        }
    }
}

/// Where a token came from this time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenSource {
    Cache,
    /// The fleet's shared cache (README "Many machines").
    Shared,
    Network,
}

#[derive(Debug)]
pub struct Obtained {
    pub record: Record,
    pub source: TokenSource,
}

/// What the lifecycle works through. Production code passes the real ones (see
/// `commands::seams`); unit tests pass fakes.
pub struct Seams<'a> {
    /// How long to wait for another process renewing the same profile.
    pub patience: Duration,
    pub transport: &'a dyn Transport,
    pub clock: &'a dyn Clock,
    pub cache: &'a dyn TokenCache,
    pub credentials: &'a dyn CredentialStore,
    pub secret: &'a dyn SecretSource,
    /// The fleet's shared cache, asked only after the local cache has missed.
    pub shared: &'a dyn crate::shared_cache::Store,
    /// Whether the config as a whole may be used to renew a token (`Config::vouch`):
    /// asked before anything is sent, never on the cached path.
    pub vouch: &'a dyn Fn() -> Result<()>,
}

/// A token for the profile: cached, refreshed, or from a new login.
pub fn obtain(profile: &Profile, ask: &Ask, seams: &Seams) -> Result<Obtained> {
    let run = Run { profile, ask, seams };
    let obtained = run.obtain()?;
    if obtained.record.password_expired {
        warn!(
            "profile {}: the {} password has expired; change it before the provider locks the account",
            profile.name,
            profile.kind()
        );
    }
    Ok(obtained)
}

/// Caches a token that arrived outside any request of authctl's (MidwayPlus' browser
/// redirect), after the same checks as every other token.
pub fn accept(profile: &Profile, token: String, seams: &Seams) -> Result<Obtained> {
    let run = Run {
        profile,
        ask: &Ask::new(Mode::Login),
        seams,
    };
    let _lock = run.lock()?;
    let grant = Grant {
        access_token: token,
        ..Grant::default()
    };
    let record = run.record(grant, &run.endpoint(), false)?;
    run.write(&Slot::of(profile, None), &record);
    Ok(Obtained {
        record,
        source: TokenSource::Network,
    })
}

/// Logs in for a new developer token and keeps it (`midway login`).
pub fn developer_login(profile: &Profile, seams: &Seams) -> Result<Secret> {
    let run = Run {
        profile,
        ask: &Ask::new(Mode::Login),
        seams,
    };
    let Flow::Installations(flow) = profile.provider().flow() else {
        unreachable!("only MidwayPlus profiles have developer tokens");
    };
    let _lock = run.lock()?;
    Ok(run.developer_token(flow)?.0)
}

/// Sends a request that authenticates with the developer token (`midway installations`):
/// logs in first when none is stored, and once more when the stored one is refused.
pub fn with_developer_token(profile: &Profile, seams: &Seams, request: impl Fn(&Secret) -> Request) -> Result<Value> {
    let run = Run {
        profile,
        ask: &Ask::new(Mode::Auto),
        seams,
    };
    let Flow::Installations(flow) = profile.provider().flow() else {
        unreachable!("only MidwayPlus profiles have developer tokens");
    };
    let _lock = run.lock()?;
    match run.developer_call(flow, request)? {
        (Answer::Json(body), ..) => Ok(body),
        (Answer::Refused(cause), ..) => Err(cause.into()),
    }
}

/// The profile's cached record, if it is this profile's (its provider, the settings it
/// was fetched with), fresh or not: what `status` shows.
pub fn cached_record(profile: &Profile, cache: &dyn TokenCache) -> Option<Record> {
    cache.read(&Slot::of(profile, default_installation(profile)))
}

/// True when a refresh token or developer token is kept for the profile, under its
/// present settings.
pub fn credential_kept(profile: &Profile, store: &dyn CredentialStore) -> bool {
    let kind = match profile.provider().flow() {
        Flow::Direct(_) => CredentialKind::RefreshToken,
        Flow::Installations(_) => CredentialKind::DeveloperToken,
    };
    store.kept(&CredentialSlot::of(profile, kind))
}

fn default_installation(profile: &Profile) -> Option<&str> {
    match profile.provider().flow() {
        Flow::Installations(flow) => flow.installation(),
        Flow::Direct(_) => None,
    }
}

/// One request's journey through the lifecycle.
struct Run<'a> {
    profile: &'a Profile,
    ask: &'a Ask,
    seams: &'a Seams<'a>,
}

impl Run<'_> {
    fn obtain(&self) -> Result<Obtained> {
        let slot = self.slot();
        if let Some(record) = self.fresh(&slot) {
            debug!(1, "{}: cached token, {}s left", self.profile.name, self.left(&record));
            return Ok(self.served(record));
        }
        self.renewable()?;
        let waiting_since = self.seams.clock.now();
        let lock = self.lock()?;
        if let Some(record) = self.fresh(&slot) {
            debug!(1, "{}: another process renewed the token", self.profile.name);
            return Ok(self.served(record));
        }
        if let Some(failure) = self.shared_failure(&lock, waiting_since) {
            return Err(failure);
        }
        self.renew_with_fleet(&slot)
    }

    /// The profile's lock, waited for as long as a renewal may take (see
    /// `lock_patience`), once the config is vouched for: every renewal comes here
    /// first. A lock that cannot be taken at all (a read-only cache) does not stop the
    /// renewal.
    fn lock(&self) -> Result<Lock> {
        (self.seams.vouch)()?;
        match self.seams.cache.lock(&self.slot(), self.seams.patience) {
            Ok(lock) => Ok(lock),
            Err(e @ (CacheError::LockTimeout { .. } | CacheError::Untrusted { .. } | CacheError::NoHome)) => {
                Err(e.into())
            }
            Err(e) => {
                warn!("{}; renewing without it", crate::log::chain(&e));
                Ok(Lock::none())
            }
        }
    }

    /// When this process waited for another that then failed to renew, that failure, if
    /// it was one to share (see `shared`): the waiters report it instead of each trying
    /// again at once. Only an automatic renewal takes it: an explicit login or refresh
    /// always tries for itself.
    fn shared_failure(&self, lock: &Lock, waiting_since: UnixTime) -> Option<Error> {
        if !lock.waited() || self.ask.mode != Mode::Auto {
            return None;
        }
        let failure = self.seams.cache.failure(&self.slot())?;
        (failure.at >= waiting_since).then(|| Error::Shared {
            by: "another authctl process",
            profile: self.profile.name.clone(),
            exit: Exit::from_code(failure.exit),
            message: failure.message,
        })
    }

    /// The cached record of `slot`, when this ask may be served from the cache and it is
    /// fresh and this profile's.
    fn fresh(&self, slot: &Slot) -> Option<Record> {
        if self.ask.mode != Mode::Auto {
            return None;
        }
        let now = self.seams.clock.now();
        self.cached(slot)
            .filter(|r| r.servable(now, self.ask.min_ttl, self.profile.refresh_before))
            .filter(|r| self.ask.rejected.as_ref() != Some(&r.access_token))
    }

    /// The cached record's ID token, unless its `exp` has passed (or it has none).
    fn unexpired_id_token(&self, slot: &Slot) -> Option<String> {
        let id_token = self.cached(slot)?.id_token?;
        let exp = jwt::decode(id_token.as_str())?.exp()?;
        (exp > self.seams.clock.now()).then(|| id_token.into())
    }

    /// The cached record of `slot`, if the cache may serve it (see `TokenCache::read`).
    fn cached(&self, slot: &Slot) -> Option<Record> {
        self.seams.cache.read(slot)
    }

    fn served(&self, record: Record) -> Obtained {
        Obtained {
            record,
            source: TokenSource::Cache,
        }
    }

    fn left(&self, record: &Record) -> i64 {
        self.seams.clock.now().secs_until(record.expires_at) as i64
    }

    /// Where the token is cached: per installation for MidwayPlus.
    fn slot(&self) -> Slot {
        Slot::of(self.profile, self.installation())
    }

    fn installation(&self) -> Option<&str> {
        match self.profile.provider().flow() {
            Flow::Installations(_) => self.ask.installation.as_deref().or(default_installation(self.profile)),
            Flow::Direct(_) => None,
        }
    }

    /// A MidwayPlus profile without an installation gets its tokens in a browser: authctl
    /// can serve a fresh one from the cache, but cannot renew it alone.
    fn renewable(&self) -> Result<()> {
        match self.profile.provider().flow() {
            Flow::Installations(_) if self.installation().is_none() => Err(ConfigError::Profile {
                profile: self.profile.name.clone(),
                problem: "this MidwayPlus profile has no `installation`: set one in the profile (list them with \
                          `authctl midway installations`), use `authctl midway token --installation ID`, \
                          or sign in with `authctl midway browser`"
                    .into(),
            }
            .into()),
            _ => Ok(()),
        }
    }

    fn exchange(&self) -> Exchange<'_> {
        Exchange {
            transport: self.seams.transport,
            kind: self.profile.kind(),
            provider: self.profile.provider(),
        }
    }

    fn credential_slot(&self, kind: CredentialKind) -> CredentialSlot {
        CredentialSlot::of(self.profile, kind)
    }

    /// The stored long-lived credential of `slot`, unless this ask logs in afresh or its
    /// JWT `exp` has visibly passed.
    fn stored(&self, slot: &CredentialSlot) -> Option<Secret> {
        if self.ask.mode == Mode::Login {
            return None;
        }
        let credential = self.seams.credentials.read(slot)?;
        let expired = jwt::decode(credential.expose())
            .and_then(|d| d.exp())
            .is_some_and(|exp| exp <= self.seams.clock.now());
        if expired {
            debug!(1, "{}: the stored {} has expired; logging in", slot.profile, slot.kind);
            return None;
        }
        Some(credential)
    }

    fn drop_refused(&self, slot: &CredentialSlot, refusal: &ProviderError) {
        debug!(
            1,
            "{}: the stored {} was refused (HTTP {}); logging in with the {}",
            slot.profile,
            slot.kind,
            refusal.status().unwrap_or(0),
            self.profile.secret_name()
        );
        self.seams.credentials.forget(slot);
    }

    /// Direct flows: refresh token first, then the secret.
    fn renew_direct(&self, flow: &dyn Direct, slot: &Slot) -> Result<Record> {
        let credential = self.credential_slot(CredentialKind::RefreshToken);
        // A record that says no refresh token was kept spares a look in the keyring.
        let hint = self.cached(slot).is_none_or(|r| r.refreshable);
        let stored = hint.then(|| self.stored(&credential)).flatten();
        let mut refused = false;
        let refreshing = self.supply("refreshing");
        let refresh = stored.as_ref().and_then(|rt| flow.refresh(rt, &refreshing));
        match refresh.transpose()? {
            Some(request) => {
                debug!(1, "{}: renewing with the stored refresh token", self.profile.name);
                match self
                    .exchange()
                    .call_refusable(&request, |s| REFRESH_REFUSED.contains(&s))?
                {
                    Answer::Json(body) => {
                        let mut grant = self.exchange().read(&request, flow.read_grant(&body))?;
                        flow.check_grant(&grant, &refreshing)?;
                        // A refresh answer may leave the ID token out: the last one stands
                        // while it has not expired.
                        grant.id_token = (grant.id_token.take()).or_else(|| self.unexpired_id_token(slot));
                        return self.record(grant, &request.url, true);
                    }
                    Answer::Refused(cause) if self.ask.mode == Mode::RefreshOnly => {
                        return Err(self.refresh_refused(cause));
                    }
                    Answer::Refused(refusal) => {
                        debug!(
                            1,
                            "{}: the stored refresh token was refused (HTTP {}); logging in with the {}",
                            self.profile.name,
                            refusal.status().unwrap_or(0),
                            self.profile.secret_name()
                        );
                        refused = true;
                    }
                }
            }
            None if self.ask.mode == Mode::RefreshOnly => {
                return Err(RefusalError::NoRefreshToken {
                    profile: self.profile.name.clone(),
                    provider: self.profile.kind(),
                }
                .into());
            }
            None => {}
        }
        let record = self.log_in_direct(flow)?;
        // The refused refresh token goes only once the login has replaced it (or has not
        // needed it): a login that fails keeps everything as it was.
        if refused && !record.refreshable {
            self.seams.credentials.forget(&credential);
        }
        Ok(record)
    }

    fn refresh_refused(&self, cause: ProviderError) -> Error {
        RefusalError::RefreshTokenRefused {
            profile: self.profile.name.clone(),
            provider: self.profile.kind(),
            cause,
        }
        .into()
    }

    /// MidwayPlus: the stored developer token first, then a new login.
    fn renew_installation(&self, flow: &dyn Installations, slot: &Slot) -> Result<Record> {
        let installation = slot.installation.as_deref().expect("checked by renewable()");
        match self.developer_call(flow, |developer_token| {
            flow.token_request(developer_token, installation)
        })? {
            (Answer::Json(body), request, kept) => {
                let grant = self.exchange().read(&request, flow.read_installation_token(&body))?;
                self.record(grant, &request.url, kept)
            }
            (Answer::Refused(cause), ..) => Err(RefusalError::InstallationRefused {
                provider: self.profile.kind(),
                installation: installation.to_string(),
                cause,
            }
            .into()),
        }
    }

    /// Sends the request `request` makes with the stored developer token; when none is
    /// kept (or its JWT has expired), or the server refuses it, logs in for a new one and
    /// sends it once more. A refusal of that last request is for the caller to name. Also
    /// returns the request answered, and whether the developer token it carried is kept.
    fn developer_call(
        &self,
        flow: &dyn Installations,
        request: impl Fn(&Secret) -> Request,
    ) -> Result<(Answer, Request, bool)> {
        let slot = self.credential_slot(CredentialKind::DeveloperToken);
        let refused = |s| flow.developer_token_refused(s);
        if let Some(developer_token) = self.stored(&slot) {
            let sent = request(&developer_token);
            match self.exchange().call_refusable(&sent, refused)? {
                Answer::Refused(refusal) => self.drop_refused(&slot, &refusal),
                answer => return Ok((answer, sent, true)),
            }
        }
        let (developer_token, kept) = self.developer_token(flow)?;
        let sent = request(&developer_token);
        Ok((self.exchange().call_refusable(&sent, refused)?, sent, kept))
    }

    /// Logs in for a developer token, checks it and keeps it: it stays good even if the
    /// installation asked for next is refused. Says too whether it was kept anywhere.
    fn developer_token(&self, flow: &dyn Installations) -> Result<(Secret, bool)> {
        let (raw, url) = self.log_in(|secret| flow.login(secret), |body| flow.read_developer_token(body))?;
        let developer_token = Secret::new(raw);
        // It goes into `Authorization` headers: it must be as clean as an access token.
        token::check_bearer(developer_token.expose()).map_err(|why| {
            self.exchange().error(
                &url,
                Problem::UnsafeCredential {
                    kind: CredentialKind::DeveloperToken,
                    why,
                },
            )
        })?;
        let kept = self.keep(&self.credential_slot(CredentialKind::DeveloperToken), &developer_token)?;
        Ok((developer_token, kept))
    }

    /// Sends the login request with the profile's secret and reads the answer.
    fn log_in<T>(
        &self,
        request: impl Fn(&Secret) -> Request,
        read: impl Fn(&Value) -> Result<T, crate::providers::BadAnswer>,
    ) -> Result<(T, reqwest::Url)> {
        let (secret, origin) = self.seams.secret.secret()?;
        debug!(
            1,
            "{}: logging in with the {} from {origin}",
            self.profile.name,
            self.profile.secret_name()
        );
        let request = request(&secret);
        let what = self.profile.secret_name();
        let body = (self.exchange().call(&request))
            .map_err(|e| e.with_secret_from(|| origin.how_to_change(what, &self.profile.name)))?;
        Ok((self.exchange().read(&request, read(&body))?, request.url))
    }

    /// Keeps a long-lived credential; one that cannot be kept (a full disk) costs the
    /// next renewal a login, not this token.
    fn keep(&self, slot: &CredentialSlot, value: &Secret) -> Result<bool> {
        match self.seams.credentials.store(slot, value) {
            Ok(kept) => Ok(kept),
            Err(e) => {
                warn!(
                    "could not keep the {} of {}: {}",
                    slot.kind,
                    slot.profile,
                    crate::log::chain(&e)
                );
                Ok(false)
            }
        }
    }

    /// Checks the new token from `url`, works out its expiry, and keeps a new refresh
    /// token. `renewable`: a credential already kept can renew this token.
    fn record(&self, grant: Grant, url: &reqwest::Url, renewable: bool) -> Result<Record> {
        let now: UnixTime = self.seams.clock.now();
        let access_token = AccessToken::parse(grant.access_token.clone())
            .map_err(|why| self.exchange().error(url, Problem::UnsafeToken(why)))?;
        let expires_at = cache::expiry(&access_token, &grant, now, self.profile.default_ttl)
            .map_err(|e| self.exchange().error(url, Problem::AlreadyExpired { exp: e.exp, now }))?;
        // Held to the access token's rules: it is printed and cached the same way.
        let id_token = grant.id_token.as_ref().and_then(|t| AccessToken::parse(t.clone()).ok());
        let refreshable = match &grant.refresh_token {
            Some(new) => match token::check_refresh_token(new.expose()) {
                Ok(()) => self.keep(&self.credential_slot(CredentialKind::RefreshToken), new)?,
                Err(why) => {
                    debug!(
                        1,
                        "warning: {} sent a refresh token authctl cannot keep: {why}",
                        self.profile.kind()
                    );
                    false
                }
            },
            None => renewable,
        };
        Ok(Record {
            provider: self.profile.kind(),
            bound_to: self.slot().bound_to,
            access_token,
            token_type: TokenType::from_answer(grant.token_type.as_deref()),
            obtained_at: now,
            expires_at,
            refreshable,
            password_expired: grant.password_expired,
            id_token,
        })
    }

    /// The profile's first URL, for messages about a token that came from elsewhere.
    fn endpoint(&self) -> reqwest::Url {
        self.profile.provider().endpoints()[0].1.get_ref().0.clone()
    }

    /// Caches the record; a cache that cannot be written still leaves the token to print.
    fn write(&self, slot: &Slot, record: &Record) {
        if let Err(e) = self.seams.cache.write(slot, record) {
            warn!(
                "could not cache the new token of {}: {}",
                slot.profile,
                crate::log::chain(&e)
            );
        }
    }
}

#[cfg(test)]
mod tests {
    //! Each decision of the lifecycle, against fakes: a scripted transport, a clock that
    //! stands still, a token cache and a credential store in memory, a secret that counts
    //! how often it was asked for.

    use std::cell::{Cell, RefCell};
    use std::collections::{HashMap, VecDeque};
    use std::path::Path;

    use serde_json::json;

    use super::*;
    use crate::cache::Failure;
    use crate::config::Config;
    use crate::error::Exit;
    use crate::http::{Response, TransportError};
    use crate::providers::{Body, Fingerprint};
    use crate::secret::{Origin, SecretError};
    use crate::shared_cache::seal::Sealer;

    const NOW: f64 = 1_700_000_000.0;

    enum Reply {
        Status(u16, Value),
        Timeout,
    }

    /// What a request carried, for assertions.
    #[derive(Debug)]
    struct Sent {
        path: String,
        bearer: Option<String>,
        fields: HashMap<String, String>,
    }

    /// Answers requests in order from a script; a request the script does not expect fails
    /// the test.
    #[derive(Default)]
    struct Script {
        replies: RefCell<VecDeque<Reply>>,
        sent: RefCell<Vec<Sent>>,
    }

    impl Script {
        fn then(&self, status: u16, body: Value) -> &Self {
            self.replies.borrow_mut().push_back(Reply::Status(status, body));
            self
        }

        fn then_time_out(&self) -> &Self {
            self.replies.borrow_mut().push_back(Reply::Timeout);
            self
        }

        fn paths(&self) -> Vec<String> {
            self.sent.borrow().iter().map(|s| s.path.clone()).collect()
        }

        fn field(&self, i: usize, name: &str) -> Option<String> {
            self.sent.borrow()[i].fields.get(name).cloned()
        }
    }

    impl Transport for Script {
        fn send(&self, request: &Request) -> Result<Response, TransportError> {
            let fields = match &request.body {
                Body::Empty => HashMap::new(),
                Body::Json(f) | Body::Form(f) => f.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            };
            self.sent.borrow_mut().push(Sent {
                path: request.url.path().to_string(),
                bearer: match &request.auth {
                    Some(crate::providers::Auth::Bearer(b)) => Some(b.expose().to_string()),
                    _ => None,
                },
                fields,
            });
            match self.replies.borrow_mut().pop_front() {
                Some(Reply::Status(status, body)) => Ok(Response {
                    status,
                    body: body.to_string().into_bytes(),
                }),
                Some(Reply::Timeout) => Err(TransportError::Timeout(Duration::from_secs(1))),
                None => panic!("unexpected request to {}", request.url),
            }
        }
    }

    struct Frozen(Cell<f64>);

    impl Clock for Frozen {
        fn now(&self) -> UnixTime {
            UnixTime::from_secs(self.0.get()).unwrap()
        }
    }

    /// A token cache in memory. `meanwhile` runs when the lock is taken: another process
    /// that renewed the token while this one waited.
    #[derive(Default)]
    struct Memory {
        records: RefCell<HashMap<Slot, Record>>,
        meanwhile: RefCell<Option<(Slot, Record)>>,
        /// Another process holds the lock and fails with this while we wait.
        fails_meanwhile: RefCell<Option<Failure>>,
        failure: RefCell<Option<Failure>>,
    }

    impl TokenCache for Memory {
        /// Like the real cache, only a record the slot admits.
        fn read(&self, slot: &Slot) -> Option<Record> {
            self.records.borrow().get(slot).filter(|r| slot.admits(r)).cloned()
        }
        fn write(&self, slot: &Slot, record: &Record) -> Result<(), CacheError> {
            self.records.borrow_mut().insert(slot.clone(), record.clone());
            Ok(())
        }
        fn lock(&self, _: &Slot, _: Duration) -> Result<Lock, CacheError> {
            if let Some((slot, record)) = self.meanwhile.borrow_mut().take() {
                self.records.borrow_mut().insert(slot, record);
            }
            if let Some(failure) = self.fails_meanwhile.borrow_mut().take() {
                *self.failure.borrow_mut() = Some(failure);
                return Ok(Lock::waited_for());
            }
            Ok(Lock::none())
        }
        fn failure(&self, _: &Slot) -> Option<Failure> {
            self.failure.borrow().clone()
        }
        fn set_failure(&self, _: &Slot, failure: Option<&Failure>) {
            *self.failure.borrow_mut() = failure.cloned();
        }
    }

    /// Credentials in memory, each with the settings it was stored under; like the real
    /// store, it gives one back only under the same settings.
    #[derive(Default)]
    struct Vault(RefCell<HashMap<CredentialKind, (Option<Fingerprint>, String)>>);

    impl Vault {
        fn holds(&self, kind: CredentialKind) -> Option<String> {
            self.0.borrow().get(&kind).map(|(_, v)| v.clone())
        }
    }

    impl CredentialStore for Vault {
        fn read(&self, slot: &CredentialSlot) -> Option<Secret> {
            let held = self.0.borrow().get(&slot.kind).cloned();
            held.filter(|(bound_to, _)| bound_to.as_ref().is_none_or(|b| *b == slot.bound_to))
                .map(|(_, v)| Secret::new(v))
        }
        fn store(&self, slot: &CredentialSlot, value: &Secret) -> Result<bool, CacheError> {
            let held = (Some(slot.bound_to.clone()), value.expose().to_string());
            self.0.borrow_mut().insert(slot.kind, held);
            Ok(true)
        }
        fn forget(&self, slot: &CredentialSlot) {
            self.0.borrow_mut().remove(&slot.kind);
        }
    }

    /// Counts how often the secret was asked for; gives it from where `1` says.
    #[derive(Default)]
    struct Asked(Cell<u32>, Cell<Gives>);

    #[derive(Default, Clone, Copy)]
    enum Gives {
        #[default]
        Env,
        Stdin,
        Nothing,
    }

    impl SecretSource for Asked {
        fn secret(&self) -> Result<(Secret, Origin), SecretError> {
            self.0.set(self.0.get() + 1);
            let origin = match self.1.get() {
                Gives::Env => Origin::Env("AUTHCTL_SECRET_X".into()),
                Gives::Stdin => Origin::Stdin,
                Gives::Nothing => return Err(SecretError::NoStdinLine),
            };
            Ok((Secret::new("unit-lifecycle-pw".into()), origin))
        }
    }

    /// A shared cache in memory (configured only when a test says so); expiries are not
    /// kept, a lock is a key like any other.
    #[derive(Default)]
    struct Shelf {
        on: Cell<bool>,
        entries: RefCell<HashMap<String, Vec<u8>>>,
    }

    impl crate::shared_cache::Store for Shelf {
        fn configured(&self) -> Result<bool, ConfigError> {
            Ok(self.on.get())
        }
        fn get(&self, key: &str) -> Option<Vec<u8>> {
            self.entries.borrow().get(key).cloned()
        }
        fn set(&self, key: &str, value: &[u8], _: Duration) -> bool {
            self.entries.borrow_mut().insert(key.into(), value.into());
            true
        }
        fn set_absent(&self, key: &str, value: &[u8], _: Duration) -> Option<bool> {
            let mut entries = self.entries.borrow_mut();
            let absent = !entries.contains_key(key);
            if absent {
                entries.insert(key.into(), value.into());
            }
            Some(absent)
        }
        fn delete(&self, key: &str) {
            self.entries.borrow_mut().remove(key);
        }
        fn delete_if(&self, key: &str, value: &[u8]) {
            let mut entries = self.entries.borrow_mut();
            if entries.get(key).is_some_and(|v| v == value) {
                entries.remove(key);
            }
        }
    }

    struct World {
        profile: Profile,
        script: Script,
        clock: Frozen,
        cache: Memory,
        vault: Vault,
        secret: Asked,
        shelf: Shelf,
        /// The rest of the config has an error: `vouch` refuses.
        broken: Cell<bool>,
    }

    impl World {
        fn new(toml: &str, name: &str) -> World {
            World {
                profile: Config::from_text(Path::new("/t.toml"), Some(toml.to_string()))
                    .profile(name)
                    .unwrap(),
                script: Script::default(),
                clock: Frozen(Cell::new(NOW)),
                cache: Memory::default(),
                vault: Vault::default(),
                secret: Asked::default(),
                shelf: Shelf::default(),
                broken: Cell::new(false),
            }
        }

        fn oauth2() -> World {
            World::new(
                "[profiles.o]\nprovider = \"oauth2\"\ntoken_url = \"https://o.test/token\"\nclient_id = \"cid\"\n",
                "o",
            )
        }

        fn midway() -> World {
            World::new(
                "[profiles.mw]\nprovider = \"midway\"\nbase_url = \"https://mw.test\"\nclient_id = \"cid\"\ninstallation = \"inst-1\"\n",
                "mw",
            )
        }

        fn obtain(&self, mode: Mode) -> Result<Obtained> {
            self.ask(&Ask::new(mode))
        }

        fn ask(&self, ask: &Ask) -> Result<Obtained> {
            let seams = Seams {
                patience: Duration::from_secs(1),
                transport: &self.script,
                clock: &self.clock,
                cache: &self.cache,
                credentials: &self.vault,
                secret: &self.secret,
                shared: &self.shelf,
                vouch: &|| match self.broken.get() {
                    false => Ok(()),
                    true => Err(ConfigError::Profile {
                        profile: "other".into(),
                        problem: "broken".into(),
                    }
                    .into()),
                },
            };
            obtain(&self.profile, ask, &seams)
        }

        fn slot(&self) -> Slot {
            let installation = match &self.profile.settings {
                crate::providers::Settings::Midway(m) => m.installation.as_ref().map(|i| i.0.clone()),
                _ => None,
            };
            Slot::of(&self.profile, installation.as_deref())
        }

        /// A cached record of this profile that ends `left` seconds from now.
        fn cached(&self, token: &str, left: f64, refreshable: bool) {
            let record = self.record(token, left, refreshable);
            self.cache.records.borrow_mut().insert(self.slot(), record);
        }

        fn record(&self, token: &str, left: f64, refreshable: bool) -> Record {
            Record {
                provider: self.profile.kind(),
                bound_to: self.slot().bound_to,
                access_token: AccessToken::parse(token.into()).unwrap(),
                token_type: TokenType::bearer(),
                obtained_at: UnixTime::from_secs(NOW - 3600.0).unwrap(),
                expires_at: UnixTime::from_secs(NOW + left).unwrap(),
                refreshable,
                password_expired: false,
                id_token: None,
            }
        }

        /// A credential stored under this profile's settings.
        fn stored(&self, kind: CredentialKind, value: &str) {
            let bound_to = CredentialSlot::of(&self.profile, kind).bound_to;
            self.vault.0.borrow_mut().insert(kind, (Some(bound_to), value.into()));
        }

        fn token(&self) -> String {
            self.cache.read(&self.slot()).unwrap().access_token.as_str().to_string()
        }

        /// The fleet's keys for this profile: the token's, the credentials'.
        fn sealers(&self) -> (Sealer, Sealer) {
            let secret = Secret::new("unit-lifecycle-pw".into());
            let credential = CredentialSlot::of(&self.profile, RT).bound_to;
            (
                Sealer::new(&secret, &self.slot().bound_to),
                Sealer::new(&secret, &credential),
            )
        }

        /// Puts `plain` in the shared cache as the fleet's entry of `kind`.
        fn share(&self, kind: &str, plain: &[u8]) {
            self.shelf.on.set(true);
            let (tokens, credentials) = self.sealers();
            let sealer = if kind == "refresh_token" { credentials } else { tokens };
            let sealed = sealer.seal(kind, plain);
            self.shelf.entries.borrow_mut().insert(sealer.name(kind), sealed);
        }

        /// The fleet's entry of `kind`, opened.
        fn shared(&self, kind: &str) -> Option<Vec<u8>> {
            let (tokens, credentials) = self.sealers();
            let sealer = if kind == "refresh_token" { credentials } else { tokens };
            let sealed = self.shelf.entries.borrow().get(&sealer.name(kind)).cloned()?;
            sealer.open(kind, &sealed).map(|p| p.to_vec())
        }
    }

    fn granted(token: &str, refresh_token: Option<&str>) -> Value {
        match refresh_token {
            Some(rt) => json!({"access_token": token, "expires_in": 3600, "refresh_token": rt}),
            None => json!({"access_token": token, "expires_in": 3600}),
        }
    }

    const RT: CredentialKind = CredentialKind::RefreshToken;
    const DEV: CredentialKind = CredentialKind::DeveloperToken;

    #[test]
    fn the_fleets_token_is_served_and_kept_here_without_a_request() {
        let w = World::oauth2();
        let theirs = w.record("fleet-1", 3000.0, false);
        w.share("token", &serde_json::to_vec(&theirs).unwrap());
        let got = w.obtain(Mode::Auto).unwrap();
        assert_eq!(
            (got.record.access_token.as_str(), got.source),
            ("fleet-1", TokenSource::Shared)
        );
        assert_eq!(w.token(), "fleet-1");
        assert!(w.script.paths().is_empty());
        assert_eq!(w.secret.0.get(), 1, "its key comes from the secret");
    }

    #[test]
    fn a_fleets_token_that_is_due_or_of_other_settings_is_not_served() {
        for record in [
            World::oauth2().record("due-1", 10.0, false),
            Record {
                bound_to: Fingerprint::of(crate::providers::Kind::Oauth2, &[], None, None),
                ..World::oauth2().record("other-1", 3000.0, false)
            },
        ] {
            let w = World::oauth2();
            w.share("token", &serde_json::to_vec(&record).unwrap());
            w.script.then(200, granted("new-1", None));
            assert_eq!(w.obtain(Mode::Auto).unwrap().record.access_token.as_str(), "new-1");
        }
    }

    #[test]
    fn a_renewal_goes_to_the_fleet_sealed_and_releases_its_lock() {
        let w = World::oauth2();
        w.shelf.on.set(true);
        w.script.then(200, granted("new-1", Some("rt-2")));
        w.obtain(Mode::Auto).unwrap();
        let shared: Record = serde_json::from_slice(&w.shared("token").unwrap()).unwrap();
        assert_eq!(shared.access_token.as_str(), "new-1");
        assert_eq!(w.shared("refresh_token").as_deref(), Some(&b"rt-2"[..]));
        assert_eq!(w.shelf.entries.borrow().len(), 2, "no lock or failure left");
        assert_eq!(w.secret.0.get(), 1, "the secret asked once for the keys and the login");
    }

    #[test]
    fn the_fleets_refresh_token_goes_before_this_machines() {
        let w = World::oauth2();
        w.cached("stale-1", 10.0, true);
        w.stored(RT, "rt-here");
        w.share("refresh_token", b"rt-fleet");
        w.script.then(200, granted("new-1", Some("rt-next")));
        w.obtain(Mode::Auto).unwrap();
        assert_eq!(w.script.field(0, "refresh_token").as_deref(), Some("rt-fleet"));
        assert_eq!(w.shared("refresh_token").as_deref(), Some(&b"rt-next"[..]));
        assert_eq!(w.vault.holds(RT).as_deref(), Some("rt-next"));
    }

    #[test]
    fn a_fleets_failure_is_reported_while_recent_and_a_servers_answer_is_shared() {
        let w = World::oauth2();
        let failure = |at: f64| {
            serde_json::to_vec(&Failure {
                at: UnixTime::from_secs(at).unwrap(),
                exit: 6,
                message: "oauth2 (https://o.test/token) answered HTTP 503".into(),
            })
            .unwrap()
        };
        w.share("failure", &failure(NOW - 5.0));
        let err = w.obtain(Mode::Auto).unwrap_err();
        assert_eq!(err.exit(), Exit::Upstream);
        assert!(
            err.report().contains("met by another machine of the fleet"),
            "{}",
            err.report()
        );
        assert!(w.script.paths().is_empty());
        // Older than the window: this machine tries, and shares what it met.
        w.share("failure", &failure(NOW - 60.0));
        w.script.then(500, json!({"error": "down"}));
        assert!(w.obtain(Mode::Auto).is_err());
        let shared: Failure = serde_json::from_slice(&w.shared("failure").unwrap()).unwrap();
        assert_eq!(shared.at.secs(), NOW);
    }

    #[test]
    fn a_secret_not_found_skips_the_fleet_and_is_reported_once() {
        let w = World::oauth2();
        w.shelf.on.set(true);
        w.secret.1.set(Gives::Nothing);
        let err = w.obtain(Mode::Auto).unwrap_err();
        assert_eq!(err.exit(), Exit::Secret);
        assert_eq!(w.secret.0.get(), 1, "looked up once for the fleet and the login");
        assert!(w.shelf.entries.borrow().is_empty());
    }

    #[test]
    fn only_an_automatic_renewal_asks_the_fleet() {
        for mode in [Mode::ForceRefresh, Mode::Login] {
            let w = World::oauth2();
            w.share(
                "token",
                &serde_json::to_vec(&w.record("fleet-1", 3000.0, false)).unwrap(),
            );
            w.script.then(200, granted("new-1", None));
            assert_eq!(w.obtain(mode).unwrap().record.access_token.as_str(), "new-1");
            assert_eq!(w.shelf.entries.borrow().len(), 1, "nothing written");
        }
    }

    #[test]
    fn an_entry_that_does_not_open_is_ignored() {
        let w = World::oauth2();
        w.share(
            "token",
            &serde_json::to_vec(&w.record("fleet-1", 3000.0, false)).unwrap(),
        );
        for sealed in w.shelf.entries.borrow_mut().values_mut() {
            sealed[5] ^= 0x40;
        }
        w.script.then(200, granted("new-1", None));
        assert_eq!(w.obtain(Mode::Auto).unwrap().record.access_token.as_str(), "new-1");
        let shared: Record = serde_json::from_slice(&w.shared("token").unwrap()).unwrap();
        assert_eq!(shared.access_token.as_str(), "new-1", "replaced by the fleet's own");
    }

    #[test]
    fn a_waiter_for_a_sign_in_outlasts_the_browsers_wait_and_others_wait_as_before() {
        let timeout = Duration::from_secs(30);
        let signs_in = |grant: &str| {
            let toml = format!(
                "[profiles.o]\nprovider = \"oauth2\"\ntoken_url = \"https://o.test/token\"\nclient_id = \"cid\"\n\
                 authorization_url = \"https://o.test/a\"\ndevice_authorization_url = \"https://o.test/d\"\n\
                 client_auth = \"none\"\ngrant = \"{grant}\"\n"
            );
            profile_patience(&World::new(&toml, "o").profile, timeout)
        };
        for grant in ["authorization_code", "device_code"] {
            assert!(
                signs_in(grant) > crate::providers::oauth2::signin::WAIT + lock_patience(timeout),
                "{grant}"
            );
        }
        assert_eq!(
            profile_patience(&World::oauth2().profile, timeout),
            lock_patience(timeout)
        );
        assert_eq!(
            profile_patience(&World::midway().profile, timeout),
            lock_patience(timeout)
        );
    }

    #[test]
    fn a_fresh_cached_token_is_served_without_a_request_or_the_secret() {
        let w = World::oauth2();
        w.cached("cached-1", 600.0, false);
        let got = w.obtain(Mode::Auto).unwrap();
        assert_eq!(
            (got.record.access_token.as_str(), got.source),
            ("cached-1", TokenSource::Cache)
        );
        assert!(w.script.paths().is_empty());
        assert_eq!(w.secret.0.get(), 0);
    }

    #[test]
    fn a_config_the_lifecycle_cannot_vouch_for_serves_only_a_cached_token() {
        let w = World::oauth2();
        w.broken.set(true);
        w.cached("cached-1", 600.0, true);
        w.stored(RT, "rt-1");
        assert_eq!(w.obtain(Mode::Auto).unwrap().record.access_token.as_str(), "cached-1");
        for mode in [Mode::ForceRefresh, Mode::Login, Mode::RefreshOnly] {
            assert_eq!(w.obtain(mode).unwrap_err().exit(), Exit::Config, "{mode:?}");
        }
        assert!(w.script.paths().is_empty(), "nothing was sent");
        assert_eq!(w.secret.0.get(), 0, "the secret was not even looked up");
    }

    #[test]
    fn a_token_or_refresh_token_fetched_with_other_settings_is_never_used() {
        let staging = World::oauth2();
        staging.cached("staging-token", 3000.0, true);
        staging.stored(RT, "staging-rt");
        let production = World::new(
            "[profiles.o]\nprovider = \"oauth2\"\ntoken_url = \"https://o.test/token\"\nclient_id = \"other-client\"\n",
            "o",
        );
        // The same profile name, now pointing at another client: nothing of the old one.
        let old_record = staging.cache.read(&staging.slot()).unwrap();
        production
            .cache
            .records
            .borrow_mut()
            .insert(production.slot(), old_record);
        let old_rt = staging.vault.0.borrow().get(&RT).cloned().unwrap();
        production.vault.0.borrow_mut().insert(RT, old_rt);
        production.script.then(200, granted("production-token", None));
        let got = production.obtain(Mode::Auto).unwrap();
        assert_eq!(got.record.access_token.as_str(), "production-token");
        assert_eq!(
            production.script.field(0, "grant_type").as_deref(),
            Some("client_credentials")
        );
        assert_eq!(production.script.field(0, "client_id").as_deref(), Some("other-client"));
    }

    #[test]
    fn a_token_within_its_margin_is_renewed_with_the_secret() {
        let w = World::oauth2();
        w.cached("cached-1", 30.0, false);
        w.script.then(200, granted("new-1", None));
        let got = w.obtain(Mode::Auto).unwrap();
        assert_eq!(
            (got.record.access_token.as_str(), got.source),
            ("new-1", TokenSource::Network)
        );
        assert_eq!(w.script.field(0, "grant_type").as_deref(), Some("client_credentials"));
        assert_eq!(w.token(), "new-1");
        assert_eq!(got.record.expires_at.secs(), NOW + 3600.0);
    }

    #[test]
    fn a_record_of_another_provider_is_never_served() {
        let w = World::oauth2();
        let mut foreign = w.record("foreign-1", 600.0, false);
        foreign.provider = crate::providers::Kind::Midigator;
        w.cache.records.borrow_mut().insert(w.slot(), foreign);
        w.script.then(200, granted("own-1", None));
        assert_eq!(w.obtain(Mode::Auto).unwrap().record.access_token.as_str(), "own-1");
    }

    fn rejecting(token: &str) -> Ask {
        Ask {
            rejected: Some(AccessToken::parse(token.into()).unwrap()),
            ..Ask::new(Mode::Auto)
        }
    }

    #[test]
    fn a_rejected_token_is_renewed_even_when_fresh() {
        let w = World::oauth2();
        w.cached("cached-1", 3000.0, false);
        w.script.then(200, granted("new-1", None));
        let got = w.ask(&rejecting("cached-1")).unwrap();
        assert_eq!(got.record.access_token.as_str(), "new-1");
        assert_eq!(w.token(), "new-1");
    }

    #[test]
    fn a_rejected_token_already_replaced_is_not_renewed_again() {
        let w = World::oauth2();
        w.cached("cached-2", 3000.0, false);
        let got = w.ask(&rejecting("cached-1")).unwrap();
        assert_eq!(
            (got.record.access_token.as_str(), got.source),
            ("cached-2", TokenSource::Cache)
        );
        // Replaced by another process while this one waited for the lock.
        w.cached("cached-1", 3000.0, false);
        *w.cache.meanwhile.borrow_mut() = Some((w.slot(), w.record("theirs-1", 3000.0, false)));
        let got = w.ask(&rejecting("cached-1")).unwrap();
        assert_eq!(got.record.access_token.as_str(), "theirs-1");
        assert!(w.script.paths().is_empty());
    }

    #[test]
    fn another_process_renewing_while_this_one_waited_means_no_request() {
        let w = World::oauth2();
        w.cached("stale-1", 10.0, false);
        *w.cache.meanwhile.borrow_mut() = Some((w.slot(), w.record("theirs-1", 3000.0, false)));
        let got = w.obtain(Mode::Auto).unwrap();
        assert_eq!(
            (got.record.access_token.as_str(), got.source),
            ("theirs-1", TokenSource::Cache)
        );
        assert!(w.script.paths().is_empty());
    }

    #[test]
    fn a_failure_met_by_the_process_waited_for_is_reported_without_a_request() {
        let w = World::oauth2();
        *w.cache.fails_meanwhile.borrow_mut() = Some(Failure {
            at: UnixTime::from_secs(NOW + 1.0).unwrap(),
            exit: 6,
            message: "oauth2 (https://o.test/token) answered HTTP 503".into(),
        });
        let err = w.obtain(Mode::Auto).unwrap_err();
        assert_eq!(err.exit(), Exit::Upstream);
        assert!(err.report().contains("HTTP 503") && err.report().contains("another authctl process"));
        assert!(w.script.paths().is_empty());
        // An explicit login tries for itself.
        *w.cache.fails_meanwhile.borrow_mut() = w.cache.failure.borrow().clone();
        w.script.then(200, granted("new-1", None));
        assert!(w.obtain(Mode::Login).is_ok());
    }

    #[test]
    fn a_failed_renewal_is_recorded_for_the_waiters_and_a_success_clears_it() {
        let w = World::oauth2();
        w.script.then(500, json!({"error": "down"}));
        assert!(w.obtain(Mode::Auto).is_err());
        let recorded = w.cache.failure.borrow().clone().expect("a failure recorded");
        assert_eq!(recorded.exit, 6);
        w.script.then(200, granted("new-1", None));
        w.obtain(Mode::Auto).unwrap();
        assert!(w.cache.failure.borrow().is_none());
    }

    /// Whether a renewal that fails as `setup` arranges leaves its failure on record for
    /// the waiters. An earlier failure on record never outlives it.
    fn shared_after(mode: Mode, setup: impl Fn(&World)) -> bool {
        let w = World::oauth2();
        *w.cache.failure.borrow_mut() = Some(Failure {
            at: UnixTime::from_secs(NOW - 60.0).unwrap(),
            exit: 6,
            message: "earlier".into(),
        });
        setup(&w);
        let err = w.obtain(mode).unwrap_err();
        let left = w.cache.failure.borrow().clone();
        match left {
            Some(f) => {
                assert_eq!((f.exit, f.message), (err.exit() as u8, err.report()));
                true
            }
            None => false,
        }
    }

    #[test]
    fn the_servers_answer_to_an_automatic_renewal_is_shared() {
        // A refusal of the secret from the environment, a server failing, a body that is
        // no answer: every process of the user would have met each.
        assert!(shared_after(Mode::Auto, |w| {
            w.script.then(401, json!({"error": "invalid_client"}));
        }));
        assert!(shared_after(Mode::Auto, |w| {
            w.script.then(429, json!({}));
        }));
        assert!(shared_after(Mode::Auto, |w| {
            w.script.then(200, json!({"token_type": "bearer"}));
        }));
        // A stored refresh token that fails is shared however this process would have
        // given the secret: it never asked for it.
        assert!(shared_after(Mode::Auto, |w| {
            w.secret.1.set(Gives::Stdin);
            w.cached("stale-1", 10.0, true);
            w.stored(RT, "rt-1");
            w.script.then_time_out();
        }));
    }

    #[test]
    fn a_holders_own_input_or_mode_is_never_shared() {
        // A secret typed on its stdin, refused.
        assert!(!shared_after(Mode::Auto, |w| {
            w.secret.1.set(Gives::Stdin);
            w.script.then(401, json!({"error": "invalid_client"}));
        }));
        // The same after its stored refresh token was refused.
        assert!(!shared_after(Mode::Auto, |w| {
            w.secret.1.set(Gives::Stdin);
            w.cached("stale-1", 10.0, true);
            w.stored(RT, "rt-1");
            w.script
                .then(400, json!({"error": "invalid_grant"}))
                .then(503, json!({}));
        }));
        // A secret it could not find or read.
        assert!(!shared_after(Mode::Auto, |w| w.secret.1.set(Gives::Nothing)));
        // A refresh-only command with no refresh token, or whose refresh token is refused.
        assert!(!shared_after(Mode::RefreshOnly, |_| {}));
        assert!(!shared_after(Mode::RefreshOnly, |w| {
            w.stored(RT, "rt-1");
            w.script.then(400, json!({"error": "invalid_grant"}));
        }));
        // A login or a forced refresh, even when the server is the one failing.
        for mode in [Mode::Login, Mode::ForceRefresh] {
            assert!(!shared_after(mode, |w| {
                w.script.then(500, json!({"error": "down"}));
            }));
        }
    }

    #[test]
    fn only_an_automatic_renewal_takes_a_shared_failure() {
        for mode in [Mode::ForceRefresh, Mode::Login, Mode::RefreshOnly] {
            let w = World::oauth2();
            w.stored(RT, "rt-1");
            *w.cache.fails_meanwhile.borrow_mut() = Some(Failure {
                at: UnixTime::from_secs(NOW + 1.0).unwrap(),
                exit: 6,
                message: "oauth2 (https://o.test/token) answered HTTP 503".into(),
            });
            w.script.then(200, granted("new-1", None));
            assert!(w.obtain(mode).is_ok());
            assert_eq!(w.script.paths().len(), 1, "it tried for itself");
        }
    }

    #[test]
    fn a_stored_refresh_token_goes_first_and_is_kept_when_not_rotated() {
        let w = World::oauth2();
        w.cached("stale-1", 10.0, true);
        w.stored(RT, "rt-1");
        w.script.then(200, granted("new-1", None));
        let got = w.obtain(Mode::Auto).unwrap();
        assert_eq!(w.script.field(0, "refresh_token").as_deref(), Some("rt-1"));
        assert_eq!(w.secret.0.get(), 0, "no secret needed");
        assert!(got.record.refreshable);
        assert_eq!(w.vault.holds(RT).as_deref(), Some("rt-1"));
    }

    #[test]
    fn a_new_refresh_token_replaces_the_old() {
        let w = World::oauth2();
        w.cached("stale-1", 10.0, true);
        w.stored(RT, "rt-1");
        w.script.then(200, granted("new-1", Some("rt-2")));
        w.obtain(Mode::Auto).unwrap();
        assert_eq!(w.vault.holds(RT).as_deref(), Some("rt-2"));
    }

    #[test]
    fn a_refused_refresh_token_falls_back_to_the_secret_and_goes_when_the_login_gives_none() {
        let w = World::oauth2();
        w.cached("stale-1", 10.0, true);
        w.stored(RT, "rt-1");
        w.script
            .then(400, json!({"error": "invalid_grant"}))
            .then(200, granted("new-1", None));
        let got = w.obtain(Mode::Auto).unwrap();
        assert_eq!(w.secret.0.get(), 1);
        assert_eq!(w.script.field(1, "client_secret").as_deref(), Some("unit-lifecycle-pw"));
        assert!(!got.record.refreshable);
        assert_eq!(w.vault.holds(RT), None);
    }

    #[test]
    fn a_failing_refresh_stops_and_keeps_the_refresh_token() {
        for fail in [Reply::Status(503, json!({"error": "busy"})), Reply::Timeout] {
            let w = World::oauth2();
            w.cached("stale-1", 10.0, true);
            w.stored(RT, "rt-1");
            match fail {
                Reply::Status(status, body) => w.script.then(status, body),
                Reply::Timeout => w.script.then_time_out(),
            };
            let err = w.obtain(Mode::Auto).unwrap_err();
            assert_eq!(err.exit(), Exit::Upstream);
            assert_eq!(w.secret.0.get(), 0, "no fallback to the secret");
            assert_eq!(w.vault.holds(RT).as_deref(), Some("rt-1"));
            assert_eq!(w.token(), "stale-1", "the cache is untouched");
        }
    }

    #[test]
    fn a_failed_login_after_a_refused_refresh_keeps_everything_as_it_was() {
        let w = World::oauth2();
        w.cached("stale-1", 10.0, true);
        w.stored(RT, "rt-1");
        w.script
            .then(401, json!({"error": "invalid_grant"}))
            .then(500, json!({"error": "down"}));
        assert!(w.obtain(Mode::Auto).is_err());
        assert_eq!(w.vault.holds(RT).as_deref(), Some("rt-1"));
    }

    #[test]
    fn refresh_only_never_asks_for_the_secret() {
        let w = World::oauth2();
        let err = w.obtain(Mode::RefreshOnly).unwrap_err();
        assert!(matches!(&err, Error::Refused(r) if matches!(**r, RefusalError::NoRefreshToken { .. })));
        w.stored(RT, "rt-1");
        w.script.then(400, json!({"error": "invalid_grant"}));
        let err = w.obtain(Mode::RefreshOnly).unwrap_err();
        assert!(matches!(&err, Error::Refused(r) if matches!(**r, RefusalError::RefreshTokenRefused { .. })));
        assert_eq!(w.secret.0.get(), 0);
    }

    #[test]
    fn login_skips_the_cache_and_the_stored_refresh_token() {
        let w = World::oauth2();
        w.cached("fresh-1", 3000.0, true);
        w.stored(RT, "rt-1");
        w.script.then(200, granted("new-1", Some("rt-2")));
        w.obtain(Mode::Login).unwrap();
        assert_eq!(w.script.field(0, "grant_type").as_deref(), Some("client_credentials"));
        assert_eq!(w.vault.holds(RT).as_deref(), Some("rt-2"));
    }

    #[test]
    fn force_refresh_skips_the_cached_token_but_uses_the_refresh_token() {
        let w = World::oauth2();
        w.cached("fresh-1", 3000.0, true);
        w.stored(RT, "rt-1");
        w.script.then(200, granted("new-1", None));
        w.obtain(Mode::ForceRefresh).unwrap();
        assert_eq!(w.script.field(0, "grant_type").as_deref(), Some("refresh_token"));
    }

    #[test]
    fn a_record_without_a_refresh_token_spares_the_credential_store() {
        let w = World::oauth2();
        w.cached("stale-1", 10.0, false);
        w.stored(RT, "rt-left-over");
        w.script.then(200, granted("new-1", None));
        w.obtain(Mode::Auto).unwrap();
        assert_eq!(w.script.field(0, "grant_type").as_deref(), Some("client_credentials"));
    }

    #[test]
    fn an_unsafe_access_token_is_neither_returned_nor_cached() {
        let w = World::oauth2();
        w.script.then(200, json!({"access_token": "evil\r\nX-Injected: 1"}));
        let err = w.obtain(Mode::Auto).unwrap_err();
        assert_eq!(err.exit(), Exit::Upstream);
        assert!(w.cache.records.borrow().is_empty());
    }

    #[test]
    fn an_unusable_refresh_token_is_not_kept_but_the_access_token_is_served() {
        let w = World::oauth2();
        w.script.then(200, granted("new-1", Some("bad\r\nrefresh")));
        let got = w.obtain(Mode::Auto).unwrap();
        assert_eq!(got.record.access_token.as_str(), "new-1");
        assert!(!got.record.refreshable);
        assert_eq!(w.vault.holds(RT), None);
    }

    #[test]
    fn an_unsafe_developer_token_is_refused_and_not_kept() {
        let w = World::midway();
        w.script.then(200, json!({"token": "dev token"}));
        assert_eq!(w.obtain(Mode::Auto).unwrap_err().exit(), Exit::Upstream);
        assert_eq!(w.vault.holds(DEV), None);
    }

    #[test]
    fn an_installation_token_is_bought_with_the_stored_developer_token() {
        let w = World::midway();
        w.stored(DEV, "dev-1");
        w.script.then(200, json!({"token": "inst-token-1"}));
        let got = w.obtain(Mode::Auto).unwrap();
        assert_eq!(w.script.paths(), ["/v1/Developer/Token"]);
        assert_eq!(w.script.sent.borrow()[0].bearer.as_deref(), Some("dev-1"));
        assert_eq!(w.script.field(0, "installationId").as_deref(), Some("inst-1"));
        assert!(got.record.refreshable);
        assert_eq!(w.secret.0.get(), 0);
    }

    #[test]
    fn a_refused_developer_token_means_one_new_login() {
        let w = World::midway();
        w.stored(DEV, "dev-old");
        w.script
            .then(403, json!({"message": "Developer token expired."}))
            .then(200, json!({"token": "dev-new"}))
            .then(200, json!({"token": "inst-token-1"}));
        w.obtain(Mode::Auto).unwrap();
        assert_eq!(
            w.script.paths(),
            ["/v1/Developer/Token", "/v1/Auth", "/v1/Developer/Token"]
        );
        assert_eq!(w.script.sent.borrow()[2].bearer.as_deref(), Some("dev-new"));
        assert_eq!(w.vault.holds(DEV).as_deref(), Some("dev-new"));
    }

    #[test]
    fn an_installation_refused_right_after_a_login_is_a_refusal_that_names_it() {
        let w = World::midway();
        w.script
            .then(200, json!({"token": "dev-new"}))
            .then(403, json!({"message": "Not an installation of your apps."}));
        let err = w.obtain(Mode::Auto).unwrap_err();
        assert_eq!(err.exit(), Exit::Rejected);
        assert!(err.report().contains("refused installation inst-1"), "{}", err.report());
        assert_eq!(
            w.vault.holds(DEV).as_deref(),
            Some("dev-new"),
            "the login itself succeeded"
        );
    }

    #[test]
    fn a_developer_token_whose_jwt_has_expired_is_not_tried() {
        use base64::Engine;
        let b64 = |v: Value| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string());
        let expired = format!(
            "{}.{}.sig",
            b64(json!({"alg": "HS256"})),
            b64(json!({"exp": NOW - 5.0}))
        );
        let w = World::midway();
        w.stored(DEV, &expired);
        w.script
            .then(200, json!({"token": "dev-new"}))
            .then(200, json!({"token": "inst-token-1"}));
        w.obtain(Mode::Auto).unwrap();
        assert_eq!(w.script.paths(), ["/v1/Auth", "/v1/Developer/Token"]);
    }

    #[test]
    fn a_midway_profile_without_an_installation_serves_the_cache_but_cannot_renew() {
        let w = World::new(
            "[profiles.mw]\nprovider = \"midway\"\nbase_url = \"https://mw.test\"\nclient_id = \"cid\"\n",
            "mw",
        );
        let browser_token = w.record("browser-1", 600.0, false);
        w.cache
            .records
            .borrow_mut()
            .insert(Slot::of(&w.profile, None), browser_token);
        assert_eq!(w.obtain(Mode::Auto).unwrap().record.access_token.as_str(), "browser-1");
        w.clock.0.set(NOW + 1000.0);
        assert_eq!(w.obtain(Mode::Auto).unwrap_err().exit(), Exit::Config);
        assert!(w.script.paths().is_empty());
    }
}

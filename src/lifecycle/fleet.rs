//! The fleet's turn (README "Many machines"): once the local cache has missed and this
//! machine's lock is held, a renewal asks the shared cache before the provider.
//!
//! 1. A sealed token there that opens, is this slot's and would be served from the local
//!    cache is served, and cached here.
//! 2. A failure of a fleet's renewal less than `FAILURE_WINDOW` old is reported without a
//!    request, so the fleet backs off together.
//! 3. Otherwise one machine takes the fleet's lock (set if absent, with a lease as long as
//!    a renewal may take; sealed, so a lock no member made is ignored) and renews, with the fleet's refresh token; its token, or its
//!    failure when waiters would share it (`shared`), goes to the shared cache, and it
//!    releases the lock (only its own: a compare-and-delete). The others poll for that
//!    token or failure, and renew on their own if neither comes within half that time.
//!
//! Only an automatic renewal of a profile whose tokens are its secret's alone
//! (`Provider::shareable`) joins, and only once the secret is found: its key opens the
//! entries. Redis absent, slow or refusing means the local way, said at `-v`.

use std::cell::{Cell, RefCell};
use std::time::{Duration, Instant};

use super::{Mode, Obtained, Run, Seams, TokenSource};
use crate::cache::{Failure, Record, Slot};
use crate::credentials::{CredentialKind, CredentialSlot, CredentialStore};
use crate::error::{Error, Exit, Result};
use crate::secret::{Origin, Secret, SecretError, SecretSource};
use crate::shared_cache::Store;
use crate::shared_cache::seal::Sealer;
use crate::time::UnixTime;
use crate::{debug, token};

/// How long a fleet's failure is reported instead of trying again.
pub(super) const FAILURE_WINDOW: Duration = Duration::from_secs(15);
/// A shared refresh token is dropped when no renewal has written it for this long.
const CREDENTIAL_LIFETIME: Duration = Duration::from_secs(30 * 24 * 3600);
const FIRST_POLL: Duration = Duration::from_millis(20);
const LONGEST_POLL: Duration = Duration::from_millis(250);
/// A failure stamped later than this ahead of the local clock is not believed.
const CLOCK_SKEW: f64 = 5.0;
const BY: &str = "another machine of the fleet";

/// The shared cache, for one slot, under the keys of one secret.
pub(super) struct Fleet<'a> {
    store: &'a dyn Store,
    tokens: Sealer,
    credentials: Sealer,
    /// The lock's value while this machine holds it: sealed, so none but a member of the
    /// fleet can make one, and unique (its nonce), so it names its owner.
    owner: RefCell<Vec<u8>>,
    locked: Cell<bool>,
}

/// What the fleet's lock holds, sealed: when its lease ends.
#[derive(serde::Serialize, serde::Deserialize)]
struct Lease {
    until: f64,
}

/// What the fleet had to say.
enum Turn {
    Served(Record),
    Failed(Error),
    Renew,
}

impl Run<'_> {
    /// Renews the token of `slot` with the fleet, when there is one to join; keeps the
    /// result here, and there.
    pub(super) fn renew_with_fleet(&self, slot: &Slot) -> Result<Obtained> {
        let secret = Remembered {
            source: self.seams.secret,
            found: RefCell::new(None),
        };
        let seams = Seams {
            secret: &secret,
            ..*self.seams
        };
        let run = Run { seams: &seams, ..*self };
        let fleet = run.fleet(slot, &secret)?;
        if let Some(fleet) = &fleet {
            match run.turn(fleet, slot) {
                Turn::Served(record) => {
                    run.write(slot, &record);
                    return Ok(Obtained {
                        record,
                        source: TokenSource::Shared,
                    });
                }
                Turn::Failed(e) => return Err(e),
                Turn::Renew => {}
            }
        }
        let shared = fleet.as_ref().map(|fleet| Credentials {
            local: seams.credentials,
            fleet,
        });
        let seams = Seams {
            credentials: shared.as_ref().map_or(seams.credentials, |s| s as &dyn CredentialStore),
            ..seams
        };
        let run = Run { seams: &seams, ..*self };
        let (renewed, secret_from) = run.renew(slot);
        let failure = run.failure_for_waiters(&renewed, secret_from.as_ref());
        self.seams.cache.set_failure(slot, failure.as_ref());
        if let Some(fleet) = &fleet {
            fleet.publish(slot, self.seams.clock.now(), renewed.as_ref().ok(), failure.as_ref());
        }
        let record = renewed?;
        run.write(slot, &record);
        Ok(Obtained {
            record,
            source: TokenSource::Network,
        })
    }

    /// The fleet this renewal joins: a shared cache configured, an automatic renewal, a
    /// shareable profile, its secret found.
    fn fleet<'s>(&'s self, slot: &Slot, secret: &Remembered) -> Result<Option<Fleet<'s>>> {
        if self.ask.mode != Mode::Auto || !self.seams.shared.configured()? {
            return Ok(None);
        }
        if !self.profile.provider().shareable() {
            debug!(
                1,
                "{}: a sign-in's or a public client's tokens are not shared with the fleet", self.profile.name
            );
            return Ok(None);
        }
        let Some(secret) = secret.found() else {
            debug!(1, "{}: no secret to open the shared cache with", self.profile.name);
            return Ok(None);
        };
        let credential = CredentialSlot::of(self.profile, CredentialKind::RefreshToken);
        Ok(Some(Fleet {
            store: self.seams.shared,
            tokens: Sealer::new(&secret, &slot.bound_to),
            credentials: Sealer::new(&secret, &credential.bound_to),
            owner: RefCell::new(Vec::new()),
            locked: Cell::new(false),
        }))
    }

    /// Asks the fleet until it has a token or a failure, or this machine holds its lock,
    /// or Redis stops answering, or half a renewal's time has passed: the other half is
    /// left for renewing here, within what this machine's own waiters wait.
    fn turn(&self, fleet: &Fleet, slot: &Slot) -> Turn {
        let deadline = Instant::now() + self.seams.patience / 2;
        let mut pause = FIRST_POLL;
        let mut judged = false;
        loop {
            if let Some(record) = self.shared_token(fleet, slot) {
                return Turn::Served(record);
            }
            if let Some(failure) = self.shared_fleet_failure(fleet) {
                return Turn::Failed(failure);
            }
            let now = self.seams.clock.now();
            match fleet.lock(self.seams.patience, now) {
                // Another machine may have written the token between the look and the lock.
                Some(true) => match self.shared_token(fleet, slot) {
                    Some(record) => {
                        fleet.unlock();
                        return Turn::Served(record);
                    }
                    None => return Turn::Renew,
                },
                // A lock no member made, or one whose lease has ended, holds no one back.
                Some(false) if !std::mem::replace(&mut judged, true) && fleet.foreign_lock(now) => {
                    debug!(
                        1,
                        "warning: {}: the fleet's lock does not open or its lease has ended; renewing here",
                        self.profile.name
                    );
                    return Turn::Renew;
                }
                Some(false) if Instant::now() + pause < deadline => {}
                Some(false) => {
                    debug!(
                        1,
                        "{}: the fleet's renewal took too long; renewing here", self.profile.name
                    );
                    return Turn::Renew;
                }
                None => return Turn::Renew,
            }
            std::thread::sleep(pause);
            pause = (pause * 2).min(LONGEST_POLL);
        }
    }

    /// The fleet's token, when it opens and would be served from this machine's cache.
    fn shared_token(&self, fleet: &Fleet, slot: &Slot) -> Option<Record> {
        let plain = fleet.read(&fleet.tokens, "token")?;
        let record: Record = serde_json::from_slice(&plain).ok().or_else(|| {
            debug!(
                1,
                "warning: {}: a shared token that opened is no record; ignored", slot.profile
            );
            None
        })?;
        let now = self.seams.clock.now();
        let servable = slot.admits(&record)
            && record.plausible()
            && record.obtained_at.secs() <= now.secs() + CLOCK_SKEW
            && record.servable(now, self.ask.min_ttl, self.profile.refresh_before);
        if servable {
            debug!(1, "{}: the fleet's token, from the shared cache", self.profile.name);
        }
        servable.then_some(record)
    }

    /// A failure of the fleet's renewal less than `FAILURE_WINDOW` old.
    fn shared_fleet_failure(&self, fleet: &Fleet) -> Option<Error> {
        let plain = fleet.read(&fleet.tokens, "failure")?;
        let failure: Failure = serde_json::from_slice(&plain).ok()?;
        let now = self.seams.clock.now().secs();
        let age = now - failure.at.secs();
        (-CLOCK_SKEW..FAILURE_WINDOW.as_secs_f64())
            .contains(&age)
            .then(|| Error::Shared {
                by: BY,
                profile: self.profile.name.clone(),
                exit: Exit::from_code(failure.exit),
                message: failure.message,
            })
    }
}

impl Fleet<'_> {
    /// The opened entry of `kind`; one that does not open is ignored (said at `-v`).
    fn read(&self, sealer: &Sealer, kind: &str) -> Option<zeroize::Zeroizing<Vec<u8>>> {
        let sealed = self.store.get(&sealer.name(kind))?;
        let plain = sealer.open(kind, &sealed);
        if plain.is_none() {
            debug!(
                1,
                "warning: the shared cache's {kind} entry does not open (altered, or sealed for another entry); ignored"
            );
        }
        plain
    }

    /// Whether the store took it.
    fn write(&self, sealer: &Sealer, kind: &str, plain: &[u8], ttl: Duration) -> bool {
        self.store.set(&sealer.name(kind), &sealer.seal(kind, plain), ttl)
    }

    /// `Some(true)` when this machine now holds the fleet's lock, until `now` + `lease`.
    fn lock(&self, lease: Duration, now: UnixTime) -> Option<bool> {
        let until = Lease {
            until: now.secs() + lease.as_secs_f64(),
        };
        let value = self.tokens.seal("lock", &serde_json::to_vec(&until).ok()?);
        let taken = self.store.set_absent(&self.tokens.name("lock"), &value, lease)?;
        if taken {
            self.owner.replace(value);
        }
        self.locked.set(taken);
        Some(taken)
    }

    /// True when the lock in the way is none of the fleet's: it does not open, or the
    /// lease it states has ended (an old lock put back).
    fn foreign_lock(&self, now: UnixTime) -> bool {
        let Some(sealed) = self.store.get(&self.tokens.name("lock")) else {
            return false;
        };
        let lease = self.tokens.open("lock", &sealed);
        let lease = lease.and_then(|plain| serde_json::from_slice::<Lease>(&plain).ok());
        lease.is_none_or(|lease| lease.until + CLOCK_SKEW < now.secs())
    }

    fn unlock(&self) {
        if self.locked.replace(false) {
            self.store.delete_if(&self.tokens.name("lock"), &self.owner.borrow());
        }
    }

    /// Writes what a renewal came to: its token, or its failure when waiters share it;
    /// then releases the lock.
    fn publish(&self, slot: &Slot, now: UnixTime, record: Option<&Record>, failure: Option<&Failure>) {
        if let Some(record) = record {
            let ttl = now.until(record.expires_at).unwrap_or_default();
            let written = serde_json::to_vec(record)
                .map(zeroize::Zeroizing::new)
                .is_ok_and(|plain| self.write(&self.tokens, "token", &plain, ttl));
            self.store.delete(&self.tokens.name("failure"));
            if written {
                debug!(1, "{}: the new token is in the shared cache", slot.profile);
            }
        } else if let Some(failure) = failure
            && let Ok(plain) = serde_json::to_vec(failure)
        {
            self.write(&self.tokens, "failure", &plain, FAILURE_WINDOW);
        }
        self.unlock();
    }
}

impl Drop for Fleet<'_> {
    fn drop(&mut self) {
        self.unlock();
    }
}

/// The local credential store, with the fleet's refresh (or developer) token first: a
/// rotation by any machine is the fleet's.
struct Credentials<'a> {
    local: &'a dyn CredentialStore,
    fleet: &'a Fleet<'a>,
}

fn kind_name(kind: CredentialKind) -> &'static str {
    match kind {
        CredentialKind::RefreshToken => "refresh_token",
        CredentialKind::DeveloperToken => "developer_token",
    }
}

impl CredentialStore for Credentials<'_> {
    fn read(&self, slot: &CredentialSlot) -> Option<Secret> {
        let shared = self
            .fleet
            .read(&self.fleet.credentials, kind_name(slot.kind))
            .and_then(|plain| String::from_utf8(plain.to_vec()).ok())
            .filter(|value| match slot.kind {
                // Held to the rules a fresh one must pass: it goes where they go.
                CredentialKind::RefreshToken => token::check_refresh_token(value).is_ok(),
                CredentialKind::DeveloperToken => token::check_bearer(value).is_ok(),
            });
        match shared {
            Some(value) => {
                debug!(1, "{}: the fleet's {}", slot.profile, slot.kind);
                Some(Secret::new(value))
            }
            None => self.local.read(slot),
        }
    }

    fn store(&self, slot: &CredentialSlot, value: &Secret) -> Result<bool, crate::cache::CacheError> {
        let kind = kind_name(slot.kind);
        (self.fleet).write(
            &self.fleet.credentials,
            kind,
            value.expose().as_bytes(),
            CREDENTIAL_LIFETIME,
        );
        self.local.store(slot, value)
    }

    fn forget(&self, slot: &CredentialSlot) {
        self.fleet
            .store
            .delete(&self.fleet.credentials.name(kind_name(slot.kind)));
        self.local.forget(slot);
    }

    fn kept(&self, slot: &CredentialSlot) -> bool {
        self.local.kept(slot)
    }
}

/// The secret, looked up once for the fleet's keys and the renewal both (a
/// `--secret-stdin` line can be read only once; a keyring or `secret_command` costs).
struct Remembered<'a> {
    source: &'a dyn SecretSource,
    found: RefCell<Option<Result<(Secret, Origin), SecretError>>>,
}

impl Remembered<'_> {
    /// The secret, if the lookup finds one; a failed lookup is kept for the renewal to
    /// report as it would have.
    fn found(&self) -> Option<Secret> {
        let mut found = self.found.borrow_mut();
        let result = found.get_or_insert_with(|| self.source.secret());
        result.as_ref().ok().map(|(secret, _)| secret.clone())
    }
}

impl SecretSource for Remembered<'_> {
    fn secret(&self) -> Result<(Secret, Origin), SecretError> {
        let mut found = self.found.borrow_mut();
        match found.take() {
            Some(Ok(hit)) => {
                *found = Some(Ok(hit.clone()));
                Ok(hit)
            }
            Some(Err(e)) => Err(e),
            None => {
                let result = self.source.secret();
                if let Ok(hit) = &result {
                    *found = Some(Ok(hit.clone()));
                }
                result
            }
        }
    }

    fn run(&self, key: &'static str, argv: &[String]) -> Result<Secret, SecretError> {
        self.source.run(key, argv)
    }

    fn secret_envs(&self) -> Vec<String> {
        self.source.secret_envs()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::config::ConfigError;
    use crate::providers::{Fingerprint, Kind};

    /// Keys and values in memory; expiries are not kept.
    #[derive(Default)]
    struct Keys(RefCell<HashMap<String, Vec<u8>>>);

    impl Store for Keys {
        fn configured(&self) -> std::result::Result<bool, ConfigError> {
            Ok(true)
        }
        fn get(&self, key: &str) -> Option<Vec<u8>> {
            self.0.borrow().get(key).cloned()
        }
        fn set(&self, key: &str, value: &[u8], _: Duration) -> bool {
            self.0.borrow_mut().insert(key.into(), value.into());
            true
        }
        fn set_absent(&self, key: &str, value: &[u8], ttl: Duration) -> Option<bool> {
            let absent = !self.0.borrow().contains_key(key);
            Some(absent && self.set(key, value, ttl))
        }
        fn delete(&self, key: &str) {
            self.0.borrow_mut().remove(key);
        }
        fn delete_if(&self, key: &str, value: &[u8]) {
            if self.get(key).as_deref() == Some(value) {
                self.delete(key);
            }
        }
    }

    fn fleet(store: &Keys) -> Fleet<'_> {
        let fp = Fingerprint::of(Kind::Oauth2, &[("client_id", "cid".into())], None, None);
        let secret = Secret::new("unit-fleet-secret".into());
        Fleet {
            store,
            tokens: Sealer::new(&secret, &fp),
            credentials: Sealer::new(&secret, &fp),
            owner: RefCell::new(Vec::new()),
            locked: Cell::new(false),
        }
    }

    fn at(secs: f64) -> UnixTime {
        UnixTime::from_secs(secs).unwrap()
    }

    const LEASE: Duration = Duration::from_secs(60);

    #[test]
    fn a_members_lock_holds_the_others_back_until_its_lease_ends() {
        let store = Keys::default();
        let (holder, other) = (fleet(&store), fleet(&store));
        assert_eq!(holder.lock(LEASE, at(1000.0)), Some(true));
        assert_eq!(other.lock(LEASE, at(1001.0)), Some(false));
        assert!(!other.foreign_lock(at(1001.0)));
        // Put back after its lease: an old lock holds no one back.
        assert!(other.foreign_lock(at(1000.0 + 60.0 + CLOCK_SKEW + 1.0)));
    }

    #[test]
    fn a_lock_no_member_made_holds_no_one_back() {
        let store = Keys::default();
        let other = fleet(&store);
        store.set(&other.tokens.name("lock"), b"an operator's", LEASE);
        assert!(other.foreign_lock(at(1000.0)));
        // Nor one sealed by another secret, put under this fleet's name.
        let stranger = Sealer::new(
            &Secret::new("another-secret".into()),
            &Fingerprint::of(Kind::Oauth2, &[("client_id", "cid".into())], None, None),
        );
        let sealed = stranger.seal("lock", br#"{"until": 99999999999.0}"#);
        store.set(&other.tokens.name("lock"), &sealed, LEASE);
        assert!(other.foreign_lock(at(1000.0)));
    }

    #[test]
    fn only_the_holder_releases_the_lock() {
        let store = Keys::default();
        let (first, second) = (fleet(&store), fleet(&store));
        assert_eq!(first.lock(LEASE, at(1000.0)), Some(true));
        // Its lease ran out and another took the lock: the first's release leaves it.
        store.delete(&first.tokens.name("lock"));
        assert_eq!(second.lock(LEASE, at(1070.0)), Some(true));
        first.unlock();
        assert_eq!(store.0.borrow().len(), 1, "the second's lock stays");
        second.unlock();
        assert!(store.0.borrow().is_empty());
    }
}

//! Long-lived credentials — refresh tokens and MidwayPlus developer tokens — and where
//! they live: the OS keyring when one is reachable (service `authctl`, user
//! `NAME/refresh_token/FP` or `NAME/developer_token/FP`, FP the settings fingerprint),
//! else a private file in the cache directory (`NAME=FP+credential.json`), with a notice
//! at `-v`. Every keyring user written for a profile name is listed in `NAME=keyring.json`
//! (the keyring cannot be searched the same way on every system), so `logout` finds those
//! of settings no longer in the config. What earlier versions kept under the name alone
//! (`NAME/refresh_token`, `NAME+credential.json`) is taken over when first read under
//! matching settings. `Credentials` owns reading, storing and forgetting them; the
//! lifecycle sees it as a `CredentialStore`.

use std::fmt;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::cache::{Cache, CacheError, names};
use crate::config::Profile;
use crate::debug;
use crate::keyring;
use crate::providers::{Fingerprint, Kind};
use crate::secret::Secret;

const FORMAT: u32 = 2;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CredentialKind {
    /// Buys a new access token of a direct flow.
    RefreshToken,
    /// Buys MidwayPlus installation tokens.
    DeveloperToken,
}

impl fmt::Display for CredentialKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CredentialKind::RefreshToken => "refresh token",
            CredentialKind::DeveloperToken => "developer token",
        })
    }
}

/// Which credential: a profile's, of a provider, of a kind.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CredentialSlot {
    pub profile: String,
    pub provider: Kind,
    pub kind: CredentialKind,
    /// The settings it must have been fetched with to be used.
    pub bound_to: Fingerprint,
    /// `bound_to` as versions before `ca_file` joined it computed it: only for taking
    /// over what they kept under the profile's name alone.
    pub legacy: Fingerprint,
}

impl CredentialSlot {
    pub fn of(profile: &Profile, kind: CredentialKind) -> CredentialSlot {
        CredentialSlot {
            profile: profile.name.clone(),
            provider: profile.kind(),
            kind,
            bound_to: names::fingerprint(profile, None),
            legacy: profile.settings.fingerprint(None),
        }
    }

    /// The keyring user it is kept under: `NAME/KIND/FP`.
    pub fn keyring_user(&self) -> String {
        format!("{}/{}", legacy_user(&self.profile, self.kind), self.bound_to.as_str())
    }
}

/// The keyring user earlier versions kept the credential under: `NAME/KIND`.
pub fn legacy_user(profile: &str, kind: CredentialKind) -> String {
    match kind {
        CredentialKind::RefreshToken => format!("{profile}/refresh_token"),
        CredentialKind::DeveloperToken => format!("{profile}/developer_token"),
    }
}

/// What the lifecycle needs of a credential store.
pub trait CredentialStore {
    /// The credential in `slot`, if one is kept and can be used.
    fn read(&self, slot: &CredentialSlot) -> Option<Secret>;
    /// Keeps `value` in `slot`; `Ok(false)` when it is kept nowhere (`--no-cache`).
    fn store(&self, slot: &CredentialSlot, value: &Secret) -> Result<bool, CacheError>;
    /// Drops what `slot` holds, wherever it is.
    fn forget(&self, slot: &CredentialSlot);
    /// True when a credential is kept for `slot`; unlike `read`, it takes nothing over,
    /// so it needs no lock (`status`).
    fn kept(&self, slot: &CredentialSlot) -> bool {
        self.read(slot).is_some()
    }
}

/// A credential as it is kept, in the keyring and on disk alike.
#[derive(Serialize, Deserialize)]
struct Envelope {
    format: u32,
    provider: Kind,
    kind: CredentialKind,
    bound_to: Fingerprint,
    value: Zeroizing<String>,
}

/// The keyring, else files in the cache directory.
pub struct Credentials {
    cache: Cache,
    keyring: bool,
}

/// Where an earlier version kept a credential.
enum Legacy {
    File(PathBuf),
    Keyring,
}

impl Credentials {
    pub fn new(cache: Cache) -> Credentials {
        Credentials { cache, keyring: true }
    }

    /// Files only, never the keyring: for the demo, which must leave the user's keyring
    /// alone.
    pub fn files_only(cache: Cache) -> Credentials {
        Credentials { cache, keyring: false }
    }

    fn file(&self, slot: &CredentialSlot) -> PathBuf {
        let key = names::key(&slot.profile, &slot.bound_to);
        self.cache.dir().join(format!("{key}+credential.json"))
    }

    /// The envelope's value when it is of the slot's provider and kind and was fetched
    /// with the settings `bound_to`.
    fn open(slot: &CredentialSlot, envelope: Envelope, bound_to: &Fingerprint, place: &str) -> Option<Secret> {
        let value = Secret::new(envelope.value.to_string());
        if envelope.format != FORMAT || envelope.provider != slot.provider || envelope.kind != slot.kind {
            debug!(
                1,
                "warning: ignoring the {} of {} in {place}: it is of another kind", slot.kind, slot.profile
            );
            return None;
        }
        if envelope.bound_to != *bound_to {
            debug!(
                1,
                "{}: ignoring the stored {} in {place}: it was fetched with other settings (URL, client, user or CA)",
                slot.profile,
                slot.kind
            );
            return None;
        }
        Some(value)
    }

    fn in_keyring(&self, slot: &CredentialSlot, user: &str, bound_to: &Fingerprint) -> Option<Secret> {
        match keyring::get(user) {
            Ok(Some(text)) => match serde_json::from_str::<Envelope>(&text) {
                Ok(envelope) => Self::open(slot, envelope, bound_to, "the OS keyring"),
                Err(_) => {
                    debug!(
                        1,
                        "warning: ignoring an unreadable {} of {} in the OS keyring", slot.kind, slot.profile
                    );
                    None
                }
            },
            Ok(None) => None,
            Err(e) => {
                debug!(
                    1,
                    "{}: cannot read the {}: {}",
                    slot.profile,
                    slot.kind,
                    crate::log::chain(&e)
                );
                None
            }
        }
    }

    /// The credential where this version keeps it.
    fn current(&self, slot: &CredentialSlot) -> Option<Secret> {
        let file = self.file(slot);
        match self.cache.read_json::<Envelope>(&file) {
            Some(envelope) => Self::open(slot, envelope, &slot.bound_to, &file.display().to_string()),
            None if self.keyring => self.in_keyring(slot, &slot.keyring_user(), &slot.bound_to),
            None => None,
        }
    }

    /// The credential an earlier version kept under the profile's name alone, when it
    /// was fetched with the present settings (as that version fingerprinted them).
    fn legacy(&self, slot: &CredentialSlot) -> Option<(Secret, Legacy)> {
        let file = self.cache.dir().join(format!("{}+credential.json", slot.profile));
        if let Some(envelope) = self.cache.read_json::<Envelope>(&file) {
            let place = file.display().to_string();
            return Self::open(slot, envelope, &slot.legacy, &place).map(|v| (v, Legacy::File(file)));
        }
        let user = legacy_user(&slot.profile, slot.kind);
        self.keyring
            .then(|| self.in_keyring(slot, &user, &slot.legacy))
            .flatten()
            .map(|v| (v, Legacy::Keyring))
    }

    /// Moves an earlier version's credential to where this version keeps it. The caller
    /// holds the profile's lock.
    fn take_over(&self, slot: &CredentialSlot) -> Option<Secret> {
        let (value, place) = self.legacy(slot)?;
        if let Err(e) = self.store(slot, &value) {
            debug!(
                1,
                "{}: cannot move the {} of an earlier version: {}",
                slot.profile,
                slot.kind,
                crate::log::chain(&e)
            );
            return Some(value);
        }
        let _ = match place {
            Legacy::File(file) => self.cache.remove(&file).is_ok(),
            Legacy::Keyring => keyring::delete(&legacy_user(&slot.profile, slot.kind)).is_ok(),
        };
        debug!(1, "{}: took over the {} of an earlier version", slot.profile, slot.kind);
        Some(value)
    }

    fn index_file(&self, profile: &str) -> PathBuf {
        self.cache.dir().join(names::keyring_index(profile))
    }

    /// The keyring users written for the profile name, as listed in its index. An index
    /// that is not private (a `chmod` by hand) is still read: it can only name keyring
    /// entries of this profile, and one not read would be overwritten and its entries
    /// outlive `logout`.
    fn indexed(&self, profile: &str) -> Vec<String> {
        let path = self.index_file(profile);
        let users: Vec<String> = self
            .cache
            .read_json(&path)
            .or_else(|| read_any_json(&path))
            .unwrap_or_default();
        let own = format!("{profile}/");
        users.into_iter().filter(|u| u.starts_with(&own)).collect()
    }

    /// Lists `user` in the profile's index before anything is kept under it.
    fn index(&self, profile: &str, user: &str) {
        let mut users = self.indexed(profile);
        if users.iter().any(|u| u == user) {
            return;
        }
        users.push(user.to_string());
        if let Err(e) = self.cache.write_json(&self.index_file(profile), &users) {
            debug!(1, "warning: {}", crate::log::chain(&e));
        }
    }

    /// Deletes every keyring entry of the profile name whatever the settings: those of
    /// its index, of earlier versions, and of `present` (the profile's present settings,
    /// when it has some). Returns how many there were. The caller holds the lock.
    pub fn forget_all(&self, profile: &str, present: Option<&Profile>) -> usize {
        if !self.keyring {
            return 0;
        }
        let kinds = [CredentialKind::RefreshToken, CredentialKind::DeveloperToken];
        let mut users = self.indexed(profile);
        users.extend(kinds.map(|kind| legacy_user(profile, kind)));
        if let Some(p) = present {
            users.extend(kinds.map(|kind| CredentialSlot::of(p, kind).keyring_user()));
        }
        users.sort();
        users.dedup();
        let mut removed = 0;
        for user in users {
            match keyring::delete(&user) {
                Ok(deleted) => removed += usize::from(deleted),
                Err(e) => debug!(
                    1,
                    "{profile}: cannot delete {user} from the keyring: {}",
                    crate::log::chain(&e)
                ),
            }
        }
        removed
    }
}

impl CredentialStore for Credentials {
    fn read(&self, slot: &CredentialSlot) -> Option<Secret> {
        self.current(slot).or_else(|| self.take_over(slot))
    }

    fn kept(&self, slot: &CredentialSlot) -> bool {
        self.current(slot).is_some() || self.legacy(slot).is_some()
    }

    fn store(&self, slot: &CredentialSlot, value: &Secret) -> Result<bool, CacheError> {
        let envelope = Envelope {
            format: FORMAT,
            provider: slot.provider,
            kind: slot.kind,
            bound_to: slot.bound_to.clone(),
            value: Zeroizing::new(value.expose().to_string()),
        };
        let text = Zeroizing::new(serde_json::to_string(&envelope).expect("an envelope serializes"));
        if !self.keyring {
            self.cache.write_atomic(&self.file(slot), text.as_bytes())?;
            return Ok(true);
        }
        let user = slot.keyring_user();
        self.index(&slot.profile, &user);
        match keyring::set(&user, &text) {
            Ok(()) => {
                self.cache.remove(&self.file(slot))?;
                Ok(true)
            }
            Err(e) => {
                // Unreachable, or the value is too long for it (the Windows Credential
                // Manager holds 2560 bytes): a private file, and no older value left behind.
                debug!(
                    1,
                    "notice: {}; keeping the {} of {} in a private cache file instead",
                    crate::log::chain(&e),
                    slot.kind,
                    slot.profile
                );
                self.cache.write_atomic(&self.file(slot), text.as_bytes())?;
                let _ = keyring::delete(&user);
                Ok(true)
            }
        }
    }

    fn forget(&self, slot: &CredentialSlot) {
        let _ = self.cache.remove(&self.file(slot));
        if self.keyring {
            let _ = keyring::delete(&slot.keyring_user());
        }
    }
}

/// A small JSON file that is a regular file (not a link), whoever may read it.
fn read_any_json<T: serde::de::DeserializeOwned>(path: &std::path::Path) -> Option<T> {
    use std::io::Read;
    let file = crate::platform::open_no_follow(path).ok()?;
    if !file.metadata().ok()?.is_file() {
        return None;
    }
    let mut bytes = Vec::new();
    file.take(1024 * 1024).read_to_end(&mut bytes).ok()?;
    serde_json::from_slice(&bytes).ok()
}

//! Long-lived credentials — refresh tokens and MidwayPlus developer tokens — and where
//! they live: the OS keyring when one is reachable (service `authctl`, user
//! `PROFILE/refresh_token` or `PROFILE/developer_token`), else a private file in the cache
//! directory (`PROFILE+credential.json`), with a notice at `-v`. `Credentials` owns
//! reading, storing and forgetting them; the lifecycle sees it as a `CredentialStore`.

use std::fmt;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::cache::{Cache, CacheError};
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
}

impl CredentialSlot {
    /// The keyring user it is kept under.
    pub fn keyring_user(&self) -> String {
        keyring_user(&self.profile, self.kind)
    }
}

pub fn keyring_user(profile: &str, kind: CredentialKind) -> String {
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
        self.cache.dir().join(format!("{}+credential.json", slot.profile))
    }

    /// The envelope's value when it is what `slot` expects.
    fn open(slot: &CredentialSlot, envelope: Envelope, place: &str) -> Option<Secret> {
        let value = Secret::new(envelope.value.to_string());
        if envelope.format != FORMAT || envelope.provider != slot.provider || envelope.kind != slot.kind {
            debug!(
                1,
                "warning: ignoring the {} of {} in {place}: it is of another kind", slot.kind, slot.profile
            );
            return None;
        }
        if envelope.bound_to != slot.bound_to {
            debug!(
                1,
                "{}: ignoring the stored {}: it was fetched with other settings (URL, client or user)",
                slot.profile,
                slot.kind
            );
            return None;
        }
        Some(value)
    }

    fn in_keyring(&self, slot: &CredentialSlot) -> Option<Secret> {
        match keyring::get(&slot.keyring_user()) {
            Ok(Some(text)) => match serde_json::from_str::<Envelope>(&text) {
                Ok(envelope) => Self::open(slot, envelope, "the OS keyring"),
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
}

impl CredentialStore for Credentials {
    fn read(&self, slot: &CredentialSlot) -> Option<Secret> {
        let file = self.file(slot);
        match self.cache.read_json::<Envelope>(&file) {
            Some(envelope) => Self::open(slot, envelope, &file.display().to_string()),
            None if self.keyring => self.in_keyring(slot),
            None => None,
        }
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
        match keyring::set(&slot.keyring_user(), &text) {
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
                let _ = keyring::delete(&slot.keyring_user());
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

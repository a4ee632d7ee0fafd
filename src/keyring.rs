//! The OS keyring (the Secret Service on Linux, the Keychain on macOS, the Credential
//! Manager on Windows, through the `keyring` crate), service `authctl`. Profiles' secrets
//! live under the profile name; long-lived credentials under `PROFILE/refresh_token/FP`
//! and `PROFILE/developer_token/FP`, FP their settings fingerprint (profile names cannot
//! hold `/`; see `credentials`).

use std::fmt;

use zeroize::Zeroizing;

pub const SERVICE: &str = "authctl";

/// Why the keyring could not be used. The cause is the keyring's own error, or, for a
/// store that never started, its start-up error.
#[derive(Debug, thiserror::Error)]
pub enum KeyringError {
    #[error("the OS keyring is not reachable ({})", crate::platform::KEYRING_HINT)]
    Unreachable(#[source] Cause),
    #[error("the OS keyring failed")]
    Failed(#[source] Cause),
}

#[derive(Debug)]
pub enum Cause {
    Now(keyring::Error),
    AtStartup(&'static keyring::Error),
}

impl fmt::Display for Cause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cause::Now(e) => e.fmt(f),
            Cause::AtStartup(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for Cause {}

impl From<keyring::Error> for KeyringError {
    fn from(e: keyring::Error) -> KeyringError {
        let startup = match (&e, keyring::Entry::store_status()) {
            (keyring::Error::NoDefaultStore, Err(init)) => Some(init),
            _ => None,
        };
        let cause = match startup {
            Some(init) => Cause::AtStartup(init),
            None => Cause::Now(e),
        };
        let unreachable = matches!(
            &cause,
            Cause::AtStartup(_)
                | Cause::Now(
                    keyring::Error::NoDefaultStore
                        | keyring::Error::PlatformFailure(_)
                        | keyring::Error::NoStorageAccess(_)
                )
        );
        if unreachable {
            KeyringError::Unreachable(cause)
        } else {
            KeyringError::Failed(cause)
        }
    }
}

fn entry(user: &str) -> Result<keyring::Entry, KeyringError> {
    Ok(keyring::Entry::new(SERVICE, user)?)
}

/// `Ok(None)` when nothing is stored under `user`.
pub fn get(user: &str) -> Result<Option<Zeroizing<String>>, KeyringError> {
    match entry(user)?.get_password() {
        Ok(s) => Ok(Some(Zeroizing::new(s))),
        Err(keyring::Error::NoEntry) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

pub fn set(user: &str, value: &str) -> Result<(), KeyringError> {
    Ok(entry(user)?.set_password(value)?)
}

/// True when something was deleted.
pub fn delete(user: &str) -> Result<bool, KeyringError> {
    match entry(user)?.delete_credential() {
        Ok(()) => Ok(true),
        Err(keyring::Error::NoEntry) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

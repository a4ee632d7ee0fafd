//! The OS keyring (the Secret Service on Linux, the Keychain on macOS, the Credential
//! Manager on Windows, through the `keyring` crate), service `authctl`. Profiles' secrets
//! live under the profile name; long-lived credentials under `PROFILE/refresh_token/FP`
//! and `PROFILE/developer_token/FP`, FP their settings fingerprint (profile names cannot
//! hold `/`; see `credentials`).
//!
//! Every call is bounded: a session bus that takes the connection and never answers (a
//! wedged desktop session, a stale `DBUS_SESSION_BUS_ADDRESS` in tmux or over SSH) would
//! otherwise hang authctl for good. Calls run on a helper thread against a budget shared
//! by the whole process, `BUDGET` in all; once one has run out of it, the keyring counts
//! as unreachable and later calls fail at once.

use std::fmt;
use std::sync::mpsc;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

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
    #[error("the OS keyring did not answer within {}s ({NO_ANSWER_HINT})", BUDGET.as_secs())]
    NoAnswer,
}

#[cfg(all(unix, not(target_os = "macos")))]
const NO_ANSWER_HINT: &str = "is DBUS_SESSION_BUS_ADDRESS stale, as it can be in tmux or over SSH? unset it or restart the session's Secret Service";
#[cfg(not(all(unix, not(target_os = "macos"))))]
const NO_ANSWER_HINT: &str = crate::platform::KEYRING_HINT;

/// How long one process may wait for the keyring, all its calls together.
pub const BUDGET: Duration = Duration::from_secs(10);

/// The keyring wait used so far, and whether a call has run out of `BUDGET`.
struct Spent {
    waited: Duration,
    gave_up: bool,
}

static SPENT: Mutex<Spent> = Mutex::new(Spent {
    waited: Duration::ZERO,
    gave_up: false,
});

/// Runs `call` on a helper thread and waits for it no longer than what is left of the
/// budget. A call that does not finish is left behind (it holds nothing of ours); the
/// process exits without waiting for it.
fn bounded<T: Send + 'static>(
    call: impl FnOnce() -> Result<T, KeyringError> + Send + 'static,
) -> Result<T, KeyringError> {
    let left = {
        let spent = SPENT.lock().unwrap_or_else(PoisonError::into_inner);
        if spent.gave_up {
            return Err(KeyringError::NoAnswer);
        }
        BUDGET.saturating_sub(spent.waited)
    };
    let (tx, rx) = mpsc::channel();
    let started = Instant::now();
    let spawned = std::thread::Builder::new().name("keyring".into()).spawn(move || {
        let _ = tx.send(call());
    });
    if spawned.is_err() {
        return Err(KeyringError::NoAnswer);
    }
    let answer = rx.recv_timeout(left);
    let mut spent = SPENT.lock().unwrap_or_else(PoisonError::into_inner);
    spent.waited += started.elapsed();
    match answer {
        Ok(result) => result,
        Err(_) => {
            spent.gave_up = true;
            crate::debug!(1, "the OS keyring did not answer; not asking it again");
            Err(KeyringError::NoAnswer)
        }
    }
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
    let user = user.to_string();
    bounded(move || match entry(&user)?.get_password() {
        Ok(s) => Ok(Some(Zeroizing::new(s))),
        Err(keyring::Error::NoEntry) => Ok(None),
        Err(e) => Err(e.into()),
    })
}

pub fn set(user: &str, value: &str) -> Result<(), KeyringError> {
    let (user, value) = (user.to_string(), Zeroizing::new(value.to_string()));
    bounded(move || Ok(entry(&user)?.set_password(&value)?))
}

/// True when something was deleted.
pub fn delete(user: &str) -> Result<bool, KeyringError> {
    let user = user.to_string();
    bounded(move || match entry(&user)?.delete_credential() {
        Ok(()) => Ok(true),
        Err(keyring::Error::NoEntry) => Ok(false),
        Err(e) => Err(e.into()),
    })
}

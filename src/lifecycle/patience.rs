//! How long a process waits for another's renewal of the same profile (the profile's
//! lock): long enough for that renewal to end one way or another.

use std::time::Duration;

use crate::config::Profile;

/// How long a renewal may take, and so how long to wait for another process's: a
/// refresh and a login, each up to three attempts of `timeout`, the pauses between, and
/// a `secret_command` of up to `timeout`.
pub fn lock_patience(timeout: Duration) -> Duration {
    timeout.saturating_mul(7).saturating_add(Duration::from_secs(3))
}

/// How long a person may take over a browser or device sign-in that another process
/// waits for: the browser's 5 minutes, and the 15 minutes a device code commonly lives.
pub const SIGN_IN_PATIENCE: Duration = Duration::from_secs(15 * 60);

/// `lock_patience` for `profile`: a profile whose renewal may be a person signing in
/// waits that long besides, so a second `authctl token` outlasts the first one's sign-in.
pub fn profile_patience(profile: &Profile, timeout: Duration) -> Duration {
    let patience = lock_patience(timeout);
    match profile.signs_a_person_in() {
        true => patience.saturating_add(SIGN_IN_PATIENCE),
        false => patience,
    }
}

//! What the cache directory holds, by name. A profile's files are found by its name and
//! settings fingerprint (as kubelogin keys its cache): `NAME=FP…`, where FP is the
//! fingerprint's 16 hex digits. `=` cannot occur in a profile name, so no file of one
//! profile is ever taken for another's, and `NAME=` prefixes every file of a name.
//!
//! | file                          | holds                                                  |
//! |-------------------------------|--------------------------------------------------------|
//! | `NAME=FP.json`                | the access token record                                |
//! | `NAME=FP@INST.json`           | the record of a MidwayPlus installation                |
//! | `NAME=FP+credential.json`     | the refresh or developer token, when no keyring is reachable |
//! | `NAME=FP+metadata.json`       | the OAuth server metadata found by discovery (24 h)    |
//! | `NAME=FP.failed` (`@INST`)    | the last failed renewal, for the processes waiting on it |
//! | `NAME=keyring.json`           | the keyring users ever written for the name, for `logout` |
//! | `NAME.lock`                   | the lock, one per name whatever the settings; its holder's PID |
//! | `clock.state`                 | the last server `Date` seen, for `doctor`              |
//! | `.FILE.tmpXXXXXX`             | a temp file on its way to becoming FILE                |
//!
//! Earlier versions kept `NAME.json`, `NAME@INST.json`, `NAME+credential.json` and
//! `NAME.failed`; the first renewal under matching settings takes them over.

use crate::config::Profile;
use crate::providers::{Fingerprint, Kind};

use super::Record;

/// The fingerprint of a profile's settings: provider, identity settings, installation
/// and `ca_file`. A token or credential fetched under another is never used.
pub fn fingerprint(profile: &Profile, installation: Option<&str>) -> Fingerprint {
    Fingerprint::of(
        profile.kind(),
        &profile.provider().identity(),
        installation,
        profile.ca_file.as_deref(),
    )
}

/// `NAME=FP`: what every file of a profile under these settings starts with.
pub fn key(profile: &str, fingerprint: &Fingerprint) -> String {
    format!("{profile}={}", fingerprint.as_str())
}

/// `NAME=keyring.json`: the keyring users written for the profile name.
pub fn keyring_index(profile: &str) -> String {
    format!("{profile}=keyring.json")
}

/// Where an access token is cached and what a record there must be to be served: the
/// profile's, or a MidwayPlus installation's, of this provider and these settings.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Slot {
    pub profile: String,
    pub installation: Option<String>,
    pub provider: Kind,
    /// The settings a record here was fetched with.
    pub bound_to: Fingerprint,
    /// `bound_to` as versions before `ca_file` joined it computed it: only for taking
    /// over a record they kept under the profile's name alone.
    pub legacy: Fingerprint,
}

impl Slot {
    pub fn of(profile: &Profile, installation: Option<&str>) -> Slot {
        Slot {
            profile: profile.name.clone(),
            installation: installation.map(str::to_string),
            provider: profile.kind(),
            bound_to: fingerprint(profile, installation),
            legacy: profile.settings.fingerprint(installation),
        }
    }

    /// True when `record` may be served from this slot: of its provider, fetched with
    /// its settings.
    pub fn admits(&self, record: &Record) -> bool {
        record.provider == self.provider && record.bound_to == self.bound_to
    }

    /// `NAME=FP` or `NAME=FP@INST`.
    pub(super) fn stem(&self) -> String {
        key(&self.profile, &self.bound_to) + &self.installation_part()
    }

    /// What earlier versions called it: `NAME` or `NAME@INST`.
    pub(super) fn legacy_stem(&self) -> String {
        self.profile.clone() + &self.installation_part()
    }

    /// Installation IDs keep only file-safe characters (the fingerprint, which holds the
    /// whole ID, tells apart two that differ only in others).
    fn installation_part(&self) -> String {
        match &self.installation {
            None => String::new(),
            Some(id) => {
                let safe: String = id
                    .chars()
                    .map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '_' })
                    .collect();
                format!("@{safe}")
            }
        }
    }
}

/// What a file of the cache directory is, for `logout` and the sweep of temp files.
#[derive(Debug, PartialEq, Eq)]
pub enum Entry<'a> {
    /// A temp file of the profile named (`None`: of a version that named none).
    Temp(Option<&'a str>),
    /// A record or credential of the profile named, current or earlier.
    Stored(&'a str),
    /// Bookkeeping of the profile named: a failure record, the keyring index.
    Bookkeeping(&'a str),
    /// A lock, or anything else.
    Other,
}

/// Reads a file name of the cache directory.
pub fn entry(name: &str) -> Entry<'_> {
    if name.starts_with('.') {
        let Some(at) = name.rfind(".tmp") else {
            return Entry::Other;
        };
        // Earlier versions' temp files were `.tmpXXXXXX`: no target, no profile.
        let target = name.get(1..at).unwrap_or("");
        return Entry::Temp(target.split_once('=').map(|(profile, _)| profile));
    }
    if let Some((profile, rest)) = name.split_once('=') {
        return match rest.ends_with(".failed") || rest == "keyring.json" {
            true => Entry::Bookkeeping(profile),
            false => Entry::Stored(profile),
        };
    }
    if let Some(profile) = name.strip_suffix(".failed") {
        return Entry::Bookkeeping(profile);
    }
    let Some(stem) = name.strip_suffix(".json") else {
        return Entry::Other;
    };
    let profile = match (stem.split_once('@'), stem.strip_suffix("+credential")) {
        (Some((profile, _)), _) | (None, Some(profile)) => profile,
        (None, None) => stem,
    };
    Entry::Stored(profile)
}

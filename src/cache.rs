//! Token records on disk: one JSON file per profile (and per MidwayPlus installation) in
//! a 0700 directory, files 0600, written atomically; a lock file per profile so that
//! concurrent processes share one upstream request. Reading a fresh record is the hot
//! path: one small file read and a JSON parse, nothing else.

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::PathBuf;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::debug;
use crate::error::{self, Result};

const FORMAT: u32 = 1;

/// Where the refresh credential of a record is kept.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case", tag = "in", content = "value")]
pub enum RefreshStore {
    /// In the OS keyring, user `PROFILE/refresh_token`.
    Keyring,
    /// In this file (0600), because no keyring was reachable when it was stored.
    File(String),
    /// In the profile's credential file (0600, `PROFILE+credential.json`), shared by its
    /// scoped tokens, because no keyring was reachable when it was stored.
    CredentialFile,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Record {
    pub format: u32,
    pub provider: String,
    pub access_token: String,
    pub token_type: String,
    /// Unix seconds when authctl received the token.
    pub obtained_at: f64,
    /// Unix seconds when the token ends.
    pub expires_at: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh: Option<RefreshStore>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub password_expired: bool,
}

pub fn now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

impl Record {
    /// Seconds of life left at `now`.
    pub fn remaining(&self, now: f64) -> f64 {
        self.expires_at - now
    }

    /// The serve-or-renew rule: serve while the life left exceeds the larger of `min_ttl`
    /// and the margin, where the margin is `refresh_before` capped at half the token's
    /// whole lifetime (so a 2-minute token is not refetched on every call).
    pub fn servable(&self, now: f64, min_ttl: Duration, refresh_before: Duration) -> bool {
        let lifetime = (self.expires_at - self.obtained_at).max(0.0);
        let margin = refresh_before.as_secs_f64().min(lifetime / 2.0);
        self.remaining(now) > margin.max(min_ttl.as_secs_f64())
    }
}

/// The cache directory: `$AUTHCTL_CACHE_DIR`, else the platform cache dir.
pub fn dir() -> Result<PathBuf> {
    if let Some(p) = std::env::var_os("AUTHCTL_CACHE_DIR").filter(|v| !v.is_empty()) {
        return Ok(PathBuf::from(p));
    }
    directories::ProjectDirs::from("", "", "authctl")
        .map(|d| d.cache_dir().to_path_buf())
        .ok_or_else(|| error::config("cannot find a home directory for the token cache; set AUTHCTL_CACHE_DIR"))
}

/// A cache slot of a profile.
#[derive(Debug, Clone)]
pub struct Key {
    profile: String,
    slot: Slot,
}

#[derive(Debug, Clone)]
enum Slot {
    /// The profile's access token.
    Token,
    /// The access token of one sub-account (a MidwayPlus installation).
    Scoped(String),
    /// A long-lived credential shared by the profile's scoped tokens (MidwayPlus'
    /// developer token), when no keyring is reachable.
    Credential,
}

impl Key {
    pub fn profile(name: &str) -> Key {
        Key {
            profile: name.to_string(),
            slot: Slot::Token,
        }
    }

    pub fn scoped(name: &str, id: &str) -> Key {
        Key {
            profile: name.to_string(),
            slot: Slot::Scoped(id.to_string()),
        }
    }

    pub fn credential(name: &str) -> Key {
        Key {
            profile: name.to_string(),
            slot: Slot::Credential,
        }
    }

    /// File stem: profile names are already file-safe (config checks them); scope IDs
    /// keep only file-safe characters. `@` and `+` cannot occur in a profile name, so no
    /// two slots of different profiles share a file.
    fn stem(&self) -> String {
        match &self.slot {
            Slot::Token => self.profile.clone(),
            Slot::Scoped(id) => {
                let safe: String = id
                    .chars()
                    .map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '_' })
                    .collect();
                format!("{}@{safe}", self.profile)
            }
            Slot::Credential => format!("{}+credential", self.profile),
        }
    }
}

/// A long-lived credential kept on disk because no keyring was reachable.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Credential {
    pub format: u32,
    pub provider: String,
    pub value: String,
    pub obtained_at: f64,
}

pub struct Cache {
    dir: PathBuf,
}

impl Cache {
    pub fn open() -> Result<Cache> {
        Ok(Cache { dir: dir()? })
    }

    pub fn at(dir: PathBuf) -> Cache {
        Cache { dir }
    }

    pub fn path(&self, key: &Key) -> PathBuf {
        self.dir.join(format!("{}.json", key.stem()))
    }

    /// The record, or `None` when there is none or it cannot be used (then it is
    /// replaced by the next write).
    pub fn read(&self, key: &Key) -> Option<Record> {
        let record = self.read_json::<Record>(key)?;
        self.usable(key, record.format == FORMAT && record.expires_at.is_finite())
            .then_some(record)
    }

    /// The long-lived credential kept in the profile's credential file, if any.
    pub fn read_credential(&self, profile: &str) -> Option<Credential> {
        let key = Key::credential(profile);
        let credential = self.read_json::<Credential>(&key)?;
        self.usable(&key, credential.format == FORMAT).then_some(credential)
    }

    fn usable(&self, key: &Key, ok: bool) -> bool {
        if !ok {
            debug!(
                1,
                "warning: ignoring cache entry {} of another format",
                self.path(key).display()
            );
        }
        ok
    }

    fn read_json<T: serde::de::DeserializeOwned>(&self, key: &Key) -> Option<T> {
        let path = self.path(key);
        let bytes = match fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
            Err(e) => {
                debug!(1, "warning: ignoring unreadable cache entry {}: {e}", path.display());
                return None;
            }
        };
        serde_json::from_slice(&bytes)
            .map_err(|e| debug!(1, "warning: ignoring corrupt cache entry {}: {e}", path.display()))
            .ok()
    }

    /// Creates the directory if needed and makes sure it is 0700 whatever the umask.
    fn ensure_dir(&self) -> Result<()> {
        fs::create_dir_all(&self.dir)
            .map_err(|e| anyhow::anyhow!("cannot create cache directory {}: {e}", self.dir.display()))?;
        let mode = fs::metadata(&self.dir)?.permissions().mode() & 0o777;
        if mode != 0o700 {
            fs::set_permissions(&self.dir, fs::Permissions::from_mode(0o700))
                .map_err(|e| anyhow::anyhow!("cannot make cache directory {} private: {e}", self.dir.display()))?;
        }
        Ok(())
    }

    pub fn write(&self, key: &Key, record: &Record) -> Result<()> {
        self.write_json(key, record)
    }

    pub fn write_credential(&self, profile: &str, value: &str, provider: &str) -> Result<()> {
        let credential = Credential {
            format: FORMAT,
            provider: provider.to_string(),
            value: value.to_string(),
            obtained_at: now(),
        };
        self.write_json(&Key::credential(profile), &credential)
    }

    /// Removes a slot's file; a missing one is fine.
    pub fn remove(&self, key: &Key) -> Result<()> {
        match fs::remove_file(self.path(key)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e.into()),
            _ => Ok(()),
        }
    }

    /// Writes atomically: a 0600 temp file in the same directory, synced, then renamed
    /// over the old one. A reader sees the old content or the new, never half.
    fn write_json(&self, key: &Key, value: &impl Serialize) -> Result<()> {
        self.ensure_dir()?;
        let path = self.path(key);
        let tmp = self.dir.join(format!(".{}.{}.tmp", key.stem(), std::process::id()));
        let result = (|| -> std::io::Result<()> {
            let mut f = OpenOptions::new()
                .write(true)
                .create(true)
                .truncate(true)
                .mode(0o600)
                .open(&tmp)?;
            // `mode` only applies on creation; a leftover temp file keeps its old mode.
            f.set_permissions(fs::Permissions::from_mode(0o600))?;
            f.write_all(&serde_json::to_vec(value).map_err(std::io::Error::other)?)?;
            f.sync_all()?;
            fs::rename(&tmp, &path)
        })();
        if let Err(e) = result {
            let _ = fs::remove_file(&tmp);
            return Err(anyhow::anyhow!("cannot write cache entry {}: {e}", path.display()).into());
        }
        debug!(2, "cached token in {}", path.display());
        Ok(())
    }

    /// Every file of a profile: its token, its scoped tokens, its credential.
    pub fn entries_of(&self, profile: &str) -> Vec<PathBuf> {
        let Ok(dir) = fs::read_dir(&self.dir) else {
            return Vec::new();
        };
        dir.filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.extension().is_some_and(|x| x == "json")
                    && p.file_stem().and_then(|s| s.to_str()).is_some_and(|s| {
                        s == profile || s.strip_prefix(profile).is_some_and(|rest| rest.starts_with(['@', '+']))
                    })
            })
            .collect()
    }

    /// Takes the profile's lock, waiting for another process that holds it. While held,
    /// this process alone talks to the provider for the profile; the others wait and then
    /// find its token in the cache.
    pub fn lock(&self, profile: &str) -> Result<Lock> {
        self.ensure_dir()?;
        let path = self.dir.join(format!("{profile}.lock"));
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .mode(0o600)
            .open(&path)
            .map_err(|e| anyhow::anyhow!("cannot open lock file {}: {e}", path.display()))?;
        if file.try_lock().is_err() {
            debug!(1, "waiting for another authctl process renewing {profile}");
            file.lock()
                .map_err(|e| anyhow::anyhow!("cannot lock {}: {e}", path.display()))?;
        }
        Ok(Lock { _file: file })
    }
}

/// Held while renewing; the OS releases it when the file closes, even on a crash.
pub struct Lock {
    _file: File,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(obtained_at: f64, expires_at: f64) -> Record {
        Record {
            format: FORMAT,
            provider: "midigator".into(),
            access_token: "t".into(),
            token_type: "Bearer".into(),
            obtained_at,
            expires_at,
            refresh: None,
            password_expired: false,
        }
    }

    const S: fn(u64) -> Duration = Duration::from_secs;

    #[test]
    fn served_while_life_left_exceeds_refresh_before() {
        let r = record(0.0, 3600.0);
        assert!(r.servable(3000.0, S(0), S(60)));
        assert!(r.servable(3539.0, S(0), S(60)));
        assert!(!r.servable(3540.0, S(0), S(60)));
        assert!(!r.servable(4000.0, S(0), S(60)));
    }

    #[test]
    fn margin_is_capped_at_half_the_lifetime() {
        // A 2-minute token with refresh_before = 5m is served for its first minute.
        let r = record(0.0, 120.0);
        assert!(r.servable(10.0, S(0), S(300)));
        assert!(r.servable(59.0, S(0), S(300)));
        assert!(!r.servable(60.0, S(0), S(300)));
    }

    #[test]
    fn min_ttl_wins_when_larger_than_the_margin() {
        let r = record(0.0, 3600.0);
        assert!(!r.servable(2000.0, S(1800), S(60)));
        assert!(r.servable(1000.0, S(1800), S(60)));
    }

    #[test]
    fn write_is_private_and_read_back() {
        let tmp = std::env::temp_dir().join(format!("authctl-cache-unit-{}", std::process::id()));
        let cache = Cache::at(tmp.join("c"));
        let key = Key::profile("mg");
        cache.write(&key, &record(1.0, 2.0)).unwrap();
        assert_eq!(fs::metadata(tmp.join("c")).unwrap().permissions().mode() & 0o777, 0o700);
        assert_eq!(
            fs::metadata(cache.path(&key)).unwrap().permissions().mode() & 0o777,
            0o600
        );
        assert_eq!(cache.read(&key).unwrap().expires_at, 2.0);
        fs::write(cache.path(&key), b"{not json").unwrap();
        assert!(cache.read(&key).is_none());
        let _ = fs::remove_dir_all(tmp);
    }

    #[test]
    fn slot_stems_are_file_safe_and_distinct() {
        assert_eq!(Key::scoped("mw", "3fa8/../x").stem(), "mw@3fa8____x");
        assert_eq!(Key::credential("mw").stem(), "mw+credential");
        assert_eq!(Key::profile("mw").stem(), "mw");
    }
}

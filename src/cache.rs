//! Token records on disk, and every rule about them: when a new token ends (`expiry`),
//! when a cached one is served (`Record::servable`), where records live (one JSON file per
//! profile, and per MidwayPlus installation, in a private directory), how they are written
//! (atomically) and the per-profile lock that lets concurrent processes share one upstream
//! request. Reading a fresh record is the hot path: one small file read and a JSON parse.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::debug;
use crate::exit::Exit;
use crate::jwt;
use crate::providers::{Grant, Kind};
use crate::time::UnixTime;
use crate::token::AccessToken;

/// The record layout; a record of another format is ignored and replaced.
const FORMAT: u32 = 2;

#[derive(Debug, thiserror::Error)]
pub enum CacheError {
    #[error("cannot find a home directory for the token cache; set AUTHCTL_CACHE_DIR")]
    NoHome,
    #[error("cannot create cache directory {}", path.display())]
    CreateDir {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot write cache entry {}", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot lock {}", path.display())]
    Lock {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot remove {}", path.display())]
    Remove {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl CacheError {
    pub fn exit(&self) -> Exit {
        match self {
            CacheError::NoHome => Exit::Config,
            _ => Exit::Failure,
        }
    }
}

/// A cached access token and what authctl knows about it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    pub provider: Kind,
    pub access_token: AccessToken,
    pub token_type: String,
    /// When authctl received the token.
    pub obtained_at: UnixTime,
    /// When the token ends.
    pub expires_at: UnixTime,
    /// A refresh token or developer token is stored that can renew it.
    #[serde(default)]
    pub refreshable: bool,
    /// Nugios said the account's password has expired.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub password_expired: bool,
}

/// A record as it is on disk.
#[derive(Serialize, Deserialize)]
struct Stored {
    format: u32,
    #[serde(flatten)]
    record: Record,
}

impl Record {
    /// The serve-or-renew rule: serve while the life left exceeds the larger of `min_ttl`
    /// and the margin, where the margin is `refresh_before` capped at half the token's
    /// whole lifetime (so a 2-minute token is not refetched on every call).
    pub fn servable(&self, now: UnixTime, min_ttl: Duration, refresh_before: Duration) -> bool {
        let lifetime = self.obtained_at.until(self.expires_at).unwrap_or_default();
        let margin = refresh_before.min(lifetime / 2).max(min_ttl);
        now.until(self.expires_at).is_some_and(|left| left > margin)
    }
}

/// When a new token ends, first that applies: the JWT's `exp`, the answer's `expires_in`,
/// an absolute expiry the answer states, the provider's documented lifetime, and
/// otherwise the profile's `default_ttl`.
pub fn expiry(token: &AccessToken, grant: &Grant, now: UnixTime, default_ttl: Duration) -> UnixTime {
    let from_now = |d: Duration| now.after(d);
    jwt::decode(token.as_str())
        .and_then(|d| d.exp())
        .or_else(|| {
            grant
                .expires_in
                .filter(|s| s.is_finite() && *s > 0.0)
                .and_then(|s| from_now(Duration::try_from_secs_f64(s).ok()?))
        })
        .or(grant.expires_at)
        .or_else(|| grant.documented_lifetime.and_then(from_now))
        .or_else(|| from_now(default_ttl))
        .unwrap_or(now)
}

/// The cache directory: `$AUTHCTL_CACHE_DIR`, else the platform cache dir.
pub fn dir() -> Result<PathBuf, CacheError> {
    if let Some(p) = std::env::var_os("AUTHCTL_CACHE_DIR").filter(|v| !v.is_empty()) {
        return Ok(PathBuf::from(p));
    }
    directories::ProjectDirs::from("", "", "authctl")
        .map(|d| d.cache_dir().to_path_buf())
        .ok_or(CacheError::NoHome)
}

/// Where an access token is cached: per profile, or per MidwayPlus installation.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Slot {
    pub profile: String,
    pub installation: Option<String>,
}

impl Slot {
    pub fn profile(name: &str) -> Slot {
        Slot {
            profile: name.to_string(),
            installation: None,
        }
    }

    /// File stem: profile names are already file-safe (config checks them); installation
    /// IDs keep only file-safe characters. `@` and `+` cannot occur in a profile name, so
    /// no two slots of different profiles share a file.
    fn stem(&self) -> String {
        match &self.installation {
            None => self.profile.clone(),
            Some(id) => {
                let safe: String = id
                    .chars()
                    .map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '_' })
                    .collect();
                format!("{}@{safe}", self.profile)
            }
        }
    }
}

/// Held while renewing; the OS releases it when the file closes, even on a crash.
pub struct Lock {
    _file: Option<fs::File>,
}

impl Lock {
    /// A lock that locks nothing, for `--no-cache` and tests.
    pub fn none() -> Lock {
        Lock { _file: None }
    }
}

/// What the lifecycle needs of a token cache.
pub trait TokenCache {
    /// The record in `slot`, or `None` when there is none or it cannot be used.
    fn read(&self, slot: &Slot) -> Option<Record>;
    fn write(&self, slot: &Slot, record: &Record) -> Result<(), CacheError>;
    /// Takes the profile's lock, waiting while another process holds it.
    fn lock(&self, profile: &str) -> Result<Lock, CacheError>;
}

/// The cache directory on disk.
#[derive(Debug, Clone)]
pub struct Cache {
    dir: PathBuf,
}

impl Cache {
    pub fn open() -> Result<Cache, CacheError> {
        Ok(Cache { dir: dir()? })
    }

    pub fn at(dir: PathBuf) -> Cache {
        Cache { dir }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn path(&self, slot: &Slot) -> PathBuf {
        self.dir.join(format!("{}.json", slot.stem()))
    }

    /// Creates the directory if needed, private to the user.
    pub fn ensure_dir(&self) -> Result<(), CacheError> {
        crate::platform::make_private_dir(&self.dir).map_err(|source| CacheError::CreateDir {
            path: self.dir.clone(),
            source,
        })
    }

    /// A JSON file of the cache, or `None` (with a warning at `-v`) when it is missing,
    /// unreadable or not what `T` expects.
    pub fn read_json<T: serde::de::DeserializeOwned>(&self, path: &Path) -> Option<T> {
        let bytes = match fs::read(path) {
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

    pub fn write_json(&self, path: &Path, value: &impl Serialize) -> Result<(), CacheError> {
        let bytes = zeroize::Zeroizing::new(serde_json::to_vec(value).expect("cache entries serialize"));
        self.write_atomic(path, &bytes)
    }

    /// Writes atomically: a private temp file in the same directory, synced, then renamed
    /// over the old one. A reader sees the old content or the new, never half.
    pub fn write_atomic(&self, path: &Path, bytes: &[u8]) -> Result<(), CacheError> {
        self.ensure_dir()?;
        let tmp = self.dir.join(format!(
            ".{}.{}.tmp",
            path.file_name().and_then(|n| n.to_str()).unwrap_or("entry"),
            std::process::id()
        ));
        let _ = fs::remove_file(&tmp);
        let result = (|| -> std::io::Result<()> {
            let mut f = crate::platform::create_private(&tmp)?;
            f.write_all(bytes)?;
            f.sync_all()?;
            fs::rename(&tmp, path)
        })();
        if let Err(source) = result {
            let _ = fs::remove_file(&tmp);
            return Err(CacheError::Write {
                path: path.to_path_buf(),
                source,
            });
        }
        debug!(2, "cached in {}", path.display());
        Ok(())
    }

    /// Removes a file of the cache; a missing one is fine.
    pub fn remove(&self, path: &Path) -> Result<(), CacheError> {
        match fs::remove_file(path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(CacheError::Remove {
                path: path.to_path_buf(),
                source: e,
            }),
            _ => Ok(()),
        }
    }

    /// Every file of a profile: its token, its installations' tokens, its credential.
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
}

impl TokenCache for Cache {
    fn read(&self, slot: &Slot) -> Option<Record> {
        let path = self.path(slot);
        let stored: Stored = self.read_json(&path)?;
        if stored.format != FORMAT {
            debug!(1, "warning: ignoring cache entry {} of another format", path.display());
            return None;
        }
        Some(stored.record)
    }

    fn write(&self, slot: &Slot, record: &Record) -> Result<(), CacheError> {
        let stored = Stored {
            format: FORMAT,
            record: record.clone(),
        };
        self.write_json(&self.path(slot), &stored)
    }

    /// While held, this process alone talks to the provider for the profile; the others
    /// wait and then find its token in the cache.
    fn lock(&self, profile: &str) -> Result<Lock, CacheError> {
        self.ensure_dir()?;
        let path = self.dir.join(format!("{profile}.lock"));
        let lock_error = |source| CacheError::Lock {
            path: path.clone(),
            source,
        };
        let file = crate::platform::open_private(&path).map_err(lock_error)?;
        if file.try_lock().is_err() {
            debug!(1, "waiting for another authctl process renewing {profile}");
            file.lock().map_err(lock_error)?;
        }
        Ok(Lock { _file: Some(file) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: f64) -> UnixTime {
        UnixTime::from_secs(secs).unwrap()
    }

    fn record(obtained_at: f64, expires_at: f64) -> Record {
        Record {
            provider: Kind::Midigator,
            access_token: AccessToken::parse("t".into()).unwrap(),
            token_type: "Bearer".into(),
            obtained_at: at(obtained_at),
            expires_at: at(expires_at),
            refreshable: false,
            password_expired: false,
        }
    }

    const S: fn(u64) -> Duration = Duration::from_secs;

    #[test]
    fn served_while_life_left_exceeds_refresh_before() {
        let r = record(10_000.0, 13_600.0);
        assert!(r.servable(at(13_000.0), S(0), S(60)));
        assert!(r.servable(at(13_539.0), S(0), S(60)));
        assert!(!r.servable(at(13_540.0), S(0), S(60)));
        assert!(!r.servable(at(14_000.0), S(0), S(60)));
    }

    #[test]
    fn margin_is_capped_at_half_the_lifetime() {
        // A 2-minute token with refresh_before = 5m is served for its first minute.
        let r = record(10_000.0, 10_120.0);
        assert!(r.servable(at(10_010.0), S(0), S(300)));
        assert!(r.servable(at(10_059.0), S(0), S(300)));
        assert!(!r.servable(at(10_060.0), S(0), S(300)));
    }

    #[test]
    fn min_ttl_wins_when_larger_than_the_margin() {
        let r = record(10_000.0, 13_600.0);
        assert!(!r.servable(at(12_000.0), S(1800), S(60)));
        assert!(r.servable(at(11_000.0), S(1800), S(60)));
    }

    #[test]
    fn expiry_takes_the_first_hint_that_applies() {
        let now = at(1_000_000.0);
        let opaque = AccessToken::parse("opaque".into()).unwrap();
        let ttl = S(900);
        let grant = |expires_in, expires_at, documented| Grant {
            expires_in,
            expires_at,
            documented_lifetime: documented,
            ..Grant::default()
        };
        assert_eq!(
            expiry(&opaque, &grant(Some(60.0), Some(at(5e6)), None), now, ttl),
            at(1_000_060.0)
        );
        assert_eq!(
            expiry(&opaque, &grant(None, Some(at(5e6)), Some(S(5))), now, ttl),
            at(5e6)
        );
        assert_eq!(
            expiry(&opaque, &grant(None, None, Some(S(5))), now, ttl),
            at(1_000_005.0)
        );
        assert_eq!(
            expiry(&opaque, &grant(Some(-1.0), None, None), now, ttl),
            at(1_000_900.0)
        );
    }

    #[test]
    fn write_is_private_and_read_back() {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tempfile::tempdir().unwrap();
        let cache = Cache::at(tmp.path().join("c"));
        let slot = Slot::profile("mg");
        cache.write(&slot, &record(1.0, 2.0)).unwrap();
        assert_eq!(
            fs::metadata(tmp.path().join("c")).unwrap().permissions().mode() & 0o777,
            0o700
        );
        assert_eq!(
            fs::metadata(cache.path(&slot)).unwrap().permissions().mode() & 0o777,
            0o600
        );
        assert_eq!(cache.read(&slot).unwrap().expires_at, at(2.0));
        fs::write(cache.path(&slot), b"{not json").unwrap();
        assert!(cache.read(&slot).is_none());
    }

    #[test]
    fn slot_stems_are_file_safe_and_distinct() {
        let installation = |id: &str| Slot {
            profile: "mw".into(),
            installation: Some(id.into()),
        };
        assert_eq!(installation("3fa8/../x").stem(), "mw@3fa8____x");
        assert_eq!(Slot::profile("mw").stem(), "mw");
    }
}

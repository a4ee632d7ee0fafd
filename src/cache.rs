//! Token records on disk, and every rule about them: when a new token ends (`expiry`),
//! which record may be served (`TokenCache::read`: the slot's provider and settings, and
//! `Record::servable`), where records live (`names`: one JSON file per profile name and
//! settings fingerprint, and per MidwayPlus installation, in a directory only the user
//! can write), how they are written (atomically, through an unpredictable temp file) and
//! read (never through a link, only if private to the user), and the per-profile lock that
//! lets concurrent processes share one upstream request — and its failure. Reading a
//! fresh record is the hot path: one stat, one small file read and a JSON parse.

mod files;
pub mod names;

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::debug;
use crate::exit::Exit;
use crate::jwt;
use crate::platform::{self, Untrusted};
use crate::providers::{Fingerprint, Grant, Kind};
use crate::time::UnixTime;
use crate::token::{AccessToken, TokenType};
pub use names::Slot;

/// The last server `Date` seen and the local time then (`http::ServerClock`), written
/// after renewals for `doctor`. Named so that it is no profile's (see `names`).
pub const CLOCK_FILE: &str = "clock.state";

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
    #[error(
        "refusing the token cache {}: {why}; point AUTHCTL_CACHE_DIR at a directory only you can write, or let authctl create one",
        path.display()
    )]
    Untrusted { path: PathBuf, why: Untrusted },
    #[error("cannot use the token cache {}", path.display())]
    Inaccessible {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "{} has been renewing the token of {profile} for {}; gave up waiting{}",
        holder.map_or("another authctl process".into(), |pid| format!("authctl process {pid}")),
        whole_seconds(*waited),
        holder.map_or(String::new(), |pid| format!("; if it is stuck, end process {pid} and try again"))
    )]
    LockTimeout {
        profile: String,
        waited: Duration,
        /// The PID the holder wrote into the lock file, when it could be read.
        holder: Option<u32>,
    },
}

impl CacheError {
    pub fn exit(&self) -> Exit {
        match self {
            CacheError::NoHome | CacheError::Untrusted { .. } => Exit::Config,
            CacheError::LockTimeout { .. } => Exit::Upstream,
            _ => Exit::Failure,
        }
    }
}

/// A cached access token and what authctl knows about it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    pub provider: Kind,
    /// The settings it was fetched with; under other settings it is never served.
    pub bound_to: Fingerprint,
    pub access_token: AccessToken,
    pub token_type: TokenType,
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
    /// OpenID Connect: the ID token that came with it (records before it have none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_token: Option<AccessToken>,
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
        let margin = self.margin(refresh_before).max(min_ttl);
        now.until(self.expires_at).is_some_and(|left| left > margin)
    }

    /// When the token stops being served and is renewed instead (with no `--min-ttl`).
    pub fn renew_at(&self, refresh_before: Duration) -> UnixTime {
        let margin = self.margin(refresh_before).as_secs_f64();
        UnixTime::from_secs(self.expires_at.secs() - margin).unwrap_or(self.obtained_at)
    }

    /// Whether the record's times are ones a fresh answer could have given: a lifetime
    /// between nothing and ten years, ending no later than its JWT's `exp`. For records
    /// that come from elsewhere (the fleet's shared cache).
    pub fn plausible(&self) -> bool {
        let lifetime = self.obtained_at.until(self.expires_at);
        let within_exp = jwt::decode(self.access_token.as_str())
            .and_then(|d| d.exp())
            .is_none_or(|exp| self.expires_at.secs() <= exp.secs() + 1.0);
        lifetime.is_some_and(|l| !l.is_zero() && l <= MAX_LIFETIME) && within_exp
    }

    fn margin(&self, refresh_before: Duration) -> Duration {
        let lifetime = self.obtained_at.until(self.expires_at).unwrap_or_default();
        refresh_before.min(lifetime / 2)
    }
}

/// The longest lifetime authctl believes; a longer one from any source counts as absent.
const MAX_LIFETIME: Duration = Duration::from_secs(10 * 366 * 24 * 3600);

/// A freshly issued token whose JWT says it has already ended.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AlreadyExpired {
    pub exp: UnixTime,
}

/// When a new token ends, first that applies: the JWT's `exp`, the answer's `expires_in`,
/// an absolute expiry the answer states, the provider's documented lifetime, and
/// otherwise the profile's `default_ttl`. A source whose lifetime is not finite, not
/// positive, or over ten years counts as absent (said at `-v`); a JWT that has already
/// ended is refused, since a clock is wrong somewhere.
pub fn expiry(
    token: &AccessToken,
    grant: &Grant,
    now: UnixTime,
    default_ttl: Duration,
) -> Result<UnixTime, AlreadyExpired> {
    let exp = jwt::decode(token.as_str()).and_then(|d| d.exp());
    if let Some(exp) = exp
        && exp <= now
    {
        return Err(AlreadyExpired { exp });
    }
    let from_now = |d: Duration| now.after(d);
    let expires_in = grant
        .expires_in
        .and_then(|s| Duration::try_from_secs_f64(s).ok())
        .and_then(from_now);
    let candidates = [
        ("the JWT's exp", exp),
        ("expires_in", expires_in),
        ("the stated expiry", grant.expires_at),
        ("the documented lifetime", grant.documented_lifetime.and_then(from_now)),
    ];
    let plausible = |(what, at): (&str, Option<UnixTime>)| {
        let at = at?;
        match now.until(at) {
            Some(life) if life <= MAX_LIFETIME => Some(at),
            _ => {
                debug!(
                    1,
                    "warning: ignoring {what} of the new token: it is not a lifetime between now and ten years"
                );
                None
            }
        }
    };
    let claimed = grant.expires_in.is_some() && expires_in.is_none();
    if claimed {
        debug!(
            1,
            "warning: ignoring expires_in {:?} of the new token", grant.expires_in
        );
    }
    Ok(candidates
        .into_iter()
        .find_map(plausible)
        .or_else(|| from_now(default_ttl))
        .unwrap_or(now))
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

/// Held while renewing; the OS releases it when the file closes, even on a crash.
pub struct Lock {
    _file: Option<fs::File>,
    waited: bool,
}

impl Lock {
    /// A lock that locks nothing, for `--no-cache` and tests.
    pub fn none() -> Lock {
        Lock {
            _file: None,
            waited: false,
        }
    }

    /// A lock this process had to wait for, holding nothing: for fakes of the cache.
    #[cfg(test)]
    pub fn waited_for() -> Lock {
        Lock {
            _file: None,
            waited: true,
        }
    }

    /// True when another process held it first: this one waited for it.
    pub fn waited(&self) -> bool {
        self.waited
    }
}

/// A renewal that failed, kept for the processes that were waiting on it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Failure {
    pub at: UnixTime,
    /// The exit code it ended with.
    pub exit: u8,
    /// What it said, as it said it (already scrubbed of secrets).
    pub message: String,
}

/// What the lifecycle needs of a token cache.
pub trait TokenCache {
    /// The record in `slot`, fresh or not, when it may be served from there
    /// (`Slot::admits`: of the slot's provider, fetched with its settings); `None` when
    /// there is none or it cannot be used.
    fn read(&self, slot: &Slot) -> Option<Record>;
    fn write(&self, slot: &Slot, record: &Record) -> Result<(), CacheError>;
    /// Takes the lock of the slot's profile, waiting while another process holds it, at
    /// most `patience`; then takes over the slot's record of an earlier version.
    fn lock(&self, slot: &Slot, patience: Duration) -> Result<Lock, CacheError>;
    /// The last failure of a renewal of the slot, if one is recorded.
    fn failure(&self, slot: &Slot) -> Option<Failure>;
    /// Records the failure of a renewal (`None`: the renewal succeeded).
    fn set_failure(&self, slot: &Slot, failure: Option<&Failure>);
    /// The server metadata kept for the slot's profile and settings (OAuth discovery).
    fn metadata(&self, _slot: &Slot) -> Option<Discovered> {
        None
    }
    /// Keeps server metadata; one that cannot be kept is fetched again next time.
    fn set_metadata(&self, _slot: &Slot, _metadata: &Discovered) {}
}

/// Server metadata found by discovery, and when it was fetched.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Discovered {
    pub at: UnixTime,
    pub metadata: serde_json::Value,
}

/// A cache entry larger than this is not a token record.
const MAX_ENTRY: usize = 1024 * 1024;

/// The cache directory on disk.
#[derive(Debug, Clone)]
pub struct Cache {
    dir: PathBuf,
}

impl Cache {
    /// The cache directory, if it is one authctl may trust: the user's own, writable by no
    /// one else. A missing one is created (0700) when something is written.
    pub fn open() -> Result<Cache, CacheError> {
        let cache = Cache { dir: dir()? };
        cache.check()?;
        Ok(cache)
    }

    fn check(&self) -> Result<(), CacheError> {
        match platform::check_private_dir(&self.dir) {
            Ok(None) => Ok(()),
            Ok(Some(why)) => Err(CacheError::Untrusted {
                path: self.dir.clone(),
                why,
            }),
            Err(source) => Err(CacheError::Inaccessible {
                path: self.dir.clone(),
                source,
            }),
        }
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

    fn lock_path(&self, profile: &str) -> PathBuf {
        self.dir.join(format!("{profile}.lock"))
    }

    /// Creates the directory if needed, private to the user; never changes an existing
    /// one, and checks it again (another user may have made it first).
    pub fn ensure_dir(&self) -> Result<(), CacheError> {
        platform::create_private_dir(&self.dir).map_err(|source| CacheError::CreateDir {
            path: self.dir.clone(),
            source,
        })?;
        self.check()
    }

    /// A JSON file of the cache, or `None` (with a warning at `-v`) when it is missing,
    /// unreadable, not a private regular file of the user's, or not what `T` expects.
    pub fn read_json<T: serde::de::DeserializeOwned>(&self, path: &Path) -> Option<T> {
        let ignore = |why: &dyn std::fmt::Display| {
            debug!(1, "warning: ignoring cache entry {}: {why}", path.display());
            None
        };
        let file = match platform::open_no_follow(path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
            Err(e) if platform::is_link_refused(&e) => return ignore(&"it is a symbolic link"),
            Err(e) => return ignore(&format!("unreadable: {e}")),
        };
        match platform::check_private_file(&file) {
            Ok(None) => {}
            Ok(Some(why)) => return ignore(&why),
            Err(e) => return ignore(&format!("unreadable: {e}")),
        }
        let mut bytes = zeroize::Zeroizing::new(Vec::new());
        if let Err(e) = file.take(MAX_ENTRY as u64 + 1).read_to_end(&mut bytes) {
            return ignore(&format!("unreadable: {e}"));
        }
        if bytes.len() > MAX_ENTRY {
            return ignore(&"it is over 1 MiB");
        }
        match serde_json::from_slice(&bytes) {
            Ok(v) => Some(v),
            Err(e) => ignore(&format!("corrupt: {e}")),
        }
    }

    pub fn write_json(&self, path: &Path, value: &impl Serialize) -> Result<(), CacheError> {
        let bytes = zeroize::Zeroizing::new(serde_json::to_vec(value).expect("cache entries serialize"));
        self.write_atomic(path, &bytes)
    }

    /// Writes atomically (`platform::write_atomically`): a reader sees the old content or
    /// the new, never half.
    pub fn write_atomic(&self, path: &Path, bytes: &[u8]) -> Result<(), CacheError> {
        self.ensure_dir()?;
        platform::write_atomically(&self.dir, path, bytes).map_err(|source| CacheError::Write {
            path: path.to_path_buf(),
            source,
        })?;
        debug!(2, "cached in {}", path.display());
        let name = path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default();
        let own = match names::entry(&name) {
            names::Entry::Stored(p) | names::Entry::Bookkeeping(p) => Some(p),
            _ => None,
        };
        self.sweep(own);
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

    /// Opens the profile's lock file; one that is a link, or not a private regular file
    /// of the user's, is replaced.
    fn open_lock(&self, path: &Path) -> Result<fs::File, CacheError> {
        let lock_error = |source| CacheError::Lock {
            path: path.to_path_buf(),
            source,
        };
        for _ in 0..2 {
            let untrusted = match platform::open_lock(path) {
                Ok(file) => match platform::check_private_file(&file).map_err(lock_error)? {
                    None => return Ok(file),
                    Some(why) => why.to_string(),
                },
                Err(e) if platform::is_link_refused(&e) => "it is a symbolic link".to_string(),
                Err(e) => return Err(lock_error(e)),
            };
            debug!(1, "warning: replacing lock file {}: {untrusted}", path.display());
            fs::remove_file(path).map_err(lock_error)?;
        }
        Err(lock_error(std::io::Error::other("it keeps being replaced")))
    }

    /// `NAME=FP+metadata.json`: the server metadata discovery found, with the records.
    fn metadata_path(&self, slot: &Slot) -> PathBuf {
        self.dir.join(format!("{}+metadata.json", slot.stem()))
    }

    fn failure_path(&self, slot: &Slot) -> PathBuf {
        self.dir.join(format!("{}.failed", slot.stem()))
    }

    /// The record at `path`, of this version's format, whoever's it is.
    fn read_record(&self, path: &Path) -> Option<Record> {
        let stored: Stored = self.read_json(path)?;
        if stored.format != FORMAT {
            debug!(1, "warning: ignoring cache entry {} of another format", path.display());
            return None;
        }
        Some(stored.record)
    }

    /// Takes over the slot's record that an earlier version kept under the profile's name
    /// alone, when it was fetched with the present settings (its fingerprint then had no
    /// `ca_file`); one of other settings stays for the config it belongs to. Only under
    /// the profile's lock, so a renewal's newer record is never replaced by it.
    fn take_over(&self, slot: &Slot) {
        let old = self.dir.join(format!("{}.json", slot.legacy_stem()));
        let Some(mut record) = self.read_record(&old) else {
            return;
        };
        if record.provider != slot.provider || record.bound_to != slot.legacy {
            debug!(
                1,
                "{}: leaving {}: it was fetched with other settings",
                slot.profile,
                old.display()
            );
            return;
        }
        record.bound_to = slot.bound_to.clone();
        let kept = self.path(slot).exists() || self.write(slot, &record).is_ok();
        if kept && self.remove(&old).is_ok() {
            debug!(1, "{}: took over {}", slot.profile, old.display());
        }
    }

    /// Takes the profile's lock (one per name, whatever the settings), waiting while
    /// another process holds it, at most `patience`. The holder writes its PID into the
    /// lock file, so that a waiter can say whom it waits for (`Waiting`, `LockTimeout`).
    pub fn lock_profile(&self, profile: &str, patience: Duration) -> Result<Lock, CacheError> {
        self.ensure_dir()?;
        let mut file = self.open_lock(&self.lock_path(profile))?;
        if file.try_lock().is_ok() {
            write_holder(&mut file);
            return Ok(Lock {
                _file: Some(file),
                waited: false,
            });
        }
        debug!(1, "waiting for another authctl process renewing {profile}");
        let started = Instant::now();
        let waiting = crate::log::Waiting::new();
        loop {
            std::thread::sleep(Duration::from_millis(20));
            if file.try_lock().is_ok() {
                write_holder(&mut file);
                return Ok(Lock {
                    _file: Some(file),
                    waited: true,
                });
            }
            if started.elapsed() >= patience {
                return Err(CacheError::LockTimeout {
                    profile: profile.to_string(),
                    waited: patience,
                    holder: read_holder(&mut file),
                });
            }
            if started.elapsed() >= crate::log::WAIT_NOTICE && !waiting.is_shown() {
                let whom = match read_holder(&mut file) {
                    Some(pid) => format!("process {pid}"),
                    None => "another authctl process".into(),
                };
                waiting.show(&format!(
                    "waiting for {whom}, which is renewing {profile} (up to {})…",
                    whole_seconds(patience)
                ));
            }
        }
    }
}

/// Puts this process's PID in the lock file it holds. Best effort: a waiter that cannot
/// read it only says less.
fn write_holder(file: &mut fs::File) {
    use std::io::{Seek, SeekFrom, Write};
    let pid = format!("{}\n", std::process::id());
    let _ = file
        .seek(SeekFrom::Start(0))
        .and_then(|_| file.write_all(pid.as_bytes()))
        .and_then(|()| file.set_len(pid.len() as u64));
}

/// The PID the holder of a lock wrote into it: the first line of at most 32 bytes, a
/// positive number, or nothing (none written yet, or not readable while locked).
fn read_holder(file: &mut fs::File) -> Option<u32> {
    use std::io::{Seek, SeekFrom};
    let mut bytes = Vec::with_capacity(32);
    file.seek(SeekFrom::Start(0)).ok()?;
    file.by_ref().take(32).read_to_end(&mut bytes).ok()?;
    let line = bytes.split(|&b| b == b'\n').next()?;
    let digits = std::str::from_utf8(line).ok()?;
    if digits.is_empty() || digits.len() > 10 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok().filter(|&pid| pid > 0)
}

/// `3m 33s`: a wait's limit to the second.
pub fn whole_seconds(d: Duration) -> String {
    humantime::format_duration(Duration::from_secs(d.as_secs())).to_string()
}

impl TokenCache for Cache {
    fn read(&self, slot: &Slot) -> Option<Record> {
        let record = self.read_record(&self.path(slot))?;
        if !slot.admits(&record) {
            debug!(
                1,
                "{}: ignoring the cached token: it is of another provider or settings", slot.profile
            );
            return None;
        }
        Some(record)
    }

    fn write(&self, slot: &Slot, record: &Record) -> Result<(), CacheError> {
        let stored = Stored {
            format: FORMAT,
            record: record.clone(),
        };
        self.write_json(&self.path(slot), &stored)
    }

    /// While held, this process alone talks to the provider for the profile; the others
    /// wait, then find its token in the cache, or its failure.
    fn lock(&self, slot: &Slot, patience: Duration) -> Result<Lock, CacheError> {
        let lock = self.lock_profile(&slot.profile, patience)?;
        self.take_over(slot);
        Ok(lock)
    }

    fn failure(&self, slot: &Slot) -> Option<Failure> {
        self.read_json(&self.failure_path(slot))
    }

    fn set_failure(&self, slot: &Slot, failure: Option<&Failure>) {
        let path = self.failure_path(slot);
        let _ = match failure {
            Some(f) => self.write_json(&path, f),
            None => self.remove(&path),
        };
    }

    fn metadata(&self, slot: &Slot) -> Option<Discovered> {
        self.read_json(&self.metadata_path(slot))
    }

    fn set_metadata(&self, slot: &Slot, metadata: &Discovered) {
        if let Err(e) = self.write_json(&self.metadata_path(slot), metadata) {
            debug!(
                1,
                "warning: could not keep the server metadata: {}",
                crate::log::chain(&e)
            );
        }
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
            bound_to: slot("mg", None).bound_to,
            access_token: AccessToken::parse("t".into()).unwrap(),
            token_type: TokenType::bearer(),
            obtained_at: at(obtained_at),
            expires_at: at(expires_at),
            refreshable: false,
            password_expired: false,
            id_token: None,
        }
    }

    const S: fn(u64) -> Duration = Duration::from_secs;

    /// A slot of a Midigator profile whose settings are all in `installation`'s place.
    fn slot(profile: &str, installation: Option<&str>) -> Slot {
        Slot {
            profile: profile.into(),
            installation: installation.map(str::to_string),
            provider: Kind::Midigator,
            bound_to: Fingerprint::of(Kind::Midigator, &[], installation, Some(Path::new("/ca.pem"))),
            legacy: Fingerprint::of(Kind::Midigator, &[], installation, None),
        }
    }

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
        let e = |g| expiry(&opaque, &g, now, ttl).unwrap();
        assert_eq!(e(grant(Some(60.0), Some(at(5e6)), None)), at(1_000_060.0));
        assert_eq!(e(grant(None, Some(at(5e6)), Some(S(5)))), at(5e6));
        assert_eq!(e(grant(None, None, Some(S(5)))), at(1_000_005.0));
        assert_eq!(e(grant(Some(-1.0), None, None)), at(1_000_900.0));
    }

    #[test]
    fn an_absurd_lifetime_counts_as_absent() {
        let now = at(1_000_000.0);
        let opaque = AccessToken::parse("opaque".into()).unwrap();
        let in_secs = |s: f64| Grant {
            expires_in: Some(s),
            ..Grant::default()
        };
        for absurd in [f64::INFINITY, f64::NAN, 1e300, 0.0, -5.0, 11.0 * 366.0 * 86400.0] {
            assert_eq!(
                expiry(&opaque, &in_secs(absurd), now, S(900)).unwrap(),
                at(1_000_900.0),
                "{absurd}"
            );
        }
        let past = Grant {
            expires_at: Some(at(999_000.0)),
            ..Grant::default()
        };
        assert_eq!(expiry(&opaque, &past, now, S(900)).unwrap(), at(1_000_900.0));
    }

    #[test]
    fn write_is_private_and_read_back() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = Cache::at(tmp.path().join("c"));
        let slot = slot("mg", None);
        cache.write(&slot, &record(1.0, 2.0)).unwrap();
        assert_eq!(platform::check_private_dir(cache.dir()).unwrap(), None);
        let file = fs::File::open(cache.path(&slot)).unwrap();
        assert_eq!(platform::check_private_file(&file).unwrap(), None);
        assert_eq!(cache.read(&slot).unwrap().expires_at, at(2.0));
        fs::write(cache.path(&slot), b"{not json").unwrap();
        assert!(cache.read(&slot).is_none());
    }

    /// The serve rule lives here: a record of another provider, or fetched with other
    /// settings, is not read even from the slot's own file.
    #[test]
    fn a_record_of_another_provider_or_settings_is_not_read() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = Cache::at(tmp.path().join("c"));
        let slot = slot("mg", None);
        let mut foreign = record(1.0, 2.0);
        foreign.provider = Kind::Nugios;
        cache.write(&slot, &foreign).unwrap();
        assert!(cache.read(&slot).is_none());
        let mut other = record(1.0, 2.0);
        other.bound_to = slot.legacy.clone();
        cache.write(&slot, &other).unwrap();
        assert!(cache.read(&slot).is_none());
    }

    #[test]
    fn file_names_carry_the_name_the_fingerprint_and_the_installation() {
        let cache = Cache::at(PathBuf::from("/c"));
        let fp = |s: &Slot| s.bound_to.as_str().to_string();
        let mw = slot("mw", Some("3fa8/../x"));
        assert_eq!(cache.path(&mw), Path::new(&format!("/c/mw={}@3fa8____x.json", fp(&mw))));
        let mg = slot("mg", None);
        assert_eq!(cache.path(&mg), Path::new(&format!("/c/mg={}.json", fp(&mg))));
        assert_eq!(mw.legacy_stem(), "mw@3fa8____x");
    }

    #[test]
    fn every_file_of_a_name_is_known_for_its_own() {
        use names::{Entry, entry};
        assert_eq!(entry("mg=0123456789abcdef.json"), Entry::Stored("mg"));
        assert_eq!(entry("mw=0123456789abcdef@i-1.json"), Entry::Stored("mw"));
        assert_eq!(entry("mg=0123456789abcdef+credential.json"), Entry::Stored("mg"));
        assert_eq!(entry("mg.json"), Entry::Stored("mg"));
        assert_eq!(entry("mg.x.json"), Entry::Stored("mg.x"));
        assert_eq!(entry("mw@i-1.json"), Entry::Stored("mw"));
        assert_eq!(entry("mg+credential.json"), Entry::Stored("mg"));
        assert_eq!(entry("mg=0123456789abcdef.failed"), Entry::Bookkeeping("mg"));
        assert_eq!(entry("mg=keyring.json"), Entry::Bookkeeping("mg"));
        assert_eq!(entry("mg.failed"), Entry::Bookkeeping("mg"));
        assert_eq!(entry(".mg=0123456789abcdef.json.tmpAb12Cd"), Entry::Temp(Some("mg")));
        assert_eq!(
            entry(".x.tmp=0123456789abcdef.json.tmpAb12Cd"),
            Entry::Temp(Some("x.tmp"))
        );
        assert_eq!(entry(".tmpAb12Cd"), Entry::Temp(None));
        assert_eq!(entry("mg.lock"), Entry::Other);
        // No profile's, so neither `logout` nor the sweep takes it.
        assert_eq!(entry(CLOCK_FILE), Entry::Other);
    }

    #[test]
    fn a_record_of_an_earlier_version_is_taken_over_under_the_lock_when_its_settings_match() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = Cache::at(tmp.path().join("c"));
        let other = slot("other", Some("i"));
        let slot = slot("mg", None);
        let mut old = record(1.0, 2.0);
        old.bound_to = slot.legacy.clone();
        let stored = Stored {
            format: FORMAT,
            record: old,
        };
        let legacy = cache.dir().join("mg.json");
        cache.write_json(&legacy, &stored).unwrap();
        assert!(cache.read(&slot).is_none(), "the cached path looks at one name");
        let _lock = cache.lock(&slot, S(1)).unwrap();
        assert_eq!(cache.read(&slot).unwrap().bound_to, slot.bound_to);
        assert!(!legacy.exists());
        // One of other settings stays, for the config it belongs to.
        let mut theirs = record(1.0, 2.0);
        theirs.bound_to = Fingerprint::of(Kind::Midigator, &[("base_url", "x".into())], None, None);
        let legacy = cache.dir().join("other@i.json");
        cache
            .write_json(
                &legacy,
                &Stored {
                    format: FORMAT,
                    record: theirs,
                },
            )
            .unwrap();
        drop(cache.lock(&other, S(1)).unwrap());
        assert!(legacy.exists() && cache.read(&other).is_none());
    }
}

//! The cache directory as a whole: every file of a profile name (for `logout`), and temp
//! files left behind by a process killed between creating and renaming one.

use std::fs;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use super::names::{self, Entry};
use super::{Cache, CacheError};
use crate::debug;
use crate::platform;

/// A temp file older than this was left by a process that died: a write takes a moment,
/// under its profile's lock, and no lock is waited for this long.
const STALE: Duration = Duration::from_secs(15 * 60);

/// Temp files are swept at most once a process.
static SWEPT: AtomicBool = AtomicBool::new(false);

impl Cache {
    /// Removes every file of the profile name, whatever the settings it was written
    /// under: records, credentials and temp files (counted, and earlier versions' temp
    /// files too), failure records and the keyring index (not counted). The caller holds
    /// the profile's lock.
    pub fn remove_profile(&self, profile: &str) -> Result<usize, CacheError> {
        let Ok(dir) = fs::read_dir(self.dir()) else {
            return Ok(0);
        };
        let mut removed = 0;
        for entry in dir.flatten() {
            let name = entry.file_name();
            let counted = match names::entry(&name.to_string_lossy()) {
                Entry::Stored(p) | Entry::Temp(Some(p)) if p == profile => true,
                // Earlier versions named no profile in their temp files; this version
                // makes none, so one left by a crash goes with any logout.
                Entry::Temp(None) => true,
                Entry::Bookkeeping(p) if p == profile => false,
                _ => continue,
            };
            self.remove(&entry.path())?;
            removed += usize::from(counted);
        }
        Ok(removed)
    }

    /// Removes the stale temp files of other profiles that no one is writing (their lock
    /// is free), and of `own`, whose lock this process holds. Once a process, when it
    /// writes to the cache: never on the way to a cached token.
    pub(super) fn sweep(&self, own: Option<&str>) {
        if SWEPT.swap(true, Ordering::Relaxed) {
            return;
        }
        let Ok(dir) = fs::read_dir(self.dir()) else {
            return;
        };
        for entry in dir.flatten() {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            let Entry::Temp(profile) = names::entry(&name) else {
                continue;
            };
            let path = entry.path();
            let stale = fs::symlink_metadata(&path)
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age > STALE);
            if !stale {
                continue;
            }
            let _held = match profile {
                Some(p) if Some(p) != own => match self.try_lock_profile(p) {
                    Some(lock) => lock,
                    None => continue,
                },
                _ => None,
            };
            if fs::remove_file(&path).is_ok() {
                debug!(1, "removed a stale temp file {}", path.display());
            }
        }
    }

    /// The profile's lock, if it is free now: `Some(None)` when it has no lock file,
    /// `None` when it is held or cannot be judged.
    fn try_lock_profile(&self, profile: &str) -> Option<Option<fs::File>> {
        match platform::open_no_follow(&self.lock_path(profile)) {
            Ok(file) => file.try_lock().is_ok().then_some(Some(file)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Some(None),
            Err(_) => None,
        }
    }
}

//! Unix: permission bits, owners, `O_NOFOLLOW`, `prctl`/`setrlimit`, signals.

use std::fs::{self, OpenOptions};
use std::io;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::Path;

/// What to check when the OS keyring cannot be reached.
#[cfg(target_os = "macos")]
pub const KEYRING_HINT: &str = "is the login keychain unlocked?";
#[cfg(not(target_os = "macos"))]
pub const KEYRING_HINT: &str = "is a Secret Service running on the D-Bus session bus?";

/// Creates `dir` (and its parents) if needed and makes it private to the user (0700).
pub fn make_private_dir(dir: &Path) -> io::Result<()> {
    fs::create_dir_all(dir)?;
    if fs::metadata(dir)?.permissions().mode() & 0o777 != 0o700 {
        fs::set_permissions(dir, fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
}

/// Opens (creating if needed) a file only the user can read and write, for locks.
pub fn open_private(path: &Path) -> io::Result<fs::File> {
    OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o600)
        .open(path)
}

/// Creates a new file private to the user, failing if it exists.
pub fn create_private(path: &Path) -> io::Result<fs::File> {
    OpenOptions::new().write(true).create_new(true).mode(0o600).open(path)
}

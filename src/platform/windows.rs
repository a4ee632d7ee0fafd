//! Windows: files under the per-user directories that `directories` gives are private to
//! the user by their default ACL, so no mode bits are set here.

use std::fs::{self, OpenOptions};
use std::io;
use std::path::Path;

/// What to check when the OS keyring cannot be reached.
pub const KEYRING_HINT: &str = "is the Windows Credential Manager available to this user?";

/// Creates `dir` (and its parents) if needed.
pub fn make_private_dir(dir: &Path) -> io::Result<()> {
    fs::create_dir_all(dir)
}

/// Opens (creating if needed) a file for locks.
pub fn open_private(path: &Path) -> io::Result<fs::File> {
    OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
}

/// Creates a new file, failing if it exists.
pub fn create_private(path: &Path) -> io::Result<fs::File> {
    OpenOptions::new().write(true).create_new(true).open(path)
}

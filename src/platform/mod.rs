//! Everything that differs between operating systems, behind one small interface: file
//! modes and ownership, opening without following links, core dumps, signals and process
//! replacement. The rest of authctl has no `cfg`.

#[cfg(unix)]
mod unix;
#[cfg(unix)]
pub use unix::*;

#[cfg(windows)]
mod windows;
#[cfg(windows)]
pub use windows::*;

use std::io::{self, Write};
use std::path::Path;

/// Writes `bytes` to `path` atomically: a private temp file with an unpredictable name,
/// created exclusively in `dir` (the directory `path` is in), synced, then put in place of
/// the old file. A reader sees the old content or the new, never half. The temp file is
/// named after its target (`.FILE.tmpXXXXXX`), so one left by a process killed before the
/// rename is known for whose it is (see `cache::names`).
pub fn write_atomically(dir: &Path, path: &Path, bytes: &[u8]) -> io::Result<()> {
    let target = path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default();
    let prefix = format!(".{target}.tmp");
    let mut tmp = tempfile::Builder::new()
        .prefix(&prefix)
        .rand_bytes(6)
        .make_in(dir, create_private_file)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    replace(tmp, path)
}

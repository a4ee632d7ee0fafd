//! Windows: files under the per-user directories that `directories` gives are private to
//! the user by their default ACL, so no mode bits are set or checked here.

use std::fs::{self, File, OpenOptions};
use std::io;
use std::path::Path;

/// What to check when the OS keyring cannot be reached.
pub const KEYRING_HINT: &str = "is the Windows Credential Manager available to this user?";

/// Why a directory or file is not trusted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Untrusted {
    NotADirectory,
    NotARegularFile,
}

impl std::fmt::Display for Untrusted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Untrusted::NotADirectory => f.write_str("it is not a directory"),
            Untrusted::NotARegularFile => f.write_str("it is not a regular file"),
        }
    }
}

pub fn check_private_dir(dir: &Path) -> io::Result<Option<Untrusted>> {
    match fs::metadata(dir) {
        Ok(m) if m.is_dir() => Ok(None),
        Ok(_) => Ok(Some(Untrusted::NotADirectory)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

pub fn check_private_file(file: &File) -> io::Result<Option<Untrusted>> {
    Ok((!file.metadata()?.is_file()).then_some(Untrusted::NotARegularFile))
}

pub fn create_private_dir(dir: &Path) -> io::Result<()> {
    fs::create_dir_all(dir)
}

pub fn open_no_follow(path: &Path) -> io::Result<File> {
    File::open(path)
}

pub fn open_lock(path: &Path) -> io::Result<File> {
    OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
}

pub fn is_link_refused(_e: &io::Error) -> bool {
    false
}

/// Starts `cmd`.
pub fn spawn_group(cmd: &mut std::process::Command) -> io::Result<std::process::Child> {
    cmd.spawn()
}

/// Kills the process `spawn_group` started.
pub fn kill_group(child: &mut std::process::Child) {
    let _ = child.kill();
}

/// Windows writes no core dumps of a console program unless the system is set up to.
pub fn forbid_core_dumps() {}

/// Windows writes no core dumps of a console program unless the system is set up to.
pub fn forbid_core_dumps() {}

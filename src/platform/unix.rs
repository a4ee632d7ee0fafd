//! Unix: permission bits and owners, `O_NOFOLLOW`, core dumps, process groups.

use std::fs::{self, File, OpenOptions};
use std::io;
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt};
use std::path::Path;

/// What to check when the OS keyring cannot be reached.
#[cfg(target_os = "macos")]
pub const KEYRING_HINT: &str = "is the login keychain unlocked?";
#[cfg(not(target_os = "macos"))]
pub const KEYRING_HINT: &str = "is a Secret Service running on the D-Bus session bus?";

/// Why a directory or file is not trusted: another user could have written it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Untrusted {
    NotOwned { owner: u32 },
    Writable { mode: u32 },
    Readable { mode: u32 },
    NotADirectory,
    NotARegularFile,
}

impl std::fmt::Display for Untrusted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Untrusted::NotOwned { owner } => write!(f, "it belongs to user {owner}, not to you"),
            Untrusted::Writable { mode } => write!(f, "group or others may write to it (mode {mode:04o})"),
            Untrusted::Readable { mode } => write!(f, "group or others may read it (mode {mode:04o})"),
            Untrusted::NotADirectory => f.write_str("it is not a directory"),
            Untrusted::NotARegularFile => f.write_str("it is not a regular file"),
        }
    }
}

fn euid() -> u32 {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() }
}

/// A directory authctl may keep secrets in: the user's own, writable by no one else.
/// `Ok(None)` when it does not exist.
pub fn check_private_dir(dir: &Path) -> io::Result<Option<Untrusted>> {
    let meta = match fs::metadata(dir) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    let mode = meta.mode() & 0o7777;
    Ok(if !meta.is_dir() {
        Some(Untrusted::NotADirectory)
    } else if meta.uid() != euid() {
        Some(Untrusted::NotOwned { owner: meta.uid() })
    } else if mode & 0o022 != 0 {
        Some(Untrusted::Writable { mode })
    } else {
        None
    })
}

/// A file of the cache must be a regular file of the user's, that only the user can
/// read and write.
pub fn check_private_file(file: &File) -> io::Result<Option<Untrusted>> {
    let meta = file.metadata()?;
    let mode = meta.mode() & 0o7777;
    Ok(if !meta.is_file() {
        Some(Untrusted::NotARegularFile)
    } else if meta.uid() != euid() {
        Some(Untrusted::NotOwned { owner: meta.uid() })
    } else if mode & 0o022 != 0 {
        Some(Untrusted::Writable { mode })
    } else if mode & 0o044 != 0 {
        Some(Untrusted::Readable { mode })
    } else {
        None
    })
}

/// Creates `dir` private to the user (0700); its parents, if missing, as usual.
pub fn create_private_dir(dir: &Path) -> io::Result<()> {
    if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs::create_dir_all(parent)?;
    }
    match fs::DirBuilder::new().mode(0o700).create(dir) {
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(()),
        other => other,
    }
}

/// Opens a file for reading without following a symbolic link at `path`, and without
/// blocking on a FIFO someone put there.
pub fn open_no_follow(path: &Path) -> io::Result<File> {
    OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(path)
}

/// Opens, creating it private to the user if needed, a file for locks; never through a
/// symbolic link.
pub fn open_lock(path: &Path) -> io::Result<File> {
    OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(path)
}

/// True when `e` is what opening a symbolic link with `O_NOFOLLOW` gives.
pub fn is_link_refused(e: &io::Error) -> bool {
    e.raw_os_error() == Some(libc::ELOOP)
}

/// Starts `cmd` in a process group of its own, so that `kill_group` reaches whatever it
/// starts in turn (`sh -c "…"` and its children).
pub fn spawn_group(cmd: &mut std::process::Command) -> io::Result<std::process::Child> {
    use std::os::unix::process::CommandExt;
    cmd.process_group(0).spawn()
}

/// Kills the process group `spawn_group` started.
pub fn kill_group(child: &mut std::process::Child) {
    let pid = child.id() as libc::pid_t;
    // SAFETY: kill has no memory preconditions; a negative pid names the group.
    unsafe {
        libc::kill(-pid, libc::SIGKILL);
    }
    let _ = child.kill();
}

/// No core dump of this process: it holds secrets. On Linux this also keeps other
/// processes of the same user from attaching to it.
pub fn forbid_core_dumps() {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_DUMPABLE takes plain integers and touches no memory of ours.
    unsafe {
        libc::prctl(libc::PR_SET_DUMPABLE, 0, 0, 0, 0);
    }
    let none = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: `none` is a valid rlimit that outlives the call.
    unsafe {
        libc::setrlimit(libc::RLIMIT_CORE, &none);
    }
}

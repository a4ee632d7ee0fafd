//! Unix: permission bits and owners, `O_NOFOLLOW`, core dumps, process groups.

use std::fs::{self, File, OpenOptions};
use std::io;
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt};
use std::path::{Component, Path};

mod config;
mod socket;
pub use config::{Stamp, check_config_file, config_fix, open_config, stamp};
pub use socket::{Detached, LocalListener, LocalStream, stop_signal};

/// What to check when the OS keyring cannot be reached.
#[cfg(target_os = "macos")]
pub const KEYRING_HINT: &str = "is the login keychain unlocked?";
#[cfg(not(target_os = "macos"))]
pub const KEYRING_HINT: &str = "is a Secret Service running on the D-Bus session bus?";

/// The program `authctl curl` runs.
pub const CURL: &str = "curl";

/// Why a directory or file is not trusted: another user could have written it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Untrusted {
    NotOwned {
        owner: u32,
    },
    Writable {
        mode: u32,
    },
    Readable {
        mode: u32,
    },
    NotADirectory,
    NotARegularFile,
    /// A symbolic link on the way that another user could re-point.
    LinkNotOwned {
        link: std::path::PathBuf,
        owner: u32,
    },
    /// A directory above it that another user could rename or replace it in.
    ParentNotOwned {
        parent: std::path::PathBuf,
        owner: u32,
    },
    ParentWritable {
        parent: std::path::PathBuf,
        mode: u32,
    },
    /// Group-writable, and the group is not the owner's own private group.
    GroupWritable {
        mode: u32,
        group: u32,
    },
    /// The account named to be trusted does not exist.
    UnknownOwner {
        name: String,
    },
    /// An access list whose mask lets named users or groups write.
    AccessList {
        mode: u32,
    },
}

impl std::fmt::Display for Untrusted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Untrusted::NotOwned { owner } => write!(f, "it belongs to user {owner}, not to you"),
            Untrusted::Writable { mode } => write!(f, "group or others may write to it (mode {mode:04o})"),
            Untrusted::Readable { mode } => write!(f, "group or others may read it (mode {mode:04o})"),
            Untrusted::NotADirectory => f.write_str("it is not a directory"),
            Untrusted::NotARegularFile => f.write_str("it is not a regular file"),
            Untrusted::LinkNotOwned { link, owner } => write!(
                f,
                "the link {} on its path belongs to user {owner}, who could point it elsewhere",
                link.display()
            ),
            Untrusted::ParentNotOwned { parent, owner } => write!(
                f,
                "the directory {} above it belongs to user {owner}, who could replace it",
                parent.display()
            ),
            Untrusted::ParentWritable { parent, mode } => write!(
                f,
                "the directory {} above it may be written by group or others without the sticky bit (mode {mode:04o})",
                parent.display()
            ),
            Untrusted::GroupWritable { mode, group } => write!(
                f,
                "group {group}, which is not the owner's private group, may write to it (mode {mode:04o})"
            ),
            Untrusted::UnknownOwner { name } => write!(f, "no account {name} exists to trust"),
            Untrusted::AccessList { mode } => write!(
                f,
                "an access list lets other users or groups write to it (mode {mode:04o}+)"
            ),
        }
    }
}

fn euid() -> u32 {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() }
}

/// A directory authctl may keep secrets in (as ssh judges its files): the user's own,
/// writable by no one else; every directory above it root's or the user's, and writable
/// by others only with the sticky bit (as `/tmp` is); every symbolic link on the way
/// root's or the user's. `Ok(None)` also when it does not exist yet and may be created.
pub fn check_private_dir(dir: &Path) -> io::Result<Option<Untrusted>> {
    let absolute = match dir.is_absolute() {
        true => dir.to_path_buf(),
        false => std::env::current_dir()?.join(dir),
    };
    // One lstat per component, the directory first; this is on the cached path.
    let mut seen = Vec::new();
    let mut linked = false;
    for step in absolute.ancestors() {
        match fs::symlink_metadata(step) {
            Ok(m) if m.file_type().is_symlink() && !trusted_owner(m.uid()) => {
                return Ok(Some(Untrusted::LinkNotOwned {
                    link: step.to_path_buf(),
                    owner: m.uid(),
                }));
            }
            Ok(m) => {
                linked |= m.file_type().is_symlink();
                seen.push((step, m));
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
    }
    let plain = !linked
        && absolute
            .components()
            .all(|c| matches!(c, Component::RootDir | Component::Normal(_)));
    if !plain {
        return check_resolved(&absolute);
    }
    // No links on the way: what lstat saw is what is there.
    let mut existing = seen.into_iter();
    let Some((first, meta)) = existing.next() else {
        return Ok(None);
    };
    if first == absolute {
        if let Some(why) = untrusted_dir(&meta) {
            return Ok(Some(why));
        }
    } else if let Some(why) = untrusted_above(first, &meta) {
        return Ok(Some(why));
    }
    Ok(existing.find_map(|(parent, meta)| untrusted_above(parent, &meta)))
}

/// `check_private_dir` for a path with links or `..` on it: judged where it leads.
fn check_resolved(absolute: &Path) -> io::Result<Option<Untrusted>> {
    let Some(existing) = absolute.ancestors().find(|a| a.exists()) else {
        return Ok(None);
    };
    let real = fs::canonicalize(existing)?;
    let mut above = Some(real.as_path());
    if existing == absolute {
        if let Some(why) = untrusted_dir(&fs::metadata(&real)?) {
            return Ok(Some(why));
        }
        above = real.parent();
    }
    for parent in above.into_iter().flat_map(Path::ancestors) {
        if let Some(why) = untrusted_above(parent, &fs::metadata(parent)?) {
            return Ok(Some(why));
        }
    }
    Ok(None)
}

/// The cache directory itself: a directory of the user's that no one else may write.
fn untrusted_dir(meta: &fs::Metadata) -> Option<Untrusted> {
    let mode = meta.mode() & 0o7777;
    if !meta.is_dir() {
        Some(Untrusted::NotADirectory)
    } else if meta.uid() != euid() {
        Some(Untrusted::NotOwned { owner: meta.uid() })
    } else if mode & 0o022 != 0 {
        Some(Untrusted::Writable { mode })
    } else {
        None
    }
}

/// A directory above it: root's or the user's, writable by others only with the sticky
/// bit (then they cannot rename what is in it).
fn untrusted_above(parent: &Path, meta: &fs::Metadata) -> Option<Untrusted> {
    let mode = meta.mode() & 0o7777;
    if !trusted_owner(meta.uid()) {
        Some(Untrusted::ParentNotOwned {
            parent: parent.to_path_buf(),
            owner: meta.uid(),
        })
    } else if mode & 0o022 != 0 && mode & 0o1000 == 0 {
        Some(Untrusted::ParentWritable {
            parent: parent.to_path_buf(),
            mode,
        })
    } else {
        None
    }
}

fn trusted_owner(uid: u32) -> bool {
    uid == euid() || uid == 0
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

/// Creates `dir` private to the user (0700), and any missing directory above it the same
/// way, whatever the umask: a parent others could write would let them replace it.
pub fn create_private_dir(dir: &Path) -> io::Result<()> {
    fs::DirBuilder::new().recursive(true).mode(0o700).create(dir)
}

/// Creates a new file at `path` (never an existing one, never through a link) that only
/// the user can read and write.
pub fn create_private_file(path: &Path) -> io::Result<File> {
    OpenOptions::new()
        .read(true)
        .write(true)
        .create_new(true)
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW)
        .open(path)
}

/// Puts the temp file in place of `path` (`rename`, atomic on the same file system).
pub fn replace(tmp: tempfile::NamedTempFile, path: &Path) -> io::Result<()> {
    tmp.persist(path).map(drop).map_err(|e| e.error)
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

/// No core dump of this process: it holds secrets. On Linux, `PR_SET_DUMPABLE` also keeps
/// other processes of the same user from attaching to it, and is not inherited by the
/// programs `exec` runs; elsewhere the core size limit is set to zero.
pub fn forbid_core_dumps() {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_DUMPABLE takes plain integers and touches no memory of ours.
    unsafe {
        libc::prctl(libc::PR_SET_DUMPABLE, 0, 0, 0, 0);
    }
    #[cfg(not(target_os = "linux"))]
    {
        let none = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: `none` is a valid rlimit that outlives the call.
        unsafe {
            libc::setrlimit(libc::RLIMIT_CORE, &none);
        }
    }
}

static CHILD: std::sync::atomic::AtomicI32 = std::sync::atomic::AtomicI32::new(0);
/// A signal that came before the child existed, to pass on once it does.
static PENDING: std::sync::atomic::AtomicI32 = std::sync::atomic::AtomicI32::new(0);

/// Passes a signal another process sent authctl on to the running child. A signal from
/// the terminal (Ctrl-C, a hang-up) has reached the child already, as a member of the
/// foreground process group: it is not sent twice.
extern "C" fn forward(signal: libc::c_int, info: *mut libc::siginfo_t, _: *mut libc::c_void) {
    use std::sync::atomic::Ordering::SeqCst;
    // SAFETY: the kernel hands a valid siginfo to an SA_SIGINFO handler; kill is
    // async-signal-safe, and so are atomics.
    unsafe {
        let code = (*info).si_code;
        if code != libc::SI_USER && code != libc::SI_QUEUE {
            return;
        }
        match CHILD.load(SeqCst) {
            0 => PENDING.store(signal, SeqCst),
            child => {
                libc::kill(child, signal);
            }
        }
    }
}

fn on_signals(signals: &[libc::c_int], handler: libc::sighandler_t, flags: libc::c_int) {
    for &signal in signals {
        // SAFETY: a zeroed sigaction with a valid handler and an empty mask is valid.
        unsafe {
            let mut action: libc::sigaction = std::mem::zeroed();
            action.sa_sigaction = handler;
            action.sa_flags = flags;
            libc::sigemptyset(&mut action.sa_mask);
            libc::sigaction(signal, &action, std::ptr::null_mut());
        }
    }
}

/// Runs `cmd` to its end, handing it `input` through its pipe once it has started.
/// SIGINT, SIGTERM and SIGHUP sent to authctl meanwhile go on to the child. The result is
/// its exit code, or 128 + N when signal N ended it, as a shell reports it.
pub fn run_child(cmd: &mut std::process::Command, input: Option<(InheritedPipe, &[u8])>) -> io::Result<i32> {
    use std::os::unix::process::ExitStatusExt;
    use std::sync::atomic::Ordering::SeqCst;
    // In place before the child starts, so no signal can end authctl in between.
    let handler = forward as extern "C" fn(libc::c_int, *mut libc::siginfo_t, *mut libc::c_void);
    on_signals(
        &[libc::SIGINT, libc::SIGTERM, libc::SIGHUP],
        handler as libc::sighandler_t,
        libc::SA_SIGINFO | libc::SA_RESTART,
    );
    let mut child = cmd.spawn()?;
    CHILD.store(child.id() as i32, SeqCst);
    match PENDING.swap(0, SeqCst) {
        0 => {}
        // SAFETY: kill has no memory preconditions.
        signal => unsafe {
            libc::kill(child.id() as libc::pid_t, signal);
        },
    }
    if let Some((pipe, data)) = input {
        pipe.send(data);
    }
    let status = child.wait()?;
    Ok(status.code().unwrap_or_else(|| 128 + status.signal().unwrap_or(0)))
}

static STOP: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

extern "C" fn note_stop(_: libc::c_int) {
    STOP.store(true, std::sync::atomic::Ordering::SeqCst);
}

/// From now on SIGINT and SIGTERM do not end authctl; `stop_requested` says whether one
/// came.
pub fn catch_stop_signals() {
    on_signals(
        &[libc::SIGINT, libc::SIGTERM],
        note_stop as extern "C" fn(libc::c_int) as libc::sighandler_t,
        libc::SA_RESTART,
    );
}

pub fn stop_requested() -> bool {
    STOP.load(std::sync::atomic::Ordering::SeqCst)
}

/// A pipe whose read end the next child inherits, so data (a curl config with the
/// token) reaches it without touching its command line, its environment or the disk.
pub struct InheritedPipe {
    read: std::os::fd::OwnedFd,
    write: std::os::fd::OwnedFd,
}

impl InheritedPipe {
    pub fn new() -> io::Result<InheritedPipe> {
        use std::os::fd::FromRawFd;
        let mut fds = [0 as libc::c_int; 2];
        // SAFETY: `fds` has room for the two descriptors pipe returns.
        if unsafe { libc::pipe(fds.as_mut_ptr()) } != 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: pipe just gave us these two descriptors; nothing else owns them.
        let (read, write) = unsafe {
            (
                std::os::fd::OwnedFd::from_raw_fd(fds[0]),
                std::os::fd::OwnedFd::from_raw_fd(fds[1]),
            )
        };
        // Only the read end crosses into the child.
        let write_fd = std::os::fd::AsRawFd::as_raw_fd(&write);
        // SAFETY: fcntl on a descriptor we own.
        if unsafe { libc::fcntl(write_fd, libc::F_SETFD, libc::FD_CLOEXEC) } != 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(InheritedPipe { read, write })
    }

    /// What the child opens to read the data.
    pub fn path(&self) -> String {
        format!("/dev/fd/{}", std::os::fd::AsRawFd::as_raw_fd(&self.read))
    }

    /// Nothing to set up on the command: the read end is inherited as it is.
    pub fn attach(&self, _cmd: &mut std::process::Command) {}

    /// Once the child has started: closes our copy of the read end and writes `data`.
    /// A child that exits without reading it is no error of ours.
    fn send(self, data: &[u8]) {
        drop(self.read);
        let mut write = File::from(self.write);
        let _ = io::Write::write_all(&mut write, data);
    }
}

/// The command that opens `url` in the default browser: `open` on macOS, elsewhere
/// `xdg-open` when there is a display to show it on.
pub fn browser_command(url: &str) -> Option<std::process::Command> {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else if ["DISPLAY", "WAYLAND_DISPLAY"]
        .iter()
        .any(|v| std::env::var_os(v).is_some_and(|x| !x.is_empty()))
    {
        "xdg-open"
    } else {
        return None;
    };
    let mut cmd = std::process::Command::new(opener);
    cmd.arg(url);
    Some(cmd)
}

/// The terminal on stderr's width (SAFETY: TIOCGWINSZ only fills in the winsize it gets).
pub fn stderr_columns() -> Option<usize> {
    let mut size: libc::winsize = unsafe { std::mem::zeroed() };
    let ok = unsafe { libc::ioctl(libc::STDERR_FILENO, libc::TIOCGWINSZ, &mut size) } == 0;
    (ok && size.ws_col > 0).then_some(usize::from(size.ws_col))
}

/// The user this process runs as.
pub fn current_user() -> Option<u32> {
    Some(euid())
}

/// The user that owns the far end of a loopback TCP connection, from the kernel's table
/// of sockets: the socket whose local address is `peer` and whose remote address is
/// `local`. `None` where this cannot be told.
#[cfg(target_os = "linux")]
pub fn peer_user(local: std::net::SocketAddr, peer: std::net::SocketAddr) -> super::Peer {
    fn hex(addr: std::net::SocketAddr) -> String {
        let ip = match addr.ip() {
            std::net::IpAddr::V4(v4) => format!("{:08X}", u32::from_ne_bytes(v4.octets())),
            std::net::IpAddr::V6(v6) => v6
                .octets()
                .chunks(4)
                .map(|w| format!("{:08X}", u32::from_ne_bytes([w[0], w[1], w[2], w[3]])))
                .collect(),
        };
        format!("{ip}:{:04X}", addr.port())
    }
    let table = match peer {
        std::net::SocketAddr::V4(_) => "/proc/net/tcp",
        std::net::SocketAddr::V6(_) => "/proc/net/tcp6",
    };
    let (peer, local) = (hex(peer), hex(local));
    let Ok(text) = std::fs::read_to_string(table) else {
        return super::Peer::Unknowable;
    };
    let row = text.lines().skip(1).find_map(|line| {
        let fields: Vec<&str> = line.split_whitespace().collect();
        (fields.get(1) == Some(&peer.as_str()) && fields.get(2) == Some(&local.as_str()))
            .then(|| fields.get(7)?.parse().ok())
            .flatten()
    });
    row.map_or(super::Peer::Gone, super::Peer::User)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(path: &Path) -> u32 {
        fs::metadata(path).unwrap().mode() & 0o7777
    }

    #[test]
    fn what_authctl_creates_is_the_users_alone() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("a/b");
        create_private_dir(&dir).unwrap();
        assert_eq!((mode(&dir), mode(&tmp.path().join("a"))), (0o700, 0o700));
        let file = dir.join("f");
        drop(create_private_file(&file).unwrap());
        assert_eq!(mode(&file), 0o600);
        assert_eq!(
            create_private_file(&file).unwrap_err().kind(),
            io::ErrorKind::AlreadyExists
        );
        assert_eq!(check_private_dir(&dir).unwrap(), None);
        assert_eq!(check_private_file(&File::open(&file).unwrap()).unwrap(), None);
    }

    #[test]
    fn what_others_may_touch_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("d");
        create_private_dir(&dir).unwrap();
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o770)).unwrap();
        assert_eq!(
            check_private_dir(&dir).unwrap(),
            Some(Untrusted::Writable { mode: 0o770 })
        );
        let file = tmp.path().join("f");
        fs::write(&file, "x").unwrap();
        fs::set_permissions(&file, fs::Permissions::from_mode(0o640)).unwrap();
        assert_eq!(
            check_private_file(&File::open(&file).unwrap()).unwrap(),
            Some(Untrusted::Readable { mode: 0o640 })
        );
        std::os::unix::fs::symlink(&file, tmp.path().join("l")).unwrap();
        assert!(is_link_refused(&open_no_follow(&tmp.path().join("l")).unwrap_err()));
    }
}

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

/// Runs `cmd` to its end (a console's Ctrl-C reaches every process attached to it),
/// handing it `input` on its standard input. Its exit code.
pub fn run_child(cmd: &mut std::process::Command, input: Option<(InheritedPipe, &[u8])>) -> io::Result<i32> {
    let mut child = cmd.spawn()?;
    if let (Some((_, data)), Some(mut stdin)) = (input, child.stdin.take()) {
        let _ = io::Write::write_all(&mut stdin, data);
    }
    Ok(child.wait()?.code().unwrap_or(1))
}

static STOP: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// From now on Ctrl-C does not end authctl; `stop_requested` says whether one came.
pub fn catch_stop_signals() {
    std::thread::spawn(|| {
        let Ok(rt) = tokio::runtime::Builder::new_current_thread().enable_all().build() else {
            return;
        };
        rt.block_on(async {
            if tokio::signal::ctrl_c().await.is_ok() {
                STOP.store(true, std::sync::atomic::Ordering::SeqCst);
            }
        });
    });
}

pub fn stop_requested() -> bool {
    STOP.load(std::sync::atomic::Ordering::SeqCst)
}

/// On Windows there is no `/dev/fd`: the data goes to the child's standard input, which
/// `path` names as `-`.
pub struct InheritedPipe;

impl InheritedPipe {
    pub fn new() -> io::Result<InheritedPipe> {
        Ok(InheritedPipe)
    }

    pub fn path(&self) -> String {
        "-".to_string()
    }

    pub fn attach(&self, cmd: &mut std::process::Command) {
        cmd.stdin(std::process::Stdio::piped());
    }
}

/// Windows users are not numbers; the browser-flow check of the caller's user is Unix's.
pub fn current_user() -> Option<u32> {
    None
}

pub fn peer_user(_local: std::net::SocketAddr, _peer: std::net::SocketAddr) -> Option<u32> {
    None
}

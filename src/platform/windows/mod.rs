//! Windows: access control lists where Unix has modes and owners, reparse points where it
//! has symbolic links, a console control handler where it has signals, and no exec().
//!
//! What a user gets (docs/windows.md): the cache directory authctl creates carries a
//! protected access list naming only the user, SYSTEM and the Administrators group, and so
//! does every cache file it writes; a directory or file whose owner is someone else, or
//! whose access list lets anyone else write it (a file: read it), is refused as on Unix.
//! The directories above it are judged too (no other account may delete in them or change
//! their access lists), and every link on the way must be made by one of those accounts.
//! Core dumps are Windows Error Reporting's, which a console program does not control. A
//! child started by `secret_command` is killed alone, not its own children. The access
//! lists themselves are read and written in `acl.rs`.

mod acl;
mod socket;

pub use acl::{Untrusted, check_config_file, check_private_dir, check_private_file, config_fix};
pub use socket::{Detached, LocalListener, LocalStream, stop_signal};

/// Opens the config file to read.
pub fn open_config(path: &Path) -> io::Result<File> {
    File::open(path)
}

/// What changes whenever a file's content does: its size and last write time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp(u64, Option<std::time::SystemTime>);

pub fn stamp(meta: &fs::Metadata) -> Stamp {
    Stamp(meta.len(), meta.modified().ok())
}

use std::fs::{self, File, OpenOptions};
use std::io;
use std::os::windows::ffi::OsStrExt;
use std::os::windows::fs::OpenOptionsExt;
use std::os::windows::io::{FromRawHandle, RawHandle};
use std::path::Path;
use std::ptr::null_mut;
use std::sync::atomic::{AtomicBool, Ordering::SeqCst};

use windows_sys::Win32::Foundation::{
    ERROR_ACCESS_DENIED, ERROR_ALREADY_EXISTS, ERROR_SHARING_VIOLATION, GENERIC_READ, GENERIC_WRITE,
    INVALID_HANDLE_VALUE,
};
use windows_sys::Win32::Storage::FileSystem::{
    CREATE_NEW, CreateDirectoryW, CreateFileW, FILE_ATTRIBUTE_NORMAL, FILE_FLAG_OPEN_REPARSE_POINT, FILE_SHARE_DELETE,
    FILE_SHARE_READ, FILE_SHARE_WRITE, OPEN_ALWAYS,
};
use windows_sys::Win32::System::Console::{CTRL_BREAK_EVENT, CTRL_C_EVENT, CTRL_CLOSE_EVENT, SetConsoleCtrlHandler};

use acl::PrivateDescriptor;

/// What to check when the OS keyring cannot be reached.
pub const KEYRING_HINT: &str = "is the Windows Credential Manager available to this user?";

/// The program `authctl curl` runs: the curl that ships with Windows 10 and later.
pub const CURL: &str = "curl.exe";

/// Creates `dir` with a protected access list that names only the user, SYSTEM and the
/// Administrators group (what a 0700 directory is on Unix), and any missing directory above
/// it the same way: one others could write would let them replace it. An existing directory
/// is left as it is.
pub fn create_private_dir(dir: &Path) -> io::Result<()> {
    let missing: Vec<&Path> = dir
        .ancestors()
        .filter(|p| !p.as_os_str().is_empty())
        .take_while(|p| !p.is_dir())
        .collect();
    let descriptor = PrivateDescriptor::new()?;
    let attributes = descriptor.attributes();
    for step in missing.into_iter().rev() {
        let path = wide(step);
        // SAFETY: `path` is NUL-terminated and `attributes` points at a valid descriptor;
        // both outlive the call.
        if unsafe { CreateDirectoryW(path.as_ptr(), &attributes) } == 0 {
            let e = io::Error::last_os_error();
            if !(e.raw_os_error() == Some(ERROR_ALREADY_EXISTS as i32) && step.is_dir()) {
                return Err(e);
            }
        }
    }
    Ok(())
}

/// Creates a new file at `path` (never an existing one, never through a link) with the
/// same private access list.
pub fn create_private_file(path: &Path) -> io::Result<File> {
    create_file(path, CREATE_NEW, FILE_FLAG_OPEN_REPARSE_POINT)
}

/// Puts the temp file in place of `path`. The standard library's rename replaces with
/// POSIX semantics where Windows has them (Windows 10 1709 and later on NTFS), so a reader
/// holding the old file open (authctl's readers share delete access) does not stop it;
/// elsewhere the rename is retried for about a second while a reader finishes.
pub fn replace(tmp: tempfile::NamedTempFile, path: &Path) -> io::Result<()> {
    let mut tmp = tmp.into_temp_path();
    let mut pause = std::time::Duration::from_millis(5);
    loop {
        match fs::rename(&tmp, path) {
            Ok(()) => {
                tmp.disable_cleanup(true);
                return Ok(());
            }
            Err(e) if is_busy(&e) && pause < std::time::Duration::from_secs(1) => {
                std::thread::sleep(pause);
                pause *= 2;
            }
            Err(e) => return Err(e),
        }
    }
}

/// Access denied or a sharing violation: what replacing a file another process has open
/// gives without POSIX semantics.
fn is_busy(e: &io::Error) -> bool {
    matches!(
        e.raw_os_error().map(|c| c as u32),
        Some(ERROR_ACCESS_DENIED | ERROR_SHARING_VIOLATION)
    )
}

/// Opens a file for reading without following a symbolic link or junction at `path`.
pub fn open_no_follow(path: &Path) -> io::Result<File> {
    let file = OpenOptions::new()
        .read(true)
        .custom_flags(FILE_FLAG_OPEN_REPARSE_POINT)
        .open(path)?;
    refuse_link(file)
}

/// Opens, creating it private to the user if needed, a file for locks; never through a
/// symbolic link or junction.
pub fn open_lock(path: &Path) -> io::Result<File> {
    refuse_link(create_file(path, OPEN_ALWAYS, FILE_FLAG_OPEN_REPARSE_POINT)?)
}

/// `CreateFileW` for reading and writing, shared as the standard library shares files; a
/// file it creates gets the private access list (the standard library cannot pass one).
fn create_file(path: &Path, disposition: u32, flags: u32) -> io::Result<File> {
    let descriptor = PrivateDescriptor::new()?;
    let attributes = descriptor.attributes();
    let path = wide(path);
    // SAFETY: `path` is NUL-terminated and `attributes` points at a live descriptor.
    let handle = unsafe {
        CreateFileW(
            path.as_ptr(),
            GENERIC_READ | GENERIC_WRITE,
            FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
            &attributes,
            disposition,
            FILE_ATTRIBUTE_NORMAL | flags,
            null_mut(),
        )
    };
    if handle == INVALID_HANDLE_VALUE {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: a handle CreateFileW just opened, owned by nothing else.
    Ok(unsafe { File::from_raw_handle(handle as RawHandle) })
}

/// The error `open_no_follow` and `open_lock` give for a link.
#[derive(Debug)]
struct LinkRefused;

impl std::fmt::Display for LinkRefused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("it is a symbolic link or junction")
    }
}

impl std::error::Error for LinkRefused {}

fn refuse_link(file: File) -> io::Result<File> {
    if file.metadata()?.file_type().is_symlink() {
        return Err(io::Error::other(LinkRefused));
    }
    Ok(file)
}

/// True when `e` is what opening a symbolic link or junction gives.
pub fn is_link_refused(e: &io::Error) -> bool {
    e.get_ref().is_some_and(|inner| inner.is::<LinkRefused>())
}

/// Starts `cmd`.
pub fn spawn_group(cmd: &mut std::process::Command) -> io::Result<std::process::Child> {
    cmd.spawn()
}

/// Kills the process `spawn_group` started (only it: Windows has no process groups to
/// signal, and programs it started in turn keep running).
pub fn kill_group(child: &mut std::process::Child) {
    let _ = child.kill();
}

/// Nothing to do: a console program's crash dumps are Windows Error Reporting's, off
/// unless an administrator turned on local dumps.
pub fn forbid_core_dumps() {}

static STOP: AtomicBool = AtomicBool::new(false);

/// Runs on a thread of its own when the console sends Ctrl-C, Ctrl-Break or closes.
unsafe extern "system" fn note_stop(event: u32) -> windows_sys::core::BOOL {
    match event {
        CTRL_C_EVENT | CTRL_BREAK_EVENT | CTRL_CLOSE_EVENT => {
            STOP.store(true, SeqCst);
            1
        }
        _ => 0,
    }
}

fn handle_console_events() {
    // SAFETY: `note_stop` is a valid handler for the life of the process; handlers are not
    // inherited by children, so they still get Ctrl-C's default action.
    unsafe {
        SetConsoleCtrlHandler(Some(note_stop), 1);
    }
}

/// Runs `cmd` to its end, handing it `input` on its standard input. Ctrl-C reaches every
/// process of the console, the child too; authctl outlives it to report its exit code.
pub fn run_child(cmd: &mut std::process::Command, input: Option<(InheritedPipe, &[u8])>) -> io::Result<i32> {
    handle_console_events();
    let mut child = cmd.spawn()?;
    if let (Some((_, data)), Some(mut stdin)) = (input, child.stdin.take()) {
        // A child that exits without reading it is no error of ours.
        let _ = io::Write::write_all(&mut stdin, data);
    }
    Ok(child.wait()?.code().unwrap_or(1))
}

/// From now on Ctrl-C and Ctrl-Break do not end authctl; `stop_requested` says whether
/// one came.
pub fn catch_stop_signals() {
    handle_console_events();
}

pub fn stop_requested() -> bool {
    STOP.load(SeqCst)
}

/// Windows has no `/dev/fd`: the data goes to the child's standard input, which `path`
/// names as `-`.
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

/// Unknown on Windows: a waiting line there is finished with a newline, not cleared.
pub fn stderr_columns() -> Option<usize> {
    None
}

/// Windows accounts are SIDs, not numbers: the browser flow's check of who connected is
/// Unix's.
pub fn current_user() -> Option<u32> {
    None
}

pub fn peer_user(_local: std::net::SocketAddr, _peer: std::net::SocketAddr) -> super::Peer {
    super::Peer::Unknowable
}

/// The command that opens `url` in the default browser. `rundll32 url.dll` hands it to
/// the shell as `start` would, without `cmd.exe` reading `&` and `%` in the URL.
pub fn browser_command(url: &str) -> Option<std::process::Command> {
    let mut cmd = std::process::Command::new("rundll32.exe");
    cmd.arg("url.dll,FileProtocolHandler").arg(url);
    Some(cmd)
}

pub(super) fn wide(path: &Path) -> Vec<u16> {
    path.as_os_str().encode_wide().chain(Some(0)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The Credential Manager holds 2560 bytes (1280 UTF-16 characters) a credential: a
    /// longer refresh token goes to a private file, and a short one to the keyring again.
    #[test]
    fn a_refresh_token_too_long_for_the_credential_manager_is_kept_in_a_file() {
        use crate::credentials::{CredentialKind, CredentialSlot, CredentialStore, Credentials};
        use crate::providers::{Fingerprint, Kind};
        use crate::secret::Secret;
        let tmp = tempfile::tempdir().unwrap();
        let store = Credentials::new(crate::cache::Cache::at(tmp.path().join("c")));
        let fingerprint = Fingerprint::of(Kind::Mediroutes, &[], None, None);
        let slot = CredentialSlot {
            profile: "windows-unit-test".into(),
            provider: Kind::Mediroutes,
            kind: CredentialKind::RefreshToken,
            bound_to: fingerprint.clone(),
            legacy: fingerprint.clone(),
        };
        let file = tmp
            .path()
            .join("c")
            .join(format!("windows-unit-test={}+credential.json", fingerprint.as_str()));
        let long = "r".repeat(3000);
        assert!(store.store(&slot, &Secret::new(long.clone())).unwrap());
        assert!(file.exists());
        assert_eq!(store.read(&slot).unwrap().expose(), long);
        assert!(store.store(&slot, &Secret::new("short".into())).unwrap());
        assert!(!file.exists(), "a value the keyring takes leaves no file");
        assert_eq!(store.read(&slot).unwrap().expose(), "short");
        store.forget(&slot);
        assert!(store.read(&slot).is_none());
    }

    /// A reader that has the old file open while it is replaced, sharing everything (as
    /// authctl's readers do) or only reading: the write waits for it, briefly, when Windows
    /// (or Wine) has no POSIX rename semantics; with them it does not wait at all.
    #[test]
    fn a_file_being_read_is_still_replaced() {
        use std::os::windows::fs::OpenOptionsExt;
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("x.json");
        let write = |bytes: &[u8]| crate::platform::write_atomically(tmp.path(), &path, bytes);
        let held_for_a_moment = |file: File| {
            std::thread::spawn(move || {
                std::thread::sleep(std::time::Duration::from_millis(200));
                drop(file);
            })
        };
        write(b"1").unwrap();
        let reader = held_for_a_moment(open_no_follow(&path).unwrap());
        write(b"2").unwrap();
        reader.join().unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"2");
        let mut share_read = OpenOptions::new();
        share_read.read(true).share_mode(FILE_SHARE_READ);
        let reader = held_for_a_moment(share_read.open(&path).unwrap());
        write(b"3").unwrap();
        reader.join().unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"3");
        assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 1, "no temp file left");
    }
}

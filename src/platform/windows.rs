//! Windows: access control lists where Unix has modes and owners, reparse points where it
//! has symbolic links, a console control handler where it has signals, and no exec().
//!
//! What a user gets (README "Platforms"): the cache directory authctl creates carries a
//! protected access list naming only the user, SYSTEM and the Administrators group, and so
//! does every cache file it writes; a directory or file whose owner is someone else, or
//! whose access list lets anyone else write it (a file: read it), is refused as on Unix.
//! Only the directory itself is judged, not the directories above it. Core dumps are
//! Windows Error Reporting's, which a console program does not control. A child started by
//! `secret_command` is killed alone, not its own children.

use std::ffi::c_void;
use std::fs::{self, File, OpenOptions};
use std::io;
use std::os::windows::ffi::OsStrExt;
use std::os::windows::fs::OpenOptionsExt;
use std::os::windows::io::{AsRawHandle, FromRawHandle, RawHandle};
use std::path::Path;
use std::ptr::null_mut;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering::SeqCst};

use windows_sys::Win32::Foundation::{
    CloseHandle, ERROR_ALREADY_EXISTS, ERROR_SUCCESS, GENERIC_ALL, GENERIC_READ, GENERIC_WRITE, HANDLE,
    INVALID_HANDLE_VALUE, LocalFree,
};
use windows_sys::Win32::Security::Authorization::{
    ConvertSidToStringSidW, ConvertStringSecurityDescriptorToSecurityDescriptorW, GetNamedSecurityInfoW,
    GetSecurityInfo, SDDL_REVISION_1, SE_FILE_OBJECT,
};
use windows_sys::Win32::Security::{
    ACCESS_ALLOWED_ACE, ACE_HEADER, ACL, DACL_SECURITY_INFORMATION, GetAce, GetTokenInformation, INHERIT_ONLY_ACE,
    OWNER_SECURITY_INFORMATION, PSID, SECURITY_ATTRIBUTES, TOKEN_QUERY, TOKEN_USER, TokenUser,
};
use windows_sys::Win32::Storage::FileSystem::{
    CREATE_NEW, CreateDirectoryW, CreateFileW, DELETE, FILE_APPEND_DATA, FILE_ATTRIBUTE_NORMAL, FILE_DELETE_CHILD,
    FILE_FLAG_OPEN_REPARSE_POINT, FILE_READ_DATA, FILE_SHARE_DELETE, FILE_SHARE_READ, FILE_SHARE_WRITE,
    FILE_WRITE_DATA, OPEN_ALWAYS, WRITE_DAC, WRITE_OWNER,
};
use windows_sys::Win32::System::Console::{CTRL_BREAK_EVENT, CTRL_C_EVENT, CTRL_CLOSE_EVENT, SetConsoleCtrlHandler};
use windows_sys::Win32::System::Threading::{GetCurrentProcess, OpenProcessToken};

/// What to check when the OS keyring cannot be reached.
pub const KEYRING_HINT: &str = "is the Windows Credential Manager available to this user?";

/// The program `authctl curl` runs: the curl that ships with Windows 10 and later.
pub const CURL: &str = "curl.exe";

/// Why a directory or file is not trusted: another account could have written it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Untrusted {
    NotADirectory,
    NotARegularFile,
    NotOwned {
        owner: String,
    },
    Writable {
        by: String,
    },
    Readable {
        by: String,
    },
    /// No access list at all: Windows lets everyone do everything.
    NoAccessList,
}

impl std::fmt::Display for Untrusted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Untrusted::NotADirectory => f.write_str("it is not a directory"),
            Untrusted::NotARegularFile => f.write_str("it is not a regular file"),
            Untrusted::NotOwned { owner } => write!(f, "it belongs to {}, not to you", account(owner)),
            Untrusted::Writable { by } => write!(f, "its access list lets {} write to it", account(by)),
            Untrusted::Readable { by } => write!(f, "its access list lets {} read it", account(by)),
            Untrusted::NoAccessList => f.write_str("it has no access list, so every account may write to it"),
        }
    }
}

/// A SID as people know it, for the well-known groups an access list usually names.
fn account(sid: &str) -> String {
    let name = match sid {
        "S-1-1-0" => "Everyone",
        "S-1-5-11" => "Authenticated Users",
        "S-1-5-32-545" => "Users",
        "S-1-5-32-546" => "Guests",
        "S-1-5-7" => "Anonymous Logon",
        _ => return format!("the account {sid}"),
    };
    format!("{name} ({sid})")
}

/// Rights that let an account change a directory's entries or its access list.
const DIR_WRITE: u32 = FILE_WRITE_DATA
    | FILE_APPEND_DATA
    | FILE_DELETE_CHILD
    | DELETE
    | WRITE_DAC
    | WRITE_OWNER
    | GENERIC_WRITE
    | GENERIC_ALL;
/// Rights that let an account change a file or its access list.
const FILE_WRITE: u32 =
    FILE_WRITE_DATA | FILE_APPEND_DATA | DELETE | WRITE_DAC | WRITE_OWNER | GENERIC_WRITE | GENERIC_ALL;
/// Rights that let an account read a file.
const FILE_READ: u32 = FILE_READ_DATA | GENERIC_READ | GENERIC_ALL;

/// `ACCESS_ALLOWED_ACE_TYPE` and `ACCESS_ALLOWED_CALLBACK_ACE_TYPE`, which share a layout.
const ALLOWED_TYPES: [u8; 2] = [0, 9];

/// A directory authctl may keep secrets in: the user's own (or SYSTEM's or the
/// Administrators'), and no other account may write to it. `Ok(None)` also when it does
/// not exist yet and may be created.
pub fn check_private_dir(dir: &Path) -> io::Result<Option<Untrusted>> {
    match fs::metadata(dir) {
        Ok(m) if m.is_dir() => Security::of_path(dir)?.untrusted(DIR_WRITE, 0),
        Ok(_) => Ok(Some(Untrusted::NotADirectory)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// A file of the cache must be a regular file of the user's that no other account may
/// read or write.
pub fn check_private_file(file: &File) -> io::Result<Option<Untrusted>> {
    if !file.metadata()?.is_file() {
        return Ok(Some(Untrusted::NotARegularFile));
    }
    Security::of_file(file)?.untrusted(FILE_WRITE, FILE_READ)
}

/// Creates `dir` with a protected access list that names only the user, SYSTEM and the
/// Administrators group (what a 0700 directory is on Unix). Directories above it are
/// created as Windows would, inheriting from theirs. An existing directory is left as it
/// is.
pub fn create_private_dir(dir: &Path) -> io::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs::create_dir_all(parent)?;
    }
    let descriptor = PrivateDescriptor::new()?;
    let attributes = descriptor.attributes();
    let path = wide(dir);
    // SAFETY: `path` is NUL-terminated and `attributes` points at a valid descriptor; both
    // outlive the call.
    if unsafe { CreateDirectoryW(path.as_ptr(), &attributes) } == 0 {
        let e = io::Error::last_os_error();
        if e.raw_os_error() == Some(ERROR_ALREADY_EXISTS as i32) && dir.is_dir() {
            return Ok(());
        }
        return Err(e);
    }
    Ok(())
}

/// Creates a new file at `path` (never an existing one) with the same private access list.
pub fn create_private_file(path: &Path) -> io::Result<File> {
    create_file(path, CREATE_NEW, 0)
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

/// Windows accounts are SIDs, not numbers: the browser flow's check of who connected is
/// Unix's.
pub fn current_user() -> Option<u32> {
    None
}

pub fn peer_user(_local: std::net::SocketAddr, _peer: std::net::SocketAddr) -> Option<u32> {
    None
}

/// The command that opens `url` in the default browser. `rundll32 url.dll` hands it to
/// the shell as `start` would, without `cmd.exe` reading `&` and `%` in the URL.
pub fn browser_command(url: &str) -> Option<std::process::Command> {
    let mut cmd = std::process::Command::new("rundll32.exe");
    cmd.arg("url.dll,FileProtocolHandler").arg(url);
    Some(cmd)
}

fn wide(path: &Path) -> Vec<u16> {
    path.as_os_str().encode_wide().chain(Some(0)).collect()
}

/// Memory Windows allocated for us, given back with `LocalFree`.
struct Local(*mut c_void);

impl Drop for Local {
    fn drop(&mut self) {
        if !self.0.is_null() {
            // SAFETY: the pointer came from a Windows call that documents LocalFree.
            unsafe {
                LocalFree(self.0);
            }
        }
    }
}

/// The owner and access list of a file or directory.
struct Security {
    /// Owns the memory `owner` and `dacl` point into.
    _descriptor: Local,
    owner: PSID,
    dacl: *mut ACL,
}

impl Security {
    fn of_path(path: &Path) -> io::Result<Security> {
        let path = wide(path);
        Security::read(|owner, dacl, descriptor| {
            // SAFETY: `path` is NUL-terminated; the out-pointers are valid.
            unsafe {
                GetNamedSecurityInfoW(
                    path.as_ptr(),
                    SE_FILE_OBJECT,
                    OWNER_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION,
                    owner,
                    null_mut(),
                    dacl,
                    null_mut(),
                    descriptor,
                )
            }
        })
    }

    fn of_file(file: &File) -> io::Result<Security> {
        let handle = file.as_raw_handle() as HANDLE;
        Security::read(|owner, dacl, descriptor| {
            // SAFETY: `handle` is an open file of ours; the out-pointers are valid.
            unsafe {
                GetSecurityInfo(
                    handle,
                    SE_FILE_OBJECT,
                    OWNER_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION,
                    owner,
                    null_mut(),
                    dacl,
                    null_mut(),
                    descriptor,
                )
            }
        })
    }

    fn read(query: impl FnOnce(*mut PSID, *mut *mut ACL, *mut *mut c_void) -> u32) -> io::Result<Security> {
        let (mut owner, mut dacl, mut descriptor) = (null_mut(), null_mut(), null_mut());
        let status = query(&mut owner, &mut dacl, &mut descriptor);
        let descriptor = Local(descriptor);
        if status != ERROR_SUCCESS {
            return Err(io::Error::from_raw_os_error(status as i32));
        }
        Ok(Security {
            _descriptor: descriptor,
            owner,
            dacl,
        })
    }

    /// Why an account other than the user could `write` (or `read`) it, if one could.
    fn untrusted(&self, write: u32, read: u32) -> io::Result<Option<Untrusted>> {
        let owner = sid_string(self.owner)?;
        if !trusted(&owner)? {
            return Ok(Some(Untrusted::NotOwned { owner }));
        }
        if self.dacl.is_null() {
            return Ok(Some(Untrusted::NoAccessList));
        }
        // SAFETY: a non-null DACL from the security descriptor we still own.
        let count = unsafe { (*self.dacl).AceCount };
        for index in 0..u32::from(count) {
            let Some((sid, mask)) = self.allowed(index)? else {
                continue;
            };
            if mask & (write | read) == 0 {
                continue;
            }
            let by = sid_string(sid)?;
            if trusted(&by)? {
                continue;
            }
            return Ok(Some(if mask & write != 0 {
                Untrusted::Writable { by }
            } else {
                Untrusted::Readable { by }
            }));
        }
        Ok(None)
    }

    /// The account and rights of entry `index` when it allows something to this object
    /// (not only to what is created in it).
    fn allowed(&self, index: u32) -> io::Result<Option<(PSID, u32)>> {
        let mut ace = null_mut();
        // SAFETY: `index` is below the list's count; `ace` receives a pointer into it.
        if unsafe { GetAce(self.dacl, index, &mut ace) } == 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: every entry starts with a header.
        let header = unsafe { &*(ace as *const ACE_HEADER) };
        if !ALLOWED_TYPES.contains(&header.AceType) || u32::from(header.AceFlags) & INHERIT_ONLY_ACE != 0 {
            return Ok(None);
        }
        // SAFETY: allow entries of these two types have this layout; the SID starts at
        // `SidStart` and runs inside the entry.
        let allowed = unsafe { &*(ace as *const ACCESS_ALLOWED_ACE) };
        Ok(Some((&raw const allowed.SidStart as PSID, allowed.Mask)))
    }
}

/// The user, SYSTEM, the Administrators group, and the stand-ins for an object's owner.
fn trusted(sid: &str) -> io::Result<bool> {
    Ok(matches!(sid, "S-1-5-18" | "S-1-5-32-544" | "S-1-3-0" | "S-1-3-4") || sid == user_sid()?)
}

fn sid_string(sid: PSID) -> io::Result<String> {
    let mut text = null_mut();
    // SAFETY: `sid` points at a valid SID; `text` receives a LocalAlloc'd string.
    if unsafe { ConvertSidToStringSidW(sid, &mut text) } == 0 {
        return Err(io::Error::last_os_error());
    }
    let _free = Local(text.cast());
    // SAFETY: the string Windows gave us is NUL-terminated.
    let units = unsafe {
        let len = (0..).take_while(|&i| *text.add(i) != 0).count();
        std::slice::from_raw_parts(text, len)
    };
    Ok(String::from_utf16_lossy(units))
}

/// The SID of the user this process runs as.
fn user_sid() -> io::Result<&'static str> {
    static USER: OnceLock<String> = OnceLock::new();
    if let Some(user) = USER.get() {
        return Ok(user);
    }
    let mut token: HANDLE = null_mut();
    // SAFETY: the current-process pseudo handle is always valid; `token` receives a handle.
    if unsafe { OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &mut token) } == 0 {
        return Err(io::Error::last_os_error());
    }
    let sid = token_user(token);
    // SAFETY: `token` is the handle OpenProcessToken gave us.
    unsafe {
        CloseHandle(token);
    }
    let sid = sid?;
    Ok(USER.get_or_init(|| sid))
}

fn token_user(token: HANDLE) -> io::Result<String> {
    let mut len = 0u32;
    // SAFETY: a size query: no buffer, `len` receives the size needed.
    unsafe {
        GetTokenInformation(token, TokenUser, null_mut(), 0, &mut len);
    }
    // u64s: TOKEN_USER holds a pointer and must be aligned for it.
    let mut buffer = vec![0u64; (len as usize).div_ceil(8)];
    // SAFETY: `buffer` has room for `len` bytes.
    if unsafe { GetTokenInformation(token, TokenUser, buffer.as_mut_ptr().cast(), len, &mut len) } == 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: the call filled the buffer with a TOKEN_USER whose SID lies inside it.
    let user = unsafe { &*(buffer.as_ptr() as *const TOKEN_USER) };
    sid_string(user.User.Sid)
}

/// A security descriptor whose protected access list gives full control to the user,
/// SYSTEM and the Administrators group, and nothing to anyone else.
struct PrivateDescriptor(Local);

impl PrivateDescriptor {
    fn new() -> io::Result<PrivateDescriptor> {
        let sddl = format!("D:P(A;OICI;FA;;;{})(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)", user_sid()?);
        let sddl: Vec<u16> = sddl.encode_utf16().chain(Some(0)).collect();
        let mut descriptor = null_mut();
        // SAFETY: `sddl` is NUL-terminated; `descriptor` receives a LocalAlloc'd descriptor.
        let ok = unsafe {
            ConvertStringSecurityDescriptorToSecurityDescriptorW(
                sddl.as_ptr(),
                SDDL_REVISION_1,
                &mut descriptor,
                null_mut(),
            )
        };
        if ok == 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(PrivateDescriptor(Local(descriptor)))
    }

    /// Attributes that point at this descriptor; valid while it lives.
    fn attributes(&self) -> SECURITY_ATTRIBUTES {
        SECURITY_ATTRIBUTES {
            nLength: size_of::<SECURITY_ATTRIBUTES>() as u32,
            lpSecurityDescriptor: self.0.0,
            bInheritHandle: 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use windows_sys::Win32::Security::SetFileSecurityW;

    /// Replaces the access list of `path` with the one `sddl` describes.
    fn set_access(path: &Path, sddl: &str) {
        let sddl: Vec<u16> = sddl.encode_utf16().chain(Some(0)).collect();
        let mut descriptor = null_mut();
        // SAFETY: as in PrivateDescriptor::new; then a valid path and descriptor.
        unsafe {
            assert_ne!(
                ConvertStringSecurityDescriptorToSecurityDescriptorW(
                    sddl.as_ptr(),
                    SDDL_REVISION_1,
                    &mut descriptor,
                    null_mut()
                ),
                0
            );
            let descriptor = Local(descriptor);
            assert_ne!(
                SetFileSecurityW(wide(path).as_ptr(), DACL_SECURITY_INFORMATION, descriptor.0),
                0,
                "{}",
                io::Error::last_os_error()
            );
        }
    }

    #[test]
    fn what_authctl_creates_is_the_users_alone() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("a").join("b");
        create_private_dir(&dir).unwrap();
        create_private_dir(&dir).unwrap();
        assert_eq!(check_private_dir(&dir).unwrap(), None);
        let file = dir.join("f");
        drop(create_private_file(&file).unwrap());
        assert_eq!(
            create_private_file(&file).unwrap_err().kind(),
            io::ErrorKind::AlreadyExists
        );
        assert_eq!(check_private_file(&open_no_follow(&file).unwrap()).unwrap(), None);
        assert_eq!(check_private_file(&open_lock(&dir.join("l")).unwrap()).unwrap(), None);
    }

    #[test]
    fn what_others_may_touch_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("d");
        create_private_dir(&dir).unwrap();
        set_access(&dir, &format!("D:P(A;;FA;;;{})(A;;0x2;;;WD)", user_sid().unwrap()));
        assert_eq!(
            check_private_dir(&dir).unwrap(),
            Some(Untrusted::Writable { by: "S-1-1-0".into() })
        );
        let file = tmp.path().join("f");
        fs::write(&file, "x").unwrap();
        set_access(&file, &format!("D:P(A;;FA;;;{})(A;;FR;;;WD)", user_sid().unwrap()));
        let why = check_private_file(&File::open(&file).unwrap()).unwrap().unwrap();
        assert_eq!(why, Untrusted::Readable { by: "S-1-1-0".into() });
        assert_eq!(why.to_string(), "its access list lets Everyone (S-1-1-0) read it");
        // Entries only for what is created inside do not count.
        set_access(&dir, &format!("D:P(A;;FA;;;{})(A;OICIIO;FA;;;WD)", user_sid().unwrap()));
        assert_eq!(check_private_dir(&dir).unwrap(), None);
    }

    /// The Credential Manager holds 2560 bytes (1280 UTF-16 characters) a credential: a
    /// longer refresh token goes to a private file, and a short one to the keyring again.
    #[test]
    fn a_refresh_token_too_long_for_the_credential_manager_is_kept_in_a_file() {
        use crate::credentials::{CredentialKind, CredentialSlot, CredentialStore, Credentials};
        use crate::providers::{Fingerprint, Kind};
        use crate::secret::Secret;
        let tmp = tempfile::tempdir().unwrap();
        let store = Credentials::new(crate::cache::Cache::at(tmp.path().join("c")));
        let slot = CredentialSlot {
            profile: "windows-unit-test".into(),
            provider: Kind::Mediroutes,
            kind: CredentialKind::RefreshToken,
            bound_to: Fingerprint::of(Kind::Mediroutes, &[], None),
        };
        let file = tmp.path().join("c").join("windows-unit-test+credential.json");
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

    #[test]
    fn the_user_is_known() {
        assert!(user_sid().unwrap().starts_with("S-1-5-"), "{}", user_sid().unwrap());
        assert!(trusted(user_sid().unwrap()).unwrap());
        assert!(!trusted("S-1-1-0").unwrap());
    }
}

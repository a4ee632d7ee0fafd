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
use std::mem::offset_of;
use std::os::windows::ffi::OsStrExt;
use std::os::windows::fs::OpenOptionsExt;
use std::os::windows::io::{AsRawHandle, FromRawHandle, RawHandle};
use std::path::{Path, PathBuf};
use std::ptr::null_mut;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering::SeqCst};

use windows_sys::Win32::Foundation::{
    CloseHandle, ERROR_ACCESS_DENIED, ERROR_ALREADY_EXISTS, ERROR_SHARING_VIOLATION, ERROR_SUCCESS, GENERIC_ALL,
    GENERIC_READ, GENERIC_WRITE, HANDLE, INVALID_HANDLE_VALUE, LocalFree,
};
use windows_sys::Win32::Security::Authorization::{
    ConvertSidToStringSidW, ConvertStringSecurityDescriptorToSecurityDescriptorW, GetNamedSecurityInfoW,
    GetSecurityInfo, SDDL_REVISION_1, SE_FILE_OBJECT,
};
use windows_sys::Win32::Security::{
    ACCESS_ALLOWED_ACE, ACCESS_ALLOWED_OBJECT_ACE, ACE_HEADER, ACE_INHERITED_OBJECT_TYPE_PRESENT,
    ACE_OBJECT_TYPE_PRESENT, ACL, DACL_SECURITY_INFORMATION, GetAce, GetTokenInformation, INHERIT_ONLY_ACE,
    OWNER_SECURITY_INFORMATION, PSID, SECURITY_ATTRIBUTES, TOKEN_QUERY, TOKEN_USER, TokenUser,
};
use windows_sys::Win32::Storage::FileSystem::{
    CREATE_NEW, CreateDirectoryW, CreateFileW, DELETE, FILE_APPEND_DATA, FILE_ATTRIBUTE_NORMAL, FILE_DELETE_CHILD,
    FILE_FLAG_BACKUP_SEMANTICS, FILE_FLAG_OPEN_REPARSE_POINT, FILE_READ_DATA, FILE_SHARE_DELETE, FILE_SHARE_READ,
    FILE_SHARE_WRITE, FILE_WRITE_DATA, OPEN_ALWAYS, READ_CONTROL, WRITE_DAC, WRITE_OWNER,
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
    /// No owner: a file system without security (FAT, exFAT, some network shares).
    NoSecurity,
    /// An entry of a kind authctl cannot judge.
    UnknownEntry {
        kind: u8,
    },
    /// A symbolic link or junction on the way that another account made.
    LinkNotOwned {
        link: PathBuf,
        owner: String,
    },
    /// A directory above it that another account could empty or hand to itself.
    Above {
        parent: PathBuf,
        why: Box<Untrusted>,
    },
}

impl std::fmt::Display for Untrusted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Untrusted::NotADirectory => f.write_str("it is not a directory"),
            Untrusted::NotARegularFile => f.write_str("it is not a regular file"),
            Untrusted::NotOwned { owner } => write!(
                f,
                "it belongs to {}, not to you, SYSTEM or the Administrators",
                account(owner)
            ),
            Untrusted::Writable { by } => write!(f, "its access list lets {} write to it", account(by)),
            Untrusted::Readable { by } => write!(f, "its access list lets {} read it", account(by)),
            Untrusted::NoAccessList => f.write_str("it has no access list, so every account may write to it"),
            Untrusted::NoSecurity => {
                f.write_str("its file system keeps no owners or access lists; use a directory on NTFS")
            }
            Untrusted::UnknownEntry { kind } => write!(
                f,
                "its access list has an entry of a kind authctl cannot judge (type {kind}), which might let another account in"
            ),
            Untrusted::LinkNotOwned { link, owner } => write!(
                f,
                "the link {} on the way belongs to {}, who could point it elsewhere",
                link.display(),
                account(owner)
            ),
            Untrusted::Above { parent, why } => write!(f, "the directory {} above it: {why}", parent.display()),
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
/// Rights on a directory above the cache that let an account remove or replace what is in
/// it, or give itself those rights.
const PARENT_WRITE: u32 = FILE_DELETE_CHILD | WRITE_DAC | WRITE_OWNER | GENERIC_ALL;
/// Rights that let an account change a file or its access list.
const FILE_WRITE: u32 =
    FILE_WRITE_DATA | FILE_APPEND_DATA | DELETE | WRITE_DAC | WRITE_OWNER | GENERIC_WRITE | GENERIC_ALL;
/// Rights that let an account read a file.
const FILE_READ: u32 = FILE_READ_DATA | GENERIC_READ | GENERIC_ALL;

/// What an access list entry does, by its type (`ACE_HEADER::AceType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum EntryKind {
    /// `ACCESS_ALLOWED_ACE_TYPE` and its callback form: header, mask, SID.
    Allows,
    /// `ACCESS_ALLOWED_OBJECT_ACE_TYPE` and its callback form: header, mask, flags, up to
    /// two GUIDs, SID.
    AllowsObject,
    /// Denies (which only take away), audits, alarms, the integrity label and policies.
    GrantsNothing,
    /// A kind Windows may add later, or the unused compound kind: it might grant anything.
    Unknown,
}

impl EntryKind {
    fn of(ace_type: u8) -> EntryKind {
        match ace_type {
            0 | 9 => EntryKind::Allows,
            5 | 11 => EntryKind::AllowsObject,
            1..=3 | 6..=8 | 10 | 12..=21 => EntryKind::GrantsNothing,
            _ => EntryKind::Unknown,
        }
    }
}

/// A directory authctl may keep secrets in: the user's own (or SYSTEM's or the
/// Administrators'), and no other account may write to it; no other account may remove or
/// replace it, or anything above it (rights to delete in, or to change the access list of,
/// a directory above it); every link or junction on the way made by one of those accounts.
/// `Ok(None)` also when it does not exist yet and may be created.
pub fn check_private_dir(dir: &Path) -> io::Result<Option<Untrusted>> {
    let absolute = std::path::absolute(dir)?;
    let mut linked = false;
    for step in absolute.ancestors() {
        match fs::symlink_metadata(step) {
            Ok(m) if m.file_type().is_symlink() => {
                linked = true;
                match link_owner(step)? {
                    Some(owner) if trusted(&owner)? => {}
                    Some(owner) => {
                        let link = step.to_path_buf();
                        return Ok(Some(Untrusted::LinkNotOwned { link, owner }));
                    }
                    None => return Ok(Some(Untrusted::NoSecurity)),
                }
            }
            Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
    }
    match fs::metadata(&absolute) {
        Ok(m) if m.is_dir() => {
            if let Some(why) = Security::of_path(&absolute)?.untrusted(DIR_WRITE, 0)? {
                return Ok(Some(why));
            }
        }
        Ok(_) => return Ok(Some(Untrusted::NotADirectory)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    if let Some(why) = absolute.parent().map(untrusted_from).transpose()?.flatten() {
        return Ok(Some(why));
    }
    // Through a link, the folders the directory really is in count too.
    if linked && let Some(existing) = absolute.ancestors().find(|p| p.exists()) {
        let real = fs::canonicalize(existing)?;
        let parents = if existing == absolute {
            real.parent()
        } else {
            Some(real.as_path())
        };
        if let Some(parents) = parents {
            return untrusted_from(parents);
        }
    }
    Ok(None)
}

/// Why `first`, or a directory above it, is not safe to be in: another account may delete
/// in it or change its access list.
fn untrusted_from(first: &Path) -> io::Result<Option<Untrusted>> {
    for parent in first.ancestors().filter(|p| p.is_dir()) {
        if let Some(why) = Security::of_path(parent)?.untrusted(PARENT_WRITE, 0)? {
            let parent = parent.to_path_buf();
            return Ok(Some(Untrusted::Above {
                parent,
                why: Box::new(why),
            }));
        }
    }
    Ok(None)
}

/// The owner of the link or junction at `path` itself.
fn link_owner(path: &Path) -> io::Result<Option<String>> {
    let link = OpenOptions::new()
        .access_mode(READ_CONTROL)
        .custom_flags(FILE_FLAG_OPEN_REPARSE_POINT | FILE_FLAG_BACKUP_SEMANTICS)
        .open(path)?;
    let security = Security::of_file(&link)?;
    if security.owner.is_null() {
        return Ok(None);
    }
    sid_string(security.owner).map(Some)
}

/// A file of the cache must be a regular file of the user's that no other account may
/// read or write.
pub fn check_private_file(file: &File) -> io::Result<Option<Untrusted>> {
    if !file.metadata()?.is_file() {
        return Ok(Some(Untrusted::NotARegularFile));
    }
    Security::of_file(file)?.untrusted(FILE_WRITE, FILE_READ)
}

/// A config file must be a regular file owned by the user (or SYSTEM, Administrators)
/// that no other account may write; who may read it is not judged. Naming a trusted
/// owner is for Unix CI containers; here the access list says all.
pub fn check_config_file(file: &File, _trusted_owner: Option<&str>) -> io::Result<Option<Untrusted>> {
    if !file.metadata()?.is_file() {
        return Ok(Some(Untrusted::NotARegularFile));
    }
    Security::of_file(file)?.untrusted(FILE_WRITE, 0)
}

/// What to do about a config file judged `why`.
pub fn config_fix(why: &Untrusted, _path: &Path) -> String {
    match why {
        Untrusted::NotOwned { .. } => "copy it to a file of your own".to_string(),
        _ => "let no other account write it (its Properties, Security tab)".to_string(),
    }
}

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
        if self.owner.is_null() {
            return Ok(Some(Untrusted::NoSecurity));
        }
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
            let (sid, mask) = match self.allowed(index)? {
                Grant::Allows(sid, mask) => (sid, mask),
                Grant::Nothing => continue,
                Grant::Unknown(kind) => return Ok(Some(Untrusted::UnknownEntry { kind })),
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
    fn allowed(&self, index: u32) -> io::Result<Grant> {
        let mut ace = null_mut();
        // SAFETY: `index` is below the list's count; `ace` receives a pointer into it.
        if unsafe { GetAce(self.dacl, index, &mut ace) } == 0 {
            return Err(io::Error::last_os_error());
        }
        let entry = ace as *const u8;
        // SAFETY: every entry starts with a header.
        let header = unsafe { (entry as *const ACE_HEADER).read_unaligned() };
        let kind = EntryKind::of(header.AceType);
        if kind == EntryKind::GrantsNothing || u32::from(header.AceFlags) & INHERIT_ONLY_ACE != 0 {
            return Ok(Grant::Nothing);
        }
        // Every read below stays inside the entry: `size` bytes from `entry`.
        let size = usize::from(header.AceSize);
        let read_u32 = |at: usize| {
            // SAFETY: the caller checked that `at + 4 <= size`; unaligned reads.
            (at + 4 <= size).then(|| unsafe { (entry.add(at) as *const u32).read_unaligned() })
        };
        let sid_at = match kind {
            EntryKind::Allows => offset_of!(ACCESS_ALLOWED_ACE, SidStart),
            EntryKind::AllowsObject => {
                let Some(flags) = read_u32(offset_of!(ACCESS_ALLOWED_OBJECT_ACE, Flags)) else {
                    return Ok(Grant::Unknown(header.AceType));
                };
                let guids = [ACE_OBJECT_TYPE_PRESENT, ACE_INHERITED_OBJECT_TYPE_PRESENT]
                    .iter()
                    .filter(|&&bit| flags & bit != 0)
                    .count();
                offset_of!(ACCESS_ALLOWED_OBJECT_ACE, ObjectType) + guids * size_of::<windows_sys::core::GUID>()
            }
            _ => return Ok(Grant::Unknown(header.AceType)),
        };
        // A SID: revision, sub-authority count, 6 bytes of authority, 4 bytes a
        // sub-authority; all of it inside the entry.
        let sub_authorities = (sid_at + 2 <= size)
            // SAFETY: checked to be inside the entry.
            .then(|| usize::from(unsafe { *entry.add(sid_at + 1) }));
        let (Some(mask), Some(count)) = (read_u32(offset_of!(ACCESS_ALLOWED_ACE, Mask)), sub_authorities) else {
            return Ok(Grant::Unknown(header.AceType));
        };
        if sid_at + 8 + 4 * count > size {
            return Ok(Grant::Unknown(header.AceType));
        }
        // SAFETY: the SID lies inside the entry (checked above); the pointer is derived
        // from the entry's own.
        let sid = unsafe { entry.add(sid_at) } as PSID;
        Ok(Grant::Allows(sid, mask))
    }
}

/// What one access list entry gives.
enum Grant {
    Allows(PSID, u32),
    Nothing,
    Unknown(u8),
}

/// The user, SYSTEM, the Administrators group, TrustedInstaller (which owns the system
/// drive's root) and the stand-ins for an object's owner.
fn trusted(sid: &str) -> io::Result<bool> {
    const TRUSTED_INSTALLER: &str = "S-1-5-80-956008885-3418522649-1831038044-1853292631-2271478464";
    Ok(matches!(
        sid,
        "S-1-5-18" | "S-1-5-32-544" | "S-1-3-0" | "S-1-3-4" | TRUSTED_INSTALLER
    ) || sid == user_sid()?)
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
        for created in [&dir, &tmp.path().join("a")] {
            let security = Security::of_path(created).unwrap();
            assert_eq!(
                security.untrusted(DIR_WRITE, FILE_READ).unwrap(),
                None,
                "{}",
                created.display()
            );
        }
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
        // A directory above it in which others may delete, or whose access list they may
        // change: they could put a directory of theirs in its place. (Wine keeps access
        // lists as Unix modes, so only full access is tried here; every right is judged
        // in `every_kind_of_access_list_entry_is_judged`.)
        let below = dir.join("cache");
        create_private_dir(&below).unwrap();
        for rights in ["FA", "GA"] {
            set_access(&dir, &format!("D:P(A;;FA;;;{})(A;;{rights};;;WD)", user_sid().unwrap()));
            let why = check_private_dir(&below).unwrap().unwrap();
            let Untrusted::Above { parent, why: inner } = &why else {
                panic!("{why:?}")
            };
            assert_eq!(
                (parent, &**inner),
                (&dir, &Untrusted::Writable { by: "S-1-1-0".into() })
            );
            assert!(
                why.to_string()
                    .starts_with(&format!("the directory {} above it: ", dir.display()))
            );
        }
    }

    /// A SID of one sub-authority, as bytes.
    fn sid(authority: u8, sub: u32) -> Vec<u8> {
        let mut bytes = vec![1, 1, 0, 0, 0, 0, 0, authority];
        bytes.extend(sub.to_le_bytes());
        bytes
    }

    /// An access list entry, as bytes; `object` gives an object entry's flags (and as many
    /// GUIDs as they announce).
    fn entry(kind: u8, mask: u32, object: Option<u32>, sid: &[u8]) -> Vec<u8> {
        let mut body = mask.to_le_bytes().to_vec();
        if let Some(flags) = object {
            body.extend(flags.to_le_bytes());
            body.extend(vec![0xab; 16 * flags.count_ones() as usize]);
        }
        body.extend(sid);
        let mut bytes = vec![kind, 0];
        bytes.extend(((4 + body.len()) as u16).to_le_bytes());
        bytes.extend(body);
        bytes
    }

    /// How a directory owned by SYSTEM with these entries is judged.
    fn judge(entries: &[Vec<u8>]) -> Option<Untrusted> {
        judge_for(DIR_WRITE, entries)
    }

    /// The same, counting `write` as the rights that matter.
    fn judge_for(write: u32, entries: &[Vec<u8>]) -> Option<Untrusted> {
        let body = entries.concat();
        let mut bytes = vec![4, 0];
        bytes.extend(((8 + body.len()) as u16).to_le_bytes());
        bytes.extend((entries.len() as u16).to_le_bytes());
        bytes.extend([0, 0]);
        bytes.extend(body);
        // u32s: an access list is aligned for its fields.
        let mut acl = vec![0u32; bytes.len().div_ceil(4)];
        // SAFETY: `acl` has room for every byte.
        unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), acl.as_mut_ptr().cast(), bytes.len()) };
        let mut owner = sid(5, 18);
        let security = Security {
            _descriptor: Local(null_mut()),
            owner: owner.as_mut_ptr().cast(),
            dacl: acl.as_mut_ptr().cast(),
        };
        security.untrusted(write, 0).unwrap()
    }

    /// Object entries, with and without their GUIDs, grant as plain ones do; entries that
    /// deny grant nothing; a kind authctl does not know is refused.
    #[test]
    fn every_kind_of_access_list_entry_is_judged() {
        let everyone = sid(1, 0);
        let system = entry(0, GENERIC_ALL, None, &sid(5, 18));
        let writable = Some(Untrusted::Writable { by: "S-1-1-0".into() });
        assert_eq!(judge(std::slice::from_ref(&system)), None);
        assert_eq!(judge(&[system.clone(), entry(0, 0x2, None, &everyone)]), writable);
        for flags in [0, 1, 2, 3] {
            let object = entry(5, 0x2, Some(flags), &everyone);
            assert_eq!(judge(&[system.clone(), object]), writable, "flags {flags}");
            let callback = entry(11, 0x2, Some(flags), &everyone);
            assert_eq!(judge(&[system.clone(), callback]), writable, "flags {flags}");
            let reads = entry(5, FILE_READ_DATA, Some(flags), &everyone);
            assert_eq!(judge(&[system.clone(), reads]), None, "flags {flags}");
        }
        assert_eq!(judge(&[entry(1, GENERIC_ALL, None, &everyone), system.clone()]), None);
        assert_eq!(
            judge(&[system.clone(), entry(4, 0x2, None, &everyone)]),
            Some(Untrusted::UnknownEntry { kind: 4 })
        );
        let mut cut_short = entry(5, 0x2, Some(3), &everyone);
        cut_short[2] = 20;
        cut_short.truncate(20);
        assert_eq!(
            judge(&[system.clone(), cut_short]),
            Some(Untrusted::UnknownEntry { kind: 5 })
        );
        // Above the cache: deleting in it or changing its access list counts; listing it
        // or adding to it does not.
        for mask in [FILE_DELETE_CHILD, WRITE_DAC, WRITE_OWNER, GENERIC_ALL] {
            let parent = [system.clone(), entry(0, mask, None, &everyone)];
            assert_eq!(judge_for(PARENT_WRITE, &parent), writable, "{mask:#x}");
        }
        for mask in [0x1, 0x2, 0x4, GENERIC_READ] {
            let parent = [system.clone(), entry(0, mask, None, &everyone)];
            assert_eq!(judge_for(PARENT_WRITE, &parent), None, "{mask:#x}");
        }
        // Entries too short for what they announce are not read past their end.
        let mut no_flags = entry(5, 0x2, None, &[]);
        no_flags[2] = 8;
        assert_eq!(
            judge(&[system.clone(), no_flags]),
            Some(Untrusted::UnknownEntry { kind: 5 })
        );
        let mut long_sid = everyone.clone();
        long_sid[1] = 5;
        assert_eq!(
            judge(&[system.clone(), entry(0, 0x2, None, &long_sid)]),
            Some(Untrusted::UnknownEntry { kind: 0 })
        );
        let no_security = Security {
            _descriptor: Local(null_mut()),
            owner: null_mut(),
            dacl: null_mut(),
        };
        assert_eq!(
            no_security.untrusted(DIR_WRITE, 0).unwrap(),
            Some(Untrusted::NoSecurity)
        );
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

    /// Through a link of the user's own, the folders the cache really is in are judged.
    #[test]
    fn the_folders_behind_a_link_count() {
        let tmp = tempfile::tempdir().unwrap();
        let shared = tmp.path().join("shared");
        let real = shared.join("cache");
        create_private_dir(&real).unwrap();
        set_access(&shared, &format!("D:P(A;;FA;;;{})(A;;FA;;;WD)", user_sid().unwrap()));
        let link = tmp.path().join("link");
        // Links need a privilege (or developer mode) on Windows, and Wine 8 makes ones it
        // cannot follow: where there is no working link, there is nothing to judge.
        if std::os::windows::fs::symlink_dir(&real, &link).is_err() || !link.is_dir() {
            eprintln!("no working directory links here; skipped");
            return;
        }
        let why = check_private_dir(&link).unwrap().unwrap();
        let Untrusted::Above { parent, .. } = &why else {
            panic!("{why:?}")
        };
        assert_eq!(fs::canonicalize(parent).unwrap(), fs::canonicalize(&shared).unwrap());
        set_access(&shared, &format!("D:P(A;;FA;;;{})", user_sid().unwrap()));
        assert_eq!(check_private_dir(&link).unwrap(), None);
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

    #[test]
    fn the_user_is_known() {
        assert!(user_sid().unwrap().starts_with("S-1-5-"), "{}", user_sid().unwrap());
        assert!(trusted(user_sid().unwrap()).unwrap());
        assert!(!trusted("S-1-1-0").unwrap());
    }
}

//! Unix: who may have written the config file, judged as Debian's ssh judges
//! `~/.ssh/config`, and how it is opened and read.

use std::ffi::{CStr, CString};
use std::fs::{File, Metadata, OpenOptions};
use std::io;
use std::os::fd::AsRawFd;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::Path;

use super::{Untrusted, euid};

/// Opens the config without waiting: a FIFO another user put in its place is judged,
/// not waited on for a writer. Reads then block as usual.
pub fn open_config(path: &Path) -> io::Result<File> {
    let file = OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)?;
    // SAFETY: F_GETFL/F_SETFL on a descriptor this function owns.
    unsafe {
        let flags = libc::fcntl(file.as_raw_fd(), libc::F_GETFL);
        if flags < 0 || libc::fcntl(file.as_raw_fd(), libc::F_SETFL, flags & !libc::O_NONBLOCK) < 0 {
            return Err(io::Error::last_os_error());
        }
    }
    Ok(file)
}

/// What changes whenever a file's content does (modern kernels give a change right
/// after a look a fine-grained time): two equal stamps around a read mean the file
/// did not change while it was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp(u64, u64, i64, i64, i64, i64);

pub fn stamp(meta: &Metadata) -> Stamp {
    Stamp(
        meta.ino(),
        meta.len(),
        meta.mtime(),
        meta.mtime_nsec(),
        meta.ctime(),
        meta.ctime_nsec(),
    )
}

/// A config file is trusted when the user, root or `trusted_owner` (a user name or
/// number) owns it, others may not write it, its group may write it only when that
/// group is the owner's own private group (umask 002 systems), and no access list lets
/// anyone else write it. It may be a pipe (`--config <(…)`); readers are not judged.
pub fn check_config_file(file: &File, trusted_owner: Option<&str>) -> io::Result<Option<Untrusted>> {
    let meta = file.metadata()?;
    let mode = meta.mode() & 0o7777;
    let owner = meta.uid();
    if ![euid(), 0].contains(&owner) {
        match trusted_owner.map(|name| (name, name.parse::<u32>().ok().or_else(|| user_named(name)))) {
            Some((_, Some(uid))) if uid == owner => {}
            Some((name, None)) => return Ok(Some(Untrusted::UnknownOwner { name: name.to_string() })),
            _ => return Ok(Some(Untrusted::NotOwned { owner })),
        }
    }
    Ok(if mode & 0o002 != 0 {
        Some(Untrusted::Writable { mode })
    } else if mode & 0o020 != 0 && has_access_list(file) {
        Some(Untrusted::AccessList { mode })
    } else if mode & 0o020 != 0 && !is_private_group(meta.gid(), owner) {
        Some(Untrusted::GroupWritable {
            mode,
            group: meta.gid(),
        })
    } else {
        None
    })
}

/// What to do about a config file judged `why`.
pub fn config_fix(why: &Untrusted, path: &Path) -> String {
    let path = quoted(&path.to_string_lossy());
    match why {
        Untrusted::NotOwned { .. } => format!(
            "copy it to a file of your own, or, where a CI job runs as root on a checkout of another account, set {} to that account",
            crate::config::OWNER_VAR
        ),
        Untrusted::UnknownOwner { .. } => format!("set {} to an account that exists", crate::config::OWNER_VAR),
        Untrusted::AccessList { .. } => format!("remove its access list: setfacl -b {path}"),
        _ => format!("make it writable by its owner alone: chmod go-w {path}"),
    }
}

/// `text` as one POSIX shell word.
fn quoted(text: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "/._-+=:,@%".contains(c);
    if !text.is_empty() && text.chars().all(plain) {
        return text.to_string();
    }
    format!("'{}'", text.replace('\'', "'\\''"))
}

/// With a POSIX access list, the group bits are its mask: named users and groups of the
/// list may write when they say so.
#[cfg(target_os = "linux")]
fn has_access_list(file: &File) -> bool {
    let name = c"system.posix_acl_access";
    // SAFETY: a size probe (no buffer) on a descriptor we hold.
    unsafe { libc::fgetxattr(file.as_raw_fd(), name.as_ptr(), std::ptr::null_mut(), 0) >= 0 }
}

#[cfg(not(target_os = "linux"))]
fn has_access_list(_file: &File) -> bool {
    false
}

/// The user number of the account `name`.
fn user_named(name: &str) -> Option<u32> {
    let name = CString::new(name).ok()?;
    let mut buf = vec![0 as libc::c_char; 16 * 1024];
    // SAFETY: all-zero is a valid passwd; getpwnam_r writes into it and `buf` only.
    let mut pwd: libc::passwd = unsafe { std::mem::zeroed() };
    let mut found = std::ptr::null_mut();
    // SAFETY: every pointer is valid for the call, `buf.len()` is the buffer's size.
    let rc = unsafe { libc::getpwnam_r(name.as_ptr(), &mut pwd, buf.as_mut_ptr(), buf.len(), &mut found) };
    (rc == 0 && !found.is_null()).then_some(pwd.pw_uid)
}

/// Whether `gid` is the private group of user `uid`: the user's primary group, named as
/// the user, with no other member — neither listed in any group of that number nor
/// having it as their own primary group.
fn is_private_group(gid: u32, uid: u32) -> bool {
    let Some((user, primary)) = user_of(uid) else {
        return false;
    };
    primary == gid && group_name(gid).as_deref() == Some(user.as_c_str()) && sole_member(gid, uid, &user)
}

fn user_of(uid: u32) -> Option<(CString, u32)> {
    let mut buf = vec![0 as libc::c_char; 16 * 1024];
    // SAFETY: all-zero is a valid passwd; getpwuid_r writes into it and `buf` only.
    let mut pwd: libc::passwd = unsafe { std::mem::zeroed() };
    let mut found = std::ptr::null_mut();
    // SAFETY: every pointer is valid for the call, `buf.len()` is the buffer's size.
    let rc = unsafe { libc::getpwuid_r(uid, &mut pwd, buf.as_mut_ptr(), buf.len(), &mut found) };
    if rc != 0 || found.is_null() {
        return None;
    }
    // SAFETY: pw_name is a NUL-terminated string in `buf`.
    Some((unsafe { CStr::from_ptr(pwd.pw_name) }.to_owned(), pwd.pw_gid))
}

fn group_name(gid: u32) -> Option<CString> {
    let mut buf = vec![0 as libc::c_char; 64 * 1024];
    // SAFETY: all-zero is a valid group; getgrgid_r writes into it and `buf` only.
    let mut grp: libc::group = unsafe { std::mem::zeroed() };
    let mut found = std::ptr::null_mut();
    // SAFETY: every pointer is valid for the call, `buf.len()` is the buffer's size.
    let rc = unsafe { libc::getgrgid_r(gid, &mut grp, buf.as_mut_ptr(), buf.len(), &mut found) };
    if rc != 0 || found.is_null() {
        return None;
    }
    // SAFETY: gr_name is a NUL-terminated string in `buf`.
    Some(unsafe { CStr::from_ptr(grp.gr_name) }.to_owned())
}

/// No account but `uid` belongs to group `gid`: every group entry of that number (names
/// may share one) lists no one else, and no other account has it as its primary group.
/// The whole user and group databases are walked, as Debian's ssh does.
fn sole_member(gid: u32, uid: u32, user: &CStr) -> bool {
    // SAFETY: the getgrent/getpwent walks are not thread-safe; the config is judged
    // before authctl starts any thread, and each entry is read before the next call.
    unsafe {
        let mut alone = true;
        libc::setgrent();
        loop {
            let grp = libc::getgrent();
            if grp.is_null() {
                break;
            }
            if (*grp).gr_gid != gid {
                continue;
            }
            let mut member = (*grp).gr_mem;
            while alone && !member.is_null() && !(*member).is_null() {
                alone = CStr::from_ptr(*member) == user;
                member = member.add(1);
            }
        }
        libc::endgrent();
        libc::setpwent();
        loop {
            let pwd = libc::getpwent();
            if pwd.is_null() || !alone {
                break;
            }
            alone = (*pwd).pw_gid != gid || (*pwd).pw_uid == uid;
        }
        libc::endpwent();
        alone
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixes_quote_the_path_for_the_shell() {
        assert_eq!(
            quoted("/home/me/.config/authctl/config.toml"),
            "/home/me/.config/authctl/config.toml"
        );
        assert_eq!(quoted("/tmp/sp dir/c.toml"), "'/tmp/sp dir/c.toml'");
        assert_eq!(quoted("/tmp/it's"), "'/tmp/it'\\''s'");
    }
}

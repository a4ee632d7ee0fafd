//! Reading the config file: where it is, whether it may be trusted, and its text, read
//! once into memory. Everything after works on that one copy.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use super::error::{ConfigError, locate};
use crate::platform;

/// No config is this large; a file (or pipe) that is, is refused rather than read on.
const MAX_CONFIG: u64 = 16 * 1024 * 1024;

/// How often a file that changes while it is read is read again before giving up.
const READS: usize = 3;

/// Names the one account besides the user's own (and root) whose config files are
/// trusted: for CI containers that run as root on a checkout the runner's account owns.
pub const OWNER_VAR: &str = "AUTHCTL_CONFIG_OWNER";

/// `--config`, else `$AUTHCTL_CONFIG` (clap fills `flag` from it), else the platform
/// config dir.
pub fn path(flag: Option<&Path>) -> Result<PathBuf, ConfigError> {
    if let Some(p) = flag.filter(|p| !p.as_os_str().is_empty()) {
        return Ok(p.to_path_buf());
    }
    let dirs = directories::ProjectDirs::from("", "", "authctl").ok_or(ConfigError::NoHome)?;
    Ok(dirs.config_dir().join("config.toml"))
}

/// The text of the file at `path`, read once, after judging who could have written it;
/// `None` when there is no file.
pub fn snapshot(path: &Path) -> Result<Option<String>, ConfigError> {
    let file = match platform::open_config(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(unreadable(path, e)),
    };
    trust(path, &file)?;
    let bytes = read_whole(path, &file)?;
    match String::from_utf8(bytes) {
        Ok(text) => Ok(Some(text)),
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let before = std::str::from_utf8(&e.as_bytes()[..valid]).unwrap_or_default();
            Err(ConfigError::Syntax {
                at: locate(path, before, valid),
                message: "this is not UTF-8 text; save the file as UTF-8".into(),
            })
        }
    }
}

fn unreadable(path: &Path, source: std::io::Error) -> ConfigError {
    ConfigError::Unreadable {
        path: path.to_path_buf(),
        source,
    }
}

/// The whole file in one read, checked not to have changed meanwhile: a file rewritten
/// in place while it is read is read again, so what is parsed is the file as it stood
/// at one moment. (A pipe cannot change under a reader; it is read as it comes.)
fn read_whole(path: &Path, mut file: &File) -> Result<Vec<u8>, ConfigError> {
    let io = |e| unreadable(path, e);
    for _ in 0..READS {
        let before = file.metadata().map_err(io)?;
        let regular = before.is_file();
        let mut bytes = Vec::with_capacity(if regular {
            before.len().min(MAX_CONFIG) as usize + 1
        } else {
            0
        });
        if regular {
            file.seek(SeekFrom::Start(0)).map_err(io)?;
        }
        file.take(MAX_CONFIG + 1).read_to_end(&mut bytes).map_err(io)?;
        if bytes.len() as u64 > MAX_CONFIG {
            return Err(ConfigError::TooLarge {
                path: path.to_path_buf(),
            });
        }
        let after = file.metadata().map_err(io)?;
        if !regular || (platform::stamp(&before) == platform::stamp(&after) && bytes.len() as u64 == after.len()) {
            return Ok(bytes);
        }
    }
    Err(ConfigError::Changing {
        path: path.to_path_buf(),
    })
}

/// A config says where secrets go and which commands run as the user: one that another
/// account could have written is refused, as ssh refuses such a `~/.ssh/config`.
fn trust(path: &Path, file: &File) -> Result<(), ConfigError> {
    let trusted_owner = std::env::var(OWNER_VAR).ok().filter(|v| !v.is_empty());
    match platform::check_config_file(file, trusted_owner.as_deref()) {
        Ok(None) => Ok(()),
        Ok(Some(why)) => Err(ConfigError::Untrusted {
            path: path.to_path_buf(),
            fix: platform::config_fix(&why, path),
            why: why.to_string(),
        }),
        Err(source) => Err(unreadable(path, source)),
    }
}

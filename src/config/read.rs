//! Reading the config file: where it is, whether it may be trusted, and its text, read
//! once into memory. Everything after works on that one copy, so a file rewritten while
//! authctl runs is seen either whole before or whole after, never a mix.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use super::error::ConfigError;
use crate::platform;

/// No config is this large; a file (or pipe) that is, is refused rather than read on.
const MAX_CONFIG: u64 = 16 * 1024 * 1024;

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
    let unreadable = |source| ConfigError::Unreadable {
        path: path.to_path_buf(),
        source,
    };
    let file = match File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(unreadable(e)),
    };
    trust(path, &file)?;
    let mut text = String::new();
    file.take(MAX_CONFIG + 1)
        .read_to_string(&mut text)
        .map_err(unreadable)?;
    if text.len() as u64 > MAX_CONFIG {
        return Err(ConfigError::TooLarge {
            path: path.to_path_buf(),
        });
    }
    Ok(Some(text))
}

/// A config says where secrets go and which commands run as the user: one that another
/// account could have written is refused, as ssh refuses such a `~/.ssh/config`.
fn trust(path: &Path, file: &File) -> Result<(), ConfigError> {
    let trusted_owner = std::env::var(OWNER_VAR).ok().filter(|v| !v.is_empty());
    let why = match platform::check_config_file(file, trusted_owner.as_deref()) {
        Ok(None) => return Ok(()),
        Ok(Some(why)) => why,
        Err(source) => {
            return Err(ConfigError::Unreadable {
                path: path.to_path_buf(),
                source,
            });
        }
    };
    let fix = platform::config_fix(&why, path);
    Err(ConfigError::Untrusted {
        path: path.to_path_buf(),
        why: why.to_string(),
        fix,
    })
}

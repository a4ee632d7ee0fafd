//! The one secret of each profile, and the lookup chain that finds it:
//! `--secret-stdin`, the environment, `secret_command`, the OS keyring.

use std::fmt;
use std::io::BufRead;
use std::process::{Command, Stdio};

use zeroize::Zeroizing;

use crate::config::Profile;
use crate::debug;
use crate::error::{self, Error, Result, one_line};

/// A secret or long-lived token. `Debug` never shows it and there is no `Display`:
/// the only way to the text is `expose`, which makes every use easy to find. Creating
/// one registers its value with `redact`, so it is scrubbed from every message even when
/// a server echoes it back.
#[derive(Clone)]
pub struct Secret(Zeroizing<String>);

impl Secret {
    pub fn new(value: String) -> Self {
        crate::redact::register(&value);
        Secret(Zeroizing::new(value))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(redacted)")
    }
}

/// Where a secret came from, for `secret status` and `-v`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Stdin,
    Env(String),
    Command(String),
    Keyring,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Stdin => f.write_str("standard input (--secret-stdin)"),
            Source::Env(name) => write!(f, "environment variable {name}"),
            Source::Command(prog) => write!(f, "secret_command ({prog})"),
            Source::Keyring => f.write_str("the OS keyring"),
        }
    }
}

/// `midigator-prod` → `AUTHCTL_SECRET_MIDIGATOR_PROD`.
pub fn default_env_name(profile: &str) -> String {
    let tail: String = profile
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect();
    format!("AUTHCTL_SECRET_{tail}")
}

/// The environment variable this profile's secret is read from.
pub fn env_name(profile: &Profile) -> String {
    profile
        .secret_env
        .clone()
        .unwrap_or_else(|| default_env_name(&profile.name))
}

/// Reads one line from standard input, without its line ending.
pub fn read_stdin_line() -> Result<Secret> {
    let mut line = Zeroizing::new(String::new());
    std::io::stdin().lock().read_line(&mut line)?;
    let trimmed = line.trim_end_matches(['\r', '\n']);
    if trimmed.is_empty() {
        return Err(error::secret("no secret on standard input (expected one line)"));
    }
    Ok(Secret::new(trimmed.to_string()))
}

/// Finds the profile's secret, first hit wins. Not found: exit 4 naming every place looked.
pub fn lookup(profile: &Profile, from_stdin: bool) -> Result<(Secret, Source)> {
    if from_stdin {
        return Ok((read_stdin_line()?, Source::Stdin));
    }
    let mut looked = Vec::new();

    let var = env_name(profile);
    match std::env::var(&var) {
        Ok(v) if !v.is_empty() => return Ok((Secret::new(v), Source::Env(var))),
        Ok(_) => looked.push(format!("${var} (set but empty)")),
        Err(_) => looked.push(format!("${var}")),
    }

    if let Some(argv) = &profile.secret_command {
        let secret = run_secret_command(&profile.name, argv)?;
        return Ok((secret, Source::Command(argv[0].clone())));
    }
    looked.push("secret_command (not configured)".into());

    match keyring::get(&profile.name) {
        Ok(Some(s)) => return Ok((s, Source::Keyring)),
        Ok(None) => looked.push(format!(
            "the OS keyring (service {}, user {})",
            keyring::SERVICE,
            profile.name
        )),
        Err(e) => looked.push(format!("the OS keyring (which {e})")),
    }

    Err(error::secret(format!(
        "no {} for profile {}: looked in {}; store one with `authctl secret set {}` or export {var}",
        profile.kind.secret_name(),
        profile.name,
        looked.join(", "),
        profile.name,
    )))
}

/// Runs `secret_command` without a shell; its stdout, less the trailing newline, is the secret.
fn run_secret_command(profile: &str, argv: &[String]) -> Result<Secret> {
    debug!(1, "profile {profile}: running secret_command {}", argv[0]);
    let output = Command::new(&argv[0])
        .args(&argv[1..])
        .stdin(Stdio::inherit())
        .stderr(Stdio::piped())
        .stdout(Stdio::piped())
        .output()
        .map_err(|e| {
            error::secret(format!(
                "profile {profile}: secret_command `{}` could not be started: {e}",
                argv[0]
            ))
        })?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        return Err(error::secret(format!(
            "profile {profile}: secret_command `{}` failed ({}): {}",
            argv[0],
            output.status,
            one_line(&crate::redact::scrub(&stderr), 300)
        )));
    }
    let stdout = Zeroizing::new(output.stdout);
    let text = std::str::from_utf8(&stdout).map_err(|_| {
        error::secret(format!(
            "profile {profile}: secret_command `{}` printed something that is not UTF-8",
            argv[0]
        ))
    })?;
    let text = text.strip_suffix('\n').unwrap_or(text);
    let text = text.strip_suffix('\r').unwrap_or(text);
    if text.is_empty() {
        return Err(error::secret(format!(
            "profile {profile}: secret_command `{}` printed nothing",
            argv[0]
        )));
    }
    Ok(Secret::new(text.to_string()))
}

/// The OS keyring, service `authctl`. Secrets live under the profile name; long-lived
/// tokens under `PROFILE/refresh_token` and similar (profile names cannot hold `/`).
pub mod keyring {
    use super::{Error, Result, Secret};

    pub const SERVICE: &str = "authctl";

    fn entry(user: &str) -> Result<keyring::Entry, String> {
        keyring::Entry::new(SERVICE, user).map_err(describe)
    }

    /// Why the keyring could not be used, as words that follow "the OS keyring": one line
    /// the user can act on. A store that never started reports its own start-up error.
    fn describe(e: keyring::Error) -> String {
        let cause = match (&e, keyring::Entry::store_status()) {
            (keyring::Error::NoDefaultStore, Err(init)) => init.to_string(),
            _ => e.to_string(),
        };
        let cause = crate::error::one_line(&cause, 200);
        match e {
            keyring::Error::NoDefaultStore
            | keyring::Error::PlatformFailure(_)
            | keyring::Error::NoStorageAccess(_) => {
                format!("is not reachable (is a Secret Service running on the D-Bus session bus?): {cause}")
            }
            _ => format!("failed: {cause}"),
        }
    }

    /// `Ok(None)` when nothing is stored; `Err` (a one-line reason) when the keyring failed.
    pub fn get(user: &str) -> Result<Option<Secret>, String> {
        match entry(user)?.get_password() {
            Ok(s) => Ok(Some(Secret::new(s))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(describe(e)),
        }
    }

    pub fn set(user: &str, value: &Secret) -> Result<(), String> {
        entry(user)?.set_password(value.expose()).map_err(describe)
    }

    /// True when something was deleted.
    pub fn delete(user: &str) -> Result<bool, String> {
        match entry(user)?.delete_credential() {
            Ok(()) => Ok(true),
            Err(keyring::Error::NoEntry) => Ok(false),
            Err(e) => Err(describe(e)),
        }
    }

    /// For commands where the keyring is the point (`secret set`): failure is exit 4.
    pub fn required<T>(r: Result<T, String>, profile: &str) -> Result<T, Error> {
        r.map_err(|reason| {
            Error::Secret(format!(
                "the OS keyring {reason}; without one, give the secret as ${} or with secret_command",
                super::default_env_name(profile)
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_name_upper_cases_and_replaces_non_alphanumerics() {
        assert_eq!(default_env_name("midigator-prod"), "AUTHCTL_SECRET_MIDIGATOR_PROD");
        assert_eq!(default_env_name("mg"), "AUTHCTL_SECRET_MG");
        assert_eq!(default_env_name("a.b_c"), "AUTHCTL_SECRET_A_B_C");
    }

    #[test]
    fn debug_never_shows_the_value() {
        let s = Secret::new("hunter2".into());
        assert_eq!(format!("{s:?}"), "Secret(redacted)");
        assert!(!format!("{:?}", Some(s)).contains("hunter2"));
    }
}

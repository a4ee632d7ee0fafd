//! The one secret of each profile (an API secret, a password or a client secret) and the
//! lookup chain that finds it: `--secret-stdin`, the environment, `secret_command`, the
//! OS keyring. `Secret` is also the type of every other secret-bearing value (refresh
//! tokens, developer tokens): zeroized on drop, hidden from `Debug`, and registered with
//! `redact` the moment it exists.

use std::fmt;
use std::io::BufRead;
use std::process::{Command, ExitStatus, Stdio};

use zeroize::Zeroizing;

use crate::debug;
use crate::keyring::{self, KeyringError};
use crate::log::one_line;

/// A secret-bearing value. `Debug` never shows it and there is no `Display`: the only
/// way to the text is `expose`, which makes every use easy to find.
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

/// Where a secret was found, for `secret status` and `-v`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    Stdin,
    Env(String),
    Command(String),
    Keyring,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Stdin => f.write_str("standard input (--secret-stdin)"),
            Origin::Env(name) => write!(f, "environment variable {name}"),
            Origin::Command(prog) => write!(f, "secret_command ({prog})"),
            Origin::Keyring => f.write_str("the OS keyring"),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error(
        "no {what} for profile {profile}: looked in {}; store one with `authctl secret set {profile}` or export {var}",
        looked.join(", ")
    )]
    NotFound {
        what: &'static str,
        profile: String,
        looked: Vec<String>,
        var: String,
    },
    #[error("no secret on standard input (expected one line)")]
    NoStdinLine,
    #[error("cannot read the secret from standard input")]
    Stdin(#[source] std::io::Error),
    #[error("profile {profile}: secret_command `{program}` could not be started")]
    CommandStart {
        profile: String,
        program: String,
        #[source]
        source: std::io::Error,
    },
    #[error("profile {profile}: secret_command `{program}` failed ({status}): {stderr}")]
    CommandFailed {
        profile: String,
        program: String,
        status: ExitStatus,
        stderr: String,
    },
    #[error("profile {profile}: secret_command `{program}` {problem}")]
    CommandOutput {
        profile: String,
        program: String,
        problem: &'static str,
    },
    #[error("{source}; without one, give the secret as ${var} or with secret_command")]
    KeyringNeeded {
        var: String,
        #[source]
        source: KeyringError,
    },
    #[error("the secret holds characters that cannot go in an HTTP header (a line break?); store it again")]
    NotHeaderSafe,
}

/// Where a profile's secret may come from, as its config says.
#[derive(Debug, Clone)]
pub struct SecretSpec {
    pub profile: String,
    /// What the secret is called: "API secret", "password", "client secret".
    pub what: &'static str,
    /// The variable it is read from: `secret_env`, else `AUTHCTL_SECRET_<PROFILE>`.
    pub env: String,
    /// `secret_command`: an argv, run without a shell.
    pub command: Option<Vec<String>>,
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

/// Where the lifecycle gets a profile's secret from, when it needs one.
pub trait SecretSource {
    fn secret(&self) -> Result<(Secret, Origin), SecretError>;
}

/// The lookup chain; first hit wins.
pub struct Lookup<'a> {
    pub spec: &'a SecretSpec,
    /// `--secret-stdin`.
    pub stdin: bool,
}

impl SecretSource for Lookup<'_> {
    fn secret(&self) -> Result<(Secret, Origin), SecretError> {
        let spec = self.spec;
        if self.stdin {
            return Ok((read_stdin_line()?, Origin::Stdin));
        }
        let mut looked = Vec::new();
        match std::env::var(&spec.env) {
            Ok(v) if !v.is_empty() => return Ok((Secret::new(v), Origin::Env(spec.env.clone()))),
            Ok(_) => looked.push(format!("${} (set but empty)", spec.env)),
            Err(_) => looked.push(format!("${}", spec.env)),
        }
        if let Some(argv) = &spec.command {
            return Ok((
                run_secret_command(&spec.profile, argv)?,
                Origin::Command(argv[0].clone()),
            ));
        }
        looked.push("secret_command (not configured)".into());
        match keyring::get(&spec.profile) {
            Ok(Some(s)) => return Ok((Secret::new(s.to_string()), Origin::Keyring)),
            Ok(None) => looked.push(format!(
                "the OS keyring (service {}, user {})",
                keyring::SERVICE,
                spec.profile
            )),
            Err(e) => looked.push(format!("the OS keyring ({})", crate::log::chain(&e))),
        }
        Err(SecretError::NotFound {
            what: spec.what,
            profile: spec.profile.clone(),
            looked,
            var: spec.env.clone(),
        })
    }
}

/// Reads one line from standard input, without its line ending.
pub fn read_stdin_line() -> Result<Secret, SecretError> {
    let mut line = Zeroizing::new(String::new());
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(SecretError::Stdin)?;
    let trimmed = line.trim_end_matches(['\r', '\n']);
    if trimmed.is_empty() {
        return Err(SecretError::NoStdinLine);
    }
    Ok(Secret::new(trimmed.to_string()))
}

/// Runs `secret_command` without a shell; its stdout, less the trailing newline, is the
/// secret.
fn run_secret_command(profile: &str, argv: &[String]) -> Result<Secret, SecretError> {
    debug!(1, "profile {profile}: running secret_command {}", argv[0]);
    let program = || argv[0].clone();
    let output = Command::new(&argv[0])
        .args(&argv[1..])
        .stdin(Stdio::inherit())
        .stderr(Stdio::piped())
        .stdout(Stdio::piped())
        .output()
        .map_err(|source| SecretError::CommandStart {
            profile: profile.to_string(),
            program: program(),
            source,
        })?;
    let stdout = Zeroizing::new(output.stdout);
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        return Err(SecretError::CommandFailed {
            profile: profile.to_string(),
            program: program(),
            status: output.status,
            stderr: one_line(&crate::redact::scrub(&stderr), 300),
        });
    }
    let bad = |problem| SecretError::CommandOutput {
        profile: profile.to_string(),
        program: program(),
        problem,
    };
    let text = std::str::from_utf8(&stdout).map_err(|_| bad("printed something that is not UTF-8"))?;
    let text = text.strip_suffix('\n').unwrap_or(text);
    let text = text.strip_suffix('\r').unwrap_or(text);
    if text.is_empty() {
        return Err(bad("printed nothing"));
    }
    Ok(Secret::new(text.to_string()))
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
        let s = Secret::new("unit-secret-hunter2".into());
        assert_eq!(format!("{s:?}"), "Secret(redacted)");
        assert!(!format!("{:?}", Some(s)).contains("hunter2"));
    }
}

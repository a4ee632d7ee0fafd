//! The one secret of each profile (an API secret, a password or a client secret) and the
//! lookup chain that finds it: `--secret-stdin`, the environment, `secret_command`, the
//! OS keyring. `Secret` is also the type of every other secret-bearing value (refresh
//! tokens, developer tokens): zeroized on drop, hidden from `Debug`, and registered with
//! `redact` the moment it exists.

use std::fmt;
use std::io::{BufRead, Read};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use zeroize::Zeroizing;

use crate::debug;
use crate::keyring::{self, KeyringError};
use crate::log::one_line;
use crate::platform;

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
    /// The demo's sandbox credentials.
    Sandbox,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Stdin => f.write_str("standard input (--secret-stdin)"),
            Origin::Env(name) => write!(f, "environment variable {name}"),
            Origin::Command(prog) => write!(f, "secret_command ({prog})"),
            Origin::Keyring => f.write_str("the OS keyring"),
            Origin::Sandbox => f.write_str("the sandbox's demo credentials"),
        }
    }
}

impl Origin {
    /// For a login the provider refused: where its `what` (the API secret, the password)
    /// came from and how to change it.
    pub fn how_to_change(&self, what: &str, profile: &str) -> String {
        match self {
            Origin::Keyring => {
                format!("the {what} came from the OS keyring: `authctl secret set {profile}` to replace it")
            }
            Origin::Env(var) => format!("the {what} came from ${var}: correct it, or unset it to use the keyring"),
            Origin::Command(prog) => {
                format!("the {what} came from secret_command {prog}: check what it prints")
            }
            Origin::Stdin => format!("the {what} came from standard input (--secret-stdin)"),
            Origin::Sandbox => format!("the {what} came from the sandbox's demo credentials"),
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
    /// `secret status`, which has listed every place on stdout.
    #[error(
        "no {what} for profile {profile} in any of the places listed; store one with `authctl secret set {profile}` or export {var}"
    )]
    NotFoundListed {
        what: &'static str,
        profile: String,
        var: String,
    },
    #[error("no secret on standard input (expected one line)")]
    NoStdinLine,
    #[error("standard input holds more than 64 KiB before its first line ends; that is no secret")]
    StdinTooLong,
    #[error("cannot read the secret from standard input")]
    Stdin(#[source] std::io::Error),
    #[error("profile {profile}: {key} `{program}` could not be started")]
    CommandStart {
        profile: String,
        key: &'static str,
        program: String,
        #[source]
        source: std::io::Error,
    },
    #[error("profile {profile}: {key} `{program}` failed ({status}): {stderr}")]
    CommandFailed {
        profile: String,
        key: &'static str,
        program: String,
        status: ExitStatus,
        stderr: String,
    },
    #[error("profile {profile}: {key} `{program}` {problem}")]
    CommandOutput {
        profile: String,
        key: &'static str,
        program: String,
        problem: String,
    },
    #[error("{source}; without one, give the secret as ${var} or with secret_command")]
    KeyringNeeded {
        var: String,
        #[source]
        source: KeyringError,
    },
    #[error("the secret holds characters that cannot go in an HTTP header (a line break?); store it again")]
    NotHeaderSafe,
    /// The config file does not parse, so which variables hold secrets (`secret_env`)
    /// cannot be told: no child may start.
    #[error(
        "profile {profile}: secret_command not run: the config file must parse to tell which variables hold secrets"
    )]
    EnvUnknown {
        profile: String,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

/// The variables the profiles' `secret_env` keys name, or why they cannot be told.
pub type SecretEnvs = Result<Vec<String>, Box<dyn std::error::Error + Send + Sync>>;

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
    env_name("AUTHCTL_SECRET_", profile)
}

/// `prefix` and `name` upper-cased, with `_` for every character that is not an ASCII
/// letter or digit: a name every shell can export.
pub fn env_name(prefix: &str, name: &str) -> String {
    let tail = name.chars().map(|c| match c.is_ascii_alphanumeric() {
        true => c.to_ascii_uppercase(),
        false => '_',
    });
    prefix.chars().chain(tail).collect()
}

/// Where the lifecycle gets a profile's secret from, when it needs one.
pub trait SecretSource {
    fn secret(&self) -> Result<(Secret, Origin), SecretError>;

    /// Runs another command of the profile's (`key`, such as `subject_token_command`)
    /// under the rules of `secret_command`; its stdout is a secret.
    fn run(&self, key: &'static str, argv: &[String]) -> Result<Secret, SecretError> {
        Err(SecretError::CommandOutput {
            profile: String::new(),
            key,
            program: argv.first().cloned().unwrap_or_default(),
            problem: "cannot run here".into(),
        })
    }

    /// The variables every profile's `secret_env` names: no child may get them.
    fn secret_envs(&self) -> Vec<String> {
        Vec::new()
    }
}

/// The lookup chain; first hit wins.
pub struct Lookup<'a> {
    pub spec: &'a SecretSpec,
    /// `--secret-stdin`.
    pub stdin: bool,
    /// How long `secret_command` may take.
    pub timeout: Duration,
    /// The variables every profile's `secret_env` names, kept from `secret_command`.
    pub secret_envs: &'a dyn Fn() -> SecretEnvs,
}

impl SecretSource for Lookup<'_> {
    fn secret_envs(&self) -> Vec<String> {
        (self.secret_envs)().unwrap_or_default()
    }

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
                run_command(spec, "secret_command", argv, self.timeout, self.secret_envs)?,
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
            // Storing one would not help: say how to do without the keyring.
            Err(source @ KeyringError::NoAnswer) => {
                return Err(SecretError::KeyringNeeded {
                    var: spec.env.clone(),
                    source,
                });
            }
            Err(e) => looked.push(format!("the OS keyring ({})", crate::log::chain(&e))),
        }
        Err(SecretError::NotFound {
            what: spec.what,
            profile: spec.profile.clone(),
            looked,
            var: spec.env.clone(),
        })
    }

    fn run(&self, key: &'static str, argv: &[String]) -> Result<Secret, SecretError> {
        run_command(self.spec, key, argv, self.timeout, self.secret_envs)
    }
}

/// The longest secret authctl reads from standard input.
pub const MAX_STDIN_SECRET: usize = 64 * 1024;

/// Reads one line (at most 64 KiB) from standard input, without its line ending.
pub fn read_stdin_line() -> Result<Secret, SecretError> {
    let mut line = Zeroizing::new(String::new());
    std::io::stdin()
        .lock()
        .take(MAX_STDIN_SECRET as u64 + 1)
        .read_line(&mut line)
        .map_err(SecretError::Stdin)?;
    if line.len() > MAX_STDIN_SECRET {
        return Err(SecretError::StdinTooLong);
    }
    let trimmed = line.trim_end_matches(['\r', '\n']);
    if trimmed.is_empty() {
        return Err(SecretError::NoStdinLine);
    }
    Ok(Secret::new(trimmed.to_string()))
}

/// All of standard input if it is at most `cap` bytes; `None` when there is more.
pub fn read_stdin_all(cap: usize) -> Result<Option<Zeroizing<Vec<u8>>>, SecretError> {
    let mut bytes = Zeroizing::new(Vec::new());
    std::io::stdin()
        .lock()
        .take(cap as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(SecretError::Stdin)?;
    Ok((bytes.len() <= cap).then_some(bytes))
}

/// More than this on a `secret_command`'s stdout is not a secret.
const MAX_COMMAND_OUTPUT: usize = 64 * 1024;
/// Enough of a failing `secret_command`'s stderr to say why.
const MAX_COMMAND_STDERR: usize = 16 * 1024;

/// The shared cache's Redis password (see `shared_cache`): a secret no child gets.
pub const SHARED_CACHE_PASSWORD_VAR: &str = "AUTHCTL_SHARED_CACHE_PASSWORD";

/// Keeps secrets out of a child's environment: every `AUTHCTL_SECRET_*`, the shared
/// cache's password, and the variables the profiles' `secret_env` keys name.
pub fn scrub_child_env(cmd: &mut Command, secret_envs: &[String]) {
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy();
        if name.starts_with("AUTHCTL_SECRET_")
            || name == SHARED_CACHE_PASSWORD_VAR
            || secret_envs.iter().any(|s| *s == name)
        {
            cmd.env_remove(name.as_ref());
        }
    }
}

/// Reads at most `cap + 1` bytes of `from` on a thread of its own; the channel gets them
/// when the stream ends or the cap is passed.
fn read_capped(from: impl Read + Send + 'static, cap: usize) -> mpsc::Receiver<Zeroizing<Vec<u8>>> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut bytes = Zeroizing::new(Vec::new());
        let _ = from.take(cap as u64 + 1).read_to_end(&mut bytes);
        let _ = tx.send(bytes);
    });
    rx
}

/// Runs `secret_command` (or another command of the profile's, named by its `key`)
/// without a shell, with stdin closed, no secrets in its environment, for at most
/// `timeout`; its stdout, less the trailing newline, is the secret.
fn run_command(
    spec: &SecretSpec,
    key: &'static str,
    argv: &[String],
    timeout: Duration,
    scrub: &dyn Fn() -> SecretEnvs,
) -> Result<Secret, SecretError> {
    let profile = &spec.profile;
    debug!(1, "profile {profile}: running {key} {}", argv[0]);
    let fail = |problem: String| SecretError::CommandOutput {
        profile: profile.clone(),
        key,
        program: argv[0].clone(),
        problem,
    };
    let mut child = start_command(spec, key, argv, scrub)?;
    let stdout = read_capped(child.stdout.take().expect("piped"), MAX_COMMAND_OUTPUT);
    let stderr = read_capped(child.stderr.take().expect("piped"), MAX_COMMAND_STDERR);
    // A timeout of centuries is as good as none, and must not overflow the clock.
    let deadline = Instant::now() + timeout.min(Duration::from_secs(86_400 * 365));
    let too_slow = |child: &mut std::process::Child| {
        platform::kill_group(child);
        fail(format!(
            "did not finish within {} (the profile's timeout) and was stopped",
            humantime::format_duration(timeout)
        ))
    };
    let Ok(out) = stdout.recv_timeout(deadline.saturating_duration_since(Instant::now())) else {
        return Err(too_slow(&mut child));
    };
    if out.len() > MAX_COMMAND_OUTPUT {
        platform::kill_group(&mut child);
        return Err(fail("printed more than 64 KiB, which is no secret".into()));
    }
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() >= deadline => return Err(too_slow(&mut child)),
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(e) => return Err(fail(format!("could not be waited for: {e}"))),
        }
    };
    if !status.success() {
        let said = stderr.recv_timeout(Duration::from_millis(100)).unwrap_or_default();
        return Err(SecretError::CommandFailed {
            profile: profile.clone(),
            key,
            program: argv[0].clone(),
            status,
            stderr: one_line(&crate::redact::scrub(&String::from_utf8_lossy(&said)), 300),
        });
    }
    secret_in(&out).map_err(|problem| fail(problem.into()))
}

/// Starts a command of the profile's with stdin closed, its output piped, no secrets in
/// its environment, in a process group of its own.
fn start_command(
    spec: &SecretSpec,
    key: &'static str,
    argv: &[String],
    scrub: &dyn Fn() -> SecretEnvs,
) -> Result<std::process::Child, SecretError> {
    let mut cmd = Command::new(&argv[0]);
    cmd.args(&argv[1..])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut secret_envs = (scrub)().map_err(|source| SecretError::EnvUnknown {
        profile: spec.profile.clone(),
        source,
    })?;
    secret_envs.push(spec.env.clone());
    scrub_child_env(&mut cmd, &secret_envs);
    platform::spawn_group(&mut cmd).map_err(|source| SecretError::CommandStart {
        profile: spec.profile.clone(),
        key,
        program: argv[0].clone(),
        source,
    })
}

/// The secret a command printed: UTF-8, without its line ending, not empty.
fn secret_in(out: &[u8]) -> Result<Secret, &'static str> {
    let text = std::str::from_utf8(out).map_err(|_| "printed something that is not UTF-8")?;
    let text = text.strip_suffix('\n').unwrap_or(text);
    let text = text.strip_suffix('\r').unwrap_or(text);
    if text.is_empty() {
        return Err("printed nothing");
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

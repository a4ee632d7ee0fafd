//! Errors. Each domain has a typed error that keeps its cause as a `#[source]` (the gix
//! way), defined beside the code that raises it: `ConfigError`, `SecretError`,
//! `KeyringError`, `CacheError`, `BrowserError`, `TransportError`. Here are the ones that
//! span modules — `ProviderError` (a provider failed) and `RefusalError` (the lifecycle
//! will not go on) — and `Error`, which gathers them all and knows each one's exit code.
//! Messages are whole statements; `Error::report` makes the one line the user sees: the
//! message, then the innermost cause — the one that says what happened.

use std::fmt;
use std::io;

use reqwest::Url;

use crate::browser::BrowserError;
use crate::cache::CacheError;
use crate::config::ConfigError;
use crate::credentials::CredentialKind;
pub use crate::exit::Exit;
use crate::http::TransportError;
use crate::log::chain;
use crate::providers::oauth2::error::OAuthError;
use crate::providers::{BadAnswer, Kind};
use crate::secret::SecretError;
use crate::time::UnixTime;
use crate::token::UnsafeToken;

/// Every failure, boxed by domain so that `Result<T>` stays small.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A usage error found after clap parsed the arguments.
    #[error("{0}")]
    Usage(String),
    #[error(transparent)]
    Config(Box<ConfigError>),
    #[error(transparent)]
    Secret(Box<SecretError>),
    #[error(transparent)]
    Provider(Box<ProviderError>),
    #[error(transparent)]
    Refused(Box<RefusalError>),
    #[error(transparent)]
    Browser(Box<BrowserError>),
    #[error(transparent)]
    Cache(Box<CacheError>),
    #[error(transparent)]
    OAuth(Box<OAuthError>),
    /// The renewal this process waited for failed in another process (`by`: "another
    /// authctl process", or a machine of the fleet): its report.
    #[error("{message} (met by {by} renewing {profile} just now)")]
    Shared {
        by: &'static str,
        profile: String,
        exit: Exit,
        message: String,
    },
    /// A command authctl was asked to run (`exec`, `curl`) could not be started.
    #[error("cannot run `{program}`{hint}")]
    Run {
        program: String,
        hint: &'static str,
        #[source]
        source: io::Error,
    },
    /// Any other I/O failure: `what` says what authctl was doing.
    #[error("{what}")]
    Io {
        what: String,
        #[source]
        source: io::Error,
    },
}

macro_rules! from_domain {
    ($($variant:ident($ty:ty)),*) => {
        $(impl From<$ty> for Error {
            fn from(e: $ty) -> Error {
                Error::$variant(Box::new(e))
            }
        })*
    };
}

from_domain!(
    Config(ConfigError),
    Secret(SecretError),
    Provider(ProviderError),
    Refused(RefusalError),
    Browser(BrowserError),
    Cache(CacheError),
    OAuth(OAuthError)
);

impl Error {
    pub fn exit(&self) -> Exit {
        match self {
            Error::Usage(_) => Exit::Usage,
            Error::Config(_) => Exit::Config,
            Error::Secret(e) if matches!(**e, SecretError::EnvUnknown { .. }) => Exit::Config,
            Error::Secret(_) => Exit::Secret,
            Error::Provider(e) => e.exit(),
            Error::Refused(_) => Exit::Rejected,
            Error::Browser(e) => e.exit(),
            Error::Cache(e) => e.exit(),
            Error::OAuth(e) => match **e {
                // The profile's key or the CI's token: the secret's part, exit 4.
                OAuthError::Key { .. } | OAuthError::NoRunner { .. } | OAuthError::BadRunnerUrl { .. } => Exit::Secret,
                OAuthError::NoRunnerToken { .. }
                | OAuthError::WrongIssuer { .. }
                | OAuthError::NoEndpoint { .. }
                | OAuthError::BadEndpoint { .. }
                | OAuthError::IdToken(_) => Exit::Upstream,
            },
            Error::Shared { exit, .. } => *exit,
            Error::Run { source, .. } if source.kind() == io::ErrorKind::NotFound => Exit::NotFound,
            Error::Run { .. } => Exit::NotExecutable,
            Error::Io { .. } => Exit::Failure,
        }
    }

    pub fn io(what: impl Into<String>, source: io::Error) -> Error {
        Error::Io {
            what: what.into(),
            source,
        }
    }

    /// A login the provider refused (400, 401, 403) says where the secret it was sent
    /// came from and how to change it: `said` tells.
    pub fn with_secret_from(mut self, said: impl FnOnce() -> String) -> Error {
        if let Error::Provider(e) = &mut self
            && e.exit() == Exit::Rejected
            && let Problem::Status { secret_from, .. } = &mut e.problem
        {
            *secret_from = Some(said());
        }
        self
    }

    /// True when the error is stdout closing under us (`authctl token | head -c0`).
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, Error::Io { source, .. } if source.kind() == io::ErrorKind::BrokenPipe)
    }

    /// True when the error is a server's answer to a request — a refusal, an error
    /// status, no answer in time, a body that is not a usable answer — rather than
    /// something of this process's own: its input, its settings, its mode, its machine.
    /// Every variant is named, so a new one must be placed on one side or the other.
    pub fn is_servers_answer(&self) -> bool {
        match self {
            Error::Provider(_) => true,
            // What the issuer's metadata or the runner said; not the key or the environment.
            Error::OAuth(e) => matches!(
                **e,
                OAuthError::NoRunnerToken { .. }
                    | OAuthError::WrongIssuer { .. }
                    | OAuthError::NoEndpoint { .. }
                    | OAuthError::BadEndpoint { .. }
                    | OAuthError::IdToken(_)
            ),
            Error::Refused(refusal) => match **refusal {
                RefusalError::RefreshTokenRefused { .. } | RefusalError::InstallationRefused { .. } => true,
                RefusalError::NoRefreshToken { .. } => false,
            },
            // A waiter's copy of another process's failure is never passed on again.
            Error::Shared { .. } => false,
            Error::Usage(_)
            | Error::Config(_)
            | Error::Secret(_)
            | Error::Browser(_)
            | Error::Cache(_)
            | Error::Run { .. }
            | Error::Io { .. } => false,
        }
    }

    /// The line the user sees: the message and, when there is one, the innermost cause.
    pub fn report(&self) -> String {
        chain(self)
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A provider that failed: who, where, and what went wrong.
#[derive(Debug)]
pub struct ProviderError {
    pub provider: Kind,
    pub url: Url,
    pub problem: Problem,
}

#[derive(Debug)]
pub enum Problem {
    /// A non-2xx answer, with the provider's message or the documented meaning.
    Status {
        status: u16,
        message: Option<String>,
        /// For a refused login: where the secret came from and how to change it.
        secret_from: Option<String>,
        /// The OAuth error code of the answer (RFC 6749 §5.2), if it has one.
        error: Option<String>,
    },
    Transport(TransportError),
    NotJson {
        status: u16,
        snippet: String,
        source: serde_json::Error,
    },
    BadAnswer(BadAnswer),
    /// The access token is not a safe bearer token: never printed or cached.
    UnsafeToken(UnsafeToken),
    /// A refresh or developer token that could not go into a header later.
    UnsafeCredential {
        kind: CredentialKind,
        why: UnsafeToken,
    },
    /// A new token whose JWT says it ended already: a clock is wrong.
    AlreadyExpired {
        exp: UnixTime,
        now: UnixTime,
    },
}

/// OAuth error codes that refuse the client or its grant: exit 5.
const REJECTING: [&str; 3] = ["invalid_client", "invalid_grant", "unauthorized_client"];

impl ProviderError {
    pub fn exit(&self) -> Exit {
        match &self.problem {
            Problem::Status {
                status: 400 | 401 | 403,
                ..
            } => Exit::Rejected,
            // The client or its grant refused, whatever status carried the answer.
            Problem::Status { error: Some(code), .. } if REJECTING.contains(&code.as_str()) => Exit::Rejected,
            _ => Exit::Upstream,
        }
    }

    /// The HTTP status of a non-2xx answer.
    pub fn status(&self) -> Option<u16> {
        match self.problem {
            Problem::Status { status, .. } => Some(status),
            _ => None,
        }
    }
}

impl fmt::Display for ProviderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let who = format!("{} ({})", self.provider, self.url);
        match &self.problem {
            Problem::Status {
                status,
                message,
                secret_from,
                ..
            } => {
                let reason = reqwest::StatusCode::from_u16(*status)
                    .ok()
                    .and_then(|s| s.canonical_reason())
                    .unwrap_or("");
                write!(f, "{who} answered HTTP {status} {reason}")?;
                if let Some(m) = message {
                    write!(f, ": {m}")?;
                }
                match secret_from {
                    Some(s) => write!(f, " ({s})"),
                    None => Ok(()),
                }
            }
            Problem::Transport(TransportError::Connect(e)) if answered_in_plain_http(e) => write!(
                f,
                "cannot connect to {who}: it answered in plain http, not TLS; is https:// meant to be http://?"
            ),
            Problem::Transport(TransportError::Connect(_)) => write!(f, "cannot connect to {who}"),
            Problem::Transport(TransportError::Timeout(after)) => write!(
                f,
                "{who} did not answer within {} (raise --timeout or the profile's timeout)",
                crate::output::duration(*after)
            ),
            Problem::Transport(TransportError::TooLarge) => {
                write!(f, "{who} sent a response body over 1 MiB; refused")
            }
            Problem::Transport(other) => write!(f, "request to {who} failed: {other}"),
            Problem::NotJson {
                status,
                snippet,
                source,
            } => write!(
                f,
                "{who} answered HTTP {status} with a body that is not valid JSON ({source}): {snippet}"
            ),
            Problem::BadAnswer(bad) => write!(f, "{who} answered badly: {bad}"),
            Problem::UnsafeToken(why) => write!(f, "{who} sent an unusable token, not printed: {why}"),
            Problem::UnsafeCredential { kind, why } => {
                write!(f, "{who} sent an unusable {kind}, not kept: {why}")
            }
            Problem::AlreadyExpired { exp, now } => write!(
                f,
                "{who} sent a token that expired {} ago by this machine's clock; check the clock (date -u) or the provider's",
                crate::output::duration(std::time::Duration::from_secs(
                    exp.secs_until(*now).ceil().max(0.0) as u64
                ))
            ),
        }
    }
}

impl std::error::Error for ProviderError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.problem {
            Problem::Transport(TransportError::Connect(e) | TransportError::Other(e)) => Some(e),
            _ => None,
        }
    }
}

/// The lifecycle refusing to go on, with what to do instead (exit 5).
#[derive(Debug, thiserror::Error)]
pub enum RefusalError {
    #[error(
        "no refresh token is stored for profile {profile}; log in first: authctl {provider} login --profile {profile}"
    )]
    NoRefreshToken { profile: String, provider: Kind },
    #[error(
        "{cause}; the stored refresh token is no longer accepted: log in again with `authctl {provider} login --profile {profile}`"
    )]
    RefreshTokenRefused {
        profile: String,
        provider: Kind,
        cause: ProviderError,
    },
    #[error("{provider} refused installation {installation} right after a fresh login: {cause}")]
    InstallationRefused {
        provider: Kind,
        installation: String,
        cause: ProviderError,
    },
}

/// A TLS handshake that met an HTTP answer: rustls reads its first bytes as a record of
/// an unknown type.
fn answered_in_plain_http(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut source = Some(e);
    while let Some(e) = source {
        if e.to_string().contains("InvalidContentType") {
            return true;
        }
        source = e.source();
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_ends_with_the_innermost_cause() {
        let e = Error::io(
            "cannot write cache entry /c/mg.json",
            io::Error::new(io::ErrorKind::StorageFull, "No space left on device"),
        );
        assert_eq!(
            e.report(),
            "cannot write cache entry /c/mg.json: No space left on device"
        );
        assert_eq!(Error::Usage("say which".into()).report(), "say which");
    }
}

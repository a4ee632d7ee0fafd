//! One error type for the whole program; each variant knows its exit code.

use std::fmt;

/// The exit codes of the contract. Clap exits with 2 on its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum ExitCode {
    Success = 0,
    General = 1,
    Usage = 2,
    Config = 3,
    Secret = 4,
    Rejected = 5,
    Upstream = 6,
    Browser = 7,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// No or invalid config, unknown profile, bad key or URL.
    #[error("{0}")]
    Config(String),
    /// A usage error found after clap parsed the arguments.
    #[error("{0}")]
    Usage(String),
    /// No secret found, or the keyring failed.
    #[error("{0}")]
    Secret(String),
    /// The provider rejected the credentials or token (400, 401, 403).
    #[error("{0}")]
    Rejected(String),
    /// The provider could not be reached or answered badly.
    #[error("{0}")]
    Upstream(String),
    /// The browser flow timed out or was cancelled.
    #[error("{0}")]
    Browser(String),
    #[error(transparent)]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

impl Error {
    pub fn exit_code(&self) -> ExitCode {
        match self {
            Error::Config(_) => ExitCode::Config,
            Error::Usage(_) => ExitCode::Usage,
            Error::Secret(_) => ExitCode::Secret,
            Error::Rejected(_) => ExitCode::Rejected,
            Error::Upstream(_) => ExitCode::Upstream,
            Error::Browser(_) => ExitCode::Browser,
            Error::Io(_) | Error::Other(_) => ExitCode::General,
        }
    }

    /// True when the error is stdout closing under us (`authctl token | head -c0`).
    pub fn is_broken_pipe(&self) -> bool {
        match self {
            Error::Io(e) => e.kind() == std::io::ErrorKind::BrokenPipe,
            Error::Other(e) => e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }),
            _ => false,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Shorthand constructors so call sites read as sentences.
pub fn config(msg: impl fmt::Display) -> Error {
    Error::Config(msg.to_string())
}
pub fn upstream(msg: impl fmt::Display) -> Error {
    Error::Upstream(msg.to_string())
}
pub fn secret(msg: impl fmt::Display) -> Error {
    Error::Secret(msg.to_string())
}

/// Keeps provider text to one line of sane length: it ends up in a terminal.
pub fn one_line(text: &str, max_chars: usize) -> String {
    let joined = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let cleaned: String = joined.chars().filter(|c| !c.is_control()).collect();
    if cleaned.chars().count() > max_chars {
        let mut cut: String = cleaned.chars().take(max_chars).collect();
        cut.push('…');
        cut
    } else {
        cleaned
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_folds_whitespace_and_truncates() {
        assert_eq!(one_line("bad\r\n  secret\tgiven", 100), "bad secret given");
        assert_eq!(one_line("abcdef", 3), "abc…");
    }
}

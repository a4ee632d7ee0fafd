//! The exit codes of the contract, one enum. Clap exits with 2 on its own; `exec` and
//! `curl` pass their child's code through.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Exit {
    Success = 0,
    Failure = 1,
    Usage = 2,
    Config = 3,
    Secret = 4,
    Rejected = 5,
    Upstream = 6,
    Browser = 7,
}

impl Exit {
    /// The exit of a code authctl itself gave (read back from a failure record).
    pub fn from_code(code: u8) -> Exit {
        [
            Exit::Success,
            Exit::Failure,
            Exit::Usage,
            Exit::Config,
            Exit::Secret,
            Exit::Rejected,
            Exit::Upstream,
            Exit::Browser,
        ]
        .into_iter()
        .find(|e| *e as u8 == code)
        .unwrap_or(Exit::Failure)
    }
}

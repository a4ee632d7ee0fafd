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
    /// A command to run was found but could not be run (as a shell says).
    NotExecutable = 126,
    /// A command to run was not found (as a shell says).
    NotFound = 127,
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
            Exit::NotExecutable,
            Exit::NotFound,
        ]
        .into_iter()
        .find(|e| *e as u8 == code)
        .unwrap_or(Exit::Failure)
    }
}

//! Everything that differs between operating systems, behind one small interface: file
//! modes and ownership, opening without following links, core dumps, signals and process
//! replacement. The rest of authctl has no `cfg`.

#[cfg(unix)]
mod unix;
#[cfg(unix)]
pub use unix::*;

#[cfg(windows)]
mod windows;
#[cfg(windows)]
pub use windows::*;

use std::io::{self, Write};
use std::path::Path;

/// Who is at the other end of a loopback TCP connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Peer {
    /// This system cannot tell (no table of sockets to read).
    Unknowable,
    /// The system can tell, but the connection is not in its table (it has gone).
    Gone,
    /// The user that owns the far end.
    User(u32),
}

/// The user behind a loopback connection whose own end is `local`. A connection the
/// system can judge but cannot find any more is `Gone`; where the system cannot tell at
/// all, `Unknowable`.
pub fn connection_owner(local: io::Result<std::net::SocketAddr>, peer: std::net::SocketAddr) -> Peer {
    match local {
        Ok(local) => peer_user(local, peer),
        Err(_) => Peer::Gone,
    }
}

/// Where the owner of a connection cannot be looked up, every connection is unknowable.
#[cfg(all(unix, not(target_os = "linux")))]
pub fn peer_user(_local: std::net::SocketAddr, _peer: std::net::SocketAddr) -> Peer {
    Peer::Unknowable
}

/// Resolves on Ctrl-C (never, where the signal cannot be watched). On Unix SIGINT is
/// watched from this call on, not only once the future is first polled.
#[cfg(unix)]
pub fn interrupted() -> impl std::future::Future<Output = ()> {
    let watched = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt()).ok();
    async move {
        match watched {
            Some(mut signal) => drop(signal.recv().await),
            None => ctrl_c_or_never().await,
        }
    }
}

/// Resolves on Ctrl-C (never, where it cannot be watched).
#[cfg(not(unix))]
pub async fn interrupted() {
    ctrl_c_or_never().await
}

async fn ctrl_c_or_never() {
    if tokio::signal::ctrl_c().await.is_err() {
        std::future::pending::<()>().await;
    }
}

/// Writes `bytes` to `path` atomically: a private temp file with an unpredictable name,
/// created exclusively in `dir` (the directory `path` is in), synced, then put in place of
/// the old file. A reader sees the old content or the new, never half. The temp file is
/// named after its target (`.FILE.tmpXXXXXX`), so one left by a process killed before the
/// rename is known for whose it is (see `cache::names`).
pub fn write_atomically(dir: &Path, path: &Path, bytes: &[u8]) -> io::Result<()> {
    let target = path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default();
    let prefix = format!(".{target}.tmp");
    let mut tmp = tempfile::Builder::new()
        .prefix(&prefix)
        .rand_bytes(6)
        .make_in(dir, create_private_file)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    replace(tmp, path)
}

//! Unix: the socket `authctl proxy` listens on, which only the user may connect to.

use std::io;
use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// A connection on the proxy's socket.
pub type LocalStream = tokio::net::UnixStream;

/// A listening unix socket, mode 0600, removed when dropped.
pub struct LocalListener {
    inner: tokio::net::UnixListener,
    path: PathBuf,
}

impl LocalListener {
    /// Listens at `path`, in a directory the caller has found private. A socket left
    /// there by a proxy that has ended is replaced; one that still answers, or anything
    /// that is not a socket, is left alone and refused. Must run inside the runtime.
    pub fn bind(path: &Path) -> io::Result<LocalListener> {
        if let Ok(meta) = std::fs::symlink_metadata(path) {
            if !meta.file_type().is_socket() {
                return Err(io::Error::new(io::ErrorKind::AlreadyExists, "something else is there"));
            }
            if std::os::unix::net::UnixStream::connect(path).is_ok() {
                return Err(io::Error::new(
                    io::ErrorKind::AddrInUse,
                    "another proxy is listening there",
                ));
            }
            std::fs::remove_file(path)?;
        }
        let listener = std::os::unix::net::UnixListener::bind(path)?;
        // The directory already keeps everyone else out; the socket does too.
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
        listener.set_nonblocking(true)?;
        Ok(LocalListener {
            inner: tokio::net::UnixListener::from_std(listener)?,
            path: path.to_path_buf(),
        })
    }

    pub async fn accept(&self) -> io::Result<LocalStream> {
        self.inner.accept().await.map(|(stream, _)| stream)
    }
}

impl Drop for LocalListener {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Resolves on SIGINT or SIGTERM (never, where they cannot be watched); watched from
/// this call on.
pub fn stop_signal() -> impl std::future::Future<Output = ()> {
    use tokio::signal::unix::{SignalKind, signal};
    let interrupt = signal(SignalKind::interrupt()).ok();
    let terminate = signal(SignalKind::terminate()).ok();
    async move {
        let recv = |s: Option<tokio::signal::unix::Signal>| async move {
            match s {
                Some(mut s) => drop(s.recv().await),
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            () = recv(interrupt) => {}
            () = recv(terminate) => {}
        }
    }
}

//! Unix: the socket `authctl proxy` listens on, which only the user may connect to.

use std::io;
use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// A connection on the proxy's socket.
pub type LocalStream = tokio::net::UnixStream;

/// A connection on the proxy's socket, taken out of its runtime to move to another.
pub struct Detached(std::os::unix::net::UnixStream);

impl Detached {
    pub fn of(stream: LocalStream) -> io::Result<Detached> {
        stream.into_std().map(Detached)
    }

    /// The connection again, in the runtime this runs in.
    pub fn attach(self) -> io::Result<LocalStream> {
        LocalStream::from_std(self.0)
    }
}

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
        let dir = path
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let mode = std::fs::metadata(dir)?.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(io::Error::new(
                io::ErrorKind::PermissionDenied,
                format!(
                    "its directory {} is open to other users (mode {mode:o}); make it yours alone (chmod 700)",
                    dir.display()
                ),
            ));
        }
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
        // Made 0600 as it is created, not after: no one can connect in between.
        // SAFETY: umask has no preconditions and cannot fail. The proxy binds before its
        // renewal thread starts, so no other file is made under this mask.
        let mask = unsafe { libc::umask(0o177) };
        let bound = std::os::unix::net::UnixListener::bind(path);
        // SAFETY: as above.
        unsafe { libc::umask(mask) };
        let listener = bound?;
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

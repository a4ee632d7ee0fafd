//! Windows: no unix sockets for `authctl proxy`; it listens on loopback TCP there.

use std::io;
use std::path::Path;
use std::pin::Pin;
use std::task::{Context, Poll};

/// A listening socket, which cannot exist here.
pub enum LocalListener {}

/// A connection on such a socket.
pub enum LocalStream {}

/// A connection on such a socket, taken out of its runtime.
pub enum Detached {}

impl Detached {
    pub fn of(stream: LocalStream) -> io::Result<Detached> {
        match stream {}
    }

    pub fn attach(self) -> io::Result<LocalStream> {
        match self {}
    }
}

impl LocalListener {
    pub fn bind(_path: &Path) -> io::Result<LocalListener> {
        Err(io::Error::new(
            io::ErrorKind::Unsupported,
            "unix sockets are not supported on Windows: use --listen 127.0.0.1:PORT",
        ))
    }

    pub async fn accept(&self) -> io::Result<LocalStream> {
        match *self {}
    }
}

impl tokio::io::AsyncRead for LocalStream {
    fn poll_read(self: Pin<&mut Self>, _: &mut Context<'_>, _: &mut tokio::io::ReadBuf<'_>) -> Poll<io::Result<()>> {
        match *self {}
    }
}

impl tokio::io::AsyncWrite for LocalStream {
    fn poll_write(self: Pin<&mut Self>, _: &mut Context<'_>, _: &[u8]) -> Poll<io::Result<usize>> {
        match *self {}
    }
    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        match *self {}
    }
    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        match *self {}
    }
}

/// Resolves on Ctrl-C (never, where it cannot be watched).
pub async fn stop_signal() {
    if tokio::signal::ctrl_c().await.is_err() {
        std::future::pending::<()>().await;
    }
}

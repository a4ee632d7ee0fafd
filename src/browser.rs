//! The browser redirect flow's receiving end: a loopback HTTP listener on the profile's
//! `return_url` that waits for the provider to redirect the user's browser to it with
//! `?token=`. Other requests (a favicon, a stray tab) get 404 and the wait goes on; the
//! wait ends with the token, after `--wait`, or on Ctrl-C.

use std::sync::Arc;
use std::time::Duration;

use reqwest::Url;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;

use crate::error::{self, Error, Result};
use crate::{debug, jwt};

/// A request head larger than this is not a redirect from a browser.
const MAX_HEAD: usize = 16 * 1024;
/// How long a connection may take to send its request line and headers.
const READ_TIMEOUT: Duration = Duration::from_secs(10);

const DONE_PAGE: &str = "<!doctype html><meta charset=utf-8><title>authctl</title>\
    <p>authctl received the token. You can close this tab.</p>";
const NO_TOKEN_PAGE: &str = "<!doctype html><meta charset=utf-8><title>authctl</title>\
    <p>This redirect carried no token. authctl is still waiting; try signing in again.</p>";
const BAD_TOKEN_PAGE: &str = "<!doctype html><meta charset=utf-8><title>authctl</title>\
    <p>The redirect carried a token authctl cannot use. See the terminal.</p>";
const NOT_FOUND_PAGE: &str = "<!doctype html><meta charset=utf-8><title>authctl</title>\
    <p>Not found. authctl is waiting for the sign-in redirect elsewhere.</p>";

/// How a request was answered, and whether the wait is over.
#[derive(Debug)]
struct Answer {
    status: u16,
    page: &'static str,
    outcome: Option<Result<String>>,
}

/// Listens on `return_url`, tells the user to visit `visit` (opening a browser when
/// `open`), and returns the token of the first redirect that carries one.
pub fn receive_token(return_url: &Url, visit: &Url, open: bool, wait: Duration) -> Result<String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| anyhow::anyhow!("cannot start the I/O runtime: {e}"))?;
    runtime.block_on(async {
        let listeners = bind(return_url).await?;
        crate::log::emit(&format!("Sign in to MidwayPlus at this URL:\n  {visit}"));
        if open {
            open_browser(visit);
        }
        crate::note!(
            "Waiting up to {} for the redirect to {return_url} (Ctrl-C to cancel)…",
            humantime::format_duration(wait)
        );

        let (tx, mut rx) = mpsc::unbounded_channel();
        let path: Arc<str> = return_url.path().into();
        for listener in listeners {
            tokio::spawn(accept_loop(listener, path.clone(), tx.clone()));
        }
        let cancelled = async {
            if tokio::signal::ctrl_c().await.is_err() {
                std::future::pending::<()>().await;
            }
        };
        tokio::select! {
            Some(outcome) = rx.recv() => outcome,
            () = tokio::time::sleep(wait) => Err(Error::Browser(format!(
                "no sign-in redirect reached {return_url} within {}; check that the app's AuthReturnUrl is exactly {return_url}, or wait longer with --wait",
                humantime::format_duration(wait)
            ))),
            () = cancelled => Err(Error::Browser("browser sign-in cancelled".into())),
        }
    })
}

/// Binds every address the return URL's host stands for (`localhost` may be both
/// 127.0.0.1 and ::1); one is enough.
async fn bind(return_url: &Url) -> Result<Vec<TcpListener>> {
    let host = return_url.host_str().unwrap_or("127.0.0.1").trim_matches(['[', ']']);
    let port = return_url.port_or_known_default().unwrap_or(80);
    let addrs: Vec<_> = tokio::net::lookup_host((host, port))
        .await
        .map_err(|e| anyhow::anyhow!("cannot resolve {host} of return_url {return_url}: {e}"))?
        .collect();
    let mut listeners = Vec::new();
    let mut last_error = None;
    for addr in addrs {
        match TcpListener::bind(addr).await {
            Ok(l) => {
                debug!(1, "listening on {addr} for the redirect");
                listeners.push(l);
            }
            Err(e) => last_error = Some(format!("{addr}: {e}")),
        }
    }
    if listeners.is_empty() {
        return Err(anyhow::anyhow!(
            "cannot listen on return_url {return_url} ({}); is another program using that port?",
            last_error.unwrap_or_else(|| "no address".into())
        )
        .into());
    }
    Ok(listeners)
}

async fn accept_loop(listener: TcpListener, path: Arc<str>, tx: mpsc::UnboundedSender<Result<String>>) {
    loop {
        match listener.accept().await {
            Ok((stream, _)) => {
                tokio::spawn(serve(stream, path.clone(), tx.clone()));
            }
            Err(e) => {
                debug!(1, "accepting a connection failed: {e}");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
}

/// Answers one connection (one request; browsers open several, some idle).
async fn serve(mut stream: TcpStream, path: Arc<str>, tx: mpsc::UnboundedSender<Result<String>>) {
    let Ok(Some(request_line)) = tokio::time::timeout(READ_TIMEOUT, read_request_line(&mut stream)).await else {
        return;
    };
    let answer = answer(&request_line, &path);
    let reason = match answer.status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        _ => "Method Not Allowed",
    };
    let response = format!(
        "HTTP/1.1 {} {reason}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n\
         Cache-Control: no-store\r\nReferrer-Policy: no-referrer\r\nConnection: close\r\n\r\n{}",
        answer.status,
        answer.page.len(),
        answer.page
    );
    // The page is a courtesy: the token counts even if the browser went away.
    let _ = stream.write_all(response.as_bytes()).await;
    let _ = stream.shutdown().await;
    if let Some(outcome) = answer.outcome {
        let _ = tx.send(outcome);
    }
}

/// Reads the request head and returns its first line, or `None` for a connection that
/// sent no complete head.
async fn read_request_line(stream: &mut TcpStream) -> Option<String> {
    let mut head = Vec::new();
    let mut chunk = [0u8; 2048];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") && !head.windows(2).any(|w| w == b"\n\n") {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 || head.len() + n > MAX_HEAD {
            return None;
        }
        head.extend_from_slice(&chunk[..n]);
    }
    let line = head.split(|b| *b == b'\n').next()?;
    Some(String::from_utf8_lossy(line).trim_end().to_string())
}

/// Decides what a request line means for the wait.
fn answer(request_line: &str, path: &str) -> Answer {
    let continue_with = |status, page| Answer {
        status,
        page,
        outcome: None,
    };
    let mut parts = request_line.split(' ');
    let (Some(method), Some(target)) = (parts.next(), parts.next()) else {
        return continue_with(400, NOT_FOUND_PAGE);
    };
    let Some(url) = target
        .starts_with('/')
        .then(|| Url::parse(&format!("http://loopback{target}")).ok())
        .flatten()
    else {
        return continue_with(400, NOT_FOUND_PAGE);
    };
    if url.path() != path {
        debug!(1, "answered 404 to a request for {}", url.path());
        return continue_with(404, NOT_FOUND_PAGE);
    }
    if method != "GET" {
        return continue_with(405, NOT_FOUND_PAGE);
    }
    let Some(token) = url
        .query_pairs()
        .find(|(k, _)| k == "token")
        .map(|(_, v)| v.into_owned())
    else {
        crate::warn!("a redirect reached {path} without a token; still waiting");
        return continue_with(400, NO_TOKEN_PAGE);
    };
    match jwt::validate_token(&token) {
        Ok(()) => Answer {
            status: 200,
            page: DONE_PAGE,
            outcome: Some(Ok(token)),
        },
        Err(m) => Answer {
            status: 400,
            page: BAD_TOKEN_PAGE,
            outcome: Some(Err(error::upstream(format!(
                "the sign-in redirect carried an unusable token, not printed: {m}"
            )))),
        },
    }
}

/// Opens the URL in the user's browser when there is a display to show it on.
fn open_browser(url: &Url) {
    let opener = if cfg!(target_os = "macos") {
        Some("open")
    } else if ["DISPLAY", "WAYLAND_DISPLAY"]
        .iter()
        .any(|v| std::env::var_os(v).is_some_and(|x| !x.is_empty()))
    {
        Some("xdg-open")
    } else {
        None
    };
    let Some(opener) = opener else {
        crate::log::emit("No display to open a browser on: open the URL above in a browser yourself.");
        return;
    };
    let spawned = std::process::Command::new(opener)
        .arg(url.as_str())
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    if let Err(e) = spawned {
        crate::log::emit(&format!(
            "Could not start {opener} ({e}): open the URL above in a browser yourself."
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_return_path_with_a_token_ends_the_wait() {
        let a = answer("GET /favicon.ico HTTP/1.1", "/callback");
        assert_eq!((a.status, a.outcome.is_none()), (404, true));
        let a = answer("GET /callback HTTP/1.1", "/callback");
        assert_eq!((a.status, a.outcome.is_none()), (400, true));
        let a = answer("POST /callback?token=abc HTTP/1.1", "/callback");
        assert_eq!((a.status, a.outcome.is_none()), (405, true));
        let a = answer("GET /callback?state=x&token=ab.c%2Dd HTTP/1.1", "/callback");
        assert_eq!(a.status, 200);
        assert_eq!(a.outcome.unwrap().unwrap(), "ab.c-d");
    }

    #[test]
    fn an_unsafe_token_ends_the_wait_with_an_error() {
        let a = answer("GET /callback?token=abc%0D%0AX:%201 HTTP/1.1", "/callback");
        assert_eq!(a.status, 400);
        assert!(matches!(a.outcome, Some(Err(Error::Upstream(_)))));
    }
}

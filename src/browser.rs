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

use crate::debug;
use crate::exit::Exit;
use crate::token::{UnsafeToken, check_bearer};

#[derive(Debug, thiserror::Error)]
pub enum BrowserError {
    #[error(
        "no sign-in redirect reached {return_url} within {}; check that the app's AuthReturnUrl is exactly {return_url}, or wait longer with --wait",
        humantime::format_duration(*wait)
    )]
    TimedOut { return_url: Url, wait: Duration },
    #[error("browser sign-in cancelled")]
    Cancelled,
    #[error("the sign-in redirect carried an unusable token, not printed: {0}")]
    UnsafeToken(UnsafeToken),
    #[error("cannot listen on return_url {return_url} at {addr}; is another program using that port?")]
    Bind {
        return_url: Url,
        addr: String,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot start the I/O runtime")]
    Runtime(#[source] std::io::Error),
}

impl BrowserError {
    pub fn exit(&self) -> Exit {
        match self {
            BrowserError::TimedOut { .. } | BrowserError::Cancelled => Exit::Browser,
            BrowserError::UnsafeToken(_) => Exit::Upstream,
            _ => Exit::Failure,
        }
    }
}

type Result<T> = std::result::Result<T, BrowserError>;

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
const NOT_A_PAGE: &str = "<!doctype html><meta charset=utf-8><title>authctl</title>\
    <p>authctl takes the sign-in redirect only as a page your browser opens.</p>";
const NOT_YOURS_PAGE: &str = "<!doctype html><meta charset=utf-8><title>authctl</title>\
    <p>authctl takes the sign-in redirect only from its own user's browser.</p>";
const NOT_FOUND_PAGE: &str = "<!doctype html><meta charset=utf-8><title>authctl</title>\
    <p>Not found. authctl is waiting for the sign-in redirect elsewhere.</p>";

/// How a request was answered, and whether the wait is over.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub page: &'static str,
    pub outcome: Option<Result<String>>,
}

/// The sockets listening for the redirect, and the URL they answer on: the return URL,
/// with the port the system chose when it names port 0 (tests and the demo do that; a
/// real AuthReturnUrl names its port).
pub struct Listening {
    listeners: Vec<std::net::TcpListener>,
    url: Url,
}

impl Listening {
    /// Binds every loopback address the return URL's host stands for (`localhost` is both
    /// 127.0.0.1 and ::1), without asking DNS. Another program on any of them could take
    /// the redirect meant for authctl, so that is an error; only an address this machine
    /// does not have (IPv6 turned off) is skipped.
    pub fn bind(return_url: &Url) -> Result<Listening> {
        let port = return_url.port_or_known_default().unwrap_or(80);
        let addrs = loopback_addrs(return_url, port);
        let mut listeners = Vec::new();
        let mut last_error = None;
        for addr in addrs {
            match std::net::TcpListener::bind(addr) {
                Ok(l) => listeners.push(l),
                Err(e)
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::AddrNotAvailable | std::io::ErrorKind::Unsupported
                    ) =>
                {
                    debug!(1, "{addr} is not available here: {e}");
                    last_error = Some((addr.to_string(), e));
                }
                Err(source) => {
                    return Err(BrowserError::Bind {
                        return_url: return_url.clone(),
                        addr: addr.to_string(),
                        source,
                    });
                }
            }
            // Port 0 gives each address a port of its own: the first one will do.
            if port == 0 && !listeners.is_empty() {
                break;
            }
        }
        let Some(first) = listeners.first() else {
            let (addr, source) = last_error.unwrap_or_else(|| {
                let none = std::io::Error::new(std::io::ErrorKind::AddrNotAvailable, "the host has no address");
                (return_url.host_str().unwrap_or_default().to_string(), none)
            });
            return Err(BrowserError::Bind {
                return_url: return_url.clone(),
                addr,
                source,
            });
        };
        let mut url = return_url.clone();
        let bound = first.local_addr().map_err(BrowserError::Runtime)?.port();
        let _ = url.set_port(Some(bound));
        debug!(1, "listening on {url} for the redirect");
        Ok(Listening { listeners, url })
    }

    pub fn url(&self) -> &Url {
        &self.url
    }

    /// Tells the user to visit `visit` (opening a browser when `open` gives the
    /// variables that hold secrets, to keep from it), and returns the token of the first
    /// redirect that carries one.
    pub fn receive(self, visit: &Url, open: Option<&[String]>, wait: Duration) -> Result<String> {
        self.wait_for_token(Some((visit, open)), wait)
    }

    /// Returns the token of the first redirect that carries one; `invite` is where to
    /// send the user, and whether to open a browser there (none when something else
    /// plays the browser, as the demo does).
    pub fn wait_for_token(self, invite: Option<(&Url, Option<&[String]>)>, wait: Duration) -> Result<String> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(BrowserError::Runtime)?;
        let url = self.url.clone();
        runtime.block_on(async {
            if let Some((visit, open)) = invite {
                crate::log::emit(&format!("Sign in to MidwayPlus at this URL:\n  {visit}"));
                if let Some(secret_envs) = open {
                    open_browser(visit, secret_envs);
                }
                crate::note!(
                    "Waiting up to {} for the redirect to {url} (Ctrl-C to cancel)…",
                    humantime::format_duration(wait)
                );
            }
            let (tx, mut rx) = mpsc::unbounded_channel();
            let path: Arc<str> = url.path().into();
            for listener in self.listeners {
                listener.set_nonblocking(true).map_err(BrowserError::Runtime)?;
                let listener = TcpListener::from_std(listener).map_err(BrowserError::Runtime)?;
                tokio::spawn(accept_loop(listener, path.clone(), tx.clone()));
            }
            let cancelled = async {
                if tokio::signal::ctrl_c().await.is_err() {
                    std::future::pending::<()>().await;
                }
            };
            tokio::select! {
                Some(outcome) = rx.recv() => outcome,
                () = tokio::time::sleep(wait) => Err(BrowserError::TimedOut { return_url: url.clone(), wait }),
                () = cancelled => Err(BrowserError::Cancelled),
            }
        })
    }
}

/// The socket addresses of a loopback return URL: its IP, or for `localhost` and
/// `*.localhost` both loopback addresses (RFC 6761: those names never leave the machine,
/// so no resolver is asked).
fn loopback_addrs(url: &Url, port: u16) -> Vec<std::net::SocketAddr> {
    use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
    match url.host() {
        Some(url::Host::Ipv4(ip)) => vec![SocketAddr::new(IpAddr::V4(ip), port)],
        Some(url::Host::Ipv6(ip)) => vec![SocketAddr::new(IpAddr::V6(ip), port)],
        _ => vec![
            SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), port),
            SocketAddr::new(IpAddr::V6(Ipv6Addr::LOCALHOST), port),
        ],
    }
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
    let Ok(Some(head)) = tokio::time::timeout(READ_TIMEOUT, read_head(&mut stream)).await else {
        return;
    };
    let answer = match from_another_user(&stream) {
        Some(owner) => {
            crate::warn!("refused a request from another user of this machine (uid {owner}); still waiting");
            Answer {
                status: 403,
                page: NOT_YOURS_PAGE,
                outcome: None,
            }
        }
        None => answer(&head, &path),
    };
    let reason = match answer.status {
        200 => "OK",
        400 => "Bad Request",
        403 => "Forbidden",
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
async fn read_head(stream: &mut TcpStream) -> Option<String> {
    let mut head = Vec::new();
    let mut chunk = [0u8; 2048];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") && !head.windows(2).any(|w| w == b"\n\n") {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 || head.len() + n > MAX_HEAD {
            return None;
        }
        head.extend_from_slice(&chunk[..n]);
    }
    Some(String::from_utf8_lossy(&head).into_owned())
}

/// The user behind a connection when it is not the user authctl runs as: your browser
/// runs as you, another user's program does not. (Where the system cannot tell, every
/// connection is taken as yours.)
fn from_another_user(stream: &TcpStream) -> Option<u32> {
    let (local, peer) = (stream.local_addr().ok()?, stream.peer_addr().ok()?);
    let owner = crate::platform::peer_user(local, peer)?;
    (Some(owner) != crate::platform::current_user()).then_some(owner)
}

/// A header of a request head, by name.
fn header<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.lines().skip(1).find_map(|line| {
        let (k, v) = line.split_once(':')?;
        k.trim().eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

/// Decides what a request means for the wait. MidwayPlus' redirect carries no state
/// parameter to tie it to this sign-in, so only a browser opening the return path as a
/// page counts: a script on some other page that fetches it (`Sec-Fetch-Mode` other than
/// `navigate`, or a `Sec-Fetch-Dest` other than `document`) is refused, and the first
/// token ends the wait, so no later request can replace it.
pub fn answer(head: &str, path: &str) -> Answer {
    let continue_with = |status, page| Answer {
        status,
        page,
        outcome: None,
    };
    let request_line = head.lines().next().unwrap_or_default();
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
    let fetched = header(head, "sec-fetch-mode").is_some_and(|m| !m.eq_ignore_ascii_case("navigate"))
        || header(head, "sec-fetch-dest").is_some_and(|d| !d.eq_ignore_ascii_case("document"));
    if fetched {
        crate::warn!("refused a request for {path} that a page made, not the browser's redirect; still waiting");
        return continue_with(403, NOT_A_PAGE);
    }
    let Some(token) = url
        .query_pairs()
        .find(|(k, _)| k == "token")
        .map(|(_, v)| v.into_owned())
    else {
        crate::warn!("a redirect reached {path} without a token; still waiting");
        return continue_with(400, NO_TOKEN_PAGE);
    };
    match check_bearer(&token) {
        Ok(()) => Answer {
            status: 200,
            page: DONE_PAGE,
            outcome: Some(Ok(token)),
        },
        Err(why) => Answer {
            status: 400,
            page: BAD_TOKEN_PAGE,
            outcome: Some(Err(BrowserError::UnsafeToken(why))),
        },
    }
}

/// Opens the URL in the user's default browser when there is one to show it in.
fn open_browser(url: &Url, secret_envs: &[String]) {
    let Some(mut cmd) = crate::platform::browser_command(url.as_str()) else {
        crate::log::emit("No display to open a browser on: open the URL above in a browser yourself.");
        return;
    };
    cmd.stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    crate::secret::scrub_child_env(&mut cmd, secret_envs);
    if let Err(e) = cmd.spawn() {
        crate::log::emit(&format!(
            "Could not start {} ({e}): open the URL above in a browser yourself.",
            cmd.get_program().to_string_lossy()
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_return_path_with_a_token_ends_the_wait() {
        let a = answer("GET /favicon.ico HTTP/1.1\r\n\r\n", "/callback");
        assert_eq!((a.status, a.outcome.is_none()), (404, true));
        let a = answer("GET /callback HTTP/1.1\r\n\r\n", "/callback");
        assert_eq!((a.status, a.outcome.is_none()), (400, true));
        let a = answer("POST /callback?token=abc HTTP/1.1\r\n\r\n", "/callback");
        assert_eq!((a.status, a.outcome.is_none()), (405, true));
        let a = answer(
            "GET /callback?state=x&token=ab.c%2Dd HTTP/1.1\r\nSec-Fetch-Mode: navigate\r\n\r\n",
            "/callback",
        );
        assert_eq!(a.status, 200);
        assert_eq!(a.outcome.unwrap().unwrap(), "ab.c-d");
    }

    #[test]
    fn a_token_fetched_by_a_script_is_refused_and_the_wait_goes_on() {
        for sent_by_a_page in [
            "Sec-Fetch-Mode: no-cors",
            "Sec-Fetch-Mode: cors",
            "Sec-Fetch-Dest: image",
        ] {
            let head = format!("GET /callback?token=attacker HTTP/1.1\r\n{sent_by_a_page}\r\n\r\n");
            let a = answer(&head, "/callback");
            assert_eq!((a.status, a.outcome.is_none()), (403, true), "{sent_by_a_page}");
        }
    }

    #[test]
    fn an_unsafe_token_ends_the_wait_with_an_error() {
        let a = answer("GET /callback?token=abc%0D%0AX:%201 HTTP/1.1\r\n\r\n", "/callback");
        assert_eq!(a.status, 400);
        assert!(matches!(a.outcome, Some(Err(BrowserError::UnsafeToken(_)))));
    }
}

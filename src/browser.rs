//! The browser redirect flow's receiving end: a loopback HTTP listener that waits for the
//! provider to redirect the user's browser to it — MidwayPlus' `return_url` with
//! `?token=`, an OAuth 2.0 server's `/callback` with `?code=` (the judge of each request
//! is the caller's). Other requests (a favicon, a stray tab, a forged callback) are
//! answered 4xx and the wait goes on; the wait ends with the first accepted redirect,
//! after its time, or on Ctrl-C. Also the browser: `$BROWSER`, else the platform's opener.

use std::sync::Arc;
use std::time::Duration;

use reqwest::Url;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;

use crate::debug;
use crate::exit::Exit;
use crate::platform::Peer;
use crate::token::{UnsafeToken, check_bearer};

#[derive(Debug, thiserror::Error)]
pub enum BrowserError {
    #[error(
        "no sign-in redirect reached {return_url} within {}; check that the app's AuthReturnUrl is exactly {return_url}, or wait longer with --wait",
        humantime::format_duration(*wait)
    )]
    TimedOut { return_url: Url, wait: Duration },
    #[error(
        "no sign-in redirect reached {return_url} within {}; run the command again and finish signing in within that time",
        humantime::format_duration(*wait)
    )]
    SignInTimedOut { return_url: Url, wait: Duration },
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
    /// The authorization server sent the browser back with an OAuth error (RFC 6749 §4.1.2.1).
    #[error("the sign-in at {issuer} ended with {error}{}", description.as_deref().map(|d| format!(": {d}")).unwrap_or_default())]
    Refused {
        issuer: String,
        error: String,
        description: Option<String>,
    },
    /// The redirect came from another server than the one signed in at (RFC 9207).
    #[error("the sign-in redirect names issuer \"{found}\", not \"{expected}\" (a mix-up of servers?); refused")]
    WrongIssuer { expected: String, found: String },
}

impl BrowserError {
    pub fn exit(&self) -> Exit {
        match self {
            BrowserError::TimedOut { .. } | BrowserError::SignInTimedOut { .. } | BrowserError::Cancelled => {
                Exit::Browser
            }
            BrowserError::Refused { error, .. } if matches!(error.as_str(), "access_denied" | "expired_token") => {
                Exit::Browser
            }
            BrowserError::Refused { .. } => Exit::Rejected,
            BrowserError::UnsafeToken(_) | BrowserError::WrongIssuer { .. } => Exit::Upstream,
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
        let path: Arc<str> = self.url.path().into();
        let invite = invite.map(|(visit, open)| Invite {
            visit,
            at: "MidwayPlus",
            open,
        });
        let timed_out = self.url.clone();
        self.wait_for(invite, wait, Arc::new(move |head| answer(head, &path)), move || {
            BrowserError::TimedOut {
                return_url: timed_out,
                wait,
            }
        })
    }

    /// Waits for the first request `judge` accepts (or refuses for good): its outcome.
    /// `timed_out` is the error when `wait` passes first.
    pub fn wait_for(
        self,
        invite: Option<Invite>,
        wait: Duration,
        judge: Judge,
        timed_out: impl FnOnce() -> BrowserError,
    ) -> Result<String> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(BrowserError::Runtime)?;
        let url = self.url.clone();
        runtime.block_on(async {
            // Watched before the user is told anything, so no Ctrl-C goes unnoticed.
            let cancel = cancellation();
            if let Some(invite) = invite {
                crate::log::emit(&format!("Sign in to {} at this URL:\n  {}", invite.at, invite.visit));
                if let Some(secret_envs) = invite.open {
                    open_browser(invite.visit, secret_envs);
                }
                crate::note!(
                    "Waiting up to {} for the redirect to {url} (Ctrl-C to cancel)…",
                    humantime::format_duration(wait)
                );
            }
            let (tx, mut rx) = mpsc::unbounded_channel();
            for listener in self.listeners {
                listener.set_nonblocking(true).map_err(BrowserError::Runtime)?;
                let listener = TcpListener::from_std(listener).map_err(BrowserError::Runtime)?;
                tokio::spawn(accept_loop(listener, judge.clone(), tx.clone()));
            }
            tokio::select! {
                Some(outcome) = rx.recv() => outcome,
                () = tokio::time::sleep(wait) => Err(timed_out()),
                () = cancel => Err(BrowserError::Cancelled),
            }
        })
    }
}

/// Resolves on Ctrl-C (see `platform::interrupted`); call it inside the runtime.
pub fn cancellation() -> impl std::future::Future<Output = ()> {
    crate::platform::interrupted()
}

/// Where to send the user, and whether to open a browser there (`open` gives the
/// variables that hold secrets, to keep from it; `None`: only print the URL).
pub struct Invite<'a> {
    pub visit: &'a Url,
    /// Who the user signs in to, for the message.
    pub at: &'a str,
    pub open: Option<&'a [String]>,
}

/// Decides what a request (its head) means for the wait.
pub type Judge = Arc<dyn Fn(&str) -> Answer + Send + Sync>;

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

async fn accept_loop(listener: TcpListener, judge: Judge, tx: mpsc::UnboundedSender<Result<String>>) {
    loop {
        match listener.accept().await {
            Ok((stream, peer)) => {
                // Whose connection it is, judged now while it is open: a sender that
                // resets it later leaves no row to look it up by.
                // Your browser runs as you, another user's program does not.
                let owner = crate::platform::connection_owner(stream.local_addr(), peer);
                tokio::spawn(serve(stream, owner, judge.clone(), tx.clone()));
            }
            Err(e) => {
                debug!(1, "accepting a connection failed: {e}");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
}

/// Answers one connection (one request; browsers open several, some idle).
async fn serve(mut stream: TcpStream, owner: Peer, judge: Judge, tx: mpsc::UnboundedSender<Result<String>>) {
    let Ok(Some(head)) = tokio::time::timeout(READ_TIMEOUT, read_head(&mut stream)).await else {
        return;
    };
    let answer = match owner {
        Peer::User(uid) if Some(uid) != crate::platform::current_user() => {
            crate::warn!("refused a request from another user of this machine (uid {uid}); still waiting");
            not_yours()
        }
        Peer::Gone => {
            crate::warn!("refused a request whose sender could not be told; still waiting");
            not_yours()
        }
        Peer::User(_) | Peer::Unknowable => judge(&head),
    };
    let reason = match answer.status {
        200 => "OK",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        _ => "Error",
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

fn not_yours() -> Answer {
    Answer {
        status: 403,
        page: NOT_YOURS_PAGE,
        outcome: None,
    }
}

/// A header of a request head, by name.
pub fn header<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.lines().skip(1).find_map(|line| {
        let (k, v) = line.split_once(':')?;
        k.trim().eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

/// The method and URL of a request head's request line, when it is one.
pub fn request_target(head: &str) -> Option<(&str, Url)> {
    let mut parts = head.lines().next().unwrap_or_default().split(' ');
    let (method, target) = (parts.next()?, parts.next()?);
    let url = target
        .starts_with('/')
        .then(|| Url::parse(&format!("http://loopback{target}")).ok())
        .flatten()?;
    Some((method, url))
}

/// True when a page's script made the request rather than the browser opening it as a
/// page (`Sec-Fetch-Mode` other than `navigate`, or a `Sec-Fetch-Dest` other than
/// `document`).
pub fn fetched_by_a_page(head: &str) -> bool {
    header(head, "sec-fetch-mode").is_some_and(|m| !m.eq_ignore_ascii_case("navigate"))
        || header(head, "sec-fetch-dest").is_some_and(|d| !d.eq_ignore_ascii_case("document"))
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
    let Some((method, url)) = request_target(head) else {
        return continue_with(400, NOT_FOUND_PAGE);
    };
    if url.path() != path {
        debug!(1, "answered 404 to a request for {}", url.path());
        return continue_with(404, NOT_FOUND_PAGE);
    }
    if method != "GET" {
        return continue_with(405, NOT_FOUND_PAGE);
    }
    if fetched_by_a_page(head) {
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

/// The browser: `$BROWSER` when set (a program and its arguments, split at white space,
/// run without a shell, the URL appended; used even without a display, as it may be a
/// text browser or a script), else the platform's opener when there is a display.
pub fn browser_command(url: &Url) -> Option<std::process::Command> {
    if let Some(words) = std::env::var("BROWSER").ok().filter(|b| !b.trim().is_empty()) {
        let mut words = words.split_whitespace();
        let mut cmd = std::process::Command::new(words.next()?);
        cmd.args(words).arg(url.as_str());
        return Some(cmd);
    }
    crate::platform::browser_command(url.as_str())
}

/// True when a browser can be opened: `$BROWSER` is set or there is a display.
pub fn can_open() -> bool {
    let probe = Url::parse("http://127.0.0.1/").expect("a URL");
    browser_command(&probe).is_some()
}

/// Opens the URL in the user's browser when there is one to show it in.
pub fn open_browser(url: &Url, secret_envs: &[String]) {
    let Some(mut cmd) = browser_command(url) else {
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

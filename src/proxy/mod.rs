//! `authctl proxy`: a local HTTP/1.1 server that forwards each request to the profile's
//! API with its token added, so the programs using the API never hold one. Bodies stream
//! both ways; a request body of up to 1 MiB is kept, so that a request the API refuses
//! (401) can be sent once more with a renewed token. Only requests under the per-run key
//! are served on TCP (see `route`). The token comes from a `Keeper`; nothing here blocks.
//! The API is reached through `upstream`.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::{Duration, Instant};

use http::header::{AUTHORIZATION, HOST, HeaderName, HeaderValue};
use http::{Request, Response, StatusCode};
use hyper::body::Incoming;

use crate::platform::{LocalListener, LocalStream};

mod body;
pub mod keeper;
mod route;
mod upstream;

pub use keeper::{Keeper, Renew, Runner, Stopper, keep};
use upstream::Failed;
use upstream::Link;
pub use upstream::Upstream;

/// A request body up to this size is kept for the one retry after a 401.
pub const MAX_KEPT: usize = 1024 * 1024;
/// How long a client may take to send a request's head.
const HEAD_TIMEOUT: Duration = Duration::from_secs(30);
/// The most threads serving connections, whatever the number of cores.
const MAX_THREADS: usize = 8;
/// The most a request head may hold (hyper's read buffer; its floor is 8 KiB).
const MAX_HEAD: usize = 64 * 1024;

/// What the proxy listens on.
pub enum Listener {
    /// Loopback TCP: only requests under the key are served.
    Tcp(tokio::net::TcpListener, String),
    /// A private unix socket: every request is the user's own.
    Local(LocalListener),
}

/// Everything a request needs, shared by all of them.
pub struct Proxy {
    client: Upstream,
    /// The API's base URL, without query or fragment.
    upstream: url::Url,
    /// Its path without a trailing `/`: what each request's path follows.
    base_path: String,
    /// The provider's headers besides `Authorization` (Nugios' timezone), added unless
    /// the client sent its own.
    pub extra: Vec<(HeaderName, HeaderValue)>,
    pub keeper: Keeper,
    key: Option<String>,
}

impl Proxy {
    pub fn new(client: Upstream, upstream: &url::Url, extra: &[(&'static str, String)], keeper: Keeper) -> Proxy {
        let mut base = upstream.clone();
        base.set_query(None);
        base.set_fragment(None);
        let base_path = base.path().trim_end_matches('/').to_string();
        let extra = extra
            .iter()
            .filter_map(|(k, v)| {
                Some((
                    HeaderName::from_bytes(k.as_bytes()).ok()?,
                    HeaderValue::from_str(v).ok()?,
                ))
            })
            .collect();
        Proxy {
            client,
            upstream: base,
            base_path,
            extra,
            keeper,
            key: None,
        }
    }

    /// Serves `listener` until `stop` resolves: accepts here, and serves each connection
    /// on one of the `Workers`' threads in turn.
    pub async fn serve(mut self, listener: Listener, stop: impl std::future::Future<Output = ()>) {
        if let Listener::Tcp(_, key) = &listener {
            self.key = Some(key.clone());
        }
        let proxy = Arc::new(self);
        let workers = Workers::start();
        tokio::pin!(stop);
        loop {
            tokio::select! {
                () = &mut stop => return,
                accepted = accept(&listener) => match accepted {
                    Ok(Accepted::Tcp(stream, peer)) => {
                        let proxy = proxy.clone();
                        let worker = workers.next();
                        // Whose connection it is comes from a table that takes a while
                        // to read: off the thread that serves the other connections.
                        tokio::spawn(async move {
                            let local = stream.local_addr();
                            let judged = tokio::task::spawn_blocking(move || yours(local, peer)).await;
                            if judged.unwrap_or(false) {
                                let _ = stream.set_nodelay(true);
                                hand_over(worker, proxy, stream);
                            }
                        });
                    }
                    Ok(Accepted::Local(stream)) => hand_over(workers.next(), proxy.clone(), stream),
                    // Out of descriptors, a connection reset before it was taken: the
                    // next one may do.
                    Err(e) => {
                        crate::debug!(1, "proxy: cannot accept a connection: {e}");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                    }
                },
            }
        }
    }

    async fn handle(
        self: Arc<Self>,
        link: Arc<Link>,
        request: Request<Incoming>,
    ) -> Result<Response<reqwest::Body>, Infallible> {
        let started = Instant::now();
        let method = request.method().clone();
        let (response, path) = match self.admit(&request) {
            Err(refusal) => (refused(refusal), String::from("-")),
            Ok(target) => {
                let (path, query) = target.split_once('?').map_or((target, None), |(p, q)| (p, Some(q)));
                let path = path.to_string();
                // The base URL's host was parsed once; only the path and query are set.
                let mut url = self.upstream.clone();
                url.set_path(&format!("{}{path}", self.base_path));
                url.set_query(query);
                (self.forward(&link, request, url).await, path)
            }
        };
        crate::debug!(
            1,
            "{method} {path} {} {}ms",
            response.status().as_u16(),
            started.elapsed().as_millis()
        );
        Ok(response)
    }

    /// The path and query to forward, or why the request is not served.
    fn admit<'r>(&self, request: &'r Request<Incoming>) -> Result<&'r str, route::Refusal> {
        if self.key.is_some() && !route::local_host(request.headers()) {
            return Err(route::Refusal::ForeignHost);
        }
        if request.method() == http::Method::CONNECT {
            return Err(route::Refusal::BadTarget);
        }
        if ["TRACE", "TRACK"]
            .iter()
            .any(|m| request.method().as_str().eq_ignore_ascii_case(m))
        {
            return Err(route::Refusal::Method);
        }
        route::forwarded(request.uri(), self.key.as_deref())
    }

    /// Sends the request on with the current token; once more with a renewed one when
    /// the API refuses it (401) and the body was small enough to keep.
    async fn forward(&self, link: &Link, request: Request<Incoming>, url: url::Url) -> Response<reqwest::Body> {
        let (mut parts, incoming) = request.into_parts();
        route::drop_hop_by_hop(&mut parts.headers);
        parts.headers.remove(HOST);
        parts.headers.remove(AUTHORIZATION);
        for (name, value) in &self.extra {
            parts.headers.entry(name).or_insert_with(|| value.clone());
        }
        let outgoing = match body::Outgoing::take(incoming).await {
            Ok(body) => body,
            Err(e) => {
                crate::debug!(1, "proxy: the client's body broke off: {e}");
                return text(StatusCode::BAD_REQUEST, "the request body broke off");
            }
        };
        let current = self.keeper.current();
        let send = |authorization: &HeaderValue, body: reqwest::Body| {
            let mut headers = parts.headers.clone();
            headers.insert(AUTHORIZATION, authorization.clone());
            self.client.send(link, parts.method.clone(), &url, headers, body)
        };
        let kept = outgoing.kept();
        let mut answer = send(&current.authorization, outgoing.into_body()).await;
        // The API closed its kept-alive connection as the request went out (RFC 9112
        // §9.3.1): an idempotent request goes again, on a new one.
        if let Err(Failed::Closed(e)) = &answer
            && parts.method.is_idempotent()
            && let Some(kept) = &kept
        {
            crate::debug!(
                1,
                "proxy: the API closed the connection ({e}); sending the request again"
            );
            answer = send(&current.authorization, reqwest::Body::from(kept.clone())).await;
        }
        // A refused token is renewed even when the body is gone: the client's own retry
        // then gets the new one.
        if let Ok(first) = &answer
            && first.status() == StatusCode::UNAUTHORIZED
            && let Some(renewed) = self.keeper.after_refusal(&current.token).await
            && let Some(kept) = kept
        {
            // The refusal's body, unread, would keep the connection to the API busy.
            drop(answer);
            answer = send(&renewed.authorization, reqwest::Body::from(kept)).await;
        }
        match answer {
            Ok(mut answer) => {
                route::drop_hop_by_hop(answer.headers_mut());
                answer
            }
            Err(e) => unreachable_api(&e),
        }
    }
}

enum Accepted {
    Tcp(tokio::net::TcpStream, std::net::SocketAddr),
    Local(LocalStream),
}

async fn accept(listener: &Listener) -> std::io::Result<Accepted> {
    match listener {
        Listener::Tcp(l, _) => l.accept().await.map(|(s, peer)| Accepted::Tcp(s, peer)),
        Listener::Local(l) => l.accept().await.map(Accepted::Local),
    }
}

/// Whether a loopback connection comes from this user: one of another user (who may have
/// seen the key in a command line) is closed unanswered. Where the system cannot tell,
/// the key alone guards the proxy.
fn yours(local: std::io::Result<std::net::SocketAddr>, peer: std::net::SocketAddr) -> bool {
    match crate::platform::connection_owner(local, peer) {
        crate::platform::Peer::User(uid) if Some(uid) != crate::platform::current_user() => {
            crate::warn!("proxy: refused a connection from another user of this machine (uid {uid})");
            false
        }
        crate::platform::Peer::Gone => false,
        crate::platform::Peer::User(_) | crate::platform::Peer::Unknowable => true,
    }
}

/// The threads that serve client connections, each with a runtime of its own (the first
/// is the accepting thread's), one per core as nginx's workers: a connection, its
/// requests and its connection to the API stay on one thread, so no two threads wake
/// each other per request. They end when this is dropped.
struct Workers {
    handles: Vec<tokio::runtime::Handle>,
    next: std::cell::Cell<usize>,
    _ends: Vec<tokio::sync::oneshot::Sender<()>>,
}

impl Workers {
    fn start() -> Workers {
        let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
        let mut handles = vec![tokio::runtime::Handle::current()];
        let mut ends = Vec::new();
        for _ in 1..cores.min(MAX_THREADS) {
            let Ok(runtime) = tokio::runtime::Builder::new_current_thread().enable_all().build() else {
                break;
            };
            let (end, ended) = tokio::sync::oneshot::channel::<()>();
            let handle = runtime.handle().clone();
            let started = std::thread::Builder::new()
                .name("proxy".into())
                .spawn(move || runtime.block_on(async move { drop(ended.await) }));
            if started.is_ok() {
                handles.push(handle);
                ends.push(end);
            }
        }
        Workers {
            handles,
            next: std::cell::Cell::new(0),
            _ends: ends,
        }
    }

    /// The thread for the next connection, in turn.
    fn next(&self) -> tokio::runtime::Handle {
        let i = self.next.get();
        self.next.set((i + 1) % self.handles.len());
        self.handles[i].clone()
    }
}

/// Serves `stream` on `worker`'s thread.
fn hand_over<S: Movable>(worker: tokio::runtime::Handle, proxy: Arc<Proxy>, stream: S) {
    if worker.id() == tokio::runtime::Handle::current().id() {
        tokio::spawn(connection(proxy, stream));
        return;
    }
    // A stream belongs to the runtime that registered it: it moves as a plain socket.
    let Ok(plain) = stream.detach() else { return };
    worker.spawn(async move {
        if let Ok(stream) = S::attach(plain) {
            connection(proxy, stream).await;
        }
    });
}

/// A client connection that can move to another thread's runtime.
trait Movable: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + Sized + 'static {
    type Plain: Send + 'static;
    fn detach(self) -> std::io::Result<Self::Plain>;
    fn attach(plain: Self::Plain) -> std::io::Result<Self>;
}

impl Movable for tokio::net::TcpStream {
    type Plain = std::net::TcpStream;
    fn detach(self) -> std::io::Result<std::net::TcpStream> {
        self.into_std()
    }
    fn attach(plain: std::net::TcpStream) -> std::io::Result<Self> {
        tokio::net::TcpStream::from_std(plain)
    }
}

impl Movable for LocalStream {
    type Plain = crate::platform::Detached;
    fn detach(self) -> std::io::Result<crate::platform::Detached> {
        crate::platform::Detached::of(self)
    }
    fn attach(plain: crate::platform::Detached) -> std::io::Result<Self> {
        plain.attach()
    }
}

/// Serves one client connection: HTTP/1.1, kept alive, head size and time bounded. Its
/// connection to the API (when the API is reached directly) is driven in the same task.
async fn connection<S>(proxy: Arc<Proxy>, stream: S)
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let link = Arc::new(Link::default());
    let driven = link.clone();
    let service = hyper::service::service_fn(move |request| proxy.clone().handle(link.clone(), request));
    let served = hyper::server::conn::http1::Builder::new()
        .timer(hyper_util::rt::TokioTimer::new())
        .header_read_timeout(HEAD_TIMEOUT)
        .max_buf_size(MAX_HEAD)
        .serve_connection(hyper_util::rt::TokioIo::new(stream), service);
    tokio::select! {
        biased;
        () = driven.drive() => {}
        served = served => if let Err(e) = served {
            crate::debug!(2, "proxy: connection ended: {e}");
        },
    }
}

/// 502 (504 for a timeout) with a short text: what went wrong, never the request.
fn unreachable_api(e: &Failed) -> Response<reqwest::Body> {
    crate::debug!(1, "proxy: the API could not be reached: {}", crate::log::chain(e));
    match e.is_timeout() {
        true => text(StatusCode::GATEWAY_TIMEOUT, "the API did not answer in time"),
        false => text(StatusCode::BAD_GATEWAY, "the API could not be reached"),
    }
}

fn refused(refusal: route::Refusal) -> Response<reqwest::Body> {
    match refusal {
        route::Refusal::NotFound => text(StatusCode::NOT_FOUND, "not found"),
        route::Refusal::BadTarget => text(StatusCode::BAD_REQUEST, "this request target is not served"),
        route::Refusal::ForeignHost => text(StatusCode::FORBIDDEN, "served only to this machine"),
        route::Refusal::Method => text(StatusCode::METHOD_NOT_ALLOWED, "this method is not forwarded"),
    }
}

/// An answer of the proxy's own: `authctl proxy: WHAT`, plain text.
fn text(status: StatusCode, what: &'static str) -> Response<reqwest::Body> {
    let mut response = Response::new(reqwest::Body::from(format!("authctl proxy: {what}\n")));
    *response.status_mut() = status;
    response.headers_mut().insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}

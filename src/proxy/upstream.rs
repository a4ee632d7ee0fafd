//! The proxy's client for the API. Plain http to a loopback address (a local service, a
//! sidecar) goes over a `Link`: each client connection's own connection to the API,
//! driven in that client connection's task, so a request and its answer never change
//! hands between tasks and no pool is consulted. No environment proxy may see loopback
//! anyway. Anything else (https, names, `allow_http` hosts) goes through reqwest, set up
//! as every client of authctl's (rustls, the profile's `ca_file`, the environment's
//! proxies, no redirect followed). Both stream, and bound only connecting (10 s) and each
//! wait for the API (the profile's timeout).

use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::Mutex;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use bytes::Bytes;
use http::header::HOST;
use http::{HeaderMap, HeaderValue, Method, Request, Response};
use http_body::{Body, Frame};
use hyper::body::Incoming;
use hyper::client::conn::http1;
use hyper_util::rt::TokioIo;

use crate::http::{CONNECT_TIMEOUT, TransportError};

pub enum Upstream {
    /// Plain http to this loopback address, over each client connection's `Link`.
    Plain {
        address: SocketAddr,
        /// The `Host` each request names: the API URL's host and port.
        host: HeaderValue,
        idle: Duration,
    },
    Reqwest(reqwest::Client),
}

/// Why the API gave no answer.
#[derive(Debug, thiserror::Error)]
pub enum Failed {
    #[error(transparent)]
    Reqwest(reqwest::Error),
    #[error(transparent)]
    Plain(hyper::Error),
    /// The request went out on a kept-alive connection the API closed meanwhile.
    #[error("the API closed the connection: {0}")]
    Closed(hyper::Error),
    #[error("cannot connect: {0}")]
    Connect(std::io::Error),
    #[error("no answer in time")]
    Timeout,
    #[error("the URL is not one HTTP can send")]
    Uri,
}

impl Failed {
    pub fn is_timeout(&self) -> bool {
        match self {
            Failed::Timeout => true,
            Failed::Reqwest(e) => e.is_timeout(),
            Failed::Plain(_) | Failed::Closed(_) | Failed::Connect(_) | Failed::Uri => false,
        }
    }
}

impl Upstream {
    /// The client for `url`.
    pub fn new(url: &url::Url, idle: Duration, ca_file: Option<&std::path::Path>) -> Result<Upstream, TransportError> {
        let loopback_ip = match url.host() {
            Some(url::Host::Ipv4(ip)) => Some(IpAddr::V4(ip)).filter(IpAddr::is_loopback),
            Some(url::Host::Ipv6(ip)) => Some(IpAddr::V6(ip)).filter(IpAddr::is_loopback),
            _ => None,
        };
        let host = HeaderValue::from_str(&url[url::Position::BeforeHost..url::Position::AfterPort]);
        if url.scheme() == "http"
            && let (Some(ip), Some(port), Ok(host)) = (loopback_ip, url.port_or_known_default(), host)
        {
            return Ok(Upstream::Plain {
                address: SocketAddr::new(ip, port),
                host,
                idle,
            });
        }
        crate::http::streaming_client(url, idle, ca_file).map(Upstream::Reqwest)
    }

    /// Sends one request, over `link` when the API is reached directly; the answer's
    /// body streams.
    pub async fn send(
        &self,
        link: &Link,
        method: Method,
        url: &url::Url,
        headers: HeaderMap,
        body: reqwest::Body,
    ) -> Result<Response<reqwest::Body>, Failed> {
        match self {
            Upstream::Plain { address, host, idle } => {
                let mut request = Request::new(body);
                *request.method_mut() = method;
                *request.uri_mut() = url[url::Position::BeforePath..url::Position::AfterQuery]
                    .parse()
                    .map_err(|_| Failed::Uri)?;
                *request.headers_mut() = headers;
                request.headers_mut().insert(HOST, host.clone());
                // One timer bounds the wait for the answer, then each wait in its body.
                let mut timer = Box::pin(tokio::time::sleep(*idle));
                let answer = tokio::select! {
                    biased;
                    answer = link.send(*address, request) => answer?,
                    () = &mut timer => return Err(Failed::Timeout),
                };
                let idle = *idle;
                timer.as_mut().reset(tokio::time::Instant::now() + idle);
                Ok(answer.map(|inner| reqwest::Body::wrap(Idle { inner, idle, timer })))
            }
            Upstream::Reqwest(client) => {
                let mut request = reqwest::Request::new(method, url.clone());
                *request.headers_mut() = headers;
                *request.body_mut() = Some(body);
                // The URL (its query may hold the client's own secrets) stays out of the log.
                let answer = client
                    .execute(request)
                    .await
                    .map_err(|e| Failed::Reqwest(e.without_url()))?;
                Ok(answer.into())
            }
        }
    }
}

type Connection = http1::Connection<TokioIo<tokio::net::TcpStream>, reqwest::Body>;

/// One client connection's own HTTP/1.1 connection to the API: opened at its first
/// request, again after the API closed it. `drive` must run beside the client
/// connection, in the same task.
#[derive(Default)]
pub struct Link(Mutex<Linked>);

#[derive(Default)]
struct Linked {
    sender: Option<http1::SendRequest<reqwest::Body>>,
    connection: Option<Pin<Box<Connection>>>,
    /// Wakes `drive` for a connection just opened.
    driver: Option<Waker>,
}

impl Link {
    /// Moves the connection's bytes; returns only when the client connection is gone
    /// (it is dropped with it).
    pub async fn drive(&self) {
        std::future::poll_fn(|cx| {
            let mut linked = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            if let Some(connection) = &mut linked.connection
                && let Poll::Ready(ended) = connection.as_mut().poll(cx)
            {
                if let Err(e) = ended {
                    crate::debug!(2, "proxy: the connection to the API ended: {e}");
                }
                linked.connection = None;
            }
            if !linked.driver.as_ref().is_some_and(|w| w.will_wake(cx.waker())) {
                linked.driver = Some(cx.waker().clone());
            }
            Poll::<()>::Pending
        })
        .await;
    }

    /// Sends `request` on the open connection when it takes one, else on a new one.
    /// A request the open connection could not take (the API closed it meanwhile) is
    /// sent once more on a new one; one it took and then lost that way is `Closed`, for
    /// the caller to send again if it may.
    async fn send(&self, address: SocketAddr, request: Request<reqwest::Body>) -> Result<Response<Incoming>, Failed> {
        let open = self.lock().sender.take();
        let (mut sender, reused) = match open {
            Some(mut open) => match open.ready().await {
                Ok(()) => (open, true),
                Err(_) => (self.connect(address).await?, false),
            },
            None => (self.connect(address).await?, false),
        };
        let answer = sender.try_send_request(request);
        self.lock().sender = Some(sender);
        match answer.await {
            Ok(answer) => Ok(answer),
            Err(mut e) => match e.take_message() {
                Some(request) => {
                    let mut sender = self.connect(address).await?;
                    let answer = sender.send_request(request);
                    self.lock().sender = Some(sender);
                    answer.await.map_err(Failed::Plain)
                }
                None if reused => Err(Failed::Closed(e.into_error())),
                None => Err(Failed::Plain(e.into_error())),
            },
        }
    }

    async fn connect(&self, address: SocketAddr) -> Result<http1::SendRequest<reqwest::Body>, Failed> {
        let stream = tokio::time::timeout(CONNECT_TIMEOUT, tokio::net::TcpStream::connect(address))
            .await
            .map_err(|_| Failed::Timeout)?
            .map_err(Failed::Connect)?;
        let _ = stream.set_nodelay(true);
        let (sender, connection) = http1::handshake(TokioIo::new(stream)).await.map_err(Failed::Plain)?;
        let mut linked = self.lock();
        linked.connection = Some(Box::pin(connection));
        if let Some(driver) = &linked.driver {
            driver.wake_by_ref();
        }
        Ok(sender)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Linked> {
        self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// An answer's body that fails when the API sends nothing for `idle`.
struct Idle {
    inner: Incoming,
    idle: Duration,
    timer: Pin<Box<tokio::time::Sleep>>,
}

impl Body for Idle {
    type Data = Bytes;
    type Error = Box<dyn std::error::Error + Send + Sync>;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        match Pin::new(&mut self.inner).poll_frame(cx) {
            Poll::Ready(frame) => {
                let next = tokio::time::Instant::now() + self.idle;
                self.timer.as_mut().reset(next);
                Poll::Ready(frame.map(|f| f.map_err(Into::into)))
            }
            Poll::Pending => match self.timer.as_mut().poll(cx) {
                Poll::Ready(()) => Poll::Ready(Some(Err(Failed::Timeout.into()))),
                Poll::Pending => Poll::Pending,
            },
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.inner.size_hint()
    }
}

//! The proxy's client for the API. Plain http to a loopback address (a local service, a
//! sidecar) goes through hyper's own pooled client: the lightest way there, and no
//! environment proxy may see loopback anyway. Anything else (https, names, `allow_http`
//! hosts) goes through reqwest, set up as every client of authctl's (rustls, the
//! profile's `ca_file`, the environment's proxies, no redirect followed). Both stream,
//! and bound only connecting (10 s) and each wait for the API (the profile's timeout).

use std::net::IpAddr;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, Method, Request, Response};
use http_body::{Body, Frame};
use hyper::body::Incoming;
use hyper_util::client::legacy::{self, connect::HttpConnector};

use crate::http::{CONNECT_TIMEOUT, TransportError};

type Plain = legacy::Client<HttpConnector, reqwest::Body>;

pub enum Upstream {
    Plain { client: Box<Plain>, idle: Duration },
    Reqwest(reqwest::Client),
}

/// Why the API gave no answer.
#[derive(Debug, thiserror::Error)]
pub enum Failed {
    #[error(transparent)]
    Reqwest(reqwest::Error),
    #[error(transparent)]
    Plain(legacy::Error),
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
            Failed::Plain(_) | Failed::Uri => false,
        }
    }
}

impl Upstream {
    /// The client for `url`.
    pub fn new(url: &url::Url, idle: Duration, ca_file: Option<&std::path::Path>) -> Result<Upstream, TransportError> {
        let loopback_ip = match url.host() {
            Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
            Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
            _ => false,
        };
        if url.scheme() == "http" && loopback_ip {
            let mut connector = HttpConnector::new();
            connector.set_connect_timeout(Some(CONNECT_TIMEOUT));
            connector.set_nodelay(true);
            let client = legacy::Client::builder(hyper_util::rt::TokioExecutor::new()).build(connector);
            return Ok(Upstream::Plain {
                client: Box::new(client),
                idle,
            });
        }
        crate::http::streaming_client(url, idle, ca_file).map(Upstream::Reqwest)
    }

    /// Sends one request; the answer's body streams.
    pub async fn send(
        &self,
        method: Method,
        url: &url::Url,
        headers: HeaderMap,
        body: reqwest::Body,
    ) -> Result<Response<reqwest::Body>, Failed> {
        match self {
            Upstream::Plain { client, idle } => {
                let mut request = Request::new(body);
                *request.method_mut() = method;
                *request.uri_mut() = url.as_str().parse().map_err(|_| Failed::Uri)?;
                *request.headers_mut() = headers;
                let answer = tokio::time::timeout(*idle, client.request(request))
                    .await
                    .map_err(|_| Failed::Timeout)?
                    .map_err(Failed::Plain)?;
                let idle = *idle;
                Ok(answer.map(|body| reqwest::Body::wrap(Idle::new(body, idle))))
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

/// An answer's body that fails when the API sends nothing for `idle`.
struct Idle {
    inner: Incoming,
    idle: Duration,
    timer: Pin<Box<tokio::time::Sleep>>,
}

impl Idle {
    fn new(inner: Incoming, idle: Duration) -> Idle {
        Idle {
            inner,
            idle,
            timer: Box::pin(tokio::time::sleep(idle)),
        }
    }
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

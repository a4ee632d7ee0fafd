//! The one HTTP client, behind the `Transport` seam the lifecycle sends through. rustls,
//! connect timeout 10 s, a whole-request timeout, at most two retries (connect errors,
//! 429, 502, 503, 504), no redirects followed, bodies capped at 1 MiB while streaming.
//! Proxies (`HTTPS_PROXY`, `NO_PROXY`) are honoured, except for loopback endpoints: plain
//! http is allowed there only because the bytes stay on this machine. `localhost` and
//! `*.localhost` resolve to loopback without asking DNS. `LazyClient` builds a client
//! and its runtime on the first request, so the cached path never does.

use std::cell::{OnceCell, RefCell};
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use reqwest::header::{ACCEPT, AUTHORIZATION, DATE, HeaderMap, HeaderValue, RETRY_AFTER, USER_AGENT};
use serde_json::Value;

use crate::config::ConfigError;
use crate::debug;
use crate::log::{chain, one_line};
use crate::providers::{Auth, Body, Request};
use crate::redact::{REDACTED, scrub};
use crate::settings::{is_loopback_host, is_loopback_name};

pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
pub const MAX_BODY: usize = 1024 * 1024;
const MAX_RETRIES: u32 = 2;
const MAX_RETRY_AFTER: Duration = Duration::from_secs(10);

/// An answer that arrived whole: any status, body within the cap.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub body: Vec<u8>,
}

impl Response {
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// What a server's `Date` header said, and this machine's time when the answer came:
/// for `doctor`'s look at the clock, which token expiry depends on.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ServerClock {
    pub host: String,
    /// The server's `Date`, in seconds since the epoch.
    pub server: i64,
    /// This machine's time when the answer arrived, in seconds since the epoch.
    pub local: f64,
}

impl ServerClock {
    fn of(url: &reqwest::Url, headers: &HeaderMap) -> Option<ServerClock> {
        let date = headers.get(DATE)?.to_str().ok()?;
        let server = chrono::DateTime::parse_from_rfc2822(date.trim()).ok()?.timestamp();
        Some(ServerClock {
            host: url.host_str()?.to_string(),
            server,
            local: crate::time::UnixTime::now().secs(),
        })
    }
}

/// Why a request got no whole answer.
#[derive(Debug, thiserror::Error)]
pub enum TransportError {
    #[error("the connection failed")]
    Connect(#[source] reqwest::Error),
    #[error("no answer within {}", humantime::format_duration(*.0))]
    Timeout(Duration),
    #[error("the response body is over 1 MiB")]
    TooLarge,
    #[error("the request failed")]
    Other(#[source] reqwest::Error),
    /// The secret cannot go in a header.
    #[error("the secret cannot go in an HTTP header")]
    HeaderUnsafe,
    /// The profile's `ca_file` cannot be used.
    #[error(transparent)]
    CaFile(Box<ConfigError>),
    #[error("cannot set up the HTTP client")]
    Build(#[source] reqwest::Error),
    #[error("cannot start the I/O runtime")]
    Runtime(#[source] std::io::Error),
}

/// What the lifecycle sends requests through.
pub trait Transport {
    /// Sends `request`, with the retry policy, and returns the whole answer.
    fn send(&self, request: &Request) -> Result<Response, TransportError>;
}

/// What the server says went wrong: its `message`; else an OAuth error answer (RFC 6749
/// §5.2) as `error: error_description`; else `error_description`, `title`. Any secret
/// the server echoed back is redacted before the text is cut to one line.
pub fn provider_message(body: &[u8]) -> Option<String> {
    let v: Value = serde_json::from_slice(body).ok()?;
    let text = |k: &str| v.get(k).and_then(Value::as_str).filter(|s| !s.trim().is_empty());
    let said = match (text("message"), text("error"), text("error_description")) {
        (Some(m), ..) => m.to_string(),
        (None, Some(code), Some(description)) => format!("{code}: {description}"),
        (None, Some(code), None) => code.to_string(),
        (None, None, Some(description)) => description.to_string(),
        (None, None, None) => text("title")?.to_string(),
    };
    Some(one_line(&scrub(&said), 300))
}

/// The OAuth error code of an error answer (RFC 6749 §5.2), if it has one.
pub fn oauth_error(body: &[u8]) -> Option<String> {
    let v: Value = serde_json::from_slice(body).ok()?;
    let code = v.get("error")?.as_str()?;
    // Error codes are printable ASCII without quotes or backslashes (§5.2).
    let plain =
        !code.is_empty() && code.len() <= 64 && code.bytes().all(|b| b.is_ascii_graphic() && b != b'"' && b != b'\\');
    plain.then(|| code.to_string())
}

/// A `Transport` that builds its `Client` on the first request: one through the proxy
/// settings, another for loopback endpoints, which no proxy may see, and for plain http
/// to loopback one that never loads the system's root certificates (it makes no TLS
/// connection, and loading them is most of a fetch's cost).
pub struct LazyClient {
    /// Who is asked, for the line a slow answer gets on a terminal.
    provider: Option<&'static str>,
    /// The last server `Date` seen.
    clock: RefCell<Option<ServerClock>>,
    timeout: Duration,
    ca_file: Option<PathBuf>,
    proxied: OnceCell<Client>,
    direct: OnceCell<Client>,
    plain: OnceCell<Client>,
}

impl LazyClient {
    pub fn new(timeout: Duration, ca_file: Option<PathBuf>) -> LazyClient {
        LazyClient {
            provider: None,
            clock: RefCell::new(None),
            timeout,
            ca_file,
            proxied: OnceCell::new(),
            direct: OnceCell::new(),
            plain: OnceCell::new(),
        }
    }

    /// Names the provider in the line a slow answer gets on a terminal.
    pub fn for_provider(self, name: &'static str) -> LazyClient {
        LazyClient {
            provider: Some(name),
            ..self
        }
    }

    /// The `Date` of the last answer that carried one, and when it came.
    pub fn server_clock(&self) -> Option<ServerClock> {
        self.clock.borrow().clone()
    }

    /// What a slow answer is waiting for: "mediroutes at api.example.com (up to 30s)…".
    fn waiting_for(&self, request: &Request) -> String {
        let host = request.url.host_str().unwrap_or("the server");
        let whom = match self.provider {
            Some(name) => format!("{name} at {host}"),
            None => host.to_string(),
        };
        format!(
            "waiting for {whom} (up to {})…",
            crate::cache::whole_seconds(self.timeout)
        )
    }
}

impl Transport for LazyClient {
    fn send(&self, request: &Request) -> Result<Response, TransportError> {
        let loopback = request.url.host().is_some_and(|h| is_loopback_host(&h));
        let (cell, tls) = match (loopback, request.url.scheme()) {
            (true, "http") => (&self.plain, Tls::Never),
            (true, _) => (&self.direct, Tls::Verified),
            (false, _) => (&self.proxied, Tls::Verified),
        };
        let client = match cell.get() {
            Some(c) => c,
            None => {
                let built = Client::new(self.timeout, self.ca_file.as_deref(), !loopback, tls)?;
                cell.get_or_init(|| built)
            }
        };
        let waiting = crate::log::Waiting::later(self.waiting_for(request));
        let sent = client.send(request);
        drop(waiting);
        if let Some(clock) = client.clock.take() {
            self.clock.replace(Some(clock));
        }
        sent
    }
}

/// Names RFC 6761 keeps on this machine resolve to loopback without asking DNS; the rest
/// go to the system resolver.
struct Resolver;

impl reqwest::dns::Resolve for Resolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let host = name.as_str().to_ascii_lowercase();
        Box::pin(async move {
            let addrs: Vec<SocketAddr> = if is_loopback_name(&host) {
                vec![
                    SocketAddr::new(Ipv4Addr::LOCALHOST.into(), 0),
                    SocketAddr::new(Ipv6Addr::LOCALHOST.into(), 0),
                ]
            } else {
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect()
            };
            Ok(Box::new(addrs.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

/// Whether a `Client` may make TLS connections.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tls {
    /// Verified against the system's roots and the profile's `ca_file`.
    Verified,
    /// Plain http only, straight to the server: no roots are loaded, so a TLS connection
    /// could not be verified and fails.
    Never,
}

/// What every client of authctl's has: rustls with ring, a connect timeout, loopback
/// names resolved here, no redirect followed, the environment's proxies only when
/// `proxied`, and the roots `tls` asks for (with the profile's `ca_file`).
fn configured(
    builder: reqwest::ClientBuilder,
    ca_file: Option<&std::path::Path>,
    proxied: bool,
    tls: Tls,
) -> Result<reqwest::ClientBuilder, TransportError> {
    // rustls' crypto provider; installing it a second time changes nothing.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut builder = builder
        .connect_timeout(CONNECT_TIMEOUT)
        .dns_resolver(Resolver)
        .redirect(reqwest::redirect::Policy::none());
    if !proxied {
        builder = builder.no_proxy();
    }
    // A broken ca_file is reported whether or not this client would use it.
    let extra_roots = ca_file
        .map(read_ca_file)
        .transpose()
        .map_err(|e| TransportError::CaFile(Box::new(e)))?;
    Ok(match (tls, extra_roots) {
        (Tls::Never, _) => builder.tls_certs_only([]),
        (Tls::Verified, Some(roots)) => builder.tls_certs_merge(roots),
        (Tls::Verified, None) => builder,
    })
}

/// The client of `authctl proxy` for the API at `upstream`: set up as every other, but
/// with no default headers and no whole-request timeout, since bodies stream for as long
/// as they take; `idle` bounds each wait for the API instead.
pub fn streaming_client(
    upstream: &reqwest::Url,
    idle: Duration,
    ca_file: Option<&std::path::Path>,
) -> Result<reqwest::Client, TransportError> {
    let loopback = upstream.host().is_some_and(|h| is_loopback_host(&h));
    let tls = match (loopback, upstream.scheme()) {
        (true, "http") => Tls::Never,
        _ => Tls::Verified,
    };
    // No `Accept: */*` of reqwest's own: the request goes on with the client's headers.
    let builder = reqwest::Client::builder()
        .read_timeout(idle)
        .default_headers(HeaderMap::new());
    configured(builder, ca_file, !loopback, tls)?
        .build()
        .map_err(TransportError::Build)
}

pub struct Client {
    inner: reqwest::Client,
    /// The `Date` of the last answer that carried one.
    clock: RefCell<Option<ServerClock>>,
    runtime: tokio::runtime::Runtime,
    timeout: Duration,
}

fn read_ca_file(path: &std::path::Path) -> Result<Vec<reqwest::Certificate>, ConfigError> {
    let pem = std::fs::read(path).map_err(|source| ConfigError::CaFile {
        path: path.to_path_buf(),
        source,
    })?;
    match reqwest::Certificate::from_pem_bundle(&pem) {
        Ok(certs) if !certs.is_empty() => Ok(certs),
        _ => Err(ConfigError::CaFilePem {
            path: path.to_path_buf(),
        }),
    }
}

impl Client {
    /// Builds the client and a current-thread runtime for it; `proxied` lets it use the
    /// proxy settings of the environment.
    pub fn new(
        timeout: Duration,
        ca_file: Option<&std::path::Path>,
        proxied: bool,
        tls: Tls,
    ) -> Result<Client, TransportError> {
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        headers.insert(
            USER_AGENT,
            HeaderValue::from_static(concat!("authctl/", env!("CARGO_PKG_VERSION"))),
        );
        let builder = reqwest::Client::builder().timeout(timeout).default_headers(headers);
        let inner = configured(builder, ca_file, proxied, tls)?
            .build()
            .map_err(TransportError::Build)?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(TransportError::Runtime)?;
        Ok(Client {
            inner,
            clock: RefCell::new(None),
            runtime,
            timeout,
        })
    }

    /// Sends a request, retrying connect errors, 429, 502, 503 and 504 at most twice.
    pub fn send(&self, req: &Request) -> Result<Response, TransportError> {
        self.runtime.block_on(async {
            let mut attempt = 0;
            loop {
                let started = Instant::now();
                let outcome = self.once(req).await;
                let retry_after = match &outcome {
                    Ok((resp, retry_after)) => {
                        debug!(
                            2,
                            "{} {} → HTTP {} ({} bytes, {} ms)",
                            req.method.as_str(),
                            req.url,
                            resp.status,
                            resp.body.len(),
                            started.elapsed().as_millis()
                        );
                        match resp.status {
                            429 | 502 | 503 | 504 => Some(*retry_after),
                            _ => None,
                        }
                    }
                    Err(TransportError::Connect(e)) => {
                        debug!(2, "{} {} → {}", req.method.as_str(), req.url, chain(e));
                        Some(None)
                    }
                    Err(_) => None,
                };
                let delay = match retry_after {
                    Some(_) if attempt >= MAX_RETRIES => None,
                    Some(Some(d)) if d > MAX_RETRY_AFTER => {
                        debug!(
                            1,
                            "{} asks to retry after {}s; not waiting that long",
                            req.url,
                            d.as_secs()
                        );
                        None
                    }
                    Some(Some(d)) => Some(d),
                    Some(None) => Some(backoff(attempt)),
                    None => None,
                };
                let Some(delay) = delay else {
                    return outcome.map(|(resp, _)| resp);
                };
                attempt += 1;
                debug!(
                    1,
                    "{}: retry {attempt} of {MAX_RETRIES} in {} ms",
                    req.url,
                    delay.as_millis()
                );
                tokio::time::sleep(delay).await;
            }
        })
    }

    async fn once(&self, req: &Request) -> Result<(Response, Option<Duration>), TransportError> {
        let mut builder = self.inner.request(
            match req.method {
                crate::providers::Method::Get => reqwest::Method::GET,
                crate::providers::Method::Post => reqwest::Method::POST,
            },
            req.url.clone(),
        );
        if let Some(auth) = &req.auth {
            let text = match auth {
                Auth::Bearer(token) => format!("Bearer {}", token.expose()),
                Auth::Basic(credentials) => format!("Basic {}", credentials.expose()),
            };
            let mut value = HeaderValue::from_str(&text).map_err(|_| TransportError::HeaderUnsafe)?;
            value.set_sensitive(true);
            builder = builder.header(AUTHORIZATION, value);
        }
        for (name, value) in &req.headers {
            builder = builder.header(*name, value);
        }
        builder = match &req.body {
            Body::Empty => builder,
            Body::Json(fields) => {
                let object: serde_json::Map<String, Value> = fields
                    .iter()
                    .map(|(k, v)| (k.to_string(), Value::String(v.to_string())))
                    .collect();
                builder.json(&object)
            }
            Body::Form(fields) => {
                let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
                builder.form(&pairs)
            }
        };
        log_request(req);

        let resp = builder.send().await.map_err(|e| self.failure(e))?;
        let status = resp.status().as_u16();
        log_headers(resp.headers());
        if let Some(clock) = ServerClock::of(&req.url, resp.headers()) {
            self.clock.replace(Some(clock));
        }
        let retry_after = resp
            .headers()
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(parse_retry_after);
        let body = self.read_body(resp).await?;
        if crate::log::enabled(3) {
            crate::log::emit(&format!("authctl: < body: {}", describe_body(&body)));
        }
        Ok((Response { status, body }, retry_after))
    }

    async fn read_body(&self, mut resp: reqwest::Response) -> Result<Vec<u8>, TransportError> {
        if resp.content_length().is_some_and(|n| n > MAX_BODY as u64) {
            return Err(TransportError::TooLarge);
        }
        let mut body = Vec::new();
        while let Some(chunk) = resp.chunk().await.map_err(|e| self.failure(e))? {
            if body.len() + chunk.len() > MAX_BODY {
                return Err(TransportError::TooLarge);
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    }

    fn failure(&self, e: reqwest::Error) -> TransportError {
        if e.is_timeout() {
            TransportError::Timeout(self.timeout)
        } else if e.is_connect() {
            TransportError::Connect(e)
        } else {
            TransportError::Other(e)
        }
    }
}

/// `-vvv`: the request line and its headers, secrets redacted; bodies are never shown.
fn log_request(req: &Request) {
    if !crate::log::enabled(3) {
        return;
    }
    let auth = match &req.auth {
        Some(Auth::Bearer(_)) => format!(", Authorization: Bearer {REDACTED}"),
        Some(Auth::Basic(_)) => format!(", Authorization: Basic {REDACTED}"),
        None => String::new(),
    };
    let body = match &req.body {
        Body::Empty => "no body".to_string(),
        Body::Json(fields) => format!("JSON body: {}", describe_fields(fields)),
        Body::Form(fields) => format!("form body: {}", describe_fields(fields)),
    };
    let extra: String = req.headers.iter().map(|(k, v)| format!(", {k}: {v}")).collect();
    crate::log::emit(&format!(
        "authctl: > {} {} ({body}{auth}{extra})",
        req.method.as_str(),
        req.url
    ));
}

/// `-vvv`: a request body's fields, every value that may bear a secret redacted.
fn describe_fields(fields: &crate::providers::Fields) -> String {
    let shown: Vec<String> = fields
        .iter()
        .map(|(k, v)| match crate::redact::readable_field(k) {
            true => format!("{k}={}", one_line(v, 100)),
            false => format!("{k}={REDACTED}"),
        })
        .collect();
    shown.join(", ")
}

/// `-vvv`: the response headers, cookies redacted (every line is scrubbed on its way out).
fn log_headers(headers: &HeaderMap) {
    if !crate::log::enabled(3) {
        return;
    }
    for (name, value) in headers {
        let shown = if name == "set-cookie" {
            REDACTED.into()
        } else {
            String::from_utf8_lossy(value.as_bytes()).into_owned()
        };
        crate::log::emit(&format!("authctl: < {name}: {}", one_line(&shown, 300)));
    }
}

/// 250 ms, then 500 ms, each plus up to 250 ms of jitter so parallel jobs spread out.
fn backoff(attempt: u32) -> Duration {
    let base = 250u64 << attempt;
    let jitter = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u64::from(d.subsec_nanos()) ^ u64::from(std::process::id()))
        % 250;
    Duration::from_millis(base + jitter)
}

/// `Retry-After` as seconds or an HTTP date. More seconds than a `u64` holds is as good
/// as forever: it stops the retries, as any long wait does.
pub fn parse_retry_after(v: &str) -> Option<Duration> {
    let v = v.trim();
    if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) {
        return Some(v.parse().map_or(Duration::MAX, Duration::from_secs));
    }
    let when = chrono::DateTime::parse_from_rfc2822(v.trim()).ok()?;
    let secs = (when.timestamp() - chrono::Utc::now().timestamp()).max(0);
    Some(Duration::from_secs(secs as u64))
}

/// For `-vvv`: the body's shape with every string redacted except error texts and types.
fn describe_body(body: &[u8]) -> String {
    fn walk(v: &Value, key: Option<&str>) -> Value {
        match v {
            Value::String(s) => match key {
                Some(k) if crate::redact::readable_field(k) => Value::String(scrub(s).into_owned()),
                _ => Value::String(REDACTED.into()),
            },
            Value::Array(items) => Value::Array(items.iter().map(|i| walk(i, None)).collect()),
            Value::Object(map) => Value::Object(map.iter().map(|(k, v)| (k.clone(), walk(v, Some(k)))).collect()),
            other => other.clone(),
        }
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(v) => walk(&v, None).to_string(),
        Err(_) => format!("{} bytes, not JSON (not logged)", body.len()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provider_message_prefers_message_then_oauth_fields() {
        assert_eq!(
            provider_message(br#"{"error":true,"message":"Invalid API secret"}"#).unwrap(),
            "Invalid API secret"
        );
        assert_eq!(
            provider_message(br#"{"error":"invalid_client","error_description":"bad client"}"#).unwrap(),
            "invalid_client: bad client"
        );
        assert_eq!(
            provider_message(br#"{"error":"invalid_grant"}"#).unwrap(),
            "invalid_grant"
        );
        assert_eq!(
            provider_message(br#"{"title":"Unauthorized","status":401}"#).unwrap(),
            "Unauthorized"
        );
        assert!(provider_message(b"<html>").is_none());
    }

    #[test]
    fn an_echoed_secret_is_redacted_before_the_message_is_cut() {
        crate::redact::register("unit-http-Straddling-Secret");
        // The secret starts just before the 300-character cut: cutting first would leave
        // its first half in the message, where no later scrub could recognise it.
        let body = serde_json::json!({"message": format!("{}unit-http-Straddling-Secret", "x".repeat(288))});
        let message = provider_message(body.to_string().as_bytes()).unwrap();
        assert!(!message.contains("unit-http-St"), "{message}");
    }

    #[test]
    fn retry_after_reads_seconds() {
        assert_eq!(parse_retry_after("3"), Some(Duration::from_secs(3)));
        assert_eq!(parse_retry_after("soon"), None);
        assert_eq!(parse_retry_after("99999999999999999999999"), Some(Duration::MAX));
    }

    #[test]
    fn body_description_redacts_tokens_but_keeps_errors() {
        let d = describe_body(br#"{"access_token":"abc.def","token_type":"Bearer","expires_in":3600,"error":"x"}"#);
        assert!(!d.contains("abc.def"), "{d}");
        assert!(d.contains("Bearer") && d.contains("3600"), "{d}");
    }

    #[test]
    fn backoff_grows() {
        assert!(backoff(0) < Duration::from_millis(500));
        assert!(backoff(1) >= Duration::from_millis(500));
    }
}

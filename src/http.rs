//! The one HTTP client. Built only when a token must come from the network: the cached
//! path never gets here. rustls, connect timeout 10 s, a whole-request timeout, at most
//! two retries, bodies capped at 1 MiB while streaming, provider messages on one line.

use std::time::{Duration, Instant};

use reqwest::header::{ACCEPT, AUTHORIZATION, HeaderMap, HeaderValue, RETRY_AFTER, USER_AGENT};
use serde_json::Value;

use crate::debug;
use crate::error::{self, Error, Result, one_line};
use crate::providers::{Body, Method, Request};
use crate::redact::{REDACTED, scrub};

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

    /// The body as JSON, or exit 6 saying what came instead.
    pub fn json(&self, what: &str) -> Result<Value> {
        serde_json::from_slice(&self.body).map_err(|e| {
            error::upstream(format!(
                "{what} answered HTTP {} with a body that is not valid JSON ({e}): {}",
                self.status,
                snippet(&self.body)
            ))
        })
    }

    /// The error for a non-2xx answer: 400/401/403 are a rejection (exit 5), the rest
    /// a provider that answered badly (exit 6). The provider's own message is kept; when
    /// there is none, `meaning` (what the provider documents for the status) stands in.
    pub fn failure(&self, what: &str, meaning: Option<&str>) -> Error {
        let reason = reqwest::StatusCode::from_u16(self.status)
            .ok()
            .and_then(|s| s.canonical_reason())
            .unwrap_or("");
        let detail = provider_message(&self.body)
            .or(meaning.map(str::to_string))
            .map(|m| format!(": {m}"))
            .unwrap_or_default();
        let text = format!("{what} answered HTTP {} {reason}{detail}", self.status);
        match self.status {
            400 | 401 | 403 => Error::Rejected(text),
            _ => Error::Upstream(text),
        }
    }
}

/// The first of `message`, `error_description`, `error`, `title` that holds text, with
/// any secret the server echoed back redacted before it is cut to one line.
pub fn provider_message(body: &[u8]) -> Option<String> {
    let v: Value = serde_json::from_slice(body).ok()?;
    ["message", "error_description", "error", "title"]
        .iter()
        .filter_map(|k| v.get(*k).and_then(Value::as_str))
        .find(|s| !s.trim().is_empty())
        .map(|s| one_line(&scrub(s), 300))
}

/// A short, single-line look at a body that was not what was expected (an HTML error
/// page, say), secrets redacted. Never called on a body that parsed as JSON, so tokens
/// do not end up here.
fn snippet(body: &[u8]) -> String {
    if body.is_empty() {
        return "(empty body)".into();
    }
    let text = String::from_utf8_lossy(body);
    format!("\"{}\"", one_line(&scrub(&text), 80))
}

pub struct Client {
    inner: reqwest::Client,
    runtime: tokio::runtime::Runtime,
    timeout: Duration,
}

impl Client {
    /// Builds the client and a current-thread runtime for it.
    pub fn new(timeout: Duration, ca_file: Option<&std::path::Path>) -> Result<Client> {
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        headers.insert(
            USER_AGENT,
            HeaderValue::from_static(concat!("authctl/", env!("CARGO_PKG_VERSION"))),
        );
        let mut builder = reqwest::Client::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(timeout)
            .default_headers(headers)
            .redirect(reqwest::redirect::Policy::none());
        if let Some(path) = ca_file {
            let pem = std::fs::read(path)
                .map_err(|e| error::config(format!("cannot read ca_file {}: {e}", path.display())))?;
            let certs = reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| {
                error::config(format!(
                    "ca_file {} holds no usable PEM certificate: {e}",
                    path.display()
                ))
            })?;
            if certs.is_empty() {
                return Err(error::config(format!(
                    "ca_file {} holds no PEM certificate",
                    path.display()
                )));
            }
            builder = builder.tls_certs_merge(certs);
        }
        let inner = builder
            .build()
            .map_err(|e| anyhow::anyhow!("cannot set up the HTTP client: {e}"))?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| anyhow::anyhow!("cannot start the I/O runtime: {e}"))?;
        Ok(Client {
            inner,
            runtime,
            timeout,
        })
    }

    /// Sends a request, retrying connect errors, 429, 502, 503 and 504 at most twice.
    /// `what` names the other side in messages ("midigator (https://…/auth)").
    pub fn send(&self, req: &Request, what: &str) -> Result<Response> {
        self.runtime.block_on(async {
            let mut attempt = 0;
            loop {
                let started = Instant::now();
                let outcome = self.once(req).await;
                let wait = match &outcome {
                    Ok((resp, retry_after)) => {
                        debug!(
                            2,
                            "{} {} → HTTP {} ({} bytes, {} ms)",
                            method_name(req.method),
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
                    Err(Failure::Connect(msg)) => {
                        debug!(2, "{} {} → {msg}", method_name(req.method), req.url);
                        Some(None)
                    }
                    Err(_) => None,
                };
                match wait {
                    Some(retry_after) if attempt < MAX_RETRIES => {
                        let delay = match retry_after {
                            Some(d) if d > MAX_RETRY_AFTER => {
                                debug!(1, "{what} asks to retry after {}s; not waiting that long", d.as_secs());
                                return finish(outcome, what, self.timeout);
                            }
                            Some(d) => d,
                            None => backoff(attempt),
                        };
                        attempt += 1;
                        debug!(
                            1,
                            "{what}: retry {attempt} of {MAX_RETRIES} in {} ms",
                            delay.as_millis()
                        );
                        tokio::time::sleep(delay).await;
                    }
                    _ => return finish(outcome, what, self.timeout),
                }
            }
        })
    }

    async fn once(&self, req: &Request) -> Result<(Response, Option<Duration>), Failure> {
        let mut builder = match req.method {
            Method::Get => self.inner.get(req.url.clone()),
            Method::Post => self.inner.post(req.url.clone()),
        };
        if let Some(bearer) = &req.bearer {
            let mut value =
                HeaderValue::from_str(&format!("Bearer {}", bearer.expose())).map_err(|_| Failure::BadSecret)?;
            value.set_sensitive(true);
            builder = builder.header(AUTHORIZATION, value);
        }
        for (name, value) in &req.headers {
            builder = builder.header(*name, value);
        }
        builder = match &req.body {
            Body::Empty => builder,
            Body::Json(v) => builder.json(v),
            Body::Form(fields) => builder.form(fields),
        };
        if crate::log::enabled(3) {
            let auth = req
                .bearer
                .as_ref()
                .map(|_| format!(", Authorization: Bearer {REDACTED}"));
            let body = match &req.body {
                Body::Empty => "no body",
                Body::Json(_) => "JSON body (not logged: it may hold the secret)",
                Body::Form(_) => "form body (not logged: it may hold the secret)",
            };
            let extra: String = req.headers.iter().map(|(k, v)| format!(", {k}: {v}")).collect();
            crate::log::emit(&format!(
                "authctl: > {} {} ({body}{}{extra})",
                method_name(req.method),
                req.url,
                auth.unwrap_or_default()
            ));
        }

        let mut resp = builder.send().await.map_err(Failure::from_reqwest)?;
        let status = resp.status().as_u16();
        if crate::log::enabled(3) {
            for (name, value) in resp.headers() {
                let shown = if name == "set-cookie" {
                    REDACTED.into()
                } else {
                    String::from_utf8_lossy(value.as_bytes()).into_owned()
                };
                crate::log::emit(&format!("authctl: < {name}: {}", one_line(&shown, 300)));
            }
        }
        let retry_after = resp
            .headers()
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(parse_retry_after);
        if resp.content_length().is_some_and(|n| n > MAX_BODY as u64) {
            return Err(Failure::TooLarge);
        }
        let mut body = Vec::new();
        while let Some(chunk) = resp.chunk().await.map_err(Failure::from_reqwest)? {
            if body.len() + chunk.len() > MAX_BODY {
                return Err(Failure::TooLarge);
            }
            body.extend_from_slice(&chunk);
        }
        if crate::log::enabled(3) {
            crate::log::emit(&format!("authctl: < body: {}", describe_body(&body)));
        }
        Ok((Response { status, body }, retry_after))
    }
}

/// Why a request got no whole answer.
#[derive(Debug)]
enum Failure {
    Connect(String),
    Timeout,
    TooLarge,
    BadSecret,
    Other(String),
}

impl Failure {
    fn from_reqwest(e: reqwest::Error) -> Failure {
        if e.is_timeout() {
            Failure::Timeout
        } else if e.is_connect() {
            Failure::Connect(root_cause(&e))
        } else {
            Failure::Other(root_cause(&e))
        }
    }
}

/// The innermost message, which is the one that says what happened ("Connection refused").
fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cur = e;
    while let Some(next) = cur.source() {
        cur = next;
    }
    one_line(&scrub(&cur.to_string()), 200)
}

fn finish(outcome: Result<(Response, Option<Duration>), Failure>, what: &str, timeout: Duration) -> Result<Response> {
    match outcome {
        Ok((resp, _)) => Ok(resp),
        Err(Failure::Connect(msg)) => Err(error::upstream(format!("cannot connect to {what}: {msg}"))),
        Err(Failure::Timeout) => Err(error::upstream(format!(
            "{what} did not answer within {} (raise --timeout or the profile's timeout)",
            humantime::format_duration(timeout)
        ))),
        Err(Failure::TooLarge) => Err(error::upstream(format!(
            "{what} sent a response body over 1 MiB; refused"
        ))),
        Err(Failure::BadSecret) => Err(error::secret(
            "the secret holds characters that cannot go in an HTTP header (a line break?); store it again",
        )),
        Err(Failure::Other(msg)) => Err(error::upstream(format!("request to {what} failed: {msg}"))),
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

/// `Retry-After` as seconds or an HTTP date.
fn parse_retry_after(v: &str) -> Option<Duration> {
    if let Ok(secs) = v.trim().parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = chrono::DateTime::parse_from_rfc2822(v.trim()).ok()?;
    let secs = (when.timestamp() - chrono::Utc::now().timestamp()).max(0);
    Some(Duration::from_secs(secs as u64))
}

fn method_name(m: Method) -> &'static str {
    match m {
        Method::Get => "GET",
        Method::Post => "POST",
    }
}

/// For `-vvv`: the body's shape with every string redacted except error texts and types.
fn describe_body(body: &[u8]) -> String {
    fn walk(v: &Value, key: Option<&str>) -> Value {
        match v {
            Value::String(s) => match key {
                Some("token_type" | "error" | "error_description" | "message" | "title") => {
                    Value::String(scrub(s).into_owned())
                }
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
            "bad client"
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
        let html = format!("<p>{}unit-http-Straddling-Secret</p>", "x".repeat(65));
        assert!(!snippet(html.as_bytes()).contains("unit-http-St"));
    }

    #[test]
    fn retry_after_reads_seconds() {
        assert_eq!(parse_retry_after("3"), Some(Duration::from_secs(3)));
        assert_eq!(parse_retry_after("soon"), None);
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

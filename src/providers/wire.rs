//! What providers and the HTTP client exchange: a `Request` a provider describes, the
//! `Grant` it reads from a 2xx answer, and `BadAnswer` when the answer is not what its
//! API documents. Request bodies are flat objects of strings for every provider here.

use std::time::Duration;

use reqwest::Url;
use serde_json::Value;
use zeroize::Zeroizing;

use crate::secret::Secret;
use crate::time::UnixTime;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
        }
    }
}

/// Field values may hold a secret: they are zeroized, never logged, and `Debug` shows
/// only the field names.
pub type Fields = Vec<(&'static str, Zeroizing<String>)>;

#[derive(Clone)]
pub enum Body {
    Empty,
    /// A JSON object of strings.
    Json(Fields),
    /// `application/x-www-form-urlencoded`.
    Form(Fields),
}

impl std::fmt::Debug for Body {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (kind, fields) = match self {
            Body::Empty => return f.write_str("Empty"),
            Body::Json(fields) => ("Json", fields),
            Body::Form(fields) => ("Form", fields),
        };
        let keys: Vec<&str> = fields.iter().map(|(k, _)| *k).collect();
        write!(f, "{kind}({} redacted)", keys.join(", "))
    }
}

/// Builds `Fields` from `(name, value)` pairs.
pub fn fields<const N: usize>(pairs: [(&'static str, &str); N]) -> Fields {
    pairs
        .into_iter()
        .map(|(k, v)| (k, Zeroizing::new(v.to_string())))
        .collect()
}

/// The `Authorization` header of a request: always secret-bearing.
#[derive(Debug, Clone)]
pub enum Auth {
    /// `Bearer TOKEN`.
    Bearer(Secret),
    /// `Basic CREDENTIALS`, the credentials already encoded (RFC 7617).
    Basic(Secret),
}

/// One HTTP request, described by a provider and sent by the transport.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: Method,
    pub url: Url,
    pub auth: Option<Auth>,
    /// Other headers the API wants (never secrets: they are shown at `-vvv`).
    pub headers: Vec<(&'static str, String)>,
    pub body: Body,
}

impl Request {
    pub fn post(url: Url, body: Body) -> Request {
        Request {
            method: Method::Post,
            url,
            auth: None,
            headers: Vec::new(),
            body,
        }
    }

    pub fn get(url: Url) -> Request {
        Request {
            method: Method::Get,
            url,
            auth: None,
            headers: Vec::new(),
            body: Body::Empty,
        }
    }

    pub fn with_bearer(self, bearer: &Secret) -> Request {
        Request {
            auth: Some(Auth::Bearer(bearer.clone())),
            ..self
        }
    }

    pub fn with_headers(self, headers: Vec<(&'static str, String)>) -> Request {
        Request { headers, ..self }
    }
}

/// What a provider read from a 2xx answer that carries an access token. Its expiry
/// hints are weighed by the cache (`cache::expiry`), first that applies: the JWT's `exp`,
/// `expires_in`, `expires_at`, the documented lifetime, the profile's `default_ttl`.
#[derive(Debug, Default)]
pub struct Grant {
    /// Checked against RFC 6750 before anything else happens to it.
    pub access_token: String,
    pub token_type: Option<String>,
    /// Seconds from now, as the answer says.
    pub expires_in: Option<f64>,
    /// An absolute expiry the answer states (MediRoutes' `.expires`).
    pub expires_at: Option<UnixTime>,
    /// The lifetime the provider documents, when the answer says none (Nugios).
    pub documented_lifetime: Option<Duration>,
    /// A refresh token that buys the next access token.
    pub refresh_token: Option<Secret>,
    /// Nugios: the account's password has expired.
    pub password_expired: bool,
    /// OpenID Connect: the ID token that came with the access token.
    pub id_token: Option<String>,
}

/// Why a 2xx answer cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BadAnswer {
    #[error("the response has no \"{0}\" field")]
    NoField(&'static str),
    #[error("the response is not a list of {0}")]
    NotAList(&'static str),
    #[error("the response's \"{0}\" is not a place to send a person to (it must be https, or http to this machine)")]
    NotSendable(&'static str),
}

/// A string field of a JSON object; absent, null or not a string is `None`.
pub fn str_field(body: &Value, key: &str) -> Option<String> {
    body.get(key).and_then(Value::as_str).map(str::to_string)
}

/// A required string field.
pub fn required(body: &Value, key: &'static str) -> Result<String, BadAnswer> {
    str_field(body, key).ok_or(BadAnswer::NoField(key))
}

/// A secret-bearing string field (a refresh or developer token).
pub fn secret_field(body: &Value, key: &str) -> Option<Secret> {
    str_field(body, key).map(Secret::new)
}

/// A boolean field; absent or null is false.
pub fn bool_field(body: &Value, key: &str) -> bool {
    body.get(key).and_then(Value::as_bool).unwrap_or(false)
}

/// A number field that may arrive as a number or a numeric string.
pub fn num_field(body: &Value, key: &str) -> Option<f64> {
    match body.get(key)? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// Appends path segments to a base URL, whether or not it ends in `/`.
pub fn join(base: &Url, path: &str) -> Url {
    let mut url = base.clone();
    let trimmed = url.path().trim_end_matches('/').to_string();
    url.set_path(&format!("{trimmed}/{}", path.trim_start_matches('/')));
    url
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_debug_shows_field_names_only() {
        let form = Body::Form(fields([("client_id", "c"), ("client_secret", "hunter2")]));
        assert_eq!(format!("{form:?}"), "Form(client_id, client_secret redacted)");
        let json = Body::Json(fields([("password", "hunter2")]));
        assert!(!format!("{json:?}").contains("hunter2"));
    }

    #[test]
    fn join_handles_trailing_slashes() {
        let a = Url::parse("https://x.test/api/").unwrap();
        let b = Url::parse("https://x.test").unwrap();
        assert_eq!(join(&a, "/auth").as_str(), "https://x.test/api/auth");
        assert_eq!(join(&b, "auth").as_str(), "https://x.test/auth");
    }
}

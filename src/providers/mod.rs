//! The providers. Each file knows one API's wire format — its config keys, the requests
//! it sends and how to read the answers — and nothing about caches, files, output or
//! exit codes. The core (`obtain.rs`) drives every provider the same way:
//!
//! 1. with a stored refresh credential, send `refresh`; a rejection (see
//!    `refresh_rejected`) falls through to step 2, any other failure stops and keeps it;
//! 2. send `login` with the profile's secret;
//! 3. a login that yields only a long-lived credential and no access token (MidwayPlus'
//!    developer token) is followed by `refresh` with that credential.
//!
//! A provider whose access tokens belong to a sub-account (`scope`: a MidwayPlus
//! installation) has them cached per sub-account, and its long-lived credential is shared
//! by all of them.

use std::time::Duration;

use reqwest::Url;
use serde_json::Value;

use crate::config::Keys;
use crate::error::Result;
use crate::secret::Secret;

pub mod mediroutes;
pub mod midigator;
pub mod midway;
pub mod nugios;
pub mod oauth2;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Midigator,
    Midway,
    Mediroutes,
    Nugios,
    Oauth2,
}

impl Kind {
    pub const ALL: [Kind; 5] = [
        Kind::Midigator,
        Kind::Midway,
        Kind::Mediroutes,
        Kind::Nugios,
        Kind::Oauth2,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Kind::Midigator => "midigator",
            Kind::Midway => "midway",
            Kind::Mediroutes => "mediroutes",
            Kind::Nugios => "nugios",
            Kind::Oauth2 => "oauth2",
        }
    }

    pub fn from_name(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.name() == name)
    }

    /// What the profile's one secret is called, for messages and prompts.
    pub fn secret_name(self) -> &'static str {
        match self {
            Kind::Midigator => "API secret",
            Kind::Midway | Kind::Mediroutes | Kind::Nugios => "password",
            Kind::Oauth2 => "client secret",
        }
    }
}

/// The provider-specific keys of a profile.
#[derive(Debug, Clone)]
pub enum Options {
    Midigator(midigator::Options),
    Midway(midway::Options),
    Mediroutes(mediroutes::Options),
    Nugios(nugios::Options),
    Oauth2(oauth2::Options),
}

impl Options {
    pub fn parse(kind: Kind, keys: &mut Keys<'_>) -> Result<Options> {
        Ok(match kind {
            Kind::Midigator => Options::Midigator(midigator::Options::parse(keys)?),
            Kind::Midway => Options::Midway(midway::Options::parse(keys)?),
            Kind::Mediroutes => Options::Mediroutes(mediroutes::Options::parse(keys)?),
            Kind::Nugios => Options::Nugios(nugios::Options::parse(keys)?),
            Kind::Oauth2 => Options::Oauth2(oauth2::Options::parse(keys)?),
        })
    }

    /// The provider that speaks this profile's wire format.
    pub fn provider(&self) -> &dyn Provider {
        match self {
            Options::Midigator(o) => o,
            Options::Midway(o) => o,
            Options::Mediroutes(o) => o,
            Options::Nugios(o) => o,
            Options::Oauth2(o) => o,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
}

/// A request body. Values may hold a secret: the HTTP layer never logs bodies, and
/// `Debug` shows only the field names.
#[derive(Clone)]
pub enum Body {
    Empty,
    Json(Value),
    Form(Vec<(&'static str, String)>),
}

impl std::fmt::Debug for Body {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let keys: Vec<&str> = match self {
            Body::Empty => return f.write_str("Empty"),
            Body::Json(Value::Object(map)) => map.keys().map(String::as_str).collect(),
            Body::Json(_) => Vec::new(),
            Body::Form(fields) => fields.iter().map(|(k, _)| *k).collect(),
        };
        write!(f, "Body({} redacted)", keys.join(", "))
    }
}

/// One HTTP request, described by a provider and sent by `http.rs`.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: Method,
    pub url: Url,
    /// Sent as `Authorization: Bearer …` (Midigator sends its API secret this way).
    pub bearer: Option<Secret>,
    /// Other headers the provider wants (never secrets: they are logged at `-vvv`).
    pub headers: Vec<(&'static str, String)>,
    pub body: Body,
}

impl Request {
    pub fn post(url: Url, body: Body) -> Request {
        Request {
            method: Method::Post,
            url,
            bearer: None,
            headers: Vec::new(),
            body,
        }
    }
}

/// Which call a response answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Login,
    Refresh,
}

/// What a provider read from a successful response.
#[derive(Debug, Default)]
pub struct Grant {
    pub access_token: Option<String>,
    pub token_type: Option<String>,
    /// Seconds from now, as the response says.
    pub expires_in: Option<f64>,
    /// An absolute expiry (Unix seconds) the response states, such as MediRoutes' `.expires`.
    pub expires_at: Option<f64>,
    /// The lifetime the provider documents for its tokens, when the response says none.
    pub documented_lifetime: Option<Duration>,
    /// A refresh token, or another long-lived credential that `refresh` accepts.
    pub refresh_token: Option<String>,
    /// Nugios: the account's password has expired.
    pub password_expired: bool,
}

/// A provider's wire format.
pub trait Provider {
    fn kind(&self) -> Kind;

    /// The request that logs in with the profile's one secret.
    fn login(&self, secret: &Secret) -> Request;

    /// True when the provider can renew with a refresh credential (see `refresh`).
    fn has_refresh(&self) -> bool {
        false
    }

    /// The request that renews with a stored refresh credential; `None` when the
    /// provider has no such thing.
    fn refresh(&self, _refresh_token: &Secret) -> Option<Request> {
        None
    }

    /// Reads a 2xx answer to `login` or `refresh`. The error is one line naming what was
    /// wrong with the body.
    fn parse(&self, step: Step, body: &Value) -> std::result::Result<Grant, String>;

    /// Statuses of a refresh answer that mean "that refresh credential is no good: log in".
    fn refresh_rejected(&self, status: u16) -> bool {
        matches!(status, 400 | 401)
    }

    /// What the long-lived credential that `refresh` takes is called, in messages.
    fn credential_name(&self) -> &'static str {
        "refresh token"
    }

    /// True when the provider's access tokens belong to sub-accounts (MidwayPlus
    /// installations), whether or not this profile names one: its long-lived credential
    /// is then kept per profile and shared by the sub-accounts' tokens.
    fn has_scopes(&self) -> bool {
        false
    }

    /// The sub-account this profile's access tokens belong to, when it names one:
    /// `(what it is called, its ID)`. Tokens are cached per sub-account.
    fn scope(&self) -> Option<(&'static str, &str)> {
        None
    }

    /// `Err(what to do instead)` when this profile's tokens cannot be fetched without a
    /// person (a MidwayPlus profile without `installation` gets its token in a browser).
    fn unattended(&self) -> std::result::Result<(), String> {
        Ok(())
    }

    /// What an error status means when the answer carries no message of its own.
    fn status_meaning(&self, _status: u16) -> Option<&'static str> {
        None
    }

    /// Headers every API call needs besides `Authorization`.
    fn extra_headers(&self) -> Vec<(&'static str, String)> {
        Vec::new()
    }
}

/// Reads a string field of a JSON object, for parsers.
pub fn str_field(body: &Value, key: &str) -> Option<String> {
    body.get(key).and_then(Value::as_str).map(str::to_string)
}

/// Reads a boolean field; absent or null is false.
pub fn bool_field(body: &Value, key: &str) -> bool {
    body.get(key).and_then(Value::as_bool).unwrap_or(false)
}

/// Reads a number field that may arrive as a number or a numeric string.
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
        let form = Body::Form(vec![("client_id", "c".into()), ("client_secret", "hunter2".into())]);
        assert_eq!(format!("{form:?}"), "Body(client_id, client_secret redacted)");
        let json = Body::Json(serde_json::json!({"password": "hunter2"}));
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

//! Nugios API: login `{login, password}` and refresh `{refreshToken}`, both answered by
//! `{accessToken, refreshToken, passwordExpired}`; every API call also carries
//! `X-nugios-timezone: <minutes east of UTC>`.

use std::time::Duration;

use reqwest::Url;
use serde_json::{Value, json};

use super::{Body, Grant, Kind, Provider, Request, Step, bool_field, str_field};
use crate::config::Keys;
use crate::error::Result;
use crate::secret::Secret;

/// Nugios documents 43200 minutes (30 days) for its access tokens.
pub const ACCESS_TOKEN_LIFETIME: Duration = Duration::from_secs(43200 * 60);

#[derive(Debug, Clone)]
pub struct Options {
    pub login_url: Url,
    pub refresh_url: Url,
    pub login: String,
    /// Minutes east of UTC; `None` means the machine's offset at the time of the call.
    pub timezone_offset: Option<i32>,
}

impl Options {
    pub fn parse(keys: &mut Keys<'_>) -> Result<Self> {
        let login_url = keys.required_url(
            "login_url",
            "Nugios does not publish its URLs; ask Nugios for the login endpoint",
        )?;
        let refresh_url = keys.required_url("refresh_url", "the refresh endpoint Nugios gave you")?;
        let login = keys.required_string("login", "your Nugios user name")?;
        let timezone_offset = match keys.integer("timezone_offset")? {
            None => None,
            Some(m) if (-14 * 60..=14 * 60).contains(&m) => Some(m as i32),
            Some(m) => {
                return Err(keys.error(
                    "timezone_offset",
                    format!("{m} minutes is not a UTC offset (-840 to 840)"),
                ));
            }
        };
        Ok(Options {
            login_url,
            refresh_url,
            login,
            timezone_offset,
        })
    }
}

impl Options {
    /// The `X-nugios-timezone` value: the configured offset, else this machine's now.
    pub fn timezone_minutes(&self) -> i32 {
        self.timezone_offset
            .unwrap_or_else(|| chrono::Local::now().offset().local_minus_utc() / 60)
    }
}

impl Provider for Options {
    fn kind(&self) -> Kind {
        Kind::Nugios
    }

    fn login(&self, secret: &Secret) -> Request {
        Request {
            headers: self.extra_headers(),
            ..Request::post(
                self.login_url.clone(),
                Body::Json(json!({"login": self.login, "password": secret.expose()})),
            )
        }
    }

    fn has_refresh(&self) -> bool {
        true
    }

    fn refresh(&self, refresh_token: &Secret) -> Option<Request> {
        // Nugios wants its timezone header on every call after login; refresh is one.
        Some(Request {
            headers: self.extra_headers(),
            ..Request::post(
                self.refresh_url.clone(),
                Body::Json(json!({"refreshToken": refresh_token.expose()})),
            )
        })
    }

    /// Login and refresh answer alike: `{accessToken, refreshToken, passwordExpired}`,
    /// with a new refresh token each time.
    fn parse(&self, _step: Step, body: &Value) -> std::result::Result<Grant, String> {
        let token = str_field(body, "accessToken").ok_or("the response has no \"accessToken\"")?;
        Ok(Grant {
            access_token: Some(token),
            documented_lifetime: Some(ACCESS_TOKEN_LIFETIME),
            refresh_token: str_field(body, "refreshToken"),
            password_expired: bool_field(body, "passwordExpired"),
            ..Grant::default()
        })
    }

    fn extra_headers(&self) -> Vec<(&'static str, String)> {
        vec![("X-nugios-timezone", self.timezone_minutes().to_string())]
    }
}

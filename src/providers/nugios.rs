//! Nugios API: login `{login, password}` and refresh `{refreshToken}`, both answered by
//! `{accessToken, refreshToken, passwordExpired}` with a new refresh token each time;
//! every API call also carries `X-nugios-timezone: <minutes east of UTC>` and
//! `Content-Type: application/json`, as Nugios' documentation asks.

use std::time::Duration;

use serde::Deserialize;
use serde_json::Value;
use toml::Spanned;

use super::{
    BadAnswer, Body, Described, Direct, Flow, Grant, Invalid, Needs, Provider, Request, bool_field, fields, required,
    secret_field,
};
use crate::error::Error;
use crate::secret::Secret;
use crate::settings::{Endpoint, Text};

/// Nugios documents 43200 minutes (30 days) for its access tokens.
pub const ACCESS_TOKEN_LIFETIME: Duration = Duration::from_secs(43200 * 60);

/// UTC offsets run from -14:00 to +14:00.
const MAX_OFFSET_MINUTES: i64 = 14 * 60;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Nugios {
    pub login_url: Spanned<Endpoint>,
    pub refresh_url: Spanned<Endpoint>,
    pub login: Text,
    /// Minutes east of UTC; absent means this machine's offset at the time of the call.
    pub timezone_offset: Option<Spanned<i64>>,
}

impl Described for Nugios {
    const NAME: &'static str = "nugios";
    const SECRET: &'static str = "password";

    fn hint(key: &str) -> &'static str {
        match key {
            "login_url" => "Nugios does not publish its URLs; ask Nugios for the login endpoint",
            "refresh_url" => "the refresh endpoint Nugios gave you",
            _ => "your Nugios user name",
        }
    }
}

impl Nugios {
    /// The `X-nugios-timezone` value: the configured offset, else this machine's now.
    pub fn timezone_minutes(&self) -> i64 {
        match &self.timezone_offset {
            Some(m) => *m.get_ref(),
            None => i64::from(chrono::Local::now().offset().local_minus_utc() / 60),
        }
    }
}

impl Provider for Nugios {
    fn flow(&self) -> Flow<'_> {
        Flow::Direct(self)
    }

    fn endpoints(&self) -> Vec<(&'static str, &Spanned<Endpoint>)> {
        vec![("login_url", &self.login_url), ("refresh_url", &self.refresh_url)]
    }

    fn identity(&self) -> Vec<(&'static str, String)> {
        vec![
            ("login_url", self.login_url.get_ref().to_string()),
            ("refresh_url", self.refresh_url.get_ref().to_string()),
            ("login", self.login.0.clone()),
        ]
    }

    fn check(&self) -> Result<(), Invalid> {
        match &self.timezone_offset {
            Some(m) if m.get_ref().abs() > MAX_OFFSET_MINUTES => Err(Invalid {
                key: "timezone_offset",
                span: m.span(),
                problem: format!("{} minutes is not a UTC offset (-840 to 840)", m.get_ref()),
            }),
            _ => Ok(()),
        }
    }

    fn api_headers(&self) -> Vec<(&'static str, String)> {
        vec![
            ("X-nugios-timezone", self.timezone_minutes().to_string()),
            ("Content-Type", "application/json".to_string()),
        ]
    }
}

impl Direct for Nugios {
    fn login(&self, needs: &dyn Needs) -> Result<Request, Error> {
        let (secret, _) = needs.secret()?;
        Ok(Request::post(
            self.login_url.get_ref().0.clone(),
            Body::Json(fields([("login", &self.login), ("password", secret.expose())])),
        )
        .with_headers(self.api_headers()))
    }

    /// Nugios wants its timezone header on every call after login; refresh is one.
    fn refresh(&self, refresh_token: &Secret, _: &dyn Needs) -> Option<Result<Request, Error>> {
        Some(Ok(Request::post(
            self.refresh_url.get_ref().0.clone(),
            Body::Json(fields([("refreshToken", refresh_token.expose())])),
        )
        .with_headers(self.api_headers())))
    }

    fn read_grant(&self, body: &Value) -> Result<Grant, BadAnswer> {
        Ok(Grant {
            access_token: required(body, "accessToken")?,
            documented_lifetime: Some(ACCESS_TOKEN_LIFETIME),
            refresh_token: secret_field(body, "refreshToken"),
            password_expired: bool_field(body, "passwordExpired"),
            ..Grant::default()
        })
    }
}

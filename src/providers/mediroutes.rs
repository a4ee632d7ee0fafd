//! MediRoutes API: OAuth password grant, form-encoded, `POST {base_url}/token`, answered
//! by `access_token, token_type, expires_in, refresh_token, .issued, .expires`; renewal
//! with `grant_type=refresh_token`. Errors come in the OWIN shape
//! (`{"error", "error_description"}`), or bare with the documented 401 and 500.

use chrono::DateTime;
use reqwest::Url;
use serde_json::Value;

use super::{Body, Grant, Kind, Provider, Request, Step, join, num_field, str_field};
use crate::config::Keys;
use crate::error::Result;
use crate::secret::Secret;

pub const DEFAULT_BASE_URL: &str = "https://api.mediroutes.com";

#[derive(Debug, Clone)]
pub struct Options {
    pub base_url: Url,
    pub username: String,
}

impl Options {
    pub fn parse(keys: &mut Keys<'_>) -> Result<Self> {
        Ok(Options {
            base_url: keys.url_or("base_url", DEFAULT_BASE_URL)?,
            username: keys.required_string("username", "your MediRoutes user name")?,
        })
    }
}

impl Options {
    fn request(&self, fields: Vec<(&'static str, String)>) -> Request {
        Request::post(join(&self.base_url, "token"), Body::Form(fields))
    }
}

impl Provider for Options {
    fn kind(&self) -> Kind {
        Kind::Mediroutes
    }

    fn login(&self, secret: &Secret) -> Request {
        self.request(vec![
            ("grant_type", "password".to_string()),
            ("username", self.username.clone()),
            ("password", secret.expose().to_string()),
        ])
    }

    fn has_refresh(&self) -> bool {
        true
    }

    fn refresh(&self, refresh_token: &Secret) -> Option<Request> {
        Some(self.request(vec![
            ("grant_type", "refresh_token".to_string()),
            ("refresh_token", refresh_token.expose().to_string()),
        ]))
    }

    fn parse(&self, _step: Step, body: &Value) -> std::result::Result<Grant, String> {
        let token = str_field(body, "access_token").ok_or("the response has no \"access_token\" field")?;
        // `.expires` is an HTTP date ("Tue, 09 Jun 2020 17:17:55 GMT"); a bad one is
        // ignored, since `expires_in` or the JWT usually says the same.
        let expires_at = str_field(body, ".expires")
            .and_then(|d| DateTime::parse_from_rfc2822(&d).ok())
            .map(|d| d.timestamp() as f64);
        Ok(Grant {
            access_token: Some(token),
            token_type: str_field(body, "token_type"),
            expires_in: num_field(body, "expires_in"),
            expires_at,
            refresh_token: str_field(body, "refresh_token"),
            ..Grant::default()
        })
    }

    /// The meanings MediRoutes documents for its token endpoint.
    fn status_meaning(&self, status: u16) -> Option<&'static str> {
        match status {
            401 => Some("user name, password and/or grant type incorrect"),
            500 => Some("unknown error; contact MediRoutes"),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_the_documented_response() {
        let o = Options {
            base_url: Url::parse(DEFAULT_BASE_URL).unwrap(),
            username: "u".into(),
        };
        let g = o
            .parse(
                Step::Login,
                &json!({"access_token": "a", "token_type": "Bearer", "expires_in": 86400, "refresh_token": "r",
                    "userName": "u", ".issued": "Mon, 08 Jun 2020 17:17:55 GMT", ".expires": "Tue, 09 Jun 2020 17:17:55 GMT"}),
            )
            .unwrap();
        assert_eq!(g.expires_in, Some(86400.0));
        assert_eq!(g.expires_at, Some(1_591_723_075.0));
        assert_eq!(g.refresh_token.as_deref(), Some("r"));
    }
}

//! MediRoutes API: OAuth password grant, form-encoded, `POST {base_url}/token`, answered
//! by `access_token, token_type, expires_in, refresh_token, .issued, .expires`; renewal
//! with `grant_type=refresh_token`, which may rotate the refresh token. Errors come in the
//! OWIN shape (`{"error", "error_description"}`), or bare with the documented 401 and 500.

use serde::Deserialize;
use serde_json::Value;
use toml::Spanned;

use super::{
    BadAnswer, Body, Described, Direct, Fields, Flow, Grant, Needs, Provider, Request, fields, join, num_field,
    required, secret_field, str_field,
};
use crate::error::Error;
use crate::secret::Secret;
use crate::settings::{Endpoint, Text};
use crate::time::UnixTime;

pub const DEFAULT_BASE_URL: &str = "https://api.mediroutes.com";

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MediRoutes {
    #[serde(default = "default_base_url")]
    pub base_url: Spanned<Endpoint>,
    pub username: Text,
}

fn default_base_url() -> Spanned<Endpoint> {
    Spanned::new(0..0, Endpoint::builtin(DEFAULT_BASE_URL))
}

impl Described for MediRoutes {
    const NAME: &'static str = "mediroutes";
    const SECRET: &'static str = "password";

    fn hint(_key: &str) -> &'static str {
        "your MediRoutes user name"
    }
}

impl MediRoutes {
    fn request(&self, fields: Fields) -> Request {
        Request::post(join(self.base_url.get_ref(), "token"), Body::Form(fields))
    }
}

impl Provider for MediRoutes {
    fn flow(&self) -> Flow<'_> {
        Flow::Direct(self)
    }

    fn endpoints(&self) -> Vec<(&'static str, &Spanned<Endpoint>)> {
        vec![("base_url", &self.base_url)]
    }

    fn identity(&self) -> Vec<(&'static str, String)> {
        vec![
            ("base_url", self.base_url.get_ref().to_string()),
            ("username", self.username.0.clone()),
        ]
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

impl Direct for MediRoutes {
    fn login(&self, needs: &dyn Needs) -> Result<Request, Error> {
        let (secret, _) = needs.secret()?;
        Ok(self.request(fields([
            ("grant_type", "password"),
            ("username", &self.username),
            ("password", secret.expose()),
        ])))
    }

    fn refresh(&self, refresh_token: &Secret, _: &dyn Needs) -> Option<Result<Request, Error>> {
        Some(Ok(self.request(fields([
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token.expose()),
        ]))))
    }

    fn read_grant(&self, body: &Value) -> Result<Grant, BadAnswer> {
        // `.expires` is an HTTP date ("Tue, 09 Jun 2020 17:17:55 GMT"); a bad one is
        // ignored, since `expires_in` or the JWT usually says the same.
        let expires_at = str_field(body, ".expires")
            .and_then(|d| chrono::DateTime::parse_from_rfc2822(&d).ok())
            .and_then(|d| UnixTime::from_secs(d.timestamp() as f64));
        Ok(Grant {
            access_token: required(body, "access_token")?,
            token_type: str_field(body, "token_type"),
            expires_in: num_field(body, "expires_in"),
            expires_at,
            refresh_token: secret_field(body, "refresh_token"),
            ..Grant::default()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_the_documented_response() {
        let m = MediRoutes {
            base_url: default_base_url(),
            username: Text("u".into()),
        };
        let g = m
            .read_grant(&json!({"access_token": "a", "token_type": "Bearer", "expires_in": 86400, "refresh_token": "unit-mr-r",
                    "userName": "u", ".issued": "Mon, 08 Jun 2020 17:17:55 GMT", ".expires": "Tue, 09 Jun 2020 17:17:55 GMT"}))
            .unwrap();
        assert_eq!(g.expires_in, Some(86400.0));
        assert_eq!(g.expires_at.map(UnixTime::secs), Some(1_591_723_075.0));
        assert_eq!(g.refresh_token.as_ref().map(Secret::expose), Some("unit-mr-r"));
    }
}

//! OAuth2 client credentials (RFC 6749 §4.4) against any token endpoint. `body = "form"`
//! sends the standard form encoding; `body = "json"` sends the same fields as JSON, as
//! the partner API of seed 004 wants. A server may send a refresh token; renewal then
//! tries `grant_type=refresh_token` first (without the client secret: a server that
//! insists on it refuses, and authctl logs in again).

use serde::Deserialize;
use serde_json::Value;
use toml::Spanned;

use super::{
    BadAnswer, Body, Described, Direct, Fields, Flow, Grant, Provider, Request, fields, num_field, required,
    secret_field, str_field,
};
use crate::secret::Secret;
use crate::settings::{Endpoint, Text};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Encoding {
    #[default]
    Form,
    Json,
}

impl<'de> Deserialize<'de> for Encoding {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match Text::deserialize(d)?.0.as_str() {
            "form" => Ok(Encoding::Form),
            "json" => Ok(Encoding::Json),
            other => Err(serde::de::Error::custom(format!(
                "expected \"json\" or \"form\", found \"{other}\""
            ))),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OAuth2 {
    pub token_url: Spanned<Endpoint>,
    pub client_id: Text,
    /// How the token request's fields are encoded.
    #[serde(default)]
    pub body: Encoding,
    /// The OAuth2 `scope` parameter.
    pub scope: Option<Text>,
}

impl Described for OAuth2 {
    const NAME: &'static str = "oauth2";
    const SECRET: &'static str = "client secret";

    fn hint(key: &str) -> &'static str {
        match key {
            "token_url" => "the server's token endpoint, e.g. https://api.example.com/api/oauth/token",
            _ => "the client ID the API gave you",
        }
    }
}

impl OAuth2 {
    fn request(&self, fields: Fields) -> Request {
        let body = match self.body {
            Encoding::Form => Body::Form(fields),
            Encoding::Json => Body::Json(fields),
        };
        Request::post(self.token_url.get_ref().0.clone(), body)
    }
}

impl Provider for OAuth2 {
    fn flow(&self) -> Flow<'_> {
        Flow::Direct(self)
    }

    fn endpoints(&self) -> Vec<(&'static str, &Spanned<Endpoint>)> {
        vec![("token_url", &self.token_url)]
    }

    fn identity(&self) -> Vec<(&'static str, String)> {
        let mut id = vec![
            ("token_url", self.token_url.get_ref().to_string()),
            ("client_id", self.client_id.0.clone()),
            ("body", format!("{:?}", self.body)),
        ];
        id.extend(self.scope.as_ref().map(|s| ("scope", s.0.clone())));
        id
    }
}

impl Direct for OAuth2 {
    fn login(&self, secret: &Secret) -> Request {
        let mut fields = fields([
            ("grant_type", "client_credentials"),
            ("client_id", &self.client_id),
            ("client_secret", secret.expose()),
        ]);
        if let Some(scope) = &self.scope {
            fields.extend(super::fields([("scope", scope)]));
        }
        self.request(fields)
    }

    fn refresh(&self, refresh_token: &Secret) -> Option<Request> {
        Some(self.request(fields([
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token.expose()),
            ("client_id", &self.client_id),
        ])))
    }

    fn read_grant(&self, body: &Value) -> Result<Grant, BadAnswer> {
        Ok(Grant {
            access_token: required(body, "access_token")?,
            token_type: str_field(body, "token_type"),
            expires_in: num_field(body, "expires_in"),
            refresh_token: secret_field(body, "refresh_token"),
            ..Grant::default()
        })
    }
}

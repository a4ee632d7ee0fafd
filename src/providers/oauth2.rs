//! OAuth2 client credentials (RFC 6749 §4.4) against any token endpoint. `body = "form"`
//! sends the standard form encoding; `body = "json"` sends the same fields as JSON, as
//! the partner API of seed 004 wants. A server may send a refresh token; renewal then
//! tries `grant_type=refresh_token` first.

use reqwest::Url;
use serde_json::{Value, json};

use super::{Body, Grant, Kind, Provider, Request, Step, num_field, str_field};
use crate::config::Keys;
use crate::error::Result;
use crate::secret::Secret;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Form,
    Json,
}

#[derive(Debug, Clone)]
pub struct Options {
    pub token_url: Url,
    pub client_id: String,
    pub encoding: Encoding,
    pub scope: Option<String>,
}

impl Options {
    pub fn parse(keys: &mut Keys<'_>) -> Result<Self> {
        let token_url = keys.required_url(
            "token_url",
            "the server's token endpoint, e.g. https://api.example.com/api/oauth/token",
        )?;
        let client_id = keys.required_string("client_id", "the client ID the API gave you")?;
        let encoding = match keys.string("body")?.as_deref() {
            None | Some("form") => Encoding::Form,
            Some("json") => Encoding::Json,
            Some(other) => return Err(keys.error("body", format!("expected \"json\" or \"form\", found \"{other}\""))),
        };
        Ok(Options {
            token_url,
            client_id,
            encoding,
            scope: keys.string("scope")?,
        })
    }

    fn request(&self, fields: Vec<(&'static str, String)>) -> Request {
        let body = match self.encoding {
            Encoding::Form => Body::Form(fields),
            Encoding::Json => Body::Json(Value::Object(
                fields.into_iter().map(|(k, v)| (k.to_string(), json!(v))).collect(),
            )),
        };
        Request::post(self.token_url.clone(), body)
    }
}

impl Provider for Options {
    fn kind(&self) -> Kind {
        Kind::Oauth2
    }

    fn login(&self, secret: &Secret) -> Request {
        let mut fields = vec![
            ("grant_type", "client_credentials".to_string()),
            ("client_id", self.client_id.clone()),
            ("client_secret", secret.expose().to_string()),
        ];
        if let Some(scope) = &self.scope {
            fields.push(("scope", scope.clone()));
        }
        self.request(fields)
    }

    fn has_refresh(&self) -> bool {
        true
    }

    fn refresh(&self, refresh_token: &Secret) -> Option<Request> {
        Some(self.request(vec![
            ("grant_type", "refresh_token".to_string()),
            ("refresh_token", refresh_token.expose().to_string()),
            ("client_id", self.client_id.clone()),
        ]))
    }

    fn parse(&self, _step: Step, body: &Value) -> std::result::Result<Grant, String> {
        let token = str_field(body, "access_token").ok_or("the response has no \"access_token\" field")?;
        Ok(Grant {
            access_token: Some(token),
            token_type: str_field(body, "token_type"),
            expires_in: num_field(body, "expires_in"),
            refresh_token: str_field(body, "refresh_token"),
            ..Grant::default()
        })
    }
}

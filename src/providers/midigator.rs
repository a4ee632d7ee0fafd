//! Midigator Authentication API: `POST {base_url}/auth` with the API secret as
//! `Authorization: Bearer`, answered by `{"token": "<JWT>"}`. Errors are
//! `{"error": true, "message": "…"}` with 400 or 401. The token's `exp` says when it ends.

use reqwest::Url;
use serde_json::Value;

use super::{Body, Grant, Kind, Provider, Request, Step, join, str_field};
use crate::config::Keys;
use crate::error::Result;
use crate::secret::Secret;

#[derive(Debug, Clone)]
pub struct Options {
    pub base_url: Url,
}

impl Options {
    pub fn parse(keys: &mut Keys<'_>) -> Result<Self> {
        Ok(Options {
            base_url: keys.required_url("base_url", "Midigator publishes no base URL; ask your CSM for it")?,
        })
    }
}

impl Provider for Options {
    fn kind(&self) -> Kind {
        Kind::Midigator
    }

    fn login(&self, secret: &Secret) -> Request {
        Request {
            bearer: Some(secret.clone()),
            ..Request::post(join(&self.base_url, "auth"), Body::Empty)
        }
    }

    fn parse(&self, _step: Step, body: &Value) -> std::result::Result<Grant, String> {
        let token = str_field(body, "token").ok_or("the response has no \"token\" field")?;
        Ok(Grant {
            access_token: Some(token),
            ..Grant::default()
        })
    }
}

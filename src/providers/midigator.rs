//! Midigator Authentication API: `POST {base_url}/auth` with the API secret as
//! `Authorization: Bearer`, answered by `{"token": "<JWT>"}`. Errors are
//! `{"error": true, "message": "…"}` with 400 or 401. The token's `exp` says when it ends;
//! there is no refresh token.

use serde::Deserialize;
use serde_json::Value;
use toml::Spanned;

use super::{BadAnswer, Body, Described, Direct, Flow, Grant, Needs, Provider, Request, join, required};
use crate::error::Error;
use crate::settings::Endpoint;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Midigator {
    /// Midigator publishes no base URL: it comes from the profile.
    pub base_url: Spanned<Endpoint>,
}

impl Described for Midigator {
    const NAME: &'static str = "midigator";
    const SECRET: &'static str = "API secret";

    fn hint(_key: &str) -> &'static str {
        "Midigator publishes no base URL; ask your CSM for it"
    }
}

impl Provider for Midigator {
    fn flow(&self) -> Flow<'_> {
        Flow::Direct(self)
    }

    fn endpoints(&self) -> Vec<(&'static str, &Spanned<Endpoint>)> {
        vec![("base_url", &self.base_url)]
    }

    fn identity(&self) -> Vec<(&'static str, String)> {
        vec![("base_url", self.base_url.get_ref().to_string())]
    }
}

impl Direct for Midigator {
    fn login(&self, needs: &dyn Needs) -> Result<Request, Error> {
        let (secret, _) = needs.secret()?;
        Ok(Request::post(join(self.base_url.get_ref(), "auth"), Body::Empty).with_bearer(&secret))
    }

    fn read_grant(&self, body: &Value) -> Result<Grant, BadAnswer> {
        Ok(Grant {
            access_token: required(body, "token")?,
            ..Grant::default()
        })
    }
}

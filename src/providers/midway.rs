//! MidwayPlus Web API: `POST /v1/Auth {clientId, password}` gives a developer token;
//! `POST /v1/Developer/Token {installationId}` with it gives an installation token, and
//! `GET /v1/Developer/Installations` lists the installations. 401 or 403 means a bad
//! installation or an expired developer token. The browser flow sends the user to
//! `{app_url}/Apps/Authenticate/{app_id}`, which redirects to the app's AuthReturnUrl
//! with `?token=`.
//!
//! To the core, the developer token is the long-lived credential that login yields and
//! "refresh" turns into an access token for the profile's installation.

use reqwest::Url;
use serde_json::{Value, json};

use super::{Body, Grant, Kind, Method, Provider, Request, Step, join, str_field};
use crate::config::Keys;
use crate::error::Result;
use crate::secret::Secret;

pub const DEFAULT_BASE_URL: &str = "https://api.midwayplus.com";
pub const DEFAULT_APP_URL: &str = "https://app.midwayplus.com";

#[derive(Debug, Clone)]
pub struct Options {
    pub base_url: Url,
    pub app_url: Url,
    pub client_id: String,
    pub installation: Option<String>,
    pub app_id: Option<String>,
    pub return_url: Option<Url>,
}

impl Options {
    pub fn parse(keys: &mut Keys<'_>) -> Result<Self> {
        let options = Options {
            base_url: keys.url_or("base_url", DEFAULT_BASE_URL)?,
            app_url: keys.url_or("app_url", DEFAULT_APP_URL)?,
            client_id: keys.required_string("client_id", "your MidwayPlus developer client ID")?,
            installation: keys.string("installation")?,
            app_id: keys.string("app_id")?,
            return_url: keys.url("return_url")?,
        };
        if let Some(url) = &options.return_url
            && (url.scheme() != "http" || !crate::config::is_loopback(url))
        {
            return Err(keys.error(
                "return_url",
                "authctl listens for the browser redirect itself, so it must be http:// on a loopback address, e.g. http://127.0.0.1:8765/callback",
            ));
        }
        Ok(options)
    }
}

impl Options {
    pub fn installations_url(&self) -> Url {
        join(&self.base_url, "v1/Developer/Installations")
    }

    /// `GET /v1/Developer/Installations` with the developer token.
    pub fn installations(&self, developer_token: &Secret) -> Request {
        Request {
            method: Method::Get,
            url: self.installations_url(),
            bearer: Some(developer_token.clone()),
            headers: Vec::new(),
            body: Body::Empty,
        }
    }

    /// Where the browser flow sends the user.
    pub fn authenticate_url(&self, app_id: &str) -> Url {
        let mut url = join(&self.app_url, "Apps/Authenticate");
        url.path_segments_mut().expect("an http(s) URL has a path").push(app_id);
        url
    }
}

impl Provider for Options {
    fn kind(&self) -> Kind {
        Kind::Midway
    }

    fn login(&self, secret: &Secret) -> Request {
        Request::post(
            join(&self.base_url, "v1/Auth"),
            Body::Json(json!({"clientId": self.client_id, "password": secret.expose()})),
        )
    }

    fn has_refresh(&self) -> bool {
        true
    }

    /// The installation token request; none without an installation.
    fn refresh(&self, developer_token: &Secret) -> Option<Request> {
        let installation = self.installation.as_ref()?;
        Some(Request {
            bearer: Some(developer_token.clone()),
            ..Request::post(
                join(&self.base_url, "v1/Developer/Token"),
                Body::Json(json!({"installationId": installation})),
            )
        })
    }

    /// Both calls answer `{"token"}`: a login's is the developer token, kept and never
    /// printed as an access token; a token request's is the installation token.
    fn parse(&self, step: Step, body: &Value) -> std::result::Result<Grant, String> {
        let token = str_field(body, "token").ok_or("the response has no \"token\" field")?;
        Ok(match step {
            Step::Login => Grant {
                refresh_token: Some(token),
                ..Grant::default()
            },
            Step::Refresh => Grant {
                access_token: Some(token),
                ..Grant::default()
            },
        })
    }

    fn refresh_rejected(&self, status: u16) -> bool {
        matches!(status, 401 | 403)
    }

    fn credential_name(&self) -> &'static str {
        "developer token"
    }

    fn has_scopes(&self) -> bool {
        true
    }

    fn scope(&self) -> Option<(&'static str, &str)> {
        self.installation.as_deref().map(|id| ("installation", id))
    }

    fn unattended(&self) -> std::result::Result<(), String> {
        if self.installation.is_some() {
            return Ok(());
        }
        Err(
            "this MidwayPlus profile has no `installation`: set one in the profile (list them with \
             `authctl midway installations`), use `authctl midway token --installation ID`, \
             or sign in with `authctl midway browser`"
                .to_string(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authenticate_url_escapes_the_app_id() {
        let o = Options {
            base_url: Url::parse(DEFAULT_BASE_URL).unwrap(),
            app_url: Url::parse(DEFAULT_APP_URL).unwrap(),
            client_id: "c".into(),
            installation: None,
            app_id: None,
            return_url: None,
        };
        assert_eq!(
            o.authenticate_url("my app/1").as_str(),
            "https://app.midwayplus.com/Apps/Authenticate/my%20app%2F1"
        );
    }
}

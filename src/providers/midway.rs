//! MidwayPlus Web API: `POST /v1/Auth {clientId, password}` gives a developer token;
//! `POST /v1/Developer/Token {installationId}` with it gives an installation token, and
//! `GET /v1/Developer/Installations` lists the installations. 401 or 403 means a bad
//! installation or an expired developer token. The browser flow sends the user to
//! `{app_url}/Apps/Authenticate/{app_id}`, which redirects to the app's AuthReturnUrl
//! with `?token=`.

use reqwest::Url;
use serde::Deserialize;
use serde_json::Value;
use toml::Spanned;

use super::{
    BadAnswer, Body, Described, Flow, Grant, Installations, Invalid, Provider, Request, fields, join, required,
};
use crate::secret::Secret;
use crate::settings::{Endpoint, Text};

pub const DEFAULT_BASE_URL: &str = "https://api.midwayplus.com";
pub const DEFAULT_APP_URL: &str = "https://app.midwayplus.com";

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Midway {
    #[serde(default = "default_base_url")]
    pub base_url: Spanned<Endpoint>,
    /// Where the browser flow starts.
    #[serde(default = "default_app_url")]
    pub app_url: Spanned<Endpoint>,
    pub client_id: Text,
    /// Makes `authctl token` return this installation's token.
    pub installation: Option<Text>,
    /// The app of the browser flow.
    pub app_id: Option<Text>,
    /// The app's AuthReturnUrl, where authctl listens during the browser flow.
    pub return_url: Option<Spanned<Endpoint>>,
}

fn default_base_url() -> Spanned<Endpoint> {
    Spanned::new(0..0, Endpoint::builtin(DEFAULT_BASE_URL))
}

fn default_app_url() -> Spanned<Endpoint> {
    Spanned::new(0..0, Endpoint::builtin(DEFAULT_APP_URL))
}

impl Described for Midway {
    const NAME: &'static str = "midway";
    const SECRET: &'static str = "password";

    fn hint(_key: &str) -> &'static str {
        "your MidwayPlus developer client ID"
    }
}

impl Midway {
    pub fn installations_url(&self) -> Url {
        join(self.base_url.get_ref(), "v1/Developer/Installations")
    }

    /// `GET /v1/Developer/Installations` with the developer token.
    pub fn installations_request(&self, developer_token: &Secret) -> Request {
        Request::get(self.installations_url()).with_bearer(developer_token)
    }

    /// Where the browser flow sends the user.
    pub fn authenticate_url(&self, app_id: &str) -> Url {
        let mut url = join(self.app_url.get_ref(), "Apps/Authenticate");
        url.path_segments_mut().expect("an http(s) URL has a path").push(app_id);
        url
    }
}

impl Provider for Midway {
    fn flow(&self) -> Flow<'_> {
        Flow::Installations(self)
    }

    fn endpoints(&self) -> Vec<(&'static str, &Spanned<Endpoint>)> {
        let mut all = vec![("base_url", &self.base_url), ("app_url", &self.app_url)];
        all.extend(self.return_url.as_ref().map(|u| ("return_url", u)));
        all
    }

    /// The installation is not here: the developer token serves them all, and each
    /// installation's token is cached and bound on its own.
    fn identity(&self) -> Vec<(&'static str, String)> {
        let mut id = vec![
            ("base_url", self.base_url.get_ref().to_string()),
            ("app_url", self.app_url.get_ref().to_string()),
            ("client_id", self.client_id.0.clone()),
        ];
        id.extend(self.app_id.as_ref().map(|a| ("app_id", a.0.clone())));
        id.extend(self.return_url.as_ref().map(|u| ("return_url", u.get_ref().to_string())));
        id
    }

    /// authctl listens for the browser redirect itself: the return URL must be here.
    fn check(&self) -> Result<(), Invalid> {
        match &self.return_url {
            Some(url) if url.get_ref().scheme() != "http" || !url.get_ref().is_loopback() => Err(Invalid {
                key: "return_url",
                span: url.span(),
                problem: "authctl listens for the browser redirect itself, so it must be http:// on a loopback address, e.g. http://127.0.0.1:8765/callback".into(),
            }),
            _ => Ok(()),
        }
    }
}

impl Installations for Midway {
    fn login(&self, secret: &Secret) -> Request {
        Request::post(
            join(self.base_url.get_ref(), "v1/Auth"),
            Body::Json(fields([("clientId", &self.client_id), ("password", secret.expose())])),
        )
    }

    fn read_developer_token(&self, body: &Value) -> Result<String, BadAnswer> {
        required(body, "token")
    }

    fn installation(&self) -> Option<&str> {
        self.installation.as_deref()
    }

    fn token_request(&self, developer_token: &Secret, installation: &str) -> Request {
        Request::post(
            join(self.base_url.get_ref(), "v1/Developer/Token"),
            Body::Json(fields([("installationId", installation)])),
        )
        .with_bearer(developer_token)
    }

    fn read_installation_token(&self, body: &Value) -> Result<Grant, BadAnswer> {
        Ok(Grant {
            access_token: required(body, "token")?,
            ..Grant::default()
        })
    }

    /// The API documents both for an expired developer token.
    fn developer_token_refused(&self, status: u16) -> bool {
        matches!(status, 401 | 403)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authenticate_url_escapes_the_app_id() {
        let m = Midway {
            base_url: default_base_url(),
            app_url: default_app_url(),
            client_id: Text("c".into()),
            installation: None,
            app_id: None,
            return_url: None,
        };
        assert_eq!(
            m.authenticate_url("my app/1").as_str(),
            "https://app.midwayplus.com/Apps/Authenticate/my%20app%2F1"
        );
    }
}

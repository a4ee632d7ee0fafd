//! MidwayPlus Web API: `POST /v1/Auth {clientId, password}` gives a developer token;
//! `POST /v1/Developer/Token {installationId}` with it gives an installation token.
//! The browser flow redirects to the app's AuthReturnUrl with `?token=`.

use reqwest::Url;

use crate::config::Keys;
use crate::error::Result;

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

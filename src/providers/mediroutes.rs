//! MediRoutes API: OAuth password grant, form-encoded, `POST {base_url}/token`, with
//! refresh tokens.

use reqwest::Url;

use crate::config::Keys;
use crate::error::Result;

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

//! Nugios API: login `{login, password}` and refresh `{refreshToken}`, both answered by
//! `{accessToken, refreshToken, passwordExpired}`; every API call also carries
//! `X-nugios-timezone: <minutes east of UTC>`.

use reqwest::Url;

use crate::config::Keys;
use crate::error::Result;

#[derive(Debug, Clone)]
pub struct Options {
    pub login_url: Url,
    pub refresh_url: Url,
    pub login: String,
    /// Minutes east of UTC; `None` means the machine's offset at the time of the call.
    pub timezone_offset: Option<i32>,
}

impl Options {
    pub fn parse(keys: &mut Keys<'_>) -> Result<Self> {
        let login_url = keys.required_url(
            "login_url",
            "Nugios does not publish its URLs; ask Nugios for the login endpoint",
        )?;
        let refresh_url = keys.required_url("refresh_url", "the refresh endpoint Nugios gave you")?;
        let login = keys.required_string("login", "your Nugios user name")?;
        let timezone_offset = match keys.integer("timezone_offset")? {
            None => None,
            Some(m) if (-14 * 60..=14 * 60).contains(&m) => Some(m as i32),
            Some(m) => {
                return Err(keys.error(
                    "timezone_offset",
                    format!("{m} minutes is not a UTC offset (-840 to 840)"),
                ));
            }
        };
        Ok(Options {
            login_url,
            refresh_url,
            login,
            timezone_offset,
        })
    }
}

//! The renderings of a token: raw, header, curl, json, env. Every token reaching here is
//! an `AccessToken`, checked by `token::check_bearer`, so none can break out of a header
//! line or a quote.

use chrono::{DateTime, Utc};
use clap::ValueEnum;
use serde_json::{Map, Value, json};

use crate::lifecycle::TokenSource;
use crate::time::UnixTime;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum Format {
    /// The token and a newline
    #[default]
    Raw,
    /// `Authorization: Bearer …` and the provider's other headers, one per line
    Header,
    /// A curl config file (`header = "…"` lines), for `curl -K`
    Curl,
    /// A JSON object with the token, its expiry and its headers
    Json,
    /// `export AUTHCTL_TOKEN='…'`
    Env,
    /// The OpenID Connect ID token that came with the token (oauth2, scope `openid`)
    IdToken,
}

/// Everything a rendering may show.
pub struct View<'a> {
    pub profile: &'a str,
    pub provider: &'a str,
    pub token: &'a str,
    pub token_type: &'a str,
    pub expires_at: Option<UnixTime>,
    pub refreshable: bool,
    pub source: TokenSource,
    pub password_expired: bool,
    /// Headers besides `Authorization` that every call needs.
    pub extra_headers: &'a [(&'static str, String)],
    /// The OpenID Connect ID token, when one came with the token.
    pub id_token: Option<&'a str>,
}

impl View<'_> {
    /// All headers, `Authorization` first.
    pub fn headers(&self) -> Vec<(&str, String)> {
        // A token type other than Bearer (DPoP, MAC…) is the server's word, kept as given.
        let scheme = match self.token_type {
            t if t.eq_ignore_ascii_case("bearer") => "Bearer",
            t => t,
        };
        let mut all = vec![("Authorization", format!("{scheme} {}", self.token))];
        all.extend(self.extra_headers.iter().map(|(k, v)| (*k, v.clone())));
        all
    }
}

pub fn rfc3339(t: UnixTime) -> Option<String> {
    DateTime::<Utc>::from_timestamp(t.whole_secs(), 0).map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
}

/// Whole seconds left; negative once expired (as `status --json` and `inspect --json`
/// say it too).
pub fn seconds_left(expires_at: UnixTime, now: UnixTime) -> i64 {
    now.secs_until(expires_at).floor() as i64
}

/// A duration as people say it, in its two largest units: `45s`, `59m 59s`, `2h 5m`,
/// `29d 23h`; a second unit of zero is left out (`5m`, `3d`), and less than a second is
/// in milliseconds. Every duration authctl shows a person reads this way.
pub fn duration(d: std::time::Duration) -> String {
    let secs = d.as_secs();
    let units = [(86400, "d"), (3600, "h"), (60, "m"), (1, "s")];
    let Some(first) = units.iter().position(|(size, _)| secs >= *size) else {
        return match d.as_millis() {
            0 => "0s".into(),
            ms => format!("{ms}ms"),
        };
    };
    let (size, unit) = units[first];
    let mut out = format!("{}{unit}", secs / size);
    if let Some((next, next_unit)) = units.get(first + 1)
        && secs % size / next > 0
    {
        out.push_str(&format!(" {}{next_unit}", secs % size / next));
    }
    out
}

/// POSIX single-quoting: safe in any shell that `eval`s it.
pub fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

fn curl_quote(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', r"\\").replace('"', "\\\""))
}

pub fn render(format: Format, view: &View<'_>, now: UnixTime) -> String {
    match format {
        Format::Raw => format!("{}\n", view.token),
        Format::Header => view.headers().iter().map(|(k, v)| format!("{k}: {v}\n")).collect(),
        Format::Curl => view
            .headers()
            .iter()
            .map(|(k, v)| format!("header = {}\n", curl_quote(&format!("{k}: {v}"))))
            .collect(),
        Format::Env => format!("export AUTHCTL_TOKEN={}\n", shell_quote(view.token)),
        // Callers check that there is one (`commands::token::print_token`).
        Format::IdToken => format!("{}\n", view.id_token.unwrap_or_default()),
        Format::Json => {
            let headers: Map<String, Value> = view
                .headers()
                .into_iter()
                .map(|(k, v)| (k.to_string(), Value::String(v)))
                .collect();
            let mut obj = json!({
                "profile": view.profile,
                "provider": view.provider,
                "access_token": view.token,
                "token_type": view.token_type,
                "expires_at": view.expires_at.and_then(rfc3339),
                "expires_in": view.expires_at.map(|e| seconds_left(e, now)),
                "refreshable": view.refreshable,
                "source": match view.source {
                    TokenSource::Cache => "cache",
                    TokenSource::Shared => "shared",
                    TokenSource::Network => "network",
                },
                "headers": headers,
            });
            if view.password_expired {
                obj["password_expired"] = Value::Bool(true);
            }
            format!("{obj}\n")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view<'a>(extra: &'a [(&'static str, String)]) -> View<'a> {
        View {
            profile: "ng",
            provider: "nugios",
            token: "abc.def",
            token_type: "Bearer",
            expires_at: UnixTime::from_secs(1_700_000_060.0),
            refreshable: true,
            source: TokenSource::Network,
            password_expired: false,
            extra_headers: extra,
            id_token: None,
        }
    }

    fn t(secs: f64) -> UnixTime {
        UnixTime::from_secs(secs).unwrap()
    }

    #[test]
    fn every_format_renders_the_token_once() {
        let extra = [("X-nugios-timezone", "240".to_string())];
        let v = view(&extra);
        assert_eq!(render(Format::Raw, &v, t(1.0)), "abc.def\n");
        assert_eq!(
            render(Format::Header, &v, t(1.0)),
            "Authorization: Bearer abc.def\nX-nugios-timezone: 240\n"
        );
        assert_eq!(
            render(Format::Curl, &v, t(1.0)),
            "header = \"Authorization: Bearer abc.def\"\nheader = \"X-nugios-timezone: 240\"\n"
        );
        assert_eq!(render(Format::Env, &v, t(1.0)), "export AUTHCTL_TOKEN='abc.def'\n");
        let j: Value = serde_json::from_str(&render(Format::Json, &v, t(1_700_000_000.0))).unwrap();
        assert_eq!(j["expires_at"], "2023-11-14T22:14:20Z");
        assert_eq!(j["expires_in"], 60);
        assert_eq!(j["headers"]["X-nugios-timezone"], "240");
        assert_eq!(j["source"], "network");
    }

    #[test]
    fn durations_read_in_their_two_largest_units() {
        let d = |s| duration(std::time::Duration::from_secs(s));
        assert_eq!(d(0), "0s");
        assert_eq!(duration(std::time::Duration::from_millis(250)), "250ms");
        assert_eq!(d(45), "45s");
        assert_eq!(d(3599), "59m 59s");
        assert_eq!(d(300), "5m");
        assert_eq!(d(7500), "2h 5m");
        assert_eq!(d(30 * 86400 - 1), "29d 23h");
        assert_eq!(d(3 * 86400 + 59), "3d");
    }

    #[test]
    fn expires_in_is_negative_once_expired() {
        assert_eq!(seconds_left(t(1000.0), t(1090.5)), -91);
        assert_eq!(seconds_left(t(1000.0), t(940.0)), 60);
    }

    #[test]
    fn a_token_type_other_than_bearer_is_kept_in_the_header() {
        let mut v = view(&[]);
        v.token_type = "bearer";
        assert_eq!(render(Format::Header, &v, t(1.0)), "Authorization: Bearer abc.def\n");
        v.token_type = "DPoP";
        assert_eq!(
            render(Format::Curl, &v, t(1.0)),
            "header = \"Authorization: DPoP abc.def\"\n"
        );
    }

    #[test]
    fn shell_quote_escapes_single_quotes() {
        assert_eq!(shell_quote("a'b"), r"'a'\''b'");
    }
}

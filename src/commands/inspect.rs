//! `authctl inspect`: decode a token without verifying it, and say so.

use std::path::Path;
use std::time::Duration;

use chrono::{DateTime, Local, Utc};
use serde_json::{Value, json};

use crate::cache;
use crate::cli::InspectArgs;
use crate::config::Config;
use crate::error::{self, Result};
use crate::jwt;
use crate::obtain::{self, Ask, Mode};
use crate::output::{rfc3339, seconds_left};

pub fn run(config_flag: Option<&Path>, args: &InspectArgs, timeout: Option<Duration>) -> Result<()> {
    let (token, known_expiry, label) = if args.profile.as_deref() == Some("-") {
        let line = crate::secret::read_stdin_line()
            .map_err(|_| error::Error::Usage("no token on standard input (expected one line)".into()))?;
        let token = line.expose().trim().to_string();
        (token, None, "token from standard input".to_string())
    } else {
        let config = Config::load(config_flag)?;
        let profile = config.resolve(args.profile.as_deref())?;
        let ask = Ask::new(Mode::Auto, args.secret_stdin, timeout);
        let got = obtain::token(profile, &ask)?;
        let source = match got.source {
            crate::output::Source::Cache => "from the cache",
            crate::output::Source::Network => "just obtained",
        };
        let label = format!("token of profile {} ({}), {source}", profile.name, profile.kind.name());
        (got.record.access_token, Some(got.record.expires_at), label)
    };

    let decoded = jwt::decode(&token);
    let expires_at = decoded.as_ref().and_then(jwt::Decoded::exp).or(known_expiry);
    let now = cache::now();

    if args.json {
        let out = json!({
            "header": decoded.as_ref().map(|d| Value::Object(d.header.clone())),
            "claims": decoded.as_ref().map(|d| Value::Object(d.claims.clone())),
            "expires_at": expires_at.and_then(rfc3339),
            "expires_in": expires_at.map(|e| seconds_left(e, now)),
            "verified": false,
        });
        return super::print(&format!("{out}\n"));
    }

    let mut text = format!("{label}\n");
    match &decoded {
        Some(d) => {
            text.push_str("signature: NOT verified (authctl decodes the token without checking its signature)\n");
            text.push_str(&format!("header: {}\n", pretty(&d.header)));
            text.push_str(&format!("claims: {}\n", pretty(&d.claims)));
            if let Some(iat) = d.iat() {
                text.push_str(&format!("issued:  {}\n", when(iat)));
            }
        }
        None => text.push_str("opaque token (not a JWT): there are no claims to decode\n"),
    }
    match expires_at {
        Some(e) => {
            text.push_str(&format!("expires: {}\n", when(e)));
            text.push_str(&format!("{}\n", time_left(e - now)));
        }
        None => text.push_str("expires: unknown\n"),
    }
    super::print(&text)
}

fn pretty(map: &serde_json::Map<String, Value>) -> String {
    serde_json::to_string_pretty(map).unwrap_or_default()
}

/// Local time and UTC side by side.
fn when(unix: f64) -> String {
    let Some(utc) = DateTime::<Utc>::from_timestamp(unix.floor() as i64, 0) else {
        return "out of range".into();
    };
    let local = utc.with_timezone(&Local);
    format!(
        "{} ({})",
        local.format("%Y-%m-%d %H:%M:%S %:z"),
        utc.format("%Y-%m-%d %H:%M:%S UTC")
    )
}

fn time_left(secs: f64) -> String {
    let d = Duration::from_secs(secs.abs().floor() as u64);
    let human = humantime::format_duration(d);
    if secs >= 0.0 {
        format!("time left: {human}")
    } else {
        format!("expired {human} ago")
    }
}

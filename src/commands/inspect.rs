//! `authctl inspect`: decode a token without verifying it, and say so.

use std::time::Duration;

use chrono::{DateTime, Local, Utc};
use serde_json::{Value, json};

use crate::cli::InspectArgs;
use crate::error::{Error, Result};
use crate::jwt;
use crate::lifecycle::{self, Ask, Mode, TokenSource};
use crate::output::{rfc3339, seconds_left};
use crate::time::UnixTime;

use super::{Context, Live};

/// The most `inspect -` reads.
const MAX_INSPECT: usize = 1024 * 1024;

/// The token to decode: the access token, what is known of its expiry, where it came
/// from, and the ID token kept with it, if any.
struct Subject {
    token: String,
    known_expiry: Option<UnixTime>,
    label: String,
    id_token: Option<String>,
}

pub fn run(ctx: &Context, args: &InspectArgs) -> Result<()> {
    let subject = if args.named() == Some("-") {
        from_stdin()?
    } else {
        let config = ctx.config()?;
        let profile = config.resolve(args.named())?;
        let live = Live::new(&profile, ctx, args.secret_stdin)?;
        let got = live.with(|seams| lifecycle::obtain(&profile, &Ask::new(Mode::Auto), seams))?;
        let source = match got.source {
            TokenSource::Cache => "from the cache",
            TokenSource::Shared => "from the shared cache",
            TokenSource::Network => "just obtained",
        };
        let record = got.record;
        Subject {
            token: record.access_token.as_str().to_string(),
            known_expiry: Some(record.expires_at),
            label: format!("token of profile {} ({}), {source}", profile.name, profile.kind()),
            id_token: record.id_token.map(|t| t.as_str().to_string()),
        }
    };

    let decoded = jwt::decode(&subject.token);
    let expires_at = decoded.as_ref().and_then(jwt::Decoded::exp).or(subject.known_expiry);
    let now = UnixTime::now();
    let id_token = subject.id_token.as_deref().map(jwt::decode);

    if args.json {
        let out = json!({
            "header": decoded.as_ref().map(|d| Value::Object(d.header.clone())),
            "claims": decoded.as_ref().map(|d| Value::Object(d.claims.clone())),
            "expires_at": expires_at.and_then(rfc3339),
            "expires_in": expires_at.map(|e| seconds_left(e, now)),
            "verified": false,
            "id_token": id_token.as_ref().map(|d| id_token_json(d.as_ref(), now)),
        });
        return super::print(&format!("{out}\n"));
    }

    let mut text = format!("{}\n", subject.label);
    match &decoded {
        Some(d) => {
            text.push_str("signature: NOT verified (authctl decodes the token without checking its signature)\n");
            text.push_str(&claims_text(d));
        }
        None => text.push_str("opaque token (not a JWT): there are no claims to decode\n"),
    }
    text.push_str(&expiry_text(expires_at, now));
    if let Some(d) = &id_token {
        text.push_str(&id_token_text(d.as_ref(), now));
    }
    // Claims are the issuer's text: nothing in them may act on the terminal.
    super::print(&crate::log::escape_invisible(&text))
}

/// Header, claims and issue time of a decoded token.
fn claims_text(d: &jwt::Decoded) -> String {
    let mut text = format!("header: {}\nclaims: {}\n", pretty(&d.header), pretty(&d.claims));
    if let Some(iat) = d.iat() {
        text.push_str(&format!("issued:  {}\n", when(iat)));
    }
    text
}

fn expiry_text(expires_at: Option<UnixTime>, now: UnixTime) -> String {
    match expires_at {
        Some(e) => format!("expires: {}\n{}\n", when(e), time_left(now.secs_until(e))),
        None => "expires: unknown\n".into(),
    }
}

/// What `inspect` says of the OpenID Connect ID token kept with the record.
const ID_TOKEN_NOTE: &str = "signature: NOT verified (its iss, aud, exp and any nonce were checked when it \
                             was received, never its signature)";

/// The ID token kept with the record, after the access token, said to be unverified.
fn id_token_text(decoded: Option<&jwt::Decoded>, now: UnixTime) -> String {
    let mut text = "\nID token (OpenID Connect), kept with this token\n".to_string();
    match decoded {
        Some(d) => {
            text.push_str(&format!("{ID_TOKEN_NOTE}\n"));
            text.push_str(&claims_text(d));
            text.push_str(&expiry_text(d.exp(), now));
        }
        None => text.push_str("not a JWT: there are no claims to decode\n"),
    }
    text
}

/// `inspect --json`'s `id_token`: header, claims and expiry, never verified.
fn id_token_json(decoded: Option<&jwt::Decoded>, now: UnixTime) -> Value {
    let exp = decoded.and_then(jwt::Decoded::exp);
    json!({
        "header": decoded.map(|d| Value::Object(d.header.clone())),
        "claims": decoded.map(|d| Value::Object(d.claims.clone())),
        "expires_at": exp.and_then(rfc3339),
        "expires_in": exp.map(|e| seconds_left(e, now)),
        "verified": false,
    })
}

/// The token on the first line of standard input (`inspect -`).
fn from_stdin() -> Result<Subject> {
    let bytes = crate::secret::read_stdin_all(MAX_INSPECT)?
        .ok_or_else(|| Error::Usage("standard input holds more than 1 MiB; a token is far shorter".into()))?;
    let text = String::from_utf8_lossy(&bytes);
    let token = bare_token(text.lines().next().unwrap_or_default()).to_string();
    if token.is_empty() {
        return Err(Error::Usage("no token on standard input (expected one line)".into()));
    }
    Ok(Subject {
        token,
        known_expiry: None,
        label: "token from standard input".to_string(),
        id_token: None,
    })
}

/// The token of a line that may be a whole header as pasted (`Authorization: Bearer …`,
/// `Bearer …`), any case, spaces around it dropped.
fn bare_token(line: &str) -> &str {
    let strip = |s: &str, prefix: &str| -> Option<usize> {
        s.get(..prefix.len())
            .filter(|p| p.eq_ignore_ascii_case(prefix))
            .map(|_| prefix.len())
    };
    let mut rest = line.trim();
    if let Some(n) = strip(rest, "authorization:") {
        rest = rest[n..].trim_start();
    }
    if let Some(n) = strip(rest, "bearer ") {
        rest = rest[n..].trim_start();
    }
    rest.trim_end()
}

fn pretty(map: &serde_json::Map<String, Value>) -> String {
    serde_json::to_string_pretty(map).unwrap_or_default()
}

/// Local time and UTC side by side.
pub fn when(t: UnixTime) -> String {
    let Some(utc) = DateTime::<Utc>::from_timestamp(t.whole_secs(), 0) else {
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
    let human = crate::output::duration(Duration::from_secs(secs.abs().floor() as u64));
    if secs >= 0.0 {
        format!("time left: {human}")
    } else {
        format!("expired {human} ago")
    }
}

#[cfg(test)]
mod tests {
    use super::bare_token;

    #[test]
    fn a_pasted_header_is_read_as_its_token() {
        assert_eq!(bare_token("eyJ.a.b"), "eyJ.a.b");
        assert_eq!(bare_token("Bearer eyJ.a.b"), "eyJ.a.b");
        assert_eq!(bare_token("  authorization:  bearer  eyJ.a.b \r"), "eyJ.a.b");
        assert_eq!(bare_token("Authorization: Bearer eyJ.a.b"), "eyJ.a.b");
        assert_eq!(bare_token("Bearer"), "Bearer");
    }
}

//! The device sign-in (`grant = "device_code"`, RFC 8628): the device authorization
//! request, the verification URI and user code on stderr (the complete URI opened when a
//! browser can be), then the token endpoint polled at the server's `interval` (5 s
//! unless it says), 5 s more on each `slow_down`, until the person approves,
//! `access_denied`, `expired_token`, the code's own expiry, or Ctrl-C.

use std::time::{Duration, Instant};

use reqwest::Url;
use serde_json::Value;

use super::OAuth2;
use super::client::{self, Asked};
use crate::browser::{self, BrowserError};
use crate::error::{Error, Problem};
use crate::providers::{Needs, Request, fields, num_field, str_field};
use crate::secret::Secret;

pub const DEVICE_CODE: &str = "urn:ietf:params:oauth:grant-type:device_code";

/// RFC 8628 §3.5: the interval when the server names none, and what `slow_down` adds.
const DEFAULT_INTERVAL: Duration = Duration::from_secs(5);
const SLOW_DOWN: Duration = Duration::from_secs(5);
/// A shorter interval than this is the server's mistake, not a reason to poll it flat out.
const MIN_INTERVAL: Duration = Duration::from_secs(1);

/// What the device authorization endpoint answered.
struct Authorization {
    device_code: Secret,
    user_code: String,
    verification_uri: String,
    complete: Option<Url>,
    expires_in: Duration,
    interval: Duration,
}

/// Where a person may be sent: https, or plain http to this machine (or anywhere when the
/// profile allows plain http).
fn sendable(url: &Url, allow_http: bool) -> bool {
    match url.scheme() {
        "https" => true,
        "http" => allow_http || url.host().is_some_and(|h| crate::settings::is_loopback_host(&h)),
        _ => false,
    }
}

fn read(body: &Value, url: &Url, allow_http: bool) -> Result<Authorization, Error> {
    let bad = |field: &'static str| {
        Error::from(crate::error::ProviderError {
            provider: crate::providers::Kind::Oauth2,
            url: url.clone(),
            problem: Problem::BadAnswer(crate::providers::BadAnswer::NoField(field)),
        })
    };
    let text = |field: &'static str| str_field(body, field).filter(|s| !s.is_empty()).ok_or_else(|| bad(field));
    let seconds = |field, default: Duration| {
        num_field(body, field)
            .filter(|s| s.is_finite() && *s >= 0.0 && *s < 86_400.0)
            .map_or(default, Duration::from_secs_f64)
    };
    Ok(Authorization {
        device_code: Secret::new(text("device_code")?),
        user_code: crate::log::one_line(&text("user_code")?, 64),
        // Some servers (Google) still say verification_url, as drafts of RFC 8628 did.
        verification_uri: text("verification_uri")
            .or_else(|_| text("verification_url"))
            .ok()
            .and_then(|u| Url::parse(&u).ok())
            .filter(|u| sendable(u, allow_http))
            .map(String::from)
            .ok_or_else(|| bad("verification_uri"))?,
        complete: str_field(body, "verification_uri_complete")
            .and_then(|u| Url::parse(&u).ok())
            .filter(|u| sendable(u, allow_http)),
        expires_in: seconds("expires_in", Duration::from_secs(600)),
        interval: seconds("interval", DEFAULT_INTERVAL).max(MIN_INTERVAL),
    })
}

/// The whole sign-in: the poll that got the tokens, and its answer.
pub fn sign_in(p: &OAuth2, needs: &dyn Needs) -> Result<(Request, Value), Error> {
    let endpoint = p.user_endpoint("device_authorization_url", "device_authorization_endpoint", needs)?;
    let token = p.token_endpoint(needs)?;
    let asked = Asked::new(needs);
    let mut ask = Vec::new();
    ask.extend(p.scope.iter().flat_map(|s| fields([("scope", s)])));
    ask.extend(p.audience.iter().flat_map(|a| fields([("audience", a)])));
    for resource in p.resource.iter().flat_map(|r| r.0.iter()) {
        ask.extend(fields([("resource", resource)]));
    }
    let request = client::authenticate(p, endpoint.clone(), ask, &asked)?;
    let authorization = read(&needs.fetch(&request)?, &endpoint, needs.allow_http())?;
    invite(&authorization, needs);
    poll(p, token, &authorization, &asked)
}

/// Tells the person where to go and what to enter, and opens the complete URI when a
/// browser can be. A player (the offline demo) is handed the complete URI instead.
fn invite(a: &Authorization, needs: &dyn Needs) {
    let browsing = needs.browsing();
    if let (Some(player), Some(complete)) = (&browsing.player, &a.complete) {
        return (player.0)(complete);
    }
    crate::log::emit(&format!(
        "To sign in, visit {} and enter the code {}",
        a.verification_uri, a.user_code
    ));
    if let Some(complete) = &a.complete {
        crate::log::emit(&format!("  (or open {complete})"));
        if browsing.open && browser::can_open() {
            browser::open_browser(complete, &browsing.secret_envs);
        }
    }
    crate::note!(
        "Waiting up to {} for the sign-in (Ctrl-C to cancel)…",
        humantime::format_duration(Duration::from_secs(a.expires_in.as_secs()))
    );
}

/// Polls the token endpoint until the sign-in ends one way or another.
fn poll(p: &OAuth2, token: Url, a: &Authorization, asked: &Asked) -> Result<(Request, Value), Error> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(BrowserError::Runtime)?;
    // Watched for the whole sign-in, polls included.
    let mut cancel = {
        let _inside = runtime.enter();
        Box::pin(browser::cancellation())
    };
    let deadline = Instant::now() + a.expires_in;
    let mut interval = a.interval;
    let ended = |error: &str, description: &str| BrowserError::Refused {
        issuer: p.issuer.as_ref().map_or_else(|| token.origin().ascii_serialization(), |i| i.text.clone()),
        error: error.to_string(),
        description: Some(description.to_string()),
    };
    loop {
        let cancelled = runtime.block_on(async {
            tokio::select! {
                () = tokio::time::sleep(interval) => false,
                () = &mut cancel => true,
            }
        });
        if cancelled {
            return Err(BrowserError::Cancelled.into());
        }
        if Instant::now() >= deadline {
            return Err(ended("expired_token", "the device code expired before the sign-in was approved").into());
        }
        let grant = fields([("grant_type", DEVICE_CODE), ("device_code", a.device_code.expose())]);
        let request = client::authenticate(p, token.clone(), grant, asked)?;
        let failed = match asked.needs.fetch(&request) {
            Ok(body) => return Ok((request, body)),
            Err(e) => e,
        };
        match oauth_error(&failed).as_deref() {
            Some("authorization_pending") => {}
            Some("slow_down") => interval += SLOW_DOWN,
            Some(code @ ("access_denied" | "expired_token")) => {
                let said = match code {
                    "access_denied" => "the sign-in was declined",
                    _ => "the device code expired before the sign-in was approved",
                };
                return Err(ended(code, said).into());
            }
            _ => return Err(failed),
        }
    }
}

/// The OAuth error code of a refused request, if the answer had one.
fn oauth_error(e: &Error) -> Option<String> {
    match e {
        Error::Provider(p) => match &p.problem {
            Problem::Status { error, .. } => error.clone(),
            _ => None,
        },
        _ => None,
    }
}

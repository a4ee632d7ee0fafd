//! OAuth2 client credentials as the partner API of seed 004 speaks it:
//! `POST /api/oauth/token` with `{grant_type: "client_credentials", client_id,
//! client_secret}` as JSON, or the same fields in the RFC 6749 form encoding, answers
//! `{"token_type": "Bearer", "expires_in": 3600, "access_token": "<JWT>"}`, the JWT's
//! `iat`, `nbf` and `exp` fractional like the seed's. Errors are RFC 6749 §5.2 bodies.
//! No refresh token: the seed's tokens cannot be refreshed.
//!
//! Besides, a browser sign-in for a public client (RFC 6749 §4.1 with PKCE, RFC 7636):
//! `GET /oauth2/authorize` redirects to the client's loopback `/callback` with a
//! one-time code, the `state` sent and `iss` (RFC 9207); the code is exchanged at the same
//! token endpoint (`grant_type=authorization_code`) with the PKCE verifier, checked
//! against the S256 challenge, and the same `redirect_uri`. The same client's device
//! sign-in is in `device.rs`.

use std::collections::HashMap;
use std::time::Duration;

use serde_json::{Value, json};
use url::form_urlencoded;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::credentials::{OAUTH2_CLIENT_ID, OAUTH2_CLIENT_SECRET, OAUTH2_PUBLIC_CLIENT_ID};
use super::routes::{ACCESS, json_object};
use super::server::{Request, Response};
use super::tokens::now;
use super::{Provider, Shared, lock};

/// The authorization endpoint of the browser sign-in.
pub const AUTHORIZE: &str = "/oauth2/authorize";
/// At most this many codes wait for their exchange; the oldest go first.
const MAX_CODES: usize = 64;
/// A code not exchanged within this long is refused.
const CODE_LIFETIME: f64 = 60.0;

/// An authorization code given and not yet exchanged: what its exchange must repeat.
pub struct Code {
    code: String,
    challenge: String,
    redirect_uri: String,
    expires_at: f64,
}

/// `GET /oauth2/authorize`: the sign-in (no one to ask: the sandbox user is signed in
/// and consents), answered by a redirect to the client's loopback callback.
pub fn authorize(shared: &Shared, request: &Request) -> Response {
    let query: HashMap<String, String> = form_urlencoded::parse(request.query.as_bytes()).into_owned().collect();
    let param = |key: &str| query.get(key).map(String::as_str).filter(|v| !v.is_empty());
    if param("client_id") != Some(OAUTH2_PUBLIC_CLIENT_ID) {
        return Response::html(400, "Unknown client_id.");
    }
    let Some(redirect_uri) = param("redirect_uri").and_then(|u| url::Url::parse(u).ok()).filter(|u| {
        u.scheme() == "http" && u.host_str() == Some("127.0.0.1") && u.path() == "/callback" && u.query().is_none()
    }) else {
        return Response::html(400, "redirect_uri must be http://127.0.0.1:PORT/callback.");
    };
    let refused = match (
        param("response_type"),
        param("code_challenge"),
        param("code_challenge_method"),
    ) {
        (Some("code"), Some(_), Some("S256")) => None,
        (Some("code"), _, _) => Some("PKCE with code_challenge_method=S256 is required."),
        _ => Some("Only response_type=code is supported."),
    };
    let mut location = redirect_uri.clone();
    {
        let mut q = location.query_pairs_mut();
        match refused {
            Some(why) => q
                .append_pair("error", "invalid_request")
                .append_pair("error_description", why),
            None => q.append_pair("code", &give_code(shared, param("code_challenge"), &redirect_uri)),
        };
        if let Some(state) = param("state") {
            q.append_pair("state", state);
        }
        q.append_pair("iss", &shared.issuer(Provider::Oauth2));
    }
    Response::redirect(location.to_string())
}

/// A fresh code for `challenge` and `redirect_uri`, kept for its exchange.
fn give_code(shared: &Shared, challenge: Option<&str>, redirect_uri: &url::Url) -> String {
    let code = shared.minter.opaque(4);
    let mut codes = lock(&shared.codes);
    if codes.len() >= MAX_CODES {
        codes.remove(0);
    }
    codes.push(Code {
        code: code.clone(),
        challenge: challenge.unwrap_or_default().to_string(),
        redirect_uri: redirect_uri.to_string(),
        expires_at: now() + CODE_LIFETIME,
    });
    code
}

/// The code exchange: the code taken (once), its redirect URI and PKCE verifier checked.
fn exchange(shared: &Shared, field: impl Fn(&str) -> Option<String>) -> Response {
    if field("client_id").as_deref() != Some(OAUTH2_PUBLIC_CLIENT_ID) {
        return error(401, "invalid_client", "Client authentication failed.");
    }
    let code = field("code").unwrap_or_default();
    let taken = {
        let mut codes = lock(&shared.codes);
        let at = codes.iter().position(|c| c.code == code);
        at.map(|i| codes.remove(i))
    };
    let Some(taken) = taken.filter(|c| c.expires_at > now()) else {
        return error(400, "invalid_grant", "The code is unknown, used or expired.");
    };
    if field("redirect_uri").as_deref() != Some(taken.redirect_uri.as_str()) {
        return error(
            400,
            "invalid_grant",
            "redirect_uri is not the one of the authorization request.",
        );
    }
    let verifier = field("code_verifier").unwrap_or_default();
    let digest = ring::digest::digest(&ring::digest::SHA256, verifier.as_bytes());
    if URL_SAFE_NO_PAD.encode(digest.as_ref()) != taken.challenge {
        return error(
            400,
            "invalid_grant",
            "The PKCE code_verifier does not match the code_challenge.",
        );
    }
    issued(shared)
}

/// The answer that issues an access token (no refresh token: the seed's have none).
pub fn issued(shared: &Shared) -> Response {
    let lifetime = shared.access_lifetime(Provider::Oauth2);
    Response::json(
        200,
        &json!({
            "token_type": "Bearer",
            "expires_in": lifetime.as_secs(),
            "access_token": access_token(shared, lifetime),
        }),
    )
}

/// The partner and user the client belongs to, as the seed's token names them.
const PARTNER_ID: &str = "f31120ee-b5cb-41c4-9529-288d02e91cd6";
const USER_ID: &str = "842902db-54e5-4614-b348-002e8ce5da12";

pub fn token(shared: &Shared, request: &Request) -> Response {
    let Some(fields) = fields(request) else {
        return error(
            400,
            "invalid_request",
            "The body must be a JSON object or form-encoded.",
        );
    };
    let field = |key: &str| fields.get(key).map(String::as_str);
    match field("grant_type") {
        Some("client_credentials") => {}
        Some("authorization_code") => return exchange(shared, |key| field(key).map(str::to_string)),
        Some(super::device::GRANT) => return super::device::exchange(shared, |key| field(key).map(str::to_string)),
        None => return error(400, "invalid_request", "The grant_type parameter is missing."),
        Some(_) => {
            return error(
                400,
                "unsupported_grant_type",
                "Only client_credentials, authorization_code and device_code are supported.",
            );
        }
    }
    if field("client_id") != Some(OAUTH2_CLIENT_ID) || field("client_secret") != Some(OAUTH2_CLIENT_SECRET) {
        return error(401, "invalid_client", "Client authentication failed.");
    }
    issued(shared)
}

/// The body's string fields: JSON when the `Content-Type` says so (or, without one that
/// says form, when the body starts like an object), the form encoding otherwise.
fn fields(request: &Request) -> Option<HashMap<String, String>> {
    let content_type = request.header("content-type").unwrap_or_default().to_ascii_lowercase();
    let is_json = content_type.starts_with("application/json")
        || (!content_type.starts_with("application/x-www-form-urlencoded")
            && request.body.trim_ascii_start().first() == Some(&b'{'));
    if !is_json {
        return Some(form_urlencoded::parse(&request.body).into_owned().collect());
    }
    let fields = json_object(request)?
        .into_iter()
        .filter_map(|(key, value)| match value {
            Value::String(value) => Some((key, value)),
            _ => None,
        })
        .collect();
    Some(fields)
}

/// A JWT shaped like the seed's: RS256 header, microsecond times with `nbf` a hair
/// after `iat`, the partner's scopes and IDs.
fn access_token(shared: &Shared, lifetime: Duration) -> String {
    let micros = (now() * 1e6).round();
    let claims = json!({
        "aud": OAUTH2_CLIENT_ID,
        "jti": shared.minter.opaque(5),
        "iat": micros / 1e6,
        "nbf": (micros + 2.0) / 1e6,
        "exp": (micros + lifetime.as_secs_f64() * 1e6).round() / 1e6,
        "sub": OAUTH2_CLIENT_ID,
        "scopes": ["bookings:create", "bookings:delete"],
        "user_id": USER_ID,
        "partner_id": PARTNER_ID,
        "is_test": true,
        "iss": shared.issuer(Provider::Oauth2),
        "token_use": ACCESS,
    });
    shared.minter.jwt(&json!({"typ": "JWT", "alg": "RS256"}), &claims)
}

/// An RFC 6749 §5.2 error.
pub fn error(status: u16, error: &str, description: &str) -> Response {
    Response::json(status, &json!({"error": error, "error_description": description}))
}

//! OAuth2 client credentials as the partner API of seed 004 speaks it:
//! `POST /api/oauth/token` with `{grant_type: "client_credentials", client_id,
//! client_secret}` as JSON, or the same fields in the RFC 6749 form encoding, answers
//! `{"token_type": "Bearer", "expires_in": 3600, "access_token": "<JWT>"}`, the JWT's
//! `iat`, `nbf` and `exp` fractional like the seed's. Errors are RFC 6749 §5.2 bodies.
//! No refresh token: the seed's tokens cannot be refreshed.

use std::collections::HashMap;
use std::time::Duration;

use serde_json::{Value, json};
use url::form_urlencoded;

use super::credentials::{OAUTH2_CLIENT_ID, OAUTH2_CLIENT_SECRET};
use super::routes::{ACCESS, json_object};
use super::server::{Request, Response};
use super::tokens::now;
use super::{Provider, Shared};

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
        None => return error(400, "invalid_request", "The grant_type parameter is missing."),
        Some(_) => return error(400, "unsupported_grant_type", "Only client_credentials is supported."),
    }
    if field("client_id") != Some(OAUTH2_CLIENT_ID) || field("client_secret") != Some(OAUTH2_CLIENT_SECRET) {
        return error(401, "invalid_client", "Client authentication failed.");
    }
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
fn error(status: u16, error: &str, description: &str) -> Response {
    Response::json(status, &json!({"error": error, "error_description": description}))
}

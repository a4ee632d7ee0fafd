//! MediRoutes API (seed 002): `POST /token`, form-encoded, `grant_type=password` with
//! `username` and `password`, or `grant_type=refresh_token` with `refresh_token`, answers
//! `access_token, token_type, expires_in (86400), refresh_token, userName, .issued,
//! .expires` (HTTP dates). Each refresh token is taken once: the answer brings a new
//! one. Refusals are 401, as the document says, with an OWIN `{error,
//! error_description}` body.

use std::collections::HashMap;

use serde_json::json;
use url::form_urlencoded;

use super::credentials::{MEDIROUTES_PASSWORD, MEDIROUTES_USERNAME};
use super::routes::issue_access;
use super::server::{Request, Response};
use super::tokens::{http_date, now};
use super::{Provider, Shared, lock};

/// The user's ID, the `sub` of the access tokens.
const USER_ID: &str = "7d522cb1-bd61-43d7-9f79-8382a1f0c2e4";
/// The document gives none; 14 days, the usual OWIN default.
const REFRESH_TOKEN_LIFETIME: f64 = 14.0 * 86_400.0;

pub fn token(shared: &Shared, request: &Request) -> Response {
    let form: HashMap<String, String> = form_urlencoded::parse(&request.body).into_owned().collect();
    let field = |key: &str| form.get(key).map(String::as_str);
    match field("grant_type") {
        Some("password")
            if field("username") == Some(MEDIROUTES_USERNAME) && field("password") == Some(MEDIROUTES_PASSWORD) =>
        {
            grant(shared)
        }
        Some("password") => error("invalid_grant", "The user name or password is incorrect."),
        Some("refresh_token") => {
            let redeemed = field("refresh_token")
                .and_then(|token| lock(&shared.refresh_tokens).redeem(token, Provider::Mediroutes));
            match redeemed {
                Some(_) => grant(shared),
                None => error(
                    "invalid_grant",
                    "The refresh token is invalid, expired or already used.",
                ),
            }
        }
        _ => error(
            "unsupported_grant_type",
            "grant_type must be \"password\" or \"refresh_token\".",
        ),
    }
}

/// A new access token and a new refresh token.
fn grant(shared: &Shared) -> Response {
    let issued = issue_access(
        shared,
        Provider::Mediroutes,
        USER_ID,
        json!({"unique_name": MEDIROUTES_USERNAME}),
    );
    let refresh_token = shared.minter.opaque(12);
    lock(&shared.refresh_tokens).insert(
        refresh_token.clone(),
        Provider::Mediroutes,
        MEDIROUTES_USERNAME,
        now() + REFRESH_TOKEN_LIFETIME,
    );
    Response::json(
        200,
        &json!({
            "access_token": issued.token,
            "token_type": "bearer",
            "expires_in": issued.lifetime.as_secs(),
            "refresh_token": refresh_token,
            "userName": MEDIROUTES_USERNAME,
            ".issued": http_date(issued.issued_at),
            ".expires": http_date(issued.expires_at),
        }),
    )
}

fn error(error: &str, description: &str) -> Response {
    Response::json(401, &json!({"error": error, "error_description": description}))
}

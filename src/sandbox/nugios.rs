//! Nugios API (seed 003): login `POST /nugios/login {login, password}` and refresh
//! `POST /nugios/refresh {refreshToken}` both answer `{accessToken, refreshToken,
//! passwordExpired}`; access tokens last 43200 minutes, refresh tokens 2591968 seconds,
//! and each refresh token is taken once. Every API call after login must carry
//! `X-nugios-timezone: <offset in minutes>`: `/orders` refuses Nugios tokens without it,
//! and these endpoints take it but refuse a value that is no offset. The document shows
//! no error bodies; these are ASP.NET problem details, 401 for a refusal.

use serde_json::json;

use super::credentials::{NUGIOS_EXPIRED_LOGIN, NUGIOS_LOGIN, NUGIOS_PASSWORD};
use super::routes::{issue_access, json_object, text};
use super::server::{Request, Response};
use super::tokens::now;
use super::{Provider, Shared, lock};

const REFRESH_TOKEN_LIFETIME: f64 = 2_591_968.0;
/// The largest UTC offsets there are, in minutes.
const MAX_OFFSET: i32 = 14 * 60;

pub fn login(shared: &Shared, request: &Request) -> Response {
    if let Err(refused) = check_timezone_if_sent(request) {
        return refused;
    }
    let Some(body) = json_object(request) else {
        return invalid("The request body must be a JSON object.");
    };
    let user = match (text(&body, "login"), text(&body, "password")) {
        (Some(NUGIOS_LOGIN), Some(NUGIOS_PASSWORD)) => NUGIOS_LOGIN,
        (Some(NUGIOS_EXPIRED_LOGIN), Some(NUGIOS_PASSWORD)) => NUGIOS_EXPIRED_LOGIN,
        (Some(_), Some(_)) => return unauthorized(),
        _ => return invalid("login and password are required."),
    };
    grant(shared, user)
}

pub fn refresh(shared: &Shared, request: &Request) -> Response {
    if let Err(refused) = check_timezone_if_sent(request) {
        return refused;
    }
    let body = json_object(request).unwrap_or_default();
    let Some(token) = text(&body, "refreshToken") else {
        return invalid("refreshToken is required.");
    };
    // Its own statement, so that the lock is released before `grant` takes it again.
    let user = lock(&shared.refresh_tokens).redeem(token, Provider::Nugios);
    match user {
        Some(user) => grant(shared, user),
        None => unauthorized(),
    }
}

/// A new access token and a new refresh token for `user`.
fn grant(shared: &Shared, user: &'static str) -> Response {
    let issued = issue_access(shared, Provider::Nugios, user, json!({}));
    let refresh_token = shared.minter.opaque(8);
    lock(&shared.refresh_tokens).insert(
        refresh_token.clone(),
        Provider::Nugios,
        user,
        now() + REFRESH_TOKEN_LIFETIME,
    );
    Response::json(
        200,
        &json!({
            "accessToken": issued.token,
            "refreshToken": refresh_token,
            "passwordExpired": user == NUGIOS_EXPIRED_LOGIN,
        }),
    )
}

/// The `X-nugios-timezone` offset, when the request carries a valid one.
pub fn timezone(request: &Request) -> Option<i32> {
    let minutes: i32 = request.header("x-nugios-timezone")?.parse().ok()?;
    (-MAX_OFFSET..=MAX_OFFSET).contains(&minutes).then_some(minutes)
}

fn check_timezone_if_sent(request: &Request) -> Result<(), Response> {
    match request.header("x-nugios-timezone") {
        Some(_) if timezone(request).is_none() => Err(missing_timezone()),
        _ => Ok(()),
    }
}

pub fn missing_timezone() -> Response {
    problem(
        400,
        "Bad Request",
        Some("Every Nugios API call needs X-nugios-timezone: <UTC offset in minutes, -840 to 840>."),
    )
}

fn invalid(detail: &str) -> Response {
    problem(400, "One or more validation errors occurred.", Some(detail))
}

fn unauthorized() -> Response {
    problem(401, "Unauthorized", None)
}

/// An RFC 9457 problem details body, as ASP.NET writes one.
fn problem(status: u16, title: &str, detail: Option<&str>) -> Response {
    let section = if status == 401 { "15.5.2" } else { "15.5.1" };
    let mut body = json!({
        "type": format!("https://tools.ietf.org/html/rfc9110#section-{section}"),
        "title": title,
        "status": status,
    });
    if let (Some(detail), Some(object)) = (detail, body.as_object_mut()) {
        object.insert("detail".into(), detail.into());
    }
    Response::json(status, &body).with_content_type("application/problem+json; charset=utf-8")
}

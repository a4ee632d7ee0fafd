//! Which code answers which request, the access tokens every provider issues alike, and
//! the demo helpers: `/echo` (what an API receives), `/orders` (an API that wants a valid
//! access token from the sandbox) and `/hits` (requests seen per provider).

use std::time::Duration;

use serde_json::{Map, Value, json};

use super::server::{Request, Response};
use super::tokens::now;
use super::{Provider, Shared, lock, mediroutes, midigator, midway, nugios, oauth2};

pub fn handle(shared: &Shared, request: &Request) -> Response {
    // `/auth/` and `/auth` are one endpoint (Midigator's document writes both).
    let path = match request.path.trim_end_matches('/') {
        "" => "/",
        trimmed => trimmed,
    };
    if let Some(provider) = provider_of(path) {
        shared.count(provider);
    }
    match (request.method.as_str(), path) {
        ("POST", "/auth") => midigator::token(shared, request),
        ("POST", "/api/oauth/token") => oauth2::token(shared, request),
        ("POST", "/v1/Auth") => midway::developer_login(shared, request),
        ("GET", "/v1/Developer/Installations") => midway::installations(shared, request),
        ("POST", "/v1/Developer/Token") => midway::installation_token(shared, request),
        ("GET", path) if path.starts_with(midway::AUTHENTICATE) => midway::authenticate(shared, path),
        ("POST", "/token") => mediroutes::token(shared, request),
        ("POST", "/nugios/login") => nugios::login(shared, request),
        ("POST", "/nugios/refresh") => nugios::refresh(shared, request),
        ("GET", "/echo") => echo(request),
        ("GET", "/orders") => orders(shared, request),
        ("GET", "/hits") => Response::json(200, &serde_json::to_value(*lock(&shared.hits)).unwrap_or_default()),
        (method, path) => match allowed_method(path) {
            Some(allowed) => Response::json(
                405,
                &json!({"error": "method_not_allowed", "message": format!("{path} answers {allowed}, not {method}")}),
            )
            .with_header("Allow", allowed.into()),
            None => Response::json(
                404,
                &json!({"error": "not_found", "message": format!("no such endpoint: {method} {path}")}),
            ),
        },
    }
}

/// The method an endpoint answers; `None` for a path that is no endpoint.
fn allowed_method(path: &str) -> Option<&'static str> {
    match path {
        "/auth"
        | "/api/oauth/token"
        | "/v1/Auth"
        | "/v1/Developer/Token"
        | "/token"
        | "/nugios/login"
        | "/nugios/refresh" => Some("POST"),
        "/v1/Developer/Installations" | "/echo" | "/orders" | "/hits" => Some("GET"),
        p if p.starts_with(midway::AUTHENTICATE) => Some("GET"),
        _ => None,
    }
}

/// The provider whose endpoint a path is, for `/hits`.
fn provider_of(path: &str) -> Option<Provider> {
    match path {
        "/auth" => Some(Provider::Midigator),
        "/api/oauth/token" => Some(Provider::Oauth2),
        "/v1/Auth" | "/v1/Developer/Installations" | "/v1/Developer/Token" => Some(Provider::Midway),
        p if p.starts_with(midway::AUTHENTICATE) => Some(Provider::Midway),
        "/token" => Some(Provider::Mediroutes),
        "/nugios/login" | "/nugios/refresh" => Some(Provider::Nugios),
        _ => None,
    }
}

/// What a JWT says about whom it is for and how it may be used. `token_use` tells the
/// MidwayPlus developer token, which no API takes, from access tokens.
pub const ACCESS: &str = "access";
pub const DEVELOPER: &str = "developer";

/// An access token just issued, with the times it carries.
pub struct Issued {
    pub token: String,
    pub issued_at: i64,
    pub expires_at: i64,
    pub lifetime: Duration,
}

/// The header of the HS256-style JWTs most providers issue here.
pub fn jwt_header() -> Value {
    json!({"alg": "HS256", "typ": "JWT"})
}

/// A JWT access token of `provider` for `sub`: `iss`, `sub`, `iat`, `exp`, `jti`,
/// `token_use`, then `extra` claims. Its lifetime is the provider's, or the demo's.
pub fn issue_access(shared: &Shared, provider: Provider, sub: &str, extra: Value) -> Issued {
    let lifetime = shared.access_lifetime(provider);
    let issued_at = now() as i64;
    let expires_at = issued_at.saturating_add(i64::try_from(lifetime.as_secs()).unwrap_or(i64::MAX));
    let mut claims = json!({
        "iss": shared.issuer(provider),
        "sub": sub,
        "iat": issued_at,
        "exp": expires_at,
        "jti": shared.minter.jti(),
        "token_use": ACCESS,
    });
    if let (Some(claims), Value::Object(extra)) = (claims.as_object_mut(), extra) {
        claims.extend(extra);
    }
    Issued {
        token: shared.minter.jwt(&jwt_header(), &claims),
        issued_at,
        expires_at,
        lifetime,
    }
}

/// The provider and claims of an unexpired access token this sandbox issued, or why not.
pub fn check_access_token(shared: &Shared, token: &str) -> Result<(Provider, Map<String, Value>), &'static str> {
    let claims = shared
        .minter
        .verify(token)
        .ok_or("the token was not issued by this sandbox")?;
    if claims.get("token_use").and_then(Value::as_str) != Some(ACCESS) {
        return Err("not an access token (a MidwayPlus developer token is only for the developer endpoints)");
    }
    let issuer = claims.get("iss").and_then(Value::as_str).unwrap_or_default();
    let provider = Provider::ALL
        .into_iter()
        .find(|p| shared.issuer(*p) == issuer)
        .ok_or("the token names no provider of this sandbox")?;
    let expires_at = claims.get("exp").and_then(Value::as_f64).unwrap_or(0.0);
    if expires_at <= now() {
        return Err("the access token expired");
    }
    Ok((provider, claims))
}

/// The body as a JSON object, `None` when it is anything else.
pub fn json_object(request: &Request) -> Option<Map<String, Value>> {
    match serde_json::from_slice(&request.body).ok()? {
        Value::Object(map) => Some(map),
        _ => None,
    }
}

/// A string field of a JSON object.
pub fn text<'a>(object: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    object.get(key).and_then(Value::as_str)
}

/// `Authorization` and the `X-` headers, as an API behind authctl would see them.
fn echo(request: &Request) -> Response {
    let seen: Map<String, Value> = request
        .headers
        .iter()
        .filter(|(name, _)| {
            name.eq_ignore_ascii_case("authorization") || name.get(..2).is_some_and(|p| p.eq_ignore_ascii_case("x-"))
        })
        .map(|(name, value)| (name.clone(), Value::String(value.clone())))
        .collect();
    Response::json(200, &Value::Object(seen))
}

/// An API that takes any access token this sandbox issued and has not expired. Nugios'
/// API also wants `X-nugios-timezone` on every call, so its tokens need that header here.
fn orders(shared: &Shared, request: &Request) -> Response {
    let Some(token) = request.bearer() else {
        return bearer_challenge("invalid_request", "send an access token as Authorization: Bearer");
    };
    let (provider, claims) = match check_access_token(shared, token) {
        Ok(checked) => checked,
        Err(why) => return bearer_challenge("invalid_token", why),
    };
    if provider == Provider::Nugios && nugios::timezone(request).is_none() {
        return nugios::missing_timezone();
    }
    Response::json(
        200,
        &json!({
            "provider": provider.name(),
            "sub": claims.get("sub"),
            "orders": [
                {"id": 1001, "status": "shipped", "total": "42.50"},
                {"id": 1002, "status": "open", "total": "17.00"},
            ],
        }),
    )
}

/// 401 with the RFC 6750 challenge.
pub fn bearer_challenge(error: &str, description: &str) -> Response {
    Response::json(401, &json!({"error": error, "error_description": description})).with_header(
        "WWW-Authenticate",
        format!("Bearer error=\"{error}\", error_description=\"{description}\""),
    )
}

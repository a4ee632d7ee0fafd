//! Which code answers which request, the access tokens every provider issues alike, and
//! the demo helpers: `/echo` (what an API receives), `/orders` (an API that wants a valid
//! access token from the sandbox) and `/hits` (requests seen per provider).

use std::time::Duration;

use serde_json::{Map, Value, json};

use super::server::{Request, Response};
use super::tokens::now;
use super::{Provider, Shared, device, lock, mediroutes, midigator, midway, nugios, oauth2};

/// What answers a request: the shared state, the request, and its path without a
/// trailing `/`.
type Handler = fn(&Shared, &Request, &str) -> Response;

/// One endpoint: its method, its path (`prefix` when every path under it is one
/// endpoint), the provider whose requests `/hits` counts there, and its handler.
struct Route {
    method: &'static str,
    path: &'static str,
    prefix: bool,
    provider: Option<Provider>,
    handler: Handler,
}

const fn route(method: &'static str, path: &'static str, provider: Option<Provider>, handler: Handler) -> Route {
    Route {
        method,
        path,
        prefix: false,
        provider,
        handler,
    }
}

/// Every endpoint of the sandbox: the providers' own, then the demo helpers.
const ROUTES: &[Route] = &[
    route("POST", "/auth", Some(Provider::Midigator), |s, r, _| {
        midigator::token(s, r)
    }),
    route("POST", "/api/oauth/token", Some(Provider::Oauth2), |s, r, _| {
        oauth2::token(s, r)
    }),
    route("GET", oauth2::AUTHORIZE, Some(Provider::Oauth2), |s, r, _| {
        oauth2::authorize(s, r)
    }),
    route(
        "POST",
        "/oauth2/device_authorization",
        Some(Provider::Oauth2),
        |s, r, _| device::authorize(s, r),
    ),
    route("GET", device::VERIFY, Some(Provider::Oauth2), |s, r, _| {
        device::verify(s, r)
    }),
    route("POST", "/v1/Auth", Some(Provider::Midway), |s, r, _| {
        midway::developer_login(s, r)
    }),
    route(
        "GET",
        "/v1/Developer/Installations",
        Some(Provider::Midway),
        |s, r, _| midway::installations(s, r),
    ),
    route("POST", "/v1/Developer/Token", Some(Provider::Midway), |s, r, _| {
        midway::installation_token(s, r)
    }),
    Route {
        prefix: true,
        ..route("GET", midway::AUTHENTICATE, Some(Provider::Midway), |s, _, path| {
            midway::authenticate(s, path)
        })
    },
    route("POST", "/token", Some(Provider::Mediroutes), |s, r, _| {
        mediroutes::token(s, r)
    }),
    route("POST", "/nugios/login", Some(Provider::Nugios), |s, r, _| {
        nugios::login(s, r)
    }),
    route("POST", "/nugios/refresh", Some(Provider::Nugios), |s, r, _| {
        nugios::refresh(s, r)
    }),
    route("GET", "/echo", None, |_, r, _| echo(r)),
    route("GET", "/orders", None, |s, r, _| orders(s, r)),
    route("GET", "/hits", None, |s, _, _| hits(s)),
];

impl Route {
    fn serves(&self, path: &str) -> bool {
        if self.prefix {
            path.starts_with(self.path)
        } else {
            path == self.path
        }
    }
}

pub fn handle(shared: &Shared, request: &Request) -> Response {
    // `/auth/` and `/auth` are one endpoint (Midigator's document writes both).
    let path = match request.path.trim_end_matches('/') {
        "" => "/",
        trimmed => trimmed,
    };
    let routes: Vec<&Route> = ROUTES.iter().filter(|r| r.serves(path)).collect();
    if let Some(provider) = routes.iter().find_map(|r| r.provider) {
        shared.count(provider);
    }
    let method = request.method.as_str();
    if let Some(route) = routes.iter().find(|r| r.method == method) {
        return (route.handler)(shared, request, path);
    }
    if routes.is_empty() {
        let message = format!("no such endpoint: {method} {path}");
        return Response::json(404, &json!({"error": "not_found", "message": message}));
    }
    let allowed = routes.iter().map(|r| r.method).collect::<Vec<_>>().join(", ");
    let message = format!("{path} answers {allowed}, not {method}");
    Response::json(405, &json!({"error": "method_not_allowed", "message": message})).with_header("Allow", allowed)
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

/// `Authorization`, `Content-Type` and the `X-` headers, as an API behind authctl would
/// see them.
fn echo(request: &Request) -> Response {
    let seen: Map<String, Value> = request
        .headers
        .iter()
        .filter(|(name, _)| {
            name.eq_ignore_ascii_case("authorization")
                || name.eq_ignore_ascii_case("content-type")
                || name.get(..2).is_some_and(|p| p.eq_ignore_ascii_case("x-"))
        })
        .map(|(name, value)| (name.clone(), Value::String(value.clone())))
        .collect();
    Response::json(200, &Value::Object(seen))
}

/// Requests seen so far, per provider.
fn hits(shared: &Shared) -> Response {
    Response::json(200, &serde_json::to_value(*lock(&shared.hits)).unwrap_or_default())
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

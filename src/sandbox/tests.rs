//! The sandbox spoken to over raw TCP, the way any HTTP client would.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream};
use std::time::{Duration, Instant};

use serde_json::{Map, Value, json};
use url::{Url, form_urlencoded};

use super::credentials::*;
use super::tokens::{http_date, now};
use super::{Hits, Sandbox, midway};
use crate::jwt;

const RETURN_URL: &str = "http://127.0.0.1:8765/callback?from=sandbox";

fn start() -> Sandbox {
    Sandbox::start(0, Some(Url::parse(RETURN_URL).unwrap())).expect("the sandbox starts")
}

#[derive(Debug)]
struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }
}

/// Sends `raw` on a new connection and reads the answer to the end; checks the framing
/// every answer must have.
fn exchange(sandbox: &Sandbox, raw: &[u8]) -> Reply {
    let mut stream = TcpStream::connect(sandbox.addr).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    stream.write_all(raw).unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).unwrap();
    let reply = parse_reply(&answer);
    assert_eq!(reply.header("Connection"), Some("close"));
    assert_eq!(
        reply.header("Content-Length"),
        Some(reply.body.len().to_string().as_str())
    );
    reply
}

fn parse_reply(raw: &[u8]) -> Reply {
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no head in {:?}", String::from_utf8_lossy(raw)));
    let head = std::str::from_utf8(&raw[..end]).unwrap();
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap();
    assert!(status_line.starts_with("HTTP/1.1 "), "{status_line}");
    let headers = lines
        .map(|l| l.split_once(": ").unwrap())
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect();
    Reply {
        status: status_line[9..12].parse().unwrap(),
        headers,
        body: raw[end + 4..].to_vec(),
    }
}

fn request(sandbox: &Sandbox, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Reply {
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    if method == "POST" {
        head.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    head.push_str("\r\n");
    exchange(sandbox, &[head.as_bytes(), body].concat())
}

fn get(sandbox: &Sandbox, path: &str, headers: &[(&str, &str)]) -> Reply {
    request(sandbox, "GET", path, headers, b"")
}

fn post_json(sandbox: &Sandbox, path: &str, headers: &[(&str, &str)], body: &Value) -> Reply {
    let headers = [&[("Content-Type", "application/json")], headers].concat();
    request(sandbox, "POST", path, &headers, body.to_string().as_bytes())
}

fn post_form(sandbox: &Sandbox, path: &str, fields: &[(&str, &str)]) -> Reply {
    let body = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish();
    let headers = [("Content-Type", "application/x-www-form-urlencoded")];
    request(sandbox, "POST", path, &headers, body.as_bytes())
}

fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

/// The claims of a token that authctl would print: an RFC 6750 b64token and a JWT.
fn claims(token: &Value) -> Map<String, Value> {
    let token = token.as_str().expect("a string token");
    crate::token::check_bearer(token).expect("an RFC 6750 b64token");
    jwt::decode(token).expect("a JWT").claims
}

/// Asserts `claims[key]` is `seconds` from now, give or take a few.
fn assert_in(claims: &Map<String, Value>, key: &str, seconds: f64) {
    let value = claims[key]
        .as_f64()
        .unwrap_or_else(|| panic!("no numeric {key} in {claims:?}"));
    let expected = now() + seconds;
    assert!(
        (value - expected).abs() < 5.0,
        "{key} = {value}, expected about {expected}"
    );
}

fn midigator_token(sandbox: &Sandbox) -> String {
    let reply = request(
        sandbox,
        "POST",
        "/auth",
        &[("Authorization", &bearer(MIDIGATOR_SECRET))],
        b"",
    );
    reply.json()["token"].as_str().unwrap().to_string()
}

fn midway_developer_token(sandbox: &Sandbox) -> String {
    let body = json!({"clientId": MIDWAY_CLIENT_ID, "password": MIDWAY_PASSWORD});
    let reply = post_json(sandbox, "/v1/Auth", &[], &body);
    assert_eq!(reply.status, 200, "{reply:?}");
    reply.json()["token"].as_str().unwrap().to_string()
}

fn nugios_login(sandbox: &Sandbox, login: &str) -> Value {
    let reply = post_json(
        sandbox,
        "/nugios/login",
        &[("X-nugios-timezone", "240")],
        &json!({"login": login, "password": NUGIOS_PASSWORD}),
    );
    assert_eq!(reply.status, 200, "{reply:?}");
    reply.json()
}

#[test]
fn midigator_answers_a_jwt_for_the_api_secret() {
    let sandbox = start();
    let reply = request(
        &sandbox,
        "POST",
        "/auth",
        &[("Authorization", &bearer(MIDIGATOR_SECRET))],
        b"",
    );
    assert_eq!(reply.status, 200);
    assert!(reply.header("Content-Type").unwrap().starts_with("application/json"));
    let claims = claims(&reply.json()["token"]);
    assert!(claims["sub"].is_string());
    assert_in(&claims, "iat", 0.0);
    assert_in(&claims, "exp", 3600.0);
}

#[test]
fn midigator_refuses_a_missing_or_wrong_authorization() {
    let sandbox = start();
    let missing = request(&sandbox, "POST", "/auth", &[], b"");
    assert_eq!(missing.status, 400);
    assert_eq!(missing.json()["error"], true);
    assert!(
        missing.json()["message"]
            .as_str()
            .unwrap()
            .contains("missing or invalid")
    );
    for wrong in [bearer("not-the-secret"), format!("Basic {MIDIGATOR_SECRET}")] {
        let reply = request(&sandbox, "POST", "/auth", &[("Authorization", &wrong)], b"");
        assert_eq!(reply.status, 401);
        assert_eq!(
            reply.json(),
            json!({"error": true, "message": "An invalid authorization header was provided."})
        );
    }
}

#[test]
fn oauth2_answers_json_client_credentials_with_fractional_times() {
    let sandbox = start();
    let body = json!({"grant_type": "client_credentials", "client_id": OAUTH2_CLIENT_ID, "client_secret": OAUTH2_CLIENT_SECRET});
    let reply = post_json(&sandbox, "/api/oauth/token", &[("Accept", "application/json")], &body);
    assert_eq!(reply.status, 200);
    let answer = reply.json();
    assert_eq!(answer["token_type"], "Bearer");
    assert_eq!(answer["expires_in"], 3600);
    let claims = claims(&answer["access_token"]);
    for key in ["iat", "nbf", "exp"] {
        assert!(claims[key].is_f64(), "{key} is not fractional: {claims:?}");
    }
    assert!(claims["nbf"].as_f64() > claims["iat"].as_f64());
    assert_in(&claims, "exp", 3600.0);
    assert_eq!(claims["sub"], OAUTH2_CLIENT_ID);
    assert_eq!(
        jwt::decode(answer["access_token"].as_str().unwrap()).unwrap().header["alg"],
        "RS256"
    );
}

#[test]
fn oauth2_takes_the_rfc_6749_form_encoding_too() {
    let sandbox = start();
    let fields = [
        ("grant_type", "client_credentials"),
        ("client_id", OAUTH2_CLIENT_ID),
        ("client_secret", OAUTH2_CLIENT_SECRET),
    ];
    let reply = post_form(&sandbox, "/api/oauth/token", &fields);
    assert_eq!(reply.status, 200);
    assert_in(&claims(&reply.json()["access_token"]), "exp", 3600.0);
}

#[test]
fn oauth2_refuses_a_wrong_client_and_other_grants() {
    let sandbox = start();
    let wrong =
        json!({"grant_type": "client_credentials", "client_id": OAUTH2_CLIENT_ID, "client_secret": "not-the-secret"});
    let reply = post_json(&sandbox, "/api/oauth/token", &[], &wrong);
    assert_eq!(reply.status, 401);
    assert_eq!(reply.json()["error"], "invalid_client");
    assert!(reply.json()["error_description"].is_string());

    let refresh = [("grant_type", "refresh_token"), ("refresh_token", "x")];
    let reply = post_form(&sandbox, "/api/oauth/token", &refresh);
    assert_eq!(reply.status, 400);
    assert_eq!(reply.json()["error"], "unsupported_grant_type");

    let reply = post_json(&sandbox, "/api/oauth/token", &[], &json!(["not", "an", "object"]));
    assert_eq!(reply.status, 400);
    assert_eq!(reply.json()["error"], "invalid_request");
}

/// `GET /oauth2/authorize` for the public client with `challenge`: the redirect's
/// location.
fn authorize(sandbox: &Sandbox, challenge: &str) -> Url {
    let query = form_urlencoded::Serializer::new(String::new())
        .extend_pairs([
            ("response_type", "code"),
            ("client_id", OAUTH2_PUBLIC_CLIENT_ID),
            ("redirect_uri", "http://127.0.0.1:9/callback"),
            ("state", "st-1"),
            ("code_challenge", challenge),
            ("code_challenge_method", "S256"),
        ])
        .finish();
    let reply = get(sandbox, &format!("/oauth2/authorize?{query}"), &[]);
    assert_eq!(reply.status, 302);
    Url::parse(reply.header("Location").unwrap()).unwrap()
}

#[test]
fn oauth2_device_sign_in_is_pending_until_the_code_is_confirmed_then_answers_once() {
    let sandbox = start();
    let wrong = post_form(
        &sandbox,
        "/oauth2/device_authorization",
        &[("client_id", "someone-else")],
    );
    assert_eq!(
        (wrong.status, wrong.json()["error"].clone()),
        (401, json!("invalid_client"))
    );
    let given = post_form(
        &sandbox,
        "/oauth2/device_authorization",
        &[("client_id", OAUTH2_PUBLIC_CLIENT_ID)],
    )
    .json();
    let (device_code, user_code) = (
        given["device_code"].as_str().unwrap(),
        given["user_code"].as_str().unwrap(),
    );
    assert_eq!(given["verification_uri"], format!("{}/oauth2/device", sandbox.url()));
    assert_eq!(user_code.len(), 9, "ABCD-EFGH: {user_code}");
    let poll = |code: &str| {
        let fields = [
            ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
            ("client_id", OAUTH2_PUBLIC_CLIENT_ID),
            ("device_code", code),
        ];
        post_form(&sandbox, "/api/oauth/token", &fields)
    };
    assert_eq!(poll(device_code).json()["error"], "authorization_pending");
    assert_eq!(get(&sandbox, "/oauth2/device?user_code=NOPE-NOPE", &[]).status, 404);
    assert_eq!(poll(device_code).json()["error"], "authorization_pending");
    // The code as a person types it: lower case, spaces around.
    let typed = format!("/oauth2/device?user_code=+{}+", user_code.to_ascii_lowercase());
    assert_eq!(get(&sandbox, &typed, &[]).status, 200);
    let reply = poll(device_code);
    assert_eq!(reply.status, 200, "{:?}", String::from_utf8_lossy(&reply.body));
    assert_in(&claims(&reply.json()["access_token"]), "exp", 3600.0);
    assert_eq!(
        poll(device_code).json()["error"],
        "expired_token",
        "a device code is good once"
    );
    assert_eq!(poll("made-up").json()["error"], "expired_token");
}

#[test]
fn oauth2_browser_sign_in_redirects_with_code_state_and_iss_and_checks_pkce() {
    let sandbox = start();
    // RFC 7636 appendix B.
    let (verifier, challenge) = (
        "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk",
        "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
    );
    let location = authorize(&sandbox, challenge);
    assert_eq!(&location[..url::Position::AfterPath], "http://127.0.0.1:9/callback");
    let param = |name: &str| location.query_pairs().find(|(k, _)| k == name).unwrap().1.into_owned();
    assert_eq!(param("state"), "st-1");
    assert_eq!(param("iss"), format!("{}/oauth2", sandbox.url()));
    let code = param("code");
    let exchange = |code: &str, verifier: &str, redirect_uri: &str| {
        let fields = [
            ("grant_type", "authorization_code"),
            ("client_id", OAUTH2_PUBLIC_CLIENT_ID),
            ("code", code),
            ("redirect_uri", redirect_uri),
            ("code_verifier", verifier),
        ];
        post_form(&sandbox, "/api/oauth/token", &fields)
    };
    let callback = "http://127.0.0.1:9/callback";
    // A wrong verifier spends the code all the same.
    let reply = exchange(&code, "not-the-verifier-not-the-verifier-not-the-ver", callback);
    assert_eq!(
        (reply.status, reply.json()["error"].clone()),
        (400, json!("invalid_grant"))
    );
    let reply = exchange(&code, verifier, callback);
    assert_eq!(reply.status, 400, "a code is good once");

    let code = authorize(&sandbox, challenge)
        .query_pairs()
        .find(|(k, _)| k == "code")
        .unwrap()
        .1
        .into_owned();
    let reply = exchange(&code, verifier, "http://127.0.0.1:10/callback");
    assert_eq!(
        (reply.status, reply.json()["error"].clone()),
        (400, json!("invalid_grant"))
    );
    let code = authorize(&sandbox, challenge)
        .query_pairs()
        .find(|(k, _)| k == "code")
        .unwrap()
        .1
        .into_owned();
    let reply = exchange(&code, verifier, callback);
    assert_eq!(reply.status, 200, "{:?}", String::from_utf8_lossy(&reply.body));
    assert_in(&claims(&reply.json()["access_token"]), "exp", 3600.0);

    // No PKCE: the redirect carries an error, not a code.
    let reply = get(
        &sandbox,
        &format!(
            "/oauth2/authorize?response_type=code&client_id={OAUTH2_PUBLIC_CLIENT_ID}\
             &redirect_uri=http%3A%2F%2F127.0.0.1%3A9%2Fcallback&state=s"
        ),
        &[],
    );
    let location = Url::parse(reply.header("Location").unwrap()).unwrap();
    assert!(
        location
            .query_pairs()
            .any(|(k, v)| k == "error" && v == "invalid_request")
    );
    assert!(!location.query_pairs().any(|(k, _)| k == "code"));
    // A redirect_uri off loopback is not followed.
    let reply = get(
        &sandbox,
        &format!(
            "/oauth2/authorize?response_type=code&client_id={OAUTH2_PUBLIC_CLIENT_ID}\
             &redirect_uri=https%3A%2F%2Fevil.test%2Fcallback&code_challenge=x&code_challenge_method=S256"
        ),
        &[],
    );
    assert_eq!(reply.status, 400);
    assert!(reply.header("Location").is_none());
}

#[test]
fn midway_developer_flow_lists_installations_and_issues_their_tokens() {
    let sandbox = start();
    let developer = midway_developer_token(&sandbox);
    let developer_claims = claims(&json!(developer));
    assert!(developer_claims["exp"].as_f64().unwrap() > now() + 3600.0);

    let reply = get(
        &sandbox,
        "/v1/Developer/Installations",
        &[("Authorization", &bearer(&developer))],
    );
    assert_eq!(reply.status, 200);
    let installations = reply.json();
    let ids: Vec<&str> = installations
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [MIDWAY_INSTALLATION, MIDWAY_SECOND_INSTALLATION]);
    for key in [
        "appId",
        "appName",
        "partyType",
        "partyId",
        "partyName",
        "installDate",
        "installedVersion",
    ] {
        assert!(installations[0].get(key).is_some(), "no {key}");
    }

    for installation in ids {
        let body = json!({"installationId": installation});
        let reply = post_json(
            &sandbox,
            "/v1/Developer/Token",
            &[("Authorization", &bearer(&developer))],
            &body,
        );
        assert_eq!(reply.status, 200);
        let claims = claims(&reply.json()["token"]);
        assert_eq!(claims["sub"], installation);
        assert_in(&claims, "exp", 1800.0);
    }
}

#[test]
fn midway_refuses_wrong_developer_credentials() {
    let sandbox = start();
    let body = json!({"clientId": MIDWAY_CLIENT_ID, "password": "not-the-password"});
    let reply = post_json(&sandbox, "/v1/Auth", &[], &body);
    assert_eq!(reply.status, 401);
    assert_eq!(reply.json(), json!({"message": "Invalid client ID or password."}));
}

#[test]
fn midway_refuses_missing_forged_and_expired_developer_tokens_with_401() {
    let sandbox = start();
    let expired = midway::developer_token(&sandbox.shared, now() as i64 - 7200, Duration::from_secs(3600));
    let valid = midway_developer_token(&sandbox);
    let forged = format!("{}.forged", valid.rsplit_once('.').unwrap().0);
    let access = midigator_token(&sandbox);
    let cases = [
        (None, "Authorization: Bearer <developer token> is required."),
        (Some(forged.as_str()), "Invalid developer token."),
        (Some(access.as_str()), "Invalid developer token."),
        (Some(expired.as_str()), "Developer token expired."),
    ];
    for (token, message) in cases {
        let authorization = token.map(bearer);
        let headers: Vec<(&str, &str)> = authorization.iter().map(|a| ("Authorization", a.as_str())).collect();
        let listed = get(&sandbox, "/v1/Developer/Installations", &headers);
        let body = json!({"installationId": MIDWAY_INSTALLATION});
        let issued = post_json(&sandbox, "/v1/Developer/Token", &headers, &body);
        for reply in [listed, issued] {
            assert_eq!(reply.status, 401, "{token:?}");
            assert_eq!(reply.json(), json!({"message": message}));
            assert_eq!(reply.header("WWW-Authenticate"), Some("Bearer"));
        }
    }
}

#[test]
fn midway_refuses_an_installation_that_is_not_yours_with_403() {
    let sandbox = start();
    let developer = midway_developer_token(&sandbox);
    let body = json!({"installationId": "00000000-0000-0000-0000-000000000000"});
    let reply = post_json(
        &sandbox,
        "/v1/Developer/Token",
        &[("Authorization", &bearer(&developer))],
        &body,
    );
    assert_eq!(reply.status, 403);
    assert_eq!(reply.json(), json!({"message": "Not an installation of your apps."}));
}

#[test]
fn midway_browser_flow_redirects_to_the_return_url_with_a_token() {
    let sandbox = start();
    let reply = get(&sandbox, &format!("/Apps/Authenticate/{MIDWAY_APP_ID}"), &[]);
    assert_eq!(reply.status, 302);
    let location = Url::parse(reply.header("Location").unwrap()).unwrap();
    assert_eq!(&location[..url::Position::AfterPath], "http://127.0.0.1:8765/callback");
    let query: Vec<(String, String)> = location.query_pairs().into_owned().collect();
    assert_eq!(query[0], ("from".to_string(), "sandbox".to_string()));
    assert_eq!(query[1].0, "token");
    let claims = claims(&json!(query[1].1));
    assert_eq!(claims["sub"], MIDWAY_INSTALLATION);
    assert_in(&claims, "exp", 1800.0);

    let other_app = get(&sandbox, "/Apps/Authenticate/another-app", &[]);
    assert_eq!(other_app.status, 404);
    assert!(other_app.header("Content-Type").unwrap().starts_with("text/html"));
    let without_return_url = Sandbox::start(0, None).unwrap();
    let reply = get(&without_return_url, &format!("/Apps/Authenticate/{MIDWAY_APP_ID}"), &[]);
    assert_eq!(reply.status, 400);
    assert!(reply.header("Location").is_none());
}

#[test]
fn mediroutes_password_grant_answers_the_documented_fields() {
    let sandbox = start();
    let fields = [
        ("grant_type", "password"),
        ("username", MEDIROUTES_USERNAME),
        ("password", MEDIROUTES_PASSWORD),
    ];
    let reply = post_form(&sandbox, "/token", &fields);
    assert_eq!(reply.status, 200);
    let answer = reply.json();
    assert_eq!(answer["token_type"], "bearer");
    assert_eq!(answer["expires_in"], 86400);
    assert_eq!(answer["userName"], MEDIROUTES_USERNAME);
    crate::token::check_bearer(answer["refresh_token"].as_str().unwrap()).unwrap();
    let claims = claims(&answer["access_token"]);
    assert_in(&claims, "exp", 86400.0);
    let issued = claims["iat"].as_i64().unwrap();
    assert_eq!(answer[".issued"], http_date(issued));
    assert_eq!(answer[".expires"], http_date(issued + 86400));
    assert!(answer[".expires"].as_str().unwrap().ends_with(" GMT"));
}

#[test]
fn mediroutes_refresh_tokens_rotate() {
    let sandbox = start();
    let fields = [
        ("grant_type", "password"),
        ("username", MEDIROUTES_USERNAME),
        ("password", MEDIROUTES_PASSWORD),
    ];
    let first = post_form(&sandbox, "/token", &fields).json()["refresh_token"].clone();
    let first = first.as_str().unwrap();
    let refreshed = post_form(
        &sandbox,
        "/token",
        &[("grant_type", "refresh_token"), ("refresh_token", first)],
    );
    assert_eq!(refreshed.status, 200);
    let second = refreshed.json()["refresh_token"].as_str().unwrap().to_string();
    assert_ne!(second, first);
    claims(&refreshed.json()["access_token"]);

    let reused = post_form(
        &sandbox,
        "/token",
        &[("grant_type", "refresh_token"), ("refresh_token", first)],
    );
    assert_eq!(reused.status, 401);
    assert_eq!(reused.json()["error"], "invalid_grant");
    let again = post_form(
        &sandbox,
        "/token",
        &[("grant_type", "refresh_token"), ("refresh_token", &second)],
    );
    assert_eq!(again.status, 200);
}

#[test]
fn mediroutes_refuses_bad_credentials_and_grant_types_with_401() {
    let sandbox = start();
    let wrong = [
        ("grant_type", "password"),
        ("username", MEDIROUTES_USERNAME),
        ("password", "not-the-password"),
    ];
    let reply = post_form(&sandbox, "/token", &wrong);
    assert_eq!(reply.status, 401);
    assert_eq!(
        reply.json(),
        json!({"error": "invalid_grant", "error_description": "The user name or password is incorrect."})
    );
    let reply = post_form(&sandbox, "/token", &[("grant_type", "client_credentials")]);
    assert_eq!(reply.status, 401);
    assert_eq!(reply.json()["error"], "unsupported_grant_type");
}

#[test]
fn nugios_login_and_refresh_rotate_refresh_tokens() {
    let sandbox = start();
    let login = nugios_login(&sandbox, NUGIOS_LOGIN);
    assert_eq!(login["passwordExpired"], false);
    let claims = claims(&login["accessToken"]);
    assert_eq!(claims["sub"], NUGIOS_LOGIN);
    assert_in(&claims, "exp", 43200.0 * 60.0);

    let first = login["refreshToken"].clone();
    crate::token::check_bearer(first.as_str().unwrap()).unwrap();
    let refresh = |token: &Value| post_json(&sandbox, "/nugios/refresh", &[], &json!({"refreshToken": token}));
    let refreshed = refresh(&first);
    assert_eq!(refreshed.status, 200);
    let answer = refreshed.json();
    assert_ne!(answer["refreshToken"], first);
    assert_eq!(answer["passwordExpired"], false);
    self::claims(&answer["accessToken"]);

    let reused = refresh(&first);
    assert_eq!(reused.status, 401);
    assert_eq!(reused.json()["title"], "Unauthorized");
    assert_eq!(refresh(&answer["refreshToken"]).status, 200);
}

#[test]
fn nugios_refuses_bad_logins_and_bad_timezones() {
    let sandbox = start();
    let reply = post_json(
        &sandbox,
        "/nugios/login",
        &[],
        &json!({"login": NUGIOS_LOGIN, "password": "not-the-password"}),
    );
    assert_eq!(reply.status, 401);
    assert_eq!(reply.json()["status"], 401);
    assert_eq!(reply.json()["title"], "Unauthorized");
    assert!(
        reply
            .header("Content-Type")
            .unwrap()
            .starts_with("application/problem+json")
    );

    let reply = post_json(&sandbox, "/nugios/login", &[], &json!({"login": NUGIOS_LOGIN}));
    assert_eq!(reply.status, 400);
    let body = json!({"login": NUGIOS_LOGIN, "password": NUGIOS_PASSWORD});
    let reply = post_json(&sandbox, "/nugios/login", &[("X-nugios-timezone", "noon")], &body);
    assert_eq!(reply.status, 400);
    assert!(reply.json()["detail"].as_str().unwrap().contains("X-nugios-timezone"));
}

#[test]
fn nugios_says_when_a_password_expired() {
    let sandbox = start();
    let login = nugios_login(&sandbox, NUGIOS_EXPIRED_LOGIN);
    assert_eq!(login["passwordExpired"], true);
    let refreshed = post_json(
        &sandbox,
        "/nugios/refresh",
        &[],
        &json!({"refreshToken": login["refreshToken"]}),
    );
    assert_eq!(refreshed.json()["passwordExpired"], true);
}

#[test]
fn orders_wants_an_unexpired_access_token_of_the_sandbox() {
    let sandbox = start();
    let token = midigator_token(&sandbox);
    let reply = get(&sandbox, "/orders", &[("Authorization", &bearer(&token))]);
    assert_eq!(reply.status, 200);
    assert_eq!(reply.json()["provider"], "midigator");
    assert!(reply.json()["orders"].is_array());

    let none = get(&sandbox, "/orders", &[]);
    assert_eq!(none.status, 401);
    assert!(none.header("WWW-Authenticate").unwrap().starts_with("Bearer"));
    let forged = format!("{}.forged", token.rsplit_once('.').unwrap().0);
    let developer = midway_developer_token(&sandbox);
    let elsewhere = midigator_token(&start());
    for refused in [forged, developer, elsewhere] {
        let reply = get(&sandbox, "/orders", &[("Authorization", &bearer(&refused))]);
        assert_eq!(reply.status, 401);
        assert_eq!(reply.json()["error"], "invalid_token");
    }
}

#[test]
fn shortened_lifetimes_apply_to_new_tokens_and_expire_them() {
    let sandbox = start();
    sandbox.set_access_token_lifetime(Duration::from_secs(5));
    let fields = [
        ("grant_type", "password"),
        ("username", MEDIROUTES_USERNAME),
        ("password", MEDIROUTES_PASSWORD),
    ];
    let answer = post_form(&sandbox, "/token", &fields).json();
    assert_eq!(answer["expires_in"], 5);
    assert_in(&claims(&answer["access_token"]), "exp", 5.0);

    sandbox.set_access_token_lifetime(Duration::ZERO);
    let expired = midigator_token(&sandbox);
    let reply = get(&sandbox, "/orders", &[("Authorization", &bearer(&expired))]);
    assert_eq!(reply.status, 401);
    assert_eq!(reply.json()["error_description"], "the access token expired");
}

#[test]
fn orders_wants_the_timezone_header_with_a_nugios_token() {
    let sandbox = start();
    let token = nugios_login(&sandbox, NUGIOS_LOGIN)["accessToken"]
        .as_str()
        .unwrap()
        .to_string();
    let authorization = bearer(&token);
    let without = get(&sandbox, "/orders", &[("Authorization", &authorization)]);
    assert_eq!(without.status, 400);
    assert!(without.json()["detail"].as_str().unwrap().contains("X-nugios-timezone"));
    let with = get(
        &sandbox,
        "/orders",
        &[("Authorization", &authorization), ("X-nugios-timezone", "-300")],
    );
    assert_eq!(with.status, 200);
    assert_eq!(with.json()["provider"], "nugios");
}

#[test]
fn echo_answers_the_authorization_and_x_headers() {
    let sandbox = start();
    let headers = [
        ("Authorization", "Bearer abc"),
        ("X-nugios-timezone", "240"),
        ("Accept", "*/*"),
        ("X-Request-Id", "7"),
    ];
    let reply = get(&sandbox, "/echo", &headers);
    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.json(),
        json!({"Authorization": "Bearer abc", "X-nugios-timezone": "240", "X-Request-Id": "7"})
    );
}

#[test]
fn hits_counts_requests_to_each_provider_only() {
    let sandbox = start();
    midigator_token(&sandbox);
    request(&sandbox, "POST", "/auth", &[], b"");
    post_form(&sandbox, "/api/oauth/token", &[]);
    let developer = midway_developer_token(&sandbox);
    get(
        &sandbox,
        "/v1/Developer/Installations",
        &[("Authorization", &bearer(&developer))],
    );
    get(&sandbox, &format!("/Apps/Authenticate/{MIDWAY_APP_ID}"), &[]);
    post_form(&sandbox, "/token", &[("grant_type", "password")]);
    nugios_login(&sandbox, NUGIOS_LOGIN);
    post_json(&sandbox, "/nugios/refresh", &[], &json!({}));
    get(&sandbox, "/echo", &[]);
    get(&sandbox, "/orders", &[]);
    get(&sandbox, "/nowhere", &[]);
    let expected = Hits {
        midigator: 2,
        oauth2: 1,
        midway: 3,
        mediroutes: 1,
        nugios: 2,
    };
    assert_eq!(sandbox.hits(), expected);
    let reply = get(&sandbox, "/hits", &[]);
    assert_eq!(
        reply.json(),
        json!({"midigator": 2, "oauth2": 1, "midway": 3, "mediroutes": 1, "nugios": 2})
    );
    assert_eq!(sandbox.hits(), expected);
}

#[test]
fn unknown_paths_are_404_and_wrong_methods_405() {
    let sandbox = start();
    let reply = get(&sandbox, "/nowhere?x=1", &[]);
    assert_eq!(reply.status, 404);
    assert_eq!(reply.json()["error"], "not_found");
    assert_eq!(get(&sandbox, "/v1/Nowhere", &[]).status, 404);
    let reply = get(&sandbox, "/auth", &[("Authorization", &bearer(MIDIGATOR_SECRET))]);
    assert_eq!(reply.status, 405);
    assert_eq!(reply.json()["error"], "method_not_allowed");
    assert_eq!(reply.header("Allow"), Some("POST"));
    assert_eq!(sandbox.hits().midway, 0);
    assert_eq!(sandbox.hits().midigator, 1);
}

#[test]
fn garbage_gets_400_and_the_sandbox_keeps_answering() {
    let sandbox = start();
    let garbage: [&[u8]; 6] = [
        b"\x00\xff\xfe garbage\r\n\r\n",
        b"GET\r\n\r\n",
        b"GET / HTTP/9.9\r\n\r\n",
        b"GET / HTTP/1.1\r\nno colon here\r\n\r\n",
        b"POST /auth HTTP/1.1\r\nContent-Length: -1\r\n\r\n",
        b"POST /auth HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
    ];
    for raw in garbage {
        let reply = exchange(&sandbox, raw);
        assert_eq!(reply.status, 400, "{:?}", String::from_utf8_lossy(raw));
        assert!(reply.json()["message"].is_string());
    }
    let chunked = exchange(
        &sandbox,
        b"POST /token HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    );
    assert_eq!(chunked.status, 501);

    // A client that stops sending and closes, inside the head or inside the body.
    for partial in [
        &b"GET /echo HTTP/1.1\r\nX-A: 1"[..],
        b"POST /token HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc",
    ] {
        let mut stream = TcpStream::connect(sandbox.addr).unwrap();
        stream.write_all(partial).unwrap();
        stream.shutdown(Shutdown::Write).unwrap();
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).unwrap();
        assert_eq!(parse_reply(&answer).status, 400);
    }
    assert_eq!(get(&sandbox, "/hits", &[]).status, 200);
}

#[test]
fn oversized_heads_and_bodies_are_refused_and_the_sandbox_keeps_answering() {
    let sandbox = start();
    let big_header = format!("GET /echo HTTP/1.1\r\nX-Big: {}\r\n\r\n", "a".repeat(20 * 1024));
    assert_eq!(exchange(&sandbox, big_header.as_bytes()).status, 431);
    let endless = format!("GET /echo HTTP/1.1\r\nX-Big: {}", "a".repeat(40 * 1024));
    assert_eq!(exchange(&sandbox, endless.as_bytes()).status, 431);
    let many_headers = format!("GET /echo HTTP/1.1\r\n{}\r\n", "X-A: 1\r\n".repeat(101));
    assert_eq!(exchange(&sandbox, many_headers.as_bytes()).status, 431);
    let big_body = exchange(&sandbox, b"POST /token HTTP/1.1\r\nContent-Length: 70000\r\n\r\n");
    assert_eq!(big_body.status, 413);
    assert_eq!(get(&sandbox, "/hits", &[]).status, 200);
}

#[test]
fn expect_100_continue_is_answered_before_the_body() {
    let sandbox = start();
    let body = json!({"login": NUGIOS_LOGIN, "password": NUGIOS_PASSWORD}).to_string();
    let head = format!(
        "POST /nugios/login HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    let mut stream = TcpStream::connect(sandbox.addr).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    stream.write_all(head.as_bytes()).unwrap();
    let mut interim = [0u8; 25];
    stream.read_exact(&mut interim).unwrap();
    assert_eq!(&interim, b"HTTP/1.1 100 Continue\r\n\r\n");
    stream.write_all(body.as_bytes()).unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).unwrap();
    assert_eq!(parse_reply(&answer).status, 200);
}

#[test]
fn http_dates_look_like_the_seeds() {
    assert_eq!(http_date(1_591_723_075), "Tue, 09 Jun 2020 17:17:55 GMT");
    assert_eq!(http_date(1_591_636_675), "Mon, 08 Jun 2020 17:17:55 GMT");
    assert_eq!(http_date(0), "Thu, 01 Jan 1970 00:00:00 GMT");
    assert_eq!(http_date(951_782_400), "Tue, 29 Feb 2000 00:00:00 GMT");
    // 2100 is no leap year.
    assert_eq!(http_date(4_107_542_399), "Sun, 28 Feb 2100 23:59:59 GMT");
    assert_eq!(http_date(4_107_542_400), "Mon, 01 Mar 2100 00:00:00 GMT");
}

#[test]
fn drop_stops_the_listener_promptly_even_with_an_idle_client() {
    let sandbox = start();
    let addr = sandbox.addr;
    let idle = TcpStream::connect(addr).unwrap();
    assert_eq!(get(&sandbox, "/hits", &[]).status, 200);
    let started = Instant::now();
    drop(sandbox);
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "drop took {:?}",
        started.elapsed()
    );
    assert!(TcpStream::connect(addr).is_err(), "still listening after drop");
    drop(idle);
}

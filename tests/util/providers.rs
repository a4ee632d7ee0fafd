//! One helper per provider: its profile, pointed at a loopback server, and the mocks of
//! its endpoints as the seeds document them.

use httpmock::Mock;
use httpmock::prelude::*;
use serde_json::json;

use super::TestEnv;

// Midigator

pub fn midigator_config(base_url: &str) -> String {
    format!("[profiles.mg]\nprovider = \"midigator\"\nbase_url = \"{base_url}\"\n")
}

/// A Midigator profile whose server hands out `token`, with its token fetched once (so it
/// is cached).
pub fn cached_midigator(token: &str) -> (MockServer, TestEnv) {
    let server = MockServer::start();
    midigator_auth(&server, token);
    let env = midigator_env(&server);
    env.cmd()
        .args(["token", "mg"])
        .env("AUTHCTL_SECRET_MG", "test-secret")
        .assert()
        .success();
    (server, env)
}

/// A test home whose one profile, `mg`, is a Midigator profile pointing at `server`.
pub fn midigator_env(server: &MockServer) -> TestEnv {
    TestEnv::new(&midigator_config(&server.base_url()))
}

/// Makes `server` answer Midigator's `POST /auth` with `token`, whatever the secret.
pub fn midigator_auth<'a>(server: &'a MockServer, token: &str) -> Mock<'a> {
    let token = token.to_string();
    server.mock(move |when, then| {
        when.method(POST).path("/auth");
        then.status(200).json_body(serde_json::json!({ "token": token }));
    })
}

/// Makes `server` answer Midigator's `POST /auth` with `status` and `body`.
pub fn midigator_answer<'a>(server: &'a MockServer, status: u16, content_type: &str, body: &str) -> httpmock::Mock<'a> {
    let (body, content_type) = (body.to_string(), content_type.to_string());
    server.mock(move |when, then| {
        when.method(POST).path("/auth");
        then.status(status).header("content-type", content_type).body(body);
    })
}

// OAuth2 client credentials (and MediRoutes, whose token endpoint is form-encoded too)

/// Profile `name`, an OAuth2 client `cid` of `token_url`; `extra` adds keys.
pub fn oauth2_config(name: &str, token_url: &str, extra: &str) -> String {
    format!("[profiles.{name}]\nprovider = \"oauth2\"\ntoken_url = \"{token_url}\"\nclient_id = \"cid\"\n{extra}")
}

/// Makes `server` answer form-encoded `POST /token` requests carrying all of `fields`
/// with `status` and the JSON `body`, as an OAuth2 token endpoint.
pub fn token_endpoint<'a>(
    server: &'a MockServer,
    fields: &[(&str, &str)],
    status: u16,
    body: serde_json::Value,
) -> Mock<'a> {
    let fields: Vec<(String, String)> = fields.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    server.mock(move |when, then| {
        let mut when = when.method(POST).path("/token");
        for (k, v) in &fields {
            when = when.form_urlencoded_tuple(k, v);
        }
        then.status(status).json_body(body);
    })
}

// MidwayPlus

/// Profile `mw`, developer client `cid`; `extra` adds keys.
pub fn midway_config(base_url: &str, extra: &str) -> String {
    format!("[profiles.mw]\nprovider = \"midway\"\nbase_url = \"{base_url}\"\nclient_id = \"cid\"\n{extra}")
}

pub fn midway_env(server: &MockServer, extra: &str) -> TestEnv {
    TestEnv::new(&midway_config(&server.base_url(), extra))
}

/// `POST /v1/Auth` with the client ID and password `pw`, answered with `developer_token`.
pub fn midway_auth<'a>(server: &'a MockServer, developer_token: &str) -> Mock<'a> {
    let developer_token = developer_token.to_string();
    server.mock(move |when, then| {
        when.method(POST)
            .path("/v1/Auth")
            .header("content-type", "application/json")
            .json_body(json!({"clientId": "cid", "password": "pw"}));
        then.status(200).json_body(json!({ "token": developer_token }));
    })
}

/// `POST /v1/Developer/Token` for `installation` with `developer_token`, answered with
/// `status` and `body`.
pub fn midway_installation_token<'a>(
    server: &'a MockServer,
    developer_token: &str,
    installation: &str,
    status: u16,
    body: serde_json::Value,
) -> Mock<'a> {
    let bearer = format!("Bearer {developer_token}");
    let installation = installation.to_string();
    server.mock(move |when, then| {
        when.method(POST)
            .path("/v1/Developer/Token")
            .header("authorization", bearer)
            .json_body(json!({ "installationId": installation }));
        then.status(status).json_body(body);
    })
}

// MediRoutes

/// Profile `mr`, user `dispatch@example.com`.
pub fn mediroutes_config(base_url: &str) -> String {
    format!(
        "[profiles.mr]\nprovider = \"mediroutes\"\nbase_url = \"{base_url}\"\nusername = \"dispatch@example.com\"\n"
    )
}

pub fn mediroutes_env(server: &MockServer) -> TestEnv {
    TestEnv::new(&mediroutes_config(&server.base_url()))
}

pub fn mediroutes_password_grant<'a>(
    server: &'a MockServer,
    status: u16,
    body: serde_json::Value,
) -> httpmock::Mock<'a> {
    token_endpoint(
        server,
        &[
            ("grant_type", "password"),
            ("username", "dispatch@example.com"),
            ("password", "pw"),
        ],
        status,
        body,
    )
}

pub fn mediroutes_refresh_grant<'a>(
    server: &'a MockServer,
    refresh_token: &str,
    status: u16,
    body: serde_json::Value,
) -> httpmock::Mock<'a> {
    token_endpoint(
        server,
        &[("grant_type", "refresh_token"), ("refresh_token", refresh_token)],
        status,
        body,
    )
}

// Nugios

/// Profile `ng`, login `ops`, its endpoints under `base_url`; `extra` adds keys.
pub fn nugios_config(base_url: &str, extra: &str) -> String {
    format!(
        "[profiles.ng]\nprovider = \"nugios\"\nlogin_url = \"{base_url}/api/auth/login\"\nrefresh_url = \"{base_url}/api/auth/refresh\"\nlogin = \"ops\"\n{extra}"
    )
}

pub fn nugios_env(server: &MockServer, extra: &str) -> TestEnv {
    TestEnv::new(&nugios_config(&server.base_url(), extra))
}

pub fn nugios_login<'a>(server: &'a MockServer, body: serde_json::Value) -> httpmock::Mock<'a> {
    server.mock(move |when, then| {
        when.method(POST)
            .path("/api/auth/login")
            .header("content-type", "application/json")
            .json_body(json!({"login": "ops", "password": "pw"}));
        then.status(200).json_body(body);
    })
}

/// The refresh endpoint; like every call after login, it gets the timezone header (the
/// tests run with TZ=UTC).
pub fn nugios_refresh<'a>(
    server: &'a MockServer,
    refresh_token: &str,
    status: u16,
    body: serde_json::Value,
) -> httpmock::Mock<'a> {
    let refresh_token = refresh_token.to_string();
    server.mock(move |when, then| {
        when.method(POST)
            .path("/api/auth/refresh")
            .header("x-nugios-timezone", "0")
            .json_body(json!({ "refreshToken": refresh_token }));
        then.status(status).json_body(body);
    })
}

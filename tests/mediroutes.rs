//! MediRoutes: the form-encoded password grant, refresh tokens and their failures.

use httpmock::prelude::*;
use predicates::prelude::*;
use serde_json::json;

use crate::util::*;

#[test]
fn password_grant_reads_expires_in_and_keeps_the_refresh_token() {
    let server = MockServer::start();
    let login = mediroutes_password_grant(
        &server,
        200,
        json!({"access_token": "opaque-a1", "token_type": "bearer", "expires_in": 86400,
               "refresh_token": "rt-1", "userName": "dispatch@example.com",
               ".issued": "Mon, 08 Jun 2020 17:17:55 GMT", ".expires": "Tue, 09 Jun 2020 17:17:55 GMT"}),
    );
    let env = mediroutes_env(&server);
    let out = env
        .cmd()
        .args(["token", "mr", "--format", "json"])
        .env("AUTHCTL_SECRET_MR", "pw")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["access_token"], "opaque-a1");
    assert_eq!(v["refreshable"], true);
    // expires_in wins over .expires (which the sample shows in the past).
    assert!((86390..=86400).contains(&v["expires_in"].as_i64().unwrap()), "{v}");
    assert_eq!(env.stored_credential("mr").as_deref(), Some("rt-1"));
    login.assert_calls(1);
}

#[test]
fn dot_expires_is_used_when_expires_in_is_missing() {
    let server = MockServer::start();
    let expires = chrono::Utc::now() + chrono::Duration::hours(2);
    mediroutes_password_grant(
        &server,
        200,
        json!({"access_token": "opaque-a1", "token_type": "bearer",
               ".expires": expires.format("%a, %d %b %Y %H:%M:%S GMT").to_string()}),
    );
    let env = mediroutes_env(&server);
    env.cmd()
        .args(["token", "mr"])
        .env("AUTHCTL_SECRET_MR", "pw")
        .assert()
        .success();
    let cached = env.cache_json("mr")["expires_at"].as_f64().unwrap();
    assert_eq!(cached, expires.timestamp() as f64);
}

#[test]
fn refresh_rotates_the_refresh_token() {
    let server = MockServer::start();
    let first = mediroutes_refresh_grant(
        &server,
        "rt-1",
        200,
        json!({"access_token": "a2", "expires_in": 86400, "refresh_token": "rt-2"}),
    );
    let second = mediroutes_refresh_grant(
        &server,
        "rt-2",
        200,
        json!({"access_token": "a3", "expires_in": 86400, "refresh_token": "rt-3"}),
    );
    let login = mediroutes_password_grant(&server, 200, json!({"access_token": "never"}));
    let env = mediroutes_env(&server);
    env.seed_expired("mr", "mediroutes", "rt-1");

    // Automatic renewal of the expired token, then the explicit command.
    env.cmd().args(["token", "mr"]).assert().success().stdout("a2\n");
    assert_eq!(env.stored_credential("mr").as_deref(), Some("rt-2"));
    env.cmd()
        .args(["mediroutes", "refresh"])
        .assert()
        .success()
        .stdout("a3\n");
    assert_eq!(env.stored_credential("mr").as_deref(), Some("rt-3"));
    first.assert_calls(1);
    second.assert_calls(1);
    login.assert_calls(0);
}

#[test]
fn a_rejected_refresh_falls_back_to_the_password() {
    let server = MockServer::start();
    let refresh = mediroutes_refresh_grant(
        &server,
        "rt-old",
        400,
        json!({"error": "invalid_grant", "error_description": "The refresh token is invalid."}),
    );
    let login = mediroutes_password_grant(
        &server,
        200,
        json!({"access_token": "a-new", "expires_in": 86400, "refresh_token": "rt-new"}),
    );
    let env = mediroutes_env(&server);
    env.seed_expired("mr", "mediroutes", "rt-old");

    env.cmd()
        .args(["token", "mr"])
        .env("AUTHCTL_SECRET_MR", "pw")
        .assert()
        .success()
        .stdout("a-new\n");
    refresh.assert_calls(1);
    login.assert_calls(1);
    assert_eq!(env.stored_credential("mr").as_deref(), Some("rt-new"));
}

#[test]
fn a_5xx_refresh_keeps_the_refresh_token_for_the_next_try() {
    let server = MockServer::start();
    let mut down = server.mock(|when, then| {
        when.method(POST)
            .path("/token")
            .form_urlencoded_tuple("refresh_token", "rt-keep");
        then.status(500).body("");
    });
    let login = mediroutes_password_grant(&server, 200, json!({"access_token": "never"}));
    let env = mediroutes_env(&server);
    env.seed_expired("mr", "mediroutes", "rt-keep");

    env.cmd()
        .args(["token", "mr"])
        .env("AUTHCTL_SECRET_MR", "pw")
        .assert()
        .code(6)
        .stdout("")
        .stderr(
            predicate::str::contains("HTTP 500").and(predicate::str::contains("unknown error; contact MediRoutes")),
        );
    assert_eq!(env.stored_credential("mr").as_deref(), Some("rt-keep"));
    // The next try uses the same refresh token, and works.
    down.delete();
    let back = mediroutes_refresh_grant(
        &server,
        "rt-keep",
        200,
        json!({"access_token": "a-back", "expires_in": 86400}),
    );
    env.cmd().args(["token", "mr"]).assert().success().stdout("a-back\n");
    back.assert_calls(1);
    login.assert_calls(0);
    // Not rotated: the same refresh token stays.
    assert_eq!(env.stored_credential("mr").as_deref(), Some("rt-keep"));
}

#[test]
fn login_forces_the_password_grant_even_with_a_fresh_token() {
    let server = MockServer::start();
    let login = mediroutes_password_grant(
        &server,
        200,
        json!({"access_token": "a1", "expires_in": 86400, "refresh_token": "rt-1"}),
    );
    let env = mediroutes_env(&server);
    for _ in 0..2 {
        env.cmd()
            .args(["mediroutes", "login", "--format", "header"])
            .env("AUTHCTL_SECRET_MR", "pw")
            .assert()
            .success()
            .stdout("Authorization: Bearer a1\n");
    }
    login.assert_calls(2);
}

#[test]
fn refresh_without_a_stored_refresh_token_exits_5_with_a_hint() {
    let server = MockServer::start();
    let env = mediroutes_env(&server);
    env.cmd()
        .args(["mediroutes", "refresh"])
        .env("AUTHCTL_SECRET_MR", "pw")
        .assert()
        .code(5)
        .stdout("")
        .stderr(predicate::str::contains(
            "no refresh token is stored for profile mr; log in first: authctl mediroutes login",
        ));
}

#[test]
fn refresh_command_never_falls_back_to_the_password() {
    let server = MockServer::start();
    let refresh = mediroutes_refresh_grant(
        &server,
        "rt-old",
        400,
        json!({"error": "invalid_grant", "error_description": "The refresh token is invalid."}),
    );
    let login = mediroutes_password_grant(&server, 200, json!({"access_token": "never"}));
    let env = mediroutes_env(&server);
    env.seed_expired("mr", "mediroutes", "rt-old");
    env.cmd()
        .args(["mediroutes", "refresh"])
        .env("AUTHCTL_SECRET_MR", "pw")
        .assert()
        .code(5)
        .stderr(
            predicate::str::contains("The refresh token is invalid.")
                .and(predicate::str::contains("log in again with `authctl mediroutes login")),
        );
    refresh.assert_calls(1);
    login.assert_calls(0);
}

#[test]
fn errors_show_error_description_or_the_documented_meaning() {
    let server = MockServer::start();
    mediroutes_password_grant(
        &server,
        400,
        json!({"error": "invalid_grant", "error_description": "The user name or password is incorrect."}),
    );
    let env = mediroutes_env(&server);
    env.cmd()
        .args(["token", "mr"])
        .env("AUTHCTL_SECRET_MR", "pw")
        .assert()
        .code(5)
        .stderr(predicate::str::contains(
            "HTTP 400 Bad Request: invalid_grant: The user name or password is incorrect.",
        ));

    let server = MockServer::start();
    server.mock(|when, then| {
        when.method(POST).path("/token");
        then.status(401).body("");
    });
    let env = mediroutes_env(&server);
    env.cmd()
        .args(["token", "mr"])
        .env("AUTHCTL_SECRET_MR", "pw")
        .assert()
        .code(5)
        .stderr(predicate::str::contains(
            "HTTP 401 Unauthorized: user name, password and/or grant type incorrect",
        ));
}

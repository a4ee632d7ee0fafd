//! `authctl token` end to end: Midigator and OAuth2, cache hits, renewal, single flight.

use httpmock::prelude::*;
use predicates::prelude::*;
use serde_json::json;

use crate::util::*;

#[test]
fn midigator_token_is_printed_and_the_second_call_comes_from_the_cache() {
    let server = MockServer::start();
    let token = jwt_expiring_in(3600);
    let auth = server.mock(|when, then| {
        when.method(POST)
            .path("/auth")
            .header("authorization", "Bearer mg-secret");
        then.status(200).json_body(json!({ "token": token }));
    });
    let env = midigator_env(&server);

    for _ in 0..3 {
        env.cmd()
            .arg("token")
            .arg("mg")
            .env("AUTHCTL_SECRET_MG", "mg-secret")
            .assert()
            .success()
            .stdout(format!("{token}\n"));
    }
    auth.assert_calls(1);
}

#[test]
fn a_cached_token_needs_no_secret_and_no_server() {
    let server = MockServer::start();
    let token = jwt_expiring_in(3600);
    let auth = midigator_auth(&server, &token);
    let env = midigator_env(&server);
    env.cmd()
        .args(["token", "mg"])
        .env("AUTHCTL_SECRET_MG", "test-secret")
        .assert()
        .success();
    // No secret in the environment: only the cache can answer, and the server sees nothing.
    env.cmd()
        .args(["token", "mg", "--format", "json"])
        .assert()
        .success()
        .stdout(predicates::str::contains("\"source\":\"cache\""));
    auth.assert_calls(1);
}

#[test]
fn a_provider_name_selects_its_only_profile() {
    let server = MockServer::start();
    let auth = midigator_auth(&server, &jwt_expiring_in(600));
    let env = midigator_env(&server);
    env.cmd()
        .args(["token", "midigator"])
        .env("AUTHCTL_SECRET_MG", "test-secret")
        .assert()
        .success();
    auth.assert_calls(1);
}

#[test]
fn oauth2_json_body_matches_the_partner_api_and_uses_fractional_exp() {
    let server = MockServer::start();
    let exp = now() + 3600.577478;
    let token = jwt(json!({"iat": now(), "nbf": now(), "exp": exp, "scopes": ["bookings:create"]}));
    let m = server.mock(|when, then| {
        when.method(POST)
            .path("/api/oauth/token")
            .header("content-type", "application/json")
            .header("accept", "application/json")
            .json_body(json!({"grant_type": "client_credentials", "client_id": "cid", "client_secret": "csecret"}));
        then.status(200)
            .json_body(json!({"token_type": "Bearer", "expires_in": 60, "access_token": token}));
    });
    let env = TestEnv::new(&format!(
        "[profiles.partner]\nprovider = \"oauth2\"\ntoken_url = \"{}\"\nclient_id = \"cid\"\nbody = \"json\"\n",
        server.url("/api/oauth/token")
    ));
    let out = env
        .cmd()
        .args(["token", "partner", "--format", "json"])
        .env("AUTHCTL_SECRET_PARTNER", "csecret")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    m.assert_calls(1);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // The JWT's exp wins over expires_in (60 s).
    let expires_in = v["expires_in"].as_i64().unwrap();
    assert!((3590..=3601).contains(&expires_in), "{v}");
    assert_eq!(env.cache_json("partner")["expires_at"].as_f64().unwrap(), exp);
}

#[test]
fn oauth2_form_body_is_rfc6749_and_expires_in_sets_expiry_of_opaque_tokens() {
    let server = MockServer::start();
    let m = server.mock(|when, then| {
        when.method(POST)
            .path("/token")
            .header("content-type", "application/x-www-form-urlencoded")
            .form_urlencoded_tuple("grant_type", "client_credentials")
            .form_urlencoded_tuple("client_id", "cid")
            .form_urlencoded_tuple("client_secret", "csecret")
            .form_urlencoded_tuple("scope", "read write");
        then.status(200)
            .json_body(json!({"token_type": "bearer", "expires_in": 7200, "access_token": "opaque-token_123"}));
    });
    let env = TestEnv::new(&format!(
        "[profiles.rfc]\nprovider = \"oauth2\"\ntoken_url = \"{}\"\nclient_id = \"cid\"\nscope = \"read write\"\n",
        server.url("/token")
    ));
    env.cmd()
        .args(["token", "rfc"])
        .env("AUTHCTL_SECRET_RFC", "csecret")
        .assert()
        .success()
        .stdout("opaque-token_123\n");
    m.assert_calls(1);
    let left = env.cache_json("rfc")["expires_at"].as_f64().unwrap() - now();
    assert!((7190.0..=7200.0).contains(&left), "{left}");
}

#[test]
fn default_ttl_applies_when_nothing_says_when_the_token_ends() {
    let server = MockServer::start();
    midigator_auth(&server, "opaque");
    let env = TestEnv::new(&format!(
        "{}default_ttl = \"7m\"\n",
        midigator_config(&server.base_url())
    ));
    env.cmd()
        .args(["token", "mg"])
        .env("AUTHCTL_SECRET_MG", "test-secret")
        .assert()
        .success();
    let left = env.cache_json("mg")["expires_at"].as_f64().unwrap() - now();
    assert!((410.0..=420.0).contains(&left), "{left}");
}

#[test]
fn a_token_inside_the_margin_is_renewed_and_min_ttl_raises_the_bar() {
    let server = MockServer::start();
    let auth = midigator_auth(&server, &jwt_expiring_in(3600));
    let env = midigator_env(&server);
    let run = |extra: &[&str]| {
        env.cmd()
            .args(["token", "mg"])
            .args(extra)
            .env("AUTHCTL_SECRET_MG", "test-secret")
            .assert()
            .success()
    };
    run(&[]);
    run(&["--min-ttl", "30m"]);
    auth.assert_calls(1);
    run(&["--min-ttl", "2h"]);
    auth.assert_calls(2);
}

#[test]
fn force_refresh_skips_the_cache_and_no_cache_leaves_no_file() {
    let server = MockServer::start();
    let auth = midigator_auth(&server, &jwt_expiring_in(3600));
    let env = midigator_env(&server);
    env.cmd()
        .args(["token", "mg", "--no-cache"])
        .env("AUTHCTL_SECRET_MG", "test-secret")
        .assert()
        .success();
    assert!(!env.cache_file("mg").exists());
    env.cmd()
        .args(["token", "mg"])
        .env("AUTHCTL_SECRET_MG", "test-secret")
        .assert()
        .success();
    env.cmd()
        .args(["token", "mg", "--force-refresh"])
        .env("AUTHCTL_SECRET_MG", "test-secret")
        .assert()
        .success();
    auth.assert_calls(3);
}

#[test]
fn midigator_auth_logs_in_now_and_updates_the_cache() {
    let server = MockServer::start();
    let auth = midigator_auth(&server, &jwt_expiring_in(3600));
    let env = midigator_env(&server);
    env.cmd()
        .args(["token", "mg"])
        .env("AUTHCTL_SECRET_MG", "test-secret")
        .assert()
        .success();
    env.cmd()
        .args(["midigator", "auth", "--format", "header"])
        .env("AUTHCTL_SECRET_MG", "test-secret")
        .assert()
        .success()
        .stdout(predicates::str::starts_with("Authorization: Bearer ey"));
    auth.assert_calls(2);
}

#[test]
fn provider_subcommand_without_a_profile_of_its_provider_says_so() {
    let env = TestEnv::new("[profiles.mg]\nprovider = \"midigator\"\nbase_url = \"https://x.test\"\n");
    env.cmd()
        .args(["oauth2", "token"])
        .assert()
        .code(3)
        .stderr(predicates::str::contains("uses provider oauth2; add one"));
    let two = TestEnv::new(
        "[profiles.a]\nprovider = \"midigator\"\nbase_url = \"https://x.test\"\n[profiles.b]\nprovider = \"midigator\"\nbase_url = \"https://y.test\"\n",
    );
    two.cmd()
        .args(["midigator", "auth"])
        .assert()
        .code(3)
        .stderr(predicates::str::contains(
            "several profiles use provider midigator (a, b); choose one with --profile",
        ));
}

#[test]
fn provider_subcommand_refuses_a_profile_of_another_provider() {
    let env = TestEnv::new("[profiles.mg]\nprovider = \"midigator\"\nbase_url = \"https://x.test\"\n");
    env.cmd()
        .args(["oauth2", "token", "--profile", "mg"])
        .assert()
        .code(3)
        .stderr(predicates::str::contains("uses provider midigator, not oauth2"));
}

fn oauth2_refresh_env(server: &MockServer) -> TestEnv {
    TestEnv::new(&format!(
        "[profiles.api]\nprovider = \"oauth2\"\ntoken_url = \"{}\"\nclient_id = \"cid\"\n",
        server.url("/token")
    ))
}

#[test]
fn a_stored_refresh_token_is_used_and_rotated() {
    let server = MockServer::start();
    let login = token_endpoint(
        &server,
        &[("grant_type", "client_credentials")],
        200,
        json!({"access_token": "first", "expires_in": 3600, "refresh_token": "rt-1"}),
    );
    let refresh1 = token_endpoint(
        &server,
        &[("grant_type", "refresh_token"), ("refresh_token", "rt-1")],
        200,
        json!({"access_token": "second", "expires_in": 3600, "refresh_token": "rt-2"}),
    );
    let refresh2 = token_endpoint(
        &server,
        &[("grant_type", "refresh_token"), ("refresh_token", "rt-2")],
        200,
        json!({"access_token": "third", "expires_in": 3600}),
    );
    let env = oauth2_refresh_env(&server);
    env.cmd()
        .args(["token", "api"])
        .env("AUTHCTL_SECRET_API", "test-secret")
        .assert()
        .success()
        .stdout("first\n");
    // Without a keyring the refresh token lives in the private cache file.
    assert_eq!(env.stored_credential("api").as_deref(), Some("rt-1"));
    // No secret needed from here on: the refresh token renews.
    env.cmd()
        .args(["token", "api", "--force-refresh"])
        .assert()
        .success()
        .stdout("second\n");
    env.cmd()
        .args(["token", "api", "--force-refresh", "--format", "json"])
        .assert()
        .success()
        .stdout(predicates::str::contains("\"refreshable\":true"));
    login.assert_calls(1);
    refresh1.assert_calls(1);
    refresh2.assert_calls(1);
    // The server did not rotate the second time: rt-2 is kept.
    assert_eq!(env.stored_credential("api").as_deref(), Some("rt-2"));
}

#[test]
fn a_rejected_refresh_falls_back_to_the_secret() {
    let server = MockServer::start();
    let login = token_endpoint(
        &server,
        &[("grant_type", "client_credentials")],
        200,
        json!({"access_token": "fresh", "expires_in": 3600, "refresh_token": "rt-new"}),
    );
    let refresh = token_endpoint(
        &server,
        &[("grant_type", "refresh_token")],
        400,
        json!({"error": "invalid_grant", "error_description": "refresh token expired"}),
    );
    let env = oauth2_refresh_env(&server);
    env.seed_expired("api", "oauth2", "rt-old");

    env.cmd()
        .args(["token", "api"])
        .env("AUTHCTL_SECRET_API", "test-secret")
        .assert()
        .success()
        .stdout("fresh\n");
    refresh.assert_calls(1);
    login.assert_calls(1);
    assert_eq!(env.stored_credential("api").as_deref(), Some("rt-new"));
}

#[test]
fn a_failed_refresh_keeps_the_stored_refresh_token() {
    let server = MockServer::start();
    let login = token_endpoint(
        &server,
        &[("grant_type", "client_credentials")],
        200,
        json!({"access_token": "fresh", "expires_in": 3600}),
    );
    let refresh = token_endpoint(
        &server,
        &[("grant_type", "refresh_token"), ("refresh_token", "rt-keep")],
        500,
        json!({"message": "database down"}),
    );
    let env = oauth2_refresh_env(&server);
    env.seed_expired("api", "oauth2", "rt-keep");

    env.cmd()
        .args(["token", "api"])
        .env("AUTHCTL_SECRET_API", "test-secret")
        .assert()
        .code(6)
        .stdout("")
        .stderr(predicates::str::contains("HTTP 500").and(predicates::str::contains("database down")));
    login.assert_calls(0);
    // Still there for the next try, which uses it again.
    assert_eq!(env.stored_credential("api").as_deref(), Some("rt-keep"));
    env.cmd()
        .args(["token", "api"])
        .env("AUTHCTL_SECRET_API", "test-secret")
        .assert()
        .code(6);
    refresh.assert_calls(2);
}

#[test]
fn twenty_processes_with_a_cold_cache_make_one_request() {
    let server = MockServer::start();
    let token = jwt_expiring_in(3600);
    let auth = server.mock(|when, then| {
        when.method(POST).path("/auth");
        then.status(200)
            .delay(std::time::Duration::from_millis(300))
            .json_body(json!({ "token": token }));
    });
    let env = midigator_env(&server);
    let children: Vec<_> = (0..20)
        .map(|_| {
            std_cmd(&env)
                .env("AUTHCTL_SECRET_MG", "test-secret")
                .args(["token", "mg"])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        assert_eq!(stdout(&out), format!("{token}\n"));
    }
    auth.assert_calls(1);
}

#[test]
fn warnings_go_to_stderr_and_quiet_silences_them() {
    let server = MockServer::start();
    let short = jwt_expiring_in(60);
    midigator_auth(&server, &short);
    let env = midigator_env(&server);
    env.cmd()
        .args(["token", "mg", "--no-cache", "--min-ttl", "10m"])
        .env("AUTHCTL_SECRET_MG", "test-secret")
        .assert()
        .success()
        .stdout(format!("{short}\n"))
        .stderr(predicates::str::contains("warning: the new token of mg lives"));
    env.cmd()
        .args(["-q", "token", "mg", "--no-cache", "--min-ttl", "10m"])
        .env("AUTHCTL_SECRET_MG", "test-secret")
        .assert()
        .success()
        .stderr("");
}

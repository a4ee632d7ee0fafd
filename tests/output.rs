//! The renderings, checked by the tools that consume them.

use httpmock::prelude::*;

use crate::util::*;

fn env_with_token(token: &str) -> (MockServer, TestEnv) {
    let server = MockServer::start();
    midigator_auth(&server, token);
    let env = midigator_env(&server);
    (server, env)
}

fn token_as(env: &TestEnv, format: &str) -> String {
    let out = env
        .cmd()
        .args(["token", "mg", "--format", format])
        .env("AUTHCTL_SECRET_MG", "test-secret")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    stdout(&out)
}

#[test]
fn header_and_curl_formats_work_with_real_curl() {
    if !require("curl") {
        return;
    }
    let token = jwt_expiring_in(3600);
    let (server, env) = env_with_token(&token);
    let api = server.mock(|when, then| {
        when.method(GET)
            .path("/orders")
            .header("authorization", format!("Bearer {token}"));
        then.status(200).body("ok");
    });

    let header_file = env.dir.path().join("headers.txt");
    std::fs::write(&header_file, token_as(&env, "header")).unwrap();
    let curl_file = env.dir.path().join("curl.cfg");
    std::fs::write(&curl_file, token_as(&env, "curl")).unwrap();

    let by_header = std::process::Command::new("curl")
        .args(["-sf", "-H"])
        .arg(format!("@{}", header_file.display()))
        .arg(server.url("/orders"))
        .output()
        .expect("curl is installed");
    assert_eq!(stdout(&by_header), "ok", "{}", stderr(&by_header));
    let by_config = std::process::Command::new("curl")
        .args(["-sf", "-K"])
        .arg(&curl_file)
        .arg(server.url("/orders"))
        .output()
        .unwrap();
    assert_eq!(stdout(&by_config), "ok", "{}", stderr(&by_config));
    api.assert_calls(2);
}

#[test]
fn env_format_evaluates_in_a_shell() {
    let (_s, env) = env_with_token("opaque-token.v1");
    let line = token_as(&env, "env");
    assert_eq!(line, "export AUTHCTL_TOKEN='opaque-token.v1'\n");
    let out = std::process::Command::new("sh")
        .args(["-c", &format!("{line}printf %s \"$AUTHCTL_TOKEN\"")])
        .output()
        .unwrap();
    assert_eq!(stdout(&out), "opaque-token.v1");
}

#[test]
fn json_format_has_every_field_of_the_contract() {
    let token = jwt_expiring_in(600);
    let (_s, env) = env_with_token(&token);
    let v: serde_json::Value = serde_json::from_str(&token_as(&env, "json")).unwrap();
    assert_eq!(v["profile"], "mg");
    assert_eq!(v["provider"], "midigator");
    assert_eq!(v["access_token"], token.as_str());
    assert_eq!(v["token_type"], "Bearer");
    assert!(v["expires_at"].as_str().unwrap().ends_with('Z'));
    assert!((590..=600).contains(&v["expires_in"].as_i64().unwrap()));
    assert_eq!(v["refreshable"], false);
    assert_eq!(v["source"], "network");
    assert_eq!(v["headers"]["Authorization"], format!("Bearer {token}"));
    let again: serde_json::Value = serde_json::from_str(&token_as(&env, "json")).unwrap();
    assert_eq!(again["source"], "cache");
}

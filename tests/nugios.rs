//! Nugios: JSON login and refresh, rotation, the documented lifetime, the
//! `X-nugios-timezone` header and `passwordExpired`.

use httpmock::prelude::*;
use predicates::prelude::*;
use serde_json::json;

use crate::util::*;

fn token_as(env: &TestEnv, format: &str) -> String {
    let out = env
        .cmd()
        .args(["token", "ng", "--format", format])
        .env("AUTHCTL_SECRET_NG", "pw")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    stdout(&out)
}

#[test]
fn login_then_refresh_rotates_and_an_opaque_token_lives_43200_minutes() {
    let server = MockServer::start();
    let first = nugios_login(
        &server,
        json!({"accessToken": "ng-a1", "refreshToken": "ng-r1", "passwordExpired": false}),
    );
    let second = nugios_refresh(
        &server,
        "ng-r1",
        200,
        json!({"accessToken": "ng-a2", "refreshToken": "ng-r2", "passwordExpired": false}),
    );
    let third = nugios_refresh(
        &server,
        "ng-r2",
        200,
        json!({"accessToken": "ng-a3", "refreshToken": "ng-r3", "passwordExpired": false}),
    );
    let env = nugios_env(&server, "");

    let v: serde_json::Value = serde_json::from_str(&token_as(&env, "json")).unwrap();
    assert_eq!(v["access_token"], "ng-a1");
    let left = v["expires_in"].as_i64().unwrap();
    assert!((43200 * 60 - 10..=43200 * 60).contains(&left), "{left}");
    assert_eq!(env.stored_credential("ng").as_deref(), Some("ng-r1"));

    env.cmd()
        .args(["nugios", "refresh"])
        .assert()
        .success()
        .stdout("ng-a2\n");
    env.cmd()
        .args(["token", "ng", "--force-refresh"])
        .assert()
        .success()
        .stdout("ng-a3\n");
    assert_eq!(env.stored_credential("ng").as_deref(), Some("ng-r3"));
    first.assert_calls(1);
    second.assert_calls(1);
    third.assert_calls(1);

    // `nugios login` always uses the password.
    env.cmd()
        .args(["nugios", "login"])
        .env("AUTHCTL_SECRET_NG", "pw")
        .assert()
        .success()
        .stdout("ng-a1\n");
    first.assert_calls(2);
}

#[test]
fn a_jwt_access_token_expires_at_its_exp() {
    let server = MockServer::start();
    let token = jwt_expiring_in(900);
    nugios_login(
        &server,
        json!({"accessToken": token, "refreshToken": "r", "passwordExpired": false}),
    );
    let env = nugios_env(&server, "");
    let v: serde_json::Value = serde_json::from_str(&token_as(&env, "json")).unwrap();
    assert!((890..=900).contains(&v["expires_in"].as_i64().unwrap()), "{v}");
}

#[test]
fn timezone_and_content_type_reach_the_server_through_curl_in_every_rendering() {
    if !require("curl") {
        return;
    }
    let server = MockServer::start();
    nugios_login(
        &server,
        json!({"accessToken": "ng-a1", "refreshToken": "ng-r1", "passwordExpired": false}),
    );
    let env = nugios_env(&server, "timezone_offset = 240\n");
    let echo = echo_server();

    let header = token_as(&env, "header");
    assert_eq!(
        header,
        "Authorization: Bearer ng-a1\nX-nugios-timezone: 240\nContent-Type: application/json\n"
    );
    let header_file = env.dir.path().join("headers.txt");
    std::fs::write(&header_file, &header).unwrap();
    let curl_file = env.dir.path().join("curl.cfg");
    std::fs::write(&curl_file, token_as(&env, "curl")).unwrap();

    for args in [
        vec!["-sf".to_string(), "-H".into(), format!("@{}", header_file.display())],
        vec!["-sf".to_string(), "-K".into(), curl_file.display().to_string()],
    ] {
        let out = std::process::Command::new("curl")
            .args(&args)
            .arg(format!("{echo}/orders"))
            .output()
            .expect("curl is installed");
        assert!(out.status.success(), "{}", stderr(&out));
        let seen = stdout(&out);
        assert!(seen.contains("Authorization: Bearer ng-a1\r\n"), "{seen}");
        assert!(seen.contains("X-nugios-timezone: 240\r\n"), "{seen}");
        assert!(seen.contains("Content-Type: application/json\r\n"), "{seen}");
    }

    let v: serde_json::Value = serde_json::from_str(&token_as(&env, "json")).unwrap();
    assert_eq!(v["headers"]["X-nugios-timezone"], "240");
    assert_eq!(v["headers"]["Authorization"], "Bearer ng-a1");
    assert_eq!(v["headers"]["Content-Type"], "application/json");
}

/// `authctl curl ng -- -d '{…}'` sends JSON as Nugios asks, not curl's form type.
#[test]
fn curl_and_exec_carry_the_json_content_type() {
    if !require("curl") {
        return;
    }
    let server = MockServer::start();
    nugios_login(
        &server,
        json!({"accessToken": "ng-a1", "refreshToken": "ng-r1", "passwordExpired": false}),
    );
    let api = server.mock(|when, then| {
        when.method(POST)
            .path("/api/orders")
            .header("content-type", "application/json")
            .header("x-nugios-timezone", "240")
            .body("{\"id\": 7}");
        then.status(200).body("ok");
    });
    let env = nugios_env(&server, "timezone_offset = 240\n");
    env.cmd()
        .args(["curl", "ng", "--", "-sf", "-d", "{\"id\": 7}"])
        .arg(server.url("/api/orders"))
        .env("AUTHCTL_SECRET_NG", "pw")
        .assert()
        .success()
        .stdout("ok");
    api.assert_calls(1);
    env.cmd()
        .args([
            "exec",
            "ng",
            "--",
            "sh",
            "-c",
            "printf %s \"$AUTHCTL_HEADER_CONTENT_TYPE\"",
        ])
        .assert()
        .success()
        .stdout("application/json");
}

#[test]
fn timezone_defaults_to_the_machines_current_offset() {
    let server = MockServer::start();
    nugios_login(
        &server,
        json!({"accessToken": "ng-a1", "refreshToken": "ng-r1", "passwordExpired": false}),
    );
    let env = nugios_env(&server, "");
    for (tz, minutes) in [("UTC", "0"), ("<+04>-4", "240"), ("<-0530>+5:30", "-330")] {
        env.cmd()
            .args(["token", "ng", "--format", "header"])
            .env("AUTHCTL_SECRET_NG", "pw")
            .env("TZ", tz)
            .assert()
            .success()
            .stdout(format!(
                "Authorization: Bearer ng-a1\nX-nugios-timezone: {minutes}\nContent-Type: application/json\n"
            ));
    }
}

#[test]
fn password_expired_warns_every_time_and_shows_in_json() {
    let server = MockServer::start();
    nugios_login(
        &server,
        json!({"accessToken": "ng-a1", "refreshToken": "ng-r1", "passwordExpired": true}),
    );
    let env = nugios_env(&server, "");
    for source in ["network", "cache"] {
        let out = env
            .cmd()
            .args(["token", "ng", "--format", "json"])
            .env("AUTHCTL_SECRET_NG", "pw")
            .output()
            .unwrap();
        assert!(out.status.success());
        assert!(
            stderr(&out).contains("warning: profile ng: the nugios password has expired"),
            "{}",
            stderr(&out)
        );
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["password_expired"], true);
        assert_eq!(v["source"], source);
    }
    // -q silences warnings, not the result.
    env.cmd()
        .args(["-q", "token", "ng"])
        .assert()
        .success()
        .stdout("ng-a1\n")
        .stderr("");
}

#[test]
fn a_null_access_token_is_exit_6() {
    let server = MockServer::start();
    nugios_login(
        &server,
        json!({"accessToken": null, "refreshToken": null, "passwordExpired": false}),
    );
    let env = nugios_env(&server, "");
    env.cmd()
        .args(["token", "ng"])
        .env("AUTHCTL_SECRET_NG", "pw")
        .assert()
        .code(6)
        .stdout("")
        .stderr(predicate::str::contains("no \"accessToken\""));
}

#[test]
fn a_rejected_refresh_logs_in_and_refresh_command_exits_5() {
    let server = MockServer::start();
    let rejected = nugios_refresh(&server, "ng-old", 401, json!({"title": "Unauthorized"}));
    let fresh = nugios_login(
        &server,
        json!({"accessToken": "ng-a1", "refreshToken": "ng-r1", "passwordExpired": false}),
    );
    let env = nugios_env(&server, "");
    env.seed_expired("ng", "nugios", "ng-old");
    env.cmd()
        .args(["nugios", "refresh"])
        .assert()
        .code(5)
        .stderr(predicate::str::contains("HTTP 401").and(predicate::str::contains("authctl nugios login")));
    assert_eq!(env.stored_credential("ng").as_deref(), Some("ng-old"));
    env.cmd()
        .args(["token", "ng"])
        .env("AUTHCTL_SECRET_NG", "pw")
        .assert()
        .success()
        .stdout("ng-a1\n");
    rejected.assert_calls(2);
    fresh.assert_calls(1);
}

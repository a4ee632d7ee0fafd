//! Every way a provider can fail, each with its exit code and message, and nothing
//! printed on stdout.

use std::time::Duration;

use httpmock::prelude::*;
use predicates::prelude::*;
use serde_json::json;

use crate::util::*;

/// A Midigator profile against a fresh server whose /auth answers `status` and `body`.
fn failing(status: u16, body: &str, content_type: &str) -> (MockServer, TestEnv) {
    let server = MockServer::start();
    midigator_answer(&server, status, content_type, body);
    let env = midigator_env(&server);
    (server, env)
}

fn run(env: &TestEnv) -> assert_cmd::assert::Assert {
    env.cmd()
        .args(["token", "mg"])
        .env("AUTHCTL_SECRET_MG", "mg-secret")
        .assert()
        .stdout("")
}

#[test]
fn unauthorized_with_the_seed_error_body_is_exit_5_with_the_provider_message() {
    let (_s, env) = failing(
        401,
        r#"{"error": true, "message": "Invalid API secret."}"#,
        "application/json",
    );
    run(&env)
        .code(5)
        .stderr(predicate::str::contains("HTTP 401 Unauthorized: Invalid API secret."));
}

#[test]
fn bad_request_is_exit_5() {
    let (_s, env) = failing(
        400,
        r#"{"error": true, "message": "Missing Authorization header."}"#,
        "application/json",
    );
    run(&env).code(5).stderr(predicate::str::contains(
        "HTTP 400 Bad Request: Missing Authorization header.",
    ));
}

#[test]
fn server_error_is_exit_6_and_not_retried() {
    let server = MockServer::start();
    let m = midigator_answer(
        &server,
        500,
        "application/json",
        r#"{"error": true, "message": "Internal error"}"#,
    );
    let env = midigator_env(&server);
    run(&env).code(6).stderr(predicate::str::contains(
        "HTTP 500 Internal Server Error: Internal error",
    ));
    m.assert_calls(1);
}

#[test]
fn html_502_is_retried_twice_then_exit_6() {
    let server = MockServer::start();
    let m = midigator_answer(
        &server,
        502,
        "text/html",
        "<html><body><h1>502 Bad Gateway</h1></body></html>",
    );
    let env = midigator_env(&server);
    run(&env)
        .code(6)
        .stderr(predicate::str::contains("HTTP 502 Bad Gateway"));
    m.assert_calls(3);
}

#[test]
fn rate_limiting_is_retried_honouring_retry_after_then_exit_6() {
    let server = MockServer::start();
    let m = server.mock(|when, then| {
        when.method(POST).path("/auth");
        then.status(429)
            .header("retry-after", "1")
            .json_body(json!({"message": "slow down"}));
    });
    let env = midigator_env(&server);
    let started = std::time::Instant::now();
    run(&env)
        .code(6)
        .stderr(predicate::str::contains("HTTP 429 Too Many Requests: slow down"));
    m.assert_calls(3);
    assert!(
        started.elapsed() >= Duration::from_secs(2),
        "Retry-After: 1 was not honoured"
    );
}

#[test]
fn a_403_is_a_rejection_and_never_retried() {
    let server = MockServer::start();
    let m = midigator_answer(&server, 403, "application/json", r#"{"title": "Forbidden"}"#);
    let env = midigator_env(&server);
    run(&env)
        .code(5)
        .stderr(predicate::str::contains("HTTP 403 Forbidden: Forbidden"));
    m.assert_calls(1);
}

#[test]
fn malformed_json_is_exit_6() {
    let (_s, env) = failing(200, r#"{"token": "abc"#, "application/json");
    run(&env).code(6).stderr(predicate::str::contains("not valid JSON"));
}

#[test]
fn a_missing_token_field_is_exit_6() {
    let (_s, env) = failing(200, r#"{"jwt": "abc"}"#, "application/json");
    run(&env).code(6).stderr(predicate::str::contains("no \"token\" field"));
}

#[test]
fn a_token_with_cr_lf_is_rejected_and_never_printed_or_cached() {
    let (_s, env) = failing(200, r#"{"token": "abc\r\nX-Injected: 1"}"#, "application/json");
    run(&env)
        .code(6)
        .stderr(predicate::str::contains("line break").and(predicate::str::contains("X-Injected").not()));
    assert!(!env.cache_file("mg").exists());
}

#[test]
fn a_token_with_a_space_is_rejected() {
    let (_s, env) = failing(200, r#"{"token": "two words"}"#, "application/json");
    run(&env).code(6).stderr(predicate::str::contains("white space"));
}

#[test]
fn an_oversized_body_is_refused() {
    let big = format!(r#"{{"token": "{}"}}"#, "a".repeat(1024 * 1024 + 10));
    let (_s, env) = failing(200, &big, "application/json");
    run(&env).code(6).stderr(predicate::str::contains("over 1 MiB"));
}

#[test]
fn a_slow_server_times_out_with_exit_6() {
    let server = MockServer::start();
    server.mock(|when, then| {
        when.method(POST).path("/auth");
        then.status(200)
            .delay(Duration::from_secs(5))
            .json_body(json!({"token": "late"}));
    });
    let env = midigator_env(&server);
    env.cmd()
        .args(["token", "mg", "--timeout", "1s"])
        .env("AUTHCTL_SECRET_MG", "test-secret")
        .assert()
        .code(6)
        .stdout("")
        .stderr(predicate::str::contains("did not answer within 1s"));
}

#[test]
fn a_refused_connection_is_retried_then_exit_6() {
    // Nothing listens on this loopback address, and no other test binds it.
    let env = TestEnv::new(&midigator_config("http://127.0.0.2:9"));
    env.cmd()
        .args(["token", "mg", "-v"])
        .env("AUTHCTL_SECRET_MG", "test-secret")
        .assert()
        .code(6)
        .stdout("")
        .stderr(predicate::str::contains("cannot connect").and(predicate::str::contains("retry 2 of 2")));
}

#[test]
fn the_secret_never_appears_in_vvv_output() {
    let server = MockServer::start();
    let token = jwt_expiring_in(3600);
    server.mock(|when, then| {
        when.method(POST)
            .path("/auth")
            .header("authorization", "Bearer Sup3r-S3cret-Value");
        then.status(200).json_body(json!({ "token": token }));
    });
    let oauth = server.mock(|when, then| {
        when.method(POST).path("/token");
        then.status(200)
            .json_body(json!({"access_token": "tok-abc", "refresh_token": "rt-xyz-123", "expires_in": 60}));
    });
    let env = TestEnv::new(&format!(
        "{}[profiles.o]\nprovider = \"oauth2\"\ntoken_url = \"{}\"\nclient_id = \"c\"\n",
        midigator_config(&server.base_url()),
        server.url("/token")
    ));
    let out = env
        .cmd()
        .args(["-vvv", "token", "mg"])
        .env("AUTHCTL_SECRET_MG", "Sup3r-S3cret-Value")
        .output()
        .unwrap();
    assert!(out.status.success());
    let err = stderr(&out);
    assert!(err.contains("POST http://127.0.0.1"), "-vvv shows the request: {err}");
    assert!(!err.contains("Sup3r-S3cret-Value"), "{err}");
    assert!(!err.contains(&token), "the token is redacted too: {err}");

    let out = env
        .cmd()
        .args(["-vvv", "token", "o"])
        .env("AUTHCTL_SECRET_O", "Sup3r-S3cret-Value")
        .output()
        .unwrap();
    assert!(out.status.success());
    oauth.assert_calls(1);
    let err = stderr(&out);
    for hidden in ["Sup3r-S3cret-Value", "tok-abc", "rt-xyz-123"] {
        assert!(!err.contains(hidden), "{hidden} leaked: {err}");
    }
}

#[test]
fn plain_http_to_a_remote_host_is_refused_before_any_connection() {
    let env = TestEnv::new(&midigator_config("http://midigator.example.invalid"));
    env.cmd()
        .args(["token", "mg"])
        .env("AUTHCTL_SECRET_MG", "test-secret")
        .assert()
        .code(3)
        .stderr(
            predicate::str::contains("plain http:// is refused for midigator.example.invalid")
                .and(predicate::str::contains("key base_url")),
        );
}

#[test]
fn http_proxy_settings_are_honoured() {
    let proxy = MockServer::start();
    let token = jwt_expiring_in(3600);
    // The proxy sees the request for the remote origin and answers it.
    let via_proxy = midigator_auth(&proxy, &token);
    let remote = "http://proxy-test.example.invalid";
    let env = TestEnv::new(&format!("{}allow_http = true\n", midigator_config(remote)));
    env.cmd()
        .args(["token", "mg", "--no-cache"])
        .env("AUTHCTL_SECRET_MG", "test-secret")
        .env("HTTP_PROXY", proxy.base_url())
        .assert()
        .success()
        .stdout(format!("{token}\n"));
    via_proxy.assert_calls(1);
    // NO_PROXY sends it straight to the origin, which does not exist.
    env.cmd()
        .args(["token", "mg", "--no-cache"])
        .env("AUTHCTL_SECRET_MG", "test-secret")
        .env("HTTP_PROXY", proxy.base_url())
        .env("NO_PROXY", "proxy-test.example.invalid")
        .assert()
        .code(6);
    via_proxy.assert_calls(1);
}

#[test]
fn an_unusable_ca_file_is_a_config_error() {
    let env = TestEnv::new(&format!(
        "{}ca_file = \"/nonexistent/root.pem\"\n",
        midigator_config("https://mg.example.invalid")
    ));
    env.cmd()
        .args(["token", "mg"])
        .env("AUTHCTL_SECRET_MG", "test-secret")
        .assert()
        .code(3)
        .stderr(predicate::str::contains("cannot read ca_file /nonexistent/root.pem"));
    let not_pem = env.dir.path().join("root.pem");
    std::fs::write(&not_pem, "this is not a certificate").unwrap();
    let env2 = TestEnv::new(&format!(
        "{}ca_file = \"{}\"\n",
        midigator_config("https://mg.example.invalid"),
        not_pem.display()
    ));
    env2.cmd()
        .args(["token", "mg"])
        .env("AUTHCTL_SECRET_MG", "test-secret")
        .assert()
        .code(3)
        .stderr(predicate::str::contains("ca_file"));
}

#[test]
fn an_oversized_chunked_body_is_cut_off_while_streaming() {
    use std::io::{Read, Write};
    // A server that sends no Content-Length and streams 2 MiB of chunks: only counting
    // while reading can catch it.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = std::thread::spawn(move || {
        let (mut conn, _) = listener.accept().unwrap();
        let mut buf = [0u8; 4096];
        let _ = conn.read(&mut buf);
        let _ =
            conn.write_all(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
        let _ = conn.write_all(b"d\r\n{\"token\": \"aa\r\n");
        let chunk = vec![b'a'; 64 * 1024];
        for _ in 0..32 {
            let head = format!("{:x}\r\n", chunk.len());
            if conn
                .write_all(head.as_bytes())
                .and_then(|_| conn.write_all(&chunk))
                .and_then(|_| conn.write_all(b"\r\n"))
                .is_err()
            {
                break; // authctl hung up: what the test wants
            }
        }
        let _ = conn.write_all(b"2\r\n\"}\r\n0\r\n\r\n");
    });
    let env = TestEnv::new(&midigator_config(&format!("http://127.0.0.1:{port}")));
    run(&env).code(6).stderr(predicate::str::contains("over 1 MiB"));
    server.join().unwrap();
}

//! The device sign-in's polling (`grant = "device_code"`, RFC 8628) against httpmock
//! servers: `authorization_pending` keeps polling, `slow_down` adds 5 s, the server's
//! `expired_token` or `access_denied` and the code's own expiry are exit 7.

use std::time::{Duration, Instant};

use httpmock::prelude::*;
use predicates::prelude::*;
use serde_json::{Value, json};

use crate::util::*;

const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

fn env(server: &MockServer) -> TestEnv {
    TestEnv::new(&format!(
        "[profiles.o]\nprovider = \"oauth2\"\ntoken_url = \"{}\"\ndevice_authorization_url = \"{}\"\n\
         client_id = \"cid\"\ngrant = \"device_code\"\nclient_auth = \"none\"\nscope = \"api\"\n",
        server.url("/token"),
        server.url("/device")
    ))
}

fn device_authorization(server: &MockServer, answer: Value) -> httpmock::Mock<'_> {
    server.mock(|when, then| {
        when.method(POST)
            .path("/device")
            .form_urlencoded_tuple("client_id", "cid")
            .form_urlencoded_tuple("scope", "api");
        then.status(200).json_body(answer);
    })
}

fn poll_answer(server: &MockServer, status: u16, body: Value) -> httpmock::Mock<'_> {
    server.mock(|when, then| {
        when.method(POST)
            .path("/token")
            .form_urlencoded_tuple("grant_type", DEVICE_GRANT)
            .form_urlencoded_tuple("device_code", "dev-1")
            .form_urlencoded_tuple("client_id", "cid");
        then.status(status).json_body(body);
    })
}

fn wait_for_calls(mock: &httpmock::Mock, n: usize) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while mock.calls() < n {
        assert!(Instant::now() < deadline, "the mock was not called {n} times");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn pending_keeps_polling_slow_down_adds_five_seconds_and_approval_prints_the_token() {
    let server = MockServer::start();
    device_authorization(
        &server,
        json!({"device_code": "dev-1", "user_code": "WDJB-MJHT", "verification_uri": "https://id.test/device",
               "verification_uri_complete": "https://id.test/device?user_code=WDJB-MJHT",
               "expires_in": 120, "interval": 1}),
    );
    let env = env(&server);
    let started = Instant::now();
    let child = std_cmd(&env)
        .args(["token", "o"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut pending = poll_answer(&server, 400, json!({"error": "authorization_pending"}));
    wait_for_calls(&pending, 2);
    pending.delete();
    let mut slow = poll_answer(&server, 400, json!({"error": "slow_down"}));
    wait_for_calls(&slow, 1);
    let slowed_at = Instant::now();
    slow.delete();
    let granted = poll_answer(&server, 200, json!({"access_token": "device-token", "expires_in": 600}));
    let out = child.wait_with_output().unwrap();
    let said = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{said}");
    assert_eq!(stdout(&out), "device-token\n");
    assert!(
        said.contains("visit https://id.test/device and enter the code WDJB-MJHT"),
        "{said}"
    );
    assert!(
        said.contains("(or open https://id.test/device?user_code=WDJB-MJHT)"),
        "{said}"
    );
    // After slow_down the interval is 1 + 5 s.
    assert!(
        slowed_at.elapsed() >= Duration::from_millis(5500),
        "{:?}",
        slowed_at.elapsed()
    );
    assert!(started.elapsed() >= Duration::from_secs(8));
    granted.assert();
}

#[test]
fn the_servers_expired_token_or_access_denied_is_exit_7() {
    for (code, said) in [
        (
            "expired_token",
            "the device code expired before the sign-in was approved",
        ),
        ("access_denied", "the sign-in was declined"),
    ] {
        let server = MockServer::start();
        device_authorization(
            &server,
            json!({"device_code": "dev-1", "user_code": "U", "verification_uri": "https://id.test/d", "interval": 0}),
        );
        poll_answer(&server, 400, json!({"error": code}));
        env(&server)
            .cmd()
            .args(["token", "o"])
            .assert()
            .code(7)
            .stderr(predicates::str::contains(format!("ended with {code}: {said}")));
    }
}

#[test]
fn a_device_code_that_expires_while_pending_is_exit_7() {
    let server = MockServer::start();
    device_authorization(
        &server,
        json!({"device_code": "dev-1", "user_code": "U", "verification_uri": "https://id.test/d",
               "expires_in": 3, "interval": 1}),
    );
    let pending = poll_answer(&server, 400, json!({"error": "authorization_pending"}));
    env(&server)
        .cmd()
        .args(["token", "o"])
        .assert()
        .code(7)
        .stderr(predicates::str::contains("ended with expired_token"));
    assert!(pending.calls() >= 2);
}

#[test]
fn an_interval_longer_than_the_codes_life_still_ends_when_the_code_expires() {
    let server = MockServer::start();
    device_authorization(
        &server,
        json!({"device_code": "dev-1", "user_code": "U", "verification_uri": "https://id.test/d",
               "expires_in": 2, "interval": 86399}),
    );
    let pending = poll_answer(&server, 400, json!({"error": "authorization_pending"}));
    // Without the bound this waits a day: the timeout fails the test instead.
    env(&server)
        .cmd()
        .args(["token", "o"])
        .timeout(std::time::Duration::from_secs(60))
        .assert()
        .code(7)
        .stderr(predicates::str::contains("ended with expired_token"));
    assert_eq!(pending.calls(), 0, "no poll after the code expired");
}

#[test]
fn ctrl_c_cancels_the_device_sign_in_with_exit_7() {
    use std::io::BufRead;
    let server = MockServer::start();
    device_authorization(
        &server,
        json!({"device_code": "dev-1", "user_code": "U", "verification_uri": "https://id.test/d", "interval": 0.2}),
    );
    let pending = poll_answer(&server, 400, json!({"error": "authorization_pending"}));
    let env = env(&server);
    let mut child = std_cmd(&env)
        .args(["token", "o"])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut said = String::new();
    while !said.contains("Waiting up to") {
        assert!(err.read_line(&mut said).unwrap() > 0, "{said}");
    }
    wait_for_calls(&pending, 1);
    std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    let status = child.wait().unwrap();
    std::io::Read::read_to_string(&mut err, &mut said).unwrap();
    assert_eq!(status.code(), Some(7), "{said}");
    assert!(said.contains("browser sign-in cancelled"), "{said}");
}

#[test]
fn an_interval_of_zero_is_not_polled_flat_out() {
    let server = MockServer::start();
    device_authorization(
        &server,
        json!({"device_code": "dev-1", "user_code": "WDJB-MJHT", "verification_uri": "https://id.test/device",
               "expires_in": 3, "interval": 0}),
    );
    let pending = poll_answer(&server, 400, json!({"error": "authorization_pending"}));
    let env = env(&server);
    env.cmd().args(["token", "o"]).assert().code(7);
    // Three seconds at one poll a second, not hundreds.
    assert!(pending.calls() <= 4, "{} polls", pending.calls());
}

#[test]
fn a_verification_uri_a_person_should_not_be_sent_to_is_refused() {
    for uri in [
        "javascript:alert(1)//\u{1b}[2J FAKE: visit https://evil",
        "http://evil.example/device",
    ] {
        let server = MockServer::start();
        device_authorization(
            &server,
            json!({"device_code": "dev-1", "user_code": "WDJB-MJHT", "verification_uri": uri,
                   "expires_in": 3, "interval": 1}),
        );
        let env = env(&server);
        env.cmd().args(["token", "o"]).assert().code(6).stderr(
            predicate::str::contains("\"verification_uri\" is not a place to send a person to")
                .and(predicate::str::contains("evil").not()),
        );
    }
}

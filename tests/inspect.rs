//! `authctl inspect`: decoding without verifying, local time and UTC, opaque tokens.

use httpmock::prelude::*;
use predicates::prelude::*;
use serde_json::json;

use crate::util::*;

#[test]
fn inspect_stdin_shows_claims_expiry_and_that_nothing_was_verified() {
    let env = TestEnv::empty();
    let token = jwt(json!({"sub": "merchant-42", "iat": 1_700_000_000, "exp": 4_102_444_800i64}));
    env.cmd()
        .args(["inspect", "-"])
        .env("TZ", "Asia/Dubai")
        .write_stdin(format!("{token}\n"))
        .assert()
        .success()
        .stdout(
            predicate::str::contains("NOT verified")
                .and(predicate::str::contains("merchant-42"))
                .and(predicate::str::contains(
                    "2100-01-01 04:00:00 +04:00 (2100-01-01 00:00:00 UTC)",
                ))
                .and(predicate::str::contains("time left:")),
        );
}

#[test]
fn inspect_json_has_the_contract_shape() {
    let env = TestEnv::empty();
    let token = jwt(json!({"exp": 1_710_223_631.577_478f64}));
    let out = env
        .cmd()
        .args(["inspect", "-", "--json"])
        .write_stdin(token)
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["header"]["alg"], "HS256");
    assert_eq!(v["claims"]["exp"], 1_710_223_631.577_478f64);
    assert_eq!(v["expires_at"], "2024-03-12T06:07:11Z");
    // Negative once expired, as `status --json` says it.
    let expires_in = v["expires_in"].as_i64().unwrap();
    assert!((expires_in + (now() as i64 - 1_710_223_631)).abs() <= 2, "{v}");
    assert_eq!(v["verified"], false);
    assert_eq!(v["id_token"], serde_json::Value::Null, "a token from stdin has none");
}

#[test]
fn inspect_of_an_opaque_profile_token_uses_the_expiry_the_cache_knows() {
    let server = MockServer::start();
    server.mock(|when, then| {
        when.method(POST).path("/token");
        then.status(200)
            .json_body(json!({"access_token": "opaque", "expires_in": 3600}));
    });
    let env = TestEnv::new(&format!(
        "[profiles.o]\nprovider = \"oauth2\"\ntoken_url = \"{}\"\nclient_id = \"c\"\n",
        server.url("/token")
    ));
    env.cmd()
        .args(["inspect", "o"])
        .env("AUTHCTL_SECRET_O", "test-secret")
        .assert()
        .success()
        .stdout(predicate::str::contains("opaque token (not a JWT)").and(predicate::str::contains("time left: 59m")));
    let out = env.cmd().args(["inspect", "o", "--json"]).output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["claims"], serde_json::Value::Null);
    assert!(v["expires_in"].as_i64().unwrap() > 3500);
    assert_eq!(v["id_token"], serde_json::Value::Null, "no ID token came with it");
}

#[test]
fn inspect_shows_the_id_token_kept_with_the_record_decoded_and_unverified() {
    let server = MockServer::start();
    let exp = now() as i64 + 600;
    let id_token = jwt(json!({"iss": "https://id.test", "aud": "c", "exp": exp, "sub": "alice-7"}));
    let token_calls = server.mock(|when, then| {
        when.method(POST).path("/token");
        then.status(200)
            .json_body(json!({"access_token": "opaque", "expires_in": 3600, "id_token": id_token}));
    });
    let env = TestEnv::new(&format!(
        "[profiles.o]\nprovider = \"oauth2\"\ntoken_url = \"{}\"\nclient_id = \"c\"\nscope = \"openid\"\n",
        server.url("/token")
    ));
    let out = env
        .cmd()
        .args(["inspect", "o"])
        .env("AUTHCTL_SECRET_O", "test-secret")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let (access, id) = text
        .split_once("\nID token (OpenID Connect), kept with this token\n")
        .expect(&text);
    assert!(
        access.contains("opaque token (not a JWT)") && !access.contains("alice-7"),
        "{text}"
    );
    assert!(id.starts_with("signature: NOT verified"), "{text}");
    assert!(
        id.contains("\"sub\": \"alice-7\"") && id.contains("\"alg\": \"HS256\""),
        "{text}"
    );
    assert!(id.contains("time left: 9m") || id.contains("time left: 10m"), "{text}");

    // From the cache now: the record kept it.
    let out = env.cmd().args(["inspect", "o", "--json"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["claims"], serde_json::Value::Null, "the access token is opaque");
    let id = &v["id_token"];
    assert_eq!(id["header"]["alg"], "HS256");
    assert_eq!(id["claims"]["sub"], "alice-7");
    assert_eq!(id["claims"]["aud"], "c");
    assert_eq!(
        id["expires_at"],
        chrono::DateTime::from_timestamp(exp, 0)
            .unwrap()
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    );
    assert!((590..=600).contains(&id["expires_in"].as_i64().unwrap()), "{v}");
    assert_eq!(id["verified"], false);
    token_calls.assert_calls(1);
}

#[test]
fn inspect_reads_a_pasted_authorization_header() {
    let env = TestEnv::empty();
    let token = jwt(json!({"sub": "merchant-42", "exp": now() as i64 + 3599}));
    for pasted in [
        format!("Authorization: Bearer {token}\n"),
        format!("Bearer {token}"),
        format!("  authorization:bearer   {token}  \r\n"),
    ] {
        env.cmd()
            .args(["inspect", "-"])
            .write_stdin(pasted)
            .assert()
            .success()
            .stdout(predicate::str::contains("merchant-42"));
    }
}

#[test]
fn durations_read_the_same_everywhere() {
    let env = TestEnv::empty();
    let token = jwt(json!({"exp": now() as i64 + 3599 + 1}));
    env.cmd()
        .args(["inspect", "-"])
        .write_stdin(token)
        .assert()
        .success()
        .stdout(predicate::str::contains("time left: 59m 5").and(predicate::str::contains("s\n")));
    let token = jwt(json!({"exp": now() as i64 + 30 * 86400 - 10}));
    env.cmd()
        .args(["inspect", "-"])
        .write_stdin(token)
        .assert()
        .success()
        .stdout(predicate::str::contains("time left: 29d 23h\n"));
    let token = jwt(json!({"exp": now() as i64 - 100}));
    env.cmd()
        .args(["inspect", "-"])
        .write_stdin(token)
        .assert()
        .success()
        .stdout(predicate::str::contains("expired 1m 4").and(predicate::str::contains("s ago")));
}

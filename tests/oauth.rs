//! Provider `oauth2` beyond seed 004: each client authentication, each grant authctl
//! performs on its own, discovery from `issuer`, OAuth error answers, and revocation on
//! logout, against httpmock servers. Assertions are verified with the key's public half.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use httpmock::prelude::*;
use predicates::prelude::*;
use ring::rand::SystemRandom;
use ring::signature::{self, EcdsaKeyPair, Ed25519KeyPair, KeyPair};
use serde_json::{Value, json};

use crate::util::*;

fn pem(der: &[u8]) -> String {
    let b64 = STANDARD.encode(der);
    let lines: Vec<&str> = b64
        .as_bytes()
        .chunks(64)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect();
    format!(
        "-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----\n",
        lines.join("\n")
    )
}

/// A P-256 key as PEM, and its public key.
fn ec_key() -> (String, Vec<u8>) {
    let rng = SystemRandom::new();
    let doc = EcdsaKeyPair::generate_pkcs8(&signature::ECDSA_P256_SHA256_FIXED_SIGNING, &rng).unwrap();
    let pair = EcdsaKeyPair::from_pkcs8(&signature::ECDSA_P256_SHA256_FIXED_SIGNING, doc.as_ref(), &rng).unwrap();
    (pem(doc.as_ref()), pair.public_key().as_ref().to_vec())
}

fn ed_key() -> (String, Vec<u8>) {
    let doc = Ed25519KeyPair::generate_pkcs8(&SystemRandom::new()).unwrap();
    let pair = Ed25519KeyPair::from_pkcs8(doc.as_ref()).unwrap();
    (pem(doc.as_ref()), pair.public_key().as_ref().to_vec())
}

/// The form field `name` of a request.
fn field(req: &httpmock::HttpMockRequest, name: &str) -> Option<String> {
    url::form_urlencoded::parse(req.body().as_ref())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// The claims of `jwt` when its signature verifies with `public` under `alg`.
fn verified(jwt: &str, alg: &'static dyn signature::VerificationAlgorithm, public: &[u8]) -> Option<Value> {
    let (input, sig) = jwt.rsplit_once('.')?;
    let sig = URL_SAFE_NO_PAD.decode(sig).ok()?;
    signature::UnparsedPublicKey::new(alg, public)
        .verify(input.as_bytes(), &sig)
        .ok()?;
    let claims = input.split('.').nth(1)?;
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(claims).ok()?).ok()
}

fn granted(token: &str) -> Value {
    json!({"access_token": token, "token_type": "Bearer", "expires_in": 3600})
}

#[test]
fn client_secret_basic_sends_form_encoded_credentials_in_basic_and_none_in_the_body() {
    let server = MockServer::start();
    // "c id:s3:cret" form-encoded is "c+id:s3%3Acret".
    let expected = format!("Basic {}", STANDARD.encode("c+id:s3%3Acret"));
    let token = server.mock(|when, then| {
        when.method(POST)
            .path("/token")
            .header("authorization", &expected)
            .form_urlencoded_tuple("grant_type", "client_credentials")
            .body_excludes("client_secret")
            .body_excludes("client_id");
        then.status(200).json_body(granted("basic-1"));
    });
    let config = oauth2_config("o", &server.url("/token"), "client_auth = \"client_secret_basic\"\n")
        .replace("\"cid\"", "\"c id\"");
    let env = TestEnv::new(&config);
    env.cmd()
        .args(["token", "o"])
        .env("AUTHCTL_SECRET_O", "s3:cret")
        .assert()
        .success()
        .stdout("basic-1\n");
    token.assert();
}

#[test]
fn private_key_jwt_sends_an_es256_assertion_that_the_public_key_verifies() {
    let (key, public) = ec_key();
    let server = MockServer::start();
    let aud = server.url("/token");
    let token = server.mock(move |when, then| {
        when.method(POST)
            .path("/token")
            .form_urlencoded_tuple("client_id", "cid")
            .form_urlencoded_tuple(
                "client_assertion_type",
                "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            )
            .body_excludes("client_secret")
            .is_true(move |req| {
                let Some(claims) = field(req, "client_assertion")
                    .and_then(|a| verified(&a, &signature::ECDSA_P256_SHA256_FIXED, &public))
                else {
                    return false;
                };
                let life = claims["exp"].as_i64().unwrap_or(0) - claims["iat"].as_i64().unwrap_or(0);
                claims["iss"] == "cid"
                    && claims["sub"] == "cid"
                    && claims["aud"] == aud.as_str()
                    && life == 60
                    && claims["jti"].as_str().is_some_and(|j| j.len() >= 16)
            });
        then.status(200).json_body(granted("pkj-1"));
    });
    token_is(
        &server,
        "client_auth = \"private_key_jwt\"\nkey_id = \"k1\"\n",
        &key,
        "pkj-1\n",
    );
    token.assert();
}

#[test]
fn jwt_bearer_grant_is_an_eddsa_assertion_with_no_client_secret() {
    let (key, public) = ed_key();
    let server = MockServer::start();
    let token = server.mock(move |when, then| {
        when.method(POST)
            .path("/token")
            .form_urlencoded_tuple("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer")
            .form_urlencoded_tuple("scope", "api:read")
            .body_excludes("client_secret")
            .body_excludes("client_assertion")
            .is_true(move |req| {
                field(req, "assertion")
                    .and_then(|a| verified(&a, &signature::ED25519, &public))
                    .is_some_and(|c| c["iss"] == "cid")
            });
        then.status(200).json_body(granted("jb-1"));
    });
    token_is(
        &server,
        "grant = \"jwt_bearer\"\nscope = \"api:read\"\n",
        &key,
        "jb-1\n",
    );
    token.assert();
}

#[test]
fn client_credentials_sends_audience_and_each_resource() {
    let server = MockServer::start();
    let token = server.mock(|when, then| {
        when.method(POST)
            .path("/token")
            .form_urlencoded_tuple("audience", "https://api.test")
            .body_includes("resource=https%3A%2F%2Fa.test%2F&resource=https%3A%2F%2Fb.test%2Fx")
            .form_urlencoded_tuple("client_secret", "s3cret");
        then.status(200).json_body(granted("cc-1"));
    });
    token_is(
        &server,
        "audience = \"https://api.test\"\nresource = [\"https://a.test/\", \"https://b.test/x\"]\n",
        "s3cret",
        "cc-1\n",
    );
    token.assert();
}

#[test]
fn a_secret_that_is_no_usable_private_key_is_exit_4_naming_its_source_never_shown() {
    let server = MockServer::start();
    let token = server.mock(|when, then| {
        when.method(POST).path("/token");
        then.status(200).json_body(granted("never"));
    });
    let env = TestEnv::new(&oauth2_config(
        "o",
        &server.url("/token"),
        "client_auth = \"private_key_jwt\"\n",
    ));
    let not_a_key =
        "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEsecretbytes\n-----END PUBLIC KEY-----";
    env.cmd()
        .args(["-vvv", "token", "o"])
        .env("AUTHCTL_SECRET_O", not_a_key)
        .assert()
        .code(4)
        .stderr(
            predicate::str::contains(
                "the private key from environment variable AUTHCTL_SECRET_O is a PEM PUBLIC KEY, not a private key",
            )
            .and(predicate::str::contains("secretbytes").not()),
        );
    let (key, _) = ec_key();
    let body: String = key.lines().nth(1).unwrap().chars().take(20).collect();
    env.cmd()
        .args(["-vvv", "token", "o"])
        .env("AUTHCTL_SECRET_O", &key)
        .env("AUTHCTL_CONFIG", env.config_path())
        .arg("--config")
        .arg(env.config_path())
        .assert()
        .success();
    std::fs::write(
        env.config_path(),
        oauth2_config(
            "o",
            &server.url("/token"),
            "client_auth = \"private_key_jwt\"\nsigning_alg = \"RS256\"\n",
        ),
    )
    .unwrap();
    env.cmd()
        .args(["-vvv", "token", "o", "--no-cache"])
        .env("AUTHCTL_SECRET_O", &key)
        .assert()
        .code(4)
        .stderr(
            predicate::str::contains("is an EC P-256 key, which cannot sign RS256")
                .and(predicate::str::contains(body.as_str()).not()),
        );
    token.assert_calls(1);
}

#[test]
fn client_auth_none_with_client_credentials_is_exit_3() {
    let env = TestEnv::new(&oauth2_config("o", "https://id.test/token", "client_auth = \"none\"\n"));
    env.cmd()
        .args(["token", "o"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains(
            "client_auth = \"none\" cannot go with grant = \"client_credentials\"",
        ));
}

#[test]
fn a_sign_in_grant_or_a_profile_without_its_endpoint_is_exit_3() {
    let env = TestEnv::new(&oauth2_config(
        "o",
        "https://id.test/token",
        "grant = \"device_code\"\n",
    ));
    env.cmd()
        .args(["token", "o"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains(
            "grant = \"device_code\" needs device_authorization_url or issuer",
        ));
    let env = TestEnv::new("[profiles.o]\nprovider = \"oauth2\"\nclient_id = \"cid\"\n");
    env.cmd()
        .args(["token", "o"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains(
            "needs token_url (the token endpoint) or issuer",
        ));
}

#[test]
fn oauth_error_codes_refusing_the_client_are_exit_5_with_their_description() {
    let server = MockServer::start();
    server.mock(|when, then| {
        when.method(POST).path("/token");
        then.status(500)
            .json_body(json!({"error": "unauthorized_client", "error_description": "grant not allowed for cid"}));
    });
    let env = TestEnv::new(&oauth2_config("o", &server.url("/token"), ""));
    env.cmd()
        .args(["token", "o"])
        .env("AUTHCTL_SECRET_O", "s3cret")
        .assert()
        .code(5)
        .stderr(predicate::str::contains(
            "HTTP 500 Internal Server Error: unauthorized_client: grant not allowed for cid",
        ));
}

/// An issuer at `server`'s `path` whose OpenID Connect document names `named_issuer`.
fn issuer_config(issuer: &str, extra: &str) -> String {
    format!("[profiles.o]\nprovider = \"oauth2\"\nissuer = \"{issuer}\"\nclient_id = \"cid\"\n{extra}")
}

#[test]
fn discovery_finds_the_token_endpoint_once_and_the_cached_path_never_asks() {
    let server = MockServer::start();
    let issuer = server.base_url();
    let discovery = server.mock(|when, then| {
        when.method(GET).path("/.well-known/openid-configuration");
        then.status(200)
            .json_body(json!({"issuer": issuer, "token_endpoint": format!("{issuer}/oauth/token")}));
    });
    let token = server.mock(|when, then| {
        when.method(POST).path("/oauth/token");
        then.status(200).json_body(granted("disc-1"));
    });
    let env = TestEnv::new(&issuer_config(&server.base_url(), ""));
    for args in [&["token", "o"][..], &["token", "o"], &["token", "o", "--force-refresh"]] {
        env.cmd()
            .args(args)
            .env("AUTHCTL_SECRET_O", "s3cret")
            .assert()
            .success()
            .stdout("disc-1\n");
    }
    discovery.assert_calls(1);
    token.assert_calls(2);
}

#[test]
fn discovery_falls_back_to_rfc_8414_with_the_issuers_path_after_the_well_known_part() {
    let server = MockServer::start();
    let issuer = server.url("/tenant");
    server.mock(|when, then| {
        when.method(GET).path("/tenant/.well-known/openid-configuration");
        then.status(404);
    });
    let rfc = server.mock(|when, then| {
        when.method(GET).path("/.well-known/oauth-authorization-server/tenant");
        then.status(200)
            .json_body(json!({"issuer": issuer, "token_endpoint": format!("{issuer}/token")}));
    });
    let token = server.mock(|when, then| {
        when.method(POST).path("/tenant/token");
        then.status(200).json_body(granted("rfc-1"));
    });
    let env = TestEnv::new(&issuer_config(&server.url("/tenant"), ""));
    env.cmd()
        .args(["token", "o"])
        .env("AUTHCTL_SECRET_O", "s3cret")
        .assert()
        .success()
        .stdout("rfc-1\n");
    rfc.assert();
    token.assert();
}

#[test]
fn a_discovery_document_for_another_issuer_is_exit_6_naming_both() {
    let server = MockServer::start();
    server.mock(|when, then| {
        when.method(GET).path("/.well-known/openid-configuration");
        then.status(200)
            .json_body(json!({"issuer": "https://evil.test", "token_endpoint": "https://evil.test/token"}));
    });
    let env = TestEnv::new(&issuer_config(&server.base_url(), ""));
    env.cmd()
        .args(["token", "o"])
        .env("AUTHCTL_SECRET_O", "s3cret")
        .assert()
        .code(6)
        .stderr(predicate::str::contains(format!(
            "is for issuer \"https://evil.test\", not for the configured issuer \"{}\"",
            server.base_url()
        )));
}

#[test]
fn a_discovered_plain_http_endpoint_elsewhere_is_refused() {
    let server = MockServer::start();
    let issuer = server.base_url();
    server.mock(|when, then| {
        when.method(GET).path("/.well-known/openid-configuration");
        then.status(200)
            .json_body(json!({"issuer": issuer, "token_endpoint": "http://id.example.com/token"}));
    });
    let env = TestEnv::new(&issuer_config(&server.base_url(), ""));
    env.cmd()
        .args(["token", "o"])
        .env("AUTHCTL_SECRET_O", "s3cret")
        .assert()
        .code(6)
        .stderr(predicate::str::contains(
            "gives an unusable token_endpoint: plain http:// is refused",
        ));
}

#[test]
fn token_exchange_trades_the_github_actions_token_without_a_stored_secret() {
    let server = MockServer::start();
    let runner = server.mock(|when, then| {
        when.method(GET)
            .path("/runner")
            .query_param("api-version", "2.0")
            .query_param("audience", "sts.test")
            .header("authorization", "Bearer runner-request-token");
        then.status(200).json_body(json!({"value": "gh-oidc-jwt"}));
    });
    let token = server.mock(|when, then| {
        when.method(POST)
            .path("/token")
            .form_urlencoded_tuple("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange")
            .form_urlencoded_tuple("subject_token", "gh-oidc-jwt")
            .form_urlencoded_tuple("subject_token_type", "urn:ietf:params:oauth:token-type:jwt")
            .form_urlencoded_tuple("client_id", "cid")
            .body_excludes("client_secret");
        then.status(200).json_body(granted("te-1"));
    });
    let env = TestEnv::new(&oauth2_config(
        "o",
        &server.url("/token"),
        "grant = \"token_exchange\"\nclient_auth = \"none\"\nsubject_token = \"github-actions\"\naudience = \"sts.test\"\n",
    ));
    env.cmd()
        .args(["token", "o"])
        .env("ACTIONS_ID_TOKEN_REQUEST_URL", server.url("/runner?api-version=2.0"))
        .env("ACTIONS_ID_TOKEN_REQUEST_TOKEN", "runner-request-token")
        .assert()
        .success()
        .stdout("te-1\n");
    runner.assert();
    token.assert();
    env.cmd()
        .args(["token", "o", "--no-cache"])
        .env_remove("ACTIONS_ID_TOKEN_REQUEST_URL")
        .env_remove("ACTIONS_ID_TOKEN_REQUEST_TOKEN")
        .assert()
        .code(4)
        .stderr(predicate::str::contains(
            "needs $ACTIONS_ID_TOKEN_REQUEST_URL, which is not set",
        ));
}

#[test]
fn subject_token_command_is_bounded_and_gets_no_secrets() {
    let server = MockServer::start();
    let token = server.mock(|when, then| {
        when.method(POST)
            .path("/token")
            .form_urlencoded_tuple("subject_token", "clean");
        then.status(200).json_body(granted("te-2"));
    });
    let config = |command: &str| {
        oauth2_config(
            "o",
            &server.url("/token"),
            &format!(
                "grant = \"token_exchange\"\nclient_auth = \"none\"\ntimeout = \"1s\"\nsubject_token_command = {command}\n"
            ),
        )
    };
    let env = TestEnv::new(&config(r#"["sh", "-c", "printf %s \"${AUTHCTL_SECRET_O:-clean}\""]"#));
    env.cmd()
        .args(["token", "o"])
        .env("AUTHCTL_SECRET_O", "leaked")
        .assert()
        .success()
        .stdout("te-2\n");
    token.assert();
    std::fs::write(env.config_path(), config(r#"["sleep", "30"]"#)).unwrap();
    let started = std::time::Instant::now();
    env.cmd()
        .args(["token", "o"])
        .assert()
        .code(4)
        .stderr(predicate::str::contains(
            "subject_token_command `sleep` did not finish within 1s (the profile's timeout) and was stopped",
        ));
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
}

/// A profile whose login gives refresh token `rt-1`, with `extra` keys.
fn logged_in(server: &MockServer, extra: &str) -> TestEnv {
    server.mock(|when, then| {
        when.method(POST).path("/token");
        then.status(200)
            .json_body(json!({"access_token": "at-1", "expires_in": 3600, "refresh_token": "rt-1"}));
    });
    let env = TestEnv::new(&oauth2_config("o", &server.url("/token"), extra));
    env.cmd()
        .args(["token", "o"])
        .env("AUTHCTL_SECRET_O", "s3cret")
        .assert()
        .success();
    env
}

#[test]
fn logout_revokes_the_stored_refresh_token_with_the_clients_authentication() {
    let server = MockServer::start();
    let env = logged_in(&server, &format!("revocation_url = \"{}\"\n", server.url("/revoke")));
    let revoke = server.mock(|when, then| {
        when.method(POST)
            .path("/revoke")
            .form_urlencoded_tuple("token", "rt-1")
            .form_urlencoded_tuple("token_type_hint", "refresh_token")
            .form_urlencoded_tuple("client_secret", "s3cret");
        then.status(200);
    });
    env.cmd()
        .args(["logout", "o"])
        .env("AUTHCTL_SECRET_O", "s3cret")
        .assert()
        .success()
        .stderr(predicate::str::contains(format!(
            "o: refresh token revoked at {}",
            server.url("/revoke")
        )));
    revoke.assert();
    assert!(env.stored_credential("o").is_none());
}

#[test]
fn a_refresh_token_is_never_sent_to_a_revocation_url_set_after_it_was_kept() {
    let server = MockServer::start();
    let env = logged_in(&server, &format!("revocation_url = \"{}\"\n", server.url("/revoke")));
    let elsewhere = MockServer::start();
    let stolen = elsewhere.mock(|when, then| {
        when.method(POST).path("/revoke");
        then.status(200);
    });
    let config = oauth2_config(
        "o",
        &server.url("/token"),
        &format!("revocation_url = \"{}\"\n", elsewhere.url("/revoke")),
    );
    std::fs::write(env.config_path(), config).unwrap();
    env.cmd()
        .args(["logout", "o"])
        .env("AUTHCTL_SECRET_O", "s3cret")
        .assert()
        .success()
        .stderr(predicate::str::contains("logged out").and(predicate::str::contains("revoked").not()));
    assert_eq!(
        stolen.calls(),
        0,
        "the refresh token went to a revocation_url it was not kept for"
    );
    assert!(env.stored_credential("o").is_none());
}

#[test]
fn a_failed_revocation_is_a_warning_and_the_local_files_go_anyway() {
    let server = MockServer::start();
    let env = logged_in(&server, &format!("revocation_url = \"{}\"\n", server.url("/revoke")));
    server.mock(|when, then| {
        when.method(POST).path("/revoke");
        then.status(400).json_body(json!({"error": "unsupported_token_type"}));
    });
    env.cmd()
        .args(["logout", "o"])
        .env("AUTHCTL_SECRET_O", "s3cret")
        .assert()
        .success()
        .stderr(
            predicate::str::contains("could not revoke the refresh token")
                .and(predicate::str::contains("unsupported_token_type"))
                .and(predicate::str::contains("logged out")),
        );
    assert!(env.stored_credential("o").is_none());
    assert!(!env.cache_file("o").exists());
}

/// Profile `o` of the oauth2 provider at `server`'s `/token`, with the `extra` keys and
/// `secret`: `authctl token o` prints `expected`.
fn token_is(server: &MockServer, extra: &str, secret: &str, expected: &str) {
    TestEnv::new(&oauth2_config("o", &server.url("/token"), extra))
        .cmd()
        .args(["token", "o"])
        .env("AUTHCTL_SECRET_O", secret)
        .assert()
        .success()
        .stdout(expected.to_string());
}

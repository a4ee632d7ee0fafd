//! A hostile server echoes the request's secret-bearing values back — the secret, the
//! refresh token, the developer token, the whole `Authorization` value — in a JSON error,
//! plain text or an HTML page, with 2xx, 4xx and 5xx. None of them may reach stderr, at
//! any verbosity; the error still says what happened.

use predicates::prelude::*;

use crate::util::*;

/// A secret with every character that form, percent, JSON and HTML encodings change.
const SECRET: &str = r#"S3cr3t Pa$$+/&"<>'=%x"#;
const REFRESH_TOKEN: &str = "rt-Echoed-Refresh-Token-4711";
const DEVELOPER_TOKEN: &str = "dev-Echoed-Developer-Token-4711";

const STATUSES: [u16; 3] = [200, 401, 500];
const ECHOES: [Echo; 3] = [Echo::Json, Echo::Text, Echo::Html];

/// The ways `value` may come back from a server that quotes what it was sent.
fn encodings(value: &str) -> Vec<String> {
    let form: String = url_form(value);
    let json = serde_json::to_string(value).unwrap();
    let html = value.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
    vec![value.to_string(), form, json[1..json.len() - 1].to_string(), html]
}

fn url_form(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'*' => (b as char).to_string(),
            b' ' => "+".to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Runs `args` at `-vvv` against every status and body kind, each time in a fresh home
/// made by `setup`, and checks that no form of any of `hidden` reaches stderr or stdout.
fn assert_never_echoed(
    provider: &str,
    setup: impl Fn(&str) -> TestEnv,
    args: &[&str],
    secret_var: &str,
    hidden: &[&str],
) {
    for status in STATUSES {
        for echo in ECHOES {
            let url = echo_back_server(status, echo);
            let env = setup(&url);
            let out = env
                .cmd()
                .arg("-vvv")
                .args(args)
                .env(secret_var, SECRET)
                .output()
                .unwrap();
            let (out_text, err_text) = (stdout(&out), stderr(&out));
            assert!(
                !out.status.success(),
                "{provider} {status} {echo:?}: an echo is no token\n{err_text}"
            );
            assert!(
                err_text.contains("error:"),
                "{provider} {status} {echo:?}: the failure is still reported\n{err_text}"
            );
            for value in hidden {
                for form in encodings(value) {
                    assert!(
                        !err_text.contains(&form) && !out_text.contains(&form),
                        "{provider} {status} {echo:?}: {form:?} leaked\n{err_text}"
                    );
                }
            }
        }
    }
}

#[test]
fn midigator_never_shows_the_echoed_api_secret() {
    assert_never_echoed(
        "midigator",
        |url| TestEnv::new(&midigator_config(url)),
        &["token", "mg"],
        "AUTHCTL_SECRET_MG",
        &[SECRET],
    );
}

#[test]
fn oauth2_never_shows_the_echoed_client_secret_in_form_or_json_bodies() {
    for body in ["form", "json"] {
        assert_never_echoed(
            "oauth2",
            |url| {
                TestEnv::new(&oauth2_config(
                    "o",
                    &format!("{url}/token"),
                    &format!("body = \"{body}\"\n"),
                ))
            },
            &["token", "o"],
            "AUTHCTL_SECRET_O",
            &[SECRET],
        );
    }
}

#[test]
fn oauth2_never_shows_an_echoed_refresh_token() {
    assert_never_echoed(
        "oauth2",
        |url| {
            let env = TestEnv::new(&oauth2_config("o", &format!("{url}/token"), ""));
            env.seed_expired("o", "oauth2", REFRESH_TOKEN);
            env
        },
        &["token", "o"],
        "AUTHCTL_SECRET_O",
        &[SECRET, REFRESH_TOKEN],
    );
}

#[test]
fn mediroutes_never_shows_the_echoed_password_or_refresh_token() {
    assert_never_echoed(
        "mediroutes",
        |url| {
            let env = TestEnv::new(&mediroutes_config(url));
            env.seed_expired("mr", "mediroutes", REFRESH_TOKEN);
            env
        },
        &["token", "mr"],
        "AUTHCTL_SECRET_MR",
        &[SECRET, REFRESH_TOKEN],
    );
}

#[test]
fn nugios_never_shows_the_echoed_password_or_refresh_token() {
    assert_never_echoed(
        "nugios",
        |url| {
            let env = TestEnv::new(&nugios_config(url, ""));
            env.seed_expired("ng", "nugios", REFRESH_TOKEN);
            env
        },
        &["token", "ng"],
        "AUTHCTL_SECRET_NG",
        &[SECRET, REFRESH_TOKEN],
    );
}

#[test]
fn midway_never_shows_the_echoed_password_or_developer_token() {
    let setup = |url: &str| {
        let env = TestEnv::new(&midway_config(url, "installation = \"inst-1\"\n"));
        env.seed_developer_token("mw", DEVELOPER_TOKEN);
        env
    };
    assert_never_echoed(
        "midway",
        setup,
        &["token", "mw"],
        "AUTHCTL_SECRET_MW",
        &[SECRET, DEVELOPER_TOKEN],
    );
    assert_never_echoed(
        "midway",
        setup,
        &["midway", "installations"],
        "AUTHCTL_SECRET_MW",
        &[SECRET, DEVELOPER_TOKEN],
    );
}

#[test]
fn a_provider_message_still_shows_around_the_redacted_value() {
    let url = echo_back_server(401, Echo::Json);
    let env = TestEnv::new(&midigator_config(&url));
    env.cmd()
        .args(["token", "mg"])
        .env("AUTHCTL_SECRET_MG", SECRET)
        .assert()
        .code(5)
        .stderr(predicate::str::contains("HTTP 401").and(predicate::str::contains("Bearer [redacted]")));
}

#[test]
fn a_secret_echoed_cut_upper_cased_or_base64_encoded_is_still_redacted() {
    use base64::Engine;
    let secret = "S3cr3t-Client/Secret+Value";
    let b64 = base64::engine::general_purpose::STANDARD_NO_PAD.encode(secret);
    let echoes = [
        "S3cr3t-Client/Secret+Va".to_string(),
        secret.to_uppercase(),
        b64,
        "S3cr3t-Client%2fSecret%2bValue".to_string(),
        "S3cr3t&#45;Client&#47;Secret&#43;Value".to_string(),
    ];
    for echo in echoes {
        let server = httpmock::MockServer::start();
        midigator_answer(
            &server,
            401,
            "application/json",
            &serde_json::json!({"message": format!("unknown secret {echo}, sorry")}).to_string(),
        );
        let env = midigator_env(&server);
        let out = env
            .cmd()
            .args(["-vvv", "token", "mg"])
            .env("AUTHCTL_SECRET_MG", secret)
            .output()
            .unwrap();
        let said = stderr(&out);
        assert_eq!(out.status.code(), Some(5));
        assert!(said.contains("unknown secret [redacted], sorry"), "{echo}: {said}");
        assert!(!said.contains(&echo) && !said.contains("Client"), "{echo}: {said}");
    }
}

/// True when some `[redacted]` in `text` stands inside a word: a short secret cut one.
fn cuts_a_word(text: &str) -> bool {
    let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
    text.match_indices("[redacted]")
        .any(|(at, m)| word(text[..at].chars().next_back()) || word(text[at + m.len()..].chars().next()))
}

#[test]
fn a_one_letter_secret_leaves_words_whole_and_vvv_shows_the_fields_that_are_not_secret() {
    let server = httpmock::MockServer::start();
    let login = token_endpoint(
        &server,
        &[("grant_type", "password"), ("password", "a")],
        200,
        serde_json::json!({
            "access_token": "at-mr", "token_type": "bearer", "expires_in": 3600,
            "refresh_token": "rt-mr-long-enough", "userName": "dispatch@example.com",
            ".issued": "Mon, 08 Jun 2099 17:17:55 GMT", ".expires": "Tue, 09 Jun 2099 17:17:55 GMT"
        }),
    );
    let env = mediroutes_env(&server);
    let out = env
        .cmd()
        .args(["-vvv", "token", "mr"])
        .env("AUTHCTL_SECRET_MR", "a")
        .output()
        .unwrap();
    let said = stderr(&out);
    assert!(out.status.success(), "{said}");
    login.assert_calls(1);
    for readable in [
        "grant_type=password",
        "username=dispatch@example.com",
        "password=[redacted]",
        r#""userName":"dispatch@example.com""#,
        "Tue, 09 Jun 2099 17:17:55 GMT",
        "logging in with the password from",
        r#""refresh_token":"[redacted]""#,
    ] {
        assert!(said.contains(readable), "{readable}: {said}");
    }
    assert!(!cuts_a_word(&said), "{said}");
    assert!(!said.contains("rt-mr-long-enough") && !said.contains("at-mr"), "{said}");
}

#[test]
fn a_one_letter_secret_echoed_as_a_value_is_still_redacted() {
    let server = httpmock::MockServer::start();
    midigator_answer(
        &server,
        401,
        "application/json",
        r#"{"message":"unknown secret a for this account"}"#,
    );
    let env = midigator_env(&server);
    let out = env
        .cmd()
        .args(["-vvv", "token", "mg"])
        .env("AUTHCTL_SECRET_MG", "a")
        .output()
        .unwrap();
    let said = stderr(&out);
    assert_eq!(out.status.code(), Some(5), "{said}");
    assert!(said.contains("unknown secret [redacted] for this account"), "{said}");
    assert!(!cuts_a_word(&said), "{said}");
}

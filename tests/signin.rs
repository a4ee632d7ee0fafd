//! The browser sign-in's error paths (`grant = "authorization_code"`), against httpmock
//! servers, with the test playing the browser on the loopback listener: forged and
//! incomplete callbacks are refused while the wait goes on, a mix-up of issuers (RFC
//! 9207) ends it, Ctrl-C ends it with exit 7.

use std::io::{BufRead, BufReader};
use std::process::{Child, ChildStderr, Stdio};

use httpmock::prelude::*;
use serde_json::json;

use crate::util::*;

/// `authctl token o --no-open` waiting for its callback: the authorization URL it printed.
struct Waiting {
    child: Child,
    url: url::Url,
    said: String,
    rest: BufReader<ChildStderr>,
}

impl Waiting {
    fn start(env: &TestEnv) -> Waiting {
        let mut child = std_cmd(env)
            .args(["token", "o", "--no-open"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut rest = BufReader::new(child.stderr.take().unwrap());
        let mut said = String::new();
        let url = loop {
            let mut line = String::new();
            assert!(rest.read_line(&mut line).unwrap() > 0, "it exited: {said}");
            said.push_str(&line);
            if line.starts_with("  http") {
                break url::Url::parse(line.trim()).unwrap();
            }
        };
        Waiting { child, url, said, rest }
    }

    fn param(&self, name: &str) -> String {
        self.url.query_pairs().find(|(k, _)| k == name).unwrap().1.into_owned()
    }

    /// The listener's port, from the redirect_uri sent.
    fn port(&self) -> u16 {
        url::Url::parse(&self.param("redirect_uri")).unwrap().port().unwrap()
    }

    fn finish(mut self) -> (std::process::Output, String) {
        let mut tail = String::new();
        std::io::Read::read_to_string(&mut self.rest, &mut tail).unwrap();
        let out = self.child.wait_with_output().unwrap();
        (out, self.said + &tail)
    }
}

fn config(server: &MockServer, extra: &str) -> String {
    format!(
        "[profiles.o]\nprovider = \"oauth2\"\ntoken_url = \"{}\"\nauthorization_url = \"{}\"\nclient_id = \"cid\"\n\
         grant = \"authorization_code\"\nclient_auth = \"none\"\n{extra}",
        server.url("/token"),
        server.url("/authorize")
    )
}

/// Discovery for `issuer` (the server's own URL unless said) naming its endpoints.
fn discovery<'a>(server: &'a MockServer, issuer: &str, iss_supported: bool) -> httpmock::Mock<'a> {
    let doc = json!({
        "issuer": issuer,
        "authorization_endpoint": server.url("/authorize"),
        "token_endpoint": server.url("/token"),
        "authorization_response_iss_parameter_supported": iss_supported,
    });
    server.mock(|when, then| {
        when.method(GET).path("/.well-known/openid-configuration");
        then.status(200).json_body(doc);
    })
}

#[test]
fn forged_and_incomplete_callbacks_are_refused_while_the_real_one_completes_the_sign_in() {
    let server = MockServer::start();
    let env = TestEnv::new(&config(&server, "scope = \"api\"\n"));
    let waiting = Waiting::start(&env);
    assert_eq!(waiting.url.path(), "/authorize");
    assert_eq!(waiting.param("code_challenge_method"), "S256");
    assert!(
        waiting.url.query_pairs().all(|(k, _)| k != "nonce"),
        "no openid, no nonce"
    );
    let (state, port) = (waiting.param("state"), waiting.port());
    let token = server.mock(|when, then| {
        when.method(POST)
            .path("/token")
            .form_urlencoded_tuple("grant_type", "authorization_code")
            .form_urlencoded_tuple("code", "good")
            .form_urlencoded_tuple("client_id", "cid")
            .form_urlencoded_tuple("redirect_uri", format!("http://127.0.0.1:{port}/callback"))
            .form_urlencoded_tuple_exists("code_verifier")
            .body_excludes("client_secret");
        then.status(200)
            .json_body(json!({"access_token": "signed-in", "expires_in": 600}));
    });
    assert_eq!(browser_get(port, "/favicon.ico").0, 404);
    assert_eq!(browser_get(port, &format!("/other?state={state}&code=good")).0, 404);
    assert_eq!(browser_get(port, "/callback?state=forged&code=evil").0, 400);
    assert_eq!(browser_get(port, &format!("/callback?state={state}")).0, 400);
    assert_eq!(browser_get(port, &format!("/callback?state={state}&code=good")).0, 200);
    let (out, said) = waiting.finish();
    assert_eq!(out.status.code(), Some(0), "{said}");
    assert_eq!(stdout(&out), "signed-in\n");
    assert!(
        said.contains("refused a callback whose state is not this sign-in's"),
        "{said}"
    );
    assert!(said.contains("refused a callback without a code"), "{said}");
    token.assert();
}

#[test]
fn a_callback_naming_another_issuer_ends_the_sign_in_with_exit_6_and_no_exchange() {
    let server = MockServer::start();
    let issuer = server.url("");
    discovery(&server, &issuer, false);
    let env = TestEnv::new(&format!(
        "[profiles.o]\nprovider = \"oauth2\"\nissuer = \"{issuer}\"\nclient_id = \"cid\"\n\
         grant = \"authorization_code\"\nclient_auth = \"none\"\nscope = \"openid\"\n"
    ));
    let token = server.mock(|when, then| {
        when.method(POST).path("/token");
        then.status(200).json_body(json!({"access_token": "never"}));
    });
    let waiting = Waiting::start(&env);
    assert!(!waiting.param("nonce").is_empty(), "openid sends a nonce");
    let (state, port) = (waiting.param("state"), waiting.port());
    let evil = "https%3A%2F%2Fevil.test";
    assert_eq!(
        browser_get(port, &format!("/callback?state={state}&code=c&iss={evil}")).0,
        400
    );
    let (out, said) = waiting.finish();
    assert_eq!(out.status.code(), Some(6), "{said}");
    assert!(said.contains("names issuer \"https://evil.test\""), "{said}");
    assert_eq!(token.calls(), 0);
}

#[test]
fn a_server_that_promises_iss_must_send_it() {
    let server = MockServer::start();
    let issuer = server.url("");
    discovery(&server, &issuer, true);
    let env = TestEnv::new(&format!(
        "[profiles.o]\nprovider = \"oauth2\"\nissuer = \"{issuer}\"\nclient_id = \"cid\"\n\
         grant = \"authorization_code\"\nclient_auth = \"none\"\n"
    ));
    let waiting = Waiting::start(&env);
    let (state, port) = (waiting.param("state"), waiting.port());
    assert_eq!(browser_get(port, &format!("/callback?state={state}&code=c")).0, 400);
    let (out, said) = waiting.finish();
    assert_eq!(out.status.code(), Some(6), "{said}");
    assert!(said.contains("the server's metadata promises one"), "{said}");
}

#[test]
fn ctrl_c_cancels_the_browser_sign_in_with_exit_7() {
    let server = MockServer::start();
    let env = TestEnv::new(&config(&server, ""));
    let mut waiting = Waiting::start(&env);
    while !waiting.said.contains("Waiting up to") {
        assert!(waiting.rest.read_line(&mut waiting.said).unwrap() > 0);
    }
    let pid = waiting.child.id().to_string();
    std::process::Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .unwrap();
    let (out, said) = waiting.finish();
    assert_eq!(out.status.code(), Some(7), "{said}");
    assert!(said.contains("browser sign-in cancelled"), "{said}");
}

#[test]
fn without_a_display_or_browser_the_url_is_printed_for_the_user_to_open() {
    let server = MockServer::start();
    let env = TestEnv::new(&config(&server, ""));
    let mut child = std_cmd(&env)
        .args(["token", "o"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut rest = BufReader::new(child.stderr.take().unwrap());
    let mut said = String::new();
    while !said.contains("Waiting up to") {
        assert!(rest.read_line(&mut said).unwrap() > 0, "{said}");
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(said.contains("No display and no $BROWSER"), "{said}");
    assert!(said.contains(&server.url("/authorize?response_type=code")), "{said}");
}

#[test]
fn a_forged_id_token_is_refused_with_exit_6_naming_the_claim_and_a_good_one_is_printed() {
    for (forged, claim) in [("aud", "aud"), ("iss", "iss"), ("nonce", "nonce"), ("", "")] {
        let server = MockServer::start();
        let issuer = server.url("");
        discovery(&server, &issuer, false);
        let env = TestEnv::new(&format!(
            "[profiles.o]\nprovider = \"oauth2\"\nissuer = \"{issuer}\"\nclient_id = \"cid\"\n\
             grant = \"authorization_code\"\nclient_auth = \"none\"\nscope = \"openid\"\n"
        ));
        let waiting = Waiting::start(&env);
        let (state, port, nonce) = (waiting.param("state"), waiting.port(), waiting.param("nonce"));
        let mut claims =
            json!({"iss": issuer, "aud": "cid", "exp": now() as i64 + 600, "nonce": nonce, "sub": "alice"});
        if !forged.is_empty() {
            claims[forged] = json!("https://forged.test");
        }
        let id_token = jwt(claims);
        server.mock(|when, then| {
            when.method(POST).path("/token");
            then.status(200)
                .json_body(json!({"access_token": "at", "expires_in": 600, "id_token": id_token}));
        });
        browser_get(
            port,
            &format!(
                "/callback?state={state}&code=c&iss={}",
                url::form_urlencoded::byte_serialize(issuer.as_bytes()).collect::<String>()
            ),
        );
        let (out, said) = waiting.finish();
        if claim.is_empty() {
            assert_eq!(out.status.code(), Some(0), "{said}");
            env.cmd()
                .args(["token", "o", "--format", "id-token"])
                .assert()
                .success()
                .stdout(format!("{id_token}\n"));
        } else {
            assert_eq!(out.status.code(), Some(6), "{forged}: {said}");
            assert!(said.contains(&format!("the ID token's {claim} ")), "{said}");
            assert!(!env.cache_file("o").exists());
        }
    }
}

#[test]
fn id_token_format_without_an_id_token_is_exit_3() {
    let server = MockServer::start();
    token_endpoint(&server, &[], 200, json!({"access_token": "at", "expires_in": 600}));
    let env = TestEnv::new(&oauth2_config("o", &server.url("/token"), ""));
    env.cmd()
        .args(["token", "o", "--format", "id-token"])
        .env("AUTHCTL_SECRET_O", "s")
        .assert()
        .code(3)
        .stderr(predicates::str::contains("no ID token came with this token"));
    // Nor is an empty file kept fresh.
    let file = env.cache_dir().parent().unwrap().join("id-token");
    env.cmd()
        .args(["watch", "o", "--format", "id-token", "--file"])
        .arg(&file)
        .env("AUTHCTL_SECRET_O", "s")
        .timeout(std::time::Duration::from_secs(60))
        .assert()
        .code(3)
        .stderr(predicates::str::contains("no ID token came with this token"));
    assert!(!file.exists());
}

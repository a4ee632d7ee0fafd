//! Sign-ins against a real, OpenID-certified server: oidc-provider (pinned in
//! tests/oidc/package-lock.json, installed by `npm ci --prefix tests/oidc`), one server
//! per test binary, with a script that plays the person at its development pages
//! (tests/oidc/person.mjs) as `$BROWSER` or on the device code's page. Without
//! tests/oidc/node_modules these tests are skipped, except under CI, where they fail.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, ChildStdout, Stdio};
use std::sync::{Mutex, OnceLock};

use predicates::prelude::*;

use crate::util::*;

fn oidc_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/oidc")
}

/// The server, kept alive while the test binary runs: its stdin closing ends it.
struct Oidc {
    issuer: String,
    /// The signing clients' private keys, made by the server at its start.
    keys: tempfile::TempDir,
    _child: Mutex<(Child, ChildStdin, BufReader<ChildStdout>)>,
}

fn start() -> Option<Oidc> {
    let keys = tempfile::tempdir().ok()?;
    let mut child = std::process::Command::new("node")
        .arg(oidc_dir().join("server.mjs"))
        .arg(keys.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let stdin = child.stdin.take()?;
    let mut line = String::new();
    let mut stdout = BufReader::new(child.stdout.take()?);
    stdout.read_line(&mut line).ok()?;
    let port: u16 = line.trim().parse().ok()?;
    Some(Oidc {
        issuer: format!("http://127.0.0.1:{port}"),
        keys,
        _child: Mutex::new((child, stdin, stdout)),
    })
}

/// The shared server, or `None` (said) when oidc-provider is not installed.
fn server() -> Option<&'static Oidc> {
    static SERVER: OnceLock<Option<Oidc>> = OnceLock::new();
    let installed = oidc_dir().join("node_modules/oidc-provider").is_dir();
    if !skip_unless(installed, "oidc-provider (npm ci --prefix tests/oidc)") {
        return None;
    }
    let server = SERVER.get_or_init(start);
    assert!(
        server.is_some(),
        "oidc-provider did not start (node tests/oidc/server.mjs)"
    );
    server.as_ref()
}

/// The issuer of the shared server, or `None` (said) when oidc-provider is not installed.
fn issuer() -> Option<&'static str> {
    server().map(|s| s.issuer.as_str())
}

/// The PEM private key the server made for a signing client: `ec`, `rsa` or `ed`.
fn key(server: &Oidc, name: &str) -> String {
    std::fs::read_to_string(server.keys.path().join(format!("{name}.pem"))).unwrap()
}

/// `$BROWSER`: the script that signs in as alice and consents (`deny`: aborts instead).
fn person(deny: bool) -> String {
    let script = oidc_dir().join("person.mjs");
    format!("node {}{}", script.display(), if deny { " deny" } else { "" })
}

fn profile(issuer: &str, client: &str, extra: &str) -> String {
    format!(
        "[profiles.o]\nprovider = \"oauth2\"\nissuer = \"{issuer}\"\nclient_id = \"{client}\"\n\
         secret_env = \"O_SECRET\"\n{extra}"
    )
}

#[test]
fn client_credentials_with_post_and_basic_against_oidc_provider() {
    let Some(issuer) = issuer() else { return };
    for (client, auth) in [("cc-post", "client_secret_post"), ("cc-basic", "client_secret_basic")] {
        let env = TestEnv::new(&profile(issuer, client, &format!("client_auth = \"{auth}\"\n")));
        env.cmd()
            .args(["token", "o", "--format", "json"])
            .env("O_SECRET", "s3cret")
            .assert()
            .success()
            .stdout(predicate::str::contains("\"token_type\":\"Bearer\""));
        env.cmd().args(["token", "o"]).env("O_SECRET", "wrong").assert().code(0); // served from the cache: no request, no secret
    }
}

#[test]
fn a_browser_sign_in_of_a_public_client_gets_and_rotates_a_refresh_token() {
    let Some(issuer) = issuer() else { return };
    let env = TestEnv::new(&profile(
        issuer,
        "public",
        "grant = \"authorization_code\"\nclient_auth = \"none\"\nscope = \"openid offline_access\"\n",
    ));
    let first = env
        .cmd()
        .args(["token", "o"])
        .env("BROWSER", person(false))
        .assert()
        .success()
        .stderr(predicate::str::contains(format!("{issuer}/auth?response_type=code")))
        .stderr(predicate::str::contains("code_challenge_method=S256"));
    let token = stdout(first.get_output()).trim().to_string();
    assert!(!token.is_empty());
    let rt = env.stored_credential("o").expect("a refresh token is kept");
    // No browser this time: the refresh token renews, and the server rotates it.
    let second = env.cmd().args(["token", "o", "--force-refresh"]).assert().success();
    assert_ne!(stdout(second.get_output()).trim(), token);
    let rotated = env.stored_credential("o").expect("the new refresh token is kept");
    assert_ne!(rotated, rt, "oidc-provider rotates refresh tokens");
}

#[test]
fn a_confidential_client_signs_in_on_a_fixed_redirect_port_and_refreshes_with_basic() {
    let Some(issuer) = issuer() else { return };
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let env = TestEnv::new(&profile(
        issuer,
        "web-basic",
        &format!(
            "grant = \"authorization_code\"\nclient_auth = \"client_secret_basic\"\nscope = \"openid\"\nredirect_port = {port}\n"
        ),
    ));
    env.cmd()
        .args(["oauth2", "token", "--profile", "o"])
        .env("BROWSER", person(false))
        .env("O_SECRET", "s3cret")
        .assert()
        .success()
        .stderr(predicate::str::contains(format!(
            "redirect_uri=http%3A%2F%2F127.0.0.1%3A{port}%2Fcallback"
        )));
    // The refresh authenticates with Basic as the login did (oidc-provider refuses a
    // confidential client's refresh without its authentication).
    env.cmd()
        .args(["token", "o", "--force-refresh"])
        .env("O_SECRET", "s3cret")
        .assert()
        .success();
}

#[test]
fn a_person_who_declines_consent_ends_the_browser_sign_in_with_exit_7() {
    let Some(issuer) = issuer() else { return };
    let env = TestEnv::new(&profile(
        issuer,
        "public",
        "grant = \"authorization_code\"\nclient_auth = \"none\"\nscope = \"openid\"\n",
    ));
    env.cmd()
        .args(["token", "o"])
        .env("BROWSER", person(true))
        .assert()
        .code(7)
        .stderr(predicate::str::contains("ended with access_denied"));
    assert!(!env.cache_file("o").exists());
}

#[test]
fn no_open_prints_the_url_and_a_person_elsewhere_completes_the_sign_in() {
    let Some(issuer) = issuer() else { return };
    let env = TestEnv::new(&profile(
        issuer,
        "public",
        "grant = \"authorization_code\"\nclient_auth = \"none\"\nscope = \"openid\"\n",
    ));
    let mut child = std_cmd(&env)
        .args(["token", "o", "--no-open"])
        .env("BROWSER", "/nonexistent/browser")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = BufReader::new(child.stderr.take().unwrap());
    let url = loop {
        let mut line = String::new();
        assert!(err.read_line(&mut line).unwrap() > 0, "it exited without a URL");
        if let Some(url) = line.trim().strip_prefix(&format!("{issuer}/auth?")) {
            break format!("{issuer}/auth?{url}");
        }
    };
    let played = std::process::Command::new("node")
        .arg(oidc_dir().join("person.mjs"))
        .arg(&url)
        .status()
        .unwrap();
    assert!(played.success());
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    assert!(!stdout(&out).trim().is_empty());
}

#[test]
fn a_device_sign_in_approved_by_a_person_on_the_verification_page() {
    let Some(issuer) = issuer() else { return };
    let env = TestEnv::new(&profile(
        issuer,
        "web-post",
        "grant = \"device_code\"\nscope = \"openid offline_access\"\n",
    ));
    // $BROWSER opens the complete verification URI: the person enters nothing, confirms.
    env.cmd()
        .args(["token", "o"])
        .env("BROWSER", person(false))
        .env("O_SECRET", "s3cret")
        .assert()
        .success()
        .stderr(predicate::str::contains(format!(
            "visit {issuer}/device and enter the code"
        )));
    assert!(env.stored_credential("o").is_some(), "a refresh token is kept");
    env.cmd()
        .args(["token", "o", "--force-refresh"])
        .env("O_SECRET", "s3cret")
        .assert()
        .success();
}

#[test]
fn the_id_token_of_a_browser_sign_in_is_checked_kept_and_printed() {
    let Some(issuer) = issuer() else { return };
    let env = TestEnv::new(&profile(
        issuer,
        "public",
        "grant = \"authorization_code\"\nclient_auth = \"none\"\nscope = \"openid\"\n",
    ));
    env.cmd()
        .args(["token", "o"])
        .env("BROWSER", person(false))
        .assert()
        .success();
    let out = env
        .cmd()
        .args(["token", "o", "--format", "id-token"])
        .assert()
        .success();
    let id_token = stdout(out.get_output());
    let claims = authctl::jwt::decode(id_token.trim()).expect("a JWT").claims;
    assert_eq!(claims["iss"], issuer);
    assert_eq!(claims["aud"], "public");
    assert!(claims["nonce"].is_string());
}

#[test]
fn private_key_jwt_with_es256_and_ps256_keys_the_server_knows_by_kid() {
    let Some(server) = server() else { return };
    for (client, key_name, extra) in [
        ("jwt-ec", "ec", "key_id = \"ec1\"\n"),
        ("jwt-rsa", "rsa", "key_id = \"rsa1\"\nsigning_alg = \"PS256\"\n"),
    ] {
        let env = TestEnv::new(&profile(
            &server.issuer,
            client,
            &format!("client_auth = \"private_key_jwt\"\n{extra}"),
        ));
        env.cmd()
            .args(["token", "o", "--format", "json"])
            .env("O_SECRET", key(server, key_name))
            .assert()
            .success()
            .stdout(predicate::str::contains("\"token_type\":\"Bearer\""));
        // Another client's key is refused by the server: exit 5, and the key never shown.
        let other = key(server, "ed");
        let wrong = TestEnv::new(&profile(
            &server.issuer,
            client,
            "client_auth = \"private_key_jwt\"\nsigning_alg = \"EdDSA\"\n",
        ));
        let out = wrong
            .cmd()
            .args(["token", "o"])
            .env("O_SECRET", &other)
            .assert()
            .code(5)
            .stderr(predicate::str::contains("invalid_client"));
        let err = stderr(out.get_output());
        assert!(!err.contains("PRIVATE KEY") && !err.contains(other.lines().nth(1).unwrap()));
    }
}

#[test]
fn a_jwt_bearer_grant_signed_with_an_ed25519_key_is_accepted_by_the_server() {
    let Some(server) = server() else { return };
    let env = TestEnv::new(&profile(
        &server.issuer,
        "bearer",
        "grant = \"jwt_bearer\"\nkey_id = \"ed1\"\nscope = \"api:read\"\n",
    ));
    env.cmd()
        .args(["token", "o", "--format", "json"])
        .env("O_SECRET", key(server, "ed"))
        .assert()
        .success()
        .stdout(predicate::str::contains("\"source\":\"network\""));
    // An assertion signed by a key the server does not hold for this client: invalid_grant.
    let forged = TestEnv::new(&profile(
        &server.issuer,
        "bearer",
        "grant = \"jwt_bearer\"\nsigning_alg = \"ES256\"\n",
    ));
    forged
        .cmd()
        .args(["token", "o"])
        .env("O_SECRET", key(server, "ec"))
        .assert()
        .code(5)
        .stderr(
            predicate::str::contains("invalid_grant")
                .and(predicate::str::contains("the private key came from $O_SECRET")),
        );
}

#[test]
fn token_exchange_trades_a_token_of_the_server_for_the_exchanging_clients_own() {
    let Some(server) = server() else { return };
    let subject_env = TestEnv::new(&profile(
        &server.issuer,
        "cc-basic",
        "client_auth = \"client_secret_basic\"\n",
    ));
    let out = subject_env
        .cmd()
        .args(["token", "o"])
        .env("O_SECRET", "s3cret")
        .assert()
        .success();
    let subject = stdout(out.get_output()).trim().to_string();
    let env = TestEnv::new("");
    env.write_private("subject", &subject);
    let config = profile(
        &server.issuer,
        "exchanger",
        &format!(
            "grant = \"token_exchange\"\nclient_auth = \"client_secret_basic\"\naudience = \"api\"\n\
             subject_token_type = \"urn:ietf:params:oauth:token-type:access_token\"\n\
             subject_token_command = [\"cat\", \"{}\"]\n",
            env.cache_dir().join("subject").display()
        ),
    );
    std::fs::write(env.config_path(), &config).unwrap();
    let out = env
        .cmd()
        .args(["token", "o", "--format", "json"])
        .env("O_SECRET", "s3cret")
        .assert()
        .success();
    let json: serde_json::Value = serde_json::from_str(&stdout(out.get_output())).unwrap();
    let exchanged = json["access_token"].as_str().unwrap();
    assert!(
        !exchanged.is_empty() && exchanged != subject,
        "a new token, not the subject"
    );
    // A subject token the server never issued: its invalid_grant, exit 5.
    env.write_private("subject", "not-a-token-of-this-server");
    env.cmd()
        .args(["token", "o", "--force-refresh"])
        .env("O_SECRET", "s3cret")
        .assert()
        .code(5)
        .stderr(predicate::str::contains("subject_token is not a token of this server"));
}

#[test]
fn logout_revokes_the_refresh_token_so_the_server_no_longer_honours_it() {
    let Some(issuer) = issuer() else { return };
    if !require("curl") {
        return;
    }
    let env = TestEnv::new(&profile(
        issuer,
        "public",
        "grant = \"authorization_code\"\nclient_auth = \"none\"\nscope = \"openid offline_access\"\n",
    ));
    env.cmd()
        .args(["token", "o"])
        .env("BROWSER", person(false))
        .assert()
        .success();
    let rt = env.stored_credential("o").expect("a refresh token is kept");
    env.cmd()
        .args(["logout", "o"])
        .assert()
        .success()
        .stderr(predicate::str::contains(format!(
            "o: refresh token revoked at {issuer}/token/revocation"
        )));
    assert!(env.stored_credential("o").is_none());
    // The server itself now refuses the old refresh token.
    let mut curl = std::process::Command::new("curl")
        .args(["-s", "--data-binary", "@-", &format!("{issuer}/token")])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    write!(
        curl.stdin.take().unwrap(),
        "grant_type=refresh_token&client_id=public&refresh_token={rt}"
    )
    .unwrap();
    let answer = curl.wait_with_output().unwrap();
    assert!(stdout(&answer).contains("invalid_grant"), "{}", stdout(&answer));
}

//! MidwayPlus: the developer token, installations, installation tokens and the browser
//! redirect flow.

use std::os::unix::fs::PermissionsExt;

use httpmock::prelude::*;
use predicates::prelude::*;
use serde_json::json;

use crate::util::*;

fn credential_file(env: &TestEnv) -> std::path::PathBuf {
    env.credential_file("mw")
}

fn stored_developer_token(env: &TestEnv) -> String {
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(credential_file(env)).unwrap()).unwrap();
    v["value"].as_str().unwrap().to_string()
}

#[test]
fn installation_token_is_cached_and_the_developer_token_reused_without_a_new_login() {
    let server = MockServer::start();
    let login = midway_auth(&server, "dev-1");
    let inst1 = jwt_expiring_in(3600);
    let inst2 = jwt_expiring_in(3600);
    let token1 = midway_installation_token(&server, "dev-1", "inst-1", 200, json!({ "token": inst1 }));
    let token2 = midway_installation_token(&server, "dev-1", "inst-2", 200, json!({ "token": inst2 }));
    let env = midway_env(&server, "installation = \"inst-1\"\n");

    for _ in 0..2 {
        env.cmd()
            .args(["token", "mw"])
            .env("AUTHCTL_SECRET_MW", "pw")
            .assert()
            .success()
            .stdout(format!("{inst1}\n"));
    }
    // The other installation: a new installation token, no new login, no secret needed.
    env.cmd()
        .args(["midway", "token", "--installation", "inst-2"])
        .assert()
        .success()
        .stdout(format!("{inst2}\n"));
    env.cmd()
        .args(["midway", "token", "--installation", "inst-2", "--format", "json"])
        .assert()
        .success()
        .stdout(predicate::str::contains("\"source\":\"cache\"").and(predicate::str::contains("\"refreshable\":true")));
    login.assert_calls(1);
    token1.assert_calls(1);
    token2.assert_calls(1);

    // Cached per installation; the developer token in its own private file, never in
    // the installation records and never printed by `token`.
    assert_eq!(env.cache_json("mw@inst-1")["access_token"], inst1.as_str());
    assert_eq!(env.cache_json("mw@inst-2")["access_token"], inst2.as_str());
    assert!(
        !std::fs::read_to_string(env.cache_file("mw@inst-1"))
            .unwrap()
            .contains("dev-1")
    );
    assert_eq!(stored_developer_token(&env), "dev-1");
    let mode = std::fs::metadata(credential_file(&env)).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
}

#[test]
fn a_refused_stored_developer_token_means_one_new_login() {
    let server = MockServer::start();
    let stale = midway_installation_token(
        &server,
        "dev-old",
        "inst-1",
        401,
        json!({"message": "Developer token expired"}),
    );
    let login = midway_auth(&server, "dev-new");
    let inst = jwt_expiring_in(3600);
    let fresh = midway_installation_token(&server, "dev-new", "inst-1", 200, json!({ "token": inst }));
    let env = midway_env(&server, "installation = \"inst-1\"\n");
    env.seed_developer_token("mw", "dev-old");

    env.cmd()
        .args(["token", "mw"])
        .env("AUTHCTL_SECRET_MW", "pw")
        .assert()
        .success()
        .stdout(format!("{inst}\n"));
    stale.assert_calls(1);
    login.assert_calls(1);
    fresh.assert_calls(1);
    assert_eq!(stored_developer_token(&env), "dev-new");
}

#[test]
fn a_developer_token_past_its_exp_is_not_even_tried() {
    let server = MockServer::start();
    let expired = jwt(json!({"sub": "dev", "exp": now() as i64 - 60}));
    let stale = midway_installation_token(&server, &expired, "inst-1", 200, json!({"token": "never"}));
    let login = midway_auth(&server, "dev-new");
    let fresh = midway_installation_token(&server, "dev-new", "inst-1", 200, json!({"token": "inst-tok"}));
    let env = midway_env(&server, "installation = \"inst-1\"\n");
    env.seed_developer_token("mw", &expired);

    env.cmd()
        .args(["token", "mw"])
        .env("AUTHCTL_SECRET_MW", "pw")
        .assert()
        .success()
        .stdout("inst-tok\n");
    stale.assert_calls(0);
    login.assert_calls(1);
    fresh.assert_calls(1);
}

#[test]
fn a_refused_installation_exits_5_naming_it() {
    let server = MockServer::start();
    let login = midway_auth(&server, "dev-1");
    let refused = midway_installation_token(&server, "dev-1", "inst-x", 403, json!({"title": "Forbidden"}));
    let env = midway_env(&server, "");

    env.cmd()
        .args(["midway", "token", "--installation", "inst-x"])
        .env("AUTHCTL_SECRET_MW", "pw")
        .assert()
        .code(5)
        .stdout("")
        .stderr(
            predicate::str::contains("midway refused installation inst-x")
                .and(predicate::str::contains("HTTP 403"))
                .and(predicate::str::contains("dev-1").not()),
        );
    // A stored developer token that the installation refuses: one new login, then the
    // same answer.
    env.cmd()
        .args(["midway", "token", "--installation", "inst-x"])
        .env("AUTHCTL_SECRET_MW", "pw")
        .assert()
        .code(5)
        .stderr(predicate::str::contains("refused installation inst-x"));
    login.assert_calls(2);
    refused.assert_calls(3);
    assert!(!env.cache_file("mw@inst-x").exists());
}

#[test]
fn a_bad_password_exits_5_with_the_provider_message() {
    let server = MockServer::start();
    let login = server.mock(|when, then| {
        when.method(POST).path("/v1/Auth");
        then.status(401).json_body(json!({"message": "Invalid credentials"}));
    });
    let env = midway_env(&server, "installation = \"inst-1\"\n");
    env.cmd()
        .args(["token", "mw"])
        .env("AUTHCTL_SECRET_MW", "pw")
        .assert()
        .code(5)
        .stdout("")
        .stderr(predicate::str::contains("HTTP 401").and(predicate::str::contains("Invalid credentials")));
    login.assert_calls(1);
}

#[test]
fn login_prints_the_developer_token_and_later_commands_reuse_it() {
    let server = MockServer::start();
    let developer = jwt_expiring_in(7 * 86400);
    let login = midway_auth(&server, &developer);
    let list = server.mock(|when, then| {
        when.method(GET)
            .path("/v1/Developer/Installations")
            .header("authorization", format!("Bearer {developer}"));
        then.status(200).json_body(json!([
            {"id": "3fa85f64-5717-4562-b3fc-2c963f66afa6", "appId": "app-7", "appName": "Sync",
             "partyType": "Dealer", "partyId": 12, "partyName": "Acme Parts",
             "installDate": "2025-03-21T17:28:48.698Z", "installedVersion": "1.4.0",
             "userSettings": {"setting1": "x"}},
            {"id": "b2", "appId": "app-7", "appName": "Sync", "partyType": "None",
             "partyName": "Solo", "installDate": "2025-04-01T00:00:00Z", "installedVersion": "1.5.0"}
        ]));
    });
    let env = midway_env(&server, "");

    env.cmd()
        .args(["midway", "login"])
        .env("AUTHCTL_SECRET_MW", "pw")
        .assert()
        .success()
        .stdout(format!("{developer}\n"));
    let out = env.cmd().args(["midway", "installations"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let table = stdout(&out);
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), 3, "{table}");
    for column in ["ID", "APP", "PARTY", "VERSION", "INSTALLED"] {
        assert!(lines[0].contains(column), "{table}");
    }
    assert!(lines[1].starts_with("3fa85f64-5717-4562-b3fc-2c963f66afa6  Sync (app-7)  Acme Parts (Dealer)"));
    assert!(lines[1].ends_with("1.4.0    2025-03-21"), "{table}");
    assert!(
        lines[2].contains("Solo ") && lines[2].ends_with("2025-04-01"),
        "{table}"
    );

    let out = env.cmd().args(["midway", "installations", "--json"]).output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v[0]["userSettings"]["setting1"], "x");
    assert_eq!(v.as_array().unwrap().len(), 2);

    login.assert_calls(1);
    list.assert_calls(2);
}

#[test]
fn installations_logs_in_again_when_the_stored_developer_token_is_refused() {
    let server = MockServer::start();
    let stale = server.mock(|when, then| {
        when.method(GET)
            .path("/v1/Developer/Installations")
            .header("authorization", "Bearer dev-old");
        then.status(403).body("");
    });
    let login = midway_auth(&server, "dev-new");
    let list = server.mock(|when, then| {
        when.method(GET)
            .path("/v1/Developer/Installations")
            .header("authorization", "Bearer dev-new");
        then.status(200).json_body(json!([]));
    });
    let env = midway_env(&server, "");
    env.seed_developer_token("mw", "dev-old");

    env.cmd()
        .args(["midway", "installations"])
        .env("AUTHCTL_SECRET_MW", "pw")
        .assert()
        .success()
        .stdout("")
        .stderr(predicate::str::contains("No installations"));
    stale.assert_calls(1);
    login.assert_calls(1);
    list.assert_calls(1);
    assert_eq!(stored_developer_token(&env), "dev-new");
}

#[test]
fn token_without_an_installation_says_how_to_get_one() {
    let env = TestEnv::new("[profiles.mw]\nprovider = \"midway\"\nclient_id = \"cid\"\n");
    env.cmd()
        .args(["token", "mw"])
        .env("AUTHCTL_SECRET_MW", "pw")
        .assert()
        .code(3)
        .stdout("")
        .stderr(
            predicate::str::contains("profile mw")
                .and(predicate::str::contains("installation"))
                .and(predicate::str::contains("authctl midway browser")),
        );
    env.cmd()
        .args(["midway", "token"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--installation ID"));
}

/// A profile for the browser flow whose return_url lets the system pick the port; the
/// tests read it back from what authctl says.
fn browser_env() -> TestEnv {
    TestEnv::new(
        "[profiles.mw]\nprovider = \"midway\"\nclient_id = \"cid\"\napp_url = \"https://app.example.test\"\n\
         app_id = \"app-7\"\nreturn_url = \"http://127.0.0.1:0/callback\"\n",
    )
}

#[test]
fn browser_flow_answers_other_paths_404_and_takes_the_token_from_the_callback() {
    let env = browser_env();
    let run = BrowserRun::start(&env, &["--format", "json", "--wait", "60s"]);
    let port = run.port;

    let (status, body) = browser_get(port, "/favicon.ico");
    assert_eq!(status, 404, "{body}");
    let (status, _) = browser_get(port, "/callback?state=none");
    assert_eq!(status, 400);
    let token = jwt_expiring_in(1800);
    let (status, body) = browser_get(port, &format!("/callback?token={token}"));
    assert_eq!(status, 200);
    assert!(body.contains("You can close this tab"), "{body}");

    let (out, said) = run.finish();
    assert!(out.status.success(), "{said}");
    assert!(
        said.contains("https://app.example.test/Apps/Authenticate/app-7"),
        "{said}"
    );
    assert!(said.contains("No display"), "{said}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["access_token"], token.as_str());
    assert_eq!(v["source"], "network");

    // Cached for the profile: `token mw` serves it until it expires.
    env.cmd()
        .args(["token", "mw"])
        .assert()
        .success()
        .stdout(format!("{token}\n"));
}

#[test]
fn browser_flow_times_out_with_exit_7() {
    let env = browser_env();
    let run = BrowserRun::start(&env, &["--no-open", "--wait", "1s"]);
    let port = run.port;
    let (out, said) = run.finish();
    assert_eq!(out.status.code(), Some(7), "{said}");
    assert!(out.stdout.is_empty());
    assert!(
        said.contains(&format!(
            "no sign-in redirect reached http://127.0.0.1:{port}/callback within 1s"
        )),
        "{said}"
    );
    assert!(!said.contains("No display"), "{said}");
}

#[test]
fn browser_flow_ctrl_c_exits_7() {
    let env = browser_env();
    let run = BrowserRun::start(&env, &["--no-open"]);
    // Once it answers, it is listening and its Ctrl-C handler is in place.
    assert_eq!(browser_get(run.port, "/").0, 404);
    // The shell's own `kill`: no procps needed.
    let killed = std::process::Command::new("sh")
        .args(["-c", &format!("kill -INT {}", run.child.id())])
        .status()
        .unwrap();
    assert!(killed.success());
    let (out, said) = run.finish();
    assert_eq!(out.status.code(), Some(7), "{said}");
    assert!(said.contains("cancelled"), "{said}");
}

#[test]
fn browser_flow_refuses_an_unsafe_token_with_exit_6() {
    let env = browser_env();
    let run = BrowserRun::start(&env, &["--no-open", "--wait", "60s"]);
    let (status, _) = browser_get(run.port, "/callback?token=abc%0D%0ASet-Cookie:%20x");
    assert_eq!(status, 400);
    let (out, said) = run.finish();
    assert_eq!(out.status.code(), Some(6), "{said}");
    assert!(said.contains("unusable token, not printed"), "{said}");
    assert!(out.stdout.is_empty());
    assert!(!env.cache_file("mw").exists());
}

#[test]
fn browser_flow_needs_a_return_url_and_an_app_id() {
    let env = TestEnv::new("[profiles.mw]\nprovider = \"midway\"\nclient_id = \"cid\"\napp_id = \"a\"\n");
    env.cmd()
        .args(["midway", "browser", "--no-open"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("no `return_url`").and(predicate::str::contains("AuthReturnUrl")));
    let env = TestEnv::new(
        "[profiles.mw]\nprovider = \"midway\"\nclient_id = \"cid\"\nreturn_url = \"http://127.0.0.1:9/cb\"\n",
    );
    env.cmd()
        .args(["midway", "browser", "--no-open"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("--app-id"));
    let env = TestEnv::new(
        "[profiles.mw]\nprovider = \"midway\"\nclient_id = \"cid\"\nreturn_url = \"https://example.com/cb\"\n",
    );
    env.cmd()
        .args(["midway", "browser", "--no-open", "--app-id", "a"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("return_url").and(predicate::str::contains("loopback")));
}

/// A callback sent by another account that resets its connection as soon as the request
/// is complete, so that no row of the socket table is left to tell its owner by.
const SEND_THEN_RESET: &str = r#"use Socket qw(:all); use IO::Socket::INET;
my $s = IO::Socket::INET->new(PeerAddr => "127.0.0.1", PeerPort => $ARGV[0], Proto => "tcp") or die "connect: $!";
setsockopt($s, IPPROTO_TCP, TCP_NODELAY, 1);
print $s "GET $ARGV[1] HTTP/1.1\r\nHost: 127.0.0.1\r\n\r";
select(undef, undef, undef, 0.3);
setsockopt($s, SOL_SOCKET, SO_LINGER, pack("ii", 1, 0));
print $s "\n";
close($s);
"#;

#[test]
fn a_callback_from_another_account_is_refused_even_when_it_resets_its_connection() {
    let root = std::fs::metadata("/proc/self")
        .map(|m| std::os::unix::fs::MetadataExt::uid(&m))
        .ok()
        == Some(0);
    if !root || !require("perl") || !require("setpriv") {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI runs the tests as root with perl and setpriv"
        );
        eprintln!("skipping: needs root, perl and setpriv to act as another account");
        return;
    }
    let env = browser_env();
    let mut run = BrowserRun::start(&env, &["--format", "json", "--wait", "60s"]);
    let forged = jwt_expiring_in(1800);
    let sent = std::process::Command::new("setpriv")
        .args([
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            "--",
            "/usr/bin/perl",
            "-e",
            SEND_THEN_RESET,
        ])
        .arg(run.port.to_string())
        .arg(format!("/callback?token={forged}"))
        .current_dir("/")
        .output()
        .unwrap();
    assert!(sent.status.success(), "{}", stderr(&sent));
    std::thread::sleep(std::time::Duration::from_millis(500));
    assert!(
        run.child.try_wait().unwrap().is_none(),
        "the forged callback ended the wait"
    );
    let real = jwt_expiring_in(1800);
    let (status, _) = browser_get(run.port, &format!("/callback?token={real}"));
    assert_eq!(status, 200);
    let (out, said) = run.finish();
    assert!(out.status.success(), "{said}");
    assert!(said.contains("refused a request"), "{said}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["access_token"], real.as_str());
}
